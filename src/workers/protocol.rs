//! What the page and the engine's workers say to each other. Messages travel
//! as bincode bytes (gloo-worker's codec); every job carries the id the page
//! gave it, so a reply to a cancelled or superseded job is recognised and
//! dropped.

use engine::compare::Run;
use engine::ingest::{IngestOptions, Report};
use engine::sweep::{CellOutcome, SweepSpec};
use engine::synth::MarketParams;
use engine::{Panel, Strategy};
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use std::ops::Range;

/// A job id chosen by the page.
pub type JobId = u64;

#[derive(Serialize, Deserialize)]
pub enum Request {
    /// Parse files (name, bytes) into a panel, reporting progress per file.
    /// The bytes travel as one block each (`ByteBuf`), not byte by byte.
    Parse { job: JobId, files: Vec<(String, ByteBuf)>, options: IngestOptions },
    /// Keep this panel (the simulated date range of the page's data) for the
    /// comparisons and sweeps that follow; `id` names it.
    SetPanel { id: u64, source: PanelSource },
    /// Simulate and measure `strategies` on the panel named `panel`, as
    /// `engine::compare` with the app's metric options.
    Compare { job: JobId, panel: u64, strategies: Vec<Strategy>, benchmark: Option<usize> },
    /// Run cells `cells` of a sweep on the panel named `panel`; `lane` is the
    /// pool's index of this worker, echoed in the reply.
    Sweep { job: JobId, lane: usize, panel: u64, spec: Box<SweepSpec>, cells: Range<usize> },
}

#[derive(Serialize, Deserialize)]
pub enum Reply {
    /// `done` of `total` files parsed.
    Progress { job: JobId, done: usize, total: usize },
    /// The outcome of a `Parse`: the panel and its report, or the message
    /// saying what is wrong and where.
    Parsed { job: JobId, outcome: Result<Box<Parsed>, String> },
    /// The cells of a `Sweep` request, from `start`, in order; or why the
    /// chunk could not run.
    SweepChunk { job: JobId, lane: usize, start: usize, outcome: Result<Vec<CellOutcome>, String> },
    /// The runs of a `Compare`, one per strategy, and the time they took in
    /// the worker (ms); or why the worker could not run them.
    Compared { job: JobId, outcome: Result<(Vec<Result<Run, String>>, f64), String> },
}

/// How a worker gets a panel.
#[derive(Serialize, Deserialize)]
pub enum PanelSource {
    /// The panel itself (uploaded data), copied into the message.
    Panel(Panel),
    /// The built-in market: the worker generates it with the same seeded
    /// generator (so the same numbers, bit for bit) and keeps days
    /// `range.0..=range.1`, which saves copying a large panel.
    Synthetic { params: MarketParams, range: (usize, usize) },
}

impl PanelSource {
    /// The panel this source describes.
    pub fn build(self) -> Result<Panel, String> {
        match self {
            PanelSource::Panel(p) => Ok(p),
            PanelSource::Synthetic { params, range } => {
                let full = engine::synth::generate(&params);
                if range == (0, full.n_days() - 1) {
                    Ok(full)
                } else {
                    full.slice_days(range.0, range.1).map_err(|e| e.to_string())
                }
            }
        }
    }
}

/// A parsed data set, ready for the page.
#[derive(Serialize, Deserialize)]
pub struct Parsed {
    pub panel: Panel,
    pub report: Report,
    pub fingerprint: String,
    /// Time spent parsing and checking inside the worker, in ms.
    pub parse_ms: f64,
}
