//! Targets for share links (`Scenario::from_link`, `engine::share` codec) and
//! bundles (`engine::share::decode_bundle`).

use crate::checks::{compare_checked, ingest_options, load_checked, panel_is_valid, MAX_MESSAGE_CHARS};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use engine::ingest::InputFile;
use engine::scenario::{DataRef, Scenario, MAX_STRATEGIES};
use engine::share::{self, decode_bundle, encode_bundle, ShareError};
use engine::synth::{generate, MarketParams};
use engine::{Panel, Strategy};
use std::io::Write;
use std::sync::OnceLock;

/// Bound on decompressed bundles in the target (the app uses
/// `DEFAULT_BUNDLE_LIMIT`; a smaller one keeps each run fast).
const BUNDLE_LIMIT: u64 = 1 << 20;

/// Share links, two ways per input: the bytes as link text (the fuzzer
/// mutates headers, base64 and deflate), and the bytes as the JSON inside a
/// well-formed `s.v1.` link (the fuzzer mutates the scenario itself).
pub fn share_link(data: &[u8]) {
    link_checked(&String::from_utf8_lossy(data));
    let packed = miniz_oxide::deflate::compress_to_vec(data, 6);
    link_checked(&format!("s.v1.{}", URL_SAFE_NO_PAD.encode(packed)));
}

/// Decodes a link: an error is one short sentence; a scenario is valid,
/// survives a round trip and runs.
fn link_checked(link: &str) {
    let s = match Scenario::from_link(link) {
        Ok(s) => s,
        Err(msg) => {
            assert!(msg.starts_with("This link "), "unexpected message {msg}");
            assert!(msg.chars().count() <= MAX_MESSAGE_CHARS, "message of {} characters", msg.len());
            return;
        }
    };
    scenario_checked(&s);
    match s.to_link() {
        Ok(again) => assert_eq!(Scenario::from_link(&again).as_ref(), Ok(&s), "round trip changed the scenario"),
        Err(ShareError::TooLong { .. } | ShareError::TooLarge { .. }) => {}
        Err(e) => panic!("a decoded scenario cannot be encoded again: {e}"),
    }
}

/// A small built-in market for running the strategies of decoded scenarios.
fn small_market() -> &'static Panel {
    static PANEL: OnceLock<Panel> = OnceLock::new();
    PANEL.get_or_init(|| generate(&MarketParams { n_assets: 6, years: 0.3, ..MarketParams::default() }))
}

/// Validates and runs a decoded scenario the way the app does: its market
/// (made small), its range, its capital applied to every strategy.
fn scenario_checked(s: &Scenario) {
    s.validate().expect("a decoded scenario validates");
    assert!(s.strategies.len() <= MAX_STRATEGIES);
    let generated;
    let full = match &s.data {
        DataRef::Synthetic(m) => {
            let small = MarketParams { n_assets: m.n_assets.min(6), years: m.years.min(0.3), ..m.clone() };
            generated = generate(&small);
            panel_is_valid(&generated);
            &generated
        }
        DataRef::Files { .. } => small_market(),
    };
    let sliced;
    let panel = match s.range {
        Some((a, b)) => {
            let from = full.dates().partition_point(|d| *d < a);
            let to = full.dates().partition_point(|d| *d <= b);
            if from >= to {
                return; // no data in the range: the app keeps the whole panel
            }
            sliced = full.slice_days(from, to - 1).expect("a non-empty range slices");
            panel_is_valid(&sliced);
            &sliced
        }
        None => full,
    };
    let strategies: Vec<Strategy> =
        s.strategies.iter().map(|st| Strategy { initial_capital: s.initial_capital, ..st.clone() }).collect();
    compare_checked(panel, &strategies);
    // A sweep the link carries builds and its first cells run (as the page
    // runs them): each a finite value or a reason.
    if let Some(form) = &s.sweep {
        let spec = form.spec(&strategies).expect("a validated sweep builds");
        let n = spec.n_cells().min(4);
        let cells = engine::sweep::run_cells(panel, &spec, 0..n).expect("cells of a valid sweep run");
        assert_eq!(cells.len(), n);
        for c in cells.iter().flatten() {
            assert!(c.is_finite(), "sweep cell value {c}");
        }
    }
}

/// Bundles, two ways per input: the bytes as a bundle file, and (unless they
/// already start like gzip) the bytes gzip-packed, so the fuzzer mutates the
/// container itself (magic, version, manifest, files, checksums). A decoded
/// bundle's scenario is checked and its files loaded, as the app does.
pub fn bundle(data: &[u8]) {
    bundle_checked(data);
    if !data.starts_with(&[0x1f, 0x8b]) {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(data).expect("writing to a Vec");
        bundle_checked(&gz.finish().expect("writing to a Vec"));
    }
}

fn bundle_checked(bytes: &[u8]) {
    let b = match decode_bundle::<Scenario>(bytes, BUNDLE_LIMIT) {
        Ok(b) => b,
        Err(e) => {
            let msg = e.to_string();
            assert!(!msg.is_empty() && msg.chars().count() <= MAX_MESSAGE_CHARS, "bundle error: {msg}");
            return;
        }
    };
    let total: usize = b.files.iter().map(|f| f.1.len()).sum();
    assert!(total as u64 <= BUNDLE_LIMIT, "{total} bytes of files under a limit of {BUNDLE_LIMIT}");
    // Round trip: what was decoded encodes and decodes to the same.
    let files: Vec<(&str, &[u8])> = b.files.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
    let again = encode_bundle(&b.scenario, &files).expect("a decoded bundle encodes again");
    assert_eq!(decode_bundle::<Scenario>(&again, share::DEFAULT_BUNDLE_LIMIT).as_ref(), Ok(&b), "bundle round trip");
    if b.scenario.validate().is_ok() {
        scenario_checked(&b.scenario);
    }
    if !b.files.is_empty() && total <= 64 * 1024 {
        let inputs: Vec<InputFile> = b.files.iter().map(|(n, d)| InputFile::new(n.clone(), d)).collect();
        let _ = load_checked(&inputs, &ingest_options(bytes));
    }
}
