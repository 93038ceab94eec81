//! Wide files: `date` then one column per asset.

use super::reader::{asset_name, bounded, estimate_rows, rows, start, DateCache, Row};
use super::sniff::{header_text, Sniffed};
use crate::ingest::error::{shown, ErrorKind, Expected, IngestError};
use crate::ingest::parse::{trim, Num};
use crate::ingest::table::{FileData, Role};
use crate::ingest::Format;

/// Reads a wide file: `date` then one column per asset holding `role` values.
pub(crate) fn read_wide(
    file: &str,
    s: &Sniffed,
    format: Format,
    gzip: bool,
    role: Role,
    day_first: Option<bool>,
) -> Result<FileData, IngestError> {
    let (date_col, ctx, mut d) = start(file, s, format, gzip, role, day_first)?;
    let mut cols: Vec<(usize, u32)> = Vec::new();
    for (i, h) in s.raw_header.iter().enumerate() {
        if i == date_col || trim(h).is_empty() {
            continue;
        }
        let name = match asset_name(h) {
            Ok(Some(n)) => n,
            _ => {
                return Err(IngestError::at(
                    file,
                    s.line_offset + 1,
                    ctx.col(i),
                    ErrorKind::BadValue { found: shown(h), expected: Expected::AssetName },
                ))
            }
        };
        if d.by_name.contains_key(&name) {
            return Err(IngestError::at(file, s.line_offset + 1, ctx.col(i), ErrorKind::DuplicateColumn { name }));
        }
        cols.push((i, d.intern(&name)));
    }
    if cols.is_empty() {
        return Err(IngestError::at(
            file,
            s.line_offset + 1,
            None,
            ErrorKind::TooFewColumns { header: header_text(s) },
        ));
    }
    d.reserve(bounded(s, estimate_rows(s).saturating_mul(cols.len())));
    let mut dates = DateCache::new();
    let n = rows(s, &ctx, |rec| {
        let stamp = dates.get(&ctx, rec, date_col)?;
        let row = Row::new(rec, &ctx);
        for &(c, a) in &cols {
            match row.num(c) {
                Num::Missing => {}
                Num::Invalid => return Err(ctx.bad(rec, c, Expected::Number)),
                Num::Value(v) => {
                    d.note_date(a, stamp);
                    if role == Role::Prices {
                        d.price(a, stamp.date.0, v, ctx.line(rec));
                    } else if v.is_finite() && v >= 0.0 {
                        d.push(a, stamp.date.0, v);
                    } else {
                        d.note_bad_price(a, stamp.date.0, false, ctx.line(rec));
                    }
                }
            }
        }
        Ok(())
    })?;
    d.rows = n;
    Ok(d)
}
