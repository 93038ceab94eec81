//! Sweep charts rendered to SVG: cells, labels, colours and hit testing.

mod common;

use charts::{best_cell, draw_sweep, sweep_color, Better, SweepAxis, SweepChart, SweepMap, Theme};
use common::*;

fn labels(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

fn ratio(v: f64) -> String {
    format!("{v:.2}")
}

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// The filled `<rect>` of a cell: exactly its rectangle inset by one pixel.
fn cell_fill(svg: &str, map: &SweepMap, index: usize) -> Option<String> {
    let (x0, y0, x1, y1) = map.cell_rect(index).unwrap();
    let head = format!("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"", x0 + 1, y0 + 1, x1 - x0 - 2, y1 - y0 - 2);
    let el = svg.split(&head).nth(1)?;
    let el = &el[..el.find("/>").unwrap()];
    let fill = el.split("fill=\"").nth(1)?;
    Some(fill[..fill.find('"').unwrap()].to_string())
}

/// Every cell's centre maps back to it; points just outside map to nothing.
fn check_hit_test(map: &SweepMap, n: usize) {
    for i in 0..n {
        let (x0, y0, x1, y1) = map.cell_rect(i).unwrap();
        assert_eq!(map.cell_at((x0 + x1) / 2, (y0 + y1) / 2), Some(i), "centre of cell {i}");
        assert_eq!(map.cell_at(x0, y0), Some(i), "top-left of cell {i}");
        assert_eq!(map.cell_at(x1 - 1, y1 - 1), Some(i), "bottom-right of cell {i}");
    }
    let (x0, y0, _, _) = map.cell_rect(0).unwrap();
    assert_eq!(map.cell_at(x0 - 1, y0), None);
    assert_eq!(map.cell_at(x0, y0 - 1), None);
    let (_, _, x1, y1) = map.cell_rect(n - 1).unwrap();
    assert_eq!(map.cell_at(x1, y1 - 1), None);
    assert_eq!(map.cell_at(x1 - 1, y1), None);
    assert_eq!(map.cell_rect(n).map(|_| ()), if map.panels.len() * map.cols * map.rows > n { Some(()) } else { None });
}

#[test]
fn two_dimensions_draw_a_labelled_grid_with_the_best_cell_in_the_positive_colour() {
    let top = labels(&["5", "10", "20", "50"]);
    let fee = labels(&["0 bp", "10 bp", "25 bp"]);
    let axes = [SweepAxis { title: "Top N", labels: &top }, SweepAxis { title: "Fee", labels: &fee }];
    // Sharpe falls with the fee and peaks at Top 10; one invalid cell.
    let values: Vec<f64> = (0..12)
        .map(|i| {
            let (c, r) = (i % 4, i / 4);
            1.2 - 0.15 * r as f64 - 0.1 * (c as f64 - 1.0).abs()
        })
        .collect();
    let mut values = values;
    values[11] = f64::NAN;
    let theme = Theme::light();
    let chart = SweepChart {
        title: "Sharpe by Top N and fee",
        axes: &axes,
        values: &values,
        better: Better::Higher,
        format: &ratio,
        highlight: None,
    };
    let (svg, map) = render("sweep_2d", |area| draw_sweep(area, &chart, &theme));
    let map = map.unwrap();
    assert_eq!((map.cols, map.rows, map.panels.len()), (4, 3, 1));

    // One filled rect per cell with a value, in the colour of its value.
    assert_eq!(best_cell(&values, Better::Higher), Some(1));
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = (finite.clone().fold(f64::INFINITY, f64::min), finite.fold(f64::NEG_INFINITY, f64::max));
    assert!((lo - 0.8).abs() < 1e-12 && (hi - 1.2).abs() < 1e-12);
    for (i, &v) in values.iter().enumerate() {
        let fill = cell_fill(&svg, &map, i);
        if v.is_finite() {
            assert_eq!(fill, Some(hex(sweep_color(v, lo, hi, Better::Higher, &theme))), "cell {i}");
        } else {
            assert_eq!(fill.as_deref(), Some("none"), "an empty cell is only outlined");
        }
    }
    assert_eq!(cell_fill(&svg, &map, 1), Some(hex(theme.positive)), "best cell");
    // The worst cells (0.80: Top 5 and Top 20 at 25 bp) are in the negative colour.
    assert_eq!(cell_fill(&svg, &map, 8), Some(hex(theme.negative)));
    assert_eq!(cell_fill(&svg, &map, 10), Some(hex(theme.negative)));
    // Axis titles, every label, every value; the best cell named in the header.
    for t in ["Top N", "Fee", "5", "10", "20", "50", "0 bp", "10 bp", "25 bp", "1.20", "0.80", "1.05"] {
        assert!(has_text(&svg, t), "{t}: {:?}", texts(&svg));
    }
    assert!(has_text(&svg, "Best: 1.20 at Top N = 10, Fee = 0 bp"), "{:?}", texts(&svg));
    assert!(has_text(&svg, "higher is better"));
    assert_eq!(texts(&svg).iter().filter(|t| t.as_str() == "1.20").count(), 2, "the cell and the legend's top");
    check_hit_test(&map, 12);
}

#[test]
fn lower_is_better_flips_the_scale_and_many_cells_drop_the_value_labels() {
    let xs: Vec<String> = (1..=40).map(|i| i.to_string()).collect();
    let ys: Vec<String> = (1..=30).map(|i| format!("{i}%")).collect();
    let axes = [SweepAxis { title: "Top N", labels: &xs }, SweepAxis { title: "Drift band", labels: &ys }];
    let values: Vec<f64> = (0..1200).map(|i| 0.2 + 0.0005 * i as f64).collect();
    let theme = Theme::dark();
    let chart = SweepChart {
        title: "Volatility",
        axes: &axes,
        values: &values,
        better: Better::Lower,
        format: &pct,
        highlight: Some(41),
    };
    let (svg, map) = render("sweep_2d_many", |area| draw_sweep(area, &chart, &theme));
    let map = map.unwrap();
    assert_eq!(cell_fill(&svg, &map, 0), Some(hex(theme.positive)), "lowest volatility is best");
    assert_eq!(cell_fill(&svg, &map, 1199), Some(hex(theme.negative)));
    assert!(!has_text(&svg, &pct(values[600])), "1,200 cells are too small for labels");
    assert!(has_text(&svg, "Best: 20.0% at Top N = 1, Drift band = 1%"), "{:?}", texts(&svg));
    assert!(has_text(&svg, "lower is better"));
    // Crowded column labels are thinned out, never overlapping: "1" shows.
    assert!(has_text(&svg, "1") && !has_text(&svg, "2"), "{:?}", texts(&svg));
    // The highlighted cell is outlined in the foreground colour.
    let (x0, y0, x1, y1) = map.cell_rect(41).unwrap();
    let outline = format!(
        "<rect x=\"{x0}\" y=\"{y0}\" width=\"{}\" height=\"{}\" opacity=\"1\" fill=\"none\" stroke=\"{}\"",
        x1 - x0 - 1,
        y1 - y0 - 1,
        hex(theme.foreground)
    );
    assert!(svg.contains(&outline), "{outline}");
    check_hit_test(&map, 1200);
}

#[test]
fn three_dimensions_draw_one_heatmap_per_value_on_one_scale() {
    let w = labels(&["Equal", "Market cap", "Inverse vol 60d"]);
    let r = labels(&["Weekly", "Monthly"]);
    let b = labels(&["None", "2%", "5%", "10%"]);
    let axes = [
        SweepAxis { title: "Weighting", labels: &w },
        SweepAxis { title: "Rebalance", labels: &r },
        SweepAxis { title: "Drift band", labels: &b },
    ];
    let values: Vec<f64> = (0..24).map(|i| 0.1 + 0.01 * ((i * 7) % 24) as f64).collect();
    let theme = Theme::light();
    let chart = SweepChart {
        title: "CAGR",
        axes: &axes,
        values: &values,
        better: Better::Higher,
        format: &pct,
        highlight: None,
    };
    let (svg, map) = render_sized("sweep_3d", (900, 500), |area| draw_sweep(area, &chart, &theme));
    let map = map.unwrap();
    assert_eq!((map.cols, map.rows, map.panels.len()), (3, 2, 4));
    for t in ["Drift band: None", "Drift band: 2%", "Drift band: 5%", "Drift band: 10%", "Weighting", "Rebalance"] {
        assert!(has_text(&svg, t), "{t}: {:?}", texts(&svg));
    }
    // Panels do not overlap and each holds its own cells.
    for p in 1..4 {
        let (_, _, right, bottom) = map.cell_rect(6 * p - 1).unwrap();
        let (left, top, _, _) = map.cell_rect(6 * p).unwrap();
        assert!(left >= right || top >= bottom, "panel {p} starts after panel {}", p - 1);
    }
    let best = best_cell(&values, Better::Higher).unwrap();
    assert_eq!(values[best], 0.33);
    assert_eq!(cell_fill(&svg, &map, best), Some(hex(theme.positive)));
    for (i, &v) in values.iter().enumerate() {
        assert_eq!(cell_fill(&svg, &map, i), Some(hex(sweep_color(v, 0.1, 0.33, Better::Higher, &theme))));
    }
    check_hit_test(&map, 24);
}

#[test]
fn one_dimension_draws_bars_on_a_value_axis() {
    let fee = labels(&["0 bp", "10 bp", "25 bp", "50 bp", "100 bp"]);
    let axes = [SweepAxis { title: "Fee", labels: &fee }];
    let values = [0.31, 0.29, 0.26, 0.21, -0.02];
    let theme = Theme::light();
    let chart = SweepChart {
        title: "CAGR",
        axes: &axes,
        values: &values,
        better: Better::Higher,
        format: &pct,
        highlight: None,
    };
    let (svg, map) = render("sweep_1d", |area| draw_sweep(area, &chart, &theme));
    let map = map.unwrap();
    assert_eq!((map.cols, map.rows, map.panels.len()), (5, 1, 1));
    // A bar per value in its scale colour; the best is positive, the worst negative.
    for (i, &v) in values.iter().enumerate() {
        let color = hex(sweep_color(v, -0.02, 0.31, Better::Higher, &theme));
        assert!(count_tag_with(&svg, "rect", "fill", &color) >= 1, "bar {i}");
    }
    assert_eq!(count_tag_with(&svg, "rect", "fill", &hex(theme.positive)), 1, "the best bar");
    // Bars go up from zero for gains and down for the loss.
    let bar = |i: usize| {
        let (x0, _, x1, _) = map.cell_rect(i).unwrap();
        let el = svg
            .split("<rect ")
            .find(|e| {
                let x: i32 = e.split("x=\"").nth(1).and_then(|s| s[..s.find('"')?].parse().ok()).unwrap_or(-1);
                x > x0 && x < x1 && e.contains("fill=\"#")
            })
            .unwrap();
        let num = |k: &str| -> i32 { el.split(k).nth(1).map(|s| s[..s.find('"').unwrap()].parse().unwrap()).unwrap() };
        (num(" y=\""), num("height=\""))
    };
    let (y0, h0) = bar(0);
    let (y4, h4) = bar(4);
    assert!(h0 > 10 * h4, "0.31 is much taller than -0.02: {h0} vs {h4}");
    assert_eq!(y4, y0 + h0, "the loss hangs from the zero line where the gain stands");
    for t in ["Fee", "0 bp", "100 bp", "31.0%", "-2.0%", "0.0%"] {
        assert!(has_text(&svg, t), "{t}: {:?}", texts(&svg));
    }
    check_hit_test(&map, 5);
}

#[test]
fn mismatched_or_empty_input_draws_a_message_and_no_cells() {
    let a = labels(&["a", "b"]);
    let axes = [SweepAxis { title: "X", labels: &a }];
    let theme = Theme::light();
    let chart = SweepChart {
        title: "Sweep",
        axes: &axes,
        values: &[1.0],
        better: Better::Higher,
        format: &ratio,
        highlight: None,
    };
    let (svg, map) = render("sweep_mismatch", |area| draw_sweep(area, &chart, &theme));
    let map = map.unwrap();
    assert!(has_text(&svg, "No sweep to show"));
    assert_eq!(map, SweepMap::default());
    assert_eq!(map.cell_at(100, 100), None);
    let none: [SweepAxis; 0] = [];
    let chart = SweepChart { axes: &none, values: &[], ..chart };
    let (svg, _) = render("sweep_empty", |area| draw_sweep(area, &chart, &theme));
    assert!(has_text(&svg, "No sweep to show"));

    // Values still running (all NaN): the grid is drawn empty, no legend, no best.
    let b = labels(&["1", "2", "3"]);
    let axes = [SweepAxis { title: "X", labels: &a }, SweepAxis { title: "Y", labels: &b }];
    let pending = [f64::NAN; 6];
    let chart = SweepChart { axes: &axes, values: &pending, better: Better::Neither, ..chart };
    let (svg, map) = render("sweep_pending", |area| draw_sweep(area, &chart, &theme));
    let map = map.unwrap();
    assert_eq!(map.panels.len(), 1);
    assert!((0..6).all(|i| cell_fill(&svg, &map, i).as_deref() == Some("none")));
    assert!(!texts(&svg).iter().any(|t| t.starts_with("Best")));
    assert_eq!(best_cell(&pending, Better::Higher), None);
}

#[test]
fn colour_scale_ends_and_middle() {
    let t = Theme::light();
    assert_eq!(sweep_color(2.0, 1.0, 2.0, Better::Higher, &t), t.positive);
    assert_eq!(sweep_color(1.0, 1.0, 2.0, Better::Higher, &t), t.negative);
    assert_eq!(sweep_color(1.5, 1.0, 2.0, Better::Higher, &t), t.neutral);
    assert_eq!(sweep_color(1.0, 1.0, 2.0, Better::Lower, &t), t.positive);
    assert_eq!(sweep_color(2.0, 1.0, 2.0, Better::Neither, &t), t.series_color(0));
    assert_eq!(sweep_color(1.0, 1.0, 2.0, Better::Neither, &t), t.neutral);
    assert_eq!(sweep_color(3.0, 3.0, 3.0, Better::Higher, &t), t.neutral, "all equal");
    assert_eq!(Better::from(Some(false)), Better::Lower);
    assert_eq!(best_cell(&[1.0, 3.0, 3.0, f64::NAN], Better::Higher), Some(1), "first of equals");
    assert_eq!(best_cell(&[1.0, 3.0, 0.5], Better::Lower), Some(2));
    assert_eq!(best_cell(&[1.0, 3.0], Better::Neither), None);
}

/// Attribute `attr` (`x`, `y`) of the first `<text>` element whose content starts with `start`.
fn text_at(svg: &str, start: &str, attr: &str) -> i32 {
    let at = svg.find(start).unwrap_or_else(|| panic!("no text starting {start}"));
    let tag = &svg[svg[..at].rfind("<text").unwrap()..at];
    let v = tag.split(&format!(" {attr}=\"")).nth(1).unwrap();
    v[..v.find('"').unwrap()].parse::<f64>().unwrap() as i32
}

fn text_y(svg: &str, start: &str) -> i32 {
    text_at(svg, start, "y")
}

#[test]
fn a_long_title_puts_the_best_cell_note_on_a_row_of_its_own() {
    let top = labels(&["3", "8"]);
    let axes = [SweepAxis { title: "Top N", labels: &top }];
    let values = [0.1, 0.2];
    let theme = Theme::light();
    let title = "Max drawdown of 'Top 10, equal-weighted, monthly' across the sweep";
    let chart =
        SweepChart { title, axes: &axes, values: &values, better: Better::Higher, format: &pct, highlight: None };
    // Wide: the note sits right of the title, on its row.
    let (svg, _) = render_sized("sweep_note_wide", (1400, 400), |area| draw_sweep(area, &chart, &theme));
    assert_eq!(text_y(&svg, "Best: 20.0%"), text_y(&svg, "Max drawdown of"));
    // Narrow: it would overlap the title, so it goes under it.
    let (svg, _) = render_sized("sweep_note_narrow", (700, 400), |area| draw_sweep(area, &chart, &theme));
    assert!(text_y(&svg, "Best: 20.0%") > text_y(&svg, "Max drawdown of") + 10, "the note overlaps the title");
}

fn text_x(svg: &str, start: &str) -> i32 {
    text_at(svg, start, "x")
}

#[test]
fn on_a_phone_the_title_is_shortened_and_the_scale_stays_inside() {
    let top = labels(&["5", "10", "20", "50"]);
    let fee = labels(&["0 bp", "50 bp"]);
    let axes = [SweepAxis { title: "Top N", labels: &top }, SweepAxis { title: "Fee", labels: &fee }];
    let values = [0.78, 0.78, 0.76, 0.77, 0.7, 0.71, 0.69, 0.7];
    let theme = Theme::light();
    let title = "Sharpe of 'Top 100, cap-weighted, weekly' across the sweep";
    let chart =
        SweepChart { title, axes: &axes, values: &values, better: Better::Higher, format: &ratio, highlight: None };
    let (svg, _) = render_sized("sweep_phone", (360, 420), |area| draw_sweep(area, &chart, &theme));
    let escaped = title.replace('\'', "&apos;");
    assert!(!svg.contains(&escaped), "the whole title does not fit in 360 px");
    assert!(svg.contains("Sharpe of &apos;Top") && svg.contains('…'), "a shortened title ends with an ellipsis");
    // The hint is the last thing on the scale's row: it starts early enough
    // for its 16 characters (about 0.5 em each) to end inside the canvas.
    let hint_x = text_x(&svg, "higher is better");
    assert!(hint_x + (16.0 * 0.5 * theme.font_size * 0.85) as i32 <= 360, "the hint starts at {hint_x}");
    assert!(text_x(&svg, "0.69") >= 4, "the low end of the scale is cut off");
    // Wide canvases keep the whole title.
    let (svg, _) = render_sized("sweep_phone_wide", (1200, 420), |area| draw_sweep(area, &chart, &theme));
    assert!(svg.contains(&escaped));
}
