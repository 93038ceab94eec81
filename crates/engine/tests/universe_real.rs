//! Clean universes on the real data in the shared data directory: the
//! detection of pegged tokens and copies, the default exclusions, and the
//! default spike repair, checked on what a user would load.

use engine::compare::compare;
use engine::exclusions::{groups, resolve, Reason};
use engine::ingest::{load, IngestOptions, InputFile, Loaded};
use engine::metrics::MetricsOptions;
use engine::pegged::PegKind;
use engine::{simulate, Date, Preset, Strategy};
use std::collections::BTreeSet;
mod real_data;
use real_data::{data_dir, read_dir};

fn load_files(files: &[(String, Vec<u8>)]) -> Loaded {
    let inputs: Vec<InputFile> = files.iter().map(|(n, b)| InputFile::new(n.clone(), b)).collect();
    load(&inputs, &IngestOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn flagged(l: &Loaded) -> Vec<(String, Option<String>)> {
    l.report
        .pegged
        .iter()
        .map(|p| {
            let of = match &p.kind {
                PegKind::Copy { of, .. } => Some(of.clone()),
                PegKind::Pegged { .. } => None,
            };
            (p.id.clone(), of)
        })
        .collect()
}

#[test]
fn top50_2023_flags_stablecoins_and_copies_and_no_ordinary_coin() {
    let l = load_files(&read_dir("coingecko-top50-2023"));
    let got = flagged(&l);
    let expect = [
        ("binance-usd", None),
        ("dai", None),
        ("frax", None),
        ("staked-ether", Some("ethereum")),
        ("tether", None),
        ("usd-coin", None),
        ("wrapped-bitcoin", Some("bitcoin")),
    ];
    let expect: Vec<(String, Option<String>)> =
        expect.iter().map(|(a, b)| (a.to_string(), b.map(str::to_string))).collect();
    assert_eq!(got, expect, "{:#?}", l.report.pegged);
    assert_eq!(l.panel.pegged(), l.report.pegged.as_slice());
    let wbtc = l.report.pegged.iter().find(|p| p.id == "wrapped-bitcoin").unwrap();
    let text = wbtc.to_string();
    assert!(text.starts_with("wrapped-bitcoin tracks bitcoin: ratio 1.00"), "{text}");
    assert!(wbtc.share > 0.98, "{text}");
    let steth = l.report.pegged.iter().find(|p| p.id == "staked-ether").unwrap();
    assert!(matches!(steth.kind, PegKind::Copy { ratio, .. } if (0.98..1.0).contains(&ratio)), "{steth}");
    for ordinary in [
        "bitcoin",
        "ethereum",
        "solana",
        "binancecoin",
        "ripple",
        "cardano",
        "dogecoin",
        "leo-token",
        "okb",
        "lido-dao",
    ] {
        assert!(!got.iter().any(|(id, _)| id == ordinary), "{ordinary} flagged");
    }
    assert!(l.report.warnings.iter().any(|w| w.contains("look pegged")), "{:?}", l.report.warnings);
}

/// The 2023 top 50 and the 19 exports together: the same coins twice under
/// two names (bitcoin and btc), stablecoins under ids and under symbols.
/// Top 100 by cap, weekly, with the default exclusions holds none of them.
#[test]
fn a_top_100_on_two_real_sources_holds_no_stablecoin_and_no_copy() {
    let mut files = read_dir("coingecko-top50-2023");
    files.extend(read_dir("coingecko-exports-19"));
    let inputs: Vec<InputFile> = files.iter().map(|(n, b)| InputFile::new(n.clone(), b)).collect();
    // `dai` and `eos` are in both sources under the same id: the exports' get another.
    let rename = ["dai", "eos"].map(|id| (format!("{id}-usd-max.csv"), format!("{id}-export"))).to_vec();
    let opts = IngestOptions { rename, ..Default::default() };
    let l = load(&inputs, &opts).unwrap_or_else(|e| panic!("{e}"));
    let p = &l.panel;
    let s = Strategy::preset(Preset::Top100CapWeekly);
    let reasons = resolve(p, &s.universe.exclude, &s.universe.include);
    let excluded: BTreeSet<&str> =
        p.assets().iter().zip(&reasons).filter(|(_, r)| r.is_some()).map(|(a, _)| a.id.as_str()).collect();
    for id in [
        "tether",
        "usdt",
        "usd-coin",
        "usdc",
        "dai",
        "dai-export",
        "binance-usd",
        "busd",
        "frax",
        "wrapped-bitcoin",
        "staked-ether",
    ] {
        assert!(excluded.contains(id), "{id} not excluded: {excluded:?}");
    }
    // Each coin loaded twice (btc and bitcoin, eth and ethereum, ...) is held once.
    for (a, b) in
        [("btc", "bitcoin"), ("eth", "ethereum"), ("ada", "cardano"), ("doge", "dogecoin"), ("eos-export", "eos")]
    {
        assert!(excluded.contains(a) != excluded.contains(b), "exactly one of {a} and {b} is excluded");
    }
    for ordinary in ["ethereum", "solana", "lido-dao", "leo-token", "okb"] {
        assert!(!excluded.contains(ordinary) || ordinary == "ethereum", "{ordinary} excluded");
    }
    let r = simulate(p, &s).unwrap();
    let held: BTreeSet<&str> =
        r.segments.iter().flat_map(|seg| seg.units.iter().map(|&(a, _)| p.assets()[a].id.as_str())).collect();
    assert!(held.len() > 20, "{held:?}");
    assert!(held.is_disjoint(&excluded), "held excluded assets: {:?}", held.intersection(&excluded));
    // Every asset the list names is excluded for its group.
    let listed = groups().iter().find(|g| g.key == "stablecoins").unwrap();
    for (info, reason) in p.assets().iter().zip(&reasons) {
        if listed.matches(&info.id) {
            assert_eq!(reason, &Some(Reason::Group("stablecoins")), "{}", info.id);
        }
    }
}

#[test]
fn include_anyway_brings_a_flagged_asset_back() {
    let l = load_files(&read_dir("coingecko-top50-2023"));
    let mut s = Strategy::preset(Preset::Top10EqualMonthly);
    s.universe.exclude = vec!["@detected".into()];
    let base = simulate(&l.panel, &s).unwrap();
    let wbtc = l.panel.asset_index("wrapped-bitcoin").unwrap();
    let holds = |r: &engine::SimResult| r.segments.iter().any(|seg| seg.units.iter().any(|&(a, _)| a == wbtc));
    assert!(!holds(&base));
    s.universe.include = vec!["Wrapped-Bitcoin".into()];
    let with = simulate(&l.panel, &s).unwrap();
    assert!(holds(&with), "included anyway");
    assert_ne!(base.equity, with.equity);
    // An id written out in exclude wins over include.
    s.universe.exclude.push("wrapped-bitcoin".into());
    assert!(!holds(&simulate(&l.panel, &s).unwrap()));
}

/// The preset on the 797-coin file from 2018-01-01, with nothing changed:
/// the one-day x2,000,000 print of blockv is repaired by default, so the
/// numbers are sane (44,162% volatility and -99.99% drawdown without it).
#[test]
fn top150_from_2018_gives_sane_numbers_by_default() {
    let path = data_dir().join("coingecko-top150-2017-2021.csv.gz");
    let gz = std::fs::read(&path).unwrap();
    let l = load(&[InputFile::new("coingecko-top150-2017-2021.csv.gz", &gz)], &IngestOptions::default()).unwrap();
    let from = l.panel.dates().partition_point(|&d| d < Date::from_ymd(2018, 1, 1).unwrap());
    let p = l.panel.slice_days(from, l.panel.n_days() - 1).unwrap();
    assert_eq!(p.pegged(), l.panel.pegged(), "flags survive the cut");
    let runs = compare(&p, &[Strategy::preset(Preset::Top100CapWeekly)], None, &MetricsOptions::default());
    let m = &runs[0].as_ref().unwrap().metrics;
    let vol = m.volatility.unwrap();
    assert!(vol > 0.5 && vol < 2.0, "volatility {vol}");
    assert!(m.max_drawdown > -0.95, "max drawdown {}", m.max_drawdown);
    // What the detection names there.
    let ids: Vec<&str> = l.report.pegged.iter().map(|p| p.id.as_str()).collect();
    for id in ["tether", "usd-coin", "dai", "wrapped-bitcoin"] {
        assert!(ids.contains(&id), "{id} not flagged: {ids:?}");
    }
    for id in ["bitcoin", "ethereum", "binancecoin", "cardano", "ripple", "litecoin"] {
        assert!(!ids.contains(&id), "{id} flagged: {ids:?}");
    }
}
