//! What to run: a [`Scenario`] on a [`Panel`] becomes the panel cut to the
//! scenario's date range and the strategies with its capital applied,
//! ready for [`compare`](crate::compare::compare) or a sweep. The page (its
//! comparisons, its workers and its sweep) and the CLI all go through
//! [`prepare`] (or [`Setup::prepare`], for a range open at one end), so they
//! cut and apply the capital the same way.

use crate::date::Date;
use crate::panel::{Panel, PanelError};
use crate::scenario::{Scenario, MAX_CAPITAL};
use crate::strategy::{short, Strategy};
use std::borrow::Cow;
use std::fmt;

/// The panel and strategies to simulate.
#[derive(Clone, Debug)]
pub struct Prepared<'p> {
    /// The data cut to the range: borrowed when the range is all the data.
    pub panel: Cow<'p, Panel>,
    /// The first and last day (indices into the full panel) kept.
    pub days: (usize, usize),
    /// The strategies, with the capital applied.
    pub strategies: Vec<Strategy>,
}

/// Why a scenario cannot run on a panel.
#[derive(Clone, Debug, PartialEq)]
pub enum PrepareError {
    /// No day of the data lies in the range.
    EmptyRange(RangeError),
    /// The capital is not a positive number up to [`MAX_CAPITAL`].
    Capital(f64),
    /// The panel could not be cut.
    Cut(PanelError),
}

impl fmt::Display for PrepareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrepareError::EmptyRange(e) => e.fmt(f),
            PrepareError::Capital(c) => {
                write!(f, "initial capital must be above 0 and at most 1e15 (got {})", short(&c.to_string()))
            }
            PrepareError::Cut(e) => write!(f, "cannot cut the date range: {e}"),
        }
    }
}

impl std::error::Error for PrepareError {}

/// No day of the data between `from` and `to`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RangeError {
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// The data's first and last dates (`None` without dates).
    pub covers: Option<(Date, Date)>,
}

impl fmt::Display for RangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |d: Option<Date>| d.map_or("…".to_string(), |d| d.to_string());
        let span = match self.covers {
            Some((a, b)) => format!("{a} to {b}"),
            None => "no dates".to_string(),
        };
        write!(f, "no data between {} and {}: the data covers {span}", show(self.from), show(self.to))
    }
}

impl std::error::Error for RangeError {}

/// The day indices of `dates` from `from` to `to` (inclusive; either end
/// open), or which range holds no day of the data.
pub fn days_in(dates: &[Date], from: Option<Date>, to: Option<Date>) -> Result<(usize, usize), RangeError> {
    let a = from.map_or(0, |d| dates.partition_point(|&x| x < d));
    let b = to.map_or(dates.len(), |d| dates.partition_point(|&x| x <= d));
    if dates.is_empty() || a >= b {
        let covers = dates.first().zip(dates.last()).map(|(a, b)| (*a, *b));
        return Err(RangeError { from, to, covers });
    }
    Ok((a, b - 1))
}

/// `panel` cut to `from..=to` (either end open): borrowed when that is all
/// of it.
pub fn cut(
    panel: &Panel,
    from: Option<Date>,
    to: Option<Date>,
) -> Result<(Cow<'_, Panel>, (usize, usize)), PrepareError> {
    let days = days_in(panel.dates(), from, to).map_err(PrepareError::EmptyRange)?;
    if days == (0, panel.n_days() - 1) {
        return Ok((Cow::Borrowed(panel), days));
    }
    let part = panel.slice_days(days.0, days.1).map_err(PrepareError::Cut)?;
    Ok((Cow::Owned(part), days))
}

/// [`cut`] on an owned panel: the same panel back when the range is all of it.
pub fn cut_owned(panel: Panel, from: Option<Date>, to: Option<Date>) -> Result<Panel, PrepareError> {
    match cut(&panel, from, to)?.0 {
        Cow::Owned(part) => Ok(part),
        Cow::Borrowed(_) => Ok(panel),
    }
}

/// The parts of a scenario that decide what runs: the range (either end
/// may be open, as the CLI's `--from`/`--to` are) and the capital (`None`:
/// each strategy keeps its own, as a CLI strategy file may set it).
#[derive(Clone, Copy, Debug)]
pub struct Setup<'s> {
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub capital: Option<f64>,
    pub strategies: &'s [Strategy],
}

impl<'s> Setup<'s> {
    /// The setup of a scenario: its range, its capital for every strategy.
    pub fn of(scenario: &'s Scenario) -> Setup<'s> {
        Setup {
            from: scenario.range.map(|r| r.0),
            to: scenario.range.map(|r| r.1),
            capital: Some(scenario.initial_capital),
            strategies: &scenario.strategies,
        }
    }

    /// The panel cut to the range and the strategies with the capital applied.
    pub fn prepare<'p>(&self, panel: &'p Panel) -> Result<Prepared<'p>, PrepareError> {
        if let Some(c) = self.capital {
            if !(c.is_finite() && c > 0.0 && c <= MAX_CAPITAL) {
                return Err(PrepareError::Capital(c));
            }
        }
        let (panel, days) = cut(panel, self.from, self.to)?;
        let strategies = self
            .strategies
            .iter()
            .map(|s| match self.capital {
                Some(initial_capital) => Strategy { initial_capital, ..s.clone() },
                None => s.clone(),
            })
            .collect();
        Ok(Prepared { panel, days, strategies })
    }
}

/// What `scenario` runs on `panel`: see the module docs.
pub fn prepare<'p>(scenario: &Scenario, panel: &'p Panel) -> Result<Prepared<'p>, PrepareError> {
    Setup::of(scenario).prepare(panel)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{generate, MarketParams};
    use crate::Preset;

    /// Panels hold NaN (days before a listing): equal when printed alike.
    fn same(a: &Panel, b: &Panel) -> bool {
        format!("{a:?}") == format!("{b:?}")
    }

    fn panel() -> Panel {
        generate(&MarketParams { n_assets: 8, years: 1.0, ..MarketParams::default() })
    }

    #[test]
    fn all_the_data_is_borrowed_and_the_capital_applied() {
        let p = panel();
        let sc = Scenario {
            strategies: vec![Strategy::preset(Preset::Top10EqualMonthly), Strategy::default()],
            initial_capital: 2_500.0,
            ..Scenario::default()
        };
        let run = prepare(&sc, &p).unwrap();
        assert!(matches!(run.panel, Cow::Borrowed(_)));
        assert_eq!(run.days, (0, p.n_days() - 1));
        assert!(run.strategies.iter().all(|s| s.initial_capital == 2_500.0));
        assert_eq!(run.strategies[0].name, sc.strategies[0].name);
    }

    #[test]
    fn a_range_cuts_the_panel_as_slice_days_does() {
        let p = panel();
        let d = p.dates();
        let sc = Scenario { range: Some((d[10], d[99])), strategies: vec![Strategy::default()], ..Scenario::default() };
        let run = prepare(&sc, &p).unwrap();
        assert_eq!(run.days, (10, 99));
        assert!(same(&run.panel, &p.slice_days(10, 99).unwrap()));
        // Dates between data days round inwards; open ends reach the data's ends.
        let setup = Setup { from: Some(Date(d[10].0)), to: None, capital: None, strategies: &sc.strategies };
        let run = setup.prepare(&p).unwrap();
        assert_eq!(run.days, (10, p.n_days() - 1));
        assert_eq!(run.strategies, sc.strategies);
        assert!(same(&cut_owned(p.clone(), None, Some(d[5])).unwrap(), &p.slice_days(0, 5).unwrap()));
        assert!(same(&cut_owned(p.clone(), None, None).unwrap(), &p));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let p = panel();
        let late = Date::from_ymd(2100, 1, 1).unwrap();
        let sc = Scenario { range: Some((late, Date(late.0 + 10))), ..Scenario::default() };
        let e = prepare(&sc, &p).unwrap_err();
        let (first, last) = (p.dates()[0], p.dates()[p.n_days() - 1]);
        assert_eq!(
            e.to_string(),
            format!("no data between 2100-01-01 and 2100-01-11: the data covers {first} to {last}")
        );
        let e = Setup { from: Some(late), to: None, capital: None, strategies: &[] }.prepare(&p).unwrap_err();
        assert!(e.to_string().starts_with("no data between 2100-01-01 and …"), "{e}");
        let sc = Scenario { initial_capital: 0.0, ..Scenario::default() };
        assert!(matches!(prepare(&sc, &p), Err(PrepareError::Capital(_))));
        assert_eq!(
            days_in(&[], None, None).unwrap_err().to_string(),
            "no data between … and …: the data covers no dates"
        );
    }
}
