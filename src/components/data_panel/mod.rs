//! The data panel: built-in market dials, file upload, the validation report,
//! the simulated date range, initial capital and the asset list.

use engine::ingest::{Format, IngestOptions};
use engine::scenario::{DataRef, Scenario};
use engine::synth::MarketParams;
use gloo::file::callbacks::FileReader;
use gloo::file::File;
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::{DragEvent, HtmlInputElement};
use yew::prelude::*;

use crate::components::kept::KeptData;
use crate::components::url_data::{Fetched, UrlData};
use crate::services::files::{read_all, NamedBytes};
use crate::state::{Action, AppContext, LinkNotice};
use crate::workers::{self, protocol::JobId, protocol::Parsed};

mod dials;
mod report;

use dials::MarketDials;
use report::{spike_warning, AssetList, PeggedNotice, ReportView};

/// How files are read: the user's choices in the data panel, or a link's.
use engine::scenario::ReadHow as How;

/// What loading files needs: the state, the progress line and the parse
/// running in a worker (at most one; a new load or Cancel replaces it).
#[derive(Clone)]
struct Loader {
    state: AppContext,
    progress: UseStateHandle<Option<String>>,
    job: Rc<RefCell<Option<JobId>>>,
    readers: Rc<RefCell<Vec<FileReader>>>,
}

impl Loader {
    /// Parses files into a panel in a worker and loads it, then `then` (a
    /// bundle's scenario); on failure the previous data stays and the error
    /// says where. Flagged one-day spikes are repaired unless `keep_spikes`.
    /// The bytes are shared (not copied) with the request and the state.
    fn ingest(&self, files: Rc<Vec<NamedBytes>>, how: How, then: Option<Scenario>) {
        let urls = vec![None; files.len()];
        self.ingest_from(files, how, then, urls);
    }

    /// [`Loader::ingest`] for files fetched from these addresses (one per file).
    fn ingest_from(&self, files: Rc<Vec<NamedBytes>>, how: How, then: Option<Scenario>, urls: Vec<Option<String>>) {
        self.cancel();
        let megabytes = files.iter().map(|(_, b)| b.len()).sum::<usize>() as f64 / 1e6;
        self.progress.set(Some(format!("Parsing {} file(s), {megabytes:.1} MB, in the background…", files.len())));
        let kept = files.clone();
        let (on_progress, on_done) = (self.clone(), self.clone());
        let job = workers::parse(
            files,
            // max_bytes bounds what a gzip file may expand to in the worker's memory.
            IngestOptions { max_bytes: engine::ingest::limits::MAX_DECOMPRESSED_BYTES, ..how.ingest_options() },
            move |done, total| on_progress.progress.set(Some(format!("Parsed {done} of {total} file(s)…"))),
            move |job, outcome| {
                on_done.job.borrow_mut().take();
                on_done.progress.set(None);
                let state = &on_done.state;
                match outcome {
                    Ok(parsed) => {
                        let Parsed { panel, report, fingerprint, file_hashes, parse_ms } = *parsed;
                        let panel = Rc::new(panel);
                        workers::adopt(job, &panel);
                        state.dispatch(Action::DataLoaded {
                            files: kept,
                            urls,
                            hashes: file_hashes,
                            how,
                            parse_ms,
                            fingerprint,
                            panel,
                            report: Rc::new(report),
                        });
                        if let Some(scenario) = then {
                            state.dispatch(Action::LoadScenario(Box::new(scenario), None));
                        }
                    }
                    Err(e) => state.dispatch(Action::DataError(format!(
                        "Could not load the files: {e}. The previous data is still loaded."
                    ))),
                }
            },
        );
        *self.job.borrow_mut() = Some(job);
    }

    /// Stops reading and parsing files; the data loaded before stays.
    fn cancel(&self) {
        self.readers.borrow_mut().clear();
        if let Some(job) = self.job.borrow_mut().take() {
            workers::cancel_parse(job);
        }
        self.progress.set(None);
    }
}

/// A bundle exported by IndexLab (scenario and data in one file).
fn is_bundle(files: &[NamedBytes]) -> bool {
    files.len() == 1 && files[0].0.ends_with(BUNDLE_EXTENSION)
}

/// The file name ending of exported bundles.
pub const BUNDLE_EXTENSION: &str = ".indexlab";

/// Loads a bundle's data files, then its scenario; a damaged bundle changes nothing.
fn open_bundle(loader: &Loader, (name, bytes): &NamedBytes) {
    let state = &loader.state;
    let bundle = match engine::share::decode_bundle::<Scenario>(bytes, engine::share::DEFAULT_BUNDLE_LIMIT) {
        Ok(b) => b,
        Err(e) => {
            state.dispatch(Action::DataError(format!(
                "{name}: this bundle cannot be opened: {e}. Nothing was changed."
            )));
            return;
        }
    };
    if let Err(e) = bundle.scenario.validate() {
        state.dispatch(Action::DataError(format!("{name}: this bundle holds an invalid scenario: {e}.")));
        return;
    }
    if bundle.files.is_empty() {
        state.dispatch(Action::LoadScenario(Box::new(bundle.scenario), None));
    } else {
        // Read as the sender read them.
        let how = bundle.scenario.data.read_how();
        loader.ingest(Rc::new(bundle.files), how, Some(bundle.scenario));
    }
}

#[function_component(DataPanel)]
pub fn data_panel() -> Html {
    let state = use_context::<AppContext>().expect("app state");
    let progress = use_state(|| None::<String>);
    let loader = {
        let readers = use_mut_ref(Vec::<FileReader>::new);
        let job = use_mut_ref(|| None::<JobId>);
        Loader { state: state.clone(), progress: progress.clone(), job, readers }
    };
    let dragging = use_state(|| false);
    // The bytes of the files picked last, to read them again with spikes
    // repaired or with another format.
    let kept = use_mut_ref(|| Rc::new(Vec::<NamedBytes>::new()));
    // `None` detects each file's format; the user may force one.
    let format = use_state(|| None::<Format>);
    let day_first = use_state(|| None::<bool>);
    // "Only coins ever in the top K": follows the loaded files' choice.
    let ever_top = use_state(|| state.read_how().ever_top);
    {
        let ever_top = ever_top.clone();
        use_effect_with(state.read_how().ever_top, move |k| ever_top.set(*k));
    }
    // The user's own choices, for files they pick.
    let own_how = How { keep_spikes: false, format: *format, day_first: *day_first, ever_top: *ever_top };

    let on_files = {
        let (state, loader, progress, kept) = (state.clone(), loader.clone(), progress.clone(), kept.clone());
        // Files for a link made on uploaded data are read the sender's way.
        let how = match &state.link_notice {
            Some(LinkNotice::NeedsFiles { how, .. }) => *how,
            _ => own_how,
        };
        Callback::from(move |files: Vec<File>| {
            if files.is_empty() {
                return;
            }
            // Refused before reading, so a huge file never fills the tab's memory.
            let names: Vec<String> = files.iter().map(|f| f.name()).collect();
            let sizes = names.iter().map(String::as_str).zip(files.iter().map(|f| f.size()));
            if let Err(e) = engine::ingest::limits::check_sizes(sizes) {
                state.dispatch(Action::DataError(format!("{e}. Nothing was read; the previous data is still loaded.")));
                return;
            }
            loader.cancel();
            progress.set(Some(format!("Reading {} file(s)…", files.len())));
            let p = progress.clone();
            let (state2, progress2, kept, loader2) = (state.clone(), progress.clone(), kept.clone(), loader.clone());
            let handles = read_all(
                files,
                move |read, total| p.set(Some(format!("Read {read} of {total} file(s)…"))),
                move |res| {
                    progress2.set(None);
                    match res {
                        Err(e) => state2.dispatch(Action::DataError(e)),
                        Ok(files) if is_bundle(&files) => open_bundle(&loader2, &files[0]),
                        Ok(files) => {
                            let files = Rc::new(files);
                            loader2.ingest(files.clone(), how, None);
                            // Kept even when they failed: a forced format may read them.
                            *kept.borrow_mut() = files;
                        }
                    }
                },
            );
            *loader.readers.borrow_mut() = handles;
        })
    };

    // Files fetched by address go the same way as uploaded ones.
    let on_fetched = {
        let (state, loader, kept) = (state.clone(), loader.clone(), kept.clone());
        let link_how = match &state.link_notice {
            Some(LinkNotice::NeedsFiles { how, .. }) => Some(*how),
            _ => None,
        };
        Callback::from(move |f: Fetched| {
            if is_bundle(&f.files) {
                open_bundle(&loader, &f.files[0]);
                return;
            }
            let how = if f.for_link { link_how.unwrap_or(own_how) } else { own_how };
            let files = Rc::new(f.files);
            loader.ingest_from(files.clone(), how, None, f.urls);
            *kept.borrow_mut() = files;
        })
    };

    let onchange = {
        let on_files = on_files.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(list) = input.files() {
                let files: Vec<File> =
                    (0..list.length()).filter_map(|i| list.get(i)).map(File::from).collect::<Vec<_>>();
                on_files.emit(files);
            }
            input.set_value("");
        })
    };
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let ondrop = {
        let (dragging, on_files) = (dragging.clone(), on_files.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            if let Some(list) = e.data_transfer().and_then(|d| d.files()) {
                on_files.emit((0..list.length()).filter_map(|i| list.get(i)).map(File::from).collect());
            }
        })
    };

    let panel = &state.panel;
    let dates = panel.dates();
    let (from, to) = state.range;
    let source_text = match &state.data {
        DataRef::Synthetic(m) => format!(
            "Built-in synthetic market (seed {}): {} assets, {} to {}. Not real prices: a seeded model with fat tails, \
             a crash, listings and delistings, made for experiments.",
            m.seed,
            panel.n_assets(),
            dates[0],
            dates[dates.len() - 1]
        ),
        DataRef::Files { names, .. } => format!(
            "{} file(s): {} assets, {} to {}.{}",
            names.len(),
            panel.n_assets(),
            dates[0],
            dates[dates.len() - 1],
            state.ingest_ms.map(|ms| format!(" Read and checked in {ms:.0} ms.")).unwrap_or_default()
        ),
    };

    let set_date = |which: usize| {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(d) = engine::Date::parse_iso(&input.value()) {
                let days = state.panel.dates();
                let i = days.partition_point(|x| *x < d).min(days.len() - 1);
                let (a, b) = state.range;
                state.dispatch(if which == 0 { Action::SetRange(i, b) } else { Action::SetRange(a, i) });
            }
        })
    };
    let on_capital = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().replace(',', "").parse::<f64>() {
                state.dispatch(Action::SetCapital(v));
            }
        })
    };

    html! {
        <section class="panel data-panel" aria-labelledby="data-h">
            <h2 id="data-h">{ "Data" }</h2>
            <p class="source" id="data-source">{ source_text }</p>
            <label
                class={classes!("drop", (*dragging).then_some("dragging"))}
                {ondragover} {ondragleave} {ondrop}>
                <input id="file-input" type="file" multiple=true accept=".csv,.txt,.json,.gz,.indexlab" {onchange} />
                <span>{ "Drop price files here or " }<u>{ "choose files" }</u></span>
                <small>{ "CoinGecko CSV exports (one per coin), long or wide CSV, CoinMarketCap, Yahoo, JSON; .gz too. \
                          Files are read in this page and never uploaded." }</small>
            </label>
            <UrlData on_fetched={on_fetched.clone()} />
            <label title="Formats are detected from each file's header; force one if detection picks the wrong one">
                { "Format " }
                <select id="format-override" onchange={
                    let (format, loader, kept) = (format.clone(), loader.clone(), kept.clone());
                    let how = How { keep_spikes: state.read_how().keep_spikes, ..own_how };
                    Callback::from(move |e: Event| {
                        let i = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value().parse::<usize>().ok();
                        let f = i.and_then(|i| Format::ALL.get(i)).map(|(f, _)| *f);
                        format.set(f);
                        // Re-read the files already loaded with the new choice.
                        if !kept.borrow().is_empty() {
                            loader.ingest(kept.borrow().clone(), How { format: f, ..how }, None);
                        }
                    })
                }>
                    <option value="auto" selected={format.is_none()}>{ "detect automatically" }</option>
                    { for Format::ALL.iter().enumerate().map(|(i, (f, label))| html! {
                        <option value={i.to_string()} selected={*format == Some(*f)}>{ *label }</option>
                    }) }
                </select>
            </label>
            <label title="How dates such as 03/04/2021 are read: detected from the file (a day above 12 shows the order), or as you say">
                { " Dates " }
                <select id="date-order" onchange={
                    let (day_first, loader, kept) = (day_first.clone(), loader.clone(), kept.clone());
                    let how = How { keep_spikes: state.read_how().keep_spikes, ..own_how };
                    Callback::from(move |e: Event| {
                        let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                        let order = match v.as_str() { "day" => Some(true), "month" => Some(false), _ => None };
                        day_first.set(order);
                        if !kept.borrow().is_empty() {
                            loader.ingest(kept.borrow().clone(), How { day_first: order, ..how }, None);
                        }
                    })
                }>
                    <option value="auto" selected={day_first.is_none()}>{ "order detected" }</option>
                    <option value="day" selected={*day_first == Some(true)}>{ "day first (25/12/2021)" }</option>
                    <option value="month" selected={*day_first == Some(false)}>{ "month first (12/25/2021)" }</option>
                </select>
            </label>
            <label title="For files of every coin ever listed: load only the coins that were in the top K by market cap on at least one day (ranked on each day's caps in the files). A Top N universe is unchanged when K leaves room for the stablecoins it excludes: 2 x N is plenty. Empty: every coin.">
                { " Only coins ever in the top " }
                <input id="ever-top" type="number" min="1" max="100000" step="1" placeholder="all"
                    value={ever_top.map(|k| k.to_string()).unwrap_or_default()}
                    onchange={
                        let (ever_top, loader, kept, state) = (ever_top.clone(), loader.clone(), kept.clone(), state.clone());
                        let how = How { keep_spikes: state.read_how().keep_spikes, ..own_how };
                        Callback::from(move |e: Event| {
                            let text = e.target_unchecked_into::<HtmlInputElement>().value();
                            let k = match text.trim() {
                                "" => None,
                                t => match t.parse::<usize>() {
                                    Ok(k) if (1..=100_000).contains(&k) => Some(k),
                                    _ => {
                                        state.dispatch(Action::DataError(format!(
                                            "Only coins ever in the top K: '{t}' is not a whole number of coins from 1 to 100,000; leave it empty to load every coin."
                                        )));
                                        return;
                                    }
                                },
                            };
                            ever_top.set(k);
                            if !kept.borrow().is_empty() {
                                loader.ingest(kept.borrow().clone(), How { ever_top: k, ..how }, None);
                            }
                        })
                    } />
                { " by market cap" }
            </label>
            if let Some(p) = &*progress {
                <p class="progress" role="status">
                    { p }{ " " }
                    <button id="cancel-load" class="link" onclick={
                        let loader = loader.clone();
                        Callback::from(move |_| loader.cancel())
                    }>{ "Cancel" }</button>
                </p>
            }
            if let Some(e) = &state.data_error {
                <div class="error data-error" role="alert">
                    <span>{ e }</span>
                    <button class="link" onclick={
                        let state = state.clone();
                        Callback::from(move |_| state.dispatch(Action::DismissDataError))
                    }>{ "Dismiss" }</button>
                </div>
            }
            if let DataRef::Synthetic(m) = &state.data { <MarketDials params={m.clone()} /> }
            if let DataRef::Files { .. } = &state.data {
                <button class="link" onclick={
                    let state = state.clone();
                    Callback::from(move |_| state.dispatch(Action::LoadSynthetic(MarketParams::default())))
                }>{ "Back to the built-in market" }</button>
            }
            if let Some(r) = &state.report {
                { spike_warning(r, {
                    // Read the loaded files again the other way (bundles too).
                    let (loader, files) = (loader.clone(), state.files.clone());
                    let how = How { keep_spikes: !state.read_how().keep_spikes, ..own_how };
                    Callback::from(move |_| loader.ingest(files.clone(), how, None))
                }) }
                <PeggedNotice />
                <ReportView report={r.clone()} />
            }
            <div class="row">
                <label>{ "From " }<input id="range-from" type="date" value={dates[from].to_string()}
                    min={dates[0].to_string()} max={dates[dates.len() - 1].to_string()} onchange={set_date(0)} /></label>
                <label>{ "To " }<input id="range-to" type="date" value={dates[to].to_string()}
                    min={dates[0].to_string()} max={dates[dates.len() - 1].to_string()} onchange={set_date(1)} /></label>
            </div>
            <label>{ "Initial capital (USD) " }
                <input id="capital" type="number" min="1" step="any" value={format!("{}", state.initial_capital)} onchange={on_capital} />
            </label>
            <KeptData on_load={on_fetched} />
            <AssetList />
        </section>
    }
}
