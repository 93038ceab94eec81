//! The engine target: a panel of at most 8 assets x 60 days and a few
//! strategies, all built from the input with `arbitrary`, run through
//! `engine::compare` (net and gross simulations, metrics).

use crate::checks::{compare_checked, panel_is_valid};
use arbitrary::{Result, Unstructured};
use engine::schedule::Schedule;
use engine::strategy::{
    Bands, Comparison, Costs, ExtraFilter, Impact, MinVolume, Regime, RegimeReference, Universe, DEFAULT_EXCLUSIONS,
};
use engine::{Date, Extra, Panel, Strategy, Weighting};

/// Most assets and days of a generated panel.
pub const MAX_ASSETS: usize = 8;
pub const MAX_DAYS: usize = 60;

/// Prices worth trying besides ordinary random walks: the 1e-12 and
/// 1e12, the limits of `f64`, and values a panel must clean (0, negative,
/// NaN, infinite).
const EXTREME_PRICES: [f64; 14] = [
    1e-12,
    1e12,
    1.0,
    0.0,
    -1.0,
    f64::NAN,
    f64::INFINITY,
    f64::MAX,
    f64::MIN_POSITIVE,
    5e-324,
    1e-300,
    1e300,
    1e-6,
    1e6,
];

/// Ids: some well-known (the Bitcoin preset and the stablecoin exclusions
/// look for them), some that differ only in case.
const IDS: [&str; 12] = ["bitcoin", "btc", "ethereum", "tether", "usdc", "sol", "a", "B", "b", "x-1", "ζ", "dai"];

/// Numbers for strategy fields, including the boundaries of every check in
/// `Strategy::validate` and non-finite values.
const FIELD_VALUES: [f64; 16] =
    [0.0, 1e-12, 0.01, 0.1, 0.3, 0.5, 1.0, 1.5, 2.0, 10.0, 100.0, 10_000.0, 10_001.0, -1.0, f64::NAN, f64::INFINITY];

fn pick<T: Copy>(u: &mut Unstructured, from: &[T]) -> Result<T> {
    Ok(*u.choose(from)?)
}

/// A price path: a random walk with daily factors in about [1/16, 16], mixed
/// with extreme values, inside a listing span (delisted or late assets).
fn price_column(u: &mut Unstructured, n_days: usize) -> Result<Vec<f64>> {
    let first = if u.ratio(1, 4)? { u.choose_index(n_days)? } else { 0 };
    let last = if u.ratio(1, 4)? { u.int_in_range(first..=n_days - 1)? } else { n_days - 1 };
    let mut p = if u.ratio(1, 3)? { pick(u, &EXTREME_PRICES)? } else { f64::from(u.int_in_range(1u16..=60_000)?) };
    let mut col = vec![f64::NAN; n_days];
    for slot in col.iter_mut().take(last + 1).skip(first) {
        *slot = match u.int_in_range(0u8..=15)? {
            0 => pick(u, &EXTREME_PRICES)?,
            1 => f64::NAN, // a gap, carried forward inside the span
            _ => {
                p *= 2f64.powf(f64::from(u.int_in_range(-64i8..=64)?) / 16.0);
                p
            }
        };
    }
    Ok(col)
}

/// Market caps: price x supply, all zero, missing, or arbitrary values.
fn cap_column(u: &mut Unstructured, prices: &[f64]) -> Result<Vec<f64>> {
    Ok(match u.int_in_range(0u8..=4)? {
        0 => vec![0.0; prices.len()],
        1 => vec![f64::NAN; prices.len()],
        2 => prices.iter().map(|_| pick(u, &EXTREME_PRICES)).collect::<Result<_>>()?,
        _ => {
            let supply = f64::from(u.int_in_range(1u32..=u32::MAX)?);
            prices.iter().map(|p| p * supply).collect()
        }
    })
}

/// Volumes: zero, missing, constant or arbitrary.
fn volume_column(u: &mut Unstructured, n_days: usize) -> Result<Vec<f64>> {
    Ok(match u.int_in_range(0u8..=3)? {
        0 => vec![0.0; n_days],
        1 => vec![f64::NAN; n_days],
        2 => vec![f64::from(u.int_in_range(1u32..=u32::MAX)?); n_days],
        _ => (0..n_days).map(|_| pick(u, &EXTREME_PRICES)).collect::<Result<_>>()?,
    })
}

/// Dates: daily, weekly, month ends, or irregular gaps, starting anywhere the
/// ingest date parser can reach (years 0 to 9999).
fn dates(u: &mut Unstructured, n_days: usize) -> Result<Vec<Date>> {
    let start = match u.int_in_range(0u8..=7)? {
        0 => Date::from_ymd(0, 1, 1).expect("valid").0,
        1 => Date::from_ymd(9999, 12, 31).expect("valid").0 - n_days as i32 * 40,
        _ => Date::from_ymd(2013, 1, 1).expect("valid").0 + i32::from(u.int_in_range(0u16..=5000)?),
    };
    let start = Date(start);
    let mut out = Vec::with_capacity(n_days);
    match u.int_in_range(0u8..=3)? {
        0 => out.extend((0..n_days as i32).map(|i| Date(start.0 + i))),
        1 => out.extend((0..n_days as i32).map(|i| Date(start.0 + 7 * i))),
        2 => {
            let (y, m, _) = start.ymd();
            for i in 0..n_days as i32 {
                let k = y * 12 + m as i32 - 1 + i + 1;
                // The last day of each month: the day before the next month's first.
                let next = Date::from_ymd(k.div_euclid(12), k.rem_euclid(12) as u32 + 1, 1).expect("valid");
                out.push(Date(next.0 - 1));
            }
        }
        _ => {
            let mut d = start.0;
            for _ in 0..n_days {
                out.push(Date(d));
                d += i32::from(u.int_in_range(1u8..=40)?);
            }
        }
    }
    Ok(out)
}

/// A panel, or `None` when `Panel::new` refuses the values (an asset with no
/// valid price): that refusal is the clean error.
fn panel(u: &mut Unstructured) -> Result<Option<Panel>> {
    let n_assets = u.int_in_range(1..=MAX_ASSETS)?;
    let n_days = u.int_in_range(1..=MAX_DAYS)?;
    let dates = dates(u, n_days)?;
    let mut ids: Vec<String> = Vec::new();
    while ids.len() < n_assets {
        let id = pick(u, &IDS)?.to_string();
        ids.push(if ids.contains(&id) { format!("{id}{}", ids.len()) } else { id });
    }
    let (mut price, mut cap, mut volume) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n_assets {
        let p = price_column(u, n_days)?;
        cap.push(cap_column(u, &p)?);
        volume.push(volume_column(u, n_days)?);
        price.push(p);
    }
    let score: Vec<Vec<f64>> =
        (0..n_assets).map(|_| (0..n_days).map(|_| pick(u, &FIELD_VALUES)).collect()).collect::<Result<_>>()?;
    let day_major =
        |cols: &[Vec<f64>]| -> Vec<f64> { (0..n_days).flat_map(|t| cols.iter().map(move |c| c[t])).collect() };
    let extras = vec![Extra { name: "score".into(), values: day_major(&score) }];
    Ok(Panel::new(dates, ids, day_major(&price), day_major(&cap), day_major(&volume), extras).ok())
}

fn schedule(u: &mut Unstructured) -> Result<Schedule> {
    Ok(match u.int_in_range(0u8..=7)? {
        0 => Schedule::Daily,
        1 => Schedule::Weekly,
        2 => Schedule::Monthly,
        3 => Schedule::Quarterly,
        4 => Schedule::Yearly,
        5 => Schedule::EveryNDays(u.int_in_range(0..=40)?),
        6 => Schedule::EveryNDays(u32::MAX),
        _ => Schedule::Never,
    })
}

fn offset(u: &mut Unstructured) -> Result<u32> {
    Ok(if u.ratio(1, 4)? { u.int_in_range(0..=400)? } else { 0 })
}

fn lookback(u: &mut Unstructured) -> Result<usize> {
    u.int_in_range(0..=70)
}

fn asset_id(u: &mut Unstructured, panel: &Panel) -> Result<String> {
    Ok(if u.ratio(3, 4)? {
        let a = u.choose_index(panel.n_assets())?;
        let id = panel.assets()[a].id.clone();
        if u.ratio(1, 4)? {
            id.to_uppercase()
        } else {
            id
        }
    } else {
        pick(u, &["bitcoin|btc", "nothing", " btc ", "|"])?.to_string()
    })
}

fn weighting(u: &mut Unstructured, panel: &Panel) -> Result<Weighting> {
    Ok(match u.int_in_range(0u8..=7)? {
        0 => Weighting::MarketCap,
        1 => Weighting::Equal,
        2 => Weighting::CappedMarketCap { max_weight: pick(u, &FIELD_VALUES)? },
        3 => Weighting::SqrtMarketCap,
        4 => Weighting::InverseVolatility { lookback: lookback(u)? },
        5 => Weighting::EqualRiskContribution { lookback: lookback(u)? },
        6 => Weighting::VolumeWeighted { lookback: lookback(u)? },
        _ => {
            let n = u.int_in_range(0..=4)?;
            let weights = (0..n).map(|_| Ok((asset_id(u, panel)?, pick(u, &FIELD_VALUES)?))).collect::<Result<_>>()?;
            Weighting::Custom { weights }
        }
    })
}

fn maybe<T>(u: &mut Unstructured, f: impl FnOnce(&mut Unstructured) -> Result<T>) -> Result<Option<T>> {
    Ok(if u.arbitrary::<bool>()? { Some(f(u)?) } else { None })
}

/// A strategy touching every field, valid or not (`simulate` must refuse the
/// invalid ones with a message).
fn strategy(u: &mut Unstructured, panel: &Panel) -> Result<Strategy> {
    let universe = Universe {
        top_n: maybe(u, |u| u.int_in_range(0..=10))?,
        rank_half_life_days: maybe(u, |u| pick(u, &FIELD_VALUES))?,
        reconstitution: maybe(u, schedule)?,
        reconstitution_offset: offset(u)?,
        buffer: pick(u, &FIELD_VALUES)?,
        exclude: match u.int_in_range(0u8..=2)? {
            0 => Vec::new(),
            1 => DEFAULT_EXCLUSIONS.iter().map(|s| s.to_string()).collect(),
            _ => vec![asset_id(u, panel)?],
        },
        // Drawing no bytes here keeps the committed corpus decoding as before.
        include: Vec::new(),
        min_history_days: u.int_in_range(0..=70)?,
        min_volume: maybe(u, |u| Ok(MinVolume { amount: pick(u, &EXTREME_PRICES)?, lookback: lookback(u)? }))?,
        filter: maybe(u, |u| {
            Ok(ExtraFilter {
                column: pick(u, &["score", "missing", " "])?.to_string(),
                op: if u.arbitrary()? { Comparison::AtLeast } else { Comparison::AtMost },
                value: pick(u, &FIELD_VALUES)?,
            })
        })?,
    };
    let weighting = weighting(u, panel)?;
    let rebalance = schedule(u)?;
    let rebalance_offset = offset(u)?;
    let bands = maybe(u, |u| {
        Ok(Bands { absolute: maybe(u, |u| pick(u, &FIELD_VALUES))?, relative: maybe(u, |u| pick(u, &FIELD_VALUES))? })
    })?;
    let costs = Costs {
        fee_bps: pick(u, &FIELD_VALUES)?,
        half_spread_bps: pick(u, &FIELD_VALUES)?,
        impact: maybe(u, |u| Ok(Impact { k: pick(u, &EXTREME_PRICES)?, lookback: lookback(u)? }))?,
    };
    let regime = maybe(u, |u| {
        Ok(Regime {
            reference: if u.arbitrary()? {
                RegimeReference::TotalMarketCap
            } else {
                RegimeReference::Asset(asset_id(u, panel)?)
            },
            sma_days: u.int_in_range(0..=70)?,
            cash_fraction: pick(u, &FIELD_VALUES)?,
        })
    })?;
    Ok(Strategy {
        version: if u.ratio(1, 16)? { pick(u, &[0, 2])? } else { 1 },
        name: "fuzz".into(),
        universe,
        weighting,
        rebalance,
        rebalance_offset,
        bands,
        costs,
        regime,
        initial_capital: pick(u, &[10_000.0, 1.0, 1e-300, 1e300, 1e12, 0.0, -1.0, f64::NAN])?,
        record_trades: u.ratio(7, 8)?,
        tranches: 1,
        band_method: engine::strategy::BandMethod::Full,
    })
}

/// Simulates 1-3 arbitrary strategies (plus, half the time, the Bitcoin
/// preset as benchmark) on an arbitrary panel, whole or a slice of its days.
pub fn engine_sim(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let _ = run(&mut u);
}

fn run(u: &mut Unstructured) -> Result<()> {
    let Some(full) = panel(u)? else { return Ok(()) };
    panel_is_valid(&full);
    let sliced;
    let panel = if u.ratio(1, 4)? {
        let from = u.choose_index(full.n_days())?;
        let to = u.int_in_range(0..=full.n_days())?;
        match full.slice_days(from, to) {
            Ok(p) => {
                panel_is_valid(&p);
                sliced = p;
                &sliced
            }
            Err(_) => return Ok(()),
        }
    } else {
        &full
    };
    let n = u.int_in_range(1..=3)?;
    let mut strategies = (0..n).map(|_| strategy(u, panel)).collect::<Result<Vec<_>>>()?;
    if u.arbitrary()? {
        strategies.push(Strategy::preset(engine::Preset::BitcoinBuyAndHold));
    }
    let runs = compare_checked(panel, &strategies);
    // The compact layout holds the same cells: the same numbers, bit for bit.
    let compact = panel.compacted();
    panel_is_valid(&compact);
    let again = compare_checked(&compact, &strategies);
    for (a, b) in runs.iter().zip(&again) {
        match (a, b) {
            (Ok(a), Ok(b)) => {
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&a.sim.equity), bits(&b.sim.equity), "equity differs with the compact layout");
                assert_eq!(a.sim.trades.len(), b.sim.trades.len(), "trades differ with the compact layout");
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
            _ => panic!("a run fails in one layout only"),
        }
    }
    Ok(())
}
