//! What the shortest-solution search may skip, and its lower bound on the steps left: both
//! derived from the world's [`Task`], both chosen so that the length found stays exact.
//!
//! **Skipped steps.** A skipped step is one that no shortest solution takes, so the search over
//! the remaining steps finds the same length. Every argument below rests on one fact: a
//! shortest solution never visits a state twice (states ignore the step counter, and the
//! success reward stays positive whatever the count), so it never takes a step that leaves
//! the state unchanged, and cutting a loop or a step out of it that changes nothing later
//! would make it shorter.
//!
//! - *Closing a door* (a step that turns an open door closed: `toggle`, or Memory's `pickup`).
//!   Outside the task's rule, a door's state matters to exactly two steps: `forward` into its
//!   cell (blocked when closed) and `toggle` of it (`pickup` and `drop` do nothing to a door's
//!   cell either way). Take a shortest solution that closes door D at step t, and let t′ be
//!   the next step that toggles D (it reopens D), if any. Between t and t′ the solution never
//!   walks into D (a blocked `forward` changes nothing) and never toggles it, so every step
//!   there does the same with D open; dropping step t and step t′ (or just t, if D is never
//!   toggled again) leaves a shorter solution that reaches the same states after t′ (and
//!   the same final step) — a contradiction, *provided the task's rule does not read D*:
//!   - `ReachGoal`, `PickUp`, `Fetch`, `PutNear`, `ChooseCell` read no door: skipped for
//!     every door.
//!   - `OpenDoor(p)` reads the door at `p`; `OpenInOrder` reads `first` and `second`: skipped
//!     for every other door.
//!   - `DoneNextTo` ends the episode on any `toggle` (with 0): a closing step leads nowhere
//!     already, nothing to skip.
//! - *`done`* changes nothing in the base step, and the rules of `ReachGoal`, `PickUp`
//!   (reads only `pickup`), `PutNear` (reads `pickup` and `drop`) and `OpenDoor` (reads
//!   `toggle`) ignore it: skipped there. `Fetch`, `OpenInOrder` and `ChooseCell` judge the
//!   state after any step, and `DoneNextTo` reads `done`: kept.
//! - *`drop`*, for `ReachGoal` in a world holding at most one object that can be picked up,
//!   not a box (LockedRoom's key): with nothing else to pick up, holding the object is never
//!   worse than having it on the floor. Take a shortest solution that drops it at step t onto
//!   cell c, and let t′ be the next `pickup` of it, if any. Between t and t′ the hands are
//!   empty, so every `drop`, every `pickup` (the only pickable object is at c) and every
//!   `toggle` of a locked door (no key) changes nothing and is absent; `forward` into c is
//!   blocked and absent; `toggle` of c (a key or a ball) does nothing and is absent. Every
//!   remaining step does the same with the object still in the hands and c empty, and the
//!   rule reads only the goal, so dropping steps t and t′ leaves a shorter solution.
//!   With a box there could be a second object inside it, and a dropped box can be opened:
//!   not skipped.
//!
//! **Lower bound** (A*'s heuristic). A success is a `forward` onto a goal cell or, for
//! `PickUp`, a `pickup` facing a cell that holds the target. Either way the agent's moves,
//! with that last step counted as one more move into the cell, carry it from its cell to
//! that cell: at least the Manhattan distance in moves, and it must face every direction in
//! which the cell lies (right/left, down/up), which from its current direction takes at least
//! [`turns`] turns. Holding something else adds a `drop` before a `pickup`; a target inside a
//! box is bounded as if the box's cell held it (the `toggle` comes on top). The bound is the
//! least over the goals and the target's cells in the state, or 0 for the other tasks (plain
//! breadth-first order). A box holding the target can be carried off, so the bound can fall
//! by more than one in a step: the search re-opens a state reached again by a shorter route,
//! which keeps A* exact with an admissible bound that is not consistent.

use super::{Code, SolveError, pack, unpack};
use crate::minigrid::object::{BOX_IDX, DOOR_IDX, GOAL_IDX};
use crate::minigrid::world::{Action, Task, World};

/// The door state bits of a [`Code`] for an open door and a closed one.
const OPEN: Code = 0;
const CLOSED: Code = 1;

/// The skips and the bound for one search (see the module docs).
#[derive(Debug, Clone, Default)]
pub(super) struct Rules {
    /// Skip `done`.
    skip_done: bool,
    /// Skip `drop`.
    skip_drop: bool,
    /// Skip steps that close a door, except at these cells; `None`: never.
    skip_close_except: Option<Vec<usize>>,
    /// Grid width.
    width: usize,
    /// The goal cells (goals never move: they cannot be picked up, and nothing lands on them).
    goals: Vec<(usize, usize)>,
    /// `PickUp`'s target, packed.
    target: Option<Code>,
    /// The cells that hold the target at the start.
    target_cells: Vec<usize>,
}

fn kind(code: Code) -> u8 {
    (code & 0xf) as u8
}

fn door_state(code: Code) -> Code {
    (code >> 7) & 3
}

/// Whether `code` holds `target`: is it, or is a box with it inside.
fn holds(code: Code, target: Code) -> bool {
    code == target || (kind(code) == BOX_IDX && code >> 9 == target & 0x7f && target >> 7 == 0)
}

impl Rules {
    /// No skips and a zero bound: the plain breadth-first search.
    pub(super) fn plain() -> Rules {
        Rules::default()
    }

    /// The rules for `world`'s task; `base` are the start's cell codes.
    pub(super) fn new(world: &World, base: &[Code]) -> Result<Rules, SolveError> {
        let width = world.grid.width();
        let cell = |p: (usize, usize)| p.1 * width + p.0;
        let skip_close_except = match &world.task {
            Task::ReachGoal
            | Task::PickUp(_)
            | Task::Fetch(_)
            | Task::PutNear { .. }
            | Task::ChooseCell { .. } => Some(Vec::new()),
            Task::OpenDoor(p) => Some(vec![cell(*p)]),
            Task::OpenInOrder { first, second } => Some(vec![cell(*first), cell(*second)]),
            Task::DoneNextTo(_) => None,
        };
        let skip_done = matches!(
            world.task,
            Task::ReachGoal | Task::PickUp(_) | Task::PutNear { .. } | Task::OpenDoor(_)
        );
        let carried = pack(world.carrying.as_ref())?;
        let pickable: Vec<Code> = base
            .iter()
            .chain([&carried])
            .copied()
            .filter(|&c| c != 0 && unpack(c).is_some_and(|o| o.can_pickup()))
            .collect();
        let skip_drop = matches!(world.task, Task::ReachGoal)
            && pickable.len() <= 1
            && pickable.iter().all(|&c| kind(c) != BOX_IDX);
        let goals = match world.task {
            Task::ReachGoal | Task::PickUp(_) => (0..base.len())
                .filter(|&i| base[i] != 0 && kind(base[i]) == GOAL_IDX)
                .map(|i| (i % width, i / width))
                .collect(),
            _ => Vec::new(),
        };
        let target = match &world.task {
            Task::PickUp(obj) => Some(pack(Some(obj))?),
            _ => None,
        };
        let target_cells = match target {
            Some(t) => (0..base.len()).filter(|&i| holds(base[i], t)).collect(),
            None => Vec::new(),
        };
        Ok(Rules {
            target_cells,
            skip_done,
            skip_drop,
            skip_close_except,
            width,
            goals,
            target,
        })
    }

    /// Whether `action` is never tried.
    pub(super) fn skips(&self, action: Action) -> bool {
        match action {
            Action::Done => self.skip_done,
            Action::Drop => self.skip_drop,
            _ => false,
        }
    }

    /// Whether a step that turned cell `i` from `before` into `after` is skipped (it closed a
    /// door the task does not read).
    pub(super) fn skips_change(&self, i: usize, before: Code, after: Code) -> bool {
        let closes = kind(before) == DOOR_IDX
            && door_state(before) == OPEN
            && kind(after) == DOOR_IDX
            && door_state(after) == CLOSED;
        closes
            && self
                .skip_close_except
                .as_ref()
                .is_some_and(|kept| !kept.contains(&i))
    }

    /// A lower bound on the steps from the state (agent at cell `agent` facing `dir`,
    /// carrying `carried`, `diff` the `cell << 16 | code` entries of the cells that differ
    /// from the start, in cell order) to a success.
    pub(super) fn bound(&self, agent: usize, dir: u8, carried: Code, diff: &[u32]) -> usize {
        let from = (agent % self.width, agent / self.width);
        let mut best = usize::MAX;
        for &goal in &self.goals {
            best = best.min(reach(from, dir, goal));
        }
        if let Some(target) = self.target {
            if carried != 0 && holds(carried, target) {
                return 0;
            }
            let drop_first = usize::from(carried != 0);
            let mut consider = |i: usize| {
                let at = (i % self.width, i / self.width);
                best = best.min(reach(from, dir, at) + drop_first);
            };
            for &i in &self.target_cells {
                if diff
                    .binary_search_by_key(&i, |e| (e >> 16) as usize)
                    .is_err()
                {
                    consider(i);
                }
            }
            for e in diff {
                if holds((e & 0xffff) as Code, target) {
                    consider((e >> 16) as usize);
                }
            }
        }
        if best == usize::MAX { 0 } else { best }
    }

    /// Whether the bound is always 0 (no need to compute it).
    pub(super) fn is_blind(&self) -> bool {
        self.goals.is_empty() && self.target.is_none()
    }
}

/// The fewest moves plus turns that carry an agent at `from` facing `dir` into cell `to`.
pub(super) fn reach(from: (usize, usize), dir: u8, to: (usize, usize)) -> usize {
    let (dx, dy) = (
        to.0 as isize - from.0 as isize,
        to.1 as isize - from.1 as isize,
    );
    let mut need = [false; 4];
    need[0] = dx > 0;
    need[1] = dy > 0;
    need[2] = dx < 0;
    need[3] = dy < 0;
    dx.unsigned_abs() + dy.unsigned_abs() + turns(dir, need)
}

/// The fewest turns after which an agent facing `dir` has faced every direction in `need`
/// (0 right, 1 down, 2 left, 3 up; at most one of each opposite pair).
pub(super) fn turns(dir: u8, need: [bool; 4]) -> usize {
    let dir = usize::from(dir % 4);
    // Called for every cell of every bound in the search: no allocation.
    let wanted = need.iter().filter(|&&n| n).count();
    match (wanted, need.iter().position(|&n| n)) {
        (0, _) | (_, None) => 0,
        (1, Some(d)) => match (d + 4 - dir) % 4 {
            0 => 0,
            2 => 2,
            _ => 1,
        },
        // Two perpendicular directions: one turn if already facing one, else the agent
        // faces the opposite of one of them and needs two.
        _ => {
            if need[dir] {
                1
            } else {
                2
            }
        }
    }
}
