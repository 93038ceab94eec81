//! The Learn panel: short lessons on the index-design debate, each loading a
//! setup into the simulator and reading the evidence out of the results.
//!
//! The lessons themselves (setups, numbers, words, discussion questions) live
//! in the `lessons` crate, which is tested natively; this module renders
//! them, and `chart.rs` draws a readout's line chart.

mod chart;

use lessons::calm_volatile::MC_SEEDS;
use lessons::{find, Inputs, Lesson, Readout, Table, LESSONS};
use std::rc::Rc;
use yew::prelude::*;

use crate::compute::{ByPtr, Results};
use crate::services::link;
use crate::state::{Action, AppContext, AppState};
use crate::workers;
use engine::scenario::DataRef;

#[derive(Properties, PartialEq)]
pub struct LessonsProps {
    pub results: ByPtr<Results>,
}

/// The data the results run on, in words.
fn describe_data(state: &AppState) -> String {
    match &state.data {
        DataRef::Synthetic(m) => format!(
            "the built-in synthetic market: seed {}, {} coins over {} years from {}, volatility x{}, crash severity \
             x{}, correlation {}, dispersion x{}",
            m.seed, m.n_assets, m.years, m.start, m.volatility, m.crash_severity, m.correlation, m.dispersion
        ),
        DataRef::Files { names, .. } => {
            let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
            let more = if names.len() > 5 { format!(" and {} more", names.len() - 5) } else { String::new() };
            format!("your loaded files ({}{more}), {} assets", shown.join(", "), state.panel.n_assets())
        }
    }
}

/// The dial value whose setup is loaded now, if the state is a lesson setup
/// (on the built-in market, or on the user's files).
fn active_value(lesson: &Lesson, state: &AppState) -> Option<f64> {
    lesson.control.options.iter().map(|(_, v)| *v).find(|&v| {
        let s = (lesson.setup)(v);
        let data_fits = match &state.data {
            DataRef::Synthetic(m) => *m == s.market,
            // On files a market dial has no effect: only its default is "on".
            DataRef::Files { .. } => !lesson.dial_changes_market() || v == lesson.control.default,
        };
        data_fits
            && state.strategies.len() == s.strategies.len()
            && state.strategies.iter().zip(&s.strategies).all(|(e, st)| e.strategy == *st)
    })
}

/// Whether lessons run on the loaded files now (they do whenever files are loaded).
fn on_files(state: &AppState) -> bool {
    matches!(state.data, DataRef::Files { .. })
}

fn table_html(t: &Table) -> Html {
    html! {
        <table class="lesson-table">
            <thead><tr>{ for t.head.iter().map(|h| html! { <th>{ h }</th> }) }</tr></thead>
            <tbody>{ for t.rows.iter().map(|r| html! {
                <tr>{ for r.iter().map(|c| html! { <td>{ c }</td> }) }</tr>
            }) }</tbody>
        </table>
    }
}

fn readout_html(r: &Readout, dark: bool) -> Html {
    html! {
        <>
            { for r.lines.iter().map(|l| html! { <p>{ l }</p> }) }
            if let Some(t) = &r.table { { table_html(t) } }
            if let Some(c) = &r.chart {
                <chart::LineChart title={c.title.clone()} label={c.label.clone()} name={c.name.clone()}
                    dates={Rc::new(c.dates.clone())} values={Rc::new(c.values.clone())} dark={dark}
                    shade={c.shade} shade_label={c.shade_label.clone()} />
            }
        </>
    }
}

/// The readout's inputs from the page's results.
fn inputs<'a>(results: &'a Results, capital: f64) -> Inputs<'a> {
    Inputs { panel: &results.panel, runs: results.ok().map(|(e, run)| (&e.strategy, run)).collect(), capital }
}

/// Monte Carlo output of lesson 6, with the market it was run around.
struct McReport {
    key: String,
    lines: Vec<String>,
    table: Table,
}

#[function_component(LessonsPanel)]
pub fn lessons_panel(props: &LessonsProps) -> Html {
    let state = use_context::<AppContext>().expect("app state");
    let open: Option<(usize, &'static Lesson)> = state.lesson.as_deref().and_then(find);
    let lesson_id = open.map(|(_, l)| l.id);

    // The readout: recomputed only when the results or the lesson change.
    let readout =
        use_memo((props.results.clone(), lesson_id, state.initial_capital.to_bits()), |(results, id, capital)| {
            id.and_then(find).map(|(_, l)| (l.readout)(&inputs(&results.0, f64::from_bits(*capital))))
        });

    let mc = use_state(|| None::<Rc<McReport>>);
    let mc_running = use_state(|| false);
    let copied = use_state(|| false);

    let load = {
        let state = state.clone();
        let copied = copied.clone();
        move |lesson: &'static Lesson, v: f64| {
            let state = state.clone();
            let copied = copied.clone();
            Callback::from(move |_: MouseEvent| {
                copied.set(false);
                // On the user's files when they are loaded (and the lesson fits
                // them); otherwise on its own built-in market.
                if on_files(&state) {
                    if lesson.fits(v, &state.panel).is_ok() {
                        let sc = lesson.scenario_on(v, state.scenario().data, state.view.dark);
                        state.dispatch(Action::LoadScenario(Box::new(sc), Some(lesson.id.to_string())));
                    } else {
                        state.dispatch(Action::ShowLesson(lesson.id.to_string()));
                    }
                } else {
                    let sc = lesson.scenario(v, state.view.dark);
                    state.dispatch(Action::LoadScenario(Box::new(sc), Some(lesson.id.to_string())));
                }
            })
        }
    };
    let load_built_in = {
        let state = state.clone();
        move |lesson: &'static Lesson| {
            let state = state.clone();
            Callback::from(move |_: MouseEvent| {
                let sc = lesson.scenario(lesson.control.default, state.view.dark);
                state.dispatch(Action::LoadScenario(Box::new(sc), Some(lesson.id.to_string())));
            })
        }
    };

    let list = LESSONS.iter().enumerate().map(|(i, l)| {
        let active = lesson_id == Some(l.id);
        html! {
            <li>
                <button class={classes!("lesson-item", active.then_some("active"))} data-lesson={l.id}
                    aria-current={active.then_some("true")} onclick={load(l, l.control.default)}>
                    <span class="lesson-num">{ i + 1 }</span>{ l.title }
                </button>
            </li>
        }
    });

    let card = open.map(|(i, l)| {
        let active = active_value(l, &state);
        let files = on_files(&state);
        let market_dial_off = files && l.dial_changes_market();
        let misfit = files.then(|| l.fits(l.control.default, &state.panel).err()).flatten();
        let controls = l.control.options.iter().map(|&(label, v)| {
            let on = active == Some(v);
            let unfit = files.then(|| l.fits(v, &state.panel).err()).flatten();
            let disabled = market_dial_off || unfit.is_some();
            html! {
                <button class={classes!("lesson-option", on.then_some("active"))} aria-pressed={on.to_string()}
                    disabled={disabled} title={unfit} onclick={load(l, v)}>{ label }</button>
            }
        });
        let copy = {
            let (state, copied) = (state.clone(), copied.clone());
            Callback::from(move |_| match state.scenario().to_link() {
                Ok(s) => {
                    link::publish(&s);
                    copied.set(true);
                }
                Err(e) => state.dispatch(Action::DataError(format!("Could not make a link: {e}"))),
            })
        };
        let mc_block = (l.id == "calm-vs-volatile").then(|| {
            let base = match &state.data {
                DataRef::Synthetic(m) => m.clone(),
                DataRef::Files { .. } => engine::synth::MarketParams::default(),
            };
            let strategies: Vec<engine::Strategy> = props.results.ok().map(|(e, _)| e.strategy.clone()).collect();
            let cap = strategies.iter().find(|s| s.weighting == engine::Weighting::MarketCap).cloned();
            let ew = strategies.iter().find(|s| s.weighting == engine::Weighting::Equal).cloned();
            let key = format!("{base:?}{cap:?}{ew:?}");
            let run = {
                let (mc, running, key) = (mc.clone(), mc_running.clone(), key.clone());
                let (cap, ew, base) = (cap.clone(), ew.clone(), base.clone());
                let data = state.worker_data(props.results.panel.clone());
                let data = Rc::new(data);
                Callback::from(move |_| {
                    let (Some(cap), Some(ew)) = (cap.clone(), ew.clone()) else { return };
                    running.set(true);
                    let (mc, running, key) = (mc.clone(), running.clone(), key.clone());
                    // The 18 markets run on the worker pool: the page stays responsive.
                    workers::monte_carlo(
                        &data,
                        base.clone(),
                        cap,
                        ew,
                        lessons::calm_volatile::monte_carlo_runs(),
                        |_, _| {},
                        move |outcome| {
                            let (lines, table) = match outcome {
                                Ok(runs) => {
                                    lessons::calm_volatile::monte_carlo_words(&lessons::calm_volatile::monte_carlo_cells(&runs))
                                }
                                Err(e) => (vec![format!("The Monte Carlo could not run: {e}")], Table { head: Vec::new(), rows: Vec::new() }),
                            };
                            mc.set(Some(Rc::new(McReport { key, lines, table })));
                            running.set(false);
                        },
                    );
                })
            };
            let shown = (*mc).clone().filter(|m| m.key == key);
            html! {
                <div class="lesson-mc">
                    <button class="primary" id="lesson-mc-run" onclick={run} disabled={*mc_running || cap.is_none() || ew.is_none()}>
                        { if *mc_running { "Running 18 markets…" } else { "Run Monte Carlo (6 seeds x 3 volatility levels)" } }
                    </button>
                    <span class="muted">{ format!(
                        " Each run: a fresh market of 40 coins over 3 years (seeds {}-{}), otherwise like the one on screen.",
                        MC_SEEDS[0], MC_SEEDS[MC_SEEDS.len() - 1]) }</span>
                    if let Some(m) = shown {
                        <div id="lesson-mc-result">
                            { for m.lines.iter().map(|x| html! { <p>{ x }</p> }) }
                            { table_html(&m.table) }
                        </div>
                    }
                </div>
            }
        });
        let reload = l.control.options.iter().any(|o| Some(o.1) == active) || misfit.is_some();
        html! {
            <article class="lesson-card" data-lesson={l.id}>
                <h3>{ format!("{}. {}", i + 1, l.title) }</h3>
                <p class="lesson-data"><strong>{ "Data: " }</strong>{ describe_data(&state) }{ "." }</p>
                <p>{ l.look }</p>
                <div class="lesson-controls" role="group" aria-label={l.control.label}>
                    <span class="lesson-control-label">{ l.control.label }{ ":" }</span>
                    { for controls }
                    <span class="muted lesson-help">{ l.control.help }</span>
                </div>
                if market_dial_off {
                    <p class="muted lesson-on-files">{ "This dial changes the built-in market; on your files the \
                        market is what it was, so the lesson runs at its default setting." }</p>
                }
                if let Some(why) = misfit {
                    <p class="notice warn lesson-misfit">
                        <span>{ format!("This lesson does not fit your files: {why}. ") }</span>
                        <button class="link" onclick={load_built_in(l)}>{ "Run it on the built-in market" }</button>
                    </p>
                } else if files {
                    <p class="muted lesson-on-files">
                        { "This lesson runs on your files. " }
                        <button class="link" id="lesson-built-in" onclick={load_built_in(l)}>{ "Use the built-in market instead" }</button>
                        { " (your files stay only if kept in this browser)." }
                    </p>
                }
                if !reload {
                    <p class="lesson-changed">
                        { "The setup on screen is no longer this lesson's (you changed the data or a strategy); \
                           the readout describes what is on screen now. " }
                        <button class="link" onclick={load(l, l.control.default)}>{ "Reload lesson setup" }</button>
                    </p>
                }
                <section id="lesson-readout" aria-live="polite">
                    <h4>{ "What the numbers say" }</h4>
                    { match readout.as_ref() {
                        Some(Ok(r)) => readout_html(r, state.view.dark),
                        Some(Err(e)) => html! { <p class="error">{ e }</p> },
                        None => html! {},
                    } }
                </section>
                { for mc_block }
                <section class="lesson-questions">
                    <h4>{ "For discussion" }</h4>
                    <ol>{ for l.questions.iter().map(|q| html! { <li>{ *q }</li> }) }</ol>
                </section>
                <div class="lesson-actions">
                    <button class="link" id="lesson-link" onclick={copy}
                        title="Put this lesson and its setup in the address bar and copy the link">
                        { if *copied { "Lesson link copied" } else { "Copy lesson link" } }</button>
                </div>
            </article>
        }
    });

    let close = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::SetLearnOpen(false)))
    };
    html! {
        <section class="panel lessons" id="learn-panel" aria-label="Lessons">
            <div class="lessons-head">
                <h2>{ "Learn: index design, with evidence" }</h2>
                if !state.view.embed {
                    <button class="link" onclick={close}>{ "Close" }</button>
                }
            </div>
            if !state.view.embed {
                <ol class="lesson-list">{ for list }</ol>
            }
            { card.unwrap_or_else(|| html! {
                <p class="muted">{ "Pick a lesson: it loads its own market and strategies into the simulator \
                    (your current setup is replaced; Reset brings back the default), then reads the results out \
                    in numbers." }</p>
            }) }
        </section>
    }
}
