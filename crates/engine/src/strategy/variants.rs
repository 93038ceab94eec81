//! Strategies derived from one: on another rebalance day
//! ([`Strategy::with_offset`]), a tranche's sleeve ([`Strategy::sleeve`]),
//! without costs.

use super::{Costs, Strategy};
use crate::schedule::Schedule;

impl Strategy {
    /// The schedule whose phase an offset sets: the rebalance schedule when
    /// it takes an offset, else the reconstitution schedule when that does;
    /// `None` when neither does (daily, never): such a strategy has one phase.
    pub fn phase_schedule(&self) -> Option<Schedule> {
        match (self.rebalance.offset_count(), self.universe.reconstitution) {
            (Some(_), _) => Some(self.rebalance),
            (None, Some(r)) if r.offset_count().is_some() => Some(r),
            _ => None,
        }
    }

    /// The offset the strategy uses on its [`phase_schedule`](Self::phase_schedule) (0 without one).
    pub fn phase_offset(&self) -> u32 {
        match self.rebalance.offset_count() {
            Some(_) => self.rebalance_offset,
            None if self.phase_schedule().is_some() => self.universe.reconstitution_offset,
            None => 0,
        }
    }

    /// The same strategy on another rebalance day: `rebalance_offset` set to
    /// `offset`, and a separate reconstitution schedule's offset moved by the
    /// same number of days (modulo its [`Schedule::offset_count`]); with a
    /// rebalance schedule that takes no offset, the reconstitution offset is
    /// set. Unchanged for a strategy without a phase.
    pub fn with_offset(&self, offset: u32) -> Strategy {
        let mut s = self.clone();
        if self.rebalance.offset_count().is_some() {
            let delta = offset as i64 - self.rebalance_offset as i64;
            s.rebalance_offset = offset;
            if let Some(count) = self.universe.reconstitution.and_then(Schedule::offset_count) {
                if delta != 0 {
                    let moved = (self.universe.reconstitution_offset as i64 + delta).rem_euclid(count as i64);
                    s.universe.reconstitution_offset = moved as u32;
                }
            }
        } else if self.phase_schedule().is_some() {
            s.universe.reconstitution_offset = offset;
        }
        s
    }

    /// Sleeve `i` (`0..tranches`) of a tranched strategy: one tranche,
    /// `initial_capital / tranches`, and its offset moved `i * count /
    /// tranches` days on (modulo the phase schedule's
    /// [`Schedule::offset_count`], so sleeve 0 is the strategy's own phase).
    pub fn sleeve(&self, i: u32) -> Strategy {
        let k = self.tranches.max(1);
        let mut s = match self.phase_schedule().and_then(Schedule::offset_count) {
            Some(count) if i > 0 => {
                let shift = (i as u64 * count as u64 / k as u64) as u32;
                self.with_offset((self.phase_offset() % count + shift) % count)
            }
            _ => self.clone(),
        };
        s.tranches = 1;
        s.initial_capital = self.initial_capital / k as f64;
        s
    }

    /// The same strategy with every cost set to zero, to measure cost drag
    /// (gross curve = `simulate(panel, &s.without_costs())`).
    pub fn without_costs(&self) -> Strategy {
        Strategy { costs: Costs { fee_bps: 0.0, half_spread_bps: 0.0, impact: None }, ..self.clone() }
    }
}
