//! Fetching data files by address (links with data by URL, "Load from URL").
//!
//! Nothing is fetched until the user asks. Each request goes without
//! cookies or credentials, in CORS mode, and is refused with a message
//! saying why when: the server cannot be reached or does not allow other
//! sites to read the file (no `Access-Control-Allow-Origin`), it answers
//! with an error status, it redirects to another host, the file is over
//! the size limit, or it takes longer than [`TIMEOUT_MS`]. The address
//! itself was checked before ([`engine::data_url::check`]).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use engine::data_url::{DataUrl, FetchError};
use engine::ingest::limits::MAX_FILE_BYTES;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Request, RequestCache, RequestCredentials, RequestInit, RequestMode, RequestRedirect};

/// How long one file may take, start to last byte, unless the page sets
/// `window.indexlabFetchTimeoutMs` (the end-to-end tests do, to test the
/// message without waiting a minute).
pub const TIMEOUT_MS: u32 = 60_000;

fn timeout_ms() -> u32 {
    js_sys::Reflect::get(&gloo::utils::window(), &"indexlabFetchTimeoutMs".into())
        .ok()
        .and_then(|v| v.as_f64())
        .filter(|v| v.is_finite() && *v >= 1.0)
        .map_or(TIMEOUT_MS, |v| v.min(f64::from(TIMEOUT_MS)) as u32)
}

/// Stops the fetches it was given to at once; see [`get`].
#[derive(Clone)]
pub struct Cancel {
    cancelled: Rc<Cell<bool>>,
    /// The controller of the file being fetched now.
    current: Rc<RefCell<Option<AbortController>>>,
}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel { cancelled: Rc::new(Cell::new(false)), current: Rc::new(RefCell::new(None)) }
    }

    pub fn cancel(&self) {
        self.cancelled.set(true);
        if let Some(c) = self.current.borrow_mut().take() {
            c.abort();
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.get()
    }
}

impl Default for Cancel {
    fn default() -> Self {
        Cancel::new()
    }
}

/// The host of an absolute address (for the redirect check).
fn host_of(url: &str) -> Option<String> {
    engine::data_url::check(url).ok().map(|u| u.host)
}

/// Fetches one file's bytes; errors are whole sentences naming the address.
pub async fn get(url: &DataUrl, cancel: &Cancel) -> Result<Vec<u8>, String> {
    let what = &url.url;
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_mode(RequestMode::Cors);
    init.set_credentials(RequestCredentials::Omit);
    init.set_redirect(RequestRedirect::Follow);
    init.set_cache(RequestCache::NoStore);
    // One controller per file: its timeout and the user's Cancel abort it.
    let own = AbortController::new().map_err(|_| "This browser cannot cancel a download.".to_string())?;
    init.set_signal(Some(&own.signal()));
    *cancel.current.borrow_mut() = Some(own.clone());
    let timed_out = Rc::new(Cell::new(false));
    let limit = timeout_ms();
    let timer = {
        let (own, timed_out) = (own.clone(), timed_out.clone());
        gloo::timers::callback::Timeout::new(limit, move || {
            timed_out.set(true);
            own.abort();
        })
    };
    let url_text = what.clone();
    let failed = |timed_out: &Cell<bool>| {
        if cancel.is_cancelled() {
            "Cancelled.".to_string()
        } else if timed_out.get() {
            FetchError::TimedOut { url: url_text.clone(), seconds: f64::from(limit) / 1000.0 }.to_string()
        } else {
            FetchError::Unreachable { url: url_text.clone(), cors: true, detail: None }.to_string()
        }
    };
    let request = Request::new_with_str_and_init(what, &init)
        .map_err(|_| format!("{what} is not an address the browser accepts."))?;
    let window = gloo::utils::window();
    let response = match JsFuture::from(window.fetch_with_request(&request)).await {
        Ok(r) => r.dyn_into::<web_sys::Response>().map_err(|_| failed(&timed_out))?,
        Err(_) => return Err(failed(&timed_out)),
    };
    if response.redirected() {
        let to = host_of(&response.url());
        if to.as_deref() != Some(url.host.as_str()) {
            return Err(FetchError::Redirected { url: what.clone(), to }.to_string());
        }
    }
    if !response.ok() {
        return Err(FetchError::Status { url: what.clone(), status: response.status(), text: response.status_text() }
            .to_string());
    }
    let announced = response.headers().get("content-length").ok().flatten().and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(n) = announced.filter(|&n| n > MAX_FILE_BYTES) {
        return Err(FetchError::TooLarge { url: what.clone(), bytes: Some(n) }.to_string());
    }
    let body = response.array_buffer().map_err(|_| failed(&timed_out))?;
    let buffer = JsFuture::from(body).await.map_err(|_| failed(&timed_out))?;
    drop(timer);
    cancel.current.borrow_mut().take();
    let bytes = js_sys::Uint8Array::new(&buffer);
    if bytes.length() as u64 > MAX_FILE_BYTES {
        return Err(FetchError::TooLarge { url: what.clone(), bytes: None }.to_string());
    }
    Ok(bytes.to_vec())
}
