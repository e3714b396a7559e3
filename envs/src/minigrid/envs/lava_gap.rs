//! MiniGrid-LavaGap: a walled square with a vertical strip of lava (or another obstacle)
//! pierced by one gap; the agent must pass through the gap to reach the goal.
//!
//! - Description: the agent starts at `(1, 1)` facing right and the goal is in the
//!   opposite corner `(size−2, size−2)`. A full-height strip of the obstacle stands at a
//!   column `x` drawn uniformly in `2..size−2`, with one gap at a row drawn uniformly in
//!   `1..size−1` (drawn in that order, as MiniGrid's `_gen_grid`; the only two draws).
//! - Actions: MiniGrid's 7; only `left`, `right` and `forward` do anything here.
//! - Observations: the 7×7 egocentric view; the walls block sight (`see_through_walls =
//!   False`, as MiniGrid).
//! - Rewards: `1 − 0.9·step_count/max_steps` on the goal, 0 otherwise (lava ends with 0).
//! - Start: `(1, 1)`, facing right (no draw).
//! - Episode end: the goal or lava terminates; `max_steps = 4·size²` truncates.
//! - Arguments: `size` (≥ 5) and the obstacle: lava gives the mission `"avoid the lava and
//!   get to the green goal square"`, anything else `"find the opening and get to the green
//!   goal square"` (MiniGrid's `obstacle_type`).

use crate::minigrid::any::BoxedMiniGrid;
use crate::minigrid::engine::MiniGridEnv;
use crate::minigrid::kwargs::{build_env, minigrid_spec, row_kwargs, square_config};
use crate::minigrid::layout::{Gen, GenError, Generator, Pos};
use crate::minigrid::object::Obj;
use crate::registry::{EnvSpec, KwargSpec, Kwargs, MakeError};

/// The mission when the strip is lava.
pub const LAVA_MISSION: &str = "avoid the lava and get to the green goal square";

/// The mission when the strip is any other obstacle.
pub const OPENING_MISSION: &str = "find the opening and get to the green goal square";

/// The smallest side MiniGrid accepts (its `_gen_grid` asserts it).
pub const MIN_SIZE: usize = 5;

/// The LavaGap layout rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LavaGap {
    /// Side of the square, walls included (≥ 5).
    pub size: usize,
    /// What the strip is made of (MiniGrid's `obstacle_type`, lava by default).
    pub obstacle: Obj,
    /// The gap of the current layout (MiniGrid's `gap_pos`), set by each reset.
    gap: Pos,
}

impl LavaGap {
    /// The rule with a lava strip, as the registered ids.
    pub fn new(size: usize) -> Self {
        Self::with_obstacle(size, Obj::Lava)
    }

    /// The rule with a strip of `obstacle` (a wall makes it a "find the opening" task).
    pub fn with_obstacle(size: usize, obstacle: Obj) -> Self {
        LavaGap {
            size,
            obstacle,
            gap: (0, 0),
        }
    }

    /// The gap cell of the current layout.
    pub fn gap_pos(&self) -> Pos {
        self.gap
    }

    /// The mission MiniGrid gives this obstacle.
    pub fn mission(&self) -> &'static str {
        if self.obstacle == Obj::Lava {
            LAVA_MISSION
        } else {
            OPENING_MISSION
        }
    }

    /// The env with MiniGrid's defaults (`max_steps = 4·size²`, view 7, walls block sight).
    pub fn env(self) -> Result<LavaGapEnv, GenError> {
        let max_steps = 4 * self.size * self.size;
        self.env_with(max_steps, 7)
    }

    /// The env with an explicit `max_steps` and view size. A size below 5 is refused
    /// ([`GenError::InvalidConfig`]), as MiniGrid's assertion does.
    pub fn env_with(
        self,
        max_steps: usize,
        agent_view_size: usize,
    ) -> Result<LavaGapEnv, GenError> {
        let config = square_config(self.size, MIN_SIZE, max_steps, false, agent_view_size)?;
        MiniGridEnv::new(self, config)
    }
}

impl Generator for LavaGap {
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let (w, h) = (g.grid.width(), g.grid.height());
        g.grid.wall_rect(0, 0, w, h);
        g.agent_pos = Some((1, 1));
        g.agent_dir = 0;
        g.put_obj(Obj::Goal, w - 2, h - 2);
        let x = g.rand_int(2, w - 2);
        let y = g.rand_int(1, h - 1);
        g.grid.vert_wall(x, 1, h - 2, &self.obstacle);
        g.grid.take(x, y);
        self.gap = (x, y);
        g.mission = self.mission().to_string();
        Ok(())
    }
}

/// The LavaGap env: the engine around [`LavaGap`].
pub type LavaGapEnv = MiniGridEnv<LavaGap>;

const KWARGS: &[KwargSpec] = &row_kwargs("the env's (4·size² for LavaGap)");

fn build(kw: &Kwargs<'_>, size: usize) -> Result<BoxedMiniGrid, MakeError> {
    build_env(kw, 4 * size * size, |max_steps, view| {
        LavaGap::new(size).env_with(max_steps, view)
    })
}

/// The LavaGap rows.
pub const SPECS: &[EnvSpec] = &[
    minigrid_spec(
        "MiniGrid-LavaGapS5-v0",
        "MiniGrid LavaGap 5x5: cross a lava strip through its one gap",
        KWARGS,
        |kw| build(kw, 5),
    ),
    minigrid_spec(
        "MiniGrid-LavaGapS6-v0",
        "MiniGrid LavaGap 6x6: cross a lava strip through its one gap",
        KWARGS,
        |kw| build(kw, 6),
    ),
    minigrid_spec(
        "MiniGrid-LavaGapS7-v0",
        "MiniGrid LavaGap 7x7: cross a lava strip through its one gap",
        KWARGS,
        |kw| build(kw, 7),
    ),
];

#[cfg(test)]
#[path = "lava_gap_tests.rs"]
mod tests;
