//! Lines: runs of drawable days, and lines drawn one pixel column at a time
//! (each column's first, last, lowest and highest value) inside the pen's band.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::coord::CoordMap;
use crate::DrawResult;

use super::axes::{scales, DateChart};

/// Runs of consecutive days in `first..=last` where `values[d]` passes `ok`,
/// as `(day, value)` points. Days past the end of `values` are gaps.
fn segments(values: &[f64], (first, last): (usize, usize), ok: impl Fn(f64) -> bool) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    for d in first..=last {
        match values.get(d) {
            Some(&v) if ok(v) => cur.push((d as f64, v)),
            _ => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Stroke width of a line series, in pixels.
const LINE_WIDTH: i32 = 2;

/// Draws a line series split into segments; single points become dots.
fn draw_segments<DB: DrawingBackend>(
    chart: &mut DateChart<'_, DB>,
    segs: &[Vec<(f64, f64)>],
    color: RGBColor,
) -> DrawResult<()> {
    for seg in segs {
        if seg.len() == 1 {
            chart.draw_series(std::iter::once(Circle::new(seg[0], 3, color.filled())))?;
        } else {
            chart.draw_series(LineSeries::new(seg.iter().copied(), color.stroke_width(LINE_WIDTH as u32)))?;
        }
    }
    Ok(())
}

/// One pixel column of a line drawn with several days per pixel: the first,
/// last, smallest and largest value among the days that fall in column `x`.
#[derive(Clone, Debug, PartialEq)]
struct Column {
    pub x: i32,
    pub first: f64,
    pub last: f64,
    pub min: f64,
    pub max: f64,
}

/// A run of consecutive drawable days reduced to pixel columns.
#[derive(Clone, Debug, PartialEq)]
struct ColumnRun {
    /// How many days the run holds (1 is drawn as a dot).
    pub days: usize,
    /// The columns, left to right, one per distinct pixel column.
    pub columns: Vec<Column>,
}

/// Downsamples a line to the pixel width: the runs of consecutive days in
/// `first..=last` whose values pass `ok` (the same runs as [`segments`]),
/// each reduced to one [`Column`] per pixel column that `x_of` (day -> pixel
/// column, non-decreasing in the day) puts its days in. Each column keeps
/// its first, last, smallest and largest value, which is all a line drawn
/// through every day shows in that column: the extremes drawn are exact,
/// and a run has at most one column per pixel, whatever the number of days.
fn pixel_columns(
    values: &[f64],
    (first, last): (usize, usize),
    ok: impl Fn(f64) -> bool,
    x_of: impl Fn(usize) -> i32,
) -> Vec<ColumnRun> {
    let mut out: Vec<ColumnRun> = Vec::new();
    let mut open = false;
    for d in first..=last {
        let v = match values.get(d) {
            Some(&v) if ok(v) => v,
            _ => {
                open = false;
                continue;
            }
        };
        let x = x_of(d);
        if !open {
            out.push(ColumnRun { days: 0, columns: Vec::new() });
            open = true;
        }
        let run = out.last_mut().expect("a run is open");
        run.days += 1;
        match run.columns.last_mut() {
            Some(c) if c.x == x => {
                c.last = v;
                c.min = c.min.min(v);
                c.max = c.max.max(v);
            }
            _ => run.columns.push(Column { x, first: v, last: v, min: v, max: v }),
        }
    }
    out
}

/// How far a pen of radius `r` drawn along a segment leaving a point with
/// slope `s` (pixels of y per pixel of x, the direction measured) reaches
/// past that point, within `reach` pixels of x: the largest `s*d + sqrt(r^2 -
/// d^2)` for `d` in `0..=min(reach, r)`.
fn pen_reach(s: f64, r: f64, reach: f64) -> f64 {
    let d_max = reach.min(r).max(0.0);
    let at = |d: f64| s * d + (r * r - d * d).max(0.0).sqrt();
    if s > 0.0 {
        // The maximum of s*d + sqrt(r^2 - d^2) is r*sqrt(1 + s^2), at d = r*s/sqrt(1 + s^2).
        let d = r * s / (1.0 + s * s).sqrt();
        if d <= d_max {
            return r * (1.0 + s * s).sqrt();
        }
        return at(d_max);
    }
    r
}

/// The band that a round pen of radius `r` traces along a line through the
/// columns' points, sampled at each column: `(top, bottom)` pixel rows per
/// column, `y` mapping a value to its (fractional) pixel row (monotonic,
/// either way). The line runs through every day (vertically within a column,
/// from one column's last value to the next column's first), so the band
/// covers what a stroke of width `2 * r` through every day covers.
fn pen_band(cols: &[Column], r: f64, y: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    let mut band: Vec<(f64, f64)> = cols
        .iter()
        .map(|c| {
            let (a, b) = (y(c.min), y(c.max));
            (a.min(b) - r, a.max(b) + r)
        })
        .collect();
    for (i, pair) in cols.windows(2).enumerate() {
        let (a, b) = (&pair[0], &pair[1]);
        let dx = f64::from(b.x - a.x);
        if dx <= 0.0 {
            continue;
        }
        let (ya, yb) = (y(a.last), y(b.first));
        // Slope in rows per column going right; the pen's reach up (towards
        // smaller rows) and down from both ends of the segment.
        let s = (yb - ya) / dx;
        band[i].0 = band[i].0.min(ya - pen_reach(-s, r, dx));
        band[i].1 = band[i].1.max(ya + pen_reach(s, r, dx));
        band[i + 1].0 = band[i + 1].0.min(yb - pen_reach(s, r, dx));
        band[i + 1].1 = band[i + 1].1.max(yb + pen_reach(-s, r, dx));
    }
    band
}

/// Draws one line series of a date chart, and with `underwater` a light fill
/// between the line and zero under it (the drawdown chart).
///
/// When days are at least a pixel apart the line is a stroked path through
/// every day. With more days than pixel columns (the usual full-history
/// view) it is downsampled by [`pixel_columns`] and drawn as one filled
/// polygon per run, the [`pen_band`] a stroke of the line width through
/// every day would cover: extremes exact, at most two vertices per pixel
/// column, and a simple fill, which browsers rasterise far faster than a
/// wide stroke with thousands of joins.
pub(crate) fn draw_line<DB: DrawingBackend>(
    chart: &mut DateChart<'_, DB>,
    map: &CoordMap,
    values: &[f64],
    window: (usize, usize),
    ok: impl Fn(f64) -> bool,
    color: RGBColor,
    underwater: bool,
) -> DrawResult<()> {
    let px_per_day = f64::from(map.right - map.left) / (map.x_hi - map.x_lo);
    let dense = px_per_day <= 1.0;
    if !dense {
        let segs = segments(values, window, ok);
        if underwater {
            for seg in segs.iter().filter(|seg| seg.len() > 1) {
                let (x0, x1) = (seg[0].0, seg[seg.len() - 1].0);
                let poly: Vec<(f64, f64)> =
                    std::iter::once((x0, 0.0)).chain(seg.iter().copied()).chain(std::iter::once((x1, 0.0))).collect();
                chart.draw_series(std::iter::once(Polygon::new(poly, color.mix(0.12).filled())))?;
            }
        }
        return draw_segments(chart, &segs, color);
    }
    // Pixel coordinates relative to the plot, as plotters maps them.
    let plot: DrawingArea<DB, Shift> = chart.plotting_area().strip_coord_spec();
    let (xs, ys) = scales(map);
    let x_of = |d: usize| xs.pixel(d as f64) - map.left;
    let y_of = |v: f64| ys.pixel_f64(v) - f64::from(map.top);
    let row = |y: f64| y.round() as i32;
    let r = f64::from(LINE_WIDTH) / 2.0;
    for run in pixel_columns(values, window, ok, x_of) {
        let cols = &run.columns;
        if run.days == 1 {
            plot.draw(&Circle::new((cols[0].x, row(y_of(cols[0].max))), 3, color.filled()))?;
            continue;
        }
        if underwater {
            let (x0, x1, y0) = (cols[0].x, cols[cols.len() - 1].x, row(y_of(0.0)));
            let poly: Vec<(i32, i32)> = std::iter::once((x0, y0))
                .chain(cols.iter().map(|c| (c.x, row(y_of(c.min)))))
                .chain(std::iter::once((x1, y0)))
                .collect();
            plot.draw(&Polygon::new(poly, color.mix(0.12).filled()))?;
        }
        let band = pen_band(cols, r, y_of);
        if cols.len() == 1 {
            // All days in one column: a vertical bar as wide as the line.
            let (x, (top, bottom), w) = (cols[0].x, band[0], LINE_WIDTH / 2);
            plot.draw(&Rectangle::new([(x - w, row(top)), (x + w, row(bottom))], color.filled()))?;
            continue;
        }
        let outline: Vec<(i32, i32)> = cols
            .iter()
            .zip(&band)
            .map(|(c, b)| (c.x, row(b.0)))
            .chain(cols.iter().zip(&band).rev().map(|(c, b)| (c.x, row(b.1))))
            .collect();
        plot.draw(&Polygon::new(outline, color.filled()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic jagged series (a random walk from an LCG).
    fn walk(n: usize) -> Vec<f64> {
        let mut s: u64 = 12345;
        let mut v = 100.0;
        (0..n)
            .map(|_| {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                v += ((s >> 33) as f64 / (1u64 << 31) as f64 - 0.5) * 4.0;
                v
            })
            .collect()
    }

    #[test]
    fn pixel_columns_keep_every_columns_extremes_and_ends() {
        let mut values = walk(10_000);
        values[3_000] = f64::NAN; // a gap splits the run
        let width = 500;
        let x_of = |d: usize| (d * width / values.len()) as i32;
        let runs = pixel_columns(&values, (0, values.len() - 1), f64::is_finite, x_of);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs.iter().map(|r| r.days).sum::<usize>(), 9_999);
        // At most one column per pixel, however many days.
        assert!(runs.iter().all(|r| r.columns.len() <= width), "{}", runs[0].columns.len());
        for run in &runs {
            assert!(run.columns.windows(2).all(|w| w[0].x < w[1].x), "columns are distinct and ordered");
            for c in &run.columns {
                let days: Vec<f64> =
                    (0..values.len()).filter(|&d| x_of(d) == c.x && values[d].is_finite()).map(|d| values[d]).collect();
                // Gap day 3000 falls in column 150, which both runs share: compare within the run's days.
                let days: Vec<f64> = if c.x == x_of(3_000) {
                    let in_run = |d: usize| (d < 3_000) == (run.columns[0].x < x_of(3_000));
                    (0..values.len())
                        .filter(|&d| x_of(d) == c.x && d != 3_000 && in_run(d))
                        .map(|d| values[d])
                        .collect()
                } else {
                    days
                };
                let min = days.iter().copied().fold(f64::INFINITY, f64::min);
                let max = days.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                assert_eq!(
                    (c.min, c.max, c.first, c.last),
                    (min, max, days[0], days[days.len() - 1]),
                    "column {}",
                    c.x
                );
            }
        }
        // The series' own extremes are column extremes, exactly.
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        let cols = runs.iter().flat_map(|r| &r.columns);
        assert_eq!(cols.clone().map(|c| c.min).fold(f64::INFINITY, f64::min), lo);
        assert_eq!(cols.map(|c| c.max).fold(f64::NEG_INFINITY, f64::max), hi);
    }

    #[test]
    fn pixel_columns_of_a_window_with_isolated_days() {
        let values = [1.0, f64::NAN, 2.0, 3.0, f64::NAN, f64::NAN, 4.0];
        let runs = pixel_columns(&values, (0, 6), f64::is_finite, |d| d as i32);
        let days: Vec<usize> = runs.iter().map(|r| r.days).collect();
        assert_eq!(days, [1, 2, 1]);
        assert_eq!(runs[1].columns.iter().map(|c| c.x).collect::<Vec<_>>(), [2, 3]);
        // Only the window is read.
        let runs = pixel_columns(&values, (2, 3), f64::is_finite, |d| d as i32);
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].days, 2);
        assert!(pixel_columns(&values, (4, 5), f64::is_finite, |d| d as i32).is_empty());
    }

    fn col(x: i32, v: &[f64]) -> Column {
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Column { x, first: v[0], last: v[v.len() - 1], min, max }
    }

    #[test]
    fn pen_band_is_as_thick_as_the_stroke() {
        let r = 1.0;
        // Flat: r above and below.
        let flat: Vec<Column> = (0..10).map(|x| col(x, &[50.0])).collect();
        assert!(pen_band(&flat, r, |v| v).iter().all(|&(t, b)| t == 49.0 && b == 51.0));
        // A straight line of any slope: perpendicular thickness 2r, i.e. a
        // vertical extent of 2r*sqrt(1 + s^2) away from the ends.
        for s in [0.25, 1.0, 3.0, -5.0] {
            let line: Vec<Column> = (0..20).map(|x| col(x, &[100.0 + s * f64::from(x)])).collect();
            let band = pen_band(&line, r, |v| v);
            for (i, &(t, b)) in band.iter().enumerate().skip(1).take(18) {
                let want = 2.0 * r * (1.0 + s * s).sqrt();
                assert!((b - t - want).abs() < 1e-9, "slope {s} column {i}: {t}..{b}");
                let y = 100.0 + s * i as f64;
                assert!((y - t - (b - y)).abs() < 1e-9, "centred");
            }
        }
        // A one-column spike: the band reaches the spike's extremes plus r.
        let spiky = vec![col(0, &[10.0]), col(1, &[10.0, 2.0, 30.0, 11.0]), col(2, &[12.0])];
        let band = pen_band(&spiky, r, |v| v);
        assert_eq!(band[1].0, 1.0);
        assert_eq!(band[1].1, 31.0);
        assert!(band.iter().all(|&(t, b)| t < b));
    }
}
