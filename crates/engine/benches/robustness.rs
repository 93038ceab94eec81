//! Robustness analysis benchmarks: `cargo bench -p engine --bench robustness`.
//!
//! On the page's default market (100 assets x 2,190 days), one thread:
//! timing luck of three strategies (weekly and monthly: 7 + 7 + 28 runs plus
//! the three base runs), the start-date analysis over 2-year windows of two
//! strategies, and 2,000 stationary-bootstrap resamples of a 1,400-day pair.

use engine::robustness::bootstrap::{bootstrap_pair, BlockLength};
use engine::robustness::{analyse, RobustnessSpec};
use engine::synth::{generate, MarketParams};
use engine::{Panel, Preset, Schedule, Strategy, Universe, Weighting};
use std::sync::LazyLock;

fn main() {
    divan::main();
}

static MARKET: LazyLock<Panel> = LazyLock::new(|| generate(&MarketParams::default()));

fn strategies() -> Vec<Strategy> {
    vec![
        Strategy::preset(Preset::Top10EqualMonthly),
        Strategy::preset(Preset::Top100CapWeekly),
        Strategy {
            universe: Universe { top_n: Some(20), ..Universe::default() },
            weighting: Weighting::Equal,
            rebalance: Schedule::Weekly,
            ..Strategy::default()
        },
    ]
}

fn only(timing: bool, start_dates: bool) -> RobustnessSpec {
    RobustnessSpec { timing, start_dates, bootstrap: false, regimes: false, ..RobustnessSpec::default() }
}

/// 45 simulations: three base runs and 28 + 7 + 7 offsets.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn timing_luck_3_strategies_100x2190(bencher: divan::Bencher) {
    let (panel, s, spec) = (&*MARKET, strategies(), only(true, false));
    bencher.bench(|| {
        let r = analyse(panel, &s, &spec).unwrap();
        assert_eq!(r.timing.unwrap().iter().map(|t| t.runs.len()).sum::<usize>(), 42);
    });
}

/// Two strategies from every month start over 2-year windows (48 windows).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn start_dates_2y_windows_2_strategies_100x2190(bencher: divan::Bencher) {
    let (panel, s, spec) = (&*MARKET, strategies()[..2].to_vec(), only(false, true));
    bencher.bench(|| {
        let r = analyse(panel, &s, &spec).unwrap();
        assert!(r.start_dates.unwrap().windows.len() > 40);
    });
}

/// 2,000 resamples of a 1,400-day pair, block length chosen from the data.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn bootstrap_2000_resamples_1400_days(bencher: divan::Bencher) {
    let panel = MARKET.slice_days(0, 1399).unwrap();
    let s = strategies();
    let a = engine::simulate(&panel, &s[0]).unwrap().equity;
    let b = engine::simulate(&panel, &s[1]).unwrap().equity;
    bencher.bench(|| {
        let r = bootstrap_pair(&a, &b, 365.0, 2000, 1, BlockLength::Auto).unwrap();
        assert!(r.ci95.cagr.is_some());
    });
}
