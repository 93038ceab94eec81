//! Volatility regimes: calm, middle and volatile days from a reference's
//! rolling volatility, and a curve's performance in each.

use super::{check_curve, degenerate_std, AnalysisError};
use crate::date::Date;
use crate::metrics;
use serde::{Deserialize, Serialize};

/// A volatility regime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Regime {
    Calm,
    /// Only with [`RegimeSplit::Quantiles`].
    Middle,
    Volatile,
}

impl Regime {
    pub const ALL: [Regime; 3] = [Regime::Calm, Regime::Middle, Regime::Volatile];

    pub fn label(self) -> &'static str {
        match self {
            Regime::Calm => "Calm",
            Regime::Middle => "Middle",
            Regime::Volatile => "Volatile",
        }
    }
}

/// How days are split by rolling volatility `v`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum RegimeSplit {
    /// `v ≤ median` → Calm, `v > median` → Volatile.
    Median,
    /// `(lo, hi)` with `0 ≤ lo ≤ hi ≤ 1`: `v ≤ Q(lo)` → Calm, `v > Q(hi)` →
    /// Volatile, otherwise Middle (`Quantiles(0.5, 0.5)` is `Median`).
    Quantiles(f64, f64),
}

/// Result of [`regime_split`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegimeLabelling {
    /// One label per day of the curve; `None` until the window has filled.
    pub labels: Vec<Option<Regime>>,
    /// Per day: the sample std (ddof = 1) of the `window` daily returns ending
    /// that day, **not annualised** (× √P to annualise); NaN until filled.
    pub rolling_volatility: Vec<f64>,
    /// `Q(lo)`: a day is Calm when its rolling volatility is `≤` this.
    pub calm_threshold: f64,
    /// `Q(hi)`: a day is Volatile when its rolling volatility is `>` this.
    pub volatile_threshold: f64,
}

/// Labels each day of a reference curve (e.g. [`market_cap_index`](super::market_cap_index)) by the
/// volatility of its last `window` daily returns (30 in the lessons).
///
/// * `v_t = std(r_{t-window+1} … r_t, ddof = 1)`, via
///   [`metrics::rolling_volatility`]; defined from day `t = window` on (day 0
///   has no return), so days `0 … window-1` are `None`.
/// * Thresholds are quantiles ([`metrics::quantile_linear`], numpy linear) of
///   all defined `v_t` over the **whole** sample: the split is descriptive
///   (it looks ahead), not something a strategy could trade on.
/// * Labels are contemporaneous: day `t`'s label uses returns up to and
///   including day `t`.
pub fn regime_split(
    reference_equity: &[f64],
    window: usize,
    split: RegimeSplit,
) -> Result<RegimeLabelling, AnalysisError> {
    if window < 2 {
        return Err(AnalysisError::InvalidParameter(format!("the volatility window must be at least 2, got {window}")));
    }
    let (lo, hi) = match split {
        RegimeSplit::Median => (0.5, 0.5),
        RegimeSplit::Quantiles(lo, hi) => (lo, hi),
    };
    if !(0.0..=1.0).contains(&lo) || !(0.0..=1.0).contains(&hi) || lo > hi {
        return Err(AnalysisError::InvalidParameter(format!(
            "quantiles must satisfy 0 <= lo <= hi <= 1, got ({lo}, {hi})"
        )));
    }
    check_curve("reference equity", reference_equity, window + 1)?;
    let r = metrics::returns(reference_equity);
    let mut vol = vec![f64::NAN];
    vol.extend(metrics::rolling_volatility(&r, window, 1.0));
    let defined: Vec<f64> = vol.iter().copied().filter(|v| !v.is_nan()).collect();
    let calm = metrics::quantile_linear(&defined, lo).expect("at least one full window");
    let volatile = metrics::quantile_linear(&defined, hi).expect("at least one full window");
    let labels = vol
        .iter()
        .map(|&v| {
            if v.is_nan() {
                None
            } else if v <= calm {
                Some(Regime::Calm)
            } else if v > volatile {
                Some(Regime::Volatile)
            } else {
                Some(Regime::Middle)
            }
        })
        .collect();
    Ok(RegimeLabelling { labels, rolling_volatility: vol, calm_threshold: calm, volatile_threshold: volatile })
}

/// The labels of [`regime_split`].
pub fn regime_labels(
    reference_equity: &[f64],
    window: usize,
    split: RegimeSplit,
) -> Result<Vec<Option<Regime>>, AnalysisError> {
    regime_split(reference_equity, window, split).map(|l| l.labels)
}

/// Performance of a curve on the days of one regime.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegimeStats {
    pub regime: Regime,
    /// Number of daily returns in the regime.
    pub days: usize,
    /// `days` / all labelled days (days `t ≥ 1` with a label).
    pub share_of_days: f64,
    /// Number of separate runs of consecutive days in the regime.
    pub spells: usize,
    /// `Π(1 + r) - 1` over the regime's days (as if only those days were held).
    pub total_return: f64,
    /// Arithmetic: `mean(r) · P` (the usual "annualised return" of a regime, not
    /// a growth rate).
    pub mean_return_annualised: f64,
    /// Geometric: `(Π(1 + r))^(P / days) - 1` ([`metrics::cagr`] of the chained returns).
    pub geometric_return_annualised: f64,
    /// `std(r, ddof = 1) · √P`; `None` for fewer than 2 days.
    pub volatility: Option<f64>,
    /// `mean(r) / std(r) · √P` (risk-free 0); `None` for fewer than 2 days or a zero std.
    pub sharpe: Option<f64>,
    /// Max drawdown (≤ 0) of the curve obtained by chaining only the regime's
    /// daily returns, starting at 1.
    pub max_drawdown: f64,
}

/// Per-regime statistics of `equity` (any curve on the same days as the
/// labels, e.g. a strategy). The return `r_t = E_t / E_{t-1} - 1` counts in
/// the regime of `labels[t]`. `periods_per_year`: `None` infers it from the
/// dates ([`metrics::infer_periods_per_year`]). Regimes with no day are left
/// out; the order is Calm, Middle, Volatile.
pub fn regime_stats(
    dates: &[Date],
    equity: &[f64],
    labels: &[Option<Regime>],
    periods_per_year: Option<f64>,
) -> Result<Vec<RegimeStats>, AnalysisError> {
    check_curve("equity", equity, 2)?;
    for (what, len) in [("dates", dates.len()), ("labels", labels.len())] {
        if len != equity.len() {
            return Err(AnalysisError::LengthMismatch { what, expected: equity.len(), got: len });
        }
    }
    let p = periods_per_year.unwrap_or_else(|| metrics::infer_periods_per_year(dates));
    if !(p.is_finite() && p > 0.0) {
        return Err(AnalysisError::InvalidParameter(format!("periods per year must be positive, got {p}")));
    }
    let r = metrics::returns(equity);
    let labelled = labels[1..].iter().filter(|l| l.is_some()).count();
    let mut out = Vec::new();
    for regime in Regime::ALL {
        let in_regime = |t: usize| labels[t] == Some(regime);
        let rs: Vec<f64> = (1..equity.len()).filter(|&t| in_regime(t)).map(|t| r[t - 1]).collect();
        if rs.is_empty() {
            continue;
        }
        let spells = (1..equity.len()).filter(|&t| in_regime(t) && (t == 1 || !in_regime(t - 1))).count();
        let mut chained = Vec::with_capacity(rs.len() + 1);
        chained.push(1.0);
        for x in &rs {
            chained.push(chained[chained.len() - 1] * (1.0 + x));
        }
        let growth = chained[chained.len() - 1];
        let mean = metrics::mean(&rs).expect("non-empty");
        let std = metrics::sample_std(&rs);
        out.push(RegimeStats {
            regime,
            days: rs.len(),
            share_of_days: rs.len() as f64 / labelled as f64,
            spells,
            total_return: growth - 1.0,
            mean_return_annualised: mean * p,
            geometric_return_annualised: metrics::cagr(1.0, growth, rs.len(), p).expect("n > 0"),
            volatility: std.map(|s| s * p.sqrt()),
            sharpe: std.filter(|&s| !degenerate_std(s, mean)).map(|s| mean / s * p.sqrt()),
            max_drawdown: metrics::drawdown_series(&chained).into_iter().fold(0.0, f64::min),
        });
    }
    Ok(out)
}
