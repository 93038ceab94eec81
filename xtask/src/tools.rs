//! Idempotent installation of the tools the build and tests need.
//!
//! Every tool is keyed to a pinned version and skipped when already present,
//! so a second run installs nothing. Everything comes from the package
//! registries (crates.io, npm, Debian); nothing is downloaded from elsewhere.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Trunk's pinned version (0.22 needs a newer rustc than this machine has).
pub const TRUNK_VERSION: &str = "0.21.14";

/// The environment the build and test commands run in.
pub struct Env {
    path: OsString,
}

impl Env {
    /// A command with the tools' PATH (npm's `.bin` first, for wasm-opt) and
    /// the browser-test settings.
    pub fn command(&self, program: &str, dir: &Path) -> Command {
        let mut c = Command::new(program);
        c.current_dir(dir).env("PATH", &self.path).env("CHROMEDRIVER", "/usr/bin/chromedriver");
        c.env("WASM_BINDGEN_TEST_TIMEOUT", "180");
        c
    }
}

/// Installs whatever is missing; `browser` adds Chromium and ChromeDriver.
pub fn ensure_all(root: &Path, browser: bool) -> Result<Env, String> {
    let npm_bin = root.join("e2e/node_modules/.bin");
    let cargo_bin = cargo_home().join("bin");
    let mut paths = vec![npm_bin, cargo_bin];
    paths.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    let path = std::env::join_paths(paths).map_err(|e| e.to_string())?;
    let env = Env { path };

    ensure_wasm_target(&env, root)?;
    ensure_npm_packages(&env, root)?;
    ensure_cargo_tool(&env, root, "trunk", "trunk", TRUNK_VERSION, true)?;
    let wbg = wasm_bindgen_version(root)?;
    ensure_cargo_tool(&env, root, "wasm-bindgen", "wasm-bindgen-cli", &wbg, false)?;
    if browser {
        ensure_chromium()?;
    }
    // Trunk builds with `--offline` (Trunk.toml), so every crate, including the
    // wasm-only ones, must be in the local registry cache first.
    run(env.command("cargo", root).args(["fetch", "--quiet"]), "fetching crates (cargo fetch)")?;
    Ok(env)
}

fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo"))
}

fn output_of(env: &Env, program: &str, args: &[&str], dir: &Path) -> Option<String> {
    let out = env.command(program, dir).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn run(cmd: &mut Command, what: &str) -> Result<(), String> {
    println!("xtask: {what}");
    let status = cmd.status().map_err(|e| format!("{what}: could not start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

fn ensure_wasm_target(env: &Env, root: &Path) -> Result<(), String> {
    let installed = output_of(env, "rustup", &["target", "list", "--installed"], root).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    run(env.command("rustup", root).args(["target", "add", "wasm32-unknown-unknown"]), "adding the wasm32 target")
}

/// `cargo install` of a pinned tool unless `binary --version` already prints it.
fn ensure_cargo_tool(
    env: &Env,
    root: &Path,
    binary: &str,
    krate: &str,
    version: &str,
    locked: bool,
) -> Result<(), String> {
    if let Some(v) = output_of(env, binary, &["--version"], root) {
        if v.split_whitespace().any(|w| w.trim_start_matches('v') == version) {
            return Ok(());
        }
    }
    let mut cmd = env.command("cargo", root);
    cmd.args(["install", krate, "--version", version, "--force"]);
    if locked {
        cmd.arg("--locked");
    }
    // A tool build needs neither LTO nor a single codegen unit; this halves the time.
    cmd.env("CARGO_PROFILE_RELEASE_LTO", "off").env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
    run(&mut cmd, &format!("installing {krate} {version} (first run only; several minutes)"))
}

/// The `wasm-bindgen` version in Cargo.lock: the CLI must match it exactly.
fn wasm_bindgen_version(root: &Path) -> Result<String, String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("reading Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|v| v.trim().strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".into())
}

/// `npm ci` in e2e/ when node_modules is missing or older than the lockfile
/// (Playwright's driver and the pinned binaryen that provides wasm-opt).
fn ensure_npm_packages(env: &Env, root: &Path) -> Result<(), String> {
    let dir = root.join("e2e");
    let lock =
        std::fs::read(dir.join("package-lock.json")).map_err(|e| format!("reading e2e/package-lock.json: {e}"))?;
    let stamp_path = dir.join("node_modules/.indexlab-lock-stamp");
    let stamp = format!("{:016x}", fnv1a(&lock));
    if std::fs::read_to_string(&stamp_path).ok().as_deref() == Some(stamp.as_str()) {
        return Ok(());
    }
    run(env.command("npm", &dir).args(["ci", "--no-audit", "--no-fund"]), "installing npm packages (e2e/)")?;
    std::fs::write(&stamp_path, stamp).map_err(|e| e.to_string())
}

fn ensure_chromium() -> Result<(), String> {
    if Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    let sudo = !is_root();
    let apt = |args: &[&str]| {
        let mut c = if sudo { Command::new("sudo") } else { Command::new("apt-get") };
        if sudo {
            c.arg("apt-get");
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    run(&mut apt(&["update"]), "apt-get update")?;
    run(
        &mut apt(&["install", "-y", "--no-install-recommends", "chromium", "chromium-driver"]),
        "installing Debian's chromium and chromium-driver",
    )
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// FNV-1a, to notice a changed lockfile without a hashing dependency.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
