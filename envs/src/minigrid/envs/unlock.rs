//! MiniGrid-Unlock: two 6 × 6 rooms side by side (an 11 × 6 grid) joined by a locked door;
//! the key of the door's colour lies in the left room with the agent. Opening the door wins.
//!
//! - Description: pick up the key and open the door with it (layout rule below).
//! - Actions: the 7 MiniGrid actions; only `left`, `right`, `forward`, `pickup` and `toggle`
//!   matter.
//! - Observations: the 7 × 7 egocentric view, direction and the mission `"open the door"`.
//! - Rewards: `1 − 0.9·step_count/max_steps` on the `toggle` that leaves the door open, else 0.
//! - Start: a uniform cell and direction of the left room whose front cell is empty or a wall.
//! - Episode end: the door is opened ([`Task::OpenDoor`]), or truncation at `max_steps`.
//! - Arguments: `max_steps` (MiniGrid's default `8·6² = 288`), `agent_view_size`.
//!
//! The layout rule is MiniGrid's, draw for draw in order, on [`RoomGrid`]: the door cell of the
//! shared wall, the door's colour (locked), the key's cell in the left room (not next to the
//! provisional start in the right room), then the agent. Walls block sight.

use crate::minigrid::engine::MiniGridEnv;
use crate::minigrid::kwargs::{build_env, minigrid_spec, row_kwargs};
use crate::minigrid::layout::{Gen, GenError, Generator};
use crate::minigrid::room_grid::{ObjKind, RoomGrid};
use crate::minigrid::world::Task;
use crate::registry::{EnvSpec, KwargSpec};

/// The mission of Unlock.
pub const MISSION: &str = "open the door";

/// Side of each room, walls included (MiniGrid fixes it).
pub const ROOM_SIZE: usize = 6;

/// MiniGrid's default `max_steps`: `8·ROOM_SIZE²`.
pub const MAX_STEPS_DEFAULT: usize = 8 * ROOM_SIZE * ROOM_SIZE;

/// The Unlock layout rule (MiniGrid's `UnlockEnv` has no layout parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Unlock;

impl Generator for Unlock {
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let mut rooms = RoomGrid::new(g, ROOM_SIZE, 1, 2)?;
        let (color, door) = rooms.add_door(g, 0, 0, Some(0), None, Some(true))?;
        rooms.add_object(g, 0, 0, Some(ObjKind::Key), Some(color))?;
        rooms.place_agent(g, Some(0), Some(0), true)?;
        g.task = Task::OpenDoor(door);
        g.mission = MISSION.to_string();
        Ok(())
    }
}

/// The Unlock env: the engine around [`Unlock`].
pub type UnlockEnv = MiniGridEnv<Unlock>;

impl Unlock {
    /// The env with MiniGrid's defaults (`max_steps = 288`, view 7, walls blocking sight).
    pub fn env() -> Result<UnlockEnv, GenError> {
        Self::env_with(MAX_STEPS_DEFAULT, 7)
    }

    /// The env with an explicit `max_steps` and view size.
    pub fn env_with(max_steps: usize, agent_view_size: usize) -> Result<UnlockEnv, GenError> {
        let config = RoomGrid::engine_config(ROOM_SIZE, 1, 2, max_steps, agent_view_size)?;
        MiniGridEnv::new(Unlock, config)
    }
}

const KWARGS: &[KwargSpec] = &row_kwargs("288");

/// The Unlock row.
pub const SPECS: &[EnvSpec] = &[minigrid_spec(
    "MiniGrid-Unlock-v0",
    "MiniGrid Unlock: fetch the key and open the locked door to the next room",
    KWARGS,
    |kw| build_env(kw, MAX_STEPS_DEFAULT, Unlock::env_with),
)];

#[cfg(test)]
#[path = "unlock_tests.rs"]
mod tests;
