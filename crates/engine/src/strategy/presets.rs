//! The built-in strategies ([`Preset`]) and the name a strategy gets from
//! its rules ([`Strategy::describe`]), the way the presets are named.

use super::{short, BandMethod, Costs, Strategy, Universe, Weighting};
use crate::schedule::Schedule;
use serde::{Deserialize, Serialize};

/// Ready-made strategies; see [`Strategy::preset`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    Top100CapWeekly,
    Top100EqualWeekly,
    Top10EqualMonthly,
    Top30SqrtMonthlyQuarterly,
    Top20Capped30Quarterly,
    BitcoinBuyAndHold,
}

impl Preset {
    pub const ALL: [Preset; 6] = [
        Preset::Top100CapWeekly,
        Preset::Top100EqualWeekly,
        Preset::Top10EqualMonthly,
        Preset::Top30SqrtMonthlyQuarterly,
        Preset::Top20Capped30Quarterly,
        Preset::BitcoinBuyAndHold,
    ];
}

/// `v` with at most 2 decimals and no trailing zeros: `10`, `2.5`.
fn trim_number(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl Strategy {
    /// A name made from the rules, the way the presets are named: universe,
    /// weighting, schedule, then what differs from the defaults
    /// ("Top 5, cap-weighted with 20% cap, every 14 days, 5% drift band").
    /// The page names a strategy this way until the user types a name, and
    /// names sweep cells this way.
    pub fn describe(&self) -> String {
        let pct = |x: f64| {
            let v = x * 100.0;
            if (v - v.round()).abs() < 1e-9 {
                format!("{v:.0}%")
            } else {
                format!("{}%", format!("{v:.2}").trim_end_matches('0').trim_end_matches('.'))
            }
        };
        let mut parts: Vec<String> = Vec::new();
        if let Weighting::Custom { weights } = &self.weighting {
            if weights.len() == 1 {
                let id = weights[0].0.split('|').next().unwrap_or("").trim();
                let mut first = id.chars();
                let id = first.next().map_or(String::new(), |c| c.to_uppercase().chain(first).collect());
                parts.push(format!("{} only", short(&id)));
            } else {
                parts.push(format!("Fixed weights on {} assets", weights.len()));
            }
        } else {
            parts.push(self.universe.top_n.map_or("All assets".to_string(), |n| format!("Top {n}")));
            parts.push(match &self.weighting {
                Weighting::MarketCap => "cap-weighted".to_string(),
                Weighting::Equal => "equal-weighted".to_string(),
                Weighting::CappedMarketCap { max_weight } => format!("cap-weighted with {} cap", pct(*max_weight)),
                Weighting::SqrtMarketCap => "square-root cap".to_string(),
                Weighting::InverseVolatility { lookback } => format!("inverse volatility ({lookback} days)"),
                Weighting::EqualRiskContribution { lookback } => format!("equal risk contribution ({lookback} days)"),
                Weighting::VolumeWeighted { lookback } => format!("volume-weighted ({lookback} days)"),
                Weighting::Custom { .. } => unreachable!("named above"),
            });
        }
        let schedule = Schedule::phrase;
        parts.push(schedule(self.rebalance));
        if let Some(r) = self.universe.reconstitution.filter(|r| *r != self.rebalance) {
            parts.push(format!("reconstituted {}", schedule(r)));
        }
        if let Some(b) = &self.bands {
            match (b.absolute, b.relative) {
                (Some(a), _) => parts.push(format!("{} drift band", pct(a))),
                (None, Some(r)) => parts.push(format!("{} relative drift band", pct(r))),
                (None, None) => {}
            }
        }
        if self.bands.is_some() {
            match self.band_method {
                BandMethod::Full => {}
                BandMethod::Edge => parts.push("to the band edge".to_string()),
                BandMethod::Partial { fraction } => parts.push(format!("{} of the way back", pct(fraction))),
            }
        }
        if self.tranches > 1 {
            parts.push(format!("{} tranches", self.tranches));
        }
        if self.universe.buffer > 0.0 {
            parts.push(format!("{} buffer", pct(self.universe.buffer)));
        }
        if let Some(r) = &self.regime {
            parts.push(format!("risk-off below the {}-day average", r.sma_days));
        }
        let c = &self.costs;
        if c.fee_bps != Costs::default().fee_bps || c.half_spread_bps > 0.0 || c.impact.is_some() {
            let mut cost = format!("{} bp fee", trim_number(c.fee_bps));
            if c.half_spread_bps > 0.0 {
                cost.push_str(&format!(" + {} bp half-spread", trim_number(c.half_spread_bps)));
            }
            if c.impact.is_some() {
                cost.push_str(" + impact");
            }
            parts.push(cost);
        }
        parts.join(", ")
    }

    /// The built-in strategies. All use the default stablecoin exclusions,
    /// a 10 bp fee and a 10,000 starting capital.
    ///
    /// `BitcoinBuyAndHold` holds the custom weight `"bitcoin|btc"`: the asset
    /// with id `bitcoin` when the panel has one (CoinGecko ids), else `btc`
    /// (symbols). It buys on day 0 and never trades again.
    pub fn preset(preset: Preset) -> Strategy {
        let top = |n: usize| Universe { top_n: Some(n), ..Universe::default() };
        let base = Strategy::default();
        match preset {
            Preset::Top100CapWeekly => Strategy {
                name: "Top 100, cap-weighted, weekly".into(),
                universe: top(100),
                weighting: Weighting::MarketCap,
                rebalance: Schedule::Weekly,
                ..base
            },
            Preset::Top100EqualWeekly => Strategy {
                name: "Top 100, equal-weighted, weekly".into(),
                universe: top(100),
                weighting: Weighting::Equal,
                rebalance: Schedule::Weekly,
                ..base
            },
            Preset::Top10EqualMonthly => Strategy {
                name: "Top 10, equal-weighted, monthly".into(),
                universe: top(10),
                weighting: Weighting::Equal,
                rebalance: Schedule::Monthly,
                ..base
            },
            Preset::Top30SqrtMonthlyQuarterly => Strategy {
                name: "Top 30, square-root cap, monthly, reconstituted quarterly, no stablecoins".into(),
                universe: Universe { reconstitution: Some(Schedule::Quarterly), ..top(30) },
                weighting: Weighting::SqrtMarketCap,
                rebalance: Schedule::Monthly,
                ..base
            },
            Preset::Top20Capped30Quarterly => Strategy {
                name: "Top 20, cap-weighted with 30% cap, quarterly".into(),
                universe: top(20),
                weighting: Weighting::CappedMarketCap { max_weight: 0.3 },
                rebalance: Schedule::Quarterly,
                ..base
            },
            Preset::BitcoinBuyAndHold => Strategy {
                name: "Bitcoin only, buy and hold".into(),
                weighting: Weighting::Custom { weights: vec![("bitcoin|btc".into(), 1.0)] },
                rebalance: Schedule::Never,
                ..base
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::Bands;

    #[test]
    fn presets_round_trip_and_validate() {
        for p in Preset::ALL {
            let s = Strategy::preset(p);
            s.validate().unwrap();
            assert!(!s.name.is_empty());
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(serde_json::from_str::<Strategy>(&json).unwrap(), s);
        }
        let s = Strategy::preset(Preset::Top30SqrtMonthlyQuarterly);
        assert_eq!((s.universe.top_n, s.universe.reconstitution), (Some(30), Some(Schedule::Quarterly)));
        assert!(s.universe.exclude.iter().any(|e| e == "@stablecoins"));
        let btc = Strategy::preset(Preset::BitcoinBuyAndHold);
        assert_eq!(btc.rebalance, Schedule::Never);
    }

    #[test]
    fn names_follow_the_rules_as_the_presets_read() {
        for p in [
            Preset::Top100CapWeekly,
            Preset::Top100EqualWeekly,
            Preset::Top10EqualMonthly,
            Preset::Top20Capped30Quarterly,
        ] {
            let s = Strategy::preset(p);
            assert_eq!(s.describe(), s.name, "{p:?}");
        }
        assert_eq!(Strategy::preset(Preset::BitcoinBuyAndHold).describe(), "Bitcoin only, buy and hold");
        let mut s = Strategy::preset(Preset::Top100CapWeekly);
        s.universe.top_n = Some(5);
        s.weighting = Weighting::CappedMarketCap { max_weight: 0.2 };
        s.rebalance = Schedule::EveryNDays(14);
        s.bands = Some(Bands { absolute: Some(0.05), relative: None });
        s.costs.fee_bps = 25.0;
        assert_eq!(s.describe(), "Top 5, cap-weighted with 20% cap, every 14 days, 5% drift band, 25 bp fee");
        s.universe.top_n = None;
        s.weighting = Weighting::EqualRiskContribution { lookback: 90 };
        assert!(s.describe().starts_with("All assets, equal risk contribution (90 days)"));
    }
}
