//! # Analyses for the teaching lessons
//!
//! Pure functions on panels and equity curves, reusing [`crate::metrics`] for
//! returns, CAGR, volatility, quantiles and drawdowns. Conventions shared with
//! the metrics module: simple returns `r_t = E_t / E_{t-1} - 1`, the return
//! `r_t` belongs to day `t`, sample standard deviations (ddof = 1), and CAGR
//! with `years = number of returns / P`.
//!
//! * [`market_cap_index`] — the cap-weighted total market (the reference).
//! * [`regime_split`] / [`regime_labels`] / [`regime_stats`] — calm vs volatile
//!   days from the reference's rolling volatility, and per-regime performance.
//! * [`attribute_gap`] — why equal weighting beat (or lagged) cap weighting:
//!   size tilt, rebalancing effect and costs.
//! * [`rolling_average_correlation`] — how much the assets move together.
//! * [`monte_carlo`] — a grid of seeded runs comparing two metrics.
//!
//! Undefined values are `NaN` in series (for charts) and `None` in summaries.
//!
//! ```
//! use engine::analysis::{attribute_gap, GapCurves};
//! // One year of data at P = 2 (two returns): CAGR = last / first - 1.
//! let cap = [1.0, 1.05, 1.10];
//! let (held, gross, net) = ([1.0, 1.1, 1.25], [1.0, 1.2, 1.30], [1.0, 1.2, 1.28]);
//! let g = GapCurves { cap_net: &cap, cap_gross: None, ew_held: &held, ew_gross: &gross, ew_net: &net };
//! let a = attribute_gap(&g, 2.0).unwrap();
//! // size tilt +15 pp, rebalancing +5 pp, costs -2 pp: equal weight ahead by 18 pp a year.
//! assert!((a.size_tilt - 0.15).abs() < 1e-12 && (a.rebalancing - 0.05).abs() < 1e-12);
//! assert!((a.cost_drag + 0.02).abs() < 1e-12 && (a.total - 0.18).abs() < 1e-12);
//! ```

use crate::date::Date;
use crate::metrics;
use crate::panel::Panel;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Invalid input to an analysis.
#[derive(Clone, Debug, PartialEq)]
pub enum AnalysisError {
    /// A series is shorter than needed.
    TooShort { what: &'static str, needed: usize, got: usize },
    /// A series does not have the expected length.
    LengthMismatch { what: &'static str, expected: usize, got: usize },
    /// A value that must be finite and positive is not (`what[index]`).
    NotPositive { what: &'static str, index: usize },
    /// A parameter is out of range.
    InvalidParameter(String),
    /// A result is not finite (e.g. a CAGR that overflows on a very short, steep curve).
    NonFinite { what: &'static str },
}

impl fmt::Display for AnalysisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnalysisError::TooShort { what, needed, got } => {
                write!(f, "{what} has {got} values, at least {needed} are needed")
            }
            AnalysisError::LengthMismatch { what, expected, got } => {
                write!(f, "{what} has {got} values, expected {expected}")
            }
            AnalysisError::NotPositive { what, index } => write!(f, "{what}[{index}] is not a finite positive number"),
            AnalysisError::InvalidParameter(d) => write!(f, "invalid parameter: {d}"),
            AnalysisError::NonFinite { what } => write!(f, "{what} is not a finite number"),
        }
    }
}

impl std::error::Error for AnalysisError {}

fn check_curve(what: &'static str, e: &[f64], min_len: usize) -> Result<(), AnalysisError> {
    if e.len() < min_len {
        return Err(AnalysisError::TooShort { what, needed: min_len, got: e.len() });
    }
    match e.iter().position(|v| !(v.is_finite() && *v > 0.0)) {
        Some(index) => Err(AnalysisError::NotPositive { what, index }),
        None => Ok(()),
    }
}

/// Whether a standard deviation is zero up to rounding noise relative to the mean
/// (the same rule as the metrics module's ratios).
fn degenerate_std(std: f64, mean: f64) -> bool {
    !std.is_finite() || std == 0.0 || std <= 1e-12 * mean.abs()
}

// ---------------------------------------------------------------------------
// Cap-weighted market
// ---------------------------------------------------------------------------

/// The cap-weighted total market of the panel as a growth-of-1 series (same
/// length as the panel's dates, `1.0` on the first day).
///
/// Daily return `R_t = Σ_i cap_{t-1,i} · r_{t,i} / Σ_i cap_{t-1,i}` with
/// `r_{t,i} = p_{t,i} / p_{t-1,i} - 1`, over the assets that have a price on
/// both days and a finite, positive market cap on day `t-1` (yesterday's caps
/// are the weights held overnight, as in a buy-and-hold of the whole market).
/// Consequences: an asset joins the day after its first price; on the day after
/// its last price it simply drops out (no -100 %); a carried-forward gap is a
/// 0 % return. A day with no such asset has `R_t = 0`. Every asset of the panel
/// counts (filter the panel first for a top-N or ex-stablecoin market).
pub fn market_cap_index(panel: &Panel) -> Vec<f64> {
    let n = panel.n_days();
    let mut out = Vec::with_capacity(n);
    let mut level = 1.0;
    out.push(level);
    for t in 1..n {
        let (prev, cur, caps) = (panel.price_row(t - 1), panel.price_row(t), panel.cap_row(t - 1));
        let (mut num, mut den) = (0.0, 0.0);
        for a in 0..panel.n_assets() {
            let (p0, p1, c) = (prev[a], cur[a], caps[a]);
            if p0.is_finite() && p1.is_finite() && p0 > 0.0 && c.is_finite() && c > 0.0 {
                num += c * (p1 / p0 - 1.0);
                den += c;
            }
        }
        if den > 0.0 {
            level *= 1.0 + num / den;
        }
        out.push(level);
    }
    out
}

// ---------------------------------------------------------------------------
// Volatility regimes
// ---------------------------------------------------------------------------

/// A volatility regime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Regime {
    Calm,
    /// Only with [`RegimeSplit::Quantiles`].
    Middle,
    Volatile,
}

impl Regime {
    pub const ALL: [Regime; 3] = [Regime::Calm, Regime::Middle, Regime::Volatile];

    pub fn label(self) -> &'static str {
        match self {
            Regime::Calm => "Calm",
            Regime::Middle => "Middle",
            Regime::Volatile => "Volatile",
        }
    }
}

/// How days are split by rolling volatility `v`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum RegimeSplit {
    /// `v ≤ median` → Calm, `v > median` → Volatile.
    Median,
    /// `(lo, hi)` with `0 ≤ lo ≤ hi ≤ 1`: `v ≤ Q(lo)` → Calm, `v > Q(hi)` →
    /// Volatile, otherwise Middle (`Quantiles(0.5, 0.5)` is `Median`).
    Quantiles(f64, f64),
}

/// Result of [`regime_split`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegimeLabelling {
    /// One label per day of the curve; `None` until the window has filled.
    pub labels: Vec<Option<Regime>>,
    /// Per day: the sample std (ddof = 1) of the `window` daily returns ending
    /// that day, **not annualised** (× √P to annualise); NaN until filled.
    pub rolling_volatility: Vec<f64>,
    /// `Q(lo)`: a day is Calm when its rolling volatility is `≤` this.
    pub calm_threshold: f64,
    /// `Q(hi)`: a day is Volatile when its rolling volatility is `>` this.
    pub volatile_threshold: f64,
}

/// Labels each day of a reference curve (e.g. [`market_cap_index`]) by the
/// volatility of its last `window` daily returns (30 in the lessons).
///
/// * `v_t = std(r_{t-window+1} … r_t, ddof = 1)`, via
///   [`metrics::rolling_volatility`]; defined from day `t = window` on (day 0
///   has no return), so days `0 … window-1` are `None`.
/// * Thresholds are quantiles ([`metrics::quantile_linear`], numpy linear) of
///   all defined `v_t` over the **whole** sample: the split is descriptive
///   (it looks ahead), not something a strategy could trade on.
/// * Labels are contemporaneous: day `t`'s label uses returns up to and
///   including day `t`.
pub fn regime_split(
    reference_equity: &[f64],
    window: usize,
    split: RegimeSplit,
) -> Result<RegimeLabelling, AnalysisError> {
    if window < 2 {
        return Err(AnalysisError::InvalidParameter(format!("the volatility window must be at least 2, got {window}")));
    }
    let (lo, hi) = match split {
        RegimeSplit::Median => (0.5, 0.5),
        RegimeSplit::Quantiles(lo, hi) => (lo, hi),
    };
    if !(0.0..=1.0).contains(&lo) || !(0.0..=1.0).contains(&hi) || lo > hi {
        return Err(AnalysisError::InvalidParameter(format!(
            "quantiles must satisfy 0 <= lo <= hi <= 1, got ({lo}, {hi})"
        )));
    }
    check_curve("reference equity", reference_equity, window + 1)?;
    let r = metrics::returns(reference_equity);
    let mut vol = vec![f64::NAN];
    vol.extend(metrics::rolling_volatility(&r, window, 1.0));
    let defined: Vec<f64> = vol.iter().copied().filter(|v| !v.is_nan()).collect();
    let calm = metrics::quantile_linear(&defined, lo).expect("at least one full window");
    let volatile = metrics::quantile_linear(&defined, hi).expect("at least one full window");
    let labels = vol
        .iter()
        .map(|&v| {
            if v.is_nan() {
                None
            } else if v <= calm {
                Some(Regime::Calm)
            } else if v > volatile {
                Some(Regime::Volatile)
            } else {
                Some(Regime::Middle)
            }
        })
        .collect();
    Ok(RegimeLabelling { labels, rolling_volatility: vol, calm_threshold: calm, volatile_threshold: volatile })
}

/// The labels of [`regime_split`].
pub fn regime_labels(
    reference_equity: &[f64],
    window: usize,
    split: RegimeSplit,
) -> Result<Vec<Option<Regime>>, AnalysisError> {
    regime_split(reference_equity, window, split).map(|l| l.labels)
}

/// Performance of a curve on the days of one regime.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegimeStats {
    pub regime: Regime,
    /// Number of daily returns in the regime.
    pub days: usize,
    /// `days` / all labelled days (days `t ≥ 1` with a label).
    pub share_of_days: f64,
    /// Number of separate runs of consecutive days in the regime.
    pub spells: usize,
    /// `Π(1 + r) - 1` over the regime's days (as if only those days were held).
    pub total_return: f64,
    /// Arithmetic: `mean(r) · P` (the usual "annualised return" of a regime, not
    /// a growth rate).
    pub mean_return_annualised: f64,
    /// Geometric: `(Π(1 + r))^(P / days) - 1` ([`metrics::cagr`] of the chained returns).
    pub geometric_return_annualised: f64,
    /// `std(r, ddof = 1) · √P`; `None` for fewer than 2 days.
    pub volatility: Option<f64>,
    /// `mean(r) / std(r) · √P` (risk-free 0); `None` for fewer than 2 days or a zero std.
    pub sharpe: Option<f64>,
    /// Max drawdown (≤ 0) of the curve obtained by chaining only the regime's
    /// daily returns, starting at 1.
    pub max_drawdown: f64,
}

/// Per-regime statistics of `equity` (any curve on the same days as the
/// labels, e.g. a strategy). The return `r_t = E_t / E_{t-1} - 1` counts in
/// the regime of `labels[t]`. `periods_per_year`: `None` infers it from the
/// dates ([`metrics::infer_periods_per_year`]). Regimes with no day are left
/// out; the order is Calm, Middle, Volatile.
pub fn regime_stats(
    dates: &[Date],
    equity: &[f64],
    labels: &[Option<Regime>],
    periods_per_year: Option<f64>,
) -> Result<Vec<RegimeStats>, AnalysisError> {
    check_curve("equity", equity, 2)?;
    for (what, len) in [("dates", dates.len()), ("labels", labels.len())] {
        if len != equity.len() {
            return Err(AnalysisError::LengthMismatch { what, expected: equity.len(), got: len });
        }
    }
    let p = periods_per_year.unwrap_or_else(|| metrics::infer_periods_per_year(dates));
    if !(p.is_finite() && p > 0.0) {
        return Err(AnalysisError::InvalidParameter(format!("periods per year must be positive, got {p}")));
    }
    let r = metrics::returns(equity);
    let labelled = labels[1..].iter().filter(|l| l.is_some()).count();
    let mut out = Vec::new();
    for regime in Regime::ALL {
        let in_regime = |t: usize| labels[t] == Some(regime);
        let rs: Vec<f64> = (1..equity.len()).filter(|&t| in_regime(t)).map(|t| r[t - 1]).collect();
        if rs.is_empty() {
            continue;
        }
        let spells = (1..equity.len()).filter(|&t| in_regime(t) && (t == 1 || !in_regime(t - 1))).count();
        let mut chained = Vec::with_capacity(rs.len() + 1);
        chained.push(1.0);
        for x in &rs {
            chained.push(chained[chained.len() - 1] * (1.0 + x));
        }
        let growth = chained[chained.len() - 1];
        let mean = metrics::mean(&rs).expect("non-empty");
        let std = metrics::sample_std(&rs);
        out.push(RegimeStats {
            regime,
            days: rs.len(),
            share_of_days: rs.len() as f64 / labelled as f64,
            spells,
            total_return: growth - 1.0,
            mean_return_annualised: mean * p,
            geometric_return_annualised: metrics::cagr(1.0, growth, rs.len(), p).expect("n > 0"),
            volatility: std.map(|s| s * p.sqrt()),
            sharpe: std.filter(|&s| !degenerate_std(s, mean)).map(|s| mean / s * p.sqrt()),
            max_drawdown: metrics::drawdown_series(&chained).into_iter().fold(0.0, f64::min),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Equal vs cap weighting: attribution of the gap
// ---------------------------------------------------------------------------

/// The curves [`attribute_gap`] compares, all on the same days.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GapCurves<'a> {
    /// Cap-weighted index after its own costs.
    pub cap_net: &'a [f64],
    /// Cap-weighted index before costs, when available (adds the
    /// [`GapAttribution::cap_costs`] term).
    pub cap_gross: Option<&'a [f64]>,
    /// Equal weight bought on the first day and never rebalanced.
    pub ew_held: &'a [f64],
    /// Equal weight rebalanced on schedule, before costs.
    pub ew_gross: &'a [f64],
    /// Equal weight rebalanced on schedule, after costs.
    pub ew_net: &'a [f64],
}

/// Decomposition of `CAGR(EW net) - CAGR(cap net)` (all CAGRs over the same
/// days with [`metrics::cagr`]). Every part is a *contribution to the gap*
/// (positive = helps equal weighting):
///
/// ```text
/// size_tilt   = CAGR(EW held)  - CAGR(cap gross)   owning small coins, no rebalancing
/// rebalancing = CAGR(EW gross) - CAGR(EW held)     selling winners, buying losers
/// cost_drag   = CAGR(EW net)   - CAGR(EW gross)    EW's trading costs (≤ 0)
/// cap_costs   = CAGR(cap gross) - CAGR(cap net)    the cap index's own costs (≥ 0)
/// total       = CAGR(EW net)   - CAGR(cap net)
///             = size_tilt + rebalancing + cost_drag + cap_costs
/// ```
///
/// Without a gross cap curve, `CAGR(cap gross)` is taken as `CAGR(cap net)`:
/// `cap_costs = 0` and the cap index's costs (small, it rarely trades) are
/// inside `size_tilt`. Whatever the held curve paid (its initial purchase) is
/// also inside `size_tilt`. The identity telescopes, so it holds exactly in
/// exact arithmetic; in floating point `residual = total - Σ parts` is a few
/// ulps (reported so callers and tests can check it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GapAttribution {
    pub periods_per_year: f64,
    pub cagr_cap_net: f64,
    pub cagr_cap_gross: Option<f64>,
    pub cagr_ew_held: f64,
    pub cagr_ew_gross: f64,
    pub cagr_ew_net: f64,
    pub size_tilt: f64,
    pub rebalancing: f64,
    pub cost_drag: f64,
    pub cap_costs: f64,
    pub total: f64,
    /// `total - (size_tilt + rebalancing + cost_drag + cap_costs)`: rounding only.
    pub residual: f64,
}

/// Attributes the CAGR gap between equal and cap weighting; see [`GapAttribution`].
///
/// Errors: curves of different lengths, shorter than 2, with a value that is
/// not finite and positive, or whose CAGR overflows ([`AnalysisError::NonFinite`]).
pub fn attribute_gap(curves: &GapCurves<'_>, periods_per_year: f64) -> Result<GapAttribution, AnalysisError> {
    if !(periods_per_year.is_finite() && periods_per_year > 0.0) {
        return Err(AnalysisError::InvalidParameter(format!(
            "periods per year must be positive, got {periods_per_year}"
        )));
    }
    let n = curves.cap_net.len();
    let mut all = vec![("cap_net", curves.cap_net), ("ew_held", curves.ew_held)];
    all.extend([("ew_gross", curves.ew_gross), ("ew_net", curves.ew_net)]);
    if let Some(g) = curves.cap_gross {
        all.push(("cap_gross", g));
    }
    for (what, c) in &all {
        if c.len() != n {
            return Err(AnalysisError::LengthMismatch { what, expected: n, got: c.len() });
        }
        check_curve(what, c, 2)?;
    }
    let cagr = |what: &'static str, c: &[f64]| {
        let v = metrics::cagr(c[0], c[n - 1], n - 1, periods_per_year).expect("n >= 2");
        if v.is_finite() {
            Ok(v)
        } else {
            Err(AnalysisError::NonFinite { what })
        }
    };
    let cap_net = cagr("CAGR of cap_net", curves.cap_net)?;
    let held = cagr("CAGR of ew_held", curves.ew_held)?;
    let gross = cagr("CAGR of ew_gross", curves.ew_gross)?;
    let net = cagr("CAGR of ew_net", curves.ew_net)?;
    let cap_gross = curves.cap_gross.map(|c| cagr("CAGR of cap_gross", c)).transpose()?;
    let cap_base = cap_gross.unwrap_or(cap_net);
    let size_tilt = held - cap_base;
    let rebalancing = gross - held;
    let cost_drag = net - gross;
    let cap_costs = cap_base - cap_net;
    let total = net - cap_net;
    Ok(GapAttribution {
        periods_per_year,
        cagr_cap_net: cap_net,
        cagr_cap_gross: cap_gross,
        cagr_ew_held: held,
        cagr_ew_gross: gross,
        cagr_ew_net: net,
        size_tilt,
        rebalancing,
        cost_drag,
        cap_costs,
        total,
        residual: total - (size_tilt + rebalancing + cost_drag + cap_costs),
    })
}

// ---------------------------------------------------------------------------
// Rolling average pairwise correlation
// ---------------------------------------------------------------------------

/// Which assets [`rolling_average_correlation`] averages over on each day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AssetSet {
    /// The `k` largest by market cap on that day, among the eligible assets
    /// (ties: lower asset index first; assets without a cap that day are skipped).
    TopByCap(usize),
    /// These asset indices, when eligible.
    Fixed(Vec<usize>),
}

/// Running sums of one pair over the current window.
#[derive(Clone, Copy, Debug, Default)]
struct PairSums {
    last_day: usize,
    sx: f64,
    sy: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
}

impl PairSums {
    fn add(&mut self, x: f64, y: f64, sign: f64) {
        self.sx += sign * x;
        self.sy += sign * y;
        self.sxx += sign * x * x;
        self.syy += sign * y * y;
        self.sxy += sign * x * y;
    }

    /// Pearson correlation from the sums over `n` points; `None` when either
    /// variance is zero up to the rounding noise of the sums.
    fn correlation(&self, n: f64) -> Option<f64> {
        let vx = self.sxx - self.sx * self.sx / n;
        let vy = self.syy - self.sy * self.sy / n;
        let tol = 64.0 * n * f64::EPSILON;
        if vx <= tol * self.sxx || vy <= tol * self.syy || vx <= 0.0 || vy <= 0.0 {
            return None;
        }
        let c = (self.sxy - self.sx * self.sy / n) / (vx * vy).sqrt();
        Some(c.clamp(-1.0, 1.0))
    }
}

/// Rolling average pairwise correlation of daily returns (one value per day of
/// the panel, NaN where undefined).
///
/// On day `t` the window is the `window` daily returns `r_{t-window+1} … r_t`
/// (`r_{t,i} = p_{t,i}/p_{t-1,i} - 1`). An asset is *eligible* on day `t` when
/// it has all of those returns (a price on each of the days `t-window … t`).
/// The set `S_t` is chosen by `set` among the eligible assets; the value is the
/// mean, over all pairs `i < j` of `S_t`, of the Pearson correlation of the two
/// assets' returns in the window. Pairs in which an asset's returns are
/// constant (zero variance, e.g. a stablecoin) are left out. NaN for `t <
/// window` and when no pair is defined (fewer than two eligible assets).
///
/// Cost: per-pair running sums slide by one day while a pair stays in the set
/// and are recomputed from scratch when a pair enters, and for all pairs every
/// `window` days (so rounding cannot drift): O(days · K²) amortised when the
/// membership is stable, O(days · K² · window) at worst, for `K = |S_t|`
/// (meant for `K ≤ 30`).
pub fn rolling_average_correlation(panel: &Panel, window: usize, set: &AssetSet) -> Result<Vec<f64>, AnalysisError> {
    if window < 2 {
        return Err(AnalysisError::InvalidParameter(format!(
            "the correlation window must be at least 2, got {window}"
        )));
    }
    let (n_days, n_assets) = (panel.n_days(), panel.n_assets());
    match set {
        AssetSet::TopByCap(k) if *k < 2 => {
            return Err(AnalysisError::InvalidParameter(format!("need at least 2 assets to correlate, got {k}")))
        }
        AssetSet::Fixed(ids) => {
            if let Some(&bad) = ids.iter().find(|&&a| a >= n_assets) {
                return Err(AnalysisError::InvalidParameter(format!(
                    "asset index {bad} is out of range (the panel has {n_assets} assets)"
                )));
            }
        }
        _ => {}
    }
    // Daily returns, day-major; NaN on day 0 and where a price is missing.
    let mut ret = vec![f64::NAN; n_days * n_assets];
    for t in 1..n_days {
        let (p0, p1) = (panel.price_row(t - 1), panel.price_row(t));
        for a in 0..n_assets {
            ret[t * n_assets + a] = p1[a] / p0[a] - 1.0;
        }
    }
    let r = |t: usize, a: usize| ret[t * n_assets + a];

    let mut out = vec![f64::NAN; n_days];
    let mut run = vec![0usize; n_assets]; // consecutive finite returns ending on day t
    let mut pairs: BTreeMap<(usize, usize), PairSums> = BTreeMap::new();
    let mut members: Vec<usize> = Vec::new();
    let w = window as f64;
    for (t, slot) in out.iter_mut().enumerate().skip(1) {
        for (a, run_a) in run.iter_mut().enumerate() {
            *run_a = if r(t, a).is_finite() { *run_a + 1 } else { 0 };
        }
        if t < window {
            continue;
        }
        members.clear();
        match set {
            AssetSet::TopByCap(k) => {
                let caps = panel.cap_row(t);
                members.extend((0..n_assets).filter(|&a| run[a] >= window && caps[a].is_finite()));
                members.sort_by(|&a, &b| caps[b].total_cmp(&caps[a]).then(a.cmp(&b)));
                members.truncate(*k);
            }
            AssetSet::Fixed(ids) => members.extend(ids.iter().copied().filter(|&a| run[a] >= window)),
        }
        members.sort_unstable();
        members.dedup();

        let rebuild = t % window == 0;
        let (mut sum, mut count) = (0.0, 0usize);
        for (ii, &i) in members.iter().enumerate() {
            for &j in &members[ii + 1..] {
                let entry = pairs.entry((i, j)).or_default();
                if !rebuild && entry.last_day + 1 == t && entry.last_day != 0 {
                    entry.add(r(t, i), r(t, j), 1.0);
                    entry.add(r(t - window, i), r(t - window, j), -1.0);
                } else {
                    *entry = PairSums::default();
                    for s in t + 1 - window..=t {
                        entry.add(r(s, i), r(s, j), 1.0);
                    }
                }
                entry.last_day = t;
                if let Some(c) = entry.correlation(w) {
                    sum += c;
                    count += 1;
                }
            }
        }
        pairs.retain(|_, p| p.last_day == t);
        if count > 0 {
            *slot = sum / count as f64;
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Monte Carlo grid
// ---------------------------------------------------------------------------

/// The runs of one dial value in [`monte_carlo`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct McCell {
    pub dial_value: f64,
    /// Runs with finite metrics (those in `differences`).
    pub runs: usize,
    /// Runs whose metric a or b was not finite (left out of everything below).
    pub failed: usize,
    /// Share of the runs with `a > b` strictly (a tie does not count as a win);
    /// `None` without runs.
    pub share_a_beats_b: Option<f64>,
    /// `a - b` for each run, in the order of the seeds (failed runs skipped).
    pub differences: Vec<f64>,
    pub mean_difference: Option<f64>,
    /// 5 %, 25 %, 50 %, 75 % and 95 % quantiles of the differences
    /// ([`metrics::quantile_linear`], numpy linear).
    pub q05: Option<f64>,
    pub q25: Option<f64>,
    pub median: Option<f64>,
    pub q75: Option<f64>,
    pub q95: Option<f64>,
}

impl McCell {
    /// Any quantile `q ∈ [0, 1]` of the differences.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        metrics::quantile_linear(&self.differences, q)
    }
}

/// Runs `f(seed, dial)` for every dial value and every seed (dial-major, in the
/// given orders, so the result is deterministic) and summarises `a - b` per
/// dial value. `f` returns `(metric_a, metric_b)`, e.g. the CAGR of equal and
/// of cap weighting on a synthetic market generated from `seed` with the dial
/// (say, the dispersion of asset drifts) set to `dial`.
pub fn monte_carlo<F: Fn(u64, f64) -> (f64, f64)>(seeds: &[u64], dial_values: &[f64], f: F) -> Vec<McCell> {
    dial_values
        .iter()
        .map(|&dial| {
            let mut differences = Vec::with_capacity(seeds.len());
            let (mut wins, mut failed) = (0usize, 0usize);
            for &seed in seeds {
                let (a, b) = f(seed, dial);
                let d = a - b;
                if a.is_finite() && b.is_finite() && d.is_finite() {
                    differences.push(d);
                    wins += usize::from(a > b);
                } else {
                    failed += 1;
                }
            }
            let runs = differences.len();
            let q = |p: f64| metrics::quantile_linear(&differences, p);
            McCell {
                dial_value: dial,
                runs,
                failed,
                share_a_beats_b: (runs > 0).then(|| wins as f64 / runs as f64),
                mean_difference: metrics::mean(&differences),
                q05: q(0.05),
                q25: q(0.25),
                median: q(0.5),
                q75: q(0.75),
                q95: q(0.95),
                differences,
            }
        })
        .collect()
}
