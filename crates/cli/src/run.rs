//! Executes a plan: load or generate the market, cut the date range
//! ([`engine::prepare`]), run
//! `engine::compare` (the app's entry point) and write the outputs.

use crate::args::Format;
use crate::data::load_panel;
use crate::output;
use crate::plan::Plan;
use crate::CliError;
use engine::compare::compare;
use engine::metrics::MetricsOptions;
use engine::prepare::Setup;
use std::io::Write;
use std::time::Instant;

pub fn execute(plan: Plan) -> Result<(), CliError> {
    let t0 = Instant::now();
    let (full, info) = load_panel(&plan)?;
    // The page cuts a link's range and applies its capital the same way
    // (the plan has already put the capital into the strategies).
    let setup = Setup { from: plan.from, to: plan.to, capital: None, strategies: &plan.strategies };
    let prepared = setup.prepare(&full).map_err(|e| CliError::Run(e.to_string()))?;
    let (panel, strategies) = (&*prepared.panel, &prepared.strategies);
    // A long run says so before it starts (the page asks first; a script
    // user at least knows what to expect).
    let estimate = engine::cost::compare_seconds(panel.n_days(), panel.n_assets(), strategies);
    if estimate > 10.0 {
        eprintln!(
            "warning: this comparison ({} strategies x {} days x {} assets) is estimated to take about {:.0} s",
            strategies.len(),
            panel.n_days(),
            panel.n_assets(),
            estimate
        );
    }
    let t1 = Instant::now();
    let runs = compare(panel, strategies, plan.benchmark, &MetricsOptions::default());
    // A benchmark that held nothing was not used (its warnings say why).
    let benchmark = engine::compare::benchmark_in_use(&runs, plan.benchmark);
    // A link's sweep: every configuration on the same panel, as the page runs it.
    let sweep = match &plan.sweep {
        Some(spec) => Some((
            spec,
            engine::sweep::run_cells(panel, spec, 0..spec.n_cells()).map_err(|e| CliError::Run(e.to_string()))?,
        )),
        None => None,
    };
    let robustness = match &plan.robustness {
        Some(spec) => Some(engine::robustness::analyse(panel, strategies, spec).map_err(CliError::Run)?),
        None => None,
    };
    let t2 = Instant::now();

    if let Some(path) = &plan.equity_csv {
        output::write_file(path, "--equity-csv", &output::equity_csv(panel, strategies, &runs))?;
    }
    if let Some(path) = &plan.trades_csv {
        output::write_file(path, "--trades-csv", &output::trades_csv(panel, strategies, &runs))?;
    }
    let text = match plan.format {
        Format::Json => {
            let mut v = output::json(panel, &info, strategies, benchmark, &runs);
            if let (Some((spec, cells)), Some(doc)) = (&sweep, v.as_object_mut()) {
                doc.insert("sweep".into(), output::sweep_json(spec, cells));
            }
            if let (Some(report), Some(doc)) = (&robustness, v.as_object_mut()) {
                doc.insert(
                    "robustness".into(),
                    serde_json::to_value(report).map_err(|e| CliError::Run(e.to_string()))?,
                );
            }
            let mut s = serde_json::to_string_pretty(&v).map_err(|e| CliError::Run(e.to_string()))?;
            s.push('\n');
            s
        }
        Format::Table => {
            let mut t = output::table(panel, &info, strategies, benchmark, &runs);
            if let Some((spec, cells)) = &sweep {
                t.push_str(&output::sweep_table(spec, cells));
            }
            if let Some(report) = &robustness {
                t.push_str(&output::robustness_table(report));
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
            strategies.len(),
            panel.n_days(),
            panel.n_assets(),
            s(t2, t3),
            s(t0, t3)
        );
        if let Some(kb) = peak_resident_kb() {
            eprintln!("timings: peak resident memory {:.0} MB", kb as f64 / 1024.0);
        }
    }

    let failed: Vec<String> = runs
        .iter()
        .zip(strategies)
        .enumerate()
        .filter_map(|(i, (r, s))| r.as_ref().err().map(|e| format!("strategy {} ('{}'): {e}", i + 1, s.name)))
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::Run(failed.join("; ")))
    }
}

/// The process's peak resident memory in KiB (`VmHWM` of `/proc/self/status`;
/// Linux only, `None` elsewhere).
fn peak_resident_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
