//! Rolling average pairwise correlation: how much the assets move together.

use super::AnalysisError;
use crate::panel::Panel;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which assets [`rolling_average_correlation`] averages over on each day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AssetSet {
    /// The `k` largest by market cap on that day, among the eligible assets
    /// (ties: lower asset index first; assets without a cap that day are skipped).
    TopByCap(usize),
    /// These asset indices, when eligible.
    Fixed(Vec<usize>),
}

/// Running sums of one pair over the current window.
#[derive(Clone, Copy, Debug, Default)]
struct PairSums {
    last_day: usize,
    sx: f64,
    sy: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
}

impl PairSums {
    fn add(&mut self, x: f64, y: f64, sign: f64) {
        self.sx += sign * x;
        self.sy += sign * y;
        self.sxx += sign * x * x;
        self.syy += sign * y * y;
        self.sxy += sign * x * y;
    }

    /// Pearson correlation from the sums over `n` points; `None` when either
    /// variance is zero up to the rounding noise of the sums.
    fn correlation(&self, n: f64) -> Option<f64> {
        let vx = self.sxx - self.sx * self.sx / n;
        let vy = self.syy - self.sy * self.sy / n;
        let tol = 64.0 * n * f64::EPSILON;
        if vx <= tol * self.sxx || vy <= tol * self.syy || vx <= 0.0 || vy <= 0.0 {
            return None;
        }
        let c = (self.sxy - self.sx * self.sy / n) / (vx * vy).sqrt();
        Some(c.clamp(-1.0, 1.0))
    }
}

/// Rolling average pairwise correlation of daily returns (one value per day of
/// the panel, NaN where undefined).
///
/// On day `t` the window is the `window` daily returns `r_{t-window+1} … r_t`
/// (`r_{t,i} = p_{t,i}/p_{t-1,i} - 1`). An asset is *eligible* on day `t` when
/// it has all of those returns (a price on each of the days `t-window … t`).
/// The set `S_t` is chosen by `set` among the eligible assets; the value is the
/// mean, over all pairs `i < j` of `S_t`, of the Pearson correlation of the two
/// assets' returns in the window. Pairs in which an asset's returns are
/// constant (zero variance, e.g. a stablecoin) are left out. NaN for `t <
/// window` and when no pair is defined (fewer than two eligible assets).
///
/// Cost: per-pair running sums slide by one day while a pair stays in the set
/// and are recomputed from scratch when a pair enters, and for all pairs every
/// `window` days (so rounding cannot drift): O(days · K²) amortised when the
/// membership is stable, O(days · K² · window) at worst, for `K = |S_t|`
/// (meant for `K ≤ 30`).
pub fn rolling_average_correlation(panel: &Panel, window: usize, set: &AssetSet) -> Result<Vec<f64>, AnalysisError> {
    if window < 2 {
        return Err(AnalysisError::InvalidParameter(format!(
            "the correlation window must be at least 2, got {window}"
        )));
    }
    let (n_days, n_assets) = (panel.n_days(), panel.n_assets());
    match set {
        AssetSet::TopByCap(k) if *k < 2 => {
            return Err(AnalysisError::InvalidParameter(format!("need at least 2 assets to correlate, got {k}")))
        }
        AssetSet::Fixed(ids) => {
            if let Some(&bad) = ids.iter().find(|&&a| a >= n_assets) {
                return Err(AnalysisError::InvalidParameter(format!(
                    "asset index {bad} is out of range (the panel has {n_assets} assets)"
                )));
            }
        }
        _ => {}
    }
    // Daily returns, day-major; NaN on day 0 and where a price is missing.
    let mut ret = vec![f64::NAN; n_days * n_assets];
    for t in 1..n_days {
        let (p0, p1) = (panel.price_row(t - 1), panel.price_row(t));
        let (p0, p1) = (&p0[..], &p1[..]);
        for a in 0..n_assets {
            ret[t * n_assets + a] = p1[a] / p0[a] - 1.0;
        }
    }
    let r = |t: usize, a: usize| ret[t * n_assets + a];

    let mut out = vec![f64::NAN; n_days];
    let mut run = vec![0usize; n_assets]; // consecutive finite returns ending on day t
    let mut pairs: BTreeMap<(usize, usize), PairSums> = BTreeMap::new();
    let mut members: Vec<usize> = Vec::new();
    let w = window as f64;
    for (t, slot) in out.iter_mut().enumerate().skip(1) {
        for (a, run_a) in run.iter_mut().enumerate() {
            *run_a = if r(t, a).is_finite() { *run_a + 1 } else { 0 };
        }
        if t < window {
            continue;
        }
        members.clear();
        match set {
            AssetSet::TopByCap(k) => {
                let caps = panel.cap_row(t);
                let caps = &caps[..];
                members.extend((0..n_assets).filter(|&a| run[a] >= window && caps[a].is_finite()));
                members.sort_by(|&a, &b| caps[b].total_cmp(&caps[a]).then(a.cmp(&b)));
                members.truncate(*k);
            }
            AssetSet::Fixed(ids) => members.extend(ids.iter().copied().filter(|&a| run[a] >= window)),
        }
        members.sort_unstable();
        members.dedup();

        let rebuild = t % window == 0;
        let (mut sum, mut count) = (0.0, 0usize);
        for (ii, &i) in members.iter().enumerate() {
            for &j in &members[ii + 1..] {
                let entry = pairs.entry((i, j)).or_default();
                if !rebuild && entry.last_day + 1 == t && entry.last_day != 0 {
                    entry.add(r(t, i), r(t, j), 1.0);
                    entry.add(r(t - window, i), r(t - window, j), -1.0);
                } else {
                    *entry = PairSums::default();
                    for s in t + 1 - window..=t {
                        entry.add(r(s, i), r(s, j), 1.0);
                    }
                }
                entry.last_day = t;
                if let Some(c) = entry.correlation(w) {
                    sum += c;
                    count += 1;
                }
            }
        }
        pairs.retain(|_, p| p.last_day == t);
        if count > 0 {
            *slot = sum / count as f64;
        }
    }
    Ok(out)
}
