//! Every lesson at every value of its dial: the setup runs natively the way
//! the page runs it, the readout is built, and each sentence's claim is
//! checked against the numbers it quotes (signs and orderings), so no
//! sentence contradicts its numbers anywhere on the dial's range. Each
//! lesson's words are also fed constructed numbers for the branches the
//! built-in market does not reach.

use engine::compare::Run;
use engine::{Panel, Schedule, Strategy};
use lessons::{
    calm_volatile, concentration, crash_correlation, rebalance_costs, regime_rule, survivorship, volatility_drag,
    what_they_hold, winners_grow, Inputs, Lesson, Readout, LESSONS,
};

/// The runs of one dial value.
struct Ran {
    strategies: Vec<Strategy>,
    panel: Panel,
    runs: Vec<Result<Run, String>>,
}

impl Ran {
    fn inputs(&self) -> Inputs<'_> {
        Inputs::of(&self.panel, &self.strategies, &self.runs)
    }
}

fn run(lesson: &Lesson, v: f64) -> Ran {
    let setup = (lesson.setup)(v);
    let (panel, runs) = setup.run();
    for (s, r) in setup.strategies.iter().zip(&runs) {
        assert!(r.is_ok(), "{} at {v}: {} failed: {:?}", lesson.id, s.name, r.as_ref().err());
    }
    Ran { strategies: setup.strategies, panel, runs }
}

/// Every dial value of `lesson`, with its runs.
fn dial(lesson: &Lesson) -> Vec<(f64, Ran)> {
    lesson.control.options.iter().map(|&(_, v)| (v, run(lesson, v))).collect()
}

fn lesson(id: &str) -> &'static Lesson {
    lessons::find(id).expect("lesson exists").1
}

/// What every readout must be: sentences with numbers, no NaN or infinity,
/// no unexpanded placeholder.
fn check_common(id: &str, v: f64, r: &Readout) {
    let text = r.text();
    assert!(r.lines.len() >= 2, "{id} at {v}: {text}");
    assert!(text.chars().any(|c| c.is_ascii_digit()), "{id} at {v}: no number in {text}");
    for bad in ["NaN", "inf", "{", "}"] {
        assert!(!text.contains(bad), "{id} at {v}: '{bad}' in {text}");
    }
}

#[test]
fn every_lesson_has_a_setup_a_readout_and_questions_at_every_dial_value() {
    assert_eq!(LESSONS.len(), 9);
    for l in &LESSONS {
        assert!((2..=3).contains(&l.questions.len()), "{}: {} questions", l.id, l.questions.len());
        assert!(l.control.options.iter().any(|o| o.1 == l.control.default), "{}: default not on the dial", l.id);
        for (v, ran) in dial(l) {
            let r = (l.readout)(&ran.inputs()).unwrap_or_else(|e| panic!("{} at {v}: {e}", l.id));
            check_common(l.id, v, &r);
        }
    }
}

#[test]
fn a_readout_without_its_strategies_says_what_is_missing() {
    for l in &LESSONS {
        let ran = run(l, l.control.default);
        let empty = Inputs { panel: &ran.panel, runs: Vec::new(), capital: lessons::CAPITAL };
        if l.id == "crash-correlation" {
            continue; // reads the market, not the strategies
        }
        let e = (l.readout)(&empty).expect_err(l.id);
        assert!(e.contains("Reload lesson setup"), "{}: {e}", l.id);
    }
}

// ---------------------------------------------------------------------------
// 1. What they hold
// ---------------------------------------------------------------------------

#[test]
fn what_they_hold_claims_match_the_numbers() {
    let l = lesson("what-they-hold");
    let mut cap_eff = Vec::new();
    for (v, ran) in dial(l) {
        let n = what_they_hold::numbers(&ran.inputs()).unwrap();
        let t = what_they_hold::words(&n).text();
        let used = what_they_hold::used_share(n.cap_eff_n, n.cap_holdings);
        assert_eq!(t.contains("hardly matter"), used < 0.5, "{v}: {t}");
        assert_eq!(t.contains("cap weighting ahead"), n.cap_cagr > n.ew_cagr, "{v}: {t}");
        assert_eq!(t.contains("equal weighting ahead"), n.ew_cagr > n.cap_cagr, "{v}: {t}");
        assert!(n.ew_eff_n > n.cap_eff_n, "{v}: equal weighting is the less concentrated");
        cap_eff.push((n.cap_eff_n, n.ew_eff_n));
    }
    // The dial's help: more coins change equal weighting a lot, cap weighting little.
    let (first, last) = (cap_eff[0], cap_eff[cap_eff.len() - 1]);
    assert!(last.1 - first.1 > 2.0 * (last.0 - first.0), "{cap_eff:?}");
}

// ---------------------------------------------------------------------------
// 2. Winners grow
// ---------------------------------------------------------------------------

#[test]
fn winners_grow_claims_match_the_numbers() {
    for (v, ran) in dial(lesson("winners-grow")) {
        let n = winners_grow::numbers(&ran.inputs()).unwrap();
        let t = winners_grow::words(&n).text();
        let (start, end) = (n.cap_first.as_ref().unwrap().1, n.cap_last.as_ref().unwrap().1);
        assert_eq!(t.contains("largest weight grew"), end > start, "{v}: {t}");
        assert_eq!(t.contains("largest weight shrank"), end < start, "{v}: {t}");
        assert_eq!(t.contains("doing nothing came out ahead"), n.cap_cagr > n.ew_cagr, "{v}: {t}");
        assert_eq!(t.contains("rebalancing came out ahead"), n.ew_cagr > n.cap_cagr, "{v}: {t}");
        // The buy-and-hold index only sells coins that stop trading.
        assert_eq!(n.cap_later_trades, n.cap_delisting_trades, "{v}");
        assert!(n.cap_turnover < n.ew_turnover, "{v}");
        assert!(t.contains("Fees paid") && !t.contains("% of the starting"), "{v}: fees in money: {t}");
    }
}

// ---------------------------------------------------------------------------
// 3 and 4. The rebalancing premium
// ---------------------------------------------------------------------------

#[test]
fn volatility_drag_claims_match_the_numbers() {
    for (v, ran) in dial(lesson("volatility-drag")) {
        let n = volatility_drag::numbers(&ran.inputs()).unwrap();
        let t = volatility_drag::words(&n).text();
        let g = &n.gap;
        // The premium is the attribution's rebalancing part, by one definition.
        assert!((n.premium - g.rebalancing).abs() < 1e-12, "{v}: {} vs {}", n.premium, g.rebalancing);
        assert_eq!(t.contains("beat cap weight"), g.total >= 0.0, "{v}: {t}");
        assert_eq!(t.contains("trailed cap weight"), g.total < 0.0, "{v}: {t}");
        assert_eq!(t.contains("Rebalancing paid here"), n.premium > 0.0, "{v}: {t}");
        assert_eq!(t.contains("Rebalancing did not pay here"), n.premium <= 0.0, "{v}: {t}");
        // "Most of the lead came from X": X has the total's sign and the largest size.
        let (what, x) = volatility_drag::main_source(g).expect("some part has the total's sign");
        assert!(t.contains(what), "{v}: {t}");
        assert_eq!(x.signum(), g.total.signum(), "{v}");
        for other in [g.size_tilt, g.rebalancing, g.cost_drag + g.cap_costs] {
            if other.signum() == g.total.signum() {
                assert!(x.abs() >= other.abs(), "{v}: {x} vs {other}");
            }
        }
        assert!(g.residual.abs() < 1e-9, "{v}: the parts add up");
        assert_eq!(t.contains("rule of thumb holds"), n.rule_holds(), "{v}: {t}");
    }
}

#[test]
fn the_drag_grows_with_volatility() {
    let drags: Vec<f64> = dial(lesson("volatility-drag"))
        .iter()
        .map(|(_, ran)| {
            let n = volatility_drag::numbers(&ran.inputs()).unwrap();
            n.volatility * n.volatility / 2.0
        })
        .collect();
    assert!(drags.windows(2).all(|w| w[1] > w[0]), "{drags:?}");
}

#[test]
fn rebalance_costs_claims_match_the_numbers() {
    for (v, ran) in dial(lesson("rebalance-costs")) {
        let n = rebalance_costs::numbers(&ran.inputs()).unwrap();
        let t = rebalance_costs::words(&n).text();
        assert!(t.contains(&format!("At {v:.0} bp per trade")), "{t}");
        assert_eq!(n.rows.len(), 5);
        let (best, gross) = (n.best(), n.best_gross());
        assert!(n.rows.iter().all(|r| r.cagr <= best.cagr), "{v}");
        assert_eq!(t.contains("Costs changed the winner"), best.schedule != gross.schedule, "{v}: {t}");
        let held = n.rows.iter().find(|r| r.schedule == Schedule::Never).unwrap();
        for r in n.rows.iter().filter(|r| r.schedule != Schedule::Never) {
            let p = r.premium.unwrap();
            // One definition: before costs against the held basket; net = premium - drag.
            assert!((p.premium - (r.gross_cagr - held.cagr)).abs() < 1e-12, "{v}");
            assert!((p.net - (p.premium - p.cost_drag)).abs() < 1e-12, "{v}");
            assert!((p.net - (r.cagr - held.cagr)).abs() < 1e-12, "{v}");
            assert!(p.cost_drag > 0.0, "{v}: rebalancing costs something");
        }
        if best.schedule == Schedule::Never {
            // "wherever the premium was positive, its costs were larger": net < 0 everywhere.
            assert!(n.rows.iter().filter_map(|r| r.premium).all(|p| p.net < 0.0), "{v}");
            assert!(t.contains("Not rebalancing at all won"), "{v}: {t}");
        } else {
            assert!(!t.contains("Not rebalancing at all won"), "{v}: {t}");
        }
        assert_eq!(t.contains("Even daily rebalancing paid"), best.schedule == Schedule::Daily, "{v}: {t}");
    }
}

#[test]
fn higher_fees_never_help_a_schedule() {
    let dial = dial(lesson("rebalance-costs"));
    let nums: Vec<_> = dial.iter().map(|(_, r)| rebalance_costs::numbers(&r.inputs()).unwrap()).collect();
    for w in nums.windows(2) {
        for (a, b) in w[0].rows.iter().zip(&w[1].rows) {
            assert!(b.cagr <= a.cagr + 1e-12, "{:?}: {} then {}", a.schedule, a.cagr, b.cagr);
            assert_eq!(a.gross_cagr, b.gross_cagr, "before costs the fee does not matter");
        }
    }
}

#[test]
fn lessons_3_and_4_quote_the_same_premium_on_the_same_market() {
    // Lesson 3 at volatility x1 and lesson 4 at its default fee (the default
    // 10 bp) hold the same basket on the same market: one premium.
    let three = run(lesson("volatility-drag"), 1.0);
    let four = run(lesson("rebalance-costs"), 10.0);
    let p3 = volatility_drag::numbers(&three.inputs()).unwrap().premium;
    let n4 = rebalance_costs::numbers(&four.inputs()).unwrap();
    let p4 = n4.rows.iter().find(|r| r.schedule == Schedule::Monthly).unwrap().premium.unwrap().premium;
    assert_eq!(p3, p4);
    assert!(volatility_drag::words(&volatility_drag::numbers(&three.inputs()).unwrap())
        .text()
        .contains(lessons::premium::DEFINITION));
    assert!(rebalance_costs::words(&n4).text().contains(lessons::premium::DEFINITION));
}

// ---------------------------------------------------------------------------
// 5. Top 10 against Top 100
// ---------------------------------------------------------------------------

#[test]
fn concentration_claims_match_each_risk_measure() {
    use concentration::{drawdown_move, vol_move, Move};
    for (v, ran) in dial(lesson("top10-vs-top100")) {
        let n = concentration::numbers(&ran.inputs()).unwrap();
        let t = concentration::words(&n).text();
        let (es, el) = n.equal.as_ref().expect("both equal-weighted indexes ran");
        for (s, l) in [(&n.cap_small, &n.cap_large), (es, el)] {
            let (vm, dm) = (vol_move(s, l), drawdown_move(s, l));
            assert_eq!(vm == Move::Lower, l.volatility < s.volatility - concentration::SAME);
            assert_eq!(dm == Move::Lower, l.max_drawdown > s.max_drawdown + concentration::SAME);
            assert!(t.contains(concentration::verdict(vm, dm)), "{v}: {t}");
        }
        // "did not lower" is said only of a measure that did not fall.
        if t.contains("lowered neither") {
            let pairs = [(&n.cap_small, &n.cap_large), (es, el)];
            assert!(pairs.iter().any(|(s, l)| l.volatility > s.volatility + concentration::SAME
                || l.max_drawdown < s.max_drawdown - concentration::SAME));
        }
        if t.contains("fell only to") {
            let independent = es.volatility * (es.eff_n / el.eff_n).sqrt();
            assert!(el.volatility > independent, "{v}");
        }
    }
}

#[test]
fn concentration_words_cover_mixed_moves() {
    use concentration::{verdict, Move};
    // The case the old wording got wrong: volatility up, drawdown shallower.
    let w = verdict(Move::Higher, Move::Lower);
    assert!(w.contains("shallower") && w.contains("did not lower volatility"), "{w}");
    assert!(verdict(Move::Lower, Move::Higher).contains("not the worst drawdown"));
    assert!(verdict(Move::Lower, Move::Lower).contains("lowered both"));
    assert!(verdict(Move::Higher, Move::Higher).contains("lowered neither"));
    assert!(!verdict(Move::Same, Move::Same).contains("wilder"), "no cause claimed for no change");
}

// ---------------------------------------------------------------------------
// 6. Calm against volatile
// ---------------------------------------------------------------------------

#[test]
fn calm_volatile_claims_match_the_numbers() {
    for (v, ran) in dial(lesson("calm-vs-volatile")) {
        let n = calm_volatile::numbers(&ran.inputs()).unwrap();
        let t = calm_volatile::words(&n).text();
        let supports = calm_volatile::supports_claim(&n).expect("both halves");
        assert_eq!(t.contains("On this market, yes"), supports, "{v}: {t}");
        assert_eq!(t.contains("On this market, no"), !supports, "{v}: {t}");
        let (c, vol) = (n.calm.unwrap(), n.volatile.unwrap());
        // The halves split the labelled days about evenly.
        assert!((c.days as f64 - vol.days as f64).abs() <= 0.02 * (c.days + vol.days) as f64, "{v}");
    }
}

#[test]
fn monte_carlo_words_follow_the_shares() {
    use engine::analysis::McCell;
    let cell = |dial_value: f64, share: f64| McCell {
        dial_value,
        runs: 6,
        share_a_beats_b: Some(share),
        mean_difference: Some(0.01),
        median: Some(0.0),
        failed: 0,
        differences: Vec::new(),
        q05: None,
        q25: None,
        q75: None,
        q95: None,
    };
    let (more, _) = calm_volatile::monte_carlo_words(&[cell(0.5, 2.0 / 6.0), cell(2.0, 5.0 / 6.0)]);
    assert!(more.join(" ").contains("won more often in the most volatile"), "{more:?}");
    assert!(more[0].contains("2 of 6 markets at volatility x0.5") && more[0].contains("5 of 6"), "{more:?}");
    let (less, _) = calm_volatile::monte_carlo_words(&[cell(0.5, 4.0 / 6.0), cell(2.0, 1.0 / 6.0)]);
    assert!(less.join(" ").contains("go against the claim"), "{less:?}");
    let (same, _) = calm_volatile::monte_carlo_words(&[cell(0.5, 0.5), cell(2.0, 0.5)]);
    assert!(same.join(" ").contains("did not decide"), "{same:?}");
}

// ---------------------------------------------------------------------------
// 7. Correlation in crashes
// ---------------------------------------------------------------------------

#[test]
fn crash_correlation_views_never_contradict_each_other() {
    use crash_correlation::{shift, Shift};
    for (v, ran) in dial(lesson("crash-correlation")) {
        let n = crash_correlation::numbers(&ran.inputs()).unwrap();
        let r = crash_correlation::words(&n);
        let t = r.text();
        let first = n.in_drawdown.map(|(i, o)| shift(i, o));
        let second = n.worst_stretches.map(|(_, a, b)| shift(a, b));
        assert_eq!(t.contains("weakest in the crash"), first == Some(Shift::Surge), "{v}: {t}");
        assert_eq!(t.contains("held up in this drawdown"), first == Some(Shift::Drop), "{v}: {t}");
        if let (Some(f), Some(s)) = (first, second) {
            assert_eq!(t.contains("as in the drawdown as a whole"), f == s, "{v}: {t}");
            assert_eq!(t.contains("unlike the drawdown as a whole"), f != s, "{v}: {t}");
        }
        assert!(!t.contains("either"), "{v}: the old contradiction: {t}");
        // The chart shades the market's worst drawdown.
        let c = r.chart.expect("a chart");
        assert_eq!(c.shade, Some((n.peak, n.trough)));
        assert!(n.peak < n.trough && n.trough < c.values.len(), "{v}");
    }
}

#[test]
fn crash_correlation_words_for_disagreeing_views() {
    use crash_correlation::Numbers;
    let base = Numbers {
        market_drawdown: -0.6,
        peak: 10,
        trough: 20,
        peak_date: "2020-01-01".into(),
        trough_date: "2020-01-11".into(),
        in_drawdown: Some((0.7, 0.5)),
        worst_stretches: Some((-0.3, 0.52, 0.5)),
        index_drawdowns: vec![("A".into(), -0.5)],
        dates: Vec::new(),
        correlation: Vec::new(),
    };
    let t = crash_correlation::words(&base).text();
    assert!(t.contains("weakest in the crash") && t.contains("unlike the drawdown as a whole"), "{t}");
    let agree = Numbers { worst_stretches: Some((-0.3, 0.7, 0.5)), ..base.clone() };
    assert!(crash_correlation::words(&agree).text().contains("as in the drawdown as a whole"));
    let drop = Numbers { in_drawdown: Some((0.3, 0.5)), ..base };
    assert!(crash_correlation::words(&drop).text().contains("held up in this drawdown"));
}

// ---------------------------------------------------------------------------
// 8. Survivorship
// ---------------------------------------------------------------------------

#[test]
fn survivorship_claims_match_the_numbers() {
    for (v, ran) in dial(lesson("survivorship")) {
        let n = survivorship::numbers(&ran.inputs()).unwrap();
        let t = survivorship::words(&n).text();
        assert!(n.dead > 0, "{v}: the built-in market has coins that die");
        for r in &n.rows {
            let bias = r.survivors_only - r.with_dead;
            let line = t.split(&format!("{}: ", r.name)).nth(1).unwrap_or_default();
            assert!(line.starts_with("CAGR"), "{v}: {t}");
            let said_flatters = line.split(". ").take(3).any(|s| s.contains("flatters"));
            assert_eq!(said_flatters, bias > survivorship::TOLERANCE, "{v} {}: {line}", r.name);
        }
        // The survivors-only panel has exactly the coins that trade on the last day.
        let (alive, dead) = survivorship::survivors(&ran.panel).unwrap();
        assert_eq!(alive.n_assets() + dead, ran.panel.n_assets());
    }
}

// ---------------------------------------------------------------------------
// 9. Regime rule
// ---------------------------------------------------------------------------

#[test]
fn regime_rule_claims_match_the_numbers() {
    for (v, ran) in dial(lesson("regime-stablecoins")) {
        let n = regime_rule::numbers(&ran.inputs()).unwrap();
        let t = regime_rule::words(&n).text();
        let (dd, cg) = (n.dd_rule - n.dd_plain, n.cagr_rule - n.cagr_plain);
        assert_eq!(t.contains("the rule did both"), dd > 0.0 && cg > 0.0, "{v}: {t}");
        assert_eq!(t.contains("cut the worst drawdown"), dd > 0.0 && cg <= 0.0, "{v}: {t}");
        assert_eq!(t.contains("did not reduce the worst drawdown"), dd <= 0.0 && cg > 0.0, "{v}: {t}");
        assert_eq!(t.contains("The rule failed"), dd <= 0.0 && cg <= 0.0, "{v}: {t}");
        assert!(n.switches > 0 && n.days_off > 0, "{v}: the rule acts on the built-in market");
        assert!(n.fees_rule > n.fees_plain, "{v}: switching costs fees");
        assert!(!t.contains("% of the starting"), "{v}: fees in money: {t}");
    }
}

#[test]
fn a_shorter_average_switches_more() {
    let counts: Vec<usize> = dial(lesson("regime-stablecoins"))
        .iter()
        .map(|(_, r)| regime_rule::numbers(&r.inputs()).unwrap().switches)
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "50, 100, 200 days: {counts:?}");
}

// ---------------------------------------------------------------------------
// Lessons on the user's data
// ---------------------------------------------------------------------------

/// The 2023 top-50 CoinGecko files, loaded as the page loads them.
fn real_panel() -> Panel {
    let dir = std::env::var_os("INDEXLAB_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
        .join("coingecko-top50-2023");
    let mut contents = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "csv") {
            contents.push((p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()));
        }
    }
    contents.sort();
    let files: Vec<engine::ingest::InputFile> =
        contents.iter().map(|(n, b)| engine::ingest::InputFile::new(n.clone(), b)).collect();
    engine::ingest::load(&files, &engine::ingest::IngestOptions::default()).unwrap().panel
}

#[test]
fn a_lesson_on_real_files_reads_out_the_engines_numbers_on_them() {
    let panel = real_panel();
    let l = lesson("what-they-hold");
    l.fits(20.0, &panel).expect("a Top 20 lesson fits 50 coins");
    let sc = l.scenario_on(20.0, engine::scenario::DataRef::default(), false);
    let strategies: Vec<Strategy> =
        sc.strategies.iter().map(|s| Strategy { initial_capital: sc.initial_capital, ..s.clone() }).collect();
    let runs = engine::compare::compare(&panel, &strategies, None, &engine::metrics::MetricsOptions::default())
        .into_iter()
        .map(|r| r.map_err(|e| e.to_string()))
        .collect::<Vec<_>>();
    let n = what_they_hold::numbers(&Inputs::of(&panel, &strategies, &runs)).unwrap();
    let cap = runs[0].as_ref().unwrap();
    let ew = runs[1].as_ref().unwrap();
    assert_eq!(n.cap_cagr, cap.metrics.cagr.unwrap());
    assert_eq!(n.ew_cagr, ew.metrics.cagr.unwrap());
    assert_eq!(n.cap_leader.as_deref(), Some("bitcoin"), "bitcoin leads a real cap-weighted index");
    let text = what_they_hold::words(&n).text();
    assert!(text.contains(&lessons::format::pct(n.cap_cagr)), "{text}");
    // The real data differs from the built-in market's: the numbers are the file's.
    let (built_in, built_runs) = (l.setup)(20.0).run();
    let ss = (l.setup)(20.0).strategies;
    let b = what_they_hold::numbers(&Inputs::of(&built_in, &ss, &built_runs)).unwrap();
    assert_ne!(b.cap_cagr, n.cap_cagr);
}

#[test]
fn lessons_say_when_the_loaded_data_does_not_fit() {
    let panel = real_panel(); // 50 coins, 2023
    let err = lesson("top10-vs-top100").fits(10.0, &panel).unwrap_err();
    assert!(err.contains("up to 100 coins") && err.contains("has 5"), "{err}");
    assert!(lesson("what-they-hold").fits(50.0, &panel).is_ok() || panel.n_days() < 365);
    // Market dials do not apply to the user's data; strategy dials do.
    assert!(lesson("volatility-drag").dial_changes_market());
    assert!(lesson("crash-correlation").dial_changes_market());
    assert!(!lesson("rebalance-costs").dial_changes_market());
    assert!(!lesson("what-they-hold").dial_changes_market());
}

#[test]
fn the_monte_carlo_split_into_runs_gives_the_same_cells() {
    let l = lesson("calm-vs-volatile");
    let setup = (l.setup)(1.0);
    let (cap, ew) = (&setup.strategies[0], &setup.strategies[1]);
    let runs = calm_volatile::monte_carlo_runs();
    assert_eq!(runs.len(), calm_volatile::MC_SEEDS.len() * calm_volatile::MC_LEVELS.len());
    // In reverse order, as workers may return them: each run is keyed by its index.
    let mut outcomes = vec![(0.0, 0.0); runs.len()];
    for (i, r) in runs.iter().enumerate().rev() {
        outcomes[i] = calm_volatile::monte_carlo_run(&setup.market, cap, ew, *r);
    }
    assert_eq!(calm_volatile::monte_carlo_cells(&outcomes), calm_volatile::monte_carlo(&setup.market, cap, ew));
}
