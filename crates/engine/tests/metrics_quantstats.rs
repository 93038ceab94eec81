//! Equality with QuantStats on a fixed 2.5-year daily equity curve.
//!
//! `data/metrics/equity.csv` and the constants below were produced by
//! `data/metrics/quantstats_reference.py` (QuantStats 0.0.86, pandas 3.1.1,
//! numpy 2.4.6, `periods=365`); see that script for exactly what each constant
//! is. These tests need no Python.

use engine::metrics::{self, Metrics, MetricsOptions, TradingStats};
use engine::Date;

const CAGR: f64 = 0.7141256383213552;
const VOLATILITY: f64 = 0.6134030250102099;
const SHARPE: f64 = 1.177305643508026;
const SHARPE_RF2: f64 = 1.145021543687697;
const SORTINO: f64 = 1.890213823525923;
const SORTINO_RF2: f64 = 1.83582087058203;
const MAX_DRAWDOWN: f64 = -0.6994047533629937;
const CALMAR: f64 = 1.0210477336443284;
const VAR_HIST: f64 = -0.042967163695139546;
const CVAR_HIST: f64 = -0.06389450796037842;
const SKEW: f64 = 1.5478306423800616;
const KURTOSIS: f64 = 16.215025028474223;
const BEST_DAY: f64 = 0.33424275255398683;
const WORST_DAY: f64 = -0.1413865531279146;
const BEST_MONTH: f64 = 0.7507473945250225;
const WORST_MONTH: f64 = -0.4082822118101196;
const BEST_YEAR: f64 = 4.794637421930342;
const WORST_YEAR: f64 = -0.5985369118522441;
const POSITIVE_MONTHS: f64 = 0.6333333333333333;
const INFORMATION_RATIO: f64 = 1.412159772112663;
const TRACKING_ERROR: f64 = 0.21204837278404134;
const BETA: f64 = 1.1836404609172626;
const ALPHA: f64 = 0.2218182992686964;
const CORRELATION: f64 = 0.9498497579529408;
const MONTHLY: &[(i32, u32, f64)] = &[
    (2021, 1, 0.026991283891961704),
    (2021, 2, -0.12748945351749674),
    (2021, 3, -0.13179199775517192),
    (2021, 4, 0.10829520226289846),
    (2021, 5, 0.26455980725655026),
    (2021, 6, 0.6939342578728411),
    (2021, 7, 0.2985273575623033),
    (2021, 8, 0.007676929486596373),
    (2021, 9, 0.7507473945250225),
    (2021, 10, -0.06963623506721883),
    (2021, 11, 0.21215891105210383),
    (2021, 12, 0.2144102014141045),
    (2022, 1, 0.11922119976722123),
    (2022, 2, 0.14557461780227632),
    (2022, 3, -0.12694925553475933),
    (2022, 4, -0.40281233081386336),
    (2022, 5, -0.1072443781127348),
    (2022, 6, -0.12454241982623826),
    (2022, 7, -0.040524748355036055),
    (2022, 8, -0.024602681965941064),
    (2022, 9, 0.1766910300418969),
    (2022, 10, 0.15884742841766375),
    (2022, 11, 0.017582494191119347),
    (2022, 12, -0.4082822118101196),
    (2023, 1, 0.13686272242435438),
    (2023, 2, 0.2885836191307898),
    (2023, 3, 0.07076846867779274),
    (2023, 4, -0.2573064979291926),
    (2023, 5, 0.2893181816803352),
    (2023, 6, 0.09684628770353854),
];
const YEARLY: &[(i32, f64)] = &[(2021, 4.794637421930342), (2022, -0.5985369118522441), (2023, 0.6475238385598077)];
const ROLLING_30: &[(usize, f64, f64)] = &[
    (29, 0.39565243396325345, 1.0117942787006802),
    (30, 0.3958283909135044, 1.0196908692961781),
    (100, 0.44747778374034874, 1.1715367022376157),
    (450, 0.607183187002562, -2.277704338737183),
    (480, 0.5255075056804527, -9.921193367944275),
    (909, 0.5991627347637154, 2.1693620549146115),
];

struct Fixture {
    dates: Vec<Date>,
    equity: Vec<f64>,
    benchmark: Vec<f64>,
}

fn fixture() -> Fixture {
    let text = include_str!("data/metrics/equity.csv");
    let mut f = Fixture { dates: vec![], equity: vec![], benchmark: vec![] };
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        f.dates.push(Date::parse_iso(cols[0]).unwrap());
        f.equity.push(cols[1].parse().unwrap());
        f.benchmark.push(cols[2].parse().unwrap());
    }
    f
}

/// Equal to 12 significant digits.
#[track_caller]
fn assert_sig12(name: &str, got: f64, want: f64) {
    let err = (got - want).abs();
    assert!(err <= 1e-12 * want.abs(), "{name}: got {got:e}, QuantStats {want:e}, rel err {:e}", err / want.abs());
}

fn compute(f: &Fixture, rf: f64) -> Metrics {
    let opts = MetricsOptions { risk_free_annual: rf, ..MetricsOptions::default() };
    Metrics::compute(&f.dates, &f.equity, Some(&f.benchmark), &TradingStats::default(), &opts).unwrap()
}

#[test]
fn fixture_is_daily_crypto_calendar() {
    let f = fixture();
    assert_eq!(f.dates.len(), 911);
    assert_eq!(f.dates[0], Date::from_ymd(2021, 1, 1).unwrap());
    assert_eq!(*f.dates.last().unwrap(), Date::from_ymd(2023, 6, 30).unwrap());
    let m = compute(&f, 0.0);
    assert_eq!(m.periods_per_year, 365.0);
    assert!(m.periods_inferred);
}

#[test]
fn core_metrics_equal_quantstats_to_12_digits() {
    let f = fixture();
    let m = compute(&f, 0.0);
    assert_sig12("cagr", m.cagr.unwrap(), CAGR);
    assert_sig12("volatility", m.volatility.unwrap(), VOLATILITY);
    assert_sig12("sharpe", m.sharpe.unwrap(), SHARPE);
    assert_sig12("max_drawdown", m.max_drawdown, MAX_DRAWDOWN);
    assert_sig12("calmar", m.calmar.unwrap(), CALMAR);
    assert_sig12("sortino", m.sortino.unwrap(), SORTINO);
}

#[test]
fn risk_free_rate_matches_quantstats_deannualisation() {
    let f = fixture();
    let m = compute(&f, 0.02);
    assert_sig12("sharpe rf=2%", m.sharpe.unwrap(), SHARPE_RF2);
    assert_sig12("sortino rf=2%", m.sortino.unwrap(), SORTINO_RF2);
    // CAGR does not subtract rf (QuantStats neither).
    assert_sig12("cagr rf=2%", m.cagr.unwrap(), CAGR);
}

#[test]
fn distribution_metrics_equal_quantstats() {
    let f = fixture();
    let m = compute(&f, 0.0);
    assert_sig12("var", m.var.unwrap(), VAR_HIST);
    assert_sig12("cvar", m.cvar.unwrap(), CVAR_HIST);
    assert_sig12("skew", m.skew.unwrap(), SKEW);
    assert_sig12("kurtosis", m.kurtosis.unwrap(), KURTOSIS);
    assert_sig12("best_day", m.best_day.unwrap(), BEST_DAY);
    assert_sig12("worst_day", m.worst_day.unwrap(), WORST_DAY);
}

#[test]
fn calendar_returns_equal_quantstats() {
    let f = fixture();
    let m = compute(&f, 0.0);
    assert_eq!(m.monthly_returns.len(), MONTHLY.len());
    for (got, &(y, mo, want)) in m.monthly_returns.iter().zip(MONTHLY) {
        assert_eq!((got.year, got.month), (y, mo));
        assert_sig12(&format!("month {y}-{mo}"), got.ret, want);
    }
    assert_eq!(m.yearly_returns.len(), YEARLY.len());
    for (got, &(y, want)) in m.yearly_returns.iter().zip(YEARLY) {
        assert_eq!(got.year, y);
        assert_sig12(&format!("year {y}"), got.ret, want);
    }
    assert_sig12("best_month", m.best_month.unwrap(), BEST_MONTH);
    assert_sig12("worst_month", m.worst_month.unwrap(), WORST_MONTH);
    assert_sig12("best_year", m.best_year.unwrap(), BEST_YEAR);
    assert_sig12("worst_year", m.worst_year.unwrap(), WORST_YEAR);
    assert_sig12("positive_months", m.positive_months.unwrap(), POSITIVE_MONTHS);
    let table = m.monthly_table();
    assert_eq!(table.len(), 3);
    assert_eq!(table[2].months[6], None); // July 2023 is after the data
    assert_sig12("table 2022-12", table[1].months[11].unwrap(), WORST_MONTH);
}

#[test]
fn benchmark_metrics_equal_quantstats() {
    let f = fixture();
    let m = compute(&f, 0.0);
    assert_sig12("information_ratio", m.information_ratio.unwrap(), INFORMATION_RATIO);
    assert_sig12("tracking_error", m.tracking_error.unwrap(), TRACKING_ERROR);
    assert_sig12("beta", m.beta.unwrap(), BETA);
    assert_sig12("alpha", m.alpha.unwrap(), ALPHA);
    assert_sig12("correlation", m.correlation.unwrap(), CORRELATION);
}

#[test]
fn drawdown_dates_match_pandas() {
    let f = fixture();
    let m = compute(&f, 0.0);
    // From the reference script (pandas cummax): peak 2022-03-09, trough 2023-01-01, not recovered.
    assert_eq!(m.max_drawdown_peak, Date::parse_iso("2022-03-09"));
    assert_eq!(m.max_drawdown_trough, Date::parse_iso("2023-01-01"));
    assert_eq!(m.max_drawdown_recovery, None);
    // Still under water at the end: the longest drawdown is at least peak -> last date.
    let open = (f.dates.last().unwrap().0 - Date::parse_iso("2022-03-09").unwrap().0) as i64;
    assert!(m.longest_drawdown_days >= open);
}

#[test]
fn rolling_series_match_pandas_rolling() {
    let f = fixture();
    let r = metrics::returns(&f.equity);
    let vol = metrics::rolling_volatility(&r, 30, 365.0);
    let sharpe = metrics::rolling_sharpe(&r, 30, 365.0, 0.0);
    assert!(vol[..29].iter().all(|v| v.is_nan()));
    assert!(sharpe[..29].iter().all(|v| v.is_nan()));
    for &(i, v, s) in ROLLING_30 {
        // pandas' rolling std uses its own online algorithm; agree to 1e-10 relative.
        assert!((vol[i] - v).abs() <= 1e-10 * v.abs(), "vol[{i}] {} vs {v}", vol[i]);
        assert!((sharpe[i] - s).abs() <= 1e-10 * s.abs(), "sharpe[{i}] {} vs {s}", sharpe[i]);
    }
}
