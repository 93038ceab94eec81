//! The worker side: runs engine work off the page's thread.

use engine::ingest::{load_with_progress, InputFile};
use gloo::worker::{HandlerId, Worker, WorkerScope};

use super::protocol::{Parsed, Reply, Request};

/// Stateless engine worker: each request is answered on its own.
pub struct EngineWorker;

impl Worker for EngineWorker {
    type Message = ();
    type Input = Request;
    type Output = Reply;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        EngineWorker
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
        }
    }
}
