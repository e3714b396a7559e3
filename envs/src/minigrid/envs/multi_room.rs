//! MiniGrid-MultiRoom: a chain of rooms of random sizes, each joined to the next by a closed
//! door; the agent starts in the first room and must reach the goal in the last one.
//!
//! - Description: open the doors of the chain, room after room, and reach the goal in the
//!   last room (layout rule below).
//! - Actions: the 7 MiniGrid actions; only turning, `forward` and `toggle` matter.
//! - Observations: the 7 × 7 egocentric view; walls block sight (MiniGrid's default).
//! - Rewards: `1 − 0.9·step_count/max_steps` on the goal, else 0.
//! - Start: a uniform free cell of the first room, a uniform direction.
//! - Episode end: the goal (terminated) or `max_steps` (truncated, `20·max_num_rooms`).
//! - Arguments: `min_num_rooms`, `max_num_rooms`, `max_room_size` (≥ 4), `width`,
//!   `height` (25 × 25), as MiniGrid's constructor.
//!
//! The layout rule is MiniGrid's `_placeRoom`, draw for draw in order, except that a room
//! whose first side already puts it out of bounds is refused before its other draws (the same
//! law of layouts, fewer draws; see `place_room`), and that the placement's draws are exactly
//! uniform integers taken two per RNG output (`Draws`): the same law, another stream. MiniGrid's
//! recursion never backtracks, so it is walked as a loop (`place_chain`). The room count is
//! uniform in `min..=max`; then attempts are drawn until one chains that many rooms: the first
//! room's corner is uniform in `0..width-2` on both axes (MiniGrid uses the width for both),
//! each room's sides are uniform in `4..=max_room_size`, a room entered through a wall is
//! shifted along it uniformly so the door is strictly inside that wall, and a room that leaves
//! the grid or meets an earlier room (not the one it is entered from) is refused; from each
//! placed room up to 8 exits are tried, each on a uniform wall other than the entry one at a
//! uniform cell strictly inside it. MiniGrid keeps the first attempt that reaches the count,
//! and so do we (looping inside the generator; after [`MAX_ATTEMPTS`] a [`GenError`] makes the
//! engine redraw from the room count). The rooms' walls are drawn in order, then each entry
//! door, closed, of a uniform colour other than the previous door's (drawn from the colours
//! sorted by name, as MiniGrid). The agent goes on a uniform free cell of the first room
//! (uniform direction), then the goal on a uniform free cell of the last room.

use crate::minigrid::any::BoxedMiniGrid;
use crate::minigrid::engine::{EngineConfig, MiniGridEnv};
use crate::minigrid::kwargs::{build_env, minigrid_spec, row_kwargs};
use crate::minigrid::layout::{Gen, GenError, Generator, Pos};
use crate::minigrid::object::{Color, DoorState, Obj};
use crate::registry::{EnvSpec, KwargSpec, Kwargs, MakeError};
use rand::RngCore;
use rewardlab_core::rng::EnvRng;

/// The mission of every MultiRoom env.
pub const MISSION: &str = "traverse the rooms to get to the goal";

/// The colours sorted by name: the order MiniGrid draws a door colour from (`sorted(set)`).
pub(crate) const COLORS_BY_NAME: [Color; 6] = [
    Color::Blue,
    Color::Green,
    Color::Grey,
    Color::Purple,
    Color::Red,
    Color::Yellow,
];

/// How many placement attempts one layout may take before the engine redraws it. MiniGrid
/// loops without bound; at the registered sizes an attempt succeeds often enough that this is
/// never reached.
pub const MAX_ATTEMPTS: usize = 10_000;

/// The smallest room side, walls included (MiniGrid's `minSz`).
const MIN_ROOM_SIZE: i64 = 4;

/// Wall indices, MiniGrid's: 0 right (east), 1 bottom (south), 2 left (west), 3 top (north).
const LEFT_WALL: u8 = 2;

/// One room of the chain, in grid coordinates (walls included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Room {
    /// Top-left corner.
    pub top: Pos,
    /// Width and height.
    pub size: Pos,
    /// The door it is entered through (for the first room: its corner, and no door is put).
    pub entry_door: Pos,
}

/// A room while placing: signed, since MiniGrid draws corners that may fall off the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Placed {
    top: (i64, i64),
    size: (i64, i64),
    entry: (i64, i64),
}

/// The MultiRoom layout rule, with MiniGrid's constructor parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultiRoom {
    /// Fewest rooms (MiniGrid's `minNumRooms`, ≥ 1).
    pub min_num_rooms: usize,
    /// Most rooms (`maxNumRooms`, ≥ `min_num_rooms`).
    pub max_num_rooms: usize,
    /// Largest room side, walls included (`maxRoomSize`, ≥ 4).
    pub max_room_size: usize,
    /// The rooms of the current layout, in chain order.
    rooms: Vec<Room>,
    /// The attempt being placed, kept between resets so a reset does not allocate it.
    scratch: Vec<Placed>,
}

impl MultiRoom {
    /// The rule with these room counts and largest room side.
    pub fn new(min_num_rooms: usize, max_num_rooms: usize, max_room_size: usize) -> Self {
        MultiRoom {
            min_num_rooms,
            max_num_rooms,
            max_room_size,
            rooms: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// The rooms of the last generated layout, first (the agent's) to last (the goal's).
    pub fn rooms(&self) -> &[Room] {
        &self.rooms
    }

    /// The env on a 25 × 25 grid with MiniGrid's defaults (`max_steps = 20·max_num_rooms`,
    /// view 7, walls blocking sight).
    pub fn env(self) -> Result<MultiRoomEnv, GenError> {
        let max_steps = 20 * self.max_num_rooms;
        self.env_with(25, 25, max_steps, 7)
    }

    /// The env with an explicit grid size, `max_steps` and view size. Refused (as MiniGrid's
    /// assertions) without rooms, with `max < min` or with rooms smaller than 4.
    pub fn env_with(
        self,
        width: usize,
        height: usize,
        max_steps: usize,
        agent_view_size: usize,
    ) -> Result<MultiRoomEnv, GenError> {
        let invalid = |what: String| Err(GenError::InvalidConfig(what));
        if self.min_num_rooms == 0 {
            return invalid("min_num_rooms = 0: must be at least 1".into());
        }
        if self.max_num_rooms < self.min_num_rooms {
            return invalid(format!(
                "max_num_rooms = {}: must be at least min_num_rooms = {}",
                self.max_num_rooms, self.min_num_rooms
            ));
        }
        if self.max_room_size < MIN_ROOM_SIZE as usize {
            return invalid(format!(
                "max_room_size = {}: must be at least {MIN_ROOM_SIZE}",
                self.max_room_size
            ));
        }
        if width < 3 || height < 3 {
            return invalid(format!(
                "width × height = {width} × {height}: both must be at least 3"
            ));
        }
        let config = EngineConfig {
            width,
            height,
            ..EngineConfig::square(width, max_steps, false, agent_view_size)
        };
        MiniGridEnv::new(self, config)
    }

    /// MiniGrid's `_placeRoom` from the first room on: places the room at `entry`, then
    /// from each placed room tries up to 8 exits until a next room fits, until `num_rooms`
    /// are placed or a room finds no next one (the attempt then falls short).
    ///
    /// MiniGrid's recursion never backtracks (a room that fits ends its caller's loop
    /// whatever its own exits give), so the chain is walked in a loop.
    fn place_chain(
        &self,
        d: &mut Draws<'_>,
        num_rooms: usize,
        rooms: &mut Vec<Placed>,
        entry: (i64, i64),
    ) {
        let mut entry_wall = LEFT_WALL;
        if !self.place_room(d, rooms, entry_wall, entry) {
            return;
        }
        while rooms.len() < num_rooms {
            let Some(&Placed { top, size, .. }) = rooms.last() else {
                return;
            };
            let mut placed = false;
            for _ in 0..8 {
                // A uniform wall among the three others, in index order (MiniGrid's sorted
                // set); the door is uniform strictly inside it. Walls 0 and 2 (right, left)
                // are vertical, 1 and 3 (bottom, top) horizontal.
                let k = d.below(3) as u8;
                let exit_wall = if k >= entry_wall { k + 1 } else { k };
                let vertical = exit_wall.is_multiple_of(2);
                let along = d.range(1, if vertical { size.1 } else { size.0 } - 1);
                let far = exit_wall < 2;
                let exit = if vertical {
                    (top.0 + if far { size.0 - 1 } else { 0 }, top.1 + along)
                } else {
                    (top.0 + along, top.1 + if far { size.1 - 1 } else { 0 })
                };
                let wall = (exit_wall + 2) % 4;
                if self.place_room(d, rooms, wall, exit) {
                    entry_wall = wall;
                    placed = true;
                    break;
                }
            }
            if !placed {
                return;
            }
        }
    }

    /// One room of MiniGrid's `_placeRoom`, entered through `entry_wall` at `entry_door`
    /// (the first room: at its corner): pushed on `rooms` if it fits, else `false`.
    fn place_room(
        &self,
        d: &mut Draws<'_>,
        rooms: &mut Vec<Placed>,
        entry_wall: u8,
        entry_door: (i64, i64),
    ) -> bool {
        let max = self.max_room_size as i64;
        let (x, y) = entry_door;
        let (w, h) = d.bounds;
        let first = rooms.is_empty();
        // A room that one side's size already puts out of bounds is refused before its later
        // draws. MiniGrid draws them and then refuses the room; a refused room's draws are
        // discarded either way, so skipping them keeps the law of the layouts (not the
        // draw sequence) and saves most of the time a reset spends here.
        //
        // The tests combine with `&` and `|`, not `&&` and `||`: one branch per test, not one
        // per comparison, as the outcomes are random and mispredicted branches cost the most.
        let size_x = d.range(MIN_ROOM_SIZE, max + 1);
        if ((first | (entry_wall == 2)) & (x + size_x > w))
            | (!first & (entry_wall == 0) & (x - size_x + 1 < 0))
        {
            return false;
        }
        let size_y = d.range(MIN_ROOM_SIZE, max + 1);
        if ((first | (entry_wall == 3)) & (y + size_y >= h))
            | (!first & (entry_wall == 1) & (y - size_y + 1 < 0))
        {
            return false;
        }
        // The door must lie strictly inside the entry wall, so the room is shifted along it:
        // entered through a vertical wall (0, 2) it shifts vertically, else horizontally;
        // entered through its far wall (0 right, 1 bottom) it lies before the door.
        let top = if first {
            entry_door
        } else {
            let vertical = entry_wall.is_multiple_of(2);
            let far = entry_wall < 2;
            let (across, along, side, side_size) = if vertical {
                (x, y, size_x, size_y)
            } else {
                (y, x, size_y, size_x)
            };
            let shifted = d.range(along - side_size + 2, along);
            let fixed = if far { across - side + 1 } else { across };
            if vertical {
                (fixed, shifted)
            } else {
                (shifted, fixed)
            }
        };
        // MiniGrid's bounds test: note `>=` on the height, so no room touches the bottom row.
        if (top.0 < 0) | (top.1 < 0) | (top.0 + size_x > w) | (top.1 + size_y >= h) {
            return false;
        }
        // The room it is entered from shares a wall with it and is not tested; the test is
        // MiniGrid's, which lets a room touch an earlier one only on its right or bottom side.
        let earlier = &rooms[..rooms.len().saturating_sub(1)];
        let overlaps = earlier.iter().fold(false, |any, r| {
            any | !((top.0 + size_x < r.top.0)
                | (r.top.0 + r.size.0 <= top.0)
                | (top.1 + size_y < r.top.1)
                | (r.top.1 + r.size.1 <= top.1))
        });
        if overlaps {
            return false;
        }
        rooms.push(Placed {
            top,
            size: (size_x, size_y),
            entry: entry_door,
        });
        true
    }
}

/// The uniform draws of the room placement: exactly uniform integers (Lemire's multiply
/// and reject) from 32-bit halves of the env RNG's 64-bit outputs, two draws per RNG step.
/// An attempt takes hundreds of small draws, and the RNG step is much of their cost; the
/// law of each draw is exactly uniform and the draws independent (rand's single-sample
/// method behind [`Gen::rand_int`] is uniform up to a bias of order n/2⁶⁴); only the stream
/// differs. A spare half left at the end is dropped, which changes no law.
struct Draws<'r> {
    rng: &'r mut EnvRng,
    /// The grid's width and height, signed as the placement's coordinates.
    bounds: (i64, i64),
    /// The high half of the last 64-bit output, when not used yet.
    spare: u32,
    has_spare: bool,
}

impl<'r> Draws<'r> {
    fn new(rng: &'r mut EnvRng, bounds: (i64, i64)) -> Self {
        Draws {
            rng,
            bounds,
            spare: 0,
            has_spare: false,
        }
    }

    #[inline(always)]
    fn next_u32(&mut self) -> u32 {
        if self.has_spare {
            self.has_spare = false;
            self.spare
        } else {
            let bits = self.rng.next_u64();
            self.spare = (bits >> 32) as u32;
            self.has_spare = true;
            bits as u32
        }
    }

    /// A uniform integer in `0..n` (`n ≥ 1`): the high half of `u·n` for a uniform 32-bit
    /// `u`, rejecting the `2³² mod n` products whose low half would bias it.
    #[inline(always)]
    fn below(&mut self, n: u32) -> u32 {
        let mut m = u64::from(self.next_u32()) * u64::from(n);
        if (m as u32) < n {
            let threshold = n.wrapping_neg() % n;
            while (m as u32) < threshold {
                m = u64::from(self.next_u32()) * u64::from(n);
            }
        }
        (m >> 32) as u32
    }

    /// A uniform integer in `low..high` on signed bounds (MiniGrid's `_rand_int`, which
    /// MultiRoom calls with negative lows); `low` if the range is empty.
    #[inline(always)]
    fn range(&mut self, low: i64, high: i64) -> i64 {
        match u32::try_from(high - low) {
            Ok(span) if span > 0 => low + i64::from(self.below(span)),
            _ => low,
        }
    }
}

/// A uniform cell inside `room`'s walls, drawn as [`Gen::place_obj`] draws it when those
/// are the room's free cells (the index among them in row order); a cell that is not free
/// is an error, which a layout built by the placement rules never gives.
fn interior_cell(g: &mut Gen<'_>, room: &Room) -> Result<Pos, GenError> {
    let ((x, y), (sx, sy)) = (room.top, room.size);
    let inner = sx.saturating_sub(2);
    let k = g.rand_int(0, inner * sy.saturating_sub(2));
    let cell = (x + 1 + k % inner.max(1), y + 1 + k / inner.max(1));
    if inner == 0 || g.grid.get(cell.0, cell.1).is_some() {
        return Err(GenError::NoFreeCell {
            top: room.top,
            size: room.size,
        });
    }
    Ok(cell)
}

/// A placed room's signed pair as a grid position (placement keeps rooms inside the grid).
fn pos(p: (i64, i64)) -> Pos {
    (p.0.max(0) as usize, p.1.max(0) as usize)
}

impl Generator for MultiRoom {
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let (w, h) = (g.grid.width(), g.grid.height());
        let num_rooms = g.rand_int(self.min_num_rooms, self.max_num_rooms + 1);
        let mut rooms = std::mem::take(&mut self.scratch);
        rooms.clear();
        let mut d = Draws::new(g.rng(), (w as i64, h as i64));
        let mut attempts = 0;
        while rooms.len() < num_rooms {
            attempts += 1;
            if attempts > MAX_ATTEMPTS {
                return Err(GenError::NoFreeCell {
                    top: (0, 0),
                    size: (w, h),
                });
            }
            rooms.clear();
            // MiniGrid draws both coordinates of the first corner below `width - 2`.
            let entry = (d.range(0, w as i64 - 2), d.range(0, w as i64 - 2));
            self.place_chain(&mut d, num_rooms, &mut rooms, entry);
        }
        self.rooms.clear();
        self.rooms.extend(rooms.iter().map(|r| Room {
            top: pos(r.top),
            size: pos(r.size),
            entry_door: pos(r.entry),
        }));
        self.scratch = rooms;

        // The previous door's index in `COLORS_BY_NAME`, if any.
        let mut prev_color: Option<usize> = None;
        for (i, room) in self.rooms.iter().enumerate() {
            let ((x, y), (sx, sy)) = (room.top, room.size);
            g.grid.horz_wall(x, y, sx, &Obj::WALL);
            g.grid.horz_wall(x, y + sy - 1, sx, &Obj::WALL);
            // The corners are the horizontal walls' ends: the sides skip them.
            g.grid.vert_wall(x, y + 1, sy - 2, &Obj::WALL);
            g.grid.vert_wall(x + sx - 1, y + 1, sy - 2, &Obj::WALL);
            if i > 0 {
                let n_choices = if prev_color.is_some() { 5 } else { 6 };
                // The k-th colour by name leaving out the previous one: those after it
                // move up by one.
                let k = g.rand_int(0, n_choices);
                let k = match prev_color {
                    Some(p) if k >= p => k + 1,
                    _ => k,
                };
                let color = COLORS_BY_NAME.get(k).copied().unwrap_or(Color::Red);
                let (dx, dy) = room.entry_door;
                g.put_obj(Obj::Door(color, DoorState::Closed), dx, dy);
                prev_color = Some(k);
            }
        }
        let (Some(&first), Some(&last)) = (self.rooms.first(), self.rooms.last()) else {
            // Only a rule built without the constructor's checks can ask for no rooms.
            return Err(GenError::InvalidConfig(format!(
                "max_num_rooms = {}: must be at least 1",
                self.max_num_rooms
            )));
        };
        // `place_agent` then `place_obj` of the goal, with the same draws: rooms share no
        // interior cell and doors lie on walls, so a room's free cells are its interior,
        // and the k-th of them in row order is found without counting. The agent is not in
        // the last room unless it is the first one; then the goal needs the general way.
        g.agent_pos = None;
        let start = interior_cell(g, &first)?;
        g.agent_pos = Some(start);
        g.agent_dir = g.rand_int(0, 4) as u8;
        if self.rooms.len() > 1 {
            let (x, y) = interior_cell(g, &last)?;
            g.put_obj(Obj::Goal, x, y);
        } else {
            g.place_obj(Some(Obj::Goal), Some(last.top), Some(last.size), None)?;
        }
        // Into the reused buffer: no allocation per reset.
        g.mission.clear();
        g.mission.push_str(MISSION);
        Ok(())
    }
}

/// The MultiRoom env: the engine around [`MultiRoom`].
pub type MultiRoomEnv = MiniGridEnv<MultiRoom>;

const KWARGS: &[KwargSpec] = &row_kwargs("20·maxNumRooms");

fn build(kw: &Kwargs<'_>, rooms: usize, max_room_size: usize) -> Result<BoxedMiniGrid, MakeError> {
    build_env(kw, 20 * rooms, |max_steps, view| {
        MultiRoom::new(rooms, rooms, max_room_size).env_with(25, 25, max_steps, view)
    })
}

/// The MultiRoom rows. MiniGrid 3.2 keeps `N4-S5-v0` with its historical 6 rooms and fixes
/// the count to 4 in `N4-S5-v1`; both are registered, as there.
pub const SPECS: &[EnvSpec] = &[
    minigrid_spec(
        "MiniGrid-MultiRoom-N2-S4-v0",
        "MiniGrid MultiRoom: 2 rooms of side ≤ 4 joined by a door, reach the goal in the last",
        KWARGS,
        |kw| build(kw, 2, 4),
    ),
    minigrid_spec(
        "MiniGrid-MultiRoom-N4-S5-v0",
        "MiniGrid MultiRoom (legacy id): 6 rooms of side ≤ 5 in a chain, reach the goal",
        KWARGS,
        |kw| build(kw, 6, 5),
    ),
    minigrid_spec(
        "MiniGrid-MultiRoom-N4-S5-v1",
        "MiniGrid MultiRoom: 4 rooms of side ≤ 5 in a chain, reach the goal in the last",
        KWARGS,
        |kw| build(kw, 4, 5),
    ),
    minigrid_spec(
        "MiniGrid-MultiRoom-N6-v0",
        "MiniGrid MultiRoom: 6 rooms of side ≤ 10 in a chain, reach the goal in the last",
        KWARGS,
        |kw| build(kw, 6, 10),
    ),
];

#[cfg(test)]
#[path = "multi_room_tests.rs"]
mod tests;

/// The scripted walks the tests of this file and its three sibling families share.
#[cfg(test)]
#[path = "walk_tests.rs"]
pub(crate) mod walk_tests;
