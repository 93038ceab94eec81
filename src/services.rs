//! The browser's side effects: downloads, local storage, reading files,
//! fetching data files by address.

pub mod fetch;
pub mod kept;

pub mod download {
    use wasm_bindgen::JsCast;

    /// Saves a `data:` or `blob:` URL as a file through a temporary link.
    pub fn data_url(file_name: &str, url: &str) {
        let document = gloo::utils::document();
        let Ok(a) = document.create_element("a") else { return };
        let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() else { return };
        a.set_href(url);
        a.set_download(file_name);
        a.click();
    }

    /// Saves bytes as a file.
    pub fn bytes(file_name: &str, mime: &str, body: &[u8]) {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(body));
        save_blob(file_name, mime, &parts);
    }

    fn save_blob(file_name: &str, mime: &str, parts: &js_sys::Array) {
        let opts = web_sys::BlobPropertyBag::new();
        opts.set_type(mime);
        let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(parts, &opts) else { return };
        let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
        data_url(file_name, &url);
        let _ = web_sys::Url::revoke_object_url(&url);
    }

    /// Saves text as a file.
    pub fn text(file_name: &str, mime: &str, body: &str) {
        save_blob(file_name, mime, &js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(body)));
    }
}

pub mod clipboard {
    use wasm_bindgen::JsCast;

    /// Copies text when the page may use the clipboard (a secure context that
    /// grants it); returns whether a copy was attempted. Without the Clipboard
    /// API (plain http on another host, some embeds) nothing is thrown.
    pub fn copy(text: &str) -> bool {
        let navigator = gloo::utils::window().navigator();
        let api = js_sys::Reflect::get(&navigator, &wasm_bindgen::JsValue::from_str("clipboard")).ok();
        match api.filter(|v| !v.is_undefined() && !v.is_null()) {
            Some(c) => {
                // A refused write (no permission, page not focused) must not
                // surface as an uncaught promise rejection.
                let ignore = wasm_bindgen::closure::Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(|_| {});
                let _ = c.unchecked_into::<web_sys::Clipboard>().write_text(text).catch(&ignore);
                ignore.forget();
                true
            }
            None => false,
        }
    }
}

pub mod storage {
    //! The session kept across visits, in localStorage when the browser
    //! allows it (some school and LMS setups block storage: then nothing is
    //! kept and nothing fails).
    //!
    //! A restore that never finished (the tab froze or crashed while the
    //! saved comparison was first computed) is not repeated: a flag is set
    //! before the saved session is applied and cleared once the page has
    //! rendered it; finding the flag at startup means the last restore did
    //! not finish, so the page starts without it and says so.
    use crate::state::SavedSession;

    const KEY: &str = "indexlab.session.v1";
    const RESTORING: &str = "indexlab.restoring";

    fn store() -> Option<web_sys::Storage> {
        gloo::utils::window().local_storage().ok().flatten()
    }

    /// Whether the session can be kept (storage allowed and writable).
    pub fn available() -> bool {
        store().is_some_and(|s| s.set_item("indexlab.probe", "1").is_ok() && s.remove_item("indexlab.probe").is_ok())
    }

    /// The last session, if one was saved and still reads.
    pub fn load() -> Option<SavedSession> {
        let text = store()?.get_item(KEY).ok()??;
        // From bytes, as the engine reads links: one compiled JSON reader.
        serde_json::from_slice(text.as_bytes()).ok()
    }

    pub fn save(session: &SavedSession) {
        if let (Some(s), Ok(text)) = (store(), serde_json::to_string(session)) {
            let _ = s.set_item(KEY, &text);
        }
    }

    pub fn clear() {
        if let Some(s) = store() {
            let _ = s.remove_item(KEY);
            let _ = s.remove_item(RESTORING);
        }
    }

    /// Whether the previous visit began restoring its session and never
    /// finished (see the module docs). Clears the mark.
    pub fn restore_interrupted() -> bool {
        let Some(s) = store() else { return false };
        let interrupted = s.get_item(RESTORING).ok().flatten().is_some();
        let _ = s.remove_item(RESTORING);
        interrupted
    }

    /// Marks a restore as begun; [`restore_done`] clears the mark.
    pub fn restore_begun() {
        if let Some(s) = store() {
            let _ = s.set_item(RESTORING, "1");
        }
    }

    pub fn restore_done() {
        if let Some(s) = store() {
            let _ = s.remove_item(RESTORING);
        }
    }
}

pub mod files {
    use gloo::file::callbacks::FileReader;
    use gloo::file::File;
    use std::cell::RefCell;
    use std::rc::Rc;

    /// A file's name and bytes.
    pub type NamedBytes = (String, Vec<u8>);
    type Done = Box<dyn FnOnce(Result<Vec<NamedBytes>, String>)>;

    /// Reads every file's bytes, then calls `done` once with all of them in
    /// order (or the first read error). `progress` gets (files read, total).
    /// The returned readers must be kept alive until `done` runs.
    pub fn read_all(
        files: Vec<File>,
        progress: impl Fn(usize, usize) + 'static,
        done: impl FnOnce(Result<Vec<NamedBytes>, String>) + 'static,
    ) -> Vec<FileReader> {
        let total = files.len();
        let slots: Rc<RefCell<Vec<Option<NamedBytes>>>> = Rc::new(RefCell::new(vec![None; total]));
        let done: Rc<RefCell<Option<Done>>> = Rc::new(RefCell::new(Some(Box::new(done))));
        let progress = Rc::new(progress);
        files
            .into_iter()
            .enumerate()
            .map(|(i, file)| {
                let name = file.name();
                let (slots, done, progress) = (slots.clone(), done.clone(), progress.clone());
                gloo::file::callbacks::read_as_bytes(&file, move |res| match res {
                    Ok(bytes) => {
                        slots.borrow_mut()[i] = Some((name, bytes));
                        let read = slots.borrow().iter().filter(|s| s.is_some()).count();
                        progress(read, total);
                        if read == total {
                            let all = slots.borrow_mut().iter_mut().filter_map(Option::take).collect();
                            if let Some(f) = done.borrow_mut().take() {
                                f(Ok(all));
                            }
                        }
                    }
                    Err(e) => {
                        if let Some(f) = done.borrow_mut().take() {
                            f(Err(format!("{name}: the browser could not read this file ({e})")));
                        }
                    }
                })
            })
            .collect()
    }
}

/// Share links in the address bar's fragment (`#s.v1.…`): nothing after `#`
/// is ever sent to a server.
pub mod link {
    use std::cell::RefCell;

    thread_local! {
        /// The link the page shows now (published by it, or opened).
        static SHOWN: RefCell<Option<String>> = const { RefCell::new(None) };
    }

    /// The fragment without `#`, when there is one.
    pub fn current() -> Option<String> {
        let hash = gloo::utils::window().location().hash().ok()?;
        let h = hash.trim_start_matches('#');
        (!h.is_empty()).then(|| h.to_string())
    }

    /// Records `hash` as the link now shown; false when it already was (a
    /// back or forward step fires both `popstate` and `hashchange`).
    pub fn take_if_new(hash: &str) -> bool {
        SHOWN.with(|o| {
            let new = o.borrow().as_deref() != Some(hash);
            if new {
                *o.borrow_mut() = Some(hash.to_string());
            }
            new
        })
    }

    /// The page's own address with `link` as its fragment.
    pub fn url_for(link: &str) -> String {
        let base = gloo::utils::window().location().href().unwrap_or_default();
        format!("{}#{link}", base.split('#').next().unwrap_or_default())
    }

    /// Puts the link in the address (a new history entry, so back returns to
    /// the previous state) and copies the full address to the clipboard;
    /// returns whether it could be copied (else the address bar holds it).
    pub fn publish(link: &str) -> bool {
        let window = gloo::utils::window();
        let url = url_for(link);
        SHOWN.with(|o| *o.borrow_mut() = Some(link.to_string()));
        if let Ok(history) = window.history() {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
        super::clipboard::copy(&url)
    }
}
