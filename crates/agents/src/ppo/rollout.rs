//! The rollout storage: `num_steps × num_envs` transitions on the host, step-major
//! (`t * num_envs + e`), allocated once and overwritten every iteration.

use crate::error::AgentError;
use crate::gae::{GaeInput, compute_gae};

/// One rollout, with its advantages once [`Rollout::finish`] has run.
#[derive(Debug, Clone)]
pub struct Rollout {
    /// Observation width.
    pub obs_dim: usize,
    /// Continuous action dimension (1 for discrete).
    pub action_dim: usize,
    /// Whether actions are continuous.
    pub continuous: bool,
    /// Parallel copies.
    pub num_envs: usize,
    /// Observations the actions were chosen from (normalised when enabled).
    pub obs: Vec<f32>,
    /// Discrete actions.
    pub actions_discrete: Vec<usize>,
    /// Continuous actions as sampled (before the env clips them).
    pub actions_continuous: Vec<f32>,
    /// Log-probabilities of the actions under the rollout policy.
    pub logp: Vec<f32>,
    /// V(obs) under the rollout critic.
    pub values: Vec<f32>,
    /// Rewards (scaled when reward normalisation is on).
    pub rewards: Vec<f32>,
    /// The step ended its episode in a terminal state.
    pub terminated: Vec<bool>,
    /// The step hit the time limit.
    pub truncated: Vec<bool>,
    /// V(final observation) of episodes truncated at this step (0 elsewhere).
    pub final_values: Vec<f32>,
    /// GAE advantages.
    pub advantages: Vec<f32>,
    /// Advantages + values: the critic's targets.
    pub returns: Vec<f32>,
}

impl Rollout {
    /// Storage for `num_steps × num_envs` transitions.
    pub fn new(
        num_steps: usize,
        num_envs: usize,
        obs_dim: usize,
        action_dim: usize,
        continuous: bool,
    ) -> Self {
        let n = num_steps * num_envs;
        Rollout {
            obs_dim,
            action_dim,
            continuous,
            num_envs,
            obs: vec![0.0; n * obs_dim],
            actions_discrete: vec![0; if continuous { 0 } else { n }],
            actions_continuous: vec![0.0; if continuous { n * action_dim } else { 0 }],
            logp: vec![0.0; n],
            values: vec![0.0; n],
            rewards: vec![0.0; n],
            terminated: vec![false; n],
            truncated: vec![false; n],
            final_values: vec![0.0; n],
            advantages: vec![0.0; n],
            returns: vec![0.0; n],
        }
    }

    /// Transitions held.
    pub fn len(&self) -> usize {
        self.logp.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.logp.is_empty()
    }

    /// Computes advantages and returns; `last_values` is V(obs after the last step).
    pub fn finish(
        &mut self,
        last_values: &[f32],
        gamma: f64,
        lambda: f64,
    ) -> Result<(), AgentError> {
        let input = GaeInput {
            rewards: &self.rewards,
            values: &self.values,
            terminated: &self.terminated,
            truncated: &self.truncated,
            final_values: &self.final_values,
            last_values,
            n_envs: self.num_envs,
            gamma: gamma as f32,
            lambda: lambda as f32,
        };
        compute_gae(&input, &mut self.advantages, &mut self.returns)?;
        Ok(())
    }
}
