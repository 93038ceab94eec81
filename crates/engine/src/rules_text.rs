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
mod tests {
    use super::*;

    fn w(text: &str) -> Weighting {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn s(text: &str) -> Schedule {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn every_form_users_type_reads() {
        // The CLI's forms.
        assert_eq!(w("cap"), Weighting::MarketCap);
        assert_eq!(w("market-cap"), Weighting::MarketCap);
        assert_eq!(w("capped:0.3"), Weighting::CappedMarketCap { max_weight: 0.3 });
        assert_eq!(w("invvol:90"), Weighting::InverseVolatility { lookback: 90 });
        assert_eq!(w("erc:60"), Weighting::EqualRiskContribution { lookback: 60 });
        assert_eq!(w("volume:30"), Weighting::VolumeWeighted { lookback: 30 });
        assert_eq!(s("every:14"), Schedule::EveryNDays(14));
        // The serde names, any case, `-` or spaces for `_`.
        assert_eq!(w("Market_Cap"), Weighting::MarketCap);
        assert_eq!(w("SQRT_MARKET_CAP"), Weighting::SqrtMarketCap);
        assert_eq!(w("capped_market_cap: 25%"), Weighting::CappedMarketCap { max_weight: 0.25 });
        assert_eq!(w("inverse volatility:120"), Weighting::InverseVolatility { lookback: 120 });
        assert_eq!(s("Every_N_Days:7"), Schedule::EveryNDays(7));
        assert_eq!(s(" Monthly "), Schedule::Monthly);
        assert_eq!(s("buy-and-hold"), Schedule::Never);
        // Bench names and labels.
        assert_eq!(s("every_10_days"), Schedule::EveryNDays(10));
        assert_eq!(s("Every 10 days"), Schedule::EveryNDays(10));
        // Custom weights keep the ids' case.
        assert_eq!(
            w("custom:BTC=0.6; eth=0.4"),
            Weighting::Custom { weights: vec![("BTC".into(), 0.6), ("eth".into(), 0.4)] }
        );
    }

    #[test]
    fn bare_words_take_their_defaults_only_when_asked() {
        assert_eq!(Weighting::parse_or_default("capped").unwrap(), Weighting::CappedMarketCap { max_weight: 0.3 });
        assert_eq!(Weighting::parse_or_default("invvol").unwrap(), Weighting::InverseVolatility { lookback: 90 });
        assert_eq!(Weighting::parse_or_default("erc").unwrap(), Weighting::EqualRiskContribution { lookback: 90 });
        assert_eq!(Weighting::parse_or_default("volume").unwrap(), Weighting::VolumeWeighted { lookback: 30 });
        assert_eq!(Weighting::parse_or_default("invvol:60").unwrap(), Weighting::InverseVolatility { lookback: 60 });
        assert_eq!(Schedule::parse_or_default("every", 14).unwrap(), Schedule::EveryNDays(14));
        let e = "invvol".parse::<Weighting>().unwrap_err();
        assert_eq!(
            (e.kind, e.message.as_str()),
            (RuleTextErrorKind::MissingValue, "give the lookback in days, e.g. invvol:90")
        );
        assert_eq!("capped".parse::<Weighting>().unwrap_err().message, "give the maximum weight, e.g. capped:0.3");
        assert_eq!("every".parse::<Schedule>().unwrap_err().kind, RuleTextErrorKind::MissingValue);
    }

    #[test]
    fn mistakes_say_what_is_wrong() {
        let e = |t: &str| t.parse::<Weighting>().unwrap_err();
        assert_eq!(e("cap:3").message, "'cap' takes no ':' value");
        assert_eq!(e("invvol:x").message, "'x' is not a whole number of days");
        assert_eq!(e("capped:lots").message, "'lots' is not a number");
        assert_eq!(e("bogus").kind, RuleTextErrorKind::Unknown);
        assert!(e("bogus").message.starts_with("unknown weighting (use cap, equal, sqrt, capped:MAX"));
        let e = |t: &str| t.parse::<Schedule>().unwrap_err();
        assert_eq!(e("every:0").kind, RuleTextErrorKind::BadValue);
        assert_eq!(e("fortnightly").message, format!("use {SCHEDULE_FORMS}"));
        assert_eq!(e("weekly:2").kind, RuleTextErrorKind::UnexpectedValue);
        // A long word is quoted short.
        assert!(e(&format!("every:{}", "9".repeat(500))).message.len() < 200);
        assert!("invvol:".to_string().parse::<Weighting>().is_err());
        assert!(format!("capped:{}", "x".repeat(500)).parse::<Weighting>().unwrap_err().message.len() < 200);
    }

    /// A small deterministic generator (the engine has no random crate).
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            self.0 >> 33
        }

        fn fraction(&mut self) -> f64 {
            // Fractions of every shape: short decimals and full-precision ones.
            match self.next() % 3 {
                0 => (self.next() % 100 + 1) as f64 / 100.0,
                1 => (self.next() % 1_000_000 + 1) as f64 / 1_000_000.0,
                _ => (self.next() as f64 / (1u64 << 31) as f64).max(1e-9),
            }
        }
    }

    #[test]
    fn display_then_parse_gives_the_same_value() {
        let mut g = Lcg(7);
        for _ in 0..2_000 {
            let lookback = (g.next() % 20_000) as usize;
            let weighting = match g.next() % 8 {
                0 => Weighting::MarketCap,
                1 => Weighting::Equal,
                2 => Weighting::SqrtMarketCap,
                3 => Weighting::CappedMarketCap { max_weight: g.fraction() },
                4 => Weighting::InverseVolatility { lookback },
                5 => Weighting::EqualRiskContribution { lookback },
                6 => Weighting::VolumeWeighted { lookback },
                _ => Weighting::Custom {
                    weights: (0..g.next() % 4 + 1)
                        .map(|i| (format!("Coin{}-{i}", g.next() % 1000), g.fraction() * 10.0))
                        .collect(),
                },
            };
            let text = weighting.to_string();
            assert_eq!(text.parse::<Weighting>().as_ref(), Ok(&weighting), "{text}");
            assert_eq!(Weighting::parse_or_default(&text).as_ref(), Ok(&weighting), "{text}");
            assert_eq!(text.to_uppercase().parse::<Weighting>().map(|w| w.kind()), Ok(weighting.kind()), "{text}");

            let schedule = match g.next() % 7 {
                0 => Schedule::Daily,
                1 => Schedule::Weekly,
                2 => Schedule::Monthly,
                3 => Schedule::Quarterly,
                4 => Schedule::Yearly,
                5 => Schedule::Never,
                _ => Schedule::EveryNDays((g.next() % 5_000) as u32 + 1),
            };
            for text in [schedule.to_string(), schedule.label(), schedule.to_string().to_uppercase()] {
                assert_eq!(text.parse::<Schedule>(), Ok(schedule), "{text}");
            }
        }
        for r in [
            RegimeReference::TotalMarketCap,
            RegimeReference::Asset("bitcoin".into()),
            RegimeReference::Asset("total".into()),
            RegimeReference::Asset("asset:x".into()),
            RegimeReference::Asset("BTC".into()),
        ] {
            assert_eq!(r.to_string().parse::<RegimeReference>().as_ref(), Ok(&r), "{r}");
        }
        for c in [Comparison::AtLeast, Comparison::AtMost] {
            assert_eq!(c.to_string().parse::<Comparison>(), Ok(c));
        }
    }

    #[test]
    fn labels_read_as_the_sweep_axes_did() {
        assert_eq!(Weighting::CappedMarketCap { max_weight: 0.3 }.label(), "Capped 30%");
        assert_eq!(Weighting::InverseVolatility { lookback: 90 }.label(), "Inverse vol 90d");
        assert_eq!(Schedule::EveryNDays(10).label(), "Every 10 days");
        assert_eq!(Schedule::Quarterly.label(), "Quarterly");
        assert_eq!(Schedule::Never.phrase(), "buy and hold");
        assert_eq!("".parse::<RegimeReference>(), Ok(RegimeReference::TotalMarketCap));
        assert_eq!("Total market cap".parse::<RegimeReference>(), Ok(RegimeReference::TotalMarketCap));
        assert_eq!(" bitcoin ".parse::<RegimeReference>(), Ok(RegimeReference::Asset("bitcoin".into())));
        // Every form key reads (with a default for the parameterised ones).
        for (k, _) in WEIGHTING_KINDS.iter().filter(|(k, _)| *k != "custom") {
            assert_eq!(Weighting::parse_or_default(k).unwrap().kind(), *k);
        }
        for (k, _) in SCHEDULE_KINDS {
            assert_eq!(Schedule::parse_or_default(k, 14).unwrap().kind(), k);
        }
    }
}
