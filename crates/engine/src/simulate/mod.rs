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

use crate::date::Date;
use crate::panel::Panel;
use crate::strategy::{Strategy, StrategyError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod plan;
mod sim;

use plan::Plan;
use sim::Sim;

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
    /// Whether the run held no asset on any day (its rules matched nothing
    /// in the data, as a single-coin strategy on files without that coin):
    /// it stayed in cash, so its flat line is no result to rank.
    pub fn never_invested(&self) -> bool {
        self.n_holdings.iter().all(|&n| n == 0)
    }

    /// Weights `(asset, units × price / equity)` at the close of day `t`
    /// (after trades), ascending by asset; cash is `cash[t] / equity[t]`.
    pub fn weights_at(&self, panel: &Panel, t: usize) -> Vec<(usize, f64)> {
        let k = self.segments.partition_point(|s| s.start <= t);
        let Some(seg) = k.checked_sub(1).map(|i| &self.segments[i]) else { return Vec::new() };
        // Cell by cell: a compact panel's row would gather every asset.
        seg.units.iter().map(|&(a, u)| (a, u * panel.price(t, a) / self.equity[t])).collect()
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
    crate::sort::sort_by_key(&mut trades, |tr| tr.day);

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
    crate::sort::sort_by_key(&mut rebalances, |r| r.day);

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
        let (mut sum, mut sum_sq, mut held) = (0.0, 0.0, 0);
        if let Some(seg) = j.checked_sub(1).map(|j| &segments[j]) {
            for &(a, u) in seg.units.iter().filter(|(_, u)| *u > 0.0) {
                let x = u * panel.price(t, a);
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
///
/// When the assets are a run of consecutive ids (every asset of a small
/// panel held, the common case without a Top N), the prices are a slice
/// and the same sums, lane for lane, need no gather.
fn dot(assets: &[usize], units: &[f64], prices: &[f64]) -> (f64, f64) {
    if let (Some(&first), Some(&last)) = (assets.first(), assets.last()) {
        // Ascending and distinct, so the ends tell whether they are a run.
        if last - first + 1 == assets.len() {
            return dot_run(units, &prices[first..=last]);
        }
    }
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

/// [`dot`] of `units` with the prices of a run of consecutive assets
/// (`prices.len() == units.len()`): the same lanes and order.
fn dot_run(units: &[f64], prices: &[f64]) -> (f64, f64) {
    let (mut sum, mut sum_sq) = ([0.0f64; 4], [0.0f64; 4]);
    let (p4, u4) = (prices.chunks_exact(4), units.chunks_exact(4));
    let (p_rest, u_rest) = (p4.remainder(), u4.remainder());
    for (p, u) in p4.zip(u4) {
        for lane in 0..4 {
            let x = u[lane] * p[lane];
            sum[lane] += x;
            sum_sq[lane] += x * x;
        }
    }
    for (&p, &u) in p_rest.iter().zip(u_rest) {
        let x = u * p;
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

#[cfg(test)]
mod tests {
    use super::dot;

    #[test]
    fn a_run_of_assets_gives_the_gathered_sums_to_the_bit() {
        for n in [1usize, 3, 4, 7, 8, 13] {
            let units: Vec<f64> = (0..n).map(|i| 0.1 + (i as f64).sqrt() * 1.7e-3).collect();
            let prices: Vec<f64> = (0..n + 5).map(|i| 1.0 / (3.0 + i as f64)).collect();
            // Assets 2..2+n are a run (sliced); the same prices spread over
            // every other slot are gathered.
            let run: Vec<usize> = (2..2 + n).collect();
            let spread: Vec<f64> = prices.iter().flat_map(|&p| [p, f64::NAN]).collect();
            let gathered: Vec<usize> = run.iter().map(|&a| 2 * a).collect();
            let (a, b) = (dot(&run, &units, &prices), dot(&gathered, &units, &spread));
            assert_eq!((a.0.to_bits(), a.1.to_bits()), (b.0.to_bits(), b.1.to_bits()), "n = {n}");
        }
        assert_eq!(dot(&[], &[], &[1.0]), (0.0, 0.0));
    }
}
