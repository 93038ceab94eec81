//! Turns the raw options into a checked run plan: one data source, the
//! strategies (validated), the benchmark, the date range and the outputs.
//! Everything wrong here is a usage error (exit code 2).

use crate::args::{preset_name, Format, RawRun};
use crate::CliError;
use engine::compare::default_benchmark;
use engine::robustness::RobustnessSpec;
use engine::scenario::{DataRef, Scenario};
use engine::sweep::SweepSpec;
use engine::synth::MarketParams;
use engine::{Date, Preset, Schedule, Strategy, Weighting};
use std::path::{Path, PathBuf};

#[derive(Debug, PartialEq)]
pub enum Source {
    Files(Vec<PathBuf>),
    /// A link's files by address (no `--data`): fetched, then checked byte for byte.
    Urls(Vec<engine::scenario::FileRef>),
    Synthetic(MarketParams),
}

#[derive(Debug)]
pub struct Plan {
    pub source: Source,
    /// Keep the one-day spikes the loader flags (repaired by default).
    pub keep_spikes: bool,
    /// Read dates with the year last as day/month/year (`Some(true)`), month
    /// first (`Some(false)`, from a link) or detect (`None`).
    pub day_first: Option<bool>,
    /// Load only the coins ever in the top K by market cap (`--ever-top`,
    /// or the link's).
    pub ever_top: Option<usize>,
    /// A format forced on every file (from a link made that way).
    pub ingest_format: Option<engine::ingest::Format>,
    /// The link's files (name and SHA-256), to check `--data` against.
    pub link_files: Vec<engine::scenario::FileRef>,
    pub strategies: Vec<Strategy>,
    /// Index into `strategies`.
    pub benchmark: Option<usize>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub equity_csv: Option<PathBuf>,
    pub trades_csv: Option<PathBuf>,
    pub format: Format,
    pub timings: bool,
    /// The link's parameter sweep, on the final strategies (capital and fee
    /// applied, as the page applies its capital).
    pub sweep: Option<SweepSpec>,
    /// The robustness analyses to run (from `--robustness`, `--robustness-spec` or the link).
    pub robustness: Option<RobustnessSpec>,
}

fn usage(msg: impl Into<String>) -> CliError {
    CliError::Usage(msg.into())
}

fn number(flag: &str, v: &str) -> Result<f64, CliError> {
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| usage(format!("{flag}: '{v}' is not a number")))
}

fn whole(flag: &str, v: &str) -> Result<u64, CliError> {
    v.trim().parse::<u64>().map_err(|_| usage(format!("{flag}: '{v}' is not a whole number >= 0")))
}

fn date(flag: &str, v: &str) -> Result<Date, CliError> {
    Date::parse_iso(v.trim()).ok_or_else(|| usage(format!("{flag}: '{v}' is not a date (use YYYY-MM-DD)")))
}

/// A weighting in the engine's text form ([`engine::rules_text`]):
/// `cap`, `equal`, `sqrt`, `capped:0.3`, `invvol:90`, `erc:90`, `volume:30`, ...
pub fn parse_weighting(v: &str) -> Result<Weighting, CliError> {
    v.parse().map_err(|e| usage(format!("--weighting '{v}': {e}")))
}

/// A schedule in the engine's text form: `daily` ... `yearly`, `never`, `every:N`.
pub fn parse_rebalance(v: &str) -> Result<Schedule, CliError> {
    v.parse().map_err(|e| usage(format!("--rebalance '{v}': {e}")))
}

pub fn parse_preset(v: &str) -> Result<Preset, CliError> {
    let key = v.trim().to_lowercase().replace('-', "_");
    serde_json::from_value::<Preset>(serde_json::Value::String(key)).map_err(|_| {
        let known: Vec<String> = Preset::ALL.iter().map(|&p| preset_name(p)).collect();
        usage(format!("--preset '{v}': unknown preset (known: {})", known.join(", ")))
    })
}

fn read_text(flag: &str, path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|e| usage(format!("{flag} {}: cannot read the file: {e}", path.display())))
}

/// A JSON strategy or an array of strategies.
pub fn parse_strategies(json: &str) -> Result<Vec<Strategy>, String> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("invalid JSON: {e}"))?;
    match value {
        serde_json::Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| serde_json::from_value(v).map_err(|e| format!("strategy {}: invalid strategy: {e}", i + 1)))
            .collect(),
        v @ serde_json::Value::Object(_) => {
            serde_json::from_value(v).map(|s| vec![s]).map_err(|e| format!("invalid strategy: {e}"))
        }
        _ => Err("expected a JSON object (a strategy) or an array of strategies".into()),
    }
}

/// `--ever-top K`: a whole number from 1 to 100,000.
fn ever_top(v: &str) -> Result<usize, CliError> {
    match v.trim().parse::<usize>() {
        Ok(k) if (1..=100_000).contains(&k) => Ok(k),
        _ => Err(usage(format!("--ever-top: expected a whole number of coins from 1 to 100000, got '{v}'"))),
    }
}

fn decode_link(link: &str) -> Result<Scenario, CliError> {
    Scenario::from_link(link).map_err(|e| usage(format!("--link: {e}")))
}

/// Checks the options and reads the strategy files and the link.
pub fn plan(raw: RawRun) -> Result<Plan, CliError> {
    let scenario = raw.link.as_deref().map(decode_link).transpose()?;

    // --- Data source.
    let link_data = scenario.as_ref().map(|s| &s.data);
    let link_market = match link_data {
        Some(DataRef::Synthetic(m)) => Some(m.clone()),
        _ => None,
    };
    if !raw.data.is_empty() && raw.synthetic {
        return Err(usage("--data and --synthetic are two data sources: give only one"));
    }
    if let Some((flag, _)) = raw.market.first() {
        if !raw.data.is_empty() {
            return Err(usage(format!("--{flag} sets the synthetic market: it cannot be used with --data")));
        }
        if !raw.synthetic && link_market.is_none() {
            return Err(usage(format!("--{flag} sets the synthetic market: add --synthetic")));
        }
    }
    let source = if !raw.data.is_empty() {
        Source::Files(raw.data)
    } else if raw.synthetic || link_market.is_some() {
        let mut m = link_market.unwrap_or_default();
        for (flag, v) in &raw.market {
            let f = format!("--{flag}");
            match *flag {
                "seed" => m.seed = whole(&f, v)?,
                "assets" => m.n_assets = whole(&f, v)? as usize,
                "years" => m.years = number(&f, v)?,
                "volatility" => m.volatility = number(&f, v)?,
                "crash" => m.crash_severity = number(&f, v)?,
                "correlation" => m.correlation = number(&f, v)?,
                "dispersion" => m.dispersion = number(&f, v)?,
                "start" => m.start = date(&f, v)?,
                _ => unreachable!("market flag {flag} not handled"),
            }
        }
        m.validate().map_err(|e| usage(format!("synthetic market: {e}")))?;
        Source::Synthetic(m)
    } else if let Some(files) = link_data.and_then(DataRef::fetchable) {
        Source::Urls(files.to_vec())
    } else if scenario.is_some() {
        return Err(usage(
            "--link: this scenario was made on uploaded data, not the built-in market: give the data files with --data",
        ));
    } else {
        return Err(usage("no data source: give --data FILE... or --synthetic"));
    };

    // --- Strategies, each with where it came from (for messages).
    let mut strategies: Vec<(String, Strategy)> = Vec::new();
    if let Some(s) = &scenario {
        for (i, st) in s.strategies.iter().enumerate() {
            strategies.push((format!("--link strategy {}", i + 1), st.clone()));
        }
    }
    for path in &raw.strategy_files {
        let text = read_text("--strategy", path)?;
        let list = parse_strategies(&text).map_err(|e| usage(format!("--strategy {}: {e}", path.display())))?;
        let many = list.len() > 1;
        for (i, st) in list.into_iter().enumerate() {
            let origin = if many {
                format!("--strategy {} (strategy {})", path.display(), i + 1)
            } else {
                format!("--strategy {}", path.display())
            };
            strategies.push((origin, st));
        }
    }
    for name in &raw.presets {
        strategies.push((format!("--preset {name}"), Strategy::preset(parse_preset(name)?)));
    }
    let custom_flags = raw.weighting.is_some() || raw.rebalance.is_some() || raw.top.is_some() || raw.name.is_some();
    if custom_flags || strategies.is_empty() {
        let mut s = Strategy::default();
        if let Some(w) = &raw.weighting {
            s.weighting = parse_weighting(w)?;
        }
        if let Some(r) = &raw.rebalance {
            s.rebalance = parse_rebalance(r)?;
        }
        if let Some(t) = &raw.top {
            let n = whole("--top", t)? as usize;
            if n == 0 {
                return Err(usage("--top: must be at least 1"));
            }
            s.universe.top_n = Some(n);
        }
        s.name = match &raw.name {
            Some(n) => n.clone(),
            None => s.describe(),
        };
        strategies.push(("the custom strategy (--weighting/--rebalance/--top)".into(), s));
    }

    // --- Global settings, as the app applies them to every strategy.
    let capital = match &raw.capital {
        Some(c) => Some(number("--capital", c)?),
        None => scenario.as_ref().map(|s| s.initial_capital),
    };
    let fee = raw.fee_bps.as_deref().map(|f| number("--fee-bps", f)).transpose()?;
    for (origin, s) in &mut strategies {
        if let Some(c) = capital {
            s.initial_capital = c;
        }
        if let Some(f) = fee {
            s.costs.fee_bps = f;
        }
        s.record_trades = true;
        if let Err(e) = s.validate() {
            let hint = match e.field.as_str() {
                "initial_capital" if raw.capital.is_some() => " (from --capital)",
                "costs.fee_bps" if fee.is_some() => " (from --fee-bps)",
                _ => "",
            };
            return Err(usage(format!("{origin} ('{}'): {}{hint}", s.name, e.message)));
        }
    }
    let strategies: Vec<Strategy> = strategies.into_iter().map(|(_, s)| s).collect();
    // The link's strategies come first, so the sweep's index still names its base.
    let sweep = scenario
        .as_ref()
        .and_then(|s| s.sweep.as_ref())
        .map(|form| form.spec(&strategies).map_err(|e| usage(format!("--link: parameter sweep: {e}"))))
        .transpose()?;

    // --- Robustness: the flag's spec, else the link's, else the defaults.
    let robustness = match &raw.robustness_spec {
        Some(text) => Some(
            serde_json::from_str::<RobustnessSpec>(text)
                .map_err(|e| usage(format!("--robustness-spec: not a valid spec: {e}")))?,
        ),
        None if raw.robustness => Some(scenario.as_ref().and_then(|s| s.robustness.clone()).unwrap_or_default()),
        None => None,
    };
    if let Some(spec) = &robustness {
        spec.validate().map_err(|e| usage(format!("--robustness: {e}")))?;
        spec.pair_in(strategies.len()).map_err(|e| usage(format!("--robustness: {e}")))?;
    }

    // --- Benchmark.
    let benchmark = match raw.benchmark.as_deref().map(str::trim) {
        Some("none") => None,
        Some(v) => {
            let n = v.parse::<usize>().ok().filter(|n| (1..=strategies.len()).contains(n)).ok_or_else(|| {
                usage(format!("--benchmark '{v}': use 'none' or a strategy number from 1 to {}", strategies.len()))
            })?;
            Some(n - 1)
        }
        None => default_benchmark(&strategies),
    };

    // --- Date range.
    let (mut from, mut to) = match scenario.as_ref().and_then(|s| s.range) {
        Some((a, b)) => (Some(a), Some(b)),
        None => (None, None),
    };
    if let Some(v) = &raw.from {
        from = Some(date("--from", v)?);
    }
    if let Some(v) = &raw.to {
        to = Some(date("--to", v)?);
    }
    if let (Some(a), Some(b)) = (from, to) {
        if a > b {
            return Err(usage(format!("the date range is empty: from {a} is after to {b}")));
        }
    }

    // --- How the link's files were read, to read `--data` the same way, and
    // each file's SHA-256, to check it.
    let read_how = link_data.map(DataRef::read_how).unwrap_or_default();
    let link_files = match link_data {
        Some(DataRef::Files { files, .. }) => files.clone(),
        _ => Vec::new(),
    };
    Ok(Plan {
        source,
        keep_spikes: raw.keep_spikes || read_how.keep_spikes,
        day_first: if raw.day_first { Some(true) } else { read_how.day_first },
        ever_top: match &raw.ever_top {
            Some(v) => Some(ever_top(v)?),
            None => read_how.ever_top,
        },
        ingest_format: read_how.format,
        link_files,
        strategies,
        benchmark,
        from,
        to,
        equity_csv: raw.equity_csv,
        trades_csv: raw.trades_csv,
        format: raw.format,
        timings: raw.timings,
        sweep,
        robustness,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weightings_and_schedules() {
        assert_eq!(parse_weighting("capped:0.3").unwrap(), Weighting::CappedMarketCap { max_weight: 0.3 });
        assert_eq!(parse_weighting("erc:90").unwrap(), Weighting::EqualRiskContribution { lookback: 90 });
        assert_eq!(parse_weighting("cap").unwrap(), Weighting::MarketCap);
        assert!(parse_weighting("cap:3").is_err());
        assert!(parse_weighting("invvol").is_err());
        assert!(parse_weighting("bogus").is_err());
        assert_eq!(parse_rebalance("every:14").unwrap(), Schedule::EveryNDays(14));
        assert_eq!(parse_rebalance("never").unwrap(), Schedule::Never);
        assert!(parse_rebalance("every:0").is_err());
        assert!(parse_rebalance("fortnightly").is_err());
        // The engine's grammar: any case, serde names, percentages.
        assert_eq!(parse_weighting("Capped_Market_Cap:30%").unwrap(), Weighting::CappedMarketCap { max_weight: 0.3 });
        assert_eq!(parse_rebalance("Every_N_Days:7").unwrap(), Schedule::EveryNDays(7));
        let CliError::Usage(e) = parse_rebalance("weekly:2").unwrap_err() else { panic!("a usage error") };
        assert_eq!(e, "--rebalance 'weekly:2': 'weekly' takes no ':' value");
    }

    #[test]
    fn every_preset_name_parses_back() {
        for p in Preset::ALL {
            assert_eq!(parse_preset(&preset_name(p)).unwrap(), p);
        }
        assert_eq!(parse_preset("top100-cap-weekly").unwrap(), Preset::Top100CapWeekly);
        assert!(parse_preset("top7").is_err());
    }

    #[test]
    fn strategy_files_take_one_or_many() {
        assert_eq!(parse_strategies(r#"{"weighting": "equal"}"#).unwrap().len(), 1);
        assert_eq!(parse_strategies(r#"[{}, {"rebalance": "weekly"}]"#).unwrap()[1].rebalance, Schedule::Weekly);
        assert!(parse_strategies("[1]").unwrap_err().contains("strategy 1"));
        assert!(parse_strategies("3").is_err());
        assert!(parse_strategies("{").unwrap_err().starts_with("invalid JSON"));
    }

    #[test]
    fn default_benchmark_is_the_last_single_asset_hold() {
        let s = [Strategy::preset(Preset::BitcoinBuyAndHold), Strategy::default()];
        assert_eq!(default_benchmark(&s), Some(0));
        assert_eq!(default_benchmark(&s[1..]), None);
    }
}
