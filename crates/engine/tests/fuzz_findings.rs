//! Regression tests for the fuzzing findings (see ROBUSTNESS.md). Each test
//! is named after the finding; the minimized input that found it is under
//! `fuzz/regressions/<target>/` and is replayed by `crates/fuzzing`.

use engine::compare::compare;
use engine::ingest::{load, IngestOptions, InputFile};
use engine::metrics::{Metrics, MetricsOptions, TradingStats};
use engine::scenario::Scenario;
use engine::share::{decode_bundle, ShareError, BUNDLE_MAGIC, BUNDLE_VERSION, DEFAULT_BUNDLE_LIMIT};
use engine::{Date, Strategy};
use std::io::Write;

/// fuzz/regressions/ingest_coingecko_json/cagr-overflow-cost-drag-nan.json:
/// a price going from 2 to 61 in one day compounds to a CAGR beyond
/// `f64::MAX`; the cost drag was `inf - inf` = NaN. Overflowed metrics are
/// now missing.
#[test]
fn cagr_overflow_cost_drag_nan() {
    let file = br#"{"prices":[[0,2],[160968327,61]]}"#;
    let loaded = load(&[InputFile::new("bitcoin.json", file)], &IngestOptions::default()).unwrap();
    assert_eq!(loaded.panel.n_days(), 2);
    let runs = compare(&loaded.panel, &[Strategy::default()], None, &MetricsOptions::default());
    let m = &runs[0].as_ref().unwrap().metrics;
    assert_eq!((m.cagr, m.cost_drag), (None, None));
    // What is defined stays: the total return and the one daily return.
    let r = 61.0 / 2.0 - 1.0;
    assert!((m.total_return - r).abs() < 1e-12 && (m.best_day.unwrap() - r).abs() < 1e-12);
}

/// fuzz/regressions/engine_sim/overflowing-metrics-nan: a curve that drops
/// to 1e-200 and jumps to 1e200 has an infinite daily return, which made the
/// volatility, Sharpe, skew and kurtosis NaN.
#[test]
fn overflowing_metrics_nan() {
    let dates: Vec<Date> = (0..5).map(|i| Date(19_000 + i)).collect();
    let equity = [1.0, 1e-200, 1e200, 1.0, 2.0];
    let m = Metrics::compute(&dates, &equity, None, &TradingStats::default(), &MetricsOptions::default()).unwrap();
    assert_eq!(m.best_day, None, "an infinite return is not a best day");
    assert_eq!((m.volatility, m.sharpe, m.sortino, m.skew, m.kurtosis), (None, None, None, None, None));
    assert_eq!(m.worst_day, Some(1e-200 - 1.0));
    assert_eq!(m.total_return, 1.0);
    // A benchmark with the same problem gives missing relative metrics, not NaN.
    let m = Metrics::compute(
        &dates,
        &[1.0, 1.1, 1.2, 1.1, 1.3],
        Some(&equity),
        &TradingStats::default(),
        &MetricsOptions::default(),
    )
    .unwrap();
    assert_eq!((m.tracking_error, m.information_ratio, m.beta, m.correlation), (None, None, None, None));
    assert!(m.volatility.is_some_and(f64::is_finite));
}

/// gzip-compresses a bundle container.
fn gzip(plain: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(plain).unwrap();
    gz.finish().unwrap()
}

/// fuzz/regressions/bundle/long-serde-message.gz: serde quotes an unknown
/// variant in full, so a bundle (or link) with a megabyte-long weighting name
/// produced a megabyte-long error message for the page. Details are clipped
/// to 240 characters, keeping serde's position at the end.
#[test]
fn long_serde_message() {
    let name = "x".repeat(100_000);
    let scenario = format!(r#"{{"strategies": [{{"weighting": "{name}"}}]}}"#);
    let manifest = format!(r#"{{"scenario": {scenario}, "files": []}}"#);
    let mut plain = BUNDLE_MAGIC.to_vec();
    plain.extend_from_slice(&BUNDLE_VERSION.to_le_bytes());
    plain.extend_from_slice(&(manifest.len() as u32).to_le_bytes());
    plain.extend_from_slice(manifest.as_bytes());
    let err = decode_bundle::<Scenario>(&gzip(&plain), DEFAULT_BUNDLE_LIMIT).unwrap_err();
    let ShareError::Json(detail) = &err else { panic!("{err:?}") };
    assert_eq!(detail.chars().count(), 240, "{detail}");
    assert!(detail.starts_with("unknown variant `xxx") && detail.ends_with("at line 1 column 100045"), "{detail}");
    assert!(err.to_string().len() < 400);
    // The same scenario in a link.
    let payload = miniz_oxide::deflate::compress_to_vec(scenario.as_bytes(), 6);
    let link = format!("s.v1.{}", base64_url(&payload));
    let msg = Scenario::from_link(&link).unwrap_err();
    assert!(msg.len() < 400 && msg.contains("unknown variant"), "{msg}");
    // A long file name in a manifest is clipped the same way.
    let manifest = format!(r#"{{"scenario": {{}}, "files": [{{"name": "{name}", "size": 0, "sha256": ""}}]}}"#);
    let mut plain = BUNDLE_MAGIC.to_vec();
    plain.extend_from_slice(&BUNDLE_VERSION.to_le_bytes());
    plain.extend_from_slice(&(manifest.len() as u32).to_le_bytes());
    plain.extend_from_slice(manifest.as_bytes());
    let err = decode_bundle::<Scenario>(&gzip(&plain), DEFAULT_BUNDLE_LIMIT).unwrap_err();
    assert!(
        matches!(&err, ShareError::Bundle(m) if m.starts_with("invalid file name \"xxx") && m.len() < 300),
        "{err:?}"
    );
}

/// base64url without padding (RFC 4648 §5), as share links use.
fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
