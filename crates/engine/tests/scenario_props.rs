//! Property test: a share link of any valid scenario decodes to the same
//! scenario (`Scenario::from_link(s.to_link()) == s`), whatever its
//! strategies, data reference, range and view.

use engine::metrics::MetricId;
use engine::scenario::{ChartView, DataRef, Scenario};
use engine::strategy::{Bands, Costs, Impact, Regime, RegimeReference};
use engine::sweep::{sweepable, SweepForm};
use engine::synth::MarketParams;
use engine::{Date, Schedule, Strategy as IndexStrategy, Universe, Weighting};
use proptest::prelude::*;

fn schedule() -> impl Strategy<Value = Schedule> {
    prop_oneof![
        Just(Schedule::Daily),
        Just(Schedule::Weekly),
        Just(Schedule::Monthly),
        Just(Schedule::Quarterly),
        Just(Schedule::Yearly),
        (1u32..400).prop_map(Schedule::EveryNDays),
        Just(Schedule::Never),
    ]
}

fn weighting() -> impl Strategy<Value = Weighting> {
    prop_oneof![
        Just(Weighting::MarketCap),
        Just(Weighting::Equal),
        (0.01f64..=1.0).prop_map(|max_weight| Weighting::CappedMarketCap { max_weight }),
        Just(Weighting::SqrtMarketCap),
        (2usize..400).prop_map(|lookback| Weighting::InverseVolatility { lookback }),
        (2usize..400).prop_map(|lookback| Weighting::EqualRiskContribution { lookback }),
        (2usize..400).prop_map(|lookback| Weighting::VolumeWeighted { lookback }),
        prop::collection::vec(("[a-z]{1,8}( <img src=x onerror=alert\\(1\\)>)?", 0.0f64..10.0), 1..4)
            .prop_map(|weights| Weighting::Custom { weights }),
    ]
}

prop_compose! {
    fn strategy()(
        name in "\\PC{1,40}",
        top_n in proptest::option::of(1usize..500),
        weighting in weighting(),
        rebalance in schedule(),
        buffer in 0.0f64..1.0,
        exclude in prop::collection::vec("[a-z-]{1,12}", 0..5),
        fee_bps in 0.0f64..500.0,
        half_spread_bps in 0.0f64..200.0,
        impact in proptest::option::of((0.0f64..2.0, 2usize..90)),
        absolute in proptest::option::of(0.001f64..1.0),
        regime in proptest::option::of((2usize..400, 0.0f64..=1.0)),
        capital in 1.0f64..1e9,
    ) -> IndexStrategy {
        IndexStrategy {
            name,
            universe: Universe { top_n, buffer, exclude, ..Universe::default() },
            weighting,
            rebalance,
            bands: absolute.map(|a| Bands { absolute: Some(a), relative: None }),
            costs: Costs { fee_bps, half_spread_bps, impact: impact.map(|(k, lookback)| Impact { k, lookback }) },
            regime: regime.map(|(sma_days, cash_fraction)| Regime {
                reference: RegimeReference::TotalMarketCap,
                sma_days,
                cash_fraction,
            }),
            initial_capital: capital,
            ..IndexStrategy::default()
        }
    }
}

prop_compose! {
    fn scenario()(
        strategies in prop::collection::vec(strategy(), 0..=8),
        synthetic in any::<bool>(),
        seed in any::<u64>(),
        volatility in 0.0f64..5.0,
        names in prop::collection::vec("\\PC{1,30}", 1..20),
        start in 15_000i32..20_000,
        len in 1i32..3_000,
        ranged in any::<bool>(),
        capital in 1.0f64..1e9,
        log_scale in any::<bool>(),
        window in 5usize..730,
        sweep in prop::option::of((any::<prop::sample::Index>(), prop::collection::vec(sweep_row(), 1..=3), 0usize..6)),
    ) -> Scenario {
        let n = strategies.len();
        // A sweep needs a strategy to vary; its metric is one a sweep can colour by.
        let metrics: Vec<MetricId> = MetricId::ALL.iter().copied().filter(|&m| sweepable(m)).collect();
        let sweep = sweep
            .filter(|_| n > 0)
            .map(|(base, mut dims, m)| {
                // Each dimension once.
                let mut seen = Vec::new();
                dims.retain(|(k, _)| if seen.contains(k) { false } else { seen.push(k.clone()); true });
                SweepForm { base: base.index(n), dims, metric: metrics[m % metrics.len()] }
            })
            // What is left to check (values against the base strategy) is the engine's.
            .filter(|f| f.spec(&strategies).is_ok());
        Scenario {
            data: if synthetic {
                DataRef::Synthetic(MarketParams { seed, volatility, ..MarketParams::default() })
            } else {
                DataRef::Files {
                    files: names
                        .iter()
                        .map(|n| engine::scenario::FileRef::uploaded(n, format!("{seed:064x}")))
                        .collect(),
                    names,
                    fingerprint: format!("{seed:064x}"),
                    keep_spikes: seed % 2 == 1,
                    format: (seed % 3 == 0).then_some(engine::ingest::Format::LongCsv),
                    day_first: (seed % 5 == 0).then_some(true),
                    ever_top: (seed % 7 == 0).then_some(200),
                }
            },
            strategies,
            range: ranged.then_some((Date(start), Date(start + len))),
            initial_capital: capital,
            view: ChartView {
                log_scale,
                rolling_window: window,
                focus: n.checked_sub(1),
                ..ChartView::default()
            },
            sweep,
            robustness: None,
        }
    }
}

/// A valid sweep form row: a dimension key and 1 to 3 values as a user types them.
fn sweep_row() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        prop::sample::subsequence(vec!["cap", "equal", "sqrt", "capped", "invvol", "erc", "volume"], 1..=3)
            .prop_map(|w| ("weighting".to_string(), w.join(", "))),
        prop::sample::subsequence(vec!["daily", "weekly", "monthly", "never"], 1..=3)
            .prop_map(|w| ("rebalance".to_string(), w.join(","))),
        prop::collection::btree_set(1usize..200, 1..=3)
            .prop_map(|v| ("top_n".to_string(), v.iter().map(usize::to_string).collect::<Vec<_>>().join(", "))),
        prop::collection::btree_set(0u32..50_000, 1..=3).prop_map(|v| (
            "fee_bps".to_string(),
            v.iter().map(|c| (f64::from(*c) / 100.0).to_string()).collect::<Vec<_>>().join(", ")
        )),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn links_round_trip(s in scenario()) {
        prop_assert!(s.validate().is_ok(), "generated an invalid scenario: {:?}", s.validate());
        let link = s.to_link().unwrap();
        prop_assert!(link.starts_with("s.v1."));
        prop_assert_eq!(Scenario::from_link(&link).unwrap(), s);
    }
}
