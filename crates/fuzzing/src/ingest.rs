//! Targets for `engine::ingest`: one per forced format, gzip input, and
//! auto-detection over several named files.

use crate::checks::{ingest_error_is_clean, ingest_options, load_checked};
use engine::ingest::{load, Format, IngestOptions, InputFile};
use engine::share::fingerprint;
use std::io::Write;

/// Loads `data` as one file forced to `format`.
fn forced(data: &[u8], name: &str, format: Format) {
    let opts = IngestOptions { format: Some(format), ..ingest_options(data) };
    let _ = load_checked(&[InputFile::new(name, data)], &opts);
}

/// A small price file loaded next to a forced market-cap or supply table, so
/// the table's values reach the panel assembly (a table alone is refused).
const PRICES: &[u8] = b"date,btc,eth,sol\n2021-01-01,29000,730,1.5\n2021-01-02,29400,775,1.8\n\
2021-01-03,32000,980,2.1\n2021-01-04,33000,1040,2.4\n";

/// Loads `data` forced to `format` together with [`PRICES`].
fn forced_with_prices(data: &[u8], name: &str, format: Format) {
    let opts = IngestOptions {
        file_formats: vec![("prices.csv".into(), Format::WidePrices), (name.into(), format)],
        ..ingest_options(data)
    };
    let _ = load_checked(&[InputFile::new("prices.csv", PRICES), InputFile::new(name, data)], &opts);
    // Alone it must still fail cleanly (or load, for a price column it found).
    forced(data, name, format);
}

pub fn ingest_coingecko_csv(data: &[u8]) {
    forced(data, "btc-usd-max.csv", Format::CoinGeckoCsv);
}

pub fn ingest_per_coin_csv(data: &[u8]) {
    forced(data, "some-coin.csv", Format::PerCoinCsv);
}

pub fn ingest_long_csv(data: &[u8]) {
    forced(data, "universe.csv", Format::LongCsv);
}

pub fn ingest_wide_prices(data: &[u8]) {
    forced(data, "prices.csv", Format::WidePrices);
}

pub fn ingest_wide_market_caps(data: &[u8]) {
    forced_with_prices(data, "market-caps.csv", Format::WideMarketCaps);
}

pub fn ingest_wide_supply(data: &[u8]) {
    forced_with_prices(data, "supply.csv", Format::WideSupply);
}

pub fn ingest_coinmarketcap(data: &[u8]) {
    forced(data, "Bitcoin_1_1_2024-1_5_2024_historical_data_coinmarketcap.csv", Format::CoinMarketCap);
}

pub fn ingest_yahoo(data: &[u8]) {
    forced(data, "ETH-USD.csv", Format::Yahoo);
}

pub fn ingest_cryptodatadownload(data: &[u8]) {
    forced(data, "Bitstamp_BTCUSD_d.csv", Format::CryptoDataDownload);
}

pub fn ingest_coingecko_json(data: &[u8]) {
    forced(data, "bitcoin.json", Format::CoinGeckoJson);
}

/// gzip-compresses `data` as one member.
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).expect("writing to a Vec");
    gz.finish().expect("writing to a Vec")
}

/// gzip input. Input that starts with the gzip magic is loaded as it is (the
/// fuzzer mutates compressed streams). Any other input `x` is compressed, and
/// then `gzip(x)`, `gzip(x)` split into two members and `x` itself must give
/// the same panel (same fingerprint) or the same error message; a cut-off
/// `gzip(x)` and a too-small size limit must fail cleanly.
pub fn ingest_gzip(data: &[u8]) {
    let opts = ingest_options(data);
    let name = "coin.csv.gz";
    if data.starts_with(&[0x1f, 0x8b]) {
        let _ = load_checked(&[InputFile::new(name, data)], &opts);
        return;
    }
    let plain = load_checked(&[InputFile::new(name, data)], &opts);
    let packed = gzip(data);
    let cut = data.len() / 2;
    let mut two_members = gzip(&data[..cut]);
    two_members.extend_from_slice(&gzip(&data[cut..]));
    for (what, bytes) in [("gzip", &packed), ("two gzip members", &two_members)] {
        let got = load(&[InputFile::new(name, bytes)], &opts);
        match (&plain, &got) {
            (Ok(a), Ok(b)) => {
                assert_eq!(fingerprint(&a.panel), fingerprint(&b.panel), "{what}: another panel than the plain file");
                assert!(b.report.files[0].gzip, "{what}: report says not gzip");
                assert_eq!(a.report.warnings, b.report.warnings, "{what}: other warnings");
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{what}: another error"),
            (a, b) => panic!("{what}: plain {:?} but compressed {:?}", a.as_ref().err(), b.as_ref().err()),
        }
    }
    // Truncated: the gzip trailer (CRC, size) or more is missing.
    let truncated = &packed[..packed.len() - 1 - (data.len() % 8).min(packed.len() - 1)];
    match load(&[InputFile::new(name, truncated)], &opts) {
        Ok(_) => panic!("a truncated gzip stream loaded"),
        Err(e) => ingest_error_is_clean(&e),
    }
    // A limit below the decompressed size.
    if data.len() > 2 {
        let small = IngestOptions { max_bytes: data.len() - 1, ..opts };
        match load(&[InputFile::new(name, &packed)], &small) {
            Ok(_) => panic!("{} bytes loaded under a limit of {}", data.len(), data.len() - 1),
            Err(e) => ingest_error_is_clean(&e),
        }
    }
}

/// Separates files in an `ingest_auto` input.
pub const AUTO_FILE_SEPARATOR: &[u8] = b"\n%%\n";

/// File names for `ingest_auto` parts without a `name=` line: names matter for
/// detection (wide caps/supply tables, CMC exports) and default asset ids.
const AUTO_NAMES: [&str; 4] = ["btc-usd-max.csv", "market-caps.csv", "ETH-USD.csv", "supply.csv"];

/// Auto-detection over up to four files: the input is split at
/// [`AUTO_FILE_SEPARATOR`]; a part whose first line is `name=<file name>`
/// gets that name, others a name from a fixed list.
pub fn ingest_auto(data: &[u8]) {
    let mut files = Vec::new();
    let mut rest = data;
    while files.len() < 4 {
        let (part, next) = match find(rest, AUTO_FILE_SEPARATOR) {
            Some(i) if files.len() < 3 => (&rest[..i], Some(&rest[i + AUTO_FILE_SEPARATOR.len()..])),
            _ => (rest, None),
        };
        let (name, bytes) = match part.strip_prefix(b"name=") {
            Some(named) => {
                let end = named.iter().position(|&b| b == b'\n').unwrap_or(named.len());
                let name = String::from_utf8_lossy(&named[..end]).into_owned();
                (name, &named[(end + 1).min(named.len())..])
            }
            None => (AUTO_NAMES[files.len()].to_string(), part),
        };
        files.push(InputFile::new(name, bytes));
        match next {
            Some(n) => rest = n,
            None => break,
        }
    }
    let _ = load_checked(&files, &ingest_options(data));
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
