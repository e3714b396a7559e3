//! [`TimeLimit`]: truncates episodes after a fixed number of steps (Gymnasium's `TimeLimit`).
//!
//! The wrapper only ever sets `truncated`; an inner `terminated` passes through untouched, so
//! a step that both reaches the goal and hits the limit reports both flags. Unlike Gymnasium
//! (which leaves that to the order-enforcing wrapper), stepping after the episode ended is an
//! error here ([`EnvError::ResetNeeded`]), so a runaway loop cannot silently run past the limit.
//!
//! `set_state` makes the episode steppable, as it does for a bare env (a tabular env's
//! `set_state` starts or continues an episode): set in the middle of an episode it keeps the
//! elapsed count, so the limit still counts from the episode's reset; set when no episode is
//! running (before the first reset, or after one ended) it starts one at count 0, since a count
//! left at the limit would truncate the new episode on its first step.

use crate::env::{Env, EnvError, Step};
use crate::frame::Frame;
use crate::space::Space;
use crate::value::{Info, Value};

/// Cuts every episode after `max_episode_steps` steps by setting `truncated`.
#[derive(Debug, Clone)]
pub struct TimeLimit<E> {
    env: E,
    max_episode_steps: usize,
    elapsed: usize,
    /// `true` from construction until the first reset, and after an episode ended.
    needs_reset: bool,
}

impl<E: Env> TimeLimit<E> {
    /// Wraps `env`, truncating its episodes after `max_episode_steps` steps.
    pub fn new(env: E, max_episode_steps: usize) -> Self {
        TimeLimit {
            env,
            max_episode_steps,
            elapsed: 0,
            needs_reset: true,
        }
    }

    /// The step limit.
    pub fn max_episode_steps(&self) -> usize {
        self.max_episode_steps
    }

    /// Steps taken in the current episode.
    pub fn elapsed_steps(&self) -> usize {
        self.elapsed
    }

    wrapper_accessors!(env: E);
}

impl<E: Env> Env for TimeLimit<E> {
    type Obs = E::Obs;
    type Act = E::Act;

    fn observation_space(&self) -> Space {
        self.env.observation_space()
    }

    fn action_space(&self) -> Space {
        self.env.action_space()
    }

    fn reset(&mut self, seed: Option<u64>) -> (E::Obs, Info) {
        self.elapsed = 0;
        self.needs_reset = false;
        self.env.reset(seed)
    }

    fn step(&mut self, action: &E::Act) -> Result<Step<E::Obs>, EnvError> {
        if self.needs_reset {
            return Err(EnvError::ResetNeeded);
        }
        let mut step = self.env.step(action)?;
        self.elapsed += 1;
        if self.elapsed >= self.max_episode_steps {
            step.truncated = true;
        }
        if step.done() {
            self.needs_reset = true;
        }
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

    /// Sets the inner state and makes the episode steppable. In a running episode the elapsed
    /// step count is kept, so the limit still counts from the episode's reset; with no episode
    /// running the new one starts at count 0. A refused state changes nothing.
    fn set_state(&mut self, state: &[f64]) -> Result<E::Obs, EnvError> {
        let obs = self.env.set_state(state)?;
        if self.needs_reset {
            self.elapsed = 0;
            self.needs_reset = false;
        }
        Ok(obs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wrappers::test_env::Counter;

    #[test]
    fn truncates_at_the_limit_and_then_needs_a_reset() -> Result<(), EnvError> {
        let mut env = TimeLimit::new(Counter::new(10), 3);
        assert_eq!(env.step(&vec![0.0]), Err(EnvError::ResetNeeded));
        env.reset(Some(0));
        for t in 1..=2 {
            let s = env.step(&vec![0.0])?;
            assert!(!s.truncated && !s.terminated, "step {t}");
        }
        let s = env.step(&vec![0.0])?;
        assert!(s.truncated && !s.terminated);
        assert_eq!(env.elapsed_steps(), 3);
        assert_eq!(env.step(&vec![0.0]), Err(EnvError::ResetNeeded));
        env.reset(None);
        assert_eq!(env.elapsed_steps(), 0);
        assert!(!env.step(&vec![0.0])?.truncated);
        Ok(())
    }

    #[test]
    fn both_flags_on_one_step_and_termination_ends_the_episode() -> Result<(), EnvError> {
        let mut env = TimeLimit::new(Counter::new(2), 2);
        env.reset(Some(0));
        env.step(&vec![0.0])?;
        let s = env.step(&vec![0.0])?;
        assert!(s.terminated && s.truncated);

        let mut env = TimeLimit::new(Counter::new(1), 5);
        env.reset(Some(0));
        let s = env.step(&vec![0.0])?;
        assert!(s.terminated && !s.truncated);
        assert_eq!(env.step(&vec![0.0]), Err(EnvError::ResetNeeded));
        Ok(())
    }

    #[test]
    fn forwards_validation_and_state_and_keeps_the_count() -> Result<(), EnvError> {
        let mut env = TimeLimit::new(Counter::new(50), 3);
        assert!(env.validate_action(&vec![2.0]).is_err());
        assert!(env.validate_action(&vec![0.5]).is_ok());
        env.reset(Some(0));
        env.step(&vec![0.0])?;
        assert_eq!(env.set_state(&[7.0])?, vec![7.0, -7.0]);
        assert_eq!(env.state(), Some(Value::Int(7)));
        assert_eq!(env.elapsed_steps(), 1);
        env.step(&vec![0.0])?;
        assert!(env.step(&vec![0.0])?.truncated);
        assert_eq!(env.max_episode_steps(), 3);
        assert_eq!(env.inner().state(), Some(Value::Int(9)));
        Ok(())
    }

    #[test]
    fn set_state_starts_an_episode_when_none_is_running() -> Result<(), EnvError> {
        // Before any reset: the bare counter would step after set_state, so must the wrapper.
        let mut env = TimeLimit::new(Counter::new(50), 2);
        assert_eq!(env.set_state(&[36.0])?, vec![36.0, -36.0]);
        let s = env.step(&vec![0.0])?;
        assert_eq!((s.reward, s.truncated), (37.0, false));
        assert_eq!(env.elapsed_steps(), 1);
        assert!(env.step(&vec![0.0])?.truncated);
        // After truncation: a fresh episode with the full limit, not an instant truncation.
        env.set_state(&[3.0])?;
        assert_eq!(env.elapsed_steps(), 0);
        assert!(!env.step(&vec![0.0])?.truncated);
        assert!(env.step(&vec![0.0])?.truncated);
        // A refused state leaves the ended episode ended.
        assert!(env.set_state(&[-1.0]).is_err());
        assert_eq!(env.step(&vec![0.0]), Err(EnvError::ResetNeeded));
        Ok(())
    }

    #[test]
    fn set_state_on_a_tabular_env_before_reset() -> Result<(), EnvError> {
        use crate::mdp::MdpBuilder;
        use crate::tabular::TabularEnv;
        // A two-state chain: action 0 moves 0 -> 1 (terminal) with reward 1.
        let mut b = MdpBuilder::new(2, 1);
        b.transition(0, 0, 1, 1.0, 1.0).initial_state(0).terminal(1);
        let mdp = std::sync::Arc::new(b.build().expect("a valid model"));
        let mut bare = TabularEnv::new(mdp.clone());
        bare.set_state(&[0.0])?;
        let want = bare.step(&0)?;
        let mut env = TimeLimit::new(TabularEnv::new(mdp), 5);
        env.set_state(&[0.0])?;
        let got = env.step(&0)?;
        assert_eq!((got.obs, got.reward, got.terminated), (1, 1.0, true));
        assert_eq!((got.obs, got.reward), (want.obs, want.reward));
        Ok(())
    }
}
