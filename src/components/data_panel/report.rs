//! What the loader found: the spike note, pegged and copied coins with
//! "include anyway", the validation report and the asset list.

use engine::ingest::Report;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::compute::ByPtr;
use crate::state::{Action, AppContext};

/// A visible note when the data has suspect one-day spikes: they are
/// repaired by default (the note names the largest), with the offer to keep
/// them as they are, and back.
pub(super) fn spike_warning(r: &Report, toggle: Callback<MouseEvent>) -> Html {
    let spikes: Vec<(&str, &engine::ingest::Spike)> =
        r.assets.iter().flat_map(|a| a.spikes.iter().map(move |s| (a.id.as_str(), s))).collect();
    // Name the one that hurts most: an upward jump to a high price inflates a
    // coin's cap and so a cap-weighted index; a jump from 1e-14 to 0.005 does not.
    let weight = |s: &engine::ingest::Spike| if s.price > s.before { s.price } else { 0.0 };
    let Some((id, worst)) = spikes.iter().max_by(|a, b| weight(a.1).total_cmp(&weight(b.1))) else {
        return html! {};
    };
    let repaired = spikes.iter().all(|(_, s)| s.repaired);
    let largest = format!(
        "the largest: {id} on {} ({} the day before, {} that day)",
        worst.date,
        significant(worst.before),
        significant(worst.price)
    );
    let text = if repaired {
        format!(
            "{} one-day price spike(s) that revert the next day were repaired: the previous day's price and cap \
             were carried over them; {largest}.",
            spikes.len()
        )
    } else {
        format!(
            "{} suspect one-day price spike(s) that revert the next day are kept as they are; {largest}. \
             They distort volatility and drawdowns.",
            spikes.len()
        )
    };
    html! {
        <div class="notice info spikes" id="spike-warning" role="status">
            <span>{ text }</span>
            if repaired {
                <button class="link" id="keep-spikes" onclick={toggle}>{ "Keep them as they are" }</button>
            } else {
                <button class="link" id="repair-spikes" onclick={toggle}>{ "Repair them" }</button>
            }
        </div>
    }
}

/// The most flagged assets listed by name; the rest are counted.
const PEGGED_ROWS: usize = 50;

/// The assets the loader flagged as pegged tokens or copies of another
/// asset, with the evidence and "include anyway" (per asset and for all).
#[function_component(PeggedNotice)]
pub(super) fn pegged_notice() -> Html {
    let state = use_context::<AppContext>().expect("app state");
    let Some(report) = &state.report else { return html! {} };
    let pegged = &report.pegged;
    if pegged.is_empty() {
        return html! {};
    }
    let included = state.included();
    let set = |ids: Vec<String>, on: bool| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::SetIncluded(ids.clone(), on)))
    };
    let all: Vec<String> = pegged.iter().map(|p| p.id.clone()).collect();
    let n_in = pegged.iter().filter(|p| included.contains(&p.id)).count();
    let (copies, pegs) =
        (pegged.iter().filter(|p| p.is_copy()).count(), pegged.iter().filter(|p| !p.is_copy()).count());
    html! {
        <details class="notice info pegged" id="pegged" open={pegged.len() <= 12}>
            <summary>{ format!(
                "{} asset(s) look pegged or copied and are left out of universes: {pegs} pegged to a currency \
                 (stablecoins), {copies} tracking another coin (wrapped, bridged, staked){}",
                pegged.len(),
                if n_in > 0 { format!("; {n_in} included anyway") } else { String::new() }) }</summary>
            <p class="muted">{ "Found from the prices: a price within 3% of 1 USD (or 1 EUR) on 90% of days, or a \
                price ratio to a bigger coin within 5% of its median on 90% of common days. Index providers leave \
                such tokens out: they are not crypto risk, or they count the same coin twice." }</p>
            <ul class="pegged-list">
                { for pegged.iter().take(PEGGED_ROWS).map(|p| {
                    let on = included.contains(&p.id);
                    html! {
                        <li class={classes!("pegged-item", on.then_some("included"))} data-asset={p.id.clone()}>
                            <span class="evidence">{ p.to_string() }</span>{ " " }
                            if on {
                                <span class="tag">{ "included" }</span>
                                <button class="link exclude-again" onclick={set(vec![p.id.clone()], false)}>{ "Leave out" }</button>
                            } else {
                                <button class="link include-anyway" onclick={set(vec![p.id.clone()], true)}>{ "Include anyway" }</button>
                            }
                        </li>
                    }
                }) }
            </ul>
            if pegged.len() > PEGGED_ROWS {
                <p class="muted">{ format!("and {} more", pegged.len() - PEGGED_ROWS) }</p>
            }
            if n_in < pegged.len() {
                <button class="link" id="include-all-pegged" onclick={set(all.clone(), true)}>{ "Include all anyway" }</button>
            }
            if n_in > 0 {
                <button class="link" id="exclude-all-pegged" onclick={set(all, false)}>{ "Leave all out again" }</button>
            }
        </details>
    }
}

/// A price with four significant digits and thousands separators.
fn significant(v: f64) -> String {
    if v != 0.0 && v.abs() < 1e-4 {
        return format!("{v:.3e}");
    }
    let digits = if v == 0.0 { 0 } else { v.abs().log10().floor() as i32 };
    charts::format::number(v, (3 - digits).clamp(0, 12) as usize)
}

#[derive(Properties, PartialEq)]
pub(super) struct ReportProps {
    pub report: ByPtr<Report>,
}

/// The most assets the report table lists.
const REPORT_ROWS: usize = 300;

/// The validation report, collapsed to one line until opened.
#[function_component(ReportView)]
pub(super) fn report_view(props: &ReportProps) -> Html {
    let r = &props.report;
    // The table can hold hundreds of assets: built only once opened.
    let open = use_state(|| false);
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| open.set(e.target_unchecked_into::<web_sys::HtmlDetailsElement>().open()))
    };
    let issues: usize = r
        .assets
        .iter()
        .map(|a| a.carried_forward + a.duplicate_dates + a.price_invalid + a.spikes.len() + a.not_midnight)
        .sum();
    html! {
        <details class="report" id="report" {ontoggle}>
            <summary>{ format!(
                "Report: {} assets, {} to {}, {} warning(s), {} row issue(s) handled",
                r.n_assets, r.first_date, r.last_date, r.warnings.len(), issues) }</summary>
            if !r.warnings.is_empty() {
                <ul class="warnings">{ for r.warnings.iter().map(|w| html! { <li>{ w }</li> }) }</ul>
            }
            if *open {
            <table class="report-table">
                <thead><tr>
                    <th>{ "Asset" }</th><th>{ "File" }</th><th>{ "First" }</th><th>{ "Last" }</th><th>{ "Rows" }</th>
                    <th title="Missing days inside the listed span, filled with the previous day's price (0% return)">{ "Gaps filled" }</th>
                    <th title="Days with a blank or zero market cap">{ "No cap" }</th>
                    <th title="Rows with a repeated date (the last one is kept)">{ "Dup. dates" }</th>
                    <th title="Rows dropped: zero, negative or non-numeric price">{ "Bad prices" }</th>
                    <th title="One-day moves by more than 20x that revert the next day">{ "Spikes" }</th>
                </tr></thead>
                <tbody>{ for r.assets.iter().take(REPORT_ROWS).map(|a| html! {
                    <tr>
                        <td>{ &a.id }</td><td>{ &a.file }</td><td>{ a.first_date.to_string() }</td>
                        <td>{ a.last_date.to_string() }</td><td>{ a.rows }</td><td>{ a.carried_forward }</td>
                        <td>{ a.cap_missing_or_zero }</td><td>{ a.duplicate_dates }</td><td>{ a.price_invalid }</td>
                        <td>{ a.spikes.len() }</td>
                    </tr>
                }) }</tbody>
            </table>
            if r.assets.len() > REPORT_ROWS {
                <p class="muted" id="report-more">{ format!(
                    "and {} more assets (the first {REPORT_ROWS} are listed; the asset list below searches them all)",
                    r.assets.len() - REPORT_ROWS) }</p>
            }
            }
        </details>
    }
}

/// The loaded assets with their dates; searchable.
#[function_component(AssetList)]
pub(super) fn asset_list() -> Html {
    let state = use_context::<AppContext>().expect("app state");
    let query = use_state(String::new);
    let oninput = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| query.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let panel = &state.panel;
    let n_days = panel.n_days();
    let q = query.to_lowercase();
    let shown: Vec<_> = panel.assets().iter().filter(|a| q.is_empty() || a.id.to_lowercase().contains(&q)).collect();
    html! {
        <details class="assets">
            <summary>{ format!("Assets ({})", panel.n_assets()) }</summary>
            <input type="search" placeholder="Search assets" aria-label="Search assets" value={(*query).clone()} {oninput} />
            <ul class="asset-list">
                { for shown.iter().take(300).map(|a| html! {
                    <li>
                        <b>{ &a.id }</b>{ format!(" {} to {}", panel.dates()[a.first], panel.dates()[a.last]) }
                        if a.delisted(n_days) { <span class="tag">{ "delisted" }</span> }
                    </li>
                }) }
            </ul>
            if shown.len() > 300 { <p class="muted">{ format!("{} more; refine the search.", shown.len() - 300) }</p> }
        </details>
    }
}
