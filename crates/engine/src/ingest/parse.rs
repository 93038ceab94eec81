//! Byte-level parsers for the values found in price files: numbers and dates.
//!
//! Both work on the raw bytes of one CSV field and never allocate.

use crate::date::Date;
use serde::{Deserialize, Serialize};

/// What a numeric field held.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Num {
    /// A number (possibly `NaN` or infinite when the text said so, e.g. `NaN`, `inf`, `1e999`).
    Value(f64),
    /// Blank, `-`, `null`, `N/A`: the value is missing.
    Missing,
    /// Not a number.
    Invalid,
}

/// Parses a number with optional surrounding spaces and optional thousands
/// separators (`1,234,567.8`: groups of exactly three digits). Currency and
/// percent signs are not accepted. Blank, `-`, `--`, `null`, `none`, `na` and
/// `n/a` mean missing; `NaN` and `inf` parse as the non-finite values they name.
pub(crate) fn parse_number(field: &[u8]) -> Num {
    // Bytes that are not UTF-8 cannot be a number.
    match std::str::from_utf8(field) {
        Ok(s) => parse_number_str(s),
        Err(_) => Num::Invalid,
    }
}

/// [`parse_number`] on text already known to be UTF-8.
pub(crate) fn parse_number_str(s: &str) -> Num {
    let s = s.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\r' | '\n'));
    let f = s.as_bytes();
    if f.is_empty() {
        return Num::Missing;
    }
    match s {
        "-" | "--" | "\u{2014}" | "\u{2013}" => return Num::Missing,
        _ => {}
    }
    if f.len() <= 4 && (eq_ci(f, b"null") || eq_ci(f, b"none") || eq_ci(f, b"n/a") || eq_ci(f, b"na")) {
        return Num::Missing;
    }
    // `str::parse::<f64>` accepts `+1`, `1e5`, `.5`, `inf`, `NaN`.
    if let Ok(v) = s.parse::<f64>() {
        return Num::Value(v);
    }
    // Thousands separators: copy the digits into a small stack buffer.
    if f.contains(&b',') {
        if let Some(v) = parse_grouped(f) {
            return Num::Value(v);
        }
    }
    Num::Invalid
}

/// [`parse_number_str`] for a file whose numbers use a decimal comma
/// (`1.234,56`, `0,123`): `,` is the decimal mark and `.` separates groups of
/// three digits. A field without a comma is read as an integer with `.`
/// groups (`1.234` = 1234) if it has that shape, otherwise as usual.
pub(crate) fn parse_number_comma(s: &str) -> Num {
    let t = s.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\r' | '\n'));
    let f = t.as_bytes();
    if !f.contains(&b',') && !dot_grouped(f) {
        return parse_number_str(s);
    }
    let (int_part, frac) = match t.rsplit_once(',') {
        Some((i, fr)) => (i.as_bytes(), fr.as_bytes()),
        None => (f, &b""[..]),
    };
    let (sign, digits) = match int_part.first() {
        Some(b'-') => ("-", &int_part[1..]),
        Some(b'+') => ("", &int_part[1..]),
        _ => ("", int_part),
    };
    let int_ok = if digits.contains(&b'.') { dot_grouped(digits) } else { digits.iter().all(u8::is_ascii_digit) };
    if digits.is_empty() || !int_ok || !frac.iter().all(u8::is_ascii_digit) || (f.contains(&b',') && frac.is_empty()) {
        return Num::Invalid;
    }
    let int: String = digits.iter().filter(|&&c| c != b'.').map(|&c| c as char).collect();
    let frac = std::str::from_utf8(frac).unwrap_or("0");
    match format!("{sign}{int}.{frac}0").parse::<f64>() {
        Ok(v) => Num::Value(v),
        Err(_) => Num::Invalid,
    }
}

/// Digits in groups of three separated by dots, the first group of 1 to 3
/// digits: `1.234`, `12.345.678` (at least one dot).
fn dot_grouped(f: &[u8]) -> bool {
    let mut groups = f.split(|&c| c == b'.');
    let first = groups.next().unwrap_or_default();
    let mut n = 0;
    let rest_ok = groups.all(|g| {
        n += 1;
        g.len() == 3 && g.iter().all(u8::is_ascii_digit)
    });
    n > 0 && rest_ok && (1..=3).contains(&first.len()) && first.iter().all(u8::is_ascii_digit)
}

/// Whether a field that is not a number looks like one written with a decimal
/// comma (`12,5`, `1.234,56`, `0,123`).
pub(crate) fn looks_decimal_comma(field: &[u8]) -> bool {
    let f = trim(field);
    let f = f.strip_prefix(b"-").unwrap_or(f);
    matches!(std::str::from_utf8(f).map(parse_number_comma), Ok(Num::Value(_))) && f.contains(&b',')
}

/// How a number field in a `;`-separated file votes on its decimal mark:
/// `Some(true)` only a decimal comma reads it (`1.234,56`, `12,5`, `0,123`),
/// `Some(false)` only a decimal point does (`44955.45`, `1,234.56`), `None`
/// either or neither (`12`, `1,234`, `abc`).
pub(crate) fn decimal_comma_vote(field: &[u8]) -> Option<bool> {
    let f = trim(field);
    let s = std::str::from_utf8(f).ok()?;
    let comma = matches!(parse_number_comma(s), Num::Value(_));
    let point = matches!(parse_number_str(s), Num::Value(_));
    let zero_lead = {
        let u = f.strip_prefix(b"-").unwrap_or(f);
        u.starts_with(b"0,")
    };
    match (comma, point) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        (true, true) if zero_lead => Some(true),
        (true, true) => {
            // `1,234` or `1.234`: a point file would not write `1.234` for 1234 or 1.234 the other way.
            let digits_after = |c: u8| f.iter().rposition(|&x| x == c).map(|p| f.len() - p - 1);
            match (digits_after(b','), digits_after(b'.')) {
                (Some(_), Some(_)) => None,
                (None, Some(n)) if n != 3 => Some(false),
                (Some(n), None) if n != 3 => Some(true),
                _ => None,
            }
        }
        (false, false) => None,
    }
}

fn parse_plain(f: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(f).ok()?;
    s.parse::<f64>().ok()
}

fn parse_grouped(f: &[u8]) -> Option<f64> {
    let mut buf = [0u8; 64];
    if f.len() > buf.len() {
        return None;
    }
    let int_end = f.iter().position(|&c| c == b'.' || c == b'e' || c == b'E').unwrap_or(f.len());
    let (int_part, rest) = f.split_at(int_end);
    if rest.contains(&b',') {
        return None;
    }
    let digits = match int_part.first() {
        Some(b'-') | Some(b'+') => &int_part[1..],
        _ => int_part,
    };
    let mut groups = digits.split(|&c| c == b',');
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 || !first.iter().all(u8::is_ascii_digit) {
        return None;
    }
    for g in groups {
        if g.len() != 3 || !g.iter().all(u8::is_ascii_digit) {
            return None;
        }
    }
    let mut n = 0;
    for &c in f.iter().filter(|&&c| c != b',') {
        buf[n] = c;
        n += 1;
    }
    parse_plain(&buf[..n])
}

pub(crate) fn trim(mut f: &[u8]) -> &[u8] {
    while let [b' ' | b'\t' | b'\r' | b'\n', rest @ ..] = f {
        f = rest;
    }
    while let [rest @ .., b' ' | b'\t' | b'\r' | b'\n'] = f {
        f = rest;
    }
    f
}

fn eq_ci(a: &[u8], b: &[u8]) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// How a date was written; the report lists the styles seen in each file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateStyle {
    /// `2021-03-15`, optionally with a time: `2021-03-15 00:00:00 UTC`, `2021-03-15T00:00:00.000Z`.
    Iso,
    /// `2021/03/15`.
    Slashed,
    /// `Mar 15, 2021` or `March 15, 2021`.
    MonthName,
    /// Unix time in seconds.
    UnixSeconds,
    /// Unix time in milliseconds.
    UnixMillis,
    /// `03/15/2021` or `3.15.2021`: month first (the default when the order cannot be told).
    MonthFirst,
    /// `15/03/2021` or `15.03.2021`: day first (detected, or set by `IngestOptions::day_first`).
    DayFirst,
}

impl DateStyle {
    pub(crate) fn bit(self) -> u8 {
        1 << (self as u8)
    }

    pub(crate) fn describe(self) -> &'static str {
        match self {
            DateStyle::Iso => "YYYY-MM-DD",
            DateStyle::Slashed => "YYYY/MM/DD",
            DateStyle::MonthName => "Mon DD, YYYY",
            DateStyle::UnixSeconds => "Unix seconds",
            DateStyle::UnixMillis => "Unix milliseconds",
            DateStyle::MonthFirst => "MM/DD/YYYY",
            DateStyle::DayFirst => "DD/MM/YYYY",
        }
    }

    pub(crate) fn all() -> [DateStyle; 7] {
        [
            DateStyle::Iso,
            DateStyle::Slashed,
            DateStyle::MonthName,
            DateStyle::UnixSeconds,
            DateStyle::UnixMillis,
            DateStyle::MonthFirst,
            DateStyle::DayFirst,
        ]
    }
}

/// A parsed timestamp: its day, whether it was exactly midnight, its style,
/// and whether it carried a non-zero UTC offset (`+02:00`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Stamp {
    pub date: Date,
    pub midnight: bool,
    pub style: DateStyle,
    pub offset: bool,
}

/// Unix values at or above this are read as milliseconds (1e11 s is the year 5138).
const MILLIS_THRESHOLD: i64 = 100_000_000_000;

/// Parses a date or timestamp. A time is snapped to its day: in UTC (`Z`,
/// `UTC`) to the UTC day, but with a UTC offset (`+02:00`, `-0500`) to the
/// calendar date as written (the local date: a daily series stamped at local
/// midnight or late evening keeps one row per day); `midnight` is false when a
/// time other than 00:00:00.000 was given.
///
/// `day_first` chooses how a date with the year last (`03/04/2021`,
/// `03.04.2021`) is read: day/month/year when true, else month/day/year.
pub(crate) fn parse_date(field: &[u8], day_first: bool) -> Option<Stamp> {
    let f = trim(field);
    if f.is_empty() {
        return None;
    }
    if f[0].is_ascii_digit() && f.iter().all(u8::is_ascii_digit) {
        return parse_unix(f);
    }
    if f[0].is_ascii_alphabetic() {
        return parse_month_name(f);
    }
    if let Some((a, b, sep_end)) = year_last_parts(f) {
        let (m, d) = if day_first { (b, a) } else { (a, b) };
        let date = Date::from_ymd(digits(&f[sep_end..sep_end + 4])? as i32, m, d)?;
        let style = if day_first { DateStyle::DayFirst } else { DateStyle::MonthFirst };
        let rest = &f[sep_end + 4..];
        if rest.is_empty() {
            return Some(Stamp { date, midnight: true, style, offset: false });
        }
        let (secs, millis_nonzero, offset) = parse_time(rest)?;
        return Some(Stamp { date, midnight: secs == 0 && !millis_nonzero, style, offset });
    }
    if f.len() < 10 || !f[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sep = f[4];
    if (sep != b'-' && sep != b'/') || f[7] != sep {
        return None;
    }
    let y = digits(&f[0..4])? as i32;
    let m = digits(&f[5..7])?;
    let d = digits(&f[8..10])?;
    let date = Date::from_ymd(y, m, d)?;
    let style = if sep == b'-' { DateStyle::Iso } else { DateStyle::Slashed };
    let rest = &f[10..];
    if rest.is_empty() {
        return Some(Stamp { date, midnight: true, style, offset: false });
    }
    let (secs, millis_nonzero, offset) = parse_time(rest)?;
    Some(Stamp { date, midnight: secs == 0 && !millis_nonzero, style, offset })
}

/// The two numbers before the year of a date written with the year last
/// (`25/12/2021`, `1.2.2021`: one or two digits each, `/` or `.` between, a
/// four-digit year), and where the year starts.
pub(crate) fn year_last_parts(f: &[u8]) -> Option<(u32, u32, usize)> {
    let f = trim(f);
    let n1 = f.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=2).contains(&n1) {
        return None;
    }
    let sep = *f.get(n1)?;
    if sep != b'/' && sep != b'.' {
        return None;
    }
    let r = &f[n1 + 1..];
    let n2 = r.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=2).contains(&n2) || r.get(n2) != Some(&sep) {
        return None;
    }
    let year_at = n1 + 1 + n2 + 1;
    let year = f.get(year_at..year_at + 4)?;
    if !year.iter().all(u8::is_ascii_digit) || f.get(year_at + 4).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some((digits(&f[..n1])?, digits(&r[..n2])?, year_at))
}

fn parse_unix(f: &[u8]) -> Option<Stamp> {
    if f.len() > 15 {
        return None;
    }
    let v: i64 = f.iter().fold(0i64, |acc, &c| acc * 10 + (c - b'0') as i64);
    let (secs, frac, style) = if v >= MILLIS_THRESHOLD {
        (v / 1000, v % 1000 != 0, DateStyle::UnixMillis)
    } else {
        (v, false, DateStyle::UnixSeconds)
    };
    Some(Stamp { date: Date::from_unix_seconds(secs), midnight: secs % 86_400 == 0 && !frac, style, offset: false })
}

/// Time of day after the date: `[T ]HH:MM[:SS[.fff]]` then an optional zone
/// (`Z`, `UTC`, `GMT`, `+HH:MM`, `+HHMM`, `-HH`). Returns seconds from the
/// date's midnight (the offset is not applied: the time stays local), whether
/// sub-second digits were non-zero and whether a non-zero offset was given.
fn parse_time(rest: &[u8]) -> Option<(i64, bool, bool)> {
    let (&first, mut r) = rest.split_first()?;
    if first != b' ' && first != b'T' && first != b't' {
        return None;
    }
    r = trim_start(r);
    if r.is_empty() {
        return Some((0, false, false));
    }
    if r.len() < 5 || r[2] != b':' {
        return None;
    }
    let h = digits(&r[0..2])? as i64;
    let mi = digits(&r[3..5])? as i64;
    r = &r[5..];
    let mut s = 0i64;
    let mut frac_nonzero = false;
    if let [b':', a, b, tail @ ..] = r {
        s = digits(&[*a, *b])? as i64;
        r = tail;
        if let [b'.', tail @ ..] = r {
            let n = tail.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            frac_nonzero = tail[..n].iter().any(|&c| c != b'0');
            r = &tail[n..];
        }
    }
    if h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let secs = h * 3600 + mi * 60 + s;
    let zone = trim_start(r);
    let offset = match zone {
        b"" | b"Z" | b"z" => false,
        z if z.eq_ignore_ascii_case(b"utc") || z.eq_ignore_ascii_case(b"gmt") => false,
        [b'+' | b'-', tail @ ..] => parse_offset(tail)? != 0,
        _ => return None,
    };
    Some((secs, frac_nonzero, offset))
}

fn parse_offset(t: &[u8]) -> Option<i64> {
    let (h, m) = match t {
        [a, b] => (digits(&[*a, *b])?, 0),
        [a, b, b':', c, d] | [a, b, c, d] => (digits(&[*a, *b])?, digits(&[*c, *d])?),
        _ => return None,
    };
    if h > 18 || m > 59 {
        return None;
    }
    Some(h as i64 * 3600 + m as i64 * 60)
}

fn trim_start(mut f: &[u8]) -> &[u8] {
    while let [b' ', rest @ ..] = f {
        f = rest;
    }
    f
}

const MONTHS: [&[u8]; 12] = [
    b"january",
    b"february",
    b"march",
    b"april",
    b"may",
    b"june",
    b"july",
    b"august",
    b"september",
    b"october",
    b"november",
    b"december",
];

/// `Dec 02, 2017`, `Dec 2, 2017`, `December 2, 2017`, `Sept 2, 2017`.
fn parse_month_name(f: &[u8]) -> Option<Stamp> {
    let name_len = f.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let name = &f[..name_len];
    if name.len() < 3 {
        return None;
    }
    let m = MONTHS.iter().position(|full| {
        name.len() <= full.len() && full[..name.len()].eq_ignore_ascii_case(name)
            || (name.eq_ignore_ascii_case(b"sept") && full == b"september")
    })? as u32
        + 1;
    let mut r = &f[name_len..];
    if let [b'.', tail @ ..] = r {
        r = tail;
    }
    r = trim_start(r);
    let dn = r.iter().take_while(|c| c.is_ascii_digit()).count();
    if dn == 0 || dn > 2 {
        return None;
    }
    let d = digits(&r[..dn])?;
    r = &r[dn..];
    if let [b',', tail @ ..] = r {
        r = tail;
    }
    r = trim_start(r);
    if r.len() < 4 || !r[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let y = digits(&r[..4])? as i32;
    if !trim(&r[4..]).is_empty() {
        return None;
    }
    Some(Stamp { date: Date::from_ymd(y, m, d)?, midnight: true, style: DateStyle::MonthName, offset: false })
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |acc, &c| acc * 10 + (c - b'0') as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number(b"135.3"), Num::Value(135.3));
        assert_eq!(parse_number(b" 1e3 "), Num::Value(1000.0));
        assert_eq!(parse_number(b"1,234,567.5"), Num::Value(1_234_567.5));
        assert_eq!(parse_number(b"-1,234"), Num::Value(-1234.0));
        assert_eq!(parse_number(b""), Num::Missing);
        assert_eq!(parse_number(b"-"), Num::Missing);
        assert_eq!(parse_number(b"null"), Num::Missing);
        assert_eq!(parse_number(b"N/A"), Num::Missing);
        assert_eq!(parse_number(b"abc"), Num::Invalid);
        assert_eq!(parse_number(b"12,34"), Num::Invalid);
        assert_eq!(parse_number(b"1,2345"), Num::Invalid);
        assert_eq!(parse_number(b"1.5,000"), Num::Invalid);
        assert_eq!(parse_number(b"\xff1"), Num::Invalid);
        assert!(matches!(parse_number(b"NaN"), Num::Value(v) if v.is_nan()));
        assert!(matches!(parse_number(b"1e999"), Num::Value(v) if v.is_infinite()));
    }

    #[test]
    fn decimal_commas() {
        let c = parse_number_comma;
        assert_eq!(c("1.234,56"), Num::Value(1234.56));
        assert_eq!(c("0,123"), Num::Value(0.123));
        assert_eq!(c("-12,5"), Num::Value(-12.5));
        assert_eq!(c("1.234.567"), Num::Value(1_234_567.0));
        assert_eq!(c("1234,5"), Num::Value(1234.5));
        assert_eq!(c("1.5"), Num::Value(1.5));
        assert_eq!(c(""), Num::Missing);
        assert_eq!(c("1,2,3"), Num::Invalid);
        assert_eq!(c("12,"), Num::Invalid);
        assert_eq!(c("1.23,4"), Num::Invalid);
        assert!(looks_decimal_comma(b"12,5") && looks_decimal_comma(b"1.234,56") && looks_decimal_comma(b"0,123"));
        assert!(!looks_decimal_comma(b"abc") && !looks_decimal_comma(b"12.5"));
        assert_eq!(decimal_comma_vote(b"1.234,56"), Some(true));
        assert_eq!(decimal_comma_vote(b"0,123"), Some(true));
        assert_eq!(decimal_comma_vote(b"12,5"), Some(true));
        assert_eq!(decimal_comma_vote(b"44955.45"), Some(false));
        assert_eq!(decimal_comma_vote(b"1,234.56"), Some(false));
        assert_eq!(decimal_comma_vote(b"1,234"), None);
        assert_eq!(decimal_comma_vote(b"12"), None);
    }

    #[test]
    fn dates() {
        let s = parse_date(b"2013-04-28 00:00:00 UTC", false).unwrap();
        assert_eq!((s.date, s.midnight, s.style), (day("2013-04-28"), true, DateStyle::Iso));
        let s = parse_date(b"2017-06-06 23:29:55 UTC", false).unwrap();
        assert_eq!((s.date, s.midnight), (day("2017-06-06"), false));
        let s = parse_date(b"2017-08-02 00:00:00.000", false).unwrap();
        assert_eq!((s.date, s.midnight), (day("2017-08-02"), true));
        let s = parse_date(b"2024-01-01T23:59:59.999Z", false).unwrap();
        assert_eq!((s.date, s.midnight), (day("2024-01-01"), false));
        // With a UTC offset the date is the one written, not the UTC day.
        let s = parse_date(b"2024-01-01T01:00:00+02:00", false).unwrap();
        assert_eq!((s.date, s.midnight, s.offset), (day("2024-01-01"), false, true));
        let s = parse_date(b"2021-03-04T23:30:00+02:00", false).unwrap();
        assert_eq!((s.date, s.offset), (day("2021-03-04"), true));
        let s = parse_date(b"2021-03-04 23:30:00 -0500", false).unwrap();
        assert_eq!((s.date, s.offset), (day("2021-03-04"), true));
        let s = parse_date(b"2021-03-04 00:00:00+0200", false).unwrap();
        assert_eq!((s.date, s.midnight, s.offset), (day("2021-03-04"), true, true));
        let s = parse_date(b"2021-03-04T00:00:00+00:00", false).unwrap();
        assert_eq!((s.date, s.midnight, s.offset), (day("2021-03-04"), true, false));
        assert!(!parse_date(b"2021-03-04T23:30:00Z", false).unwrap().offset);
        let s = parse_date(b"2017/12/02", false).unwrap();
        assert_eq!((s.date, s.style), (day("2017-12-02"), DateStyle::Slashed));
        let s = parse_date(b"Dec 02, 2017", false).unwrap();
        assert_eq!((s.date, s.style), (day("2017-12-02"), DateStyle::MonthName));
        assert_eq!(parse_date(b"September 2, 2017", false).unwrap().date, day("2017-09-02"));
        let s = parse_date(b"1636675200", false).unwrap();
        assert_eq!((s.date, s.midnight, s.style), (day("2021-11-12"), true, DateStyle::UnixSeconds));
        let s = parse_date(b"1636675200000", false).unwrap();
        assert_eq!((s.date, s.style), (day("2021-11-12"), DateStyle::UnixMillis));
        assert!(!parse_date(b"1636675200123", false).unwrap().midnight);
        // Year last: month first unless told otherwise.
        let s = parse_date(b"12/03/2021", false).unwrap();
        assert_eq!((s.date, s.style), (day("2021-12-03"), DateStyle::MonthFirst));
        let s = parse_date(b"12/03/2021", true).unwrap();
        assert_eq!((s.date, s.style), (day("2021-03-12"), DateStyle::DayFirst));
        assert_eq!(parse_date(b"25.12.2021 23:30", true).unwrap().date, day("2021-12-25"));
        assert_eq!(parse_date(b"1/2/2021", true).unwrap().date, day("2021-02-01"));
        assert_eq!(parse_date(b"25/12/2021", false), None);
        assert_eq!(year_last_parts(b"25/12/2021"), Some((25, 12, 6)));
        assert_eq!(year_last_parts(b"2021/12/25"), None);
        assert_eq!(year_last_parts(b"25/12-2021"), None);
        for bad in
            ["", "2021-02-30", "2021-13-01", "13/13/2021", "12/03/21", "yesterday", "2021-01-01 25:00", "2021-01-01x"]
        {
            assert_eq!(parse_date(bad.as_bytes(), false), None, "{bad}");
        }
    }
}
