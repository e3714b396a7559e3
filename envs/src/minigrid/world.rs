//! [`World`]: the state one MiniGrid step acts on, and [`Task`], the env-specific rule that
//! decides success and failure.
//!
//! MiniGrid envs override `step` to add their win and loss rules (GoToDoor's `done`,
//! RedBlueDoors' door order, Fetch's pickup…). Here the rules are data: each [`Task`] variant
//! is one of those overrides, chosen by the layout generator, and [`World::apply`] runs the
//! base step and then the task's rule. So a new env only lays out its grid, and a solver (or a
//! layout loaded from MiniGrid) reuses the exact step without the env's generator.

use super::grid::Grid;
use super::layout::Pos;
use super::object::{DoorState, Obj};
use super::obs::DIR_TO_VEC;

/// The seven actions, with MiniGrid's indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// 0: turn counter-clockwise.
    Left,
    /// 1: turn clockwise.
    Right,
    /// 2: move one cell ahead.
    Forward,
    /// 3: pick up the object ahead.
    Pickup,
    /// 4: drop the carried object ahead.
    Drop,
    /// 5: open/close the door ahead, open the box ahead.
    Toggle,
    /// 6: no effect, except where the task reads it (MiniGrid's "done").
    Done,
}

impl Action {
    /// Every action, in index order.
    pub const ALL: [Action; 7] = [
        Action::Left,
        Action::Right,
        Action::Forward,
        Action::Pickup,
        Action::Drop,
        Action::Toggle,
        Action::Done,
    ];

    /// The action with MiniGrid's index `i`.
    pub fn from_index(i: usize) -> Option<Action> {
        Action::ALL.get(i).copied()
    }
}

/// What ends an episode besides the goal tile and lava (which every task keeps).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Task {
    /// Only the goal tile and lava (Empty, FourRooms, DoorKey, MultiRoom, LavaGap…).
    #[default]
    ReachGoal,
    /// A `pickup` that leaves this object in the hands succeeds (KeyCorridor, UnlockPickup,
    /// BlockedUnlockPickup, ObstructedMaze).
    PickUp(Obj),
    /// Fetch: once anything is in the hands the episode ends, with success if it equals this.
    Fetch(Obj),
    /// GoToDoor, GoToObject: `done` ends the episode, with success when the agent stands
    /// next to (4-neighbourhood) this cell; `toggle` ends it with 0.
    DoneNextTo(Pos),
    /// PutNear: picking up anything but `moving` ends with 0; a `drop` ends the episode, with
    /// success if the drop landed within one cell (8-neighbourhood) of `target`.
    PutNear {
        /// The object to move.
        moving: Obj,
        /// Where it must end up near.
        target: Pos,
    },
    /// Unlock: a `toggle` that leaves the door at this cell open succeeds.
    OpenDoor(Pos),
    /// RedBlueDoors: opening `second` succeeds if `first` was open before the step, and fails
    /// otherwise; opening `first` while `second` is open fails.
    OpenInOrder {
        /// The door to open first (red).
        first: Pos,
        /// The door to open second (blue).
        second: Pos,
    },
    /// Memory: stepping on `success` succeeds, on `failure` ends with 0; `pickup` does
    /// nothing (MiniGrid turns it into `toggle`).
    ChooseCell {
        /// The cell next to the object matching the cue.
        success: Pos,
        /// The cell next to the other object.
        failure: Pos,
    },
}

/// A step's result before truncation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// The reward.
    pub reward: f64,
    /// Whether the episode ended (success or failure).
    pub terminated: bool,
}

impl Outcome {
    /// Nothing happened that ends the episode.
    pub const CONTINUE: Outcome = Outcome {
        reward: 0.0,
        terminated: false,
    };

    /// The episode ends with 0.
    pub const FAIL: Outcome = Outcome {
        reward: 0.0,
        terminated: true,
    };

    /// The same reward, ending the episode.
    pub fn end(self) -> Outcome {
        Outcome {
            terminated: true,
            ..self
        }
    }
}

/// Everything a step changes: the grid, the agent and the step counter, plus the task.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct World {
    /// The cells.
    pub grid: Grid,
    /// The agent's position.
    pub agent_pos: Pos,
    /// The agent's direction, 0 right, 1 down, 2 left, 3 up.
    pub agent_dir: u8,
    /// The carried object.
    pub carrying: Option<Obj>,
    /// Steps taken in this episode (incremented before the action applies).
    pub step_count: usize,
    /// The step at which the env truncates; also the scale of the success reward.
    pub max_steps: usize,
    /// The env's success and failure rule.
    pub task: Task,
}

impl World {
    /// The success reward at the current step count: `1 − 0.9·step_count/max_steps`.
    pub fn success_reward(&self) -> f64 {
        1.0 - 0.9 * (self.step_count as f64 / self.max_steps as f64)
    }

    /// The success outcome at the current step count.
    pub fn success(&self) -> Outcome {
        Outcome {
            reward: self.success_reward(),
            terminated: true,
        }
    }

    /// The cell in front of the agent, if inside the grid.
    pub fn front_pos(&self) -> Option<Pos> {
        let (dx, dy) = DIR_TO_VEC[usize::from(self.agent_dir % 4)];
        let x = self.agent_pos.0.checked_add_signed(dx as isize)?;
        let y = self.agent_pos.1.checked_add_signed(dy as isize)?;
        (x < self.grid.width() && y < self.grid.height()).then_some((x, y))
    }

    /// One step: counts it, applies the base action and then the task's rule. Truncation is
    /// the engine's business.
    pub fn apply(&mut self, action: Action) -> Outcome {
        self.step_count += 1;
        let action = match (&self.task, action) {
            (Task::ChooseCell { .. }, Action::Pickup) => Action::Toggle,
            (_, a) => a,
        };
        let doors_before = match &self.task {
            Task::OpenInOrder { first, second } => {
                Some((self.is_open(*first), self.is_open(*second)))
            }
            _ => None,
        };
        let carried_before = self.carrying.is_some();
        let base = self.apply_base(action);
        // Borrowed, not cloned: the rule only reads the task (this runs at every step).
        match &self.task {
            Task::ReachGoal => base,
            Task::PickUp(target) => {
                if action == Action::Pickup && self.carrying.as_ref() == Some(target) {
                    self.success()
                } else {
                    base
                }
            }
            Task::Fetch(target) => match &self.carrying {
                Some(held) if held == target => self.success(),
                Some(_) => Outcome::FAIL,
                None => base,
            },
            Task::DoneNextTo(target) => match action {
                Action::Done if adjacent4(self.agent_pos, *target) => self.success(),
                Action::Toggle | Action::Done => base.end(),
                _ => base,
            },
            Task::PutNear { moving, target } => match action {
                Action::Pickup if self.carrying.as_ref().is_some_and(|h| h != moving) => base.end(),
                Action::Drop if carried_before => {
                    let landed = self.carrying.is_none();
                    match self.front_pos() {
                        Some(front) if landed && within1(front, *target) => self.success(),
                        _ => base.end(),
                    }
                }
                _ => base,
            },
            Task::OpenDoor(door) => {
                if action == Action::Toggle && self.is_open(*door) {
                    self.success()
                } else {
                    base
                }
            }
            Task::OpenInOrder { first, second } => {
                let (first_before, second_before) = doors_before.unwrap_or((false, false));
                if self.is_open(*second) {
                    if first_before {
                        self.success()
                    } else {
                        Outcome::FAIL
                    }
                } else if self.is_open(*first) && second_before {
                    Outcome::FAIL
                } else {
                    base
                }
            }
            Task::ChooseCell { success, failure } => {
                if self.agent_pos == *success {
                    self.success()
                } else if self.agent_pos == *failure {
                    Outcome::FAIL
                } else {
                    base
                }
            }
        }
    }

    /// Whether the cell holds an open door.
    pub fn is_open(&self, pos: Pos) -> bool {
        matches!(
            self.grid.get(pos.0, pos.1),
            Some(Obj::Door(_, DoorState::Open))
        )
    }

    /// MiniGrid's base `step` after the counter: moves, pickups, drops, toggles, and the goal
    /// and lava endings.
    fn apply_base(&mut self, action: Action) -> Outcome {
        let front = self.front_pos();
        match action {
            Action::Left => self.agent_dir = (self.agent_dir + 3) % 4,
            Action::Right => self.agent_dir = (self.agent_dir + 1) % 4,
            Action::Forward => {
                let Some(pos) = front else {
                    return Outcome::CONTINUE;
                };
                let ahead = self.grid.get(pos.0, pos.1);
                if ahead.is_none_or(Obj::can_overlap) {
                    self.agent_pos = pos;
                }
                match ahead {
                    Some(Obj::Goal) => return self.success(),
                    Some(Obj::Lava) => return Outcome::FAIL,
                    _ => {}
                }
            }
            Action::Pickup => {
                if let Some((x, y)) = front
                    && self.grid.get(x, y).is_some_and(Obj::can_pickup)
                    && self.carrying.is_none()
                {
                    self.carrying = self.grid.take(x, y);
                }
            }
            Action::Drop => {
                if let Some((x, y)) = front
                    && self.grid.get(x, y).is_none()
                    && self.carrying.is_some()
                {
                    self.grid.set(x, y, self.carrying.take());
                }
            }
            Action::Toggle => {
                if let Some((x, y)) = front {
                    self.toggle(x, y);
                }
            }
            Action::Done => {}
        }
        Outcome::CONTINUE
    }

    /// MiniGrid's `toggle` on the object at `(x, y)`.
    fn toggle(&mut self, x: usize, y: usize) {
        let key_colour = match self.carrying {
            Some(Obj::Key(c)) => Some(c),
            _ => None,
        };
        match self.grid.get_mut(x, y) {
            Some(Obj::Door(colour, state)) => {
                *state = match *state {
                    DoorState::Locked if key_colour == Some(*colour) => DoorState::Open,
                    DoorState::Locked => DoorState::Locked,
                    DoorState::Open => DoorState::Closed,
                    DoorState::Closed => DoorState::Open,
                };
            }
            Some(Obj::Box(..)) => {
                if let Some(Obj::Box(_, contents)) = self.grid.take(x, y) {
                    self.grid.set(x, y, contents.map(|b| *b));
                }
            }
            _ => {}
        }
        // `get_mut` left the cell's observation code stale.
        self.grid.refresh_codes();
    }
}

/// Same row or column, one cell apart.
fn adjacent4(a: Pos, b: Pos) -> bool {
    a.0.abs_diff(b.0) + a.1.abs_diff(b.1) == 1
}

/// At most one cell apart in each coordinate.
fn within1(a: Pos, b: Pos) -> bool {
    a.0.abs_diff(b.0) <= 1 && a.1.abs_diff(b.1) <= 1
}
