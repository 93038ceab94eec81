//! Which assets an index leaves out by default: a built-in list by category
//! (`data/excluded-assets.txt`, with a note on how it was compiled) and the
//! loader's own detection of pegged tokens and copies
//! ([`crate::ingest::pegged`]).
//!
//! A universe's `exclude` list names assets by id, or whole groups by a token:
//!
//! | token | leaves out |
//! |---|---|
//! | `@stablecoins` | the list's stablecoins and fiat- or gold-pegged tokens |
//! | `@wrapped` | the list's wrapped, bridged and staked copies |
//! | `@detected` | every asset the loader flagged as pegged or as a copy ([`Panel::pegged`]) |
//!
//! A universe's `include` list names assets held even though a group token
//! names them (the page's "include anyway"); an id written out in `exclude`
//! stays excluded.

use crate::panel::Panel;
use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// The default exclusions of a universe: both list groups and the detection.
pub const DEFAULT_EXCLUSIONS: [&str; 3] = [STABLECOINS, WRAPPED, DETECTED];

/// Token for the list's stablecoin group.
pub const STABLECOINS: &str = "@stablecoins";
/// Token for the list's wrapped, bridged and staked group.
pub const WRAPPED: &str = "@wrapped";
/// Token for the assets the loader flagged from their prices.
pub const DETECTED: &str = "@detected";

const LIST: &str = include_str!("../data/excluded-assets.txt");

/// One category of the built-in list.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// `stablecoins` or `wrapped`; the token is `@` + key.
    pub key: &'static str,
    /// Plain-language name of the category.
    pub label: &'static str,
    /// One entry per listed token: its names (id and symbols, or a pattern).
    pub entries: Vec<Vec<&'static str>>,
    /// The names without `*`, for a hash lookup (every simulation resolves
    /// its universe against the list: this keeps that to one lookup an asset).
    exact: Names<'static>,
    /// The names with `*`, split at them once here rather than at every match.
    patterns: Vec<Pattern<'static>>,
}

impl Group {
    /// The exclude-list token of this group.
    pub fn token(&self) -> String {
        format!("@{}", self.key)
    }

    /// Whether `id` is one of the group's names (case-insensitive; `*` in a
    /// name matches any run of characters).
    pub fn matches(&self, id: &str) -> bool {
        self.matches_lowercase(&id.trim().to_lowercase())
    }

    /// [`Group::matches`] for an id already trimmed and lowercased.
    fn matches_lowercase(&self, id: &str) -> bool {
        self.exact.contains(id) || self.patterns.iter().any(|p| p.matches(id))
    }
}

/// A set of names hashed with [`NameHasher`].
type Names<'a> = HashSet<&'a str, BuildHasherDefault<NameHasher>>;

/// A multiply-rotate hash (FxHash's) for short names: several times faster
/// than the default SipHash, whose resistance to crafted collisions the
/// built-in list and a panel's own ids have no use for.
#[derive(Clone, Copy, Debug, Default)]
struct NameHasher(u64);

impl Hasher for NameHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }
}

/// The built-in list's groups, in file order.
pub fn groups() -> &'static [Group] {
    static GROUPS: OnceLock<Vec<Group>> = OnceLock::new();
    GROUPS.get_or_init(|| parse(LIST))
}

fn parse(text: &'static str) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let (key, label) = rest.split_once(']').expect("a group line reads `[key] Label`");
            groups.push(Group {
                key: key.trim(),
                label: label.trim(),
                entries: Vec::new(),
                exact: Names::default(),
                patterns: Vec::new(),
            });
        } else {
            let group = groups.last_mut().expect("names come after a group line");
            let names: Vec<&'static str> = line.split_whitespace().collect();
            for &n in &names {
                if n.contains('*') {
                    group.patterns.push(Pattern::new(n));
                } else {
                    group.exact.insert(n);
                }
            }
            group.entries.push(names);
        }
    }
    groups
}

/// A name with `*`, which matches any run of characters (everything else
/// matches literally), split at its `*`s: `first*middle[0]*…*last`.
#[derive(Clone, Debug, PartialEq)]
struct Pattern<'a> {
    first: &'a str,
    middle: Vec<&'a str>,
    last: &'a str,
}

impl<'a> Pattern<'a> {
    /// `pattern` must contain a `*`.
    fn new(pattern: &'a str) -> Pattern<'a> {
        let mut parts: Vec<&str> = pattern.split('*').collect();
        let last = parts.pop().unwrap_or("");
        let first = if parts.is_empty() { "" } else { parts.remove(0) };
        parts.retain(|p| !p.is_empty());
        Pattern { first, middle: parts, last }
    }

    fn matches(&self, s: &str) -> bool {
        let Some(mut rest) = s.strip_prefix(self.first) else { return false };
        for p in &self.middle {
            match rest.find(p) {
                Some(i) => rest = &rest[i + p.len()..],
                None => return false,
            }
        }
        rest.ends_with(self.last)
    }
}

/// `*` matches any run of characters; everything else literally.
#[cfg(test)]
fn glob(pattern: &str, s: &str) -> bool {
    if pattern.contains('*') {
        Pattern::new(pattern).matches(s)
    } else {
        pattern == s
    }
}

/// Why an asset is left out of a universe.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// Named in `exclude`.
    Listed,
    /// In a group of the built-in list (its key).
    Group(&'static str),
    /// Flagged by the loader as pegged or as a copy.
    Detected,
}

/// For each asset of the panel, why `exclude` leaves it out (`None`: it may
/// be held). `include` exempts assets from group tokens and the detection.
pub fn resolve(panel: &Panel, exclude: &[String], include: &[String]) -> Vec<Option<Reason>> {
    let lower = |v: &[String]| v.iter().map(|e| e.trim().to_lowercase()).collect::<Vec<_>>();
    let (exclude, include) = (lower(exclude), lower(include));
    let active: Vec<&Group> = groups().iter().filter(|g| exclude.iter().any(|e| *e == g.token())).collect();
    let detected = exclude.iter().any(|e| e == DETECTED);
    let flagged: Names = panel.pegged().iter().map(|p| p.id.as_str()).collect();
    panel
        .assets()
        .iter()
        .map(|info| {
            // Ids are mostly lowercase ASCII already: no copy for those.
            let id = info.id.trim();
            let id: Cow<str> = if id.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
                Cow::Borrowed(id)
            } else {
                Cow::Owned(id.to_lowercase())
            };
            let id: &str = &id;
            if exclude.iter().any(|e| e == id) {
                return Some(Reason::Listed);
            }
            if include.iter().any(|e| e == id) {
                return None;
            }
            if let Some(g) = active.iter().find(|g| g.matches_lowercase(id)) {
                return Some(Reason::Group(g.key));
            }
            (detected && flagged.contains(info.id.as_str())).then_some(Reason::Detected)
        })
        .collect()
}

/// Whether an exclude entry is a group token (`@…`) this engine knows.
pub fn is_token(entry: &str) -> bool {
    let e = entry.trim().to_lowercase();
    e == DETECTED || groups().iter().any(|g| g.token() == e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_has_both_groups_with_ids_and_symbols() {
        let g = groups();
        assert_eq!(g.iter().map(|g| g.key).collect::<Vec<_>>(), ["stablecoins", "wrapped"]);
        assert!(g[0].entries.len() >= 24 && g[1].entries.len() >= 30, "{} {}", g[0].entries.len(), g[1].entries.len());
        for id in ["tether", "USDT", "ethena-usde", "paypal-usd", "pax-gold", "xaut", "usual-usd", "first-digital-usd"]
        {
            assert!(g[0].matches(id), "{id}");
        }
        for id in ["wrapped-bitcoin", "WBTC", "staked-ether", "coinbase-wrapped-btc", "binance-bridged-eth", "msol"] {
            assert!(g[1].matches(id), "{id}");
        }
        for id in ["bitcoin", "btc", "ethereum", "lido-dao", "solana", "leo-token", "okb", "wormhole", "bridge"] {
            assert!(!g[0].matches(id) && !g[1].matches(id), "{id}");
        }
    }

    #[test]
    fn list_names_are_lowercase_so_lookups_need_no_folding() {
        for g in groups() {
            for n in g.entries.iter().flatten() {
                assert_eq!(*n, n.to_lowercase(), "{n}");
            }
        }
    }

    #[test]
    fn glob_matches_prefixes_suffixes_and_middles() {
        assert!(glob("binance-bridged-*", "binance-bridged-usdt-bnb-smart-chain"));
        assert!(glob("*-bridged-*", "arbitrum-bridged-weth"));
        assert!(!glob("*-bridged-*", "bridged-weth"));
        assert!(glob("*-wormhole", "eth-wormhole"));
        assert!(!glob("*-wormhole", "wormhole"));
        assert!(glob("dai", "dai") && !glob("dai", "daily"));
        assert!(glob("a*b*c*d", "axxbyycd") && !glob("a*b*c*d", "axxcyybd") && glob("a**d", "ad"));
        assert!(glob("*", "") && glob("ab*", "ab") && !glob("ab*ba", "aba"));
    }

    #[test]
    fn tokens_are_known() {
        assert!(DEFAULT_EXCLUSIONS.iter().all(|t| is_token(t)));
        assert!(!is_token("@nothing") && !is_token("tether"));
    }
}
