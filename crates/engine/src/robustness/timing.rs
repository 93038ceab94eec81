//! Timing luck: how much a strategy's result depends on the day of the
//! period it happens to rebalance on.
//!
//! Each strategy is re-run at every offset of its phase schedule
//! ([`Strategy::phase_schedule`]): a weekly schedule 7 (each weekday), a
//! monthly 28 (each day of the shortest month), a quarterly 90, a yearly 365,
//! every `n` days `n` (each starting phase); see
//! [`Schedule::offset_count`](crate::Schedule::offset_count). A separate
//! reconstitution schedule moves with the rebalance offset
//! ([`Strategy::with_offset`]). Drift bands are checked every day either
//! way; a strategy whose schedule takes no offset (daily, buy and hold,
//! bands alone) has one run, its own.

use super::{fan_days, run_equity, Headline, JobOutput, Quartiles};
use crate::panel::Panel;
use crate::schedule::Schedule;
use crate::strategy::Strategy;
use serde::{Deserialize, Serialize};

/// The offsets a strategy is re-run at: `0..count` of its phase schedule,
/// plus its own offset when that is beyond (a monthly offset of 30); just
/// its own offset without a phase.
pub fn offsets(s: &Strategy) -> Vec<u32> {
    let own = s.phase_offset();
    match s.phase_schedule().and_then(Schedule::offset_count) {
        Some(count) => {
            let mut v: Vec<u32> = (0..count).collect();
            if own >= count {
                v.push(own);
            }
            v
        }
        None => vec![own],
    }
}

/// One re-run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OffsetRun {
    pub offset: u32,
    /// (Not flattened: the workers' codec, bincode, cannot read flattened fields.)
    pub headline: Headline,
    /// Equity on the fan days ([`TimingLuck::fan_days`]).
    pub equity: Vec<f64>,
}

/// Runs `s` at `offset`, keeping the equity on [`fan_days`].
pub fn run_offset(
    panel: &Panel,
    s: &Strategy,
    offset: u32,
    fan_points: u32,
    periods_per_year: f64,
) -> Result<OffsetRun, String> {
    let equity = run_equity(panel, &s.with_offset(offset))?;
    let headline = Headline::of(panel.dates(), &equity, periods_per_year)?;
    let equity = fan_days(equity.len(), fan_points).into_iter().map(|t| equity[t]).collect();
    Ok(OffsetRun { offset, headline, equity })
}

/// One strategy's timing luck.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimingLuck {
    pub strategy: usize,
    pub name: String,
    /// The schedule whose offsets were tried (`None`: one phase only).
    pub schedule: Option<Schedule>,
    /// The offset the strategy actually uses.
    pub used_offset: u32,
    /// Every run, by offset.
    pub runs: Vec<OffsetRun>,
    pub cagr: Option<Quartiles>,
    pub sharpe: Option<Quartiles>,
    pub max_drawdown: Option<Quartiles>,
    pub final_value: Option<Quartiles>,
    /// Day indices of the per-offset equity curves and of `fan`.
    pub fan_days: Vec<usize>,
    /// Per fan day, the quartiles of equity across offsets (for a fan chart).
    pub fan: Vec<Quartiles>,
    /// Offsets that could not run, with the reason.
    pub errors: Vec<(u32, String)>,
}

impl TimingLuck {
    /// The run at the offset the strategy uses.
    pub fn used(&self) -> Option<&OffsetRun> {
        self.runs.iter().find(|r| r.offset == self.used_offset)
    }
}

/// Builds each strategy's [`TimingLuck`] from the offset outputs.
/// `n_days` and `fan_points` are the panel's day count and the spec's.
pub fn assemble(strategies: &[Strategy], outputs: &[JobOutput], n_days: usize, fan_points: u32) -> Vec<TimingLuck> {
    let days = fan_days(n_days, fan_points);
    strategies
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut runs = Vec::new();
            let mut errors = Vec::new();
            for o in outputs {
                match o {
                    JobOutput::Offset { strategy, result: Ok(r), .. } if *strategy == i => runs.push(r.clone()),
                    JobOutput::Offset { strategy, offset, result: Err(e) } if *strategy == i => {
                        errors.push((*offset, e.clone()))
                    }
                    _ => {}
                }
            }
            crate::sort::sort_by_key(&mut runs, |r| r.offset);
            let fan_len = runs.iter().map(|r| r.equity.len()).min().unwrap_or(0).min(days.len());
            let fan = (0..fan_len).filter_map(|k| Quartiles::of(runs.iter().map(|r| r.equity[k]))).collect();
            let q = |f: &dyn Fn(&OffsetRun) -> Option<f64>| Quartiles::of(runs.iter().filter_map(f));
            TimingLuck {
                strategy: i,
                name: s.name.clone(),
                schedule: s.phase_schedule(),
                used_offset: s.phase_offset(),
                cagr: q(&|r| r.headline.cagr),
                sharpe: q(&|r| r.headline.sharpe),
                max_drawdown: q(&|r| Some(r.headline.max_drawdown)),
                final_value: q(&|r| Some(r.headline.final_value)),
                runs,
                fan_days: days.clone(),
                fan,
                errors,
            }
        })
        .collect()
}
