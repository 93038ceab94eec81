//! "Keep these files in this browser": the opt-in, the list of kept datasets
//! (size, files, Load, Delete, total), and opening a link on kept data at
//! once. The storage itself is `services::kept` (IndexedDB).

use engine::scenario::DataRef;
use std::rc::Rc;
use yew::prelude::*;

use crate::components::url_data::Fetched;
use crate::services::kept::{self, KeptMeta};
use crate::state::{Action, AppContext};

#[derive(Properties, PartialEq)]
pub struct KeptProps {
    /// Kept files to load, like fetched ones.
    pub on_load: Callback<Fetched>,
}

fn megabytes(n: u64) -> String {
    format!("{:.1} MB", n as f64 / 1e6)
}

/// The key the loaded files are (or would be) kept under.
fn current_key(state: &AppContext) -> Option<String> {
    matches!(state.data, DataRef::Files { .. }).then_some(())?;
    let hashes: Vec<String> = state.file_refs().iter().map(|f| f.sha256.clone()).collect();
    (!hashes.is_empty()).then(|| engine::share::files_fingerprint(&hashes))
}

/// The key of the files a waiting link needs, when it names them by hash.
fn pending_key(state: &AppContext) -> Option<String> {
    match &state.pending.as_ref()?.data {
        DataRef::Files { fingerprint, files, .. } if !files.is_empty() => Some(fingerprint.clone()),
        _ => None,
    }
}

#[function_component(KeptData)]
pub fn kept_data(props: &KeptProps) -> Html {
    let state = use_context::<AppContext>().expect("app state");
    let list = use_state(|| None::<Result<Rc<Vec<KeptMeta>>, String>>);
    let busy = use_state(|| false);
    let tried = use_mut_ref(|| None::<String>);

    // The list, read on mount (and again by each change below).
    {
        let list = list.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                list.set(Some(kept::list().await.map(Rc::new)));
            });
        });
    }
    // A link waiting for files that are kept here: load them at once.
    {
        let (on_load, tried) = (props.on_load.clone(), tried.clone());
        let key = pending_key(&state);
        // The link's address of each file, by its hash.
        let by_hash: Vec<(String, Option<String>)> = match state.pending.as_ref().map(|s| &s.data) {
            Some(DataRef::Files { files, .. }) => files.iter().map(|f| (f.sha256.clone(), f.url.clone())).collect(),
            _ => Vec::new(),
        };
        use_effect_with(key, move |key| {
            if let Some(key) = key.clone().filter(|k| tried.borrow().as_ref() != Some(k)) {
                *tried.borrow_mut() = Some(key.clone());
                yew::platform::spawn_local(async move {
                    if let Ok(Some(files)) = kept::get(&key).await {
                        let urls = files
                            .iter()
                            .map(|(_, b)| {
                                let h = engine::share::file_sha256(b);
                                by_hash.iter().find(|(s, _)| *s == h).and_then(|(_, u)| u.clone())
                            })
                            .collect();
                        on_load.emit(Fetched { files, urls, for_link: true });
                    }
                });
            }
        });
    }

    let key = current_key(&state);
    let entries: Rc<Vec<KeptMeta>> = match &*list {
        Some(Ok(v)) => v.clone(),
        _ => Rc::new(Vec::new()),
    };
    let is_kept = key.as_ref().is_some_and(|k| entries.iter().any(|e| &e.fingerprint == k));
    // While a change is being stored, the box shows what was asked for.

    let toggle = {
        let (state, list, busy, key) = (state.clone(), list.clone(), busy.clone(), key.clone());
        Callback::from(move |_: Event| {
            let Some(key) = key.clone() else { return };
            let (state, list, busy) = (state.clone(), list.clone(), busy.clone());
            busy.set(true);
            yew::platform::spawn_local(async move {
                let outcome = if is_kept {
                    kept::delete(&key).await
                } else {
                    let meta = KeptMeta {
                        fingerprint: key,
                        names: state.files.iter().map(|(n, _)| n.clone()).collect(),
                        urls: state.file_refs().iter().map(|f| f.url.clone()).collect(),
                        bytes: state.files.iter().map(|(_, b)| b.len() as u64).sum(),
                        kept_at: kept::now_iso(),
                    };
                    kept::put(&meta, &state.files).await
                };
                if let Err(e) = outcome {
                    state.dispatch(Action::DataError(format!("Keeping the files failed: {e}.")));
                }
                // The list first, then the box: it never shows the old state in between.
                list.set(Some(kept::list().await.map(Rc::new)));
                busy.set(false);
            });
        })
    };
    let delete = |fp: String| {
        let (list, state) = (list.clone(), state.clone());
        Callback::from(move |_: MouseEvent| {
            let (fp, list, state) = (fp.clone(), list.clone(), state.clone());
            yew::platform::spawn_local(async move {
                if let Err(e) = kept::delete(&fp).await {
                    state.dispatch(Action::DataError(format!("Deleting the kept files failed: {e}.")));
                }
                list.set(Some(kept::list().await.map(Rc::new)));
            });
        })
    };
    let load = |fp: String, urls: Vec<Option<String>>| {
        let (on_load, state) = (props.on_load.clone(), state.clone());
        Callback::from(move |_: MouseEvent| {
            let (fp, urls, on_load, state) = (fp.clone(), urls.clone(), on_load.clone(), state.clone());
            yew::platform::spawn_local(async move {
                match kept::get(&fp).await {
                    Ok(Some(files)) => {
                        let urls = if urls.len() == files.len() { urls } else { vec![None; files.len()] };
                        on_load.emit(Fetched { files, urls, for_link: false });
                    }
                    Ok(None) => state.dispatch(Action::DataError("Those kept files are gone.".into())),
                    Err(e) => state.dispatch(Action::DataError(format!("Reading the kept files failed: {e}."))),
                }
            });
        })
    };
    let total: u64 = entries.iter().map(|e| e.bytes).sum();
    let unavailable = matches!(&*list, Some(Err(_)));

    html! {
        <div class="kept">
            if key.is_some() && !unavailable {
                <label class="check" title="Stored only in this browser (IndexedDB); a link on these files then opens here at once">
                    <input type="checkbox" id="keep-files" checked={is_kept != *busy} disabled={*busy} onchange={toggle} />
                    { " Keep these files in this browser" }
                </label>
            }
            if !entries.is_empty() {
                <details class="kept-list" id="kept-list">
                    <summary>{ format!("Kept in this browser: {} dataset(s), {}", entries.len(), megabytes(total)) }</summary>
                    <ul>
                        { for entries.iter().map(|e| {
                            let shown: Vec<&str> = e.names.iter().take(3).map(String::as_str).collect();
                            let more = if e.names.len() > 3 { format!(" and {} more", e.names.len() - 3) } else { String::new() };
                            html! {
                                <li class="kept-item" data-fingerprint={e.fingerprint.clone()}>
                                    <span>{ format!("{}{more} ({}, kept {})", shown.join(", "), megabytes(e.bytes), e.kept_at) }</span>
                                    <button class="link kept-load" onclick={load(e.fingerprint.clone(), e.urls.clone())}>{ "Load" }</button>
                                    <button class="link kept-delete" onclick={delete(e.fingerprint.clone())}>{ "Delete" }</button>
                                </li>
                            }
                        }) }
                    </ul>
                </details>
            }
        </div>
    }
}
