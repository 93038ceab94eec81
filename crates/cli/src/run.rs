//! Executes a plan: load or generate the market, cut the date range, run
//! `engine::compare` (the app's entry point) and write the outputs.

use crate::args::Format;
use crate::output;
use crate::plan::{Plan, Source};
use crate::CliError;
use engine::compare::compare;
use engine::ingest::{load, IngestOptions, InputFile, Report};
use engine::metrics::MetricsOptions;
use engine::scenario::{FileMatch, FileRef};
use engine::{Date, Panel};
use std::io::Write;
use std::time::Instant;

/// Where the panel came from, for the output.
pub enum DataInfo {
    Files(Box<Report>),
    Synthetic(engine::synth::MarketParams),
}

fn load_panel(plan: &Plan) -> Result<(Panel, DataInfo), CliError> {
    match &plan.source {
        Source::Synthetic(m) => Ok((engine::synth::generate(m), DataInfo::Synthetic(m.clone()))),
        Source::Files(paths) => {
            let mut contents = Vec::with_capacity(paths.len());
            for p in paths {
                let bytes = std::fs::read(p)
                    .map_err(|e| CliError::Usage(format!("--data {}: cannot read the file: {e}", p.display())))?;
                contents.push((p.display().to_string(), bytes));
            }
            let files: Vec<InputFile> = contents.iter().map(|(n, b)| InputFile::new(n.clone(), b)).collect();
            // A link's files are read the sender's way, and checked byte for byte.
            if !plan.link_files.is_empty() {
                let loaded: Vec<FileRef> =
                    contents.iter().map(|(n, b)| FileRef::uploaded(n, engine::share::file_sha256(b))).collect();
                match engine::scenario::match_files(&plan.link_files, &loaded) {
                    FileMatch::Same => eprintln!("same data: every file is byte for byte the link's"),
                    FileMatch::Different => {
                        eprintln!("warning: different data: none of these files is one of the link's")
                    }
                    FileMatch::Partial { differ, extra } => eprintln!(
                        "warning: different data: the link's files that differ or are missing: [{}]; not in the link: [{}]",
                        differ.join(", "),
                        extra.join(", ")
                    ),
                }
            }
            let opts = IngestOptions {
                repair_spikes: !plan.keep_spikes,
                day_first: plan.day_first,
                format: plan.ingest_format,
                ..IngestOptions::default()
            };
            let loaded = load(&files, &opts).map_err(|e| CliError::Run(e.to_string()))?;
            // A script user sees what the loader noticed without opening the JSON.
            for w in &loaded.report.warnings {
                eprintln!("warning: {w}");
            }
            Ok((loaded.panel, DataInfo::Files(Box::new(loaded.report))))
        }
    }
}

/// The panel restricted to `from..=to` (either end optional).
fn cut(panel: Panel, from: Option<Date>, to: Option<Date>) -> Result<Panel, CliError> {
    if from.is_none() && to.is_none() {
        return Ok(panel);
    }
    // The page applies a link's range with the same rule and message.
    let (a, b) = engine::scenario::range_in(panel.dates(), from, to).map_err(CliError::Run)?;
    panel.slice_days(a, b).map_err(|e| CliError::Run(format!("cannot cut the date range: {e}")))
}

pub fn execute(plan: Plan) -> Result<(), CliError> {
    let t0 = Instant::now();
    let (panel, info) = load_panel(&plan)?;
    let panel = cut(panel, plan.from, plan.to)?;
    // A long run says so before it starts (the page asks first; a script
    // user at least knows what to expect).
    let estimate = engine::cost::compare_seconds(panel.n_days(), panel.n_assets(), &plan.strategies);
    if estimate > 10.0 {
        eprintln!(
            "warning: this comparison ({} strategies x {} days x {} assets) is estimated to take about {:.0} s",
            plan.strategies.len(),
            panel.n_days(),
            panel.n_assets(),
            estimate
        );
    }
    let t1 = Instant::now();
    let runs = compare(&panel, &plan.strategies, plan.benchmark, &MetricsOptions::default());
    // A benchmark that held nothing was not used (its warnings say why).
    let benchmark = engine::compare::benchmark_in_use(&runs, plan.benchmark);
    // A link's sweep: every configuration on the same panel, as the page runs it.
    let sweep = match &plan.sweep {
        Some(spec) => Some((spec, engine::sweep::run_cells(&panel, spec, 0..spec.n_cells()).map_err(CliError::Run)?)),
        None => None,
    };
    let t2 = Instant::now();

    if let Some(path) = &plan.equity_csv {
        output::write_file(path, "--equity-csv", &output::equity_csv(&panel, &plan.strategies, &runs))?;
    }
    if let Some(path) = &plan.trades_csv {
        output::write_file(path, "--trades-csv", &output::trades_csv(&panel, &plan.strategies, &runs))?;
    }
    let text = match plan.format {
        Format::Json => {
            let mut v = output::json(&panel, &info, &plan.strategies, benchmark, &runs);
            if let (Some((spec, cells)), Some(doc)) = (&sweep, v.as_object_mut()) {
                doc.insert("sweep".into(), output::sweep_json(spec, cells));
            }
            let mut s = serde_json::to_string_pretty(&v).map_err(|e| CliError::Run(e.to_string()))?;
            s.push('\n');
            s
        }
        Format::Table => {
            let mut t = output::table(&panel, &info, &plan.strategies, benchmark, &runs);
            if let Some((spec, cells)) = &sweep {
                t.push_str(&output::sweep_table(spec, cells));
            }
            t
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(|e| CliError::Run(format!("stdout: {e}")))?;
    if plan.timings {
        let s = |a: Instant, b: Instant| (b - a).as_secs_f64();
        let t3 = Instant::now();
        eprintln!(
            "timings: load {:.3} s, simulate {:.3} s ({} strategies x {} days x {} assets), output {:.3} s, total {:.3} s",
            s(t0, t1),
            s(t1, t2),
            plan.strategies.len(),
            panel.n_days(),
            panel.n_assets(),
            s(t2, t3),
            s(t0, t3)
        );
    }

    let failed: Vec<String> = runs
        .iter()
        .zip(&plan.strategies)
        .enumerate()
        .filter_map(|(i, (r, s))| r.as_ref().err().map(|e| format!("strategy {} ('{}'): {e}", i + 1, s.name)))
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::Run(failed.join("; ")))
    }
}
