//! Lesson 1: what cap weighting and equal weighting hold.

use engine::{Schedule, Weighting};

use crate::format::{opt, pct, pts};
use crate::measures::{asset_name, average_top_weight, cagr};
use crate::{is_cap, is_equal, market, strat, Control, Inputs, Lesson, Readout, Setup};

pub const LESSON: Lesson = Lesson {
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
    setup,
    readout,
    questions: &[
        "If one coin is half of a cap-weighted index, what does the index's return mostly tell you?",
        "Effective N rises with more coins for equal weighting but hardly for cap weighting. Why?",
        "Would you call a cap-weighted Top 50 \"diversified\"? What number would you quote to defend your answer?",
    ],
};

pub fn setup(v: f64) -> Setup {
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

/// What the readout quotes.
#[derive(Clone, Debug, PartialEq)]
pub struct Numbers {
    pub cap_name: String,
    pub ew_name: String,
    /// Average weight of the largest holding.
    pub cap_top: f64,
    pub ew_top: f64,
    /// The coin most often largest in the cap-weighted index.
    pub cap_leader: Option<String>,
    /// Average holdings and average effective N.
    pub cap_holdings: f64,
    pub ew_holdings: f64,
    pub cap_eff_n: f64,
    pub ew_eff_n: f64,
    pub cap_cagr: f64,
    pub ew_cagr: f64,
}

pub fn numbers(i: &Inputs) -> Result<Numbers, String> {
    let (cs, cap) = i.find("a cap-weighted index", is_cap)?;
    let (es, ew) = i.find("an equal-weighted index", is_equal)?;
    let (cap_top, leader) = average_top_weight(cap, i.panel);
    Ok(Numbers {
        cap_name: cs.name.clone(),
        ew_name: es.name.clone(),
        cap_top,
        ew_top: average_top_weight(ew, i.panel).0,
        cap_leader: leader.map(|a| asset_name(i.panel, a)),
        cap_holdings: opt(cap.metrics.avg_holdings),
        ew_holdings: opt(ew.metrics.avg_holdings),
        cap_eff_n: opt(cap.metrics.avg_effective_n),
        ew_eff_n: opt(ew.metrics.avg_effective_n),
        cap_cagr: cagr(cap),
        ew_cagr: cagr(ew),
    })
}

/// The share of its holdings an index's effective N amounts to.
pub fn used_share(eff_n: f64, holdings: f64) -> f64 {
    eff_n / holdings.max(1e-9)
}

pub fn words(n: &Numbers) -> Readout {
    let mut lines = vec![format!(
        "On an average day \"{}\" had {} in its largest coin{}; \"{}\" had {}.",
        n.cap_name,
        pct(n.cap_top),
        n.cap_leader.as_ref().map(|a| format!(" (most often {a})")).unwrap_or_default(),
        n.ew_name,
        pct(n.ew_top),
    )];
    lines.push(format!(
        "Effective N: the cap-weighted index held {:.1} coins on average but was as concentrated as {:.1} equal \
         holdings; the equal-weighted one held {:.1} and was worth {:.1}.",
        n.cap_holdings, n.cap_eff_n, n.ew_holdings, n.ew_eff_n
    ));
    let (cap_used, ew_used) = (used_share(n.cap_eff_n, n.cap_holdings), used_share(n.ew_eff_n, n.ew_holdings));
    lines.push(if cap_used < 0.5 {
        format!(
            "So most of the cap-weighted index's coins hardly matter: its effective N is {:.0}% of its holdings, \
             against {:.0}% for equal weighting.",
            100.0 * cap_used,
            100.0 * ew_used
        )
    } else {
        format!(
            "Here cap weighting was less concentrated than it usually is in crypto: its effective N is {:.0}% of \
             its holdings, against {:.0}% for equal weighting.",
            100.0 * cap_used,
            100.0 * ew_used
        )
    });
    let d = n.cap_cagr - n.ew_cagr;
    lines.push(format!(
        "Result after costs: cap weighting {} a year, equal weighting {}; {}.",
        pct(n.cap_cagr),
        pct(n.ew_cagr),
        if !d.is_finite() {
            "one of them has no CAGR to compare".to_string()
        } else if d > 0.0 {
            format!("cap weighting ahead by {}", pts(d))
        } else if d < 0.0 {
            format!("equal weighting ahead by {}", pts(d))
        } else {
            "a tie".to_string()
        }
    ));
    Readout { lines, ..Readout::default() }
}

pub fn readout(i: &Inputs) -> Result<Readout, String> {
    Ok(words(&numbers(i)?))
}
