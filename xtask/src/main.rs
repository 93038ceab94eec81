//! IndexLab's build and test automation (the `cargo xtask` pattern).
//!
//! - `cargo xtask serve`: installs what is missing, builds the app and serves it
//!   at http://127.0.0.1:8080.
//! - `cargo xtask test`: installs what is missing and runs every check: fmt,
//!   clippy, native tests, browser (wasm-bindgen-test) tests, a release Trunk
//!   build and the end-to-end tests in headless Chromium (the native tests
//!   replay the fuzz corpus and regressions). Ends with one `N passed,
//!   N failed` line and a non-zero exit code on any failure.
//! - `cargo xtask bench [--skip-native] [--skip-page]`: runs the native
//!   benchmarks and the in-browser timings and writes them into BENCHMARKS.md
//!   (see `bench.rs`).
//! - `cargo xtask fuzz`: a few seconds of each cargo-fuzz target (needs
//!   `cargo +nightly fuzz`; see ROBUSTNESS.md).
//!
//! Dependencies are few (serde_json and the engine, for the benchmark report), so this compiles quickly.

mod bench;
mod targets;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = repo_root();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&root),
        Some("test") => test(&root),
        Some("bench") => bench::run(&root, &args[1..]),
        Some("install") => tools::ensure_all(&root, true).map(|_| ()),
        Some("fuzz") => tools::ensure_all(&root, false).and_then(|env| match fuzz_smoke(&root, &env).failed {
            0 => Ok(()),
            n => Err(format!("{n} fuzz target(s) failed")),
        }),
        _ => {
            eprintln!("usage: cargo xtask <serve|test|bench [--skip-native] [--skip-page]|install|fuzz>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's directory.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives inside the workspace").to_path_buf()
}

fn serve(root: &Path) -> Result<(), String> {
    let env = tools::ensure_all(root, false)?;
    println!("\nIndexLab: building the app (release) and serving it at http://127.0.0.1:8080");
    println!("Open http://127.0.0.1:8080 in a browser; press Ctrl+C to stop.\n");
    let status = env
        .command("trunk", root)
        .args(["serve", "--release", "--address", "127.0.0.1", "--port", "8080", "--open=false"])
        .status()
        .map_err(|e| format!("could not start trunk: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("trunk serve exited with {status}"))
    }
}

/// One step of the test run and how many tests or checks it passed and failed.
struct StepResult {
    name: &'static str,
    passed: usize,
    failed: usize,
    seconds: f64,
}

fn test(root: &Path) -> Result<(), String> {
    let env = tools::ensure_all(root, true)?;
    let mut results: Vec<StepResult> = Vec::new();

    let mut step = |name: &'static str, cmd: &mut Command, kind: Counting| {
        println!("\n=== {name}: {}", describe(cmd));
        let start = Instant::now();
        let (ok, output) = run_tee(cmd);
        let (mut passed, mut failed) = match kind {
            Counting::Check => (usize::from(ok), usize::from(!ok)),
            Counting::CargoTest => count_cargo_tests(&output),
            Counting::NodeTest => count_node_tests(&output),
        };
        if !ok && failed == 0 {
            // The runner failed without reporting a failed test (for example a
            // compile error): count the step itself as one failure.
            failed = 1;
        }
        if ok && passed == 0 && failed == 0 {
            passed = 1;
        }
        results.push(StepResult { name, passed, failed, seconds: start.elapsed().as_secs_f64() });
        ok
    };

    step("rustfmt", env.command("cargo", root).args(["fmt", "--all", "--check"]), Counting::Check);
    step(
        "clippy",
        env.command("cargo", root).args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
        Counting::Check,
    );
    step(
        "clippy (wasm32)",
        env.command("cargo", root).args([
            "clippy",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "indexlab",
            "-p",
            "engine",
            "-p",
            "charts",
            "--",
            "-D",
            "warnings",
        ]),
        Counting::Check,
    );
    step("native tests", env.command("cargo", root).args(["test", "--workspace"]), Counting::CargoTest);
    step(
        "browser tests (wasm-bindgen-test in headless Chromium)",
        env.command("cargo", root).args(["test", "--target", "wasm32-unknown-unknown", "-p", "indexlab"]),
        Counting::CargoTest,
    );
    let built = step("release build (trunk)", env.command("trunk", root).args(["build", "--release"]), Counting::Check);
    if built {
        let files = e2e_test_files(root)?;
        step(
            "end-to-end tests (Playwright + headless Chromium)",
            env.command("node", &root.join("e2e")).args(["--test", "--test-concurrency=1"]).args(&files),
            Counting::NodeTest,
        );
    } else {
        results.push(StepResult { name: "end-to-end tests (skipped: no build)", passed: 0, failed: 1, seconds: 0.0 });
    }

    println!("\n=== summary");
    for r in &results {
        println!("{:>5} passed {:>3} failed  {:>6.1}s  {}", r.passed, r.failed, r.seconds, r.name);
    }
    let passed: usize = results.iter().map(|r| r.passed).sum();
    let failed: usize = results.iter().map(|r| r.failed).sum();
    println!("\n{passed} passed, {failed} failed");
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} failed"))
    }
}

/// Seconds each fuzz target runs in the smoke pass.
const FUZZ_SMOKE_SECONDS: u32 = 3;

/// `cargo xtask fuzz`: a few seconds of every cargo-fuzz target (fuzz/), when
/// `cargo +nightly fuzz` is available; skipped (0 passed, 0 failed)
/// otherwise. Not part of `cargo xtask test`, whose result must not depend on
/// what a random search happens to reach in a few seconds. The committed
/// corpus is replayed on stable by `crates/fuzzing/tests/replay.rs` in the
/// native tests either way. New inputs go to `target/fuzz-smoke/`, so the
/// committed corpus is never modified.
fn fuzz_smoke(root: &Path, env: &tools::Env) -> StepResult {
    let start = Instant::now();
    let mut result = StepResult { name: "fuzz smoke (cargo +nightly fuzz)", passed: 0, failed: 0, seconds: 0.0 };
    let available = env
        .command("cargo", root)
        .args(["+nightly", "fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !available {
        println!("\n=== fuzz smoke: skipped (no nightly toolchain with cargo-fuzz; the corpus replay ran in the native tests)");
        result.name = "fuzz smoke (skipped: no cargo +nightly fuzz)";
        return result;
    }
    // The same flags for build and run, so each run reuses the build.
    let flags = ["--fuzz-dir", "fuzz", "-O", "-a", "-s", "none"];
    println!("\n=== fuzz smoke: {FUZZ_SMOKE_SECONDS} s per target");
    let (built, _) = run_tee(env.command("cargo", root).args(["+nightly", "fuzz", "build"]).args(flags));
    if !built {
        result.failed = 1;
        result.seconds = start.elapsed().as_secs_f64();
        return result;
    }
    let targets = std::fs::read_dir(root.join("fuzz/fuzz_targets"))
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut targets: Vec<String> = targets.iter().filter_map(|n| n.strip_suffix(".rs").map(String::from)).collect();
    targets.sort();
    for t in &targets {
        let scratch = root.join("target/fuzz-smoke").join(t);
        let artifacts = scratch.join("artifacts");
        let _ = std::fs::create_dir_all(scratch.join("corpus"));
        let _ = std::fs::create_dir_all(&artifacts);
        let output = env
            .command("cargo", root)
            .args(["+nightly", "fuzz", "run"])
            .args(flags)
            .arg(t)
            .arg(scratch.join("corpus"))
            .arg(root.join("fuzz/corpus").join(t))
            .arg("--")
            .arg(format!("-max_total_time={FUZZ_SMOKE_SECONDS}"))
            .args(["-timeout=10", "-max_len=4096", "-print_final_stats=1"])
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .output();
        let (ok, log) = match output {
            Ok(o) => (o.status.success(), String::from_utf8_lossy(&o.stderr).into_owned()),
            Err(e) => (false, e.to_string()),
        };
        let runs = log.lines().find_map(|l| l.strip_prefix("stat::number_of_executed_units:")).map(str::trim);
        if ok {
            result.passed += 1;
            println!("fuzz {t}: ok, {} runs", runs.unwrap_or("?"));
        } else {
            result.failed += 1;
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            println!("fuzz {t}: FAILED (inputs in {})", artifacts.display());
            for line in tail.iter().rev() {
                println!("  {line}");
            }
        }
    }
    result.seconds = start.elapsed().as_secs_f64();
    result
}

/// The end-to-end test files, `e2e/tests/*.test.mjs`, relative to `e2e/`.
fn e2e_test_files(root: &Path) -> Result<Vec<String>, String> {
    let dir = root.join("e2e/tests");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("reading {}: {e}", dir.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".test.mjs"))
        .map(|n| format!("tests/{n}"))
        .collect();
    files.sort();
    Ok(files)
}

enum Counting {
    /// A pass/fail check such as fmt or a build.
    Check,
    /// Sum `test result: ... N passed; M failed` lines.
    CargoTest,
    /// Node's test runner summary (`# pass N`, `# fail M`).
    NodeTest,
}

fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs a command, echoing its output, and returns (success, stdout+stderr).
fn run_tee(cmd: &mut Command) -> (bool, String) {
    use std::io::{BufRead, BufReader};
    let child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            eprintln!("could not start {}: {e}", describe(cmd));
            return (false, String::new());
        }
    };
    let stderr = child.stderr.take().expect("piped stderr");
    let err_thread = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("{line}");
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let mut out = String::new();
    for line in BufReader::new(child.stdout.take().expect("piped stdout")).lines().map_while(Result::ok) {
        println!("{line}");
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&err_thread.join().unwrap_or_default());
    let ok = child.wait().map(|s| s.success()).unwrap_or(false);
    (ok, out)
}

fn count_cargo_tests(output: &str) -> (usize, usize) {
    let (mut passed, mut failed) = (0, 0);
    for line in output.lines().filter(|l| l.trim_start().starts_with("test result:")) {
        passed += number_before(line, " passed");
        failed += number_before(line, " failed");
    }
    (passed, failed)
}

fn count_node_tests(output: &str) -> (usize, usize) {
    let get = |key: &str| {
        output
            .lines()
            .filter_map(|l| l.trim().strip_prefix(key))
            .filter_map(|rest| rest.trim().parse::<usize>().ok())
            .next_back()
            .unwrap_or(0)
    };
    (get("# pass"), get("# fail"))
}

/// The integer right before `word` in `line` (`"3 passed"` -> 3).
fn number_before(line: &str, word: &str) -> usize {
    line.find(word)
        .and_then(|i| line[..i].rsplit(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cargo_and_node_summaries() {
        let out = "test result: ok. 12 passed; 0 failed; 0 ignored\nfoo\ntest result: FAILED. 3 passed; 2 failed;\n";
        assert_eq!(count_cargo_tests(out), (15, 2));
        let node = "# tests 4\n# pass 3\n# fail 1\n";
        assert_eq!(count_node_tests(node), (3, 1));
    }
}
