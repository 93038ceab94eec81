//! The size limits that keep hostile input from exhausting a tab's memory:
//! files refused before reading, gzip bounded while decompressing, share
//! links and bundles bounded, each with a message that names the limit.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use engine::ingest::limits::{check_sizes, check_sizes_within, size_text, SizeError, MAX_FILE_BYTES, MAX_TOTAL_BYTES};
use engine::ingest::{load, ErrorKind, IngestOptions, InputFile};
use engine::scenario::Scenario;
use engine::share::{self, ShareError, DEFAULT_BUNDLE_LIMIT, MAX_INFLATED_BYTES, MAX_LINK_CHARS};
use std::io::Write;

#[test]
fn a_file_over_the_limit_is_refused_by_name_before_reading() {
    let files = [("btc-usd-max.csv", 300_000), ("huge <b>.csv", 300 << 20), ("eth.csv", 10)];
    let e = check_sizes(files.iter().map(|(n, s)| (*n, *s))).unwrap_err();
    assert_eq!(e, SizeError::File { name: "huge <b>.csv".into(), size: 300 << 20, limit: MAX_FILE_BYTES });
    assert_eq!(e.to_string(), "huge <b>.csv is 300 MiB; IndexLab reads files of at most 256 MiB each");
    // One byte over is refused; exactly at the limit is accepted.
    assert!(matches!(check_sizes([("a.csv", MAX_FILE_BYTES + 1)]), Err(SizeError::File { .. })));
    assert_eq!(check_sizes([("a.csv", MAX_FILE_BYTES)]), Ok(()));
    assert_eq!(check_sizes(std::iter::empty()), Ok(()));
}

#[test]
fn files_over_the_total_are_refused_together() {
    let three = [("a.csv", 200 << 20), ("b.csv", 200 << 20), ("c.csv", 200 << 20)];
    let e = check_sizes(three.iter().map(|(n, s)| (*n, *s))).unwrap_err();
    assert_eq!(e, SizeError::Total { files: 3, size: 600 << 20, limit: MAX_TOTAL_BYTES });
    assert_eq!(e.to_string(), "these 3 files hold 600 MiB together; IndexLab reads at most 512 MiB at once");
    assert_eq!(check_sizes(three[..2].iter().map(|(n, s)| (*n, *s))), Ok(()));
    // Sizes near u64::MAX cannot wrap the total around.
    let e = check_sizes_within([("a", u64::MAX - 1), ("b", u64::MAX - 1)], u64::MAX, u64::MAX - 1).unwrap_err();
    assert_eq!(e, SizeError::Total { files: 2, size: u64::MAX, limit: u64::MAX - 1 });
}

/// A gzip file whose CSV expands to `rows` identical rows (13 bytes each).
fn gzip_bomb(rows: usize) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(b"date,price\n").unwrap();
    let chunk = b"2020-01-01,1\n".repeat(4096);
    for _ in 0..rows / 4096 {
        gz.write_all(&chunk).unwrap();
    }
    gz.finish().unwrap()
}

#[test]
fn a_gzip_bomb_is_refused_at_the_decompression_bound() {
    let bomb = gzip_bomb(1 << 20); // 13 MiB of CSV from about 13 KiB
    assert!(bomb.len() < 100_000, "{} bytes", bomb.len());
    let opts = IngestOptions { max_bytes: 4 << 20, ..Default::default() };
    let e = load(&[InputFile::new("bomb.csv.gz", &bomb)], &opts).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge { limit: 4 << 20 });
    assert_eq!(e.file.as_deref(), Some("bomb.csv.gz"));
    assert!(e.to_string().contains("larger than the limit of 4 MiB (after decompression)"), "{e}");
    // Under the bound, the same content loads.
    let opts = IngestOptions { max_bytes: 16 << 20, ..Default::default() };
    assert!(load(&[InputFile::new("bomb.csv.gz", &bomb)], &opts).is_ok());
}

#[test]
fn share_links_and_bundles_are_bounded_with_a_readable_message() {
    let long = format!("s.v1.{}", "A".repeat(MAX_LINK_CHARS));
    let e = share::decode::<Scenario>("s", &long).unwrap_err();
    assert_eq!(e, ShareError::TooLong { len: MAX_LINK_CHARS + 5, max: MAX_LINK_CHARS });
    assert_eq!(e.to_string(), format!("the link is {} characters long, the limit is 16384", MAX_LINK_CHARS + 5));

    // A deflate bomb under the length limit: 8 MiB of spaces in a few KiB.
    let packed = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 8 << 20], 10);
    let link = format!("s.v1.{}", URL_SAFE_NO_PAD.encode(&packed));
    assert!(link.len() <= MAX_LINK_CHARS, "{}", link.len());
    let e = share::decode::<Scenario>("s", &link).unwrap_err();
    assert_eq!(e, ShareError::TooLarge { limit: MAX_INFLATED_BYTES as u64 });
    assert_eq!(e.to_string(), "the data expands to more than 1 MiB; refused");

    // A bundle whose manifest promises more data than the bound is refused
    // before any of that data is read.
    let scenario = serde_json::to_value(Scenario::default()).unwrap();
    let manifest = serde_json::json!({
        "scenario": scenario,
        "files": [{ "name": "big.csv", "size": DEFAULT_BUNDLE_LIMIT, "sha256": "00" }],
    });
    let manifest = serde_json::to_vec(&manifest).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(share::BUNDLE_MAGIC).unwrap();
    gz.write_all(&share::BUNDLE_VERSION.to_le_bytes()).unwrap();
    gz.write_all(&(manifest.len() as u32).to_le_bytes()).unwrap();
    gz.write_all(&manifest).unwrap();
    let bundle = gz.finish().unwrap();
    let e = share::decode_bundle::<Scenario>(&bundle, DEFAULT_BUNDLE_LIMIT).unwrap_err();
    assert_eq!(e, ShareError::TooLarge { limit: DEFAULT_BUNDLE_LIMIT });
    assert_eq!(e.to_string(), "the data expands to more than 512 MiB; refused");
}

#[test]
fn size_text_reads_well() {
    assert_eq!(size_text(0), "0 bytes");
    assert_eq!(size_text(16 * 1024), "16 KiB");
    assert_eq!(size_text((3 << 20) / 2), "1.5 MiB");
    assert_eq!(size_text(5 << 30), "5 GiB");
}
