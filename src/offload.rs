//! Where the comparison runs. A small problem (the default view, a few
//! strategies on a few hundred assets) is simulated right here, inside the
//! render, because a worker round trip would only add latency to a redraw
//! that takes milliseconds. A large one (estimated above
//! [`MAIN_THREAD_CELLS`]) runs in the engine worker, while the page keeps
//! showing the previous results, marked as being updated.

use std::rc::Rc;
use yew::prelude::*;

use crate::compute::{ByPtr, Outcome, Results};
use crate::state::AppState;
use crate::workers;

/// Largest problem simulated on the page's thread, in strategy x day x
/// asset cells. Measured: 3 strategies x 2,190 days x 100 assets (657,000
/// cells, each simulated net and gross of costs, then measured) take about
/// 9 ms in the page, about 14 ns a cell, so 2 million cells stay near 30 ms,
/// inside the 50 ms a page may block (see BENCHMARKS.md).
pub const MAIN_THREAD_CELLS: usize = 2_000_000;

/// Strategy x day x asset cells of the comparison `state` asks for.
pub fn cells(state: &AppState) -> usize {
    let days = state.range.1.saturating_sub(state.range.0) + 1;
    state.strategies.len() * days * state.panel.n_assets()
}

/// The panel the strategies run on: the state's data cut to its date range.
fn simulated_panel(state: &AppState) -> Rc<engine::Panel> {
    if state.range == (0, state.panel.n_days() - 1) {
        state.panel.clone()
    } else {
        state.panel.slice_days(state.range.0, state.range.1).map(Rc::new).unwrap_or_else(|_| state.panel.clone())
    }
}

/// What the page shows: the results, whether newer ones are being computed
/// in a worker, and whether these came from one.
pub struct Shown {
    pub results: Rc<Results>,
    pub updating: bool,
    pub from_worker: bool,
}

/// The inputs that change numbers.
type Key = (ByPtr<engine::Panel>, (usize, usize), f64, Vec<crate::state::StrategyEntry>);

/// The results to show (see the module docs).
#[hook]
pub fn use_results(state: &AppState) -> Shown {
    let key: Key = (ByPtr(state.panel.clone()), state.range, state.initial_capital, state.strategies.clone());
    let heavy = cells(state) > MAIN_THREAD_CELLS;
    let here = {
        let s = state.clone();
        use_memo((key.clone(), heavy), move |(_, heavy)| (!heavy).then(|| Rc::new(Results::compute(&s))))
    };
    // The worker's latest results and the inputs they are for.
    let from_worker = use_state(|| None::<(Key, Rc<Results>)>);
    let shown = use_mut_ref(|| None::<(Rc<Results>, bool)>);
    {
        let (s, from_worker) = (state.clone(), from_worker.clone());
        use_effect_with((key.clone(), heavy), move |(key, heavy)| {
            let mut job = None;
            if *heavy {
                let panel = simulated_panel(&s);
                let strategies: Vec<engine::Strategy> = s
                    .strategies
                    .iter()
                    .map(|e| engine::Strategy { initial_capital: s.initial_capital, ..e.strategy.clone() })
                    .collect();
                let bench_idx = engine::compare::default_benchmark(&strategies);
                let entries = s.strategies.clone();
                let data = s.worker_data(panel.clone());
                let key = key.clone();
                job = Some(workers::compare(&data, strategies, bench_idx, move |outcome| {
                    let (runs, elapsed_ms) = match outcome {
                        Ok(done) => done,
                        Err(e) => (entries.iter().map(|_| Err(e.clone())).collect(), f64::NAN),
                    };
                    let benchmark = engine::compare::benchmark_in_use(&runs, bench_idx).map(|i| entries[i].id);
                    let outcomes =
                        entries.into_iter().zip(runs).map(|(entry, result)| Outcome { entry, result }).collect();
                    from_worker.set(Some((key, Rc::new(Results { panel, outcomes, benchmark, elapsed_ms }))));
                }));
            }
            move || {
                if let Some(job) = job {
                    workers::cancel(job);
                }
            }
        });
    }
    let fresh_from_worker = from_worker.as_ref().filter(|(k, _)| heavy && *k == key).map(|(_, r)| r.clone());
    let current = match (&*here, fresh_from_worker) {
        (Some(r), _) => Some((r.clone(), false)),
        (None, Some(r)) => Some((r, true)),
        (None, None) => shown.borrow().clone(),
    };
    let (results, from_worker_now) = current.unwrap_or_else(|| (Rc::new(Results::compute(state)), false));
    *shown.borrow_mut() = Some((results.clone(), from_worker_now));
    let updating = heavy && !from_worker.as_ref().is_some_and(|(k, _)| *k == key);
    Shown { results, updating, from_worker: from_worker_now }
}
