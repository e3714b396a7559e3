//! [`make_vec`]: `n` copies of a registered env as one vector env, as `gymnasium.make_vec`.
//!
//! **This is the way to build a vector env from an id.** It picks the fastest implementation
//! that behaves exactly like `n` made envs stepped together:
//!
//! - `CartPole-v1` with more than one copy: the native [`CartPoleBatch`] (struct of arrays,
//!   optional thread pool), bit-identical to a vector of made CartPoles and about an order of
//!   magnitude faster. Its raw interface ([`CartPoleBatch::step_into`]) is reachable through
//!   [`VecEnv::cartpole_batch_mut`].
//! - Any other id (and CartPole with one copy): core's generic
//!   [`Vectorized`](rewardlab_core::vector::Vectorized) over `n` envs from
//!   [`make`] (each with its registered time limit), stepped in a loop on
//!   the caller's thread ([`SyncVectorEnv`]) or, with more than one thread, on a rayon pool of
//!   that many threads owned by the vector env ([`ParallelVectorEnv`]).
//!
//! Whatever the backend, [`VecEnv`] is a [`VectorEnv`] over [`Value`] observations and actions
//! (what [`make`] returns for one env) with core's seeding (`seed + i`
//! for copy `i`) and autoreset semantics, so code written against it does not care which one it
//! got. Kwargs are those of [`make`], checked the same way.

use std::fmt;

use rewardlab_core::vector::{
    AutoresetMode, ParallelVectorEnv, SyncVectorEnv, VecStep, VectorEnv, VectorError,
};
use rewardlab_core::{BoxedEnv, EnvError, Info, Space, SpaceElem, Value};

use crate::classic_control::{BatchError, CartPoleBatch, CartPoleParams, Integrator};
use crate::registry::{self, Kwargs, MakeError, make};

/// The id that gets the native batch.
const CARTPOLE_ID: &str = "CartPole-v1";

/// The CartPole kwargs [`make_vec`] translates for the batch; any other kwarg sends CartPole
/// down the generic path, which is slower but always agrees with `make`.
const CARTPOLE_KWARGS: [&str; 3] = [
    "sutton_barto_reward",
    "kinematics_integrator",
    registry::MAX_EPISODE_STEPS.name,
];

/// How many copies, and how they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VecOptions {
    /// Number of copies (at least 1).
    pub num_envs: usize,
    /// When finished copies are reset.
    pub autoreset_mode: AutoresetMode,
    /// Threads that step the copies (at least 1; 1 steps them on the caller's thread).
    pub threads: usize,
}

impl VecOptions {
    /// `num_envs` copies, next-step autoreset, one thread.
    pub fn new(num_envs: usize) -> Self {
        VecOptions {
            num_envs,
            autoreset_mode: AutoresetMode::NextStep,
            threads: 1,
        }
    }
}

/// Why [`make_vec`] failed.
#[derive(Debug, thiserror::Error)]
pub enum MakeVecError {
    /// The id or its kwargs were refused.
    #[error(transparent)]
    Make(#[from] MakeError),
    /// No copies, no threads, or a thread pool that would not start.
    #[error(transparent)]
    Batch(#[from] BatchError),
    /// The made envs do not form a vector env.
    #[error(transparent)]
    Vector(#[from] VectorError),
}

/// A vector env from [`make_vec`]: one of its backends (see the module docs).
pub enum VecEnv {
    /// `CartPole-v1` with more than one copy.
    CartPole(CartPoleBatch),
    /// Made envs stepped on the caller's thread.
    Sync(SyncVectorEnv<BoxedEnv>),
    /// Made envs stepped on the pool.
    Parallel {
        /// The envs.
        envs: ParallelVectorEnv<BoxedEnv>,
        /// The pool their steps run on.
        pool: rayon::ThreadPool,
    },
}

impl fmt::Debug for VecEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VecEnv")
            .field("backend", &self.backend())
            .field("num_envs", &self.num_envs())
            .field("threads", &self.threads())
            .finish()
    }
}

impl VecEnv {
    /// The backend's name: `"cartpole-batch"`, `"sync"` or `"parallel"`.
    pub fn backend(&self) -> &'static str {
        match self {
            VecEnv::CartPole(_) => "cartpole-batch",
            VecEnv::Sync(_) => "sync",
            VecEnv::Parallel { .. } => "parallel",
        }
    }

    /// Threads that step the copies.
    pub fn threads(&self) -> usize {
        match self {
            VecEnv::CartPole(b) => b.threads(),
            VecEnv::Sync(_) => 1,
            VecEnv::Parallel { pool, .. } => pool.current_num_threads(),
        }
    }

    /// The native CartPole batch, when that is the backend: its raw interface steps without
    /// allocating.
    pub fn cartpole_batch_mut(&mut self) -> Option<&mut CartPoleBatch> {
        match self {
            VecEnv::CartPole(b) => Some(b),
            _ => None,
        }
    }
}

/// `opts.num_envs` copies of the env registered as `id`, with string kwargs as for
/// [`make`], as one vector env (see the module docs for the backend).
pub fn make_vec(
    id: &str,
    kwargs: &[(String, String)],
    opts: VecOptions,
) -> Result<VecEnv, MakeVecError> {
    if opts.num_envs == 0 {
        return Err(BatchError::NoEnvs.into());
    }
    if opts.threads == 0 {
        return Err(BatchError::NoThreads.into());
    }
    let native = if opts.num_envs > 1 {
        cartpole_config(id, kwargs)?
    } else {
        None
    };
    if let Some((params, limit)) = native {
        let batch = CartPoleBatch::new(
            params,
            opts.num_envs,
            limit,
            opts.autoreset_mode,
            opts.threads,
        )?;
        return Ok(VecEnv::CartPole(batch));
    }
    let envs = (0..opts.num_envs)
        .map(|_| make(id, kwargs))
        .collect::<Result<Vec<_>, _>>()?;
    let threads = opts.threads.min(opts.num_envs);
    if threads == 1 {
        return Ok(VecEnv::Sync(SyncVectorEnv::new(envs, opts.autoreset_mode)?));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| BatchError::ThreadPool {
            threads,
            reason: e.to_string(),
        })?;
    let envs = ParallelVectorEnv::new(envs, opts.autoreset_mode)?;
    Ok(VecEnv::Parallel { envs, pool })
}

/// For `CartPole-v1` with kwargs this module translates: its constants and time limit, as
/// `make` would build them. `None` for any other id or kwarg (the generic path then applies);
/// an unknown id or a bad kwarg is `make`'s error.
pub(crate) fn cartpole_config(
    id: &str,
    kwargs: &[(String, String)],
) -> Result<Option<(CartPoleParams, usize)>, MakeError> {
    let spec = registry::spec(id)?;
    let kw = Kwargs::check(spec, kwargs)?;
    let translatable = kwargs
        .iter()
        .all(|(k, _)| CARTPOLE_KWARGS.contains(&k.as_str()));
    if spec.id != CARTPOLE_ID || !translatable {
        return Ok(None);
    }
    Ok(Some((
        cartpole_params(&kw)?,
        kw.limit()?.unwrap_or(usize::MAX),
    )))
}

/// CartPole's constants from its kwargs, as its registry builder reads them.
fn cartpole_params(kw: &Kwargs<'_>) -> Result<CartPoleParams, MakeError> {
    let mut params = CartPoleParams::default();
    if let Some(flag) = kw.flag(CARTPOLE_KWARGS[0])? {
        params.sutton_barto_reward = flag;
    }
    if let Some(integrator) =
        kw.parse::<Integrator>(CARTPOLE_KWARGS[1], "euler or semi-implicit euler")?
    {
        params.kinematics_integrator = integrator;
    }
    Ok(params)
}

impl VectorEnv for VecEnv {
    type Obs = Value;
    type Act = Value;

    fn num_envs(&self) -> usize {
        match self {
            VecEnv::CartPole(b) => b.num_envs(),
            VecEnv::Sync(v) => v.num_envs(),
            VecEnv::Parallel { envs, .. } => envs.num_envs(),
        }
    }

    fn single_observation_space(&self) -> Space {
        match self {
            VecEnv::CartPole(b) => b.single_observation_space(),
            VecEnv::Sync(v) => v.single_observation_space(),
            VecEnv::Parallel { envs, .. } => envs.single_observation_space(),
        }
    }

    fn single_action_space(&self) -> Space {
        match self {
            VecEnv::CartPole(b) => b.single_action_space(),
            VecEnv::Sync(v) => v.single_action_space(),
            VecEnv::Parallel { envs, .. } => envs.single_action_space(),
        }
    }

    fn autoreset_mode(&self) -> AutoresetMode {
        match self {
            VecEnv::CartPole(b) => b.autoreset_mode(),
            VecEnv::Sync(v) => v.autoreset_mode(),
            VecEnv::Parallel { envs, .. } => envs.autoreset_mode(),
        }
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<Value>, Vec<Info>) {
        match self {
            VecEnv::CartPole(b) => {
                let (obs, infos) = b.reset(seed);
                (obs.into_iter().map(Value::F32).collect(), infos)
            }
            VecEnv::Sync(v) => v.reset(seed),
            VecEnv::Parallel { envs, pool } => pool.install(|| envs.reset(seed)),
        }
    }

    fn step(&mut self, actions: &[Value]) -> Result<VecStep<Value>, VectorError> {
        match self {
            VecEnv::CartPole(b) => step_batch(b, actions),
            VecEnv::Sync(v) => v.step(actions),
            VecEnv::Parallel { envs, pool } => pool.install(|| envs.step(actions)),
        }
    }
}

/// The batch behind [`Value`] actions and observations, with the errors an erased env gives.
fn step_batch(batch: &mut CartPoleBatch, actions: &[Value]) -> Result<VecStep<Value>, VectorError> {
    // An action that is not a usize becomes an invalid one, so that the batch refuses it
    // exactly where a made env would (not for a copy due for a next-step reset).
    let typed: Vec<usize> = actions
        .iter()
        .map(|a| usize::from_value(a.clone()).unwrap_or(usize::MAX))
        .collect();
    let step = batch.step(&typed).map_err(|e| match e {
        VectorError::Env {
            index,
            source: EnvError::InvalidAction { space, .. },
        } => VectorError::Env {
            index,
            source: EnvError::InvalidAction {
                action: actions
                    .get(index)
                    .map_or_else(String::new, Value::to_string),
                space,
            },
        },
        e => e,
    })?;
    let to_value = |o: Option<Vec<f32>>| o.map(Value::F32);
    Ok(VecStep {
        obs: step.obs.into_iter().map(Value::F32).collect(),
        rewards: step.rewards,
        terminated: step.terminated,
        truncated: step.truncated,
        infos: step.infos,
        final_obs: step.final_obs.into_iter().map(to_value).collect(),
        final_info: step.final_info,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kwarg CartPole gains must be translated here too, or CartPole silently leaves the
    /// batch for the slow generic path.
    #[test]
    fn every_cartpole_kwarg_keeps_the_batch() -> Result<(), MakeError> {
        let spec = registry::spec(CARTPOLE_ID)?;
        for k in spec.kwargs {
            assert!(
                CARTPOLE_KWARGS.contains(&k.name),
                "{} is not translated",
                k.name
            );
        }
        Ok(())
    }
}
