//! Line charts over dates: growth of 1, drawdown (underwater) and rolling
//! statistics.

use engine::Date;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::coord::CoordMap;
use crate::layout::{
    date_chart, draw_hover, draw_line, header, message, min_max, pad_linear, pad_log, rect_of, too_small, HoverRow,
    LegendItem, Swatch, YSpec,
};
use crate::{DrawResult, Series, Theme, ValueFormat, View, YAxis};

#[derive(Clone, Copy)]
enum Kind {
    Growth { log: bool },
    Drawdown,
    Rolling,
}

/// Growth of 1 (each series' values as given, e.g. NAV / initial NAV) on a
/// linear or log y axis, days `view.range` of `dates`, with a legend and date
/// labels. On the log axis values <= 0 cannot be shown: they are left out
/// (the line is split there) and a note says so.
pub fn draw_growth<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    dates: &[Date],
    series: &[Series],
    log_scale: bool,
    view: View,
    theme: &Theme,
) -> DrawResult<CoordMap> {
    let axis = YAxis {
        title: "Growth of 1",
        label: if log_scale { "growth (log scale)" } else { "growth" },
        format: ValueFormat::Number,
    };
    line_chart(area, dates, series, &axis, Kind::Growth { log: log_scale }, view, theme)
}

/// Underwater chart: each series' drawdown from its running peak as a
/// fraction <= 0 (see [`drawdown_from_growth`]), drawn as lines over a light
/// fill down from 0, y axis in percent.
pub fn draw_drawdown<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    dates: &[Date],
    series: &[Series],
    view: View,
    theme: &Theme,
) -> DrawResult<CoordMap> {
    let axis = YAxis { title: "Drawdown", label: "below previous peak", format: ValueFormat::Percent };
    line_chart(area, dates, series, &axis, Kind::Drawdown, view, theme)
}

/// Rolling statistics (volatility, Sharpe ratio...) as lines; `NaN` values
/// (e.g. the warm-up before the first full window) are gaps. A zero line is
/// drawn when the range crosses zero.
pub fn draw_rolling<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    dates: &[Date],
    series: &[Series],
    axis: &YAxis,
    view: View,
    theme: &Theme,
) -> DrawResult<CoordMap> {
    line_chart(area, dates, series, axis, Kind::Rolling, view, theme)
}

/// Drawdown from the running peak for a growth (or price) series:
/// `v / max(v[..=i]) - 1`, so 0 at a new high and e.g. -0.25 25% below it.
/// Non-finite or non-positive values give `NaN` and do not set a peak.
pub fn drawdown_from_growth(values: &[f64]) -> Vec<f64> {
    let mut peak = f64::NAN;
    values
        .iter()
        .map(|&v| {
            if !(v.is_finite() && v > 0.0) {
                return f64::NAN;
            }
            if peak.is_nan() || v > peak {
                peak = v;
            }
            v / peak - 1.0
        })
        .collect()
}

fn line_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    dates: &[Date],
    series: &[Series],
    axis: &YAxis,
    kind: Kind,
    view: View,
    theme: &Theme,
) -> DrawResult<CoordMap> {
    if too_small(area, theme)? {
        return Ok(CoordMap::empty(rect_of(area)));
    }
    let log = matches!(kind, Kind::Growth { log: true });
    let ok = move |v: f64| v.is_finite() && (!log || v > 0.0);
    let legend = |window: Option<(usize, usize)>| -> Vec<LegendItem> {
        series
            .iter()
            .map(|s| {
                let has = window.is_some_and(|w| min_max([s.values], w, ok).is_some());
                LegendItem {
                    name: if has || window.is_none() { s.name.to_string() } else { format!("{} (no data)", s.name) },
                    color: s.color,
                    swatch: Swatch::Line,
                }
            })
            .collect()
    };

    let Some(window) = view.clamp(dates.len()) else {
        let rest = header(area, axis.title, &legend(None), None, theme)?;
        message(&rest, "No data", theme)?;
        return Ok(CoordMap::empty(rect_of(area)));
    };
    let clipped = log && min_max(series.iter().map(|s| s.values), window, |v| v <= 0.0).is_some();
    let note = clipped.then_some("values \u{2264} 0 not shown on log scale");
    let rest = header(area, axis.title, &legend(Some(window)), note, theme)?;

    let Some((lo, hi)) = min_max(series.iter().map(|s| s.values), window, ok) else {
        let msg = if clipped { "No values above zero to show on a log scale" } else { "No data in this window" };
        message(&rest, msg, theme)?;
        return Ok(CoordMap::empty(rect_of(&rest)));
    };
    let (lo, hi) = match kind {
        Kind::Growth { log: true } => pad_log(lo, hi),
        Kind::Drawdown => {
            let lo = lo.min(-0.01);
            (lo - 0.05 * lo.abs(), 0.0f64.max(hi))
        }
        _ => pad_linear(lo, hi),
    };
    let y = YSpec { lo, hi, log, format: axis.format, desc: axis.label };
    let (mut chart, map, ystep) = date_chart(&rest, dates, window, 0.0, &y, theme)?;

    if matches!(kind, Kind::Rolling) && lo < 0.0 && hi > 0.0 {
        let (a, b) = (map.x_lo, map.x_hi);
        chart.draw_series(std::iter::once(PathElement::new(vec![(a, 0.0), (b, 0.0)], theme.muted.stroke_width(1))))?;
    }
    for s in series {
        draw_line(&mut chart, &map, s.values, window, ok, s.color, matches!(kind, Kind::Drawdown))?;
    }

    if let Some(day) = view.hover.filter(|d| (window.0..=window.1).contains(d)) {
        let rows: Vec<HoverRow> = series
            .iter()
            .map(|s| {
                let value = s.values.get(day).copied().filter(|&v| ok(v));
                HoverRow { color: s.color, name: s.name.to_string(), value, marker: value }
            })
            .collect();
        let fmt = axis.format;
        draw_hover(&chart, &map, dates[day], day, &rows, |v| fmt.format(v, ystep / 10.0), theme)?;
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawdown_tracks_the_running_peak() {
        let dd = drawdown_from_growth(&[1.0, 1.2, 0.9, f64::NAN, 1.5, 0.75]);
        let want = [0.0, 0.0, -0.25, f64::NAN, 0.0, -0.5];
        for (a, b) in dd.iter().zip(want) {
            assert!((a.is_nan() && b.is_nan()) || (a - b).abs() < 1e-12, "{dd:?}");
        }
    }
}
