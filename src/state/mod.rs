//! The one app state and the intents that change it.
//!
//! Components never mutate state: they dispatch an [`Action`]. Simulation
//! results are not stored here; they are derived from the state (see
//! `compute.rs`) and memoised by the component tree.

use engine::ingest::Report;
use engine::scenario::{match_files, ChartView, DataRef, FileMatch, FileRef, ReadHow, Scenario};
use engine::sweep::SweepForm;
use engine::synth::MarketParams;
use engine::{Date, Panel, Preset, Strategy};
use serde::{Deserialize, Serialize};
use std::rc::Rc;

mod reduce;
pub mod strategy_edit;
// Native only: the browser tests are tests/web.rs.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

pub use reduce::Action;
#[cfg(target_arch = "wasm32")]
pub use reduce::AppContext;

/// One strategy in the comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StrategyEntry {
    /// Stable id for keys and selection (not an index: entries move).
    pub id: u32,
    /// Palette slot, kept when the list is reordered.
    pub color: usize,
    pub strategy: Strategy,
    /// Whether the user typed the name: until then the name follows the
    /// rules ([`Strategy::describe`]) at every edit.
    #[serde(default)]
    pub name_edited: bool,
}

/// Which secondary chart tab is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tab {
    Weights,
    Rolling,
    Monthly,
    Turnover,
    Log,
    Robustness,
}

impl Tab {
    const ALL: [(Tab, &'static str); 6] = [
        (Tab::Weights, "weights"),
        (Tab::Rolling, "rolling"),
        (Tab::Monthly, "monthly"),
        (Tab::Turnover, "turnover"),
        (Tab::Log, "log"),
        (Tab::Robustness, "robustness"),
    ];

    pub fn key(self) -> &'static str {
        Tab::ALL.iter().find(|(t, _)| *t == self).map(|(_, k)| *k).unwrap_or("weights")
    }

    pub fn from_key(key: &str) -> Tab {
        Tab::ALL.iter().find(|(_, k)| *k == key).map(|(t, _)| *t).unwrap_or(Tab::Weights)
    }
}

/// How the results are viewed; none of this changes a number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ViewSettings {
    pub log_scale: bool,
    /// Zoom window of day indices into the simulated range; `None` = all.
    pub zoom: Option<(usize, usize)>,
    pub tab: Tab,
    /// Strategy (by id) shown in the weights chart and the log.
    pub focus: Option<u32>,
    /// Rolling window in days.
    pub rolling_window: usize,
    pub dark: bool,
    /// Charts only (for an iframe); set by a share link.
    #[serde(default)]
    pub embed: bool,
}

impl Default for ViewSettings {
    fn default() -> Self {
        ViewSettings {
            log_scale: true,
            zoom: None,
            tab: Tab::Weights,
            focus: None,
            rolling_window: 90,
            dark: false,
            embed: false,
        }
    }
}

/// A message about a share link or the data it needs.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkNotice {
    /// The link could not be used; nothing changed.
    Error(String),
    /// The link was made with uploaded files: load them to reproduce it
    /// (they are read the sender's way: spikes, format, date order).
    NeedsFiles { names: Vec<String>, fingerprint: String, how: ReadHow },
    /// The files loaded after such a link are the same data.
    SameData,
    /// The files differ from the link's: results will differ; which ones.
    DifferentData(String),
}

/// The whole app state.
#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    /// The loaded data as a scenario names it: the built-in market's dials,
    /// or the files (names, fingerprint, each file's SHA-256 and address)
    /// and how they were read (spikes, format, date order, "ever in the top
    /// K"); links carry it as it is.
    pub data: DataRef,
    pub panel: Rc<Panel>,
    pub report: Option<Rc<Report>>,
    /// The bytes of the loaded files (empty for the built-in market), for bundles.
    pub files: Rc<Vec<(String, Vec<u8>)>>,
    /// Latest data error (a bad file); the previous data stays loaded.
    pub data_error: Option<String>,
    /// How long the last files took to parse and validate, in ms.
    pub ingest_ms: Option<f64>,
    /// A link on uploaded data waiting for its files: applied again (range
    /// included) once they arrive; nothing is computed until then.
    pub pending: Option<Box<Scenario>>,
    /// Simulated date range as day indices of the panel (inclusive).
    pub range: (usize, usize),
    pub initial_capital: f64,
    pub strategies: Vec<StrategyEntry>,
    pub view: ViewSettings,
    pub link_notice: Option<LinkNotice>,
    /// The open lesson (its id), if the Learn panel shows one.
    pub lesson: Option<String>,
    /// Whether the Learn panel is open.
    pub learn_open: bool,
    /// The last sweep run (the id of the strategy it varies, and its form,
    /// whose `base` index is filled in when a link is made); links carry it.
    pub sweep: Option<(u32, SweepForm)>,
    /// A scenario (a link, a bundle) brought `sweep` and it has not been
    /// taken yet: the sweep panel fills its form with it and runs it once
    /// the results are of the scenario's data ([`Action::SweepTaken`]).
    pub sweep_waiting: bool,
    /// The robustness analyses asked for (set when the Robustness tab is
    /// first opened, or by a link); links carry it.
    pub robustness: Option<engine::robustness::RobustnessSpec>,
    /// Nothing is computed until the user says Run: a restored or linked
    /// comparison estimated above [`PAUSE_SECONDS`], or a run the user
    /// cancelled.
    pub paused: bool,
    next_id: u32,
}

/// A comparison restored from storage or a link that is estimated to take
/// longer than this (in the page) opens paused: "Run / Edit first".
pub const PAUSE_SECONDS: f64 = 5.0;

/// How much slower the page's wasm runs than the native build the cost
/// model was fitted to (BENCHMARKS.md: 1.3-1.5x).
pub const PAGE_FACTOR: f64 = 1.5;

/// The part of the state worth keeping across visits (localStorage).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedSession {
    pub market: Option<MarketParams>,
    pub strategies: Vec<StrategyEntry>,
    pub view: ViewSettings,
    pub initial_capital: f64,
}

/// The strategies the page opens with: a comparison answers a question at once.
pub const DEFAULT_PRESETS: [Preset; 3] =
    [Preset::Top100CapWeekly, Preset::Top10EqualMonthly, Preset::BitcoinBuyAndHold];

/// The largest number of strategies compared at once (a scenario's limit).
pub use engine::scenario::MAX_STRATEGIES;

impl AppState {
    /// Estimated seconds of the comparison this state asks for, in the page
    /// (`engine::cost`, times [`PAGE_FACTOR`]).
    pub fn estimated_seconds(&self) -> f64 {
        let days = self.range.1.saturating_sub(self.range.0) + 1;
        PAGE_FACTOR
            * engine::cost::compare_seconds(days, self.panel.n_assets(), self.strategies.iter().map(|e| &e.strategy))
    }

    /// What a worker needs to hold `panel`, the simulated range of this
    /// state's data (the built-in market travels as its dials).
    #[cfg(target_arch = "wasm32")]
    pub fn worker_data(&self, panel: Rc<Panel>) -> crate::workers::Data {
        let synthetic = match &self.data {
            DataRef::Synthetic(m) => Some((m.clone(), self.range_dates())),
            DataRef::Files { .. } => None,
        };
        crate::workers::Data { panel, synthetic }
    }

    /// The simulated range as dates; `None` when it is all the data.
    pub fn range_dates(&self) -> Option<(Date, Date)> {
        let dates = self.panel.dates();
        let full = self.range == (0, self.panel.n_days() - 1);
        (!full).then(|| (dates[self.range.0], dates[self.range.1]))
    }

    /// What the comparison runs: this state's scenario through
    /// [`engine::prepare::prepare`] (the panel cut to the range, shared when
    /// the range is all of it, and the capital applied to every strategy).
    pub fn prepared(&self) -> Result<(Rc<Panel>, Vec<Strategy>), String> {
        let scenario = self.scenario();
        let run = engine::prepare::prepare(&scenario, &self.panel).map_err(|e| e.to_string())?;
        let panel = match run.panel {
            std::borrow::Cow::Borrowed(_) => self.panel.clone(),
            std::borrow::Cow::Owned(cut) => Rc::new(cut),
        };
        Ok((panel, run.strategies))
    }

    /// The strategies as the comparison runs them (capital applied), for
    /// work on the results' panel, which is already cut to the range: the
    /// sweep and the robustness analyses use that panel (shared with the
    /// workers) rather than cutting it again.
    pub fn strategies_prepared(&self, results_panel: &Panel) -> Result<Vec<Strategy>, String> {
        let strategies: Vec<Strategy> = self.strategies.iter().map(|e| e.strategy.clone()).collect();
        let setup = engine::prepare::Setup {
            from: None,
            to: None,
            capital: Some(self.initial_capital),
            strategies: &strategies,
        };
        setup.prepare(results_panel).map(|p| p.strategies).map_err(|e| e.to_string())
    }

    /// The built-in market with default dials and the default comparison.
    pub fn initial() -> AppState {
        let params = MarketParams::default();
        let panel = Rc::new(engine::synth::generate(&params));
        let range = (0, panel.n_days() - 1);
        let mut state = AppState {
            data: DataRef::Synthetic(params),
            panel,
            report: None,
            files: Rc::new(Vec::new()),
            data_error: None,
            ingest_ms: None,
            pending: None,
            range,
            initial_capital: 10_000.0,
            strategies: Vec::new(),
            view: ViewSettings::default(),
            link_notice: None,
            lesson: None,
            learn_open: false,
            sweep: None,
            sweep_waiting: false,
            robustness: None,
            paused: false,
            next_id: 1,
        };
        for p in DEFAULT_PRESETS {
            state.push(Strategy::preset(p));
        }
        state
    }

    /// The initial state with a saved session applied on top.
    pub fn restored(saved: SavedSession) -> AppState {
        let mut state = AppState::initial();
        if let Some(m) = saved.market.filter(|m| m.validate().is_ok()) {
            state.panel = Rc::new(engine::synth::generate(&m));
            state.range = (0, state.panel.n_days() - 1);
            state.data = DataRef::Synthetic(m);
        }
        if !saved.strategies.is_empty() {
            state.next_id = saved.strategies.iter().map(|s| s.id).max().unwrap_or(0) + 1;
            state.strategies = saved.strategies.into_iter().take(MAX_STRATEGIES).collect();
        }
        state.view = ViewSettings { zoom: None, ..saved.view };
        if saved.initial_capital.is_finite() && saved.initial_capital > 0.0 {
            state.initial_capital = saved.initial_capital;
        }
        state.pause_if_heavy();
        state
    }

    /// Applies a scenario that waited for its files, now loaded: strategies,
    /// range (on these files' dates), capital and view.
    fn apply_waiting(&mut self, mut sc: Scenario) {
        // Treated as the loaded data now, so it is not put back to waiting.
        if let DataRef::Files { .. } = &self.data {
            sc.data = self.data.clone();
        }
        self.apply(sc);
    }

    /// Opens paused when the comparison would take long (see [`PAUSE_SECONDS`]).
    fn pause_if_heavy(&mut self) {
        if self.estimated_seconds() > PAUSE_SECONDS {
            self.paused = true;
        }
    }

    pub fn saved(&self) -> SavedSession {
        SavedSession {
            market: match &self.data {
                DataRef::Synthetic(m) => Some(m.clone()),
                DataRef::Files { .. } => None,
            },
            strategies: self.strategies.clone(),
            view: self.view.clone(),
            initial_capital: self.initial_capital,
        }
    }

    /// Asset ids every strategy holds "anyway" (the data panel's choice for
    /// flagged assets); empty without strategies.
    pub fn included(&self) -> Vec<String> {
        let Some(first) = self.strategies.first() else { return Vec::new() };
        first
            .strategy
            .universe
            .include
            .iter()
            .filter(|id| self.strategies.iter().all(|e| e.strategy.universe.include.contains(id)))
            .cloned()
            .collect()
    }

    /// Adds a strategy; it takes the assets the others hold "anyway", so a
    /// choice made in the data panel holds for every strategy.
    fn push(&mut self, mut strategy: Strategy) {
        for id in self.included() {
            if !strategy.universe.include.contains(&id) {
                strategy.universe.include.push(id);
            }
        }
        self.push_as_is(strategy);
    }

    fn push_as_is(&mut self, strategy: Strategy) {
        if self.strategies.len() >= MAX_STRATEGIES {
            return;
        }
        let used: Vec<usize> = self.strategies.iter().map(|s| s.color).collect();
        let color = (0..).find(|c| !used.contains(c)).unwrap_or(0);
        // A name that is not the rules' own (a link's, a preset's) was chosen:
        // presets are named by their rules, so they follow edits too.
        let name_edited = strategy.name != strategy.describe() && !is_preset_name(&strategy.name);
        self.strategies.push(StrategyEntry { id: self.next_id, color, strategy, name_edited });
        self.next_id += 1;
    }

    fn index_of(&self, id: u32) -> Option<usize> {
        self.strategies.iter().position(|s| s.id == id)
    }

    /// The strategy shown in the weights chart and the log.
    pub fn focused(&self) -> Option<&StrategyEntry> {
        self.view.focus.and_then(|id| self.strategies.iter().find(|s| s.id == id)).or_else(|| self.strategies.first())
    }

    /// How the loaded files were read (the defaults for the built-in market).
    pub fn read_how(&self) -> ReadHow {
        self.data.read_how()
    }

    /// Each loaded file's name, SHA-256 and address (none for the built-in market).
    pub fn file_refs(&self) -> &[FileRef] {
        self.data.file_refs()
    }

    /// The shareable scenario of this state.
    pub fn scenario(&self) -> Scenario {
        let dates = self.panel.dates();
        let zoom_dates = self.view.zoom.and_then(|(a, b)| {
            let d = &dates[self.range.0..=self.range.1];
            Some((*d.get(a)?, *d.get(b)?))
        });
        Scenario {
            data: self.data.clone(),
            strategies: self.strategies.iter().map(|e| e.strategy.clone()).collect(),
            range: self.range_dates(),
            initial_capital: self.initial_capital,
            view: ChartView {
                log_scale: self.view.log_scale,
                tab: self.view.tab.key().to_string(),
                zoom: zoom_dates,
                rolling_window: self.view.rolling_window,
                focus: self.view.focus.and_then(|id| self.index_of(id)),
                dark: self.view.dark,
                embed: self.view.embed,
                lesson: self.lesson.clone(),
            },
            sweep: self
                .sweep
                .as_ref()
                .and_then(|(id, form)| Some(SweepForm { base: self.index_of(*id)?, ..form.clone() })),
            robustness: self.robustness.clone(),
        }
    }

    /// Applies a validated scenario: data (when it is the built-in market, or
    /// the same files), strategies, range, capital and view.
    fn apply(&mut self, sc: Scenario) {
        self.pending = None;
        match &sc.data {
            DataRef::Synthetic(m) => {
                if self.data != sc.data {
                    self.set_panel(Rc::new(engine::synth::generate(m)));
                    self.report = None;
                    self.files = Rc::new(Vec::new());
                    self.data = sc.data.clone();
                }
                self.link_notice = None;
            }
            DataRef::Files { names, fingerprint, .. } => {
                if self.data_verdict(&sc.data) == Some(LinkNotice::SameData) {
                    self.link_notice = Some(LinkNotice::SameData);
                } else {
                    self.link_notice = Some(LinkNotice::NeedsFiles {
                        names: names.clone(),
                        fingerprint: fingerprint.clone(),
                        how: sc.data.read_how(),
                    });
                    // Range and the rest are applied again once the files arrive.
                    self.pending = Some(Box::new(sc.clone()));
                }
            }
        }
        self.strategies.clear();
        // Each strategy keeps exactly the includes the scenario gave it.
        for s in sc.strategies {
            self.push_as_is(s);
        }
        self.sweep = sc.sweep.and_then(|form| Some((self.strategies.get(form.base)?.id, form)));
        self.robustness = sc.robustness;
        self.sweep_waiting = self.sweep.is_some();
        let dates = self.panel.dates();
        let index = |d: Date| dates.partition_point(|x| *x < d).min(dates.len() - 1);
        self.range = match sc.range {
            Some((a, b)) if index(a) < index(b) => (index(a), index(b)),
            _ => (0, self.panel.n_days() - 1),
        };
        self.initial_capital = sc.initial_capital;
        let v = sc.view;
        if v.lesson.is_some() {
            self.lesson = v.lesson.clone();
            self.learn_open = true;
        }
        let sub = &dates[self.range.0..=self.range.1];
        let sub_index = |d: Date| sub.partition_point(|x| *x < d).min(sub.len() - 1);
        self.view = ViewSettings {
            log_scale: v.log_scale,
            zoom: v.zoom.map(|(a, b)| (sub_index(a), sub_index(b))).filter(|(a, b)| a < b),
            tab: Tab::from_key(&v.tab),
            focus: v.focus.and_then(|i| self.strategies.get(i)).map(|e| e.id),
            rolling_window: v.rolling_window.clamp(5, 730),
            dark: v.dark,
            embed: v.embed,
        };
    }

    /// What the loaded data is to a link's data: the same (by each raw
    /// file's SHA-256, or for older links the panel's fingerprint), or
    /// different and which files; `None` for the built-in market.
    fn data_verdict(&self, data: &DataRef) -> Option<LinkNotice> {
        let DataRef::Files { fingerprint, files, .. } = data else { return None };
        let DataRef::Files { .. } = &self.data else {
            return Some(LinkNotice::DifferentData("the built-in market is loaded, not the link's files".into()));
        };
        if files.is_empty() {
            // A link from before file hashes: its fingerprint is of the
            // loaded panel, computed only for this comparison.
            return Some(if engine::share::fingerprint(&self.panel) == *fingerprint {
                LinkNotice::SameData
            } else {
                LinkNotice::DifferentData("the loaded data does not match the link's fingerprint".into())
            });
        }
        let list = |v: &[String]| {
            let shown: Vec<&str> = v.iter().take(5).map(String::as_str).collect();
            let more = if v.len() > 5 { format!(" and {} more", v.len() - 5) } else { String::new() };
            format!("{}{more}", shown.join(", "))
        };
        Some(match match_files(files, self.file_refs()) {
            FileMatch::Same => LinkNotice::SameData,
            FileMatch::Different => {
                let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
                LinkNotice::DifferentData(format!(
                    "none of the loaded files is one of the link's: {} changed since the link was made",
                    list(&names)
                ))
            }
            FileMatch::Partial { differ, extra } => {
                let mut parts = Vec::new();
                if !differ.is_empty() {
                    parts.push(format!("differ or are missing: {}", list(&differ)));
                }
                if !extra.is_empty() {
                    parts.push(format!("not in the link: {}", list(&extra)));
                }
                LinkNotice::DifferentData(format!("some files {}", parts.join("; ")))
            }
        })
    }

    fn set_panel(&mut self, panel: Rc<Panel>) {
        self.range = (0, panel.n_days() - 1);
        self.panel = panel;
        self.view.zoom = None;
        self.data_error = None;
    }
}

/// Whether `name` is a built-in preset's name (those follow the rules).
fn is_preset_name(name: &str) -> bool {
    Preset::ALL.iter().any(|p| Strategy::preset(*p).name == name)
}
