//! A small canvas line chart for a lesson readout (one series over the days).

use charts::{draw_rolling, Series, ValueFormat, View, YAxis};
use engine::Date;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
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
}

impl PartialEq for LineChartProps {
    fn eq(&self, o: &Self) -> bool {
        self.title == o.title
            && self.dark == o.dark
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
                if let Some(backend) = CanvasBackend::with_canvas_object(canvas) {
                    let area = backend.into_drawing_area();
                    let th = theme(props.dark);
                    let series = [Series::new(&props.name, th.series_color(0), &props.values)];
                    let axis = YAxis { title: &props.title, label: &props.label, format: ValueFormat::Number };
                    if let Err(e) = draw_rolling(&area, &props.dates, &series, &axis, View::ALL, &th) {
                        error.set(Some(e.to_string()));
                    }
                    let _ = area.present();
                }
            }
        });
    }
    html! {
        <figure class="lesson-chart">
            <canvas ref={canvas_ref} id="lesson-chart" height="240" role="img" aria-label={props.title.clone()}></canvas>
            if let Some(e) = &*error {
                <p class="error">{ format!("This chart could not be drawn: {e}") }</p>
            }
        </figure>
    }
}
