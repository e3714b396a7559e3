//! MiniGrid-RedBlueDoors: a square room in the middle of a `2·size × size` grid, with a red
//! door in its left wall and a blue door in its right wall; open the red one, then the blue.
//!
//! - Description: open the red door first, then the blue one (layout rule below).
//! - Actions: the 7 MiniGrid actions; turning, `forward` and `toggle` matter.
//! - Observations: the 7 × 7 egocentric view; walls block sight (MiniGrid's default).
//! - Rewards: `1 − 0.9·step_count/max_steps` for opening the blue door after the red one;
//!   0 otherwise.
//! - Start: a uniform free cell of the room, a uniform direction.
//! - Episode end: opening the blue door (success if the red one was open before the step,
//!   failure otherwise), opening the red door while the blue one is open (failure), or
//!   `max_steps` (truncated, `20·size²`). The rule is [`Task::OpenInOrder`].
//! - Arguments: `size` (8; at least 4), as MiniGrid's constructor.
//!
//! The layout rule is MiniGrid's, draw for draw in order: the outer walls, the room's walls
//! (a `size × size` square from column `size/2`), the agent (a uniform free cell of the room
//! and a uniform direction), the red door's row uniform in `1..size-1` in the left wall, then
//! the blue door's row likewise in the right wall. Both doors start closed.

use crate::minigrid::any::BoxedMiniGrid;
use crate::minigrid::engine::{EngineConfig, MiniGridEnv};
use crate::minigrid::kwargs::{build_env, minigrid_spec, row_kwargs};
use crate::minigrid::layout::{Gen, GenError, Generator, Pos};
use crate::minigrid::object::{Color, DoorState, Obj};
use crate::minigrid::world::Task;
use crate::registry::{EnvSpec, KwargSpec, Kwargs, MakeError};

/// The mission of every RedBlueDoors env.
pub const MISSION: &str = "open the red door then the blue door";

/// The RedBlueDoors layout rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedBlueDoors {
    /// Side of the room and height of the grid, walls included (the grid is twice as wide).
    pub size: usize,
}

impl Default for RedBlueDoors {
    fn default() -> Self {
        RedBlueDoors { size: 8 }
    }
}

impl RedBlueDoors {
    /// The room's left and right wall columns, where the red and blue doors go.
    pub fn door_columns(&self) -> (usize, usize) {
        (self.size / 2, self.size / 2 + self.size - 1)
    }

    /// The env with MiniGrid's defaults (`max_steps = 20·size²`, view 7, walls blocking
    /// sight).
    pub fn env(self) -> Result<RedBlueDoorsEnv, GenError> {
        self.env_with(20 * self.size * self.size, 7)
    }

    /// The env with an explicit `max_steps` and view size. Sizes below 4 are refused (the
    /// room needs a free cell and a row for each door).
    pub fn env_with(
        self,
        max_steps: usize,
        agent_view_size: usize,
    ) -> Result<RedBlueDoorsEnv, GenError> {
        if self.size < 4 {
            return Err(GenError::InvalidConfig(format!(
                "size = {}: must be at least 4",
                self.size
            )));
        }
        let config = EngineConfig::new(2 * self.size, self.size, max_steps, false, agent_view_size);
        MiniGridEnv::new(self, config)
    }
}

impl Generator for RedBlueDoors {
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let size = self.size;
        let (left, right) = self.door_columns();
        g.grid.wall_rect(0, 0, 2 * size, size);
        g.grid.wall_rect(left, 0, size, size);
        g.place_agent(Some((left, 0)), Some((size, size)), true)?;
        let red: Pos = (left, g.rand_int(1, size - 1));
        g.put_obj(Obj::Door(Color::Red, DoorState::Closed), red.0, red.1);
        let blue: Pos = (right, g.rand_int(1, size - 1));
        g.put_obj(Obj::Door(Color::Blue, DoorState::Closed), blue.0, blue.1);
        g.task = Task::OpenInOrder {
            first: red,
            second: blue,
        };
        g.mission = MISSION.to_string();
        Ok(())
    }
}

/// The RedBlueDoors env: the engine around [`RedBlueDoors`].
pub type RedBlueDoorsEnv = MiniGridEnv<RedBlueDoors>;

const KWARGS: &[KwargSpec] = &row_kwargs("20·size²");

fn build(kw: &Kwargs<'_>, size: usize) -> Result<BoxedMiniGrid, MakeError> {
    build_env(kw, 20 * size * size, |max_steps, view| {
        RedBlueDoors { size }.env_with(max_steps, view)
    })
}

/// The RedBlueDoors rows.
pub const SPECS: &[EnvSpec] = &[
    minigrid_spec(
        "MiniGrid-RedBlueDoors-6x6-v0",
        "MiniGrid RedBlueDoors 6x6: open the red door, then the blue door",
        KWARGS,
        |kw| build(kw, 6),
    ),
    minigrid_spec(
        "MiniGrid-RedBlueDoors-8x8-v0",
        "MiniGrid RedBlueDoors 8x8: open the red door, then the blue door",
        KWARGS,
        |kw| build(kw, 8),
    ),
];

#[cfg(test)]
#[path = "red_blue_doors_tests.rs"]
mod tests;
