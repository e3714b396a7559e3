//! The agent's observation: MiniGrid's egocentric `view × view` image (7 × 7 by default), the
//! direction and the mission.
//!
//! MiniGrid slices the grid around the agent, rotates the slice `dir + 1` times to the left so
//! the agent looks "up" from the bottom-middle cell, runs `process_vis` (unless the env sees
//! through walls), puts the carried object in the agent's cell and encodes each cell as
//! `(type, colour, state)`. We compute the same image without building intermediate grids:
//! view cell `(vx, vy)` is the world cell `agent + fwd·(view−1−vy) + right·(vx − view/2)`,
//! where `right = (−fwd.y, fwd.x)`; cells outside the world read as walls, as MiniGrid's slice
//! pads. The occlusion pass is MiniGrid's, row by row from the agent's row upwards, sweeping
//! right then left.

use std::sync::Arc;

use rewardlab_core::{BoxSpace, DType, Space, SpaceElem, Value, ValueTypeError};

use super::engine::EngineConfig;
use super::grid::{Grid, view_code};
use super::object::{EMPTY_IDX, Obj};
use super::world::World;

/// Unit vector of each direction: 0 right (+x), 1 down (+y), 2 left, 3 up, as `DIR_TO_VEC`.
pub const DIR_TO_VEC: [(i64, i64); 4] = [(1, 0), (0, 1), (-1, 0), (0, -1)];

/// Longest mission the observation space admits.
pub const MISSION_MAX_LENGTH: usize = 256;

/// One observation, MiniGrid's `obs` dict as a struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MiniGridObs {
    /// `view × view × 3` bytes in C order of an array indexed `[x][y][channel]` (numpy's
    /// layout of `obs["image"]`), channel 0 the object type, 1 the colour, 2 the state.
    pub image: Vec<u8>,
    /// The side of the square view (7 unless changed).
    pub view_size: usize,
    /// The agent's direction, 0..4.
    pub direction: u8,
    /// The mission string (shared with the env: no copy per step).
    pub mission: Arc<str>,
}

impl MiniGridObs {
    /// The `(type, colour, state)` triple at view cell `(x, y)`; the agent is at
    /// `(view/2, view−1)` facing `y = 0`.
    pub fn cell(&self, x: usize, y: usize) -> [u8; 3] {
        let i = (x * self.view_size + y) * 3;
        [self.image[i], self.image[i + 1], self.image[i + 2]]
    }
}

/// The observation space of a view of side `view_size`: `Dict{image: Box(0, 255,
/// (view, view, 3), uint8), direction: Discrete(4), mission: Text}`.
pub fn observation_space(view_size: usize) -> Space {
    dict_space(&[view_size, view_size, 3])
}

/// A MiniGrid observation dict whose image is a `uint8` box of `shape`: `Dict{image: Box(0,
/// 255, shape, uint8), direction: Discrete(4), mission: Text}` (the image wrappers change only
/// the shape).
pub fn dict_space(shape: &[usize]) -> Space {
    Space::Dict(vec![
        (
            "image".to_string(),
            Space::Box(BoxSpace::uniform(shape, 0.0, 255.0, DType::U8)),
        ),
        ("direction".to_string(), Space::discrete(4)),
        (
            "mission".to_string(),
            Space::Text {
                max_length: MISSION_MAX_LENGTH,
            },
        ),
    ])
}

/// What [`gen_image`] needs to know about the agent.
#[derive(Debug, Clone, Copy)]
pub struct Viewer<'a> {
    /// Position in the world.
    pub pos: (usize, usize),
    /// Direction, 0..4.
    pub dir: u8,
    /// The carried object, shown in the agent's own view cell.
    pub carrying: Option<&'a Obj>,
    /// Side of the square view (odd, ≥ 3).
    pub view_size: usize,
    /// Skip occlusion: every cell of the view is visible.
    pub see_through_walls: bool,
}

impl<'a> Viewer<'a> {
    /// The agent of `world`, seeing as `config` says.
    pub fn of(world: &'a World, config: &EngineConfig) -> Self {
        Viewer {
            pos: world.agent_pos,
            dir: world.agent_dir,
            carrying: world.carrying.as_ref(),
            view_size: config.agent_view_size,
            see_through_walls: config.see_through_walls,
        }
    }
}

/// The encoded `view × view × 3` image of what `viewer` sees in `grid`.
///
/// This runs at every step, so it allocates only the returned image and reads the grid's
/// packed cell codes rather than its objects: each code is copied into the image while its
/// sight-blocking bit goes into one bit row per view row, the occlusion pass runs on those
/// bit rows ([`visible_rows`]), and the cells left unseen are zeroed. Views wider than 64
/// cells, and grids whose codes are stale ([`Grid::view_codes`]), take the plain
/// cell-by-cell path, which gives the same image.
pub fn gen_image(grid: &Grid, viewer: &Viewer<'_>) -> Vec<u8> {
    match (viewer.view_size, grid.view_codes()) {
        (0, _) => Vec::new(),
        (_, Some([])) => gen_image_by_cells(grid, viewer),
        (1..=8, Some(codes)) => gen_image_bits::<8>(grid, codes, viewer),
        (9..=16, Some(codes)) => gen_image_bits::<16>(grid, codes, viewer),
        (17..=64, Some(codes)) => gen_image_bits::<64>(grid, codes, viewer),
        _ => gen_image_by_cells(grid, viewer),
    }
}

/// [`gen_image`] for a view of side `n ≤ R ≤ 64` from the grid's cell `codes` (not empty).
fn gen_image_bits<const R: usize>(grid: &Grid, codes: &[u32], viewer: &Viewer<'_>) -> Vec<u8> {
    let n = viewer.view_size;
    let len = n * n * 3;
    // One spare byte: each cell is written as its whole 4-byte code, whose last byte the next
    // cell overwrites (one store instead of three); it is cut off at the end.
    let mut image = vec![0u8; len + 1];
    let (w, h) = (grid.width(), grid.height());
    let wall = view_code(Some(&Obj::WALL));
    let (fx, fy) = DIR_TO_VEC[usize::from(viewer.dir % 4)];
    let (fx, fy) = (fx as isize, fy as isize);
    let (rx, ry) = (-fy, fx);
    let half = (n / 2) as isize;
    let depth = n as isize - 1;
    // View cell (0, 0): `depth` cells ahead, `half` cells to the left.
    let col_x = viewer.pos.0 as isize + fx * depth - rx * half;
    let col_y = viewer.pos.1 as isize + fy * depth - ry * half;
    // Down a view column the world moves along one axis: by `step` cells of `codes`, with
    // the moving coordinate going `m, m + dm, …` in `0..extent`; the other coordinate is
    // fixed for the column. So the cells inside the world form one range of `vy`, and the
    // rest show a wall, as MiniGrid's padded slice.
    let step = -(fy * w as isize + fx);
    let (dm, extent) = if fx != 0 { (-fx, w) } else { (-fy, h) };
    let vy_range = |m: isize| {
        let (lo, hi) = if dm > 0 {
            (-m, extent as isize - m)
        } else {
            (m - extent as isize + 1, m + 1)
        };
        (
            lo.clamp(0, n as isize) as usize,
            hi.clamp(0, n as isize) as usize,
        )
    };
    let mut opaque = [0u64; R];
    for vx in 0..n {
        let (x, y) = (col_x + rx * vx as isize, col_y + ry * vx as isize);
        let (fixed, fixed_extent, m) = if fx != 0 { (y, h, x) } else { (x, w, y) };
        let (lo, hi) = if (fixed as usize) < fixed_extent {
            vy_range(m)
        } else {
            (0, 0)
        };
        let column = vx * n * 3;
        let mut put = |vy: usize, code: u32| {
            let i = column + vy * 3;
            image[i..i + 4].copy_from_slice(&code.to_le_bytes());
            opaque[vy] |= u64::from(code >> 24) << vx;
        };
        for vy in 0..lo {
            put(vy, wall);
        }
        let mut at = y * w as isize + x + step * lo as isize;
        for vy in lo..hi {
            put(vy, codes[at as usize]);
            at += step;
        }
        for vy in hi..n {
            put(vy, wall);
        }
    }
    image.truncate(len);
    if !viewer.see_through_walls {
        let seen = visible_rows::<R>(&opaque[..n]);
        for (vy, bits) in seen.iter().enumerate().take(n) {
            let mut hidden = !bits & low_bits(n);
            while hidden != 0 {
                let vx = hidden.trailing_zeros() as usize;
                hidden &= hidden - 1;
                let at = (vx * n + vy) * 3;
                image[at..at + 3].fill(0);
            }
        }
    }
    let agent = ((n / 2) * n + (n - 1)) * 3;
    let code = viewer.carrying.map_or([EMPTY_IDX, 0, 0], Obj::encode);
    image[agent..agent + 3].copy_from_slice(&code);
    image
}

/// [`gen_image`] one cell at a time, for views too wide for the bit rows.
fn gen_image_by_cells(grid: &Grid, viewer: &Viewer<'_>) -> Vec<u8> {
    let n = viewer.view_size;
    let mut view = view_cells(grid, viewer);
    let visible = if viewer.see_through_walls {
        vec![true; n * n]
    } else {
        process_vis(&view, n)
    };
    let agent = (n / 2) * n + (n - 1);
    view[agent] = viewer.carrying;
    let mut image = vec![0u8; n * n * 3];
    for (i, (cell, seen)) in view.iter().zip(&visible).enumerate() {
        if *seen {
            let code = cell.map_or([EMPTY_IDX, 0, 0], Obj::encode);
            image[i * 3..i * 3 + 3].copy_from_slice(&code);
        }
    }
    image
}

/// The `n` lowest bits set (`n ≤ 64`).
fn low_bits(n: usize) -> u64 {
    if n >= 64 { u64::MAX } else { (1u64 << n) - 1 }
}

/// [`process_vis`] on bit rows: `opaque[y]` has bit `x` set where view cell `(x, y)` blocks
/// sight (`n = opaque.len() ≤ R ≤ 64`); returns the visible cells the same way.
///
/// Row by row from the agent's, MiniGrid's right sweep lights `x + 1` from every lit
/// transparent `x`: in each run of transparent cells, everything from its first lit cell on
/// is lit, and so is the (opaque) cell after the run. That is a carry: adding the lit cells
/// to the run's bits clears the run from there and sets the cell after it
/// ([`sweep_right`]). The left sweep is the mirror image, done with doubling shifts
/// ([`sweep_left`]); each sweep's lit transparent cells light the row above as the cell loop
/// does.
fn visible_rows<const R: usize>(opaque: &[u64]) -> [u64; R] {
    let n = opaque.len();
    let full = low_bits(n);
    let mut lit = [0u64; R];
    if n == 0 {
        return lit;
    }
    // What the row below lit in this row, kept in a register rather than in `lit`: row y is
    // lit only from row y + 1 (and the agent's cell, in the last row).
    let mut from_below = 1 << (n / 2);
    for y in (0..n).rev() {
        let clear = !opaque[y] & full;
        let right = sweep_right(from_below, clear) & full;
        let both = sweep_left::<R>(right, clear);
        lit[y] = both;
        // The right sweep lights from x ≤ n − 2, the left one from x ≥ 1.
        let from_right = right & clear & (full >> 1);
        let from_left = both & clear & !1;
        from_below = (from_right | (from_right << 1) | from_left | (from_left >> 1)) & full;
    }
    lit
}

/// The right sweep on a bit row: `lit`, plus every cell after a lit transparent one
/// (`clear` marks the transparent cells), repeatedly. The lit transparent cells are, in each
/// run of `clear`, those from the run's first lit cell on: `(clear + seeds) ^ clear` within
/// the run, the carry of the addition running from the first seed to the run's end (later
/// seeds of the run, already cleared by the carry, are added back by the final `| seeds`).
/// Bits may spill past the row; the caller masks them.
#[inline(always)]
fn sweep_right(lit: u64, clear: u64) -> u64 {
    let seeds = lit & clear;
    let reach = ((clear.wrapping_add(seeds) ^ clear) & clear) | seeds;
    lit | (reach << 1)
}

/// The left sweep on a bit row: `lit`, plus every cell before a lit transparent one,
/// repeatedly: an occluded fill of the lit transparent cells through `clear` towards bit 0,
/// in `log2 R` doubling steps (no carry runs downwards).
#[inline(always)]
fn sweep_left<const R: usize>(lit: u64, clear: u64) -> u64 {
    let mut reach = lit & clear;
    let mut pass = clear;
    let mut k = 1u32;
    while (k as usize) < R {
        reach |= pass & (reach >> k);
        pass &= pass >> k;
        k <<= 1;
    }
    lit | (reach >> 1)
}

/// The world cell shown at view cell `(vx, vy)` (agent at `(view/2, view−1)` looking towards
/// `vy = 0`); it may lie outside the grid, where the view shows a wall.
pub fn view_to_world(viewer: &Viewer<'_>, vx: usize, vy: usize) -> (i64, i64) {
    let n = viewer.view_size as i64;
    let (fx, fy) = DIR_TO_VEC[usize::from(viewer.dir % 4)];
    let (rx, ry) = (-fy, fx);
    let ahead = n - 1 - vy as i64;
    let side = vx as i64 - n / 2;
    (
        viewer.pos.0 as i64 + fx * ahead + rx * side,
        viewer.pos.1 as i64 + fy * ahead + ry * side,
    )
}

/// The view's cells, `[x][y]` (index `x·view + y`), as the agent's slice of `grid` holds them
/// before occlusion: cells outside the world are walls and the agent's own cell shows the
/// grid (not yet the carried object). What renderers draw for the agent's point of view.
pub fn view_cells<'g>(grid: &'g Grid, viewer: &Viewer<'_>) -> Vec<Option<&'g Obj>> {
    let n = viewer.view_size;
    let mut view = Vec::with_capacity(n * n);
    for vx in 0..n {
        for vy in 0..n {
            let (wx, wy) = view_to_world(viewer, vx, vy);
            let inside =
                wx >= 0 && wy >= 0 && (wx as usize) < grid.width() && (wy as usize) < grid.height();
            view.push(if inside {
                grid.get(wx as usize, wy as usize)
            } else {
                Some(&Obj::WALL)
            });
        }
    }
    view
}

/// Which view cells the agent sees, `[x][y]` (index `x·view + y`): MiniGrid's `vis_mask` of
/// `gen_obs_grid` (all true when the viewer sees through walls). The cells of
/// [`gen_image`] that are not visible encode as unseen.
pub fn visibility(grid: &Grid, viewer: &Viewer<'_>) -> Vec<bool> {
    let n = viewer.view_size;
    if viewer.see_through_walls {
        return vec![true; n * n];
    }
    process_vis(&view_cells(grid, viewer), n)
}

/// MiniGrid's visibility mask over a view (`[x][y]`, agent at `(n/2, n−1)`): light spreads
/// from the agent's cell along each row and diagonally up, and stops at cells that cannot be
/// seen behind (a blocking cell is itself visible).
fn process_vis(view: &[Option<&Obj>], n: usize) -> Vec<bool> {
    let at = |x: usize, y: usize| x * n + y;
    let opaque = |x: usize, y: usize| view[at(x, y)].is_some_and(|o| !o.see_behind());
    let mut mask = vec![false; n * n];
    mask[at(n / 2, n - 1)] = true;
    for y in (0..n).rev() {
        for x in 0..n - 1 {
            if !mask[at(x, y)] || opaque(x, y) {
                continue;
            }
            mask[at(x + 1, y)] = true;
            if y > 0 {
                mask[at(x + 1, y - 1)] = true;
                mask[at(x, y - 1)] = true;
            }
        }
        for x in (1..n).rev() {
            if !mask[at(x, y)] || opaque(x, y) {
                continue;
            }
            mask[at(x - 1, y)] = true;
            if y > 0 {
                mask[at(x - 1, y - 1)] = true;
                mask[at(x, y - 1)] = true;
            }
        }
    }
    mask
}

impl SpaceElem for MiniGridObs {
    fn to_value(&self) -> Value {
        self.clone().into_value()
    }

    fn into_value(self) -> Value {
        Value::Dict(vec![
            ("image".to_string(), Value::U8(self.image)),
            (
                "direction".to_string(),
                Value::Int(i64::from(self.direction)),
            ),
            ("mission".to_string(), Value::Text(self.mission.to_string())),
        ])
    }

    fn from_value(value: Value) -> Result<Self, ValueTypeError> {
        let err = |v: &Value| ValueTypeError {
            expected: "a MiniGrid observation dict {image, direction, mission}",
            got: v.to_string(),
        };
        let (Some(Value::U8(image)), Some(Value::Int(d)), Some(Value::Text(mission))) = (
            value.get("image"),
            value.get("direction"),
            value.get("mission"),
        ) else {
            return Err(err(&value));
        };
        let cells = image.len() / 3;
        let view_size = (1..=cells).find(|s| s * s == cells).unwrap_or(0);
        let direction = u8::try_from(*d).ok().filter(|d| *d < 4);
        match direction {
            Some(direction) if view_size > 0 && image.len() == cells * 3 => Ok(MiniGridObs {
                image: image.clone(),
                view_size,
                direction,
                mission: Arc::from(mission.as_str()),
            }),
            _ => Err(err(&value)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minigrid::object::{Color, DoorState, UNSEEN_IDX, WALL_IDX};

    fn viewer(pos: (usize, usize), dir: u8, see_through_walls: bool) -> Viewer<'static> {
        Viewer {
            pos,
            dir,
            carrying: None,
            view_size: 7,
            see_through_walls,
        }
    }

    #[test]
    fn facing_right_the_cell_ahead_is_above_the_agent_in_the_view() {
        let mut g = Grid::new(10, 10);
        g.set(5, 4, Some(Obj::Ball(Color::Blue)));
        let img = gen_image(&g, &viewer((4, 4), 0, true));
        let obs = MiniGridObs {
            image: img,
            view_size: 7,
            direction: 0,
            mission: Arc::from(""),
        };
        assert_eq!(obs.cell(3, 5), [6, 2, 0]);
        // Out of the world (x = 4 + 6 = 10) reads as wall.
        assert_eq!(obs.cell(3, 0)[0], WALL_IDX);
        // The cell to the agent's right when facing right is +y: view (4, 6) is (4, 5).
        g.set(4, 5, Some(Obj::Key(Color::Red)));
        let img = gen_image(&g, &viewer((4, 4), 0, true));
        assert_eq!(&img[(4 * 7 + 6) * 3..(4 * 7 + 6) * 3 + 3], &[5, 0, 0]);
    }

    #[test]
    fn a_closed_door_hides_what_is_behind_it_but_is_itself_seen() {
        let mut g = Grid::new(9, 9);
        // Agent at (4, 8) facing up; a closed door two cells ahead, a ball behind it.
        g.set(4, 6, Some(Obj::Door(Color::Red, DoorState::Closed)));
        g.set(4, 5, Some(Obj::Ball(Color::Green)));
        let hidden = gen_image(&g, &viewer((4, 8), 3, false));
        let at = |img: &[u8], x: usize, y: usize| img[(x * 7 + y) * 3];
        assert_eq!(at(&hidden, 3, 4), 4, "the door is visible");
        // In an open room light reaches the ball diagonally round the door; a wall on the
        // door's row blocks those paths.
        g.horz_wall(0, 6, 4, &Obj::WALL);
        g.horz_wall(5, 6, 4, &Obj::WALL);
        let hidden = gen_image(&g, &viewer((4, 8), 3, false));
        assert_eq!(at(&hidden, 3, 3), UNSEEN_IDX);
        let seen = gen_image(&g, &viewer((4, 8), 3, true));
        assert_eq!(at(&seen, 3, 3), 6);
    }

    /// A random grid of walls, doors in every state, keys, balls, boxes, goals and lava.
    fn random_grid(rng: &mut rewardlab_core::rng::EnvRng, w: usize, h: usize) -> Grid {
        use rand::Rng;
        let mut g = Grid::new(w, h);
        for y in 0..h {
            for x in 0..w {
                let colour = Color::ALL[rng.random_range(0..6)];
                let obj = match rng.random_range(0..12) {
                    0 | 1 => Some(Obj::WALL),
                    2 => Some(Obj::Door(colour, DoorState::Open)),
                    3 => Some(Obj::Door(colour, DoorState::Closed)),
                    4 => Some(Obj::Door(colour, DoorState::Locked)),
                    5 => Some(Obj::Key(colour)),
                    6 => Some(Obj::Ball(colour)),
                    7 => Some(Obj::Box(colour, None)),
                    8 => Some(Obj::Goal),
                    9 => Some(Obj::Lava),
                    _ => None,
                };
                g.set(x, y, obj);
            }
        }
        g
    }

    #[test]
    fn the_bit_row_image_equals_the_cell_by_cell_image() {
        use rand::Rng;
        let mut rng = rewardlab_core::rng::rng_from_seed(7);
        let mut walls_hidden = 0;
        for case in 0..3000 {
            let (w, h) = (rng.random_range(1..14), rng.random_range(1..14));
            let g = random_grid(&mut rng, w, h);
            let carried = Obj::Key(Color::Blue);
            let v = Viewer {
                pos: (rng.random_range(0..w), rng.random_range(0..h)),
                dir: rng.random_range(0..4),
                carrying: rng.random::<bool>().then_some(&carried),
                view_size: [3, 5, 7, 9, 11, 17, 19][case % 7],
                see_through_walls: case % 5 == 0,
            };
            let fast = gen_image(&g, &v);
            assert_eq!(
                fast,
                gen_image_by_cells(&g, &v),
                "case {case}: {v:?} in {g:?}"
            );
            walls_hidden += fast.chunks(3).filter(|c| c[0] == UNSEEN_IDX).count();
        }
        assert!(walls_hidden > 0, "occlusion was exercised");
    }

    #[test]
    fn a_cell_changed_through_get_mut_is_seen_changed() {
        let mut g = Grid::new(5, 5);
        g.set(2, 1, Some(Obj::Door(Color::Red, DoorState::Closed)));
        let v = viewer((2, 3), 3, false);
        assert_eq!(gen_image(&g, &v)[(3 * 7 + 4) * 3 + 2], 1, "closed");
        if let Some(Obj::Door(_, state)) = g.get_mut(2, 1) {
            *state = DoorState::Open;
        }
        assert_eq!(
            gen_image(&g, &v)[(3 * 7 + 4) * 3 + 2],
            0,
            "open before refreshing"
        );
        g.refresh_codes();
        assert_eq!(gen_image(&g, &v), gen_image_by_cells(&g, &v));
        assert_eq!(
            gen_image(&g, &v)[(3 * 7 + 4) * 3 + 2],
            0,
            "open after refreshing"
        );
    }

    #[test]
    fn the_value_form_round_trips() {
        let obs = MiniGridObs {
            image: vec![1; 147],
            view_size: 7,
            direction: 2,
            mission: Arc::from("go"),
        };
        let v = obs.to_value();
        assert!(observation_space(7).contains(&v));
        assert_eq!(MiniGridObs::from_value(v), Ok(obs));
    }

    #[test]
    fn the_visibility_mask_is_what_the_image_leaves_seen() {
        let mut g = Grid::new(9, 9);
        g.wall_rect(0, 0, 9, 9);
        g.set(4, 6, Some(Obj::Door(Color::Red, DoorState::Closed)));
        g.horz_wall(0, 6, 4, &Obj::WALL);
        g.horz_wall(5, 6, 4, &Obj::WALL);
        let v = viewer((4, 7), 3, false);
        let mask = visibility(&g, &v);
        let img = gen_image(&g, &v);
        for (i, seen) in mask.iter().enumerate() {
            assert_eq!(*seen, img[i * 3] != UNSEEN_IDX, "cell {i}");
        }
        assert!(mask.iter().any(|s| !s), "the door row hides the rest");
        assert_eq!(view_to_world(&v, 3, 6), (4, 7));
        assert_eq!(view_to_world(&v, 3, 5), (4, 6));
        assert_eq!(view_to_world(&v, 4, 6), (5, 7), "facing up, right is +x");
    }
}
