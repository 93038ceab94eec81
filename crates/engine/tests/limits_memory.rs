//! A gzip bomb costs memory up to the decompression bound, not up to what it
//! would expand to: decompression stops at `IngestOptions::max_bytes`. A
//! counting global allocator measures the peak heap (this test binary holds
//! only this test, so nothing else allocates meanwhile).

use engine::ingest::{load, ErrorKind, IngestOptions, InputFile};
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            PEAK.fetch_max(CURRENT.fetch_add(layout.size(), Relaxed) + layout.size(), Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

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

    let before = CURRENT.load(Relaxed);
    PEAK.store(before, Relaxed);
    let e = load(&[InputFile::new("bomb.csv.gz", &bomb)], &IngestOptions { max_bytes: limit, ..Default::default() })
        .unwrap_err();
    let extra = PEAK.load(Relaxed) - before;
    eprintln!("{}-byte bomb, bound {limit}: peak extra heap {extra} bytes", bomb.len());
    assert_eq!(e.kind, ErrorKind::TooLarge { limit });
    assert!(extra <= 2 * limit + (1 << 20), "decompression used {extra} bytes for a bound of {limit}");
}
