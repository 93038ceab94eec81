//! IndexLab's browser app (Yew, client-side rendering).
//!
//! - `state.rs`: the one `AppState` and its `Action`s;
//! - `compute.rs`: results derived from the state by the engine (memoised);
//! - `components/`: thin views;
//! - `services.rs`: downloads, local storage, file reading.
//!
//! The app exists only in the browser: on other targets this crate is empty,
//! which keeps a native `cargo test` of the workspace fast.
#![cfg(target_arch = "wasm32")]

mod app;
pub mod bench;
mod components;
mod compute;
mod lessons;
mod offload;
mod services;
mod state;
pub mod workers;

pub use app::App;

/// Mounts the app on the page body, after installing the panic hook.
pub fn start() {
    std::panic::set_hook(Box::new(|info| show_crash(&info.to_string())));
    yew::Renderer::<App>::new().render();
}

/// Last resort for a bug: a visible message with a way out instead of a
/// frozen or blank page. Built with DOM text nodes, never HTML strings.
fn show_crash(detail: &str) {
    gloo::console::error!(format!("IndexLab crashed: {detail}"));
    let document = gloo::utils::document();
    let Ok(box_) = document.create_element("div") else { return };
    box_.set_id("crash");
    box_.set_attribute("role", "alert").ok();
    box_.set_text_content(Some(&format!(
        "Something went wrong inside IndexLab ({detail}). Reload the page to continue; \
         if it happens again, use Reset to return to the built-in market."
    )));
    if let Some(body) = document.body() {
        let _ = body.prepend_with_node_1(&box_);
    }
}
