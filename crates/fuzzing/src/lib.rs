//! # Fuzz target bodies
//!
//! Every function in [`TARGETS`] takes arbitrary bytes, feeds them to one of
//! the engine's parsers (or builds a panel and a strategy from them and runs
//! the simulation), and **panics only when an invariant is broken**: a bad
//! input must give a clean error, a good one a result that satisfies the
//! documented invariants (see [`checks`]).
//!
//! The same bodies run in two places, so the logic exists once:
//! - `fuzz/fuzz_targets/<name>.rs`: one libFuzzer target per entry, run with
//!   `cargo +nightly fuzz run <name>` (see ROBUSTNESS.md);
//! - `tests/replay.rs`: a stable `cargo test` that runs every body over every
//!   file of the committed corpus (`fuzz/corpus/<name>/`) and the minimized
//!   findings (`fuzz/regressions/<name>/`).

pub mod checks;
mod ingest;
mod links;
mod sim;

pub use ingest::{
    ingest_auto, ingest_coingecko_csv, ingest_coingecko_json, ingest_coinmarketcap, ingest_cryptodatadownload,
    ingest_gzip, ingest_long_csv, ingest_per_coin_csv, ingest_wide_market_caps, ingest_wide_prices, ingest_wide_supply,
    ingest_yahoo, AUTO_FILE_SEPARATOR,
};
pub use links::{bundle, share_link};
pub use sim::engine_sim;

/// One fuzz target: its name (the file name under `fuzz/fuzz_targets/` and
/// the corpus directory) and its body.
#[derive(Clone, Copy)]
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]),
    /// What it feeds, in a few words (for ROBUSTNESS.md and failure messages).
    pub about: &'static str,
}

/// Every target, in the order ROBUSTNESS.md lists them.
pub const TARGETS: &[Target] = &[
    Target { name: "ingest_coingecko_csv", run: ingest_coingecko_csv, about: "CSV forced to Format::CoinGeckoCsv" },
    Target { name: "ingest_per_coin_csv", run: ingest_per_coin_csv, about: "CSV forced to Format::PerCoinCsv" },
    Target { name: "ingest_long_csv", run: ingest_long_csv, about: "CSV forced to Format::LongCsv" },
    Target { name: "ingest_wide_prices", run: ingest_wide_prices, about: "CSV forced to Format::WidePrices" },
    Target {
        name: "ingest_wide_market_caps",
        run: ingest_wide_market_caps,
        about: "CSV forced to Format::WideMarketCaps, with a price file",
    },
    Target {
        name: "ingest_wide_supply",
        run: ingest_wide_supply,
        about: "CSV forced to Format::WideSupply, with a price file",
    },
    Target { name: "ingest_coinmarketcap", run: ingest_coinmarketcap, about: "CSV forced to Format::CoinMarketCap" },
    Target { name: "ingest_yahoo", run: ingest_yahoo, about: "CSV forced to Format::Yahoo" },
    Target {
        name: "ingest_cryptodatadownload",
        run: ingest_cryptodatadownload,
        about: "CSV forced to Format::CryptoDataDownload",
    },
    Target { name: "ingest_coingecko_json", run: ingest_coingecko_json, about: "JSON forced to Format::CoinGeckoJson" },
    Target { name: "ingest_gzip", run: ingest_gzip, about: "gzip input: raw streams, and gzip(x) must load like x" },
    Target { name: "ingest_auto", run: ingest_auto, about: "format detection over 1-4 named files" },
    Target { name: "share_link", run: share_link, about: "Scenario::from_link on raw text and on packed JSON" },
    Target { name: "bundle", run: bundle, about: "decode_bundle on raw bytes and on gzip-packed containers" },
    Target { name: "engine_sim", run: engine_sim, about: "simulate + compare on arbitrary panels and strategies" },
];

/// The target called `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}
