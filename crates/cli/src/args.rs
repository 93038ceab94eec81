//! Command-line parsing: the raw options as typed, with no file access and no
//! cross-option checks (those are in [`crate::plan`]).

use crate::CliError;
use engine::Preset;
use lexopt::prelude::*;
use std::ffi::OsString;
use std::path::PathBuf;

/// What the user asked for.
#[derive(Debug, PartialEq)]
pub enum Command {
    Help,
    Version,
    Run(Box<RawRun>),
}

/// Output format of the metrics on stdout.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Json,
    Table,
}

/// The options of `run`, exactly as given (values are checked later).
#[derive(Debug, Default, PartialEq)]
pub struct RawRun {
    pub data: Vec<PathBuf>,
    pub synthetic: bool,
    /// Market dials as `(flag, value)`, applied in order.
    pub market: Vec<(&'static str, String)>,
    pub strategy_files: Vec<PathBuf>,
    pub presets: Vec<String>,
    pub weighting: Option<String>,
    pub rebalance: Option<String>,
    pub top: Option<String>,
    pub name: Option<String>,
    pub fee_bps: Option<String>,
    pub capital: Option<String>,
    pub benchmark: Option<String>,
    pub link: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub equity_csv: Option<PathBuf>,
    pub trades_csv: Option<PathBuf>,
    pub format: Format,
    pub keep_spikes: bool,
    /// Read dates with the year last as day/month/year.
    pub day_first: bool,
    /// `--ever-top K`, as given.
    pub ever_top: Option<String>,
    pub timings: bool,
    /// Run the robustness analyses.
    pub robustness: bool,
    /// Their settings as JSON (a `RobustnessSpec`); implies `robustness`.
    pub robustness_spec: Option<String>,
}

/// The synthetic-market flags and the `MarketParams` field each sets.
pub const MARKET_FLAGS: [&str; 8] =
    ["seed", "assets", "years", "volatility", "crash", "correlation", "dispersion", "start"];

/// The CLI name of a preset (`top100-cap-weekly`), from its serde name.
pub fn preset_name(p: Preset) -> String {
    serde_json::to_value(p).ok().and_then(|v| v.as_str().map(|s| s.replace('_', "-"))).unwrap_or_default()
}

fn usage(msg: impl Into<String>) -> CliError {
    CliError::Usage(msg.into())
}

fn text(v: OsString, flag: &str) -> Result<String, CliError> {
    v.into_string().map_err(|v| usage(format!("{flag}: value {v:?} is not valid UTF-8")))
}

fn lex_error(e: lexopt::Error) -> CliError {
    match e {
        lexopt::Error::UnexpectedOption(o) => usage(format!("unknown option '{o}' (see 'indexlab-cli run --help')")),
        lexopt::Error::UnexpectedArgument(a) => {
            usage(format!("unexpected argument {a:?} (see 'indexlab-cli run --help')"))
        }
        lexopt::Error::MissingValue { option: Some(o) } => usage(format!("option '{o}' needs a value")),
        other => usage(other.to_string()),
    }
}

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, CliError> {
    let mut p = lexopt::Parser::from_args(args);
    let first = p.next().map_err(lex_error)?;
    match first {
        None => Err(usage("missing command: use 'indexlab-cli run [options]' or 'indexlab-cli --help'")),
        Some(Short('h') | Long("help")) => Ok(Command::Help),
        Some(Short('V') | Long("version")) => Ok(Command::Version),
        Some(Value(v)) => match v.to_str() {
            Some("run") => parse_run(&mut p),
            Some("help") => Ok(Command::Help),
            _ => Err(usage(format!("unknown command {v:?}: the only command is 'run' (see 'indexlab-cli --help')"))),
        },
        Some(arg) => Err(lex_error(arg.unexpected())),
    }
}

fn once<T>(slot: &mut Option<T>, flag: &str, v: T) -> Result<(), CliError> {
    if slot.is_some() {
        return Err(usage(format!("{flag} given twice")));
    }
    *slot = Some(v);
    Ok(())
}

fn parse_run(p: &mut lexopt::Parser) -> Result<Command, CliError> {
    let mut r = RawRun::default();
    // After `--data` (also `--data=FILE`), further plain values are files too.
    let mut in_data = false;
    while let Some(arg) = p.next().map_err(lex_error)? {
        let was_data = std::mem::take(&mut in_data);
        match arg {
            Value(v) if was_data => {
                r.data.push(PathBuf::from(v));
                in_data = true;
            }
            Short('h') | Long("help") => return Ok(Command::Help),
            Long("data") => {
                for v in p.values().map_err(lex_error)? {
                    r.data.push(PathBuf::from(v));
                }
                in_data = true;
            }
            Long("synthetic") => r.synthetic = true,
            Long(flag) if MARKET_FLAGS.contains(&flag) => {
                let name = MARKET_FLAGS.iter().find(|f| **f == flag).copied().unwrap_or("seed");
                let v = text(p.value().map_err(lex_error)?, &format!("--{name}"))?;
                if r.market.iter().any(|(f, _)| *f == name) {
                    return Err(usage(format!("--{name} given twice")));
                }
                r.market.push((name, v));
            }
            Long("strategy") => r.strategy_files.push(PathBuf::from(p.value().map_err(lex_error)?)),
            Long("preset") => {
                let v = text(p.value().map_err(lex_error)?, "--preset")?;
                r.presets.push(v);
            }
            Long("weighting") => {
                once(&mut r.weighting, "--weighting", text(p.value().map_err(lex_error)?, "--weighting")?)?
            }
            Long("rebalance") => {
                once(&mut r.rebalance, "--rebalance", text(p.value().map_err(lex_error)?, "--rebalance")?)?
            }
            Long("top") => once(&mut r.top, "--top", text(p.value().map_err(lex_error)?, "--top")?)?,
            Long("name") => once(&mut r.name, "--name", text(p.value().map_err(lex_error)?, "--name")?)?,
            Long("fee-bps") => once(&mut r.fee_bps, "--fee-bps", text(p.value().map_err(lex_error)?, "--fee-bps")?)?,
            Long("capital") => once(&mut r.capital, "--capital", text(p.value().map_err(lex_error)?, "--capital")?)?,
            Long("benchmark") => {
                once(&mut r.benchmark, "--benchmark", text(p.value().map_err(lex_error)?, "--benchmark")?)?
            }
            Long("link") => once(&mut r.link, "--link", text(p.value().map_err(lex_error)?, "--link")?)?,
            Long("from") => once(&mut r.from, "--from", text(p.value().map_err(lex_error)?, "--from")?)?,
            Long("to") => once(&mut r.to, "--to", text(p.value().map_err(lex_error)?, "--to")?)?,
            Long("equity-csv") => {
                once(&mut r.equity_csv, "--equity-csv", PathBuf::from(p.value().map_err(lex_error)?))?
            }
            Long("trades-csv") => {
                once(&mut r.trades_csv, "--trades-csv", PathBuf::from(p.value().map_err(lex_error)?))?
            }
            // Repairing is the default; the flag stays accepted for old scripts.
            Long("repair-spikes") => {}
            Long("keep-spikes") => r.keep_spikes = true,
            Long("day-first") => r.day_first = true,
            Long("ever-top") => {
                once(&mut r.ever_top, "--ever-top", text(p.value().map_err(lex_error)?, "--ever-top")?)?
            }
            Long("timings") => r.timings = true,
            Long("robustness") => r.robustness = true,
            Long("robustness-spec") => once(
                &mut r.robustness_spec,
                "--robustness-spec",
                text(p.value().map_err(lex_error)?, "--robustness-spec")?,
            )?,
            Long("format") => {
                let v = text(p.value().map_err(lex_error)?, "--format")?;
                r.format = match v.as_str() {
                    "json" => Format::Json,
                    "table" => Format::Table,
                    _ => return Err(usage(format!("--format: unknown format '{v}' (use json or table)"))),
                };
            }
            other => return Err(lex_error(other.unexpected())),
        }
    }
    Ok(Command::Run(Box::new(r)))
}

/// The `--help` text.
pub fn help() -> String {
    let presets: String = Preset::ALL
        .iter()
        .map(|&p| format!("                         {:<30} {}", preset_name(p), engine::Strategy::preset(p).name))
        .collect::<Vec<_>>()
        .join("\n");
    format!(
        "\
indexlab-cli: run IndexLab crypto index simulations from the command line

USAGE:
    indexlab-cli run [OPTIONS]
    indexlab-cli --help | --version

The numbers are those of the web app: both call engine::compare.

DATA (exactly one source; a --link with a built-in market counts as --synthetic):
    --data FILE...       One or more price files, in any format the app reads
                         (CoinGecko CSV exports, long or wide CSV, CoinMarketCap,
                         Yahoo, CryptoDataDownload, CoinGecko JSON), .gz too.
                         Every value up to the next option is a file, so shell
                         globs work: --data exports/*.csv
    --keep-spikes        Keep the one-day price spikes the loader flags (by
                         default they are replaced by the previous day's
                         price; a link made with spikes kept keeps them too).
                         Load warnings (spikes, gaps, pegged and copied
                         coins left out of universes) are printed on stderr.
    --day-first          Read dates with the year last as day/month/year
                         (25/12/2021). Without it the order is detected per
                         file, month/day/year when the dates do not tell.
    --ever-top K         Load only the coins that were ever in the top K by
                         market cap (ranked on each day's caps in the files;
                         coins without caps are left out). For files of every
                         coin: a Top N universe is unchanged when K leaves
                         room for the excluded stablecoins (2 x N is plenty).
    --synthetic          The built-in synthetic market (seeded, reproducible).
      --seed N             Random seed (default 42).
      --assets N           Number of assets, 2..2000 (default 100).
      --years Y            Length in years, 0.1..20 (default 6).
      --volatility X       Volatility multiplier, 0..5 (default 1).
      --crash X            Crash severity, 0..3 (default 1).
      --correlation X      Share of variance from common factors, 0..1 (default 0.5).
      --dispersion X       Spread of long-run drifts, 0..5 (default 1).
      --start DATE         First day, YYYY-MM-DD (default 2018-01-01).
    --from DATE          Simulate from this date (YYYY-MM-DD, inclusive).
    --to DATE            Simulate up to this date (inclusive).

STRATEGIES (any mix; they run side by side, in this order):
    --link URL           A share link (a whole URL or just 's.v1.…'): its
                         strategies, market, date range and capital. A link
                         made on uploaded data needs the files with --data;
                         --data (or market flags) override the link's market.
    --strategy FILE      A JSON strategy (the app's format, e.g.
                         {{\"weighting\": \"equal\", \"universe\": {{\"top_n\": 10}}}}) or
                         a JSON array of strategies. Repeatable.
    --preset NAME        A built-in strategy. Repeatable. Names:
{presets}
    One custom strategy (default: equal weight, monthly, all non-stablecoin
    assets) is added when --weighting, --rebalance, --top or --name is given,
    or when no other strategy is:
    --weighting W        cap | equal | sqrt | capped:MAX (e.g. capped:0.3 or
                         capped:30%) | invvol:DAYS | erc:DAYS | volume:DAYS
                         (e.g. invvol:90) | custom:ID=W;ID=W (any case; the
                         strategy JSON's names, e.g. market_cap, also read)
    --rebalance R        daily | weekly | monthly | quarterly | yearly | never |
                         every:N (every N calendar days)
    --top N              Hold only the N largest assets by market cap.
    --name NAME          Name of the custom strategy.
    These two apply to EVERY strategy of the run (as the app's global settings):
    --fee-bps X          Trading fee in basis points (default 10).
    --capital X          Starting capital in currency units (default 10000).
    --benchmark N        The benchmark for tracking error, beta, etc.: the N-th
                         strategy (1-based, in the order above) or 'none'.
                         Default: the last single-asset buy-and-hold (such as
                         bitcoin-buy-and-hold) if there is one, else none.

OUTPUT:
    --format json|table  stdout format (default json). JSON: {{\"data\": …,
                         \"benchmark\": …, \"strategies\": [{{\"index\", \"name\",
                         \"is_benchmark\", \"final_value\", \"trades\", \"metrics\",
                         \"warnings\"}}]}}; \"data\" holds the ingest report summary
                         for files or the market parameters. Metrics are
                         fractions (0.12 = 12%); dates are days since 1970-01-01.
    --equity-csv PATH    Write date + one equity column per strategy (currency).
    --trades-csv PATH    Write every trade: date,strategy,asset,side,units,price,
                         value,fee,reason (units, value and fee in currency).
    --timings            Print the time spent loading, simulating and writing,
                         and the peak resident memory (Linux), on stderr.
    --robustness         How sure is the answer: timing luck (every rebalance
                         day), start-date windows, a block bootstrap of the
                         first two strategies (or the link's pair), regimes
                         and a verdict. JSON gets a \"robustness\" object;
                         the table a section under the metrics.
    --robustness-spec J  Their settings as JSON (implies --robustness), e.g.
                         {{\"window\": {{\"years\": 1}}, \"pair\": [0, 2],
                         \"resamples\": 5000, \"seed\": 7, \"block\": \"auto\"}};
                         a link's settings are used when it has them.

EXIT CODES:
    0 success; 1 data or simulation error (the engine's message on stderr);
    2 bad arguments (unknown option, missing value, unreadable file, invalid
    strategy JSON or link, no or conflicting data source).

EXAMPLES:
    indexlab-cli run --data exports/*.csv --preset top10-equal-monthly --preset bitcoin-buy-and-hold
    indexlab-cli run --synthetic --seed 7 --weighting capped:0.3 --top 20 --rebalance quarterly --format table
    indexlab-cli run --data top150.csv.gz --preset top100-cap-weekly --equity-csv equity.csv
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(args: &[&str]) -> RawRun {
        match parse(args.iter().map(OsString::from)).unwrap() {
            Command::Run(r) => *r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn data_takes_every_value_up_to_the_next_option() {
        let r = raw(&["run", "--data", "a.csv", "b.csv", "--preset", "x", "--data=c.csv", "d.csv"]);
        assert_eq!(r.data, ["a.csv", "b.csv", "c.csv", "d.csv"].map(PathBuf::from));
        assert_eq!(r.presets, ["x"]);
        let e = parse(["run", "--preset", "x", "stray"].map(OsString::from)).unwrap_err();
        assert!(matches!(e, CliError::Usage(m) if m.contains("unexpected argument \"stray\"")));
    }

    #[test]
    fn market_flags_keep_their_order_and_refuse_repeats() {
        let r = raw(&["run", "--synthetic", "--seed", "3", "--years=2"]);
        assert_eq!(r.market, [("seed", "3".to_string()), ("years", "2".to_string())]);
        assert!(parse(["run", "--seed", "1", "--seed", "2"].map(OsString::from)).is_err());
        assert_eq!(parse(["help"].map(OsString::from)).unwrap(), Command::Help);
    }
}
