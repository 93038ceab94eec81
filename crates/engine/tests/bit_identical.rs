//! Bit-for-bit fingerprints of whole simulations, recorded from the engine
//! before its daily loop was tuned for speed: every equity, cash and
//! effective-N value, every trade, rebalance record (with its weights),
//! segment (units) and warning, and the weights at every close
//! ([`SimResult::weights_at`]), hashed over their exact `f64` bits. A
//! speed-up must leave all of them unchanged.
//!
//! The strategies cover each weighting scheme, each schedule (daily, never,
//! drift bands with each band method), fees with spread and market impact,
//! the regime rule, Top N reconstitution with listings and delistings
//! (buffer, smoothing, minimum history and volume, exclusions), tranches and
//! the run without a trade log. They run on the built-in synthetic market
//! and on a real file from the shared data directory (read there at test
//! time; the real-data part is skipped with a message when it is absent).
//!
//! Each panel is also run in the compact layout ([`Panel::compacted`]:
//! each asset's span of days only), which must give the same fingerprints.
//!
//! Equal risk contribution solves a nonlinear system to a tolerance, so its
//! runs are checked against recorded values to a relative 1e-8 instead of
//! bit for bit (the solver's own tests state its tolerance).
//!
//! To print the fingerprints of the current engine (to record new ones after
//! a deliberate change of the numbers): `BIT_IDENTICAL_PRINT=1 cargo test
//! -p engine --release --test bit_identical -- --nocapture`.

use engine::ingest::{load, IngestOptions, InputFile};
use engine::strategy::{BandMethod, Bands, Costs, Impact, MinVolume, Regime, RegimeReference, Universe};
use engine::synth::{generate, MarketParams};
use engine::{simulate, Panel, Preset, Schedule, SimResult, Strategy, Weighting};
use std::path::PathBuf;

/// FNV-1a over 64-bit words.
struct Hash(u64);

impl Hash {
    fn new() -> Hash {
        Hash(0xcbf2_9ce4_8422_2325)
    }
    fn u64(&mut self, v: u64) {
        for b in v.to_le_bytes() {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn f(&mut self, v: f64) {
        self.u64(v.to_bits());
    }
    fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        for b in s.bytes() {
            self.u64(u64::from(b));
        }
    }
}

/// The fingerprint of everything a run produced, including the weights at
/// every close.
fn fingerprint(panel: &Panel, r: &SimResult) -> u64 {
    let mut h = Hash::new();
    for t in 0..r.equity.len() {
        h.f(r.equity[t]);
        h.f(r.cash[t]);
        h.u64(r.n_holdings[t] as u64);
        h.f(r.effective_n[t]);
        h.u64(u64::from(r.risk_off[t]));
        for (a, w) in r.weights_at(panel, t) {
            h.u64(a as u64);
            h.f(w);
        }
    }
    h.u64(r.trades.len() as u64);
    for tr in &r.trades {
        h.u64(tr.day as u64);
        h.u64(tr.date.0 as u64);
        h.u64(tr.asset as u64);
        h.str(tr.side.as_str());
        h.f(tr.units);
        h.f(tr.price);
        h.f(tr.value);
        h.f(tr.fee);
        h.str(tr.reason.as_str());
    }
    h.u64(r.rebalances.len() as u64);
    for rb in &r.rebalances {
        h.u64(rb.day as u64);
        h.u64(rb.date.0 as u64);
        h.str(rb.reason.as_str());
        h.f(rb.value_before);
        h.f(rb.turnover);
        h.f(rb.fee);
        h.u64(rb.holdings.len() as u64);
        for &(a, w) in &rb.holdings {
            h.u64(a as u64);
            h.f(w);
        }
    }
    h.u64(r.segments.len() as u64);
    for s in &r.segments {
        h.u64(s.start as u64);
        h.f(s.cash);
        for &(a, u) in &s.units {
            h.u64(a as u64);
            h.f(u);
        }
    }
    for w in &r.warnings {
        h.str(w);
    }
    h.f(r.total_fees);
    h.f(r.initial_capital);
    h.0
}

fn base(weighting: Weighting, rebalance: Schedule) -> Strategy {
    Strategy { weighting, rebalance, ..Strategy::default() }
}

fn top(n: usize) -> Universe {
    Universe { top_n: Some(n), ..Universe::default() }
}

fn costs_full() -> Costs {
    Costs { fee_bps: 10.0, half_spread_bps: 15.0, impact: Some(Impact { k: 0.5, lookback: 20 }) }
}

/// The strategies checked bit for bit, by name. `btc` is the id of bitcoin
/// in the panel (for the regime rule's reference asset).
fn strategies(btc: &str) -> Vec<(&'static str, Strategy)> {
    use Schedule::*;
    let mut v: Vec<(&'static str, Strategy)> = vec![
        ("preset_top100_cap_weekly", Strategy::preset(Preset::Top100CapWeekly)),
        ("preset_top100_equal_weekly", Strategy::preset(Preset::Top100EqualWeekly)),
        ("preset_top10_equal_monthly", Strategy::preset(Preset::Top10EqualMonthly)),
        ("preset_top30_sqrt_monthly_quarterly", Strategy::preset(Preset::Top30SqrtMonthlyQuarterly)),
        ("preset_top20_capped_quarterly", Strategy::preset(Preset::Top20Capped30Quarterly)),
        ("preset_btc_buy_and_hold", Strategy::preset(Preset::BitcoinBuyAndHold)),
        ("equal_daily", base(Weighting::Equal, Daily)),
        ("equal_monthly_no_log", Strategy { record_trades: false, ..base(Weighting::Equal, Monthly) }),
        ("equal_never", base(Weighting::Equal, Never)),
        ("equal_every_10_days_offset_3", Strategy { rebalance_offset: 3, ..base(Weighting::Equal, EveryNDays(10)) }),
        ("cap_weekly", base(Weighting::MarketCap, Weekly)),
        ("capped_daily", base(Weighting::CappedMarketCap { max_weight: 0.1 }, Daily)),
        (
            "capped_monthly_top20",
            Strategy { universe: top(20), ..base(Weighting::CappedMarketCap { max_weight: 0.2 }, Monthly) },
        ),
        (
            "sqrt_smoothed_top30_yearly",
            Strategy {
                universe: Universe { rank_half_life_days: Some(30.0), ..top(30) },
                ..base(Weighting::SqrtMarketCap, Yearly)
            },
        ),
        ("inverse_vol_monthly", base(Weighting::InverseVolatility { lookback: 60 }, Monthly)),
        (
            "inverse_vol_daily_top15",
            Strategy { universe: top(15), ..base(Weighting::InverseVolatility { lookback: 30 }, Daily) },
        ),
        ("volume_weekly", base(Weighting::VolumeWeighted { lookback: 30 }, Weekly)),
        (
            "custom_quarterly",
            base(
                Weighting::Custom {
                    weights: vec![("bitcoin|btc".into(), 3.0), ("ethereum|eth".into(), 2.0), ("nope".into(), 1.0)],
                },
                Quarterly,
            ),
        ),
        (
            "bands_full_never_top25",
            Strategy {
                universe: top(25),
                bands: Some(Bands { absolute: Some(0.02), relative: None }),
                ..base(Weighting::Equal, Never)
            },
        ),
        (
            "bands_edge_monthly_cap",
            Strategy {
                universe: top(30),
                bands: Some(Bands { absolute: Some(0.03), relative: Some(0.25) }),
                band_method: BandMethod::Edge,
                costs: costs_full(),
                ..base(Weighting::MarketCap, Monthly)
            },
        ),
        (
            "bands_partial_quarterly_equal",
            Strategy {
                universe: top(40),
                bands: Some(Bands { absolute: None, relative: Some(0.3) }),
                band_method: BandMethod::Partial { fraction: 0.5 },
                ..base(Weighting::Equal, Quarterly)
            },
        ),
        (
            "costs_impact_weekly_top50",
            Strategy { universe: top(50), costs: costs_full(), ..base(Weighting::MarketCap, Weekly) },
        ),
        ("costs_impact_daily_equal", Strategy { costs: costs_full(), ..base(Weighting::Equal, Daily) }),
        (
            "regime_total_cap_weekly",
            Strategy {
                universe: top(20),
                regime: Some(Regime { reference: RegimeReference::TotalMarketCap, sma_days: 50, cash_fraction: 0.6 }),
                ..base(Weighting::MarketCap, Weekly)
            },
        ),
        (
            "regime_asset_monthly_impact",
            Strategy {
                universe: top(10),
                regime: Some(Regime {
                    reference: RegimeReference::Asset(btc.into()),
                    sma_days: 100,
                    cash_fraction: 1.0,
                }),
                costs: costs_full(),
                ..base(Weighting::Equal, Monthly)
            },
        ),
        (
            "recon_top10_buffer_weekly_monthly",
            Strategy {
                universe: Universe {
                    reconstitution: Some(Monthly),
                    buffer: 0.5,
                    min_history_days: 30,
                    min_volume: Some(MinVolume { amount: 1e6, lookback: 14 }),
                    ..top(10)
                },
                ..base(Weighting::Equal, Weekly)
            },
        ),
        (
            "recon_top50_daily_recon_weekly",
            Strategy {
                universe: Universe {
                    reconstitution: Some(Weekly),
                    rank_half_life_days: Some(7.0),
                    exclude: vec![],
                    ..top(50)
                },
                ..base(Weighting::MarketCap, Daily)
            },
        ),
        (
            "recon_top5_daily_no_exclusions",
            Strategy { universe: Universe { exclude: vec![], ..top(5) }, ..base(Weighting::Equal, Daily) },
        ),
        (
            "tranches_4_monthly_top20",
            Strategy { tranches: 4, universe: top(20), ..base(Weighting::MarketCap, Monthly) },
        ),
    ];
    v.sort_by_key(|(n, _)| *n);
    v
}

/// The equal-risk-contribution strategies, checked to a relative 1e-8;
/// `small` adds daily ERC over every asset (too slow on a wide panel).
fn erc_strategies(small: bool) -> Vec<(&'static str, Strategy)> {
    let mut v = vec![
        (
            "erc_monthly_top60",
            Strategy {
                universe: top(60),
                ..base(Weighting::EqualRiskContribution { lookback: 60 }, Schedule::Monthly)
            },
        ),
        (
            "erc_weekly_top20",
            Strategy { universe: top(20), ..base(Weighting::EqualRiskContribution { lookback: 90 }, Schedule::Weekly) },
        ),
        (
            "erc_daily_top30_short_window",
            Strategy { universe: top(30), ..base(Weighting::EqualRiskContribution { lookback: 20 }, Schedule::Daily) },
        ),
    ];
    if small {
        v.push(("erc_daily_all", base(Weighting::EqualRiskContribution { lookback: 60 }, Schedule::Daily)));
    }
    v
}

fn printing() -> bool {
    std::env::var_os("BIT_IDENTICAL_PRINT").is_some()
}

/// Runs every strategy on `panel` and compares with `expected` (name, hash).
fn check(panel: &Panel, btc: &str, expected: &[(&str, u64)]) {
    let mut got = Vec::new();
    for (name, s) in strategies(btc) {
        let r = simulate(panel, &s).unwrap_or_else(|e| panic!("{name}: {e}"));
        got.push((name, fingerprint(panel, &r)));
    }
    if printing() {
        for (n, fp) in &got {
            println!("    (\"{n}\", 0x{fp:016x}),");
        }
        return;
    }
    let mismatched: Vec<&str> =
        got.iter().zip(expected).filter(|(g, e)| g.0 != e.0 || g.1 != e.1).map(|(g, _)| g.0).collect();
    assert_eq!(got.len(), expected.len(), "strategy list changed");
    assert!(mismatched.is_empty(), "results changed for {mismatched:?}");
}

/// ERC: final equity and total fees within a relative 1e-8 of the recorded values.
fn check_erc(panel: &Panel, expected: &[(&str, f64, f64)]) {
    let runs = erc_strategies(panel.n_assets() <= 100);
    assert!(printing() || runs.len() == expected.len(), "strategy list changed");
    for (k, (name, s)) in runs.iter().enumerate() {
        let r = simulate(panel, s).unwrap();
        let (last, total) = (*r.equity.last().unwrap(), r.total_fees);
        if printing() {
            println!("    (\"{name}\", {last:e}, {total:e}),");
            continue;
        }
        let (en, eq, fees) = expected[k];
        assert_eq!(*name, en);
        assert!(((last - eq) / eq).abs() < 1e-8, "{name}: final equity {last} vs {eq}");
        assert!(((total - fees) / fees).abs() < 1e-8, "{name}: total fees {total} vs {fees}");
    }
}

/// Recorded from the engine before the speed work (`BIT_IDENTICAL_PRINT=1`).
const SYNTH: &[(&str, u64)] = &[
    ("bands_edge_monthly_cap", 0x7d00212899dbd494),
    ("bands_full_never_top25", 0x3f6ea57da208705d),
    ("bands_partial_quarterly_equal", 0xe7a19e5f56f500aa),
    ("cap_weekly", 0xac2db581b9298ecc),
    ("capped_daily", 0x15312cbd7b1cb28e),
    ("capped_monthly_top20", 0xc9b0ce98a67072d9),
    ("costs_impact_daily_equal", 0x9cd657654c939ae0),
    ("costs_impact_weekly_top50", 0x8ea0b9ceb6956193),
    ("custom_quarterly", 0x9c28bc6279b22cd0),
    ("equal_daily", 0x7739df92cc603479),
    ("equal_every_10_days_offset_3", 0xb3d5cf8fcb9e4544),
    ("equal_monthly_no_log", 0x950fb28d7c98ba4b),
    ("equal_never", 0x8387e3fc2d94ca20),
    ("inverse_vol_daily_top15", 0x1295199741a2a225),
    ("inverse_vol_monthly", 0x51a38ad33ec28adf),
    ("preset_btc_buy_and_hold", 0xf08f7df706f0f3c5),
    ("preset_top100_cap_weekly", 0xbef9720f4aec43a8),
    ("preset_top100_equal_weekly", 0x224468454c15779d),
    ("preset_top10_equal_monthly", 0xe249272f6f859dd7),
    ("preset_top20_capped_quarterly", 0x9bfae105e137cfd1),
    ("preset_top30_sqrt_monthly_quarterly", 0xd0eab4db0cc0d458),
    ("recon_top10_buffer_weekly_monthly", 0xe5ef415cd4d1a785),
    ("recon_top50_daily_recon_weekly", 0x40ade58a5ccfc05e),
    ("recon_top5_daily_no_exclusions", 0xaffa66b627c6f461),
    ("regime_asset_monthly_impact", 0x4d3a460e6c7168a5),
    ("regime_total_cap_weekly", 0x0b7fb7386cddb8d1),
    ("sqrt_smoothed_top30_yearly", 0x2673cde09ca27307),
    ("tranches_4_monthly_top20", 0xf05fb7cea193f444),
    ("volume_weekly", 0xf0dcfb3164c90f2e),
];
const SYNTH_ERC: &[(&str, f64, f64)] = &[
    ("erc_monthly_top60", 4.72869717781294e0, 3.139191015975604e-2),
    ("erc_weekly_top20", 3.821337141174885e0, 6.013678539626355e-2),
    ("erc_daily_top30_short_window", 3.4583083711106815e0, 2.7817034057398854e-1),
    ("erc_daily_all", 2.767026501977688e0, 1.144357795616608e-1),
];
const REAL: &[(&str, u64)] = &[
    ("bands_edge_monthly_cap", 0x599799af2b588321),
    ("bands_full_never_top25", 0xe2362056ab9efb00),
    ("bands_partial_quarterly_equal", 0x00f6933f53432ff5),
    ("cap_weekly", 0xfdfdc269f1ed7e7e),
    ("capped_daily", 0x57630b048f4dbcc0),
    ("capped_monthly_top20", 0xba3ec7ce9c24182f),
    ("costs_impact_daily_equal", 0xeaf8cef744bd7397),
    ("costs_impact_weekly_top50", 0xa29318884f563432),
    ("custom_quarterly", 0xe2f9aed769776431),
    ("equal_daily", 0x038e4bb71900a172),
    ("equal_every_10_days_offset_3", 0xcf44342da19870f2),
    ("equal_monthly_no_log", 0x253ce091fc64140d),
    ("equal_never", 0xa7dd4ffa5e04f46f),
    ("inverse_vol_daily_top15", 0x0b82d501f236aaa7),
    ("inverse_vol_monthly", 0x7d4b844b01f7ba05),
    ("preset_btc_buy_and_hold", 0x81c2e67005c1c6b2),
    ("preset_top100_cap_weekly", 0xcb798ca6890811de),
    ("preset_top100_equal_weekly", 0xc5378a1445ece3a2),
    ("preset_top10_equal_monthly", 0xdbe3a787c1aade47),
    ("preset_top20_capped_quarterly", 0x705449300fbd61ec),
    ("preset_top30_sqrt_monthly_quarterly", 0xe16900403fd6bac9),
    ("recon_top10_buffer_weekly_monthly", 0x026b972ae10d4a92),
    ("recon_top50_daily_recon_weekly", 0xcac8fcf914423fd1),
    ("recon_top5_daily_no_exclusions", 0x47270a899dc22d6a),
    ("regime_asset_monthly_impact", 0x91c7e755e48a079e),
    ("regime_total_cap_weekly", 0x855e9f9daee3414e),
    ("sqrt_smoothed_top30_yearly", 0x01d3b5ba1e0b2515),
    ("tranches_4_monthly_top20", 0xfbf7e346caad1162),
    ("volume_weekly", 0x1e938ba26bac99c7),
];
const REAL_ERC: &[(&str, f64, f64)] = &[
    ("erc_monthly_top60", 1.9925334665267127e2, 1.31776949971369e0),
    ("erc_weekly_top20", 1.5474169086205322e2, 1.91658861789035e0),
    ("erc_daily_top30_short_window", 8.906517028110946e1, 4.961455697147898e0),
];

#[test]
fn synthetic_market_runs_are_bit_identical() {
    let panel = generate(&MarketParams::default());
    let delisted = panel.assets().iter().filter(|a| a.delisted(panel.n_days())).count();
    let listed_late = panel.assets().iter().filter(|a| a.first > 0).count();
    assert!(delisted > 0 && listed_late > 0, "the market has listings and delistings");
    check(&panel, "btc", SYNTH);
    check_erc(&panel, SYNTH_ERC);
    let compact = panel.compacted();
    assert!(compact.stored_cells() < panel.stored_cells(), "listings and delistings leave cells out");
    check(&compact, "btc", SYNTH);
    check_erc(&compact, SYNTH_ERC);
}

fn real_file() -> Option<PathBuf> {
    let dir = match std::env::var_os("INDEXLAB_DATA") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    };
    let path = dir.join("coingecko-top150-2017-2021.csv.gz");
    path.is_file().then_some(path)
}

#[test]
fn real_file_runs_are_bit_identical() {
    let Some(path) = real_file() else {
        eprintln!("skipped: coingecko-top150-2017-2021.csv.gz not found (set INDEXLAB_DATA)");
        return;
    };
    let gz = std::fs::read(&path).unwrap();
    let l = load(&[InputFile::new("coingecko-top150-2017-2021.csv.gz", &gz)], &IngestOptions::default()).unwrap();
    let panel = &l.panel;
    let delisted = panel.assets().iter().filter(|a| a.delisted(panel.n_days())).count();
    assert!(delisted > 0, "the file has delistings");
    check(panel, "bitcoin", REAL);
    check_erc(panel, REAL_ERC);
    let compact = panel.compacted();
    assert!(compact.stored_cells() < panel.stored_cells(), "coins list after the first day");
    check(&compact, "bitcoin", REAL);
    check_erc(&compact, REAL_ERC);
}
