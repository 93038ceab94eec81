//! Assembly: the files read, as one panel and its report. [`assemble`] runs
//! the steps in order; each is a function of its own below.

use super::quality::{
    far_side_of_jumps, frequency, global_warnings, long_gaps, pegged_warning, spans_overlap, SpikeDetector,
};
use super::table::{FileData, Role};
use super::top_filter::{ever_top, TopFilter};
use super::{
    AssetReport, CapSource, DuplicateConflict, DuplicatePolicy, ErrorKind, FileReport, Implausibility, Implausible,
    IngestError, IngestOptions, Loaded, Report, RowOrder, Spike,
};
use crate::date::Date;
use crate::panel::{spans_from_ranges, Extra, Layout, Panel, Span};
use std::collections::HashMap;

/// The panel and report of the files read: their assets, the calendar, the
/// cells (prices, then duplicates, jumps, caps and supplies, spikes), the
/// reports, and the panel with its pegged assets.
pub(super) fn assemble(
    data: Vec<FileData>,
    opts: &IngestOptions,
    mut warnings: Vec<String>,
) -> Result<Loaded, IngestError> {
    let mut assets = panel_assets(&data, &mut warnings)?;
    let top_filter = match opts.ever_top {
        Some(k) => keep_ever_top(&data, &mut assets, k, &mut warnings),
        None => None,
    };
    let n_assets = assets.ids.len();
    let (dates, day_index) = calendar(&data, &assets.maps);
    let layout = layout(&data, &assets.maps, &day_index, dates.len(), n_assets, opts);
    check_size(&data, &layout, dates.len(), n_assets, opts)?;
    let mut cells = Cells::new(&data, layout, dates.len(), n_assets);
    let (mut stats, mut obs_of) = cells.scatter_prices(&data, &assets.maps, &day_index);
    cells.count_conflicts(&mut stats, &dates);
    let jumps = cells.drop_jumps(&mut obs_of, &dates);
    let caps_file = cells.scatter_caps_and_supply(&data, &assets.maps, &day_index);
    let filled = cells.fill_caps_and_find_spikes(&dates, opts);
    let mut reports = asset_reports(&data, &assets, &dates, &obs_of, stats, &jumps, &caps_file, filled);
    if n_assets >= 2 && !spans_overlap(&obs_of, dates.len()) {
        return Err(IngestError::global(ErrorKind::NoCommonDates));
    }
    warnings.extend(global_warnings(&data, &reports, &dates));
    let file_reports = file_reports(&data);
    let mut panel = cells.into_panel(dates, &assets.ids)?;
    for (r, info) in reports.iter_mut().zip(panel.assets()) {
        r.carried_forward = info.carried_forward;
    }
    let pegged = crate::pegged::detect(&panel);
    warnings.extend(pegged_warning(&pegged));
    panel.set_pegged(pegged.clone());
    let report = Report {
        files: file_reports,
        n_assets,
        n_days: panel.n_days(),
        first_date: panel.dates()[0],
        last_date: panel.dates()[panel.n_days() - 1],
        assets: reports,
        warnings,
        pegged,
        top_filter,
    };
    Ok(Loaded { panel, report })
}

/// Keeps only the assets ever in the top `k` by market cap
/// ([`super::top_filter`]); says what it did in `warnings`.
fn keep_ever_top(data: &[FileData], assets: &mut Assets, k: usize, warnings: &mut Vec<String>) -> Option<TopFilter> {
    let Some((keep, ranked)) = ever_top(data, &assets.maps, assets.ids.len(), k) else {
        warnings.push(format!(
            "The data has no market caps, so \"only coins ever in the top {k}\" could not rank them: all coins were loaded"
        ));
        return None;
    };
    let of = assets.ids.len();
    let mut index = 0;
    assets.ids.retain(|_| {
        index += 1;
        keep[index - 1]
    });
    assets.maps = column_maps(data, &assets.ids);
    let filter = TopFilter { k, kept: assets.ids.len(), of, without_caps: of - ranked };
    warnings.push(filter.sentence());
    Some(filter)
}

/// Per file and column, the index of its asset in `ids` (`None`: not a
/// panel asset).
fn column_maps(data: &[FileData], ids: &[&str]) -> Vec<Vec<Option<usize>>> {
    let global: HashMap<&str, usize> = ids.iter().enumerate().map(|(g, &n)| (n, g)).collect();
    data.iter().map(|d| d.assets.iter().map(|la| global.get(la.name.as_str()).copied()).collect()).collect()
}

/// The panel's assets: who owns each, their ids in order, and each file's
/// columns mapped to them.
struct Assets<'a> {
    /// File and column of each asset's prices.
    owner: HashMap<&'a str, (usize, usize)>,
    /// The ids of the assets with a usable price, sorted: the panel's columns.
    ids: Vec<&'a str>,
    /// Local -> global asset maps: per file and column, the index in `ids`.
    maps: Vec<Vec<Option<usize>>>,
}

/// The assets of the price files. An asset in two price files is an error;
/// assets without a usable price are left out, and so are columns of cap or
/// supply files without prices (each with a warning); no asset at all is an error.
fn panel_assets<'a>(data: &'a [FileData], warnings: &mut Vec<String>) -> Result<Assets<'a>, IngestError> {
    // Owner file of each asset's prices; an asset in two price files is an error.
    let mut owner: HashMap<&str, (usize, usize)> = HashMap::new();
    for (fi, d) in data.iter().enumerate().filter(|(_, d)| d.role == Role::Prices) {
        for (li, la) in d.assets.iter().enumerate() {
            if let Some(&(other, _)) = owner.get(la.name.as_str()) {
                return Err(IngestError::file(
                    &d.name,
                    ErrorKind::DuplicateAsset { asset: la.name.clone(), other_file: data[other].name.clone() },
                ));
            }
            owner.insert(la.name.as_str(), (fi, li));
        }
    }
    // Local -> global asset maps; assets without a usable price are dropped.
    let mut has_obs: Vec<Vec<bool>> = data.iter().map(|d| vec![false; d.assets.len()]).collect();
    for (fi, d) in data.iter().enumerate() {
        for &a in &d.asset {
            has_obs[fi][a as usize] = true;
        }
    }
    let mut ids: Vec<&str> = owner.iter().filter(|(_, &(fi, li))| has_obs[fi][li]).map(|(&name, _)| name).collect();
    crate::sort::sort_by(&mut ids, Ord::cmp);
    // In file and name order (not the map's), so the report is the same on every run.
    let mut left_out: Vec<(usize, &str)> =
        owner.iter().filter(|(_, &(fi, li))| !has_obs[fi][li]).map(|(&name, &(fi, _))| (fi, name)).collect();
    crate::sort::sort_by(&mut left_out, Ord::cmp);
    for (fi, name) in left_out {
        warnings.push(format!("{}: asset '{name}' has no usable price and was left out", data[fi].name));
    }
    let maps = column_maps(data, &ids);
    for (d, m) in data.iter().zip(&maps) {
        if d.role != Role::Prices {
            let orphans: Vec<&str> =
                d.assets.iter().zip(m).filter(|(_, g)| g.is_none()).map(|(la, _)| la.name.as_str()).collect();
            if !orphans.is_empty() {
                warnings.push(format!(
                    "{}: no prices were loaded for {}, so those columns were ignored",
                    d.name,
                    orphans.join(", ")
                ));
            }
        }
    }
    let n_assets = ids.len();
    if n_assets == 0 {
        return Err(match data.iter().find(|d| d.role != Role::Prices) {
            Some(d) => IngestError::file(&d.name, ErrorKind::NoPriceFile),
            None => IngestError::global(ErrorKind::NoValidPrices),
        });
    }
    Ok(Assets { owner, ids, maps })
}

/// The panel's layout: [`Layout::Spans`] (each asset's days from its first
/// to its last row of any file) when the dense table would be larger than
/// [`IngestOptions::compact_above`] and the spans hold fewer cells; else
/// [`Layout::Dense`].
fn layout(
    data: &[FileData],
    maps: &[Vec<Option<usize>>],
    day_index: &DayIndex,
    n_days: usize,
    n_assets: usize,
    opts: &IngestOptions,
) -> Layout {
    let fields = 3 + data.iter().map(|d| d.extras.len()).sum::<usize>();
    let dense_cells = n_days.saturating_mul(n_assets);
    if dense_cells.saturating_mul(8 * fields) <= opts.compact_above {
        return Layout::Dense;
    }
    let mut range = vec![(usize::MAX, 0usize); n_assets];
    for (d, m) in data.iter().zip(maps) {
        for (&a, &date) in d.asset.iter().zip(&d.date) {
            let (Some(g), Some(t)) = (m[a as usize], day_index.get(date)) else { continue };
            let r = &mut range[g];
            *r = (r.0.min(t), r.1.max(t));
        }
    }
    // An asset with no row on the calendar (all its prices dropped) keeps
    // one day, so the panel can say it has no price.
    let ranges = range.iter().map(|&(f, l)| if f == usize::MAX { (0, 0) } else { (f, l) });
    let (spans, cells) = spans_from_ranges(ranges);
    if cells >= dense_cells {
        return Layout::Dense;
    }
    Layout::Spans(spans)
}

/// Three f64 fields per stored cell (plus extras): refuses a panel beyond
/// `max_bytes` rather than exhausting memory on, say, a file of unique asset names.
fn check_size(
    data: &[FileData],
    layout: &Layout,
    n_days: usize,
    n_assets: usize,
    opts: &IngestOptions,
) -> Result<(), IngestError> {
    let fields = 3 + data.iter().map(|d| d.extras.len()).sum::<usize>();
    let cells = match layout {
        Layout::Dense => n_days.checked_mul(n_assets),
        Layout::Spans(spans) => Some(spans.iter().map(|s| s.len).sum()),
    };
    let too_big = cells.and_then(|c| c.checked_mul(8 * fields)).is_none_or(|b| b > opts.max_bytes);
    if too_big {
        return Err(IngestError::global(ErrorKind::PanelTooLarge { days: n_days, assets: n_assets }));
    }
    Ok(())
}

/// Per-asset bookkeeping while scattering.
#[derive(Default)]
struct Scatter {
    duplicates: usize,
    duplicate_examples: Vec<Date>,
    /// Day, cell and price of each row overwritten by a later row of the same date.
    replaced: Vec<(usize, usize, f64)>,
    conflicts: usize,
    conflict_examples: Vec<DuplicateConflict>,
}

/// The panel's columns while they are filled, in the panel's layout: asset
/// `g` on day `t` is cell [`Cells::at`]`(t, g)`.
struct Cells {
    n_assets: usize,
    /// `None`: dense, day-major (`t * n_assets + g`).
    spans: Option<Vec<Span>>,
    price: Vec<f64>,
    cap: Vec<f64>,
    volume: Vec<f64>,
    /// Whether a price row filled the cell.
    seen: Vec<bool>,
    /// Supplies of supply files, when there are some.
    supply: Option<Vec<f64>>,
    /// The extra columns' names, in the order first met, and their cells.
    extra_names: Vec<String>,
    extras: Vec<Vec<f64>>,
}

/// What filling the caps and finding spikes found, per asset.
struct Filled {
    /// Caps computed from a supply.
    from_supply: Vec<usize>,
    /// Prices without a cap.
    cap_missing: Vec<usize>,
    spikes: Vec<Vec<Spike>>,
}

impl Cells {
    fn new(data: &[FileData], layout: Layout, n_days: usize, n_assets: usize) -> Cells {
        let (size, spans) = match layout {
            Layout::Dense => (n_days * n_assets, None),
            Layout::Spans(spans) => (spans.iter().map(|s| s.len).sum(), Some(spans)),
        };
        let mut extra_names: Vec<String> = Vec::new();
        for d in data {
            for e in &d.extras {
                if !extra_names.contains(&e.name) {
                    extra_names.push(e.name.clone());
                }
            }
        }
        Cells {
            n_assets,
            spans,
            price: vec![f64::NAN; size],
            cap: vec![f64::NAN; size],
            volume: vec![f64::NAN; size],
            seen: vec![false; size],
            supply: None,
            extras: extra_names.iter().map(|_| vec![f64::NAN; size]).collect(),
            extra_names,
        }
    }

    /// The cell of asset `g` on day `t`, which must be inside its span (every
    /// row's day is: the spans were drawn around the rows).
    #[inline]
    fn at(&self, t: usize, g: usize) -> usize {
        match &self.spans {
            None => t * self.n_assets + g,
            Some(spans) => spans[g].cell(t).expect("a row's day is inside its asset's span"),
        }
    }

    /// The cell of asset `g` on day `t`, if the layout stores it.
    #[inline]
    fn cell(&self, t: usize, g: usize) -> Option<usize> {
        match &self.spans {
            None => Some(t * self.n_assets + g),
            Some(spans) => spans[g].cell(t),
        }
    }

    /// Scatters the price files' rows into the cells (a later row of a date
    /// wins), returning each asset's duplicate bookkeeping and observed days.
    fn scatter_prices(
        &mut self,
        data: &[FileData],
        maps: &[Vec<Option<usize>>],
        day_index: &DayIndex,
    ) -> (Vec<Scatter>, Vec<Vec<u32>>) {
        let n_assets = self.n_assets;
        let mut stats: Vec<Scatter> = (0..n_assets).map(|_| Scatter::default()).collect();
        // Observed day indices of each asset.
        let mut obs_of: Vec<Vec<u32>> = vec![Vec::new(); n_assets];
        for (d, m) in data.iter().zip(maps).filter(|(d, _)| d.role == Role::Prices) {
            let extra_pos: Vec<usize> =
                d.extras.iter().map(|e| self.extra_names.iter().position(|n| *n == e.name).unwrap_or(0)).collect();
            for k in 0..d.asset.len() {
                let Some(g) = m[d.asset[k] as usize] else { continue };
                let Some(t) = day_index.get(d.date[k]) else { continue };
                let i = self.at(t, g);
                if self.seen[i] {
                    let s = &mut stats[g];
                    s.duplicates += 1;
                    if s.duplicate_examples.len() < 10 {
                        s.duplicate_examples.push(Date(d.date[k]));
                    }
                    s.replaced.push((t, i, self.price[i]));
                } else {
                    self.seen[i] = true;
                    obs_of[g].push(t as u32);
                }
                self.price[i] = d.value[k];
                self.cap[i] = d.cap.as_ref().map_or(f64::NAN, |c| c[k]);
                self.volume[i] = d.volume.as_ref().map_or(f64::NAN, |c| c[k]);
                for (e, &pos) in d.extras.iter().zip(&extra_pos) {
                    self.extras[pos][i] = e.values[k];
                }
            }
        }
        (stats, obs_of)
    }

    /// Counts the duplicates that disagree with the row kept (the last of their date).
    fn count_conflicts(&self, stats: &mut [Scatter], dates: &[Date]) {
        for s in stats {
            for (t, i, discarded) in std::mem::take(&mut s.replaced) {
                let kept = self.price[i];
                if discarded != kept {
                    s.conflicts += 1;
                    if s.conflict_examples.len() < 10 {
                        s.conflict_examples.push(DuplicateConflict { date: dates[t], discarded, kept });
                    }
                }
            }
        }
    }

    /// Drops the prices on the far side of a non-reverting jump of more than
    /// `MAX_JUMP` (with their caps, volumes and extras), returning them per asset.
    fn drop_jumps(&mut self, obs_of: &mut [Vec<u32>], dates: &[Date]) -> Vec<Vec<Implausible>> {
        let mut jumps: Vec<Vec<Implausible>> = vec![Vec::new(); self.n_assets];
        for (g, obs) in obs_of.iter_mut().enumerate() {
            obs.sort_unstable();
            let dropped = far_side_of_jumps(obs, |t| self.price[self.at(t as usize, g)]);
            for (k, from) in dropped.into_iter().rev() {
                let t = obs.remove(k) as usize;
                let i = self.at(t, g);
                jumps[g].push(Implausible {
                    date: dates[t],
                    price: self.price[i],
                    reason: Implausibility::Jump { from },
                });
                self.seen[i] = false;
                self.price[i] = f64::NAN;
                self.cap[i] = f64::NAN;
                self.volume[i] = f64::NAN;
                for e in &mut self.extras {
                    e[i] = f64::NAN;
                }
            }
            jumps[g].reverse();
        }
        jumps
    }

    /// Scatters the cap and supply files into the cells; returns which assets
    /// got caps from a caps file.
    fn scatter_caps_and_supply(
        &mut self,
        data: &[FileData],
        maps: &[Vec<Option<usize>>],
        day_index: &DayIndex,
    ) -> Vec<bool> {
        let size = self.price.len();
        let mut caps_file = vec![false; self.n_assets];
        for (d, m) in data.iter().zip(maps).filter(|(d, _)| d.role != Role::Prices) {
            for k in 0..d.asset.len() {
                let (Some(g), Some(t)) = (m[d.asset[k] as usize], day_index.get(d.date[k])) else { continue };
                let i = self.at(t, g);
                if d.role == Role::Caps {
                    self.cap[i] = d.value[k];
                    caps_file[g] = true;
                } else {
                    self.supply.get_or_insert_with(|| vec![f64::NAN; size])[i] = d.value[k];
                }
            }
        }
        caps_file
    }

    /// Fills the caps missing from the supply (price x supply) and finds the
    /// spikes, in one day-major pass (sequential memory access).
    fn fill_caps_and_find_spikes(&mut self, dates: &[Date], opts: &IngestOptions) -> Filled {
        let mut from_supply = vec![0usize; self.n_assets];
        let mut cap_missing = vec![0usize; self.n_assets];
        let mut spikes: Vec<Vec<Spike>> = vec![Vec::new(); self.n_assets];
        let mut detector = SpikeDetector::new(self.n_assets, opts);
        for t in 0..dates.len() {
            for g in 0..self.n_assets {
                let Some(i) = self.cell(t, g).filter(|&i| self.seen[i]) else { continue };
                if !(self.cap[i].is_finite() && self.cap[i] > 0.0) {
                    if let Some(s) = self.supply.as_ref().map(|s| s[i]).filter(|s| s.is_finite() && *s > 0.0) {
                        self.cap[i] = self.price[i] * s;
                        from_supply[g] += 1;
                    } else {
                        self.cap[i] = f64::NAN;
                        cap_missing[g] += 1;
                    }
                }
                if let Some(spike) = detector.observe(g, t, i, dates, &mut self.price, &mut self.cap) {
                    spikes[g].push(spike);
                }
            }
        }
        Filled { from_supply, cap_missing, spikes }
    }

    /// The panel of these cells; the bookkeeping is dropped first, to lower
    /// the peak memory.
    fn into_panel(self, dates: Vec<Date>, ids: &[&str]) -> Result<Panel, IngestError> {
        let Cells { spans, price, cap, volume, seen, supply, extra_names, extras, .. } = self;
        drop(seen);
        drop(supply);
        let extras: Vec<Extra> =
            extra_names.into_iter().zip(extras).map(|(name, values)| Extra { name, values }).collect();
        let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        let layout = spans.map_or(Layout::Dense, Layout::Spans);
        Panel::with_layout(dates, ids, layout, price, cap, volume, extras)
            .map_err(|e| IngestError::global(ErrorKind::Panel(e)))
    }
}

/// The report of each asset, in the panel's order.
#[allow(clippy::too_many_arguments)]
fn asset_reports(
    data: &[FileData],
    assets: &Assets,
    dates: &[Date],
    obs_of: &[Vec<u32>],
    mut stats: Vec<Scatter>,
    jumps: &[Vec<Implausible>],
    caps_file: &[bool],
    mut filled: Filled,
) -> Vec<AssetReport> {
    let mut reports = Vec::with_capacity(assets.ids.len());
    for (g, id) in assets.ids.iter().enumerate() {
        let &(fi, li) = &assets.owner[id];
        let d = &data[fi];
        let la = &d.assets[li];
        let mut obs: Vec<usize> = obs_of[g].iter().map(|&t| t as usize).collect();
        obs.sort_unstable();
        let from_supply = la.cap_from_supply + filled.from_supply[g];
        let cap_missing = filled.cap_missing[g];
        let has_column = d.has_cap_column || caps_file[g];
        let cap_source = match (has_column, from_supply > 0) {
            (true, true) => CapSource::ColumnAndSupply,
            (true, false) => CapSource::Column,
            (false, true) => CapSource::Supply,
            (false, false) => CapSource::None,
        };
        let spikes = std::mem::take(&mut filled.spikes[g]);
        let mut implausible_prices = la.implausible_examples.clone();
        implausible_prices.extend(jumps[g].iter().copied());
        crate::sort::sort_by_key(&mut implausible_prices, |x| x.date);
        implausible_prices.truncate(10);
        let frequency = frequency(&obs, dates);
        let long_gaps = long_gaps(&obs, dates, frequency);
        let s = std::mem::take(&mut stats[g]);
        reports.push(AssetReport {
            id: id.to_string(),
            file: d.name.clone(),
            first_date: dates[obs[0]],
            last_date: dates[*obs.last().unwrap_or(&obs[0])],
            rows: la.rows,
            days: obs.len(),
            carried_forward: 0,
            cap_missing_or_zero: cap_missing,
            cap_source,
            duplicate_dates: s.duplicates,
            duplicate_examples: s.duplicate_examples,
            duplicate_policy: DuplicatePolicy::KeepLast,
            duplicate_identical: s.duplicates - s.conflicts,
            duplicate_conflicts: s.conflicts,
            duplicate_conflict_examples: s.conflict_examples,
            price_blank: la.price_blank,
            price_invalid: la.price_invalid,
            price_invalid_lines: la.invalid_lines.clone(),
            not_midnight: la.not_midnight,
            offset_timestamps: la.offset_timestamps,
            frequency,
            spikes,
            long_gaps,
            price_implausible: la.implausible + jumps[g].len(),
            implausible_prices,
        });
    }
    reports
}

/// The report of each file.
fn file_reports(data: &[FileData]) -> Vec<FileReport> {
    data.iter()
        .map(|d| FileReport {
            name: d.name.clone(),
            format: d.format,
            gzip: d.gzip,
            delimiter: d.delimiter.map(|b| b as char),
            rows: d.rows,
            assets: d.assets.len(),
            row_order: match (d.ascending, d.descending) {
                (true, true) => RowOrder::Unsorted,
                (false, true) => RowOrder::Descending,
                _ => RowOrder::Ascending,
            },
            date_styles: d.styles(),
            decimal_comma: d.decimal_comma,
        })
        .collect()
}

/// Maps a date to its calendar index: a dense table over the date range when
/// it is not absurdly wide, else a binary search.
enum DayIndex {
    Dense { min: i32, index: Vec<u32> },
    Sorted(Vec<i32>),
}

impl DayIndex {
    #[inline]
    fn get(&self, d: i32) -> Option<usize> {
        match self {
            DayIndex::Dense { min, index } => {
                let off = d.checked_sub(*min)?;
                let v = *index.get(usize::try_from(off).ok()?)?;
                (v != u32::MAX).then_some(v as usize)
            }
            DayIndex::Sorted(v) => v.binary_search(&d).ok(),
        }
    }
}

/// The panel's dates: every day with a row of prices (also rows whose price
/// was dropped). When the median spacing is one day, every day from the first
/// to the last is included, so missing days become visible gaps.
fn calendar(data: &[FileData], maps: &[Vec<Option<usize>>]) -> (Vec<Date>, DayIndex) {
    let price_days = || {
        data.iter().zip(maps).filter(|(d, _)| d.role == Role::Prices).flat_map(|(d, m)| {
            let kept = d.date.iter().zip(&d.asset).map(|(&dt, &a)| (a, dt));
            kept.chain(d.dropped.iter().copied()).filter(move |&(a, _)| m[a as usize].is_some()).map(|(_, dt)| dt)
        })
    };
    let (min, max) = price_days().fold((i32::MAX, i32::MIN), |(lo, hi), d| (lo.min(d), hi.max(d)));
    let span = (max as i64 - min as i64 + 1).max(0) as usize;
    if span <= 1 << 22 {
        let mut index = vec![u32::MAX; span];
        for d in price_days() {
            index[(d - min) as usize] = 0;
        }
        let present: Vec<usize> = (0..span).filter(|&o| index[o] == 0).collect();
        let mut gaps: Vec<usize> = present.windows(2).map(|w| w[1] - w[0]).collect();
        let daily = !gaps.is_empty() && {
            let mid = (gaps.len() - 1) / 2;
            *gaps.select_nth_unstable(mid).1 == 1
        };
        let mut dates = Vec::new();
        for (off, slot) in index.iter_mut().enumerate() {
            if *slot == 0 || daily {
                *slot = dates.len() as u32;
                dates.push(Date(min + off as i32));
            }
        }
        (dates, DayIndex::Dense { min, index })
    } else {
        let mut v: Vec<i32> = price_days().collect();
        v.sort_unstable();
        v.dedup();
        (v.iter().map(|&d| Date(d)).collect(), DayIndex::Sorted(v))
    }
}
