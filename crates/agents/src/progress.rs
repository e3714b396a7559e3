//! Episode bookkeeping shared by the trainers: the last-100 window, the threshold statistic,
//! periodic-evaluation results, and the summary written to `summary.json`.
//!
//! `steps_to_threshold` is the first global step at which the mean return of the last 100
//! *finished training episodes* reached the env's reward threshold, counting only once 100
//! episodes have finished (as `bench/peers/sb3_cartpole.py` measures Stable-Baselines3);
//! `seconds_to_threshold` is the wall time at that step since training started (a resumed run
//! adds the time of its earlier sessions).

use std::collections::VecDeque;
use std::time::Instant;

use rewardlab_core::metrics::MetricSink;

use crate::task::EpisodeEnd;

/// Episodes in the moving window.
pub const WINDOW: usize = 100;

/// Metric names (CleanRL's namespacing).
pub mod names {
    /// Undiscounted return of a finished training episode (raw rewards).
    pub const EPISODIC_RETURN: &str = "charts/episodic_return";
    /// Sum of the rewards the learner trained on over a finished training episode, when a
    /// [`RewardHook`](crate::task::RewardHook) replaced the task reward.
    pub const EPISODIC_SHAPED_RETURN: &str = "charts/episodic_shaped_return";
    /// Length of a finished training episode.
    pub const EPISODIC_LENGTH: &str = "charts/episodic_length";
    /// 1 if a finished training episode succeeded (MiniGrid), else 0.
    pub const EPISODIC_SUCCESS: &str = "charts/episodic_success";
    /// Environment steps per second since the start of this session (a timing column).
    pub const SPS: &str = "charts/sps";
    /// The learning rate in use.
    pub const LEARNING_RATE: &str = "charts/learning_rate";
    /// Mean return of the periodic greedy evaluation.
    pub const EVAL_MEAN_RETURN: &str = "eval/mean_return";
    /// Success rate of the periodic greedy evaluation (MiniGrid).
    pub const EVAL_SUCCESS_RATE: &str = "eval/success_rate";
    /// Metrics whose values depend on wall-clock time (left out of determinism checks).
    pub const TIMING: &[&str] = &[SPS];
}

/// What a progress display shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Environment steps so far.
    pub global_step: u64,
    /// Steps the run will take.
    pub total_steps: u64,
    /// Finished training episodes.
    pub episodes: u64,
    /// Mean return of the last (up to) 100 training episodes.
    pub mean_return: Option<f64>,
    /// Steps per second in this session.
    pub sps: f64,
}

/// The state of a run's bookkeeping; saved with checkpoints so `--resume` continues it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Tracker {
    returns: VecDeque<f64>,
    successes: VecDeque<bool>,
    episodes: u64,
    threshold: Option<f64>,
    steps_to_threshold: Option<u64>,
    seconds_to_threshold: Option<f64>,
    best_eval: Option<f64>,
    last_eval: Option<f64>,
    has_success: bool,
    /// Wall seconds of earlier sessions of this run (resume).
    earlier_seconds: f64,
    #[serde(skip, default = "Instant::now")]
    started: Instant,
    #[serde(skip)]
    session_start_step: u64,
}

impl Tracker {
    /// A fresh tracker; `threshold` is the return to reach (none: never reached).
    pub fn new(threshold: Option<f64>, has_success: bool) -> Self {
        Tracker {
            returns: VecDeque::with_capacity(WINDOW),
            successes: VecDeque::with_capacity(WINDOW),
            episodes: 0,
            threshold,
            steps_to_threshold: None,
            seconds_to_threshold: None,
            best_eval: None,
            last_eval: None,
            has_success,
            earlier_seconds: 0.0,
            started: Instant::now(),
            session_start_step: 0,
        }
    }

    /// Starts a new session at `global_step` (after a resume): the clock keeps the time spent
    /// so far and steps/s count from here.
    pub fn resume_session(&mut self, global_step: u64) {
        // A tracker read from a checkpoint holds the time up to that checkpoint.
        self.started = Instant::now();
        self.session_start_step = global_step;
    }

    /// A copy to save in a checkpoint: the time spent so far travels with it, so a resumed run
    /// keeps counting from there.
    pub fn snapshot(&self) -> Tracker {
        let mut copy = self.clone();
        copy.earlier_seconds = self.wall_seconds();
        copy.started = Instant::now();
        copy
    }

    /// Seconds of training so far, earlier sessions included.
    pub fn wall_seconds(&self) -> f64 {
        self.earlier_seconds + self.started.elapsed().as_secs_f64()
    }

    /// Steps per second in this session.
    pub fn sps(&self, global_step: u64) -> f64 {
        let secs = self.started.elapsed().as_secs_f64();
        if secs > 0.0 {
            global_step.saturating_sub(self.session_start_step) as f64 / secs
        } else {
            0.0
        }
    }

    /// Whether the last-100 mean has reached the threshold.
    pub fn threshold_reached(&self) -> bool {
        self.steps_to_threshold.is_some()
    }

    /// Finished training episodes.
    pub fn episodes(&self) -> u64 {
        self.episodes
    }

    /// Records a finished training episode at `global_step` and logs it. The window, the
    /// threshold and the summary use the task return `ep.ret`; a shaped return is only logged.
    pub fn on_episode(
        &mut self,
        global_step: u64,
        ep: &EpisodeEnd,
        sink: &mut dyn MetricSink,
    ) -> std::io::Result<()> {
        self.episodes += 1;
        if self.returns.len() == WINDOW {
            self.returns.pop_front();
            self.successes.pop_front();
        }
        self.returns.push_back(ep.ret);
        self.successes.push_back(ep.success);
        sink.record(global_step, self.episodes, names::EPISODIC_RETURN, ep.ret)?;
        if let Some(shaped) = ep.shaped_ret {
            sink.record(
                global_step,
                self.episodes,
                names::EPISODIC_SHAPED_RETURN,
                shaped,
            )?;
        }
        sink.record(
            global_step,
            self.episodes,
            names::EPISODIC_LENGTH,
            ep.len as f64,
        )?;
        if self.has_success {
            let s = if ep.success { 1.0 } else { 0.0 };
            sink.record(global_step, self.episodes, names::EPISODIC_SUCCESS, s)?;
        }
        if let (None, Some(t), Some(mean)) = (
            self.steps_to_threshold,
            self.threshold,
            self.full_window_mean(),
        ) && mean >= t
        {
            self.steps_to_threshold = Some(global_step);
            self.seconds_to_threshold = Some(self.wall_seconds());
        }
        Ok(())
    }

    /// Records a periodic evaluation.
    pub fn on_eval(
        &mut self,
        global_step: u64,
        mean_return: f64,
        success_rate: Option<f64>,
        sink: &mut dyn MetricSink,
    ) -> std::io::Result<()> {
        sink.record(
            global_step,
            self.episodes,
            names::EVAL_MEAN_RETURN,
            mean_return,
        )?;
        if let Some(rate) = success_rate {
            sink.record(global_step, self.episodes, names::EVAL_SUCCESS_RATE, rate)?;
        }
        self.last_eval = Some(mean_return);
        if self.best_eval.is_none_or(|b| mean_return > b) {
            self.best_eval = Some(mean_return);
        }
        Ok(())
    }

    fn full_window_mean(&self) -> Option<f64> {
        (self.returns.len() == WINDOW).then(|| self.mean_return().unwrap_or(f64::NAN))
    }

    /// Mean return of the last (up to) 100 training episodes.
    pub fn mean_return(&self) -> Option<f64> {
        (!self.returns.is_empty())
            .then(|| self.returns.iter().sum::<f64>() / self.returns.len() as f64)
    }

    /// Success rate over the last (up to) 100 training episodes (envs with a notion of success).
    pub fn success_rate(&self) -> Option<f64> {
        (self.has_success && !self.successes.is_empty()).then(|| {
            self.successes.iter().filter(|s| **s).count() as f64 / self.successes.len() as f64
        })
    }

    /// The display snapshot.
    pub fn progress(&self, global_step: u64, total_steps: u64) -> Progress {
        Progress {
            global_step,
            total_steps,
            episodes: self.episodes,
            mean_return: self.mean_return(),
            sps: self.sps(global_step),
        }
    }

    /// The summary of the run so far.
    pub fn summary(&self, total_steps: u64) -> Summary {
        Summary {
            total_steps,
            wall_seconds: self.wall_seconds(),
            episodes: self.episodes,
            mean_return_last100: self.mean_return(),
            success_rate_last100: self.success_rate(),
            best_eval_mean_return: self.best_eval,
            last_eval_mean_return: self.last_eval,
            reward_threshold: self.threshold,
            steps_to_threshold: self.steps_to_threshold,
            seconds_to_threshold: self.seconds_to_threshold,
        }
    }
}

/// The numbers `summary.json` reports (the CLI adds env, algo, seed, backend).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    /// Environment steps taken.
    pub total_steps: u64,
    /// Wall-clock seconds of training (all sessions of the run).
    pub wall_seconds: f64,
    /// Finished training episodes.
    pub episodes: u64,
    /// Mean return of the last 100 training episodes (over all of them if fewer than 100 finished).
    pub mean_return_last100: Option<f64>,
    /// Success rate of the last 100 training episodes (MiniGrid).
    pub success_rate_last100: Option<f64>,
    /// Best mean return of the periodic greedy evaluations.
    pub best_eval_mean_return: Option<f64>,
    /// Mean return of the last greedy evaluation.
    pub last_eval_mean_return: Option<f64>,
    /// The threshold the two statistics below refer to.
    pub reward_threshold: Option<f64>,
    /// First step at which the last-100 mean reached the threshold (`null` if never).
    pub steps_to_threshold: Option<u64>,
    /// Wall seconds at that step (`null` if never).
    pub seconds_to_threshold: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rewardlab_core::metrics::MemorySink;

    fn ep(ret: f64, success: bool) -> EpisodeEnd {
        EpisodeEnd {
            env: 0,
            ret,
            shaped_ret: None,
            len: 3,
            success,
        }
    }

    #[test]
    fn threshold_needs_a_full_window_and_is_recorded_once() {
        let mut t = Tracker::new(Some(10.0), false);
        let mut sink = MemorySink::default();
        for i in 0..99 {
            t.on_episode(i, &ep(20.0, false), &mut sink)
                .expect("memory");
        }
        assert_eq!(t.summary(99).steps_to_threshold, None, "99 episodes only");
        t.on_episode(99, &ep(20.0, false), &mut sink)
            .expect("memory");
        assert_eq!(t.summary(100).steps_to_threshold, Some(99));
        for i in 100..300 {
            t.on_episode(i, &ep(0.0, false), &mut sink).expect("memory");
        }
        let s = t.summary(300);
        assert_eq!(s.steps_to_threshold, Some(99), "the first time is kept");
        assert_eq!(s.mean_return_last100, Some(0.0));
        assert_eq!(sink.values(names::EPISODIC_RETURN).len(), 300);
        assert!(sink.values(names::EPISODIC_SUCCESS).is_empty());
    }

    #[test]
    fn window_mean_success_rate_and_best_eval() {
        let mut t = Tracker::new(None, true);
        let mut sink = MemorySink::default();
        for i in 0..150u64 {
            t.on_episode(i, &ep(i as f64, i % 4 == 0), &mut sink)
                .expect("memory");
        }
        // Last 100 returns are 50..=149: mean 99.5; successes among them: 25.
        assert_eq!(t.mean_return(), Some(99.5));
        assert_eq!(t.success_rate(), Some(0.25));
        t.on_eval(150, 3.0, Some(0.5), &mut sink).expect("memory");
        t.on_eval(160, 2.0, Some(0.4), &mut sink).expect("memory");
        let s = t.summary(160);
        assert_eq!(
            (s.best_eval_mean_return, s.last_eval_mean_return),
            (Some(3.0), Some(2.0))
        );
        assert_eq!(sink.values(names::EVAL_SUCCESS_RATE), vec![0.5, 0.4]);
        assert_eq!(s.steps_to_threshold, None);
    }
}
