//! Statistics primitives of the metrics: moments, quantiles, returns,
//! CAGR, drawdowns, rolling windows and calendar-period returns. Each works
//! on plain slices; the conventions are those of the module docs
//! ([`crate::metrics`]).

use crate::date::Date;
use serde::{Deserialize, Serialize};

/// Return of one calendar month (see the module conventions).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthlyReturn {
    pub year: i32,
    /// 1..=12
    pub month: u32,
    pub ret: f64,
}

/// Return of one calendar year (see the module conventions).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct YearlyReturn {
    pub year: i32,
    pub ret: f64,
}

/// Arithmetic mean; `None` for an empty slice.
pub fn mean(x: &[f64]) -> Option<f64> {
    if x.is_empty() {
        None
    } else {
        Some(x.iter().sum::<f64>() / x.len() as f64)
    }
}

/// Sample standard deviation (ddof = 1, two-pass); `None` for fewer than 2 values.
pub fn sample_std(x: &[f64]) -> Option<f64> {
    if x.len() < 2 {
        return None;
    }
    let m = mean(x)?;
    let ss: f64 = x.iter().map(|v| (v - m) * (v - m)).sum();
    Some((ss / (x.len() - 1) as f64).sqrt())
}

/// Sample covariance (ddof = 1); `None` for fewer than 2 pairs or unequal lengths.
pub(super) fn sample_cov(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() < 2 || x.len() != y.len() {
        return None;
    }
    let (mx, my) = (mean(x)?, mean(y)?);
    let s: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    Some(s / (x.len() - 1) as f64)
}

/// Per-period standard deviations of simple returns at or below this are
/// rounding noise, not risk (a flat price series gives about 1e-17; the
/// calmest stablecoin about 1e-4): ratios that divide by them are undefined.
pub const NOISE_STD: f64 = 1e-10;

/// Drawdowns shallower than this are rounding noise (Calmar is undefined).
pub const NOISE_DRAWDOWN: f64 = 1e-10;

/// Whether a standard deviation is zero up to floating-point noise: below
/// [`NOISE_STD`] or `1e-12` of the mean.
pub(crate) fn degenerate_std(std: f64, mean: f64) -> bool {
    std.is_nan() || std <= NOISE_STD || std <= 1e-12 * mean.abs()
}

/// The fewest returns an annualised figure is computed from: 4, and at
/// least 30 days' worth of periods (30 for daily data at 365 a year, 5
/// weekly, 4 monthly). A CAGR from two days compounds one day's move 365
/// times (a 1e17% "CAGR"): shorter samples are "n/a (too short to annualise)".
pub fn min_returns_to_annualise(periods_per_year: f64) -> usize {
    ((periods_per_year * 30.0 / 365.0).ceil() as usize).max(4)
}

/// `num / std`, `None` when the std is degenerate (see the module docs).
pub(super) fn ratio_over_std(num: f64, std: f64, mean: f64) -> Option<f64> {
    if degenerate_std(std, mean) {
        None
    } else {
        Some(num / std)
    }
}

/// Bias-corrected sample skewness G1 (pandas `Series.skew`); `None` for
/// `n < 3` or zero variance.
pub fn skewness(x: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    if x.len() < 3 {
        return None;
    }
    let m = mean(x)?;
    let (mut m2, mut m3) = (0.0, 0.0);
    for v in x {
        let d = v - m;
        let d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
    }
    if degenerate_std((m2 / (n - 1.0)).sqrt(), m) {
        return None;
    }
    Some((n * (n - 1.0).sqrt() / (n - 2.0)) * (m3 / m2.powf(1.5)))
}

/// Bias-corrected sample excess kurtosis G2 (pandas `Series.kurt`); `None`
/// for `n < 4` or zero variance.
pub fn excess_kurtosis(x: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    if x.len() < 4 {
        return None;
    }
    let m = mean(x)?;
    let (mut m2, mut m4) = (0.0, 0.0);
    for v in x {
        let d2 = (v - m) * (v - m);
        m2 += d2;
        m4 += d2 * d2;
    }
    if degenerate_std((m2 / (n - 1.0)).sqrt(), m) {
        return None;
    }
    let adj = 3.0 * (n - 1.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0));
    let num = n * (n + 1.0) * (n - 1.0) * m4;
    let den = (n - 2.0) * (n - 3.0) * m2 * m2;
    Some(num / den - adj)
}

/// Quantile `q ∈ [0, 1]` with linear interpolation between order statistics,
/// exactly as numpy's `quantile(x, q)` (default `method="linear"`): virtual
/// index `h = (n-1)·q`, `lo = ⌊h⌋`, `g = h - lo`, result `x[lo] + (x[lo+1]-x[lo])·g`
/// (numpy evaluates it as `x[lo+1] - (x[lo+1]-x[lo])·(1-g)` when `g ≥ 0.5`;
/// replicated for bit-equality). `None` for an empty slice.
pub fn quantile_linear(x: &[f64], q: f64) -> Option<f64> {
    if x.is_empty() || !(0.0..=1.0).contains(&q) {
        return None;
    }
    // Order statistics lo and lo + 1 by selection (O(n)); under the total
    // order they are the same values a full sort would put there.
    let mut s = x.to_vec();
    let h = (s.len() - 1) as f64 * q;
    let lo = (h.floor() as usize).min(s.len() - 1);
    let g = h - lo as f64;
    let (_, &mut a, above) = s.select_nth_unstable_by(lo, f64::total_cmp);
    let b = above.iter().copied().min_by(f64::total_cmp).unwrap_or(a);
    let d = b - a;
    Some(if g >= 0.5 { b - d * (1.0 - g) } else { a + d * g })
}

/// Per-period risk-free rate `(1 + rf)^(1/P) - 1`.
pub fn rf_per_period(rf_annual: f64, periods_per_year: f64) -> f64 {
    (1.0 + rf_annual).powf(1.0 / periods_per_year) - 1.0
}

/// Simple returns `E_t / E_{t-1} - 1` (length `T - 1`; element `i` belongs to `dates[i + 1]`).
pub fn returns(equity: &[f64]) -> Vec<f64> {
    equity.windows(2).map(|w| w[1] / w[0] - 1.0).collect()
}

/// CAGR `(last/first)^(P/n) - 1` over `n` returns; `None` when `n == 0`.
pub fn cagr(first: f64, last: f64, n_returns: usize, periods_per_year: f64) -> Option<f64> {
    if n_returns == 0 {
        return None;
    }
    let years = n_returns as f64 / periods_per_year;
    Some((last / first).powf(1.0 / years) - 1.0)
}

/// Drawdown series `E_t / max_{s≤t} E_s - 1` (same length as `equity`, values `≤ 0`).
pub fn drawdown_series(equity: &[f64]) -> Vec<f64> {
    let mut peak = f64::NEG_INFINITY;
    equity
        .iter()
        .map(|&e| {
            peak = peak.max(e);
            e / peak - 1.0
        })
        .collect()
}

/// Rolling window sums of `x` and `x²` in O(n), with the sums recomputed
/// exactly every `window` steps so rounding errors cannot drift. Calls
/// `f(i, sum, sum_sq)` for each index `i ≥ window - 1` whose window
/// `x[i+1-window ..= i]` is full.
fn rolling_sums(x: &[f64], window: usize, mut f: impl FnMut(usize, f64, f64)) {
    if window == 0 || x.len() < window {
        return;
    }
    let (mut s, mut s2) = (0.0, 0.0);
    for (i, &v) in x.iter().enumerate() {
        if i >= window && (i % window) == 0 {
            // Exact recomputation of the window ending at i (O(window) every window steps).
            s = 0.0;
            s2 = 0.0;
            for &w in &x[i + 1 - window..=i] {
                s += w;
                s2 += w * w;
            }
        } else {
            s += v;
            s2 += v * v;
            if i >= window {
                let old = x[i - window];
                s -= old;
                s2 -= old * old;
            }
        }
        if i + 1 >= window {
            f(i, s, s2);
        }
    }
}

/// Windowed (mean, sample std) from running sums; the variance is clamped at 0
/// and treated as 0 below the accumulated rounding error of the sums.
fn window_stats(s: f64, s2: f64, window: usize, tol: f64) -> (f64, f64) {
    let w = window as f64;
    let m = s / w;
    let var = (s2 - s * m) / (w - 1.0);
    let var = if var <= tol { 0.0 } else { var };
    (m, var.sqrt())
}

fn rolling_tolerance(x: &[f64], window: usize) -> f64 {
    let max_sq = x.iter().fold(0.0f64, |a, v| a.max(v * v));
    16.0 * window as f64 * f64::EPSILON * max_sq
}

/// Rolling annualised volatility `std(r[i+1-w ..= i], ddof=1) · √P` over
/// `window = w ≥ 2` returns (same length as `returns`; NaN for `i < w - 1`).
/// O(n) with running sums; a window variance below `16·w·ε·max(r²)` (rounding
/// noise of the sums) counts as 0.
pub fn rolling_volatility(returns: &[f64], window: usize, periods_per_year: f64) -> Vec<f64> {
    let mut out = vec![f64::NAN; returns.len()];
    if window < 2 {
        return out;
    }
    let tol = rolling_tolerance(returns, window);
    let ann = periods_per_year.sqrt();
    rolling_sums(returns, window, |i, s, s2| {
        out[i] = window_stats(s, s2, window, tol).1 * ann;
    });
    out
}

/// Rolling annualised Sharpe `mean(r - rf_p) / std(r, ddof=1) · √P` over
/// `window ≥ 2` returns (same length as `returns`; NaN before the window fills
/// and where the window's std is degenerate). O(n), see [`rolling_volatility`].
pub fn rolling_sharpe(returns: &[f64], window: usize, periods_per_year: f64, risk_free_annual: f64) -> Vec<f64> {
    let mut out = vec![f64::NAN; returns.len()];
    if window < 2 {
        return out;
    }
    let tol = rolling_tolerance(returns, window);
    let ann = periods_per_year.sqrt();
    let rf = rf_per_period(risk_free_annual, periods_per_year);
    rolling_sums(returns, window, |i, s, s2| {
        let (m, sd) = window_stats(s, s2, window, tol);
        if let Some(r) = ratio_over_std(m - rf, sd, m) {
            out[i] = r * ann;
        }
    });
    out
}

/// Periods per year inferred from the dates (see the module conventions):
/// median spacing `m` (days) of consecutive dates; `m ≤ 1`: 365 when any date
/// falls on a Saturday or Sunday, else 252; `5 ≤ m ≤ 10`: 52; `25 ≤ m ≤ 35`: 12;
/// `80 ≤ m ≤ 100`: 4; `350 ≤ m ≤ 380`: 1; otherwise `365 / m`. Fewer than two
/// dates: 365 (the crypto default).
pub fn infer_periods_per_year(dates: &[Date]) -> f64 {
    if dates.len() < 2 {
        return 365.0;
    }
    let mut gaps: Vec<i32> = dates.windows(2).map(|w| w[1].0 - w[0].0).collect();
    gaps.sort_unstable();
    let k = gaps.len();
    let m = if k % 2 == 1 { gaps[k / 2] as f64 } else { (gaps[k / 2 - 1] + gaps[k / 2]) as f64 / 2.0 };
    if m <= 1.0 {
        if dates.iter().any(|d| d.weekday() >= 6) {
            365.0
        } else {
            252.0
        }
    } else if (5.0..=10.0).contains(&m) {
        52.0
    } else if (25.0..=35.0).contains(&m) {
        12.0
    } else if (80.0..=100.0).contains(&m) {
        4.0
    } else if (350.0..=380.0).contains(&m) {
        1.0
    } else {
        365.0 / m
    }
}

/// Returns per calendar period, compounded from the equity at each period's
/// last date, the first period measured from `equity[0]`. `key` maps a date to
/// its period.
fn period_returns(dates: &[Date], equity: &[f64], key: impl Fn(Date) -> i32) -> Vec<(Date, f64)> {
    let mut out = Vec::new();
    let mut base = match equity.first() {
        Some(&e) => e,
        None => return out,
    };
    let mut this_key = dates.first().map(|&d| key(d));
    for i in 0..dates.len() {
        let next_key = dates.get(i + 1).map(|&d| key(d));
        let last_of_period = next_key != this_key;
        this_key = next_key;
        if last_of_period {
            out.push((dates[i], equity[i] / base - 1.0));
            base = equity[i];
        }
    }
    out
}

/// Calendar-month returns (see the module conventions).
pub fn monthly_returns(dates: &[Date], equity: &[f64]) -> Vec<MonthlyReturn> {
    period_returns(dates, equity, Date::month_key)
        .into_iter()
        .map(|(d, ret)| MonthlyReturn { year: d.year(), month: d.month(), ret })
        .collect()
}

/// Calendar-year returns (see the module conventions).
pub fn yearly_returns(dates: &[Date], equity: &[f64]) -> Vec<YearlyReturn> {
    period_returns(dates, equity, Date::year).into_iter().map(|(d, ret)| YearlyReturn { year: d.year(), ret }).collect()
}

/// One drawdown period (indices into the curve; see the module conventions).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrawdownPeriod {
    /// Index of the peak the period starts from.
    pub peak: usize,
    /// Index of the lowest equity in the period.
    pub trough: usize,
    /// Index of the first value back at or above the peak; `None` if still open at the end.
    pub recovery: Option<usize>,
    /// Depth `E_trough / E_peak - 1` (negative).
    pub depth: f64,
    /// Calendar days from the peak to the recovery, or to the last date when open.
    pub days: i64,
    /// Calendar days from the trough to the recovery; `None` when open.
    pub recovery_days: Option<i64>,
}

/// Every drawdown period of the curve in time order: from a running peak
/// (including the first value) until the first value `≥` that peak, the last
/// one possibly open. Dates must be as many as equity values.
pub fn drawdown_periods(dates: &[Date], equity: &[f64]) -> Vec<DrawdownPeriod> {
    let mut out = Vec::new();
    let Some(&first) = equity.first() else { return out };
    let (mut peak_val, mut peak) = (first, 0usize);
    let mut trough: Option<usize> = None; // Some while under water
    for (i, &e) in equity.iter().enumerate().skip(1) {
        if e >= peak_val {
            if let Some(t) = trough.take() {
                out.push(DrawdownPeriod {
                    peak,
                    trough: t,
                    recovery: Some(i),
                    depth: equity[t] / peak_val - 1.0,
                    days: (dates[i].0 - dates[peak].0) as i64,
                    recovery_days: Some((dates[i].0 - dates[t].0) as i64),
                });
            }
            peak_val = e;
            peak = i;
        } else if trough.is_none_or(|t| e < equity[t]) {
            trough = Some(i);
        }
    }
    if let Some(t) = trough {
        let last = equity.len() - 1;
        out.push(DrawdownPeriod {
            peak,
            trough: t,
            recovery: None,
            depth: equity[t] / peak_val - 1.0,
            days: (dates[last].0 - dates[peak].0) as i64,
            recovery_days: None,
        });
    }
    out
}

/// Drawdown statistics of an equity curve (see the module conventions).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DrawdownStats {
    /// Max drawdown (negative; 0 without a drawdown).
    pub max_drawdown: f64,
    /// Peak / trough / recovery indices of the deepest period (the earliest on ties).
    pub peak: Option<usize>,
    pub trough: Option<usize>,
    pub recovery: Option<usize>,
    /// Longest period in calendar days (0 without a drawdown).
    pub longest_drawdown_days: i64,
    /// Longest trough-to-recovery time over recovered periods.
    pub longest_recovery_days: Option<i64>,
}

/// Max drawdown, its peak / trough / recovery indices and the longest drawdown
/// and recovery durations in calendar days, from [`drawdown_periods`].
pub fn drawdown_stats(dates: &[Date], equity: &[f64]) -> DrawdownStats {
    let periods = drawdown_periods(dates, equity);
    let deepest = periods.iter().fold(None, |best: Option<&DrawdownPeriod>, p| match best {
        Some(b) if b.depth <= p.depth => Some(b),
        _ => Some(p),
    });
    DrawdownStats {
        max_drawdown: deepest.map_or(0.0, |p| p.depth),
        peak: deepest.map(|p| p.peak),
        trough: deepest.map(|p| p.trough),
        recovery: deepest.and_then(|p| p.recovery),
        longest_drawdown_days: periods.iter().map(|p| p.days).max().unwrap_or(0),
        longest_recovery_days: periods.iter().filter_map(|p| p.recovery_days).max(),
    }
}

/// The largest value; `None` for none.
pub(super) fn max_of(x: impl Iterator<Item = f64>) -> Option<f64> {
    x.fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.max(v))))
}

/// The smallest value; `None` for none.
pub(super) fn min_of(x: impl Iterator<Item = f64>) -> Option<f64> {
    x.fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.min(v))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_matches_numpy_rules() {
        let x = [3.0, 1.0, 2.0, 4.0];
        assert_eq!(quantile_linear(&x, 0.0), Some(1.0));
        assert_eq!(quantile_linear(&x, 1.0), Some(4.0));
        // h = 3 * 0.5 = 1.5 -> between 2 and 3
        assert_eq!(quantile_linear(&x, 0.5), Some(2.5));
        // h = 0.3 -> 1 + 0.3
        assert!((quantile_linear(&x, 0.1).unwrap() - 1.3).abs() < 1e-15);
        assert_eq!(quantile_linear(&[], 0.5), None);
        assert_eq!(quantile_linear(&[7.0], 0.05), Some(7.0));
    }

    #[test]
    fn rolling_sums_match_naive() {
        let x: Vec<f64> = (0..200).map(|i| ((i * 37 % 11) as f64 - 5.0) / 100.0).collect();
        let mut seen = 0;
        rolling_sums(&x, 7, |i, s, s2| {
            let w = &x[i + 1 - 7..=i];
            assert!((s - w.iter().sum::<f64>()).abs() < 1e-14);
            assert!((s2 - w.iter().map(|v| v * v).sum::<f64>()).abs() < 1e-14);
            seen += 1;
        });
        assert_eq!(seen, 200 - 6);
    }
}
