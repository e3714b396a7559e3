//! One MiniGrid tile, drawn the way MiniGrid draws it: shapes are coverage tests in the unit
//! square (x right, y down), evaluated at the pixel centres of a buffer `subdivs` times finer
//! than the tile, and the buffer is averaged down at the end. That supersampling is what gives
//! MiniGrid's pictures their soft edges; drawing the same shapes the same way makes our frames
//! match theirs to within rounding, which a vector rasteriser (tiny-skia) would not.
//!
//! Colour arithmetic follows MiniGrid's `uint8` buffers: every fill and the highlight blend
//! truncate to whole numbers, and so does the downsampled mean.

use std::f64::consts::FRAC_PI_2;

use crate::minigrid::object::{DoorState, Obj};

/// How many sub-pixels per pixel side MiniGrid renders at.
pub(super) const SUBDIVS: usize = 3;
/// The grid lines' grey.
const GRID_LINE: [u8; 3] = [100, 100, 100];
/// Lava's orange.
const LAVA: [u8; 3] = [255, 128, 0];
/// The agent's red.
const AGENT: [u8; 3] = [255, 0, 0];
/// What the highlight blends towards, and how far.
const HIGHLIGHT: (f64, f64) = (255.0, 0.30);
const BLACK: [u8; 3] = [0, 0, 0];

/// A point-in-shape test over the unit square.
type Shape = Box<dyn Fn(f64, f64) -> bool>;

fn rect(x0: f64, x1: f64, y0: f64, y1: f64) -> Shape {
    Box::new(move |x, y| x >= x0 && x <= x1 && y >= y0 && y <= y1)
}

fn circle(cx: f64, cy: f64, r: f64) -> Shape {
    Box::new(move |x, y| (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
}

/// The points within `r` of the segment `(x0, y0)–(x1, y1)`.
fn segment(x0: f64, y0: f64, x1: f64, y1: f64, r: f64) -> Shape {
    let (dx, dy) = (x1 - x0, y1 - y0);
    let len = dx.hypot(dy);
    let (ux, uy) = (dx / len, dy / len);
    Box::new(move |x, y| {
        let t = ((x - x0) * ux + (y - y0) * uy).clamp(0.0, len);
        let (px, py) = (x0 + t * ux, y0 + t * uy);
        (x - px).hypot(y - py) <= r
    })
}

/// The triangle `abc`, by barycentric coordinates (edge `bc` excluded, as MiniGrid's test).
fn triangle(a: (f64, f64), b: (f64, f64), c: (f64, f64)) -> Shape {
    let v0 = (c.0 - a.0, c.1 - a.1);
    let v1 = (b.0 - a.0, b.1 - a.1);
    let dot = |p: (f64, f64), q: (f64, f64)| p.0 * q.0 + p.1 * q.1;
    let (d00, d01, d11) = (dot(v0, v0), dot(v0, v1), dot(v1, v1));
    let inv = 1.0 / (d00 * d11 - d01 * d01);
    Box::new(move |x, y| {
        let v2 = (x - a.0, y - a.1);
        let (d02, d12) = (dot(v0, v2), dot(v1, v2));
        let u = (d11 * d02 - d01 * d12) * inv;
        let v = (d00 * d12 - d01 * d02) * inv;
        u >= 0.0 && v >= 0.0 && u + v < 1.0
    })
}

/// `shape` turned by `theta` (clockwise on screen, y down) about the tile centre.
fn turned(shape: Shape, theta: f64) -> Shape {
    let (s, c) = (-theta).sin_cos();
    Box::new(move |x, y| {
        let (dx, dy) = (x - 0.5, y - 0.5);
        shape(0.5 + dx * c - dy * s, 0.5 + dy * c + dx * s)
    })
}

/// `c · f`, truncated as a `uint8` assignment does.
fn scaled(c: [u8; 3], f: f64) -> [u8; 3] {
    c.map(|v| (f64::from(v) * f) as u8)
}

/// The supersampled buffer of one tile.
pub(super) struct TileImage {
    side: usize,
    px: Vec<[u8; 3]>,
}

impl TileImage {
    /// A black tile for `tile_size`-pixel output.
    pub(super) fn new(tile_size: u32) -> Self {
        let side = tile_size as usize * SUBDIVS;
        TileImage {
            side,
            px: vec![BLACK; side * side],
        }
    }

    fn fill(&mut self, shape: &Shape, color: [u8; 3]) {
        let side = self.side as f64;
        for y in 0..self.side {
            let yf = (y as f64 + 0.5) / side;
            for x in 0..self.side {
                let xf = (x as f64 + 0.5) / side;
                if shape(xf, yf) {
                    self.px[y * self.side + x] = color;
                }
            }
        }
    }

    /// The top and left grid lines every tile has.
    pub(super) fn grid_lines(&mut self) {
        self.fill(&rect(0.0, 0.031, 0.0, 1.0), GRID_LINE);
        self.fill(&rect(0.0, 1.0, 0.0, 0.031), GRID_LINE);
    }

    /// Draws `obj` as MiniGrid's world objects draw themselves.
    pub(super) fn object(&mut self, obj: &Obj) {
        let c = obj.color().rgb();
        match obj {
            Obj::Wall(_) | Obj::Goal => self.fill(&rect(0.0, 1.0, 0.0, 1.0), c),
            Obj::Floor(_) => self.fill(&rect(0.031, 1.0, 0.031, 1.0), scaled(c, 0.5)),
            Obj::Lava => {
                self.fill(&rect(0.0, 1.0, 0.0, 1.0), LAVA);
                for i in 0..3 {
                    let lo = 0.3 + 0.2 * f64::from(i);
                    let hi = lo + 0.1;
                    for (x0, y0, x1, y1) in [
                        (0.1, lo, 0.3, hi),
                        (0.3, hi, 0.5, lo),
                        (0.5, lo, 0.7, hi),
                        (0.7, hi, 0.9, lo),
                    ] {
                        self.fill(&segment(x0, y0, x1, y1, 0.03), BLACK);
                    }
                }
            }
            Obj::Door(_, DoorState::Open) => {
                // Swung against the right edge of the cell.
                self.fill(&rect(0.88, 1.0, 0.0, 1.0), c);
                self.fill(&rect(0.92, 0.96, 0.04, 0.96), BLACK);
            }
            Obj::Door(_, DoorState::Locked) => {
                self.fill(&rect(0.0, 1.0, 0.0, 1.0), c);
                self.fill(&rect(0.06, 0.94, 0.06, 0.94), scaled(c, 0.45));
                // The key slot.
                self.fill(&rect(0.52, 0.75, 0.50, 0.56), c);
            }
            Obj::Door(_, DoorState::Closed) => {
                self.fill(&rect(0.0, 1.0, 0.0, 1.0), c);
                self.fill(&rect(0.04, 0.96, 0.04, 0.96), BLACK);
                self.fill(&rect(0.08, 0.92, 0.08, 0.92), c);
                self.fill(&rect(0.12, 0.88, 0.12, 0.88), BLACK);
                // The handle.
                self.fill(&circle(0.75, 0.5, 0.08), c);
            }
            Obj::Key(_) => {
                // Shaft, two teeth, and a ring with a hole.
                self.fill(&rect(0.50, 0.63, 0.31, 0.88), c);
                self.fill(&rect(0.38, 0.50, 0.59, 0.66), c);
                self.fill(&rect(0.38, 0.50, 0.81, 0.88), c);
                self.fill(&circle(0.56, 0.28, 0.190), c);
                self.fill(&circle(0.56, 0.28, 0.064), BLACK);
            }
            Obj::Ball(_) => self.fill(&circle(0.5, 0.5, 0.31), c),
            Obj::Box(..) => {
                self.fill(&rect(0.12, 0.88, 0.12, 0.88), c);
                self.fill(&rect(0.18, 0.82, 0.18, 0.82), BLACK);
                // The lid's slit.
                self.fill(&rect(0.16, 0.84, 0.47, 0.53), c);
            }
        }
    }

    /// The agent: a red triangle pointing right, turned a quarter per direction step.
    pub(super) fn agent(&mut self, dir: u8) {
        let tri = triangle((0.12, 0.19), (0.87, 0.50), (0.12, 0.81));
        self.fill(&turned(tri, FRAC_PI_2 * f64::from(dir % 4)), AGENT);
    }

    /// Blends every sub-pixel 30% towards white (the agent's field of view).
    pub(super) fn highlight(&mut self) {
        let (white, alpha) = HIGHLIGHT;
        for p in &mut self.px {
            *p = p.map(|v| {
                let v = f64::from(v);
                (v + alpha * (white - v)).clamp(0.0, 255.0) as u8
            });
        }
    }

    /// The `tile_size × tile_size` pixels, rows from the top: each the truncated mean of its
    /// `SUBDIVS × SUBDIVS` sub-pixels.
    pub(super) fn downsample(&self) -> Vec<[u8; 3]> {
        let n = self.side / SUBDIVS;
        let mut out = Vec::with_capacity(n * n);
        for row in 0..n {
            for col in 0..n {
                let mut sum = [0u32; 3];
                for dy in 0..SUBDIVS {
                    for dx in 0..SUBDIVS {
                        let p = self.px[(row * SUBDIVS + dy) * self.side + col * SUBDIVS + dx];
                        for (s, v) in sum.iter_mut().zip(p) {
                            *s += u32::from(v);
                        }
                    }
                }
                let k = (SUBDIVS * SUBDIVS) as u32;
                out.push(sum.map(|s| (s / k) as u8));
            }
        }
        out
    }
}
