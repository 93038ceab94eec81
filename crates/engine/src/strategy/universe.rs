//! Which assets may be held: [`Universe`] and its filters.

use super::count;
use super::DEFAULT_EXCLUSIONS;
use crate::schedule::Schedule;
use serde::{Deserialize, Serialize};

/// Which assets may be held.
///
/// On each reconstitution day the candidates are the tradable assets (finite
/// price > 0, not on their delisting day) that pass, in this order: the
/// exclusion list, `min_history_days`, `min_volume`, `filter`, and, when
/// `top_n` is set, a finite market cap > 0. With `top_n` the members are the
/// `top_n` candidates with the largest ranking cap (ties: smaller asset id
/// first); without it every candidate is a member.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Universe {
    /// Keep only the N largest assets; `None` keeps all.
    #[serde(deserialize_with = "count::option")]
    pub top_n: Option<usize>,
    /// Rank on an exponentially weighted moving average of the market cap with
    /// this half-life in data days: `s_t = a * cap_t + (1 - a) * s_{t-1}`,
    /// `a = 1 - 0.5^(1/h)`, started at the first finite cap. Also used by
    /// [`Weighting::SqrtMarketCap`](super::Weighting::SqrtMarketCap).
    pub rank_half_life_days: Option<f64>,
    /// Reconstitution schedule; `None` = the rebalance schedule. A
    /// reconstitution day is always a rebalance day.
    pub reconstitution: Option<Schedule>,
    pub reconstitution_offset: u32,
    /// Incumbent members stay while their rank is <= `floor(top_n * (1 + buffer))`.
    pub buffer: f64,
    /// Assets never held, applied before ranking: asset ids
    /// (case-insensitive) or group tokens (`@stablecoins`, `@wrapped`,
    /// `@detected`; see [`crate::exclusions`]). The default is the three tokens.
    pub exclude: Vec<String>,
    /// Asset ids held even though a group token of `exclude` names them
    /// ("include anyway"); an id written out in `exclude` stays excluded.
    pub include: Vec<String>,
    /// Minimum data days listed, counting the day itself: `t - first + 1`.
    #[serde(deserialize_with = "count::plain")]
    pub min_history_days: usize,
    pub min_volume: Option<MinVolume>,
    pub filter: Option<ExtraFilter>,
}

impl Default for Universe {
    fn default() -> Self {
        Universe {
            top_n: None,
            rank_half_life_days: None,
            reconstitution: None,
            reconstitution_offset: 0,
            buffer: 0.0,
            exclude: DEFAULT_EXCLUSIONS.iter().map(|s| s.to_string()).collect(),
            include: Vec::new(),
            min_history_days: 0,
            min_volume: None,
            filter: None,
        }
    }
}

/// Minimum average volume: the mean of the finite volumes over the last
/// `lookback` data days (including the day) must be >= `amount`. An asset with
/// no finite volume in the window fails.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MinVolume {
    pub amount: f64,
    #[serde(deserialize_with = "count::plain")]
    pub lookback: usize,
}

/// Keep assets whose value in an extra column satisfies `value op threshold`
/// that day; a missing (NaN) value fails.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExtraFilter {
    pub column: String,
    pub op: Comparison,
    pub value: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Comparison {
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = "<=")]
    AtMost,
}

impl Comparison {
    pub fn holds(self, x: f64, threshold: f64) -> bool {
        match self {
            Comparison::AtLeast => x >= threshold,
            Comparison::AtMost => x <= threshold,
        }
    }
}
