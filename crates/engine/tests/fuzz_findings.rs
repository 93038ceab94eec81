//! Regression tests for the fuzzing findings (see ROBUSTNESS.md). Each test
//! is named after the finding; the minimized input that found it is under
//! `fuzz/regressions/<target>/` and is replayed by `crates/fuzzing`.

use engine::compare::compare;
use engine::ingest::{load, IngestOptions, InputFile};
use engine::metrics::{Metrics, MetricsOptions, TradingStats};
use engine::scenario::Scenario;
use engine::share::{decode_bundle, ShareError, BUNDLE_MAGIC, BUNDLE_VERSION, DEFAULT_BUNDLE_LIMIT};
use engine::simulate::{MAX_VALUE, MIN_VALUE};
use engine::{simulate, Date, Panel, Schedule, Strategy, Weighting};
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
    // Four returns are a year at 4 periods a year: long enough to annualise.
    let opts = MetricsOptions { periods_per_year: Some(4.0), ..MetricsOptions::default() };
    let m = Metrics::compute(&dates, &equity, None, &TradingStats::default(), &opts).unwrap();
    assert_eq!(m.best_day, None, "an infinite return is not a best day");
    assert_eq!((m.volatility, m.sharpe, m.sortino, m.skew, m.kurtosis), (None, None, None, None, None));
    assert_eq!(m.worst_day, Some(1e-200 - 1.0));
    assert_eq!(m.total_return, 1.0);
    // A benchmark with the same problem gives missing relative metrics, not NaN.
    let m =
        Metrics::compute(&dates, &[1.0, 1.1, 1.2, 1.1, 1.3], Some(&equity), &TradingStats::default(), &opts).unwrap();
    assert_eq!((m.tracking_error, m.information_ratio, m.beta, m.correlation), (None, None, None, None));
    assert!(m.volatility.is_some_and(f64::is_finite));
}

/// Two assets on consecutive days from 2024-01-01 (`prices[a][t]`), caps 1e9 x price.
fn panel(prices: [&[f64]; 2]) -> Panel {
    let n = prices[0].len();
    let price: Vec<f64> = (0..n).flat_map(|t| [prices[0][t], prices[1][t]]).collect();
    let cap = price.iter().map(|p| p * 1e9).collect();
    let dates = (0..n as i32).map(|i| Date(19_723 + i)).collect();
    Panel::new(dates, vec!["a".into(), "b".into()], price, cap, vec![1e9; 2 * n], vec![]).unwrap()
}

fn equal_daily() -> Strategy {
    let mut s = Strategy { weighting: Weighting::Equal, rebalance: Schedule::Daily, ..Strategy::default() };
    s.costs.fee_bps = 0.0;
    s
}

/// fuzz/regressions/engine_sim/subnormal-units-weights-off: after a fall to
/// 1e-12, buying an asset priced at `f64::MAX` needed 5.8e-320 units, a
/// subnormal number with a few bits of precision, and the weights no longer
/// summed to 1. A run now stops with an error (field `data`) when units
/// cannot hold a purchase's value or the value leaves 1e-150..=1e150.
#[test]
fn subnormal_units_weights_off() {
    let nan = f64::NAN;
    let p = panel([&[1.0, 1e-12, 1e-12], &[nan, f64::MAX, f64::MAX]]);
    let e = simulate(&p, &equal_daily()).unwrap_err();
    assert_eq!(e.field, "data");
    assert!(
        e.message.starts_with("buying b at a price of 1.7976931348623157e308 needs 2.78e-321 units"),
        "{}",
        e.message
    );
    assert!(e.message.contains("on 2024-01-02") && e.message.contains("check the data"), "{}", e.message);
    // The value falling below 1e-150 or rising above 1e150 of its start.
    assert_eq!((MIN_VALUE, MAX_VALUE), (1e-150, 1e150));
    let e = simulate(&p_one(&[1.0, 1e-100, 1e-200]), &equal_daily()).unwrap_err();
    assert_eq!(e.message, "the portfolio value reached 1e-200 times its start on 2024-01-03: the prices change by impossible factors, check the data for wrong prices");
    let e = simulate(&p_one(&[1.0, 1e160]), &equal_daily()).unwrap_err();
    assert!(e.message.starts_with("the portfolio value reached 1e160 times its start on 2024-01-02"), "{}", e.message);
    // Just inside the range, the run completes; compare reports the failing one alone.
    assert!(simulate(&p_one(&[1.0, 1e-140, 1e-145]), &equal_daily()).is_ok());
    let runs = compare(&p_one(&[1.0, 1e160]), &[equal_daily(), equal_daily()], None, &MetricsOptions::default());
    assert!(runs.iter().all(|r| r.as_ref().is_err_and(|e| e.to_string().contains("impossible factors"))));
}

/// One asset `a` on consecutive days.
fn p_one(prices: &[f64]) -> Panel {
    let dates = (0..prices.len() as i32).map(|i| Date(19_723 + i)).collect();
    let caps = prices.iter().map(|p| p * 1e9).collect();
    Panel::new(dates, vec!["a".into()], prices.to_vec(), caps, vec![1e9; prices.len()], vec![]).unwrap()
}

/// fuzz/regressions/ingest_gzip/left-out-warnings-in-hash-order.csv: the
/// warnings about assets without a usable price came in `HashMap` order, so
/// the same file gave its warnings in another order on another load (the
/// gzip target compares the plain and the compressed load). They are now in
/// file and name order.
#[test]
fn left_out_warnings_in_hash_order() {
    let file = b"date,btc,eth,sol,ada,dot\n2021-01-01,1,-1,-1,-1,-1\n2021-01-02,2,0,0,0,0\n";
    let warnings = || load(&[InputFile::new("prices.csv", file)], &IngestOptions::default()).unwrap().report.warnings;
    let first = warnings();
    let left_out: Vec<&str> = first.iter().filter(|w| w.contains("no usable price")).map(String::as_str).collect();
    assert_eq!(
        left_out,
        ["ada", "dot", "eth", "sol"].map(|a| format!("prices.csv: asset '{a}' has no usable price and was left out"))
    );
    for _ in 0..20 {
        assert_eq!(warnings(), first);
    }
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

/// fuzz/regressions/share_link/long-strategy-name.json and
/// long-custom-weight-id.json (probe inputs written for the share_link
/// target; ten minutes of fuzzing did not build such long strings): the
/// validation message quoted a strategy name or an asset id in full, so a
/// link could produce a message of a megabyte. Quoted text is cut to 60
/// characters.
#[test]
fn long_names_in_link_messages() {
    let long = "N".repeat(5000);
    let link = |json: String| {
        let payload = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6);
        format!("s.v1.{}", base64_url(&payload))
    };
    // Names are at most 200 characters; a 150-character one is still cut.
    let name = "N".repeat(150);
    let msg =
        Scenario::from_link(&link(format!(r#"{{"strategies": [{{"name": "{name}", "universe": {{"top_n": 0}}}}]}}"#)))
            .unwrap_err();
    assert_eq!(
        msg,
        format!("This link holds an invalid scenario: strategy 1 (“{}…”): top_n must be at least 1", "N".repeat(60))
    );
    let msg = Scenario::from_link(&link(format!(
        r#"{{"strategies": [{{"weighting": {{"custom": {{"weights": [["{long}", -1]]}}}}}}]}}"#
    )))
    .unwrap_err();
    assert!(
        msg.ends_with(&format!("custom weight of '{}…' must be a finite number, 0 or more", "N".repeat(60))),
        "{msg}"
    );
    // The simulation's messages about missing assets and columns, too.
    let p = p_one(&[1.0, 2.0]);
    let mut s = equal_daily();
    s.universe.filter = Some(engine::strategy::ExtraFilter {
        column: long.clone(),
        op: engine::strategy::Comparison::AtLeast,
        value: 0.0,
    });
    assert!(simulate(&p, &s).unwrap_err().message.len() < 120);
    let mut s = equal_daily();
    s.regime = Some(engine::strategy::Regime {
        reference: engine::strategy::RegimeReference::Asset(long.clone()),
        sma_days: 2,
        cash_fraction: 0.5,
    });
    assert!(simulate(&p, &s).unwrap_err().message.len() < 120);
    let s =
        Strategy { weighting: Weighting::Custom { weights: vec![(long, 1.0), ("a".into(), 1.0)] }, ..equal_daily() };
    let r = simulate(&p, &s).unwrap();
    assert!(r.warnings.iter().all(|w| w.len() < 160), "{:?}", r.warnings);
}

/// fuzz/regressions/ingest_coingecko_json/long-serde-message.json: a JSON
/// file with a long string where a number belongs gave an error quoting the
/// whole string (serde's message). The reason is clipped like link errors.
#[test]
fn long_serde_message_in_json_file() {
    let file = format!(r#"{{"prices": [[1609459200000, "{}"]]}}"#, "9, ".repeat(10_000));
    let e = load(&[InputFile::new("bitcoin.json", file.as_bytes())], &IngestOptions::default()).unwrap_err();
    let engine::ingest::ErrorKind::Json { reason } = &e.kind else { panic!("{e:?}") };
    assert_eq!(reason.chars().count(), 240, "{reason}");
    assert!(
        reason.starts_with("invalid type: string \"9, 9, ") && reason.ends_with("expected f64 at line 1 column 30030"),
        "{reason}"
    );
    assert!(e.to_string().len() < 450);
}

/// base64url without padding (RFC 4648 §5), as share links use.
fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// fuzz/regressions/engine_sim/weights-and-cash-zero-with-positive-equity:
/// two market caps near `f64::MAX` summed to infinity, so cap weighting
/// divided every cap by `inf` and targeted weights of 0: the run sold
/// everything, held neither assets nor cash, and still reported a positive
/// value. Weights are now normalised by the largest cap when the sum overflows.
#[test]
fn weights_and_cash_zero_with_positive_equity() {
    let n = 4;
    let price: Vec<f64> = (0..n).flat_map(|t| [1.0 + t as f64, 2.0]).collect();
    let cap: Vec<f64> = (0..n).flat_map(|_| [1.5e308, 0.5e308]).collect();
    let dates = (0..n as i32).map(|i| Date(19_000 + i)).collect();
    let panel = Panel::new(dates, vec!["a".into(), "b".into()], price, cap, vec![0.0; 2 * n], vec![]).unwrap();
    let s = Strategy { weighting: Weighting::MarketCap, rebalance: Schedule::Daily, ..Strategy::default() };
    let r = simulate(&panel, &s).unwrap();
    for t in 0..n {
        let w = r.weights_at(&panel, t);
        let ids: Vec<usize> = w.iter().map(|x| x.0).collect();
        assert_eq!(ids, [0, 1], "both assets held on day {t}");
        let total: f64 = w.iter().map(|x| x.1).sum::<f64>() + r.cash[t] / r.equity[t];
        assert!((total - 1.0).abs() < 1e-12, "weights + cash = {total} on day {t}");
        assert!((w[0].1 - 0.75).abs() < 1e-12, "cap weights 3:1 on day {t}: {w:?}");
    }
}
