//! Shortest solutions of MiniGrid layouts, and layouts loaded from MiniGrid itself.
//!
//! [`shortest_solution`] searches over [`World`]s stepped with [`World::apply`]: the fewest
//! actions from the world's state to a step that terminates with a positive reward (the goal
//! tile, or the task's success rule). The step counter is zeroed in every state (so the
//! success reward stays positive and states that differ only in time are one state); the
//! search ignores `max_steps`. Worlds whose obstacles move by themselves (Dynamic-Obstacles)
//! are searched with their obstacles frozen, since only [`World::apply`] is used.
//!
//! The length is exactly a plain breadth-first search's (the tests compare the two on every
//! task family), found far faster (LockedRoom: ~50× faster than the plain search):
//! - steps that no shortest solution takes are never tried: closing a door the task does not
//!   read, `done` where the task ignores it, and `drop` for `ReachGoal` with a single
//!   pickable object (`solve_rules.rs` proves each, per [`Task`] variant);
//! - states are expanded in A* order under a lower bound on the steps left (Manhattan
//!   distance plus turns to the nearest goal or target cell), bucketed by step count plus
//!   bound; the search stops once no waiting state's bound can beat the best success found,
//!   and re-opens a state reached again by a shorter route (the bound is admissible but not
//!   always consistent: a box holding the target can be carried).
//!
//! A state is stored as its difference from the start, packed in a few integers: the agent,
//! the carried object and the few cells whose content changed. One step of MiniGrid changes at
//! most the cell in front of the agent (pickup, drop, toggle), so a successor's difference is
//! its parent's with that one cell updated, and the search never clones a grid; a state's
//! integers are allocated once, shared by the visited set and the open list.
//!
//! [`LayoutDump`] is a layout as `envs/tests/fixtures/make_minigrid_reference.py` writes it from
//! a reset MiniGrid env (`grid.encode()`, box contents, agent, and the task fields read from
//! the env's attributes); [`LayoutDump::to_world`] turns it into the [`World`] whose steps are
//! MiniGrid's, so MiniGrid's layouts and ours are solved by the same search. Objects are
//! compared by value (type, colour, state, contents) where MiniGrid compares the target object
//! by identity; the stock envs never hold a second object equal to their target.

use std::collections::HashMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::fx_hash::FxBuild;
use super::grid::Grid;
use super::layout::Pos;
use super::object::{
    BALL_IDX, BOX_IDX, Color, DOOR_IDX, DoorState, EMPTY_IDX, FLOOR_IDX, GOAL_IDX, KEY_IDX,
    LAVA_IDX, Obj, WALL_IDX,
};
use super::world::{Action, Task, World};

#[path = "solve_rules.rs"]
mod rules;
use rules::Rules;

/// Why a search or a load failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SolveError {
    /// The search visited more states than allowed before finishing.
    #[error("the search visited more than {limit} states")]
    TooManyStates {
        /// The `max_states` given.
        limit: usize,
    },
    /// The action count is not 1..=7.
    #[error("n_actions = {0}: must be 1..=7")]
    BadActionCount(usize),
    /// A world the search does not represent (a grid of 16384 cells or more, a box holding
    /// a box or a door).
    #[error("cannot search {0}")]
    Unsupported(String),
    /// A layout dump that does not describe a MiniGrid layout.
    #[error("bad layout dump: {0}")]
    BadDump(String),
}

/// A packed cell content: bits 0–3 the type index, 4–6 the colour, 7–8 the door state,
/// 9–12 and 13–15 a box's contents' type and colour; 0 is an empty cell.
type Code = u16;

/// The [`Code`] of a cell content. Boxes inside boxes and doors inside boxes (which no
/// MiniGrid env makes) are refused.
fn pack(obj: Option<&Obj>) -> Result<Code, SolveError> {
    let Some(obj) = obj else { return Ok(0) };
    let [kind, colour, state] = obj.encode();
    let mut code = Code::from(kind) | (Code::from(colour) << 4) | (Code::from(state) << 7);
    if let Obj::Box(_, Some(inner)) = obj {
        if matches!(**inner, Obj::Box(..) | Obj::Door(..)) {
            return Err(SolveError::Unsupported(format!("a box holding {inner:?}")));
        }
        let [k, c, _] = inner.encode();
        code |= (Code::from(k) << 9) | (Code::from(c) << 13);
    }
    Ok(code)
}

/// The cell content of a [`Code`] made by [`pack`].
fn unpack(code: Code) -> Option<Obj> {
    if code == 0 {
        return None;
    }
    let field = |shift: u16, bits: u16| ((code >> shift) & ((1 << bits) - 1)) as u8;
    let obj = decode_obj([field(0, 4), field(4, 3), field(7, 2)])
        .ok()
        .flatten();
    match obj {
        Some(Obj::Box(c, None)) if field(9, 4) != 0 => {
            let inner = decode_obj([field(9, 4), field(13, 3), 0]).ok().flatten();
            Some(Obj::Box(c, inner.map(std::boxed::Box::new)))
        }
        other => other,
    }
}

/// The content of cell `i` in the state `key` (`base`: the start's codes).
fn cell_code(key: &[u32], base: &[Code], i: usize) -> Code {
    match key[1..].binary_search_by_key(&i, |e| (e >> 16) as usize) {
        Ok(k) => (key[1 + k] & 0xffff) as Code,
        Err(_) => base[i],
    }
}

/// The fewest steps from `world` to a step that terminates with a positive reward, using the
/// first `n_actions` actions; `Ok(None)` if no reachable state succeeds. Fails once more than
/// `max_states` distinct states have been reached, or for `n_actions` outside 1..=7.
///
/// Steps that no shortest solution takes are skipped and states are expanded in A* order
/// under a lower bound on the steps left (`solve_rules.rs` argues both for every [`Task`]);
/// the length is the same as a plain breadth-first search's.
pub fn shortest_solution(
    world: &World,
    n_actions: usize,
    max_states: usize,
) -> Result<Option<usize>, SolveError> {
    search(world, n_actions, max_states, true)
}

/// A search state being expanded or waiting: its key and the step count it was reached at.
type Open = (Rc<[u32]>, u32);

/// [`shortest_solution`], with the skips and the bound of [`Rules::new`] (`pruned`) or
/// without (a plain breadth-first search, which the tests compare with).
fn search(
    world: &World,
    n_actions: usize,
    max_states: usize,
    pruned: bool,
) -> Result<Option<usize>, SolveError> {
    if !(1..=Action::ALL.len()).contains(&n_actions) {
        return Err(SolveError::BadActionCount(n_actions));
    }
    let width = world.grid.width();
    let cells = width * world.grid.height();
    if cells >= 1 << 14 {
        return Err(SolveError::Unsupported(format!("a grid of {cells} cells")));
    }
    let base: Vec<Code> = (0..cells)
        .map(|i| pack(world.grid.get(i % width, i / width)))
        .collect::<Result<_, _>>()?;
    let rules = if pruned {
        Rules::new(world, &base)?
    } else {
        Rules::plain()
    };
    let actions: Vec<Action> = Action::ALL[..n_actions]
        .iter()
        .copied()
        .filter(|&a| !rules.skips(a))
        .collect();
    let blind = rules.is_blind();
    let bound = |key: &[u32]| -> usize {
        if blind {
            return 0;
        }
        let agent = (key[0] >> 18) as usize;
        let dir = ((key[0] >> 16) & 3) as u8;
        rules.bound(agent, dir, (key[0] & 0xffff) as Code, &key[1..])
    };
    let head = |pos: Pos, dir: u8, carrying: Option<&Obj>| -> Result<u32, SolveError> {
        let i = (pos.1 * width + pos.0) as u32;
        Ok((i << 18) | (u32::from(dir & 3) << 16) | u32::from(pack(carrying)?))
    };
    let mut scratch = world.clone();
    let start: Rc<[u32]> = Rc::new([head(
        world.agent_pos,
        world.agent_dir,
        world.carrying.as_ref(),
    )?]);
    // The least step count each state was reached at; `open[f]`: the states waiting whose
    // step count plus bound is `f` (several entries per state when it was reached again by a
    // shorter route: the stale ones are passed over).
    let mut seen: HashMap<Rc<[u32]>, u32, FxBuild> = HashMap::default();
    seen.insert(start.clone(), 0);
    let mut open: Vec<Vec<Open>> = Vec::new();
    let push = |open: &mut Vec<Vec<Open>>, f: usize, entry: Open| {
        if open.len() <= f {
            open.resize_with(f + 1, Vec::new);
        }
        open[f].push(entry);
    };
    let mut f_min = bound(&start);
    push(&mut open, f_min, (start, 0));
    let mut best: Option<usize> = None;
    let mut next = Vec::new();
    loop {
        while open.get(f_min).is_some_and(Vec::is_empty) {
            f_min += 1;
        }
        // Every waiting state's step count plus bound is at least `f_min`, so no solution
        // through one is shorter than `f_min`.
        if f_min >= open.len() || best.is_some_and(|b| f_min >= b) {
            return Ok(best);
        }
        let Some((key, depth)) = open[f_min].pop() else {
            continue;
        };
        if seen.get(&key).is_some_and(|&d| d < depth) {
            continue;
        }
        let agent = (key[0] >> 18) as usize;
        let dir = ((key[0] >> 16) & 3) as u8;
        let carried = unpack((key[0] & 0xffff) as Code);
        for e in &key[1..] {
            let i = (e >> 16) as usize;
            scratch
                .grid
                .set(i % width, i / width, unpack((e & 0xffff) as Code));
        }
        for &action in &actions {
            scratch.agent_pos = (agent % width, agent / width);
            scratch.agent_dir = dir;
            scratch.carrying.clone_from(&carried);
            scratch.step_count = 0;
            let front = scratch.front_pos();
            let outcome = scratch.apply(action);
            if outcome.terminated && outcome.reward > 0.0 {
                let length = depth as usize + 1;
                best = Some(best.map_or(length, |b| b.min(length)));
            }
            // Only the cell ahead can have changed: note it, and put it back as it was.
            let mut changed = None;
            if let Some((x, y)) = front {
                let i = y * width + x;
                let before = cell_code(&key, &base, i);
                let after = pack(scratch.grid.get(x, y))?;
                if after != before {
                    changed = Some((i, after));
                    scratch.grid.set(x, y, unpack(before));
                    if rules.skips_change(i, before, after) {
                        continue;
                    }
                }
            }
            // A success or a failure ends the episode: nothing follows it.
            if outcome.terminated {
                continue;
            }
            next.clear();
            next.push(head(
                scratch.agent_pos,
                scratch.agent_dir,
                scratch.carrying.as_ref(),
            )?);
            match changed {
                None => next.extend_from_slice(&key[1..]),
                Some((i, code)) => {
                    let entry = ((i as u32) << 16) | u32::from(code);
                    let mut placed = false;
                    for &e in &key[1..] {
                        let j = (e >> 16) as usize;
                        if j == i {
                            continue;
                        }
                        if j > i && !placed {
                            placed = true;
                            if code != base[i] {
                                next.push(entry);
                            }
                        }
                        next.push(e);
                    }
                    if !placed && code != base[i] {
                        next.push(entry);
                    }
                }
            }
            let d = depth + 1;
            let state: Rc<[u32]> = match seen.get_mut(next.as_slice()) {
                Some(known) if *known <= d => continue,
                Some(known) => {
                    *known = d;
                    Rc::from(next.as_slice())
                }
                None => {
                    if seen.len() >= max_states {
                        return Err(SolveError::TooManyStates { limit: max_states });
                    }
                    let state: Rc<[u32]> = Rc::from(next.as_slice());
                    seen.insert(state.clone(), d);
                    state
                }
            };
            let f = d as usize + bound(&state);
            f_min = f_min.min(f);
            push(&mut open, f, (state, d));
        }
        for e in &key[1..] {
            let i = (e >> 16) as usize;
            let (x, y) = (i % width, i / width);
            scratch.grid.set(x, y, unpack(base[i]));
        }
    }
}

/// A box and its contents in a [`LayoutDump`] (`grid.encode()` does not show contents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoxDump {
    /// The box's cell.
    pub pos: [usize; 2],
    /// The contents' `(type, colour, state)` code, if any.
    pub contents: Option<[u8; 3]>,
}

/// The task fields of a [`LayoutDump`], read from the MiniGrid env's attributes; one variant
/// per [`Task`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TaskDump {
    /// Goal and lava only.
    ReachGoal,
    /// `self.obj`'s code (KeyCorridor, UnlockPickup, BlockedUnlockPickup, ObstructedMaze).
    PickUp {
        /// The target's `(type, colour, state)`.
        obj: [u8; 3],
    },
    /// `(targetType, targetColor)` as a code (Fetch).
    Fetch {
        /// The target's `(type, colour, state)`.
        obj: [u8; 3],
    },
    /// `self.target_pos` (GoToDoor, GoToObject).
    DoneNextTo {
        /// The target cell.
        pos: [usize; 2],
    },
    /// `(move_type, moveColor)` and `self.target_pos` (PutNear).
    PutNear {
        /// The object to move, as a code.
        moving: [u8; 3],
        /// The cell it must be dropped next to.
        target: [usize; 2],
    },
    /// The cell of `self.door` (Unlock).
    OpenDoor {
        /// The door's cell.
        pos: [usize; 2],
    },
    /// The cells of `self.red_door` and `self.blue_door` (RedBlueDoors).
    OpenInOrder {
        /// The door to open first.
        first: [usize; 2],
        /// The door to open second.
        second: [usize; 2],
    },
    /// `self.success_pos`, `self.failure_pos` (Memory).
    ChooseCell {
        /// The cell that wins.
        success: [usize; 2],
        /// The cell that loses.
        failure: [usize; 2],
    },
}

/// One reset MiniGrid layout, as the reference script dumps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayoutDump {
    /// The MiniGrid id.
    pub id: String,
    /// The reset seed.
    pub seed: u64,
    /// Grid width.
    pub width: usize,
    /// Grid height.
    pub height: usize,
    /// `grid.encode()` in C order of `[x][y][channel]`, one base-36 digit per byte
    /// ([`decode_digits`]).
    pub grid: String,
    /// Every box with its contents.
    pub boxes: Vec<BoxDump>,
    /// `agent_pos`.
    pub agent_pos: [usize; 2],
    /// `agent_dir`.
    pub agent_dir: u8,
    /// `max_steps`.
    pub max_steps: usize,
    /// `action_space.n`.
    pub n_actions: usize,
    /// The task fields.
    pub task: TaskDump,
}

/// Bytes from a string of base-36 digits, one per byte (`0`-`9`, `a`-`z`).
pub fn decode_digits(text: &str) -> Result<Vec<u8>, SolveError> {
    text.chars()
        .map(|c| {
            c.to_digit(36)
                .and_then(|d| u8::try_from(d).ok())
                .ok_or_else(|| SolveError::BadDump(format!("{c:?} is not a base-36 digit")))
        })
        .collect()
}

/// The object of a `(type, colour, state)` code; `None` for an empty cell. Boxes come out
/// empty (their contents are not in the code).
pub fn decode_obj(code: [u8; 3]) -> Result<Option<Obj>, SolveError> {
    let [kind, colour, state] = code;
    let bad = || SolveError::BadDump(format!("no object has the code {code:?}"));
    let c = Color::from_index(colour).ok_or_else(bad)?;
    let obj = match kind {
        EMPTY_IDX => return Ok(None),
        WALL_IDX => Obj::Wall(c),
        FLOOR_IDX => Obj::Floor(c),
        DOOR_IDX => {
            let s = match state {
                0 => DoorState::Open,
                1 => DoorState::Closed,
                2 => DoorState::Locked,
                _ => return Err(bad()),
            };
            Obj::Door(c, s)
        }
        KEY_IDX => Obj::Key(c),
        BALL_IDX => Obj::Ball(c),
        BOX_IDX => Obj::Box(c, None),
        GOAL_IDX => Obj::Goal,
        LAVA_IDX => Obj::Lava,
        _ => return Err(bad()),
    };
    Ok(Some(obj))
}

fn pos(p: [usize; 2]) -> Pos {
    (p[0], p[1])
}

impl LayoutDump {
    /// The world MiniGrid's layout describes (nothing carried, step counter 0), with the
    /// task its env's `step` implements.
    pub fn to_world(&self) -> Result<World, SolveError> {
        let bytes = decode_digits(&self.grid)?;
        if bytes.len() != self.width * self.height * 3 {
            return Err(SolveError::BadDump(format!(
                "{} grid bytes for a {}x{} grid",
                bytes.len(),
                self.width,
                self.height
            )));
        }
        let mut grid = Grid::new(self.width, self.height);
        for (k, code) in bytes.chunks_exact(3).enumerate() {
            let (x, y) = (k / self.height, k % self.height);
            grid.set(x, y, decode_obj([code[0], code[1], code[2]])?);
        }
        for b in &self.boxes {
            let contents = b.contents.map(decode_obj).transpose()?.flatten();
            match grid.get_mut(b.pos[0], b.pos[1]) {
                Some(Obj::Box(_, inside)) => *inside = contents.map(std::boxed::Box::new),
                _ => return Err(SolveError::BadDump(format!("no box at {:?}", b.pos))),
            }
        }
        let target = |code: [u8; 3]| {
            decode_obj(code)?
                .ok_or_else(|| SolveError::BadDump("the target object is empty".to_string()))
        };
        let task = match &self.task {
            TaskDump::ReachGoal => Task::ReachGoal,
            TaskDump::PickUp { obj } => Task::PickUp(target(*obj)?),
            TaskDump::Fetch { obj } => Task::Fetch(target(*obj)?),
            TaskDump::DoneNextTo { pos: p } => Task::DoneNextTo(pos(*p)),
            TaskDump::PutNear { moving, target: t } => Task::PutNear {
                moving: target(*moving)?,
                target: pos(*t),
            },
            TaskDump::OpenDoor { pos: p } => Task::OpenDoor(pos(*p)),
            TaskDump::OpenInOrder { first, second } => Task::OpenInOrder {
                first: pos(*first),
                second: pos(*second),
            },
            TaskDump::ChooseCell { success, failure } => Task::ChooseCell {
                success: pos(*success),
                failure: pos(*failure),
            },
        };
        let (ax, ay) = pos(self.agent_pos);
        if ax >= self.width || ay >= self.height || self.agent_dir >= 4 {
            return Err(SolveError::BadDump(format!(
                "agent at {:?} facing {}",
                self.agent_pos, self.agent_dir
            )));
        }
        Ok(World {
            grid,
            agent_pos: (ax, ay),
            agent_dir: self.agent_dir,
            carrying: None,
            step_count: 0,
            max_steps: self.max_steps,
            task,
        })
    }

    /// The shortest solution of this layout ([`shortest_solution`] with the dump's action
    /// count).
    pub fn shortest_solution(&self, max_states: usize) -> Result<Option<usize>, SolveError> {
        shortest_solution(&self.to_world()?, self.n_actions, max_states)
    }
}

/// Summary of shortest-solution lengths over many layouts of one env.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LengthStats {
    /// Layouts with a solution.
    pub n: usize,
    /// Layouts without one.
    pub unsolved: usize,
    /// Mean length over the solved layouts.
    pub mean: f64,
    /// Sample standard deviation (`n − 1` denominator) over the solved layouts.
    pub sd: f64,
}

impl LengthStats {
    /// The summary of `lengths` (`None`: unsolvable).
    pub fn of(lengths: &[Option<usize>]) -> LengthStats {
        let solved: Vec<f64> = lengths.iter().flatten().map(|&l| l as f64).collect();
        let n = solved.len();
        let mean = solved.iter().sum::<f64>() / n.max(1) as f64;
        let ss: f64 = solved.iter().map(|l| (l - mean).powi(2)).sum();
        LengthStats {
            n,
            unsolved: lengths.len() - n,
            mean,
            sd: (ss / n.saturating_sub(1).max(1) as f64).sqrt(),
        }
    }

    /// The standard error of the mean.
    pub fn se(&self) -> f64 {
        self.sd / (self.n.max(1) as f64).sqrt()
    }

    /// `(|mean difference|, 3·sqrt(se₁² + se₂²))`: the means agree within three standard
    /// errors when the first is at most the second.
    pub fn mean_gap(&self, other: &LengthStats) -> (f64, f64) {
        let bound = 3.0 * (self.se().powi(2) + other.se().powi(2)).sqrt();
        ((self.mean - other.mean).abs(), bound)
    }
}

#[cfg(test)]
#[path = "solve_tests.rs"]
mod tests;
