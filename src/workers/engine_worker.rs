//! The worker side: runs engine work off the page's thread.

use engine::ingest::{load_with_progress, InputFile};
use engine::metrics::MetricsOptions;
use engine::Panel;
use gloo::worker::{HandlerId, Worker, WorkerScope};

use super::protocol::{Parsed, Reply, Request};

/// The engine worker: answers each request in turn and keeps the panel of
/// the comparisons and sweeps it runs (or why it could not build it).
pub struct EngineWorker {
    panel: Option<(u64, Result<Panel, String>)>,
}

impl EngineWorker {
    fn panel(&self, id: u64) -> Result<&Panel, String> {
        match &self.panel {
            Some((have, p)) if *have == id => p.as_ref().map_err(Clone::clone),
            _ => Err("the worker does not hold this data".to_string()),
        }
    }
}

impl Worker for EngineWorker {
    type Message = ();
    type Input = Request;
    type Output = Reply;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        EngineWorker { panel: None }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: Self::Message) {}

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Self::Input, id: HandlerId) {
        match msg {
            Request::Parse { job, files, options } => {
                let started = js_sys::Date::now();
                let inputs: Vec<InputFile> =
                    files.iter().map(|(n, b)| InputFile::new(n.clone(), b.as_slice())).collect();
                let outcome = load_with_progress(&inputs, &options, |done, total| {
                    scope.respond(id, Reply::Progress { job, done, total })
                })
                .map(|loaded| {
                    // Kept under the job's id: the page's comparisons on this
                    // data then need no copy of it (see `workers::adopt`).
                    self.panel = Some((job, Ok(loaded.panel.clone())));
                    Box::new(Parsed {
                        fingerprint: engine::share::fingerprint(&loaded.panel),
                        panel: loaded.panel,
                        report: loaded.report,
                        parse_ms: js_sys::Date::now() - started,
                    })
                })
                .map_err(|e| e.to_string());
                scope.respond(id, Reply::Parsed { job, outcome });
            }
            Request::SetPanel { id: panel_id, source } => {
                // Free the old panel before building the new one.
                self.panel = None;
                self.panel = Some((panel_id, source.build()));
            }
            Request::Sweep { job, lane, panel, spec, cells } => {
                let start = cells.start;
                let outcome = self.panel(panel).and_then(|p| engine::sweep::run_cells(p, &spec, cells));
                scope.respond(id, Reply::SweepChunk { job, lane, start, outcome });
            }
            Request::Compare { job, panel, strategies, benchmark } => {
                let started = js_sys::Date::now();
                let outcome = self.panel(panel).map(|p| {
                    let runs = engine::compare::compare(p, &strategies, benchmark, &MetricsOptions::default());
                    (runs, js_sys::Date::now() - started)
                });
                scope.respond(id, Reply::Compared { job, outcome });
            }
        }
    }
}
