//! A gzip bomb costs memory up to the decompression bound, not up to what it
//! would expand to: decompression stops at `IngestOptions::max_bytes`. A
//! counting global allocator measures the peak heap (this test binary holds
//! only this test, so nothing else allocates meanwhile).

mod alloc_support;

use engine::ingest::{load, ErrorKind, IngestOptions, InputFile};
use std::io::Write;

#[global_allocator]
static ALLOC: alloc_support::Counting = alloc_support::Counting::COPYING;

#[test]
fn a_gzip_bomb_costs_at_most_twice_the_bound() {
    // 256 MiB of CSV rows in about 250 KiB.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"date,price\n").unwrap();
    let chunk = b"2020-01-01,1\n".repeat(1 << 16);
    for _ in 0..(256 << 20) / chunk.len() {
        gz.write_all(&chunk).unwrap();
    }
    drop(chunk);
    let bomb = gz.finish().unwrap();
    let limit = 8 << 20;

    let before = alloc_support::reset_peak();
    let e = load(&[InputFile::new("bomb.csv.gz", &bomb)], &IngestOptions { max_bytes: limit, ..Default::default() })
        .unwrap_err();
    let extra = alloc_support::peak() - before;
    eprintln!("{}-byte bomb, bound {limit}: peak extra heap {extra} bytes", bomb.len());
    assert_eq!(e.kind, ErrorKind::TooLarge { limit });
    assert!(extra <= 2 * limit + (1 << 20), "decompression used {extra} bytes for a bound of {limit}");
}
