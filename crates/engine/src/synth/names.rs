//! Synthetic tickers: short, lowercase, pronounceable, unique and stable.
//!
//! The first four ids are fixed (`btc`, `eth`, `usdt`, `usdc`); the others are
//! consonant-vowel syllables (3 to 5 letters: `kem`, `tavo`, `rizan`) drawn from
//! a generator with a fixed seed. They depend only on the asset's position,
//! never on the market seed or on `n_assets`: asset 17 has the same ticker in
//! every synthetic market, so lessons can refer to it.

use super::rng::Xoshiro256;
use std::collections::HashSet;

/// Fixed ids of the first assets, in order.
pub const FIXED: [&str; 4] = ["btc", "eth", "usdt", "usdc"];

const CONSONANTS: &[u8] = b"bdfgklmnprstvz";
const VOWELS: &[u8] = b"aeiou";

/// Real tickers a reader might mistake a synthetic one for, and unfortunate words.
const AVOID: &[&str] = &[
    "ada", "avax", "bnb", "busd", "dai", "doge", "dot", "link", "luna", "matic", "near", "pepe", "sol", "tron", "uni",
    "vet", "bat", "mana", "sand", "kava", "zil", "ren", "omg", "nexo", "rose", "atom", "aave", "kas", "ton", "sui",
];
const AVOID_PARTS: &[&str] =
    &["fuk", "sex", "nig", "fag", "kum", "tit", "rap", "naz", "dik", "kok", "pis", "pus", "poo"];

/// Ids for `n` assets (`n` may be below 4; the fixed ids come first).
pub fn tickers(n: usize) -> Vec<String> {
    let mut out: Vec<String> = FIXED.iter().take(n).map(|s| s.to_string()).collect();
    let mut seen: HashSet<String> = FIXED.iter().map(|s| s.to_string()).collect();
    let mut rng = Xoshiro256::new(0x1DE7_1AB5, 0);
    while out.len() < n {
        let name = candidate(&mut rng);
        if AVOID.contains(&name.as_str()) || AVOID_PARTS.iter().any(|p| name.contains(p)) || !seen.insert(name.clone())
        {
            continue;
        }
        out.push(name);
    }
    out
}

fn candidate(rng: &mut Xoshiro256) -> String {
    let len = 3 + rng.below(3) as usize; // 3, 4 or 5 letters: C V C (V C)
    (0..len)
        .map(|i| {
            let set = if i % 2 == 0 { CONSONANTS } else { VOWELS };
            set[rng.below(set.len() as u64) as usize] as char
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickers_are_unique_readable_and_prefix_stable() {
        let big = tickers(2000);
        assert_eq!(&big[..4], &["btc", "eth", "usdt", "usdc"]);
        let set: HashSet<&String> = big.iter().collect();
        assert_eq!(set.len(), 2000);
        for t in &big[4..] {
            assert!((3..=5).contains(&t.len()), "{t}");
            assert!(t.bytes().all(|b| b.is_ascii_lowercase()), "{t}");
        }
        assert_eq!(tickers(100)[..], big[..100]);
        assert_eq!(tickers(2), vec!["btc", "eth"]);
    }
}
