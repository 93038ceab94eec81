//! Writes the starting inputs of the link, bundle and multi-file targets
//! (the CSV and JSON targets start from `crates/engine/tests/data/ingest/`):
//!
//! `cargo run -p fuzzing --example seeds -- fuzz/corpus`
//!
//! Each file goes to `<dir>/<target>/seed-<name>`; libFuzzer then mutates them.

use engine::metrics::MetricId;
use engine::scenario::{ChartView, DataRef, Scenario};
use engine::share::encode_bundle;
use engine::strategy::{Bands, Costs, Impact, Regime, RegimeReference};
use engine::sweep::SweepForm;
use engine::synth::MarketParams;
use engine::{Date, Preset, Schedule, Strategy, Weighting};
use fuzzing::AUTO_FILE_SEPARATOR;
use std::io::Read;
use std::path::Path;

const PRICES: &[u8] = b"date,btc,eth\n2021-01-01,29000,730\n2021-01-02,29400,775\n2021-01-03,32000,980\n";
const CAPS: &[u8] = b"date,btc,eth\n2021-01-01,5.4e11,8.3e10\n2021-01-02,5.5e11,8.8e10\n2021-01-03,5.9e11,1.1e11\n";
const COINGECKO: &[u8] =
    b"snapped_at,price,market_cap,total_volume\n2021-01-01 00:00:00 UTC,29000,540000000000,40000000000\n\
2021-01-02 00:00:00 UTC,29400,547000000000,67000000000\n";

fn scenarios() -> Vec<(&'static str, Scenario)> {
    let presets: Vec<Strategy> = Preset::ALL.into_iter().map(Strategy::preset).collect();
    let tuned = Strategy {
        weighting: Weighting::EqualRiskContribution { lookback: 30 },
        rebalance: Schedule::EveryNDays(10),
        rebalance_offset: 3,
        bands: Some(Bands { absolute: Some(0.05), relative: None }),
        costs: Costs { fee_bps: 25.0, half_spread_bps: 5.0, impact: Some(Impact { k: 0.5, lookback: 20 }) },
        regime: Some(Regime { reference: RegimeReference::Asset("bitcoin".into()), sma_days: 50, cash_fraction: 0.5 }),
        ..Strategy::default()
    };
    let range = Some((Date::from_ymd(2020, 1, 1).expect("date"), Date::from_ymd(2020, 6, 30).expect("date")));
    vec![
        ("default", Scenario::default()),
        ("presets", Scenario { strategies: presets[..3].to_vec(), ..Scenario::default() }),
        (
            "tuned",
            Scenario {
                strategies: vec![tuned, Strategy::preset(Preset::BitcoinBuyAndHold)],
                range,
                initial_capital: 2500.0,
                view: ChartView { log_scale: false, tab: "log".into(), focus: Some(1), ..ChartView::default() },
                data: DataRef::Synthetic(MarketParams { seed: 7, n_assets: 12, ..MarketParams::default() }),
                sweep: Some(SweepForm {
                    base: 0,
                    dims: vec![("top_n".into(), "5, 10".into()), ("fee_bps".into(), "0, 25".into())],
                    metric: MetricId::Sharpe,
                }),
                robustness: None,
            },
        ),
        (
            "files",
            Scenario {
                data: DataRef::Files {
                    names: vec!["prices.csv".into()],
                    fingerprint: "0".repeat(64),
                    keep_spikes: false,
                    files: Vec::new(),
                    format: None,
                    day_first: None,
                    ever_top: None,
                },
                strategies: vec![Strategy::preset(Preset::Top20Capped30Quarterly)],
                ..Scenario::default()
            },
        ),
    ]
}

fn write(dir: &Path, target: &str, name: &str, bytes: &[u8]) {
    let d = dir.join(target);
    std::fs::create_dir_all(&d).expect("create corpus dir");
    std::fs::write(d.join(format!("seed-{name}")), bytes).expect("write seed");
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: seeds <corpus dir>");
    let dir = Path::new(&dir);
    for (name, s) in scenarios() {
        let link = s.to_link().expect("encodes");
        write(dir, "share_link", &format!("{name}.link"), link.as_bytes());
        write(dir, "share_link", &format!("{name}.json"), &serde_json::to_vec(&s).expect("json"));
        let files: &[(&str, &[u8])] = if name == "files" { &[("prices.csv", PRICES)] } else { &[] };
        let bundle = encode_bundle(&s, files).expect("bundle");
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&bundle[..]).read_to_end(&mut plain).expect("gunzip");
        write(dir, "bundle", &format!("{name}.indexlab"), &bundle);
        write(dir, "bundle", &format!("{name}.plain"), &plain);
    }
    let two = [PRICES, AUTO_FILE_SEPARATOR, b"name=market-caps.csv\n", CAPS].concat();
    write(dir, "ingest_auto", "prices-and-caps", &two);
    let three = [COINGECKO, AUTO_FILE_SEPARATOR, b"name=eth.csv\n", COINGECKO, AUTO_FILE_SEPARATOR, PRICES].concat();
    write(dir, "ingest_auto", "three-files", &three);
    for t in ["ingest_wide_market_caps", "ingest_wide_supply"] {
        write(dir, t, "caps", CAPS);
    }
}
