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

/// A large reply cut by `protocol::parts` and joined again decodes to the
/// same reply; files in a request keep their bytes.
#[wasm_bindgen_test]
fn messages_in_parts_join_to_the_same_message() {
    use indexlab::workers::protocol::{parts, Files, Reply, Request, PART_BYTES};
    use std::rc::Rc;

    let bytes: Vec<u8> = (0..PART_BYTES * 2 + 123).map(|i| (i * 31 % 251) as u8).collect();
    let files = Files(Rc::new(vec![("big.csv".to_string(), bytes.clone()), ("é.csv".to_string(), vec![])]));
    let request = Request::Parse { job: 7, files, options: Default::default() };
    let encoded = bincode::serialize(&request).unwrap();
    let pieces: Vec<_> = parts(&encoded).collect();
    assert_eq!(pieces.len(), 3, "two full parts and a short one");
    assert!(pieces.iter().all(|(p, _)| p.len() <= PART_BYTES));
    assert_eq!(pieces.iter().map(|(_, last)| *last).collect::<Vec<_>>(), [false, false, true]);
    let joined: Vec<u8> = pieces.iter().flat_map(|(p, _)| p.iter().copied()).collect();
    let Request::Parse { job, files, .. } = bincode::deserialize(&joined).unwrap() else { panic!("not a parse") };
    assert_eq!(job, 7);
    assert_eq!(files.0.as_slice(), [("big.csv".to_string(), bytes), ("é.csv".to_string(), vec![])]);
    // A small message is one last part; a reply keeps its job through the parts.
    let reply = Reply::Progress { job: 9, done: 1, total: 2 };
    let encoded = bincode::serialize(&reply).unwrap();
    let pieces: Vec<_> = parts(&encoded).collect();
    assert_eq!(pieces.len(), 1);
    assert!(pieces[0].1);
    let back: Reply = bincode::deserialize(&pieces[0].0).unwrap();
    assert_eq!(back.job(), 9);
}
