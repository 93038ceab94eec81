//! Data by address: the "Load from URL" field of the data panel, and the
//! prompt a link with data by URL opens with (what will be fetched, from
//! which hosts, how large; nothing is fetched before the user clicks Load).
//! Fetched files go to the data panel exactly like uploaded ones, with their
//! addresses, so a link made afterwards carries them.

use engine::data_url::{self, DataUrl};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::services::fetch::{self, Cancel};
use crate::services::files::NamedBytes;
use crate::state::{Action, AppContext};

/// Files fetched, in order, with the address of each.
pub struct Fetched {
    pub files: Vec<NamedBytes>,
    pub urls: Vec<Option<String>>,
    /// Whether they answer a link's prompt (read the link's way) or the field.
    pub for_link: bool,
}

#[derive(Properties, PartialEq)]
pub struct UrlDataProps {
    pub on_fetched: Callback<Fetched>,
}

/// One file to fetch, and how far it got.
#[derive(Clone, PartialEq)]
struct Item {
    name: String,
    url: DataUrl,
    size: Option<u64>,
    status: Status,
}

#[derive(Clone, PartialEq)]
enum Status {
    Waiting,
    Fetching,
    Done(usize),
    Failed,
}

fn megabytes(n: u64) -> String {
    if n < 100_000 {
        format!("{:.0} KB", n as f64 / 1e3)
    } else {
        format!("{:.1} MB", n as f64 / 1e6)
    }
}

/// The files a waiting link names with an address; `Err` when an address
/// is refused (the link was checked, so only by a changed rule).
fn link_items(state: &AppContext) -> Option<Result<Vec<Item>, String>> {
    let files = state.pending.as_ref()?.data.fetchable()?;
    Some(
        files
            .iter()
            .map(|f| {
                let url = data_url::check(f.url.as_deref().unwrap_or_default())?;
                Ok(Item { name: f.name.clone(), url, size: f.size, status: Status::Waiting })
            })
            .collect(),
    )
}

/// Fetches `items` one after the other, showing each one's progress in
/// `shown`; the first failure stops and says why (the data loaded before stays).
fn run(
    items: Vec<Item>,
    shown: UseStateHandle<Vec<Item>>,
    cancel: Cancel,
    state: AppContext,
    on_fetched: Callback<Fetched>,
    for_link: bool,
) {
    yew::platform::spawn_local(async move {
        let mut items = items;
        let mut files = Vec::new();
        for i in 0..items.len() {
            items[i].status = Status::Fetching;
            shown.set(items.clone());
            match fetch::get(&items[i].url, &cancel).await {
                Ok(bytes) => {
                    items[i].status = Status::Done(bytes.len());
                    files.push((items[i].name.clone(), bytes));
                }
                Err(e) => {
                    items[i].status = Status::Failed;
                    shown.set(items.clone());
                    if !cancel.is_cancelled() {
                        state.dispatch(Action::DataError(format!("{e} The data loaded before is still loaded.")));
                    }
                    return;
                }
            }
        }
        shown.set(Vec::new());
        if cancel.is_cancelled() {
            return;
        }
        let sizes = files.iter().map(|(n, b)| (n.as_str(), b.len() as u64));
        if let Err(e) = engine::ingest::limits::check_sizes(sizes) {
            state.dispatch(Action::DataError(format!("{e}. The data loaded before is still loaded.")));
            return;
        }
        let urls = items.iter().map(|it| Some(it.url.url.clone())).collect();
        on_fetched.emit(Fetched { files, urls, for_link });
    });
}

fn progress_list(items: &[Item]) -> Html {
    html! {
        <ul class="fetch-list">
            { for items.iter().map(|it| {
                let status = match &it.status {
                    Status::Waiting => it.size.map(|n| format!("{}, waiting", megabytes(n))).unwrap_or_else(|| "waiting".into()),
                    Status::Fetching => "fetching…".to_string(),
                    Status::Done(n) => format!("{} fetched", megabytes(*n as u64)),
                    Status::Failed => "failed".to_string(),
                };
                html! {
                    <li data-status={match it.status { Status::Waiting => "waiting", Status::Fetching => "fetching", Status::Done(_) => "done", Status::Failed => "failed" }}>
                        <strong>{ &it.name }</strong>{ format!(" from {} ({status})", it.url.host) }
                    </li>
                }
            }) }
        </ul>
    }
}

#[function_component(UrlData)]
pub fn url_data(props: &UrlDataProps) -> Html {
    let state = use_context::<AppContext>().expect("app state");
    let shown = use_state(Vec::<Item>::new);
    let cancel = use_mut_ref(Cancel::new);
    let field_error = use_state(|| None::<String>);
    let input_ref = use_node_ref();
    let busy = !shown.is_empty() && shown.iter().all(|i| i.status != Status::Failed);

    let start = {
        let (shown, cancel, state, on_fetched) =
            (shown.clone(), cancel.clone(), state.clone(), props.on_fetched.clone());
        move |items: Vec<Item>, for_link: bool| {
            cancel.borrow().cancel();
            let fresh = Cancel::new();
            *cancel.borrow_mut() = fresh.clone();
            shown.set(items.clone());
            run(items, shown.clone(), fresh, state.clone(), on_fetched.clone(), for_link);
        }
    };
    let stop = {
        let (shown, cancel) = (shown.clone(), cancel.clone());
        Callback::from(move |_| {
            cancel.borrow().cancel();
            shown.set(Vec::new());
        })
    };

    // The field: one address, or several separated by spaces (per-coin exports).
    let load_field = {
        let (input_ref, field_error, start) = (input_ref.clone(), field_error.clone(), start.clone());
        move || {
            let Some(input) = input_ref.cast::<HtmlInputElement>() else { return };
            let text = input.value();
            let addresses: Vec<&str> =
                text.split(|c: char| c.is_whitespace() || c == ',').filter(|a| !a.is_empty()).collect();
            if addresses.is_empty() {
                field_error.set(Some("Type or paste the address of a data file (https://…).".into()));
                return;
            }
            if addresses.len() > engine::scenario::MAX_FILES {
                field_error.set(Some(format!(
                    "{} addresses; at most {} files can be loaded together.",
                    addresses.len(),
                    engine::scenario::MAX_FILES
                )));
                return;
            }
            let checked: Result<Vec<Item>, String> = addresses
                .iter()
                .map(|a| {
                    let url = data_url::check(a)?;
                    Ok(Item { name: url.file_name(), url, size: None, status: Status::Waiting })
                })
                .collect();
            match checked {
                Ok(items) => {
                    field_error.set(None);
                    start(items, false);
                }
                Err(e) => field_error.set(Some(format!("This address cannot be loaded: {e}. Nothing was fetched."))),
            }
        }
    };
    let onclick_field = {
        let load_field = load_field.clone();
        Callback::from(move |_: MouseEvent| load_field())
    };
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" {
            e.prevent_default();
            load_field();
        }
    });

    let prompt = link_items(&state).map(|items| match items {
        Err(e) => html! { <p class="error" id="url-prompt">{ format!("This link names data that cannot be fetched: {e}.") }</p> },
        Ok(items) => {
            let hosts: Vec<String> = {
                let mut h: Vec<String> = items.iter().map(|i| i.url.host.clone()).collect();
                h.dedup();
                h
            };
            let total: Option<u64> = items.iter().map(|i| i.size).sum();
            let load = {
                let (start, items) = (start.clone(), items.clone());
                Callback::from(move |_: MouseEvent| start(items.clone(), true))
            };
            html! {
                <div class="notice info url-prompt" id="url-prompt" role="region" aria-label="Data from the link">
                    <p>{ format!(
                        "This link's data is on the web: {} file(s){} from {}. Nothing has been fetched yet; Load \
                         fetches them now, straight into this page, and checks them byte for byte against the link.",
                        items.len(),
                        total.map(|n| format!(", {}", megabytes(n))).unwrap_or_default(),
                        hosts.join(", ")
                    ) }</p>
                    if shown.is_empty() { { progress_list(&items) } }
                    if !busy {
                        <button class="primary" id="url-prompt-load" onclick={load}>{ "Load" }</button>
                    }
                </div>
            }
        }
    });

    html! {
        <>
            { for prompt }
            <div class="url-load">
                <label for="url-input">{ "Or load from the web (one address, or several separated by spaces)" }</label>
                <div class="row">
                    <input id="url-input" ref={input_ref} type="url" inputmode="url" placeholder="https://…/prices.csv"
                        {onkeydown} aria-describedby="url-help" />
                    <button id="url-load" onclick={onclick_field} disabled={busy}>{ "Load" }</button>
                </div>
                <small id="url-help" class="muted">{ "CSV, .gz, JSON or an .indexlab bundle on any https server that \
                    allows other sites to read it (CORS). The page fetches it only when you press Load." }</small>
                if let Some(e) = &*field_error { <p class="error" id="url-error" role="alert">{ e }</p> }
            </div>
            if !shown.is_empty() {
                <div class="progress" id="url-progress" role="status">
                    { progress_list(&shown) }
                    if busy { <button class="link" id="url-cancel" onclick={stop}>{ "Cancel" }</button> }
                </div>
            }
        </>
    }
}
