//! [`GridWorld`]: the environment, a [`TabularEnv`] over the map's model plus the map itself
//! for typed queries and rendering.
//!
//! Stepping is delegated to the `TabularEnv`, which samples the exported [`Mdp`]; nothing in
//! this file decides a transition, so the model planners see is the simulator.

use std::path::Path;
use std::sync::Arc;

use rewardlab_core::mdp::Mdp;
use rewardlab_core::tabular::TabularEnv;
use rewardlab_core::{Env, EnvError, Frame, Info, Step};

use super::BuiltinMap;
use super::MapError;
use super::map::{Cell, GridMap};
use super::model::{build_mdp, distance_to_goal};
use crate::toy_text::shared::{current_state, forward_tabular_env, impl_tabular};

/// A gridworld: observations are cell indices `row · ncols + col`, actions 0 up, 1 right,
/// 2 down, 3 left.
#[derive(Debug, Clone)]
pub struct GridWorld {
    map: Arc<GridMap>,
    env: TabularEnv,
    distances: Vec<Option<usize>>,
}

impl GridWorld {
    /// The gridworld of a parsed map.
    pub fn new(map: GridMap) -> Result<Self, MapError> {
        let mdp = build_mdp(&map)?;
        Ok(GridWorld {
            distances: distance_to_goal(&map),
            map: Arc::new(map),
            env: TabularEnv::new(Arc::new(mdp)),
        })
    }

    /// Parses `text` (errors name the source `<string>`).
    pub fn parse(text: &str) -> Result<Self, MapError> {
        Self::new(GridMap::parse(text, "<string>")?)
    }

    /// Loads a map file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, MapError> {
        Self::new(GridMap::from_file(path)?)
    }

    /// One of the maps shipped in `envs/maps/` (embedded in the binary).
    pub fn builtin(map: BuiltinMap) -> Result<Self, MapError> {
        Self::new(map.load()?)
    }

    /// The map.
    pub fn map(&self) -> &GridMap {
        &self.map
    }

    /// Number of rows.
    pub fn nrows(&self) -> usize {
        self.map.nrows()
    }

    /// Number of columns.
    pub fn ncols(&self) -> usize {
        self.map.ncols()
    }

    /// The cell at (row, col), `None` outside the grid.
    pub fn cell(&self, row: usize, col: usize) -> Option<Cell> {
        self.map.cell(row, col)
    }

    /// Walking distance from each state to the nearest goal (see
    /// [`super::distance_to_goal`]), indexed by state.
    pub fn distance_to_goal(&self) -> &[Option<usize>] {
        &self.distances
    }

    /// The agent's (row, col), `None` before the first reset.
    pub fn agent_position(&self) -> Option<(usize, usize)> {
        current_state(&self.env).map(|s| self.map.position(s))
    }

    /// The grid as text, one line per row, with the agent drawn as `@`.
    pub fn ansi(&self) -> String {
        let agent = self.agent_position().map(|(r, c)| self.map.index(r, c));
        let mut out = String::with_capacity(self.map.symbols().len() + self.nrows());
        for (s, &sym) in self.map.symbols().iter().enumerate() {
            out.push(if Some(s) == agent { '@' } else { sym });
            if (s + 1) % self.ncols() == 0 {
                out.push('\n');
            }
        }
        out
    }

    /// The shared handle to the model.
    pub fn mdp_arc(&self) -> &Arc<Mdp> {
        self.env.mdp_arc()
    }
}

impl_tabular!(GridWorld, env);

impl Env for GridWorld {
    type Obs = usize;
    type Act = usize;

    forward_tabular_env!(env);

    fn reset(&mut self, seed: Option<u64>) -> (usize, Info) {
        self.env.reset(seed)
    }

    fn step(&mut self, action: &usize) -> Result<Step<usize>, EnvError> {
        self.env.step(action)
    }

    /// Moves the agent to cell index `state[0]`; walls and cliffs (where the agent never
    /// stands: a cliff sends it back to a start) are refused with [`EnvError::InvalidState`],
    /// other checks are the [`TabularEnv`]'s.
    fn set_state(&mut self, state: &[f64]) -> Result<usize, EnvError> {
        if let [x] = state
            && x.fract() == 0.0
            && *x >= 0.0
            && (*x as usize) < self.map.cells().len()
        {
            let s = *x as usize;
            let (r, c) = self.map.position(s);
            let reason = match self.map.cells()[s] {
                Cell::Wall => Some(format!("cell ({r}, {c}) is a wall")),
                Cell::Cliff => Some(format!(
                    "cell ({r}, {c}) is a cliff: entering it sends the agent back to a start, \
                     so the agent never stands there"
                )),
                _ => None,
            };
            if let Some(reason) = reason {
                return Err(EnvError::InvalidState {
                    state: format!("{state:?}"),
                    reason,
                });
            }
        }
        self.env.set_state(state)
    }

    /// The tile picture (see `gridworld/render.rs`): one cell per tile, the agent a red disc.
    fn render(&self) -> Result<Frame, EnvError> {
        let agent = self.agent_position().ok_or(EnvError::ResetNeeded)?;
        Ok(super::render::frame(&self.map, agent))
    }

    /// [`GridWorld::ansi`]: the map's characters, one `\n`-terminated line per row, the
    /// agent's cell shown as `@`.
    fn render_ansi(&self) -> Result<String, EnvError> {
        if self.agent_position().is_none() {
            return Err(EnvError::ResetNeeded);
        }
        Ok(self.ansi())
    }
}
