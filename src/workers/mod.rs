//! Engine work off the page's thread: a small pool of Web Workers running
//! [`EngineWorker`] (gloo-worker). A worker runs the page's own wasm module:
//! `static/engine-worker.js` receives the compiled `WebAssembly.Module` and
//! the URL of wasm-bindgen's JS glue from the page, instantiates them and
//! calls [`worker_main`], so the engine is downloaded and compiled once.
//!
//! The page submits jobs ([`protocol::Request`]) to a worker of the pool and
//! registers a handler for the job's replies; replies to a cancelled job find
//! no handler and are dropped. Workers start on first use, so the first chart
//! never waits for them.

mod engine_worker;
pub mod protocol;

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::ops::Range;
use std::rc::{Rc, Weak};

use engine::compare::Run;
use engine::ingest::IngestOptions;
use engine::robustness::{Job, JobOutput, RobustnessSpec};
use engine::sweep::SweepSpec;
use engine::synth::MarketParams;
use engine::{Panel, Strategy};
use gloo::worker::{Registrable, Spawnable, WorkerBridge};

pub use engine_worker::EngineWorker;
use protocol::{is_large, Files, JobId, PanelSource, Parsed, Reply, Request, PART_BYTES};
use serde_bytes::ByteBuf;

/// The worker's script, relative to the page (works under a sub-path).
const WORKER_SCRIPT: &str = "./engine-worker.js";

/// Entry point of an engine worker, called by `static/engine-worker.js` once
/// the module is instantiated there.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn worker_main() {
    EngineWorker::registrar().register();
}

/// Whether this instance of the module runs in a worker (no page to mount).
pub fn in_worker() -> bool {
    use wasm_bindgen::JsCast;
    js_sys::global().dyn_into::<web_sys::Window>().is_err()
}

/// Starts the worker script and hands it this module: the compiled
/// `WebAssembly.Module` (no second download or compile) and the absolute URL
/// of wasm-bindgen's JS glue (from the `indexlab-app` meta tag that Trunk
/// writes). Returns the bridge and the `Worker` object, recorded by
/// `static/boot.js`; without that record (a page not started by boot.js) the
/// worker never loads and the requests sent to it wait.
fn spawn() -> (WorkerBridge<EngineWorker>, Option<web_sys::Worker>) {
    let bridge = EngineWorker::spawner().callback(route).spawn_with_loader(WORKER_SCRIPT);
    let native = last_started_worker().filter(init_worker);
    if native.is_none() {
        gloo::console::error!(
            "the engine worker could not be started: no Worker recorded by static/boot.js or no indexlab-app meta tag"
        );
    }
    (bridge, native)
}

/// Posts the module and the glue's URL to a new worker (see [`spawn`]).
fn init_worker(native: &web_sys::Worker) -> bool {
    let document = gloo::utils::document();
    let js = document
        .query_selector(r#"meta[name="indexlab-app"]"#)
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("data-js"))
        .and_then(|src| web_sys::Url::new_with_base(&src, &document.base_uri().ok()??).ok())
        .map(|url| url.href());
    let Some(js) = js else { return false };
    let init = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&init, &"js".into(), &js.into());
    let _ = js_sys::Reflect::set(&init, &"module".into(), &wasm_bindgen::module());
    native.post_message(&init).is_ok()
}

/// The data a comparison or sweep runs on: the page's panel (the simulated
/// date range) and, for the built-in market, its dials and date range
/// (`None`: all of it), so a worker regenerates it instead of receiving a copy.
pub struct Data {
    pub panel: Rc<Panel>,
    pub synthetic: Option<(MarketParams, Option<(engine::Date, engine::Date)>)>,
}

/// A job's reply handler; returns `true` once the job is finished.
type Handler = Box<dyn FnMut(Reply) -> bool>;

#[derive(Default)]
struct Pool {
    workers: Vec<Option<WorkerBridge<EngineWorker>>>,
    /// Each worker's `Worker` object (recorded by `static/boot.js`), to
    /// terminate it; `None` where the page was started without boot.js.
    natives: Vec<Option<web_sys::Worker>>,
    /// The comparison running in worker 0, while its reply is awaited.
    compare_job: Option<JobId>,
    /// The panel each worker holds for sweeps, and its id (weak: a worker's
    /// copy never keeps the page's old data alive).
    panels: Vec<Option<(u64, Weak<Panel>)>>,
    next_job: JobId,
    handlers: HashMap<JobId, Handler>,
    /// Requests waiting for each worker behind the parts of a large one,
    /// sent one per task in order; a task is scheduled exactly while its
    /// queue is not empty.
    outbox: Vec<VecDeque<Outgoing>>,
    /// Replies arriving in parts, by job and sending worker.
    partial: HashMap<(JobId, u64), Vec<u8>>,
}

impl Pool {
    fn new_job(&mut self) -> JobId {
        self.next_job += 1;
        self.next_job
    }

    /// Worker `lane` (started if needed); lanes wrap around the pool size.
    fn worker(&mut self, lane: usize) -> &WorkerBridge<EngineWorker> {
        let n = size();
        if self.workers.len() < n {
            self.workers.resize_with(n, || None);
            self.natives.resize_with(n, || None);
            self.panels.resize_with(n, || None);
            self.outbox.resize_with(n, VecDeque::new);
        }
        let slot = lane % n;
        if self.workers[slot].is_none() {
            let (bridge, native) = spawn();
            self.workers[slot] = Some(bridge);
            self.natives[slot] = native;
        }
        self.workers[slot].as_ref().expect("started above")
    }

    /// Stops worker `slot` at once (its job is lost) and forgets what it
    /// held; the next request starts a fresh one. Only when its `Worker`
    /// object is known.
    fn terminate(&mut self, slot: usize) -> bool {
        let Some(native) = self.natives.get_mut(slot).and_then(Option::take) else { return false };
        native.terminate();
        // Dropping the bridge posts a goodbye to the stopped worker: harmless.
        self.workers[slot] = None;
        self.panels[slot] = None;
        self.outbox[slot].clear();
        self.partial.retain(|(_, from), _| *from as usize != slot);
        true
    }

    /// Sends `request` to worker `lane`, after whatever still waits for it.
    /// A request over [`PART_BYTES`] is encoded in a task of its own and
    /// sent in parts, one per task (see [`send_next`]), so the page's thread
    /// never copies a large file or panel into a message in one go.
    fn send(&mut self, lane: usize, request: Request) {
        self.worker(lane);
        let slot = lane % self.workers.len();
        let large = is_large(&request);
        let idle = self.outbox[slot].is_empty();
        if !large && idle {
            self.worker(lane).send(request);
            return;
        }
        self.outbox[slot].push_back(if large { Outgoing::Encode(request) } else { Outgoing::Whole(request) });
        if idle {
            send_next(slot);
        }
    }

    /// Makes worker `lane` hold `data` (sent only when it holds another).
    fn share_panel(&mut self, lane: usize, data: &Data) -> u64 {
        self.worker(lane);
        let slot = lane % self.panels.len();
        if let Some((id, held)) = &self.panels[slot] {
            if held.upgrade().is_some_and(|p| Rc::ptr_eq(&p, &data.panel)) {
                return *id;
            }
        }
        let id = self.new_job();
        let source = match &data.synthetic {
            Some((params, range)) => PanelSource::Synthetic { params: params.clone(), range: *range },
            None => PanelSource::Panel((*data.panel).clone()),
        };
        self.send(lane, Request::SetPanel { id, source });
        self.panels[slot] = Some((id, Rc::downgrade(&data.panel)));
        id
    }
}

thread_local! {
    static POOL: RefCell<Pool> = RefCell::new(Pool::default());
}

/// The `Worker` object `static/boot.js` recorded last (the one just spawned).
fn last_started_worker() -> Option<web_sys::Worker> {
    use wasm_bindgen::JsCast;
    let list = js_sys::Reflect::get(&gloo::utils::window(), &"indexlabWorkers".into()).ok()?;
    let list: js_sys::Array = list.dyn_into().ok()?;
    list.at(-1).dyn_into::<web_sys::Worker>().ok()
}

/// Drops a comparison that is no longer wanted (superseded by newer inputs,
/// or cancelled). When it is still running in worker 0 and nothing else
/// waits for that worker, the worker is stopped at once, so a newer request
/// never queues behind minutes of stale work and its memory is given back;
/// otherwise only its reply is dropped. Returns whether a worker was stopped.
pub fn stop_compare(job: JobId) -> bool {
    POOL.with(|p| {
        let mut pool = p.borrow_mut();
        pool.handlers.remove(&job);
        if pool.compare_job != Some(job) {
            return false;
        }
        pool.compare_job = None;
        // A parse or sweep still waiting for a reply would lose it: leave them be.
        pool.handlers.is_empty() && pool.terminate(0)
    })
}

/// A request waiting for its worker.
enum Outgoing {
    /// Sent as it is.
    Whole(Request),
    /// Too large for one message: encoded first (in a task of its own).
    Encode(Request),
    /// An encoded request under `key`, sent from byte `sent` on in parts.
    Bytes { key: u64, bytes: Vec<u8>, sent: usize },
}

/// Does the next step for worker `slot` in a task of its own (sends a
/// request or one part, or encodes a large request), then schedules the
/// step after.
fn send_next(slot: usize) {
    gloo::timers::callback::Timeout::new(0, move || {
        POOL.with(|p| {
            let mut pool = p.borrow_mut();
            match pool.outbox[slot].pop_front() {
                Some(Outgoing::Whole(request)) => pool.worker(slot).send(request),
                Some(Outgoing::Encode(request)) => match bincode::serialize(&request) {
                    Ok(bytes) => {
                        let key = pool.new_job();
                        pool.outbox[slot].push_front(Outgoing::Bytes { key, bytes, sent: 0 });
                    }
                    Err(e) => gloo::console::error!(format!("a request could not be encoded: {e}")),
                },
                Some(Outgoing::Bytes { key, bytes, sent }) => {
                    let end = (sent + PART_BYTES).min(bytes.len());
                    let part = ByteBuf::from(bytes[sent..end].to_vec());
                    let last = end == bytes.len();
                    pool.worker(slot).send(Request::Part { key, bytes: part, last });
                    if !last {
                        pool.outbox[slot].push_front(Outgoing::Bytes { key, bytes, sent: end });
                    }
                }
                None => {}
            }
            if !pool.outbox[slot].is_empty() {
                send_next(slot);
            }
        })
    })
    .forget();
}

/// How many workers the pool runs: one per logical core the browser reports,
/// at least 1 and at most 8.
pub fn size() -> usize {
    let cores = gloo::utils::window().navigator().hardware_concurrency();
    (cores as usize).clamp(1, 8)
}

/// Collects the parts of a reply: the whole reply once its last part is in,
/// `None` before that or when its job was cancelled (its parts are dropped).
fn assemble(job: JobId, from: u64, bytes: &[u8], last: bool) -> Option<Reply> {
    let whole = POOL.with(|p| {
        let mut pool = p.borrow_mut();
        if !pool.handlers.contains_key(&job) {
            pool.partial.remove(&(job, from));
            return None;
        }
        pool.partial.entry((job, from)).or_default().extend_from_slice(bytes);
        if last {
            pool.partial.remove(&(job, from))
        } else {
            None
        }
    })?;
    bincode::deserialize(&whole)
        .map_err(|e| gloo::console::error!(format!("a reply in parts could not be read: {e}")))
        .ok()
}

/// Hands a reply to its job's handler. The handler runs with the pool
/// released, so it may submit or cancel jobs itself.
fn route(reply: Reply) {
    match reply {
        Reply::Part { job, from, bytes, last } => {
            // A large reply took this task to decode; its handler (which
            // typically renders it) gets a task of its own.
            if let Some(whole) = assemble(job, from, &bytes, last) {
                gloo::timers::callback::Timeout::new(0, move || deliver(whole)).forget();
            }
        }
        whole => deliver(whole),
    }
}

/// Hands a whole reply to its job's handler.
fn deliver(reply: Reply) {
    let job = reply.job();
    let Some(mut handler) = POOL.with(|p| p.borrow_mut().handlers.remove(&job)) else { return };
    if !handler(reply) {
        POOL.with(|p| {
            p.borrow_mut().handlers.entry(job).or_insert(handler);
        });
    }
}

/// Sends a request to worker `lane` and routes its replies to `handler`.
fn submit(lane: usize, request: impl FnOnce(JobId) -> Request, handler: Handler) -> JobId {
    POOL.with(|p| {
        let mut pool = p.borrow_mut();
        let job = pool.new_job();
        pool.handlers.insert(job, handler);
        pool.send(lane, request(job));
        job
    })
}

/// Records that worker 0 holds `panel` under id `job`: a successful
/// [`parse`] leaves its panel in the worker that parsed it, so the first
/// comparison on new data copies nothing. (Stopping that worker instead,
/// to give back the memory the parse needed, was measured: the next
/// comparison then sends the panel to a fresh worker, and encoding it is a
/// main-thread task of 57 ms for the 39 MB CSV and 121 ms for the
/// whole-market file, against none over 50 ms when the worker keeps it.)
pub fn adopt(job: JobId, panel: &Rc<Panel>) {
    POOL.with(|p| {
        let mut pool = p.borrow_mut();
        pool.worker(0);
        pool.panels[0] = Some((job, Rc::downgrade(panel)));
    });
}

/// Forgets a job: its later replies are dropped.
pub fn cancel(job: JobId) {
    POOL.with(|p| p.borrow_mut().handlers.remove(&job));
}

/// Forgets a [`parse`]: besides dropping its reply, worker 0 may have kept
/// its panel in place of the one the pool recorded, so that record goes
/// (the next comparison sends its data again).
pub fn cancel_parse(job: JobId) {
    POOL.with(|p| {
        let mut pool = p.borrow_mut();
        pool.handlers.remove(&job);
        if let Some(slot) = pool.panels.first_mut() {
            *slot = None;
        }
        // Nothing else waits for worker 0: stop it, so a long parse gives its
        // memory back now rather than when it ends.
        if pool.handlers.is_empty() {
            pool.terminate(0);
        }
    });
}

/// Parses files in worker 0. `on_progress(done, total)` follows the files;
/// `on_done` gets the job and the panel (also kept by the worker, see
/// [`adopt`]) or the message saying what is wrong.
pub fn parse(
    files: Rc<Vec<(String, Vec<u8>)>>,
    options: IngestOptions,
    on_progress: impl Fn(usize, usize) + 'static,
    on_done: impl FnOnce(JobId, Result<Box<Parsed>, String>) + 'static,
) -> JobId {
    let mut on_done = Some(on_done);
    submit(
        0,
        move |job| Request::Parse { job, files: Files(files), options },
        Box::new(move |reply| match reply {
            Reply::Progress { done, total, .. } => {
                on_progress(done, total);
                false
            }
            Reply::Parsed { job, outcome } => {
                if let Some(f) = on_done.take() {
                    f(job, outcome);
                }
                true
            }
            Reply::SweepChunk { .. }
            | Reply::RobustnessChunk { .. }
            | Reply::MonteCarloChunk { .. }
            | Reply::Compared { .. }
            | Reply::Part { .. } => false,
        }),
    )
}

/// Simulates and measures `strategies` in worker 0 (see `engine::compare`);
/// `on_done` gets one outcome per strategy and the worker's time in ms.
pub fn compare(
    data: &Data,
    strategies: Vec<Strategy>,
    benchmark: Option<usize>,
    on_done: impl FnOnce(Result<(Vec<Result<Run, String>>, f64), String>) + 'static,
) -> JobId {
    let mut on_done = Some(on_done);
    POOL.with(|p| {
        let mut pool = p.borrow_mut();
        let panel = pool.share_panel(0, data);
        let job = pool.new_job();
        pool.handlers.insert(
            job,
            Box::new(move |reply| match reply {
                Reply::Compared { job, outcome } => {
                    POOL.with(|p| {
                        let mut pool = p.borrow_mut();
                        if pool.compare_job == Some(job) {
                            pool.compare_job = None;
                        }
                    });
                    if let Some(f) = on_done.take() {
                        f(outcome);
                    }
                    true
                }
                _ => false,
            }),
        );
        pool.compare_job = Some(job);
        pool.send(0, Request::Compare { job, panel, strategies, benchmark });
        job
    })
}

/// Cells per request: small enough that every worker gets several (they
/// finish together) and Cancel takes effect within one chunk, large enough
/// that messages cost little next to the simulations.
fn chunk_size(cells: usize, lanes: usize) -> usize {
    (cells / (lanes * 6)).clamp(1, 64)
}

/// Runs `total` items across the pool in chunks: every worker takes the next
/// chunk as soon as it returns one. `request(job, lane, panel, items)` makes
/// a chunk's request; `chunk_of(reply)` reads a reply as `(lane, start,
/// outcome)`. `on_progress(items done, total)`; `on_done` gets every item's
/// output in order, or the first error of a chunk. Returns the job to [`cancel`].
fn run_chunked<T: 'static>(
    data: &Data,
    total: usize,
    request: impl Fn(JobId, usize, u64, Range<usize>) -> Request + 'static,
    chunk_of: impl Fn(Reply) -> Option<(usize, usize, Result<Vec<T>, String>)> + 'static,
    on_progress: impl Fn(usize, usize) + 'static,
    on_done: impl FnOnce(Result<Vec<T>, String>) + 'static,
) -> JobId {
    let lanes = size().min(total.max(1));
    let chunk = chunk_size(total, lanes);
    POOL.with(|p| {
        let mut pool = p.borrow_mut();
        let job = pool.new_job();
        let panel_ids: Vec<u64> = (0..lanes).map(|lane| pool.share_panel(lane, data)).collect();
        let mut next = 0usize;
        let next_request = move |lane: usize, next: &mut usize| -> Option<Request> {
            (*next < total).then(|| {
                let items = *next..(*next + chunk).min(total);
                *next = items.end;
                request(job, lane, panel_ids[lane], items)
            })
        };
        for lane in 0..lanes {
            if let Some(r) = next_request(lane, &mut next) {
                pool.send(lane, r);
            }
        }
        let mut outputs: Vec<Option<T>> = (0..total).map(|_| None).collect();
        let mut done = 0usize;
        let mut on_done = Some(on_done);
        let mut finish = move |outcome| {
            if let Some(f) = on_done.take() {
                f(outcome);
            }
            true
        };
        if total == 0 {
            finish(Ok(Vec::new()));
        }
        pool.handlers.insert(
            job,
            Box::new(move |reply| {
                let Some((lane, start, outcome)) = chunk_of(reply) else { return false };
                let values = match outcome {
                    Ok(v) => v,
                    Err(e) => return finish(Err(e)),
                };
                done += values.len();
                for (i, v) in values.into_iter().enumerate() {
                    if let Some(c) = outputs.get_mut(start + i) {
                        *c = Some(v);
                    }
                }
                on_progress(done, total);
                if let Some(r) = next_request(lane, &mut next) {
                    POOL.with(|p| p.borrow_mut().send(lane, r));
                }
                if done >= total {
                    let all: Option<Vec<T>> = std::mem::take(&mut outputs).into_iter().collect();
                    return finish(all.ok_or_else(|| "a worker skipped part of the work".to_string()));
                }
                false
            }),
        );
        job
    })
}

/// Runs a sweep across the pool (see [`run_chunked`]): `on_done` gets every
/// cell's outcome in cell order.
pub fn sweep(
    data: &Data,
    spec: SweepSpec,
    on_progress: impl Fn(usize, usize) + 'static,
    on_done: impl FnOnce(Result<Vec<protocol::Cell>, String>) + 'static,
) -> JobId {
    let total = spec.n_cells();
    run_chunked(
        data,
        total,
        move |job, lane, panel, cells| Request::Sweep { job, lane, panel, spec: Box::new(spec.clone()), cells },
        |reply| match reply {
            Reply::SweepChunk { lane, start, outcome, .. } => Some((lane, start, outcome)),
            _ => None,
        },
        on_progress,
        on_done,
    )
}

/// Runs the jobs of a robustness analysis across the pool (see
/// [`run_chunked`]): `on_done` gets every job's output in job order, for
/// `engine::robustness::assemble`.
pub fn robustness(
    data: &Data,
    strategies: Vec<Strategy>,
    spec: RobustnessSpec,
    jobs: Vec<Job>,
    on_progress: impl Fn(usize, usize) + 'static,
    on_done: impl FnOnce(Result<Vec<JobOutput>, String>) + 'static,
) -> JobId {
    let total = jobs.len();
    run_chunked(
        data,
        total,
        move |job, lane, panel, range| Request::Robustness {
            job,
            lane,
            panel,
            strategies: strategies.clone(),
            spec: Box::new(spec.clone()),
            start: range.start,
            jobs: jobs[range].to_vec(),
        },
        |reply| match reply {
            Reply::RobustnessChunk { lane, start, outcome, .. } => Some((lane, start, outcome)),
            _ => None,
        },
        on_progress,
        on_done,
    )
}

/// Runs a lesson's Monte Carlo across the pool (see [`run_chunked`]):
/// `on_done` gets each run's (cap, equal) CAGR in the order of `runs`.
pub fn monte_carlo(
    data: &Data,
    base: MarketParams,
    cap: Strategy,
    ew: Strategy,
    runs: Vec<(u64, f64)>,
    on_progress: impl Fn(usize, usize) + 'static,
    on_done: impl FnOnce(Result<Vec<(f64, f64)>, String>) + 'static,
) -> JobId {
    let total = runs.len();
    run_chunked(
        data,
        total,
        move |job, lane, panel, range| Request::MonteCarlo {
            job,
            lane,
            panel,
            base: base.clone(),
            cap: Box::new(cap.clone()),
            ew: Box::new(ew.clone()),
            start: range.start,
            runs: runs[range].to_vec(),
        },
        |reply| match reply {
            Reply::MonteCarloChunk { lane, start, outcome, .. } => Some((lane, start, outcome)),
            _ => None,
        },
        on_progress,
        on_done,
    )
}
