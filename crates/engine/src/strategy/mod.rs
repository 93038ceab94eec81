//! What an index is: universe, weighting, schedule, costs and an optional
//! regime rule.
//!
//! One [`Strategy`] value drives the app, the CLI and share links, so the
//! field names are a stable format, versioned by [`Strategy::version`]. Every
//! field has a default, so a minimal JSON such as `{"weighting": "equal"}` is
//! a complete strategy. [`Strategy::validate`] checks the values and names the
//! offending field; [`simulate`](crate::simulate::simulate) calls it first.
//!
//! Units: every lookback and history length is counted in **data days** (rows
//! of the panel); rates are in basis points (1 bp = 0.01%); fractions (weights,
//! bands, buffers, cash fraction) are plain numbers, 0.3 = 30%.

pub(crate) mod count;
mod presets;
mod rules;
mod universe;
mod validate;
mod variants;

pub use presets::Preset;
pub use rules::{Bands, Costs, Impact, Regime, RegimeReference, Weighting};
pub use universe::{Comparison, ExtraFilter, MinVolume, Universe};
pub(crate) use validate::short;
pub use validate::{StrategyError, MAX_COUNT, MAX_NAME_CHARS, MAX_WINDOW_DAYS};

use crate::schedule::Schedule;
use serde::{Deserialize, Serialize};

/// The newest strategy format this engine reads.
pub const STRATEGY_VERSION: u32 = 1;

pub use crate::exclusions::DEFAULT_EXCLUSIONS;

/// A complete index definition. See the module docs for units.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Strategy {
    /// Format version, currently [`STRATEGY_VERSION`].
    pub version: u32,
    /// Human name shown in the app.
    pub name: String,
    pub universe: Universe,
    pub weighting: Weighting,
    /// Calendar rebalance schedule (see [`crate::schedule`]).
    pub rebalance: Schedule,
    /// Rebalance on this 0-based data day of each period (0 = first).
    pub rebalance_offset: u32,
    /// Drift bands, checked every day and OR-combined with the calendar
    /// schedule; with `rebalance: never` they act alone.
    pub bands: Option<Bands>,
    pub costs: Costs,
    /// Optional risk-off rule moving part of the portfolio to cash.
    pub regime: Option<Regime>,
    /// Starting capital in currency units. Results are normalised to 1.0;
    /// multiply by this for currency amounts. Market impact uses it to turn
    /// trade values into currency.
    pub initial_capital: f64,
    /// Whether [`SimResult::trades`](crate::simulate::SimResult::trades) is filled.
    pub record_trades: bool,
    /// Tranching: the portfolio is split into this many equal sleeves
    /// (1..=[`MAX_TRANCHES`]), each run as this strategy with `capital / k`
    /// and its rebalance (and reconstitution) offset moved by `i * period / k`
    /// days (sleeve `i`, see [`Strategy::sleeve`]); the equity is the sum of
    /// the sleeves, each paying its own costs. 1 (the default) is the plain
    /// strategy. Always serialised: the workers' codec (bincode) cannot skip
    /// fields; links without it read as 1.
    pub tranches: u32,
    /// What a drift band breach trades ([`BandMethod`]); the default
    /// (`full`) rebalances everything to target.
    pub band_method: BandMethod,
}

/// The most sleeves of a tranched strategy.
pub const MAX_TRANCHES: u32 = 12;

/// What a drift band breach trades. Calendar, reconstitution and regime
/// rebalances always trade everything to target.
///
/// Serialises as `"full"`, `"edge"` or `{"partial": {"fraction": 0.5}}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BandMethod {
    /// The whole portfolio back to its target weights (as before bands had a method).
    #[default]
    Full,
    /// Only the assets outside their band, each back to the nearer edge of
    /// its band: `target ± limit`, where `limit` is the tighter of
    /// `absolute` and `relative * target`.
    Edge,
    /// Only the assets outside their band, each moved `fraction` of the way
    /// from its weight to its target (`0 < fraction <= 1`; 1 = to target
    /// for those assets only).
    Partial { fraction: f64 },
}

impl BandMethod {
    pub fn is_full(&self) -> bool {
        matches!(self, BandMethod::Full)
    }
}

impl Default for Strategy {
    /// All non-stablecoin assets, equal weight, monthly, 10 bp fee, 10,000 capital.
    fn default() -> Self {
        Strategy {
            version: STRATEGY_VERSION,
            name: "Custom index".to_string(),
            universe: Universe::default(),
            weighting: Weighting::Equal,
            rebalance: Schedule::Monthly,
            rebalance_offset: 0,
            bands: None,
            costs: Costs::default(),
            regime: None,
            initial_capital: 10_000.0,
            record_trades: true,
            tranches: 1,
            band_method: BandMethod::Full,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_json_is_a_full_strategy() {
        let s: Strategy = serde_json::from_str("{}").unwrap();
        assert_eq!(s, Strategy::default());
        let s: Strategy = serde_json::from_str(
            r#"{"weighting": {"capped_market_cap": {"max_weight": 0.25}}, "universe": {"top_n": 20}}"#,
        )
        .unwrap();
        assert_eq!(s.weighting, Weighting::CappedMarketCap { max_weight: 0.25 });
        assert_eq!(s.universe.top_n, Some(20));
        assert_eq!(s.universe.exclude.len(), DEFAULT_EXCLUSIONS.len());
        assert_eq!(s.costs.fee_bps, 10.0);
        assert!(s.record_trades);
    }

    #[test]
    fn filter_and_regime_json() {
        let s: Strategy = serde_json::from_str(
            r#"{"universe": {"filter": {"column": "score", "op": ">=", "value": 2}},
                "regime": {"reference": {"asset": "bitcoin"}, "sma_days": 200, "cash_fraction": 0.5},
                "rebalance": {"every_n_days": 14}}"#,
        )
        .unwrap();
        assert_eq!(s.universe.filter.as_ref().unwrap().op, Comparison::AtLeast);
        assert!(Comparison::AtLeast.holds(2.0, 2.0) && !Comparison::AtMost.holds(2.5, 2.0));
        assert_eq!(s.regime.unwrap().reference, RegimeReference::Asset("bitcoin".into()));
        assert_eq!(s.rebalance, Schedule::EveryNDays(14));
    }
}
