//! Bars at given days (turnover and fees per rebalance).

use engine::Date;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::coord::CoordMap;
use crate::layout::{date_chart, draw_hover, header, message, rect_of, too_small, HoverRow, LegendItem, Swatch, YSpec};
use crate::{DrawResult, Theme, View, YAxis};

/// One bar series: `(day index, value)` points, e.g. turnover at each rebalance.
#[derive(Clone, Copy, Debug)]
pub struct Bars<'a> {
    pub name: &'a str,
    pub color: RGBColor,
    pub points: &'a [(usize, f64)],
}

/// Widest bar group in pixels.
const MAX_SLOT_PX: f64 = 24.0;

/// Bars from 0 to each value at its day (side by side when several series
/// have a bar on the same day), over days `view.range` of `dates`. Points
/// outside the window or with non-finite values are skipped. Bars are at
/// least one pixel wide, so dense rebalancing still shows. The crosshair
/// snaps to the nearest bar day.
pub fn draw_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    dates: &[Date],
    bars: &[Bars],
    axis: &YAxis,
    view: View,
    theme: &Theme,
) -> DrawResult<CoordMap> {
    if too_small(area, theme)? {
        return Ok(CoordMap::empty(rect_of(area)));
    }
    let items: Vec<LegendItem> =
        bars.iter().map(|b| LegendItem { name: b.name.to_string(), color: b.color, swatch: Swatch::Block }).collect();
    let rest = header(area, axis.title, &items, None, theme)?;
    let Some((first, last)) = view.clamp(dates.len()) else {
        message(&rest, "No data", theme)?;
        return Ok(CoordMap::empty(rect_of(area)));
    };
    let in_window = |b: &Bars<'_>| -> Vec<(usize, f64)> {
        b.points.iter().copied().filter(|&(d, v)| d >= first && d <= last && v.is_finite()).collect()
    };
    let shown: Vec<Vec<(usize, f64)>> = bars.iter().map(in_window).collect();
    let values = shown.iter().flatten().map(|p| p.1);
    let (lo, hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if shown.iter().all(Vec::is_empty) {
        message(&rest, "No bars in this window", theme)?;
        return Ok(CoordMap::empty(rect_of(&rest)));
    }
    let span = if hi > lo { hi - lo } else { 1.0 };
    let (lo, hi) = (if lo < 0.0 { lo - 0.05 * span } else { 0.0 }, if hi > 0.0 { hi + 0.05 * span } else { 0.0 });

    // Bar group width: 80% of the smallest gap between bar days, capped.
    let mut days: Vec<usize> = shown.iter().flatten().map(|p| p.0).collect();
    days.sort_unstable();
    days.dedup();
    let min_gap = days.windows(2).map(|w| w[1] - w[0]).min().unwrap_or(last - first + 1).max(1) as f64;
    let approx_px_per_day = f64::from(rest.dim_in_pixel().0.saturating_sub(120).max(1)) / (last - first + 1) as f64;
    let slot_px = (min_gap * approx_px_per_day * 0.8).clamp(1.0, MAX_SLOT_PX);
    let x_pad = (slot_px / 2.0 + 1.0) / approx_px_per_day;

    let y = YSpec { lo, hi, log: false, format: axis.format, desc: axis.label };
    let (chart, map, ystep) = date_chart(&rest, dates, (first, last), x_pad, &y, theme)?;
    let plot = chart.plotting_area().strip_coord_spec();
    let n = bars.len().max(1) as f64;
    let bar_px = (slot_px / n).max(1.0);
    let zero = map.value_to_pixel(0.0).unwrap_or(map.bottom);
    for (k, (b, pts)) in bars.iter().zip(&shown).enumerate() {
        for &(d, v) in pts {
            let (Some(x), Some(yv)) = (map.day_to_pixel(d), map.value_to_pixel(v)) else { continue };
            let x0 = (f64::from(x) - slot_px / 2.0 + k as f64 * bar_px).round() as i32;
            let x1 = (x0 + bar_px.round() as i32).max(x0 + 1);
            let (ya, yb) = (yv.min(zero), yv.max(zero).max(yv.min(zero) + 1));
            plot.draw(&Rectangle::new(
                [(x0 - map.left, ya - map.top), (x1 - map.left, yb - map.top)],
                b.color.filled(),
            ))?;
        }
    }

    if let Some(hover) = view.hover.filter(|d| (first..=last).contains(d)) {
        // Snap to the nearest bar day within half the bar spacing (at least a day).
        let reach = (min_gap / 2.0).max(1.0);
        let snapped =
            days.iter().copied().filter(|&d| d.abs_diff(hover) as f64 <= reach).min_by_key(|&d| d.abs_diff(hover));
        let day = snapped.unwrap_or(hover);
        let rows: Vec<HoverRow> = bars
            .iter()
            .zip(&shown)
            .map(|(b, pts)| {
                let value = pts.iter().find(|p| p.0 == day).map(|p| p.1);
                HoverRow { color: b.color, name: b.name.to_string(), value, marker: value }
            })
            .collect();
        let fmt = axis.format;
        draw_hover(&chart, &map, dates[day], day, &rows, |v| fmt.format(v, ystep / 10.0), theme)?;
    }
    Ok(map)
}
