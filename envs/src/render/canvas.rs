//! A small drawing surface over [`tiny_skia::Pixmap`]: anti-aliased filled polygons, circles,
//! polylines and rectangles in RGB, turned into a [`Frame`] at the end.
//!
//! Gymnasium's classic-control pictures are drawn with pygame in a y-up world and flipped at
//! the end; [`Canvas::y_up`] uses the same coordinates so that our geometry reads like
//! theirs: y grows upwards from the bottom row and, as in pygame, integer coordinates are
//! pixel *centres*, so a point `(x, y)` lands at `(x + 0.5, height − 0.5 − y)` on the
//! pixel grid. Without `y_up`, coordinates are plain pixel edges, y down: pixel `(i, j)`
//! covers `[i, i+1) × [j, j+1)`.
//!
//! A canvas of zero width or height is valid and draws nothing (tiny-skia refuses empty
//! pixmaps; we keep the size and produce an empty frame instead of failing).

use rewardlab_core::Frame;
use tiny_skia::{
    Color, FillRule, LineCap, LineJoin, Paint, Path, PathBuilder, Pixmap, Rect, Stroke, Transform,
};

/// An RGB colour.
pub type Rgb = [u8; 3];

/// A drawing surface; see the module docs for its coordinates.
#[derive(Debug, Clone)]
pub struct Canvas {
    pixmap: Option<Pixmap>,
    width: u32,
    height: u32,
    y_up: bool,
}

impl Canvas {
    /// A `width × height` canvas filled with `background`, y axis pointing down.
    pub fn new(width: u32, height: u32, background: Rgb) -> Self {
        let mut pixmap = Pixmap::new(width, height);
        if let Some(p) = pixmap.as_mut() {
            p.fill(Color::from_rgba8(
                background[0],
                background[1],
                background[2],
                255,
            ));
        }
        Canvas {
            pixmap,
            width,
            height,
            y_up: false,
        }
    }

    /// The same canvas in pygame's flipped world: y up from the bottom row, integer
    /// coordinates at pixel centres (see the module docs).
    pub fn y_up(mut self) -> Self {
        self.y_up = true;
        self
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    fn point(&self, (x, y): (f64, f64)) -> (f32, f32) {
        if self.y_up {
            ((x + 0.5) as f32, (f64::from(self.height) - 0.5 - y) as f32)
        } else {
            (x as f32, y as f32)
        }
    }

    fn fill(&mut self, path: Option<Path>, color: Rgb) {
        if let (Some(pixmap), Some(path)) = (self.pixmap.as_mut(), path) {
            pixmap.fill_path(
                &path,
                &paint(color),
                FillRule::Winding,
                Transform::identity(),
                None,
            );
        }
    }

    /// Fills the polygon through `points` (closed automatically).
    pub fn polygon(&mut self, points: &[(f64, f64)], color: Rgb) {
        let path = self.polyline_path(points, true);
        self.fill(path, color);
    }

    /// Fills a circle of radius `r` around `centre`.
    pub fn circle(&mut self, centre: (f64, f64), r: f64, color: Rgb) {
        let (x, y) = self.point(centre);
        self.fill(PathBuilder::from_circle(x, y, r as f32), color);
    }

    /// Fills the axis-aligned rectangle with corners `a` and `b`.
    pub fn rect(&mut self, a: (f64, f64), b: (f64, f64), color: Rgb) {
        let (ax, ay) = self.point(a);
        let (bx, by) = self.point(b);
        let rect = Rect::from_ltrb(ax.min(bx), ay.min(by), ax.max(bx), ay.max(by));
        self.fill(rect.map(PathBuilder::from_rect), color);
    }

    /// Strokes the open polyline through `points` with a line `width` pixels wide.
    pub fn line(&mut self, points: &[(f64, f64)], width: f64, color: Rgb) {
        let path = self.polyline_path(points, false);
        self.stroke(path, width, color);
    }

    /// Strokes the closed outline of the polygon through `points`, `width` pixels wide.
    pub fn outline(&mut self, points: &[(f64, f64)], width: f64, color: Rgb) {
        let path = self.polyline_path(points, true);
        self.stroke(path, width, color);
    }

    fn stroke(&mut self, path: Option<Path>, width: f64, color: Rgb) {
        if let (Some(pixmap), Some(path)) = (self.pixmap.as_mut(), path) {
            let stroke = Stroke {
                width: width as f32,
                line_cap: LineCap::Butt,
                line_join: LineJoin::Round,
                ..Stroke::default()
            };
            pixmap.stroke_path(&path, &paint(color), &stroke, Transform::identity(), None);
        }
    }

    fn polyline_path(&self, points: &[(f64, f64)], close: bool) -> Option<Path> {
        let mut pb = PathBuilder::new();
        let mut points = points.iter().map(|&p| self.point(p));
        let (x0, y0) = points.next()?;
        pb.move_to(x0, y0);
        for (x, y) in points {
            pb.line_to(x, y);
        }
        if close {
            pb.close();
        }
        pb.finish()
    }

    /// The picture as an RGB [`Frame`] (the canvas is opaque, so alpha is dropped).
    pub fn into_frame(self) -> Frame {
        let pixels = match &self.pixmap {
            Some(p) => p
                .data()
                .chunks_exact(4)
                .flat_map(|px| [px[0], px[1], px[2]])
                .collect(),
            None => Vec::new(),
        };
        Frame {
            width: self.width,
            height: self.height,
            pixels,
        }
    }
}

fn paint(color: Rgb) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color_rgba8(color[0], color[1], color[2], 255);
    paint.anti_alias = true;
    paint
}

/// Rotates `p` by `angle` radians counter-clockwise (in a y-up frame) about the origin.
pub fn rotate((x, y): (f64, f64), angle: f64) -> (f64, f64) {
    let (s, c) = angle.sin_cos();
    (x * c - y * s, x * s + y * c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_land_where_asked_in_both_orientations() {
        let mut c = Canvas::new(20, 10, [255, 255, 255]);
        c.rect((0.0, 0.0), (5.0, 5.0), [255, 0, 0]);
        let f = c.into_frame();
        assert_eq!(f.pixel(2, 2), Some([255, 0, 0]));
        assert_eq!(f.pixel(2, 7), Some([255, 255, 255]));

        let mut c = Canvas::new(20, 10, [255, 255, 255]).y_up();
        c.rect((0.0, 0.0), (5.0, 5.0), [255, 0, 0]);
        c.circle((15.0, 5.0), 3.0, [0, 0, 255]);
        let f = c.into_frame();
        assert_eq!(
            f.pixel(2, 7),
            Some([255, 0, 0]),
            "y-up puts y=0 at the bottom"
        );
        assert_eq!(f.pixel(2, 2), Some([255, 255, 255]));
        assert_eq!(f.pixel(15, 5), Some([0, 0, 255]));
        assert_eq!(f.pixel(19, 5), Some([255, 255, 255]));
    }

    #[test]
    fn lines_and_polygons_fill_their_inside_only() {
        let mut c = Canvas::new(10, 10, [0, 0, 0]);
        c.line(&[(0.0, 5.0), (10.0, 5.0)], 2.0, [0, 255, 0]);
        c.polygon(&[(0.0, 0.0), (4.0, 0.0), (0.0, 4.0)], [9, 9, 9]);
        let f = c.into_frame();
        assert_eq!(f.pixel(7, 4), Some([0, 255, 0]));
        assert_eq!(f.pixel(7, 2), Some([0, 0, 0]));
        assert_eq!(f.pixel(0, 0), Some([9, 9, 9]));
        assert_eq!(f.pixel(3, 3), Some([0, 0, 0]));
    }

    #[test]
    fn empty_canvas_gives_an_empty_frame() {
        let mut c = Canvas::new(0, 7, [1, 2, 3]);
        c.circle((1.0, 1.0), 1.0, [0, 0, 0]);
        let f = c.into_frame();
        assert_eq!((f.width, f.height, f.pixels.len()), (0, 7, 0));
    }

    #[test]
    fn rotate_quarter_turn() {
        let (x, y) = rotate((1.0, 0.0), std::f64::consts::FRAC_PI_2);
        assert!(x.abs() < 1e-12 && (y - 1.0).abs() < 1e-12);
    }
}
