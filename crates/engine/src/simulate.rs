//! The day-by-day index simulation.
//!
//! # Conventions (normative)
//! - The portfolio starts with value 1.0 in cash before the close of day 0;
//!   every amount in a [`SimResult`] (equity, cash, trade values, units, fees)
//!   is on that normalised scale: multiply by [`SimResult::initial_capital`]
//!   for currency. Long only; all trading happens at the close; returns are
//!   close to close; units are constant between trades.
//! - **Tradable set** `U_t`: assets with a finite price > 0 on day `t`, except
//!   an asset on its delisting day. Cap-based schemes and Top-N ranking also
//!   need a finite cap > 0 that day. Target weights outside `U_t` are 0 and
//!   weights are renormalised over `U_t`.
//! - **Rebalance days**: day 0; the days of the rebalance schedule and of the
//!   reconstitution schedule (see [`crate::schedule`]); a day when the regime
//!   rule changes state; a day when a drift band is breached.
//! - **Delisting**: an asset's last day with a price, when that is before the
//!   panel's last day. At that close the holding is sold at that price, paying
//!   the cost rate; the cash waits at 0% until the next rebalance. The asset
//!   leaves the band targets.
//! - **Costs at a rebalance**: see [`crate::costs`]; the post-trade value `V'`
//!   solves `V' = V - Σ c_i |w_i V' - x_i|`, units are `h_i = w_i V' / P_i`, and
//!   each trade's fee is exactly `c_i × |traded value|`.
//! - **Equity** on day `t` = cash + Σ units × price at the close, after that
//!   day's trades. Between trades it is the dot product of units and prices
//!   over the held assets.
//! - **Regime**: while risk-off, targets are scaled by `1 - cash_fraction` and
//!   the rest is held as cash.
//! - **Numeric range**: the run stops with an error (field `data`) when the
//!   portfolio value leaves [`MIN_VALUE`]..=[`MAX_VALUE`] (it starts at 1), or
//!   when a purchase needs so few units (below the normal `f64` range) that
//!   they would hold its value wrong by more than 1e-12 of the portfolio: only
//!   prices that move by factors like 1e150 (bad data) get there, and beyond
//!   it the floating-point results lose their precision.
//!
//! # Example
//! ```
//! use engine::{simulate, Date, Panel, Strategy};
//!
//! // Two assets over two days: A 10 -> 11, B 20 -> 18.
//! let panel = Panel::new(
//!     vec![Date(19_000), Date(19_001)],
//!     vec!["a".into(), "b".into()],
//!     vec![10.0, 20.0, 11.0, 18.0], // day-major: day 0 (a, b), day 1 (a, b)
//!     vec![1e9, 2e9, 1.1e9, 1.8e9],
//!     vec![1e6; 4],
//!     vec![],
//! )
//! .unwrap();
//! let strategy: Strategy =
//!     serde_json::from_str(r#"{"weighting": "equal", "rebalance": "daily", "costs": {"fee_bps": 100}}"#).unwrap();
//! let result = simulate(&panel, &strategy).unwrap();
//! let v0 = 1.0 / 1.01; // the initial purchase pays 1%
//! assert!((result.equity[0] - v0).abs() < 1e-15);
//! assert!((result.equity[1] - v0 * (1.0 - 0.01 * 0.1)).abs() < 1e-15);
//! // Gross of costs, for the cost drag:
//! let gross = simulate(&panel, &strategy.without_costs()).unwrap();
//! assert_eq!(gross.equity, [1.0, 1.0]);
//! ```

use crate::costs::{post_trade_value, Leg};
use crate::date::Date;
use crate::panel::Panel;
use crate::strategy::{short, BandMethod, Comparison, RegimeReference, Strategy, StrategyError, Weighting};
use crate::weighting::{mean_volume, target_weights, volatility, Fallback, Inputs, SchemeState};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    /// `buy` or `sell`, as the trade log and its CSV write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buy => "buy",
            Side::Sell => "sell",
        }
    }
}

/// Why a trade happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TradeReason {
    /// A calendar rebalance (and the initial purchase on day 0).
    Rebalance,
    /// On a reconstitution day, a trade in an asset entering or leaving the index.
    Reconstitution,
    /// Sale of a holding on its delisting day.
    Delisting,
    /// A drift band was breached.
    Band,
    /// The regime rule changed state.
    Regime,
}

impl TradeReason {
    /// Lower-case name, as the trade log and its CSV write it.
    pub fn as_str(self) -> &'static str {
        match self {
            TradeReason::Rebalance => "rebalance",
            TradeReason::Reconstitution => "reconstitution",
            TradeReason::Delisting => "delisting",
            TradeReason::Band => "band",
            TradeReason::Regime => "regime",
        }
    }
}

/// One trade at a close. `units`, `value` and `fee` are normalised (see the
/// module docs); `value = units × price`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trade {
    pub day: usize,
    pub date: Date,
    pub asset: usize,
    pub side: Side,
    pub units: f64,
    pub price: f64,
    pub value: f64,
    pub fee: f64,
    pub reason: TradeReason,
}

/// One rebalance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RebalanceRecord {
    pub day: usize,
    pub date: Date,
    /// What triggered it (Rebalance also for calendar and reconstitution days).
    pub reason: TradeReason,
    /// Portfolio value before trading.
    pub value_before: f64,
    /// One-sided turnover: `Σ |traded value| / 2 / value_before`.
    pub turnover: f64,
    /// Total cost paid, `Σ c_i |traded value_i|`.
    pub fee: f64,
    /// Post-trade weights `(asset, w_i)` of the post-trade value; the rest is cash.
    pub holdings: Vec<(usize, f64)>,
}

/// Holdings from day `start` until the next segment: cash and `(asset, units)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub start: usize,
    pub cash: f64,
    pub units: Vec<(usize, f64)>,
}

/// Everything a run produces; per-day vectors have one entry per panel day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimResult {
    /// Portfolio value at each close after trading; 1.0 before day 0's purchase.
    pub equity: Vec<f64>,
    pub cash: Vec<f64>,
    /// Number of assets held after the day's trades.
    pub n_holdings: Vec<usize>,
    /// `(Σ x_i)² / Σ x_i²` over the held values `x_i` (1 / Σ w² of the
    /// invested weights); 0 when all in cash.
    pub effective_n: Vec<f64>,
    /// Whether the regime rule was risk-off at each close (all `false` without a rule).
    pub risk_off: Vec<bool>,
    /// Every trade in day order (within a rebalance, by asset). Trades smaller
    /// than 1e-12 of the portfolio are charged but not listed. Empty when
    /// [`Strategy::record_trades`] is off.
    pub trades: Vec<Trade>,
    pub rebalances: Vec<RebalanceRecord>,
    /// Holdings per segment, in day order; see [`SimResult::weights_at`].
    pub segments: Vec<Segment>,
    /// Distinct warnings, each with how often and when it first happened.
    pub warnings: Vec<String>,
    /// Sum of all trading costs (normalised).
    pub total_fees: f64,
    pub initial_capital: f64,
}

impl SimResult {
    /// Weights `(asset, units × price / equity)` at the close of day `t`
    /// (after trades), ascending by asset; cash is `cash[t] / equity[t]`.
    pub fn weights_at(&self, panel: &Panel, t: usize) -> Vec<(usize, f64)> {
        let k = self.segments.partition_point(|s| s.start <= t);
        let Some(seg) = k.checked_sub(1).map(|i| &self.segments[i]) else { return Vec::new() };
        let prices = panel.price_row(t);
        seg.units.iter().map(|&(a, u)| (a, u * prices[a] / self.equity[t])).collect()
    }

    /// Equity in currency units: `equity × initial_capital`.
    pub fn equity_in_currency(&self) -> Vec<f64> {
        self.equity.iter().map(|e| e * self.initial_capital).collect()
    }
}

/// How far past its band edge (in weight) an asset must be for a band-edge
/// trade to move it: an asset put on the edge is not traded again for the
/// rounding of its weight.
pub const EDGE_TOLERANCE: f64 = 1e-9;

/// Smallest portfolio value a run may reach (the start is 1); see the module docs.
pub const MIN_VALUE: f64 = 1e-150;
/// Largest portfolio value a run may reach (the start is 1); see the module docs.
pub const MAX_VALUE: f64 = 1e150;

/// Runs `strategy` over `panel`. Fails if the strategy is invalid or refers
/// to a column or asset the panel lacks, or when the prices take the value
/// out of the range a run can compute (see "Numeric range" in the module docs).
pub fn simulate(panel: &Panel, strategy: &Strategy) -> Result<SimResult, StrategyError> {
    strategy.validate()?;
    if strategy.tranches > 1 {
        return simulate_tranched(panel, strategy);
    }
    let plan = Plan::new(panel, strategy)?;
    Sim::new(panel, strategy, plan).run()
}

/// A tranched strategy: each sleeve ([`Strategy::sleeve`]) run on its own
/// with `capital / k`, then added up on the normalised scale (each sleeve
/// starts at 1, so the whole is their mean: `equity = Σ e_i / k`, likewise
/// cash, fees, trade values and units). Rebalance records are each sleeve's,
/// with `value_before` the sleeve's share and `turnover` as a fraction of
/// the whole portfolio's value before that day's trades; `holdings` are the
/// sleeve's post-trade weights as fractions of the whole portfolio.
fn simulate_tranched(panel: &Panel, strategy: &Strategy) -> Result<SimResult, StrategyError> {
    let k = strategy.tranches;
    let sleeves: Vec<SimResult> = (0..k).map(|i| simulate(panel, &strategy.sleeve(i))).collect::<Result<_, _>>()?;
    let kf = k as f64;
    let n_days = panel.n_days();
    let mean_of = |f: &dyn Fn(&SimResult) -> &Vec<f64>, t: usize| sleeves.iter().map(|r| f(r)[t]).sum::<f64>() / kf;
    let equity: Vec<f64> = (0..n_days).map(|t| mean_of(&|r| &r.equity, t)).collect();
    let cash: Vec<f64> = (0..n_days).map(|t| mean_of(&|r| &r.cash, t)).collect();

    let mut trades: Vec<Trade> = sleeves
        .iter()
        .flat_map(|r| r.trades.iter())
        .map(|tr| Trade { units: tr.units / kf, value: tr.value / kf, fee: tr.fee / kf, ..tr.clone() })
        .collect();
    trades.sort_by_key(|tr| tr.day);

    // The whole portfolio's value before trading on each sleeve's rebalance day.
    let mut rebalances: Vec<RebalanceRecord> = Vec::new();
    for r in &sleeves {
        for rec in &r.rebalances {
            let t = rec.day;
            let before: f64 = sleeves
                .iter()
                .map(|o| match o.rebalances.binary_search_by_key(&t, |x| x.day) {
                    Ok(j) => o.rebalances[j].value_before,
                    Err(_) => o.equity[t],
                })
                .sum::<f64>()
                / kf;
            let share = r.equity[t] / kf / equity[t];
            rebalances.push(RebalanceRecord {
                value_before: rec.value_before / kf,
                turnover: rec.turnover * rec.value_before / kf / before,
                fee: rec.fee / kf,
                holdings: rec.holdings.iter().map(|&(a, w)| (a, w * share)).collect(),
                ..rec.clone()
            });
        }
    }
    rebalances.sort_by_key(|r| r.day);

    // Segments: at every sleeve's segment start, the sum of the sleeves' holdings.
    let mut starts: Vec<usize> = sleeves.iter().flat_map(|r| r.segments.iter().map(|s| s.start)).collect();
    starts.sort_unstable();
    starts.dedup();
    let segments: Vec<Segment> = starts
        .iter()
        .map(|&start| {
            let mut units: BTreeMap<usize, f64> = BTreeMap::new();
            let mut seg_cash = 0.0;
            for r in &sleeves {
                let j = r.segments.partition_point(|s| s.start <= start);
                if let Some(seg) = j.checked_sub(1).map(|j| &r.segments[j]) {
                    seg_cash += seg.cash;
                    for &(a, u) in &seg.units {
                        *units.entry(a).or_insert(0.0) += u;
                    }
                }
            }
            Segment { start, cash: seg_cash / kf, units: units.into_iter().map(|(a, u)| (a, u / kf)).collect() }
        })
        .collect();
    let (mut n_holdings, mut effective_n) = (Vec::with_capacity(n_days), Vec::with_capacity(n_days));
    for t in 0..n_days {
        let j = segments.partition_point(|s| s.start <= t);
        let prices = panel.price_row(t);
        let (mut sum, mut sum_sq, mut held) = (0.0, 0.0, 0);
        if let Some(seg) = j.checked_sub(1).map(|j| &segments[j]) {
            for &(a, u) in seg.units.iter().filter(|(_, u)| *u > 0.0) {
                let x = u * prices[a];
                sum += x;
                sum_sq += x * x;
                held += 1;
            }
        }
        n_holdings.push(held);
        effective_n.push(if sum_sq > 0.0 { sum * sum / sum_sq } else { 0.0 });
    }
    let mut warnings: Vec<String> = Vec::new();
    for w in sleeves.iter().flat_map(|r| r.warnings.iter()) {
        if !warnings.contains(w) {
            warnings.push(w.clone());
        }
    }
    Ok(SimResult {
        equity,
        cash,
        n_holdings,
        effective_n,
        risk_off: sleeves[0].risk_off.clone(),
        trades,
        rebalances,
        segments,
        warnings,
        total_fees: sleeves.iter().map(|r| r.total_fees).sum::<f64>() / kf,
        initial_capital: strategy.initial_capital,
    })
}

/// The error of a run whose numbers left the computable range on `date`.
fn out_of_range(date: Date, what: String) -> StrategyError {
    StrategyError::new(
        "data",
        format!("{what} on {date}: the prices change by impossible factors, check the data for wrong prices"),
    )
}

/// `(Σ x_i, Σ x_i²)` with `x_i = units_i × prices[assets_i]`: the value of the
/// holdings and its square sum. Four independent accumulators keep the
/// floating-point adds from forming one long dependency chain.
fn dot(assets: &[usize], units: &[f64], prices: &[f64]) -> (f64, f64) {
    let (mut sum, mut sum_sq) = ([0.0f64; 4], [0.0f64; 4]);
    let (a4, u4) = (assets.chunks_exact(4), units.chunks_exact(4));
    let (a_rest, u_rest) = (a4.remainder(), u4.remainder());
    for (a, u) in a4.zip(u4) {
        for lane in 0..4 {
            let x = u[lane] * prices[a[lane]];
            sum[lane] += x;
            sum_sq[lane] += x * x;
        }
    }
    for (&a, &u) in a_rest.iter().zip(u_rest) {
        let x = u * prices[a];
        sum[0] += x;
        sum_sq[0] += x * x;
    }
    ((sum[0] + sum[1]) + (sum[2] + sum[3]), (sum_sq[0] + sum_sq[1]) + (sum_sq[2] + sum_sq[3]))
}

/// Capacity for the trade log: one trade per member and scheduled rebalance,
/// plus the delistings (band and regime trades grow the log as needed).
fn expected_trades(panel: &Panel, s: &Strategy, plan: &Plan) -> usize {
    let days = plan.calendar.iter().zip(&plan.recon).filter(|(c, r)| **c || **r).count();
    let members = s.universe.top_n.map_or(panel.n_assets(), |n| n.min(panel.n_assets()));
    days * members + plan.delistings.len()
}

/// Warnings de-duplicated by message.
struct Warnings(Vec<(String, usize, Date)>);

impl Warnings {
    fn add(&mut self, date: Date, message: &str) {
        match self.0.iter_mut().find(|w| w.0 == message) {
            Some(w) => w.1 += 1,
            None => self.0.push((message.to_string(), 1, date)),
        }
    }

    fn finish(self) -> Vec<String> {
        self.0
            .into_iter()
            .map(|(m, n, d)| if n == 1 { format!("{m} (on {d})") } else { format!("{m} ({n} times, first on {d})") })
            .collect()
    }
}

/// Everything resolved before the daily loop.
struct Plan<'a> {
    calendar: Vec<bool>,
    recon: Vec<bool>,
    excluded: Vec<bool>,
    custom: Vec<f64>,
    filter: Option<(&'a [f64], Comparison, f64)>,
    risk_off: Vec<bool>,
    /// `(day, asset)` of delistings, by day.
    delistings: Vec<(usize, usize)>,
    /// Day on which each asset may not be traded (its delisting), or `usize::MAX`.
    delist_day: Vec<usize>,
    /// Position of each asset id in sorted order, for rank ties (empty without Top N).
    id_rank: Vec<usize>,
    warnings: Warnings,
}

impl<'a> Plan<'a> {
    fn new(panel: &'a Panel, s: &Strategy) -> Result<Plan<'a>, StrategyError> {
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
                let col = panel.extra(&f.column).ok_or_else(|| {
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
        delistings.sort_unstable();
        let mut delist_day = vec![usize::MAX; n];
        for &(t, a) in &delistings {
            delist_day[a] = t;
        }
        // Only Top N ranking breaks ties by id.
        let mut id_rank = Vec::new();
        if s.universe.top_n.is_some() {
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&x, &y| panel.assets()[x].id.cmp(&panel.assets()[y].id));
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

/// The running portfolio and the output being built.
struct Sim<'a> {
    panel: &'a Panel,
    s: &'a Strategy,
    plan: Plan<'a>,
    /// Units per asset (dense; 0 when not held).
    units: Vec<f64>,
    /// Held assets, ascending, and their units (a compact copy of `units`
    /// for the daily dot product).
    held: Vec<usize>,
    held_units: Vec<f64>,
    cash: f64,
    members: Vec<usize>,
    is_member: Vec<bool>,
    was_member: Vec<bool>,
    /// Post-trade target weights of the last rebalance (for bands).
    targets: Vec<(usize, f64)>,
    /// EWMA of market caps, when smoothing is on.
    smoothed: Option<Vec<f64>>,
    alpha: f64,
    // Scratch buffers reused across rebalances.
    candidates: Vec<usize>,
    /// `(ranking cap, id rank, asset)` of the candidates on a reconstitution day.
    ranked: Vec<(f64, usize, usize)>,
    weights: Vec<(usize, f64)>,
    legs: Vec<Leg>,
    leg_assets: Vec<usize>,
    /// The weighting schemes' state between rebalances.
    schemes: SchemeState,
    /// Membership changes of a universe without ranking or data filters; see [`StaticUniverse`].
    static_universe: Option<StaticUniverse>,
    out: SimResult,
}

/// When the universe has no Top N, no minimum volume and no filter column,
/// an asset is a member exactly on the days `t` with `enter <= t < exit`:
/// `enter` its first day plus the minimum history (less one), `exit` its
/// delisting day (never for an asset priced to the end). This relies on the
/// panel's invariant that prices are finite exactly inside each listed
/// span. The membership can then only change on one of those days, and a
/// reconstitution with none of them since the last one keeps the members.
struct StaticUniverse {
    /// The `enter` and `exit` days of the assets not excluded, ascending.
    changes: Vec<usize>,
    /// Index into `changes` of the first day after the last reconstitution.
    next: usize,
    /// Whether a reconstitution has run (day 0's always does).
    started: bool,
}

impl StaticUniverse {
    fn new(panel: &Panel, s: &Strategy, plan: &Plan) -> Option<StaticUniverse> {
        let u = &s.universe;
        if u.top_n.is_some() || u.min_volume.is_some() || plan.filter.is_some() {
            return None;
        }
        let mut changes = Vec::new();
        for (a, info) in panel.assets().iter().enumerate().filter(|(a, _)| !plan.excluded[*a]) {
            changes.push(info.first + u.min_history_days.saturating_sub(1));
            if plan.delist_day[a] != usize::MAX {
                changes.push(plan.delist_day[a]);
            }
        }
        changes.sort_unstable();
        Some(StaticUniverse { changes, next: 0, started: false })
    }

    /// Whether the members may differ on day `t` from the last
    /// reconstitution; moves past `t` (the caller reconstitutes on `t`).
    fn may_change(&mut self, t: usize) -> bool {
        let changed = !self.started || self.changes.get(self.next).is_some_and(|&d| d <= t);
        self.started = true;
        while self.changes.get(self.next).is_some_and(|&d| d <= t) {
            self.next += 1;
        }
        changed
    }
}

impl<'a> Sim<'a> {
    fn new(panel: &'a Panel, s: &'a Strategy, plan: Plan<'a>) -> Self {
        let (n_days, n) = (panel.n_days(), panel.n_assets());
        let half_life = s.universe.rank_half_life_days;
        let static_universe = StaticUniverse::new(panel, s, &plan);
        let out = SimResult {
            equity: Vec::with_capacity(n_days),
            cash: Vec::with_capacity(n_days),
            n_holdings: Vec::with_capacity(n_days),
            effective_n: Vec::with_capacity(n_days),
            risk_off: plan.risk_off.clone(),
            trades: Vec::with_capacity(if s.record_trades { expected_trades(panel, s, &plan) } else { 0 }),
            rebalances: Vec::new(),
            segments: Vec::new(),
            warnings: Vec::new(),
            total_fees: 0.0,
            initial_capital: s.initial_capital,
        };
        Sim {
            panel,
            s,
            plan,
            units: vec![0.0; n],
            held: Vec::with_capacity(n),
            held_units: Vec::with_capacity(n),
            cash: 1.0,
            members: Vec::with_capacity(n),
            is_member: vec![false; n],
            was_member: vec![false; n],
            targets: Vec::with_capacity(n),
            smoothed: half_life.map(|_| vec![f64::NAN; n]),
            alpha: half_life.map_or(0.0, |h| 1.0 - 0.5f64.powf(1.0 / h)),
            candidates: Vec::with_capacity(n),
            ranked: Vec::with_capacity(if s.universe.top_n.is_some() { n } else { 0 }),
            weights: Vec::with_capacity(n),
            legs: Vec::with_capacity(n),
            leg_assets: Vec::with_capacity(n),
            schemes: SchemeState::default(),
            static_universe,
            out,
        }
    }

    fn tradable(&self, t: usize, a: usize) -> bool {
        self.panel.price(t, a).is_finite() && self.plan.delist_day[a] != t
    }

    fn cap_ok(&self, t: usize, a: usize) -> bool {
        let c = self.panel.market_cap(t, a);
        c.is_finite() && c > 0.0
    }

    fn run(mut self) -> Result<SimResult, StrategyError> {
        let mut next_delisting = 0;
        let mut was_risk_off = false;
        let panel = self.panel;
        for t in 0..panel.n_days() {
            self.update_smoothing(t);
            while let Some(&(day, a)) = self.plan.delistings.get(next_delisting) {
                if day != t {
                    break;
                }
                if self.units[a] > 0.0 {
                    self.sell_delisted(t, a);
                }
                next_delisting += 1;
            }
            let prices = panel.price_row(t);
            let (mut invested, mut invested_sq) = dot(&self.held, &self.held_units, prices);
            let mut value = self.cash + invested;
            let risk_off = self.plan.risk_off[t];
            let reason = if t == 0 || self.plan.calendar[t] || self.plan.recon[t] {
                Some(TradeReason::Rebalance)
            } else if risk_off != was_risk_off {
                Some(TradeReason::Regime)
            } else if self.band_breached(t, value) {
                Some(TradeReason::Band)
            } else {
                None
            };
            if reason == Some(TradeReason::Band) && !self.s.band_method.is_full() {
                value = self.band_trade(t, value);
                (invested, invested_sq) = dot(&self.held, &self.held_units, prices);
            } else if let Some(reason) = reason {
                value = self.rebalance(t, value, reason, risk_off)?;
                (invested, invested_sq) = dot(&self.held, &self.held_units, prices);
            }
            was_risk_off = risk_off;
            if !(MIN_VALUE..=MAX_VALUE).contains(&value) {
                let what = format!("the portfolio value reached {value:e} times its start");
                return Err(out_of_range(panel.dates()[t], what));
            }
            self.out.equity.push(value);
            self.out.cash.push(self.cash);
            self.out.n_holdings.push(self.held.len());
            self.out.effective_n.push(if invested_sq > 0.0 { invested * invested / invested_sq } else { 0.0 });
        }
        let mut out = self.out;
        out.warnings = self.plan.warnings.finish();
        Ok(out)
    }

    /// Updates the cap EWMA: `s = a cap + (1 - a) s`, started at the first finite cap.
    fn update_smoothing(&mut self, t: usize) {
        let Some(s) = self.smoothed.as_mut() else { return };
        for (a, (sa, &c)) in s.iter_mut().zip(self.panel.cap_row(t)).enumerate() {
            if c.is_finite() {
                *sa = if sa.is_nan() { c } else { self.alpha * c + (1.0 - self.alpha) * *sa };
            } else if self.panel.price(t, a).is_nan() {
                *sa = f64::NAN;
            }
        }
    }

    fn band_breached(&self, t: usize, value: f64) -> bool {
        let Some(b) = &self.s.bands else { return false };
        let prices = self.panel.price_row(t);
        self.targets.iter().any(|&(a, target)| {
            let dev = (self.units[a] * prices[a] / value - target).abs();
            b.absolute.is_some_and(|lim| dev > lim) || b.relative.is_some_and(|lim| dev > lim * target)
        })
    }

    /// A band breach under [`BandMethod::Edge`] or [`BandMethod::Partial`]:
    /// only the assets outside their band (by more than [`EDGE_TOLERANCE`])
    /// trade, each to its new weight `n_i` of the post-trade value `V'` (the
    /// band edge, or `fraction` of the way to target): traded value `d_i =
    /// |n_i V' - x_i|`, cost `c_i d_i` at the usual rate, `V' = V - Σ c_i d_i`
    /// (solved by fixed-point iteration from `V' = V`, as in
    /// [`crate::costs`]). The others keep their units and the targets stay
    /// those of the last full rebalance. The net of the trades and the costs
    /// goes to or comes from cash (at 0%, until the next full rebalance);
    /// when the purchases would need more than the cash and the sales bring,
    /// every purchase is scaled down by the same factor `s = available /
    /// Σ_buys d_i (1 + c_i)`, so cash never goes below 0 (an asset below its
    /// band with nothing to sell and no cash is left as it is). Returns the
    /// post-trade value.
    fn band_trade(&mut self, t: usize, value: f64) -> f64 {
        let Some(b) = self.s.bands.clone() else { return value };
        let prices = self.panel.price_row(t);
        let base = self.base_rate();
        // (asset, current value x_i, new weight n_i)
        let mut moves: Vec<(usize, f64, f64)> = Vec::new();
        for &(a, target) in &self.targets {
            let x = self.units[a] * prices[a];
            let w = x / value;
            let limit = match (b.absolute, b.relative.map(|r| r * target)) {
                (Some(x), Some(y)) => x.min(y),
                (Some(x), None) | (None, Some(x)) => x,
                (None, None) => continue,
            };
            let dev = w - target;
            if dev.abs() <= limit + EDGE_TOLERANCE {
                continue;
            }
            let new_w = match self.s.band_method {
                BandMethod::Edge => target + limit.copysign(dev),
                BandMethod::Partial { fraction } => w - fraction * dev,
                BandMethod::Full => target,
            };
            moves.push((a, x, new_w));
        }
        if moves.is_empty() {
            return value;
        }
        let mut impacts = Vec::with_capacity(moves.len());
        for &(a, _, _) in &moves {
            impacts.push(self.impact_coefficient(t, a));
        }
        let rate = |k: usize, d: f64| Leg { weight: 0.0, value: 0.0, impact: impacts[k] }.rate(base, d);
        let cost_at = |v_post: f64| -> f64 {
            let legs = moves.iter().enumerate();
            legs.map(|(k, &(_, x, n))| {
                let d = (n * v_post - x).abs();
                rate(k, d) * d
            })
            .sum()
        };
        let mut v_post = value;
        for _ in 0..200 {
            let next = value - cost_at(v_post);
            let step = (next - v_post).abs();
            v_post = next;
            if step <= 1e-15 * value {
                break;
            }
        }
        let mut deltas: Vec<f64> = moves.iter().map(|&(_, x, n)| n * v_post - x).collect();
        let (mut proceeds, mut buy_cost) = (0.0, 0.0);
        for (k, &delta) in deltas.iter().enumerate() {
            let d = delta.abs();
            if delta < 0.0 {
                proceeds += d * (1.0 - rate(k, d));
            } else {
                buy_cost += d * (1.0 + rate(k, d));
            }
        }
        let available = self.cash + proceeds;
        if buy_cost > available {
            let scale = available.max(0.0) / buy_cost;
            for delta in deltas.iter_mut().filter(|d| **d > 0.0) {
                *delta *= scale;
            }
        }
        let (mut fees, mut traded) = (0.0, 0.0);
        for (k, (&(a, x, _), &delta)) in moves.iter().zip(&deltas).enumerate() {
            let d = delta.abs();
            let fee = rate(k, d) * d;
            fees += fee;
            traded += d;
            self.cash -= delta + fee;
            let new_units = (x + delta) / prices[a];
            let delta_units = new_units - self.units[a];
            self.units[a] = new_units;
            if let Some(h) = self.held.iter().position(|&h| h == a) {
                self.held_units[h] = new_units;
            }
            if d > 1e-12 * value {
                self.record_trade(t, a, delta_units, prices[a], fee, TradeReason::Band);
            }
        }
        // Rounding may leave a purchase that took all the cash a hair below 0.
        if self.cash < 0.0 && self.cash > -1e-12 * value {
            self.cash = 0.0;
        }
        let v_post = value - fees;
        self.out.total_fees += fees;
        if traded > 1e-12 * value {
            let holdings = self.held.iter().map(|&a| (a, self.units[a] * prices[a] / v_post)).collect();
            self.out.rebalances.push(RebalanceRecord {
                day: t,
                date: self.panel.dates()[t],
                reason: TradeReason::Band,
                value_before: value,
                turnover: traded / 2.0 / value,
                fee: fees,
                holdings,
            });
            self.push_segment(t);
        }
        v_post
    }

    /// Impact coefficient `g = k sigma sqrt(capital / ADV)` of asset `a` on day `t`; 0 without impact.
    fn impact_coefficient(&mut self, t: usize, a: usize) -> f64 {
        let Some(imp) = &self.s.costs.impact else { return 0.0 };
        let adv = mean_volume(self.panel, t, a, imp.lookback).filter(|v| *v > 0.0);
        match (volatility(self.panel, t, a, imp.lookback), adv) {
            (Some(sigma), Some(adv)) => imp.k * sigma * (self.s.initial_capital / adv).sqrt(),
            (_, None) => {
                self.plan.warnings.add(self.panel.dates()[t], "no volume data: market impact left out for some trades");
                0.0
            }
            (None, Some(_)) => {
                self.plan.warnings.add(
                    self.panel.dates()[t],
                    "fewer than 2 returns for volatility: market impact left out for some trades",
                );
                0.0
            }
        }
    }

    fn base_rate(&self) -> f64 {
        (self.s.costs.fee_bps + self.s.costs.half_spread_bps) / 1e4
    }

    fn push_segment(&mut self, t: usize) {
        let units = self.held.iter().map(|&a| (a, self.units[a])).collect();
        if self.out.segments.last().is_some_and(|s| s.start == t) {
            self.out.segments.pop();
        }
        self.out.segments.push(Segment { start: t, cash: self.cash, units });
    }

    fn record_trade(&mut self, t: usize, a: usize, delta_units: f64, price: f64, fee: f64, reason: TradeReason) {
        if !self.s.record_trades {
            return;
        }
        let side = if delta_units > 0.0 { Side::Buy } else { Side::Sell };
        self.out.trades.push(Trade {
            day: t,
            date: self.panel.dates()[t],
            asset: a,
            side,
            units: delta_units.abs(),
            price,
            value: (delta_units * price).abs(),
            fee,
            reason,
        });
    }

    /// Sells asset `a` at its delisting close; the proceeds less the cost go to cash.
    fn sell_delisted(&mut self, t: usize, a: usize) {
        let price = self.panel.price(t, a);
        let value = self.units[a] * price;
        let leg = Leg { weight: 0.0, value, impact: self.impact_coefficient(t, a) };
        let fee = leg.rate(self.base_rate(), value) * value;
        self.cash += value - fee;
        self.out.total_fees += fee;
        let units = self.units[a];
        self.units[a] = 0.0;
        if let Some(k) = self.held.iter().position(|&h| h == a) {
            self.held.remove(k);
            self.held_units.remove(k);
        }
        self.targets.retain(|&(h, _)| h != a);
        self.record_trade(t, a, -units, price, fee, TradeReason::Delisting);
        self.push_segment(t);
    }

    /// Chooses the members on a reconstitution day; see [`crate::strategy::Universe`].
    fn reconstitute(&mut self, t: usize) {
        let u = &self.s.universe;
        self.was_member.copy_from_slice(&self.is_member);
        if self.static_universe.as_mut().is_some_and(|su| !su.may_change(t)) {
            return;
        }
        self.candidates.clear();
        for a in 0..self.panel.n_assets() {
            let ok = self.tradable(t, a)
                && !self.plan.excluded[a]
                && t + 1 - self.panel.assets()[a].first >= u.min_history_days
                && u.min_volume
                    .as_ref()
                    .is_none_or(|mv| mean_volume(self.panel, t, a, mv.lookback).is_some_and(|v| v >= mv.amount))
                && self.plan.filter.is_none_or(|(col, op, x)| {
                    let v = col[t * self.panel.n_assets() + a];
                    !v.is_nan() && op.holds(v, x)
                })
                && (u.top_n.is_none() || self.cap_ok(t, a));
            if ok {
                self.candidates.push(a);
            }
        }
        self.members.clear();
        match u.top_n {
            None => self.members.extend_from_slice(&self.candidates),
            Some(n) => {
                let (panel, smoothed, id_rank) = (self.panel, self.smoothed.as_deref(), &self.plan.id_rank);
                let rank_cap = |a: usize| smoothed.map_or(panel.market_cap(t, a), |s| s[a]);
                // Sort keys: ranking cap (largest first), then id order.
                self.ranked.clear();
                self.ranked.extend(self.candidates.iter().map(|&a| (rank_cap(a), id_rank[a], a)));
                let order = |x: &(f64, usize, usize), y: &(f64, usize, usize)| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1));
                let limit = ((n as f64) * (1.0 + u.buffer)).floor() as usize;
                // Only the first `limit` candidates of the ranking are read:
                // with `i` incumbents among them (i <= n, as there are at most
                // n incumbents), i are kept and the `room = n - i` newcomers
                // come from the `limit - i >= room` others. The order is total
                // (ids are unique), so sorting just that prefix gives the same
                // prefix as a full sort.
                let k = limit.min(self.ranked.len());
                if k > 0 && k < self.ranked.len() {
                    self.ranked.select_nth_unstable_by(k - 1, order);
                }
                self.ranked[..k].sort_unstable_by(order);
                self.candidates.clear();
                self.candidates.extend(self.ranked.iter().map(|r| r.2));
                self.members.extend(self.candidates.iter().take(limit).filter(|&&a| self.is_member[a]).take(n));
                let room = n - self.members.len();
                let newcomers = self.candidates.iter().filter(|&&a| !self.is_member[a]).take(room);
                self.members.extend(newcomers);
                self.members.sort_unstable();
                if self.members.len() < n {
                    self.plan
                        .warnings
                        .add(self.panel.dates()[t], &format!("fewer than {n} assets qualified for the index"));
                }
            }
        }
        self.is_member.fill(false);
        for &a in &self.members {
            self.is_member[a] = true;
        }
    }

    /// Trades to the target weights at the close of day `t`; returns the post-trade value.
    fn rebalance(&mut self, t: usize, value: f64, reason: TradeReason, risk_off: bool) -> Result<f64, StrategyError> {
        let panel = self.panel;
        let date = panel.dates()[t];
        let recon = t == 0 || self.plan.recon[t];
        if recon {
            self.reconstitute(t);
        }
        let needs_cap = self.s.weighting.needs_cap();
        self.candidates.clear();
        for i in 0..self.members.len() {
            let a = self.members[i];
            if self.tradable(t, a) && (!needs_cap || self.cap_ok(t, a)) {
                self.candidates.push(a);
            }
        }
        let inputs =
            Inputs { panel: self.panel, t, smoothed_caps: self.smoothed.as_deref(), custom: &self.plan.custom };
        for note in target_weights(&self.s.weighting, &inputs, &self.candidates, &mut self.weights, &mut self.schemes) {
            let msg = match note {
                Fallback::CapTooSmall { n } => {
                    format!("only {n} assets for the weight cap: n x max_weight < 1, equal weights used instead")
                }
                Fallback::NoEstimate { .. } => "assets without a volatility or volume estimate were left out".into(),
                Fallback::ErcFailed => "equal risk contribution did not converge: inverse volatility used".into(),
                Fallback::ShrunkCovariance => {
                    "fewer returns than assets: ERC covariance shrunk 10% toward its diagonal".into()
                }
                Fallback::EqualInstead => "no asset could be weighted by the scheme: equal weights used".into(),
            };
            self.plan.warnings.add(date, &msg);
        }
        if self.weights.is_empty() {
            self.plan.warnings.add(date, "no tradable member on a rebalance day: portfolio held in cash");
        }
        let invested = match (&self.s.regime, risk_off) {
            (Some(r), true) => 1.0 - r.cash_fraction,
            _ => 1.0,
        };

        // Legs: the union of held assets and targets, both ascending.
        self.legs.clear();
        self.leg_assets.clear();
        let prices = panel.price_row(t);
        let has_impact = self.s.costs.impact.is_some();
        let (mut i, mut j) = (0, 0);
        while i < self.held.len() || j < self.weights.len() {
            let h = self.held.get(i).copied().unwrap_or(usize::MAX);
            let (w_a, w) = self.weights.get(j).copied().unwrap_or((usize::MAX, 0.0));
            let a = h.min(w_a);
            let weight = if w_a == a { w * invested } else { 0.0 };
            let held_value = if h == a { self.units[a] * prices[a] } else { 0.0 };
            i += usize::from(h == a);
            j += usize::from(w_a == a);
            let impact = if has_impact { self.impact_coefficient(t, a) } else { 0.0 };
            self.legs.push(Leg { weight, value: held_value, impact });
            self.leg_assets.push(a);
        }
        let base = self.base_rate();
        let v_post = post_trade_value(value, &self.legs, base);

        let (mut fees, mut traded) = (0.0, 0.0);
        self.held.clear();
        self.held_units.clear();
        self.targets.clear();
        for k in 0..self.legs.len() {
            let (leg, a) = (self.legs[k], self.leg_assets[k]);
            let d = leg.traded(v_post);
            let fee = leg.rate(base, d) * d;
            fees += fee;
            traded += d;
            let new_units = leg.weight * v_post / prices[a];
            // Units below the normal f64 range lose their precision: refuse a
            // purchase whose value they would get wrong by more than 1e-12 of the portfolio.
            let miss = (new_units * prices[a] - leg.weight * v_post).abs();
            if miss.is_nan() || miss > 1e-12 * v_post {
                let what =
                    format!("buying {} at a price of {:e} needs {new_units:e} units", panel.assets()[a].id, prices[a]);
                return Err(out_of_range(date, what));
            }
            let delta = new_units - self.units[a];
            self.units[a] = new_units;
            if leg.weight > 0.0 {
                self.held.push(a);
                self.held_units.push(new_units);
                self.targets.push((a, leg.weight));
            }
            if d > 1e-12 * value {
                let why = if t > 0 && recon && self.was_member[a] != self.is_member[a] {
                    TradeReason::Reconstitution
                } else {
                    reason
                };
                self.record_trade(t, a, delta, prices[a], fee, why);
            }
        }
        self.cash = if self.weights.is_empty() { v_post } else { v_post * (1.0 - invested) };
        self.out.total_fees += fees;
        self.out.rebalances.push(RebalanceRecord {
            day: t,
            date,
            reason,
            value_before: value,
            turnover: traded / 2.0 / value,
            fee: fees,
            holdings: self.targets.clone(),
        });
        self.push_segment(t);
        Ok(v_post)
    }
}
