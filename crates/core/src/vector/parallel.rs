//! [`ParallelVectorEnv`]: the envs stepped on rayon's thread pool.
//!
//! Each env owns its RNG and is stepped by exactly one task per call, so the results equal
//! [`super::SyncVectorEnv`]'s for the same seeds; only the wall time differs. Worth it when one
//! step costs more than rayon's scheduling (physics, rendering), not for tabular envs.

use rayon::prelude::*;

use crate::env::Env;
use crate::space::Space;
use crate::value::Info;

use super::{
    AutoresetMode, VecStep, VectorEnv, VectorError, check_envs, collect, step_one, sub_seed,
    validate_actions,
};

/// `n` envs stepped in parallel.
#[derive(Debug, Clone)]
pub struct ParallelVectorEnv<E> {
    envs: Vec<E>,
    pending_reset: Vec<bool>,
    mode: AutoresetMode,
}

impl<E> ParallelVectorEnv<E>
where
    E: Env + Send,
    E::Act: Sync,
{
    /// A vector of `envs` (at least one, all with the same spaces).
    pub fn new(envs: Vec<E>, mode: AutoresetMode) -> Result<Self, VectorError> {
        check_envs(&envs)?;
        Ok(ParallelVectorEnv {
            pending_reset: vec![false; envs.len()],
            envs,
            mode,
        })
    }

    /// A vector of `n` envs built by `make(i)`.
    pub fn from_fn(
        n: usize,
        mode: AutoresetMode,
        make: impl FnMut(usize) -> E,
    ) -> Result<Self, VectorError> {
        Self::new((0..n).map(make).collect(), mode)
    }

    /// The envs.
    pub fn envs(&self) -> &[E] {
        &self.envs
    }

    /// The envs, mutably (stepping one directly bypasses the autoreset bookkeeping).
    pub fn envs_mut(&mut self) -> &mut [E] {
        &mut self.envs
    }

    /// Unwraps the envs.
    pub fn into_envs(self) -> Vec<E> {
        self.envs
    }
}

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
        self.envs[0].observation_space()
    }

    fn single_action_space(&self) -> Space {
        self.envs[0].action_space()
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
        validate_actions(&self.envs, &self.pending_reset, self.mode, actions)?;
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
