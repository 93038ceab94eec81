//! Lesson 2: automatic risk adjustment: winners grow without trading.

use engine::synth::MarketParams;
use engine::{Schedule, TradeReason, Weighting};

use crate::format::{money, opt, pct, pts};
use crate::measures::{asset_name, cagr, date_at, fees_paid, top_weight};
use crate::{is_cap, is_equal, market, strat, Control, Inputs, Lesson, Readout, Setup};

pub const LESSON: Lesson = Lesson {
    id: "winners-grow",
    title: "Automatic risk adjustment: winners grow without trading",
    look: "A cap-weighted index bought once and never traded keeps its weights in line with market caps \
           by itself: a coin that beats the rest gains weight in proportion, with no trade. The equal-weighted \
           index must sell its winners every month to stay equal. Compare the turnover, and how the largest \
           holding changes from the first day to the last.",
    control: Control {
        label: "Spread of coins' long-run returns (dispersion)",
        options: &[("x0.5", 0.5), ("x1", 1.0), ("x2", 2.0)],
        default: 1.0,
        help: "With more dispersion the winners run further ahead of the rest.",
    },
    setup,
    readout,
    questions: &[
        "The buy-and-hold index never trades, yet its weights change every day. Who is doing the \"rebalancing\"?",
        "When the spread of returns grows, which index benefits, and what does it pay for the privilege?",
        "Is a largest holding that keeps growing a feature (letting winners run) or a risk (concentration)?",
    ],
};

pub fn setup(v: f64) -> Setup {
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

#[derive(Clone, Debug, PartialEq)]
pub struct Numbers {
    /// Two-sided annual turnover.
    pub cap_turnover: f64,
    pub ew_turnover: f64,
    /// Trades after the first day, and how many of them sold a delisted coin.
    pub cap_later_trades: usize,
    pub cap_delisting_trades: usize,
    /// Days the equal-weighted index traded after the first.
    pub ew_trade_days: usize,
    /// Largest holding of the cap-weighted index on the first and last day.
    pub cap_first: Option<(String, f64)>,
    pub cap_last: Option<(String, f64)>,
    pub ew_last: Option<(String, f64)>,
    pub first_date: String,
    pub last_date: String,
    pub ew_last_holdings: usize,
    pub capital: f64,
    pub cap_fees: f64,
    pub ew_fees: f64,
    pub cap_cagr: f64,
    pub ew_cagr: f64,
}

pub fn numbers(i: &Inputs) -> Result<Numbers, String> {
    let (_, cap) =
        i.find("a cap-weighted index that is never rebalanced", |s| is_cap(s) && s.rebalance == Schedule::Never)?;
    let (_, ew) = i.find("an equal-weighted index", is_equal)?;
    let p = i.panel;
    let last = p.n_days() - 1;
    let largest = |run, t| top_weight(run, p, t).map(|(a, w)| (asset_name(p, a), w));
    let mut ew_days: Vec<usize> = ew.sim.trades.iter().filter(|t| t.day > 0).map(|t| t.day).collect();
    ew_days.dedup();
    let later: Vec<&engine::Trade> = cap.sim.trades.iter().filter(|t| t.day > 0).collect();
    Ok(Numbers {
        cap_turnover: opt(cap.metrics.turnover_annual),
        ew_turnover: opt(ew.metrics.turnover_annual),
        cap_later_trades: later.len(),
        cap_delisting_trades: later.iter().filter(|t| t.reason == TradeReason::Delisting).count(),
        ew_trade_days: ew_days.len(),
        cap_first: largest(cap, 0),
        cap_last: largest(cap, last),
        ew_last: largest(ew, last),
        first_date: date_at(p, 0),
        last_date: date_at(p, last),
        ew_last_holdings: ew.sim.n_holdings.last().copied().unwrap_or(0),
        capital: i.capital,
        cap_fees: fees_paid(cap, i.capital),
        ew_fees: fees_paid(ew, i.capital),
        cap_cagr: cagr(cap),
        ew_cagr: cagr(ew),
    })
}

fn holding(h: &Option<(String, f64)>) -> String {
    match h {
        Some((a, w)) => format!("{} in {a}", pct(*w)),
        None => "nothing (all cash)".into(),
    }
}

pub fn words(n: &Numbers) -> Readout {
    let cap_trades = if n.cap_later_trades == 0 {
        "made no trade at all".to_string()
    } else if n.cap_delisting_trades == n.cap_later_trades {
        format!("made {} trades, all of them sales of coins that stopped trading", n.cap_later_trades)
    } else {
        format!(
            "made {} trades ({} of them sales of coins that stopped trading)",
            n.cap_later_trades, n.cap_delisting_trades
        )
    };
    let mut lines = vec![format!(
        "Turnover (two-sided, per year, including the first purchase): cap weighting, never rebalanced, {}; \
         equal weighting, monthly, {}. After the first day the cap-weighted index {cap_trades}; the \
         equal-weighted one traded on {} days.",
        pct(n.cap_turnover),
        pct(n.ew_turnover),
        n.ew_trade_days
    )];
    lines.push(format!(
        "Largest holding of the cap-weighted index: {} on {}, {} on {}.",
        holding(&n.cap_first),
        n.first_date,
        holding(&n.cap_last),
        n.last_date
    ));
    let (start, end) = (n.cap_first.as_ref().map_or(f64::NAN, |x| x.1), n.cap_last.as_ref().map_or(f64::NAN, |x| x.1));
    if end > start {
        lines.push(format!(
            "The largest weight grew by {} without a rebalancing trade: the index let its winner run. The \
             equal-weighted index ended with {} as its largest holding, because every month it sells its winners \
             back to 1/{} each.",
            pts(end - start),
            holding(&n.ew_last),
            n.ew_last_holdings
        ));
    } else if end < start {
        lines.push(format!(
            "Here the largest weight shrank by {}: the early leader lost ground to other coins. The buy-and-hold \
             index let that happen without trading too; its weights simply follow prices.",
            pts(end - start)
        ));
    } else {
        lines.push("The largest weight ended where it started.".into());
    }
    let d = n.cap_cagr - n.ew_cagr;
    lines.push(format!(
        "Fees paid, from a starting capital of {}: {} (cap) and {} (equal). CAGR after costs: {} (cap) vs {} \
         (equal), so {}.",
        money(n.capital),
        money(n.cap_fees),
        money(n.ew_fees),
        pct(n.cap_cagr),
        pct(n.ew_cagr),
        if d > 0.0 {
            format!("doing nothing came out ahead by {}", pts(d))
        } else if d < 0.0 {
            format!("rebalancing came out ahead by {}", pts(d))
        } else {
            "neither came out ahead".to_string()
        }
    ));
    Readout { lines, ..Readout::default() }
}

pub fn readout(i: &Inputs) -> Result<Readout, String> {
    Ok(words(&numbers(i)?))
}
