//! [`ParallelVectorEnv`]: the envs stepped on rayon's thread pool.
//!
//! Each env owns its RNG and is stepped by exactly one task per call, so the results equal
//! [`super::SyncVectorEnv`]'s for the same seeds; only the wall time differs. Worth it when one
//! step costs more than rayon's scheduling (physics, rendering), not for tabular envs.

use rayon::prelude::*;

use crate::env::Env;
use crate::value::Info;

use super::vectorized::{Parallel, Schedule, Vectorized, collect};
use super::{AutoresetMode, VecStep, VectorError, step_one, sub_seed};

/// `n` envs stepped in parallel. It is a [`super::VectorEnv`] when the envs are `Send` and
/// their actions `Sync`.
pub type ParallelVectorEnv<E> = Vectorized<E, Parallel>;

impl<E> Schedule<E> for Parallel
where
    E: Env + Send,
    E::Act: Sync,
{
    fn reset_all(envs: &mut [E], seed: Option<u64>) -> (Vec<E::Obs>, Vec<Info>) {
        envs.par_iter_mut()
            .enumerate()
            .map(|(i, env)| env.reset(sub_seed(seed, i)))
            .unzip()
    }

    fn step_all(
        envs: &mut [E],
        pending: &mut [bool],
        actions: &[E::Act],
        mode: AutoresetMode,
    ) -> Result<VecStep<E::Obs>, VectorError> {
        // collect() on an indexed parallel iterator keeps env order.
        let results: Vec<_> = envs
            .par_iter_mut()
            .zip(pending.par_iter_mut())
            .zip(actions.par_iter())
            .map(|((env, pending), action)| step_one(env, pending, action, mode))
            .collect();
        collect(results, actions.len())
    }
}
