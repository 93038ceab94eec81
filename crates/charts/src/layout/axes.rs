//! Axes of a date chart: the frame with its date and value ticks, the
//! pixel mappings, and the helpers that choose a padded value range.

use engine::Date;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::axis::{date_ticks, Scale, TickAxis};
use crate::coord::CoordMap;
use crate::{DrawResult, Theme, ValueFormat};

use super::text::{rect_of, text, text_width};

/// A chart of dates (x) and values (y), with the ticks of [`date_chart`].
pub(crate) type DateChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<TickAxis, TickAxis>>;

/// The y axis of a date chart.
pub(crate) struct YSpec<'a> {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
    pub format: ValueFormat,
    pub desc: &'a str,
}

/// Y ticks (positions and labels) for a y axis spanning about `height` pixels.
/// Also returns the tick step (for the hover value precision).
fn y_ticks(y: &YSpec, height: i32) -> (Vec<(f64, String)>, f64) {
    let max = ((height / 36).max(2)) as usize;
    if y.log {
        // Each log tick with the decimals it needs: 0.5, 1, 2, 5 or 1.1, 1.15, 1.2.
        let ticks = crate::format::log_ticks(y.lo, y.hi, max);
        let unit = if y.format == ValueFormat::Number { 1.0 } else { 100.0 };
        let labels = ticks
            .iter()
            .map(|&t| {
                let d = crate::format::exact_decimals(t * unit);
                (t, y.format.format(t, 10f64.powi(-(d as i32)) / unit))
            })
            .collect();
        (labels, smallest_gap(&ticks))
    } else {
        let (ticks, step) = crate::format::linear_ticks(y.lo, y.hi, max);
        (ticks.iter().map(|&t| (t, y.format.format(t, step))).collect(), step)
    }
}

fn smallest_gap(ticks: &[f64]) -> f64 {
    ticks.windows(2).map(|w| w[1] - w[0]).fold(f64::INFINITY, f64::min).min(1.0)
}

/// Builds the frame of a date chart (x: days `first..=last` padded by `x_pad`
/// days each side, y: `y`), draws grid, axes, tick labels and descriptions,
/// and returns the chart, its [`CoordMap`] and the y tick step.
pub(crate) fn date_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    dates: &[Date],
    (first, last): (usize, usize),
    x_pad: f64,
    y: &YSpec,
    theme: &Theme,
) -> DrawResult<(DateChart<'a, DB>, CoordMap, f64)> {
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let label_style = text(theme, theme.font_size, &theme.foreground);
    let desc_style = text(theme, theme.font_size * 0.9, &theme.muted);
    let x_area = (theme.font_size * 2.6).round() as i32 + 6;
    let (yticks, ystep) = y_ticks(y, h - x_area - 10);
    let y_label_w = yticks.iter().map(|(_, l)| text_width(area, l, &label_style)).max().unwrap_or(20);
    let y_area = y_label_w + 12 + if y.desc.is_empty() { 0 } else { (theme.font_size * 1.2) as i32 };
    let plot_w = (w - y_area - 20).max(1);
    let xticks = date_ticks(dates, first, last, (plot_w / 90).max(1) as usize);
    let pad = if first == last { x_pad.max(0.5) } else { x_pad };
    let x_axis = TickAxis::new(first as f64 - pad, last as f64 + pad, false, xticks);
    let y_axis = TickAxis::new(y.lo, y.hi, y.log, yticks);
    let (nx, ny) = (x_axis.ticks.len().max(1), y_axis.ticks.len().max(1));

    let mut chart = ChartBuilder::on(area)
        .margin_top(6)
        .margin_right(20)
        .margin_left(4)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x_axis, y_axis)?;
    let range_desc =
        if first == last { dates[first].to_string() } else { format!("{} \u{2013} {}", dates[first], dates[last]) };
    chart
        .configure_mesh()
        .x_labels(nx)
        .y_labels(ny)
        .light_line_style(TRANSPARENT)
        .bold_line_style(theme.grid)
        .axis_style(theme.muted)
        .label_style(label_style.clone())
        .axis_desc_style(desc_style)
        .x_desc(range_desc)
        .y_desc(y.desc)
        .draw()?;

    let (left, top, right, bottom) = rect_of(chart.plotting_area());
    let map = CoordMap {
        left,
        top,
        right,
        bottom,
        first_day: first,
        last_day: last,
        x_lo: first as f64 - pad,
        x_hi: last as f64 + pad,
        y_lo: y.lo,
        y_hi: y.hi,
        log_y: y.log,
        has_data: true,
    };
    Ok((chart, map, ystep))
}

/// The x and y pixel mappings of a date chart, as plotters maps its points.
pub(super) fn scales(map: &CoordMap) -> (Scale, Scale) {
    (
        Scale::new(map.x_lo, map.x_hi, false, (map.left, map.right)),
        Scale::new(map.y_lo, map.y_hi, map.log_y, (map.bottom, map.top)),
    )
}

/// Data range helper: min and max of the finite values passing `ok` over the
/// window, across slices.
pub(crate) fn min_max<'v>(
    values: impl IntoIterator<Item = &'v [f64]>,
    (first, last): (usize, usize),
    ok: impl Fn(f64) -> bool,
) -> Option<(f64, f64)> {
    let mut acc: Option<(f64, f64)> = None;
    for vs in values {
        for &v in vs.iter().take(last + 1).skip(first) {
            if v.is_finite() && ok(v) {
                acc = Some(acc.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
            }
        }
    }
    acc
}

/// Pads a linear range by 5% (or a unit-ish amount when it is a single value).
pub(crate) fn pad_linear(lo: f64, hi: f64) -> (f64, f64) {
    let span = hi - lo;
    if span > 0.0 {
        (lo - span * 0.05, hi + span * 0.05)
    } else {
        let d = if lo.abs() > 0.0 { lo.abs() * 0.1 } else { 1.0 };
        (lo - d, hi + d)
    }
}

/// Pads a positive range by 5% in log space (a factor of 1.1 for a single value).
pub(crate) fn pad_log(lo: f64, hi: f64) -> (f64, f64) {
    let (a, b) = (lo.log10(), hi.log10());
    let span = b - a;
    let d = if span > 0.0 { span * 0.05 } else { 1.1f64.log10() };
    (10f64.powf(a - d), 10f64.powf(b + d))
}
