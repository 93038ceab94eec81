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
//! [`fingerprint`] is the SHA-256 (lowercase hex) of a canonical serialisation
//! of a [`Panel`]; see its docs for the exact bytes.

use crate::panel::Panel;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::io::{Read, Write};

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

const MAX_KIND_LEN: usize = 16;
const MAX_FILE_NAME_LEN: usize = 255;

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

fn check_kind(kind: &str) -> Result<(), ShareError> {
    let ok = !kind.is_empty()
        && kind.len() <= MAX_KIND_LEN
        && kind.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(ShareError::InvalidKind(kind.to_string()))
    }
}

/// The parsed header of a link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkHeader<'a> {
    pub kind: &'a str,
    /// The version number (the `N` of `vN`).
    pub version: u32,
    /// The payload text after the header.
    pub payload: &'a str,
    /// Byte offset of the payload in the link as read (see [`parse_header`]).
    pub payload_offset: usize,
}

/// The link text as [`decode`] reads it: trimmed, and only what follows the
/// first `#` when there is one (a whole pasted URL or a `location.hash`).
fn clean(link: &str) -> &str {
    let t = link.trim();
    t.find('#').map_or(t, |i| &t[i + 1..])
}

/// Parses `<kind>.v<N>.<payload>` (after trimming and keeping only what follows a `#`),
/// checking the length limit. Does not decode the payload.
pub fn parse_header(link: &str) -> Result<LinkHeader<'_>, ShareError> {
    let link = clean(link);
    if link.is_empty() {
        return Err(ShareError::Empty);
    }
    if link.len() > MAX_LINK_CHARS {
        return Err(ShareError::TooLong { len: link.len(), max: MAX_LINK_CHARS });
    }
    let mut parts = link.splitn(3, '.');
    let (kind, tag, payload) = match (parts.next(), parts.next(), parts.next()) {
        (Some(k), Some(t), Some(p)) => (k, t, p),
        _ => return Err(ShareError::MissingHeader),
    };
    check_kind(kind).map_err(|_| ShareError::MissingHeader)?;
    let version = tag
        .strip_prefix('v')
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse::<u32>().ok())
        .ok_or_else(|| ShareError::UnknownVersion(tag.chars().take(16).collect()))?;
    Ok(LinkHeader { kind, version, payload, payload_offset: kind.len() + tag.len() + 2 })
}

/// Encodes `value` as a link of `kind` in the current version ([`LINK_VERSION`]).
///
/// Errors: an invalid kind, a value serde cannot serialise, or a link longer
/// than [`MAX_LINK_CHARS`] / JSON larger than [`MAX_INFLATED_BYTES`] (it could
/// not be decoded).
pub fn encode<T: Serialize + ?Sized>(kind: &str, value: &T) -> Result<String, ShareError> {
    check_kind(kind)?;
    let json = serde_json::to_vec(value).map_err(|e| ShareError::Serialize(e.to_string()))?;
    if json.len() > MAX_INFLATED_BYTES {
        return Err(ShareError::TooLarge { limit: MAX_INFLATED_BYTES as u64 });
    }
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 10);
    let link = format!("{kind}.v{LINK_VERSION}.{}", URL_SAFE_NO_PAD.encode(packed));
    if link.len() > MAX_LINK_CHARS {
        return Err(ShareError::TooLong { len: link.len(), max: MAX_LINK_CHARS });
    }
    Ok(link)
}

/// Decodes a link of `kind` written by any version of [`encode`].
///
/// The checks, in order: empty, length ([`MAX_LINK_CHARS`]), header, kind,
/// version (dispatch), then the version's decoding (v1: base64url, bounded
/// inflate, JSON into `T`).
pub fn decode<T: DeserializeOwned>(kind: &str, link: &str) -> Result<T, ShareError> {
    check_kind(kind)?;
    let h = parse_header(link)?;
    if h.kind != kind {
        return Err(ShareError::WrongKind { expected: kind.to_string(), found: h.kind.to_string() });
    }
    match h.version {
        1 => decode_v1(h.payload, h.payload_offset),
        v => Err(ShareError::UnknownVersion(format!("v{v}"))),
    }
}

/// v1: base64url (no padding) → raw deflate (≤ [`MAX_INFLATED_BYTES`]) → JSON.
fn decode_v1<T: DeserializeOwned>(payload: &str, offset: usize) -> Result<T, ShareError> {
    if payload.is_empty() {
        return Err(ShareError::Truncated);
    }
    let packed = URL_SAFE_NO_PAD.decode(payload).map_err(|e| base64_error(e, offset, payload.len()))?;
    let json = inflate_bounded(&packed, MAX_INFLATED_BYTES)?;
    serde_json::from_slice(&json).map_err(json_error)
}

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

fn json_error(e: serde_json::Error) -> ShareError {
    ShareError::Json(clip(&e.to_string()))
}

fn base64_error(e: base64::DecodeError, offset: usize, len: usize) -> ShareError {
    use base64::DecodeError::*;
    let (position, detail) = match e {
        InvalidByte(i, b) => (offset + i, format!("'{}' is not a base64url character", char::from(b).escape_default())),
        InvalidLastSymbol(i, b) => (offset + i, format!("invalid last character '{}'", char::from(b).escape_default())),
        InvalidLength(_) => {
            (offset + len, "the data has an impossible length (a character is missing or extra)".into())
        }
        InvalidPadding => (offset + len, "unexpected padding".into()),
    };
    ShareError::BadBase64 { position, detail }
}

/// Inflates raw deflate data, refusing output longer than `limit` bytes.
fn inflate_bounded(data: &[u8], limit: usize) -> Result<Vec<u8>, ShareError> {
    use miniz_oxide::inflate::TINFLStatus;
    miniz_oxide::inflate::decompress_to_vec_with_limit(data, limit).map_err(|e| match e.status {
        TINFLStatus::HasMoreOutput => ShareError::TooLarge { limit: limit as u64 },
        TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => ShareError::Truncated,
        s => ShareError::Corrupt(format!("{s:?}")),
    })
}

// ---------------------------------------------------------------------------
// Bundles
// ---------------------------------------------------------------------------

/// A decoded bundle: the scenario and the data files, in their original order.
#[derive(Clone, Debug, PartialEq)]
pub struct Bundle<T> {
    pub scenario: T,
    /// `(name, bytes)` pairs.
    pub files: Vec<(String, Vec<u8>)>,
}

#[derive(Serialize, Deserialize)]
struct ManifestEntry {
    name: String,
    size: u64,
    sha256: String,
}

#[derive(Serialize)]
struct ManifestOut<'a, T: ?Sized> {
    scenario: &'a T,
    files: Vec<ManifestEntry>,
}

#[derive(Deserialize)]
struct ManifestIn<T> {
    scenario: T,
    files: Vec<ManifestEntry>,
}

/// A file name in a bundle: 1-255 bytes, no `/`, `\`, control characters, not `.` or `..`
/// (so a bundle can never write outside the folder it is unpacked into).
fn check_file_name(name: &str) -> Result<(), ShareError> {
    let bad = name.is_empty()
        || name.len() > MAX_FILE_NAME_LEN
        || name == "."
        || name == ".."
        || name.chars().any(|c| c == '/' || c == '\\' || c.is_control());
    if bad {
        Err(ShareError::Bundle(format!("invalid file name {}", clip(&format!("{name:?}")))))
    } else {
        Ok(())
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The SHA-256 of a file's raw bytes, in hexadecimal: what a link on
/// uploaded data records of each file, so the receiver's files are checked
/// before any parsing choice is applied.
pub fn file_sha256(bytes: &[u8]) -> String {
    sha256_hex(bytes)
}

/// One fingerprint for a set of files: the SHA-256 of their SHA-256s
/// ([`file_sha256`]) in sorted order, so the same files in any order or
/// under other names give the same value. Costs nothing next to hashing the
/// files; the loader computes it instead of the panel's [`fingerprint`].
pub fn files_fingerprint(hashes: &[String]) -> String {
    let mut sorted: Vec<&str> = hashes.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    let mut h = Sha256::new();
    h.update(b"indexlab-files-v1\0");
    for s in sorted {
        h.update(s.as_bytes());
        h.update(b"\n");
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Packs a scenario and data files into one gzip file (format in the module docs).
/// File names must be unique and valid (1-255 bytes, no path separators or control characters).
pub fn encode_bundle<T: Serialize + ?Sized>(scenario: &T, files: &[(&str, &[u8])]) -> Result<Vec<u8>, ShareError> {
    let mut seen = std::collections::HashSet::new();
    let mut entries = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        check_file_name(name)?;
        if !seen.insert(*name) {
            return Err(ShareError::Bundle(format!("file name {name:?} appears twice")));
        }
        entries.push(ManifestEntry { name: name.to_string(), size: bytes.len() as u64, sha256: sha256_hex(bytes) });
    }
    let manifest = serde_json::to_vec(&ManifestOut { scenario, files: entries })
        .map_err(|e| ShareError::Serialize(e.to_string()))?;
    let m_len = u32::try_from(manifest.len()).map_err(|_| ShareError::Serialize("manifest too large".into()))?;
    let io = |e: std::io::Error| ShareError::Serialize(e.to_string());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(BUNDLE_MAGIC).map_err(io)?;
    gz.write_all(&BUNDLE_VERSION.to_le_bytes()).map_err(io)?;
    gz.write_all(&m_len.to_le_bytes()).map_err(io)?;
    gz.write_all(&manifest).map_err(io)?;
    for (_, bytes) in files {
        gz.write_all(bytes).map_err(io)?;
    }
    gz.finish().map_err(io)
}

/// Reads exactly `n` bytes (or fewer at the end of the stream) through a bounded reader.
fn read_up_to(r: &mut impl Read, n: u64) -> Result<Vec<u8>, ShareError> {
    let mut out = Vec::new();
    r.take(n).read_to_end(&mut out).map_err(gzip_error)?;
    Ok(out)
}

fn gzip_error(e: std::io::Error) -> ShareError {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        ShareError::Truncated
    } else {
        ShareError::Corrupt(e.to_string())
    }
}

/// Unpacks a bundle written by [`encode_bundle`], decompressing at most
/// `max_decompressed` bytes in total (use [`DEFAULT_BUNDLE_LIMIT`]); the
/// scenario JSON is decoded into `T`.
pub fn decode_bundle<T: DeserializeOwned>(bytes: &[u8], max_decompressed: u64) -> Result<Bundle<T>, ShareError> {
    if bytes.is_empty() {
        return Err(ShareError::Empty);
    }
    if bytes.len() < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b {
        return Err(ShareError::Bundle("not a gzip file".into()));
    }
    let too_large = ShareError::TooLarge { limit: max_decompressed };
    let mut gz = flate2::read::GzDecoder::new(bytes);
    let head = read_up_to(&mut gz, 24)?;
    if head.len() < 24 || max_decompressed < 24 {
        return Err(if head.len() < 24 { ShareError::Truncated } else { too_large });
    }
    if &head[..16] != BUNDLE_MAGIC {
        return Err(ShareError::Bundle("not an IndexLab bundle (bad magic)".into()));
    }
    let version = u32::from_le_bytes(head[16..20].try_into().expect("4 bytes"));
    if version != BUNDLE_VERSION {
        return Err(ShareError::UnknownVersion(format!("bundle v{version}")));
    }
    let m_len = u32::from_le_bytes(head[20..24].try_into().expect("4 bytes")) as u64;
    let mut budget = max_decompressed - 24;
    if m_len > budget {
        return Err(too_large);
    }
    budget -= m_len;
    let manifest = read_up_to(&mut gz, m_len)?;
    if (manifest.len() as u64) < m_len {
        return Err(ShareError::Truncated);
    }
    let manifest: ManifestIn<T> = serde_json::from_slice(&manifest).map_err(json_error)?;
    let total: u64 = manifest.files.iter().fold(0u64, |a, f| a.saturating_add(f.size));
    if total > budget {
        return Err(too_large);
    }
    let mut seen = std::collections::HashSet::new();
    let mut files = Vec::with_capacity(manifest.files.len());
    for entry in manifest.files {
        check_file_name(&entry.name)?;
        if !seen.insert(entry.name.clone()) {
            return Err(ShareError::Bundle(format!("file name {:?} appears twice", entry.name)));
        }
        let data = read_up_to(&mut gz, entry.size)?;
        if (data.len() as u64) < entry.size {
            return Err(ShareError::Truncated);
        }
        if sha256_hex(&data) != entry.sha256 {
            return Err(ShareError::Bundle(format!("file {:?} does not match its checksum", entry.name)));
        }
        files.push((entry.name, data));
    }
    if !read_up_to(&mut gz, 1)?.is_empty() {
        return Err(ShareError::Bundle("unexpected data after the last file".into()));
    }
    Ok(Bundle { scenario: manifest.scenario, files })
}

// ---------------------------------------------------------------------------
// Fingerprint
// ---------------------------------------------------------------------------

/// Canonical bits of a value: every NaN becomes the quiet NaN `0x7ff8_0000_0000_0000`
/// and `-0.0` becomes `+0.0`; other values keep their exact bit pattern.
fn canonical_bits(v: f64) -> u64 {
    if v.is_nan() {
        0x7ff8_0000_0000_0000
    } else if v == 0.0 {
        0
    } else {
        v.to_bits()
    }
}

/// Buffers small writes into the hasher.
struct Feed {
    hasher: Sha256,
    buf: Vec<u8>,
}

impl Feed {
    fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= 64 * 1024 {
            self.hasher.update(&self.buf);
            self.buf.clear();
        }
    }
    fn u64(&mut self, v: u64) {
        self.bytes(&v.to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.bytes(s.as_bytes());
    }
    /// A day-major field with each day's values in the order `order`.
    fn field(&mut self, field: &[f64], order: &[usize]) {
        for row in field.chunks_exact(order.len()) {
            for &a in order {
                self.u64(canonical_bits(row[a]));
            }
        }
    }
    fn finish(mut self) -> String {
        self.hasher.update(&self.buf);
        hex(&self.hasher.finalize())
    }
}

/// SHA-256 (64 lowercase hex digits) of a canonical serialisation of the panel.
///
/// **Asset order and extra-column order do not matter**: assets are hashed
/// sorted by id (byte order) and extras by name, so the same data loaded from
/// files with rows in another order has the same fingerprint. (Caveat: a
/// strategy that breaks exact ties by asset position could still differ.)
/// Dates are in their panel order (strictly increasing by construction).
///
/// The bytes hashed (all integers u64 little-endian, floats as the u64 LE of
/// their canonical bits: every NaN as `0x7ff8000000000000`, `-0.0` as `+0.0`):
///
/// ```text
/// "indexlab-panel-v1\0"
/// n_days, then each date as its day number (i64 widened to u64)
/// n_assets, then each asset id in id order (byte length, UTF-8 bytes)
/// prices:      day by day, each day's values in asset-id order
/// market caps: the same
/// volumes:     the same
/// n_extras, then for each extra in name order: name (byte length, UTF-8 bytes),
///     then its values day by day in asset-id order
/// ```
///
/// The values are those stored in the panel, i.e. after [`Panel::new`]'s
/// cleaning and gap carrying. Derived [`AssetInfo`](crate::panel::AssetInfo)
/// fields are not hashed (they follow from the prices).
pub fn fingerprint(panel: &Panel) -> String {
    let n_assets = panel.n_assets();
    let mut f = Feed { hasher: Sha256::new(), buf: Vec::with_capacity(64 * 1024 + 64) };
    f.bytes(b"indexlab-panel-v1\0");
    f.u64(panel.n_days() as u64);
    for d in panel.dates() {
        f.u64(i64::from(d.0) as u64);
    }
    let mut order: Vec<usize> = (0..n_assets).collect();
    order.sort_by(|&a, &b| panel.assets()[a].id.as_bytes().cmp(panel.assets()[b].id.as_bytes()));
    f.u64(n_assets as u64);
    for &a in &order {
        f.str(&panel.assets()[a].id);
    }
    f.field(panel.prices(), &order);
    f.field(panel.market_caps(), &order);
    f.field(panel.volumes(), &order);
    let mut extras: Vec<_> = panel.extras().iter().collect();
    extras.sort_by(|x, y| x.name.as_bytes().cmp(y.name.as_bytes()));
    f.u64(extras.len() as u64);
    for e in extras {
        f.str(&e.name);
        f.field(&e.values, &order);
    }
    f.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_parsing() {
        let h = parse_header("  #s.v12.abc ").unwrap();
        assert_eq!((h.kind, h.version, h.payload, h.payload_offset), ("s", 12, "abc", 6));
        assert_eq!(parse_header("abc"), Err(ShareError::MissingHeader));
        assert_eq!(parse_header("s.x1.abc"), Err(ShareError::UnknownVersion("x1".into())));
        assert_eq!(parse_header("s.v.abc"), Err(ShareError::UnknownVersion("v".into())));
        assert_eq!(parse_header("   "), Err(ShareError::Empty));
    }

    #[test]
    fn canonical_bits_merge_nans_and_zeros() {
        assert_eq!(canonical_bits(f64::NAN), canonical_bits(-f64::NAN));
        assert_eq!(canonical_bits(f64::from_bits(0x7ff0_0000_0000_0001)), canonical_bits(f64::NAN));
        assert_eq!(canonical_bits(-0.0), canonical_bits(0.0));
        assert_ne!(canonical_bits(1.0), canonical_bits(f64::NAN));
    }

    #[test]
    fn hex_digits() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }

    #[test]
    fn files_fingerprint_ignores_order_and_names() {
        let (a, b) = (file_sha256(b"btc"), file_sha256(b"eth"));
        let f = files_fingerprint(&[a.clone(), b.clone()]);
        assert_eq!(f, files_fingerprint(&[b.clone(), a.clone()]));
        assert_eq!(f.len(), 64);
        assert_ne!(f, files_fingerprint(std::slice::from_ref(&a)));
        assert_ne!(f, files_fingerprint(&[a, file_sha256(b"eth ")]));
    }
}
