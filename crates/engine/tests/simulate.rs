//! Hand-computed cases pinning the simulation semantics (see `engine::simulate`).

mod sim_support;

use engine::strategy::{
    Bands, Comparison, Costs, ExtraFilter, Impact, MinVolume, Preset, Regime, RegimeReference, Universe,
};
use engine::{simulate, Schedule, Side, SimResult, Strategy, TradeReason, Weighting};
use sim_support::{assert_all_close, assert_close, strategy, Build, NAN};

fn weights(r: &SimResult, p: &engine::Panel, t: usize) -> Vec<f64> {
    r.weights_at(p, t).iter().map(|x| x.1).collect()
}

fn held_ids(r: &SimResult, p: &engine::Panel, t: usize) -> Vec<String> {
    r.weights_at(p, t).iter().map(|x| p.assets()[x.0].id.clone()).collect()
}

#[test]
fn worked_case_two_assets_daily_one_percent() {
    let p = Build::new((2024, 1, 1), &["a", "b"], vec![vec![10.0, 11.0], vec![20.0, 18.0]]).build();
    let r = simulate(&p, &strategy(Weighting::Equal, Schedule::Daily, 100.0)).unwrap();
    let v0 = 1.0 / 1.01;
    let v1 = v0 * (1.0 - 0.01 * 0.1);
    assert_close(r.equity[0], v0, 1e-15);
    assert_close(r.equity[1], v1, 1e-15);
    assert_eq!(r.cash, [0.0, 0.0]);
    // Day 0: two buys of 0.5 V0, each paying 1%.
    assert_eq!(r.trades.len(), 4);
    for tr in &r.trades[..2] {
        assert_eq!((tr.day, tr.side, tr.reason), (0, Side::Buy, TradeReason::Rebalance));
        assert_close(tr.value, 0.5 * v0, 1e-15);
        assert_close(tr.fee, 0.005 * v0, 1e-15);
    }
    // Day 1: A (0.55 V0) sells down to 0.5 V1, B (0.45 V0) buys up to 0.5 V1:
    // 0.0505 V0 and 0.0495 V0, 0.1 V0 together.
    let (sell, buy) = (&r.trades[2], &r.trades[3]);
    assert_eq!((sell.asset, sell.side, buy.asset, buy.side), (0, Side::Sell, 1, Side::Buy));
    assert_close(sell.value, 0.0505 * v0, 1e-15);
    assert_close(buy.value, 0.0495 * v0, 1e-15);
    assert_close(sell.fee + buy.fee, 0.001 * v0, 1e-15);
    assert_close(sell.units, sell.value / 11.0, 1e-15);
    assert_eq!(sell.price, 11.0);
    assert_close(r.rebalances[1].turnover, 0.05, 1e-14);
    assert_close(r.total_fees, (1.0 - v0) + 0.001 * v0, 1e-15);
    assert_all_close(&weights(&r, &p, 1), &[0.5, 0.5], 1e-15);
    assert_close(r.segments[1].units[0].1, 0.5 * v1 / 11.0, 1e-16);
    assert_eq!(r.n_holdings, [2, 2]);
    assert_all_close(&r.effective_n, &[2.0, 2.0], 1e-12);
    assert_close(r.equity_in_currency()[1], 10_000.0 * v1, 1e-9);
}

#[test]
fn between_rebalances_units_are_constant() {
    // Monthly, zero cost: equity is the dot product of day-0 units and prices.
    let p = Build::new((2024, 1, 10), &["a", "b"], vec![vec![1.0, 2.0, 4.0], vec![1.0, 1.0, 0.5]]).build();
    let r = simulate(&p, &strategy(Weighting::Equal, Schedule::Monthly, 0.0)).unwrap();
    assert_all_close(&r.equity, &[1.0, 1.5, 2.25], 1e-15);
    assert_eq!(r.rebalances.len(), 1);
    assert_all_close(&weights(&r, &p, 2), &[4.0 / 4.5, 0.5 / 4.5], 1e-15);
    assert_all_close(&r.effective_n, &[2.0, 2.25 / 1.25, 4.5 * 4.5 / 16.25], 1e-12);
}

#[test]
fn market_cap_and_capped_weights() {
    let prices = vec![vec![1.0; 2]; 4];
    let caps = vec![vec![70.0; 2], vec![20.0; 2], vec![5.0; 2], vec![5.0; 2]];
    let p = Build::new((2024, 1, 1), &["a", "b", "c", "d"], prices).caps(caps).build();
    let r = simulate(&p, &strategy(Weighting::MarketCap, Schedule::Never, 0.0)).unwrap();
    assert_all_close(&weights(&r, &p, 0), &[0.7, 0.2, 0.05, 0.05], 1e-15);
    let r = simulate(&p, &strategy(Weighting::CappedMarketCap { max_weight: 0.3 }, Schedule::Never, 0.0)).unwrap();
    assert_all_close(&weights(&r, &p, 0), &[0.3, 0.3, 0.2, 0.2], 1e-15);
    assert!(r.warnings.is_empty());
    // Four assets cannot be capped at 20%: equal weights and a warning.
    let r = simulate(&p, &strategy(Weighting::CappedMarketCap { max_weight: 0.2 }, Schedule::Never, 0.0)).unwrap();
    assert_all_close(&weights(&r, &p, 0), &[0.25; 4], 1e-15);
    assert_eq!(r.warnings.len(), 1);
    assert!(r.warnings[0].starts_with("only 4 assets for the weight cap"), "{:?}", r.warnings);
}

#[test]
fn sqrt_cap_uses_the_smoothed_cap() {
    // Half-life 1 day: a = 0.5. Caps of a: 4, 16, 36 -> EWMA 4, 10, 23; b: 9 throughout.
    let prices = vec![vec![1.0; 3]; 2];
    let caps = vec![vec![4.0, 16.0, 36.0], vec![9.0; 3]];
    let p = Build::new((2024, 1, 1), &["a", "b"], prices).caps(caps).build();
    let mut s = strategy(Weighting::SqrtMarketCap, Schedule::Daily, 0.0);
    let r = simulate(&p, &s).unwrap();
    assert_all_close(&weights(&r, &p, 2), &[6.0 / 9.0, 3.0 / 9.0], 1e-15);
    s.universe.rank_half_life_days = Some(1.0);
    let r = simulate(&p, &s).unwrap();
    let w = 23f64.sqrt() / (23f64.sqrt() + 3.0);
    assert_all_close(&weights(&r, &p, 2), &[w, 1.0 - w], 1e-15);
    assert_all_close(&weights(&r, &p, 1), &[10f64.sqrt() / (10f64.sqrt() + 3.0), 3.0 / (10f64.sqrt() + 3.0)], 1e-15);
}

/// A: returns +10%, -10%, +10%, -10%; B: +5%, +5%, -5%, -5%. Sample
/// volatilities 2:1 and zero sample covariance.
fn two_vol_panel() -> engine::Panel {
    let a = vec![100.0, 110.0, 99.0, 108.9, 98.01];
    let b = vec![100.0, 105.0, 110.25, 104.7375, 99.500625];
    Build::new((2024, 1, 1), &["a", "b"], vec![a, b]).build()
}

/// Sample standard deviation (n - 1), written out for the test.
fn sample_sd(x: &[f64]) -> f64 {
    let mean = x.iter().sum::<f64>() / x.len() as f64;
    (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (x.len() - 1) as f64).sqrt()
}

/// Inverse volatility weighs only assets with a full window of returns: none
/// during the warm-up (equal weights), then the full-window ones, and a
/// late listing once it has `lookback` returns of its own.
#[test]
fn inverse_volatility_needs_a_full_window() {
    let nan = f64::NAN;
    let a = vec![100.0, 104.0, 99.0, 103.0, 101.0, 108.0, 100.0];
    let b = vec![50.0, 50.5, 49.8, 50.9, 50.2, 50.1, 51.0];
    let c = vec![nan, nan, 10.0, 13.0, 9.0, 12.0, 10.0];
    let p = Build::new((2024, 1, 1), &["a", "b", "c"], vec![a.clone(), b.clone(), c.clone()]).build();
    let r = simulate(&p, &strategy(Weighting::InverseVolatility { lookback: 3 }, Schedule::Daily, 0.0)).unwrap();
    let rets = |x: &[f64], t: usize| -> Vec<f64> { (t - 2..=t).map(|s| x[s] / x[s - 1] - 1.0).collect() };
    let inv = |xs: &[&[f64]], t: usize| -> Vec<f64> {
        let w: Vec<f64> = xs.iter().map(|x| 1.0 / sample_sd(&rets(x, t))).collect();
        w.iter().map(|v| v / w.iter().sum::<f64>()).collect()
    };
    // Days 0-2: nobody has 3 returns: equal weights over what trades.
    assert_all_close(&weights(&r, &p, 1), &[0.5, 0.5], 1e-15);
    assert_all_close(&weights(&r, &p, 2), &[1.0 / 3.0; 3], 1e-15);
    // Days 3-4: a and b have full windows, c (listed on day 2) does not.
    for t in [3, 4] {
        assert_eq!(held_ids(&r, &p, t), ["a", "b"], "day {t}");
        assert_all_close(&weights(&r, &p, t), &inv(&[&a, &b], t), 1e-12);
    }
    // Day 5: c has returns on days 3, 4, 5.
    assert_all_close(&weights(&r, &p, 5), &inv(&[&a, &b, &c], 5), 1e-12);
    assert!(r.warnings.iter().any(|w| w.starts_with("no asset could be weighted")), "{:?}", r.warnings);
}

#[test]
fn inverse_volatility_and_equal_risk_contribution() {
    let p = two_vol_panel();
    for scheme in [Weighting::InverseVolatility { lookback: 4 }, Weighting::EqualRiskContribution { lookback: 4 }] {
        let r = simulate(&p, &strategy(scheme.clone(), Schedule::EveryNDays(4), 0.0)).unwrap();
        // Day 0 has no returns: equal weights with a warning.
        assert_all_close(&weights(&r, &p, 0), &[0.5, 0.5], 1e-15);
        assert!(r.warnings.iter().any(|w| w.starts_with("no asset could be weighted")), "{:?}", r.warnings);
        // Day 4: w ∝ 1/sigma (and ERC = inverse vol for uncorrelated assets).
        assert_eq!(r.rebalances.iter().map(|x| x.day).collect::<Vec<_>>(), [0, 4]);
        assert_all_close(&weights(&r, &p, 4), &[1.0 / 3.0, 2.0 / 3.0], 1e-9);
    }
}

#[test]
fn volume_and_custom_weights() {
    let prices = vec![vec![1.0; 3]; 3];
    let vols = vec![vec![1e6; 3], vec![3e6; 3], vec![NAN; 3]];
    let p = Build::new((2024, 1, 1), &["bitcoin", "ethereum", "doge"], prices).volumes(vols).build();
    let r = simulate(&p, &strategy(Weighting::VolumeWeighted { lookback: 2 }, Schedule::Daily, 0.0)).unwrap();
    // Day 0: a 2-day window does not fit in the data yet: equal weights, with a warning.
    assert_all_close(&weights(&r, &p, 0), &[1.0 / 3.0; 3], 1e-15);
    assert!(r.warnings.iter().any(|w| w.starts_with("no asset could be weighted")), "{:?}", r.warnings);
    // Day 1 on: by mean volume; doge has none.
    assert_all_close(&weights(&r, &p, 1), &[0.25, 0.75], 1e-15);
    assert_eq!(held_ids(&r, &p, 2), ["bitcoin", "ethereum"]);
    let custom = Weighting::Custom {
        weights: vec![("btc|Bitcoin".into(), 3.0), ("ethereum".into(), 1.0), ("nope".into(), 5.0)],
    };
    let r = simulate(&p, &strategy(custom, Schedule::Never, 0.0)).unwrap();
    assert_all_close(&weights(&r, &p, 0), &[0.75, 0.25], 1e-15);
    assert_eq!(r.warnings.len(), 1);
    assert!(r.warnings[0].starts_with("custom weight for 'nope' matches no asset"));
}

#[test]
fn bitcoin_preset_buys_once_and_holds() {
    let prices = vec![vec![5.0, 6.0, 7.0], vec![100.0, 150.0, 120.0], vec![1.0, 1.0, 1.0]];
    let p = Build::new((2024, 1, 31), &["eth", "btc", "usdt"], prices).build();
    let r = simulate(&p, &Strategy::preset(Preset::BitcoinBuyAndHold)).unwrap();
    let v0 = 1.0 / 1.001;
    assert_all_close(&r.equity, &[v0, v0 * 1.5, v0 * 1.2], 1e-15);
    assert_eq!(held_ids(&r, &p, 2), ["btc"]);
    assert_eq!((r.trades.len(), r.rebalances.len()), (1, 1));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert!(!r.never_invested());
}

#[test]
fn bitcoin_preset_without_bitcoin_stays_in_cash_and_says_so() {
    let prices = vec![vec![5.0, 6.0, 7.0], vec![1.0, 1.0, 1.0]];
    let p = Build::new((2024, 1, 31), &["eth", "usdt"], prices).build();
    let r = simulate(&p, &Strategy::preset(Preset::BitcoinBuyAndHold)).unwrap();
    assert!(r.never_invested());
    assert_eq!(r.equity, [1.0; 3]);
    assert!(r.warnings.iter().any(|w| w.contains("matches no asset")), "{:?}", r.warnings);
    // Any other strategy on the same data holds something.
    assert!(!simulate(&p, &strategy(Weighting::Equal, Schedule::Monthly, 10.0)).unwrap().never_invested());
}

fn rebalance_days(s: Schedule, offset: u32, start: (i32, u32, u32), n: usize) -> Vec<String> {
    let p = Build::new(start, &["a", "b"], vec![vec![1.0; n], (0..n).map(|i| 1.0 + i as f64).collect()]).build();
    let st = engine::Strategy { rebalance_offset: offset, ..strategy(Weighting::Equal, s, 10.0) };
    let r = simulate(&p, &st).unwrap();
    // Every rebalance trades (b keeps rising) and nothing else does.
    let trade_days: std::collections::BTreeSet<usize> = r.trades.iter().map(|t| t.day).collect();
    assert_eq!(trade_days.into_iter().collect::<Vec<_>>(), r.rebalances.iter().map(|x| x.day).collect::<Vec<_>>());
    r.rebalances.iter().map(|x| x.date.to_string()).collect()
}

#[test]
fn schedules_pick_the_expected_days() {
    // 2024-01-03 is a Wednesday. Offsets count data days from the start of
    // each period, so the first, partial period has its own offset day.
    assert_eq!(
        rebalance_days(Schedule::Weekly, 0, (2024, 1, 3), 20),
        ["2024-01-03", "2024-01-08", "2024-01-15", "2024-01-22"]
    );
    assert_eq!(
        rebalance_days(Schedule::Weekly, 4, (2024, 1, 3), 20),
        ["2024-01-03", "2024-01-07", "2024-01-12", "2024-01-19"]
    );
    assert_eq!(rebalance_days(Schedule::Monthly, 0, (2024, 1, 20), 45), ["2024-01-20", "2024-02-01", "2024-03-01"]);
    assert_eq!(
        rebalance_days(Schedule::Monthly, 2, (2024, 1, 20), 45),
        ["2024-01-20", "2024-01-22", "2024-02-03", "2024-03-03"]
    );
    assert_eq!(rebalance_days(Schedule::Quarterly, 0, (2024, 3, 1), 100), ["2024-03-01", "2024-04-01"]);
    assert_eq!(rebalance_days(Schedule::Yearly, 0, (2023, 12, 30), 5), ["2023-12-30", "2024-01-01"]);
    assert_eq!(rebalance_days(Schedule::EveryNDays(3), 0, (2024, 1, 1), 7), ["2024-01-01", "2024-01-04", "2024-01-07"]);
    assert_eq!(rebalance_days(Schedule::Never, 0, (2024, 1, 1), 30), ["2024-01-01"]);
    assert_eq!(rebalance_days(Schedule::Daily, 0, (2024, 1, 1), 3), ["2024-01-01", "2024-01-02", "2024-01-03"]);
}

#[test]
fn spread_adds_to_the_fee_rate() {
    let p = two_vol_panel();
    let mut a = strategy(Weighting::Equal, Schedule::Daily, 100.0);
    let ra = simulate(&p, &a).unwrap();
    a.costs = Costs { fee_bps: 60.0, half_spread_bps: 40.0, impact: None };
    let rb = simulate(&p, &a).unwrap();
    assert_all_close(&ra.equity, &rb.equity, 1e-15);
    assert_close(ra.total_fees, rb.total_fees, 1e-15);
    let gross = simulate(&p, &a.without_costs()).unwrap();
    assert_eq!(gross.total_fees, 0.0);
    assert!(gross.equity[4] > ra.equity[4] + 0.01);
}

/// Solves `V' = V - Σ (base + g_i sqrt(d_i)) d_i`, `d_i = |w_i V' - x_i|`, by bisection.
fn bisect(v: f64, legs: &[(f64, f64, f64)], base: f64) -> f64 {
    let f = |vp: f64| {
        vp - v
            + legs
                .iter()
                .map(|&(w, x, g)| {
                    let d: f64 = (w * vp - x).abs();
                    (base + g * d.sqrt()) * d
                })
                .sum::<f64>()
    };
    let (mut lo, mut hi) = (0.0, v);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) > 0.0 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    0.5 * (lo + hi)
}

#[test]
fn square_root_market_impact() {
    let p =
        Build::new((2024, 1, 1), &["a", "b"], two_vol_panel_prices()).volumes(vec![vec![2e6; 5], vec![5e5; 5]]).build();
    let mut s = strategy(Weighting::Equal, Schedule::EveryNDays(4), 20.0);
    s.initial_capital = 1e6;
    s.costs.impact = Some(Impact { k: 0.8, lookback: 4 });
    let r = simulate(&p, &s).unwrap();
    // Day 0: no volatility yet, so no impact (and a warning).
    assert_close(r.equity[0], 1.0 / 1.002, 1e-15);
    assert!(r.warnings.iter().any(|w| w.starts_with("fewer than 2 returns for volatility")), "{:?}", r.warnings);
    // Day 4: g_i = k sigma_i sqrt(capital / ADV_i).
    let v0 = 1.0 / 1.002;
    let (pa, pb) = (98.01 / 100.0, 99.500625 / 100.0);
    let (xa, xb) = (0.5 * v0 * pa, 0.5 * v0 * pb);
    let sa = (4.0 * 0.01f64 / 3.0).sqrt();
    let sb = (4.0 * 0.0025f64 / 3.0).sqrt();
    let ga = 0.8 * sa * (1e6f64 / 2e6).sqrt();
    let gb = 0.8 * sb * (1e6f64 / 5e5).sqrt();
    let expected = bisect(xa + xb, &[(0.5, xa, ga), (0.5, xb, gb)], 0.002);
    assert_close(r.equity[4], expected, 1e-12);
    for tr in r.trades.iter().filter(|t| t.day == 4) {
        let g = if tr.asset == 0 { ga } else { gb };
        assert_close(tr.fee, (0.002 + g * tr.value.sqrt()) * tr.value, 1e-14);
    }
    // Without volume the impact term is dropped with a warning.
    let p = Build::new((2024, 1, 1), &["a", "b"], two_vol_panel_prices()).volumes(vec![vec![NAN; 5]; 2]).build();
    let r = simulate(&p, &s).unwrap();
    let plain = simulate(&p, &strategy(Weighting::Equal, Schedule::EveryNDays(4), 20.0)).unwrap();
    assert_all_close(&r.equity, &plain.equity, 1e-15);
    assert!(r.warnings.iter().any(|w| w.starts_with("no volume data: market impact left out")), "{:?}", r.warnings);
}

fn two_vol_panel_prices() -> Vec<Vec<f64>> {
    vec![vec![100.0, 110.0, 99.0, 108.9, 98.01], vec![100.0, 105.0, 110.25, 104.7375, 99.500625]]
}

#[test]
fn top_n_excludes_stablecoins_before_ranking() {
    let ids = ["bitcoin", "tether", "USDC", "eth", "sol"];
    let caps = [100.0, 90.0, 80.0, 50.0, 10.0].iter().map(|&c| vec![c; 2]).collect();
    let p = Build::new((2024, 1, 1), &ids, vec![vec![1.0; 2]; 5]).caps(caps).build();
    let s = Strategy {
        universe: Universe { top_n: Some(2), ..Universe::default() },
        weighting: Weighting::MarketCap,
        costs: Costs { fee_bps: 0.0, ..Costs::default() },
        ..Strategy::default()
    };
    let r = simulate(&p, &s).unwrap();
    assert_eq!(held_ids(&r, &p, 0), ["bitcoin", "eth"]);
    assert_all_close(&weights(&r, &p, 0), &[2.0 / 3.0, 1.0 / 3.0], 1e-15);
    // Without the exclusion list the stablecoins rank 2nd and 3rd.
    let mut all = s.clone();
    all.universe.exclude.clear();
    let r = simulate(&p, &all).unwrap();
    assert_eq!(held_ids(&r, &p, 0), ["bitcoin", "tether"]);
}

#[test]
fn top_n_ties_go_to_the_smaller_id() {
    let caps = vec![vec![5.0], vec![5.0], vec![1.0]];
    for ids in [["beta", "alpha", "gamma"], ["gamma", "beta", "alpha"]] {
        let p = Build::new((2024, 1, 1), &ids, vec![vec![1.0]; 3]).caps(caps.clone()).build();
        let mut s = strategy(Weighting::Equal, Schedule::Never, 0.0);
        s.universe.top_n = Some(1);
        let r = simulate(&p, &s).unwrap();
        let expected = if ids[0] == "beta" { "alpha" } else { "beta" };
        assert_eq!(held_ids(&r, &p, 0), [expected]);
    }
}

#[test]
fn buffer_keeps_incumbents_within_the_band() {
    // Day 1: c overtakes b. Top 2 with a 50% buffer keeps b (rank 3 <= 3).
    let caps = vec![vec![100.0, 100.0, 100.0], vec![90.0, 80.0, 60.0], vec![80.0, 90.0, 95.0], vec![1.0; 3]];
    let p = Build::new((2024, 1, 1), &["a", "b", "c", "d"], vec![vec![1.0; 3]; 4]).caps(caps).build();
    let mut s = strategy(Weighting::Equal, Schedule::Daily, 0.0);
    s.universe.top_n = Some(2);
    let r = simulate(&p, &s).unwrap();
    assert_eq!(held_ids(&r, &p, 1), ["a", "c"]);
    let swaps: Vec<_> = r.trades.iter().filter(|t| t.day == 1).map(|t| (t.asset, t.side, t.reason)).collect();
    assert_eq!(swaps, [(1, Side::Sell, TradeReason::Reconstitution), (2, Side::Buy, TradeReason::Reconstitution)]);
    s.universe.buffer = 0.5;
    let r = simulate(&p, &s).unwrap();
    assert_eq!(held_ids(&r, &p, 1), ["a", "b"]);
    // Day 2: b falls further (60) but still ranks 3rd, inside the buffer.
    assert_eq!(held_ids(&r, &p, 2), ["a", "b"]);
    assert!(r.trades.iter().all(|t| t.day == 0));
}

#[test]
fn min_history_volume_and_extra_filter() {
    // c lists on day 1; with 3 days of history required it joins on day 3.
    let prices = vec![vec![1.0; 5], vec![1.0; 5], vec![NAN, 1.0, 1.0, 1.0, 1.0]];
    let p = Build::new((2024, 1, 1), &["a", "b", "c"], prices.clone()).build();
    let mut s = strategy(Weighting::Equal, Schedule::Daily, 0.0);
    s.universe.min_history_days = 3;
    let r = simulate(&p, &s).unwrap();
    assert_eq!(r.n_holdings, [0, 0, 2, 3, 3]);
    assert_eq!(r.equity, [1.0; 5]);
    assert!(r.warnings.iter().any(|w| w.starts_with("no tradable member on a rebalance day")));

    // Minimum average volume over 2 days: b averages (100 + 300) / 2 = 200 on day 1.
    let vols = vec![vec![500.0; 5], vec![100.0, 300.0, 100.0, 100.0, 100.0], vec![NAN; 5]];
    let p = Build::new((2024, 1, 1), &["a", "b", "c"], prices.clone()).volumes(vols).build();
    let mut s = strategy(Weighting::Equal, Schedule::Daily, 0.0);
    s.universe.min_volume = Some(MinVolume { amount: 200.0, lookback: 2 });
    let r = simulate(&p, &s).unwrap();
    assert_eq!(held_ids(&r, &p, 0), ["a"]);
    assert_eq!(held_ids(&r, &p, 1), ["a", "b"]);
    assert_eq!(held_ids(&r, &p, 2), ["a", "b"]);
    assert_eq!(held_ids(&r, &p, 3), ["a"]);

    // Extra column: keep score >= 2 (NaN fails).
    let score = vec![vec![3.0; 5], vec![1.0, 2.0, 2.0, 1.0, 1.0], vec![NAN, 5.0, 5.0, NAN, 5.0]];
    let p = Build::new((2024, 1, 1), &["a", "b", "c"], prices).extra("score", score).build();
    let mut s = strategy(Weighting::Equal, Schedule::Daily, 0.0);
    s.universe.filter = Some(ExtraFilter { column: "score".into(), op: Comparison::AtLeast, value: 2.0 });
    let r = simulate(&p, &s).unwrap();
    let held: Vec<Vec<String>> = (0..5).map(|t| held_ids(&r, &p, t)).collect();
    assert_eq!(held, [vec!["a"], vec!["a", "b", "c"], vec!["a", "b", "c"], vec!["a"], vec!["a", "c"]]);
    s.universe.filter.as_mut().unwrap().column = "missing".into();
    let e = simulate(&p, &s).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.message.as_str()),
        ("universe.filter", "filter column 'missing' is not in the data")
    );
}

#[test]
fn late_listing_joins_at_the_next_reconstitution() {
    // Jan 30 .. Feb 2; c lists on Jan 31 and enters on Feb 1.
    let prices = vec![vec![1.0; 4], vec![NAN, 2.0, 2.0, 2.0]];
    let p = Build::new((2024, 1, 30), &["a", "c"], prices).build();
    let r = simulate(&p, &strategy(Weighting::Equal, Schedule::Monthly, 0.0)).unwrap();
    assert_eq!(r.n_holdings, [1, 1, 2, 2]);
    let entry: Vec<_> = r.trades.iter().filter(|t| t.day == 2).map(|t| (t.asset, t.side, t.reason)).collect();
    // a stays a member: its trade is an ordinary rebalance.
    assert_eq!(entry, [(0, Side::Sell, TradeReason::Rebalance), (1, Side::Buy, TradeReason::Reconstitution)]);
}

#[test]
fn delisting_sells_at_the_last_price_and_cash_waits() {
    // Jan 29 .. Feb 3; b's last price is 3.0 on Jan 30 (day 1); rebalance on Feb 1 (day 3).
    let prices = vec![vec![1.0, 1.0, 2.0, 2.0, 4.0, 4.0], vec![2.0, 3.0, NAN, NAN, NAN, NAN]];
    let p = Build::new((2024, 1, 29), &["a", "b"], prices).build();
    let r = simulate(&p, &strategy(Weighting::Equal, Schedule::Monthly, 100.0)).unwrap();
    let v0 = 1.0 / 1.01;
    let xb = 0.5 * v0 * 1.5;
    let sale = r.trades.iter().find(|t| t.reason == TradeReason::Delisting).unwrap();
    assert_eq!((sale.day, sale.asset, sale.side, sale.price), (1, 1, Side::Sell, 3.0));
    assert_close(sale.value, xb, 1e-15);
    assert_close(sale.fee, 0.01 * xb, 1e-15);
    let cash = 0.99 * xb;
    assert_all_close(&r.cash[1..3], &[cash, cash], 1e-15);
    assert_close(r.equity[1], 0.5 * v0 + cash, 1e-15);
    assert_close(r.equity[2], v0 + cash, 1e-15);
    assert_eq!(r.n_holdings, [2, 1, 1, 1, 1, 1]);
    // Feb 1: the cash goes into a, paying 1% on the purchase.
    assert_eq!(r.rebalances.iter().map(|x| x.day).collect::<Vec<_>>(), [0, 3]);
    assert_eq!(r.cash[3], 0.0);
    assert_close(r.equity[3], v0 + cash - 0.01 * cash / 1.01, 1e-15);
    assert_close(r.equity[4], 2.0 * r.equity[3], 1e-15);
    assert_eq!(held_ids(&r, &p, 1), ["a"]);
    assert_all_close(&weights(&r, &p, 1), &[0.5 * v0 / r.equity[1]], 1e-15);
}

#[test]
fn carried_forward_gap_is_a_zero_return() {
    let prices = vec![vec![10.0, NAN, 12.0], vec![10.0, 10.0, 10.0]];
    let p = Build::new((2024, 1, 1), &["a", "b"], prices).build();
    let r = simulate(&p, &strategy(Weighting::Equal, Schedule::Never, 0.0)).unwrap();
    assert_eq!(p.assets()[0].carried_forward, 1);
    assert_all_close(&r.equity, &[1.0, 1.0, 1.1], 1e-15);
    assert_eq!(r.n_holdings, [2, 2, 2]);
    assert!(r.trades.iter().all(|t| t.reason != TradeReason::Delisting));
}

#[test]
fn regime_moves_a_fraction_to_cash() {
    // btc closes 10, 10, 10, 9, 12: below its 3-day SMA (9.67) on day 3, above (10.33) on day 4.
    let prices = vec![vec![10.0, 10.0, 10.0, 9.0, 12.0], vec![1.0; 5]];
    let p = Build::new((2024, 1, 1), &["btc", "eth"], prices).build();
    let mut s = strategy(Weighting::Equal, Schedule::Never, 0.0);
    let rule = Regime { reference: RegimeReference::Asset("BTC".into()), sma_days: 3, cash_fraction: 0.5 };
    s.regime = Some(rule.clone());
    let r = simulate(&p, &s).unwrap();
    assert_eq!(r.risk_off, [false, false, false, true, false]);
    let reasons: Vec<_> = r.rebalances.iter().map(|x| (x.day, x.reason)).collect();
    assert_eq!(reasons, [(0, TradeReason::Rebalance), (3, TradeReason::Regime), (4, TradeReason::Regime)]);
    assert!(r.trades.iter().filter(|t| t.day > 0).all(|t| t.reason == TradeReason::Regime));
    let v3 = 0.5 * 0.9 + 0.5;
    assert_close(r.equity[3], v3, 1e-15);
    assert_close(r.cash[3], 0.5 * v3, 1e-15);
    assert_all_close(&weights(&r, &p, 3), &[0.25, 0.25], 1e-15);
    // Day 4: btc +33% on a quarter of the portfolio, then back to fully invested.
    let v4 = v3 * (0.5 + 0.25 * 12.0 / 9.0 + 0.25);
    assert_close(r.equity[4], v4, 1e-15);
    assert_eq!(r.cash[4], 0.0);

    // Total market cap (1e9 x (btc + eth)): 11, 11, 11, 10, 13 (x 1e9) crosses its SMA on the same days.
    s.regime = Some(Regime { reference: RegimeReference::TotalMarketCap, ..rule });
    let r = simulate(&p, &s).unwrap();
    assert_eq!(r.risk_off, [false, false, false, true, false]);
    s.regime = Some(Regime { reference: RegimeReference::Asset("doge".into()), sma_days: 3, cash_fraction: 0.5 });
    assert_eq!(simulate(&p, &s).unwrap_err().message, "regime reference asset 'doge' is not in the data");
}

#[test]
fn drift_bands_trigger_rebalances() {
    // a: 1, 1.1, 1.3; b flat. Drift of a: 0.55/1.05 - 0.5 = 0.024, then 0.65/1.15 - 0.5 = 0.065.
    let prices = vec![vec![1.0, 1.1, 1.3, 1.3], vec![1.0; 4]];
    let p = Build::new((2024, 1, 1), &["a", "b"], prices).build();
    for bands in [Bands { absolute: Some(0.05), relative: None }, Bands { absolute: None, relative: Some(0.1) }] {
        let mut s = strategy(Weighting::Equal, Schedule::Never, 0.0);
        s.bands = Some(bands);
        let r = simulate(&p, &s).unwrap();
        let days: Vec<_> = r.rebalances.iter().map(|x| (x.day, x.reason)).collect();
        assert_eq!(days, [(0, TradeReason::Rebalance), (2, TradeReason::Band)]);
        assert_all_close(&weights(&r, &p, 2), &[0.5, 0.5], 1e-15);
    }
    // Bands OR-combined with a calendar: the calendar still rebalances on its days.
    let mut s = strategy(Weighting::Equal, Schedule::EveryNDays(2), 0.0);
    s.bands = Some(Bands { absolute: Some(0.02), relative: None });
    let r = simulate(&p, &s).unwrap();
    let days: Vec<_> = r.rebalances.iter().map(|x| (x.day, x.reason)).collect();
    assert_eq!(days, [(0, TradeReason::Rebalance), (1, TradeReason::Band), (2, TradeReason::Rebalance)]);
}

#[test]
fn invalid_strategy_is_rejected_before_running() {
    let p = two_vol_panel();
    let mut s = strategy(Weighting::Equal, Schedule::Daily, 0.0);
    s.universe.top_n = Some(0);
    assert_eq!(simulate(&p, &s).unwrap_err().message, "top_n must be at least 1");
}

#[test]
fn trade_log_can_be_switched_off() {
    let p = two_vol_panel();
    let mut s = strategy(Weighting::Equal, Schedule::Daily, 10.0);
    let with = simulate(&p, &s).unwrap();
    s.record_trades = false;
    let without = simulate(&p, &s).unwrap();
    assert!(without.trades.is_empty() && with.trades.len() == 10);
    assert_eq!(with.equity, without.equity);
}

#[test]
fn members_change_only_on_reconstitution_days() {
    // Jan 30 .. Apr 2, 2024. b's cap passes a's on Feb 10, but the universe
    // (top 1) is reconstituted quarterly, so b enters only on Apr 1.
    let n = 64;
    let caps = vec![vec![10.0; n], (0..n).map(|t| if t < 11 { 5.0 } else { 20.0 }).collect()];
    let p = Build::new((2024, 1, 30), &["a", "b"], vec![vec![1.0; n], vec![2.0; n]]).caps(caps).build();
    let mut s = strategy(Weighting::Equal, Schedule::Monthly, 10.0);
    s.universe.top_n = Some(1);
    s.universe.reconstitution = Some(Schedule::Quarterly);
    let r = simulate(&p, &s).unwrap();
    let days: Vec<String> = r.rebalances.iter().map(|x| x.date.to_string()).collect();
    assert_eq!(days, ["2024-01-30", "2024-02-01", "2024-03-01", "2024-04-01"]);
    let april = r.rebalances[3].day;
    assert_eq!(held_ids(&r, &p, april - 1), ["a"]);
    assert_eq!(held_ids(&r, &p, april), ["b"]);
    let swaps: Vec<_> = r.trades.iter().filter(|t| t.day > 0).map(|t| (t.asset, t.side, t.reason)).collect();
    assert_eq!(swaps, [(0, Side::Sell, TradeReason::Reconstitution), (1, Side::Buy, TradeReason::Reconstitution)]);
}

#[test]
fn smoothed_cap_ranking_lags_a_jump() {
    // b's cap jumps from 5 to 12 on day 1; a stays at 10. With a 1-day
    // half-life b's smoothed cap is 8.5 on day 1 and 10.25 on day 2.
    let caps = vec![vec![10.0; 3], vec![5.0, 12.0, 12.0]];
    let p = Build::new((2024, 1, 1), &["a", "b"], vec![vec![1.0; 3]; 2]).caps(caps).build();
    let mut s = strategy(Weighting::Equal, Schedule::Daily, 0.0);
    s.universe.top_n = Some(1);
    let r = simulate(&p, &s).unwrap();
    assert_eq!((held_ids(&r, &p, 1), held_ids(&r, &p, 2)), (vec!["b".to_string()], vec!["b".to_string()]));
    s.universe.rank_half_life_days = Some(1.0);
    let r = simulate(&p, &s).unwrap();
    assert_eq!((held_ids(&r, &p, 1), held_ids(&r, &p, 2)), (vec!["a".to_string()], vec!["b".to_string()]));
}

#[test]
fn presets_on_a_small_market() {
    // 15 assets with caps 15, 14, ..., 1; two stablecoins among the largest.
    let ids = [
        "bitcoin", "tether", "ethereum", "usd-coin", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11", "c12", "c13",
        "c14",
    ];
    let caps: Vec<Vec<f64>> = (0..15).map(|a| vec![15.0 - a as f64; 3]).collect();
    let p = Build::new((2024, 1, 1), &ids, vec![vec![1.0; 3]; 15]).caps(caps).build();
    let members = |preset| {
        let r = simulate(&p, &Strategy::preset(preset)).unwrap();
        (held_ids(&r, &p, 2), weights(&r, &p, 2), r.warnings)
    };
    let (held, w, _) = members(Preset::Top10EqualMonthly);
    assert_eq!(held.len(), 10);
    assert!(!held.iter().any(|id| id == "tether" || id == "usd-coin"));
    assert_eq!(held[9], "c11");
    assert_all_close(&w, &[0.1; 10], 1e-15);
    let (held, _, warnings) = members(Preset::Top100CapWeekly);
    assert_eq!(held.len(), 13);
    assert!(warnings[0].starts_with("fewer than 100 assets qualified for the index"), "{warnings:?}");
    // 13 members with a 30% cap: caps 15, 13, 11, 10, ..., 1 (sum 94); none reaches 30%.
    let (_, w, _) = members(Preset::Top20Capped30Quarterly);
    assert_close(w[0], 15.0 / 94.0, 1e-15);
    let (held, _, _) = members(Preset::BitcoinBuyAndHold);
    assert_eq!(held, ["bitcoin"]);
}

#[test]
fn regime_on_a_calendar_day_and_full_cash() {
    // Same closes as above; daily rebalancing: the risk-off day is an ordinary
    // rebalance that also moves the cash fraction (here all of it) to cash.
    let prices = vec![vec![10.0, 10.0, 10.0, 9.0, 12.0], vec![1.0; 5]];
    let p = Build::new((2024, 1, 1), &["btc", "eth"], prices).build();
    let mut s = strategy(Weighting::Equal, Schedule::Daily, 100.0);
    s.regime = Some(Regime { reference: RegimeReference::Asset("btc".into()), sma_days: 3, cash_fraction: 1.0 });
    let r = simulate(&p, &s).unwrap();
    assert!(r.rebalances.iter().all(|x| x.reason == TradeReason::Rebalance));
    assert_eq!(r.n_holdings, [2, 2, 2, 0, 2]);
    // Day 3: everything sold at 1%; the cash is the whole (post-fee) value.
    let v2 = r.equity[2];
    let v3_before = v2 * (0.5 * 0.9 + 0.5);
    assert_close(r.equity[3], v3_before * 0.99, 1e-15);
    assert_eq!(r.cash[3], r.equity[3]);
    assert_close(r.rebalances[3].turnover, 0.5, 1e-15);
    // Day 4: cash earns nothing, then buys back in at 1%.
    assert_close(r.equity[4], r.equity[3] / 1.01, 1e-15);
}
