//! The invariants every target asserts. Each check panics with a message
//! naming the broken invariant; a panic is what libFuzzer reports as a crash.

use engine::compare::{compare, default_benchmark, Run};
use engine::errors::RunError;
use engine::ingest::{load, IngestError, IngestOptions, InputFile, Loaded};
use engine::metrics::{MetricId, MetricValue, MetricsOptions};
use engine::share::fingerprint;
use engine::{Panel, SimResult, Strategy};

/// Largest decompressed file the targets accept (1 MiB, so a small gzip bomb
/// is refused quickly instead of allocating the default 1 GiB).
pub const INGEST_MAX_BYTES: usize = 1 << 20;

/// Longest error message accepted beyond the file name: messages quote at most
/// 40 characters of a value, so anything much longer means raw input leaked in.
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// Loaded panels up to this many cells are also simulated.
const SIMULATE_MAX_CELLS: usize = 4000;

/// Ingest options for a target: the spike repair depends on the input's
/// length, so both settings get exercised without spending an input byte.
pub fn ingest_options(data: &[u8]) -> IngestOptions {
    IngestOptions { repair_spikes: data.len() % 2 == 1, max_bytes: INGEST_MAX_BYTES, ..IngestOptions::default() }
}

/// Loads `files` and checks the result (or the error); returns it.
pub fn load_checked(files: &[InputFile], opts: &IngestOptions) -> Result<Loaded, IngestError> {
    let result = load(files, opts);
    match &result {
        Ok(loaded) => {
            loaded_is_consistent(loaded);
            if loaded.panel.n_days() * loaded.panel.n_assets() <= SIMULATE_MAX_CELLS {
                let strategies = [Strategy::default(), Strategy::preset(engine::Preset::Top20Capped30Quarterly)];
                compare_checked(&loaded.panel, &strategies);
            }
        }
        Err(e) => ingest_error_is_clean(e),
    }
    result
}

/// An ingest error is a short, non-empty sentence.
pub fn ingest_error_is_clean(e: &IngestError) {
    let msg = e.to_string();
    assert!(!msg.trim().is_empty(), "empty error message for {e:?}");
    let own = msg.chars().count() - e.file.as_deref().map_or(0, |f| f.chars().count());
    assert!(own <= MAX_MESSAGE_CHARS, "error message of {own} characters: {}", &msg[..msg.len().min(300)]);
}

/// A loaded panel satisfies the `Panel` invariants and agrees with its report.
pub fn loaded_is_consistent(l: &Loaded) {
    let p = &l.panel;
    panel_is_valid(p);
    let r = &l.report;
    assert_eq!(r.n_assets, p.n_assets(), "report n_assets");
    assert_eq!(r.n_days, p.n_days(), "report n_days");
    assert_eq!(r.assets.len(), p.n_assets(), "one report per asset");
    assert_eq!(r.first_date, p.dates()[0]);
    assert_eq!(r.last_date, p.dates()[p.n_days() - 1]);
    for (a, info) in r.assets.iter().zip(p.assets()) {
        assert_eq!(a.id, info.id, "report order = panel order");
        assert_eq!(a.first_date, p.dates()[info.first], "{}: first date", a.id);
        assert_eq!(a.last_date, p.dates()[info.last], "{}: last date", a.id);
        assert!(a.days <= a.rows, "{}: {} days from {} rows", a.id, a.days, a.rows);
        assert_eq!(a.carried_forward, info.carried_forward);
    }
    let ids: Vec<&str> = p.assets().iter().map(|a| a.id.as_str()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "assets sorted by id: {ids:?}");
    let fp = fingerprint(p);
    assert!(fp.len() == 64 && fp.bytes().all(|b| b.is_ascii_hexdigit()), "fingerprint {fp}");
}

/// The invariants documented on [`Panel`].
pub fn panel_is_valid(p: &Panel) {
    let (n_days, n) = (p.n_days(), p.n_assets());
    assert!(n_days >= 1 && n >= 1, "empty panel");
    assert!(p.dates().windows(2).all(|w| w[0] < w[1]), "dates strictly increase");
    assert_eq!(p.prices().len(), n_days * n);
    for (a, info) in p.assets().iter().enumerate() {
        assert!(!info.id.trim().is_empty(), "empty asset id");
        assert!(info.first <= info.last && info.last < n_days, "{}: span {}..{}", info.id, info.first, info.last);
        for t in 0..n_days {
            let price = p.price(t, a);
            if (info.first..=info.last).contains(&t) {
                assert!(price.is_finite() && price > 0.0, "{}: price {price} on day {t} inside its span", info.id);
            } else {
                assert!(price.is_nan(), "{}: price {price} on day {t} outside its span", info.id);
            }
        }
    }
    for v in p.market_caps().iter().chain(p.volumes().iter()) {
        assert!(v.is_nan() || (v.is_finite() && *v >= 0.0), "cap or volume {v}");
    }
    for (k, e) in p.extras().iter().enumerate() {
        assert_eq!(p.extra_day_major(k).len(), n_days * n, "extra '{}' length", e.name);
        assert_eq!(e.values.len(), p.stored_cells(), "extra '{}' stored length", e.name);
    }
}

/// Relative slack for sums of weights.
const EPS: f64 = 1e-9;

/// A simulation result satisfies the simulator's documented invariants:
/// one value per day, finite non-negative equity and cash, no negative units
/// or weights, weights summing to at most 1, fees non-negative.
pub fn sim_is_sound(p: &Panel, s: &Strategy, r: &SimResult) {
    let n_days = p.n_days();
    assert_eq!(r.equity.len(), n_days, "equity length");
    assert_eq!(r.cash.len(), n_days, "cash length");
    assert_eq!(r.n_holdings.len(), n_days);
    assert_eq!(r.effective_n.len(), n_days);
    assert_eq!(r.risk_off.len(), n_days);
    for t in 0..n_days {
        let (e, c) = (r.equity[t], r.cash[t]);
        assert!(e.is_finite() && e >= 0.0, "equity {e} on day {t}");
        assert!(c.is_finite() && c >= 0.0, "cash {c} on day {t}");
        assert!(c <= e * (1.0 + EPS) + f64::MIN_POSITIVE, "cash {c} above equity {e} on day {t}");
        let en = r.effective_n[t];
        assert!(en.is_finite() && en >= 0.0 && en <= r.n_holdings[t] as f64 * (1.0 + EPS), "effective N {en}");
        assert!(r.n_holdings[t] <= p.n_assets());
        if e > 0.0 {
            let w = r.weights_at(p, t);
            for &(a, x) in &w {
                assert!(x >= 0.0, "weight {x} of asset {a} on day {t}");
            }
            let total: f64 = w.iter().map(|x| x.1).sum::<f64>() + c / e;
            assert!(total.is_nan() || (total - 1.0).abs() <= 1e-6, "weights + cash = {total} on day {t}");
        }
    }
    for seg in &r.segments {
        assert!(seg.cash.is_finite() && seg.cash >= 0.0, "segment cash {}", seg.cash);
        for &(a, u) in &seg.units {
            assert!(a < p.n_assets());
            assert!(u.is_finite() && u >= 0.0, "negative or non-finite units {u} of asset {a} from day {}", seg.start);
        }
    }
    assert!(r.segments.windows(2).all(|w| w[0].start <= w[1].start), "segments in day order");
    for rb in &r.rebalances {
        assert!(rb.fee.is_finite() && rb.fee >= 0.0, "rebalance fee {}", rb.fee);
        assert!(rb.turnover.is_finite() && rb.turnover >= 0.0, "turnover {}", rb.turnover);
        let mut sum = 0.0;
        for &(a, w) in &rb.holdings {
            assert!(w.is_finite() && w >= 0.0, "target weight {w} of asset {a}");
            sum += w;
        }
        assert!(sum <= 1.0 + EPS, "target weights sum to {sum}");
        if let Some(regime) = &s.regime {
            let invested = if r.risk_off[rb.day] { 1.0 - regime.cash_fraction } else { 1.0 };
            assert!(rb.holdings.is_empty() || (sum - invested).abs() <= 1e-6, "weights {sum} vs {invested}");
        } else {
            assert!(rb.holdings.is_empty() || (sum - 1.0).abs() <= 1e-6, "weights sum to {sum}");
        }
    }
    for tr in &r.trades {
        assert!(tr.units.is_finite() && tr.units >= 0.0, "trade units {}", tr.units);
        assert!(tr.fee.is_finite() && tr.fee >= 0.0, "trade fee {}", tr.fee);
        assert!(tr.value.is_finite() && tr.value >= 0.0, "trade value {}", tr.value);
        // The fee is charged on the traded value by weights, `value` is units x
        // price: both come from differences of nearly equal amounts, so they
        // agree to rounding of the portfolio value, not of a tiny trade.
        let slack = 1e-12 * r.equity[tr.day] + f64::MIN_POSITIVE;
        assert!(tr.fee <= 0.5 * tr.value * (1.0 + EPS) + slack, "fee {} on {}", tr.fee, tr.value);
    }
    assert!(r.total_fees.is_finite() && r.total_fees >= 0.0, "total fees {}", r.total_fees);
}

/// Runs `engine::compare` (net and gross simulations, then metrics), checks
/// every successful run, and returns the runs.
pub fn compare_checked(p: &Panel, strategies: &[Strategy]) -> Vec<Result<Run, RunError>> {
    let runs = compare(p, strategies, default_benchmark(strategies), &MetricsOptions::default());
    assert_eq!(runs.len(), strategies.len());
    for (run, s) in runs.iter().zip(strategies) {
        match run {
            Ok(run) => {
                sim_is_sound(p, s, &run.sim);
                assert_eq!(run.gross_equity.len(), p.n_days());
                for &id in MetricId::ALL {
                    if let MetricValue::Number(x) = run.metrics.value(id) {
                        assert!(!x.is_nan(), "metric {id:?} is NaN (undefined metrics must be missing)");
                    }
                }
            }
            Err(e) => {
                let msg = e.to_string();
                assert!(!msg.trim().is_empty(), "empty error");
                assert!(msg.chars().count() <= MAX_MESSAGE_CHARS, "error of {} characters", msg.len());
            }
        }
    }
    runs
}
