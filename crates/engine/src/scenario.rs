//! A whole simulation setup: the data it runs on, the strategies, the date
//! range, the capital and how the charts are viewed. This is what a share
//! link carries (`#s.v1.…`, see [`crate::share`]) and what the CLI's `--link`
//! reproduces.
//!
//! The data is identified, not carried: the built-in market by its seed and
//! dials (so a link reproduces the run exactly), uploaded files by their
//! names, each file's SHA-256 and how they were read, which the recipient's
//! files are checked against. Links made before file hashes carry only the
//! SHA-256 fingerprint of the loaded panel ([`crate::share::fingerprint`]).

use crate::date::Date;
use crate::ingest::Format;
use crate::robustness::RobustnessSpec;
use crate::share::{self, ShareError};
use crate::strategy::{short, Strategy};
use crate::sweep::SweepForm;
use crate::synth::MarketParams;
use serde::{Deserialize, Serialize};

/// The link kind tag of a scenario: links read `s.v1.<payload>`.
pub const SCENARIO_KIND: &str = "s";

/// The most strategies a scenario may hold.
pub const MAX_STRATEGIES: usize = 8;

/// The most file names a link on uploaded data may carry.
pub const MAX_FILES: usize = 1_000;
/// The longest file name a link may carry, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 255;

/// The largest initial capital accepted (currency units).
pub const MAX_CAPITAL: f64 = 1e15;

/// The longest message about a link, in characters: a link cannot fill the
/// page with its own text.
pub const MAX_MESSAGE_CHARS: usize = 300;

/// The earliest and latest dates a scenario's range may name.
pub fn date_bounds() -> (Date, Date) {
    (Date::from_ymd(1900, 1, 1).expect("a date"), Date::from_ymd(2200, 12, 31).expect("a date"))
}

/// The day indices of `dates` from `from` to `to` (inclusive; either end
/// open), or the message the page and the CLI both give when no day of the
/// data lies in between.
pub fn range_in(dates: &[Date], from: Option<Date>, to: Option<Date>) -> Result<(usize, usize), String> {
    crate::prepare::days_in(dates, from, to).map_err(|e| e.to_string())
}

/// `text` cut to [`MAX_MESSAGE_CHARS`] with an ellipsis.
pub fn bounded(text: String) -> String {
    if text.chars().count() <= MAX_MESSAGE_CHARS {
        return text;
    }
    let cut: String = text.chars().take(MAX_MESSAGE_CHARS - 1).collect();
    format!("{cut}…")
}

/// Which data a scenario runs on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataRef {
    /// The built-in market with these dials.
    Synthetic(MarketParams),
    /// Files the sender loaded: their names, a fingerprint, the SHA-256 of
    /// each raw file, and how the sender read them: kept the flagged one-day
    /// spikes (repaired by default), a forced format, a date order, the
    /// "ever in the top K" filter. The
    /// fingerprint is [`share::files_fingerprint`] of the file hashes; in
    /// links made before file hashes (no `files`), it is the loaded panel's
    /// [`share::fingerprint`]. Fields at their defaults are left out of links.
    Files {
        names: Vec<String>,
        fingerprint: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        keep_spikes: bool,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        files: Vec<FileRef>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<Format>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        day_first: Option<bool>,
        /// Only the coins ever in the top K by market cap were loaded
        /// ([`crate::ingest::top_filter`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ever_top: Option<usize>,
    },
}

/// One raw file of a link on uploaded data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRef {
    pub name: String,
    /// SHA-256 of the file's bytes as loaded ([`share::file_sha256`]).
    pub sha256: String,
    /// Where the file can be fetched ([`crate::data_url`]), when it was
    /// loaded from an address rather than uploaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Its size in bytes, shown before fetching.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

/// How files are read: the choices a link carries with its files, so the
/// receiver reads them the sender's way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadHow {
    /// Keep the flagged one-day spikes (repaired by default).
    pub keep_spikes: bool,
    /// A format forced on every file; `None` detects each file's.
    pub format: Option<Format>,
    /// The order of `12/03/2021`-style dates; `None` detects it.
    pub day_first: Option<bool>,
    /// Only the coins ever in the top K by market cap
    /// ([`crate::ingest::top_filter`]); `None` loads all.
    pub ever_top: Option<usize>,
}

impl ReadHow {
    /// The loader's options for these choices.
    pub fn ingest_options(&self) -> crate::ingest::IngestOptions {
        crate::ingest::IngestOptions {
            repair_spikes: !self.keep_spikes,
            format: self.format,
            day_first: self.day_first,
            ever_top: self.ever_top,
            ..crate::ingest::IngestOptions::default()
        }
    }
}

impl DataRef {
    /// Files as loaded: their names, fingerprint, each file's name, SHA-256
    /// and address, and how they were read.
    pub fn files(names: Vec<String>, fingerprint: String, files: Vec<FileRef>, how: ReadHow) -> DataRef {
        let ReadHow { keep_spikes, format, day_first, ever_top } = how;
        DataRef::Files { names, fingerprint, keep_spikes, files, format, day_first, ever_top }
    }

    /// Each file's name, SHA-256 and address (none for the built-in market).
    pub fn file_refs(&self) -> &[FileRef] {
        match self {
            DataRef::Files { files, .. } => files,
            DataRef::Synthetic(_) => &[],
        }
    }

    /// How a link's files were read (the defaults for the built-in market).
    pub fn read_how(&self) -> ReadHow {
        match self {
            DataRef::Files { keep_spikes, format, day_first, ever_top, .. } => {
                ReadHow { keep_spikes: *keep_spikes, format: *format, day_first: *day_first, ever_top: *ever_top }
            }
            DataRef::Synthetic(_) => ReadHow::default(),
        }
    }
}

impl FileRef {
    /// A file known by name and hash only (uploaded).
    pub fn uploaded(name: &str, sha256: String) -> FileRef {
        FileRef { name: name.to_string(), sha256, url: None, size: None }
    }
}

/// How the files a user loaded compare with the files a link names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileMatch {
    /// Every file of the link is there, byte for byte, and nothing else.
    Same,
    /// Some files differ or are missing (the link's names), or extra ones were loaded.
    Partial { differ: Vec<String>, extra: Vec<String> },
    /// No file of the link is there.
    Different,
}

/// Compares loaded files with a link's by their SHA-256 (names do not
/// matter: a renamed copy is the same data).
pub fn match_files(link: &[FileRef], loaded: &[FileRef]) -> FileMatch {
    let mut left: Vec<&FileRef> = loaded.iter().collect();
    let mut differ = Vec::new();
    for f in link {
        match left.iter().position(|l| l.sha256 == f.sha256) {
            Some(i) => {
                left.remove(i);
            }
            None => differ.push(f.name.clone()),
        }
    }
    let extra: Vec<String> = left.iter().map(|l| l.name.clone()).collect();
    if differ.is_empty() && extra.is_empty() {
        FileMatch::Same
    } else if differ.len() == link.len() {
        FileMatch::Different
    } else {
        FileMatch::Partial { differ, extra }
    }
}

impl DataRef {
    /// The files, when every one of them has an address: data a page or the
    /// CLI can fetch by itself ([`crate::data_url`]). `None` for the built-in
    /// market, uploaded files, or a mix.
    pub fn fetchable(&self) -> Option<&[FileRef]> {
        match self {
            DataRef::Files { files, .. } if !files.is_empty() && files.iter().all(|f| f.url.is_some()) => Some(files),
            _ => None,
        }
    }
}

impl Default for DataRef {
    fn default() -> Self {
        DataRef::Synthetic(MarketParams::default())
    }
}

/// How the results are viewed (changes no number).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChartView {
    pub log_scale: bool,
    /// The open secondary tab: `weights`, `rolling`, `monthly`, `turnover` or `log`.
    pub tab: String,
    /// Zoomed date window.
    pub zoom: Option<(Date, Date)>,
    pub rolling_window: usize,
    /// Index into the strategies of the one shown in the weights chart and log.
    pub focus: Option<usize>,
    pub dark: bool,
    /// Show only the charts and a lesson's controls (for an iframe).
    pub embed: bool,
    /// The lesson open when the link was made.
    pub lesson: Option<String>,
}

impl Default for ChartView {
    fn default() -> Self {
        ChartView {
            log_scale: true,
            tab: "weights".into(),
            zoom: None,
            rolling_window: 90,
            focus: None,
            dark: false,
            embed: false,
            lesson: None,
        }
    }
}

/// Everything needed to reproduce a simulation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scenario {
    pub data: DataRef,
    pub strategies: Vec<Strategy>,
    /// Simulated date range (inclusive); `None` = all the data.
    pub range: Option<(Date, Date)>,
    /// Capital in currency units, applied to every strategy.
    pub initial_capital: f64,
    pub view: ChartView,
    /// The parameter sweep shown, as its form reads; left out of links
    /// without one (so they read as before).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepForm>,
    /// The robustness analyses asked for; left out of links without them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub robustness: Option<RobustnessSpec>,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            data: DataRef::default(),
            strategies: Vec::new(),
            range: None,
            initial_capital: 10_000.0,
            view: ChartView::default(),
            sweep: None,
            robustness: None,
        }
    }
}

impl Scenario {
    /// The link payload (`s.v1.…`), to put after `#` in the page's address.
    pub fn to_link(&self) -> Result<String, ShareError> {
        share::encode(SCENARIO_KIND, self)
    }

    /// Reads a link (a whole URL, a `#fragment` or the bare payload) and
    /// checks that what it holds is usable; errors say what is wrong.
    pub fn from_link(link: &str) -> Result<Scenario, String> {
        let s: Scenario =
            share::decode(SCENARIO_KIND, link).map_err(|e| bounded(format!("This link cannot be read: {e}")))?;
        s.validate().map_err(|e| bounded(format!("This link holds an invalid scenario: {e}")))?;
        Ok(s)
    }

    /// Checks the strategies, the market dials, the range and the capital.
    pub fn validate(&self) -> Result<(), String> {
        if self.strategies.len() > MAX_STRATEGIES {
            return Err(format!("{} strategies; at most {MAX_STRATEGIES} are allowed", self.strategies.len()));
        }
        for (i, s) in self.strategies.iter().enumerate() {
            s.validate().map_err(|e| format!("strategy {} (“{}”): {e}", i + 1, short(&s.name)))?;
        }
        match &self.data {
            DataRef::Synthetic(m) => m.validate().map_err(|e| format!("built-in market: {e}"))?,
            DataRef::Files { names, fingerprint, files, .. } => {
                if files.len() > MAX_FILES {
                    return Err(format!("{} files; at most {MAX_FILES} are allowed", files.len()));
                }
                if files.iter().any(|f| f.sha256.len() != 64 || !f.sha256.bytes().all(|b| b.is_ascii_hexdigit())) {
                    return Err("a file's SHA-256 is not 64 hexadecimal digits".into());
                }
                if files.iter().any(|f| f.name.chars().count() > MAX_FILE_NAME_CHARS) {
                    return Err(format!("a file name is longer than {MAX_FILE_NAME_CHARS} characters"));
                }
                for f in files {
                    if let Some(u) = &f.url {
                        crate::data_url::check(u).map_err(|e| format!("file {}: {e}", short(&f.name)))?;
                    }
                    if f.size.is_some_and(|n| n > crate::ingest::limits::MAX_FILE_BYTES) {
                        return Err(format!(
                            "file {}: {} bytes, over the limit of {} bytes per file",
                            short(&f.name),
                            f.size.unwrap_or(0),
                            crate::ingest::limits::MAX_FILE_BYTES
                        ));
                    }
                }
                if names.len() > MAX_FILES {
                    return Err(format!("{} file names; at most {MAX_FILES} are allowed", names.len()));
                }
                if let Some(n) = names.iter().find(|n| n.chars().count() > MAX_FILE_NAME_CHARS) {
                    return Err(format!(
                        "a file name of {} characters; at most {MAX_FILE_NAME_CHARS} are allowed",
                        n.chars().count()
                    ));
                }
                if fingerprint.len() != 64 || !fingerprint.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err("the data fingerprint is not a SHA-256 (64 hexadecimal digits)".into());
                }
            }
        }
        if let Some((a, b)) = self.range {
            let (lo, hi) = date_bounds();
            if a < lo || b > hi {
                return Err(format!("the date range must lie between {lo} and {hi}"));
            }
            if a >= b {
                return Err(format!("the date range {a} to {b} is empty"));
            }
        }
        if !(self.initial_capital.is_finite() && self.initial_capital > 0.0) {
            return Err(format!("initial capital must be above 0 (got {})", short(&self.initial_capital.to_string())));
        }
        if self.initial_capital > MAX_CAPITAL {
            return Err("initial capital must be at most 1e15".to_string());
        }
        if let Some(f) = self.view.focus {
            if f >= self.strategies.len().max(1) {
                return Err(format!("the focused strategy {f} does not exist"));
            }
        }
        if let Some(sweep) = &self.sweep {
            sweep.spec(&self.strategies).map_err(|e| format!("parameter sweep: {e}"))?;
        }
        if let Some(r) = &self.robustness {
            r.validate().map_err(|e| format!("robustness: {e}"))?;
            r.pair_in(self.strategies.len()).map_err(|e| format!("robustness: {e}"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Preset;

    fn typical() -> Scenario {
        Scenario {
            strategies: [Preset::Top100CapWeekly, Preset::Top10EqualMonthly, Preset::BitcoinBuyAndHold]
                .into_iter()
                .map(Strategy::preset)
                .collect(),
            range: Some((Date::from_ymd(2019, 1, 1).unwrap(), Date::from_ymd(2022, 6, 30).unwrap())),
            ..Scenario::default()
        }
    }

    #[test]
    fn a_typical_scenario_fits_in_1500_characters_and_round_trips() {
        let s = typical();
        let link = s.to_link().unwrap();
        assert!(link.starts_with("s.v1."), "{link}");
        assert!(link.len() < 1500, "link has {} characters", link.len());
        assert_eq!(Scenario::from_link(&format!("https://example.org/app/#{link}")).unwrap(), s);
    }

    #[test]
    fn bad_links_say_what_is_wrong() {
        let link = typical().to_link().unwrap();
        let truncated = &link[..link.len() / 2];
        assert!(Scenario::from_link(truncated).unwrap_err().starts_with("This link cannot be read"));
        assert!(Scenario::from_link("").is_err());
        assert!(Scenario::from_link("x.v1.abc").unwrap_err().contains("cannot be read"));
        let mut bad = typical();
        bad.strategies[1].universe.top_n = Some(0);
        let e = Scenario::from_link(&bad.to_link().unwrap()).unwrap_err();
        assert!(e.contains("strategy 2") && e.contains("top_n"), "{e}");
        let mut bad = typical();
        bad.initial_capital = -5.0;
        assert!(Scenario::from_link(&bad.to_link().unwrap()).unwrap_err().contains("initial capital"));
    }

    /// A link made by version 1; it must keep decoding to the same scenario.
    #[test]
    fn version_1_links_keep_decoding() {
        let s = Scenario::from_link(V1_LINK).unwrap();
        assert_eq!(s.strategies.len(), 2);
        assert_eq!(s.strategies[0].name, "Top 10, equal-weighted, monthly");
        assert_eq!(s.initial_capital, 2500.0);
        assert_eq!(s.data, DataRef::Synthetic(MarketParams { seed: 7, ..MarketParams::default() }));
    }

    const V1_LINK: &str = include_str!("../tests/data/links/scenario-v1.txt");

    #[test]
    fn a_sweep_travels_in_the_link_and_is_checked() {
        let plain = typical().to_link().unwrap();
        let decoded = crate::share::decode::<serde_json::Value>(SCENARIO_KIND, &plain).unwrap();
        assert!(decoded.get("sweep").is_none(), "a link without a sweep reads as before");
        let mut s = typical();
        s.sweep = Some(SweepForm {
            base: 2,
            dims: vec![("top_n".into(), "5, 10".into()), ("fee_bps".into(), "0, 25".into())],
            metric: crate::metrics::MetricId::MaxDrawdown,
        });
        let back = Scenario::from_link(&s.to_link().unwrap()).unwrap();
        assert_eq!(back, s);
        s.sweep.as_mut().unwrap().base = 3;
        let e = Scenario::from_link(&s.to_link().unwrap()).unwrap_err();
        assert_eq!(e, "This link holds an invalid scenario: parameter sweep: it varies strategy 4, but there are 3");
    }

    #[test]
    fn loaded_files_match_a_link_by_their_bytes() {
        let f = |name: &str, h: char| FileRef::uploaded(name, h.to_string().repeat(64));
        let link = [f("btc.csv", 'a'), f("eth.csv", 'b')];
        assert_eq!(match_files(&link, &[f("eth.csv", 'b'), f("bitcoin.csv", 'a')]), FileMatch::Same);
        assert_eq!(
            match_files(&link, &[f("btc.csv", 'a'), f("eth.csv", 'c')]),
            FileMatch::Partial { differ: vec!["eth.csv".into()], extra: vec!["eth.csv".into()] }
        );
        assert_eq!(match_files(&link, &[f("x.csv", 'c')]), FileMatch::Different);
        assert_eq!(
            match_files(&link, &[f("btc.csv", 'a'), f("eth.csv", 'b'), f("sol.csv", 'd')]),
            FileMatch::Partial { differ: vec![], extra: vec!["sol.csv".into()] }
        );
    }
}
