//! Parameter sweeps: cell order, what each dimension sets, equality with a
//! single simulation, validation and serde.

use engine::compare::compare;
use engine::metrics::{MetricId, MetricValue, MetricsOptions};
use engine::strategy::{Bands, Costs, Universe};
use engine::sweep::{run_cells, values, SweepDim, SweepSpec, MAX_CELLS};
use engine::synth::{generate, MarketParams};
use engine::{Panel, Schedule, Strategy, Weighting};
use std::sync::LazyLock;

static PANEL: LazyLock<Panel> =
    LazyLock::new(|| generate(&MarketParams { n_assets: 30, years: 2.0, ..MarketParams::default() }));

fn base() -> Strategy {
    Strategy {
        name: "Base".into(),
        universe: Universe { top_n: Some(10), ..Universe::default() },
        ..Strategy::default()
    }
}

fn spec(dims: Vec<SweepDim>, metric: MetricId) -> SweepSpec {
    SweepSpec { base: base(), dims, metric }
}

/// The number `compare` gives for one strategy, without a benchmark: what
/// the app shows in its metrics table.
fn single(s: &Strategy, metric: MetricId) -> Result<f64, String> {
    let run = compare(&PANEL, std::slice::from_ref(s), None, &MetricsOptions::default()).remove(0)?;
    match run.metrics.value(metric) {
        MetricValue::Number(v) => Ok(v),
        other => Err(format!("{other:?}")),
    }
}

#[test]
fn cells_run_first_dimension_fastest_and_round_trip() {
    let s = spec(
        vec![
            SweepDim::TopN(vec![5, 10, 20]),
            SweepDim::FeeBps(vec![0.0, 25.0]),
            SweepDim::Rebalance(vec![Schedule::Weekly, Schedule::Monthly, Schedule::Quarterly, Schedule::Never]),
        ],
        MetricId::Cagr,
    );
    assert_eq!(s.shape(), [3, 2, 4]);
    assert_eq!(s.n_cells(), 24);
    let cells: Vec<_> = s.cells().collect();
    assert_eq!(cells.len(), 24);
    for (n, c) in cells.iter().enumerate() {
        assert_eq!(c.index, n);
        let [i, j, k] = c.coords;
        assert_eq!(n, i + 3 * (j + 2 * k), "{c:?}");
        assert_eq!(s.coords(n), Some(c.coords));
        assert_eq!(s.index_of(c.coords), Some(n));
    }
    assert_eq!(s.coords(1), Some([1, 0, 0]));
    assert_eq!(s.coords(3), Some([0, 1, 0]));
    assert_eq!(s.coords(6), Some([0, 0, 1]));
    assert_eq!(s.coords(23), Some([2, 1, 3]));
    assert_eq!(s.coords(24), None);
    assert_eq!(s.index_of([3, 0, 0]), None);
    assert_eq!(s.index_of([0, 0, 4]), None);

    // Fewer dimensions: the unused coordinates are 0 and must stay 0.
    let one = spec(vec![SweepDim::TopN(vec![5, 10])], MetricId::Cagr);
    assert_eq!(one.cells().map(|c| c.coords).collect::<Vec<_>>(), [[0, 0, 0], [1, 0, 0]]);
    assert_eq!(one.index_of([1, 1, 0]), None);
    assert_eq!(one.axes(), [("Top N", vec!["5".to_string(), "10".to_string()])]);
}

#[test]
fn each_dimension_sets_its_field_only() {
    let b = base();
    let check = |dim: SweepDim, expected: Vec<Strategy>| {
        let s = spec(vec![dim], MetricId::Cagr);
        s.validate().unwrap();
        for (i, e) in expected.into_iter().enumerate() {
            let got = s.strategy_for(i).unwrap();
            assert_eq!(Strategy { name: e.name.clone(), ..got.clone() }, e, "cell {i}");
            assert_eq!(got.name, got.describe(), "cells are named from their own rules");
        }
    };
    check(
        SweepDim::Weighting(vec![Weighting::MarketCap, Weighting::InverseVolatility { lookback: 30 }]),
        vec![
            Strategy { weighting: Weighting::MarketCap, ..b.clone() },
            Strategy { weighting: Weighting::InverseVolatility { lookback: 30 }, ..b.clone() },
        ],
    );
    let offset = Strategy { rebalance: Schedule::Monthly, rebalance_offset: 3, ..b.clone() };
    let s = SweepSpec {
        base: offset.clone(),
        dims: vec![SweepDim::Rebalance(vec![Schedule::Daily, Schedule::Quarterly])],
        metric: MetricId::Cagr,
    };
    for (i, sched) in [Schedule::Daily, Schedule::Quarterly].into_iter().enumerate() {
        let got = s.strategy_for(i).unwrap();
        assert_eq!(got, Strategy { name: got.name.clone(), rebalance: sched, rebalance_offset: 0, ..offset.clone() });
    }
    check(
        SweepDim::TopN(vec![3, 25]),
        vec![
            Strategy { universe: Universe { top_n: Some(3), ..b.universe.clone() }, ..b.clone() },
            Strategy { universe: Universe { top_n: Some(25), ..b.universe.clone() }, ..b.clone() },
        ],
    );
    check(
        SweepDim::FeeBps(vec![0.0, 50.0]),
        vec![
            Strategy { costs: Costs { fee_bps: 0.0, ..b.costs.clone() }, ..b.clone() },
            Strategy { costs: Costs { fee_bps: 50.0, ..b.costs.clone() }, ..b.clone() },
        ],
    );
    check(
        SweepDim::BandWidth(vec![0.0, 0.05]),
        vec![
            Strategy { bands: None, ..b.clone() },
            Strategy { bands: Some(Bands { absolute: Some(0.05), relative: None }), ..b.clone() },
        ],
    );
    let cap_base = Strategy { weighting: Weighting::MarketCap, ..b.clone() };
    let s =
        SweepSpec { base: cap_base.clone(), dims: vec![SweepDim::CapLevel(vec![0.2, 1.0])], metric: MetricId::Cagr };
    for (i, level) in [0.2, 1.0].into_iter().enumerate() {
        let got = s.strategy_for(i).unwrap();
        let expected = Strategy {
            name: got.name.clone(),
            weighting: Weighting::CappedMarketCap { max_weight: level },
            ..cap_base.clone()
        };
        assert_eq!(got, expected);
    }
    assert_eq!(s.strategy_for(0).unwrap().name, s.strategy_for(0).unwrap().describe());
    assert!(s.strategy_for(0).unwrap().name.contains("cap-weighted with 20% cap"));

    // The name says every rule the cell's values set.
    let s = spec(
        vec![SweepDim::TopN(vec![5]), SweepDim::FeeBps(vec![25.0]), SweepDim::BandWidth(vec![0.0])],
        MetricId::Cagr,
    );
    let name = s.strategy_for(0).unwrap().name;
    assert!(name.starts_with("Top 5, ") && name.ends_with(", 25 bp fee") && !name.contains("band"), "{name}");
    assert!(s.strategy_for(1).unwrap_err().contains("outside"));
}

#[test]
fn a_cell_equals_a_single_simulation_exactly() {
    let s = spec(
        vec![
            SweepDim::TopN(vec![3, 10]),
            SweepDim::Weighting(vec![Weighting::Equal, Weighting::MarketCap]),
            SweepDim::BandWidth(vec![0.0, 0.03]),
        ],
        MetricId::Sharpe,
    );
    let out = run_cells(&PANEL, &s, 0..s.n_cells()).unwrap();
    assert_eq!(out.len(), 8);
    for (i, v) in out.iter().enumerate() {
        let v = *v.as_ref().unwrap();
        let expected = single(&s.strategy_for(i).unwrap(), MetricId::Sharpe).unwrap();
        assert_eq!(v.to_bits(), expected.to_bits(), "cell {i}: {v} vs {expected}");
    }
    // The dimensions change the numbers.
    let vals = values(&out);
    let distinct = vals.iter().map(|v| v.to_bits()).collect::<std::collections::BTreeSet<_>>();
    assert_eq!(distinct.len(), 8, "{vals:?}");

    // Trading metrics (turnover from the rebalances, cost drag from a gross run) too.
    for metric in
        [MetricId::CostDrag, MetricId::Turnover, MetricId::Fees, MetricId::AvgEffectiveN, MetricId::MaxDrawdown]
    {
        let s = spec(vec![SweepDim::FeeBps(vec![0.0, 10.0, 100.0])], metric);
        let out = run_cells(&PANEL, &s, 0..3).unwrap();
        for (i, v) in out.iter().enumerate() {
            let expected = single(&s.strategy_for(i).unwrap(), metric).unwrap();
            assert_eq!(v.as_ref().unwrap().to_bits(), expected.to_bits(), "{metric:?} cell {i}");
        }
        if metric == MetricId::CostDrag {
            let v = values(&out);
            assert_eq!(v[0], 0.0, "no fee, no drag");
            assert!(v[1] > 0.0 && v[2] > v[1], "{v:?}");
        }
    }
}

#[test]
fn chunks_concatenate_to_the_whole_run() {
    let s = spec(vec![SweepDim::TopN(vec![3, 5, 8, 13]), SweepDim::FeeBps(vec![0.0, 30.0])], MetricId::Calmar);
    let whole = run_cells(&PANEL, &s, 0..8).unwrap();
    let mut parts = run_cells(&PANEL, &s, 0..3).unwrap();
    parts.extend(run_cells(&PANEL, &s, 3..3).unwrap());
    parts.extend(run_cells(&PANEL, &s, 3..8).unwrap());
    assert_eq!(parts, whole);
    assert_eq!(run_cells(&PANEL, &s, 6..9).unwrap_err().to_string(), "cells 6..9 are outside the sweep's 8 cells");
}

#[test]
fn invalid_combinations_give_a_reason_and_the_rest_still_run() {
    let s = spec(
        vec![
            SweepDim::Weighting(vec![
                Weighting::Equal,
                Weighting::MarketCap,
                Weighting::CappedMarketCap { max_weight: 0.5 },
            ]),
            SweepDim::CapLevel(vec![0.15, 0.4]),
        ],
        MetricId::Volatility,
    );
    s.validate().unwrap();
    let out = run_cells(&PANEL, &s, 0..6).unwrap();
    for j in 0..2 {
        let e = out[s.index_of([0, j, 0]).unwrap()].as_ref().unwrap_err().to_string();
        assert_eq!(e, "a cap level applies to market-cap weighting only, not to equal");
        // Market cap and capped market cap with the same level are the same strategy.
        let a = out[s.index_of([1, j, 0]).unwrap()].as_ref().unwrap();
        let b = out[s.index_of([2, j, 0]).unwrap()].as_ref().unwrap();
        assert_eq!(a, b);
    }
    assert!(values(&out)[0].is_nan());
    let capped = Strategy { weighting: Weighting::CappedMarketCap { max_weight: 0.15 }, ..base() };
    assert_eq!(*out[1].as_ref().unwrap(), single(&capped, MetricId::Volatility).unwrap());

    // A cell the panel cannot serve (a regime on an asset it lacks) names the cause.
    let mut b = base();
    b.regime = Some(engine::strategy::Regime {
        reference: engine::strategy::RegimeReference::Asset("nosuchcoin".into()),
        sma_days: 20,
        cash_fraction: 0.5,
    });
    let s = SweepSpec { base: b, dims: vec![SweepDim::TopN(vec![5])], metric: MetricId::Cagr };
    let out = run_cells(&PANEL, &s, 0..1).unwrap();
    assert_eq!(out[0].as_ref().unwrap_err().to_string(), "regime reference asset 'nosuchcoin' is not in the data");
}

#[test]
fn validation_says_what_to_change() {
    let err = |dims: Vec<SweepDim>, metric: MetricId| spec(dims, metric).validate().unwrap_err();
    let top = || SweepDim::TopN(vec![5, 10]);
    assert_eq!(err(vec![], MetricId::Cagr), "a sweep needs 1 to 3 dimensions (this one has 0)");
    assert_eq!(
        err(
            vec![top(), SweepDim::FeeBps(vec![1.0]), SweepDim::BandWidth(vec![0.1]), SweepDim::CapLevel(vec![0.1])],
            MetricId::Cagr
        ),
        "a sweep needs 1 to 3 dimensions (this one has 4)"
    );
    assert_eq!(err(vec![SweepDim::FeeBps(vec![])], MetricId::Cagr), "the Fee dimension has no values");
    assert_eq!(
        err(vec![top(), SweepDim::TopN(vec![20])], MetricId::Cagr),
        "Top N is swept twice: each dimension may appear once"
    );
    let big = vec![
        SweepDim::TopN((1..=50).collect()),
        SweepDim::FeeBps((0..20).map(f64::from).collect()),
        SweepDim::BandWidth((0..11).map(|i| f64::from(i) / 100.0).collect()),
    ];
    assert_eq!(
        err(big.clone(), MetricId::Cagr),
        "50 x 20 x 11 = 11,000 cells; a sweep may have at most 10,000 (remove values or a dimension)"
    );
    let fits = SweepSpec { dims: big[..2].to_vec(), ..spec(vec![], MetricId::Cagr) };
    assert!(fits.validate().is_ok() && fits.n_cells() <= MAX_CELLS);
    assert_eq!(err(vec![SweepDim::TopN(vec![5, 0])], MetricId::Cagr), "Top N value 0: Top N must be at least 1");
    assert_eq!(
        err(vec![SweepDim::FeeBps(vec![10.0, -1.0])], MetricId::Cagr),
        "Fee value -1: the fee must be at least 0 and below 10000 bp"
    );
    assert_eq!(
        err(vec![SweepDim::FeeBps(vec![f64::NAN])], MetricId::Cagr),
        "Fee value NaN: the fee must be at least 0 and below 10000 bp"
    );
    assert_eq!(err(vec![SweepDim::FeeBps(vec![10.0, 10.0])], MetricId::Cagr), "the Fee dimension lists 10 bp twice");
    assert_eq!(
        err(vec![SweepDim::BandWidth(vec![1.5])], MetricId::Cagr),
        "Drift band value 1.5: the band width must be between 0 and 1 (100%)"
    );
    assert_eq!(
        err(vec![SweepDim::Rebalance(vec![Schedule::EveryNDays(0)])], MetricId::Cagr),
        "Rebalance value Every 0 days: every_n_days must be at least 1"
    );
    assert_eq!(
        err(vec![SweepDim::Weighting(vec![Weighting::InverseVolatility { lookback: 1 }])], MetricId::Cagr),
        "Weighting value Inverse vol 1d: weighting.lookback must be at least 2 days"
    );
    assert_eq!(
        err(vec![SweepDim::CapLevel(vec![0.0])], MetricId::Cagr),
        "Cap level value 0: the cap level must be above 0 and at most 1 (100%)"
    );
    assert_eq!(
        err(vec![SweepDim::CapLevel(vec![0.2])], MetricId::Cagr),
        "a cap level applies to market-cap weighting, but the sweep weights only by Equal: \
         choose market cap in the base strategy or in the weighting dimension"
    );
    assert_eq!(
        err(
            vec![SweepDim::CapLevel(vec![0.2]), SweepDim::Weighting(vec![Weighting::Equal, Weighting::SqrtMarketCap])],
            MetricId::Cagr
        ),
        "a cap level applies to market-cap weighting, but the sweep weights only by Equal, Square-root cap: \
         choose market cap in the base strategy or in the weighting dimension"
    );
    assert_eq!(
        err(vec![top()], MetricId::Beta),
        "Beta needs a benchmark, which a sweep does not have: choose another metric"
    );
    assert_eq!(
        err(vec![top()], MetricId::MaxDrawdownPeak),
        "Max drawdown peak is not a number to compare cells by: choose another metric"
    );
    let mut bad_base = spec(vec![top()], MetricId::Cagr);
    bad_base.base.initial_capital = 0.0;
    assert_eq!(bad_base.validate().unwrap_err(), "the base strategy is invalid: initial_capital must be above 0");
    // run_cells refuses an invalid spec as a whole.
    assert_eq!(
        run_cells(&PANEL, &bad_base, 0..1).unwrap_err().to_string(),
        "the base strategy is invalid: initial_capital must be above 0"
    );
}

#[test]
fn specs_round_trip_through_json() {
    let s = SweepSpec {
        base: Strategy::preset(engine::Preset::Top20Capped30Quarterly),
        dims: vec![
            SweepDim::Weighting(vec![Weighting::Equal, Weighting::CappedMarketCap { max_weight: 0.25 }]),
            SweepDim::Rebalance(vec![Schedule::Weekly, Schedule::EveryNDays(10)]),
            SweepDim::CapLevel(vec![0.1, 0.333]),
        ],
        metric: MetricId::Sortino,
    };
    let json = serde_json::to_string(&s).unwrap();
    assert_eq!(serde_json::from_str::<SweepSpec>(&json).unwrap(), s);
    for d in [SweepDim::TopN(vec![5, 50]), SweepDim::FeeBps(vec![0.0, 12.5]), SweepDim::BandWidth(vec![0.0, 0.025])] {
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<SweepDim>(&json).unwrap(), d, "{json}");
    }
    // A hand-written spec: every strategy field defaults, metrics by key.
    let s: SweepSpec = serde_json::from_str(
        r#"{"base": {"weighting": "market_cap"}, "dims": [{"top_n": [5, 10]}, {"cap_level": [0.2, 0.5]}], "metric": "max_drawdown"}"#,
    )
    .unwrap();
    assert_eq!((s.n_cells(), s.metric), (4, MetricId::MaxDrawdown));
    s.validate().unwrap();
    let minimal: SweepSpec = serde_json::from_str(r#"{"dims": [{"fee_bps": [0, 10]}], "metric": "cagr"}"#).unwrap();
    assert_eq!((&minimal.base, minimal.n_cells()), (&Strategy::default(), 2));
    // Cell outcomes cross a worker boundary as JSON too (errors as their text).
    let out: Vec<Result<f64, String>> =
        run_cells(&PANEL, &s, 0..2).unwrap().into_iter().map(|c| c.map_err(String::from)).collect();
    let back: Vec<Result<f64, String>> = serde_json::from_str(&serde_json::to_string(&out).unwrap()).unwrap();
    assert_eq!(back, out);
}

/// A cell whose numbers come from bad prices (a one-day jump of x50 kept)
/// has no value, with the reason, so the sweep's best cell is never it.
#[test]
fn implausible_cells_are_not_candidates_for_best() {
    use engine::errors::CellError;
    use engine::sweep::{SweepDim, SweepSpec};
    let mut panel_prices = Vec::new();
    let days = 120;
    for t in 0..days {
        // asset 0 steady, asset 1 spikes x50 for one day and comes back
        let spike = if t == 60 { 50.0 } else { 1.0 };
        panel_prices.push(100.0 * (1.0 + 0.001 * t as f64));
        panel_prices.push(10.0 * spike);
    }
    let dates: Vec<engine::Date> =
        (0..days).map(|t| engine::Date::from_unix_seconds(1_609_459_200 + 86_400 * t as i64)).collect();
    let caps: Vec<f64> = panel_prices.iter().map(|p| p * 1e6).collect();
    let vols = vec![1e6; panel_prices.len()];
    let panel = engine::Panel::new(dates, vec!["a".into(), "b".into()], panel_prices, caps, vols, Vec::new()).unwrap();
    let base = engine::Strategy {
        universe: engine::Universe { exclude: Vec::new(), ..Default::default() },
        ..Default::default()
    };
    let spec = SweepSpec {
        base,
        dims: vec![SweepDim::Weighting(vec![
            engine::Weighting::Equal,
            engine::Weighting::Custom { weights: vec![("a".into(), 1.0)] },
        ])],
        metric: engine::metrics::MetricId::Cagr,
    };
    let out = engine::sweep::run_cells(&panel, &spec, 0..2).unwrap();
    match &out[0] {
        Err(CellError::Implausible(reason)) => {
            assert!(reason.starts_with("implausible: annualised volatility"), "{reason}")
        }
        other => panic!("the spiking equal-weight cell should be implausible, got {other:?}"),
    }
    assert!(out[1].is_ok(), "the steady cell keeps its value: {:?}", out[1]);
    let values = engine::sweep::values(&out);
    assert!(values[0].is_nan() && values[1].is_finite());
}
