//! What the page and the engine's workers say to each other. Messages travel
//! as bincode bytes (gloo-worker's codec); every job carries the id the page
//! gave it, so a reply to a cancelled or superseded job is recognised and
//! dropped.

use engine::ingest::{IngestOptions, Report};
use engine::Panel;
use serde::{Deserialize, Serialize};

/// A job id chosen by the page.
pub type JobId = u64;

#[derive(Serialize, Deserialize)]
pub enum Request {
    /// Parse files (name, bytes) into a panel, reporting progress per file.
    Parse { job: JobId, files: Vec<(String, Vec<u8>)>, options: IngestOptions },
}

#[derive(Serialize, Deserialize)]
pub enum Reply {
    /// `done` of `total` files parsed.
    Progress { job: JobId, done: usize, total: usize },
    /// The outcome of a `Parse`: the panel and its report, or the message
    /// saying what is wrong and where.
    Parsed { job: JobId, outcome: Result<Box<Parsed>, String> },
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
