//! Tests of sweeps: dimensions, labels, metric keys and forms.

use super::*;

fn spec(dims: Vec<SweepDim>) -> SweepSpec {
    SweepSpec { base: Strategy::default(), dims, metric: MetricId::Sharpe }
}

#[test]
fn labels_and_names() {
    let d = SweepDim::FeeBps(vec![0.0, 2.5, 25.0]);
    assert_eq!(d.labels(), ["0 bp", "2.5 bp", "25 bp"]);
    let d = SweepDim::BandWidth(vec![0.0, 0.05]);
    assert_eq!(d.labels(), ["None", "5%"]);
    assert_eq!(SweepDim::CapLevel(vec![0.3]).label(0), "30%");
    assert_eq!(SweepDim::Rebalance(vec![Schedule::EveryNDays(10)]).label(0), "Every 10 days");
    assert_eq!(group_thousands(12_000), "12,000");
    assert_eq!(trim(0.1 + 0.2), "0.3");
}

#[test]
fn metric_keys_serialise() {
    let s = spec(vec![SweepDim::TopN(vec![5])]);
    let json = serde_json::to_string(&s).unwrap();
    assert!(json.contains(r#""metric":"sharpe""#), "{json}");
    assert!(json.contains(r#"{"top_n":[5]}"#), "{json}");
    let bad = json.replace("\"sharpe\"", "\"sharp\"");
    assert!(serde_json::from_str::<SweepSpec>(&bad).unwrap_err().to_string().contains("unknown metric 'sharp'"));
}

#[test]
fn a_form_reads_as_the_sweep_it_shows() {
    let form = SweepForm {
        base: 1,
        dims: vec![
            ("weighting".into(), "Cap, equal,, invvol".into()),
            ("band".into(), "0, 2.5".into()),
            ("top_n".into(), " 5,10 ".into()),
        ],
        metric: MetricId::Cagr,
    };
    let strategies = [Strategy::default(), Strategy { name: "B".into(), ..Strategy::default() }];
    let spec = form.spec(&strategies).unwrap();
    assert_eq!(spec.base.name, "B");
    assert_eq!(spec.metric, MetricId::Cagr);
    assert_eq!(
        spec.dims,
        [
            SweepDim::Weighting(vec![
                Weighting::MarketCap,
                Weighting::Equal,
                Weighting::InverseVolatility { lookback: 90 }
            ]),
            SweepDim::BandWidth(vec![0.0, 0.025]),
            SweepDim::TopN(vec![5, 10]),
        ]
    );
    // Serialised with the metric's key, read back the same.
    let json = serde_json::to_string(&form).unwrap();
    assert!(json.contains("\"metric\":\"cagr\""), "{json}");
    assert_eq!(serde_json::from_str::<SweepForm>(&json).unwrap(), form);
    // Every default row of the form reads.
    for (key, _, values, _) in FORM_DIMS {
        assert!(SweepDim::parse(key, values).is_ok_and(|d| d.len() >= 3), "{key}");
    }
}

#[test]
fn a_form_varies_cap_levels_lookbacks_and_day_counts() {
    let w = SweepDim::parse("weighting", "capped:0.2, Capped:30%, invvol:60, ERC, volume:45").unwrap();
    assert_eq!(
        w,
        SweepDim::Weighting(vec![
            Weighting::CappedMarketCap { max_weight: 0.2 },
            Weighting::CappedMarketCap { max_weight: 0.3 },
            Weighting::InverseVolatility { lookback: 60 },
            Weighting::EqualRiskContribution { lookback: 90 },
            Weighting::VolumeWeighted { lookback: 45 },
        ])
    );
    assert_eq!(w.labels(), ["Capped 20%", "Capped 30%", "Inverse vol 60d", "ERC 90d", "Volume 45d"]);
    let r = SweepDim::parse("rebalance", "weekly, every:14, Every_N_Days:30").unwrap();
    assert_eq!(r, SweepDim::Rebalance(vec![Schedule::Weekly, Schedule::EveryNDays(14), Schedule::EveryNDays(30)]));
    assert_eq!(r.label(1), "Every 14 days");
    // A known word with a bad value says what is wrong with the value.
    assert_eq!(
        SweepDim::parse("weighting", "invvol:x").unwrap_err(),
        "Weighting: 'invvol:x': 'x' is not a whole number of days"
    );
    assert!(SweepDim::parse("rebalance", "every:0").unwrap_err().starts_with("Rebalance: 'every:0': use daily"));
    let spec = SweepSpec { base: Strategy::default(), dims: vec![w], metric: MetricId::Sharpe };
    spec.validate().unwrap();
    assert_eq!(spec.strategy_for(2).unwrap().weighting, Weighting::InverseVolatility { lookback: 60 });
}

#[test]
fn a_bad_form_says_what_is_wrong() {
    let strategies = [Strategy::default()];
    let form = |base: usize, dims: &[(&str, &str)]| SweepForm {
        base,
        dims: dims.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        metric: MetricId::Sharpe,
    };
    let err = |f: SweepForm| f.spec(&strategies).unwrap_err();
    assert_eq!(err(form(1, &[("top_n", "5")])), "it varies strategy 2, but there are 1");
    assert_eq!(err(form(0, &[("top_n", "5, x")])), "Top N: 'x' is not a whole number");
    assert!(err(form(0, &[("weighting", "cap, best")])).starts_with("Weighting: 'best' is not one of cap,"));
    assert_eq!(err(form(0, &[("colour", "red")])), "unknown dimension 'colour'");
    assert_eq!(
        err(form(0, &[("fee_bps", "1, 2"), ("fee_bps", "3")])),
        "Fee is swept twice: each dimension may appear once"
    );
    assert!(err(form(0, &[])).starts_with("a sweep needs 1 to 3 dimensions"));
    let four = [("top_n", "5"), ("fee_bps", "1"), ("band", "1"), ("rebalance", "daily")];
    assert_eq!(err(form(0, &four)), "4 dimensions; at most 3");
    let long = "1,".repeat(150);
    assert_eq!(err(form(0, &[("fee_bps", &long)])), "the values are limited to 200 characters");
    // A long word is quoted short.
    let word = "w".repeat(500);
    let e = err(form(0, &[("rebalance", &word)]));
    assert!(e.len() < 200, "{e}");
}
