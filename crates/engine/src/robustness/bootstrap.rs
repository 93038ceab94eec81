//! Sampling uncertainty of a pair: how different could the numbers have
//! been with another draw of the same kind of market?
//!
//! * **Stationary block bootstrap** (Politis & Romano 1994): the pair's daily
//!   returns are resampled *together* (day `t` of A with day `t` of B, so
//!   their correlation is kept) in blocks of random length, geometric with
//!   mean `L`, starting at uniform random days and wrapping around the end
//!   (so every day is equally likely). Each resample is `n` returns long;
//!   from it CAGR, volatility, Sharpe and max drawdown of A and of B are
//!   computed with the metrics module's conventions and helpers
//!   ([`metrics::cagr`], [`metrics::sample_std`], [`metrics::drawdown_series`],
//!   risk-free 0), and A - B is taken. The 90% and 95% intervals are the
//!   percentile intervals (5–95%, 2.5–97.5%, numpy linear quantiles) of
//!   those differences.
//! * **Block length** `L`: given, or chosen from the data by the automatic
//!   rule of Politis & White (2004) with the correction of Patton, Politis &
//!   White (2009) for the stationary bootstrap ([`optimal_block_length`]),
//!   the larger of A's and B's, at least 1.
//! * **Sharpe difference test**: Jobson & Korkie (1981) with Memmel's (2003)
//!   correction ([`jobson_korkie_memmel`]); returns assumed i.i.d. normal.
//!
//! Draws come from [`Xoshiro256`] stream 0 of the seed: the same seed gives
//! the same intervals on every platform.
//!
//! References: D. N. Politis, J. P. Romano (1994), "The stationary
//! bootstrap", JASA 89(428); D. N. Politis, H. White (2004), "Automatic
//! block-length selection for the dependent bootstrap", Econometric Reviews
//! 23(1); A. Patton, D. N. Politis, H. White (2009), "Correction to ...",
//! Econometric Reviews 28(4); J. D. Jobson, B. M. Korkie (1981), "Performance
//! hypothesis testing with the Sharpe and Treynor measures", Journal of
//! Finance 36(4); C. Memmel (2003), "Performance hypothesis testing with the
//! Sharpe ratio", Finance Letters 1.

use crate::metrics::{self, degenerate_std, Metrics, MetricsOptions, TradingStats};
use crate::synth::rng::Xoshiro256;
use serde::{Deserialize, Serialize};

/// Mean block length of the stationary bootstrap. Serialises as `"auto"` or `{"fixed": 10}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockLength {
    /// [`optimal_block_length`] of the data.
    #[default]
    Auto,
    /// This many days (1 to [`MAX_BLOCK_DAYS`](super::MAX_BLOCK_DAYS)).
    Fixed(f64),
}

/// A percentile interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub lo: f64,
    pub hi: f64,
}

impl Interval {
    /// Whether 0 lies inside (ends included): the data cannot tell the sign.
    pub fn spans_zero(&self) -> bool {
        self.lo <= 0.0 && self.hi >= 0.0
    }

    pub fn width(&self) -> f64 {
        self.hi - self.lo
    }
}

/// A - B of the four measures (fractions: 0.05 = 5 percentage points;
/// Sharpe in its own unit); `None` where undefined for A or B.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Differences {
    pub cagr: Option<f64>,
    pub volatility: Option<f64>,
    pub sharpe: Option<f64>,
    pub max_drawdown: Option<f64>,
}

/// Percentile intervals of the four differences.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DiffIntervals {
    pub cagr: Option<Interval>,
    pub volatility: Option<Interval>,
    pub sharpe: Option<Interval>,
    pub max_drawdown: Option<Interval>,
}

/// Jobson-Korkie test of equal Sharpe ratios with Memmel's correction.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharpeTest {
    /// Annualised Sharpe ratios (risk-free 0).
    pub sharpe_a: f64,
    pub sharpe_b: f64,
    /// Correlation of the daily returns.
    pub correlation: f64,
    pub z: f64,
    /// Two-sided p-value, `2 (1 - Φ(|z|))`.
    pub p_value: f64,
}

/// The bootstrap of a pair (differences are A - B).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BootstrapResult {
    /// Daily returns resampled (days - 1).
    pub n_returns: usize,
    pub resamples: u32,
    pub seed: u64,
    /// Mean block length used, days.
    pub block_length: f64,
    /// Whether it was chosen from the data.
    pub block_auto: bool,
    /// The differences on the data itself (the metrics module's numbers).
    pub point: Differences,
    pub ci90: DiffIntervals,
    pub ci95: DiffIntervals,
    /// Share of resamples in which A's CAGR is higher than B's.
    pub a_wins_share: f64,
    pub sharpe_test: Option<SharpeTest>,
}

/// Flat-top lag window of Politis & Romano (1995): 1 up to 1/2, then down to 0 at 1.
fn flat_top(t: f64) -> f64 {
    let t = t.abs();
    if t <= 0.5 {
        1.0
    } else if t <= 1.0 {
        2.0 * (1.0 - t)
    } else {
        0.0
    }
}

/// Politis & White's (2004) automatic mean block length for the stationary
/// bootstrap, with the Patton, Politis & White (2009) correction:
///
/// * autocovariances `R(k) = Σ_{t≥k} e_t e_{t-k} / n` of the demeaned series,
///   autocorrelations `ρ(k) = R(k) / R(0)`;
/// * `m̂` = the smallest lag after which `K_n = max(5, ⌈√log10 n⌉)`
///   consecutive `|ρ|` are below `2 √(log10 n / n)` (searched up to
///   `m_max = ⌈√n⌉ + K_n`; when there is none, the last significant lag),
///   and `M = min(2 max(m̂, 1), m_max)`;
/// * `Ĝ = Σ_{|k|≤M} λ(k/M) |k| R(k)`, `ĝ = Σ_{|k|≤M} λ(k/M) R(k)` with the
///   flat-top window `λ`, `D̂ = 2 ĝ²`;
/// * `b = (2 Ĝ² / D̂)^{1/3} n^{1/3}`, kept within `1 ..= ⌈min(3√n, n/3)⌉`.
///
/// Fewer than 8 values, or no variance, give 1.
pub fn optimal_block_length(x: &[f64]) -> f64 {
    let n = x.len();
    if n < 8 {
        return 1.0;
    }
    let nf = n as f64;
    let kn = (nf.log10().sqrt().ceil() as usize).max(5);
    let m_max = ((nf.sqrt().ceil() as usize) + kn).min(n - 1);
    let b_max = (3.0 * nf.sqrt()).min(nf / 3.0).ceil();
    let mean = metrics::mean(x).unwrap_or(0.0);
    let e: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let acv: Vec<f64> = (0..=m_max).map(|k| e[k..].iter().zip(&e).map(|(a, b)| a * b).sum::<f64>() / nf).collect();
    if !acv[0].is_finite() || degenerate_std(acv[0].sqrt(), mean) {
        return 1.0;
    }
    let rho = |k: usize| acv[k] / acv[0];
    let thresh = 2.0 * (nf.log10() / nf).sqrt();
    let mhat = (0..=m_max.saturating_sub(kn))
        .find(|&m| (1..=kn).all(|j| m + j > m_max || rho(m + j).abs() < thresh))
        .unwrap_or_else(|| (1..=m_max).rev().find(|&k| rho(k).abs() >= thresh).unwrap_or(1));
    let big_m = (2 * mhat.max(1)).min(m_max);
    let (mut g, mut ghat) = (0.0, acv[0]);
    for (k, &r) in acv.iter().enumerate().take(big_m + 1).skip(1) {
        let w = flat_top(k as f64 / big_m as f64);
        g += 2.0 * w * k as f64 * r;
        ghat += 2.0 * w * r;
    }
    let d = 2.0 * ghat * ghat;
    let b = (2.0 * g * g / d).cbrt() * nf.cbrt();
    if b.is_finite() {
        b.clamp(1.0, b_max.max(1.0))
    } else {
        1.0
    }
}

/// Fills `out` with `n` day indices of one stationary-bootstrap resample
/// with mean block length `mean_block` (≥ 1): a uniform start, then each
/// next day continues the block (wrapping around) with probability
/// `1 - 1/mean_block` or starts a new block at a uniform day.
pub fn stationary_resample(n: usize, mean_block: f64, rng: &mut Xoshiro256, out: &mut Vec<usize>) {
    out.clear();
    if n == 0 {
        return;
    }
    let p_new = 1.0 / mean_block.max(1.0);
    let mut i = rng.below(n as u64) as usize;
    out.push(i);
    for _ in 1..n {
        if rng.uniform() < p_new {
            i = rng.below(n as u64) as usize;
        } else {
            i += 1;
            if i == n {
                i = 0;
            }
        }
        out.push(i);
    }
}

/// Complementary error function (Chebyshev fit of Press et al., relative
/// error below 1.2e-7 everywhere).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98 + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// Two-sided p-value of a standard normal statistic.
pub fn normal_p_value(z: f64) -> f64 {
    erfc(z.abs() / std::f64::consts::SQRT_2).clamp(0.0, 1.0)
}

/// Jobson & Korkie's (1981) test of equal Sharpe ratios with Memmel's
/// (2003) correction, on paired returns `a`, `b` (per period, risk-free 0):
/// with `SR = mean / std` per period, `ρ` the correlation and `T` the
/// number of returns,
///
/// `z = (SR_a - SR_b) / √(θ / T)`, `θ = 2 (1 - ρ) + ½ (SR_a² + SR_b² - 2 SR_a SR_b ρ²)`.
///
/// Identical series give `z = 0`, `p = 1`. `None` with fewer than 3
/// returns or a zero standard deviation.
pub fn jobson_korkie_memmel(a: &[f64], b: &[f64], periods_per_year: f64) -> Option<SharpeTest> {
    if a.len() != b.len() || a.len() < 3 {
        return None;
    }
    let (ma, mb) = (metrics::mean(a)?, metrics::mean(b)?);
    let (sa, sb) = (metrics::sample_std(a)?, metrics::sample_std(b)?);
    if degenerate_std(sa, ma) || degenerate_std(sb, mb) {
        return None;
    }
    let cov = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum::<f64>() / (a.len() - 1) as f64;
    let rho = (cov / (sa * sb)).clamp(-1.0, 1.0);
    let (sra, srb) = (ma / sa, mb / sb);
    let theta = 2.0 * (1.0 - rho) + 0.5 * (sra * sra + srb * srb - 2.0 * sra * srb * rho * rho);
    let se = (theta.max(0.0) / a.len() as f64).sqrt();
    let z = if se > 0.0 && sra != srb { (sra - srb) / se } else { 0.0 };
    let ann = periods_per_year.sqrt();
    Some(SharpeTest { sharpe_a: sra * ann, sharpe_b: srb * ann, correlation: rho, z, p_value: normal_p_value(z) })
}

/// CAGR, volatility, Sharpe and max drawdown of returns `r` (reusing `path`).
#[derive(Clone, Copy)]
struct Stats {
    cagr: Option<f64>,
    vol: Option<f64>,
    sharpe: Option<f64>,
    mdd: f64,
}

fn stats(r: &[f64], path: &mut Vec<f64>, p: f64) -> Stats {
    path.clear();
    path.push(1.0);
    let mut v = 1.0;
    for x in r {
        v *= 1.0 + x;
        path.push(v);
    }
    let cagr = metrics::cagr(1.0, v, r.len(), p).filter(|c| c.is_finite());
    let mean = metrics::mean(r).unwrap_or(0.0);
    let std = metrics::sample_std(r);
    let vol = std.map(|s| s * p.sqrt()).filter(|v| v.is_finite());
    let sharpe = std.filter(|&s| !degenerate_std(s, mean)).map(|s| mean / s * p.sqrt());
    let mdd = metrics::drawdown_series(path).into_iter().fold(0.0, f64::min);
    Stats { cagr, vol, sharpe, mdd }
}

fn sub(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? - b?)
}

fn interval(values: &[f64], level: f64, resamples: usize) -> Option<Interval> {
    // An interval from fewer than half the resamples would mislead.
    if values.len() * 2 < resamples {
        return None;
    }
    let tail = (1.0 - level) / 2.0;
    Some(Interval { lo: metrics::quantile_linear(values, tail)?, hi: metrics::quantile_linear(values, 1.0 - tail)? })
}

/// The bootstrap of equity curves `a` and `b` (same days, positive); see the module docs.
pub fn bootstrap_pair(
    a: &[f64],
    b: &[f64],
    periods_per_year: f64,
    resamples: u32,
    seed: u64,
    block: BlockLength,
) -> Result<BootstrapResult, String> {
    if a.len() != b.len() {
        return Err(format!("the curves have {} and {} days", a.len(), b.len()));
    }
    if a.len() < 3 {
        return Err("at least 3 days are needed".into());
    }
    let ra = metrics::returns(a);
    let rb = metrics::returns(b);
    if ra.iter().chain(&rb).any(|x| !x.is_finite()) {
        return Err("a curve has a return that is not a finite number".into());
    }
    let n = ra.len();
    let (block_length, block_auto) = match block {
        BlockLength::Auto => (optimal_block_length(&ra).max(optimal_block_length(&rb)), true),
        BlockLength::Fixed(l) => (l.max(1.0), false),
    };
    let p = periods_per_year;
    let point = {
        let dates: Vec<crate::Date> = (0..a.len() as i32).map(crate::Date).collect();
        let opts = MetricsOptions { periods_per_year: Some(p), ..MetricsOptions::default() };
        let m = |e: &[f64]| Metrics::compute(&dates, e, None, &TradingStats::default(), &opts);
        let (ma, mb) = (m(a).map_err(|e| e.to_string())?, m(b).map_err(|e| e.to_string())?);
        Differences {
            cagr: sub(ma.cagr, mb.cagr),
            volatility: sub(ma.volatility, mb.volatility),
            sharpe: sub(ma.sharpe, mb.sharpe),
            max_drawdown: Some(ma.max_drawdown - mb.max_drawdown),
        }
    };
    let mut rng = Xoshiro256::new(seed, 0);
    let (mut idx, mut xa, mut xb, mut path) =
        (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n + 1));
    let mut diffs: [Vec<f64>; 4] = std::array::from_fn(|_| Vec::with_capacity(resamples as usize));
    let mut a_wins = 0usize;
    for _ in 0..resamples {
        stationary_resample(n, block_length, &mut rng, &mut idx);
        xa.clear();
        xb.clear();
        xa.extend(idx.iter().map(|&i| ra[i]));
        xb.extend(idx.iter().map(|&i| rb[i]));
        let (sa, sb) = (stats(&xa, &mut path, p), stats(&xb, &mut path, p));
        let d = [sub(sa.cagr, sb.cagr), sub(sa.vol, sb.vol), sub(sa.sharpe, sb.sharpe), Some(sa.mdd - sb.mdd)];
        for (slot, v) in diffs.iter_mut().zip(d) {
            if let Some(v) = v.filter(|v| v.is_finite()) {
                slot.push(v);
            }
        }
        if matches!((sa.cagr, sb.cagr), (Some(x), Some(y)) if x > y) {
            a_wins += 1;
        }
    }
    let r = resamples as usize;
    let at = |level: f64| DiffIntervals {
        cagr: interval(&diffs[0], level, r),
        volatility: interval(&diffs[1], level, r),
        sharpe: interval(&diffs[2], level, r),
        max_drawdown: interval(&diffs[3], level, r),
    };
    Ok(BootstrapResult {
        n_returns: n,
        resamples,
        seed,
        block_length,
        block_auto,
        point,
        ci90: at(0.90),
        ci95: at(0.95),
        a_wins_share: a_wins as f64 / r.max(1) as f64,
        sharpe_test: jobson_korkie_memmel(&ra, &rb, p),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erfc_matches_known_values() {
        assert!((erfc(0.0) - 1.0).abs() < 2e-7);
        assert!((erfc(1.0) - 0.157_299_207_050_285_13).abs() < 2e-8);
        assert!((normal_p_value(1.959_963_984_540_054) - 0.05).abs() < 1e-7);
        assert!((normal_p_value(-2.575_829_303_548_901) - 0.01).abs() < 1e-8);
    }

    #[test]
    fn block_length_grows_with_persistence() {
        let mut rng = Xoshiro256::new(3, 0);
        let noise: Vec<f64> = (0..2000).map(|_| rng.normal()).collect();
        let mut ar = vec![0.0; 2000];
        for t in 1..2000 {
            ar[t] = 0.8 * ar[t - 1] + noise[t];
        }
        let (b_iid, b_ar) = (optimal_block_length(&noise), optimal_block_length(&ar));
        assert!(b_iid < 3.0, "iid {b_iid}");
        // AR(1) with phi 0.8: the stationary-bootstrap optimum is around 20-40 at n = 2000.
        assert!(b_ar > 10.0 && b_ar < 80.0, "ar {b_ar}");
        assert_eq!(optimal_block_length(&[0.01; 100]), 1.0);
    }

    #[test]
    fn resample_blocks_have_the_mean_length() {
        let mut rng = Xoshiro256::new(1, 0);
        let mut out = Vec::new();
        let (mut breaks, mut steps) = (0usize, 0usize);
        for _ in 0..200 {
            stationary_resample(1000, 10.0, &mut rng, &mut out);
            assert_eq!(out.len(), 1000);
            breaks += out.windows(2).filter(|w| w[1] != (w[0] + 1) % 1000).count();
            steps += 999;
        }
        let p = breaks as f64 / steps as f64;
        assert!((p - 0.1).abs() < 0.005, "new-block rate {p}");
    }
}
