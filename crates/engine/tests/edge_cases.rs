//! Numeric edge cases of the robustness issue, one test each: the engine
//! gives exact, finite results or a clean error, never a panic or a NaN.
//! (A weight cap below 1/N is pinned in `simulate.rs`,
//! `market_cap_and_capped_weights`.)

#[allow(dead_code)] // each test file uses a different part of the helpers
mod sim_support;

use engine::compare::compare;
use engine::costs::MAX_COST_RATE;
use engine::metrics::{MetricId, MetricValue, MetricsOptions};
use engine::strategy::{Costs, Impact, Universe};
use engine::{simulate, Date, Panel, PanelError, Schedule, SimResult, Strategy, TradeReason, Weighting};
use sim_support::{assert_all_close, assert_close, strategy, Build, NAN};

/// Runs `engine::compare` and checks that every strategy ran and that no
/// metric is NaN (undefined metrics are missing instead).
fn metrics_are_defined_or_missing(p: &Panel, strategies: &[Strategy]) {
    for run in compare(p, strategies, None, &MetricsOptions::default()) {
        let run = run.expect("the strategy runs");
        for &id in MetricId::ALL {
            if let MetricValue::Number(x) = run.metrics.value(id) {
                assert!(!x.is_nan(), "{id:?} is NaN");
            }
        }
    }
}

fn weights(r: &SimResult, p: &Panel, t: usize) -> Vec<f64> {
    r.weights_at(p, t).iter().map(|x| x.1).collect()
}

#[test]
fn one_asset() {
    let prices = vec![vec![10.0, 12.0, 9.0, 15.0]];
    let p = Build::new((2024, 1, 1), &["a"], prices).build();
    let r = simulate(&p, &strategy(Weighting::Equal, Schedule::Daily, 100.0)).unwrap();
    // Only the initial purchase pays: a single asset is always at its target.
    let v0 = 1.0 / 1.01;
    assert_all_close(&r.equity, &[v0, v0 * 1.2, v0 * 0.9, v0 * 1.5], 1e-15);
    assert_eq!(r.rebalances.len(), 4);
    assert!(r.rebalances[1..].iter().all(|x| x.fee == 0.0 && x.turnover == 0.0));
    assert_eq!(r.trades.len(), 1);
    for t in 0..4 {
        assert_all_close(&weights(&r, &p, t), &[1.0], 1e-15);
    }
    metrics_are_defined_or_missing(&p, &[strategy(Weighting::MarketCap, Schedule::Weekly, 10.0)]);
}

#[test]
fn one_day() {
    let p = Build::new((2024, 1, 1), &["a", "b"], vec![vec![10.0], vec![20.0]]).build();
    let r = simulate(&p, &strategy(Weighting::Equal, Schedule::Daily, 100.0)).unwrap();
    assert_all_close(&r.equity, &[1.0 / 1.01], 1e-15);
    let runs = compare(&p, &[strategy(Weighting::Equal, Schedule::Daily, 100.0)], None, &MetricsOptions::default());
    let m = &runs[0].as_ref().unwrap().metrics;
    assert_eq!((m.observations, m.total_return, m.max_drawdown), (1, 0.0, 0.0));
    assert_eq!((m.cagr, m.volatility, m.sharpe, m.best_day), (None, None, None, None));
}

#[test]
fn all_assets_delisted_mid_run() {
    // Both assets trade on days 0-2 only; days 3-5 have no price at all.
    let prices = vec![vec![1.0, 2.0, 4.0, NAN, NAN, NAN], vec![1.0, 1.0, 0.5, NAN, NAN, NAN]];
    let p = Build::new((2024, 1, 1), &["a", "b"], prices).build();
    assert!(p.assets().iter().all(|a| a.delisted(6) && a.last == 2));
    let r = simulate(&p, &strategy(Weighting::Equal, Schedule::Never, 100.0)).unwrap();
    let v0 = 1.0 / 1.01;
    // Day 2: both holdings are sold at the close, paying 1%, and the cash waits.
    let held = 0.5 * v0 * 4.0 + 0.5 * v0 * 0.5;
    assert_close(r.equity[2], 0.99 * held, 1e-15);
    assert_all_close(&r.equity[2..], &[0.99 * held; 4], 1e-15);
    assert_all_close(&r.cash[2..], &[0.99 * held; 4], 1e-15);
    assert_eq!(r.n_holdings, [2, 2, 0, 0, 0, 0]);
    let sales: Vec<_> = r.trades.iter().filter(|t| t.reason == TradeReason::Delisting).map(|t| t.day).collect();
    assert_eq!(sales, [2, 2]);
    // Rebalancing every day afterwards finds nothing to buy: cash, with a warning.
    let r = simulate(&p, &strategy(Weighting::Equal, Schedule::Daily, 0.0)).unwrap();
    assert_eq!(r.equity[3..], [r.equity[2]; 3]);
    assert!(r.warnings.iter().any(|w| w.starts_with("no tradable member on a rebalance day")), "{:?}", r.warnings);
    assert!(weights(&r, &p, 4).is_empty());
    metrics_are_defined_or_missing(&p, &[strategy(Weighting::Equal, Schedule::Daily, 10.0)]);
}

#[test]
fn a_price_falls_to_1e_minus_12_and_one_rises_to_1e12() {
    let down = vec![1.0, 1e-3, 1e-6, 1e-9, 1e-12];
    let up = vec![1.0, 1e3, 1e6, 1e9, 1e12];
    let p = Build::new((2024, 1, 1), &["down", "up"], vec![down.clone(), up.clone()]).build();
    // Bought once: half of each, no fee.
    let r = simulate(&p, &strategy(Weighting::Equal, Schedule::Never, 0.0)).unwrap();
    let expected: Vec<f64> = down.iter().zip(&up).map(|(d, u)| 0.5 * d + 0.5 * u).collect();
    for (got, want) in r.equity.iter().zip(&expected) {
        assert!((got - want).abs() <= 1e-15 * want, "{got} vs {want}");
    }
    assert_close(weights(&r, &p, 4)[0], 0.5e-12 / expected[4], 1e-27);
    // Rebalanced daily: each day the value grows by (1e-3 + 1e3) / 2.
    let r = simulate(&p, &strategy(Weighting::Equal, Schedule::Daily, 0.0)).unwrap();
    for (t, e) in r.equity.iter().enumerate() {
        let want = 500.0005f64.powi(t as i32);
        assert!((e - want).abs() <= 1e-12 * want, "day {t}: {e} vs {want}");
    }
    assert!(r.segments.iter().flat_map(|s| &s.units).all(|&(_, u)| u.is_finite() && u > 0.0));
    let s = [
        strategy(Weighting::Equal, Schedule::Daily, 10.0),
        strategy(Weighting::InverseVolatility { lookback: 3 }, Schedule::Daily, 10.0),
        strategy(Weighting::MarketCap, Schedule::Never, 10.0),
    ];
    metrics_are_defined_or_missing(&p, &s);
}

#[test]
fn market_caps_all_zero() {
    let prices = vec![vec![1.0, 2.0, 3.0], vec![1.0, 1.0, 1.0]];
    let p = Build::new((2024, 1, 1), &["a", "b"], prices).caps(vec![vec![0.0; 3]; 2]).build();
    // Cap weighting needs a cap above 0: nothing qualifies, the money stays in cash.
    let r = simulate(&p, &strategy(Weighting::MarketCap, Schedule::Daily, 10.0)).unwrap();
    assert_eq!(r.equity, [1.0; 3]);
    assert!(r.trades.is_empty() && r.total_fees == 0.0);
    assert!(r.warnings.iter().any(|w| w.starts_with("no tradable member on a rebalance day")), "{:?}", r.warnings);
    // So does a Top-N universe, which ranks on caps.
    let top = Strategy {
        universe: Universe { top_n: Some(1), exclude: Vec::new(), ..Universe::default() },
        ..strategy(Weighting::Equal, Schedule::Daily, 10.0)
    };
    assert_eq!(simulate(&p, &top).unwrap().equity, [1.0; 3]);
    // Equal weights do not look at caps.
    let r = simulate(&p, &strategy(Weighting::Equal, Schedule::Never, 0.0)).unwrap();
    assert_all_close(&r.equity, &[1.0, 1.5, 2.0], 1e-15);
    metrics_are_defined_or_missing(&p, &[strategy(Weighting::SqrtMarketCap, Schedule::Daily, 10.0), top]);
}

#[test]
fn a_cost_rate_of_100_percent() {
    let p = Build::new((2024, 1, 1), &["a", "b"], vec![vec![1.0, 2.0], vec![1.0, 1.0]]).build();
    // 100% would leave nothing to invest: refused, naming the field.
    let all = strategy(Weighting::Equal, Schedule::Daily, 10_000.0);
    let e = simulate(&p, &all).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.message.as_str()),
        ("costs.fee_bps", "fee_bps + half_spread_bps must be below 10000 (100%)")
    );
    let split = Strategy { costs: Costs { fee_bps: 5_000.0, half_spread_bps: 5_000.0, impact: None }, ..all.clone() };
    assert_eq!(simulate(&p, &split).unwrap_err().field, "costs.fee_bps");
    let runs = compare(&p, &[all, split], None, &MetricsOptions::default());
    assert!(runs.iter().all(|r| r.as_ref().is_err_and(|e| e.to_string().contains("below 10000"))));
    // Just below 100%, the rate is capped at 50%: V' = 1 - 0.5 V'  =>  V' = 2/3.
    let s = strategy(Weighting::Equal, Schedule::Daily, 9_999.0);
    let r = simulate(&p, &s).unwrap();
    assert_eq!(MAX_COST_RATE, 0.5);
    assert_close(r.equity[0], 2.0 / 3.0, 1e-15);
    for t in &r.trades {
        assert_close(t.fee, 0.5 * t.value, 1e-15);
    }
    // Day 1: holdings (2/3, 1/3) of 1 back to equal at the post-trade value V':
    // V' = 1 - 0.5 (2/3 - V'/2) - 0.5 (V'/2 - 1/3)  =>  V' = 5/6.
    assert_close(r.equity[1], 5.0 / 6.0, 1e-15);
    assert_close(r.total_fees, 1.0 / 3.0 + 1.0 / 6.0, 1e-15);
    metrics_are_defined_or_missing(&p, &[s]);
}

#[test]
fn zero_volume_with_impact_costs_on() {
    let prices = vec![vec![1.0, 1.1, 1.0, 1.2, 0.9], vec![1.0, 0.9, 1.0, 0.8, 1.1]];
    let p = Build::new((2024, 1, 1), &["a", "b"], prices).volumes(vec![vec![0.0; 5]; 2]).build();
    let plain = strategy(Weighting::Equal, Schedule::Daily, 10.0);
    let with_impact = Strategy {
        costs: Costs { impact: Some(Impact { k: 1.0, lookback: 3 }), ..plain.costs.clone() },
        ..plain.clone()
    };
    let r = simulate(&p, &with_impact).unwrap();
    // No volume, no impact estimate: the fee alone is charged, and a warning says so.
    assert_eq!(r.equity, simulate(&p, &plain).unwrap().equity);
    assert!(r.warnings.iter().any(|w| w.starts_with("no volume data: market impact left out")), "{:?}", r.warnings);
    metrics_are_defined_or_missing(&p, &[with_impact]);
}

/// A panel of two assets on the given dates, prices doubling for `a` and flat for `b`.
fn dated_panel(dates: Vec<Date>) -> Panel {
    let n = dates.len();
    let price: Vec<f64> = (0..n).flat_map(|t| [2f64.powi(t as i32), 1.0]).collect();
    let cap = price.iter().map(|p| p * 1e9).collect();
    Panel::new(dates, vec!["a".into(), "b".into()], price, cap, vec![1e9; 2 * n], vec![]).unwrap()
}

fn rebalance_days(p: &Panel, rebalance: Schedule) -> Vec<usize> {
    simulate(p, &strategy(Weighting::Equal, rebalance, 0.0)).unwrap().rebalances.iter().map(|r| r.day).collect()
}

#[test]
fn weekly_and_monthly_data() {
    // Weekly: Fridays from 2024-01-05.
    let start = Date::from_ymd(2024, 1, 5).unwrap();
    let weekly = dated_panel((0..10).map(|i| Date(start.0 + 7 * i)).collect());
    // Every data day is in a new ISO week; a new month starts on Feb 2 and Mar 1.
    assert_eq!(rebalance_days(&weekly, Schedule::Weekly), (0..10).collect::<Vec<_>>());
    assert_eq!(rebalance_days(&weekly, Schedule::Monthly), [0, 4, 8]);
    // Monthly: month ends of 2024.
    let month_ends = (1..=12u32).map(|m| {
        let next = if m == 12 { Date::from_ymd(2025, 1, 1) } else { Date::from_ymd(2024, m + 1, 1) };
        Date(next.unwrap().0 - 1)
    });
    let monthly = dated_panel(month_ends.collect());
    assert_eq!(rebalance_days(&monthly, Schedule::Monthly), (0..12).collect::<Vec<_>>());
    assert_eq!(rebalance_days(&monthly, Schedule::Quarterly), [0, 3, 6, 9]);
    // Daily rebalancing on monthly data trades once per data row.
    assert_eq!(rebalance_days(&monthly, Schedule::Daily).len(), 12);
    for (p, periods) in [(&weekly, 52.0), (&monthly, 12.0)] {
        let runs = compare(p, &[strategy(Weighting::Equal, Schedule::Monthly, 10.0)], None, &MetricsOptions::default());
        let m = &runs[0].as_ref().unwrap().metrics;
        assert_eq!(m.periods_per_year, periods);
        // Equal weight, rebalanced: a doubles and b stays flat each row, so each
        // rebalanced row returns 50% before fees.
        assert!(m.cagr.is_some() && m.volatility.is_some());
        metrics_are_defined_or_missing(
            p,
            &[strategy(Weighting::InverseVolatility { lookback: 4 }, Schedule::Weekly, 10.0)],
        );
    }
}

#[test]
fn a_date_range_with_no_data() {
    // No asset has a price on days 3-5.
    let prices = vec![vec![1.0, 2.0, 4.0, NAN, NAN, NAN], vec![1.0, 1.0, 0.5, NAN, NAN, NAN]];
    let p = Build::new((2024, 1, 1), &["a", "b"], prices).build();
    assert_eq!(p.slice_days(3, 5), Err(PanelError::NoAssets));
    // A range past the last day, or an inverted one, has no dates.
    assert_eq!(p.slice_days(7, 9), Err(PanelError::NoDates));
    assert_eq!(p.slice_days(2, 1), Err(PanelError::NoDates));
    // A range of one day with data slices to a one-day panel that runs.
    let one = p.slice_days(2, 2).unwrap();
    assert_eq!((one.n_days(), one.n_assets()), (1, 2));
    metrics_are_defined_or_missing(&one, &[strategy(Weighting::Equal, Schedule::Daily, 10.0)]);
}
