//! Property tests: identities the lesson analyses must satisfy on random data.

use engine::analysis::{self, AssetSet, RegimeSplit};
use engine::{Date, Panel};
use proptest::prelude::*;

/// A fully listed panel with constant share counts: caps = shares × price.
fn panel(rets: &[Vec<f64>], shares: &[f64]) -> Panel {
    let (n_assets, n_days) = (rets.len(), rets[0].len() + 1);
    let mut price = vec![100.0; n_days * n_assets];
    for (a, r) in rets.iter().enumerate() {
        for (i, x) in r.iter().enumerate() {
            price[(i + 1) * n_assets + a] = price[i * n_assets + a] * (1.0 + x);
        }
    }
    let cap: Vec<f64> = price.iter().enumerate().map(|(k, p)| p * shares[k % n_assets]).collect();
    let dates = (0..n_days as i32).map(|i| Date(18_000 + i)).collect();
    let ids = (0..n_assets).map(|i| format!("a{i}")).collect();
    Panel::new(dates, ids, price, cap, vec![f64::NAN; n_days * n_assets], vec![]).unwrap()
}

fn returns_matrix() -> impl Strategy<Value = (Vec<Vec<f64>>, Vec<f64>)> {
    (2usize..6, 40usize..120).prop_flat_map(|(n, len)| {
        (prop::collection::vec(prop::collection::vec(-0.3f64..0.3, len), n), prop::collection::vec(0.1f64..10.0, n))
    })
}

proptest! {
    /// With constant share counts the cap-weighted index is the total market cap
    /// relative to day 0 (a buy-and-hold of the whole market).
    #[test]
    fn cap_index_is_total_cap_with_constant_shares((rets, shares) in returns_matrix()) {
        let p = panel(&rets, &shares);
        let idx = analysis::market_cap_index(&p);
        let total = |t: usize| p.cap_row(t).iter().sum::<f64>();
        for (t, v) in idx.iter().enumerate() {
            let expected = total(t) / total(0);
            prop_assert!((v - expected).abs() <= 1e-12 * expected, "day {}: {} vs {}", t, v, expected);
        }
    }

    /// Regime days partition the labelled days, and the regimes' growth factors
    /// multiply to the growth over the labelled days.
    #[test]
    fn regime_stats_partition_the_curve((rets, shares) in returns_matrix(), window in 2usize..20, q in 0.0f64..0.5) {
        let p = panel(&rets, &shares);
        let idx = analysis::market_cap_index(&p);
        let labels = analysis::regime_labels(&idx, window, RegimeSplit::Quantiles(q, 1.0 - q)).unwrap();
        let stats = analysis::regime_stats(p.dates(), &idx, &labels, Some(365.0)).unwrap();
        let labelled = labels[1..].iter().filter(|l| l.is_some()).count();
        prop_assert_eq!(stats.iter().map(|s| s.days).sum::<usize>(), labelled);
        let growth: f64 = stats.iter().map(|s| 1.0 + s.total_return).product();
        let first = labels.iter().position(|l| l.is_some()).unwrap();
        let expected = idx[idx.len() - 1] / idx[first - 1];
        prop_assert!((growth - expected).abs() <= 1e-10 * expected, "{} vs {}", growth, expected);
        for s in &stats {
            prop_assert!(s.max_drawdown <= 0.0 && s.max_drawdown >= -1.0);
            prop_assert!(s.spells >= 1 && s.spells <= s.days);
        }
    }

    /// Average correlations are in [-1, 1], NaN exactly before the window fills here.
    #[test]
    fn correlation_is_bounded((rets, shares) in returns_matrix(), window in 2usize..30, k in 2usize..6) {
        let p = panel(&rets, &shares);
        let c = analysis::rolling_average_correlation(&p, window, &AssetSet::TopByCap(k)).unwrap();
        for (t, v) in c.iter().enumerate() {
            if t < window {
                prop_assert!(v.is_nan());
            } else {
                prop_assert!((-1.0..=1.0).contains(v), "day {}: {}", t, v);
            }
        }
    }

    /// Attribution parts always telescope to the total.
    #[test]
    fn attribution_telescopes(v in prop::collection::vec(0.05f64..20.0, 5), n in 30usize..400, p in 1.0f64..366.0) {
        let curves: Vec<Vec<f64>> = v.iter().map(|last| {
            let mut c = vec![1.0; n];
            c[n - 1] = *last;
            c
        }).collect();
        let g = analysis::GapCurves {
            cap_net: &curves[0], cap_gross: Some(&curves[1]), ew_held: &curves[2], ew_gross: &curves[3], ew_net: &curves[4],
        };
        let a = analysis::attribute_gap(&g, p).unwrap();
        // Rounding scales with the largest CAGR involved, the cap-gross one included.
        let scale = [a.cagr_cap_net, a.cagr_cap_gross.unwrap_or(0.0), a.cagr_ew_held, a.cagr_ew_gross, a.cagr_ew_net]
            .iter()
            .fold(1.0f64, |m, x| m.max(x.abs()));
        prop_assert!(a.residual.abs() <= 8.0 * f64::EPSILON * scale, "{:?}", a);
    }
}
