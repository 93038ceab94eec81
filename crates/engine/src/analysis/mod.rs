//! # Analyses for the teaching lessons
//!
//! Pure functions on panels and equity curves, reusing [`crate::metrics`] for
//! returns, CAGR, volatility, quantiles and drawdowns. Conventions shared with
//! the metrics module: simple returns `r_t = E_t / E_{t-1} - 1`, the return
//! `r_t` belongs to day `t`, sample standard deviations (ddof = 1), and CAGR
//! with `years = number of returns / P`.
//!
//! * [`market_cap_index`] — the cap-weighted total market (the reference).
//! * [`regime_split`] / [`regime_labels`] / [`regime_stats`] — calm vs volatile
//!   days from the reference's rolling volatility, and per-regime performance.
//! * [`attribute_gap`] — why equal weighting beat (or lagged) cap weighting:
//!   size tilt, rebalancing effect and costs.
//! * [`rolling_average_correlation`] — how much the assets move together.
//! * [`monte_carlo()`] — a grid of seeded runs comparing two metrics.
//!
//! Undefined values are `NaN` in series (for charts) and `None` in summaries.
//!
//! ```
//! use engine::analysis::{attribute_gap, GapCurves};
//! // One year of data at P = 2 (two returns): CAGR = last / first - 1.
//! let cap = [1.0, 1.05, 1.10];
//! let (held, gross, net) = ([1.0, 1.1, 1.25], [1.0, 1.2, 1.30], [1.0, 1.2, 1.28]);
//! let g = GapCurves { cap_net: &cap, cap_gross: None, ew_held: &held, ew_gross: &gross, ew_net: &net };
//! let a = attribute_gap(&g, 2.0).unwrap();
//! // size tilt +15 pp, rebalancing +5 pp, costs -2 pp: equal weight ahead by 18 pp a year.
//! assert!((a.size_tilt - 0.15).abs() < 1e-12 && (a.rebalancing - 0.05).abs() < 1e-12);
//! assert!((a.cost_drag + 0.02).abs() < 1e-12 && (a.total - 0.18).abs() < 1e-12);
//! ```

mod attribution;
mod correlation;
mod market;
mod monte_carlo;
mod regimes;

pub use attribution::{attribute_gap, GapAttribution, GapCurves};
pub use correlation::{rolling_average_correlation, AssetSet};
pub use market::market_cap_index;
pub use monte_carlo::{monte_carlo, McCell};
pub use regimes::{regime_labels, regime_split, regime_stats, Regime, RegimeLabelling, RegimeSplit, RegimeStats};

use std::fmt;

/// Invalid input to an analysis.
#[derive(Clone, Debug, PartialEq)]
pub enum AnalysisError {
    /// A series is shorter than needed.
    TooShort { what: &'static str, needed: usize, got: usize },
    /// A series does not have the expected length.
    LengthMismatch { what: &'static str, expected: usize, got: usize },
    /// A value that must be finite and positive is not (`what[index]`).
    NotPositive { what: &'static str, index: usize },
    /// A parameter is out of range.
    InvalidParameter(String),
    /// A result is not finite (e.g. a CAGR that overflows on a very short, steep curve).
    NonFinite { what: &'static str },
}

impl fmt::Display for AnalysisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnalysisError::TooShort { what, needed, got } => {
                write!(f, "{what} has {got} values, at least {needed} are needed")
            }
            AnalysisError::LengthMismatch { what, expected, got } => {
                write!(f, "{what} has {got} values, expected {expected}")
            }
            AnalysisError::NotPositive { what, index } => write!(f, "{what}[{index}] is not a finite positive number"),
            AnalysisError::InvalidParameter(d) => write!(f, "invalid parameter: {d}"),
            AnalysisError::NonFinite { what } => write!(f, "{what} is not a finite number"),
        }
    }
}

impl std::error::Error for AnalysisError {}

fn check_curve(what: &'static str, e: &[f64], min_len: usize) -> Result<(), AnalysisError> {
    if e.len() < min_len {
        return Err(AnalysisError::TooShort { what, needed: min_len, got: e.len() });
    }
    match e.iter().position(|v| !(v.is_finite() && *v > 0.0)) {
        Some(index) => Err(AnalysisError::NotPositive { what, index }),
        None => Ok(()),
    }
}

/// Whether a standard deviation is zero up to rounding noise relative to the mean
/// (the same rule as the metrics module's ratios).
fn degenerate_std(std: f64, mean: f64) -> bool {
    !std.is_finite() || std == 0.0 || std <= 1e-12 * mean.abs()
}
