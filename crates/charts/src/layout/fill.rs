//! Filled areas between two curves, built in pixel space.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::coord::CoordMap;
use crate::DrawResult;

use super::axes::{scales, DateChart};

/// Fills the area between two curves: `upper[i]` and `lower[i]` are the
/// values of day `first + i`; without `lower`, down to zero. The polygon is
/// built in pixel space, mapped as plotters maps it, and the days that fall
/// in one pixel column add only the first and last point of each edge
/// there: the points between only trace zero-width vertical edges inside
/// that column, so the filled region is the same, with at most four
/// vertices per column however many days.
pub(crate) fn fill_between<DB: DrawingBackend>(
    chart: &DateChart<'_, DB>,
    map: &CoordMap,
    first: usize,
    upper: &[f64],
    lower: Option<&[f64]>,
    color: RGBColor,
) -> DrawResult<()> {
    let plot: DrawingArea<DB, Shift> = chart.plotting_area().strip_coord_spec();
    let (xs, ys) = scales(map);
    let point = |i: usize, v: f64| (xs.pixel((first + i) as f64) - map.left, ys.pixel(v) - map.top);
    // Appends `p`; a third point in the same column as the run's first two
    // replaces the run's last one.
    fn push(poly: &mut Vec<(i32, i32)>, run_start: &mut usize, p: (i32, i32)) {
        let len = poly.len();
        if len > *run_start + 1 && poly[len - 1].0 == p.0 {
            poly[len - 1] = p;
        } else {
            if len == 0 || poly[len - 1].0 != p.0 {
                *run_start = len;
            }
            poly.push(p);
        }
    }
    let mut poly: Vec<(i32, i32)> = Vec::with_capacity(4 * (map.right - map.left + 2).max(1) as usize);
    let mut run = 0;
    for (i, &v) in upper.iter().enumerate() {
        push(&mut poly, &mut run, point(i, v));
    }
    // The lower edge starts a new run, even in the last column.
    run = poly.len();
    match lower {
        Some(lower) => {
            for (i, &v) in lower.iter().enumerate().rev() {
                push(&mut poly, &mut run, point(i, v));
            }
        }
        None if !upper.is_empty() => {
            poly.push(point(upper.len() - 1, 0.0));
            poly.push(point(0, 0.0));
        }
        None => {}
    }
    plot.draw(&Polygon::new(poly, color.filled()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{date_chart, YSpec};
    use crate::{Theme, ValueFormat};
    use engine::Date;

    #[test]
    fn fill_between_keeps_each_columns_first_and_last_point() {
        let n = 3_000;
        let dates: Vec<Date> = (0..n).map(|i| Date(17_000 + i as i32)).collect();
        let upper: Vec<f64> = (0..n).map(|i| 0.5 + 0.4 * ((i % 7) as f64 / 7.0)).collect();
        let lower: Vec<f64> = (0..n).map(|i| 0.1 * ((i % 5) as f64 / 5.0)).collect();
        let theme = Theme::light();
        let mut svg = String::new();
        let map = {
            let area = plotters_svg::SVGBackend::with_string(&mut svg, (500, 300)).into_drawing_area();
            let y = YSpec { lo: 0.0, hi: 1.0, log: false, format: ValueFormat::Share, desc: "" };
            let (chart, map, _) = date_chart(&area, &dates, (0, n - 1), 0.0, &y, &theme).unwrap();
            fill_between(&chart, &map, 0, &upper, Some(&lower), theme.other).unwrap();
            area.present().unwrap();
            map
        };
        let el = svg.split("<polygon ").nth(1).expect("a polygon");
        let pts: Vec<(i32, i32)> = el
            .split("points=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .split_whitespace()
            .map(|p| {
                let (x, y) = p.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect();
        let columns = (map.right - map.left + 1) as usize;
        assert!(pts.len() <= 4 * columns, "{} points for {columns} columns", pts.len());
        // The expected outline: per edge, the first and last day of each column.
        let px = |d: usize, v: f64| (map.day_to_pixel(d).unwrap(), map.value_to_pixel(v).unwrap());
        let edge = |vals: &[f64], days: Vec<usize>| {
            let mut out: Vec<(i32, i32)> = Vec::new();
            for (k, &d) in days.iter().enumerate() {
                let p = px(d, vals[d]);
                let next_same = days.get(k + 1).is_some_and(|&e| map.day_to_pixel(e).unwrap() == p.0);
                let prev_same = k > 0 && map.day_to_pixel(days[k - 1]).unwrap() == p.0;
                if !(prev_same && next_same) {
                    out.push(p);
                }
            }
            out
        };
        let mut want = edge(&upper, (0..n).collect());
        want.extend(edge(&lower, (0..n).rev().collect()));
        assert_eq!(pts, want);
    }
}
