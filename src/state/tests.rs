//! The reducer's unit tests (native: `cargo test -p indexlab`).

use super::*;
use engine::ingest::{load, IngestOptions, InputFile};
use engine::share::{file_sha256, files_fingerprint};

fn names(s: &AppState) -> Vec<String> {
    s.strategies.iter().map(|e| e.strategy.name.clone()).collect()
}

fn ids(s: &AppState) -> Vec<u32> {
    s.strategies.iter().map(|e| e.id).collect()
}

/// Three coins over 60 days, as one long CSV; `bump` changes one price so
/// the file (and its SHA-256) differs.
fn csv(bump: f64) -> Vec<u8> {
    let mut text = String::from("date,asset,price,market_cap\n");
    for d in 0..60 {
        let date = engine::Date(engine::Date::from_ymd(2022, 1, 1).unwrap().0 + d);
        for (i, coin) in ["alpha", "beta", "gamma"].iter().enumerate() {
            let p = 1.0 + i as f64 + 0.01 * ((d * (i as i32 + 2)) % 7) as f64 + if d == 30 { bump } else { 0.0 };
            text.push_str(&format!("{date},{coin},{p},{}\n", p * 1e6 * (3 - i) as f64));
        }
    }
    text.into_bytes()
}

/// The action a successful load of `files` dispatches.
fn loaded(files: Vec<(String, Vec<u8>)>) -> Action {
    let inputs: Vec<InputFile> = files.iter().map(|(n, b)| InputFile::new(n.clone(), b)).collect();
    let l = load(&inputs, &IngestOptions::default()).expect("the test file loads");
    let hashes: Vec<String> = files.iter().map(|(_, b)| file_sha256(b)).collect();
    Action::DataLoaded {
        urls: vec![None; files.len()],
        fingerprint: files_fingerprint(&hashes),
        hashes,
        how: ReadHow::default(),
        parse_ms: 1.0,
        panel: Rc::new(l.panel),
        report: Rc::new(l.report),
        files: Rc::new(files),
    }
}

#[test]
fn the_page_opens_on_the_built_in_market_and_the_default_comparison() {
    let s = AppState::initial();
    assert!(matches!(s.data, DataRef::Synthetic(_)));
    assert_eq!(names(&s), DEFAULT_PRESETS.map(|p| Strategy::preset(p).name));
    assert_eq!(s.range, (0, s.panel.n_days() - 1));
    assert!(!s.paused && s.link_notice.is_none() && s.pending.is_none());
}

#[test]
fn strategies_are_added_copied_moved_recoloured_and_removed() {
    let s = AppState::initial();
    let s = s.reduced(Action::AddPreset(Preset::Top20Capped30Quarterly));
    assert_eq!(s.strategies.len(), 4);
    let last = *ids(&s).last().unwrap();
    let s = s.reduced(Action::Duplicate(last));
    assert_eq!(names(&s)[4], format!("{} (copy)", names(&s)[3]));
    let copy = ids(&s)[4];
    assert!(!ids(&s)[..4].contains(&copy), "ids are unique");
    let s = s.reduced(Action::MoveUp(copy));
    assert_eq!(ids(&s)[3], copy);
    let colour = s.strategies[3].color;
    let s = s.reduced(Action::Recolor(copy));
    assert_eq!(s.strategies[3].color, (colour + 1) % charts::PALETTE.len());
    let s = s.reduced(Action::Focus(copy)).reduced(Action::Remove(copy));
    assert_eq!(s.strategies.len(), 4);
    assert!(!ids(&s).contains(&copy));
    assert_eq!(s.view.focus, None, "the focus left with the removed strategy");
    // At most MAX_STRATEGIES: more adds change nothing.
    let mut full = s;
    for _ in 0..MAX_STRATEGIES + 2 {
        full = full.reduced(Action::AddPreset(Preset::Top10EqualMonthly));
    }
    assert_eq!(full.strategies.len(), MAX_STRATEGIES);
}

#[test]
fn names_follow_the_rules_until_the_user_types_one() {
    let s = AppState::initial();
    let id = s.strategies[0].id;
    let mut edited = s.strategies[0].strategy.clone();
    edited.universe.top_n = Some(7);
    let s = s.reduced(Action::Update(id, Box::new(edited.clone())));
    assert_eq!(s.strategies[0].strategy.name, edited.describe());
    assert!(s.strategies[0].strategy.name.contains("Top 7"), "{}", s.strategies[0].strategy.name);
    let mut named = s.strategies[0].strategy.clone();
    named.name = "My index".into();
    let s = s.reduced(Action::Update(id, Box::new(named)));
    let mut again = s.strategies[0].strategy.clone();
    again.universe.top_n = Some(9);
    let s = s.reduced(Action::Update(id, Box::new(again)));
    assert_eq!(s.strategies[0].strategy.name, "My index");
    assert!(s.strategies[0].name_edited);
    // A copy of a rules-named strategy keeps following its rules.
    let other = s.strategies[1].id;
    let s = s.reduced(Action::Duplicate(other));
    assert!(!s.strategies[3].name_edited);
}

#[test]
fn absurd_ranges_and_capital_are_refused_and_change_nothing() {
    let s = AppState::initial();
    let last = s.panel.n_days() - 1;
    let s = s.reduced(Action::SetZoom(Some((3, 40)))).reduced(Action::SetRange(100, 900));
    assert_eq!(s.range, (100, 900));
    assert_eq!(s.view.zoom, None, "a new range resets the zoom");
    for (a, b) in [(900, 100), (50, 50)] {
        assert_eq!(s.reduced(Action::SetRange(a, b)).range, (100, 900), "({a}, {b})");
    }
    assert_eq!(s.reduced(Action::SetRange(10, 1_000_000)).range, (10, last), "clamped to the data");
    for c in [0.0, -5.0, f64::NAN, f64::INFINITY] {
        assert_eq!(s.reduced(Action::SetCapital(c)).initial_capital, s.initial_capital, "{c}");
    }
    assert_eq!(s.reduced(Action::SetCapital(2_500.0)).initial_capital, 2_500.0);
    assert_eq!(s.reduced(Action::SetRollingWindow(1)).view.rolling_window, 5);
    assert_eq!(s.reduced(Action::SetRollingWindow(100_000)).view.rolling_window, 730);
}

#[test]
fn built_in_market_dials_keep_the_dates_they_still_cover_and_refuse_bad_dials() {
    let s = AppState::initial();
    let DataRef::Synthetic(params) = s.data.clone() else { unreachable!() };
    let s = s.reduced(Action::SetRange(200, 800));
    let dates = (s.panel.dates()[200], s.panel.dates()[800]);
    let s2 = s.reduced(Action::LoadSynthetic(MarketParams { seed: params.seed + 1, ..params.clone() }));
    assert_eq!((s2.panel.dates()[s2.range.0], s2.panel.dates()[s2.range.1]), dates);
    assert!(!Rc::ptr_eq(&s.panel, &s2.panel));
    let bad = s.reduced(Action::LoadSynthetic(MarketParams { n_assets: 0, ..params }));
    assert!(bad.data_error.as_deref().unwrap_or("").starts_with("Built-in market:"), "{:?}", bad.data_error);
    assert!(Rc::ptr_eq(&bad.panel, &s.panel), "the market stayed");
}

#[test]
fn a_link_reproduces_its_scenario_and_a_broken_one_changes_nothing_but_the_notice() {
    let sender = AppState::initial()
        .reduced(Action::AddPreset(Preset::Top30SqrtMonthlyQuarterly))
        .reduced(Action::SetRange(50, 1_500))
        .reduced(Action::SetCapital(12_345.0))
        .reduced(Action::SetLogScale(false));
    let link = sender.scenario().to_link().unwrap();
    let receiver = AppState::initial().reduced(Action::OpenLink(link));
    assert_eq!(receiver.scenario(), sender.scenario());
    assert_eq!(receiver.link_notice, None);

    let before = AppState::initial();
    let broken = before.reduced(Action::OpenLink("s.v1.not-a-link".into()));
    assert!(matches!(broken.link_notice, Some(LinkNotice::Error(_))), "{:?}", broken.link_notice);
    assert_eq!(broken.scenario(), before.scenario());
}

#[test]
fn a_link_on_files_waits_for_them_then_says_same_or_different_data() {
    let files = vec![("coins.csv".to_string(), csv(0.0))];
    let sender = AppState::initial().reduced(loaded(files.clone())).reduced(Action::SetRange(5, 40));
    assert!(matches!(sender.data, DataRef::Files { .. }));
    let link = sender.scenario().to_link().unwrap();

    let waiting = AppState::initial().reduced(Action::OpenLink(link.clone()));
    assert!(matches!(&waiting.link_notice, Some(LinkNotice::NeedsFiles { names, .. }) if names == &["coins.csv"]));
    assert!(waiting.pending.is_some(), "nothing is computed on other data meanwhile");

    let same = waiting.reduced(loaded(files));
    assert_eq!(same.link_notice, Some(LinkNotice::SameData));
    assert_eq!(same.pending, None);
    assert_eq!(same.range, (5, 40), "the link's range applies on the files that arrived");
    assert_eq!(same.scenario(), sender.scenario());

    let waiting = AppState::initial().reduced(Action::OpenLink(link));
    let other = waiting.reduced(loaded(vec![("coins.csv".to_string(), csv(0.5))]));
    match &other.link_notice {
        Some(LinkNotice::DifferentData(why)) => assert!(why.contains("coins.csv"), "{why}"),
        n => panic!("expected different data, got {n:?}"),
    }
}

#[test]
fn include_anyway_holds_for_every_strategy_and_for_new_ones() {
    let s = AppState::initial().reduced(Action::SetIncluded(vec!["usdt".into()], true));
    assert!(s.strategies.iter().all(|e| e.strategy.universe.include == ["usdt"]));
    assert_eq!(s.included(), ["usdt"]);
    let s = s.reduced(Action::AddPreset(Preset::Top10EqualMonthly));
    assert_eq!(s.strategies.last().unwrap().strategy.universe.include, ["usdt"]);
    let s = s.reduced(Action::SetIncluded(vec!["usdt".into()], false));
    assert!(s.strategies.iter().all(|e| e.strategy.universe.include.is_empty()));
}

#[test]
fn pause_run_and_an_edit_that_makes_the_comparison_cheap() {
    let s = AppState::initial().reduced(Action::Pause);
    assert!(s.paused);
    assert!(!s.reduced(Action::Run).paused);
    // A view change is no edit of the numbers: still paused.
    assert!(s.reduced(Action::SetDark(true)).paused);
    // An edit of the numbers, cheap enough for the page: it runs.
    let cheap = s.reduced(Action::SetCapital(5_000.0));
    assert!(cheap.estimated_seconds() <= PAUSE_SECONDS);
    assert!(!cheap.paused);
}

#[test]
fn reset_is_undone_by_restoring_the_whole_earlier_state() {
    let edited = AppState::initial().reduced(Action::AddPreset(Preset::Top20Capped30Quarterly));
    let reset = AppState::initial();
    let undone = reset.reduced(Action::Restore(Box::new(edited.clone())));
    // (The panel holds NaN for unlisted days, so states compare by parts.)
    assert!(Rc::ptr_eq(&undone.panel, &edited.panel));
    assert!(undone.scenario() == edited.scenario());
    assert_eq!(ids(&undone), ids(&edited));
    assert_ne!(ids(&reset), ids(&edited));
}

#[test]
fn a_data_error_is_shown_and_the_data_stays() {
    let s = AppState::initial();
    let e = s.reduced(Action::DataError("bad.csv, line 3: no date".into()));
    assert_eq!(e.data_error.as_deref(), Some("bad.csv, line 3: no date"));
    assert!(Rc::ptr_eq(&e.panel, &s.panel));
    assert_eq!(e.strategies, s.strategies);
    assert_eq!(e.reduced(Action::DismissDataError).data_error, None);
}

#[test]
fn a_link_with_a_sweep_leaves_it_waiting_for_the_sweep_panel_once() {
    let base = AppState::initial();
    let form = engine::sweep::SweepForm {
        base: 1,
        dims: vec![("fee_bps".into(), "0, 50".into())],
        metric: engine::metrics::MetricId::Sharpe,
    };
    let sender = base.reduced(Action::SweepRan(base.strategies[1].id, form.clone()));
    assert!(!sender.sweep_waiting, "a sweep run here is not waiting");
    let link = sender.scenario().to_link().unwrap();
    let receiver = AppState::initial().reduced(Action::OpenLink(link));
    assert!(receiver.sweep_waiting);
    let (id, got) = receiver.sweep.clone().unwrap();
    assert_eq!(id, receiver.strategies[1].id);
    assert_eq!(got.dims, form.dims);
    let taken = receiver.reduced(Action::SweepTaken);
    assert!(!taken.sweep_waiting);
    assert!(taken.sweep.is_some(), "the sweep stays for links made from here");
}
