//! The checks of the assembled data: jumps and spikes in prices, sampling
//! frequency and long gaps, overlapping spans, and the warnings of the report.

use super::table::FileData;
use super::{limits, AssetReport, Frequency, Gap, IngestOptions, Spike};
use crate::date::Date;

/// One line naming the assets the detection flagged (at most 10 by name).
pub(super) fn pegged_warning(pegged: &[crate::pegged::Pegged]) -> Option<String> {
    if pegged.is_empty() {
        return None;
    }
    let names: Vec<&str> = pegged.iter().take(10).map(|p| p.id.as_str()).collect();
    let more = if pegged.len() > 10 { format!(" and {} more", pegged.len() - 10) } else { String::new() };
    Some(format!(
        "{} asset(s) look pegged to a currency or copy another asset (stablecoins, wrapped or staked tokens): {}{more}; \
         excluded from universes by default (see the report for the evidence)",
        pegged.len(),
        names.join(", ")
    ))
}

/// Whether some day lies inside the first..last spans of two or more assets.
pub(super) fn spans_overlap(obs_of: &[Vec<u32>], n_days: usize) -> bool {
    let mut delta = vec![0i64; n_days + 1];
    for obs in obs_of {
        let (Some(&lo), Some(&hi)) = (obs.iter().min(), obs.iter().max()) else { continue };
        delta[lo as usize] += 1;
        delta[hi as usize + 1] -= 1;
    }
    let mut live = 0;
    delta.iter().any(|&d| {
        live += d;
        live >= 2
    })
}

/// Positions in `obs` (an asset's observed days in order, `p` giving the
/// price of one) on the far side of a move by more than [`limits::MAX_JUMP`]
/// that does not revert, each with the trusted price it is compared with.
///
/// Jumps split the series into stretches; the longest is trusted. Walking
/// away from it, a stretch whose first price (last, walking back) is within
/// the factor of the last trusted price is trusted too; a single price between
/// two trusted ones is a spike, left to [`SpikeDetector`]; anything else is dropped.
pub(super) fn far_side_of_jumps(obs: &[u32], p: impl Fn(u32) -> f64) -> Vec<(usize, f64)> {
    let far = |a: f64, b: f64| a > b * limits::MAX_JUMP || b > a * limits::MAX_JUMP;
    let mut starts = vec![0];
    for k in 1..obs.len() {
        if far(p(obs[k - 1]), p(obs[k])) {
            starts.push(k);
        }
    }
    if starts.len() == 1 {
        return Vec::new();
    }
    let segs: Vec<(usize, usize)> =
        starts.iter().enumerate().map(|(s, &a)| (a, starts.get(s + 1).copied().unwrap_or(obs.len()))).collect();
    let first_longest = |best: usize, s: usize| {
        let len = |s: usize| segs[s].1 - segs[s].0;
        if len(s) > len(best) {
            s
        } else {
            best
        }
    };
    let trusted = (0..segs.len()).fold(0, first_longest);
    let price_at = |k: usize| p(obs[k]);
    let mut dropped = Vec::new();
    let mut anchor = price_at(segs[trusted].1 - 1);
    for s in trusted + 1..segs.len() {
        let (a, b) = segs[s];
        if !far(anchor, price_at(a)) {
            anchor = price_at(b - 1);
        } else if b - a == 1 && segs.get(s + 1).is_some_and(|&(next, _)| !far(anchor, price_at(next))) {
            // A one-day spike that reverts.
        } else {
            dropped.extend((a..b).map(|k| (k, anchor)));
        }
    }
    let mut anchor = price_at(segs[trusted].0);
    for s in (0..trusted).rev() {
        let (a, b) = segs[s];
        if !far(anchor, price_at(b - 1)) {
            anchor = price_at(a);
        } else if b - a == 1 && s > 0 && !far(anchor, price_at(segs[s - 1].1 - 1)) {
            // A one-day spike that reverts.
        } else {
            dropped.extend((a..b).map(|k| (k, anchor)));
        }
    }
    dropped.sort_unstable_by_key(|&(k, _)| k);
    dropped
}

/// Flags (and with `repair_spikes`, repairs) one-day spikes, fed each asset's
/// observed days in date order: keeps the last two observations per asset.
pub(super) struct SpikeDetector {
    factor: f64,
    repair: bool,
    /// Per asset: day, cell index and price of the two previous observations.
    prev: Vec<[(usize, usize, f64); 2]>,
    count: Vec<u8>,
}

impl SpikeDetector {
    pub(super) fn new(n_assets: usize, opts: &IngestOptions) -> SpikeDetector {
        let f = opts.spike_factor;
        SpikeDetector {
            factor: if f.is_finite() && f > 1.0 { f } else { 20.0 },
            repair: opts.repair_spikes,
            prev: vec![[(0, 0, f64::NAN); 2]; n_assets],
            count: vec![0; n_assets],
        }
    }

    /// Feeds the observation at cell `i` of asset `g`; returns a
    /// spike found on the asset's previous observed day.
    pub(super) fn observe(
        &mut self,
        g: usize,
        t: usize,
        i: usize,
        dates: &[Date],
        price: &mut [f64],
        cap: &mut [f64],
    ) -> Option<Spike> {
        let [(_, i0, p0), (t1, i1, p1)] = self.prev[g];
        let p2 = price[i];
        let mut found = None;
        if self.count[g] >= 2 {
            let f = self.factor;
            let up = p1 > p0 * f && p1 > p2 * f;
            let down = p1 * f < p0 && p1 * f < p2;
            if up || down {
                // The spike is on the previous observation (day t1, cell i1).
                found = Some(Spike { date: dates[t1], price: p1, before: p0, after: p2, repaired: self.repair });
                if self.repair {
                    price[i1] = p0;
                    cap[i1] = cap[i0];
                }
            }
        }
        let kept = if found.is_some() && self.repair { p0 } else { p1 };
        self.prev[g] = [(t1, i1, kept), (t, i, p2)];
        self.count[g] = self.count[g].saturating_add(1);
        found
    }
}

/// Median spacing of observed days.
pub(super) fn frequency(obs: &[usize], dates: &[Date]) -> Frequency {
    let mut gaps: Vec<i32> = obs.windows(2).map(|w| dates[w[1]].0 - dates[w[0]].0).collect();
    if gaps.is_empty() {
        return Frequency::Irregular { median_gap_days: 0 };
    }
    let mid = (gaps.len() - 1) / 2; // the lower median
    let (_, &mut median, _) = gaps.select_nth_unstable(mid);
    match median {
        1 => Frequency::Daily,
        7 => Frequency::Weekly,
        28..=31 => Frequency::Monthly,
        m => Frequency::Irregular { median_gap_days: m },
    }
}

/// The stretches without a price between consecutive observed days more than
/// [`limits::LONG_GAP_DAYS`] apart, for daily or weekly data (monthly data
/// has month-long gaps by design).
pub(super) fn long_gaps(obs: &[usize], dates: &[Date], frequency: Frequency) -> Vec<Gap> {
    if !matches!(frequency, Frequency::Daily | Frequency::Weekly) {
        return Vec::new();
    }
    obs.windows(2)
        .map(|w| (dates[w[0]], dates[w[1]]))
        .filter(|(a, b)| b.0 - a.0 > limits::LONG_GAP_DAYS)
        .map(|(a, b)| Gap { from: Date(a.0 + 1), to: Date(b.0 - 1), days: b.0 - a.0 - 1 })
        .collect()
}

/// `1 row`, `2 rows`.
fn rows(n: usize) -> String {
    format!("{n} row{}", if n == 1 { "" } else { "s" })
}

pub(super) fn global_warnings(data: &[FileData], reports: &[AssetReport], dates: &[Date]) -> Vec<String> {
    let mut w = Vec::new();
    for d in data {
        let styles = d.styles();
        if styles.len() > 1 {
            let names: Vec<&str> = styles.iter().map(|s| s.describe()).collect();
            w.push(format!("{}: dates are written in more than one way ({})", d.name, names.join(", ")));
        }
        if d.day_first_detected {
            w.push(format!(
                "{}: dates were read day first (day/month/year, like 25/12/2021): some start with a number above 12",
                d.name
            ));
        }
        if d.ascending && d.descending {
            w.push(format!("{}: rows are not in date order; they were sorted", d.name));
        }
    }
    let mut freqs: Vec<Frequency> = reports.iter().map(|r| r.frequency).collect();
    freqs.dedup();
    crate::sort::sort_by_key(&mut freqs, |f| format!("{f:?}"));
    freqs.dedup();
    if freqs.len() > 1 {
        let daily: Vec<&str> =
            reports.iter().filter(|r| r.frequency != Frequency::Daily).map(|r| r.id.as_str()).take(10).collect();
        w.push(format!(
            "assets have different sampling frequencies; not daily: {}. Gaps between their dates are carried forward",
            daily.join(", ")
        ));
    }
    if let Some(first) = dates.first().filter(|d| d.year() < 2009) {
        w.push(format!(
            "the data starts on {first}, before Bitcoin existed (2009): check that the date column is read correctly"
        ));
    }
    let summary = |count: fn(&AssetReport) -> usize| -> (usize, String) {
        let hit: Vec<String> =
            reports.iter().filter(|r| count(r) > 0).map(|r| format!("{} ({})", r.id, count(r))).collect();
        let more = if hit.len() > 10 { format!(" and {} more", hit.len() - 10) } else { String::new() };
        (reports.iter().map(count).sum(), format!("{}{more}", hit[..hit.len().min(10)].join(", ")))
    };
    let (dropped, which) = summary(|r| r.price_blank + r.price_invalid);
    if dropped > 0 {
        w.push(format!(
            "{} without a usable price (blank, zero, negative or not a number) dropped: {which}",
            rows(dropped)
        ));
    }
    let (offsets, which) = summary(|r| r.offset_timestamps);
    if offsets > 0 {
        w.push(format!(
            "{} with a UTC offset (such as +02:00) were put on the date as written, not moved to the UTC day: {which}",
            rows(offsets)
        ));
    }
    let (dups, which) = summary(|r| r.duplicate_dates);
    if dups > 0 {
        let conflicts: usize = reports.iter().map(|r| r.duplicate_conflicts).sum();
        w.push(format!(
            "{} repeating a date of the same asset ({} identical, {} with a different price); \
             the last row of each date was kept: {which}",
            rows(dups),
            dups - conflicts,
            conflicts
        ));
        if conflicts > 0 {
            let shown: Vec<String> = reports
                .iter()
                .flat_map(|r| {
                    r.duplicate_conflict_examples.iter().map(move |c| {
                        let (a, b) = super::report::num_pair(c.discarded, c.kept);
                        format!("{} on {}: {a} and {b} (kept {b}, the last row)", r.id, c.date)
                    })
                })
                .take(5)
                .collect();
            let more =
                if conflicts > shown.len() { format!(" and {} more", conflicts - shown.len()) } else { String::new() };
            w.push(format!("repeated dates with different prices: {}{more}", shown.join("; ")));
        }
    }
    let gappy: Vec<&AssetReport> = reports.iter().filter(|r| !r.long_gaps.is_empty()).collect();
    for r in gappy.iter().take(10) {
        let shown: Vec<String> = r
            .long_gaps
            .iter()
            .take(3)
            .map(|g| format!("no prices from {} to {} ({} days)", g.from, g.to, g.days))
            .collect();
        let more = match r.long_gaps.len() {
            n if n > 3 => format!(" and {} more such gaps", n - 3),
            _ => String::new(),
        };
        w.push(format!("{}: {}{more}, carried forward", r.id, shown.join(", ")));
    }
    if gappy.len() > 10 {
        w.push(format!(
            "{} more assets have gaps of more than {} days, carried forward",
            gappy.len() - 10,
            limits::LONG_GAP_DAYS
        ));
    }
    let bad: Vec<String> = reports
        .iter()
        .flat_map(|r| r.implausible_prices.iter().map(move |x| format!("{}: {x}", r.id)))
        .take(5)
        .collect();
    if !bad.is_empty() {
        let total: usize = reports.iter().map(|r| r.price_implausible).sum();
        let more = if total > bad.len() { format!(" and {} more", total - bad.len()) } else { String::new() };
        w.push(format!(
            "{} with an implausible price dropped as data errors (the day is carried forward): {}{more}",
            rows(total),
            bad.join("; ")
        ));
    }
    let spiky: Vec<String> =
        reports.iter().filter(|r| !r.spikes.is_empty()).map(|r| format!("{} ({})", r.id, r.spikes.len())).collect();
    if !spiky.is_empty() {
        let repaired = reports.iter().flat_map(|r| &r.spikes).any(|s| s.repaired);
        w.push(format!(
            "suspect one-day price spikes in {}: {}",
            spiky.join(", "),
            if repaired { "repaired with the previous day's price and cap" } else { "kept as they are" }
        ));
    }
    w
}
