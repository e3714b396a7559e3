//! [`SyncVectorEnv`]: the envs stepped one after another on the calling thread.

use crate::env::Env;
use crate::value::Info;

use super::vectorized::{Schedule, Sequential, Vectorized, collect};
use super::{AutoresetMode, VecStep, VectorError, step_one, sub_seed};

/// `n` envs stepped in a loop.
pub type SyncVectorEnv<E> = Vectorized<E, Sequential>;

impl<E: Env> Schedule<E> for Sequential {
    fn reset_all(envs: &mut [E], seed: Option<u64>) -> (Vec<E::Obs>, Vec<Info>) {
        envs.iter_mut()
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
        // `collect` consumes every result, so this lazy loop still steps every env.
        let results = envs
            .iter_mut()
            .zip(pending)
            .zip(actions)
            .map(|((env, pending), action)| step_one(env, pending, action, mode));
        collect(results, actions.len())
    }
}
