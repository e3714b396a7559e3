//! [`VecTask`]: `n` copies of a registered env as flat `f32` buffers, the adapter between
//! rewardlab's vector envs and the neural agents.
//!
//! The agents see every env the same way: a row of `obs_dim` `f32`s per copy, one reward and
//! two flags per copy, and SAME-STEP autoreset — after a step, row `e` of `obs` is already the
//! first observation of the next episode when copy `e`'s episode ended, and row `e` of
//! `final_obs` is the last observation of the finished one (what a truncated episode
//! bootstraps from). `terminated` and `truncated` are never merged.
//!
//! Three backends, picked by [`VecTask::new`]:
//!
//! - **CartPole batch** (`CartPole-v1`, more than one copy, kwargs the batch reads): the native
//!   [`CartPoleBatch`] raw interface. Its [`BatchStep`] has exactly our buffer layout, so the
//!   [`TaskStep`] buffers are moved into it for `step_into` and moved back: nothing is
//!   allocated or copied per step. It cannot render.
//! - **MiniGrid** (ids registered as MiniGrid rows): typed envs from
//!   [`minigrid::make`](rewardlab_envs::minigrid::make), stepped in a loop with the autoreset
//!   done here (MiniGrid truncates at its own `max_steps`). The observation is the 7×7×3 image ([`MiniGridEncoding::Image`]) or MiniGrid's
//!   `FlatObsWrapper` vector ([`MiniGridEncoding::Flat`]), bytes as `f32` without scaling.
//! - **Generic** (everything else): core's
//!   [`SyncVectorEnv`](rewardlab_core::vector::SyncVectorEnv) in `SameStep` mode over made
//!   envs, observations flattened with [`Space::flatten_into`] (a `Discrete` observation becomes a
//!   one-hot row).
//!
//! Episode bookkeeping (running return in `f64`, length, success) is done here for every
//! backend, so the agents read finished episodes from [`TaskStep::episodes`].
//!
//! A [`RewardHook`] ([`VecTask::set_reward_hook`]) replaces [`TaskStep::rewards`], the
//! rewards the learners train on, with its own; the episode returns stay sums of the task
//! reward, and [`EpisodeEnd::shaped_ret`] adds the sum of the hook's rewards.
//!
//! Continuous actions are clipped to the action box before the env sees them (CleanRL's
//! `ClipAction`); the agent keeps its unclipped sample for the log-probability.

mod error;
mod generic;
mod hook;
mod minigrid_backend;
#[cfg(test)]
mod tests;

use std::fmt;

use rewardlab_core::vector::{AutoresetMode, VectorEnv};
use rewardlab_core::{BoxSpace, DType, Frame, Space};
use rewardlab_envs::classic_control::{BatchStep, CartPoleBatch};
use rewardlab_envs::registry::{self, Entry, EnvSpec};
use rewardlab_envs::vector::{VecEnv, VecOptions, make_vec};

pub use error::TaskError;
use generic::Generic;
use hook::HookState;
pub use hook::RewardHook;
use minigrid_backend::MiniGridTask;

/// The action space as the agents see it.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionSpec {
    /// One of `n` actions, numbered from 0 (a `Discrete` space with another `start` is shifted).
    Discrete {
        /// Number of actions.
        n: usize,
    },
    /// A vector of reals; actions are clipped to `[low, high]` element-wise.
    Continuous {
        /// Lower bound per element.
        low: Vec<f32>,
        /// Upper bound per element.
        high: Vec<f32>,
    },
}

impl ActionSpec {
    /// Values per action: 1 for discrete, the box's length for continuous.
    pub fn dim(&self) -> usize {
        match self {
            ActionSpec::Discrete { .. } => 1,
            ActionSpec::Continuous { low, .. } => low.len(),
        }
    }
}

/// How MiniGrid observations are fed to a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MiniGridEncoding {
    /// The egocentric image as `f32`, `[x][y][channel]` order (147 values for a 7×7 view).
    #[default]
    Image,
    /// MiniGrid's `FlatObsWrapper`: the image followed by the one-hot mission (2,835 values).
    Flat,
}

/// An episode that ended on the last step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpisodeEnd {
    /// The copy it ran in.
    pub env: usize,
    /// Sum of its raw (unnormalised) task rewards.
    pub ret: f64,
    /// Sum of the [`RewardHook`]'s rewards over the episode (`None` without a hook).
    pub shaped_ret: Option<f64>,
    /// Its number of steps.
    pub len: usize,
    /// MiniGrid: it terminated with a positive last reward. Always false elsewhere.
    pub success: bool,
}

/// The flat results of one [`VecTask`] step; the buffers are reused from step to step.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TaskStep {
    /// `n_envs · obs_dim` observations, after the same-step autoreset.
    pub obs: Vec<f32>,
    /// The `n_envs` rewards the learner trains on: the raw task rewards, or the
    /// [`RewardHook`]'s when the task has one.
    pub rewards: Vec<f32>,
    /// Per copy: the episode reached a terminal state (no bootstrap).
    pub terminated: Vec<bool>,
    /// Per copy: the episode was cut short (bootstrap from `final_obs`).
    pub truncated: Vec<bool>,
    /// `n_envs · obs_dim`: row `e` is the last observation of copy `e`'s finished episode,
    /// valid only where `terminated[e] || truncated[e]` (other rows hold stale values).
    pub final_obs: Vec<f32>,
    /// Episodes that ended on this step, in copy order.
    pub episodes: Vec<EpisodeEnd>,
}

impl TaskStep {
    fn new(n: usize, obs_dim: usize) -> Self {
        TaskStep {
            obs: vec![0.0; n * obs_dim],
            rewards: vec![0.0; n],
            terminated: vec![false; n],
            truncated: vec![false; n],
            final_obs: vec![0.0; n * obs_dim],
            episodes: Vec::with_capacity(n),
        }
    }
}

/// The envs behind a task.
enum Backend {
    Batch(CartPoleBatch),
    Generic(Generic),
    MiniGrid(MiniGridTask),
}

impl Backend {
    fn num_envs(&self) -> usize {
        match self {
            Backend::Batch(b) => b.num_envs(),
            Backend::Generic(g) => g.num_envs(),
            Backend::MiniGrid(m) => m.num_envs(),
        }
    }
}

/// `n` copies of a registered env behind flat `f32` buffers (see the module docs).
pub struct VecTask {
    id: String,
    backend: Backend,
    n: usize,
    obs_dim: usize,
    action: ActionSpec,
    /// `Discrete` action spaces with `start ≠ 0`: added to the agent's index.
    action_start: i64,
    /// The action box's dtype (continuous only): the env gets `Value::F32` or `Value::F64`.
    action_dtype: DType,
    reward_threshold: Option<f64>,
    has_success: bool,
    started: bool,
    step: TaskStep,
    /// Raw `f64` rewards of the last step (the returns add these, not the `f32` copies).
    raw_rewards: Vec<f64>,
    running_return: Vec<f64>,
    running_len: Vec<usize>,
    /// Clipped continuous actions, reused.
    clipped: Vec<f32>,
    /// The reward hook, if any, with its running returns.
    hook: Option<HookState>,
}

impl fmt::Debug for VecTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VecTask")
            .field("id", &self.id)
            .field("backend", &self.backend())
            .field("num_envs", &self.n)
            .field("obs_dim", &self.obs_dim)
            .field("action", &self.action)
            .field("reward_hook", &self.hook.is_some())
            .finish_non_exhaustive()
    }
}

/// The agents' view of an action space, with the `Discrete` start and the box dtype.
fn action_spec(id: &str, space: &Space) -> Result<(ActionSpec, i64, DType), TaskError> {
    match space {
        Space::Discrete { n, start } => {
            let n = usize::try_from(*n).map_err(|_| unsupported_action(id, space))?;
            Ok((ActionSpec::Discrete { n }, *start, DType::F32))
        }
        Space::Box(BoxSpace {
            low, high, dtype, ..
        }) if *dtype != DType::U8 && !low.is_empty() => {
            // Rounded to f32 as Gymnasium stores float32 bounds; a float64 box is clamped
            // again in f64 when the action is built (see `generic`).
            let low = low.iter().map(|x| *x as f32).collect();
            let high = high.iter().map(|x| *x as f32).collect();
            Ok((ActionSpec::Continuous { low, high }, 0, *dtype))
        }
        _ => Err(unsupported_action(id, space)),
    }
}

fn unsupported_action(id: &str, space: &Space) -> TaskError {
    TaskError::UnsupportedAction {
        id: id.to_string(),
        space: space.to_string(),
    }
}

/// Length of an observation row: Box and Discrete spaces only.
fn obs_dim(id: &str, space: &Space) -> Result<usize, TaskError> {
    match space {
        Space::Box(_) | Space::Discrete { .. } => space.flat_dim(),
        _ => None,
    }
    .ok_or_else(|| TaskError::UnsupportedObservation {
        id: id.to_string(),
        space: space.to_string(),
    })
}

impl VecTask {
    /// `n` copies of the env registered as `id` with string kwargs (as for
    /// [`registry::make`]). `CartPole-v1` with `n > 1` runs on the native batch (one thread);
    /// MiniGrid ids on typed MiniGrid envs encoded as `encoding` says; anything else on a
    /// `SameStep` [`SyncVectorEnv`](rewardlab_core::vector::SyncVectorEnv) with flattened
    /// observations (Box or Discrete spaces; others are refused).
    pub fn new(
        id: &str,
        kwargs: &[(String, String)],
        n: usize,
        encoding: MiniGridEncoding,
    ) -> Result<Self, TaskError> {
        Self::build(id, kwargs, n, encoding, false)
    }

    /// As [`VecTask::new`] but never the CartPole batch, so that every copy can render (for
    /// `eval --render`).
    pub fn new_renderable(
        id: &str,
        kwargs: &[(String, String)],
        n: usize,
        encoding: MiniGridEncoding,
    ) -> Result<Self, TaskError> {
        Self::build(id, kwargs, n, encoding, true)
    }

    fn build(
        id: &str,
        kwargs: &[(String, String)],
        n: usize,
        encoding: MiniGridEncoding,
        renderable: bool,
    ) -> Result<Self, TaskError> {
        let make_err = |source| TaskError::Make {
            id: id.to_string(),
            source: Box::new(source),
        };
        let spec = registry::spec(id).map_err(make_err)?;
        if n == 0 {
            return Err(TaskError::NoEnvs { id: id.to_string() });
        }
        let (backend, obs_space_dim, act_space) = if let Entry::MiniGrid(_) = spec.entry {
            let task = MiniGridTask::new(id, kwargs, n, encoding)?;
            let (dim, act) = (task.obs_dim(), task.action_space());
            (Backend::MiniGrid(task), dim, act)
        } else if renderable {
            let g = Generic::new(id, kwargs, n)?;
            let (dim, act) = (obs_dim(id, &g.observation_space())?, g.action_space());
            (Backend::Generic(g), dim, act)
        } else {
            let opts = VecOptions {
                num_envs: n,
                autoreset_mode: AutoresetMode::SameStep,
                threads: 1,
            };
            let vec = make_vec(id, kwargs, opts).map_err(|source| TaskError::MakeVec {
                id: id.to_string(),
                source: Box::new(source),
            })?;
            let g = match vec {
                VecEnv::CartPole(batch) => {
                    let obs = obs_dim(id, &batch.single_observation_space())?;
                    let act = batch.single_action_space();
                    return Self::assemble(id, spec, Backend::Batch(batch), obs, &act);
                }
                VecEnv::Sync(envs) => Generic::from_vec(envs),
                // One thread never gives a pool; should it, its envs run here instead.
                VecEnv::Parallel { envs, .. } => Generic::from_envs(id, envs.into_envs())?,
            };
            let (dim, act) = (obs_dim(id, &g.observation_space())?, g.action_space());
            (Backend::Generic(g), dim, act)
        };
        Self::assemble(id, spec, backend, obs_space_dim, &act_space)
    }

    /// The task around a built backend.
    fn assemble(
        id: &str,
        spec: &EnvSpec,
        backend: Backend,
        obs_space_dim: usize,
        act_space: &Space,
    ) -> Result<Self, TaskError> {
        let n = backend.num_envs();
        let (action, action_start, action_dtype) = action_spec(id, act_space)?;
        Ok(VecTask {
            id: id.to_string(),
            backend,
            n,
            obs_dim: obs_space_dim,
            action,
            action_start,
            action_dtype,
            reward_threshold: spec.reward_threshold,
            has_success: matches!(spec.entry, Entry::MiniGrid(_)),
            started: false,
            step: TaskStep::new(n, obs_space_dim),
            raw_rewards: vec![0.0; n],
            running_return: vec![0.0; n],
            running_len: vec![0; n],
            clipped: Vec::new(),
            hook: None,
        })
    }

    /// Number of copies.
    pub fn num_envs(&self) -> usize {
        self.n
    }

    /// Length of one observation row.
    pub fn obs_dim(&self) -> usize {
        self.obs_dim
    }

    /// The action space.
    pub fn action_spec(&self) -> &ActionSpec {
        &self.action
    }

    /// Which backend runs the copies: `"cartpole-batch"`, `"generic"` or `"minigrid"`.
    pub fn backend(&self) -> &'static str {
        match &self.backend {
            Backend::Batch(_) => "cartpole-batch",
            Backend::Generic(_) => "generic",
            Backend::MiniGrid(_) => "minigrid",
        }
    }

    /// The registered id.
    pub fn env_id(&self) -> &str {
        &self.id
    }

    /// The registry's reward threshold for the id (`None` for MiniGrid and Pendulum).
    pub fn reward_threshold(&self) -> Option<f64> {
        self.reward_threshold
    }

    /// True for MiniGrid: an episode succeeds when it terminates with a positive reward.
    pub fn has_success(&self) -> bool {
        self.has_success
    }

    /// Sets (or with `None` removes) the hook that computes the rewards the learner trains on
    /// (see [`RewardHook`]); returns the previous one. Takes effect from the next step; the
    /// running shaped returns restart at 0, so set it before the first step of an episode
    /// (before [`VecTask::reset`]) for whole-episode shaped returns.
    pub fn set_reward_hook(
        &mut self,
        hook: Option<Box<dyn RewardHook>>,
    ) -> Option<Box<dyn RewardHook>> {
        let new = hook.map(|h| HookState::new(h, self.n, self.obs_dim));
        std::mem::replace(&mut self.hook, new).map(|old| old.hook)
    }

    /// Whether a [`RewardHook`] computes the learner's rewards.
    pub fn has_reward_hook(&self) -> bool {
        self.hook.is_some()
    }

    /// The buffers of the last step (or reset: then only `obs` is meaningful).
    pub fn last_step(&self) -> &TaskStep {
        &self.step
    }

    /// Resets every copy (`Some(seed)`: copy `i` gets `seed + i`, wrapping; `None` continues
    /// each copy's stream) and returns the `n · obs_dim` observations.
    ///
    /// Fails only with [`MiniGridEncoding::Flat`], when a new mission has no one-hot encoding
    /// (MiniGrid's `FlatObsWrapper` raises on reset); no registered mission does.
    pub fn reset(&mut self, seed: Option<u64>) -> Result<&[f32], TaskError> {
        self.reset_inner(seed)?;
        Ok(&self.step.obs)
    }

    fn reset_inner(&mut self, seed: Option<u64>) -> Result<(), TaskError> {
        self.started = false;
        let s = &mut self.step;
        s.rewards.fill(0.0);
        s.terminated.fill(false);
        s.truncated.fill(false);
        s.episodes.clear();
        self.running_return.fill(0.0);
        self.running_len.fill(0);
        if let Some(h) = &mut self.hook {
            h.running.fill(0.0);
        }
        match &mut self.backend {
            Backend::Batch(batch) => with_batch_step(s, |out| batch.reset_into(seed, out)),
            Backend::Generic(g) => g.reset(&self.id, seed, &mut s.obs)?,
            Backend::MiniGrid(m) => m.reset(&self.id, seed, &mut s.obs)?,
        }
        self.started = true;
        Ok(())
    }

    /// Steps every copy with one action each (`actions.len() == n`, each in `0..n_actions`).
    /// A refused action leaves every copy untouched.
    pub fn step_discrete(&mut self, actions: &[usize]) -> Result<&TaskStep, TaskError> {
        let n_actions = match self.action {
            ActionSpec::Discrete { n } => n,
            ActionSpec::Continuous { .. } => return Err(self.wrong_kind("step_discrete")),
        };
        self.check_ready(actions.len(), 1)?;
        if let Some((env, &action)) = actions.iter().enumerate().find(|(_, a)| **a >= n_actions) {
            return Err(TaskError::ActionOutOfRange {
                id: self.id.clone(),
                env,
                action,
                n: n_actions,
            });
        }
        self.remember_obs();
        let s = &mut self.step;
        let result = match &mut self.backend {
            Backend::Batch(batch) => {
                let raw = &mut self.raw_rewards;
                with_batch_step(s, |out| {
                    let r = batch.step_into(actions, out);
                    for (raw, r) in raw.iter_mut().zip(&out.rewards) {
                        *raw = f64::from(*r);
                    }
                    r
                })
                .map_err(|source| TaskError::Env {
                    id: self.id.clone(),
                    source,
                })
            }
            Backend::Generic(g) => g.step_discrete(
                &self.id,
                actions,
                self.action_start,
                s,
                &mut self.raw_rewards,
            ),
            Backend::MiniGrid(m) => m.step(&self.id, actions, s, &mut self.raw_rewards),
        };
        self.finish_step(result)
    }

    /// Steps every copy with `n · act_dim` values (copy-major), each clipped to the action
    /// box before the env sees it. A NaN anywhere is refused before any copy moves.
    pub fn step_continuous(&mut self, actions: &[f32]) -> Result<&TaskStep, TaskError> {
        let (low, high) = match &self.action {
            ActionSpec::Continuous { low, high } => (low, high),
            ActionSpec::Discrete { .. } => return Err(self.wrong_kind("step_continuous")),
        };
        let dim = low.len();
        self.check_ready(actions.len(), dim)?;
        if let Some(index) = actions.iter().position(|a| a.is_nan()) {
            return Err(TaskError::NanAction {
                id: self.id.clone(),
                env: index / dim,
                index,
            });
        }
        self.clipped.clear();
        self.clipped.extend(
            actions
                .iter()
                .zip(low.iter().zip(high).cycle())
                .map(|(a, (lo, hi))| a.max(*lo).min(*hi)),
        );
        self.remember_obs();
        let s = &mut self.step;
        let result = match &mut self.backend {
            Backend::Generic(g) => g.step_continuous(
                &self.id,
                &self.clipped,
                dim,
                self.action_dtype,
                s,
                &mut self.raw_rewards,
            ),
            // Neither backend has a continuous action space: `action_spec` made them discrete.
            Backend::Batch(_) | Backend::MiniGrid(_) => Err(TaskError::WrongActionKind {
                id: self.id.clone(),
                actual: "discrete",
                called: "step_continuous",
            }),
        };
        self.finish_step(result)
    }

    /// RGB frame of copy `i` (not on the CartPole batch; see [`VecTask::new_renderable`]).
    pub fn render(&mut self, i: usize) -> Result<Frame, TaskError> {
        let frame = match &self.backend {
            Backend::Batch(_) => {
                return Err(TaskError::BatchNotRenderable {
                    id: self.id.clone(),
                });
            }
            Backend::Generic(g) => g.render(i),
            Backend::MiniGrid(m) => m.render(i),
        };
        let no_such_env = || TaskError::NoSuchEnv {
            id: self.id.clone(),
            index: i,
            n: self.n,
        };
        frame
            .ok_or_else(no_such_env)?
            .map_err(|source| TaskError::Render {
                id: self.id.clone(),
                env: i,
                source,
            })
    }

    fn wrong_kind(&self, called: &'static str) -> TaskError {
        TaskError::WrongActionKind {
            id: self.id.clone(),
            actual: match self.action {
                ActionSpec::Discrete { .. } => "discrete",
                ActionSpec::Continuous { .. } => "continuous",
            },
            called,
        }
    }

    /// Refuses a step before a reset and a wrong number of action values.
    fn check_ready(&self, got: usize, dim: usize) -> Result<(), TaskError> {
        if got != self.n * dim {
            return Err(TaskError::WrongActionCount {
                id: self.id.clone(),
                expected: self.n * dim,
                got,
            });
        }
        if !self.started {
            return Err(TaskError::ResetNeeded {
                id: self.id.clone(),
            });
        }
        Ok(())
    }

    /// With a hook: keeps the observations the coming step starts from (the step overwrites
    /// the buffer with the next ones).
    fn remember_obs(&mut self) {
        if let Some(h) = &mut self.hook {
            h.prev_obs.copy_from_slice(&self.step.obs);
        }
    }

    /// After the backend stepped: a failed step needs a reset; a good one updates the
    /// episode bookkeeping and publishes the `f32` rewards (the hook's, when there is one).
    fn finish_step(&mut self, result: Result<(), TaskError>) -> Result<&TaskStep, TaskError> {
        if let Err(e) = result {
            self.started = false;
            return Err(e);
        }
        let s = &mut self.step;
        let d = self.obs_dim;
        s.episodes.clear();
        for e in 0..self.n {
            let r = self.raw_rewards[e];
            let (term, trunc) = (s.terminated[e], s.truncated[e]);
            let ended = term || trunc;
            let shaped = self.hook.as_mut().map(|h| {
                let row = e * d..(e + 1) * d;
                let next = if ended {
                    &s.final_obs[row.clone()]
                } else {
                    &s.obs[row.clone()]
                };
                let shaped = h.hook.reward(e, &h.prev_obs[row], next, r, term, trunc);
                h.running[e] += shaped;
                shaped
            });
            s.rewards[e] = shaped.unwrap_or(r) as f32;
            self.running_return[e] += r;
            self.running_len[e] += 1;
            if ended {
                let shaped_ret = self
                    .hook
                    .as_mut()
                    .map(|h| std::mem::take(&mut h.running[e]));
                s.episodes.push(EpisodeEnd {
                    env: e,
                    ret: self.running_return[e],
                    shaped_ret,
                    len: self.running_len[e],
                    success: self.has_success && term && r > 0.0,
                });
                self.running_return[e] = 0.0;
                self.running_len[e] = 0;
            }
        }
        Ok(&self.step)
    }
}

/// Runs `f` on a [`BatchStep`] made of `s`'s buffers (moved, not copied: the layouts are the
/// same), then moves them back.
fn with_batch_step<T>(s: &mut TaskStep, f: impl FnOnce(&mut BatchStep) -> T) -> T {
    let mut out = BatchStep {
        obs: std::mem::take(&mut s.obs),
        rewards: std::mem::take(&mut s.rewards),
        terminated: std::mem::take(&mut s.terminated),
        truncated: std::mem::take(&mut s.truncated),
        final_obs: std::mem::take(&mut s.final_obs),
    };
    let result = f(&mut out);
    s.obs = out.obs;
    s.rewards = out.rewards;
    s.terminated = out.terminated;
    s.truncated = out.truncated;
    s.final_obs = out.final_obs;
    result
}
