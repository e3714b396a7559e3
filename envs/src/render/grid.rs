//! Tile grids: the picture of every grid environment (gridworlds, FrozenLake, CliffWalking,
//! Taxi).
//!
//! A caller describes each cell as a [`Tile`] — a fill colour, markers drawn on top in order
//! (the agent, a goal flag, a hole, coloured squares and circles…) and wall segments on its
//! edges — and [`tiles`] lays them out row 0 at the top, column 0 at the left, with thin grid
//! lines between cells. Cell size comes from [`cell_size`] (Gymnasium's toy-text rule: 64 px,
//! shrunk so the picture stays within 512 px) unless given with [`tiles_with_cell`].
//!
//! Colours live in [`palette`] so that the envs agree on what lava or a cliff looks like.

use rewardlab_core::Frame;

use super::canvas::{Canvas, Rgb};

/// Shared colours of grid pictures.
pub mod palette {
    use super::Rgb;

    /// Walkable floor.
    pub const FLOOR: Rgb = [233, 231, 225];
    /// A wall cell.
    pub const WALL: Rgb = [80, 80, 80];
    /// A start cell.
    pub const START: Rgb = [255, 230, 160];
    /// A goal cell.
    pub const GOAL: Rgb = [60, 180, 75];
    /// Lava or a pit.
    pub const LAVA: Rgb = [255, 110, 20];
    /// CliffWalking's grass (Gymnasium's picture).
    pub const GRASS: Rgb = [196, 216, 158];
    /// A cliff cell (Gymnasium's brown).
    pub const CLIFF: Rgb = [168, 124, 82];
    /// The darker lower band of a cliff.
    pub const CLIFF_SHADE: Rgb = [126, 90, 58];
    /// FrozenLake's ice (Gymnasium's picture).
    pub const ICE: Rgb = [198, 224, 242];
    /// FrozenLake's hole (Gymnasium's picture).
    pub const HOLE: Rgb = [92, 138, 190];
    /// The goal flag's pennant (Gymnasium's red).
    pub const FLAG: Rgb = [202, 102, 92];
    /// Dark outlines: the flag pole and wall segments on cell edges (Taxi's inner walls).
    pub const INK: Rgb = [56, 58, 70];
    /// Wall segments on cell edges (Taxi's inner walls): [`INK`].
    pub const EDGE_WALL: Rgb = INK;
    /// The agent.
    pub const AGENT: Rgb = [220, 40, 40];
    /// Grid lines between cells.
    pub const GRID_LINE: Rgb = [170, 170, 170];
    /// Taxi's four locations R, G, Y, B, in Gymnasium's order (its pure colours at half
    /// opacity over the floor, as its picture shows them).
    pub const TAXI_LOCATIONS: [Rgb; 4] = [
        [205, 92, 92],
        [152, 184, 110],
        [230, 190, 80],
        [116, 150, 198],
    ];
    /// Taxi's empty cab. Close to the Y pad's colour, so Taxi draws the cab inside an
    /// [`INK`] rim.
    pub const TAXI: Rgb = [245, 190, 0];
}

/// Something drawn on top of a tile's fill, centred in the cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Marker {
    /// The agent: a filled [`palette::AGENT`] circle, 70 % of the cell across.
    Agent,
    /// A goal flag: a [`palette::INK`] pole with a [`palette::FLAG`] pennant.
    Goal,
    /// A hole: a [`palette::HOLE`] circle, 80 % of the cell across.
    Hole,
    /// Lava: a [`palette::LAVA`] square with a darker core.
    Lava,
    /// A cliff: the whole cell [`palette::CLIFF`] with a [`palette::CLIFF_SHADE`] lower band.
    Cliff,
    /// A filled square of `color`, `size` × the cell's side.
    Square {
        /// Its colour.
        color: Rgb,
        /// Side as a fraction of the cell's side, in (0, 1].
        size: f64,
    },
    /// A filled circle of `color`, `size` × the cell's side across.
    Circle {
        /// Its colour.
        color: Rgb,
        /// Diameter as a fraction of the cell's side, in (0, 1].
        size: f64,
    },
    /// A square outline of `color`, `size` × the cell's side, lines 8 % of the cell thick.
    Outline {
        /// Its colour.
        color: Rgb,
        /// Side as a fraction of the cell's side, in (0, 1].
        size: f64,
    },
}

/// One edge of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The top edge.
    North,
    /// The right edge.
    East,
    /// The bottom edge.
    South,
    /// The left edge.
    West,
}

/// How one cell looks.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    /// The background colour of the whole cell.
    pub fill: Rgb,
    /// Drawn over the fill in order.
    pub markers: Vec<Marker>,
    /// Edges that carry a wall segment (drawn last, over neighbours' grid lines).
    pub walls: Vec<Side>,
}

impl Tile {
    /// A plain tile of one colour.
    pub fn new(fill: Rgb) -> Self {
        Tile {
            fill,
            markers: Vec::new(),
            walls: Vec::new(),
        }
    }

    /// The same tile with `marker` drawn over what it has.
    pub fn with(mut self, marker: Marker) -> Self {
        self.markers.push(marker);
        self
    }

    /// The same tile with a wall segment on `side`.
    pub fn with_wall(mut self, side: Side) -> Self {
        self.walls.push(side);
        self
    }
}

/// Pixels per cell for an `nrows × ncols` grid: 64, shrunk so that the longer side fits in
/// 512 px, and never below 8.
pub fn cell_size(nrows: usize, ncols: usize) -> u32 {
    let longest = nrows.max(ncols).max(1);
    let fit = 512 / longest;
    u32::try_from(fit.clamp(8, 64)).unwrap_or(64)
}

/// The picture of an `nrows × ncols` grid whose cell `(row, col)` looks like `cell(row, col)`,
/// with [`cell_size`] pixels per cell.
pub fn tiles(nrows: usize, ncols: usize, cell: impl Fn(usize, usize) -> Tile) -> Frame {
    tiles_with_cell(nrows, ncols, cell_size(nrows, ncols), cell)
}

/// [`tiles`] with `cell_px` pixels per cell (the frame is `ncols · cell_px` wide). A size
/// that does not fit in `u32` gives an empty frame.
pub fn tiles_with_cell(
    nrows: usize,
    ncols: usize,
    cell_px: u32,
    cell: impl Fn(usize, usize) -> Tile,
) -> Frame {
    let side = |n: usize| {
        u32::try_from(n)
            .ok()
            .and_then(|n| n.checked_mul(cell_px))
            .filter(|&px| px <= 1 << 14)
    };
    let (Some(width), Some(height)) = (side(ncols), side(nrows)) else {
        return Frame::filled(0, 0, [0, 0, 0]);
    };
    let mut c = Canvas::new(width, height, palette::FLOOR);
    let px = f64::from(cell_px);
    let tiles: Vec<Vec<Tile>> = (0..nrows)
        .map(|r| (0..ncols).map(|col| cell(r, col)).collect())
        .collect();
    for (r, row) in tiles.iter().enumerate() {
        for (col, tile) in row.iter().enumerate() {
            let (x0, y0) = (col as f64 * px, r as f64 * px);
            c.rect((x0, y0), (x0 + px, y0 + px), tile.fill);
            for marker in &tile.markers {
                draw_marker(&mut c, (x0, y0), px, *marker);
            }
        }
    }
    // One-pixel lines between cells (the first pixel column/row of every cell but the
    // first), crisp because they sit on whole pixels; no outer border, so the picture is
    // exactly `ncols · cell_px` wide like Gymnasium's.
    let (w, h) = (f64::from(width), f64::from(height));
    for col in 1..ncols {
        let x = col as f64 * px;
        c.rect((x, 0.0), (x + 1.0, h), palette::GRID_LINE);
    }
    for r in 1..nrows {
        let y = r as f64 * px;
        c.rect((0.0, y), (w, y + 1.0), palette::GRID_LINE);
    }
    let thick = (px * 0.1).max(2.0);
    for (r, row) in tiles.iter().enumerate() {
        for (col, tile) in row.iter().enumerate() {
            let (x0, y0) = (col as f64 * px, r as f64 * px);
            for side in &tile.walls {
                let (a, b) = match side {
                    Side::North => ((x0, y0 - thick / 2.0), (x0 + px, y0 + thick / 2.0)),
                    Side::South => (
                        (x0, y0 + px - thick / 2.0),
                        (x0 + px, y0 + px + thick / 2.0),
                    ),
                    Side::West => ((x0 - thick / 2.0, y0), (x0 + thick / 2.0, y0 + px)),
                    Side::East => (
                        (x0 + px - thick / 2.0, y0),
                        (x0 + px + thick / 2.0, y0 + px),
                    ),
                };
                c.rect(a, b, palette::EDGE_WALL);
            }
        }
    }
    c.into_frame()
}

fn draw_marker(c: &mut Canvas, (x0, y0): (f64, f64), px: f64, marker: Marker) {
    let centre = (x0 + px / 2.0, y0 + px / 2.0);
    let square = |c: &mut Canvas, size: f64, color: Rgb| {
        let h = px * size / 2.0;
        c.rect(
            (centre.0 - h, centre.1 - h),
            (centre.0 + h, centre.1 + h),
            color,
        );
    };
    match marker {
        Marker::Agent => c.circle(centre, px * 0.35, palette::AGENT),
        Marker::Hole => c.circle(centre, px * 0.4, palette::HOLE),
        Marker::Goal => {
            let pole_x = x0 + px * 0.3;
            c.rect(
                (pole_x, y0 + px * 0.15),
                (pole_x + (px * 0.06).max(1.0), y0 + px * 0.85),
                palette::INK,
            );
            c.polygon(
                &[
                    (pole_x, y0 + px * 0.15),
                    (pole_x + px * 0.45, y0 + px * 0.3),
                    (pole_x, y0 + px * 0.45),
                ],
                palette::FLAG,
            );
        }
        Marker::Lava => {
            square(c, 0.9, palette::LAVA);
            square(c, 0.4, [200, 50, 0]);
        }
        Marker::Cliff => {
            c.rect((x0, y0), (x0 + px, y0 + px), palette::CLIFF);
            c.rect(
                (x0, y0 + px * 0.55),
                (x0 + px, y0 + px),
                palette::CLIFF_SHADE,
            );
        }
        Marker::Square { color, size } => square(c, size, color),
        Marker::Circle { color, size } => c.circle(centre, px * size / 2.0, color),
        Marker::Outline { color, size } => {
            let h = px * size / 2.0;
            let w = px * 0.08;
            let (l, t, r, b) = (centre.0 - h, centre.1 - h, centre.0 + h, centre.1 + h);
            c.rect((l, t), (r, t + w), color);
            c.rect((l, b - w), (r, b), color);
            c.rect((l, t), (l + w, b), color);
            c.rect((r - w, t), (r, b), color);
        }
    }
}
