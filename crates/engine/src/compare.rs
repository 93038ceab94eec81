//! Runs several strategies on one panel and measures them: the single entry
//! point the app and the CLI share, so both show the same numbers.
//!
//! Each strategy is simulated twice: as given (net of costs) and with every
//! cost set to zero (gross), so the cost drag is `CAGR(gross) - CAGR(net)`.
//! Benchmark-relative metrics (tracking error, information ratio, beta,
//! correlation) use the net equity of the chosen benchmark strategy.

use crate::errors::RunError;
use crate::metrics::{Metrics, MetricsError, MetricsOptions, TradingStats};
use crate::panel::Panel;
use crate::simulate::{simulate, SimResult};
use crate::strategy::{Strategy, Weighting};
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// One strategy's simulation and metrics (serde: the app's workers send
/// runs to the page).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub sim: SimResult,
    /// Equity of the same strategy with zero costs.
    pub gross_equity: Vec<f64>,
    pub metrics: Metrics,
}

/// The benchmark the app and the CLI use unless told otherwise: the last
/// single-asset buy-and-hold (a custom weighting naming one asset, such as
/// the Bitcoin preset), else none.
pub fn default_benchmark(strategies: &[Strategy]) -> Option<usize> {
    strategies.iter().rposition(|s| matches!(&s.weighting, Weighting::Custom { weights } if weights.len() == 1))
}

/// Whether a run ever held an asset. A strategy that holds nothing (a fixed
/// weight on an asset the data lacks, a filter nobody passes) sits in cash
/// at 0%: it is no benchmark.
pub fn holds_anything(sim: &SimResult) -> bool {
    sim.n_holdings.iter().any(|&n| n > 0)
}

/// The benchmark [`compare`] measured against: `benchmark`, unless that run
/// failed or held nothing.
pub fn benchmark_in_use<R: std::borrow::Borrow<Run>, E>(
    runs: &[Result<R, E>],
    benchmark: Option<usize>,
) -> Option<usize> {
    benchmark.filter(|&b| runs.get(b).and_then(|r| r.as_ref().ok()).is_some_and(|r| holds_anything(&r.borrow().sim)))
}

/// Simulates and measures each strategy; a strategy that cannot run gives
/// its error ([`RunError`]: the field at fault, or why its curve cannot be
/// measured), and the others still run.
/// `benchmark` indexes `strategies`; it is ignored when that one fails or
/// holds nothing (its run then says so in its warnings); see
/// [`benchmark_in_use`].
pub fn compare(
    panel: &Panel,
    strategies: &[Strategy],
    benchmark: Option<usize>,
    opts: &MetricsOptions,
) -> Vec<Result<Run, RunError>> {
    let sims: Vec<Sims> = strategies.iter().map(|s| simulate_both(panel, s, None)).collect();
    measure_all(panel, sims, benchmark, opts)
}

/// A strategy's net simulation and the equity of its gross one (the same
/// rules without costs), or why it cannot run.
type Sims = Result<(SimResult, Rc<Vec<f64>>), RunError>;

/// Simulates `s` net and gross; `gross` is the gross equity when it is
/// already known (from a strategy equal to `s` but for its costs).
fn simulate_both(panel: &Panel, s: &Strategy, gross: Option<Rc<Vec<f64>>>) -> Sims {
    let net = simulate(panel, s)?;
    let gross = match gross {
        Some(g) => g,
        None => Rc::new(simulate(panel, &s.without_costs())?.equity),
    };
    Ok((net, gross))
}

/// Simulations kept from one comparison to the next, so that a change to one
/// strategy re-simulates that one only: [`compare_cached`] reuses the
/// simulations of every strategy equal (all fields) to one of the last call,
/// while `data` (the caller's name for the panel: it must change whenever
/// the panel does) is the same, and their metrics too while the benchmark
/// they were measured against is unchanged. A strategy whose costs alone
/// changed reuses the gross run (its rules without costs) of the one it was. The numbers are those of
/// [`compare`], bit for bit: the same simulations, the same measuring.
#[derive(Debug)]
pub struct SimCache<K> {
    data: Option<K>,
    entries: Vec<Entry>,
    simulated: usize,
    measured: usize,
}

/// A strategy's simulations and, once measured, its run and what it was
/// measured against.
#[derive(Debug)]
struct Entry {
    strategy: Strategy,
    sims: Sims,
    run: Option<(Against, Result<Rc<Run>, RunError>)>,
}

/// What a run's metrics depend on besides its own simulations: the
/// benchmark strategy it was measured against, and whether it is a
/// benchmark refused for holding nothing.
type Against = (Option<Strategy>, bool);

impl<K> Default for SimCache<K> {
    fn default() -> Self {
        SimCache { data: None, entries: Vec::new(), simulated: 0, measured: 0 }
    }
}

impl<K> SimCache<K> {
    /// How many strategies the last [`compare_cached`] call simulated
    /// (the others came from the cache).
    pub fn simulated(&self) -> usize {
        self.simulated
    }

    /// How many runs the last [`compare_cached`] call measured.
    pub fn measured(&self) -> usize {
        self.measured
    }
}

/// [`compare`], reusing `cache`'s simulations and runs of unchanged
/// strategies on the same `data` (see [`SimCache`]); keeps those of
/// `strategies` for the next call. A run that did not change is the same
/// `Rc` as last time (nothing is copied).
pub fn compare_cached<K: PartialEq>(
    cache: &mut SimCache<K>,
    data: K,
    panel: &Panel,
    strategies: &[Strategy],
    benchmark: Option<usize>,
    opts: &MetricsOptions,
) -> Vec<Result<Rc<Run>, RunError>> {
    if cache.data.as_ref() != Some(&data) {
        cache.entries.clear();
        cache.data = Some(data);
    }
    let mut kept = std::mem::take(&mut cache.entries);
    cache.simulated = 0;
    cache.measured = 0;
    // Gross equities by the rules without costs: a strategy whose costs
    // alone changed has the same gross run.
    let grosses: Vec<(Strategy, Rc<Vec<f64>>)> = kept
        .iter()
        .filter_map(|e| e.sims.as_ref().ok().map(|(_, g)| (e.strategy.without_costs(), g.clone())))
        .collect();
    let mut entries: Vec<Entry> = strategies
        .iter()
        .map(|s| match kept.iter().position(|e| e.strategy == *s) {
            Some(i) => kept.swap_remove(i),
            None => {
                cache.simulated += 1;
                let bare = s.without_costs();
                let gross = grosses.iter().find(|(g, _)| *g == bare).map(|(_, e)| e.clone());
                Entry { strategy: s.clone(), sims: simulate_both(panel, s, gross), run: None }
            }
        })
        .collect();
    let (used, refused) = settle_benchmark(benchmark, |i| entries.get(i).map(|e| &e.sims));
    let bench = used.and_then(|b| entries[b].sims.as_ref().ok()).map(|(net, _)| net.equity.clone());
    let bench_strategy = used.map(|b| entries[b].strategy.clone());
    let runs = entries
        .iter_mut()
        .enumerate()
        .map(|(i, e)| {
            let against: Against = (if Some(i) == used { None } else { bench_strategy.clone() }, Some(i) == refused);
            if let Some((was, run)) = &e.run {
                if *was == against {
                    return run.clone();
                }
            }
            cache.measured += 1;
            let bench = if Some(i) == used { None } else { bench.as_deref() };
            let run = measure_one(panel, &e.sims, bench, Some(i) == refused, opts).map(Rc::new);
            e.run = Some((against, run.clone()));
            run
        })
        .collect();
    cache.entries = entries;
    runs
}

/// The benchmark used among the strategies' simulations (`sims(i)`): the
/// one asked for, when it ran and holds something; and the one refused
/// because it holds nothing.
fn settle_benchmark<'a>(
    benchmark: Option<usize>,
    sims: impl Fn(usize) -> Option<&'a Sims>,
) -> (Option<usize>, Option<usize>) {
    match benchmark.and_then(|b| Some((b, sims(b)?.as_ref().ok()?))) {
        Some((b, (net, _))) if holds_anything(net) => (Some(b), None),
        Some((b, _)) => (None, Some(b)),
        None => (None, None),
    }
}

/// One strategy's run: its simulations measured against `bench` (the
/// benchmark's net equity), with a warning when it is a benchmark refused
/// for holding nothing.
fn measure_one(
    panel: &Panel,
    sims: &Sims,
    bench: Option<&[f64]>,
    refused: bool,
    opts: &MetricsOptions,
) -> Result<Run, RunError> {
    let (net, gross) = sims.as_ref().map_err(Clone::clone)?;
    let mut net = net.clone();
    if refused {
        net.warnings.push("it holds nothing on this data, so it is not used as the benchmark".into());
    }
    let metrics = measure(panel, &net, Some(gross), bench, opts)?;
    Ok(Run { sim: net, gross_equity: gross.to_vec(), metrics })
}

/// Measures each strategy's simulations, against the benchmark's net equity.
fn measure_all(
    panel: &Panel,
    sims: Vec<Sims>,
    benchmark: Option<usize>,
    opts: &MetricsOptions,
) -> Vec<Result<Run, RunError>> {
    let (used, refused) = settle_benchmark(benchmark, |i| sims.get(i));
    let bench: Option<&[f64]> = used.and_then(|b| sims[b].as_ref().ok()).map(|(net, _)| net.equity.as_slice());
    sims.iter()
        .enumerate()
        .map(|(i, r)| {
            let bench = if Some(i) == used { None } else { bench };
            measure_one(panel, r, bench, Some(i) == refused, opts)
        })
        .collect()
}

/// The metrics of one simulation, with its trading statistics: what
/// [`compare`] and the parameter sweep measure. `gross_equity` (the same
/// strategy without costs) is needed only for the cost drag.
pub fn measure(
    panel: &Panel,
    net: &SimResult,
    gross_equity: Option<&[f64]>,
    benchmark: Option<&[f64]>,
    opts: &MetricsOptions,
) -> Result<Metrics, MetricsError> {
    // The simulator records one-sided turnover; metrics take two-sided.
    let turnover: Vec<f64> = net.rebalances.iter().map(|r| 2.0 * r.turnover).collect();
    let trading = TradingStats {
        turnover: Some(&turnover),
        fees_total: Some(net.total_fees),
        holdings: Some(&net.n_holdings),
        effective_n: Some(&net.effective_n),
        gross_equity,
    };
    Metrics::compute(panel.dates(), &net.equity, benchmark, &trading, opts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{generate, MarketParams};
    use crate::Preset;

    #[test]
    fn compares_presets_on_the_built_in_market() {
        let panel = generate(&MarketParams { n_assets: 40, years: 2.0, ..MarketParams::default() });
        let strategies: Vec<Strategy> = [Preset::Top10EqualMonthly, Preset::Top100CapWeekly, Preset::BitcoinBuyAndHold]
            .into_iter()
            .map(Strategy::preset)
            .collect();
        let runs = compare(&panel, &strategies, Some(2), &MetricsOptions::default());
        assert_eq!(runs.len(), 3);
        for r in &runs {
            let r = r.as_ref().unwrap();
            assert_eq!(r.sim.equity.len(), panel.n_days());
            // Costs only ever lower the value: gross >= net on the last day.
            assert!(r.gross_equity.last().unwrap() >= r.sim.equity.last().unwrap());
            let drag = r.metrics.cost_drag.unwrap();
            assert!(drag >= 0.0, "cost drag {drag}");
        }
        // The benchmark has no benchmark-relative metrics; the others do.
        assert!(runs[2].as_ref().unwrap().metrics.beta.is_none());
        assert!(runs[0].as_ref().unwrap().metrics.beta.is_some());
        assert_eq!(default_benchmark(&strategies), Some(2));
        assert_eq!(default_benchmark(&strategies[..2]), None);
        // Buy and hold never trades after day 0: one rebalance, no cost drag beyond the entry fee.
        assert_eq!(runs[2].as_ref().unwrap().sim.rebalances.len(), 1);
    }

    #[test]
    fn the_cache_simulates_only_what_changed_and_gives_compare_bit_for_bit() {
        let panel = generate(&MarketParams { n_assets: 40, years: 2.0, ..MarketParams::default() });
        let mut strategies: Vec<Strategy> =
            [Preset::Top10EqualMonthly, Preset::Top100CapWeekly, Preset::BitcoinBuyAndHold]
                .into_iter()
                .map(Strategy::preset)
                .collect();
        let mut bad = Strategy::preset(Preset::Top10EqualMonthly);
        bad.universe.top_n = Some(0);
        strategies.push(bad);
        let opts = MetricsOptions::default();
        let mut cache = SimCache::default();
        let bits = |runs: &[Result<Run, RunError>]| format!("{runs:?}");
        let cached_bits = |runs: &[Result<Rc<Run>, RunError>]| format!("{runs:?}");
        let first = compare_cached(&mut cache, 1, &panel, &strategies, Some(2), &opts);
        assert_eq!(cache.simulated(), 4);
        assert_eq!(cached_bits(&first), bits(&compare(&panel, &strategies, Some(2), &opts)));
        // One fee changed: one strategy simulated again, every number as compare gives it.
        strategies[0].costs.fee_bps += 1.0;
        let second = compare_cached(&mut cache, 1, &panel, &strategies, Some(2), &opts);
        assert_eq!(cache.simulated(), 1);
        assert_eq!(cache.measured(), 1);
        assert_eq!(cached_bits(&second), bits(&compare(&panel, &strategies, Some(2), &opts)));
        assert_ne!(cached_bits(&first), cached_bits(&second));
        // Reordered, the same benchmark: nothing simulated or measured
        // again, and the runs are the very same.
        strategies.swap(1, 2);
        let third = compare_cached(&mut cache, 1, &panel, &strategies, Some(1), &opts);
        assert_eq!((cache.simulated(), cache.measured()), (0, 0));
        assert!(Rc::ptr_eq(third[2].as_ref().unwrap(), second[1].as_ref().unwrap()));
        assert_eq!(cached_bits(&third), bits(&compare(&panel, &strategies, Some(1), &opts)));
        // Another benchmark: nothing simulated, every run measured again.
        let third = compare_cached(&mut cache, 1, &panel, &strategies, Some(0), &opts);
        assert_eq!((cache.simulated(), cache.measured()), (0, 4));
        assert_eq!(cached_bits(&third), bits(&compare(&panel, &strategies, Some(0), &opts)));
        // Other data: everything simulated again.
        let other = generate(&MarketParams { n_assets: 40, years: 2.0, seed: 7, ..MarketParams::default() });
        let fourth = compare_cached(&mut cache, 2, &other, &strategies, Some(1), &opts);
        assert_eq!(cache.simulated(), 4);
        assert_eq!(cached_bits(&fourth), bits(&compare(&other, &strategies, Some(1), &opts)));
    }

    #[test]
    fn a_bad_strategy_fails_alone() {
        let panel = generate(&MarketParams { n_assets: 10, years: 1.0, ..MarketParams::default() });
        let mut bad = Strategy::preset(Preset::Top10EqualMonthly);
        bad.universe.top_n = Some(0);
        let runs = compare(&panel, &[bad, Strategy::default()], None, &MetricsOptions::default());
        assert!(runs[0].as_ref().unwrap_err().to_string().contains("top_n"));
        assert!(runs[1].is_ok());
    }

    /// On data without bitcoin, "Bitcoin only, buy and hold" holds nothing:
    /// it is not the benchmark, says why, and the others have no relative metrics.
    #[test]
    fn a_benchmark_that_holds_nothing_is_not_used() {
        let panel = generate(&MarketParams { n_assets: 10, years: 1.0, ..MarketParams::default() });
        let keep: Vec<usize> = (0..panel.n_assets()).filter(|&a| panel.assets()[a].id != "btc").collect();
        let no_btc = panel.select_assets(&keep).unwrap();
        let strategies = [Strategy::preset(Preset::Top10EqualMonthly), Strategy::preset(Preset::BitcoinBuyAndHold)];
        let runs = compare(&no_btc, &strategies, default_benchmark(&strategies), &MetricsOptions::default());
        assert_eq!(benchmark_in_use(&runs, Some(1)), None);
        let btc = runs[1].as_ref().unwrap();
        assert!(!holds_anything(&btc.sim));
        assert!(btc.sim.warnings.iter().any(|w| w.contains("not used as the benchmark")), "{:?}", btc.sim.warnings);
        assert!(runs[0].as_ref().unwrap().metrics.beta.is_none(), "no relative metrics against cash");
        // With bitcoin in the data it is the benchmark.
        let runs = compare(&panel, &strategies, Some(1), &MetricsOptions::default());
        assert_eq!(benchmark_in_use(&runs, Some(1)), Some(1));
        assert!(runs[0].as_ref().unwrap().metrics.beta.is_some());
    }
}
