//! Lesson 9: a regime rule that moves to stablecoins.

use engine::strategy::{Regime, RegimeReference};
use engine::{Schedule, Strategy, TradeReason, Weighting};

use crate::format::{money, pct, pts};
use crate::measures::{cagr, fees_paid};
use crate::{market, strat, Control, Inputs, Lesson, Readout, Setup};

pub const LESSON: Lesson = Lesson {
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
    setup,
    readout,
    questions: &[
        "The rule cuts the worst drawdown on most settings. What does it cost, and when?",
        "Pick the moving average that looks best here. Why might it not be best on the next market?",
        "A fund advertises \"crash protection\". Which numbers from this lesson would you ask it for?",
    ],
};

pub fn setup(v: f64) -> Setup {
    let days = v as usize;
    let plain = strat("Top 20, cap-weighted, weekly".into(), 20, Weighting::MarketCap, Schedule::Weekly);
    let rule = Strategy {
        name: format!("Top 20, cap-weighted, weekly, to stablecoins below the {days}-day average"),
        regime: Some(Regime { reference: RegimeReference::TotalMarketCap, sma_days: days, cash_fraction: 1.0 }),
        ..plain.clone()
    };
    Setup { market: market(), strategies: vec![plain, rule], tab: "log", focus: Some(1) }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Numbers {
    pub sma_days: usize,
    pub switches: usize,
    pub days_off: usize,
    pub share_off: f64,
    /// Max drawdowns (negative), CAGRs, fees in money, Sharpe ratios.
    pub dd_plain: f64,
    pub dd_rule: f64,
    pub cagr_plain: f64,
    pub cagr_rule: f64,
    pub fees_plain: f64,
    pub fees_rule: f64,
    pub sharpe: Option<(f64, f64)>,
}

pub fn numbers(i: &Inputs) -> Result<Numbers, String> {
    let (_, plain) = i.find("an index without a regime rule", |s| s.regime.is_none())?;
    let (rs, rule) = i.find("an index with a regime rule", |s| s.regime.is_some())?;
    let days_off = rule.sim.risk_off.iter().filter(|x| **x).count();
    Ok(Numbers {
        sma_days: rs.regime.as_ref().map(|g| g.sma_days).unwrap_or(0),
        switches: rule.sim.rebalances.iter().filter(|rb| rb.reason == TradeReason::Regime).count(),
        days_off,
        share_off: days_off as f64 / rule.sim.risk_off.len().max(1) as f64,
        dd_plain: plain.metrics.max_drawdown,
        dd_rule: rule.metrics.max_drawdown,
        cagr_plain: cagr(plain),
        cagr_rule: cagr(rule),
        fees_plain: fees_paid(plain, i.capital),
        fees_rule: fees_paid(rule, i.capital),
        sharpe: rule.metrics.sharpe.zip(plain.metrics.sharpe),
    })
}

pub fn words(n: &Numbers) -> Readout {
    let mut lines = vec![format!(
        "The {}-day rule switched {} times and sat in stablecoins on {} days ({} of the time).",
        n.sma_days,
        n.switches,
        n.days_off,
        pct(n.share_off)
    )];
    lines.push(format!(
        "Worst drawdown: {} with the rule, {} without. CAGR: {} with, {} without. Fees paid: {} with, {} without.",
        pct(n.dd_rule),
        pct(n.dd_plain),
        pct(n.cagr_rule),
        pct(n.cagr_plain),
        money(n.fees_rule),
        money(n.fees_plain)
    ));
    let (dd, cg) = (n.dd_rule - n.dd_plain, n.cagr_rule - n.cagr_plain);
    lines.push(match (dd > 0.0, cg > 0.0) {
        (true, true) => format!(
            "Here the rule did both: {} less drawdown and {} more CAGR. One market is one path; check another \
             moving average before trusting it.",
            pts(dd),
            pts(cg)
        ),
        (true, false) => format!(
            "The rule cut the worst drawdown by {} but cost {} of CAGR a year: it paid for insurance with missed \
             rebounds and fees.",
            pts(dd),
            pts(cg)
        ),
        (false, true) => format!(
            "Oddly, the rule earned {} more but did not reduce the worst drawdown (worse by {}).",
            pts(cg),
            pts(dd)
        ),
        (false, false) => format!(
            "The rule failed here: {} and {} less CAGR, because it sold after falls and bought back after rises.",
            if dd < 0.0 {
                format!("a deeper worst drawdown (by {})", pts(dd))
            } else {
                "the same worst drawdown".into()
            },
            pts(cg)
        ),
    });
    if let Some((sr, sp)) = n.sharpe {
        lines.push(format!("Sharpe ratio: {sr:.2} with the rule, {sp:.2} without."));
    }
    Readout { lines, ..Readout::default() }
}

pub fn readout(i: &Inputs) -> Result<Readout, String> {
    Ok(words(&numbers(i)?))
}
