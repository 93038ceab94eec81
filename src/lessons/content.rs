//! The lessons: what each one sets up (data dials, strategies, tab), what to
//! look at, and the one dial a student can turn. The readouts live in
//! `readout.rs`; nothing here states a result.

use engine::scenario::{ChartView, DataRef, Scenario};
use engine::strategy::{Costs, Regime, RegimeReference};
use engine::synth::MarketParams;
use engine::{Schedule, Strategy, Universe, Weighting};

use crate::compute::Results;
use crate::lessons::readout::{self, Readout};

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

pub struct Lesson {
    pub id: &'static str,
    pub title: &'static str,
    /// What to look at (2-4 sentences).
    pub look: &'static str,
    pub control: Control,
    pub setup: fn(f64) -> Setup,
    pub readout: fn(&Results) -> Result<Readout, String>,
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
            initial_capital: 10_000.0,
            view: ChartView {
                tab: s.tab.to_string(),
                focus: s.focus,
                dark,
                lesson: Some(self.id.to_string()),
                ..ChartView::default()
            },
            sweep: None,
        }
    }
}

pub fn find(id: &str) -> Option<(usize, &'static Lesson)> {
    LESSONS.iter().enumerate().find(|(_, l)| l.id == id)
}

fn market() -> MarketParams {
    MarketParams::default()
}

/// A strategy on the top `n` coins by market cap (stablecoins excluded by default).
fn strat(name: String, n: usize, weighting: Weighting, rebalance: Schedule) -> Strategy {
    Strategy {
        name,
        universe: Universe { top_n: Some(n), ..Universe::default() },
        weighting,
        rebalance,
        ..Strategy::default()
    }
}

pub fn schedule_name(s: Schedule) -> String {
    match s {
        Schedule::Daily => "daily".into(),
        Schedule::Weekly => "weekly".into(),
        Schedule::Monthly => "monthly".into(),
        Schedule::Quarterly => "quarterly".into(),
        Schedule::Yearly => "yearly".into(),
        Schedule::EveryNDays(n) => format!("every {n} days"),
        Schedule::Never => "never (buy and hold)".into(),
    }
}

fn what_they_hold(v: f64) -> Setup {
    let n = v as usize;
    Setup {
        market: market(),
        strategies: vec![
            strat(format!("Top {n}, cap-weighted, monthly"), n, Weighting::MarketCap, Schedule::Monthly),
            strat(format!("Top {n}, equal-weighted, monthly"), n, Weighting::Equal, Schedule::Monthly),
        ],
        tab: "weights",
        focus: Some(0),
    }
}

fn winners_grow(v: f64) -> Setup {
    Setup {
        market: MarketParams { dispersion: v, ..market() },
        strategies: vec![
            strat("Top 20, cap-weighted, never rebalanced".into(), 20, Weighting::MarketCap, Schedule::Never),
            strat("Top 20, equal-weighted, monthly".into(), 20, Weighting::Equal, Schedule::Monthly),
        ],
        tab: "weights",
        focus: Some(0),
    }
}

fn volatility_drag(v: f64) -> Setup {
    Setup {
        market: MarketParams { volatility: v, ..market() },
        strategies: vec![
            strat("Top 50, cap-weighted, monthly".into(), 50, Weighting::MarketCap, Schedule::Monthly),
            strat("Top 50, equal-weighted, never rebalanced".into(), 50, Weighting::Equal, Schedule::Never),
            strat("Top 50, equal-weighted, monthly".into(), 50, Weighting::Equal, Schedule::Monthly),
        ],
        tab: "rolling",
        focus: Some(2),
    }
}

pub const FREQUENCIES: [Schedule; 5] =
    [Schedule::Daily, Schedule::Weekly, Schedule::Monthly, Schedule::Quarterly, Schedule::Never];

fn rebalance_costs(v: f64) -> Setup {
    let strategies = FREQUENCIES
        .iter()
        .map(|&s| Strategy {
            costs: Costs { fee_bps: v, ..Costs::default() },
            ..strat(format!("Top 30, equal, {}", schedule_name(s)), 30, Weighting::Equal, s)
        })
        .collect();
    Setup { market: market(), strategies, tab: "turnover", focus: Some(0) }
}

fn concentration(v: f64) -> Setup {
    let n = v as usize;
    Setup {
        market: market(),
        strategies: vec![
            strat(format!("Top {n}, cap-weighted, weekly"), n, Weighting::MarketCap, Schedule::Weekly),
            strat("Top 100, cap-weighted, weekly".into(), 100, Weighting::MarketCap, Schedule::Weekly),
            strat(format!("Top {n}, equal-weighted, weekly"), n, Weighting::Equal, Schedule::Weekly),
            strat("Top 100, equal-weighted, weekly".into(), 100, Weighting::Equal, Schedule::Weekly),
        ],
        tab: "rolling",
        focus: Some(1),
    }
}

fn calm_volatile(v: f64) -> Setup {
    Setup {
        market: MarketParams { volatility: v, ..market() },
        strategies: vec![
            strat("Top 20, cap-weighted, weekly".into(), 20, Weighting::MarketCap, Schedule::Weekly),
            strat("Top 20, equal-weighted, weekly".into(), 20, Weighting::Equal, Schedule::Weekly),
        ],
        tab: "rolling",
        focus: Some(0),
    }
}

fn crash_correlation(v: f64) -> Setup {
    Setup {
        market: MarketParams { crash_severity: v, ..market() },
        strategies: vec![
            strat("Top 20, cap-weighted, weekly".into(), 20, Weighting::MarketCap, Schedule::Weekly),
            strat("Top 20, equal-weighted, weekly".into(), 20, Weighting::Equal, Schedule::Weekly),
        ],
        tab: "rolling",
        focus: Some(0),
    }
}

fn survivorship(v: f64) -> Setup {
    let n = v as usize;
    Setup {
        market: market(),
        strategies: vec![
            strat(format!("Top {n}, equal-weighted, monthly"), n, Weighting::Equal, Schedule::Monthly),
            strat(format!("Top {n}, cap-weighted, monthly"), n, Weighting::MarketCap, Schedule::Monthly),
        ],
        tab: "log",
        focus: Some(0),
    }
}

fn regime_rule(v: f64) -> Setup {
    let days = v as usize;
    let plain = strat("Top 20, cap-weighted, weekly".into(), 20, Weighting::MarketCap, Schedule::Weekly);
    let rule = Strategy {
        name: format!("Top 20, cap-weighted, weekly, to stablecoins below the {days}-day average"),
        regime: Some(Regime { reference: RegimeReference::TotalMarketCap, sma_days: days, cash_fraction: 1.0 }),
        ..plain.clone()
    };
    Setup { market: market(), strategies: vec![plain, rule], tab: "log", focus: Some(1) }
}

pub static LESSONS: [Lesson; 9] = [
    Lesson {
        id: "what-they-hold",
        title: "What cap weighting and equal weighting hold",
        look: "Both indexes own the same coins; only the weights differ. The weights chart shows the \
               cap-weighted index: one or two coloured bands take most of the height. Pick the equal-weighted \
               index in the Strategy selector above the weights chart: even slices, reset every month. \
               Effective N (1 / sum of squared weights) counts how many equal holdings the portfolio is \"worth\".",
        control: Control {
            label: "Coins in the index",
            options: &[("Top 10", 10.0), ("Top 20", 20.0), ("Top 50", 50.0)],
            default: 20.0,
            help: "More coins change equal weighting a lot and cap weighting very little.",
        },
        setup: what_they_hold,
        readout: readout::what_they_hold,
    },
    Lesson {
        id: "winners-grow",
        title: "Automatic risk adjustment: winners grow without trading",
        look: "A cap-weighted index bought once and never traded keeps its weights in line with market caps \
               by itself: a coin that beats the rest gains weight in proportion, with no trade. The equal-weighted index must sell its \
               winners every month to stay equal. Compare the turnover, and how the largest holding changes \
               from the first day to the last.",
        control: Control {
            label: "Spread of coins' long-run returns (dispersion)",
            options: &[("x0.5", 0.5), ("x1", 1.0), ("x2", 2.0)],
            default: 1.0,
            help: "With more dispersion the winners run further ahead of the rest.",
        },
        setup: winners_grow,
        readout: readout::winners_grow,
    },
    Lesson {
        id: "volatility-drag",
        title: "Volatility drag and the rebalancing premium",
        look: "Three curves split the gap between equal and cap weighting: equal weight bought once and left \
               alone (the size tilt: owning small coins), equal weight rebalanced monthly (adds the rebalancing \
               effect) and the same after costs. The arithmetic average return overstates growth: a fall of 50% \
               needs a rise of 100% to recover, so compound growth is roughly the average minus half the variance.",
        control: Control {
            label: "Market volatility",
            options: &[("x0.5", 0.5), ("x1", 1.0), ("x1.5", 1.5), ("x2", 2.0)],
            default: 1.0,
            help: "Volatility drag grows with the square of volatility.",
        },
        setup: volatility_drag,
        readout: readout::volatility_drag,
    },
    Lesson {
        id: "rebalance-costs",
        title: "Rebalance frequency against costs",
        look: "The same equal-weighted Top 30 rebalanced daily, weekly, monthly, quarterly or never. Frequent \
               rebalancing tracks the target closely but trades a lot; each trade pays the fee. The turnover tab \
               shows how much each schedule trades. Raise the fee and watch which schedule wins.",
        control: Control {
            label: "Fee per trade",
            options: &[("10 bp", 10.0), ("50 bp", 50.0), ("100 bp", 100.0)],
            default: 10.0,
            help: "1 bp = 0.01% of the value traded.",
        },
        setup: rebalance_costs,
        readout: readout::rebalance_costs,
    },
    Lesson {
        id: "top10-vs-top100",
        title: "Top 10 against Top 100",
        look: "Does owning ten times more coins diversify a crypto index? Compare the number of holdings with \
               the effective N, and the volatility and worst drawdown of each index, in the metrics table and \
               the rolling volatility chart.",
        control: Control {
            label: "The small index holds",
            options: &[("Top 5", 5.0), ("Top 10", 10.0), ("Top 20", 20.0)],
            default: 10.0,
            help: "The large index always holds the top 100.",
        },
        setup: concentration,
        readout: readout::concentration,
    },
    Lesson {
        id: "calm-vs-volatile",
        title: "Calm against volatile markets",
        look: "Days are split into calm and volatile by the 30-day volatility of the whole (cap-weighted) \
               market: the quieter half and the wilder half. Each index's return is measured on each half \
               separately. One market is one story, so the Monte Carlo button repeats the race on fresh \
               small markets at three volatility levels.",
        control: Control {
            label: "Market volatility",
            options: &[("x0.5", 0.5), ("x1", 1.0), ("x2", 2.0)],
            default: 1.0,
            help: "Changes the market on screen; the Monte Carlo always tries x0.5, x1 and x2.",
        },
        setup: calm_volatile,
        readout: readout::calm_volatile,
    },
    Lesson {
        id: "crash-correlation",
        title: "Correlation surges in crashes",
        look: "Diversification works when coins move independently. The chart below shows the average \
               correlation between the 20 largest coins over the last 60 days. Compare it between the dates of \
               the market's worst drawdown (given in the readout) with the rest of the time.",
        control: Control {
            label: "Crash severity",
            options: &[("none", 0.0), ("x1", 1.0), ("x2", 2.0)],
            default: 1.0,
            help: "x1 is roughly a 63% fall of the market.",
        },
        setup: crash_correlation,
        readout: readout::crash_correlation,
    },
    Lesson {
        id: "survivorship",
        title: "Survivorship bias: the coins that died",
        look: "A data set of today's coins leaves out the ones that died along the way. The readout runs the \
               same rules twice: on all coins, and on a copy of the data with every coin that stopped trading \
               removed, as if they had never existed. The difference is the bias of a survivors-only backtest.",
        control: Control {
            label: "Coins in the index",
            options: &[("Top 20", 20.0), ("Top 50", 50.0), ("Top 100", 100.0)],
            default: 50.0,
            help: "A deeper index reaches further down the list, into the small coins.",
        },
        setup: survivorship,
        readout: readout::survivorship,
    },
    Lesson {
        id: "regime-stablecoins",
        title: "A regime rule that moves to stablecoins",
        look: "The second index holds the same Top 20, but whenever the total crypto market cap closes below \
               its moving average it sells everything for stablecoins, and buys back when it closes above. The \
               trade log lists those switches. Compare drawdowns, returns and fees.",
        control: Control {
            label: "Moving average",
            options: &[("50 days", 50.0), ("100 days", 100.0), ("200 days", 200.0)],
            default: 200.0,
            help: "A shorter average reacts sooner and switches more often.",
        },
        setup: regime_rule,
        readout: readout::regime_rule,
    },
];
