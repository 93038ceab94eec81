//! Hand-computed cases for the lesson analyses.

use engine::analysis::{self, AnalysisError, AssetSet, GapCurves, McCell, Regime, RegimeSplit, RegimeStats};
use engine::{Date, Panel};

const NAN: f64 = f64::NAN;

fn days(n: usize) -> Vec<Date> {
    (0..n as i32).map(|i| Date(19_000 + i)).collect()
}

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("a{i}")).collect()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// Equity curve starting at 1 from returns.
fn curve(rets: &[f64]) -> Vec<f64> {
    let mut e = vec![1.0];
    for r in rets {
        e.push(e[e.len() - 1] * (1.0 + r));
    }
    e
}

// ---------------------------------------------------------------------------
// market_cap_index
// ---------------------------------------------------------------------------

#[test]
fn market_cap_index_hand_computed() {
    // Day-major, assets A, B, C. C is listed only on day 1 (no return on any day).
    let price = vec![100.0, 10.0, NAN, 110.0, 9.0, 5.0, 121.0, 8.1, NAN];
    let cap = vec![300.0, 100.0, NAN, 330.0, 90.0, 1e9, 363.0, 81.0, NAN];
    let p = Panel::new(days(3), ids(3), price.clone(), cap, vec![NAN; 9], vec![]).unwrap();
    let idx = analysis::market_cap_index(&p);
    // Day 1: (300·0.1 + 100·(-0.1)) / 400 = 0.05.
    // Day 2: (330·0.1 + 90·(-0.1)) / 420 = 24/420 (C has no price on day 2: left out).
    assert_eq!(idx.len(), 3);
    assert_eq!(idx[0], 1.0);
    assert!(close(idx[1], 1.05, 1e-15));
    assert!(close(idx[2], 1.05 * (1.0 + 24.0 / 420.0), 1e-15), "{}", idx[2]);

    // Without B's cap on day 1, only A counts on day 2: +10 %.
    let cap = vec![300.0, 100.0, NAN, 330.0, NAN, 1e9, 363.0, 81.0, NAN];
    let p = Panel::new(days(3), ids(3), price, cap, vec![NAN; 9], vec![]).unwrap();
    let idx = analysis::market_cap_index(&p);
    assert!(close(idx[2], 1.05 * 1.1, 1e-15));

    // A day with no usable asset (no caps at all) is flat.
    let p = Panel::new(days(2), ids(1), vec![1.0, 2.0], vec![NAN, NAN], vec![NAN; 2], vec![]).unwrap();
    assert_eq!(analysis::market_cap_index(&p), vec![1.0, 1.0]);
}

// ---------------------------------------------------------------------------
// Regimes
// ---------------------------------------------------------------------------

/// 100 returns alternating ±1 %, then 100 alternating ±5 %.
fn calm_then_volatile() -> Vec<f64> {
    let rets: Vec<f64> = (0..200)
        .map(|i| {
            let s = if i % 2 == 0 { 1.0 } else { -1.0 };
            s * if i < 100 { 0.01 } else { 0.05 }
        })
        .collect();
    curve(&rets)
}

#[test]
fn regime_labels_median_split_on_a_volatility_jump() {
    let eq = calm_then_volatile();
    let l = analysis::regime_split(&eq, 10, RegimeSplit::Median).unwrap();
    assert_eq!(l.labels.len(), 201);
    // Day t's window holds returns t-9 ..= t (return i is day i + 1): defined from day 10.
    assert!(l.labels[..10].iter().all(Option::is_none));
    assert!(l.rolling_volatility[..10].iter().all(|v| v.is_nan()));
    // A calm window: 5 × (+1 %) and 5 × (-1 %): std = 0.01 · √(10/9).
    assert!(close(l.rolling_volatility[50], 0.01 * (10.0f64 / 9.0).sqrt(), 1e-12));
    // 191 windows: 91 calm (days 10..=100), 9 mixed (days 101..=109), 91 volatile.
    // The median (rank 95) is the mixed window with 5 volatile returns (day 105).
    assert_eq!(l.calm_threshold, l.rolling_volatility[105]);
    assert_eq!(l.volatile_threshold, l.calm_threshold);
    for t in 10..=105 {
        assert_eq!(l.labels[t], Some(Regime::Calm), "day {t}");
    }
    for t in 106..=200 {
        assert_eq!(l.labels[t], Some(Regime::Volatile), "day {t}");
    }
    assert_eq!(analysis::regime_labels(&eq, 10, RegimeSplit::Median).unwrap(), l.labels);
}

#[test]
fn regime_labels_quantile_split_has_a_middle() {
    // Three levels of 100 returns each: ±1 %, ±3 %, ±6 %.
    let rets: Vec<f64> = (0..300)
        .map(|i| {
            let s = if i % 2 == 0 { 1.0 } else { -1.0 };
            s * [0.01, 0.03, 0.06][i / 100]
        })
        .collect();
    let eq = curve(&rets);
    // 291 windows sorted: 91 calm, 9 mixed, 91 middle, 9 mixed, 91 volatile (the
    // last window: returns 290..=299). Q(1/3) (rank 96.67) and Q(0.67) (rank 194.3)
    // fall in the mixed windows.
    let l = analysis::regime_split(&eq, 10, RegimeSplit::Quantiles(1.0 / 3.0, 0.67)).unwrap();
    for t in 10..=100 {
        assert_eq!(l.labels[t], Some(Regime::Calm), "day {t}");
    }
    for t in 110..=200 {
        assert_eq!(l.labels[t], Some(Regime::Middle), "day {t}");
    }
    for t in 210..=300 {
        assert_eq!(l.labels[t], Some(Regime::Volatile), "day {t}");
    }
    assert!(l.calm_threshold < l.volatile_threshold);
}

#[test]
fn regime_split_rejects_bad_parameters() {
    let eq = calm_then_volatile();
    assert!(matches!(analysis::regime_split(&eq, 1, RegimeSplit::Median), Err(AnalysisError::InvalidParameter(_))));
    for q in [(0.7, 0.3), (-0.1, 0.5), (0.5, 1.5), (NAN, 0.5)] {
        let e = analysis::regime_split(&eq, 10, RegimeSplit::Quantiles(q.0, q.1));
        assert!(matches!(e, Err(AnalysisError::InvalidParameter(_))), "{q:?}");
    }
    assert!(matches!(
        analysis::regime_split(&eq[..10], 10, RegimeSplit::Median),
        Err(AnalysisError::TooShort { needed: 11, got: 10, .. })
    ));
    let mut bad = eq.clone();
    bad[3] = 0.0;
    assert_eq!(
        analysis::regime_split(&bad, 10, RegimeSplit::Median),
        Err(AnalysisError::NotPositive { what: "reference equity", index: 3 })
    );
}

#[test]
fn regime_stats_hand_computed() {
    use Regime::*;
    // Returns (days 1..=6): +10 %, -10 %, +2 %, -10 %, +4 %, -20 %
    let eq = curve(&[0.10, -0.10, 0.02, -0.10, 0.04, -0.20]);
    let labels = [None, Some(Calm), Some(Volatile), Some(Calm), Some(Volatile), Some(Calm), None];
    let st = analysis::regime_stats(&days(7), &eq, &labels, Some(2.0)).unwrap();
    assert_eq!(st.len(), 2, "no Middle day: left out");
    let (calm, vol): (&RegimeStats, &RegimeStats) = (&st[0], &st[1]);
    assert_eq!((calm.regime, vol.regime), (Calm, Volatile));

    // Calm: 0.10, 0.02, 0.04 (three spells).
    assert_eq!((calm.days, calm.spells), (3, 3));
    assert!(close(calm.share_of_days, 3.0 / 5.0, 1e-15));
    let g = 1.10 * 1.02 * 1.04;
    assert!(close(calm.total_return, g - 1.0, 1e-15));
    assert!(close(calm.mean_return_annualised, 0.16 / 3.0 * 2.0, 1e-15));
    assert!(close(calm.geometric_return_annualised, g.powf(2.0 / 3.0) - 1.0, 1e-14));
    // std of (0.10, 0.02, 0.04): mean 0.16/3; deviations 0.14/3, -0.10/3, -0.04/3.
    let sd = ((0.14f64.powi(2) + 0.10f64.powi(2) + 0.04f64.powi(2)) / 9.0 / 2.0).sqrt();
    assert!(close(calm.volatility.unwrap(), sd * 2f64.sqrt(), 1e-14));
    assert!(close(calm.sharpe.unwrap(), (0.16 / 3.0) / sd * 2f64.sqrt(), 1e-12));
    assert_eq!(calm.max_drawdown, 0.0);

    // Volatile: -0.10, -0.10 (two spells); chained 1, 0.9, 0.81: drawdown -19 %; zero std.
    assert_eq!((vol.days, vol.spells), (2, 2));
    assert!(close(vol.max_drawdown, -0.19, 1e-15));
    assert!(close(vol.mean_return_annualised, -0.2, 1e-15));
    assert!(close(vol.geometric_return_annualised, 0.81 - 1.0, 1e-15));
    assert_eq!(vol.sharpe, None);
    assert_eq!(vol.volatility, Some(0.0));

    // Length checks.
    assert!(matches!(
        analysis::regime_stats(&days(6), &eq, &labels, None),
        Err(AnalysisError::LengthMismatch { what: "dates", .. })
    ));
    // Consecutive days form one spell; P inferred (every calendar day: 365).
    let labels = [None, Some(Calm), Some(Calm), Some(Calm), Some(Volatile), Some(Volatile), Some(Volatile)];
    let st = analysis::regime_stats(&days(7), &eq, &labels, None).unwrap();
    assert_eq!((st[0].spells, st[1].spells), (1, 1));
    assert!(close(st[0].mean_return_annualised, 0.02 / 3.0 * 365.0, 1e-12));
}

// ---------------------------------------------------------------------------
// Attribution
// ---------------------------------------------------------------------------

#[test]
fn attribution_parts_sum_to_the_gap() {
    // Three observations with P = 2: one year, CAGR = last / first - 1.
    let cap = [1.0, 1.2, 1.10];
    let held = [1.0, 1.1, 1.25];
    let gross = [2.0, 2.1, 2.60];
    let net = [2.0, 2.1, 2.56];
    let c = GapCurves { cap_net: &cap, cap_gross: None, ew_held: &held, ew_gross: &gross, ew_net: &net };
    let a = analysis::attribute_gap(&c, 2.0).unwrap();
    assert!(close(a.cagr_cap_net, 0.10, 1e-15));
    assert!(close(a.size_tilt, 0.15, 1e-15));
    assert!(close(a.rebalancing, 0.05, 1e-15));
    assert!(close(a.cost_drag, -0.02, 1e-15));
    assert_eq!(a.cap_costs, 0.0);
    assert!(close(a.total, 0.18, 1e-15));
    assert!(a.residual.abs() <= 4.0 * f64::EPSILON, "{}", a.residual);
    assert_eq!(a.size_tilt, a.cagr_ew_held - a.cagr_cap_net);

    // With the cap index's gross curve, its costs get their own term.
    let cap_gross = [1.0, 1.2, 1.105];
    let c = GapCurves { cap_gross: Some(&cap_gross), ..c };
    let b = analysis::attribute_gap(&c, 2.0).unwrap();
    assert!(close(b.cap_costs, 0.005, 1e-15));
    assert!(close(b.size_tilt, 0.145, 1e-15));
    assert_eq!(b.total, a.total);
    assert!(b.residual.abs() <= 4.0 * f64::EPSILON);

    // Many random curves: the residual stays at rounding level.
    let mut x: u64 = 7;
    let mut next = || {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        0.2 + 3.0 * ((x >> 11) as f64 / (1u64 << 53) as f64)
    };
    for _ in 0..1000 {
        let v: Vec<[f64; 2]> = (0..5).map(|_| [1.0, next()]).collect();
        let c = GapCurves { cap_net: &v[0], cap_gross: Some(&v[1]), ew_held: &v[2], ew_gross: &v[3], ew_net: &v[4] };
        let a = analysis::attribute_gap(&c, 365.0 / 400.0).unwrap();
        let scale = [a.cagr_cap_net, a.cagr_ew_held, a.cagr_ew_gross, a.cagr_ew_net, a.cagr_cap_gross.unwrap()]
            .iter()
            .fold(0.0f64, |m, v| m.max(v.abs()));
        assert!(a.residual.abs() <= 8.0 * f64::EPSILON * scale, "{a:?}");
    }
}

#[test]
fn attribution_rejects_bad_curves() {
    let ok = [1.0, 1.1];
    let c = GapCurves { cap_net: &ok, cap_gross: None, ew_held: &ok, ew_gross: &[1.0, 1.1, 1.2], ew_net: &ok };
    assert!(matches!(
        analysis::attribute_gap(&c, 365.0),
        Err(AnalysisError::LengthMismatch { what: "ew_gross", expected: 2, got: 3 })
    ));
    let c = GapCurves { ew_gross: &[1.0, -1.0], ..c };
    assert_eq!(analysis::attribute_gap(&c, 365.0), Err(AnalysisError::NotPositive { what: "ew_gross", index: 1 }));
    let c = GapCurves { cap_net: &[1.0], ew_held: &[1.0], ew_gross: &[1.0], ew_net: &[1.0], cap_gross: None };
    assert!(matches!(analysis::attribute_gap(&c, 365.0), Err(AnalysisError::TooShort { .. })));
    let c = GapCurves { cap_net: &ok, ew_held: &ok, ew_gross: &ok, ew_net: &ok, cap_gross: None };
    assert!(matches!(analysis::attribute_gap(&c, 0.0), Err(AnalysisError::InvalidParameter(_))));
    // 1 → 1e10 in one day, annualised over 365 days: overflows.
    let steep = [1.0, 1e10];
    let c = GapCurves { ew_net: &steep, ..c };
    assert_eq!(analysis::attribute_gap(&c, 365.0), Err(AnalysisError::NonFinite { what: "CAGR of ew_net" }));
}

// ---------------------------------------------------------------------------
// Rolling correlation
// ---------------------------------------------------------------------------

/// Panel from per-asset return series (NaN return = not listed that day);
/// asset prices start at 100, caps are `price × shares[a]`.
fn panel_from_returns(rets: &[Vec<f64>], shares: &[f64]) -> Panel {
    let n_assets = rets.len();
    let n_days = rets[0].len() + 1;
    let mut price = vec![NAN; n_days * n_assets];
    for (a, r) in rets.iter().enumerate() {
        let mut p = 100.0;
        let mut listed = !r[0].is_nan();
        if listed {
            price[a] = p;
        }
        for (i, &x) in r.iter().enumerate() {
            if x.is_nan() {
                listed = false;
                p = 100.0;
                continue;
            }
            if !listed {
                // listing day: the first price, the return starts the day after
                price[(i + 1) * n_assets + a] = p;
                listed = true;
                continue;
            }
            p *= 1.0 + x;
            price[(i + 1) * n_assets + a] = p;
        }
    }
    let cap: Vec<f64> = price.iter().enumerate().map(|(k, p)| p * shares[k % n_assets]).collect();
    Panel::new(days(n_days), ids(n_assets), price, cap, vec![NAN; n_days * n_assets], vec![]).unwrap()
}

#[test]
fn correlation_of_perfectly_correlated_and_anticorrelated_assets() {
    let base: Vec<f64> = (0..80).map(|t| 0.02 * ((t as f64) * 0.7).sin() + 0.001 * (t % 3) as f64).collect();
    let double: Vec<f64> = base.iter().map(|r| 2.0 * r).collect();
    let neg: Vec<f64> = base.iter().map(|r| -r).collect();
    let p = panel_from_returns(&[base, double, neg], &[3.0, 2.0, 1.0]);
    let w = 20;
    let same = analysis::rolling_average_correlation(&p, w, &AssetSet::Fixed(vec![0, 1])).unwrap();
    let anti = analysis::rolling_average_correlation(&p, w, &AssetSet::Fixed(vec![0, 2])).unwrap();
    let all = analysis::rolling_average_correlation(&p, w, &AssetSet::Fixed(vec![0, 1, 2])).unwrap();
    let top2 = analysis::rolling_average_correlation(&p, w, &AssetSet::TopByCap(2)).unwrap();
    assert_eq!(same.len(), 81);
    for t in 0..w {
        assert!(same[t].is_nan() && all[t].is_nan(), "day {t} before the window fills");
    }
    for t in w..=80 {
        assert!(close(same[t], 1.0, 1e-9), "day {t}: {}", same[t]);
        assert!(close(anti[t], -1.0, 1e-9), "day {t}: {}", anti[t]);
        // Pairs: (0,1) = 1, (0,2) = -1, (1,2) = -1.
        assert!(close(all[t], -1.0 / 3.0, 1e-9), "day {t}: {}", all[t]);
        assert!(close(top2[t], 1.0, 1e-9), "day {t}: {}", top2[t]);
    }
}

#[test]
fn correlation_small_window_by_hand() {
    // Returns on days 1..=3: X 1 %, 2 %, 3 %; Y 3 %, 1 %, 2 %.
    // Deviations (-1, 0, 1) and (1, -1, 0) (in %): cov = -1, var = 2 and 2, so -0.5.
    let p = panel_from_returns(&[vec![0.01, 0.02, 0.03], vec![0.03, 0.01, 0.02]], &[1.0, 1.0]);
    let c = analysis::rolling_average_correlation(&p, 3, &AssetSet::TopByCap(5)).unwrap();
    assert!(c[..3].iter().all(|v| v.is_nan()));
    assert!(close(c[3], -0.5, 1e-12), "{}", c[3]);
    // A constant-return asset (zero variance) makes no pair.
    let p = panel_from_returns(&[vec![0.01, 0.02, 0.03], vec![0.0, 0.0, 0.0]], &[1.0, 1.0]);
    assert!(analysis::rolling_average_correlation(&p, 3, &AssetSet::TopByCap(2)).unwrap()[3].is_nan());
}

#[test]
fn correlation_rejects_bad_parameters() {
    let p = panel_from_returns(&[vec![0.01, 0.02, 0.03], vec![0.03, 0.01, 0.02]], &[1.0, 1.0]);
    assert!(analysis::rolling_average_correlation(&p, 1, &AssetSet::TopByCap(2)).is_err());
    assert!(analysis::rolling_average_correlation(&p, 3, &AssetSet::TopByCap(1)).is_err());
    assert!(analysis::rolling_average_correlation(&p, 3, &AssetSet::Fixed(vec![0, 2])).is_err());
}

/// Naive oracle: selection rule of the docs, two-pass Pearson per pair.
fn naive_avg_corr(p: &Panel, w: usize, set: &AssetSet) -> Vec<f64> {
    let (nd, na) = (p.n_days(), p.n_assets());
    let r = |t: usize, a: usize| p.price(t, a) / p.price(t - 1, a) - 1.0;
    let mut out = vec![NAN; nd];
    for (t, slot) in out.iter_mut().enumerate().skip(w) {
        let eligible = |a: usize| (t + 1 - w..=t).all(|s| r(s, a).is_finite());
        let mut s: Vec<usize> = match set {
            AssetSet::TopByCap(k) => {
                let mut v: Vec<usize> = (0..na).filter(|&a| eligible(a) && p.market_cap(t, a).is_finite()).collect();
                v.sort_by(|&a, &b| p.market_cap(t, b).total_cmp(&p.market_cap(t, a)).then(a.cmp(&b)));
                v.truncate(*k);
                v
            }
            AssetSet::Fixed(ids) => ids.iter().copied().filter(|&a| eligible(a)).collect(),
        };
        s.sort_unstable();
        let (mut sum, mut n) = (0.0, 0);
        for (ii, &i) in s.iter().enumerate() {
            for &j in &s[ii + 1..] {
                let x: Vec<f64> = (t + 1 - w..=t).map(|d| r(d, i)).collect();
                let y: Vec<f64> = (t + 1 - w..=t).map(|d| r(d, j)).collect();
                let (mx, my) = (x.iter().sum::<f64>() / w as f64, y.iter().sum::<f64>() / w as f64);
                let cxy: f64 = x.iter().zip(&y).map(|(a, b)| (a - mx) * (b - my)).sum();
                let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
                let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
                sum += cxy / (vx * vy).sqrt();
                n += 1;
            }
        }
        if n > 0 {
            *slot = sum / n as f64;
        }
    }
    out
}

#[test]
fn correlation_matches_naive_with_changing_membership_and_listings() {
    let mut x: u64 = 12345;
    let mut rnd = || {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (x >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    let (n_assets, n_ret) = (7, 200);
    let common: Vec<f64> = (0..n_ret).map(|_| rnd() * 0.04).collect();
    let mut rets: Vec<Vec<f64>> =
        (0..n_assets).map(|a| (0..n_ret).map(|t| common[t] * (a as f64 / 3.0) + rnd() * 0.08).collect()).collect();
    // Asset 5 lists on day 40; asset 6 trades until day 120 then delists.
    for v in rets[5].iter_mut().take(40) {
        *v = NAN;
    }
    for v in rets[6].iter_mut().skip(120) {
        *v = NAN;
    }
    // Similar share counts: the top-3 by cap changes often.
    let p = panel_from_returns(&rets, &[1.0, 1.02, 0.98, 1.01, 0.99, 1.03, 1.0]);
    for w in [5, 12, 30] {
        for set in [AssetSet::TopByCap(3), AssetSet::TopByCap(5), AssetSet::Fixed(vec![0, 2, 5, 6])] {
            let fast = analysis::rolling_average_correlation(&p, w, &set).unwrap();
            let slow = naive_avg_corr(&p, w, &set);
            for t in 0..fast.len() {
                let (a, b) = (fast[t], slow[t]);
                assert!(
                    a.is_nan() == b.is_nan() && (a.is_nan() || close(a, b, 1e-9)),
                    "w {w} {set:?} day {t}: {a} vs {b}"
                );
            }
            assert!(fast.iter().filter(|v| !v.is_nan()).count() > 100);
        }
    }
}

// ---------------------------------------------------------------------------
// Monte Carlo
// ---------------------------------------------------------------------------

#[test]
fn monte_carlo_grid() {
    let seeds: Vec<u64> = (0..=10).collect();
    // Seed 0 fails (NaN); otherwise a = seed · dial, b = 10.
    let f = |seed: u64, dial: f64| if seed == 0 { (NAN, 10.0) } else { (seed as f64 * dial, 10.0) };
    let cells: Vec<McCell> = analysis::monte_carlo(&seeds, &[1.0, 2.0], f);
    assert_eq!(cells.len(), 2);
    let (c1, c2) = (&cells[0], &cells[1]);
    assert_eq!((c1.dial_value, c1.runs, c1.failed), (1.0, 10, 1));
    // dial 1: differences -9 … 0 in seed order; the tie (seed 10) is not a win.
    assert_eq!(c1.differences, (1..=10).map(|s| s as f64 - 10.0).collect::<Vec<_>>());
    assert_eq!(c1.share_a_beats_b, Some(0.0));
    assert_eq!(c1.median, Some(-4.5));
    assert!(close(c1.q05.unwrap(), -9.0 + 0.45, 1e-12));
    assert!(close(c1.q95.unwrap(), -0.45, 1e-12));
    assert_eq!(c1.mean_difference, Some(-4.5));
    // dial 2: a = 2 … 20, wins for seeds 6 … 10.
    assert_eq!(c2.share_a_beats_b, Some(0.5));
    assert_eq!(c2.median, Some(1.0));
    assert_eq!(c2.quantile(0.0), Some(-8.0));
    assert_eq!(c2.quantile(1.0), Some(10.0));
    // No seeds: defined shape, no statistics.
    let empty = analysis::monte_carlo(&[], &[0.5], f);
    assert_eq!((empty[0].runs, empty[0].share_a_beats_b, empty[0].median), (0, None, None));
}
