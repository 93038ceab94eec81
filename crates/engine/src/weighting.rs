//! Target weights for one rebalance day, and the rolling-window statistics
//! they (and the cost model) use. Formulas are documented on
//! [`Weighting`](crate::strategy::Weighting).

use crate::panel::Panel;
use crate::strategy::Weighting;

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

/// What an equal-risk-contribution solve leaves for the next one.
///
/// When the next solve is on the next data day with the same members and
/// lookback (daily rebalancing), the covariance is updated instead of
/// recomputed and the solver starts from the last solution:
/// - the window sums `Σ r_i` and `Σ r_i r_j` slide by one day (the new
///   day's return added, the one leaving the window taken off), and the
///   covariance is `(Σ r_i r_j - Σ r_i Σ r_j / L) / (L - 1)` (computed from
///   scratch again every `L` slides, so rounding cannot build up), built
///   straight into the solver's `S = kΣ` with the shrinking folded into the
///   scale of the off-diagonal entries;
/// - the solve starts from the last `y` and takes Newton steps with the last
///   Hessian's Cholesky factor while they converge fast, refactoring when
///   they do not ([`erc_warm`]).
///
/// Either way the result meets the same convergence test as a cold solve
/// (risk contributions equal to `1e-10`), so the weights agree with a cold
/// solve to about that tolerance, not bit for bit. Any other solve (first
/// day, members changed, a gap between solves) is the cold solve on the
/// two-pass covariance, exactly as without the cache.
#[derive(Debug, Default)]
struct ErcCache {
    /// Whether the fields describe the last solve.
    valid: bool,
    day: usize,
    lookback: usize,
    members: Vec<usize>,
    /// Whether `sums` and `cross` hold the window sums on `day`.
    sums_valid: bool,
    /// Slides since the sums were computed from scratch.
    slides: usize,
    sums: Vec<f64>,
    /// `k x k`, row-major.
    cross: Vec<f64>,
    /// The last solution (unnormalised) and the Cholesky factor of the last
    /// Newton Hessian (empty when there was none).
    y: Vec<f64>,
    factor: Vec<f64>,
    // Scratch.
    now: Vec<usize>,
    means: Vec<f64>,
    /// `S = kΣ` (shrunk as needed), `k x k`.
    scaled: Vec<f64>,
}

/// Equal-risk-contribution weights over the candidates with a full window;
/// see [`Weighting::EqualRiskContribution`] and [`ErcCache`].
fn equal_risk_contribution(
    inp: &Inputs,
    candidates: &[usize],
    lookback: usize,
    out: &mut Vec<(usize, f64)>,
    notes: &mut Vec<Fallback>,
    cache: &mut ErcCache,
) {
    // With prices finite inside each listed span and NaN outside (the panel's
    // invariant), a candidate (priced on t) has all `lookback` returns exactly
    // when its window is full.
    cache.now.clear();
    cache.now.extend(candidates.iter().copied().filter(|&a| full_window(inp.panel, inp.t, a, lookback)));
    let consecutive = cache.valid && cache.day + 1 == inp.t && cache.lookback == lookback && cache.now == cache.members;
    let k = cache.now.len();
    if consecutive && k > 0 {
        members_short(candidates.len(), k, notes);
        if !cache.sums_valid || cache.slides >= lookback {
            window_sums(inp.panel, inp.t, &cache.now, lookback, &mut cache.sums, &mut cache.cross);
            cache.slides = 0;
        } else {
            slide_sums(inp.panel, inp.t, &cache.now, lookback, &mut cache.sums, &mut cache.cross);
            cache.slides += 1;
        }
        cache.sums_valid = true;
        // `S = kΣ` straight from the sums, with the shrinking (when there are
        // fewer returns than assets) folded into the off-diagonal scale.
        let l = lookback as f64;
        let shrunk = k >= lookback;
        if shrunk {
            notes.push(Fallback::ShrunkCovariance);
        }
        let diag_scale = k as f64 / (l - 1.0);
        let off_scale = if shrunk { diag_scale * (1.0 - SHRINKAGE) } else { diag_scale };
        cache.means.clear();
        cache.means.extend(cache.sums.iter().map(|s| s / l));
        cache.scaled.resize(k * k, 0.0);
        for i in 0..k {
            let (row, cross) = (&mut cache.scaled[i * k..(i + 1) * k], &cache.cross[i * k..(i + 1) * k]);
            let si = cache.sums[i];
            for ((c, &x), &m) in row.iter_mut().zip(cross).zip(&cache.means) {
                *c = (x - si * m) * off_scale;
            }
            row[i] = (cross[i] - si * cache.means[i]) * diag_scale;
        }
        let scaled = &cache.scaled;
        let valid_diag = (0..k).all(|i| scaled[i * k + i] > 0.0 && scaled[i * k + i].is_finite());
        if valid_diag && erc_warm(scaled, k, &mut cache.y, &mut cache.factor) {
            let total: f64 = cache.y.iter().sum();
            out.extend(cache.now.iter().zip(&cache.y).map(|(&a, y)| (a, y / total)));
            cache.day = inp.t;
            return;
        }
        // The warm solve failed: solve from scratch on the same covariance.
        cache.valid = false;
        match erc_state(scaled, k) {
            Some((w, y, factor)) => {
                out.extend(cache.now.iter().copied().zip(w));
                (cache.y, cache.factor) = (y, factor);
                cache.day = inp.t;
                cache.valid = true;
            }
            None => {
                notes.push(Fallback::ErcFailed);
                let members = std::mem::take(&mut cache.now);
                inverse_volatility(inp, &members, lookback, out, notes);
                cache.now = members;
            }
        }
        return;
    }

    // Cold: the two-pass covariance of the returns and a solve from scratch.
    let mut rets = Vec::with_capacity(candidates.len() * lookback);
    let mut members = Vec::with_capacity(candidates.len());
    for &a in candidates {
        let before = rets.len();
        returns_into(inp.panel, inp.t, a, lookback, &mut rets);
        if rets.len() - before == lookback {
            members.push(a);
        } else {
            rets.truncate(before);
        }
    }
    members_short(candidates.len(), members.len(), notes);
    let mut cov = covariance(&rets, members.len(), lookback);
    if members.len() >= lookback {
        notes.push(Fallback::ShrunkCovariance);
        shrink(&mut cov, members.len());
    }
    cache.valid = false;
    let scaled: Vec<f64> = cov.iter().map(|c| c * members.len() as f64).collect();
    match erc_state(&scaled, members.len()) {
        Some((w, y, factor)) => {
            out.extend(members.iter().copied().zip(w));
            *cache = ErcCache {
                valid: true,
                day: inp.t,
                lookback,
                members,
                sums_valid: false,
                slides: 0,
                sums: std::mem::take(&mut cache.sums),
                cross: std::mem::take(&mut cache.cross),
                y,
                factor,
                now: std::mem::take(&mut cache.now),
                means: std::mem::take(&mut cache.means),
                scaled: std::mem::take(&mut cache.scaled),
            };
        }
        None if members.is_empty() => {}
        None => {
            notes.push(Fallback::ErcFailed);
            inverse_volatility(inp, &members, lookback, out, notes);
        }
    }
}

/// Notes the candidates left out for want of a full window.
fn members_short(candidates: usize, members: usize, notes: &mut Vec<Fallback>) {
    if members < candidates {
        notes.push(Fallback::NoEstimate { left_out: candidates - members });
    }
}

/// Return of asset `a` on day `s`: `P_s / P_{s-1} - 1`.
fn ret(panel: &Panel, s: usize, a: usize) -> f64 {
    panel.price(s, a) / panel.price(s - 1, a) - 1.0
}

/// Window sums `Σ r_i` and `Σ r_i r_j` over the returns `t+1-L ..= t` of `members`.
fn window_sums(panel: &Panel, t: usize, members: &[usize], lookback: usize, sums: &mut Vec<f64>, cross: &mut Vec<f64>) {
    let k = members.len();
    let mut rets = Vec::with_capacity(k * lookback);
    for &a in members {
        rets.extend((t + 1 - lookback..=t).map(|s| ret(panel, s, a)));
    }
    sums.clear();
    sums.extend((0..k).map(|i| rets[i * lookback..(i + 1) * lookback].iter().sum::<f64>()));
    cross.clear();
    cross.resize(k * k, 0.0);
    for i in 0..k {
        let xi = &rets[i * lookback..(i + 1) * lookback];
        for j in 0..=i {
            let c = dot4(xi, &rets[j * lookback..(j + 1) * lookback]);
            cross[i * k + j] = c;
            cross[j * k + i] = c;
        }
    }
}

/// Moves the window sums from the window ending on `t - 1` to the one ending on `t`.
fn slide_sums(panel: &Panel, t: usize, members: &[usize], lookback: usize, sums: &mut [f64], cross: &mut [f64]) {
    let k = members.len();
    let new: Vec<f64> = members.iter().map(|&a| ret(panel, t, a)).collect();
    let old: Vec<f64> = members.iter().map(|&a| ret(panel, t - lookback, a)).collect();
    for i in 0..k {
        sums[i] += new[i] - old[i];
        let row = &mut cross[i * k..(i + 1) * k];
        let (ni, oi) = (new[i], old[i]);
        for ((c, &nj), &oj) in row.iter_mut().zip(&new).zip(&old) {
            *c += ni * nj - oi * oj;
        }
    }
}

/// `Σ x_i y_i` over four accumulators.
fn dot4(x: &[f64], y: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let (x4, y4) = (x.chunks_exact(4), y.chunks_exact(4));
    let rest: f64 = x4.remainder().iter().zip(y4.remainder()).map(|(a, b)| a * b).sum();
    for (a, b) in x4.zip(y4) {
        for lane in 0..4 {
            acc[lane] += a[lane] * b[lane];
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + rest
}

/// The warm-started ERC solve on `scaled = kΣ` from `y` (the last
/// solution), with `factor` the Cholesky factor of the last Newton Hessian
/// (or empty). Takes chord steps `y ← y - F⁻¹∇G` with that factor while each
/// at least halves the largest residual `|y_i (Sy)_i - 1|`; otherwise (or
/// with no factor, or when a chord step leaves `y > 0`: back to the last
/// point then) a damped Newton step as in [`erc`], whose factor the next
/// chord steps use. Stops at the same test as [`erc`]; `false` when it does
/// not get there in 150 steps or a Newton step leaves `y > 0`, with `y` and `factor` then
/// meaningless.
fn erc_warm(scaled: &[f64], k: usize, y: &mut [f64], factor: &mut Vec<f64>) -> bool {
    if y.len() != k {
        return false;
    }
    let mut chord = factor.len() == k * k;
    let (mut sy, mut grad, mut d, mut y_prev) = (vec![0.0; k], vec![0.0; k], vec![0.0; k], y.to_vec());
    let (mut prev_res, mut sweeps) = (f64::INFINITY, 0);
    for _ in 0..150 {
        for i in 0..k {
            sy[i] = dot4(&scaled[i * k..(i + 1) * k], y);
        }
        let res = (0..k).map(|i| (y[i] * sy[i] - 1.0).abs()).fold(0.0, f64::max);
        if res <= 1e-10 {
            return true;
        }
        if res > WARM_CCD_ABOVE && sweeps < 50 {
            // Far from the solution: a coordinate-descent sweep as in [`erc`]
            // (each update minimises G along one coordinate and keeps y > 0).
            sweeps += 1;
            for i in 0..k {
                let row = &scaled[i * k..(i + 1) * k];
                let c = dot4(row, y) - row[i] * y[i];
                y[i] = (-c + (c * c + 4.0 * row[i]).sqrt()) / (2.0 * row[i]);
            }
            prev_res = f64::INFINITY;
            continue;
        }
        let (fast, better) = (res <= 0.5 * prev_res, res <= prev_res);
        if chord && !fast && prev_res.is_finite() {
            // Too slow (or worse): back to the last point, refactor there.
            chord = false;
            if !better {
                y.copy_from_slice(&y_prev);
                prev_res = f64::INFINITY;
                continue;
            }
        }
        for i in 0..k {
            grad[i] = sy[i] - 1.0 / y[i];
        }
        d.copy_from_slice(&grad);
        let was_chord = chord;
        let step = if chord {
            solve_factored(factor, k, &mut d);
            1.0
        } else {
            factor.clear();
            factor.extend_from_slice(scaled);
            for i in 0..k {
                factor[i * k + i] += 1.0 / (y[i] * y[i]);
            }
            if cholesky_factor(factor, k).is_none() {
                return false;
            }
            solve_factored(factor, k, &mut d);
            chord = true;
            let lambda = grad.iter().zip(&d).map(|(g, di)| g * di).sum::<f64>().max(0.0).sqrt();
            if lambda > 0.25 {
                1.0 / (1.0 + lambda)
            } else {
                1.0
            }
        };
        y_prev.copy_from_slice(y);
        prev_res = res;
        for i in 0..k {
            y[i] -= step * d[i];
        }
        if !y.iter().all(|v| *v > 0.0 && v.is_finite()) {
            if !was_chord {
                return false;
            }
            // The old factor stepped out of `y > 0`: back, and refactor there.
            y.copy_from_slice(&y_prev);
            (chord, prev_res) = (false, f64::INFINITY);
        }
    }
    false
}

/// Largest residual at which [`erc_warm`] starts (chord or Newton) steps;
/// above it, coordinate-descent sweeps bring the start closer.
/// A day's new return moves the solution far (the start's residual is often
/// above 1 at 100 assets and 60 returns); sweeps are cheap next to the
/// factorisation, but below this the chord and Newton steps gain more.
const WARM_CCD_ABOVE: f64 = 0.3;

/// Cholesky factor `L` (lower triangle, row-major) of a symmetric positive
/// definite `k x k` matrix, in place; `None` if it is not positive definite.
/// The inner products run over four accumulators.
fn cholesky_factor(a: &mut [f64], k: usize) -> Option<()> {
    for j in 0..k {
        let diag = a[j * k + j] - dot4(&a[j * k..j * k + j], &a[j * k..j * k + j]);
        if diag.is_nan() || diag <= 0.0 {
            return None;
        }
        let l = diag.sqrt();
        a[j * k + j] = l;
        for i in j + 1..k {
            let (upper, lower) = a.split_at_mut(i * k);
            let (rj, ri) = (&upper[j * k..j * k + j], &mut lower[..=j]);
            ri[j] = (ri[j] - dot4(&ri[..j], rj)) / l;
        }
    }
    mirror_lower(a, k);
    Some(())
}

/// Copies the lower triangle of a `k x k` matrix onto its upper triangle
/// (`a[j][i] = a[i][j]`), so [`solve_factored`] reads `Lᵀ` by rows.
fn mirror_lower(a: &mut [f64], k: usize) {
    for i in 0..k {
        for j in 0..i {
            a[j * k + i] = a[i * k + j];
        }
    }
}

/// Solves `L Lᵀ x = b` with `L` from [`cholesky_factor`] (`L` in the lower
/// triangle, `Lᵀ` in the upper); `x` replaces `b`.
fn solve_factored(l: &[f64], k: usize, b: &mut [f64]) {
    for i in 0..k {
        let v = b[i] - dot4(&l[i * k..i * k + i], &b[..i]);
        b[i] = v / l[i * k + i];
    }
    for i in (0..k).rev() {
        let v = b[i] - dot4(&l[i * k + i + 1..(i + 1) * k], &b[i + 1..]);
        b[i] = v / l[i * k + i];
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

/// Sample covariance (n - 1) of `k` series of `len` observations stored one
/// series after the other; row-major `k x k`.
fn covariance(series: &[f64], k: usize, len: usize) -> Vec<f64> {
    let means: Vec<f64> = (0..k).map(|i| series[i * len..(i + 1) * len].iter().sum::<f64>() / len as f64).collect();
    let mut cov = vec![0.0; k * k];
    for i in 0..k {
        let xi = &series[i * len..(i + 1) * len];
        for j in 0..=i {
            let xj = &series[j * len..(j + 1) * len];
            let s: f64 = xi.iter().zip(xj).map(|(a, b)| (a - means[i]) * (b - means[j])).sum();
            let c = s / (len as f64 - 1.0);
            cov[i * k + j] = c;
            cov[j * k + i] = c;
        }
    }
    cov
}

/// Share of the off-diagonal covariance removed by [`shrink`].
const SHRINKAGE: f64 = 0.1;

/// Shrinks a `k x k` covariance toward its diagonal: off-diagonal entries are
/// multiplied by `1 - SHRINKAGE`. With fewer returns than assets the sample
/// covariance is singular and may give a long portfolio zero variance, in
/// which case no ERC portfolio exists; the shrunk matrix is positive definite.
fn shrink(cov: &mut [f64], k: usize) {
    for i in 0..k {
        for j in 0..k {
            if i != j {
                cov[i * k + j] *= 1.0 - SHRINKAGE;
            }
        }
    }
}

/// Coordinate-descent sweeps before the Newton steps in [`erc`].
const CCD_SWEEPS: usize = 20;

/// Equal-risk-contribution weights for the `k x k` covariance `cov`.
///
/// Spinu's (2013) formulation: minimise the self-concordant function
/// `G(y) = ½ yᵀSy - Σ ln y_i`, `S = kΣ`, over `y > 0`. Its gradient
/// `Sy - 1/y` vanishes exactly when every risk contribution `y_i (Σy)_i`
/// equals `1/k`, so the normalised minimiser is the ERC portfolio.
///
/// 1. Start at `y_i = 1 / sqrt(S_ii)` (the answer when uncorrelated).
/// 2. Warm up with `CCD_SWEEPS` sweeps of cyclical coordinate descent: each
///    sets `y_i` to the positive root of `∂G/∂y_i = 0`,
///    `y_i = (-c + sqrt(c² + 4 S_ii)) / (2 S_ii)` with `c = Σ_{j≠i} S_ij y_j`.
/// 3. Damped Newton: step `d = H⁻¹ ∇G` with `H = S + diag(1/y²)` (Cholesky)
///    and decrement `λ = sqrt(∇Gᵀ d)`; `y ← y - d / (1 + λ)` while `λ > 0.25`
///    (stays inside `y > 0` and converges from any start), full steps after
///    (quadratic convergence).
///
/// Stops when `max_i |y_i (Sy)_i - 1| <= 1e-10`. `None` on a non-positive
/// variance, a failed factorisation or no convergence in 100 Newton steps (as
/// when a long portfolio has zero variance and `G` is unbounded below).
#[cfg(test)]
fn erc(cov: &[f64], k: usize) -> Option<Vec<f64>> {
    let scaled: Vec<f64> = cov.iter().map(|c| c * k as f64).collect();
    erc_state(&scaled, k).map(|s| s.0)
}

/// [`erc`] on `scaled = kΣ`, also returning the solution `y` before
/// normalising and the Cholesky factor of the last Newton Hessian (empty if
/// none was needed), from which [`erc_warm`] starts the next day.
#[allow(clippy::type_complexity)]
fn erc_state(scaled: &[f64], k: usize) -> Option<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    if k == 0 || (0..k).any(|i| !(scaled[i * k + i] > 0.0 && scaled[i * k + i].is_finite())) {
        return None;
    }
    let mut y: Vec<f64> = (0..k).map(|i| 1.0 / scaled[i * k + i].sqrt()).collect();
    for _ in 0..CCD_SWEEPS {
        for i in 0..k {
            let row = &scaled[i * k..(i + 1) * k];
            let c = dot4(row, &y) - row[i] * y[i];
            y[i] = (-c + (c * c + 4.0 * row[i]).sqrt()) / (2.0 * row[i]);
        }
    }
    let (mut sy, mut grad, mut h) = (vec![0.0; k], vec![0.0; k], vec![0.0; k * k]);
    // `newton_steps` counts the Newton steps taken before the check.
    for newton_steps in 0..100 {
        for i in 0..k {
            sy[i] = dot4(&scaled[i * k..(i + 1) * k], &y);
        }
        if (0..k).all(|i| (y[i] * sy[i] - 1.0).abs() <= 1e-10) {
            let total: f64 = y.iter().sum();
            let w = y.iter().map(|v| v / total).collect();
            if newton_steps == 0 {
                h.clear();
            }
            return Some((w, y, h));
        }
        for i in 0..k {
            grad[i] = sy[i] - 1.0 / y[i];
        }
        h.copy_from_slice(scaled);
        for i in 0..k {
            h[i * k + i] += 1.0 / (y[i] * y[i]);
        }
        let mut d = grad.clone();
        cholesky_factor(&mut h, k)?;
        solve_factored(&h, k, &mut d);
        let lambda = grad.iter().zip(&d).map(|(g, di)| g * di).sum::<f64>().max(0.0).sqrt();
        let step = if lambda > 0.25 { 1.0 / (1.0 + lambda) } else { 1.0 };
        for i in 0..k {
            y[i] -= step * d[i];
        }
        if !y.iter().all(|v| *v > 0.0 && v.is_finite()) {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;

    fn weights_of(items: &[(usize, f64)]) -> Vec<f64> {
        items.iter().map(|x| x.1).collect()
    }

    fn close(a: &[f64], b: &[f64], tol: f64) {
        assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() <= tol, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn water_filling_caps_and_redistributes() {
        // Caps 60, 30, 10 with a 50% cap: A = 0.5, the rest 0.5 split 3:1.
        let mut items = vec![(0, 60.0), (1, 30.0), (2, 10.0)];
        water_fill(&mut items, 0.5, &mut CapOrder::default());
        close(&weights_of(&items), &[0.5, 0.375, 0.125], 1e-15);
        // 70/20/5/5 with 30%: A capped, then B's share 0.7*20/30 = 0.467 > 0.3 capped too,
        // C and D split the remaining 0.4 equally.
        let mut items = vec![(0, 5.0), (1, 70.0), (2, 20.0), (3, 5.0)];
        water_fill(&mut items, 0.3, &mut CapOrder::default());
        close(&weights_of(&items), &[0.2, 0.3, 0.3, 0.2], 1e-15);
        // No cap binding: plain cap weights.
        let mut items = vec![(0, 1.0), (1, 3.0)];
        water_fill(&mut items, 0.9, &mut CapOrder::default());
        close(&weights_of(&items), &[0.25, 0.75], 1e-15);
    }

    #[test]
    fn erc_equalises_risk_contributions() {
        // Uncorrelated assets: ERC = inverse volatility. Vols 0.1 and 0.2 -> 2/3, 1/3.
        let w = erc(&[0.01, 0.0, 0.0, 0.04], 2).unwrap();
        close(&w, &[2.0 / 3.0, 1.0 / 3.0], 1e-10);
        // Correlated three-asset case: check equal contributions w_i (Σw)_i.
        let cov = [0.04, 0.006, 0.002, 0.006, 0.09, 0.009, 0.002, 0.009, 0.01];
        let w = erc(&cov, 3).unwrap();
        let rc: Vec<f64> = (0..3).map(|i| w[i] * (0..3).map(|j| cov[i * 3 + j] * w[j]).sum::<f64>()).collect();
        close(&[rc[1] / rc[0], rc[2] / rc[0]], &[1.0, 1.0], 1e-9);
        close(&[w.iter().sum()], &[1.0], 1e-12);
        assert!(erc(&[0.0], 1).is_none());
        // Rank-2 covariance of three assets with a long portfolio of zero
        // variance (the null vector x × z > 0): no ERC portfolio exists...
        let (x, z) = ([0.01, -0.02, 0.015], [0.02, 0.01, -0.01]);
        let mut cov: Vec<f64> = (0..9).map(|n| x[n / 3] * x[n % 3] + z[n / 3] * z[n % 3]).collect();
        assert!(erc(&cov, 3).is_none());
        // ...but after shrinking toward the diagonal one does.
        shrink(&mut cov, 3);
        let w = erc(&cov, 3).unwrap();
        let rc: Vec<f64> = (0..3).map(|i| w[i] * (0..3).map(|j| cov[i * 3 + j] * w[j]).sum::<f64>()).collect();
        close(&[rc[1] / rc[0], rc[2] / rc[0]], &[1.0, 1.0], 1e-9);
    }

    #[test]
    fn cholesky_solves_a_small_system() {
        // [[4, 2], [2, 3]] x = [2, 1]  =>  x = [0.5, 0].
        let mut a = [4.0, 2.0, 2.0, 3.0];
        let mut b = [2.0, 1.0];
        cholesky_factor(&mut a, 2).unwrap();
        solve_factored(&a, 2, &mut b);
        close(&b, &[0.5, 0.0], 1e-15);
        assert!(cholesky_factor(&mut [1.0, 2.0, 2.0, 1.0], 2).is_none());
    }

    #[test]
    fn window_statistics() {
        // One asset, prices 100, 110, 99, 99: returns 0.1, -0.1, 0.
        let price = vec![100.0, 110.0, 99.0, 99.0];
        let vol = vec![5.0, f64::NAN, 7.0, 9.0];
        let panel = Panel::new((0..4).map(Date).collect(), vec!["a".into()], price, vec![1.0; 4], vol, vec![]).unwrap();
        let s = volatility(&panel, 3, 0, 3).unwrap();
        close(&[s], &[0.1], 1e-12);
        // Two returns (0.1, -0.1): std = sqrt(0.02).
        close(&[volatility(&panel, 2, 0, 10).unwrap()], &[0.02f64.sqrt()], 1e-12);
        assert_eq!(volatility(&panel, 1, 0, 10), None);
        assert_eq!(mean_volume(&panel, 2, 0, 2), Some(7.0));
        assert_eq!(mean_volume(&panel, 3, 0, 4), Some(7.0));
        assert_eq!(mean_volume(&panel, 1, 0, 1), None);
    }

    #[test]
    fn schemes_over_candidates() {
        // Three assets on one day; caps 9, 4, 1; day-1 prices make vols differ.
        let price = vec![1.0, 1.0, 1.0, 1.1, 1.2, 1.0, 1.0, 1.0, 1.0];
        let cap = vec![9.0, 4.0, 1.0, 9.0, 4.0, 1.0, 9.0, 4.0, 1.0];
        let volume = vec![1.0, 3.0, 0.0, 1.0, 3.0, 0.0, 1.0, 3.0, 0.0];
        let ids = vec!["a".into(), "b".into(), "c".into()];
        let panel = Panel::new((0..3).map(Date).collect(), ids, price, cap, volume, vec![]).unwrap();
        let custom = [2.0, 0.0, 6.0];
        let inp = Inputs { panel: &panel, t: 2, smoothed_caps: None, custom: &custom };
        let mut out = Vec::new();
        let run = |s: Weighting, out: &mut Vec<(usize, f64)>| {
            target_weights(&s, &inp, &[0, 1, 2], out, &mut SchemeState::default())
        };
        assert!(run(Weighting::Equal, &mut out).is_empty());
        close(&weights_of(&out), &[1.0 / 3.0; 3], 1e-15);
        run(Weighting::MarketCap, &mut out);
        close(&weights_of(&out), &[9.0 / 14.0, 4.0 / 14.0, 1.0 / 14.0], 1e-15);
        run(Weighting::SqrtMarketCap, &mut out);
        close(&weights_of(&out), &[0.5, 1.0 / 3.0, 1.0 / 6.0], 1e-15);
        assert_eq!(run(Weighting::CappedMarketCap { max_weight: 0.3 }, &mut out), vec![Fallback::CapTooSmall { n: 3 }]);
        close(&weights_of(&out), &[1.0 / 3.0; 3], 1e-15);
        // Vols: a: returns 0.1, -1/11; b: 0.2, -1/6; c: 0, 0 (zero vol, left out).
        let notes = run(Weighting::InverseVolatility { lookback: 2 }, &mut out);
        assert_eq!(notes, vec![Fallback::NoEstimate { left_out: 1 }]);
        let sa = volatility(&panel, 2, 0, 2).unwrap();
        let sb = volatility(&panel, 2, 1, 2).unwrap();
        close(&weights_of(&out), &[(1.0 / sa) / (1.0 / sa + 1.0 / sb), (1.0 / sb) / (1.0 / sa + 1.0 / sb)], 1e-12);
        assert_eq!(out.iter().map(|x| x.0).collect::<Vec<_>>(), [0, 1]);
        // Volume: c has zero volume and is left out; a:b = 1:3.
        run(Weighting::VolumeWeighted { lookback: 3 }, &mut out);
        close(&weights_of(&out), &[0.25, 0.75], 1e-15);
        run(Weighting::Custom { weights: vec![] }, &mut out);
        assert_eq!(out, vec![(0, 0.25), (2, 0.75)]);
        // ERC: c has a full window but zero variance, so the solver refuses and
        // inverse volatility (which leaves c out) is used instead.
        let notes = run(Weighting::EqualRiskContribution { lookback: 2 }, &mut out);
        assert_eq!(notes, vec![Fallback::ShrunkCovariance, Fallback::ErcFailed, Fallback::NoEstimate { left_out: 1 }]);
        let expected = [(1.0 / sa) / (1.0 / sa + 1.0 / sb), (1.0 / sb) / (1.0 / sa + 1.0 / sb)];
        close(&weights_of(&out), &expected, 1e-12);
    }

    #[test]
    fn caps_whose_sum_overflows_keep_their_ratios() {
        // Caps near f64::MAX: the plain sum is inf and every weight would be 0.
        let price = vec![1.0; 3];
        let cap = vec![1.5e308, 1.5e308, 0.5e308];
        let ids = vec!["a".into(), "b".into(), "c".into()];
        let panel = Panel::new(vec![Date(0)], ids, price, cap, vec![0.0; 3], vec![]).unwrap();
        let inp = Inputs { panel: &panel, t: 0, smoothed_caps: None, custom: &[0.0; 3] };
        let mut out = Vec::new();
        assert!(
            target_weights(&Weighting::MarketCap, &inp, &[0, 1, 2], &mut out, &mut SchemeState::default()).is_empty()
        );
        close(&weights_of(&out), &[3.0 / 7.0, 3.0 / 7.0, 1.0 / 7.0], 1e-15);
        let cache = &mut SchemeState::default();
        target_weights(&Weighting::CappedMarketCap { max_weight: 0.4 }, &inp, &[0, 1, 2], &mut out, cache);
        close(&weights_of(&out), &[0.4, 0.4, 0.2], 1e-15);
        // A score 1e-320 of the others underflows to a weight of 0 and is not held.
        let mut items = vec![(0, 1e300), (1, 1e-20)];
        assert_eq!(finite_sum(&mut items), 1e300 + 1e-20);
        assert_eq!(items, vec![(0, 1e300), (1, 1e-20)], "finite sums are left alone");
        let panel = Panel::new(
            vec![Date(0)],
            vec!["a".into(), "b".into()],
            vec![1.0; 2],
            vec![1e300, 1e-30],
            vec![0.0; 2],
            vec![],
        )
        .unwrap();
        let inp = Inputs { panel: &panel, t: 0, smoothed_caps: None, custom: &[0.0; 2] };
        target_weights(&Weighting::MarketCap, &inp, &[0, 1], &mut out, &mut SchemeState::default());
        assert_eq!(out, vec![(0, 1.0)]);
    }
}
