//! MiniGrid-DoorKey: a walled square split by a vertical wall with a locked yellow door; the
//! yellow key lies on the agent's (left) side and the goal in the bottom-right corner.
//!
//! - Description: pick up the key, unlock the door and reach the goal (layout rule below).
//! - Actions: the 7 MiniGrid actions; turning, `forward`, `pickup` and `toggle` matter.
//! - Observations: the 7 × 7 egocentric view, direction and the mission
//!   `"use the key to open the door and then get to the goal"`.
//! - Rewards: `1 − 0.9·step_count/max_steps` on the goal, else 0.
//! - Start: a uniform free cell left of the splitting wall, a uniform direction.
//! - Episode end: the goal (terminated) or `max_steps` (truncated).
//! - Arguments: `size` (≥ 5), `max_steps` (`10·size²`), `agent_view_size`.
//!
//! The layout rule is MiniGrid's, draw for draw in order: the splitting column is uniform in
//! `2..size-2`, the agent a uniform free cell left of it (before the door exists) facing a
//! uniform direction, the door row uniform in `1..size-2` (MiniGrid never puts the door in
//! the row just above the bottom wall), and the key a uniform free cell left of the wall not
//! under the agent. `max_steps = 10·size²`; the walls block sight (MiniGrid's default).

use crate::minigrid::any::BoxedMiniGrid;
use crate::minigrid::engine::MiniGridEnv;
use crate::minigrid::kwargs::{build_env, minigrid_spec, row_kwargs, square_config};
use crate::minigrid::layout::{Gen, GenError, Generator};
use crate::minigrid::object::{Color, DoorState, Obj};
use crate::registry::{EnvSpec, KwargSpec, Kwargs, MakeError};

/// The mission of every DoorKey env.
pub const MISSION: &str = "use the key to open the door and then get to the goal";

/// The DoorKey layout rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DoorKey {
    /// Side of the square, walls included.
    pub size: usize,
}

impl Generator for DoorKey {
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let (w, h) = (g.grid.width(), g.grid.height());
        g.grid.wall_rect(0, 0, w, h);
        g.put_obj(Obj::Goal, w - 2, h - 2);
        let split = g.rand_int(2, w - 2);
        g.grid.vert_wall(split, 0, h, &Obj::WALL);
        // The agent is placed before the door and key, as MiniGrid does, so the key's cell is
        // drawn among the cells the agent left free.
        g.place_agent(None, Some((split, h)), true)?;
        let door_row = g.rand_int(1, h - 2);
        g.put_obj(Obj::Door(Color::Yellow, DoorState::Locked), split, door_row);
        g.place_obj(Some(Obj::Key(Color::Yellow)), None, Some((split, h)), None)?;
        g.mission = MISSION.to_string();
        Ok(())
    }
}

/// The DoorKey env: the engine around [`DoorKey`].
pub type DoorKeyEnv = MiniGridEnv<DoorKey>;

impl DoorKey {
    /// The env on a `size × size` grid with MiniGrid's defaults (`max_steps = 10·size²`, view
    /// 7, walls blocking sight). Sizes below 5 are refused (no column for the splitting wall).
    pub fn env(size: usize) -> Result<DoorKeyEnv, GenError> {
        Self::env_with(size, 10 * size * size, 7)
    }

    /// The env with an explicit `max_steps` and view size.
    pub fn env_with(
        size: usize,
        max_steps: usize,
        agent_view_size: usize,
    ) -> Result<DoorKeyEnv, GenError> {
        let config = square_config(size, 5, max_steps, false, agent_view_size)?;
        MiniGridEnv::new(DoorKey { size }, config)
    }
}

const KWARGS: &[KwargSpec] = &row_kwargs("10·size²");

fn build(kw: &Kwargs<'_>, size: usize) -> Result<BoxedMiniGrid, MakeError> {
    build_env(kw, 10 * size * size, |max_steps, view| {
        DoorKey::env_with(size, max_steps, view)
    })
}

/// The DoorKey rows.
pub const SPECS: &[EnvSpec] = &[
    minigrid_spec(
        "MiniGrid-DoorKey-5x5-v0",
        "MiniGrid DoorKey 5x5: fetch the key, unlock the door, reach the goal",
        KWARGS,
        |kw| build(kw, 5),
    ),
    minigrid_spec(
        "MiniGrid-DoorKey-6x6-v0",
        "MiniGrid DoorKey 6x6: fetch the key, unlock the door, reach the goal",
        KWARGS,
        |kw| build(kw, 6),
    ),
    minigrid_spec(
        "MiniGrid-DoorKey-8x8-v0",
        "MiniGrid DoorKey 8x8: fetch the key, unlock the door, reach the goal",
        KWARGS,
        |kw| build(kw, 8),
    ),
    minigrid_spec(
        "MiniGrid-DoorKey-16x16-v0",
        "MiniGrid DoorKey 16x16: fetch the key, unlock the door, reach the goal",
        KWARGS,
        |kw| build(kw, 16),
    ),
];
