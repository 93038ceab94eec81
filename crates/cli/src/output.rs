//! What the CLI writes: the JSON document or the aligned table on stdout, and
//! the equity and trades CSV files. Currency amounts are the engine's
//! normalised values times each strategy's `initial_capital`.

use crate::data::DataInfo;
use crate::CliError;
use engine::analysis::Regime;
use engine::compare::Run;
use engine::errors::RunError;
use engine::metrics::MetricRow;
use engine::robustness::start_dates::StartStep;
use engine::robustness::{Quartiles, RobustnessReport};
use engine::sweep::{CellOutcome, SweepSpec};
use engine::{Panel, Strategy};
use serde_json::{json, Value};
use std::path::Path;

type Runs = [Result<Run, RunError>];

fn data_json(panel: &Panel, info: &DataInfo) -> Value {
    let period = json!({
        "first_date": panel.dates()[0].to_string(),
        "last_date": panel.dates()[panel.n_days() - 1].to_string(),
        "n_days": panel.n_days(),
        "n_assets": panel.n_assets(),
    });
    match info {
        DataInfo::Files(r) => json!({
            "source": "files",
            "ingest": {
                "files": r.files.iter().map(|f| json!({
                    "name": f.name,
                    "format": f.format,
                    "gzip": f.gzip,
                    "rows": f.rows,
                    "assets": f.assets,
                })).collect::<Vec<_>>(),
                "n_assets": r.n_assets,
                "n_days": r.n_days,
                "first_date": r.first_date.to_string(),
                "last_date": r.last_date.to_string(),
                "warnings": r.warnings,
                // Pegged tokens and copies, left out of universes by `@detected`.
                "pegged": r.pegged.iter().map(|p| json!({
                    "id": p.id,
                    "kind": p.kind,
                    "days": p.days,
                    "share": p.share,
                    "evidence": p.to_string(),
                })).collect::<Vec<_>>(),
            },
            "simulated": period,
        }),
        DataInfo::Synthetic(m) => json!({ "source": "synthetic", "market": m, "simulated": period }),
    }
}

/// A sweep's cells: each configuration's name and its metric value (the
/// number in the metric's own unit, a fraction for percentages), or why it
/// has none. The same cells, in the same order, as the page's sweep table.
pub fn sweep_json(spec: &SweepSpec, cells: &[CellOutcome]) -> Value {
    json!({
        "base": spec.base.name,
        "metric": spec.metric.info().key,
        "shape": spec.shape(),
        "cells": cells.iter().enumerate().map(|(i, c)| {
            let name = spec.strategy_for(i).map(|s| s.name).unwrap_or_default();
            match c {
                Ok(v) => json!({ "name": name, "value": v }),
                Err(e) => json!({ "name": name, "value": null, "error": e.to_string() }),
            }
        }).collect::<Vec<_>>(),
    })
}

/// The sweep as lines under the table: one per configuration.
pub fn sweep_table(spec: &SweepSpec, cells: &[CellOutcome]) -> String {
    let info = spec.metric.info();
    let names: Vec<String> =
        (0..cells.len()).map(|i| spec.strategy_for(i).map(|s| s.name).unwrap_or_default()).collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let mut out =
        format!("\nParameter sweep of '{}' by {} ({} configurations):\n", spec.base.name, info.label, cells.len());
    // As the page writes them: enough decimals to tell close cells apart.
    let extra = info.kind.extra_decimals(&engine::sweep::values(cells));
    for (name, c) in names.iter().zip(cells) {
        let value = match c {
            Ok(v) => info.kind.display_with(*v, extra),
            Err(e) => format!("n/a ({e})"),
        };
        out.push_str(&format!("  {name:<width$}  {value}\n"));
    }
    out
}

/// The JSON document printed on stdout.
pub fn json(panel: &Panel, info: &DataInfo, strategies: &[Strategy], benchmark: Option<usize>, runs: &Runs) -> Value {
    let items: Vec<Value> = strategies
        .iter()
        .zip(runs)
        .enumerate()
        .map(|(i, (s, r))| match r {
            Ok(run) => json!({
                "index": i + 1,
                "name": s.name,
                "is_benchmark": benchmark == Some(i),
                "initial_capital": s.initial_capital,
                "final_value": run.sim.equity.last().copied().unwrap_or(f64::NAN) * s.initial_capital,
                "trades": run.sim.trades.len(),
                "rebalances": run.sim.rebalances.len(),
                "metrics": run.metrics,
                "warnings": run.sim.warnings,
            }),
            Err(e) => {
                json!({ "index": i + 1, "name": s.name, "is_benchmark": benchmark == Some(i), "error": e.to_string() })
            }
        })
        .collect();
    json!({
        "data": data_json(panel, info),
        "benchmark": benchmark.map(|b| json!({ "index": b + 1, "name": strategies[b].name })),
        "strategies": items,
    })
}

fn describe_data(panel: &Panel, info: &DataInfo) -> String {
    let span = format!(
        "{} to {}, {} days, {} assets",
        panel.dates()[0],
        panel.dates()[panel.n_days() - 1],
        panel.n_days(),
        panel.n_assets()
    );
    match info {
        DataInfo::Files(r) => {
            let mut s = format!("Data: {} file(s), {span}", r.files.len());
            for w in &r.warnings {
                s.push_str(&format!("\n  data warning: {w}"));
            }
            s
        }
        DataInfo::Synthetic(m) => format!("Data: built-in synthetic market (seed {}), {span}", m.seed),
    }
}

/// Metrics as an aligned table: one row per metric, one column per strategy.
pub fn table(panel: &Panel, info: &DataInfo, strategies: &[Strategy], benchmark: Option<usize>, runs: &Runs) -> String {
    let rows: Vec<Option<Vec<MetricRow>>> =
        runs.iter().map(|r| r.as_ref().ok().map(|run| run.metrics.rows())).collect();
    // Metric order: the strategy with the most rows (the benchmark lacks the relative ones).
    let order: Vec<(&str, &str)> = rows
        .iter()
        .flatten()
        .max_by_key(|r| r.len())
        .map(|r| r.iter().map(|m| (m.key, m.label)).collect())
        .unwrap_or_default();
    let headers: Vec<String> = strategies
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}{}", s.name, if benchmark == Some(i) { " (benchmark)" } else { "" }))
        .collect();
    let cells: Vec<Vec<String>> = order
        .iter()
        .map(|(key, _)| {
            rows.iter()
                .map(|r| match r {
                    Some(r) => r.iter().find(|m| m.key == *key).map_or("–".to_string(), |m| m.display.clone()),
                    None => "error".to_string(),
                })
                .collect()
        })
        .collect();
    let w0 = order.iter().map(|(_, l)| l.chars().count()).max().unwrap_or(0).max("Metric".len());
    let widths: Vec<usize> = (0..strategies.len())
        .map(|j| cells.iter().map(|c| c[j].chars().count()).chain([headers[j].chars().count()]).max().unwrap_or(0))
        .collect();
    let line = |first: &str, rest: &[String]| {
        let mut s = format!("{first:<w0$}");
        for (c, w) in rest.iter().zip(&widths) {
            s.push_str(&format!("  {c:>w$}"));
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = describe_data(panel, info) + "\n\n";
    out.push_str(&line("Metric", &headers));
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&line(&"-".repeat(w0), &rule));
    for ((_, label), c) in order.iter().zip(&cells) {
        out.push_str(&line(label, c));
    }
    for (i, (s, r)) in strategies.iter().zip(runs).enumerate() {
        match r {
            Ok(run) => {
                for w in &run.sim.warnings {
                    out.push_str(&format!("\nwarning, strategy {} ('{}'): {w}", i + 1, s.name));
                }
            }
            Err(e) => out.push_str(&format!("\nerror, strategy {} ('{}'): {e}", i + 1, s.name)),
        }
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// A CSV field, quoted when needed and never read as a formula
/// ([`engine::export::csv_field`]).
pub use engine::export::csv_field;

/// `date` then one column per strategy: equity in currency units (empty for a
/// strategy that failed).
pub fn equity_csv(panel: &Panel, strategies: &[Strategy], runs: &Runs) -> String {
    let mut out = String::from("date");
    for s in strategies {
        out.push(',');
        out.push_str(&csv_field(&s.name));
    }
    out.push('\n');
    for (t, d) in panel.dates().iter().enumerate() {
        out.push_str(&d.to_string());
        for (s, r) in strategies.iter().zip(runs) {
            out.push(',');
            if let Ok(run) = r {
                out.push_str(&(run.sim.equity[t] * s.initial_capital).to_string());
            }
        }
        out.push('\n');
    }
    out
}

/// Every trade of every strategy, in strategy then date order; units, value
/// and fee in currency units.
pub fn trades_csv(panel: &Panel, strategies: &[Strategy], runs: &Runs) -> String {
    let mut out = String::from("date,strategy,asset,side,units,price,value,fee,reason\n");
    for (s, r) in strategies.iter().zip(runs) {
        let Ok(run) = r else { continue };
        let name = csv_field(&s.name);
        let k = s.initial_capital;
        for t in &run.sim.trades {
            out.push_str(&format!(
                "{},{name},{},{},{},{},{},{},{}\n",
                t.date,
                csv_field(&panel.assets()[t.asset].id),
                t.side.as_str(),
                t.units * k,
                t.price,
                t.value * k,
                t.fee * k,
                t.reason.as_str()
            ));
        }
    }
    out
}

pub fn write_file(path: &Path, flag: &str, text: &str) -> Result<(), CliError> {
    std::fs::write(path, text)
        .map_err(|e| CliError::Usage(format!("{flag} {}: cannot write the file: {e}", path.display())))
}

/// A fraction as a percentage with one decimal (`12.3%`); `–` when undefined.
fn pct(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite()).map_or("–".to_string(), |x| format!("{:.1}%", x * 100.0))
}

/// A number with two decimals; `–` when undefined.
fn num(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite()).map_or("–".to_string(), |x| format!("{x:.2}"))
}

/// The robustness analyses as a section under the table.
pub fn robustness_table(r: &RobustnessReport) -> String {
    let width = r.names.iter().map(|n| n.chars().count()).max().unwrap_or(0).max(12);
    let mut out = String::from("\nRobustness\n");
    let quartiles = |q: Option<Quartiles>, f: &dyn Fn(Option<f64>) -> String| match q {
        Some(q) => format!(
            "{:>8} {:>8} {:>8} {:>8} {:>8}",
            f(Some(q.min)),
            f(Some(q.q1)),
            f(Some(q.median)),
            f(Some(q.q3)),
            f(Some(q.max))
        ),
        None => "n/a".to_string(),
    };
    let head = format!("{:>8} {:>8} {:>8} {:>8} {:>8}", "min", "q1", "median", "q3", "max");
    if let Some(timing) = &r.timing {
        out.push_str(&format!(
            "\nTiming luck: CAGR at every rebalance day\n  {:<width$}  {:>7} {:>5}  {head}\n",
            "", "days", "used"
        ));
        for t in timing {
            out.push_str(&format!(
                "  {:<width$}  {:>7} {:>5}  {}\n",
                t.name,
                t.runs.len(),
                t.used_offset,
                quartiles(t.cagr, &pct)
            ));
        }
    }
    if let Some(sd) = &r.start_dates {
        out.push_str(&format!(
            "\nStart dates: CAGR over {} {} windows (one per {} start)\n  {:<width$}  {head}\n",
            sd.windows.len(),
            sd.window.label(),
            match sd.step {
                StartStep::Month => "month",
                StartStep::Week => "week",
            },
            ""
        ));
        for s in &sd.strategies {
            out.push_str(&format!("  {:<width$}  {}\n", s.name, quartiles(s.summary, &pct)));
        }
        if let Some(p) = &sd.pair {
            out.push_str(&format!("  {:<width$}  {}\n", "A - B", quartiles(p.summary, &pct)));
            out.push_str(&format!(
                "  A ({}) won in {} of {} windows ({:.0}%)\n",
                r.names[p.a],
                p.a_won,
                p.windows,
                p.a_won_share * 100.0
            ));
        }
    }
    if let (Some(b), Some((ia, ib))) = (&r.bootstrap, r.pair) {
        out.push_str(&format!(
            "\nBootstrap: A = {}, B = {}; {} resamples of {} days, mean block {:.1} days ({}), seed {}\n",
            r.names[ia],
            r.names[ib],
            b.resamples,
            b.n_returns,
            b.block_length,
            if b.block_auto { "chosen from the data" } else { "fixed" },
            b.seed
        ));
        out.push_str(&format!("  {:<16} {:>9} {:>20} {:>20}\n", "A - B", "data", "90% interval", "95% interval"));
        let ivl = |i: Option<engine::robustness::bootstrap::Interval>, f: &dyn Fn(Option<f64>) -> String| {
            i.map_or("n/a".to_string(), |i| format!("{} to {}", f(Some(i.lo)), f(Some(i.hi))))
        };
        type Format<'a> = &'a dyn Fn(Option<f64>) -> String;
        let rows: [(&str, Option<f64>, _, _, Format); 4] = [
            ("CAGR", b.point.cagr, b.ci90.cagr, b.ci95.cagr, &pct),
            ("Volatility", b.point.volatility, b.ci90.volatility, b.ci95.volatility, &pct),
            ("Sharpe", b.point.sharpe, b.ci90.sharpe, b.ci95.sharpe, &num),
            ("Max drawdown", b.point.max_drawdown, b.ci90.max_drawdown, b.ci95.max_drawdown, &pct),
        ];
        for (label, point, i90, i95, f) in rows {
            out.push_str(&format!("  {label:<16} {:>9} {:>20} {:>20}\n", f(point), ivl(i90, f), ivl(i95, f)));
        }
        out.push_str(&format!("  A has the higher CAGR in {:.0}% of resamples\n", b.a_wins_share * 100.0));
        if let Some(t) = &b.sharpe_test {
            out.push_str(&format!(
                "  Sharpe {} vs {}: Jobson-Korkie (Memmel) z = {:.2}, p = {:.3}\n",
                num(Some(t.sharpe_a)),
                num(Some(t.sharpe_b)),
                t.z,
                t.p_value
            ));
        }
    }
    if let Some(g) = &r.regimes {
        let d = g.days;
        out.push_str(&format!(
            "\nRegimes: thirds of days by the total market's {}-day volatility ({} calm, {} middle, {} volatile, {} before the first window)\n",
            g.window, d.calm, d.middle, d.volatile, d.unlabelled
        ));
        out.push_str(&format!(
            "  {:<width$}  {:>22} {:>22} {:>22} {:>7} {:>7}\n",
            "return / vol / Sharpe", "calm", "middle", "volatile", "up cap", "down"
        ));
        for c in std::iter::once(&g.market).chain(&g.strategies) {
            let cell = |reg: Regime| {
                c.rows.iter().find(|x| x.regime == reg).map_or("–".to_string(), |x| {
                    format!("{} / {} / {}", pct(Some(x.annual_return)), pct(x.volatility), num(x.sharpe))
                })
            };
            out.push_str(&format!(
                "  {:<width$}  {:>22} {:>22} {:>22} {:>7} {:>7}\n",
                c.name,
                cell(Regime::Calm),
                cell(Regime::Middle),
                cell(Regime::Volatile),
                num(c.up_capture),
                num(c.down_capture)
            ));
        }
    }
    if let Some(v) = &r.verdict {
        out.push_str(&format!("\nVerdict: {}\n", v.sentence));
    }
    for n in &r.notes {
        out.push_str(&format!("Note: {n}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_ids_that_look_like_formulas_are_defused() {
        assert_eq!(csv_field("=1+2"), "\"'=1+2\"");
        assert_eq!(csv_field("Top 10, equal"), "\"Top 10, equal\"");
    }
}
