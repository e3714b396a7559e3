//! [`SyncVectorEnv`]: the envs stepped one after another on the calling thread.

use crate::env::Env;
use crate::space::Space;
use crate::value::Info;

use super::vectorized::{Sequential, Vectorized, collect};
use super::{AutoresetMode, VecStep, VectorEnv, VectorError, step_one, sub_seed};

/// `n` envs stepped in a loop.
pub type SyncVectorEnv<E> = Vectorized<E, Sequential>;

impl<E: Env> VectorEnv for SyncVectorEnv<E> {
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
            .iter_mut()
            .enumerate()
            .map(|(i, env)| env.reset(sub_seed(seed, i)))
            .unzip()
    }

    fn step(&mut self, actions: &[E::Act]) -> Result<VecStep<E::Obs>, VectorError> {
        self.validate_actions(actions)?;
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
