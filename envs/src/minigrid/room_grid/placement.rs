//! [`RoomGrid`]'s placement: objects into rooms, doors and openings between them, the
//! agent's start, the doors that connect every room and the distractors (MiniGrid's
//! `place_in_room`, `add_object`, `add_door`, `remove_wall`, `place_agent`, `connect_all`,
//! `add_distractors`). Every draw is MiniGrid's, in its order; see the parent module for how
//! rejection sampling and endless loops are replaced.

use super::{Link, ObjKind, RoomGrid};
use crate::minigrid::grid::Grid;
use crate::minigrid::layout::{Gen, GenError, Pos};
use crate::minigrid::object::{Color, DoorState, Obj};
use crate::minigrid::obs::DIR_TO_VEC;

/// MiniGrid's `reject_next_to`: positions within Manhattan distance 1 of the agent.
fn next_to(agent: Option<Pos>, p: Pos) -> bool {
    agent.is_some_and(|a| a.0.abs_diff(p.0) + a.1.abs_diff(p.1) < 2)
}

impl RoomGrid {
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
        let reject = move |_: &Grid, p: Pos| next_to(agent, p);
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
