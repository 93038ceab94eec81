//! The per-file intermediate: columns of observations (asset, date, values)
//! collected in file order, later scattered into the day-major panel.

use super::parse::{DateStyle, Stamp};
use super::report::{Implausibility, Implausible};
use super::Format;
use crate::date::Date;
use std::collections::HashMap;

/// What the main value column of a file means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// Prices (with optional caps, volumes and extras in the same rows).
    Prices,
    /// Market caps only (second wide file).
    Caps,
    /// Circulating supply only (wide supply table).
    Supply,
}

/// Statistics for one asset of one file.
#[derive(Clone, Debug, Default)]
pub(crate) struct LocalAsset {
    pub name: String,
    pub rows: usize,
    pub price_blank: usize,
    pub price_invalid: usize,
    pub invalid_lines: Vec<usize>,
    pub not_midnight: usize,
    /// Rows whose timestamp had a non-zero UTC offset.
    pub offset_timestamps: usize,
    pub cap_from_supply: usize,
    /// Prices dropped as data errors (too high or too low per unit).
    pub implausible: usize,
    pub implausible_examples: Vec<Implausible>,
    last_date: Option<i32>,
}

/// A named extra numeric column of a file.
#[derive(Clone, Debug)]
pub(crate) struct ExtraCol {
    pub name: String,
    pub values: Vec<f64>,
}

#[derive(Debug)]
pub(crate) struct FileData {
    pub name: String,
    pub format: Format,
    pub gzip: bool,
    pub delimiter: Option<u8>,
    pub role: Role,
    /// Data rows read.
    pub rows: usize,
    pub assets: Vec<LocalAsset>,
    pub by_name: HashMap<String, u32>,
    pub asset: Vec<u32>,
    pub date: Vec<i32>,
    /// Price, cap or supply depending on `role`.
    pub value: Vec<f64>,
    pub cap: Option<Vec<f64>>,
    pub volume: Option<Vec<f64>>,
    /// Whether the file has a market-cap column (as opposed to caps from supply).
    pub has_cap_column: bool,
    pub extras: Vec<ExtraCol>,
    /// (asset, date) of rows whose price was dropped: their days stay in the calendar.
    pub dropped: Vec<(u32, i32)>,
    pub date_styles: u8,
    /// Dates with the year last were detected as day/month/year.
    pub day_first_detected: bool,
    /// Numbers were read with a decimal comma.
    pub decimal_comma: bool,
    pub ascending: bool,
    pub descending: bool,
    pub warnings: Vec<String>,
}

impl FileData {
    pub fn new(name: &str, format: Format, gzip: bool, role: Role) -> FileData {
        FileData {
            name: name.to_string(),
            format,
            gzip,
            delimiter: None,
            role,
            rows: 0,
            assets: Vec::new(),
            by_name: HashMap::new(),
            asset: Vec::new(),
            date: Vec::new(),
            value: Vec::new(),
            cap: None,
            volume: None,
            has_cap_column: false,
            extras: Vec::new(),
            dropped: Vec::new(),
            date_styles: 0,
            day_first_detected: false,
            decimal_comma: false,
            ascending: false,
            descending: false,
            warnings: Vec::new(),
        }
    }

    pub fn reserve(&mut self, n: usize) {
        self.asset.reserve(n);
        self.date.reserve(n);
        self.value.reserve(n);
        if let Some(c) = &mut self.cap {
            c.reserve(n);
        }
        if let Some(v) = &mut self.volume {
            v.reserve(n);
        }
        for e in &mut self.extras {
            e.values.reserve(n);
        }
    }

    /// Index of an asset by its (already normalised) name, adding it if new.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.by_name.get(name) {
            return i;
        }
        let i = self.assets.len() as u32;
        self.assets.push(LocalAsset { name: name.to_string(), ..LocalAsset::default() });
        self.by_name.insert(name.to_string(), i);
        i
    }

    /// Books a row's timestamp: order, style and midnight statistics.
    pub fn note_date(&mut self, a: u32, stamp: Stamp) {
        let la = &mut self.assets[a as usize];
        la.rows += 1;
        if !stamp.midnight {
            la.not_midnight += 1;
        }
        if stamp.offset {
            la.offset_timestamps += 1;
        }
        if let Some(prev) = la.last_date {
            if stamp.date.0 > prev {
                self.ascending = true;
            } else if stamp.date.0 < prev {
                self.descending = true;
            }
        }
        la.last_date = Some(stamp.date.0);
        self.date_styles |= stamp.style.bit();
    }

    /// Books a dropped price (blank, or not finite and > 0) on `date`;
    /// `line` 0 means unknown (JSON).
    pub fn note_bad_price(&mut self, a: u32, date: i32, blank: bool, line: usize) {
        self.dropped.push((a, date));
        let la = &mut self.assets[a as usize];
        if blank {
            la.price_blank += 1;
        } else {
            la.price_invalid += 1;
            if la.invalid_lines.len() < 10 && line > 0 {
                la.invalid_lines.push(line);
            }
        }
    }

    /// Books a price that is finite and positive but implausible per unit
    /// (see [`plausible`]); the row is dropped like a bad price.
    pub fn note_implausible(&mut self, a: u32, date: i32, price: f64, reason: Implausibility) {
        self.dropped.push((a, date));
        let la = &mut self.assets[a as usize];
        la.implausible += 1;
        if la.implausible_examples.len() < 10 {
            la.implausible_examples.push(Implausible { date: Date(date), price, reason });
        }
    }

    /// Books a price column value: a usable price is pushed, anything else is
    /// counted as dropped. `line` 0 means unknown (JSON). Returns whether it was kept.
    #[inline]
    pub fn price(&mut self, a: u32, date: i32, v: f64, line: usize) -> bool {
        match plausible(v) {
            Ok(()) => {
                self.push(a, date, v);
                true
            }
            Err(None) => {
                self.note_bad_price(a, date, false, line);
                false
            }
            Err(Some(reason)) => {
                self.note_implausible(a, date, v, reason);
                false
            }
        }
    }

    /// Appends one usable observation.
    #[inline]
    pub fn push(&mut self, a: u32, date: i32, value: f64) {
        self.asset.push(a);
        self.date.push(date);
        self.value.push(value);
    }

    pub fn styles(&self) -> Vec<DateStyle> {
        DateStyle::all().into_iter().filter(|s| self.date_styles & s.bit() != 0).collect()
    }
}

/// Whether a price is usable: `Err(None)` when it is not a finite number
/// above 0 (a bad row), `Err(Some(reason))` when it is one but implausible per
/// unit (above [`MAX_PRICE`](super::limits::MAX_PRICE) or below [`MIN_PRICE`](super::limits::MIN_PRICE)).
#[inline]
pub(crate) fn plausible(v: f64) -> Result<(), Option<Implausibility>> {
    use super::limits::{MAX_PRICE, MIN_PRICE};
    if !(v.is_finite() && v > 0.0) {
        Err(None)
    } else if v > MAX_PRICE {
        Err(Some(Implausibility::TooHigh))
    } else if v < MIN_PRICE {
        Err(Some(Implausibility::TooLow))
    } else {
        Ok(())
    }
}
