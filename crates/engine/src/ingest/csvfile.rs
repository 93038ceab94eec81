//! CSV files: delimiter sniffing, header roles, format detection, and the two
//! row readers (records: one row per asset and day; wide: one column per asset).

use super::error::{shown, ErrorKind, Expected, IngestError};
use super::parse::{
    decimal_comma_vote, looks_decimal_comma, parse_date, parse_number, parse_number_comma, parse_number_str, trim,
    year_last_parts, Num, Stamp,
};
use super::table::{plausible, ExtraCol, FileData, Role};
use super::Format;
use csv::ByteRecord;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Header names are compared after lowercasing and dropping everything that
/// is not a letter or digit: `Adj Close`, `adj_close` and `ADJCLOSE` are one name.
pub(crate) fn normalize(h: &[u8]) -> String {
    h.iter().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase() as char).collect()
}

/// Date column names, most preferred first.
const DATE_NAMES: &[&str] =
    &["snappedat", "date", "timeopen", "datetime", "timestamp", "time", "day", "unix", "unixtimestamp"];
/// Price column names, most preferred first (Yahoo's adjusted close beats close).
const PRICE_NAMES: &[&str] = &["price", "priceusd", "adjclose", "close", "closeusd"];
const CAP_NAMES: &[&str] = &["marketcap", "marketcapusd", "mcap", "cap"];
const VOLUME_NAMES: &[&str] = &["totalvolume", "volumeusd", "volumeusdt", "volume", "vol", "totalvolumes"];
const SUPPLY_NAMES: &[&str] = &["supply", "circulatingsupply"];
const ASSET_NAMES: &[&str] = &["asset", "coin", "coinname", "coinid", "id", "symbol", "ticker", "name"];
/// Known columns that are read by no one (OHLC, CMC's other times, ...).
const IGNORED: &[&str] =
    &["open", "high", "low", "timeclose", "timehigh", "timelow", "marketcaprank", "rank", "tradecount"];

/// Column positions of a records file.
#[derive(Debug, Default)]
pub(crate) struct Roles {
    pub date: Option<usize>,
    pub price: Option<usize>,
    pub cap: Option<usize>,
    pub volume: Option<usize>,
    pub supply: Option<usize>,
    pub asset: Option<usize>,
    /// Unrecognised columns, kept as extras in records files, assets in wide files.
    pub others: Vec<usize>,
}

fn pick(names: &[String], wanted: &[&str]) -> Option<usize> {
    wanted.iter().find_map(|w| names.iter().position(|n| n == w))
}

impl Roles {
    fn of(names: &[String]) -> Roles {
        let mut r = Roles {
            date: pick(names, DATE_NAMES),
            price: pick(names, PRICE_NAMES),
            cap: pick(names, CAP_NAMES),
            volume: pick(names, VOLUME_NAMES),
            supply: pick(names, SUPPLY_NAMES),
            asset: pick(names, ASSET_NAMES),
            others: Vec::new(),
        };
        for (i, n) in names.iter().enumerate() {
            let used = [r.date, r.price, r.cap, r.volume, r.supply, r.asset].contains(&Some(i));
            let known = DATE_NAMES.contains(&n.as_str())
                || PRICE_NAMES.contains(&n.as_str())
                || CAP_NAMES.contains(&n.as_str())
                || SUPPLY_NAMES.contains(&n.as_str())
                || ASSET_NAMES.contains(&n.as_str())
                || IGNORED.contains(&n.as_str())
                || n.starts_with("volume")
                || n.is_empty();
            if !used && !known {
                r.others.push(i);
            }
        }
        r
    }
}

/// The bytes of the first line, without its line ending.
fn first_line(b: &[u8]) -> &[u8] {
    let end = b.iter().position(|&c| c == b'\n').unwrap_or(b.len());
    let l = &b[..end];
    l.strip_suffix(b"\r").unwrap_or(l)
}

/// Picks the delimiter that occurs most often in the header (outside quotes),
/// with its count.
fn sniff_delimiter(header: &[u8]) -> Option<(u8, usize)> {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &c in header {
        match c {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let (i, &n) = counts.iter().enumerate().max_by_key(|&(i, &n)| (n, std::cmp::Reverse(i)))?;
    (n > 0).then_some(([b',', b';', b'\t'][i], n))
}

/// A CryptoDataDownload banner: a first line holding their URL and no columns.
fn is_banner(line: &[u8]) -> bool {
    let l = String::from_utf8_lossy(line).to_ascii_lowercase();
    (l.starts_with("http") || l.contains("cryptodatadownload")) && !l.contains("date")
}

/// A CSV file after sniffing: body bytes, delimiter, header names.
pub(crate) struct Sniffed<'a> {
    body: &'a [u8],
    /// Lines before the header (blank lines, a banner).
    line_offset: usize,
    delimiter: u8,
    raw_header: Vec<Vec<u8>>,
    names: Vec<String>,
    roles: Roles,
    banner: bool,
    /// Lines end in CRLF (judged from the header line): the csv reader then
    /// counts a data record's line one short, corrected in [`Ctx`].
    crlf: bool,
}

pub(crate) fn sniff<'a>(name: &str, bytes: &'a [u8]) -> Result<Sniffed<'a>, IngestError> {
    let mut body = bytes;
    let mut line_offset = 0;
    // Skip leading blank lines.
    while let Some(rest) = body.strip_prefix(b"\n").or_else(|| body.strip_prefix(b"\r\n")) {
        body = rest;
        line_offset += 1;
    }
    let mut banner = false;
    if is_banner(first_line(body)) {
        let l = first_line(body).len();
        body = &body[(l + 1).min(body.len())..];
        body = body.strip_prefix(b"\n").unwrap_or(body);
        line_offset += 1;
        banner = true;
    }
    let header = first_line(body);
    let crlf = body.get(header.len()) == Some(&b'\r');
    if std::str::from_utf8(header).is_err() {
        return Err(IngestError::at(name, line_offset + 1, None, ErrorKind::NotText));
    }
    if trim(header).is_empty() {
        return Err(IngestError::file(name, ErrorKind::Empty));
    }
    let (delimiter, separators) = sniff_delimiter(header).ok_or_else(|| {
        IngestError::at(name, line_offset + 1, None, ErrorKind::TooFewColumns { header: shown(header) })
    })?;
    // Refused before the header is split, let alone any row read.
    if separators >= super::limits::MAX_COLUMNS {
        return Err(IngestError::at(
            name,
            line_offset + 1,
            None,
            ErrorKind::TooManyColumns { found: separators + 1, limit: super::limits::MAX_COLUMNS },
        ));
    }
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).delimiter(delimiter).from_reader(header);
    let mut rec = ByteRecord::new();
    if let Err(e) = rdr.read_byte_record(&mut rec) {
        return Err(IngestError::at(name, line_offset + 1, None, ErrorKind::Csv { reason: e.to_string() }));
    }
    let raw_header: Vec<Vec<u8>> = rec.iter().map(|f| trim(f).to_vec()).collect();
    let names: Vec<String> = raw_header.iter().map(|h| normalize(h)).collect();
    let mut seen = std::collections::HashSet::with_capacity(names.len());
    for (i, n) in names.iter().enumerate() {
        if !n.is_empty() && !seen.insert(n.as_str()) {
            return Err(IngestError::at(
                name,
                line_offset + 1,
                Some(shown(&raw_header[i])),
                ErrorKind::DuplicateColumn { name: shown(&raw_header[i]) },
            ));
        }
    }
    let roles = Roles::of(&names);
    Ok(Sniffed { body, line_offset, delimiter, raw_header, names, roles, banner, crlf })
}

/// Detects the format of a CSV file from its header (and, for wide files, its name).
pub(crate) fn detect(file_name: &str, s: &Sniffed) -> Result<Format, IngestError> {
    let has = |n: &str| s.names.iter().any(|x| x == n);
    let r = &s.roles;
    if r.date.is_none() {
        return Err(IngestError::at(
            file_name,
            s.line_offset + 1,
            None,
            ErrorKind::NoDateColumn { header: header_text(s) },
        ));
    }
    if s.banner || (has("unix") && has("symbol")) {
        return Ok(Format::CryptoDataDownload);
    }
    if has("timeopen") {
        return Ok(Format::CoinMarketCap);
    }
    if has("snappedat") {
        return Ok(Format::CoinGeckoCsv);
    }
    if r.price.is_some() {
        if has("adjclose") || (has("open") && has("high") && has("low") && r.cap.is_none()) {
            return Ok(Format::Yahoo);
        }
        return Ok(if r.asset.is_some() { Format::LongCsv } else { Format::PerCoinCsv });
    }
    if r.asset.is_none() && !r.others.is_empty() {
        let lower = file_name.to_ascii_lowercase();
        return Ok(if lower.contains("supply") {
            Format::WideSupply
        } else if lower.contains("cap") {
            Format::WideMarketCaps
        } else {
            Format::WidePrices
        });
    }
    Err(IngestError::at(file_name, s.line_offset + 1, None, ErrorKind::NoPriceColumn { header: header_text(s) }))
}

fn header_text(s: &Sniffed) -> String {
    let h: Vec<String> = s.raw_header.iter().map(|h| String::from_utf8_lossy(h).into_owned()).collect();
    let joined = h.join(&(s.delimiter as char).to_string());
    if joined.chars().count() > 80 {
        format!("{}...", joined.chars().take(80).collect::<String>())
    } else {
        joined
    }
}

/// Rough row count from the body size, to reserve the columns once.
fn estimate_rows(s: &Sniffed) -> usize {
    let sample = &s.body[..s.body.len().min(64 * 1024)];
    let lines = sample.iter().filter(|&&c| c == b'\n').count().max(1);
    (s.body.len() as f64 / sample.len().max(1) as f64 * lines as f64) as usize + 1
}

/// A reservation for `n` observations, bounded by the body size (every
/// observation takes at least two bytes: a value and a delimiter).
fn bounded(s: &Sniffed, n: usize) -> usize {
    n.min(s.body.len() / 2 + 1)
}

/// The last date field parsed and its result: long files repeat one date for
/// hundreds of consecutive rows.
struct DateCache {
    raw: Vec<u8>,
    stamp: Option<Stamp>,
}

impl DateCache {
    fn new() -> DateCache {
        DateCache { raw: Vec::with_capacity(32), stamp: None }
    }

    #[inline]
    fn get(&mut self, ctx: &Ctx, rec: &ByteRecord, i: usize) -> Result<Stamp, IngestError> {
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
struct Row<'r> {
    rec: &'r ByteRecord,
    text: Option<&'r str>,
    /// Numbers use a decimal comma.
    comma: bool,
}

impl<'r> Row<'r> {
    fn new(rec: &'r ByteRecord, ctx: &Ctx) -> Row<'r> {
        Row { rec, text: std::str::from_utf8(rec.as_slice()).ok(), comma: ctx.decimal_comma }
    }

    /// Field `i` as a number. `str::get` refuses ranges that split a character,
    /// in which case the field's own bytes decide.
    #[inline]
    fn num(&self, i: usize) -> Num {
        match self.text.and_then(|t| t.get(self.rec.range(i)?)) {
            Some(s) if self.comma => parse_number_comma(s),
            Some(s) => parse_number_str(s),
            None => parse_number(self.rec.get(i).unwrap_or_default()),
        }
    }
}

/// Context for reading rows: file name, column names for messages.
struct Ctx<'a> {
    file: &'a str,
    header: &'a [Vec<u8>],
    /// Added to the csv reader's line of a data record.
    line_offset: usize,
    /// Dates with the year last are day/month/year.
    day_first: bool,
    /// Numbers use a decimal comma (see [`decimal_comma`]).
    decimal_comma: bool,
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

    fn line(&self, rec: &ByteRecord) -> usize {
        rec.position().map_or(0, |p| p.line() as usize) + self.line_offset
    }

    fn col(&self, i: usize) -> Option<String> {
        match self.header.get(i) {
            Some(h) if !h.is_empty() => Some(shown(h)),
            _ => Some(format!("#{}", i + 1)),
        }
    }

    fn bad(&self, rec: &ByteRecord, i: usize, expected: Expected) -> IngestError {
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
    fn number(&self, row: &Row, i: usize) -> Result<f64, IngestError> {
        match row.num(i) {
            Num::Value(v) => Ok(v),
            Num::Missing => Ok(f64::NAN),
            Num::Invalid => Err(self.bad(row.rec, i, Expected::Number)),
        }
    }
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
fn rows<'a>(
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
fn asset_name(raw: &[u8]) -> Result<Option<String>, ()> {
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
    if s.chars().count() > super::limits::MAX_ASSET_ID_CHARS {
        return Err(());
    }
    Ok(Some(s.to_lowercase()))
}

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
    let (date_col, ctx, detected) = Ctx::for_file(file, s, day_first)?;
    let price_col = r.price.ok_or_else(|| {
        IngestError::at(file, s.line_offset + 1, None, ErrorKind::NoPriceColumn { header: header_text(s) })
    })?;
    let asset_col = r.asset;
    let mut d = FileData::new(file, format, gzip, Role::Prices);
    d.delimiter = Some(s.delimiter);
    d.day_first_detected = detected;
    d.decimal_comma = ctx.decimal_comma;
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

/// Reads a wide file: `date` then one column per asset holding `role` values.
pub(crate) fn read_wide(
    file: &str,
    s: &Sniffed,
    format: Format,
    gzip: bool,
    role: Role,
    day_first: Option<bool>,
) -> Result<FileData, IngestError> {
    let (date_col, ctx, detected) = Ctx::for_file(file, s, day_first)?;
    let mut d = FileData::new(file, format, gzip, role);
    d.delimiter = Some(s.delimiter);
    d.day_first_detected = detected;
    d.decimal_comma = ctx.decimal_comma;
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

/// The names of a sniffed header (for tests and messages).
#[cfg(test)]
pub(crate) fn names<'a>(s: &'a Sniffed<'_>) -> &'a [String] {
    &s.names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_delimiters_and_roles() {
        let s = sniff("x.csv", b"\"timeOpen\";\"name\";\"close\";\"marketCap\"\n1;2;3;4\n").unwrap();
        assert_eq!(s.delimiter, b';');
        assert_eq!(names(&s), ["timeopen", "name", "close", "marketcap"]);
        assert_eq!(detect("x.csv", &s).unwrap(), Format::CoinMarketCap);
        let s = sniff("x.csv", b"Date\tOpen\tHigh\tLow\tClose\tAdj Close\tVolume\n").unwrap();
        assert_eq!((s.delimiter, s.roles.price), (b'\t', Some(5)));
        assert_eq!(detect("x.csv", &s).unwrap(), Format::Yahoo);
        let s = sniff("market-caps.csv", b"date,BTC,ETH\n").unwrap();
        assert_eq!(detect("market-caps.csv", &s).unwrap(), Format::WideMarketCaps);
        let s = sniff("x.csv", b"https://www.CryptoDataDownload.com\nunix,date,symbol,open,high,low,close\n").unwrap();
        assert_eq!((s.banner, s.line_offset), (true, 1));
        assert_eq!(detect("x.csv", &s).unwrap(), Format::CryptoDataDownload);
        assert!(sniff("x.csv", b"date|price\n").is_err());
    }

    #[test]
    fn asset_names() {
        assert_eq!(asset_name(b" BTC/USD "), Ok(Some("btc".into())));
        assert_eq!(asset_name(b"2781"), Ok(None));
        assert_eq!(asset_name(b"\xff"), Err(()));
    }
}
