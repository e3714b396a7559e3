//! [`Typed`]: the inverse of [`Erased`](crate::Erased), from a [`Value`] env back to a typed one.
//!
//! The registry's `make` returns a [`BoxedEnv`](crate::BoxedEnv) whose observations and actions
//! are [`Value`]s, while learners and wrappers are written against typed envs
//! (`Env<Obs = usize, Act = usize>` for the tabular learners, `Env<Obs = Vec<f32>>` for the
//! observation wrappers). `Typed<E, O, A>` presents any `Env<Obs = Value, Act = Value>` as an
//! `Env<Obs = O, Act = A>`.
//!
//! Design: the types are checked once, up front, against the spaces. [`Typed::new`] samples
//! one element of each space with a fixed-seed [`SpaceSampler`] and requires it to convert,
//! so asking for `Vec<f32>` observations of a `Discrete` env fails at construction with a
//! [`TypedError`] naming the space and the wanted type, not in the middle of training. One
//! sample is a spot check, not a proof: a space whose elements convert only in part (a
//! `Discrete` starting below 0 seen as `usize`) can pass it. So every observation is still
//! converted with [`SpaceElem::from_value`]; one that fails means the inner env left its own
//! observation space, and `step`/`set_state` report it as [`EnvError::InvalidState`] while
//! `reset`, which cannot fail, panics. Actions go the other way with
//! [`SpaceElem::to_value`], and observations are moved, not cloned
//! ([`SpaceElem::into_value`] on the erasing side, `from_value` by value here).

use std::any::type_name;
use std::fmt;
use std::marker::PhantomData;

use crate::env::{Env, EnvError, Step};
use crate::frame::Frame;
use crate::space::{Space, SpaceSampler};
use crate::value::{Info, SpaceElem, Value, ValueTypeError};

/// Seed of the sampler that spot-checks the spaces in [`Typed::new`]; fixed so that a
/// construction that succeeds once succeeds every time.
const CHECK_SEED: u64 = 0;

/// Why [`Typed::new`] refused an env: a space whose elements are not of the wanted type.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the {role} {space} does not fit the type {wanted}: {reason}")]
pub struct TypedError {
    /// `"observation space"` or `"action space"`.
    pub role: &'static str,
    /// The space, printed.
    pub space: String,
    /// The Rust type that was asked for.
    pub wanted: &'static str,
    /// How the sampled element failed to convert.
    pub reason: ValueTypeError,
}

/// An `Env<Obs = Value, Act = Value>` (such as a [`BoxedEnv`](crate::BoxedEnv)) seen as an
/// `Env<Obs = O, Act = A>`.
///
/// ```
/// use std::sync::Arc;
/// use rewardlab_core::mdp::MdpBuilder;
/// use rewardlab_core::tabular::TabularEnv;
/// use rewardlab_core::{Env, Erased, Typed};
///
/// let mut b = MdpBuilder::new(2, 1);
/// b.transition(0, 0, 1, 1.0, 1.0);
/// b.initial_state(0).terminal(1);
/// let boxed = Erased::boxed(TabularEnv::new(Arc::new(b.build()?)));
/// let mut env = Typed::<_, usize, usize>::new(boxed)?;
/// assert_eq!(env.reset(Some(0)).0, 0);
/// assert_eq!(env.step(&0)?.obs, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Typed<E, O, A> {
    env: E,
    // `fn() -> _` keeps `Typed` `Send`/`Sync` exactly when `E` is: no `O` or `A` is stored.
    types: PhantomData<fn() -> (O, A)>,
}

impl<E: fmt::Debug, O, A> fmt::Debug for Typed<E, O, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Typed")
            .field("env", &self.env)
            .field("obs", &type_name::<O>())
            .field("act", &type_name::<A>())
            .finish()
    }
}

impl<E: Clone, O, A> Clone for Typed<E, O, A> {
    fn clone(&self) -> Self {
        Self {
            env: self.env.clone(),
            types: PhantomData,
        }
    }
}

impl<E, O, A> Typed<E, O, A>
where
    E: Env<Obs = Value, Act = Value>,
    O: SpaceElem,
    A: SpaceElem,
{
    /// Wraps `env` after checking that a sampled observation converts to `O` and a sampled
    /// action to `A`; the error names the space and the type that do not fit.
    pub fn new(env: E) -> Result<Self, TypedError> {
        fits::<O>(env.observation_space(), "observation space")?;
        fits::<A>(env.action_space(), "action space")?;
        Ok(Self {
            env,
            types: PhantomData,
        })
    }
}

impl<E, O, A> Typed<E, O, A> {
    /// The wrapped env.
    pub fn inner(&self) -> &E {
        &self.env
    }

    /// The wrapped env, mutably.
    pub fn inner_mut(&mut self) -> &mut E {
        &mut self.env
    }

    /// Unwraps the env.
    pub fn into_inner(self) -> E {
        self.env
    }
}

/// Checks that one fixed-seed sample of `space` converts to `T`.
fn fits<T: SpaceElem>(space: Space, role: &'static str) -> Result<(), TypedError> {
    let sample = SpaceSampler::new(space.clone(), CHECK_SEED).sample();
    match T::from_value(sample) {
        Ok(_) => Ok(()),
        Err(reason) => Err(TypedError {
            role,
            space: space.to_string(),
            wanted: type_name::<T>(),
            reason,
        }),
    }
}

impl<E, O, A> Typed<E, O, A>
where
    E: Env<Obs = Value, Act = Value>,
    O: SpaceElem,
{
    /// Why an observation of the inner env did not convert to `O`.
    fn obs_mismatch(&self, err: &ValueTypeError) -> String {
        format!(
            "the wrapped env returned an observation that does not convert to {}: {err}; \
             it left its own observation space {}",
            type_name::<O>(),
            self.env.observation_space(),
        )
    }
}

impl<E, O, A> Env for Typed<E, O, A>
where
    E: Env<Obs = Value, Act = Value>,
    O: SpaceElem,
    A: SpaceElem,
{
    type Obs = O;
    type Act = A;

    fn observation_space(&self) -> Space {
        self.env.observation_space()
    }

    fn action_space(&self) -> Space {
        self.env.action_space()
    }

    /// # Panics
    ///
    /// If the inner env's observation does not convert to `O`: the env broke its own
    /// observation space (which [`Typed::new`] checked to fit `O`), and `reset` has no error
    /// to return. `step` and `set_state` report the same fault as [`EnvError::InvalidState`].
    fn reset(&mut self, seed: Option<u64>) -> (O, Info) {
        let (obs, info) = self.env.reset(seed);
        match O::from_value(obs) {
            Ok(obs) => (obs, info),
            Err(err) => panic!("Typed::reset: {}", self.obs_mismatch(&err)),
        }
    }

    fn step(&mut self, action: &A) -> Result<Step<O>, EnvError> {
        let step = self.env.step(&action.to_value())?;
        match O::from_value(step.obs) {
            Ok(obs) => Ok(Step {
                obs,
                reward: step.reward,
                terminated: step.terminated,
                truncated: step.truncated,
                info: step.info,
            }),
            Err(err) => Err(EnvError::InvalidState {
                // The error already holds the observation, printed.
                state: err.got.clone(),
                reason: self.obs_mismatch(&err),
            }),
        }
    }

    fn validate_action(&self, action: &A) -> Result<(), EnvError> {
        self.env.validate_action(&action.to_value())
    }

    fn state(&self) -> Option<Value> {
        self.env.state()
    }

    fn render(&self) -> Result<Frame, EnvError> {
        self.env.render()
    }

    fn render_ansi(&self) -> Result<String, EnvError> {
        self.env.render_ansi()
    }

    fn set_state(&mut self, state: &[f64]) -> Result<O, EnvError> {
        let obs = self.env.set_state(state)?;
        O::from_value(obs).map_err(|err| EnvError::InvalidState {
            state: format!("{state:?}"),
            reason: self.obs_mismatch(&err),
        })
    }
}

#[cfg(test)]
#[path = "typed_tests.rs"]
mod tests;
