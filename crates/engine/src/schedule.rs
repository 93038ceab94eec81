//! Calendar schedules: which data days are rebalance (or reconstitution) days.
//!
//! # Convention
//! Every schedule except [`Schedule::Daily`] and [`Schedule::Never`] splits the
//! calendar into periods with a key:
//! - `Weekly`: the ISO week, Monday to Sunday ([`Date::week_key`]);
//! - `Monthly`, `Quarterly`, `Yearly`: the calendar month, quarter, year;
//! - `EveryNDays(n)`: blocks of `n` calendar days counted from the panel's first
//!   date, key `(date - first_date).div_euclid(n)`.
//!
//! A day `t` is a scheduled day when it is the `offset`-th data day (0-based,
//! counting only days present in the panel) of its period. With offset 0 that
//! is the first data day of each period, i.e. the day whose key differs from
//! day `t - 1`'s. A period with fewer than `offset + 1` data days has no
//! scheduled day. Day 0 is always a scheduled day (the initial purchase).
//! `Daily` schedules every day, `Never` only day 0; both take no offset.

use crate::date::Date;
use serde::{Deserialize, Serialize};

/// How often something happens. Serialises as `"monthly"`, `{"every_n_days": 10}`, ...
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    Daily,
    Weekly,
    Monthly,
    Quarterly,
    Yearly,
    /// Every `n` calendar days, counted from the panel's first date.
    EveryNDays(u32),
    /// Only day 0: buy and hold.
    Never,
}

impl Schedule {
    /// Number of calendar days in the longest period, so the largest valid
    /// offset is this minus one. `None` for `Daily` and `Never` (no offset).
    pub fn max_period_days(self) -> Option<u32> {
        match self {
            Schedule::Daily | Schedule::Never => None,
            Schedule::Weekly => Some(7),
            Schedule::Monthly => Some(31),
            Schedule::Quarterly => Some(92),
            Schedule::Yearly => Some(366),
            Schedule::EveryNDays(n) => Some(n),
        }
    }

    /// Number of offsets every period has: the days of the shortest period
    /// (a week 7, a month 28, a quarter 90, a year 365, `n` for every `n`
    /// days). Offsets `0..count` each give a rebalance in every full period:
    /// these are the rebalance days a strategy could have chosen. `None`
    /// for `Daily` and `Never` (no offset).
    pub fn offset_count(self) -> Option<u32> {
        match self {
            Schedule::Daily | Schedule::Never => None,
            Schedule::Weekly => Some(7),
            Schedule::Monthly => Some(28),
            Schedule::Quarterly => Some(90),
            Schedule::Yearly => Some(365),
            Schedule::EveryNDays(n) => Some(n.max(1)),
        }
    }

    /// Period key of `date`; see the module docs. `first` is the panel's first date.
    fn key(self, date: Date, first: Date) -> i64 {
        match self {
            Schedule::Weekly => date.week_key() as i64,
            Schedule::Monthly => date.month_key() as i64,
            Schedule::Quarterly => date.quarter_key() as i64,
            Schedule::Yearly => date.year() as i64,
            Schedule::EveryNDays(n) => (date.0 as i64 - first.0 as i64).div_euclid(n.max(1) as i64),
            Schedule::Daily | Schedule::Never => 0,
        }
    }

    /// Period key of `date` with the days `start..end` (as [`Date`] numbers)
    /// that share it: the whole month, quarter or year for those schedules
    /// (their key takes a calendar conversion, done once a period this
    /// way), only `date` itself for the others.
    fn key_span(self, date: Date, first: Date) -> (i64, i64, i64) {
        let key = self.key(date, first);
        let bounds = match self {
            Schedule::Monthly | Schedule::Quarterly | Schedule::Yearly => {
                let (y, m, _) = date.ymd();
                let (from, to) = match self {
                    Schedule::Monthly => (m, m + 1),
                    Schedule::Quarterly => ((m - 1) / 3 * 3 + 1, (m - 1) / 3 * 3 + 4),
                    _ => (1, 13),
                };
                let start =
                    |y: i32, m: u32| if m > 12 { Date::from_ymd(y + 1, m - 12, 1) } else { Date::from_ymd(y, m, 1) };
                start(y, from).zip(start(y, to))
            }
            _ => None,
        };
        match bounds {
            Some((start, end)) => (key, i64::from(start.0), i64::from(end.0)),
            None => (key, i64::from(date.0), i64::from(date.0) + 1),
        }
    }

    /// One flag per date: `true` on scheduled days (see the module docs).
    pub fn days(self, dates: &[Date], offset: u32) -> Vec<bool> {
        let mut out = vec![false; dates.len()];
        let Some(&first) = dates.first() else { return out };
        match self {
            Schedule::Daily => out.fill(true),
            Schedule::Never => {}
            _ => {
                let mut pos = 0u32;
                let mut span = self.key_span(first, first);
                let mut prev = span.0;
                for (t, &d) in dates.iter().enumerate() {
                    if !(span.1..span.2).contains(&i64::from(d.0)) {
                        span = self.key_span(d, first);
                    }
                    let k = span.0;
                    if t > 0 {
                        pos = if k == prev { pos + 1 } else { 0 };
                    }
                    prev = k;
                    out[t] = pos == offset;
                }
            }
        }
        out[0] = true;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn daily(from: Date, n: i32) -> Vec<Date> {
        (0..n).map(|i| Date(from.0 + i)).collect()
    }

    fn on(flags: &[bool], dates: &[Date]) -> Vec<String> {
        flags.iter().zip(dates).filter(|(f, _)| **f).map(|(_, d)| d.to_string()).collect()
    }

    /// The flags straight from each date's key, as `days` defined them
    /// before it reused a key over a period.
    fn days_by_key(s: Schedule, dates: &[Date], offset: u32) -> Vec<bool> {
        let mut out = vec![false; dates.len()];
        let Some(&first) = dates.first() else { return out };
        let mut pos = 0u32;
        let mut prev = s.key(first, first);
        for (t, &d) in dates.iter().enumerate() {
            let k = s.key(d, first);
            if t > 0 {
                pos = if k == prev { pos + 1 } else { 0 };
            }
            prev = k;
            out[t] = pos == offset;
        }
        out[0] = true;
        out
    }

    #[test]
    fn periods_reuse_their_key_exactly() {
        // Daily dates across leap years and the turn of centuries, then dates
        // with gaps of up to 40 days (periods with no date, or one).
        let daily: Vec<Date> = daily(Date::from_ymd(1999, 11, 20).unwrap(), 2000);
        let mut gappy = vec![Date::from_ymd(1899, 12, 31).unwrap()];
        let mut x = 7u32;
        for _ in 0..3000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            gappy.push(Date(gappy.last().unwrap().0 + 1 + (x >> 16) as i32 % 40));
        }
        for dates in [&daily, &gappy] {
            for s in
                [Schedule::Weekly, Schedule::Monthly, Schedule::Quarterly, Schedule::Yearly, Schedule::EveryNDays(9)]
            {
                for offset in [0, 1, 5] {
                    assert_eq!(s.days(dates, offset), days_by_key(s, dates, offset), "{s:?} offset {offset}");
                }
            }
        }
    }

    #[test]
    fn weekly_starts_on_iso_mondays() {
        // 2024-01-03 is a Wednesday; next Mondays are Jan 8 and Jan 15.
        let dates = daily(Date::from_ymd(2024, 1, 3).unwrap(), 14);
        assert_eq!(on(&Schedule::Weekly.days(&dates, 0), &dates), ["2024-01-03", "2024-01-08", "2024-01-15"]);
        // Offset 2: the third data day of each week (Wednesday); the first,
        // partial week (Wed..Sun) has its third day on Friday.
        assert_eq!(on(&Schedule::Weekly.days(&dates, 2), &dates), ["2024-01-03", "2024-01-05", "2024-01-10"]);
    }

    #[test]
    fn weekly_across_a_year_end_uses_iso_weeks() {
        // 2020-12-28 (Mon) .. 2021-01-10: ISO week 53 of 2020 spans the new year.
        let dates = daily(Date::from_ymd(2020, 12, 28).unwrap(), 14);
        assert_eq!(on(&Schedule::Weekly.days(&dates, 0), &dates), ["2020-12-28", "2021-01-04"]);
    }

    #[test]
    fn monthly_quarterly_yearly_on_first_data_day() {
        let dates = daily(Date::from_ymd(2023, 11, 15).unwrap(), 200);
        assert_eq!(
            on(&Schedule::Monthly.days(&dates, 0), &dates),
            [
                "2023-11-15",
                "2023-12-01",
                "2024-01-01",
                "2024-02-01",
                "2024-03-01",
                "2024-04-01",
                "2024-05-01",
                "2024-06-01"
            ]
        );
        assert_eq!(on(&Schedule::Quarterly.days(&dates, 0), &dates), ["2023-11-15", "2024-01-01", "2024-04-01"]);
        assert_eq!(on(&Schedule::Yearly.days(&dates, 0), &dates), ["2023-11-15", "2024-01-01"]);
        assert_eq!(
            on(&Schedule::Quarterly.days(&dates, 4), &dates),
            ["2023-11-15", "2023-11-19", "2024-01-05", "2024-04-05"]
        );
    }

    #[test]
    fn monthly_with_missing_days_uses_data_days() {
        // Weekly data: the first data day of February 2024 is Monday Feb 5.
        let dates: Vec<Date> = (0..8).map(|i| Date(Date::from_ymd(2024, 1, 1).unwrap().0 + 7 * i)).collect();
        assert_eq!(on(&Schedule::Monthly.days(&dates, 0), &dates), ["2024-01-01", "2024-02-05"]);
        // Offset 4 exists only in January (five Mondays); February has three data days here.
        assert_eq!(on(&Schedule::Monthly.days(&dates, 4), &dates), ["2024-01-01", "2024-01-29"]);
    }

    #[test]
    fn every_n_days_daily_never() {
        let dates = daily(Date(100), 10);
        assert_eq!(
            Schedule::EveryNDays(4).days(&dates, 0),
            [true, false, false, false, true, false, false, false, true, false]
        );
        assert_eq!(
            Schedule::EveryNDays(4).days(&dates, 1),
            [true, true, false, false, false, true, false, false, false, true]
        );
        assert_eq!(Schedule::Daily.days(&dates, 0), [true; 10]);
        assert_eq!(
            Schedule::Never.days(&dates, 0),
            [true, false, false, false, false, false, false, false, false, false]
        );
        // Calendar, not data, days: a gap moves the next block start.
        let gappy = [Date(100), Date(101), Date(105), Date(106), Date(108)];
        assert_eq!(Schedule::EveryNDays(4).days(&gappy, 0), [true, false, true, false, true]);
    }

    #[test]
    fn serialises_compactly() {
        assert_eq!(serde_json::to_string(&Schedule::Monthly).unwrap(), "\"monthly\"");
        assert_eq!(serde_json::to_string(&Schedule::EveryNDays(10)).unwrap(), "{\"every_n_days\":10}");
        assert_eq!(serde_json::from_str::<Schedule>("\"never\"").unwrap(), Schedule::Never);
    }
}
