//! Pixel <-> data mapping returned by the date charts.

use crate::axis::{from_pixel, to_pixel};

/// Where a date chart put its data, in backend pixels (canvas pixels for the
/// canvas backend, the same coordinates as mouse `offsetX/offsetY` when the
/// canvas is not scaled by CSS).
///
/// The x axis shows day indices `first_day..=last_day` over `x_lo..=x_hi`
/// (equal to the day window, padded by half a day for bar charts and for a
/// single day); the y axis shows `y_lo..=y_hi` (log10 spaced when `log_y`).
#[derive(Clone, Debug, PartialEq)]
pub struct CoordMap {
    /// Plot rectangle: left, top, right, bottom pixels (inclusive).
    pub left: i32,
    pub top: i32,
    pub right: i32,
    pub bottom: i32,
    pub first_day: usize,
    pub last_day: usize,
    pub x_lo: f64,
    pub x_hi: f64,
    pub y_lo: f64,
    pub y_hi: f64,
    pub log_y: bool,
    /// False when nothing was drawn (no days); then every lookup is `None`.
    pub has_data: bool,
}

impl CoordMap {
    /// A map for a chart that drew nothing, covering `(left, top, right, bottom)`.
    pub fn empty(rect: (i32, i32, i32, i32)) -> CoordMap {
        CoordMap {
            left: rect.0,
            top: rect.1,
            right: rect.2,
            bottom: rect.3,
            first_day: 0,
            last_day: 0,
            x_lo: 0.0,
            x_hi: 1.0,
            y_lo: 0.0,
            y_hi: 1.0,
            log_y: false,
            has_data: false,
        }
    }

    /// Whether a pixel lies inside the plot rectangle.
    pub fn contains(&self, x: i32, y: i32) -> bool {
        self.has_data && (self.left..=self.right).contains(&x) && (self.top..=self.bottom).contains(&y)
    }

    /// The day index nearest to pixel column `x`, or `None` left or right of
    /// the plot rectangle.
    pub fn day_at_pixel(&self, x: i32) -> Option<usize> {
        if !self.has_data || x < self.left || x > self.right {
            return None;
        }
        Some(self.nearest_day(x))
    }

    /// Like [`day_at_pixel`](Self::day_at_pixel) but clamps `x` into the plot,
    /// for drags that leave the chart.
    pub fn day_at_pixel_clamped(&self, x: i32) -> Option<usize> {
        if !self.has_data {
            return None;
        }
        Some(self.nearest_day(x.clamp(self.left, self.right)))
    }

    fn nearest_day(&self, x: i32) -> usize {
        let v = from_pixel(x, self.x_lo, self.x_hi, false, (self.left, self.right)).round();
        (v.max(0.0) as usize).clamp(self.first_day, self.last_day)
    }

    /// The pixel column of a day index, `None` outside the shown window.
    pub fn day_to_pixel(&self, day: usize) -> Option<i32> {
        if !self.has_data || day < self.first_day || day > self.last_day {
            return None;
        }
        Some(to_pixel(day as f64, self.x_lo, self.x_hi, false, (self.left, self.right)))
    }

    /// The pixel row of a value; `None` for non-finite values, values outside
    /// the y range and, on a log axis, values <= 0.
    pub fn value_to_pixel(&self, v: f64) -> Option<i32> {
        let tol = 1e-9 * (self.y_hi - self.y_lo).abs().max(f64::MIN_POSITIVE);
        if !self.has_data || !v.is_finite() || (self.log_y && v <= 0.0) || v < self.y_lo - tol || v > self.y_hi + tol {
            return None;
        }
        Some(to_pixel(v, self.y_lo, self.y_hi, self.log_y, (self.bottom, self.top)))
    }

    /// The value at pixel row `y`, `None` above or below the plot.
    pub fn pixel_to_value(&self, y: i32) -> Option<f64> {
        if !self.has_data || y < self.top || y > self.bottom {
            return None;
        }
        Some(from_pixel(y, self.y_lo, self.y_hi, self.log_y, (self.bottom, self.top)))
    }

    /// The zoom window `(first, last)` selected by dragging from pixel column
    /// `x0` to `x1` (either order, clamped to the plot); `None` when the drag
    /// covers fewer than two days (a click) or there is no data.
    pub fn zoom_range(&self, x0: i32, x1: i32) -> Option<(usize, usize)> {
        let a = self.day_at_pixel_clamped(x0.min(x1))?;
        let b = self.day_at_pixel_clamped(x0.max(x1))?;
        (b > a).then_some((a, b))
    }
}
