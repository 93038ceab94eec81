//! # Share links, bundles and data fingerprints
//!
//! ## Share links (URL fragments)
//!
//! A link carries any serde value (in practice a scenario) as text:
//!
//! ```text
//! <kind> "." "v" <version> "." <payload>        e.g.  s.v1.q1YqzUksSVSyUtJRKi0u...
//! ```
//!
//! * `kind` names what the link holds (1 to 16 ASCII letters, digits, `_`, `-`),
//!   so a link of another kind is refused with [`ShareError::WrongKind`] instead
//!   of a confusing field error;
//! * the version tag selects the decoder: [`decode`] dispatches on it, so every
//!   version ever written keeps decoding (see [`LINK_VERSION`]);
//! * **v1 payload** = base64url without padding (RFC 4648 §5, URL- and
//!   fragment-safe) of the **raw deflate** (RFC 1951, best compression) of the
//!   value's **JSON** serialisation.
//!
//! JSON was chosen over a binary format because links must keep decoding after
//! the payload struct gains fields: JSON with `#[serde(default)]` skips unknown
//! fields and fills missing ones, which position-based formats (postcard,
//! bincode) cannot do. Deflate removes most of JSON's overhead (the repeated
//! field names compress well). Measured on a representative scenario (three
//! strategies with exclusion lists): JSON 753 bytes → 391 link characters
//! with deflate; postcard 277 bytes → 191 characters with deflate. About 200
//! characters more for schema evolution is a good trade: links of a few hundred
//! characters are far below any browser's URL limit.
//!
//! ```
//! use engine::share::{decode, encode, ShareError};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, Debug, PartialEq)]
//! struct View {
//!     top_n: u32,
//!     #[serde(default)]
//!     log_scale: bool,
//! }
//! let link = encode("view", &View { top_n: 10, log_scale: true })?;
//! assert!(link.starts_with("view.v1."));
//! assert_eq!(decode::<View>("view", &format!("#{link}"))?, View { top_n: 10, log_scale: true });
//! assert!(matches!(decode::<View>("view", "view.v9.abc"), Err(ShareError::UnknownVersion(_))));
//! # Ok::<(), ShareError>(())
//! ```
//!
//! Text accepted by [`decode`]: surrounding whitespace is ignored, and when
//! the text contains a `#` only what follows it is read, so a `location.hash`
//! or a whole pasted URL (`https://…/#s.v1.…`) works too.
//!
//! Non-finite floats have no JSON form (`serde_json` writes them as `null`,
//! which then fails to decode as `f64`):
//! payloads should use `Option<f64>` for "no value".
//!
//! **Bounds.** A link longer than [`MAX_LINK_CHARS`] is refused before any
//! work, and inflation stops at [`MAX_INFLATED_BYTES`] (a deflate "bomb" of a
//! few KiB could otherwise expand to gigabytes).
//!
//! ## Bundles
//!
//! [`encode_bundle`] packs a scenario and the data files it needs into one
//! gzip file (readable by `gunzip`). The decompressed content is
//!
//! ```text
//! "INDEXLAB-BUNDLE\n"                 16 bytes magic
//! u32 LE  format version (1)
//! u32 LE  manifest length m
//! m bytes manifest JSON: {"scenario": <value>, "files": [{"name", "size", "sha256"}, ...]}
//! the files' bytes, concatenated in manifest order
//! ```
//!
//! [`decode_bundle`] checks the magic, version, names, sizes, the SHA-256 of
//! every file and that nothing follows the last file, and stops decompressing
//! past a caller-given total (default [`DEFAULT_BUNDLE_LIMIT`]).
//!
//! ## Data fingerprints
//!
//! [`fingerprint()`] is the SHA-256 (lowercase hex) of a canonical serialisation
//! of a [`Panel`](crate::panel::Panel); see its docs for the exact bytes.

mod bundle;
mod fingerprint;
mod link;

pub use bundle::{decode_bundle, encode_bundle, Bundle};
pub use fingerprint::{file_sha256, files_fingerprint, fingerprint};
pub use link::{decode, encode, parse_header, LinkHeader};

use std::fmt;

/// Version written by [`encode`]. Older versions stay readable by [`decode`].
pub const LINK_VERSION: u32 = 1;
/// Longest link text [`decode`] accepts, in bytes (16 KiB; links are ASCII).
pub const MAX_LINK_CHARS: usize = 16 * 1024;
/// Most bytes a link may inflate to (1 MiB).
pub const MAX_INFLATED_BYTES: usize = 1024 * 1024;
/// Default bound on the decompressed size of a bundle (512 MiB).
pub const DEFAULT_BUNDLE_LIMIT: u64 = 512 * 1024 * 1024;
/// Version of the bundle container written by [`encode_bundle`].
pub const BUNDLE_VERSION: u32 = 1;
/// First bytes of a decompressed bundle.
pub const BUNDLE_MAGIC: &[u8; 16] = b"INDEXLAB-BUNDLE\n";

pub(super) const MAX_KIND_LEN: usize = 16;
pub(super) const MAX_FILE_NAME_LEN: usize = 255;

/// Why a link or bundle could not be written or read.
#[derive(Clone, Debug, PartialEq)]
pub enum ShareError {
    /// The link text is empty.
    Empty,
    /// The kind is not 1-16 of `[A-Za-z0-9_-]`.
    InvalidKind(String),
    /// The link has no `<kind>.v<N>.` header.
    MissingHeader,
    /// The link is of another kind.
    WrongKind { expected: String, found: String },
    /// The version tag is not one this build can read.
    UnknownVersion(String),
    /// The text is longer than allowed (`len` and `max` in bytes; a valid link is ASCII).
    TooLong { len: usize, max: usize },
    /// The payload is not valid base64url; `position` is the byte offset of the
    /// problem in the link as read (trimmed, after the `#` if any), which is
    /// the character offset as long as the text before it is ASCII.
    BadBase64 { position: usize, detail: String },
    /// The compressed data ends early.
    Truncated,
    /// The compressed data is invalid.
    Corrupt(String),
    /// The data inflates past the limit.
    TooLarge { limit: u64 },
    /// The value could not be serialised.
    Serialize(String),
    /// The JSON does not match the expected type (serde's message).
    Json(String),
    /// The bundle container is malformed (details in the message).
    Bundle(String),
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareError::Empty => write!(f, "the link is empty"),
            ShareError::InvalidKind(k) => {
                write!(f, "invalid link kind '{k}': use 1 to {MAX_KIND_LEN} letters, digits, '_' or '-'")
            }
            ShareError::MissingHeader => {
                write!(f, "this is not an IndexLab link (expected '<kind>.v<version>.<data>')")
            }
            ShareError::WrongKind { expected, found } => {
                write!(f, "this link holds '{found}', not '{expected}'")
            }
            ShareError::UnknownVersion(v) => {
                write!(f, "unknown link version '{v}' (this version of IndexLab reads up to v{LINK_VERSION}); is the app up to date?")
            }
            ShareError::TooLong { len, max } => write!(f, "the link is {len} characters long, the limit is {max}"),
            ShareError::BadBase64 { position, detail } => {
                write!(f, "the link is damaged at character {position}: {detail} (was it cut or edited?)")
            }
            ShareError::Truncated => write!(f, "the link's data ends early (was the link cut off?)"),
            ShareError::Corrupt(d) => write!(f, "the link's compressed data is corrupt: {d}"),
            ShareError::TooLarge { limit } => {
                write!(f, "the data expands to more than {}; refused", crate::ingest::limits::size_text(*limit))
            }
            ShareError::Serialize(d) => write!(f, "could not serialise the value: {d}"),
            ShareError::Json(d) => write!(f, "the link's content does not match what was expected: {d}"),
            ShareError::Bundle(d) => write!(f, "invalid bundle: {d}"),
        }
    }
}

impl std::error::Error for ShareError {}

/// Longest detail text kept in a [`ShareError`] (and an ingest JSON error);
/// serde quotes unknown field and variant names and wrong strings in full,
/// and a crafted link, bundle or file can make them a megabyte long.
const MAX_DETAIL_CHARS: usize = 240;

/// `text` if it is at most [`MAX_DETAIL_CHARS`] characters long, else its
/// start and end around an ellipsis (serde puts the position at the end).
pub(crate) fn clip(text: &str) -> String {
    let n = text.chars().count();
    if n <= MAX_DETAIL_CHARS {
        return text.to_string();
    }
    let head: String = text.chars().take(MAX_DETAIL_CHARS - 60).collect();
    let tail: String = text.chars().skip(n - 59).collect();
    format!("{head}…{tail}")
}

pub(super) fn json_error(e: serde_json::Error) -> ShareError {
    ShareError::Json(clip(&e.to_string()))
}
