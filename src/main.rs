fn main() {
    // The engine's workers run this same module (static/engine-worker.js):
    // there is no page to mount there, and `worker_main` starts the worker.
    #[cfg(target_arch = "wasm32")]
    if !indexlab::workers::in_worker() {
        indexlab::start();
    }
}
