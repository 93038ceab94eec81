//! What the page and the engine's workers say to each other. Messages travel
//! as bincode bytes (gloo-worker's codec); every job carries the id the page
//! gave it, so a reply to a cancelled or superseded job is recognised and
//! dropped.
//!
//! A message over [`PART_BYTES`] (files to parse, a parsed panel, the
//! comparison of many assets) travels as its own bincode bytes cut into
//! parts ([`Request::Part`], [`Reply::Part`]): each part is one task on the
//! page's thread, where the whole message would have been one long one.

use engine::compare::Run;
use engine::ingest::{IngestOptions, Report};
use engine::robustness::{Job, JobOutput, RobustnessSpec};
use engine::sweep::SweepSpec;
use engine::synth::MarketParams;
use engine::{Panel, Strategy};
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use std::ops::Range;
use std::rc::Rc;

/// Largest message sent in one piece; larger ones go in parts of this size.
/// Each part costs the page a few milliseconds (copies in and out of wasm
/// memory and the browser's clone of the message).
pub const PART_BYTES: usize = 2 << 20;

/// A job id chosen by the page.
pub type JobId = u64;

#[derive(Serialize, Deserialize)]
pub enum Request {
    /// Part of a larger request's bincode bytes; the parts of one `key`
    /// arrive in order and `last` completes the request.
    Part { key: u64, bytes: ByteBuf, last: bool },
    /// Parse files into a panel, reporting progress per file.
    Parse { job: JobId, files: Files, options: IngestOptions },
    /// Keep this panel (the simulated date range of the page's data) for the
    /// comparisons and sweeps that follow; `id` names it.
    SetPanel { id: u64, source: PanelSource },
    /// Simulate and measure `strategies` on the panel named `panel`, as
    /// `engine::compare` with the app's metric options.
    Compare { job: JobId, panel: u64, strategies: Vec<Strategy>, benchmark: Option<usize> },
    /// Run cells `cells` of a sweep on the panel named `panel`; `lane` is the
    /// pool's index of this worker, echoed in the reply.
    Sweep { job: JobId, lane: usize, panel: u64, spec: Box<SweepSpec>, cells: Range<usize> },
    /// Run jobs `range` of a robustness analysis (`engine::robustness::run_job`)
    /// on the panel named `panel`; `lane` as for `Sweep`.
    Robustness {
        job: JobId,
        lane: usize,
        panel: u64,
        strategies: Vec<Strategy>,
        spec: Box<RobustnessSpec>,
        jobs: Vec<Job>,
        start: usize,
    },
    /// Runs `runs` (seed, volatility) of a lesson's Monte Carlo
    /// (`lessons::calm_volatile::monte_carlo_run`); `panel` is shared but unused.
    MonteCarlo {
        job: JobId,
        lane: usize,
        panel: u64,
        base: MarketParams,
        cap: Box<Strategy>,
        ew: Box<Strategy>,
        runs: Vec<(u64, f64)>,
        start: usize,
    },
}

#[derive(Serialize, Deserialize)]
pub enum Reply {
    /// Part of a larger reply's bincode bytes, from the worker `from` (its
    /// random id); the parts of one `(job, from)` arrive in order and `last`
    /// completes the reply.
    Part { job: JobId, from: u64, bytes: ByteBuf, last: bool },
    /// `done` of `total` files parsed.
    Progress { job: JobId, done: usize, total: usize },
    /// The outcome of a `Parse`: the panel and its report, or the message
    /// saying what is wrong and where.
    Parsed { job: JobId, outcome: Result<Box<Parsed>, String> },
    /// The cells of a `Sweep` request, from `start`, in order; or why the
    /// chunk could not run.
    SweepChunk { job: JobId, lane: usize, start: usize, outcome: Result<Vec<Cell>, String> },
    /// The outputs of a `Robustness` request, from `start`, in order.
    RobustnessChunk { job: JobId, lane: usize, start: usize, outcome: Result<Vec<JobOutput>, String> },
    /// The (cap, equal) CAGRs of a `MonteCarlo` request's runs, from `start`.
    MonteCarloChunk { job: JobId, lane: usize, start: usize, outcome: Result<Vec<(f64, f64)>, String> },
    /// The runs of a `Compare`, one per strategy, and the time they took in
    /// the worker (ms); or why the worker could not run them.
    Compared { job: JobId, outcome: Result<(Vec<Result<Run, String>>, f64), String> },
}

impl Reply {
    /// The job this reply answers.
    pub fn job(&self) -> JobId {
        match self {
            Reply::Part { job, .. }
            | Reply::Progress { job, .. }
            | Reply::Parsed { job, .. }
            | Reply::SweepChunk { job, .. }
            | Reply::RobustnessChunk { job, .. }
            | Reply::MonteCarloChunk { job, .. }
            | Reply::Compared { job, .. } => *job,
        }
    }
}

/// Files (name, bytes) shared with the page's state: a request serialises
/// them straight from the shared buffers, each as one block of bytes (not
/// byte by byte), without copying them first.
#[derive(Clone, Default)]
pub struct Files(pub Rc<Vec<(String, Vec<u8>)>>);

impl Serialize for Files {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|(name, bytes)| (name, serde_bytes::Bytes::new(bytes))))
    }
}

impl<'de> Deserialize<'de> for Files {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let files = Vec::<(String, ByteBuf)>::deserialize(d)?;
        Ok(Files(Rc::new(files.into_iter().map(|(n, b)| (n, b.into_vec())).collect())))
    }
}

/// Whether `message` is too large to go in one piece (measured without
/// encoding it: a walk over lengths).
pub fn is_large(message: &impl Serialize) -> bool {
    bincode::serialized_size(message).is_ok_and(|n| n > PART_BYTES as u64)
}

/// Cuts `message` (bincode bytes) into parts of at most [`PART_BYTES`],
/// each with whether it is the last.
pub fn parts(message: &[u8]) -> impl Iterator<Item = (ByteBuf, bool)> + '_ {
    let n = message.len().div_ceil(PART_BYTES).max(1);
    (0..n).map(move |i| {
        let end = ((i + 1) * PART_BYTES).min(message.len());
        (ByteBuf::from(message[i * PART_BYTES..end].to_vec()), i + 1 == n)
    })
}

/// A sweep cell's value or why it has none, as text: the engine's typed
/// errors ([`engine::errors`]) become words in the worker.
pub type Cell = Result<f64, String>;

/// How a worker gets a panel.
#[derive(Serialize, Deserialize)]
pub enum PanelSource {
    /// The panel itself (uploaded data), copied into the message.
    Panel(Panel),
    /// The built-in market: the worker generates it with the same seeded
    /// generator (so the same numbers, bit for bit) and cuts it to the
    /// scenario's range (`None`: all of it) as the page does
    /// ([`engine::prepare::cut`]), which saves copying a large panel.
    Synthetic { params: MarketParams, range: Option<(engine::Date, engine::Date)> },
}

impl PanelSource {
    /// The panel this source describes.
    pub fn build(self) -> Result<Panel, String> {
        match self {
            PanelSource::Panel(p) => Ok(p),
            PanelSource::Synthetic { params, range } => {
                let full = engine::synth::generate(&params);
                let (from, to) = (range.map(|r| r.0), range.map(|r| r.1));
                engine::prepare::cut_owned(full, from, to).map_err(|e| e.to_string())
            }
        }
    }
}

/// A parsed data set, ready for the page.
#[derive(Serialize, Deserialize)]
pub struct Parsed {
    pub panel: Panel,
    pub report: Report,
    /// `engine::share::files_fingerprint` of `file_hashes`.
    pub fingerprint: String,
    /// SHA-256 of each file's raw bytes, in the order given.
    pub file_hashes: Vec<String>,
    /// Time spent parsing and checking inside the worker, in ms.
    pub parse_ms: f64,
}
