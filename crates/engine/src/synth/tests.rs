//! Tests of the synthetic market: determinism, API, and the statistical shape
//! promised in the module docs.

use super::*;
use crate::panel::AssetInfo;

/// FNV-1a over the bit patterns of prices and caps.
fn fingerprint(p: &Panel) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for v in p.prices().iter().chain(p.market_caps().iter()) {
        for b in v.to_bits().to_le_bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Daily log returns of asset `a` over days where it has a price both days.
fn log_returns(p: &Panel, a: usize) -> Vec<f64> {
    (1..p.n_days())
        .filter_map(|t| {
            let (x, y) = (p.price(t - 1, a), p.price(t, a));
            (x.is_finite() && y.is_finite()).then(|| (y / x).ln())
        })
        .collect()
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

fn std_dev(x: &[f64]) -> f64 {
    let m = mean(x);
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / x.len() as f64).sqrt()
}

fn excess_kurtosis(x: &[f64]) -> f64 {
    let m = mean(x);
    let n = x.len() as f64;
    let m2 = x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n;
    let m4 = x.iter().map(|v| (v - m).powi(4)).sum::<f64>() / n;
    m4 / (m2 * m2) - 3.0
}

fn median(mut x: Vec<f64>) -> f64 {
    x.sort_by(|a, b| a.partial_cmp(b).unwrap());
    x[x.len() / 2]
}

/// Assets listed for the whole period and not stablecoins.
fn full_risky(m: &SyntheticMarket) -> Vec<usize> {
    let n_days = m.panel.n_days();
    (0..m.panel.n_assets())
        .filter(|&a| !m.assets[a].stablecoin && m.assets[a].first == 0 && m.assets[a].last == n_days - 1)
        .collect()
}

/// Average pairwise correlation of daily log returns among the first `k` full-history risky assets.
fn avg_correlation(m: &SyntheticMarket, k: usize) -> f64 {
    let series: Vec<Vec<f64>> = full_risky(m).into_iter().take(k).map(|a| log_returns(&m.panel, a)).collect();
    let z: Vec<Vec<f64>> = series
        .iter()
        .map(|s| {
            let (mu, sd) = (mean(s), std_dev(s));
            s.iter().map(|v| (v - mu) / sd).collect()
        })
        .collect();
    let (mut sum, mut count) = (0.0, 0);
    for i in 0..z.len() {
        for j in i + 1..z.len() {
            sum += z[i].iter().zip(&z[j]).map(|(a, b)| a * b).sum::<f64>() / z[i].len() as f64;
            count += 1;
        }
    }
    sum / count as f64
}

/// Cap-weighted index of the non-stablecoin assets (chained daily, so listings
/// and delistings do not jump it).
fn market_index(m: &SyntheticMarket) -> Vec<f64> {
    let p = &m.panel;
    let mut idx = vec![1.0];
    for t in 1..p.n_days() {
        let (mut w, mut wr) = (0.0, 0.0);
        for a in 0..p.n_assets() {
            let (p0, p1, c0) = (p.price(t - 1, a), p.price(t, a), p.market_cap(t - 1, a));
            if !m.assets[a].stablecoin && p0.is_finite() && p1.is_finite() {
                w += c0;
                wr += c0 * p1 / p0;
            }
        }
        let last = *idx.last().unwrap();
        idx.push(if w > 0.0 { last * wr / w } else { last });
    }
    idx
}

/// Largest peak-to-trough fall of `x` inside `from..=to`.
fn max_drawdown(x: &[f64], from: usize, to: usize) -> f64 {
    let (mut peak, mut dd) = (f64::MIN, 0.0f64);
    for &v in &x[from..=to] {
        peak = peak.max(v);
        dd = dd.max(1.0 - v / peak);
    }
    dd
}

fn crash_drawdown(m: &SyntheticMarket) -> f64 {
    let idx = market_index(m);
    let last = idx.len() - 1;
    max_drawdown(&idx, m.crash_start.saturating_sub(1), (m.crash_end + 5).min(last))
}

fn top_share_day0(p: &Panel) -> f64 {
    let row = p.cap_row(0);
    let total: f64 = row.iter().filter(|c| c.is_finite()).sum();
    row[0] / total
}

fn with(f: impl FnOnce(&mut MarketParams)) -> MarketParams {
    let mut p = MarketParams::default();
    f(&mut p);
    p
}

/// Asserts the "Measured shape" ranges of the module docs over seeds 0-15.
#[test]
#[ignore = "slow in debug builds: cargo test -p engine --release -- --ignored --nocapture documented_shape"]
fn documented_shape_over_16_seeds() {
    let within = |name: &str, v: f64, lo: f64, hi: f64| assert!((lo..=hi).contains(&v), "{name} = {v}");
    let mut crash = Vec::new();
    for seed in 0..16 {
        let seeded = |f: &dyn Fn(&mut MarketParams)| {
            generate_market(&with(|p| {
                p.seed = seed;
                f(p)
            }))
        };
        let m = seeded(&|_| {});
        let m0 = seeded(&|p| p.crash_severity = 0.0);
        let v2 = seeded(&|p| p.volatility = 2.0);
        let kurt = median(full_risky(&m).iter().map(|&a| excess_kurtosis(&log_returns(&m.panel, a))).collect());
        let vol = median(full_risky(&m).iter().map(|&a| std_dev(&log_returns(&m.panel, a))).collect());
        let vol2 = median(full_risky(&v2).iter().map(|&a| std_dev(&log_returns(&v2.panel, a))).collect());
        let corr: Vec<f64> =
            [0.2, 0.5, 0.8].iter().map(|&r| avg_correlation(&seeded(&|p| p.correlation = r), 40)).collect();
        let late = m.assets.iter().filter(|a| a.first > 0).count();
        let gone = m.assets.iter().filter(|a| a.last + 1 < m.panel.n_days()).count();
        let volatile = m.volatile.iter().filter(|&&v| v).count() as f64 / m.volatile.len() as f64;
        let end = m.panel.cap_row(m.panel.n_days() - 1);
        let total: f64 = end.iter().filter(|c| c.is_finite()).sum();
        let (top, hit, calm) = (top_share_day0(&m.panel), crash_drawdown(&m), crash_drawdown(&m0));
        println!(
            "seed {seed}: top {top:.3} crash {hit:.3} / {calm:.3} kurtosis {kurt:.2} vol {vol:.4} x{:.3} \
             corr {corr:.3?} late {late} gone {gone} volatile {volatile:.2} end btc {:.3} stables {:.3}",
            vol2 / vol,
            end[0] / total,
            (end[2] + end[3]) / total
        );
        within("top share", top, 0.40, 0.51);
        within("crash drawdown", hit, 0.47, 0.81);
        within("drawdown without crash", calm, 0.09, 0.35);
        within("median excess kurtosis", kurt, 3.5, 7.7);
        within("median daily vol", vol, 0.049, 0.066);
        within("vol ratio at 2x", vol2 / vol, 1.98, 2.01);
        for (r, c) in [0.2, 0.5, 0.8].iter().zip(&corr) {
            within("correlation / dial", c / r, 0.76, 0.95);
        }
        within("late listings", late as f64, 17.0, 31.0);
        within("delistings", gone as f64, 5.0, 18.0);
        within("volatile days", volatile, 0.16, 0.43);
        within("btc share at end", end[0] / total, 0.27, 0.71);
        within("stablecoin share at end", (end[2] + end[3]) / total, 0.015, 0.25);
        crash.push(hit);
    }
    within("median crash drawdown", median(crash), 0.6, 0.72);
}

const SEEDS: std::ops::Range<u64> = 0..6;

#[test]
fn same_seed_same_bits_and_a_fixed_fingerprint() {
    let p = MarketParams::default();
    let a = generate(&p);
    // (Panel's PartialEq says NaN != NaN, so compare bit patterns.)
    assert_eq!(fingerprint(&a), fingerprint(&generate(&p)));
    // Any change to the model or the maths changes this constant: that is a
    // breaking change for saved sessions and lessons, so do it on purpose.
    assert_eq!(fingerprint(&a), EXPECTED_FINGERPRINT, "got {:#018x}", fingerprint(&a));
    // A second point with other dials. Both constants were reproduced by a
    // wasm32-unknown-unknown build of this crate run under node.
    let other = generate(&with(|p| (p.seed, p.n_assets, p.volatility) = (7, 500, 2.5)));
    assert_eq!(fingerprint(&other), 0x5d9a_8377_496f_e63f, "got {:#018x}", fingerprint(&other));
    let b = generate(&with(|p| p.seed = 43));
    assert_ne!(fingerprint(&a), fingerprint(&b));
    assert_ne!(a.prices()[100..200], b.prices()[100..200]);
}

const EXPECTED_FINGERPRINT: u64 = 0x65e5_24d1_3254_ce19;

#[test]
fn adding_assets_keeps_existing_paths() {
    let small = generate(&with(|p| p.n_assets = 10));
    let big = generate(&MarketParams::default());
    let bits = |row: &[f64]| row.iter().map(|v| v.to_bits()).collect::<Vec<u64>>();
    for t in [0, 1, 500, 2189] {
        assert_eq!(bits(&small.price_row(t)), bits(&big.price_row(t)[..10]), "day {t}");
        assert_eq!(bits(&small.cap_row(t)), bits(&big.cap_row(t)[..10]), "day {t}");
    }
}

#[test]
fn layout_ids_and_dates() {
    let m = generate_market(&MarketParams::default());
    let p = &m.panel;
    assert_eq!((p.n_assets(), p.n_days()), (100, 2190));
    assert_eq!(p.dates()[0].to_string(), "2018-01-01");
    assert!(p.dates().windows(2).all(|w| w[1].0 == w[0].0 + 1), "every calendar day");
    let ids: Vec<&str> = p.assets().iter().map(|a| a.id.as_str()).collect();
    assert_eq!(&ids[..4], &["btc", "eth", "usdt", "usdc"]);
    assert!(ids[4..].iter().all(|s| (3..=5).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase())));
    assert_eq!(p.asset_index("btc"), Some(0));
    // The hidden truth agrees with the panel.
    for (a, info) in p.assets().iter().enumerate() {
        assert_eq!((info.first, info.last), (m.assets[a].first, m.assets[a].last), "{}", info.id);
        assert_eq!(info.carried_forward, 0);
    }
    assert_eq!(m.volatile.len(), 2190);
    assert!(m.crash_start > 2190 * 2 / 5 - 1 && m.crash_end < 2190 * 3 / 5);
    let weeks = (m.crash_end - m.crash_start + 1) as f64 / 7.0;
    assert!((3.0..=6.0).contains(&weeks), "crash lasts {weeks} weeks");
    assert_eq!(generate(&with(|p| p.n_assets = 2)).n_assets(), 2);
    assert_eq!(generate(&with(|p| p.years = 0.1)).n_days(), 37);
}

#[test]
fn top_asset_holds_35_to_60_percent_of_day0_cap() {
    for seed in SEEDS {
        let s = top_share_day0(&generate(&with(|p| p.seed = seed)));
        assert!((0.35..=0.60).contains(&s), "seed {seed}: top share {s}");
    }
    // Long tail: the median asset is tiny compared with BTC.
    let p = generate(&MarketParams::default());
    let mut caps: Vec<f64> = p.cap_row(0).iter().copied().filter(|c| c.is_finite()).collect();
    caps.sort_by(|a, b| b.partial_cmp(a).unwrap());
    assert!(caps[caps.len() / 2] < caps[0] / 100.0);
}

#[test]
fn crash_takes_at_least_35_percent_off_the_market_and_severity_0_removes_it() {
    let mut hits = Vec::new();
    for seed in 0..8 {
        let hit = crash_drawdown(&generate_market(&with(|p| p.seed = seed)));
        let calm = crash_drawdown(&generate_market(&with(|p| {
            p.seed = seed;
            p.crash_severity = 0.0
        })));
        // The crash window is 3-6 weeks of a volatile market: without the
        // crash it still sees 10-40% drawdowns, the crash adds ~0.2 to 0.6.
        assert!(hit >= 0.35, "seed {seed}: crash drawdown {hit}");
        assert!(calm <= 0.40 && hit - calm >= 0.2, "seed {seed}: drawdown {calm} without crash vs {hit}");
        hits.push(hit);
    }
    assert!(median(hits.clone()) >= 0.55, "median crash drawdown {hits:?}");
    let dd: Vec<f64> = [0.5, 1.0, 2.0, 3.0]
        .iter()
        .map(|&sev| crash_drawdown(&generate_market(&with(|p| p.crash_severity = sev))))
        .collect();
    assert!(dd.windows(2).all(|w| w[0] < w[1]) && dd[2] >= 0.7 && dd[3] >= 0.85, "by severity: {dd:?}");
}

#[test]
fn btc_stays_dominant_and_stablecoins_stay_a_minority() {
    for seed in 0..8 {
        let p = generate(&with(|p| p.seed = seed));
        let mut btc_top_days = 0;
        for t in 0..p.n_days() {
            let row = p.cap_row(t);
            let total: f64 = row.iter().filter(|c| c.is_finite()).sum();
            let (btc, stables) = (row[0] / total, (row[2] + row[3]) / total);
            assert!((0.15..=0.85).contains(&btc), "seed {seed} day {t}: btc share {btc}");
            assert!((0.005..=0.35).contains(&stables), "seed {seed} day {t}: stablecoin share {stables}");
            if row[1..].iter().all(|&c| c.is_nan() || c <= row[0]) {
                btc_top_days += 1;
            }
        }
        assert!(btc_top_days as f64 >= 0.95 * p.n_days() as f64, "seed {seed}: btc largest on {btc_top_days} days");
    }
}

#[test]
fn returns_are_fat_tailed_with_median_excess_kurtosis_2_5_to_10() {
    for seed in SEEDS {
        let m = generate_market(&with(|p| p.seed = seed));
        let k: Vec<f64> = full_risky(&m).iter().map(|&a| excess_kurtosis(&log_returns(&m.panel, a))).collect();
        let med = median(k);
        assert!((2.5..=10.0).contains(&med), "seed {seed}: median excess kurtosis {med}");
    }
}

#[test]
fn correlation_dial_sets_average_pairwise_correlation() {
    for seed in 0..3 {
        let c: Vec<f64> = [0.0, 0.2, 0.5, 0.8, 1.0]
            .iter()
            .map(|&r| {
                avg_correlation(
                    &generate_market(&with(|p| {
                        p.seed = seed;
                        p.correlation = r
                    })),
                    40,
                )
            })
            .collect();
        assert!(c.windows(2).all(|w| w[1] > w[0] + 0.1), "seed {seed}: {c:?}");
        assert!(c[0].abs() < 0.08, "seed {seed}: {c:?}");
        for (r, got) in [0.2, 0.5, 0.8].iter().zip(&c[1..4]) {
            // Model: 0.75ρ across sectors, ρ within, ≈ 0.81ρ on average.
            assert!((0.7 * r..=0.95 * r).contains(got), "seed {seed}: ρ {r} gave {got}");
        }
    }
}

#[test]
fn volatility_dial_scales_realised_vol() {
    let med_vol = |v: f64| {
        let m = generate_market(&with(|p| p.volatility = v));
        median(full_risky(&m).iter().map(|&a| std_dev(&log_returns(&m.panel, a))).collect())
    };
    let base = med_vol(1.0);
    // BTC-like 3.6% a day up to 6-9% for small caps, plus regimes.
    assert!((0.045..=0.08).contains(&base), "median daily vol {base}");
    for v in [0.5, 2.0, 3.0] {
        let ratio = med_vol(v) / base;
        assert!((ratio / v - 1.0).abs() < 0.1, "volatility {v}: realised ratio {ratio}");
    }
    // Zero volatility leaves only the drifts: no day-to-day noise.
    let flat = generate(&with(|p| {
        p.volatility = 0.0;
        p.crash_severity = 0.0
    }));
    let r = log_returns(&flat, 0);
    assert!(std_dev(&r) < 0.01 && std_dev(&r) > 0.0, "regime drifts only: {}", std_dev(&r));
}

#[test]
fn dispersion_dial_spreads_long_run_performance() {
    let spread = |d: f64| {
        let m = generate_market(&with(|p| p.dispersion = d));
        let total: Vec<f64> = full_risky(&m).iter().map(|&a| log_returns(&m.panel, a).iter().sum()).collect();
        std_dev(&total)
    };
    let (none, one, three) = (spread(0.0), spread(1.0), spread(3.0));
    assert!(none < one && one * 1.8 < three, "spreads {none} {one} {three}");
}

#[test]
fn some_assets_list_late_and_some_delist_after_a_collapse() {
    for seed in SEEDS {
        let m = generate_market(&with(|p| p.seed = seed));
        let p = &m.panel;
        let n_days = p.n_days();
        let late: Vec<&AssetInfo> = p.assets().iter().filter(|a| a.first > 0).collect();
        let gone: Vec<&AssetInfo> = p.assets().iter().filter(|a| a.delisted(n_days)).collect();
        assert!((10..=40).contains(&late.len()), "seed {seed}: {} late listings", late.len());
        assert!((4..=25).contains(&gone.len()), "seed {seed}: {} delistings", gone.len());
        for a in gone {
            let i = p.asset_index(&a.id).unwrap();
            assert!(p.price(a.last + 1, i).is_nan() && p.market_cap(n_days - 1, i).is_nan());
            assert!(p.volume(a.last + 1, i).is_nan());
            let before = a.last.saturating_sub(100).max(a.first);
            let peak = (before..=a.last).map(|t| p.price(t, i)).fold(0.0, f64::max);
            assert!(p.price(a.last, i) < 0.15 * peak, "seed {seed}: {} did not collapse", a.id);
        }
        for a in late {
            let i = p.asset_index(&a.id).unwrap();
            assert!(p.price(a.first - 1, i).is_nan() && p.market_cap(0, i).is_nan());
        }
        for id in ["btc", "eth", "usdt", "usdc"] {
            let a = &p.assets()[p.asset_index(id).unwrap()];
            assert_eq!((a.first, a.last), (0, n_days - 1), "{id} trades throughout");
        }
    }
}

#[test]
fn stablecoins_stay_within_1_percent_of_a_dollar_with_big_caps() {
    for params in [MarketParams::default(), with(|p| (p.volatility, p.crash_severity, p.seed) = (5.0, 3.0, 9))] {
        let p = generate(&params);
        for id in ["usdt", "usdc"] {
            let a = p.asset_index(id).unwrap();
            for t in 0..p.n_days() {
                assert!((p.price(t, a) - 1.0).abs() < 0.01, "{id} day {t}: {}", p.price(t, a));
            }
            let rank = p.cap_row(0).iter().filter(|&&c| c > p.market_cap(0, a)).count() + 1;
            assert!(rank <= 12, "{id} starts at cap rank {rank}");
        }
        let r = log_returns(&p, 2);
        assert!(std_dev(&r) > 1e-4, "the peg has some noise");
    }
}

#[test]
fn caps_are_price_times_a_slowly_drifting_supply_and_volumes_follow_caps() {
    let p = generate(&MarketParams::default());
    for a in 0..p.n_assets() {
        let info = &p.assets()[a];
        for t in info.first + 1..=info.last {
            let s0 = p.market_cap(t - 1, a) / p.price(t - 1, a);
            let s1 = p.market_cap(t, a) / p.price(t, a);
            assert!((s1 / s0 - 1.0).abs() < 0.02, "{} day {t}: supply {s0} -> {s1}", info.id);
        }
        let ratios: Vec<f64> = (info.first..=info.last).map(|t| p.volume(t, a) / p.market_cap(t, a)).collect();
        assert!(ratios.iter().all(|r| r.is_finite() && *r > 0.0), "{}", info.id);
        let med = median(ratios);
        assert!((0.01..=1.5).contains(&med), "{}: volume / cap {med}", info.id);
    }
    let btc_turnover = median((0..p.n_days()).map(|t| p.volume(t, 0) / p.market_cap(t, 0)).collect());
    assert!((0.03..=0.12).contains(&btc_turnover), "btc volume / cap {btc_turnover}");
}

#[test]
fn validate_names_the_bad_dial() {
    assert_eq!(MarketParams::default().validate(), Ok(()));
    let cases: Vec<(MarketParams, &str)> = vec![
        (with(|p| p.n_assets = 1), "n_assets"),
        (with(|p| p.n_assets = 5000), "n_assets"),
        (with(|p| p.years = 0.0), "years"),
        (with(|p| p.years = 50.0), "years"),
        (with(|p| p.years = f64::NAN), "years"),
        (with(|p| (p.n_assets, p.years) = (2000, 12.0)), "n_assets × years"),
        (with(|p| p.volatility = -1.0), "volatility"),
        (with(|p| p.volatility = f64::INFINITY), "volatility"),
        (with(|p| p.crash_severity = 10.0), "crash_severity"),
        (with(|p| p.correlation = 1.5), "correlation"),
        (with(|p| p.correlation = -0.1), "correlation"),
        (with(|p| p.dispersion = 100.0), "dispersion"),
        (with(|p| p.start = Date(-1_000_000)), "start"),
    ];
    for (params, dial) in cases {
        let err = params.validate().expect_err(dial);
        assert!(err.starts_with(dial), "{err}");
        // generate() still works on the clamped parameters.
        assert_eq!(params.clamped().validate(), Ok(()), "{dial}");
    }
    let p = generate(&with(|p| {
        p.n_assets = 0;
        p.correlation = f64::NAN
    }));
    assert_eq!(p.n_assets(), 2);
    assert_eq!(with(|p| (p.n_assets, p.years) = (2000, 10.0)).validate(), Ok(()));
    assert_eq!(with(|p| (p.n_assets, p.years) = (1000, 20.0)).validate(), Ok(()));
    assert_eq!(with(|p| (p.n_assets, p.years) = (2000, 20.0)).clamped().n_days(), 3650);
}

#[test]
fn params_round_trip_through_json_and_default_missing_fields() {
    let p = with(|p| (p.seed, p.volatility) = (7, 1.5));
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(serde_json::from_str::<MarketParams>(&json).unwrap(), p);
    let partial: MarketParams = serde_json::from_str(r#"{"seed": 3, "n_assets": 20}"#).unwrap();
    assert_eq!(partial, with(|p| (p.seed, p.n_assets) = (3, 20)));
}

#[test]
fn extreme_dials_still_give_a_valid_panel() {
    for params in [
        with(|p| (p.n_assets, p.years) = (2000, 10.0)),
        with(|p| (p.volatility, p.crash_severity, p.dispersion, p.years) = (5.0, 3.0, 5.0, 20.0)),
        with(|p| (p.correlation, p.n_assets, p.years) = (1.0, 3, 0.1)),
        with(|p| (p.correlation, p.volatility, p.n_assets) = (0.0, 0.0, 4)),
    ] {
        let m = generate_market(&params);
        let p = &m.panel;
        assert_eq!(p.n_assets(), params.n_assets);
        assert_eq!(p.n_days(), params.n_days());
        for (a, info) in p.assets().iter().enumerate() {
            assert_eq!(info.carried_forward, 0, "{params:?}");
            for t in info.first..=info.last {
                let (x, c) = (p.price(t, a), p.market_cap(t, a));
                assert!(x.is_finite() && x > 0.0 && c.is_finite() && c > 0.0, "{params:?} {} day {t}", info.id);
            }
        }
    }
}

#[test]
fn sectors_and_regimes_are_visible_in_the_returns() {
    let m = generate_market(&with(|p| p.correlation = 0.8));
    let risky = full_risky(&m);
    let z: Vec<(usize, Vec<f64>)> = risky
        .iter()
        .take(50)
        .map(|&a| {
            let r = log_returns(&m.panel, a);
            let (mu, sd) = (mean(&r), std_dev(&r));
            (m.assets[a].sector, r.iter().map(|v| (v - mu) / sd).collect())
        })
        .collect();
    let (mut same, mut cross) = (Vec::new(), Vec::new());
    for i in 0..z.len() {
        for j in i + 1..z.len() {
            let c = z[i].1.iter().zip(&z[j].1).map(|(a, b)| a * b).sum::<f64>() / z[i].1.len() as f64;
            if z[i].0 == z[j].0 {
                same.push(c)
            } else {
                cross.push(c)
            }
        }
    }
    // Model: ρ = 0.8 within a sector, 0.75ρ = 0.6 across.
    let (same, cross) = (mean(&same), mean(&cross));
    assert!(same > cross + 0.1 && (0.7..0.9).contains(&same) && (0.5..0.7).contains(&cross), "{same} vs {cross}");

    // Volatile days are about 1.45 / 0.75 ≈ 1.9 times as volatile as calm ones.
    let m = generate_market(&with(|p| p.crash_severity = 0.0));
    let btc: Vec<f64> = (1..m.panel.n_days()).map(|t| (m.panel.price(t, 0) / m.panel.price(t - 1, 0)).ln()).collect();
    let pick = |volatile: bool| -> Vec<f64> {
        btc.iter().enumerate().filter(|(i, _)| m.volatile[i + 1] == volatile).map(|(_, r)| *r).collect()
    };
    let ratio = std_dev(&pick(true)) / std_dev(&pick(false));
    assert!((1.5..=2.5).contains(&ratio), "volatile / calm realised vol {ratio}");
}
