//! Parameter sweep chart: one metric over one to three swept parameters.
//!
//! - One dimension: a bar per value, on a value axis.
//! - Two dimensions: a heatmap, dimension 0 across and dimension 1 down.
//! - Three dimensions: small multiples, one such heatmap per value of
//!   dimension 2, on a shared colour scale.
//!
//! Cell `index` holds value indices `(i, j, k)` with
//! `index = i + n_0 · (j + n_1 · k)` (the engine's sweep cell order, see
//! `engine::sweep`). Colours run from the theme's `negative` colour (worst)
//! through `neutral` (the middle of the range) to `positive` (best), so the
//! best cell is exactly `positive`; for a metric with no better direction
//! they run from `neutral` (lowest) to the first series colour (highest).
//! A legend under the chart shows the scale with its end values. Cells
//! without a value (`NaN`: invalid combinations, results still running) are
//! left empty.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::format;
use crate::heatmap::{cell_text_size, lerp, text_on};
use crate::layout::{header, message, rect_of, text, text_width, too_small};
use crate::{DrawResult, Theme};

/// One swept dimension: its title and the labels of its values, in order.
#[derive(Clone, Copy, Debug)]
pub struct SweepAxis<'a> {
    pub title: &'a str,
    pub labels: &'a [String],
}

/// Which values of the metric are better.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
    /// Neither (e.g. average holdings): a sequential scale, no best cell.
    Neither,
}

impl From<Option<bool>> for Better {
    /// `Some(true)`: higher is better (as `engine::sweep::higher_is_better` says).
    fn from(higher: Option<bool>) -> Better {
        match higher {
            Some(true) => Better::Higher,
            Some(false) => Better::Lower,
            None => Better::Neither,
        }
    }
}

/// What to draw: title, one to three axes, one value per cell (in cell
/// order; `NaN` for none) and how values are written.
#[derive(Clone, Copy)]
pub struct SweepChart<'a> {
    pub title: &'a str,
    pub axes: &'a [SweepAxis<'a>],
    pub values: &'a [f64],
    pub better: Better,
    /// Writes a value (cell labels, bar axis, legend, best-cell note).
    pub format: &'a dyn Fn(f64) -> String,
    /// A cell to outline (under the mouse, or selected).
    pub highlight: Option<usize>,
}

/// Where the cells are, in backend pixels, for hit testing. Every panel has
/// `cols x rows` cells of `cell_w x cell_h` pixels; a bar chart has one row
/// whose cells are the full-height bar columns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SweepMap {
    /// Values of dimension 0 (across).
    pub cols: usize,
    /// Values of dimension 1 (down); 1 for a one-dimension sweep.
    pub rows: usize,
    pub cell_w: i32,
    pub cell_h: i32,
    /// Top-left pixel of each panel's first cell: one panel per value of
    /// dimension 2, or a single panel.
    pub panels: Vec<(i32, i32)>,
}

impl SweepMap {
    /// The index of the cell under pixel `(x, y)`, `None` outside every cell.
    pub fn cell_at(&self, x: i32, y: i32) -> Option<usize> {
        if self.cell_w <= 0 || self.cell_h <= 0 {
            return None;
        }
        let (w, h) = (self.cols as i32 * self.cell_w, self.rows as i32 * self.cell_h);
        self.panels.iter().enumerate().find_map(|(p, &(left, top))| {
            (x >= left && x < left + w && y >= top && y < top + h).then(|| {
                let (c, r) = (((x - left) / self.cell_w) as usize, ((y - top) / self.cell_h) as usize);
                c + self.cols * (r + self.rows * p)
            })
        })
    }

    /// The pixel rectangle `(left, top, right, bottom)` of a cell (right and
    /// bottom exclusive), `None` past the last cell.
    pub fn cell_rect(&self, index: usize) -> Option<(i32, i32, i32, i32)> {
        if self.cols == 0 || self.rows == 0 {
            return None;
        }
        let (c, r, p) = (index % self.cols, (index / self.cols) % self.rows, index / (self.cols * self.rows));
        let &(left, top) = self.panels.get(p)?;
        let (x, y) = (left + c as i32 * self.cell_w, top + r as i32 * self.cell_h);
        Some((x, y, x + self.cell_w, y + self.cell_h))
    }
}

/// The best cell: the first one with the largest (or, for [`Better::Lower`],
/// smallest) finite value; `None` for [`Better::Neither`] or no values.
pub fn best_cell(values: &[f64], better: Better) -> Option<usize> {
    let finite = values.iter().enumerate().filter(|(_, v)| v.is_finite());
    let pick = |keep_new: fn(f64, f64) -> bool| {
        finite.fold(None, |acc: Option<(usize, f64)>, (i, &v)| match acc {
            Some((_, b)) if !keep_new(v, b) => acc,
            _ => Some((i, v)),
        })
    };
    match better {
        Better::Higher => pick(|v, b| v > b),
        Better::Lower => pick(|v, b| v < b),
        Better::Neither => None,
    }
    .map(|(i, _)| i)
}

/// The fill of value `v` on the scale `lo..=hi` (see the module docs); the
/// middle colour when `lo == hi`.
pub fn sweep_color(v: f64, lo: f64, hi: f64, better: Better, theme: &Theme) -> RGBColor {
    let t = if hi > lo { ((v - lo) / (hi - lo)).clamp(0.0, 1.0) } else { 0.5 };
    let goodness = match better {
        Better::Higher => t,
        Better::Lower => 1.0 - t,
        Better::Neither => return lerp(theme.neutral, theme.series_color(0), t),
    };
    if goodness >= 0.5 {
        lerp(theme.neutral, theme.positive, (goodness - 0.5) * 2.0)
    } else {
        lerp(theme.neutral, theme.negative, (0.5 - goodness) * 2.0)
    }
}

/// `Top N = 10, Fee = 20 bp`: the values of cell `index`.
fn describe(axes: &[SweepAxis], index: usize) -> String {
    let mut rest = index;
    let mut parts = Vec::new();
    for a in axes {
        let n = a.labels.len();
        parts.push(format!("{} = {}", a.title, a.labels[rest % n]));
        rest /= n;
    }
    parts.join(", ")
}

/// Draws the sweep (see the module docs) and returns where its cells are.
/// A chart whose values do not match its axes (not 1 to 3 axes, an empty
/// axis, or not one value per cell) shows a message and no cells.
pub fn draw_sweep<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &SweepChart,
    theme: &Theme,
) -> DrawResult<SweepMap> {
    if too_small(area, theme)? {
        return Ok(SweepMap::default());
    }
    let shape: Vec<usize> = chart.axes.iter().map(|a| a.labels.len()).collect();
    let n: usize = shape.iter().product();
    let fits = (1..=3).contains(&shape.len()) && n > 0 && chart.values.len() == n;
    let best = if fits { best_cell(chart.values, chart.better) } else { None };
    let note = best.map(|b| format!("Best: {} at {}", (chart.format)(chart.values[b]), describe(chart.axes, b)));
    let rest = header(area, chart.title, &[], note.as_deref(), theme)?;
    if !fits {
        message(&rest, "No sweep to show", theme)?;
        return Ok(SweepMap::default());
    }
    let (ox, oy, _, _) = rect_of(&rest);
    let (w, h) = rest.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let fs = theme.font_size;
    let band = (fs * 1.5).round() as i32;
    let legend_h = (fs * 1.8).round() as i32 + 6;
    let (gap_x, gap_y) = (14, 4);
    let one_d = shape.len() == 1;
    let (cols, rows, n_panels) = (shape[0], shape.get(1).copied().unwrap_or(1), shape.get(2).copied().unwrap_or(1));

    let finite = chart.values.iter().copied().filter(|v| v.is_finite());
    let range = finite.fold(None, |acc: Option<(f64, f64)>, v| Some(acc.map_or((v, v), |(a, b)| (a.min(v), b.max(v)))));
    let (lo, hi) = range.unwrap_or((0.0, 0.0));

    // The value axis of a bar chart: from 0 (or below) to the largest value (or above), padded.
    let grid_h = h - legend_h - band;
    let (ylo, yhi) = {
        let (a, b) = (lo.min(0.0), hi.max(0.0));
        let span = if b > a { b - a } else { 1.0 };
        (if a < 0.0 { a - 0.08 * span } else { 0.0 }, if b > 0.0 { b + 0.08 * span } else { 0.0 })
    };
    let ticks: Vec<(f64, String)> = if one_d {
        let (t, _) = format::linear_ticks(ylo, yhi, ((grid_h - 2 * band) / 40).max(2) as usize);
        t.into_iter().map(|v| (v, (chart.format)(v))).collect()
    } else {
        Vec::new()
    };

    // Left margin: row labels (or value ticks) and the title of dimension 1.
    let label = text(theme, fs, &theme.foreground);
    let muted = text(theme, fs, &theme.muted);
    let row_labels: Vec<&str> = if one_d {
        ticks.iter().map(|t| t.1.as_str()).collect()
    } else {
        chart.axes[1].labels.iter().map(String::as_str).collect()
    };
    let widest_row = row_labels.iter().map(|l| text_width(&rest, l, &label)).max().unwrap_or(0);
    let y_title_w = if one_d { 0 } else { text_width(&rest, chart.axes[1].title, &muted) };
    let left_w = (widest_row + 14).max(y_title_w + 20).min(w / 3);

    // Panels: the arrangement with the largest cells.
    let avail_w = w - left_w - 8;
    let (cap_w, cap_h) = if one_d { (90, i32::MAX) } else { (140, 60) };
    let layout = |pc: usize| {
        let pr = n_panels.div_ceil(pc) as i32;
        let pc = pc as i32;
        let cell_w = ((avail_w - (pc - 1) * gap_x) / pc / cols as i32).min(cap_w);
        let cell_h = ((grid_h - pr * 2 * band - (pr - 1) * gap_y) / pr / rows as i32).min(cap_h);
        (cell_w, cell_h)
    };
    let pc = (1..=n_panels).max_by_key(|&pc| layout(pc).0.min(layout(pc).1)).unwrap_or(1);
    let (cell_w, cell_h) = layout(pc);
    if cell_w < 1 || cell_h < 1 {
        message(&rest, "Too many cells for this size: enlarge the chart", theme)?;
        return Ok(SweepMap::default());
    }
    let panel_w = cols as i32 * cell_w;
    let panel_h = 2 * band + rows as i32 * cell_h;
    let origin = |p: usize| {
        let (pcol, prow) = ((p % pc) as i32, (p / pc) as i32);
        (left_w + pcol * (panel_w + gap_x), prow * (panel_h + gap_y))
    };

    // Titles: dimension 1 above the row labels (in the first panels' title
    // band, left of them), dimension 0 under everything, dimension 2 above
    // each panel.
    let left_mid = Pos::new(HPos::Left, VPos::Center);
    let center = Pos::new(HPos::Center, VPos::Center);
    if !one_d {
        rest.draw_text(chart.axes[1].title, &muted.clone().pos(left_mid), (8, band / 2))?;
    }
    let block_w = pc as i32 * panel_w + (pc as i32 - 1) * gap_x;
    let block_h = n_panels.div_ceil(pc) as i32 * (panel_h + gap_y) - gap_y;
    rest.draw_text(chart.axes[0].title, &muted.clone().pos(center), (left_w + block_w / 2, block_h + band / 2))?;

    let fill_of = |v: f64| sweep_color(v, lo, hi, chart.better, theme);
    let formatted: Vec<String> =
        chart.values.iter().map(|&v| if v.is_finite() { (chart.format)(v) } else { String::new() }).collect();
    let widest_value = formatted.iter().max_by_key(|s| s.chars().count()).cloned().unwrap_or_default();

    let col_label_w = chart.axes[0].labels.iter().map(|l| text_width(&rest, l, &label)).max().unwrap_or(0);
    let col_every = ((col_label_w + 8) / cell_w.max(1) + 1).max(1) as usize;
    let row_every = if one_d { 1 } else { ((fs * 1.1) as i32 / cell_h.max(1) + 1).max(1) as usize };
    let right_mid = Pos::new(HPos::Right, VPos::Center);

    for p in 0..n_panels {
        let (px, ptop) = origin(p);
        let top = ptop + band;
        if n_panels > 1 {
            let t = format!("{}: {}", chart.axes[2].title, chart.axes[2].labels[p]);
            rest.draw_text(&t, &label.clone().pos(left_mid), (px, ptop + band / 2))?;
        }
        for (c, l) in chart.axes[0].labels.iter().enumerate().step_by(col_every) {
            // Centred on its column, within the room the thinning leaves and the panel's edges.
            let room = (col_every.min(cols - c) as i32 * cell_w).min((c as i32 + 1) * cell_w) - 6;
            let l = fit(&rest, l, &label, room);
            let x = px + c as i32 * cell_w + cell_w / 2;
            rest.draw_text(&l, &label.clone().pos(center), (x, top + rows as i32 * cell_h + band / 2))?;
        }
        if one_d {
            draw_bars(&rest, chart, (px, top), (cell_w, cell_h), (ylo, yhi), &ticks, &fill_of, &formatted, theme)?;
        } else {
            if p % pc == 0 {
                for (r, l) in chart.axes[1].labels.iter().enumerate().step_by(row_every) {
                    let y = top + r as i32 * cell_h + cell_h / 2;
                    let l = fit(&rest, l, &label, left_w - 14);
                    rest.draw_text(&l, &label.clone().pos(right_mid), (px - 8, y))?;
                }
            }
            let size = cell_text_size(&rest, &widest_value, cell_w, cell_h, theme);
            for r in 0..rows {
                for c in 0..cols {
                    let i = c + cols * (r + rows * p);
                    let (x0, y0) = (px + c as i32 * cell_w, top + r as i32 * cell_h);
                    let v = chart.values[i];
                    let inner = [(x0 + 1, y0 + 1), (x0 + cell_w - 1, y0 + cell_h - 1)];
                    if !v.is_finite() {
                        rest.draw(&Rectangle::new(inner, theme.grid.stroke_width(1)))?;
                        continue;
                    }
                    let fill = fill_of(v);
                    rest.draw(&Rectangle::new(inner, fill.filled()))?;
                    if let Some(size) = size {
                        let fg = text_on(fill);
                        let style = text(theme, size, &fg).pos(center);
                        rest.draw_text(&formatted[i], &style, (x0 + cell_w / 2, y0 + cell_h / 2))?;
                    }
                }
            }
        }
    }

    let map = SweepMap {
        cols,
        rows,
        cell_w,
        cell_h,
        panels: (0..n_panels).map(|p| (ox + origin(p).0, oy + origin(p).1 + band)).collect(),
    };
    if let Some((x0, y0, x1, y1)) = chart.highlight.and_then(|i| map.cell_rect(i)) {
        let (x0, y0, x1, y1) = (x0 - ox, y0 - oy, x1 - ox, y1 - oy);
        rest.draw(&Rectangle::new([(x0, y0), (x1 - 1, y1 - 1)], theme.foreground.stroke_width(2)))?;
    }
    if range.is_some() {
        // Under the axis title (not at the very bottom, away from a short grid).
        let y = (block_h + band + legend_h / 2 + 2).min(h - legend_h / 2);
        draw_legend(&rest, chart, (lo, hi), (left_w + block_w / 2, y), theme)?;
    }
    Ok(map)
}

/// `s`, or its longest prefix with `…` that fits in `max_w` pixels.
fn fit<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &str, style: &TextStyle, max_w: i32) -> String {
    if text_width(area, s, style) <= max_w {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    (1..chars.len())
        .rev()
        .map(|n| format!("{}\u{2026}", chars[..n].iter().collect::<String>().trim_end()))
        .find(|t| text_width(area, t, style) <= max_w)
        .unwrap_or_default()
}

/// The bars of a one-dimension sweep in one row of `cell_w`-wide columns.
#[allow(clippy::too_many_arguments)]
fn draw_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &SweepChart,
    (left, top): (i32, i32),
    (cell_w, plot_h): (i32, i32),
    (ylo, yhi): (f64, f64),
    ticks: &[(f64, String)],
    fill_of: &dyn Fn(f64) -> RGBColor,
    formatted: &[String],
    theme: &Theme,
) -> DrawResult<()> {
    let right = left + chart.values.len() as i32 * cell_w;
    let y_of = |v: f64| top + ((yhi - v) / (yhi - ylo) * f64::from(plot_h - 1)).round() as i32;
    let tick_style = text(theme, theme.font_size, &theme.foreground).pos(Pos::new(HPos::Right, VPos::Center));
    for (v, l) in ticks {
        let y = y_of(*v);
        area.draw(&PathElement::new(vec![(left, y), (right, y)], theme.grid.stroke_width(1)))?;
        area.draw_text(l, &tick_style, (left - 8, y))?;
    }
    let zero = y_of(0.0);
    let size = theme.font_size * 0.85;
    for (c, &v) in chart.values.iter().enumerate() {
        if !v.is_finite() {
            continue;
        }
        let x0 = left + c as i32 * cell_w;
        let margin = (cell_w / 6).min(12);
        let (bx0, bx1) = (x0 + margin, (x0 + cell_w - margin).max(x0 + margin + 1));
        let y = y_of(v);
        area.draw(&Rectangle::new([(bx0, y.min(zero)), (bx1, y.max(zero))], fill_of(v).filled()))?;
        let style = text(theme, size, &theme.foreground);
        if text_width(area, &formatted[c], &style) <= cell_w - 2 {
            let (vpos, ty) = if v >= 0.0 { (VPos::Bottom, y - 3) } else { (VPos::Top, y + 3) };
            area.draw_text(&formatted[c], &style.pos(Pos::new(HPos::Center, vpos)), (x0 + cell_w / 2, ty))?;
        }
    }
    area.draw(&PathElement::new(vec![(left, zero), (right, zero)], theme.muted.stroke_width(1)))?;
    Ok(())
}

/// The colour scale centred at `cx`: a bar from the lowest to the highest
/// value, its end values, and which end is better.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &SweepChart,
    (lo, hi): (f64, f64),
    (cx, y): (i32, i32),
    theme: &Theme,
) -> DrawResult<()> {
    let (w, _) = area.dim_in_pixel();
    let w = w as i32;
    let style = text(theme, theme.font_size * 0.9, &theme.foreground);
    let muted = text(theme, theme.font_size * 0.85, &theme.muted).pos(Pos::new(HPos::Left, VPos::Center));
    let hint = match chart.better {
        Better::Higher => "higher is better",
        Better::Lower => "lower is better",
        Better::Neither => "",
    };
    let (lo_label, hi_label) = ((chart.format)(lo), (chart.format)(hi));
    // Labels either side of the bar and the hint after it; on a narrow
    // canvas the bar gives way so that the whole scale stays inside.
    let hint_w = if hint.is_empty() { 0 } else { 12 + text_width(area, hint, &muted) };
    let fixed = text_width(area, &lo_label, &style) + 6 + 6 + text_width(area, &hi_label, &style) + hint_w;
    let avail = w - 8;
    let bar_w = (w / 3).clamp(60, 260).min(avail - fixed).max(30);
    let total = fixed + bar_w;
    let start = (cx - total / 2).clamp(4, (w - 4 - total).max(4));
    let x0 = start + text_width(area, &lo_label, &style) + 6;
    const STEPS: i32 = 40;
    for s in 0..STEPS {
        let v = lo + (hi - lo) * (f64::from(s) + 0.5) / f64::from(STEPS);
        let (a, b) = (x0 + bar_w * s / STEPS, x0 + bar_w * (s + 1) / STEPS);
        area.draw(&Rectangle::new([(a, y - 5), (b, y + 5)], sweep_color(v, lo, hi, chart.better, theme).filled()))?;
    }
    area.draw_text(&lo_label, &style.clone().pos(Pos::new(HPos::Right, VPos::Center)), (x0 - 6, y))?;
    area.draw_text(&hi_label, &style.clone().pos(Pos::new(HPos::Left, VPos::Center)), (x0 + bar_w + 6, y))?;
    if !hint.is_empty() {
        area.draw_text(hint, &muted, (x0 + bar_w + 18 + text_width(area, &hi_label, &style), y))?;
    }
    Ok(())
}
