//! `cargo xtask bench`: the native benchmarks (divan), a release build, the
//! in-browser timings (`e2e/bench/page.mjs`), and BENCHMARKS.md updated with
//! the numbers.
//!
//! The native output is captured (and echoed), saved to
//! `target/bench/native.txt` and parsed: divan has no machine-readable
//! output, so [`parse_divan`] reads its table. The page writes
//! `target/bench/page.json`, read with serde_json into [`Json`] (fields in
//! the file's order). The part of BENCHMARKS.md between [`BEGIN`] and
//! [`END`] is then replaced by [`render`]: native and page side by side ([`PAIRS`]), then every native
//! and every page measurement, with the machine, the date and the command.
//! Text outside the markers (the analysis) is left alone.
//!
//! Flags: `--skip-native` reuses the last `target/bench/native.txt`,
//! `--skip-page` the last `target/bench/page.json` (no release build); the
//! section says when each was measured.

use std::fmt;
use std::path::Path;

use engine::Date;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::tools;

/// Markers of the generated part of BENCHMARKS.md.
pub const BEGIN: &str = "<!-- bench:begin -->";
pub const END: &str = "<!-- bench:end -->";

/// First line of `target/bench/native.txt`: the load average before the run.
const LOAD_PREFIX: &str = "xtask: load average before the native run: ";

/// One divan benchmark: its path (`simulate/equal_monthly_10bps/100x2190`)
/// and times in milliseconds.
#[derive(Clone, Debug, PartialEq)]
pub struct Native {
    pub path: String,
    pub fastest_ms: f64,
    pub median_ms: f64,
    pub samples: usize,
}

/// One page measurement (`{runs, median_ms, p95_ms, min_ms, max_ms}` in
/// page.json), its key path joined by `.`.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    pub key: String,
    pub runs: Option<usize>,
    pub median_ms: f64,
    pub p95_ms: Option<f64>,
    pub min_ms: Option<f64>,
    pub max_ms: Option<f64>,
}

/// What the page bench reported: its measurements, its date and machine
/// line, and its text notes (string values).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageReport {
    pub date: Option<String>,
    pub machine: Option<String>,
    pub measures: Vec<Page>,
    pub notes: Vec<(String, String)>,
}

/// A target a paired row is checked against.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Target {
    None,
    /// Page median at most this many times the native median.
    WithinNative(f64),
    /// Page median at most this many milliseconds.
    MedianAtMost(f64),
    /// Page p95 at most this many milliseconds.
    P95AtMost(f64),
}

/// A row of the side-by-side table: a native bench path and a page key
/// (either may be empty) measuring the same thing.
#[derive(Clone, Copy, Debug)]
pub struct Pair {
    pub label: &'static str,
    pub native: &'static str,
    pub page: &'static str,
    pub target: Target,
}

/// The side-by-side rows. The page keys are what `e2e/bench/page.mjs`
/// writes; a key it does not write shows as "not measured".
pub const PAIRS: &[Pair] = &[
    Pair {
        label: "One simulation, 100 x 2,190 (equal weight, monthly, 10 bp)",
        native: "simulate/equal_monthly_10bps/100x2190",
        page: "simulate_100x2190",
        target: Target::WithinNative(2.0),
    },
    Pair {
        label: "One simulation, 500 x 3,650",
        native: "simulate/equal_monthly_10bps/500x3650",
        page: "simulate_500x3650",
        target: Target::WithinNative(2.0),
    },
    Pair {
        label: "1,000-configuration sweep, 100 x 2,190 (native: 1 thread; page: worker pool)",
        native: "sweep/sweep_1000_cells_100x2190",
        page: "sweep_1000",
        target: Target::MedianAtMost(1000.0),
    },
    Pair {
        label: "39 MB CSV -> validated panel",
        native: "ingest/long_csv_39mb",
        page: "ingest_csv_39mb_parse_and_check",
        target: Target::MedianAtMost(600.0),
    },
    Pair {
        label: "The same from the .gz",
        native: "ingest/long_csv_gz_end_to_end",
        page: "ingest_gz_parse_and_check",
        target: Target::None,
    },
    Pair {
        label: "Longest main-thread task while the 39 MB CSV loads (parsed in a worker)",
        native: "",
        page: "ingest_csv_39mb_longest_main_thread_task",
        target: Target::MedianAtMost(50.0),
    },
    Pair {
        label: "Parameter change: every strategy re-simulated, every chart redrawn",
        native: "",
        page: "parameter_change_redraw",
        target: Target::P95AtMost(50.0),
    },
    Pair {
        label: "First chart visible after navigation",
        native: "",
        page: "first_chart_visible",
        target: Target::MedianAtMost(1000.0),
    },
];

/// The host's target triple, from `rustc -vV`.
fn host_triple() -> Result<String, String> {
    let out = std::process::Command::new("rustc").arg("-vV").output().map_err(|e| format!("rustc -vV: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(|h| h.trim().to_string())
        .ok_or_else(|| "rustc -vV names no host".to_string())
}

/// Runs the benchmarks and updates BENCHMARKS.md (see the module docs).
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let skip_native = args.iter().any(|a| a == "--skip-native");
    let skip_page = args.iter().any(|a| a == "--skip-page");
    if let Some(bad) = args.iter().find(|a| *a != "--skip-native" && *a != "--skip-page") {
        return Err(format!("unknown bench option {bad} (options: --skip-native, --skip-page)"));
    }
    let env = tools::ensure_all(root, !skip_page)?;
    let out_dir = root.join("target/bench");
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("creating {}: {e}", out_dir.display()))?;
    let native_file = out_dir.join("native.txt");
    let page_file = out_dir.join("page.json");

    if !skip_native {
        let mut cmd = env.command("cargo", root);
        // As shipped: the CLI and the page are built with `panic = "abort"`,
        // which Cargo never applies to benchmarks (it forces unwinding on
        // them and their dependencies). Unwinding's landing pads cost the
        // simulation's loops up to a third (equal weight daily 4.3 against
        // 3.3 ms), so the flag is passed to rustc directly, with the host
        // named as the target so that it reaches no build script or macro.
        let host = host_triple()?;
        // The bench targets only: the library's own test harness cannot be
        // built with `panic=abort` on stable.
        cmd.args(["bench", "-p", "engine", "--bench", "*", "--target", &host]);
        let flags = std::env::var("RUSTFLAGS").unwrap_or_default();
        cmd.env("RUSTFLAGS", format!("{flags} -C panic=abort").trim_start());
        println!("\n=== native benchmarks: {}", super::describe(&cmd));
        // Other work on the machine slows every number: note how busy it was.
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        let load: Vec<&str> = load.split_whitespace().take(3).collect();
        let (ok, output) = super::run_tee(&mut cmd);
        if !ok {
            return Err("cargo bench -p engine failed".into());
        }
        let output = format!("{LOAD_PREFIX}{}\n{output}", load.join(" "));
        std::fs::write(&native_file, &output).map_err(|e| format!("writing {}: {e}", native_file.display()))?;
    }
    let mut page_error = None;
    if !skip_page {
        let steps: [(&str, &[&str], &Path); 2] =
            [("trunk", &["build", "--release"], root), ("node", &["bench/page.mjs"], &root.join("e2e"))];
        for (program, args, dir) in steps {
            println!("\n=== {program} {}", args.join(" "));
            let status = env.command(program, dir).args(args).status().map_err(|e| format!("{program}: {e}"))?;
            if !status.success() {
                page_error = Some(format!("{program} {} failed", args.join(" ")));
                break;
            }
        }
    }

    let native_text = std::fs::read_to_string(&native_file)
        .map_err(|e| format!("no native results ({}: {e}); run without --skip-native", native_file.display()))?;
    let native = parse_divan(&native_text);
    if native.is_empty() {
        return Err(format!("no divan results found in {}", native_file.display()));
    }
    let page = match (&page_error, std::fs::read_to_string(&page_file)) {
        (None, Ok(text)) => Some(parse_page(&text).map_err(|e| format!("{}: {e}", page_file.display()))?),
        _ => None,
    };
    let mut command = "cargo xtask bench".to_string();
    for a in args {
        command.push(' ');
        command.push_str(a);
    }
    let context = Context {
        machine: machine(),
        browser: browser_version(),
        date: today(),
        native_date: modified_date(&native_file),
        native_load: native_text.lines().find_map(|l| l.strip_prefix(LOAD_PREFIX)).map(str::to_string),
        native_reused: skip_native,
        page_reused: skip_page,
        command,
    };
    let section = render(&native, page.as_ref(), &context);
    let doc_path = root.join("BENCHMARKS.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap_or_else(|_| "# Benchmarks\n".to_string());
    let updated = replace_section(&doc, &section);
    std::fs::write(&doc_path, updated).map_err(|e| format!("writing {}: {e}", doc_path.display()))?;
    println!("\nBENCHMARKS.md updated ({} native results, {} page results)", native.len(), {
        page.as_ref().map_or(0, |p| p.measures.len())
    });
    match page_error {
        Some(e) => Err(format!("{e}; BENCHMARKS.md has the native numbers only")),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------------------
// divan's table
// ---------------------------------------------------------------------------

/// A time as divan prints it (`309.8 µs`, `1.003 s`), in milliseconds.
pub fn parse_time(s: &str) -> Option<f64> {
    let mut parts = s.split_whitespace();
    let value: f64 = parts.next()?.parse().ok()?;
    let scale = match parts.next()? {
        "ps" => 1e-9,
        "ns" => 1e-6,
        "µs" | "us" => 1e-3,
        "ms" => 1.0,
        "s" => 1e3,
        _ => return None,
    };
    parts.next().is_none().then_some(value * scale)
}

/// Every benchmark in divan's output (several benches' tables, other lines
/// ignored). Each table starts with a header row `<bench>  fastest │ slowest
/// │ median │ mean │ samples │ iters`; rows are a tree (`├─ `, `╰─ `, with
/// `│  ` or three spaces per level above). Group rows (no times) give path
/// components; counter rows (throughput, no name) are skipped.
pub fn parse_divan(output: &str) -> Vec<Native> {
    let mut out = Vec::new();
    let mut bench: Option<String> = None;
    let mut stack: Vec<String> = Vec::new();
    for line in output.lines() {
        let columns: Vec<&str> = line.split('│').collect();
        if line.contains("fastest") && line.contains("median") && columns.len() >= 6 {
            bench = line.split_whitespace().next().map(str::to_string);
            stack.clear();
            continue;
        }
        let Some(bench) = &bench else { continue };
        if columns.len() < 6 {
            continue;
        }
        // The tree prefix: three characters per level, the last one a branch.
        let chars: Vec<char> = line.chars().collect();
        let mut depth = 0;
        let mut branch = false;
        while chars.len() >= 3 * depth + 3 {
            let unit: String = chars[3 * depth..3 * depth + 3].iter().collect();
            match unit.as_str() {
                "├─ " | "╰─ " => {
                    branch = true;
                    break;
                }
                "│  " | "   " => depth += 1,
                _ => break,
            }
        }
        if !branch {
            continue; // a counter row or something else
        }
        // The columns after the prefix (which has `│` of its own).
        let rest: String = chars[3 * depth + 3..].iter().collect();
        let columns: Vec<&str> = rest.split('│').collect();
        let first = columns[0].trim_end();
        let tokens: Vec<&str> = first.split_whitespace().collect();
        let time = (tokens.len() >= 3).then(|| parse_time(&tokens[tokens.len() - 2..].join(" "))).flatten();
        let name = match time {
            Some(_) => tokens[..tokens.len() - 2].join(" "),
            None => tokens.join(" "),
        };
        stack.truncate(depth);
        stack.push(name);
        if let (Some(fastest_ms), true) = (time, columns.len() >= 6) {
            let median_ms = parse_time(columns[2].trim());
            let samples = columns[4].trim().parse().ok();
            if let (Some(median_ms), Some(samples)) = (median_ms, samples) {
                out.push(Native { path: format!("{bench}/{}", stack.join("/")), fastest_ms, median_ms, samples });
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// page.json
// ---------------------------------------------------------------------------

/// A JSON value with its object fields in the file's order (the tables list
/// page.json's measurements and notes in the order the page bench wrote
/// them; `serde_json::Value` would sort them).
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn num(&self, key: &str) -> Option<f64> {
        match self.get(key)? {
            Json::Num(n) => Some(*n),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
        struct JsonVisitor;

        impl<'de> Visitor<'de> for JsonVisitor {
            type Value = Json;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
                Ok(Json::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
                Ok(Json::Num(n as f64))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
                Ok(Json::Num(n as f64))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Json, E> {
                Ok(Json::Num(n))
            }
            fn visit_str<E>(self, s: &str) -> Result<Json, E> {
                Ok(Json::Str(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<Json, E> {
                Ok(Json::Str(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Json::Arr(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut fields = Vec::new();
                while let Some(field) = map.next_entry()? {
                    fields.push(field);
                }
                Ok(Json::Obj(fields))
            }
        }

        deserializer.deserialize_any(JsonVisitor)
    }
}

/// Parses a JSON text (serde_json), keeping the order of object fields.
pub fn parse_json(text: &str) -> Result<Json, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// The page report: every object with a `median_ms` (at any depth, keys
/// joined by `.`), `date`, `machine`, and the other top-level strings as notes.
pub fn parse_page(text: &str) -> Result<PageReport, String> {
    let json = parse_json(text)?;
    let Json::Obj(fields) = &json else { return Err("page.json is not an object".into()) };
    let mut report = PageReport::default();
    fn collect(prefix: &str, v: &Json, out: &mut Vec<Page>) {
        let Json::Obj(fields) = v else { return };
        if let Some(median_ms) = v.num("median_ms") {
            out.push(Page {
                key: prefix.to_string(),
                runs: v.num("runs").map(|r| r as usize),
                median_ms,
                p95_ms: v.num("p95_ms"),
                min_ms: v.num("min_ms"),
                max_ms: v.num("max_ms"),
            });
            return;
        }
        for (k, child) in fields {
            let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
            collect(&key, child, out);
        }
    }
    for (k, v) in fields {
        match (k.as_str(), v) {
            ("date", Json::Str(s)) => report.date = Some(s.clone()),
            ("machine", Json::Str(s)) => report.machine = Some(s.clone()),
            (_, Json::Str(s)) => report.notes.push((k.clone(), s.clone())),
            // A single reading (a count, megabytes, one timed run) is listed as a note.
            (_, Json::Num(n)) => report.notes.push((k.clone(), format!("{}", (n * 1000.0).round() / 1000.0))),
            _ => collect(k, v, &mut report.measures),
        }
    }
    Ok(report)
}

// ---------------------------------------------------------------------------
// BENCHMARKS.md
// ---------------------------------------------------------------------------

/// Where and when the numbers were taken, and by which command.
#[derive(Clone, Debug)]
pub struct Context {
    pub machine: String,
    pub browser: Option<String>,
    /// Today (UTC), `YYYY-MM-DD`.
    pub date: String,
    /// When the native results were written (they may be reused).
    pub native_date: Option<String>,
    /// The 1, 5 and 15 minute load averages before the native run.
    pub native_load: Option<String>,
    /// Whether the last results were reused (`--skip-native`, `--skip-page`).
    pub native_reused: bool,
    pub page_reused: bool,
    pub command: String,
}

/// Milliseconds with three significant digits: `0.318 ms`, `2.40 ms`, `184 ms`, `1.09 s`.
/// A page reading: [`fmt_ms`], except that a longest main-thread task of 0
/// means the Long Tasks API (which reports tasks of 50 ms and more) saw none.
pub fn fmt_page(key: &str, ms: f64) -> String {
    if key.contains("longest_main_thread_task") && ms == 0.0 {
        "none >= 50 ms".into()
    } else {
        fmt_ms(ms)
    }
}

pub fn fmt_ms(ms: f64) -> String {
    if !ms.is_finite() {
        return "n/a".into();
    }
    let (v, unit) = if ms >= 1000.0 { (ms / 1000.0, "s") } else { (ms, "ms") };
    let decimals = if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else if v >= 1.0 {
        2
    } else {
        3
    };
    format!("{v:.decimals$} {unit}")
}

fn target_text(t: Target) -> String {
    match t {
        Target::None => String::new(),
        Target::WithinNative(x) => format!("page <= {x}x native"),
        Target::MedianAtMost(ms) => format!("median <= {}", fmt_ms(ms)),
        Target::P95AtMost(ms) => format!("p95 <= {}", fmt_ms(ms)),
    }
}

/// "met" / "not met" for a target, when it can be judged.
fn verdict(t: Target, native: Option<&Native>, page: Option<&Page>) -> Option<bool> {
    let page = page?;
    match t {
        Target::None => None,
        Target::WithinNative(x) => native.map(|n| page.median_ms <= x * n.median_ms),
        Target::MedianAtMost(ms) => Some(page.median_ms <= ms),
        Target::P95AtMost(ms) => page.p95_ms.map(|p| p <= ms),
    }
}

/// The generated section, markers included.
pub fn render(native: &[Native], page: Option<&PageReport>, ctx: &Context) -> String {
    let mut s = String::new();
    let push = |s: &mut String, line: &str| {
        s.push_str(line);
        s.push('\n');
    };
    push(&mut s, BEGIN);
    push(&mut s, "<!-- Written by `cargo xtask bench`: edits between these markers are overwritten. -->");
    push(&mut s, "");
    push(&mut s, "## Latest run");
    push(&mut s, "");
    push(&mut s, &format!("Written {} by `{}`.", ctx.date, ctx.command));
    let browser = ctx.browser.as_deref().map(|b| format!("; {b}")).unwrap_or_default();
    push(&mut s, &format!("Machine: {}{browser}.", ctx.machine));
    push(&mut s, "");
    let native_when = ctx.native_date.as_deref().unwrap_or("an unknown date");
    let load = ctx.native_load.as_deref().map(|l| format!(", load average before it {l}")).unwrap_or_default();
    let reused = |r: bool| if r { "reused from a run on" } else { "run on" };
    push(
        &mut s,
        &format!(
            "- Native: `cargo bench -p engine --bench '*' --target <host>` with `RUSTFLAGS=\"-C panic=abort\"` (divan, \
             release profile as shipped: `panic = \"abort\"`, which plain `cargo bench` cannot apply), \
             {} {native_when}{load}.",
            reused(ctx.native_reused)
        ),
    );
    match page {
        Some(p) => {
            let when = p.date.as_deref().map_or("an unknown date", |d| d.get(..10).unwrap_or(d));
            push(
                &mut s,
                &format!(
                    "- Page: `trunk build --release`, then `node e2e/bench/page.mjs` (headless Chromium, \
                     `performance.now()` over repeats), {} {when}.",
                    reused(ctx.page_reused)
                ),
            );
        }
        None => push(&mut s, "- Page: not run."),
    }
    push(&mut s, "");
    push(&mut s, "Times are medians unless marked.");
    push(&mut s, "");

    let find_native = |p: &str| native.iter().find(|n| !p.is_empty() && n.path == p);
    let find_page = |k: &str| page.and_then(|p| p.measures.iter().find(|m| !k.is_empty() && m.key == k));
    push(&mut s, "| measurement | native | page | page p95 | page / native | target |");
    push(&mut s, "|---|---|---|---|---|---|");
    for pair in PAIRS {
        let n = find_native(pair.native);
        let p = find_page(pair.page);
        if n.is_none() && p.is_none() {
            continue;
        }
        let missing = |key: &str| if key.is_empty() { "" } else { "not measured" };
        let native_cell = n.map_or(missing(pair.native).to_string(), |n| fmt_ms(n.median_ms));
        let page_cell = p.map_or(missing(pair.page).to_string(), |p| fmt_page(pair.page, p.median_ms));
        let p95 = p.and_then(|p| p.p95_ms).map(|v| fmt_page(pair.page, v)).unwrap_or_default();
        let ratio = match (n, p) {
            (Some(n), Some(p)) if n.median_ms > 0.0 => format!("{:.1}x", p.median_ms / n.median_ms),
            _ => String::new(),
        };
        let target = match verdict(pair.target, n, p) {
            Some(true) => format!("{}: met", target_text(pair.target)),
            Some(false) => format!("{}: **not met**", target_text(pair.target)),
            None => target_text(pair.target),
        };
        push(&mut s, &format!("| {} | {native_cell} | {page_cell} | {p95} | {ratio} | {target} |", pair.label));
    }
    push(&mut s, "");

    push(&mut s, "### Targets");
    push(&mut s, "");
    push(&mut s, "Issue 20's speed and scale targets, read from the results above (`xtask/src/targets.rs`).");
    push(&mut s, "");
    for line in crate::targets::table(native, page) {
        push(&mut s, &line);
    }
    push(&mut s, "");

    push(&mut s, "### Every native benchmark");
    push(&mut s, "");
    push(&mut s, "| benchmark | fastest | median | samples |");
    push(&mut s, "|---|---|---|---|");
    for n in native {
        push(&mut s, &format!("| `{}` | {} | {} | {} |", n.path, fmt_ms(n.fastest_ms), fmt_ms(n.median_ms), n.samples));
    }
    push(&mut s, "");

    if let Some(p) = page {
        push(&mut s, "### Every page measurement");
        push(&mut s, "");
        if let Some(m) = &p.machine {
            push(&mut s, &format!("Page machine line: {m}."));
            push(&mut s, "");
        }
        push(&mut s, "| measurement | runs | median | p95 | min | max |");
        push(&mut s, "|---|---|---|---|---|---|");
        for m in &p.measures {
            let opt = |v: Option<f64>| v.map(|v| fmt_page(&m.key, v)).unwrap_or_default();
            let runs = m.runs.map(|r| r.to_string()).unwrap_or_default();
            push(
                &mut s,
                &format!(
                    "| `{}` | {runs} | {} | {} | {} | {} |",
                    m.key,
                    fmt_page(&m.key, m.median_ms),
                    opt(m.p95_ms),
                    opt(m.min_ms),
                    opt(m.max_ms)
                ),
            );
        }
        if !p.notes.is_empty() {
            push(&mut s, "");
            for (k, v) in &p.notes {
                push(&mut s, &format!("- `{k}`: {}", v.replace('\n', " ")));
            }
        }
        push(&mut s, "");
    }
    push(&mut s, END);
    s
}

/// `doc` with the text between the markers (inclusive) replaced by
/// `section`; without markers the section is appended.
pub fn replace_section(doc: &str, section: &str) -> String {
    match (doc.find(BEGIN), doc.find(END)) {
        (Some(b), Some(e)) if e > b => format!("{}{}{}", &doc[..b], section.trim_end(), &doc[e + END.len()..]),
        _ => {
            let sep = if doc.ends_with("\n\n") || doc.is_empty() {
                ""
            } else if doc.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            format!("{doc}{sep}{section}")
        }
    }
}

// ---------------------------------------------------------------------------
// Machine and date
// ---------------------------------------------------------------------------

/// `x86_64, Intel(R) Xeon(R) ..., 2 logical cores, 24 GiB`, from /proc.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name").and_then(|r| r.split_once(':')).map(|(_, m)| m.trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|r| r.split_whitespace().next()?.parse::<f64>().ok())
        })
        .map(|kb| format!(", {:.0} GiB", kb / 1024.0 / 1024.0))
        .unwrap_or_default();
    format!("{}, {model}, {cores} logical cores{mem}", std::env::consts::ARCH)
}

/// `Chromium 156.0.…` when /usr/bin/chromium answers.
fn browser_version() -> Option<String> {
    let out = std::process::Command::new("/usr/bin/chromium").arg("--version").output().ok()?;
    let v = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !v.is_empty()).then_some(v)
}

/// `YYYY-MM-DD` of a day count since 1970-01-01.
pub fn civil(days: i64) -> String {
    Date(days as i32).to_string()
}

fn date_of(t: std::time::SystemTime) -> Option<String> {
    let secs = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    Some(civil((secs / 86_400) as i64))
}

fn today() -> String {
    date_of(std::time::SystemTime::now()).unwrap_or_else(|| "unknown date".into())
}

fn modified_date(path: &Path) -> Option<String> {
    date_of(std::fs::metadata(path).ok()?.modified().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIVAN: &str = include_str!("testdata/divan-sample.txt");
    const PAGE: &str = include_str!("testdata/page-sample.json");

    #[test]
    fn times_in_every_unit() {
        let near = |s: &str, ms: f64| (parse_time(s).unwrap() - ms).abs() < 1e-9 * ms;
        assert!(near("309.8 µs", 0.3098) && near("309.8 us", 0.3098));
        assert!(near("17 ns", 17e-6));
        assert!(near("1.003 s", 1003.0));
        assert!(near("53.29 ms", 53.29));
        assert_eq!(parse_time("282 MB/s"), None);
        assert_eq!(parse_time("5"), None);
    }

    #[test]
    fn parses_a_captured_divan_run() {
        let r = parse_divan(DIVAN);
        let get = |p: &str| r.iter().find(|n| n.path == p).unwrap_or_else(|| panic!("{p} missing from {r:#?}"));
        // Flat rows; the throughput rows under them are not benchmarks.
        let csv = get("ingest/long_csv_39mb");
        assert_eq!((csv.fastest_ms, csv.median_ms, csv.samples), (175.4, 196.2, 20));
        assert_eq!(get("ingest/long_csv_gz_end_to_end").median_ms, 341.6);
        assert!(!r.iter().any(|n| n.path.contains("MB/s")));
        // Groups and arguments, two and three levels deep.
        let near = |a: f64, b: f64| (a - b).abs() < 1e-9 * b;
        let sim = get("simulate/equal_monthly_10bps/100x2190");
        assert!(near(sim.median_ms, 0.3127) && near(sim.fastest_ms, 0.3046));
        assert_eq!(get("simulate/equal_monthly_10bps_without_trade_log/500x3650").median_ms, 2.379);
        assert_eq!(get("simulate/schemes_100x2190/equal/daily").median_ms, 6.214);
        let erc = get("simulate/schemes_100x2190/equal_risk_contribution/daily");
        assert!(near(erc.median_ms, 2412.0) && erc.samples == 10);
        assert_eq!(get("simulate/schemes_100x2190/equal_risk_contribution/yearly").median_ms, 2.82);
        assert_eq!(get("synth/max_2000x3650").median_ms, 380.8);
        assert!(near(get("sweep/sweep_1000_cells_100x2190").median_ms, 1136.0));
        // 4 ingest + 4 simulate + 14 schemes + 3 synth + 2 sweep.
        assert_eq!(r.len(), 27, "{:#?}", r.iter().map(|n| &n.path).collect::<Vec<_>>());
        // Group rows are never results.
        assert!(!r.iter().any(|n| n.path == "simulate/equal_monthly_10bps"));
    }

    #[test]
    fn reads_the_page_report() {
        let p = parse_page(PAGE).unwrap();
        assert_eq!(p.date.as_deref(), Some("2026-11-29T11:26:11.570Z"));
        assert_eq!(p.machine.as_deref(), Some("x64, 2 cores"));
        let redraw = p.measures.iter().find(|m| m.key == "parameter_change_redraw").unwrap();
        assert_eq!((redraw.runs, redraw.p95_ms), (Some(30), Some(70.09999999962747)));
        assert!(p.measures.iter().any(|m| m.key == "ingest_csv_39mb_parse_and_check" && m.median_ms == 413.0));
        assert!(p.notes.iter().any(|(k, v)| k == "default_view" && v.contains("3 strategies")));
        // Nested groups, escapes, arrays and literals.
        let nested = r#"{"sweep": {"workers_2": {"runs": 5, "median_ms": 812.5, "p95_ms": 9e2}, "cells": [1, 2.5e-1]},
                        "note": "a \"q\" \u00e9\n", "ok": true, "none": null}"#;
        let p = parse_page(nested).unwrap();
        assert_eq!(p.measures.len(), 1);
        assert_eq!((p.measures[0].key.as_str(), p.measures[0].p95_ms), ("sweep.workers_2", Some(900.0)));
        assert_eq!(p.notes, [("note".to_string(), "a \"q\" \u{e9}\n".to_string())]);
        assert!(parse_page("{\"a\": 1,}").is_err());
        assert!(parse_page("[1]").is_err());
        assert!(parse_json("{\"a\": \"unterminated}").is_err());
    }

    fn context() -> Context {
        Context {
            machine: "x86_64, Test CPU, 2 logical cores, 24 GiB".into(),
            browser: Some("Chromium 156.0".into()),
            date: "2026-11-30".into(),
            native_date: Some("2026-11-30".into()),
            native_load: Some("0.12 0.30 0.41".into()),
            native_reused: false,
            page_reused: true,
            command: "cargo xtask bench".into(),
        }
    }

    #[test]
    fn renders_native_and_page_side_by_side() {
        let native = parse_divan(DIVAN);
        let page = parse_page(PAGE).unwrap();
        let s = render(&native, Some(&page), &context());
        assert!(s.starts_with(BEGIN) && s.trim_end().ends_with(END));
        assert!(s.contains("Machine: x86_64, Test CPU, 2 logical cores, 24 GiB; Chromium 156.0."), "{s}");
        assert!(s.contains("Written 2026-11-30 by `cargo xtask bench`."));
        assert!(s.contains("cannot apply), run on 2026-11-30, load average before it 0.12 0.30 0.41."), "{s}");
        assert!(s.contains("over repeats), reused from a run on 2026-11-29."), "{s}");
        // Ingest: native 196 ms, page 413 ms: 2.1x, under the 0.6 s target.
        assert!(
            s.contains("| 39 MB CSV -> validated panel | 196 ms | 413 ms | 436 ms | 2.1x | median <= 600 ms: met |"),
            "{s}"
        );
        // A page key the page bench does not write yet.
        assert!(s.contains("| One simulation, 100 x 2,190 (equal weight, monthly, 10 bp) | 0.313 ms | not measured |"));
        // The redraw misses its p95 target (70 ms).
        assert!(s.contains("| 54.3 ms | 70.1 ms |  | p95 <= 50.0 ms: **not met** |"), "{s}");
        assert!(s.contains("| `simulate/schemes_100x2190/equal_risk_contribution/daily` | 1.51 s | 2.41 s | 10 |"));
        assert!(s.contains("| `first_chart_visible` | 5 | 632 ms | 724 ms | 541 ms | 724 ms |"), "{s}");
        assert!(s.contains("- `default_view`: 3 strategies"));
        // Without a page run: native only.
        let s = render(&native, None, &context());
        assert!(s.contains("- Page: not run."));
        assert!(!s.contains("Every page measurement"));
        assert!(s.contains("| 39 MB CSV -> validated panel | 196 ms | not measured |"));
    }

    #[test]
    fn replaces_only_the_marked_section() {
        let doc = format!("# Benchmarks\n\nIntro.\n\n{BEGIN}\nold numbers\n{END}\n\n## Analysis\n\nKept.\n");
        let section = format!("{BEGIN}\nnew numbers\n{END}\n");
        let out = replace_section(&doc, &section);
        assert_eq!(out, format!("# Benchmarks\n\nIntro.\n\n{BEGIN}\nnew numbers\n{END}\n\n## Analysis\n\nKept.\n"));
        assert_eq!(replace_section(&out, &section), out, "idempotent");
        // No markers yet: appended after a blank line.
        assert_eq!(replace_section("# B\n", &section), format!("# B\n\n{section}"));
    }

    #[test]
    fn formats_and_dates() {
        assert_eq!(fmt_ms(0.3127), "0.313 ms");
        assert_eq!(fmt_page("ingest_gz_longest_main_thread_task", 0.0), "none >= 50 ms");
        assert_eq!(fmt_page("ingest_gz_longest_main_thread_task", 57.0), "57.0 ms");
        assert_eq!(fmt_page("simulate_100x2190", 0.0), "0.000 ms");
        assert_eq!(fmt_ms(2.4), "2.40 ms");
        assert_eq!(fmt_ms(36.14), "36.1 ms");
        assert_eq!(fmt_ms(184.2), "184 ms");
        assert_eq!(fmt_ms(1090.0), "1.09 s");
        assert_eq!(civil(0), "1970-01-01");
        assert_eq!(civil(20_786), "2026-11-29");
        assert_eq!(civil(19_782), "2024-02-29");
        assert!(machine().contains("logical cores"));
    }
}
