//! Vector environments: `n` copies of one env stepped together, with Gymnasium 1.x's
//! autoreset semantics.
//!
//! [`SyncVectorEnv`] steps its envs in a loop; [`ParallelVectorEnv`] steps them on rayon's pool
//! (`par_iter_mut`). Both are the one generic struct [`Vectorized`] with a schedule marker
//! ([`Sequential`], [`Parallel`]): the per-env logic is in this file; the shared state,
//! constructors, accessors and the one [`VectorEnv`] impl are in [`Vectorized`]; only the loops
//! over the envs (`reset` every env, `step` every env) differ, one file per schedule.
//! Every env owns its RNG, so the two give identical results for identical seeds, errors
//! included.
//!
//! Seeding: `reset(Some(seed))` seeds env `i` with `seed + i`; `reset(None)` continues every
//! env's stream.
//!
//! Autoreset ([`AutoresetMode`]):
//! - `NextStep` (Gymnasium's default): the step that ends env `i`'s episode returns its final
//!   observation as usual; the *next* call to `step` resets env `i` instead of stepping it
//!   (its action is ignored) and reports the reset observation with reward 0, both flags false
//!   and the reset info.
//! - `SameStep`: env `i` is reset inside the step that ended it. `obs[i]` and `infos[i]` are the
//!   reset observation and info, while `final_obs[i]` and `final_info[i]` carry the last
//!   observation and info of the finished episode: what a learner needs to bootstrap a
//!   truncated episode.
//!
//! Errors: actions are validated for every env before any env steps, so a rejected action
//! (or a wrong number of actions) leaves the whole vector untouched. An error from an env's own
//! `step` is different: both vector envs step *every* env on that call, then report the error
//! of the lowest failing index ([`VectorError::Env`]) and drop the other envs' results. The
//! envs have then moved on without the caller seeing where to, so **call `reset` after such an
//! error** before stepping again.

mod parallel;
mod sync;
#[cfg(test)]
mod tests;
mod vectorized;

pub use parallel::ParallelVectorEnv;
pub use sync::SyncVectorEnv;
pub use vectorized::{Parallel, Sequential, Vectorized};

use crate::env::{Env, EnvError};
use crate::space::Space;
use crate::value::{Info, SpaceElem};

/// When a finished sub-environment is reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoresetMode {
    /// On the step after the one that ended the episode (Gymnasium's default).
    #[default]
    NextStep,
    /// Within the step that ended the episode; the final observation goes to `final_obs`.
    SameStep,
}

/// What one vector `step` returns: entry `i` of every field belongs to env `i`.
#[derive(Debug, Clone, PartialEq)]
pub struct VecStep<O> {
    /// Observations (after an autoreset: the reset observation).
    pub obs: Vec<O>,
    /// Rewards.
    pub rewards: Vec<f64>,
    /// The episode reached a terminal state.
    pub terminated: Vec<bool>,
    /// The episode was cut short.
    pub truncated: Vec<bool>,
    /// Infos (after a same-step autoreset: the reset info).
    pub infos: Vec<Info>,
    /// `SameStep` mode: the last observation of an episode that ended on this step.
    pub final_obs: Vec<Option<O>>,
    /// `SameStep` mode: the last info of an episode that ended on this step.
    pub final_info: Vec<Option<Info>>,
}

impl<O> VecStep<O> {
    fn with_capacity(n: usize) -> Self {
        VecStep {
            obs: Vec::with_capacity(n),
            rewards: Vec::with_capacity(n),
            terminated: Vec::with_capacity(n),
            truncated: Vec::with_capacity(n),
            infos: Vec::with_capacity(n),
            final_obs: Vec::with_capacity(n),
            final_info: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, s: SubStep<O>) {
        self.obs.push(s.obs);
        self.rewards.push(s.reward);
        self.terminated.push(s.terminated);
        self.truncated.push(s.truncated);
        self.infos.push(s.info);
        self.final_obs.push(s.final_obs);
        self.final_info.push(s.final_info);
    }

    /// Number of envs.
    pub fn len(&self) -> usize {
        self.obs.len()
    }

    /// True for a step of no envs (never returned by the vector envs here).
    pub fn is_empty(&self) -> bool {
        self.obs.is_empty()
    }

    /// Whether env `i`'s episode ended on this step (either flag).
    pub fn done(&self, i: usize) -> bool {
        self.terminated.get(i).copied().unwrap_or(false)
            || self.truncated.get(i).copied().unwrap_or(false)
    }
}

/// Why a vector env could not be built or stepped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VectorError {
    /// A vector env needs at least one env.
    #[error("a vector env needs at least one env")]
    NoEnvs,
    /// An env's spaces differ from env 0's.
    #[error("env {index} has other spaces than env 0: {space} vs {expected}")]
    SpaceMismatch {
        /// The env's index.
        index: usize,
        /// Env 0's space, printed.
        expected: String,
        /// The differing space, printed.
        space: String,
    },
    /// `step` got another number of actions than there are envs.
    #[error("expected {expected} actions (one per env), got {got}")]
    WrongActionCount {
        /// Number of envs.
        expected: usize,
        /// Number of actions given.
        got: usize,
    },
    /// Env `index` refused the call. When it comes from the env's own `step` (not from action
    /// validation), every other env was still stepped and its result dropped: reset the vector
    /// env before stepping it again.
    #[error("env {index}: {source}")]
    Env {
        /// The env's index.
        index: usize,
        /// The env's error.
        #[source]
        source: EnvError,
    },
}

/// `n` envs stepped together.
pub trait VectorEnv {
    /// Observation type of one env.
    type Obs: SpaceElem;
    /// Action type of one env.
    type Act: SpaceElem;

    /// Number of envs.
    fn num_envs(&self) -> usize;

    /// Observation space of one env.
    fn single_observation_space(&self) -> Space;

    /// Action space of one env.
    fn single_action_space(&self) -> Space;

    /// The autoreset mode.
    fn autoreset_mode(&self) -> AutoresetMode;

    /// Resets every env: `Some(seed)` seeds env `i` with `seed + i`, `None` continues.
    fn reset(&mut self, seed: Option<u64>) -> (Vec<Self::Obs>, Vec<Info>);

    /// Steps every env with its action (one per env).
    ///
    /// A wrong action count or an action outside its space is refused before anything steps.
    /// An env that fails in its own `step` does not stop the others: every env is stepped, the
    /// lowest failing index is reported, and the vector env needs a `reset` before the next
    /// `step`.
    fn step(&mut self, actions: &[Self::Act]) -> Result<VecStep<Self::Obs>, VectorError>;
}

/// One env's share of a vector step.
struct SubStep<O> {
    obs: O,
    reward: f64,
    terminated: bool,
    truncated: bool,
    info: Info,
    final_obs: Option<O>,
    final_info: Option<Info>,
}

/// The seed of env `i`: `seed + i`, wrapping (as numpy's uint overflow would not, but a
/// seed near `u64::MAX` must not panic).
fn sub_seed(seed: Option<u64>, i: usize) -> Option<u64> {
    seed.map(|s| s.wrapping_add(i as u64))
}

/// Steps (or autoresets) one env; `pending_reset` is its next-step autoreset flag.
fn step_one<E: Env>(
    env: &mut E,
    pending_reset: &mut bool,
    action: &E::Act,
    mode: AutoresetMode,
) -> Result<SubStep<E::Obs>, EnvError> {
    if mode == AutoresetMode::NextStep && *pending_reset {
        let (obs, info) = env.reset(None);
        *pending_reset = false;
        return Ok(SubStep {
            obs,
            reward: 0.0,
            terminated: false,
            truncated: false,
            info,
            final_obs: None,
            final_info: None,
        });
    }
    let s = env.step(action)?;
    let done = s.done();
    let mut sub = SubStep {
        obs: s.obs,
        reward: s.reward,
        terminated: s.terminated,
        truncated: s.truncated,
        info: s.info,
        final_obs: None,
        final_info: None,
    };
    match mode {
        AutoresetMode::NextStep => *pending_reset = done,
        AutoresetMode::SameStep if done => {
            // The reset observation and info take the step's place; the step's move to final_*.
            let (obs, info) = env.reset(None);
            sub.final_obs = Some(std::mem::replace(&mut sub.obs, obs));
            sub.final_info = Some(std::mem::replace(&mut sub.info, info));
        }
        AutoresetMode::SameStep => {}
    }
    Ok(sub)
}
