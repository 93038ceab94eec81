//! The page: header, data and strategy panels on the left, results on the right.

use std::rc::Rc;
use yew::prelude::*;

use crate::components::data_panel::DataPanel;
use crate::components::results::ChartsArea;
use crate::components::strategies::StrategyList;
use crate::components::tables::MetricsTable;
use crate::compute::Results;
use crate::services::storage;
use crate::state::{Action, AppContext, AppState};

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| storage::load().map(AppState::restored).unwrap_or_else(AppState::initial));
    let size_epoch = use_state(|| 0u32);

    // Keep the session across visits.
    {
        let saved = state.saved();
        use_effect_with(saved, storage::save);
    }
    // Redraw charts at their new width when the window resizes.
    {
        let size_epoch = size_epoch.clone();
        use_effect_with((), move |_| {
            let listener = gloo::events::EventListener::new(&gloo::utils::window(), "resize", move |_| {
                size_epoch.set(*size_epoch + 1);
            });
            move || drop(listener)
        });
    }
    // Dark or light theme on the whole page.
    {
        let dark = state.view.dark;
        use_effect_with(dark, |dark| {
            if let Some(root) = gloo::utils::document().document_element() {
                let _ = root.set_attribute("data-theme", if *dark { "dark" } else { "light" });
            }
        });
    }

    // Every simulation, derived from the inputs that change numbers.
    let results = {
        let s = (*state).clone();
        use_memo(
            (crate::compute::ByPtr(s.panel.clone()), s.range, s.initial_capital, s.strategies.clone()),
            move |_| Rc::new(Results::compute(&s)),
        )
    };
    let results: Rc<Results> = (*results).clone();

    let toggle_dark = {
        let state = state.clone();
        let dark = state.view.dark;
        Callback::from(move |_| state.dispatch(Action::SetDark(!dark)))
    };
    let reset = {
        let state = state.clone();
        Callback::from(move |_| {
            storage::clear();
            state.dispatch(Action::LoadSynthetic(engine::synth::MarketParams::default()));
        })
    };

    html! {
        <ContextProvider<AppContext> context={state.clone()}>
            <header class="top">
                <h1>{ "IndexLab" }</h1>
                <p class="tagline">{ "Build crypto indexes and compare them on real or built-in data. \
                    Everything runs in your browser; your files never leave it." }</p>
                <span class="spacer"></span>
                <button class="link" onclick={reset} title="Reload the built-in market">{ "Reset data" }</button>
                <button class="link" id="theme-toggle" onclick={toggle_dark}>{ if state.view.dark { "Light theme" } else { "Dark theme" } }</button>
            </header>
            <main class="layout">
                <aside class="side">
                    <DataPanel />
                    <StrategyList />
                </aside>
                <div class="results">
                    <p class="intro">{ "Each line is one index strategy run on the data at left, after trading costs. \
                        Edit a strategy or add a preset to compare; load your own CoinGecko CSV files to use real prices." }</p>
                    <ChartsArea results={results.clone()} size_epoch={*size_epoch} />
                    <MetricsTable results={results} />
                </div>
            </main>
        </ContextProvider<AppContext>>
    }
}
