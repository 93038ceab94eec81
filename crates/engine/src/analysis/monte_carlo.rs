//! A grid of seeded runs comparing two metrics.

use crate::metrics;
use serde::{Deserialize, Serialize};

/// The runs of one dial value in [`monte_carlo`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct McCell {
    pub dial_value: f64,
    /// Runs with finite metrics (those in `differences`).
    pub runs: usize,
    /// Runs whose metric a or b was not finite (left out of everything below).
    pub failed: usize,
    /// Share of the runs with `a > b` strictly (a tie does not count as a win);
    /// `None` without runs.
    pub share_a_beats_b: Option<f64>,
    /// `a - b` for each run, in the order of the seeds (failed runs skipped).
    pub differences: Vec<f64>,
    pub mean_difference: Option<f64>,
    /// 5 %, 25 %, 50 %, 75 % and 95 % quantiles of the differences
    /// ([`metrics::quantile_linear`], numpy linear).
    pub q05: Option<f64>,
    pub q25: Option<f64>,
    pub median: Option<f64>,
    pub q75: Option<f64>,
    pub q95: Option<f64>,
}

impl McCell {
    /// Any quantile `q ∈ [0, 1]` of the differences.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        metrics::quantile_linear(&self.differences, q)
    }
}

/// Runs `f(seed, dial)` for every dial value and every seed (dial-major, in the
/// given orders, so the result is deterministic) and summarises `a - b` per
/// dial value. `f` returns `(metric_a, metric_b)`, e.g. the CAGR of equal and
/// of cap weighting on a synthetic market generated from `seed` with the dial
/// (say, the dispersion of asset drifts) set to `dial`.
pub fn monte_carlo<F: Fn(u64, f64) -> (f64, f64)>(seeds: &[u64], dial_values: &[f64], f: F) -> Vec<McCell> {
    dial_values
        .iter()
        .map(|&dial| {
            let mut differences = Vec::with_capacity(seeds.len());
            let (mut wins, mut failed) = (0usize, 0usize);
            for &seed in seeds {
                let (a, b) = f(seed, dial);
                let d = a - b;
                if a.is_finite() && b.is_finite() && d.is_finite() {
                    differences.push(d);
                    wins += usize::from(a > b);
                } else {
                    failed += 1;
                }
            }
            let runs = differences.len();
            let q = |p: f64| metrics::quantile_linear(&differences, p);
            McCell {
                dial_value: dial,
                runs,
                failed,
                share_a_beats_b: (runs > 0).then(|| wins as f64 / runs as f64),
                mean_difference: metrics::mean(&differences),
                q05: q(0.05),
                q25: q(0.25),
                median: q(0.5),
                q75: q(0.75),
                q95: q(0.95),
                differences,
            }
        })
        .collect()
}
