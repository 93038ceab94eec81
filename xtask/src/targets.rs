//! The speed and scale targets the issues set, each read from the latest
//! native and page results and judged met or not met in BENCHMARKS.md
//! (the "Targets" table that `cargo xtask bench` writes).

use crate::bench::{fmt_ms, fmt_page, Native, PageReport};

/// How a checked number is read from the results.
#[derive(Clone, Copy, Debug)]
pub enum Reading {
    /// The median of a native benchmark (ms).
    Native(&'static str),
    /// One native median divided by another.
    NativeRatio(&'static str, &'static str),
    /// The median of a page measurement (ms).
    PageMedian(&'static str),
    /// The p95 of a page measurement (ms).
    PageP95(&'static str),
    /// A page median divided by a native median.
    PageOverNative(&'static str, &'static str),
    /// A single page reading (a top-level number of page.json).
    PageNumber(&'static str),
}

/// The unit a reading and its limit are shown in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Unit {
    Ms,
    Times,
    Mb,
    Kb,
}

/// A target: a reading that must be at most `limit`.
#[derive(Clone, Copy, Debug)]
pub struct Check {
    pub label: &'static str,
    pub reading: Reading,
    pub limit: f64,
    pub unit: Unit,
    /// Other tools' numbers for the same work, from the project's own
    /// side-by-side measurements (quoted, not re-measured here).
    pub reference: &'static str,
}

/// Issue 20's targets (speed and scale).
pub const CHECKS: &[Check] = &[
    Check {
        label: "Equal weight monthly, 10 bp, 100 x 2,190 (native)",
        reading: Reading::Native("simulate/equal_monthly_10bps/100x2190"),
        limit: 0.15,
        unit: Unit::Ms,
        reference: "numpy 2.78 ms, vectorbt 72 ms; reading every price once ~0.07 ms",
    },
    Check {
        label: "The same, 500 x 3,650 (native)",
        reading: Reading::Native("simulate/equal_monthly_10bps/500x3650"),
        limit: 1.8,
        unit: Unit::Ms,
        reference: "reading every price once ~1.4 ms",
    },
    Check {
        label: "The same in the page, 100 x 2,190, over native",
        reading: Reading::PageOverNative("simulate_100x2190", "simulate/equal_monthly_10bps/100x2190"),
        limit: 1.2,
        unit: Unit::Times,
        reference: "",
    },
    Check {
        label: "The same in the page, 500 x 3,650, over native",
        reading: Reading::PageOverNative("simulate_500x3650", "simulate/equal_monthly_10bps/500x3650"),
        limit: 1.2,
        unit: Unit::Times,
        reference: "",
    },
    Check {
        label: "Equal weight daily, 100 x 2,190, trade log included (native)",
        reading: Reading::Native("simulate/schemes_100x2190/equal/daily"),
        limit: 4.0,
        unit: Unit::Ms,
        reference: "",
    },
    Check {
        label: "Capped market cap daily over equal weight daily (native)",
        reading: Reading::NativeRatio(
            "simulate/schemes_100x2190/capped_market_cap/daily",
            "simulate/schemes_100x2190/equal/daily",
        ),
        limit: 1.5,
        unit: Unit::Times,
        reference: "",
    },
    Check {
        label: "Equal risk contribution daily, 100 x 2,190 (native)",
        reading: Reading::Native("simulate/schemes_100x2190/equal_risk_contribution/daily"),
        limit: 100.0,
        unit: Unit::Ms,
        reference: "",
    },
    Check {
        label: "1,000-configuration sweep in the page (worker pool)",
        reading: Reading::PageMedian("sweep_1000"),
        limit: 400.0,
        unit: Unit::Ms,
        reference: "",
    },
    Check {
        label: "Parameter change, 6 strategies redrawn (p95, to the next frame)",
        reading: Reading::PageP95("parameter_change_redraw"),
        limit: 25.0,
        unit: Unit::Ms,
        reference: "",
    },
    Check {
        label: "A session's download with workers, gzipped",
        reading: Reading::PageNumber("download_gzip_kb"),
        limit: 600.0,
        unit: Unit::Kb,
        reference: "",
    },
    Check {
        label: "Whole-market file (2,600 x 4,500), every coin: pick to drawn results",
        reading: Reading::PageMedian("every_coin_all_pick_to_drawn"),
        limit: 8000.0,
        unit: Unit::Ms,
        reference: "",
    },
    Check {
        label: "The same: renderer resident memory at its peak",
        reading: Reading::PageNumber("every_coin_all_renderer_peak_mb"),
        limit: 1200.0,
        unit: Unit::Mb,
        reference: "",
    },
    Check {
        label: "The same: longest main-thread task",
        reading: Reading::PageMedian("every_coin_all_longest_main_thread_task"),
        limit: 100.0,
        unit: Unit::Ms,
        reference: "",
    },
    Check {
        label: "Whole-market file (2,600 x 4,500), top-200 filter: pick to drawn results",
        reading: Reading::PageMedian("every_coin_top200_pick_to_drawn"),
        limit: 8000.0,
        unit: Unit::Ms,
        reference: "",
    },
    Check {
        label: "The same: renderer resident memory at its peak",
        reading: Reading::PageNumber("every_coin_top200_renderer_peak_mb"),
        limit: 1200.0,
        unit: Unit::Mb,
        reference: "",
    },
    Check {
        label: "The same: longest main-thread task",
        reading: Reading::PageMedian("every_coin_top200_longest_main_thread_task"),
        limit: 100.0,
        unit: Unit::Ms,
        reference: "",
    },
    Check {
        label: "The CLI on the whole-market file, top-200 filter: peak resident memory",
        reading: Reading::PageNumber("cli_every_coin_top200_peak_mb"),
        limit: 300.0,
        unit: Unit::Mb,
        reference: "",
    },
    Check {
        label: "The CLI on the whole-market file, every coin: peak resident memory",
        reading: Reading::PageNumber("cli_every_coin_all_peak_mb"),
        limit: 300.0,
        unit: Unit::Mb,
        reference: "",
    },
];

/// The value of `reading`, when the results have it.
pub fn read(reading: Reading, native: &[Native], page: Option<&PageReport>) -> Option<f64> {
    let n = |p: &str| native.iter().find(|n| n.path == p).map(|n| n.median_ms);
    let m = |k: &str| page.and_then(|p| p.measures.iter().find(|m| m.key == k));
    let number =
        |k: &str| page.and_then(|p| p.notes.iter().find(|(key, _)| key == k)).and_then(|(_, v)| v.parse().ok());
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    };
    match reading {
        Reading::Native(p) => n(p),
        Reading::NativeRatio(a, b) => ratio(n(a), n(b)),
        Reading::PageMedian(k) => m(k).map(|m| m.median_ms),
        Reading::PageP95(k) => m(k).and_then(|m| m.p95_ms),
        Reading::PageOverNative(k, p) => ratio(m(k).map(|m| m.median_ms), n(p)),
        Reading::PageNumber(k) => number(k),
    }
}

fn show(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Ms => fmt_ms(v),
        Unit::Times => format!("{v:.2}x"),
        Unit::Mb => format!("{v:.0} MB"),
        Unit::Kb => format!("{v:.0} KB"),
    }
}

/// The targets table: each check's reading, limit and verdict.
pub fn table(native: &[Native], page: Option<&PageReport>) -> Vec<String> {
    let mut lines = vec![
        "| target | measured | limit | verdict | others, for reference |".to_string(),
        "|---|---|---|---|---|".to_string(),
    ];
    for c in CHECKS {
        let value = read(c.reading, native, page);
        // A page time reads as the side-by-side table shows it (a long task of 0: none seen).
        let shown = |v: f64| match c.reading {
            Reading::PageMedian(k) | Reading::PageP95(k) if c.unit == Unit::Ms => fmt_page(k, v),
            _ => show(v, c.unit),
        };
        let (measured, verdict) = match value {
            Some(v) if v <= c.limit => (shown(v), "met"),
            Some(v) => (shown(v), "**not met**"),
            None => ("not measured".to_string(), ""),
        };
        lines.push(format!(
            "| {} | {measured} | <= {} | {verdict} | {} |",
            c.label,
            show(c.limit, c.unit),
            c.reference
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::Page;

    #[test]
    fn checks_read_native_page_and_ratios_and_judge_them() {
        let native = vec![
            Native {
                path: "simulate/schemes_100x2190/equal/daily".into(),
                fastest_ms: 3.0,
                median_ms: 3.5,
                samples: 10,
            },
            Native {
                path: "simulate/schemes_100x2190/capped_market_cap/daily".into(),
                fastest_ms: 6.0,
                median_ms: 7.0,
                samples: 10,
            },
        ];
        let page = PageReport {
            measures: vec![Page {
                key: "sweep_1000".into(),
                runs: Some(4),
                median_ms: 390.0,
                p95_ms: Some(420.0),
                min_ms: None,
                max_ms: None,
            }],
            notes: vec![("download_gzip_kb".into(), "831".into())],
            ..PageReport::default()
        };
        let get = |r| read(r, &native, Some(&page));
        assert_eq!(get(Reading::Native("simulate/schemes_100x2190/equal/daily")), Some(3.5));
        assert_eq!(
            get(Reading::NativeRatio(
                "simulate/schemes_100x2190/capped_market_cap/daily",
                "simulate/schemes_100x2190/equal/daily"
            )),
            Some(2.0)
        );
        assert_eq!(get(Reading::PageP95("sweep_1000")), Some(420.0));
        assert_eq!(get(Reading::PageNumber("download_gzip_kb")), Some(831.0));
        assert_eq!(get(Reading::PageMedian("missing")), None);
        let rows = table(&native, Some(&page)).join("\n");
        assert!(rows
            .contains("| Equal weight daily, 100 x 2,190, trade log included (native) | 3.50 ms | <= 4.00 ms | met |"));
        assert!(rows
            .contains("| Capped market cap daily over equal weight daily (native) | 2.00x | <= 1.50x | **not met** |"));
        assert!(rows.contains("| 1,000-configuration sweep in the page (worker pool) | 390 ms | <= 400 ms | met |"));
        assert!(rows.contains("| A session's download with workers, gzipped | 831 KB | <= 600 KB | **not met** |"));
        assert!(rows.contains("not measured"));
    }
}
