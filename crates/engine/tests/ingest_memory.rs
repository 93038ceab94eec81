//! Peak heap while loading the 39 MB long CSV must stay within 3x the file
//! size, counting the input bytes themselves. A counting global allocator
//! measures it (this test binary holds only this test, so nothing else allocates).

mod alloc_support;

use engine::ingest::{load, IngestOptions, InputFile};
use std::io::Read;
use std::path::PathBuf;

#[global_allocator]
static ALLOC: alloc_support::Counting = alloc_support::Counting::IN_PLACE;

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
    alloc_support::reset_peak();
    let loaded = load(&[InputFile::new("top150.csv", &csv)], &IngestOptions::default()).expect("loads");
    let peak = alloc_support::peak();
    let ratio = peak as f64 / size as f64;
    eprintln!("plain: peak heap {peak} bytes = {ratio:.2}x the {size}-byte file");
    assert!(ratio <= 3.0, "peak heap {ratio:.2}x the file size");
    assert_eq!(loaded.panel.n_assets(), 797);
    drop(loaded);
    drop(csv);

    // Gzip end to end: compressed input + decompressed copy + the rest.
    let gz = std::fs::read(data_dir().join("coingecko-top150-2017-2021.csv.gz")).expect("read gz");
    alloc_support::reset_peak();
    let loaded = load(&[InputFile::new("top150.csv.gz", &gz)], &IngestOptions::default()).expect("loads");
    let ratio = alloc_support::peak() as f64 / size as f64;
    eprintln!("gzip: peak heap {ratio:.2}x the unpacked size");
    assert!(ratio <= 3.0, "gzip peak heap {ratio:.2}x the unpacked size");
    assert_eq!(loaded.panel.n_assets(), 797);
}
