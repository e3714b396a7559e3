//! [`Vectorized`]: the state both vector envs share, and everything about it that does not
//! depend on how the envs are scheduled.
//!
//! [`super::SyncVectorEnv`] and [`super::ParallelVectorEnv`] are this one struct with two
//! schedule markers, [`Sequential`] and [`Parallel`]: construction, the accessors, action
//! validation, result gathering and the one [`VectorEnv`] impl are written once here. The impl
//! hands its two loops (reset every env, step every env) to the marker's [`Schedule`], and
//! each marker's file holds only those two loops.

use std::marker::PhantomData;

use crate::env::{Env, EnvError};
use crate::space::Space;
use crate::value::Info;

use super::{AutoresetMode, SubStep, VecStep, VectorEnv, VectorError};

/// Schedule marker of [`super::SyncVectorEnv`]: the envs are stepped one after another on the
/// calling thread. Never constructed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sequential {}

/// Schedule marker of [`super::ParallelVectorEnv`]: the envs are stepped on rayon's thread
/// pool. Never constructed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parallel {}

/// The loops a schedule marker runs over the envs: the only part of a vector env that depends
/// on the schedule. Implemented by [`Sequential`] for every env and by [`Parallel`] for `Send`
/// envs with `Sync` actions, which is what makes a [`Vectorized`] a [`VectorEnv`].
pub(crate) trait Schedule<E: Env> {
    /// Resets env `i` with `sub_seed(seed, i)`; the results in env order.
    fn reset_all(envs: &mut [E], seed: Option<u64>) -> (Vec<E::Obs>, Vec<Info>);

    /// Runs `step_one` on every env with its pending-reset flag and action, and gathers the
    /// results with [`collect`]: every env is stepped even when one fails.
    fn step_all(
        envs: &mut [E],
        pending: &mut [bool],
        actions: &[E::Act],
        mode: AutoresetMode,
    ) -> Result<VecStep<E::Obs>, VectorError>;
}

/// `n` envs stepped together, scheduled as the marker `S` says ([`Sequential`] or
/// [`Parallel`]); use it through [`super::SyncVectorEnv`] or [`super::ParallelVectorEnv`].
#[derive(Debug, Clone)]
pub struct Vectorized<E, S> {
    envs: Vec<E>,
    /// Per env: a `NextStep` autoreset is due on its next step.
    pending_reset: Vec<bool>,
    mode: AutoresetMode,
    schedule: PhantomData<S>,
}

impl<E: Env, S> Vectorized<E, S> {
    /// A vector of `envs` (at least one, all with the same spaces).
    pub fn new(envs: Vec<E>, mode: AutoresetMode) -> Result<Self, VectorError> {
        check_envs(&envs)?;
        Ok(Vectorized {
            pending_reset: vec![false; envs.len()],
            envs,
            mode,
            schedule: PhantomData,
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

    /// Checks the action count and every action that will be used, before anything steps.
    fn validate_actions(&self, actions: &[E::Act]) -> Result<(), VectorError> {
        if actions.len() != self.envs.len() {
            return Err(VectorError::WrongActionCount {
                expected: self.envs.len(),
                got: actions.len(),
            });
        }
        let used = self.envs.iter().zip(&self.pending_reset).zip(actions);
        for (index, ((env, pending), action)) in used.enumerate() {
            // A next-step autoreset ignores the action, so it is not checked either.
            if self.mode == AutoresetMode::NextStep && *pending {
                continue;
            }
            env.validate_action(action)
                .map_err(|source| VectorError::Env { index, source })?;
        }
        Ok(())
    }
}

impl<E: Env, S: Schedule<E>> VectorEnv for Vectorized<E, S> {
    type Obs = E::Obs;
    type Act = E::Act;

    fn num_envs(&self) -> usize {
        self.envs.len()
    }

    // Env 0's: `new` checked that all envs agree.
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
        S::reset_all(&mut self.envs, seed)
    }

    fn step(&mut self, actions: &[E::Act]) -> Result<VecStep<E::Obs>, VectorError> {
        self.validate_actions(actions)?;
        S::step_all(&mut self.envs, &mut self.pending_reset, actions, self.mode)
    }
}

/// Checks the envs agree on their spaces.
fn check_envs<E: Env>(envs: &[E]) -> Result<(), VectorError> {
    let first = envs.first().ok_or(VectorError::NoEnvs)?;
    let (obs, act) = (first.observation_space(), first.action_space());
    for (index, env) in envs.iter().enumerate().skip(1) {
        for (expected, space) in [(&obs, env.observation_space()), (&act, env.action_space())] {
            if *expected != space {
                return Err(VectorError::SpaceMismatch {
                    index,
                    expected: expected.to_string(),
                    space: space.to_string(),
                });
            }
        }
    }
    Ok(())
}

/// Gathers per-env results in index order. Every result is consumed, so a lazy (sequential)
/// iterator still steps every env after one fails, exactly as the parallel schedule does; the
/// error of the lowest failing index is returned.
pub(super) fn collect<O>(
    results: impl IntoIterator<Item = Result<SubStep<O>, EnvError>>,
    n: usize,
) -> Result<VecStep<O>, VectorError> {
    let mut out = VecStep::with_capacity(n);
    let mut first_error = None;
    for (index, result) in results.into_iter().enumerate() {
        match result {
            Ok(s) if first_error.is_none() => out.push(s),
            Ok(_) => {}
            Err(source) => {
                first_error.get_or_insert(VectorError::Env { index, source });
            }
        }
    }
    match first_error {
        None => Ok(out),
        Some(e) => Err(e),
    }
}
