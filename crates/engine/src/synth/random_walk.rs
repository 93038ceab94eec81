//! The benchmark market: independent log-normal random walks, simple and
//! fast to build, so the native benchmarks and the page's in-browser timing
//! (`bench_simulate` in the app) simulate exactly the same panel.

use super::rng::SplitMix64;
use crate::{Date, Panel};

fn uniform(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Standard normal (Box-Muller).
fn normal(rng: &mut SplitMix64) -> f64 {
    let u = 1.0 - uniform(rng);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * uniform(rng)).cos()
}

/// `n` assets over `days` days from 2017-01-01: log-normal random-walk prices
/// (daily vol 2-6%), log-normal supplies (so caps span decades), volume 1-10%
/// of cap; 10% of assets list late and 5% delist early. `n >= 1`, `days >= 4`.
pub fn random_walk(n: usize, days: usize, seed: u64) -> Panel {
    let (n, days) = (n.max(1), days.max(4));
    let mut rng = SplitMix64(seed);
    let mut price = vec![f64::NAN; n * days];
    let mut cap = vec![f64::NAN; n * days];
    let mut volume = vec![f64::NAN; n * days];
    for a in 0..n {
        let first = if uniform(&mut rng) < 0.1 { (uniform(&mut rng) * days as f64 / 2.0) as usize } else { 0 };
        let last = if uniform(&mut rng) < 0.05 {
            days / 2 + (uniform(&mut rng) * (days / 2 - 1) as f64) as usize
        } else {
            days - 1
        };
        let supply = (18.0 + 2.0 * normal(&mut rng)).exp();
        let vol = 0.02 + 0.04 * uniform(&mut rng);
        let mut p = (2.0 * normal(&mut rng)).exp();
        for t in first..=last.max(first) {
            p *= (0.0003 + vol * normal(&mut rng)).exp();
            let i = t * n + a;
            price[i] = p;
            cap[i] = p * supply;
            volume[i] = cap[i] * (0.01 + 0.09 * uniform(&mut rng));
        }
    }
    let start = Date::from_ymd(2017, 1, 1).expect("a valid date").0;
    let dates = (0..days as i32).map(|d| Date(start + d)).collect();
    let ids = (0..n).map(|a| format!("coin{a}")).collect();
    Panel::new(dates, ids, price, cap, volume, vec![]).expect("the random-walk panel is well formed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_and_determinism() {
        let p = random_walk(20, 100, 7);
        assert_eq!((p.n_assets(), p.n_days()), (20, 100));
        // NaN marks days off the market, so compare bit patterns.
        let bits = |p: &Panel| p.prices().iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&p), bits(&random_walk(20, 100, 7)));
        assert_ne!(bits(&p), bits(&random_walk(20, 100, 8)));
        // Every asset has a price on some day, all positive.
        for a in 0..20 {
            assert!((0..100).any(|t| p.price(t, a) > 0.0));
        }
        assert!(p.prices().iter().all(|x| x.is_nan() || *x > 0.0));
    }
}
