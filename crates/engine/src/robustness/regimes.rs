//! Regimes for any comparison: calm, middle and volatile thirds of days.
//!
//! The reference is the cap-weighted total market of the loaded panel
//! ([`analysis::market_cap_index`], every asset of the panel). Days are
//! labelled by the terciles of its trailing [`REGIME_WINDOW`]-day
//! volatility ([`analysis::regime_split`] with quantiles 1/3 and 2/3, over
//! the whole sample: descriptive, it looks ahead); the first days, before a
//! window has filled, have no label and are counted apart. Per strategy and
//! regime: annualised mean return (`mean(r) · P`), volatility and Sharpe
//! ([`analysis::regime_stats`]). Up/down capture against the market:
//! `mean(r | market up) / mean(market r | market up)` and the same over the
//! days the market fell (days with a market return of exactly 0 are in
//! neither).
//!
//! For the pair, the lead `Σ (r_A - r_B)` (sum of daily return
//! differences) is split by regime: the parts add up to the whole.

use super::REGIME_WINDOW;
use crate::analysis::{self, Regime, RegimeSplit, RegimeStats};
use crate::metrics;
use crate::panel::Panel;
use serde::{Deserialize, Serialize};

/// Day counts of the split (of daily returns, day 1 onwards):
/// `calm + middle + volatile + unlabelled = total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegimeDays {
    pub calm: usize,
    pub middle: usize,
    pub volatile: usize,
    /// Days before the first full volatility window.
    pub unlabelled: usize,
    pub total: usize,
}

/// One regime's numbers for one curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegimeRow {
    pub regime: Regime,
    pub days: usize,
    /// `mean(r) · P`.
    pub annual_return: f64,
    pub volatility: Option<f64>,
    pub sharpe: Option<f64>,
}

/// One strategy (or the market) by regime.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurveRegimes {
    /// Strategy index; `None` for the market.
    pub strategy: Option<usize>,
    pub name: String,
    pub rows: Vec<RegimeRow>,
    pub up_capture: Option<f64>,
    pub down_capture: Option<f64>,
}

/// Where the pair's lead came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairRegimes {
    pub a: usize,
    pub b: usize,
    /// `Σ (r_A - r_B)` over all days.
    pub lead: f64,
    /// The same sum per regime (Calm, Middle, Volatile), and over the unlabelled days.
    pub by_regime: Vec<(Regime, f64)>,
    pub unlabelled: f64,
}

/// The regime analysis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegimeReport {
    pub window: usize,
    pub days: RegimeDays,
    /// Thresholds of the daily (not annualised) trailing volatility.
    pub calm_threshold: f64,
    pub volatile_threshold: f64,
    /// One label per day (for shading a chart); `None` before the window fills.
    pub labels: Vec<Option<Regime>>,
    pub market: CurveRegimes,
    /// One per strategy that ran.
    pub strategies: Vec<CurveRegimes>,
    pub pair: Option<PairRegimes>,
}

fn rows(stats: &[RegimeStats]) -> Vec<RegimeRow> {
    stats
        .iter()
        .map(|s| RegimeRow {
            regime: s.regime,
            days: s.days,
            annual_return: s.mean_return_annualised,
            volatility: s.volatility,
            sharpe: s.sharpe,
        })
        .collect()
}

/// Up and down capture of returns `r` against market returns `m`.
pub fn capture(r: &[f64], m: &[f64]) -> (Option<f64>, Option<f64>) {
    let ratio = |keep: &dyn Fn(f64) -> bool| {
        let (rs, ms): (Vec<f64>, Vec<f64>) = r.iter().zip(m).filter(|(_, &x)| keep(x)).map(|(a, b)| (*a, *b)).unzip();
        let (a, b) = (metrics::mean(&rs)?, metrics::mean(&ms)?);
        (b != 0.0).then(|| a / b).filter(|v| v.is_finite())
    };
    (ratio(&|x| x > 0.0), ratio(&|x| x < 0.0))
}

/// The regime analysis of the strategies' equity curves (`None` for a
/// strategy that did not run) on `panel`.
pub fn analyse(
    panel: &Panel,
    curves: &[Option<&[f64]>],
    names: &[String],
    pair: Option<(usize, usize)>,
    periods_per_year: f64,
) -> Result<RegimeReport, String> {
    let market = analysis::market_cap_index(panel);
    let split = analysis::regime_split(&market, REGIME_WINDOW, RegimeSplit::Quantiles(1.0 / 3.0, 2.0 / 3.0))
        .map_err(|e| e.to_string())?;
    let labels = split.labels;
    let dates = panel.dates();
    let count = |r: Option<Regime>| labels[1..].iter().filter(|l| **l == r).count();
    let days = RegimeDays {
        calm: count(Some(Regime::Calm)),
        middle: count(Some(Regime::Middle)),
        volatile: count(Some(Regime::Volatile)),
        unlabelled: count(None),
        total: labels.len().saturating_sub(1),
    };
    let p = Some(periods_per_year);
    let m_returns = metrics::returns(&market);
    let (up, down) = capture(&m_returns, &m_returns);
    let market_rows = CurveRegimes {
        strategy: None,
        name: "Total market (cap-weighted)".into(),
        rows: rows(&analysis::regime_stats(dates, &market, &labels, p).map_err(|e| e.to_string())?),
        up_capture: up,
        down_capture: down,
    };
    let mut strategies = Vec::new();
    for (i, curve) in curves.iter().enumerate() {
        let Some(e) = curve else { continue };
        let stats = analysis::regime_stats(dates, e, &labels, p).map_err(|e| e.to_string())?;
        let (up, down) = capture(&metrics::returns(e), &m_returns);
        strategies.push(CurveRegimes {
            strategy: Some(i),
            name: names.get(i).cloned().unwrap_or_default(),
            rows: rows(&stats),
            up_capture: up,
            down_capture: down,
        });
    }
    let pair = pair.and_then(|(a, b)| {
        let (ea, eb) = (curves.get(a).copied().flatten()?, curves.get(b).copied().flatten()?);
        let d: Vec<f64> = metrics::returns(ea).iter().zip(metrics::returns(eb)).map(|(x, y)| x - y).collect();
        let sum_in = |r: Option<Regime>| (1..labels.len()).filter(|&t| labels[t] == r).map(|t| d[t - 1]).sum::<f64>();
        Some(PairRegimes {
            a,
            b,
            lead: d.iter().sum(),
            by_regime: Regime::ALL.iter().map(|&r| (r, sum_in(Some(r)))).collect(),
            unlabelled: sum_in(None),
        })
    });
    Ok(RegimeReport {
        window: REGIME_WINDOW,
        days,
        calm_threshold: split.calm_threshold,
        volatile_threshold: split.volatile_threshold,
        labels,
        market: market_rows,
        strategies,
        pair,
    })
}
