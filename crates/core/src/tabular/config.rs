//! Configuration of the tabular learners: [`TabularConfig`] and the per-episode
//! [`EpsilonSchedule`].
//!
//! Defaults follow the textbook settings (Sutton & Barto, ch. 6): α = 0.1, γ = 0.99,
//! ε = 0.1, Q initialised to 0. Schedules are evaluated once per episode, at its start, so
//! an episode is played with one ε throughout.

use serde::{Deserialize, Serialize};

/// Which tabular TD control algorithm to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TabularAlgorithm {
    /// Off-policy: bootstraps from max_a′ Q(s′, a′).
    QLearning,
    /// On-policy: bootstraps from Q(s′, a′) with a′ the next action actually taken.
    Sarsa,
    /// Bootstraps from Σ_a′ π(a′|s′) Q(s′, a′) under the ε-greedy policy.
    ExpectedSarsa,
}

impl TabularAlgorithm {
    /// A short lower-case name for run folders and logs.
    pub fn name(self) -> &'static str {
        match self {
            TabularAlgorithm::QLearning => "q_learning",
            TabularAlgorithm::Sarsa => "sarsa",
            TabularAlgorithm::ExpectedSarsa => "expected_sarsa",
        }
    }
}

/// Exploration rate as a function of the episode index (0-based).
///
/// In TOML: `epsilon = { constant = 0.1 }`,
/// `epsilon = { linear = { start = 1.0, end = 0.05, decay_episodes = 500 } }` or
/// `epsilon = { exponential = { start = 1.0, end = 0.01, rate = 0.01 } }`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EpsilonSchedule {
    /// The same ε in every episode.
    Constant(f64),
    /// From `start` to `end` in a straight line over `decay_episodes` episodes, then `end`
    /// (CleanRL's `linear_schedule`, counted in episodes).
    Linear {
        /// ε in episode 0.
        start: f64,
        /// ε from episode `decay_episodes` on.
        end: f64,
        /// Episodes the decay takes; 0 means `end` from the start.
        decay_episodes: u64,
    },
    /// `end + (start − end)·exp(−rate·episode)`: decays towards `end` without reaching it.
    Exponential {
        /// ε in episode 0.
        start: f64,
        /// The limit as episodes go to infinity.
        end: f64,
        /// Decay rate per episode (≥ 0).
        rate: f64,
    },
}

impl Default for EpsilonSchedule {
    fn default() -> Self {
        EpsilonSchedule::Constant(0.1)
    }
}

impl EpsilonSchedule {
    /// ε for episode `episode` (0-based).
    pub fn value(&self, episode: u64) -> f64 {
        match *self {
            EpsilonSchedule::Constant(eps) => eps,
            EpsilonSchedule::Linear {
                start,
                end,
                decay_episodes,
            } => {
                if decay_episodes == 0 {
                    return end;
                }
                let frac = (episode as f64 / decay_episodes as f64).min(1.0);
                start + frac * (end - start)
            }
            EpsilonSchedule::Exponential { start, end, rate } => {
                end + (start - end) * (-rate * episode as f64).exp()
            }
        }
    }

    /// Checks that every ε the schedule can produce lies in [0, 1].
    pub fn validate(&self) -> Result<(), String> {
        let probability = |name: &str, x: f64| {
            if (0.0..=1.0).contains(&x) {
                Ok(())
            } else {
                Err(format!("{name} = {x} is not a probability in [0, 1]"))
            }
        };
        match *self {
            EpsilonSchedule::Constant(eps) => probability("epsilon", eps),
            // Both forms stay between `start` and `end`, so checking the ends suffices.
            EpsilonSchedule::Linear { start, end, .. } => {
                probability("start", start)?;
                probability("end", end)
            }
            EpsilonSchedule::Exponential { start, end, rate } => {
                probability("start", start)?;
                probability("end", end)?;
                if rate.is_finite() && rate >= 0.0 {
                    Ok(())
                } else {
                    Err(format!("rate = {rate} must be finite and non-negative"))
                }
            }
        }
    }
}

/// Settings shared by Q-learning, SARSA and Expected SARSA.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TabularConfig {
    /// Number of episodes to train for; the env must end each one (wrap it in a time limit).
    pub episodes: u64,
    /// Learning rate α of the TD update, in (0, 1].
    pub alpha: f64,
    /// Discount γ of the TD target, in [0, 1].
    pub gamma: f64,
    /// Exploration rate of the ε-greedy behaviour policy, per episode.
    pub epsilon: EpsilonSchedule,
    /// Seeds the agent's own RNG and the env's first reset (later resets continue with `None`).
    pub seed: u64,
    /// Initial value of every Q(s, a); optimistic values encourage exploration.
    pub initial_q: f64,
}

impl Default for TabularConfig {
    fn default() -> Self {
        Self {
            episodes: 1000,
            alpha: 0.1,
            gamma: 0.99,
            epsilon: EpsilonSchedule::default(),
            seed: 0,
            initial_q: 0.0,
        }
    }
}

impl TabularConfig {
    /// Checks every field; the error names the field and says what is wrong.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        if !(self.alpha > 0.0 && self.alpha <= 1.0) {
            return Err(("alpha", format!("{} is outside (0, 1]", self.alpha)));
        }
        if !(0.0..=1.0).contains(&self.gamma) {
            return Err(("gamma", format!("{} is outside [0, 1]", self.gamma)));
        }
        self.epsilon.validate().map_err(|e| ("epsilon", e))?;
        if !self.initial_q.is_finite() {
            return Err(("initial_q", format!("{} is not finite", self.initial_q)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_by_hand() {
        assert_eq!(EpsilonSchedule::Constant(0.3).value(1000), 0.3);
        let lin = EpsilonSchedule::Linear {
            start: 1.0,
            end: 0.2,
            decay_episodes: 4,
        };
        let got: Vec<f64> = (0..6).map(|e| lin.value(e)).collect();
        let want = [1.0, 0.8, 0.6, 0.4, 0.2, 0.2];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{got:?}");
        }
        let instant = EpsilonSchedule::Linear {
            start: 1.0,
            end: 0.2,
            decay_episodes: 0,
        };
        assert_eq!(instant.value(0), 0.2);
        let exp = EpsilonSchedule::Exponential {
            start: 1.0,
            end: 0.1,
            rate: 0.5,
        };
        assert_eq!(exp.value(0), 1.0);
        assert!((exp.value(2) - (0.1 + 0.9 * (-1.0f64).exp())).abs() < 1e-12);
    }

    #[test]
    fn validation_names_the_field() {
        let ok = TabularConfig::default();
        assert_eq!(ok.validate(), Ok(()));
        let bad_alpha = TabularConfig {
            alpha: 0.0,
            ..ok.clone()
        };
        assert_eq!(bad_alpha.validate().map_err(|e| e.0), Err("alpha"));
        let bad_eps = TabularConfig {
            epsilon: EpsilonSchedule::Linear {
                start: 1.5,
                end: 0.0,
                decay_episodes: 3,
            },
            ..ok.clone()
        };
        assert_eq!(bad_eps.validate().map_err(|e| e.0), Err("epsilon"));
        let bad_rate = TabularConfig {
            epsilon: EpsilonSchedule::Exponential {
                start: 1.0,
                end: 0.0,
                rate: -1.0,
            },
            ..ok
        };
        assert_eq!(bad_rate.validate().map_err(|e| e.0), Err("epsilon"));
    }

    #[test]
    fn toml_round_trip_with_defaults() {
        let text = "episodes = 50\nepsilon = { linear = { start = 1.0, end = 0.05, decay_episodes = 40 } }\n";
        let cfg: TabularConfig = toml::from_str(text).expect("a valid config");
        assert_eq!(cfg.episodes, 50);
        assert_eq!(cfg.alpha, 0.1);
        assert_eq!(
            cfg.epsilon,
            EpsilonSchedule::Linear {
                start: 1.0,
                end: 0.05,
                decay_episodes: 40
            }
        );
        let back: TabularConfig =
            toml::from_str(&toml::to_string(&cfg).expect("serialisable")).expect("parses");
        assert_eq!(back, cfg);
        assert!(toml::from_str::<TabularConfig>("alfa = 0.2").is_err());
    }
}
