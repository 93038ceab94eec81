//! The hover crosshair: a vertical line, a dot on each series and a box with
//! the date and the values.

use engine::Date;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::coord::CoordMap;
use crate::{DrawResult, Theme};

use super::axes::DateChart;
use super::text::{text, text_width};

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
