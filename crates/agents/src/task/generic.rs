//! The generic backend: core's `SameStep` [`SyncVectorEnv`] over made envs, with observations
//! flattened into the task's rows and actions converted to [`Value`]s.
//!
//! This path allocates per step (the erased envs return owned [`Value`]s); it serves every env
//! without a native batch, where the env's own step dominates anyway. Non-done rows of
//! `final_obs` are written as zeros.

use rewardlab_core::vector::{AutoresetMode, SyncVectorEnv, VectorEnv};
use rewardlab_core::{BoxedEnv, DType, Env, EnvError, Frame, Space, Value};
use rewardlab_envs::registry::make;

use super::{TaskError, TaskStep};

/// Made envs behind a `SameStep` sync vector env.
pub(super) struct Generic {
    envs: SyncVectorEnv<BoxedEnv>,
    obs_space: Space,
    /// Length of a flat observation (0 for a space without one: the task refuses those).
    obs_dim: usize,
    act_space: Space,
    /// Action values, reused between steps.
    actions: Vec<Value>,
}

impl Generic {
    /// `n` envs from [`make`].
    pub(super) fn new(id: &str, kwargs: &[(String, String)], n: usize) -> Result<Self, TaskError> {
        let envs = (0..n)
            .map(|_| make(id, kwargs))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|source| TaskError::Make {
                id: id.to_string(),
                source: Box::new(source),
            })?;
        Self::from_envs(id, envs)
    }

    /// Made envs in a fresh `SameStep` vector env.
    pub(super) fn from_envs(id: &str, envs: Vec<BoxedEnv>) -> Result<Self, TaskError> {
        let envs =
            SyncVectorEnv::new(envs, AutoresetMode::SameStep).map_err(|source| TaskError::Env {
                id: id.to_string(),
                source,
            })?;
        Ok(Self::from_vec(envs))
    }

    /// A vector env from `make_vec` (asked for `SameStep`).
    pub(super) fn from_vec(envs: SyncVectorEnv<BoxedEnv>) -> Self {
        Generic {
            obs_dim: envs.single_observation_space().flat_dim().unwrap_or(0),
            obs_space: envs.single_observation_space(),
            act_space: envs.single_action_space(),
            actions: Vec::with_capacity(envs.num_envs()),
            envs,
        }
    }

    pub(super) fn num_envs(&self) -> usize {
        self.envs.num_envs()
    }

    pub(super) fn observation_space(&self) -> Space {
        self.obs_space.clone()
    }

    pub(super) fn action_space(&self) -> Space {
        self.act_space.clone()
    }

    /// Resets every env and writes the flat observations into `obs`.
    pub(super) fn reset(
        &mut self,
        id: &str,
        seed: Option<u64>,
        obs: &mut Vec<f32>,
    ) -> Result<(), TaskError> {
        let (values, _) = self.envs.reset(seed);
        obs.clear();
        for (env, v) in values.iter().enumerate() {
            self.flatten(id, env, v, obs)?;
        }
        Ok(())
    }

    /// Steps with discrete actions (agent indices; the space's `start` is added).
    pub(super) fn step_discrete(
        &mut self,
        id: &str,
        actions: &[usize],
        start: i64,
        out: &mut TaskStep,
        raw: &mut [f64],
    ) -> Result<(), TaskError> {
        self.actions.clear();
        // The task checked every index against n, which fits an i64 for any real space.
        self.actions.extend(
            actions
                .iter()
                .map(|a| Value::Int(start.saturating_add(i64::try_from(*a).unwrap_or(i64::MAX)))),
        );
        self.step(id, out, raw)
    }

    /// Steps with continuous actions already clipped in `f32` (copy-major, `dim` per copy).
    /// A `float64` box gets `f64` values clamped again to its `f64` bounds, since an `f32`
    /// bound rounded outwards would fail the env's space check.
    pub(super) fn step_continuous(
        &mut self,
        id: &str,
        clipped: &[f32],
        dim: usize,
        dtype: DType,
        out: &mut TaskStep,
        raw: &mut [f64],
    ) -> Result<(), TaskError> {
        self.actions.clear();
        for row in clipped.chunks(dim) {
            let value = match (&self.act_space, dtype) {
                (Space::Box(b), DType::F64) => Value::F64(
                    row.iter()
                        .zip(b.low.iter().zip(&b.high))
                        .map(|(x, (lo, hi))| f64::from(*x).max(*lo).min(*hi))
                        .collect(),
                ),
                _ => Value::F32(row.to_vec()),
            };
            self.actions.push(value);
        }
        self.step(id, out, raw)
    }

    fn step(&mut self, id: &str, out: &mut TaskStep, raw: &mut [f64]) -> Result<(), TaskError> {
        let step = self
            .envs
            .step(&self.actions)
            .map_err(|source| TaskError::Env {
                id: id.to_string(),
                source,
            })?;
        let dim = self.obs_dim;
        out.obs.clear();
        out.final_obs.clear();
        for (env, v) in step.obs.iter().enumerate() {
            self.flatten(id, env, v, &mut out.obs)?;
            match &step.final_obs[env] {
                Some(f) => self.flatten(id, env, f, &mut out.final_obs)?,
                None => out.final_obs.resize(out.final_obs.len() + dim, 0.0),
            }
        }
        raw.copy_from_slice(&step.rewards);
        out.terminated.copy_from_slice(&step.terminated);
        out.truncated.copy_from_slice(&step.truncated);
        Ok(())
    }

    fn flatten(
        &self,
        id: &str,
        env: usize,
        v: &Value,
        out: &mut Vec<f32>,
    ) -> Result<(), TaskError> {
        if self.obs_space.flatten_into(v, out) {
            Ok(())
        } else {
            Err(TaskError::BadObservation {
                id: id.to_string(),
                env,
                space: self.obs_space.to_string(),
            })
        }
    }

    /// Env `i`'s frame; `None` past the last env.
    pub(super) fn render(&self, i: usize) -> Option<Result<Frame, EnvError>> {
        self.envs.envs().get(i).map(|env| env.render())
    }
}
