//! IndexLab's browser app (Yew, client-side rendering).

mod app;

pub use app::App;

/// Mounts the app on the page body.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
