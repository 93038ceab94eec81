//! The CLI on real CoinGecko data (`../shared/data`, or `$INDEXLAB_DATA`).

mod common;

use common::{data_dir, data_file, parse_csv, run, scratch};
use serde_json::Value;

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// First and last price of a CoinGecko export (`snapped_at,price,...`).
fn first_last_price(path: &std::path::Path) -> (f64, f64) {
    let text = std::fs::read_to_string(path).unwrap();
    let prices: Vec<f64> = text.lines().skip(1).map(|l| l.split(',').nth(1).unwrap().parse().unwrap()).collect();
    (prices[0], prices[prices.len() - 1])
}

#[test]
fn nineteen_coingecko_exports_top10_and_bitcoin() {
    let dir = data_dir().join("coingecko-exports-19");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 19, "expected the 19 CSV exports in {}", dir.display());
    let tmp = scratch("exports19");
    let (eq_path, tr_path) = (tmp.join("equity.csv"), tmp.join("trades.csv"));

    let mut args: Vec<String> = vec!["run".into(), "--data".into()];
    args.extend(files.iter().map(|p| p.display().to_string()));
    args.extend(
        [
            "--preset",
            "top10-equal-monthly",
            "--preset",
            "bitcoin-buy-and-hold",
            "--equity-csv",
            eq_path.to_str().unwrap(),
            "--trades-csv",
            tr_path.to_str().unwrap(),
        ]
        .map(String::from),
    );
    let out = run(&args);
    let doc = out.json();

    // Ingest summary: all 19 files, CoinGecko format.
    let ingest = &doc["data"]["ingest"];
    assert_eq!(doc["data"]["source"], "files");
    assert_eq!(ingest["files"].as_array().unwrap().len(), 19);
    assert!(ingest["files"].as_array().unwrap().iter().all(|f| f["format"] == "coin_gecko_csv"));
    assert_eq!(ingest["n_assets"], 19);
    assert_eq!(ingest["first_date"], "2013-04-28");
    assert_eq!(ingest["last_date"], "2022-09-14");
    let n_days = doc["data"]["simulated"]["n_days"].as_u64().unwrap() as usize;

    let strategies = doc["strategies"].as_array().unwrap();
    assert_eq!(strategies.len(), 2);
    // Default benchmark: the bitcoin buy-and-hold.
    assert_eq!(doc["benchmark"]["index"], 2);
    for s in strategies {
        let m = &s["metrics"];
        assert!(f(&m["cagr"]).is_finite(), "{}: cagr {}", s["name"], m["cagr"]);
        let dd = f(&m["max_drawdown"]);
        assert!(dd > -1.0 && dd < 0.0, "{}: max drawdown {dd}", s["name"]);
        assert!(s["trades"].as_u64().unwrap() > 0);
        assert_eq!(m["observations"].as_u64().unwrap() as usize, n_days);
    }
    let (top10, btc) = (&strategies[0], &strategies[1]);
    assert_eq!(top10["name"], "Top 10, equal-weighted, monthly");
    assert!(top10["trades"].as_u64().unwrap() > 100, "monthly rebalancing over 9 years trades a lot");
    assert!(top10["metrics"]["beta"].is_number() && btc["metrics"]["beta"].is_null());

    // Bitcoin buy and hold: total return is the price ratio; the only cost is
    // the entry fee (10 bp charged on top of the amount invested).
    let (p0, p1) = first_last_price(&data_file("coingecko-exports-19/btc-usd-max.csv"));
    let total = f(&btc["metrics"]["total_return"]);
    assert!((total - (p1 / p0 - 1.0)).abs() < 1e-9, "total return {total} vs price ratio {}", p1 / p0 - 1.0);
    assert_eq!(btc["trades"], 1);
    let entry_fee = 1.0 - 1.0 / 1.001;
    assert!((f(&btc["metrics"]["fees_total"]) - entry_fee).abs() < 1e-12);
    let final_value = f(&btc["final_value"]);
    let expected = 10_000.0 * (p1 / p0) * (1.0 - entry_fee);
    assert!((final_value / expected - 1.0).abs() < 1e-9, "final value {final_value} vs {expected}");

    // Equity CSV: one row per date, increasing, currency units.
    let eq = parse_csv(&std::fs::read_to_string(&eq_path).unwrap());
    assert_eq!(eq[0], ["date", "Top 10, equal-weighted, monthly", "Bitcoin only, buy and hold"]);
    assert_eq!(eq.len() - 1, n_days);
    assert_eq!(eq[1][0], "2013-04-28");
    assert_eq!(eq[n_days][0], "2022-09-14");
    assert!(eq[1..].windows(2).all(|w| w[0][0] < w[1][0]), "dates strictly increasing");
    let last_btc: f64 = eq[n_days][2].parse().unwrap();
    assert!((last_btc - final_value).abs() < 1e-6 * final_value);
    let first_top10: f64 = eq[1][1].parse().unwrap();
    assert!((first_top10 - 10_000.0 / 1.001).abs() < 1e-6);

    // Trades CSV: one row per trade, the bitcoin purchase of the whole capital.
    let tr = parse_csv(&std::fs::read_to_string(&tr_path).unwrap());
    assert_eq!(tr[0], ["date", "strategy", "asset", "side", "units", "price", "value", "fee", "reason"]);
    let n_trades = (top10["trades"].as_u64().unwrap() + 1) as usize;
    assert_eq!(tr.len() - 1, n_trades);
    let buy = tr.iter().find(|r| r[1] == "Bitcoin only, buy and hold").unwrap();
    assert_eq!(
        (buy[0].as_str(), buy[2].as_str(), buy[3].as_str(), buy[8].as_str()),
        ("2013-04-28", "btc", "buy", "rebalance")
    );
    let (units, price, value, fee): (f64, f64, f64, f64) =
        (buy[4].parse().unwrap(), buy[5].parse().unwrap(), buy[6].parse().unwrap(), buy[7].parse().unwrap());
    assert_eq!(price, p0);
    assert!((units * price - value).abs() < 1e-6 && (value + fee - 10_000.0).abs() < 1e-6);
    std::fs::remove_dir_all(&tmp).ok();
}

#[test]
fn top150_long_gzip_top100_cap_weekly() {
    let path = data_file("coingecko-top150-2017-2021.csv.gz");
    let out = run(&["run", "--data", path.to_str().unwrap(), "--preset", "top100-cap-weekly"]);
    let doc = out.json();
    let ingest = &doc["data"]["ingest"];
    assert_eq!(ingest["files"][0]["gzip"], true);
    assert_eq!(ingest["files"][0]["format"], "long_csv");
    assert!(ingest["n_assets"].as_u64().unwrap() > 700);
    assert_eq!(doc["benchmark"], Value::Null, "no single-asset strategy, so no default benchmark");
    let m = &doc["strategies"][0]["metrics"];
    let cagr = f(&m["cagr"]);
    assert!(cagr.is_finite() && cagr > -0.9 && cagr < 10.0, "CAGR {cagr}");
    let holdings = f(&m["avg_holdings"]);
    assert!(holdings > 95.0 && holdings <= 100.0, "avg holdings {holdings}");
    let dd = f(&m["max_drawdown"]);
    assert!(dd > -1.0 && dd < -0.3, "2018 crash drawdown {dd}");
    assert!(f(&m["turnover_annual"]) > 0.0 && f(&m["fees_total"]) > 0.0);
    assert_eq!(m["start"], serde_json::json!(engine::Date::from_ymd(2017, 1, 1).unwrap()));
    // Load warnings reach stderr, one line each; spikes are repaired by default.
    let spikes = out.stderr.lines().find(|l| l.contains("spikes")).unwrap_or_else(|| panic!("{}", out.stderr));
    assert!(spikes.starts_with("warning: ") && spikes.contains("repaired"), "{spikes}");
    let pegged: Vec<&str> = ingest["pegged"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert!(pegged.contains(&"tether") && pegged.contains(&"wrapped-bitcoin"), "{pegged:?}");
    assert!(out.stderr.contains("look pegged"), "{}", out.stderr);
}

/// From 2018 the defaults give sane numbers; --keep-spikes gives the
/// garbage a one-day x2,000,000 print makes (and says so on stderr).
#[test]
fn top150_from_2018_spikes_repaired_unless_kept() {
    let path = data_file("coingecko-top150-2017-2021.csv.gz");
    let args = ["run", "--data", path.to_str().unwrap(), "--preset", "top100-cap-weekly", "--from", "2018-01-01"];
    let vol = |out: &common::Output| f(&out.json()["strategies"][0]["metrics"]["volatility"]);
    let repaired = run(&args);
    assert!(vol(&repaired) < 2.0, "volatility {}", vol(&repaired));
    let kept = run(&[&args[..], &["--keep-spikes"]].concat());
    assert!(vol(&kept) > 100.0, "volatility {}", vol(&kept));
    assert!(kept.stderr.contains("kept as they are"), "{}", kept.stderr);
}

#[test]
fn table_format_on_real_data() {
    let btc = data_file("coingecko-exports-19/btc-usd-max.csv");
    let eth = data_file("coingecko-exports-19/eth-usd-max.csv");
    let args = ["run", "--data", btc.to_str().unwrap(), eth.to_str().unwrap(), "--preset", "bitcoin-buy-and-hold"];
    let json = run(&args).json();
    let table = run(&[&args[..], &["--format", "table"]].concat());
    assert_eq!(table.code, 0, "{}", table.stderr);
    let total = f(&json["strategies"][0]["metrics"]["total_return"]);
    let line = table.stdout.lines().find(|l| l.starts_with("Total return")).expect("a total return row");
    assert!(line.ends_with(&format!("{:.2}%", total * 100.0)), "{line}");
    assert!(table.stdout.starts_with("Data: 2 file(s), 2013-04-28 to 2022-09-14"));
    // Aligned: every metric row ends at the same column as the header.
    let lines: Vec<&str> =
        table.stdout.lines().skip_while(|l| !l.starts_with("Metric")).take_while(|l| !l.is_empty()).collect();
    assert!(lines.len() > 20);
    assert!(lines.iter().all(|l| l.chars().count() == lines[0].chars().count()), "{lines:#?}");
}

/// `--ever-top K` on the 797-coin file: far fewer coins are loaded, the
/// stderr report says how many, and a Top 20 universe (K leaves room for
/// the stablecoins it excludes) gives exactly the numbers of the whole file.
#[test]
fn top150_ever_in_the_top_60_keeps_a_top_20_index_unchanged() {
    let path = data_file("coingecko-top150-2017-2021.csv.gz");
    let base =
        ["run", "--data", path.to_str().unwrap(), "--preset", "top20-capped30-quarterly", "--from", "2018-01-01"];
    let all = run(&base);
    let all_doc = all.json();
    let mut args: Vec<&str> = base.to_vec();
    args.extend(["--ever-top", "60"]);
    let top = run(&args);
    let top_doc = top.json();
    let n_all = all_doc["data"]["ingest"]["n_assets"].as_u64().unwrap();
    let n_top = top_doc["data"]["ingest"]["n_assets"].as_u64().unwrap();
    assert!(n_top < n_all / 2, "{n_top} of {n_all} coins kept");
    assert!(
        top.stderr.contains(&format!("Only the {n_top} of {n_all} coins that were ever in the top 60 by market cap")),
        "{}",
        top.stderr
    );
    assert_eq!(all_doc["strategies"], top_doc["strategies"]);
    // A bad K is a usage error that names the flag.
    let bad = run(&["run", "--data", path.to_str().unwrap(), "--ever-top", "0"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("--ever-top"), "{}", bad.stderr);
}
