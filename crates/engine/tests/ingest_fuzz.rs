//! Property tests: no input makes the loader panic, and successful loads
//! always give a panel consistent with its report.

use engine::ingest::{load, IngestOptions, InputFile};
use proptest::prelude::*;
use std::path::PathBuf;

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/ingest/good");
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("good fixtures")
        .map(|e| e.expect("entry"))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read")))
        .collect();
    v.sort();
    v
}

fn check(name: &str, bytes: &[u8], repair: bool) {
    let opts = IngestOptions { repair_spikes: repair, max_bytes: 1 << 20, ..Default::default() };
    if let Ok(l) = load(&[InputFile::new(name, bytes)], &opts) {
        let p = &l.panel;
        assert_eq!(l.report.assets.len(), p.n_assets());
        assert_eq!(l.report.n_days, p.n_days());
        for (a, info) in l.report.assets.iter().zip(p.assets()) {
            assert_eq!(a.id, info.id);
            assert_eq!(a.first_date, p.dates()[info.first]);
            assert_eq!(a.last_date, p.dates()[info.last]);
            assert!(a.days <= a.rows);
        }
        assert!(p.prices().iter().all(|v| v.is_nan() || (v.is_finite() && *v > 0.0)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), gz in any::<bool>()) {
        let name = if gz { "x.csv.gz" } else { "x.csv" };
        check(name, &bytes, false);
        // Also behind a gzip header.
        let mut framed = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
        framed.extend_from_slice(&bytes);
        check(name, &framed, false);
    }

    #[test]
    fn mutated_fixtures_never_panic(
        which in 0usize..64,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..8),
        repair in any::<bool>(),
    ) {
        let all = fixtures();
        let (name, mut bytes) = all[which % all.len()].clone();
        for (at, byte, op) in edits {
            if bytes.is_empty() {
                bytes.push(byte);
                continue;
            }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, [b',', b';', b'\t', b'\n', b'"', b'-', b'.', b'0'][byte as usize % 8]),
                2 => { bytes.remove(i); }
                _ => bytes.truncate(i),
            }
        }
        check(&name, &bytes, repair);
    }
}

#[test]
fn every_fixture_prefix_never_panics() {
    for (name, bytes) in fixtures() {
        for cut in 0..=bytes.len() {
            check(&name, &bytes[..cut], true);
        }
    }
}
