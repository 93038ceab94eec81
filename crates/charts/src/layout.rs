//! Shared drawing pieces: background, title and legend header, "no data"
//! messages, the date chart frame, line segments and the hover crosshair.

use engine::Date;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::axis::{date_ticks, TickAxis};
use crate::coord::CoordMap;
use crate::{DrawResult, Theme, ValueFormat};

pub(crate) type DateChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<TickAxis, TickAxis>>;

/// A text style in the theme font.
pub(crate) fn text<'a>(theme: &Theme, size: f64, color: &'a RGBColor) -> TextStyle<'a> {
    TextStyle::from((theme.font, size).into_font()).color(color)
}

/// Estimated text width in pixels (the backend's estimate, with a fallback).
pub(crate) fn text_width<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &str, style: &TextStyle) -> i32 {
    match area.estimate_text_size(s, style) {
        Ok((w, _)) => w as i32,
        Err(_) => (s.chars().count() as f64 * style.font.get_size() * 0.5) as i32,
    }
}

/// How a legend entry's swatch looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Swatch {
    Line,
    Block,
}

#[derive(Clone, Debug)]
pub(crate) struct LegendItem {
    pub name: String,
    pub color: RGBColor,
    pub swatch: Swatch,
}

/// The absolute pixel rectangle `(left, top, right, bottom)` of an area (inclusive).
pub(crate) fn rect_of<DB: DrawingBackend, C: CoordTranslate>(area: &DrawingArea<DB, C>) -> (i32, i32, i32, i32) {
    let (x, y) = area.get_pixel_range();
    (x.start, y.start, x.end - 1, y.end - 1)
}

/// Fills the background, draws the title (left) and the legend (wrapping
/// rows under the title, or to the right of it when it fits) and an optional
/// note (small, muted, right aligned). Returns the area left for the chart.
pub(crate) fn header<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    items: &[LegendItem],
    note: Option<&str>,
    theme: &Theme,
) -> DrawResult<DrawingArea<DB, Shift>> {
    area.fill(&theme.background)?;
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let pad = 8;
    let title_size = theme.font_size * 1.25;
    let legend_size = theme.font_size;
    let row_h = (legend_size * 1.1).round() as i32 + 4;
    let title_style = text(theme, title_size, &theme.foreground).pos(Pos::new(HPos::Left, VPos::Center));
    let legend_style = text(theme, legend_size, &theme.foreground).pos(Pos::new(HPos::Left, VPos::Center));
    let note_style = text(theme, theme.font_size * 0.85, &theme.muted).pos(Pos::new(HPos::Right, VPos::Center));

    let mut y = pad + row_h / 2;
    let mut x = pad;
    if !title.is_empty() {
        area.draw_text(title, &title_style, (pad, y))?;
        x = pad + text_width(area, title, &title_style) + 24;
    }
    if let Some(note) = note {
        area.draw_text(note, &note_style, (w - pad, y))?;
    }
    let note_w = note.map_or(0, |n| text_width(area, n, &note_style) + 16);
    let mut row_right = w - pad - note_w;
    let swatch_w = 18;
    for item in items {
        let item_w = swatch_w + 6 + text_width(area, &item.name, &legend_style) + 18;
        if x + item_w > row_right && x > pad {
            y += row_h;
            x = pad;
            row_right = w - pad;
        }
        match item.swatch {
            Swatch::Line => area.draw(&Rectangle::new([(x, y - 2), (x + swatch_w, y + 2)], item.color.filled()))?,
            Swatch::Block => area.draw(&Rectangle::new([(x, y - 6), (x + swatch_w, y + 6)], item.color.filled()))?,
        }
        area.draw_text(&item.name, &legend_style, (x + swatch_w + 6, y))?;
        x += item_w;
    }
    let used = (y + row_h / 2 + pad / 2).min(h - 1).max(0);
    Ok(area.split_vertically(used).1)
}

/// Smallest canvas a chart draws on; below it only the background is filled.
pub(crate) const MIN_SIZE: (u32, u32) = (120, 80);

/// Fills the background and returns true when `area` is too small for a chart.
pub(crate) fn too_small<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, theme: &Theme) -> DrawResult<bool> {
    let (w, h) = area.dim_in_pixel();
    if w < MIN_SIZE.0 || h < MIN_SIZE.1 {
        area.fill(&theme.background)?;
        return Ok(true);
    }
    Ok(false)
}

/// A centred muted message (e.g. "No data").
pub(crate) fn message<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, msg: &str, theme: &Theme) -> DrawResult<()> {
    let (w, h) = area.dim_in_pixel();
    let style = text(theme, theme.font_size * 1.1, &theme.muted).pos(Pos::new(HPos::Center, VPos::Center));
    area.draw_text(msg, &style, (w as i32 / 2, h as i32 / 2))?;
    Ok(())
}

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
pub(crate) fn y_ticks(y: &YSpec, height: i32) -> (Vec<(f64, String)>, f64) {
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

/// Runs of consecutive days in `first..=last` where `values[d]` passes `ok`,
/// as `(day, value)` points. Days past the end of `values` are gaps.
pub(crate) fn segments(
    values: &[f64],
    (first, last): (usize, usize),
    ok: impl Fn(f64) -> bool,
) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    for d in first..=last {
        match values.get(d) {
            Some(&v) if ok(v) => cur.push((d as f64, v)),
            _ => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Draws a line series split into segments; single points become dots.
pub(crate) fn draw_segments<DB: DrawingBackend>(
    chart: &mut DateChart<'_, DB>,
    segs: &[Vec<(f64, f64)>],
    color: RGBColor,
) -> DrawResult<()> {
    for seg in segs {
        if seg.len() == 1 {
            chart.draw_series(std::iter::once(Circle::new(seg[0], 3, color.filled())))?;
        } else {
            chart.draw_series(LineSeries::new(seg.iter().copied(), color.stroke_width(2)))?;
        }
    }
    Ok(())
}

/// One row of the hover box: colour, name, formatted value.
pub(crate) struct HoverRow {
    pub color: RGBColor,
    pub name: String,
    pub value: Option<f64>,
    /// Where to put the dot on the crosshair (e.g. the top of a stacked band);
    /// `None` for no dot.
    pub marker: Option<f64>,
}

/// Draws the crosshair at `day`: a vertical line, a dot on each series value
/// and a box with the date and the values.
pub(crate) fn draw_hover<DB: DrawingBackend>(
    chart: &DateChart<'_, DB>,
    map: &CoordMap,
    date: Date,
    day: usize,
    rows: &[HoverRow],
    format: impl Fn(f64) -> String,
    theme: &Theme,
) -> DrawResult<()> {
    let Some(px) = map.day_to_pixel(day) else { return Ok(()) };
    let plot: DrawingArea<DB, Shift> = chart.plotting_area().strip_coord_spec();
    let x = px - map.left;
    let height = map.bottom - map.top;
    plot.draw(&PathElement::new(vec![(x, 0), (x, height)], theme.crosshair.stroke_width(1)))?;
    for row in rows {
        if let Some(py) = row.marker.and_then(|v| map.value_to_pixel(v)) {
            plot.draw(&Circle::new((x, py - map.top), 4, row.color.filled()))?;
            plot.draw(&Circle::new((x, py - map.top), 4, theme.background.stroke_width(1)))?;
        }
    }
    let size = theme.font_size * 0.95;
    let head = text(theme, size, &theme.foreground).pos(Pos::new(HPos::Left, VPos::Center));
    let lines: Vec<String> =
        rows.iter().map(|r| format!("{}: {}", r.name, r.value.map_or_else(|| "n/a".to_string(), &format))).collect();
    let date_s = date.to_string();
    let line_h = (size * 1.05).round() as i32 + 3;
    let box_w =
        lines.iter().chain(std::iter::once(&date_s)).map(|l| text_width(&plot, l, &head)).max().unwrap_or(0) + 30;
    let box_h = line_h * (lines.len() as i32 + 1) + 8;
    let width = map.right - map.left;
    let bx = if x + 12 + box_w <= width { x + 12 } else { (x - 12 - box_w).max(0) };
    let by = 6;
    plot.draw(&Rectangle::new([(bx, by), (bx + box_w, by + box_h)], theme.background.mix(0.9).filled()))?;
    plot.draw(&Rectangle::new([(bx, by), (bx + box_w, by + box_h)], theme.grid.stroke_width(1)))?;
    let mut ty = by + 4 + line_h / 2;
    plot.draw_text(&date_s, &head, (bx + 8, ty))?;
    for (row, line) in rows.iter().zip(&lines) {
        ty += line_h;
        plot.draw(&Rectangle::new([(bx + 8, ty - 4), (bx + 16, ty + 4)], row.color.filled()))?;
        plot.draw_text(line, &head, (bx + 22, ty))?;
    }
    Ok(())
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
