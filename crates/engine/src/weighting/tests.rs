//! Unit tests of the weighting schemes and the ERC solver.

use super::dense::*;
use super::erc::*;
use super::*;
use crate::date::Date;

fn weights_of(items: &[(usize, f64)]) -> Vec<f64> {
    items.iter().map(|x| x.1).collect()
}

fn close(a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() <= tol, "{a:?} vs {b:?}");
    }
}

#[test]
fn water_filling_caps_and_redistributes() {
    // Caps 60, 30, 10 with a 50% cap: A = 0.5, the rest 0.5 split 3:1.
    let mut items = vec![(0, 60.0), (1, 30.0), (2, 10.0)];
    water_fill(&mut items, 0.5, &mut CapOrder::default());
    close(&weights_of(&items), &[0.5, 0.375, 0.125], 1e-15);
    // 70/20/5/5 with 30%: A capped, then B's share 0.7*20/30 = 0.467 > 0.3 capped too,
    // C and D split the remaining 0.4 equally.
    let mut items = vec![(0, 5.0), (1, 70.0), (2, 20.0), (3, 5.0)];
    water_fill(&mut items, 0.3, &mut CapOrder::default());
    close(&weights_of(&items), &[0.2, 0.3, 0.3, 0.2], 1e-15);
    // No cap binding: plain cap weights.
    let mut items = vec![(0, 1.0), (1, 3.0)];
    water_fill(&mut items, 0.9, &mut CapOrder::default());
    close(&weights_of(&items), &[0.25, 0.75], 1e-15);
}

#[test]
fn erc_equalises_risk_contributions() {
    // Uncorrelated assets: ERC = inverse volatility. Vols 0.1 and 0.2 -> 2/3, 1/3.
    let w = erc(&[0.01, 0.0, 0.0, 0.04], 2).unwrap();
    close(&w, &[2.0 / 3.0, 1.0 / 3.0], 1e-10);
    // Correlated three-asset case: check equal contributions w_i (Σw)_i.
    let cov = [0.04, 0.006, 0.002, 0.006, 0.09, 0.009, 0.002, 0.009, 0.01];
    let w = erc(&cov, 3).unwrap();
    let rc: Vec<f64> = (0..3).map(|i| w[i] * (0..3).map(|j| cov[i * 3 + j] * w[j]).sum::<f64>()).collect();
    close(&[rc[1] / rc[0], rc[2] / rc[0]], &[1.0, 1.0], 1e-9);
    close(&[w.iter().sum()], &[1.0], 1e-12);
    assert!(erc(&[0.0], 1).is_none());
    // Rank-2 covariance of three assets with a long portfolio of zero
    // variance (the null vector x × z > 0): no ERC portfolio exists...
    let (x, z) = ([0.01, -0.02, 0.015], [0.02, 0.01, -0.01]);
    let mut cov: Vec<f64> = (0..9).map(|n| x[n / 3] * x[n % 3] + z[n / 3] * z[n % 3]).collect();
    assert!(erc(&cov, 3).is_none());
    // ...but after shrinking toward the diagonal one does.
    shrink(&mut cov, 3);
    let w = erc(&cov, 3).unwrap();
    let rc: Vec<f64> = (0..3).map(|i| w[i] * (0..3).map(|j| cov[i * 3 + j] * w[j]).sum::<f64>()).collect();
    close(&[rc[1] / rc[0], rc[2] / rc[0]], &[1.0, 1.0], 1e-9);
}

#[test]
fn cholesky_solves_a_small_system() {
    // [[4, 2], [2, 3]] x = [2, 1]  =>  x = [0.5, 0].
    let factor = |a: [f64; 4]| {
        let mut f = Cholesky::default();
        f.reset(2);
        for i in 0..2 {
            f.row_mut(i)[..2].copy_from_slice(&a[2 * i..2 * i + 2]);
        }
        f.factor().map(|()| f)
    };
    let f = factor([4.0, 2.0, 2.0, 3.0]).unwrap();
    let mut b = vec![0.0; f.stride()];
    b[..2].copy_from_slice(&[2.0, 1.0]);
    f.solve(&mut b);
    close(&b[..2], &[0.5, 0.0], 1e-15);
    assert!(factor([1.0, 2.0, 2.0, 1.0]).is_none());
}

#[test]
fn window_statistics() {
    // One asset, prices 100, 110, 99, 99: returns 0.1, -0.1, 0.
    let price = vec![100.0, 110.0, 99.0, 99.0];
    let vol = vec![5.0, f64::NAN, 7.0, 9.0];
    let panel = Panel::new((0..4).map(Date).collect(), vec!["a".into()], price, vec![1.0; 4], vol, vec![]).unwrap();
    let s = volatility(&panel, 3, 0, 3).unwrap();
    close(&[s], &[0.1], 1e-12);
    // Two returns (0.1, -0.1): std = sqrt(0.02).
    close(&[volatility(&panel, 2, 0, 10).unwrap()], &[0.02f64.sqrt()], 1e-12);
    assert_eq!(volatility(&panel, 1, 0, 10), None);
    assert_eq!(mean_volume(&panel, 2, 0, 2), Some(7.0));
    assert_eq!(mean_volume(&panel, 3, 0, 4), Some(7.0));
    assert_eq!(mean_volume(&panel, 1, 0, 1), None);
}

#[test]
fn schemes_over_candidates() {
    // Three assets on one day; caps 9, 4, 1; day-1 prices make vols differ.
    let price = vec![1.0, 1.0, 1.0, 1.1, 1.2, 1.0, 1.0, 1.0, 1.0];
    let cap = vec![9.0, 4.0, 1.0, 9.0, 4.0, 1.0, 9.0, 4.0, 1.0];
    let volume = vec![1.0, 3.0, 0.0, 1.0, 3.0, 0.0, 1.0, 3.0, 0.0];
    let ids = vec!["a".into(), "b".into(), "c".into()];
    let panel = Panel::new((0..3).map(Date).collect(), ids, price, cap, volume, vec![]).unwrap();
    let custom = [2.0, 0.0, 6.0];
    let inp = Inputs { panel: &panel, t: 2, smoothed_caps: None, custom: &custom };
    let mut out = Vec::new();
    let run = |s: Weighting, out: &mut Vec<(usize, f64)>| {
        target_weights(&s, &inp, &[0, 1, 2], out, &mut SchemeState::default())
    };
    assert!(run(Weighting::Equal, &mut out).is_empty());
    close(&weights_of(&out), &[1.0 / 3.0; 3], 1e-15);
    run(Weighting::MarketCap, &mut out);
    close(&weights_of(&out), &[9.0 / 14.0, 4.0 / 14.0, 1.0 / 14.0], 1e-15);
    run(Weighting::SqrtMarketCap, &mut out);
    close(&weights_of(&out), &[0.5, 1.0 / 3.0, 1.0 / 6.0], 1e-15);
    assert_eq!(run(Weighting::CappedMarketCap { max_weight: 0.3 }, &mut out), vec![Fallback::CapTooSmall { n: 3 }]);
    close(&weights_of(&out), &[1.0 / 3.0; 3], 1e-15);
    // Vols: a: returns 0.1, -1/11; b: 0.2, -1/6; c: 0, 0 (zero vol, left out).
    let notes = run(Weighting::InverseVolatility { lookback: 2 }, &mut out);
    assert_eq!(notes, vec![Fallback::NoEstimate { left_out: 1 }]);
    let sa = volatility(&panel, 2, 0, 2).unwrap();
    let sb = volatility(&panel, 2, 1, 2).unwrap();
    close(&weights_of(&out), &[(1.0 / sa) / (1.0 / sa + 1.0 / sb), (1.0 / sb) / (1.0 / sa + 1.0 / sb)], 1e-12);
    assert_eq!(out.iter().map(|x| x.0).collect::<Vec<_>>(), [0, 1]);
    // Volume: c has zero volume and is left out; a:b = 1:3.
    run(Weighting::VolumeWeighted { lookback: 3 }, &mut out);
    close(&weights_of(&out), &[0.25, 0.75], 1e-15);
    run(Weighting::Custom { weights: vec![] }, &mut out);
    assert_eq!(out, vec![(0, 0.25), (2, 0.75)]);
    // ERC: c has a full window but zero variance, so the solver refuses and
    // inverse volatility (which leaves c out) is used instead.
    let notes = run(Weighting::EqualRiskContribution { lookback: 2 }, &mut out);
    assert_eq!(notes, vec![Fallback::ShrunkCovariance, Fallback::ErcFailed, Fallback::NoEstimate { left_out: 1 }]);
    let expected = [(1.0 / sa) / (1.0 / sa + 1.0 / sb), (1.0 / sb) / (1.0 / sa + 1.0 / sb)];
    close(&weights_of(&out), &expected, 1e-12);
}

#[test]
fn caps_whose_sum_overflows_keep_their_ratios() {
    // Caps near f64::MAX: the plain sum is inf and every weight would be 0.
    let price = vec![1.0; 3];
    let cap = vec![1.5e308, 1.5e308, 0.5e308];
    let ids = vec!["a".into(), "b".into(), "c".into()];
    let panel = Panel::new(vec![Date(0)], ids, price, cap, vec![0.0; 3], vec![]).unwrap();
    let inp = Inputs { panel: &panel, t: 0, smoothed_caps: None, custom: &[0.0; 3] };
    let mut out = Vec::new();
    assert!(target_weights(&Weighting::MarketCap, &inp, &[0, 1, 2], &mut out, &mut SchemeState::default()).is_empty());
    close(&weights_of(&out), &[3.0 / 7.0, 3.0 / 7.0, 1.0 / 7.0], 1e-15);
    let cache = &mut SchemeState::default();
    target_weights(&Weighting::CappedMarketCap { max_weight: 0.4 }, &inp, &[0, 1, 2], &mut out, cache);
    close(&weights_of(&out), &[0.4, 0.4, 0.2], 1e-15);
    // A score 1e-320 of the others underflows to a weight of 0 and is not held.
    let mut items = vec![(0, 1e300), (1, 1e-20)];
    assert_eq!(finite_sum(&mut items), 1e300 + 1e-20);
    assert_eq!(items, vec![(0, 1e300), (1, 1e-20)], "finite sums are left alone");
    let panel =
        Panel::new(vec![Date(0)], vec!["a".into(), "b".into()], vec![1.0; 2], vec![1e300, 1e-30], vec![0.0; 2], vec![])
            .unwrap();
    let inp = Inputs { panel: &panel, t: 0, smoothed_caps: None, custom: &[0.0; 2] };
    target_weights(&Weighting::MarketCap, &inp, &[0, 1], &mut out, &mut SchemeState::default());
    assert_eq!(out, vec![(0, 1.0)]);
}

#[test]
fn blocked_cholesky_solves_every_size() {
    // A random positive definite matrix, its strict lower triangle NaN (the
    // factorisation must not read it).
    let mut seed = 7u64;
    let mut rnd = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    // Sizes around the block of four and the panel of sixteen (rows below a
    // panel updated eight at a time).
    for k in (1..=13).chain([16, 17, 31, 32, 33, 47, 50]) {
        let m: Vec<f64> = (0..k * k).map(|_| rnd()).collect();
        let mut a = vec![0.0; k * k];
        for i in 0..k {
            for j in 0..k {
                a[i * k + j] =
                    (0..k).map(|p| m[i * k + p] * m[j * k + p]).sum::<f64>() + if i == j { 0.5 } else { 0.0 };
            }
        }
        let x: Vec<f64> = (0..k).map(|_| rnd()).collect();
        let mut b: Vec<f64> = (0..k).map(|i| (0..k).map(|j| a[i * k + j] * x[j]).sum()).collect();
        let mut f = Cholesky::default();
        f.reset(k);
        for i in 0..k {
            let row = f.row_mut(i);
            row.iter_mut().for_each(|v| *v = f64::NAN);
            row[i..k].copy_from_slice(&a[i * k + i..(i + 1) * k]);
            row[k..].iter_mut().for_each(|v| *v = 0.0);
        }
        f.factor().unwrap();
        b.resize(f.stride(), 0.0);
        f.solve(&mut b);
        close(&b[..k], &x, 1e-9);
        let mut out = vec![0.0; k];
        matvec(&a, k, &x, &mut out);
        let direct: Vec<f64> = (0..k).map(|i| dot4(&a[i * k..(i + 1) * k], &x)).collect();
        assert_eq!(out, direct, "matvec is dot4 by rows, to the bit");
    }
}

/// A seeded uniform generator on [-0.5, 0.5).
fn uniform(seed: u64) -> impl FnMut() -> f64 {
    let mut state = seed;
    move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    }
}

#[test]
fn window_products_are_the_covariance() {
    // `Sy` from a window of returns (shrunk with more assets than returns,
    // plain with fewer) equals the product with the two-pass covariance.
    let mut rnd = uniform(3);
    for (k, days) in [(23, 10), (9, 40)] {
        let window: Vec<f64> = (0..k * days).map(|_| 0.05 * rnd()).collect();
        let series: Vec<f64> = (0..k).flat_map(|i| window.chunks_exact(k).map(move |day| day[i])).collect();
        let mut cov = covariance(&series, k, days);
        let shrunk = k >= days;
        if shrunk {
            shrink(&mut cov, k);
        }
        let s: Vec<f64> = cov.iter().map(|c| c * k as f64).collect();
        let sums: Vec<f64> = (0..k).map(|i| window.chunks_exact(k).map(|d| d[i]).sum()).collect();
        let squares: Vec<f64> = (0..k).map(|i| window.chunks_exact(k).map(|d| d[i] * d[i]).sum()).collect();
        let means: Vec<f64> = sums.iter().map(|v| v / days as f64).collect();
        let diag = k as f64 / (days as f64 - 1.0);
        let off = if shrunk { diag * (1.0 - SHRINKAGE) } else { diag };
        let w = Covariance::Window { window: &window, sums: &sums, squares: &squares, means: &means, off, diag };
        let y: Vec<f64> = (0..k).map(|_| 1.0 + rnd()).collect();
        let (mut got, mut want) = (vec![0.0; k], vec![0.0; k]);
        w.product(k, &y, &mut got);
        matvec(&s, k, &y, &mut want);
        let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        close(&got, &want, 1e-13 * scale);
        let mut dense = vec![0.0; k * k];
        w.dense(k, &mut dense);
        close(&dense, &s, 1e-15);
    }
}

#[test]
fn warm_erc_from_any_start_meets_the_tolerance() {
    // 40 assets, 25 returns (shrunk): from the uncorrelated start and from a
    // scrambled one, the residuals of an exact product are within tolerance.
    let (k, days) = (40, 25);
    let mut rnd = uniform(11);
    let series: Vec<f64> = (0..k * days).map(|_| 0.04 * rnd()).collect();
    let mut cov = covariance(&series, k, days);
    shrink(&mut cov, k);
    let s: Vec<f64> = cov.iter().map(|c| c * k as f64).collect();
    let single: Vec<f32> = s.iter().map(|&v| v as f32).collect();
    let starts =
        [(0..k).map(|i| 1.0 / s[i * k + i].sqrt()).collect::<Vec<f64>>(), (0..k).map(|_| 1.0 + rnd()).collect()];
    let mut ws = WarmScratch::default();
    for mut y in starts {
        assert!(erc_warm(Covariance::Dense(&s), &single, k, &mut y, &mut ws, false));
        for i in 0..k {
            let sy: f64 = (0..k).map(|j| s[i * k + j] * y[j]).sum();
            assert!((y[i] * sy - 1.0).abs() <= 2.0 * TOLERANCE, "asset {i}: {}", y[i] * sy - 1.0);
        }
        let w = erc(&cov, k).unwrap();
        let total: f64 = y.iter().sum();
        close(&y.iter().map(|v| v / total).collect::<Vec<_>>(), &w, 1e-10);
    }
}

#[test]
fn daily_erc_equalises_risk_contributions_every_day() {
    // Daily rebalancing on a random-walk market with listings and
    // delistings: the warm solves (window sliding, solver warm-started) and
    // the cold ones (members changed) give weights whose risk contributions
    // `w_i (Σw)_i`, with Σ the two-pass covariance of the day's window
    // (shrunk as the scheme does), are equal to the solver's tolerance, on
    // windows shorter and longer than the number of assets.
    let panel = crate::synth::random_walk(30, 200, 5);
    for lookback in [20, 45] {
        let scheme = Weighting::EqualRiskContribution { lookback };
        let mut state = SchemeState::default();
        let (mut out, mut warm_days) = (Vec::new(), 0);
        for t in lookback..panel.n_days() {
            let candidates: Vec<usize> = (0..panel.n_assets()).filter(|&a| panel.price(t, a).is_finite()).collect();
            let inp = Inputs { panel: &panel, t, smoothed_caps: None, custom: &[] };
            let notes = target_weights(&scheme, &inp, &candidates, &mut out, &mut state);
            assert!(!notes.contains(&Fallback::ErcFailed), "day {t}");
            warm_days += usize::from(state.erc.solved_warm());
            let k = out.len();
            let mut rets = Vec::new();
            for &(a, _) in &out {
                returns_into(&panel, t, a, lookback, &mut rets);
            }
            assert_eq!(rets.len(), k * lookback, "day {t}: only members with a full window");
            let mut cov = covariance(&rets, k, lookback);
            if k >= lookback {
                shrink(&mut cov, k);
            }
            let w = weights_of(&out);
            let rc: Vec<f64> = (0..k).map(|i| w[i] * (0..k).map(|j| cov[i * k + j] * w[j]).sum::<f64>()).collect();
            let mean = rc.iter().sum::<f64>() / k as f64;
            for (i, r) in rc.iter().enumerate() {
                assert!((r / mean - 1.0).abs() <= 1e-9, "day {t}, lookback {lookback}, member {i}: {}", r / mean - 1.0);
            }
        }
        assert!(warm_days > (panel.n_days() - lookback) / 2, "lookback {lookback}: {warm_days} warm solves");
    }
}
