//! The robustness analyses (timing luck, start dates, bootstrap, regimes,
//! verdict) and the two strategy options they come with (tranches,
//! band-edge rebalancing).

use engine::robustness::bootstrap::{bootstrap_pair, jobson_korkie_memmel, BlockLength};
use engine::robustness::start_dates::{windows, WindowLength};
use engine::robustness::timing::{offsets, run_offset};
use engine::robustness::{analyse, assemble, jobs, run_job, RobustnessSpec, Verdict};
use engine::scenario::Scenario;
use engine::strategy::{BandMethod, Bands, Costs, Impact, Universe};
use engine::synth::random_walk;
use engine::synth::rng::Xoshiro256;
use engine::{simulate, Panel, Schedule, Side, Strategy, TradeReason, Weighting};

#[allow(dead_code)]
mod sim_support;
use sim_support::Build;

fn plain(weighting: Weighting, rebalance: Schedule) -> Strategy {
    Strategy {
        name: format!("{weighting:?} {rebalance:?}"),
        weighting,
        rebalance,
        universe: Universe { exclude: vec![], ..Universe::default() },
        record_trades: false,
        ..Strategy::default()
    }
}

fn quick_spec() -> RobustnessSpec {
    RobustnessSpec { resamples: 200, fan_points: 50, ..RobustnessSpec::default() }
}

// ---------------------------------------------------------------------------
// Timing luck
// ---------------------------------------------------------------------------

#[test]
fn constant_prices_have_no_timing_luck() {
    let panel =
        Build::new((2021, 1, 1), &["a", "b", "c"], vec![vec![2.0; 120], vec![5.0; 120], vec![0.5; 120]]).build();
    let s = plain(Weighting::Equal, Schedule::Weekly);
    let spec = RobustnessSpec { start_dates: false, bootstrap: false, regimes: false, ..quick_spec() };
    let r = analyse(&panel, std::slice::from_ref(&s), &spec).unwrap();
    let t = &r.timing.unwrap()[0];
    assert_eq!(t.runs.len(), 7);
    assert_eq!(t.final_value.unwrap().spread(), 0.0);
    assert_eq!(t.max_drawdown.unwrap().spread(), 0.0);
    // Equal to the rounding of a trade of nothing.
    assert!(t.fan.iter().all(|q| q.spread() < 1e-15));
}

#[test]
fn each_offset_is_a_run_with_that_offset() {
    let panel = random_walk(12, 400, 5);
    let s = Strategy {
        universe: Universe { top_n: Some(5), ..Universe::default() },
        ..plain(Weighting::MarketCap, Schedule::Monthly)
    };
    assert_eq!(offsets(&s), (0..28).collect::<Vec<u32>>());
    for o in [0, 3, 17, 27] {
        let got = run_offset(&panel, &s, o, 0, 365.0).unwrap();
        let alone = simulate(&panel, &Strategy { rebalance_offset: o, ..s.clone() }).unwrap();
        assert_eq!(got.equity, alone.equity, "offset {o}");
        assert_eq!(got.offset, o);
    }
    // A separate reconstitution schedule moves with the rebalance offset.
    let q = Strategy {
        universe: Universe {
            reconstitution: Some(Schedule::Quarterly),
            reconstitution_offset: 5,
            ..s.universe.clone()
        },
        rebalance_offset: 2,
        ..s.clone()
    };
    let moved = q.with_offset(10);
    assert_eq!((moved.rebalance_offset, moved.universe.reconstitution_offset), (10, 13));
    let got = run_offset(&panel, &q, 10, 0, 365.0).unwrap();
    assert_eq!(got.equity, simulate(&panel, &moved).unwrap().equity);
    // Other schedules.
    assert_eq!(offsets(&plain(Weighting::Equal, Schedule::Weekly)).len(), 7);
    assert_eq!(offsets(&plain(Weighting::Equal, Schedule::Quarterly)).len(), 90);
    assert_eq!(offsets(&plain(Weighting::Equal, Schedule::EveryNDays(10))).len(), 10);
    assert_eq!(offsets(&plain(Weighting::Equal, Schedule::Never)), [0]);
    assert_eq!(offsets(&Strategy { rebalance_offset: 30, ..plain(Weighting::Equal, Schedule::Monthly) }).len(), 29);
}

#[test]
fn timing_report_names_the_used_offset_and_downsamples_the_fan() {
    let panel = random_walk(8, 300, 9);
    let s = Strategy { rebalance_offset: 3, ..plain(Weighting::Equal, Schedule::Weekly) };
    let spec = RobustnessSpec { start_dates: false, bootstrap: false, regimes: false, ..quick_spec() };
    let t = analyse(&panel, std::slice::from_ref(&s), &spec).unwrap().timing.unwrap().remove(0);
    assert_eq!(t.used_offset, 3);
    assert_eq!(t.used().unwrap().headline.final_value, *simulate(&panel, &s).unwrap().equity.last().unwrap());
    assert_eq!(t.fan_days.len(), 50);
    assert_eq!((t.fan_days[0], *t.fan_days.last().unwrap()), (0, 299));
    assert!(t.runs.iter().all(|r| r.equity.len() == 50));
    let c = t.cagr.unwrap();
    assert!(c.min <= c.q1 && c.q1 <= c.median && c.median <= c.q3 && c.q3 <= c.max);
    assert!(c.spread() > 0.0, "random prices give some timing luck");
}

// ---------------------------------------------------------------------------
// Tranches
// ---------------------------------------------------------------------------

#[test]
fn one_tranche_is_the_plain_strategy() {
    let panel = random_walk(10, 300, 2);
    let s = plain(Weighting::Equal, Schedule::Monthly);
    // A strategy written before tranches existed (no such fields) reads as one tranche.
    let mut v: serde_json::Value = serde_json::to_value(&s).unwrap();
    let obj = v.as_object_mut().unwrap();
    assert_eq!(obj.remove("tranches"), Some(serde_json::json!(1)));
    obj.remove("band_method");
    let one: Strategy = serde_json::from_value(v).unwrap();
    assert_eq!(one, s);
    assert_eq!(simulate(&panel, &one).unwrap(), simulate(&panel, &s).unwrap());
}

#[test]
fn tranches_are_the_sum_of_their_sleeves() {
    let panel = random_walk(10, 400, 4);
    let base = Strategy {
        costs: Costs { fee_bps: 10.0, half_spread_bps: 5.0, impact: Some(Impact { k: 0.5, lookback: 20 }) },
        initial_capital: 3e6,
        rebalance_offset: 1,
        record_trades: true,
        ..plain(Weighting::Equal, Schedule::Weekly)
    };
    let k = 3;
    let tranched = simulate(&panel, &Strategy { tranches: k, ..base.clone() }).unwrap();
    // Sleeve i rebalances on offset 1 + i * 7 / 3 (mod 7) with a third of the capital.
    let sleeves: Vec<_> = [1, 3, 5]
        .iter()
        .map(|&o| simulate(&panel, &Strategy { rebalance_offset: o, initial_capital: 1e6, ..base.clone() }).unwrap())
        .collect();
    for t in 0..panel.n_days() {
        let sum: f64 = sleeves.iter().map(|r| r.equity[t] * r.initial_capital).sum();
        let whole = tranched.equity[t] * tranched.initial_capital;
        assert!((whole - sum).abs() <= 1e-12 * sum, "day {t}: {whole} vs {sum}");
    }
    let fees: f64 = sleeves.iter().map(|r| r.total_fees * r.initial_capital).sum();
    assert!((tranched.total_fees * base.initial_capital - fees).abs() < 1e-9 * fees);
    assert_eq!(tranched.rebalances.len(), sleeves.iter().map(|r| r.rebalances.len()).sum::<usize>());
    assert_eq!(tranched.trades.len(), sleeves.iter().map(|r| r.trades.len()).sum::<usize>());
    // Impact depends on the sleeve's size: a sleeve of the whole capital pays more.
    let big = simulate(&panel, &Strategy { initial_capital: 3e6, ..base.clone() }).unwrap();
    assert!(big.total_fees > sleeves[0].total_fees);
    assert_eq!(
        Strategy { tranches: 3, ..base.clone() }.describe(),
        "All assets, equal-weighted, weekly, 3 tranches, 10 bp fee + 5 bp half-spread + impact"
    );
    let e = Strategy { tranches: 13, ..base.clone() }.validate().unwrap_err();
    assert_eq!((e.field.as_str(), e.message.as_str()), ("tranches", "tranches must be between 1 and 12"));
    assert!(Strategy { tranches: 0, ..base }.validate().is_err());
}

// ---------------------------------------------------------------------------
// Band-edge rebalancing
// ---------------------------------------------------------------------------

fn banded(absolute: Option<f64>, relative: Option<f64>, method: BandMethod, fee_bps: f64) -> Strategy {
    Strategy {
        bands: Some(Bands { absolute, relative }),
        band_method: method,
        costs: Costs { fee_bps, ..Costs::default() },
        record_trades: true,
        ..plain(Weighting::Equal, Schedule::Never)
    }
}

#[test]
fn band_edge_trades_the_hand_computed_amounts() {
    // A rises 50% on day 1: weights 60/40 against a 50/50 target with a 5% band.
    let panel = Build::new((2021, 1, 1), &["a", "b"], vec![vec![1.0, 1.5, 1.5], vec![1.0, 1.0, 1.0]]).build();
    let c = 0.001;
    let edge = simulate(&panel, &banded(Some(0.05), None, BandMethod::Edge, 10.0)).unwrap();
    let v0 = 1.0 / (1.0 + c); // day 0 buys with all the cash
                              // Day 1: V = 1.25 v0 in A 0.75 v0 and B 0.5 v0; A to 55% and B to 45% of
                              // the post-trade value V' = V - c (sell + buy), with sell = 0.75 v0 -
                              // 0.55 V' and buy = 0.45 V' - 0.5 v0: V' (1 - 0.1 c) = v0 (1.25 - 0.25 c).
                              // Sale and purchase then leave exactly the fees: cash stays 0.
    let v_post = v0 * (1.25 - 0.25 * c) / (1.0 - 0.1 * c);
    let sell = 0.75 * v0 - 0.55 * v_post;
    let buy = 0.45 * v_post - 0.5 * v0;
    let day1: Vec<_> = edge.trades.iter().filter(|t| t.day == 1).collect();
    assert_eq!(day1.len(), 2);
    assert_eq!((day1[0].asset, day1[0].side, day1[0].reason), (0, Side::Sell, TradeReason::Band));
    assert!((day1[0].value - sell).abs() < 1e-15, "{}", day1[0].value);
    assert!((day1[0].units - sell / 1.5).abs() < 1e-15);
    assert_eq!((day1[1].asset, day1[1].side), (1, Side::Buy));
    assert!((day1[1].value - buy).abs() < 1e-15, "{}", day1[1].value);
    assert!((day1[1].fee - c * buy).abs() < 1e-18);
    assert!((edge.equity[1] - v_post).abs() < 1e-15);
    assert!((edge.equity[1] - (1.25 * v0 - c * (sell + buy))).abs() < 1e-15);
    assert!(edge.cash[1].abs() < 1e-15, "cash {}", edge.cash[1]);
    // Now at 55.x / 44.x: inside the band, no trade on day 2.
    assert!(edge.trades.iter().all(|t| t.day != 2));

    let full = simulate(&panel, &banded(Some(0.05), None, BandMethod::Full, 10.0)).unwrap();
    let turnover = |r: &engine::SimResult| r.rebalances.iter().filter(|x| x.day == 1).map(|x| x.turnover).sum::<f64>();
    assert!(turnover(&edge) < turnover(&full), "{} vs {}", turnover(&edge), turnover(&full));
    assert!((turnover(&full) - 0.1).abs() < 1e-3);
}

#[test]
fn band_edge_trades_only_the_asset_outside_its_band() {
    // 80/20 target, relative band 20%: B's band is 16%..24%, A's 64%..96%.
    // B rises 40%: B at 0.28 / 1.08 = 25.9% (out), A at 74.1% (in).
    let panel = Build::new((2021, 1, 1), &["a", "b"], vec![vec![1.0, 1.0], vec![1.0, 1.4]]).build();
    let s = Strategy {
        weighting: Weighting::Custom { weights: vec![("a".into(), 0.8), ("b".into(), 0.2)] },
        ..banded(None, Some(0.2), BandMethod::Edge, 0.0)
    };
    let r = simulate(&panel, &s).unwrap();
    let day1: Vec<_> = r.trades.iter().filter(|t| t.day == 1).collect();
    assert_eq!(day1.len(), 1);
    let sell = 0.28 - 0.24 * 1.08;
    assert_eq!((day1[0].asset, day1[0].side), (1, Side::Sell));
    assert!((day1[0].value - sell).abs() < 1e-15);
    assert!((r.cash[1] - sell).abs() < 1e-15, "the proceeds wait in cash");
    assert!((r.equity[1] - 1.08).abs() < 1e-15);
    // Half of the way back to target instead: 25.93% -> 22.96%.
    let half = simulate(&panel, &Strategy { band_method: BandMethod::Partial { fraction: 0.5 }, ..s.clone() }).unwrap();
    let w = 0.28 / 1.08;
    let sell = (w - (w - 0.5 * (w - 0.2))) * 1.08;
    assert!((half.cash[1] - sell).abs() < 1e-15);
    // Never more turnover than trading everything to target.
    let full = simulate(&panel, &Strategy { band_method: BandMethod::Full, ..s.clone() }).unwrap();
    for x in [&r, &half] {
        assert!(x.rebalances[1].turnover <= full.rebalances[1].turnover);
    }
    assert_eq!(
        Strategy { band_method: BandMethod::Partial { fraction: 1.5 }, ..s.clone() }.validate().unwrap_err().message,
        "band_method fraction must be above 0 and at most 1"
    );
    assert!(s.describe().ends_with("20% relative drift band, to the band edge, 0 bp fee"), "{}", s.describe());
    let json: serde_json::Value =
        serde_json::to_value(Strategy { band_method: BandMethod::Partial { fraction: 0.5 }, ..s }).unwrap();
    assert_eq!(json["band_method"], serde_json::json!({"partial": {"fraction": 0.5}}));
}

#[test]
fn band_edge_never_turns_over_more_than_full_on_random_data() {
    let panel = random_walk(8, 500, 13);
    for method in [BandMethod::Edge, BandMethod::Partial { fraction: 0.5 }, BandMethod::Partial { fraction: 1.0 }] {
        let s = |m| Strategy { record_trades: false, ..banded(Some(0.03), None, m, 10.0) };
        let (part, full) = (simulate(&panel, &s(method)).unwrap(), simulate(&panel, &s(BandMethod::Full)).unwrap());
        let total = |r: &engine::SimResult| r.rebalances.iter().map(|x| x.turnover).sum::<f64>();
        assert!(part.equity.iter().all(|e| e.is_finite() && *e > 0.0));
        assert!(part.cash.iter().all(|c| *c >= 0.0));
        assert!(total(&part) <= total(&full) * 1.0001, "{method:?}: {} vs {}", total(&part), total(&full));
    }
}

// ---------------------------------------------------------------------------
// Bootstrap
// ---------------------------------------------------------------------------

fn curve(returns: &[f64]) -> Vec<f64> {
    let mut e = vec![1.0];
    for r in returns {
        e.push(e[e.len() - 1] * (1.0 + r));
    }
    e
}

/// Two return series with log returns N(mu, sd²), correlation 0.5.
fn pair_returns(seed: u64, n: usize, mu: (f64, f64), sd: f64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Xoshiro256::new(seed, 99);
    let (mut a, mut b) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let (z1, z2) = (rng.normal(), rng.normal());
        a.push((mu.0 + sd * z1).exp() - 1.0);
        b.push((mu.1 + sd * (0.5 * z1 + 0.75f64.sqrt() * z2)).exp() - 1.0);
    }
    (a, b)
}

#[test]
fn identical_series_give_a_zero_width_interval() {
    let (a, _) = pair_returns(1, 500, (0.001, 0.0), 0.03);
    let e = curve(&a);
    let r = bootstrap_pair(&e, &e, 365.0, 500, 7, BlockLength::Auto).unwrap();
    for i in [r.ci95.cagr, r.ci95.volatility, r.ci95.sharpe, r.ci95.max_drawdown, r.ci90.cagr] {
        let i = i.unwrap();
        assert_eq!((i.lo, i.hi), (0.0, 0.0));
    }
    assert_eq!(r.a_wins_share, 0.0);
    let t = r.sharpe_test.unwrap();
    assert_eq!((t.z, t.p_value), (0.0, 1.0));
    let v = Verdict::build(&["A".into(), "A again".into()], (0, 1), Some(&r), None, None, None).unwrap();
    assert!(!v.told_apart);
    assert!(v.sentence.contains("cannot tell A and A again apart"), "{}", v.sentence);
}

#[test]
fn the_bootstrap_is_reproducible_by_seed() {
    let (a, b) = pair_returns(2, 400, (0.001, 0.0005), 0.03);
    let (ea, eb) = (curve(&a), curve(&b));
    let r1 = bootstrap_pair(&ea, &eb, 365.0, 300, 11, BlockLength::Auto).unwrap();
    let r2 = bootstrap_pair(&ea, &eb, 365.0, 300, 11, BlockLength::Auto).unwrap();
    let r3 = bootstrap_pair(&ea, &eb, 365.0, 300, 12, BlockLength::Auto).unwrap();
    assert_eq!(r1, r2);
    assert_ne!(r1.ci95, r3.ci95);
    assert!(r1.block_auto && r1.block_length >= 1.0);
    let fixed = bootstrap_pair(&ea, &eb, 365.0, 300, 11, BlockLength::Fixed(20.0)).unwrap();
    assert_eq!((fixed.block_length, fixed.block_auto), (20.0, false));
    let i = r1.ci95.cagr.unwrap();
    let j = r1.ci90.cagr.unwrap();
    assert!(i.lo <= j.lo && j.hi <= i.hi, "the 95% interval holds the 90% one");
}

/// Share of seeds whose 95% interval holds the true CAGR difference.
fn coverage(seeds: u64, n: usize, resamples: u32) -> f64 {
    let mu: (f64, f64) = (0.0012, 0.0006);
    let truth = (365.0 * mu.0).exp() - (365.0 * mu.1).exp();
    let mut hits = 0;
    for seed in 0..seeds {
        let (a, b) = pair_returns(1000 + seed, n, mu, 0.02);
        let r = bootstrap_pair(&curve(&a), &curve(&b), 365.0, resamples, seed, BlockLength::Auto).unwrap();
        let i = r.ci95.cagr.unwrap();
        hits += usize::from(i.lo <= truth && truth <= i.hi);
    }
    hits as f64 / seeds as f64
}

#[test]
fn the_95_interval_covers_the_true_difference_about_95_percent_of_the_time() {
    let c = coverage(100, 500, 200);
    eprintln!("coverage {c}");
    assert!((0.86..=1.0).contains(&c), "coverage {c}");
}

/// The same with enough seeds to see 95% to within about 1.5 points (release only).
#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug: run with --release")]
fn coverage_with_many_seeds() {
    let c = coverage(600, 1000, 1000);
    eprintln!("coverage {c}");
    assert!((0.92..=0.98).contains(&c), "coverage {c}");
}

#[test]
fn jobson_korkie_memmel_rejects_a_real_difference() {
    let (a, b) = pair_returns(5, 1500, (0.004, 0.0), 0.02);
    let t = jobson_korkie_memmel(&a, &b, 365.0).unwrap();
    assert!(t.z > 3.0 && t.p_value < 0.01, "{t:?}");
    let (a, b) = pair_returns(6, 1500, (0.0005, 0.0005), 0.02);
    let t = jobson_korkie_memmel(&a, &b, 365.0).unwrap();
    assert!(t.p_value > 0.01, "{t:?}");
    assert!((t.correlation - 0.5).abs() < 0.06);
}

// ---------------------------------------------------------------------------
// Regimes, start dates, verdict, chunking
// ---------------------------------------------------------------------------

#[test]
fn regime_days_sum_to_the_whole_and_so_does_the_lead() {
    let panel = random_walk(10, 500, 21);
    let strategies = [plain(Weighting::Equal, Schedule::Monthly), plain(Weighting::MarketCap, Schedule::Monthly)];
    let spec = RobustnessSpec { timing: false, start_dates: false, bootstrap: false, ..quick_spec() };
    let r = analyse(&panel, &strategies, &spec).unwrap().regimes.unwrap();
    let d = r.days;
    assert_eq!(d.calm + d.middle + d.volatile + d.unlabelled, d.total);
    assert_eq!(d.total, panel.n_days() - 1);
    assert_eq!(d.unlabelled, 29, "days 1..29: the first window ends on day 30");
    assert!(d.calm.abs_diff(d.volatile) <= 2 && d.calm.abs_diff(d.middle) <= 2, "{d:?}");
    for s in &r.strategies {
        assert_eq!(s.rows.iter().map(|x| x.days).sum::<usize>(), d.total - d.unlabelled);
        assert!(s.up_capture.unwrap().is_finite() && s.down_capture.unwrap().is_finite());
    }
    assert_eq!((r.market.up_capture, r.market.down_capture), (Some(1.0), Some(1.0)));
    let p = r.pair.unwrap();
    let parts: f64 = p.by_regime.iter().map(|x| x.1).sum::<f64>() + p.unlabelled;
    assert!((parts - p.lead).abs() < 1e-12);
}

#[test]
fn start_date_windows_follow_month_starts() {
    let panel = random_walk(6, 1000, 3); // from 2017-01-01
    let w = windows(panel.dates(), WindowLength::Years(2));
    assert_eq!(w[0].start.to_string(), "2017-01-01");
    assert_eq!(w[0].end.to_string(), "2019-01-01");
    assert_eq!(w[1].start.to_string(), "2017-02-01");
    // 1000 days end on 2019-09-27: the last 2-year window starts in September 2017.
    assert_eq!(w.last().unwrap().start.to_string(), "2017-09-01");
    assert_eq!(w.len(), 9);
    let short = random_walk(3, 500, 3);
    let w = windows(short.dates(), WindowLength::Years(1));
    assert_eq!(w[1].start.to_string(), "2017-01-02", "under 2 years: ISO week starts");
    let to_end = windows(panel.dates(), WindowLength::ToEnd);
    assert!(to_end.iter().all(|x| x.to == 999));
}

/// A market where one coin doubles every year and another sits still (with noise).
fn winner_panel() -> Panel {
    let mut rng = Xoshiro256::new(77, 0);
    let n = 900;
    let (mut a, mut b) = (vec![1.0], vec![1.0]);
    for _ in 1..n {
        a.push(a[a.len() - 1] * (0.0019 + 0.01 * rng.normal()).exp());
        b.push(b[b.len() - 1] * (0.01 * rng.normal()).exp());
    }
    Build::new((2019, 1, 1), &["up", "flat"], vec![a, b]).build()
}

fn only(id: &str) -> Strategy {
    Strategy {
        name: format!("{id} only"),
        weighting: Weighting::Custom { weights: vec![(id.into(), 1.0)] },
        ..plain(Weighting::Equal, Schedule::Monthly)
    }
}

#[test]
fn the_verdict_follows_the_evidence() {
    let panel = winner_panel();
    let r = analyse(&panel, &[only("flat"), only("up")], &quick_spec()).unwrap();
    let v = r.verdict.unwrap();
    assert!(v.told_apart && !v.leader_is_a, "{v:?}");
    assert_eq!(v.leader, "up only");
    assert!(v.sentence.starts_with("On this data up only beat flat only by"), "{}", v.sentence);
    assert_eq!(v.windows_won_pct, Some(100.0));
    assert_eq!(v.offsets_won_pct, Some(100.0));
    assert!(v.sentence.contains("won in 100% of 2-year windows and at every rebalance day"), "{}", v.sentence);
    for number in [format!("{:.1}", v.lead_pp), format!("{:.1}", v.ci95_pp.lo), format!("{:.1}", v.ci95_pp.hi)] {
        assert!(v.sentence.contains(&number), "{number} in {}", v.sentence);
    }
    assert!(v.lead_pp > 50.0 && v.ci95_pp.lo > 0.0);

    // Two coins with the same drift and independent noise: no verdict either way.
    let mut rng = Xoshiro256::new(79, 0);
    let (mut a, mut b) = (vec![1.0], vec![1.0]);
    for _ in 1..900 {
        a.push(a[a.len() - 1] * (0.0005 + 0.03 * rng.normal()).exp());
        b.push(b[b.len() - 1] * (0.0005 + 0.03 * rng.normal()).exp());
    }
    let panel = Build::new((2019, 1, 1), &["x", "y"], vec![a, b]).build();
    let r = analyse(&panel, &[only("x"), only("y")], &quick_spec()).unwrap();
    let v = r.verdict.unwrap();
    assert!(!v.told_apart);
    assert!(v.sentence.contains("cannot tell"), "{}", v.sentence);
    assert!(!v.sentence.contains("beat"));
    assert_eq!(v.sentence, v.write());
}

#[test]
fn jobs_in_chunks_in_any_order_give_the_same_report() {
    let panel = random_walk(10, 800, 8);
    let strategies = [
        Strategy {
            universe: Universe { top_n: Some(5), ..Universe::default() },
            ..plain(Weighting::MarketCap, Schedule::Weekly)
        },
        plain(Weighting::Equal, Schedule::Monthly),
        plain(Weighting::Equal, Schedule::Never),
    ];
    let spec = RobustnessSpec { window: WindowLength::Years(1), ..quick_spec() };
    let all = analyse(&panel, &strategies, &spec).unwrap();
    let list = jobs(&panel, &strategies, &spec).unwrap();
    assert_eq!(list.len(), 3 + (7 + 28 + 1) + 3 * windows(panel.dates(), spec.window).len() + 1);
    let mut outputs = Vec::new();
    for chunk in list.chunks(7).rev() {
        outputs.extend(chunk.iter().map(|j| run_job(&panel, &strategies, &spec, j)));
    }
    let chunked = assemble(&panel, &strategies, &spec, &outputs).unwrap();
    assert_eq!(chunked, all);
    // Serde round trip (what workers send).
    let json = serde_json::to_string(&all).unwrap();
    assert_eq!(serde_json::from_str::<engine::robustness::RobustnessReport>(&json).unwrap(), all);
    assert_eq!(all.pair, Some((0, 1)));
    assert!(all.verdict.is_some());
    assert_eq!(all.timing.as_ref().unwrap()[2].runs.len(), 1, "buy and hold has one phase");
}

// ---------------------------------------------------------------------------
// The spec in a scenario
// ---------------------------------------------------------------------------

#[test]
fn a_spec_travels_in_links_and_is_bounded() {
    let mut s = Scenario { strategies: vec![Strategy::default(), Strategy::default()], ..Scenario::default() };
    let plain_link = s.to_link().unwrap();
    let decoded = engine::share::decode::<serde_json::Value>("s", &plain_link).unwrap();
    assert!(decoded.get("robustness").is_none(), "a link without the analyses reads as before");
    s.robustness =
        Some(RobustnessSpec { window: WindowLength::ToEnd, pair: Some((1, 0)), seed: 9, ..RobustnessSpec::default() });
    assert_eq!(Scenario::from_link(&s.to_link().unwrap()).unwrap(), s);
    let spec: RobustnessSpec = serde_json::from_str("{}").unwrap();
    assert_eq!(spec, RobustnessSpec::default());
    let spec: RobustnessSpec =
        serde_json::from_str(r#"{"window": {"years": 3}, "block": {"fixed": 12}, "pair": [0, 1]}"#).unwrap();
    assert_eq!((spec.window, spec.block, spec.pair), (WindowLength::Years(3), BlockLength::Fixed(12.0), Some((0, 1))));
    let bad = |spec: RobustnessSpec| {
        let s = Scenario { robustness: Some(spec), ..s.clone() };
        Scenario::from_link(&s.to_link().unwrap()).unwrap_err()
    };
    let d = RobustnessSpec::default;
    assert!(bad(RobustnessSpec { resamples: 10, ..d() }).contains("resamples must be between 100 and 20000"));
    assert!(bad(RobustnessSpec { resamples: u32::MAX, ..d() }).contains("resamples"));
    assert!(bad(RobustnessSpec { window: WindowLength::Years(9), ..d() }).contains("window"));
    assert!(RobustnessSpec { block: BlockLength::Fixed(f64::INFINITY), ..d() }
        .validate()
        .unwrap_err()
        .contains("block length"));
    assert!(bad(RobustnessSpec { block: BlockLength::Fixed(0.5), ..d() }).contains("block length"));
    assert!(bad(RobustnessSpec { pair: Some((0, 0)), ..d() }).contains("two different"));
    assert!(bad(RobustnessSpec { pair: Some((0, 2)), ..d() }).contains("the pair names strategy 3, but there are 2"));
    assert!(bad(RobustnessSpec { fan_points: 1 << 20, ..d() }).contains("fan_points"));
}

// ---------------------------------------------------------------------------
// Real data
// ---------------------------------------------------------------------------

#[allow(dead_code)]
mod real_data;

/// Top 10 cap-weighted against Top 10 equal-weighted, monthly, on the
/// CoinGecko top-50 files from 2019 to May 2023: every analysis runs and
/// gives finite, plausible numbers.
#[test]
fn all_analyses_on_real_data() {
    use engine::ingest::{load, IngestOptions, InputFile};
    let files = real_data::read_dir("coingecko-top50-2023");
    let inputs: Vec<InputFile> = files.iter().map(|(n, b)| InputFile::new(n.clone(), b)).collect();
    let loaded = load(&inputs, &IngestOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let from = engine::Date::from_ymd(2019, 1, 1).unwrap();
    let (a, b) = engine::scenario::range_in(loaded.panel.dates(), Some(from), None).unwrap();
    let panel = loaded.panel.slice_days(a, b).unwrap();
    let top10 = |w: Weighting, name: &str| Strategy {
        name: name.into(),
        universe: Universe { top_n: Some(10), ..Universe::default() },
        weighting: w,
        rebalance: Schedule::Monthly,
        ..Strategy::default()
    };
    let strategies = [top10(Weighting::MarketCap, "Top 10 cap"), top10(Weighting::Equal, "Top 10 equal")];
    let r = analyse(&panel, &strategies, &RobustnessSpec::default()).unwrap();
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    assert_eq!(r.periods_per_year, 365.0);
    let plausible = |x: f64| x.is_finite() && (-0.95..10.0).contains(&x);

    let timing = r.timing.as_ref().unwrap();
    for t in timing {
        assert_eq!(t.runs.len(), 28);
        assert!(t.errors.is_empty());
        let c = t.cagr.unwrap();
        assert!(plausible(c.min) && plausible(c.max) && c.spread() < 0.5, "{c:?}");
        let dd = t.max_drawdown.unwrap();
        assert!(dd.min > -1.0 && dd.max < 0.0);
        assert!(t.sharpe.unwrap().median.is_finite());
    }

    let sd = r.start_dates.as_ref().unwrap();
    assert!(sd.windows.len() >= 25, "{} windows", sd.windows.len());
    let pair = sd.pair.as_ref().unwrap();
    assert_eq!(pair.windows, sd.windows.len());
    assert!((0.0..=1.0).contains(&pair.a_won_share));
    assert!(sd.strategies.iter().all(|s| s.cagr.iter().all(|c| c.is_some_and(plausible))));

    let boot = r.bootstrap.as_ref().unwrap();
    assert!((1.0..=60.0).contains(&boot.block_length), "block {}", boot.block_length);
    let (point, i95, i90) = (boot.point.cagr.unwrap(), boot.ci95.cagr.unwrap(), boot.ci90.cagr.unwrap());
    assert!(i95.lo < point && point < i95.hi && i95.lo <= i90.lo && i90.hi <= i95.hi, "{point} {i95:?}");
    assert!(i95.width() > 0.01 && i95.width() < 5.0);
    for i in [boot.ci95.volatility, boot.ci95.sharpe, boot.ci95.max_drawdown] {
        let i = i.unwrap();
        assert!(i.lo.is_finite() && i.hi.is_finite() && i.lo < i.hi);
    }
    let test = boot.sharpe_test.unwrap();
    assert!((0.0..=1.0).contains(&test.p_value) && test.correlation > 0.5, "{test:?}");

    let reg = r.regimes.as_ref().unwrap();
    let d = reg.days;
    assert_eq!(d.calm + d.middle + d.volatile + d.unlabelled, panel.n_days() - 1);
    for s in &reg.strategies {
        assert_eq!(s.rows.len(), 3);
        assert!(s.rows.iter().all(|x| x.annual_return.is_finite() && x.volatility.unwrap() > 0.0));
        let (up, down) = (s.up_capture.unwrap(), s.down_capture.unwrap());
        assert!((0.3..2.0).contains(&up) && (0.3..2.0).contains(&down), "{up} {down}");
    }
    // Volatile days are more volatile than calm ones, for the market and both strategies.
    for c in std::iter::once(&reg.market).chain(&reg.strategies) {
        assert!(c.rows[2].volatility.unwrap() > c.rows[0].volatility.unwrap());
    }

    let v = r.verdict.as_ref().unwrap();
    assert!(v.sentence.starts_with("On this data"), "{}", v.sentence);
    assert!(v.lead_pp >= 0.0 && v.leader_cagr_pct.is_finite() && v.trailer_cagr_pct.is_finite());
    assert_eq!(v.offset_pairings, 28 * 28);
    eprintln!("{}", v.sentence);
}

#[test]
fn a_sweep_can_move_the_rebalance_day() {
    use engine::metrics::MetricId;
    use engine::sweep::{run_cells, SweepDim, SweepSpec};
    let panel = random_walk(8, 400, 31);
    let base = plain(Weighting::Equal, Schedule::Weekly);
    let spec = SweepSpec {
        base: base.clone(),
        dims: vec![
            SweepDim::RebalanceOffset(vec![0, 3, 6, 7]),
            SweepDim::Rebalance(vec![Schedule::Weekly, Schedule::Monthly]),
        ],
        metric: MetricId::Cagr,
    };
    spec.validate().unwrap();
    let cells = run_cells(&panel, &spec, 0..8).unwrap();
    for (i, o) in [0u32, 3, 6].into_iter().enumerate() {
        let s = spec.strategy_for(i).unwrap();
        assert_eq!((s.rebalance, s.rebalance_offset), (Schedule::Weekly, o));
        let cagr = run_offset(&panel, &base, o, 0, 365.0).unwrap().headline.cagr.unwrap();
        assert_eq!(cells[i], Ok(cagr));
    }
    assert!(cells[3].as_ref().unwrap_err().to_string().contains("rebalance_offset must be below 7"));
    assert_eq!(spec.strategy_for(7).unwrap().rebalance_offset, 7, "a month has an eighth day");
    assert_eq!(SweepDim::parse("offset", "0, 2, 4").unwrap(), SweepDim::RebalanceOffset(vec![0, 2, 4]));
    assert_eq!(spec.dims[0].labels(), ["+0", "+3", "+6", "+7"]);
}

#[test]
fn a_strategy_that_held_nothing_is_named_in_the_notes_and_the_verdict() {
    // A random market without bitcoin: "Bitcoin only" matches no coin and
    // stays in cash; the verdict must say the comparison is against cash.
    let panel = random_walk(8, 900, 3);
    assert!(panel.assets().iter().all(|a| !a.id.contains("bitcoin") && a.id != "btc"));
    let cash = Strategy::preset(engine::Preset::BitcoinBuyAndHold);
    let equal = plain(Weighting::Equal, Schedule::Monthly);
    let r = analyse(&panel, &[equal.clone(), cash.clone()], &quick_spec()).unwrap();
    let note = format!("{} held no asset on this data", cash.name);
    assert!(r.notes.iter().any(|n| n.starts_with(&note)), "{:?}", r.notes);
    let v = r.verdict.expect("a verdict");
    assert_eq!(v.cash_only, std::slice::from_ref(&cash.name));
    assert!(v.sentence.contains(&format!("Note: {note}")), "{}", v.sentence);
    assert!(v.sentence.ends_with("this compares against cash."), "{}", v.sentence);
    // Two strategies that invest: no such note.
    let r = analyse(&panel, &[equal, plain(Weighting::MarketCap, Schedule::Weekly)], &quick_spec()).unwrap();
    assert!(r.verdict.unwrap().cash_only.is_empty());
    assert!(r.notes.iter().all(|n| !n.contains("held no asset")), "{:?}", r.notes);
}
