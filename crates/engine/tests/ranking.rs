//! Top-N membership against a plain reference: every candidate ranked by a
//! full sort, incumbents kept inside the buffer, newcomers by rank. The
//! simulator sorts only the part of the ranking it reads; this checks that
//! the members are the same on every reconstitution day.

use engine::exclusions::resolve;
use engine::strategy::Universe;
use engine::synth::{generate, MarketParams};
use engine::{simulate, Panel, Schedule, Strategy, Weighting};
use std::collections::BTreeSet;

/// Members of each reconstitution day by the reference rule (rank on the
/// day's cap, ties by asset id; the default exclusions apply).
fn reference(panel: &Panel, s: &Strategy, days: &[usize]) -> Vec<BTreeSet<usize>> {
    let n = s.universe.top_n.unwrap();
    let limit = ((n as f64) * (1.0 + s.universe.buffer)).floor() as usize;
    // Exclusions (ids and group tokens) are resolved by the engine: this test is about ranking.
    let excluded: Vec<bool> =
        resolve(panel, &s.universe.exclude, &s.universe.include).iter().map(Option::is_some).collect();
    let mut members: BTreeSet<usize> = BTreeSet::new();
    let mut out = Vec::new();
    for &t in days {
        let mut ranked: Vec<usize> = (0..panel.n_assets())
            .filter(|&a| {
                let info = &panel.assets()[a];
                let delisting_day = info.delisted(panel.n_days()) && info.last == t;
                let cap = panel.market_cap(t, a);
                panel.price(t, a).is_finite() && !delisting_day && !excluded[a] && cap.is_finite() && cap > 0.0
            })
            .collect();
        ranked.sort_by(|&x, &y| {
            panel
                .market_cap(t, y)
                .total_cmp(&panel.market_cap(t, x))
                .then(panel.assets()[x].id.cmp(&panel.assets()[y].id))
        });
        let kept: Vec<usize> = ranked.iter().take(limit).copied().filter(|a| members.contains(a)).take(n).collect();
        let room = n - kept.len();
        let new: Vec<usize> = ranked.iter().copied().filter(|a| !members.contains(a)).take(room).collect();
        members = kept.into_iter().chain(new).collect();
        out.push(members.clone());
    }
    out
}

#[test]
fn top_n_members_match_a_full_sort() {
    let panel = generate(&MarketParams { n_assets: 80, years: 3.0, seed: 5, ..MarketParams::default() });
    for top_n in [1, 3, 10, 39, 41, 79, 200] {
        for buffer in [0.0, 0.25, 1.0, 3.0] {
            let s = Strategy {
                universe: Universe { top_n: Some(top_n), buffer, ..Universe::default() },
                weighting: Weighting::Equal,
                rebalance: Schedule::Weekly,
                record_trades: false,
                ..Strategy::default()
            };
            let r = simulate(&panel, &s).unwrap();
            let days: Vec<usize> = r.rebalances.iter().map(|rb| rb.day).collect();
            let expected = reference(&panel, &s, &days);
            let mut churn = 0;
            for (k, (rb, want)) in r.rebalances.iter().zip(&expected).enumerate() {
                let got: BTreeSet<usize> = rb.holdings.iter().map(|h| h.0).collect();
                assert_eq!(&got, want, "top {top_n}, buffer {buffer}, rebalance {k} (day {})", rb.day);
                if k > 0 && got != expected[k - 1] {
                    churn += 1;
                }
            }
            if (3..60).contains(&top_n) && buffer <= 1.0 {
                assert!(
                    churn > 0,
                    "top {top_n}, buffer {buffer}: the membership never changed; the test shows nothing"
                );
            }
        }
    }
}
