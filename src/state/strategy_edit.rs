//! Editing one strategy field by field, as the strategy form does: the text
//! a user typed in a field becomes a new strategy, or a message in the
//! form's words saying why nothing changed. Plain Rust, unit-tested
//! natively; the form (`components/strategies.rs`) only reads inputs,
//! calls [`apply`] and dispatches.

use engine::strategy::{BandMethod, Bands, Comparison, Costs, ExtraFilter, Impact, MinVolume, Regime, RegimeReference};
use engine::{Schedule, Strategy, Weighting};

/// A field of the strategy form (each with its input's class `f-…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Name,
    TopN,
    Reconstitution,
    Buffer,
    MinHistory,
    HalfLife,
    MinVolume,
    Filter,
    ExcludeList,
    IncludeList,
    Weighting,
    MaxWeight,
    Lookback,
    Custom,
    Rebalance,
    EveryN,
    Offset,
    BandAbsolute,
    BandRelative,
    BandMethod,
    Tranches,
    Fee,
    Spread,
    Impact,
    RegimeReference,
    RegimeSma,
    RegimeCash,
}

/// `base` with `field` set from the typed `text` (trimmed), validated by the
/// engine and checked for rules that cannot work together; or the message
/// to show, in the form's words, with the text as typed.
pub fn apply(base: &Strategy, field: Field, text: &str) -> Result<Strategy, String> {
    let text = text.trim();
    let mut next = base.clone();
    set(&mut next, field, text)
        .and_then(|_| next.validate().map_err(|e| in_form_words(&e.message)))
        .and_then(|_| feasible(&next))
        .map(|_| next)
        .map_err(|msg| format!("{msg} (you entered “{text}”; nothing was changed)"))
}

fn num<T: std::str::FromStr>(v: &str, what: &str) -> Result<T, String> {
    v.replace(',', "").parse().map_err(|_| format!("{what}: '{v}' is not a valid number"))
}

fn opt_num(v: &str, what: &str) -> Result<Option<f64>, String> {
    if v.is_empty() {
        Ok(None)
    } else {
        num(v, what).map(Some)
    }
}

fn list(v: &str) -> impl Iterator<Item = String> + '_ {
    v.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty())
}

/// Sets one field from its text (before validation).
fn set(s: &mut Strategy, field: Field, v: &str) -> Result<(), String> {
    match field {
        Field::Name => {
            if v.is_empty() {
                return Err("The name cannot be empty".into());
            }
            s.name = v.to_string();
        }
        Field::TopN => s.universe.top_n = if v.is_empty() { None } else { Some(num(v, "Top N")?) },
        Field::Reconstitution => {
            s.universe.reconstitution =
                if v == "same" { None } else { Some(Schedule::parse_or_default(v, 30).map_err(|e| e.to_string())?) };
            s.universe.reconstitution_offset = 0;
        }
        Field::Buffer => s.universe.buffer = num::<f64>(v, "Buffer")? / 100.0,
        Field::MinHistory => s.universe.min_history_days = num(v, "Min. history")?,
        Field::HalfLife => s.universe.rank_half_life_days = opt_num(v, "Half-life")?,
        Field::MinVolume => {
            s.universe.min_volume = opt_num(v, "Min. volume")?.map(|amount| MinVolume { amount, lookback: 30 })
        }
        Field::Filter => s.universe.filter = parse_filter(v)?,
        Field::ExcludeList => {
            s.universe.exclude.retain(|e| engine::exclusions::is_token(e));
            s.universe.exclude.extend(list(v));
        }
        Field::IncludeList => s.universe.include = list(v).collect(),
        Field::Weighting => {
            // A scheme with a lookback keeps the one the form shows.
            let lookback = s.weighting.lookback().unwrap_or(90);
            s.weighting = match v {
                "custom" => Weighting::Custom { weights: parse_custom(&custom_text(&s.weighting))? },
                _ => Weighting::parse_or_default(v).map_err(|e| e.to_string())?.with_lookback(lookback),
            };
        }
        Field::MaxWeight => {
            s.weighting = Weighting::CappedMarketCap { max_weight: num::<f64>(v, "Max weight")? / 100.0 }
        }
        Field::Lookback => s.weighting = s.weighting.clone().with_lookback(num(v, "Lookback")?),
        Field::Custom => s.weighting = Weighting::Custom { weights: parse_custom(v)? },
        Field::Rebalance => {
            s.rebalance = Schedule::parse_or_default(v, 14).map_err(|e| e.to_string())?;
            s.rebalance_offset = 0;
        }
        Field::EveryN => s.rebalance = Schedule::EveryNDays(num(v, "N")?),
        Field::Offset => s.rebalance_offset = num(v, "Day offset")?,
        Field::BandAbsolute | Field::BandRelative => {
            let value = opt_num(v, "Band")?.map(|x| x / 100.0);
            let (mut absolute, mut relative) = s.bands.as_ref().map_or((None, None), |b| (b.absolute, b.relative));
            if field == Field::BandAbsolute {
                absolute = value;
            } else {
                relative = value;
            }
            s.bands = (absolute.is_some() || relative.is_some()).then_some(Bands { absolute, relative });
        }
        Field::BandMethod => {
            s.band_method = match v {
                "edge" => BandMethod::Edge,
                "half" => BandMethod::Partial { fraction: 0.5 },
                "outside" => BandMethod::Partial { fraction: 1.0 },
                _ => BandMethod::Full,
            }
        }
        Field::Tranches => s.tranches = num(v, "Tranches")?,
        Field::Fee => s.costs.fee_bps = num(v, "Fee")?,
        Field::Spread => s.costs.half_spread_bps = num(v, "Half-spread")?,
        Field::Impact => {
            s.costs = Costs { impact: opt_num(v, "Impact k")?.map(|k| Impact { k, lookback: 30 }), ..s.costs.clone() }
        }
        Field::RegimeReference => {
            if let Some(r) = s.regime.as_mut() {
                r.reference = v.parse().map_err(|e: engine::rules_text::RuleTextError| e.to_string())?;
            }
        }
        Field::RegimeSma => {
            if let Some(r) = s.regime.as_mut() {
                r.sma_days = num(v, "SMA days")?;
            }
        }
        Field::RegimeCash => {
            if let Some(r) = s.regime.as_mut() {
                r.cash_fraction = num::<f64>(v, "Cash share")? / 100.0;
            }
        }
    }
    Ok(())
}

/// The regime rule the form's checkbox switches on: risk-off below the
/// 200-day average of the total market cap, all in cash.
pub fn default_regime() -> Regime {
    Regime { reference: RegimeReference::TotalMarketCap, sma_days: 200, cash_fraction: 1.0 }
}

/// The band-breach choice's value in the form.
pub fn band_method_key(m: BandMethod) -> &'static str {
    match m {
        BandMethod::Edge => "edge",
        BandMethod::Partial { fraction: 0.5 } => "half",
        BandMethod::Partial { .. } => "outside",
        BandMethod::Full => "full",
    }
}

/// Rules that validate one by one but cannot work together, in the form's
/// words (the engine would fall back to equal weights).
fn feasible(s: &Strategy) -> Result<(), String> {
    if let (Weighting::CappedMarketCap { max_weight }, Some(n)) = (&s.weighting, s.universe.top_n) {
        if (n as f64) * max_weight < 1.0 - 1e-12 {
            let needed = (1.0 / max_weight - 1e-9).ceil();
            return Err(format!(
                "a {}% cap needs at least {needed} members to add up to 100%; Top {n} gives {n}",
                charts::format::number(max_weight * 100.0, if max_weight * 100.0 < 1.0 { 2 } else { 0 })
            ));
        }
    }
    Ok(())
}

/// Parses `score >= 0.5` (or `<=`) into an extra-column filter; blank = none.
fn parse_filter(text: &str) -> Result<Option<ExtraFilter>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let (column, op, value) = if let Some((c, v)) = text.split_once(">=") {
        (c, Comparison::AtLeast, v)
    } else if let Some((c, v)) = text.split_once("<=") {
        (c, Comparison::AtMost, v)
    } else {
        return Err(format!("Filter '{text}' needs the form column >= number (or <=)"));
    };
    let value = value.trim().parse().map_err(|_| format!("Filter: '{}' is not a number", value.trim()))?;
    Ok(Some(ExtraFilter { column: column.trim().to_string(), op, value }))
}

/// A filter as the form shows it.
pub fn filter_text(f: &Option<ExtraFilter>) -> String {
    f.as_ref().map(|f| format!("{} {} {}", f.column, f.op, f.value)).unwrap_or_default()
}

/// Parses `btc: 0.6, eth: 0.4` into custom weights.
fn parse_custom(text: &str) -> Result<Vec<(String, f64)>, String> {
    text.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|part| {
            let (id, w) =
                part.split_once(':').ok_or_else(|| format!("'{}' needs the form asset: weight", part.trim()))?;
            let w: f64 = w.trim().parse().map_err(|_| format!("'{}' is not a number", w.trim()))?;
            Ok((id.trim().to_string(), w))
        })
        .collect()
}

/// Custom weights as the form shows them (an example before there are any).
pub fn custom_text(w: &Weighting) -> String {
    match w {
        Weighting::Custom { weights } => {
            weights.iter().map(|(a, w)| format!("{a}: {w}")).collect::<Vec<_>>().join(", ")
        }
        _ => "btc: 0.6, eth: 0.4".to_string(),
    }
}

/// The engine's validation message in the form's words: its field names
/// become the labels the user sees.
fn in_form_words(message: &str) -> String {
    const LABELS: [(&str, &str); 18] = [
        ("band_method", "On a breach"),
        ("tranches", "Tranches"),
        ("fee_bps + half_spread_bps", "Fee + half-spread"),
        ("weighting.lookback", "Lookback"),
        ("reconstitution_offset", "Reconstitution offset"),
        ("rebalance_offset", "Day offset"),
        ("half_spread_bps", "Half-spread"),
        ("bands.absolute", "Band, abs."),
        ("bands.relative", "Band, rel."),
        ("regime sma_days", "SMA days"),
        ("regime cash_fraction", "Cash when risk-off"),
        ("every_n_days", "N"),
        ("max_weight", "Max weight"),
        ("fee_bps", "Fee"),
        ("top_n", "Top N"),
        ("buffer", "Buffer"),
        ("impact k", "Impact k"),
        ("initial_capital", "Initial capital"),
    ];
    let mut out = message.to_string();
    for (field, label) in LABELS {
        out = out.replace(field, label);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::Preset;

    fn base() -> Strategy {
        Strategy::preset(Preset::Top20Capped30Quarterly)
    }

    #[test]
    fn numbers_percentages_and_blanks_set_their_fields() {
        let s = base();
        assert_eq!(apply(&s, Field::Fee, " 25 ").unwrap().costs.fee_bps, 25.0);
        assert_eq!(apply(&s, Field::TopN, "1,000").unwrap().universe.top_n, Some(1000));
        assert_eq!(apply(&s, Field::TopN, "").unwrap().universe.top_n, None);
        assert_eq!(apply(&s, Field::Buffer, "20").unwrap().universe.buffer, 0.2);
        assert_eq!(
            apply(&s, Field::MaxWeight, "50").unwrap().weighting,
            Weighting::CappedMarketCap { max_weight: 0.5 }
        );
        let banded = apply(&s, Field::BandAbsolute, "5").unwrap();
        assert_eq!(banded.bands, Some(Bands { absolute: Some(0.05), relative: None }));
        let both = apply(&banded, Field::BandRelative, "25").unwrap();
        assert_eq!(both.bands, Some(Bands { absolute: Some(0.05), relative: Some(0.25) }));
        assert_eq!(
            apply(&both, Field::BandAbsolute, "").unwrap().bands,
            Some(Bands { absolute: None, relative: Some(0.25) })
        );
        assert_eq!(apply(&banded, Field::BandAbsolute, "").unwrap().bands, None, "no band left: off");
        assert_eq!(apply(&s, Field::Impact, "0.5").unwrap().costs.impact, Some(Impact { k: 0.5, lookback: 30 }));
        assert_eq!(apply(&s, Field::MinVolume, "").unwrap().universe.min_volume, None);
    }

    #[test]
    fn choices_keep_what_the_form_shows() {
        let s = apply(&base(), Field::Weighting, "invvol").unwrap();
        let s = apply(&s, Field::Lookback, "30").unwrap();
        // Another scheme with a lookback keeps the 30 days shown.
        let erc = apply(&s, Field::Weighting, "erc").unwrap();
        assert_eq!(erc.weighting.lookback(), Some(30));
        let custom = apply(&s, Field::Weighting, "custom").unwrap();
        assert_eq!(custom_text(&custom.weighting), "btc: 0.6, eth: 0.4");
        let custom = apply(&custom, Field::Custom, "bitcoin: 2, ethereum: 1").unwrap();
        assert_eq!(custom_text(&custom.weighting), "bitcoin: 2, ethereum: 1");
        let weekly = apply(&apply(&base(), Field::Offset, "1").unwrap(), Field::Rebalance, "weekly").unwrap();
        assert_eq!(
            (weekly.rebalance, weekly.rebalance_offset),
            (Schedule::Weekly, 0),
            "a new schedule starts at offset 0"
        );
        let every = apply(&apply(&base(), Field::Rebalance, "every_n_days").unwrap(), Field::EveryN, "9").unwrap();
        assert_eq!(every.rebalance, Schedule::EveryNDays(9));
        let banded = apply(&base(), Field::BandRelative, "20").unwrap();
        for key in ["edge", "half", "outside", "full"] {
            assert_eq!(band_method_key(apply(&banded, Field::BandMethod, key).unwrap().band_method), key);
        }
        let f = apply(&base(), Field::Filter, "score >= 0.5").unwrap();
        assert_eq!(filter_text(&f.universe.filter), "score >= 0.5");
        let mut with_regime = base();
        with_regime.regime = Some(default_regime());
        let r = apply(&with_regime, Field::RegimeCash, "40").unwrap().regime.unwrap();
        assert_eq!(r.cash_fraction, 0.4);
        let r = apply(&with_regime, Field::RegimeReference, "bitcoin").unwrap().regime.unwrap();
        assert_eq!(r.reference, RegimeReference::Asset("bitcoin".into()));
    }

    #[test]
    fn the_exclusion_list_keeps_the_groups_and_the_include_list_replaces() {
        let s = apply(&base(), Field::ExcludeList, "tether, , dai").unwrap();
        let mut expected = base().universe.exclude;
        expected.extend(["tether".to_string(), "dai".to_string()]);
        assert_eq!(s.universe.exclude, expected);
        assert_eq!(apply(&s, Field::IncludeList, "usdt,  wbtc").unwrap().universe.include, ["usdt", "wbtc"]);
    }

    #[test]
    fn bad_text_changes_nothing_and_says_why_in_the_forms_words() {
        let s = base();
        let e = apply(&s, Field::Fee, "ten").unwrap_err();
        assert_eq!(e, "Fee: 'ten' is not a valid number (you entered “ten”; nothing was changed)");
        let e = apply(&s, Field::Fee, "-5").unwrap_err();
        assert!(e.starts_with("Fee") && !e.contains("fee_bps"), "{e}");
        let e = apply(&s, Field::Name, "  ").unwrap_err();
        assert!(e.starts_with("The name cannot be empty"), "{e}");
        // Valid alone, impossible together: a 30% cap over 3 members.
        let e = apply(&s, Field::TopN, "3").unwrap_err();
        assert!(e.starts_with("a 30% cap needs at least 4 members to add up to 100%; Top 3 gives 3"), "{e}");
        let e = apply(&s, Field::Filter, "score > 1").unwrap_err();
        assert!(e.contains("needs the form column >= number"), "{e}");
        let e = apply(&s, Field::Custom, "btc 1").unwrap_err();
        assert!(e.contains("needs the form asset: weight"), "{e}");
    }
}
