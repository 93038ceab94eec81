//! Share links: `<kind>.v<N>.<payload>`, written in the current version and
//! read in every version (see the module docs of [`crate::share`]).

use super::{json_error, ShareError, LINK_VERSION, MAX_INFLATED_BYTES, MAX_KIND_LEN, MAX_LINK_CHARS};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::Serialize;

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
}
