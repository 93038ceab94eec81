//! Parameter sweeps: one strategy varied along one to three dimensions, one
//! metric per configuration (a "cell"), for the sweep heatmap.
//!
//! A [`SweepSpec`] is a base [`Strategy`], up to [`MAX_DIMS`] dimensions
//! ([`SweepDim`], each at most once) and a metric. Each cell is the base
//! strategy with one value of every dimension applied ([`SweepSpec::strategy_for`]);
//! its value is that strategy simulated on the panel and measured with
//! [`Metrics::compute`] under the app's default options, exactly the number
//! [`compare`](crate::compare::compare) gives for the same strategy without
//! a benchmark.
//!
//! # Cell order (normative)
//! With `n_0, n_1, n_2` the number of values of dimensions 0, 1, 2 (a missing
//! dimension counts as 1 value), the cell with value indices `(i, j, k)` has
//! index `i + n_0 · (j + n_1 · k)`: the first dimension varies fastest. A
//! heatmap draws dimension 0 across, dimension 1 down and one panel per value
//! of dimension 2, so indices run in reading order. [`SweepSpec::coords`] and
//! [`SweepSpec::index_of`] convert both ways.
//!
//! # What each dimension sets
//! - [`SweepDim::Weighting`] sets `weighting`.
//! - [`SweepDim::Rebalance`] sets `rebalance`, with `rebalance_offset` 0 (an offset
//!   fits only some schedules; a sweep compares frequencies).
//! - [`SweepDim::TopN`] sets `universe.top_n`.
//! - [`SweepDim::FeeBps`] sets `costs.fee_bps`.
//! - [`SweepDim::CapLevel`] sets the largest weight of a cap-weighted index:
//!   market-cap and capped market-cap weightings become
//!   `CappedMarketCap { max_weight }` (1 = uncapped). Applied after the
//!   weighting dimension; a cell whose weighting is not cap-based is invalid.
//! - [`SweepDim::BandWidth`] sets absolute drift bands, `bands = { absolute: w }`
//!   (replacing any bands of the base); 0 means no bands.
//! - [`SweepDim::RebalanceOffset`] moves the rebalance day
//!   ([`Strategy::with_offset`]: the reconstitution offset moves along).
//!   Applied after every other dimension (so after a rebalance dimension's
//!   offset 0); an offset beyond a cell's period makes that cell invalid.
//!   (A start-date dimension is not offered: a cell would need its own
//!   panel; see [`crate::robustness::start_dates`] for that analysis.)
//!
//! Cells that cannot run (an invalid combination, a strategy the panel cannot
//! serve, a metric undefined for the curve) give an error naming the reason
//! instead of a value; the other cells still run.
//!
//! # Cost of a cell
//! [`run_cells`] simulates without the trade log (it changes no number) and
//! runs the gross-of-costs simulation only for the cost drag metric; the
//! periods per year are inferred from the panel's dates once per call.

use crate::errors::{CellError, SweepError};
use crate::metrics::{infer_periods_per_year, FormatKind, MetricGroup, MetricId, MetricValue, MetricsOptions};
use crate::panel::Panel;
use crate::rules_text::{trim_decimals as trim, RuleTextError, RuleTextErrorKind};
use crate::schedule::Schedule;
use crate::simulate::simulate;
use crate::strategy::{short, Bands, Strategy, Weighting};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// The most dimensions of a sweep.
pub const MAX_DIMS: usize = 3;

/// The most cells of a sweep.
pub const MAX_CELLS: usize = 10_000;

/// One swept parameter and its values, in axis order. Serialises as
/// `{"top_n": [5, 10, 20]}`, `{"fee_bps": [0, 10, 25]}`, ...
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SweepDim {
    Weighting(Vec<Weighting>),
    Rebalance(Vec<Schedule>),
    TopN(Vec<usize>),
    FeeBps(Vec<f64>),
    /// Largest weight, a fraction in (0, 1].
    CapLevel(Vec<f64>),
    /// Absolute drift band, a fraction in [0, 1]; 0 = no bands.
    BandWidth(Vec<f64>),
    /// Rebalance offset (0-based day of the period), at most [`MAX_OFFSET`].
    RebalanceOffset(Vec<u32>),
}

/// The largest rebalance offset a sweep may try (a yearly schedule's last day).
pub const MAX_OFFSET: u32 = 365;

impl SweepDim {
    /// The axis title: `Weighting`, `Rebalance`, `Top N`, `Fee`, `Cap level`, `Drift band`.
    pub fn name(&self) -> &'static str {
        match self {
            SweepDim::Weighting(_) => "Weighting",
            SweepDim::Rebalance(_) => "Rebalance",
            SweepDim::TopN(_) => "Top N",
            SweepDim::FeeBps(_) => "Fee",
            SweepDim::CapLevel(_) => "Cap level",
            SweepDim::BandWidth(_) => "Drift band",
            SweepDim::RebalanceOffset(_) => "Rebalance day",
        }
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            SweepDim::Weighting(v) => v.len(),
            SweepDim::Rebalance(v) => v.len(),
            SweepDim::TopN(v) => v.len(),
            SweepDim::FeeBps(v) | SweepDim::CapLevel(v) | SweepDim::BandWidth(v) => v.len(),
            SweepDim::RebalanceOffset(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The axis label of value `i`: `Equal`, `Monthly`, `10`, `25 bp`, `30%`, `5%` / `None`.
    pub fn label(&self, i: usize) -> String {
        match self {
            SweepDim::Weighting(v) => v[i].label(),
            SweepDim::Rebalance(v) => v[i].label(),
            SweepDim::TopN(v) => v[i].to_string(),
            SweepDim::FeeBps(v) => format!("{} bp", trim(v[i])),
            SweepDim::CapLevel(v) => format!("{}%", trim(v[i] * 100.0)),
            SweepDim::BandWidth(v) if v[i] == 0.0 => "None".to_string(),
            SweepDim::BandWidth(v) => format!("{}%", trim(v[i] * 100.0)),
            SweepDim::RebalanceOffset(v) => format!("+{}", v[i]),
        }
    }

    /// Every axis label, in order.
    pub fn labels(&self) -> Vec<String> {
        (0..self.len()).map(|i| self.label(i)).collect()
    }

    fn same_kind(&self, other: &SweepDim) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    /// Applies value `i` to `s` (the cap level is applied separately, after
    /// every other dimension, by [`apply_cap`]).
    fn apply(&self, i: usize, s: &mut Strategy) {
        match self {
            SweepDim::Weighting(v) => s.weighting = v[i].clone(),
            SweepDim::Rebalance(v) => {
                s.rebalance = v[i];
                s.rebalance_offset = 0;
            }
            SweepDim::TopN(v) => s.universe.top_n = Some(v[i]),
            SweepDim::FeeBps(v) => s.costs.fee_bps = v[i],
            SweepDim::CapLevel(_) | SweepDim::RebalanceOffset(_) => {}
            SweepDim::BandWidth(v) => {
                s.bands = (v[i] > 0.0).then(|| Bands { absolute: Some(v[i]), relative: None });
            }
        }
    }

    /// Checks one value on its own; the message names the dimension and the value.
    fn check_value(&self, i: usize, base: &Strategy) -> Result<(), String> {
        let name = self.name();
        let bad = |what: &str| Err(format!("{name} value {}: {what}", self.label_raw(i)));
        match self {
            SweepDim::Weighting(v) => Strategy { weighting: v[i].clone(), ..Strategy::default() }
                .validate()
                .map_err(|e| format!("{name} value {}: {e}", v[i].label())),
            SweepDim::Rebalance(v) => match v[i] {
                Schedule::EveryNDays(0) => bad("every_n_days must be at least 1"),
                _ => Ok(()),
            },
            SweepDim::TopN(v) if v[i] == 0 => bad("Top N must be at least 1"),
            SweepDim::TopN(_) => Ok(()),
            SweepDim::FeeBps(v) => {
                let f = v[i];
                if !(f.is_finite() && (0.0..10_000.0).contains(&f)) {
                    bad("the fee must be at least 0 and below 10000 bp")
                } else if f + base.costs.half_spread_bps >= 10_000.0 {
                    bad("fee + half spread must be below 10000 bp (100%)")
                } else {
                    Ok(())
                }
            }
            SweepDim::CapLevel(v) if !(v[i].is_finite() && v[i] > 0.0 && v[i] <= 1.0) => {
                bad("the cap level must be above 0 and at most 1 (100%)")
            }
            SweepDim::CapLevel(_) => Ok(()),
            SweepDim::BandWidth(v) if !(v[i].is_finite() && (0.0..=1.0).contains(&v[i])) => {
                bad("the band width must be between 0 and 1 (100%)")
            }
            SweepDim::BandWidth(_) => Ok(()),
            SweepDim::RebalanceOffset(v) if v[i] > MAX_OFFSET => {
                bad(&format!("the offset must be at most {MAX_OFFSET}"))
            }
            SweepDim::RebalanceOffset(_) => Ok(()),
        }
    }

    /// The value as written in the spec (for error messages about bad values,
    /// where the display label could hide the problem).
    fn label_raw(&self, i: usize) -> String {
        match self {
            SweepDim::FeeBps(v) | SweepDim::CapLevel(v) | SweepDim::BandWidth(v) => format!("{}", v[i]),
            _ => self.label(i),
        }
    }
}

/// A parameter sweep: see the module docs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepSpec {
    /// The strategy every cell starts from (its name prefixes the cells'
    /// names); the default strategy when left out.
    #[serde(default)]
    pub base: Strategy,
    /// One to [`MAX_DIMS`] dimensions: dimension 0 across, 1 down, 2 one panel per value.
    pub dims: Vec<SweepDim>,
    /// The metric, written as its key (`"sharpe"`, `"cagr"`, ...).
    #[serde(with = "metric_key")]
    pub metric: MetricId,
}

/// One cell: its index and its value index in each dimension (0 for
/// dimensions the sweep does not have).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    pub index: usize,
    pub coords: [usize; MAX_DIMS],
}

/// A cell's metric value, or why the cell has none.
pub type CellOutcome = Result<f64, CellError>;

/// Whether larger values of a metric are better (`Some(true)`), smaller are
/// (`Some(false)`), or neither (`None`: average holdings, beta, ...). Used to
/// colour the best cell of a sweep.
pub fn higher_is_better(metric: MetricId) -> Option<bool> {
    use MetricId::*;
    match metric {
        TotalReturn | Cagr | Sharpe | Sortino | Calmar | MaxDrawdown | Var | Cvar | Skew | BestDay | WorstDay
        | BestMonth | WorstMonth | BestYear | WorstYear | PositiveMonths | InformationRatio | Alpha => Some(true),
        Volatility | LongestDrawdown | LongestRecovery | Kurtosis | Turnover | Fees | CostDrag | TrackingError => {
            Some(false)
        }
        _ => None,
    }
}

/// The metrics a sweep can colour by: numbers that need no benchmark.
pub fn sweepable(metric: MetricId) -> bool {
    let info = metric.info();
    info.kind != FormatKind::Date && info.group != MetricGroup::Benchmark && metric != MetricId::PeriodsPerYear
}

impl SweepSpec {
    /// Number of values of each dimension (the sweep's shape).
    pub fn shape(&self) -> Vec<usize> {
        self.dims.iter().map(SweepDim::len).collect()
    }

    /// Number of cells: the product of the dimension sizes (saturating, so
    /// an oversized spec reads as too big rather than overflowing).
    pub fn n_cells(&self) -> usize {
        if self.dims.is_empty() {
            return 0;
        }
        self.dims.iter().fold(1usize, |acc, d| acc.saturating_mul(d.len()))
    }

    /// Checks the spec; the message says what to change.
    pub fn validate(&self) -> Result<(), String> {
        if self.dims.is_empty() || self.dims.len() > MAX_DIMS {
            return Err(format!("a sweep needs 1 to {MAX_DIMS} dimensions (this one has {})", self.dims.len()));
        }
        for (k, d) in self.dims.iter().enumerate() {
            if d.is_empty() {
                return Err(format!("the {} dimension has no values", d.name()));
            }
            if self.dims[..k].iter().any(|e| e.same_kind(d)) {
                return Err(format!("{} is swept twice: each dimension may appear once", d.name()));
            }
        }
        self.base.validate().map_err(|e| format!("the base strategy is invalid: {e}"))?;
        let n = self.n_cells();
        if n > MAX_CELLS {
            let sizes: Vec<String> = self.shape().iter().map(usize::to_string).collect();
            return Err(format!(
                "{} = {} cells; a sweep may have at most {} (remove values or a dimension)",
                sizes.join(" x "),
                group_thousands(n),
                group_thousands(MAX_CELLS)
            ));
        }
        for d in &self.dims {
            for i in 0..d.len() {
                d.check_value(i, &self.base)?;
                if (0..i).any(|j| dim_value_eq(d, i, j)) {
                    return Err(format!("the {} dimension lists {} twice", d.name(), d.label(i)));
                }
            }
        }
        if self.dims.iter().any(|d| matches!(d, SweepDim::CapLevel(_))) {
            let weightings: Vec<&Weighting> = match self.dims.iter().find_map(|d| match d {
                SweepDim::Weighting(v) => Some(v),
                _ => None,
            }) {
                Some(ws) => ws.iter().collect(),
                None => vec![&self.base.weighting],
            };
            if !weightings.iter().any(|w| cap_based(w)) {
                let names: Vec<String> = weightings.iter().map(|w| w.label()).collect();
                return Err(format!(
                    "a cap level applies to market-cap weighting, but the sweep weights only by {}: \
                     choose market cap in the base strategy or in the weighting dimension",
                    names.join(", ")
                ));
            }
        }
        if !sweepable(self.metric) {
            let label = self.metric.info().label;
            return Err(if self.metric.info().group == MetricGroup::Benchmark {
                format!("{label} needs a benchmark, which a sweep does not have: choose another metric")
            } else {
                format!("{label} is not a number to compare cells by: choose another metric")
            });
        }
        Ok(())
    }

    /// The value index in each dimension of cell `index` (see the module's
    /// cell order); `None` past the last cell.
    pub fn coords(&self, index: usize) -> Option<[usize; MAX_DIMS]> {
        if index >= self.n_cells() {
            return None;
        }
        let mut out = [0; MAX_DIMS];
        let mut rest = index;
        for (c, d) in out.iter_mut().zip(&self.dims) {
            *c = rest % d.len();
            rest /= d.len();
        }
        Some(out)
    }

    /// The index of the cell with these value indices (entries past the
    /// sweep's dimensions must be 0); `None` when out of range.
    pub fn index_of(&self, coords: [usize; MAX_DIMS]) -> Option<usize> {
        if self.dims.is_empty() || self.dims.len() > MAX_DIMS || coords[self.dims.len()..].iter().any(|&c| c != 0) {
            return None;
        }
        let mut index = 0;
        let mut stride = 1;
        for (&c, d) in coords.iter().zip(&self.dims) {
            if c >= d.len() {
                return None;
            }
            index += c * stride;
            stride *= d.len();
        }
        Some(index)
    }

    /// Every cell, in index order.
    pub fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        (0..self.n_cells()).map(|index| Cell { index, coords: self.coords(index).expect("index below n_cells") })
    }

    /// The full strategy of cell `index`, named from its own rules
    /// ([`Strategy::describe`]: `"Top 10, equal-weighted, monthly, 25 bp fee"`),
    /// or why the combination is invalid.
    pub fn strategy_for(&self, index: usize) -> Result<Strategy, String> {
        let coords = self.coords(index).ok_or_else(|| format!("cell {index} is outside the sweep"))?;
        let mut s = self.base.clone();
        for (d, &i) in self.dims.iter().zip(&coords) {
            d.apply(i, &mut s);
        }
        for (d, &i) in self.dims.iter().zip(&coords) {
            if let SweepDim::CapLevel(v) = d {
                apply_cap(v[i], &mut s)?;
            }
        }
        for (d, &i) in self.dims.iter().zip(&coords) {
            if let SweepDim::RebalanceOffset(v) = d {
                s = s.with_offset(v[i]);
            }
        }
        s.name = s.describe();
        s.validate().map_err(|e| e.to_string())?;
        Ok(s)
    }

    /// Each dimension's title and axis labels, for the heatmap.
    pub fn axes(&self) -> Vec<(&'static str, Vec<String>)> {
        self.dims.iter().map(|d| (d.name(), d.labels())).collect()
    }
}

/// Whether a weighting takes a cap level.
fn cap_based(w: &Weighting) -> bool {
    matches!(w, Weighting::MarketCap | Weighting::CappedMarketCap { .. })
}

fn apply_cap(level: f64, s: &mut Strategy) -> Result<(), String> {
    if !cap_based(&s.weighting) {
        return Err(format!(
            "a cap level applies to market-cap weighting only, not to {}",
            s.weighting.label().to_lowercase()
        ));
    }
    s.weighting = Weighting::CappedMarketCap { max_weight: level };
    Ok(())
}

fn dim_value_eq(d: &SweepDim, i: usize, j: usize) -> bool {
    match d {
        SweepDim::Weighting(v) => v[i] == v[j],
        SweepDim::Rebalance(v) => v[i] == v[j],
        SweepDim::TopN(v) => v[i] == v[j],
        SweepDim::FeeBps(v) | SweepDim::CapLevel(v) | SweepDim::BandWidth(v) => v[i] == v[j],
        SweepDim::RebalanceOffset(v) => v[i] == v[j],
    }
}

/// Computes the metric of cells `range` (indices, see the module's cell
/// order), in order, so that a pool of workers can split a sweep into
/// contiguous chunks. Fails only when the spec is invalid or the range goes
/// past the last cell; a cell that cannot run gives its reason.
pub fn run_cells(panel: &Panel, spec: &SweepSpec, range: Range<usize>) -> Result<Vec<CellOutcome>, SweepError> {
    spec.validate().map_err(SweepError::Invalid)?;
    let n = spec.n_cells();
    if range.start > range.end || range.end > n {
        return Err(SweepError::OutOfRange { start: range.start, end: range.end, n_cells: n });
    }
    // The app's options, with the periods per year inferred once for the
    // panel instead of once per cell (the same number either way).
    let opts =
        MetricsOptions { periods_per_year: Some(infer_periods_per_year(panel.dates())), ..MetricsOptions::default() };
    Ok(range.map(|index| run_cell(panel, spec, index, &opts)).collect())
}

/// One cell, measured as [`compare`](crate::compare::compare) measures a strategy.
fn run_cell(panel: &Panel, spec: &SweepSpec, index: usize, opts: &MetricsOptions) -> CellOutcome {
    let mut s = spec.strategy_for(index).map_err(CellError::Invalid)?;
    s.record_trades = false;
    let net = simulate(panel, &s)?;
    let gross =
        if spec.metric == MetricId::CostDrag { Some(simulate(panel, &s.without_costs())?.equity) } else { None };
    let m = crate::compare::measure(panel, &net, gross.as_deref(), None, opts)?;
    // A cell whose numbers come from bad prices is no candidate for "best".
    if let Some(reason) = m.implausible() {
        return Err(CellError::Implausible(reason));
    }
    match m.value(spec.metric) {
        MetricValue::Number(v) if v.is_finite() => Ok(v),
        _ => Err(CellError::Undefined(spec.metric)),
    }
}

/// The values of a run with `NaN` for cells without one (for drawing).
pub fn values<E>(outcomes: &[Result<f64, E>]) -> Vec<f64> {
    outcomes.iter().map(|o| *o.as_ref().unwrap_or(&f64::NAN)).collect()
}

fn group_thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The dimensions a sweep form offers: key, label, default values, and what
/// may be typed. [`SweepDim::parse`] reads the values typed for a key.
pub const FORM_DIMS: [(&str, &str, &str, &str); 7] = [
    (
        "weighting",
        "Weighting",
        "cap, equal, sqrt",
        "cap, equal, sqrt, capped (30%) or capped:0.2, invvol, erc (90 days) or invvol:60, volume (30 days) or volume:60",
    ),
    ("rebalance", "Rebalance", "weekly, monthly, quarterly", "daily, weekly, monthly, quarterly, yearly, never, every:14"),
    ("top_n", "Top N", "5, 10, 20, 50", "whole numbers, e.g. 5, 10, 20"),
    ("fee_bps", "Fee (bp)", "0, 10, 25, 50", "basis points, e.g. 0, 10, 50"),
    ("cap", "Cap level (%)", "10, 20, 30, 100", "largest weight in %, e.g. 10, 25, 100"),
    ("band", "Drift band (%)", "0, 2, 5, 10", "absolute band in %, 0 = none"),
    (
        "offset",
        "Rebalance day",
        "0, 1, 2, 3, 4, 5, 6",
        "days into each period the rebalance falls on (timing luck): 0-6 for weekly, 0-27 for monthly",
    ),
];

/// Longest text of values a form dimension may hold (a link carries it).
pub const MAX_FORM_TEXT: usize = 200;

fn form_numbers(text: &str, what: &str) -> Result<Vec<f64>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<f64>().map_err(|_| format!("{what}: '{}' is not a number", short(t))))
        .collect()
}

impl SweepDim {
    /// Reads a dimension from its form key ([`FORM_DIMS`]) and the values
    /// typed for it, separated by commas: weightings and schedules in the
    /// engine's text form ([`crate::rules_text`]: `cap`, `capped:0.2`,
    /// `invvol:60`, `every:14`, ...; a bare `capped` is a 30% cap, `invvol`
    /// and `erc` look back 90 days, `volume` 30), numbers otherwise (cap
    /// level and drift band in %).
    pub fn parse(key: &str, text: &str) -> Result<SweepDim, String> {
        if text.len() > MAX_FORM_TEXT {
            return Err(format!("the values are limited to {MAX_FORM_TEXT} characters"));
        }
        let words = || text.split(',').map(str::trim).filter(|w| !w.is_empty());
        // A word that does not read: unknown words get the list of the
        // dimension's words, others what is wrong with their value.
        let bad = |name: &str, allowed: &str, word: &str, e: RuleTextError| match e.kind {
            RuleTextErrorKind::Unknown => format!("{name}: '{}' is not one of {allowed}", short(word)),
            _ => format!("{name}: '{}': {e}", short(word)),
        };
        Ok(match key {
            "weighting" => SweepDim::Weighting(
                words()
                    .map(|w| Weighting::parse_or_default(w).map_err(|e| bad("Weighting", FORM_DIMS[0].3, w, e)))
                    .collect::<Result<_, _>>()?,
            ),
            "rebalance" => SweepDim::Rebalance(
                words()
                    .map(|w| w.parse::<Schedule>().map_err(|e| bad("Rebalance", FORM_DIMS[1].3, w, e)))
                    .collect::<Result<_, _>>()?,
            ),
            "top_n" => SweepDim::TopN(
                words()
                    .map(|w| w.parse::<usize>().map_err(|_| format!("Top N: '{}' is not a whole number", short(w))))
                    .collect::<Result<_, _>>()?,
            ),
            "fee_bps" => SweepDim::FeeBps(form_numbers(text, "Fee")?),
            "cap" => SweepDim::CapLevel(form_numbers(text, "Cap level")?.into_iter().map(|v| v / 100.0).collect()),
            "band" => SweepDim::BandWidth(form_numbers(text, "Drift band")?.into_iter().map(|v| v / 100.0).collect()),
            "offset" => SweepDim::RebalanceOffset(
                words()
                    .map(|w| {
                        w.parse::<u32>().map_err(|_| format!("Rebalance day: '{}' is not a whole number", short(w)))
                    })
                    .collect::<Result<_, _>>()?,
            ),
            other => return Err(format!("unknown dimension '{}'", short(other))),
        })
    }
}

/// A sweep as its form reads (the values as typed): what a share link
/// carries, so the page reopens the same form and runs it again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepForm {
    /// Index into the scenario's strategies of the strategy varied.
    pub base: usize,
    /// One to [`MAX_DIMS`] rows of (dimension key, values as typed).
    pub dims: Vec<(String, String)>,
    /// The metric, written as its key (`"sharpe"`, `"cagr"`, ...).
    #[serde(with = "metric_key")]
    pub metric: MetricId,
}

impl SweepForm {
    /// The sweep this form describes on `strategies`, checked as
    /// [`SweepSpec::validate`] does; errors say which part is wrong.
    pub fn spec(&self, strategies: &[Strategy]) -> Result<SweepSpec, String> {
        let base = strategies.get(self.base).ok_or_else(|| {
            format!("it varies strategy {}, but there are {}", self.base.saturating_add(1), strategies.len())
        })?;
        if self.dims.len() > MAX_DIMS {
            return Err(format!("{} dimensions; at most {MAX_DIMS}", self.dims.len()));
        }
        let dims = self.dims.iter().map(|(k, t)| SweepDim::parse(k, t)).collect::<Result<Vec<_>, _>>()?;
        let spec = SweepSpec { base: base.clone(), dims, metric: self.metric };
        spec.validate()?;
        Ok(spec)
    }
}

/// Serde of a [`MetricId`] as its stable key (`"sharpe"`).
mod metric_key {
    use crate::metrics::MetricId;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(id: &MetricId, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(id.info().key)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<MetricId, D::Error> {
        let key = String::deserialize(d)?;
        MetricId::ALL
            .iter()
            .copied()
            .find(|m| m.info().key == key)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown metric '{key}'")))
    }
}

#[cfg(test)]
mod tests;
