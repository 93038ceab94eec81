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
    /// What "only coins ever in the top K" left out, when it was asked for
    /// and the data had market caps.
    #[serde(default)]
    pub top_filter: Option<super::top_filter::TopFilter>,
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
    /// Numbers were read with a decimal comma (`1.234,56`; `;`-separated files only).
    #[serde(default)]
    pub decimal_comma: bool,
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

/// A stretch of days without a price inside an asset's span, between two
/// prices more than [`LONG_GAP_DAYS`](super::limits::LONG_GAP_DAYS) apart: carried
/// forward like any gap, but reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    /// First day without a price.
    pub from: Date,
    /// Last day without a price.
    pub to: Date,
    /// Days without a price (`to - from + 1`).
    pub days: i32,
}

/// Two rows of one asset on one date with different prices: the one
/// discarded and the one kept (the last in the file).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DuplicateConflict {
    pub date: Date,
    pub discarded: f64,
    pub kept: f64,
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
    /// Of `duplicate_dates`, the rows whose price equals the kept one (harmless repeats).
    #[serde(default)]
    pub duplicate_identical: usize,
    /// Of `duplicate_dates`, the rows whose price differs from the kept one.
    #[serde(default)]
    pub duplicate_conflicts: usize,
    /// Up to 10 of those, with both prices.
    #[serde(default)]
    pub duplicate_conflict_examples: Vec<DuplicateConflict>,
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
    /// Stretches without a price between two prices more than 30 days apart, in
    /// daily or weekly data (all of them; carried forward, and warned about).
    #[serde(default)]
    pub long_gaps: Vec<Gap>,
    /// Prices dropped as data errors ([`Implausible`]): above 1e12 or below
    /// 1e-12 per unit, or a one-day move of more than 1e6x that does not revert.
    #[serde(default)]
    pub price_implausible: usize,
    /// Up to 10 of them, with date, value and reason.
    #[serde(default)]
    pub implausible_prices: Vec<Implausible>,
}

/// Why a price was taken for a data error (see [`Implausible`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Implausibility {
    /// Above [`super::limits::MAX_PRICE`] per unit.
    TooHigh,
    /// Below [`super::limits::MIN_PRICE`] per unit.
    TooLow,
    /// More than [`super::limits::MAX_JUMP`] times (or less than 1/that of)
    /// the price before it (`from`), without coming back the next day.
    Jump { from: f64 },
}

/// A price dropped as a data error: the day is treated like a row without a
/// usable price (carried forward inside the asset's span).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Implausible {
    pub date: Date,
    pub price: f64,
    pub reason: Implausibility,
}

impl std::fmt::Display for Implausible {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} on {}", num_text(self.price), self.date)?;
        match self.reason {
            Implausibility::TooHigh => write!(f, " (above {} per unit)", num_text(super::limits::MAX_PRICE)),
            Implausibility::TooLow => write!(f, " (below {} per unit)", num_text(super::limits::MIN_PRICE)),
            Implausibility::Jump { from } => {
                let factor = if self.price > from { self.price / from } else { from / self.price };
                write!(f, " (x{} away from the trusted price {}, not reverting)", num_text(factor), num_text(from))
            }
        }
    }
}

/// A number for a message, with a few significant digits: `1.65`, `44955.5`,
/// `3.9e5`, `1e308`, `1.23e-13` (never hundreds of digits).
pub(crate) fn num_text(x: f64) -> String {
    num_text_digits(x, 6)
}

/// `x` with at most `sig` significant digits: plain from 0.001 to 1e5,
/// otherwise scientific (with at most 3 significant digits, or `sig` if fewer).
fn num_text_digits(x: f64, sig: usize) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".into()
        } else if x > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    if x == 0.0 {
        return "0".into();
    }
    let mag = x.abs().log10().floor() as i32;
    if (-3..5).contains(&mag) {
        let decimals = (sig as i32 - 1 - mag).max(0) as usize;
        let s = format!("{x:.decimals$}");
        return if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    }
    let digits = if sig > 6 { sig - 1 } else { sig.min(3) - 1 };
    let s = format!("{x:.digits$e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let mantissa = if mantissa.contains('.') { mantissa.trim_end_matches('0').trim_end_matches('.') } else { mantissa };
    format!("{mantissa}e{exp}")
}

/// Two numbers that differ, each with just enough digits to show that they
/// differ (`1.6` and `1.65`; `100.000001` and `100`).
pub(crate) fn num_pair(a: f64, b: f64) -> (String, String) {
    let mut sig = 6;
    loop {
        let (x, y) = (num_text_digits(a, sig), num_text_digits(b, sig));
        if x != y || sig >= 17 {
            return (x, y);
        }
        sig += 1;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_messages_are_short() {
        let cases = [
            (1.65, "1.65"),
            (100.0, "100"),
            (44955.46, "44955.5"),
            (390_000.0, "3.9e5"),
            (1e308, "1e308"),
            (f64::MAX, "1.8e308"),
            (1.234e-13, "1.23e-13"),
            (0.001, "0.001"),
            (0.000123, "1.23e-4"),
            (-2.5, "-2.5"),
            (0.0, "0"),
            (f64::INFINITY, "inf"),
        ];
        for (x, want) in cases {
            assert_eq!(num_text(x), want, "{x}");
        }
        assert_eq!(num_pair(1.6, 1.65), ("1.6".into(), "1.65".into()));
        assert_eq!(num_pair(100.000001, 100.0), ("100.000001".into(), "100".into()));
        assert_eq!(num_pair(1e308, 1.0000001e308).0, "1e308");
    }
}
