//! The strategy list and the form that edits one strategy.

use engine::rules_text::{SCHEDULE_KINDS, WEIGHTING_KINDS};
use engine::strategy::{BandMethod, RegimeReference};
use engine::{Preset, Schedule, Strategy, Weighting};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::swatch;
use crate::state::strategy_edit::{self, custom_text, filter_text, Field};
use crate::state::{Action, AppContext, StrategyEntry, MAX_STRATEGIES};

pub fn preset_label(p: Preset) -> String {
    Strategy::preset(p).name
}

#[function_component(StrategyList)]
pub fn strategy_list() -> Html {
    let state = use_context::<AppContext>().expect("app state");
    let editing = use_state(|| None::<u32>);
    let on_preset = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = sel.value().parse::<usize>() {
                if let Some(p) = Preset::ALL.get(i) {
                    state.dispatch(Action::AddPreset(*p));
                }
            }
            sel.set_value("");
        })
    };
    let full = state.strategies.len() >= MAX_STRATEGIES;
    html! {
        <section class="panel strategies" aria-labelledby="strategies-h">
            <h2 id="strategies-h">{ "Strategies" }</h2>
            <ol class="strategy-list">
                { for state.strategies.iter().map(|entry| {
                    let id = entry.id;
                    let act = |a: fn(u32) -> Action| { let s = state.clone(); Callback::from(move |_: MouseEvent| s.dispatch(a(id))) };
                    let open = *editing == Some(id);
                    let toggle = { let editing = editing.clone(); Callback::from(move |_: MouseEvent| editing.set(if open { None } else { Some(id) })) };
                    html! {
                        <li key={id} class="strategy" data-id={id.to_string()}>
                            <div class="strategy-row">
                                <button class="swatch-btn" title="Change colour" aria-label="Change colour" onclick={act(Action::Recolor)}>{ swatch(entry.color, state.view.dark) }</button>
                                <span class="strategy-name">{ &entry.strategy.name }</span>
                                <span class="strategy-actions">
                                    <button class="link edit" onclick={toggle} aria-expanded={open.to_string()}>{ if open { "Close" } else { "Edit" } }</button>
                                    <button class="link" title="Duplicate" onclick={act(Action::Duplicate)} disabled={full}>{ "Copy" }</button>
                                    <button class="link" title="Move up" aria-label="Move up" onclick={act(Action::MoveUp)}>{ "↑" }</button>
                                    <button class="link remove" title="Remove" aria-label={format!("Remove {}", entry.strategy.name)} onclick={act(Action::Remove)}>{ "✕" }</button>
                                </span>
                            </div>
                            if open { <StrategyForm entry={entry.clone()} /> }
                        </li>
                    }
                }) }
            </ol>
            if state.strategies.is_empty() { <p class="muted">{ "No strategy yet: add a preset below." }</p> }
            <label class="add">
                <span>{ "Add a strategy " }</span>
                <select id="add-preset" onchange={on_preset} disabled={full}>
                    <option value="" selected=true>{ if full { "(at most 8 strategies)" } else { "choose a preset…" } }</option>
                    { for Preset::ALL.iter().enumerate().map(|(i, p)| html! { <option value={i.to_string()}>{ preset_label(*p) }</option> }) }
                </select>
            </label>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct FormProps {
    pub entry: StrategyEntry,
}

/// Every engine option of one strategy. A change that validates is applied at
/// once; one that does not shows its message here and changes nothing.
#[function_component(StrategyForm)]
pub fn strategy_form(props: &FormProps) -> Html {
    let state = use_context::<AppContext>().expect("app state");
    let error = use_state(|| None::<String>);
    let s = &props.entry.strategy;
    let id = props.entry.id;

    // A field edit: the input's text through `strategy_edit::apply`, then dispatched.
    let edit = |field: Field| {
        let (state, error, base) = (state.clone(), error.clone(), s.clone());
        Callback::from(move |e: Event| {
            let value = match e.target_dyn_into::<HtmlSelectElement>() {
                Some(sel) => sel.value(),
                None => e.target_unchecked_into::<HtmlInputElement>().value(),
            };
            match strategy_edit::apply(&base, field, &value) {
                Ok(next) => {
                    error.set(None);
                    state.dispatch(Action::Update(id, Box::new(next)));
                }
                Err(msg) => {
                    error.set(Some(msg));
                    // The re-render puts the valid value back; show what was typed next to the message.
                    if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                        gloo::timers::callback::Timeout::new(0, move || input.set_value(&value)).forget();
                    }
                }
            }
        })
    };
    let on_check = |apply: fn(&mut Strategy, bool)| {
        let (state, base) = (state.clone(), s.clone());
        Callback::from(move |e: Event| {
            let mut next = base.clone();
            apply(&mut next, e.target_unchecked_into::<HtmlInputElement>().checked());
            if next.validate().is_ok() {
                state.dispatch(Action::Update(id, Box::new(next)));
            }
        })
    };

    let every_n = match s.rebalance {
        Schedule::EveryNDays(n) => n,
        _ => 14,
    };
    // The exclusion groups as checkboxes; the text field holds the other ids.
    let has_token = |t: &str| s.universe.exclude.iter().any(|e| e.trim().eq_ignore_ascii_case(t));
    let toggle_token = |token: &'static str| {
        let (state, base) = (state.clone(), s.clone());
        Callback::from(move |e: Event| {
            let mut next = base.clone();
            next.universe.exclude.retain(|x| !x.trim().eq_ignore_ascii_case(token));
            if e.target_unchecked_into::<HtmlInputElement>().checked() {
                next.universe.exclude.push(token.to_string());
            }
            state.dispatch(Action::Update(id, Box::new(next)));
        })
    };
    let groups = engine::exclusions::groups();
    let group_box = |key: &str, class: &'static str, text: &str| {
        let g = groups.iter().find(|g| g.key == key);
        let token: &'static str = match key {
            "stablecoins" => engine::exclusions::STABLECOINS,
            _ => engine::exclusions::WRAPPED,
        };
        let n = g.map_or(0, |g| g.entries.len());
        html! {
            <label title={g.map(|g| format!("{}: {} names in the built-in list (CoinGecko ids and symbols)", g.label, n))}>
                <input class={class} type="checkbox" checked={has_token(token)} onchange={toggle_token(token)} />
                { format!(" {text} ({n})") }</label>
        }
    };
    let other_excluded: Vec<String> =
        s.universe.exclude.iter().filter(|e| !engine::exclusions::is_token(e)).cloned().collect();
    let fmt_opt = |v: Option<f64>| v.map(|x| format!("{x}")).unwrap_or_default();
    let pct_opt = |v: Option<f64>| v.map(|x| format!("{}", x * 100.0)).unwrap_or_default();

    html! {
        <form class="strategy-form" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            if let Some(msg) = &*error { <p class="error form-error" role="alert">{ msg }</p> }
            <label>{ "Name" }<input class="f-name" type="text" value={s.name.clone()}
                onchange={edit(Field::Name)} /></label>
            <fieldset><legend>{ "Universe" }</legend>
                <label title="Keep only the N largest assets by market cap on each reconstitution day; blank = all assets">{ "Top N " }
                    <input class="f-top" type="number" min="1" placeholder="all assets" value={s.universe.top_n.map(|n| n.to_string()).unwrap_or_default()}
                        onchange={edit(Field::TopN)} /></label>
                <div class="exclusions" role="group" aria-label="Leave out">
                    { group_box("stablecoins", "f-exclude", "Leave out stablecoins and pegged tokens") }
                    { group_box("wrapped", "f-exclude-wrapped", "Leave out wrapped and staked copies") }
                    <label title="Assets whose prices give them away as pegged to a currency or as a copy of another coin (see the data panel, where each can be included anyway)">
                        <input class="f-exclude-detected" type="checkbox" checked={has_token(engine::exclusions::DETECTED)}
                            onchange={toggle_token(engine::exclusions::DETECTED)} />
                        { " Leave out what the data shows as pegged or copied" }</label>
                </div>
                <label>{ "Reconstitute " }
                    <select class="f-recon" onchange={edit(Field::Reconstitution)}>
                        <option value="same" selected={s.universe.reconstitution.is_none()}>{ "at each rebalance" }</option>
                        { for SCHEDULE_KINDS.iter().filter(|(k, _)| *k != "every_n_days").map(|(k, l)| html! {
                            <option value={*k} selected={s.universe.reconstitution.map(Schedule::kind) == Some(*k)}>{ *l }</option> }) }
                    </select></label>
                <label title="An incumbent stays while its rank is within N × (1 + buffer)">{ "Buffer % " }
                    <input class="f-buffer" type="number" min="0" step="any" value={format!("{}", s.universe.buffer * 100.0)}
                        onchange={edit(Field::Buffer)} /></label>
                <label title="Days listed before an asset may enter">{ "Min. history (days) " }
                    <input class="f-minhist" type="number" min="0" value={s.universe.min_history_days.to_string()}
                        onchange={edit(Field::MinHistory)} /></label>
                <label title="Rank (and square-root weight) on a market cap smoothed by an exponential moving average with this half-life; blank = the day's cap">{ "Cap smoothing half-life (days) " }
                    <input class="f-halflife" type="number" min="1" step="any" value={fmt_opt(s.universe.rank_half_life_days)}
                        onchange={edit(Field::HalfLife)} /></label>
                <label title="Keep only assets whose average daily volume over 30 days is at least this (USD); blank = no minimum">{ "Min. volume (USD/day) " }
                    <input class="f-minvol" type="number" min="0" step="any" value={fmt_opt(s.universe.min_volume.as_ref().map(|m| m.amount))}
                        onchange={edit(Field::MinVolume)} /></label>
                <label title="Keep only assets whose value in an extra column of your data passes a test, e.g. score >= 0.5; blank = no filter">{ "Filter " }
                    <input class="f-filter" type="text" placeholder="score >= 0.5" value={filter_text(&s.universe.filter)}
                        onchange={edit(Field::Filter)} /></label>
                <label title="More asset ids or symbols never held, comma-separated">{ "Also excluded " }
                    <input class="f-exclude-list" type="text" value={other_excluded.join(", ")}
                        onchange={edit(Field::ExcludeList)} /></label>
                if !s.universe.include.is_empty() {
                    <label title="Held even though a group above names them (chosen in the data panel)">{ "Included anyway " }
                        <input class="f-include-list" type="text" value={s.universe.include.join(", ")}
                            onchange={edit(Field::IncludeList)} /></label>
                }
            </fieldset>
            <fieldset><legend>{ "Weighting" }</legend>
                <select class="f-weighting" onchange={edit(Field::Weighting)}>
                    { for WEIGHTING_KINDS.iter().map(|(k, l)| html! { <option value={*k} selected={s.weighting.kind() == *k}>{ *l }</option> }) }
                </select>
                { match &s.weighting {
                    Weighting::CappedMarketCap { max_weight } => html! { <label>{ "Max weight % " }
                        <input class="f-maxw" type="number" min="1" max="100" step="any" value={format!("{}", max_weight * 100.0)}
                            onchange={edit(Field::MaxWeight)} /></label> },
                    Weighting::InverseVolatility { .. } | Weighting::EqualRiskContribution { .. } | Weighting::VolumeWeighted { .. } => html! {
                        <label>{ "Lookback (days) " }<input class="f-lookback" type="number" min="2" value={s.weighting.lookback().unwrap_or(90).to_string()}
                            onchange={edit(Field::Lookback)} /></label> },
                    Weighting::Custom { .. } => html! { <label title="asset: weight pairs, normalised over the assets present">{ "Weights " }
                        <input class="f-custom" type="text" value={custom_text(&s.weighting)}
                            onchange={edit(Field::Custom)} /></label> },
                    _ => html! {},
                } }
            </fieldset>
            <fieldset><legend>{ "Rebalancing" }</legend>
                <select class="f-rebalance" onchange={edit(Field::Rebalance)}>
                    { for SCHEDULE_KINDS.iter().map(|(k, l)| html! { <option value={*k} selected={s.rebalance.kind() == *k}>{ *l }</option> }) }
                </select>
                if matches!(s.rebalance, Schedule::EveryNDays(_)) {
                    <label>{ "N " }<input class="f-everyn" type="number" min="1" value={every_n.to_string()}
                        onchange={edit(Field::EveryN)} /></label>
                }
                if s.rebalance.max_period_days().is_some() {
                    <label title="Trade on this data day of each period (0 = first)">{ "Day offset " }
                        <input class="f-offset" type="number" min="0" value={s.rebalance_offset.to_string()}
                            onchange={edit(Field::Offset)} /></label>
                }
                <label title="Rebalance when any weight drifts this many percentage points from its target (blank = off)">{ "Band, abs. pp " }
                    <input class="f-band-abs" type="number" min="0" step="any" value={pct_opt(s.bands.as_ref().and_then(|b| b.absolute))}
                        onchange={edit(Field::BandAbsolute)} /></label>
                <label title="Rebalance when any weight drifts by this share of its target (blank = off)">{ "Band, rel. % " }
                    <input class="f-band-rel" type="number" min="0" step="any" value={pct_opt(s.bands.as_ref().and_then(|b| b.relative))}
                        onchange={edit(Field::BandRelative)} /></label>
                if s.bands.is_some() {
                    <label title="What a band breach trades: everything back to target, or only the assets outside their band (to the band's edge, or part of the way to target)">{ "On a breach " }
                        <select class="f-band-method" onchange={edit(Field::BandMethod)}>
                            <option value="full" selected={s.band_method == BandMethod::Full}>{ "trade all to target" }</option>
                            <option value="edge" selected={s.band_method == BandMethod::Edge}>{ "only breaches, to the band edge" }</option>
                            <option value="half" selected={s.band_method == (BandMethod::Partial { fraction: 0.5 })}>{ "only breaches, half way to target" }</option>
                            <option value="outside" selected={s.band_method == (BandMethod::Partial { fraction: 1.0 })}>{ "only breaches, to target" }</option>
                        </select></label>
                }
                if s.rebalance.max_period_days().is_some() {
                    <label title="Split the portfolio into this many equal sleeves rebalanced on staggered days of the period (1 = no tranching): smooths timing luck">{ "Tranches " }
                        <input class="f-tranches" type="number" min="1" max={engine::strategy::MAX_TRANCHES.to_string()} value={s.tranches.to_string()}
                            onchange={edit(Field::Tranches)} /></label>
                }
            </fieldset>
            <fieldset><legend>{ "Trading costs" }</legend>
                <label title="Proportional fee on traded value, in basis points (1 bp = 0.01%)">{ "Fee (bp) " }
                    <input class="f-fee" type="number" min="0" step="any" value={format!("{}", s.costs.fee_bps)}
                        onchange={edit(Field::Fee)} /></label>
                <label title="Half the bid-ask spread, paid on every trade, in basis points">{ "Half-spread (bp) " }
                    <input class="f-spread" type="number" min="0" step="any" value={format!("{}", s.costs.half_spread_bps)}
                        onchange={edit(Field::Spread)} /></label>
                <label title="Square-root market impact: k × daily volatility × sqrt(trade / average daily volume). Blank = off">{ "Impact k " }
                    <input class="f-impact" type="number" min="0" step="any" value={fmt_opt(s.costs.impact.as_ref().map(|i| i.k))}
                        onchange={edit(Field::Impact)} /></label>
            </fieldset>
            <fieldset><legend>{ "Regime rule" }</legend>
                <label title="Move part of the portfolio to cash (a stablecoin at 0%) while the market is below its moving average">
                    <input class="f-regime" type="checkbox" checked={s.regime.is_some()}
                        onchange={on_check(|s, on| s.regime = on.then(strategy_edit::default_regime))} />
                    { " Risk-off below a moving average" }</label>
                if let Some(r) = &s.regime {
                    <label title="The series compared with its moving average: an asset id, or blank for the total market cap of the universe">{ "Reference asset " }
                        <input class="f-regime-ref" type="text" placeholder="total market cap"
                            value={match &r.reference { RegimeReference::Asset(a) => a.clone(), RegimeReference::TotalMarketCap => String::new() }}
                            onchange={edit(Field::RegimeReference)} /></label>
                    <label>{ "SMA days " }<input class="f-sma" type="number" min="2" value={r.sma_days.to_string()}
                        onchange={edit(Field::RegimeSma)} /></label>
                    <label>{ "Cash when risk-off % " }<input class="f-cash" type="number" min="0" max="100" step="any" value={format!("{}", r.cash_fraction * 100.0)}
                        onchange={edit(Field::RegimeCash)} /></label>
                }
            </fieldset>
        </form>
    }
}
