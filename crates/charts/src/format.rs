//! Number formatting and tick selection shared by the charts.

/// How many decimals a label needs so that neighbouring ticks `step` apart
/// are told apart (0 for steps >= 1, at most 6).
pub fn decimals_for_step(step: f64) -> usize {
    if !step.is_finite() || step <= 0.0 || step >= 1.0 {
        return 0;
    }
    // Round before the log so that 0.1 does not become 0.0999... -> 2 decimals.
    let d = (-step.log10() - 1e-9).ceil();
    // A step like 0.25 needs two decimals, not one.
    let mut decimals = d.max(0.0) as usize;
    while decimals < 6
        && ((step * 10f64.powi(decimals as i32)).round() - step * 10f64.powi(decimals as i32)).abs() > 1e-6
    {
        decimals += 1;
    }
    decimals.min(6)
}

/// The fewest decimals (at most 6) that write `v` exactly: `1.25` -> 2, `20` -> 0.
pub fn exact_decimals(v: f64) -> usize {
    (0..6)
        .find(|&d| {
            let scaled = v * 10f64.powi(d as i32);
            (scaled.round() - scaled).abs() <= 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(6)
}

/// `v` with `decimals` decimals and `,` thousands separators: `12345.6` -> `12,346`.
/// Non-finite values give `n/a`.
pub fn number(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "n/a".to_string();
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let mut out = String::with_capacity(s.len() + int.len() / 3 + 1);
    // "-0" and "-0.00" are written without the sign.
    let is_zero = s.bytes().all(|b| b == b'0' || b == b'.');
    if v < 0.0 && !is_zero {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A fraction as a signed percentage: `0.125` -> `+12.5%` (1 decimal),
/// `-0.031` -> `-3.1%`, zero -> `0.0%`.
pub fn percent(fraction: f64, decimals: usize) -> String {
    if !fraction.is_finite() {
        return "n/a".to_string();
    }
    let body = number(fraction * 100.0, decimals);
    if body.starts_with('-') || body.bytes().all(|b| b == b'0' || b == b'.') {
        format!("{body}%")
    } else {
        format!("+{body}%")
    }
}

/// A "nice" step (1, 2, 2.5 or 5 times a power of ten) giving at most about
/// `max_ticks` ticks over `span`.
pub fn nice_step(span: f64, max_ticks: usize) -> f64 {
    let max_ticks = max_ticks.max(2) as f64;
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let raw = span / max_ticks;
    let mag = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * mag >= raw {
            return m * mag;
        }
    }
    10.0 * mag
}

/// Multiples of a nice step inside `[lo, hi]`, and the step.
pub fn linear_ticks(lo: f64, hi: f64, max_ticks: usize) -> (Vec<f64>, f64) {
    let step = nice_step(hi - lo, max_ticks);
    if !(lo.is_finite() && hi.is_finite()) || hi < lo {
        return (Vec::new(), step);
    }
    let start = (lo / step - 1e-9).ceil() as i64;
    let end = (hi / step + 1e-9).floor() as i64;
    let ticks = (start..=end).map(|k| clean(k as f64 * step)).collect();
    (ticks, step)
}

/// Rounds away binary noise (`0.30000000000000004` -> `0.3`) and `-0`.
fn clean(v: f64) -> f64 {
    if v == 0.0 {
        return 0.0;
    }
    let mag = 10f64.powi(12 - v.abs().log10().ceil() as i32);
    (v * mag).round() / mag
}

/// Ticks for a log axis over `[lo, hi]` (both > 0): `1, 2, 5, 10, 20, 50...`
/// when they fit, else powers of ten (every one, or every 2nd, 3rd...), and for
/// a narrow range (fewer than 3 such ticks) linear nice ticks.
pub fn log_ticks(lo: f64, hi: f64, max_ticks: usize) -> Vec<f64> {
    if !(lo > 0.0 && hi >= lo && hi.is_finite()) {
        return Vec::new();
    }
    let max_ticks = max_ticks.max(2);
    let e0 = lo.log10().floor() as i32 - 1;
    let e1 = hi.log10().ceil() as i32 + 1;
    let within = |v: f64| v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9);
    let decade = |mantissas: &[f64], every: i32| -> Vec<f64> {
        let mut out = Vec::new();
        for e in e0..=e1 {
            if e.rem_euclid(every) != 0 {
                continue;
            }
            for &m in mantissas {
                let v = clean(m * 10f64.powi(e));
                if within(v) {
                    out.push(v);
                }
            }
        }
        out
    };
    let mut candidates = vec![decade(&[1.0, 2.0, 5.0], 1), decade(&[1.0, 3.0], 1)];
    for every in 1..=12 {
        candidates.push(decade(&[1.0], every));
    }
    let fitting = candidates.into_iter().find(|t| t.len() <= max_ticks).unwrap_or_default();
    if fitting.len() >= 3 {
        return fitting;
    }
    let (linear, _) = linear_ticks(lo, hi, max_ticks.min(6));
    if linear.len() > fitting.len() {
        linear
    } else {
        fitting
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_thousands_separators() {
        assert_eq!(number(1234567.891, 2), "1,234,567.89");
        assert_eq!(number(999.0, 0), "999");
        assert_eq!(number(1000.0, 0), "1,000");
        assert_eq!(number(-12345.6, 0), "-12,346");
        assert_eq!(number(-0.0001, 2), "0.00");
        assert_eq!(number(f64::NAN, 2), "n/a");
    }

    #[test]
    fn percentages_are_signed() {
        assert_eq!(percent(0.125, 1), "+12.5%");
        assert_eq!(percent(-0.031, 1), "-3.1%");
        assert_eq!(percent(0.0, 1), "0.0%");
        assert_eq!(percent(12.5, 0), "+1,250%");
    }

    #[test]
    fn exact_decimals_of_ticks() {
        assert_eq!(exact_decimals(20.0), 0);
        assert_eq!(exact_decimals(1.2), 1);
        assert_eq!(exact_decimals(1.25), 2);
        assert_eq!(exact_decimals(0.05), 2);
        assert_eq!(exact_decimals(1.0 / 3.0), 6);
    }

    #[test]
    fn decimals_follow_the_step() {
        assert_eq!(decimals_for_step(10.0), 0);
        assert_eq!(decimals_for_step(1.0), 0);
        assert_eq!(decimals_for_step(0.5), 1);
        assert_eq!(decimals_for_step(0.1), 1);
        assert_eq!(decimals_for_step(0.25), 2);
        assert_eq!(decimals_for_step(0.02), 2);
    }

    #[test]
    fn linear_ticks_are_round() {
        let (t, step) = linear_ticks(0.03, 0.97, 5);
        assert_eq!(step, 0.2);
        assert_eq!(t, vec![0.2, 0.4, 0.6, 0.8]);
        let (t, _) = linear_ticks(-0.55, 0.0, 6);
        assert_eq!(t, vec![-0.5, -0.4, -0.3, -0.2, -0.1, 0.0]);
    }

    #[test]
    fn log_ticks_use_1_2_5_then_decades() {
        assert_eq!(log_ticks(0.8, 30.0, 10), vec![1.0, 2.0, 5.0, 10.0, 20.0]);
        assert_eq!(log_ticks(0.5, 20_000.0, 8), vec![1.0, 10.0, 100.0, 1000.0, 10_000.0]);
        assert_eq!(log_ticks(1.0, 1e12, 5), vec![1.0, 1e3, 1e6, 1e9, 1e12]);
        // Narrow range: linear ticks.
        assert_eq!(log_ticks(1.05, 1.32, 6), vec![1.05, 1.1, 1.15, 1.2, 1.25, 1.3]);
        assert!(log_ticks(0.0, 1.0, 5).is_empty());
    }
}
