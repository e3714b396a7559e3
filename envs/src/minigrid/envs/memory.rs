//! MiniGrid-Memory: a small start room shows a green key or ball; a hallway leads to a
//! T-junction with a key at one end and a ball at the other; the agent must go next to the
//! object that matches the one it saw.
//!
//! - Description: remember the start room's object, walk the hallway and stop next to its
//!   twin at the junction (layout rule below).
//! - Actions: the 7 MiniGrid actions; `pickup` acts as `toggle` (nothing can be picked up).
//! - Observations: the 7 × 7 egocentric view; walls block sight (MiniGrid sets
//!   `see_through_walls=False` here explicitly).
//! - Rewards: `1 − 0.9·step_count/max_steps` for stepping onto the cell next to the
//!   matching object; 0 otherwise.
//! - Start: a uniform cell of the middle row from column 1 to the hallway's end (so in the
//!   start room or the hallway), facing right.
//! - Episode end: the cell next to either object (terminated, success or failure, rule
//!   [`Task::ChooseCell`]) or `max_steps` (truncated, `5·size²`).
//! - Arguments: `size` (odd, at least 7), `random_length` (false), as MiniGrid's constructor.
//!
//! The layout rule is MiniGrid's, draw for draw in order: with `random_length` the hallway's
//! end column is uniform in `4..size-2` (else `size-3`); the agent's column is uniform in
//! `1..=end`; the start room's object is a key or a ball with equal odds, put at
//! `(1, size/2 − 1)`; the junction's objects are key above and ball below, or the reverse,
//! with equal odds, at `(end+1, size/2 ∓ 2)`. The success cell is the one between the junction
//! and the object of the start room's kind.

use crate::minigrid::any::BoxedMiniGrid;
use crate::minigrid::engine::{EngineConfig, MiniGridEnv};
use crate::minigrid::kwargs::{build_env, minigrid_spec, row_kwargs};
use crate::minigrid::layout::{Gen, GenError, Generator, Pos};
use crate::minigrid::object::{Color, Obj};
use crate::minigrid::world::Task;
use crate::registry::{EnvSpec, KwargSpec, Kwargs, MakeError};

/// The mission of every Memory env.
pub const MISSION: &str = "go to the matching object at the end of the hallway";

/// The Memory layout rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// Side of the square grid, walls included (odd, ≥ 7).
    pub size: usize,
    /// Whether the hallway's length is drawn each episode (else it runs to `size - 3`).
    pub random_length: bool,
}

/// A green key or a green ball: the two kinds of cue.
fn cue(is_key: bool) -> Obj {
    if is_key {
        Obj::Key(Color::Green)
    } else {
        Obj::Ball(Color::Green)
    }
}

impl Memory {
    /// The env with MiniGrid's defaults (`max_steps = 5·size²`, view 7, walls blocking sight).
    pub fn env(self) -> Result<MemoryEnv, GenError> {
        self.env_with(5 * self.size * self.size, 7)
    }

    /// The env with an explicit `max_steps` and view size. An even size (MiniGrid asserts an
    /// odd height, so its own default of 8 fails too) or one below 7 (no room for the start
    /// room and the junction) is refused.
    pub fn env_with(self, max_steps: usize, agent_view_size: usize) -> Result<MemoryEnv, GenError> {
        if self.size < 7 || self.size.is_multiple_of(2) {
            return Err(GenError::InvalidConfig(format!(
                "size = {}: must be odd and at least 7",
                self.size
            )));
        }
        let config = EngineConfig::square(self.size, max_steps, false, agent_view_size);
        MiniGridEnv::new(self, config)
    }
}

impl Generator for Memory {
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let (w, h) = (g.grid.width(), g.grid.height());
        g.grid.wall_rect(0, 0, w, h);
        let mid = h / 2;
        let (upper, lower) = (mid - 2, mid + 2);
        let end = if self.random_length {
            g.rand_int(4, w - 2)
        } else {
            w - 3
        };
        // The start room: walls above and below columns 1..=4, closed on the right but for
        // the middle row.
        g.grid.horz_wall(1, upper, 4, &Obj::WALL);
        g.grid.horz_wall(1, lower, 4, &Obj::WALL);
        g.put_obj(Obj::WALL, 4, upper + 1);
        g.put_obj(Obj::WALL, 4, lower - 1);
        // The hallway along the middle row, then the junction's two walls.
        for x in 5..end {
            g.put_obj(Obj::WALL, x, mid - 1);
            g.put_obj(Obj::WALL, x, mid + 1);
        }
        for y in 0..h {
            if y != mid {
                g.put_obj(Obj::WALL, end, y);
            }
            g.put_obj(Obj::WALL, end + 2, y);
        }
        g.agent_pos = Some((g.rand_int(1, end + 1), mid));
        g.agent_dir = 0;

        // MiniGrid draws from `[Key, Ball]`, then from `[[Ball, Key], [Key, Ball]]`.
        let start_is_key = g.rand_int(0, 2) == 0;
        g.put_obj(cue(start_is_key), 1, mid - 1);
        let top_is_key = g.rand_int(0, 2) == 1;
        let (top, bottom) = ((end + 1, mid - 2), (end + 1, mid + 2));
        g.put_obj(cue(top_is_key), top.0, top.1);
        g.put_obj(cue(!top_is_key), bottom.0, bottom.1);
        let (above, below): (Pos, Pos) = ((top.0, top.1 + 1), (bottom.0, bottom.1 - 1));
        let (success, failure) = if start_is_key == top_is_key {
            (above, below)
        } else {
            (below, above)
        };
        g.task = Task::ChooseCell { success, failure };
        g.mission = MISSION.to_string();
        Ok(())
    }
}

/// The Memory env: the engine around [`Memory`].
pub type MemoryEnv = MiniGridEnv<Memory>;

const KWARGS: &[KwargSpec] = &row_kwargs("5·size²");

fn build(kw: &Kwargs<'_>, size: usize, random_length: bool) -> Result<BoxedMiniGrid, MakeError> {
    build_env(kw, 5 * size * size, |max_steps, view| {
        Memory {
            size,
            random_length,
        }
        .env_with(max_steps, view)
    })
}

/// The Memory rows.
pub const SPECS: &[EnvSpec] = &[
    minigrid_spec(
        "MiniGrid-MemoryS17Random-v0",
        "MiniGrid Memory 17x17, random hallway length: go to the object matching the cue",
        KWARGS,
        |kw| build(kw, 17, true),
    ),
    minigrid_spec(
        "MiniGrid-MemoryS13Random-v0",
        "MiniGrid Memory 13x13, random hallway length: go to the object matching the cue",
        KWARGS,
        |kw| build(kw, 13, true),
    ),
    minigrid_spec(
        "MiniGrid-MemoryS13-v0",
        "MiniGrid Memory 13x13: go to the object matching the cue seen in the start room",
        KWARGS,
        |kw| build(kw, 13, false),
    ),
    minigrid_spec(
        "MiniGrid-MemoryS11-v0",
        "MiniGrid Memory 11x11: go to the object matching the cue seen in the start room",
        KWARGS,
        |kw| build(kw, 11, false),
    ),
    minigrid_spec(
        "MiniGrid-MemoryS9-v0",
        "MiniGrid Memory 9x9: go to the object matching the cue seen in the start room",
        KWARGS,
        |kw| build(kw, 9, false),
    ),
    minigrid_spec(
        "MiniGrid-MemoryS7-v0",
        "MiniGrid Memory 7x7: go to the object matching the cue seen in the start room",
        KWARGS,
        |kw| build(kw, 7, false),
    ),
];

#[cfg(test)]
#[path = "memory_tests.rs"]
mod tests;
