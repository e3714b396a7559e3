//! Tabular export: a MiniGrid layout as the core's [`Mdp`], so value iteration, IRL and reward
//! distances run on MiniGrid tasks.
//!
//! # States
//!
//! A state is a [`World`] *without its step counter*: the grid (so positions of movable
//! objects, door states and box contents), the agent's position and direction, the carried
//! object, and the task. The export starts from the world of an env after
//! `reset(Some(seed))`, and enumerates the states reachable from it by breadth-first search,
//! stepping clones with [`World::apply`] (MiniGrid's step followed by the task's rule) for
//! each action. Live states are numbered in BFS order, so the start is state 0 (the model's
//! only initial state); the worlds are kept in [`TabularExport::states`] so values can be
//! mapped back onto the grid ([`TabularExport::index_of`], [`TabularExport::decode`],
//! [`TabularExport::max_by_cell`]).
//!
//! Episode ends go to two absorbing states appended after the live ones, each present only if
//! some transition reaches it: the *success* state (a step that terminates with a positive
//! reward: goal tile, or the task's success) and the *failure* state (a step that terminates
//! with 0: lava, a wrong door, a wrong pickup…). Success is state `n_live` when reachable, and
//! failure follows it. The worlds at which episodes end are not kept: all successes are one
//! state, all failures another.
//!
//! # Rewards and time: how the model differs from the env
//!
//! - The reward is **time-independent**: 1 on the transition that succeeds, 0 everywhere
//!   else. MiniGrid pays `1 − 0.9·step_count/max_steps` instead; a state here carries no step
//!   counter, so that reward is not a function of the state. With a discount γ < 1 the
//!   optimal policies still prefer the shortest successful path: the value of a state `k`
//!   steps from success is γ^(k−1).
//! - **Truncation is not part of the model**: MiniGrid ends an episode at `max_steps`; the
//!   model has no horizon (only γ). `max_steps` stays in the stored worlds but plays no role.
//!
//! # Which envs
//!
//! Dynamics must be [`World::apply`] alone. Dynamic-Obstacles moves its obstacles at random in
//! its own generator step and says so ([`super::Generator::has_own_step`]): [`export_env`]
//! and [`export_id`] refuse such envs. [`export_world`] trusts its caller.
//!
//! The state count grows with every movable object (DoorKey's key can be dropped on any free
//! cell), so the search stops with [`ExportError::TooManyStates`] beyond
//! [`ExportConfig::max_states`] live states (DoorKey-16x16 exceeds the default).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::fx_hash::FxHasher;

use rewardlab_core::Env;
use rewardlab_core::mdp::{Mdp, MdpBuilder, MdpError};
use serde::{Deserialize, Serialize};

use super::any::{AnyMiniGrid, make};
use super::layout::Pos;
use super::object::Obj;
use super::world::{Action, World};
use crate::registry::MakeError;

/// The discount [`ExportConfig::default`] uses.
pub const DEFAULT_GAMMA: f64 = 0.99;

/// The live-state cap [`ExportConfig::default`] uses.
pub const DEFAULT_MAX_STATES: usize = 100_000;

/// How to export.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExportConfig {
    /// The model's discount γ, in [0, 1].
    pub gamma: f64,
    /// Most live (non-terminal) states the search may find before it gives up.
    pub max_states: usize,
}

impl Default for ExportConfig {
    fn default() -> Self {
        ExportConfig {
            gamma: DEFAULT_GAMMA,
            max_states: DEFAULT_MAX_STATES,
        }
    }
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// More reachable live states than the cap.
    #[error(
        "the layout has more than {cap} reachable states (ExportConfig::max_states); raise the cap or export a smaller layout"
    )]
    TooManyStates {
        /// The cap that was exceeded.
        cap: usize,
    },
    /// The env's dynamics are not [`World::apply`] alone.
    #[error("cannot export {what}: {reason}")]
    OwnStep {
        /// The env id, or "this env".
        what: String,
        /// Why it was recognised as having its own step.
        reason: String,
    },
    /// An action count outside `1..=7`.
    #[error("an export needs between 1 and 7 actions, got {0}")]
    Actions(usize),
    /// Building the env failed.
    #[error(transparent)]
    Make(#[from] MakeError),
    /// The model was rejected (for instance γ outside [0, 1]).
    #[error(transparent)]
    Mdp(#[from] MdpError),
    /// A per-state array of the wrong length.
    #[error("expected one value per state ({expected}), got {got}")]
    ValueLength {
        /// The number of states.
        expected: usize,
        /// The length given.
        got: usize,
    },
}

/// The agent's part of a live state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentState {
    /// The agent's cell `(x, y)`.
    pub pos: Pos,
    /// The agent's direction, 0 right, 1 down, 2 left, 3 up.
    pub dir: u8,
    /// The carried object.
    pub carrying: Option<Obj>,
}

/// What a state index stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateView {
    /// A live state: the world is [`TabularExport::states`]`[s]`.
    Agent(AgentState),
    /// The absorbing state every success leads to.
    Success,
    /// The absorbing state every failure leads to.
    Failure,
}

/// A MiniGrid layout as a tabular [`Mdp`], with the worlds its states stand for.
#[derive(Debug, Clone)]
pub struct TabularExport {
    mdp: Mdp,
    states: Vec<World>,
    actions: Vec<Action>,
    success: Option<usize>,
    failure: Option<usize>,
    /// State hash (without the step counter) → live states with that hash.
    index: HashMap<u64, Vec<u32>>,
}

impl TabularExport {
    /// The model.
    pub fn mdp(&self) -> &Mdp {
        &self.mdp
    }

    /// The model, without the worlds.
    pub fn into_mdp(self) -> Mdp {
        self.mdp
    }

    /// The live states' worlds, indexed by state (step counters 0); terminal states follow
    /// them in the model.
    pub fn states(&self) -> &[World] {
        &self.states
    }

    /// Number of live (non-terminal) states.
    pub fn n_live(&self) -> usize {
        self.states.len()
    }

    /// The model's actions, in index order: the first `n_actions` of [`Action::ALL`].
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// The absorbing success state, if some transition succeeds.
    pub fn success_state(&self) -> Option<usize> {
        self.success
    }

    /// The absorbing failure state, if some transition fails.
    pub fn failure_state(&self) -> Option<usize> {
        self.failure
    }

    /// The live state equal to `world`, ignoring its step counter; `None` for a world the
    /// search did not reach (or one of another layout, task or `max_steps`).
    pub fn index_of(&self, world: &World) -> Option<usize> {
        let ids = self.index.get(&state_hash(world))?;
        ids.iter()
            .map(|&i| i as usize)
            .find(|&i| same_state(&self.states[i], world))
    }

    /// What state `s` stands for; `None` past the last state.
    pub fn decode(&self, s: usize) -> Option<StateView> {
        if let Some(w) = self.states.get(s) {
            return Some(StateView::Agent(AgentState {
                pos: w.agent_pos,
                dir: w.agent_dir,
                carrying: w.carrying.clone(),
            }));
        }
        if Some(s) == self.success {
            Some(StateView::Success)
        } else if Some(s) == self.failure {
            Some(StateView::Failure)
        } else {
            None
        }
    }

    /// A per-state quantity (values, visit counts…) reduced to one number per grid cell: the
    /// largest over the live states with the agent in that cell, `None` where the agent never
    /// is. Row-major, `y · width + x`, over the start world's grid.
    pub fn max_by_cell(&self, per_state: &[f64]) -> Result<Vec<Option<f64>>, ExportError> {
        if per_state.len() != self.mdp.n_states() {
            return Err(ExportError::ValueLength {
                expected: self.mdp.n_states(),
                got: per_state.len(),
            });
        }
        let Some(first) = self.states.first() else {
            return Ok(Vec::new());
        };
        let width = first.grid.width();
        let mut cells = vec![None; width * first.grid.height()];
        for (w, &v) in self.states.iter().zip(per_state) {
            let cell: &mut Option<f64> = &mut cells[w.agent_pos.1 * width + w.agent_pos.0];
            *cell = Some(cell.map_or(v, |c| c.max(v)));
        }
        Ok(cells)
    }
}

/// Where one action leads, before terminal states get their indices.
#[derive(Debug, Clone, Copy)]
enum Dest {
    Live(u32),
    Success,
    Failure,
}

/// Exports the states reachable from `start` (its step counter ignored) under the first
/// `n_actions` actions, stepping with [`World::apply`]. The caller vouches that the env's
/// dynamics are exactly that (see [`export_env`] for the checked entry).
pub fn export_world(
    start: &World,
    n_actions: usize,
    config: &ExportConfig,
) -> Result<TabularExport, ExportError> {
    if n_actions == 0 || n_actions > Action::ALL.len() {
        return Err(ExportError::Actions(n_actions));
    }
    // Refuse a bad γ before a search that may be long.
    if !(0.0..=1.0).contains(&config.gamma) {
        return Err(MdpError::Gamma(config.gamma).into());
    }
    let actions = Action::ALL[..n_actions].to_vec();
    let mut root = start.clone();
    root.step_count = 0;
    let mut states = Vec::new();
    let mut index: HashMap<u64, Vec<u32>> = HashMap::new();
    intern(&mut states, &mut index, &root, config.max_states)?;

    let mut dests: Vec<(Dest, f64)> = Vec::new();
    // One scratch world, refilled in place (reusing its grid's allocation) for every step.
    let mut w = root;
    let mut s = 0;
    while s < states.len() {
        for &a in &actions {
            // Stored worlds have step counter 0, so every step sees step_count = 1.
            w.clone_from(&states[s]);
            let outcome = w.apply(a);
            let dest = if outcome.terminated {
                if outcome.reward > 0.0 {
                    (Dest::Success, 1.0)
                } else {
                    (Dest::Failure, 0.0)
                }
            } else {
                w.step_count = 0;
                (
                    Dest::Live(intern(&mut states, &mut index, &w, config.max_states)?),
                    0.0,
                )
            };
            dests.push(dest);
        }
        s += 1;
    }

    let n_live = states.len();
    let reaches = |d: fn(&Dest) -> bool| dests.iter().any(|(x, _)| d(x));
    let success = reaches(|d| matches!(d, Dest::Success)).then_some(n_live);
    let failure =
        reaches(|d| matches!(d, Dest::Failure)).then_some(n_live + usize::from(success.is_some()));
    let n_states = n_live + usize::from(success.is_some()) + usize::from(failure.is_some());

    let mut builder = MdpBuilder::new(n_states, n_actions).gamma(config.gamma);
    for (row, &(dest, reward)) in dests.iter().enumerate() {
        let next = match dest {
            Dest::Live(i) => i as usize,
            // Both exist whenever some row leads there.
            Dest::Success => success.unwrap_or(n_states),
            Dest::Failure => failure.unwrap_or(n_states),
        };
        builder.transition(row / n_actions, row % n_actions, next, 1.0, reward);
    }
    for t in [success, failure].into_iter().flatten() {
        builder.terminal(t);
    }
    builder.initial_state(0);
    let mdp = builder.build()?;
    Ok(TabularExport {
        mdp,
        states,
        actions,
        success,
        failure,
        index,
    })
}

/// Exports an env's current world (call `reset(Some(seed))` first to pick the layout).
/// Refuses envs whose world changes by itself on a step (Dynamic-Obstacles).
pub fn export_env<E: AnyMiniGrid + ?Sized>(
    env: &E,
    config: &ExportConfig,
) -> Result<TabularExport, ExportError> {
    if env.has_own_step() {
        return Err(ExportError::OwnStep {
            what: "this env".to_string(),
            reason: "its world changes by itself on every step (moving obstacles)".to_string(),
        });
    }
    export_world(env.world(), env.engine_config().n_actions, config)
}

/// Builds the MiniGrid env `id` with default kwargs, resets it with `seed` and exports its
/// layout with discount `gamma` and the default state cap.
pub fn export_id(id: &str, seed: u64, gamma: f64) -> Result<TabularExport, ExportError> {
    let mut env = make(id, &[])?;
    env.reset(Some(seed));
    let config = ExportConfig {
        gamma,
        ..ExportConfig::default()
    };
    export_env(&*env, &config).map_err(|e| match e {
        ExportError::OwnStep { reason, .. } => ExportError::OwnStep {
            what: id.to_string(),
            reason,
        },
        other => other,
    })
}

/// Adds a copy of `world` (step counter already 0) as a new live state unless present; its
/// index.
fn intern(
    states: &mut Vec<World>,
    index: &mut HashMap<u64, Vec<u32>>,
    world: &World,
    cap: usize,
) -> Result<u32, ExportError> {
    let ids = index.entry(state_hash(world)).or_default();
    if let Some(&i) = ids
        .iter()
        .find(|&&i| same_state(&states[i as usize], world))
    {
        return Ok(i);
    }
    if states.len() >= cap || states.len() >= u32::MAX as usize {
        return Err(ExportError::TooManyStates { cap });
    }
    let i = states.len() as u32;
    ids.push(i);
    states.push(world.clone());
    Ok(i)
}

/// A hash of everything in a world but its step counter (the same on every run).
fn state_hash(w: &World) -> u64 {
    let mut h = FxHasher::default();
    w.grid.hash(&mut h);
    w.agent_pos.hash(&mut h);
    w.agent_dir.hash(&mut h);
    w.carrying.hash(&mut h);
    h.finish()
}

/// Equality of worlds ignoring the step counter.
fn same_state(a: &World, b: &World) -> bool {
    a.agent_pos == b.agent_pos
        && a.agent_dir == b.agent_dir
        && a.carrying == b.carrying
        && a.max_steps == b.max_steps
        && a.task == b.task
        && a.grid == b.grid
}

#[cfg(test)]
#[path = "tabular_tests.rs"]
mod tests;
