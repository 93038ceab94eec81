//! A plotters axis with precomputed ticks and labels, used for both the day
//! axis and the value axis, and the date tick selection.

use std::ops::Range;

use engine::Date;
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};

/// Maps `v` in `[lo, hi]` (log10 of both when `log`) to a pixel in `limit`
/// (`limit.0` at `lo`). The same function is used by plotters (through
/// [`TickAxis`]) and by [`crate::CoordMap`], so hover maths matches the drawing.
pub(crate) fn to_pixel(v: f64, lo: f64, hi: f64, log: bool, limit: (i32, i32)) -> i32 {
    Scale::new(lo, hi, log, limit).pixel(v)
}

/// [`to_pixel`] for many values: the axis transformed once (a log axis takes
/// one `log10` per value instead of three). Same arithmetic, same pixels.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scale {
    lo: f64,
    hi: f64,
    log: bool,
    limit: (i32, i32),
}

impl Scale {
    pub fn new(lo: f64, hi: f64, log: bool, limit: (i32, i32)) -> Scale {
        let (lo, hi) = if log { (lo.log10(), hi.log10()) } else { (lo, hi) };
        Scale { lo, hi, log, limit }
    }

    /// The pixel of `v` (rounded as plotters draws it).
    pub fn pixel(&self, v: f64) -> i32 {
        self.limit.0 + self.offset(v).round() as i32
    }

    /// The position of `v` as a fractional pixel.
    pub fn pixel_f64(&self, v: f64) -> f64 {
        f64::from(self.limit.0) + self.offset(v)
    }

    fn offset(&self, v: f64) -> f64 {
        let (v, lo, hi) = (if self.log { v.log10() } else { v }, self.lo, self.hi);
        let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
        // Far outside values are clamped so that the integer maths cannot overflow.
        let t = if t.is_nan() { 0.0 } else { t.clamp(-10.0, 10.0) };
        t * f64::from(self.limit.1 - self.limit.0)
    }
}

/// The inverse of [`to_pixel`].
pub(crate) fn from_pixel(px: i32, lo: f64, hi: f64, log: bool, limit: (i32, i32)) -> f64 {
    let t = if limit.1 != limit.0 { f64::from(px - limit.0) / f64::from(limit.1 - limit.0) } else { 0.5 };
    if log {
        10f64.powf(lo.log10() + t * (hi.log10() - lo.log10()))
    } else {
        lo + t * (hi - lo)
    }
}

/// A continuous axis over `[lo, hi]` whose bold grid lines and labels are the
/// given ticks. No light grid lines.
#[derive(Clone, Debug)]
pub(crate) struct TickAxis {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
    pub ticks: Vec<(f64, String)>,
}

impl TickAxis {
    pub fn new(lo: f64, hi: f64, log: bool, ticks: Vec<(f64, String)>) -> TickAxis {
        let ticks =
            ticks.into_iter().filter(|(v, _)| *v >= lo - 1e-9 * lo.abs() && *v <= hi + 1e-9 * hi.abs()).collect();
        TickAxis { lo, hi, log, ticks }
    }
}

impl Ranged for TickAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        to_pixel(*value, self.lo, self.hi, self.log, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            return Vec::new();
        }
        let max = hint.max_num_points().max(1);
        let stride = self.ticks.len().div_ceil(max).max(1);
        self.ticks.iter().step_by(stride).map(|(v, _)| *v).collect()
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for TickAxis {
    fn format_ext(&self, value: &f64) -> String {
        self.ticks
            .iter()
            .min_by(|a, b| (a.0 - value).abs().total_cmp(&(b.0 - value).abs()))
            .map(|(_, label)| label.clone())
            .unwrap_or_default()
    }
}

/// Granularity of date ticks, finest first.
#[derive(Clone, Copy, Debug)]
enum DateStep {
    Days(i32),
    Weeks(i32),
    Months(i32),
    Years(i32),
}

const DATE_STEPS: [DateStep; 14] = [
    DateStep::Days(1),
    DateStep::Days(2),
    DateStep::Weeks(1),
    DateStep::Weeks(2),
    DateStep::Months(1),
    DateStep::Months(2),
    DateStep::Months(3),
    DateStep::Months(6),
    DateStep::Years(1),
    DateStep::Years(2),
    DateStep::Years(5),
    DateStep::Years(10),
    DateStep::Years(25),
    DateStep::Years(100),
];

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Short English month name, `month` in 1..=12.
pub(crate) fn month_name(month: u32) -> &'static str {
    MONTHS[(month.clamp(1, 12) - 1) as usize]
}

/// Tick positions (day indices) and labels for days `first..=last` of `dates`:
/// the finest calendar step (days, weeks, months, years) giving at most
/// `max_ticks` ticks. A tick sits on the first listed day of each period, so
/// gaps in `dates` are fine.
pub(crate) fn date_ticks(dates: &[Date], first: usize, last: usize, max_ticks: usize) -> Vec<(f64, String)> {
    if dates.is_empty() || first > last || last >= dates.len() {
        return Vec::new();
    }
    let max_ticks = max_ticks.max(1);
    let mut best = Vec::new();
    for (i, step) in DATE_STEPS.into_iter().enumerate() {
        // A step that gives too many ticks is abandoned as soon as it does
        // (a chart redraw would otherwise label every day of a long history
        // only to throw the labels away); the coarsest step is kept whole.
        let limit = if i + 1 < DATE_STEPS.len() { max_ticks } else { usize::MAX };
        let ticks = ticks_for_step(dates, first, last, step, limit);
        let fits = ticks.len() <= max_ticks;
        best = ticks;
        if fits {
            break;
        }
    }
    if best.is_empty() {
        // A window inside one period (e.g. 3 days with no date at a step):
        // label the first day.
        best.push((first as f64, dates[first].to_string()));
    }
    best
}

/// The ticks of one step, stopping once there are more than `limit`.
fn ticks_for_step(dates: &[Date], first: usize, last: usize, step: DateStep, limit: usize) -> Vec<(f64, String)> {
    let mut out = Vec::new();
    for i in first..=last {
        if out.len() > limit {
            break;
        }
        let d = dates[i];
        let prev = if i > 0 { Some(dates[i - 1]) } else { None };
        let (y, m, day) = d.ymd();
        // A date starts a period when the period key changed since the previous
        // day (or, for the very first day, when it is the period's first day).
        let starts = |key: fn(Date) -> i64, is_start: bool| match prev {
            Some(p) => key(p) != key(d),
            None => is_start,
        };
        let label = match step {
            DateStep::Days(n) => (d.0.rem_euclid(n) == 0 && starts(|x| i64::from(x.0), true)).then(|| d.to_string()),
            DateStep::Weeks(n) => {
                let week = d.week_key().div_euclid(7);
                (week.rem_euclid(n) == 0 && starts(|x| i64::from(x.week_key()), d.weekday() == 1))
                    .then(|| d.to_string())
            }
            DateStep::Months(n) => ((m as i32 - 1) % n == 0 && starts(|x| i64::from(x.month_key()), day == 1))
                .then(|| if m == 1 { format!("{y}") } else { format!("{} {y}", month_name(m)) }),
            DateStep::Years(n) => {
                (y.rem_euclid(n) == 0 && starts(|x| i64::from(x.year()), m == 1 && day == 1)).then(|| format!("{y}"))
            }
        };
        if let Some(label) = label {
            out.push((i as f64, label));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(from: Date, n: usize) -> Vec<Date> {
        (0..n).map(|i| Date(from.0 + i as i32)).collect()
    }

    #[test]
    fn pixel_mapping_round_trips() {
        for log in [false, true] {
            let (lo, hi) = (1.0, 50.0);
            for px in 10..=500 {
                let v = from_pixel(px, lo, hi, log, (10, 500));
                assert_eq!(to_pixel(v, lo, hi, log, (10, 500)), px);
            }
        }
        // Reversed limits (the y axis) too.
        assert_eq!(to_pixel(0.0, 0.0, 1.0, false, (300, 20)), 300);
        assert_eq!(to_pixel(1.0, 0.0, 1.0, false, (300, 20)), 20);
    }

    #[test]
    fn three_years_get_year_or_quarter_ticks() {
        let start = Date::from_ymd(2020, 1, 1).unwrap();
        let dates = days(start, 3 * 365 + 1);
        let t = date_ticks(&dates, 0, dates.len() - 1, 4);
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["2020", "2021", "2022"]);
        let t = date_ticks(&dates, 0, dates.len() - 1, 12);
        assert_eq!(t.len(), 12, "{t:?}");
        assert_eq!(t[1].1, "Apr 2020");
        assert_eq!(t[1].0, f64::from(Date::from_ymd(2020, 4, 1).unwrap().0 - start.0));
    }

    #[test]
    fn abandoning_crowded_steps_early_changes_no_tick() {
        // The reference: every step's ticks in full, the first that fits.
        let full = |dates: &[Date], first: usize, last: usize, max: usize| {
            let mut best = Vec::new();
            for step in DATE_STEPS {
                best = ticks_for_step(dates, first, last, step, usize::MAX);
                if best.len() <= max {
                    break;
                }
            }
            best
        };
        let daily = days(Date::from_ymd(2017, 3, 5).unwrap(), 3_650);
        let weekly: Vec<Date> = (0..400).map(|i| Date(daily[0].0 + 7 * i)).collect();
        for dates in [&daily, &weekly] {
            for (first, last) in [(0, dates.len() - 1), (10, 40), (100, 399), (5, 5)] {
                for max in [1, 4, 9, 12, 30] {
                    let want = full(dates, first, last, max);
                    if !want.is_empty() {
                        assert_eq!(date_ticks(dates, first, last, max), want, "{first}..={last}, at most {max}");
                    }
                }
            }
        }
    }

    #[test]
    fn short_windows_get_day_or_week_ticks() {
        let dates = days(Date::from_ymd(2021, 5, 10).unwrap(), 30);
        let t = date_ticks(&dates, 3, 7, 8);
        assert_eq!(t.len(), 5);
        assert_eq!(t[0].1, "2021-05-13");
        let t = date_ticks(&dates, 0, 29, 6);
        assert!(t.iter().all(|(i, _)| dates[*i as usize].weekday() == 1), "{t:?}");
        let single = date_ticks(&dates, 4, 4, 8);
        assert_eq!(single, vec![(4.0, "2021-05-14".to_string())]);
        assert!(date_ticks(&[], 0, 0, 8).is_empty());
    }
}
