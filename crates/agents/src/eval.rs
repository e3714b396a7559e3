//! Greedy evaluation: the first episode of every copy of a vector env, actions from a policy.
//!
//! Used by the trainers' periodic `eval/mean_return` and by `rewardlab eval`. Each copy plays
//! exactly one episode from a seeded reset; copies that finish early keep being stepped (their
//! later steps are ignored) so that the whole batch goes through the network at once.

use rewardlab_core::Frame;

use crate::error::AgentError;
use crate::task::{ActionSpec, VecTask};

/// Seed offset of the trainers' evaluation copies, so that they never replay the start of a
/// training episode.
pub const EVAL_SEED_OFFSET: u64 = 1_000_003;

/// A batch of actions, one per copy.
#[derive(Debug, Clone, PartialEq)]
pub enum Actions {
    /// Discrete action indices.
    Discrete(Vec<usize>),
    /// Continuous actions, `n_envs × dim`, row-major.
    Continuous(Vec<f32>),
}

impl Actions {
    /// A zeroed buffer for `n` copies.
    pub fn for_spec(spec: &ActionSpec, n: usize) -> Self {
        match spec {
            ActionSpec::Discrete { .. } => Actions::Discrete(vec![0; n]),
            ActionSpec::Continuous { low, .. } => Actions::Continuous(vec![0.0; n * low.len()]),
        }
    }
}

/// Something that picks actions for a batch of observations.
pub trait Policy {
    /// Fills `actions` for the `obs` rows (raw env observations; the policy applies its own
    /// normalisation). `greedy` asks for the deterministic action (argmax / mean).
    fn act(&mut self, obs: &[f32], actions: &mut Actions, greedy: bool) -> Result<(), AgentError>;
}

/// The outcome of an evaluation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EvalResult {
    /// Undiscounted return of each copy's episode.
    pub returns: Vec<f64>,
    /// Lengths.
    pub lengths: Vec<usize>,
    /// Successes (MiniGrid; false elsewhere).
    pub successes: Vec<bool>,
}

impl EvalResult {
    /// Mean return.
    pub fn mean_return(&self) -> f64 {
        self.returns.iter().sum::<f64>() / self.returns.len().max(1) as f64
    }

    /// Fraction of successful episodes.
    pub fn success_rate(&self) -> f64 {
        self.successes.iter().filter(|s| **s).count() as f64 / self.successes.len().max(1) as f64
    }
}

/// Plays the first episode of every copy of `task` after `reset(Some(seed))`.
///
/// With `frames`, copy 0 is rendered after the reset and after each of its steps but the last
/// (same-step autoreset has replaced the final state by then) (the task must be renderable, see [`VecTask::new_renderable`]).
pub fn run_episodes(
    task: &mut VecTask,
    seed: u64,
    policy: &mut dyn Policy,
    greedy: bool,
    mut frames: Option<&mut Vec<Frame>>,
) -> Result<EvalResult, AgentError> {
    let n = task.num_envs();
    let mut obs = task.reset(Some(seed))?.to_vec();
    let mut actions = Actions::for_spec(task.action_spec(), n);
    let mut result = EvalResult {
        returns: vec![0.0; n],
        lengths: vec![0; n],
        successes: vec![false; n],
    };
    let mut done = vec![false; n];
    if let Some(f) = frames.as_deref_mut() {
        f.push(task.render(0)?);
    }
    while done.iter().any(|d| !d) {
        policy.act(&obs, &mut actions, greedy)?;
        let step = match &actions {
            Actions::Discrete(a) => task.step_discrete(a)?,
            Actions::Continuous(a) => task.step_continuous(a)?,
        };
        for ep in &step.episodes {
            if !done[ep.env] {
                done[ep.env] = true;
                result.returns[ep.env] = ep.ret;
                result.lengths[ep.env] = ep.len;
                result.successes[ep.env] = ep.success;
            }
        }
        obs.copy_from_slice(&step.obs);
        if let Some(f) = frames.as_deref_mut() {
            if step.episodes.iter().any(|e| e.env == 0) {
                // Same-step autoreset: copy 0 now shows its next episode; stop recording.
                frames = None;
            } else {
                f.push(task.render(0)?);
            }
        }
    }
    Ok(result)
}
