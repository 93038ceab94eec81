//! Text and the frame around a chart: the theme's text style and measured
//! widths (memoised), the title and legend header, "no data" and "too small"
//! messages.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::{DrawResult, Theme};

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
fn fit_text<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &str, style: &TextStyle, max_w: i32) -> String {
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
const MIN_SIZE: (u32, u32) = (120, 80);

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

#[cfg(test)]
mod tests {
    use super::*;

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
