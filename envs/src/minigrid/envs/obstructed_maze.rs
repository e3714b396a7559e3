//! MiniGrid-ObstructedMaze-1Dl / 1Dlh / 1Dlhb: two 6 × 6 rooms side by side (an 11 × 6
//! grid) joined by a locked door; a blue ball waits in the right room. The door's key lies in
//! the agent's room, hidden in a grey box in the `h` variants, and a green ball blocks the
//! door on the agent's side in the `b` variant. Picking up the blue ball wins.
//!
//! - Description: uncover and fetch the key, clear the door, unlock it and pick up the blue
//!   ball (layout rule below).
//! - Actions: the 7 MiniGrid actions.
//! - Observations: the 7 × 7 egocentric view, direction and the mission
//!   `"pick up the blue ball"`.
//! - Rewards: `1 − 0.9·step_count/max_steps` on the `pickup` that leaves the blue ball in the
//!   hands, else 0.
//! - Start: a uniform cell and direction of the left room whose front cell is empty or a wall.
//! - Episode end: the blue ball is picked up ([`Task::PickUp`]), or truncation at `max_steps`.
//! - Arguments: `max_steps` (MiniGrid's default `4·2·6² = 288`), `agent_view_size`; the
//!   [`ObstructedMaze1Dlhb`] struct holds MiniGrid's `key_in_box` and `blocked` flags.
//!
//! The layout rule is MiniGrid's `ObstructedMaze_1Dlhb`, draw for draw in order, on
//! [`RoomGrid`]: the door cell; a random order of the six colours (the door takes the first);
//! the blocking ball on the cell left of the door; the key (or the box holding it) in the left
//! room, never on or next to the provisional start at the right room's centre; the blue ball in
//! the right room, also off that start's neighbourhood; then the agent. The blue ball is the
//! only blue ball (the blocking one is green), so [`Task::PickUp`]'s equality by value is
//! MiniGrid's identity test here. Walls block sight.

use crate::minigrid::any::BoxedMiniGrid;
use crate::minigrid::engine::MiniGridEnv;
use crate::minigrid::kwargs::{build_env, minigrid_spec, row_kwargs};
use crate::minigrid::layout::{Gen, GenError, Generator, Pos};
use crate::minigrid::object::{Color, Obj};
use crate::minigrid::obs::DIR_TO_VEC;
use crate::minigrid::room_grid::{ObjKind, RoomGrid};
use crate::minigrid::world::Task;
use crate::registry::{EnvSpec, KwargSpec, Kwargs, MakeError};

/// Side of each room, walls included (MiniGrid fixes it).
pub const ROOM_SIZE: usize = 6;

/// Colour of the ball to find (MiniGrid's `COLOR_NAMES[0]`: its colour names sorted
/// alphabetically, not in index order).
pub const TARGET_COLOR: Color = Color::Blue;

/// Colour of the balls that block doors (`COLOR_NAMES[1]`).
pub const BLOCKING_COLOR: Color = Color::Green;

/// Colour of the boxes that hide keys (`COLOR_NAMES[2]`).
pub const BOX_COLOR: Color = Color::Grey;

/// The mission of every ObstructedMaze env.
pub const MISSION: &str = "pick up the blue ball";

/// MiniGrid's default `max_steps` for the 1D variants: `4·num_rooms_visited·ROOM_SIZE²` with
/// two rooms visited.
pub const MAX_STEPS_DEFAULT: usize = 4 * 2 * ROOM_SIZE * ROOM_SIZE;

/// MiniGrid's `ObstructedMaze_1Dlhb` layout rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObstructedMaze1Dlhb {
    /// Whether the key is hidden in a box (the `h`).
    pub key_in_box: bool,
    /// Whether a ball blocks the door (the `b`).
    pub blocked: bool,
}

impl Default for ObstructedMaze1Dlhb {
    fn default() -> Self {
        ObstructedMaze1Dlhb {
            key_in_box: true,
            blocked: true,
        }
    }
}

/// One door of an ObstructedMaze layout, with what goes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObstructedDoor {
    /// The room `(i, j)` the door is added from (the key goes there).
    pub room: (usize, usize),
    /// The wall: 0 right, 1 down, 2 left, 3 up.
    pub door_idx: usize,
    /// The door's colour (and its key's).
    pub color: Color,
    /// Whether the door is locked (and so has a key).
    pub locked: bool,
    /// Whether the key is hidden in a box.
    pub key_in_box: bool,
    /// Whether a ball blocks the door on the room's side.
    pub blocked: bool,
}

/// ObstructedMaze's `add_door`: the door; a blocking ball on the room's side of it when
/// `blocked`; and, when `locked`, the door's key placed in the room, inside a box when
/// `key_in_box`. Returns the door's cell.
pub fn add_obstructed_door(
    rooms: &mut RoomGrid,
    g: &mut Gen<'_>,
    door: ObstructedDoor,
) -> Result<Pos, GenError> {
    let (i, j) = door.room;
    let (_, pos) = rooms.add_door(
        g,
        i,
        j,
        Some(door.door_idx),
        Some(door.color),
        Some(door.locked),
    )?;
    if door.blocked {
        let (dx, dy) = DIR_TO_VEC[door.door_idx % 4];
        if let (Some(x), Some(y)) = (
            pos.0.checked_add_signed(-dx as isize),
            pos.1.checked_add_signed(-dy as isize),
        ) {
            g.put_obj(Obj::Ball(BLOCKING_COLOR), x, y);
        }
    }
    if door.locked {
        let key = Obj::Key(door.color);
        let obj = if door.key_in_box {
            Obj::Box(BOX_COLOR, Some(Box::new(key)))
        } else {
            key
        };
        rooms.place_in_room(g, i, j, obj)?;
    }
    Ok(pos)
}

impl Generator for ObstructedMaze1Dlhb {
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let mut rooms = RoomGrid::new(g, ROOM_SIZE, 1, 2)?;
        let door_colors = g.rand_subset(&Color::ALL, Color::ALL.len());
        g.mission = MISSION.to_string();
        let door = ObstructedDoor {
            room: (0, 0),
            door_idx: 0,
            color: door_colors[0],
            locked: true,
            key_in_box: self.key_in_box,
            blocked: self.blocked,
        };
        add_obstructed_door(&mut rooms, g, door)?;
        let (target, _) = rooms.add_object(g, 1, 0, Some(ObjKind::Ball), Some(TARGET_COLOR))?;
        rooms.place_agent(g, Some(0), Some(0), true)?;
        g.task = Task::PickUp(target);
        Ok(())
    }
}

/// The ObstructedMaze 1D env: the engine around [`ObstructedMaze1Dlhb`].
pub type ObstructedMaze1DlhbEnv = MiniGridEnv<ObstructedMaze1Dlhb>;

impl ObstructedMaze1Dlhb {
    /// The env with MiniGrid's defaults (`max_steps = 288`, view 7, walls blocking sight).
    pub fn env(self) -> Result<ObstructedMaze1DlhbEnv, GenError> {
        self.env_with(MAX_STEPS_DEFAULT, 7)
    }

    /// The env with an explicit `max_steps` and view size.
    pub fn env_with(
        self,
        max_steps: usize,
        agent_view_size: usize,
    ) -> Result<ObstructedMaze1DlhbEnv, GenError> {
        let config = RoomGrid::engine_config(ROOM_SIZE, 1, 2, max_steps, agent_view_size)?;
        MiniGridEnv::new(self, config)
    }
}

const KWARGS: &[KwargSpec] = &row_kwargs("288");

fn build(kw: &Kwargs<'_>, key_in_box: bool, blocked: bool) -> Result<BoxedMiniGrid, MakeError> {
    let layout = ObstructedMaze1Dlhb {
        key_in_box,
        blocked,
    };
    build_env(kw, MAX_STEPS_DEFAULT, |max_steps, view| {
        layout.env_with(max_steps, view)
    })
}

/// The ObstructedMaze 1D rows.
pub const SPECS: &[EnvSpec] = &[
    minigrid_spec(
        "MiniGrid-ObstructedMaze-1Dl-v0",
        "MiniGrid ObstructedMaze 1Dl: unlock the door with the key, pick up the blue ball",
        KWARGS,
        |kw| build(kw, false, false),
    ),
    minigrid_spec(
        "MiniGrid-ObstructedMaze-1Dlh-v0",
        "MiniGrid ObstructedMaze 1Dlh: open the box for the key, unlock the door, \
                      pick up the blue ball",
        KWARGS,
        |kw| build(kw, true, false),
    ),
    minigrid_spec(
        "MiniGrid-ObstructedMaze-1Dlhb-v0",
        "MiniGrid ObstructedMaze 1Dlhb: move the ball, open the box for the key, \
                      unlock the door, pick up the blue ball",
        KWARGS,
        |kw| build(kw, true, true),
    ),
];

#[cfg(test)]
#[path = "obstructed_maze_tests.rs"]
mod tests;
