//! Thin components: they read the app state from context, dispatch actions
//! and draw what `compute.rs` derived.

pub mod chart;
pub mod data_panel;
pub mod results;
pub mod strategies;
pub mod sweep;
pub mod tables;

use yew::prelude::*;

/// A small square in a strategy's colour (the same colour as its lines).
pub fn swatch(color: usize, dark: bool) -> Html {
    let theme = chart::theme(dark);
    let c = theme.series_color(color);
    html! { <span class="swatch" style={format!("background: rgb({}, {}, {})", c.0, c.1, c.2)}></span> }
}
