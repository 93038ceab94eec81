//! Start-date sensitivity: the comparison re-run from every month start
//! (every ISO week start when the data spans less than 2 years) over windows
//! of a fixed length.
//!
//! A window starts on the first data day of a month (week), the panel's first
//! day included, and ends on the last data day on or before `start + 365 ×
//! years` calendar days; only windows that fit in the data are run (with
//! [`WindowLength::ToEnd`], every start at least 365 days before the last
//! day, running to it). Each window is the panel cut to its days
//! ([`Panel::slice_days`]): every strategy starts afresh on its first day,
//! as a user choosing that range would see it. The CAGR is that of the
//! metrics module at the whole panel's periods per year.

use super::{run_equity, Headline, JobOutput, Quartiles};
use crate::date::Date;
use crate::panel::Panel;
use crate::schedule::Schedule;
use crate::strategy::Strategy;
use serde::{Deserialize, Serialize};

/// Length of the start-date windows. Serialises as `{"years": 2}` or `"to_end"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowLength {
    /// 1 to [`MAX_WINDOW_YEARS`](super::MAX_WINDOW_YEARS) years of 365 days.
    Years(u32),
    /// From each start to the end of the data.
    ToEnd,
}

impl WindowLength {
    /// `2-year`, `to-the-end`.
    pub fn label(&self) -> String {
        match self {
            WindowLength::Years(y) => format!("{y}-year"),
            WindowLength::ToEnd => "to-the-end".into(),
        }
    }
}

/// How far apart window starts are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartStep {
    Month,
    Week,
}

/// One window: its first and last day (indices into the panel) and dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub from: usize,
    pub to: usize,
    pub start: Date,
    pub end: Date,
}

/// Month starts when the data spans at least 730 days, else week starts.
pub fn step(dates: &[Date]) -> StartStep {
    match (dates.first(), dates.last()) {
        (Some(a), Some(b)) if b.0 - a.0 >= 730 => StartStep::Month,
        _ => StartStep::Week,
    }
}

/// The windows of `dates`, in start order; see the module docs.
pub fn windows(dates: &[Date], length: WindowLength) -> Vec<Window> {
    let Some(&last) = dates.last() else { return Vec::new() };
    let schedule = match step(dates) {
        StartStep::Month => Schedule::Monthly,
        StartStep::Week => Schedule::Weekly,
    };
    let mut out = Vec::new();
    for (from, _) in schedule.days(dates, 0).into_iter().enumerate().filter(|(_, f)| *f) {
        let start = dates[from];
        let to = match length {
            WindowLength::Years(y) => {
                let end = start.0 as i64 + 365 * y as i64;
                if end > last.0 as i64 {
                    break;
                }
                dates.partition_point(|d| (d.0 as i64) <= end) - 1
            }
            WindowLength::ToEnd => {
                if (last.0 as i64) - (start.0 as i64) < 365 {
                    break;
                }
                dates.len() - 1
            }
        };
        if to > from {
            out.push(Window { from, to, start, end: dates[to] });
        }
    }
    out
}

/// The CAGR of `s` over window `w` of [`windows`] (`None` when undefined).
pub fn run_window(
    panel: &Panel,
    s: &Strategy,
    length: WindowLength,
    w: usize,
    periods_per_year: f64,
) -> Result<Option<f64>, String> {
    let win = *windows(panel.dates(), length).get(w).ok_or_else(|| format!("window {w} does not exist"))?;
    let sub = panel.slice_days(win.from, win.to).map_err(|e| e.to_string())?;
    let equity = run_equity(&sub, s)?;
    Ok(Headline::of(sub.dates(), &equity, periods_per_year)?.cagr)
}

/// One strategy's CAGR in each window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StrategyWindows {
    pub strategy: usize,
    pub name: String,
    /// Per window (same order as [`StartDates::windows`]); `None` when the
    /// run failed or its CAGR is undefined.
    pub cagr: Vec<Option<f64>>,
    pub summary: Option<Quartiles>,
}

/// The pair in each window: `A - B`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairWindows {
    pub a: usize,
    pub b: usize,
    /// CAGR of A minus CAGR of B per window (for a chart over the start dates).
    pub diff: Vec<Option<f64>>,
    pub summary: Option<Quartiles>,
    /// Windows where both have a CAGR.
    pub windows: usize,
    /// Of those, windows where A's CAGR is higher.
    pub a_won: usize,
    /// `a_won / windows` (0 without windows).
    pub a_won_share: f64,
}

/// The start-date analysis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StartDates {
    pub window: WindowLength,
    pub step: StartStep,
    pub windows: Vec<Window>,
    pub strategies: Vec<StrategyWindows>,
    pub pair: Option<PairWindows>,
}

/// Builds the analysis from the window outputs; `None` when the data has no window.
pub fn assemble(
    dates: &[Date],
    strategies: &[Strategy],
    length: WindowLength,
    pair: Option<(usize, usize)>,
    outputs: &[JobOutput],
) -> Option<StartDates> {
    let wins = windows(dates, length);
    if wins.is_empty() {
        return None;
    }
    let mut cagr = vec![vec![None; wins.len()]; strategies.len()];
    for o in outputs {
        if let JobOutput::Window { strategy, window, cagr: Ok(c) } = o {
            if let Some(slot) = cagr.get_mut(*strategy).and_then(|v| v.get_mut(*window)) {
                *slot = *c;
            }
        }
    }
    let pair = pair.map(|(a, b)| {
        let diff: Vec<Option<f64>> =
            cagr[a].iter().zip(&cagr[b]).map(|(x, y)| Some(x.as_ref()? - y.as_ref()?)).collect();
        let windows = diff.iter().flatten().count();
        let a_won = diff.iter().flatten().filter(|d| **d > 0.0).count();
        PairWindows {
            a,
            b,
            summary: Quartiles::of(diff.iter().flatten().copied()),
            windows,
            a_won,
            a_won_share: if windows > 0 { a_won as f64 / windows as f64 } else { 0.0 },
            diff,
        }
    });
    let strategies = strategies
        .iter()
        .enumerate()
        .map(|(i, s)| StrategyWindows {
            strategy: i,
            name: s.name.clone(),
            summary: Quartiles::of(cagr[i].iter().flatten().copied()),
            cagr: cagr[i].clone(),
        })
        .collect();
    Some(StartDates { window: length, step: step(dates), windows: wins, strategies, pair })
}
