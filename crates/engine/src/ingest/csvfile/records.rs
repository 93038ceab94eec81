//! Records files: one row per (asset, date), the asset named by a column
//! or by the file.

use super::reader::{asset_name, bounded, estimate_rows, rows, start, DateCache, Row};
use super::sniff::{header_text, Sniffed};
use crate::ingest::error::{ErrorKind, Expected, IngestError};
use crate::ingest::parse::Num;
use crate::ingest::table::{plausible, ExtraCol, FileData, Role};
use crate::ingest::Format;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: a fast hash for short asset names (no untrusted-key concerns here:
/// the worst case is a slow load of the user's own file).
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Raw asset-column values seen so far and their local asset index. Long files
/// repeat the same sequence of assets day after day, so the value that followed
/// the previous row's value last time is tried before hashing.
#[derive(Default)]
struct RawKeys {
    map: HashMap<Box<[u8]>, u32, BuildHasherDefault<Fnv>>,
    keys: Vec<Box<[u8]>>,
    asset: Vec<u32>,
    successor: Vec<u32>,
    last: Option<u32>,
}

impl RawKeys {
    /// The local asset of a raw value already seen.
    #[inline]
    fn find(&mut self, raw: &[u8]) -> Option<u32> {
        let id = match self.last {
            Some(l) if &*self.keys[l as usize] == raw => l,
            Some(l) => {
                let s = self.successor[l as usize];
                if s != u32::MAX && &*self.keys[s as usize] == raw {
                    s
                } else {
                    let id = *self.map.get(raw)?;
                    self.successor[l as usize] = id;
                    id
                }
            }
            None => *self.map.get(raw)?,
        };
        self.last = Some(id);
        Some(self.asset[id as usize])
    }

    fn insert(&mut self, raw: &[u8], asset: u32) {
        let id = self.keys.len() as u32;
        self.keys.push(raw.into());
        self.asset.push(asset);
        self.successor.push(u32::MAX);
        self.map.insert(raw.into(), id);
        if let Some(l) = self.last {
            self.successor[l as usize] = id;
        }
        self.last = Some(id);
    }
}

/// Reads a records file: one row per (asset, date).
pub(crate) fn read_records(
    file: &str,
    s: &Sniffed,
    format: Format,
    gzip: bool,
    default_asset: &str,
    day_first: Option<bool>,
) -> Result<FileData, IngestError> {
    let r = &s.roles;
    let (date_col, ctx, mut d) = start(file, s, format, gzip, Role::Prices, day_first)?;
    let price_col = r.price.ok_or_else(|| {
        IngestError::at(file, s.line_offset + 1, None, ErrorKind::NoPriceColumn { header: header_text(s) })
    })?;
    let asset_col = r.asset;
    if r.cap.is_some() || r.supply.is_some() {
        d.cap = Some(Vec::new());
    }
    d.has_cap_column = r.cap.is_some();
    if r.volume.is_some() {
        d.volume = Some(Vec::new());
    }
    d.extras = r
        .others
        .iter()
        .map(|&i| ExtraCol { name: String::from_utf8_lossy(&s.raw_header[i]).trim().to_lowercase(), values: vec![] })
        .collect();
    let mut extra_text: Vec<Option<usize>> = vec![None; r.others.len()];
    d.reserve(bounded(s, estimate_rows(s)));
    let file_asset = d.intern(default_asset);
    let mut keys = RawKeys::default();
    let mut dates = DateCache::new();
    let n = rows(s, &ctx, |rec| {
        let stamp = dates.get(&ctx, rec, date_col)?;
        let a = match asset_col {
            None => file_asset,
            Some(c) => {
                let raw = &rec[c];
                match keys.find(raw) {
                    Some(a) => a,
                    None => {
                        let a = match asset_name(raw) {
                            Ok(Some(nm)) => d.intern(&nm),
                            Ok(None) => file_asset,
                            Err(()) => return Err(ctx.bad(rec, c, Expected::AssetName)),
                        };
                        keys.insert(raw, a);
                        a
                    }
                }
            }
        };
        d.note_date(a, stamp);
        let line = || ctx.line(rec);
        let row = Row::new(rec, &ctx);
        let price = match row.num(price_col) {
            Num::Missing => {
                d.note_bad_price(a, stamp.date.0, true, line());
                return Ok(());
            }
            Num::Invalid => return Err(ctx.bad(rec, price_col, Expected::Number)),
            Num::Value(v) => match plausible(v) {
                Ok(()) => v,
                Err(None) => {
                    d.note_bad_price(a, stamp.date.0, false, line());
                    return Ok(());
                }
                Err(Some(reason)) => {
                    d.note_implausible(a, stamp.date.0, v, reason);
                    return Ok(());
                }
            },
        };
        if let Some(caps) = &mut d.cap {
            let mut cap = match r.cap {
                Some(c) => ctx.number(&row, c)?,
                None => f64::NAN,
            };
            if let Some(sc) = r.supply {
                let supply = ctx.number(&row, sc)?;
                if !(cap.is_finite() && cap > 0.0) && supply.is_finite() && supply > 0.0 {
                    cap = price * supply;
                    d.assets[a as usize].cap_from_supply += 1;
                }
            }
            caps.push(cap);
        }
        if let (Some(vols), Some(c)) = (&mut d.volume, r.volume) {
            vols.push(ctx.number(&row, c)?);
        }
        for (k, &c) in r.others.iter().enumerate() {
            let v = match row.num(c) {
                Num::Value(v) => v,
                Num::Missing => f64::NAN,
                Num::Invalid => {
                    if extra_text[k].is_none() {
                        extra_text[k] = Some(line());
                    }
                    f64::NAN
                }
            };
            d.extras[k].values.push(v);
        }
        d.push(a, stamp.date.0, price);
        Ok(())
    })?;
    d.rows = n;
    // Extra columns holding text are not numeric data: drop them, say so.
    for k in (0..extra_text.len()).rev() {
        if let Some(line) = extra_text[k] {
            let e = d.extras.remove(k);
            d.warnings.push(format!(
                "{file}: column '{}' is not numeric (text on line {line}), so it was not kept as an extra",
                e.name
            ));
        }
    }
    // Drop the file-named asset if the asset column named every row.
    if d.assets[file_asset as usize].rows == 0 && d.assets.len() > 1 {
        remove_unused_first(&mut d);
    }
    Ok(d)
}

/// Removes local asset 0 (unused) and renumbers.
fn remove_unused_first(d: &mut FileData) {
    d.assets.remove(0);
    d.by_name.retain(|_, i| *i != 0);
    for i in d.by_name.values_mut() {
        *i -= 1;
    }
    for a in d.asset.iter_mut().chain(d.dropped.iter_mut().map(|(a, _)| a)) {
        *a -= 1;
    }
}
