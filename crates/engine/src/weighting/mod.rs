//! Target weights for one rebalance day, and the rolling-window statistics
//! they (and the cost model) use. Formulas are documented on
//! [`Weighting`](crate::strategy::Weighting).

use crate::panel::Panel;
use crate::strategy::Weighting;

mod dense;
mod erc;
#[cfg(test)]
mod tests;

use erc::{equal_risk_contribution, ErcCache};

/// Daily simple returns `P_s / P_{s-1} - 1` of asset `a` for `s` in
/// `t+1-lookback ..= t` where both prices are finite, appended to `out`.
fn returns_into(panel: &Panel, t: usize, a: usize, lookback: usize, out: &mut Vec<f64>) {
    let from = (t + 1).saturating_sub(lookback).max(1);
    for s in from..=t {
        let (p0, p1) = (panel.price(s - 1, a), panel.price(s, a));
        if p0.is_finite() && p1.is_finite() {
            out.push(p1 / p0 - 1.0);
        }
    }
}

/// Sample standard deviation (n - 1) of the daily simple returns of asset `a`
/// over the last `lookback` returns ending on day `t`; `None` with fewer than 2.
///
/// One pass over the returns shifted by the first one, `y = r - r_first`:
/// `var = (Σy² - (Σy)²/n) / (n - 1)`. The shift keeps the sums small, so the
/// subtraction loses no precision, and the loop has no dependent division.
pub(crate) fn volatility(panel: &Panel, t: usize, a: usize, lookback: usize) -> Option<f64> {
    let (mut n, mut shift, mut sum, mut sum_sq) = (0usize, 0.0, 0.0, 0.0);
    let from = (t + 1).saturating_sub(lookback).max(1);
    for s in from..=t {
        let (p0, p1) = (panel.price(s - 1, a), panel.price(s, a));
        if p0.is_finite() && p1.is_finite() {
            let r = p1 / p0 - 1.0;
            if n == 0 {
                shift = r;
            }
            let y = r - shift;
            n += 1;
            sum += y;
            sum_sq += y * y;
        }
    }
    (n >= 2).then(|| ((sum_sq - sum * sum / n as f64) / (n - 1) as f64).max(0.0).sqrt())
}

/// Mean of the finite volumes of asset `a` over the `lookback` data days
/// ending on `t`; `None` when there are none.
pub(crate) fn mean_volume(panel: &Panel, t: usize, a: usize, lookback: usize) -> Option<f64> {
    let (mut n, mut sum) = (0usize, 0.0);
    for s in (t + 1).saturating_sub(lookback)..=t {
        let v = panel.volume(s, a);
        if v.is_finite() {
            n += 1;
            sum += v;
        }
    }
    (n > 0).then(|| sum / n as f64)
}

/// Whether asset `a` has a full window on day `t`: `lookback` daily returns
/// `t+1-lookback ..= t`, so the day before the window is inside the data and
/// the asset is listed on it. Inverse volatility and equal risk contribution
/// weigh only such assets: a volatility from a coin's first few days is noise
/// that would hand a new listing a large weight.
fn full_window(panel: &Panel, t: usize, a: usize, lookback: usize) -> bool {
    t >= lookback && panel.assets()[a].first <= t - lookback
}

/// Whether asset `a` is listed on each of the `lookback` data days ending on
/// `t` (the window volume weighting averages over).
fn listed_throughout(panel: &Panel, t: usize, a: usize, lookback: usize) -> bool {
    t + 1 >= lookback && panel.assets()[a].first + lookback <= t + 1
}

/// What a weighting scheme can look at on day `t`.
pub(crate) struct Inputs<'a> {
    pub panel: &'a Panel,
    pub t: usize,
    /// Smoothed market caps for the day (all assets), when smoothing is on.
    pub smoothed_caps: Option<&'a [f64]>,
    /// Custom weight per asset (0 when none), for [`Weighting::Custom`].
    pub custom: &'a [f64],
}

/// Why a scheme could not be applied as asked; the caller turns these into warnings.
#[derive(Debug, PartialEq)]
pub(crate) enum Fallback {
    /// Capped weights impossible: `n * max_weight < 1`, equal weights used.
    CapTooSmall { n: usize },
    /// Some candidates had no volatility (or volume) estimate and were left out.
    NoEstimate { left_out: usize },
    /// The risk-parity iteration did not converge; inverse volatility used.
    ErcFailed,
    /// Fewer returns than assets: the ERC covariance was shrunk toward its diagonal.
    ShrunkCovariance,
    /// No candidate could be weighted by the scheme; equal weights used.
    EqualInstead,
}

/// Target weights over `candidates` (tradable members, ascending asset index)
/// written to `out` as `(asset, weight)` with weight > 0, summing to 1, or
/// left empty when no candidate qualifies. Returns what was not applied as asked.
/// `erc` carries the equal-risk-contribution state from one solve to the next
/// and the weight-capping order (see [`SchemeState`]); a fresh one per run.
pub(crate) fn target_weights(
    scheme: &Weighting,
    inp: &Inputs,
    candidates: &[usize],
    out: &mut Vec<(usize, f64)>,
    state: &mut SchemeState,
) -> Vec<Fallback> {
    out.clear();
    let mut notes = Vec::new();
    if let Weighting::Equal = scheme {
        // The general path below gives every candidate the score 1, sums the
        // scores exactly (a count below 2^53) and divides: `1 / n` each.
        let w = 1.0 / candidates.len() as f64;
        out.extend(candidates.iter().map(|&a| (a, w)));
        return notes;
    }
    let cap = |a: usize| inp.panel.market_cap(inp.t, a);
    match scheme {
        Weighting::Equal => out.extend(candidates.iter().map(|&a| (a, 1.0))),
        Weighting::MarketCap => out.extend(candidates.iter().map(|&a| (a, cap(a)))),
        Weighting::SqrtMarketCap => {
            let basis = |a: usize| inp.smoothed_caps.map_or(cap(a), |s| s[a]);
            out.extend(candidates.iter().map(|&a| (a, basis(a).sqrt())));
        }
        Weighting::CappedMarketCap { max_weight } => {
            out.extend(candidates.iter().map(|&a| (a, cap(a))));
            // The scores are rescaled only when their sum overflows, which
            // takes a cap within a factor 2n of `f64::MAX`.
            let bound = f64::MAX / (2.0 * out.len() as f64);
            if !out.iter().all(|x| x.1 <= bound) {
                finite_sum(out);
            }
            if !out.is_empty() && (out.len() as f64) * max_weight < 1.0 {
                notes.push(Fallback::CapTooSmall { n: out.len() });
                out.iter_mut().for_each(|x| x.1 = 1.0);
            } else if let Some(total) = water_fill(out, *max_weight, &mut state.cap_order) {
                // Every weight positive and finite and `total` their sum:
                // what the checks below would find.
                normalise(out, total, true);
                return notes;
            }
        }
        Weighting::InverseVolatility { lookback } => {
            inverse_volatility(inp, candidates, *lookback, out, &mut notes);
        }
        Weighting::EqualRiskContribution { lookback } => {
            equal_risk_contribution(inp, candidates, *lookback, out, &mut notes, &mut state.erc);
        }
        Weighting::VolumeWeighted { lookback } => {
            for &a in candidates.iter().filter(|&&a| listed_throughout(inp.panel, inp.t, a, *lookback)) {
                match mean_volume(inp.panel, inp.t, a, *lookback) {
                    Some(v) if v > 0.0 => out.push((a, v)),
                    _ => {}
                }
            }
            if out.len() < candidates.len() {
                notes.push(Fallback::NoEstimate { left_out: candidates.len() - out.len() });
            }
        }
        Weighting::Custom { .. } => {
            out.extend(candidates.iter().filter(|&&a| inp.custom[a] > 0.0).map(|&a| (a, inp.custom[a])));
        }
    }
    // Only positive finite scores count. When all are and their sum is
    // finite (the usual case), the check shares its pass with the sum, which
    // is then the sum `finite_sum` would return: over the same scores, in the
    // same order, from a zero whose sign a positive score makes irrelevant.
    let (mut sum, mut clean) = (0.0, !out.is_empty());
    for &(_, w) in out.iter() {
        clean &= w > 0.0 && w < f64::INFINITY;
        sum += w;
    }
    let total = if clean && sum != f64::INFINITY {
        sum
    } else {
        clean = false;
        out.retain(|&(_, w)| w > 0.0 && w.is_finite());
        if out.is_empty() && !candidates.is_empty() && !matches!(scheme, Weighting::Custom { .. }) {
            notes.push(Fallback::EqualInstead);
            out.extend(candidates.iter().map(|&a| (a, 1.0)));
        }
        finite_sum(out)
    };
    normalise(out, total, clean);
    notes
}

/// Divides the scores by their sum `total` and drops those that become 0
/// (a score below 1e-308 of the total underflows: not a holding). When
/// every score is `positive` (and finite) and `total` is exactly 1 (capped
/// weights often sum to it), dividing would change nothing and is skipped.
fn normalise(out: &mut Vec<(usize, f64)>, total: f64, positive: bool) {
    if total == 1.0 && positive {
        return;
    }
    let mut dropped = false;
    for x in out.iter_mut() {
        x.1 /= total;
        dropped |= x.1 <= 0.0 || x.1.is_nan();
    }
    if dropped {
        out.retain(|&(_, w)| w > 0.0);
    }
}

/// The sum of the scores, first dividing every score by the largest when
/// the sum overflows `f64` (market caps near `f64::MAX`), so that
/// normalising does not turn every weight into `x / inf = 0`. Weights depend
/// only on the ratios, which are kept; sums that fit (every real market) are
/// left bit for bit as they were.
fn finite_sum(items: &mut [(usize, f64)]) -> f64 {
    let sum: f64 = items.iter().map(|x| x.1).sum();
    if sum != f64::INFINITY {
        return sum;
    }
    let max = items.iter().map(|x| x.1).filter(|w| w.is_finite()).fold(0.0, f64::max);
    if max > 0.0 {
        items.iter_mut().for_each(|x| x.1 /= max);
    }
    items.iter().map(|x| x.1).sum()
}

fn inverse_volatility(
    inp: &Inputs,
    candidates: &[usize],
    lookback: usize,
    out: &mut Vec<(usize, f64)>,
    notes: &mut Vec<Fallback>,
) {
    let before = out.len();
    for &a in candidates {
        if !full_window(inp.panel, inp.t, a, lookback) {
            continue;
        }
        match volatility(inp.panel, inp.t, a, lookback) {
            Some(s) if s > 0.0 => out.push((a, 1.0 / s)),
            _ => {}
        }
    }
    if out.len() - before < candidates.len() {
        notes.push(Fallback::NoEstimate { left_out: candidates.len() - (out.len() - before) });
    }
}

/// What the schemes carry from one rebalance to the next within a run.
#[derive(Debug, Default)]
pub(crate) struct SchemeState {
    erc: ErcCache,
    cap_order: CapOrder,
}

/// The order [`water_fill`] sorted the assets into last time, from which the
/// next sort starts (caps move little from one rebalance to the next), and
/// its scratch buffers.
#[derive(Debug, Default)]
struct CapOrder {
    /// Assets, largest cap first, as last sorted.
    assets: Vec<usize>,
    /// Each asset's index in `assets`, `usize::MAX` for the assets not in it.
    rank: Vec<usize>,
    /// [`cap_key`]s of the items, sorted.
    keys: Vec<u128>,
    suffix: Vec<f64>,
}

/// Notes the candidates left out for want of a full window.
fn members_short(candidates: usize, members: usize, notes: &mut Vec<Fallback>) {
    if members < candidates {
        notes.push(Fallback::NoEstimate { left_out: candidates - members });
    }
}

/// Water-filling: replaces the positive caps in `items` by weights
/// `min(m, lambda * cap)` summing to 1. Requires `items.len() * m >= 1`.
/// Returns the sum of the weights (in the items' order) when every weight
/// is positive and finite and so is the sum.
///
/// Going through the assets from the largest cap down, with `R` the weight not
/// yet assigned and `S` the cap of the assets not yet capped, an asset is capped
/// at `m` while `R / S * cap > m`; the rest get `R / S * cap`. Once the largest
/// uncapped asset fits, all smaller ones do too.
///
/// The order (largest cap first, ties by position) is total, so sorting the
/// `(cap, position)` keys themselves (no look-ups through `items` while
/// comparing) gives the one order any sort would, so the sort may start from
/// the last call's order (`last`, updated here): on consecutive rebalances
/// the caps barely reorder and the sort ([`sort_keys`]) is one linear pass
/// and a few insertions. `S` is summed
/// smallest cap first, so the whole order is needed, not only the capped prefix.
fn water_fill(items: &mut [(usize, f64)], m: f64, last: &mut CapOrder) -> Option<f64> {
    let CapOrder { assets, rank, keys, suffix } = last;
    // Each item's key in its asset's place in the last order, the assets
    // new since after them, then the places of the assets gone since
    // (`u128::MAX`, which no key is: positions are below `usize::MAX`) removed.
    let n_last = assets.len();
    keys.clear();
    keys.resize(n_last, u128::MAX);
    let mut placed = 0;
    for (i, &(a, cap)) in items.iter().enumerate() {
        if rank.len() <= a {
            rank.resize(a + 1, usize::MAX);
        }
        let key = cap_key(cap, i);
        match rank[a] {
            r if r < n_last => {
                keys[r] = key;
                placed += 1;
            }
            _ => keys.push(key),
        }
    }
    if placed < n_last {
        for (r, &a) in assets.iter().enumerate() {
            if keys[r] == u128::MAX {
                rank[a] = usize::MAX;
            }
        }
        keys.retain(|&k| k != u128::MAX);
    }
    sort_keys(keys);

    // The new order, and the suffix sums of its caps.
    let n = keys.len();
    assets.resize(n, 0);
    suffix.resize(n + 1, 0.0);
    let mut sum = 0.0;
    suffix[n] = sum;
    for k in (0..n).rev() {
        let (a, cap) = items[position(keys[k])];
        assets[k] = a;
        rank[a] = k;
        sum += cap;
        suffix[k] = sum;
    }
    let cap_at = |k: usize| items[position(keys[k])].1;
    let mut remaining = 1.0;
    let mut k = 0;
    while k < n && remaining / suffix[k] * cap_at(k) > m {
        remaining -= m;
        k += 1;
    }
    let lambda = if k < n { remaining / suffix[k] } else { 0.0 };
    // The weights in the items' order, with their sum.
    let (mut total, mut positive) = (0.0, !items.is_empty());
    for x in items.iter_mut() {
        let w = if rank[x.0] < k { m } else { lambda * x.1 };
        x.1 = w;
        positive &= w > 0.0 && w < f64::INFINITY;
        total += w;
    }
    (positive && total != f64::INFINITY).then_some(total)
}

/// The sort key of an item with cap `cap` at `position` in water-filling
/// order, as one integer: ascending keys are descending caps (in the order
/// of `f64::total_cmp`), ties by ascending position.
fn cap_key(cap: f64, position: usize) -> u128 {
    let bits = cap.to_bits();
    // `total_cmp`'s order as an unsigned integer.
    let ordered = if bits >> 63 == 1 { !bits } else { bits | 1 << 63 };
    (u128::from(!ordered) << 64) | position as u128
}

/// The position in the items of a [`cap_key`].
fn position(key: u128) -> usize {
    key as u64 as usize
}

/// Sorts the keys ascending, in time linear in their number when they
/// are nearly sorted (as when they come in the last rebalance's order). One
/// pass marks the keys whose high half is not above every high half before
/// them: the others are greater than every key before them, so in place.
/// Each marked key is then inserted into the sorted keys before it. Past a
/// budget of moves the library sort takes over (the keys being distinct,
/// the result is the same).
fn sort_keys(v: &mut [u128]) {
    let n = v.len();
    if n < 2 {
        return;
    }
    let budget = 8 * n;
    let mut moves = 0;
    let high = |k: u128| (k >> 64) as u64;
    let mut top = high(v[0]);
    let mut start = 1;
    while start < n {
        // Up to 64 keys at a time, their marks as bits (the first key lowest).
        let end = (start + 64).min(n);
        let mut marked = 0u64;
        for &k in &v[start..end] {
            marked = (marked >> 1) | (u64::from(high(k) <= top) << 63);
            top = top.max(high(k));
        }
        marked >>= 64 - (end - start);
        while marked != 0 {
            let i = start + marked.trailing_zeros() as usize;
            marked &= marked - 1;
            let x = v[i];
            let mut j = i;
            while j > 0 && x < v[j - 1] {
                v[j] = v[j - 1];
                j -= 1;
            }
            v[j] = x;
            moves += i - j;
            if moves > budget {
                v.sort_unstable();
                return;
            }
        }
        start = end;
    }
}

#[cfg(test)]
mod capped_tests {
    use super::*;

    /// Water-filling as first written: a full sort of `(cap, position)`,
    /// suffix sums from the smallest cap, weights in rank order.
    fn water_fill_reference(items: &mut [(usize, f64)], m: f64) {
        let mut keys: Vec<(f64, usize)> = items.iter().enumerate().map(|(i, x)| (x.1, i)).collect();
        keys.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        let mut suffix = vec![0.0; keys.len() + 1];
        for k in (0..keys.len()).rev() {
            suffix[k] = suffix[k + 1] + keys[k].0;
        }
        let (mut remaining, mut k) = (1.0, 0);
        while k < keys.len() && remaining / suffix[k] * keys[k].0 > m {
            remaining -= m;
            k += 1;
        }
        let lambda = if k < keys.len() { remaining / suffix[k] } else { 0.0 };
        for (rank, &(cap, i)) in keys.iter().enumerate() {
            items[i].1 = if rank < k { m } else { lambda * cap };
        }
    }

    #[test]
    fn water_filling_from_the_last_order_matches_a_full_sort_bit_for_bit() {
        // Caps on a random walk over 300 rebalances, assets entering and
        // leaving, some caps tied, some days reshuffled completely.
        let mut x = 11u64;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut caps: Vec<f64> = (0..120).map(|_| (15.0 + 8.0 * rnd()).exp()).collect();
        let mut order = CapOrder::default();
        for day in 0..300 {
            for c in caps.iter_mut() {
                *c *= if day % 50 == 49 { (4.0 * (rnd() - 0.5)).exp() } else { (0.08 * (rnd() - 0.5)).exp() };
            }
            caps[7] = caps[8];
            let members: Vec<usize> = (0..caps.len()).filter(|&a| (a + day / 20) % 9 != 0 || day % 3 == 0).collect();
            let m = [0.05, 0.1, 0.3][day % 3];
            let mut items: Vec<(usize, f64)> = members.iter().map(|&a| (a, caps[a])).collect();
            let mut expected = items.clone();
            water_fill_reference(&mut expected, m);
            let total = water_fill(&mut items, m, &mut order);
            let bits = |v: &[(usize, f64)]| v.iter().map(|x| (x.0, x.1.to_bits())).collect::<Vec<_>>();
            assert_eq!(bits(&items), bits(&expected), "day {day}");
            assert_eq!(total.map(f64::to_bits), Some(expected.iter().map(|x| x.1).sum::<f64>().to_bits()));
        }
    }

    #[test]
    fn keys_sort_like_the_library() {
        let mut x = 5u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for len in [0, 1, 2, 3, 63, 64, 65, 130, 400] {
            for swaps in [0, 1, 10, 1000] {
                let mut v: Vec<u128> = (0..len).map(|i| (u128::from(next() % 50) << 64) | i as u128).collect();
                v.sort_unstable();
                for _ in 0..swaps.min(len) {
                    let i = (next() as usize) % len.max(1);
                    let j = (i + 1 + (next() as usize) % 3).min(len - 1);
                    v.swap(i, j);
                }
                let mut expected = v.clone();
                expected.sort_unstable();
                sort_keys(&mut v);
                assert_eq!(v, expected, "len {len} swaps {swaps}");
            }
        }
    }
}
