//! [`SyncVectorEnv`]: the envs stepped one after another on the calling thread.

use crate::env::Env;
use crate::space::Space;
use crate::value::Info;

use super::{
    AutoresetMode, VecStep, VectorEnv, VectorError, check_envs, collect, step_one, sub_seed,
    validate_actions,
};

/// `n` envs stepped in a loop.
#[derive(Debug, Clone)]
pub struct SyncVectorEnv<E> {
    envs: Vec<E>,
    pending_reset: Vec<bool>,
    mode: AutoresetMode,
}

impl<E: Env> SyncVectorEnv<E> {
    /// A vector of `envs` (at least one, all with the same spaces).
    pub fn new(envs: Vec<E>, mode: AutoresetMode) -> Result<Self, VectorError> {
        check_envs(&envs)?;
        Ok(SyncVectorEnv {
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

impl<E: Env> VectorEnv for SyncVectorEnv<E> {
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
            .iter_mut()
            .enumerate()
            .map(|(i, env)| env.reset(sub_seed(seed, i)))
            .unzip()
    }

    fn step(&mut self, actions: &[E::Act]) -> Result<VecStep<E::Obs>, VectorError> {
        validate_actions(&self.envs, &self.pending_reset, self.mode, actions)?;
        let mode = self.mode;
        let results = self
            .envs
            .iter_mut()
            .zip(self.pending_reset.iter_mut())
            .zip(actions)
            .map(|((env, pending), action)| step_one(env, pending, action, mode));
        collect(results, actions.len())
    }
}
