//! Stable replay of the fuzz corpus: every target body of the `fuzzing` crate
//! runs over every committed corpus file (`fuzz/corpus/<target>/`) and every
//! minimized finding (`fuzz/regressions/<target>/`). No nightly needed; this
//! is what `cargo test` (and so `cargo xtask test`) runs for the fuzzers.

use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The files of `dir`, sorted; empty when it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut v: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect();
    v.sort();
    v
}

/// Runs `target` over every file of `dir`; a panic names the file.
fn replay(target: &fuzzing::Target, dir: &Path) -> usize {
    let inputs = files(dir);
    for path in &inputs {
        let data = std::fs::read(path).expect("readable corpus file");
        let outcome = std::panic::catch_unwind(|| (target.run)(&data));
        assert!(outcome.is_ok(), "{} panicked on {}", target.name, path.display());
    }
    inputs.len()
}

#[test]
fn every_target_has_a_corpus_and_replays_it() {
    let mut total = 0;
    for t in fuzzing::TARGETS {
        let n = replay(t, &fuzz_dir().join("corpus").join(t.name));
        assert!(n > 0, "fuzz/corpus/{} is empty", t.name);
        total += n;
    }
    println!("replayed {total} corpus inputs over {} targets", fuzzing::TARGETS.len());
}

#[test]
fn every_regression_replays() {
    let dir = fuzz_dir().join("regressions");
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    for e in entries.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().into_owned();
        if !e.path().is_dir() {
            continue;
        }
        let target = fuzzing::target(&name).unwrap_or_else(|| panic!("fuzz/regressions/{name}: no such target"));
        replay(target, &e.path());
    }
}

/// Every libFuzzer target file calls the body of the same name, and every
/// body has a target file, so the two lists cannot drift apart.
#[test]
fn fuzz_targets_match_the_bodies() {
    let dir = fuzz_dir().join("fuzz_targets");
    let mut on_disk: Vec<String> =
        files(&dir).iter().filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned())).collect();
    on_disk.sort();
    let mut names: Vec<String> = fuzzing::TARGETS.iter().map(|t| t.name.to_string()).collect();
    names.sort();
    assert_eq!(on_disk, names);
    for t in fuzzing::TARGETS {
        let src = std::fs::read_to_string(dir.join(format!("{}.rs", t.name))).expect("target file");
        assert!(src.contains(&format!("fuzzing::{}(", t.name)), "{}.rs does not call fuzzing::{}", t.name, t.name);
    }
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    for t in fuzzing::TARGETS {
        assert!(manifest.contains(&format!("name = \"{}\"", t.name)), "fuzz/Cargo.toml lacks [[bin]] {}", t.name);
    }
}
