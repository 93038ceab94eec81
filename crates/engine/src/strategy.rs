//! What an index is: universe, weighting, schedule, costs and an optional
//! regime rule.
//!
//! One [`Strategy`] value drives the app, the CLI and share links, so the
//! field names are a stable format, versioned by [`Strategy::version`]. Every
//! field has a default, so a minimal JSON such as `{"weighting": "equal"}` is
//! a complete strategy. [`Strategy::validate`] checks the values and names the
//! offending field; [`simulate`](crate::simulate::simulate) calls it first.
//!
//! Units: every lookback and history length is counted in **data days** (rows
//! of the panel); rates are in basis points (1 bp = 0.01%); fractions (weights,
//! bands, buffers, cash fraction) are plain numbers, 0.3 = 30%.

use crate::schedule::Schedule;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The newest strategy format this engine reads.
pub const STRATEGY_VERSION: u32 = 1;

pub use crate::exclusions::DEFAULT_EXCLUSIONS;

/// A complete index definition. See the module docs for units.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Strategy {
    /// Format version, currently [`STRATEGY_VERSION`].
    pub version: u32,
    /// Human name shown in the app.
    pub name: String,
    pub universe: Universe,
    pub weighting: Weighting,
    /// Calendar rebalance schedule (see [`crate::schedule`]).
    pub rebalance: Schedule,
    /// Rebalance on this 0-based data day of each period (0 = first).
    pub rebalance_offset: u32,
    /// Drift bands, checked every day and OR-combined with the calendar
    /// schedule; with `rebalance: never` they act alone.
    pub bands: Option<Bands>,
    pub costs: Costs,
    /// Optional risk-off rule moving part of the portfolio to cash.
    pub regime: Option<Regime>,
    /// Starting capital in currency units. Results are normalised to 1.0;
    /// multiply by this for currency amounts. Market impact uses it to turn
    /// trade values into currency.
    pub initial_capital: f64,
    /// Whether [`SimResult::trades`](crate::simulate::SimResult::trades) is filled.
    pub record_trades: bool,
    /// Tranching: the portfolio is split into this many equal sleeves
    /// (1..=[`MAX_TRANCHES`]), each run as this strategy with `capital / k`
    /// and its rebalance (and reconstitution) offset moved by `i * period / k`
    /// days (sleeve `i`, see [`Strategy::sleeve`]); the equity is the sum of
    /// the sleeves, each paying its own costs. 1 (the default) is the plain
    /// strategy. Always serialised: the workers' codec (bincode) cannot skip
    /// fields; links without it read as 1.
    pub tranches: u32,
    /// What a drift band breach trades ([`BandMethod`]); the default
    /// (`full`) rebalances everything to target.
    pub band_method: BandMethod,
}

/// The most sleeves of a tranched strategy.
pub const MAX_TRANCHES: u32 = 12;

/// What a drift band breach trades. Calendar, reconstitution and regime
/// rebalances always trade everything to target.
///
/// Serialises as `"full"`, `"edge"` or `{"partial": {"fraction": 0.5}}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BandMethod {
    /// The whole portfolio back to its target weights (as before bands had a method).
    #[default]
    Full,
    /// Only the assets outside their band, each back to the nearer edge of
    /// its band: `target ± limit`, where `limit` is the tighter of
    /// `absolute` and `relative * target`.
    Edge,
    /// Only the assets outside their band, each moved `fraction` of the way
    /// from its weight to its target (`0 < fraction <= 1`; 1 = to target
    /// for those assets only).
    Partial { fraction: f64 },
}

impl BandMethod {
    pub fn is_full(&self) -> bool {
        matches!(self, BandMethod::Full)
    }
}

impl Default for Strategy {
    /// All non-stablecoin assets, equal weight, monthly, 10 bp fee, 10,000 capital.
    fn default() -> Self {
        Strategy {
            version: STRATEGY_VERSION,
            name: "Custom index".to_string(),
            universe: Universe::default(),
            weighting: Weighting::Equal,
            rebalance: Schedule::Monthly,
            rebalance_offset: 0,
            bands: None,
            costs: Costs::default(),
            regime: None,
            initial_capital: 10_000.0,
            record_trades: true,
            tranches: 1,
            band_method: BandMethod::Full,
        }
    }
}

/// Which assets may be held.
///
/// On each reconstitution day the candidates are the tradable assets (finite
/// price > 0, not on their delisting day) that pass, in this order: the
/// exclusion list, `min_history_days`, `min_volume`, `filter`, and, when
/// `top_n` is set, a finite market cap > 0. With `top_n` the members are the
/// `top_n` candidates with the largest ranking cap (ties: smaller asset id
/// first); without it every candidate is a member.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Universe {
    /// Keep only the N largest assets; `None` keeps all.
    #[serde(deserialize_with = "count::option")]
    pub top_n: Option<usize>,
    /// Rank on an exponentially weighted moving average of the market cap with
    /// this half-life in data days: `s_t = a * cap_t + (1 - a) * s_{t-1}`,
    /// `a = 1 - 0.5^(1/h)`, started at the first finite cap. Also used by
    /// [`Weighting::SqrtMarketCap`].
    pub rank_half_life_days: Option<f64>,
    /// Reconstitution schedule; `None` = the rebalance schedule. A
    /// reconstitution day is always a rebalance day.
    pub reconstitution: Option<Schedule>,
    pub reconstitution_offset: u32,
    /// Incumbent members stay while their rank is <= `floor(top_n * (1 + buffer))`.
    pub buffer: f64,
    /// Assets never held, applied before ranking: asset ids
    /// (case-insensitive) or group tokens (`@stablecoins`, `@wrapped`,
    /// `@detected`; see [`crate::exclusions`]). The default is the three tokens.
    pub exclude: Vec<String>,
    /// Asset ids held even though a group token of `exclude` names them
    /// ("include anyway"); an id written out in `exclude` stays excluded.
    pub include: Vec<String>,
    /// Minimum data days listed, counting the day itself: `t - first + 1`.
    #[serde(deserialize_with = "count::plain")]
    pub min_history_days: usize,
    pub min_volume: Option<MinVolume>,
    pub filter: Option<ExtraFilter>,
}

impl Default for Universe {
    fn default() -> Self {
        Universe {
            top_n: None,
            rank_half_life_days: None,
            reconstitution: None,
            reconstitution_offset: 0,
            buffer: 0.0,
            exclude: DEFAULT_EXCLUSIONS.iter().map(|s| s.to_string()).collect(),
            include: Vec::new(),
            min_history_days: 0,
            min_volume: None,
            filter: None,
        }
    }
}

/// Minimum average volume: the mean of the finite volumes over the last
/// `lookback` data days (including the day) must be >= `amount`. An asset with
/// no finite volume in the window fails.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MinVolume {
    pub amount: f64,
    #[serde(deserialize_with = "count::plain")]
    pub lookback: usize,
}

/// Keep assets whose value in an extra column satisfies `value op threshold`
/// that day; a missing (NaN) value fails.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExtraFilter {
    pub column: String,
    pub op: Comparison,
    pub value: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Comparison {
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = "<=")]
    AtMost,
}

impl Comparison {
    pub fn holds(self, x: f64, threshold: f64) -> bool {
        match self {
            Comparison::AtLeast => x >= threshold,
            Comparison::AtMost => x <= threshold,
        }
    }
}

/// How target weights are set over the members tradable on a rebalance day.
/// Every scheme returns non-negative weights summing to 1. Volatilities are
/// sample standard deviations (n - 1) of daily simple returns
/// `P_t / P_{t-1} - 1` over the last `lookback` returns ending on the day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weighting {
    /// `w_i = cap_i / sum cap`.
    MarketCap,
    /// `w_i = 1 / n`.
    Equal,
    /// Water-filling: `w_i = min(max_weight, lambda * cap_i)` with `lambda` set
    /// so the weights sum to 1. When `n * max_weight < 1` no such weights exist:
    /// equal weights are used and a warning is added.
    CappedMarketCap { max_weight: f64 },
    /// `w_i ∝ sqrt(cap_i)`, on the smoothed cap when `rank_half_life_days` is set.
    SqrtMarketCap,
    /// `w_i ∝ 1 / sigma_i` over a full window: only assets listed for all
    /// `lookback` returns take part (as for equal risk contribution); the
    /// others, and assets with zero volatility, are left out (warning). When
    /// no member has a full window (the first `lookback` days of the data),
    /// weights are equal (warning).
    InverseVolatility {
        #[serde(deserialize_with = "count::plain")]
        lookback: usize,
    },
    /// Equal risk contribution: `w_i (Σw)_i` equal for all i, with Σ the sample
    /// covariance of daily simple returns over the last `lookback` returns
    /// (only assets with a full window take part; others are left out with a
    /// warning). When there are no more returns than assets (`n >= lookback`)
    /// the sample covariance is singular, so its off-diagonal entries are
    /// shrunk by 10% toward 0 (warning). Solved by Spinu's damped Newton
    /// method on `½ yᵀ(nΣ)y - Σ ln y_i`, then normalised; falls back to
    /// inverse volatility with a warning if it does not converge.
    EqualRiskContribution {
        #[serde(deserialize_with = "count::plain")]
        lookback: usize,
    },
    /// `w_i ∝` mean finite volume over the last `lookback` data days; only
    /// assets listed on all of them take part (a listing's first days carry
    /// outsized volume); assets with no volume or zero are left out. When no
    /// member qualifies, weights are equal (warning).
    VolumeWeighted {
        #[serde(deserialize_with = "count::plain")]
        lookback: usize,
    },
    /// Fixed weights by asset id, normalised over the tradable members that
    /// have one. Ids match case-insensitively; an id may list alternatives
    /// separated by `|` (`"bitcoin|btc"`): the first one present in the panel
    /// is used. Ids matching no asset are ignored with a warning.
    Custom { weights: Vec<(String, f64)> },
}

impl Weighting {
    /// Whether the scheme needs a finite market cap > 0 on the day.
    pub fn needs_cap(&self) -> bool {
        matches!(self, Weighting::MarketCap | Weighting::CappedMarketCap { .. } | Weighting::SqrtMarketCap)
    }
}

/// Drift bands. With `w_i` the drifted weight (value / portfolio value) and
/// `target_i` the weight set at the last rebalance, a rebalance is triggered
/// at the close when, for any asset held at its target, `|w_i - target_i| >
/// absolute` or `|w_i - target_i| > relative * target_i`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Bands {
    pub absolute: Option<f64>,
    pub relative: Option<f64>,
}

/// Trading costs. Each trade in asset `i` of value `|Δ_i|` (normalised
/// units) costs `c_i |Δ_i|` with
/// `c_i = (fee_bps + half_spread_bps) / 1e4 + impact_i`,
/// `impact_i = k * sigma_i * sqrt(|Δ_i| * initial_capital / ADV_i)`, where
/// `sigma_i` is the daily return volatility and `ADV_i` the mean finite
/// volume (currency) over `impact.lookback` data days. Without volume (or
/// volatility) the impact term is 0 and a warning is added. `c_i` is capped
/// at [`MAX_COST_RATE`](crate::costs::MAX_COST_RATE).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Costs {
    /// Proportional fee on traded value, bp.
    pub fee_bps: f64,
    /// Half the bid-ask spread, paid on every trade, bp.
    pub half_spread_bps: f64,
    pub impact: Option<Impact>,
}

impl Default for Costs {
    /// 10 bp fee, no spread, no impact.
    fn default() -> Self {
        Costs { fee_bps: 10.0, half_spread_bps: 0.0, impact: None }
    }
}

/// Square-root market impact parameters (see [`Costs`]): `sigma` and ADV
/// are measured over the last `lookback` data days. Unlike the weighting
/// windows, a partial window is used as it is (at least 2 returns and one
/// volume): leaving impact out of a young coin's trades would understate
/// costs exactly where they are highest; without that much, impact is left
/// out with a warning.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Impact {
    pub k: f64,
    #[serde(deserialize_with = "count::plain")]
    pub lookback: usize,
}

/// Risk-off rule: on a day when the reference closes below its simple moving
/// average of the last `sma_days` closes (including that day), a fraction
/// `cash_fraction` of the portfolio is held in cash (a stablecoin at 0%) and
/// the rest at the target weights scaled by `1 - cash_fraction`. Until
/// `sma_days` finite closes exist the rule says risk-on. A change of state
/// triggers a rebalance at that close.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Regime {
    pub reference: RegimeReference,
    #[serde(deserialize_with = "count::plain")]
    pub sma_days: usize,
    pub cash_fraction: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegimeReference {
    /// The price of this asset id (matched case-insensitively).
    Asset(String),
    /// The sum of the finite market caps of all assets not on the exclusion list.
    TotalMarketCap,
}

/// Ready-made strategies; see [`Strategy::preset`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    Top100CapWeekly,
    Top100EqualWeekly,
    Top10EqualMonthly,
    Top30SqrtMonthlyQuarterly,
    Top20Capped30Quarterly,
    BitcoinBuyAndHold,
}

impl Preset {
    pub const ALL: [Preset; 6] = [
        Preset::Top100CapWeekly,
        Preset::Top100EqualWeekly,
        Preset::Top10EqualMonthly,
        Preset::Top30SqrtMonthlyQuarterly,
        Preset::Top20Capped30Quarterly,
        Preset::BitcoinBuyAndHold,
    ];
}

/// A strategy that failed validation or does not fit the panel.
#[derive(Clone, Debug, PartialEq)]
pub struct StrategyError {
    /// The offending field, dotted (`universe.top_n`).
    pub field: String,
    /// A full sentence naming the field.
    pub message: String,
}

impl StrategyError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        StrategyError { field: field.to_string(), message: message.into() }
    }
}

impl fmt::Display for StrategyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StrategyError {}

/// Most characters of a name, id or column quoted in a message.
const MAX_QUOTED_CHARS: usize = 60;

/// `text` for quoting in a message: cut to [`MAX_QUOTED_CHARS`] characters
/// with an ellipsis, so a name pasted from a crafted link cannot make a
/// message megabytes long.
/// `v` with at most 2 decimals and no trailing zeros: `10`, `2.5`.
fn trim_number(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

pub(crate) fn short(text: &str) -> String {
    if text.chars().count() <= MAX_QUOTED_CHARS {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX_QUOTED_CHARS).collect();
        format!("{cut}…")
    }
}

fn check(ok: bool, field: &str, message: &str) -> Result<(), StrategyError> {
    if ok {
        Ok(())
    } else {
        Err(StrategyError::new(field, message))
    }
}

fn check_schedule(schedule: Schedule, offset: u32, field: &str, offset_field: &str) -> Result<(), StrategyError> {
    if schedule == Schedule::EveryNDays(0) {
        return Err(StrategyError::new(field, format!("{field}: every_n_days must be at least 1")));
    }
    match schedule.max_period_days() {
        None if offset != 0 => {
            Err(StrategyError::new(offset_field, format!("{offset_field} must be 0 for a daily or never schedule")))
        }
        Some(days) if offset >= days => Err(StrategyError::new(
            offset_field,
            format!("{offset_field} must be below {days}, the length of the period"),
        )),
        _ => Ok(()),
    }
}

/// The largest accepted day count of a window (lookback, moving average):
/// about 27 years of daily data.
pub const MAX_WINDOW_DAYS: usize = 10_000;
/// The largest accepted Top N and minimum history.
pub const MAX_COUNT: usize = 100_000;
/// The longest accepted strategy name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

fn check_lookback(lookback: usize, field: &str) -> Result<(), StrategyError> {
    check(lookback >= 2, field, &format!("{field} must be at least 2 days"))?;
    check(lookback <= MAX_WINDOW_DAYS, field, &format!("{field} must be at most {MAX_WINDOW_DAYS} days"))
}

/// Day counts and Top N read as `u64` and capped at [`count::CAP`] on every
/// platform, so that a value too large for a 32-bit `usize` (the page's
/// wasm) reaches [`Strategy::validate`] and gets the same message as
/// natively ("more than ..." rather than a number the page cannot hold).
pub(crate) mod count {
    use serde::{Deserialize, Deserializer};

    /// The largest count kept as it is: `u32::MAX`, a value both the page
    /// (32-bit) and a native build hold; larger ones become this.
    pub const CAP: usize = u32::MAX as usize;

    fn fit(v: u64) -> usize {
        usize::try_from(v.min(CAP as u64)).unwrap_or(CAP)
    }

    /// A count for messages: "4294967295 or more" at the cap.
    pub fn show(v: usize) -> String {
        if v as u64 >= CAP as u64 {
            format!("{CAP} or more")
        } else {
            v.to_string()
        }
    }

    pub fn plain<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
        u64::deserialize(d).map(fit)
    }

    pub fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
        Option::<u64>::deserialize(d).map(|v| v.map(fit))
    }
}

impl Strategy {
    /// A name made from the rules, the way the presets are named: universe,
    /// weighting, schedule, then what differs from the defaults
    /// ("Top 5, cap-weighted with 20% cap, every 14 days, 5% drift band").
    /// The page names a strategy this way until the user types a name, and
    /// names sweep cells this way.
    pub fn describe(&self) -> String {
        let pct = |x: f64| {
            let v = x * 100.0;
            if (v - v.round()).abs() < 1e-9 {
                format!("{v:.0}%")
            } else {
                format!("{}%", format!("{v:.2}").trim_end_matches('0').trim_end_matches('.'))
            }
        };
        let mut parts: Vec<String> = Vec::new();
        if let Weighting::Custom { weights } = &self.weighting {
            if weights.len() == 1 {
                let id = weights[0].0.split('|').next().unwrap_or("").trim();
                let mut first = id.chars();
                let id = first.next().map_or(String::new(), |c| c.to_uppercase().chain(first).collect());
                parts.push(format!("{} only", short(&id)));
            } else {
                parts.push(format!("Fixed weights on {} assets", weights.len()));
            }
        } else {
            parts.push(self.universe.top_n.map_or("All assets".to_string(), |n| format!("Top {n}")));
            parts.push(match &self.weighting {
                Weighting::MarketCap => "cap-weighted".to_string(),
                Weighting::Equal => "equal-weighted".to_string(),
                Weighting::CappedMarketCap { max_weight } => format!("cap-weighted with {} cap", pct(*max_weight)),
                Weighting::SqrtMarketCap => "square-root cap".to_string(),
                Weighting::InverseVolatility { lookback } => format!("inverse volatility ({lookback} days)"),
                Weighting::EqualRiskContribution { lookback } => format!("equal risk contribution ({lookback} days)"),
                Weighting::VolumeWeighted { lookback } => format!("volume-weighted ({lookback} days)"),
                Weighting::Custom { .. } => unreachable!("named above"),
            });
        }
        let schedule = Schedule::phrase;
        parts.push(schedule(self.rebalance));
        if let Some(r) = self.universe.reconstitution.filter(|r| *r != self.rebalance) {
            parts.push(format!("reconstituted {}", schedule(r)));
        }
        if let Some(b) = &self.bands {
            match (b.absolute, b.relative) {
                (Some(a), _) => parts.push(format!("{} drift band", pct(a))),
                (None, Some(r)) => parts.push(format!("{} relative drift band", pct(r))),
                (None, None) => {}
            }
        }
        if self.bands.is_some() {
            match self.band_method {
                BandMethod::Full => {}
                BandMethod::Edge => parts.push("to the band edge".to_string()),
                BandMethod::Partial { fraction } => parts.push(format!("{} of the way back", pct(fraction))),
            }
        }
        if self.tranches > 1 {
            parts.push(format!("{} tranches", self.tranches));
        }
        if self.universe.buffer > 0.0 {
            parts.push(format!("{} buffer", pct(self.universe.buffer)));
        }
        if let Some(r) = &self.regime {
            parts.push(format!("risk-off below the {}-day average", r.sma_days));
        }
        let c = &self.costs;
        if c.fee_bps != Costs::default().fee_bps || c.half_spread_bps > 0.0 || c.impact.is_some() {
            let mut cost = format!("{} bp fee", trim_number(c.fee_bps));
            if c.half_spread_bps > 0.0 {
                cost.push_str(&format!(" + {} bp half-spread", trim_number(c.half_spread_bps)));
            }
            if c.impact.is_some() {
                cost.push_str(" + impact");
            }
            parts.push(cost);
        }
        parts.join(", ")
    }

    /// The built-in strategies. All use the default stablecoin exclusions,
    /// a 10 bp fee and a 10,000 starting capital.
    ///
    /// `BitcoinBuyAndHold` holds the custom weight `"bitcoin|btc"`: the asset
    /// with id `bitcoin` when the panel has one (CoinGecko ids), else `btc`
    /// (symbols). It buys on day 0 and never trades again.
    pub fn preset(preset: Preset) -> Strategy {
        let top = |n: usize| Universe { top_n: Some(n), ..Universe::default() };
        let base = Strategy::default();
        match preset {
            Preset::Top100CapWeekly => Strategy {
                name: "Top 100, cap-weighted, weekly".into(),
                universe: top(100),
                weighting: Weighting::MarketCap,
                rebalance: Schedule::Weekly,
                ..base
            },
            Preset::Top100EqualWeekly => Strategy {
                name: "Top 100, equal-weighted, weekly".into(),
                universe: top(100),
                weighting: Weighting::Equal,
                rebalance: Schedule::Weekly,
                ..base
            },
            Preset::Top10EqualMonthly => Strategy {
                name: "Top 10, equal-weighted, monthly".into(),
                universe: top(10),
                weighting: Weighting::Equal,
                rebalance: Schedule::Monthly,
                ..base
            },
            Preset::Top30SqrtMonthlyQuarterly => Strategy {
                name: "Top 30, square-root cap, monthly, reconstituted quarterly, no stablecoins".into(),
                universe: Universe { reconstitution: Some(Schedule::Quarterly), ..top(30) },
                weighting: Weighting::SqrtMarketCap,
                rebalance: Schedule::Monthly,
                ..base
            },
            Preset::Top20Capped30Quarterly => Strategy {
                name: "Top 20, cap-weighted with 30% cap, quarterly".into(),
                universe: top(20),
                weighting: Weighting::CappedMarketCap { max_weight: 0.3 },
                rebalance: Schedule::Quarterly,
                ..base
            },
            Preset::BitcoinBuyAndHold => Strategy {
                name: "Bitcoin only, buy and hold".into(),
                weighting: Weighting::Custom { weights: vec![("bitcoin|btc".into(), 1.0)] },
                rebalance: Schedule::Never,
                ..base
            },
        }
    }

    /// The schedule whose phase an offset sets: the rebalance schedule when
    /// it takes an offset, else the reconstitution schedule when that does;
    /// `None` when neither does (daily, never): such a strategy has one phase.
    pub fn phase_schedule(&self) -> Option<Schedule> {
        match (self.rebalance.offset_count(), self.universe.reconstitution) {
            (Some(_), _) => Some(self.rebalance),
            (None, Some(r)) if r.offset_count().is_some() => Some(r),
            _ => None,
        }
    }

    /// The offset the strategy uses on its [`phase_schedule`](Self::phase_schedule) (0 without one).
    pub fn phase_offset(&self) -> u32 {
        match self.rebalance.offset_count() {
            Some(_) => self.rebalance_offset,
            None if self.phase_schedule().is_some() => self.universe.reconstitution_offset,
            None => 0,
        }
    }

    /// The same strategy on another rebalance day: `rebalance_offset` set to
    /// `offset`, and a separate reconstitution schedule's offset moved by the
    /// same number of days (modulo its [`Schedule::offset_count`]); with a
    /// rebalance schedule that takes no offset, the reconstitution offset is
    /// set. Unchanged for a strategy without a phase.
    pub fn with_offset(&self, offset: u32) -> Strategy {
        let mut s = self.clone();
        if self.rebalance.offset_count().is_some() {
            let delta = offset as i64 - self.rebalance_offset as i64;
            s.rebalance_offset = offset;
            if let Some(count) = self.universe.reconstitution.and_then(Schedule::offset_count) {
                if delta != 0 {
                    let moved = (self.universe.reconstitution_offset as i64 + delta).rem_euclid(count as i64);
                    s.universe.reconstitution_offset = moved as u32;
                }
            }
        } else if self.phase_schedule().is_some() {
            s.universe.reconstitution_offset = offset;
        }
        s
    }

    /// Sleeve `i` (`0..tranches`) of a tranched strategy: one tranche,
    /// `initial_capital / tranches`, and its offset moved `i * count /
    /// tranches` days on (modulo the phase schedule's
    /// [`Schedule::offset_count`], so sleeve 0 is the strategy's own phase).
    pub fn sleeve(&self, i: u32) -> Strategy {
        let k = self.tranches.max(1);
        let mut s = match self.phase_schedule().and_then(Schedule::offset_count) {
            Some(count) if i > 0 => {
                let shift = (i as u64 * count as u64 / k as u64) as u32;
                self.with_offset((self.phase_offset() % count + shift) % count)
            }
            _ => self.clone(),
        };
        s.tranches = 1;
        s.initial_capital = self.initial_capital / k as f64;
        s
    }

    /// The same strategy with every cost set to zero, to measure cost drag
    /// (gross curve = `simulate(panel, &s.without_costs())`).
    pub fn without_costs(&self) -> Strategy {
        Strategy { costs: Costs { fee_bps: 0.0, half_spread_bps: 0.0, impact: None }, ..self.clone() }
    }

    /// Checks every value; the error names the field.
    pub fn validate(&self) -> Result<(), StrategyError> {
        check(self.version >= 1, "version", "version must be at least 1")?;
        if self.version > STRATEGY_VERSION {
            return Err(StrategyError::new(
                "version",
                format!("version {} is newer than this engine supports ({STRATEGY_VERSION})", self.version),
            ));
        }
        let u = &self.universe;
        check(
            self.name.chars().count() <= MAX_NAME_CHARS,
            "name",
            &format!("name must be at most {MAX_NAME_CHARS} characters (it has {})", self.name.chars().count()),
        )?;
        if let Some(n) = u.top_n {
            check(n >= 1, "universe.top_n", "top_n must be at least 1")?;
            check(n <= MAX_COUNT, "universe.top_n", &format!("top_n must be at most {MAX_COUNT}"))?;
        }
        check(
            u.min_history_days <= MAX_COUNT,
            "universe.min_history_days",
            &format!("min_history_days must be at most {MAX_COUNT}"),
        )?;
        if let Some(h) = u.rank_half_life_days {
            check(h.is_finite() && h > 0.0, "universe.rank_half_life_days", "rank_half_life_days must be above 0")?;
        }
        if let Some(s) = u.reconstitution {
            check_schedule(s, u.reconstitution_offset, "universe.reconstitution", "reconstitution_offset")?;
        } else {
            check(
                u.reconstitution_offset == 0,
                "universe.reconstitution_offset",
                "reconstitution_offset needs a reconstitution schedule",
            )?;
        }
        check(u.buffer.is_finite() && u.buffer >= 0.0, "universe.buffer", "buffer must be 0 or more")?;
        if let Some(bad) = u.exclude.iter().find(|e| e.trim().starts_with('@') && !crate::exclusions::is_token(e)) {
            return Err(StrategyError {
                field: "universe.exclude".into(),
                message: format!(
                    "unknown group '{}' in exclude (known: @stablecoins, @wrapped, @detected)",
                    short(bad.trim())
                ),
            });
        }
        if let Some(mv) = &u.min_volume {
            check(
                mv.amount.is_finite() && mv.amount >= 0.0,
                "universe.min_volume",
                "min_volume amount must be 0 or more",
            )?;
            check(mv.lookback >= 1, "universe.min_volume", "min_volume lookback must be at least 1 day")?;
            check(
                mv.lookback <= MAX_WINDOW_DAYS,
                "universe.min_volume",
                &format!("min_volume lookback must be at most {MAX_WINDOW_DAYS} days"),
            )?;
        }
        if let Some(f) = &u.filter {
            check(!f.column.trim().is_empty(), "universe.filter", "filter column must not be empty")?;
            check(f.value.is_finite(), "universe.filter", "filter value must be a finite number")?;
        }
        match &self.weighting {
            Weighting::CappedMarketCap { max_weight } => check(
                max_weight.is_finite() && *max_weight > 0.0 && *max_weight <= 1.0,
                "weighting.max_weight",
                "max_weight must be above 0 and at most 1",
            )?,
            Weighting::InverseVolatility { lookback }
            | Weighting::EqualRiskContribution { lookback }
            | Weighting::VolumeWeighted { lookback } => check_lookback(*lookback, "weighting.lookback")?,
            Weighting::Custom { weights } => {
                check(!weights.is_empty(), "weighting.weights", "custom weights must name at least one asset")?;
                for (id, w) in weights {
                    check(
                        !id.trim().is_empty(),
                        "weighting.weights",
                        "custom weights must not have an empty asset id",
                    )?;
                    if !(w.is_finite() && *w >= 0.0) {
                        return Err(StrategyError::new(
                            "weighting.weights",
                            format!("custom weight of '{}' must be a finite number, 0 or more", short(id)),
                        ));
                    }
                }
                check(
                    weights.iter().any(|(_, w)| *w > 0.0),
                    "weighting.weights",
                    "custom weights must have at least one weight above 0",
                )?;
            }
            Weighting::MarketCap | Weighting::Equal | Weighting::SqrtMarketCap => {}
        }
        check_schedule(self.rebalance, self.rebalance_offset, "rebalance", "rebalance_offset")?;
        if let Some(b) = &self.bands {
            check(b.absolute.is_some() || b.relative.is_some(), "bands", "bands need an absolute or a relative limit")?;
            if let Some(a) = b.absolute {
                check(
                    a.is_finite() && a > 0.0 && a <= 1.0,
                    "bands.absolute",
                    "bands.absolute must be above 0 and at most 1",
                )?;
            }
            if let Some(r) = b.relative {
                check(r.is_finite() && r > 0.0, "bands.relative", "bands.relative must be above 0")?;
            }
        }
        if let BandMethod::Partial { fraction } = self.band_method {
            check(
                fraction.is_finite() && fraction > 0.0 && fraction <= 1.0,
                "band_method.fraction",
                "band_method fraction must be above 0 and at most 1",
            )?;
        }
        check(
            (1..=MAX_TRANCHES).contains(&self.tranches),
            "tranches",
            &format!("tranches must be between 1 and {MAX_TRANCHES}"),
        )?;
        let c = &self.costs;
        check(
            c.fee_bps.is_finite() && (0.0..=10_000.0).contains(&c.fee_bps),
            "costs.fee_bps",
            "fee_bps must be between 0 and 10000",
        )?;
        check(
            c.half_spread_bps.is_finite() && (0.0..=10_000.0).contains(&c.half_spread_bps),
            "costs.half_spread_bps",
            "half_spread_bps must be between 0 and 10000",
        )?;
        check(
            c.fee_bps + c.half_spread_bps < 10_000.0,
            "costs.fee_bps",
            "fee_bps + half_spread_bps must be below 10000 (100%)",
        )?;
        if let Some(i) = &c.impact {
            check(i.k.is_finite() && i.k >= 0.0, "costs.impact.k", "impact k must be 0 or more")?;
            check_lookback(i.lookback, "costs.impact.lookback")?;
        }
        if let Some(r) = &self.regime {
            if let RegimeReference::Asset(id) = &r.reference {
                check(!id.trim().is_empty(), "regime.reference", "regime reference asset id must not be empty")?;
            }
            check(r.sma_days >= 2, "regime.sma_days", "regime sma_days must be at least 2")?;
            check(
                r.sma_days <= MAX_WINDOW_DAYS,
                "regime.sma_days",
                &format!("regime sma_days must be at most {MAX_WINDOW_DAYS}"),
            )?;
            check(
                r.cash_fraction.is_finite() && (0.0..=1.0).contains(&r.cash_fraction),
                "regime.cash_fraction",
                "regime cash_fraction must be between 0 and 1",
            )?;
        }
        check(
            self.initial_capital.is_finite() && self.initial_capital > 0.0,
            "initial_capital",
            "initial_capital must be above 0",
        )?;
        check(
            self.initial_capital <= crate::scenario::MAX_CAPITAL,
            "initial_capital",
            "initial_capital must be at most 1e15",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_json_is_a_full_strategy() {
        let s: Strategy = serde_json::from_str("{}").unwrap();
        assert_eq!(s, Strategy::default());
        let s: Strategy = serde_json::from_str(
            r#"{"weighting": {"capped_market_cap": {"max_weight": 0.25}}, "universe": {"top_n": 20}}"#,
        )
        .unwrap();
        assert_eq!(s.weighting, Weighting::CappedMarketCap { max_weight: 0.25 });
        assert_eq!(s.universe.top_n, Some(20));
        assert_eq!(s.universe.exclude.len(), DEFAULT_EXCLUSIONS.len());
        assert_eq!(s.costs.fee_bps, 10.0);
        assert!(s.record_trades);
    }

    #[test]
    fn presets_round_trip_and_validate() {
        for p in Preset::ALL {
            let s = Strategy::preset(p);
            s.validate().unwrap();
            assert!(!s.name.is_empty());
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(serde_json::from_str::<Strategy>(&json).unwrap(), s);
        }
        let s = Strategy::preset(Preset::Top30SqrtMonthlyQuarterly);
        assert_eq!((s.universe.top_n, s.universe.reconstitution), (Some(30), Some(Schedule::Quarterly)));
        assert!(s.universe.exclude.iter().any(|e| e == "@stablecoins"));
        let btc = Strategy::preset(Preset::BitcoinBuyAndHold);
        assert_eq!(btc.rebalance, Schedule::Never);
    }

    #[test]
    fn filter_and_regime_json() {
        let s: Strategy = serde_json::from_str(
            r#"{"universe": {"filter": {"column": "score", "op": ">=", "value": 2}},
                "regime": {"reference": {"asset": "bitcoin"}, "sma_days": 200, "cash_fraction": 0.5},
                "rebalance": {"every_n_days": 14}}"#,
        )
        .unwrap();
        assert_eq!(s.universe.filter.as_ref().unwrap().op, Comparison::AtLeast);
        assert!(Comparison::AtLeast.holds(2.0, 2.0) && !Comparison::AtMost.holds(2.5, 2.0));
        assert_eq!(s.regime.unwrap().reference, RegimeReference::Asset("bitcoin".into()));
        assert_eq!(s.rebalance, Schedule::EveryNDays(14));
    }

    fn err(s: Strategy) -> String {
        s.validate().unwrap_err().message
    }

    #[test]
    fn validation_names_the_field() {
        let d = Strategy::default;
        assert_eq!(
            err(Strategy { universe: Universe { top_n: Some(0), ..Universe::default() }, ..d() }),
            "top_n must be at least 1"
        );
        assert_eq!(
            err(Strategy { costs: Costs { fee_bps: 10_001.0, ..Costs::default() }, ..d() }),
            "fee_bps must be between 0 and 10000"
        );
        assert_eq!(
            err(Strategy { costs: Costs { fee_bps: -1.0, ..Costs::default() }, ..d() }),
            "fee_bps must be between 0 and 10000"
        );
        assert_eq!(
            err(Strategy { weighting: Weighting::CappedMarketCap { max_weight: 0.0 }, ..d() }),
            "max_weight must be above 0 and at most 1"
        );
        assert_eq!(
            err(Strategy { weighting: Weighting::InverseVolatility { lookback: 1 }, ..d() }),
            "weighting.lookback must be at least 2 days"
        );
        assert_eq!(
            err(Strategy { weighting: Weighting::Custom { weights: vec![("btc".into(), -1.0)] }, ..d() }),
            "custom weight of 'btc' must be a finite number, 0 or more"
        );
        assert_eq!(
            err(Strategy { rebalance: Schedule::Weekly, rebalance_offset: 7, ..d() }),
            "rebalance_offset must be below 7, the length of the period"
        );
        assert_eq!(
            err(Strategy { rebalance: Schedule::Daily, rebalance_offset: 1, ..d() }),
            "rebalance_offset must be 0 for a daily or never schedule"
        );
        assert_eq!(
            err(Strategy { rebalance: Schedule::EveryNDays(0), ..d() }),
            "rebalance: every_n_days must be at least 1"
        );
        assert_eq!(
            err(Strategy { bands: Some(Bands::default()), ..d() }),
            "bands need an absolute or a relative limit"
        );
        assert_eq!(err(Strategy { initial_capital: 0.0, ..d() }), "initial_capital must be above 0");
        assert_eq!(err(Strategy { version: 2, ..d() }), "version 2 is newer than this engine supports (1)");
        let regime = Regime { reference: RegimeReference::TotalMarketCap, sma_days: 50, cash_fraction: 1.5 };
        let e = Strategy { regime: Some(regime), ..d() }.validate().unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("regime.cash_fraction", "regime cash_fraction must be between 0 and 1")
        );
    }

    #[test]
    fn names_follow_the_rules_as_the_presets_read() {
        for p in [
            Preset::Top100CapWeekly,
            Preset::Top100EqualWeekly,
            Preset::Top10EqualMonthly,
            Preset::Top20Capped30Quarterly,
        ] {
            let s = Strategy::preset(p);
            assert_eq!(s.describe(), s.name, "{p:?}");
        }
        assert_eq!(Strategy::preset(Preset::BitcoinBuyAndHold).describe(), "Bitcoin only, buy and hold");
        let mut s = Strategy::preset(Preset::Top100CapWeekly);
        s.universe.top_n = Some(5);
        s.weighting = Weighting::CappedMarketCap { max_weight: 0.2 };
        s.rebalance = Schedule::EveryNDays(14);
        s.bands = Some(Bands { absolute: Some(0.05), relative: None });
        s.costs.fee_bps = 25.0;
        assert_eq!(s.describe(), "Top 5, cap-weighted with 20% cap, every 14 days, 5% drift band, 25 bp fee");
        s.universe.top_n = None;
        s.weighting = Weighting::EqualRiskContribution { lookback: 90 };
        assert!(s.describe().starts_with("All assets, equal risk contribution (90 days)"));
    }
}
