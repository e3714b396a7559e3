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
use super::grid::Grid;
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
    Space::Dict(vec![
        (
            "image".to_string(),
            Space::Box(BoxSpace::uniform(
                &[view_size, view_size, 3],
                0.0,
                255.0,
                DType::U8,
            )),
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
pub fn gen_image(grid: &Grid, viewer: &Viewer<'_>) -> Vec<u8> {
    let n = viewer.view_size;
    let half = (n / 2) as i64;
    let (fx, fy) = DIR_TO_VEC[usize::from(viewer.dir % 4)];
    let (rx, ry) = (-fy, fx);
    let (ax, ay) = (viewer.pos.0 as i64, viewer.pos.1 as i64);
    // The view's cells, [x][y], with out-of-world cells as walls.
    let mut view: Vec<Option<&Obj>> = Vec::with_capacity(n * n);
    for vx in 0..n as i64 {
        for vy in 0..n as i64 {
            let ahead = n as i64 - 1 - vy;
            let (wx, wy) = (
                ax + fx * ahead + rx * (vx - half),
                ay + fy * ahead + ry * (vx - half),
            );
            let inside =
                wx >= 0 && wy >= 0 && (wx as usize) < grid.width() && (wy as usize) < grid.height();
            view.push(if inside {
                grid.get(wx as usize, wy as usize)
            } else {
                Some(&Obj::WALL)
            });
        }
    }
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
