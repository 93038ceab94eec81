//! Helpers shared by the CLI's integration tests: run the built binary, find
//! the shared real data, make scratch directories.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn json(&self) -> serde_json::Value {
        assert_eq!(self.code, 0, "exit code {}; stderr: {}", self.code, self.stderr);
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", &self.stdout[..self.stdout.len().min(500)]))
    }
}

pub fn run<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_indexlab-cli")).args(args).output().expect("the binary runs");
    Output {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

/// `$INDEXLAB_DATA`, or `../shared/data` next to the repository.
pub fn data_dir() -> PathBuf {
    let dir = match std::env::var_os("INDEXLAB_DATA") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    };
    assert!(
        dir.is_dir(),
        "the real-data directory {} is missing: set INDEXLAB_DATA to the shared data directory \
         (the one holding coingecko-exports-19/ and coingecko-top150-2017-2021.csv.gz)",
        dir.display()
    );
    dir
}

pub fn data_file(rel: &str) -> PathBuf {
    let p = data_dir().join(rel);
    assert!(p.exists(), "missing data file {}: is INDEXLAB_DATA complete?", p.display());
    p
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("indexlab-cli-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create scratch dir");
    d
}

/// Parses a CSV written by the CLI (fields quoted with `"` when needed).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|line| {
            let mut fields = Vec::new();
            let mut cur = String::new();
            let mut quoted = false;
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match (c, quoted) {
                    ('"', true) if chars.peek() == Some(&'"') => {
                        cur.push('"');
                        chars.next();
                    }
                    ('"', _) => quoted = !quoted,
                    (',', false) => fields.push(std::mem::take(&mut cur)),
                    _ => cur.push(c),
                }
            }
            fields.push(cur);
            fields
        })
        .collect()
}
