//! Tests of the rules' text form: every form users type reads, and what is
//! written reads back.

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
