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

use crate::classic_control::{
    BatchError, CartPoleBatch, CartPoleParams, cartpole, check_counts, thread_pool,
};
use crate::registry::{self, Kwargs, MAX_EPISODE_STEPS, MakeError, make};

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
    check_counts(opts.num_envs, opts.threads)?;
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
    let pool = thread_pool(threads)?;
    let envs = ParallelVectorEnv::new(envs, opts.autoreset_mode)?;
    Ok(VecEnv::Parallel { envs, pool })
}

/// Whether the native batch reads `key`: CartPole's constants (as its registry builder reads
/// them, [`cartpole::params_from_kwargs`]) and the time limit. Any other kwarg sends CartPole
/// down the generic path, which is slower but always agrees with `make`.
fn batch_reads(key: &str) -> bool {
    key == MAX_EPISODE_STEPS.name || cartpole::PARAM_KWARGS.contains(&key)
}

/// For `CartPole-v1` with kwargs the batch reads: its constants and time limit, as `make`
/// would build them. `None` for any other id or kwarg (the generic path then applies); an
/// unknown id or a bad kwarg is `make`'s error.
pub(crate) fn cartpole_config(
    id: &str,
    kwargs: &[(String, String)],
) -> Result<Option<(CartPoleParams, usize)>, MakeError> {
    let spec = registry::spec(id)?;
    let kw = Kwargs::check(spec, kwargs)?;
    let translatable = kwargs.iter().all(|(k, _)| batch_reads(k));
    if spec.id != cartpole::SPEC.id || !translatable {
        return Ok(None);
    }
    Ok(Some((
        cartpole::params_from_kwargs(&kw)?,
        kw.limit()?.unwrap_or(usize::MAX),
    )))
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
    use crate::classic_control::Integrator;

    /// A kwarg CartPole gains must be read by `params_from_kwargs` (and listed in its
    /// `PARAM_KWARGS`) too, or CartPole silently leaves the batch for the slow generic path.
    #[test]
    fn every_cartpole_kwarg_keeps_the_batch() -> Result<(), MakeError> {
        let spec = registry::spec(cartpole::SPEC.id)?;
        for k in spec.kwargs {
            assert!(batch_reads(k.name), "{} is not read by the batch", k.name);
        }
        // And the batch gets what they say, as `make` would.
        let pairs = [
            ("sutton_barto_reward", "True"),
            ("kinematics_integrator", "semi-implicit euler"),
            ("max_episode_steps", "7"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()));
        let (params, limit) = cartpole_config(spec.id, &pairs)?.expect("all three are read");
        let want = CartPoleParams {
            sutton_barto_reward: true,
            kinematics_integrator: Integrator::SemiImplicitEuler,
            ..CartPoleParams::default()
        };
        assert_eq!((params, limit), (want, 7));
        let registered = cartpole_config(spec.id, &[])?.expect("no kwargs: the batch");
        assert_eq!(registered, (CartPoleParams::default(), 500));
        // Another id never gets the batch, whatever its kwargs.
        assert!(cartpole_config("MountainCar-v0", &[])?.is_none());
        Ok(())
    }
}
