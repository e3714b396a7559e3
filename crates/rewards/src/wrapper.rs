//! [`Shaped`]: an env wrapper that pays a [`RewardFn`] and keeps the task reward.

use std::fmt;

use rewardlab_core::wrappers::keep_task_reward;
use rewardlab_core::{Env, EnvError, Frame, Info, Space, Step, Value};

use crate::shaping::{RewardFn, Transition};

/// Pays `reward_fn(step)` instead of the task reward; the task reward stays in
/// `info["task_reward"]` (unless an inner wrapper already stored one), so a curve under the
/// true reward can always be drawn.
///
/// The wrapper remembers the last observation (to hand the term both s and s′) and the
/// step count within the episode (`t` of [`Transition`]); `reset` and `set_state` restart
/// both and call [`RewardFn::reset`].
pub struct Shaped<E: Env, R> {
    env: E,
    reward_fn: R,
    last_obs: Option<E::Obs>,
    t: usize,
}

impl<E: Env + fmt::Debug, R> fmt::Debug for Shaped<E, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shaped")
            .field("env", &self.env)
            .field("t", &self.t)
            .finish_non_exhaustive()
    }
}

impl<E: Env, R: RewardFn<E::Obs, E::Act>> Shaped<E, R> {
    /// Wraps `env`.
    pub fn new(env: E, reward_fn: R) -> Self {
        Self {
            env,
            reward_fn,
            last_obs: None,
            t: 0,
        }
    }

    /// The wrapped env.
    pub fn inner(&self) -> &E {
        &self.env
    }

    /// The wrapped env, mutably (stepping it directly bypasses the shaping).
    pub fn inner_mut(&mut self) -> &mut E {
        &mut self.env
    }

    /// The reward term.
    pub fn reward_fn(&self) -> &R {
        &self.reward_fn
    }

    /// Unwraps into the env and the reward term.
    pub fn into_parts(self) -> (E, R) {
        (self.env, self.reward_fn)
    }

    fn restart(&mut self, obs: &E::Obs) {
        self.reward_fn.reset(obs);
        self.last_obs = Some(obs.clone());
        self.t = 0;
    }
}

impl<E: Env, R: RewardFn<E::Obs, E::Act>> Env for Shaped<E, R> {
    type Obs = E::Obs;
    type Act = E::Act;

    fn observation_space(&self) -> Space {
        self.env.observation_space()
    }

    fn action_space(&self) -> Space {
        self.env.action_space()
    }

    fn reset(&mut self, seed: Option<u64>) -> (E::Obs, Info) {
        let (obs, info) = self.env.reset(seed);
        self.restart(&obs);
        (obs, info)
    }

    fn step(&mut self, action: &E::Act) -> Result<Step<E::Obs>, EnvError> {
        // A step needs the observation it starts from; without one the env was never reset
        // through this wrapper (the inner env's own check would miss a reset made on it
        // directly).
        let Some(obs) = self.last_obs.as_ref() else {
            return Err(EnvError::ResetNeeded);
        };
        let mut step = self.env.step(action)?;
        let shaped = self.reward_fn.reward(&Transition {
            obs,
            action,
            next_obs: &step.obs,
            reward: step.reward,
            terminated: step.terminated,
            truncated: step.truncated,
            t: self.t,
        });
        keep_task_reward(&mut step.info, step.reward);
        step.reward = shaped;
        self.t += 1;
        self.last_obs = Some(step.obs.clone());
        Ok(step)
    }

    fn validate_action(&self, action: &E::Act) -> Result<(), EnvError> {
        self.env.validate_action(action)
    }

    fn state(&self) -> Option<Value> {
        self.env.state()
    }

    fn set_state(&mut self, state: &[f64]) -> Result<E::Obs, EnvError> {
        let obs = self.env.set_state(state)?;
        self.restart(&obs);
        Ok(obs)
    }

    fn render(&self) -> Result<Frame, EnvError> {
        self.env.render()
    }

    fn render_ansi(&self) -> Result<String, EnvError> {
        self.env.render_ansi()
    }
}

#[cfg(test)]
#[path = "wrapper_tests.rs"]
mod tests;
