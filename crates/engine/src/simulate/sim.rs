//! The running portfolio: the daily loop, rebalances, delistings and the
//! records of the run.

use crate::costs::{post_trade_value, Leg};
use crate::panel::Panel;
use crate::strategy::{BandMethod, Strategy, StrategyError};
use crate::weighting::{mean_volume, target_weights, volatility, Fallback, Inputs, SchemeState};

use super::plan::Plan;
use super::*;

/// The running portfolio and the output being built.
pub(super) struct Sim<'a> {
    pub(super) panel: &'a Panel,
    pub(super) s: &'a Strategy,
    pub(super) plan: Plan,
    /// Units per asset (dense; 0 when not held).
    pub(super) units: Vec<f64>,
    /// Held assets, ascending, and their units (a compact copy of `units`
    /// for the daily dot product).
    pub(super) held: Vec<usize>,
    pub(super) held_units: Vec<f64>,
    pub(super) cash: f64,
    pub(super) members: Vec<usize>,
    pub(super) is_member: Vec<bool>,
    pub(super) was_member: Vec<bool>,
    /// Post-trade target weights of the last rebalance (for bands).
    pub(super) targets: Vec<(usize, f64)>,
    /// EWMA of market caps, when smoothing is on.
    pub(super) smoothed: Option<Vec<f64>>,
    pub(super) alpha: f64,
    // Scratch buffers reused across rebalances.
    pub(super) candidates: Vec<usize>,
    /// `(ranking cap, id rank, asset)` of the candidates on a reconstitution day.
    pub(super) ranked: Vec<(f64, usize, usize)>,
    pub(super) weights: Vec<(usize, f64)>,
    pub(super) legs: Vec<Leg>,
    pub(super) leg_assets: Vec<usize>,
    /// The weighting schemes' state between rebalances.
    pub(super) schemes: SchemeState,
    /// Membership changes of a universe without ranking or data filters; see [`StaticUniverse`].
    pub(super) static_universe: Option<StaticUniverse>,
    pub(super) out: SimResult,
}

/// When the universe has no Top N, no minimum volume and no filter column,
/// an asset is a member exactly on the days `t` with `enter <= t < exit`:
/// `enter` its first day plus the minimum history (less one), `exit` its
/// delisting day (never for an asset priced to the end). This relies on the
/// panel's invariant that prices are finite exactly inside each listed
/// span. The membership can then only change on one of those days, and a
/// reconstitution with none of them since the last one keeps the members.
pub(super) struct StaticUniverse {
    /// The `enter` and `exit` days of the assets not excluded, ascending.
    pub(super) changes: Vec<usize>,
    /// Index into `changes` of the first day after the last reconstitution.
    pub(super) next: usize,
    /// Whether a reconstitution has run (day 0's always does).
    pub(super) started: bool,
}

impl StaticUniverse {
    pub(super) fn new(panel: &Panel, s: &Strategy, plan: &Plan) -> Option<StaticUniverse> {
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
    pub(super) fn may_change(&mut self, t: usize) -> bool {
        let changed = !self.started || self.changes.get(self.next).is_some_and(|&d| d <= t);
        self.started = true;
        while self.changes.get(self.next).is_some_and(|&d| d <= t) {
            self.next += 1;
        }
        changed
    }
}

impl<'a> Sim<'a> {
    pub(super) fn new(panel: &'a Panel, s: &'a Strategy, plan: Plan) -> Self {
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

    pub(super) fn tradable(&self, t: usize, a: usize) -> bool {
        self.panel.price(t, a).is_finite() && self.plan.delist_day[a] != t
    }

    pub(super) fn cap_ok(&self, t: usize, a: usize) -> bool {
        let c = self.panel.market_cap(t, a);
        c.is_finite() && c > 0.0
    }

    pub(super) fn run(mut self) -> Result<SimResult, StrategyError> {
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
            let prices = &prices[..];
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
    pub(super) fn update_smoothing(&mut self, t: usize) {
        let Some(s) = self.smoothed.as_mut() else { return };
        for (a, (sa, &c)) in s.iter_mut().zip(self.panel.cap_row(t).iter()).enumerate() {
            if c.is_finite() {
                *sa = if sa.is_nan() { c } else { self.alpha * c + (1.0 - self.alpha) * *sa };
            } else if self.panel.price(t, a).is_nan() {
                *sa = f64::NAN;
            }
        }
    }

    pub(super) fn band_breached(&self, t: usize, value: f64) -> bool {
        let Some(b) = &self.s.bands else { return false };
        let prices = self.panel.price_row(t);
        let prices = &prices[..];
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
    pub(super) fn band_trade(&mut self, t: usize, value: f64) -> f64 {
        let Some(b) = self.s.bands.clone() else { return value };
        let prices = self.panel.price_row(t);
        let prices = &prices[..];
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
    pub(super) fn impact_coefficient(&mut self, t: usize, a: usize) -> f64 {
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

    pub(super) fn base_rate(&self) -> f64 {
        (self.s.costs.fee_bps + self.s.costs.half_spread_bps) / 1e4
    }

    pub(super) fn push_segment(&mut self, t: usize) {
        let units = self.held.iter().zip(&self.held_units).map(|(&a, &u)| (a, u)).collect();
        if self.out.segments.last().is_some_and(|s| s.start == t) {
            self.out.segments.pop();
        }
        self.out.segments.push(Segment { start: t, cash: self.cash, units });
    }

    pub(super) fn record_trade(
        &mut self,
        t: usize,
        a: usize,
        delta_units: f64,
        price: f64,
        fee: f64,
        reason: TradeReason,
    ) {
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
    pub(super) fn sell_delisted(&mut self, t: usize, a: usize) {
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
    pub(super) fn reconstitute(&mut self, t: usize) {
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
                    let v = self.panel.extra_value(col, t, a);
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
            // No more candidates than places: every one is a member,
            // whatever the ranking (the candidates ascend, as members do).
            Some(n) if self.candidates.len() <= n => {
                self.members.extend_from_slice(&self.candidates);
                self.warn_short(t, n);
            }
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
                self.warn_short(t, n);
            }
        }
        self.is_member.fill(false);
        for &a in &self.members {
            self.is_member[a] = true;
        }
    }

    /// Warns when fewer than the Top N's `n` assets qualified on day `t`.
    fn warn_short(&mut self, t: usize, n: usize) {
        if self.members.len() < n {
            self.plan.warnings.add(self.panel.dates()[t], &format!("fewer than {n} assets qualified for the index"));
        }
    }

    /// Trades to the target weights at the close of day `t`; returns the post-trade value.
    pub(super) fn rebalance(
        &mut self,
        t: usize,
        value: f64,
        reason: TradeReason,
        risk_off: bool,
    ) -> Result<f64, StrategyError> {
        let panel = self.panel;
        let date = panel.dates()[t];
        let recon = t == 0 || self.plan.recon[t];
        if recon {
            self.reconstitute(t);
        }
        let needs_cap = self.s.weighting.needs_cap();
        // The day's rows, read once (borrowed from a dense panel).
        let prices = panel.price_row(t);
        let prices = &prices[..];
        let mut candidates = std::mem::take(&mut self.candidates);
        candidates.clear();
        let delist_day = &self.plan.delist_day;
        let ok = |&a: &usize| prices[a].is_finite() && delist_day[a] != t && (!needs_cap || self.cap_ok(t, a));
        candidates.extend(self.members.iter().copied().filter(ok));
        self.candidates = candidates;
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
        let has_impact = self.s.costs.impact.is_some();
        let (held, weights, units) = (&self.held, &self.weights, &self.units);
        let (mut i, mut j) = (0, 0);
        loop {
            let (a, weight, held_value) = match (held.get(i), weights.get(j)) {
                (Some(&h), Some(&(w_a, w))) if h == w_a => {
                    (i, j) = (i + 1, j + 1);
                    (h, w * invested, units[h] * prices[h])
                }
                (Some(&h), Some(&(w_a, _))) if h < w_a => {
                    i += 1;
                    (h, 0.0, units[h] * prices[h])
                }
                (Some(&h), None) => {
                    i += 1;
                    (h, 0.0, units[h] * prices[h])
                }
                (_, Some(&(w_a, w))) => {
                    j += 1;
                    (w_a, w * invested, 0.0)
                }
                (None, None) => break,
            };
            self.legs.push(Leg { weight, value: held_value, impact: 0.0 });
            self.leg_assets.push(a);
        }
        // Impact coefficients in the same asset order (they may add warnings).
        if has_impact {
            for k in 0..self.legs.len() {
                self.legs[k].impact = self.impact_coefficient(t, self.leg_assets[k]);
            }
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
