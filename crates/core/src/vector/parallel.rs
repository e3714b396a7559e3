//! [`ParallelVectorEnv`]: the envs stepped on rayon's thread pool.
//!
//! Each env owns its RNG and is stepped by exactly one task per call, so the results equal
//! [`super::SyncVectorEnv`]'s for the same seeds; only the wall time differs. Worth it when one
//! step costs more than rayon's scheduling (physics, rendering), not for tabular envs.

use rayon::prelude::*;

use crate::env::Env;
use crate::space::Space;
use crate::value::Info;

use super::vectorized::{Parallel, Vectorized, collect};
use super::{AutoresetMode, VecStep, VectorEnv, VectorError, step_one, sub_seed};

/// `n` envs stepped in parallel. It is a [`VectorEnv`] when the envs are `Send` and their
/// actions `Sync`.
pub type ParallelVectorEnv<E> = Vectorized<E, Parallel>;

impl<E> VectorEnv for ParallelVectorEnv<E>
where
    E: Env + Send,
    E::Act: Sync,
{
    type Obs = E::Obs;
    type Act = E::Act;

    fn num_envs(&self) -> usize {
        self.envs.len()
    }

    fn single_observation_space(&self) -> Space {
        self.first_observation_space()
    }

    fn single_action_space(&self) -> Space {
        self.first_action_space()
    }

    fn autoreset_mode(&self) -> AutoresetMode {
        self.mode
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<E::Obs>, Vec<Info>) {
        self.pending_reset.fill(false);
        self.envs
            .par_iter_mut()
            .enumerate()
            .map(|(i, env)| env.reset(sub_seed(seed, i)))
            .unzip()
    }

    fn step(&mut self, actions: &[E::Act]) -> Result<VecStep<E::Obs>, VectorError> {
        self.validate_actions(actions)?;
        let mode = self.mode;
        // collect() on an indexed parallel iterator keeps env order.
        let results: Vec<_> = self
            .envs
            .par_iter_mut()
            .zip(self.pending_reset.par_iter_mut())
            .zip(actions.par_iter())
            .map(|((env, pending), action)| step_one(env, pending, action, mode))
            .collect();
        collect(results, actions.len())
    }
}
