//! Share links, bundles and fingerprints: round trips, every bad-link case, bombs.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use engine::share::{self, ShareError, DEFAULT_BUNDLE_LIMIT, MAX_INFLATED_BYTES, MAX_LINK_CHARS};
use engine::{Date, Extra, Panel};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};

/// The payload of the frozen v1 link below. Do not change it: the test proves
/// that links written by v1 keep decoding.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Scenario {
    name: String,
    top_n: u32,
    fee_bps: f64,
    rebalance: String,
}

fn scenario() -> Scenario {
    Scenario { name: "Top 10, monthly".into(), top_n: 10, fee_bps: 10.0, rebalance: "monthly".into() }
}

/// Generated once by `share::encode("s", &scenario())` and pasted here.
const V1_LINK: &str =
    "s.v1.NYuxDoAgDAV_hbyZGF35DndSTI0DtI2yGOO_AwPjXe4-CBVGwK7mttW7olKv_MKjqkVB6BInc0z2DFg63pwokxzjm_3fAA";

#[test]
fn frozen_v1_link_still_decodes() {
    assert_eq!(share::decode::<Scenario>("s", V1_LINK).unwrap(), scenario());
    // as a location.hash, with stray whitespace
    assert_eq!(share::decode::<Scenario>("s", &format!(" #{V1_LINK}\n")).unwrap(), scenario());
    // as a whole pasted URL
    let url = format!("https://example.org/app/?lang=en#{V1_LINK}");
    assert_eq!(share::decode::<Scenario>("s", &url).unwrap(), scenario());
}

#[test]
fn encode_is_deterministic_and_fragment_safe() {
    let a = share::encode("s", &scenario()).unwrap();
    assert_eq!(a, share::encode("s", &scenario()).unwrap());
    assert!(a.starts_with("s.v1."));
    assert!(a.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)), "{a}");
}

/// A newer payload with an added defaulted field reads old links, and old
/// payloads read new links (unknown fields are ignored).
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct ScenarioV2 {
    name: String,
    top_n: u32,
    fee_bps: f64,
    rebalance: String,
    #[serde(default)]
    cap_weight_limit: Option<f64>,
}

#[test]
fn added_defaulted_fields_keep_old_links_working() {
    let new: ScenarioV2 = share::decode("s", V1_LINK).unwrap();
    assert_eq!(new.cap_weight_limit, None);
    assert_eq!(new.name, "Top 10, monthly");
    let link = share::encode("s", &ScenarioV2 { cap_weight_limit: Some(0.2), ..new }).unwrap();
    assert_eq!(share::decode::<Scenario>("s", &link).unwrap(), scenario());
}

#[test]
fn empty_link() {
    assert_eq!(share::decode::<Scenario>("s", ""), Err(ShareError::Empty));
    assert_eq!(share::decode::<Scenario>("s", " # "), Err(ShareError::Empty));
}

#[test]
fn missing_header_and_wrong_kind() {
    assert_eq!(share::decode::<Scenario>("s", "hello"), Err(ShareError::MissingHeader));
    assert_eq!(share::decode::<Scenario>("s", "a b.v1.xyz"), Err(ShareError::MissingHeader));
    let other = share::encode("lesson", &1u32).unwrap();
    assert_eq!(
        share::decode::<Scenario>("s", &other),
        Err(ShareError::WrongKind { expected: "s".into(), found: "lesson".into() })
    );
    assert!(matches!(share::encode("a.b", &1u32), Err(ShareError::InvalidKind(_))));
    assert!(matches!(share::encode("", &1u32), Err(ShareError::InvalidKind(_))));
}

#[test]
fn unknown_version() {
    let future = V1_LINK.replacen("s.v1.", "s.v2.", 1);
    assert_eq!(share::decode::<Scenario>("s", &future), Err(ShareError::UnknownVersion("v2".into())));
    let e = share::decode::<Scenario>("s", "s.version1.abc").unwrap_err();
    assert_eq!(e, ShareError::UnknownVersion("version1".into()));
    assert!(e.to_string().contains("unknown link version"), "{e}");
}

#[test]
fn bad_base64_reports_position() {
    // "s.v1." is 5 characters: payload index 7 is link position 12.
    for bad in ['!', '+', '/', '=', ' ', 'é'] {
        let mut chars: Vec<char> = V1_LINK.chars().collect();
        chars[12] = bad;
        let link: String = chars.into_iter().collect();
        match share::decode::<Scenario>("s", &link) {
            Err(ShareError::BadBase64 { position, .. }) => assert_eq!(position, 12, "{bad:?}"),
            other => panic!("{bad:?}: {other:?}"),
        }
    }
    // An impossible length (4k + 1 characters).
    let payload_len = V1_LINK.len() - 5;
    let cut = &V1_LINK[..5 + payload_len - payload_len % 4 + 1 - 4];
    assert!(matches!(share::decode::<Scenario>("s", cut), Err(ShareError::BadBase64 { .. })), "{cut}");
}

#[test]
fn truncated_deflate() {
    // Cut the payload on a 4-character boundary: valid base64, truncated deflate.
    let cut = &V1_LINK[..5 + 40];
    assert_eq!(share::decode::<Scenario>("s", cut), Err(ShareError::Truncated));
    assert_eq!(share::decode::<Scenario>("s", "s.v1."), Err(ShareError::Truncated));
}

#[test]
fn corrupt_deflate() {
    // First block header: BFINAL = 1, BTYPE = 11 (reserved) -> invalid.
    let link = format!("s.v1.{}", URL_SAFE_NO_PAD.encode([0x07u8, 0x00, 0x00, 0x00]));
    match share::decode::<Scenario>("s", &link) {
        Err(ShareError::Corrupt(_)) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn oversize_link() {
    let long = format!("s.v1.{}", "A".repeat(MAX_LINK_CHARS));
    assert_eq!(
        share::decode::<Scenario>("s", &long),
        Err(ShareError::TooLong { len: MAX_LINK_CHARS + 5, max: MAX_LINK_CHARS })
    );
    // Encoding something that cannot fit is refused too (incompressible text).
    let mut x: u64 = 1;
    let noise: String = (0..20_000)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            char::from(b'!' + ((x >> 33) % 90) as u8)
        })
        .collect();
    assert!(matches!(share::encode("s", &noise), Err(ShareError::TooLong { .. })));
}

#[test]
fn deflate_bomb_is_stopped() {
    // 12 MiB of spaces compresses to ~12 KB, under the link length limit:
    // inflation must stop at the 1 MiB limit.
    let bomb = vec![b' '; 12 * 1024 * 1024];
    let packed = miniz_oxide::deflate::compress_to_vec(&bomb, 10);
    let link = format!("s.v1.{}", URL_SAFE_NO_PAD.encode(&packed));
    assert!(link.len() <= MAX_LINK_CHARS, "bomb link is {} chars", link.len());
    assert_eq!(share::decode::<Scenario>("s", &link), Err(ShareError::TooLarge { limit: MAX_INFLATED_BYTES as u64 }));
    // Just under the limit is accepted (then fails as JSON, being only spaces).
    let ok = vec![b' '; MAX_INFLATED_BYTES];
    let link = format!("s.v1.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&ok, 10)));
    assert!(matches!(share::decode::<Scenario>("s", &link), Err(ShareError::Json(_))));
}

#[test]
fn json_mismatch_reports_serde_message() {
    #[derive(Serialize)]
    struct Other {
        name: u32,
    }
    let link = share::encode("s", &Other { name: 3 }).unwrap();
    match share::decode::<Scenario>("s", &link) {
        Err(ShareError::Json(msg)) => assert!(msg.contains("invalid type"), "{msg}"),
        other => panic!("{other:?}"),
    }
    let link = share::encode("s", &serde_json::json!({"name": "x"})).unwrap();
    match share::decode::<Scenario>("s", &link) {
        Err(ShareError::Json(msg)) => assert!(msg.contains("missing field `top_n`"), "{msg}"),
        other => panic!("{other:?}"),
    }
    // Non-finite floats have no JSON form: they come back as an error, not silently.
    let link = share::encode("s", &f64::NAN).unwrap();
    assert!(matches!(share::decode::<f64>("s", &link), Err(ShareError::Json(_))));
}

#[test]
fn xss_strings_round_trip_as_data() {
    let s = Scenario {
        name: "<img src=x onerror=alert(1)></script>\"'`${x}\u{0}\u{202e}日本語🚀".into(),
        ..scenario()
    };
    let link = share::encode("s", &s).unwrap();
    assert!(!link.contains('<') && !link.contains('"'));
    assert_eq!(share::decode::<Scenario>("s", &link).unwrap(), s);
}

// ---------------------------------------------------------------------------
// Bundles
// ---------------------------------------------------------------------------

fn gunzip(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(b).read_to_end(&mut out).unwrap();
    out
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(b).unwrap();
    gz.finish().unwrap()
}

/// Builds a container by hand (to craft hostile bundles).
fn container(manifest: &str, body: &[u8]) -> Vec<u8> {
    let mut c = share::BUNDLE_MAGIC.to_vec();
    c.extend_from_slice(&1u32.to_le_bytes());
    c.extend_from_slice(&(manifest.len() as u32).to_le_bytes());
    c.extend_from_slice(manifest.as_bytes());
    c.extend_from_slice(body);
    c
}

#[test]
fn bundle_round_trip() {
    let csv = b"date,id,price\n2024-01-01,btc,42000\n".to_vec();
    let binary: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    let files: Vec<(&str, &[u8])> = vec![("prices.csv", &csv), ("raw.bin", &binary), ("empty.txt", &[])];
    let b = share::encode_bundle(&scenario(), &files).unwrap();
    assert_eq!(&b[..2], &[0x1f, 0x8b], "gzip magic");
    let back = share::decode_bundle::<Scenario>(&b, DEFAULT_BUNDLE_LIMIT).unwrap();
    assert_eq!(back.scenario, scenario());
    let names: Vec<&str> = back.files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["prices.csv", "raw.bin", "empty.txt"]);
    assert_eq!(back.files[0].1, csv);
    assert_eq!(back.files[1].1, binary);
    assert!(back.files[2].1.is_empty());
    // The decompressed content starts with the documented header.
    let raw = gunzip(&b);
    assert_eq!(&raw[..16], b"INDEXLAB-BUNDLE\n");
    assert_eq!(&raw[16..20], &1u32.to_le_bytes());
}

#[test]
fn bundle_limit_is_enforced() {
    let big = vec![0u8; 200_000];
    let b = share::encode_bundle(&scenario(), &[("big.bin", &big)]).unwrap();
    assert!(share::decode_bundle::<Scenario>(&b, 300_000).is_ok());
    assert_eq!(share::decode_bundle::<Scenario>(&b, 100_000).unwrap_err(), ShareError::TooLarge { limit: 100_000 });
    assert!(matches!(share::decode_bundle::<Scenario>(&b, 10), Err(ShareError::TooLarge { .. })));
}

#[test]
fn bundle_bomb_is_stopped_before_inflating() {
    // The manifest claims a 16 MiB file of zeros (which compresses to ~16 KB):
    // refused from the manifest against a 1 MiB limit.
    let size = 16 * 1024 * 1024;
    let manifest = format!(
        r#"{{"scenario":{{"name":"x","top_n":1,"fee_bps":0,"rebalance":"m"}},"files":[{{"name":"z","size":{size},"sha256":"00"}}]}}"#
    );
    let b = gzip(&container(&manifest, &vec![0u8; size]));
    assert!(b.len() < 1 << 20, "{}", b.len());
    assert_eq!(share::decode_bundle::<Scenario>(&b, 1 << 20), Err(ShareError::TooLarge { limit: 1 << 20 }));
    // A lying manifest (claims little, ships a lot) fails on the trailing data without reading it all.
    let manifest = r#"{"scenario":{"name":"x","top_n":1,"fee_bps":0,"rebalance":"m"},"files":[]}"#;
    let b = gzip(&container(manifest, &vec![0u8; size]));
    assert!(
        matches!(share::decode_bundle::<Scenario>(&b, 1 << 20), Err(ShareError::Bundle(m)) if m.contains("after the last file"))
    );
}

#[test]
fn bundle_damage_is_detected() {
    let data = b"hello, world".to_vec();
    let b = share::encode_bundle(&scenario(), &[("a.csv", &data)]).unwrap();
    // Flip the last byte of the file's content: checksum mismatch.
    let mut raw = gunzip(&b);
    *raw.last_mut().unwrap() ^= 1;
    let e = share::decode_bundle::<Scenario>(&gzip(&raw), DEFAULT_BUNDLE_LIMIT).unwrap_err();
    assert!(matches!(&e, ShareError::Bundle(m) if m.contains("checksum")), "{e:?}");
    // Cut the decompressed content: truncated.
    let raw = gunzip(&b);
    let e = share::decode_bundle::<Scenario>(&gzip(&raw[..raw.len() - 3]), DEFAULT_BUNDLE_LIMIT).unwrap_err();
    assert_eq!(e, ShareError::Truncated);
    // Cut the gzip file itself.
    let e = share::decode_bundle::<Scenario>(&b[..b.len() / 2], DEFAULT_BUNDLE_LIMIT).unwrap_err();
    assert!(matches!(e, ShareError::Truncated | ShareError::Corrupt(_)), "{e:?}");
    // Not gzip, not a bundle, another version, empty.
    assert!(matches!(share::decode_bundle::<Scenario>(b"PK\x03\x04", 100), Err(ShareError::Bundle(_))));
    assert!(matches!(
        share::decode_bundle::<Scenario>(&gzip(b"hello there, this is not a bundle"), 1000),
        Err(ShareError::Bundle(m)) if m.contains("magic")
    ));
    let mut raw = gunzip(&b);
    raw[16] = 9;
    assert_eq!(
        share::decode_bundle::<Scenario>(&gzip(&raw), DEFAULT_BUNDLE_LIMIT),
        Err(ShareError::UnknownVersion("bundle v9".into()))
    );
    assert_eq!(share::decode_bundle::<Scenario>(&[], 100), Err(ShareError::Empty));
    // Scenario of the wrong shape.
    assert!(matches!(share::decode_bundle::<Vec<u32>>(&b, DEFAULT_BUNDLE_LIMIT), Err(ShareError::Json(_))));
}

#[test]
fn bundle_file_names_are_checked() {
    for bad in ["", ".", "..", "../etc/passwd", "a/b", "a\\b", "tab\there"] {
        assert!(matches!(share::encode_bundle(&1u8, &[(bad, b"x")]), Err(ShareError::Bundle(_))), "{bad:?}");
    }
    assert!(matches!(share::encode_bundle(&1u8, &[("a", b"x"), ("a", b"y")]), Err(ShareError::Bundle(_))));
    // A hostile manifest with a path is refused on decode too.
    let manifest = r#"{"scenario":1,"files":[{"name":"../x","size":1,"sha256":"00"}]}"#;
    let b = gzip(&container(manifest, b"x"));
    assert!(matches!(share::decode_bundle::<u8>(&b, 1000), Err(ShareError::Bundle(m)) if m.contains("file name")));
}

// ---------------------------------------------------------------------------
// Fingerprint
// ---------------------------------------------------------------------------

fn panel(ids: [&str; 2], price: Vec<f64>, extras: Vec<Extra>) -> Panel {
    let nan = f64::NAN;
    let dates = vec![Date(19_000), Date(19_001), Date(19_002)];
    let cap: Vec<f64> = price.iter().map(|p| p * 10.0).collect();
    Panel::new(dates, ids.iter().map(|s| s.to_string()).collect(), price, cap, vec![nan; 6], extras).unwrap()
}

#[test]
fn fingerprint_is_stable_and_sensitive() {
    let nan = f64::NAN;
    let base = || panel(["btc", "eth"], vec![1.0, nan, 2.0, 5.0, 3.0, 6.0], vec![]);
    let fp = share::fingerprint(&base());
    assert_eq!(fp.len(), 64);
    assert!(fp.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert_eq!(fp, share::fingerprint(&base()));
    // Known answer, computed independently (Python hashlib over the documented bytes).
    assert_eq!(fp, "e49162de1810b27a73a2227f6683e2a182270076ba4754b76a7474b67efdf733");

    // One price changes it (by one ulp too).
    let changed = panel(["btc", "eth"], vec![1.0, nan, 2.0, 5.0, 3.0, 6.000000000000001], vec![]);
    assert_ne!(share::fingerprint(&changed), fp);
    // So does an id or a date.
    assert_ne!(share::fingerprint(&panel(["btc", "ETH"], vec![1.0, nan, 2.0, 5.0, 3.0, 6.0], vec![])), fp);
    let shifted = Panel::new(
        vec![Date(19_000), Date(19_001), Date(19_003)],
        vec!["btc".into(), "eth".into()],
        vec![1.0, nan, 2.0, 5.0, 3.0, 6.0],
        vec![10.0, nan, 20.0, 50.0, 30.0, 60.0],
        vec![nan; 6],
        vec![],
    )
    .unwrap();
    assert_ne!(share::fingerprint(&shifted), fp);

    // Asset order does not matter (documented): same data, columns swapped.
    let swapped = panel(["eth", "btc"], vec![nan, 1.0, 5.0, 2.0, 6.0, 3.0], vec![]);
    assert_eq!(share::fingerprint(&swapped), fp);

    // NaN payloads are canonical.
    let odd_nan = f64::from_bits(0x7ff8_dead_beef_0001);
    assert_eq!(share::fingerprint(&panel(["btc", "eth"], vec![1.0, odd_nan, 2.0, 5.0, 3.0, 6.0], vec![])), fp);

    // Extra columns count, in any order.
    let ex = |name: &str, v: f64| Extra { name: name.into(), values: vec![v; 6] };
    let with = panel(["btc", "eth"], vec![1.0, nan, 2.0, 5.0, 3.0, 6.0], vec![ex("a", 1.0), ex("b", 2.0)]);
    let with_rev = panel(["btc", "eth"], vec![1.0, nan, 2.0, 5.0, 3.0, 6.0], vec![ex("b", 2.0), ex("a", 1.0)]);
    assert_ne!(share::fingerprint(&with), fp);
    assert_eq!(share::fingerprint(&with), share::fingerprint(&with_rev));
}
