//! Simulation benchmarks on seeded synthetic panels.
//!
//! Run with `cargo bench -p engine --bench simulate`. Targets (native, equal
//! weight, monthly, 10 bp): <= 0.35 ms at 100 assets x 2,190 days and <= 4 ms
//! at 500 x 3,650. `cargo xtask bench` builds them with `panic = "abort"`,
//! as the CLI and the page are built (plain `cargo bench` forces unwinding,
//! whose landing pads slow the daily loops by up to a third).

use engine::strategy::{Costs, Universe};
use engine::synth::random_walk;
use engine::{simulate, Panel, Schedule, SimResult, Strategy, Weighting};
use std::sync::LazyLock;

fn main() {
    divan::main();
}

static SMALL: LazyLock<Panel> = LazyLock::new(|| random_walk(100, 2190, 7));
static LARGE: LazyLock<Panel> = LazyLock::new(|| random_walk(500, 3650, 11));

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
