//! The CLI's numbers are `engine::compare`'s (the app's entry point), and share
//! links made with `engine::share::encode("s", ...)` run.

mod common;

use common::{parse_csv, run, scratch};
use engine::compare::{compare, Run};
use engine::metrics::MetricsOptions;
use engine::synth::{generate, MarketParams};
use engine::{Date, Preset, Schedule, Strategy, Weighting};
use serde_json::{json, Value};

fn metrics_json<E: std::fmt::Debug>(runs: &[Result<Run, E>]) -> Vec<Value> {
    runs.iter().map(|r| serde_json::to_value(&r.as_ref().unwrap().metrics).unwrap()).collect()
}

fn cli_metrics(doc: &Value) -> Vec<Value> {
    doc["strategies"].as_array().unwrap().iter().map(|s| s["metrics"].clone()).collect()
}

#[test]
fn synthetic_market_metrics_equal_engine_compare() {
    let tmp = scratch("equality");
    let eq_path = tmp.join("equity.csv");
    let out = run(&[
        "run",
        "--synthetic",
        "--seed",
        "7",
        "--assets",
        "30",
        "--years",
        "2.5",
        "--preset",
        "top10-equal-monthly",
        "--preset",
        "bitcoin-buy-and-hold",
        "--weighting",
        "capped:0.3",
        "--top",
        "20",
        "--rebalance",
        "every:14",
        "--fee-bps",
        "25",
        "--capital",
        "5000",
        "--equity-csv",
        eq_path.to_str().unwrap(),
    ]);
    let doc = out.json();

    let market = MarketParams { seed: 7, n_assets: 30, years: 2.5, ..MarketParams::default() };
    assert_eq!(doc["data"]["market"], serde_json::to_value(&market).unwrap());
    let panel = generate(&market);
    let custom = Strategy {
        weighting: Weighting::CappedMarketCap { max_weight: 0.3 },
        universe: engine::Universe { top_n: Some(20), ..Default::default() },
        rebalance: Schedule::EveryNDays(14),
        ..Strategy::default()
    };
    let mut strategies =
        vec![Strategy::preset(Preset::Top10EqualMonthly), Strategy::preset(Preset::BitcoinBuyAndHold), custom];
    for s in &mut strategies {
        s.costs.fee_bps = 25.0;
        s.initial_capital = 5000.0;
    }
    // Default benchmark: the bitcoin buy-and-hold (index 1).
    let runs = compare(&panel, &strategies, Some(1), &MetricsOptions::default());
    assert_eq!(cli_metrics(&doc), metrics_json(&runs));
    assert_eq!(doc["benchmark"]["index"], 2);
    for (s, r) in doc["strategies"].as_array().unwrap().iter().zip(&runs) {
        let r = r.as_ref().unwrap();
        assert_eq!(s["warnings"], json!(r.sim.warnings));
        assert_eq!(s["trades"].as_u64().unwrap() as usize, r.sim.trades.len());
        assert_eq!(s["initial_capital"], 5000.0);
    }
    // A different benchmark changes the relative metrics, as in the engine.
    let doc2 = run(&[
        "run",
        "--synthetic",
        "--seed",
        "7",
        "--assets",
        "30",
        "--years",
        "2.5",
        "--preset",
        "top10-equal-monthly",
        "--preset",
        "bitcoin-buy-and-hold",
        "--benchmark",
        "1",
    ])
    .json();
    let defaults = [Strategy::preset(Preset::Top10EqualMonthly), Strategy::preset(Preset::BitcoinBuyAndHold)];
    let runs2 = compare(&panel, &defaults, Some(0), &MetricsOptions::default());
    assert_eq!(cli_metrics(&doc2), metrics_json(&runs2));
    assert!(doc2["strategies"][1]["metrics"]["beta"].is_number());

    // The equity CSV holds the engine's curves in currency.
    let eq = parse_csv(&std::fs::read_to_string(&eq_path).unwrap());
    assert_eq!(eq.len() - 1, panel.n_days());
    for (t, row) in eq[1..].iter().enumerate() {
        assert_eq!(row[0], panel.dates()[t].to_string());
        for (j, r) in runs.iter().enumerate() {
            let v: f64 = row[j + 1].parse().unwrap();
            assert_eq!(v, r.as_ref().unwrap().sim.equity[t] * 5000.0);
        }
    }
    std::fs::remove_dir_all(&tmp).ok();
}

#[test]
fn share_link_runs_its_scenario() {
    let market = MarketParams { seed: 3, n_assets: 25, years: 2.0, ..MarketParams::default() };
    let (from, to) = (Date::from_ymd(2018, 6, 1).unwrap(), Date::from_ymd(2019, 6, 30).unwrap());
    let inv = Strategy {
        name: "Inverse vol top 15".into(),
        weighting: Weighting::InverseVolatility { lookback: 60 },
        universe: engine::Universe { top_n: Some(15), ..Default::default() },
        ..Strategy::default()
    };
    let scenario = json!({
        "strategies": [Strategy::preset(Preset::Top20Capped30Quarterly), inv, Strategy::preset(Preset::BitcoinBuyAndHold)],
        "data": { "synthetic": market },
        "range": [from, to],
        "initial_capital": 2500.0,
        "a_field_from_a_newer_app": true,
    });
    let link = engine::share::encode("s", &scenario).unwrap();
    let out = run(&["run", "--link", &format!("https://indexlab.example/#{link}")]);
    let doc = out.json();

    let panel = generate(&market);
    let a = panel.dates().iter().position(|&d| d == from).unwrap();
    let b = panel.dates().iter().position(|&d| d == to).unwrap();
    let panel = panel.slice_days(a, b).unwrap();
    let strategies: Vec<Strategy> = serde_json::from_value::<Vec<Strategy>>(scenario["strategies"].clone())
        .unwrap()
        .into_iter()
        .map(|s| Strategy { initial_capital: 2500.0, ..s })
        .collect();
    let runs = compare(&panel, &strategies, Some(2), &MetricsOptions::default());
    assert_eq!(cli_metrics(&doc), metrics_json(&runs));
    assert_eq!(doc["data"]["simulated"]["first_date"], "2018-06-01");
    assert_eq!(doc["data"]["simulated"]["last_date"], "2019-06-30");
    let names: Vec<&str> = doc["strategies"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names[1], "Inverse vol top 15");
    let fv = doc["strategies"][1]["final_value"].as_f64().unwrap();
    assert_eq!(fv, runs[1].as_ref().unwrap().sim.equity.last().unwrap() * 2500.0);

    // Options override the link: another range and capital.
    let doc = run(&["run", "--link", &link, "--from", "2019-01-01", "--capital", "100"]).json();
    assert_eq!(doc["data"]["simulated"]["first_date"], "2019-01-01");
    assert_eq!(doc["strategies"][0]["initial_capital"], 100.0);
}

#[test]
fn share_link_on_uploaded_data_runs_with_data_files() {
    let scenario = json!({
        "strategies": [Strategy::preset(Preset::BitcoinBuyAndHold)],
        "data": { "files": { "names": ["btc-usd-max.csv"], "fingerprint": "0".repeat(64) } },
    });
    let link = engine::share::encode("s", &scenario).unwrap();
    let out = run(&["run", "--link", &link]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("made on uploaded data") && out.stderr.contains("--data"), "{}", out.stderr);

    let tmp = scratch("linkdata");
    let csv = tmp.join("btc-usd-max.csv");
    std::fs::write(&csv, "snapped_at,price,market_cap,total_volume\n2021-01-01 00:00:00 UTC,100,1000,5\n2021-01-02 00:00:00 UTC,110,1100,5\n2021-01-03 00:00:00 UTC,99,990,5\n").unwrap();
    let doc = run(&["run", "--link", &link, "--data", csv.to_str().unwrap()]).json();
    let total = doc["strategies"][0]["metrics"]["total_return"].as_f64().unwrap();
    assert!((total - (99.0 / 100.0 - 1.0)).abs() < 1e-12, "{total}");
    std::fs::remove_dir_all(&tmp).ok();
}

#[test]
fn a_link_with_a_sweep_runs_every_configuration() {
    let market = MarketParams { seed: 5, n_assets: 30, years: 2.0, ..MarketParams::default() };
    let strategies = [Strategy::preset(Preset::Top10EqualMonthly), Strategy::preset(Preset::Top20Capped30Quarterly)];
    let form = json!({ "base": 1, "dims": [["fee_bps", "0, 50"], ["cap", "20, 40"]], "metric": "calmar" });
    let scenario = json!({
        "strategies": strategies,
        "data": { "synthetic": market },
        "initial_capital": 500.0,
        "sweep": form,
    });
    let link = engine::share::encode("s", &scenario).unwrap();
    let doc = run(&["run", "--link", &link]).json();

    // The same cells as engine::sweep on the base strategy with the link's capital.
    let form: engine::sweep::SweepForm = serde_json::from_value(scenario["sweep"].clone()).unwrap();
    let with_capital: Vec<Strategy> =
        strategies.iter().map(|s| Strategy { initial_capital: 500.0, record_trades: true, ..s.clone() }).collect();
    let spec = form.spec(&with_capital).unwrap();
    let cells = engine::sweep::run_cells(&generate(&market), &spec, 0..4).unwrap();
    let sweep = &doc["sweep"];
    assert_eq!(sweep["base"], strategies[1].name);
    assert_eq!(sweep["metric"], "calmar");
    assert_eq!(sweep["shape"], json!([2, 2]));
    let got: Vec<(String, f64)> = sweep["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap().to_string(), c["value"].as_f64().unwrap()))
        .collect();
    let want: Vec<(String, f64)> =
        cells.iter().enumerate().map(|(i, c)| (spec.strategy_for(i).unwrap().name, *c.as_ref().unwrap())).collect();
    assert_eq!(got, want);
    assert!(got[0].0.contains("0 bp") && got[3].0.contains("40%"), "{got:?}");

    // As a table: one line per configuration.
    let out = run(&["run", "--link", &link, "--format", "table"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains(&format!("Parameter sweep of '{}' by Calmar (4 configurations):", strategies[1].name)));
    assert!(want.iter().all(|(name, _)| out.stdout.contains(name.as_str())));

    // A sweep that names a strategy the link does not have is refused.
    let mut broken = scenario.clone();
    broken["sweep"]["base"] = json!(2);
    let out = run(&["run", "--link", &engine::share::encode("s", &broken).unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("parameter sweep: it varies strategy 3, but there are 2"), "{}", out.stderr);
}
