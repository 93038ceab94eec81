//! CoinGecko API JSON (`/coins/{id}/market_chart`):
//! `{"prices": [[ms, v], ...], "market_caps": [[ms, v], ...], "total_volumes": [[ms, v], ...]}`.
//! Timestamps are Unix milliseconds; values may be `null`. Caps and volumes are
//! matched to prices by UTC day (the last non-null value of a day wins), and
//! several prices on one day are duplicates resolved like CSV rows (last wins).

use super::error::{ErrorKind, IngestError};
use super::parse::{DateStyle, Stamp};
use super::table::{FileData, Role};
use super::Format;
use crate::date::Date;
use serde::Deserialize;
use std::collections::HashMap;

type Series = Vec<(f64, Option<f64>)>;

#[derive(Deserialize)]
struct Chart {
    prices: Series,
    #[serde(default)]
    market_caps: Series,
    #[serde(default)]
    total_volumes: Series,
}

fn stamp(ms: f64) -> Option<Stamp> {
    if !ms.is_finite() || ms.abs() > 1e16 {
        return None;
    }
    let ms = ms as i64;
    let secs = ms.div_euclid(1000);
    Some(Stamp {
        date: Date::from_unix_seconds(secs),
        midnight: ms.rem_euclid(86_400_000) == 0,
        style: DateStyle::UnixMillis,
        offset: false,
    })
}

pub(crate) fn read_json(file: &str, bytes: &[u8], gzip: bool, asset: &str) -> Result<FileData, IngestError> {
    let chart: Chart = serde_json::from_slice(bytes).map_err(|e| IngestError {
        file: Some(file.to_string()),
        line: (e.line() > 0).then_some(e.line()),
        column: None,
        kind: ErrorKind::Json { reason: crate::share::clip(&e.to_string()) },
    })?;
    if chart.prices.is_empty() {
        return Err(IngestError::file(file, ErrorKind::HeaderOnly));
    }
    let mut d = FileData::new(file, Format::CoinGeckoJson, gzip, Role::Prices);
    let a = d.intern(asset);
    d.cap = Some(Vec::with_capacity(chart.prices.len()));
    d.volume = Some(Vec::with_capacity(chart.prices.len()));
    d.has_cap_column = !chart.market_caps.is_empty();
    d.reserve(chart.prices.len());
    let mut row_of_day: HashMap<i32, usize> = HashMap::new();
    for (k, &(ms, v)) in chart.prices.iter().enumerate() {
        let bad_time = || IngestError {
            file: Some(file.to_string()),
            line: None,
            column: Some(format!("prices[{k}]")),
            kind: ErrorKind::BadValue { found: ms.to_string(), expected: super::error::Expected::Date },
        };
        let st = stamp(ms).ok_or_else(bad_time)?;
        d.note_date(a, st);
        match v {
            None => d.note_bad_price(a, st.date.0, true, 0),
            Some(p) => {
                let row = d.value.len();
                if d.price(a, st.date.0, p, 0) {
                    row_of_day.insert(st.date.0, row);
                    for col in [d.cap.as_mut(), d.volume.as_mut()].into_iter().flatten() {
                        col.push(f64::NAN);
                    }
                }
            }
        }
    }
    for (series, target) in [(&chart.market_caps, d.cap.as_mut()), (&chart.total_volumes, d.volume.as_mut())] {
        let Some(target) = target else { continue };
        for &(ms, v) in series {
            if let (Some(st), Some(v)) = (stamp(ms), v) {
                if let Some(&row) = row_of_day.get(&st.date.0) {
                    target[row] = v;
                }
            }
        }
    }
    d.rows = chart.prices.len();
    Ok(d)
}
