//! Unit tests of the weighting schemes and the ERC solver.

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
    let mut a = [4.0, 2.0, 2.0, 3.0];
    let mut b = [2.0, 1.0];
    cholesky_factor(&mut a, 2).unwrap();
    solve_factored(&a, 2, &mut b);
    close(&b, &[0.5, 0.0], 1e-15);
    assert!(cholesky_factor(&mut [1.0, 2.0, 2.0, 1.0], 2).is_none());
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
