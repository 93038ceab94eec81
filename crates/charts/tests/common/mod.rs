//! Test helpers: render a chart to an SVG string, save it under
//! `target/chart-svgs/` for a human to look at, and query the SVG.
#![allow(dead_code)]

use std::path::PathBuf;

use charts::Date;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_svg::SVGBackend;

pub type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Where the SVGs go: `<workspace>/target/chart-svgs/`.
pub fn svg_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/chart-svgs")
}

/// Renders with `draw` on an 800x400 SVG, saves it as `<name>.svg` and
/// returns the SVG text and whatever `draw` returned.
pub fn render<R>(name: &str, draw: impl FnOnce(&Area) -> R) -> (String, R) {
    render_sized(name, (800, 400), draw)
}

pub fn render_sized<R>(name: &str, size: (u32, u32), draw: impl FnOnce(&Area) -> R) -> (String, R) {
    let mut svg = String::new();
    let out;
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        out = draw(&root);
        root.present().expect("present");
    }
    let dir = svg_dir();
    std::fs::create_dir_all(&dir).expect("create target/chart-svgs");
    std::fs::write(dir.join(format!("{name}.svg")), &svg).expect("write svg");
    (svg, out)
}

/// The text content of every `<text>` element, unescaped, in order.
pub fn texts(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find("<text") {
        rest = &rest[i..];
        let open_end = rest.find('>').expect("text tag end") + 1;
        let close = rest.find("</text>").expect("text close");
        let body = rest[open_end..close].trim();
        out.push(
            body.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&"),
        );
        rest = &rest[close + 7..];
    }
    out
}

pub fn has_text(svg: &str, t: &str) -> bool {
    texts(svg).iter().any(|x| x == t)
}

/// Elements (`<polyline`, `<polygon`, `<rect`...) of `tag` whose `attr`
/// equals `value`, e.g. `("polyline", "stroke", "#0072B2")`.
pub fn count_tag_with(svg: &str, tag: &str, attr: &str, value: &str) -> usize {
    let needle = format!("{attr}=\"{value}\"");
    svg.split(&format!("<{tag} "))
        .skip(1)
        .filter(|el| el[..el.find("/>").unwrap_or(el.len())].contains(&needle))
        .count()
}

/// Drawn lines of colour `c`: stroked `<polyline>`s (days at least a pixel
/// apart) plus opaque `<polygon>` bands (a line downsampled to pixel
/// columns); translucent fills such as the drawdown's are not lines.
pub fn count_lines(svg: &str, c: RGBColor) -> usize {
    let bands = svg
        .split("<polygon ")
        .skip(1)
        .filter(|el| {
            let el = &el[..el.find("/>").unwrap_or(el.len())];
            el.contains(&format!("fill=\"{}\"", hex(c))) && el.contains("opacity=\"1\"")
        })
        .count();
    count_tag_with(svg, "polyline", "stroke", &hex(c)) + bands
}

/// The `points` of every `<polygon>` with `fill` colour `c` and opacity 1, as pixel pairs.
pub fn band_points(svg: &str, c: RGBColor) -> Vec<Vec<(i32, i32)>> {
    svg.split("<polygon ")
        .skip(1)
        .map(|el| &el[..el.find("/>").unwrap_or(el.len())])
        .filter(|el| el.contains(&format!("fill=\"{}\"", hex(c))) && el.contains("opacity=\"1\""))
        .map(|el| {
            let pts = el.split("points=\"").nth(1).expect("points").split('"').next().unwrap();
            pts.split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').expect("x,y");
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect()
        })
        .collect()
}

pub fn count_tag(svg: &str, tag: &str) -> usize {
    svg.matches(&format!("<{tag} ")).count()
}

/// `#RRGGBB` of a colour, as the SVG backend writes it.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// `n` consecutive dates starting at `y-m-d`.
pub fn dates_from(y: i32, m: u32, d: u32, n: usize) -> Vec<Date> {
    let start = Date::from_ymd(y, m, d).expect("valid date");
    (0..n).map(|i| Date(start.0 + i as i32)).collect()
}

/// A deterministic wiggly growth path: exp(drift * t + amp * sin(t / period)).
pub fn path(n: usize, drift: f64, amp: f64, period: f64) -> Vec<f64> {
    (0..n).map(|i| (drift * i as f64 + amp * (i as f64 / period).sin()).exp()).collect()
}

/// Converts an SVG in target/chart-svgs to PNG when `rsvg-convert` exists
/// (for eyeballing; ignored otherwise).
pub fn try_png(name: &str) {
    let dir = svg_dir();
    let _ = std::process::Command::new("rsvg-convert")
        .arg("-o")
        .arg(dir.join(format!("{name}.png")))
        .arg(dir.join(format!("{name}.svg")))
        .status();
}

/// Day rows of `(asset, weight)` for `draw_weights` from a dense day x asset
/// matrix (every entry listed, zeros and NaN included, as a caller might).
#[allow(dead_code)]
pub fn sparse(dense: &[Vec<f64>]) -> Vec<Vec<(usize, f64)>> {
    dense.iter().map(|row| row.iter().copied().enumerate().collect()).collect()
}
