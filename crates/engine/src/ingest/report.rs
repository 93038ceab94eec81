//! The validation report returned with every loaded panel.

use super::parse::DateStyle;
use super::Format;
use crate::date::Date;
use serde::{Deserialize, Serialize};

/// Everything the loader noticed, per file and per asset, for the app to show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// One entry per input file, in input order.
    pub files: Vec<FileReport>,
    /// One entry per asset, in the panel's asset order.
    pub assets: Vec<AssetReport>,
    pub n_assets: usize,
    pub n_days: usize,
    pub first_date: Date,
    pub last_date: Date,
    /// Plain-language remarks that did not stop the load.
    pub warnings: Vec<String>,
    /// Assets that look pegged to a currency or copy another asset, with the
    /// evidence ([`crate::pegged::detect`]); the same list as [`crate::Panel::pegged`].
    #[serde(default)]
    pub pegged: Vec<crate::pegged::Pegged>,
}

/// Order of the data rows in a file, by date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowOrder {
    /// Oldest first (dates never decrease within an asset).
    Ascending,
    /// Newest first (CryptoDataDownload does this).
    Descending,
    /// Neither: rows were sorted by the loader.
    Unsorted,
}

/// What was found in one input file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileReport {
    pub name: String,
    /// Format detected (or forced by the options).
    pub format: Format,
    /// Whether the file was gzip-compressed.
    pub gzip: bool,
    /// Field delimiter of a CSV file (`None` for JSON).
    pub delimiter: Option<char>,
    /// Data rows read (excluding header and banner lines).
    pub rows: usize,
    /// Number of assets the file contributed.
    pub assets: usize,
    pub row_order: RowOrder,
    /// Date styles seen; more than one is reported as a warning too.
    pub date_styles: Vec<DateStyle>,
}

/// Sampling frequency of an asset's observed dates (median spacing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Median spacing of 1 day.
    Daily,
    /// Median spacing of 7 days.
    Weekly,
    /// Median spacing of 28 to 31 days.
    Monthly,
    /// Any other median spacing, in days (0 when there is a single observation).
    Irregular { median_gap_days: i32 },
}

/// How duplicate rows (same asset, same date) are resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicatePolicy {
    /// The row that comes last in the file wins; earlier ones are discarded.
    KeepLast,
}

/// A one-day price move by more than `spike_factor` that reverts the next day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spike {
    pub date: Date,
    /// The suspect price.
    pub price: f64,
    /// Price on the previous observed day.
    pub before: f64,
    /// Price on the next observed day.
    pub after: f64,
    /// Whether the price (and market cap) were replaced by the previous day's.
    pub repaired: bool,
}

/// What was found for one asset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssetReport {
    pub id: String,
    /// File the asset's prices came from.
    pub file: String,
    /// First and last day with a price.
    pub first_date: Date,
    pub last_date: Date,
    /// Data rows read for this asset (including dropped and duplicate rows).
    pub rows: usize,
    /// Days with a usable price after dropping bad rows and resolving duplicates.
    pub days: usize,
    /// Days inside the first..last span without a price: price and cap carried
    /// forward from the day before (a 0% return).
    pub carried_forward: usize,
    /// Days with a price whose market cap is blank, zero or absent (stored as `NaN`).
    pub cap_missing_or_zero: usize,
    /// Where market caps came from.
    pub cap_source: CapSource,
    /// Rows sharing a date with another row of this asset (not counting the one kept).
    pub duplicate_dates: usize,
    /// Up to 10 of those dates.
    pub duplicate_examples: Vec<Date>,
    pub duplicate_policy: DuplicatePolicy,
    /// Rows dropped because the price was blank or marked missing (`-`, `null`).
    pub price_blank: usize,
    /// Rows dropped because the price was zero, negative, `NaN` or infinite.
    pub price_invalid: usize,
    /// Up to 10 line numbers of such rows.
    pub price_invalid_lines: Vec<usize>,
    /// Rows whose timestamp was not exactly midnight (snapped to their day).
    pub not_midnight: usize,
    /// Rows whose timestamp had a non-zero UTC offset (`+02:00`, `-0500`): put
    /// on the calendar date as written, not moved to their UTC day.
    #[serde(default)]
    pub offset_timestamps: usize,
    pub frequency: Frequency,
    /// Suspect one-day spikes (see [`Spike`]).
    pub spikes: Vec<Spike>,
}

/// Where an asset's market caps came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapSource {
    /// A market cap column or file.
    Column,
    /// Price x circulating supply (supply column or supply table).
    Supply,
    /// Both (cap where given, price x supply where the cap was blank).
    ColumnAndSupply,
    /// None: all caps are `NaN`.
    None,
}
