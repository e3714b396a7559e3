//! DQN's settings, one documented field each; `Default` is CleanRL's `dqn.py`.

use crate::config::ConfigError;
use crate::nets::Activation;

/// The TD loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TdLoss {
    /// Mean squared error (CleanRL).
    #[default]
    Mse,
    /// Huber / smooth-L1 with δ = 1 (SB3, the Nature DQN's error clipping).
    Huber,
}

/// DQN settings (CleanRL's argument names where CleanRL has the setting).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DqnConfig {
    /// Seed of the env copies (copy i gets seed + i), the network weights, exploration and replay sampling.
    pub seed: u64,
    /// Environment steps to train for (all copies together).
    pub total_timesteps: u64,
    /// Adam learning rate.
    pub learning_rate: f64,
    /// Parallel env copies (CleanRL: 1).
    pub num_envs: usize,
    /// Replay buffer capacity in transitions.
    pub buffer_size: usize,
    /// Discount factor.
    pub gamma: f64,
    /// Target update rate: 1 copies the online network, below 1 is Polyak averaging.
    pub tau: f64,
    /// Update the target network every this many environment steps.
    pub target_network_frequency: u64,
    /// Transitions per gradient step.
    pub batch_size: usize,
    /// Exploration ε at the start.
    pub start_e: f64,
    /// Exploration ε at the end of the schedule.
    pub end_e: f64,
    /// Fraction of `total_timesteps` over which ε decays linearly.
    pub exploration_fraction: f64,
    /// Environment steps before learning starts.
    pub learning_starts: u64,
    /// Train every this many environment steps.
    pub train_frequency: u64,
    /// Gradient steps each time training happens (SB3's `gradient_steps`).
    pub gradient_steps: usize,
    /// Double DQN: the online network picks the next action, the target network values it.
    pub double_dqn: bool,
    /// TD loss.
    pub loss: TdLoss,
    /// Global gradient-norm bound (none: no clipping, as CleanRL; SB3 uses 10).
    pub max_grad_norm: Option<f64>,
    /// Hidden layer widths of the Q-network.
    pub hidden: Vec<usize>,
    /// Hidden activation.
    pub activation: Activation,
    /// Adam ε (PyTorch's default 1e-8, which CleanRL and SB3 DQN use).
    pub adam_eps: f64,
    /// Greedy evaluation every this many steps (0: only at the end).
    pub eval_every: u64,
    /// Episodes per evaluation (run as that many env copies at once).
    pub eval_episodes: usize,
    /// Write a checkpoint every this many steps (0: only at the end), when there is a run folder.
    pub checkpoint_every: u64,
    /// The return that `steps_to_threshold` waits for (none: the env's registered threshold).
    pub reward_threshold: Option<f64>,
}

impl Default for DqnConfig {
    fn default() -> Self {
        DqnConfig {
            seed: 1,
            total_timesteps: 500_000,
            learning_rate: 2.5e-4,
            num_envs: 1,
            buffer_size: 10_000,
            gamma: 0.99,
            tau: 1.0,
            target_network_frequency: 500,
            batch_size: 128,
            start_e: 1.0,
            end_e: 0.05,
            exploration_fraction: 0.5,
            learning_starts: 10_000,
            train_frequency: 10,
            gradient_steps: 1,
            double_dqn: false,
            loss: TdLoss::Mse,
            max_grad_norm: None,
            hidden: vec![120, 84],
            activation: Activation::Relu,
            adam_eps: 1e-8,
            eval_every: 10_000,
            eval_episodes: 10,
            checkpoint_every: 50_000,
            reward_threshold: None,
        }
    }
}

impl DqnConfig {
    /// Checks ranges that serde cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |key: &'static str, reason: &str| {
            Err(ConfigError::OutOfRange {
                key,
                reason: reason.to_owned(),
            })
        };
        if self.num_envs == 0 {
            return bad("num_envs", "must be at least 1");
        }
        if self.buffer_size == 0 {
            return bad("buffer_size", "must be at least 1");
        }
        if self.batch_size == 0 {
            return bad("batch_size", "must be at least 1");
        }
        if !(self.tau > 0.0 && self.tau <= 1.0) {
            return bad("tau", "must be in (0, 1]");
        }
        if self.target_network_frequency == 0 {
            return bad("target_network_frequency", "must be at least 1");
        }
        if self.train_frequency == 0 {
            return bad("train_frequency", "must be at least 1");
        }
        if self.gradient_steps == 0 {
            return bad("gradient_steps", "must be at least 1");
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return bad("learning_rate", "must be positive and finite");
        }
        if !(0.0..=1.0).contains(&self.gamma) {
            return bad("gamma", "must be in [0, 1]");
        }
        for (key, e) in [("start_e", self.start_e), ("end_e", self.end_e)] {
            if !(0.0..=1.0).contains(&e) {
                return bad(key, "must be in [0, 1]");
            }
        }
        if !(0.0..=1.0).contains(&self.exploration_fraction) {
            return bad("exploration_fraction", "must be in [0, 1]");
        }
        if self.max_grad_norm.is_some_and(|m| m.is_nan() || m <= 0.0) {
            return bad("max_grad_norm", "must be positive");
        }
        if self.hidden.contains(&0) {
            return bad("hidden", "layer widths must be at least 1");
        }
        if self.eval_episodes == 0 {
            return bad("eval_episodes", "must be at least 1");
        }
        if self.adam_eps.is_nan() || self.adam_eps <= 0.0 {
            return bad("adam_eps", "must be positive");
        }
        if self.total_timesteps == 0 {
            return bad("total_timesteps", "must be at least 1");
        }
        Ok(())
    }
}
