//! [`FrozenLake`]: a [`TabularEnv`] over the lake's model, plus the map and the last action
//! for rendering.
//!
//! Stepping is the `TabularEnv`'s: it samples the exported [`Mdp`], so the model planners
//! see is the simulator. This file only adds what Gymnasium's env reports besides the
//! transition: `info["prob"]` and the text and picture renderings.

use std::fmt::Write as _;
use std::sync::Arc;

use rewardlab_core::mdp::Mdp;
use rewardlab_core::tabular::TabularEnv;
use rewardlab_core::{Env, EnvError, Frame, Info, Step};

use super::map::{LakeMap, Tile};
use super::model::frozen_lake_mdp;
use super::{FrozenLakeConfig, FrozenLakeError};
use crate::render::grid::{self, Marker, palette};
use crate::toy_text::shared::{
    current_state, forward_tabular_env, impl_tabular, prob_info, with_info,
};

/// Names of the actions in the ansi rendering's last-action line, by action index.
const ACTION_NAMES: [&str; 4] = ["Left", "Down", "Right", "Up"];

/// Gymnasium's highlight of the agent's tile: red background, then reset.
const HIGHLIGHT_ON: &str = "\x1b[41m";
const HIGHLIGHT_OFF: &str = "\x1b[0m";

/// FrozenLake-v1: observations are tile indices `row · ncol + col`, actions 0 left, 1 down,
/// 2 right, 3 up. See the [module docs](super) for the full description.
#[derive(Debug, Clone)]
pub struct FrozenLake {
    map: Arc<LakeMap>,
    env: TabularEnv,
    last_action: Option<usize>,
}

impl FrozenLake {
    /// The env a config describes (the map is parsed or generated here).
    pub fn new(config: &FrozenLakeConfig) -> Result<Self, FrozenLakeError> {
        Self::with_map(
            config.map.resolve()?,
            config.is_slippery,
            config.success_rate,
            config.reward_schedule,
        )
    }

    /// The env on an already built map; the other arguments are those of
    /// [`FrozenLakeConfig`].
    pub fn with_map(
        map: LakeMap,
        is_slippery: bool,
        success_rate: f64,
        reward_schedule: [f64; 3],
    ) -> Result<Self, FrozenLakeError> {
        let mdp = frozen_lake_mdp(&map, is_slippery, success_rate, reward_schedule)?;
        Ok(FrozenLake {
            map: Arc::new(map),
            env: TabularEnv::new(Arc::new(mdp)),
            last_action: None,
        })
    }

    /// The map.
    pub fn map(&self) -> &LakeMap {
        &self.map
    }

    /// The shared handle to the model.
    pub fn mdp_arc(&self) -> &Arc<Mdp> {
        self.env.mdp_arc()
    }

    /// The action of the last step, `None` since the last reset (Gymnasium's `lastaction`).
    pub fn last_action(&self) -> Option<usize> {
        self.last_action
    }

    /// The probability of the outcome the last step sampled (1 after a reset); see
    /// [`TabularEnv::last_prob`].
    pub fn last_prob(&self) -> f64 {
        self.env.last_prob()
    }

    /// The agent's (row, col), `None` before the first reset.
    pub fn agent_position(&self) -> Option<(usize, usize)> {
        current_state(&self.env).map(|s| self.map.position(s))
    }

    /// Gymnasium's ansi text for the agent on state `agent`: the last action in parentheses
    /// (an empty line before the first step), then the map with the agent's tile highlighted.
    fn ansi_at(&self, agent: usize) -> String {
        let mut out = String::with_capacity(self.map.n_states() + 16 * self.map.nrow());
        match self.last_action {
            Some(a) => {
                let _ = writeln!(out, "  ({})", ACTION_NAMES[a]);
            }
            None => out.push('\n'),
        }
        for (s, tile) in self.map.tiles().iter().enumerate() {
            if s == agent {
                out.push_str(HIGHLIGHT_ON);
                out.push(tile.symbol());
                out.push_str(HIGHLIGHT_OFF);
            } else {
                out.push(tile.symbol());
            }
            if (s + 1) % self.map.ncol() == 0 {
                out.push('\n');
            }
        }
        out
    }
}

impl_tabular!(FrozenLake, env);

impl Env for FrozenLake {
    type Obs = usize;
    type Act = usize;

    forward_tabular_env!(env);

    /// Starts on the start tile; info is `{"prob": 1.0}` as in Gymnasium.
    fn reset(&mut self, seed: Option<u64>) -> (usize, Info) {
        let (obs, _) = self.env.reset(seed);
        self.last_action = None;
        (obs, prob_info(1.0))
    }

    /// One sampled move; info is `{"prob": p}` with `p` the probability of the outcome drawn.
    #[inline(always)]
    fn step(&mut self, action: &usize) -> Result<Step<usize>, EnvError> {
        let inner = self.env.step(action);
        if inner.is_ok() {
            self.last_action = Some(*action);
        }
        with_info(inner, || prob_info(self.env.last_prob()))
    }

    /// Places the agent on tile `state[0]` (any tile, holes and goals included, as
    /// Gymnasium's `env.unwrapped.s = …`); the last action is left as it was.
    fn set_state(&mut self, state: &[f64]) -> Result<usize, EnvError> {
        self.env.set_state(state)
    }

    /// The lake as tiles (64 px, shrunk to fit 512 px as in Gymnasium): ice, holes, a start
    /// tile, a flag on the goal, and the agent, hidden when it fell into a hole as in
    /// Gymnasium's picture.
    fn render(&self) -> Result<Frame, EnvError> {
        let agent = self.agent_position().ok_or(EnvError::ResetNeeded)?;
        Ok(grid::tiles(self.map.nrow(), self.map.ncol(), |row, col| {
            let tile = self.map.tile(row, col).unwrap_or(Tile::Frozen);
            let drawn = match tile {
                Tile::Start => grid::Tile::new(palette::START),
                Tile::Frozen => grid::Tile::new(palette::ICE),
                Tile::Hole => grid::Tile::new(palette::ICE).with(Marker::Hole),
                Tile::Goal => grid::Tile::new(palette::ICE).with(Marker::Goal),
            };
            if (row, col) == agent && tile != Tile::Hole {
                drawn.with(Marker::Agent)
            } else {
                drawn
            }
        }))
    }

    /// Gymnasium's `render_mode="ansi"` text, escape codes included.
    fn render_ansi(&self) -> Result<String, EnvError> {
        let agent = current_state(&self.env).ok_or(EnvError::ResetNeeded)?;
        Ok(self.ansi_at(agent))
    }
}
