//! Tests on the real data in the shared data directory (never copied into the
//! repository): `../../../shared/data` from this crate, or `$INDEXLAB_DATA`.
//! A missing directory fails the tests with a clear message; CI has it.

use engine::ingest::{load, AssetReport, Format, IngestOptions, InputFile, Loaded, RowOrder};
use engine::Date;
mod real_data;
use real_data::{data_dir, read_dir};

fn load_all(files: &[(String, Vec<u8>)]) -> Loaded {
    let inputs: Vec<InputFile> = files.iter().map(|(n, b)| InputFile::new(n.clone(), b)).collect();
    load(&inputs, &IngestOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// Whether every warning is the line naming pegged tokens and copies (the
/// stablecoins and wrapped coins of these files).
fn only_pegged(warnings: &[String]) -> bool {
    warnings.iter().all(|w| w.contains("look pegged"))
}

fn day(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
}

fn sum(l: &Loaded, f: fn(&AssetReport) -> usize) -> usize {
    l.report.assets.iter().map(f).sum()
}

/// (file, asset id, first date, last date, rows, days carried forward,
/// days with blank or zero cap, timestamps not at midnight, spikes), loaded singly.
type Expect = (&'static str, &'static str, &'static str, &'static str, usize, usize, usize, usize, usize);

const EXPORTS_19: [Expect; 19] = [
    ("Uni-usd-max.csv", "uni", "2020-09-17", "2022-09-10", 724, 0, 0, 0, 0),
    ("ada-usd-max.csv", "ada", "2017-10-18", "2022-09-14", 1793, 0, 0, 2, 0),
    ("bch-usd-max.csv", "bch", "2017-08-02", "2022-09-10", 1866, 0, 0, 2, 0),
    ("bnb-usd-max.csv", "bnb", "2017-09-16", "2022-09-14", 1823, 2, 0, 2, 0),
    ("btc-usd-max.csv", "btc", "2013-04-28", "2022-09-14", 3425, 2, 1, 4, 0),
    ("busd-usd-max.csv", "busd", "2019-09-21", "2022-09-10", 1086, 0, 209, 0, 0),
    ("dai-usd-max.csv", "dai", "2019-11-19", "2022-09-14", 1031, 0, 0, 0, 0),
    ("doge-usd-max.csv", "doge", "2013-12-15", "2022-09-10", 3189, 3, 1, 2, 0),
    ("dot-usd-max.csv", "dot", "2020-08-19", "2022-09-14", 757, 0, 4, 0, 0),
    ("eos-usd-max.csv", "eos", "2017-07-09", "2022-09-10", 1890, 0, 0, 2, 0),
    ("eth-usd-max.csv", "eth", "2015-08-07", "2022-09-14", 2595, 1, 2, 2, 0),
    ("link-usd-max.csv", "link", "2017-11-09", "2022-09-10", 1767, 0, 0, 2, 0),
    ("ltc-usd-max.csv", "ltc", "2013-04-28", "2022-09-10", 3421, 2, 1, 2, 0),
    ("matic-usd-max.csv", "matic", "2019-04-27", "2022-09-14", 1237, 0, 0, 0, 0),
    ("sol-usd-max.csv", "sol", "2020-04-11", "2022-09-14", 887, 0, 0, 0, 0),
    ("trx-usd-max.csv", "trx", "2017-11-09", "2022-09-10", 1767, 0, 0, 2, 0),
    ("usdc-usd-max.csv", "usdc", "2018-10-05", "2022-09-14", 1441, 0, 18, 0, 0),
    ("usdt-usd-max.csv", "usdt", "2015-02-25", "2022-09-14", 2736, 23, 0, 2, 0),
    ("xrp-usd-max.csv", "xrp", "2013-08-04", "2022-09-14", 3324, 5, 0, 2, 0),
];

const TOP_50: [Expect; 50] = [
    ("algorand.csv", "algorand", "2019-06-21", "2023-05-25", 1435, 0, 1, 0, 0),
    ("apecoin.csv", "apecoin", "2022-03-17", "2023-05-25", 435, 0, 0, 0, 0),
    ("avalanche-2.csv", "avalanche-2", "2020-09-22", "2023-05-25", 976, 0, 0, 0, 0),
    ("axie-infinity.csv", "axie-infinity", "2020-11-04", "2023-05-25", 933, 0, 0, 0, 0),
    ("binance-usd.csv", "binance-usd", "2019-09-21", "2023-05-25", 1343, 0, 209, 0, 0),
    ("binancecoin.csv", "binancecoin", "2017-09-16", "2023-05-25", 2076, 2, 0, 2, 0),
    ("bitcoin-cash.csv", "bitcoin-cash", "2017-08-02", "2023-05-25", 2123, 0, 0, 2, 0),
    ("bitcoin.csv", "bitcoin", "2015-01-01", "2023-05-25", 3066, 1, 1, 4, 0),
    ("cardano.csv", "cardano", "2017-10-18", "2023-05-25", 2046, 0, 0, 2, 0),
    ("chain-2.csv", "chain-2", "2022-03-15", "2023-05-25", 437, 0, 28, 0, 0),
    ("chainlink.csv", "chainlink", "2017-11-09", "2023-05-25", 2024, 0, 0, 2, 0),
    ("chiliz.csv", "chiliz", "2019-07-02", "2023-05-25", 1424, 0, 0, 0, 0),
    ("cosmos.csv", "cosmos", "2019-02-24", "2023-05-25", 1552, 0, 20, 0, 0),
    ("crypto-com-chain.csv", "crypto-com-chain", "2019-01-02", "2023-05-25", 1605, 0, 74, 0, 0),
    ("dai.csv", "dai", "2019-11-19", "2023-05-25", 1284, 0, 0, 0, 0),
    ("decentraland.csv", "decentraland", "2017-10-28", "2023-05-25", 2034, 2, 0, 2, 0),
    ("dogecoin.csv", "dogecoin", "2015-01-01", "2023-05-25", 3066, 1, 1, 2, 0),
    ("eos.csv", "eos", "2017-07-09", "2023-05-25", 2147, 0, 0, 2, 0),
    ("ethereum-classic.csv", "ethereum-classic", "2016-07-24", "2023-05-25", 2497, 0, 1, 2, 0),
    ("ethereum.csv", "ethereum", "2015-08-07", "2023-05-25", 2848, 1, 2, 2, 0),
    ("filecoin.csv", "filecoin", "2020-10-15", "2023-05-25", 953, 0, 0, 0, 0),
    ("flow.csv", "flow", "2021-01-27", "2023-05-25", 849, 0, 0, 0, 0),
    ("frax.csv", "frax", "2020-12-21", "2023-05-25", 886, 0, 0, 0, 0),
    ("ftx-token.csv", "ftx-token", "2019-07-30", "2023-05-25", 1396, 0, 203, 0, 0),
    ("hedera-hashgraph.csv", "hedera-hashgraph", "2019-09-18", "2023-05-25", 1346, 0, 1, 0, 0),
    ("internet-computer.csv", "internet-computer", "2021-05-10", "2023-05-25", 746, 0, 12, 0, 0),
    ("leo-token.csv", "leo-token", "2019-05-21", "2023-05-25", 1466, 0, 2, 0, 0),
    ("lido-dao.csv", "lido-dao", "2021-01-05", "2023-05-25", 871, 0, 0, 0, 0),
    ("litecoin.csv", "litecoin", "2015-01-01", "2023-05-25", 3066, 1, 1, 2, 0),
    ("matic-network.csv", "matic-network", "2019-04-27", "2023-05-25", 1490, 0, 0, 0, 0),
    ("monero.csv", "monero", "2015-01-01", "2023-05-25", 3065, 2, 1, 2, 0),
    ("near.csv", "near", "2020-10-14", "2023-05-25", 954, 0, 40, 0, 0),
    ("okb.csv", "okb", "2018-06-07", "2023-05-25", 1814, 0, 14, 0, 0),
    ("polkadot.csv", "polkadot", "2020-08-19", "2023-05-25", 1010, 0, 4, 0, 0),
    ("quant-network.csv", "quant-network", "2018-06-30", "2023-05-25", 1791, 0, 73, 0, 0),
    ("ripple.csv", "ripple", "2015-01-01", "2023-05-25", 3067, 0, 0, 2, 0),
    ("shiba-inu.csv", "shiba-inu", "2020-08-01", "2023-05-25", 1014, 14, 274, 0, 0),
    ("solana.csv", "solana", "2020-04-11", "2023-05-25", 1140, 0, 0, 0, 0),
    ("staked-ether.csv", "staked-ether", "2020-12-22", "2023-05-25", 885, 0, 2, 0, 0),
    ("stellar.csv", "stellar", "2015-01-01", "2023-05-25", 3061, 6, 0, 2, 0),
    ("terra-luna.csv", "terra-luna", "2019-05-08", "2023-05-25", 1479, 0, 227, 0, 0),
    ("tether.csv", "tether", "2015-02-25", "2023-05-25", 2989, 23, 0, 2, 0),
    ("tezos.csv", "tezos", "2018-07-03", "2023-05-25", 1788, 0, 2, 0, 0),
    ("the-sandbox.csv", "the-sandbox", "2020-08-14", "2023-05-25", 1015, 0, 3, 0, 0),
    ("theta-token.csv", "theta-token", "2018-01-24", "2023-05-25", 1948, 0, 0, 2, 0),
    ("tron.csv", "tron", "2017-11-09", "2023-05-25", 2024, 0, 0, 2, 0),
    ("uniswap.csv", "uniswap", "2020-09-17", "2023-05-25", 981, 0, 0, 0, 0),
    ("usd-coin.csv", "usd-coin", "2018-10-05", "2023-05-25", 1694, 0, 18, 0, 0),
    ("vechain.csv", "vechain", "2018-07-27", "2023-05-25", 1764, 0, 0, 0, 0),
    ("wrapped-bitcoin.csv", "wrapped-bitcoin", "2019-02-01", "2023-05-25", 1575, 0, 580, 0, 0),
];

fn check_singly(sub: &str, expected: &[Expect], format: Format) {
    let files = read_dir(sub);
    assert_eq!(files.len(), expected.len(), "{sub}: number of files");
    for ((name, bytes), e) in files.iter().zip(expected) {
        assert_eq!(name, e.0);
        let l = load(&[InputFile::new(name.clone(), bytes)], &IngestOptions::default())
            .unwrap_or_else(|err| panic!("{err}"));
        let f = &l.report.files[0];
        assert_eq!((f.format, f.row_order, f.rows), (format, RowOrder::Ascending, e.4), "{name}");
        let a = &l.report.assets[0];
        let got = (
            a.id.as_str(),
            a.first_date,
            a.last_date,
            a.rows,
            a.carried_forward,
            a.cap_missing_or_zero,
            a.not_midnight,
            a.spikes.len(),
        );
        assert_eq!(got, (e.1, day(e.2), day(e.3), e.4, e.5, e.6, e.7, e.8), "{name}");
        // Daily data: every day of the span is in the panel.
        assert_eq!(l.panel.n_days() as i32, day(e.3).0 - day(e.2).0 + 1, "{name}");
        assert_eq!(a.days + a.carried_forward, l.panel.n_days(), "{name}");
        assert_eq!((a.duplicate_dates, a.price_blank, a.price_invalid), (0, 0, 0), "{name}");
        assert!(only_pegged(&l.report.warnings), "{name}: {:?}", l.report.warnings);
    }
}

#[test]
fn coingecko_exports_each_file() {
    check_singly("coingecko-exports-19", &EXPORTS_19, Format::CoinGeckoCsv);
}

#[test]
fn coingecko_exports_all_19() {
    let l = load_all(&read_dir("coingecko-exports-19"));
    let r = &l.report;
    assert_eq!((r.n_assets, r.n_days, r.first_date, r.last_date), (19, 3427, day("2013-04-28"), day("2022-09-14")));
    let ids: Vec<&str> = l.panel.assets().iter().map(|a| a.id.as_str()).collect();
    let mut expected: Vec<&str> = EXPORTS_19.iter().map(|e| e.1).collect();
    expected.sort();
    assert_eq!(ids, expected);
    assert_eq!((sum(&l, |a| a.rows), sum(&l, |a| a.days)), (36759, 36759));
    assert_eq!(sum(&l, |a| a.carried_forward), 38);
    assert_eq!(sum(&l, |a| a.cap_missing_or_zero), 236);
    assert_eq!(sum(&l, |a| a.not_midnight), 26);
    assert!(only_pegged(&r.warnings), "{:?}", r.warnings);
    // Stablecoins listed to the end, btc from the first day.
    let btc = l.panel.asset_index("btc").unwrap();
    assert_eq!(l.panel.price(0, btc), 135.3);
    assert_eq!(l.panel.market_cap(0, btc), 1500517590.0);
    let uni = l.panel.asset_index("uni").unwrap();
    assert!(l.panel.assets()[uni].delisted(l.panel.n_days()), "uni's export ends on 2022-09-10");
}

#[test]
fn coingecko_top50_each_file() {
    check_singly("coingecko-top50-2023", &TOP_50, Format::PerCoinCsv);
}

#[test]
fn coingecko_top50_all_50() {
    let l = load_all(&read_dir("coingecko-top50-2023"));
    let r = &l.report;
    assert_eq!((r.n_assets, r.n_days, r.first_date, r.last_date), (50, 3067, day("2015-01-01"), day("2023-05-25")));
    assert_eq!((sum(&l, |a| a.rows), sum(&l, |a| a.days)), (83478, 83478));
    assert_eq!(sum(&l, |a| a.carried_forward), 53);
    assert_eq!(sum(&l, |a| a.cap_missing_or_zero), 1794);
    assert_eq!(sum(&l, |a| a.not_midnight), 36);
    assert!(only_pegged(&r.warnings), "{:?}", r.warnings);
    // Mixed `2017-08-02 00:00:00.000` / `2017-08-02` dates are one style.
    assert!(r.files.iter().all(|f| f.date_styles.len() == 1));
    let ftx = r.assets.iter().find(|a| a.id == "ftx-token").unwrap();
    assert_eq!(ftx.cap_missing_or_zero, 203, "cap 0 after the collapse");
    let ftx_i = l.panel.asset_index("ftx-token").unwrap();
    assert!(l.panel.market_cap(l.panel.n_days() - 1, ftx_i).is_nan());
    assert!(l.panel.price(l.panel.n_days() - 1, ftx_i) > 0.0);
}

#[test]
fn top150_long_gz() {
    let path = data_dir().join("coingecko-top150-2017-2021.csv.gz");
    let gz = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let l = load(&[InputFile::new("coingecko-top150-2017-2021.csv.gz", &gz)], &IngestOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let r = &l.report;
    let f = &r.files[0];
    assert_eq!((f.format, f.gzip, f.rows, f.assets), (Format::LongCsv, true, 716_638, 797));
    assert_eq!((r.n_assets, r.n_days, r.first_date, r.last_date), (797, 1777, day("2017-01-01"), day("2021-11-12")));
    assert_eq!(sum(&l, |a| a.rows), 716_638);
    // 23 prices below 1e-12 per unit are data errors (neon-exchange at 8.9e-46 for 14 days, ...).
    assert_eq!(sum(&l, |a| a.days), 716_613);
    assert_eq!(sum(&l, |a| a.price_implausible), 23);
    let neon = r.assets.iter().find(|a| a.id == "neon-exchange").unwrap();
    assert_eq!((neon.price_implausible, neon.implausible_prices[0].date), (14, day("2021-08-09")));
    assert!(r.warnings.iter().any(|w| w.starts_with("23 rows with an implausible price")), "{:?}", r.warnings);
    assert_eq!(sum(&l, |a| a.price_blank), 2, "infinitecoin and phore on 2017-11-13");
    assert_eq!(sum(&l, |a| a.duplicate_dates), 0);
    assert_eq!(sum(&l, |a| a.carried_forward), 5715, "5693 + 22 implausible prices inside spans");
    assert_eq!(sum(&l, |a| a.cap_missing_or_zero), 38495, "two of the dropped days had no cap");
    // 55 with repair off; a print next to a repaired one is no spike of its own.
    // (53 and 58 before implausible prices were dropped: some were one-day prints.)
    assert_eq!(sum(&l, |a| a.spikes.len()), 51);
    assert!(l.panel.volumes().iter().all(|v| v.is_nan()), "no volume column");
    // The known bad print: blockv 0.19 -> 390,448 -> 0.14.
    let blockv = r.assets.iter().find(|a| a.id == "blockv").unwrap();
    assert_eq!(blockv.spikes.len(), 1);
    assert_eq!(blockv.spikes[0].date, day("2018-01-16"));
    assert!(blockv.spikes[0].price > 390_000.0 && blockv.spikes[0].repaired, "repaired by default");
    let btc = l.panel.asset_index("bitcoin").unwrap();
    assert_eq!(l.panel.assets()[btc].carried_forward, 0);
    assert_eq!((l.panel.assets()[btc].first, l.panel.assets()[btc].last), (0, 1776));
    let b = l.panel.asset_index("blockv").unwrap();
    let t = l.panel.dates().iter().position(|&d| d == day("2018-01-16")).unwrap();
    assert_eq!(l.panel.price(t, b), l.panel.price(t - 1, b), "repaired with the previous day's price");
    assert!(r.warnings.iter().any(|w| w.contains("spikes") && w.contains("repaired")), "{:?}", r.warnings);

    let opts = IngestOptions { repair_spikes: false, ..Default::default() };
    let kept = load(&[InputFile::new("top150.csv.gz", &gz)], &opts).unwrap();
    assert!(kept.panel.price(t, b) > 390_000.0, "kept on request");
    assert!(kept.report.assets.iter().flat_map(|a| &a.spikes).all(|s| !s.repaired));
    assert_eq!(kept.report.assets.iter().map(|a| a.spikes.len()).sum::<usize>(), 55);
}
