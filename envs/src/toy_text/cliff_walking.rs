//! CliffWalking-v1, with Gymnasium 1.4's transition table, exported as a tabular [`Mdp`].
//!
//! # Description
//!
//! Sutton & Barto's cliff walk (Example 6.6): a 4x12 grid, start in the bottom-left corner,
//! goal in the bottom-right one, and a cliff along the bottom row between them. Stepping
//! onto the cliff sends the agent back to the start. Version 1 added the slippery variant.
//!
//! # Actions
//!
//! `Discrete(4)`: [`UP`] = 0, [`RIGHT`] = 1, [`DOWN`] = 2, [`LEFT`] = 3. A move into the
//! border leaves the agent where it is.
//!
//! # Observations
//!
//! `Discrete(48)`: the agent's cell `row · 12 + col`; the start is 36, the goal 47. The
//! cliff cells 37–46 exist as states (their rows are computed like any other, as in
//! Gymnasium) but an episode never stands on one.
//!
//! # Rewards
//!
//! −1 per step, the step into the goal included; −100 for a step onto the cliff.
//!
//! # Start
//!
//! State 36, the bottom-left corner.
//!
//! # Episode end
//!
//! Terminated on entering the goal (47). The cliff does not end the episode. Gymnasium
//! registers no time limit for CliffWalking-v1, and neither does this registry.
//!
//! # Arguments
//!
//! [`CliffWalkingConfig`], or the `make` kwarg `is_slippery` (default `false`; true for
//! `CliffWalkingSlippery-v1`): the intended move and each perpendicular one happen with
//! probability 1/3 each.
//!
//! # Differences from Gymnasium
//!
//! - The goal is terminal, hence absorbing with reward 0 in the exported model; Gymnasium
//!   computes its rows like any cell's, but an episode never steps from it (it terminates on
//!   entering it, and after `set_state(47)` a step here stays and reports `terminated`).
//! - Equal outcomes of a row are merged, so `info["prob"]` is `P(s', r | s, a)` (2/3 for two
//!   slips into the same wall) where Gymnasium reports one list entry's 1/3.
//! - The RNG is ours: a seed gives other trajectories than in Gymnasium, with the same
//!   distribution.

use std::sync::Arc;

use rewardlab_core::mdp::{Mdp, MdpBuilder, MdpError};
use rewardlab_core::tabular::TabularEnv;
use rewardlab_core::{BoxedEnv, Env, EnvError, Frame, Info, Step};
use serde::{Deserialize, Serialize};

use super::shared::{current_state, forward_tabular_env, impl_tabular, prob_info, with_info};
use crate::registry::{Entry, EnvSpec, KwargSpec, Kwargs, MAX_EPISODE_STEPS, MakeError};
use crate::render::grid::{self, Marker, Tile, palette};

/// Action 0: move up.
pub const UP: usize = 0;
/// Action 1: move right.
pub const RIGHT: usize = 1;
/// Action 2: move down.
pub const DOWN: usize = 2;
/// Action 3: move left.
pub const LEFT: usize = 3;

/// Rows of the grid.
pub const NROW: usize = 4;
/// Columns of the grid.
pub const NCOL: usize = 12;
/// The start state, (3, 0).
pub const START: usize = 36;
/// The goal state, (3, 11).
pub const GOAL: usize = 47;

/// Pixels per cell of the picture, as in Gymnasium.
const CELL_PX: u32 = 64;

/// Reward of every step that does not fall off the cliff.
const STEP_REWARD: f64 = -1.0;
/// Reward of a step onto the cliff.
const CLIFF_REWARD: f64 = -100.0;

/// CliffWalking's arguments, with Gymnasium 1.4's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CliffWalkingConfig {
    /// Whether a move may slip to either side, each with probability 1/3 (default false).
    pub is_slippery: bool,
}

/// Whether (row, col) is on the cliff: the bottom row between start and goal.
pub fn is_cliff(row: usize, col: usize) -> bool {
    row == NROW - 1 && (1..NCOL - 1).contains(&col)
}

/// The cell a move from (row, col) in direction `action` reaches, clamped at the border
/// (before the cliff sends the agent back).
fn destination(row: usize, col: usize, action: usize) -> (usize, usize) {
    match action {
        UP => (row.saturating_sub(1), col),
        RIGHT => (row, (col + 1).min(NCOL - 1)),
        DOWN => ((row + 1).min(NROW - 1), col),
        LEFT => (row, col.saturating_sub(1)),
        _ => (row, col),
    }
}

/// The exported model: γ = 1 (Sutton & Barto's undiscounted task; use [`Mdp::with_gamma`]
/// for another discount), start 36, terminal goal 47.
pub fn cliff_walking_mdp(is_slippery: bool) -> Result<Mdp, MdpError> {
    let mut b = MdpBuilder::new(NROW * NCOL, 4).gamma(1.0);
    for s in 0..NROW * NCOL {
        if s == GOAL {
            b.terminal(s);
            continue;
        }
        let (row, col) = (s / NCOL, s % NCOL);
        for a in 0..4 {
            // Gymnasium's order: counter-clockwise neighbour, intended, clockwise neighbour.
            let directions: &[usize] = if is_slippery {
                &[(a + 3) % 4, a, (a + 1) % 4]
            } else {
                &[a]
            };
            let prob = 1.0 / directions.len() as f64;
            for &d in directions {
                let (r, c) = destination(row, col, d);
                if is_cliff(r, c) {
                    b.transition(s, a, START, prob, CLIFF_REWARD);
                } else {
                    b.transition(s, a, r * NCOL + c, prob, STEP_REWARD);
                }
            }
        }
    }
    b.initial_state(START);
    b.build()
}

/// CliffWalking-v1: a [`TabularEnv`] over [`cliff_walking_mdp`]. See the
/// [module docs](self).
#[derive(Debug, Clone)]
pub struct CliffWalking {
    env: TabularEnv,
    is_slippery: bool,
}

impl CliffWalking {
    /// The env a config describes.
    pub fn new(config: CliffWalkingConfig) -> Self {
        // The grid is fixed, so the model is valid for either flag; the tests build both.
        let mdp = cliff_walking_mdp(config.is_slippery).expect("the cliff walk model is valid");
        CliffWalking {
            env: TabularEnv::new(Arc::new(mdp)),
            is_slippery: config.is_slippery,
        }
    }

    /// Whether moves may slip.
    pub fn is_slippery(&self) -> bool {
        self.is_slippery
    }

    /// The shared handle to the model.
    pub fn mdp_arc(&self) -> &Arc<Mdp> {
        self.env.mdp_arc()
    }

    /// The probability of the outcome the last step sampled (1 after a reset).
    pub fn last_prob(&self) -> f64 {
        self.env.last_prob()
    }

    /// Gymnasium's ansi grid: `x` the agent, `T` the goal, `C` the cliff, `o` the rest, two
    /// spaces between cells, and an empty line after the grid.
    fn ansi_at(agent: usize) -> String {
        let mut out = String::with_capacity(NROW * (3 * NCOL + 1) + 1);
        for s in 0..NROW * NCOL {
            let (row, col) = (s / NCOL, s % NCOL);
            if col > 0 {
                out.push_str("  ");
            }
            out.push(if s == agent {
                'x'
            } else if s == GOAL {
                'T'
            } else if is_cliff(row, col) {
                'C'
            } else {
                'o'
            });
            if col == NCOL - 1 {
                out.push('\n');
            }
        }
        out.push('\n');
        out
    }
}

impl Default for CliffWalking {
    fn default() -> Self {
        CliffWalking::new(CliffWalkingConfig::default())
    }
}

impl_tabular!(CliffWalking, env);

impl Env for CliffWalking {
    type Obs = usize;
    type Act = usize;

    forward_tabular_env!(env);

    /// Starts on 36; info is `{"prob": 1.0}` as in Gymnasium.
    fn reset(&mut self, seed: Option<u64>) -> (usize, Info) {
        let (obs, _) = self.env.reset(seed);
        (obs, prob_info(1.0))
    }

    /// One sampled move; info is `{"prob": p}` with `p` the probability of the outcome drawn.
    #[inline(always)]
    fn step(&mut self, action: &usize) -> Result<Step<usize>, EnvError> {
        let inner = self.env.step(action);
        with_info(inner, || prob_info(self.env.last_prob()))
    }

    /// Places the agent on cell `state[0]`, any of the 48 (as Gymnasium's
    /// `env.unwrapped.s = …`, cliff cells and the goal included).
    fn set_state(&mut self, state: &[f64]) -> Result<usize, EnvError> {
        self.env.set_state(state)
    }

    /// The grid as tiles of 64 px, Gymnasium's 768×256 picture: floor, the start, the cliff,
    /// a flag on the goal, and the agent.
    fn render(&self) -> Result<Frame, EnvError> {
        let agent = current_state(&self.env).ok_or(EnvError::ResetNeeded)?;
        Ok(grid::tiles_with_cell(NROW, NCOL, CELL_PX, |row, col| {
            let s = row * NCOL + col;
            let tile = if s == START {
                Tile::new(palette::START)
            } else if s == GOAL {
                Tile::new(palette::FLOOR).with(Marker::Goal)
            } else if is_cliff(row, col) {
                Tile::new(palette::FLOOR).with(Marker::Cliff)
            } else {
                Tile::new(palette::FLOOR)
            };
            if s == agent {
                tile.with(Marker::Agent)
            } else {
                tile
            }
        }))
    }

    /// Gymnasium's `render_mode="ansi"` text.
    fn render_ansi(&self) -> Result<String, EnvError> {
        let agent = current_state(&self.env).ok_or(EnvError::ResetNeeded)?;
        Ok(Self::ansi_at(agent))
    }
}

const IS_SLIPPERY_FALSE: KwargSpec = KwargSpec {
    name: "is_slippery",
    default: "false",
    help: "whether a move may slip to either side, each of the three directions with probability 1/3",
};

const IS_SLIPPERY_TRUE: KwargSpec = KwargSpec {
    default: "true",
    ..IS_SLIPPERY_FALSE
};

/// `CliffWalking-v1`: no time limit, as Gymnasium registers it.
pub const CLIFF_WALKING_V1: EnvSpec = EnvSpec {
    id: "CliffWalking-v1",
    description: "Gymnasium's CliffWalking: 4x12 grid, -1 per step, -100 and back to start for the cliff",
    max_episode_steps: None,
    reward_threshold: None,
    kwargs: &[IS_SLIPPERY_FALSE, MAX_EPISODE_STEPS],
    entry: Entry::Builder(build),
};

/// `CliffWalkingSlippery-v1`: CliffWalking-v1 with `is_slippery=true` by default.
pub const CLIFF_WALKING_SLIPPERY_V1: EnvSpec = EnvSpec {
    id: "CliffWalkingSlippery-v1",
    description: "Gymnasium's CliffWalking with slippery moves (intended or either side, 1/3 each)",
    max_episode_steps: None,
    reward_threshold: None,
    kwargs: &[IS_SLIPPERY_TRUE, MAX_EPISODE_STEPS],
    entry: Entry::Builder(build_slippery),
};

fn build(kw: &Kwargs<'_>) -> Result<BoxedEnv, MakeError> {
    build_with(kw, false)
}

fn build_slippery(kw: &Kwargs<'_>) -> Result<BoxedEnv, MakeError> {
    build_with(kw, true)
}

fn build_with(kw: &Kwargs<'_>, default_slippery: bool) -> Result<BoxedEnv, MakeError> {
    let is_slippery = kw.flag(IS_SLIPPERY_FALSE.name)?.unwrap_or(default_slippery);
    kw.finish(CliffWalking::new(CliffWalkingConfig { is_slippery }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toy_text::shared::outcomes;

    #[test]
    fn rows_by_hand() {
        let plain = cliff_walking_mdp(false).expect("valid");
        assert_eq!(outcomes(&plain, START, RIGHT), vec![(START, 1.0, -100.0)]);
        assert_eq!(outcomes(&plain, START, UP), vec![(24, 1.0, -1.0)]);
        assert_eq!(outcomes(&plain, 35, DOWN), vec![(GOAL, 1.0, -1.0)]);
        assert_eq!(outcomes(&plain, 25, DOWN), vec![(START, 1.0, -100.0)]);
        assert!(plain.is_terminal(GOAL) && !plain.is_terminal(40));

        // Slippery right from the start: up (−1), right onto the cliff (−100, back to 36)
        // and down into the border (−1, stays on 36): one successor, two rewards.
        let slippery = cliff_walking_mdp(true).expect("valid");
        let third = 1.0 / 3.0;
        assert_eq!(
            outcomes(&slippery, START, RIGHT),
            vec![
                (24, third, -1.0),
                (START, third, -100.0),
                (START, third, -1.0)
            ]
        );
        // Left from the top-left corner: up and left both bump, down moves.
        let corner = outcomes(&slippery, 0, LEFT);
        assert_eq!(corner.len(), 2);
        assert_eq!((corner[0].0, corner[1].0), (0, 12));
        assert!((corner[0].1 - 2.0 * third).abs() < 1e-15);
    }

    #[test]
    fn ansi_marks_agent_goal_and_cliff() {
        let text = CliffWalking::ansi_at(START);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[3], "x  C  C  C  C  C  C  C  C  C  C  T");
        assert_eq!(lines[0], ["o"; 12].join("  "));
        assert_eq!(lines[4], "");
        assert!(CliffWalking::ansi_at(GOAL).contains("C  x\n"));
    }
}
