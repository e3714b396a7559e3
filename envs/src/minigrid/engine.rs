//! [`MiniGridEnv`]: the engine every MiniGrid env runs on.
//!
//! The engine owns the episode (`reset`, `step`, the step counter, the success reward, the
//! `max_steps` truncation) and the observation; an env is a [`Generator`] that lays out the
//! grid, places the agent and names the mission each reset, using the placement helpers of
//! [`Gen`] with the env's own seeded RNG. This mirrors MiniGrid's `MiniGridEnv._gen_grid`
//! hook.
//!
//! Step semantics are MiniGrid 3.2's: the counter is incremented first; `forward` moves onto
//! an empty or overlappable cell, and stepping onto the goal terminates with
//! `1 − 0.9·step_count/max_steps`, onto lava terminates with 0; `pickup` takes a pickable
//! object in front when the hands are empty; `drop` puts the carried object on an empty cell in
//! front; `toggle` opens/closes a door (a locked one opens only for a key of its colour) and
//! replaces a box by its contents; `done` does nothing. `truncated` is set when the counter
//! reaches `max_steps`, on the same step as `terminated` if both happen. After either,
//! stepping is [`EnvError::ResetNeeded`] (MiniGrid lets the episode run on).
//!

use std::sync::Arc;

use rewardlab_core::rng::{EnvRng, reseed, rng_from_entropy};
use rewardlab_core::{Env, EnvError, Frame, Info, Space, Step, Value};

use super::grid::Grid;
use super::layout::{Gen, GenError, Generator, Pos};
use super::object::{DoorState, Obj};
use super::obs::{self, DIR_TO_VEC, MiniGridObs, Viewer};

/// How many times `reset` redraws a layout whose generation failed before giving up.
const MAX_REGENERATIONS: usize = 1000;

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
    /// 6: no effect (MiniGrid's "done").
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

/// Settings every MiniGrid env has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineConfig {
    /// Grid width in cells.
    pub width: usize,
    /// Grid height in cells.
    pub height: usize,
    /// Steps after which the episode is truncated.
    pub max_steps: usize,
    /// Whether walls and closed doors fail to block sight.
    pub see_through_walls: bool,
    /// Side of the square egocentric view (odd, ≥ 3; MiniGrid's default 7).
    pub agent_view_size: usize,
}

impl EngineConfig {
    /// A `size × size` grid, the shape of every MiniGrid env ported so far.
    pub fn square(
        size: usize,
        max_steps: usize,
        see_through_walls: bool,
        agent_view_size: usize,
    ) -> Self {
        EngineConfig {
            width: size,
            height: size,
            max_steps,
            see_through_walls,
            agent_view_size,
        }
    }
}

/// Where the episode stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    NotStarted,
    Running,
    Ended,
}

/// A MiniGrid environment: the engine around a [`Generator`].
#[derive(Debug)]
pub struct MiniGridEnv<G: Generator> {
    generator: G,
    config: EngineConfig,
    rng: EnvRng,
    grid: Grid,
    agent_pos: Pos,
    agent_dir: u8,
    carrying: Option<Obj>,
    /// Shared with every observation of the episode: a step clones a pointer, not the text.
    mission: Arc<str>,
    step_count: usize,
    phase: Phase,
}

impl<G: Generator> MiniGridEnv<G> {
    /// An env with these settings. Fails if the generator cannot lay out a first episode or
    /// the view size is not an odd number ≥ 3.
    pub fn new(generator: G, config: EngineConfig) -> Result<Self, GenError> {
        let mut env = Self {
            generator,
            config,
            rng: rng_from_entropy(),
            grid: Grid::new(config.width, config.height),
            agent_pos: (0, 0),
            agent_dir: 0,
            carrying: None,
            mission: Arc::from(""),
            step_count: 0,
            phase: Phase::NotStarted,
        };
        env.generate()?;
        Ok(env)
    }

    /// The settings.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The generator.
    pub fn generator(&self) -> &G {
        &self.generator
    }

    /// The grid.
    pub fn grid(&self) -> &Grid {
        &self.grid
    }

    /// The agent's position.
    pub fn agent_pos(&self) -> Pos {
        self.agent_pos
    }

    /// The agent's direction, 0 right, 1 down, 2 left, 3 up.
    pub fn agent_dir(&self) -> u8 {
        self.agent_dir
    }

    /// The carried object.
    pub fn carrying(&self) -> Option<&Obj> {
        self.carrying.as_ref()
    }

    /// The mission.
    pub fn mission(&self) -> &str {
        &self.mission
    }

    /// Steps taken in this episode.
    pub fn step_count(&self) -> usize {
        self.step_count
    }

    /// Moves the agent to `pos` facing `dir` (to replay a recorded start, for instance) and
    /// returns the new observation. Refused, changing nothing, for a direction outside 0..4,
    /// a position outside the grid or a cell the agent cannot stand on, and before the first
    /// reset.
    pub fn set_agent(&mut self, pos: Pos, dir: u8) -> Result<MiniGridObs, EnvError> {
        if self.phase == Phase::NotStarted {
            return Err(EnvError::ResetNeeded);
        }
        let invalid = |reason: &str| EnvError::InvalidState {
            state: format!("agent at {pos:?} facing {dir}"),
            reason: reason.to_string(),
        };
        if dir >= 4 {
            return Err(invalid("the direction must be 0..4"));
        }
        if pos.0 >= self.grid.width() || pos.1 >= self.grid.height() {
            return Err(invalid("outside the grid"));
        }
        if self
            .grid
            .get(pos.0, pos.1)
            .is_some_and(|o| !o.can_overlap())
        {
            return Err(invalid("the cell is blocked"));
        }
        self.agent_pos = pos;
        self.agent_dir = dir;
        Ok(self.gen_obs())
    }

    /// The current observation.
    pub fn gen_obs(&self) -> MiniGridObs {
        let viewer = Viewer {
            pos: self.agent_pos,
            dir: self.agent_dir,
            carrying: self.carrying.as_ref(),
            view_size: self.config.agent_view_size,
            see_through_walls: self.config.see_through_walls,
        };
        MiniGridObs {
            image: obs::gen_image(&self.grid, &viewer),
            view_size: self.config.agent_view_size,
            direction: self.agent_dir,
            mission: Arc::clone(&self.mission),
        }
    }

    /// The success reward at the current step count.
    fn success_reward(&self) -> f64 {
        1.0 - 0.9 * (self.step_count as f64 / self.config.max_steps as f64)
    }

    /// Lays out a new episode with the env's RNG.
    fn generate(&mut self) -> Result<(), GenError> {
        let view = self.config.agent_view_size;
        if view < 3 || view.is_multiple_of(2) {
            return Err(GenError::BadViewSize(view));
        }
        let mut g = Gen::new(self.config.width, self.config.height, &mut self.rng);
        self.generator.gen_grid(&mut g)?;
        let pos = g.agent_pos.ok_or(GenError::NoAgent)?;
        if g.grid.get(pos.0, pos.1).is_some_and(|o| !o.can_overlap()) {
            return Err(GenError::BlockedStart(pos));
        }
        self.grid = g.grid;
        self.agent_pos = pos;
        self.agent_dir = g.agent_dir % 4;
        self.mission = Arc::from(g.mission);
        self.carrying = None;
        self.step_count = 0;
        Ok(())
    }

    /// The cell in front of the agent, if inside the grid.
    fn front_pos(&self) -> Option<Pos> {
        let (dx, dy) = DIR_TO_VEC[usize::from(self.agent_dir)];
        let x = self.agent_pos.0.checked_add_signed(dx as isize)?;
        let y = self.agent_pos.1.checked_add_signed(dy as isize)?;
        (x < self.grid.width() && y < self.grid.height()).then_some((x, y))
    }

    /// Applies one action; returns (reward, terminated).
    fn apply(&mut self, action: Action) -> (f64, bool) {
        let front = self.front_pos();
        let ahead = front.and_then(|(x, y)| self.grid.get(x, y)).cloned();
        match action {
            Action::Left => self.agent_dir = (self.agent_dir + 3) % 4,
            Action::Right => self.agent_dir = (self.agent_dir + 1) % 4,
            Action::Forward => {
                let Some(pos) = front else {
                    return (0.0, false);
                };
                if ahead.as_ref().is_none_or(Obj::can_overlap) {
                    self.agent_pos = pos;
                }
                match ahead {
                    Some(Obj::Goal) => return (self.success_reward(), true),
                    Some(Obj::Lava) => return (0.0, true),
                    _ => {}
                }
            }
            Action::Pickup => {
                if let (Some((x, y)), Some(obj)) = (front, &ahead)
                    && obj.can_pickup()
                    && self.carrying.is_none()
                {
                    self.carrying = self.grid.take(x, y);
                }
            }
            Action::Drop => {
                if let (Some((x, y)), None) = (front, &ahead)
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
        (0.0, false)
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
    }
}

impl<G: Generator> Env for MiniGridEnv<G> {
    type Obs = MiniGridObs;
    type Act = usize;

    fn observation_space(&self) -> Space {
        obs::observation_space(self.config.agent_view_size)
    }

    fn action_space(&self) -> Space {
        Space::discrete(Action::ALL.len() as u64)
    }

    fn reset(&mut self, seed: Option<u64>) -> (MiniGridObs, Info) {
        reseed(&mut self.rng, seed);
        let mut last = None;
        for _ in 0..MAX_REGENERATIONS {
            match self.generate() {
                Ok(()) => {
                    last = None;
                    break;
                }
                Err(e) => last = Some(e),
            }
        }
        if let Some(e) = last {
            // `new` generated one layout successfully, so a generator that fails this often
            // has a bug; there is no error channel in `reset`.
            panic!("MiniGrid layout generation failed {MAX_REGENERATIONS} times: {e}");
        }
        self.phase = Phase::Running;
        (self.gen_obs(), Info::new())
    }

    fn step(&mut self, action: &usize) -> Result<Step<MiniGridObs>, EnvError> {
        if self.phase != Phase::Running {
            return Err(EnvError::ResetNeeded);
        }
        let Some(action) = Action::from_index(*action) else {
            return Err(EnvError::invalid_action(action, &self.action_space()));
        };
        self.step_count += 1;
        let (reward, terminated) = self.apply(action);
        let truncated = self.step_count >= self.config.max_steps;
        if terminated || truncated {
            self.phase = Phase::Ended;
        }
        Ok(Step {
            obs: self.gen_obs(),
            reward,
            terminated,
            truncated,
            info: Info::new(),
        })
    }

    fn render(&self) -> Result<Frame, EnvError> {
        if self.phase == Phase::NotStarted {
            return Err(EnvError::ResetNeeded);
        }
        Ok(super::render::frame(&self.grid, self.agent_pos))
    }

    fn render_ansi(&self) -> Result<String, EnvError> {
        if self.phase == Phase::NotStarted {
            return Err(EnvError::ResetNeeded);
        }
        Ok(super::render::ansi(
            &self.grid,
            self.agent_pos,
            self.agent_dir,
        ))
    }

    fn state(&self) -> Option<Value> {
        (self.phase != Phase::NotStarted).then(|| {
            Value::Dict(vec![
                (
                    "agent_pos".to_string(),
                    Value::Ints(vec![self.agent_pos.0 as i64, self.agent_pos.1 as i64]),
                ),
                (
                    "agent_dir".to_string(),
                    Value::Int(i64::from(self.agent_dir)),
                ),
            ])
        })
    }
}
