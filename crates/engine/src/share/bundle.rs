//! Bundles: a scenario and its data files in one gzip file (format in the
//! module docs of [`crate::share`]).

use super::fingerprint::sha256_hex;
use super::{clip, json_error, ShareError, BUNDLE_MAGIC, BUNDLE_VERSION, MAX_FILE_NAME_LEN};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};

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
/// `max_decompressed` bytes in total (use [`DEFAULT_BUNDLE_LIMIT`](super::DEFAULT_BUNDLE_LIMIT)); the
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
