//! Shared drawing pieces: background, title and legend header, "no data"
//! messages, the date chart frame, line segments and the hover crosshair.

use engine::Date;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::axis::{date_ticks, Scale, TickAxis};
use crate::coord::CoordMap;
use crate::{DrawResult, Theme, ValueFormat};

pub(crate) type DateChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<TickAxis, TickAxis>>;

/// A text style in the theme font.
pub(crate) fn text<'a>(theme: &Theme, size: f64, color: &'a RGBColor) -> TextStyle<'a> {
    TextStyle::from((theme.font, size).into_font()).color(color)
}

/// Estimated text width in pixels (the backend's estimate, with a fallback).
///
/// Estimates are memoised per backend type, font and text: in the browser
/// plotters measures text by adding a `<span>` to the page and reading its
/// size, which forces a layout of the whole page on every call. Chart
/// redraws mostly measure the same strings (legend names, tick labels), so
/// after the first drawing they cost a hash lookup.
pub(crate) fn text_width<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &str, style: &TextStyle) -> i32 {
    let key = text_key::<DB>(s, style);
    if let Some(w) = TEXT_WIDTHS.with(|c| c.borrow().get(&key).copied()) {
        return w;
    }
    let w = match area.estimate_text_size(s, style) {
        Ok((w, _)) => w as i32,
        Err(_) => return (s.chars().count() as f64 * style.font.get_size() * 0.5) as i32,
    };
    TEXT_WIDTHS.with(|c| {
        let mut c = c.borrow_mut();
        // Hover readouts bring new strings on every move: keep the memo bounded.
        if c.len() >= TEXT_WIDTHS_MAX {
            c.clear();
        }
        c.insert(key, w);
    });
    w
}

/// The memo key of a text measurement: backend type, font and text.
fn text_key<DB: DrawingBackend>(s: &str, style: &TextStyle) -> String {
    let font = &style.font;
    format!(
        "{}\u{0}{}\u{0}{}\u{0}{}\u{0}{s}",
        std::any::type_name::<DB>(),
        font.get_family().as_str(),
        font.get_style().as_str(),
        font.get_size()
    )
}

const TEXT_WIDTHS_MAX: usize = 4096;

thread_local! {
    static TEXT_WIDTHS: std::cell::RefCell<std::collections::HashMap<String, i32>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
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

/// `s`, or its longest start that fits in `max_w` pixels followed by "…".
pub(crate) fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    style: &TextStyle,
    max_w: i32,
) -> String {
    if text_width(area, s, style) <= max_w {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let cut = |k: usize| format!("{}…", chars[..k].iter().collect::<String>().trim_end());
    // The largest k whose cut fits (widths grow with k).
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if text_width(area, &cut(mid), style) <= max_w {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    cut(lo)
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
        let title = fit_text(area, title, &title_style, w - 2 * pad);
        area.draw_text(&title, &title_style, (pad, y))?;
        x = pad + text_width(area, &title, &title_style) + 24;
    }
    // The note goes right of the title when both fit on the first row, else
    // on a row of its own under the title and the legend.
    let note_text_w = note.map_or(0, |n| text_width(area, n, &note_style));
    let note_below = note.is_some() && x - 24 + 16 > w - pad - note_text_w;
    if let (Some(note), false) = (note, note_below) {
        area.draw_text(note, &note_style, (w - pad, y))?;
    }
    let note_w = if note.is_some() && !note_below { note_text_w + 16 } else { 0 };
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
    if let (Some(note), true) = (note, note_below) {
        y += row_h;
        area.draw_text(note, &note_style, (w - pad, y))?;
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

/// Stroke width of a line series, in pixels.
pub(crate) const LINE_WIDTH: i32 = 2;

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
            chart.draw_series(LineSeries::new(seg.iter().copied(), color.stroke_width(LINE_WIDTH as u32)))?;
        }
    }
    Ok(())
}

/// One pixel column of a line drawn with several days per pixel: the first,
/// last, smallest and largest value among the days that fall in column `x`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Column {
    pub x: i32,
    pub first: f64,
    pub last: f64,
    pub min: f64,
    pub max: f64,
}

/// A run of consecutive drawable days reduced to pixel columns.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ColumnRun {
    /// How many days the run holds (1 is drawn as a dot).
    pub days: usize,
    /// The columns, left to right, one per distinct pixel column.
    pub columns: Vec<Column>,
}

/// Downsamples a line to the pixel width: the runs of consecutive days in
/// `first..=last` whose values pass `ok` (the same runs as [`segments`]),
/// each reduced to one [`Column`] per pixel column that `x_of` (day -> pixel
/// column, non-decreasing in the day) puts its days in. Each column keeps
/// its first, last, smallest and largest value, which is all a line drawn
/// through every day shows in that column: the extremes drawn are exact,
/// and a run has at most one column per pixel, whatever the number of days.
pub(crate) fn pixel_columns(
    values: &[f64],
    (first, last): (usize, usize),
    ok: impl Fn(f64) -> bool,
    x_of: impl Fn(usize) -> i32,
) -> Vec<ColumnRun> {
    let mut out: Vec<ColumnRun> = Vec::new();
    let mut open = false;
    for d in first..=last {
        let v = match values.get(d) {
            Some(&v) if ok(v) => v,
            _ => {
                open = false;
                continue;
            }
        };
        let x = x_of(d);
        if !open {
            out.push(ColumnRun { days: 0, columns: Vec::new() });
            open = true;
        }
        let run = out.last_mut().expect("a run is open");
        run.days += 1;
        match run.columns.last_mut() {
            Some(c) if c.x == x => {
                c.last = v;
                c.min = c.min.min(v);
                c.max = c.max.max(v);
            }
            _ => run.columns.push(Column { x, first: v, last: v, min: v, max: v }),
        }
    }
    out
}

/// How far a pen of radius `r` drawn along a segment leaving a point with
/// slope `s` (pixels of y per pixel of x, the direction measured) reaches
/// past that point, within `reach` pixels of x: the largest `s*d + sqrt(r^2 -
/// d^2)` for `d` in `0..=min(reach, r)`.
fn pen_reach(s: f64, r: f64, reach: f64) -> f64 {
    let d_max = reach.min(r).max(0.0);
    let at = |d: f64| s * d + (r * r - d * d).max(0.0).sqrt();
    if s > 0.0 {
        // The maximum of s*d + sqrt(r^2 - d^2) is r*sqrt(1 + s^2), at d = r*s/sqrt(1 + s^2).
        let d = r * s / (1.0 + s * s).sqrt();
        if d <= d_max {
            return r * (1.0 + s * s).sqrt();
        }
        return at(d_max);
    }
    r
}

/// The band that a round pen of radius `r` traces along a line through the
/// columns' points, sampled at each column: `(top, bottom)` pixel rows per
/// column, `y` mapping a value to its (fractional) pixel row (monotonic,
/// either way). The line runs through every day (vertically within a column,
/// from one column's last value to the next column's first), so the band
/// covers what a stroke of width `2 * r` through every day covers.
pub(crate) fn pen_band(cols: &[Column], r: f64, y: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    let mut band: Vec<(f64, f64)> = cols
        .iter()
        .map(|c| {
            let (a, b) = (y(c.min), y(c.max));
            (a.min(b) - r, a.max(b) + r)
        })
        .collect();
    for (i, pair) in cols.windows(2).enumerate() {
        let (a, b) = (&pair[0], &pair[1]);
        let dx = f64::from(b.x - a.x);
        if dx <= 0.0 {
            continue;
        }
        let (ya, yb) = (y(a.last), y(b.first));
        // Slope in rows per column going right; the pen's reach up (towards
        // smaller rows) and down from both ends of the segment.
        let s = (yb - ya) / dx;
        band[i].0 = band[i].0.min(ya - pen_reach(-s, r, dx));
        band[i].1 = band[i].1.max(ya + pen_reach(s, r, dx));
        band[i + 1].0 = band[i + 1].0.min(yb - pen_reach(s, r, dx));
        band[i + 1].1 = band[i + 1].1.max(yb + pen_reach(-s, r, dx));
    }
    band
}

/// Draws one line series of a date chart, and with `underwater` a light fill
/// between the line and zero under it (the drawdown chart).
///
/// When days are at least a pixel apart the line is a stroked path through
/// every day. With more days than pixel columns (the usual full-history
/// view) it is downsampled by [`pixel_columns`] and drawn as one filled
/// polygon per run, the [`pen_band`] a stroke of the line width through
/// every day would cover: extremes exact, at most two vertices per pixel
/// column, and a simple fill, which browsers rasterise far faster than a
/// wide stroke with thousands of joins.
pub(crate) fn draw_line<DB: DrawingBackend>(
    chart: &mut DateChart<'_, DB>,
    map: &CoordMap,
    values: &[f64],
    window: (usize, usize),
    ok: impl Fn(f64) -> bool,
    color: RGBColor,
    underwater: bool,
) -> DrawResult<()> {
    let px_per_day = f64::from(map.right - map.left) / (map.x_hi - map.x_lo);
    let dense = px_per_day <= 1.0;
    if !dense {
        let segs = segments(values, window, ok);
        if underwater {
            for seg in segs.iter().filter(|seg| seg.len() > 1) {
                let (x0, x1) = (seg[0].0, seg[seg.len() - 1].0);
                let poly: Vec<(f64, f64)> =
                    std::iter::once((x0, 0.0)).chain(seg.iter().copied()).chain(std::iter::once((x1, 0.0))).collect();
                chart.draw_series(std::iter::once(Polygon::new(poly, color.mix(0.12).filled())))?;
            }
        }
        return draw_segments(chart, &segs, color);
    }
    // Pixel coordinates relative to the plot, as plotters maps them.
    let plot: DrawingArea<DB, Shift> = chart.plotting_area().strip_coord_spec();
    let (xs, ys) = scales(map);
    let x_of = |d: usize| xs.pixel(d as f64) - map.left;
    let y_of = |v: f64| ys.pixel_f64(v) - f64::from(map.top);
    let row = |y: f64| y.round() as i32;
    let r = f64::from(LINE_WIDTH) / 2.0;
    for run in pixel_columns(values, window, ok, x_of) {
        let cols = &run.columns;
        if run.days == 1 {
            plot.draw(&Circle::new((cols[0].x, row(y_of(cols[0].max))), 3, color.filled()))?;
            continue;
        }
        if underwater {
            let (x0, x1, y0) = (cols[0].x, cols[cols.len() - 1].x, row(y_of(0.0)));
            let poly: Vec<(i32, i32)> = std::iter::once((x0, y0))
                .chain(cols.iter().map(|c| (c.x, row(y_of(c.min)))))
                .chain(std::iter::once((x1, y0)))
                .collect();
            plot.draw(&Polygon::new(poly, color.mix(0.12).filled()))?;
        }
        let band = pen_band(cols, r, y_of);
        if cols.len() == 1 {
            // All days in one column: a vertical bar as wide as the line.
            let (x, (top, bottom), w) = (cols[0].x, band[0], LINE_WIDTH / 2);
            plot.draw(&Rectangle::new([(x - w, row(top)), (x + w, row(bottom))], color.filled()))?;
            continue;
        }
        let outline: Vec<(i32, i32)> = cols
            .iter()
            .zip(&band)
            .map(|(c, b)| (c.x, row(b.0)))
            .chain(cols.iter().zip(&band).rev().map(|(c, b)| (c.x, row(b.1))))
            .collect();
        plot.draw(&Polygon::new(outline, color.filled()))?;
    }
    Ok(())
}

/// The x and y pixel mappings of a date chart, as plotters maps its points.
fn scales(map: &CoordMap) -> (Scale, Scale) {
    (
        Scale::new(map.x_lo, map.x_hi, false, (map.left, map.right)),
        Scale::new(map.y_lo, map.y_hi, map.log_y, (map.bottom, map.top)),
    )
}

/// Fills the area between two curves: `upper[i]` and `lower[i]` are the
/// values of day `first + i`; without `lower`, down to zero. The polygon is
/// built in pixel space, mapped as plotters maps it, and the days that fall
/// in one pixel column add only the first and last point of each edge
/// there: the points between only trace zero-width vertical edges inside
/// that column, so the filled region is the same, with at most four
/// vertices per column however many days.
pub(crate) fn fill_between<DB: DrawingBackend>(
    chart: &DateChart<'_, DB>,
    map: &CoordMap,
    first: usize,
    upper: &[f64],
    lower: Option<&[f64]>,
    color: RGBColor,
) -> DrawResult<()> {
    let plot: DrawingArea<DB, Shift> = chart.plotting_area().strip_coord_spec();
    let (xs, ys) = scales(map);
    let point = |i: usize, v: f64| (xs.pixel((first + i) as f64) - map.left, ys.pixel(v) - map.top);
    // Appends `p`; a third point in the same column as the run's first two
    // replaces the run's last one.
    fn push(poly: &mut Vec<(i32, i32)>, run_start: &mut usize, p: (i32, i32)) {
        let len = poly.len();
        if len > *run_start + 1 && poly[len - 1].0 == p.0 {
            poly[len - 1] = p;
        } else {
            if len == 0 || poly[len - 1].0 != p.0 {
                *run_start = len;
            }
            poly.push(p);
        }
    }
    let mut poly: Vec<(i32, i32)> = Vec::with_capacity(4 * (map.right - map.left + 2).max(1) as usize);
    let mut run = 0;
    for (i, &v) in upper.iter().enumerate() {
        push(&mut poly, &mut run, point(i, v));
    }
    // The lower edge starts a new run, even in the last column.
    run = poly.len();
    match lower {
        Some(lower) => {
            for (i, &v) in lower.iter().enumerate().rev() {
                push(&mut poly, &mut run, point(i, v));
            }
        }
        None if !upper.is_empty() => {
            poly.push(point(upper.len() - 1, 0.0));
            poly.push(point(0, 0.0));
        }
        None => {}
    }
    plot.draw(&Polygon::new(poly, color.filled()))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ValueFormat;

    /// A deterministic jagged series (a random walk from an LCG).
    fn walk(n: usize) -> Vec<f64> {
        let mut s: u64 = 12345;
        let mut v = 100.0;
        (0..n)
            .map(|_| {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                v += ((s >> 33) as f64 / (1u64 << 31) as f64 - 0.5) * 4.0;
                v
            })
            .collect()
    }

    #[test]
    fn pixel_columns_keep_every_columns_extremes_and_ends() {
        let mut values = walk(10_000);
        values[3_000] = f64::NAN; // a gap splits the run
        let width = 500;
        let x_of = |d: usize| (d * width / values.len()) as i32;
        let runs = pixel_columns(&values, (0, values.len() - 1), f64::is_finite, x_of);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs.iter().map(|r| r.days).sum::<usize>(), 9_999);
        // At most one column per pixel, however many days.
        assert!(runs.iter().all(|r| r.columns.len() <= width), "{}", runs[0].columns.len());
        for run in &runs {
            assert!(run.columns.windows(2).all(|w| w[0].x < w[1].x), "columns are distinct and ordered");
            for c in &run.columns {
                let days: Vec<f64> =
                    (0..values.len()).filter(|&d| x_of(d) == c.x && values[d].is_finite()).map(|d| values[d]).collect();
                // Gap day 3000 falls in column 150, which both runs share: compare within the run's days.
                let days: Vec<f64> = if c.x == x_of(3_000) {
                    let in_run = |d: usize| (d < 3_000) == (run.columns[0].x < x_of(3_000));
                    (0..values.len())
                        .filter(|&d| x_of(d) == c.x && d != 3_000 && in_run(d))
                        .map(|d| values[d])
                        .collect()
                } else {
                    days
                };
                let min = days.iter().copied().fold(f64::INFINITY, f64::min);
                let max = days.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                assert_eq!(
                    (c.min, c.max, c.first, c.last),
                    (min, max, days[0], days[days.len() - 1]),
                    "column {}",
                    c.x
                );
            }
        }
        // The series' own extremes are column extremes, exactly.
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        let cols = runs.iter().flat_map(|r| &r.columns);
        assert_eq!(cols.clone().map(|c| c.min).fold(f64::INFINITY, f64::min), lo);
        assert_eq!(cols.map(|c| c.max).fold(f64::NEG_INFINITY, f64::max), hi);
    }

    #[test]
    fn pixel_columns_of_a_window_with_isolated_days() {
        let values = [1.0, f64::NAN, 2.0, 3.0, f64::NAN, f64::NAN, 4.0];
        let runs = pixel_columns(&values, (0, 6), f64::is_finite, |d| d as i32);
        let days: Vec<usize> = runs.iter().map(|r| r.days).collect();
        assert_eq!(days, [1, 2, 1]);
        assert_eq!(runs[1].columns.iter().map(|c| c.x).collect::<Vec<_>>(), [2, 3]);
        // Only the window is read.
        let runs = pixel_columns(&values, (2, 3), f64::is_finite, |d| d as i32);
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].days, 2);
        assert!(pixel_columns(&values, (4, 5), f64::is_finite, |d| d as i32).is_empty());
    }

    fn col(x: i32, v: &[f64]) -> Column {
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Column { x, first: v[0], last: v[v.len() - 1], min, max }
    }

    #[test]
    fn pen_band_is_as_thick_as_the_stroke() {
        let r = 1.0;
        // Flat: r above and below.
        let flat: Vec<Column> = (0..10).map(|x| col(x, &[50.0])).collect();
        assert!(pen_band(&flat, r, |v| v).iter().all(|&(t, b)| t == 49.0 && b == 51.0));
        // A straight line of any slope: perpendicular thickness 2r, i.e. a
        // vertical extent of 2r*sqrt(1 + s^2) away from the ends.
        for s in [0.25, 1.0, 3.0, -5.0] {
            let line: Vec<Column> = (0..20).map(|x| col(x, &[100.0 + s * f64::from(x)])).collect();
            let band = pen_band(&line, r, |v| v);
            for (i, &(t, b)) in band.iter().enumerate().skip(1).take(18) {
                let want = 2.0 * r * (1.0 + s * s).sqrt();
                assert!((b - t - want).abs() < 1e-9, "slope {s} column {i}: {t}..{b}");
                let y = 100.0 + s * i as f64;
                assert!((y - t - (b - y)).abs() < 1e-9, "centred");
            }
        }
        // A one-column spike: the band reaches the spike's extremes plus r.
        let spiky = vec![col(0, &[10.0]), col(1, &[10.0, 2.0, 30.0, 11.0]), col(2, &[12.0])];
        let band = pen_band(&spiky, r, |v| v);
        assert_eq!(band[1].0, 1.0);
        assert_eq!(band[1].1, 31.0);
        assert!(band.iter().all(|&(t, b)| t < b));
    }

    #[test]
    fn fill_between_keeps_each_columns_first_and_last_point() {
        let n = 3_000;
        let dates: Vec<Date> = (0..n).map(|i| Date(17_000 + i as i32)).collect();
        let upper: Vec<f64> = (0..n).map(|i| 0.5 + 0.4 * ((i % 7) as f64 / 7.0)).collect();
        let lower: Vec<f64> = (0..n).map(|i| 0.1 * ((i % 5) as f64 / 5.0)).collect();
        let theme = Theme::light();
        let mut svg = String::new();
        let map = {
            let area = plotters_svg::SVGBackend::with_string(&mut svg, (500, 300)).into_drawing_area();
            let y = YSpec { lo: 0.0, hi: 1.0, log: false, format: ValueFormat::Share, desc: "" };
            let (chart, map, _) = date_chart(&area, &dates, (0, n - 1), 0.0, &y, &theme).unwrap();
            fill_between(&chart, &map, 0, &upper, Some(&lower), theme.other).unwrap();
            area.present().unwrap();
            map
        };
        let el = svg.split("<polygon ").nth(1).expect("a polygon");
        let pts: Vec<(i32, i32)> = el
            .split("points=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .split_whitespace()
            .map(|p| {
                let (x, y) = p.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect();
        let columns = (map.right - map.left + 1) as usize;
        assert!(pts.len() <= 4 * columns, "{} points for {columns} columns", pts.len());
        // The expected outline: per edge, the first and last day of each column.
        let px = |d: usize, v: f64| (map.day_to_pixel(d).unwrap(), map.value_to_pixel(v).unwrap());
        let edge = |vals: &[f64], days: Vec<usize>| {
            let mut out: Vec<(i32, i32)> = Vec::new();
            for (k, &d) in days.iter().enumerate() {
                let p = px(d, vals[d]);
                let next_same = days.get(k + 1).is_some_and(|&e| map.day_to_pixel(e).unwrap() == p.0);
                let prev_same = k > 0 && map.day_to_pixel(days[k - 1]).unwrap() == p.0;
                if !(prev_same && next_same) {
                    out.push(p);
                }
            }
            out
        };
        let mut want = edge(&upper, (0..n).collect());
        want.extend(edge(&lower, (0..n).rev().collect()));
        assert_eq!(pts, want);
    }

    #[test]
    fn text_widths_are_memoised_per_backend_and_font() {
        let mut svg = String::new();
        let area = plotters_svg::SVGBackend::with_string(&mut svg, (200, 100)).into_drawing_area();
        let theme = Theme::light();
        let style = text(&theme, 15.0, &theme.foreground);
        let measured = text_width(&area, "Memo probe", &style);
        assert!(measured > 0);
        // Later calls are answered from the memo: a planted width comes back.
        let key = text_key::<plotters_svg::SVGBackend>("Memo probe", &style);
        TEXT_WIDTHS.with(|c| c.borrow_mut().insert(key, 999));
        assert_eq!(text_width(&area, "Memo probe", &style), 999);
        // Another size, font or text is measured afresh.
        assert!(text_width(&area, "Memo probe", &text(&theme, 12.0, &theme.foreground)) < 999);
        assert!(text_width(&area, "Memo probe!", &style) < 999);
        // The memo stays bounded.
        for i in 0..TEXT_WIDTHS_MAX + 10 {
            text_width(&area, &format!("{i}"), &style);
        }
        assert!(TEXT_WIDTHS.with(|c| c.borrow().len()) <= TEXT_WIDTHS_MAX);
    }
}
