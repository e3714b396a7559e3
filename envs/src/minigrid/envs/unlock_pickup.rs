//! MiniGrid-UnlockPickup: two 6 × 6 rooms side by side (an 11 × 6 grid) joined by a locked
//! door; the agent and the door's key are in the left room, a box in the right one. Picking
//! up the box wins.
//!
//! - Description: fetch the key, unlock the door and pick up the box in the right room
//!   (layout rule below).
//! - Actions: the 7 MiniGrid actions (`drop` is needed to free the hands of the key).
//! - Observations: the 7 × 7 egocentric view, direction and the mission
//!   `"pick up the {colour} box"`.
//! - Rewards: `1 − 0.9·step_count/max_steps` on the `pickup` that leaves the box in the hands,
//!   else 0.
//! - Start: a uniform cell and direction of the left room whose front cell is empty or a wall.
//! - Episode end: the box is picked up ([`Task::PickUp`]), or truncation at `max_steps`.
//! - Arguments: `max_steps` (MiniGrid's default `8·6² = 288`), `agent_view_size`.
//!
//! The layout rule is MiniGrid's, draw for draw in order, on [`RoomGrid`]: the door cell, the
//! box's colour and cell in the right room (never on or next to the provisional start at the
//! right room's centre), the door's colour (locked), the key's cell in the left room, then the
//! agent. The box is the only box, so [`Task::PickUp`]'s equality by value is MiniGrid's
//! identity test here. Walls block sight.

use crate::minigrid::engine::MiniGridEnv;
use crate::minigrid::kwargs::{build_env, minigrid_spec, row_kwargs};
use crate::minigrid::layout::{Gen, GenError, Generator};
use crate::minigrid::object::Obj;
use crate::minigrid::room_grid::{ObjKind, RoomGrid};
use crate::minigrid::world::Task;
use crate::registry::{EnvSpec, KwargSpec};

/// Side of each room, walls included (MiniGrid fixes it).
pub const ROOM_SIZE: usize = 6;

/// MiniGrid's default `max_steps`: `8·ROOM_SIZE²`.
pub const MAX_STEPS_DEFAULT: usize = 8 * ROOM_SIZE * ROOM_SIZE;

/// The mission for the target `obj`: `"pick up the {colour} {type}"`.
pub fn mission(obj: &Obj) -> String {
    let kind = match obj {
        Obj::Key(_) => "key",
        Obj::Ball(_) => "ball",
        _ => "box",
    };
    format!("pick up the {} {kind}", obj.color().name())
}

/// The UnlockPickup layout rule (MiniGrid's `UnlockPickupEnv` has no layout parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnlockPickup;

impl Generator for UnlockPickup {
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let mut rooms = RoomGrid::new(g, ROOM_SIZE, 1, 2)?;
        let (target, _) = rooms.add_object(g, 1, 0, Some(ObjKind::Box), None)?;
        let (color, _) = rooms.add_door(g, 0, 0, Some(0), None, Some(true))?;
        rooms.add_object(g, 0, 0, Some(ObjKind::Key), Some(color))?;
        rooms.place_agent(g, Some(0), Some(0), true)?;
        g.mission = mission(&target);
        g.task = Task::PickUp(target);
        Ok(())
    }
}

/// The UnlockPickup env: the engine around [`UnlockPickup`].
pub type UnlockPickupEnv = MiniGridEnv<UnlockPickup>;

impl UnlockPickup {
    /// The env with MiniGrid's defaults (`max_steps = 288`, view 7, walls blocking sight).
    pub fn env() -> Result<UnlockPickupEnv, GenError> {
        Self::env_with(MAX_STEPS_DEFAULT, 7)
    }

    /// The env with an explicit `max_steps` and view size.
    pub fn env_with(max_steps: usize, agent_view_size: usize) -> Result<UnlockPickupEnv, GenError> {
        let config = RoomGrid::engine_config(ROOM_SIZE, 1, 2, max_steps, agent_view_size)?;
        MiniGridEnv::new(UnlockPickup, config)
    }
}

const KWARGS: &[KwargSpec] = &row_kwargs("288");

/// The UnlockPickup row.
pub const SPECS: &[EnvSpec] = &[minigrid_spec(
    "MiniGrid-UnlockPickup-v0",
    "MiniGrid UnlockPickup: unlock the door with the key, pick up the box behind it",
    KWARGS,
    |kw| build_env(kw, MAX_STEPS_DEFAULT, UnlockPickup::env_with),
)];

#[cfg(test)]
#[path = "unlock_pickup_tests.rs"]
pub(crate) mod tests;
