//! The real data in the shared data directory (never copied into the
//! repository): `../../../shared/data` from this crate, or `$INDEXLAB_DATA`.
//! A missing directory fails the tests with a clear message; CI has it.

use std::path::PathBuf;

pub fn data_dir() -> PathBuf {
    let dir = match std::env::var_os("INDEXLAB_DATA") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    };
    assert!(
        dir.join("README.md").is_file(),
        "real test data not found at {}: put the shared data directory there or set INDEXLAB_DATA",
        dir.display()
    );
    dir
}

/// The `.csv` files of a sub-directory, sorted by name, with their bytes.
pub fn read_dir(sub: &str) -> Vec<(String, Vec<u8>)> {
    let dir = data_dir().join(sub);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry"))
        .filter(|e| e.file_name().to_string_lossy().ends_with(".csv"))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read")))
        .collect();
    files.sort();
    files
}
