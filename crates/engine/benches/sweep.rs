//! Parameter sweep benchmarks: `cargo bench -p engine --bench sweep`.
//!
//! The page's default market (the built-in generator's defaults: 100 assets x
//! 2,190 days), equal weight, monthly, and a 1,000-configuration sweep of
//! Top N x fee x drift band (10 x 10 x 10), measured by Sharpe, on one
//! thread. The page splits the same sweep across a pool of Web Workers; its
//! target is <= 1 s for the whole sweep.

use engine::metrics::MetricId;
use engine::sweep::{run_cells, SweepDim, SweepSpec};
use engine::synth::{generate, MarketParams};
use engine::{Panel, Strategy};
use std::sync::LazyLock;

fn main() {
    divan::main();
}

static MARKET: LazyLock<Panel> = LazyLock::new(|| generate(&MarketParams::default()));

/// Top N x fee x band, 10 values each: 1,000 cells.
fn spec_1000() -> SweepSpec {
    SweepSpec {
        base: Strategy::default(),
        dims: vec![
            SweepDim::TopN(vec![5, 10, 15, 20, 25, 30, 40, 50, 75, 100]),
            SweepDim::FeeBps(vec![0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 100.0]),
            SweepDim::BandWidth(vec![0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2]),
        ],
        metric: MetricId::Sharpe,
    }
}

/// The whole 1,000-cell sweep on one thread.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn sweep_1000_cells_100x2190(bencher: divan::Bencher) {
    let panel: &Panel = &MARKET;
    let spec = spec_1000();
    bencher.bench(|| {
        let out = run_cells(panel, &spec, 0..1000).unwrap();
        assert!(out.iter().all(|c| c.as_ref().is_ok_and(|v| v.is_finite())));
        out
    });
}

/// One worker's chunk: 100 contiguous cells (one band value, every Top N and fee).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn sweep_chunk_100_cells_100x2190(bencher: divan::Bencher) {
    let panel: &Panel = &MARKET;
    let spec = spec_1000();
    bencher.bench(|| run_cells(panel, &spec, 500..600).unwrap());
}
