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
//! [`DIR_TO_VEC`]).

use super::layout::{Gen, GenError, Pos};
use super::object::{Color, DoorState, Obj};
use super::obs::DIR_TO_VEC;

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

/// MiniGrid's `reject_next_to`: positions within Manhattan distance 1 of the agent.
fn next_to(agent: Option<Pos>, p: Pos) -> bool {
    agent.is_some_and(|a| a.0.abs_diff(p.0) + a.1.abs_diff(p.1) < 2)
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

    /// Places `obj` on a uniform empty cell of room `(i, j)` that is neither the agent's cell
    /// nor next to it, and records it in the room (MiniGrid's `place_in_room`).
    pub fn place_in_room(
        &mut self,
        g: &mut Gen<'_>,
        i: usize,
        j: usize,
        obj: Obj,
    ) -> Result<Pos, GenError> {
        let room = self.room_mut(i, j)?;
        let agent = g.agent_pos;
        let reject = move |_: &super::grid::Grid, p: Pos| next_to(agent, p);
        let pos = g.place_obj(
            Some(obj.clone()),
            Some(room.top),
            Some(room.size),
            Some(&reject),
        )?;
        room.objs.push(obj);
        Ok(pos)
    }

    /// Adds a new object to room `(i, j)`: the kind is drawn uniformly (key, ball, box) if
    /// `None`, then the colour if `None` (MiniGrid's `add_object`). Returns the object and
    /// its cell.
    pub fn add_object(
        &mut self,
        g: &mut Gen<'_>,
        i: usize,
        j: usize,
        kind: Option<ObjKind>,
        color: Option<Color>,
    ) -> Result<(Obj, Pos), GenError> {
        let kind = match kind {
            Some(k) => k,
            None => ObjKind::ALL[g.rand_int(0, ObjKind::ALL.len())],
        };
        let color = match color {
            Some(c) => c,
            None => g.rand_color(),
        };
        let obj = kind.make(color);
        let pos = self.place_in_room(g, i, j, obj.clone())?;
        Ok((obj, pos))
    }

    /// Puts a door on a wall of room `(i, j)` at the wall's door cell (MiniGrid's
    /// `add_door`). `None` draws, in this order: the wall (uniform among the walls with a
    /// neighbour and no door or opening yet), the colour, and whether it is locked (a fair
    /// coin). Sets the room's `locked` flag to the door's. Returns the door's colour and cell.
    pub fn add_door(
        &mut self,
        g: &mut Gen<'_>,
        i: usize,
        j: usize,
        door_idx: Option<usize>,
        color: Option<Color>,
        locked: Option<bool>,
    ) -> Result<(Color, Pos), GenError> {
        let room = self.room_mut(i, j)?;
        let idx = match door_idx {
            Some(k) => k,
            None => {
                let free: Vec<usize> = (0..4)
                    .filter(|&k| room.neighbors[k].is_some() && room.links[k].is_none())
                    .collect();
                g.rand_elem(&free)
                    .ok_or_else(|| room.refused(format_args!("no wall is free for a door")))?
            }
        };
        let color = match color {
            Some(c) => c,
            None => g.rand_color(),
        };
        let locked = match locked {
            Some(l) => l,
            None => g.rand_bool(),
        };
        let room = self.room_mut(i, j)?;
        let (Some(pos), Some(neighbor)) = (
            room.door_pos.get(idx).copied().flatten(),
            room.neighbors.get(idx).copied().flatten(),
        ) else {
            return Err(room.refused(format_args!(
                "door_idx = {idx}: must be in 0..4 and name a wall shared with another room"
            )));
        };
        if room.links[idx].is_some() {
            return Err(room.refused(format_args!(
                "door_idx = {idx}: that wall already has a door or opening"
            )));
        }
        let link = Link::Door { color, locked };
        room.locked = locked;
        room.links[idx] = Some(link);
        self.room_mut(neighbor.0, neighbor.1)?.links[(idx + 2) % 4] = Some(link);
        let state = if locked {
            DoorState::Locked
        } else {
            DoorState::Closed
        };
        g.put_obj(Obj::Door(color, state), pos.0, pos.1);
        Ok((color, pos))
    }

    /// Removes the wall `wall_idx` of room `(i, j)` (its cells strictly between the corners)
    /// and records the two rooms as joined (MiniGrid's `remove_wall`). Refused on a wall with
    /// no neighbour or one that already has a door or opening.
    pub fn remove_wall(
        &mut self,
        g: &mut Gen<'_>,
        i: usize,
        j: usize,
        wall_idx: usize,
    ) -> Result<(), GenError> {
        let room = self.room_mut(i, j)?;
        let Some(neighbor) = room.neighbors.get(wall_idx).copied().flatten() else {
            return Err(room.refused(format_args!(
                "wall_idx = {wall_idx}: must be in 0..4 and name a wall shared with another room"
            )));
        };
        if room.links[wall_idx].is_some() {
            return Err(room.refused(format_args!(
                "wall_idx = {wall_idx}: that wall already has a door or opening"
            )));
        }
        let ((tx, ty), (w, h)) = (room.top, room.size);
        let cells: Vec<Pos> = match wall_idx {
            0 => (1..h - 1).map(|d| (tx + w - 1, ty + d)).collect(),
            1 => (1..w - 1).map(|d| (tx + d, ty + h - 1)).collect(),
            2 => (1..h - 1).map(|d| (tx, ty + d)).collect(),
            _ => (1..w - 1).map(|d| (tx + d, ty)).collect(),
        };
        for (x, y) in cells {
            g.grid.take(x, y);
        }
        room.links[wall_idx] = Some(Link::Opening);
        self.room_mut(neighbor.0, neighbor.1)?.links[(wall_idx + 2) % 4] = Some(Link::Opening);
        Ok(())
    }

    /// Places the agent in room `(i, j)` (each drawn uniformly if `None`, column first) on a
    /// cell whose front cell is empty or a wall (MiniGrid's `place_agent`): uniform among the
    /// acceptable (cell, direction) pairs when `rand_dir`, else among the acceptable cells for
    /// the current direction. Returns the cell.
    pub fn place_agent(
        &mut self,
        g: &mut Gen<'_>,
        i: Option<usize>,
        j: Option<usize>,
        rand_dir: bool,
    ) -> Result<Pos, GenError> {
        let i = match i {
            Some(i) => i,
            None => g.rand_int(0, self.num_cols),
        };
        let j = match j {
            Some(j) => j,
            None => g.rand_int(0, self.num_rows),
        };
        let room = self.room_mut(i, j)?;
        let dirs: Vec<u8> = if rand_dir {
            (0..4).collect()
        } else {
            vec![g.agent_dir % 4]
        };
        let grid = &g.grid;
        let front_ok = |(x, y): Pos, d: u8| {
            let (dx, dy) = DIR_TO_VEC[usize::from(d)];
            let fx = x.checked_add_signed(dx as isize);
            let fy = y.checked_add_signed(dy as isize);
            match (fx, fy) {
                (Some(fx), Some(fy)) => grid.get(fx, fy).is_none_or(|o| matches!(o, Obj::Wall(_))),
                _ => true,
            }
        };
        let (tx, ty) = room.top;
        let x_end = (tx + room.size.0).min(grid.width());
        let y_end = (ty + room.size.1).min(grid.height());
        let choices: Vec<(Pos, u8)> = (ty..y_end)
            .flat_map(|y| (tx..x_end).map(move |x| (x, y)))
            .filter(|&(x, y)| grid.get(x, y).is_none())
            .flat_map(|p| dirs.iter().map(move |&d| (p, d)))
            .filter(|&(p, d)| front_ok(p, d))
            .collect();
        let (pos, dir) = g.rand_elem(&choices).ok_or(GenError::NoFreeCell {
            top: room.top,
            size: room.size,
        })?;
        g.agent_pos = Some(pos);
        g.agent_dir = dir;
        Ok(pos)
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

    /// Adds unlocked doors until every room is reachable from the agent's room, counting
    /// locked doors as passages (MiniGrid's `connect_all`): each try draws a column, a row
    /// and a wall, and skips walls with no neighbour, with a door already, or on a locked
    /// room or its neighbour; a kept wall gets a door of a colour drawn from `door_colors`.
    /// Gives up after `max_itrs` tries (MiniGrid's default is 5000). Returns the new doors'
    /// cells.
    pub fn connect_all(
        &mut self,
        g: &mut Gen<'_>,
        door_colors: &[Color],
        max_itrs: usize,
    ) -> Result<Vec<Pos>, GenError> {
        let agent = g.agent_pos.ok_or(GenError::NoAgent)?;
        let start = self.room_from_pos(agent.0, agent.1).ok_or_else(|| {
            GenError::InvalidConfig(format!("agent_pos = {agent:?}: outside the room grid"))
        })?;
        let mut added = Vec::new();
        let mut itrs = 0;
        loop {
            if self.reachable(start).iter().all(|&r| r) {
                return Ok(added);
            }
            if itrs >= max_itrs {
                return Err(GenError::NoFreeCell {
                    top: (0, 0),
                    size: (g.grid.width(), g.grid.height()),
                });
            }
            itrs += 1;
            let i = g.rand_int(0, self.num_cols);
            let j = g.rand_int(0, self.num_rows);
            let k = g.rand_int(0, 4);
            let room = &self.rooms[j * self.num_cols + i];
            let (Some(_), Some(n)) = (room.door_pos[k], room.neighbors[k]) else {
                continue;
            };
            if room.links[k].is_some() {
                continue;
            }
            if room.locked || self.rooms[n.1 * self.num_cols + n.0].locked {
                continue;
            }
            let color = g.rand_elem(door_colors).ok_or_else(|| {
                GenError::InvalidConfig("door_colors = []: must hold at least one colour".into())
            })?;
            let (_, pos) = self.add_door(g, i, j, Some(k), Some(color), Some(false))?;
            added.push(pos);
        }
    }

    /// Adds `num_distractors` random objects (colour drawn, then kind) to room `(i, j)`, or
    /// to a room drawn per object (column, then row) where `None` (MiniGrid's
    /// `add_distractors`). With `all_unique`, a (kind, colour) already in some room is
    /// redrawn; if none is left, the layout is refused (MiniGrid would loop forever).
    pub fn add_distractors(
        &mut self,
        g: &mut Gen<'_>,
        i: Option<usize>,
        j: Option<usize>,
        num_distractors: usize,
        all_unique: bool,
    ) -> Result<Vec<(Obj, Pos)>, GenError> {
        let key = |o: &Obj| (o.type_index(), o.color());
        let mut taken: Vec<(u8, Color)> = self
            .rooms
            .iter()
            .flat_map(|r| r.objs.iter().map(key))
            .collect();
        let mut out = Vec::with_capacity(num_distractors);
        while out.len() < num_distractors {
            if all_unique {
                let left = Color::ALL.iter().any(|&c| {
                    ObjKind::ALL
                        .iter()
                        .any(|k| !taken.contains(&key(&k.make(c))))
                });
                if !left {
                    return Err(GenError::InvalidConfig(format!(
                        "num_distractors = {num_distractors}: all {} (kind, colour) pairs are \
                         already taken after {} distractors",
                        Color::ALL.len() * ObjKind::ALL.len(),
                        out.len()
                    )));
                }
            }
            let color = g.rand_color();
            let kind = ObjKind::ALL[g.rand_int(0, ObjKind::ALL.len())];
            let k = key(&kind.make(color));
            if all_unique && taken.contains(&k) {
                continue;
            }
            let ri = match i {
                Some(i) => i,
                None => g.rand_int(0, self.num_cols),
            };
            let rj = match j {
                Some(j) => j,
                None => g.rand_int(0, self.num_rows),
            };
            let placed = self.add_object(g, ri, rj, Some(kind), Some(color))?;
            taken.push(k);
            out.push(placed);
        }
        Ok(out)
    }
}

#[cfg(test)]
#[path = "room_grid_tests.rs"]
pub(crate) mod tests;
