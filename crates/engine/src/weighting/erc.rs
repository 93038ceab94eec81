//! Equal risk contribution: the covariance of the members' returns over the
//! lookback (shrunk), and the weights whose risk contributions are equal,
//! solved from scratch or warm-started from the last rebalance on
//! consecutive days (see `ErcCache`).

use super::dense::{dot4, dots4, gram, matvec, update4, Cholesky, Real};
use super::*;

/// The window sums are computed from the window again every `REFRESH L`
/// slides: sliding adds a rounding error of about `1e-16` (double
/// precision) or `6e-8` (single, `Σ r_i r_j`) of each sum a day, so after
/// `4 L` slides they are still good to about `1e-6` where single precision
/// is used (the steps that only need to converge) and far better where
/// double is (the products the solve stops on).
const REFRESH: usize = 4;

/// A solve stops when every risk contribution is within this of its share:
/// `max_i |y_i (Sy)_i - 1| <= TOLERANCE` (see [`erc`]).
pub(super) const TOLERANCE: f64 = 1e-10;

/// What an equal-risk-contribution solve leaves for the next one.
///
/// When the next solve is on the next data day with the same members and
/// lookback (daily rebalancing), the covariance is updated instead of
/// recomputed and the solver starts from the last solution:
/// - the window of returns slides by one day (the new day's returns replace
///   the oldest day's in a ring of `L` days), and so do its sums `Σ r_i`,
///   `Σ r_i²` (double precision) and `Σ r_i r_j` (single precision; all
///   computed from the window again every [`REFRESH`] `L` slides, so
///   rounding cannot build up). The covariance is `(Σ r_i r_j - Σ r_i Σ r_j / L) / (L - 1)`;
///   the solver's `S = kΣ`, with the shrinking folded into the scale of the
///   off-diagonal entries, is written out only in single precision (for
///   the steps that do not need double), and its exact products `Sy` are
///   taken from the window itself ([`Covariance::Window`]);
/// - the solve starts from the last `y` ([`erc_warm`]), and from `Sy` for it
///   without a product: yesterday's exact product plus the change of `S`,
///   which has rank four plus a diagonal.
///
/// Either way the result meets the same convergence test as a cold solve
/// (risk contributions equal to [`TOLERANCE`]), so the weights agree with a
/// cold solve to about that tolerance, not bit for bit. Any other solve
/// (first day, members changed, a gap between solves) is on the two-pass
/// covariance ([`erc_cold`]), started from the last solution where the
/// members overlap.
#[derive(Debug, Default)]
pub(super) struct ErcCache {
    /// Whether the fields describe the last solve.
    valid: bool,
    day: usize,
    lookback: usize,
    members: Vec<usize>,
    /// Whether `window` holds the members' returns over the window ending
    /// on `day`, and `sums`, `squares` and `cross` their sums.
    sums_valid: bool,
    /// Slides since the sums were computed from scratch.
    slides: usize,
    /// `L` days of `k` returns (a ring: the oldest day at `oldest`).
    window: Vec<f64>,
    oldest: usize,
    /// `Σ r_i` and `Σ r_i²` over the window.
    sums: Vec<f64>,
    squares: Vec<f64>,
    /// `Σ r_i r_j` in single precision, `k x k`, row-major.
    cross: Vec<f32>,
    /// The last solution (unnormalised).
    y: Vec<f64>,
    // Scratch.
    now: Vec<usize>,
    means: Vec<f64>,
    /// The returns entering and leaving the window on a slide.
    entering: Vec<f64>,
    leaving: Vec<f64>,
    /// `S = kΣ` (shrunk as needed), `k x k`: written out in double precision
    /// only when the warm solve fails (for [`erc_state`]), and in single
    /// precision every day.
    scaled: Vec<f64>,
    single: Vec<f32>,
    means_single: Vec<f32>,
    entering_single: Vec<f32>,
    leaving_single: Vec<f32>,
    transposed: Vec<f32>,
    warm: WarmScratch,
}

impl ErcCache {
    /// Whether the last solve ended in [`erc_warm`] (with an exact product
    /// for the next day).
    #[cfg(test)]
    pub(super) fn solved_warm(&self) -> bool {
        self.valid && self.warm.product
    }
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
        let l = lookback as f64;
        // Slide the window by a day (the new day's returns replace the
        // oldest day's, and the sums follow), or fill it from the panel; the
        // sums are computed from the window again every `REFRESH L` slides,
        // so that rounding cannot build up.
        let slide = cache.sums_valid && cache.slides < REFRESH * lookback;
        if cache.sums_valid {
            let at = cache.oldest * k;
            cache.leaving.clear();
            cache.leaving.extend_from_slice(&cache.window[at..at + k]);
            cache.entering.clear();
            cache.entering.extend(cache.now.iter().map(|&a| ret(inp.panel, inp.t, a)));
            cache.window[at..at + k].copy_from_slice(&cache.entering);
            cache.oldest = (cache.oldest + 1) % lookback;
        } else {
            fill_window(inp.panel, inp.t, &cache.now, lookback, &mut cache.window);
            cache.oldest = 0;
        }
        if slide {
            let (sums, squares) = (&mut cache.sums, &mut cache.squares);
            for (i, (&n, &o)) in cache.entering.iter().zip(&cache.leaving).enumerate() {
                sums[i] += n - o;
                squares[i] += n * n - o * o;
            }
            cache.slides += 1;
        } else {
            window_sums(&cache.window, k, &mut cache.sums, &mut cache.squares, &mut cache.cross, &mut cache.transposed);
            cache.slides = 0;
        }
        cache.sums_valid = true;
        // `S = kΣ` in single precision, `off (C_ij - s_i m_j)` off the
        // diagonal, with the shrinking (when there are fewer returns than
        // assets) folded into the off-diagonal scale; on a slide, `C = Σ r rᵀ`
        // gains the new day's products and loses the old day's in the same
        // pass.
        let shrunk = k >= lookback;
        if shrunk {
            notes.push(Fallback::ShrunkCovariance);
        }
        let diag_scale = k as f64 / (l - 1.0);
        let off_scale = if shrunk { diag_scale * (1.0 - SHRINKAGE) } else { diag_scale };
        cache.means.clear();
        cache.means.extend(cache.sums.iter().map(|s| s / l));
        cache.single.resize(k * k, 0.0);
        let (new, old) = (&cache.entering, &cache.leaving);
        let single_of = |v: &mut Vec<f32>, x: &[f64]| {
            v.clear();
            v.extend(x.iter().map(|&x| x as f32));
        };
        single_of(&mut cache.means_single, &cache.means);
        single_of(&mut cache.entering_single, new);
        single_of(&mut cache.leaving_single, old);
        let (new32, old32) = (&cache.entering_single, &cache.leaving_single);
        let off = off_scale as f32;
        for i in 0..k {
            let (cross, single) = (&mut cache.cross[i * k..(i + 1) * k], &mut cache.single[i * k..(i + 1) * k]);
            let si = (off_scale * cache.sums[i]) as f32;
            if slide {
                let (ni, oi) = (new32[i], old32[i]);
                let terms = cache.means_single.iter().zip(new32.iter().zip(old32));
                for ((f, x), (&m, (&nj, &oj))) in single.iter_mut().zip(cross.iter_mut()).zip(terms) {
                    *x += ni * nj - oi * oj;
                    *f = off * *x - si * m;
                }
            } else {
                for ((f, &x), &m) in single.iter_mut().zip(cross.iter()).zip(&cache.means_single) {
                    *f = off * x - si * m;
                }
            }
            single[i] = ((cache.squares[i] - cache.sums[i] * cache.means[i]) * diag_scale) as f32;
        }
        // `Sy` for the last solution from yesterday's exact product, when
        // the sums slid: `S` moved by `ΔS = off ΔM + (diag - off) diag(ΔM)`,
        // `ΔM = n nᵀ - o oᵀ - (s' s'ᵀ - s sᵀ) / L` (n and o the returns
        // entering and leaving, s and s' the sums before and after).
        let given = slide && cache.warm.product && cache.y.len() == k;
        if given {
            let y = &cache.y;
            let dot = |a: &[f64]| a.iter().zip(y).map(|(p, q)| p * q).sum::<f64>();
            let (ny, oy, sy_new) = (dot(new), dot(old), dot(&cache.sums));
            let before = |i: usize| cache.sums[i] - (new[i] - old[i]);
            let sy_old = (0..k).map(|i| before(i) * y[i]).sum::<f64>();
            for (i, v) in cache.warm.sy.iter_mut().enumerate() {
                let (s1, s0) = (cache.sums[i], before(i));
                let dm_y = new[i] * ny - old[i] * oy - (s1 * sy_new - s0 * sy_old) / l;
                let dm_ii = new[i] * new[i] - old[i] * old[i] - (s1 * s1 - s0 * s0) / l;
                *v += off_scale * dm_y + (diag_scale - off_scale) * dm_ii * y[i];
            }
        }
        let cov = Covariance::Window {
            window: &cache.window,
            sums: &cache.sums,
            squares: &cache.squares,
            means: &cache.means,
            off: off_scale,
            diag: diag_scale,
        };
        let valid_diag = (0..k).all(|i| cov.diagonal(k, i) > 0.0 && cov.diagonal(k, i).is_finite());
        if valid_diag && erc_warm(cov, &cache.single, k, &mut cache.y, &mut cache.warm, given) {
            let total: f64 = cache.y.iter().sum();
            out.extend(cache.now.iter().zip(&cache.y).map(|(&a, y)| (a, y / total)));
            cache.day = inp.t;
            return;
        }
        // The warm solve failed: solve from scratch on the same covariance.
        cache.valid = false;
        cache.scaled.resize(k * k, 0.0);
        cov.dense(k, &mut cache.scaled);
        match erc_state(&cache.scaled, k) {
            Some((w, y)) => {
                out.extend(cache.now.iter().copied().zip(w));
                cache.y = y;
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

    // Cold: the two-pass covariance of the returns, and a solve started from
    // the last solution where the members overlap.
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
    let k = members.len();
    let scaled: Vec<f64> = cov.iter().map(|c| c * k as f64).collect();
    // Start from the last solution where the members overlap (the weights
    // change little between rebalances), the others at `c / sqrt(S_ii)` with
    // `c` the mean of `y_i sqrt(S_ii)` over the members kept.
    let mut start: Vec<f64> = (0..k).map(|i| 1.0 / scaled[i * k + i].sqrt()).collect();
    if cache.y.len() == cache.members.len() {
        let (mut kept, mut scale) = (0usize, 0.0);
        let mut last = cache.members.iter().zip(&cache.y).peekable();
        let mut mapped = vec![None; k];
        for (i, &a) in members.iter().enumerate() {
            while last.peek().is_some_and(|&(&b, _)| b < a) {
                last.next();
            }
            if let Some(&(&b, &y)) = last.peek() {
                if b == a && y > 0.0 && y.is_finite() {
                    mapped[i] = Some(y);
                    kept += 1;
                    scale += y / start[i];
                }
            }
        }
        if kept > 0 && (scale / kept as f64).is_finite() {
            let c = scale / kept as f64;
            for (v, m) in start.iter_mut().zip(mapped) {
                *v = m.unwrap_or(c * *v);
            }
        }
    }
    match erc_cold(&scaled, k, start, &mut cache.single, &mut cache.warm) {
        Some((w, y)) => {
            out.extend(members.iter().copied().zip(w));
            cache.valid = true;
            cache.day = inp.t;
            cache.lookback = lookback;
            cache.members = members;
            cache.sums_valid = false;
            cache.slides = 0;
            cache.y = y;
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

/// The returns `t+1-L ..= t` of `members`, a day (of `k` returns) after
/// another.
fn fill_window(panel: &Panel, t: usize, members: &[usize], lookback: usize, window: &mut Vec<f64>) {
    window.clear();
    for s in t + 1 - lookback..=t {
        window.extend(members.iter().map(|&a| ret(panel, s, a)));
    }
}

/// The window's sums `Σ r_i` and `Σ r_i²` (double precision) and `Σ r_i r_j`
/// (single), from its days of `k` returns.
fn window_sums(
    window: &[f64],
    k: usize,
    sums: &mut Vec<f64>,
    squares: &mut Vec<f64>,
    cross: &mut Vec<f32>,
    transposed: &mut Vec<f32>,
) {
    let days = window.len() / k;
    sums.clear();
    sums.resize(k, 0.0);
    squares.clear();
    squares.resize(k, 0.0);
    for day in window.chunks_exact(k) {
        for ((s, q), &r) in sums.iter_mut().zip(squares.iter_mut()).zip(day) {
            *s += r;
            *q += r * r;
        }
    }
    // By asset, then the products.
    transposed.clear();
    transposed.resize(k * days, 0.0);
    for (t, day) in window.chunks_exact(k).enumerate() {
        for (i, &r) in day.iter().enumerate() {
            transposed[i * days + t] = r as f32;
        }
    }
    cross.clear();
    cross.resize(k * k, 0.0);
    gram(transposed, k, days, cross);
}

/// `S = kΣ`, written out or as the window of returns it comes from.
#[derive(Clone, Copy)]
pub(super) enum Covariance<'a> {
    /// Row-major `k x k`.
    Dense(&'a [f64]),
    /// `S_ij = off M_ij` off the diagonal and `diag M_ii` on it, with
    /// `M = Σ_t (r_t - m)(r_t - m)ᵀ` over the window's days of `k` returns
    /// `r_t`, `s = Σ r_t`, `m = s / L` and `M_ii = Σ r_i² - s_i m_i`.
    Window { window: &'a [f64], sums: &'a [f64], squares: &'a [f64], means: &'a [f64], off: f64, diag: f64 },
}

impl Covariance<'_> {
    /// `S_ii`.
    pub(super) fn diagonal(&self, k: usize, i: usize) -> f64 {
        match *self {
            Covariance::Dense(s) => s[i * k + i],
            Covariance::Window { sums, squares, means, diag, .. } => (squares[i] - sums[i] * means[i]) * diag,
        }
    }

    /// `out = S y` in double precision: by rows of `S`, or from the window
    /// (`v_t = (r_t - m)·y`, `M y = Σ_t v_t r_t - m Σ_t v_t`, then the
    /// scales), which takes `2 k L` products instead of `k²`.
    pub(super) fn product(&self, k: usize, y: &[f64], out: &mut [f64]) {
        match *self {
            Covariance::Dense(s) => matvec(s, k, y, out),
            Covariance::Window { window, sums, squares, means, off, diag } => {
                let (y, out) = (&y[..k], &mut out[..k]);
                let my = dot4(&means[..k], y);
                out.iter_mut().for_each(|v| *v = 0.0);
                let mut total = 0.0;
                let mut days = window.chunks_exact(4 * k);
                for four in days.by_ref() {
                    let day = |t: usize| &four[t * k..(t + 1) * k];
                    let rows = [day(0), day(1), day(2), day(3)];
                    let v = dots4(rows, y).map(|u| u - my);
                    total += (v[0] + v[1]) + (v[2] + v[3]);
                    update4(out, rows, v.map(|v| -v));
                }
                for day in days.remainder().chunks_exact(k) {
                    let v = dot4(day, y) - my;
                    total += v;
                    out.iter_mut().zip(day).for_each(|(o, &r)| *o += v * r);
                }
                for i in 0..k {
                    let m_ii = squares[i] - sums[i] * means[i];
                    out[i] = off * (out[i] - means[i] * total) + (diag - off) * m_ii * y[i];
                }
            }
        }
    }

    /// Writes `S` out, row-major.
    pub(super) fn dense(&self, k: usize, out: &mut [f64]) {
        match *self {
            Covariance::Dense(s) => out.copy_from_slice(&s[..k * k]),
            Covariance::Window { window, sums, means, off, diag, .. } => {
                for i in 0..k {
                    for j in 0..k {
                        let c: f64 = window.chunks_exact(k).map(|day| day[i] * day[j]).sum();
                        out[i * k + j] = (c - sums[i] * means[j]) * if i == j { diag } else { off };
                    }
                }
            }
        }
    }
}

/// `max_i |y_i (Sy)_i - 1|` with `sy = Sy`, in the precision of `y` and
/// `sy` (the warm solver's sweeps carry them in single precision); NaN if
/// any term is NaN.
fn residual<T: Real + Into<f64>>(y: &[T], sy: &[T]) -> f64 {
    let (mut max, mut nan) = (T::ZERO, false);
    for (&y, &s) in y.iter().zip(sy) {
        let d = y * s - T::ONE;
        let r = if d < T::ZERO { T::ZERO - d } else { d };
        if r > max {
            max = r;
        }
        nan |= r.partial_cmp(&r).is_none();
    }
    if nan {
        f64::NAN
    } else {
        max.into()
    }
}

/// The positive root `y_i` of `∂G/∂y_i = S_ii y_i + c - 1/y_i = 0`,
/// `c = Σ_{j≠i} S_ij y_j`, written so that neither sign of `c` cancels.
fn coordinate_root(s_ii: f32, c: f32) -> f32 {
    let root = (c * c + 4.0 * s_ii).sqrt();
    if c >= 0.0 {
        2.0 / (c + root)
    } else {
        (root - c) / (2.0 * s_ii)
    }
}

/// One sweep of coordinate descent on `G` (see [`erc`]), four coordinates
/// at a time: each of the four moves to its [`coordinate_root`] (which
/// minimises `G` along that coordinate and keeps `y > 0`) with the others
/// as they were before the four, so that the four roots are independent and
/// their changes update `sy ≈ Sy` in one pass over the four rows of the
/// symmetric `S` (Gauss-Seidel between groups, Jacobi within one; `G`'s
/// Hessian `S + diag(1/y²)` is strongly diagonal near the solution, each
/// `1/y_i² = (Sy)_i / y_i` being the whole row's risk, so the four barely
/// interact). `s`, `y` and `sy` are in single precision: the sweeps only
/// bring the start close enough for the Newton steps, which work from
/// double-precision residuals.
fn ccd_sweep(s: &[f32], k: usize, y: &mut [f32], sy: &mut [f32]) {
    let mut i = 0;
    while i < k {
        let m = (k - i).min(4);
        let mut d = [0.0f32; 4];
        for q in 0..m {
            let s_ii = s[(i + q) * k + i + q];
            let t = coordinate_root(s_ii, sy[i + q] - s_ii * y[i + q]);
            d[q] = t - y[i + q];
            y[i + q] = t;
        }
        let row = |q: usize| if q < m { &s[(i + q) * k..(i + q + 1) * k] } else { &s[i * k..(i + 1) * k] };
        update4(&mut sy[..k], [row(0), row(1), row(2), row(3)], d.map(|v| -v));
        i += m;
    }
}

/// The warm solver's state and buffers (kept between solves to avoid
/// allocating).
#[derive(Debug, Default)]
pub(super) struct WarmScratch {
    /// `Sy`; after a successful solve, the exact product at its solution
    /// (`product`), which the next day's solve starts from.
    sy: Vec<f64>,
    product: bool,
    sy_single: Vec<f32>,
    y_single: Vec<f32>,
    /// `y_f`: where `factor` was computed.
    at: Vec<f64>,
    /// `w = y / y_f` and `ρ = Bw - 1/w`.
    w: Vec<f64>,
    rho: Vec<f64>,
    step: Vec<f64>,
    /// The Cholesky factor of `A = I + Y_f S Y_f`.
    factor: Cholesky<f32>,
    single: Vec<f32>,
}

/// Iterations (sweeps and steps) [`erc_warm`] may take.
const WARM_ITERATIONS: usize = 100;

/// Coordinate-descent sweeps [`erc_warm`] may take before its other steps.
const WARM_SWEEPS: usize = 50;

/// Largest residual at which [`erc_warm`] factors its Newton matrix; above
/// it, coordinate-descent sweeps (about one matrix-vector product each)
/// bring the start closer. A day's new return moves the solution far (the
/// start's residual is often above 1 at 100 assets and 60 returns); the
/// closer the point where the matrix is factored, the faster the steps on
/// that factor converge.
pub(super) const WARM_CCD_ABOVE: f64 = 0.05;

/// How far below the last exact residual [`erc_warm`] trusts the residuals
/// it carries along its steps (single precision's share; see there).
const CARRIED_DOWN_TO: f64 = 1e-5;

/// How far (absolute) [`erc_warm`] trusts the residuals it carries from
/// the single-precision products of [`ccd_sweep`]: they are good to about
/// `2e-6`, so this checks them with an exact product once Newton's step has
/// been taken, and the chord steps go on from there.
const SWEPT_FLOOR: f64 = 1e-4;

/// `b ← A⁻¹ b` with the single-precision factor of `A`.
fn solve_single(factor: &Cholesky<f32>, single: &mut [f32], b: &mut [f64]) {
    for (s, &v) in single.iter_mut().zip(b.iter()) {
        *s = v as f32;
    }
    factor.solve(single);
    for (v, &s) in b.iter_mut().zip(single.iter()) {
        *v = f64::from(s);
    }
}

/// The warm-started ERC solve on `scaled = S = kΣ` (with `scaled_single`,
/// `S` in single precision) from `y` (the last solution, or any start `> 0`):
/// the same function `G` and stopping test as [`erc`], with steps organised
/// for a start that is close. `given`: `ws.sy` already holds `Sy` (from
/// yesterday's exact product and the change of `S`).
///
/// 1. While the largest residual `|y_i (Sy)_i - 1|` is above
///    [`WARM_CCD_ABOVE`], coordinate-descent sweeps ([`ccd_sweep`], in
///    single precision).
/// 2. Then Newton's matrix is factored once at that point `y_f` and kept:
///    with `w = y / y_f` and `B = Y_f S Y_f`, `G`'s gradient is `Y_f⁻¹ ρ`,
///    `ρ = Bw - 1/w`, its Hessian `Y_f⁻¹ (A + D) Y_f⁻¹` with `A = I + B`
///    and `D = diag(1/w² - 1)` (zero at `y_f`), and the ERC residuals are
///    `w_i ρ_i`. `A`'s eigenvalues are at least 1 (`S` is positive
///    semi-definite), so its Cholesky factor in single precision is
///    accurate to about `1e-7 · λ_max(A)`. The steps are `s = t A⁻¹ρ`,
///    `w ← w - s`, with the damping of [`erc`] (`t = 1/(1+λ)` while the
///    Newton decrement `λ = sqrt(ρᵀA⁻¹ρ)` is above 0.25): the first is
///    Newton's step; the next ones (chord steps) contract the error by about
///    `‖A⁻¹D‖ <= max |D_ii|`, a few hundredths once the sweeps have brought
///    `y_f` close.
/// 3. The steps need no product with `S`: since `A s = t ρ`, the identity
///    `1/(w - s) = 1/w + s/w² + s²/(w²(w - s))` gives the next residual
///    exactly from the last, `ρ ← (1 - t) ρ + s (1 - 1/(w (w - s)))`, up to
///    the single-precision error of the solve (about `1e-7 |ρ|` a step) and
///    of the sweeps' products. So the carried residual is trusted down to
///    [`CARRIED_DOWN_TO`] times the last exact one (and [`SWEPT_FLOOR`] after
///    sweeps); there (or below the tolerance, or when a step did not halve
///    it) `Sy` is computed again in double precision, the exact residual
///    replaces the carried one, and the solve stops when it is at most
///    [`TOLERANCE`]. A step that does not halve the residual, or that
///    leaves `y > 0`, means that `y` has moved too far from `y_f`: the
///    matrix is factored again at the current point.
///
/// So single precision only sets how fast the steps converge, not where:
/// the solve stops only on the residual of an exact product `Sy` (which
/// `ws` keeps for the next day). `false` when it does not get there in
/// [`WARM_ITERATIONS`], when a step from a fresh factor leaves `y > 0`, or
/// when the factorisation fails; `y` is then meaningless.
pub(super) fn erc_warm(
    scaled: Covariance,
    scaled_single: &[f32],
    k: usize,
    y: &mut [f64],
    ws: &mut WarmScratch,
    given: bool,
) -> bool {
    let done = y.len() == k && k > 0 && solve_warm(scaled, scaled_single, k, y, ws, given);
    ws.product = done;
    done
}

fn solve_warm(
    scaled: Covariance,
    scaled_single: &[f32],
    k: usize,
    y: &mut [f64],
    ws: &mut WarmScratch,
    given: bool,
) -> bool {
    let WarmScratch { sy, product: _, sy_single, y_single, at, w, rho, step, factor, single } = ws;
    for v in [&mut *sy, &mut *at, &mut *w, &mut *rho, &mut *step] {
        v.resize(k, 0.0);
    }
    sy_single.resize(k, 0.0);
    y_single.resize(k, 0.0);
    factor.reset(k);
    single.clear();
    single.resize(factor.stride(), 0.0);
    // Whether `sy` is an exact product (not one carried from yesterday or
    // kept up by sweeps), and whether `sy_single` holds it.
    let (mut exact, mut swept) = (!given, false);
    if !given {
        scaled.product(k, y, sy);
    }
    let mut sweeps = 0;
    // Whether `at`, `w`, `rho` and the factor describe the current `y`, and
    // whether no step has been taken from the factor yet.
    let (mut factored, mut fresh) = (false, false);
    // The last exact residual, and the last carried one.
    let (mut reference, mut last) = (0.0, 0.0);
    for _ in 0..WARM_ITERATIONS {
        if !factored {
            let res = residual(y, sy);
            if res <= TOLERANCE {
                if exact {
                    return true;
                }
                scaled.product(k, y, sy);
                (exact, swept) = (true, false);
                continue;
            }
            if !res.is_finite() {
                return false;
            }
            if res > WARM_CCD_ABOVE && sweeps < WARM_SWEEPS {
                // Sweeps in single precision until the residual is small
                // enough (or not a number: then the test above fails).
                y_single.iter_mut().zip(y.iter()).for_each(|(a, &b)| *a = b as f32);
                sy_single.iter_mut().zip(sy.iter()).for_each(|(a, &b)| *a = b as f32);
                let mut res = res;
                while res > WARM_CCD_ABOVE && sweeps < WARM_SWEEPS {
                    ccd_sweep(scaled_single, k, y_single, sy_single);
                    sweeps += 1;
                    res = residual(y_single, sy_single);
                    if res.is_nan() {
                        return false;
                    }
                }
                y.iter_mut().zip(y_single.iter()).for_each(|(a, &b)| *a = f64::from(b));
                sy.iter_mut().zip(sy_single.iter()).for_each(|(a, &b)| *a = f64::from(b));
                (exact, swept) = (false, true);
                continue;
            }
            // A = I + Y S Y here (upper triangle), in single precision.
            y_single.iter_mut().zip(y.iter()).for_each(|(a, &b)| *a = b as f32);
            for i in 0..k {
                let (row, out, yi) = (&scaled_single[i * k..(i + 1) * k], factor.row_mut(i), y_single[i]);
                for ((o, &r), &yj) in out[i..k].iter_mut().zip(&row[i..]).zip(&y_single[i..]) {
                    *o = yi * r * yj;
                }
                out[i] += 1.0;
                out[k..].iter_mut().for_each(|v| *v = 0.0);
            }
            if factor.factor().is_none() {
                return false;
            }
            at.copy_from_slice(y);
            w.iter_mut().for_each(|v| *v = 1.0);
            for i in 0..k {
                rho[i] = y[i] * sy[i] - 1.0;
            }
            // The residuals carried from here are good only to about `1e-6`
            // (absolute) when `sy` came from single-precision sweeps.
            let floor = if swept { SWEPT_FLOOR } else { 0.0 };
            (factored, fresh, reference, last) = (true, true, res + floor / CARRIED_DOWN_TO, res);
        }
        step.copy_from_slice(rho);
        solve_single(factor, single, step);
        let lambda = rho.iter().zip(step.iter()).map(|(r, d)| r * d).sum::<f64>().max(0.0).sqrt();
        let t = if lambda > 0.25 { 1.0 / (1.0 + lambda) } else { 1.0 };
        let inside = w.iter().zip(step.iter()).fold(true, |ok, (&w, &d)| {
            let v = w - t * d;
            ok & (v > 0.0) & v.is_finite()
        });
        if !inside {
            if fresh {
                return false;
            }
            // Too far from `y_f` for its factor: factor again here.
            scaled.product(k, y, sy);
            (exact, swept, factored) = (true, false, false);
            continue;
        }
        let mut carried = 0.0f64;
        for i in 0..k {
            let s = t * step[i];
            let next = w[i] - s;
            rho[i] = (1.0 - t) * rho[i] + s * (1.0 - 1.0 / (w[i] * next));
            w[i] = next;
            y[i] = at[i] * next;
            carried = carried.max((next * rho[i]).abs());
        }
        fresh = false;
        // (A NaN counts as slow.)
        let slow = carried.is_nan() || carried > 0.5 * last;
        if carried <= (CARRIED_DOWN_TO * reference).max(0.5 * TOLERANCE) || slow {
            scaled.product(k, y, sy);
            (exact, swept) = (true, false);
            let res = residual(y, sy);
            if res <= TOLERANCE {
                return true;
            }
            if !res.is_finite() {
                return false;
            }
            if slow {
                factored = false;
                continue;
            }
            for i in 0..k {
                rho[i] = (y[i] * sy[i] - 1.0) / w[i];
            }
            (reference, last) = (res, res);
        } else {
            last = carried;
        }
    }
    false
}

/// Sample covariance (n - 1) of `k` series of `len` observations stored one
/// series after the other; row-major `k x k`. Two passes: the series are
/// centred on their means, then the products of the centred series summed
/// ([`gram`]).
pub(super) fn covariance(series: &[f64], k: usize, len: usize) -> Vec<f64> {
    let mut centred = series[..k * len].to_vec();
    for x in centred.chunks_exact_mut(len.max(1)) {
        let mean = x.iter().sum::<f64>() / len as f64;
        x.iter_mut().for_each(|v| *v -= mean);
    }
    let mut cov = vec![0.0; k * k];
    gram(&centred, k, len, &mut cov);
    cov.iter_mut().for_each(|c| *c /= len as f64 - 1.0);
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
/// Stops when `max_i |y_i (Sy)_i - 1| <= 1e-10` ([`TOLERANCE`]). `None` on a
/// non-positive variance, a failed factorisation or no convergence in 100
/// Newton steps (as when a long portfolio has zero variance and `G` is
/// unbounded below).
#[cfg(test)]
pub(super) fn erc(cov: &[f64], k: usize) -> Option<Vec<f64>> {
    let scaled: Vec<f64> = cov.iter().map(|c| c * k as f64).collect();
    erc_state(&scaled, k).map(|s| s.0)
}

/// The ERC solve on `scaled = kΣ` (row-major) with no window carried from
/// the last solve: [`erc_warm`] from the start `y` (its sweeps do the work
/// of [`erc`]'s warm-up; `single` gets `S` in single precision), and
/// [`erc_state`] if that fails. Returns the weights and `y`.
fn erc_cold(
    scaled: &[f64],
    k: usize,
    mut y: Vec<f64>,
    single: &mut Vec<f32>,
    ws: &mut WarmScratch,
) -> Option<(Vec<f64>, Vec<f64>)> {
    if k == 0 || (0..k).any(|i| !(scaled[i * k + i] > 0.0 && scaled[i * k + i].is_finite())) {
        return None;
    }
    single.clear();
    single.extend(scaled.iter().map(|&v| v as f32));
    if erc_warm(Covariance::Dense(scaled), single, k, &mut y, ws, false) {
        let total: f64 = y.iter().sum();
        return Some((y.iter().map(|v| v / total).collect(), y));
    }
    erc_state(scaled, k)
}

/// [`erc`] on `scaled = kΣ`, also returning the solution `y` before
/// normalising, from which [`erc_warm`] starts the next day.
pub(super) fn erc_state(scaled: &[f64], k: usize) -> Option<(Vec<f64>, Vec<f64>)> {
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
    let (mut sy, mut grad, mut h) = (vec![0.0; k], vec![0.0; k], Cholesky::default());
    h.reset(k);
    let mut d = vec![0.0; h.stride()];
    for _ in 0..100 {
        matvec(scaled, k, &y, &mut sy);
        if (0..k).all(|i| (y[i] * sy[i] - 1.0).abs() <= TOLERANCE) {
            let total: f64 = y.iter().sum();
            let w = y.iter().map(|v| v / total).collect();
            return Some((w, y));
        }
        for i in 0..k {
            grad[i] = sy[i] - 1.0 / y[i];
        }
        for i in 0..k {
            let row = h.row_mut(i);
            row[i..k].copy_from_slice(&scaled[i * k + i..(i + 1) * k]);
            row[i] += 1.0 / (y[i] * y[i]);
            row[k..].iter_mut().for_each(|v| *v = 0.0);
        }
        h.factor()?;
        d[..k].copy_from_slice(&grad);
        h.solve(&mut d);
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
