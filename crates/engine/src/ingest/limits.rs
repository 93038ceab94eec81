//! Size limits for input read into memory by a page.
//!
//! A browser tab has a few GiB of memory at most, and a wasm32 module at most
//! 4 GiB: a huge file or a compressed "bomb" must be refused with a message
//! before it exhausts that. The page checks the files' sizes with
//! [`check_sizes`] *before* reading them, and loads with
//! [`IngestOptions::max_bytes`](super::IngestOptions) set to
//! [`MAX_DECOMPRESSED_BYTES`], which bounds what gzip may expand to.
//!
//! The limits leave room for real data: a CoinGecko export is a few hundred
//! KB per coin, and a wide CSV of 2,000 coins over ten years about 80 MB.

use std::fmt;

/// Largest single file the page reads, as stored (compressed or not): 256 MiB.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// Largest total of the files picked at once: 512 MiB.
pub const MAX_TOTAL_BYTES: u64 = 512 * 1024 * 1024;
/// Largest size one file may decompress to in the page: 256 MiB.
pub const MAX_DECOMPRESSED_BYTES: usize = 256 * 1024 * 1024;

/// Most columns a file's header may have. A wide CSV holds one column per
/// asset, and no data set has more than a few thousand; a header beyond this
/// is refused before any row is read (a one-line file of 100,000 columns
/// would otherwise become 100,000 assets).
pub const MAX_COLUMNS: usize = 10_000;

/// The longest asset name read from a file's asset column or header, in
/// characters: names are shown in tables, legends and links.
pub const MAX_ASSET_ID_CHARS: usize = 100;

/// Prices above this (per unit of the asset, in the quote currency) are data
/// errors: no asset has traded at a trillion per unit.
pub const MAX_PRICE: f64 = 1e12;
/// Prices below this per unit are data errors (the cheapest tokens trade
/// around 1e-10).
pub const MIN_PRICE: f64 = 1e-12;
/// A move between two consecutive prices by more than this factor (up or
/// down) that does not revert the next day is a data error.
pub const MAX_JUMP: f64 = 1e6;
/// Two consecutive prices of daily or weekly data more than this many days
/// apart are a long gap, reported (and warned about).
pub const LONG_GAP_DAYS: i32 = 30;

// A file that may be read may also be decompressed, and one file fits the total.
const _: () = assert!(MAX_DECOMPRESSED_BYTES as u64 >= MAX_FILE_BYTES && MAX_FILE_BYTES <= MAX_TOTAL_BYTES);

/// Why files were refused before reading them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SizeError {
    /// One file is larger than `limit` bytes.
    File { name: String, size: u64, limit: u64 },
    /// The files together are larger than `limit` bytes.
    Total { files: usize, size: u64, limit: u64 },
}

impl fmt::Display for SizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SizeError::File { name, size, limit } => {
                write!(f, "{name} is {}; IndexLab reads files of at most {} each", size_text(*size), size_text(*limit))
            }
            SizeError::Total { files, size, limit } => write!(
                f,
                "these {files} files hold {} together; IndexLab reads at most {} at once",
                size_text(*size),
                size_text(*limit)
            ),
        }
    }
}

impl std::error::Error for SizeError {}

/// Checks `(name, size in bytes)` of the files picked at once against
/// [`MAX_FILE_BYTES`] each and [`MAX_TOTAL_BYTES`] together (the first file
/// over the limit is named).
pub fn check_sizes<'a>(files: impl IntoIterator<Item = (&'a str, u64)>) -> Result<(), SizeError> {
    check_sizes_within(files, MAX_FILE_BYTES, MAX_TOTAL_BYTES)
}

/// [`check_sizes`] with explicit limits.
pub fn check_sizes_within<'a>(
    files: impl IntoIterator<Item = (&'a str, u64)>,
    max_file: u64,
    max_total: u64,
) -> Result<(), SizeError> {
    let (mut count, mut total) = (0usize, 0u64);
    for (name, size) in files {
        if size > max_file {
            return Err(SizeError::File { name: name.to_string(), size, limit: max_file });
        }
        count += 1;
        total = total.saturating_add(size);
    }
    if total > max_total {
        return Err(SizeError::Total { files: count, size: total, limit: max_total });
    }
    Ok(())
}

/// The buffer to start decompressing a gzip file into: its trailer's
/// uncompressed size plus one (so the last read finds the end without the
/// buffer doubling), when that size is possible for deflate (at most 1,032
/// times the compressed size); otherwise three times the compressed size.
/// The trailer holds the last member's size only (modulo 4 GiB), so a
/// multi-member file starts small and grows as before.
pub(crate) fn gzip_hint(compressed: &[u8]) -> usize {
    let fallback = compressed.len().saturating_mul(3);
    let Some(tail) = compressed.len().checked_sub(4).map(|i| &compressed[i..]) else { return fallback };
    let size = u32::from_le_bytes(tail.try_into().expect("4 bytes")) as usize;
    if size <= compressed.len().saturating_mul(1032) {
        size.saturating_add(1)
    } else {
        fallback
    }
}

/// Reads `r` to its end into a buffer of at most `limit + 1` bytes (one more
/// than allowed, so the caller sees that the limit was passed), starting
/// from `hint` bytes. The buffer grows by doubling but never past
/// `limit + 1`, so reading costs at most about twice the limit while the
/// buffer moves, however far the input would expand.
pub(crate) fn read_bounded(mut r: impl std::io::Read, limit: usize, hint: usize) -> std::io::Result<Vec<u8>> {
    let cap = limit.saturating_add(1);
    let mut out = Vec::new();
    let mut len = 0;
    loop {
        if len == out.len() {
            if len == cap {
                break;
            }
            let next = if len == 0 { hint.max(4096) } else { len.saturating_mul(2) }.min(cap);
            out.reserve_exact(next - len);
            out.resize(next, 0);
        }
        match r.read(&mut out[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    out.truncate(len);
    Ok(out)
}

/// A byte count for people: whole KiB, MiB or GiB when exact, else one
/// decimal (`268435456` -> `256 MiB`, `1500` -> `1.5 KiB`, `12` -> `12 bytes`).
pub fn size_text(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (unit, name) in UNITS {
        if bytes >= unit {
            return if bytes.is_multiple_of(unit) {
                format!("{} {name}", bytes / unit)
            } else {
                format!("{:.1} {name}", bytes as f64 / unit as f64)
            };
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_one_byte_past_the_limit() {
        let data = vec![7u8; 10_000];
        assert_eq!(read_bounded(&data[..], 20_000, 1).unwrap(), data);
        assert_eq!(read_bounded(&data[..], 10_000, 10).unwrap(), data);
        let cut = read_bounded(&data[..], 9_999, 0).unwrap();
        assert_eq!(cut.len(), 10_000);
        assert!(cut.capacity() <= 10_000);
        assert_eq!(read_bounded(&data[..], 100, 1 << 30).unwrap().len(), 101);
        assert!(read_bounded(&b""[..], 100, 0).unwrap().is_empty());
    }

    #[test]
    fn a_gzip_trailer_sizes_the_buffer_when_deflate_could_give_it() {
        use std::io::Write;
        let text = b"date,asset,price\n".repeat(5_000);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&text).unwrap();
        let mut gz = gz.finish().unwrap();
        assert_eq!(gzip_hint(&gz), text.len() + 1);
        // Decompressed in one buffer of exactly that size: no doubling.
        let out = read_bounded(flate2::read::GzDecoder::new(&gz[..]), 1 << 20, gzip_hint(&gz)).unwrap();
        assert_eq!((out.len(), out.capacity()), (text.len(), text.len() + 1));
        // A trailer no deflate stream of this size could give is not believed.
        let n = gz.len();
        gz[n - 4..].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(gzip_hint(&gz), 3 * n);
        assert_eq!(gzip_hint(&[1, 2]), 6);
    }

    #[test]
    fn sizes_read_as_text() {
        assert_eq!(size_text(MAX_FILE_BYTES), "256 MiB");
        assert_eq!(size_text(MAX_TOTAL_BYTES), "512 MiB");
        assert_eq!(size_text(1 << 30), "1 GiB");
        assert_eq!(size_text(1500), "1.5 KiB");
        assert_eq!(size_text(300_000_000), "286.1 MiB");
        assert_eq!(size_text(1023), "1023 bytes");
    }
}
