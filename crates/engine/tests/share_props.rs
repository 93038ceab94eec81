//! Property test: `decode(encode(x)) == x` for random values of a struct
//! exercising strings (any Unicode), numbers, vectors, options and enums.

use engine::share;
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
enum Weighting {
    Equal,
    Cap { limit: Option<f64> },
    Custom(String, Vec<f64>),
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Payload {
    name: String,
    tags: Vec<String>,
    top_n: u32,
    seed: u64,
    offset: i64,
    fee: f64,
    small: f32,
    enabled: bool,
    note: Option<String>,
    weighting: Weighting,
    history: Vec<Option<Weighting>>,
}

fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![any::<f64>().prop_filter("finite", |v| v.is_finite()), -1e3f64..1e3, Just(0.0), Just(-0.0)]
}

fn weighting() -> impl Strategy<Value = Weighting> {
    prop_oneof![
        Just(Weighting::Equal),
        proptest::option::of(finite()).prop_map(|limit| Weighting::Cap { limit }),
        (any::<String>(), prop::collection::vec(finite(), 0..5)).prop_map(|(s, v)| Weighting::Custom(s, v)),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), Just("<img src=x onerror=alert(1)>".to_string()), "[a-zé日🚀<>\"'&#%?/\\\\ ]{0,40}",]
}

fn payload() -> impl Strategy<Value = Payload> {
    (
        (text(), prop::collection::vec(text(), 0..4), any::<u32>(), any::<u64>(), any::<i64>()),
        (finite(), any::<f32>().prop_filter("finite", |v| v.is_finite()), any::<bool>()),
        (proptest::option::of(text()), weighting(), prop::collection::vec(proptest::option::of(weighting()), 0..4)),
    )
        .prop_map(|((name, tags, top_n, seed, offset), (fee, small, enabled), (note, weighting, history))| {
            Payload { name, tags, top_n, seed, offset, fee, small, enabled, note, weighting, history }
        })
}

proptest! {
    #[test]
    fn link_round_trip(p in payload()) {
        let link = share::encode("p", &p).unwrap();
        prop_assert!(link.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)));
        let back: Payload = share::decode("p", &link).unwrap();
        // Compare bit patterns of floats too (-0.0 vs 0.0).
        prop_assert_eq!(back.fee.to_bits(), p.fee.to_bits());
        prop_assert_eq!(back, p);
    }

    #[test]
    fn bundle_round_trip(p in payload(), files in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 0..4)) {
        let named: Vec<(String, Vec<u8>)> = files.into_iter().enumerate().map(|(i, f)| (format!("f{i}.csv"), f)).collect();
        let refs: Vec<(&str, &[u8])> = named.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
        let b = share::encode_bundle(&p, &refs).unwrap();
        let back = share::decode_bundle::<Payload>(&b, share::DEFAULT_BUNDLE_LIMIT).unwrap();
        prop_assert_eq!(back.scenario, p);
        prop_assert_eq!(back.files, named);
    }
}
