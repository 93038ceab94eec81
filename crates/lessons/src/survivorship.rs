//! Lesson 8: survivorship bias, the coins that died.

use engine::{Panel, Schedule, Strategy, TradeReason, Weighting};

use crate::format::{pct, pts, signed};
use crate::measures::{cagr, curve_cagr, date_at};
use crate::{market, strat, Control, Inputs, Lesson, Readout, Setup, Table};

/// A CAGR difference below this (0.01 point) counts as no difference.
pub const TOLERANCE: f64 = 1e-4;

pub const LESSON: Lesson = Lesson {
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
    setup,
    readout,
    questions: &[
        "Which index is hurt more by leaving out the dead coins, equal or cap weighting? Why?",
        "A website lists today's Top 100 with ten years of prices. What would a backtest on it overstate?",
        "Can leaving out dead coins ever lower a backtest's return? When?",
    ],
};

pub fn setup(v: f64) -> Setup {
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

/// The panel without the assets that stop trading before its last day, and
/// how many were removed.
pub fn survivors(p: &Panel) -> Result<(Panel, usize), String> {
    let n = p.n_days();
    let keep: Vec<usize> = (0..p.n_assets()).filter(|&a| !p.assets()[a].delisted(n)).collect();
    let dead = p.n_assets() - keep.len();
    let panel = p.select_assets(&keep).map_err(|e| format!("The survivors-only data could not be built: {e}"))?;
    Ok((panel, dead))
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub name: String,
    pub with_dead: f64,
    pub survivors_only: f64,
    pub delisting_sales: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Numbers {
    pub dead: usize,
    pub assets: usize,
    pub last_date: String,
    pub rows: Vec<Row>,
}

pub fn numbers(i: &Inputs) -> Result<Numbers, String> {
    let p = i.panel;
    if i.runs.is_empty() {
        return Err("No strategy ran. Press \"Reload lesson setup\".".into());
    }
    let (alive, dead) = survivors(p)?;
    let mut rows = Vec::new();
    for (s, run) in &i.runs {
        let st = Strategy { initial_capital: i.capital, ..(*s).clone() };
        let on_alive = engine::simulate(&alive, &st).map_err(|e| e.to_string())?;
        rows.push(Row {
            name: s.name.clone(),
            with_dead: cagr(run),
            survivors_only: curve_cagr(&on_alive.equity, run.metrics.periods_per_year),
            delisting_sales: run.sim.trades.iter().filter(|t| t.reason == TradeReason::Delisting).count(),
        });
    }
    Ok(Numbers { dead, assets: p.n_assets(), last_date: date_at(p, p.n_days() - 1), rows })
}

pub fn words(n: &Numbers) -> Readout {
    let mut lines = vec![format!(
        "{} of the {} coins stopped trading before {} (their prices end early); the survivors-only copy of the data \
         keeps the other {}.",
        n.dead,
        n.assets,
        n.last_date,
        n.assets - n.dead
    )];
    if n.dead == 0 {
        lines.push("No coin died in this range, so a survivors-only backtest would show no bias here.".into());
    }
    for r in &n.rows {
        let bias = r.survivors_only - r.with_dead;
        lines.push(format!(
            "{}: CAGR {} with the dead coins, {} without them. {}",
            r.name,
            pct(r.with_dead),
            pct(r.survivors_only),
            if bias > TOLERANCE {
                format!(
                    "Leaving the dead coins out flatters the backtest by {} a year{}",
                    pts(bias),
                    if r.delisting_sales == 0 {
                        ": this index never held a coin on the day it died, but the dead coins took places in its \
                         list before they died, places the survivors-only copy gives to other coins."
                    } else {
                        "."
                    }
                )
            } else if bias < -TOLERANCE {
                format!(
                    "Here leaving them out lowers the result by {}: the coins that take the dead coins' places in \
                     the survivors-only index did worse than the dead coins did while they were held, so the bias \
                     goes the unusual way.",
                    pts(bias)
                )
            } else {
                "The dead coins made no difference to this index.".into()
            }
        ));
    }
    let table = Table {
        head: crate::head(&["Index", "CAGR, all coins", "CAGR, survivors only", "Bias (pts)", "Delisting sales"]),
        rows: n
            .rows
            .iter()
            .map(|r| {
                vec![
                    r.name.clone(),
                    pct(r.with_dead),
                    pct(r.survivors_only),
                    signed(r.survivors_only - r.with_dead),
                    r.delisting_sales.to_string(),
                ]
            })
            .collect(),
    };
    Readout { lines, table: Some(table), chart: None }
}

pub fn readout(i: &Inputs) -> Result<Readout, String> {
    Ok(words(&numbers(i)?))
}
