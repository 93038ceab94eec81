//! Engine work off the page's thread: a small pool of Web Workers running
//! [`EngineWorker`] (gloo-worker, built by Trunk from `src/bin/worker.rs`).
//!
//! The page submits jobs ([`protocol::Request`]) to a worker of the pool and
//! registers a handler for the job's replies; replies to a cancelled job find
//! no handler and are dropped. Workers start on first use, so the first chart
//! never waits for them.

mod engine_worker;
pub mod protocol;

use std::cell::RefCell;
use std::collections::HashMap;

use engine::ingest::IngestOptions;
use gloo::worker::{Registrable, Spawnable, WorkerBridge};

pub use engine_worker::EngineWorker;
use protocol::{JobId, Parsed, Reply, Request};

/// The worker's loader shim, relative to the page (works under a sub-path).
const LOADER: &str = "./worker_loader.js";

/// Entry point of the worker binary.
pub fn register() {
    EngineWorker::registrar().register();
}

/// A job's reply handler; returns `true` once the job is finished.
type Handler = Box<dyn FnMut(Reply) -> bool>;

#[derive(Default)]
struct Pool {
    workers: Vec<Option<WorkerBridge<EngineWorker>>>,
    next_job: JobId,
    handlers: HashMap<JobId, Handler>,
}

thread_local! {
    static POOL: RefCell<Pool> = RefCell::new(Pool::default());
}

/// How many workers the pool runs: one per logical core the browser reports,
/// at least 1 and at most 8.
pub fn size() -> usize {
    let cores = gloo::utils::window().navigator().hardware_concurrency();
    (cores as usize).clamp(1, 8)
}

fn job_of(reply: &Reply) -> JobId {
    match reply {
        Reply::Progress { job, .. } | Reply::Parsed { job, .. } => *job,
    }
}

/// Hands a reply to its job's handler. The handler runs with the pool
/// released, so it may submit or cancel jobs itself.
fn route(reply: Reply) {
    let job = job_of(&reply);
    let Some(mut handler) = POOL.with(|p| p.borrow_mut().handlers.remove(&job)) else { return };
    if !handler(reply) {
        POOL.with(|p| {
            p.borrow_mut().handlers.entry(job).or_insert(handler);
        });
    }
}

/// Sends a request to worker `index % size()` (started if needed) and routes
/// its replies to `handler`.
fn submit(index: usize, request: impl FnOnce(JobId) -> Request, handler: Handler) -> JobId {
    POOL.with(|p| {
        let mut pool = p.borrow_mut();
        let n = size();
        if pool.workers.len() < n {
            pool.workers.resize_with(n, || None);
        }
        pool.next_job += 1;
        let job = pool.next_job;
        pool.handlers.insert(job, handler);
        let bridge = pool.workers[index % n]
            .get_or_insert_with(|| EngineWorker::spawner().callback(route).spawn_with_loader(LOADER));
        bridge.send(request(job));
        job
    })
}

/// Forgets a job: its later replies are dropped.
pub fn cancel(job: JobId) {
    POOL.with(|p| p.borrow_mut().handlers.remove(&job));
}

/// Parses files in a worker. `on_progress(done, total)` follows the files;
/// `on_done` gets the panel or the message saying what is wrong.
pub fn parse(
    files: Vec<(String, Vec<u8>)>,
    options: IngestOptions,
    on_progress: impl Fn(usize, usize) + 'static,
    on_done: impl FnOnce(Result<Box<Parsed>, String>) + 'static,
) -> JobId {
    let mut on_done = Some(on_done);
    submit(
        0,
        move |job| Request::Parse { job, files, options },
        Box::new(move |reply| match reply {
            Reply::Progress { done, total, .. } => {
                on_progress(done, total);
                false
            }
            Reply::Parsed { outcome, .. } => {
                if let Some(f) = on_done.take() {
                    f(outcome);
                }
                true
            }
        }),
    )
}
