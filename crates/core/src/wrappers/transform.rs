//! [`TransformObservation`] and [`TransformReward`]: wrappers around caller-supplied closures.
//!
//! The observation closure may change the observation type; the caller states the new
//! observation space, as Gymnasium's `TransformObservation(env, func, observation_space)`.
//! The reward closure keeps the task reward in the info (see [`super::TASK_REWARD_KEY`]).

use std::fmt;

use crate::env::{Env, EnvError, Step};
use crate::frame::Frame;
use crate::space::Space;
use crate::value::{Info, SpaceElem, Value};

use super::keep_task_reward;

/// Maps every observation (from `reset`, `step` and `set_state`) through a closure.
pub struct TransformObservation<E, F> {
    env: E,
    func: F,
    space: Space,
}

impl<E, F> fmt::Debug for TransformObservation<E, F>
where
    E: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransformObservation")
            .field("env", &self.env)
            .field("space", &self.space)
            .finish_non_exhaustive()
    }
}

impl<E, F, O> TransformObservation<E, F>
where
    E: Env,
    F: FnMut(E::Obs) -> O,
    O: SpaceElem,
{
    /// Wraps `env`; `observation_space` is the space the transformed observations lie in.
    pub fn new(env: E, func: F, observation_space: Space) -> Self {
        TransformObservation {
            env,
            func,
            space: observation_space,
        }
    }

    wrapper_accessors!(env: E);
}

impl<E, F, O> Env for TransformObservation<E, F>
where
    E: Env,
    F: FnMut(E::Obs) -> O,
    O: SpaceElem,
{
    type Obs = O;
    type Act = E::Act;

    fn observation_space(&self) -> Space {
        self.space.clone()
    }

    fn action_space(&self) -> Space {
        self.env.action_space()
    }

    fn reset(&mut self, seed: Option<u64>) -> (O, Info) {
        let (obs, info) = self.env.reset(seed);
        ((self.func)(obs), info)
    }

    fn step(&mut self, action: &E::Act) -> Result<Step<O>, EnvError> {
        Ok(self.env.step(action)?.map_obs(&mut self.func))
    }

    fn validate_action(&self, action: &E::Act) -> Result<(), EnvError> {
        self.env.validate_action(action)
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
        Ok((self.func)(self.env.set_state(state)?))
    }
}

/// Maps every reward through a closure, keeping the original as the task reward.
pub struct TransformReward<E, F> {
    env: E,
    func: F,
}

impl<E: fmt::Debug, F> fmt::Debug for TransformReward<E, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransformReward")
            .field("env", &self.env)
            .finish_non_exhaustive()
    }
}

impl<E: Env, F: FnMut(f64) -> f64> TransformReward<E, F> {
    /// Wraps `env`, rewarding `func(r)` instead of `r`.
    pub fn new(env: E, func: F) -> Self {
        TransformReward { env, func }
    }

    wrapper_accessors!(env: E);
}

impl<E: Env, F: FnMut(f64) -> f64> Env for TransformReward<E, F> {
    type Obs = E::Obs;
    type Act = E::Act;

    fn observation_space(&self) -> Space {
        self.env.observation_space()
    }

    fn action_space(&self) -> Space {
        self.env.action_space()
    }

    fn reset(&mut self, seed: Option<u64>) -> (E::Obs, Info) {
        self.env.reset(seed)
    }

    fn step(&mut self, action: &E::Act) -> Result<Step<E::Obs>, EnvError> {
        let mut step = self.env.step(action)?;
        keep_task_reward(&mut step.info, step.reward);
        step.reward = (self.func)(step.reward);
        Ok(step)
    }

    fn validate_action(&self, action: &E::Act) -> Result<(), EnvError> {
        self.env.validate_action(action)
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

    fn set_state(&mut self, state: &[f64]) -> Result<E::Obs, EnvError> {
        self.env.set_state(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::{BoxSpace, DType};
    use crate::wrappers::TASK_REWARD_KEY;
    use crate::wrappers::test_env::Counter;

    #[test]
    fn observation_closure_applies_everywhere() -> Result<(), EnvError> {
        let space = Space::Box(BoxSpace::uniform(&[1], 0.0, 200.0, DType::F32));
        let mut env = TransformObservation::new(
            Counter::new(10),
            |o: Vec<f32>| vec![o[0] * 2.0],
            space.clone(),
        );
        assert_eq!(env.observation_space(), space);
        assert_eq!(env.reset(Some(0)).0, vec![0.0]);
        assert_eq!(env.step(&vec![0.0])?.obs, vec![2.0]);
        assert_eq!(env.set_state(&[5.0])?, vec![10.0]);
        assert_eq!(env.state(), Some(Value::Int(5)));
        assert!(env.validate_action(&vec![3.0]).is_err());
        Ok(())
    }

    #[test]
    fn reward_closure_keeps_the_innermost_task_reward() -> Result<(), EnvError> {
        let inner = TransformReward::new(Counter::new(10), |r| r * 10.0);
        let mut env = TransformReward::new(inner, |r| r + 1.0);
        env.reset(Some(0));
        env.step(&vec![0.0])?;
        let s = env.step(&vec![0.0])?;
        // Task reward 2, inner ×10 = 20, outer +1 = 21.
        assert_eq!(s.reward, 21.0);
        assert_eq!(s.info.get(TASK_REWARD_KEY), Some(&Value::Float(2.0)));
        Ok(())
    }
}
