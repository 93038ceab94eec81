//! [`Strategy::validate`]: every value checked, the error naming the field.

use super::{BandMethod, RegimeReference, Strategy, Weighting, MAX_TRANCHES, STRATEGY_VERSION};
use crate::schedule::Schedule;
use std::fmt;

/// A strategy that failed validation or does not fit the panel.
#[derive(Clone, Debug, PartialEq)]
pub struct StrategyError {
    /// The offending field, dotted (`universe.top_n`).
    pub field: String,
    /// A full sentence naming the field.
    pub message: String,
}

impl StrategyError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        StrategyError { field: field.to_string(), message: message.into() }
    }
}

impl fmt::Display for StrategyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StrategyError {}

/// Most characters of a name, id or column quoted in a message.
const MAX_QUOTED_CHARS: usize = 60;

/// `text` for quoting in a message: cut to [`MAX_QUOTED_CHARS`] characters
/// with an ellipsis, so a name pasted from a crafted link cannot make a
/// message megabytes long.
pub(crate) fn short(text: &str) -> String {
    if text.chars().count() <= MAX_QUOTED_CHARS {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX_QUOTED_CHARS).collect();
        format!("{cut}…")
    }
}

fn check(ok: bool, field: &str, message: &str) -> Result<(), StrategyError> {
    if ok {
        Ok(())
    } else {
        Err(StrategyError::new(field, message))
    }
}

fn check_schedule(schedule: Schedule, offset: u32, field: &str, offset_field: &str) -> Result<(), StrategyError> {
    if schedule == Schedule::EveryNDays(0) {
        return Err(StrategyError::new(field, format!("{field}: every_n_days must be at least 1")));
    }
    match schedule.max_period_days() {
        None if offset != 0 => {
            Err(StrategyError::new(offset_field, format!("{offset_field} must be 0 for a daily or never schedule")))
        }
        Some(days) if offset >= days => Err(StrategyError::new(
            offset_field,
            format!("{offset_field} must be below {days}, the length of the period"),
        )),
        _ => Ok(()),
    }
}

/// The largest accepted day count of a window (lookback, moving average):
/// about 27 years of daily data.
pub const MAX_WINDOW_DAYS: usize = 10_000;
/// The largest accepted Top N and minimum history.
pub const MAX_COUNT: usize = 100_000;
/// The longest accepted strategy name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

fn check_lookback(lookback: usize, field: &str) -> Result<(), StrategyError> {
    check(lookback >= 2, field, &format!("{field} must be at least 2 days"))?;
    check(lookback <= MAX_WINDOW_DAYS, field, &format!("{field} must be at most {MAX_WINDOW_DAYS} days"))
}

impl Strategy {
    /// Checks every value; the error names the field.
    pub fn validate(&self) -> Result<(), StrategyError> {
        check(self.version >= 1, "version", "version must be at least 1")?;
        if self.version > STRATEGY_VERSION {
            return Err(StrategyError::new(
                "version",
                format!("version {} is newer than this engine supports ({STRATEGY_VERSION})", self.version),
            ));
        }
        let u = &self.universe;
        check(
            self.name.chars().count() <= MAX_NAME_CHARS,
            "name",
            &format!("name must be at most {MAX_NAME_CHARS} characters (it has {})", self.name.chars().count()),
        )?;
        if let Some(n) = u.top_n {
            check(n >= 1, "universe.top_n", "top_n must be at least 1")?;
            check(n <= MAX_COUNT, "universe.top_n", &format!("top_n must be at most {MAX_COUNT}"))?;
        }
        check(
            u.min_history_days <= MAX_COUNT,
            "universe.min_history_days",
            &format!("min_history_days must be at most {MAX_COUNT}"),
        )?;
        if let Some(h) = u.rank_half_life_days {
            check(h.is_finite() && h > 0.0, "universe.rank_half_life_days", "rank_half_life_days must be above 0")?;
        }
        if let Some(s) = u.reconstitution {
            check_schedule(s, u.reconstitution_offset, "universe.reconstitution", "reconstitution_offset")?;
        } else {
            check(
                u.reconstitution_offset == 0,
                "universe.reconstitution_offset",
                "reconstitution_offset needs a reconstitution schedule",
            )?;
        }
        check(u.buffer.is_finite() && u.buffer >= 0.0, "universe.buffer", "buffer must be 0 or more")?;
        if let Some(bad) = u.exclude.iter().find(|e| e.trim().starts_with('@') && !crate::exclusions::is_token(e)) {
            return Err(StrategyError {
                field: "universe.exclude".into(),
                message: format!(
                    "unknown group '{}' in exclude (known: @stablecoins, @wrapped, @detected)",
                    short(bad.trim())
                ),
            });
        }
        if let Some(mv) = &u.min_volume {
            check(
                mv.amount.is_finite() && mv.amount >= 0.0,
                "universe.min_volume",
                "min_volume amount must be 0 or more",
            )?;
            check(mv.lookback >= 1, "universe.min_volume", "min_volume lookback must be at least 1 day")?;
            check(
                mv.lookback <= MAX_WINDOW_DAYS,
                "universe.min_volume",
                &format!("min_volume lookback must be at most {MAX_WINDOW_DAYS} days"),
            )?;
        }
        if let Some(f) = &u.filter {
            check(!f.column.trim().is_empty(), "universe.filter", "filter column must not be empty")?;
            check(f.value.is_finite(), "universe.filter", "filter value must be a finite number")?;
        }
        match &self.weighting {
            Weighting::CappedMarketCap { max_weight } => check(
                max_weight.is_finite() && *max_weight > 0.0 && *max_weight <= 1.0,
                "weighting.max_weight",
                "max_weight must be above 0 and at most 1",
            )?,
            Weighting::InverseVolatility { lookback }
            | Weighting::EqualRiskContribution { lookback }
            | Weighting::VolumeWeighted { lookback } => check_lookback(*lookback, "weighting.lookback")?,
            Weighting::Custom { weights } => {
                check(!weights.is_empty(), "weighting.weights", "custom weights must name at least one asset")?;
                for (id, w) in weights {
                    check(
                        !id.trim().is_empty(),
                        "weighting.weights",
                        "custom weights must not have an empty asset id",
                    )?;
                    if !(w.is_finite() && *w >= 0.0) {
                        return Err(StrategyError::new(
                            "weighting.weights",
                            format!("custom weight of '{}' must be a finite number, 0 or more", short(id)),
                        ));
                    }
                }
                check(
                    weights.iter().any(|(_, w)| *w > 0.0),
                    "weighting.weights",
                    "custom weights must have at least one weight above 0",
                )?;
            }
            Weighting::MarketCap | Weighting::Equal | Weighting::SqrtMarketCap => {}
        }
        check_schedule(self.rebalance, self.rebalance_offset, "rebalance", "rebalance_offset")?;
        if let Some(b) = &self.bands {
            check(b.absolute.is_some() || b.relative.is_some(), "bands", "bands need an absolute or a relative limit")?;
            if let Some(a) = b.absolute {
                check(
                    a.is_finite() && a > 0.0 && a <= 1.0,
                    "bands.absolute",
                    "bands.absolute must be above 0 and at most 1",
                )?;
            }
            if let Some(r) = b.relative {
                check(r.is_finite() && r > 0.0, "bands.relative", "bands.relative must be above 0")?;
            }
        }
        if let BandMethod::Partial { fraction } = self.band_method {
            check(
                fraction.is_finite() && fraction > 0.0 && fraction <= 1.0,
                "band_method.fraction",
                "band_method fraction must be above 0 and at most 1",
            )?;
        }
        check(
            (1..=MAX_TRANCHES).contains(&self.tranches),
            "tranches",
            &format!("tranches must be between 1 and {MAX_TRANCHES}"),
        )?;
        let c = &self.costs;
        check(
            c.fee_bps.is_finite() && (0.0..=10_000.0).contains(&c.fee_bps),
            "costs.fee_bps",
            "fee_bps must be between 0 and 10000",
        )?;
        check(
            c.half_spread_bps.is_finite() && (0.0..=10_000.0).contains(&c.half_spread_bps),
            "costs.half_spread_bps",
            "half_spread_bps must be between 0 and 10000",
        )?;
        check(
            c.fee_bps + c.half_spread_bps < 10_000.0,
            "costs.fee_bps",
            "fee_bps + half_spread_bps must be below 10000 (100%)",
        )?;
        if let Some(i) = &c.impact {
            check(i.k.is_finite() && i.k >= 0.0, "costs.impact.k", "impact k must be 0 or more")?;
            check_lookback(i.lookback, "costs.impact.lookback")?;
        }
        if let Some(r) = &self.regime {
            if let RegimeReference::Asset(id) = &r.reference {
                check(!id.trim().is_empty(), "regime.reference", "regime reference asset id must not be empty")?;
            }
            check(r.sma_days >= 2, "regime.sma_days", "regime sma_days must be at least 2")?;
            check(
                r.sma_days <= MAX_WINDOW_DAYS,
                "regime.sma_days",
                &format!("regime sma_days must be at most {MAX_WINDOW_DAYS}"),
            )?;
            check(
                r.cash_fraction.is_finite() && (0.0..=1.0).contains(&r.cash_fraction),
                "regime.cash_fraction",
                "regime cash_fraction must be between 0 and 1",
            )?;
        }
        check(
            self.initial_capital.is_finite() && self.initial_capital > 0.0,
            "initial_capital",
            "initial_capital must be above 0",
        )?;
        check(
            self.initial_capital <= crate::scenario::MAX_CAPITAL,
            "initial_capital",
            "initial_capital must be at most 1e15",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::{Bands, Costs, Regime, Universe};

    fn err(s: Strategy) -> String {
        s.validate().unwrap_err().message
    }

    #[test]
    fn validation_names_the_field() {
        let d = Strategy::default;
        assert_eq!(
            err(Strategy { universe: Universe { top_n: Some(0), ..Universe::default() }, ..d() }),
            "top_n must be at least 1"
        );
        assert_eq!(
            err(Strategy { costs: Costs { fee_bps: 10_001.0, ..Costs::default() }, ..d() }),
            "fee_bps must be between 0 and 10000"
        );
        assert_eq!(
            err(Strategy { costs: Costs { fee_bps: -1.0, ..Costs::default() }, ..d() }),
            "fee_bps must be between 0 and 10000"
        );
        assert_eq!(
            err(Strategy { weighting: Weighting::CappedMarketCap { max_weight: 0.0 }, ..d() }),
            "max_weight must be above 0 and at most 1"
        );
        assert_eq!(
            err(Strategy { weighting: Weighting::InverseVolatility { lookback: 1 }, ..d() }),
            "weighting.lookback must be at least 2 days"
        );
        assert_eq!(
            err(Strategy { weighting: Weighting::Custom { weights: vec![("btc".into(), -1.0)] }, ..d() }),
            "custom weight of 'btc' must be a finite number, 0 or more"
        );
        assert_eq!(
            err(Strategy { rebalance: Schedule::Weekly, rebalance_offset: 7, ..d() }),
            "rebalance_offset must be below 7, the length of the period"
        );
        assert_eq!(
            err(Strategy { rebalance: Schedule::Daily, rebalance_offset: 1, ..d() }),
            "rebalance_offset must be 0 for a daily or never schedule"
        );
        assert_eq!(
            err(Strategy { rebalance: Schedule::EveryNDays(0), ..d() }),
            "rebalance: every_n_days must be at least 1"
        );
        assert_eq!(
            err(Strategy { bands: Some(Bands::default()), ..d() }),
            "bands need an absolute or a relative limit"
        );
        assert_eq!(err(Strategy { initial_capital: 0.0, ..d() }), "initial_capital must be above 0");
        assert_eq!(err(Strategy { version: 2, ..d() }), "version 2 is newer than this engine supports (1)");
        let regime = Regime { reference: RegimeReference::TotalMarketCap, sma_days: 50, cash_fraction: 1.5 };
        let e = Strategy { regime: Some(regime), ..d() }.validate().unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("regime.cash_fraction", "regime cash_fraction must be between 0 and 1")
        );
    }
}
