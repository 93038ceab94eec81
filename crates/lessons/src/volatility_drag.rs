//! Lesson 3: volatility drag and the rebalancing premium.

use engine::analysis::{attribute_gap, GapAttribution, GapCurves};
use engine::metrics;
use engine::synth::MarketParams;
use engine::{Schedule, Weighting};

use crate::format::{opt, pct, pts, signed};
use crate::measures::cagr;
use crate::premium::{premium, DEFINITION};
use crate::{basket, is_cap, is_equal, market, Control, Inputs, Lesson, Readout, Setup, Table};

/// Coins in the lesson's basket (the same as lesson 4's, so the two quote
/// the same premium on the same market).
pub const BASKET: usize = 30;

pub const LESSON: Lesson = Lesson {
    id: "volatility-drag",
    title: "Volatility drag and the rebalancing premium",
    look: "Three indexes on the same 30 coins (the Top 30 of the first day, never reconstituted) split the gap \
           between equal and cap weighting: cap weight bought once and held, equal weight bought once and held \
           (the size tilt: owning small coins as much as big ones), and equal weight rebalanced monthly (adds the \
           rebalancing premium; the table also shows it before costs). The arithmetic average return overstates \
           growth: a fall of 50% needs a rise of 100% to recover, so compound growth is roughly the average minus \
           half the variance.",
    control: Control {
        label: "Market volatility",
        options: &[("x0.5", 0.5), ("x1", 1.0), ("x1.5", 1.5), ("x2", 2.0)],
        default: 1.0,
        help: "Volatility drag grows with the square of volatility.",
    },
    setup,
    readout,
    questions: &[
        "The rebalanced index can beat the held one even when every coin ends where it started. How?",
        "At which volatility did the rebalancing premium change sign on this market, and what does that say about \
         trends against mean reversion?",
        "Equal weight can beat cap weight while rebalancing loses money. Which part of the gap would you credit, \
         and which would a product brochure credit?",
    ],
};

pub fn setup(v: f64) -> Setup {
    let n = BASKET;
    Setup {
        market: MarketParams { volatility: v, ..market() },
        strategies: vec![
            basket(format!("Top {n} of day one, cap-weighted, held"), n, Weighting::MarketCap, Schedule::Never),
            basket(format!("Top {n} of day one, equal-weighted, held"), n, Weighting::Equal, Schedule::Never),
            basket(format!("Top {n} of day one, equal-weighted, monthly"), n, Weighting::Equal, Schedule::Monthly),
        ],
        tab: "rolling",
        focus: Some(2),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Numbers {
    pub gap: GapAttribution,
    /// The premium of the rebalanced index against the held one ([`crate::premium`]).
    pub premium: f64,
    /// Rebalanced equal weight: annualised arithmetic mean of daily returns,
    /// volatility, CAGR and periods per year.
    pub mean_annual: f64,
    pub volatility: f64,
    pub cagr: f64,
    pub periods_per_year: f64,
}

impl Numbers {
    /// `a - σ²/2`: the continuously compounded growth the rule of thumb predicts.
    pub fn rule_of_thumb(&self) -> f64 {
        self.mean_annual - self.volatility * self.volatility / 2.0
    }

    /// `ln(1 + CAGR)`: the actual continuously compounded growth.
    pub fn log_growth(&self) -> f64 {
        (1.0 + self.cagr).ln()
    }

    /// Whether the rule of thumb lands within a fifth of the drag (at least 1 point).
    pub fn rule_holds(&self) -> bool {
        (self.rule_of_thumb() - self.log_growth()).abs() < 0.2 * (self.volatility * self.volatility / 2.0).max(0.05)
    }
}

pub fn numbers(i: &Inputs) -> Result<Numbers, String> {
    let (_, cap) = i.find("a cap-weighted index", is_cap)?;
    let (_, held) =
        i.find("an equal-weighted index that is never rebalanced", |s| is_equal(s) && s.rebalance == Schedule::Never)?;
    let (_, ew) = i.find("a rebalanced equal-weighted index", |s| is_equal(s) && s.rebalance != Schedule::Never)?;
    let ppy = ew.metrics.periods_per_year;
    let curves = GapCurves {
        cap_net: &cap.sim.equity,
        cap_gross: Some(&cap.gross_equity),
        ew_held: &held.sim.equity,
        ew_gross: &ew.gross_equity,
        ew_net: &ew.sim.equity,
    };
    let gap = attribute_gap(&curves, ppy).map_err(|e| format!("The gap could not be attributed: {e}"))?;
    let rets = metrics::returns(&ew.sim.equity);
    Ok(Numbers {
        premium: premium(ew, held).premium,
        gap,
        mean_annual: opt(metrics::mean(&rets)) * ppy,
        volatility: opt(ew.metrics.volatility),
        cagr: cagr(ew),
        periods_per_year: ppy,
    })
}

/// The part of the gap with the largest size and the total's sign, named.
pub fn main_source(g: &GapAttribution) -> Option<(&'static str, f64)> {
    let parts = [
        ("owning the small coins (the size tilt)", g.size_tilt),
        ("rebalancing (the premium)", g.rebalancing),
        ("trading costs", g.cost_drag + g.cap_costs),
    ];
    parts
        .into_iter()
        .filter(|(_, x)| x.signum() == g.total.signum() && *x != 0.0)
        .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
}

pub fn words(n: &Numbers) -> Readout {
    let g = &n.gap;
    let mut lines = vec![format!(
        "Equal weight, rebalanced monthly and after costs, {} cap weight bought and held by {} of CAGR ({} vs {}).",
        if g.total >= 0.0 { "beat" } else { "trailed" },
        pts(g.total),
        pct(g.cagr_ew_net),
        pct(g.cagr_cap_net)
    )];
    lines.push(format!(
        "Where the gap comes from, in points of CAGR: owning the small coins (equal weight held vs cap weight \
         held) {}; rebalancing {}; equal weight's trading costs {}; cap weight's own costs {}.",
        signed(g.size_tilt),
        signed(g.rebalancing),
        signed(g.cost_drag),
        signed(g.cap_costs)
    ));
    if let Some((what, x)) = main_source(g) {
        lines.push(format!(
            "Most of equal weight's {} came from {what}: {} points.",
            if g.total >= 0.0 { "lead" } else { "deficit" },
            signed(x)
        ));
    }
    lines.push(if n.premium > 0.0 {
        format!(
            "Rebalancing paid here: the rebalancing premium ({DEFINITION}) was {} points a year. Selling what \
             rose and buying what fell earned more than letting the winners run.",
            signed(n.premium)
        )
    } else {
        format!(
            "Rebalancing did not pay here: the rebalancing premium ({DEFINITION}) was {} points a year. Letting \
             the winners run earned more than selling them (the trends beat the premium).",
            signed(n.premium)
        )
    });
    let drag = n.volatility * n.volatility / 2.0;
    lines.push(format!(
        "Arithmetic vs geometric: equal weight's mean daily return × {:.0} (a) is {}, its volatility (σ) {}. \
         Compound growth is about a − σ²/2 = {} − {} = {} a year (continuously compounded); the actual \
         ln(1 + CAGR) is {} (CAGR {}). The σ²/2 of {} between the average and the growth is the volatility drag.",
        n.periods_per_year,
        pct(n.mean_annual),
        pct(n.volatility),
        pct(n.mean_annual),
        pct(drag),
        pct(n.rule_of_thumb()),
        pct(n.log_growth()),
        pct(n.cagr),
        pts(drag)
    ));
    let off = n.rule_of_thumb() - n.log_growth();
    lines.push(if n.rule_holds() {
        format!("The rule of thumb holds within {}.", pts(off))
    } else {
        format!(
            "The rule of thumb is off by {} here: returns this large and fat-tailed break the small-return \
             approximation.",
            pts(off)
        )
    });
    let table = Table {
        head: vec!["Curve".into(), "CAGR".into()],
        rows: vec![
            vec!["Cap weight, held, after costs".into(), pct(g.cagr_cap_net)],
            vec!["Cap weight, held, before costs".into(), pct(opt(g.cagr_cap_gross))],
            vec!["Equal weight, bought once and held".into(), pct(g.cagr_ew_held)],
            vec!["Equal weight, rebalanced, before costs".into(), pct(g.cagr_ew_gross)],
            vec!["Equal weight, rebalanced, after costs".into(), pct(g.cagr_ew_net)],
        ],
    };
    Readout { lines, table: Some(table), chart: None }
}

pub fn readout(i: &Inputs) -> Result<Readout, String> {
    Ok(words(&numbers(i)?))
}
