//! Property tests: internal consistency of the metrics on random curves.

use engine::metrics::{self, Metrics, MetricsOptions, TradingStats};
use engine::Date;
use proptest::prelude::*;

fn curve(rets: &[f64]) -> Vec<f64> {
    let mut e = vec![100.0];
    for r in rets {
        let last = *e.last().unwrap();
        e.push(last * (1.0 + r));
    }
    e
}

proptest! {
    #[test]
    fn metrics_are_consistent(rets in prop::collection::vec(-0.3f64..0.3, 1..300), start in 18_000i32..20_000) {
        let eq = curve(&rets);
        let dates: Vec<Date> = (0..eq.len() as i32).map(|i| Date(start + i)).collect();
        let opts = MetricsOptions { periods_per_year: Some(365.0), ..Default::default() };
        let m = Metrics::compute(&dates, &eq, None, &TradingStats::default(), &opts).unwrap();

        // Max drawdown is the minimum of the drawdown series, and the deepest period's depth.
        let dd = metrics::drawdown_series(&eq);
        let min_dd = dd.iter().copied().fold(0.0f64, f64::min);
        prop_assert_eq!(m.max_drawdown, min_dd);
        let periods = metrics::drawdown_periods(&dates, &eq);
        for w in periods.windows(2) {
            prop_assert!(w[0].recovery.unwrap() <= w[1].peak);
        }
        for p in &periods {
            prop_assert!(p.peak < p.trough && p.depth < 0.0);
            let end = p.recovery.unwrap_or(eq.len() - 1);
            let lowest = dd[p.peak..=end].iter().copied().fold(0.0f64, f64::min);
            prop_assert!((lowest - p.depth).abs() <= 1e-12);
            prop_assert!(p.days >= 1 && p.days as usize <= eq.len());
        }
        prop_assert!(m.longest_drawdown_days >= 0);

        // CAGR compounds back to the total return over (T-1)/P years (when 1 + CAGR is not
        // rounded to ~0, as it is for a large loss over a few days).
        // Fewer than 30 daily returns are too short to annualise: no CAGR.
        prop_assert_eq!(m.cagr.is_none(), rets.len() < 30);
        let years = rets.len() as f64 / 365.0;
        let growth = 1.0 + m.cagr.unwrap_or(0.0);
        if m.cagr.is_some() && growth > 1e-6 {
            let back = growth.powf(years) - 1.0;
            prop_assert!((back - m.total_return).abs() <= 1e-9 * (1.0 + m.total_return.abs()));
        }

        // Sharpe = mean * P / volatility (rf = 0) whenever defined.
        if let (Some(s), Some(v)) = (m.sharpe, m.volatility) {
            let mean = rets.iter().sum::<f64>() / rets.len() as f64;
            prop_assert!((s - mean * 365.0 / v).abs() <= 1e-9 * s.abs().max(1.0));
        }

        // VaR lies within the returns and CVaR is at least as bad.
        let r = metrics::returns(&eq);
        let (lo, hi) = r.iter().fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
        let var = m.var.unwrap();
        prop_assert!(lo <= var && var <= hi);
        prop_assert!(m.cvar.unwrap() <= var);

        // Monthly returns compound to the total return; yearly too.
        let from_months = m.monthly_returns.iter().fold(1.0, |a, x| a * (1.0 + x.ret)) - 1.0;
        let from_years = m.yearly_returns.iter().fold(1.0, |a, x| a * (1.0 + x.ret)) - 1.0;
        prop_assert!((from_months - m.total_return).abs() <= 1e-9 * (1.0 + m.total_return.abs()));
        prop_assert!((from_years - m.total_return).abs() <= 1e-9 * (1.0 + m.total_return.abs()));

        // No NaN anywhere in the rows.
        for row in m.rows() {
            if let metrics::MetricValue::Number(v) = row.value {
                prop_assert!(v.is_finite(), "{} = {}", row.key, v);
            }
        }
    }
}
