//! MiniGrid-Empty: a walled square room with the goal in the bottom-right corner.
//!
//! - Description: walk to the goal at `(size−2, size−2)`; the layout has no other object.
//! - Actions: the 7 MiniGrid actions; only `left`, `right` and `forward` do anything here.
//! - Observations: the 7 × 7 egocentric view, direction and the mission
//!   `"get to the green goal square"`.
//! - Rewards: `1 − 0.9·step_count/max_steps` on the goal, else 0.
//! - Start: `(1, 1)` facing right; the `Random` ids a uniform free cell and direction.
//! - Episode end: the goal (terminated) or `max_steps` (truncated).
//! - Arguments: `size` (≥ 4), `random_start`, `max_steps` (`4·size²`), `agent_view_size`.
//!
//! The agent starts at `(1, 1)` facing right, or (the `Random` ids) on a uniform free cell
//! facing a uniform direction. `max_steps = 4·size²`; these envs see through walls, as MiniGrid
//! registers them (`EmptyEnv` passes `see_through_walls=True`).

use crate::minigrid::any::BoxedMiniGrid;
use crate::minigrid::engine::MiniGridEnv;
use crate::minigrid::kwargs::{build_env, minigrid_spec, row_kwargs, square_config};
use crate::minigrid::layout::{Gen, GenError, Generator};
use crate::minigrid::object::Obj;
use crate::registry::{EnvSpec, KwargSpec, Kwargs, MakeError};

/// The mission of every Empty env.
pub const MISSION: &str = "get to the green goal square";

/// The Empty layout rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Empty {
    /// Side of the room, walls included.
    pub size: usize,
    /// Start at a uniform free cell and direction instead of `(1, 1)` facing right.
    pub random_start: bool,
}

impl Generator for Empty {
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let (w, h) = (g.grid.width(), g.grid.height());
        g.grid.wall_rect(0, 0, w, h);
        g.put_obj(Obj::Goal, w - 2, h - 2);
        if self.random_start {
            g.place_agent(None, None, true)?;
        } else {
            g.agent_pos = Some((1, 1));
            g.agent_dir = 0;
        }
        g.mission = MISSION.to_string();
        Ok(())
    }
}

/// The Empty env: the engine around [`Empty`].
pub type EmptyEnv = MiniGridEnv<Empty>;

impl Empty {
    /// The env on a `size × size` room with MiniGrid's defaults (`max_steps = 4·size²`, view 7,
    /// seeing through walls). Sizes below 4 are refused (the room would have no free cell
    /// besides the goal).
    pub fn env(size: usize, random_start: bool) -> Result<EmptyEnv, GenError> {
        Self::env_with(size, random_start, 4 * size * size, 7)
    }

    /// The env with an explicit `max_steps` and view size.
    pub fn env_with(
        size: usize,
        random_start: bool,
        max_steps: usize,
        agent_view_size: usize,
    ) -> Result<EmptyEnv, GenError> {
        let config = square_config(size, 4, max_steps, true, agent_view_size)?;
        MiniGridEnv::new(Empty { size, random_start }, config)
    }
}

const KWARGS: &[KwargSpec] = &row_kwargs("the env's (4·size² for Empty)");

fn build(kw: &Kwargs<'_>, size: usize, random_start: bool) -> Result<BoxedMiniGrid, MakeError> {
    build_env(kw, 4 * size * size, |max_steps, view| {
        Empty::env_with(size, random_start, max_steps, view)
    })
}

/// The Empty rows.
pub const SPECS: &[EnvSpec] = &[
    minigrid_spec(
        "MiniGrid-Empty-5x5-v0",
        "MiniGrid Empty room 5x5, fixed start",
        KWARGS,
        |kw| build(kw, 5, false),
    ),
    minigrid_spec(
        "MiniGrid-Empty-Random-5x5-v0",
        "MiniGrid Empty room 5x5, random start",
        KWARGS,
        |kw| build(kw, 5, true),
    ),
    minigrid_spec(
        "MiniGrid-Empty-6x6-v0",
        "MiniGrid Empty room 6x6, fixed start",
        KWARGS,
        |kw| build(kw, 6, false),
    ),
    minigrid_spec(
        "MiniGrid-Empty-Random-6x6-v0",
        "MiniGrid Empty room 6x6, random start",
        KWARGS,
        |kw| build(kw, 6, true),
    ),
    minigrid_spec(
        "MiniGrid-Empty-8x8-v0",
        "MiniGrid Empty room 8x8, fixed start",
        KWARGS,
        |kw| build(kw, 8, false),
    ),
    minigrid_spec(
        "MiniGrid-Empty-16x16-v0",
        "MiniGrid Empty room 16x16, fixed start",
        KWARGS,
        |kw| build(kw, 16, false),
    ),
];
