//! The metrics table and the rebalancing log.

use engine::metrics::MetricRow;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::compute::ByPtr;

use crate::components::swatch;
use crate::compute::Results;
use crate::services::download;
use crate::state::{Action, AppContext};

#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    pub results: ByPtr<Results>,
}

use engine::export::csv_line;

/// The warnings shown for one strategy.
const SHOWN_WARNINGS: usize = 5;
/// The longest warning shown, in characters.
const WARNING_CHARS: usize = 300;

/// "“name”: first warning; second warning; and N more", bounded.
fn warnings_text(name: &str, warnings: &[String]) -> String {
    let clip = |w: &String| -> String {
        if w.chars().count() > WARNING_CHARS {
            format!("{}…", w.chars().take(WARNING_CHARS).collect::<String>())
        } else {
            w.clone()
        }
    };
    let mut parts: Vec<String> = warnings.iter().take(SHOWN_WARNINGS).map(clip).collect();
    if warnings.len() > SHOWN_WARNINGS {
        parts.push(format!("and {} more", warnings.len() - SHOWN_WARNINGS));
    }
    format!("“{}”: {}", clip(&name.to_string()), parts.join("; "))
}

/// One column per strategy, one row per metric, the convention on hover.
#[function_component(MetricsTable)]
pub fn metrics_table(props: &ResultsProps) -> Html {
    let state = use_context::<AppContext>().expect("app state");
    // Sorting reorders the strategy columns by one metric, best first.
    let sort_by = use_state(|| None::<&'static str>);
    let results = &props.results;
    let mut cols: Vec<(&crate::state::StrategyEntry, Vec<MetricRow>)> =
        results.ok().map(|(e, run)| (e, run.metrics.rows())).collect();
    if let Some(key) = *sort_by {
        let value = |rows: &Vec<MetricRow>| {
            rows.iter()
                .find(|r| r.key == key)
                .and_then(|r| match r.value {
                    engine::metrics::MetricValue::Number(v) => Some(v),
                    _ => None,
                })
                .unwrap_or(f64::NEG_INFINITY)
        };
        engine::sort::sort_by(&mut cols, |a, b| value(&b.1).total_cmp(&value(&a.1)));
    }
    // Row keys from the strategy with the most rows (the benchmark lacks the relative ones).
    let keys: Vec<(&'static str, &'static str, String)> = cols
        .iter()
        .max_by_key(|(_, rows)| rows.len())
        .map(|(_, rows)| rows.iter().map(|r| (r.key, r.label, r.tooltip.clone())).collect())
        .unwrap_or_default();
    let cell = |rows: &Vec<MetricRow>, key: &str| -> Html {
        match rows.iter().find(|r| r.key == key) {
            Some(r) => {
                let neg = matches!(r.value, engine::metrics::MetricValue::Number(v) if v < 0.0);
                let odd = matches!(r.value, engine::metrics::MetricValue::Number(v)
                    if crate::components::summary::implausible(r.key, v));
                let title = if odd {
                    format!("{} {}", crate::components::summary::IMPLAUSIBLE_NOTE, r.tooltip)
                } else {
                    r.tooltip.clone()
                };
                html! {
                    <td class={classes!(neg.then_some("neg"), odd.then_some("implausible"))} {title}>
                        { &r.display }{ if odd { " ⚠" } else { "" } }
                    </td>
                }
            }
            None => html! { <td class="muted" title="Not applicable (this is the benchmark)">{ "–" }</td> },
        }
    };
    let csv = {
        let mut out = csv_line(
            &std::iter::once("metric".to_string())
                .chain(cols.iter().map(|(e, _)| e.strategy.name.clone()))
                .collect::<Vec<_>>(),
        );
        for (key, label, _) in &keys {
            let mut fields = vec![label.to_string()];
            for (_, rows) in &cols {
                fields.push(rows.iter().find(|r| r.key == *key).map(|r| r.display.clone()).unwrap_or_default());
            }
            out.push_str(&csv_line(&fields));
        }
        out
    };
    let download_csv = {
        let csv = csv.clone();
        Callback::from(move |_| download::text("indexlab-metrics.csv", "text/csv", &csv))
    };
    let copy = {
        let tsv = csv.replace(',', "\t");
        Callback::from(move |_| {
            crate::services::clipboard::copy(&tsv);
        })
    };
    let bench_name = results
        .benchmark
        .and_then(|id| results.outcomes.iter().find(|o| o.entry.id == id))
        .map(|o| o.entry.strategy.name.clone());
    let note = results.ok().next().map(|(_, r)| r.metrics.annualisation_note()).unwrap_or_default();
    html! {
        <section class="panel metrics" aria-labelledby="metrics-h">
            <div class="section-head">
                <h2 id="metrics-h">{ "Metrics" }</h2>
                <span class="chart-actions">
                    <button class="link" onclick={copy}>{ "Copy" }</button>
                    <button class="link" id="metrics-csv" onclick={download_csv}>{ "CSV" }</button>
                </span>
            </div>
            <p class="muted conventions">{ note }{ " Hover a value for its formula. " }
                if let Some(b) = bench_name { { format!("Relative metrics are against “{b}”. ") } }
                { "Click a metric to sort the strategies by it." }</p>
            { for results.outcomes.iter().filter_map(|o| o.result.as_ref().err().map(|e| (o, e))).map(|(o, e)| html! {
                <p class="error">{ format!("“{}” could not run: {e}", o.entry.strategy.name) }</p>
            }) }
            // Fallbacks and data problems a run met, next to its numbers.
            { for results.ok().filter(|(_, r)| !r.sim.warnings.is_empty()).map(|(e, r)| html! {
                <p class="notice warn strategy-warning" data-strategy={e.id.to_string()} role="status">
                    <span>{ swatch(e.color, state.view.dark) }{ " " }{ warnings_text(&e.strategy.name, &r.sim.warnings) }</span>
                </p>
            }) }
            // The key numbers above answer "who won"; the full table waits under a fold.
            <details class="all-metrics" id="all-metrics">
            <summary>{ format!("All metrics ({} rows: returns, risk, drawdowns, trading, against the benchmark)", keys.len()) }</summary>
            <div class="table-wrap">
            <table class="metrics-table" id="metrics-table">
                <thead><tr>
                    <th>{ "Metric" }</th>
                    { for cols.iter().map(|(e, _)| html! {
                        <th>{ swatch(e.color, state.view.dark) }{ " " }{ &e.strategy.name }</th>
                    }) }
                </tr></thead>
                <tbody>
                    { for keys.iter().map(|(key, label, tip)| {
                        let key = *key;
                        let onclick = { let sort_by = sort_by.clone(); Callback::from(move |_| sort_by.set(Some(key))) };
                        html! {
                            <tr data-key={key}>
                                <th scope="row" title={tip.clone()} {onclick} class="sortable">{ *label }</th>
                                { for cols.iter().map(|(_, rows)| cell(rows, key)) }
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            </div>
            </details>
        </section>
    }
}

/// Every trade of one strategy, filterable, with holdings at a chosen date.
#[function_component(TradeLog)]
pub fn trade_log(props: &ResultsProps) -> Html {
    let state = use_context::<AppContext>().expect("app state");
    let asset_q = use_state(String::new);
    let from_q = use_state(String::new);
    let to_q = use_state(String::new);
    let at_q = use_state(String::new);
    let results = &props.results;
    let Some((entry, run)) = state.focused().and_then(|f| results.find(f.id)).or_else(|| results.ok().next()) else {
        return html! { <p class="muted">{ "No strategy ran." }</p> };
    };
    let panel = &results.panel;
    let capital = run.sim.initial_capital;
    let from = engine::Date::parse_iso(&from_q);
    let to = engine::Date::parse_iso(&to_q);
    let aq = asset_q.to_lowercase();
    let rows: Vec<_> = run
        .sim
        .trades
        .iter()
        .filter(|t| from.is_none_or(|d| t.date >= d) && to.is_none_or(|d| t.date <= d))
        .filter(|t| aq.is_empty() || panel.assets()[t.asset].id.to_lowercase().contains(&aq))
        .collect();
    let csv = {
        let mut out =
            csv_line(&["date", "asset", "side", "units", "price", "value", "fee", "reason"].map(String::from));
        for t in &rows {
            out.push_str(&csv_line(&[
                t.date.to_string(),
                panel.assets()[t.asset].id.clone(),
                t.side.as_str().to_string(),
                format!("{}", t.units * capital),
                format!("{}", t.price),
                format!("{:.2}", t.value * capital),
                format!("{:.2}", t.fee * capital),
                t.reason.as_str().to_string(),
            ]));
        }
        out
    };
    let name = entry.strategy.name.clone();
    let download_csv = {
        let csv = csv.clone();
        Callback::from(move |_| download::text("indexlab-trades.csv", "text/csv", &csv))
    };
    let text_input = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |e: Event| h.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let pick = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(id) = sel.value().parse() {
                state.dispatch(Action::Focus(id));
            }
        })
    };
    let at_day = engine::Date::parse_iso(&at_q)
        .map(|d| panel.dates().partition_point(|x| *x <= d).saturating_sub(1))
        .unwrap_or(panel.n_days() - 1);
    let mut holdings = run.sim.weights_at(panel, at_day);
    engine::sort::sort_by(&mut holdings, |a, b| b.1.total_cmp(&a.1));
    let equity_at = run.sim.equity[at_day] * capital;
    const SHOWN: usize = 500;
    html! {
        <div class="trade-log">
            <div class="row filters">
                <label>{ "Strategy " }<select id="log-strategy" onchange={pick}>
                    { for results.ok().map(|(e, _)| html! { <option value={e.id.to_string()} selected={e.id == entry.id}>{ &e.strategy.name }</option> }) }
                </select></label>
                <label>{ "Asset " }<input id="log-asset" type="search" value={(*asset_q).clone()} onchange={text_input(&asset_q)} /></label>
                <label>{ "From " }<input id="log-from" type="date" value={(*from_q).clone()} onchange={text_input(&from_q)} /></label>
                <label>{ "To " }<input id="log-to" type="date" value={(*to_q).clone()} onchange={text_input(&to_q)} /></label>
                <button class="link" id="log-csv" onclick={download_csv}>{ format!("CSV ({} rows)", rows.len()) }</button>
            </div>
            <p class="muted">{ format!(
                "“{name}”: {} trades, {} rebalances, total fees {:.2} USD on {:.0} USD initial capital. Units and values in USD.",
                run.sim.trades.len(), run.sim.rebalances.len(), run.sim.total_fees * capital, capital) }</p>
            <div class="table-wrap log-wrap">
            <table class="log-table" id="log-table">
                <thead><tr><th>{ "Date" }</th><th>{ "Asset" }</th><th>{ "Side" }</th><th>{ "Units" }</th><th>{ "Price" }</th>
                    <th>{ "Value" }</th><th>{ "Fee" }</th><th>{ "Reason" }</th></tr></thead>
                <tbody>{ for rows.iter().take(SHOWN).map(|t| html! {
                    <tr>
                        <td>{ t.date.to_string() }</td><td>{ &panel.assets()[t.asset].id }</td>
                        <td class={t.side.as_str()}>{ t.side.as_str() }</td>
                        <td>{ format!("{:.6}", t.units * capital) }</td><td>{ format!("{:.4}", t.price) }</td>
                        <td>{ format!("{:.2}", t.value * capital) }</td><td>{ format!("{:.2}", t.fee * capital) }</td>
                        <td>{ t.reason.as_str() }</td>
                    </tr>
                }) }</tbody>
            </table>
            </div>
            if rows.len() > SHOWN { <p class="muted">{ format!("Showing the first {SHOWN} of {} trades; narrow the filters or download the CSV.", rows.len()) }</p> }
            <h3>{ "Holdings on " }<input id="holdings-date" type="date" value={panel.dates()[at_day].to_string()} onchange={text_input(&at_q)} /></h3>
            <p class="muted">{ format!("Portfolio value {} USD; cash {:.2}%.", charts::format::number(equity_at, 2), 100.0 * run.sim.cash[at_day] / run.sim.equity[at_day]) }</p>
            <ul class="holdings">{ for holdings.iter().take(30).map(|(a, w)| html! {
                <li><b>{ &panel.assets()[*a].id }</b>{ format!(" {:.2}%", w * 100.0) }</li>
            }) }</ul>
        </div>
    }
}
