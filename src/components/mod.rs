//! Thin components: they read the app state from context, dispatch actions
//! and draw what `compute.rs` derived.

pub mod chart;
pub mod data_panel;
pub mod kept;
pub mod results;
pub mod robustness;
pub mod strategies;
pub mod summary;
pub mod sweep;
pub mod tables;
pub mod url_data;

use yew::prelude::*;

/// A small square in a strategy's colour (the same colour as its lines).
pub fn swatch(color: usize, dark: bool) -> Html {
    let theme = chart::theme(dark);
    let c = theme.series_color(color);
    html! { <span class="swatch" style={format!("background: rgb({}, {}, {})", c.0, c.1, c.2)}></span> }
}

/// A rough duration for messages: "under a second", "4 s", "2 min", "1.5 h".
pub fn duration(seconds: f64) -> String {
    match seconds {
        s if !s.is_finite() => "a long time".to_string(),
        s if s < 1.0 => "under a second".to_string(),
        s if s < 90.0 => format!("{s:.0} s"),
        s if s < 5400.0 => format!("{:.0} min", s / 60.0),
        s => format!("{:.1} h", s / 3600.0),
    }
}
