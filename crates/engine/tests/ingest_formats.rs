//! One test per supported format, on small hand-made fixtures in
//! tests/data/ingest/good/ (formats the shared real data lacks).

use engine::ingest::{
    asset_id_from_file_name, load, CapSource, DateStyle, ErrorKind, Format, Frequency, IngestError, IngestOptions,
    InputFile, Loaded, RowOrder,
};
use engine::Date;
use std::path::PathBuf;

fn good(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/ingest/good").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("fixture {}: {e}", p.display()))
}

fn load_named(names: &[&str], opts: &IngestOptions) -> Result<Loaded, IngestError> {
    let bytes: Vec<Vec<u8>> = names.iter().map(|n| good(n)).collect();
    let files: Vec<InputFile> = names.iter().zip(&bytes).map(|(n, b)| InputFile::new(*n, b)).collect();
    load(&files, opts)
}

fn load_ok(names: &[&str]) -> Loaded {
    load_named(names, &IngestOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn day(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
}

fn t_of(l: &Loaded, d: &str) -> usize {
    l.panel.dates().iter().position(|&x| x == day(d)).unwrap_or_else(|| panic!("{d} not in panel"))
}

#[test]
fn coinmarketcap_semicolon_bom_newest_first() {
    let l = load_ok(&["Bitcoin_1_1_2024-1_5_2024_historical_data_coinmarketcap.csv"]);
    let f = &l.report.files[0];
    assert_eq!(
        (f.format, f.delimiter, f.row_order, f.rows),
        (Format::CoinMarketCap, Some(';'), RowOrder::Descending, 4)
    );
    assert_eq!(l.panel.assets()[0].id, "bitcoin", "numeric CMC 'name' ids fall back to the file name");
    assert_eq!((l.report.first_date, l.report.last_date), (day("2024-01-01"), day("2024-01-04")));
    let t = t_of(&l, "2024-01-02");
    assert_eq!(l.panel.price(t, 0), 44955.45, "close");
    assert_eq!(l.panel.market_cap(t, 0), 880889034800.47);
    assert_eq!(l.panel.volume(t, 0), 39217300000.0);
    assert_eq!(l.report.assets[0].not_midnight, 0, "timeOpen is the date column");
}

#[test]
fn yahoo_prefers_adj_close_and_treats_null_as_missing() {
    let l = load_ok(&["ETH-USD.csv"]);
    assert_eq!(l.report.files[0].format, Format::Yahoo);
    assert_eq!(l.panel.assets()[0].id, "eth");
    assert_eq!(l.panel.price(1, 0), 16600.0, "Adj Close, not Close");
    let a = &l.report.assets[0];
    assert_eq!((a.rows, a.days, a.price_blank, a.carried_forward), (4, 3, 1, 1));
    assert_eq!(l.panel.price(2, 0), 16600.0, "the null day is carried forward");
    assert_eq!(l.panel.volume(0, 0), 9244361700.0);
    assert_eq!(a.cap_source, CapSource::None);
    assert_eq!(a.frequency, Frequency::Daily);
}

#[test]
fn cryptodatadownload_banner_symbol_and_usd_volume() {
    let l = load_ok(&["Bitstamp_BTCUSD_d.csv"]);
    let f = &l.report.files[0];
    assert_eq!((f.format, f.row_order, f.rows), (Format::CryptoDataDownload, RowOrder::Descending, 3));
    assert_eq!(l.panel.assets()[0].id, "btc", "from the symbol BTC/USD");
    assert_eq!(l.panel.dates(), [day("2021-11-10"), day("2021-11-11"), day("2021-11-12")]);
    assert_eq!(l.panel.price(2, 0), 64155.94);
    assert_eq!(l.panel.volume(2, 0), 133239627.95, "Volume USD, not Volume BTC");
}

#[test]
fn wide_prices_with_a_market_cap_file() {
    let l = load_ok(&["prices.csv", "market-caps.csv"]);
    let formats: Vec<Format> = l.report.files.iter().map(|f| f.format).collect();
    assert_eq!(formats, [Format::WidePrices, Format::WideMarketCaps]);
    let ids: Vec<&str> = l.panel.assets().iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["btc", "eth", "sol"]);
    let sol = l.panel.asset_index("sol").unwrap();
    assert_eq!(l.panel.assets()[sol].first, 2);
    assert!(l.panel.price(1, sol).is_nan(), "before listing");
    assert_eq!(l.panel.price(3, sol), 2.5);
    assert_eq!(l.panel.market_cap(3, sol), 125000000.0);
    assert_eq!(l.panel.market_cap(0, 0), 540000000000.0);
    assert!(l.report.assets.iter().all(|a| a.cap_source == CapSource::Column && a.cap_missing_or_zero == 0));
}

#[test]
fn wide_caps_file_by_override_and_alone_is_an_error() {
    let caps = good("market-caps.csv");
    let prices = good("prices.csv");
    let files = [InputFile::new("p.csv", &prices), InputFile::new("second.csv", &caps)];
    let opts =
        IngestOptions { file_formats: vec![("second.csv".into(), Format::WideMarketCaps)], ..Default::default() };
    let l = load(&files, &opts).unwrap();
    assert_eq!(l.panel.market_cap(0, 0), 540000000000.0);
    // Without the override "second.csv" is another price table of the same assets.
    let e = load(&files, &IngestOptions::default()).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::DuplicateAsset { ref asset, .. } if asset == "btc"), "{e:?}");
    let e = load_named(&["market-caps.csv"], &IngestOptions::default()).unwrap_err();
    assert_eq!((e.kind, e.file.as_deref()), (ErrorKind::NoPriceFile, Some("market-caps.csv")));
}

#[test]
fn wide_prices_with_a_supply_table() {
    let l = load_ok(&["prices.csv", "supply.csv"]);
    assert_eq!(l.report.files[1].format, Format::WideSupply);
    assert_eq!(l.report.files[1].delimiter, Some(';'));
    assert_eq!(l.panel.market_cap(0, 0), 29000.0 * 18500000.0);
    assert!(l.panel.market_cap(1, 0).is_nan(), "no supply that day");
    let btc = &l.report.assets[0];
    assert_eq!((btc.cap_source, btc.cap_missing_or_zero), (CapSource::Supply, 2));
    let sol = &l.report.assets[2];
    assert_eq!((sol.id.as_str(), sol.cap_source, sol.cap_missing_or_zero), ("sol", CapSource::None, 2));
    assert_eq!(l.panel.market_cap(2, 1), 980.0 * 114100000.0);
}

#[test]
fn coingecko_api_json() {
    let l = load_ok(&["bitcoin.json"]);
    assert_eq!(l.report.files[0].format, Format::CoinGeckoJson);
    assert_eq!(l.panel.assets()[0].id, "bitcoin");
    assert_eq!(l.panel.n_days(), 3);
    let a = &l.report.assets[0];
    assert_eq!((a.rows, a.days, a.duplicate_dates, a.not_midnight), (4, 3, 1, 1));
    assert_eq!(l.panel.price(2, 0), 33000.5, "the later point of the same day wins");
    assert_eq!(l.panel.market_cap(2, 0), 613000000000.0);
    assert_eq!(l.panel.volume(2, 0), 78665235202.0, "the day's last non-null volume");
    assert_eq!(l.panel.volume(0, 0), 40730301359.0);
}

#[test]
fn long_with_supply_and_an_extra_column() {
    let l = load_ok(&["universe.csv"]);
    assert_eq!(l.report.files[0].format, Format::LongCsv);
    let ids: Vec<&str> = l.panel.assets().iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["btc", "eth"]);
    assert_eq!(l.panel.market_cap(0, 0), 29000.0 * 18500000.0);
    assert!(l.panel.market_cap(1, 1).is_nan(), "eth has no supply on day 2");
    assert_eq!(l.report.assets[1].cap_missing_or_zero, 1);
    assert_eq!(l.report.assets[0].cap_source, CapSource::Supply);
    let score = l.panel.extra("score").expect("extra column kept");
    assert_eq!(score[0], 0.9);
    assert_eq!(score[3], 0.6, "day 1, eth");
    assert!(score[4].is_nan(), "blank score");
}

#[test]
fn gzip_by_magic_bytes() {
    let plain = load_ok(&["universe.csv"]);
    let gz = load_ok(&["universe-long.csv.gz"]);
    assert!(gz.report.files[0].gzip && !plain.report.files[0].gzip);
    assert_eq!(format!("{:?}", gz.panel), format!("{:?}", plain.panel), "same panel (NaN-aware)");
    let y = load_ok(&["yahoo-compressed.dat"]);
    assert!(y.report.files[0].gzip, "gzip without a .gz name");
    assert_eq!(y.report.files[0].format, Format::Yahoo);
    assert_eq!(y.panel.assets()[0].id, "yahoo-compressed");
    assert_eq!(y.panel.prices(), load_ok(&["ETH-USD.csv"]).panel.prices());
}

#[test]
fn spikes_flagged_and_repaired_by_default_kept_on_request() {
    let keep = IngestOptions { repair_spikes: false, ..Default::default() };
    let l = load_named(&["vee-usd-max.csv"], &keep).unwrap();
    assert_eq!(l.report.files[0].format, Format::CoinGeckoCsv);
    let s = &l.report.assets[0].spikes;
    assert_eq!(s.len(), 1);
    assert_eq!(
        (s[0].date, s[0].price, s[0].before, s[0].after, s[0].repaired),
        (day("2018-01-03"), 390448.46, 0.19, 0.14, false)
    );
    assert_eq!(l.panel.price(2, 0), 390448.46, "kept with repair_spikes off");
    assert!(l.report.warnings.iter().any(|w| w.contains("kept as they are")));
    let r = load_ok(&["vee-usd-max.csv"]);
    assert!(r.report.assets[0].spikes[0].repaired);
    assert_eq!((r.panel.price(2, 0), r.panel.market_cap(2, 0)), (0.19, 1900000.0));
    assert!(r.report.warnings.iter().any(|w| w.contains("repaired")));
    // A higher factor does not flag it.
    let opts = IngestOptions { spike_factor: 1e7, ..Default::default() };
    assert!(load_named(&["vee-usd-max.csv"], &opts).unwrap().report.assets[0].spikes.is_empty());
}

#[test]
fn weekly_and_monthly_frequencies() {
    let w = load_ok(&["weekly.csv"]);
    assert_eq!(w.report.assets[0].frequency, Frequency::Weekly);
    assert_eq!(w.panel.n_days(), 5, "weekly data keeps its own dates");
    let m = load_ok(&["monthly.csv"]);
    assert_eq!(m.report.assets[0].frequency, Frequency::Monthly);
    assert_eq!(m.report.files[0].date_styles, [DateStyle::MonthName]);
    assert_eq!(m.panel.price(1, 0), 2234.5, "quoted thousands separators");
    let both = load_ok(&["weekly.csv", "monthly.csv"]);
    assert!(both.report.warnings.iter().any(|w| w.contains("different sampling frequencies")));
}

#[test]
fn per_coin_asset_column_wins_and_rename() {
    let l = load_ok(&["some-file-name.csv"]);
    assert_eq!(l.report.files[0].format, Format::PerCoinCsv);
    assert_eq!(l.panel.assets()[0].id, "wrapped-thing");
    assert_eq!(l.report.assets[0].cap_missing_or_zero, 1, "cap 0 on the last day");
    let opts = IngestOptions { rename: vec![("some-file-name.csv".into(), "WBTC".into())], ..Default::default() };
    let r = load_named(&["some-file-name.csv"], &opts).unwrap();
    assert_eq!(r.panel.assets()[0].id, "wbtc");
    let opts = IngestOptions { rename: vec![("universe.csv".into(), "x".into())], ..Default::default() };
    let r = load_named(&["universe.csv"], &opts).unwrap();
    assert_eq!(r.panel.n_assets(), 2);
    assert!(r.report.warnings.iter().any(|w| w.contains("rename ignored")));
}

#[test]
fn tab_separated_with_thousands_and_dash() {
    let l = load_ok(&["tab-separated.tsv"]);
    assert_eq!(l.report.files[0].delimiter, Some('\t'));
    assert_eq!(l.panel.price(0, 0), 1234.5);
    assert_eq!(l.panel.market_cap(0, 0), 1000000.0);
    assert!(l.panel.market_cap(1, 0).is_nan());
}

#[test]
fn forced_format_and_duplicate_asset_across_files() {
    let opts = IngestOptions { format: Some(Format::CoinGeckoJson), ..Default::default() };
    let e = load_named(&["ETH-USD.csv"], &opts).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Json { .. }));
    let e = load_named(&["Bitstamp_BTCUSD_d.csv", "prices.csv"], &IngestOptions::default()).unwrap_err();
    assert_eq!(e.file.as_deref(), Some("prices.csv"));
    assert_eq!(e.kind, ErrorKind::DuplicateAsset { asset: "btc".into(), other_file: "Bitstamp_BTCUSD_d.csv".into() });
    assert!(e.to_string().contains("also in Bitstamp_BTCUSD_d.csv"));
}

#[test]
fn mixed_formats_in_one_load() {
    let l = load_ok(&["prices.csv", "bitcoin.json", "weekly.csv"]);
    let ids: Vec<&str> = l.panel.assets().iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["bitcoin", "btc", "eth", "sol", "weekly"], "sorted by id");
    // Jan 1-4 from the daily files, then the weekly dates.
    assert_eq!(l.panel.n_days(), 8);
    let weekly = l.panel.asset_index("weekly").unwrap();
    assert_eq!(l.panel.assets()[weekly].first, 2, "2021-01-03");
    // Universe and ETH-USD both hold eth: an error naming both files.
    let e = load_named(&["universe.csv", "ETH-USD.csv"], &IngestOptions::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::DuplicateAsset { asset: "eth".into(), other_file: "universe.csv".into() });
}

#[test]
fn report_serializes() {
    let l = load_ok(&["bitcoin.json"]);
    let j = serde_json::to_string(&l.report).unwrap();
    assert!(j.contains("\"duplicate_policy\":\"keep_last\""), "{j}");
    assert!(j.contains("\"format\":\"coin_gecko_json\""), "{j}");
    assert!(j.contains("\"first_date\":18628"), "{j}");
}

#[test]
fn asset_ids_from_file_names() {
    for (name, id) in [
        ("btc-usd-max.csv", "btc"),
        ("Uni-usd-max.csv", "uni"),
        ("dir/sub/ETH-USD.csv.gz", "eth"),
        ("bitcoin.json", "bitcoin"),
        ("Bitcoin_1_1_2024-1_5_2024_historical_data_coinmarketcap.csv", "bitcoin"),
        ("avalanche-2.csv", "avalanche-2"),
        ("C:\\data\\sol.csv", "sol"),
    ] {
        assert_eq!(asset_id_from_file_name(name), id, "{name}");
    }
}

#[test]
fn asset_column_with_dropped_rows_and_unbounded_limit() {
    let csv = b"date,price,coin_name\n2021-01-01,1,Foo\n2021-01-02,-1,Foo\n2021-01-03,2,Foo\n";
    let opts = IngestOptions { max_bytes: usize::MAX, ..Default::default() };
    let l = load(&[InputFile::new("file.csv", csv)], &opts).unwrap();
    assert_eq!(l.panel.assets()[0].id, "foo");
    let a = &l.report.assets[0];
    assert_eq!((a.rows, a.days, a.price_invalid, a.carried_forward), (3, 2, 1, 1));
    assert_eq!(l.panel.price(1, 0), 1.0);
    let gz = good("universe-long.csv.gz");
    assert!(load(&[InputFile::new("u.gz", &gz)], &opts).is_ok());
}

#[test]
fn old_coinmarketcap_scrape_with_month_names_and_thousands() {
    let l = load_ok(&["bitcoin-cmc-scrape.csv"]);
    let f = &l.report.files[0];
    assert_eq!((f.format, f.row_order), (Format::PerCoinCsv, RowOrder::Descending));
    assert_eq!(f.date_styles, [DateStyle::MonthName]);
    assert_eq!(l.panel.assets()[0].id, "bitcoin-cmc-scrape");
    assert_eq!(l.panel.dates()[0], day("2017-12-02"));
    assert_eq!(l.panel.price(0, 0), 10975.6, "Close** is the close");
    assert_eq!(l.panel.market_cap(0, 0), 183754000000.0);
    assert_eq!(l.panel.volume(2, 0), 6132410000.0);
}

#[test]
fn line_numbers_count_banner_and_blank_lines() {
    let cdd = b"https://www.CryptoDataDownload.com\nunix,date,symbol,close\n1636675200,2021-11-12,BTC/USD,x\n";
    let e = load(&[InputFile::new("cdd.csv", cdd)], &IngestOptions::default()).unwrap_err();
    assert_eq!((e.line, e.column.as_deref()), (Some(3), Some("close")));
    let blank_first = b"\n\ndate,price\n2021-01-01,1\n2021-01-02,?\n";
    let e = load(&[InputFile::new("b.csv", blank_first)], &IngestOptions::default()).unwrap_err();
    assert_eq!(e.to_string(), "b.csv, line 5, column 'price': found '?', expected a number");
    let crlf = b"date,price\r\n2021-01-01,1\r\n2021-01-02,2\r\n2021-01-03,oops\r\n";
    let e = load(&[InputFile::new("w.csv", crlf)], &IngestOptions::default()).unwrap_err();
    assert_eq!((e.line, e.column.as_deref()), (Some(4), Some("price")));
}

#[test]
fn caps_for_an_asset_without_prices_are_ignored_with_a_warning() {
    let prices = b"date,BTC\n2021-01-01,29000\n2021-01-02,29400\n";
    let caps = b"date,BTC,DOGE\n2021-01-01,540,1\n2021-01-02,547,2\n";
    let files = [InputFile::new("p.csv", prices), InputFile::new("caps.csv", caps)];
    let l = load(&files, &IngestOptions::default()).unwrap();
    assert_eq!(l.panel.n_assets(), 1);
    assert_eq!(l.panel.market_cap(1, 0), 547.0);
    assert_eq!(
        l.report.warnings,
        ["caps.csv: no prices were loaded for doge, so those columns were ignored".to_string()]
    );
}

#[test]
fn pathological_shapes_stay_fast() {
    // One header line of 200,000 columns: refused from the header alone.
    let mut wide = b"date".to_vec();
    for i in 0..200_000 {
        wide.extend_from_slice(format!(",c{i}").as_bytes());
    }
    let t = std::time::Instant::now();
    let e = load(&[InputFile::new("w.csv", &wide)], &IngestOptions::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooManyColumns { found: 200_001, limit: engine::ingest::limits::MAX_COLUMNS });
    // 100,000 rows of one long file, each a new asset on the same day.
    let mut long = b"date,asset,price\n".to_vec();
    for i in 0..100_000 {
        long.extend_from_slice(format!("2021-01-01,a{i},1\n").as_bytes());
    }
    let l = load(&[InputFile::new("l.csv", &long)], &IngestOptions::default()).unwrap();
    assert_eq!((l.panel.n_assets(), l.panel.n_days()), (100_000, 1));
    assert!(t.elapsed().as_secs() < 20, "took {:?}", t.elapsed());
}

#[test]
fn a_panel_too_large_for_memory_is_an_error() {
    // 3,000 assets on 3,000 different days: 9 million cells, 216 MB of fields.
    let mut long = b"date,asset,price\n".to_vec();
    for i in 0..3000 {
        let d = Date(18_000 + i);
        long.extend_from_slice(format!("{d},a{i},1\n").as_bytes());
    }
    // Dense, it is refused.
    let opts = IngestOptions { max_bytes: 100 << 20, compact_above: usize::MAX, ..Default::default() };
    let e = load(&[InputFile::new("l.csv", &long)], &opts).unwrap_err();
    assert_eq!(e.kind, ErrorKind::PanelTooLarge { days: 3000, assets: 3000 });
    assert!(e.to_string().starts_with("3000 days x 3000 assets is too large"), "{e}");
    // Compact (the default for a table this size), it holds 3,000 cells and
    // gets as far as seeing that no two assets share a day.
    let opts = IngestOptions { max_bytes: 100 << 20, ..Default::default() };
    let e = load(&[InputFile::new("l.csv", &long)], &opts).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NoCommonDates);
    // Listed for 1,500 days each, the compact table is 108 MB: refused too.
    let mut long = b"date,asset,price\n".to_vec();
    for i in 0..3000 {
        for d in [Date(18_000 + i), Date(18_000 + i + 1500)] {
            long.extend_from_slice(format!("{d},a{i},1\n").as_bytes());
        }
    }
    let e = load(&[InputFile::new("l.csv", &long)], &opts).unwrap_err();
    assert_eq!(e.kind, ErrorKind::PanelTooLarge { days: 4500, assets: 3000 });
}

#[test]
fn gzipped_json() {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&good("bitcoin.json")).unwrap();
    let gz = enc.finish().unwrap();
    let l = load(&[InputFile::new("bitcoin.json.gz", &gz)], &IngestOptions::default()).unwrap();
    let f = &l.report.files[0];
    assert_eq!((f.format, f.gzip, f.delimiter), (Format::CoinGeckoJson, true, None));
    assert_eq!(l.panel.assets()[0].id, "bitcoin");
    assert_eq!(l.panel.price(2, 0), 33000.5);
}

#[test]
fn options_round_trip_through_json_with_defaults() {
    let o: IngestOptions = serde_json::from_str(r#"{"repair_spikes": true}"#).unwrap();
    assert_eq!(o, IngestOptions { repair_spikes: true, ..Default::default() });
    let o = IngestOptions { format: Some(Format::LongCsv), rename: vec![("a.csv".into(), "b".into())], ..o };
    let back: IngestOptions = serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
    assert_eq!(back, o);
}

fn load_bytes(name: &str, bytes: &[u8], opts: &IngestOptions) -> Result<Loaded, IngestError> {
    load(&[InputFile::new(name, bytes)], opts)
}

#[test]
fn timestamps_with_a_utc_offset_keep_their_written_date() {
    // A daily series stamped at 23:30 local time, two hours ahead of UTC: in
    // UTC every row would fall on the day before, so the dates must be read as written.
    let mut csv = String::from("date,price\n");
    for k in 0..20 {
        let zone = ["+02:00", " -0500", "+0200"][k % 3];
        let sep = if k % 2 == 0 { 'T' } else { ' ' };
        csv.push_str(&format!("2021-03-{:02}{sep}23:30:00{zone},{}\n", k + 1, 100 + k));
    }
    let l = load_bytes("local.csv", csv.as_bytes(), &IngestOptions::default()).unwrap();
    assert_eq!(l.panel.n_days(), 20);
    assert_eq!((l.report.first_date, l.report.last_date), (day("2021-03-01"), day("2021-03-20")));
    let a = &l.report.assets[0];
    assert_eq!((a.days, a.duplicate_dates, a.carried_forward), (20, 0, 0));
    assert_eq!((a.offset_timestamps, a.not_midnight), (20, 20));
    assert_eq!(l.panel.price(t_of(&l, "2021-03-04"), 0), 103.0);
    let w = l.report.warnings.iter().find(|w| w.contains("UTC offset")).expect("an offset warning");
    assert!(w.starts_with("20 rows with a UTC offset"), "{w}");
    assert!(w.ends_with("local (20)"), "{w}");
    // UTC timestamps are not counted.
    let l = load_bytes(
        "utc.csv",
        b"date,price\n2021-03-01T23:30:00Z,1\n2021-03-02T23:30:00+00:00,2\n",
        &IngestOptions::default(),
    )
    .unwrap();
    assert_eq!(l.report.assets[0].offset_timestamps, 0);
    assert!(l.report.warnings.iter().all(|w| !w.contains("UTC offset")), "{:?}", l.report.warnings);
}

#[test]
fn long_gaps_are_carried_forward_and_reported() {
    use engine::ingest::Gap;
    let mut csv = String::from("date,price\n");
    let start = day("2019-01-01").0;
    // Daily from 2019-01-01 to 2019-01-31, nothing until 2019-08-04, then daily for 60 days.
    for d in (start..start + 31).chain(day("2019-08-04").0..day("2019-08-04").0 + 60) {
        csv.push_str(&format!("{},{}\n", Date(d), 1.0 + (d - start) as f64 / 100.0));
    }
    // A short gap of 10 days is not reported.
    csv = csv.replace("2019-08-20,", "x").lines().filter(|l| !l.starts_with('x')).collect::<Vec<_>>().join("\n");
    let l = load_bytes("xyz.csv", csv.as_bytes(), &IngestOptions::default()).unwrap();
    let a = &l.report.assets[0];
    assert_eq!(a.long_gaps, [Gap { from: day("2019-02-01"), to: day("2019-08-03"), days: 184 }]);
    assert_eq!(a.frequency, Frequency::Daily);
    // Still carried forward inside the span.
    let t = t_of(&l, "2019-05-01");
    assert_eq!(l.panel.price(t, 0), l.panel.price(t_of(&l, "2019-01-31"), 0));
    assert_eq!(a.carried_forward, 184 + 1);
    assert!(
        l.report
            .warnings
            .iter()
            .any(|w| w == "xyz: no prices from 2019-02-01 to 2019-08-03 (184 days), carried forward"),
        "{:?}",
        l.report.warnings
    );
    // Prices exactly 30 days apart are not a long gap; 31 days apart are.
    let csv = "date,price\n2019-01-01,1\n2019-01-02,1\n2019-01-03,1\n2019-02-02,2\n2019-02-03,2\n2019-02-04,2\n2019-02-05,2\n";
    let l = load_bytes("ok.csv", csv.as_bytes(), &IngestOptions::default()).unwrap();
    assert!(l.report.assets[0].long_gaps.is_empty());
    let l =
        load_bytes("ok.csv", csv.replace("2019-02-02", "2019-02-06").as_bytes(), &IngestOptions::default()).unwrap();
    assert_eq!(l.report.assets[0].long_gaps, [Gap { from: day("2019-01-04"), to: day("2019-02-02"), days: 30 }]);
    // Monthly data is not flagged for its month-long spacing.
    let l = load_ok(&["monthly.csv"]);
    assert!(l.report.assets.iter().all(|a| a.long_gaps.is_empty()));
}

#[test]
fn dates_with_the_year_last_are_read_day_first_when_they_tell() {
    // 25/12/2021: some first numbers above 12, no second one: day first, detected.
    let mut csv = String::from("date,price\n");
    for d in 1..=31 {
        csv.push_str(&format!("{d:02}/12/2021,{}\n", 100 + d));
    }
    let l = load_bytes("eu.csv", csv.as_bytes(), &IngestOptions::default()).unwrap();
    assert_eq!((l.report.first_date, l.report.last_date, l.panel.n_days()), (day("2021-12-01"), day("2021-12-31"), 31));
    assert_eq!(l.panel.price(t_of(&l, "2021-12-25"), 0), 125.0);
    assert_eq!(l.report.files[0].date_styles, [DateStyle::DayFirst]);
    assert!(
        l.report.warnings.iter().any(|w| w.starts_with("eu.csv: dates were read day first")),
        "{:?}",
        l.report.warnings
    );
    // Dots too, with a time.
    let l = load_bytes("de.csv", b"date;price\n31.01.2021 00:00;1\n01.02.2021 00:00;2\n", &IngestOptions::default())
        .unwrap();
    assert_eq!(l.panel.dates(), [day("2021-01-31"), day("2021-02-01")]);
    // US order is detected the same way and needs no warning.
    let l = load_bytes("us.csv", b"date,price\n12/30/2021,1\n12/31/2021,2\n", &IngestOptions::default()).unwrap();
    assert_eq!(l.panel.dates(), [day("2021-12-30"), day("2021-12-31")]);
    assert_eq!(l.report.files[0].date_styles, [DateStyle::MonthFirst]);
    assert!(l.report.warnings.is_empty(), "{:?}", l.report.warnings);
    // Ambiguous throughout: month first, unless the option says otherwise.
    let amb = b"date,price\n01/02/2021,1\n02/02/2021,2\n";
    let l = load_bytes("amb.csv", amb, &IngestOptions::default()).unwrap();
    assert_eq!(l.report.first_date, day("2021-01-02"));
    let opts = IngestOptions { day_first: Some(true), ..IngestOptions::default() };
    let l = load_bytes("amb.csv", amb, &opts).unwrap();
    assert_eq!(l.panel.dates(), [day("2021-02-01"), day("2021-02-02")]);
    assert!(l.report.warnings.is_empty(), "set, not detected: {:?}", l.report.warnings);
    // Both orders in one column: month first, and the day-first date is an error saying so.
    let mixed = b"date,price\n12/13/2021,1\n25/12/2021,2\n";
    let e = load_bytes("mixed.csv", mixed, &IngestOptions::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::DateOrder { found: "25/12/2021".into(), day_first: true });
    assert_eq!(
        e.to_string(),
        "mixed.csv, line 3, column 'date': 25/12/2021 looks day-first (day/month/year): set the date order to day first"
    );
    let opts = IngestOptions { day_first: Some(true), ..IngestOptions::default() };
    let e = load_bytes("mixed.csv", mixed, &opts).unwrap_err();
    assert_eq!((e.kind, e.line), (ErrorKind::DateOrder { found: "12/13/2021".into(), day_first: false }, Some(2)));
    // Old option JSON without the field still reads.
    let old: IngestOptions = serde_json::from_str(r#"{"repair_spikes": false}"#).unwrap();
    assert_eq!(old.day_first, None);
}

#[test]
fn european_exports_with_decimal_commas() {
    let eu = "Datum;price;market_cap;volume\n\
              27.02.2021;45.123,45;840.000.000.000;1.234,5\n\
              28.02.2021;44.000,125;12,5;\n\
              01.03.2021;46.234;1.234.567;0,7\n";
    let l = load_bytes("eu.csv", eu.replace("Datum", "date").as_bytes(), &IngestOptions::default()).unwrap();
    assert!(l.report.files[0].decimal_comma);
    assert_eq!(l.panel.dates(), [day("2021-02-27"), day("2021-02-28"), day("2021-03-01")]);
    assert_eq!(l.panel.price(0, 0), 45123.45);
    assert_eq!(l.panel.market_cap(0, 0), 840e9);
    assert_eq!(l.panel.volume(0, 0), 1234.5);
    assert_eq!((l.panel.price(1, 0), l.panel.market_cap(1, 0)), (44000.125, 12.5));
    assert_eq!((l.panel.price(2, 0), l.panel.market_cap(2, 0), l.panel.volume(2, 0)), (46234.0, 1_234_567.0, 0.7));
    // CoinMarketCap's ';' export with decimal points is not affected.
    let l = load_ok(&["Bitcoin_1_1_2024-1_5_2024_historical_data_coinmarketcap.csv"]);
    assert!(!l.report.files[0].decimal_comma);
    assert_eq!(l.panel.price(t_of(&l, "2024-01-02"), 0), 44955.45);
    // Nor is a comma file with thousands separators.
    let l = load_ok(&["bitcoin-cmc-scrape.csv"]);
    assert!(!l.report.files[0].decimal_comma);
    // A ';' file mixing decimal points and commas is read with decimal points,
    // and the comma is named in the error.
    let mixed = b"date;price\n2021-03-01;1.5\n2021-03-02;12,5\n";
    let e = load_bytes("mixed.csv", mixed, &IngestOptions::default()).unwrap_err();
    assert_eq!((e.kind.clone(), e.line), (ErrorKind::DecimalComma { found: "12,5".into() }, Some(3)));
    assert!(e.to_string().contains("looks like a decimal comma"), "{e}");
    // In a ',' file a quoted decimal comma gets the same hint.
    let e = load_bytes("c.csv", b"date,price\n2021-03-01,\"1.234,56\"\n", &IngestOptions::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::DecimalComma { found: "1.234,56".into() });
}
