//! Pictures of a MiniGrid state, drawn like MiniGrid's own.
//!
//! - [`render_world`]: the whole grid, `tile_size` pixels per cell, optionally with the
//!   agent's field of view highlighted — MiniGrid's `render()` in `rgb_array` mode
//!   (`get_full_render`). [`rewardlab_core::Env::render`] of a MiniGrid env is
//!   `render_world(world, Some(viewer), 32)`.
//! - [`render_pov`]: what the agent sees, `view × view` tiles with the agent at the bottom
//!   middle facing up, cells it cannot see left black — MiniGrid's `get_pov_render`.
//! - [`ansi`]: MiniGrid's `pprint_grid` text, two characters per cell.
//!
//! Each tile is drawn by [`tile`]'s supersampled shapes (black background, grey grid lines on
//! the top and left edges, the object, the red agent triangle, then the highlight), so the
//! frames match MiniGrid's pixel for pixel up to rounding. Identical tiles are drawn once per
//! frame: a grid has only a handful of distinct cells.
//!
//! As in MiniGrid, the object the agent carries is not drawn on the full grid; in the point of
//! view it sits in the agent's cell, under the triangle.

#[cfg(test)]
mod tests;
mod tile;

use std::collections::HashMap;

use rewardlab_core::Frame;

use super::grid::Grid;
use super::layout::Pos;
use super::object::{DoorState, Obj};
use super::obs::{self, Viewer};
use super::world::World;
use tile::TileImage;

/// MiniGrid's default tile size in pixels (`TILE_PIXELS`).
pub const TILE_PIXELS: u32 = 32;

/// What a tile shows: the object's encoding, the agent's direction if it stands there, and
/// whether the tile is highlighted. Tiles with equal keys are pixel-identical.
type TileKey = (Option<[u8; 3]>, Option<u8>, bool);

/// Draws a `width × height`-cell picture; `cell(x, y)` says what each cell shows.
fn compose<'o>(
    width: usize,
    height: usize,
    tile_size: u32,
    cell: impl Fn(usize, usize) -> (Option<&'o Obj>, Option<u8>, bool),
) -> Frame {
    let ts = tile_size as usize;
    let (w_px, h_px) = (width * ts, height * ts);
    let mut pixels = vec![0u8; w_px * h_px * 3];
    let mut cache: HashMap<TileKey, Vec<[u8; 3]>> = HashMap::new();
    for y in 0..height {
        for x in 0..width {
            let (obj, agent_dir, lit) = cell(x, y);
            let key = (obj.map(Obj::encode), agent_dir, lit);
            let tile = cache
                .entry(key)
                .or_insert_with(|| draw_tile(obj, agent_dir, lit, tile_size));
            for row in 0..ts {
                let start = ((y * ts + row) * w_px + x * ts) * 3;
                let dst = &mut pixels[start..start + ts * 3];
                for (d, p) in dst.chunks_exact_mut(3).zip(&tile[row * ts..(row + 1) * ts]) {
                    d.copy_from_slice(p);
                }
            }
        }
    }
    Frame {
        width: w_px as u32,
        height: h_px as u32,
        pixels,
    }
}

fn draw_tile(obj: Option<&Obj>, agent_dir: Option<u8>, lit: bool, tile_size: u32) -> Vec<[u8; 3]> {
    let mut t = TileImage::new(tile_size);
    t.grid_lines();
    if let Some(obj) = obj {
        t.object(obj);
    }
    if let Some(dir) = agent_dir {
        t.agent(dir);
    }
    if lit {
        t.highlight();
    }
    t.downsample()
}

/// The world cells `viewer` sees, as a `width × height` mask indexed `x·height + y`.
fn seen_cells(grid: &Grid, viewer: &Viewer<'_>) -> Vec<bool> {
    let (w, h) = (grid.width(), grid.height());
    let mut mask = vec![false; w * h];
    let n = viewer.view_size;
    for (i, seen) in obs::visibility(grid, viewer).into_iter().enumerate() {
        let (vx, vy) = (i / n, i % n);
        let (wx, wy) = obs::view_to_world(viewer, vx, vy);
        if seen && wx >= 0 && wy >= 0 && (wx as usize) < w && (wy as usize) < h {
            mask[wx as usize * h + wy as usize] = true;
        }
    }
    mask
}

/// The whole grid of `world`, `tile_size` pixels per cell, the agent as a red triangle; with
/// `Some(viewer)` the cells that viewer sees are highlighted (MiniGrid's
/// `render(highlight=True)`).
pub fn render_world(world: &World, highlight: Option<&Viewer<'_>>, tile_size: u32) -> Frame {
    let grid = &world.grid;
    let lit = highlight.map(|v| seen_cells(grid, v));
    let h = grid.height();
    compose(grid.width(), h, tile_size, |x, y| {
        let agent = ((x, y) == world.agent_pos).then_some(world.agent_dir);
        let on = lit.as_ref().is_some_and(|m| m[x * h + y]);
        (grid.get(x, y), agent, on)
    })
}

/// The agent's point of view: `view × view` tiles, the agent at the bottom middle facing up,
/// the cells it sees highlighted, those it does not see black, the carried object in its
/// cell (MiniGrid's `get_pov_render`).
pub fn render_pov(world: &World, viewer: &Viewer<'_>, tile_size: u32) -> Frame {
    let n = viewer.view_size;
    let cells = obs::view_cells(&world.grid, viewer);
    let seen = obs::visibility(&world.grid, viewer);
    let me = (n / 2, n - 1);
    compose(n, n, tile_size, |x, y| {
        let i = x * n + y;
        if (x, y) == me {
            (viewer.carrying, Some(3), seen[i])
        } else if seen[i] {
            (cells[i], None, true)
        } else {
            (None, None, false)
        }
    })
}

/// MiniGrid's `pprint_grid`: per cell the object's letter and the colour's initial (`__` an
/// open door, `L`/`D` a locked/closed door), the agent as its direction twice, rows separated
/// by newlines.
pub fn ansi(grid: &Grid, agent: Pos, dir: u8) -> String {
    let mut out = String::new();
    for y in 0..grid.height() {
        if y > 0 {
            out.push('\n');
        }
        for x in 0..grid.width() {
            if (x, y) == agent {
                let arrow = [">>", "VV", "<<", "^^"][usize::from(dir % 4)];
                out.push_str(arrow);
                continue;
            }
            let Some(obj) = grid.get(x, y) else {
                out.push_str("  ");
                continue;
            };
            let letter = match obj {
                Obj::Door(_, DoorState::Open) => {
                    out.push_str("__");
                    continue;
                }
                Obj::Door(_, DoorState::Locked) => 'L',
                Obj::Door(_, DoorState::Closed) => 'D',
                Obj::Wall(_) => 'W',
                Obj::Floor(_) => 'F',
                Obj::Key(_) => 'K',
                Obj::Ball(_) => 'A',
                Obj::Box(..) => 'B',
                Obj::Goal => 'G',
                Obj::Lava => 'V',
            };
            out.push(letter);
            out.extend(
                obj.color()
                    .name()
                    .chars()
                    .next()
                    .map(|c| c.to_ascii_uppercase()),
            );
        }
    }
    out
}
