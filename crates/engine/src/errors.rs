//! The errors [`compare`](crate::compare::compare) and the parameter sweep
//! ([`run_cells`](crate::sweep::run_cells)) return: typed, so a caller can
//! tell an invalid strategy from an unmeasurable curve; the app and the CLI
//! turn them into text (`Display`, the same sentences as before).

use crate::metrics::{MetricId, MetricsError};
use crate::strategy::StrategyError;
use std::fmt;

/// Why one strategy of a comparison has no run.
#[derive(Clone, Debug, PartialEq)]
pub enum RunError {
    /// The strategy is invalid or does not fit the panel (names the field).
    Strategy(StrategyError),
    /// Its equity curve could not be measured.
    Metrics(MetricsError),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Strategy(e) => e.fmt(f),
            RunError::Metrics(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RunError {}

impl From<StrategyError> for RunError {
    fn from(e: StrategyError) -> Self {
        RunError::Strategy(e)
    }
}

impl From<MetricsError> for RunError {
    fn from(e: MetricsError) -> Self {
        RunError::Metrics(e)
    }
}

impl From<RunError> for String {
    fn from(e: RunError) -> String {
        e.to_string()
    }
}

/// Why a sweep cannot run at all.
#[derive(Clone, Debug, PartialEq)]
pub enum SweepError {
    /// The spec is invalid ([`SweepSpec::validate`](crate::sweep::SweepSpec::validate)'s message).
    Invalid(String),
    /// The cells asked for go past the sweep's last cell.
    OutOfRange { start: usize, end: usize, n_cells: usize },
}

impl fmt::Display for SweepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SweepError::Invalid(message) => f.write_str(message),
            SweepError::OutOfRange { start, end, n_cells } => {
                write!(f, "cells {start}..{end} are outside the sweep's {n_cells} cells")
            }
        }
    }
}

impl std::error::Error for SweepError {}

impl From<SweepError> for String {
    fn from(e: SweepError) -> String {
        e.to_string()
    }
}

/// Why one cell of a sweep has no value.
#[derive(Clone, Debug, PartialEq)]
pub enum CellError {
    /// The combination of values is invalid (the reason, from
    /// [`SweepSpec::strategy_for`](crate::sweep::SweepSpec::strategy_for)).
    Invalid(String),
    /// The cell's strategy could not run or be measured.
    Run(RunError),
    /// The metric is undefined for this cell's curve.
    Undefined(MetricId),
    /// The cell's numbers cannot come from real prices
    /// ([`Metrics::implausible`](crate::metrics::Metrics::implausible)'s reason).
    Implausible(String),
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CellError::Invalid(message) => f.write_str(message),
            CellError::Run(e) => e.fmt(f),
            CellError::Undefined(metric) => write!(f, "{} is undefined for this configuration", metric.info().label),
            CellError::Implausible(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for CellError {}

impl From<RunError> for CellError {
    fn from(e: RunError) -> Self {
        CellError::Run(e)
    }
}

impl From<StrategyError> for CellError {
    fn from(e: StrategyError) -> Self {
        CellError::Run(e.into())
    }
}

impl From<MetricsError> for CellError {
    fn from(e: MetricsError) -> Self {
        CellError::Run(e.into())
    }
}

impl From<CellError> for String {
    fn from(e: CellError) -> String {
        e.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_as_their_causes() {
        let e = RunError::from(StrategyError::new("universe.top_n", "top_n must be at least 1"));
        assert_eq!(e.to_string(), "top_n must be at least 1");
        assert_eq!(String::from(RunError::Metrics(MetricsError::Empty)), "the equity curve is empty");
        let e = SweepError::OutOfRange { start: 3, end: 9, n_cells: 4 };
        assert_eq!(e.to_string(), "cells 3..9 are outside the sweep's 4 cells");
        assert_eq!(CellError::Undefined(MetricId::Sharpe).to_string(), "Sharpe is undefined for this configuration");
        assert_eq!(CellError::from(MetricsError::Empty), CellError::Run(RunError::Metrics(MetricsError::Empty)));
    }
}
