//! MiniGrid-LockedRoom: a vertical hallway between two columns of three rooms; one room is
//! locked and holds the goal, its key lies in another room, and the mission names both.
//!
//! - Description: six rooms off a hallway; find the key named by the mission, unlock the
//!   locked room with it and reach the goal inside (layout rule below).
//! - Actions: the 7 MiniGrid actions; turning, `forward`, `pickup` and `toggle` matter.
//! - Observations: the 7 × 7 egocentric view; walls block sight (MiniGrid's default).
//! - Rewards: `1 − 0.9·step_count/max_steps` on the goal, else 0.
//! - Start: a uniform free cell of the hallway, a uniform direction.
//! - Episode end: the goal (terminated) or `max_steps` (truncated, `10·size`).
//! - Arguments: `size` (19; at least 13), as MiniGrid's constructor.
//!
//! The layout rule is MiniGrid's, draw for draw in order. The hallway walls are the columns
//! `size/2 ∓ 2`; the rows `0, size/3, 2·size/3` split each side into three rooms, listed
//! top to bottom, left before right, each with its door in the hallway wall three rows below
//! its top. The locked room is uniform among the six and the goal a uniform interior cell of
//! it; the doors take the six colours in a uniform order (each drawn among the colours left,
//! sorted by name), the locked room's door locked, the others closed; the key room is uniform
//! among the five others (MiniGrid redraws until it differs from the locked room: the same
//! law) and the key, of the locked door's colour, a uniform interior cell of it. Last, the
//! agent takes a uniform free hallway cell and direction. The mission is
//! `"get the C key from the K room, unlock the C door and go to the goal"`.

use crate::minigrid::engine::MiniGridEnv;
use crate::minigrid::envs::multi_room::COLORS_BY_NAME;
use crate::minigrid::kwargs::{build_env, minigrid_spec, row_kwargs, square_config};
use crate::minigrid::layout::{Gen, GenError, Generator, Pos};
use crate::minigrid::object::{Color, DoorState, Obj};
use crate::registry::{EnvSpec, KwargSpec};

/// MiniGrid's default side of the LockedRoom grid.
pub const SIZE_DEFAULT: usize = 19;

/// The smallest side for which every door lies strictly inside its room's wall.
pub const MIN_SIZE: usize = 13;

/// The mission for the locked door's colour and the key room's colour.
pub fn mission(locked: Color, key_room: Color) -> String {
    let (c, k) = (locked.name(), key_room.name());
    format!("get the {c} key from the {k} room, unlock the {c} door and go to the goal")
}

/// One of the six side rooms, walls included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SideRoom {
    /// Top-left corner.
    pub top: Pos,
    /// Width and height.
    pub size: Pos,
    /// Its door, in the hallway wall.
    pub door: Pos,
}

impl SideRoom {
    /// Whether `p` lies strictly inside the room's walls (where the goal and key go).
    pub fn contains(&self, p: Pos) -> bool {
        p.0 > self.top.0
            && p.0 < self.top.0 + self.size.0 - 1
            && p.1 > self.top.1
            && p.1 < self.top.1 + self.size.1 - 1
    }

    /// A uniform interior cell (MiniGrid's `LockedRoom.rand_pos`).
    fn rand_pos(&self, g: &mut Gen<'_>) -> Pos {
        let ((x, y), (sx, sy)) = (self.top, self.size);
        g.rand_pos(x + 1, x + sx - 1, y + 1, y + sy - 1)
    }
}

/// The LockedRoom layout rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockedRoom {
    /// Side of the square grid, walls included.
    pub size: usize,
}

impl Default for LockedRoom {
    fn default() -> Self {
        LockedRoom { size: SIZE_DEFAULT }
    }
}

impl LockedRoom {
    /// The hallway's wall columns (left, right).
    pub fn hallway_walls(&self) -> (usize, usize) {
        (self.size / 2 - 2, self.size / 2 + 2)
    }

    /// The six rooms in MiniGrid's order: top to bottom, left before right.
    pub fn rooms(&self) -> [SideRoom; 6] {
        let (left, right) = self.hallway_walls();
        let room_size = (left + 1, self.size / 3 + 1);
        std::array::from_fn(|i| {
            let top_y = (i / 2) * (self.size / 3);
            let x = if i % 2 == 0 { 0 } else { right };
            SideRoom {
                top: (x, top_y),
                size: room_size,
                door: (if i % 2 == 0 { left } else { right }, top_y + 3),
            }
        })
    }

    /// The env with MiniGrid's defaults (`max_steps = 10·size`, view 7, walls blocking sight).
    pub fn env(self) -> Result<LockedRoomEnv, GenError> {
        self.env_with(10 * self.size, 7)
    }

    /// The env with an explicit `max_steps` and view size. Sides below [`MIN_SIZE`] are
    /// refused: MiniGrid builds them, but with doors on room corners or the outer wall.
    pub fn env_with(
        self,
        max_steps: usize,
        agent_view_size: usize,
    ) -> Result<LockedRoomEnv, GenError> {
        let config = square_config(self.size, MIN_SIZE, max_steps, false, agent_view_size)?;
        MiniGridEnv::new(self, config)
    }
}

impl Generator for LockedRoom {
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let (w, h) = (g.grid.width(), g.grid.height());
        g.grid.wall_rect(0, 0, w, h);
        let (left, right) = self.hallway_walls();
        g.grid.vert_wall(left, 0, h, &Obj::WALL);
        g.grid.vert_wall(right, 0, h, &Obj::WALL);
        for n in 0..3 {
            let y = n * (h / 3);
            g.grid.horz_wall(0, y, left, &Obj::WALL);
            g.grid.horz_wall(right, y, w - right, &Obj::WALL);
        }
        let rooms = self.rooms();

        let locked = g.rand_int(0, rooms.len());
        let goal = rooms[locked].rand_pos(g);
        g.put_obj(Obj::Goal, goal.0, goal.1);

        let mut left_colors = COLORS_BY_NAME.to_vec();
        let mut colors = [Color::Red; 6];
        for (i, room) in rooms.iter().enumerate() {
            let color = left_colors.remove(g.rand_int(0, left_colors.len()));
            colors[i] = color;
            let state = if i == locked {
                DoorState::Locked
            } else {
                DoorState::Closed
            };
            g.put_obj(Obj::Door(color, state), room.door.0, room.door.1);
        }

        // Uniform among the five other rooms: MiniGrid's redraw-until-different, in one draw.
        let k = g.rand_int(0, rooms.len() - 1);
        let key_room = if k >= locked { k + 1 } else { k };
        let key = rooms[key_room].rand_pos(g);
        g.put_obj(Obj::Key(colors[locked]), key.0, key.1);

        g.place_agent(Some((left, 0)), Some((right - left, h)), true)?;
        g.mission = mission(colors[locked], colors[key_room]);
        Ok(())
    }
}

/// The LockedRoom env: the engine around [`LockedRoom`].
pub type LockedRoomEnv = MiniGridEnv<LockedRoom>;

const KWARGS: &[KwargSpec] = &row_kwargs("10·size (190)");

/// The LockedRoom row.
pub const SPECS: &[EnvSpec] = &[minigrid_spec(
    "MiniGrid-LockedRoom-v0",
    "MiniGrid LockedRoom: fetch the key named in the mission, unlock the locked room, reach its goal",
    KWARGS,
    |kw| {
        build_env(kw, 10 * SIZE_DEFAULT, |max_steps, view| {
            LockedRoom::default().env_with(max_steps, view)
        })
    },
)];

#[cfg(test)]
#[path = "locked_room_tests.rs"]
mod tests;
