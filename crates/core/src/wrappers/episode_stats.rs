//! [`RecordEpisodeStatistics`]: episode return, length and wall time in the final step's info.
//!
//! As Gymnasium's wrapper: when a step ends the episode (terminated or truncated), its info
//! gains `"episode": {"r": return, "l": length, "t": seconds}`, and the three numbers are pushed
//! into bounded queues (the last `buffer_length` episodes). The return sums the rewards this
//! wrapper sees, so place it inside reward-normalising wrappers to record task returns.
//!
//! `set_state` in a running episode continues it (the return and length keep counting); with
//! no episode running (before the first reset, or after one ended) it starts one, as a
//! `reset` would, so the next recorded episode does not include the previous one's steps.

use std::collections::VecDeque;
use std::time::Instant;

use crate::env::{Env, EnvError, Step};
use crate::frame::Frame;
use crate::space::Space;
use crate::value::{Info, Value};

/// Records episode returns, lengths and durations.
#[derive(Debug, Clone)]
pub struct RecordEpisodeStatistics<E> {
    env: E,
    buffer_length: usize,
    episode_return: f64,
    episode_length: usize,
    episode_start: Instant,
    episode_count: usize,
    /// `true` between a reset (or an episode-starting `set_state`) and the episode's end.
    live: bool,
    returns: VecDeque<f64>,
    lengths: VecDeque<usize>,
    times: VecDeque<f64>,
}

impl<E: Env> RecordEpisodeStatistics<E> {
    /// Info key of the statistics, as Gymnasium's default `stats_key`.
    pub const STATS_KEY: &'static str = "episode";

    /// Wraps `env`, keeping the last 100 episodes (Gymnasium's default).
    pub fn new(env: E) -> Self {
        Self::with_buffer_length(env, 100)
    }

    /// Wraps `env`, keeping the last `buffer_length` episodes.
    pub fn with_buffer_length(env: E, buffer_length: usize) -> Self {
        RecordEpisodeStatistics {
            env,
            buffer_length,
            episode_return: 0.0,
            episode_length: 0,
            episode_start: Instant::now(),
            episode_count: 0,
            live: false,
            returns: VecDeque::with_capacity(buffer_length),
            lengths: VecDeque::with_capacity(buffer_length),
            times: VecDeque::with_capacity(buffer_length),
        }
    }

    /// Returns of the last (up to `buffer_length`) episodes, oldest first.
    pub fn return_queue(&self) -> &VecDeque<f64> {
        &self.returns
    }

    /// Lengths of the last episodes, oldest first.
    pub fn length_queue(&self) -> &VecDeque<usize> {
        &self.lengths
    }

    /// Durations in seconds of the last episodes, oldest first.
    pub fn time_queue(&self) -> &VecDeque<f64> {
        &self.times
    }

    /// Episodes finished since construction.
    pub fn episode_count(&self) -> usize {
        self.episode_count
    }

    wrapper_accessors!(env: E);

    fn start_episode(&mut self) {
        self.episode_start = Instant::now();
        self.episode_return = 0.0;
        self.episode_length = 0;
        self.live = true;
    }
}

fn push_bounded<T>(queue: &mut VecDeque<T>, cap: usize, x: T) {
    if cap == 0 {
        return;
    }
    if queue.len() == cap {
        queue.pop_front();
    }
    queue.push_back(x);
}

impl<E: Env> Env for RecordEpisodeStatistics<E> {
    type Obs = E::Obs;
    type Act = E::Act;

    fn observation_space(&self) -> Space {
        self.env.observation_space()
    }

    fn action_space(&self) -> Space {
        self.env.action_space()
    }

    fn reset(&mut self, seed: Option<u64>) -> (E::Obs, Info) {
        let out = self.env.reset(seed);
        self.start_episode();
        out
    }

    fn step(&mut self, action: &E::Act) -> Result<Step<E::Obs>, EnvError> {
        let mut step = self.env.step(action)?;
        self.episode_return += step.reward;
        self.episode_length += 1;
        if step.done() {
            // Gymnasium rounds to microseconds.
            let secs = (self.episode_start.elapsed().as_secs_f64() * 1e6).round() / 1e6;
            step.info.insert(
                Self::STATS_KEY.to_string(),
                Value::Dict(vec![
                    ("r".into(), Value::Float(self.episode_return)),
                    ("l".into(), Value::Int(self.episode_length as i64)),
                    ("t".into(), Value::Float(secs)),
                ]),
            );
            let cap = self.buffer_length;
            push_bounded(&mut self.returns, cap, self.episode_return);
            push_bounded(&mut self.lengths, cap, self.episode_length);
            push_bounded(&mut self.times, cap, secs);
            self.episode_count += 1;
            // The clock restarts with the next episode (`reset` or `set_state`).
            self.live = false;
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

    /// Sets the inner state; starts a new episode's statistics when none is running.
    fn set_state(&mut self, state: &[f64]) -> Result<E::Obs, EnvError> {
        let obs = self.env.set_state(state)?;
        if !self.live {
            self.start_episode();
        }
        Ok(obs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wrappers::TimeLimit;
    use crate::wrappers::test_env::Counter;

    #[test]
    fn episode_info_and_bounded_queues() -> Result<(), EnvError> {
        // Counter rewards 1, 2, 3, … and terminates at 3: return 6, length 3.
        let mut env = RecordEpisodeStatistics::with_buffer_length(Counter::new(3), 2);
        for episode in 0..3 {
            env.reset(Some(episode));
            let mut last = env.step(&vec![0.0])?;
            assert!(!last.info.contains_key("episode"));
            while !last.done() {
                last = env.step(&vec![0.0])?;
            }
            let stats = last.info.get("episode").expect("final step has statistics");
            assert_eq!(stats.get("r"), Some(&Value::Float(6.0)));
            assert_eq!(stats.get("l"), Some(&Value::Int(3)));
            let t = stats
                .get("t")
                .and_then(Value::as_f64)
                .expect("t is a float");
            assert!(t >= 0.0);
        }
        assert_eq!(env.episode_count(), 3);
        assert_eq!(env.return_queue(), &VecDeque::from(vec![6.0, 6.0]));
        assert_eq!(env.length_queue(), &VecDeque::from(vec![3, 3]));
        assert_eq!(env.time_queue().len(), 2);
        Ok(())
    }

    #[test]
    fn truncation_also_ends_an_episode() -> Result<(), EnvError> {
        let mut env = RecordEpisodeStatistics::new(TimeLimit::new(Counter::new(10), 2));
        env.reset(Some(0));
        env.step(&vec![0.0])?;
        let s = env.step(&vec![0.0])?;
        assert!(s.truncated);
        let stats = s.info.get("episode").expect("statistics on truncation");
        assert_eq!(stats.get("r"), Some(&Value::Float(3.0)));
        assert_eq!(stats.get("l"), Some(&Value::Int(2)));
        Ok(())
    }

    #[test]
    fn set_state_continues_a_running_episode_and_starts_an_ended_one() -> Result<(), EnvError> {
        // Counter rewards the count after each increment and terminates at 5.
        let mut env = RecordEpisodeStatistics::new(Counter::new(5));
        env.reset(Some(0));
        env.step(&vec![0.0])?;
        // Mid-episode: return 1 so far, then 4 and 5 after jumping to 3.
        env.set_state(&[3.0])?;
        env.step(&vec![0.0])?;
        let s = env.step(&vec![0.0])?;
        let stats = s.info.get("episode").expect("terminal step has statistics");
        assert_eq!(stats.get("r"), Some(&Value::Float(10.0)));
        assert_eq!(stats.get("l"), Some(&Value::Int(3)));
        // After the end, set_state starts a fresh episode: 4 + 5 over two steps.
        env.set_state(&[3.0])?;
        env.step(&vec![0.0])?;
        let s = env.step(&vec![0.0])?;
        let stats = s.info.get("episode").expect("terminal step has statistics");
        assert_eq!(stats.get("r"), Some(&Value::Float(9.0)));
        assert_eq!(stats.get("l"), Some(&Value::Int(2)));
        // Before any reset too.
        let mut fresh = RecordEpisodeStatistics::new(Counter::new(5));
        fresh.set_state(&[4.0])?;
        let s = fresh.step(&vec![0.0])?;
        let stats = s.info.get("episode").expect("terminal step has statistics");
        assert_eq!(stats.get("r"), Some(&Value::Float(5.0)));
        assert_eq!(stats.get("l"), Some(&Value::Int(1)));
        Ok(())
    }
}
