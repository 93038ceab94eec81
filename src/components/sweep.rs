//! The parameter sweep: one strategy varied along up to three rules, each
//! configuration measured by one metric, run across the worker pool and
//! drawn as a heatmap; picking a cell adds that configuration to the
//! comparison.

use engine::metrics::MetricId;
use engine::sweep::{SweepForm, SweepSpec, FORM_DIMS as DIMS, MAX_DIMS};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::backend::Backend;
use crate::components::chart;
use crate::compute::ByPtr;
use crate::state::{Action, AppContext, MAX_STRATEGIES};
use crate::workers::{self, protocol::JobId};
use charts::{draw_sweep, Better, SweepAxis, SweepChart, SweepMap};
use plotters::prelude::IntoDrawingArea;
use web_sys::HtmlCanvasElement;

/// What the user has typed: per dimension row, the key ("" = unused) and text.
#[derive(Clone, PartialEq)]
struct Form {
    base: u32,
    rows: [(String, String); MAX_DIMS],
    metric: MetricId,
}

impl Form {
    /// The form a link or the state holds, for the strategy with id `base`.
    fn from_saved(base: u32, saved: &SweepForm) -> Form {
        let mut rows: [(String, String); MAX_DIMS] = Default::default();
        for (row, dim) in rows.iter_mut().zip(&saved.dims) {
            *row = dim.clone();
        }
        Form { base, rows, metric: saved.metric }
    }

    /// The form as a link keeps it (`base` is set from the strategy's place
    /// when the link is made).
    fn to_saved(&self) -> SweepForm {
        SweepForm {
            base: 0,
            dims: self.rows.iter().filter(|(k, _)| !k.is_empty()).cloned().collect(),
            metric: self.metric,
        }
    }
}

/// The sweep chart on a canvas: hovering names a cell, clicking adds it.
#[derive(Properties)]
struct HeatmapProps {
    done: Rc<Done>,
    dark: bool,
    size_epoch: u32,
    on_pick: Callback<usize>,
}

impl PartialEq for HeatmapProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.done, &o.done) && self.dark == o.dark && self.size_epoch == o.size_epoch
    }
}

#[function_component(Heatmap)]
fn heatmap(props: &HeatmapProps) -> Html {
    let canvas_ref = use_node_ref();
    let map = use_mut_ref(SweepMap::default);
    let chart::CanvasHover { hover, onmousemove, onmouseleave } = {
        let map = map.clone();
        chart::use_canvas_hover(&canvas_ref, move |x, y| map.borrow().cell_at(x, y))
    };
    {
        let (canvas_ref, map, done, dark) = (canvas_ref.clone(), map.clone(), props.done.clone(), props.dark);
        use_effect_with((ByPtr(props.done.clone()), props.dark, props.size_epoch, *hover), move |(_, _, _, hover)| {
            let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() else { return };
            let width = canvas.client_width().max(320) as u32;
            let panels = done.spec.dims.get(2).map(|d| d.len()).unwrap_or(1) as u32;
            let rows = done.spec.dims.get(1).map(|d| d.len()).unwrap_or(1) as u32;
            let height = (120 + panels * (60 + rows * 26)).clamp(220, 1400);
            if canvas.width() != width {
                canvas.set_width(width);
            }
            canvas.set_height(height);
            let Some(backend) = Backend::canvas(canvas) else { return };
            let area = backend.into_drawing_area();
            let labels: Vec<(&'static str, Vec<String>)> = done.spec.axes();
            let axes: Vec<SweepAxis> = labels.iter().map(|(t, l)| SweepAxis { title: t, labels: l }).collect();
            let values = engine::sweep::values(&done.cells);
            let kind = done.spec.metric.info().kind;
            let extra = done.extra;
            let format = move |v: f64| kind.display_with(v, extra);
            let title = format!("{} of '{}' across the sweep", done.spec.metric.info().label, done.spec.base.name);
            let chart = SweepChart {
                title: &title,
                axes: &axes,
                values: &values,
                better: Better::from(engine::sweep::higher_is_better(done.spec.metric)),
                format: &format,
                highlight: *hover,
            };
            if let Ok(m) = draw_sweep(&area, &chart, &chart::theme(dark)) {
                *map.borrow_mut() = m;
            }
            let _ = area.present();
        });
    }
    let cell_at = {
        let (canvas_ref, map) = (canvas_ref.clone(), map.clone());
        move |e: &MouseEvent| {
            let canvas = canvas_ref.cast::<HtmlCanvasElement>()?;
            let (x, y) = chart::canvas_xy(&canvas, e);
            map.borrow().cell_at(x, y)
        }
    };
    let onclick = {
        let on_pick = props.on_pick.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(cell) = cell_at(&e) {
                on_pick.emit(cell);
            }
        })
    };
    let d = &props.done;
    let readout = hover.and_then(|i| {
        let name = d.spec.strategy_for(i).ok()?.name;
        let value = match d.cells.get(i)? {
            Ok(v) => d.spec.metric.info().kind.display_with(*v, d.extra),
            Err(e) => format!("n/a ({e})"),
        };
        Some(format!("{name}: {value}. Click to add it to the comparison."))
    });
    html! {
        <div class="sweep-chart">
            <canvas ref={canvas_ref} id="sweep-canvas" class={classes!(hover.is_some().then_some("pointing"))}
                role="img" aria-label="Heatmap of the sweep; the table below lists the same values"
                {onmousemove} {onmouseleave} {onclick}></canvas>
            <p class="muted" id="sweep-readout" aria-live="polite">{ readout.unwrap_or_else(||
                "Hover a cell to read it; click it to add that configuration to the comparison.".to_string()) }</p>
        </div>
    }
}

/// A finished sweep.
struct Done {
    spec: SweepSpec,
    cells: Vec<crate::workers::protocol::Cell>,
    ms: f64,
    lanes: usize,
    /// The data it ran on, to tell when it is out of date.
    panel: Rc<engine::Panel>,
    /// Decimals beyond the metric's usual that tell the cells apart.
    extra: usize,
}

/// A sweep's life in the page: the one running (job, cells done, total),
/// the last one finished, and why the last one stopped.
struct SweepRunner {
    running: UseStateHandle<Option<(JobId, usize, usize)>>,
    done: UseStateHandle<Option<Rc<Done>>>,
    error: UseStateHandle<Option<String>>,
    /// Runs a sweep on a panel across the worker pool.
    run: Callback<(SweepSpec, Rc<engine::Panel>)>,
    cancel: Callback<MouseEvent>,
}

#[hook]
fn use_sweep_runner(state: &crate::state::AppContext) -> SweepRunner {
    let running = use_state(|| None::<(JobId, usize, usize)>);
    let done = use_state(|| None::<Rc<Done>>);
    let error = use_state(|| None::<String>);
    let run = {
        let (running, done, error, state) = (running.clone(), done.clone(), error.clone(), state.clone());
        Callback::from(move |(spec, panel): (SweepSpec, Rc<engine::Panel>)| {
            let clock = gloo::utils::window().performance();
            let t0 = clock.as_ref().map(|p| p.now()).unwrap_or(0.0);
            let total = spec.n_cells();
            let lanes = workers::size().min(total);
            error.set(None);
            let (r1, r2, done, error, sent, panel2) =
                (running.clone(), running.clone(), done.clone(), error.clone(), spec.clone(), panel.clone());
            let job_id = Rc::new(std::cell::Cell::new(0));
            let job_id2 = job_id.clone();
            let job = workers::sweep(
                &state.worker_data(panel),
                spec,
                // Replies stop once the job is cancelled or done, so every
                // progress report belongs to the running sweep.
                move |n, total| r1.set(Some((job_id.get(), n, total))),
                move |outcome| {
                    r2.set(None);
                    let ms = clock.map(|p| p.now() - t0).unwrap_or(f64::NAN);
                    match outcome {
                        Ok(cells) => {
                            let extra = sent.metric.info().kind.extra_decimals(&engine::sweep::values(&cells));
                            done.set(Some(Rc::new(Done { spec: sent, cells, ms, lanes, panel: panel2, extra })))
                        }
                        Err(e) => error.set(Some(format!("The sweep stopped: {e}"))),
                    }
                },
            );
            job_id2.set(job);
            running.set(Some((job, 0, total)));
        })
    };
    let cancel = {
        let running = running.clone();
        Callback::from(move |_| {
            if let Some((job, _, _)) = *running {
                workers::cancel(job);
            }
            running.set(None);
        })
    };
    SweepRunner { running, done, error, run, cancel }
}

#[derive(Properties, PartialEq)]
pub struct SweepProps {
    pub results: ByPtr<crate::compute::Results>,
    pub size_epoch: u32,
    /// Whether `results` are the previous ones while a worker computes new
    /// ones (a sweep from a link waits for the current data).
    pub updating: bool,
}

#[function_component(SweepPanel)]
pub fn sweep_panel(props: &SweepProps) -> Html {
    let state = use_context::<AppContext>().expect("app state");
    let results = props.results.clone();
    let first = state.strategies.first().map(|e| e.id).unwrap_or(0);
    let form = use_state(|| match &state.sweep {
        Some((base, saved)) => Form::from_saved(*base, saved),
        None => Form {
            base: first,
            rows: [
                (DIMS[2].0.to_string(), DIMS[2].2.to_string()),
                (DIMS[3].0.to_string(), DIMS[3].2.to_string()),
                (String::new(), String::new()),
            ],
            metric: MetricId::Sharpe,
        },
    });
    let SweepRunner { running, done, error, run: start, cancel } = use_sweep_runner(&state);
    // A scenario with a sweep (a link, a bundle) fills the form and runs it.
    let autorun = use_state(|| false);
    {
        let (form, autorun, saved, state) = (form.clone(), autorun.clone(), state.sweep.clone(), state.clone());
        use_effect_with(state.sweep_waiting, move |waiting| {
            if let (true, Some((base, saved))) = (*waiting, saved) {
                form.set(Form::from_saved(base, &saved));
                autorun.set(true);
                state.dispatch(Action::SweepTaken);
            }
        });
    }

    let base_entry = state.strategies.iter().find(|e| e.id == form.base).or(state.strategies.first());
    // The form read by the engine (`SweepForm::spec`) on the strategies
    // prepared as the comparison runs them: the results' panel is already
    // cut to the range, so `prepare` only applies the capital here.
    let spec: Result<SweepSpec, String> = (|| {
        let base = base_entry.ok_or("add a strategy to sweep first")?;
        let index = state.strategies.iter().position(|e| e.id == base.id).unwrap_or(0);
        let strategies = state.strategies_prepared(&results.panel)?;
        SweepForm { base: index, ..form.to_saved() }.spec(&strategies)
    })();

    let run = {
        let (spec, panel, state) = (spec.clone(), results.panel.clone(), state.clone());
        let (base, saved) = (base_entry.map(|e| e.id), form.to_saved());
        Callback::from(move |_: ()| {
            let Ok(spec) = spec.clone() else { return };
            if let Some(base) = base {
                // Links made from now on carry this sweep.
                state.dispatch(Action::SweepRan(base, saved.clone()));
            }
            start.emit((spec, panel.clone()));
        })
    };
    {
        // Runs a sweep a scenario brought, once the results are of its data
        // (and the files it needs, if any, are loaded).
        let waiting = props.updating || matches!(state.link_notice, Some(crate::state::LinkNotice::NeedsFiles { .. }));
        let (run, autorun, ready) = (run.clone(), autorun.clone(), spec.is_ok() && running.is_none());
        use_effect_with((*autorun, waiting), move |(pending, waiting)| {
            if *pending && !*waiting {
                autorun.set(false);
                if ready {
                    run.emit(());
                }
            }
        });
    }
    // Adds a cell's configuration to the comparison.
    let pick = {
        let (state, error, done) = (state.clone(), error.clone(), done.clone());
        Callback::from(move |index: usize| {
            let Some(d) = &*done else { return };
            if state.strategies.len() >= MAX_STRATEGIES {
                error.set(Some(format!(
                    "The comparison holds at most {MAX_STRATEGIES} strategies: remove one to add this configuration."
                )));
                return;
            }
            match d.spec.strategy_for(index) {
                Ok(s) => state.dispatch(Action::AddStrategy(Box::new(s))),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let add = |index: usize| pick.reform(move |_: MouseEvent| index);

    let set_row = |d: usize, key: bool| {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let mut f = (*form).clone();
            if key {
                let k = e.target_unchecked_into::<HtmlSelectElement>().value();
                f.rows[d].1 = DIMS.iter().find(|x| x.0 == k).map(|x| x.2.to_string()).unwrap_or_default();
                f.rows[d].0 = k;
            } else {
                f.rows[d].1 = e.target_unchecked_into::<HtmlInputElement>().value();
            }
            form.set(f);
        })
    };
    let n_cells = spec.as_ref().map(|s| s.n_cells()).unwrap_or(0);

    html! {
        <section class="panel sweep-panel" id="sweep" aria-labelledby="sweep-h">
            <h2 id="sweep-h">{ "Parameter sweep" }</h2>
            <p class="muted">{ format!(
                "Vary one strategy along up to three rules and colour every configuration by a metric. \
                 Runs on {} background worker(s), so the page stays responsive; click a cell to add that \
                 configuration to the comparison.", workers::size()) }</p>
            <div class="sweep-form">
                <label>{ "Start from " }
                    <select id="sweep-base" onchange={
                        let form = form.clone();
                        Callback::from(move |e: Event| {
                            if let Ok(id) = e.target_unchecked_into::<HtmlSelectElement>().value().parse() {
                                form.set(Form { base: id, ..(*form).clone() });
                            }
                        })
                    }>
                        { for state.strategies.iter().map(|e| html! {
                            <option value={e.id.to_string()} selected={Some(e.id) == base_entry.map(|b| b.id)}>{ &e.strategy.name }</option>
                        }) }
                    </select>
                </label>
                { for (0..MAX_DIMS).map(|d| html! {
                    <div class="row sweep-dim">
                        <label>{ format!("Dimension {} ", d + 1) }
                            <select id={format!("sweep-dim-{d}")} onchange={set_row(d, true)}>
                                <option value="" selected={form.rows[d].0.is_empty()}>{ "(none)" }</option>
                                { for DIMS.iter().map(|(k, label, _, _)| html! {
                                    <option value={*k} selected={form.rows[d].0 == *k}>{ *label }</option>
                                }) }
                            </select>
                        </label>
                        if !form.rows[d].0.is_empty() {
                            <label>{ "values " }
                                <input id={format!("sweep-values-{d}")} type="text" value={form.rows[d].1.clone()}
                                    title={DIMS.iter().find(|x| x.0 == form.rows[d].0).map(|x| x.3).unwrap_or("")}
                                    onchange={set_row(d, false)} />
                            </label>
                        }
                    </div>
                }) }
                <label>{ "Metric " }
                    <select id="sweep-metric" onchange={
                        let form = form.clone();
                        Callback::from(move |e: Event| {
                            let key = e.target_unchecked_into::<HtmlSelectElement>().value();
                            if let Some(m) = MetricId::ALL.iter().find(|m| m.info().key == key) {
                                form.set(Form { metric: *m, ..(*form).clone() });
                            }
                        })
                    }>
                        { for MetricId::ALL.iter().filter(|m| engine::sweep::sweepable(**m)).map(|m| html! {
                            <option value={m.info().key} selected={*m == form.metric} title={m.info().description}>{ m.info().label }</option>
                        }) }
                    </select>
                </label>
                if let Some((_, n, total)) = *running {
                    <p class="progress" role="status" id="sweep-progress">
                        <progress max={total.to_string()} value={n.to_string()}></progress>
                        { format!(" {n} of {total} configurations ") }
                        <button id="sweep-cancel" class="link" onclick={cancel}>{ "Cancel" }</button>
                    </p>
                } else {
                    <button id="sweep-run" class="primary" disabled={spec.is_err()} onclick={run.reform(|_| ())}>
                        { format!("Run {n_cells} configuration(s)") }</button>
                }
            </div>
            if let Err(e) = &spec { <p class="error" role="alert" id="sweep-error">{ e }</p> }
            if let Some(e) = &*error { <p class="error" role="alert" id="sweep-error">{ e }</p> }
            if let Some(d) = &*done {
                if !Rc::ptr_eq(&d.panel, &results.panel) {
                    <p class="notice info" id="sweep-stale">{ "The data or date range changed since this sweep ran: run it again for current numbers." }</p>
                }
                <p class="muted" id="sweep-status">{ format!(
                    "{} configurations of '{}' measured by {} in {:.0} ms on {} worker(s). {}",
                    d.cells.len(), d.spec.base.name, d.spec.metric.info().label, d.ms, d.lanes,
                    d.spec.metric.info().description) }</p>
                <Heatmap done={d.clone()} dark={state.view.dark} size_epoch={props.size_epoch} on_pick={pick.clone()} />
                <details class="sweep-values"><summary>{ "Values as a table" }</summary>
                <div class="table-wrap">
                    <table id="sweep-table" class="sweep-table">
                        <thead><tr><th>{ "Configuration" }</th><th>{ d.spec.metric.info().label }</th><th></th></tr></thead>
                        <tbody>{ for d.cells.iter().enumerate().map(|(i, c)| {
                            let name = d.spec.strategy_for(i).map(|s| s.name).unwrap_or_default();
                            html! {
                                <tr data-cell={i.to_string()}
                                    data-value={c.as_ref().map(|v| format!("{v:?}")).unwrap_or_default()}>
                                    <td>{ name }</td>
                                    <td class="num">{ match c {
                                        Ok(v) => d.spec.metric.info().kind.display_with(*v, d.extra),
                                        Err(e) => format!("n/a ({e})"),
                                    } }</td>
                                    <td><button class="link add-cell" onclick={add(i)}>{ "Add" }</button></td>
                                </tr>
                            }
                        }) }</tbody>
                    </table>
                </div>
                </details>
            }
        </section>
    }
}
