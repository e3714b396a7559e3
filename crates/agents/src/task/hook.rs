//! [`RewardHook`]: replaces the reward the learner trains on, per copy and per step, while
//! every statistic (episodic return, steps to threshold, summary, evaluation) stays on the
//! task reward.
//!
//! The hook sits in [`VecTask`](super::VecTask), after the env stepped and before the learner
//! reads [`TaskStep::rewards`](super::TaskStep::rewards): both trainers copy that buffer into
//! their rollout or replay buffer, so a hook there reaches every learner without touching the
//! algorithms, and the episode bookkeeping, done in the same place, can keep adding the task
//! reward. A hook sees raw (unnormalised) observations — the potential of a state is a
//! property of the state, not of the running statistics of one run — and the last observation
//! of a finished episode rather than the first of the next one, which same-step autoreset
//! already holds in the row. `terminated` and `truncated` reach it separately: potential-based
//! shaping takes Φ(s′) = 0 only when the episode terminated.
//!
//! Evaluation tasks never carry a hook, so greedy evaluations report the task return.

/// Computes the reward a learner trains on from one copy's transition.
pub trait RewardHook: Send {
    /// The reward for copy `env_index`'s step from `obs` to `next_obs` (raw observation rows;
    /// `next_obs` is the episode's final observation when `terminated || truncated`), given
    /// the env's `task_reward` and both end flags.
    fn reward(
        &mut self,
        env_index: usize,
        obs: &[f32],
        next_obs: &[f32],
        task_reward: f64,
        terminated: bool,
        truncated: bool,
    ) -> f64;
}

/// Any `FnMut` with the arguments of [`RewardHook::reward`] is a hook.
impl<F> RewardHook for F
where
    F: FnMut(usize, &[f32], &[f32], f64, bool, bool) -> f64 + Send,
{
    fn reward(
        &mut self,
        env_index: usize,
        obs: &[f32],
        next_obs: &[f32],
        task_reward: f64,
        terminated: bool,
        truncated: bool,
    ) -> f64 {
        self(env_index, obs, next_obs, task_reward, terminated, truncated)
    }
}

/// A hook and the state it needs inside [`VecTask`](super::VecTask): the observations before
/// the step (the step overwrites the buffer) and the running shaped returns.
pub(super) struct HookState {
    pub(super) hook: Box<dyn RewardHook>,
    pub(super) prev_obs: Vec<f32>,
    pub(super) running: Vec<f64>,
}

impl HookState {
    pub(super) fn new(hook: Box<dyn RewardHook>, n: usize, obs_dim: usize) -> Self {
        HookState {
            hook,
            prev_obs: vec![0.0; n * obs_dim],
            running: vec![0.0; n],
        }
    }
}
