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

mod csvfile;
mod error;
mod json;
pub mod limits;
mod parse;
mod report;
mod table;

pub use error::{Binary, ErrorKind, Expected, IngestError};
pub use parse::DateStyle;
pub use report::{
    AssetReport, CapSource, DuplicateConflict, DuplicatePolicy, FileReport, Frequency, Gap, Implausibility,
    Implausible, Report, RowOrder, Spike,
};

use crate::date::Date;
use crate::panel::{Extra, Panel};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;
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
        let out = limits::read_bounded(dec, max, f.bytes.len().saturating_mul(3)).map_err(|e| {
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

/// Per-asset bookkeeping while scattering.
#[derive(Default)]
struct Scatter {
    duplicates: usize,
    duplicate_examples: Vec<Date>,
    /// Cell and price of each row overwritten by a later row of the same date.
    replaced: Vec<(usize, f64)>,
    conflicts: usize,
    conflict_examples: Vec<DuplicateConflict>,
}

fn assemble(data: Vec<FileData>, opts: &IngestOptions, mut warnings: Vec<String>) -> Result<Loaded, IngestError> {
    // Owner file of each asset's prices; an asset in two price files is an error.
    let mut owner: HashMap<&str, (usize, usize)> = HashMap::new();
    for (fi, d) in data.iter().enumerate().filter(|(_, d)| d.role == Role::Prices) {
        for (li, la) in d.assets.iter().enumerate() {
            if let Some(&(other, _)) = owner.get(la.name.as_str()) {
                return Err(IngestError::file(
                    &d.name,
                    ErrorKind::DuplicateAsset { asset: la.name.clone(), other_file: data[other].name.clone() },
                ));
            }
            owner.insert(la.name.as_str(), (fi, li));
        }
    }
    // Local -> global asset maps; assets without a usable price are dropped.
    let mut has_obs: Vec<Vec<bool>> = data.iter().map(|d| vec![false; d.assets.len()]).collect();
    for (fi, d) in data.iter().enumerate() {
        for &a in &d.asset {
            has_obs[fi][a as usize] = true;
        }
    }
    let mut ids: Vec<&str> = owner.iter().filter(|(_, &(fi, li))| has_obs[fi][li]).map(|(&name, _)| name).collect();
    ids.sort_unstable();
    // In file and name order (not the map's), so the report is the same on every run.
    let mut left_out: Vec<(usize, &str)> =
        owner.iter().filter(|(_, &(fi, li))| !has_obs[fi][li]).map(|(&name, &(fi, _))| (fi, name)).collect();
    left_out.sort_unstable();
    for (fi, name) in left_out {
        warnings.push(format!("{}: asset '{name}' has no usable price and was left out", data[fi].name));
    }
    let global: HashMap<&str, usize> = ids.iter().enumerate().map(|(g, &n)| (n, g)).collect();
    let maps: Vec<Vec<Option<usize>>> =
        data.iter().map(|d| d.assets.iter().map(|la| global.get(la.name.as_str()).copied()).collect()).collect();
    for (d, m) in data.iter().zip(&maps) {
        if d.role != Role::Prices {
            let orphans: Vec<&str> =
                d.assets.iter().zip(m).filter(|(_, g)| g.is_none()).map(|(la, _)| la.name.as_str()).collect();
            if !orphans.is_empty() {
                warnings.push(format!(
                    "{}: no prices were loaded for {}, so those columns were ignored",
                    d.name,
                    orphans.join(", ")
                ));
            }
        }
    }
    let n_assets = ids.len();
    if n_assets == 0 {
        return Err(match data.iter().find(|d| d.role != Role::Prices) {
            Some(d) => IngestError::file(&d.name, ErrorKind::NoPriceFile),
            None => IngestError::global(ErrorKind::NoValidPrices),
        });
    }

    // Calendar: every day with a price.
    let (dates, day_index) = calendar(&data, &maps);
    let n_days = dates.len();
    // Three f64 fields per cell (plus extras): refuse a panel beyond `max_bytes`
    // rather than exhausting memory on, say, a file of unique asset names.
    let fields = 3 + data.iter().map(|d| d.extras.len()).sum::<usize>();
    let too_big =
        n_days.checked_mul(n_assets).and_then(|c| c.checked_mul(8 * fields)).is_none_or(|b| b > opts.max_bytes);
    if too_big {
        return Err(IngestError::global(ErrorKind::PanelTooLarge { days: n_days, assets: n_assets }));
    }
    let lookup = |d: i32| -> Option<usize> { day_index.get(d) };
    let size = n_days * n_assets;
    let mut price = vec![f64::NAN; size];
    let mut cap = vec![f64::NAN; size];
    let mut volume = vec![f64::NAN; size];
    let mut seen = vec![false; size];
    let mut supply: Option<Vec<f64>> = None;
    let mut extra_names: Vec<String> = Vec::new();
    for d in &data {
        for e in &d.extras {
            if !extra_names.contains(&e.name) {
                extra_names.push(e.name.clone());
            }
        }
    }
    let mut extras: Vec<Vec<f64>> = extra_names.iter().map(|_| vec![f64::NAN; size]).collect();
    let mut stats: Vec<Scatter> = (0..n_assets).map(|_| Scatter::default()).collect();
    // Observed day indices of each asset.
    let mut obs_of: Vec<Vec<u32>> = vec![Vec::new(); n_assets];

    for (d, m) in data.iter().zip(&maps).filter(|(d, _)| d.role == Role::Prices) {
        let extra_pos: Vec<usize> =
            d.extras.iter().map(|e| extra_names.iter().position(|n| *n == e.name).unwrap_or(0)).collect();
        for k in 0..d.asset.len() {
            let Some(g) = m[d.asset[k] as usize] else { continue };
            let Some(t) = lookup(d.date[k]) else { continue };
            let i = t * n_assets + g;
            if seen[i] {
                let s = &mut stats[g];
                s.duplicates += 1;
                if s.duplicate_examples.len() < 10 {
                    s.duplicate_examples.push(Date(d.date[k]));
                }
                s.replaced.push((i, price[i]));
            } else {
                seen[i] = true;
                obs_of[g].push(t as u32);
            }
            price[i] = d.value[k];
            cap[i] = d.cap.as_ref().map_or(f64::NAN, |c| c[k]);
            volume[i] = d.volume.as_ref().map_or(f64::NAN, |c| c[k]);
            for (e, &pos) in d.extras.iter().zip(&extra_pos) {
                extras[pos][i] = e.values[k];
            }
        }
    }
    // Duplicates that disagree with the row kept (the last of their date).
    for s in &mut stats {
        for (i, discarded) in std::mem::take(&mut s.replaced) {
            let kept = price[i];
            if discarded != kept {
                s.conflicts += 1;
                if s.conflict_examples.len() < 10 {
                    s.conflict_examples.push(DuplicateConflict { date: dates[i / n_assets], discarded, kept });
                }
            }
        }
    }
    // Prices on the far side of a non-reverting jump of more than MAX_JUMP.
    let mut jumps: Vec<Vec<Implausible>> = vec![Vec::new(); n_assets];
    for (g, obs) in obs_of.iter_mut().enumerate() {
        obs.sort_unstable();
        let dropped = far_side_of_jumps(obs, |t| price[t as usize * n_assets + g]);
        for (k, from) in dropped.into_iter().rev() {
            let t = obs.remove(k) as usize;
            let i = t * n_assets + g;
            jumps[g].push(Implausible { date: dates[t], price: price[i], reason: Implausibility::Jump { from } });
            seen[i] = false;
            price[i] = f64::NAN;
            cap[i] = f64::NAN;
            volume[i] = f64::NAN;
            for e in &mut extras {
                e[i] = f64::NAN;
            }
        }
        jumps[g].reverse();
    }
    let mut caps_file = vec![false; n_assets];
    for (d, m) in data.iter().zip(&maps).filter(|(d, _)| d.role != Role::Prices) {
        for k in 0..d.asset.len() {
            let (Some(g), Some(t)) = (m[d.asset[k] as usize], lookup(d.date[k])) else { continue };
            let i = t * n_assets + g;
            if d.role == Role::Caps {
                cap[i] = d.value[k];
                caps_file[g] = true;
            } else {
                supply.get_or_insert_with(|| vec![f64::NAN; size])[i] = d.value[k];
            }
        }
    }

    // Caps and spikes in one day-major pass (sequential memory access).
    let mut from_supply = vec![0usize; n_assets];
    let mut cap_missing = vec![0usize; n_assets];
    let mut spikes: Vec<Vec<Spike>> = vec![Vec::new(); n_assets];
    let mut detector = SpikeDetector::new(n_assets, opts);
    for t in 0..n_days {
        for g in 0..n_assets {
            let i = t * n_assets + g;
            if !seen[i] {
                continue;
            }
            if !(cap[i].is_finite() && cap[i] > 0.0) {
                if let Some(s) = supply.as_ref().map(|s| s[i]).filter(|s| s.is_finite() && *s > 0.0) {
                    cap[i] = price[i] * s;
                    from_supply[g] += 1;
                } else {
                    cap[i] = f64::NAN;
                    cap_missing[g] += 1;
                }
            }
            if let Some(spike) = detector.observe(g, i, &dates, &mut price, &mut cap) {
                spikes[g].push(spike);
            }
        }
    }
    let mut reports = Vec::with_capacity(n_assets);
    for (g, id) in ids.iter().enumerate() {
        let &(fi, li) = &owner[id];
        let d = &data[fi];
        let la = &d.assets[li];
        let mut obs: Vec<usize> = obs_of[g].iter().map(|&t| t as usize).collect();
        obs.sort_unstable();
        let from_supply = la.cap_from_supply + from_supply[g];
        let cap_missing = cap_missing[g];
        let has_column = d.has_cap_column || caps_file[g];
        let cap_source = match (has_column, from_supply > 0) {
            (true, true) => CapSource::ColumnAndSupply,
            (true, false) => CapSource::Column,
            (false, true) => CapSource::Supply,
            (false, false) => CapSource::None,
        };
        let spikes = std::mem::take(&mut spikes[g]);
        let mut implausible_prices = la.implausible_examples.clone();
        implausible_prices.extend(jumps[g].iter().copied());
        implausible_prices.sort_by_key(|x| x.date);
        implausible_prices.truncate(10);
        let frequency = frequency(&obs, &dates);
        let long_gaps = long_gaps(&obs, &dates, frequency);
        let s = std::mem::take(&mut stats[g]);
        reports.push(AssetReport {
            id: id.to_string(),
            file: d.name.clone(),
            first_date: dates[obs[0]],
            last_date: dates[*obs.last().unwrap_or(&obs[0])],
            rows: la.rows,
            days: obs.len(),
            carried_forward: 0,
            cap_missing_or_zero: cap_missing,
            cap_source,
            duplicate_dates: s.duplicates,
            duplicate_examples: s.duplicate_examples,
            duplicate_policy: DuplicatePolicy::KeepLast,
            duplicate_identical: s.duplicates - s.conflicts,
            duplicate_conflicts: s.conflicts,
            duplicate_conflict_examples: s.conflict_examples,
            price_blank: la.price_blank,
            price_invalid: la.price_invalid,
            price_invalid_lines: la.invalid_lines.clone(),
            not_midnight: la.not_midnight,
            offset_timestamps: la.offset_timestamps,
            frequency,
            spikes,
            long_gaps,
            price_implausible: la.implausible + jumps[g].len(),
            implausible_prices,
        });
    }
    if n_assets >= 2 && !spans_overlap(&obs_of, n_days) {
        return Err(IngestError::global(ErrorKind::NoCommonDates));
    }
    warnings.extend(global_warnings(&data, &reports, &dates));

    let file_reports: Vec<FileReport> = data
        .iter()
        .map(|d| FileReport {
            name: d.name.clone(),
            format: d.format,
            gzip: d.gzip,
            delimiter: d.delimiter.map(|b| b as char),
            rows: d.rows,
            assets: d.assets.len(),
            row_order: match (d.ascending, d.descending) {
                (true, true) => RowOrder::Unsorted,
                (false, true) => RowOrder::Descending,
                _ => RowOrder::Ascending,
            },
            date_styles: d.styles(),
            decimal_comma: d.decimal_comma,
        })
        .collect();
    drop(seen);
    drop(supply);
    let extras: Vec<Extra> = extra_names.into_iter().zip(extras).map(|(name, values)| Extra { name, values }).collect();
    let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    let mut panel =
        Panel::new(dates, ids, price, cap, volume, extras).map_err(|e| IngestError::global(ErrorKind::Panel(e)))?;
    for (r, info) in reports.iter_mut().zip(panel.assets()) {
        r.carried_forward = info.carried_forward;
    }
    let pegged = crate::pegged::detect(&panel);
    warnings.extend(pegged_warning(&pegged));
    panel.set_pegged(pegged.clone());
    let report = Report {
        files: file_reports,
        n_assets,
        n_days: panel.n_days(),
        first_date: panel.dates()[0],
        last_date: panel.dates()[panel.n_days() - 1],
        assets: reports,
        warnings,
        pegged,
    };
    Ok(Loaded { panel, report })
}

/// One line naming the assets the detection flagged (at most 10 by name).
fn pegged_warning(pegged: &[crate::pegged::Pegged]) -> Option<String> {
    if pegged.is_empty() {
        return None;
    }
    let names: Vec<&str> = pegged.iter().take(10).map(|p| p.id.as_str()).collect();
    let more = if pegged.len() > 10 { format!(" and {} more", pegged.len() - 10) } else { String::new() };
    Some(format!(
        "{} asset(s) look pegged to a currency or copy another asset (stablecoins, wrapped or staked tokens): {}{more}; \
         excluded from universes by default (see the report for the evidence)",
        pegged.len(),
        names.join(", ")
    ))
}

/// Whether some day lies inside the first..last spans of two or more assets.
fn spans_overlap(obs_of: &[Vec<u32>], n_days: usize) -> bool {
    let mut delta = vec![0i64; n_days + 1];
    for obs in obs_of {
        let (Some(&lo), Some(&hi)) = (obs.iter().min(), obs.iter().max()) else { continue };
        delta[lo as usize] += 1;
        delta[hi as usize + 1] -= 1;
    }
    let mut live = 0;
    delta.iter().any(|&d| {
        live += d;
        live >= 2
    })
}

/// Maps a date to its calendar index: a dense table over the date range when
/// it is not absurdly wide, else a binary search.
enum DayIndex {
    Dense { min: i32, index: Vec<u32> },
    Sorted(Vec<i32>),
}

impl DayIndex {
    #[inline]
    fn get(&self, d: i32) -> Option<usize> {
        match self {
            DayIndex::Dense { min, index } => {
                let off = d.checked_sub(*min)?;
                let v = *index.get(usize::try_from(off).ok()?)?;
                (v != u32::MAX).then_some(v as usize)
            }
            DayIndex::Sorted(v) => v.binary_search(&d).ok(),
        }
    }
}

/// The panel's dates: every day with a row of prices (also rows whose price
/// was dropped). When the median spacing is one day, every day from the first
/// to the last is included, so missing days become visible gaps.
fn calendar(data: &[FileData], maps: &[Vec<Option<usize>>]) -> (Vec<Date>, DayIndex) {
    let price_days = || {
        data.iter().zip(maps).filter(|(d, _)| d.role == Role::Prices).flat_map(|(d, m)| {
            let kept = d.date.iter().zip(&d.asset).map(|(&dt, &a)| (a, dt));
            kept.chain(d.dropped.iter().copied()).filter(move |&(a, _)| m[a as usize].is_some()).map(|(_, dt)| dt)
        })
    };
    let (min, max) = price_days().fold((i32::MAX, i32::MIN), |(lo, hi), d| (lo.min(d), hi.max(d)));
    let span = (max as i64 - min as i64 + 1).max(0) as usize;
    if span <= 1 << 22 {
        let mut index = vec![u32::MAX; span];
        for d in price_days() {
            index[(d - min) as usize] = 0;
        }
        let present: Vec<usize> = (0..span).filter(|&o| index[o] == 0).collect();
        let mut gaps: Vec<usize> = present.windows(2).map(|w| w[1] - w[0]).collect();
        let daily = !gaps.is_empty() && {
            let mid = (gaps.len() - 1) / 2;
            *gaps.select_nth_unstable(mid).1 == 1
        };
        let mut dates = Vec::new();
        for (off, slot) in index.iter_mut().enumerate() {
            if *slot == 0 || daily {
                *slot = dates.len() as u32;
                dates.push(Date(min + off as i32));
            }
        }
        (dates, DayIndex::Dense { min, index })
    } else {
        let mut v: Vec<i32> = price_days().collect();
        v.sort_unstable();
        v.dedup();
        (v.iter().map(|&d| Date(d)).collect(), DayIndex::Sorted(v))
    }
}

/// Positions in `obs` (an asset's observed days in order, `p` giving the
/// price of one) on the far side of a move by more than [`limits::MAX_JUMP`]
/// that does not revert, each with the trusted price it is compared with.
///
/// Jumps split the series into stretches; the longest is trusted. Walking
/// away from it, a stretch whose first price (last, walking back) is within
/// the factor of the last trusted price is trusted too; a single price between
/// two trusted ones is a spike, left to [`SpikeDetector`]; anything else is dropped.
fn far_side_of_jumps(obs: &[u32], p: impl Fn(u32) -> f64) -> Vec<(usize, f64)> {
    let far = |a: f64, b: f64| a > b * limits::MAX_JUMP || b > a * limits::MAX_JUMP;
    let mut starts = vec![0];
    for k in 1..obs.len() {
        if far(p(obs[k - 1]), p(obs[k])) {
            starts.push(k);
        }
    }
    if starts.len() == 1 {
        return Vec::new();
    }
    let segs: Vec<(usize, usize)> =
        starts.iter().enumerate().map(|(s, &a)| (a, starts.get(s + 1).copied().unwrap_or(obs.len()))).collect();
    let first_longest = |best: usize, s: usize| {
        let len = |s: usize| segs[s].1 - segs[s].0;
        if len(s) > len(best) {
            s
        } else {
            best
        }
    };
    let trusted = (0..segs.len()).fold(0, first_longest);
    let price_at = |k: usize| p(obs[k]);
    let mut dropped = Vec::new();
    let mut anchor = price_at(segs[trusted].1 - 1);
    for s in trusted + 1..segs.len() {
        let (a, b) = segs[s];
        if !far(anchor, price_at(a)) {
            anchor = price_at(b - 1);
        } else if b - a == 1 && segs.get(s + 1).is_some_and(|&(next, _)| !far(anchor, price_at(next))) {
            // A one-day spike that reverts.
        } else {
            dropped.extend((a..b).map(|k| (k, anchor)));
        }
    }
    let mut anchor = price_at(segs[trusted].0);
    for s in (0..trusted).rev() {
        let (a, b) = segs[s];
        if !far(anchor, price_at(b - 1)) {
            anchor = price_at(a);
        } else if b - a == 1 && s > 0 && !far(anchor, price_at(segs[s - 1].1 - 1)) {
            // A one-day spike that reverts.
        } else {
            dropped.extend((a..b).map(|k| (k, anchor)));
        }
    }
    dropped.sort_unstable_by_key(|&(k, _)| k);
    dropped
}

/// Flags (and with `repair_spikes`, repairs) one-day spikes, fed each asset's
/// observed days in date order: keeps the last two observations per asset.
struct SpikeDetector {
    factor: f64,
    repair: bool,
    /// Per asset: cell index and price of the two previous observations.
    prev: Vec<[(usize, f64); 2]>,
    count: Vec<u8>,
}

impl SpikeDetector {
    fn new(n_assets: usize, opts: &IngestOptions) -> SpikeDetector {
        let f = opts.spike_factor;
        SpikeDetector {
            factor: if f.is_finite() && f > 1.0 { f } else { 20.0 },
            repair: opts.repair_spikes,
            prev: vec![[(0, f64::NAN); 2]; n_assets],
            count: vec![0; n_assets],
        }
    }

    /// Feeds the observation at cell `i` of asset `g`; returns a
    /// spike found on the asset's previous observed day.
    fn observe(&mut self, g: usize, i: usize, dates: &[Date], price: &mut [f64], cap: &mut [f64]) -> Option<Spike> {
        let [(i0, p0), (i1, p1)] = self.prev[g];
        let p2 = price[i];
        let mut found = None;
        if self.count[g] >= 2 {
            let f = self.factor;
            let up = p1 > p0 * f && p1 > p2 * f;
            let down = p1 * f < p0 && p1 * f < p2;
            if up || down {
                // The spike is on the previous observation: cell i1 is day i1 / n_assets.
                found = Some(Spike {
                    date: dates[i1 / self.prev.len()],
                    price: p1,
                    before: p0,
                    after: p2,
                    repaired: self.repair,
                });
                if self.repair {
                    price[i1] = p0;
                    cap[i1] = cap[i0];
                }
            }
        }
        let kept = if found.is_some() && self.repair { p0 } else { p1 };
        self.prev[g] = [(i1, kept), (i, p2)];
        self.count[g] = self.count[g].saturating_add(1);
        found
    }
}

/// Median spacing of observed days.
fn frequency(obs: &[usize], dates: &[Date]) -> Frequency {
    let mut gaps: Vec<i32> = obs.windows(2).map(|w| dates[w[1]].0 - dates[w[0]].0).collect();
    if gaps.is_empty() {
        return Frequency::Irregular { median_gap_days: 0 };
    }
    let mid = (gaps.len() - 1) / 2; // the lower median
    let (_, &mut median, _) = gaps.select_nth_unstable(mid);
    match median {
        1 => Frequency::Daily,
        7 => Frequency::Weekly,
        28..=31 => Frequency::Monthly,
        m => Frequency::Irregular { median_gap_days: m },
    }
}

/// The stretches without a price between consecutive observed days more than
/// [`limits::LONG_GAP_DAYS`] apart, for daily or weekly data (monthly data
/// has month-long gaps by design).
fn long_gaps(obs: &[usize], dates: &[Date], frequency: Frequency) -> Vec<Gap> {
    if !matches!(frequency, Frequency::Daily | Frequency::Weekly) {
        return Vec::new();
    }
    obs.windows(2)
        .map(|w| (dates[w[0]], dates[w[1]]))
        .filter(|(a, b)| b.0 - a.0 > limits::LONG_GAP_DAYS)
        .map(|(a, b)| Gap { from: Date(a.0 + 1), to: Date(b.0 - 1), days: b.0 - a.0 - 1 })
        .collect()
}

/// `1 row`, `2 rows`.
fn rows(n: usize) -> String {
    format!("{n} row{}", if n == 1 { "" } else { "s" })
}

fn global_warnings(data: &[FileData], reports: &[AssetReport], dates: &[Date]) -> Vec<String> {
    let mut w = Vec::new();
    for d in data {
        let styles = d.styles();
        if styles.len() > 1 {
            let names: Vec<&str> = styles.iter().map(|s| s.describe()).collect();
            w.push(format!("{}: dates are written in more than one way ({})", d.name, names.join(", ")));
        }
        if d.day_first_detected {
            w.push(format!(
                "{}: dates were read day first (day/month/year, like 25/12/2021): some start with a number above 12",
                d.name
            ));
        }
        if d.ascending && d.descending {
            w.push(format!("{}: rows are not in date order; they were sorted", d.name));
        }
    }
    let mut freqs: Vec<Frequency> = reports.iter().map(|r| r.frequency).collect();
    freqs.dedup();
    freqs.sort_by_key(|f| format!("{f:?}"));
    freqs.dedup();
    if freqs.len() > 1 {
        let daily: Vec<&str> =
            reports.iter().filter(|r| r.frequency != Frequency::Daily).map(|r| r.id.as_str()).take(10).collect();
        w.push(format!(
            "assets have different sampling frequencies; not daily: {}. Gaps between their dates are carried forward",
            daily.join(", ")
        ));
    }
    if let Some(first) = dates.first().filter(|d| d.year() < 2009) {
        w.push(format!(
            "the data starts on {first}, before Bitcoin existed (2009): check that the date column is read correctly"
        ));
    }
    let summary = |count: fn(&AssetReport) -> usize| -> (usize, String) {
        let hit: Vec<String> =
            reports.iter().filter(|r| count(r) > 0).map(|r| format!("{} ({})", r.id, count(r))).collect();
        let more = if hit.len() > 10 { format!(" and {} more", hit.len() - 10) } else { String::new() };
        (reports.iter().map(count).sum(), format!("{}{more}", hit[..hit.len().min(10)].join(", ")))
    };
    let (dropped, which) = summary(|r| r.price_blank + r.price_invalid);
    if dropped > 0 {
        w.push(format!(
            "{} without a usable price (blank, zero, negative or not a number) dropped: {which}",
            rows(dropped)
        ));
    }
    let (offsets, which) = summary(|r| r.offset_timestamps);
    if offsets > 0 {
        w.push(format!(
            "{} with a UTC offset (such as +02:00) were put on the date as written, not moved to the UTC day: {which}",
            rows(offsets)
        ));
    }
    let (dups, which) = summary(|r| r.duplicate_dates);
    if dups > 0 {
        let conflicts: usize = reports.iter().map(|r| r.duplicate_conflicts).sum();
        w.push(format!(
            "{} repeating a date of the same asset ({} identical, {} with a different price); \
             the last row of each date was kept: {which}",
            rows(dups),
            dups - conflicts,
            conflicts
        ));
        if conflicts > 0 {
            let shown: Vec<String> = reports
                .iter()
                .flat_map(|r| {
                    r.duplicate_conflict_examples.iter().map(move |c| {
                        let (a, b) = report::num_pair(c.discarded, c.kept);
                        format!("{} on {}: {a} and {b} (kept {b}, the last row)", r.id, c.date)
                    })
                })
                .take(5)
                .collect();
            let more =
                if conflicts > shown.len() { format!(" and {} more", conflicts - shown.len()) } else { String::new() };
            w.push(format!("repeated dates with different prices: {}{more}", shown.join("; ")));
        }
    }
    let gappy: Vec<&AssetReport> = reports.iter().filter(|r| !r.long_gaps.is_empty()).collect();
    for r in gappy.iter().take(10) {
        let shown: Vec<String> = r
            .long_gaps
            .iter()
            .take(3)
            .map(|g| format!("no prices from {} to {} ({} days)", g.from, g.to, g.days))
            .collect();
        let more = match r.long_gaps.len() {
            n if n > 3 => format!(" and {} more such gaps", n - 3),
            _ => String::new(),
        };
        w.push(format!("{}: {}{more}, carried forward", r.id, shown.join(", ")));
    }
    if gappy.len() > 10 {
        w.push(format!(
            "{} more assets have gaps of more than {} days, carried forward",
            gappy.len() - 10,
            limits::LONG_GAP_DAYS
        ));
    }
    let bad: Vec<String> = reports
        .iter()
        .flat_map(|r| r.implausible_prices.iter().map(move |x| format!("{}: {x}", r.id)))
        .take(5)
        .collect();
    if !bad.is_empty() {
        let total: usize = reports.iter().map(|r| r.price_implausible).sum();
        let more = if total > bad.len() { format!(" and {} more", total - bad.len()) } else { String::new() };
        w.push(format!(
            "{} with an implausible price dropped as data errors (the day is carried forward): {}{more}",
            rows(total),
            bad.join("; ")
        ));
    }
    let spiky: Vec<String> =
        reports.iter().filter(|r| !r.spikes.is_empty()).map(|r| format!("{} ({})", r.id, r.spikes.len())).collect();
    if !spiky.is_empty() {
        let repaired = reports.iter().flat_map(|r| &r.spikes).any(|s| s.repaired);
        w.push(format!(
            "suspect one-day price spikes in {}: {}",
            spiky.join(", "),
            if repaired { "repaired with the previous day's price and cap" } else { "kept as they are" }
        ));
    }
    w
}
