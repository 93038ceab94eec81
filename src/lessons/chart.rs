//! A small canvas line chart for a lesson readout (one series over the days),
//! with an optional shaded stretch of days (lesson 7: the market's worst
//! drawdown).

use crate::backend::Backend;
use charts::{draw_rolling, Series, ValueFormat, View, YAxis};
use engine::Date;
use plotters::prelude::{IntoDrawingArea, Rectangle};
use plotters::style::{Color, RGBColor};
use std::rc::Rc;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::components::chart::theme;

#[derive(Properties, Clone)]
pub struct LineChartProps {
    pub title: AttrValue,
    pub label: AttrValue,
    pub name: AttrValue,
    pub dates: Rc<Vec<Date>>,
    pub values: Rc<Vec<f64>>,
    pub dark: bool,
    /// Days shaded (inclusive indices), and what they are.
    #[prop_or_default]
    pub shade: Option<(usize, usize)>,
    #[prop_or_default]
    pub shade_label: AttrValue,
}

impl PartialEq for LineChartProps {
    fn eq(&self, o: &Self) -> bool {
        self.title == o.title
            && self.dark == o.dark
            && self.shade == o.shade
            && (Rc::ptr_eq(&self.values, &o.values) || self.values == o.values)
            && (Rc::ptr_eq(&self.dates, &o.dates) || self.dates == o.dates)
    }
}

#[function_component(LineChart)]
pub fn line_chart(props: &LineChartProps) -> Html {
    let canvas_ref = use_node_ref();
    let error = use_state(|| None::<String>);
    {
        let (canvas_ref, error, props) = (canvas_ref.clone(), error.clone(), props.clone());
        use_effect_with(props.clone(), move |_| {
            if let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() {
                let width = canvas.client_width().max(320) as u32;
                canvas.set_width(width);
                canvas.set_height(240);
                if let Some(backend) = Backend::canvas(canvas) {
                    let area = backend.into_drawing_area();
                    let th = theme(props.dark);
                    let series = [Series::new(&props.name, th.series_color(0), &props.values)];
                    let axis = YAxis { title: &props.title, label: &props.label, format: ValueFormat::Number };
                    match draw_rolling(&area, &props.dates, &series, &axis, View::ALL, &th) {
                        Ok(map) => {
                            let span =
                                props.shade.and_then(|(a, b)| Some((map.day_to_pixel(a)?, map.day_to_pixel(b)?)));
                            if let Some((x0, x1)) = span {
                                let fill = RGBColor(220, 80, 60).mix(0.15).filled();
                                let _ = area.draw(&Rectangle::new([(x0, map.top), (x1.max(x0 + 1), map.bottom)], fill));
                            }
                        }
                        Err(e) => error.set(Some(e.to_string())),
                    }
                    let _ = area.present();
                }
            }
        });
    }
    let alt = match props.shade {
        Some(_) => format!("{}; shaded: {}", props.title, props.shade_label),
        None => props.title.to_string(),
    };
    html! {
        <figure class="lesson-chart">
            <canvas ref={canvas_ref} id="lesson-chart" height="240" role="img" aria-label={alt}></canvas>
            if props.shade.is_some() {
                <figcaption class="muted"><span class="shade-key"></span>{ format!("Shaded: {}.", props.shade_label) }</figcaption>
            }
            if let Some(e) = &*error {
                <p class="error">{ format!("This chart could not be drawn: {e}") }</p>
            }
        </figure>
    }
}
