//! Named starting configurations: per-env `tuned` presets (rl-zoo's hyperparameters, adapted
//! where our PPO differs from SB3's) and CleanRL's defaults as `cleanrl`.
//!
//! `train` uses `tuned` when the env has one and `cleanrl` otherwise. Adapting SB3 settings to
//! CleanRL-style PPO: SB3 has no value clipping by default (`clip_vloss = false`), its value loss
//! is the plain MSE where CleanRL's is ½·MSE (`vf_coef` 0.5 in SB3 is 1.0 here), its
//! `batch_size` is a minibatch size (`num_minibatches = n_envs·n_steps / batch_size`), and
//! `lin_X` schedules become CleanRL-style `anneal_lr` / `anneal_clip` (SB3 evaluates `lin_X` after
//! the rollout, one iteration ahead of CleanRL's annealing).
//!
//! Pendulum-v1: rl-zoo's preset relies on generalised state-dependent exploration (gSDE),
//! which this crate does not implement; its `tuned` preset keeps rl-zoo's γ = 0.9 and learning
//! rate with plain Gaussian exploration and more steps.

use crate::config::ConfigError;
use crate::dqn::{DqnConfig, TdLoss};
use crate::nets::Activation;
use crate::ppo::PpoConfig;

/// The per-env tuned preset.
pub const TUNED: &str = "tuned";
/// CleanRL's defaults (`ppo.py`, `ppo_continuous_action.py`, `dqn.py`).
pub const CLEANRL: &str = "cleanrl";

/// The PPO preset `name` (default: `tuned` where the env has one, else `cleanrl`) for `env`,
/// with the name actually used.
pub fn ppo(
    env: &str,
    name: Option<&str>,
    continuous: bool,
) -> Result<(String, PpoConfig), ConfigError> {
    let cleanrl = || {
        if continuous {
            PpoConfig::cleanrl_continuous()
        } else {
            PpoConfig::default()
        }
    };
    match name {
        Some(CLEANRL) => Ok((CLEANRL.into(), cleanrl())),
        Some(TUNED) => ppo_tuned(env)
            .map(|c| (TUNED.into(), c))
            .ok_or_else(|| unknown("ppo", TUNED, env)),
        None => Ok(match ppo_tuned(env) {
            Some(c) => (TUNED.into(), c),
            None => (CLEANRL.into(), cleanrl()),
        }),
        Some(other) => Err(unknown("ppo", other, env)),
    }
}

/// The DQN preset `name` for `env` (see [`ppo`]).
pub fn dqn(env: &str, name: Option<&str>) -> Result<(String, DqnConfig), ConfigError> {
    match name {
        Some(CLEANRL) => Ok((CLEANRL.into(), DqnConfig::default())),
        Some(TUNED) => dqn_tuned(env)
            .map(|c| (TUNED.into(), c))
            .ok_or_else(|| unknown("dqn", TUNED, env)),
        None => Ok(match dqn_tuned(env) {
            Some(c) => (TUNED.into(), c),
            None => (CLEANRL.into(), DqnConfig::default()),
        }),
        Some(other) => Err(unknown("dqn", other, env)),
    }
}

fn unknown(algo: &'static str, name: &str, env: &str) -> ConfigError {
    let tuned = match algo {
        "ppo" => ppo_tuned(env).is_some(),
        _ => dqn_tuned(env).is_some(),
    };
    let known = if tuned {
        format!("{TUNED}, {CLEANRL}")
    } else {
        format!("{CLEANRL} ({env} has no {TUNED} preset)")
    };
    ConfigError::UnknownPreset {
        algo,
        name: name.to_owned(),
        known,
    }
}

/// rl-zoo-style PPO settings for the envs that have them.
fn ppo_tuned(env: &str) -> Option<PpoConfig> {
    let sb3_style = PpoConfig {
        clip_vloss: false,
        vf_coef: 1.0,
        ent_coef: 0.0,
        ..PpoConfig::default()
    };
    if env.starts_with("MiniGrid-") {
        // rl-zoo's MiniGrid anchor (8 × 128 steps, minibatch 64, 10 epochs) without its
        // normalisation and with CleanRL's entropy bonus: with rl-zoo's `normalize: true` and
        // ent_coef 0, Empty-8x8 seed 2 reached 99 % success by 40k steps and then collapsed to
        // 0 % for good (entropy → 0.01); dropping either the normalisation or the zero entropy
        // bonus alone kept it at 100 %. Rewards are already in [0, 1] and the image holds small
        // integers.
        let total = match env {
            "MiniGrid-Empty-8x8-v0" => 200_000,
            _ => 500_000,
        };
        return Some(PpoConfig {
            total_timesteps: total,
            num_envs: 8,
            num_steps: 128,
            num_minibatches: 16,
            update_epochs: 10,
            learning_rate: 2.5e-4,
            anneal_lr: false,
            ent_coef: 0.01,
            eval_every: 20_000,
            ..sb3_style
        });
    }
    Some(match env {
        // rl-zoo's settings with ReLU and twice the learning rate: as sample-efficient (median
        // 63.6k steps to 475 over seeds 1–3, rl-zoo's tanh/1e-3: 66.7k) and twice as fast on
        // flex, where tanh costs one libm `expf` per unit (docs/benchmarks.md).
        "CartPole-v1" => PpoConfig {
            total_timesteps: 100_000,
            num_envs: 8,
            num_steps: 32,
            num_minibatches: 1,
            update_epochs: 20,
            gamma: 0.98,
            gae_lambda: 0.8,
            learning_rate: 2e-3,
            activation: Activation::Relu,
            anneal_lr: true,
            anneal_clip: true,
            eval_every: 10_000,
            ..sb3_style
        },
        "Acrobot-v1" => PpoConfig {
            total_timesteps: 500_000,
            num_envs: 16,
            num_steps: 256,
            num_minibatches: 64,
            update_epochs: 4,
            gae_lambda: 0.94,
            learning_rate: 3e-4,
            anneal_lr: false,
            norm_obs: true,
            norm_reward: true,
            eval_every: 50_000,
            ..sb3_style
        },
        "Pendulum-v1" => PpoConfig {
            total_timesteps: 500_000,
            num_envs: 4,
            num_steps: 1024,
            num_minibatches: 64,
            update_epochs: 10,
            gamma: 0.9,
            gae_lambda: 0.95,
            learning_rate: 1e-3,
            anneal_lr: true,
            norm_obs: true,
            norm_reward: true,
            eval_every: 50_000,
            reward_threshold: Some(-250.0),
            ..sb3_style
        },
        _ => return None,
    })
}

/// rl-zoo DQN settings (SB3's Huber loss and gradient clip 10 included).
fn dqn_tuned(env: &str) -> Option<DqnConfig> {
    let sb3_style = DqnConfig {
        loss: TdLoss::Huber,
        max_grad_norm: Some(10.0),
        hidden: vec![256, 256],
        ..DqnConfig::default()
    };
    Some(match env {
        // rl-zoo runs 5e4 steps with ε decaying over 16 % of them (8 000 steps); the issue's
        // budget is 1e5, so the same 8 000-step decay is 8 % here. rl-zoo's learning rate
        // (2.3e-3) reached a greedy 500 on seeds 1–3 but fell back (final evals 151, 202, 92);
        // 5e-4 reaches it too (40–80k) and mostly holds it (final 300, 500, 500).
        "CartPole-v1" => DqnConfig {
            total_timesteps: 100_000,
            learning_rate: 5e-4,
            batch_size: 64,
            buffer_size: 100_000,
            learning_starts: 1_000,
            gamma: 0.99,
            target_network_frequency: 10,
            train_frequency: 256,
            gradient_steps: 128,
            exploration_fraction: 0.08,
            end_e: 0.04,
            eval_every: 10_000,
            ..sb3_style
        },
        "Acrobot-v1" => DqnConfig {
            total_timesteps: 100_000,
            learning_rate: 6.3e-4,
            batch_size: 128,
            buffer_size: 50_000,
            learning_starts: 0,
            target_network_frequency: 250,
            train_frequency: 4,
            gradient_steps: 4,
            exploration_fraction: 0.12,
            end_e: 0.1,
            eval_every: 10_000,
            ..sb3_style
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_choice_prefers_tuned_and_falls_back_to_cleanrl() {
        let (name, c) = ppo("CartPole-v1", None, false).expect("tuned");
        assert_eq!((name.as_str(), c.num_envs, c.update_epochs), (TUNED, 8, 20));
        let (name, c) = ppo("MountainCar-v0", None, false).expect("fallback");
        assert_eq!((name.as_str(), c), (CLEANRL, PpoConfig::default()));
        let (_, c) = ppo("MountainCarContinuous-v0", None, true).expect("fallback");
        assert_eq!(c, PpoConfig::cleanrl_continuous());
        let (name, c) = dqn("CartPole-v1", Some(CLEANRL)).expect("named");
        assert_eq!((name.as_str(), c), (CLEANRL, DqnConfig::default()));
    }

    #[test]
    fn every_tuned_preset_is_valid_and_unknown_names_are_refused() {
        for env in [
            "CartPole-v1",
            "Acrobot-v1",
            "Pendulum-v1",
            "MiniGrid-Empty-8x8-v0",
            "MiniGrid-DoorKey-5x5-v0",
        ] {
            let (_, c) = ppo(env, Some(TUNED), env == "Pendulum-v1").expect("tuned exists");
            c.validate().expect("valid");
        }
        for env in ["CartPole-v1", "Acrobot-v1"] {
            dqn(env, Some(TUNED))
                .expect("tuned exists")
                .1
                .validate()
                .expect("valid");
        }
        let err = ppo("CartPole-v1", Some("fast"), false).expect_err("no such preset");
        assert!(
            err.to_string().contains("fast") && err.to_string().contains(CLEANRL),
            "{err}"
        );
        let err = dqn("Taxi-v3", Some(TUNED)).expect_err("no tuned Taxi");
        assert!(err.to_string().contains("Taxi-v3"), "{err}");
    }
}
