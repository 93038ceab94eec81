//! Lesson 6: calm against volatile markets, with a Monte Carlo over fresh markets.

use engine::analysis::{
    market_cap_index, regime_split, regime_stats, McCell, Regime as VolRegime, RegimeSplit, RegimeStats,
};
use engine::synth::MarketParams;
use engine::{Panel, Schedule, Strategy, Weighting};

use crate::format::{opt, pct, signed};
use crate::measures::{cagr, curve_cagr};
use crate::{is_cap, is_equal, market, strat, Control, Inputs, Lesson, Readout, Setup, Table};

pub const MC_SEEDS: [u64; 6] = [1, 2, 3, 4, 5, 6];
pub const MC_LEVELS: [f64; 3] = [0.5, 1.0, 2.0];

pub const LESSON: Lesson = Lesson {
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
    setup,
    readout,
    questions: &[
        "\"Cap weighting holds up better in volatile markets.\" Did this market support the claim, and did the Monte \
         Carlo?",
        "Volatile days within one market and a more volatile market are different things. Which one does the claim \
         mean?",
        "Six markets per level is few. How many would you want before believing a 4 in 6 against a 3 in 6?",
    ],
};

pub fn setup(v: f64) -> Setup {
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

/// Returns in one half of the days.
#[derive(Clone, Debug, PartialEq)]
pub struct Half {
    pub regime: VolRegime,
    pub days: usize,
    pub cap_return: f64,
    pub ew_return: f64,
    pub cap_volatility: f64,
    pub ew_volatility: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Numbers {
    /// The annualised 30-day market volatility separating calm from volatile days.
    pub threshold: f64,
    pub calm: Option<Half>,
    pub volatile: Option<Half>,
    pub cap_cagr: f64,
    pub ew_cagr: f64,
}

pub fn numbers(i: &Inputs) -> Result<Numbers, String> {
    let (_, cap) = i.find("a cap-weighted index", is_cap)?;
    let (_, ew) = i.find("an equal-weighted index", is_equal)?;
    let p = i.panel;
    let split =
        regime_split(&market_cap_index(p), 30, RegimeSplit::Median).map_err(|e| format!("No regime split: {e}"))?;
    let ppy = cap.metrics.periods_per_year;
    let stats = |run: &engine::compare::Run| {
        regime_stats(p.dates(), &run.sim.equity, &split.labels, Some(ppy)).map_err(|e| e.to_string())
    };
    let (cs, es) = (stats(cap)?, stats(ew)?);
    let get = |v: &[RegimeStats], r: VolRegime| v.iter().find(|s| s.regime == r).cloned();
    let half = |r: VolRegime| {
        let (c, e) = (get(&cs, r)?, get(&es, r)?);
        Some(Half {
            regime: r,
            days: c.days,
            cap_return: c.geometric_return_annualised,
            ew_return: e.geometric_return_annualised,
            cap_volatility: opt(c.volatility),
            ew_volatility: opt(e.volatility),
        })
    };
    Ok(Numbers {
        threshold: split.calm_threshold * ppy.sqrt(),
        calm: half(VolRegime::Calm),
        volatile: half(VolRegime::Volatile),
        cap_cagr: cagr(cap),
        ew_cagr: cagr(ew),
    })
}

/// Whether the numbers support "cap weighting holds up better on volatile days":
/// cap minus equal is positive on volatile days and larger than on calm days.
pub fn supports_claim(n: &Numbers) -> Option<bool> {
    let (c, v) = (n.calm.as_ref()?, n.volatile.as_ref()?);
    let (dv, dc) = (v.cap_return - v.ew_return, c.cap_return - c.ew_return);
    Some(dv > 0.0 && dv > dc)
}

pub fn words(n: &Numbers) -> Readout {
    let mut lines = vec![format!(
        "Calm days: the market's 30-day volatility at or below {} (annualised); volatile days: above it.",
        pct(n.threshold)
    )];
    if let (Some(c), Some(v)) = (&n.calm, &n.volatile) {
        let (dv, dc) = (v.cap_return - v.ew_return, c.cap_return - c.ew_return);
        lines.push(format!(
            "On volatile days cap weighting compounded at {} a year against {} for equal weighting; on calm days \
             {} against {}.",
            pct(v.cap_return),
            pct(v.ew_return),
            pct(c.cap_return),
            pct(c.ew_return)
        ));
        let margins = format!("{} points a year on volatile days, {} on calm days", signed(dv), signed(dc));
        lines.push(match (dv > 0.0, dc > 0.0) {
            (true, false) => format!(
                "On this market, yes: cap weighting won when markets were volatile and lost when they were calm \
                 (cap minus equal: {margins})."
            ),
            (true, true) if dv > dc => format!(
                "On this market, yes: cap weighting won in both halves, and by more on volatile days (cap minus \
                 equal: {margins})."
            ),
            (true, true) => format!(
                "On this market, no: cap weighting won in both halves, but by more on calm days (cap minus equal: \
                 {margins}); its edge did not come from volatility."
            ),
            (false, true) => format!(
                "On this market, no: cap weighting lost on volatile days and won only on calm ones (cap minus \
                 equal: {margins})."
            ),
            (false, false) => {
                format!("On this market, no: equal weighting won in both halves (cap minus equal: {margins}).")
            }
        });
    }
    lines.push(format!(
        "Over the whole period: cap {} vs equal {} CAGR. Run the Monte Carlo to see whether this market is typical.",
        pct(n.cap_cagr),
        pct(n.ew_cagr)
    ));
    let rows = [&n.calm, &n.volatile]
        .into_iter()
        .flatten()
        .map(|h| {
            vec![
                h.regime.label().to_string(),
                h.days.to_string(),
                pct(h.cap_return),
                pct(h.ew_return),
                pct(h.cap_volatility),
                pct(h.ew_volatility),
            ]
        })
        .collect();
    let table = Table {
        head: crate::head(&[
            "Days",
            "Count",
            "Cap: return / yr",
            "Equal: return / yr",
            "Cap: volatility",
            "Equal: volatility",
        ]),
        rows,
    };
    Readout { lines, table: Some(table), chart: None }
}

pub fn readout(i: &Inputs) -> Result<Readout, String> {
    Ok(words(&numbers(i)?))
}

/// The Monte Carlo's runs, `(seed, volatility)`: every seed at every level.
pub fn monte_carlo_runs() -> Vec<(u64, f64)> {
    MC_LEVELS.iter().flat_map(|&v| MC_SEEDS.iter().map(move |&s| (s, v))).collect()
}

/// One run: cap and equal CAGR on a small fresh market like `base` (40
/// coins, 3 years) with this seed and volatility. Runs are independent, so
/// the page spreads them over its workers.
pub fn monte_carlo_run(base: &MarketParams, cap: &Strategy, ew: &Strategy, (seed, vol): (u64, f64)) -> (f64, f64) {
    let params = MarketParams {
        seed: base.seed.wrapping_mul(1000).wrapping_add(seed),
        n_assets: 40,
        years: 3.0,
        volatility: vol,
        ..base.clone()
    };
    let panel = engine::synth::generate(&params);
    let run = |panel: &Panel, s: &Strategy| {
        engine::simulate(panel, s).map(|sim| curve_cagr(&sim.equity, 365.0)).unwrap_or(f64::NAN)
    };
    (run(&panel, cap), run(&panel, ew))
}

/// The cells of the runs' outcomes (`outcomes[i]` of `monte_carlo_runs()[i]`).
pub fn monte_carlo_cells(outcomes: &[(f64, f64)]) -> Vec<McCell> {
    let runs = monte_carlo_runs();
    engine::analysis::monte_carlo(&MC_SEEDS, &MC_LEVELS, |seed, vol| {
        runs.iter()
            .position(|r| *r == (seed, vol))
            .and_then(|i| outcomes.get(i).copied())
            .unwrap_or((f64::NAN, f64::NAN))
    })
}

/// Cap vs equal CAGR on small fresh markets, all runs here in turn.
pub fn monte_carlo(base: &MarketParams, cap: &Strategy, ew: &Strategy) -> Vec<McCell> {
    let outcomes: Vec<(f64, f64)> = monte_carlo_runs().into_iter().map(|r| monte_carlo_run(base, cap, ew, r)).collect();
    monte_carlo_cells(&outcomes)
}

/// The Monte Carlo's sentences and table.
pub fn monte_carlo_words(cells: &[McCell]) -> (Vec<String>, Table) {
    let rows = cells
        .iter()
        .map(|c| {
            vec![
                format!("x{}", c.dial_value),
                format!("{}", c.runs),
                pct(opt(c.share_a_beats_b)),
                c.mean_difference.map(signed).unwrap_or_else(|| "n/a".into()),
                c.median.map(signed).unwrap_or_else(|| "n/a".into()),
            ]
        })
        .collect();
    let wins = |c: &McCell| (opt(c.share_a_beats_b) * c.runs as f64).round();
    let desc: Vec<String> =
        cells.iter().map(|c| format!("{:.0} of {} markets at volatility x{}", wins(c), c.runs, c.dial_value)).collect();
    let mut lines = vec![format!("Monte Carlo: cap weighting beat equal weighting in {}.", desc.join(", "))];
    if let (Some(first), Some(last)) = (cells.first(), cells.last()) {
        let (a, b) = (opt(first.share_a_beats_b), opt(last.share_a_beats_b));
        let (lo, hi) = (format!("x{}", first.dial_value), format!("x{}", last.dial_value));
        lines.push(if b > a {
            format!(
                "Cap weighting won more often in the most volatile markets ({hi}: {}) than in the calmest ({lo}: {}): \
                 the numbers lean towards the claim that cap weighting holds up better when markets are volatile.",
                pct(b),
                pct(a)
            )
        } else if b < a {
            format!(
                "Cap weighting won less often in the most volatile markets ({hi}: {}) than in the calmest ({lo}: {}): \
                 the numbers go against the claim that cap weighting wins when markets are volatile.",
                pct(b),
                pct(a)
            )
        } else {
            format!(
                "Cap weighting won as often in the calmest as in the most volatile markets ({}): volatility did not \
                 decide the race.",
                pct(b)
            )
        });
    }
    lines.push(
        "Mind the difference: the calm/volatile split above compares days within one market; the Monte Carlo \
         compares whole markets made calmer or wilder."
            .into(),
    );
    lines.push(format!(
        "Only {} seeds per level: a share moves in steps of {}, so treat small differences as noise.",
        MC_SEEDS.len(),
        pct(1.0 / MC_SEEDS.len() as f64)
    ));
    let table = Table {
        head: crate::head(&[
            "Volatility",
            "Markets",
            "Cap beats equal",
            "Mean CAGR gap (cap - equal, pts)",
            "Median gap (pts)",
        ]),
        rows,
    };
    (lines, table)
}
