//! One drawing backend type for every chart of the page: the canvas it paints
//! and the SVG text of a chart's download. The charts' drawing code is generic
//! over the backend; drawing through this one type compiles it once, where a
//! canvas and an SVG backend would each carry a copy of it in the wasm.
//!
//! Every call goes straight to the backend inside, so what is drawn (and any
//! error's words) is exactly what that backend alone draws.

use plotters::prelude::DrawingBackend;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};
use plotters_canvas::CanvasBackend;
use plotters_svg::SVGBackend;
use std::fmt;

type CanvasError = <CanvasBackend as DrawingBackend>::ErrorType;

/// A canvas or an SVG document being drawn.
pub enum Backend<'a> {
    Canvas(CanvasBackend),
    Svg(SVGBackend<'a>),
}

impl Backend<'_> {
    /// Draws on `canvas`; `None` when it has no 2D context.
    pub fn canvas(canvas: web_sys::HtmlCanvasElement) -> Option<Self> {
        CanvasBackend::with_canvas_object(canvas).map(Backend::Canvas)
    }
}

impl<'a> Backend<'a> {
    /// Draws an SVG document of `size` into `buf`.
    pub fn svg(buf: &'a mut String, size: (u32, u32)) -> Self {
        Backend::Svg(SVGBackend::with_string(buf, size))
    }
}

/// The error of the backend inside, told as that backend tells it.
pub enum Error {
    Canvas(CanvasError),
    Svg(std::io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Error::Canvas(e) => fmt::Display::fmt(e, f),
            Error::Svg(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Error::Canvas(e) => fmt::Debug::fmt(e, f),
            Error::Svg(e) => fmt::Debug::fmt(e, f),
        }
    }
}

impl std::error::Error for Error {}

fn canvas_err(e: DrawingErrorKind<CanvasError>) -> DrawingErrorKind<Error> {
    match e {
        DrawingErrorKind::DrawingError(e) => DrawingErrorKind::DrawingError(Error::Canvas(e)),
        DrawingErrorKind::FontError(e) => DrawingErrorKind::FontError(e),
    }
}

fn svg_err(e: DrawingErrorKind<std::io::Error>) -> DrawingErrorKind<Error> {
    match e {
        DrawingErrorKind::DrawingError(e) => DrawingErrorKind::DrawingError(Error::Svg(e)),
        DrawingErrorKind::FontError(e) => DrawingErrorKind::FontError(e),
    }
}

/// `$call` on the backend inside, its error wrapped.
macro_rules! each {
    ($self:ident, $b:ident => $call:expr) => {
        match $self {
            Backend::Canvas($b) => $call.map_err(canvas_err),
            Backend::Svg($b) => $call.map_err(svg_err),
        }
    };
}

impl DrawingBackend for Backend<'_> {
    type ErrorType = Error;

    fn get_size(&self) -> (u32, u32) {
        match self {
            Backend::Canvas(b) => b.get_size(),
            Backend::Svg(b) => b.get_size(),
        }
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Error>> {
        each!(self, b => b.ensure_prepared())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Error>> {
        each!(self, b => b.present())
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<Error>> {
        each!(self, b => b.draw_pixel(point, color))
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Error>> {
        each!(self, b => b.draw_line(from, to, style))
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Error>> {
        each!(self, b => b.draw_rect(upper_left, bottom_right, style, fill))
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Error>> {
        each!(self, b => b.draw_path(path, style))
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Error>> {
        each!(self, b => b.draw_circle(center, radius, style, fill))
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Error>> {
        each!(self, b => b.fill_polygon(vert, style))
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Error>> {
        each!(self, b => b.draw_text(text, style, pos))
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<Error>> {
        each!(self, b => b.estimate_text_size(text, style))
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Result<(), DrawingErrorKind<Error>> {
        each!(self, b => b.blit_bitmap(pos, size, src))
    }
}
