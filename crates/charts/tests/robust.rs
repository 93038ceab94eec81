//! Every chart survives tiny canvases and odd inputs without panicking.

mod common;

use charts::{
    color_for, draw_bars, draw_drawdown, draw_growth, draw_monthly_heatmap, draw_rolling, draw_weights, Bars, Series,
    Theme, ValueFormat, View, YAxis,
};
use common::*;

#[test]
fn tiny_and_odd_canvases_do_not_panic() {
    let dates = dates_from(2020, 1, 1, 400);
    let a = path(400, 0.001, 0.2, 30.0);
    let dd = charts::drawdown_from_growth(&a);
    let series = [Series::new("A", color_for(0), &a)];
    let dds = [Series::new("A", color_for(0), &dd)];
    let w = sparse(&(0..400).map(|_| vec![0.5, 0.3, 0.2]).collect::<Vec<_>>());
    let pts = [(10usize, 0.1), (100, 0.2)];
    let bars = [Bars { name: "T", color: color_for(0), points: &pts }];
    let axis = YAxis { title: "T", label: "", format: ValueFormat::Number };
    let table = [(2020, [Some(0.1); 12], Some(0.5))];
    let theme = Theme::light();
    let view = View::ALL.with_hover(Some(200));
    for (i, size) in [(1, 1), (30, 20), (120, 60), (2000, 90), (90, 2000)].into_iter().enumerate() {
        let name = |chart: &str| format!("tiny_{chart}_{i}");
        // Errors are allowed (the backend may refuse a degenerate area); panics are not.
        let _ = render_sized(&name("growth"), size, |area| draw_growth(area, &dates, &series, true, view, &theme));
        let _ = render_sized(&name("drawdown"), size, |area| draw_drawdown(area, &dates, &dds, view, &theme));
        let _ = render_sized(&name("rolling"), size, |area| draw_rolling(area, &dates, &series, &axis, view, &theme));
        let _ = render_sized(&name("weights"), size, |area| {
            draw_weights(area, &dates, &["x", "y", "z"], &w, 1, view, &theme)
        });
        let _ = render_sized(&name("bars"), size, |area| draw_bars(area, &dates, &bars, &axis, view, &theme));
        let _ = render_sized(&name("heatmap"), size, |area| draw_monthly_heatmap(area, &table, &theme));
    }
    // Below the minimum size only the background is drawn, and lookups say "nothing here".
    let (svg, map) =
        render_sized("tiny_growth_blank", (100, 60), |area| draw_growth(area, &dates, &series, true, view, &theme));
    let map = map.unwrap();
    assert!(!map.has_data && map.day_at_pixel(50).is_none());
    assert_eq!((count_tag(&svg, "rect"), count_tag(&svg, "text"), count_tag(&svg, "polyline")), (1, 0, 0));
    let (_, map) = render_sized("tiny_heatmap_blank", (100, 60), |area| draw_monthly_heatmap(area, &table, &theme));
    assert_eq!(map.unwrap().cell_at(10, 10), None);
}

#[test]
fn normal_canvases_draw_without_errors() {
    // Standard sizes must not produce backend errors.
    let dates = dates_from(2020, 1, 1, 30);
    let a = path(30, 0.01, 0.1, 5.0);
    let series = [Series::new("A", color_for(0), &a)];
    for size in [(320, 200), (800, 400), (1600, 900)] {
        let (_, r) = render_sized("normal_growth", size, |area| {
            draw_growth(area, &dates, &series, false, View::ALL, &Theme::dark())
        });
        assert!(r.is_ok(), "{size:?}: {r:?}");
    }
}

#[test]
fn non_finite_and_huge_values() {
    let dates = dates_from(2020, 1, 1, 50);
    let mut v: Vec<f64> = (0..50).map(|i| 1.0 + i as f64).collect();
    v[3] = f64::INFINITY;
    v[4] = f64::NEG_INFINITY;
    v[5] = 1e300;
    let series = [Series::new("Wild", color_for(0), &v)];
    for log in [false, true] {
        let (_, r) = render("wild", |area| {
            draw_growth(area, &dates, &series, log, View::ALL.with_hover(Some(3)), &Theme::light())
        });
        assert!(r.unwrap().has_data);
    }
    let nan = [f64::NAN; 50];
    let series = [Series::new("NaN", color_for(0), &nan)];
    let axis = YAxis { title: "T", label: "", format: ValueFormat::Percent };
    let (svg, r) =
        render("rolling_all_nan", |area| draw_rolling(area, &dates, &series, &axis, View::ALL, &Theme::light()));
    assert!(!r.unwrap().has_data);
    assert!(has_text(&svg, "NaN (no data)") && has_text(&svg, "No data in this window"));
}

#[test]
fn palette_is_okabe_ito_and_theme_aware() {
    use charts::{RGBColor, PALETTE};
    let okabe_ito = [
        RGBColor(0, 0, 0),
        RGBColor(230, 159, 0),
        RGBColor(86, 180, 233),
        RGBColor(0, 158, 115),
        RGBColor(240, 228, 66),
        RGBColor(0, 114, 178),
        RGBColor(213, 94, 0),
        RGBColor(204, 121, 167),
    ];
    assert!(okabe_ito.iter().all(|c| PALETTE.contains(c)));
    assert_eq!(color_for(8), color_for(0));
    assert_eq!(color_for(7), RGBColor(0, 0, 0));
    assert_eq!(Theme::light().series_color(7), RGBColor(0, 0, 0));
    assert_eq!(Theme::dark().series_color(7), Theme::dark().foreground);
    assert_eq!(Theme::dark().series_color(2), color_for(2));
}
