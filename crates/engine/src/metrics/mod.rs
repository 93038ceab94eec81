//! # Performance metrics of an equity curve
//!
//! Everything here is computed from an equity curve (`dates`, `equity`), and
//! optionally a benchmark curve on the same dates and a few trading inputs the
//! simulator supplies ([`TradingStats`]). The module does not depend on the
//! simulator: any positive equity curve works.
//!
//! ## Conventions (normative)
//!
//! Let `E_0 … E_{T-1}` be the equity values (T observations) on strictly
//! increasing dates `d_0 … d_{T-1}`, and `P` the number of periods per year.
//!
//! * **Periods per year `P`** — given by [`MetricsOptions::periods_per_year`],
//!   or inferred from the dates by [`infer_periods_per_year`]: 365 when the
//!   median spacing is one day and weekend dates are present (every calendar
//!   day, as for crypto), 252 for weekday-only daily data, 52 weekly, 12
//!   monthly. The value used is reported in [`Metrics::periods_per_year`] so
//!   the UI can show it next to every annualised figure.
//! * **Returns** — simple returns `r_t = E_t / E_{t-1} - 1`, `t = 1 … T-1`
//!   (`n = T - 1` returns). The return `r_t` belongs to date `d_t`.
//! * **Risk-free rate** — an annual rate `rf`, converted to a per-period rate
//!   `rf_p = (1 + rf)^(1/P) - 1` (QuantStats' `deannualize`).
//! * **Total return** `E_{T-1} / E_0 - 1`.
//! * **CAGR** `(E_{T-1} / E_0)^(1/years) - 1` with `years = (T-1) / P`, i.e.
//!   the number of *returns* divided by `P` (QuantStats' `cagr(returns,
//!   periods=P)` fed with the `n` returns). The risk-free rate is not
//!   subtracted (as in QuantStats).
//! * **Volatility** `std(r, ddof=1) · √P`.
//! * **Sharpe** `mean(r - rf_p) / std(r, ddof=1) · √P`.
//! * **Sortino** (QuantStats): `mean(x) / DD · √P` with excess returns
//!   `x = r - rf_p` and downside deviation `DD = √(Σ min(x,0)² / n)` over *all*
//!   `n` periods (not only the losing ones).
//! * **Max drawdown** `min_t (E_t / max_{s≤t} E_s - 1)`, the running peak
//!   including the first value `E_0` (a loss on the first day counts). Peak
//!   date: the last date of the running peak before the trough; trough date;
//!   recovery date: the first date with `E_t ≥` that peak (`None` when not
//!   recovered by the end).
//! * **Calmar** `CAGR / |max drawdown|`.
//! * **Drawdown periods** — a drawdown period starts on a peak date and ends on
//!   the recovery date (first `E_t ≥ peak`), or on the last date when it is
//!   still open. *Longest drawdown* is the longest such period in calendar days
//!   (`d_end - d_peak`); *longest recovery* the longest trough-to-recovery time
//!   in calendar days over the *recovered* periods only.
//! * **VaR / CVaR (historical)** at level `α` (default 0.95): VaR is the
//!   `(1-α)` quantile of the returns with linear interpolation between order
//!   statistics (numpy `percentile` default, `method="linear"`: virtual index
//!   `h = (n-1)(1-α)`); CVaR the mean of the returns `≤` VaR (QuantStats
//!   `cvar(method="historical")`). Both are one-period *returns*, negative for a
//!   loss (QuantStats' sign convention). Note QuantStats' `var()` is the
//!   *parametric* (normal) VaR, which is not what is computed here.
//! * **Skew** — bias-corrected sample skewness G1 (pandas / QuantStats):
//!   `n√(n-1)/(n-2) · m3 / m2^{3/2}` with `m_k = Σ (r - mean)^k`.
//! * **Kurtosis** — bias-corrected sample *excess* kurtosis G2 (pandas /
//!   QuantStats): `n(n+1)(n-1) m4 / ((n-2)(n-3) m2²) - 3(n-1)² / ((n-2)(n-3))`.
//! * **Monthly / yearly returns** — compounded from the equity at the last date
//!   of each calendar month (year): `E_end(m) / E_end(m-1) - 1`, with the first
//!   month (year) measured from the first equity value `E_0`. Partial first and
//!   last months are included as they are. Best/worst month/year and the share
//!   of positive months (months with a return `> 0` over all months) use these.
//!   Best/worst day are the max/min of `r`.
//! * **Turnover (annualised, two-sided)** — `Σ turnover_k / years`, where each
//!   `turnover_k` is the rebalance's two-sided traded value (buys + sells) as a
//!   fraction of portfolio value.
//! * **Fees** — total fees as a fraction of initial value, as supplied.
//! * **Cost drag** `CAGR(gross-of-cost equity) - CAGR(equity)`.
//! * **Average holdings / effective N** — arithmetic means of the per-day
//!   values supplied.
//! * **Against a benchmark** (returns `b_t` of the benchmark curve, active
//!   returns `a_t = r_t - b_t`): tracking error `std(a, ddof=1) · √P`;
//!   information ratio `mean(a) / std(a, ddof=1) · √P` (QuantStats'
//!   `information_ratio` is the same ratio *not* annualised); beta
//!   `cov(r,b) / var(b)`; alpha `(mean(r) - β·mean(b)) · P` (QuantStats
//!   `greeks`); correlation (Pearson) `cov(r,b) / (std(r)·std(b))`.
//!
//! ## Equality with QuantStats
//!
//! `tests/metrics_quantstats.rs` checks, on a fixed 911-day daily curve
//! (`tests/data/metrics/equity.csv`, produced with `quantstats_reference.py`
//! there), that CAGR, volatility, Sharpe (rf 0 and 2 %), Sortino, Calmar, max
//! drawdown, skew, kurtosis, best/worst day/month/year, monthly and yearly
//! returns, historical CVaR, beta and alpha equal QuantStats 0.0.86 with
//! `periods=365` to 12 significant digits (observed: ≤ 5e-15 relative), as
//! well as historical VaR (numpy percentile), tracking error and correlation
//! (pandas) and the information ratio (QuantStats' value × √365). QuantStats is
//! fed the `T-1` returns, not the prices: its `cagr` uses
//! `years = len(input) / periods`, which is our `(T-1)/P` only for returns.
//!
//! ## Edge cases
//!
//! Undefined values are `None` (JSON `null`), never NaN and never a panic:
//! with one observation there are no returns, so CAGR, volatility, ratios,
//! VaR and best/worst day are `None` while total return (0) and max drawdown
//! (0) are defined. A standard deviation that is zero, or below `1e-12 · |mean|`
//! (floating-point noise on a constant-growth curve), makes the ratios that
//! divide by it `None`; skew needs `n ≥ 3`, kurtosis `n ≥ 4` and a non-zero
//! variance (pandas returns 0 for a constant series; we return `None`). Calmar is
//! `None` without a drawdown. A value that overflows `f64` is `None` too (a
//! curve that grows a million-fold in a week has a CAGR beyond `f64::MAX`,
//! and one infinite return makes the volatility `inf - inf`); monthly and
//! yearly returns are kept as they are. Input errors (empty, length mismatch, non-finite
//! or non-positive equity, dates not strictly increasing) are reported as
//! [`MetricsError`].
//!
//! ## Chart helpers
//!
//! [`returns`], [`drawdown_series`], [`rolling_volatility`] and
//! [`rolling_sharpe`] (O(n) running sums, NaN before the window fills).

use crate::date::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Options of [`Metrics::compute`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricsOptions {
    /// Annual risk-free rate, e.g. `0.02` for 2 % (default 0).
    pub risk_free_annual: f64,
    /// Periods per year; `None` infers it from the dates ([`infer_periods_per_year`]).
    pub periods_per_year: Option<f64>,
    /// Confidence level of VaR / CVaR (default 0.95).
    pub var_level: f64,
}

impl Default for MetricsOptions {
    fn default() -> Self {
        MetricsOptions { risk_free_annual: 0.0, periods_per_year: None, var_level: 0.95 }
    }
}

/// Trading inputs the simulator supplies; every field is optional and the
/// metrics that need a missing input are `None`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TradingStats<'a> {
    /// Two-sided turnover of each rebalance (buys + sells) as a fraction of
    /// portfolio value at that rebalance.
    pub turnover: Option<&'a [f64]>,
    /// Total fees paid as a fraction of the initial value.
    pub fees_total: Option<f64>,
    /// Number of holdings per day (same length as the equity curve).
    pub holdings: Option<&'a [usize]>,
    /// Effective number of holdings `1 / Σ w_i²` per day (same length as the equity curve).
    pub effective_n: Option<&'a [f64]>,
    /// Equity curve of the same strategy before costs (same dates), for the cost drag.
    pub gross_equity: Option<&'a [f64]>,
}

/// Invalid input to [`Metrics::compute`].
#[derive(Clone, Debug, PartialEq)]
pub enum MetricsError {
    /// No observations.
    Empty,
    /// A series does not have the expected length.
    LengthMismatch { what: &'static str, expected: usize, got: usize },
    /// A value that must be finite and positive is not (`what[index]`).
    NotPositive { what: &'static str, index: usize },
    /// A value that must be finite is not.
    NotFinite { what: &'static str, index: usize },
    /// `dates[index]` is not after `dates[index - 1]`.
    DatesNotIncreasing { index: usize },
    /// An option is out of range.
    InvalidOption(&'static str),
}

impl fmt::Display for MetricsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetricsError::Empty => write!(f, "the equity curve is empty"),
            MetricsError::LengthMismatch { what, expected, got } => {
                write!(f, "{what} has {got} values, expected {expected}")
            }
            MetricsError::NotPositive { what, index } => write!(f, "{what}[{index}] is not a finite positive number"),
            MetricsError::NotFinite { what, index } => write!(f, "{what}[{index}] is not finite"),
            MetricsError::DatesNotIncreasing { index } => write!(f, "dates[{index}] is not after dates[{}]", index - 1),
            MetricsError::InvalidOption(what) => write!(f, "invalid option: {what}"),
        }
    }
}

impl std::error::Error for MetricsError {}

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

/// One row (year) of the monthly returns table.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthlyTableRow {
    pub year: i32,
    /// January … December; `None` for months outside the data.
    pub months: [Option<f64>; 12],
    /// The year's return (same conventions).
    pub year_return: f64,
}

/// All metrics of an equity curve. Fields follow the module conventions;
/// `None` means undefined for this input (see "Edge cases").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub start: Date,
    pub end: Date,
    /// Number of equity observations `T`.
    pub observations: usize,
    /// Fewer returns than [`min_returns_to_annualise`]: every annualised
    /// figure is `None` ("n/a (too short to annualise)").
    #[serde(default)]
    pub too_short_to_annualise: bool,
    /// Periods per year `P` used for every annualised figure.
    pub periods_per_year: f64,
    /// Whether `P` was inferred from the dates (rather than given).
    pub periods_inferred: bool,
    pub risk_free_annual: f64,
    pub var_level: f64,

    pub total_return: f64,
    pub cagr: Option<f64>,
    pub volatility: Option<f64>,
    pub sharpe: Option<f64>,
    pub sortino: Option<f64>,
    pub calmar: Option<f64>,

    /// Max drawdown as a negative fraction (0 when there is none).
    pub max_drawdown: f64,
    pub max_drawdown_peak: Option<Date>,
    pub max_drawdown_trough: Option<Date>,
    pub max_drawdown_recovery: Option<Date>,
    /// Longest drawdown period in calendar days (0 when there is none).
    pub longest_drawdown_days: i64,
    /// Longest trough-to-recovery time in calendar days over recovered drawdowns.
    pub longest_recovery_days: Option<i64>,

    pub var: Option<f64>,
    pub cvar: Option<f64>,
    pub skew: Option<f64>,
    pub kurtosis: Option<f64>,

    pub best_day: Option<f64>,
    pub worst_day: Option<f64>,
    pub best_month: Option<f64>,
    pub worst_month: Option<f64>,
    pub best_year: Option<f64>,
    pub worst_year: Option<f64>,
    pub positive_months: Option<f64>,
    pub monthly_returns: Vec<MonthlyReturn>,
    pub yearly_returns: Vec<YearlyReturn>,

    pub turnover_annual: Option<f64>,
    pub fees_total: Option<f64>,
    pub cost_drag: Option<f64>,
    pub avg_holdings: Option<f64>,
    pub avg_effective_n: Option<f64>,

    pub benchmark_total_return: Option<f64>,
    pub benchmark_cagr: Option<f64>,
    pub tracking_error: Option<f64>,
    pub information_ratio: Option<f64>,
    pub beta: Option<f64>,
    pub alpha: Option<f64>,
    pub correlation: Option<f64>,
}

// ---------------------------------------------------------------------------
// Statistics helpers
// ---------------------------------------------------------------------------

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
fn sample_cov(x: &[f64], y: &[f64]) -> Option<f64> {
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
fn ratio_over_std(num: f64, std: f64, mean: f64) -> Option<f64> {
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

// ---------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------

fn check_curve(what: &'static str, x: &[f64], expected: usize) -> Result<(), MetricsError> {
    if x.len() != expected {
        return Err(MetricsError::LengthMismatch { what, expected, got: x.len() });
    }
    match x.iter().position(|v| !(v.is_finite() && *v > 0.0)) {
        Some(index) => Err(MetricsError::NotPositive { what, index }),
        None => Ok(()),
    }
}

fn check_finite(what: &'static str, x: &[f64]) -> Result<(), MetricsError> {
    match x.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(MetricsError::NotFinite { what, index }),
        None => Ok(()),
    }
}

fn max_of(x: impl Iterator<Item = f64>) -> Option<f64> {
    x.fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.max(v))))
}

fn min_of(x: impl Iterator<Item = f64>) -> Option<f64> {
    x.fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.min(v))))
}

/// Annualised volatility above this (500%) comes from bad prices, not from
/// an index of real coins (a kept spike, a wrong unit): such values are
/// marked in the page and left out of a sweep's best cell.
pub const PLAUSIBLE_MAX_VOLATILITY: f64 = 5.0;
/// A one-day return above this (+1,000%) is marked the same way.
pub const PLAUSIBLE_MAX_DAY: f64 = 10.0;

/// Whether metric `id`'s value `v` is beyond the plausible bounds above.
pub fn implausible_value(id: MetricId, v: f64) -> bool {
    match id {
        MetricId::Volatility => v > PLAUSIBLE_MAX_VOLATILITY,
        MetricId::BestDay => v > PLAUSIBLE_MAX_DAY,
        _ => false,
    }
}

impl Metrics {
    /// Why these metrics cannot come from real coins' prices, if they cannot
    /// ([`PLAUSIBLE_MAX_VOLATILITY`], [`PLAUSIBLE_MAX_DAY`]).
    pub fn implausible(&self) -> Option<String> {
        let pct = |x: f64| format!("{:.0}%", x * 100.0);
        match (self.volatility, self.best_day) {
            (Some(v), _) if implausible_value(MetricId::Volatility, v) => {
                Some(format!("implausible: annualised volatility {} (bad prices? see the data report)", pct(v)))
            }
            (_, Some(d)) if implausible_value(MetricId::BestDay, d) => {
                Some(format!("implausible: a one-day return of +{} (bad prices? see the data report)", pct(d)))
            }
            _ => None,
        }
    }

    /// Computes every metric of the equity curve `equity` on `dates`, with an
    /// optional `benchmark` equity curve on the same dates and the simulator's
    /// [`TradingStats`] (use `TradingStats::default()` when there are none).
    ///
    /// ```
    /// use engine::metrics::{Metrics, MetricsOptions, TradingStats};
    /// use engine::Date;
    ///
    /// let dates: Vec<Date> = (0..5).map(|i| Date(19_728 + i)).collect(); // 2024-01-06 ..
    /// let equity = [100.0, 110.0, 99.0, 108.9, 119.79];
    /// let opts = MetricsOptions { periods_per_year: Some(4.0), ..MetricsOptions::default() };
    /// let m = Metrics::compute(&dates, &equity, None, &TradingStats::default(), &opts).unwrap();
    /// assert!((m.cagr.unwrap() - 0.1979).abs() < 1e-12); // 4 returns = 1 year
    /// assert!((m.max_drawdown + 0.1).abs() < 1e-12);
    /// let sharpe = m.rows().into_iter().find(|r| r.key == "sharpe").unwrap();
    /// assert_eq!(sharpe.display, "1.00");
    /// ```
    pub fn compute(
        dates: &[Date],
        equity: &[f64],
        benchmark: Option<&[f64]>,
        trading: &TradingStats<'_>,
        opts: &MetricsOptions,
    ) -> Result<Metrics, MetricsError> {
        if equity.is_empty() || dates.is_empty() {
            return Err(MetricsError::Empty);
        }
        let t = dates.len();
        check_curve("equity", equity, t)?;
        if let Some(i) = (1..t).find(|&i| dates[i] <= dates[i - 1]) {
            return Err(MetricsError::DatesNotIncreasing { index: i });
        }
        if let Some(b) = benchmark {
            check_curve("benchmark", b, t)?;
        }
        if let Some(g) = trading.gross_equity {
            check_curve("gross_equity", g, t)?;
        }
        if let Some(h) = trading.holdings {
            if h.len() != t {
                return Err(MetricsError::LengthMismatch { what: "holdings", expected: t, got: h.len() });
            }
        }
        if let Some(n) = trading.effective_n {
            if n.len() != t {
                return Err(MetricsError::LengthMismatch { what: "effective_n", expected: t, got: n.len() });
            }
            check_finite("effective_n", n)?;
        }
        if let Some(tu) = trading.turnover {
            check_finite("turnover", tu)?;
        }
        if let Some(f) = trading.fees_total {
            check_finite("fees_total", &[f])?;
        }
        if !(opts.var_level > 0.0 && opts.var_level < 1.0) {
            return Err(MetricsError::InvalidOption("var_level must be in (0, 1)"));
        }
        if !(opts.risk_free_annual.is_finite() && opts.risk_free_annual > -1.0) {
            return Err(MetricsError::InvalidOption("risk_free_annual must be finite and > -1"));
        }
        if let Some(p) = opts.periods_per_year {
            if !(p.is_finite() && p > 0.0) {
                return Err(MetricsError::InvalidOption("periods_per_year must be finite and positive"));
            }
        }

        let periods = opts.periods_per_year.unwrap_or_else(|| infer_periods_per_year(dates));
        let ann = periods.sqrt();
        let rf_p = rf_per_period(opts.risk_free_annual, periods);
        let r = returns(equity);
        let n = r.len();
        let (e0, e_end) = (equity[0], equity[t - 1]);

        let mean_r = mean(&r);
        let std_r = sample_std(&r);
        let short = n < min_returns_to_annualise(periods);
        // Annualised figures need enough returns (see `min_returns_to_annualise`).
        let cagr = |a: f64, b: f64, n: usize, p: f64| if short { None } else { cagr(a, b, n, p) };
        let ann_of = |v: Option<f64>| if short { None } else { v };
        let cagr_v = cagr(e0, e_end, n, periods);
        let volatility = ann_of(std_r.map(|s| s * ann));
        let sharpe = ann_of(match (mean_r, std_r) {
            (Some(m), Some(s)) => ratio_over_std(m - rf_p, s, m).map(|v| v * ann),
            _ => None,
        });
        let sortino = ann_of(mean_r.and_then(|m| {
            let excess_mean = m - rf_p;
            let dd2: f64 = r.iter().map(|v| (v - rf_p).min(0.0).powi(2)).sum();
            let downside = (dd2 / n as f64).sqrt();
            ratio_over_std(excess_mean, downside, m).map(|v| v * ann)
        }));

        let dd = drawdown_stats(dates, equity);
        let calmar =
            cagr_v.and_then(|c| if dd.max_drawdown < -NOISE_DRAWDOWN { Some(c / dd.max_drawdown.abs()) } else { None });

        let var = quantile_linear(&r, 1.0 - opts.var_level);
        let cvar = var.and_then(|v| {
            let tail: Vec<f64> = r.iter().copied().filter(|x| *x <= v).collect();
            mean(&tail)
        });

        let monthly = monthly_returns(dates, equity);
        let yearly = yearly_returns(dates, equity);
        let positive_months = if monthly.is_empty() {
            None
        } else {
            Some(monthly.iter().filter(|m| m.ret > 0.0).count() as f64 / monthly.len() as f64)
        };

        let turnover_annual = trading.turnover.and_then(|tu| {
            if n == 0 || short {
                None
            } else {
                Some(tu.iter().sum::<f64>() / (n as f64 / periods))
            }
        });
        let cost_drag = trading.gross_equity.and_then(|g| Some(cagr(g[0], g[t - 1], n, periods)? - cagr_v?));
        let avg_holdings = trading.holdings.map(|h| h.iter().map(|&v| v as f64).sum::<f64>() / t as f64);
        let avg_effective_n = trading.effective_n.and_then(mean);

        let mut m = Metrics {
            start: dates[0],
            end: dates[t - 1],
            observations: t,
            too_short_to_annualise: short,
            periods_per_year: periods,
            periods_inferred: opts.periods_per_year.is_none(),
            risk_free_annual: opts.risk_free_annual,
            var_level: opts.var_level,
            total_return: e_end / e0 - 1.0,
            cagr: cagr_v,
            volatility,
            sharpe,
            sortino,
            calmar,
            max_drawdown: dd.max_drawdown,
            max_drawdown_peak: dd.peak.map(|i| dates[i]),
            max_drawdown_trough: dd.trough.map(|i| dates[i]),
            max_drawdown_recovery: dd.recovery.map(|i| dates[i]),
            longest_drawdown_days: dd.longest_drawdown_days,
            longest_recovery_days: dd.longest_recovery_days,
            var,
            cvar,
            skew: skewness(&r),
            kurtosis: excess_kurtosis(&r),
            best_day: max_of(r.iter().copied()),
            worst_day: min_of(r.iter().copied()),
            best_month: max_of(monthly.iter().map(|m| m.ret)),
            worst_month: min_of(monthly.iter().map(|m| m.ret)),
            best_year: max_of(yearly.iter().map(|y| y.ret)),
            worst_year: min_of(yearly.iter().map(|y| y.ret)),
            positive_months,
            monthly_returns: monthly,
            yearly_returns: yearly,
            turnover_annual,
            fees_total: trading.fees_total,
            cost_drag,
            avg_holdings,
            avg_effective_n,
            benchmark_total_return: None,
            benchmark_cagr: None,
            tracking_error: None,
            information_ratio: None,
            beta: None,
            alpha: None,
            correlation: None,
        };

        if let Some(b) = benchmark {
            let rb = returns(b);
            let active: Vec<f64> = r.iter().zip(&rb).map(|(x, y)| x - y).collect();
            m.benchmark_total_return = Some(b[t - 1] / b[0] - 1.0);
            m.benchmark_cagr = cagr(b[0], b[t - 1], n, periods);
            let (ma, sa) = (mean(&active), sample_std(&active));
            m.tracking_error = ann_of(sa.map(|s| s * ann));
            m.information_ratio = ann_of(match (ma, sa) {
                (Some(a), Some(s)) => ratio_over_std(a, s, a).map(|v| v * ann),
                _ => None,
            });
            let (mb, sb) = (mean(&rb), sample_std(&rb));
            let cov = sample_cov(&r, &rb);
            if let (Some(cov), Some(mb), Some(sb)) = (cov, mb, sb) {
                if !degenerate_std(sb, mb) {
                    let beta = cov / (sb * sb);
                    m.beta = Some(beta);
                    m.alpha = ann_of(mean_r.map(|mr| (mr - beta * mb) * periods));
                    if let (Some(sr), Some(mr)) = (std_r, mean_r) {
                        if !degenerate_std(sr, mr) {
                            m.correlation = Some(cov / (sr * sb));
                        }
                    }
                }
            }
        }
        m.drop_non_finite();
        Ok(m)
    }

    /// Makes every optional value that is not finite `None` (see "Edge cases"
    /// in the module docs): an overflowed figure is as undefined as a missing one.
    fn drop_non_finite(&mut self) {
        for v in [
            &mut self.cagr,
            &mut self.volatility,
            &mut self.sharpe,
            &mut self.sortino,
            &mut self.calmar,
            &mut self.var,
            &mut self.cvar,
            &mut self.skew,
            &mut self.kurtosis,
            &mut self.best_day,
            &mut self.worst_day,
            &mut self.best_month,
            &mut self.worst_month,
            &mut self.best_year,
            &mut self.worst_year,
            &mut self.positive_months,
            &mut self.turnover_annual,
            &mut self.fees_total,
            &mut self.cost_drag,
            &mut self.avg_holdings,
            &mut self.avg_effective_n,
            &mut self.benchmark_total_return,
            &mut self.benchmark_cagr,
            &mut self.tracking_error,
            &mut self.information_ratio,
            &mut self.beta,
            &mut self.alpha,
            &mut self.correlation,
        ] {
            if v.is_some_and(|x| !x.is_finite()) {
                *v = None;
            }
        }
    }

    /// The monthly returns as a year × month table with the yearly return.
    pub fn monthly_table(&self) -> Vec<MonthlyTableRow> {
        self.yearly_returns
            .iter()
            .map(|y| {
                let mut months = [None; 12];
                for m in self.monthly_returns.iter().filter(|m| m.year == y.year) {
                    months[m.month as usize - 1] = Some(m.ret);
                }
                MonthlyTableRow { year: y.year, months, year_return: y.ret }
            })
            .collect()
    }

    /// The value of one metric.
    pub fn value(&self, id: MetricId) -> MetricValue {
        use MetricId::*;
        let num = |v: Option<f64>| v.map_or(MetricValue::Missing, MetricValue::Number);
        let date = |v: Option<Date>| v.map_or(MetricValue::Missing, MetricValue::Date);
        match id {
            Start => MetricValue::Date(self.start),
            End => MetricValue::Date(self.end),
            PeriodsPerYear => MetricValue::Number(self.periods_per_year),
            TotalReturn => MetricValue::Number(self.total_return),
            Cagr => num(self.cagr),
            Volatility => num(self.volatility),
            Sharpe => num(self.sharpe),
            Sortino => num(self.sortino),
            Calmar => num(self.calmar),
            MaxDrawdown => MetricValue::Number(self.max_drawdown),
            MaxDrawdownPeak => date(self.max_drawdown_peak),
            MaxDrawdownTrough => date(self.max_drawdown_trough),
            MaxDrawdownRecovery => date(self.max_drawdown_recovery),
            LongestDrawdown => MetricValue::Number(self.longest_drawdown_days as f64),
            LongestRecovery => num(self.longest_recovery_days.map(|d| d as f64)),
            Var => num(self.var),
            Cvar => num(self.cvar),
            Skew => num(self.skew),
            Kurtosis => num(self.kurtosis),
            BestDay => num(self.best_day),
            WorstDay => num(self.worst_day),
            BestMonth => num(self.best_month),
            WorstMonth => num(self.worst_month),
            BestYear => num(self.best_year),
            WorstYear => num(self.worst_year),
            PositiveMonths => num(self.positive_months),
            Turnover => num(self.turnover_annual),
            Fees => num(self.fees_total),
            CostDrag => num(self.cost_drag),
            AvgHoldings => num(self.avg_holdings),
            AvgEffectiveN => num(self.avg_effective_n),
            BenchmarkTotalReturn => num(self.benchmark_total_return),
            BenchmarkCagr => num(self.benchmark_cagr),
            TrackingError => num(self.tracking_error),
            InformationRatio => num(self.information_ratio),
            Beta => num(self.beta),
            Alpha => num(self.alpha),
            Correlation => num(self.correlation),
        }
    }

    /// The context appended to the tooltip of annualised metrics, e.g.
    /// "Annualised with 365 periods per year (inferred from the dates), simple daily returns, rf = 0%."
    pub fn annualisation_note(&self) -> String {
        let p = self.periods_per_year;
        let freq = match () {
            _ if p == 365.0 || p == 252.0 => "daily",
            _ if p == 52.0 => "weekly",
            _ if p == 12.0 => "monthly",
            _ if p == 4.0 => "quarterly",
            _ if p == 1.0 => "yearly",
            _ => "periodic",
        };
        let source = if self.periods_inferred { "inferred from the dates" } else { "as configured" };
        format!(
            "Annualised with {} periods per year ({source}), simple {freq} returns, rf = {}%.",
            fmt_number(self.periods_per_year),
            fmt_number(self.risk_free_annual * 100.0)
        )
    }

    /// Why a metric is undefined, when the reason is one a reader should
    /// know: a sample too short to annualise, a volatility of zero (flat
    /// prices: a ratio over it would be rounding noise), no drawdown.
    pub fn missing_reason(&self, id: MetricId) -> Option<&'static str> {
        use MetricId::*;
        if self.too_short_to_annualise && id.info().annualised && id != PeriodsPerYear {
            return Some("too short to annualise");
        }
        let flat = self.volatility.is_some_and(|v| v / self.periods_per_year.sqrt() <= NOISE_STD);
        match id {
            Sharpe | Sortino | Skew | Kurtosis | Correlation if flat => Some("volatility 0"),
            Calmar if self.max_drawdown >= -NOISE_DRAWDOWN => Some("no drawdown"),
            _ => None,
        }
    }

    /// Every metric of [`MetricId::ALL`] with its descriptor, value, display
    /// text and tooltip, for the UI table and the CLI. Benchmark and trading
    /// rows are left out when their inputs were not supplied.
    pub fn rows(&self) -> Vec<MetricRow> {
        let note = self.annualisation_note();
        MetricId::ALL
            .iter()
            .filter(|id| {
                let info = id.info();
                match info.group {
                    MetricGroup::Benchmark => self.beta.is_some() || self.benchmark_total_return.is_some(),
                    MetricGroup::Trading => self.value(**id) != MetricValue::Missing,
                    _ => true,
                }
            })
            .map(|&id| {
                let info = id.info();
                let value = self.value(id);
                let why = (value == MetricValue::Missing).then(|| self.missing_reason(id)).flatten();
                let display = match why {
                    Some(why) => format!("n/a ({why})"),
                    None => value.display(info.kind),
                };
                let mut tooltip = info.description.replace("{level}", &fmt_number(self.var_level * 100.0));
                if let Some(why) = why {
                    tooltip = format!("Not available: {why}. {tooltip}");
                }
                if info.annualised {
                    tooltip.push(' ');
                    tooltip.push_str(&note);
                }
                MetricRow { key: info.key, label: info.label, kind: info.kind, value, display, tooltip }
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------
// Descriptors
// ---------------------------------------------------------------------------

/// How a metric value is displayed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormatKind {
    /// A fraction shown as a percentage with 2 decimals (`0.1234` → `12.34%`).
    Percent,
    /// A plain ratio with 2 decimals.
    Ratio,
    /// A whole number of calendar days.
    Days,
    /// An ISO date.
    Date,
    /// A plain number with 1 decimal (at most).
    Number,
}

/// Section of the metrics table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MetricGroup {
    Period,
    Returns,
    Risk,
    Drawdown,
    Distribution,
    Trading,
    Benchmark,
}

/// Static descriptor of a metric: stable key, label, convention and format.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MetricInfo {
    pub key: &'static str,
    pub label: &'static str,
    /// The formula / convention, used as a tooltip. `{level}` stands for the VaR level in percent.
    pub description: &'static str,
    pub kind: FormatKind,
    pub group: MetricGroup,
    /// Whether the metric depends on the periods per year / risk-free rate
    /// (its tooltip then gets [`Metrics::annualisation_note`]).
    pub annualised: bool,
}

/// A metric value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum MetricValue {
    Number(f64),
    Date(Date),
    /// Undefined for this input (see the module's edge cases).
    Missing,
}

impl MetricValue {
    /// Display text for a format kind; `n/a` when missing.
    pub fn display(&self, kind: FormatKind) -> String {
        match (*self, kind) {
            (MetricValue::Missing, _) => "n/a".to_string(),
            (MetricValue::Date(d), _) => d.to_string(),
            (MetricValue::Number(v), FormatKind::Percent) => format!("{:.2}%", v * 100.0),
            (MetricValue::Number(v), FormatKind::Ratio) => format!("{v:.2}"),
            (MetricValue::Number(v), FormatKind::Days) => format!("{v:.0} days"),
            (MetricValue::Number(v), FormatKind::Number | FormatKind::Date) => fmt_number(v),
        }
    }
}

impl FormatKind {
    /// `v` as [`MetricValue::display`] writes it, with `extra` more decimals.
    pub fn display_with(self, v: f64, extra: usize) -> String {
        if extra == 0 || !v.is_finite() {
            return MetricValue::Number(v).display(self);
        }
        match self {
            FormatKind::Percent => format!("{:.*}%", 2 + extra, v * 100.0),
            FormatKind::Ratio => format!("{:.*}", 2 + extra, v),
            FormatKind::Days => format!("{v:.extra$} days"),
            FormatKind::Number | FormatKind::Date => format!("{:.*}", 1 + extra, v),
        }
    }

    /// How many decimals beyond the usual (0 to 3) tell `values` apart: the
    /// fewest with which no two different values read the same (values of a
    /// sweep are often close, and two cells coloured differently should not
    /// carry the same label). Non-finite values are left out.
    pub fn extra_decimals(self, values: &[f64]) -> usize {
        let mut distinct: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        (0..3)
            .find(|&extra| {
                let mut labels: Vec<String> = distinct.iter().map(|&v| self.display_with(v, extra)).collect();
                labels.dedup();
                labels.len() == distinct.len()
            })
            .unwrap_or(3)
    }
}

/// A number with at most 1 decimal, without a trailing `.0`.
fn fmt_number(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// One rendered metric (UI table row / CLI line).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricRow {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: FormatKind,
    pub value: MetricValue,
    pub display: String,
    pub tooltip: String,
}

macro_rules! metric_ids {
    ($($id:ident => ($key:literal, $label:literal, $kind:ident, $group:ident, $ann:literal, $desc:literal),)*) => {
        /// Identifier of each metric in the table, in display order.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum MetricId { $($id,)* }

        impl MetricId {
            /// Every metric, in display order.
            pub const ALL: &'static [MetricId] = &[$(MetricId::$id,)*];

            /// The metric's descriptor.
            pub fn info(self) -> MetricInfo {
                match self {
                    $(MetricId::$id => MetricInfo {
                        key: $key,
                        label: $label,
                        description: $desc,
                        kind: FormatKind::$kind,
                        group: MetricGroup::$group,
                        annualised: $ann,
                    },)*
                }
            }
        }
    };
}

metric_ids! {
    Start => ("start", "Start", Date, Period, false, "First date of the equity curve."),
    End => ("end", "End", Date, Period, false, "Last date of the equity curve."),
    PeriodsPerYear => ("periods_per_year", "Periods per year", Number, Period, true,
        "Periods per year P used to annualise: 365 when every calendar day is present, 252 for weekday-only data, 52 weekly, 12 monthly."),
    TotalReturn => ("total_return", "Total return", Percent, Returns, false, "E_end / E_0 - 1."),
    Cagr => ("cagr", "CAGR", Percent, Returns, true,
        "Compound annual growth rate (E_end / E_0)^(1/years) - 1 with years = number of returns / P."),
    Volatility => ("volatility", "Volatility (ann.)", Percent, Risk, true,
        "Sample standard deviation of returns (ddof = 1) x sqrt(P)."),
    Sharpe => ("sharpe", "Sharpe", Ratio, Risk, true,
        "mean(r - rf_p) / std(r, ddof = 1) x sqrt(P), rf_p = (1 + rf)^(1/P) - 1."),
    Sortino => ("sortino", "Sortino", Ratio, Risk, true,
        "mean(r - rf_p) / downside deviation x sqrt(P); downside deviation = sqrt(sum(min(r - rf_p, 0)^2) / n) over all periods (QuantStats)."),
    Calmar => ("calmar", "Calmar", Ratio, Risk, true, "CAGR / |max drawdown|."),
    MaxDrawdown => ("max_drawdown", "Max drawdown", Percent, Drawdown, false,
        "Largest fall from a running peak (including the first value): min(E_t / max(E_s, s <= t) - 1)."),
    MaxDrawdownPeak => ("max_drawdown_peak", "Max drawdown peak", Date, Drawdown, false,
        "Date of the peak before the max drawdown."),
    MaxDrawdownTrough => ("max_drawdown_trough", "Max drawdown trough", Date, Drawdown, false,
        "Date of the max drawdown's lowest point."),
    MaxDrawdownRecovery => ("max_drawdown_recovery", "Max drawdown recovery", Date, Drawdown, false,
        "First date back at or above the peak (n/a: not recovered)."),
    LongestDrawdown => ("longest_drawdown_days", "Longest drawdown", Days, Drawdown, false,
        "Longest time from a peak to its recovery (or to the last date if still under water), in calendar days."),
    LongestRecovery => ("longest_recovery_days", "Longest recovery", Days, Drawdown, false,
        "Longest time from a trough to its recovery, in calendar days, over recovered drawdowns."),
    Var => ("var", "VaR (historical)", Percent, Distribution, true,
        "Historical value at risk at {level}%: the (1 - level) quantile of the period returns, linear interpolation (numpy default). Negative = loss."),
    Cvar => ("cvar", "CVaR (historical)", Percent, Distribution, true,
        "Conditional VaR / expected shortfall at {level}%: mean of the period returns at or below the VaR."),
    Skew => ("skew", "Skew", Ratio, Distribution, true,
        "Bias-corrected sample skewness of the period returns (pandas / QuantStats)."),
    Kurtosis => ("kurtosis", "Excess kurtosis", Ratio, Distribution, true,
        "Bias-corrected sample excess kurtosis of the period returns (pandas / QuantStats; normal = 0)."),
    BestDay => ("best_day", "Best period", Percent, Distribution, true, "Largest single-period return."),
    WorstDay => ("worst_day", "Worst period", Percent, Distribution, true, "Smallest single-period return."),
    BestMonth => ("best_month", "Best month", Percent, Returns, false,
        "Best calendar-month return (from month-end equity; partial first/last months included)."),
    WorstMonth => ("worst_month", "Worst month", Percent, Returns, false,
        "Worst calendar-month return (from month-end equity; partial first/last months included)."),
    BestYear => ("best_year", "Best year", Percent, Returns, false,
        "Best calendar-year return (from year-end equity; partial first/last years included)."),
    WorstYear => ("worst_year", "Worst year", Percent, Returns, false,
        "Worst calendar-year return (from year-end equity; partial first/last years included)."),
    PositiveMonths => ("positive_months", "Positive months", Percent, Returns, false,
        "Share of calendar months with a return > 0."),
    Turnover => ("turnover_annual", "Turnover (ann.)", Percent, Trading, true,
        "Two-sided turnover (buys + sells as a fraction of value) summed over rebalances, divided by the years covered."),
    Fees => ("fees_total", "Fees", Percent, Trading, false, "Total fees paid, as a fraction of the initial value."),
    CostDrag => ("cost_drag", "Cost drag", Percent, Trading, true, "CAGR before costs minus CAGR after costs."),
    AvgHoldings => ("avg_holdings", "Avg holdings", Number, Trading, false, "Average number of holdings per day."),
    AvgEffectiveN => ("avg_effective_n", "Avg effective N", Number, Trading, false,
        "Average effective number of holdings 1 / sum(w_i^2) per day."),
    BenchmarkTotalReturn => ("benchmark_total_return", "Benchmark total return", Percent, Benchmark, false,
        "Total return of the benchmark over the same dates."),
    BenchmarkCagr => ("benchmark_cagr", "Benchmark CAGR", Percent, Benchmark, true, "CAGR of the benchmark."),
    TrackingError => ("tracking_error", "Tracking error", Percent, Benchmark, true,
        "std(r - r_benchmark, ddof = 1) x sqrt(P)."),
    InformationRatio => ("information_ratio", "Information ratio", Ratio, Benchmark, true,
        "mean(r - r_benchmark) / std(r - r_benchmark, ddof = 1) x sqrt(P)."),
    Beta => ("beta", "Beta", Ratio, Benchmark, false, "cov(r, r_benchmark) / var(r_benchmark)."),
    Alpha => ("alpha", "Alpha (ann.)", Percent, Benchmark, true,
        "(mean(r) - beta x mean(r_benchmark)) x P (QuantStats greeks)."),
    Correlation => ("correlation", "Correlation", Ratio, Benchmark, false,
        "Pearson correlation of period returns with the benchmark's."),
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

    #[test]
    fn close_values_get_the_decimals_that_tell_them_apart() {
        use FormatKind::*;
        assert_eq!(Ratio.extra_decimals(&[0.7812, 0.7779, 0.76]), 1, "0.78 and 0.78 would read the same");
        assert_eq!(Ratio.display_with(0.7812, 1), "0.781");
        assert_eq!(Ratio.extra_decimals(&[0.5, 0.7, f64::NAN, 0.5]), 0, "equal values may read the same");
        assert_eq!(Percent.extra_decimals(&[0.123451, 0.123452]), 2);
        assert_eq!(Percent.display_with(0.123451, 2), "12.3451%");
        assert_eq!(Ratio.extra_decimals(&[1.0, 1.0 + 1e-12]), 3, "at most 3 more");
        assert_eq!(Days.display_with(12.25, 1), "12.2 days");
        assert_eq!(Number.display_with(3.0, 0), "3");
        assert_eq!(Number.display_with(3.04, 1), "3.04");
        assert_eq!(Ratio.display_with(f64::NAN, 2), MetricValue::Number(f64::NAN).display(Ratio));
        assert_eq!(Ratio.extra_decimals(&[]), 0);
    }
}
