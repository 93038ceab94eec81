//! Bad arguments exit with code 2 and a one-line message naming the problem;
//! data and simulation errors exit with code 1 and the engine's message.

mod common;

use common::{run, scratch};

fn expect_usage(args: &[&str], needles: &[&str]) {
    let out = run(args);
    assert_eq!(out.code, 2, "{args:?}: exit code {} (stderr: {})", out.code, out.stderr);
    assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout, got {}", out.stdout);
    assert_eq!(out.stderr.trim_end().lines().count(), 1, "{args:?}: one line, got {}", out.stderr);
    for n in needles {
        assert!(out.stderr.contains(n), "{args:?}: stderr {:?} lacks {n:?}", out.stderr);
    }
}

#[test]
fn usage_errors_exit_2_with_a_clear_message() {
    expect_usage(&[], &["missing command"]);
    expect_usage(&["simulate"], &["unknown command", "simulate"]);
    expect_usage(&["run", "--synthetic", "--bogus"], &["unknown option '--bogus'"]);
    expect_usage(&["run", "--synthetic", "--preset"], &["'--preset' needs a value"]);
    expect_usage(&["run", "--data", "--synthetic"], &["'--data' needs a value"]);
    expect_usage(&["run", "--preset", "top10-equal-monthly"], &["no data source", "--data", "--synthetic"]);
    expect_usage(&["run", "--data", "/no/such/dir/btc.csv"], &["--data /no/such/dir/btc.csv", "cannot read"]);
    expect_usage(&["run", "--synthetic", "--data", "x.csv"], &["--data and --synthetic"]);
    expect_usage(&["run", "--data", "x.csv", "--seed", "3"], &["--seed", "cannot be used with --data"]);
    expect_usage(&["run", "--seed", "3"], &["--seed", "add --synthetic"]);
    expect_usage(&["run", "--synthetic", "--assets", "1"], &["n_assets must be between 2 and 2000"]);
    expect_usage(&["run", "--synthetic", "--seed", "-4"], &["--seed", "'-4'"]);
    expect_usage(&["run", "--synthetic", "--preset", "top7-magic"], &["--preset 'top7-magic'", "top100-cap-weekly"]);
    expect_usage(&["run", "--synthetic", "--weighting", "bogus"], &["--weighting 'bogus'"]);
    expect_usage(&["run", "--synthetic", "--weighting", "invvol"], &["--weighting 'invvol'", "invvol:90"]);
    expect_usage(&["run", "--synthetic", "--rebalance", "every:0"], &["--rebalance 'every:0'"]);
    expect_usage(&["run", "--synthetic", "--top", "0"], &["--top"]);
    expect_usage(&["run", "--synthetic", "--fee-bps", "lots"], &["--fee-bps", "'lots' is not a number"]);
    expect_usage(&["run", "--synthetic", "--fee-bps", "20000"], &["fee_bps must be between 0 and 10000", "--fee-bps"]);
    expect_usage(&["run", "--synthetic", "--capital", "-5"], &["initial_capital must be above 0", "--capital"]);
    expect_usage(&["run", "--synthetic", "--benchmark", "3"], &["--benchmark '3'", "from 1 to 1"]);
    expect_usage(&["run", "--synthetic", "--format", "xml"], &["--format", "xml"]);
    expect_usage(&["run", "--synthetic", "--from", "2020-02-30"], &["--from", "YYYY-MM-DD"]);
    expect_usage(&["run", "--synthetic", "--from", "2021-01-01", "--to", "2020-01-01"], &["date range is empty"]);
    expect_usage(&["run", "--synthetic", "--top", "5", "--top", "6"], &["--top given twice"]);
    expect_usage(&["run", "--synthetic", "--link", "s.v1.%%%"], &["--link", "damaged"]);
    expect_usage(&["run", "--synthetic", "--link", "hello"], &["--link", "not an IndexLab link"]);
    let other_kind = engine::share::encode("view", &serde_json::json!({"top_n": 3})).unwrap();
    expect_usage(&["run", "--synthetic", "--link", &other_kind], &["--link", "holds 'view', not 's'"]);
    let bad_scenario = engine::share::encode("s", &serde_json::json!({"strategies": 5})).unwrap();
    expect_usage(&["run", "--link", &bad_scenario], &["--link", "cannot be read"]);
    let mut invalid = engine::scenario::Scenario::default();
    invalid.strategies.push(engine::Strategy { initial_capital: -1.0, ..engine::Strategy::default() });
    expect_usage(&["run", "--link", &invalid.to_link().unwrap()], &["--link", "invalid scenario", "strategy 1"]);
}

#[test]
fn strategy_file_errors_exit_2_naming_the_file() {
    let tmp = scratch("badstrategy");
    let write = |name: &str, text: &str| {
        let p = tmp.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let broken = write("broken.json", "{\"weighting\": ");
    expect_usage(&["run", "--synthetic", "--strategy", &broken], &["--strategy", "broken.json", "invalid JSON"]);
    let wrong = write("wrong.json", r#"{"weighting": "quantum"}"#);
    expect_usage(&["run", "--synthetic", "--strategy", &wrong], &["wrong.json", "invalid strategy", "quantum"]);
    let invalid = write("invalid.json", r#"[{"name": "ok"}, {"name": "zero", "universe": {"top_n": 0}}]"#);
    expect_usage(
        &["run", "--synthetic", "--strategy", &invalid],
        &["invalid.json (strategy 2)", "'zero'", "top_n must be at least 1"],
    );
    expect_usage(
        &["run", "--synthetic", "--strategy", "/no/such/strategy.json"],
        &["/no/such/strategy.json", "cannot read"],
    );
    let fine = write("fine.json", r#"[{"name": "A", "weighting": "market_cap"}, {"name": "B"}]"#);
    let doc = run(&["run", "--synthetic", "--years", "1", "--strategy", &fine]).json();
    let names: Vec<&str> = doc["strategies"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["A", "B"], "only the file's strategies: no custom one added");
    std::fs::remove_dir_all(&tmp).ok();
}

#[test]
fn data_and_simulation_errors_exit_1_with_the_engine_message() {
    let tmp = scratch("baddata");
    let csv = tmp.join("coin.csv");
    std::fs::write(&csv, "date,price\n2021-01-01,10\n2021-01-02,ten\n").unwrap();
    let out = run(&["run", "--data", csv.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("coin.csv") && out.stderr.contains("line 3"), "{}", out.stderr);

    // The strategy filters on a column the synthetic market lacks: the engine refuses it.
    let strategy = tmp.join("filter.json");
    std::fs::write(&strategy, r#"{"name": "F", "universe": {"filter": {"column": "score", "op": ">=", "value": 1}}}"#)
        .unwrap();
    let out = run(&[
        "run",
        "--synthetic",
        "--years",
        "1",
        "--strategy",
        strategy.to_str().unwrap(),
        "--preset",
        "bitcoin-buy-and-hold",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("strategy 1 ('F')") && out.stderr.contains("score"), "{}", out.stderr);
    // The other strategy still ran and is reported.
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(doc["strategies"][0]["error"].as_str().unwrap().contains("score"));
    assert!(doc["strategies"][1]["metrics"]["cagr"].is_number());

    let out = run(&["run", "--synthetic", "--years", "1", "--from", "2030-01-01"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("no data between 2030-01-01"), "{}", out.stderr);
    std::fs::remove_dir_all(&tmp).ok();
}

#[test]
fn help_documents_every_option() {
    let out = run(&["--help"]);
    assert_eq!(out.code, 0);
    for flag in [
        "--data",
        "--synthetic",
        "--seed",
        "--assets",
        "--years",
        "--strategy",
        "--preset",
        "--weighting",
        "--rebalance",
        "--top",
        "--fee-bps",
        "--capital",
        "--benchmark",
        "--link",
        "--equity-csv",
        "--trades-csv",
        "--format",
        "--from",
        "--to",
        "--keep-spikes",
        "--day-first",
        "--timings",
        "--name",
        "--volatility",
        "--crash",
        "--correlation",
        "--dispersion",
        "--start",
        "--version",
        "top10-equal-monthly",
        "bitcoin-buy-and-hold",
        "capped:0.3",
        "every:N",
    ] {
        assert!(out.stdout.contains(flag), "--help lacks {flag}");
    }
    assert_eq!(run(&["run", "--help"]).stdout, out.stdout);
}

#[test]
fn day_first_reads_dates_with_the_year_last_as_day_month_year() {
    let tmp = scratch("dayfirst");
    let csv = tmp.join("coin.csv");
    // Every date could be either order: month first unless told otherwise.
    let rows: String = (1..=12).map(|d| format!("{d:02}/02/2021,{}\n", 10 + d)).collect();
    std::fs::write(&csv, format!("date,price\n{rows}")).unwrap();
    let args = ["run", "--data", csv.to_str().unwrap(), "--preset", "bitcoin-buy-and-hold"];
    let doc = run(&args).json();
    assert_eq!(doc["data"]["ingest"]["first_date"], "2021-01-02");
    let doc = run(&[&args[..], &["--day-first"]].concat()).json();
    assert_eq!(doc["data"]["ingest"]["first_date"], "2021-02-01");
    assert_eq!(doc["data"]["ingest"]["last_date"], "2021-02-12");
    std::fs::remove_dir_all(&tmp).ok();
}
