//! Data ingest: the bytes of price files in, a validated [`Panel`] and a
//! [`Report`] out.
//!
//! The library never touches the file system: the browser app and the CLI read
//! files and pass their bytes as [`InputFile`]s to [`load`].
//!
//! ```
//! use engine::ingest::{load, Format, IngestOptions, InputFile};
//!
//! let btc = b"snapped_at,price,market_cap,total_volume\n\
//!             2021-01-01 00:00:00 UTC,29000,540000000000,40000000000\n\
//!             2021-01-02 00:00:00 UTC,29400,547000000000,67000000000\n\
//!             2021-01-04 00:00:00 UTC,33000,614000000000,78000000000\n";
//! let loaded = load(&[InputFile::new("btc-usd-max.csv", btc)], &IngestOptions::default()).unwrap();
//! assert_eq!(loaded.panel.assets()[0].id, "btc");
//! assert_eq!(loaded.report.files[0].format, Format::CoinGeckoCsv);
//! // Daily data with 2021-01-03 missing: the day is carried forward, and reported.
//! assert_eq!(loaded.panel.n_days(), 4);
//! assert_eq!(loaded.panel.price(2, 0), 29400.0);
//! assert_eq!(loaded.report.assets[0].carried_forward, 1);
//!
//! let bad = b"date,price\n2021-01-01,abc\n";
//! let err = load(&[InputFile::new("x.csv", bad)], &IngestOptions::default()).unwrap_err();
//! assert_eq!(err.to_string(), "x.csv, line 2, column 'price': found 'abc', expected a number");
//! ```
//!
//! # Formats (auto-detected per file; override with [`IngestOptions::format`] or
//! [`IngestOptions::file_formats`])
//! - [`Format::CoinGeckoCsv`]: CoinGecko's "download CSV" export,
//!   `snapped_at,price,market_cap,total_volume`, one file per coin.
//! - [`Format::PerCoinCsv`]: any other one-coin file with a date and a price column
//!   (for example `date,price,total_volume,market_cap,coin_name`).
//! - [`Format::LongCsv`]: `date,asset,price` plus any of `market_cap`, `volume`,
//!   `supply` and extra numeric columns (kept as [`Extra`]s by name).
//! - [`Format::WidePrices`], [`Format::WideMarketCaps`], [`Format::WideSupply`]:
//!   `date` then one column per asset. A wide file whose name contains `cap` holds
//!   market caps, `supply` circulating supply; otherwise prices.
//! - [`Format::CoinMarketCap`]: CMC's historical export (`;`-separated,
//!   `timeOpen;...;close;volume;marketCap;timestamp`, often with a UTF-8 BOM).
//! - [`Format::Yahoo`]: `Date,Open,High,Low,Close,Adj Close,Volume` (Adj Close preferred).
//! - [`Format::CryptoDataDownload`]: a URL banner line, then
//!   `unix,date,symbol,open,high,low,close,Volume <SYM>,Volume USD`, newest first.
//! - [`Format::CoinGeckoJson`]: the CoinGecko API's `market_chart` JSON.
//!
//! Any of these may be gzip-compressed (recognised by the gzip magic bytes,
//! whatever the file name); the decompressed size is bounded by
//! [`IngestOptions::max_bytes`].
//!
//! # Conventions
//! - **Headers** match case-insensitively, ignoring spaces and punctuation
//!   (`Adj Close` = `adj_close`). Preferred columns: date `snapped_at` > `date` >
//!   `timeOpen` > `timestamp` > `time` > `unix`; price `price` > `adj close` > `close`;
//!   volume `total_volume` > `volume usd` > `volume`.
//! - **Delimiter**: `,`, `;` or tab, whichever occurs most in the header line.
//! - **Dates**: `2021-03-15`, with an optional time and zone (`2021-03-15 00:00:00 UTC`,
//!   `2021-03-15T00:00:00.000Z`, `+02:00`), `2021/03/15`, `Mar 15, 2021`, dates with the
//!   year last (`03/15/2021`, `15.03.2021`, see below), Unix seconds or
//!   milliseconds (values >= 1e11 are milliseconds). A time is snapped to its day:
//!   a UTC time (`Z`, `UTC`, no zone) to its UTC day; a time with a UTC offset
//!   (`2021-03-04T23:30:00+02:00`, `2021-03-04 23:30:00 -0500`) to the calendar date
//!   as written, its local date, so a daily series stamped in local time keeps one
//!   row per day. Timestamps not at exactly midnight are counted, as are rows with a
//!   non-zero offset (`offset_timestamps`, with a warning).
//! - **Date order** of dates with the year last ([`IngestOptions::day_first`], CLI
//!   `--day-first`): when not set, detected per file from its date column: day first
//!   (`25/12/2021`, style [`DateStyle::DayFirst`], with a warning) if some date's first
//!   number is above 12 and no date's second number is; otherwise month first
//!   (`12/25/2021`, [`DateStyle::MonthFirst`]), the default when every date could be
//!   either. A date that is impossible in the order used but valid in the other
//!   is an error saying so ([`ErrorKind::DateOrder`]).
//! - **Numbers**: plain or with thousands separators (`1,234,567.8`); blank, `-`,
//!   `null`, `n/a` mean missing. Text in a number column is an error with its position.
//!   A `;`-separated file whose numeric fields (in its first 200 rows) include some
//!   that only read with a decimal comma (`1.234,56`, `12,5`, `0,123`) and none that
//!   only read with a decimal point (`44955.45`, `1,234.56`) is read with decimal
//!   commas (`,` decimal mark, `.` between groups of three digits; reported as
//!   [`FileReport::decimal_comma`]). Elsewhere a number field like `12,5` is an
//!   error that says it looks like a decimal comma ([`ErrorKind::DecimalComma`]).
//! - **Asset ids**: lowercase. From an asset column (`asset`, `coin_name`, `symbol`,
//!   `name`, ...; a pair `BTC/USD` gives `btc`; numeric ids are ignored) if the file has
//!   one, otherwise from the file name ([`asset_id_from_file_name`]: `btc-usd-max.csv`
//!   -> `btc`). [`IngestOptions::rename`] renames a one-asset file's asset.
//! - **Rows without a usable price** (blank, zero, negative, `NaN`, infinite) are
//!   dropped and counted in the report; the day then becomes a gap.
//! - **Duplicate dates** (same asset, same day): the row that comes last in the
//!   file is kept ([`DuplicatePolicy::KeepLast`]), the others are counted, separately
//!   as identical repeats and as rows whose price differs from the kept one; up to
//!   10 of those are listed with both prices, and a warning names them
//!   (`bitcoin on 2021-03-04: 100 and 900 (kept 900, the last row)`).
//! - **Market caps** of 0 (CoinGecko's "unknown") are stored as `NaN`, as are blanks;
//!   with a supply column or table, a missing cap is price x supply.
//! - **Calendar**: the union of all days with a row of prices (including rows whose
//!   price was dropped); when its median spacing is one day (daily data), every day
//!   from the first to the last. Each asset is carried forward inside its own
//!   first..last span by [`Panel::new`] (counted per asset as `carried_forward`).
//! - **Long gaps**: in daily or weekly data, the days without a price between two
//!   prices more than [`limits::LONG_GAP_DAYS`] (30) days apart are
//!   carried forward like any gap (the asset stays listed through it) but listed in
//!   the asset's report ([`AssetReport::long_gaps`]: first and last day without a
//!   price, and how many days) and named in a warning
//!   (`xyz: no prices from 2019-02-01 to 2019-08-03 (184 days), carried forward`).
//! - **Assets** are sorted by id.
//! - **Implausible prices** are data errors, dropped like rows without a usable
//!   price (the day is carried forward inside the asset's span) and listed per
//!   asset with date and value ([`AssetReport::implausible_prices`], and a warning):
//!   above [`limits::MAX_PRICE`] (1e12) or below [`limits::MIN_PRICE`] (1e-12) per
//!   unit, and prices on the far side of a one-day move by more than
//!   [`limits::MAX_JUMP`] (1e6x) that does not revert (the longest stretch without
//!   such a move is trusted; a one-day move that reverts is a spike, below). A file
//!   whose every price is implausible fails to load ([`ErrorKind::ImplausiblePrices`]).
//! - **Spikes**: a price more than `spike_factor` times both its neighbours (or less
//!   than 1/`spike_factor` of both) is flagged; with `repair_spikes` (the default) it
//!   is replaced by the previous day's price and cap.
//! - **Pegged tokens and copies**: stablecoins and wrapped, bridged or staked copies of
//!   another asset are flagged from their prices ([`crate::pegged`]); the flags travel
//!   with the panel ([`Panel::pegged`]) and the report, with their evidence.
//!
//! # Errors and the report
//! A load fails with an [`IngestError`] (file, line, column, value found, what was
//! expected; see [`ErrorKind`]) for unreadable input: empty or header-only files,
//! files that are not text but a spreadsheet, zip archive, image or PDF (recognised
//! by their first bytes, [`Binary`]), headers of more than [`limits::MAX_COLUMNS`]
//! columns (refused before any row is read), text in a number column, impossible dates, ragged rows, broken gzip or JSON, the
//! same asset in two files, no usable price at all, or assets never listed at the
//! same time. Everything else loads and is described in the [`Report`]: per file the
//! format, delimiter, row order, date styles and decimal mark; per asset its source,
//! span, rows, carried-forward days, long gaps, missing caps, duplicates (identical or
//! disagreeing), dropped and implausible prices, timestamps not at midnight or with a
//! UTC offset, frequency and spikes; plus plain-language warnings.

mod assemble;
mod csvfile;
mod error;
mod json;
pub mod limits;
mod parse;
mod quality;
mod report;
mod table;
pub mod top_filter;

pub use error::{Binary, ErrorKind, Expected, IngestError};
pub use parse::DateStyle;
pub use report::{
    AssetReport, CapSource, DuplicateConflict, DuplicatePolicy, FileReport, Frequency, Gap, Implausibility,
    Implausible, Report, RowOrder, Spike,
};

use crate::panel::Panel;
use assemble::assemble;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use table::{FileData, Role};

/// The file formats the loader understands. See the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    CoinGeckoCsv,
    PerCoinCsv,
    LongCsv,
    WidePrices,
    WideMarketCaps,
    WideSupply,
    CoinMarketCap,
    Yahoo,
    CryptoDataDownload,
    CoinGeckoJson,
}

impl Format {
    /// Every format with a short name for people (for a manual override).
    pub const ALL: [(Format, &'static str); 10] = [
        (Format::CoinGeckoCsv, "CoinGecko CSV export"),
        (Format::PerCoinCsv, "One coin per file, other columns"),
        (Format::LongCsv, "Long CSV (date, asset, price, ...)"),
        (Format::WidePrices, "Wide CSV of prices"),
        (Format::WideMarketCaps, "Wide CSV of market caps"),
        (Format::WideSupply, "Wide CSV of supplies"),
        (Format::CoinMarketCap, "CoinMarketCap export"),
        (Format::Yahoo, "Yahoo Finance"),
        (Format::CryptoDataDownload, "CryptoDataDownload"),
        (Format::CoinGeckoJson, "CoinGecko API JSON"),
    ];
}

/// One file's name and bytes (possibly gzip-compressed).
#[derive(Clone, Debug)]
pub struct InputFile<'a> {
    /// The file name (used for messages, the default asset id and wide-file roles).
    pub name: String,
    pub bytes: &'a [u8],
}

impl<'a> InputFile<'a> {
    pub fn new(name: impl Into<String>, bytes: &'a [u8]) -> InputFile<'a> {
        InputFile { name: name.into(), bytes }
    }
}

/// How to load. `IngestOptions::default()` auto-detects everything. Serializable
/// (missing fields take their defaults) so the app can keep it with a session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IngestOptions {
    /// Format of every file; `None` detects each file's format.
    pub format: Option<Format>,
    /// Per-file format overrides `(file name, format)`; they win over `format`.
    pub file_formats: Vec<(String, Format)>,
    /// `(file name, asset id)`: the asset of that one-asset file gets this id.
    pub rename: Vec<(String, String)>,
    /// Replace flagged spikes by the previous day's price and cap (default
    /// true: a one-day x2,000,000 print turns every volatility into garbage).
    pub repair_spikes: bool,
    /// A one-day move by more than this factor that reverts the next day is a spike (default 20).
    pub spike_factor: f64,
    /// Largest accepted size of one file, after decompression (default 1 GiB).
    pub max_bytes: usize,
    /// How dates with the year last (`03/04/2021`) are read: `Some(true)` day
    /// first (day/month/year), `Some(false)` month first, `None` (the default)
    /// detects it per file (see the module docs).
    pub day_first: Option<bool>,
    /// Load only the coins that were ever in the top K by market cap
    /// ([`top_filter`]); `None` (the default) loads every coin.
    pub ever_top: Option<usize>,
    /// A panel whose dense day x asset table would take more than this many
    /// bytes is stored compact ([`crate::panel::Layout::Spans`]: each asset's
    /// listed days only) when that is smaller (default 128 MiB).
    /// The numbers are the same either way; only memory and speed differ.
    pub compact_above: usize,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            format: None,
            file_formats: Vec::new(),
            rename: Vec::new(),
            repair_spikes: true,
            spike_factor: 20.0,
            max_bytes: 1 << 30,
            day_first: None,
            ever_top: None,
            compact_above: 128 << 20,
        }
    }
}

/// A loaded data set.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    pub panel: Panel,
    pub report: Report,
}

/// The default asset id of a file: its name without directories, `.gz` and the
/// extension (up to 4 letters or digits after the last dot), lowercased; a CoinGecko `-usd-max` or Yahoo `-usd` suffix is removed,
/// and a CoinMarketCap export name (`Bitcoin_1_1_2024-..._historical_data_coinmarketcap`)
/// keeps its first part. `btc-usd-max.csv` -> `btc`, `BTC-USD.csv.gz` -> `btc`.
pub fn asset_id_from_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let mut s = base.to_lowercase();
    if let Some(x) = s.strip_suffix(".gz") {
        s = x.to_string();
    }
    if let Some(dot) = s.rfind('.') {
        let ext = &s[dot + 1..];
        if dot > 0 && (1..=4).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric()) {
            s.truncate(dot);
        }
    }
    if s.contains("historical_data") || s.contains("coinmarketcap") {
        if let Some(first) = s.split('_').next().filter(|f| !f.is_empty()) {
            s = first.to_string();
        }
    }
    for suffix in ["-usd-max", "_usd-max", "-usd", "_usd"] {
        if let Some(x) = s.strip_suffix(suffix).filter(|x| !x.is_empty()) {
            s = x.to_string();
            break;
        }
    }
    s.trim().to_string()
}

/// Decompresses gzip (by magic bytes) within `max` bytes and strips a UTF-8 BOM.
fn decode<'a>(f: &InputFile<'a>, max: usize) -> Result<(Cow<'a, [u8]>, bool), IngestError> {
    let name = f.name.as_str();
    if f.bytes.len() > max {
        return Err(IngestError::file(name, ErrorKind::TooLarge { limit: max }));
    }
    let (bytes, gzip): (Cow<'a, [u8]>, bool) = if f.bytes.starts_with(&[0x1f, 0x8b]) {
        let dec = flate2::read::MultiGzDecoder::new(f.bytes);
        let out = limits::read_bounded(dec, max, limits::gzip_hint(f.bytes)).map_err(|e| {
            let reason = if e.kind() == std::io::ErrorKind::UnexpectedEof {
                "the compressed data is cut short (truncated download?)".to_string()
            } else {
                e.to_string()
            };
            IngestError::file(name, ErrorKind::BadGzip { reason })
        })?;
        if out.len() > max {
            return Err(IngestError::file(name, ErrorKind::TooLarge { limit: max }));
        }
        (Cow::Owned(out), true)
    } else {
        (Cow::Borrowed(f.bytes), false)
    };
    if let Some(what) = Binary::sniff(&bytes) {
        return Err(IngestError::file(name, ErrorKind::NotCsv { what }));
    }
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(IngestError::at(name, 1, None, ErrorKind::NotText));
    }
    let bytes = match bytes {
        Cow::Borrowed(b) => Cow::Borrowed(b.strip_prefix(&[0xef, 0xbb, 0xbf][..]).unwrap_or(b)),
        Cow::Owned(mut v) => {
            if v.starts_with(&[0xef, 0xbb, 0xbf]) {
                v.drain(..3);
            }
            Cow::Owned(v)
        }
    };
    if bytes.iter().all(|c| c.is_ascii_whitespace()) {
        return Err(IngestError::file(name, ErrorKind::Empty));
    }
    Ok((bytes, gzip))
}

fn read_file(f: &InputFile, opts: &IngestOptions) -> Result<FileData, IngestError> {
    let name = f.name.as_str();
    let (bytes, gzip) = decode(f, opts.max_bytes)?;
    let forced = opts.file_formats.iter().find(|(n, _)| n == name).map(|(_, fm)| *fm).or(opts.format);
    let default_asset = asset_id_from_file_name(name);
    let first = bytes.iter().find(|c| !c.is_ascii_whitespace()).copied();
    if forced == Some(Format::CoinGeckoJson) || (forced.is_none() && matches!(first, Some(b'{') | Some(b'['))) {
        return json::read_json(name, &bytes, gzip, &default_asset);
    }
    let sniffed = csvfile::sniff(name, &bytes)?;
    let format = match forced {
        Some(fm) => fm,
        None => csvfile::detect(name, &sniffed)?,
    };
    let mut d = match format {
        Format::WidePrices => csvfile::read_wide(name, &sniffed, format, gzip, Role::Prices, opts.day_first)?,
        Format::WideMarketCaps => csvfile::read_wide(name, &sniffed, format, gzip, Role::Caps, opts.day_first)?,
        Format::WideSupply => csvfile::read_wide(name, &sniffed, format, gzip, Role::Supply, opts.day_first)?,
        _ => csvfile::read_records(name, &sniffed, format, gzip, &default_asset, opts.day_first)?,
    };
    if forced.is_none() && d.format == Format::LongCsv && d.assets.len() == 1 {
        d.format = Format::PerCoinCsv;
    }
    Ok(d)
}

/// Loads files into a validated panel plus a report. See the module docs for
/// formats and conventions. Never panics; every failure is an [`IngestError`]
/// naming the file, line and column.
pub fn load(files: &[InputFile], opts: &IngestOptions) -> Result<Loaded, IngestError> {
    load_with_progress(files, opts, |_, _| {})
}

/// [`load`], calling `progress(files_read, total_files)` after each file is
/// parsed (the app shows it while a worker parses large uploads).
pub fn load_with_progress(
    files: &[InputFile],
    opts: &IngestOptions,
    mut progress: impl FnMut(usize, usize),
) -> Result<Loaded, IngestError> {
    if files.is_empty() {
        return Err(IngestError::global(ErrorKind::NoFiles));
    }
    let mut warnings: Vec<String> = Vec::new();
    let mut data = Vec::with_capacity(files.len());
    for (i, f) in files.iter().enumerate() {
        data.push(read_file(f, opts)?);
        progress(i + 1, files.len());
    }
    apply_renames(&mut data, opts, &mut warnings);
    for d in &mut data {
        warnings.append(&mut d.warnings);
        if d.role == Role::Prices && d.value.is_empty() {
            let count: usize = d.assets.iter().map(|a| a.implausible).sum();
            let example = d.assets.iter().find_map(|a| a.implausible_examples.first().copied());
            return Err(IngestError::file(
                &d.name,
                match example {
                    Some(example) => ErrorKind::ImplausiblePrices { count, example },
                    None => ErrorKind::NoValidPrices,
                },
            ));
        }
    }
    assemble(data, opts, warnings)
}

fn apply_renames(data: &mut [FileData], opts: &IngestOptions, warnings: &mut Vec<String>) {
    for (file, id) in &opts.rename {
        let id = id.trim().to_lowercase();
        match data.iter_mut().find(|d| &d.name == file) {
            None => warnings.push(format!("rename: no file is named '{file}'; nothing renamed")),
            Some(d) if d.assets.len() != 1 || d.role != Role::Prices => warnings.push(format!(
                "rename: {file} holds {} assets, so it cannot be renamed to '{id}' as a whole; rename ignored",
                d.assets.len()
            )),
            Some(d) => {
                d.by_name.clear();
                d.by_name.insert(id.clone(), 0);
                d.assets[0].name = id;
            }
        }
    }
}
