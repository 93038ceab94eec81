//! How readouts write numbers.

use engine::Schedule;

/// `0.1234` -> `12.3%`; `n/a` when not finite.
pub fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1}%", x * 100.0)
    } else {
        "n/a".into()
    }
}

/// A difference of two fractions in percentage points, unsigned: `1.2 points`.
pub fn pts(x: f64) -> String {
    format!("{:.1} points", (x * 100.0).abs())
}

/// A signed difference in points: `+1.2` / `-1.2`.
pub fn signed(x: f64) -> String {
    format!("{:+.1}", x * 100.0)
}

/// An amount of money with thousands separators and no decimals: `12,345`.
pub fn money(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 && digits != "0" {
        format!("-{out}")
    } else {
        out
    }
}

pub fn opt(x: Option<f64>) -> f64 {
    x.unwrap_or(f64::NAN)
}

/// A schedule in the lessons' words.
pub fn schedule_name(s: Schedule) -> String {
    match s {
        Schedule::Daily => "daily".into(),
        Schedule::Weekly => "weekly".into(),
        Schedule::Monthly => "monthly".into(),
        Schedule::Quarterly => "quarterly".into(),
        Schedule::Yearly => "yearly".into(),
        Schedule::EveryNDays(n) => format!("every {n} days"),
        Schedule::Never => "never (buy and hold)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(0.0), "0");
        assert_eq!(money(999.4), "999");
        assert_eq!(money(1234.0), "1,234");
        assert_eq!(money(1234567.8), "1,234,568");
        assert_eq!(money(-10000.0), "-10,000");
        assert_eq!(money(f64::NAN), "n/a");
    }

    #[test]
    fn points_and_percentages() {
        assert_eq!(pct(0.1234), "12.3%");
        assert_eq!(pts(-0.012), "1.2 points");
        assert_eq!(signed(-0.012), "-1.2");
        assert_eq!(signed(0.012), "+1.2");
    }
}
