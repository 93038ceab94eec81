//! The lesson analyses and share codec against the real simulator and synthetic market.

use engine::analysis::{self, AssetSet, GapCurves, Regime, RegimeSplit};
use engine::schedule::Schedule;
use engine::share;
use engine::strategy::{Costs, Preset, Strategy, Universe, Weighting};
use engine::synth::{self, MarketParams};
use engine::{metrics, simulate};

fn market(seed: u64) -> MarketParams {
    MarketParams { seed, n_assets: 25, years: 2.0, ..MarketParams::default() }
}

fn all_assets(weighting: Weighting, rebalance: Schedule) -> Strategy {
    Strategy {
        universe: Universe { exclude: vec![], ..Universe::default() },
        weighting,
        rebalance,
        costs: Costs { fee_bps: 0.0, half_spread_bps: 0.0, impact: None },
        ..Strategy::default()
    }
}

/// The cap-weighted index is what the simulator gets by holding every asset at
/// cap weights, rebalanced daily at no cost (listings and delistings included).
#[test]
fn cap_index_matches_the_simulator() {
    let p = synth::generate(&market(10));
    assert!(p.assets().iter().any(|a| a.delisted(p.n_days())), "the test market should have a delisting");
    assert!(p.assets().iter().any(|a| a.first > 0), "the test market should have a late listing");
    let idx = analysis::market_cap_index(&p);
    let sim = simulate(&p, &all_assets(Weighting::MarketCap, Schedule::Daily)).unwrap();
    for (t, (a, b)) in idx.iter().zip(&sim.equity).enumerate() {
        assert!((a - b).abs() <= 1e-9 * b, "day {t}: index {a} vs simulator {b}");
    }
}

#[test]
fn regimes_find_the_hidden_volatile_spells() {
    let m = synth::generate_market(&market(11));
    let idx = analysis::market_cap_index(&m.panel);
    let labels = analysis::regime_labels(&idx, 30, RegimeSplit::Median).unwrap();
    // The median split labels half the days volatile while the hidden volatile
    // spells cover a smaller share, so compare hit rates rather than accuracy:
    // truly volatile days must be labelled volatile far more often than calm ones.
    let (mut hit_vol, mut n_vol, mut hit_calm, mut n_calm) = (0, 0, 0, 0);
    for (l, truth) in labels.iter().zip(&m.volatile) {
        if let Some(l) = l {
            let labelled = usize::from(*l == Regime::Volatile);
            if *truth {
                (hit_vol, n_vol) = (hit_vol + labelled, n_vol + 1);
            } else {
                (hit_calm, n_calm) = (hit_calm + labelled, n_calm + 1);
            }
        }
    }
    let (rate_vol, rate_calm) = (hit_vol as f64 / n_vol as f64, hit_calm as f64 / n_calm as f64);
    assert!(rate_vol > rate_calm + 0.2, "volatile days labelled volatile {rate_vol}, calm days {rate_calm}");
    // Volatile days are bear markets in this generator: they should earn less.
    let stats = analysis::regime_stats(m.panel.dates(), &idx, &labels, None).unwrap();
    let (calm, vol) = (&stats[0], &stats[stats.len() - 1]);
    assert_eq!((calm.regime, vol.regime), (Regime::Calm, Regime::Volatile));
    assert!(vol.volatility.unwrap() > calm.volatility.unwrap());
}

#[test]
fn attribution_on_simulated_curves() {
    let p = synth::generate(&market(3));
    let run = |s: &Strategy| simulate(&p, s).unwrap().equity;
    let top = |weighting: Weighting, rebalance: Schedule, fee_bps: f64| Strategy {
        universe: Universe { top_n: Some(10), ..Universe::default() },
        weighting,
        rebalance,
        costs: Costs { fee_bps, half_spread_bps: 0.0, impact: None },
        ..Strategy::default()
    };
    let cap_net = run(&top(Weighting::MarketCap, Schedule::Monthly, 25.0));
    let cap_gross = run(&top(Weighting::MarketCap, Schedule::Monthly, 0.0));
    let held = run(&top(Weighting::Equal, Schedule::Never, 0.0));
    let ew_gross = run(&top(Weighting::Equal, Schedule::Monthly, 0.0));
    let ew_net = run(&top(Weighting::Equal, Schedule::Monthly, 25.0));
    let c = GapCurves {
        cap_net: &cap_net,
        cap_gross: Some(&cap_gross),
        ew_held: &held,
        ew_gross: &ew_gross,
        ew_net: &ew_net,
    };
    let a = analysis::attribute_gap(&c, 365.0).unwrap();
    assert!(a.cost_drag < 0.0 && a.cap_costs > 0.0, "{a:?}");
    assert!(a.residual.abs() < 1e-14);
    let m = |e: &[f64]| metrics::cagr(e[0], e[e.len() - 1], e.len() - 1, 365.0).unwrap();
    assert_eq!(a.total, m(&ew_net) - m(&cap_net));
}

#[test]
fn monte_carlo_over_synthetic_markets_is_deterministic() {
    let f = |seed: u64, dispersion: f64| {
        let p =
            synth::generate(&MarketParams { seed, n_assets: 12, years: 1.0, dispersion, ..MarketParams::default() });
        let cagr = |s: Strategy| {
            let e = simulate(&p, &s).unwrap().equity;
            metrics::cagr(e[0], e[e.len() - 1], e.len() - 1, 365.0).unwrap()
        };
        (cagr(Strategy::preset(Preset::Top10EqualMonthly)), cagr(all_assets(Weighting::MarketCap, Schedule::Monthly)))
    };
    let a = analysis::monte_carlo(&[1, 2, 3], &[0.0, 2.0], f);
    let b = analysis::monte_carlo(&[1, 2, 3], &[0.0, 2.0], f);
    assert_eq!(a, b);
    assert_eq!(a.len(), 2);
    assert!(a.iter().all(|c| c.runs == 3 && c.failed == 0 && c.differences.len() == 3));
}

#[test]
fn correlation_of_the_synthetic_market_is_positive() {
    // The generator's factor model gives an average pairwise correlation of about 0.4.
    let p = synth::generate(&market(5));
    let c = analysis::rolling_average_correlation(&p, 60, &AssetSet::TopByCap(10)).unwrap();
    let defined: Vec<f64> = c.iter().copied().filter(|v| !v.is_nan()).collect();
    assert_eq!(defined.len(), p.n_days() - 60);
    let mean = metrics::mean(&defined).unwrap();
    assert!(mean > 0.15 && mean < 0.8, "mean correlation {mean}");
}

/// A strategy link written by this version. If this stops decoding, old links
/// in the wild break: keep `Strategy` backward compatible instead of editing this.
const STRATEGY_V1_LINK: &str = "s.v1.bVJBbuMwDPyKIWBv9iLd3vKOvS0WAiPRNlFZUiWqTVDk7yWtNG2B-mCSY5Ecz-jNvGCplKI5PowmwobmaP6mPPw5jIODPL0iLSujH16J1-Hx8EvRcXhuUBhLuJjRtEg6RDrfDKdsZZZ0mwLxya4QZhtoRuvhUs0xthDkE7oUKxM33lf_hNo0zxXZHGXUqc0zFkl_S4FnF5qXbf8MI6-CC4XquYfJJYo9dRJOFCE6nKTUqgcPJG8u7QPnHjKcU50qQ_RQfB-SOy7vBTeKNPkUAujO5daLpUBPW1USc9mPB3puxJfbhtDD2oPrDFzacmrRT194uxvxKif-j0ZW2pUqp3K5KXjo4EsKTc3q0s0UWAXS6jqabhrFRS0RvzJ6u0F5QrZSKbjB2fZTqurj9arynyCoWHIDvtp7x785Ihrd7XSpctWpM6I9ZUkfdqd282suCL7DO0pbBsd3rgUX-vwRUZgJgtIkhqCT5NE2vR3FWy7gUUape9d3";

#[test]
fn strategies_round_trip_through_links_and_bundles() {
    for preset in Preset::ALL {
        let s = Strategy::preset(preset);
        let link = share::encode("s", &s).unwrap();
        assert_eq!(share::decode::<Strategy>("s", &link).unwrap(), s, "{preset:?}");
        assert!(link.len() < 1200, "{preset:?}: {} characters", link.len());
    }
    let s: Strategy = share::decode("s", STRATEGY_V1_LINK).unwrap();
    // Made when the default exclusions were these 24 ids: the link keeps them.
    let mut then = Strategy::preset(Preset::Top20Capped30Quarterly);
    then.universe.exclude = "tether usdt usd-coin usdc binance-usd busd dai true-usd tusd paxos-standard usdp pax \
         gemini-dollar gusd terrausd ust frax liquity-usd lusd husd cdai compound-usd-coin cusdc sai"
        .split_whitespace()
        .map(str::to_string)
        .collect();
    assert_eq!(s, then);

    let csv = b"date,id,price,market_cap\n2024-01-01,btc,42000,8e11\n";
    let b = share::encode_bundle(&Strategy::default(), &[("prices.csv", csv)]).unwrap();
    let back = share::decode_bundle::<Strategy>(&b, share::DEFAULT_BUNDLE_LIMIT).unwrap();
    assert_eq!(back.scenario, Strategy::default());
    assert_eq!(back.files, vec![("prices.csv".to_string(), csv.to_vec())]);
}

#[test]
fn fingerprint_of_synthetic_markets() {
    let a = share::fingerprint(&synth::generate(&market(1)));
    assert_eq!(a, share::fingerprint(&synth::generate(&market(1))));
    assert_ne!(a, share::fingerprint(&synth::generate(&market(2))));
}
