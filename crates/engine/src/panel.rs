//! The validated data model: a calendar of dates x assets.
//!
//! # Invariants (checked by [`Panel::new`])
//! - **dates are strictly increasing** (UTC days; any spacing: daily, weekly, monthly);
//! - **asset ids are unique and non-empty**;
//! - every field is one `Vec<f64>` laid out by the panel's [`Layout`]:
//!   - [`Layout::Dense`]: **day-major**, length `n_days * n_assets`, the value of
//!     asset `a` on day `t` at `t * n_assets + a`, so one day's row is a
//!     contiguous slice (the simulation's dot products read rows);
//!   - [`Layout::Spans`]: **compact**, each asset's stored days (a [`Span`]
//!     from the first to the last day on which any of its fields has a value)
//!     one after another, so memory follows the rows present, not the days x
//!     assets rectangle (a file of every coin since 2013 fills about a fifth
//!     of it). Cells outside an asset's span are missing.
//!
//!   Both hold the same numbers: [`Panel::compacted`] and [`Panel::densified`]
//!   convert between them bit for bit, and every reader goes through
//!   [`Panel::price`], [`Panel::price_row`] and their kin, so results do not
//!   depend on the layout (`tests/bit_identical.rs` runs every strategy on both);
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
use std::borrow::Cow;
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
    /// Where each (day, asset) cell is in the fields.
    #[serde(default)]
    layout: Layout,
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

/// How a panel's fields are laid out; see the module docs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Layout {
    /// Day-major rows over every asset.
    #[default]
    Dense,
    /// Each asset's span of days, in asset order.
    Spans(Vec<Span>),
}

/// The days stored for one asset in [`Layout::Spans`]: days `first ..
/// first + len`, at `offset ..` in each field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub first: usize,
    pub len: usize,
    pub offset: usize,
}

impl Span {
    /// Where day `t` is stored, if it is inside the span.
    #[inline]
    pub fn cell(self, t: usize) -> Option<usize> {
        let k = t.wrapping_sub(self.first);
        if k < self.len {
            Some(self.offset + k)
        } else {
            None
        }
    }
}

/// Spans laid end to end, one per asset, from each asset's `(first, last)`
/// stored day; returns the spans and the number of cells.
pub fn spans_from_ranges(ranges: impl IntoIterator<Item = (usize, usize)>) -> (Vec<Span>, usize) {
    let mut offset = 0;
    let spans = ranges
        .into_iter()
        .map(|(first, last)| {
            let s = Span { first, len: last + 1 - first, offset };
            offset += s.len;
            s
        })
        .collect();
    (spans, offset)
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
    DatesNotIncreasing {
        index: usize,
        date: Date,
    },
    DuplicateAsset(String),
    EmptyAssetId(usize),
    WrongLength {
        field: String,
        expected: usize,
        found: usize,
    },
    NoPrice(String),
    /// Spans that do not tile the fields or leave the calendar.
    BadSpans(String),
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
            PanelError::BadSpans(why) => write!(f, "the compact layout is inconsistent: {why}"),
        }
    }
}

impl std::error::Error for PanelError {}

impl Panel {
    /// Builds a dense panel (day-major fields), checking the invariants in
    /// the module docs and carrying gaps forward inside each asset's listed
    /// span. Prices that are not finite and > 0 count as missing. Negative or
    /// non-finite caps and volumes become `NaN`.
    pub fn new(
        dates: Vec<Date>,
        asset_ids: Vec<String>,
        price: Vec<f64>,
        market_cap: Vec<f64>,
        volume: Vec<f64>,
        extras: Vec<Extra>,
    ) -> Result<Panel, PanelError> {
        Panel::with_layout(dates, asset_ids, Layout::Dense, price, market_cap, volume, extras)
    }

    /// Builds a panel whose fields are laid out by `layout` (the fields of
    /// [`Layout::Spans`] hold each asset's span in turn), with the checks and
    /// gap carrying of [`Panel::new`].
    pub fn with_layout(
        dates: Vec<Date>,
        asset_ids: Vec<String>,
        layout: Layout,
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
        let expected = match &layout {
            Layout::Dense => t_n * a_n,
            Layout::Spans(spans) => check_spans(spans, t_n, a_n)?,
        };
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
        let (first, last, carried) = match &layout {
            Layout::Dense => carry_dense(&mut price, &mut market_cap, a_n),
            Layout::Spans(spans) => carry_spans(&mut price, &mut market_cap, spans),
        };
        if let Some(a) = first.iter().position(|&f| f == usize::MAX) {
            return Err(PanelError::NoPrice(asset_ids[a].clone()));
        }
        let assets = asset_ids
            .into_iter()
            .enumerate()
            .map(|(a, id)| AssetInfo { id, first: first[a], last: last[a], carried_forward: carried[a] })
            .collect();
        Ok(Panel { dates, assets, layout, price, market_cap, volume, extras, pegged: Vec::new() })
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

    /// How the fields are laid out.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Cells stored per field: `n_days * n_assets` dense, the rows present compact.
    pub fn stored_cells(&self) -> usize {
        self.price.len()
    }

    /// Index of an asset by id.
    pub fn asset_index(&self, id: &str) -> Option<usize> {
        self.assets.iter().position(|a| a.id == id)
    }

    /// The cell's value: indexed directly when dense (the simulation's hot
    /// loops read cells one by one), looked up in the asset's span out of
    /// line when compact.
    #[inline(always)]
    fn value(&self, field: &[f64], t: usize, a: usize) -> f64 {
        match &self.layout {
            Layout::Dense => field[t * self.assets.len() + a],
            Layout::Spans(spans) => span_value(spans, field, t, a),
        }
    }

    /// One day's values of every asset: borrowed from a dense panel, gathered
    /// (`n_assets` values, `NaN` outside a span) from a compact one.
    fn row<'p>(&'p self, field: &'p [f64], t: usize) -> Cow<'p, [f64]> {
        let n = self.assets.len();
        match &self.layout {
            Layout::Dense => Cow::Borrowed(&field[t * n..(t + 1) * n]),
            Layout::Spans(spans) => {
                Cow::Owned(spans.iter().map(|s| s.cell(t).map_or(f64::NAN, |i| field[i])).collect())
            }
        }
    }

    /// A whole field, day-major (gathered for a compact panel).
    fn day_major<'p>(&'p self, field: &'p [f64]) -> Cow<'p, [f64]> {
        match &self.layout {
            Layout::Dense => Cow::Borrowed(field),
            Layout::Spans(_) => Cow::Owned((0..self.n_days()).flat_map(|t| self.row(field, t).into_owned()).collect()),
        }
    }

    /// Whole price field, day-major (gathered, so sized `n_days * n_assets`,
    /// for a compact panel: for small panels and tests).
    pub fn prices(&self) -> Cow<'_, [f64]> {
        self.day_major(&self.price)
    }

    /// Whole market-cap field, day-major; see [`Panel::prices`].
    pub fn market_caps(&self) -> Cow<'_, [f64]> {
        self.day_major(&self.market_cap)
    }

    /// Whole volume field, day-major; see [`Panel::prices`].
    pub fn volumes(&self) -> Cow<'_, [f64]> {
        self.day_major(&self.volume)
    }

    /// The extra columns, their values in the panel's layout (read them
    /// through [`Panel::extra_value`] or [`Panel::extra_day_major`]).
    pub fn extras(&self) -> &[Extra] {
        &self.extras
    }

    /// Position of an extra column by name.
    pub fn extra_index(&self, name: &str) -> Option<usize> {
        self.extras.iter().position(|e| e.name == name)
    }

    /// Extra column `e` of asset `a` on day `t`.
    #[inline]
    pub fn extra_value(&self, e: usize, t: usize, a: usize) -> f64 {
        self.value(&self.extras[e].values, t, a)
    }

    /// Extra column by name, day-major; see [`Panel::prices`].
    pub fn extra(&self, name: &str) -> Option<Cow<'_, [f64]>> {
        self.extra_index(name).map(|e| self.extra_day_major(e))
    }

    /// Extra column `e`, day-major; see [`Panel::prices`].
    pub fn extra_day_major(&self, e: usize) -> Cow<'_, [f64]> {
        self.day_major(&self.extras[e].values)
    }

    /// Prices of all assets on day `t`.
    pub fn price_row(&self, t: usize) -> Cow<'_, [f64]> {
        self.row(&self.price, t)
    }

    /// Market caps of all assets on day `t`.
    pub fn cap_row(&self, t: usize) -> Cow<'_, [f64]> {
        self.row(&self.market_cap, t)
    }

    /// Volumes of all assets on day `t`.
    pub fn volume_row(&self, t: usize) -> Cow<'_, [f64]> {
        self.row(&self.volume, t)
    }

    #[inline]
    pub fn price(&self, t: usize, a: usize) -> f64 {
        self.value(&self.price, t, a)
    }

    #[inline]
    pub fn market_cap(&self, t: usize, a: usize) -> f64 {
        self.value(&self.market_cap, t, a)
    }

    #[inline]
    pub fn volume(&self, t: usize, a: usize) -> f64 {
        self.value(&self.volume, t, a)
    }

    /// The days this panel stores for asset `a` (every day when dense).
    pub fn stored_days(&self, a: usize) -> std::ops::Range<usize> {
        match &self.layout {
            Layout::Dense => 0..self.n_days(),
            Layout::Spans(spans) => spans[a].first..spans[a].first + spans[a].len,
        }
    }

    /// The same panel in [`Layout::Spans`]: each asset keeps the days from
    /// the first to the last on which any field has a value. Bit for bit the
    /// same numbers.
    pub fn compacted(&self) -> Panel {
        if matches!(self.layout, Layout::Spans(_)) {
            return self.clone();
        }
        let fields = self.fields();
        let ranges = (0..self.n_assets()).map(|a| {
            let has = |t: usize| fields.iter().any(|f| !self.value(f, t, a).is_nan());
            let first = (0..self.n_days()).find(|&t| has(t)).unwrap_or(self.assets[a].first);
            let last = (0..self.n_days()).rev().find(|&t| has(t)).unwrap_or(self.assets[a].last);
            (first, last)
        });
        let (spans, cells) = spans_from_ranges(ranges);
        let gather = |field: &[f64]| {
            let mut out = Vec::with_capacity(cells);
            for (a, s) in spans.iter().enumerate() {
                out.extend((s.first..s.first + s.len).map(|t| self.value(field, t, a)));
            }
            out
        };
        self.rebuilt(Layout::Spans(spans.clone()), &gather)
    }

    /// The same panel in [`Layout::Dense`]; bit for bit the same numbers.
    pub fn densified(&self) -> Panel {
        match self.layout {
            Layout::Dense => self.clone(),
            Layout::Spans(_) => self.rebuilt(Layout::Dense, &|field| self.day_major(field).into_owned()),
        }
    }

    fn fields(&self) -> Vec<&[f64]> {
        let mut f = vec![self.price.as_slice(), &self.market_cap, &self.volume];
        f.extend(self.extras.iter().map(|e| e.values.as_slice()));
        f
    }

    /// This panel with every field rewritten by `convert` into `layout`.
    fn rebuilt(&self, layout: Layout, convert: &dyn Fn(&[f64]) -> Vec<f64>) -> Panel {
        Panel {
            dates: self.dates.clone(),
            assets: self.assets.clone(),
            layout,
            price: convert(&self.price),
            market_cap: convert(&self.market_cap),
            volume: convert(&self.volume),
            extras: self.extras.iter().map(|e| Extra { name: e.name.clone(), values: convert(&e.values) }).collect(),
            pegged: self.pegged.clone(),
        }
    }

    /// A panel restricted to the days `from..=to` (indices), keeping assets
    /// that have a price in that range, in this panel's layout.
    pub fn slice_days(&self, from: usize, to: usize) -> Result<Panel, PanelError> {
        let to = to.min(self.n_days().saturating_sub(1));
        if from > to {
            return Err(PanelError::NoDates);
        }
        let keep: Vec<usize> =
            (0..self.n_assets()).filter(|&a| self.assets[a].first <= to && self.assets[a].last >= from).collect();
        let (layout, pick): (Layout, Pick<'_>) = match &self.layout {
            Layout::Dense => {
                let keep = &keep;
                let pick = move |field: &[f64]| -> Vec<f64> {
                    let mut out = Vec::with_capacity((to - from + 1) * keep.len());
                    for t in from..=to {
                        let row = &field[t * self.n_assets()..(t + 1) * self.n_assets()];
                        out.extend(keep.iter().map(|&a| row[a]));
                    }
                    out
                };
                (Layout::Dense, Box::new(pick))
            }
            Layout::Spans(spans) => {
                // Each kept asset's span, cut to the days kept (never empty:
                // a span holds the asset's priced days).
                let cut: Vec<(usize, usize)> = keep
                    .iter()
                    .map(|&a| (spans[a].first.max(from), (spans[a].first + spans[a].len - 1).min(to)))
                    .collect();
                let (new_spans, _) = spans_from_ranges(cut.iter().map(|&(f, l)| (f - from, l - from)));
                let keep = &keep;
                let pick = move |field: &[f64]| -> Vec<f64> {
                    let mut out = Vec::new();
                    for (&a, &(f, l)) in keep.iter().zip(&cut) {
                        let s = spans[a];
                        out.extend_from_slice(&field[s.offset + f - s.first..=s.offset + l - s.first]);
                    }
                    out
                };
                (Layout::Spans(new_spans), Box::new(pick))
            }
        };
        self.picked(self.dates[from..=to].to_vec(), &keep, layout, &pick)
    }

    /// A panel of the assets `keep` (ascending indices), in this panel's layout.
    pub fn select_assets(&self, keep: &[usize]) -> Result<Panel, PanelError> {
        let (layout, pick): (Layout, Pick<'_>) = match &self.layout {
            Layout::Dense => {
                let n = self.n_assets();
                let pick = move |field: &[f64]| -> Vec<f64> {
                    field.chunks_exact(n).flat_map(|row| keep.iter().map(|&a| row[a])).collect()
                };
                (Layout::Dense, Box::new(pick))
            }
            Layout::Spans(spans) => {
                let (new_spans, _) =
                    spans_from_ranges(keep.iter().map(|&a| (spans[a].first, spans[a].first + spans[a].len - 1)));
                let pick = move |field: &[f64]| -> Vec<f64> {
                    keep.iter().flat_map(|&a| field[spans[a].offset..spans[a].offset + spans[a].len].to_vec()).collect()
                };
                (Layout::Spans(new_spans), Box::new(pick))
            }
        };
        self.picked(self.dates.clone(), keep, layout, &pick)
    }

    /// The panel of the assets `keep` on `dates`, each field rewritten by
    /// `pick` into `layout`. Flags are a property of the whole loaded data:
    /// they are kept.
    fn picked(&self, dates: Vec<Date>, keep: &[usize], layout: Layout, pick: &Pick<'_>) -> Result<Panel, PanelError> {
        let mut panel = Panel::with_layout(
            dates,
            keep.iter().map(|&a| self.assets[a].id.clone()).collect(),
            layout,
            pick(&self.price),
            pick(&self.market_cap),
            pick(&self.volume),
            self.extras.iter().map(|e| Extra { name: e.name.clone(), values: pick(&e.values) }).collect(),
        )?;
        panel.set_pegged(self.pegged.clone());
        Ok(panel)
    }
}

/// Rewrites one field for a new panel (see [`Panel::slice_days`]).
type Pick<'p> = Box<dyn Fn(&[f64]) -> Vec<f64> + 'p>;

/// The value of asset `a` on day `t` in a compact field (`NaN` outside its span).
#[inline(never)]
fn span_value(spans: &[Span], field: &[f64], t: usize, a: usize) -> f64 {
    spans[a].cell(t).map_or(f64::NAN, |i| field[i])
}

/// Checks that spans tile `0..cells` in asset order inside the calendar;
/// returns the number of cells.
fn check_spans(spans: &[Span], n_days: usize, n_assets: usize) -> Result<usize, PanelError> {
    if spans.len() != n_assets {
        return Err(PanelError::BadSpans(format!("{} spans for {n_assets} assets", spans.len())));
    }
    let mut offset = 0;
    for (a, s) in spans.iter().enumerate() {
        if s.len == 0 || s.offset != offset || s.first.checked_add(s.len).is_none_or(|end| end > n_days) {
            return Err(PanelError::BadSpans(format!("span {a} ({s:?}) after {offset} cells, {n_days} days")));
        }
        offset += s.len;
    }
    Ok(offset)
}

/// Each asset's first and last priced day and its carried-forward count,
/// carrying gaps (price and cap) forward, row by row over a dense layout.
fn carry_dense(price: &mut [f64], market_cap: &mut [f64], a_n: usize) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let t_n = price.len() / a_n;
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
    let mut carried = vec![0usize; a_n];
    if first.contains(&usize::MAX) {
        return (first, last, carried);
    }
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
    (first, last, carried)
}

/// [`carry_dense`] over spans, asset by asset.
fn carry_spans(price: &mut [f64], market_cap: &mut [f64], spans: &[Span]) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let a_n = spans.len();
    let (mut first, mut last, mut carried) = (vec![usize::MAX; a_n], vec![0usize; a_n], vec![0usize; a_n]);
    for (a, s) in spans.iter().enumerate() {
        let p = &mut price[s.offset..s.offset + s.len];
        let (Some(f), Some(l)) = (p.iter().position(|v| !v.is_nan()), p.iter().rposition(|v| !v.is_nan())) else {
            continue;
        };
        first[a] = s.first + f;
        last[a] = s.first + l;
        let c = &mut market_cap[s.offset..s.offset + s.len];
        for k in f + 1..=l {
            if p[k].is_nan() {
                p[k] = p[k - 1];
                if c[k].is_nan() {
                    c[k] = c[k - 1];
                }
                carried[a] += 1;
            }
        }
    }
    (first, last, carried)
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
            let cols = [&p.price, &p.market_cap, &p.volume, &p.extras[0].values];
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
        cut.extend(bincode::serialize(&p.layout).unwrap());
        cut.extend(bincode::serialize(&serde_bytes_like(&[0u8; 12])).unwrap());
        let e = bincode::deserialize::<Panel>(&cut).unwrap_err().to_string();
        assert!(e.contains("multiple of 8"), "{e}");
    }

    #[test]
    fn the_compact_layout_keeps_every_cell_and_travels_whole() {
        let nan = f64::NAN;
        // Asset a lists on day 0 and delists on day 1; b lists on day 2 with
        // a cap the day before; c has a gap on day 2.
        let price = vec![1.0, nan, 5.0, 2.0, nan, 6.0, nan, 3.0, nan, nan, 4.0, 8.0];
        let cap = vec![10.0, nan, 50.0, 20.0, 7.0, 60.0, nan, 30.0, nan, nan, 40.0, 80.0];
        let extras = vec![Extra { name: "score".into(), values: (0..12).map(f64::from).collect() }];
        let ids = vec!["a".into(), "b".into(), "c".into()];
        let dense = Panel::new(days(4), ids, price, cap, vec![nan; 12], extras).unwrap();
        let compact = dense.compacted();
        let Layout::Spans(spans) = compact.layout() else { panic!("compact") };
        // The score column has a value every day, so every span is whole.
        assert_eq!(spans.iter().map(|s| (s.first, s.len)).collect::<Vec<_>>(), [(0, 4), (0, 4), (0, 4)]);
        let cells = |p: &Panel| -> Vec<u64> {
            let mut v: Vec<u64> = Vec::new();
            for f in [p.prices(), p.market_caps(), p.volumes(), p.extra_day_major(0)] {
                v.extend(f.iter().map(|x| x.to_bits()));
            }
            v
        };
        assert_eq!(cells(&compact), cells(&dense));
        assert_eq!(compact.assets(), dense.assets());
        assert_eq!(cells(&compact.densified()), cells(&dense));
        // Without the extra column the spans shrink to the rows.
        let no_extra = Panel::new(
            days(4),
            vec!["a".into(), "b".into()],
            vec![1.0, nan, 2.0, nan, nan, 3.0, nan, 4.0],
            vec![nan; 8],
            vec![nan; 8],
            vec![],
        )
        .unwrap()
        .compacted();
        assert_eq!(no_extra.stored_cells(), 2 + 2);
        assert!(no_extra.price(0, 1).is_nan() && no_extra.price(3, 0).is_nan());
        assert_eq!((no_extra.price(1, 0), no_extra.price(2, 1)), (2.0, 3.0));
        let back: Panel = bincode::deserialize(&bincode::serialize(&compact).unwrap()).unwrap();
        assert_eq!(cells(&back), cells(&dense));
        // Cuts and selections keep the layout and the cells.
        let cut = compact.slice_days(1, 2).unwrap();
        assert!(matches!(cut.layout(), Layout::Spans(_)));
        assert_eq!(cells(&cut), cells(&dense.slice_days(1, 2).unwrap()));
        let picked = compact.select_assets(&[0, 2]).unwrap();
        assert_eq!(cells(&picked), cells(&dense.select_assets(&[0, 2]).unwrap()));
        // Spans that do not tile the fields are refused.
        let bad = Panel::with_layout(
            days(2),
            vec!["a".into()],
            Layout::Spans(vec![Span { first: 1, len: 2, offset: 0 }]),
            vec![1.0; 2],
            vec![1.0; 2],
            vec![1.0; 2],
            vec![],
        );
        assert!(matches!(bad, Err(PanelError::BadSpans(_))), "{bad:?}");
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
