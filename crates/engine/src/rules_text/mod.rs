//! One text form for the rule enums users type: [`Weighting`], [`Schedule`],
//! [`RegimeReference`] and [`Comparison`]. The CLI flags, the sweep form, the
//! strategy form and the benchmarks all read and write rules here.
//!
//! # Grammar
//! A rule is a kind word, optionally followed by `:` and its value
//! (`capped:0.3`, `invvol:90`, `every:14`). Kind words are read
//! case-insensitively, with `-` and spaces read as `_`, and every kind has
//! its serde name as an alias (`market_cap`, `capped_market_cap`,
//! `every_n_days`, ...). Values keep their case (a custom weight's asset id).
//!
//! | Weighting | forms |
//! |---|---|
//! | market cap | `cap`, `market_cap` |
//! | equal | `equal` |
//! | square-root cap | `sqrt`, `sqrt_market_cap` |
//! | capped market cap | `capped:0.3` or `capped:30%` (the largest weight) |
//! | inverse volatility | `invvol:90`, `inverse_volatility:90` (lookback in data days) |
//! | equal risk contribution | `erc:90`, `equal_risk_contribution:90` |
//! | volume-weighted | `volume:30`, `volume_weighted:30` |
//! | fixed weights | `custom:btc=0.6;eth=0.4` |
//!
//! Schedules: `daily`, `weekly`, `monthly`, `quarterly`, `yearly`, `never`
//! (also `buy_and_hold`), and every N calendar days as `every:14`,
//! `every_n_days:14`, `every_14_days` or `every 14 days`.
//!
//! [`Display`](fmt::Display) writes the first form of each row, which reads
//! back as the same value; [`Weighting::label`] and [`Schedule::label`] are the
//! short human labels of the sweep axes ("Capped 30%", "Every 10 days").
//!
//! A parameterised kind needs its value ([`FromStr`]); the sweep form, whose
//! words have always stood alone, reads a bare word with its
//! [default](Weighting::parse_or_default) (`capped` = 30%, `invvol` and `erc`
//! over 90 days, `volume` over 30).

use crate::schedule::Schedule;
use crate::strategy::{short, Comparison, RegimeReference, Weighting};
use std::fmt;
use std::str::FromStr;

/// Why a rule's text does not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleTextError {
    pub kind: RuleTextErrorKind,
    /// A sentence saying what is wrong and what to write instead.
    pub message: String,
}

/// What kind of mistake a [`RuleTextError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleTextErrorKind {
    /// The kind word is none of the known ones.
    Unknown,
    /// The kind needs a value (`invvol` without `:90`).
    MissingValue,
    /// The kind takes no value (`cap:3`).
    UnexpectedValue,
    /// The value does not read (`invvol:x`, `every:0`).
    BadValue,
}

impl RuleTextError {
    fn new(kind: RuleTextErrorKind, message: impl Into<String>) -> Self {
        RuleTextError { kind, message: message.into() }
    }
}

impl fmt::Display for RuleTextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RuleTextError {}

/// The weighting kinds: form key (the short kind word) and label, in the
/// order a form lists them.
pub const WEIGHTING_KINDS: [(&str, &str); 8] = [
    ("cap", "Market cap"),
    ("equal", "Equal"),
    ("capped", "Capped market cap"),
    ("sqrt", "Square-root market cap"),
    ("invvol", "Inverse volatility"),
    ("erc", "Equal risk contribution"),
    ("volume", "Volume-weighted"),
    ("custom", "Fixed custom weights"),
];

/// The schedule kinds: form key (the serde name) and label, in the order a
/// form lists them. `every_n_days` needs its day count (`every:14`).
pub const SCHEDULE_KINDS: [(&str, &str); 7] = [
    ("daily", "Daily"),
    ("weekly", "Weekly (ISO week, Monday)"),
    ("monthly", "Monthly"),
    ("quarterly", "Quarterly"),
    ("yearly", "Yearly"),
    ("every_n_days", "Every N days"),
    ("never", "Never (buy and hold)"),
];

/// What `use ...` lists when a weighting's kind is unknown.
const WEIGHTING_FORMS: &str = "cap, equal, sqrt, capped:MAX, invvol:DAYS, erc:DAYS, volume:DAYS or custom:ID=W;ID=W";
const SCHEDULE_FORMS: &str = "daily, weekly, monthly, quarterly, yearly, never or every:N (N >= 1 days)";

/// The kind word (lowercase, `-` and spaces as `_`) and the value after
/// the first `:`, both trimmed.
fn split(text: &str) -> (String, Option<&str>) {
    let (kind, value) = match text.split_once(':') {
        Some((k, v)) => (k, Some(v.trim())),
        None => (text, None),
    };
    let kind = kind
        .trim()
        .to_lowercase()
        .split(|c: char| c == '-' || c == '_' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    (kind, value)
}

/// `v` with at most 4 decimals and no trailing zeros: `25`, `2.5`, `0.125`.
pub(crate) fn trim_decimals(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

fn days(kind: &str, value: Option<&str>) -> Result<usize, RuleTextError> {
    let v = value.ok_or_else(|| {
        RuleTextError::new(RuleTextErrorKind::MissingValue, format!("give the lookback in days, e.g. {kind}:90"))
    })?;
    v.parse::<usize>().map_err(|_| {
        RuleTextError::new(RuleTextErrorKind::BadValue, format!("'{}' is not a whole number of days", short(v)))
    })
}

/// A fraction written as `0.3` or as a percentage, `30%`.
fn fraction(value: &str) -> Result<f64, RuleTextError> {
    let bad = || RuleTextError::new(RuleTextErrorKind::BadValue, format!("'{}' is not a number", short(value)));
    match value.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|x| x / 100.0).map_err(|_| bad()),
        None => value.parse::<f64>().map_err(|_| bad()),
    }
}

/// `btc=0.6;eth=0.4` (`:` also separates an id from its weight).
fn custom_weights(value: &str) -> Result<Vec<(String, f64)>, RuleTextError> {
    value
        .split(';')
        .filter(|p| !p.trim().is_empty())
        .map(|part| {
            let (id, w) = part.rsplit_once('=').or_else(|| part.rsplit_once(':')).ok_or_else(|| {
                RuleTextError::new(
                    RuleTextErrorKind::BadValue,
                    format!("'{}' needs the form asset=weight", short(part.trim())),
                )
            })?;
            let w = w.trim();
            let w = w.parse::<f64>().map_err(|_| {
                RuleTextError::new(RuleTextErrorKind::BadValue, format!("'{}' is not a number", short(w)))
            })?;
            Ok((id.trim().to_string(), w))
        })
        .collect()
}

impl Weighting {
    /// Reads a weighting as [`FromStr`] does, except that a parameterised
    /// kind written alone takes its default: `capped` = 30% cap, `invvol` and
    /// `erc` over 90 days, `volume` over 30 (the sweep form's words).
    pub fn parse_or_default(text: &str) -> Result<Weighting, RuleTextError> {
        parse_weighting(text, true)
    }

    /// The short kind word: `cap`, `equal`, `capped`, `sqrt`, `invvol`,
    /// `erc`, `volume` or `custom` (the keys of [`WEIGHTING_KINDS`]).
    pub fn kind(&self) -> &'static str {
        match self {
            Weighting::MarketCap => "cap",
            Weighting::Equal => "equal",
            Weighting::CappedMarketCap { .. } => "capped",
            Weighting::SqrtMarketCap => "sqrt",
            Weighting::InverseVolatility { .. } => "invvol",
            Weighting::EqualRiskContribution { .. } => "erc",
            Weighting::VolumeWeighted { .. } => "volume",
            Weighting::Custom { .. } => "custom",
        }
    }

    /// The lookback of a scheme that has one.
    pub fn lookback(&self) -> Option<usize> {
        match self {
            Weighting::InverseVolatility { lookback }
            | Weighting::EqualRiskContribution { lookback }
            | Weighting::VolumeWeighted { lookback } => Some(*lookback),
            _ => None,
        }
    }

    /// The same scheme over `lookback` days (schemes without one unchanged).
    pub fn with_lookback(self, lookback: usize) -> Weighting {
        match self {
            Weighting::InverseVolatility { .. } => Weighting::InverseVolatility { lookback },
            Weighting::EqualRiskContribution { .. } => Weighting::EqualRiskContribution { lookback },
            Weighting::VolumeWeighted { .. } => Weighting::VolumeWeighted { lookback },
            other => other,
        }
    }

    /// Short label for axes and lists: `Market cap`, `Equal`, `Capped 30%`,
    /// `Square-root cap`, `Inverse vol 90d`, `ERC 90d`, `Volume 30d`, `Custom`.
    pub fn label(&self) -> String {
        match self {
            Weighting::MarketCap => "Market cap".into(),
            Weighting::Equal => "Equal".into(),
            Weighting::CappedMarketCap { max_weight } => format!("Capped {}%", trim_decimals(max_weight * 100.0)),
            Weighting::SqrtMarketCap => "Square-root cap".into(),
            Weighting::InverseVolatility { lookback } => format!("Inverse vol {lookback}d"),
            Weighting::EqualRiskContribution { lookback } => format!("ERC {lookback}d"),
            Weighting::VolumeWeighted { lookback } => format!("Volume {lookback}d"),
            Weighting::Custom { .. } => "Custom".into(),
        }
    }
}

fn parse_weighting(text: &str, defaults: bool) -> Result<Weighting, RuleTextError> {
    let (kind, value) = split(text);
    let no_value = |w: Weighting| match value {
        Some(_) => Err(RuleTextError::new(RuleTextErrorKind::UnexpectedValue, format!("'{kind}' takes no ':' value"))),
        None => Ok(w),
    };
    let lookback = |short_kind: &str, default: usize| match value {
        None if defaults => Ok(default),
        _ => days(short_kind, value),
    };
    match kind.as_str() {
        "cap" | "market_cap" => no_value(Weighting::MarketCap),
        "equal" => no_value(Weighting::Equal),
        "sqrt" | "sqrt_market_cap" => no_value(Weighting::SqrtMarketCap),
        "capped" | "capped_market_cap" => {
            let max_weight = match value {
                None if defaults => 0.3,
                None => {
                    return Err(RuleTextError::new(
                        RuleTextErrorKind::MissingValue,
                        "give the maximum weight, e.g. capped:0.3",
                    ))
                }
                Some(v) => fraction(v)?,
            };
            Ok(Weighting::CappedMarketCap { max_weight })
        }
        "invvol" | "inverse_volatility" => Ok(Weighting::InverseVolatility { lookback: lookback("invvol", 90)? }),
        "erc" | "equal_risk_contribution" => Ok(Weighting::EqualRiskContribution { lookback: lookback("erc", 90)? }),
        "volume" | "volume_weighted" => Ok(Weighting::VolumeWeighted { lookback: lookback("volume", 30)? }),
        "custom" => {
            let v = value.ok_or_else(|| {
                RuleTextError::new(RuleTextErrorKind::MissingValue, "give the weights, e.g. custom:btc=0.6;eth=0.4")
            })?;
            Ok(Weighting::Custom { weights: custom_weights(v)? })
        }
        _ => Err(RuleTextError::new(RuleTextErrorKind::Unknown, format!("unknown weighting (use {WEIGHTING_FORMS})"))),
    }
}

impl FromStr for Weighting {
    type Err = RuleTextError;

    /// See the module docs for the forms.
    fn from_str(text: &str) -> Result<Weighting, RuleTextError> {
        parse_weighting(text, false)
    }
}

impl fmt::Display for Weighting {
    /// The form [`FromStr`] reads back: `cap`, `capped:0.3`, `invvol:90`, ...
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Weighting::CappedMarketCap { max_weight } => write!(f, "capped:{max_weight}"),
            Weighting::InverseVolatility { lookback }
            | Weighting::EqualRiskContribution { lookback }
            | Weighting::VolumeWeighted { lookback } => write!(f, "{}:{lookback}", self.kind()),
            Weighting::Custom { weights } => {
                f.write_str("custom:")?;
                for (i, (id, w)) in weights.iter().enumerate() {
                    if i > 0 {
                        f.write_str(";")?;
                    }
                    write!(f, "{id}={w}")?;
                }
                Ok(())
            }
            other => f.write_str(other.kind()),
        }
    }
}

impl Schedule {
    /// The kind word, as serde names it: `daily`, `weekly`, `monthly`,
    /// `quarterly`, `yearly`, `every_n_days` or `never` (the keys of
    /// [`SCHEDULE_KINDS`]).
    pub fn kind(self) -> &'static str {
        match self {
            Schedule::Daily => "daily",
            Schedule::Weekly => "weekly",
            Schedule::Monthly => "monthly",
            Schedule::Quarterly => "quarterly",
            Schedule::Yearly => "yearly",
            Schedule::EveryNDays(_) => "every_n_days",
            Schedule::Never => "never",
        }
    }

    /// Reads a schedule as [`FromStr`] does, except that `every` (or
    /// `every_n_days`) written alone means every `every_default` days (a form's first choice).
    pub fn parse_or_default(text: &str, every_default: u32) -> Result<Schedule, RuleTextError> {
        parse_schedule(text, Some(every_default))
    }

    /// Short label for axes and lists: `Daily`, ..., `Every 10 days`, `Never`.
    pub fn label(self) -> String {
        match self {
            Schedule::EveryNDays(n) => format!("Every {n} days"),
            other => {
                let k = other.kind();
                let mut c = k.chars();
                c.next().map_or(String::new(), |first| first.to_uppercase().chain(c).collect())
            }
        }
    }

    /// The schedule in a sentence: `monthly`, `every 14 days`, `buy and hold`.
    pub fn phrase(self) -> String {
        match self {
            Schedule::EveryNDays(n) => format!("every {n} days"),
            Schedule::Never => "buy and hold".into(),
            other => other.kind().into(),
        }
    }
}

fn parse_schedule(text: &str, every_default: Option<u32>) -> Result<Schedule, RuleTextError> {
    let (kind, value) = split(text);
    let unknown = || RuleTextError::new(RuleTextErrorKind::Unknown, format!("use {SCHEDULE_FORMS}"));
    let count = |v: &str| match v.trim().parse::<u32>() {
        Ok(n) if n >= 1 => Ok(Schedule::EveryNDays(n)),
        _ => Err(RuleTextError::new(RuleTextErrorKind::BadValue, format!("use {SCHEDULE_FORMS}"))),
    };
    let plain = |s: Schedule| match value {
        Some(_) => Err(RuleTextError::new(RuleTextErrorKind::UnexpectedValue, format!("'{kind}' takes no ':' value"))),
        None => Ok(s),
    };
    match kind.as_str() {
        "daily" => plain(Schedule::Daily),
        "weekly" => plain(Schedule::Weekly),
        "monthly" => plain(Schedule::Monthly),
        "quarterly" => plain(Schedule::Quarterly),
        "yearly" => plain(Schedule::Yearly),
        "never" | "buy_and_hold" => plain(Schedule::Never),
        "every" | "every_n_days" => match (value, every_default) {
            (Some(v), _) => count(v),
            (None, Some(n)) => count(&n.to_string()),
            (None, None) => Err(RuleTextError::new(RuleTextErrorKind::MissingValue, format!("use {SCHEDULE_FORMS}"))),
        },
        // `every_14_days` (bench names), `every 14 days` (labels).
        k => match k.strip_prefix("every_").and_then(|r| r.strip_suffix("_days").or(r.strip_suffix("_day"))) {
            Some(n) if value.is_none() => count(n),
            _ => Err(unknown()),
        },
    }
}

impl FromStr for Schedule {
    type Err = RuleTextError;

    /// See the module docs for the forms.
    fn from_str(text: &str) -> Result<Schedule, RuleTextError> {
        parse_schedule(text, None)
    }
}

impl fmt::Display for Schedule {
    /// The form [`FromStr`] reads back: `monthly`, `every:14`, ...
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schedule::EveryNDays(n) => write!(f, "every:{n}"),
            other => f.write_str(other.kind()),
        }
    }
}

/// Words that name the total market cap as a regime reference.
const TOTAL_WORDS: [&str; 3] = ["total_market_cap", "total", "market"];

impl FromStr for RegimeReference {
    type Err = RuleTextError;

    /// Blank, `total`, `total_market_cap` or `total market cap`: the total
    /// market cap; `asset:ID` or a bare asset id: that asset's price.
    fn from_str(text: &str) -> Result<RegimeReference, RuleTextError> {
        let t = text.trim();
        if let Some(id) = t.strip_prefix("asset:").map(str::trim) {
            return if id.is_empty() {
                Err(RuleTextError::new(RuleTextErrorKind::MissingValue, "give the asset id, e.g. asset:bitcoin"))
            } else {
                Ok(RegimeReference::Asset(id.to_string()))
            };
        }
        let (kind, value) = split(t);
        if t.is_empty() || (value.is_none() && TOTAL_WORDS.contains(&kind.as_str())) {
            Ok(RegimeReference::TotalMarketCap)
        } else {
            Ok(RegimeReference::Asset(t.to_string()))
        }
    }
}

impl fmt::Display for RegimeReference {
    /// `total_market_cap`, or the asset id (written `asset:ID` when the id
    /// alone would read as something else).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegimeReference::TotalMarketCap => f.write_str(TOTAL_WORDS[0]),
            RegimeReference::Asset(id) => {
                let plain = matches!(id.parse::<RegimeReference>(), Ok(RegimeReference::Asset(ref same)) if same == id);
                if plain {
                    f.write_str(id)
                } else {
                    write!(f, "asset:{id}")
                }
            }
        }
    }
}

impl RegimeReference {
    /// `Total market cap` or the asset id.
    pub fn label(&self) -> String {
        match self {
            RegimeReference::TotalMarketCap => "Total market cap".into(),
            RegimeReference::Asset(id) => short(id),
        }
    }
}

impl FromStr for Comparison {
    type Err = RuleTextError;

    /// `>=` (also `at_least`) or `<=` (also `at_most`).
    fn from_str(text: &str) -> Result<Comparison, RuleTextError> {
        match split(text).0.as_str() {
            ">=" | "at_least" => Ok(Comparison::AtLeast),
            "<=" | "at_most" => Ok(Comparison::AtMost),
            _ => Err(RuleTextError::new(RuleTextErrorKind::Unknown, "use >= or <=")),
        }
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Comparison::AtLeast => ">=",
            Comparison::AtMost => "<=",
        })
    }
}

#[cfg(test)]
mod tests;
