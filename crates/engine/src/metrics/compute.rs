//! [`Metrics::compute`]: every metric of an equity curve from the statistics
//! primitives ([`super::stats`]), after checking the input.

use super::stats::{
    cagr, drawdown_stats, excess_kurtosis, infer_periods_per_year, max_of, mean, min_of, min_returns_to_annualise,
    monthly_returns, quantile_linear, ratio_over_std, returns, rf_per_period, sample_cov, sample_std, skewness,
    yearly_returns, NOISE_DRAWDOWN,
};
use super::{degenerate_std, Metrics, MetricsError, MetricsOptions, TradingStats};
use crate::date::Date;
use serde::{Deserialize, Serialize};

/// One row (year) of the monthly returns table.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthlyTableRow {
    pub year: i32,
    /// January … December; `None` for months outside the data.
    pub months: [Option<f64>; 12],
    /// The year's return (same conventions).
    pub year_return: f64,
}

fn check_curve(what: &'static str, x: &[f64], expected: usize) -> Result<(), MetricsError> {
    if x.len() != expected {
        return Err(MetricsError::LengthMismatch { what, expected, got: x.len() });
    }
    match x.iter().position(|v| !(v.is_finite() && *v > 0.0)) {
        Some(index) => Err(MetricsError::NotPositive { what, index }),
        None => Ok(()),
    }
}

fn check_finite(what: &'static str, x: &[f64]) -> Result<(), MetricsError> {
    match x.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(MetricsError::NotFinite { what, index }),
        None => Ok(()),
    }
}

impl Metrics {
    /// Computes every metric of the equity curve `equity` on `dates`, with an
    /// optional `benchmark` equity curve on the same dates and the simulator's
    /// [`TradingStats`] (use `TradingStats::default()` when there are none).
    ///
    /// ```
    /// use engine::metrics::{Metrics, MetricsOptions, TradingStats};
    /// use engine::Date;
    ///
    /// let dates: Vec<Date> = (0..5).map(|i| Date(19_728 + i)).collect(); // 2024-01-06 ..
    /// let equity = [100.0, 110.0, 99.0, 108.9, 119.79];
    /// let opts = MetricsOptions { periods_per_year: Some(4.0), ..MetricsOptions::default() };
    /// let m = Metrics::compute(&dates, &equity, None, &TradingStats::default(), &opts).unwrap();
    /// assert!((m.cagr.unwrap() - 0.1979).abs() < 1e-12); // 4 returns = 1 year
    /// assert!((m.max_drawdown + 0.1).abs() < 1e-12);
    /// let sharpe = m.rows().into_iter().find(|r| r.key == "sharpe").unwrap();
    /// assert_eq!(sharpe.display, "1.00");
    /// ```
    pub fn compute(
        dates: &[Date],
        equity: &[f64],
        benchmark: Option<&[f64]>,
        trading: &TradingStats<'_>,
        opts: &MetricsOptions,
    ) -> Result<Metrics, MetricsError> {
        if equity.is_empty() || dates.is_empty() {
            return Err(MetricsError::Empty);
        }
        let t = dates.len();
        check_curve("equity", equity, t)?;
        if let Some(i) = (1..t).find(|&i| dates[i] <= dates[i - 1]) {
            return Err(MetricsError::DatesNotIncreasing { index: i });
        }
        if let Some(b) = benchmark {
            check_curve("benchmark", b, t)?;
        }
        if let Some(g) = trading.gross_equity {
            check_curve("gross_equity", g, t)?;
        }
        if let Some(h) = trading.holdings {
            if h.len() != t {
                return Err(MetricsError::LengthMismatch { what: "holdings", expected: t, got: h.len() });
            }
        }
        if let Some(n) = trading.effective_n {
            if n.len() != t {
                return Err(MetricsError::LengthMismatch { what: "effective_n", expected: t, got: n.len() });
            }
            check_finite("effective_n", n)?;
        }
        if let Some(tu) = trading.turnover {
            check_finite("turnover", tu)?;
        }
        if let Some(f) = trading.fees_total {
            check_finite("fees_total", &[f])?;
        }
        if !(opts.var_level > 0.0 && opts.var_level < 1.0) {
            return Err(MetricsError::InvalidOption("var_level must be in (0, 1)"));
        }
        if !(opts.risk_free_annual.is_finite() && opts.risk_free_annual > -1.0) {
            return Err(MetricsError::InvalidOption("risk_free_annual must be finite and > -1"));
        }
        if let Some(p) = opts.periods_per_year {
            if !(p.is_finite() && p > 0.0) {
                return Err(MetricsError::InvalidOption("periods_per_year must be finite and positive"));
            }
        }

        let periods = opts.periods_per_year.unwrap_or_else(|| infer_periods_per_year(dates));
        let ann = periods.sqrt();
        let rf_p = rf_per_period(opts.risk_free_annual, periods);
        let r = returns(equity);
        let n = r.len();
        let (e0, e_end) = (equity[0], equity[t - 1]);

        let mean_r = mean(&r);
        let std_r = sample_std(&r);
        let short = n < min_returns_to_annualise(periods);
        // Annualised figures need enough returns (see `min_returns_to_annualise`).
        let cagr = |a: f64, b: f64, n: usize, p: f64| if short { None } else { cagr(a, b, n, p) };
        let ann_of = |v: Option<f64>| if short { None } else { v };
        let cagr_v = cagr(e0, e_end, n, periods);
        let volatility = ann_of(std_r.map(|s| s * ann));
        let sharpe = ann_of(match (mean_r, std_r) {
            (Some(m), Some(s)) => ratio_over_std(m - rf_p, s, m).map(|v| v * ann),
            _ => None,
        });
        let sortino = ann_of(mean_r.and_then(|m| {
            let excess_mean = m - rf_p;
            let dd2: f64 = r.iter().map(|v| (v - rf_p).min(0.0).powi(2)).sum();
            let downside = (dd2 / n as f64).sqrt();
            ratio_over_std(excess_mean, downside, m).map(|v| v * ann)
        }));

        let dd = drawdown_stats(dates, equity);
        let calmar =
            cagr_v.and_then(|c| if dd.max_drawdown < -NOISE_DRAWDOWN { Some(c / dd.max_drawdown.abs()) } else { None });

        let var = quantile_linear(&r, 1.0 - opts.var_level);
        let cvar = var.and_then(|v| {
            let tail: Vec<f64> = r.iter().copied().filter(|x| *x <= v).collect();
            mean(&tail)
        });

        let monthly = monthly_returns(dates, equity);
        let yearly = yearly_returns(dates, equity);
        let positive_months = if monthly.is_empty() {
            None
        } else {
            Some(monthly.iter().filter(|m| m.ret > 0.0).count() as f64 / monthly.len() as f64)
        };

        let turnover_annual = trading.turnover.and_then(|tu| {
            if n == 0 || short {
                None
            } else {
                Some(tu.iter().sum::<f64>() / (n as f64 / periods))
            }
        });
        let cost_drag = trading.gross_equity.and_then(|g| Some(cagr(g[0], g[t - 1], n, periods)? - cagr_v?));
        let avg_holdings = trading.holdings.map(|h| h.iter().map(|&v| v as f64).sum::<f64>() / t as f64);
        let avg_effective_n = trading.effective_n.and_then(mean);

        let mut m = Metrics {
            start: dates[0],
            end: dates[t - 1],
            observations: t,
            too_short_to_annualise: short,
            periods_per_year: periods,
            periods_inferred: opts.periods_per_year.is_none(),
            risk_free_annual: opts.risk_free_annual,
            var_level: opts.var_level,
            total_return: e_end / e0 - 1.0,
            cagr: cagr_v,
            volatility,
            sharpe,
            sortino,
            calmar,
            max_drawdown: dd.max_drawdown,
            max_drawdown_peak: dd.peak.map(|i| dates[i]),
            max_drawdown_trough: dd.trough.map(|i| dates[i]),
            max_drawdown_recovery: dd.recovery.map(|i| dates[i]),
            longest_drawdown_days: dd.longest_drawdown_days,
            longest_recovery_days: dd.longest_recovery_days,
            var,
            cvar,
            skew: skewness(&r),
            kurtosis: excess_kurtosis(&r),
            best_day: max_of(r.iter().copied()),
            worst_day: min_of(r.iter().copied()),
            best_month: max_of(monthly.iter().map(|m| m.ret)),
            worst_month: min_of(monthly.iter().map(|m| m.ret)),
            best_year: max_of(yearly.iter().map(|y| y.ret)),
            worst_year: min_of(yearly.iter().map(|y| y.ret)),
            positive_months,
            monthly_returns: monthly,
            yearly_returns: yearly,
            turnover_annual,
            fees_total: trading.fees_total,
            cost_drag,
            avg_holdings,
            avg_effective_n,
            benchmark_total_return: None,
            benchmark_cagr: None,
            tracking_error: None,
            information_ratio: None,
            beta: None,
            alpha: None,
            correlation: None,
        };

        if let Some(b) = benchmark {
            let rb = returns(b);
            let active: Vec<f64> = r.iter().zip(&rb).map(|(x, y)| x - y).collect();
            m.benchmark_total_return = Some(b[t - 1] / b[0] - 1.0);
            m.benchmark_cagr = cagr(b[0], b[t - 1], n, periods);
            let (ma, sa) = (mean(&active), sample_std(&active));
            m.tracking_error = ann_of(sa.map(|s| s * ann));
            m.information_ratio = ann_of(match (ma, sa) {
                (Some(a), Some(s)) => ratio_over_std(a, s, a).map(|v| v * ann),
                _ => None,
            });
            let (mb, sb) = (mean(&rb), sample_std(&rb));
            let cov = sample_cov(&r, &rb);
            if let (Some(cov), Some(mb), Some(sb)) = (cov, mb, sb) {
                if !degenerate_std(sb, mb) {
                    let beta = cov / (sb * sb);
                    m.beta = Some(beta);
                    m.alpha = ann_of(mean_r.map(|mr| (mr - beta * mb) * periods));
                    if let (Some(sr), Some(mr)) = (std_r, mean_r) {
                        if !degenerate_std(sr, mr) {
                            m.correlation = Some(cov / (sr * sb));
                        }
                    }
                }
            }
        }
        m.drop_non_finite();
        Ok(m)
    }

    /// The monthly returns as a year × month table with the yearly return.
    pub fn monthly_table(&self) -> Vec<MonthlyTableRow> {
        self.yearly_returns
            .iter()
            .map(|y| {
                let mut months = [None; 12];
                for m in self.monthly_returns.iter().filter(|m| m.year == y.year) {
                    months[m.month as usize - 1] = Some(m.ret);
                }
                MonthlyTableRow { year: y.year, months, year_return: y.ret }
            })
            .collect()
    }
}
