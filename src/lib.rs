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
mod components;
mod compute;
mod lessons;
mod services;
mod state;

pub use app::App;

/// Mounts the app on the page body.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
