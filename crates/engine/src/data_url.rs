//! Data by URL: which addresses a link may name for its files, shared by
//! the page (which fetches them with the browser after the user clicks
//! "Load") and the CLI (which fetches them with its HTTP client).
//!
//! Accepted: `https://` addresses, and plain `http://` only on the local
//! machine (`localhost`, `127.0.0.1`) so tests and a classroom
//! server on the teacher's own computer work. Refused: credentials in the
//! address (`user:pass@host`), spaces and control characters, addresses over
//! [`MAX_URL_CHARS`]. The messages say what is wrong, for the page and the CLI.

/// Longest address a link may carry.
pub const MAX_URL_CHARS: usize = 2048;

/// A checked address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataUrl {
    /// The address as given.
    pub url: String,
    /// Host name, lower case, without the port (`example.org`, `127.0.0.1`).
    pub host: String,
    /// Host and port as written after the scheme (`example.org:8443`).
    pub authority: String,
    /// `https` or `http`.
    pub scheme: &'static str,
}

impl DataUrl {
    /// The file name the address ends with (its last path segment, with
    /// `%20`-style escapes decoded), or the host when the path is empty.
    pub fn file_name(&self) -> String {
        let rest = &self.url[self.scheme.len() + 3 + self.authority.len()..];
        let path = rest.split(['?', '#']).next().unwrap_or("");
        let last = path.rsplit('/').find(|s| !s.is_empty()).unwrap_or("");
        let name = percent_decode(last);
        if name.trim().is_empty() {
            self.host.clone()
        } else {
            name
        }
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (b[i], b.get(i + 1).copied().and_then(hex), b.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether `host` is this machine.
pub fn is_local(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1")
}

/// Checks an address a link names for a data file; see the module docs.
pub fn check(url: &str) -> Result<DataUrl, String> {
    let shown: String = url.chars().take(80).collect();
    let shown = if url.chars().count() > 80 { format!("{shown}…") } else { shown };
    if url.chars().count() > MAX_URL_CHARS {
        return Err(format!("the address {shown} is longer than {MAX_URL_CHARS} characters"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("the address {shown:?} contains a space or a control character"));
    }
    let lower = url.to_ascii_lowercase();
    let scheme = if lower.starts_with("https://") {
        "https"
    } else if lower.starts_with("http://") {
        "http"
    } else {
        return Err(format!("the address {shown} does not start with https:// (only https addresses are fetched)"));
    };
    let rest = &url[scheme.len() + 3..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err(format!("the address {shown} holds a user name or password; links must not carry credentials"));
    }
    let host = if authority.starts_with('[') {
        authority.split_inclusive(']').next().unwrap_or("")
    } else {
        authority.split(':').next().unwrap_or("")
    }
    .to_ascii_lowercase();
    if host.is_empty() || host.contains(['\\', '%']) {
        return Err(format!("the address {shown} has no valid host"));
    }
    if let Some(port) = authority[host.len()..].strip_prefix(':') {
        if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("the address {shown} has an invalid port"));
        }
    } else if authority.len() != host.len() {
        return Err(format!("the address {shown} has no valid host"));
    }
    if scheme == "http" && !is_local(&host) {
        return Err(format!(
            "the address {shown} uses plain http; only https is fetched (plain http only from this computer: \
             localhost or 127.0.0.1)"
        ));
    }
    Ok(DataUrl { url: url.to_string(), host, authority: authority.to_string(), scheme })
}

/// Why a file could not be fetched: the page and the CLI say it the same way.
#[derive(Clone, Debug, PartialEq)]
pub enum FetchError {
    /// No answer. In a browser this is also what a server without CORS
    /// headers looks like (`cors`: say so).
    Unreachable { url: String, cors: bool, detail: Option<String> },
    /// The server answered with an error status.
    Status { url: String, status: u16, text: String },
    /// It redirected to another host (`to`: that host, if it is an address at all).
    Redirected { url: String, to: Option<String> },
    /// Over [`MAX_FILE_BYTES`](crate::ingest::limits::MAX_FILE_BYTES) (as announced, or as read).
    TooLarge { url: String, bytes: Option<u64> },
    /// No complete answer within `seconds`.
    TimedOut { url: String, seconds: f64 },
    /// The file arrived but is not the one the link names (another SHA-256).
    Changed { name: String, url: String },
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let limit = crate::ingest::limits::MAX_FILE_BYTES as f64 / 1e6;
        match self {
            FetchError::Unreachable { url, cors: true, .. } => write!(
                f,
                "{url} could not be fetched: the server cannot be reached, or it does not allow other sites to read \
                 the file (it sends no Access-Control-Allow-Origin header, CORS). Host the file where CORS is allowed \
                 (a repository's raw file address, most static hosts), or download it and load it from disk."
            ),
            FetchError::Unreachable { url, cors: false, detail } => write!(
                f,
                "{url} could not be fetched: the server cannot be reached{}.",
                detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default()
            ),
            FetchError::Status { url, status, text } => {
                let hint = match status {
                    404 => ": the file is not there (moved or deleted?)",
                    401 | 403 => ": the server does not let this file be read without signing in",
                    _ => "",
                };
                write!(f, "{url}: the server answered {status} {text}{hint}.")
            }
            FetchError::Redirected { url, to } => write!(
                f,
                "{url} redirected to another host ({}); a link's data must come from the host it names.",
                to.as_deref().unwrap_or("an address that is not https")
            ),
            FetchError::TooLarge { url, bytes: Some(n) } => write!(
                f,
                "{url} is {:.1} MB ({n} bytes), over the limit of {limit:.1} MB per file; nothing was read.",
                *n as f64 / 1e6
            ),
            FetchError::TooLarge { url, bytes: None } => {
                write!(f, "{url} is over the limit of {limit:.1} MB per file.")
            }
            FetchError::TimedOut { url, seconds } => {
                write!(f, "{url} did not arrive within {seconds:.1} s; the server is too slow or not answering.")
            }
            FetchError::Changed { name, url } => write!(
                f,
                "different data: {name} ({url}) is not the file the link was made with (its SHA-256 differs): it \
                 changed since the link was made."
            ),
        }
    }
}

impl std::error::Error for FetchError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_https_and_local_http() {
        let u = check("https://raw.example.org/data/btc%20usd.csv?raw=1").unwrap();
        assert_eq!((u.scheme, u.host.as_str(), u.file_name().as_str()), ("https", "raw.example.org", "btc usd.csv"));
        let u = check("http://127.0.0.1:8081/prices.csv.gz").unwrap();
        assert_eq!(
            (u.host.as_str(), u.authority.as_str(), u.file_name().as_str()),
            ("127.0.0.1", "127.0.0.1:8081", "prices.csv.gz")
        );
        assert_eq!(check("http://LOCALHOST/x.csv").unwrap().host, "localhost");
        assert_eq!(check("https://[::1]:9000/a.csv").unwrap().host, "[::1]");
        assert!(check("http://[::1]:9000/a.csv").is_err(), "the page's CSP allows plain http to two local names only");
        assert_eq!(check("https://example.org").unwrap().file_name(), "example.org");
        assert_eq!(check("HTTPS://Example.org/a/b/").unwrap().file_name(), "b");
    }

    #[test]
    fn fetch_errors_say_what_and_where() {
        let url = "https://example.org/a.csv".to_string();
        let s = |e: FetchError| e.to_string();
        assert!(s(FetchError::Status { url: url.clone(), status: 404, text: "Not Found".into() })
            .contains("answered 404 Not Found: the file is not there"));
        assert!(s(FetchError::Unreachable { url: url.clone(), cors: true, detail: None }).contains("CORS"));
        assert!(!s(FetchError::Unreachable { url: url.clone(), cors: false, detail: None }).contains("CORS"));
        assert!(s(FetchError::Redirected { url: url.clone(), to: Some("evil.org".into()) })
            .contains("another host (evil.org)"));
        assert!(s(FetchError::TooLarge { url: url.clone(), bytes: Some(300_000_000) }).contains("300.0 MB"));
        assert!(s(FetchError::TimedOut { url: url.clone(), seconds: 1.5 }).contains("within 1.5 s"));
        assert!(s(FetchError::Changed { name: "a.csv".into(), url }).starts_with("different data: a.csv"));
    }

    #[test]
    fn refuses_what_it_must_with_the_reason() {
        let err = |u: &str| check(u).unwrap_err();
        assert!(err("http://example.org/a.csv").contains("plain http"));
        assert!(err("ftp://example.org/a.csv").contains("https://"));
        assert!(err("file:///etc/passwd").contains("https://"));
        assert!(err("javascript:alert(1)").contains("https://"));
        assert!(err("https://user:pw@example.org/a.csv").contains("credentials"));
        assert!(err("https://example.org/a b.csv").contains("space"));
        assert!(err("https:///a.csv").contains("no valid host"));
        assert!(err("https://example.org:99999x/a").contains("port"));
        assert!(err("http://localhost.evil.org/a").contains("plain http"));
        assert!(err("http://127.0.0.1.evil.org/a").contains("plain http"));
        assert!(err(&format!("https://example.org/{}", "a".repeat(MAX_URL_CHARS))).contains("longer than"));
    }
}
