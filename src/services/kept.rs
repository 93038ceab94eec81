//! Kept datasets: files the user chose to keep in this browser (IndexedDB),
//! keyed by their fingerprint ([`engine::share::files_fingerprint`]), so a
//! link on the same data opens at once, without asking for the files again
//! and without any request. Nothing is kept without the user's opt-in.
//!
//! Two object stores: `meta` (small: names, sizes, addresses, when kept) is
//! listed; `files` (the bytes) is read only to load one dataset.

use js_sys::{Array, Uint8Array};
use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

use crate::services::files::NamedBytes;

const DB: &str = "indexlab";
const VERSION: u32 = 1;
const META: &str = "meta";
const FILES: &str = "files";

/// What the list shows of a kept dataset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeptMeta {
    pub fingerprint: String,
    pub names: Vec<String>,
    /// The address of each file, if it was fetched.
    pub urls: Vec<Option<String>>,
    pub bytes: u64,
    /// When it was kept (ISO date and time, UTC).
    pub kept_at: String,
}

/// Resolves when an IndexedDB request succeeds (with its result) or fails.
async fn done(req: &IdbRequest) -> Result<JsValue, String> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let ok = Closure::once_into_js(move |e: web_sys::Event| {
            let result = e.target().and_then(|t| t.dyn_into::<IdbRequest>().ok()).and_then(|r| r.result().ok());
            let _ = resolve.call1(&JsValue::NULL, &result.unwrap_or(JsValue::UNDEFINED));
        });
        let err = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("request failed"));
        });
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(err.unchecked_ref()));
    });
    JsFuture::from(promise).await.map_err(|e| e.as_string().unwrap_or_else(|| "the browser's storage failed".into()))
}

async fn open() -> Result<IdbDatabase, String> {
    let factory = gloo::utils::window()
        .indexed_db()
        .ok()
        .flatten()
        .ok_or("this browser does not let the page keep files (IndexedDB is off, perhaps private browsing)")?;
    let req: IdbOpenDbRequest =
        factory.open_with_u32(DB, VERSION).map_err(|_| "the browser refused its storage".to_string())?;
    let upgrade = Closure::once_into_js(move |e: web_sys::Event| {
        let db = e.target().and_then(|t| t.dyn_into::<IdbRequest>().ok()).and_then(|r| r.result().ok());
        if let Some(db) = db.and_then(|d| d.dyn_into::<IdbDatabase>().ok()) {
            for store in [META, FILES] {
                if !db.object_store_names().contains(store) {
                    let _ = db.create_object_store(store);
                }
            }
        }
    });
    req.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let db = done(&req).await?;
    db.dyn_into::<IdbDatabase>().map_err(|_| "the browser's storage did not open".into())
}

fn store(db: &IdbDatabase, name: &str, write: bool) -> Result<web_sys::IdbObjectStore, String> {
    let mode = if write { IdbTransactionMode::Readwrite } else { IdbTransactionMode::Readonly };
    db.transaction_with_str_and_mode(name, mode)
        .and_then(|t| t.object_store(name))
        .map_err(|_| "the browser's storage is not usable".to_string())
}

/// Every kept dataset, newest first.
pub async fn list() -> Result<Vec<KeptMeta>, String> {
    let db = open().await?;
    let all = done(&store(&db, META, false)?.get_all().map_err(|_| "cannot list kept data")?).await?;
    let mut out: Vec<KeptMeta> = Array::from(&all)
        .iter()
        .filter_map(|v| v.as_string())
        .filter_map(|s| serde_json::from_slice(s.as_bytes()).ok())
        .collect();
    engine::sort::sort_by(&mut out, |a, b| b.kept_at.cmp(&a.kept_at));
    db.close();
    Ok(out)
}

/// Keeps `files` under `meta.fingerprint` (replacing a dataset kept under it).
pub async fn put(meta: &KeptMeta, files: &[NamedBytes]) -> Result<(), String> {
    let db = open().await?;
    let key = JsValue::from_str(&meta.fingerprint);
    let arr = Array::new();
    for (name, bytes) in files {
        let pair = Array::new();
        pair.push(&JsValue::from_str(name));
        pair.push(&Uint8Array::from(bytes.as_slice()));
        arr.push(&pair);
    }
    let full = |e: JsValue| {
        let _ = e;
        "the browser would not keep the files (its storage may be full)".to_string()
    };
    done(&store(&db, FILES, true)?.put_with_key(&arr, &key).map_err(full)?).await?;
    let json = serde_json::to_string(meta).map_err(|e| e.to_string())?;
    done(&store(&db, META, true)?.put_with_key(&JsValue::from_str(&json), &key).map_err(full)?).await?;
    db.close();
    Ok(())
}

/// The files kept under `fingerprint`, if any.
pub async fn get(fingerprint: &str) -> Result<Option<Vec<NamedBytes>>, String> {
    let db = open().await?;
    let v = done(&store(&db, FILES, false)?.get(&JsValue::from_str(fingerprint)).map_err(|_| "cannot read kept data")?)
        .await?;
    db.close();
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    let files = Array::from(&v)
        .iter()
        .map(|pair| {
            let pair = Array::from(&pair);
            (pair.get(0).as_string().unwrap_or_default(), Uint8Array::new(&pair.get(1)).to_vec())
        })
        .collect();
    Ok(Some(files))
}

/// Deletes the dataset kept under `fingerprint`.
pub async fn delete(fingerprint: &str) -> Result<(), String> {
    let db = open().await?;
    let key = JsValue::from_str(fingerprint);
    done(&store(&db, FILES, true)?.delete(&key).map_err(|_| "cannot delete kept data")?).await?;
    done(&store(&db, META, true)?.delete(&key).map_err(|_| "cannot delete kept data")?).await?;
    db.close();
    Ok(())
}

/// Deletes every kept dataset.
pub async fn clear() -> Result<(), String> {
    let db = open().await?;
    done(&store(&db, FILES, true)?.clear().map_err(|_| "cannot delete kept data")?).await?;
    done(&store(&db, META, true)?.clear().map_err(|_| "cannot delete kept data")?).await?;
    db.close();
    Ok(())
}

/// Now, as an ISO date and time (UTC, to the second).
pub fn now_iso() -> String {
    let d = js_sys::Date::new_0();
    d.to_iso_string().as_string().unwrap_or_default().chars().take(19).collect::<String>().replace('T', " ")
}
