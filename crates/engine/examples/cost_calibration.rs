//! Prints `engine::cost::simulate_seconds` next to a measured native
//! simulation for a grid of rules on the built-in market, to check the
//! cost model's coefficients (BENCHMARKS.md has a run).
//!
//! Run: `cargo run --release -p engine --example cost_calibration`

use engine::cost::simulate_seconds;
use engine::strategy::Universe;
use engine::synth::{generate, MarketParams};
use engine::{simulate, Schedule, Strategy, Weighting};
use std::time::Instant;

fn main() {
    println!("| assets x days | weighting | schedule | top N | estimate | measured | ratio |");
    println!("|---|---|---|---|---|---|---|");
    let mut worst: f64 = 1.0;
    for n in [30usize, 100, 300] {
        let p = generate(&MarketParams { n_assets: n, years: 6.0, ..MarketParams::default() });
        for (wname, w) in [
            ("equal", Weighting::Equal),
            ("capped 30%", Weighting::CappedMarketCap { max_weight: 0.3 }),
            ("inverse vol 90", Weighting::InverseVolatility { lookback: 90 }),
            ("ERC 90", Weighting::EqualRiskContribution { lookback: 90 }),
            ("volume 30", Weighting::VolumeWeighted { lookback: 30 }),
        ] {
            for (sname, s) in [("daily", Schedule::Daily), ("weekly", Schedule::Weekly), ("monthly", Schedule::Monthly)]
            {
                for top in [None, Some(10usize)] {
                    let st = Strategy {
                        weighting: w.clone(),
                        rebalance: s,
                        universe: Universe { top_n: top, ..Universe::default() },
                        record_trades: false,
                        ..Strategy::default()
                    };
                    let estimate = simulate_seconds(p.n_days(), p.n_assets(), &st);
                    if estimate > 3.0 {
                        println!(
                            "| {n} x {} | {wname} | {sname} | {top:?} | {estimate:.3} s | (skipped) | |",
                            p.n_days()
                        );
                        continue;
                    }
                    let t0 = Instant::now();
                    let mut k = 0;
                    while k < 1 || (t0.elapsed().as_millis() < 200 && k < 50) {
                        simulate(&p, &st).expect("runs");
                        k += 1;
                    }
                    let measured = t0.elapsed().as_secs_f64() / k as f64;
                    let ratio = estimate / measured;
                    worst = worst.max(ratio.max(1.0 / ratio));
                    println!(
                        "| {n} x {} | {wname} | {sname} | {} | {:.2} ms | {:.2} ms | {ratio:.2} |",
                        p.n_days(),
                        top.map_or("all".to_string(), |t| t.to_string()),
                        estimate * 1e3,
                        measured * 1e3
                    );
                }
            }
        }
    }
    println!("\nLargest factor between estimate and measurement: {worst:.2}");
}
