//! The Robustness tab: how sure is the comparison's answer? Timing luck (every
//! rebalance day), start dates (rolling windows), a block bootstrap of the
//! pair's daily returns, calm/volatile regimes, and a verdict in words, all
//! from `engine::robustness`. Nothing runs until the tab is opened; the
//! simulations run on the worker pool with progress and Cancel, and the
//! analyses asked for travel in links (`Scenario::robustness`).

use std::rc::Rc;

use crate::backend::Backend;
use charts::{draw_boxes, draw_fan, draw_rolling, BoxPlot, Fan, RGBColor, Series, ValueFormat, View, YAxis};
use engine::robustness::{self, Quartiles, RobustnessReport, RobustnessSpec, WindowLength};
use engine::Date;
use plotters::prelude::IntoDrawingArea;
use web_sys::{HtmlCanvasElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::chart_text::{num, pct};
use crate::components::chart::theme;
use crate::compute::{ByPtr, Results};
use crate::services::download;
use crate::state::{Action, AppContext};
use crate::workers;

#[derive(Properties, PartialEq)]
pub struct RobustnessProps {
    pub results: ByPtr<Results>,
}

fn pp(x: f64) -> String {
    if x.is_finite() {
        format!("{:+.1} pp", x * 100.0)
    } else {
        "n/a".into()
    }
}

fn opt(x: Option<f64>) -> f64 {
    x.unwrap_or(f64::NAN)
}

/// `min / median / max` of quartiles, each written by `f`.
fn spread(q: &Option<Quartiles>, f: fn(f64) -> String) -> String {
    match q {
        Some(q) => format!("{} / {} / {}", f(q.min), f(q.median), f(q.max)),
        None => "n/a".into(),
    }
}

/// What the tab shows while it works.
#[derive(Clone, PartialEq)]
enum Status {
    Idle,
    /// Finished: simulations run, milliseconds, workers.
    Done {
        jobs: usize,
        ms: f64,
        lanes: usize,
    },
    Running {
        done: usize,
        total: usize,
    },
    Failed(String),
}

/// Which picture a [`RobustChart`] draws.
#[derive(Clone, Copy, PartialEq)]
enum Picture {
    Fan,
    Boxes,
    StartDates,
}

#[derive(Properties, PartialEq)]
struct ChartProps {
    report: ByPtr<RobustnessReport>,
    dates: ByPtr<Vec<Date>>,
    colors: Rc<Vec<RGBColor>>,
    picture: Picture,
    dark: bool,
    height: u32,
    id: &'static str,
    alt: String,
}

fn paint(canvas: HtmlCanvasElement, p: &ChartProps) -> Result<(), String> {
    let width = canvas.client_width().max(320) as u32;
    canvas.set_width(width);
    canvas.set_height(p.height);
    let Some(backend) = Backend::canvas(canvas) else { return Ok(()) };
    let area = backend.into_drawing_area();
    let th = theme(p.dark);
    let r = &p.report.0;
    let color = |i: usize| p.colors.get(i).copied().unwrap_or_else(|| th.series_color(i));
    let outcome = match p.picture {
        Picture::Fan => {
            let timing = r.timing.as_deref().unwrap_or_default();
            let Some(first) = timing.first() else { return Ok(()) };
            let dates: Vec<Date> = first.fan_days.iter().filter_map(|&d| p.dates.0.get(d).copied()).collect();
            let cols: Vec<[Vec<f64>; 5]> = timing
                .iter()
                .map(|t| {
                    let pick = |f: fn(&Quartiles) -> f64| t.fan.iter().map(f).collect::<Vec<f64>>();
                    [pick(|q| q.min), pick(|q| q.q1), pick(|q| q.median), pick(|q| q.q3), pick(|q| q.max)]
                })
                .collect();
            let fans: Vec<Fan> = timing
                .iter()
                .zip(&cols)
                .map(|(t, c)| Fan {
                    name: &t.name,
                    color: color(t.strategy),
                    min: &c[0],
                    q1: &c[1],
                    median: &c[2],
                    q3: &c[3],
                    max: &c[4],
                })
                .collect();
            draw_fan(&area, "Growth of 1 at every rebalance day", &dates, &fans, true, &th).map(|_| ())
        }
        Picture::Boxes => {
            let timing = r.timing.as_deref().unwrap_or_default();
            let boxes: Vec<BoxPlot> = timing
                .iter()
                .filter_map(|t| {
                    let q = t.cagr.as_ref()?;
                    let used = t.runs.iter().find(|o| o.offset == t.used_offset).and_then(|o| o.headline.cagr);
                    Some(BoxPlot {
                        name: &t.name,
                        color: color(t.strategy),
                        min: q.min,
                        q1: q.q1,
                        median: q.median,
                        q3: q.q3,
                        max: q.max,
                        marker: used,
                    })
                })
                .collect();
            draw_boxes(&area, "CAGR at every rebalance day", &boxes, ValueFormat::Percent, &th)
        }
        Picture::StartDates => {
            let Some(sd) = &r.start_dates else { return Ok(()) };
            let Some(pair) = &sd.pair else { return Ok(()) };
            let dates: Vec<Date> = sd.windows.iter().map(|w| w.start).collect();
            let values: Vec<f64> = pair.diff.iter().map(|d| opt(*d)).collect();
            let name = format!("{} minus {}", r.names[pair.a], r.names[pair.b]);
            let series = [Series::new(&name, color(pair.a), &values)];
            let title = format!("CAGR difference over {} windows, by start date", sd.window.label());
            let axis = YAxis { title: &title, label: "CAGR difference", format: ValueFormat::Percent };
            draw_rolling(&area, &dates, &series, &axis, View::ALL, &th).map(|_| ())
        }
    };
    let _ = area.present();
    outcome.map_err(|e| e.to_string())
}

#[function_component(RobustChart)]
fn robust_chart(p: &ChartProps) -> Html {
    let canvas_ref = use_node_ref();
    let error = use_state(|| None::<String>);
    {
        let (canvas_ref, error) = (canvas_ref.clone(), error.clone());
        let key = (p.report.clone(), p.dark, p.picture, p.colors.clone());
        let props = ChartProps {
            report: p.report.clone(),
            dates: p.dates.clone(),
            colors: p.colors.clone(),
            picture: p.picture,
            dark: p.dark,
            height: p.height,
            id: p.id,
            alt: p.alt.clone(),
        };
        use_effect_with(key, move |_| {
            if let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() {
                error.set(paint(canvas, &props).err());
            }
        });
    }
    html! {
        <figure class="chart robust-chart">
            <canvas ref={canvas_ref} class="chart-canvas" id={p.id} height={p.height.to_string()} role="img" aria-label={p.alt.clone()}></canvas>
            if let Some(e) = &*error { <p class="error">{ format!("This chart could not be drawn: {e}") }</p> }
        </figure>
    }
}

/// The controls: the pair, the window length, resamples and seed.
fn controls(state: &AppContext, spec: &RobustnessSpec, running: bool) -> Html {
    let set = |f: fn(&mut RobustnessSpec, &str)| {
        let (state, spec) = (state.clone(), spec.clone());
        Callback::from(move |e: Event| {
            let value = e
                .target_dyn_into::<HtmlSelectElement>()
                .map(|s| s.value())
                .or_else(|| e.target_dyn_into::<HtmlInputElement>().map(|i| i.value()))
                .unwrap_or_default();
            let mut next = spec.clone();
            f(&mut next, &value);
            if next.validate().is_ok() && next != spec {
                state.dispatch(Action::SetRobustness(Some(next)));
            }
        })
    };
    let (a, b) = spec.pair.unwrap_or((0, 1));
    let options = |selected: usize| {
        state
            .strategies
            .iter()
            .enumerate()
            .map(
                |(i, e)| html! { <option value={i.to_string()} selected={i == selected}>{ &e.strategy.name }</option> },
            )
            .collect::<Html>()
    };
    let window_key = match spec.window {
        WindowLength::Years(y) => y.to_string(),
        WindowLength::ToEnd => "end".into(),
    };
    html! {
        <div class="robust-controls" aria-disabled={running.to_string()}>
            <label>{ "Compare " }<select id="rob-a" onchange={set(|s, v| {
                let b = s.pair.map_or(1, |p| p.1);
                if let Ok(a) = v.parse() { s.pair = Some((a, b)); }
            })}>{ options(a) }</select></label>
            <label>{ " with " }<select id="rob-b" onchange={set(|s, v| {
                let a = s.pair.map_or(0, |p| p.0);
                if let Ok(b) = v.parse() { s.pair = Some((a, b)); }
            })}>{ options(b) }</select></label>
            <label>{ " Windows " }<select id="rob-window" onchange={set(|s, v| {
                s.window = v.parse().map(WindowLength::Years).unwrap_or(WindowLength::ToEnd);
            })}>
                { for ["1", "2", "3", "end"].iter().map(|k| html! {
                    <option value={*k} selected={window_key == *k}>{ if *k == "end" { "to the end".to_string() } else { format!("{k} year(s)") } }</option>
                }) }
            </select></label>
            <label>{ " Resamples " }<input id="rob-resamples" type="number" min={robustness::MIN_RESAMPLES.to_string()}
                max={robustness::MAX_RESAMPLES.to_string()} step="100" value={spec.resamples.to_string()}
                onchange={set(|s, v| { if let Ok(n) = v.trim().parse() { s.resamples = n; } })} /></label>
            <label>{ " Seed " }<input id="rob-seed" type="number" min="0" value={spec.seed.to_string()}
                onchange={set(|s, v| { if let Ok(n) = v.trim().parse() { s.seed = n; } })} /></label>
        </div>
    }
}

fn timing_table(r: &RobustnessReport) -> Html {
    let Some(timing) = &r.timing else { return html! {} };
    html! {
        <div class="table-wrap"><table class="robust-table" id="timing-table">
            <thead><tr>
                <th>{ "Strategy" }</th><th>{ "Rebalance days tried" }</th><th>{ "Day used" }</th>
                <th>{ "CAGR on the day used" }</th><th>{ "CAGR min / median / max" }</th>
                <th>{ "Sharpe min / median / max" }</th><th>{ "Max drawdown min / median / max" }</th>
            </tr></thead>
            <tbody>{ for timing.iter().map(|t| {
                let used = t.runs.iter().find(|o| o.offset == t.used_offset).and_then(|o| o.headline.cagr);
                html! { <tr data-strategy={t.strategy.to_string()}>
                    <th scope="row">{ &t.name }</th>
                    <td>{ t.runs.len() }</td>
                    <td>{ format!("offset {}", t.used_offset) }</td>
                    <td>{ pct(opt(used)) }</td>
                    <td>{ spread(&t.cagr, pct) }</td>
                    <td>{ spread(&t.sharpe, num) }</td>
                    <td>{ spread(&t.max_drawdown, pct) }</td>
                </tr> }
            }) }</tbody>
        </table></div>
    }
}

fn start_table(r: &RobustnessReport) -> Html {
    let Some(sd) = &r.start_dates else { return html! {} };
    html! {
        <>
        if let Some(p) = &sd.pair {
            <p id="start-summary">{ format!(
                "{} windows of {} starting every {}: {} beat {} in {} of them ({}); the difference in CAGR ranged from {} to {} (median {}).",
                p.windows, sd.window.label(), if matches!(sd.step, engine::robustness::start_dates::StartStep::Month) { "month" } else { "week" },
                r.names[p.a], r.names[p.b], p.a_won, pct(p.a_won_share),
                p.summary.as_ref().map_or("n/a".into(), |q| pp(q.min)), p.summary.as_ref().map_or("n/a".into(), |q| pp(q.max)),
                p.summary.as_ref().map_or("n/a".into(), |q| pp(q.median))) }</p>
        }
        <div class="table-wrap"><table class="robust-table" id="start-table">
            <thead><tr><th>{ "Strategy" }</th><th>{ "CAGR over the windows: min" }</th><th>{ "quarter" }</th><th>{ "median" }</th><th>{ "three quarters" }</th><th>{ "max" }</th></tr></thead>
            <tbody>{ for sd.strategies.iter().map(|s| {
                let q = s.summary;
                let cell = |f: fn(&Quartiles) -> f64| q.as_ref().map_or("n/a".into(), |q| pct(f(q)));
                html! { <tr>
                    <th scope="row">{ &s.name }</th>
                    <td>{ cell(|q| q.min) }</td><td>{ cell(|q| q.q1) }</td><td>{ cell(|q| q.median) }</td><td>{ cell(|q| q.q3) }</td><td>{ cell(|q| q.max) }</td>
                </tr> }
            }) }</tbody>
        </table></div>
        </>
    }
}

fn bootstrap_table(r: &RobustnessReport) -> Html {
    let Some(b) = &r.bootstrap else { return html! {} };
    let (a, bb) = r.pair.unwrap_or((0, 1));
    let row = |label: &str,
               point: Option<f64>,
               i90: Option<robustness::bootstrap::Interval>,
               i95: Option<robustness::bootstrap::Interval>,
               f: fn(f64) -> String| {
        let iv = |i: Option<robustness::bootstrap::Interval>| {
            i.map_or("n/a".into(), |i| format!("{} to {}", f(i.lo), f(i.hi)))
        };
        html! { <tr><th scope="row">{ label }</th><td>{ point.map_or("n/a".into(), f) }</td><td>{ iv(i90) }</td><td>{ iv(i95) }</td></tr> }
    };
    let diff_num = |x: f64| if x.is_finite() { format!("{x:+.2}") } else { "n/a".into() };
    html! {
        <>
        <p id="bootstrap-summary">{ format!(
            "{} resamples of the {} paired daily returns (stationary block bootstrap, mean block {:.1} days{}; seed {}): {} had the higher CAGR in {} of them.",
            b.resamples, b.n_returns, b.block_length, if b.block_auto { ", chosen from the data" } else { "" }, b.seed, r.names[a], pct(b.a_wins_share)) }</p>
        <div class="table-wrap"><table class="robust-table" id="bootstrap-table">
            <thead><tr><th>{ format!("{} minus {}", r.names[a], r.names[bb]) }</th><th>{ "On the data" }</th><th>{ "90% interval" }</th><th>{ "95% interval" }</th></tr></thead>
            <tbody>
                { row("CAGR", b.point.cagr, b.ci90.cagr, b.ci95.cagr, pp) }
                { row("Volatility", b.point.volatility, b.ci90.volatility, b.ci95.volatility, pp) }
                { row("Sharpe ratio", b.point.sharpe, b.ci90.sharpe, b.ci95.sharpe, diff_num) }
                { row("Max drawdown", b.point.max_drawdown, b.ci90.max_drawdown, b.ci95.max_drawdown, pp) }
            </tbody>
        </table></div>
        if let Some(t) = &b.sharpe_test {
            <p class="muted">{ format!(
                "Sharpe ratios {:.2} and {:.2}: Jobson-Korkie test with Memmel's correction z = {:.2}, p = {:.3} (two-sided; returns correlated {:.2}).",
                t.sharpe_a, t.sharpe_b, t.z, t.p_value, t.correlation) }</p>
        }
        </>
    }
}

fn regimes_table(r: &RobustnessReport) -> Html {
    let Some(g) = &r.regimes else { return html! {} };
    let regimes = engine::analysis::Regime::ALL;
    let cell = |c: &engine::robustness::regimes::CurveRegimes, reg| {
        c.rows.iter().find(|row| row.regime == reg).map_or("n/a".into(), |row| {
            format!(
                "{} · vol {} · Sharpe {}",
                pct(row.annual_return),
                pct(opt(row.volatility)),
                row.sharpe.map_or("n/a".into(), num)
            )
        })
    };
    html! {
        <>
        <p id="regimes-summary">{ format!(
            "Days split by the {}-day volatility of the whole (cap-weighted) market, annualised: calm at or below {}, volatile above {}; {} calm, {} middle, {} volatile days ({} before the first full window).",
            g.window, pct(g.calm_threshold * r.periods_per_year.sqrt()), pct(g.volatile_threshold * r.periods_per_year.sqrt()), g.days.calm, g.days.middle, g.days.volatile, g.days.unlabelled) }</p>
        <div class="table-wrap"><table class="robust-table" id="regimes-table">
            <thead><tr><th>{ "Annualised" }</th>{ for regimes.iter().map(|r| html! { <th>{ r.label() }</th> }) }<th>{ "Up capture" }</th><th>{ "Down capture" }</th></tr></thead>
            <tbody>{ for std::iter::once(&g.market).chain(g.strategies.iter()).map(|c| html! {
                <tr><th scope="row">{ &c.name }</th>
                    { for regimes.iter().map(|&reg| html! { <td>{ cell(c, reg) }</td> }) }
                    <td>{ c.up_capture.map_or("n/a".into(), pct) }</td><td>{ c.down_capture.map_or("n/a".into(), pct) }</td>
                </tr>
            }) }</tbody>
        </table></div>
        </>
    }
}

#[function_component(RobustnessPanel)]
pub fn robustness_panel(props: &RobustnessProps) -> Html {
    let state = use_context::<AppContext>().expect("app state");
    let report = use_state(|| None::<Rc<RobustnessReport>>);
    let status = use_state(|| Status::Idle);
    let job = use_mut_ref(|| None::<workers::protocol::JobId>);

    // Opening the tab asks for the analyses (so links carry them).
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            if state.robustness.is_none() {
                state.dispatch(Action::SetRobustness(Some(RobustnessSpec::default())));
            }
        });
    }
    let spec = state.robustness.clone();
    // Runs when the results or the spec change.
    {
        let (state, report, status, job) = (state.clone(), report.clone(), status.clone(), job.clone());
        use_effect_with((props.results.clone(), spec.clone()), move |(results, spec)| {
            if let Some(j) = job.borrow_mut().take() {
                workers::cancel(j);
            }
            let Some(spec) = spec.clone() else { return };
            if results.0.ok().next().is_none() {
                return;
            }
            // The results' panel: already cut to the range and shared with the workers.
            let panel = results.0.panel.clone();
            let strategies = match state.strategies_prepared(&panel) {
                Ok(s) => s,
                Err(e) => {
                    status.set(Status::Failed(e));
                    return;
                }
            };
            let jobs = match robustness::jobs(&panel, &strategies, &spec) {
                Ok(j) => j,
                Err(e) => {
                    status.set(Status::Failed(e));
                    return;
                }
            };
            status.set(Status::Running { done: 0, total: jobs.len() });
            let (n_jobs, lanes) = (jobs.len(), workers::size().min(jobs.len().max(1)));
            let clock = gloo::utils::window().performance();
            let t0 = clock.as_ref().map(|p| p.now()).unwrap_or(f64::NAN);
            let (s1, s2, report) = (status.clone(), status.clone(), report.clone());
            let (panel2, strategies2, spec2) = (panel.clone(), strategies.clone(), spec.clone());
            let id = workers::robustness(
                &state.worker_data(panel),
                strategies,
                spec,
                jobs,
                move |done, total| s1.set(Status::Running { done, total }),
                move |outcome| match outcome.and_then(|outs| robustness::assemble(&panel2, &strategies2, &spec2, &outs))
                {
                    Ok(r) => {
                        report.set(Some(Rc::new(r)));
                        let ms = clock.map(|p| p.now() - t0).unwrap_or(f64::NAN);
                        s2.set(Status::Done { jobs: n_jobs, ms, lanes });
                    }
                    Err(e) => s2.set(Status::Failed(e)),
                },
            );
            *job.borrow_mut() = Some(id);
        });
    }

    let cancel = {
        let (job, status) = (job.clone(), status.clone());
        Callback::from(move |_| {
            if let Some(j) = job.borrow_mut().take() {
                workers::cancel(j);
            }
            status.set(Status::Failed("Cancelled. Change a setting above to run it again.".into()));
        })
    };
    let Some(spec) = spec else { return html! { <p class="muted">{ "Preparing the analyses…" }</p> } };
    if state.strategies.len() < 2 {
        return html! { <p class="muted" id="robustness-need">{ "Add a second strategy: the analyses compare two." }</p> };
    }
    let running = matches!(*status, Status::Running { .. });
    let colors: Rc<Vec<RGBColor>> =
        Rc::new(state.strategies.iter().map(|e| theme(state.view.dark).series_color(e.color)).collect());
    let dates = ByPtr(Rc::new(props.results.panel.dates().to_vec()));
    let shown = (*report).clone();
    let download_json = shown.clone().map(|r| {
        Callback::from(move |_| {
            if let Ok(json) = serde_json::to_string_pretty(&*r) {
                download::text("indexlab-robustness.json", "application/json", &json);
            }
        })
    });
    html! {
        <div class="robustness" id="robustness">
            <p class="muted">{ "How sure is the answer? The same comparison re-run at every rebalance day its schedules allow, \
                from every month start over fixed windows, and resampled in blocks of days; with the days split into calm, \
                middle and volatile thirds. Annualised with 365 days a year, simple daily returns, rf = 0%." }</p>
            { controls(&state, &spec, running) }
            { match &*status {
                Status::Running { done, total } => html! {
                    <p class="progress" role="status" id="robustness-progress">{ format!("Running {done} of {total} simulations in the background… ") }
                        <button class="link" id="robustness-cancel" onclick={cancel}>{ "Cancel" }</button></p>
                },
                Status::Failed(e) => html! { <p class="error" role="alert" id="robustness-error">{ e }</p> },
                Status::Done { jobs, ms, lanes } => html! {
                    <p class="muted" id="robustness-status">{ format!("{jobs} simulations and the bootstrap in {ms:.0} ms on {lanes} background worker(s).") }</p>
                },
                Status::Idle => html! {},
            } }
            if let Some(r) = shown {
                <section class={classes!("verdict", running.then_some("stale"))} id="verdict" aria-live="polite">
                    <h3>{ "Verdict" }</h3>
                    <p>{ r.verdict.as_ref().map_or_else(|| "No verdict: it needs two strategies that ran and the bootstrap.".to_string(), |v| v.sentence.clone()) }</p>
                    { for r.notes.iter().map(|n| html! { <p class="muted note">{ n }</p> }) }
                    if let Some(cb) = download_json { <button class="link" id="robustness-json" onclick={cb}>{ "Download these numbers (JSON)" }</button> }
                </section>
                <h3>{ "Timing luck: every rebalance day" }</h3>
                <RobustChart report={ByPtr(r.clone())} dates={dates.clone()} colors={colors.clone()} picture={Picture::Fan} dark={state.view.dark}
                    height={300} id="robust-fan" alt={"Growth of 1 of each strategy at every rebalance day: median and range".to_string()} />
                <RobustChart report={ByPtr(r.clone())} dates={dates.clone()} colors={colors.clone()} picture={Picture::Boxes} dark={state.view.dark}
                    height={60 + 44 * r.timing.as_ref().map_or(1, |t| t.len()) as u32} id="robust-boxes" alt={"CAGR at every rebalance day, one box per strategy".to_string()} />
                { timing_table(&r) }
                <h3>{ "Start dates" }</h3>
                <RobustChart report={ByPtr(r.clone())} dates={dates.clone()} colors={colors.clone()} picture={Picture::StartDates} dark={state.view.dark}
                    height={240} id="robust-starts" alt={"Difference in CAGR of the pair by start date".to_string()} />
                { start_table(&r) }
                <h3>{ "Sampling uncertainty" }</h3>
                { bootstrap_table(&r) }
                <h3>{ "Calm and volatile markets" }</h3>
                { regimes_table(&r) }
            }
        </div>
    }
}
