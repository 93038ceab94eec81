//! Lesson 7: correlation surges in crashes.

use engine::analysis::{market_cap_index, rolling_average_correlation, AssetSet};
use engine::metrics::{self, drawdown_stats};
use engine::synth::MarketParams;
use engine::{Date, Schedule, Weighting};

use crate::format::pct;
use crate::measures::date_at;
use crate::{market, strat, Control, Inputs, Lesson, Readout, ReadoutChart, Setup};

/// Correlation window, days.
pub const WINDOW: usize = 60;
/// A difference in average correlation smaller than this is "about the same".
pub const MARGIN: f64 = 0.05;

pub const LESSON: Lesson = Lesson {
    id: "crash-correlation",
    title: "Correlation surges in crashes",
    look: "Diversification works when coins move independently. The chart below shows the average \
           correlation between the 20 largest coins over the last 60 days; the shaded stretch is the market's \
           worst drawdown, from its peak to its trough. Compare the correlation inside it with the rest of the time.",
    control: Control {
        label: "Crash severity",
        options: &[("none", 0.0), ("x1", 1.0), ("x2", 2.0)],
        default: 1.0,
        help: "x1 is roughly a 63% fall of the market.",
    },
    setup,
    readout,
    questions: &[
        "If correlations rise in a crash, when does diversification across coins help least?",
        "The two views (the whole drawdown, the worst 60-day stretches) can disagree. What does each one measure?",
        "What could diversify a crypto index when the coins all fall together?",
    ],
};

pub fn setup(v: f64) -> Setup {
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

/// How correlation in a stretch compared with the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shift {
    Surge,
    Drop,
    Flat,
}

pub fn shift(inside: f64, outside: f64) -> Shift {
    if inside > outside + MARGIN {
        Shift::Surge
    } else if inside < outside - MARGIN {
        Shift::Drop
    } else {
        Shift::Flat
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Numbers {
    pub market_drawdown: f64,
    pub peak: usize,
    pub trough: usize,
    pub peak_date: String,
    pub trough_date: String,
    /// Average correlation inside and outside the drawdown, when measurable.
    pub in_drawdown: Option<(f64, f64)>,
    /// The 10% quantile of 60-day market returns, and the average correlation
    /// at or below it and above it.
    pub worst_stretches: Option<(f64, f64, f64)>,
    pub index_drawdowns: Vec<(String, f64)>,
    pub dates: Vec<Date>,
    pub correlation: Vec<f64>,
}

pub fn numbers(i: &Inputs) -> Result<Numbers, String> {
    let p = i.panel;
    let corr = rolling_average_correlation(p, WINDOW, &AssetSet::TopByCap(20))
        .map_err(|e| format!("The correlation could not be computed: {e}"))?;
    let market = market_cap_index(p);
    let dd = drawdown_stats(p.dates(), &market);
    let (Some(peak), Some(trough)) = (dd.peak, dd.trough) else {
        return Err(
            "The market never fell below a previous high in this range, so there is no drawdown to study.".into()
        );
    };
    let avg = |f: &dyn Fn(usize) -> bool| {
        let v: Vec<f64> = (0..corr.len()).filter(|&t| f(t) && corr[t].is_finite()).map(|t| corr[t]).collect();
        metrics::mean(&v)
    };
    let in_drawdown = match (avg(&|t| t >= peak && t <= trough), avg(&|t| t < peak || t > trough)) {
        (Some(a), Some(b)) => Some((a, b)),
        _ => None,
    };
    let r60: Vec<f64> =
        (0..market.len()).map(|t| if t >= WINDOW { market[t] / market[t - WINDOW] - 1.0 } else { f64::NAN }).collect();
    let finite: Vec<f64> = r60.iter().copied().filter(|x| x.is_finite()).collect();
    let worst_stretches = metrics::quantile_linear(&finite, 0.1).and_then(|cut| {
        let worst = avg(&|t| r60[t].is_finite() && r60[t] <= cut)?;
        let rest = avg(&|t| r60[t].is_finite() && r60[t] > cut)?;
        Some((cut, worst, rest))
    });
    Ok(Numbers {
        market_drawdown: dd.max_drawdown,
        peak,
        trough,
        peak_date: date_at(p, peak),
        trough_date: date_at(p, trough),
        in_drawdown,
        worst_stretches,
        index_drawdowns: i.runs.iter().map(|(s, r)| (s.name.clone(), r.metrics.max_drawdown)).collect(),
        dates: p.dates().to_vec(),
        correlation: corr,
    })
}

pub fn words(n: &Numbers) -> Readout {
    let mut lines = vec![format!(
        "The whole market's worst drawdown was {} from {} to {} (shaded in the chart).",
        pct(n.market_drawdown),
        n.peak_date,
        n.trough_date
    )];
    let first = n.in_drawdown.map(|(i, o)| shift(i, o));
    match n.in_drawdown {
        Some((i, o)) => {
            lines.push(format!(
                "Average {WINDOW}-day correlation of the top 20 coins: {i:.2} during that drawdown, {o:.2} the rest \
                 of the time."
            ));
            lines.push(match shift(i, o) {
                Shift::Surge => format!(
                    "Correlation rose by {:.2} in the fall: the coins moved together just when spreading money \
                     across them should have helped. Diversification across coins was weakest in the crash.",
                    i - o
                ),
                Shift::Drop => format!(
                    "Here correlation was lower by {:.2} during the fall, against the usual pattern; \
                     diversification held up in this drawdown.",
                    o - i
                ),
                Shift::Flat => format!(
                    "Correlation barely changed ({:+.2}, within {MARGIN:.2}): in this market the drawdown did not \
                     come with a surge of co-movement.",
                    i - o
                ),
            });
        }
        None => lines.push("The drawdown is too short for a 60-day correlation to be measured inside it.".into()),
    }
    if let Some((cut, a, b)) = n.worst_stretches {
        let second = shift(a, b);
        let how = match second {
            Shift::Surge => format!("sharp falls came with {:.2} more correlation", a - b),
            Shift::Drop => format!("sharp falls came with {:.2} less correlation", b - a),
            Shift::Flat => "sharp falls came with about the same correlation".to_string(),
        };
        let tie = match first {
            Some(f) if f == second => format!("{how}, as in the drawdown as a whole."),
            Some(_) => format!("unlike the drawdown as a whole, {how}."),
            None => format!("{how}."),
        };
        lines.push(format!(
            "Over the same {WINDOW} days as each correlation window: when the market had {} (its worst 10% of \
             {WINDOW}-day stretches) the average correlation was {a:.2}, against {b:.2} otherwise: {tie}",
            if cut < 0.0 { format!("fallen {} or more", pct(-cut)) } else { format!("gained {} or less", pct(cut)) },
        ));
    }
    let dds: Vec<String> = n.index_drawdowns.iter().map(|(name, d)| format!("{name} {}", pct(*d))).collect();
    lines.push(format!("Worst drawdown of each index: {}.", dds.join("; ")));
    Readout {
        lines,
        table: None,
        chart: Some(ReadoutChart {
            title: "Average pairwise correlation, top 20 coins by cap, 60-day window".into(),
            label: "correlation".into(),
            name: "Top 20 correlation".into(),
            dates: n.dates.clone(),
            values: n.correlation.clone(),
            shade: Some((n.peak, n.trough)),
            shade_label: format!("market's worst drawdown, {} to {}", n.peak_date, n.trough_date),
        }),
    }
}

pub fn readout(i: &Inputs) -> Result<Readout, String> {
    Ok(words(&numbers(i)?))
}
