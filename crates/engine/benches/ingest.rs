//! Ingest speed on the real long-format file (39 MB unpacked, 716,638 rows).
//!
//! Run: `cargo bench -p engine --bench ingest`. Needs the shared data directory
//! (`../../../shared/data` from this crate, or `INDEXLAB_DATA`).
//!
//! Measured 2026-11-29 on the shared 2-core dev machine while other builds kept
//! its load average near 9 (wall times are inflated ~2x): `long_csv_39mb` fastest
//! 0.19-0.34 s, about 0.19 s of CPU per load (perf stat); the csv+float baseline
//! on the same bytes 0.17-0.20 s; gzip end to end 0.50-0.69 s; peak heap 2.4x the
//! file size (tests/ingest_memory.rs).

use engine::ingest::{load, IngestOptions, InputFile};
use std::io::Read;
use std::path::PathBuf;
use std::sync::OnceLock;

fn data_dir() -> PathBuf {
    match std::env::var_os("INDEXLAB_DATA") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

fn gz() -> &'static [u8] {
    static GZ: OnceLock<Vec<u8>> = OnceLock::new();
    GZ.get_or_init(|| {
        let p = data_dir().join("coingecko-top150-2017-2021.csv.gz");
        std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read {}: {e} (set INDEXLAB_DATA)", p.display()))
    })
}

fn csv() -> &'static [u8] {
    static CSV: OnceLock<Vec<u8>> = OnceLock::new();
    CSV.get_or_init(|| {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(gz()).read_to_end(&mut out).expect("gunzip");
        out
    })
}

fn main() {
    divan::main();
}

/// Bytes of the unpacked long CSV to a validated panel (decompression not timed).
#[divan::bench(sample_count = 20)]
fn long_csv_39mb(bencher: divan::Bencher) {
    let bytes = csv();
    bencher.counter(divan::counter::BytesCount::new(bytes.len())).bench(|| {
        let files = [InputFile::new("coingecko-top150-2017-2021.csv", bytes)];
        load(&files, &IngestOptions::default()).expect("loads")
    });
}

/// The pegged/copy detection alone on the loaded 797-coin panel (it runs
/// inside every load above; BENCHMARKS.md compares the two).
#[divan::bench(sample_count = 20)]
fn pegged_detection_797_coins(bencher: divan::Bencher) {
    let files = [InputFile::new("coingecko-top150-2017-2021.csv", csv())];
    let panel = load(&files, &IngestOptions::default()).expect("loads").panel;
    bencher.bench(|| engine::pegged::detect(&panel));
}

/// Floor for comparison: the csv crate reading the same bytes as `ByteRecord`s
/// and `str::parse::<f64>` on the two numeric fields, nothing else.
#[divan::bench(sample_count = 20)]
fn baseline_csv_records_and_two_floats(bencher: divan::Bencher) {
    let bytes = csv();
    bencher.counter(divan::counter::BytesCount::new(bytes.len())).bench(|| {
        let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(bytes);
        let mut rec = csv::ByteRecord::new();
        let mut acc = 0.0;
        while rdr.read_byte_record(&mut rec).expect("csv") {
            for i in [2, 3] {
                if let Some(v) = std::str::from_utf8(&rec[i]).ok().and_then(|s| s.parse::<f64>().ok()) {
                    acc += v;
                }
            }
        }
        acc
    });
}

/// The same file gzip-compressed, end to end (decompression included).
#[divan::bench(sample_count = 10)]
fn long_csv_gz_end_to_end(bencher: divan::Bencher) {
    let bytes = gz();
    bencher.bench(|| {
        let files = [InputFile::new("coingecko-top150-2017-2021.csv.gz", bytes)];
        load(&files, &IngestOptions::default()).expect("loads")
    });
}

/// The 19 CoinGecko exports loaded together.
#[divan::bench(sample_count = 20)]
fn coingecko_exports_19(bencher: divan::Bencher) {
    let dir = data_dir().join("coingecko-exports-19");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".csv"))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read")))
        .collect();
    files.sort();
    bencher.bench(|| {
        let inputs: Vec<InputFile> = files.iter().map(|(n, b)| InputFile::new(n.clone(), b)).collect();
        load(&inputs, &IngestOptions::default()).expect("loads")
    });
}
