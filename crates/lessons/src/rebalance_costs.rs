//! Lesson 4: rebalance frequency against costs.

use engine::strategy::Costs;
use engine::{Schedule, Strategy, Weighting};

use crate::format::{money, opt, pct, pts, schedule_name, signed};
use crate::measures::{cagr, fees_paid, gross_cagr};
use crate::premium::{premium, Premium, DEFINITION};
use crate::volatility_drag::BASKET;
use crate::{basket, is_equal, market, Control, Inputs, Lesson, Readout, Setup, Table};

pub const FREQUENCIES: [Schedule; 5] =
    [Schedule::Daily, Schedule::Weekly, Schedule::Monthly, Schedule::Quarterly, Schedule::Never];

pub const LESSON: Lesson = Lesson {
    id: "rebalance-costs",
    title: "Rebalance frequency against costs",
    look: "The same 30 coins (the Top 30 of the first day) kept at equal weights daily, weekly, monthly, \
           quarterly, or bought once and never rebalanced. Frequent rebalancing tracks the target closely but \
           trades a lot; each trade pays the fee. The turnover tab shows how much each schedule trades. Raise the \
           fee and watch which schedule wins.",
    control: Control {
        label: "Fee per trade",
        options: &[("10 bp", 10.0), ("50 bp", 50.0), ("100 bp", 100.0)],
        default: 10.0,
        help: "1 bp = 0.01% of the value traded.",
    },
    setup,
    readout,
    questions: &[
        "At what fee does the best schedule change on this market? What fee does your exchange charge?",
        "Lesson 3 and this lesson use the same definition of the rebalancing premium. Which schedule earns the \
         largest premium before costs, and why might that be?",
        "An index provider picks a rebalancing schedule once for years. What would you want to know before choosing?",
    ],
};

pub fn setup(v: f64) -> Setup {
    let strategies = FREQUENCIES
        .iter()
        .map(|&s| Strategy {
            costs: Costs { fee_bps: v, ..Costs::default() },
            ..basket(format!("Top {BASKET} of day one, equal, {}", schedule_name(s)), BASKET, Weighting::Equal, s)
        })
        .collect();
    Setup { market: market(), strategies, tab: "turnover", focus: Some(0) }
}

/// One schedule's numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub schedule: Schedule,
    pub cagr: f64,
    pub gross_cagr: f64,
    pub turnover: f64,
    pub fees: f64,
    /// Against the held basket; `None` for the held basket itself.
    pub premium: Option<Premium>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Numbers {
    pub fee_bps: f64,
    pub rows: Vec<Row>,
}

impl Numbers {
    fn by(&self, key: impl Fn(&Row) -> f64, best: bool) -> &Row {
        let it = self.rows.iter();
        let pick = if best {
            it.max_by(|a, b| key(a).total_cmp(&key(b)))
        } else {
            it.min_by(|a, b| key(a).total_cmp(&key(b)))
        };
        pick.expect("numbers() keeps at least two rows")
    }
    /// Highest CAGR after costs.
    pub fn best(&self) -> &Row {
        self.by(|r| r.cagr, true)
    }
    pub fn worst(&self) -> &Row {
        self.by(|r| r.cagr, false)
    }
    /// Highest CAGR before costs.
    pub fn best_gross(&self) -> &Row {
        self.by(|r| r.gross_cagr, true)
    }
}

pub fn numbers(i: &Inputs) -> Result<Numbers, String> {
    let mut found = Vec::new();
    for s in FREQUENCIES {
        if let Some((st, run)) = i.runs.iter().copied().find(|(st, _)| is_equal(st) && st.rebalance == s) {
            found.push((s, st.costs.fee_bps, run));
        }
    }
    if found.len() < 2 {
        return Err("This readout needs equal-weighted indexes on at least two rebalancing schedules. Press \
                    \"Reload lesson setup\"."
            .into());
    }
    let held = found.iter().find(|f| f.0 == Schedule::Never).map(|f| f.2);
    let rows = found
        .iter()
        .map(|&(schedule, _, run)| Row {
            schedule,
            cagr: cagr(run),
            gross_cagr: gross_cagr(run),
            turnover: opt(run.metrics.turnover_annual),
            fees: fees_paid(run, i.capital),
            premium: held.filter(|_| schedule != Schedule::Never).map(|h| premium(run, h)),
        })
        .collect();
    Ok(Numbers { fee_bps: found[0].1, rows })
}

pub fn words(n: &Numbers) -> Readout {
    let (best, worst, best_gross) = (n.best(), n.worst(), n.best_gross());
    let mut lines = vec![format!(
        "At {:.0} bp per trade the best schedule was {} (CAGR {}), the worst {} (CAGR {}), {} apart.",
        n.fee_bps,
        schedule_name(best.schedule),
        pct(best.cagr),
        schedule_name(worst.schedule),
        pct(worst.cagr),
        pts(best.cagr - worst.cagr)
    )];
    lines.push(if best_gross.schedule != best.schedule {
        format!(
            "Costs changed the winner: before costs {} would have won (CAGR {} vs {} for {}).",
            schedule_name(best_gross.schedule),
            pct(best_gross.gross_cagr),
            pct(best.gross_cagr),
            schedule_name(best.schedule)
        )
    } else {
        format!(
            "Costs did not change the winner: {} was also best before costs (CAGR {}).",
            schedule_name(best_gross.schedule),
            pct(best_gross.gross_cagr)
        )
    });
    let premiums: Vec<(Schedule, Premium)> = n.rows.iter().filter_map(|r| r.premium.map(|p| (r.schedule, p))).collect();
    if !premiums.is_empty() {
        let list: Vec<String> =
            premiums.iter().map(|(s, p)| format!("{} {}", schedule_name(*s), signed(p.premium))).collect();
        lines.push(format!(
            "The rebalancing premium ({DEFINITION}, the same measure as in lesson 3), in points a year: {}. After \
             costs (the premium minus the cost drag): {}.",
            list.join(", "),
            premiums
                .iter()
                .map(|(s, p)| format!("{} {}", schedule_name(*s), signed(p.net)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(daily) = n.rows.iter().find(|r| r.schedule == Schedule::Daily) {
        lines.push(format!(
            "Daily rebalancing traded {} of the portfolio a year and paid {} in fees; its costs took {} of CAGR.",
            pct(daily.turnover),
            money(daily.fees),
            pts(daily.gross_cagr - daily.cagr)
        ));
    }
    if best.schedule == Schedule::Never && !premiums.is_empty() {
        lines.push(if premiums.iter().all(|(_, p)| p.premium <= 0.0) {
            "Not rebalancing at all won: the premium was negative at every schedule, so rebalancing lost money \
             even before costs."
                .to_string()
        } else {
            "Not rebalancing at all won: wherever the premium was positive, the schedule's costs were larger."
                .to_string()
        });
    } else if best.schedule == Schedule::Daily {
        lines.push("Even daily rebalancing paid for itself at this fee; try a higher fee.".into());
    }
    let table = Table {
        head: crate::head(&[
            "Schedule",
            "CAGR",
            "CAGR before costs",
            "Premium before costs (pts)",
            "Turnover / yr",
            "Fees paid",
        ]),
        rows: n
            .rows
            .iter()
            .map(|r| {
                vec![
                    schedule_name(r.schedule),
                    pct(r.cagr),
                    pct(r.gross_cagr),
                    r.premium.map(|p| signed(p.premium)).unwrap_or_else(|| "(the held basket)".into()),
                    pct(r.turnover),
                    money(r.fees),
                ]
            })
            .collect(),
    };
    Readout { lines, table: Some(table), chart: None }
}

pub fn readout(i: &Inputs) -> Result<Readout, String> {
    Ok(words(&numbers(i)?))
}
