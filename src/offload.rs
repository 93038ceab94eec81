//! Where the comparison runs. Its cost is estimated from its rules before
//! anything runs ([`engine::cost`]): a comparison estimated below
//! [`MAIN_THREAD_SECONDS`] is simulated right here, inside the render (a
//! worker round trip would only add latency to a redraw that takes
//! milliseconds); anything larger runs in the engine worker while the page
//! keeps showing the previous results, marked as stale. Nothing heavy ever
//! runs on the page's thread: with nothing to show yet, the page shows no
//! results rather than computing them here.
//!
//! A newer request supersedes the running one: its worker is stopped at
//! once ([`workers::stop_compare`]) and a fresh one takes the new request.
//! A paused state ([`AppState::paused`]) computes nothing until the user
//! says Run.

use std::rc::Rc;
use yew::prelude::*;

use crate::compute::{ByPtr, Outcome, Results};
use crate::state::AppState;
use crate::workers;

/// The longest comparison (estimated, in the page) run on the page's
/// thread: within the 50 ms a page may block, with room for the charts.
pub const MAIN_THREAD_SECONDS: f64 = 0.03;

/// What the page shows: the results, whether newer ones are being computed
/// in a worker (the shown ones are then stale), and whether these came from one.
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
    // Paused, or a link waiting for its files: nothing is computed (the
    // data at hand is not the link's).
    let paused = state.paused || state.pending.is_some();
    let heavy = !paused && state.estimated_seconds() > MAIN_THREAD_SECONDS;
    let reuse = use_mut_ref(crate::compute::Reuse::default);
    let here = {
        let s = state.clone();
        use_memo((key.clone(), heavy, paused), move |(_, heavy, paused)| {
            (!heavy && !paused).then(|| Rc::new(Results::compute(&s, &mut reuse.borrow_mut())))
        })
    };
    // The worker's latest results and the inputs they are for.
    let from_worker = use_state(|| None::<(Key, Rc<Results>)>);
    let shown = use_mut_ref(|| None::<(Rc<Results>, bool)>);
    {
        let (s, from_worker) = (state.clone(), from_worker.clone());
        use_effect_with((key.clone(), heavy), move |(key, heavy)| {
            let mut job = None;
            if *heavy {
                match s.prepared() {
                    Err(e) => from_worker.set(Some((key.clone(), Rc::new(Results::failed(&s, e))))),
                    Ok((panel, strategies)) => {
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
                            let outcomes = entries
                                .into_iter()
                                .zip(runs)
                                .map(|(entry, result)| Outcome { entry, result: result.map(Rc::new) })
                                .collect();
                            from_worker.set(Some((key, Rc::new(Results { panel, outcomes, benchmark, elapsed_ms }))));
                        }));
                    }
                }
            }
            move || {
                if let Some(job) = job {
                    workers::stop_compare(job);
                }
            }
        });
    }
    let fresh_from_worker = from_worker.as_ref().filter(|(k, _)| heavy && *k == key).map(|(_, r)| r.clone());
    let current = match (&*here, fresh_from_worker) {
        (Some(r), _) => Some((r.clone(), false)),
        (None, Some(r)) => Some((r, true)),
        (None, None) if !paused => shown.borrow().clone(),
        (None, None) => None,
    };
    // Nothing shown yet and nothing cheap to compute: no results (never a
    // heavy computation on the page's thread).
    let (results, from_worker_now) = current.unwrap_or_else(|| (Rc::new(Results::empty(state)), false));
    *shown.borrow_mut() = Some((results.clone(), from_worker_now));
    let updating = heavy && !from_worker.as_ref().is_some_and(|(k, _)| *k == key);
    Shown { results, updating, from_worker: from_worker_now }
}
