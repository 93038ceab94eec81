//! The validated data model: a calendar of dates x assets.
//!
//! # Invariants (checked by [`Panel::new`])
//! - **dates are strictly increasing** (UTC days; any spacing: daily, weekly, monthly);
//! - **asset ids are unique and non-empty**;
//! - every field is a contiguous, **day-major** `Vec<f64>` of length
//!   `n_days * n_assets`: the value of asset `a` on day `t` is at `t * n_assets + a`,
//!   so one day's row is a contiguous slice (the simulation's dot products read rows);
//! - `NaN` marks a missing value;
//! - **inside an asset's listed span** (its first to last day with a price) every
//!   price is finite and > 0: gaps were carried forward by the constructor (a 0%
//!   return that day) and counted in [`AssetInfo::carried_forward`]; outside the span
//!   the price is `NaN`;
//! - market caps and volumes are finite and >= 0, or `NaN`; a gap day inside the
//!   span carries the market cap forward too.

use crate::date::Date;
use crate::pegged::Pegged;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Per-asset facts derived from the data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssetInfo {
    /// Identifier (CoinGecko id or symbol, as loaded).
    pub id: String,
    /// Index of the first day with a price.
    pub first: usize,
    /// Index of the last day with a price.
    pub last: usize,
    /// Days inside the listed span whose price (and cap) were carried forward.
    pub carried_forward: usize,
}

impl AssetInfo {
    /// Whether the asset stops trading before the panel's last day.
    pub fn delisted(&self, n_days: usize) -> bool {
        self.last + 1 < n_days
    }
}

/// A named extra numeric column (for example a user-supplied `score`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Extra {
    pub name: String,
    /// Day-major, like the other fields.
    #[serde(with = "f64_block")]
    pub values: Vec<f64>,
}

/// Daily (or weekly, monthly) data for a set of assets. See the module docs
/// for the invariants.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Panel {
    dates: Vec<Date>,
    assets: Vec<AssetInfo>,
    #[serde(with = "f64_block")]
    price: Vec<f64>,
    #[serde(with = "f64_block")]
    market_cap: Vec<f64>,
    #[serde(with = "f64_block")]
    volume: Vec<f64>,
    extras: Vec<Extra>,
    /// Assets flagged as pegged tokens or copies of another asset
    /// ([`crate::pegged::detect`], run by the loader), in asset order.
    #[serde(default)]
    pegged: Vec<Pegged>,
}

/// Serde for a column of numbers as one block of little-endian bytes, bit
/// for bit (NaN payloads too). A panel travels between the page and its
/// workers in bincode: as a block it is one copy each way instead of one
/// length check and push per number (4 million of them for a 39 MB file).
/// Formats without byte strings (JSON) write and read the block as an
/// array of bytes.
mod f64_block {
    use serde::de::{self, SeqAccess, Visitor};
    use serde::{Deserializer, Serializer};
    use std::fmt;

    pub fn serialize<S: Serializer>(values: &[f64], s: S) -> Result<S::Ok, S::Error> {
        let mut bytes = Vec::with_capacity(values.len() * 8);
        for v in values {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        s.serialize_bytes(&bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        d.deserialize_bytes(Block)
    }

    struct Block;

    impl<'de> Visitor<'de> for Block {
        type Value = Vec<f64>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a block of little-endian f64 values (a multiple of 8 bytes)")
        }

        fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Vec<f64>, E> {
            if !bytes.len().is_multiple_of(8) {
                return Err(E::invalid_length(bytes.len(), &self));
            }
            Ok(bytes.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes"))).collect())
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<f64>, A::Error> {
            let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
            while let Some(b) = seq.next_element::<u8>()? {
                bytes.push(b);
            }
            self.visit_bytes(&bytes)
        }
    }
}

/// Why a panel could not be built.
#[derive(Clone, Debug, PartialEq)]
pub enum PanelError {
    NoDates,
    NoAssets,
    DatesNotIncreasing { index: usize, date: Date },
    DuplicateAsset(String),
    EmptyAssetId(usize),
    WrongLength { field: String, expected: usize, found: usize },
    NoPrice(String),
}

impl fmt::Display for PanelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PanelError::NoDates => write!(f, "the data has no dates"),
            PanelError::NoAssets => write!(f, "the data has no assets"),
            PanelError::DatesNotIncreasing { index, date } => {
                write!(f, "dates must increase: {date} at position {index} is not after the one before")
            }
            PanelError::DuplicateAsset(a) => write!(f, "asset '{a}' appears twice"),
            PanelError::EmptyAssetId(i) => write!(f, "asset number {} has an empty name", i + 1),
            PanelError::WrongLength { field, expected, found } => {
                write!(f, "field '{field}' has {found} values, expected {expected}")
            }
            PanelError::NoPrice(a) => write!(f, "asset '{a}' has no valid price on any date"),
        }
    }
}

impl std::error::Error for PanelError {}

impl Panel {
    /// Builds a panel, checking the invariants in the module docs and carrying
    /// gaps forward inside each asset's listed span. Prices that are not
    /// finite and > 0 count as missing. Negative or non-finite caps and volumes
    /// become `NaN`.
    pub fn new(
        dates: Vec<Date>,
        asset_ids: Vec<String>,
        mut price: Vec<f64>,
        mut market_cap: Vec<f64>,
        mut volume: Vec<f64>,
        extras: Vec<Extra>,
    ) -> Result<Panel, PanelError> {
        let (t_n, a_n) = (dates.len(), asset_ids.len());
        if t_n == 0 {
            return Err(PanelError::NoDates);
        }
        if a_n == 0 {
            return Err(PanelError::NoAssets);
        }
        if let Some(i) = (1..t_n).find(|&i| dates[i] <= dates[i - 1]) {
            return Err(PanelError::DatesNotIncreasing { index: i, date: dates[i] });
        }
        let mut seen = std::collections::HashSet::new();
        for (i, id) in asset_ids.iter().enumerate() {
            if id.trim().is_empty() {
                return Err(PanelError::EmptyAssetId(i));
            }
            if !seen.insert(id.as_str()) {
                return Err(PanelError::DuplicateAsset(id.clone()));
            }
        }
        let expected = t_n * a_n;
        for (name, len) in [("price", price.len()), ("market_cap", market_cap.len()), ("volume", volume.len())]
            .into_iter()
            .chain(extras.iter().map(|e| (e.name.as_str(), e.values.len())))
        {
            if len != expected {
                return Err(PanelError::WrongLength { field: name.to_string(), expected, found: len });
            }
        }
        for v in price.iter_mut() {
            if !(v.is_finite() && *v > 0.0) {
                *v = f64::NAN;
            }
        }
        for v in market_cap.iter_mut().chain(volume.iter_mut()) {
            if !(v.is_finite() && *v >= 0.0) {
                *v = f64::NAN;
            }
        }
        // Row-wise passes (the layout is day-major), so wide panels stay cache friendly.
        let mut first = vec![usize::MAX; a_n];
        let mut last = vec![0usize; a_n];
        for (t, row) in price.chunks_exact(a_n).enumerate() {
            for (a, p) in row.iter().enumerate() {
                if !p.is_nan() {
                    first[a] = first[a].min(t);
                    last[a] = t;
                }
            }
        }
        if let Some(a) = first.iter().position(|&f| f == usize::MAX) {
            return Err(PanelError::NoPrice(asset_ids[a].clone()));
        }
        let mut carried = vec![0usize; a_n];
        for t in 1..t_n {
            let (before, now) = price.split_at_mut(t * a_n);
            let (prev, row) = (&before[(t - 1) * a_n..], &mut now[..a_n]);
            for a in 0..a_n {
                if row[a].is_nan() && t > first[a] && t <= last[a] {
                    row[a] = prev[a];
                    let (i, p) = (t * a_n + a, (t - 1) * a_n + a);
                    if market_cap[i].is_nan() {
                        market_cap[i] = market_cap[p];
                    }
                    carried[a] += 1;
                }
            }
        }
        let assets = asset_ids
            .into_iter()
            .enumerate()
            .map(|(a, id)| AssetInfo { id, first: first[a], last: last[a], carried_forward: carried[a] })
            .collect();
        Ok(Panel { dates, assets, price, market_cap, volume, extras, pegged: Vec::new() })
    }

    /// The assets flagged as pegged or as copies, with their evidence.
    pub fn pegged(&self) -> &[Pegged] {
        &self.pegged
    }

    /// Records the detection's flags (ids that are not in the panel are dropped).
    pub fn set_pegged(&mut self, mut pegged: Vec<Pegged>) {
        pegged.retain(|p| self.asset_index(&p.id).is_some());
        self.pegged = pegged;
    }

    pub fn n_days(&self) -> usize {
        self.dates.len()
    }

    pub fn n_assets(&self) -> usize {
        self.assets.len()
    }

    pub fn dates(&self) -> &[Date] {
        &self.dates
    }

    pub fn assets(&self) -> &[AssetInfo] {
        &self.assets
    }

    /// Index of an asset by id.
    pub fn asset_index(&self, id: &str) -> Option<usize> {
        self.assets.iter().position(|a| a.id == id)
    }

    /// Whole price field, day-major.
    pub fn prices(&self) -> &[f64] {
        &self.price
    }

    /// Whole market-cap field, day-major.
    pub fn market_caps(&self) -> &[f64] {
        &self.market_cap
    }

    /// Whole volume field, day-major.
    pub fn volumes(&self) -> &[f64] {
        &self.volume
    }

    pub fn extras(&self) -> &[Extra] {
        &self.extras
    }

    /// Extra column by name.
    pub fn extra(&self, name: &str) -> Option<&[f64]> {
        self.extras.iter().find(|e| e.name == name).map(|e| e.values.as_slice())
    }

    /// Prices of all assets on day `t`.
    pub fn price_row(&self, t: usize) -> &[f64] {
        let n = self.assets.len();
        &self.price[t * n..(t + 1) * n]
    }

    /// Market caps of all assets on day `t`.
    pub fn cap_row(&self, t: usize) -> &[f64] {
        let n = self.assets.len();
        &self.market_cap[t * n..(t + 1) * n]
    }

    /// Volumes of all assets on day `t`.
    pub fn volume_row(&self, t: usize) -> &[f64] {
        let n = self.assets.len();
        &self.volume[t * n..(t + 1) * n]
    }

    pub fn price(&self, t: usize, a: usize) -> f64 {
        self.price[t * self.assets.len() + a]
    }

    pub fn market_cap(&self, t: usize, a: usize) -> f64 {
        self.market_cap[t * self.assets.len() + a]
    }

    pub fn volume(&self, t: usize, a: usize) -> f64 {
        self.volume[t * self.assets.len() + a]
    }

    /// A panel restricted to the days `from..=to` (indices), keeping assets
    /// that have a price in that range.
    pub fn slice_days(&self, from: usize, to: usize) -> Result<Panel, PanelError> {
        let to = to.min(self.n_days().saturating_sub(1));
        if from > to {
            return Err(PanelError::NoDates);
        }
        let keep: Vec<usize> =
            (0..self.n_assets()).filter(|&a| self.assets[a].first <= to && self.assets[a].last >= from).collect();
        let pick = |field: &[f64]| -> Vec<f64> {
            let mut out = Vec::with_capacity((to - from + 1) * keep.len());
            for t in from..=to {
                let row = &field[t * self.n_assets()..(t + 1) * self.n_assets()];
                out.extend(keep.iter().map(|&a| row[a]));
            }
            out
        };
        let mut panel = Panel::new(
            self.dates[from..=to].to_vec(),
            keep.iter().map(|&a| self.assets[a].id.clone()).collect(),
            pick(&self.price),
            pick(&self.market_cap),
            pick(&self.volume),
            self.extras.iter().map(|e| Extra { name: e.name.clone(), values: pick(&e.values) }).collect(),
        )?;
        // Flags are a property of the whole loaded data, kept for the days cut.
        panel.set_pegged(self.pegged.clone());
        Ok(panel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(n: i32) -> Vec<Date> {
        (0..n).map(|i| Date(19_000 + i)).collect()
    }

    #[test]
    fn gaps_inside_span_are_carried_forward() {
        let nan = f64::NAN;
        // two assets, 4 days; asset 1 lists on day 1, has a gap on day 2.
        let price = vec![1.0, nan, 2.0, 5.0, 3.0, nan, 4.0, 6.0];
        let cap = vec![10.0, nan, 20.0, 50.0, 30.0, nan, 40.0, 60.0];
        let p = Panel::new(days(4), vec!["a".into(), "b".into()], price, cap, vec![nan; 8], vec![]).unwrap();
        assert!(p.price(0, 1).is_nan());
        assert_eq!(p.price(2, 1), 5.0);
        assert_eq!(p.market_cap(2, 1), 50.0);
        assert_eq!(p.assets()[1].carried_forward, 1);
        assert_eq!((p.assets()[1].first, p.assets()[1].last), (1, 3));
        assert!(!p.assets()[0].delisted(4));
    }

    #[test]
    fn rejects_bad_shapes() {
        let e = Panel::new(vec![Date(2), Date(1)], vec!["a".into()], vec![1.0; 2], vec![1.0; 2], vec![1.0; 2], vec![]);
        assert!(matches!(e, Err(PanelError::DatesNotIncreasing { index: 1, .. })));
        let e = Panel::new(days(2), vec!["a".into(), "a".into()], vec![1.0; 4], vec![1.0; 4], vec![1.0; 4], vec![]);
        assert_eq!(e, Err(PanelError::DuplicateAsset("a".into())));
        let e = Panel::new(days(2), vec!["a".into()], vec![1.0; 3], vec![1.0; 2], vec![1.0; 2], vec![]);
        assert!(matches!(e, Err(PanelError::WrongLength { .. })));
        let e = Panel::new(days(2), vec!["a".into()], vec![-1.0; 2], vec![1.0; 2], vec![1.0; 2], vec![]);
        assert_eq!(e, Err(PanelError::NoPrice("a".into())));
    }

    #[test]
    fn serde_keeps_every_bit_of_the_columns() {
        let price = vec![1.0, f64::NAN, 5e-324, -0.0, 1e300, 2.5];
        let cap = vec![f64::NAN, 3.0, 0.0, f64::MAX, 7.0, 1.0];
        let extras = vec![Extra { name: "score".into(), values: vec![0.1, 0.2, f64::INFINITY, 0.4, 0.5, 0.6] }];
        let p = Panel::new(days(3), vec!["a".into(), "b".into()], price, cap, vec![1.0; 6], extras).unwrap();
        let bits = |p: &Panel| -> Vec<u64> {
            let cols = [p.prices(), &p.market_cap, &p.volume, &p.extras[0].values];
            cols.iter().flat_map(|c| c.iter().map(|v| v.to_bits())).collect()
        };
        let bin = bincode::serialize(&p).unwrap();
        // One block per column: 8 bytes a number plus a length, not more.
        assert!(bin.len() < 4 * 6 * 8 + 200, "{} bytes", bin.len());
        let back: Panel = bincode::deserialize(&bin).unwrap();
        assert_eq!((bits(&back), back.assets(), back.dates()), (bits(&p), p.assets(), p.dates()));
        let json: Panel = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(bits(&json), bits(&p));
        // A block that is not a whole number of values is refused.
        let mut cut = bincode::serialize(&p.dates).unwrap();
        cut.extend(bincode::serialize(&p.assets).unwrap());
        cut.extend(bincode::serialize(&serde_bytes_like(&[0u8; 12])).unwrap());
        let e = bincode::deserialize::<Panel>(&cut).unwrap_err().to_string();
        assert!(e.contains("multiple of 8"), "{e}");
    }

    /// Bytes serialised as a byte string (what `f64_block` writes).
    fn serde_bytes_like(b: &[u8]) -> impl Serialize + '_ {
        struct B<'a>(&'a [u8]);
        impl Serialize for B<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(self.0)
            }
        }
        B(b)
    }
}
