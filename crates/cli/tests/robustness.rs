//! `--robustness`: the analyses in the JSON output and the table, equal to
//! the engine's, and their settings from the flag or a link.

mod common;
use common::run;
use engine::robustness::{analyse, RobustnessSpec, WindowLength};
use engine::scenario::{DataRef, Scenario};
use engine::synth::{generate, MarketParams};
use engine::{Preset, Strategy};

const MARKET: [&str; 7] = ["run", "--synthetic", "--seed", "5", "--assets", "20", "--years"];

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v: Vec<&str> = MARKET.to_vec();
    v.extend(["2.5", "--preset", "top10-equal-monthly", "--preset", "top100-cap-weekly"]);
    v.extend(extra);
    v
}

#[test]
fn json_carries_the_engine_report() {
    let spec = r#"{"resamples": 300, "window": {"years": 1}, "seed": 4}"#;
    let doc = run(&args(&["--robustness-spec", spec])).json();
    let r = &doc["robustness"];
    assert!(r.is_object(), "{doc}");

    let panel = generate(&MarketParams { seed: 5, n_assets: 20, years: 2.5, ..MarketParams::default() });
    let strategies: Vec<Strategy> =
        [Preset::Top10EqualMonthly, Preset::Top100CapWeekly].into_iter().map(Strategy::preset).collect();
    let spec: RobustnessSpec = serde_json::from_str(spec).unwrap();
    let engine = analyse(&panel, &strategies, &spec).unwrap();
    assert_eq!(*r, serde_json::to_value(&engine).unwrap());
    assert_eq!(r["timing"][0]["runs"].as_array().unwrap().len(), 28);
    assert_eq!(r["timing"][1]["runs"].as_array().unwrap().len(), 7);
    assert!(r["verdict"]["sentence"].as_str().unwrap().starts_with("On this data"));
    assert_eq!(r["bootstrap"]["resamples"], 300);
}

#[test]
fn table_has_a_robustness_section() {
    let out = run(&args(&["--format", "table", "--robustness-spec", r#"{"resamples": 200}"#]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    for needle in [
        "\nRobustness\n",
        "Timing luck",
        "Start dates",
        "Bootstrap",
        "95% interval",
        "Regimes",
        "Verdict: On this data",
    ] {
        assert!(out.stdout.contains(needle), "{needle} missing from:\n{}", out.stdout);
    }
    // Without the flag, no section and no key.
    let plain = run(&args(&["--format", "table"]));
    assert!(!plain.stdout.contains("Robustness"));
    assert!(run(&args(&[])).json().get("robustness").is_none());
}

#[test]
fn bad_settings_are_usage_errors() {
    for (spec, needle) in [
        (r#"{"resamples": 5}"#, "resamples must be between 100 and 20000"),
        (r#"{"pair": [0, 5]}"#, "the pair names strategy 6, but there are 2"),
        (r#"{"window": {"years": 7}}"#, "window"),
        (r#"{"bogus": 1"#, "--robustness-spec: not a valid spec"),
    ] {
        let out = run(&args(&["--robustness-spec", spec]));
        assert_eq!(out.code, 2, "{spec}: {}", out.stderr);
        assert!(out.stderr.contains(needle), "{spec}: {}", out.stderr);
    }
}

#[test]
fn a_links_settings_are_used() {
    let market = MarketParams { seed: 5, n_assets: 20, years: 2.5, ..MarketParams::default() };
    let scenario = Scenario {
        data: DataRef::Synthetic(market),
        strategies: [Preset::Top10EqualMonthly, Preset::Top100CapWeekly].into_iter().map(Strategy::preset).collect(),
        robustness: Some(RobustnessSpec {
            window: WindowLength::ToEnd,
            pair: Some((1, 0)),
            resamples: 150,
            timing: false,
            ..RobustnessSpec::default()
        }),
        ..Scenario::default()
    };
    let link = scenario.to_link().unwrap();
    let doc = run(&["run", "--link", &link, "--robustness"]).json();
    let r = &doc["robustness"];
    assert_eq!(r["spec"]["resamples"], 150);
    assert_eq!(r["pair"], serde_json::json!([1, 0]));
    assert!(r["timing"].is_null());
    assert_eq!(r["start_dates"]["window"], "to_end");
    // The link alone does not run them: the flag asks.
    assert!(run(&["run", "--link", &link]).json().get("robustness").is_none());
}
