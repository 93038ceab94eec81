//! Readouts: sentences built from the current results. Every number is
//! computed here from the runs on screen (and, where a lesson needs it, from
//! extra engine runs on the same panel); where the numbers go against the
//! lesson's usual claim, the text says so.

use engine::analysis::{
    attribute_gap, market_cap_index, regime_split, regime_stats, rolling_average_correlation, AssetSet, GapCurves,
    McCell, Regime as VolRegime, RegimeSplit,
};
use engine::compare::Run;
use engine::metrics::{self, drawdown_stats};
use engine::synth::MarketParams;
use engine::{Date, Panel, Schedule, Strategy, TradeReason, Weighting};

use crate::compute::Results;
use crate::lessons::content::{schedule_name, FREQUENCIES};
use crate::state::StrategyEntry;

/// A small table in a readout.
pub struct Table {
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// What the readout shows: sentences, an optional table and an optional line
/// chart (one series over the panel's days).
#[derive(Default)]
pub struct Readout {
    pub lines: Vec<String>,
    pub table: Option<Table>,
    pub chart: Option<ReadoutChart>,
}

pub struct ReadoutChart {
    pub title: String,
    pub label: String,
    pub name: String,
    pub dates: Vec<Date>,
    pub values: Vec<f64>,
}

// ---------------------------------------------------------------------------
// Formatting and lookup helpers
// ---------------------------------------------------------------------------

/// `0.1234` -> `12.3%`.
pub fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1}%", x * 100.0)
    } else {
        "n/a".into()
    }
}

/// A difference of two fractions in percentage points, unsigned: `1.2 points`.
fn pts(x: f64) -> String {
    format!("{:.1} points", (x * 100.0).abs())
}

/// A signed contribution in points: `+1.2` / `-1.2`.
fn signed(x: f64) -> String {
    format!("{:+.1}", x * 100.0)
}

fn opt(x: Option<f64>) -> f64 {
    x.unwrap_or(f64::NAN)
}

type Found<'a> = (&'a StrategyEntry, &'a Run);

fn find<'a>(r: &'a Results, what: &str, pred: impl Fn(&Strategy) -> bool) -> Result<Found<'a>, String> {
    r.ok().find(|(e, _)| pred(&e.strategy)).ok_or_else(|| {
        format!(
            "This readout needs {what} in the comparison, and it is not there (or it failed to run). \
             Press \"Reload lesson setup\" to bring the lesson's strategies back."
        )
    })
}

fn is_cap(s: &Strategy) -> bool {
    s.weighting == Weighting::MarketCap
}

fn is_equal(s: &Strategy) -> bool {
    s.weighting == Weighting::Equal
}

fn cagr(run: &Run) -> f64 {
    opt(run.metrics.cagr)
}

/// CAGR of a curve at the run's periods per year.
fn curve_cagr(e: &[f64], ppy: f64) -> f64 {
    if e.len() < 2 {
        return f64::NAN;
    }
    opt(metrics::cagr(e[0], e[e.len() - 1], e.len() - 1, ppy))
}

/// Weight of the largest holding at the close of day `t`, and its asset.
fn top_weight(run: &Run, panel: &Panel, t: usize) -> Option<(usize, f64)> {
    run.sim.weights_at(panel, t).into_iter().filter(|(_, w)| w.is_finite()).max_by(|a, b| a.1.total_cmp(&b.1))
}

/// Average over every 5th day of the largest holding's weight, and the asset
/// that was largest most often.
fn average_top_weight(run: &Run, panel: &Panel) -> (f64, Option<usize>) {
    let mut counts = vec![0usize; panel.n_assets()];
    let (mut sum, mut n) = (0.0, 0usize);
    for t in (0..panel.n_days()).step_by(5) {
        if let Some((a, w)) = top_weight(run, panel, t) {
            sum += w;
            n += 1;
            counts[a] += 1;
        }
    }
    let leader = counts.iter().enumerate().max_by_key(|(_, c)| **c).filter(|(_, c)| **c > 0).map(|(a, _)| a);
    (if n > 0 { sum / n as f64 } else { f64::NAN }, leader)
}

fn asset_name(panel: &Panel, a: usize) -> String {
    panel.assets().get(a).map(|x| x.id.clone()).unwrap_or_else(|| "?".into())
}

fn date_at(panel: &Panel, t: usize) -> String {
    panel.dates().get(t).map(|d| d.to_string()).unwrap_or_default()
}

// ---------------------------------------------------------------------------
// 1. What they hold
// ---------------------------------------------------------------------------

pub fn what_they_hold(r: &Results) -> Result<Readout, String> {
    let (ce, cap) = find(r, "a cap-weighted index", is_cap)?;
    let (ee, ew) = find(r, "an equal-weighted index", is_equal)?;
    let p = &r.panel;
    let (cap_top, cap_leader) = average_top_weight(cap, p);
    let (ew_top, _) = average_top_weight(ew, p);
    let (cap_n, ew_n) = (opt(cap.metrics.avg_effective_n), opt(ew.metrics.avg_effective_n));
    let (cap_h, ew_h) = (opt(cap.metrics.avg_holdings), opt(ew.metrics.avg_holdings));
    let mut lines = vec![format!(
        "On an average day \"{}\" had {} in its largest coin{}; \"{}\" had {}.",
        ce.strategy.name,
        pct(cap_top),
        cap_leader.map(|a| format!(" (most often {})", asset_name(p, a))).unwrap_or_default(),
        ee.strategy.name,
        pct(ew_top),
    )];
    lines.push(format!(
        "Effective N: the cap-weighted index held {cap_h:.1} coins on average but was as concentrated as \
         {cap_n:.1} equal holdings; the equal-weighted one held {ew_h:.1} and was worth {ew_n:.1}."
    ));
    if cap_h > 0.0 && cap_n < 0.5 * cap_h {
        lines.push(format!(
            "So most of the cap-weighted index's coins hardly matter: {:.0}% of its names do the work of the whole \
             list. Equal weighting uses {:.0}% of its names.",
            100.0 * cap_n / cap_h,
            100.0 * ew_n / ew_h.max(1e-9)
        ));
    } else {
        lines.push(format!(
            "Here cap weighting was less concentrated than it usually is in crypto: its effective N is {:.0}% of \
             its holdings, not far from equal weighting's {:.0}%.",
            100.0 * cap_n / cap_h.max(1e-9),
            100.0 * ew_n / ew_h.max(1e-9)
        ));
    }
    lines.push(format!(
        "Result: cap weighting {} a year, equal weighting {} (after costs).",
        pct(cagr(cap)),
        pct(cagr(ew))
    ));
    Ok(Readout { lines, ..Readout::default() })
}

// ---------------------------------------------------------------------------
// 2. Winners grow without trading
// ---------------------------------------------------------------------------

pub fn winners_grow(r: &Results) -> Result<Readout, String> {
    let (_, cap) =
        find(r, "a cap-weighted index that is never rebalanced", |s| is_cap(s) && s.rebalance == Schedule::Never)?;
    let (_, ew) = find(r, "an equal-weighted index", is_equal)?;
    let p = &r.panel;
    let last = p.n_days() - 1;
    let describe = |run: &Run, t: usize| match top_weight(run, p, t) {
        Some((a, w)) => format!("{} in {}", pct(w), asset_name(p, a)),
        None => "nothing (all cash)".into(),
    };
    let trade_days = |run: &Run| {
        let mut days: Vec<usize> = run.sim.trades.iter().filter(|t| t.day > 0).map(|t| t.day).collect();
        days.dedup();
        days.len()
    };
    let cap_later: Vec<&engine::Trade> = cap.sim.trades.iter().filter(|t| t.day > 0).collect();
    let cap_delist = cap_later.iter().filter(|t| t.reason == TradeReason::Delisting).count();
    let cap_start = top_weight(cap, p, 0).map(|x| x.1).unwrap_or(f64::NAN);
    let cap_end = top_weight(cap, p, last).map(|x| x.1).unwrap_or(f64::NAN);
    let cap_trades = if cap_later.is_empty() {
        "made no trade at all".to_string()
    } else if cap_delist == cap_later.len() {
        format!("made {} trades, all of them sales of coins that delisted", cap_later.len())
    } else {
        format!("made {} trades ({} of them sales of coins that delisted)", cap_later.len(), cap_delist)
    };
    let mut lines = vec![format!(
        "Turnover (two-sided, per year, including the first purchase): cap weighting, never rebalanced, {}; \
         equal weighting, monthly, {}. After the first day the cap-weighted index {cap_trades}; the \
         equal-weighted one traded on {} days.",
        pct(opt(cap.metrics.turnover_annual)),
        pct(opt(ew.metrics.turnover_annual)),
        trade_days(ew)
    )];
    lines.push(format!(
        "Largest holding of the cap-weighted index: {} on {}, {} on {}.",
        describe(cap, 0),
        date_at(p, 0),
        describe(cap, last),
        date_at(p, last)
    ));
    if cap_end > cap_start {
        lines.push(format!(
            "The largest weight grew by {} without any buying: the index let its winner run. The \
             equal-weighted index ended with {} as its largest holding, because every month it sells its winners \
             back to 1/{} each.",
            pts(cap_end - cap_start),
            describe(ew, last),
            ew.sim.n_holdings.last().copied().unwrap_or(0)
        ));
    } else {
        lines.push(format!(
            "Here the largest weight shrank by {}: the early leader lost ground to other coins. The buy-and-hold \
             index let that happen without trading too; its weights simply follow prices.",
            pts(cap_end - cap_start)
        ));
    }
    let (cc, ec) = (cagr(cap), cagr(ew));
    lines.push(format!(
        "Fees paid, summed in money as the portfolio grew: {} (cap) and {} (equal) of the starting capital. CAGR: {} (cap) vs {} (equal), so {} \
         came out ahead by {}.",
        pct(cap.sim.total_fees),
        pct(ew.sim.total_fees),
        pct(cc),
        pct(ec),
        if cc >= ec { "doing nothing" } else { "rebalancing" },
        pts(cc - ec)
    ));
    Ok(Readout { lines, ..Readout::default() })
}

// ---------------------------------------------------------------------------
// 3. Volatility drag and the rebalancing premium
// ---------------------------------------------------------------------------

pub fn volatility_drag(r: &Results) -> Result<Readout, String> {
    let (_, cap) = find(r, "a cap-weighted index", is_cap)?;
    let (_, held) =
        find(r, "an equal-weighted index that is never rebalanced", |s| is_equal(s) && s.rebalance == Schedule::Never)?;
    let (_, ew) = find(r, "a rebalanced equal-weighted index", |s| is_equal(s) && s.rebalance != Schedule::Never)?;
    let ppy = ew.metrics.periods_per_year;
    let curves = GapCurves {
        cap_net: &cap.sim.equity,
        cap_gross: Some(&cap.gross_equity),
        ew_held: &held.sim.equity,
        ew_gross: &ew.gross_equity,
        ew_net: &ew.sim.equity,
    };
    let g = attribute_gap(&curves, ppy).map_err(|e| format!("The gap could not be attributed: {e}"))?;
    let mut lines = vec![format!(
        "Equal weight, rebalanced and after costs, {} cap weight by {} of CAGR ({} vs {}).",
        if g.total >= 0.0 { "beat" } else { "trailed" },
        pts(g.total),
        pct(g.cagr_ew_net),
        pct(g.cagr_cap_net)
    )];
    lines.push(format!(
        "Where the gap comes from, in points of CAGR: owning the small coins (equal weight bought once and held \
         vs cap weight) {}; rebalancing (selling winners, buying losers) {}; equal weight's trading costs {}; \
         cap weight's own costs {}.",
        signed(g.size_tilt),
        signed(g.rebalancing),
        signed(g.cost_drag),
        signed(g.cap_costs)
    ));
    lines.push(if g.rebalancing > 0.0 {
        format!(
            "Rebalancing paid here: the same coins, kept equal, grew {} a year faster than when left to drift. \
             That is the rebalancing premium.",
            pts(g.rebalancing)
        )
    } else {
        format!(
            "Rebalancing did not pay here: kept equal, the coins grew {} a year slower than when left to drift, \
             because winners kept winning (trend beats the premium).",
            pts(g.rebalancing)
        )
    });
    // Arithmetic against geometric return of the rebalanced equal-weighted index.
    let rets = metrics::returns(&ew.sim.equity);
    let a = opt(metrics::mean(&rets)) * ppy;
    let vol = opt(ew.metrics.volatility);
    let c = cagr(ew);
    let approx = a - vol * vol / 2.0;
    let log_growth = (1.0 + c).ln();
    lines.push(format!(
        "Arithmetic vs geometric: equal weight's mean daily return × {ppy:.0} (a) is {}, its volatility (σ) {}. \
         Compound growth is about a − σ²/2 = {} − {} = {} a year (continuously compounded); the actual \
         ln(1 + CAGR) is {} (CAGR {}). That gap of {} between the average and the growth is the volatility drag.",
        pct(a),
        pct(vol),
        pct(a),
        pct(vol * vol / 2.0),
        pct(approx),
        pct(log_growth),
        pct(c),
        pts(vol * vol / 2.0)
    ));
    lines.push(if (approx - log_growth).abs() < 0.2 * (vol * vol / 2.0).max(0.01) {
        format!("The rule of thumb holds within {}.", pts(approx - log_growth))
    } else {
        format!(
            "The rule of thumb is off by {} here: returns this large and fat-tailed break the small-return \
             approximation.",
            pts(approx - log_growth)
        )
    });
    let table = Table {
        head: vec!["Curve".into(), "CAGR".into()],
        rows: vec![
            vec!["Cap weight, after costs".into(), pct(g.cagr_cap_net)],
            vec!["Cap weight, before costs".into(), pct(opt(g.cagr_cap_gross))],
            vec!["Equal weight, bought once and held".into(), pct(g.cagr_ew_held)],
            vec!["Equal weight, rebalanced, before costs".into(), pct(g.cagr_ew_gross)],
            vec!["Equal weight, rebalanced, after costs".into(), pct(g.cagr_ew_net)],
        ],
    };
    Ok(Readout { lines, table: Some(table), chart: None })
}

// ---------------------------------------------------------------------------
// 4. Rebalance frequency against costs
// ---------------------------------------------------------------------------

pub fn rebalance_costs(r: &Results) -> Result<Readout, String> {
    let mut found: Vec<(Schedule, &Run, f64)> = Vec::new();
    for s in FREQUENCIES {
        if let Some((e, run)) = r.ok().find(|(e, _)| is_equal(&e.strategy) && e.strategy.rebalance == s) {
            found.push((s, run, e.strategy.costs.fee_bps));
        }
    }
    if found.len() < 2 {
        return Err("This readout needs equal-weighted indexes on at least two rebalancing schedules. Press \
                    \"Reload lesson setup\"."
            .into());
    }
    let net = |run: &Run| cagr(run);
    let gross = |run: &Run| {
        let ppy = run.metrics.periods_per_year;
        curve_cagr(&run.gross_equity, ppy)
    };
    let best = found.iter().max_by(|a, b| net(a.1).total_cmp(&net(b.1))).expect("two or more");
    let worst = found.iter().min_by(|a, b| net(a.1).total_cmp(&net(b.1))).expect("two or more");
    let best_gross = found.iter().max_by(|a, b| gross(a.1).total_cmp(&gross(b.1))).expect("two or more");
    let fee = found[0].2;
    let mut lines = vec![format!(
        "At {fee:.0} bp per trade the best schedule was {} (CAGR {}), the worst {} (CAGR {}), {} apart.",
        schedule_name(best.0),
        pct(net(best.1)),
        schedule_name(worst.0),
        pct(net(worst.1)),
        pts(net(best.1) - net(worst.1))
    )];
    if best_gross.0 != best.0 {
        lines.push(format!(
            "Costs changed the winner: before costs {} would have won (CAGR {} vs {} for {}).",
            schedule_name(best_gross.0),
            pct(gross(best_gross.1)),
            pct(gross(best.1)),
            schedule_name(best.0)
        ));
    } else {
        lines.push(format!(
            "Costs did not change the winner: {} was also best before costs (CAGR {}).",
            schedule_name(best_gross.0),
            pct(gross(best_gross.1))
        ));
    }
    if let Some((_, daily, _)) = found.iter().find(|f| f.0 == Schedule::Daily) {
        lines.push(format!(
            "Daily rebalancing traded {} of the portfolio a year and paid fees summing to {} of the starting \
             capital (they grow with the portfolio); \
             its costs took {} of CAGR.",
            pct(opt(daily.metrics.turnover_annual)),
            pct(daily.sim.total_fees),
            pts(gross(daily) - net(daily))
        ));
    }
    if best.0 == Schedule::Never {
        lines.push(
            "Not rebalancing at all won: in this market the rebalancing premium was smaller than its costs, \
                    or negative."
                .into(),
        );
    } else if best.0 == Schedule::Daily {
        lines.push("Even daily rebalancing paid for itself at this fee; try a higher fee.".into());
    }
    let table = Table {
        head: vec!["Schedule".into(), "CAGR".into(), "CAGR before costs".into(), "Turnover / yr".into(), "Fees".into()],
        rows: found
            .iter()
            .map(|(s, run, _)| {
                vec![
                    schedule_name(*s),
                    pct(net(run)),
                    pct(gross(run)),
                    pct(opt(run.metrics.turnover_annual)),
                    pct(run.sim.total_fees),
                ]
            })
            .collect(),
    };
    Ok(Readout { lines, table: Some(table), chart: None })
}

// ---------------------------------------------------------------------------
// 5. Top 10 against Top 100
// ---------------------------------------------------------------------------

pub fn concentration(r: &Results) -> Result<Readout, String> {
    let top = |s: &Strategy| s.universe.top_n.unwrap_or(usize::MAX);
    let pick = |want: fn(&Strategy) -> bool, small: bool| {
        let mut v: Vec<Found<'_>> = r.ok().filter(|(e, _)| want(&e.strategy)).collect();
        v.sort_by_key(|(e, _)| top(&e.strategy));
        if small {
            v.first().copied()
        } else {
            v.last().copied()
        }
    };
    let missing =
        || "This readout needs a small and a large cap-weighted index. Press \"Reload lesson setup\".".to_string();
    let (cs, cl) = (pick(is_cap, true).ok_or_else(missing)?, pick(is_cap, false).ok_or_else(missing)?);
    if top(&cs.0.strategy) == top(&cl.0.strategy) {
        return Err(missing());
    }
    let p = &r.panel;
    let mut rows = Vec::new();
    let mut all: Vec<Found<'_>> = vec![cs, cl];
    if let (Some(es), Some(el)) = (pick(is_equal, true), pick(is_equal, false)) {
        all.extend([es, el]);
    }
    for (e, run) in &all {
        rows.push(vec![
            e.strategy.name.clone(),
            format!("{:.1}", opt(run.metrics.avg_holdings)),
            format!("{:.1}", opt(run.metrics.avg_effective_n)),
            pct(average_top_weight(run, p).0),
            pct(opt(run.metrics.volatility)),
            pct(run.metrics.max_drawdown),
            pct(cagr(run)),
        ]);
    }
    let (ns, nl) = (opt(cs.1.metrics.avg_effective_n), opt(cl.1.metrics.avg_effective_n));
    let (vs, vl) = (opt(cs.1.metrics.volatility), opt(cl.1.metrics.volatility));
    let (ds, dl) = (cs.1.metrics.max_drawdown, cl.1.metrics.max_drawdown);
    let (hs, hl) = (opt(cs.1.metrics.avg_holdings), opt(cl.1.metrics.avg_holdings));
    let mut lines = vec![format!(
        "Cap weighting: going from {hs:.0} to {hl:.0} holdings moved effective N from {ns:.1} to {nl:.1}, \
         volatility from {} to {} and the worst drawdown from {} to {}.",
        pct(vs),
        pct(vl),
        pct(ds),
        pct(dl)
    )];
    lines.push(if nl < 2.0 * ns && (vs - vl).abs() < 0.05 {
        "So for a cap-weighted index the extra coins are nearly decoration: the few largest dominate either way, \
         and risk barely changes."
            .to_string()
    } else {
        format!(
            "Here the extra coins mattered: effective N rose {:.1}-fold and volatility changed by {}.",
            nl / ns.max(1e-9),
            pts(vl - vs)
        )
    });
    if all.len() == 4 {
        let (es, el) = (all[2].1, all[3].1);
        let (ves, vel) = (opt(es.metrics.volatility), opt(el.metrics.volatility));
        lines.push(format!(
            "Equal weighting uses all its coins: effective N {:.1} vs {:.1}. Yet its volatility went from {} to {} \
             and its worst drawdown from {} to {}: {}",
            opt(es.metrics.avg_effective_n),
            opt(el.metrics.avg_effective_n),
            pct(ves),
            pct(vel),
            pct(es.metrics.max_drawdown),
            pct(el.metrics.max_drawdown),
            if vel < ves {
                "more coins lowered risk, but with one market factor driving most coins, by much less than the count suggests."
            } else {
                "more coins did not lower risk at all; the smaller coins are wilder than the large ones."
            }
        ));
    }
    let table = Table {
        head: ["Index", "Holdings", "Effective N", "Largest weight", "Volatility", "Max drawdown", "CAGR"]
            .map(String::from)
            .to_vec(),
        rows,
    };
    Ok(Readout { lines, table: Some(table), chart: None })
}

// ---------------------------------------------------------------------------
// 6. Calm against volatile markets
// ---------------------------------------------------------------------------

pub const MC_SEEDS: [u64; 6] = [1, 2, 3, 4, 5, 6];
pub const MC_LEVELS: [f64; 3] = [0.5, 1.0, 2.0];

pub fn calm_volatile(r: &Results) -> Result<Readout, String> {
    let (_, cap) = find(r, "a cap-weighted index", is_cap)?;
    let (_, ew) = find(r, "an equal-weighted index", is_equal)?;
    let p = &r.panel;
    let market = market_cap_index(p);
    let split = regime_split(&market, 30, RegimeSplit::Median).map_err(|e| format!("No regime split: {e}"))?;
    let ppy = cap.metrics.periods_per_year;
    let stats = |run: &Run| regime_stats(p.dates(), &run.sim.equity, &split.labels, Some(ppy));
    let (cs, es) = (stats(cap).map_err(|e| e.to_string())?, stats(ew).map_err(|e| e.to_string())?);
    let get = |v: &[engine::analysis::RegimeStats], reg: VolRegime| v.iter().find(|s| s.regime == reg).cloned();
    let mut lines = Vec::new();
    let mut rows = Vec::new();
    for reg in [VolRegime::Calm, VolRegime::Volatile] {
        let (Some(c), Some(e)) = (get(&cs, reg), get(&es, reg)) else { continue };
        rows.push(vec![
            reg.label().to_string(),
            format!("{}", c.days),
            pct(c.geometric_return_annualised),
            pct(e.geometric_return_annualised),
            pct(opt(c.volatility)),
            pct(opt(e.volatility)),
        ]);
    }
    let vol_day = |t: f64| pct(t * ppy.sqrt());
    lines.push(format!(
        "Calm days: the market's 30-day volatility at or below {} (annualised); volatile days: above it.",
        vol_day(split.calm_threshold)
    ));
    if let (Some(cv), Some(ev), Some(cc), Some(ec)) = (
        get(&cs, VolRegime::Volatile),
        get(&es, VolRegime::Volatile),
        get(&cs, VolRegime::Calm),
        get(&es, VolRegime::Calm),
    ) {
        let dv = cv.geometric_return_annualised - ev.geometric_return_annualised;
        let dc = cc.geometric_return_annualised - ec.geometric_return_annualised;
        lines.push(format!(
            "On volatile days cap weighting compounded at {} a year against {} for equal weighting; on calm days \
             {} against {}.",
            pct(cv.geometric_return_annualised),
            pct(ev.geometric_return_annualised),
            pct(cc.geometric_return_annualised),
            pct(ec.geometric_return_annualised)
        ));
        let margins = format!("{} points a year on volatile days, {} on calm days", signed(dv), signed(dc));
        lines.push(match (dv > 0.0, dc > 0.0) {
            (true, false) => format!(
                "On this market, yes: cap weighting won when markets were volatile and lost when they were calm \
                 (cap minus equal: {margins})."
            ),
            (true, true) if dv > dc + 0.02 => format!(
                "Cap weighting won in both halves, but mostly on volatile days (cap minus equal: {margins}): on \
                 this market, its edge came from the volatile days."
            ),
            (true, true) if dc > dv + 0.02 => format!(
                "Cap weighting won in both halves, and by more on calm days (cap minus equal: {margins}): its edge \
                 did not come from volatility."
            ),
            (true, true) => format!(
                "Cap weighting won in both halves by similar margins (cap minus equal: {margins}): volatility was \
                 not what decided it."
            ),
            (false, true) => format!(
                "On this market, no: cap weighting lost on volatile days and only won on calm ones (cap minus \
                 equal: {margins})."
            ),
            (false, false) => {
                format!("On this market, no: equal weighting won in both halves (cap minus equal: {margins}).")
            }
        });
    }
    lines.push(format!(
        "Over the whole period: cap {} vs equal {} CAGR. Run the Monte Carlo to see whether this market is typical.",
        pct(cagr(cap)),
        pct(cagr(ew))
    ));
    let table = Table {
        head: ["Days", "Count", "Cap: return / yr", "Equal: return / yr", "Cap: volatility", "Equal: volatility"]
            .map(String::from)
            .to_vec(),
        rows,
    };
    Ok(Readout { lines, table: Some(table), chart: None })
}

/// Cap vs equal CAGR on small fresh markets: `(seed, volatility)` -> `(cap, equal)`.
pub fn monte_carlo(base: &MarketParams, cap: &Strategy, ew: &Strategy) -> Vec<McCell> {
    let run = |panel: &Panel, s: &Strategy| {
        engine::simulate(panel, s).map(|sim| curve_cagr(&sim.equity, 365.0)).unwrap_or(f64::NAN)
    };
    engine::analysis::monte_carlo(&MC_SEEDS, &MC_LEVELS, |seed, vol| {
        let params = MarketParams {
            seed: base.seed.wrapping_mul(1000).wrapping_add(seed),
            n_assets: 40,
            years: 3.0,
            volatility: vol,
            ..base.clone()
        };
        let panel = engine::synth::generate(&params);
        (run(&panel, cap), run(&panel, ew))
    })
}

pub fn monte_carlo_lines(cells: &[McCell]) -> (Vec<String>, Table) {
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
    let mut lines = Vec::new();
    let shares: Vec<f64> = cells.iter().map(|c| opt(c.share_a_beats_b)).collect();
    let desc: Vec<String> = cells
        .iter()
        .map(|c| {
            let wins = (opt(c.share_a_beats_b) * c.runs as f64).round();
            format!("{wins:.0} of {} markets at volatility x{}", c.runs, c.dial_value)
        })
        .collect();
    lines.push(format!("Monte Carlo: cap weighting beat equal weighting in {}.", desc.join(", ")));
    if let (Some(first), Some(last)) = (shares.first(), shares.last()) {
        lines.push(if last > first {
            format!(
                "Cap weighting won more often in the more volatile markets ({} vs {}): the numbers support the claim \
                 that cap weighting holds up better when markets are volatile.",
                pct(*last),
                pct(*first)
            )
        } else if last < first {
            format!(
                "Cap weighting won less often in the more volatile markets ({} vs {}): the numbers go against the \
                 claim that cap weighting wins when markets are volatile.",
                pct(*last),
                pct(*first)
            )
        } else {
            format!(
                "Cap weighting won as often in calm as in volatile markets ({}): volatility did not decide the race.",
                pct(*last)
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
        head: ["Volatility", "Markets", "Cap beats equal", "Mean CAGR gap (cap - equal, pts)", "Median gap (pts)"]
            .map(String::from)
            .to_vec(),
        rows,
    };
    (lines, table)
}

// ---------------------------------------------------------------------------
// 7. Correlation surges in crashes
// ---------------------------------------------------------------------------

pub fn crash_correlation(r: &Results) -> Result<Readout, String> {
    let p = &r.panel;
    let corr = rolling_average_correlation(p, 60, &AssetSet::TopByCap(20))
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
    let inside = avg(&|t| t >= peak && t <= trough);
    let outside = avg(&|t| t < peak || t > trough);
    let mut lines = vec![format!(
        "The whole market's worst drawdown was {} from {} to {}.",
        pct(dd.max_drawdown),
        date_at(p, peak),
        date_at(p, trough)
    )];
    match (inside, outside) {
        (Some(i), Some(o)) => {
            lines.push(format!(
                "Average 60-day correlation of the top 20 coins: {i:.2} during that drawdown, {o:.2} the rest of the time."
            ));
            lines.push(if i > o + 0.05 {
                format!(
                    "Correlation rose by {:.2} in the fall: the coins moved together just when spreading money \
                     across them should have helped. Diversification across coins is weakest in a crash.",
                    i - o
                )
            } else if i < o - 0.05 {
                format!(
                    "Here correlation was lower by {:.2} during the fall, against the usual pattern; \
                     diversification held up in this drawdown.",
                    o - i
                )
            } else {
                format!(
                    "Correlation barely changed ({:+.2}): in this market the drawdown did not come with a surge of \
                     co-movement.",
                    i - o
                )
            });
        }
        _ => lines.push("The drawdown is too short for a 60-day correlation to be measured inside it.".into()),
    }
    // A second view: days ending the market's 10% worst 60-day stretches.
    let w = 60;
    let r60: Vec<f64> =
        (0..market.len()).map(|t| if t >= w { market[t] / market[t - w] - 1.0 } else { f64::NAN }).collect();
    let finite: Vec<f64> = r60.iter().copied().filter(|x| x.is_finite()).collect();
    if let Some(cut) = metrics::quantile_linear(&finite, 0.1) {
        let worst = avg(&|t| r60[t].is_finite() && r60[t] <= cut);
        let rest = avg(&|t| r60[t].is_finite() && r60[t] > cut);
        if let (Some(a), Some(b)) = (worst, rest) {
            lines.push(format!(
                "Over the same 60 days as each correlation window: when the market had {} (its worst 10% of \
                 60-day stretches) the average correlation was {a:.2}, against {b:.2} otherwise{}",
                if cut < 0.0 {
                    format!("fallen {} or more", pct(-cut))
                } else {
                    format!("gained {} or less", pct(cut))
                },
                if a > b + 0.05 {
                    format!(": sharp falls came with {:.2} more correlation.", a - b)
                } else if a < b - 0.05 {
                    ": in this market sharp falls came with less correlation, not more.".to_string()
                } else {
                    ": no surge in sharp falls either.".to_string()
                }
            ));
        }
    }
    let dds: Vec<String> =
        r.ok().map(|(e, run)| format!("{} {}", e.strategy.name, pct(run.metrics.max_drawdown))).collect();
    lines.push(format!("Worst drawdown of each index: {}.", dds.join("; ")));
    Ok(Readout {
        lines,
        table: None,
        chart: Some(ReadoutChart {
            title: "Average pairwise correlation, top 20 coins by cap, 60-day window".into(),
            label: "correlation".into(),
            name: "Top 20 correlation".into(),
            dates: p.dates().to_vec(),
            values: corr,
        }),
    })
}

// ---------------------------------------------------------------------------
// 8. Survivorship bias
// ---------------------------------------------------------------------------

/// The panel without the assets that stop trading before its last day.
fn survivors(p: &Panel) -> Result<(Panel, usize), String> {
    let n = p.n_days();
    let keep: Vec<usize> = (0..p.n_assets()).filter(|&a| !p.assets()[a].delisted(n)).collect();
    let dead = p.n_assets() - keep.len();
    let pick = |v: &[f64]| -> Vec<f64> {
        let mut out = Vec::with_capacity(n * keep.len());
        for t in 0..n {
            let row = &v[t * p.n_assets()..(t + 1) * p.n_assets()];
            out.extend(keep.iter().map(|&a| row[a]));
        }
        out
    };
    let extras = p.extras().iter().map(|x| engine::Extra { name: x.name.clone(), values: pick(&x.values) }).collect();
    let panel = Panel::new(
        p.dates().to_vec(),
        keep.iter().map(|&a| p.assets()[a].id.clone()).collect(),
        pick(p.prices()),
        pick(p.market_caps()),
        pick(p.volumes()),
        extras,
    )
    .map_err(|e| format!("The survivors-only data could not be built: {e}"))?;
    Ok((panel, dead))
}

pub fn survivorship(r: &Results) -> Result<Readout, String> {
    let p = &r.panel;
    let (alive, dead) = survivors(p)?;
    if r.ok().next().is_none() {
        return Err("No strategy ran. Press \"Reload lesson setup\".".into());
    }
    let mut lines = vec![format!(
        "{dead} of the {} coins stopped trading before {} (their prices end early); the survivors-only copy of \
         the data keeps the other {}.",
        p.n_assets(),
        date_at(p, p.n_days() - 1),
        alive.n_assets()
    )];
    if dead == 0 {
        lines.push("No coin died in this range, so a survivors-only backtest would show no bias here.".into());
    }
    let mut rows = Vec::new();
    for (e, run) in r.ok() {
        let ppy = run.metrics.periods_per_year;
        let s = Strategy { initial_capital: e.strategy.initial_capital, ..e.strategy.clone() };
        let on_alive = engine::simulate(&alive, &s).map_err(|e| e.to_string())?;
        let (full, surv) = (cagr(run), curve_cagr(&on_alive.equity, ppy));
        let dead_held = run.sim.trades.iter().filter(|t| t.reason == TradeReason::Delisting).count();
        rows.push(vec![e.strategy.name.clone(), pct(full), pct(surv), signed(surv - full), dead_held.to_string()]);
        lines.push(format!(
            "{}: CAGR {} with the dead coins, {} without them. {}",
            e.strategy.name,
            pct(full),
            pct(surv),
            if surv > full + 1e-4 {
                format!("Leaving the dead coins out flatters the backtest by {} a year.", pts(surv - full))
            } else if surv < full - 1e-4 {
                format!(
                    "Here leaving them out lowers the result by {}: while held, the dead coins did better than \
                     the coins that take their places in the survivors-only index, so the bias goes the unusual way.",
                    pts(surv - full)
                )
            } else {
                "The dead coins made no difference to this index (it never held them).".into()
            }
        ));
    }
    let table = Table {
        head: ["Index", "CAGR, all coins", "CAGR, survivors only", "Bias (pts)", "Delisting sales"]
            .map(String::from)
            .to_vec(),
        rows,
    };
    Ok(Readout { lines, table: Some(table), chart: None })
}

// ---------------------------------------------------------------------------
// 9. Regime rule
// ---------------------------------------------------------------------------

pub fn regime_rule(r: &Results) -> Result<Readout, String> {
    let (_, plain) = find(r, "an index without a regime rule", |s| s.regime.is_none())?;
    let (re, rule) = find(r, "an index with a regime rule", |s| s.regime.is_some())?;
    let switches = rule.sim.rebalances.iter().filter(|rb| rb.reason == TradeReason::Regime).count();
    let off_days = rule.sim.risk_off.iter().filter(|x| **x).count();
    let share_off = off_days as f64 / rule.sim.risk_off.len().max(1) as f64;
    let sma = re.strategy.regime.as_ref().map(|g| g.sma_days).unwrap_or(0);
    let (cp, cr) = (cagr(plain), cagr(rule));
    let (dp, dr) = (plain.metrics.max_drawdown, rule.metrics.max_drawdown);
    let mut lines = vec![format!(
        "The {sma}-day rule switched {switches} times and sat in stablecoins on {off_days} days ({} of the time).",
        pct(share_off)
    )];
    lines.push(format!(
        "Worst drawdown: {} with the rule, {} without. CAGR: {} with, {} without. Fees, summed in money as the \
         portfolio grew: {} with, {} without (as a share of the starting capital).",
        pct(dr),
        pct(dp),
        pct(cr),
        pct(cp),
        pct(rule.sim.total_fees),
        pct(plain.sim.total_fees)
    ));
    lines.push(match (dr > dp, cr > cp) {
        (true, true) => format!(
            "Here the rule did both: {} less drawdown and {} more CAGR. One market is one path; check another \
             moving average before trusting it.",
            pts(dr - dp),
            pts(cr - cp)
        ),
        (true, false) => format!(
            "The rule cut the worst drawdown by {} but cost {} of CAGR a year: it paid for insurance with missed \
             rebounds and fees.",
            pts(dr - dp),
            pts(cr - cp)
        ),
        (false, true) => format!(
            "Oddly, the rule earned {} more but did not reduce the worst drawdown (worse by {}).",
            pts(cr - cp),
            pts(dr - dp)
        ),
        (false, false) => format!(
            "The rule failed here: a deeper drawdown (by {}) and {} less CAGR, because it sold after falls and \
             bought back after rises.",
            pts(dr - dp),
            pts(cr - cp)
        ),
    });
    if let (Some(sp), Some(sr)) = (plain.metrics.sharpe, rule.metrics.sharpe) {
        lines.push(format!("Sharpe ratio: {sr:.2} with the rule, {sp:.2} without."));
    }
    Ok(Readout { lines, ..Readout::default() })
}
