//! Simulation benchmarks on seeded synthetic panels.
//!
//! Run with `cargo bench -p engine --bench simulate`. Targets (native, equal
//! weight, monthly, 10 bp): <= 0.35 ms at 100 assets x 2,190 days and <= 4 ms
//! at 500 x 3,650.

use engine::strategy::{Costs, Universe};
use engine::{simulate, Date, Panel, Schedule, SimResult, Strategy, Weighting};
use std::sync::LazyLock;

fn main() {
    divan::main();
}

/// splitmix64: a tiny seeded generator, good enough for test data.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box-Muller).
    fn normal(&mut self) -> f64 {
        let u = 1.0 - self.uniform();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * self.uniform()).cos()
    }
}

/// `n` assets over `days` days from 2017-01-01: log-normal random-walk prices
/// (daily vol 2-6%), log-normal supplies (so caps span decades), volume 1-10%
/// of cap; 10% of assets list late and 5% delist early.
fn market(n: usize, days: usize, seed: u64) -> Panel {
    let mut rng = Rng(seed);
    let mut price = vec![f64::NAN; n * days];
    let mut cap = vec![f64::NAN; n * days];
    let mut volume = vec![f64::NAN; n * days];
    for a in 0..n {
        let first = if rng.uniform() < 0.1 { (rng.uniform() * days as f64 / 2.0) as usize } else { 0 };
        let last =
            if rng.uniform() < 0.05 { days / 2 + (rng.uniform() * (days / 2 - 1) as f64) as usize } else { days - 1 };
        let supply = (18.0 + 2.0 * rng.normal()).exp();
        let vol = 0.02 + 0.04 * rng.uniform();
        let mut p = (2.0 * rng.normal()).exp();
        for t in first..=last.max(first) {
            p *= (0.0003 + vol * rng.normal()).exp();
            let i = t * n + a;
            price[i] = p;
            cap[i] = p * supply;
            volume[i] = cap[i] * (0.01 + 0.09 * rng.uniform());
        }
    }
    let start = Date::from_ymd(2017, 1, 1).unwrap().0;
    let dates = (0..days as i32).map(|d| Date(start + d)).collect();
    let ids = (0..n).map(|a| format!("coin{a}")).collect();
    Panel::new(dates, ids, price, cap, volume, vec![]).unwrap()
}

static SMALL: LazyLock<Panel> = LazyLock::new(|| market(100, 2190, 7));
static LARGE: LazyLock<Panel> = LazyLock::new(|| market(500, 3650, 11));

fn strategy(weighting: Weighting, rebalance: Schedule) -> Strategy {
    Strategy {
        weighting,
        rebalance,
        universe: Universe::default(),
        costs: Costs { fee_bps: 10.0, half_spread_bps: 0.0, impact: None },
        ..Strategy::default()
    }
}

fn run(panel: &Panel, s: &Strategy) -> SimResult {
    let r = simulate(panel, s).unwrap();
    assert!(r.equity.iter().all(|e| e.is_finite() && *e > 0.0));
    r
}

/// The headline case: equal weight, monthly, 10 bp.
#[divan::bench(args = ["100x2190", "500x3650"])]
fn equal_monthly_10bps(bencher: divan::Bencher, size: &str) {
    let panel: &Panel = if size == "100x2190" { &SMALL } else { &LARGE };
    let s = strategy(Weighting::Equal, Schedule::Monthly);
    bencher.bench(|| run(panel, &s));
}

/// The same without the trade log (`record_trades: false`): the simulation
/// alone, as a vectorised implementation without a log would compute it.
#[divan::bench(args = ["100x2190", "500x3650"])]
fn equal_monthly_10bps_without_trade_log(bencher: divan::Bencher, size: &str) {
    let panel: &Panel = if size == "100x2190" { &SMALL } else { &LARGE };
    let s = Strategy { record_trades: false, ..strategy(Weighting::Equal, Schedule::Monthly) };
    bencher.bench(|| run(panel, &s));
}

const SCHEDULES: [&str; 7] = ["daily", "weekly", "monthly", "quarterly", "yearly", "every_10_days", "never"];

fn schedule(name: &str) -> Schedule {
    match name {
        "daily" => Schedule::Daily,
        "weekly" => Schedule::Weekly,
        "monthly" => Schedule::Monthly,
        "quarterly" => Schedule::Quarterly,
        "yearly" => Schedule::Yearly,
        "every_10_days" => Schedule::EveryNDays(10),
        _ => Schedule::Never,
    }
}

fn bench_scheme(bencher: divan::Bencher, weighting: Weighting, sched: &str) {
    let s = strategy(weighting, schedule(sched));
    let panel: &Panel = &SMALL;
    bencher.bench(|| run(panel, &s));
}

/// Each scheme x schedule at 100 assets x 2,190 days.
mod schemes_100x2190 {
    use super::*;

    #[divan::bench(args = SCHEDULES)]
    fn equal(b: divan::Bencher, s: &str) {
        bench_scheme(b, Weighting::Equal, s);
    }

    #[divan::bench(args = SCHEDULES)]
    fn market_cap(b: divan::Bencher, s: &str) {
        bench_scheme(b, Weighting::MarketCap, s);
    }

    #[divan::bench(args = SCHEDULES)]
    fn capped_market_cap(b: divan::Bencher, s: &str) {
        bench_scheme(b, Weighting::CappedMarketCap { max_weight: 0.1 }, s);
    }

    #[divan::bench(args = SCHEDULES)]
    fn sqrt_market_cap(b: divan::Bencher, s: &str) {
        bench_scheme(b, Weighting::SqrtMarketCap, s);
    }

    #[divan::bench(args = SCHEDULES)]
    fn inverse_volatility(b: divan::Bencher, s: &str) {
        bench_scheme(b, Weighting::InverseVolatility { lookback: 60 }, s);
    }

    #[divan::bench(args = SCHEDULES, sample_count = 10, sample_size = 1)]
    fn equal_risk_contribution(b: divan::Bencher, s: &str) {
        bench_scheme(b, Weighting::EqualRiskContribution { lookback: 60 }, s);
    }

    #[divan::bench(args = SCHEDULES)]
    fn volume_weighted(b: divan::Bencher, s: &str) {
        bench_scheme(b, Weighting::VolumeWeighted { lookback: 30 }, s);
    }

    #[divan::bench(args = SCHEDULES)]
    fn custom(b: divan::Bencher, s: &str) {
        let weights = (0..100).step_by(3).map(|a| (format!("coin{a}"), 1.0 + a as f64)).collect();
        bench_scheme(b, Weighting::Custom { weights }, s);
    }
}
