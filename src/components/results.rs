//! The results area: the main charts, the tabbed secondary charts and the log.

use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::chart::{theme, Chart};
use crate::components::robustness::RobustnessPanel;
use crate::components::tables::TradeLog;
use crate::compute::{ByPtr, ChartData, ChartKind, Results};
use crate::state::{Action, AppContext, Tab};

#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    pub results: ByPtr<Results>,
    pub size_epoch: u32,
}

#[function_component(ChartsArea)]
pub fn charts_area(props: &ChartsProps) -> Html {
    let state = use_context::<AppContext>().expect("app state");
    let view = &state.view;
    let focus = state.focused().map(|f| f.id);
    let data = {
        let results = props.results.clone();
        let with_weights = view.tab == Tab::Weights;
        use_memo(
            (results, focus, view.rolling_window, with_weights, view.dark),
            |(results, focus, window, with_weights, dark)| {
                Rc::new(ChartData::prepare(&results.0, *focus, *window, *with_weights, &theme(*dark)))
            },
        )
    };
    let data: Rc<ChartData> = (*data).clone();
    let on_zoom = {
        let state = state.clone();
        Callback::from(move |z| state.dispatch(Action::SetZoom(z)))
    };
    let chart = |kind: ChartKind, title: String, height: u32| {
        html! {
            <Chart kind={kind} data={data.clone()} zoom={view.zoom} log_scale={view.log_scale} dark={view.dark}
                size_epoch={props.size_epoch} height={height} title={title} on_zoom={on_zoom.clone()} />
        }
    };
    let tab_button = |tab: Tab, label: &'static str| {
        let state = state.clone();
        let selected = view.tab == tab;
        html! {
            <button role="tab" aria-selected={selected.to_string()} class={classes!("tab", selected.then_some("active"))}
                id={format!("tab-{}", label.to_lowercase().replace(' ', "-"))}
                onclick={Callback::from(move |_| state.dispatch(Action::SetTab(tab)))}>{ label }</button>
        }
    };
    let set_log = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            state.dispatch(Action::SetLogScale(e.target_unchecked_into::<HtmlInputElement>().checked()))
        })
    };
    let set_window = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            if let Ok(w) = e.target_unchecked_into::<HtmlInputElement>().value().parse() {
                state.dispatch(Action::SetRollingWindow(w));
            }
        })
    };
    let reset_zoom = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::SetZoom(None)))
    };
    let focus_name = data.focus_name.clone();
    html! {
        <section class="panel charts" aria-label="Charts">
            <div class="toolbar">
                <label><input id="log-scale" type="checkbox" checked={view.log_scale} onchange={set_log} />{ " Log scale" }</label>
                <span class="muted">{ "Drag across a chart to zoom; double-click to reset." }</span>
                if view.zoom.is_some() { <button class="link" id="reset-zoom" onclick={reset_zoom}>{ "Show all dates" }</button> }
                if let Some((a, b)) = view.zoom {
                    <button class="link" id="use-zoom" title="Simulate only these dates: every number and chart is recomputed on them" onclick={
                        let state = state.clone();
                        let offset = state.range.0;
                        Callback::from(move |_| state.dispatch(Action::SetRange(offset + a, offset + b)))
                    }>{ "Use these dates" }</button>
                }
            </div>
            { chart(ChartKind::Growth, "Growth of 1 (after costs)".into(), 380) }
            { chart(ChartKind::Drawdown, "Drawdown from the running peak".into(), 220) }
            <div class="tabs" role="tablist">
                { tab_button(Tab::Weights, "Weights") }
                { tab_button(Tab::Rolling, "Rolling risk") }
                { tab_button(Tab::Monthly, "Monthly returns") }
                { tab_button(Tab::Turnover, "Turnover") }
                { tab_button(Tab::Log, "Rebalancing log") }
                { tab_button(Tab::Robustness, "Robustness") }
            </div>
            <div class="tab-body" role="tabpanel">
            { match view.tab {
                Tab::Weights => html! { <>
                    <StrategyPicker />
                    { chart(ChartKind::Weights, format!("Weights over time: {focus_name} (top 8 named, rest grouped)"), 320) }
                </> },
                Tab::Rolling => html! { <>
                    <label>{ "Window (days) " }<input id="rolling-window" type="number" min="5" max="730" value={view.rolling_window.to_string()} onchange={set_window} /></label>
                    { chart(ChartKind::RollingVolatility, format!("Rolling {}-day volatility, annualised ×√365", view.rolling_window), 260) }
                    { chart(ChartKind::RollingSharpe, format!("Rolling {}-day Sharpe ratio (rf 0%)", view.rolling_window), 260) }
                </> },
                Tab::Monthly => html! { <>
                    <StrategyPicker />
                    { chart(ChartKind::Monthly, format!("Monthly returns: {focus_name} (last column: the year)"), 60 + 26 * data.monthly.len().max(1) as u32) }
                </> },
                Tab::Turnover => chart(ChartKind::Turnover, "Turnover per rebalance (two-sided, share of portfolio value)".into(), 260),
                Tab::Log => html! { <TradeLog results={props.results.clone()} /> },
                Tab::Robustness => html! { <RobustnessPanel results={props.results.clone()} /> },
            } }
            </div>
        </section>
    }
}

/// Chooses the strategy shown by the weights and monthly charts.
#[function_component(StrategyPicker)]
fn strategy_picker() -> Html {
    let state = use_context::<AppContext>().expect("app state");
    let focus = state.focused().map(|f| f.id);
    let onchange = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            if let Ok(id) = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value().parse() {
                state.dispatch(Action::Focus(id));
            }
        })
    };
    html! {
        <label>{ "Strategy " }<select id="focus-strategy" {onchange}>
            { for state.strategies.iter().map(|e| html! {
                <option value={e.id.to_string()} selected={Some(e.id) == focus}>{ &e.strategy.name }</option>
            }) }
        </select></label>
    }
}
