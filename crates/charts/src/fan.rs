//! Spread charts for the robustness analyses: a fan of equity curves (one
//! per strategy: the median across rebalance days as a line, the middle half
//! and the full range as shaded bands) and horizontal box plots (one box per
//! strategy: min, quartiles, max, and a mark for the value actually used).

use engine::Date;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::coord::CoordMap;
use crate::heatmap::lerp;
use crate::layout::{
    date_chart, draw_line, fill_between, header, message, min_max, pad_linear, pad_log, rect_of, text, text_width,
    too_small, LegendItem, Swatch, YSpec,
};
use crate::{DrawResult, Theme, ValueFormat};

/// One strategy's fan: five curves over the same points.
pub struct Fan<'a> {
    pub name: &'a str,
    pub color: RGBColor,
    pub min: &'a [f64],
    pub q1: &'a [f64],
    pub median: &'a [f64],
    pub q3: &'a [f64],
    pub max: &'a [f64],
}

/// Draws fans over `dates` (one date per point), growth of 1 on a linear or
/// log axis. Bands are drawn first (outer, then inner), medians on top.
pub fn draw_fan<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    dates: &[Date],
    fans: &[Fan],
    log: bool,
    theme: &Theme,
) -> DrawResult<CoordMap> {
    if too_small(area, theme)? {
        return Ok(CoordMap::empty(rect_of(area)));
    }
    let legend: Vec<LegendItem> =
        fans.iter().map(|f| LegendItem { name: f.name.to_string(), color: f.color, swatch: Swatch::Line }).collect();
    let note = "line: median over rebalance days; bands: middle half and full range";
    let rest = header(area, title, &legend, Some(note), theme)?;
    let ok = move |v: f64| v.is_finite() && (!log || v > 0.0);
    let window = (0, dates.len().saturating_sub(1));
    let Some((lo, hi)) =
        (!dates.is_empty()).then(|| min_max(fans.iter().flat_map(|f| [f.min, f.max]), window, ok)).flatten()
    else {
        message(&rest, "No data", theme)?;
        return Ok(CoordMap::empty(rect_of(&rest)));
    };
    let (lo, hi) = if log { pad_log(lo, hi) } else { pad_linear(lo, hi) };
    let y = YSpec { lo, hi, log, format: ValueFormat::Number, desc: if log { "growth (log scale)" } else { "growth" } };
    let (mut chart, map, _) = date_chart(&rest, dates, window, 0.0, &y, theme)?;
    let clean = |v: &[f64]| -> Vec<f64> { v.iter().map(|&x| if ok(x) { x } else { lo }).collect() };
    for f in fans {
        fill_between(&chart, &map, 0, &clean(f.max), Some(&clean(f.min)), lerp(theme.background, f.color, 0.12))?;
    }
    for f in fans {
        fill_between(&chart, &map, 0, &clean(f.q3), Some(&clean(f.q1)), lerp(theme.background, f.color, 0.3))?;
    }
    for f in fans {
        draw_line(&mut chart, &map, f.median, window, ok, f.color, false)?;
    }
    Ok(map)
}

/// One strategy's box: quartiles of a metric, and the value at the setting
/// the strategy actually uses (`marker`).
pub struct BoxPlot<'a> {
    pub name: &'a str,
    pub color: RGBColor,
    pub min: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub max: f64,
    pub marker: Option<f64>,
}

/// Horizontal box plots, one row per strategy, on one value axis.
pub fn draw_boxes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    boxes: &[BoxPlot],
    format: ValueFormat,
    theme: &Theme,
) -> DrawResult<()> {
    if too_small(area, theme)? {
        return Ok(());
    }
    let rest = header(area, title, &[], Some("box: middle half; whiskers: full range; ◆ the day used"), theme)?;
    let finite: Vec<f64> = boxes
        .iter()
        .flat_map(|b| [b.min, b.max])
        .chain(boxes.iter().filter_map(|b| b.marker))
        .filter(|v| v.is_finite())
        .collect();
    if boxes.is_empty() || finite.is_empty() {
        message(&rest, "No data", theme)?;
        return Ok(());
    }
    let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = pad_linear(lo, hi);
    let label = text(theme, theme.font_size, &theme.foreground);
    let name_w = boxes.iter().map(|b| text_width(&rest, b.name, &label)).max().unwrap_or(40).min(260) + 12;
    let (w, h) = rest.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let axis_h = (theme.font_size * 2.0) as i32 + 4;
    let (left, right, top, bottom) = (name_w, w - 16, 4, h - axis_h);
    if right - left < 40 || bottom - top < 10 {
        return Ok(());
    }
    let x = |v: f64| left + ((v - lo) / (hi - lo) * f64::from(right - left)).round() as i32;
    let (ticks, step) = crate::format::linear_ticks(lo, hi, ((right - left) / 90).max(2) as usize);
    for t in &ticks {
        let px = x(*t);
        rest.draw(&PathElement::new(vec![(px, top), (px, bottom)], theme.grid))?;
        let s = format.format(*t, step);
        let tw = text_width(&rest, &s, &label);
        rest.draw(&Text::new(s, (px - tw / 2, bottom + 4), label.clone()))?;
    }
    let row_h = (bottom - top) / boxes.len() as i32;
    for (i, b) in boxes.iter().enumerate() {
        let cy = top + row_h * i as i32 + row_h / 2;
        let half = (row_h / 4).clamp(3, 14);
        let name: String = b.name.chars().take(40).collect();
        rest.draw(&Text::new(name, (4, cy - (theme.font_size / 2.0) as i32), label.clone()))?;
        if !(b.min.is_finite() && b.max.is_finite()) {
            continue;
        }
        rest.draw(&PathElement::new(vec![(x(b.min), cy), (x(b.max), cy)], b.color.stroke_width(2)))?;
        for v in [b.min, b.max] {
            rest.draw(&PathElement::new(vec![(x(v), cy - half / 2), (x(v), cy + half / 2)], b.color.stroke_width(2)))?;
        }
        rest.draw(&Rectangle::new(
            [(x(b.q1), cy - half), (x(b.q3).max(x(b.q1) + 1), cy + half)],
            lerp(theme.background, b.color, 0.35).filled(),
        ))?;
        rest.draw(&Rectangle::new(
            [(x(b.q1), cy - half), (x(b.q3).max(x(b.q1) + 1), cy + half)],
            b.color.stroke_width(1),
        ))?;
        rest.draw(&PathElement::new(
            vec![(x(b.median), cy - half), (x(b.median), cy + half)],
            b.color.stroke_width(3),
        ))?;
        if let Some(m) = b.marker.filter(|m| m.is_finite()) {
            let (mx, r) = (x(m), half.min(7));
            let diamond = vec![(mx, cy - r), (mx + r, cy), (mx, cy + r), (mx - r, cy)];
            rest.draw(&Polygon::new(diamond, theme.foreground.filled()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters_svg::SVGBackend;

    #[test]
    fn fans_and_boxes_draw_without_error_and_show_their_names() {
        let dates: Vec<Date> = (0..50).map(|i| Date::from_unix_seconds(1_600_000_000 + 86_400 * i)).collect();
        let a: Vec<f64> = (0..50).map(|i| 1.0 + i as f64 * 0.01).collect();
        let lo: Vec<f64> = a.iter().map(|x| x * 0.9).collect();
        let hi: Vec<f64> = a.iter().map(|x| x * 1.1).collect();
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (800, 300)).into_drawing_area();
            let fan =
                Fan { name: "Cap weekly", color: RGBColor(0, 90, 200), min: &lo, q1: &a, median: &a, q3: &a, max: &hi };
            draw_fan(&area, "Growth of 1 at every rebalance day", &dates, &[fan], true, &Theme::light()).unwrap();
        }
        assert!(svg.contains("Cap weekly") && svg.contains("Growth of 1 at every rebalance day"));
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (800, 200)).into_drawing_area();
            let b = BoxPlot {
                name: "Equal monthly",
                color: RGBColor(200, 90, 0),
                min: 0.1,
                q1: 0.2,
                median: 0.25,
                q3: 0.3,
                max: 0.5,
                marker: Some(0.22),
            };
            draw_boxes(&area, "CAGR at every rebalance day", &[b], ValueFormat::Percent, &Theme::light()).unwrap();
        }
        assert!(svg.contains("Equal monthly") && svg.contains("polygon"), "the used day's mark is drawn");
    }
}
