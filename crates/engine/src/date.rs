//! Calendar dates as UTC days.
//!
//! A [`Date`] is a count of days since 1970-01-01 (the Unix epoch), so the
//! engine needs no clock and no time-zone database. Conversions use the
//! proleptic Gregorian calendar (Howard Hinnant's `days_from_civil`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A UTC calendar day, stored as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Date(pub i32);

impl Date {
    /// The date for a year, month (1..=12) and day (1..=31); `None` when the
    /// day does not exist (e.g. 2021-02-29).
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        let y = if month <= 2 { year - 1 } else { year };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = month as i32;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    /// The day containing a Unix timestamp in seconds (UTC).
    pub fn from_unix_seconds(secs: i64) -> Date {
        Date(secs.div_euclid(86_400) as i32)
    }

    /// `(year, month, day)` of this date.
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i32::from(m <= 2);
        (y, m, d)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    pub fn month(self) -> u32 {
        self.ymd().1
    }

    /// ISO weekday: Monday = 1 ... Sunday = 7.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (4).
        ((self.0 as i64 + 3).rem_euclid(7) + 1) as u32
    }

    /// Key of the ISO week (Monday start) containing this date: the date of
    /// that week's Monday. Two dates share an ISO week iff their keys match.
    pub fn week_key(self) -> i32 {
        self.0 - (self.weekday() as i32 - 1)
    }

    /// Key of the calendar month: `year * 12 + month - 1`.
    pub fn month_key(self) -> i32 {
        let (y, m, _) = self.ymd();
        y * 12 + m as i32 - 1
    }

    /// Key of the calendar quarter: `year * 4 + (month - 1) / 3`.
    pub fn quarter_key(self) -> i32 {
        let (y, m, _) = self.ymd();
        y * 4 + (m as i32 - 1) / 3
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let y = s[0..4].parse().ok()?;
        let m = s[5..7].parse().ok()?;
        let d = s[8..10].parse().ok()?;
        Date::from_ymd(y, m, d)
    }
}

/// Days in a month of the proleptic Gregorian calendar.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_known_dates() {
        assert_eq!(Date::from_ymd(1970, 1, 1), Some(Date(0)));
        assert_eq!(Date::from_ymd(2000, 3, 1), Some(Date(11_017)));
        assert_eq!(Date::from_ymd(2021, 2, 29), None);
        assert_eq!(Date(18_628).to_string(), "2021-01-01");
        assert_eq!(Date::parse_iso("2013-04-28").unwrap().to_string(), "2013-04-28");
    }

    #[test]
    fn round_trip_over_centuries() {
        for n in -200_000..200_000 {
            let (y, m, d) = Date(n).ymd();
            assert_eq!(Date::from_ymd(y, m, d), Some(Date(n)));
        }
    }

    #[test]
    fn weekdays_and_keys() {
        // 2024-01-01 was a Monday.
        let mon = Date::from_ymd(2024, 1, 1).unwrap();
        assert_eq!(mon.weekday(), 1);
        assert_eq!(Date(mon.0 + 6).weekday(), 7);
        assert_eq!(Date(mon.0 + 6).week_key(), mon.0);
        assert_ne!(Date(mon.0 + 7).week_key(), mon.0);
        assert_eq!(Date::from_ymd(2024, 3, 31).unwrap().quarter_key(), 2024 * 4);
        assert_eq!(Date::from_ymd(2024, 4, 1).unwrap().quarter_key(), 2024 * 4 + 1);
    }
}
