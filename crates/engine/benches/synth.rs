//! Timing of the built-in synthetic market: `cargo bench -p engine --bench synth`.

use engine::synth::{generate, MarketParams};

fn main() {
    divan::main();
}

fn params(n_assets: usize, years: f64) -> MarketParams {
    MarketParams { n_assets, years, ..MarketParams::default() }
}

/// The default market the app opens on: 100 assets x 2190 days.
#[divan::bench]
fn default_100x2190() -> engine::Panel {
    generate(divan::black_box(&params(100, 6.0)))
}

/// A large market: 500 assets x 3650 days.
#[divan::bench(sample_count = 20)]
fn large_500x3650() -> engine::Panel {
    generate(divan::black_box(&params(500, 10.0)))
}

/// The largest allowed width: 2000 assets x 3650 days (~175 MB of output).
#[divan::bench(sample_count = 5)]
fn max_2000x3650() -> engine::Panel {
    generate(divan::black_box(&params(2000, 10.0)))
}
