//! Peak heap while loading the 39 MB long CSV must stay within 3x the file
//! size, counting the input bytes themselves. A counting global allocator
//! measures it (this test binary holds only this test, so nothing else allocates).

use engine::ingest::{load, IngestOptions, InputFile};
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let now = CURRENT.fetch_add(new_size - layout.size(), Relaxed) + new_size - layout.size();
                PEAK.fetch_max(now, Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn data_dir() -> PathBuf {
    let dir = match std::env::var_os("INDEXLAB_DATA") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    };
    assert!(dir.join("README.md").is_file(), "real test data not found at {} (set INDEXLAB_DATA)", dir.display());
    dir
}

#[test]
fn peak_heap_within_three_times_the_file() {
    let gz = std::fs::read(data_dir().join("coingecko-top150-2017-2021.csv.gz")).expect("read gz");
    let mut csv = Vec::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut csv).expect("gunzip");
    drop(gz);
    csv.shrink_to_fit();
    let size = csv.len();
    assert!(size > 39_000_000);

    // Plain bytes: the input is already in memory; count it in.
    let before = CURRENT.load(Relaxed);
    PEAK.store(before, Relaxed);
    let loaded = load(&[InputFile::new("top150.csv", &csv)], &IngestOptions::default()).expect("loads");
    let peak = PEAK.load(Relaxed);
    let ratio = peak as f64 / size as f64;
    eprintln!("plain: peak heap {peak} bytes = {ratio:.2}x the {size}-byte file");
    assert!(ratio <= 3.0, "peak heap {ratio:.2}x the file size");
    assert_eq!(loaded.panel.n_assets(), 797);
    drop(loaded);
    drop(csv);

    // Gzip end to end: compressed input + decompressed copy + the rest.
    let gz = std::fs::read(data_dir().join("coingecko-top150-2017-2021.csv.gz")).expect("read gz");
    let before = CURRENT.load(Relaxed);
    PEAK.store(before, Relaxed);
    let loaded = load(&[InputFile::new("top150.csv.gz", &gz)], &IngestOptions::default()).expect("loads");
    let ratio = PEAK.load(Relaxed) as f64 / size as f64;
    eprintln!("gzip: peak heap {ratio:.2}x the unpacked size");
    assert!(ratio <= 3.0, "gzip peak heap {ratio:.2}x the unpacked size");
    assert_eq!(loaded.panel.n_assets(), 797);
}
