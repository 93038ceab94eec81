//! A CSV file's first lines: blank lines and a banner skipped, the
//! delimiter, the header's names and their roles, and the format they show.

use crate::ingest::error::{shown, ErrorKind, IngestError};
use crate::ingest::parse::trim;
use crate::ingest::Format;
use csv::ByteRecord;

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
    pub(super) body: &'a [u8],
    /// Lines before the header (blank lines, a banner).
    pub(super) line_offset: usize,
    pub(super) delimiter: u8,
    pub(super) raw_header: Vec<Vec<u8>>,
    pub(super) names: Vec<String>,
    pub(super) roles: Roles,
    pub(super) banner: bool,
    /// Lines end in CRLF (judged from the header line): the csv reader then
    /// counts a data record's line one short, corrected in [`Ctx`](super::reader::Ctx).
    pub(super) crlf: bool,
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
    if separators >= crate::ingest::limits::MAX_COLUMNS {
        return Err(IngestError::at(
            name,
            line_offset + 1,
            None,
            ErrorKind::TooManyColumns { found: separators + 1, limit: crate::ingest::limits::MAX_COLUMNS },
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

pub(super) fn header_text(s: &Sniffed) -> String {
    let h: Vec<String> = s.raw_header.iter().map(|h| String::from_utf8_lossy(h).into_owned()).collect();
    let joined = h.join(&(s.delimiter as char).to_string());
    if joined.chars().count() > 80 {
        format!("{}...", joined.chars().take(80).collect::<String>())
    } else {
        joined
    }
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
}
