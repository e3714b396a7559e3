//! MiniGrid-KeyCorridor: a 3-column grid of rooms; the middle column is one corridor (the
//! walls between its rooms removed), the target object sits in a right-column room behind a
//! locked door, and the key to that door lies in a left-column room reached through unlocked
//! doors. Picking up the target wins.
//!
//! - Description: find the key in a left room, unlock the target's room and pick the target
//!   up (layout rule below).
//! - Actions: the 7 MiniGrid actions (`drop` frees the hands of the key).
//! - Observations: the 7 × 7 egocentric view, direction and the mission
//!   `"pick up the {colour} {type}"`.
//! - Rewards: `1 − 0.9·step_count/max_steps` on the `pickup` that leaves the target in the
//!   hands, else 0.
//! - Start: a uniform cell and direction of the corridor's middle room whose front cell is
//!   empty or a wall.
//! - Episode end: the target is picked up ([`Task::PickUp`]), or truncation at `max_steps`.
//! - Arguments: `max_steps` (MiniGrid's default `30·room_size²`), `agent_view_size`; the
//!   [`KeyCorridor`] struct also takes MiniGrid's `num_rows`, `room_size` and `obj_type`.
//!
//! The layout rule is MiniGrid's, draw for draw in order, on [`RoomGrid`]: the door cells; the
//! corridor's walls removed; the target room's row; the locked door's colour on that room's
//! left wall; the target's colour and cell; the key's row in the left column and its cell;
//! the agent; then [`RoomGrid::connect_all`] adds unlocked doors until every room is reachable.
//! With the registered `obj_type` (ball) the target is the only object of its kind, so
//! [`Task::PickUp`]'s equality by value is MiniGrid's identity test; with `obj_type = Key` a
//! target of the door key's colour would make MiniGrid accept only the target and us either
//! key. Walls block sight.

use crate::minigrid::any::BoxedMiniGrid;
use crate::minigrid::engine::MiniGridEnv;
use crate::minigrid::kwargs::{build_env, minigrid_spec, row_kwargs};
use crate::minigrid::layout::{Gen, GenError, Generator};
use crate::minigrid::object::Color;
use crate::minigrid::room_grid::{ObjKind, RoomGrid};
use crate::minigrid::unlock_pickup::mission;
use crate::minigrid::world::Task;
use crate::registry::{EnvSpec, KwargSpec, Kwargs, MakeError};

/// Number of room columns (MiniGrid's `RoomGrid` default, which KeyCorridor keeps).
pub const NUM_COLS: usize = 3;

/// MiniGrid's cap on `connect_all`'s tries.
const CONNECT_MAX_ITRS: usize = 5000;

/// The KeyCorridor layout rule, with MiniGrid's constructor parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyCorridor {
    /// Rows of rooms (MiniGrid's default 3).
    pub num_rows: usize,
    /// Side of each room, walls included (MiniGrid's default 6).
    pub room_size: usize,
    /// Kind of the target object (MiniGrid's default ball).
    pub obj_type: ObjKind,
}

impl Default for KeyCorridor {
    fn default() -> Self {
        KeyCorridor {
            num_rows: 3,
            room_size: 6,
            obj_type: ObjKind::Ball,
        }
    }
}

impl Generator for KeyCorridor {
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let mut rooms = RoomGrid::new(g, self.room_size, self.num_rows, NUM_COLS)?;
        for j in 1..self.num_rows {
            rooms.remove_wall(g, 1, j, 3)?;
        }
        let row = g.rand_int(0, self.num_rows);
        let (color, _) = rooms.add_door(g, 2, row, Some(2), None, Some(true))?;
        let (target, _) = rooms.add_object(g, 2, row, Some(self.obj_type), None)?;
        let key_row = g.rand_int(0, self.num_rows);
        rooms.add_object(g, 0, key_row, Some(ObjKind::Key), Some(color))?;
        rooms.place_agent(g, Some(1), Some(self.num_rows / 2), true)?;
        rooms.connect_all(g, &Color::ALL, CONNECT_MAX_ITRS)?;
        g.mission = mission(&target);
        g.task = Task::PickUp(target);
        Ok(())
    }
}

/// The KeyCorridor env: the engine around [`KeyCorridor`].
pub type KeyCorridorEnv = MiniGridEnv<KeyCorridor>;

impl KeyCorridor {
    /// MiniGrid's default `max_steps`: `30·room_size²`.
    pub fn default_max_steps(&self) -> usize {
        30 * self.room_size * self.room_size
    }

    /// The env with MiniGrid's defaults (`max_steps = 30·room_size²`, view 7, walls blocking
    /// sight).
    pub fn env(self) -> Result<KeyCorridorEnv, GenError> {
        self.env_with(self.default_max_steps(), 7)
    }

    /// The env with an explicit `max_steps` and view size. A room size below 3 or no rows
    /// is refused.
    pub fn env_with(
        self,
        max_steps: usize,
        agent_view_size: usize,
    ) -> Result<KeyCorridorEnv, GenError> {
        let config = RoomGrid::engine_config(
            self.room_size,
            self.num_rows,
            NUM_COLS,
            max_steps,
            agent_view_size,
        )?;
        MiniGridEnv::new(self, config)
    }
}

const KWARGS: &[KwargSpec] = &row_kwargs("30·room_size²");

fn build(kw: &Kwargs<'_>, room_size: usize, num_rows: usize) -> Result<BoxedMiniGrid, MakeError> {
    let layout = KeyCorridor {
        num_rows,
        room_size,
        obj_type: ObjKind::Ball,
    };
    build_env(kw, layout.default_max_steps(), |max_steps, view| {
        layout.env_with(max_steps, view)
    })
}

/// The KeyCorridor rows (`S`: room size, `R`: rows of rooms).
pub const SPECS: &[EnvSpec] = &[
    minigrid_spec(
        "MiniGrid-KeyCorridorS3R1-v0",
        "MiniGrid KeyCorridor, rooms of 3, 1 row: find the key, unlock the room, pick up the ball",
        KWARGS,
        |kw| build(kw, 3, 1),
    ),
    minigrid_spec(
        "MiniGrid-KeyCorridorS3R2-v0",
        "MiniGrid KeyCorridor, rooms of 3, 2 rows: find the key, unlock the room, pick up the ball",
        KWARGS,
        |kw| build(kw, 3, 2),
    ),
    minigrid_spec(
        "MiniGrid-KeyCorridorS3R3-v0",
        "MiniGrid KeyCorridor, rooms of 3, 3 rows: find the key, unlock the room, pick up the ball",
        KWARGS,
        |kw| build(kw, 3, 3),
    ),
    minigrid_spec(
        "MiniGrid-KeyCorridorS4R3-v0",
        "MiniGrid KeyCorridor, rooms of 4, 3 rows: find the key, unlock the room, pick up the ball",
        KWARGS,
        |kw| build(kw, 4, 3),
    ),
    minigrid_spec(
        "MiniGrid-KeyCorridorS5R3-v0",
        "MiniGrid KeyCorridor, rooms of 5, 3 rows: find the key, unlock the room, pick up the ball",
        KWARGS,
        |kw| build(kw, 5, 3),
    ),
    minigrid_spec(
        "MiniGrid-KeyCorridorS6R3-v0",
        "MiniGrid KeyCorridor, rooms of 6, 3 rows: find the key, unlock the room, pick up the ball",
        KWARGS,
        |kw| build(kw, 6, 3),
    ),
];

#[cfg(test)]
#[path = "key_corridor_tests.rs"]
mod tests;
