//! Everything a run resolves before its daily loop: the rebalance and
//! reconstitution calendars, exclusions, custom weights, the regime days,
//! delistings and rank ties.

use crate::panel::Panel;
use crate::strategy::{short, Comparison, RegimeReference, Strategy, StrategyError, Weighting};
use std::collections::BTreeMap;

use super::*;

/// Everything resolved before the daily loop.
pub(super) struct Plan {
    pub(super) calendar: Vec<bool>,
    pub(super) recon: Vec<bool>,
    pub(super) excluded: Vec<bool>,
    pub(super) custom: Vec<f64>,
    /// The data filter: extra column index, comparison, threshold.
    pub(super) filter: Option<(usize, Comparison, f64)>,
    pub(super) risk_off: Vec<bool>,
    /// `(day, asset)` of delistings, by day.
    pub(super) delistings: Vec<(usize, usize)>,
    /// Day on which each asset may not be traded (its delisting), or `usize::MAX`.
    pub(super) delist_day: Vec<usize>,
    /// Position of each asset id in sorted order, for rank ties (empty without Top N).
    pub(super) id_rank: Vec<usize>,
    pub(super) warnings: Warnings,
}

impl Plan {
    pub(super) fn new(panel: &Panel, s: &Strategy) -> Result<Plan, StrategyError> {
        let (n_days, n) = (panel.n_days(), panel.n_assets());
        let first_date = panel.dates()[0];
        let mut warnings = Warnings(Vec::new());
        // Only custom weights and a regime reference asset look ids up.
        let needs_ids = matches!(s.weighting, Weighting::Custom { .. })
            || s.regime.as_ref().is_some_and(|r| matches!(r.reference, RegimeReference::Asset(_)));
        let by_id: BTreeMap<String, usize> = if needs_ids {
            panel.assets().iter().enumerate().map(|(a, info)| (info.id.to_lowercase(), a)).collect()
        } else {
            BTreeMap::new()
        };
        let excluded: Vec<bool> = crate::exclusions::resolve(panel, &s.universe.exclude, &s.universe.include)
            .into_iter()
            .map(|r| r.is_some())
            .collect();

        let mut custom = vec![0.0; n];
        if let Weighting::Custom { weights } = &s.weighting {
            for (id, w) in weights {
                match id.split('|').find_map(|alt| by_id.get(&alt.trim().to_lowercase())) {
                    Some(&a) => custom[a] += w,
                    None => warnings
                        .add(first_date, &format!("custom weight for '{}' matches no asset in the data", short(id))),
                }
            }
        }

        let filter = match &s.universe.filter {
            Some(f) => {
                let col = panel.extra_index(&f.column).ok_or_else(|| {
                    StrategyError::new(
                        "universe.filter",
                        format!("filter column '{}' is not in the data", short(&f.column)),
                    )
                })?;
                Some((col, f.op, f.value))
            }
            None => None,
        };

        let mut risk_off = vec![false; n_days];
        if let Some(r) = &s.regime {
            let series: Vec<f64> = match &r.reference {
                RegimeReference::Asset(id) => {
                    let &a = by_id.get(&id.trim().to_lowercase()).ok_or_else(|| {
                        StrategyError::new(
                            "regime.reference",
                            format!("regime reference asset '{}' is not in the data", short(id)),
                        )
                    })?;
                    (0..n_days).map(|t| panel.price(t, a)).collect()
                }
                RegimeReference::TotalMarketCap => (0..n_days)
                    .map(|t| {
                        let caps = panel.cap_row(t);
                        let caps = &caps[..];
                        (0..n).filter(|&a| !excluded[a] && caps[a].is_finite()).map(|a| caps[a]).sum()
                    })
                    .collect(),
            };
            for t in r.sma_days - 1..n_days {
                let window = &series[t + 1 - r.sma_days..=t];
                if window.iter().all(|v| v.is_finite()) {
                    let sma = window.iter().sum::<f64>() / r.sma_days as f64;
                    risk_off[t] = series[t] < sma;
                }
            }
        }

        let mut delistings: Vec<(usize, usize)> =
            panel.assets().iter().enumerate().filter(|(_, i)| i.delisted(n_days)).map(|(a, i)| (i.last, a)).collect();
        crate::sort::sort_by(&mut delistings, Ord::cmp);
        let mut delist_day = vec![usize::MAX; n];
        for &(t, a) in &delistings {
            delist_day[a] = t;
        }
        // Only Top N ranking breaks ties by id.
        let mut id_rank = Vec::new();
        if s.universe.top_n.is_some() {
            let mut order: Vec<usize> = (0..n).collect();
            crate::sort::sort_by(&mut order, |&x, &y| panel.assets()[x].id.cmp(&panel.assets()[y].id));
            id_rank = vec![0; n];
            for (rank, &a) in order.iter().enumerate() {
                id_rank[a] = rank;
            }
        }

        let calendar = s.rebalance.days(panel.dates(), s.rebalance_offset);
        let recon = match s.universe.reconstitution {
            Some(r) => r.days(panel.dates(), s.universe.reconstitution_offset),
            None => calendar.clone(),
        };
        Ok(Plan { calendar, recon, excluded, custom, filter, risk_off, delistings, delist_day, id_rank, warnings })
    }
}
