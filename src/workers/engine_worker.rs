//! The worker side: runs engine work off the page's thread.

use engine::ingest::{load_with_progress, InputFile};
use engine::metrics::MetricsOptions;
use engine::Panel;
use gloo::worker::{HandlerId, Worker, WorkerScope};
use std::collections::HashMap;

use super::protocol::{is_large, parts, Parsed, Reply, Request};

/// The engine worker: answers each request in turn and keeps the panel of
/// the comparisons and sweeps it runs (or why it could not build it).
pub struct EngineWorker {
    panel: Option<(u64, Result<Panel, String>)>,
    /// Requests arriving in parts, by key, until their last part.
    partial: HashMap<u64, Vec<u8>>,
    /// This worker's random id, telling its reply parts from another's.
    id: u64,
}

impl EngineWorker {
    /// Sends `reply`, in parts when it is large ([`is_large`]).
    fn respond(&self, scope: &WorkerScope<Self>, to: HandlerId, reply: Reply) {
        if !is_large(&reply) {
            return scope.respond(to, reply);
        }
        let job = reply.job();
        match bincode::serialize(&reply) {
            Ok(bytes) => {
                drop(reply);
                for (part, last) in parts(&bytes) {
                    scope.respond(to, Reply::Part { job, from: self.id, bytes: part, last });
                }
            }
            Err(e) => gloo::console::error!(format!("a reply could not be encoded: {e}")),
        }
    }

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
        EngineWorker { panel: None, partial: HashMap::new(), id: (js_sys::Math::random() * 2f64.powi(53)) as u64 }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: Self::Message) {}

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Self::Input, id: HandlerId) {
        match msg {
            Request::Part { key, bytes, last } => {
                self.partial.entry(key).or_default().extend_from_slice(&bytes);
                if last {
                    let whole = self.partial.remove(&key).unwrap_or_default();
                    match bincode::deserialize::<Request>(&whole) {
                        Ok(request) => self.received(scope, request, id),
                        Err(e) => gloo::console::error!(format!("a request in parts could not be read: {e}")),
                    }
                }
            }
            Request::Parse { job, files, options } => {
                let started = js_sys::Date::now();
                let inputs: Vec<InputFile> =
                    files.0.iter().map(|(n, b)| InputFile::new(n.clone(), b.as_slice())).collect();
                let outcome = load_with_progress(&inputs, &options, |done, total| {
                    scope.respond(id, Reply::Progress { job, done, total })
                })
                .map(|loaded| {
                    // Kept under the job's id: the page's comparisons on this
                    // data then need no copy of it (see `workers::adopt`).
                    self.panel = Some((job, Ok(loaded.panel.clone())));
                    // The files' hashes identify the data in links (one pass
                    // over the bytes, in place of hashing the whole panel).
                    let file_hashes: Vec<String> = files.0.iter().map(|(_, b)| engine::share::file_sha256(b)).collect();
                    Box::new(Parsed {
                        fingerprint: engine::share::files_fingerprint(&file_hashes),
                        file_hashes,
                        panel: loaded.panel,
                        report: loaded.report,
                        parse_ms: js_sys::Date::now() - started,
                    })
                })
                .map_err(|e| e.to_string());
                self.respond(scope, id, Reply::Parsed { job, outcome });
            }
            Request::SetPanel { id: panel_id, source } => {
                // Free the old panel before building the new one.
                self.panel = None;
                self.panel = Some((panel_id, source.build()));
            }
            Request::Sweep { job, lane, panel, spec, cells } => {
                let start = cells.start;
                let outcome = self.panel(panel).and_then(|p| {
                    let cells = engine::sweep::run_cells(p, &spec, cells)?;
                    Ok(cells.into_iter().map(|c| c.map_err(String::from)).collect())
                });
                self.respond(scope, id, Reply::SweepChunk { job, lane, start, outcome });
            }
            Request::Robustness { job, lane, panel, strategies, spec, jobs, start } => {
                let outcome = self
                    .panel(panel)
                    .map(|p| jobs.iter().map(|j| engine::robustness::run_job(p, &strategies, &spec, j)).collect());
                self.respond(scope, id, Reply::RobustnessChunk { job, lane, start, outcome });
            }
            Request::MonteCarlo { job, lane, base, cap, ew, runs, start, .. } => {
                let outcome =
                    Ok(runs.iter().map(|r| lessons::calm_volatile::monte_carlo_run(&base, &cap, &ew, *r)).collect());
                self.respond(scope, id, Reply::MonteCarloChunk { job, lane, start, outcome });
            }
            Request::Compare { job, panel, strategies, benchmark } => {
                let started = js_sys::Date::now();
                let outcome = self.panel(panel).map(|p| {
                    let runs = engine::compare::compare(p, &strategies, benchmark, &MetricsOptions::default())
                        .into_iter()
                        .map(|r| r.map_err(String::from))
                        .collect();
                    (runs, js_sys::Date::now() - started)
                });
                self.respond(scope, id, Reply::Compared { job, outcome });
            }
        }
    }
}
