//! Stacked area of portfolio weights: the top-k assets by average weight over
//! the shown window, the rest grouped as "Other".

use engine::Date;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::coord::CoordMap;
use crate::layout::{
    date_chart, draw_hover, fill_between, header, message, rect_of, too_small, HoverRow, LegendItem, Swatch, YSpec,
};
use crate::{DrawResult, Theme, ValueFormat, View};

/// Legend name of the group of assets outside the top k.
pub const OTHER_LABEL: &str = "Other";

/// A weight that counts: non-finite and negative weights count as 0.
fn usable(w: f64) -> f64 {
    if w.is_finite() && w > 0.0 {
        w
    } else {
        0.0
    }
}

/// Weight of asset `a` on day `d` (0 when not held).
fn weight(weights: &[Vec<(usize, f64)>], d: usize, a: usize) -> f64 {
    weights.get(d).map_or(0.0, |row| row.iter().filter(|x| x.0 == a).map(|x| usable(x.1)).sum())
}

/// The assets drawn by [`draw_weights`]: indices of the top `top_k` assets by
/// average weight over days `first..=last` (largest first, ties by index,
/// assets that are never held left out) and whether an "Other" group is needed.
pub(crate) fn top_assets(
    weights: &[Vec<(usize, f64)>],
    n_assets: usize,
    (first, last): (usize, usize),
    top_k: usize,
) -> (Vec<usize>, bool) {
    // Day by day along the rows, each asset's sum still in day order.
    let mut avg = vec![0.0; n_assets];
    for row in weights.iter().take(last + 1).skip(first) {
        for &(a, w) in row {
            if let Some(sum) = avg.get_mut(a) {
                *sum += usable(w);
            }
        }
    }
    let mut order: Vec<usize> = (0..n_assets).filter(|&a| avg[a] > 0.0).collect();
    engine::sort::sort_by(&mut order, |&a, &b| avg[b].total_cmp(&avg[a]).then(a.cmp(&b)));
    let other = order.len() > top_k;
    order.truncate(top_k);
    (order, other)
}

/// Stacked area chart of portfolio weights. `weights[day]` lists that day's
/// holdings as `(asset, weight)`, the asset an index into `asset_names` and
/// the weight a fraction of the portfolio, in ascending asset order; assets
/// not listed are not held (a portfolio holds a few of hundreds of assets, so
/// the work follows the holdings, not the universe). The `top_k` assets with the largest average weight
/// over the window are stacked (largest at the bottom) in palette colours
/// ([`Theme::series_color`] by rank, repeating after 8);
/// all others are summed into one grey [`OTHER_LABEL`] band on top.
/// Negative and non-finite weights count as 0.
pub fn draw_weights<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    dates: &[Date],
    asset_names: &[&str],
    weights: &[Vec<(usize, f64)>],
    top_k: usize,
    view: View,
    theme: &Theme,
) -> DrawResult<CoordMap> {
    if too_small(area, theme)? {
        return Ok(CoordMap::empty(rect_of(area)));
    }
    let title = "Weights";
    let Some(window) = view.clamp(dates.len()) else {
        let rest = header(area, title, &[], None, theme)?;
        message(&rest, "No data", theme)?;
        return Ok(CoordMap::empty(rect_of(area)));
    };
    let (top, other) = top_assets(weights, asset_names.len(), window, top_k);
    // Bands bottom to top: (name, colour, assets in the band).
    let mut bands: Vec<(String, RGBColor, Vec<usize>)> = top
        .iter()
        .enumerate()
        .map(|(rank, &a)| (asset_names[a].to_string(), theme.series_color(rank), vec![a]))
        .collect();
    if other {
        let rest: Vec<usize> = (0..asset_names.len()).filter(|a| !top.contains(a)).collect();
        bands.push((OTHER_LABEL.to_string(), theme.other, rest));
    }
    let items: Vec<LegendItem> = bands
        .iter()
        .map(|(name, color, _)| LegendItem { name: name.clone(), color: *color, swatch: Swatch::Block })
        .collect();
    let rest = header(area, title, &items, None, theme)?;
    if bands.is_empty() {
        message(&rest, "No holdings in this window", theme)?;
        return Ok(CoordMap::empty(rect_of(&rest)));
    }

    let (first, last) = window;
    let band_value = |d: usize, assets: &[usize]| assets.iter().map(|&a| weight(weights, d, a)).sum::<f64>();
    // Cumulative tops per band and day, each band's assets summed in the
    // row's (ascending asset) order, as `band_value` does.
    let mut band_of = vec![None; asset_names.len()];
    for (b, (_, _, assets)) in bands.iter().enumerate() {
        for &a in assets {
            band_of[a] = Some(b);
        }
    }
    let mut cum = vec![vec![0.0; last - first + 1]; bands.len()];
    let mut sums = vec![0.0; bands.len()];
    for (i, d) in (first..=last).enumerate() {
        sums.iter_mut().for_each(|s| *s = 0.0);
        for &(a, w) in weights.get(d).map_or(&[][..], Vec::as_slice) {
            if let Some(b) = band_of.get(a).copied().flatten() {
                sums[b] += usable(w);
            }
        }
        let mut acc = 0.0;
        for (b, s) in sums.iter().enumerate() {
            acc += s;
            cum[b][i] = acc;
        }
    }
    let max_total = cum.last().map_or(0.0, |top| top.iter().copied().fold(0.0, f64::max));
    let y =
        YSpec { lo: 0.0, hi: max_total.max(1.0), log: false, format: ValueFormat::Share, desc: "share of portfolio" };
    let (mut chart, map, ystep) = date_chart(&rest, dates, window, 0.0, &y, theme)?;

    // Painted from the top band down, each from its cumulative top to zero:
    // the next band covers all but its own share (the tops only grow band
    // by band), with half the vertices of a polygon per band and no
    // background seams between bands.
    for (b, (_, color, _)) in bands.iter().enumerate().rev() {
        if first < last {
            fill_between(&chart, &map, first, &cum[b], None, *color)?;
        } else {
            // A single day is a one-day-wide block.
            let (x, top) = (first as f64, cum[b][0]);
            let poly = vec![(x - 0.5, top), (x + 0.5, top), (x + 0.5, 0.0), (x - 0.5, 0.0)];
            chart.draw_series(std::iter::once(Polygon::new(poly, color.filled())))?;
        }
    }

    if let Some(day) = view.hover.filter(|d| (first..=last).contains(d)) {
        let i = day - first;
        let rows: Vec<HoverRow> = bands
            .iter()
            .enumerate()
            .map(|(b, (name, color, assets))| HoverRow {
                color: *color,
                name: name.clone(),
                value: Some(band_value(day, assets)),
                marker: Some(cum[b][i]),
            })
            .collect();
        draw_hover(&chart, &map, dates[day], day, &rows, |v| ValueFormat::Share.format(v, ystep / 10.0), theme)?;
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_assets_by_average_weight() {
        let dense = [[0.1, 0.5, 0.0, 0.4], [0.3, 0.3, 0.0, 0.4], [f64::NAN, 0.6, 0.0, 0.4]];
        let w: Vec<Vec<(usize, f64)>> = dense.iter().map(|r| r.iter().copied().enumerate().collect()).collect();
        assert_eq!(top_assets(&w, 4, (0, 2), 2), (vec![1, 3], true));
        assert_eq!(top_assets(&w, 4, (0, 2), 3), (vec![1, 3, 0], false), "asset 2 is never held");
        assert_eq!(top_assets(&w, 4, (1, 1), 1), (vec![3], true));
        assert_eq!(top_assets(&w, 4, (0, 2), 0), (vec![], true));
    }
}
