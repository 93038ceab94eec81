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
            finite_sum(out);
            if !out.is_empty() && (out.len() as f64) * max_weight < 1.0 {
                notes.push(Fallback::CapTooSmall { n: out.len() });
                out.iter_mut().for_each(|x| x.1 = 1.0);
            } else {
                water_fill(out, *max_weight, &mut state.cap_order);
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
    out.retain(|&(_, w)| w > 0.0 && w.is_finite());
    if out.is_empty() && !candidates.is_empty() && !matches!(scheme, Weighting::Custom { .. }) {
        notes.push(Fallback::EqualInstead);
        out.extend(candidates.iter().map(|&a| (a, 1.0)));
    }
    let total = finite_sum(out);
    out.iter_mut().for_each(|x| x.1 /= total);
    // A score below 1e-308 of the total underflows to a weight of 0: not a holding.
    out.retain(|&(_, w)| w > 0.0);
    notes
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
    /// Position in the items of each asset, `usize::MAX` when absent (all
    /// `usize::MAX` between calls).
    pos: Vec<usize>,
    keys: Vec<(f64, usize)>,
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
/// the caps barely reorder and the sort is one linear pass. `S` is summed
/// smallest cap first, so the whole order is needed, not only the capped prefix.
fn water_fill(items: &mut [(usize, f64)], m: f64, last: &mut CapOrder) {
    let CapOrder { assets, pos, keys, suffix } = last;
    // The keys in the last order, then the assets new since.
    let end = items.iter().map(|x| x.0 + 1).max().unwrap_or(0);
    if pos.len() < end {
        pos.resize(end, usize::MAX);
    }
    for (i, x) in items.iter().enumerate() {
        pos[x.0] = i;
    }
    keys.clear();
    for &a in assets.iter() {
        if let Some(p) = pos.get_mut(a).filter(|p| **p != usize::MAX) {
            keys.push((items[*p].1, *p));
            *p = usize::MAX;
        }
    }
    for (i, x) in items.iter().enumerate() {
        if pos[x.0] == i {
            keys.push((x.1, i));
            pos[x.0] = usize::MAX;
        }
    }
    sort_nearly_sorted(keys, |x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
    assets.clear();
    assets.extend(keys.iter().map(|&(_, i)| items[i].0));

    suffix.clear();
    suffix.resize(keys.len() + 1, 0.0);
    for k in (0..keys.len()).rev() {
        suffix[k] = suffix[k + 1] + keys[k].0;
    }
    let mut remaining = 1.0;
    let mut k = 0;
    while k < keys.len() && remaining / suffix[k] * keys[k].0 > m {
        remaining -= m;
        k += 1;
    }
    let lambda = if k < keys.len() { remaining / suffix[k] } else { 0.0 };
    for (rank, &(cap, i)) in keys.iter().enumerate() {
        items[i].1 = if rank < k { m } else { lambda * cap };
    }
}

/// Sorts `v` by the total order `cmp` with an insertion sort, which is
/// linear when `v` is nearly sorted; past a budget of moves it hands over to
/// the library sort (the order being total, the result is the same).
fn sort_nearly_sorted<T: Copy>(v: &mut [T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering) {
    let budget = 8 * v.len();
    let mut moves = 0;
    for i in 1..v.len() {
        let x = v[i];
        let mut j = i;
        while j > 0 && cmp(&x, &v[j - 1]).is_lt() {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = x;
        moves += i - j;
        if moves > budget {
            v.sort_unstable_by(cmp);
            return;
        }
    }
}
