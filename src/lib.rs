//! IndexLab's browser app (Yew, client-side rendering).
//!
//! - `state/`: the one `AppState`, its `Action`s and the reducer (native too);
//! - `compute.rs`: results derived from the state by the engine (memoised);
//! - `components/`: thin views;
//! - `services.rs`: downloads, local storage, file reading.
//!
//! The app exists only in the browser: on other targets this crate holds
//! only `state` (plain Rust, so the reducer's unit tests run natively with
//! the rest of the workspace's tests).

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod backend;
#[cfg(target_arch = "wasm32")]
pub mod bench;
#[cfg(target_arch = "wasm32")]
mod chart_text;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod compute;
#[cfg(target_arch = "wasm32")]
mod lessons;
#[cfg(target_arch = "wasm32")]
mod offload;
#[cfg(target_arch = "wasm32")]
mod services;
pub mod state;
#[cfg(target_arch = "wasm32")]
pub mod workers;

#[cfg(target_arch = "wasm32")]
pub use app::App;

/// Mounts the app on the page body, after installing the panic hook.
///
/// Two query flags are read at startup (the fragment holds share links):
/// - `?reset` forgets the saved session before mounting, so the page opens on
///   the built-in market and the default comparison. The crash message links
///   here: a plain navigation, which works even when the crashed module can
///   no longer run.
/// - `?panic-test` panics deliberately once the app is mounted, so an
///   end-to-end test can check the crash message. It shows only that message
///   and changes nothing stored.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    // Through Yew: a plain `std::panic::set_hook` would be replaced by Yew's
    // default hook (console only) when the app is rendered.
    yew::set_custom_panic_hook(Box::new(|info| show_crash(&info.to_string())));
    let window = gloo::utils::window();
    let location = window.location();
    let query = location.search().unwrap_or_default();
    let flag = |name: &str| query.trim_start_matches('?').split('&').any(|kv| kv.split('=').next() == Some(name));
    if flag("reset") {
        services::storage::clear();
        // Drop the query, so a reload keeps what the user does next.
        let here = format!("{}{}", location.pathname().unwrap_or_default(), location.hash().unwrap_or_default());
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&here));
        }
    }
    yew::Renderer::<App>::new().render();
    if flag("panic-test") {
        gloo::timers::callback::Timeout::new(0, || panic!("deliberate panic requested by ?panic-test")).forget();
    }
}

/// Last resort for a bug: a visible message with a way out instead of a
/// frozen or blank page. Built with DOM text nodes, never HTML strings.
/// Release builds abort after a panic (`panic = "abort"`): the hook runs
/// first, but the module may not run again, so the way out is a plain link
/// that reloads the page with `?reset` (see [`start`]), not a Rust callback.
#[cfg(target_arch = "wasm32")]
fn show_crash(detail: &str) {
    gloo::console::error!(format!("IndexLab crashed: {detail}"));
    let document = gloo::utils::document();
    if document.get_element_by_id("crash").is_some() {
        return;
    }
    let Ok(box_) = document.create_element("div") else { return };
    box_.set_id("crash");
    box_.set_attribute("role", "alert").ok();
    box_.set_text_content(Some(&format!(
        "Something went wrong inside IndexLab ({detail}). Reload the page to continue; \
         if it happens again, use Reset to return to the built-in market. "
    )));
    if let Ok(reset) = document.create_element("a") {
        reset.set_id("crash-reset");
        // Relative: the same page (any sub-path), without the share link.
        reset.set_attribute("href", "?reset").ok();
        reset.set_text_content(Some("Reset"));
        box_.append_child(&reset).ok();
    }
    if let Some(body) = document.body() {
        let _ = body.prepend_with_node_1(&box_);
    }
}
