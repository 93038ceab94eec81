//! A plotters chart on a canvas, with hover crosshair (mouse, or arrow keys
//! once the chart has focus), drag-to-zoom, PNG/SVG download and a text
//! alternative (`crate::chart_text`).

use crate::backend::Backend;
use charts::{CoordMap, Theme, View};
use plotters::prelude::IntoDrawingArea;
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::compute::{measured, ByPtr, ChartData, ChartKind};
use crate::services::download;

#[derive(Properties, Clone)]
pub struct ChartProps {
    pub kind: ChartKind,
    pub data: Rc<ChartData>,
    pub zoom: Option<(usize, usize)>,
    pub log_scale: bool,
    pub dark: bool,
    /// Bumped when the window resizes, so the canvas is redrawn at its new width.
    pub size_epoch: u32,
    pub height: u32,
    pub title: AttrValue,
    /// A drag over the chart selected this day window (None = reset).
    pub on_zoom: Callback<Option<(usize, usize)>>,
}

impl PartialEq for ChartProps {
    fn eq(&self, o: &Self) -> bool {
        self.kind == o.kind
            && Rc::ptr_eq(&self.data, &o.data)
            && self.zoom == o.zoom
            && self.log_scale == o.log_scale
            && self.dark == o.dark
            && self.size_epoch == o.size_epoch
            && self.height == o.height
            && self.title == o.title
    }
}

pub fn theme(dark: bool) -> Theme {
    if dark {
        Theme::dark()
    } else {
        Theme::light()
    }
}

fn view_of(zoom: Option<(usize, usize)>, hover: Option<usize>) -> View {
    let base = zoom.map(|(a, b)| View::window(a, b)).unwrap_or(View::ALL);
    base.with_hover(hover)
}

/// Mouse position in canvas pixels (the canvas may be scaled by CSS).
pub(crate) fn canvas_xy(canvas: &HtmlCanvasElement, e: &MouseEvent) -> (i32, i32) {
    let rect = canvas.get_bounding_client_rect();
    let sx = canvas.width() as f64 / rect.width().max(1.0);
    let sy = canvas.height() as f64 / rect.height().max(1.0);
    (((e.client_x() as f64 - rect.left()) * sx) as i32, ((e.client_y() as f64 - rect.top()) * sy) as i32)
}

/// What a canvas chart's hover needs: the item under the pointer (a day, a
/// cell) and the two mouse handlers that keep it; `locate(x, y)` finds the
/// item at a point in canvas pixels (None: nothing there).
pub(crate) struct CanvasHover<T: 'static> {
    pub hover: UseStateHandle<Option<T>>,
    pub onmousemove: Callback<MouseEvent>,
    pub onmouseleave: Callback<MouseEvent>,
}

/// The hover of a canvas chart: the line charts (a day) and the sweep's
/// heatmap (a cell) share it. The state changes only when the item under
/// the pointer does, so moving within one item renders nothing.
#[hook]
pub(crate) fn use_canvas_hover<T, F>(canvas_ref: &NodeRef, locate: F) -> CanvasHover<T>
where
    T: PartialEq + Clone + 'static,
    F: Fn(i32, i32) -> Option<T> + 'static,
{
    let hover = use_state(|| None::<T>);
    let onmousemove = {
        let (canvas_ref, hover) = (canvas_ref.clone(), hover.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() else { return };
            let (x, y) = canvas_xy(&canvas, &e);
            let item = locate(x, y);
            if *hover != item {
                hover.set(item);
            }
        })
    };
    let onmouseleave = {
        let hover = hover.clone();
        Callback::from(move |_| hover.set(None))
    };
    CanvasHover { hover, onmousemove, onmouseleave }
}

/// Sizes the canvas to `width` x `props.height` (only when they differ:
/// resizing clears and reallocates a canvas), paints the chart and returns
/// its coordinate map, timed as `indexlab:paint:<chart>`.
fn paint(
    canvas: HtmlCanvasElement,
    width: u32,
    props: &ChartProps,
    hover: Option<usize>,
) -> Option<Result<CoordMap, String>> {
    measured(&format!("indexlab:paint:{}", props.kind.file_stem()), || {
        if canvas.width() != width {
            canvas.set_width(width);
        }
        if canvas.height() != props.height {
            canvas.set_height(props.height);
        }
        let backend = Backend::canvas(canvas)?;
        let area = backend.into_drawing_area();
        let view = view_of(props.zoom, hover);
        let outcome = props.data.paint(props.kind, &area, view, props.log_scale, &theme(props.dark));
        let _ = area.present();
        Some(outcome.map_err(|e| e.to_string()))
    })
}

/// What a canvas shows: the props and hovered day it was last painted with.
type Painted = Rc<RefCell<Option<(ChartProps, Option<usize>)>>>;

#[function_component(Chart)]
pub fn chart(props: &ChartProps) -> Html {
    let canvas_ref = use_node_ref();
    let drag_from = use_mut_ref(|| None::<i32>);
    let map: Rc<RefCell<Option<CoordMap>>> = use_mut_ref(|| None);
    let CanvasHover { hover, onmousemove, onmouseleave } = {
        let map = map.clone();
        use_canvas_hover(&canvas_ref, move |x, y| {
            map.borrow().as_ref().filter(|m| m.contains(x, y)).and_then(|m| m.day_at_pixel(x))
        })
    };
    let error = use_state(|| None::<String>);
    let painted: Painted = use_mut_ref(|| None);

    // An update of a mounted canvas at an unchanged size is painted right
    // away, during the render: the scheduler may let the browser draw a
    // frame between rendering and effects, and the charts would then wait
    // for that frame. The canvas keeps its current width here (reading the
    // laid-out width would force a layout of the half-updated page); the
    // effect below checks it after the update and repaints if it changed.
    if let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() {
        let key = (props.clone(), *hover);
        let same_size = painted.borrow().as_ref().is_some_and(|(p, _)| {
            p.size_epoch == props.size_epoch && p.height == props.height && canvas.height() == props.height
        });
        if same_size && painted.borrow().as_ref() != Some(&key) {
            if let Some(Ok(m)) = paint(canvas.clone(), canvas.width(), props, *hover) {
                *map.borrow_mut() = Some(m);
                *painted.borrow_mut() = Some(key);
            }
        }
    }

    {
        let canvas_ref = canvas_ref.clone();
        let map = map.clone();
        let error = error.clone();
        let painted = painted.clone();
        let hover_now = *hover;
        use_effect_with((props.clone(), hover_now), move |(props, hover)| {
            let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() else { return };
            let width = canvas.client_width().max(320) as u32;
            let key = (props.clone(), *hover);
            let fresh =
                painted.borrow().as_ref() == Some(&key) && canvas.width() == width && canvas.height() == props.height;
            let message = if fresh {
                None
            } else {
                match paint(canvas, width, props, *hover) {
                    Some(Ok(m)) => {
                        *map.borrow_mut() = Some(m);
                        *painted.borrow_mut() = Some(key);
                        None
                    }
                    Some(Err(e)) => {
                        *painted.borrow_mut() = None;
                        Some(e)
                    }
                    None => None,
                }
            };
            // Setting the state re-renders the component: only on a change.
            if *error != message {
                error.set(message);
            }
        });
    }

    let onmousedown = {
        let (canvas_ref, drag_from) = (canvas_ref.clone(), drag_from.clone());
        Callback::from(move |e: MouseEvent| {
            if let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() {
                *drag_from.borrow_mut() = Some(canvas_xy(&canvas, &e).0);
            }
        })
    };
    let onmouseup = {
        let (canvas_ref, drag_from, map, on_zoom) = (canvas_ref.clone(), drag_from, map.clone(), props.on_zoom.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(x0) = drag_from.borrow_mut().take() else { return };
            let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() else { return };
            let x1 = canvas_xy(&canvas, &e).0;
            if (x1 - x0).abs() < 6 {
                return;
            }
            if let Some(range) = map.borrow().as_ref().and_then(|m| m.zoom_range(x0, x1)) {
                on_zoom.emit(Some(range));
            }
        })
    };
    // Keyboard crosshair: arrows move a day (with Shift a twentieth of the
    // window), Home / End jump to the ends, Escape hides it.
    let onkeydown = {
        let (map, hover) = (map.clone(), hover.clone());
        Callback::from(move |e: KeyboardEvent| {
            let Some((first, last)) = map.borrow().as_ref().filter(|m| m.has_data).map(|m| (m.first_day, m.last_day))
            else {
                return;
            };
            let step = if e.shift_key() { ((last - first) / 20).max(1) } else { 1 };
            let now = *hover;
            let next = match e.key().as_str() {
                "ArrowRight" => Some(now.map_or(first, |d| (d + step).min(last))),
                "ArrowLeft" => Some(now.map_or(last, |d| d.saturating_sub(step).max(first))),
                "Home" => Some(first),
                "End" => Some(last),
                "Escape" => None,
                _ => return,
            };
            e.prevent_default();
            if next != now {
                hover.set(next);
            }
        })
    };
    let ondblclick = {
        let on_zoom = props.on_zoom.clone();
        Callback::from(move |_| on_zoom.emit(None))
    };

    let stem = props.kind.file_stem();
    let download_png = {
        let canvas_ref = canvas_ref.clone();
        Callback::from(move |_| {
            if let Some(url) = canvas_ref.cast::<HtmlCanvasElement>().and_then(|c| c.to_data_url().ok()) {
                download::data_url(&format!("indexlab-{stem}.png"), &url);
            }
        })
    };
    let download_svg = {
        let props = props.clone();
        let canvas_ref = canvas_ref.clone();
        Callback::from(move |_| {
            let (w, h) =
                canvas_ref.cast::<HtmlCanvasElement>().map(|c| (c.width(), c.height())).unwrap_or((1000, props.height));
            let mut svg = String::new();
            {
                let area = Backend::svg(&mut svg, (w, h)).into_drawing_area();
                let view = view_of(props.zoom, None);
                let _ = props.data.paint(props.kind, &area, view, props.log_scale, &theme(props.dark));
                let _ = area.present();
            }
            download::text(&format!("indexlab-{stem}.svg"), "image/svg+xml", &svg);
        })
    };

    let alt_id = format!("chart-{stem}-alt");
    // Computed once per data and chart, not on every hover move.
    let alt = use_memo((ByPtr(props.data.clone()), props.kind), |(data, kind)| data.0.describe(*kind));
    let at_day = hover.map(|d| props.data.describe_day(props.kind, d)).unwrap_or_default();
    html! {
        <figure class="chart" data-chart={stem}>
            <figcaption>
                <span class="chart-title">{ props.title.clone() }</span>
                <span class="chart-actions">
                    <button class="link png-download" onclick={download_png} title="Download this chart as a PNG image">{ "PNG" }</button>
                    <button class="link svg-download" onclick={download_svg} title="Download this chart as an SVG drawing">{ "SVG" }</button>
                </span>
            </figcaption>
            <canvas ref={canvas_ref} class="chart-canvas" id={format!("chart-{stem}")} height={props.height.to_string()}
                {onmousemove} {onmouseleave} {onmousedown} {onmouseup} {ondblclick} {onkeydown} tabindex="0"
                aria-label={format!("{} (arrow keys move a crosshair)", props.title)} aria-describedby={alt_id.clone()}
                role="img"></canvas>
            <p class="sr-only chart-alt" id={alt_id}>{ alt }</p>
            <p class="sr-only chart-day" aria-live="polite" data-day={hover.map(|d| d.to_string())}>{ at_day }</p>
            if let Some(e) = &*error {
                <p class="error">{ format!("This chart could not be drawn: {e}") }</p>
            }
        </figure>
    }
}
