//! # IndexLab charts
//!
//! Plotters drawing code, generic over [`DrawingBackend`], so the web page can
//! draw on a canvas (`plotters-canvas`) while native tests and the CLI draw SVG.
//!
//! Inputs are plain data (slices of dates and numbers) so this crate does not
//! depend on the simulator's result types. Only plotters features that build for
//! `wasm32-unknown-unknown` are used: no font-kit, no bitmap backend, no chrono.
//! Text is drawn by the backend itself (canvas `fillText`, SVG `<text>`).
//!
//! Every date chart draws days `first..=last` of a [`View`] and returns a
//! [`CoordMap`], which maps pixels to day indices and values, so the app can draw
//! a hover crosshair or turn a mouse drag into a zoom range without redrawing.
//!
//! ```
//! use charts::{color_for, draw_growth, Date, Series, Theme, View};
//! use plotters::prelude::*;
//!
//! let dates: Vec<Date> = (0..365).map(|i| Date(18_628 + i)).collect(); // 2021
//! let index: Vec<f64> = (0..365).map(|i| 1.0 + i as f64 / 365.0).collect();
//! let series = [Series::new("Market cap", color_for(0), &index)];
//!
//! let mut svg = String::new();
//! let map = {
//!     let area = plotters_svg::SVGBackend::with_string(&mut svg, (800, 400)).into_drawing_area();
//!     let map = draw_growth(&area, &dates, &series, false, View::ALL, &Theme::light()).unwrap();
//!     area.present().unwrap();
//!     map
//! };
//! assert!(svg.contains("Market cap"));
//! // Mouse at pixel column x -> day index (for the crosshair); drag -> zoom window.
//! let day = map.day_at_pixel((map.left + map.right) / 2).unwrap();
//! assert!((180..=184).contains(&day));
//! let zoom = map.zoom_range(map.left, map.day_to_pixel(30).unwrap());
//! assert_eq!(zoom, Some((0, 30)));
//! ```

mod axis;
mod bars;
mod coord;
mod fan;
pub mod format;
mod heatmap;
mod layout;
mod lines;
mod sweep;
mod weights;

use std::fmt;

use plotters::drawing::DrawingAreaErrorKind;

pub use plotters::style::RGBColor;

pub use bars::{draw_bars, Bars};
pub use coord::CoordMap;
pub use engine::Date;
pub use fan::{draw_boxes, draw_fan, BoxPlot, Fan};
pub use heatmap::{draw_monthly_heatmap, HeatmapMap, MonthlyRow};
pub use lines::{draw_drawdown, draw_growth, draw_rolling, drawdown_from_growth};
pub use sweep::{best_cell, draw_sweep, sweep_color, Better, SweepAxis, SweepChart, SweepMap};
pub use weights::{draw_weights, OTHER_LABEL};

/// The Okabe-Ito colour-blind-safe palette, reordered so that the first
/// colours are the most distinct on both light and dark backgrounds
/// (black is last; it disappears on the dark theme).
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(240, 228, 66),  // yellow
    RGBColor(0, 0, 0),       // black
];

/// The palette colour for series number `i` (cycles after 8).
pub fn color_for(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// One line of a date chart: `values[d]` belongs to `dates[d]`. `NaN` (or any
/// non-finite value) is a gap: the line is split there.
#[derive(Clone, Copy, Debug)]
pub struct Series<'a> {
    pub name: &'a str,
    pub color: RGBColor,
    pub values: &'a [f64],
}

impl<'a> Series<'a> {
    pub fn new(name: &'a str, color: RGBColor, values: &'a [f64]) -> Self {
        Series { name, color, values }
    }
}

/// Colours and font of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub background: RGBColor,
    /// Axes, tick labels, titles.
    pub foreground: RGBColor,
    /// Secondary text (axis descriptions, "no data" notes).
    pub muted: RGBColor,
    pub grid: RGBColor,
    pub crosshair: RGBColor,
    /// Fill of the "Other" group in the weights chart.
    pub other: RGBColor,
    /// Heatmap: colour of a strongly positive / negative month.
    pub positive: RGBColor,
    pub negative: RGBColor,
    /// Heatmap: colour of a zero return and of a month without data.
    pub neutral: RGBColor,
    pub font: &'static str,
    /// Base font size in backend units (tick labels); titles are larger.
    pub font_size: f64,
}

impl Theme {
    pub fn light() -> Theme {
        Theme {
            background: RGBColor(255, 255, 255),
            foreground: RGBColor(33, 37, 41),
            muted: RGBColor(108, 117, 125),
            grid: RGBColor(226, 230, 234),
            crosshair: RGBColor(73, 80, 87),
            other: RGBColor(173, 181, 189),
            positive: RGBColor(0, 158, 115),
            negative: RGBColor(213, 94, 0),
            neutral: RGBColor(241, 243, 245),
            font: "sans-serif",
            font_size: 15.0,
        }
    }

    pub fn dark() -> Theme {
        Theme {
            background: RGBColor(24, 26, 31),
            foreground: RGBColor(222, 226, 230),
            muted: RGBColor(150, 158, 166),
            grid: RGBColor(52, 58, 64),
            crosshair: RGBColor(206, 212, 218),
            other: RGBColor(108, 117, 125),
            positive: RGBColor(0, 158, 115),
            negative: RGBColor(213, 94, 0),
            neutral: RGBColor(44, 48, 54),
            font: "sans-serif",
            font_size: 15.0,
        }
    }
}

impl Theme {
    /// The palette colour for series `i` on this theme: [`color_for`], except
    /// that black (which vanishes on a dark background) becomes the theme's
    /// foreground colour on dark themes.
    pub fn series_color(&self, i: usize) -> RGBColor {
        let c = color_for(i);
        let dark_bg =
            u32::from(self.background.0) + u32::from(self.background.1) + u32::from(self.background.2) < 3 * 128;
        if c == RGBColor(0, 0, 0) && dark_bg {
            self.foreground
        } else {
            c
        }
    }
}

impl Default for Theme {
    fn default() -> Self {
        Theme::light()
    }
}

/// The day window and hover position of a date chart.
///
/// `range` is an inclusive window of day indices `(first, last)`; it is clamped
/// to the data, and `(0, usize::MAX)` means "everything". `hover` is a day index
/// at which a crosshair with the series values is drawn (ignored outside the
/// window).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct View {
    pub range: (usize, usize),
    pub hover: Option<usize>,
}

impl View {
    /// All days, no crosshair.
    pub const ALL: View = View { range: (0, usize::MAX), hover: None };

    /// Days `first..=last`, no crosshair.
    pub fn window(first: usize, last: usize) -> View {
        View { range: (first, last), hover: None }
    }

    pub fn with_hover(self, hover: Option<usize>) -> View {
        View { hover, ..self }
    }

    /// The clamped inclusive window for `len` days; `None` when there are no days.
    pub fn clamp(&self, len: usize) -> Option<(usize, usize)> {
        if len == 0 {
            return None;
        }
        let (a, b) = if self.range.0 <= self.range.1 { self.range } else { (self.range.1, self.range.0) };
        let last = b.min(len - 1);
        let first = a.min(last);
        Some((first, last))
    }
}

impl Default for View {
    fn default() -> Self {
        View::ALL
    }
}

/// How the values on a y axis (and in the hover box) are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueFormat {
    /// `1,234.5`
    Number,
    /// Fractions as signed percentages (returns): `0.125` -> `+12.5%`.
    Percent,
    /// Fractions as unsigned percentages (shares, turnover): `0.125` -> `12.5%`.
    Share,
}

impl ValueFormat {
    /// Formats `v` with about as many decimals as `step` (the tick spacing) needs.
    pub fn format(self, v: f64, step: f64) -> String {
        match self {
            ValueFormat::Number => format::number(v, format::decimals_for_step(step)),
            ValueFormat::Percent => format::percent(v, format::decimals_for_step(step * 100.0)),
            ValueFormat::Share => format!("{}%", format::number(v * 100.0, format::decimals_for_step(step * 100.0))),
        }
    }
}

/// Title, y axis description and value format of a chart.
#[derive(Clone, Copy, Debug)]
pub struct YAxis<'a> {
    pub title: &'a str,
    pub label: &'a str,
    pub format: ValueFormat,
}

/// An error from the drawing backend (the message of the plotters error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartError(pub String);

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "chart drawing failed: {}", self.0)
    }
}

impl std::error::Error for ChartError {}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartError(e.to_string())
    }
}

pub type DrawResult<T> = Result<T, ChartError>;
