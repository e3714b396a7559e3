//! PPO's settings, one documented field each; `Default` is CleanRL's `ppo.py`.

use crate::config::ConfigError;
use crate::nets::Activation;

/// PPO settings (CleanRL's argument names where CleanRL has the setting).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PpoConfig {
    /// Seed of the env copies (copy i gets seed + i), the network weights and action sampling.
    pub seed: u64,
    /// Environment steps to train for (all copies together).
    pub total_timesteps: u64,
    /// Adam learning rate (the start value when annealed).
    pub learning_rate: f64,
    /// Parallel env copies.
    pub num_envs: usize,
    /// Steps per copy in each rollout.
    pub num_steps: usize,
    /// Anneal the learning rate linearly to 0 over the run.
    pub anneal_lr: bool,
    /// Discount factor.
    pub gamma: f64,
    /// GAE λ.
    pub gae_lambda: f64,
    /// Minibatches per epoch (minibatch = num_envs·num_steps / num_minibatches).
    pub num_minibatches: usize,
    /// Passes over each rollout.
    pub update_epochs: usize,
    /// Normalise advantages within each minibatch.
    pub norm_adv: bool,
    /// Surrogate clipping coefficient ε (also the value-clipping range).
    pub clip_coef: f64,
    /// Anneal ε linearly like the learning rate (rl-zoo's `lin_0.2`).
    pub anneal_clip: bool,
    /// Clip the value loss around the rollout's values (CleanRL yes, SB3 no).
    pub clip_vloss: bool,
    /// Entropy bonus coefficient.
    pub ent_coef: f64,
    /// Value loss coefficient (the loss is ½·MSE, as CleanRL; SB3's vf_coef 0.5 equals 1 here).
    pub vf_coef: f64,
    /// Global gradient-norm bound.
    pub max_grad_norm: f64,
    /// Stop an update's epochs early once approx_kl exceeds this (checked after each epoch).
    pub target_kl: Option<f64>,
    /// Hidden layer widths of both actor and critic.
    pub hidden: Vec<usize>,
    /// Hidden activation.
    pub activation: Activation,
    /// Initial log standard deviation of continuous actions.
    pub log_std_init: f64,
    /// Normalise observations with running statistics (saved in the checkpoint).
    pub norm_obs: bool,
    /// Scale rewards by the running std of the discounted return (saved in the checkpoint).
    pub norm_reward: bool,
    /// Clip normalised observations to ±this.
    pub clip_obs: f64,
    /// Clip normalised rewards to ±this.
    pub clip_reward: f64,
    /// Adam ε (PyTorch's default is 1e-8; CleanRL PPO and SB3 use 1e-5).
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

impl Default for PpoConfig {
    fn default() -> Self {
        PpoConfig {
            seed: 1,
            total_timesteps: 500_000,
            learning_rate: 2.5e-4,
            num_envs: 4,
            num_steps: 128,
            anneal_lr: true,
            gamma: 0.99,
            gae_lambda: 0.95,
            num_minibatches: 4,
            update_epochs: 4,
            norm_adv: true,
            clip_coef: 0.2,
            anneal_clip: false,
            clip_vloss: true,
            ent_coef: 0.01,
            vf_coef: 0.5,
            max_grad_norm: 0.5,
            target_kl: None,
            hidden: vec![64, 64],
            activation: Activation::Tanh,
            log_std_init: 0.0,
            norm_obs: false,
            norm_reward: false,
            clip_obs: 10.0,
            clip_reward: 10.0,
            adam_eps: 1e-5,
            eval_every: 10_000,
            eval_episodes: 10,
            checkpoint_every: 50_000,
            reward_threshold: None,
        }
    }
}

impl PpoConfig {
    /// CleanRL's `ppo_continuous_action.py` defaults.
    pub fn cleanrl_continuous() -> Self {
        PpoConfig {
            total_timesteps: 1_000_000,
            learning_rate: 3e-4,
            num_envs: 1,
            num_steps: 2048,
            num_minibatches: 32,
            update_epochs: 10,
            ent_coef: 0.0,
            norm_obs: true,
            norm_reward: true,
            ..PpoConfig::default()
        }
    }

    /// Samples per rollout.
    pub fn batch_size(&self) -> usize {
        self.num_envs * self.num_steps
    }

    /// Samples per minibatch.
    pub fn minibatch_size(&self) -> usize {
        self.batch_size() / self.num_minibatches.max(1)
    }

    /// Updates in the run (CleanRL: integer division, a partial last rollout is not run).
    pub fn num_iterations(&self) -> u64 {
        self.total_timesteps / self.batch_size().max(1) as u64
    }

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
        if self
            .num_envs
            .checked_mul(self.num_steps)
            .is_none_or(|b| b > 1 << 28)
        {
            return bad("num_steps", "num_envs·num_steps must be at most 2^28");
        }
        if self.num_steps == 0 {
            return bad("num_steps", "must be at least 1");
        }
        if self.num_minibatches == 0 || self.num_minibatches > self.batch_size() {
            return bad(
                "num_minibatches",
                &format!("must be in 1..={} (num_envs·num_steps)", self.batch_size()),
            );
        }
        if self.update_epochs == 0 {
            return bad("update_epochs", "must be at least 1");
        }
        if self.num_iterations() == 0 {
            return bad(
                "total_timesteps",
                &format!("must be at least one rollout ({} steps)", self.batch_size()),
            );
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return bad("learning_rate", "must be positive and finite");
        }
        if !(0.0..=1.0).contains(&self.gamma) {
            return bad("gamma", "must be in [0, 1]");
        }
        if !(0.0..=1.0).contains(&self.gae_lambda) {
            return bad("gae_lambda", "must be in [0, 1]");
        }
        if self.clip_coef.is_nan() || self.clip_coef <= 0.0 {
            return bad("clip_coef", "must be positive");
        }
        if self.max_grad_norm.is_nan() || self.max_grad_norm <= 0.0 {
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
        for (key, v) in [
            ("clip_obs", self.clip_obs),
            ("clip_reward", self.clip_reward),
        ] {
            if v.is_nan() || v <= 0.0 {
                return bad(key, "must be positive (inf: no clipping)");
            }
        }
        for (key, v) in [
            ("ent_coef", self.ent_coef),
            ("vf_coef", self.vf_coef),
            ("log_std_init", self.log_std_init),
        ] {
            if !v.is_finite() {
                return bad(key, "must be finite");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleanrl_defaults_and_derived_sizes() {
        let c = PpoConfig::default();
        assert_eq!(
            (c.batch_size(), c.minibatch_size(), c.num_iterations()),
            (512, 128, 976)
        );
        c.validate().expect("CleanRL's defaults are valid");
        let c = PpoConfig::cleanrl_continuous();
        assert_eq!((c.batch_size(), c.minibatch_size()), (2048, 64));
    }

    #[test]
    fn out_of_range_values_name_their_key() {
        let c = PpoConfig {
            num_minibatches: 10_000,
            ..PpoConfig::default()
        };
        let err = c.validate().expect_err("too many minibatches");
        assert!(err.to_string().contains("num_minibatches"), "{err}");
        let c = PpoConfig {
            total_timesteps: 10,
            ..PpoConfig::default()
        };
        assert!(
            c.validate()
                .expect_err("short")
                .to_string()
                .contains("total_timesteps")
        );
    }
}
