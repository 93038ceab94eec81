//! # The built-in synthetic crypto market
//!
//! [`generate`] turns a seed and a few dials ([`MarketParams`]) into a daily
//! [`Panel`] (every calendar day, `round(years × 365)` days from `start`) that
//! looks like a crypto market: a few giants and a long tail, fat-tailed and
//! correlated returns, bull and bear regimes, one crash, stablecoins, listings
//! and delistings. [`generate_market`] also returns the hidden truth (sectors,
//! regimes, crash window, listing days) for lessons and tests.
//!
//! ```
//! use engine::synth::{generate, generate_market, MarketParams};
//!
//! let params = MarketParams { seed: 7, n_assets: 20, years: 1.0, ..MarketParams::default() };
//! params.validate().unwrap();
//! let panel = generate(&params);
//! assert_eq!((panel.n_assets(), panel.n_days()), (20, 365));
//! assert_eq!(panel.asset_index("btc"), Some(0));
//! assert_eq!(panel.dates()[0].to_string(), "2018-01-01");
//!
//! let bad = MarketParams { correlation: 1.5, ..params.clone() };
//! assert!(bad.validate().unwrap_err().starts_with("correlation"));
//! let truth = generate_market(&params);
//! assert!(truth.assets[2].stablecoin && truth.crash_start < truth.crash_end);
//! ```
//!
//! **Deterministic forever:** the same parameters give a bit-identical panel on
//! every platform (native or wasm) and every version of Rust. All randomness
//! comes from our own xoshiro256\*\* streams ([`rng`]), and the only maths used
//! are correctly-rounded IEEE operations plus our own `ln`/`exp` built from
//! them (see [`rng`] for why). Each asset draws from its own stream, so adding
//! assets (`n_assets`) does not change the market factor or the paths of the
//! assets already there.
//!
//! ## Assets
//! - Asset 0 is `btc`, asset 1 `eth`, asset 2 `usdt`, asset 3 `usdc` (when
//!   `n_assets` allows); the rest get stable pronounceable tickers (`kem`,
//!   `tavo`, ...) that depend only on their position.
//! - Initial market caps follow a Zipf law, `cap(rank) = cap_btc × rank^-1.5`
//!   (BTC starts at $230bn and $13,500, ETH at rank 2 and $750), with
//!   log-normal noise (σ = 0.35) for the altcoins. With 100 assets the top
//!   asset holds about 40-50% of the listed cap on day 0. `usdt` and `usdc`
//!   take the caps of ranks 5 and 9, so excluding stablecoins matters; their
//!   supply grows 15% a year plus half of BTC's smoothed return (an
//!   exponential average weighting each day 3%) plus 0.3% daily noise, so
//!   they stay 2-25% of the market. Altcoins start at a price log-uniform in
//!   $0.02-$20.
//! - Supply is `cap / price` at listing and then drifts slowly (0-6% a year,
//!   BTC 3%, ETH 4%), so `cap = price × supply` at all times.
//! - 25% of the altcoins list late (uniformly during the first 80% of the
//!   period; their listing cap is their Zipf cap scaled by BTC's performance
//!   since day 0), and about 12% delist: over their last 30-90 days an extra
//!   drift takes 95-99% off the price, after which price, cap and volume are
//!   `NaN`.
//!
//! ## Returns
//! Daily log return of asset `i` on day `t` (not stablecoins):
//!
//! ```text
//! r[i,t] = μ_regime(t)/365 + μ[i]/365 + crash_beta[i] × crash(t) − collapse[i,t] − ceiling[i,t]
//!        + v × s(t) × σ[i] × ( √(0.75ρ) M[t] + √(0.25ρ) S[sector(i), t] ) + I[i,t]
//! I[i,t] = v × s(t) × σ[i] × √(1−ρ) ε[i,t] − (0.7/365) × ΣI[i, <t]
//! ```
//!
//! The idiosyncratic part `I` is mean-reverting (its running sum is pulled to
//! 0 at 70% a year), and `ceiling` pulls any asset whose cap exceeds 60% of
//! BTC's back at 12 × its log excess a year: without them, independent
//! random walks over years let one small coin outgrow the whole market. BTC
//! stays the largest asset (on ≥ 95% of days) with 28-70% of the cap at the
//! end.
//!
//! - `M`, `S[0..4]` (market and four sector factors: payments, platforms,
//!   defi, culture) and `ε` are independent **Student-t with 4 degrees of
//!   freedom** scaled to unit variance (clamped at ±12σ): fat tails.
//!   Correlation between two assets is about `0.75ρ` across sectors and `ρ`
//!   within one (`ρ` = `correlation`), about `0.81ρ` on average.
//! - `σ[i]` is a daily volatility: BTC 3.6% (≈ 69% a year), ETH 4.6%, altcoins
//!   `4% × (1 + 0.12 ln rank) × lognormal(0.15)`; `v` is the `volatility` dial.
//! - **Regimes:** a two-state Markov chain, calm → volatile with probability
//!   1/75 a day and back with 1/35 (≈ 32% of days volatile, mean spell 5
//!   weeks). The regime sets the volatility scale `s(t)` (0.75 calm, 1.45
//!   volatile) and a common drift `μ_regime` (+60% a year calm, −55% volatile:
//!   volatile spells are bear markets). Volume is 40% higher in volatile spells.
//! - `μ[i]`: BTC +5%, ETH +12% a year; altcoins
//!   `−25% + dispersion × (15% + 5% ln rank) × N(0,1)` (smaller coins spread more).
//! - **Crash:** starting between 40% and 57% of the way through, lasting 3 to 6
//!   weeks, a front-loaded drift `crash(t)` totalling `−1.0 × crash_severity`
//!   in log terms (−63% at severity 1), applied with `crash_beta` (BTC 1.0,
//!   ETH 1.15, altcoins 0.9-1.4). Volatility is multiplied by
//!   `1 + 0.5 × crash_severity` during the crash, fading out over 45 days.
//!   At severity 0 the paths are exactly those of the same seed without crash.
//! - **Stablecoins:** price `1 + x`, `x` an AR(1) (coefficient 0.85, noise
//!   0.1%) clamped to ±0.8%, unaffected by the dials.
//! - **Volume:** `cap × turnover[i] × (1 + 5|r|) × regime factor × noise`, with
//!   turnover BTC 5%, ETH 8%, USDT 90%, USDC 25%, altcoins 2-20% a day, and
//!   noise uniform-ish in 0.1-1.9.
//!
//! ## Measured shape
//! Default dials, seeds 0-15, asserted by the (slow, ignored) test
//! `documented_shape_over_16_seeds`; the regular tests assert wider ranges:
//! - top asset's share of the listed cap on day 0: 40-51%;
//! - drawdown of the cap-weighted non-stablecoin market over the crash window:
//!   median 67%, 47-80% at severity 1; 10-34% with severity 0 (the same paths
//!   without the crash); ≥ 70% at severity 2;
//! - median (over assets) excess kurtosis of daily log returns: 3.5-7.7;
//! - median daily volatility of the risky assets 5-6.6% (BTC ≈ 3.6-4%);
//! - average pairwise correlation 0.76-0.95 × `correlation` (model: 0.81 ×),
//!   e.g. 0.38-0.45 at 0.5; same-sector pairs ≈ `correlation`;
//! - realised volatility scales with the `volatility` dial (ratio 1.99-2.00 at 2×);
//!   volatile-regime days are ≈ 2× as volatile as calm ones;
//! - 17-31 late listings and 5-18 delistings out of 100 assets; 17-43% of days
//!   in the volatile regime;
//! - BTC's share of the total cap at the end: 28-70%; stablecoins' 2-25%.

mod names;
mod random_walk;
pub mod rng;
pub mod universe_file;

#[cfg(test)]
mod tests;

pub use names::tickers;
pub use random_walk::random_walk;

use crate::date::Date;
use crate::panel::Panel;
use rng::{exp, ln, Xoshiro256};
use serde::{Deserialize, Serialize};

/// Names of the four sector factors (index = [`SynthAsset::sector`]).
pub const SECTORS: [&str; 4] = ["payments", "platforms", "defi", "culture"];

/// The dials of the synthetic market. Missing fields take their defaults when
/// deserialised.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MarketParams {
    /// Any value; the same seed and dials give the same market.
    pub seed: u64,
    /// Number of assets, 2..=2000 (btc, eth, usdt, usdc come first).
    #[serde(deserialize_with = "crate::strategy::count::plain")]
    pub n_assets: usize,
    /// Length in years of 365 days, 0.1..=20, with `n_assets × years <= 20 000`.
    pub years: f64,
    /// Multiplier of every asset's volatility, 0..=5 (1 = crypto-like).
    pub volatility: f64,
    /// Size of the mid-period crash, 0..=3 (0 = no crash, 1 ≈ −63% for the market).
    pub crash_severity: f64,
    /// Share of return variance explained by the market and sector factors, 0..=1.
    pub correlation: f64,
    /// Multiplier of the cross-asset spread of long-run drifts, 0..=5.
    pub dispersion: f64,
    /// First day, between 1900-01-01 and 2200-01-01.
    pub start: Date,
}

impl Default for MarketParams {
    fn default() -> MarketParams {
        MarketParams {
            seed: 42,
            n_assets: 100,
            years: 6.0,
            volatility: 1.0,
            crash_severity: 1.0,
            correlation: 0.5,
            dispersion: 1.0,
            start: Date::from_ymd(2018, 1, 1).expect("valid date"),
        }
    }
}

const N_ASSETS: (usize, usize) = (2, 2000);
const YEARS: (f64, f64) = (0.1, 20.0);
/// At most this many asset-years (2000 assets × 10 years, 1000 × 20): the
/// panel holds 3 × 8 bytes per asset-day, so this caps it near 175 MB.
const MAX_ASSET_YEARS: f64 = 20_000.0;
const VOLATILITY: (f64, f64) = (0.0, 5.0);
const CRASH: (f64, f64) = (0.0, 3.0);
const CORRELATION: (f64, f64) = (0.0, 1.0);
const DISPERSION: (f64, f64) = (0.0, 5.0);

fn start_bounds() -> (Date, Date) {
    (Date::from_ymd(1900, 1, 1).expect("valid date"), Date::from_ymd(2200, 1, 1).expect("valid date"))
}

fn check(name: &str, v: f64, (lo, hi): (f64, f64)) -> Result<(), String> {
    if v.is_finite() && v >= lo && v <= hi {
        Ok(())
    } else {
        Err(format!("{name} must be a number between {lo} and {hi} (got {v})"))
    }
}

fn clamp_or(v: f64, (lo, hi): (f64, f64), default: f64) -> f64 {
    if v.is_nan() {
        default
    } else {
        v.clamp(lo, hi)
    }
}

impl MarketParams {
    /// Number of days in the panel: `round(years × 365)`, at least 2.
    pub fn n_days(&self) -> usize {
        let y = clamp_or(self.years, YEARS, 6.0);
        ((y * 365.0).round() as usize).max(2)
    }

    /// Checks every dial against its bounds; the message names the dial.
    pub fn validate(&self) -> Result<(), String> {
        if !(N_ASSETS.0..=N_ASSETS.1).contains(&self.n_assets) {
            return Err(format!(
                "n_assets must be between {} and {} (got {})",
                N_ASSETS.0,
                N_ASSETS.1,
                crate::strategy::count::show(self.n_assets)
            ));
        }
        check("years", self.years, YEARS)?;
        if self.n_assets as f64 * self.years > MAX_ASSET_YEARS {
            return Err(format!(
                "n_assets × years must be at most {MAX_ASSET_YEARS} (got {} × {}): use fewer assets or years",
                self.n_assets, self.years
            ));
        }
        check("volatility", self.volatility, VOLATILITY)?;
        check("crash_severity", self.crash_severity, CRASH)?;
        check("correlation", self.correlation, CORRELATION)?;
        check("dispersion", self.dispersion, DISPERSION)?;
        let (lo, hi) = start_bounds();
        if self.start < lo || self.start > hi {
            return Err(format!("start must be between {lo} and {hi} (got {})", self.start));
        }
        Ok(())
    }

    /// The same parameters with every dial clamped into its bounds (`NaN`
    /// takes the default): what [`generate`] actually uses.
    pub fn clamped(&self) -> MarketParams {
        let d = MarketParams::default();
        let (lo, hi) = start_bounds();
        let n_assets = self.n_assets.clamp(N_ASSETS.0, N_ASSETS.1);
        MarketParams {
            seed: self.seed,
            n_assets,
            years: clamp_or(self.years, YEARS, d.years).min(MAX_ASSET_YEARS / n_assets as f64),
            volatility: clamp_or(self.volatility, VOLATILITY, d.volatility),
            crash_severity: clamp_or(self.crash_severity, CRASH, d.crash_severity),
            correlation: clamp_or(self.correlation, CORRELATION, d.correlation),
            dispersion: clamp_or(self.dispersion, DISPERSION, d.dispersion),
            start: self.start.clamp(lo, hi),
        }
    }
}

/// What the generator knows about one asset (the "hidden truth").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SynthAsset {
    pub id: String,
    /// Index into [`SECTORS`].
    pub sector: usize,
    pub stablecoin: bool,
    /// Zipf rank that set its market cap at listing (1 = largest).
    pub rank: usize,
    /// First day with a price.
    pub first: usize,
    /// Last day with a price (`n_days - 1` unless it delists).
    pub last: usize,
    /// Daily volatility before the regime scale (includes the volatility dial).
    pub daily_vol: f64,
    /// Own long-run log drift per year (on top of the regime drift).
    pub drift: f64,
    /// Sensitivity to the crash.
    pub crash_beta: f64,
}

/// A generated market with its hidden truth.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyntheticMarket {
    pub panel: Panel,
    pub assets: Vec<SynthAsset>,
    /// Day on which the crash starts.
    pub crash_start: usize,
    /// Last day of the crash (its scheduled bottom).
    pub crash_end: usize,
    /// Per day: whether the market was in the volatile (bear) regime.
    pub volatile: Vec<bool>,
}

/// The synthetic market for `params` (clamped into bounds; call
/// [`MarketParams::validate`] first to report bad input).
pub fn generate(params: &MarketParams) -> Panel {
    generate_market(params).panel
}

// ---- model constants (documented in the module docs) ----
const BTC_CAP0: f64 = 2.3e11;
const CALM_TO_VOLATILE: f64 = 1.0 / 75.0;
const VOLATILE_TO_CALM: f64 = 1.0 / 35.0;
const SCALE_CALM: f64 = 0.75;
const SCALE_VOLATILE: f64 = 1.45;
const DRIFT_CALM: f64 = 0.60;
const DRIFT_VOLATILE: f64 = -0.55;
const CRASH_LOG_DROP: f64 = 1.0;
const CRASH_VOL_BOOST: f64 = 0.5;
const CRASH_FADE_DAYS: usize = 45;
const SHOCK_CLAMP: f64 = 12.0;
/// Pull (per year) of an asset's accumulated idiosyncratic return back to 0.
const IDIO_REVERSION: f64 = 0.7;
/// Stablecoin supply follows the market: this fraction of BTC's daily return,
/// smoothed (exponential average with this weight on the new day).
const STABLE_BETA: f64 = 0.5;
const STABLE_SMOOTHING: f64 = 0.03;
/// No other asset stays above this fraction of BTC's cap for long...
const DOMINANCE_CEILING: f64 = 0.6;
/// ...pushed back at this rate (per year, on the log excess).
const CEILING_PULL: f64 = 12.0;
const LOG_PRICE_CLAMP: f64 = 400.0;

/// Per-asset state during generation.
struct Asset {
    rng: Xoshiro256,
    stable: bool,
    sector: usize,
    first: usize,
    last: usize,
    /// Factor loadings times daily vol (volatility dial included).
    load_market: f64,
    load_sector: f64,
    load_idio: f64,
    /// Daily own drift.
    drift: f64,
    crash_beta: f64,
    /// Extra daily log drop from this day on (delisting collapse).
    collapse_from: usize,
    collapse_rate: f64,
    /// Daily supply growth factor.
    supply_growth: f64,
    turnover: f64,
    /// Market cap at listing, before scaling for late listings.
    cap0: f64,
    price0: f64,
    log_price: f64,
    supply: f64,
    /// Stablecoin peg deviation.
    peg: f64,
    /// Accumulated idiosyncratic log return (mean-reverting).
    idio: f64,
    /// Market cap on the previous day.
    cap: f64,
}

/// Zipf cap `BTC_CAP0 × rank^-1.5`, computed as `1 / (rank sqrt(rank))`.
fn zipf_cap(rank: usize) -> f64 {
    let r = rank as f64;
    BTC_CAP0 / (r * r.sqrt())
}

/// Ranks by asset position: btc 1, eth 2, usdt 5 and usdc 9 (or the next free
/// ranks in small markets), altcoins the remaining ranks in order.
fn ranks(n: usize) -> Vec<usize> {
    let mut ranks = vec![0usize; n];
    let mut taken = vec![false; n + 1];
    let fixed = [1, 2, if n >= 5 { 5 } else { 3 }, if n >= 9 { 9 } else { 4 }];
    for (a, &r) in fixed.iter().enumerate().take(n) {
        ranks[a] = r;
        taken[r] = true;
    }
    let mut next = 1;
    for rank in ranks.iter_mut().skip(4) {
        while taken[next] {
            next += 1;
        }
        *rank = next;
        taken[next] = true;
    }
    ranks
}

fn make_asset(a: usize, rank: usize, p: &MarketParams, n_days: usize) -> (Asset, f64) {
    // Stream 0 is the market's; asset a uses stream a + 1.
    let mut rng = Xoshiro256::new(p.seed, a as u64 + 1);
    let last_day = n_days - 1;
    let rho = p.correlation;
    let stable = a == 2 || a == 3;
    let (sector, daily_vol, drift, crash_beta, growth, turnover, price0, cap0);
    match a {
        0 => {
            (sector, daily_vol, drift, crash_beta, growth, turnover) = (0, 0.036, 0.05, 1.0, 0.03, 0.05);
            (price0, cap0) = (13_500.0, zipf_cap(rank));
        }
        1 => {
            (sector, daily_vol, drift, crash_beta, growth, turnover) = (1, 0.046, 0.12, 1.15, 0.04, 0.08);
            (price0, cap0) = (750.0, zipf_cap(rank));
        }
        2 | 3 => {
            (sector, daily_vol, drift, crash_beta, growth) = (0, 0.0, 0.0, 0.0, 0.15);
            turnover = if a == 2 { 0.9 } else { 0.25 };
            (price0, cap0) = (1.0, zipf_cap(rank));
        }
        _ => {
            sector = rng.below(4) as usize;
            daily_vol = 0.04 * (1.0 + 0.12 * ln(rank as f64)) * exp(0.15 * rng.normal());
            drift = -0.25 + p.dispersion * (0.15 + 0.05 * ln(rank as f64)) * rng.normal();
            crash_beta = rng.range(0.9, 1.4);
            growth = rng.range(0.0, 0.06);
            turnover = exp(rng.range(ln(0.02), ln(0.2)));
            price0 = exp(rng.range(ln(0.02), ln(20.0)));
            cap0 = zipf_cap(rank) * exp(0.35 * rng.normal());
        }
    }
    let (mut first, mut last, mut collapse_from, mut collapse_rate) = (0, last_day, usize::MAX, 0.0);
    if a >= 4 {
        let role = rng.uniform();
        let (listing_day, delist_day, collapse_len, drop) =
            (rng.uniform(), rng.uniform(), 30 + rng.below(61) as usize, rng.range(3.0, 4.5));
        if role < 0.25 {
            first = 1 + (0.8 * n_days as f64 * listing_day) as usize;
        } else if role < 0.37 && a >= 8 {
            last = (n_days as f64 * (0.35 + 0.6 * delist_day)) as usize;
            last = last.min(last_day - 1).max(2);
            let len = collapse_len.min(last / 2).max(1);
            collapse_from = last + 1 - len;
            collapse_rate = drop / len as f64;
        }
    }
    let v = p.volatility * daily_vol;
    let asset = Asset {
        rng,
        stable,
        sector,
        first: first.min(last_day),
        last,
        load_market: v * (0.75 * rho).sqrt(),
        load_sector: v * (0.25 * rho).sqrt(),
        load_idio: v * (1.0 - rho).sqrt(),
        drift: drift / 365.0,
        crash_beta,
        collapse_from,
        collapse_rate,
        supply_growth: 1.0 + growth / 365.0,
        turnover,
        cap0,
        price0,
        log_price: ln(price0),
        supply: cap0 / price0,
        peg: 0.0,
        idio: 0.0,
        cap: cap0,
    };
    (asset, v)
}

/// The synthetic market and its hidden truth. See the module docs for the model.
pub fn generate_market(params: &MarketParams) -> SyntheticMarket {
    let p = params.clamped();
    let (n, n_days) = (p.n_assets, p.n_days());
    let ids = tickers(n);
    let ranks = ranks(n);

    // ---- market-level paths: regimes, factors' scale, crash ----
    let mut mrng = Xoshiro256::new(p.seed, 0);
    let crash_start = (n_days as f64 * (0.40 + 0.17 * mrng.uniform())) as usize;
    let crash_len = (21 + mrng.below(22) as usize).min((n_days / 8).max(2));
    let crash_start = crash_start.clamp(1, n_days.saturating_sub(crash_len + 1).max(1));
    let crash_end = (crash_start + crash_len - 1).min(n_days - 1);
    // crash(t): front-loaded linear weights summing to 1 over the crash.
    let mut crash = vec![0.0; n_days];
    let mut boost = vec![1.0; n_days];
    let weight_sum = (crash_len * (crash_len + 1) / 2) as f64;
    let sev = p.crash_severity;
    for (k, t) in (crash_start..=crash_end).enumerate() {
        crash[t] = -CRASH_LOG_DROP * sev * (crash_len - k) as f64 / weight_sum;
        boost[t] = 1.0 + CRASH_VOL_BOOST * sev;
    }
    for k in 1..=CRASH_FADE_DAYS {
        if let Some(b) = boost.get_mut(crash_end + k) {
            *b = 1.0 + CRASH_VOL_BOOST * sev * (1.0 - k as f64 / (CRASH_FADE_DAYS + 1) as f64);
        }
    }

    let mut assets = Vec::with_capacity(n);
    let mut info = Vec::with_capacity(n);
    for a in 0..n {
        let (asset, daily_vol) = make_asset(a, ranks[a], &p, n_days);
        info.push(SynthAsset {
            id: ids[a].clone(),
            sector: asset.sector,
            stablecoin: asset.stable,
            rank: ranks[a],
            first: asset.first,
            last: asset.last,
            daily_vol,
            drift: asset.drift * 365.0,
            crash_beta: asset.crash_beta,
        });
        assets.push(asset);
    }

    let size = n * n_days;
    let mut price = vec![f64::NAN; size];
    let mut cap = vec![f64::NAN; size];
    let mut volume = vec![f64::NAN; size];
    let mut volatile = vec![false; n_days];
    let mut in_volatile = false;
    let mut btc_log0 = 0.0;
    let mut btc_log = 0.0;
    let mut btc_cap = BTC_CAP0;
    let mut btc_trend = 0.0;
    let mut sector_shock = [0.0f64; 4];

    for t in 0..n_days {
        let mut market_shock = 0.0;
        if t > 0 {
            let u = mrng.uniform();
            in_volatile = if in_volatile { u >= VOLATILE_TO_CALM } else { u < CALM_TO_VOLATILE };
            market_shock = mrng.student_t4().clamp(-SHOCK_CLAMP, SHOCK_CLAMP);
            for s in sector_shock.iter_mut() {
                *s = mrng.student_t4().clamp(-SHOCK_CLAMP, SHOCK_CLAMP);
            }
        }
        volatile[t] = in_volatile;
        let (scale, regime_drift, volume_factor) =
            if in_volatile { (SCALE_VOLATILE, DRIFT_VOLATILE, 1.4) } else { (SCALE_CALM, DRIFT_CALM, 1.0) };
        let scale = scale * boost[t];
        let common = regime_drift / 365.0;
        let cells = t * n..(t + 1) * n;
        let (prow, crow, vrow) = (&mut price[cells.clone()], &mut cap[cells.clone()], &mut volume[cells]);
        let cells = prow.iter_mut().zip(crow.iter_mut().zip(vrow.iter_mut()));
        let crash_t = crash[t];
        for (a, (s, (pv, (cv, vv)))) in assets.iter_mut().zip(cells).enumerate() {
            if t < s.first || t > s.last {
                continue;
            }
            let r;
            if s.stable {
                if t > s.first {
                    s.peg = (0.85 * s.peg + 0.001 * s.rng.normal()).clamp(-0.008, 0.008);
                    s.supply *= s.supply_growth + STABLE_BETA * btc_trend + 0.003 * s.rng.normal();
                }
                *pv = 1.0 + s.peg;
                r = 0.0;
            } else {
                if t == s.first {
                    if t > 0 {
                        // Late listing: Zipf cap scaled by BTC's move since day 0.
                        s.supply = s.cap0 * exp(btc_log - btc_log0) / s.price0;
                    }
                    r = 0.0;
                } else {
                    let e = s.rng.student_t4().clamp(-SHOCK_CLAMP, SHOCK_CLAMP);
                    let idio = scale * s.load_idio * e - IDIO_REVERSION / 365.0 * s.idio;
                    s.idio += idio;
                    let common_shock = s.load_market * market_shock + s.load_sector * sector_shock[s.sector];
                    let mut x = common + s.drift + s.crash_beta * crash_t + scale * common_shock + idio;
                    if t >= s.collapse_from {
                        x -= s.collapse_rate;
                    }
                    if a > 0 && s.cap > DOMINANCE_CEILING * btc_cap {
                        x -= CEILING_PULL / 365.0 * ln(s.cap / (DOMINANCE_CEILING * btc_cap));
                    }
                    s.log_price = (s.log_price + x).clamp(-LOG_PRICE_CLAMP, LOG_PRICE_CLAMP);
                    s.supply *= s.supply_growth;
                    r = x;
                }
                if a == 0 {
                    if t == 0 {
                        btc_log0 = s.log_price;
                    } else {
                        btc_trend += STABLE_SMOOTHING * (s.log_price - btc_log - btc_trend);
                    }
                    btc_log = s.log_price;
                }
                *pv = exp(s.log_price);
            }
            let c = *pv * s.supply;
            *cv = c;
            s.cap = c;
            if a == 0 {
                btc_cap = c;
            }
            let [u1, u2, u3] = s.rng.uniform3();
            let noise = 1.0 + 0.6 * (u1 + u2 + u3 - 1.5);
            *vv = c * s.turnover * volume_factor * noise * (1.0 + 5.0 * r.abs().min(1.0));
        }
    }

    let dates = (0..n_days).map(|t| Date(p.start.0 + t as i32)).collect();
    let panel = Panel::new(dates, ids, price, cap, volume, Vec::new())
        .expect("the synthetic market satisfies the panel invariants");
    SyntheticMarket { panel, assets: info, crash_start, crash_end, volatile }
}
