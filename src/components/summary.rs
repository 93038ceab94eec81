//! Key numbers first: one card per strategy above the charts, so a newcomer
//! sees who won within seconds. Final value and fees are in currency (never
//! as a share of the starting capital); each row's best value is marked.
//! Every figure is the metrics table's (same conventions, same "n/a" and
//! reason).

use engine::metrics::{MetricId, MetricRow, MetricValue, Metrics};
use yew::prelude::*;

use crate::compute::ByPtr;

use crate::components::swatch;
use crate::compute::Results;
use crate::state::AppContext;

#[derive(Properties, PartialEq)]
pub struct SummaryProps {
    pub results: ByPtr<Results>,
}

/// Values no index of real coins produces: an annualised volatility above
/// 500% or a one-day return above +1,000% come from bad prices (a spike kept,
/// a wrong unit), so they are marked and point to the data report.
pub fn implausible(key: &str, value: f64) -> bool {
    match key {
        "volatility" => engine::metrics::implausible_value(engine::metrics::MetricId::Volatility, value),
        "best_day" => engine::metrics::implausible_value(engine::metrics::MetricId::BestDay, value),
        _ => false,
    }
}

/// What a marked value's tooltip says.
pub const IMPLAUSIBLE_NOTE: &str = "Implausible for an index of real coins: this usually comes from bad prices \
     (a one-day spike kept, a wrong unit). See the data report and the spike note in the Data panel.";

/// What the card of a strategy that never held an asset says.
pub const IDLE_NOTE: &str = "Held no asset on this data: its rules matched no coin, so it stayed in cash \
     (see the warnings under Metrics). Not ranked.";

/// A row of the cards: label, how to read it from a run, and whether more is better.
struct Row {
    key: &'static str,
    label: &'static str,
    higher_is_better: bool,
}

const ROWS: [Row; 8] = [
    Row { key: "final_value", label: "Final value", higher_is_better: true },
    Row { key: "total_return", label: "Total return", higher_is_better: true },
    Row { key: "cagr", label: "CAGR", higher_is_better: true },
    Row { key: "volatility", label: "Volatility (ann.)", higher_is_better: false },
    Row { key: "sharpe", label: "Sharpe", higher_is_better: true },
    Row { key: "max_drawdown", label: "Max drawdown", higher_is_better: true },
    Row { key: "fees_paid", label: "Fees paid", higher_is_better: false },
    Row { key: "cost_drag", label: "Cost drag (ann.)", higher_is_better: false },
];

/// "$12,345" (whole currency units; cents under 100).
fn currency(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".to_string();
    }
    let decimals = if v.abs() < 100.0 { 2 } else { 0 };
    let s = charts::format::number(v.abs(), decimals);
    if v < 0.0 {
        format!("−${s}")
    } else {
        format!("${s}")
    }
}

/// The value (for ranking) and the text of one card row; `rows` is the
/// strategy's metrics table ([`Metrics::rows`], built once per strategy).
fn cell(m: &Metrics, rows: &[MetricRow], capital: f64, final_value: f64, key: &str) -> (Option<f64>, String) {
    let from_table = |id: MetricId| -> (Option<f64>, String) {
        let row = rows.iter().find(|r| r.key == id.info().key);
        match row {
            Some(r) => (
                match r.value {
                    MetricValue::Number(v) => Some(v),
                    _ => None,
                },
                r.display.clone(),
            ),
            None => (None, "n/a".to_string()),
        }
    };
    match key {
        "final_value" => (Some(final_value), currency(final_value)),
        "fees_paid" => {
            let fees = m.fees_total.map(|f| f * capital);
            (fees, fees.map_or("n/a".to_string(), currency))
        }
        "total_return" => from_table(MetricId::TotalReturn),
        "cagr" => from_table(MetricId::Cagr),
        "volatility" => from_table(MetricId::Volatility),
        "sharpe" => from_table(MetricId::Sharpe),
        "max_drawdown" => from_table(MetricId::MaxDrawdown),
        _ => from_table(MetricId::CostDrag),
    }
}

/// The key numbers of every strategy that ran, best of each row marked.
#[function_component(KeyNumbers)]
pub fn key_numbers(props: &SummaryProps) -> Html {
    let state = use_context::<AppContext>().expect("app state");
    let runs: Vec<_> = props.results.ok().collect();
    if runs.is_empty() {
        return html! {};
    }
    // Per strategy, per row: (value, text).
    let cells: Vec<Vec<(Option<f64>, String)>> = runs
        .iter()
        .map(|(_, run)| {
            let capital = run.sim.initial_capital;
            let final_value = run.sim.equity.last().copied().unwrap_or(f64::NAN) * capital;
            let rows = run.metrics.rows();
            ROWS.iter().map(|row| cell(&run.metrics, &rows, capital, final_value, row.key)).collect()
        })
        .collect();
    // A strategy that never held an asset (its rules matched nothing in the
    // data, as "Bitcoin only" on files without bitcoin) stayed in cash: its
    // flat line wins no row (no volatility, no drawdown, no fees).
    let idle: Vec<bool> = runs.iter().map(|(_, run)| run.sim.never_invested()).collect();
    // The best of each row, when at least two strategies have a value.
    let best: Vec<Option<f64>> = ROWS
        .iter()
        .enumerate()
        .map(|(r, row)| {
            let values: Vec<f64> = cells
                .iter()
                .zip(&idle)
                .filter(|(_, &idle)| !idle)
                .filter_map(|(c, _)| c[r].0)
                .filter(|v| v.is_finite())
                .collect();
            if values.len() < 2 {
                return None;
            }
            let pick = if row.higher_is_better { f64::max } else { f64::min };
            let top = values.iter().copied().reduce(pick)?;
            // A tie is no win: only a value no other strategy reaches is marked.
            (values.iter().filter(|&&v| v == top).count() == 1).then_some(top)
        })
        .collect();
    let capital = runs[0].1.sim.initial_capital;
    html! {
        <section class="panel key-numbers" id="key-numbers" aria-labelledby="key-h" aria-live="polite">
            <h2 id="key-h">{ "Key numbers" }</h2>
            <p class="muted">{ format!(
                "Starting with {} each; after trading costs. ★ marks the best of each row. \
                 Annualised with 365 days a year, rf = 0%; every metric is under “All metrics” below.",
                currency(capital)) }</p>
            <div class="cards">
            { for runs.iter().zip(&cells).zip(&idle).map(|(((entry, _), row_cells), &idle)| html! {
                <div class={classes!("card", idle.then_some("idle"))} data-strategy={entry.id.to_string()}>
                    <h3>{ swatch(entry.color, state.view.dark) }{ " " }{ &entry.strategy.name }</h3>
                    if idle {
                        <p class="idle-note">{ IDLE_NOTE }</p>
                    }
                    <dl>
                    { for ROWS.iter().zip(row_cells).enumerate().map(|(r, (row, (v, text)))| {
                        let is_best = !idle && matches!((v, best[r]), (Some(v), Some(b)) if *v == b);
                        let odd = v.is_some_and(|v| implausible(row.key, v));
                        html! {
                            <div class={classes!("kv", is_best.then_some("best"), odd.then_some("implausible"))}
                                data-key={row.key} title={odd.then_some(IMPLAUSIBLE_NOTE)}>
                                <dt>{ row.label }</dt>
                                <dd>{ text.clone() }{ if odd { " ⚠" } else if is_best { " ★" } else { "" } }</dd>
                            </div>
                        }
                    }) }
                    </dl>
                </div>
            }) }
            </div>
        </section>
    }
}
