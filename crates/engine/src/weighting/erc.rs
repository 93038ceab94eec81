//! Equal risk contribution: the covariance of the members' returns over the
//! lookback (shrunk), and the weights whose risk contributions are equal,
//! solved from scratch or warm-started from the last rebalance on
//! consecutive days (see `ErcCache`).

use super::*;

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
pub(super) struct ErcCache {
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
pub(super) fn equal_risk_contribution(
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

/// Return of asset `a` on day `s`: `P_s / P_{s-1} - 1`.
pub(super) fn ret(panel: &Panel, s: usize, a: usize) -> f64 {
    panel.price(s, a) / panel.price(s - 1, a) - 1.0
}

/// Window sums `Σ r_i` and `Σ r_i r_j` over the returns `t+1-L ..= t` of `members`.
pub(super) fn window_sums(
    panel: &Panel,
    t: usize,
    members: &[usize],
    lookback: usize,
    sums: &mut Vec<f64>,
    cross: &mut Vec<f64>,
) {
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
pub(super) fn slide_sums(
    panel: &Panel,
    t: usize,
    members: &[usize],
    lookback: usize,
    sums: &mut [f64],
    cross: &mut [f64],
) {
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
pub(super) fn dot4(x: &[f64], y: &[f64]) -> f64 {
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
pub(super) fn erc_warm(scaled: &[f64], k: usize, y: &mut [f64], factor: &mut Vec<f64>) -> bool {
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
pub(super) const WARM_CCD_ABOVE: f64 = 0.3;

/// Cholesky factor `L` (lower triangle, row-major) of a symmetric positive
/// definite `k x k` matrix, in place; `None` if it is not positive definite.
/// The inner products run over four accumulators.
pub(super) fn cholesky_factor(a: &mut [f64], k: usize) -> Option<()> {
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
pub(super) fn mirror_lower(a: &mut [f64], k: usize) {
    for i in 0..k {
        for j in 0..i {
            a[j * k + i] = a[i * k + j];
        }
    }
}

/// Solves `L Lᵀ x = b` with `L` from [`cholesky_factor`] (`L` in the lower
/// triangle, `Lᵀ` in the upper); `x` replaces `b`.
pub(super) fn solve_factored(l: &[f64], k: usize, b: &mut [f64]) {
    for i in 0..k {
        let v = b[i] - dot4(&l[i * k..i * k + i], &b[..i]);
        b[i] = v / l[i * k + i];
    }
    for i in (0..k).rev() {
        let v = b[i] - dot4(&l[i * k + i + 1..(i + 1) * k], &b[i + 1..]);
        b[i] = v / l[i * k + i];
    }
}

/// Sample covariance (n - 1) of `k` series of `len` observations stored one
/// series after the other; row-major `k x k`.
pub(super) fn covariance(series: &[f64], k: usize, len: usize) -> Vec<f64> {
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
pub(super) const SHRINKAGE: f64 = 0.1;

/// Shrinks a `k x k` covariance toward its diagonal: off-diagonal entries are
/// multiplied by `1 - SHRINKAGE`. With fewer returns than assets the sample
/// covariance is singular and may give a long portfolio zero variance, in
/// which case no ERC portfolio exists; the shrunk matrix is positive definite.
pub(super) fn shrink(cov: &mut [f64], k: usize) {
    for i in 0..k {
        for j in 0..k {
            if i != j {
                cov[i * k + j] *= 1.0 - SHRINKAGE;
            }
        }
    }
}

/// Coordinate-descent sweeps before the Newton steps in [`erc`].
pub(super) const CCD_SWEEPS: usize = 20;

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
pub(super) fn erc(cov: &[f64], k: usize) -> Option<Vec<f64>> {
    let scaled: Vec<f64> = cov.iter().map(|c| c * k as f64).collect();
    erc_state(&scaled, k).map(|s| s.0)
}

/// [`erc`] on `scaled = kΣ`, also returning the solution `y` before
/// normalising and the Cholesky factor of the last Newton Hessian (empty if
/// none was needed), from which [`erc_warm`] starts the next day.
#[allow(clippy::type_complexity)]
pub(super) fn erc_state(scaled: &[f64], k: usize) -> Option<(Vec<f64>, Vec<f64>, Vec<f64>)> {
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
