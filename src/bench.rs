//! In-browser timing hook for `e2e/bench/page.mjs`: the page's wasm runs the
//! native benchmark's headline case (`crates/engine/benches/simulate.rs`,
//! `equal_monthly_10bps`: equal weight, monthly, 10 bp, trade log on) on the
//! same random-walk panel, so page and native numbers compare one to one.
//! Reached from the page as `window.wasmBindings.bench_simulate(...)`; it
//! reads nothing of the user's and changes no state.

use engine::strategy::{Costs, Universe};
use engine::{simulate, Schedule, Strategy, Weighting};
use wasm_bindgen::prelude::*;

/// Builds `random_walk(n_assets, n_days, seed)`, then simulates the headline
/// strategy in `samples` samples of `batch` runs each; returns each sample's
/// milliseconds per run (`performance.now()` is coarsened to 0.1 ms in
/// browsers, so short runs are timed in batches), after one untimed warm-up.
#[wasm_bindgen]
pub fn bench_simulate(
    n_assets: usize,
    n_days: usize,
    seed: u32,
    samples: u32,
    batch: u32,
) -> Result<Vec<f64>, JsError> {
    let panel = engine::synth::random_walk(n_assets, n_days, u64::from(seed));
    let strategy = Strategy {
        weighting: Weighting::Equal,
        rebalance: Schedule::Monthly,
        universe: Universe::default(),
        costs: Costs { fee_bps: 10.0, half_spread_bps: 0.0, impact: None },
        ..Strategy::default()
    };
    let clock = gloo::utils::window().performance().ok_or_else(|| JsError::new("no performance clock"))?;
    simulate(&panel, &strategy).map_err(|e| JsError::new(&e.to_string()))?;
    let batch = batch.max(1);
    let mut times = Vec::with_capacity(samples as usize);
    for _ in 0..samples {
        let t0 = clock.now();
        for _ in 0..batch {
            let r = simulate(&panel, &strategy).map_err(|e| JsError::new(&e.to_string()))?;
            if !r.equity.iter().all(|e| e.is_finite() && *e > 0.0) {
                return Err(JsError::new("the benchmark simulation gave a non-finite or non-positive value"));
            }
        }
        times.push((clock.now() - t0) / f64::from(batch));
    }
    Ok(times)
}

/// Bytes of the page's WebAssembly memory (it only grows), for the stress
/// benchmark's memory reading.
#[wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}
