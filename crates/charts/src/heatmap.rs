//! Monthly returns heatmap: years down, months across, plus a yearly column.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::axis::month_name;
use crate::layout::{header, message, rect_of, text, text_width, too_small};
use crate::{format, DrawResult, Theme};

/// One row of the monthly returns table: year, the 12 monthly returns
/// (fractions, `None` for months without data) and the yearly return.
pub type MonthlyRow = (i32, [Option<f64>; 12], Option<f64>);

/// Where the heatmap cells are, in backend pixels, for hit testing.
#[derive(Clone, Debug, PartialEq)]
pub struct HeatmapMap {
    /// Left edge of the January column and top edge of the first year row.
    pub left: i32,
    pub top: i32,
    pub cell_w: i32,
    pub cell_h: i32,
    /// Left edge of the yearly column.
    pub year_left: i32,
    /// The years of the rows, top to bottom.
    pub years: Vec<i32>,
}

impl HeatmapMap {
    /// The cell under a pixel: `(year, Some(month 1..=12))` for a month cell,
    /// `(year, None)` for the yearly column, `None` elsewhere.
    pub fn cell_at(&self, x: i32, y: i32) -> Option<(i32, Option<u32>)> {
        if self.cell_h <= 0 || self.cell_w <= 0 || y < self.top {
            return None;
        }
        let year = *self.years.get(((y - self.top) / self.cell_h) as usize)?;
        if x >= self.left && x < self.left + 12 * self.cell_w {
            return Some((year, Some(((x - self.left) / self.cell_w) as u32 + 1)));
        }
        if x >= self.year_left && x < self.year_left + self.cell_w {
            return Some((year, None));
        }
        None
    }

    /// The top-left pixel of a cell (`month` `None` = yearly column).
    pub fn cell_origin(&self, year: i32, month: Option<u32>) -> Option<(i32, i32)> {
        let row = self.years.iter().position(|&y| y == year)? as i32;
        let x = match month {
            Some(m @ 1..=12) => self.left + (m as i32 - 1) * self.cell_w,
            Some(_) => return None,
            None => self.year_left,
        };
        Some((x, self.top + row * self.cell_h))
    }
}

pub(crate) fn lerp(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let m = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    RGBColor(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// Fill of a cell: neutral at 0 (and for missing data), towards the theme's
/// positive / negative colour as |r| approaches `scale`.
fn cell_color(r: Option<f64>, scale: f64, theme: &Theme) -> RGBColor {
    match r.filter(|r| r.is_finite()) {
        Some(r) if r != 0.0 => {
            let t = 0.15 + 0.85 * (r.abs() / scale).min(1.0).sqrt();
            lerp(theme.neutral, if r > 0.0 { theme.positive } else { theme.negative }, t)
        }
        _ => theme.neutral,
    }
}

/// Dark or white text, whichever reads better on `bg`.
pub(crate) fn text_on(bg: RGBColor) -> RGBColor {
    let l = 0.2126 * f64::from(bg.0) + 0.7152 * f64::from(bg.1) + 0.0722 * f64::from(bg.2);
    if l > 150.0 {
        RGBColor(20, 20, 20)
    } else {
        RGBColor(255, 255, 255)
    }
}

/// The largest text size, from the theme's base size down in steps of 0.5,
/// at which `sample` fits in a `cell_w` x `cell_h` cell; `None` when only a
/// size of 7 or less would (too small to read).
pub(crate) fn cell_text_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sample: &str,
    cell_w: i32,
    cell_h: i32,
    theme: &Theme,
) -> Option<f64> {
    let mut size = theme.font_size;
    while size > 7.0
        && (text_width(area, sample, &text(theme, size, &theme.foreground)) > cell_w - 4
            || size * 0.85 > f64::from(cell_h))
    {
        size -= 0.5;
    }
    (size > 7.0).then_some(size)
}

/// Months x years grid coloured by return (green up, red down; Okabe-Ito
/// bluish green / vermillion in the default themes), with the return as a
/// signed percentage (`+12.3%`) in each cell and a yearly column on the right.
/// Rows are drawn in ascending year order. Months without data are blank.
pub fn draw_monthly_heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    table: &[MonthlyRow],
    theme: &Theme,
) -> DrawResult<HeatmapMap> {
    if too_small(area, theme)? {
        let (x, y, _, _) = rect_of(area);
        return Ok(HeatmapMap { left: x, top: y, cell_w: 0, cell_h: 0, year_left: x, years: Vec::new() });
    }
    let rest = header(area, "Monthly returns", &[], None, theme)?;
    let (ox, oy, _, _) = rect_of(&rest);
    if table.is_empty() {
        message(&rest, "No monthly returns", theme)?;
        return Ok(HeatmapMap { left: ox, top: oy, cell_w: 0, cell_h: 0, year_left: ox, years: Vec::new() });
    }
    let mut rows: Vec<&MonthlyRow> = table.iter().collect();
    engine::sort::sort_by_key(&mut rows, |r| r.0);

    let (w, h) = rest.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let label = text(theme, theme.font_size, &theme.foreground);
    let label_w = rows.iter().map(|r| text_width(&rest, &r.0.to_string(), &label)).max().unwrap_or(30) + 16;
    let head_h = (theme.font_size * 1.5).round() as i32;
    let gap = 8;
    let cell_w = ((w - label_w - gap - 8) / 13).max(1);
    let cell_h = ((h - head_h - 6) / rows.len() as i32).clamp(1, 44);
    let (left, top) = (label_w, head_h);
    let year_left = left + 12 * cell_w + gap;

    // Headers.
    let center = Pos::new(HPos::Center, VPos::Center);
    let head = text(theme, theme.font_size, &theme.muted).pos(center);
    for m in 1..=12u32 {
        rest.draw_text(month_name(m), &head, (left + (m as i32 - 1) * cell_w + cell_w / 2, head_h / 2))?;
    }
    rest.draw_text("Year", &head, (year_left + cell_w / 2, head_h / 2))?;

    // Cell text size: the largest (up to the base size) at which a wide
    // label fits in the cell; no text when that is unreadably small.
    let fitted = cell_text_size(&rest, "-100.0%", cell_w, cell_h, theme);
    let (size, show_text) = (fitted.unwrap_or(7.0), fitted.is_some());

    let scale = |vals: &mut dyn Iterator<Item = f64>| vals.filter(|v| v.is_finite()).map(f64::abs).fold(1e-9, f64::max);
    let month_scale = scale(&mut rows.iter().flat_map(|r| r.1.iter().flatten().copied()));
    let year_scale = scale(&mut rows.iter().filter_map(|r| r.2));

    let year_label = text(theme, size.max(theme.font_size.min(f64::from(cell_h) * 1.1)), &theme.foreground)
        .pos(Pos::new(HPos::Right, VPos::Center));
    for (i, row) in rows.iter().enumerate() {
        let y0 = top + i as i32 * cell_h;
        rest.draw_text(&row.0.to_string(), &year_label, (left - 10, y0 + cell_h / 2))?;
        let cells = row.1.iter().enumerate().map(|(m, r)| (left + m as i32 * cell_w, *r, month_scale));
        for (x0, r, scale) in cells.chain(std::iter::once((year_left, row.2, year_scale))) {
            let fill = cell_color(r, scale, theme);
            rest.draw(&Rectangle::new([(x0 + 1, y0 + 1), (x0 + cell_w - 1, y0 + cell_h - 1)], fill.filled()))?;
            if let Some(r) = r.filter(|r| show_text && r.is_finite()) {
                let fg = text_on(fill);
                let style = text(theme, size, &fg).pos(center);
                rest.draw_text(&format::percent(r, 1), &style, (x0 + cell_w / 2, y0 + cell_h / 2))?;
            }
        }
    }
    Ok(HeatmapMap {
        left: ox + left,
        top: oy + top,
        cell_w,
        cell_h,
        year_left: ox + year_left,
        years: rows.iter().map(|r| r.0).collect(),
    })
}
