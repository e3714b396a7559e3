//! MiniGrid-Dynamic-Obstacles: an empty room with the goal in the bottom-right corner and
//! blue balls that move at random every step; touching one (or walking into anything that is
//! not the goal) ends the episode with −1.
//!
//! - Description: a walled `size × size` room, the goal at `(size−2, size−2)`, the agent
//!   at `(1, 1)` facing right (the `Random` ids: a uniform free cell and direction), then
//!   `n_obstacles` balls on uniform free cells, in creation order (MiniGrid's draws in its
//!   order). Each step, as MiniGrid's `step`: the cell ahead is noted (blocked = non-empty and
//!   not the goal); each ball, in creation order, moves to a uniform empty cell of the 3 × 3
//!   square around it that is not the agent's (it stays if there is none); then the ordinary
//!   step runs; then a `forward` whose cell ahead was blocked gives reward −1 and terminates.
//! - Actions: 3 — `left`, `right`, `forward` (MiniGrid's `Discrete(3)`). MiniGrid maps
//!   an out-of-range action to `left`; here the engine refuses it
//!   ([`rewardlab_core::EnvError::InvalidAction`]).
//! - Observations: the 7×7 egocentric view; these envs see through walls (MiniGrid passes
//!   `see_through_walls=True`).
//! - Rewards: `1 − 0.9·step_count/max_steps` on the goal, −1 on a collision, 0 otherwise.
//! - Start: `(1, 1)` facing right; the `Random` ids a uniform free cell and direction.
//! - Episode end: the goal or a collision terminates; `max_steps = 4·size²` truncates.
//! - Arguments: `size`, `agent_start_pos`, `agent_start_dir`, `n_obstacles` (MiniGrid's
//!   constructor keeps it if `n ≤ size/2 + 1` and uses `⌊size/2⌋` otherwise).
//!
//! One difference in the draws: MiniGrid finds a ball's new cell by rejection sampling with at
//! most 101 tries, so with `k` free cells among the 9 a ball stays put with probability
//! `(1 − k/9)^101` (about 7·10⁻⁶ for `k = 1`); here it always moves when it can. The mission
//! is `"get to the green goal square"`.

use rand::Rng;
use rewardlab_core::rng::EnvRng;

use crate::minigrid::any::BoxedMiniGrid;
use crate::minigrid::engine::{EngineConfig, MiniGridEnv};
use crate::minigrid::kwargs::{build_env, minigrid_spec, row_kwargs};
use crate::minigrid::layout::{Gen, GenError, Generator, Pos};
use crate::minigrid::object::{Color, Obj};
use crate::minigrid::world::{Action, Outcome, World};
use crate::registry::{EnvSpec, KwargSpec, Kwargs, MakeError};

/// The mission of Dynamic-Obstacles.
pub const MISSION: &str = "get to the green goal square";

/// The moving obstacle: MiniGrid's default `Ball()`, blue.
pub const OBSTACLE: Obj = Obj::Ball(Color::Blue);

/// The size of the action space (`left`, `right`, `forward`).
pub const N_ACTIONS: usize = 3;

/// The reward of a collision.
pub const COLLISION_REWARD: f64 = -1.0;

/// The number of obstacles MiniGrid's constructor keeps for a requested `n` on a `size` room:
/// `n` if `n ≤ size/2 + 1`, else `⌊size/2⌋`.
pub fn capped_obstacles(size: usize, n: usize) -> usize {
    if n as f64 <= size as f64 / 2.0 + 1.0 {
        n
    } else {
        size / 2
    }
}

/// The Dynamic-Obstacles layout and motion rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamicObstacles {
    /// Side of the room, walls included.
    pub size: usize,
    /// The start cell, `(1, 1)`; `None` draws a uniform free cell and direction.
    pub agent_start_pos: Option<Pos>,
    /// The start direction with a fixed start cell, 0 (right).
    pub agent_start_dir: u8,
    /// How many balls, after MiniGrid's cap ([`capped_obstacles`]).
    pub n_obstacles: usize,
    /// Where each ball is, in creation order.
    obstacles: Vec<Pos>,
}

impl DynamicObstacles {
    /// The rule with MiniGrid's start `(1, 1)` facing right (`random_start = false`) or a
    /// random start, and `n_obstacles` capped as MiniGrid's constructor does.
    pub fn new(size: usize, random_start: bool, n_obstacles: usize) -> Self {
        DynamicObstacles {
            size,
            agent_start_pos: (!random_start).then_some((1, 1)),
            agent_start_dir: 0,
            n_obstacles: capped_obstacles(size, n_obstacles),
            obstacles: Vec::new(),
        }
    }

    /// The balls' positions, in creation order.
    pub fn obstacles(&self) -> &[Pos] {
        &self.obstacles
    }

    /// The env with MiniGrid's defaults (`max_steps = 4·size²`, view 7, seeing through
    /// walls, 3 actions).
    pub fn env(self) -> Result<DynamicObstaclesEnv, GenError> {
        let max_steps = 4 * self.size * self.size;
        self.env_with(max_steps, 7)
    }

    /// The env with an explicit `max_steps` and view size. Refused with
    /// [`GenError::InvalidConfig`]: a size below 4, a start outside the interior or on the
    /// goal, or a direction outside 0..4; more balls than free cells fail on the first layout
    /// ([`GenError::NoFreeCell`]).
    pub fn env_with(
        self,
        max_steps: usize,
        agent_view_size: usize,
    ) -> Result<DynamicObstaclesEnv, GenError> {
        let size = self.size;
        if size < 4 {
            return Err(GenError::InvalidConfig(format!(
                "size = {size}: must be at least 4"
            )));
        }
        if let Some(pos) = self.agent_start_pos {
            let inside = (1..size - 1).contains(&pos.0) && (1..size - 1).contains(&pos.1);
            if !inside || pos == (size - 2, size - 2) {
                return Err(GenError::InvalidConfig(format!(
                    "agent_start_pos = {pos:?}: must have x and y in 1..{} and not be the goal {:?}",
                    size - 1,
                    (size - 2, size - 2)
                )));
            }
            if self.agent_start_dir >= 4 {
                return Err(GenError::InvalidConfig(format!(
                    "agent_start_dir = {}: must be in 0..4",
                    self.agent_start_dir
                )));
            }
        }
        let config =
            EngineConfig::square(size, max_steps, true, agent_view_size).with_actions(N_ACTIONS);
        MiniGridEnv::new(self, config)
    }

    /// Moves ball `i` to a uniform empty cell of the 3 × 3 square around it, not the agent's;
    /// it stays if there is none (or is no longer where it was left).
    fn move_obstacle(&mut self, i: usize, world: &mut World, rng: &mut EnvRng) {
        let (ox, oy) = self.obstacles[i];
        let grid = &world.grid;
        if grid.get(ox, oy) != Some(&OBSTACLE) {
            // The world was changed behind the generator's back; leave it alone.
            return;
        }
        let free: Vec<Pos> = (oy.saturating_sub(1)..(oy + 2).min(grid.height()))
            .flat_map(|y| (ox.saturating_sub(1)..(ox + 2).min(grid.width())).map(move |x| (x, y)))
            .filter(|&(x, y)| grid.get(x, y).is_none() && (x, y) != world.agent_pos)
            .collect();
        if free.is_empty() {
            return;
        }
        let to = free[rng.random_range(0..free.len())];
        let ball = world.grid.take(ox, oy);
        world.grid.set(to.0, to.1, ball);
        self.obstacles[i] = to;
    }
}

impl Generator for DynamicObstacles {
    fn has_own_step(&self) -> bool {
        true
    }

    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let (w, h) = (g.grid.width(), g.grid.height());
        g.grid.wall_rect(0, 0, w, h);
        g.put_obj(Obj::Goal, w - 2, h - 2);
        match self.agent_start_pos {
            Some(pos) => {
                g.agent_pos = Some(pos);
                g.agent_dir = self.agent_start_dir;
            }
            None => {
                g.place_agent(None, None, true)?;
            }
        }
        self.obstacles.clear();
        for _ in 0..self.n_obstacles {
            let pos = g.place_obj(Some(OBSTACLE), None, None, None)?;
            self.obstacles.push(pos);
        }
        g.mission = MISSION.to_string();
        Ok(())
    }

    fn step(&mut self, world: &mut World, rng: &mut EnvRng, action: Action) -> Outcome {
        let blocked = world
            .front_pos()
            .and_then(|(x, y)| world.grid.get(x, y))
            .is_some_and(|o| *o != Obj::Goal);
        for i in 0..self.obstacles.len() {
            self.move_obstacle(i, world, rng);
        }
        let outcome = world.apply(action);
        if action == Action::Forward && blocked {
            Outcome {
                reward: COLLISION_REWARD,
                terminated: true,
            }
        } else {
            outcome
        }
    }
}

/// The Dynamic-Obstacles env: the engine around [`DynamicObstacles`].
pub type DynamicObstaclesEnv = MiniGridEnv<DynamicObstacles>;

const KWARGS: &[KwargSpec] = &row_kwargs("the env's (4·size² for Dynamic-Obstacles)");

fn build(kw: &Kwargs<'_>, size: usize, random: bool, n: usize) -> Result<BoxedMiniGrid, MakeError> {
    build_env(kw, 4 * size * size, |max_steps, view| {
        DynamicObstacles::new(size, random, n).env_with(max_steps, view)
    })
}

/// The Dynamic-Obstacles rows.
pub const SPECS: &[EnvSpec] = &[
    minigrid_spec(
        "MiniGrid-Dynamic-Obstacles-5x5-v0",
        "MiniGrid Dynamic-Obstacles 5x5: reach the goal past 2 moving balls, fixed start",
        KWARGS,
        |kw| build(kw, 5, false, 2),
    ),
    minigrid_spec(
        "MiniGrid-Dynamic-Obstacles-Random-5x5-v0",
        "MiniGrid Dynamic-Obstacles 5x5: reach the goal past 2 moving balls, random start",
        KWARGS,
        |kw| build(kw, 5, true, 2),
    ),
    minigrid_spec(
        "MiniGrid-Dynamic-Obstacles-6x6-v0",
        "MiniGrid Dynamic-Obstacles 6x6: reach the goal past 3 moving balls, fixed start",
        KWARGS,
        |kw| build(kw, 6, false, 3),
    ),
    minigrid_spec(
        "MiniGrid-Dynamic-Obstacles-Random-6x6-v0",
        "MiniGrid Dynamic-Obstacles 6x6: reach the goal past 3 moving balls, random start",
        KWARGS,
        |kw| build(kw, 6, true, 3),
    ),
    minigrid_spec(
        "MiniGrid-Dynamic-Obstacles-8x8-v0",
        "MiniGrid Dynamic-Obstacles 8x8: reach the goal past 4 moving balls, fixed start",
        KWARGS,
        |kw| build(kw, 8, false, 4),
    ),
    minigrid_spec(
        "MiniGrid-Dynamic-Obstacles-16x16-v0",
        "MiniGrid Dynamic-Obstacles 16x16: reach the goal past 8 moving balls, fixed start",
        KWARGS,
        |kw| build(kw, 16, false, 8),
    ),
];

#[cfg(test)]
#[path = "dynamic_obstacles_tests.rs"]
mod tests;
