//! Shared drawing pieces, one file per concern: text, legend header and
//! messages (`text`), the date chart frame and its axes (`axes`), lines drawn
//! by pixel column (`line`), filled areas (`fill`) and the hover crosshair
//! (`hover`). Everything is reached as `crate::layout::…`.

mod axes;
mod fill;
mod hover;
mod line;
mod text;

pub(crate) use axes::{date_chart, min_max, pad_linear, pad_log, YSpec};
pub(crate) use fill::fill_between;
pub(crate) use hover::{draw_hover, HoverRow};
pub(crate) use line::draw_line;
pub(crate) use text::{header, message, rect_of, text, text_width, too_small, LegendItem, Swatch};
