//! The metrics table: one list of every metric ([`metrics_table!`] below)
//! generates the [`Metrics`] struct, [`MetricId`] with its descriptors, and
//! [`Metrics::value`]; the rest of the file is how the values are shown
//! (formats, rows of the UI table and the CLI, tooltips, plausibility).

use super::stats::{MonthlyReturn, YearlyReturn, NOISE_DRAWDOWN, NOISE_STD};
use crate::date::Date;
use serde::{Deserialize, Serialize};

/// A field of [`Metrics`] that holds a metric: how it reads as a
/// [`MetricValue`], and whether a value that is not finite is dropped.
trait MetricField {
    fn metric_value(&self) -> MetricValue;
    /// Makes a value that is not finite `None` (see "Edge cases" in the
    /// module docs): an overflowed figure is as undefined as a missing one.
    /// Only optional numbers can be undefined.
    fn drop_non_finite(&mut self) {}
}

impl MetricField for f64 {
    fn metric_value(&self) -> MetricValue {
        MetricValue::Number(*self)
    }
}

impl MetricField for i64 {
    fn metric_value(&self) -> MetricValue {
        MetricValue::Number(*self as f64)
    }
}

impl MetricField for Date {
    fn metric_value(&self) -> MetricValue {
        MetricValue::Date(*self)
    }
}

impl MetricField for Option<f64> {
    fn metric_value(&self) -> MetricValue {
        self.map_or(MetricValue::Missing, MetricValue::Number)
    }

    fn drop_non_finite(&mut self) {
        if self.is_some_and(|x| !x.is_finite()) {
            *self = None;
        }
    }
}

impl MetricField for Option<i64> {
    fn metric_value(&self) -> MetricValue {
        self.map_or(MetricValue::Missing, |d| MetricValue::Number(d as f64))
    }
}

impl MetricField for Option<Date> {
    fn metric_value(&self) -> MetricValue {
        self.map_or(MetricValue::Missing, MetricValue::Date)
    }
}

/// Reads the list of metrics (below) and writes what follows from it: the
/// [`Metrics`] struct (its fields in the list's order, the serialised order),
/// [`MetricId`] (the metrics in display order), [`MetricId::ALL`],
/// [`MetricId::info`], [`Metrics::value`] and `Metrics::drop_non_finite`.
///
/// An entry is either a metric, `Id => field: Type, (label, format, group,
/// annualised, description),` (its key is the field's name), or a field of
/// `Metrics` that is no metric, `pub field: Type,`; both may carry doc
/// comments and attributes.
macro_rules! metrics_table {
    // Every entry read: write the struct, the ids and the code they share.
    (@read [$($fields:tt)*] [$($id:ident $field:ident ($label:literal, $kind:ident, $group:ident, $ann:literal, $desc:literal))*]) => {
        /// All metrics of an equity curve. Fields follow the module conventions;
        /// `None` means undefined for this input (see "Edge cases").
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        pub struct Metrics {
            $($fields)*
        }

        /// Identifier of each metric in the table, in display order.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum MetricId { $($id,)* }

        impl MetricId {
            /// Every metric, in display order.
            pub const ALL: &'static [MetricId] = &[$(MetricId::$id,)*];

            /// The metric's descriptor.
            pub fn info(self) -> MetricInfo {
                match self {
                    $(MetricId::$id => MetricInfo {
                        key: stringify!($field),
                        label: $label,
                        description: $desc,
                        kind: FormatKind::$kind,
                        group: MetricGroup::$group,
                        annualised: $ann,
                    },)*
                }
            }
        }

        impl Metrics {
            /// The value of one metric.
            pub fn value(&self, id: MetricId) -> MetricValue {
                match id {
                    $(MetricId::$id => self.$field.metric_value(),)*
                }
            }

            /// Makes every optional value that is not finite `None` (see
            /// "Edge cases" in the module docs).
            pub(super) fn drop_non_finite(&mut self) {
                $(self.$field.drop_non_finite();)*
            }
        }
    };
    // A field of `Metrics` that is no metric.
    (@read [$($fields:tt)*] [$($metrics:tt)*] $(#[$attr:meta])* pub $field:ident: $ty:ty, $($rest:tt)*) => {
        metrics_table!(@read [$($fields)* $(#[$attr])* pub $field: $ty,] [$($metrics)*] $($rest)*);
    };
    // A metric: its field of `Metrics`, its id and its descriptor.
    (@read [$($fields:tt)*] [$($metrics:tt)*] $(#[$attr:meta])* $id:ident => $field:ident: $ty:ty, $info:tt, $($rest:tt)*) => {
        metrics_table!(@read [$($fields)* $(#[$attr])* pub $field: $ty,] [$($metrics)* $id $field $info] $($rest)*);
    };
    ($($entries:tt)*) => {
        metrics_table!(@read [] [] $($entries)*);
    };
}

// Adding a metric: an entry here, then its value in `Metrics::compute`
// (`compute.rs`; the compiler asks for the new field there).
metrics_table! {
    Start => start: Date, ("Start", Date, Period, false, "First date of the equity curve."),
    End => end: Date, ("End", Date, Period, false, "Last date of the equity curve."),
    /// Number of equity observations `T`.
    pub observations: usize,
    /// Fewer returns than [`min_returns_to_annualise`](super::min_returns_to_annualise):
    /// every annualised figure is `None` ("n/a (too short to annualise)").
    #[serde(default)]
    pub too_short_to_annualise: bool,
    /// Periods per year `P` used for every annualised figure.
    PeriodsPerYear => periods_per_year: f64, ("Periods per year", Number, Period, true,
        "Periods per year P used to annualise: 365 when every calendar day is present, 252 for weekday-only data, 52 weekly, 12 monthly."),
    /// Whether `P` was inferred from the dates (rather than given).
    pub periods_inferred: bool,
    pub risk_free_annual: f64,
    pub var_level: f64,

    TotalReturn => total_return: f64, ("Total return", Percent, Returns, false, "E_end / E_0 - 1."),
    Cagr => cagr: Option<f64>, ("CAGR", Percent, Returns, true,
        "Compound annual growth rate (E_end / E_0)^(1/years) - 1 with years = number of returns / P."),
    Volatility => volatility: Option<f64>, ("Volatility (ann.)", Percent, Risk, true,
        "Sample standard deviation of returns (ddof = 1) x sqrt(P)."),
    Sharpe => sharpe: Option<f64>, ("Sharpe", Ratio, Risk, true,
        "mean(r - rf_p) / std(r, ddof = 1) x sqrt(P), rf_p = (1 + rf)^(1/P) - 1."),
    Sortino => sortino: Option<f64>, ("Sortino", Ratio, Risk, true,
        "mean(r - rf_p) / downside deviation x sqrt(P); downside deviation = sqrt(sum(min(r - rf_p, 0)^2) / n) over all periods (QuantStats)."),
    Calmar => calmar: Option<f64>, ("Calmar", Ratio, Risk, true, "CAGR / |max drawdown|."),

    /// Max drawdown as a negative fraction (0 when there is none).
    MaxDrawdown => max_drawdown: f64, ("Max drawdown", Percent, Drawdown, false,
        "Largest fall from a running peak (including the first value): min(E_t / max(E_s, s <= t) - 1)."),
    MaxDrawdownPeak => max_drawdown_peak: Option<Date>, ("Max drawdown peak", Date, Drawdown, false,
        "Date of the peak before the max drawdown."),
    MaxDrawdownTrough => max_drawdown_trough: Option<Date>, ("Max drawdown trough", Date, Drawdown, false,
        "Date of the max drawdown's lowest point."),
    MaxDrawdownRecovery => max_drawdown_recovery: Option<Date>, ("Max drawdown recovery", Date, Drawdown, false,
        "First date back at or above the peak (n/a: not recovered)."),
    /// Longest drawdown period in calendar days (0 when there is none).
    LongestDrawdown => longest_drawdown_days: i64, ("Longest drawdown", Days, Drawdown, false,
        "Longest time from a peak to its recovery (or to the last date if still under water), in calendar days."),
    /// Longest trough-to-recovery time in calendar days over recovered drawdowns.
    LongestRecovery => longest_recovery_days: Option<i64>, ("Longest recovery", Days, Drawdown, false,
        "Longest time from a trough to its recovery, in calendar days, over recovered drawdowns."),

    Var => var: Option<f64>, ("VaR (historical)", Percent, Distribution, true,
        "Historical value at risk at {level}%: the (1 - level) quantile of the period returns, linear interpolation (numpy default). Negative = loss."),
    Cvar => cvar: Option<f64>, ("CVaR (historical)", Percent, Distribution, true,
        "Conditional VaR / expected shortfall at {level}%: mean of the period returns at or below the VaR."),
    Skew => skew: Option<f64>, ("Skew", Ratio, Distribution, true,
        "Bias-corrected sample skewness of the period returns (pandas / QuantStats)."),
    Kurtosis => kurtosis: Option<f64>, ("Excess kurtosis", Ratio, Distribution, true,
        "Bias-corrected sample excess kurtosis of the period returns (pandas / QuantStats; normal = 0)."),

    BestDay => best_day: Option<f64>, ("Best period", Percent, Distribution, true, "Largest single-period return."),
    WorstDay => worst_day: Option<f64>, ("Worst period", Percent, Distribution, true, "Smallest single-period return."),
    BestMonth => best_month: Option<f64>, ("Best month", Percent, Returns, false,
        "Best calendar-month return (from month-end equity; partial first/last months included)."),
    WorstMonth => worst_month: Option<f64>, ("Worst month", Percent, Returns, false,
        "Worst calendar-month return (from month-end equity; partial first/last months included)."),
    BestYear => best_year: Option<f64>, ("Best year", Percent, Returns, false,
        "Best calendar-year return (from year-end equity; partial first/last years included)."),
    WorstYear => worst_year: Option<f64>, ("Worst year", Percent, Returns, false,
        "Worst calendar-year return (from year-end equity; partial first/last years included)."),
    PositiveMonths => positive_months: Option<f64>, ("Positive months", Percent, Returns, false,
        "Share of calendar months with a return > 0."),
    pub monthly_returns: Vec<MonthlyReturn>,
    pub yearly_returns: Vec<YearlyReturn>,

    Turnover => turnover_annual: Option<f64>, ("Turnover (ann.)", Percent, Trading, true,
        "Two-sided turnover (buys + sells as a fraction of value) summed over rebalances, divided by the years covered."),
    Fees => fees_total: Option<f64>, ("Fees", Percent, Trading, false, "Total fees paid, as a fraction of the initial value."),
    CostDrag => cost_drag: Option<f64>, ("Cost drag", Percent, Trading, true, "CAGR before costs minus CAGR after costs."),
    AvgHoldings => avg_holdings: Option<f64>, ("Avg holdings", Number, Trading, false, "Average number of holdings per day."),
    AvgEffectiveN => avg_effective_n: Option<f64>, ("Avg effective N", Number, Trading, false,
        "Average effective number of holdings 1 / sum(w_i^2) per day."),

    BenchmarkTotalReturn => benchmark_total_return: Option<f64>, ("Benchmark total return", Percent, Benchmark, false,
        "Total return of the benchmark over the same dates."),
    BenchmarkCagr => benchmark_cagr: Option<f64>, ("Benchmark CAGR", Percent, Benchmark, true, "CAGR of the benchmark."),
    TrackingError => tracking_error: Option<f64>, ("Tracking error", Percent, Benchmark, true,
        "std(r - r_benchmark, ddof = 1) x sqrt(P)."),
    InformationRatio => information_ratio: Option<f64>, ("Information ratio", Ratio, Benchmark, true,
        "mean(r - r_benchmark) / std(r - r_benchmark, ddof = 1) x sqrt(P)."),
    Beta => beta: Option<f64>, ("Beta", Ratio, Benchmark, false, "cov(r, r_benchmark) / var(r_benchmark)."),
    Alpha => alpha: Option<f64>, ("Alpha (ann.)", Percent, Benchmark, true,
        "(mean(r) - beta x mean(r_benchmark)) x P (QuantStats greeks)."),
    Correlation => correlation: Option<f64>, ("Correlation", Ratio, Benchmark, false,
        "Pearson correlation of period returns with the benchmark's."),
}

/// Annualised volatility above this (500%) comes from bad prices, not from
/// an index of real coins (a kept spike, a wrong unit): such values are
/// marked in the page and left out of a sweep's best cell.
pub const PLAUSIBLE_MAX_VOLATILITY: f64 = 5.0;
/// A one-day return above this (+1,000%) is marked the same way.
pub const PLAUSIBLE_MAX_DAY: f64 = 10.0;

/// Whether metric `id`'s value `v` is beyond the plausible bounds above.
pub fn implausible_value(id: MetricId, v: f64) -> bool {
    match id {
        MetricId::Volatility => v > PLAUSIBLE_MAX_VOLATILITY,
        MetricId::BestDay => v > PLAUSIBLE_MAX_DAY,
        _ => false,
    }
}

impl Metrics {
    /// Why these metrics cannot come from real coins' prices, if they cannot
    /// ([`PLAUSIBLE_MAX_VOLATILITY`], [`PLAUSIBLE_MAX_DAY`]).
    pub fn implausible(&self) -> Option<String> {
        let pct = |x: f64| format!("{:.0}%", x * 100.0);
        match (self.volatility, self.best_day) {
            (Some(v), _) if implausible_value(MetricId::Volatility, v) => {
                Some(format!("implausible: annualised volatility {} (bad prices? see the data report)", pct(v)))
            }
            (_, Some(d)) if implausible_value(MetricId::BestDay, d) => {
                Some(format!("implausible: a one-day return of +{} (bad prices? see the data report)", pct(d)))
            }
            _ => None,
        }
    }

    /// The context appended to the tooltip of annualised metrics, e.g.
    /// "Annualised with 365 periods per year (inferred from the dates), simple daily returns, rf = 0%."
    pub fn annualisation_note(&self) -> String {
        let p = self.periods_per_year;
        let freq = match () {
            _ if p == 365.0 || p == 252.0 => "daily",
            _ if p == 52.0 => "weekly",
            _ if p == 12.0 => "monthly",
            _ if p == 4.0 => "quarterly",
            _ if p == 1.0 => "yearly",
            _ => "periodic",
        };
        let source = if self.periods_inferred { "inferred from the dates" } else { "as configured" };
        format!(
            "Annualised with {} periods per year ({source}), simple {freq} returns, rf = {}%.",
            fmt_number(self.periods_per_year),
            fmt_number(self.risk_free_annual * 100.0)
        )
    }

    /// Why a metric is undefined, when the reason is one a reader should
    /// know: a sample too short to annualise, a volatility of zero (flat
    /// prices: a ratio over it would be rounding noise), no drawdown.
    pub fn missing_reason(&self, id: MetricId) -> Option<&'static str> {
        use MetricId::*;
        if self.too_short_to_annualise && id.info().annualised && id != PeriodsPerYear {
            return Some("too short to annualise");
        }
        let flat = self.volatility.is_some_and(|v| v / self.periods_per_year.sqrt() <= NOISE_STD);
        match id {
            Sharpe | Sortino | Skew | Kurtosis | Correlation if flat => Some("volatility 0"),
            Calmar if self.max_drawdown >= -NOISE_DRAWDOWN => Some("no drawdown"),
            _ => None,
        }
    }

    /// Every metric of [`MetricId::ALL`] with its descriptor, value, display
    /// text and tooltip, for the UI table and the CLI. Benchmark and trading
    /// rows are left out when their inputs were not supplied.
    pub fn rows(&self) -> Vec<MetricRow> {
        let note = self.annualisation_note();
        MetricId::ALL
            .iter()
            .filter(|id| {
                let info = id.info();
                match info.group {
                    MetricGroup::Benchmark => self.beta.is_some() || self.benchmark_total_return.is_some(),
                    MetricGroup::Trading => self.value(**id) != MetricValue::Missing,
                    _ => true,
                }
            })
            .map(|&id| {
                let info = id.info();
                let value = self.value(id);
                let why = (value == MetricValue::Missing).then(|| self.missing_reason(id)).flatten();
                let display = match why {
                    Some(why) => format!("n/a ({why})"),
                    None => value.display(info.kind),
                };
                let mut tooltip = info.description.replace("{level}", &fmt_number(self.var_level * 100.0));
                if let Some(why) = why {
                    tooltip = format!("Not available: {why}. {tooltip}");
                }
                if info.annualised {
                    tooltip.push(' ');
                    tooltip.push_str(&note);
                }
                MetricRow { key: info.key, label: info.label, kind: info.kind, value, display, tooltip }
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------
// Descriptors
// ---------------------------------------------------------------------------

/// How a metric value is displayed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormatKind {
    /// A fraction shown as a percentage with 2 decimals (`0.1234` → `12.34%`).
    Percent,
    /// A plain ratio with 2 decimals.
    Ratio,
    /// A whole number of calendar days.
    Days,
    /// An ISO date.
    Date,
    /// A plain number with 1 decimal (at most).
    Number,
}

/// Section of the metrics table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MetricGroup {
    Period,
    Returns,
    Risk,
    Drawdown,
    Distribution,
    Trading,
    Benchmark,
}

/// Static descriptor of a metric: stable key, label, convention and format.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MetricInfo {
    pub key: &'static str,
    pub label: &'static str,
    /// The formula / convention, used as a tooltip. `{level}` stands for the VaR level in percent.
    pub description: &'static str,
    pub kind: FormatKind,
    pub group: MetricGroup,
    /// Whether the metric depends on the periods per year / risk-free rate
    /// (its tooltip then gets [`Metrics::annualisation_note`]).
    pub annualised: bool,
}

/// A metric value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum MetricValue {
    Number(f64),
    Date(Date),
    /// Undefined for this input (see the module's edge cases).
    Missing,
}

impl MetricValue {
    /// Display text for a format kind; `n/a` when missing.
    pub fn display(&self, kind: FormatKind) -> String {
        match (*self, kind) {
            (MetricValue::Missing, _) => "n/a".to_string(),
            (MetricValue::Date(d), _) => d.to_string(),
            (MetricValue::Number(v), FormatKind::Percent) => format!("{:.2}%", v * 100.0),
            (MetricValue::Number(v), FormatKind::Ratio) => format!("{v:.2}"),
            (MetricValue::Number(v), FormatKind::Days) => format!("{v:.0} days"),
            (MetricValue::Number(v), FormatKind::Number | FormatKind::Date) => fmt_number(v),
        }
    }
}

impl FormatKind {
    /// `v` as [`MetricValue::display`] writes it, with `extra` more decimals.
    pub fn display_with(self, v: f64, extra: usize) -> String {
        if extra == 0 || !v.is_finite() {
            return MetricValue::Number(v).display(self);
        }
        match self {
            FormatKind::Percent => format!("{:.*}%", 2 + extra, v * 100.0),
            FormatKind::Ratio => format!("{:.*}", 2 + extra, v),
            FormatKind::Days => format!("{v:.extra$} days"),
            FormatKind::Number | FormatKind::Date => format!("{:.*}", 1 + extra, v),
        }
    }

    /// How many decimals beyond the usual (0 to 3) tell `values` apart: the
    /// fewest with which no two different values read the same (values of a
    /// sweep are often close, and two cells coloured differently should not
    /// carry the same label). Non-finite values are left out.
    pub fn extra_decimals(self, values: &[f64]) -> usize {
        let mut distinct: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        crate::sort::sort_by(&mut distinct, f64::total_cmp);
        distinct.dedup();
        (0..3)
            .find(|&extra| {
                let mut labels: Vec<String> = distinct.iter().map(|&v| self.display_with(v, extra)).collect();
                labels.dedup();
                labels.len() == distinct.len()
            })
            .unwrap_or(3)
    }
}

/// A number with at most 1 decimal, without a trailing `.0`.
fn fmt_number(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// One rendered metric (UI table row / CLI line).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricRow {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: FormatKind,
    pub value: MetricValue,
    pub display: String,
    pub tooltip: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_values_get_the_decimals_that_tell_them_apart() {
        use FormatKind::*;
        assert_eq!(Ratio.extra_decimals(&[0.7812, 0.7779, 0.76]), 1, "0.78 and 0.78 would read the same");
        assert_eq!(Ratio.display_with(0.7812, 1), "0.781");
        assert_eq!(Ratio.extra_decimals(&[0.5, 0.7, f64::NAN, 0.5]), 0, "equal values may read the same");
        assert_eq!(Percent.extra_decimals(&[0.123451, 0.123452]), 2);
        assert_eq!(Percent.display_with(0.123451, 2), "12.3451%");
        assert_eq!(Ratio.extra_decimals(&[1.0, 1.0 + 1e-12]), 3, "at most 3 more");
        assert_eq!(Days.display_with(12.25, 1), "12.2 days");
        assert_eq!(Number.display_with(3.0, 0), "3");
        assert_eq!(Number.display_with(3.04, 1), "3.04");
        assert_eq!(Ratio.display_with(f64::NAN, 2), MetricValue::Number(f64::NAN).display(Ratio));
        assert_eq!(Ratio.extra_decimals(&[]), 0);
    }
}
