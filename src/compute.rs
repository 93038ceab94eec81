//! Derived results: everything the charts and tables show, computed from the
//! state by the engine and memoised by the component tree (never stored in
//! the state).

use charts::{draw_bars, draw_drawdown, draw_growth, draw_monthly_heatmap, draw_rolling, draw_weights};
use charts::{Bars, CoordMap, DrawResult, MonthlyRow, RGBColor, Series, Theme, ValueFormat, View, YAxis};
use engine::compare::{benchmark_in_use, compare_cached, default_benchmark, Run, SimCache};
use engine::metrics::{drawdown_series, returns, rolling_sharpe, rolling_volatility, MetricsOptions};
use engine::{Date, Panel};
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};
use std::rc::Rc;

use crate::state::{AppState, StrategyEntry};

/// An `Rc` compared by identity, for memo keys: holding it keeps the value
/// alive, so an address is never reused while the key exists.
pub struct ByPtr<T>(pub Rc<T>);

impl<T> Clone for ByPtr<T> {
    fn clone(&self) -> Self {
        ByPtr(self.0.clone())
    }
}

impl<T> PartialEq for ByPtr<T> {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.0, &o.0)
    }
}

/// A prop held `ByPtr` is given as the `Rc` itself.
impl<T> yew::html::IntoPropValue<ByPtr<T>> for Rc<T> {
    fn into_prop_value(self) -> ByPtr<T> {
        ByPtr(self)
    }
}

/// Reads through to the value, so a prop held `ByPtr` is used as the value.
impl<T> std::ops::Deref for ByPtr<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// Runs `f` and records it as a `performance.measure` named `name`, shown in
/// the browser's performance tools and read by `e2e/bench/page.mjs` (names:
/// `indexlab:simulate`, `indexlab:chart-data`, `indexlab:paint:<chart>`).
/// Each name keeps only its latest measure, so the timeline does not grow
/// while the page is used.
pub fn measured<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let Some(perf) = gloo::utils::window().performance() else { return f() };
    let start = format!("{name}:start");
    let _ = perf.mark(&start);
    let out = f();
    perf.clear_measures_with_measure_name(name);
    let _ = perf.measure_with_start_mark(name, &start);
    perf.clear_marks_with_mark_name(&start);
    out
}

/// The data a comparison ran on: the state's panel and the simulated range.
type DataKey = (ByPtr<Panel>, (usize, usize));

/// What the page keeps from one comparison to the next, so that a change to
/// one strategy costs one strategy's simulations: the panel cut to the
/// range, and the simulations of the strategies that did not change
/// ([`SimCache`]: the same numbers as computing everything again).
#[derive(Default)]
pub struct Reuse {
    cut: Option<(DataKey, Rc<Panel>)>,
    sims: SimCache<DataKey>,
}

/// One strategy's outcome in the comparison.
pub struct Outcome {
    pub entry: StrategyEntry,
    /// Shared with the cache of runs ([`Reuse`]): an unchanged strategy's run
    /// is not copied.
    pub result: Result<Rc<Run>, String>,
}

/// All simulations of the current state, on the simulated date range.
pub struct Results {
    pub panel: Rc<Panel>,
    pub outcomes: Vec<Outcome>,
    /// Id of the benchmark strategy (`engine::compare::default_benchmark`).
    pub benchmark: Option<u32>,
    /// Wall time of the simulations and metrics, in milliseconds (`performance.now()`).
    pub elapsed_ms: f64,
}

impl Results {
    /// Simulates every strategy of `state` (costs, capital and range
    /// applied), reusing what `reuse` kept from the last comparison.
    pub fn compute(state: &AppState, reuse: &mut Reuse) -> Results {
        measured("indexlab:simulate", || Results::compute_now(state, reuse))
    }

    fn compute_now(state: &AppState, reuse: &mut Reuse) -> Results {
        let clock = gloo::utils::window().performance();
        let started = clock.as_ref().map(|p| p.now());
        let key: DataKey = (ByPtr(state.panel.clone()), state.range);
        let cut = reuse.cut.as_ref().filter(|(k, _)| *k == key).map(|(_, p)| p.clone());
        let prepared = match cut {
            Some(panel) => state.strategies_prepared(&panel).map(|s| (panel, s)),
            None => state.prepared(),
        };
        let (panel, strategies) = match prepared {
            Ok(run) => run,
            Err(e) => return Results::failed(state, e),
        };
        reuse.cut = Some((key.clone(), panel.clone()));
        let bench_idx = default_benchmark(&strategies);
        // Engine errors become text here, at the app's edge.
        let opts = MetricsOptions::default();
        let runs: Vec<Result<Rc<Run>, String>> =
            compare_cached(&mut reuse.sims, key, &panel, &strategies, bench_idx, &opts)
                .into_iter()
                .map(|r| r.map_err(String::from))
                .collect();
        // A benchmark that held nothing was not used (its run says why).
        let bench_idx = benchmark_in_use(&runs, bench_idx);
        let outcomes =
            state.strategies.iter().cloned().zip(runs).map(|(entry, result)| Outcome { entry, result }).collect();
        let elapsed_ms = match (clock, started) {
            (Some(p), Some(t0)) => p.now() - t0,
            _ => f64::NAN,
        };
        Results { panel, outcomes, benchmark: bench_idx.map(|i| state.strategies[i].id), elapsed_ms }
    }

    /// Every strategy failing with `error` (the state's scenario cannot run
    /// on its data).
    pub fn failed(state: &AppState, error: String) -> Results {
        let outcomes =
            state.strategies.iter().map(|entry| Outcome { entry: entry.clone(), result: Err(error.clone()) }).collect();
        Results { panel: state.panel.clone(), outcomes, benchmark: None, elapsed_ms: f64::NAN }
    }

    /// No results: what the page shows until a background comparison
    /// delivers, or while a heavy one waits for the user's Run.
    pub fn empty(state: &AppState) -> Results {
        Results { panel: state.panel.clone(), outcomes: Vec::new(), benchmark: None, elapsed_ms: f64::NAN }
    }

    /// The strategies that ran, with their runs.
    pub fn ok(&self) -> impl Iterator<Item = (&StrategyEntry, &Run)> {
        self.outcomes.iter().filter_map(|o| o.result.as_ref().ok().map(|r| (&o.entry, &**r)))
    }

    pub fn find(&self, id: u32) -> Option<(&StrategyEntry, &Run)> {
        self.ok().find(|(e, _)| e.id == id)
    }
}

/// The charts on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    Growth,
    Drawdown,
    Weights,
    RollingVolatility,
    RollingSharpe,
    Monthly,
    Turnover,
}

impl ChartKind {
    pub fn file_stem(self) -> &'static str {
        match self {
            ChartKind::Growth => "growth",
            ChartKind::Drawdown => "drawdown",
            ChartKind::Weights => "weights",
            ChartKind::RollingVolatility => "rolling-volatility",
            ChartKind::RollingSharpe => "rolling-sharpe",
            ChartKind::Monthly => "monthly-returns",
            ChartKind::Turnover => "turnover",
        }
    }
}

/// Per-strategy series ready for drawing.
pub struct Line {
    pub name: String,
    pub color: RGBColor,
    pub equity: Vec<f64>,
    pub drawdown: Vec<f64>,
    pub rolling_vol: Vec<f64>,
    pub rolling_sharpe: Vec<f64>,
    /// `(day, two-sided turnover)` of each rebalance.
    pub turnover: Vec<(usize, f64)>,
}

/// Everything the charts draw, prepared once per result and view.
pub struct ChartData {
    pub dates: Vec<Date>,
    pub lines: Vec<Line>,
    /// Name of the strategy whose weights and monthly returns are shown.
    pub focus_name: String,
    pub asset_names: Vec<String>,
    /// The focused strategy's holdings per day: `(asset, weight)`, ascending
    /// by asset (only what it holds, a few of possibly hundreds of assets).
    pub weights: Vec<Vec<(usize, f64)>>,
    pub monthly: Vec<MonthlyRow>,
    pub rolling_window: usize,
}

impl ChartData {
    /// `with_weights`: build the weights per day (only the Weights tab draws
    /// them, and they are the largest piece on wide panels).
    pub fn prepare(
        results: &Results,
        focus: Option<u32>,
        rolling_window: usize,
        with_weights: bool,
        palette: &Theme,
    ) -> ChartData {
        measured("indexlab:chart-data", || {
            ChartData::prepare_now(results, focus, rolling_window, with_weights, palette)
        })
    }

    fn prepare_now(
        results: &Results,
        focus: Option<u32>,
        rolling_window: usize,
        with_weights: bool,
        palette: &Theme,
    ) -> ChartData {
        let panel = &results.panel;
        let lines: Vec<Line> = results
            .ok()
            .map(|(e, run)| {
                let eq = &run.sim.equity;
                let r = returns(eq);
                let ppy = run.metrics.periods_per_year;
                // Rolling series are per return; align them to days by a leading NaN.
                let align = |v: Vec<f64>| std::iter::once(f64::NAN).chain(v).collect::<Vec<f64>>();
                Line {
                    name: e.strategy.name.clone(),
                    color: palette.series_color(e.color),
                    equity: eq.clone(),
                    drawdown: drawdown_series(eq),
                    rolling_vol: align(rolling_volatility(&r, rolling_window, ppy)),
                    rolling_sharpe: align(rolling_sharpe(&r, rolling_window, ppy, 0.0)),
                    turnover: run.sim.rebalances.iter().map(|rb| (rb.day, 2.0 * rb.turnover)).collect(),
                }
            })
            .collect();
        let focused = focus.and_then(|id| results.find(id)).or_else(|| results.ok().next());
        let (focus_name, weights, monthly) = match focused {
            Some((e, run)) => {
                let days = if with_weights { panel.n_days() } else { 0 };
                let weights: Vec<Vec<(usize, f64)>> = (0..days).map(|t| run.sim.weights_at(panel, t)).collect();
                let monthly = run
                    .metrics
                    .monthly_table()
                    .into_iter()
                    .map(|row| (row.year, row.months, Some(row.year_return)))
                    .collect();
                (e.strategy.name.clone(), weights, monthly)
            }
            None => (String::new(), Vec::new(), Vec::new()),
        };
        ChartData {
            dates: panel.dates().to_vec(),
            lines,
            focus_name,
            asset_names: panel.assets().iter().map(|a| a.id.clone()).collect(),
            weights,
            monthly,
            rolling_window,
        }
    }

    /// Draws one chart on any plotters backend (canvas in the page, SVG for downloads).
    pub fn paint<DB: DrawingBackend>(
        &self,
        kind: ChartKind,
        area: &DrawingArea<DB, Shift>,
        view: View,
        log_scale: bool,
        theme: &Theme,
    ) -> DrawResult<CoordMap> {
        let series = |pick: fn(&Line) -> &Vec<f64>| -> Vec<Series<'_>> {
            self.lines.iter().map(|l| Series::new(&l.name, l.color, pick(l))).collect()
        };
        match kind {
            ChartKind::Growth => draw_growth(area, &self.dates, &series(|l| &l.equity), log_scale, view, theme),
            ChartKind::Drawdown => draw_drawdown(area, &self.dates, &series(|l| &l.drawdown), view, theme),
            ChartKind::Weights => {
                let names: Vec<&str> = self.asset_names.iter().map(String::as_str).collect();
                draw_weights(area, &self.dates, &names, &self.weights, 8, view, theme)
            }
            ChartKind::RollingVolatility => {
                let title = format!("Rolling {}-day volatility (annualised)", self.rolling_window);
                let axis = YAxis { title: &title, label: "volatility", format: ValueFormat::Share };
                draw_rolling(area, &self.dates, &series(|l| &l.rolling_vol), &axis, view, theme)
            }
            ChartKind::RollingSharpe => {
                let title = format!("Rolling {}-day Sharpe ratio (rf = 0%)", self.rolling_window);
                let axis = YAxis { title: &title, label: "Sharpe", format: ValueFormat::Number };
                draw_rolling(area, &self.dates, &series(|l| &l.rolling_sharpe), &axis, view, theme)
            }
            ChartKind::Monthly => {
                // The heatmap has no date axis: hover and zoom do not apply.
                draw_monthly_heatmap(area, &self.monthly, theme)?;
                Ok(CoordMap::empty((0, 0, 0, 0)))
            }
            ChartKind::Turnover => {
                let bars: Vec<Bars<'_>> =
                    self.lines.iter().map(|l| Bars { name: &l.name, color: l.color, points: &l.turnover }).collect();
                let axis = YAxis {
                    title: "Turnover per rebalance (two-sided)",
                    label: "turnover",
                    format: ValueFormat::Share,
                };
                draw_bars(area, &self.dates, &bars, &axis, view, theme)
            }
        }
    }
}
