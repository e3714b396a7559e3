//! [`TimeAwareObservation`]: the elapsed step count appended to the observation.
//!
//! Gymnasium 1.x's wrapper with `flatten=True`: the observation becomes `[obs..., t]`, where
//! `t` is the number of steps since the last reset (0 at reset), or `t / max_steps` with
//! `normalize_time`. The flattened space is the inner box (as one dimension) extended with the
//! bound `[0, max_steps]` (or `[0, 1]`). Gymnasium reads `max_steps` from the spec's time
//! limit; here the caller passes it, normally the same value as the inner [`super::TimeLimit`].
//! `set_state` keeps `t` in a running episode, as `TimeLimit` keeps its count, and restarts it at
//! 0 when no episode is running (before the first reset, or after one ended), as `TimeLimit`
//! starts a new episode then.

use crate::env::{Env, EnvError, Step};
use crate::frame::Frame;
use crate::space::{BoxSpace, DType, Space};
use crate::value::{Info, Value};

use super::{WrapperError, require_box};

/// Appends the time step to box observations.
#[derive(Debug, Clone)]
pub struct TimeAwareObservation<E> {
    env: E,
    max_steps: usize,
    normalize_time: bool,
    inner_space: BoxSpace,
    t: usize,
    /// `true` between a reset (or an episode-starting `set_state`) and the episode's end.
    live: bool,
}

impl<E: Env<Obs = Vec<f32>>> TimeAwareObservation<E> {
    /// Wraps an env with a box observation space; `max_steps ≥ 1` bounds the time feature.
    pub fn new(env: E, max_steps: usize, normalize_time: bool) -> Result<Self, WrapperError> {
        if max_steps == 0 {
            return Err(WrapperError::InvalidParameter {
                wrapper: "TimeAwareObservation",
                name: "max_steps",
                value: "0".into(),
                reason: "must be at least 1",
            });
        }
        let inner_space = require_box(
            env.observation_space(),
            "TimeAwareObservation",
            "observation",
        )?;
        Ok(TimeAwareObservation {
            env,
            max_steps,
            normalize_time,
            inner_space,
            t: 0,
            live: false,
        })
    }

    /// Steps since the last reset.
    pub fn elapsed_steps(&self) -> usize {
        self.t
    }

    wrapper_accessors!(env: E);

    fn append_time(&self, mut obs: Vec<f32>) -> Vec<f32> {
        let t = if self.normalize_time {
            (self.t as f64 / self.max_steps as f64) as f32
        } else {
            self.t as f32
        };
        obs.push(t);
        obs
    }
}

impl<E: Env<Obs = Vec<f32>>> Env for TimeAwareObservation<E> {
    type Obs = Vec<f32>;
    type Act = E::Act;

    fn observation_space(&self) -> Space {
        let top = if self.normalize_time {
            1.0
        } else {
            self.max_steps as f64
        };
        let mut low = self.inner_space.low.clone();
        let mut high = self.inner_space.high.clone();
        low.push(0.0);
        high.push(top);
        Space::Box(BoxSpace::from_bounds(low, high, DType::F32))
    }

    fn action_space(&self) -> Space {
        self.env.action_space()
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info) {
        self.t = 0;
        self.live = true;
        let (obs, info) = self.env.reset(seed);
        (self.append_time(obs), info)
    }

    fn step(&mut self, action: &E::Act) -> Result<Step<Vec<f32>>, EnvError> {
        let step = self.env.step(action)?;
        self.t += 1;
        if step.done() {
            self.live = false;
        }
        Ok(step.map_obs(|o| self.append_time(o)))
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

    fn set_state(&mut self, state: &[f64]) -> Result<Vec<f32>, EnvError> {
        let obs = self.env.set_state(state)?;
        if !self.live {
            self.t = 0;
            self.live = true;
        }
        Ok(self.append_time(obs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wrappers::test_env::Counter;

    #[test]
    fn appends_the_step_count() -> Result<(), EnvError> {
        let mut env = TimeAwareObservation::new(Counter::new(10), 4, false).expect("box");
        assert_eq!(
            env.observation_space(),
            Space::Box(BoxSpace::from_bounds(
                vec![0.0, -100.0, 0.0],
                vec![100.0, 0.0, 4.0],
                DType::F32
            ))
        );
        assert_eq!(env.reset(Some(0)).0, vec![0.0, 0.0, 0.0]);
        assert_eq!(env.step(&vec![0.0])?.obs, vec![1.0, -1.0, 1.0]);
        assert_eq!(env.step(&vec![0.0])?.obs, vec![2.0, -2.0, 2.0]);
        assert_eq!(env.set_state(&[7.0])?, vec![7.0, -7.0, 2.0]);
        assert_eq!(env.reset(None).0, vec![0.0, 0.0, 0.0]);
        Ok(())
    }

    #[test]
    fn normalised_time() -> Result<(), EnvError> {
        let mut env = TimeAwareObservation::new(Counter::new(10), 4, true).expect("box");
        env.reset(Some(0));
        assert_eq!(env.step(&vec![0.0])?.obs, vec![1.0, -1.0, 0.25]);
        let Space::Box(b) = env.observation_space() else {
            panic!("a box space");
        };
        assert_eq!(b.high.last(), Some(&1.0));
        assert!(TimeAwareObservation::new(Counter::new(10), 0, true).is_err());
        Ok(())
    }

    #[test]
    fn set_state_restarts_the_time_only_when_no_episode_runs() -> Result<(), EnvError> {
        let mut env = TimeAwareObservation::new(Counter::new(3), 10, false).expect("box");
        // Before any reset: t starts at 0.
        assert_eq!(env.set_state(&[1.0])?, vec![1.0, -1.0, 0.0]);
        assert_eq!(env.step(&vec![0.0])?.obs, vec![2.0, -2.0, 1.0]);
        // Mid-episode: kept.
        assert_eq!(env.set_state(&[0.0])?, vec![0.0, 0.0, 1.0]);
        env.step(&vec![0.0])?;
        env.step(&vec![0.0])?;
        let last = env.step(&vec![0.0])?;
        assert!(last.terminated);
        assert_eq!(last.obs, vec![3.0, -3.0, 4.0]);
        // After the episode ended: restarted.
        assert_eq!(env.set_state(&[2.0])?, vec![2.0, -2.0, 0.0]);
        Ok(())
    }
}
