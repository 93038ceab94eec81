//! Charts in words: each chart's text alternative (its key numbers, read by
//! screen readers in place of the picture) and the values at one day (what
//! the crosshair shows, announced when it moves by keyboard).

use crate::compute::{ChartData, ChartKind, Line};

pub(crate) fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1}%", x * 100.0)
    } else {
        "n/a".into()
    }
}

pub(crate) fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.2}")
    } else {
        "n/a".into()
    }
}

/// Picks one series of a strategy's line.
type Pick = fn(&Line) -> &Vec<f64>;
/// Writes one value.
type Fmt = fn(f64) -> String;

/// The series a line chart of `kind` draws, and how its values are written.
fn series(kind: ChartKind) -> Option<(Pick, Fmt)> {
    match kind {
        ChartKind::Growth => Some((|l| &l.equity, num)),
        ChartKind::Drawdown => Some((|l| &l.drawdown, pct)),
        ChartKind::RollingVolatility => Some((|l| &l.rolling_vol, pct)),
        ChartKind::RollingSharpe => Some((|l| &l.rolling_sharpe, num)),
        _ => None,
    }
}

/// The largest holdings of the focused strategy on `day`, largest first.
fn top_holdings(d: &ChartData, day: usize, n: usize) -> String {
    let Some(w) = d.weights.get(day) else { return "no holdings".into() };
    let mut w: Vec<(usize, f64)> = w.iter().copied().filter(|(_, x)| x.is_finite() && *x > 0.0).collect();
    engine::sort::sort_by(&mut w, |a, b| b.1.total_cmp(&a.1));
    if w.is_empty() {
        return "all in cash".into();
    }
    let mut parts: Vec<String> = w
        .iter()
        .take(n)
        .map(|(a, x)| format!("{} {}", d.asset_names.get(*a).map_or("?", String::as_str), pct(*x)))
        .collect();
    if w.len() > n {
        parts.push(format!("{} more", w.len() - n));
    }
    parts.join(", ")
}

impl ChartData {
    /// The chart's text alternative: what a reader should take from it.
    pub fn describe(&self, kind: ChartKind) -> String {
        let (Some(first), Some(last)) = (self.dates.first(), self.dates.last()) else {
            return "No data to chart.".into();
        };
        let each = |f: &dyn Fn(&Line) -> String| {
            self.lines.iter().map(|l| format!("{} {}", l.name, f(l))).collect::<Vec<_>>().join("; ")
        };
        let max_of = |v: &[f64]| v.iter().copied().filter(|x| x.is_finite()).fold(f64::NAN, f64::max);
        let min_of = |v: &[f64]| v.iter().copied().filter(|x| x.is_finite()).fold(f64::NAN, f64::min);
        match kind {
            ChartKind::Growth => format!(
                "Growth of 1 from {first} to {last}. Final value: {}.",
                each(&|l| num(l.equity.last().copied().unwrap_or(f64::NAN)))
            ),
            ChartKind::Drawdown => {
                format!(
                    "Drawdown from the previous high, {first} to {last}. Worst: {}.",
                    each(&|l| pct(min_of(&l.drawdown)))
                )
            }
            ChartKind::RollingVolatility => format!(
                "Rolling {}-day volatility, annualised. Latest: {}. Highest: {}.",
                self.rolling_window,
                each(&|l| pct(l.rolling_vol.last().copied().unwrap_or(f64::NAN))),
                each(&|l| pct(max_of(&l.rolling_vol)))
            ),
            ChartKind::RollingSharpe => format!(
                "Rolling {}-day Sharpe ratio (rf = 0%). Latest: {}.",
                self.rolling_window,
                each(&|l| num(l.rolling_sharpe.last().copied().unwrap_or(f64::NAN)))
            ),
            ChartKind::Weights => format!(
                "Weights of {} over time. On {last}: {}.",
                self.focus_name,
                top_holdings(self, self.dates.len() - 1, 5)
            ),
            ChartKind::Monthly => {
                let years: Vec<String> =
                    self.monthly.iter().map(|(y, _, r)| format!("{y} {}", r.map_or("n/a".into(), pct))).collect();
                format!("Monthly returns of {}. By year: {}.", self.focus_name, years.join(", "))
            }
            ChartKind::Turnover => format!(
                "Turnover per rebalance (two-sided). {}.",
                each(&|l| {
                    let total: f64 = l.turnover.iter().map(|x| x.1).sum();
                    format!("{} rebalances, {} traded in all", l.turnover.len(), pct(total))
                })
            ),
        }
    }

    /// The values on `day`, as the crosshair shows them.
    pub fn describe_day(&self, kind: ChartKind, day: usize) -> String {
        let Some(date) = self.dates.get(day) else { return String::new() };
        if let Some((pick, fmt)) = series(kind) {
            let values: Vec<String> = self
                .lines
                .iter()
                .map(|l| format!("{} {}", l.name, fmt(pick(l).get(day).copied().unwrap_or(f64::NAN))))
                .collect();
            return format!("{date}: {}", values.join("; "));
        }
        match kind {
            ChartKind::Weights => format!("{date}: {}", top_holdings(self, day, 5)),
            ChartKind::Turnover => {
                let values: Vec<String> = self
                    .lines
                    .iter()
                    .filter_map(|l| l.turnover.iter().find(|x| x.0 == day).map(|x| format!("{} {}", l.name, pct(x.1))))
                    .collect();
                if values.is_empty() {
                    format!("{date}: no rebalance")
                } else {
                    format!("{date}: {}", values.join("; "))
                }
            }
            _ => String::new(),
        }
    }
}
