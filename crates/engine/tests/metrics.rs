//! Hand-computed tests of every metric on tiny curves, plus edge cases.
//!
//! The main curve: returns r = [+10%, -10%, +10%, +10%], equity
//! 100, 110, 99, 108.9, 119.79, with P = 4 periods per year so that the 4
//! returns are exactly one year.

use engine::metrics::{
    self, infer_periods_per_year, FormatKind, MetricId, MetricValue, Metrics, MetricsError, MetricsOptions,
    TradingStats,
};
use engine::Date;

fn d(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
}

fn days(start: &str, n: usize) -> Vec<Date> {
    let s = d(start);
    (0..n).map(|i| Date(s.0 + i as i32)).collect()
}

#[track_caller]
fn close(got: f64, want: f64) {
    assert!((got - want).abs() <= 1e-12 * want.abs().max(1.0), "got {got}, want {want}");
}

#[track_caller]
fn close_opt(got: Option<f64>, want: f64) {
    close(got.expect("metric is None"), want);
}

const EQ: [f64; 5] = [100.0, 110.0, 99.0, 108.9, 119.79];

fn p4() -> MetricsOptions {
    MetricsOptions { periods_per_year: Some(4.0), ..MetricsOptions::default() }
}

fn tiny() -> Metrics {
    Metrics::compute(&days("2024-01-06", 5), &EQ, None, &TradingStats::default(), &p4()).unwrap()
}

#[test]
fn returns_and_drawdown_series() {
    let r = metrics::returns(&EQ);
    assert_eq!(r.len(), 4);
    for (g, w) in r.iter().zip([0.1, -0.1, 0.1, 0.1]) {
        close(*g, w);
    }
    let dd = metrics::drawdown_series(&EQ);
    for (g, w) in dd.iter().zip([0.0, 0.0, -0.1, -0.01, 0.0]) {
        close(*g, w);
    }
}

#[test]
fn return_and_risk_metrics_by_hand() {
    let m = tiny();
    assert_eq!(m.periods_per_year, 4.0);
    assert!(!m.periods_inferred);
    close(m.total_return, 0.1979);
    // years = 4 returns / 4 = 1
    close_opt(m.cagr, 0.1979);
    // mean 0.05, deviations .05 -.15 .05 .05, ss = .03, var = .01, std = .1
    close_opt(m.volatility, 0.2);
    close_opt(m.sharpe, 0.05 / 0.1 * 2.0);
    // downside deviation sqrt(0.01 / 4) = 0.05 over all 4 periods
    close_opt(m.sortino, 0.05 / 0.05 * 2.0);
    close(m.max_drawdown, -0.1);
    close_opt(m.calmar, 1.979);
}

#[test]
fn risk_free_rate_is_deannualised() {
    let opts = MetricsOptions { risk_free_annual: 0.0816, ..p4() };
    let m = Metrics::compute(&days("2024-01-06", 5), &EQ, None, &TradingStats::default(), &opts).unwrap();
    let rf_p = 1.0816f64.powf(0.25) - 1.0;
    close(metrics::rf_per_period(0.0816, 4.0), rf_p);
    close_opt(m.sharpe, (0.05 - rf_p) / 0.1 * 2.0);
    let down = ((0.1 + rf_p).powi(2) / 4.0).sqrt();
    close_opt(m.sortino, (0.05 - rf_p) / down * 2.0);
    close_opt(m.cagr, 0.1979); // not rf-adjusted
}

#[test]
fn drawdown_dates_and_durations_by_hand() {
    let m = tiny();
    assert_eq!(m.max_drawdown_peak, Some(d("2024-01-07")));
    assert_eq!(m.max_drawdown_trough, Some(d("2024-01-08")));
    assert_eq!(m.max_drawdown_recovery, Some(d("2024-01-10")));
    assert_eq!(m.longest_drawdown_days, 3);
    assert_eq!(m.longest_recovery_days, Some(2));
}

#[test]
fn drawdown_periods_with_an_open_one() {
    // Peaks 100 (d0), 120 (d3); drawdown 1: d0 -> d3 (trough 80 at d1, recovered d3, 3 days);
    // drawdown 2 from d3 (trough 108 at d5) still open at d9: 6 days, shallower.
    let dates = days("2024-03-01", 10);
    let eq = [100.0, 80.0, 90.0, 120.0, 110.0, 108.0, 115.0, 112.0, 111.0, 119.0];
    let m = Metrics::compute(&dates, &eq, None, &TradingStats::default(), &p4()).unwrap();
    close(m.max_drawdown, -0.2);
    assert_eq!(m.max_drawdown_peak, Some(dates[0]));
    assert_eq!(m.max_drawdown_trough, Some(dates[1]));
    assert_eq!(m.max_drawdown_recovery, Some(dates[3]));
    assert_eq!(m.longest_drawdown_days, 6);
    assert_eq!(m.longest_recovery_days, Some(2));
    let st = metrics::drawdown_stats(&dates, &eq);
    assert_eq!((st.peak, st.trough, st.recovery), (Some(0), Some(1), Some(3)));
    let periods = metrics::drawdown_periods(&dates, &eq);
    assert_eq!(periods.len(), 2);
    assert_eq!((periods[0].peak, periods[0].trough, periods[0].recovery), (0, 1, Some(3)));
    assert_eq!((periods[0].days, periods[0].recovery_days), (3, Some(2)));
    assert_eq!((periods[1].peak, periods[1].trough, periods[1].recovery), (3, 5, None));
    assert_eq!((periods[1].days, periods[1].recovery_days), (6, None));
    close(periods[1].depth, 108.0 / 120.0 - 1.0);
}

#[test]
fn first_day_loss_counts_from_the_start() {
    let dates = days("2024-03-01", 3);
    let m = Metrics::compute(&dates, &[100.0, 90.0, 95.0], None, &TradingStats::default(), &p4()).unwrap();
    close(m.max_drawdown, -0.1);
    assert_eq!(m.max_drawdown_peak, Some(dates[0]));
    assert_eq!(m.max_drawdown_recovery, None);
    assert_eq!(m.longest_drawdown_days, 2);
    assert_eq!(m.longest_recovery_days, None);
}

#[test]
fn distribution_metrics_by_hand() {
    let m = tiny();
    // sorted [-.1, .1, .1, .1]; h = 3 * 0.05 = 0.15 -> -0.1 + 0.2 * 0.15
    close_opt(m.var, -0.07);
    close_opt(m.cvar, -0.1);
    // m2 = .03, m3 = -.003, m4 = 5.25e-4 (pandas gives -2 and 4)
    close_opt(m.skew, -2.0);
    close_opt(m.kurtosis, 4.0);
    close_opt(m.best_day, 0.1);
    close_opt(m.worst_day, -0.1);
    // 99% level: h = 3 * 0.01 = 0.03
    let opts = MetricsOptions { var_level: 0.99, ..p4() };
    let m = Metrics::compute(&days("2024-01-06", 5), &EQ, None, &TradingStats::default(), &opts).unwrap();
    close_opt(m.var, -0.1 + 0.2 * 0.03);
}

#[test]
fn monthly_and_yearly_returns_by_hand() {
    let dates = [d("2023-12-30"), d("2023-12-31"), d("2024-01-15"), d("2024-02-10"), d("2024-02-20")];
    let eq = [100.0, 105.0, 84.0, 92.4, 100.0];
    let m = Metrics::compute(&dates, &eq, None, &TradingStats::default(), &MetricsOptions::default()).unwrap();
    let got: Vec<(i32, u32)> = m.monthly_returns.iter().map(|r| (r.year, r.month)).collect();
    assert_eq!(got, vec![(2023, 12), (2024, 1), (2024, 2)]);
    close(m.monthly_returns[0].ret, 0.05);
    close(m.monthly_returns[1].ret, -0.2);
    close(m.monthly_returns[2].ret, 100.0 / 84.0 - 1.0);
    assert_eq!(m.yearly_returns.len(), 2);
    close(m.yearly_returns[0].ret, 0.05);
    close(m.yearly_returns[1].ret, 100.0 / 105.0 - 1.0);
    close_opt(m.best_month, 100.0 / 84.0 - 1.0);
    close_opt(m.worst_month, -0.2);
    close_opt(m.best_year, 0.05);
    close_opt(m.worst_year, 100.0 / 105.0 - 1.0);
    close_opt(m.positive_months, 2.0 / 3.0);
    let t = m.monthly_table();
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].year, 2023);
    assert_eq!(t[0].months[..11], [None; 11]);
    close_opt(t[0].months[11], 0.05);
    close_opt(t[1].months[0], -0.2);
    assert_eq!(t[1].months[2..], [None; 10]);
    close(t[1].year_return, 100.0 / 105.0 - 1.0);
}

#[test]
fn trading_metrics_by_hand() {
    let gross = [100.0, 110.5, 99.9, 110.0, 121.0];
    let holdings = [3usize, 3, 4, 4, 5];
    let eff = [2.0, 2.5, 3.0, 3.5, 4.0];
    let turnover = [0.5, 0.3, 0.2];
    let ts = TradingStats {
        turnover: Some(&turnover),
        fees_total: Some(0.01),
        holdings: Some(&holdings),
        effective_n: Some(&eff),
        gross_equity: Some(&gross),
    };
    let m = Metrics::compute(&days("2024-01-06", 5), &EQ, None, &ts, &p4()).unwrap();
    close_opt(m.turnover_annual, 1.0); // 1.0 traded over 1 year
    close_opt(m.fees_total, 0.01);
    close_opt(m.cost_drag, 0.21 - 0.1979);
    close_opt(m.avg_holdings, 3.8);
    close_opt(m.avg_effective_n, 3.0);
    // Over 2 years (P = 2) the same turnover is 0.5 a year.
    let opts = MetricsOptions { periods_per_year: Some(2.0), ..p4() };
    let m = Metrics::compute(&days("2024-01-06", 5), &EQ, None, &ts, &opts).unwrap();
    close_opt(m.turnover_annual, 0.5);
    // Absent inputs -> None.
    let m = tiny();
    assert_eq!((m.turnover_annual, m.fees_total, m.cost_drag), (None, None, None));
    assert_eq!((m.avg_holdings, m.avg_effective_n), (None, None));
}

#[test]
fn benchmark_metrics_by_hand() {
    // Benchmark returns b = [0, .1, 0, -.1]; active = [.1, -.2, .1, .2].
    let bench = [100.0, 100.0, 110.0, 110.0, 99.0];
    let m = Metrics::compute(&days("2024-01-06", 5), &EQ, Some(&bench), &TradingStats::default(), &p4()).unwrap();
    close_opt(m.benchmark_total_return, -0.01);
    close_opt(m.benchmark_cagr, -0.01);
    // cov = -0.02/3, var(b) = 0.02/3
    close_opt(m.beta, -1.0);
    close_opt(m.alpha, (0.05 + 0.0) * 4.0);
    close_opt(m.correlation, -(2.0f64 / 3.0).sqrt());
    // std(active) = sqrt(.09 / 3)
    let sa = 0.03f64.sqrt();
    close_opt(m.tracking_error, sa * 2.0);
    close_opt(m.information_ratio, 0.05 / sa * 2.0);
    // Without a benchmark these are None.
    let m = tiny();
    assert_eq!((m.beta, m.tracking_error, m.information_ratio, m.correlation), (None, None, None, None));
}

#[test]
fn rolling_series_by_hand() {
    let r = metrics::returns(&EQ);
    let vol = metrics::rolling_volatility(&r, 2, 4.0);
    let sh = metrics::rolling_sharpe(&r, 2, 4.0, 0.0);
    assert!(vol[0].is_nan() && sh[0].is_nan());
    // [.1, -.1]: mean 0, std sqrt(.02) -> vol sqrt(.02) * 2, Sharpe 0
    close(vol[1], 0.02f64.sqrt() * 2.0);
    close(vol[2], 0.02f64.sqrt() * 2.0);
    assert!(sh[1].abs() < 1e-12 && sh[2].abs() < 1e-12);
    // [.1, .1]: std 0 -> vol 0, Sharpe undefined (NaN)
    assert!(vol[3].abs() < 1e-12);
    assert!(sh[3].is_nan());
    // Window longer than the data: all NaN.
    assert!(metrics::rolling_volatility(&r, 10, 4.0).iter().all(|v| v.is_nan()));
}

fn naive_std(x: &[f64]) -> f64 {
    let m = x.iter().sum::<f64>() / x.len() as f64;
    (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64).sqrt()
}

#[test]
fn rolling_matches_naive_on_a_long_series() {
    // Deterministic pseudo-random returns (xorshift), with a flat stretch.
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let mut r: Vec<f64> = (0..20_000)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64 * 0.2 - 0.1
        })
        .collect();
    for v in &mut r[10_000..10_100] {
        *v = 0.0;
    }
    let w = 30;
    let vol = metrics::rolling_volatility(&r, w, 365.0);
    let sh = metrics::rolling_sharpe(&r, w, 365.0, 0.01);
    let rf = metrics::rf_per_period(0.01, 365.0);
    for i in (w - 1..r.len()).step_by(7) {
        let win = &r[i + 1 - w..=i];
        let sd = naive_std(win);
        let m = win.iter().sum::<f64>() / w as f64;
        if sd == 0.0 {
            assert!(vol[i] == 0.0 && sh[i].is_nan(), "flat window at {i}: {} {}", vol[i], sh[i]);
        } else {
            assert!((vol[i] - sd * 365f64.sqrt()).abs() <= 1e-9 * vol[i], "vol at {i}");
            let want = (m - rf) / sd * 365f64.sqrt();
            assert!((sh[i] - want).abs() <= 1e-9 * want.abs().max(1.0), "sharpe at {i}: {} vs {want}", sh[i]);
        }
    }
    assert!(vol[10_099] == 0.0 && sh[10_099].is_nan());
}

#[test]
fn periods_per_year_inference() {
    // Every calendar day.
    assert_eq!(infer_periods_per_year(&days("2024-01-01", 30)), 365.0);
    // Weekdays only (with a holiday gap).
    let weekdays: Vec<Date> =
        days("2024-01-01", 60).into_iter().filter(|x| x.weekday() <= 5 && x.0 % 17 != 0).collect();
    assert_eq!(infer_periods_per_year(&weekdays), 252.0);
    // Weekly.
    let weekly: Vec<Date> = (0..20).map(|i| Date(d("2024-01-05").0 + 7 * i)).collect();
    assert_eq!(infer_periods_per_year(&weekly), 52.0);
    // Month ends.
    let monthly: Vec<Date> = (1..=12u32)
        .map(|m| {
            let (y, next) = if m == 12 { (2025, 1) } else { (2024, m + 1) };
            Date(Date::from_ymd(y, next, 1).unwrap().0 - 1)
        })
        .collect();
    assert_eq!(infer_periods_per_year(&monthly), 12.0);
    // One date: the crypto default.
    assert_eq!(infer_periods_per_year(&days("2024-01-01", 1)), 365.0);
    // The inferred value is used and reported.
    let m =
        Metrics::compute(&weekdays, &vec![100.0; weekdays.len()], None, &TradingStats::default(), &Default::default())
            .unwrap();
    assert_eq!(m.periods_per_year, 252.0);
    assert!(m.periods_inferred);
}

#[test]
fn one_observation_is_defined_without_panics() {
    let m = Metrics::compute(&days("2024-01-01", 1), &[100.0], None, &TradingStats::default(), &Default::default())
        .unwrap();
    assert_eq!(m.total_return, 0.0);
    assert_eq!(m.max_drawdown, 0.0);
    assert_eq!((m.cagr, m.volatility, m.sharpe, m.sortino, m.calmar), (None, None, None, None, None));
    assert_eq!((m.var, m.cvar, m.skew, m.kurtosis, m.best_day), (None, None, None, None, None));
    assert_eq!(m.max_drawdown_peak, None);
    assert_eq!(m.monthly_returns.len(), 1);
    assert_eq!(m.monthly_returns[0].ret, 0.0);
    let rows = m.rows();
    assert!(rows.iter().any(|r| r.key == "sharpe" && r.display == "n/a (too short to annualise)"));
}

#[test]
fn constant_equity_gives_none_not_nan() {
    let m =
        Metrics::compute(&days("2024-01-01", 40), &[100.0; 40], None, &TradingStats::default(), &Default::default())
            .unwrap();
    assert_eq!(m.total_return, 0.0);
    close_opt(m.cagr, 0.0);
    close_opt(m.volatility, 0.0);
    assert_eq!((m.sharpe, m.sortino, m.calmar, m.skew, m.kurtosis), (None, None, None, None, None));
    assert_eq!((m.var, m.cvar), (Some(0.0), Some(0.0)));
    assert_eq!(m.max_drawdown, 0.0);
    assert_eq!(m.longest_drawdown_days, 0);
    assert_eq!(m.positive_months, Some(0.0));
    // Constant growth: the std is floating-point noise, so Sharpe is undefined too.
    let grow: Vec<f64> = (0..40).map(|i| 100.0 * 1.001f64.powi(i)).collect();
    let m =
        Metrics::compute(&days("2024-01-01", 40), &grow, None, &TradingStats::default(), &Default::default()).unwrap();
    assert_eq!(m.sharpe, None);
    assert!(m.cagr.unwrap() > 0.0);
    // Nothing is NaN in the JSON of either.
    let json = serde_json::to_string(&m).unwrap();
    assert!(!json.contains("NaN"));
    for row in m.rows() {
        if let MetricValue::Number(v) = row.value {
            assert!(v.is_finite(), "{} is {v}", row.key);
        }
    }
}

#[test]
fn invalid_inputs_are_errors() {
    let ts = TradingStats::default();
    let o = MetricsOptions::default();
    let dates = days("2024-01-01", 3);
    assert_eq!(Metrics::compute(&[], &[], None, &ts, &o), Err(MetricsError::Empty));
    assert!(matches!(
        Metrics::compute(&dates, &[1.0, 2.0], None, &ts, &o),
        Err(MetricsError::LengthMismatch { what: "equity", expected: 3, got: 2 })
    ));
    assert_eq!(
        Metrics::compute(&dates, &[1.0, -2.0, 3.0], None, &ts, &o),
        Err(MetricsError::NotPositive { what: "equity", index: 1 })
    );
    assert_eq!(
        Metrics::compute(&dates, &[1.0, 2.0, f64::NAN], None, &ts, &o),
        Err(MetricsError::NotPositive { what: "equity", index: 2 })
    );
    let unsorted = [dates[0], dates[2], dates[1]];
    assert_eq!(
        Metrics::compute(&unsorted, &[1.0, 2.0, 3.0], None, &ts, &o),
        Err(MetricsError::DatesNotIncreasing { index: 2 })
    );
    assert!(matches!(
        Metrics::compute(&dates, &[1.0, 2.0, 3.0], Some(&[1.0, 2.0]), &ts, &o),
        Err(MetricsError::LengthMismatch { what: "benchmark", .. })
    ));
    let bad = MetricsOptions { var_level: 1.5, ..o };
    assert!(matches!(Metrics::compute(&dates, &[1.0, 2.0, 3.0], None, &ts, &bad), Err(MetricsError::InvalidOption(_))));
    let h = [1usize, 2];
    let ts2 = TradingStats { holdings: Some(&h), ..ts };
    assert!(matches!(
        Metrics::compute(&dates, &[1.0, 2.0, 3.0], None, &ts2, &o),
        Err(MetricsError::LengthMismatch { what: "holdings", .. })
    ));
}

#[test]
fn rows_share_labels_formats_and_tooltips() {
    // Saturday to Wednesday: weekends present -> 365 inferred.
    let dates = days("2024-01-06", 5);
    let m = Metrics::compute(&dates, &EQ, None, &TradingStats::default(), &Default::default()).unwrap();
    assert_eq!(m.periods_per_year, 365.0);
    let rows = m.rows();
    // Keys are unique.
    let mut keys: Vec<&str> = rows.iter().map(|r| r.key).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), rows.len());
    // No benchmark / trading rows without their inputs.
    assert!(!rows.iter().any(|r| r.key == "beta" || r.key == "turnover_annual"));
    let sharpe = rows.iter().find(|r| r.key == "sharpe").unwrap();
    assert_eq!(sharpe.label, "Sharpe");
    assert!(sharpe.tooltip.contains("365 periods per year"), "{}", sharpe.tooltip);
    assert!(sharpe.tooltip.contains("simple daily returns"));
    assert!(sharpe.tooltip.contains("rf = 0%"));
    // Four daily returns are too few to annualise (30 are needed): n/a, and why.
    assert!(m.too_short_to_annualise);
    assert_eq!(sharpe.value, MetricValue::Missing);
    assert_eq!(sharpe.display, "n/a (too short to annualise)");
    assert!(sharpe.tooltip.starts_with("Not available: too short to annualise."), "{}", sharpe.tooltip);
    let total = rows.iter().find(|r| r.key == "total_return").unwrap();
    assert_eq!(total.display, "19.79%");
    assert!(!total.tooltip.contains("Annualised"));
    let peak = rows.iter().find(|r| r.key == "max_drawdown_peak").unwrap();
    assert_eq!(peak.display, "2024-01-07");
    let longest = rows.iter().find(|r| r.key == "longest_drawdown_days").unwrap();
    assert_eq!(longest.display, "3 days");
    let var = rows.iter().find(|r| r.key == "var").unwrap();
    assert!(var.tooltip.contains("at 95%"), "{}", var.tooltip);
    // Every descriptor is reachable and its value matches `value()`.
    for id in MetricId::ALL {
        let info = id.info();
        assert!(!info.label.is_empty() && !info.description.is_empty());
        if let Some(row) = rows.iter().find(|r| r.key == info.key) {
            assert_eq!(row.value, m.value(*id));
            assert_eq!(row.kind, info.kind);
        }
    }
    assert_eq!(MetricValue::Number(1.2345).display(FormatKind::Ratio), "1.23");
    assert_eq!(MetricValue::Missing.display(FormatKind::Percent), "n/a");
    // With a benchmark and trading inputs their rows appear; rf shows in the note.
    let bench = [100.0, 100.0, 110.0, 110.0, 99.0];
    let ts = TradingStats { fees_total: Some(0.002), ..TradingStats::default() };
    let o = MetricsOptions { risk_free_annual: 0.025, periods_per_year: Some(365.0), ..Default::default() };
    let m = Metrics::compute(&dates, &EQ, Some(&bench), &ts, &o).unwrap();
    let rows = m.rows();
    assert!(rows.iter().any(|r| r.key == "beta"));
    assert!(rows.iter().any(|r| r.key == "fees_total" && r.display == "0.20%"));
    assert!(!rows.iter().any(|r| r.key == "turnover_annual"));
    let sharpe = rows.iter().find(|r| r.key == "sharpe").unwrap();
    assert!(sharpe.tooltip.contains("rf = 2.5%") && sharpe.tooltip.contains("as configured"), "{}", sharpe.tooltip);
}

/// The hostile cases of real use: flat prices give "n/a (volatility 0)"
/// ratios, not -1.42 from rounding; one coin over two days gives no CAGR
/// (it was 1.3e17%); 30 daily returns are enough.
#[test]
fn noise_and_short_samples_are_not_numbers() {
    // Flat, with one entry fee: every later return is 0 or rounding noise.
    let mut flat = vec![100.0 / 1.001; 60];
    flat[7] *= 1.0 - 2.2e-16;
    let m =
        Metrics::compute(&days("2024-01-01", 60), &flat, None, &TradingStats::default(), &Default::default()).unwrap();
    assert_eq!((m.sharpe, m.sortino, m.calmar), (None, None, None));
    let rows = m.rows();
    let show = |k: &str| rows.iter().find(|r| r.key == k).unwrap().display.clone();
    assert_eq!(show("sharpe"), "n/a (volatility 0)");
    assert_eq!(show("sortino"), "n/a (volatility 0)");
    assert_eq!(show("calmar"), "n/a (no drawdown)");
    assert_eq!(show("volatility"), "0.00%");
    // Two days of one coin: +50% in a day.
    let m = Metrics::compute(&days("2024-01-01", 2), &[1.0, 1.5], None, &TradingStats::default(), &Default::default())
        .unwrap();
    assert_eq!((m.cagr, m.volatility), (None, None));
    assert_eq!(m.rows().iter().find(|r| r.key == "cagr").unwrap().display, "n/a (too short to annualise)");
    close(m.total_return, 0.5);
    // The threshold: 30 daily returns annualise, 29 do not; weekly needs 5, monthly 4.
    let up = |n: usize| (0..n).map(|i| 1.0 + 0.01 * (i as f64).sin().abs() + i as f64 * 0.001).collect::<Vec<_>>();
    let on = |n: usize| {
        Metrics::compute(&days("2024-01-01", n), &up(n), None, &TradingStats::default(), &Default::default())
    };
    assert!(on(31).unwrap().cagr.is_some() && on(30).unwrap().cagr.is_none());
    assert_eq!(metrics::min_returns_to_annualise(365.0), 30);
    assert_eq!(metrics::min_returns_to_annualise(52.0), 5);
    assert_eq!(metrics::min_returns_to_annualise(12.0), 4);
}

#[test]
fn metrics_round_trip_through_json() {
    let bench = [100.0, 100.0, 110.0, 110.0, 99.0];
    let m = Metrics::compute(&days("2024-01-06", 5), &EQ, Some(&bench), &TradingStats::default(), &p4()).unwrap();
    let json = serde_json::to_string(&m).unwrap();
    let back: Metrics = serde_json::from_str(&json).unwrap();
    // serde_json (without its `float_roundtrip` feature) may parse the last bit differently.
    assert_json_close(&serde_json::to_value(&back).unwrap(), &serde_json::to_value(&m).unwrap());
    assert_eq!(back.monthly_returns.len(), m.monthly_returns.len());
    assert_eq!(back.max_drawdown_recovery, m.max_drawdown_recovery);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["periods_per_year"], 4.0);
    assert!(v["turnover_annual"].is_null());
    assert!(serde_json::to_string(&m.rows()).unwrap().contains("\"key\":\"sharpe\""));
}

fn assert_json_close(a: &serde_json::Value, b: &serde_json::Value) {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= 4.0 * f64::EPSILON * y.abs(), "{x} vs {y}");
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len());
            x.iter().zip(y).for_each(|(x, y)| assert_json_close(x, y));
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(x.len(), y.len());
            for (k, v) in x {
                assert_json_close(v, &y[k]);
            }
        }
        _ => assert_eq!(a, b),
    }
}
