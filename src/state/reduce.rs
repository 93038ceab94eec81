//! The reducer: every [`Action`] and the state it leads to. Plain Rust
//! (native unit tests in `tests.rs`); Yew's `Reducible` only wraps it.

use super::{AppState, LinkNotice, Tab, PAUSE_SECONDS};
use engine::ingest::Report;
use engine::scenario::{DataRef, FileRef, ReadHow, Scenario};
use engine::sweep::SweepForm;
use engine::synth::MarketParams;
use engine::{Panel, Preset, Strategy};
use std::rc::Rc;

/// Every intent the UI can express.
pub enum Action {
    /// Regenerate the built-in market with these dials.
    LoadSynthetic(MarketParams),
    /// Files were parsed into a panel (with its fingerprint).
    DataLoaded {
        files: Rc<Vec<(String, Vec<u8>)>>,
        /// The address each file was fetched from (`None`: uploaded).
        urls: Vec<Option<String>>,
        /// SHA-256 of each file, in order.
        hashes: Vec<String>,
        /// How they were read.
        how: ReadHow,
        /// How long parsing and validation took, in ms.
        parse_ms: f64,
        fingerprint: String,
        panel: Rc<Panel>,
        report: Rc<Report>,
    },
    /// A share link was opened: its text after `#`.
    OpenLink(String),
    /// Compute a paused comparison.
    Run,
    /// Put back a whole earlier state (Undo after Reset).
    Restore(Box<AppState>),
    /// Stop the running comparison and compute nothing until Run.
    Pause,
    DismissLinkNotice,
    /// Load a scenario (a lesson's setup), optionally opening that lesson.
    LoadScenario(Box<Scenario>, Option<String>),
    /// Open a lesson without loading its setup (it does not fit the files loaded).
    ShowLesson(String),
    /// Show or hide the Learn panel.
    SetLearnOpen(bool),
    /// Hold these flagged assets anyway in every strategy (`true`), or
    /// leave them out again (`false`).
    SetIncluded(Vec<String>, bool),
    /// The robustness analyses to show (`None`: none asked).
    SetRobustness(Option<engine::robustness::RobustnessSpec>),
    /// A sweep was run: the strategy it varies (id) and its form.
    SweepRan(u32, SweepForm),
    /// The sweep panel took the sweep a scenario brought (see
    /// `AppState::sweep_waiting`).
    SweepTaken,
    /// Loading failed; keep everything else.
    DataError(String),
    DismissDataError,
    SetRange(usize, usize),
    SetCapital(f64),
    AddPreset(Preset),
    /// Add this strategy (a sweep cell the user picked).
    AddStrategy(Box<Strategy>),
    Duplicate(u32),
    Remove(u32),
    MoveUp(u32),
    Recolor(u32),
    Update(u32, Box<Strategy>),
    Focus(u32),
    SetLogScale(bool),
    SetZoom(Option<(usize, usize)>),
    SetTab(Tab),
    SetRollingWindow(usize),
    SetDark(bool),
}

impl AppState {
    /// The state after `action` (the reducer; `self` is unchanged).
    pub fn reduced(&self, action: Action) -> AppState {
        let mut s = self.clone();
        let inputs = |s: &AppState| (Rc::as_ptr(&s.panel), s.range, s.initial_capital, s.strategies.clone());
        let before = inputs(&s);
        let action_kind = match action {
            Action::Run => Kind::Run,
            Action::Pause => Kind::Pause,
            _ => Kind::Other,
        };
        match action {
            Action::LoadSynthetic(params) => {
                if let Err(e) = params.validate() {
                    s.data_error = Some(format!("Built-in market: {e}"));
                } else {
                    // The chosen dates stay when the new market still covers them.
                    let full = s.range == (0, s.panel.n_days() - 1);
                    let kept = (!full).then(|| (s.panel.dates()[s.range.0], s.panel.dates()[s.range.1]));
                    s.set_panel(Rc::new(engine::synth::generate(&params)));
                    if let Some((a, b)) = kept {
                        let dates = s.panel.dates();
                        if dates[0] <= a && b <= dates[dates.len() - 1] {
                            if let Ok(r) = engine::scenario::range_in(dates, Some(a), Some(b)) {
                                s.range = r;
                            }
                        }
                    }
                    s.report = None;
                    s.files = Rc::new(Vec::new());
                    s.pending = None;
                    s.data = DataRef::Synthetic(params);
                }
            }
            Action::DataLoaded { files, urls, hashes, how, parse_ms, fingerprint, panel, report } => {
                s.ingest_ms = Some(parse_ms);
                let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
                let file_refs = names
                    .iter()
                    .zip(hashes)
                    .zip(files.iter().zip(urls))
                    .map(|((name, sha256), ((_, bytes), url))| {
                        let size = url.is_some().then_some(bytes.len() as u64);
                        FileRef { url, size, ..FileRef::uploaded(name, sha256) }
                    })
                    .collect();
                s.files = files;
                s.set_panel(panel);
                s.report = Some(report);
                s.data = DataRef::files(names, fingerprint, file_refs, how);
                // A link waiting for these files: say whether they are its
                // data, then apply it (its range on this data) and compute.
                if let Some(sc) = s.pending.take() {
                    let verdict = s.data_verdict(&sc.data);
                    s.apply_waiting(*sc);
                    s.link_notice = verdict;
                }
            }
            Action::OpenLink(link) => match Scenario::from_link(&link) {
                Ok(sc) => {
                    let range = sc.range;
                    let known = matches!(sc.data, DataRef::Synthetic(_));
                    s.apply(sc);
                    // On data the link names exactly, a range outside it is an
                    // error, as in the CLI; the setup before the link stays.
                    let outside = range
                        .filter(|_| known)
                        .and_then(|(a, b)| engine::scenario::range_in(s.panel.dates(), Some(a), Some(b)).err());
                    if let Some(e) = outside {
                        s = self.clone();
                        s.link_notice = Some(LinkNotice::Error(engine::scenario::bounded(format!(
                            "This link holds an invalid scenario: {e}"
                        ))));
                    } else {
                        s.pause_if_heavy();
                    }
                }
                Err(e) => s.link_notice = Some(LinkNotice::Error(e)),
            },
            Action::Run => s.paused = false,
            Action::Restore(earlier) => s = *earlier,
            Action::Pause => s.paused = true,
            Action::DismissLinkNotice => {
                s.link_notice = None;
                // Giving up on a link's files: compute on the data at hand.
                s.pending = None;
            }
            Action::LoadScenario(sc, lesson) => {
                s.apply(*sc);
                // A lesson set up on the files already loaded is not a link.
                if lesson.is_some() && s.link_notice == Some(LinkNotice::SameData) {
                    s.link_notice = None;
                }
                s.learn_open |= lesson.is_some();
                s.lesson = lesson;
            }
            Action::ShowLesson(id) => {
                s.learn_open = true;
                s.lesson = Some(id);
            }
            Action::SetLearnOpen(open) => s.learn_open = open,
            Action::SweepRan(base, form) => s.sweep = Some((base, form)),
            Action::SweepTaken => s.sweep_waiting = false,
            Action::SetRobustness(spec) => s.robustness = spec,
            Action::SetIncluded(ids, on) => {
                for e in &mut s.strategies {
                    let include = &mut e.strategy.universe.include;
                    include.retain(|x| !ids.contains(x));
                    if on {
                        include.extend(ids.iter().cloned());
                    }
                }
            }
            Action::DataError(e) => s.data_error = Some(e),
            Action::DismissDataError => s.data_error = None,
            Action::SetRange(a, b) => {
                let last = s.panel.n_days() - 1;
                let (a, b) = (a.min(last), b.min(last));
                if a < b {
                    s.range = (a, b);
                    s.view.zoom = None;
                }
            }
            Action::SetCapital(c) => {
                if c.is_finite() && c > 0.0 {
                    s.initial_capital = c;
                }
            }
            Action::AddPreset(p) => s.push(Strategy::preset(p)),
            Action::AddStrategy(strategy) => s.push(*strategy),
            Action::Duplicate(id) => {
                if let Some(i) = s.index_of(id) {
                    let mut copy = s.strategies[i].strategy.clone();
                    let edited = s.strategies[i].name_edited;
                    copy.name = format!("{} (copy)", copy.name);
                    let before = s.strategies.len();
                    s.push(copy);
                    // The copy's name follows its rules when the original's did.
                    if let Some(e) = s.strategies.get_mut(before) {
                        e.name_edited = edited;
                    }
                }
            }
            Action::Remove(id) => {
                s.strategies.retain(|e| e.id != id);
                if s.view.focus == Some(id) {
                    s.view.focus = None;
                }
            }
            Action::MoveUp(id) => {
                if let Some(i) = s.index_of(id).filter(|&i| i > 0) {
                    s.strategies.swap(i, i - 1);
                }
            }
            Action::Recolor(id) => {
                if let Some(i) = s.index_of(id) {
                    s.strategies[i].color = (s.strategies[i].color + 1) % charts::PALETTE.len();
                }
            }
            Action::Update(id, strategy) => {
                if let Some(i) = s.index_of(id) {
                    let mut next = *strategy;
                    let entry = &mut s.strategies[i];
                    if next.name != entry.strategy.name {
                        // The user typed a name: it stays.
                        entry.name_edited = true;
                    } else if !entry.name_edited {
                        next.name = next.describe();
                    }
                    entry.strategy = next;
                }
            }
            Action::Focus(id) => s.view.focus = Some(id),
            Action::SetLogScale(b) => s.view.log_scale = b,
            Action::SetZoom(z) => s.view.zoom = z,
            Action::SetTab(t) => s.view.tab = t,
            Action::SetRollingWindow(w) => s.view.rolling_window = w.clamp(5, 730),
            Action::SetDark(d) => s.view.dark = d,
        }
        // After Cancel, or on a heavy restore, an edit that brings the
        // comparison under the pause threshold runs without asking.
        let edited = !matches!(action_kind, Kind::Run | Kind::Pause) && inputs(&s) != before;
        if s.paused && edited && s.estimated_seconds() <= PAUSE_SECONDS {
            s.paused = false;
        }
        s
    }
}

#[cfg(target_arch = "wasm32")]
impl yew::Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(self.reduced(action))
    }
}

/// Whether an action is Run, Pause or anything else (for the pause rule).
enum Kind {
    Run,
    Pause,
    Other,
}

/// The state handle every component reads and dispatches to.
#[cfg(target_arch = "wasm32")]
pub type AppContext = yew::UseReducerHandle<AppState>;
