//! The rules besides the universe: how weights are set ([`Weighting`]),
//! drift bands, trading costs and the risk-off regime rule.

use super::count;
use serde::{Deserialize, Serialize};

/// How target weights are set over the members tradable on a rebalance day.
/// Every scheme returns non-negative weights summing to 1. Volatilities are
/// sample standard deviations (n - 1) of daily simple returns
/// `P_t / P_{t-1} - 1` over the last `lookback` returns ending on the day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weighting {
    /// `w_i = cap_i / sum cap`.
    MarketCap,
    /// `w_i = 1 / n`.
    Equal,
    /// Water-filling: `w_i = min(max_weight, lambda * cap_i)` with `lambda` set
    /// so the weights sum to 1. When `n * max_weight < 1` no such weights exist:
    /// equal weights are used and a warning is added.
    CappedMarketCap { max_weight: f64 },
    /// `w_i ∝ sqrt(cap_i)`, on the smoothed cap when `rank_half_life_days` is set.
    SqrtMarketCap,
    /// `w_i ∝ 1 / sigma_i` over a full window: only assets listed for all
    /// `lookback` returns take part (as for equal risk contribution); the
    /// others, and assets with zero volatility, are left out (warning). When
    /// no member has a full window (the first `lookback` days of the data),
    /// weights are equal (warning).
    InverseVolatility {
        #[serde(deserialize_with = "count::plain")]
        lookback: usize,
    },
    /// Equal risk contribution: `w_i (Σw)_i` equal for all i, with Σ the sample
    /// covariance of daily simple returns over the last `lookback` returns
    /// (only assets with a full window take part; others are left out with a
    /// warning). When there are no more returns than assets (`n >= lookback`)
    /// the sample covariance is singular, so its off-diagonal entries are
    /// shrunk by 10% toward 0 (warning). Solved by Spinu's damped Newton
    /// method on `½ yᵀ(nΣ)y - Σ ln y_i`, then normalised; falls back to
    /// inverse volatility with a warning if it does not converge.
    EqualRiskContribution {
        #[serde(deserialize_with = "count::plain")]
        lookback: usize,
    },
    /// `w_i ∝` mean finite volume over the last `lookback` data days; only
    /// assets listed on all of them take part (a listing's first days carry
    /// outsized volume); assets with no volume or zero are left out. When no
    /// member qualifies, weights are equal (warning).
    VolumeWeighted {
        #[serde(deserialize_with = "count::plain")]
        lookback: usize,
    },
    /// Fixed weights by asset id, normalised over the tradable members that
    /// have one. Ids match case-insensitively; an id may list alternatives
    /// separated by `|` (`"bitcoin|btc"`): the first one present in the panel
    /// is used. Ids matching no asset are ignored with a warning.
    Custom { weights: Vec<(String, f64)> },
}

impl Weighting {
    /// Whether the scheme needs a finite market cap > 0 on the day.
    pub fn needs_cap(&self) -> bool {
        matches!(self, Weighting::MarketCap | Weighting::CappedMarketCap { .. } | Weighting::SqrtMarketCap)
    }
}

/// Drift bands. With `w_i` the drifted weight (value / portfolio value) and
/// `target_i` the weight set at the last rebalance, a rebalance is triggered
/// at the close when, for any asset held at its target, `|w_i - target_i| >
/// absolute` or `|w_i - target_i| > relative * target_i`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Bands {
    pub absolute: Option<f64>,
    pub relative: Option<f64>,
}

/// Trading costs. Each trade in asset `i` of value `|Δ_i|` (normalised
/// units) costs `c_i |Δ_i|` with
/// `c_i = (fee_bps + half_spread_bps) / 1e4 + impact_i`,
/// `impact_i = k * sigma_i * sqrt(|Δ_i| * initial_capital / ADV_i)`, where
/// `sigma_i` is the daily return volatility and `ADV_i` the mean finite
/// volume (currency) over `impact.lookback` data days. Without volume (or
/// volatility) the impact term is 0 and a warning is added. `c_i` is capped
/// at [`MAX_COST_RATE`](crate::costs::MAX_COST_RATE).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Costs {
    /// Proportional fee on traded value, bp.
    pub fee_bps: f64,
    /// Half the bid-ask spread, paid on every trade, bp.
    pub half_spread_bps: f64,
    pub impact: Option<Impact>,
}

impl Default for Costs {
    /// 10 bp fee, no spread, no impact.
    fn default() -> Self {
        Costs { fee_bps: 10.0, half_spread_bps: 0.0, impact: None }
    }
}

/// Square-root market impact parameters (see [`Costs`]): `sigma` and ADV
/// are measured over the last `lookback` data days. Unlike the weighting
/// windows, a partial window is used as it is (at least 2 returns and one
/// volume): leaving impact out of a young coin's trades would understate
/// costs exactly where they are highest; without that much, impact is left
/// out with a warning.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Impact {
    pub k: f64,
    #[serde(deserialize_with = "count::plain")]
    pub lookback: usize,
}

/// Risk-off rule: on a day when the reference closes below its simple moving
/// average of the last `sma_days` closes (including that day), a fraction
/// `cash_fraction` of the portfolio is held in cash (a stablecoin at 0%) and
/// the rest at the target weights scaled by `1 - cash_fraction`. Until
/// `sma_days` finite closes exist the rule says risk-on. A change of state
/// triggers a rebalance at that close.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Regime {
    pub reference: RegimeReference,
    #[serde(deserialize_with = "count::plain")]
    pub sma_days: usize,
    pub cash_fraction: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegimeReference {
    /// The price of this asset id (matched case-insensitively).
    Asset(String),
    /// The sum of the finite market caps of all assets not on the exclusion list.
    TotalMarketCap,
}
