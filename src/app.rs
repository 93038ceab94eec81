use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// A small deterministic series to show until the built-in market lands.
fn demo_series() -> Vec<f64> {
    let mut x = 1.0f64;
    let mut s = 0x2545_f491_4f6c_dd1du64;
    (0..365)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let u = (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            x *= 1.0 + 0.06 * u;
            x
        })
        .collect()
}

#[function_component(App)]
pub fn app() -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        use_effect_with((), move |_| {
            if let Some(el) = canvas.cast::<HtmlCanvasElement>() {
                let values = demo_series();
                if let Some(backend) = CanvasBackend::with_canvas_object(el) {
                    let root = backend.into_drawing_area();
                    let _ = root.fill(&WHITE);
                    let max = values.iter().cloned().fold(0.0, f64::max);
                    if let Ok(mut chart) = ChartBuilder::on(&root)
                        .margin(10)
                        .x_label_area_size(30)
                        .y_label_area_size(40)
                        .build_cartesian_2d(0usize..values.len(), 0.0..max * 1.1)
                    {
                        let _ = chart.configure_mesh().draw();
                        let _ = chart.draw_series(LineSeries::new(values.iter().cloned().enumerate(), &BLUE));
                    }
                    let _ = root.present();
                }
            }
        });
    }
    html! {
        <main>
            <h1>{ "IndexLab" }</h1>
            <canvas id="growth" ref={canvas} width="800" height="400"></canvas>
        </main>
    }
}
