//! [`MiniGridEnv`]: the engine every MiniGrid env runs on.
//!
//! The engine owns the episode (`reset`, `step`, the step counter, the success reward, the
//! `max_steps` truncation) and the observation; an env is a [`Generator`] that lays out the
//! grid, places the agent, names the mission and picks its [`Task`] (win/loss rule) each
//! reset, using the placement helpers of [`Gen`] with the env's own seeded RNG. This mirrors
//! MiniGrid's `MiniGridEnv._gen_grid` hook; envs whose world moves by itself
//! (Dynamic-Obstacles) also wrap the step with [`Generator::step`].
//!
//! Step semantics are MiniGrid 3.2's: the counter is incremented first; `forward` moves onto
//! an empty or overlappable cell, and stepping onto the goal terminates with
//! `1 − 0.9·step_count/max_steps`, onto lava terminates with 0; `pickup` takes a pickable
//! object in front when the hands are empty; `drop` puts the carried object on an empty cell in
//! front; `toggle` opens/closes a door (a locked one opens only for a key of its colour) and
//! replaces a box by its contents; `done` does nothing; then the task's rule
//! ([`World::apply`]). `truncated` is set when the counter
//! reaches `max_steps`, on the same step as `terminated` if both happen. After either,
//! stepping is [`EnvError::ResetNeeded`] (MiniGrid lets the episode run on).
//!

use std::sync::Arc;

use rewardlab_core::rng::{EnvRng, reseed, rng_from_entropy};
use rewardlab_core::{Env, EnvError, Frame, Info, Space, Step, Value};

use super::grid::Grid;
use super::layout::{Gen, GenError, Generator, Pos};
use super::object::Obj;
use super::obs::{self, MiniGridObs, Viewer};
pub use super::world::{Action, Outcome, Task, World};

/// How many times `reset` redraws a layout whose generation failed before giving up.
const MAX_REGENERATIONS: usize = 1000;

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
    /// Size of the action space: the first `n_actions` of [`Action::ALL`] (7; the
    /// Dynamic-Obstacles envs use 3).
    pub n_actions: usize,
}

impl EngineConfig {
    /// A `width × height` grid with the 7 actions.
    pub fn new(
        width: usize,
        height: usize,
        max_steps: usize,
        see_through_walls: bool,
        agent_view_size: usize,
    ) -> Self {
        EngineConfig {
            width,
            height,
            ..Self::square(width, max_steps, see_through_walls, agent_view_size)
        }
    }

    /// A `size × size` grid with the 7 actions.
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
            n_actions: Action::ALL.len(),
        }
    }

    /// The same settings with a smaller action space (the first `n` actions).
    pub fn with_actions(self, n: usize) -> Self {
        EngineConfig {
            n_actions: n.clamp(1, Action::ALL.len()),
            ..self
        }
    }
}

/// Refuses a view size that is not an odd number of at least 3 (MiniGrid's rule).
pub(crate) fn check_view_size(size: usize) -> Result<(), GenError> {
    if size < 3 || size.is_multiple_of(2) {
        return Err(GenError::BadViewSize(size));
    }
    Ok(())
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
    world: World,
    /// Shared with every observation of the episode: a step clones a pointer, not the text.
    mission: Arc<str>,
    /// The last layout's mission string, whose allocation the next layout reuses.
    mission_buffer: String,
    phase: Phase,
}

impl<G: Generator> MiniGridEnv<G> {
    /// An env with these settings. Fails if the generator cannot lay out a first episode or
    /// the view size is not an odd number ≥ 3.
    pub fn new(generator: G, config: EngineConfig) -> Result<Self, GenError> {
        check_view_size(config.agent_view_size)?;
        let mut env = Self {
            generator,
            config,
            rng: rng_from_entropy(),
            world: World {
                grid: Grid::new(config.width, config.height),
                agent_pos: (0, 0),
                agent_dir: 0,
                carrying: None,
                step_count: 0,
                max_steps: config.max_steps,
                task: Task::ReachGoal,
            },
            mission: Arc::from(""),
            mission_buffer: String::new(),
            phase: Phase::NotStarted,
        };
        env.generate_until_ok()?;
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

    /// The world: grid, agent, carried object, step counter and task.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The grid.
    pub fn grid(&self) -> &Grid {
        &self.world.grid
    }

    /// The agent's position.
    pub fn agent_pos(&self) -> Pos {
        self.world.agent_pos
    }

    /// The agent's direction, 0 right, 1 down, 2 left, 3 up.
    pub fn agent_dir(&self) -> u8 {
        self.world.agent_dir
    }

    /// The carried object.
    pub fn carrying(&self) -> Option<&Obj> {
        self.world.carrying.as_ref()
    }

    /// The mission.
    pub fn mission(&self) -> &str {
        &self.mission
    }

    /// Steps taken in this episode.
    pub fn step_count(&self) -> usize {
        self.world.step_count
    }

    /// Changes the side of the egocentric view (MiniGrid's `ViewSizeWrapper`); takes effect
    /// from the next observation. Refused for an even size or one below 3.
    pub fn set_agent_view_size(&mut self, size: usize) -> Result<(), GenError> {
        check_view_size(size)?;
        self.config.agent_view_size = size;
        Ok(())
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
        let grid = &self.world.grid;
        if dir >= 4 {
            return Err(invalid("the direction must be 0..4"));
        }
        if pos.0 >= grid.width() || pos.1 >= grid.height() {
            return Err(invalid("outside the grid"));
        }
        if grid.get(pos.0, pos.1).is_some_and(|o| !o.can_overlap()) {
            return Err(invalid("the cell is blocked"));
        }
        self.world.agent_pos = pos;
        self.world.agent_dir = dir;
        Ok(self.gen_obs())
    }

    /// What the agent sees from where it stands.
    pub fn viewer(&self) -> Viewer<'_> {
        Viewer::of(&self.world, &self.config)
    }

    /// The current observation.
    pub fn gen_obs(&self) -> MiniGridObs {
        MiniGridObs {
            image: obs::gen_image(&self.world.grid, &self.viewer()),
            view_size: self.config.agent_view_size,
            direction: self.world.agent_dir,
            mission: Arc::clone(&self.mission),
        }
    }

    /// Lays out a new episode, redrawing after a failed placement (as MiniGrid's retry loops
    /// do) up to [`MAX_REGENERATIONS`] times; a configuration error is returned at once.
    fn generate_until_ok(&mut self) -> Result<(), GenError> {
        let mut last = GenError::NoAgent;
        for _ in 0..MAX_REGENERATIONS {
            match self.generate() {
                Ok(()) => return Ok(()),
                Err(e @ GenError::InvalidConfig(_)) => return Err(e),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// Lays out a new episode with the env's RNG.
    fn generate(&mut self) -> Result<(), GenError> {
        // The new layout is drawn in the old one's grid and mission buffers (emptied), so a
        // reset allocates nothing for them.
        let grid = std::mem::replace(&mut self.world.grid, Grid::new(0, 0));
        let buffer = std::mem::take(&mut self.mission_buffer);
        let (w, h) = (self.config.width, self.config.height);
        let mut g = Gen::reusing(grid, buffer, w, h, &mut self.rng);
        let laid_out = self.generator.gen_grid(&mut g).and_then(|()| {
            let pos = g.agent_pos.ok_or(GenError::NoAgent)?;
            if g.grid.get(pos.0, pos.1).is_some_and(|o| !o.can_overlap()) {
                return Err(GenError::BlockedStart(pos));
            }
            Ok(pos)
        });
        let Gen {
            mut grid,
            agent_dir,
            mission,
            task,
            ..
        } = g;
        grid.refresh_codes();
        self.world.grid = grid;
        let pos = match laid_out {
            Ok(pos) => pos,
            Err(e) => {
                self.mission_buffer = mission;
                return Err(e);
            }
        };
        self.world.agent_pos = pos;
        self.world.agent_dir = agent_dir % 4;
        self.world.carrying = None;
        self.world.step_count = 0;
        self.world.max_steps = self.config.max_steps;
        self.world.task = task;
        // Most envs' mission is the same every episode: the shared text is kept then.
        if *self.mission != *mission {
            self.mission = Arc::from(mission.as_str());
        }
        self.mission_buffer = mission;
        Ok(())
    }
}

impl<G: Generator> Env for MiniGridEnv<G> {
    type Obs = MiniGridObs;
    type Act = usize;

    fn observation_space(&self) -> Space {
        obs::observation_space(self.config.agent_view_size)
    }

    fn action_space(&self) -> Space {
        Space::discrete(self.config.n_actions as u64)
    }

    fn reset(&mut self, seed: Option<u64>) -> (MiniGridObs, Info) {
        reseed(&mut self.rng, seed);
        // Until a layout is complete the world is half built: stepping it must be refused,
        // even by a caller that catches the panic below.
        self.phase = Phase::NotStarted;
        if let Err(e) = self.generate_until_ok() {
            // `new` generated a layout with these settings, so a generator that fails this
            // often has a bug; there is no error channel in `reset`.
            panic!("MiniGrid layout generation failed: {e}");
        }
        self.phase = Phase::Running;
        (self.gen_obs(), Info::new())
    }

    fn step(&mut self, action: &usize) -> Result<Step<MiniGridObs>, EnvError> {
        if self.phase != Phase::Running {
            return Err(EnvError::ResetNeeded);
        }
        let action = match Action::from_index(*action) {
            Some(a) if *action < self.config.n_actions => a,
            _ => return Err(EnvError::invalid_action(action, &self.action_space())),
        };
        let Outcome { reward, terminated } =
            self.generator.step(&mut self.world, &mut self.rng, action);
        // A generator's step may have lent out cells with `get_mut`.
        self.world.grid.refresh_codes();
        let truncated = self.world.step_count >= self.config.max_steps;
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
        let viewer = self.viewer();
        Ok(super::render::render_world(
            &self.world,
            Some(&viewer),
            super::render::TILE_PIXELS,
        ))
    }

    fn render_ansi(&self) -> Result<String, EnvError> {
        if self.phase == Phase::NotStarted {
            return Err(EnvError::ResetNeeded);
        }
        Ok(super::render::ansi(
            &self.world.grid,
            self.world.agent_pos,
            self.world.agent_dir,
        ))
    }

    fn state(&self) -> Option<Value> {
        (self.phase != Phase::NotStarted).then(|| {
            let (x, y) = self.world.agent_pos;
            Value::Dict(vec![
                (
                    "agent_pos".to_string(),
                    Value::Ints(vec![x as i64, y as i64]),
                ),
                (
                    "agent_dir".to_string(),
                    Value::Int(i64::from(self.world.agent_dir)),
                ),
            ])
        })
    }
}
