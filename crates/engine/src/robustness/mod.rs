//! # How sure is the answer? Robustness of a comparison
//!
//! Four analyses of a comparison and a verdict built from them:
//!
//! * [`timing`] — **timing luck**: each strategy re-run at every rebalance
//!   day its schedule allows ([`crate::Strategy::with_offset`]).
//! * [`start_dates`] — **start-date sensitivity**: the comparison re-run from
//!   every month (or week) start over windows of a fixed length.
//! * [`bootstrap`] — **sampling uncertainty**: a stationary block bootstrap of
//!   the pair's paired daily returns and a test of the Sharpe difference.
//! * [`regimes`] — per-regime performance (calm / middle / volatile thirds of
//!   days by the total market's trailing volatility) and up/down capture.
//! * [`verdict`] — the numbers of the four for the pair, and a sentence.
//!
//! Everything is deterministic (the bootstrap draws from a seeded
//! [`Xoshiro256`](crate::synth::rng::Xoshiro256)) and every result is serde.
//! Runs use [`simulate`](crate::simulate::simulate) and the metrics of
//! [`crate::metrics`] (simple returns, risk-free 0, periods per year
//! inferred from the dates: 365 for daily crypto data).
//!
//! # Splitting the work (for workers)
//! Like [`crate::sweep`], the simulations are separate jobs:
//! [`jobs`] lists them, [`run_job`] runs one (any order, any worker) and
//! [`assemble`] puts the outputs together (cheap: quartiles, regimes, the
//! verdict). [`analyse`] does all three in one call.
//!
//! # References
//! See `docs/COMPARISON-ROBUSTNESS.md` for the statistical methods and their papers.

pub mod bootstrap;
pub mod regimes;
pub mod start_dates;
pub mod timing;
pub mod verdict;

use crate::date::Date;
use crate::metrics::{self, infer_periods_per_year, Metrics, MetricsOptions, TradingStats};
use crate::panel::Panel;
use crate::simulate::simulate;
use crate::strategy::Strategy;
use serde::{Deserialize, Serialize};

pub use bootstrap::{BlockLength, BootstrapResult};
pub use regimes::RegimeReport;
pub use start_dates::{StartDates, WindowLength};
pub use timing::TimingLuck;
pub use verdict::Verdict;

/// The most bootstrap resamples.
pub const MAX_RESAMPLES: u32 = 20_000;
/// The fewest bootstrap resamples.
pub const MIN_RESAMPLES: u32 = 100;
/// The longest fixed mean block length, in days.
pub const MAX_BLOCK_DAYS: f64 = 365.0;
/// The most points of a downsampled equity curve in the timing fan.
pub const MAX_FAN_POINTS: u32 = 10_000;
/// The longest fixed window of the start-date analysis, in years.
pub const MAX_WINDOW_YEARS: u32 = 3;
/// Days of the trailing volatility that labels regimes.
pub const REGIME_WINDOW: usize = 30;

/// Which robustness analyses to run and how. Every field has a default,
/// so `{}` is a complete spec (all four analyses, 2-year windows, the first
/// two strategies, 2,000 resamples, seed 1, automatic block length).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RobustnessSpec {
    pub timing: bool,
    pub start_dates: bool,
    pub bootstrap: bool,
    pub regimes: bool,
    /// Window length of the start-date analysis.
    pub window: WindowLength,
    /// The two strategies compared (indices); `None` = the first two.
    pub pair: Option<(usize, usize)>,
    /// Bootstrap resamples, [`MIN_RESAMPLES`]..=[`MAX_RESAMPLES`].
    pub resamples: u32,
    /// Seed of the bootstrap's generator.
    pub seed: u64,
    /// Mean block length of the stationary bootstrap.
    pub block: BlockLength,
    /// Points of each per-offset equity curve kept for the fan chart
    /// (evenly spaced days, the last included); 0 keeps every day.
    pub fan_points: u32,
}

impl Default for RobustnessSpec {
    fn default() -> Self {
        RobustnessSpec {
            timing: true,
            start_dates: true,
            bootstrap: true,
            regimes: true,
            window: WindowLength::Years(2),
            pair: None,
            resamples: 2_000,
            seed: 1,
            block: BlockLength::Auto,
            fan_points: 200,
        }
    }
}

impl RobustnessSpec {
    /// Checks every field on its own (bounds); see [`RobustnessSpec::pair_in`]
    /// for the pair against a list of strategies.
    pub fn validate(&self) -> Result<(), String> {
        if let WindowLength::Years(y) = self.window {
            if !(1..=MAX_WINDOW_YEARS).contains(&y) {
                return Err(format!("the window must be 1 to {MAX_WINDOW_YEARS} years or to the end (got {y})"));
            }
        }
        if !(MIN_RESAMPLES..=MAX_RESAMPLES).contains(&self.resamples) {
            return Err(format!(
                "resamples must be between {MIN_RESAMPLES} and {MAX_RESAMPLES} (got {})",
                self.resamples
            ));
        }
        if let BlockLength::Fixed(b) = self.block {
            if !(b.is_finite() && (1.0..=MAX_BLOCK_DAYS).contains(&b)) {
                return Err(format!("the block length must be between 1 and {MAX_BLOCK_DAYS} days"));
            }
        }
        if self.fan_points > MAX_FAN_POINTS {
            return Err(format!("fan_points must be at most {MAX_FAN_POINTS}"));
        }
        if let Some((a, b)) = self.pair {
            let most = crate::scenario::MAX_STRATEGIES;
            if a >= most || b >= most {
                return Err(format!("the pair must name strategies 1 to {most}"));
            }
            if a == b {
                return Err("the pair must name two different strategies".into());
            }
        }
        Ok(())
    }

    /// The compared pair among `n` strategies: the spec's, or the first two;
    /// `Ok(None)` with fewer than two strategies and no pair given.
    pub fn pair_in(&self, n: usize) -> Result<Option<(usize, usize)>, String> {
        match self.pair {
            Some((a, b)) if a >= n || b >= n => {
                Err(format!("the pair names strategy {}, but there are {n}", a.max(b) + 1))
            }
            Some(p) => Ok(Some(p)),
            None if n >= 2 => Ok(Some((0, 1))),
            None => Ok(None),
        }
    }
}

/// Minimum, quartiles and maximum of a set of values (numpy linear quantiles).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quartiles {
    pub min: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub max: f64,
}

impl Quartiles {
    /// Of the finite values; `None` when there is none.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Quartiles> {
        let v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
        let q = |p: f64| metrics::quantile_linear(&v, p);
        Some(Quartiles { min: q(0.0)?, q1: q(0.25)?, median: q(0.5)?, q3: q(0.75)?, max: q(1.0)? })
    }

    /// `max - min`.
    pub fn spread(&self) -> f64 {
        self.max - self.min
    }
}

/// The headline numbers of one equity curve, from [`Metrics::compute`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Headline {
    pub cagr: Option<f64>,
    pub sharpe: Option<f64>,
    /// Max drawdown (≤ 0).
    pub max_drawdown: f64,
    /// Last equity value (normalised: the run starts at 1).
    pub final_value: f64,
}

impl Headline {
    /// The metrics module's numbers for `equity` on `dates`, at `periods_per_year`.
    pub fn of(dates: &[Date], equity: &[f64], periods_per_year: f64) -> Result<Headline, String> {
        let opts = MetricsOptions { periods_per_year: Some(periods_per_year), ..MetricsOptions::default() };
        let m = Metrics::compute(dates, equity, None, &TradingStats::default(), &opts).map_err(|e| e.to_string())?;
        Ok(Headline {
            cagr: m.cagr,
            sharpe: m.sharpe,
            max_drawdown: m.max_drawdown,
            final_value: *equity.last().unwrap_or(&1.0),
        })
    }
}

/// One simulation of the analyses; see the module docs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Job {
    /// Strategy `strategy` as given, on the whole panel (regimes, verdict).
    Base { strategy: usize },
    /// Strategy `strategy` at rebalance offset `offset` (timing luck).
    Offset { strategy: usize, offset: u32 },
    /// Strategy `strategy` over the start-date window `window` (index into
    /// [`start_dates::windows`]).
    Window { strategy: usize, window: usize },
    /// The bootstrap of the pair (simulates both, then resamples).
    Bootstrap,
}

/// The output of one [`Job`], in the same order [`jobs`] listed them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum JobOutput {
    Base { strategy: usize, result: Result<BaseRun, String> },
    Offset { strategy: usize, offset: u32, result: Result<timing::OffsetRun, String> },
    Window { strategy: usize, window: usize, cagr: Result<Option<f64>, String> },
    Bootstrap(Result<Box<BootstrapResult>, String>),
}

/// A strategy's run on the whole panel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaseRun {
    pub headline: Headline,
    pub equity: Vec<f64>,
    /// Whether the run held no asset on any day ([`crate::SimResult::never_invested`]).
    pub never_invested: bool,
}

/// Everything [`assemble`] builds. Analyses not asked for (or impossible on
/// the data, with the reason in `notes`) are `None`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RobustnessReport {
    pub spec: RobustnessSpec,
    /// The compared pair, when there are two strategies.
    pub pair: Option<(usize, usize)>,
    pub names: Vec<String>,
    pub periods_per_year: f64,
    pub timing: Option<Vec<TimingLuck>>,
    pub start_dates: Option<StartDates>,
    pub bootstrap: Option<BootstrapResult>,
    pub regimes: Option<RegimeReport>,
    pub verdict: Option<Verdict>,
    /// Why an analysis is missing or partial (one sentence each).
    pub notes: Vec<String>,
}

fn check(panel: &Panel, strategies: &[Strategy], spec: &RobustnessSpec) -> Result<Option<(usize, usize)>, String> {
    spec.validate()?;
    if strategies.is_empty() {
        return Err("there is no strategy to analyse".into());
    }
    if panel.n_days() < 2 {
        return Err("the data has fewer than 2 days".into());
    }
    spec.pair_in(strategies.len())
}

/// Every simulation the analyses need, in a fixed order: the base runs,
/// then each strategy's offsets, then each window's strategies, then the
/// bootstrap. Fails only on an invalid spec or pair.
pub fn jobs(panel: &Panel, strategies: &[Strategy], spec: &RobustnessSpec) -> Result<Vec<Job>, String> {
    let pair = check(panel, strategies, spec)?;
    let mut out: Vec<Job> = (0..strategies.len()).map(|strategy| Job::Base { strategy }).collect();
    if spec.timing {
        for (strategy, s) in strategies.iter().enumerate() {
            out.extend(timing::offsets(s).into_iter().map(|offset| Job::Offset { strategy, offset }));
        }
    }
    if spec.start_dates {
        for window in 0..start_dates::windows(panel.dates(), spec.window).len() {
            out.extend((0..strategies.len()).map(|strategy| Job::Window { strategy, window }));
        }
    }
    if spec.bootstrap && pair.is_some() {
        out.push(Job::Bootstrap);
    }
    Ok(out)
}

/// Runs one job. Never fails as a whole: a run that cannot be made gives its reason.
pub fn run_job(panel: &Panel, strategies: &[Strategy], spec: &RobustnessSpec, job: &Job) -> JobOutput {
    let p = infer_periods_per_year(panel.dates());
    let get = |i: usize| strategies.get(i).ok_or_else(|| format!("strategy {} does not exist", i + 1));
    match *job {
        Job::Base { strategy } => JobOutput::Base {
            strategy,
            result: get(strategy).and_then(|s| {
                let run = run_untraced(panel, s)?;
                let never_invested = run.never_invested();
                let equity = run.equity;
                Ok(BaseRun { headline: Headline::of(panel.dates(), &equity, p)?, equity, never_invested })
            }),
        },
        Job::Offset { strategy, offset } => JobOutput::Offset {
            strategy,
            offset,
            result: get(strategy).and_then(|s| timing::run_offset(panel, s, offset, spec.fan_points, p)),
        },
        Job::Window { strategy, window } => JobOutput::Window {
            strategy,
            window,
            cagr: get(strategy).and_then(|s| start_dates::run_window(panel, s, spec.window, window, p)),
        },
        Job::Bootstrap => JobOutput::Bootstrap((|| {
            let (a, b) = spec.pair_in(strategies.len())?.ok_or("the bootstrap needs two strategies")?;
            let ea = run_equity(panel, get(a)?)?;
            let eb = run_equity(panel, get(b)?)?;
            bootstrap::bootstrap_pair(&ea, &eb, p, spec.resamples, spec.seed, spec.block).map(Box::new)
        })()),
    }
}

/// The net equity of `s` on `panel`, without the trade log.
pub(crate) fn run_equity(panel: &Panel, s: &Strategy) -> Result<Vec<f64>, String> {
    run_untraced(panel, s).map(|r| r.equity)
}

/// The run of `s` on `panel` without the trade log.
fn run_untraced(panel: &Panel, s: &Strategy) -> Result<crate::SimResult, String> {
    let mut s = s.clone();
    s.record_trades = false;
    simulate(panel, &s).map_err(|e| e.to_string())
}

/// Puts the outputs of [`jobs`] (run by [`run_job`], in any order) together.
pub fn assemble(
    panel: &Panel,
    strategies: &[Strategy],
    spec: &RobustnessSpec,
    outputs: &[JobOutput],
) -> Result<RobustnessReport, String> {
    let pair = check(panel, strategies, spec)?;
    let p = infer_periods_per_year(panel.dates());
    let names: Vec<String> = strategies.iter().map(|s| s.name.clone()).collect();
    let mut notes = Vec::new();
    let mut base: Vec<Option<BaseRun>> = vec![None; strategies.len()];
    for o in outputs {
        if let JobOutput::Base { strategy, result } = o {
            match result {
                Ok(r) => base[*strategy] = Some(r.clone()),
                Err(e) => notes.push(format!("{} cannot run: {e}", names[*strategy])),
            }
        }
    }
    // A strategy that held nothing stayed in cash: comparing with it is
    // comparing with cash, which the reader must know.
    let cash_only: Vec<usize> =
        (0..strategies.len()).filter(|&i| base[i].as_ref().is_some_and(|b| b.never_invested)).collect();
    for &i in &cash_only {
        notes.push(format!("{} held no asset on this data (its rules matched no coin): it stayed in cash", names[i]));
    }
    let timing = spec.timing.then(|| timing::assemble(strategies, outputs, panel.n_days(), spec.fan_points));
    let start_dates = if spec.start_dates {
        let r = start_dates::assemble(panel.dates(), strategies, spec.window, pair, outputs);
        if r.is_none() {
            notes.push(format!("the data is too short for {} windows: no start-date analysis", spec.window.label()));
        }
        r
    } else {
        None
    };
    let bootstrap = if spec.bootstrap && pair.is_some() {
        match outputs.iter().find_map(|o| match o {
            JobOutput::Bootstrap(r) => Some(r),
            _ => None,
        }) {
            Some(Ok(b)) => Some(b.as_ref().clone()),
            Some(Err(e)) => {
                notes.push(format!("no bootstrap: {e}"));
                None
            }
            None => None,
        }
    } else {
        None
    };
    let regimes = if spec.regimes {
        let curves: Vec<Option<&[f64]>> = base.iter().map(|b| b.as_ref().map(|b| b.equity.as_slice())).collect();
        match regimes::analyse(panel, &curves, &names, pair, p) {
            Ok(r) => Some(r),
            Err(e) => {
                notes.push(format!("no regime analysis: {e}"));
                None
            }
        }
    } else {
        None
    };
    let verdict = pair.and_then(|pair| {
        let mut v = verdict::Verdict::build(
            &names,
            pair,
            bootstrap.as_ref(),
            timing.as_deref(),
            start_dates.as_ref(),
            regimes.as_ref(),
        )?;
        v.cash_only =
            [pair.0, pair.1].into_iter().filter(|i| cash_only.contains(i)).map(|i| names[i].clone()).collect();
        if !v.cash_only.is_empty() {
            v.sentence = v.write();
        }
        Some(v)
    });
    Ok(RobustnessReport {
        spec: spec.clone(),
        pair,
        names,
        periods_per_year: p,
        timing,
        start_dates,
        bootstrap,
        regimes,
        verdict,
        notes,
    })
}

/// [`jobs`], [`run_job`] and [`assemble`] in one call.
pub fn analyse(panel: &Panel, strategies: &[Strategy], spec: &RobustnessSpec) -> Result<RobustnessReport, String> {
    let outputs: Vec<JobOutput> =
        jobs(panel, strategies, spec)?.iter().map(|j| run_job(panel, strategies, spec, j)).collect();
    assemble(panel, strategies, spec, &outputs)
}

/// `n` evenly spaced day indices of `0..n_days`, the first and last
/// included (every day when `points` is 0 or at least `n_days`).
pub fn fan_days(n_days: usize, points: u32) -> Vec<usize> {
    let points = points as usize;
    if points == 0 || points >= n_days || n_days < 2 {
        return (0..n_days).collect();
    }
    let points = points.max(2);
    let mut out: Vec<usize> =
        (0..points).map(|i| ((i as f64) * (n_days - 1) as f64 / (points - 1) as f64).round() as usize).collect();
    out.dedup();
    out
}
