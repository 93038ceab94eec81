//! Pegged tokens and copies of another asset, found from the prices alone
//! (no list to keep current; the built-in list in [`crate::exclusions`] is
//! the second line of defence).
//!
//! Two rules, run by the loader on every panel it builds:
//!
//! - **Pegged** (stablecoins, fiat-pegged tokens): an asset whose price
//!   stays within [`PEG_BAND`] (3%) of its median on at least [`SHARE`]
//!   (90%) of its listed days, with a median near 1 USD (0.95 to 1.05) or
//!   near 1 EUR in USD (1.05 to 1.30).
//! - **Copy** (wrapped, bridged, staked tokens): an asset whose price stays
//!   a steady multiple of a bigger asset's: the ratio of the two prices
//!   within [`COPY_BAND`] (5%) of its median on at least [`SHARE`] (90%) of
//!   the days both are listed. The ratio, not the correlation of returns, is
//!   the signal: snapshots of two copies are taken at slightly different
//!   times, so their daily returns may correlate only 0.9, while the ratio
//!   stays within a fraction of a percent of 1. Of the two, the copy is the
//!   smaller by median market cap (when the caps differ by more than half),
//!   else the one with fewer listed days, else the later id. Gold tokens are
//!   caught as copies of one another when two are loaded (gold itself
//!   moves, so it has no fixed peg), and by the list otherwise.
//!
//! Both rules need [`MIN_DAYS`] (60) days: over a few weeks an ordinary coin
//! can look pegged. The thresholds were set on the shared real data: they
//! flag tether, usd-coin, dai, binance-usd, frax, wrapped-bitcoin (a copy of
//! bitcoin, ratio 1.000) and staked-ether (of ethereum, ratio 0.994) in the
//! 2023 top 50, and no ordinary coin there (lido-dao, a governance token
//! whose ratio to ethereum stays within 5% on 10% of days, is not a copy).
//!
//! Cost: the peg rule screens 9 evenly spaced days of each asset (6 must
//! lie in 0.9..1.4) before it takes a median. For copies, every pair of
//! assets is screened on the log ratio at evenly spaced common days: two of
//! the first, middle and last within a 12% window, then 6 of 8 within one;
//! only pairs that pass are checked on every common day. A true copy fails
//! the screen only if two of those few days fall in its rare off-band days.
//! On the 797-coin file the detection adds a few percent to the load
//! (BENCHMARKS.md).

use crate::panel::Panel;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Largest relative distance from the median price of a pegged day.
pub const PEG_BAND: f64 = 0.03;
/// Largest relative distance from the median ratio of a copied day.
pub const COPY_BAND: f64 = 0.05;
/// Smallest share of days inside the band.
pub const SHARE: f64 = 0.90;
/// Fewest listed (or common) days either rule looks at.
pub const MIN_DAYS: usize = 60;

/// Median price ranges taken as a peg to a currency (prices in USD).
const ANCHORS: [(Anchor, f64, f64); 2] = [(Anchor::Usd, 0.95, 1.05), (Anchor::Eur, 1.05, 1.30)];

/// What an asset's price is pegged to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// 1 US dollar.
    Usd,
    /// 1 euro (in US dollars).
    Eur,
}

/// Why an asset was flagged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PegKind {
    /// A stablecoin or pegged token: its median price.
    Pegged { anchor: Anchor, median: f64 },
    /// A copy of another asset: the median of `price / price of `of``.
    Copy { of: String, ratio: f64 },
}

/// One flagged asset with its evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pegged {
    pub id: String,
    pub kind: PegKind,
    /// Days looked at (listed days, or common days for a copy).
    pub days: usize,
    /// Share of those days inside the band.
    pub share: f64,
    /// Median relative distance from the median (price or ratio), 0.004 = 0.4%.
    pub spread: f64,
}

impl Pegged {
    /// Whether this is a copy (wrapped, bridged, staked) rather than a pegged token.
    pub fn is_copy(&self) -> bool {
        matches!(self.kind, PegKind::Copy { .. })
    }
}

impl fmt::Display for Pegged {
    /// "coinbase-wrapped-btc tracks bitcoin: ratio 1.000 ± 0.4% on 99% of 300 common days".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (spread, share) = (self.spread * 100.0, (self.share * 100.0).floor());
        match &self.kind {
            PegKind::Pegged { anchor, median } => {
                let to = match anchor {
                    Anchor::Usd => "1 USD",
                    Anchor::Eur => "1 EUR",
                };
                write!(
                    f,
                    "{} is pegged to {to}: median price {median:.4} ± {spread:.1}%, within {:.0}% on {share:.0}% of {} days",
                    self.id,
                    PEG_BAND * 100.0,
                    self.days
                )
            }
            PegKind::Copy { of, ratio } => write!(
                f,
                "{} tracks {of}: ratio {ratio:.3} ± {spread:.1}%, within {:.0}% on {share:.0}% of {} common days",
                self.id,
                COPY_BAND * 100.0,
                self.days
            ),
        }
    }
}

/// Finds the pegged tokens and copies of a panel, in the panel's asset order.
pub fn detect(panel: &Panel) -> Vec<Pegged> {
    let n = panel.n_assets();
    let mut found: Vec<Option<Pegged>> = vec![None; n];
    let mut buf = Vec::new();
    for (a, info) in panel.assets().iter().enumerate() {
        if info.last + 1 - info.first < MIN_DAYS || !maybe_pegged(panel, a, info.first, info.last) {
            continue;
        }
        buf.clear();
        buf.extend((info.first..=info.last).map(|t| panel.price(t, a)));
        let Some((median, share, spread)) = band_stats(&mut buf, PEG_BAND) else { continue };
        let anchor = ANCHORS.iter().find(|(_, lo, hi)| (*lo..=*hi).contains(&median)).map(|x| x.0);
        if let (Some(anchor), true) = (anchor, share >= SHARE) {
            found[a] = Some(Pegged {
                id: info.id.clone(),
                kind: PegKind::Pegged { anchor, median },
                days: buf.len(),
                share,
                spread,
            });
        }
    }
    for (copy, of, share, ratio, days, spread) in copies(panel, &found) {
        found[copy] = Some(Pegged {
            id: panel.assets()[copy].id.clone(),
            kind: PegKind::Copy { of: panel.assets()[of].id.clone(), ratio },
            days,
            share,
            spread,
        });
    }
    found.into_iter().flatten().collect()
}

/// A cheap screen before the median: a pegged asset has at least 90% of its
/// days within 3% of a median in 0.95..1.30, so nearly all of 9 evenly
/// spaced days lie in 0.9..1.4; at least 6 of them must.
fn maybe_pegged(panel: &Panel, a: usize, first: usize, last: usize) -> bool {
    let inside = (0..9).filter(|k| (0.9..=1.4).contains(&panel.price(first + k * (last - first) / 8, a))).count();
    inside >= 6
}

/// Median of `values`, the share within `band` of it (relative), and the
/// median relative distance from it. Reorders `values`; `None` when empty.
fn band_stats(values: &mut [f64], band: f64) -> Option<(f64, f64, f64)> {
    if values.is_empty() {
        return None;
    }
    let mid = values.len() / 2;
    let median = *values.select_nth_unstable_by(mid, f64::total_cmp).1;
    if !(median.is_finite() && median > 0.0) {
        return None;
    }
    let mut inside = 0usize;
    for v in values.iter_mut() {
        *v = (*v / median - 1.0).abs();
        inside += usize::from(*v <= band);
    }
    let spread = *values.select_nth_unstable_by(mid, f64::total_cmp).1;
    Some((median, inside as f64 / values.len() as f64, spread))
}

/// Days between screening checkpoints.
const STEP: usize = 7;
/// Checkpoints screened per pair, and how many must agree.
const SCREEN: usize = 8;
const SCREEN_AGREE: usize = 6;

/// `(copy, original, share, ratio, common days, spread)` for every asset
/// that copies another (its best match), skipping assets already `flagged`.
#[allow(clippy::type_complexity)]
fn copies(panel: &Panel, flagged: &[Option<Pegged>]) -> Vec<(usize, usize, f64, f64, usize, f64)> {
    let (n, n_days) = (panel.n_assets(), panel.n_days());
    let info = panel.assets();
    let live: Vec<usize> =
        (0..n).filter(|&a| flagged[a].is_none() && info[a].last + 1 - info[a].first >= MIN_DAYS).collect();
    // Log prices at every STEP-th day, asset-major (NaN outside the span):
    // the screen reads a small contiguous table instead of the panel.
    let n_cp = n_days.div_ceil(STEP);
    let mut cp = vec![f32::NAN; live.len() * n_cp];
    for (k, &a) in live.iter().enumerate() {
        for c in 0..n_cp {
            let p = panel.price(c * STEP, a);
            cp[k * n_cp + c] = if p.is_finite() { p.ln() as f32 } else { f32::NAN };
        }
    }
    // Median caps, computed for the few pairs that pass (NaN: not yet).
    let mut sizes: Vec<f64> = vec![f64::NAN; live.len()];
    let mut size = |k: usize| {
        if sizes[k].is_nan() {
            sizes[k] = median_cap(panel, live[k]);
        }
        sizes[k]
    };
    let window = (2.0 * (1.0 + COPY_BAND + 0.01f64).ln()) as f32;
    // An asset whose price barely moves (a dead coin at a frozen price) has a
    // steady ratio to any other frozen one: that is no copy. Only assets
    // whose sampled prices span more than the band take part.
    let moves: Vec<bool> = (0..live.len())
        .map(|k| {
            let row = cp[k * n_cp..(k + 1) * n_cp].iter().filter(|v| v.is_finite());
            let (lo, hi) = row.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
            hi - lo > window
        })
        .collect();
    let mut best: Vec<Option<(usize, usize, f64, f64, usize, f64)>> = vec![None; n];
    let mut ratios = Vec::new();
    let mut d = [0f32; SCREEN];
    for i in (0..live.len()).filter(|&i| moves[i]) {
        for j in (i + 1..live.len()).filter(|&j| moves[j]) {
            let (a, b) = (live[i], live[j]);
            let lo = info[a].first.max(info[b].first);
            let hi = info[a].last.min(info[b].last);
            if hi < lo || hi + 1 - lo < MIN_DAYS {
                continue;
            }
            let (c0, c1) = (lo.div_ceil(STEP), hi / STEP);
            if c1 < c0 + SCREEN - 1 {
                continue;
            }
            let (ra, rb) = (&cp[i * n_cp..(i + 1) * n_cp], &cp[j * n_cp..(j + 1) * n_cp]);
            // First and last checkpoint and the middle one: a copy has two of
            // the three within the window (unrelated coins rarely do).
            let cm = (c0 + c1) / 2;
            let (x0, xm, x1) = (ra[c0] - rb[c0], ra[cm] - rb[cm], ra[c1] - rb[c1]);
            if !((x0 - xm).abs() <= window || (xm - x1).abs() <= window || (x0 - x1).abs() <= window) {
                continue;
            }
            for (s, x) in d.iter_mut().enumerate() {
                let c = c0 + s * (c1 - c0) / (SCREEN - 1);
                *x = ra[c] - rb[c];
            }
            d.sort_unstable_by(f32::total_cmp);
            if !(0..=SCREEN - SCREEN_AGREE).any(|s| d[s + SCREEN_AGREE - 1] - d[s] <= window) {
                continue;
            }
            ratios.clear();
            ratios.extend((lo..=hi).map(|t| panel.price(t, a) / panel.price(t, b)));
            let days = ratios.len();
            let Some((ratio, share, spread)) = band_stats(&mut ratios, COPY_BAND) else { continue };
            if share < SHARE {
                continue;
            }
            // The copy is the smaller asset (see the module docs).
            let a_is_copy = match (size(i), size(j)) {
                (x, y) if x > 1.5 * y => false,
                (x, y) if y > 1.5 * x => true,
                _ => {
                    let (la, lb) = (info[a].last - info[a].first, info[b].last - info[b].first);
                    la < lb || (la == lb && info[a].id > info[b].id)
                }
            };
            let (copy, of, ratio) = if a_is_copy { (a, b, ratio) } else { (b, a, 1.0 / ratio) };
            let mut size_of = |x: usize| size(live.iter().position(|&l| l == x).unwrap_or(0));
            let better = best[copy].is_none_or(|(_, prev, ..)| size_of(of) > size_of(prev));
            if better {
                best[copy] = Some((copy, of, share, ratio, days, spread));
            }
        }
    }
    best.into_iter().flatten().collect()
}

/// Median of the asset's finite, positive market caps; 0 without any.
fn median_cap(panel: &Panel, a: usize) -> f64 {
    let info = &panel.assets()[a];
    let mut v: Vec<f64> =
        (info.first..=info.last).map(|t| panel.market_cap(t, a)).filter(|c| c.is_finite() && *c > 0.0).collect();
    if v.is_empty() {
        return 0.0;
    }
    let mid = v.len() / 2;
    *v.select_nth_unstable_by(mid, f64::total_cmp).1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;

    /// A seeded random walk with daily volatility `vol`.
    fn walk(seed: u64, days: usize, start: f64, vol: f64) -> Vec<f64> {
        let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let mut p = start;
        (0..days)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let u = (x >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
                p *= (vol * 3.46 * u).exp();
                p
            })
            .collect()
    }

    /// Independent daily wobbles `exp(amp * u)`, `u` uniform in -0.5..0.5 (a
    /// random walk with zero volatility, so `walk(seed, days, 1.0, 0)` steps).
    fn wobble(seed: u64, days: usize, amp: f64) -> Vec<f64> {
        let steps = walk(seed, days + 1, 1.0, amp / 3.46);
        (0..days).map(|t| steps[t + 1] / steps[t]).collect()
    }

    fn panel(series: &[(&str, Vec<f64>, f64)]) -> Panel {
        let days = series[0].1.len();
        let n = series.len();
        let mut price = vec![f64::NAN; days * n];
        let mut cap = vec![f64::NAN; days * n];
        for (a, (_, s, supply)) in series.iter().enumerate() {
            for t in 0..days {
                price[t * n + a] = s[t];
                cap[t * n + a] = s[t] * supply;
            }
        }
        let dates = (0..days as i32).map(|i| Date(18_000 + i)).collect();
        let ids = series.iter().map(|s| s.0.to_string()).collect();
        Panel::new(dates, ids, price, cap, vec![f64::NAN; days * n], vec![]).unwrap()
    }

    #[test]
    fn planted_pegs_and_copies_are_found_and_ordinary_coins_are_not() {
        let days = 400;
        let btc = walk(1, days, 30_000.0, 0.04);
        let eth = walk(2, days, 2_000.0, 0.05);
        let noise = wobble(3, days, 0.008);
        let noise2 = wobble(4, days, 0.03);
        // A wrapped copy: bitcoin times a small wobble, with a 20-day depeg.
        let wrapped: Vec<f64> =
            (0..days).map(|t| btc[t] * noise[t] * if (200..220).contains(&t) { 0.85 } else { 1.0 }).collect();
        // A staked copy at a steady discount.
        let staked: Vec<f64> = (0..days).map(|t| eth[t] * 0.97 * noise2[t]).collect();
        let usd: Vec<f64> = noise.iter().map(|x| x.powf(2.0)).collect();
        let eur: Vec<f64> = noise.iter().map(|x| 1.12 * x).collect();
        // A coin trading near 1 USD but not pegged, and a governance token
        // that moves with its chain but is not a copy.
        let near_one = walk(5, days, 1.0, 0.05);
        let gov: Vec<f64> = (0..days).map(|t| eth[t] / 1000.0 * walk(6, days, 1.0, 0.03)[t]).collect();
        let p = panel(&[
            ("btc", btc, 19e6),
            ("eth", eth, 120e6),
            ("wrapped", wrapped, 1e5),
            ("staked", staked, 9e6),
            ("usd", usd, 1e9),
            ("eur", eur, 1e8),
            ("near-one", near_one, 1e9),
            ("gov", gov, 1e9),
        ]);
        let found = detect(&p);
        let ids: Vec<&str> = found.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["wrapped", "staked", "usd", "eur"], "{found:#?}");
        assert_eq!(found[0].kind, PegKind::Copy { of: "btc".into(), ratio: found_ratio(&found[0]) });
        assert!((found_ratio(&found[0]) - 1.0).abs() < 0.01 && (found_ratio(&found[1]) - 0.97).abs() < 0.02);
        assert!(matches!(found[1].kind, PegKind::Copy { ref of, .. } if of == "eth"));
        assert!(matches!(found[2].kind, PegKind::Pegged { anchor: Anchor::Usd, .. }));
        assert!(matches!(found[3].kind, PegKind::Pegged { anchor: Anchor::Eur, .. }));
        assert!(found[0].share > 0.9 && found[0].share < 0.96, "the depeg counts against the share");
        let text = found[0].to_string();
        assert!(text.starts_with("wrapped tracks btc: ratio 1.0") && text.contains("common days"), "{text}");
    }

    fn found_ratio(p: &Pegged) -> f64 {
        match p.kind {
            PegKind::Copy { ratio, .. } => ratio,
            _ => f64::NAN,
        }
    }

    #[test]
    fn short_histories_are_not_judged() {
        let p = panel(&[("usd", vec![1.0; 59], 1e9), ("btc", walk(1, 59, 100.0, 0.04), 1e6)]);
        assert!(detect(&p).is_empty());
    }

    #[test]
    fn of_two_equal_copies_the_longer_history_is_the_original() {
        let days = 300;
        let btc = walk(1, days, 30_000.0, 0.04);
        let mut late = btc.clone();
        late[..50].iter_mut().for_each(|p| *p = f64::NAN);
        let p = panel(&[("bitcoin", late, 19e6), ("btc", btc, 19e6)]);
        let found = detect(&p);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].to_string(),
            "bitcoin tracks btc: ratio 1.000 ± 0.0%, within 5% on 100% of 250 common days"
        );
    }

    /// Two coins frozen at constant prices (dead, or a flat test file) have a
    /// constant ratio: neither is a copy of the other.
    #[test]
    fn frozen_prices_are_not_copies() {
        let p = panel(&[("frozen-a", vec![2.0; 120], 1e6), ("frozen-b", vec![5.0; 120], 1e6)]);
        assert!(detect(&p).is_empty(), "{:?}", detect(&p));
    }
}
