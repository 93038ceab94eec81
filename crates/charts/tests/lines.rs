//! Growth, drawdown and rolling charts rendered to SVG.

mod common;

use charts::{
    color_for, draw_drawdown, draw_growth, draw_rolling, drawdown_from_growth, Series, Theme, ValueFormat, View, YAxis,
};
use common::*;

const N: usize = 3 * 365 + 1; // 2020-01-01 ..= 2022-12-31

fn data() -> (Vec<charts::Date>, Vec<f64>, Vec<f64>, Vec<f64>) {
    (dates_from(2020, 1, 1, N), path(N, 0.0012, 0.25, 60.0), path(N, 0.0008, 0.15, 45.0), path(N, 0.0015, 0.4, 90.0))
}

#[test]
fn growth_has_one_line_per_series_a_legend_and_date_labels() {
    let (dates, a, b, c) = data();
    let series = [
        Series::new("Market cap", color_for(0), &a),
        Series::new("Equal weight", color_for(1), &b),
        Series::new("BTC only", color_for(2), &c),
    ];
    let (svg, map) =
        render("growth_linear", |area| draw_growth(area, &dates, &series, false, View::ALL, &Theme::light()));
    let map = map.unwrap();
    for s in &series {
        assert_eq!(count_lines(&svg, s.color), 1, "{}", s.name);
        assert!(has_text(&svg, s.name), "legend label {}", s.name);
    }
    assert!(has_text(&svg, "Growth of 1"));
    assert!(has_text(&svg, "2020-01-01 \u{2013} 2022-12-31"), "{:?}", texts(&svg));
    assert!(has_text(&svg, "2021") && has_text(&svg, "2022"), "{:?}", texts(&svg));
    assert_eq!((map.first_day, map.last_day), (0, N - 1));
    assert!(map.has_data && !map.log_y);
}

#[test]
fn log_growth_has_1_2_5_ticks() {
    let (dates, a, _, _) = data();
    let big: Vec<f64> = (0..N).map(|i| 0.7 * (i as f64 * 0.005).exp()).collect(); // 0.7 .. ~166
    let series = [Series::new("Index", color_for(0), &a), Series::new("Rocket", color_for(3), &big)];
    let (svg, map) = render("growth_log", |area| draw_growth(area, &dates, &series, true, View::ALL, &Theme::light()));
    let map = map.unwrap();
    assert!(map.log_y);
    for t in ["1", "2", "5", "10", "20", "50", "100"] {
        assert!(has_text(&svg, t), "tick {t} missing in {:?}", texts(&svg));
    }
    assert!(!has_text(&svg, "3") && !has_text(&svg, "150"));
    // Equal ratios are equal distances on a log axis.
    let (p1, p10, p100) =
        (map.value_to_pixel(1.0).unwrap(), map.value_to_pixel(10.0).unwrap(), map.value_to_pixel(100.0).unwrap());
    assert!((p1 - p10 - (p10 - p100)).abs() <= 1, "{p1} {p10} {p100}");
}

#[test]
fn log_scale_clips_non_positive_values_with_a_note() {
    let dates = dates_from(2021, 1, 1, 100);
    let mut v: Vec<f64> = (0..100).map(|i| 1.0 + i as f64 * 0.01).collect();
    v[40] = 0.0;
    v[41] = -0.5;
    let dead = vec![0.0; 100];
    let series = [Series::new("Gappy", color_for(0), &v), Series::new("Wiped out", color_for(1), &dead)];
    let (svg, map) =
        render("growth_log_clipped", |area| draw_growth(area, &dates, &series, true, View::ALL, &Theme::dark()));
    assert!(map.unwrap().has_data);
    assert_eq!(count_lines(&svg, color_for(0)), 2, "split at the non-positive days");
    assert_eq!(count_lines(&svg, color_for(1)), 0);
    assert!(has_text(&svg, "values \u{2264} 0 not shown on log scale"));
    assert!(has_text(&svg, "Wiped out (no data)"));
    // A narrow log range (1 to 2) gets decimal ticks, each written once.
    let ticks: Vec<String> = ["1", "1.2", "1.4", "1.6", "1.8", "2"].iter().map(|s| s.to_string()).collect();
    let labels = texts(&svg);
    assert!(ticks.iter().all(|t| labels.iter().filter(|l| *l == t).count() == 1), "{labels:?}");

    let (svg, map) =
        render("growth_log_all_zero", |area| draw_growth(area, &dates, &series[1..], true, View::ALL, &Theme::light()));
    assert!(!map.unwrap().has_data);
    assert!(has_text(&svg, "No values above zero to show on a log scale"));
}

#[test]
fn zoom_window_and_hover_crosshair() {
    let (dates, a, b, _) = data();
    let series = [Series::new("Market cap", color_for(0), &a), Series::new("Equal weight", color_for(1), &b)];
    let view = View::window(400, 500).with_hover(Some(450));
    let theme = Theme::light();
    let (svg, map) = render("growth_zoom_hover", |area| draw_growth(area, &dates, &series, false, view, &theme));
    let map = map.unwrap();
    assert_eq!((map.first_day, map.last_day), (400, 500));
    assert!(has_text(&svg, &format!("{} \u{2013} {}", dates[400], dates[500])));
    // Hover box: the date and one row per series.
    assert!(has_text(&svg, &dates[450].to_string()), "{:?}", texts(&svg));
    assert!(texts(&svg).iter().any(|t| t.starts_with("Market cap: ")));
    // The crosshair is a vertical polyline in the crosshair colour at day 450.
    let x = map.day_to_pixel(450).unwrap();
    let cross = format!("points=\"{x},{} {x},{} \"", map.top, map.bottom);
    assert!(svg.contains(&cross), "crosshair {cross}");
    assert_eq!(count_tag_with(&svg, "polyline", "stroke", &hex(theme.crosshair)), 1);
    // Without hover there is no crosshair.
    let (svg, _) =
        render("growth_zoom", |area| draw_growth(area, &dates, &series, false, View::window(400, 500), &theme));
    assert_eq!(count_tag_with(&svg, "polyline", "stroke", &hex(theme.crosshair)), 0);
}

#[test]
fn hover_mapping_round_trips() {
    let (dates, a, _, _) = data();
    let series = [Series::new("A", color_for(0), &a)];
    // Fewer days than pixels: day -> pixel -> day is exact.
    let (_, map) =
        render("map_sparse", |area| draw_growth(area, &dates, &series, false, View::window(100, 199), &Theme::light()));
    let map = map.unwrap();
    assert_eq!(map.day_to_pixel(100), Some(map.left));
    assert_eq!(map.day_to_pixel(199), Some(map.right));
    for d in 100..=199 {
        assert_eq!(map.day_at_pixel(map.day_to_pixel(d).unwrap()), Some(d));
    }
    assert_eq!(map.day_to_pixel(99), None);
    assert_eq!(map.day_at_pixel(map.left - 1), None);
    assert_eq!(map.day_at_pixel(map.right + 1), None);
    // A drag maps to a zoom window; a click does not.
    let (x0, x1) = (map.day_to_pixel(120).unwrap(), map.day_to_pixel(150).unwrap());
    assert_eq!(map.zoom_range(x1, x0), Some((120, 150)));
    assert_eq!(map.zoom_range(x0, x0), None);
    assert_eq!(map.zoom_range(map.left - 50, map.right + 50), Some((100, 199)));
    // Values: pixel -> value -> pixel.
    for y in map.top..=map.bottom {
        let v = map.pixel_to_value(y).unwrap();
        assert_eq!(map.value_to_pixel(v), Some(y));
    }

    // More days than pixels: pixel -> day -> pixel stays within a pixel.
    let (_, map) = render("map_dense", |area| draw_growth(area, &dates, &series, true, View::ALL, &Theme::light()));
    let map = map.unwrap();
    for x in map.left..=map.right {
        let d = map.day_at_pixel(x).unwrap();
        assert!((map.day_to_pixel(d).unwrap() - x).abs() <= 1);
    }
    for y in (map.top..=map.bottom).step_by(7) {
        let v = map.pixel_to_value(y).unwrap();
        assert_eq!(map.value_to_pixel(v), Some(y));
    }
}

#[test]
fn empty_and_single_day_and_all_nan_do_not_panic() {
    let theme = Theme::light();
    let empty: [f64; 0] = [];
    let series = [Series::new("A", color_for(0), &empty)];
    let (svg, map) = render("growth_empty", |area| draw_growth(area, &[], &series, false, View::ALL, &theme));
    let map = map.unwrap();
    assert!(!map.has_data);
    assert_eq!(map.day_at_pixel(400), None);
    assert!(has_text(&svg, "No data"));
    assert!(has_text(&svg, "A"));

    let dates = dates_from(2021, 5, 19, 1);
    let one = [1.0];
    let series = [Series::new("One day", color_for(0), &one)];
    let (svg, map) = render("growth_single_day", |area| draw_growth(area, &dates, &series, true, View::ALL, &theme));
    let map = map.unwrap();
    assert!(has_text(&svg, "2021-05-19"));
    assert_eq!(count_tag_with(&svg, "circle", "fill", &hex(color_for(0))), 1, "a single day is a dot");
    assert_eq!(map.day_at_pixel((map.left + map.right) / 2), Some(0));

    let dates = dates_from(2021, 1, 1, 50);
    let nan = vec![f64::NAN; 50];
    let ok: Vec<f64> = (0..50).map(|i| 1.0 + i as f64 / 100.0).collect();
    let series = [Series::new("Nothing", color_for(0), &nan), Series::new("Something", color_for(1), &ok)];
    let (svg, map) = render("growth_all_nan", |area| draw_growth(area, &dates, &series, false, View::ALL, &theme));
    assert!(map.unwrap().has_data);
    assert!(has_text(&svg, "Nothing (no data)"));
    assert_eq!(count_lines(&svg, color_for(1)), 1);
    let (svg, map) =
        render("growth_only_nan", |area| draw_growth(area, &dates, &series[..1], false, View::ALL, &theme));
    assert!(!map.unwrap().has_data);
    assert!(has_text(&svg, "No data in this window"));
    // Windows beyond the data are clamped; reversed windows are swapped.
    let (_, map) =
        render("growth_clamped", |area| draw_growth(area, &dates, &series, false, View::window(40, 900), &theme));
    let map = map.unwrap();
    assert_eq!((map.first_day, map.last_day), (40, 49));
    let (_, map) =
        render("growth_reversed", |area| draw_growth(area, &dates, &series, false, View::window(30, 10), &theme));
    let map = map.unwrap();
    assert_eq!((map.first_day, map.last_day), (10, 30));
}

#[test]
fn drawdown_is_in_percent_below_zero() {
    let (dates, a, b, _) = data();
    let (da, db) = (drawdown_from_growth(&a), drawdown_from_growth(&b));
    let series = [Series::new("Market cap", color_for(0), &da), Series::new("Equal weight", color_for(1), &db)];
    let (svg, map) = render("drawdown", |area| draw_drawdown(area, &dates, &series, View::ALL, &Theme::light()));
    let map = map.unwrap();
    assert!(map.y_hi == 0.0 && map.y_lo < 0.0);
    for s in &series {
        assert_eq!(count_lines(&svg, s.color), 1);
        assert!(has_text(&svg, s.name));
        assert!(count_tag_with(&svg, "polygon", "fill", &hex(s.color)) >= 1, "underwater fill");
    }
    assert!(has_text(&svg, "0%"), "{:?}", texts(&svg));
    let labels = texts(&svg);
    assert!(labels.iter().any(|t| t.starts_with('-') && t.ends_with('%')), "{labels:?}");
    assert!(!labels.iter().any(|t| t.starts_with('+') && t.ends_with('%')), "no positive ticks: {labels:?}");
}

#[test]
fn rolling_lines_split_at_nan() {
    let (dates, a, b, _) = data();
    let window = 90;
    let vol = |v: &[f64]| -> Vec<f64> {
        (0..v.len())
            .map(|i| {
                if i < window {
                    return f64::NAN;
                }
                let r: Vec<f64> = (i - window + 1..=i).map(|j| v[j] / v[j - 1] - 1.0).collect();
                let m = r.iter().sum::<f64>() / r.len() as f64;
                (r.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (r.len() - 1) as f64).sqrt() * 365f64.sqrt()
            })
            .collect()
    };
    let (va, mut vb) = (vol(&a), vol(&b));
    for v in &mut vb[500..520] {
        *v = f64::NAN;
    }
    let series = [Series::new("Market cap", color_for(0), &va), Series::new("Equal weight", color_for(1), &vb)];
    let axis = YAxis { title: "Rolling 90-day volatility", label: "annualised", format: ValueFormat::Percent };
    let (svg, map) =
        render("rolling_vol", |area| draw_rolling(area, &dates, &series, &axis, View::ALL, &Theme::light()));
    assert!(map.unwrap().has_data);
    assert_eq!(count_lines(&svg, color_for(0)), 1);
    assert_eq!(count_lines(&svg, color_for(1)), 2, "split at the NaN gap");
    assert!(has_text(&svg, "Rolling 90-day volatility"));
    assert!(texts(&svg).iter().any(|t| t.starts_with('+') && t.ends_with('%')), "{:?}", texts(&svg));

    // A Sharpe ratio crossing zero gets plain-number ticks and a zero line.
    let sharpe: Vec<f64> = (0..N).map(|i| if i < 30 { f64::NAN } else { 2.0 * (i as f64 / 100.0).sin() }).collect();
    let series = [Series::new("Sharpe", color_for(2), &sharpe)];
    let axis = YAxis { title: "Rolling Sharpe", label: "ratio", format: ValueFormat::Number };
    let theme = Theme::light();
    let (svg, map) = render("rolling_sharpe", |area| draw_rolling(area, &dates, &series, &axis, View::ALL, &theme));
    let map = map.unwrap();
    assert!(has_text(&svg, "0") && has_text(&svg, "-1") && has_text(&svg, "1"), "{:?}", texts(&svg));
    let y0 = map.value_to_pixel(0.0).unwrap();
    assert!(svg.contains(&format!("points=\"{},{y0} {},{y0} \"", map.left, map.right)), "zero line");
}

#[test]
fn big_numbers_get_thousands_separators() {
    let dates = dates_from(2015, 1, 1, 2000);
    let moon: Vec<f64> = (0..2000).map(|i| (i as f64 * 0.005).exp()).collect(); // 1 .. ~22,000
    let series = [Series::new("Moon", color_for(0), &moon)];
    let (svg, _) =
        render("growth_big_log", |area| draw_growth(area, &dates, &series, true, View::ALL, &Theme::light()));
    assert!(has_text(&svg, "1,000") && has_text(&svg, "10,000"), "{:?}", texts(&svg));
    let (svg, _) =
        render("growth_big_linear", |area| draw_growth(area, &dates, &series, false, View::ALL, &Theme::light()));
    assert!(has_text(&svg, "20,000"), "{:?}", texts(&svg));
    // Hover values too.
    let view = View::ALL.with_hover(Some(1999));
    let (svg, _) = render("growth_big_hover", |area| draw_growth(area, &dates, &series, false, view, &Theme::light()));
    let row = texts(&svg).into_iter().find(|t| t.starts_with("Moon: ")).unwrap();
    assert!(row.starts_with("Moon: 21,") || row.starts_with("Moon: 22,"), "{row}");
}

#[test]
fn many_series_wrap_the_legend() {
    let dates = dates_from(2022, 1, 1, 200);
    let names: Vec<String> = (0..10).map(|i| format!("Strategy number {i} (rebalanced monthly)")).collect();
    let values: Vec<Vec<f64>> = (0..10).map(|i| path(200, 0.001 * i as f64, 0.1, 20.0 + i as f64)).collect();
    let series: Vec<Series> = (0..10).map(|i| Series::new(&names[i], color_for(i), &values[i])).collect();
    let (svg, map) =
        render("growth_many", |area| draw_growth(area, &dates, &series, false, View::ALL, &Theme::light()));
    let map = map.unwrap();
    assert!(names.iter().all(|n| has_text(&svg, n)));
    // The legend rows are above the plot and there is more than one.
    let legend_ys: std::collections::BTreeSet<i32> = svg
        .split("<text ")
        .skip(1)
        .filter(|e| e.contains("Strategy number"))
        .map(|e| e["x=\"".len()..].split("y=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap())
        .collect();
    assert!(legend_ys.len() >= 3, "{legend_ys:?}");
    assert!(legend_ys.iter().all(|&y| y < map.top), "{legend_ys:?} vs top {}", map.top);
    assert!(map.bottom - map.top > 150, "the plot keeps most of the height");
}

#[test]
fn dense_lines_are_downsampled_to_the_pixel_width_with_exact_extremes_and_hover() {
    // Ten thousand days on an 800 px chart: many days per pixel column.
    let n = 10_000;
    let dates = dates_from(1995, 1, 1, n);
    let mut v: Vec<f64> = (0..n).map(|i| 2.0 + (i as f64 / 300.0).sin() + 0.3 * (i as f64 / 7.0).sin()).collect();
    v[4_321] = 9.0; // a one-day spike
    v[7_777] = 0.2; // and a one-day crash
    let (hi, lo) = (9.0, 0.2);
    let theme = Theme::light();
    let series = [Series::new("A", color_for(0), &v)];
    let (svg, map) = render("growth_dense", |area| draw_growth(area, &dates, &series, false, View::ALL, &theme));
    let map = map.unwrap();
    let bands = band_points(&svg, color_for(0));
    assert_eq!(bands.len(), 1, "one band for one unbroken line");
    assert_eq!(count_tag_with(&svg, "polyline", "stroke", &hex(color_for(0))), 0);
    let band = &bands[0];
    // Point count bounded by the pixel width: two vertices per column.
    let width = (map.right - map.left + 1) as usize;
    assert!(band.len() <= 2 * width, "{} vertices for {width} columns", band.len());
    assert!(band.len() >= width, "every column is drawn");
    // The extremes are drawn exactly: the band reaches the spike and the
    // crash, plus half the line width, and goes no further.
    let top = band.iter().map(|p| p.1).min().unwrap();
    let bottom = band.iter().map(|p| p.1).max().unwrap();
    assert_eq!(top, map.value_to_pixel(hi).unwrap() - 1);
    assert_eq!(bottom, map.value_to_pixel(lo).unwrap() + 1);
    assert!(band.contains(&(map.day_to_pixel(4_321).unwrap(), top)), "the spike is at its day's column");
    assert!(band.contains(&(map.day_to_pixel(7_777).unwrap(), bottom)), "so is the crash");

    // The hover readout shows the day's own value, not its column's extremes.
    let d = (5_000..6_000)
        .find(|&d| (d - 1..=d + 1).all(|e| map.day_to_pixel(e) == map.day_to_pixel(d)))
        .expect("three days in one column");
    let mut w = v.clone();
    (w[d - 1], w[d], w[d + 1]) = (1.0, 2.4, 3.0);
    let series = [Series::new("A", color_for(0), &w)];
    let view = View::ALL.with_hover(Some(d));
    let (svg, _) = render("growth_dense_hover", |area| draw_growth(area, &dates, &series, false, view, &theme));
    let row = texts(&svg).into_iter().find(|t| t.starts_with("A: ")).expect("hover row");
    let shown: f64 = row["A: ".len()..].replace(',', "").parse().unwrap();
    // Shown to the chart's precision (one decimal here); the column's extremes are 1 and 3.
    assert!((shown - 2.4).abs() < 0.051, "{row}");
    assert!(has_text(&svg, &dates[d].to_string()));
}

#[test]
fn sparse_lines_keep_a_stroke_through_every_day() {
    // Fewer days than pixels (a zoomed window): the classic polyline, one vertex per day.
    let (dates, a, _, _) = data();
    let series = [Series::new("A", color_for(0), &a)];
    let (svg, map) = render("growth_sparse", |area| {
        draw_growth(area, &dates, &series, false, View::window(100, 199), &Theme::light())
    });
    assert_eq!(count_tag_with(&svg, "polyline", "stroke", &hex(color_for(0))), 1);
    assert!(band_points(&svg, color_for(0)).is_empty());
    let stroke = format!("stroke=\"{}\"", hex(color_for(0)));
    let line = svg.split("<polyline ").find(|el| el.contains(&stroke)).unwrap();
    let points = line.split("points=\"").nth(1).unwrap().split('"').next().unwrap();
    assert_eq!(points.split_whitespace().count(), 100);
    let map = map.unwrap();
    // plotters maps the stroke's points as CoordMap (and the dense bands) do.
    let first = format!("{},{}", map.day_to_pixel(100).unwrap(), map.value_to_pixel(a[100]).unwrap());
    assert_eq!(points.split_whitespace().next(), Some(first.as_str()));
    assert_eq!((map.first_day, map.last_day), (100, 199));
}
