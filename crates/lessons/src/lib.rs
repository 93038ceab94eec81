//! The lessons of the Learn panel, without any web code: each lesson's setup
//! (market dials and strategies for one value of its dial), the numbers its
//! readout quotes (computed from the runs on screen by the engine) and the
//! words built from those numbers. The app renders a [`Readout`]; the tests
//! sweep every dial value, run the setup natively and check that each
//! sentence's claim agrees with the numbers it quotes.
//!
//! One module per lesson, each with `setup(v)`, `numbers(&Inputs)` and
//! `words(&Numbers)`; [`premium`] holds the one definition of the
//! rebalancing premium that lessons 3 and 4 both use.

pub mod format;
pub mod measures;
pub mod premium;

pub mod calm_volatile;
pub mod concentration;
pub mod crash_correlation;
pub mod rebalance_costs;
pub mod regime_rule;
pub mod survivorship;
pub mod volatility_drag;
pub mod what_they_hold;
pub mod winners_grow;

use engine::compare::{compare, default_benchmark, Run};
use engine::metrics::MetricsOptions;
use engine::scenario::{ChartView, DataRef, Scenario};
use engine::synth::MarketParams;
use engine::{Date, Panel, Schedule, Strategy, Universe, Weighting};

/// Capital every lesson starts with (the app's default).
pub const CAPITAL: f64 = 10_000.0;

/// One dial of a lesson: a few values, each a button.
pub struct Control {
    pub label: &'static str,
    pub options: &'static [(&'static str, f64)],
    pub default: f64,
    /// One sentence on what to expect when turning it.
    pub help: &'static str,
}

/// What a lesson loads for one value of its dial.
pub struct Setup {
    pub market: MarketParams,
    pub strategies: Vec<Strategy>,
    pub tab: &'static str,
    /// Index of the strategy shown in the weights chart and the log.
    pub focus: Option<usize>,
}

impl Setup {
    /// Generates the market and runs the strategies the way the page does
    /// (capital applied, default benchmark, default metric conventions).
    pub fn run(&self) -> (Panel, Vec<Result<Run, String>>) {
        let panel = engine::synth::generate(&self.market);
        let setup =
            engine::prepare::Setup { from: None, to: None, capital: Some(CAPITAL), strategies: &self.strategies };
        let strategies = setup.prepare(&panel).expect("the lessons' capital is valid").strategies;
        let runs = compare(&panel, &strategies, default_benchmark(&strategies), &MetricsOptions::default());
        (panel, runs.into_iter().map(|r| r.map_err(String::from)).collect())
    }
}

/// What a readout reads: the panel the runs were made on and every
/// strategy that ran, in the comparison's order.
pub struct Inputs<'a> {
    pub panel: &'a Panel,
    pub runs: Vec<(&'a Strategy, &'a Run)>,
    /// The starting capital every run used, in currency units.
    pub capital: f64,
}

impl<'a> Inputs<'a> {
    /// The inputs of a [`Setup::run`] (failed runs left out, as on the page).
    pub fn of(panel: &'a Panel, strategies: &'a [Strategy], runs: &'a [Result<Run, String>]) -> Inputs<'a> {
        let runs = strategies.iter().zip(runs).filter_map(|(s, r)| r.as_ref().ok().map(|r| (s, r))).collect();
        Inputs { panel, runs, capital: CAPITAL }
    }

    /// The first strategy matching `pred`, or a message saying what is missing.
    pub fn find(&self, what: &str, pred: impl Fn(&Strategy) -> bool) -> Result<(&'a Strategy, &'a Run), String> {
        self.runs.iter().copied().find(|(s, _)| pred(s)).ok_or_else(|| {
            format!(
                "This readout needs {what} in the comparison, and it is not there (or it failed to run). \
                 Press \"Reload lesson setup\" to bring the lesson's strategies back."
            )
        })
    }
}

/// A small table in a readout.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A table's header row.
pub(crate) fn head(cols: &[&str]) -> Vec<String> {
    cols.iter().map(|c| c.to_string()).collect()
}

/// A line chart of one series over the panel's days, with an optional
/// shaded stretch of days (inclusive indices).
#[derive(Clone, Debug, PartialEq)]
pub struct ReadoutChart {
    pub title: String,
    pub label: String,
    pub name: String,
    pub dates: Vec<Date>,
    pub values: Vec<f64>,
    pub shade: Option<(usize, usize)>,
    /// What the shade marks, for the legend and the text alternative.
    pub shade_label: String,
}

/// What the readout shows: sentences, an optional table and chart.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Readout {
    pub lines: Vec<String>,
    pub table: Option<Table>,
    pub chart: Option<ReadoutChart>,
}

impl Readout {
    /// All sentences as one text (what the tests read).
    pub fn text(&self) -> String {
        self.lines.join(" ")
    }
}

pub struct Lesson {
    pub id: &'static str,
    pub title: &'static str,
    /// What to look at (2-4 sentences).
    pub look: &'static str,
    pub control: Control,
    pub setup: fn(f64) -> Setup,
    pub readout: fn(&Inputs) -> Result<Readout, String>,
    /// Two or three questions for a class discussion.
    pub questions: &'static [&'static str],
}

impl Lesson {
    /// The lesson's scenario for dial value `v` (the lesson id in the view, so
    /// a link made from it reopens the lesson).
    pub fn scenario(&self, v: f64, dark: bool) -> Scenario {
        let s = (self.setup)(v);
        Scenario {
            data: DataRef::Synthetic(s.market),
            strategies: s.strategies,
            range: None,
            initial_capital: CAPITAL,
            view: ChartView {
                tab: s.tab.to_string(),
                focus: s.focus,
                dark,
                lesson: Some(self.id.to_string()),
                ..ChartView::default()
            },
            sweep: None,
            robustness: None,
        }
    }
}

impl Lesson {
    /// The lesson's scenario for dial value `v` on other data (the user's
    /// files): its strategies and view on `data`. A dial that changes the
    /// built-in market ([`Lesson::dial_changes_market`]) has no effect there.
    pub fn scenario_on(&self, v: f64, data: DataRef, dark: bool) -> Scenario {
        Scenario { data, ..self.scenario(v, dark) }
    }

    /// Whether the dial changes the built-in market (volatility, crash,
    /// dispersion) rather than the strategies: on the user's data only the
    /// strategies apply, so such a dial stays at its default there.
    pub fn dial_changes_market(&self) -> bool {
        let opts = self.control.options;
        opts.windows(2).any(|w| (self.setup)(w[0].1).market != (self.setup)(w[1].1).market)
    }

    /// Whether the lesson's rules at dial value `v` fit `panel`: as many
    /// assets as its largest Top N, and a year of days (plus a regime rule's
    /// moving average). The message says what is missing.
    pub fn fits(&self, v: f64, panel: &Panel) -> Result<(), String> {
        let setup = (self.setup)(v);
        let need_assets = setup.strategies.iter().filter_map(|s| s.universe.top_n).max().unwrap_or(1);
        let need_days =
            365 + setup.strategies.iter().filter_map(|s| s.regime.as_ref().map(|r| r.sma_days)).max().unwrap_or(0);
        if panel.n_assets() < need_assets {
            return Err(format!(
                "this lesson compares indexes of up to {need_assets} coins; the loaded data has {}",
                panel.n_assets()
            ));
        }
        if panel.n_days() < need_days {
            return Err(format!(
                "this lesson needs at least {need_days} days of prices; the loaded data has {}",
                panel.n_days()
            ));
        }
        Ok(())
    }
}

pub fn find(id: &str) -> Option<(usize, &'static Lesson)> {
    LESSONS.iter().enumerate().find(|(_, l)| l.id == id)
}

pub(crate) fn market() -> MarketParams {
    MarketParams::default()
}

/// A strategy on the top `n` coins by market cap (stablecoins and copies
/// excluded by default), reconstituted with its rebalancing.
pub(crate) fn strat(name: String, n: usize, weighting: Weighting, rebalance: Schedule) -> Strategy {
    Strategy {
        name,
        universe: Universe { top_n: Some(n), ..Universe::default() },
        weighting,
        rebalance,
        ..Strategy::default()
    }
}

/// A strategy on a fixed basket: the top `n` coins of the first day, never
/// reconstituted (a coin that stops trading is sold), so schedules compare
/// the same coins.
pub(crate) fn basket(name: String, n: usize, weighting: Weighting, rebalance: Schedule) -> Strategy {
    let mut s = strat(name, n, weighting, rebalance);
    s.universe.reconstitution = Some(Schedule::Never);
    s
}

pub(crate) fn is_cap(s: &Strategy) -> bool {
    s.weighting == Weighting::MarketCap
}

pub(crate) fn is_equal(s: &Strategy) -> bool {
    s.weighting == Weighting::Equal
}

pub static LESSONS: [Lesson; 9] = [
    what_they_hold::LESSON,
    winners_grow::LESSON,
    volatility_drag::LESSON,
    rebalance_costs::LESSON,
    concentration::LESSON,
    calm_volatile::LESSON,
    crash_correlation::LESSON,
    survivorship::LESSON,
    regime_rule::LESSON,
];
