//! The page: header, data and strategy panels on the left, results on the right.

use std::rc::Rc;
use yew::prelude::*;

use crate::components::data_panel::DataPanel;
use crate::components::results::ChartsArea;
use crate::components::strategies::StrategyList;
use crate::components::tables::MetricsTable;
use crate::services::{link, storage};
use crate::state::{Action, AppContext, AppState, LinkNotice};

#[function_component(App)]
pub fn app() -> Html {
    // The saved session, unless restoring it last time never finished.
    let interrupted = use_memo((), |_| storage::restore_interrupted());
    let state = use_reducer(|| {
        let saved = if *interrupted { None } else { storage::load() };
        if saved.is_some() {
            storage::restore_begun();
        }
        saved.map(AppState::restored).unwrap_or_else(AppState::initial)
    });
    // The page rendered the restored session: a later visit may restore again.
    use_effect_with((), |_| storage::restore_done());
    let show_interrupted = use_state(|| *interrupted);
    let storage_ok = use_memo((), |_| storage::available());
    let size_epoch = use_state(|| 0u32);

    // Open the share link in the address, and follow back/forward between links.
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let open = move || {
                if let Some(hash) = link::current().filter(|h| link::take_if_new(h)) {
                    state.dispatch(Action::OpenLink(hash));
                }
            };
            open();
            let on_nav = move |_: &web_sys::Event| open();
            let a = gloo::events::EventListener::new(&gloo::utils::window(), "hashchange", on_nav.clone());
            let b = gloo::events::EventListener::new(&gloo::utils::window(), "popstate", on_nav);
            move || drop((a, b))
        });
    }
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

    // Every simulation, derived from the inputs that change numbers: here
    // for small problems, in a worker for large ones (see offload.rs).
    let crate::offload::Shown { results, updating, from_worker } = crate::offload::use_results(&state);

    let toggle_dark = {
        let state = state.clone();
        let dark = state.view.dark;
        Callback::from(move |_| state.dispatch(Action::SetDark(!dark)))
    };
    // Reset can be undone for 10 s: the whole state before it is kept.
    let undo = use_state(|| None::<Rc<AppState>>);
    // Datasets kept in this browser when Reset was pressed: offered for deletion too.
    let kept_count = use_state(|| None::<usize>);
    let reset = {
        let (state, undo, kept_count) = (state.clone(), undo.clone(), kept_count.clone());
        Callback::from(move |_| {
            undo.set(Some(Rc::new((*state).clone())));
            let kept_count = kept_count.clone();
            yew::platform::spawn_local(async move {
                let n = crate::services::kept::list().await.map(|l| l.len()).unwrap_or(0);
                kept_count.set((n > 0).then_some(n));
            });
            storage::clear();
            state.dispatch(Action::LoadScenario(Box::new(AppState::initial().scenario()), None));
            let undo = undo.clone();
            gloo::timers::callback::Timeout::new(10_000, move || undo.set(None)).forget();
        })
    };
    let undo_notice = undo.as_ref().map(|earlier| {
        let (state, undo, earlier) = (state.clone(), undo.clone(), earlier.clone());
        let forget_kept = kept_count.map(|n| {
            let kept_count = kept_count.clone();
            let onclick = Callback::from(move |_| {
                let kept_count = kept_count.clone();
                yew::platform::spawn_local(async move {
                    let _ = crate::services::kept::clear().await;
                    kept_count.set(None);
                });
            });
            html! {
                <button class="link" id="reset-kept" {onclick}>{ format!("Also delete the {n} dataset(s) kept in this browser") }</button>
            }
        });
        html! {
            <div class="notice info" id="reset-undo" role="status">
                <span>{ "Back to the built-in market and the default comparison." }</span>
                { for forget_kept }
                <button class="link" id="undo-reset" onclick={Callback::from(move |_| {
                    state.dispatch(Action::Restore(Box::new((*earlier).clone())));
                    undo.set(None);
                })}>{ "Undo" }</button>
            </div>
        }
    });

    let export_bundle = {
        let state = state.clone();
        Callback::from(move |_| {
            let files: Vec<(&str, &[u8])> = state.files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
            match engine::share::encode_bundle(&state.scenario(), &files) {
                Ok(bytes) => crate::services::download::bytes(
                    &format!("scenario{}", crate::components::data_panel::BUNDLE_EXTENSION),
                    "application/octet-stream",
                    &bytes,
                ),
                Err(e) => state.dispatch(Action::DataError(format!("Could not export the bundle: {e}"))),
            }
        })
    };
    // The charts-only address for an iframe, shown once asked for.
    let embed_url = use_state(|| None::<String>);
    let make_embed = {
        let (state, embed_url) = (state.clone(), embed_url.clone());
        Callback::from(move |_| {
            let mut sc = state.scenario();
            sc.view.embed = true;
            match sc.to_link() {
                Ok(l) => {
                    let url = link::url_for(&l);
                    crate::services::clipboard::copy(&url);
                    embed_url.set(Some(url));
                }
                Err(e) => state.dispatch(Action::DataError(format!("Could not make a link: {e}"))),
            }
        })
    };
    // None: not yet; Some(true): copied; Some(false): in the address bar only.
    let copied = use_state(|| None::<bool>);
    let copy_link = {
        let (state, copied) = (state.clone(), copied.clone());
        Callback::from(move |_| match state.scenario().to_link() {
            Ok(l) => copied.set(Some(link::publish(&l))),
            Err(e) => state.dispatch(Action::DataError(format!("Could not make a link: {e}"))),
        })
    };
    // Where the comparison stands when it is not simply shown: paused
    // before a long run, or running in the background (with Cancel).
    let days = state.range.1 - state.range.0 + 1;
    let what = format!("{} strategies × {} days × {} assets", state.strategies.len(), days, state.panel.n_assets());
    // A waiting link whose files all have addresses: the Data panel offers Load.
    let fetchable = state.pending.as_ref().is_some_and(|sc| sc.data.fetchable().is_some());
    let run_notice = if let Some(sc) = &state.pending {
        let names = match &sc.data {
            engine::scenario::DataRef::Files { names, .. } => names.clone(),
            engine::scenario::DataRef::Synthetic(_) => Vec::new(),
        };
        let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
        let more = if names.len() > 5 { format!(" and {} more", names.len() - 5) } else { String::new() };
        let text = if fetchable && !state.view.embed {
            format!(
                "Waiting for the link's data: {}{more} will be fetched from the web when you press Load in the Data \
                 panel (nothing is fetched before). Then the link's date range, capital and choices are applied.",
                shown.join(", ")
            )
        } else if state.view.embed {
            format!(
                "This comparison was made on files ({}{more}) that are not part of the link, so it cannot be shown \
                 here. Open it in IndexLab and load the same files to see its results.",
                shown.join(", ")
            )
        } else {
            format!(
                "Waiting for your files: load {}{more} in the Data panel (they are checked byte for byte). Nothing is \
                 computed until they arrive; then the link's date range, capital and choices are applied.",
                shown.join(", ")
            )
        };
        html! { <div class="notice warn" id="waiting-files" role="status"><span>{ text }</span></div> }
    } else if state.paused {
        let seconds = state.estimated_seconds();
        let run = {
            let state = state.clone();
            Callback::from(move |_| state.dispatch(Action::Run))
        };
        html! {
            <div class="notice warn" id="paused" role="status">
                <span>{ format!(
                    "This comparison ({what}) is estimated to take about {} to compute, so it has not been run. \
                     Run it (the page stays usable; Cancel stops it), or edit the strategies first: \
                     a smaller Top N, a slower rebalance or a cheaper weighting.",
                    crate::components::duration(seconds)) }</span>
                <button class="primary" id="run-paused" onclick={run}>{ "Run" }</button>
            </div>
        }
    } else if updating {
        let cancel = {
            let state = state.clone();
            Callback::from(move |_| state.dispatch(Action::Pause))
        };
        html! {
            <div class="notice info" id="updating" role="status">
                <span>{ format!(
                    "Simulating {what} in a background worker (about {}); {}",
                    crate::components::duration(state.estimated_seconds()),
                    if results.outcomes.is_empty() { "the results appear here when it finishes." }
                    else { "the charts and numbers below are the previous ones, greyed, until it finishes." }) }</span>
                <button class="link" id="cancel-run" onclick={cancel}>{ "Cancel" }</button>
            </div>
        }
    } else {
        html! {}
    };
    let interrupted_notice = (*show_interrupted).then(|| {
        let dismiss = {
            let show = show_interrupted.clone();
            Callback::from(move |_| show.set(false))
        };
        html! {
            <div class="notice warn" id="restore-interrupted" role="status">
                <span>{ "Your last visit did not finish opening its saved comparison (the tab may have frozen or \
                         crashed), so this page starts without it. " }
                    <a href="./">{ "Try it again" }</a>{ " or " }<a href="?reset">{ "forget it" }</a>{ "." }</span>
                <button class="link" onclick={dismiss}>{ "Dismiss" }</button>
            </div>
        }
    });
    // An embed has no Data panel: its waiting notice says what to do instead.
    let embed_waiting = state.view.embed && state.pending.is_some();
    let notice = state.link_notice.clone().filter(|_| !embed_waiting).map(|n| {
        let dismiss = {
            let state = state.clone();
            Callback::from(move |_| state.dispatch(Action::DismissLinkNotice))
        };
        let (class, text) = match n {
            LinkNotice::Error(e) => ("error", format!("{e} Your current setup is unchanged.")),
            LinkNotice::NeedsFiles { names, .. } if fetchable => ("info", format!(
                "This link's data is on the web ({}{}). Press Load in the Data panel to fetch it; each file is checked \
                 byte for byte against the link.",
                names.iter().take(5).cloned().collect::<Vec<_>>().join(", "),
                if names.len() > 5 { format!(" and {} more", names.len() - 5) } else { String::new() })),
            LinkNotice::NeedsFiles { names, fingerprint, .. } => ("info", format!(
                "This link was made with uploaded data ({}{}). Load the same files in the Data panel to reproduce it; \
                 they will be checked against the link's fingerprint {}….",
                names.iter().take(5).cloned().collect::<Vec<_>>().join(", "),
                if names.len() > 5 { format!(" and {} more", names.len() - 5) } else { String::new() },
                fingerprint.chars().take(12).collect::<String>())),
            LinkNotice::SameData => ("ok", "Same data: every file is byte for byte the sender's and was read the same way, so the results are the sender's.".to_string()),
            LinkNotice::DifferentData(which) => ("error", format!("Different data: {which}, so results will differ from the sender's.")),
        };
        html! {
            <div class={classes!("notice", class)} id="link-notice" role="status">
                <span>{ text }</span><button class="link" onclick={dismiss}>{ "Dismiss" }</button>
            </div>
        }
    });

    if state.view.embed {
        return html! {
            <ContextProvider<AppContext> context={state.clone()}>
                <main class="embed">
                    { notice }
                    { run_notice }
                    if state.lesson.is_some() {
                        <crate::lessons::LessonsPanel results={results.clone()} />
                    }
                    <ChartsArea results={results} size_epoch={*size_epoch} />
                    <p class="muted">{ "Made with IndexLab, a crypto index simulator that runs in the browser." }</p>
                </main>
            </ContextProvider<AppContext>>
        };
    }

    html! {
        <ContextProvider<AppContext> context={state.clone()}>
            <header class="top">
                <h1>{ "IndexLab" }</h1>
                <p class="tagline">{ "Compare crypto index rules on real or built-in data, \
                    all in your browser: your files never leave it." }</p>
                <button class={classes!("link", state.learn_open.then_some("active"))} id="learn-toggle" onclick={
                    let state = state.clone();
                    let open = state.learn_open;
                    Callback::from(move |_| state.dispatch(Action::SetLearnOpen(!open)))
                }>{ if state.learn_open { "Close lessons" } else { "Learn" } }</button>
                <button class="primary" id="copy-link" onclick={copy_link}
                    title="Put this exact simulation in the address bar and copy the link. Back and forward step through the links you copied; changes made since are not steps in the history">{ match *copied {
                        None => "Copy link",
                        Some(true) => "Link copied",
                        Some(false) => "Link in the address bar",
                    } }</button>
                <button class="link" id="embed-link" onclick={make_embed}
                    title="A link that shows only the charts, for an iframe in a course page or a blog post">{ "Embed" }</button>
                <button class="link" id="export-bundle" onclick={export_bundle}
                    title="Save one file with this scenario and the loaded data; drop it on the page to restore both">{ "Export bundle" }</button>
                <button class="link" id="reset" onclick={reset} title="Back to the built-in market and the default comparison">{ "Reset" }</button>
                <button class="link" id="theme-toggle" onclick={toggle_dark}>{ if state.view.dark { "Light theme" } else { "Dark theme" } }</button>
            </header>
            { notice }
            { undo_notice }
            { interrupted_notice }
            if let Some(url) = &*embed_url {
                <div class="notice info embed-offer" role="status">
                    <label>{ "Embed this view (charts only), copied: " }
                        <input id="embed-url" type="text" readonly=true value={url.clone()} size="60" /></label>
                    <label>{ " or paste this into a course page: " }
                        <input id="embed-snippet" type="text" readonly=true size="60" value={format!(
                            "<iframe src=\"{}\" width=\"960\" height=\"720\" style=\"border:0\" title=\"IndexLab comparison\" loading=\"lazy\"></iframe>",
                            url.replace('"', "%22"))} /></label>
                    if matches!(state.data, engine::scenario::DataRef::Files { .. }) {
                        <span class="muted">{ " The loaded files are not part of the link: viewers see a note instead of results." }</span>
                    }
                    <button class="link" onclick={
                        let embed_url = embed_url.clone();
                        Callback::from(move |_| embed_url.set(None))
                    }>{ "Dismiss" }</button>
                </div>
            }
            <main class="layout">
                <aside class="side">
                    <DataPanel />
                    <StrategyList />
                </aside>
                <div class="results">
                    <p class="intro">{ "Each line is one index strategy run on the data at left, after trading costs. \
                        Edit a strategy or add a preset to compare; load your own CoinGecko CSV files to use real prices." }</p>
                    if state.learn_open {
                        <crate::lessons::LessonsPanel results={results.clone()} />
                    }
                    { run_notice }
                    <div class={classes!("results-body", (updating || state.paused).then_some("stale"))}>
                    <crate::components::summary::KeyNumbers results={results.clone()} />
                    <ChartsArea results={results.clone()} size_epoch={*size_epoch} />
                    <MetricsTable results={results.clone()} />
                    </div>
                    <crate::components::sweep::SweepPanel results={results.clone()} size_epoch={*size_epoch} {updating} />
                    if !*storage_ok {
                        <p class="muted" id="storage-note">{ "This browser blocks storage here, so the session is not kept after you leave; everything else works." }</p>
                    }
                    if !results.outcomes.is_empty() {
                    <p class="muted" id="timing">{ format!(
                        "{} strategies × {} days × {} assets simulated (with and without costs) and measured in {:.1} ms, {}.",
                        results.outcomes.len(), results.panel.n_days(), results.panel.n_assets(), results.elapsed_ms,
                        if from_worker { "in a background worker" } else { "in this page" }) }</p>
                    }
                </div>
            </main>
        </ContextProvider<AppContext>>
    }
}
