// The engine's Web Worker (src/workers/). It runs the page's own wasm module:
// the page posts, as its first message, the URL of wasm-bindgen's JS module
// and the compiled WebAssembly.Module it already runs (wasm_bindgen::module()),
// so a session downloads and compiles the engine once. Nothing else is
// posted before the worker answers: gloo-worker queues the page's requests
// until `worker_main` has registered the engine worker.
self.onmessage = async (event) => {
  self.onmessage = null;
  const { js, module } = event.data;
  const bindings = await import(js);
  await bindings.default({ module_or_path: module });
  bindings.worker_main();
};
