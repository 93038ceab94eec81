//! A link's data by URL: each file fetched with a blocking HTTP client
//! (ureq over rustls), checked against the link's SHA-256, with the page's
//! messages ([`engine::data_url::FetchError`]); any failure exits 1.

use std::io::Read;
use std::time::Duration;

use engine::data_url::{self, FetchError};
use engine::ingest::limits::MAX_FILE_BYTES;
use engine::scenario::FileRef;

use crate::CliError;

/// How long one file may take, start to last byte.
pub const TIMEOUT: Duration = Duration::from_secs(60);

fn get(agent: &ureq::Agent, file: &FileRef) -> Result<Vec<u8>, FetchError> {
    let raw = file.url.as_deref().unwrap_or_default();
    let url =
        data_url::check(raw).map_err(|e| FetchError::Unreachable { url: raw.into(), cors: false, detail: Some(e) })?;
    let what = url.url.clone();
    let response = match agent.get(&what).call() {
        Ok(r) => r,
        Err(ureq::Error::Status(status, r)) => {
            return Err(FetchError::Status { url: what, status, text: r.status_text().to_string() })
        }
        Err(ureq::Error::Transport(t)) => {
            let text = t.to_string();
            return Err(if text.contains("timed out") || text.contains("Timeout") {
                FetchError::TimedOut { url: what, seconds: TIMEOUT.as_secs_f64() }
            } else {
                FetchError::Unreachable { url: what, cors: false, detail: Some(text) }
            });
        }
    };
    let final_host = data_url::check(response.get_url()).ok().map(|u| u.host);
    if final_host.as_deref() != Some(url.host.as_str()) {
        return Err(FetchError::Redirected { url: what, to: final_host });
    }
    let announced = response.header("content-length").and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(n) = announced.filter(|&n| n > MAX_FILE_BYTES) {
        return Err(FetchError::TooLarge { url: what, bytes: Some(n) });
    }
    let mut bytes = Vec::new();
    response.into_reader().take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| {
        if e.kind() == std::io::ErrorKind::TimedOut || e.kind() == std::io::ErrorKind::WouldBlock {
            FetchError::TimedOut { url: what.clone(), seconds: TIMEOUT.as_secs_f64() }
        } else {
            FetchError::Unreachable { url: what.clone(), cors: false, detail: Some(e.to_string()) }
        }
    })?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FetchError::TooLarge { url: what, bytes: None });
    }
    if engine::share::file_sha256(&bytes) != file.sha256 {
        return Err(FetchError::Changed { name: file.name.clone(), url: what });
    }
    Ok(bytes)
}

/// Fetches every file of a link, in order, as `(name, bytes)`.
pub fn fetch_all(files: &[FileRef]) -> Result<Vec<(String, Vec<u8>)>, CliError> {
    let agent = ureq::AgentBuilder::new().timeout(TIMEOUT).redirects(5).build();
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        eprintln!("fetching {} ({})", f.name, f.url.as_deref().unwrap_or_default());
        let bytes = get(&agent, f).map_err(|e| CliError::Run(e.to_string()))?;
        out.push((f.name.clone(), bytes));
    }
    eprintln!("same data: every file is byte for byte the link's");
    Ok(out)
}
