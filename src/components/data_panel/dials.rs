//! The built-in market's dials (volatility, crash, correlation, ...).

use engine::synth::MarketParams;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::state::{Action, AppContext};

#[derive(Properties, PartialEq)]
pub(super) struct DialsProps {
    pub params: MarketParams,
}

/// Sliders for the built-in market. Changes apply on release.
#[function_component(MarketDials)]
pub(super) fn market_dials(props: &DialsProps) -> Html {
    let state = use_context::<AppContext>().expect("app state");
    let dial = |label: &'static str,
                id: &'static str,
                min: f64,
                max: f64,
                step: f64,
                value: f64,
                set: fn(&mut MarketParams, f64)| {
        let (state, params) = (state.clone(), props.params.clone());
        let onchange = Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().parse::<f64>() {
                let mut p = params.clone();
                set(&mut p, v);
                state.dispatch(Action::LoadSynthetic(p));
            }
        });
        html! {
            <label class="dial">
                <span>{ label }</span>
                <input id={id} type="range" min={min.to_string()} max={max.to_string()} step={step.to_string()}
                    value={value.to_string()} {onchange} />
                <output>{ if step >= 1.0 { format!("{value:.0}") } else { format!("{value:.2}") } }</output>
            </label>
        }
    };
    let p = &props.params;
    html! {
        <details class="dials" open=true>
            <summary>{ "Built-in market dials" }</summary>
            { dial("Volatility ×", "dial-volatility", 0.2, 3.0, 0.1, p.volatility, |p, v| p.volatility = v) }
            { dial("Crash severity", "dial-crash", 0.0, 3.0, 0.1, p.crash_severity, |p, v| p.crash_severity = v) }
            { dial("Correlation", "dial-correlation", 0.0, 1.0, 0.05, p.correlation, |p, v| p.correlation = v) }
            { dial("Dispersion ×", "dial-dispersion", 0.0, 3.0, 0.1, p.dispersion, |p, v| p.dispersion = v) }
            { dial("Assets", "dial-assets", 10.0, 300.0, 10.0, p.n_assets as f64, |p, v| p.n_assets = v as usize) }
            { dial("Years", "dial-years", 1.0, 10.0, 1.0, p.years, |p, v| p.years = v) }
            { dial("Seed", "dial-seed", 1.0, 100.0, 1.0, p.seed as f64, |p, v| p.seed = v as u64) }
        </details>
    }
}
