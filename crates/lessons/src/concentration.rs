//! Lesson 5: Top 10 against Top 100.

use engine::compare::Run;
use engine::{Schedule, Strategy, Weighting};

use crate::format::{opt, pct, pts};
use crate::measures::{average_top_weight, cagr};
use crate::{is_cap, is_equal, market, strat, Control, Inputs, Lesson, Readout, Setup, Table};

pub const LESSON: Lesson = Lesson {
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
    setup,
    readout,
    questions: &[
        "If coins were independent, what would 10 times more equal holdings do to volatility? What did they do here?",
        "Volatility and the worst drawdown can move in opposite directions when coins are added. What does each measure?",
        "Why does adding 90 coins barely change a cap-weighted index?",
    ],
};

pub fn setup(v: f64) -> Setup {
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

/// One index's numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct Index {
    pub name: String,
    pub holdings: f64,
    pub eff_n: f64,
    pub top_weight: f64,
    pub volatility: f64,
    /// Negative: -0.75 is a 75% fall.
    pub max_drawdown: f64,
    pub cagr: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Numbers {
    pub cap_small: Index,
    pub cap_large: Index,
    /// Equal-weighted small and large, when both ran.
    pub equal: Option<(Index, Index)>,
}

/// How a risk measure moved from the small index to the large one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Lower,
    Higher,
    Same,
}

/// Changes smaller than this (half a point) count as no change.
pub const SAME: f64 = 0.005;

/// Volatility: lower is less risk.
pub fn vol_move(small: &Index, large: &Index) -> Move {
    let d = large.volatility - small.volatility;
    if d < -SAME {
        Move::Lower
    } else if d > SAME {
        Move::Higher
    } else {
        Move::Same
    }
}

/// Drawdown risk: `Lower` when the large index's worst fall is shallower.
pub fn drawdown_move(small: &Index, large: &Index) -> Move {
    let d = large.max_drawdown - small.max_drawdown;
    if d > SAME {
        Move::Lower
    } else if d < -SAME {
        Move::Higher
    } else {
        Move::Same
    }
}

fn index(s: &Strategy, run: &Run, panel: &engine::Panel) -> Index {
    Index {
        name: s.name.clone(),
        holdings: opt(run.metrics.avg_holdings),
        eff_n: opt(run.metrics.avg_effective_n),
        top_weight: average_top_weight(run, panel).0,
        volatility: opt(run.metrics.volatility),
        max_drawdown: run.metrics.max_drawdown,
        cagr: cagr(run),
    }
}

pub fn numbers(i: &Inputs) -> Result<Numbers, String> {
    let top = |s: &Strategy| s.universe.top_n.unwrap_or(usize::MAX);
    let pick = |want: fn(&Strategy) -> bool, small: bool| {
        let mut v: Vec<(&Strategy, &Run)> = i.runs.iter().copied().filter(|(s, _)| want(s)).collect();
        engine::sort::sort_by_key(&mut v, |(s, _)| top(s));
        if small {
            v.first().copied()
        } else {
            v.last().copied()
        }
    };
    let missing =
        || "This readout needs a small and a large cap-weighted index. Press \"Reload lesson setup\".".to_string();
    let (cs, cl) = (pick(is_cap, true).ok_or_else(missing)?, pick(is_cap, false).ok_or_else(missing)?);
    if top(cs.0) == top(cl.0) {
        return Err(missing());
    }
    let equal = match (pick(is_equal, true), pick(is_equal, false)) {
        (Some(a), Some(b)) if top(a.0) != top(b.0) => Some((index(a.0, a.1, i.panel), index(b.0, b.1, i.panel))),
        _ => None,
    };
    Ok(Numbers { cap_small: index(cs.0, cs.1, i.panel), cap_large: index(cl.0, cl.1, i.panel), equal })
}

fn moved(m: Move, lower: &str, higher: &str) -> String {
    match m {
        Move::Lower => lower.into(),
        Move::Higher => higher.into(),
        Move::Same => "within half a point".into(),
    }
}

/// "volatility from 60.1% to 55.0% (lower) and the worst drawdown from ... (shallower)".
fn risk_change(s: &Index, l: &Index) -> String {
    format!(
        "volatility from {} to {} ({}) and the worst drawdown from {} to {} ({})",
        pct(s.volatility),
        pct(l.volatility),
        moved(vol_move(s, l), "lower", "higher"),
        pct(s.max_drawdown),
        pct(l.max_drawdown),
        moved(drawdown_move(s, l), "shallower", "deeper")
    )
}

/// The conclusion for one weighting from the two risk moves.
pub fn verdict(vol: Move, dd: Move) -> &'static str {
    match (vol, dd) {
        (Move::Lower, Move::Lower) => "more coins lowered both risks",
        (Move::Lower, _) => "more coins lowered volatility but not the worst drawdown",
        (_, Move::Lower) => "more coins made the worst fall shallower but did not lower volatility",
        (Move::Same, Move::Same) => "more coins moved neither risk by as much as half a point",
        _ => "more coins lowered neither volatility nor the worst drawdown; the added smaller coins are wilder than the large ones",
    }
}

pub fn words(n: &Numbers) -> Readout {
    let (cs, cl) = (&n.cap_small, &n.cap_large);
    let mut lines = vec![format!(
        "Cap weighting: going from {:.0} to {:.0} holdings moved effective N from {:.1} to {:.1}, {}: {}.",
        cs.holdings,
        cl.holdings,
        cs.eff_n,
        cl.eff_n,
        risk_change(cs, cl),
        verdict(vol_move(cs, cl), drawdown_move(cs, cl))
    )];
    let decoration = cl.eff_n < 2.0 * cs.eff_n
        && (cs.volatility - cl.volatility).abs() < 0.05
        && (cs.max_drawdown - cl.max_drawdown).abs() < 0.05;
    lines.push(if decoration {
        "So for a cap-weighted index the extra coins are nearly decoration: the few largest dominate either way, \
         and neither risk moved by as much as 5 points."
            .to_string()
    } else {
        format!(
            "Here the extra coins mattered for cap weighting: effective N rose {:.1}-fold, volatility moved by {} \
             and the worst drawdown by {}.",
            cl.eff_n / cs.eff_n.max(1e-9),
            pts(cl.volatility - cs.volatility),
            pts(cl.max_drawdown - cs.max_drawdown)
        )
    });
    if let Some((es, el)) = &n.equal {
        let (vm, dm) = (vol_move(es, el), drawdown_move(es, el));
        lines.push(format!(
            "Equal weighting uses all its coins: effective N {:.1} vs {:.1}; its {}: {}.",
            es.eff_n,
            el.eff_n,
            risk_change(es, el),
            verdict(vm, dm)
        ));
        if vm == Move::Lower {
            // Independent coins of equal volatility: vol scales with 1/sqrt(N).
            let independent = es.volatility * (es.eff_n / el.eff_n.max(1e-9)).sqrt();
            lines.push(format!(
                "Had the coins moved independently, {:.0} equal holdings instead of {:.0} would have cut volatility \
                 to about {}; {}",
                el.eff_n,
                es.eff_n,
                pct(independent),
                if el.volatility > independent * 1.05 {
                    format!("it fell only to {}, because one market factor drives most coins.", pct(el.volatility))
                } else {
                    format!("it fell to {}, about as far as independent coins would take it.", pct(el.volatility))
                }
            ));
        }
    }
    let mut all = vec![cs, cl];
    if let Some((es, el)) = &n.equal {
        all.extend([es, el]);
    }
    let table = Table {
        head: crate::head(&[
            "Index",
            "Holdings",
            "Effective N",
            "Largest weight",
            "Volatility",
            "Max drawdown",
            "CAGR",
        ]),
        rows: all
            .iter()
            .map(|x| {
                vec![
                    x.name.clone(),
                    format!("{:.1}", x.holdings),
                    format!("{:.1}", x.eff_n),
                    pct(x.top_weight),
                    pct(x.volatility),
                    pct(x.max_drawdown),
                    pct(x.cagr),
                ]
            })
            .collect(),
    };
    Readout { lines, table: Some(table), chart: None }
}

pub fn readout(i: &Inputs) -> Result<Readout, String> {
    Ok(words(&numbers(i)?))
}
