//! MiniGrid-BlockedUnlockPickup: UnlockPickup with a ball in front of the locked door, on the
//! agent's side, that must be moved out of the way first.
//!
//! - Description: move the ball, fetch the key, unlock the door and pick up the box in the
//!   right room (layout rule below).
//! - Actions: the 7 MiniGrid actions (`drop` is needed to put the ball and the key down).
//! - Observations: the 7 × 7 egocentric view, direction and the mission
//!   `"pick up the {colour} box"`.
//! - Rewards: `1 − 0.9·step_count/max_steps` on the `pickup` that leaves the box in the hands,
//!   else 0.
//! - Start: a uniform cell and direction of the left room whose front cell is empty or a wall.
//! - Episode end: the box is picked up ([`Task::PickUp`]), or truncation at `max_steps`.
//! - Arguments: `max_steps` (MiniGrid's default `16·6² = 576`), `agent_view_size`.
//!
//! The layout rule is MiniGrid's, draw for draw in order, on [`RoomGrid`]: the door cell, the
//! box's colour and cell in the right room, the door's colour (locked), the ball's colour (it
//! goes on the cell left of the door), the key's cell in the left room, then the agent. The
//! box is the only box, so [`Task::PickUp`]'s equality by value is MiniGrid's identity test
//! here. Walls block sight.

use crate::minigrid::engine::MiniGridEnv;
use crate::minigrid::kwargs::{build_env, minigrid_spec, row_kwargs};
use crate::minigrid::layout::{Gen, GenError, Generator};
use crate::minigrid::object::Obj;
use crate::minigrid::room_grid::{ObjKind, RoomGrid};
use crate::minigrid::unlock_pickup::mission;
use crate::minigrid::world::Task;
use crate::registry::{EnvSpec, KwargSpec};

/// Side of each room, walls included (MiniGrid fixes it).
pub const ROOM_SIZE: usize = 6;

/// MiniGrid's default `max_steps`: `16·ROOM_SIZE²`.
pub const MAX_STEPS_DEFAULT: usize = 16 * ROOM_SIZE * ROOM_SIZE;

/// The BlockedUnlockPickup layout rule (no layout parameters in MiniGrid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BlockedUnlockPickup;

impl Generator for BlockedUnlockPickup {
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let mut rooms = RoomGrid::new(g, ROOM_SIZE, 1, 2)?;
        let (target, _) = rooms.add_object(g, 1, 0, Some(ObjKind::Box), None)?;
        let (color, door) = rooms.add_door(g, 0, 0, Some(0), None, Some(true))?;
        let ball = g.rand_color();
        g.put_obj(Obj::Ball(ball), door.0 - 1, door.1);
        rooms.add_object(g, 0, 0, Some(ObjKind::Key), Some(color))?;
        rooms.place_agent(g, Some(0), Some(0), true)?;
        g.mission = mission(&target);
        g.task = Task::PickUp(target);
        Ok(())
    }
}

/// The BlockedUnlockPickup env: the engine around [`BlockedUnlockPickup`].
pub type BlockedUnlockPickupEnv = MiniGridEnv<BlockedUnlockPickup>;

impl BlockedUnlockPickup {
    /// The env with MiniGrid's defaults (`max_steps = 576`, view 7, walls blocking sight).
    pub fn env() -> Result<BlockedUnlockPickupEnv, GenError> {
        Self::env_with(MAX_STEPS_DEFAULT, 7)
    }

    /// The env with an explicit `max_steps` and view size.
    pub fn env_with(
        max_steps: usize,
        agent_view_size: usize,
    ) -> Result<BlockedUnlockPickupEnv, GenError> {
        let config = RoomGrid::engine_config(ROOM_SIZE, 1, 2, max_steps, agent_view_size)?;
        MiniGridEnv::new(BlockedUnlockPickup, config)
    }
}

const KWARGS: &[KwargSpec] = &row_kwargs("576");

/// The BlockedUnlockPickup row.
pub const SPECS: &[EnvSpec] = &[minigrid_spec(
    "MiniGrid-BlockedUnlockPickup-v0",
    "MiniGrid BlockedUnlockPickup: move the ball, unlock the door, pick up the box",
    KWARGS,
    |kw| build_env(kw, MAX_STEPS_DEFAULT, BlockedUnlockPickup::env_with),
)];

#[cfg(test)]
#[path = "blocked_unlock_pickup_tests.rs"]
mod tests;
