//! Browser tests of the app's components (wasm-bindgen-test in headless Chromium).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the whole app in a fresh element and lets it render and run effects.
async fn mount_app() -> web_sys::Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<indexlab::App>::with_root(root.clone()).render();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    root
}

#[wasm_bindgen_test]
async fn app_renders_title_and_chart_canvas() {
    let root = mount_app().await;
    let h1 = root.query_selector("h1").unwrap().expect("a title");
    assert!(h1.text_content().unwrap().contains("IndexLab"));
    assert!(root.query_selector("canvas").unwrap().is_some(), "a chart canvas");
}
