//! The engine's Web Worker (built by Trunk as `worker.js` + `worker_bg.wasm`,
//! started through `worker_loader.js`). See `src/workers/`.

fn main() {
    #[cfg(target_arch = "wasm32")]
    indexlab::workers::register();
}
