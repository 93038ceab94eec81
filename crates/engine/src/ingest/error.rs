//! Ingest errors: where the problem is (file, line, column) and what was
//! found versus expected, worded for someone who has never seen the code.

use crate::panel::PanelError;
use std::fmt;

/// Why a set of files could not be loaded. [`fmt::Display`] gives one
/// sentence such as `btc-usd-max.csv, line 17, column 'price': found 'abc', expected a number`.
#[derive(Clone, Debug, PartialEq)]
pub struct IngestError {
    /// File name as given in [`InputFile::name`](super::InputFile::name); `None` for
    /// problems of the whole set (for example no files).
    pub file: Option<String>,
    /// 1-based line in the (decompressed) file, counting the header as line 1.
    pub line: Option<usize>,
    /// The column, by header name (or `#n`, 1-based, when the header is unusable).
    pub column: Option<String>,
    pub kind: ErrorKind,
}

/// What kind of value a field should have held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    Number,
    Date,
    AssetName,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expected::Number => "a number",
            Expected::Date => "a date like 2021-03-15, 2021-03-15 00:00:00 UTC, 2021/03/15, Mar 15, 2021 or Unix time",
            Expected::AssetName => "an asset name (UTF-8 text of at most 100 characters)",
        })
    }
}

/// The kinds of ingest failure.
#[derive(Clone, Debug, PartialEq)]
pub enum ErrorKind {
    /// `load` was called with no files.
    NoFiles,
    /// The file has no bytes (or only blanks).
    Empty,
    /// A header line but no data rows.
    HeaderOnly,
    /// The file (or its decompressed content) is larger than `IngestOptions::max_bytes`.
    TooLarge { limit: usize },
    /// The file starts like gzip but cannot be decompressed.
    BadGzip { reason: String },
    /// The text is not UTF-8 where text was needed (header, asset names).
    NotText,
    /// The header has fewer than two columns: probably an unsupported delimiter.
    TooFewColumns { header: String },
    /// No column holds dates.
    NoDateColumn { header: String },
    /// No column holds prices (and the file is not a wide table).
    NoPriceColumn { header: String },
    /// Two columns of the header have the same (case-insensitive) name.
    DuplicateColumn { name: String },
    /// A row has a different number of fields from the header.
    RaggedRow { expected: usize, found: usize },
    /// A field could not be read.
    BadValue { found: String, expected: Expected },
    /// The CSV reader failed (for example an unterminated quote).
    Csv { reason: String },
    /// The JSON could not be read as a CoinGecko API response.
    Json { reason: String },
    /// The same asset comes from two files.
    DuplicateAsset { asset: String, other_file: String },
    /// The file has rows but none with a usable (finite, > 0) price.
    NoValidPrices,
    /// Only market-cap or supply tables were given, no prices.
    NoPriceFile,
    /// Several assets, but no day inside the first..last spans of two of them.
    NoCommonDates,
    /// The panel (days x assets) would need more than `max_bytes` of memory.
    PanelTooLarge { days: usize, assets: usize },
    /// The validated panel could not be built.
    Panel(PanelError),
    /// The file is not text at all but a known binary format (found by its
    /// first bytes): a spreadsheet, an archive, an image or a PDF.
    NotCsv { what: Binary },
    /// A number field that is not a number but looks written with a decimal
    /// comma (`12,5`, `1.234,56`) in a file not read with decimal commas.
    DecimalComma { found: String },
    /// A date with the year last cannot be read in the date order in use but
    /// can in the other one (`day_first`: it looks like day/month/year).
    DateOrder { found: String, day_first: bool },
    /// The file has prices, but every one of them is implausible (see
    /// [`Implausible`](super::Implausible)); `example` is the first.
    ImplausiblePrices { count: usize, example: super::Implausible },
    /// The header has more columns than [`super::limits::MAX_COLUMNS`]; refused
    /// before any row is read.
    TooManyColumns { found: usize, limit: usize },
}

/// A binary file type recognised by its magic bytes (see [`ErrorKind::NotCsv`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binary {
    /// `PK\x03\x04`: a zip archive, which is also what an Excel .xlsx file is.
    ZipOrXlsx,
    /// `D0 CF 11 E0`: a legacy Excel .xls (or other old Office) file.
    Xls,
    Png,
    Jpeg,
    Gif,
    Webp,
    Pdf,
}

impl Binary {
    /// The type of `bytes` by its first bytes, if it is one of the known binary formats.
    pub(crate) fn sniff(bytes: &[u8]) -> Option<Binary> {
        let starts = |m: &[u8]| bytes.starts_with(m);
        if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
            Some(Binary::ZipOrXlsx)
        } else if starts(&[0xd0, 0xcf, 0x11, 0xe0]) {
            Some(Binary::Xls)
        } else if starts(b"\x89PNG") {
            Some(Binary::Png)
        } else if starts(&[0xff, 0xd8, 0xff]) {
            Some(Binary::Jpeg)
        } else if starts(b"GIF87a") || starts(b"GIF89a") {
            Some(Binary::Gif)
        } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
            Some(Binary::Webp)
        } else if starts(b"%PDF") {
            Some(Binary::Pdf)
        } else {
            None
        }
    }
}

impl fmt::Display for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Binary::ZipOrXlsx => "a zip archive or an Excel .xlsx spreadsheet",
            Binary::Xls => "an Excel .xls spreadsheet (the old binary format)",
            Binary::Png => "a PNG image",
            Binary::Jpeg => "a JPEG image",
            Binary::Gif => "a GIF image",
            Binary::Webp => "a WebP image",
            Binary::Pdf => "a PDF document",
        })
    }
}

impl IngestError {
    pub(crate) fn file(file: &str, kind: ErrorKind) -> IngestError {
        IngestError { file: Some(file.to_string()), line: None, column: None, kind }
    }

    pub(crate) fn at(file: &str, line: usize, column: Option<String>, kind: ErrorKind) -> IngestError {
        IngestError { file: Some(file.to_string()), line: Some(line), column, kind }
    }

    pub(crate) fn global(kind: ErrorKind) -> IngestError {
        IngestError { file: None, line: None, column: None, kind }
    }
}

/// Shows at most 40 characters of a value (lossy for bytes that are not UTF-8).
pub(crate) fn shown(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    let s = s.trim();
    if s.chars().count() > 40 {
        let cut: String = s.chars().take(40).collect();
        format!("{cut}...")
    } else {
        s.to_string()
    }
}

impl fmt::Display for IngestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut wrote = false;
        if let Some(file) = &self.file {
            write!(f, "{file}")?;
            wrote = true;
        }
        if let Some(line) = self.line {
            write!(f, "{}line {line}", if wrote { ", " } else { "" })?;
            wrote = true;
        }
        if let Some(col) = &self.column {
            write!(f, "{}column '{col}'", if wrote { ", " } else { "" })?;
            wrote = true;
        }
        if wrote {
            f.write_str(": ")?;
        }
        match &self.kind {
            ErrorKind::NoFiles => write!(f, "no files were given"),
            ErrorKind::Empty => write!(f, "the file is empty"),
            ErrorKind::HeaderOnly => write!(f, "the file has a header line but no data rows"),
            ErrorKind::TooLarge { limit } => {
                write!(
                    f,
                    "the data is larger than the limit of {} (after decompression)",
                    super::limits::size_text(*limit as u64)
                )
            }
            ErrorKind::BadGzip { reason } => write!(f, "the file looks gzip-compressed but cannot be unpacked: {reason}"),
            ErrorKind::NotText => write!(f, "found bytes that are not UTF-8 text; save the file as UTF-8 CSV"),
            ErrorKind::TooFewColumns { header } => write!(
                f,
                "found only one column in the header '{header}', expected columns separated by ',', ';' or tabs"
            ),
            ErrorKind::NoDateColumn { header } => write!(
                f,
                "found no date column in the header '{header}', expected one named date, snapped_at, timestamp, time or unix"
            ),
            ErrorKind::NoPriceColumn { header } => write!(
                f,
                "found no price column in the header '{header}', expected one named price, close or adj close"
            ),
            ErrorKind::DuplicateColumn { name } => write!(f, "the header names column '{name}' twice"),
            ErrorKind::RaggedRow { expected, found } => {
                write!(f, "found {found} fields, expected {expected} like the header")
            }
            ErrorKind::BadValue { found, expected } => write!(f, "found '{found}', expected {expected}"),
            ErrorKind::Csv { reason } => write!(f, "cannot read the CSV: {reason}"),
            ErrorKind::Json { reason } => write!(
                f,
                "cannot read the JSON ({reason}), expected {{\"prices\": [[ms, value], ...], \"market_caps\": ..., \"total_volumes\": ...}}"
            ),
            ErrorKind::DuplicateAsset { asset, other_file } => write!(
                f,
                "asset '{asset}' is also in {other_file}; load each asset from one file, or rename one of them"
            ),
            ErrorKind::NoValidPrices => write!(f, "no row has a usable price (a finite number above 0)"),
            ErrorKind::NoPriceFile => write!(
                f,
                "this file holds market caps or supply only; load it together with a file of prices"
            ),
            ErrorKind::NoCommonDates => {
                write!(f, "the assets are never listed at the same time (no common dates), so there is nothing to combine")
            }
            ErrorKind::PanelTooLarge { days, assets } => write!(
                f,
                "{days} days x {assets} assets is too large a table to hold in memory; load only the coins ever in the top K by market cap (\"Only coins ever in the top\", --ever-top), fewer assets or a shorter period"
            ),
            ErrorKind::Panel(e) => write!(f, "{e}"),
            ErrorKind::NotCsv { what } => match what {
                Binary::ZipOrXlsx | Binary::Xls => write!(f, "this is {what}: export it as CSV"),
                _ => write!(f, "this is {what}, not a table of prices: load a CSV or JSON file of prices"),
            },
            ErrorKind::DecimalComma { found } => write!(
                f,
                "found '{found}', expected a number: it looks like a decimal comma; save the file with decimal \
                 points, or ';'-separated with a decimal comma in every number"
            ),
            ErrorKind::DateOrder { found, day_first: true } => {
                write!(f, "{found} looks day-first (day/month/year): set the date order to day first")
            }
            ErrorKind::DateOrder { found, day_first: false } => write!(
                f,
                "{found} looks month-first (month/day/year): set the date order to month first, or let it be detected"
            ),
            ErrorKind::ImplausiblePrices { count, example } => write!(
                f,
                "every price is implausible, so nothing was loaded ({count} price(s) such as {example}); \
                 check the price column and its unit"
            ),
            ErrorKind::TooManyColumns { found, limit } => write!(
                f,
                "the header has {found} columns, more than the {limit} a price file may have; \
                 is this the right file (a wide file holds one column per asset)?"
            ),
        }
    }
}

impl std::error::Error for IngestError {}
