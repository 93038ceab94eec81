//! Weights, monthly heatmap and bar charts rendered to SVG.

mod common;

use charts::{
    color_for, draw_bars, draw_monthly_heatmap, draw_weights, Bars, MonthlyRow, Theme, ValueFormat, View, YAxis,
    OTHER_LABEL,
};
use common::*;

const NAMES: [&str; 6] = ["BTC", "ETH", "SOL", "ADA", "DOGE", "XRP"];

/// Day-major weights drifting between six assets; DOGE is never held.
fn weights(n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|d| {
            let t = d as f64 / n as f64;
            let raw = [0.5 - 0.2 * t, 0.25 + 0.05 * t, 0.05 + 0.15 * t, 0.1, 0.0, 0.1 - 0.05 * t];
            let s: f64 = raw.iter().sum();
            raw.iter().map(|w| w / s).collect()
        })
        .collect()
}

#[test]
fn weights_stack_top_k_and_group_the_rest_as_other() {
    let dates = dates_from(2021, 1, 1, 365);
    let w = sparse(&weights(365));
    let theme = Theme::light();
    let (svg, map) = render("weights_top3", |area| draw_weights(area, &dates, &NAMES, &w, 3, View::ALL, &theme));
    let map = map.unwrap();
    assert!(map.has_data);
    // Average weights: BTC > ETH > SOL > ADA > XRP > DOGE (0).
    for (rank, name) in ["BTC", "ETH", "SOL"].iter().enumerate() {
        assert!(has_text(&svg, name), "{name}");
        assert_eq!(count_tag_with(&svg, "polygon", "fill", &hex(color_for(rank))), 1, "{name} band");
    }
    assert!(has_text(&svg, OTHER_LABEL));
    assert_eq!(count_tag_with(&svg, "polygon", "fill", &hex(theme.other)), 1);
    assert!(!has_text(&svg, "ADA") && !has_text(&svg, "XRP"));
    assert!(has_text(&svg, "100%") && has_text(&svg, "60%") && has_text(&svg, "0%"), "{:?}", texts(&svg));
    assert!(!texts(&svg).iter().any(|t| t.starts_with('+')), "shares are unsigned");
    // The stack reaches 100% on every day.
    let top = map.value_to_pixel(1.0).unwrap();
    let other = svg.split("<polygon ").skip(1).find(|p| p.contains(&format!("fill=\"{}\"", hex(theme.other)))).unwrap();
    assert!(other.contains(&format!("points=\"{},{top} ", map.left)), "Other band tops out at 100%: {other} {map:?}");

    // Everything held fits into top_k: no Other, DOGE (never held) absent.
    let (svg, _) = render("weights_all", |area| draw_weights(area, &dates, &NAMES, &w, 10, View::ALL, &theme));
    assert!(!has_text(&svg, OTHER_LABEL));
    assert!(!has_text(&svg, "DOGE"));
    assert_eq!(count_tag(&svg, "polygon"), 5);

    // With a hover the box lists the bands.
    let (svg, _) = render("weights_hover", |area| {
        draw_weights(area, &dates, &NAMES, &w, 2, View::ALL.with_hover(Some(0)), &theme)
    });
    assert!(
        has_text(&svg, "BTC: 50%") && has_text(&svg, "ETH: 25%") && has_text(&svg, "Other: 25%"),
        "{:?}",
        texts(&svg)
    );
    // Dots sit on the band tops: BTC at 50%, ETH at 75%, Other at 100%.
    let (_, map) = render("weights_hover_map", |area| draw_weights(area, &dates, &NAMES, &w, 2, View::ALL, &theme));
    let map = map.unwrap();
    let x = map.day_to_pixel(0).unwrap();
    for v in [0.5, 0.75, 1.0] {
        let y = map.value_to_pixel(v).unwrap();
        assert_eq!(svg.matches(&format!("<circle cx=\"{x}\" cy=\"{y}\"")).count(), 2, "dot and ring at {v}");
    }
}

#[test]
fn weights_edge_cases() {
    let theme = Theme::dark();
    let (svg, map) = render("weights_empty", |area| draw_weights(area, &[], &NAMES, &[], 3, View::ALL, &theme));
    assert!(!map.unwrap().has_data);
    assert!(has_text(&svg, "No data"));
    let dates = dates_from(2021, 1, 1, 10);
    let zeros = sparse(&vec![vec![0.0; 6]; 10]);
    let (svg, map) = render("weights_zero", |area| draw_weights(area, &dates, &NAMES, &zeros, 3, View::ALL, &theme));
    assert!(!map.unwrap().has_data);
    assert!(has_text(&svg, "No holdings in this window"));
    // Single day, short rows and NaN do not panic.
    let ragged = sparse(&[vec![0.6, f64::NAN], vec![0.2]]);
    let (svg, map) = render("weights_single", |area| {
        draw_weights(area, &dates[..2], &NAMES, &ragged, 1, View::window(1, 1), &theme)
    });
    assert!(map.unwrap().has_data);
    assert!(has_text(&svg, "BTC") && !has_text(&svg, OTHER_LABEL));
    assert_eq!(count_tag(&svg, "polygon"), 1);
}

fn table() -> Vec<MonthlyRow> {
    let mut y2021 = [None; 12];
    for (m, cell) in y2021.iter_mut().enumerate().skip(4) {
        *cell = Some(0.02 * (m as f64 - 7.0));
    }
    y2021[6] = Some(0.123);
    let y2022: [Option<f64>; 12] = std::array::from_fn(|m| Some(-0.05 + 0.01 * m as f64));
    let mut y2023 = [None; 12];
    y2023[0] = Some(0.4);
    y2023[1] = Some(-0.0042);
    // Given out of order: rows are sorted by year.
    vec![(2022, y2022, Some(-0.5)), (2021, y2021, Some(0.35)), (2023, y2023, Some(0.39))]
}

#[test]
fn heatmap_cells_and_text() {
    let t = table();
    let theme = Theme::light();
    let (svg, map) = render("heatmap", |area| draw_monthly_heatmap(area, &t, &theme));
    let map = map.unwrap();
    // One background plus one rect per cell (12 months + year) and row.
    assert_eq!(count_tag(&svg, "rect"), 1 + 3 * 13);
    assert!(has_text(&svg, "+12.3%"), "{:?}", texts(&svg));
    assert!(has_text(&svg, "-0.4%") && has_text(&svg, "+40.0%") && has_text(&svg, "-50.0%"));
    // 8 filled months in 2021, 12 in 2022, 2 in 2023, 3 yearly.
    let pct = texts(&svg).iter().filter(|s| s.ends_with('%')).count();
    assert_eq!(pct, 8 + 12 + 2 + 3);
    for s in ["2021", "2022", "2023", "Jan", "Dec", "Year", "Monthly returns"] {
        assert!(has_text(&svg, s), "{s}");
    }
    // Hit testing: the +12.3% cell is 2021-07; the yearly column; outside.
    assert_eq!(map.years, vec![2021, 2022, 2023]);
    let (x, y) = map.cell_origin(2021, Some(7)).unwrap();
    assert_eq!(map.cell_at(x + 2, y + 2), Some((2021, Some(7))));
    assert_eq!(map.cell_at(x + map.cell_w - 1, y + map.cell_h - 1), Some((2021, Some(7))));
    let (x, y) = map.cell_origin(2023, None).unwrap();
    assert_eq!(map.cell_at(x + 1, y + 1), Some((2023, None)));
    assert_eq!(map.cell_at(map.left - 5, y + 1), None);
    assert_eq!(map.cell_at(map.left + 1, map.top + 3 * map.cell_h + 1), None);
    // The +12.3% text is centred in its cell.
    let (x, y) = map.cell_origin(2021, Some(7)).unwrap();
    let at = format!("x=\"{}\" y=\"{}\"", x + map.cell_w / 2, y + map.cell_h / 2);
    let cell_text = svg.split("<text ").find(|e| e.contains("+12.3%")).unwrap();
    assert!(cell_text.starts_with(&at), "{cell_text} vs {at}");
    // Colours: green for gains, red for losses, neutral for no data.
    let green = count_tag_with(&svg, "rect", "fill", &hex(theme.positive));
    let red = count_tag_with(&svg, "rect", "fill", &hex(theme.negative));
    // Full colour for the largest monthly change (+40%) and yearly change (-50%).
    assert_eq!((green, red), (1, 1));
    // Neutral: 4 + 10 months without data and 2 exact zeros (2021-08, 2022-06).
    assert_eq!(count_tag_with(&svg, "rect", "fill", &hex(theme.neutral)), 4 + 10 + 2);
}

#[test]
fn heatmap_empty_and_many_years() {
    let (svg, map) = render("heatmap_empty", |area| draw_monthly_heatmap(area, &[], &Theme::dark()));
    assert!(map.unwrap().years.is_empty());
    assert!(has_text(&svg, "No monthly returns"));
    let many: Vec<MonthlyRow> = (2000..2030)
        .map(|y| (y, std::array::from_fn(|m| Some(((y * 12 + m as i32) % 7 - 3) as f64 / 100.0)), None))
        .collect();
    let (svg, map) = render("heatmap_many", |area| draw_monthly_heatmap(area, &many, &Theme::dark()));
    let map = map.unwrap();
    assert_eq!(count_tag(&svg, "rect"), 1 + 30 * 13);
    assert!(map.top + 30 * map.cell_h <= 400, "all rows fit");
}

#[test]
fn bars_per_rebalance() {
    let dates = dates_from(2021, 1, 1, 365);
    let turnover: Vec<(usize, f64)> = (0..365).step_by(30).map(|d| (d, 0.05 + 0.01 * (d % 7) as f64)).collect();
    let fees: Vec<(usize, f64)> = turnover.iter().map(|&(d, t)| (d, t * 0.1)).collect();
    let bars = [
        Bars { name: "Turnover", color: color_for(0), points: &turnover },
        Bars { name: "Fees", color: color_for(1), points: &fees },
    ];
    let axis = YAxis { title: "Turnover and fees per rebalance", label: "of portfolio", format: ValueFormat::Share };
    let (svg, map) = render("bars", |area| draw_bars(area, &dates, &bars, &axis, View::ALL, &Theme::light()));
    let map = map.unwrap();
    // One bar per rebalance plus one legend swatch per series.
    assert_eq!(count_tag_with(&svg, "rect", "fill", &hex(color_for(0))), turnover.len() + 1);
    assert_eq!(count_tag_with(&svg, "rect", "fill", &hex(color_for(1))), fees.len() + 1);
    assert!(has_text(&svg, "Turnover") && has_text(&svg, "Fees"));
    assert!(has_text(&svg, "2021-01-01 \u{2013} 2021-12-31"));
    assert!(has_text(&svg, "10%") && has_text(&svg, "0%"), "{:?}", texts(&svg));
    assert_eq!(map.y_lo, 0.0);
    // Bars stand on the zero line: a turnover bar's bottom edge is at y(0).
    let zero = map.value_to_pixel(0.0).unwrap();
    let bar = svg.split("<rect ").filter(|e| e.contains(&hex(color_for(0)))).nth(1).unwrap();
    let y: i32 = attr(bar, "y");
    let h: i32 = attr(bar, "height");
    assert_eq!(y + h, zero);

    // Zoomed to a window: only its bars; the crosshair snaps to the nearest bar.
    let view = View::window(100, 200).with_hover(Some(152));
    let (svg, map) = render("bars_zoom", |area| draw_bars(area, &dates, &bars, &axis, view, &Theme::dark()));
    let inside = turnover.iter().filter(|p| (100..=200).contains(&p.0)).count();
    assert_eq!(count_tag_with(&svg, "rect", "fill", &hex(color_for(0))), inside + 1 + 1, "bars, legend, hover swatch");
    assert_eq!(turnover[5], (150, 0.08));
    assert!(has_text(&svg, "Turnover: 8.0%") && has_text(&svg, "Fees: 0.8%"), "{:?}", texts(&svg));
    assert!(has_text(&svg, &dates[150].to_string()));
    let x = map.unwrap().day_to_pixel(150).unwrap();
    assert!(svg.contains(&format!("points=\"{x},")), "crosshair at the bar day");

    // No bars in the window, and no days at all.
    let (svg, map) =
        render("bars_none", |area| draw_bars(area, &dates, &bars, &axis, View::window(1, 20), &Theme::light()));
    assert!(!map.unwrap().has_data);
    assert!(has_text(&svg, "No bars in this window"));
    let (_, map) = render("bars_empty", |area| draw_bars(area, &[], &bars, &axis, View::ALL, &Theme::light()));
    assert!(!map.unwrap().has_data);
}

fn attr(element: &str, name: &str) -> i32 {
    let key = format!(" {name}=\"");
    let start = element
        .find(&key)
        .map(|i| i + key.len())
        .or_else(|| element.starts_with(&key[1..]).then_some(key.len() - 1))
        .unwrap();
    element[start..].split('"').next().unwrap().parse().unwrap()
}
