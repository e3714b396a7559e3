//! The environment API, with Gymnasium 1.x semantics.
//!
//! Invariant: `terminated` (the task ended; stop bootstrapping) and `truncated` (the episode
//! was cut, e.g. by a time limit; bootstrap from the next observation) are separate flags.
//! Both may be set on one step.
//!
//! Invariant: every env owns its RNG. `reset(Some(seed))` restarts the stream, `reset(None)`
//! continues it, so one seed and one config give one trajectory.

use std::any::Any;

use crate::frame::Frame;
use crate::space::Space;
use crate::value::{Info, SpaceElem, Value};

/// What one `step` returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Step<O> {
    /// The observation after the step.
    pub obs: O,
    /// The reward for the transition.
    pub reward: f64,
    /// The episode reached a terminal state: do not bootstrap from `obs`.
    pub terminated: bool,
    /// The episode was cut short (time limit): `obs` is not terminal.
    pub truncated: bool,
    /// Side information.
    pub info: Info,
}

impl<O> Step<O> {
    /// Whether the episode is over for either reason.
    pub fn done(&self) -> bool {
        self.terminated || self.truncated
    }

    /// The same step with the observation mapped.
    pub fn map_obs<P>(self, f: impl FnOnce(O) -> P) -> Step<P> {
        Step {
            obs: f(self.obs),
            reward: self.reward,
            terminated: self.terminated,
            truncated: self.truncated,
            info: self.info,
        }
    }
}

/// Why an env refused a call.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EnvError {
    /// The action is not an element of the action space.
    #[error("invalid action {action}: not in the action space {space}")]
    InvalidAction {
        /// The action, printed.
        action: String,
        /// The action space, printed.
        space: String,
    },
    /// `step` was called before the first `reset` or after the episode ended.
    #[error("the episode has ended (or never started): call reset before step")]
    ResetNeeded,
    /// The env has no state that can be assigned from outside.
    #[error("this environment's state cannot be set")]
    StateNotSettable,
    /// The env has no rendering in this mode (`"rgb_array"` or `"ansi"`).
    #[error("this environment has no {mode} rendering")]
    RenderNotSupported {
        /// The render mode asked for, as Gymnasium names it.
        mode: &'static str,
    },
    /// The state offered to `set_state` is not a valid state.
    #[error("invalid state {state}: {reason}")]
    InvalidState {
        /// The state, printed.
        state: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl EnvError {
    /// The error for `action` outside `space`.
    pub fn invalid_action(action: &impl std::fmt::Debug, space: &Space) -> Self {
        EnvError::InvalidAction {
            action: format!("{action:?}"),
            space: space.to_string(),
        }
    }
}

/// A reinforcement-learning environment.
///
/// Typed envs choose their own observation and action types (`usize`, `Vec<f32>`, …);
/// [`BoxedEnv`] erases them to [`Value`] for the registry and the CLI.
pub trait Env {
    /// Observation type.
    type Obs: SpaceElem;
    /// Action type.
    type Act: SpaceElem;

    /// The space every observation lies in.
    fn observation_space(&self) -> Space;

    /// The space of accepted actions.
    fn action_space(&self) -> Space;

    /// Starts an episode. `Some(seed)` restarts the env's RNG; `None` continues its stream.
    fn reset(&mut self, seed: Option<u64>) -> (Self::Obs, Info);

    /// Advances one step. Fails with [`EnvError::InvalidAction`] for an action outside the
    /// action space and [`EnvError::ResetNeeded`] before the first reset or after the episode
    /// ended.
    fn step(&mut self, action: &Self::Act) -> Result<Step<Self::Obs>, EnvError>;

    /// Checks an action against the action space. Envs that accept more than their space
    /// (continuous-control envs clip out-of-range actions, as Gymnasium's do) override this.
    fn validate_action(&self, action: &Self::Act) -> Result<(), EnvError> {
        let space = self.action_space();
        if space.contains(&action.to_value()) {
            Ok(())
        } else {
            Err(EnvError::InvalidAction {
                action: action.to_value().to_string(),
                space: space.to_string(),
            })
        }
    }

    /// The internal state, as `env.unwrapped.state` in Gymnasium (the physical vector of a
    /// classic-control env, the integer of a tabular one); `None` where there is none.
    fn state(&self) -> Option<Value> {
        None
    }

    /// Overwrites the internal state and returns the observation of the new state. An accepted
    /// state leaves the env steppable: in a running episode the episode continues; with none
    /// running (before the first reset, or after one ended) it starts one, and wrappers with
    /// per-episode bookkeeping start theirs afresh. A refused state changes nothing. Envs whose
    /// state cannot be set that way keep this default refusal.
    fn set_state(&mut self, state: &[f64]) -> Result<Self::Obs, EnvError> {
        let _ = state;
        Err(EnvError::StateNotSettable)
    }

    /// An RGB picture of the current state (Gymnasium's `render_mode="rgb_array"`). Fails with
    /// [`EnvError::ResetNeeded`] before the first reset and with
    /// [`EnvError::RenderNotSupported`] where the env does not draw itself.
    fn render(&self) -> Result<Frame, EnvError> {
        Err(EnvError::RenderNotSupported { mode: "rgb_array" })
    }

    /// A text picture of the current state (Gymnasium's `render_mode="ansi"`), for the envs
    /// that have one (toy text, gridworlds).
    fn render_ansi(&self) -> Result<String, EnvError> {
        Err(EnvError::RenderNotSupported { mode: "ansi" })
    }

    /// For a type-erased env ([`Erased`], what the registry's `make` returns), the typed env
    /// inside it, as [`Any`]: a caller that knows the concrete type can downcast it and step
    /// it without converting actions and observations to and from [`Value`] (the throughput
    /// benchmark does, to time exactly the env `make` built). `Box` forwards; every other env
    /// returns `None`, the default.
    fn erased_inner_mut(&mut self) -> Option<&mut dyn Any> {
        None
    }
}

impl<E: Env + ?Sized> Env for Box<E> {
    type Obs = E::Obs;
    type Act = E::Act;
    fn observation_space(&self) -> Space {
        (**self).observation_space()
    }
    fn action_space(&self) -> Space {
        (**self).action_space()
    }
    fn reset(&mut self, seed: Option<u64>) -> (E::Obs, Info) {
        (**self).reset(seed)
    }
    fn step(&mut self, action: &E::Act) -> Result<Step<E::Obs>, EnvError> {
        (**self).step(action)
    }
    fn validate_action(&self, action: &E::Act) -> Result<(), EnvError> {
        (**self).validate_action(action)
    }
    fn state(&self) -> Option<Value> {
        (**self).state()
    }
    fn set_state(&mut self, state: &[f64]) -> Result<E::Obs, EnvError> {
        (**self).set_state(state)
    }
    fn render(&self) -> Result<Frame, EnvError> {
        (**self).render()
    }
    fn render_ansi(&self) -> Result<String, EnvError> {
        (**self).render_ansi()
    }
    fn erased_inner_mut(&mut self) -> Option<&mut dyn Any> {
        (**self).erased_inner_mut()
    }
}

/// An environment with observations and actions erased to [`Value`]: what the registry's
/// `make` returns.
pub type BoxedEnv = Box<dyn Env<Obs = Value, Act = Value> + Send>;

/// Adapts a typed env to [`Value`] observations and actions.
#[derive(Debug, Clone)]
pub struct Erased<E>(pub E);

impl<E: Env + Send + 'static> Erased<E> {
    /// The env as a [`BoxedEnv`].
    pub fn boxed(env: E) -> BoxedEnv {
        Box::new(Erased(env))
    }

    fn typed_action(&self, action: &Value) -> Result<E::Act, EnvError> {
        E::Act::from_value_ref(action).map_err(|_| EnvError::InvalidAction {
            action: action.to_string(),
            space: self.0.action_space().to_string(),
        })
    }
}

impl<E: Env + Send + 'static> Env for Erased<E> {
    type Obs = Value;
    type Act = Value;
    fn observation_space(&self) -> Space {
        self.0.observation_space()
    }
    fn action_space(&self) -> Space {
        self.0.action_space()
    }
    fn reset(&mut self, seed: Option<u64>) -> (Value, Info) {
        let (obs, info) = self.0.reset(seed);
        (obs.into_value(), info)
    }
    /// Steps with the action borrowed from inside the `Value` where the typed action is stored
    /// there as is (box actions), converted otherwise (scalars): no action is copied, so a step
    /// allocates only what the inner env does and the observation's `Value`.
    fn step(&mut self, action: &Value) -> Result<Step<Value>, EnvError> {
        let step = match E::Act::borrow_from_value(action) {
            Some(typed) => self.0.step(typed)?,
            None => self.0.step(&self.typed_action(action)?)?,
        };
        Ok(step.map_obs(|o| o.into_value()))
    }
    fn validate_action(&self, action: &Value) -> Result<(), EnvError> {
        match E::Act::borrow_from_value(action) {
            Some(typed) => self.0.validate_action(typed),
            None => self.0.validate_action(&self.typed_action(action)?),
        }
    }
    fn state(&self) -> Option<Value> {
        self.0.state()
    }
    fn set_state(&mut self, state: &[f64]) -> Result<Value, EnvError> {
        Ok(self.0.set_state(state)?.into_value())
    }
    fn render(&self) -> Result<Frame, EnvError> {
        self.0.render()
    }
    fn render_ansi(&self) -> Result<String, EnvError> {
        self.0.render_ansi()
    }
    fn erased_inner_mut(&mut self) -> Option<&mut dyn Any> {
        Some(&mut self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wrappers::TimeLimit;
    use crate::wrappers::test_env::Counter;

    #[test]
    fn the_typed_env_inside_an_erased_one_is_reachable_and_is_the_same_env() -> Result<(), EnvError>
    {
        let mut boxed = Erased::boxed(TimeLimit::new(Counter::new(10), 3));
        boxed.reset(Some(0));
        boxed.step(&Value::F32(vec![0.5]))?;
        let inner = boxed
            .erased_inner_mut()
            .and_then(|any| any.downcast_mut::<TimeLimit<Counter>>())
            .expect("make-style envs are Erased<TimeLimit<_>>");
        assert_eq!(inner.elapsed_steps(), 1);
        // A typed step moves the erased env too: one env, two views.
        let step = inner.step(&vec![0.5])?;
        assert_eq!(step.reward, 2.0);
        assert!(boxed.step(&Value::F32(vec![0.5]))?.truncated);
        // The wrong type does not downcast; a typed env has no erased inner env.
        assert!(
            boxed
                .erased_inner_mut()
                .and_then(|any| any.downcast_mut::<Counter>())
                .is_none()
        );
        assert!(Counter::new(1).erased_inner_mut().is_none());
        Ok(())
    }

    #[test]
    fn erased_actions_convert_by_reference_and_refuse_other_kinds() -> Result<(), EnvError> {
        let mut boxed = Erased::boxed(Counter::new(10));
        boxed.reset(Some(0));
        let action = Value::F32(vec![0.25]);
        let step = boxed.step(&action)?;
        assert_eq!(step.info.get("action"), Some(&action));
        assert!(matches!(
            boxed.step(&Value::Int(1)),
            Err(EnvError::InvalidAction { .. })
        ));
        assert!(matches!(
            boxed.validate_action(&Value::F64(vec![0.0])),
            Err(EnvError::InvalidAction { .. })
        ));
        Ok(())
    }
}
