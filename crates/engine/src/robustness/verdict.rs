//! The verdict on a pair: the numbers of the four analyses that answer
//! "which one is better, and how sure is that?", and a plain-English
//! sentence made only from them.
//!
//! The *leader* is the strategy with the higher CAGR on the whole data (A
//! on a tie); every number is stated from its side (its lead, its share of
//! windows won). The leader is said to have beaten the other when the 95%
//! bootstrap interval of the CAGR difference excludes 0; otherwise the
//! sentence says the data cannot tell them apart. Each number in
//! [`Verdict::sentence`] is a field of the struct, printed with the stated
//! rounding (pp and % to 1 and 0 decimals, Sharpe to 2, p to 3).

use super::bootstrap::{BootstrapResult, Interval};
use super::start_dates::{StartDates, WindowLength};
use super::timing::TimingLuck;
use super::RegimeReport;
use crate::analysis::Regime;
use serde::{Deserialize, Serialize};

/// See the module docs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub a: usize,
    pub b: usize,
    /// Whether A is the leader (higher CAGR on the whole data; A on a tie).
    pub leader_is_a: bool,
    pub leader: String,
    pub trailer: String,
    /// CAGRs on the whole data, percent.
    pub leader_cagr_pct: f64,
    pub trailer_cagr_pct: f64,
    /// Leader's CAGR minus the other's, percentage points (≥ 0).
    pub lead_pp: f64,
    /// Bootstrap percentile intervals of that difference, pp.
    pub ci95_pp: Interval,
    pub ci90_pp: Interval,
    /// Whether the 95% interval excludes 0.
    pub told_apart: bool,
    /// Percent of bootstrap resamples the leader won (by CAGR).
    pub resamples_won_pct: f64,
    pub block_length: f64,
    /// Annualised Sharpe ratios and the Jobson-Korkie-Memmel test.
    pub leader_sharpe: Option<f64>,
    pub trailer_sharpe: Option<f64>,
    pub sharpe_z: Option<f64>,
    pub sharpe_p: Option<f64>,
    /// Start-date windows: their length, how many, percent the leader won.
    pub window: Option<WindowLength>,
    pub windows: usize,
    pub windows_won_pct: Option<f64>,
    /// Pairings (leader's offset, other's offset) compared, and percent the leader won.
    pub offset_pairings: usize,
    pub offsets_won_pct: Option<f64>,
    /// The regime that brought at least half of the leader's lead (sum of
    /// daily return differences), and its percent of the lead.
    pub lead_regime: Option<Regime>,
    pub lead_regime_pct: Option<f64>,
    /// The pair's strategies that held no asset on the data (they stayed in
    /// cash), by name; set by [`crate::robustness::assemble`].
    #[serde(default)]
    pub cash_only: Vec<String>,
    pub sentence: String,
}

fn regime_word(r: Regime) -> &'static str {
    match r {
        Regime::Calm => "calm",
        Regime::Middle => "middle",
        Regime::Volatile => "volatile",
    }
}

impl Verdict {
    /// The verdict on `pair` from the analyses; `None` without a bootstrap
    /// (its interval is the verdict's backbone) or with a CAGR undefined.
    pub fn build(
        names: &[String],
        pair: (usize, usize),
        bootstrap: Option<&BootstrapResult>,
        timing: Option<&[TimingLuck]>,
        start_dates: Option<&StartDates>,
        regimes: Option<&RegimeReport>,
    ) -> Option<Verdict> {
        let (a, b) = pair;
        let boot = bootstrap?;
        let diff = boot.point.cagr?;
        let ci95 = boot.ci95.cagr?;
        let ci90 = boot.ci90.cagr?;
        let leader_is_a = diff >= 0.0;
        let s = if leader_is_a { 1.0 } else { -1.0 };
        let pp = |x: f64| x * 100.0;
        let orient = |i: Interval| {
            if leader_is_a {
                Interval { lo: pp(i.lo), hi: pp(i.hi) }
            } else {
                Interval { lo: pp(-i.hi), hi: pp(-i.lo) }
            }
        };
        let (leader, trailer) = if leader_is_a { (a, b) } else { (b, a) };
        let name = |i: usize| names.get(i).cloned().unwrap_or_else(|| format!("strategy {}", i + 1));
        let cagr_of =
            |i: usize| timing.and_then(|t| t.get(i)).and_then(|t| t.used()).and_then(|r| r.headline.cagr).map(pp);
        let (sa, sb) = (boot.sharpe_test.map(|t| t.sharpe_a), boot.sharpe_test.map(|t| t.sharpe_b));

        let pw = start_dates.and_then(|sd| sd.pair.as_ref());
        let windows = pw.map_or(0, |p| p.windows);
        let windows_won_pct = pw.filter(|p| p.windows > 0).map(|p| {
            let won = p.diff.iter().flatten().filter(|d| s * **d > 0.0).count();
            100.0 * won as f64 / p.windows as f64
        });

        let (mut pairings, mut won) = (0usize, 0usize);
        if let Some(t) = timing {
            if let (Some(tl), Some(tt)) = (t.get(leader), t.get(trailer)) {
                for x in tl.runs.iter().filter_map(|r| r.headline.cagr) {
                    for y in tt.runs.iter().filter_map(|r| r.headline.cagr) {
                        pairings += 1;
                        won += usize::from(x > y);
                    }
                }
            }
        }
        let offsets_won_pct = (pairings > 0).then(|| 100.0 * won as f64 / pairings as f64);

        let (mut lead_regime, mut lead_regime_pct) = (None, None);
        if let Some(pr) = regimes.and_then(|r| r.pair.as_ref()) {
            let total = s * pr.lead;
            if total > 0.0 {
                if let Some(&(r, c)) = pr.by_regime.iter().max_by(|x, y| (s * x.1).total_cmp(&(s * y.1))) {
                    let share = s * c / total;
                    if share >= 0.5 {
                        lead_regime = Some(r);
                        lead_regime_pct = Some(100.0 * share);
                    }
                }
            }
        }

        let mut v = Verdict {
            a,
            b,
            leader_is_a,
            leader: name(leader),
            trailer: name(trailer),
            leader_cagr_pct: cagr_of(leader).unwrap_or(f64::NAN),
            trailer_cagr_pct: cagr_of(trailer).unwrap_or(f64::NAN),
            lead_pp: pp(s * diff),
            ci95_pp: orient(ci95),
            ci90_pp: orient(ci90),
            told_apart: !ci95.spans_zero(),
            resamples_won_pct: 100.0 * if leader_is_a { boot.a_wins_share } else { 1.0 - boot.a_wins_share },
            block_length: boot.block_length,
            leader_sharpe: if leader_is_a { sa } else { sb },
            trailer_sharpe: if leader_is_a { sb } else { sa },
            sharpe_z: boot.sharpe_test.map(|t| s * t.z),
            sharpe_p: boot.sharpe_test.map(|t| t.p_value),
            window: start_dates.map(|sd| sd.window),
            windows,
            windows_won_pct,
            offset_pairings: pairings,
            offsets_won_pct,
            lead_regime,
            lead_regime_pct,
            cash_only: Vec::new(),
            sentence: String::new(),
        };
        v.sentence = v.write();
        Some(v)
    }

    /// The sentence, from the fields only.
    pub fn write(&self) -> String {
        let (l, t) = (&self.leader, &self.trailer);
        let mut out = if self.told_apart {
            format!(
                "On this data {l} beat {t} by {:.1} pp CAGR (95% interval {:.1} to {:.1} pp)",
                self.lead_pp, self.ci95_pp.lo, self.ci95_pp.hi
            )
        } else {
            format!(
                "On this data the figures cannot tell {l} and {t} apart: {l} was ahead by {:.1} pp CAGR, \
                 but the 95% interval runs from {:.1} to {:.1} pp",
                self.lead_pp, self.ci95_pp.lo, self.ci95_pp.hi
            )
        };
        let who = if self.told_apart { "it".to_string() } else { l.clone() };
        let mut said_won = false;
        if let (Some(w), Some(len)) = (self.windows_won_pct, self.window) {
            out.push_str(&format!("; {who} won in {w:.0}% of {} windows", len.label()));
            said_won = true;
        }
        if let Some(o) = self.offsets_won_pct {
            let what = if o >= 100.0 {
                "at every rebalance day".to_string()
            } else if o <= 0.0 {
                "at no pairing of rebalance days".to_string()
            } else {
                format!("in {o:.0}% of pairings of rebalance days")
            };
            if said_won {
                out.push_str(&format!(" and {what}"));
            } else {
                out.push_str(&format!("; {who} won {what}"));
            }
        }
        if let (true, Some(r), Some(pct)) = (self.told_apart, self.lead_regime, self.lead_regime_pct) {
            out.push_str(&format!(
                "; its lead came mostly from the {} third of days ({pct:.0}% of it)",
                regime_word(r)
            ));
        }
        out.push('.');
        if let (Some(sl), Some(st), Some(p)) = (self.leader_sharpe, self.trailer_sharpe, self.sharpe_p) {
            out.push_str(&format!(
                " Sharpe ratio {sl:.2} against {st:.2}: the Jobson-Korkie test (Memmel's correction) gives p = {p:.3}."
            ));
        }
        for name in &self.cash_only {
            out.push_str(&format!(
                " Note: {name} held no asset on this data (its rules matched no coin), so it stayed in cash: \
                 this compares against cash."
            ));
        }
        out
    }
}
