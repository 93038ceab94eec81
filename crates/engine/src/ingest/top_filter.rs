//! The optional load filter "only coins that were ever in the top K by
//! market cap" ([`IngestOptions::ever_top`](super::IngestOptions)).
//!
//! A survivorship-free export of every coin holds thousands of coins that
//! never mattered to any index; keeping only those that were in the top K on
//! at least one day makes the table a fraction of the size. It runs on the
//! rows as read, before the day x asset table is built, so the full
//! rectangle is never held in memory.
//!
//! # Convention
//! - A coin's rank on a day is its position by the market cap its rows give
//!   that day (a market-cap column of a price file, or a file of caps), among
//!   all coins with a cap that day, largest first; ties keep the order of
//!   the coins' ids. Caps computed from a supply file, and carried-forward
//!   gap days, do not count.
//! - Coins without any market cap cannot be ranked and are left out; when no
//!   coin has one, nothing is filtered and the report says so.
//! - Stablecoins and copies count in the ranking. So a Top N universe on the
//!   filtered data is the same as on all of it whenever N plus the excluded
//!   coins that rank above it stays within K: choose K with room to spare
//!   (twice N is plenty for CoinGecko data).

use super::table::{FileData, Role};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What the filter did, for the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopFilter {
    /// The K asked for.
    pub k: usize,
    /// Coins kept (ever in the top K).
    pub kept: usize,
    /// Coins with prices before the filter.
    pub of: usize,
    /// Coins left out because no row gave them a market cap.
    pub without_caps: usize,
}

impl TopFilter {
    /// The report's sentence.
    pub fn sentence(&self) -> String {
        if self.kept == self.of {
            return format!(
                "Only coins ever in the top {} by market cap were asked for: all {} were, so nothing was left out",
                self.k, self.of
            );
        }
        let mut s = format!(
            "Only the {} of {} coins that were ever in the top {} by market cap were loaded",
            self.kept, self.of, self.k
        );
        if self.without_caps > 0 {
            s.push_str(&format!(" ({} had no market cap to rank)", self.without_caps));
        }
        s
    }
}

/// The caps each file's rows give: a price file's market-cap column or a
/// file of caps.
fn caps_of(d: &FileData) -> Option<&[f64]> {
    match d.role {
        Role::Prices => d.cap.as_deref(),
        Role::Caps => Some(&d.value),
        _ => None,
    }
}

/// Which of `ids` (the panel's assets, sorted) were ever in the top `k` by
/// market cap, reading the caps of `data` through `maps` (per file and
/// column, the index in `ids`), and how many have any market cap at all.
/// `None` when no row has a market cap.
pub(super) fn ever_top(
    data: &[FileData],
    maps: &[Vec<Option<usize>>],
    n_ids: usize,
    k: usize,
) -> Option<(Vec<bool>, usize)> {
    // Every (day, cap, asset) with a positive finite cap.
    let mut by_day: HashMap<i32, Vec<(f64, usize)>> = HashMap::new();
    let mut has_cap = vec![false; n_ids];
    for (d, m) in data.iter().zip(maps) {
        let Some(caps) = caps_of(d) else { continue };
        for ((&date, &a), &cap) in d.date.iter().zip(&d.asset).zip(caps) {
            if let (Some(g), true) = (m[a as usize], cap.is_finite() && cap > 0.0) {
                by_day.entry(date).or_default().push((cap, g));
                has_cap[g] = true;
            }
        }
    }
    if by_day.is_empty() {
        return None;
    }
    let mut keep = vec![false; n_ids];
    for day in by_day.values_mut() {
        // Largest cap first; equal caps by asset index (the ids' order).
        let order = |x: &(f64, usize), y: &(f64, usize)| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1));
        if day.len() > k {
            day.select_nth_unstable_by(k, order);
            day.truncate(k);
        }
        for &(_, g) in day.iter() {
            keep[g] = true;
        }
    }
    Some((keep, has_cap.iter().filter(|&&h| h).count()))
}

#[cfg(test)]
mod tests {
    use crate::ingest::{load, IngestOptions, InputFile};

    fn csv(rows: &[(&str, &str, f64)]) -> Vec<u8> {
        let mut s = String::from("date,asset,price,market_cap\n");
        for (d, a, cap) in rows {
            s.push_str(&format!("{d},{a},1.5,{cap}\n"));
        }
        s.into_bytes()
    }

    #[test]
    fn keeps_the_coins_ever_in_the_top_k_and_says_so() {
        // Day 1: a > b > c > d; day 2: d jumps to first; e never has a cap.
        let mut bytes = csv(&[
            ("2021-01-01", "a", 400.0),
            ("2021-01-01", "b", 300.0),
            ("2021-01-01", "c", 200.0),
            ("2021-01-01", "d", 100.0),
            ("2021-01-02", "a", 400.0),
            ("2021-01-02", "b", 300.0),
            ("2021-01-02", "c", 200.0),
            ("2021-01-02", "d", 900.0),
        ]);
        bytes.extend_from_slice(b"2021-01-01,e,2.0,\n2021-01-02,e,2.0,\n");
        let files = [InputFile::new("all.csv", &bytes)];
        let all = load(&files, &IngestOptions::default()).unwrap();
        assert_eq!(all.panel.n_assets(), 5);
        assert_eq!(all.report.top_filter, None);

        let opts = IngestOptions { ever_top: Some(2), ..IngestOptions::default() };
        let top = load(&files, &opts).unwrap();
        let ids: Vec<&str> = top.panel.assets().iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "d"]);
        let f = top.report.top_filter.clone().unwrap();
        assert_eq!((f.k, f.kept, f.of, f.without_caps), (2, 3, 5, 1));
        assert!(top.report.warnings.iter().any(|w| w.contains("Only the 3 of 5 coins")), "{:?}", top.report.warnings);
        // The kept coins' numbers are those of the whole load.
        let a = all.panel.asset_index("d").unwrap();
        let b = top.panel.asset_index("d").unwrap();
        for t in 0..2 {
            assert_eq!(all.panel.market_cap(t, a).to_bits(), top.panel.market_cap(t, b).to_bits());
        }
    }

    #[test]
    fn without_caps_nothing_is_filtered() {
        let bytes = b"date,asset,price\n2021-01-01,a,1\n2021-01-01,b,2\n2021-01-02,a,1\n2021-01-02,b,2\n".to_vec();
        let opts = IngestOptions { ever_top: Some(1), ..IngestOptions::default() };
        let loaded = load(&[InputFile::new("p.csv", &bytes)], &opts).unwrap();
        assert_eq!(loaded.panel.n_assets(), 2);
        assert!(loaded.report.warnings.iter().any(|w| w.contains("no market caps")), "{:?}", loaded.report.warnings);
    }
}
