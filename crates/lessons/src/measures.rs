//! Small measures the readouts share, computed from engine results.

use engine::compare::Run;
use engine::metrics;
use engine::Panel;

use crate::format::opt;

pub fn cagr(run: &Run) -> f64 {
    opt(run.metrics.cagr)
}

/// CAGR of a curve at `ppy` periods per year.
pub fn curve_cagr(e: &[f64], ppy: f64) -> f64 {
    if e.len() < 2 {
        return f64::NAN;
    }
    opt(metrics::cagr(e[0], e[e.len() - 1], e.len() - 1, ppy))
}

/// CAGR before costs.
pub fn gross_cagr(run: &Run) -> f64 {
    curve_cagr(&run.gross_equity, run.metrics.periods_per_year)
}

/// Fees paid, in money (the engine keeps them as a share of the starting capital).
pub fn fees_paid(run: &Run, capital: f64) -> f64 {
    run.sim.total_fees * capital
}

/// Weight of the largest holding at the close of day `t`, and its asset.
pub fn top_weight(run: &Run, panel: &Panel, t: usize) -> Option<(usize, f64)> {
    run.sim.weights_at(panel, t).into_iter().filter(|(_, w)| w.is_finite()).max_by(|a, b| a.1.total_cmp(&b.1))
}

/// Average over every 5th day of the largest holding's weight, and the asset
/// that was largest most often.
pub fn average_top_weight(run: &Run, panel: &Panel) -> (f64, Option<usize>) {
    let mut counts = vec![0usize; panel.n_assets()];
    let (mut sum, mut n) = (0.0, 0usize);
    for t in (0..panel.n_days()).step_by(5) {
        if let Some((a, w)) = top_weight(run, panel, t) {
            sum += w;
            n += 1;
            counts[a] += 1;
        }
    }
    let leader = counts.iter().enumerate().max_by_key(|(_, c)| **c).filter(|(_, c)| **c > 0).map(|(a, _)| a);
    (if n > 0 { sum / n as f64 } else { f64::NAN }, leader)
}

pub fn asset_name(panel: &Panel, a: usize) -> String {
    panel.assets().get(a).map(|x| x.id.clone()).unwrap_or_else(|| "?".into())
}

pub fn date_at(panel: &Panel, t: usize) -> String {
    panel.dates().get(t).map(|d| d.to_string()).unwrap_or_default()
}
