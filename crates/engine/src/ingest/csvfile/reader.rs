//! Reading a sniffed file's rows: the row loop, dates (with their order)
//! and numbers (with a decimal comma or point) read with the line and column
//! an error names, and asset names as files write them.

use super::sniff::{header_text, Sniffed};
use crate::ingest::error::{shown, ErrorKind, Expected, IngestError};
use crate::ingest::parse::{
    decimal_comma_vote, looks_decimal_comma, parse_date, parse_number, parse_number_comma, parse_number_str, trim,
    year_last_parts, Num, Stamp,
};
use crate::ingest::table::{FileData, Role};
use crate::ingest::Format;
use csv::ByteRecord;

/// Rough row count from the body size, to reserve the columns once.
pub(super) fn estimate_rows(s: &Sniffed) -> usize {
    let sample = &s.body[..s.body.len().min(64 * 1024)];
    let lines = sample.iter().filter(|&&c| c == b'\n').count().max(1);
    (s.body.len() as f64 / sample.len().max(1) as f64 * lines as f64) as usize + 1
}

/// A reservation for `n` observations, bounded by the body size (every
/// observation takes at least two bytes: a value and a delimiter).
pub(super) fn bounded(s: &Sniffed, n: usize) -> usize {
    n.min(s.body.len() / 2 + 1)
}

/// The last date field parsed and its result: long files repeat one date for
/// hundreds of consecutive rows.
pub(super) struct DateCache {
    raw: Vec<u8>,
    stamp: Option<Stamp>,
}

impl DateCache {
    pub(super) fn new() -> DateCache {
        DateCache { raw: Vec::with_capacity(32), stamp: None }
    }

    #[inline]
    pub(super) fn get(&mut self, ctx: &Ctx, rec: &ByteRecord, i: usize) -> Result<Stamp, IngestError> {
        let field = rec.get(i).unwrap_or_default();
        if let Some(st) = self.stamp.filter(|_| self.raw.as_slice() == field) {
            return Ok(st);
        }
        let st = ctx.date(rec, i)?;
        self.raw.clear();
        self.raw.extend_from_slice(field);
        self.stamp = Some(st);
        Ok(st)
    }
}

/// A data row with its text checked for UTF-8 once (cheaper than per field).
pub(super) struct Row<'r> {
    rec: &'r ByteRecord,
    text: Option<&'r str>,
    /// Numbers use a decimal comma.
    comma: bool,
}

impl<'r> Row<'r> {
    pub(super) fn new(rec: &'r ByteRecord, ctx: &Ctx) -> Row<'r> {
        Row { rec, text: std::str::from_utf8(rec.as_slice()).ok(), comma: ctx.decimal_comma }
    }

    /// Field `i` as a number. `str::get` refuses ranges that split a character,
    /// in which case the field's own bytes decide.
    #[inline]
    pub(super) fn num(&self, i: usize) -> Num {
        match self.text.and_then(|t| t.get(self.rec.range(i)?)) {
            Some(s) if self.comma => parse_number_comma(s),
            Some(s) => parse_number_str(s),
            None => parse_number(self.rec.get(i).unwrap_or_default()),
        }
    }
}

/// Context for reading rows: file name, column names for messages.
pub(super) struct Ctx<'a> {
    file: &'a str,
    header: &'a [Vec<u8>],
    /// Added to the csv reader's line of a data record.
    line_offset: usize,
    /// Dates with the year last are day/month/year.
    day_first: bool,
    /// Numbers use a decimal comma (see [`decimal_comma`]).
    pub(super) decimal_comma: bool,
}

impl<'a> Ctx<'a> {
    /// The date column of a sniffed file and the context to read its rows:
    /// the date order (forced, or detected: the returned flag) and whether
    /// numbers use a decimal comma.
    fn for_file(file: &'a str, s: &'a Sniffed, day_first: Option<bool>) -> Result<(usize, Ctx<'a>, bool), IngestError> {
        let date_col = s.roles.date.ok_or_else(|| {
            IngestError::at(file, s.line_offset + 1, None, ErrorKind::NoDateColumn { header: header_text(s) })
        })?;
        let (day_first, detected) = date_order(s, date_col, day_first);
        let ctx = Ctx {
            file,
            header: &s.raw_header,
            line_offset: s.line_offset + s.crlf as usize,
            day_first,
            decimal_comma: decimal_comma(s),
        };
        Ok((date_col, ctx, detected))
    }

    pub(super) fn line(&self, rec: &ByteRecord) -> usize {
        rec.position().map_or(0, |p| p.line() as usize) + self.line_offset
    }

    pub(super) fn col(&self, i: usize) -> Option<String> {
        match self.header.get(i) {
            Some(h) if !h.is_empty() => Some(shown(h)),
            _ => Some(format!("#{}", i + 1)),
        }
    }

    pub(super) fn bad(&self, rec: &ByteRecord, i: usize, expected: Expected) -> IngestError {
        let field = rec.get(i).unwrap_or_default();
        let kind = if expected == Expected::Number && !self.decimal_comma && looks_decimal_comma(field) {
            ErrorKind::DecimalComma { found: shown(field) }
        } else {
            ErrorKind::BadValue { found: shown(field), expected }
        };
        IngestError::at(self.file, self.line(rec), self.col(i), kind)
    }

    fn date(&self, rec: &ByteRecord, i: usize) -> Result<Stamp, IngestError> {
        let field = rec.get(i).unwrap_or_default();
        parse_date(field, self.day_first).ok_or_else(|| {
            if parse_date(field, !self.day_first).is_some() {
                IngestError::at(
                    self.file,
                    self.line(rec),
                    self.col(i),
                    ErrorKind::DateOrder { found: shown(field), day_first: !self.day_first },
                )
            } else {
                self.bad(rec, i, Expected::Date)
            }
        })
    }

    /// A number that may be missing (`NaN` then).
    pub(super) fn number(&self, row: &Row, i: usize) -> Result<f64, IngestError> {
        match row.num(i) {
            Num::Value(v) => Ok(v),
            Num::Missing => Ok(f64::NAN),
            Num::Invalid => Err(self.bad(row.rec, i, Expected::Number)),
        }
    }
}

/// What reading a sniffed file starts with: its date column, the context to
/// read its rows, and its data (empty), which records how the file is
/// written: delimiter, date order (when detected), decimal comma.
pub(super) fn start<'a>(
    file: &'a str,
    s: &'a Sniffed,
    format: Format,
    gzip: bool,
    role: Role,
    day_first: Option<bool>,
) -> Result<(usize, Ctx<'a>, FileData), IngestError> {
    let (date_col, ctx, detected) = Ctx::for_file(file, s, day_first)?;
    let mut d = FileData::new(file, format, gzip, role);
    d.delimiter = Some(s.delimiter);
    d.day_first_detected = detected;
    d.decimal_comma = ctx.decimal_comma;
    Ok((date_col, ctx, d))
}

/// The date order of a file's date column: `forced` if given; otherwise day
/// first when some date with the year last has a first number above 12 and
/// none has a second number above 12 (`25/12/2021`), else month first. The
/// second value tells whether day first was detected (not forced).
/// Reads the column once more, only when its first dates have the year last.
fn date_order(s: &Sniffed, date_col: usize, forced: Option<bool>) -> (bool, bool) {
    if let Some(day_first) = forced {
        return (day_first, false);
    }
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(true).delimiter(s.delimiter).from_reader(s.body);
    let mut rec = ByteRecord::new();
    let (mut first_big, mut second_big, mut seen) = (false, false, 0usize);
    let mut rows = 0usize;
    while let Ok(true) = rdr.read_byte_record(&mut rec) {
        rows += 1;
        match rec.get(date_col).and_then(year_last_parts) {
            Some((a, b, _)) => {
                seen += 1;
                first_big |= a > 12;
                second_big |= b > 12;
                if second_big {
                    break;
                }
            }
            None if rows >= 100 && seen == 0 => break,
            None => {}
        }
    }
    let day_first = first_big && !second_big;
    (day_first, day_first)
}

/// Whether a `;`-separated file writes its numbers with a decimal comma: among
/// the numeric columns of its first 200 rows, some field reads only with a
/// decimal comma (`1.234,56`, `12,5`, `0,123`) and none only with a decimal
/// point (`44955.45`, `1,234.56`). Files with other delimiters never do.
fn decimal_comma(s: &Sniffed) -> bool {
    if s.delimiter != b';' {
        return false;
    }
    let r = &s.roles;
    let cols: Vec<usize> = (0..s.raw_header.len()).filter(|&i| Some(i) != r.date && Some(i) != r.asset).collect();
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(true).delimiter(s.delimiter).from_reader(s.body);
    let mut rec = ByteRecord::new();
    let (mut comma, mut point) = (0usize, 0usize);
    for _ in 0..200 {
        if !matches!(rdr.read_byte_record(&mut rec), Ok(true)) {
            break;
        }
        for &c in &cols {
            match rec.get(c).and_then(decimal_comma_vote) {
                Some(true) => comma += 1,
                Some(false) => point += 1,
                None => {}
            }
        }
    }
    comma > 0 && point == 0
}

/// Iterates the data rows, skipping blank lines and checking the field count.
pub(super) fn rows<'a>(
    s: &'a Sniffed,
    ctx: &'a Ctx,
    mut each: impl FnMut(&ByteRecord) -> Result<(), IngestError>,
) -> Result<usize, IngestError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(s.delimiter)
        .buffer_capacity(256 * 1024)
        .from_reader(s.body);
    let mut rec = ByteRecord::new();
    let mut first = true;
    let mut n = 0;
    let width = s.raw_header.len();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize) + ctx.line_offset;
                return Err(IngestError::at(ctx.file, line, None, ErrorKind::Csv { reason: e.to_string() }));
            }
        }
        if first {
            first = false; // the header
            continue;
        }
        if rec.len() != width {
            if rec.len() == 1 && trim(&rec[0]).is_empty() {
                continue;
            }
            return Err(IngestError::at(
                ctx.file,
                ctx.line(&rec),
                None,
                ErrorKind::RaggedRow { expected: width, found: rec.len() },
            ));
        }
        each(&rec)?;
        n += 1;
    }
    if n == 0 {
        return Err(IngestError::file(ctx.file, ErrorKind::HeaderOnly));
    }
    Ok(n)
}

/// Normalises an asset name from a file: trimmed, lowercase; a pair such as
/// `BTC/USD` keeps its first part. Purely numeric names (CoinMarketCap's
/// `name` column holds an id like `2781`) and blanks give `None`.
pub(super) fn asset_name(raw: &[u8]) -> Result<Option<String>, ()> {
    let t = trim(raw);
    let t = match t.iter().position(|&c| c == b'/') {
        Some(p) if p > 0 => trim(&t[..p]),
        _ => t,
    };
    if t.is_empty() || t.iter().all(|c| c.is_ascii_digit()) {
        return Ok(None);
    }
    let s = std::str::from_utf8(t).map_err(|_| ())?;
    // A name is shown in tables, legends and links: one of kilobytes is not a name.
    if s.chars().count() > crate::ingest::limits::MAX_ASSET_ID_CHARS {
        return Err(());
    }
    Ok(Some(s.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_names() {
        assert_eq!(asset_name(b" BTC/USD "), Ok(Some("btc".into())));
        assert_eq!(asset_name(b"2781"), Ok(None));
        assert_eq!(asset_name(b"\xff"), Err(()));
    }
}
