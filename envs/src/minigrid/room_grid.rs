//! [`RoomGrid`]: MiniGrid's `RoomGrid` helper — a `num_rows × num_cols` grid of square rooms
//! of `room_size` cells (walls included) sharing their walls, with the room bookkeeping
//! (doors, neighbours, locked flag, objects) that the Unlock, UnlockPickup,
//! BlockedUnlockPickup, KeyCorridor and ObstructedMaze envs build on.
//!
//! A [`RoomGrid`] is built inside a generator's `gen_grid` with [`RoomGrid::new`], which draws
//! every room's walls into the [`Gen`]'s grid, draws the candidate door cell of each shared
//! wall (right walls then bottom walls, room by room, row-major: MiniGrid's order and ranges),
//! and puts the agent in the middle room's centre facing right, as MiniGrid's base
//! `_gen_grid` does. That provisional start matters: until an env calls
//! [`RoomGrid::place_agent`], objects cannot be placed on it nor, through
//! [`RoomGrid::place_in_room`], on a cell next to it (MiniGrid's `reject_next_to`).
//!
//! Draws follow MiniGrid's order and ranges. Where MiniGrid rejection-samples (a door wall in
//! [`RoomGrid::add_door`], the agent's cell and direction in [`RoomGrid::place_agent`]) we
//! draw uniformly among the acceptable choices, which is the same law and never loops; where
//! MiniGrid would loop forever or give up after `max_tries` we return a [`GenError`], which
//! makes the engine draw a fresh layout. A request that no layout can meet (a room or wall
//! index out of range, a door on a wall with no neighbour, a second door on a wall) is
//! reported as [`GenError::InvalidConfig`] naming it; a room with no cell left for the agent
//! is a [`GenError::NoFreeCell`] for the room's rectangle.
//!
//! Rooms are addressed `(i, j)`: column `i` (left to right), row `j` (top to bottom). Wall and
//! door indices are MiniGrid's: 0 right, 1 down, 2 left, 3 up (the directions of
//! [`DIR_TO_VEC`](super::obs::DIR_TO_VEC)).
//!
//! This file holds the rooms and their geometry (sizes, walls, door cells, reachability);
//! `room_grid/placement.rs` what goes into them (objects, doors, openings, the agent).

use super::engine::EngineConfig;
use super::layout::{Gen, GenError, Pos};
use super::object::{Color, Obj};

/// The kinds of object [`RoomGrid::add_object`] creates (MiniGrid's `"key"`, `"ball"`,
/// `"box"`, in that order for random draws).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjKind {
    /// A key.
    Key,
    /// A ball.
    Ball,
    /// An empty box.
    Box,
}

impl ObjKind {
    /// Every kind, in MiniGrid's draw order.
    pub const ALL: [ObjKind; 3] = [ObjKind::Key, ObjKind::Ball, ObjKind::Box];

    /// The object of this kind and colour (an empty box for [`ObjKind::Box`]).
    pub fn make(self, color: Color) -> Obj {
        match self {
            ObjKind::Key => Obj::Key(color),
            ObjKind::Ball => Obj::Ball(color),
            ObjKind::Box => Obj::Box(color, None),
        }
    }

    /// The kind's name, as in missions.
    pub fn name(self) -> &'static str {
        match self {
            ObjKind::Key => "key",
            ObjKind::Ball => "ball",
            ObjKind::Box => "box",
        }
    }
}

/// What joins a room to its neighbour through one wall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Link {
    /// A door (its colour, and whether it was created locked).
    Door {
        /// The door's colour.
        color: Color,
        /// Whether it was created locked.
        locked: bool,
    },
    /// The wall was removed ([`RoomGrid::remove_wall`]).
    Opening,
}

/// One room: its rectangle and what MiniGrid's `Room` records about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    /// Top-left corner (a wall cell).
    pub top: Pos,
    /// Size, walls included.
    pub size: Pos,
    /// What joins it to each neighbour (right, down, left, up); `None` is a plain wall.
    pub links: [Option<Link>; 4],
    /// The candidate door cell of each wall that has a neighbour (drawn by [`RoomGrid::new`]).
    pub door_pos: [Option<Pos>; 4],
    /// The neighbouring room `(i, j)` behind each wall, if any.
    pub neighbors: [Option<(usize, usize)>; 4],
    /// MiniGrid's `locked` flag: set by the last [`RoomGrid::add_door`] on this room to
    /// whether that door is locked; [`RoomGrid::connect_all`] adds no door to a locked room.
    pub locked: bool,
    /// The objects placed with [`RoomGrid::place_in_room`] (what
    /// [`RoomGrid::add_distractors`] keeps unique).
    pub objs: Vec<Obj>,
}

impl Room {
    /// Whether `(x, y)` lies in the room's rectangle, walls included.
    pub fn pos_inside(&self, x: usize, y: usize) -> bool {
        (self.top.0..self.top.0 + self.size.0).contains(&x)
            && (self.top.1..self.top.1 + self.size.1).contains(&y)
    }

    /// The error for a request this room can never meet.
    fn refused(&self, what: std::fmt::Arguments<'_>) -> GenError {
        GenError::InvalidConfig(format!("{what} in the room at {:?}", self.top))
    }
}

/// MiniGrid's `RoomGrid`: the room bookkeeping of a layout being generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomGrid {
    room_size: usize,
    num_rows: usize,
    num_cols: usize,
    /// Row-major: room `(i, j)` at `j * num_cols + i`.
    rooms: Vec<Room>,
}

impl RoomGrid {
    /// The grid size `(width, height)` of a room grid: `((room_size-1)·num_cols + 1,
    /// (room_size-1)·num_rows + 1)`.
    pub fn grid_size(room_size: usize, num_rows: usize, num_cols: usize) -> (usize, usize) {
        let side = room_size.saturating_sub(1);
        (side * num_cols + 1, side * num_rows + 1)
    }

    /// Checks MiniGrid's constraints: `room_size ≥ 3`, at least one row and one column.
    pub fn check(room_size: usize, num_rows: usize, num_cols: usize) -> Result<(), GenError> {
        if room_size < 3 {
            return Err(GenError::InvalidConfig(format!(
                "room_size = {room_size}: must be at least 3"
            )));
        }
        if num_rows == 0 || num_cols == 0 {
            return Err(GenError::InvalidConfig(format!(
                "num_rows × num_cols = {num_rows} × {num_cols}: both must be at least 1"
            )));
        }
        Ok(())
    }

    /// The engine configuration of an env laid out on this room grid: its size, `max_steps`,
    /// the view size and walls blocking sight (MiniGrid's `RoomGrid` default). Refuses what
    /// [`RoomGrid::check`] refuses.
    pub fn engine_config(
        room_size: usize,
        num_rows: usize,
        num_cols: usize,
        max_steps: usize,
        agent_view_size: usize,
    ) -> Result<EngineConfig, GenError> {
        Self::check(room_size, num_rows, num_cols)?;
        let (w, h) = Self::grid_size(room_size, num_rows, num_cols);
        Ok(EngineConfig::new(w, h, max_steps, false, agent_view_size))
    }

    /// Draws the rooms' walls into `g.grid` (which must have [`RoomGrid::grid_size`]), draws
    /// each shared wall's door cell, and puts the agent provisionally at the centre of the
    /// middle room, facing right (MiniGrid's `RoomGrid._gen_grid`).
    pub fn new(
        g: &mut Gen<'_>,
        room_size: usize,
        num_rows: usize,
        num_cols: usize,
    ) -> Result<RoomGrid, GenError> {
        Self::check(room_size, num_rows, num_cols)?;
        let (w, h) = Self::grid_size(room_size, num_rows, num_cols);
        if (g.grid.width(), g.grid.height()) != (w, h) {
            return Err(GenError::InvalidConfig(format!(
                "grid {} × {}: a room grid of {num_rows} × {num_cols} rooms of size {room_size} \
                 needs {w} × {h}",
                g.grid.width(),
                g.grid.height()
            )));
        }
        let step = room_size - 1;
        let mut rooms = Vec::with_capacity(num_rows * num_cols);
        for j in 0..num_rows {
            for i in 0..num_cols {
                let top = (i * step, j * step);
                g.grid.wall_rect(top.0, top.1, room_size, room_size);
                rooms.push(Room {
                    top,
                    size: (room_size, room_size),
                    links: [None; 4],
                    door_pos: [None; 4],
                    neighbors: [None; 4],
                    locked: false,
                    objs: Vec::new(),
                });
            }
        }
        for j in 0..num_rows {
            for i in 0..num_cols {
                let k = j * num_cols + i;
                let (tx, ty) = rooms[k].top;
                let (x_lo, y_lo) = (tx + 1, ty + 1);
                let (x_hi, y_hi) = (tx + room_size - 1, ty + room_size - 1);
                if i + 1 < num_cols {
                    rooms[k].neighbors[0] = Some((i + 1, j));
                    rooms[k].door_pos[0] = Some((x_hi, g.rand_int(y_lo, y_hi)));
                }
                if j + 1 < num_rows {
                    rooms[k].neighbors[1] = Some((i, j + 1));
                    rooms[k].door_pos[1] = Some((g.rand_int(x_lo, x_hi), y_hi));
                }
                if i > 0 {
                    rooms[k].neighbors[2] = Some((i - 1, j));
                    rooms[k].door_pos[2] = rooms[k - 1].door_pos[0];
                }
                if j > 0 {
                    rooms[k].neighbors[3] = Some((i, j - 1));
                    rooms[k].door_pos[3] = rooms[k - num_cols].door_pos[1];
                }
            }
        }
        g.agent_pos = Some((
            (num_cols / 2) * step + room_size / 2,
            (num_rows / 2) * step + room_size / 2,
        ));
        g.agent_dir = 0;
        Ok(RoomGrid {
            room_size,
            num_rows,
            num_cols,
            rooms,
        })
    }

    /// Side of each room, walls included.
    pub fn room_size(&self) -> usize {
        self.room_size
    }

    /// Number of rows of rooms.
    pub fn num_rows(&self) -> usize {
        self.num_rows
    }

    /// Number of columns of rooms.
    pub fn num_cols(&self) -> usize {
        self.num_cols
    }

    /// Room `(i, j)` (column `i`, row `j`), if it exists.
    pub fn room(&self, i: usize, j: usize) -> Option<&Room> {
        (i < self.num_cols && j < self.num_rows).then(|| &self.rooms[j * self.num_cols + i])
    }

    /// The room `(i, j)` a cell belongs to (a shared wall belongs to the room right of or
    /// below it, as MiniGrid's `room_from_pos`).
    pub fn room_from_pos(&self, x: usize, y: usize) -> Option<(usize, usize)> {
        let step = self.room_size - 1;
        let (i, j) = (x / step, y / step);
        (i < self.num_cols && j < self.num_rows).then_some((i, j))
    }

    fn room_mut(&mut self, i: usize, j: usize) -> Result<&mut Room, GenError> {
        if i < self.num_cols && j < self.num_rows {
            Ok(&mut self.rooms[j * self.num_cols + i])
        } else {
            Err(GenError::InvalidConfig(format!(
                "room (i, j) = ({i}, {j}): must have i in 0..{} and j in 0..{}",
                self.num_cols, self.num_rows
            )))
        }
    }

    /// The rooms reachable from room `start` through doors (locked or not) and openings.
    pub fn reachable(&self, start: (usize, usize)) -> Vec<bool> {
        let mut seen = vec![false; self.rooms.len()];
        let mut stack = vec![start];
        while let Some((i, j)) = stack.pop() {
            let k = j * self.num_cols + i;
            if seen[k] {
                continue;
            }
            seen[k] = true;
            let room = &self.rooms[k];
            for w in 0..4 {
                if let (Some(_), Some(n)) = (room.links[w], room.neighbors[w]) {
                    stack.push(n);
                }
            }
        }
        seen
    }
}

mod placement;

#[cfg(test)]
#[path = "room_grid_tests.rs"]
pub(crate) mod tests;
