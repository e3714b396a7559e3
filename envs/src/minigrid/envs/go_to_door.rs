//! MiniGrid-GoToDoor: a walled room with four closed doors of distinct colours, one on each
//! wall; the mission names one door, and the agent must perform `done` next to it.
//!
//! - Description: the room's width and height are each uniform in `5..=size` (the room sits
//!   in the grid's top-left corner; the rest of the grid stays empty). Top and bottom doors
//!   take a uniform column in `2..w-2`, left and right doors a uniform row in `2..h-2`.
//! - Actions: the seven; only the moves, `toggle` and `done` matter.
//! - Observations: the 7×7 view; these envs see through walls (MiniGrid's setting).
//! - Rewards: `1 − 0.9·step_count/max_steps` for `done` while 4-adjacent to the target door,
//!   0 otherwise ([`Task::DoneNextTo`]).
//! - Start: a uniform free cell inside the room, facing a uniform direction.
//! - Episode end: any `done` (success or failure), any `toggle` (0), or `max_steps = 4·size²`.
//! - Arguments: `size ≥ 5`.
//!
//! The draws follow MiniGrid's, in order: room width, room height, the four door cells (top,
//! bottom, left, right), the four colours, the agent's cell and direction, the target door.
//! MiniGrid draws the colours by redrawing until one is new; [`Gen::rand_subset`] draws each
//! colour uniformly among those not yet taken, which is the same law and cannot loop.

use crate::minigrid::any::BoxedMiniGrid;
use crate::minigrid::engine::MiniGridEnv;
use crate::minigrid::kwargs::{build_env, minigrid_spec, row_kwargs, square_config};
use crate::minigrid::layout::{Gen, GenError, Generator, Pos};
use crate::minigrid::object::{Color, DoorState, Obj};
use crate::minigrid::world::Task;
use crate::registry::{EnvSpec, KwargSpec, Kwargs, MakeError};

/// The smallest grid MiniGrid accepts (the smallest room).
pub const MIN_SIZE: usize = 5;

/// The mission naming the door of colour `color`: MiniGrid's `"go to the {color} door"`.
pub fn mission(color: Color) -> String {
    format!("go to the {} door", color.name())
}

/// The GoToDoor layout rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoToDoor {
    /// Side of the grid, walls included; the room's sides are drawn in `5..=size`.
    pub size: usize,
}

impl Generator for GoToDoor {
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let w = g.rand_int(MIN_SIZE, g.grid.width() + 1);
        let h = g.rand_int(MIN_SIZE, g.grid.height() + 1);
        g.grid.wall_rect(0, 0, w, h);
        let doors: [Pos; 4] = [
            (g.rand_int(2, w - 2), 0),
            (g.rand_int(2, w - 2), h - 1),
            (0, g.rand_int(2, h - 2)),
            (w - 1, g.rand_int(2, h - 2)),
        ];
        let colors = g.rand_subset(&Color::ALL, doors.len());
        for (&(x, y), &color) in doors.iter().zip(&colors) {
            g.put_obj(Obj::Door(color, DoorState::Closed), x, y);
        }
        g.place_agent(None, Some((w, h)), true)?;
        let target = g.rand_int(0, doors.len());
        // `rand_subset` of six colours returns four, one per door.
        g.task = Task::DoneNextTo(doors[target]);
        g.mission = mission(colors[target]);
        Ok(())
    }
}

/// The GoToDoor env: the engine around [`GoToDoor`].
pub type GoToDoorEnv = MiniGridEnv<GoToDoor>;

impl GoToDoor {
    /// MiniGrid's default `max_steps` for a `size × size` grid: `4·size²`.
    pub fn default_max_steps(size: usize) -> usize {
        4 * size * size
    }

    /// The env on a `size × size` grid with MiniGrid's defaults (`max_steps = 4·size²`, view
    /// 7, seeing through walls). Sizes below 5 are refused, as MiniGrid asserts.
    pub fn env(size: usize) -> Result<GoToDoorEnv, GenError> {
        Self::env_with(size, Self::default_max_steps(size), 7)
    }

    /// The env with an explicit `max_steps` and view size.
    pub fn env_with(
        size: usize,
        max_steps: usize,
        agent_view_size: usize,
    ) -> Result<GoToDoorEnv, GenError> {
        let config = square_config(size, MIN_SIZE, max_steps, true, agent_view_size)?;
        MiniGridEnv::new(GoToDoor { size }, config)
    }
}

const KWARGS: &[KwargSpec] = &row_kwargs("4·size²");

fn build(kw: &Kwargs<'_>, size: usize) -> Result<BoxedMiniGrid, MakeError> {
    build_env(kw, GoToDoor::default_max_steps(size), |max_steps, view| {
        GoToDoor::env_with(size, max_steps, view)
    })
}

/// The GoToDoor rows.
pub const SPECS: &[EnvSpec] = &[
    minigrid_spec(
        "MiniGrid-GoToDoor-5x5-v0",
        "MiniGrid GoToDoor 5x5: perform done next to the door the mission names",
        KWARGS,
        |kw| build(kw, 5),
    ),
    minigrid_spec(
        "MiniGrid-GoToDoor-6x6-v0",
        "MiniGrid GoToDoor 6x6: perform done next to the door the mission names",
        KWARGS,
        |kw| build(kw, 6),
    ),
    minigrid_spec(
        "MiniGrid-GoToDoor-8x8-v0",
        "MiniGrid GoToDoor 8x8: perform done next to the door the mission names",
        KWARGS,
        |kw| build(kw, 8),
    ),
];

#[cfg(test)]
#[path = "go_to_door_tests.rs"]
pub(crate) mod tests;
