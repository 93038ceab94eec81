//! `run --link` with data by URL: the CLI fetches the link's files from a
//! local HTTP server, checks them byte for byte, and prints the numbers of
//! the same files given with `--data`; a changed file, a missing file and an
//! unreachable host each exit 1 with the page's message.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{data_file, run};
use engine::scenario::{DataRef, FileRef, Scenario};

/// Serves `body` for `/data.csv` (404 otherwise) on a free port; counts requests.
fn serve(body: Vec<u8>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let found = request_line.contains(" /data.csv ");
            let (status, payload): (&str, &[u8]) = if found { ("200 OK", &body) } else { ("404 Not Found", b"no") };
            let head = format!("HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", payload.len());
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(payload);
        }
    });
    (format!("http://127.0.0.1:{port}"), hits)
}

/// A link on one file at `url` with the SHA-256 of `bytes`, two strategies.
fn link(url: &str, bytes: &[u8]) -> String {
    let sha = engine::share::file_sha256(bytes);
    let strategies = vec![
        engine::Strategy::preset(engine::strategy::Preset::BitcoinBuyAndHold),
        engine::Strategy { name: "All, equal".into(), weighting: engine::Weighting::Equal, ..Default::default() },
    ];
    let scenario = Scenario {
        data: DataRef::Files {
            names: vec!["btc-usd-max.csv".into()],
            fingerprint: engine::share::files_fingerprint(std::slice::from_ref(&sha)),
            keep_spikes: false,
            files: vec![FileRef {
                url: Some(url.into()),
                size: Some(bytes.len() as u64),
                ..FileRef::uploaded("btc-usd-max.csv", sha)
            }],
            format: None,
            day_first: None,
            ever_top: None,
        },
        strategies,
        ..Scenario::default()
    };
    scenario.to_link().unwrap()
}

#[test]
fn a_link_with_data_by_url_gives_the_numbers_of_the_same_file_from_disk() {
    let path = data_file("coingecko-exports-19/btc-usd-max.csv");
    let bytes = std::fs::read(&path).unwrap();
    let (base, hits) = serve(bytes.clone());
    let l = link(&format!("{base}/data.csv"), &bytes);
    let fetched = run(&["run", "--link", &l]);
    let fetched_json = fetched.json();
    assert!(fetched.stderr.contains("same data"), "{}", fetched.stderr);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    let local = run(&["run", "--link", &l, "--data", path.to_str().unwrap()]).json();
    assert_eq!(fetched_json["strategies"], local["strategies"], "fetched and local data give different numbers");
}

#[test]
fn a_changed_file_exits_1_naming_it() {
    let path = data_file("coingecko-exports-19/btc-usd-max.csv");
    let bytes = std::fs::read(&path).unwrap();
    let mut changed = bytes.clone();
    changed.truncate(changed.len() - 40);
    let (base, _) = serve(changed);
    let out = run(&["run", "--link", &link(&format!("{base}/data.csv"), &bytes)]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("different data: btc-usd-max.csv"), "{}", out.stderr);
}

#[test]
fn a_missing_file_and_an_unreachable_host_exit_1_with_their_messages() {
    let bytes = b"date,price\n".to_vec();
    let (base, _) = serve(bytes.clone());
    let out = run(&["run", "--link", &link(&format!("{base}/elsewhere.csv"), &bytes)]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("answered 404 Not Found: the file is not there"), "{}", out.stderr);

    // A port nothing listens on.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = run(&["run", "--link", &link(&format!("http://127.0.0.1:{port}/data.csv"), &bytes)]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("could not be fetched: the server cannot be reached"), "{}", out.stderr);
    assert!(!out.stderr.contains("CORS"), "no CORS talk outside a browser: {}", out.stderr);
}
