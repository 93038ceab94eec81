//! The table of hostile share links (`tests/data/links/hostile.json`), read
//! the way the page and the CLI read them: `Scenario::from_link`, then the
//! date range against the built-in market the link names
//! (`engine::scenario::range_in`). The e2e test `hostile-links.test.mjs`
//! checks that the page and the CLI give these verdicts and messages.

use engine::scenario::{range_in, DataRef, Scenario, MAX_MESSAGE_CHARS};
use engine::share;
use serde_json::Value;

/// The link of one case: raw, or a scenario or text deflated as a v1 link.
fn link_of(case: &Value) -> String {
    if let Some(raw) = case["raw"].as_str() {
        return raw.to_string();
    }
    if let Some(text) = case["json_text"].as_str() {
        let packed = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 10);
        use base64::Engine;
        return format!("s.v1.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed));
    }
    share::encode("s", &case["scenario"]).expect("encodes")
}

/// What the page and the CLI say of a link: `Ok` or the message.
fn verdict(link: &str) -> Result<(), String> {
    let s = Scenario::from_link(link)?;
    if let (DataRef::Synthetic(m), Some((a, b))) = (&s.data, s.range) {
        let panel = engine::synth::generate(m);
        range_in(panel.dates(), Some(a), Some(b)).map_err(|e| format!("This link holds an invalid scenario: {e}"))?;
    }
    Ok(())
}

#[test]
fn every_hostile_link_gets_its_verdict_and_a_short_message() {
    let doc: Value = serde_json::from_str(include_str!("data/links/hostile.json")).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    for case in cases {
        let what = case["what"].as_str().unwrap();
        let got = verdict(&link_of(case));
        match case["expect"].as_str() {
            None => assert_eq!(got, Ok(()), "{what}"),
            Some(part) => {
                let message = got.expect_err(what);
                assert!(message.contains(part), "{what}: {message:?} lacks {part:?}");
                assert!(message.chars().count() <= MAX_MESSAGE_CHARS, "{what}: {} characters", message.len());
            }
        }
    }
}
