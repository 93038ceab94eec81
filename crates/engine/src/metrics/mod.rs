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

mod compute;
mod stats;
mod table;

pub use compute::MonthlyTableRow;
pub(crate) use stats::degenerate_std;
pub use stats::{
    cagr, drawdown_periods, drawdown_series, drawdown_stats, excess_kurtosis, infer_periods_per_year, mean,
    min_returns_to_annualise, monthly_returns, quantile_linear, returns, rf_per_period, rolling_sharpe,
    rolling_volatility, sample_std, skewness, yearly_returns, DrawdownPeriod, DrawdownStats, MonthlyReturn,
    YearlyReturn, NOISE_DRAWDOWN, NOISE_STD,
};
pub use table::{
    implausible_value, FormatKind, MetricGroup, MetricId, MetricInfo, MetricRow, MetricValue, Metrics,
    PLAUSIBLE_MAX_DAY, PLAUSIBLE_MAX_VOLATILITY,
};

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
