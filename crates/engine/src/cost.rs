//! What a comparison will cost to compute, estimated from its rules before
//! running it, so a caller can decide where to run it (the page: on its own
//! thread, in a worker, or not before the user confirms) and say how long
//! it will take.
//!
//! The model counts the work of [`crate::simulate::simulate`] for each rule,
//! with coefficients fitted to native release timings on a 2-core x86_64
//! machine (`cargo run --release -p engine --example cost_calibration`
//! prints estimate and measurement side by side; BENCHMARKS.md has a run):
//!
//! - every day: value the holdings and check the rules, ~1.1 ns per asset;
//! - every rebalance: the universe (~9 ns per asset when ranking by cap)
//!   and the weights of its `m` members:
//!   equal / cap / custom ~30 ns per member, capped and square-root cap
//!   ~50 ns, inverse volatility and volume ~2 ns per member and window day,
//!   equal risk contribution `m L + 0.1 m² L + 0.015 m³` ns plus 3 µs
//!   (covariance and Newton steps) when solved afresh, and `3.2 m²` ns
//!   plus 4 µs when rebalanced daily (the covariance slides with the
//!   window and the solve starts from yesterday's weights);
//! - market impact: a volatility and a volume mean per traded asset;
//! - a comparison runs each strategy twice (net and gross of costs) and
//!   measures both (~50 ns a day).
//!
//! Estimates are within about 2x of the measurement, which is all a choice
//! of "here, in the background, or ask first" needs.

use crate::schedule::Schedule;
use crate::strategy::{Strategy, Weighting};

/// Estimated seconds of one native simulation of `s` on `n_days x n_assets`.
pub fn simulate_seconds(n_days: usize, n_assets: usize, s: &Strategy) -> f64 {
    let (days, assets) = (n_days as f64, n_assets as f64);
    let m = s.universe.top_n.map_or(assets, |n| (n as f64).min(assets)).max(1.0);
    let rebalances = rebalances(s.rebalance, days)
        + if s.bands.is_some() {
            // Bands may trigger extra rebalances; assume one a week at most.
            days / 7.0
        } else {
            0.0
        };
    let ranking = if s.universe.top_n.is_some() { 9.0 * assets } else { 0.0 };
    let weights = match &s.weighting {
        Weighting::Equal | Weighting::MarketCap | Weighting::Custom { .. } => 30.0 * m,
        Weighting::CappedMarketCap { .. } | Weighting::SqrtMarketCap => 50.0 * m,
        Weighting::InverseVolatility { lookback } | Weighting::VolumeWeighted { lookback } => {
            2.0 * m * *lookback as f64
        }
        Weighting::EqualRiskContribution { lookback } => {
            if matches!(s.rebalance, Schedule::Daily | Schedule::EveryNDays(1)) {
                3.2 * m * m + 4_000.0
            } else {
                let l = *lookback as f64;
                m * l + 0.1 * m * m * l + 0.015 * m * m * m + 3_000.0
            }
        }
    };
    let impact = s.costs.impact.as_ref().map_or(0.0, |i| 3.0 * m * i.lookback as f64);
    let bands = if s.bands.is_some() { 2.0 * m * days } else { 0.0 };
    let ns = 1.1 * days * assets + bands + rebalances * (ranking + weights + impact + 500.0);
    ns * 1e-9
}

/// Estimated seconds of [`crate::compare::compare`] on `n_days x n_assets`:
/// each strategy net and gross of costs, and their metrics.
pub fn compare_seconds<'a>(n_days: usize, n_assets: usize, strategies: impl IntoIterator<Item = &'a Strategy>) -> f64 {
    strategies.into_iter().map(|s| 2.0 * simulate_seconds(n_days, n_assets, s) + 2.0 * 50e-9 * n_days as f64).sum()
}

/// Rebalances of a calendar schedule over `days` daily rows.
fn rebalances(s: Schedule, days: f64) -> f64 {
    match s {
        Schedule::Daily => days,
        Schedule::Weekly => days / 7.0,
        Schedule::Monthly => days / 30.4,
        Schedule::Quarterly => days / 91.3,
        Schedule::Yearly => days / 365.0,
        Schedule::EveryNDays(n) => days / f64::from(n.max(1)),
        Schedule::Never => 1.0,
    }
    .max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::Universe;
    use crate::Preset;

    fn erc(top_n: Option<usize>, rebalance: Schedule) -> Strategy {
        Strategy {
            weighting: Weighting::EqualRiskContribution { lookback: 90 },
            rebalance,
            universe: Universe { top_n, ..Universe::default() },
            ..Strategy::default()
        }
    }

    #[test]
    fn the_default_comparison_is_cheap_and_erc_daily_on_hundreds_is_not() {
        let presets: Vec<Strategy> = Preset::ALL.into_iter().map(Strategy::preset).collect();
        // The default view: every preset on the built-in market, a few milliseconds.
        assert!(compare_seconds(2190, 100, &presets) < 0.03, "{}", compare_seconds(2190, 100, &presets));
        // The freeze reported with the Assets dial at 300: ERC, daily, all
        // assets (about 1.5 s native since the covariance slides).
        let heavy = compare_seconds(2190, 300, &[erc(None, Schedule::Daily)]);
        assert!(heavy > 1.0, "{heavy}");
        // Solved afresh, ERC grows with the window; warm daily solves do not.
        let weekly = |l| {
            simulate_seconds(
                2190,
                100,
                &Strategy {
                    weighting: Weighting::EqualRiskContribution { lookback: l },
                    ..erc(None, Schedule::Weekly)
                },
            )
        };
        assert!(weekly(180) > weekly(90));
        // More work costs more: assets, frequency, members.
        let s = erc(Some(20), Schedule::Weekly);
        assert!(simulate_seconds(2190, 300, &s) > simulate_seconds(2190, 100, &s));
        assert!(simulate_seconds(2190, 100, &erc(Some(20), Schedule::Daily)) > simulate_seconds(2190, 100, &s));
        assert!(simulate_seconds(2190, 100, &erc(None, Schedule::Weekly)) > simulate_seconds(2190, 100, &s));
        assert_eq!(compare_seconds(2190, 100, &[] as &[Strategy]), 0.0);
    }
}
