// Starts the app without inline script, so the Content Security Policy in
// index.html can forbid inline script entirely. Trunk writes the hashed names
// of wasm-bindgen's module and of the wasm into <meta name="indexlab-app">
// (Trunk.toml `pattern_script`); they are relative to the page, so the app
// runs from any sub-path.
// Every Web Worker the app starts is recorded (window.indexlabWorkers), so
// the app can stop one at once (Worker.terminate) when the job it runs is
// superseded or cancelled, instead of waiting for it to finish.
const started = [];
window.Worker = class extends window.Worker {
  constructor(...args) {
    super(...args);
    started.push(this);
  }
};
window.indexlabWorkers = started;

const app = document.querySelector('meta[name="indexlab-app"]');
const at = (name) => new URL(app.getAttribute(name), document.baseURI).href;
const bindings = await import(at('data-js'));
await bindings.default({ module_or_path: at('data-wasm') });
// The exported functions, for the page benchmark (e2e/bench/workers.mjs).
window.wasmBindings = bindings;
