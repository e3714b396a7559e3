//! Tabular TD control: Q-learning, SARSA and Expected SARSA on any env whose observation and
//! action spaces are `Discrete(n)` starting at 0.
//!
//! All three share one loop and differ only in the bootstrap term of the target
//!
//! ```text
//! r + γ·(1 − terminated)·{ max_a′ Q(s′,a′) | Q(s′,a′) | Σ_a′ π(a′|s′) Q(s′,a′) }
//! ```
//!
//! A truncated step (time limit) still bootstraps: the state after a cut is not terminal, and
//! treating it as one would teach the agent that time runs out.
//!
//! Behaviour is ε-greedy: with probability ε a uniformly random action, otherwise a greedy
//! one, ties broken uniformly at random among the maximal actions (so an untrained table does
//! not always pick action 0). Expected SARSA's π is that same policy. The agent owns its RNG,
//! seeded from [`TabularConfig::seed`], which also seeds the env's first reset, so one config
//! gives one learning curve.

use ndarray::Array2;
use rand::Rng;

use crate::env::{Env, EnvError};
use crate::mdp::argmax_lowest;
use crate::metrics::MetricSink;
use crate::rng::{EnvRng, rng_from_seed};
use crate::space::Space;
use crate::tabular::config::{TabularAlgorithm, TabularConfig};

/// Why a tabular learner stopped.
#[derive(Debug, thiserror::Error)]
pub enum TabularError {
    /// A space is not `Discrete(n)` starting at 0.
    #[error("tabular learners need a Discrete space starting at 0 for the {role}, got {space}")]
    UnsupportedSpace {
        /// `"observation space"` or `"action space"`.
        role: &'static str,
        /// The space, printed.
        space: String,
    },
    /// A configuration field is out of range.
    #[error("invalid tabular config: {field}: {reason}")]
    InvalidConfig {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The env returned an observation outside its own observation space.
    #[error("the env returned observation {obs}, outside Discrete({n_states})")]
    ObservationOutOfRange {
        /// The observation.
        obs: usize,
        /// Size of the observation space.
        n_states: usize,
    },
    /// The env refused a step.
    #[error(transparent)]
    Env(#[from] EnvError),
    /// The metric sink failed to record.
    #[error("recording metrics failed: {0}")]
    Sink(#[from] std::io::Error),
}

/// What a learner returns.
#[derive(Debug, Clone, PartialEq)]
pub struct TabularRun {
    /// The learned action values, shape (states, actions).
    pub q: Array2<f64>,
    /// Undiscounted return of each episode.
    pub episode_returns: Vec<f64>,
    /// Number of steps of each episode.
    pub episode_lengths: Vec<usize>,
}

impl TabularRun {
    /// The greedy policy of `q`, lowest action index among ties (deterministic for plots and
    /// comparisons, unlike the randomised tie-breaking used while learning).
    pub fn greedy_policy(&self) -> Vec<usize> {
        self.q
            .rows()
            .into_iter()
            .map(|row| argmax_lowest(row.iter()))
            .collect()
    }
}

/// Q-learning (Watkins): off-policy TD control.
pub fn q_learning<E>(
    env: &mut E,
    config: &TabularConfig,
    sink: &mut dyn MetricSink,
) -> Result<TabularRun, TabularError>
where
    E: Env<Obs = usize, Act = usize> + ?Sized,
{
    train(env, TabularAlgorithm::QLearning, config, sink)
}

/// SARSA: on-policy TD control.
pub fn sarsa<E>(
    env: &mut E,
    config: &TabularConfig,
    sink: &mut dyn MetricSink,
) -> Result<TabularRun, TabularError>
where
    E: Env<Obs = usize, Act = usize> + ?Sized,
{
    train(env, TabularAlgorithm::Sarsa, config, sink)
}

/// Expected SARSA: bootstraps from the expectation under the ε-greedy policy.
pub fn expected_sarsa<E>(
    env: &mut E,
    config: &TabularConfig,
    sink: &mut dyn MetricSink,
) -> Result<TabularRun, TabularError>
where
    E: Env<Obs = usize, Act = usize> + ?Sized,
{
    train(env, TabularAlgorithm::ExpectedSarsa, config, sink)
}

/// Runs `algorithm` for `config.episodes` episodes, recording `charts/episodic_return`,
/// `charts/episodic_length` and `charts/epsilon` once per episode (step = env steps so far).
pub fn train<E>(
    env: &mut E,
    algorithm: TabularAlgorithm,
    config: &TabularConfig,
    sink: &mut dyn MetricSink,
) -> Result<TabularRun, TabularError>
where
    E: Env<Obs = usize, Act = usize> + ?Sized,
{
    train_observed(env, algorithm, config, sink, &mut |_| Ok(()))
}

/// What [`train_observed`] hands its observer after every episode.
#[derive(Debug, Clone, Copy)]
pub struct EpisodeEnd<'a> {
    /// Episodes finished so far (1 after the first episode), as in the sink's `episode` column.
    pub episode: u64,
    /// Env steps taken so far, over all episodes.
    pub total_steps: u64,
    /// The Q-table after the episode's last update.
    pub q: &'a Array2<f64>,
    /// Undiscounted sum of the rewards the learner saw in the episode.
    pub episode_return: f64,
    /// Steps of the episode.
    pub length: usize,
    /// ε the episode was played with.
    pub epsilon: f64,
}

/// [`train`] with `observer` called after every episode (after the sink's records), e.g. to
/// evaluate the greedy policy of the table as it learns.
///
/// The observer only reads: it draws nothing from the learner's RNG, so a run is the same
/// with any observer. Its error, of any type a [`TabularError`] converts into, stops
/// training and is returned as is.
pub fn train_observed<E, Err>(
    env: &mut E,
    algorithm: TabularAlgorithm,
    config: &TabularConfig,
    sink: &mut dyn MetricSink,
    observer: &mut dyn FnMut(&EpisodeEnd<'_>) -> Result<(), Err>,
) -> Result<TabularRun, Err>
where
    E: Env<Obs = usize, Act = usize> + ?Sized,
    Err: From<TabularError>,
{
    config
        .validate()
        .map_err(|(field, reason)| TabularError::InvalidConfig { field, reason })?;
    let n_states = discrete_size(env.observation_space(), "observation space")?;
    let n_actions = discrete_size(env.action_space(), "action space")?;
    let in_range = |obs: usize| {
        if obs < n_states {
            Ok(obs)
        } else {
            Err(TabularError::ObservationOutOfRange { obs, n_states })
        }
    };

    let mut rng = rng_from_seed(config.seed);
    let mut q = Array2::from_elem((n_states, n_actions), config.initial_q);
    let episodes = usize::try_from(config.episodes).unwrap_or(usize::MAX);
    let mut episode_returns = Vec::with_capacity(episodes.min(1 << 20));
    let mut episode_lengths = Vec::with_capacity(episodes.min(1 << 20));
    let mut total_steps: u64 = 0;

    for episode in 0..config.episodes {
        let eps = config.epsilon.value(episode);
        let seed = (episode == 0).then_some(config.seed);
        let mut s = in_range(env.reset(seed).0)?;
        let mut a = epsilon_greedy(&q, s, eps, &mut rng);
        let (mut ret, mut len) = (0.0, 0usize);
        loop {
            let step = env.step(&a).map_err(TabularError::from)?;
            let s2 = in_range(step.obs)?;
            ret += step.reward;
            len += 1;
            total_steps += 1;
            // SARSA picks its next action before the update: it is both the bootstrap
            // action and the one taken next, so the RNG is drawn once per step either way.
            let mut next_action = None;
            let bootstrap = if step.terminated {
                0.0
            } else {
                match algorithm {
                    TabularAlgorithm::QLearning => max_q(&q, s2),
                    TabularAlgorithm::Sarsa => {
                        let a2 = epsilon_greedy(&q, s2, eps, &mut rng);
                        next_action = Some(a2);
                        q[[s2, a2]]
                    }
                    TabularAlgorithm::ExpectedSarsa => expected_q(&q, s2, eps),
                }
            };
            let target = step.reward + config.gamma * bootstrap;
            q[[s, a]] += config.alpha * (target - q[[s, a]]);
            if step.done() {
                break;
            }
            s = s2;
            a = match next_action {
                Some(a2) => a2,
                None => epsilon_greedy(&q, s, eps, &mut rng),
            };
        }
        episode_returns.push(ret);
        episode_lengths.push(len);
        let done = episode + 1;
        // The sink's io::Error becomes a TabularError first, then the caller's error type.
        let record = |sink: &mut dyn MetricSink, metric: &str, value: f64| {
            sink.record(total_steps, done, metric, value)
                .map_err(TabularError::from)
        };
        record(sink, "charts/episodic_return", ret)?;
        record(sink, "charts/episodic_length", len as f64)?;
        record(sink, "charts/epsilon", eps)?;
        observer(&EpisodeEnd {
            episode: done,
            total_steps,
            q: &q,
            episode_return: ret,
            length: len,
            epsilon: eps,
        })?;
    }
    Ok(TabularRun {
        q,
        episode_returns,
        episode_lengths,
    })
}

fn discrete_size(space: Space, role: &'static str) -> Result<usize, TabularError> {
    match space.discrete_n() {
        Some(n) if n > 0 => Ok(n),
        _ => Err(TabularError::UnsupportedSpace {
            role,
            space: space.to_string(),
        }),
    }
}

fn max_q(q: &Array2<f64>, s: usize) -> f64 {
    q.row(s).iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

/// The maximum of row `s` and how many actions attain it.
fn max_and_ties(q: &Array2<f64>, s: usize) -> (f64, usize) {
    let best = max_q(q, s);
    (best, q.row(s).iter().filter(|v| **v == best).count())
}

/// Greedy with uniform random tie-breaking with probability 1 − ε, uniform otherwise.
fn epsilon_greedy(q: &Array2<f64>, s: usize, eps: f64, rng: &mut EnvRng) -> usize {
    let n_actions = q.ncols();
    if rng.random::<f64>() < eps {
        return rng.random_range(0..n_actions);
    }
    let (best, ties) = max_and_ties(q, s);
    let mut k = if ties > 1 {
        rng.random_range(0..ties)
    } else {
        0
    };
    for (a, v) in q.row(s).iter().enumerate() {
        if *v == best {
            if k == 0 {
                return a;
            }
            k -= 1;
        }
    }
    // Unreachable for finite rows; a NaN row falls back to the first action.
    0
}

/// Σ_a π(a|s) Q(s,a) for the ε-greedy policy above: every action gets ε/|A|, and the
/// maximal actions share 1 − ε equally, which together are worth (1 − ε)·max Q(s, ·).
fn expected_q(q: &Array2<f64>, s: usize, eps: f64) -> f64 {
    let mean = q.row(s).sum() / q.ncols() as f64;
    eps * mean + (1.0 - eps) * max_q(q, s)
}

#[cfg(test)]
mod observed_tests {
    use std::sync::Arc;

    use super::*;
    use crate::mdp::MdpBuilder;
    use crate::metrics::MemorySink;
    use crate::tabular::TabularEnv;
    use crate::wrappers::TimeLimit;

    /// States 0..=3 in a line; action 1 moves right, action 0 stays; entering 3 pays 1.
    fn line() -> TimeLimit<TabularEnv> {
        let mut b = MdpBuilder::new(4, 2);
        for s in 0..3usize {
            b.transition(s, 0, s, 1.0, 0.0);
            b.transition(s, 1, s + 1, 1.0, if s + 1 == 3 { 1.0 } else { 0.0 });
        }
        b.initial_state(0).terminal(3);
        TimeLimit::new(
            TabularEnv::new(Arc::new(b.build().expect("valid line"))),
            20,
        )
    }

    #[test]
    fn observer_sees_every_episode_and_changes_nothing() {
        let config = TabularConfig {
            episodes: 30,
            alpha: 0.5,
            seed: 7,
            ..TabularConfig::default()
        };
        let mut plain_sink = MemorySink::default();
        let plain = train(
            &mut line(),
            TabularAlgorithm::QLearning,
            &config,
            &mut plain_sink,
        )
        .expect("trains");
        let mut seen: Vec<(u64, u64, f64, usize, f64)> = Vec::new();
        let mut observed_sink = MemorySink::default();
        let observed = train_observed(
            &mut line(),
            TabularAlgorithm::QLearning,
            &config,
            &mut observed_sink,
            &mut |end: &EpisodeEnd<'_>| -> Result<(), TabularError> {
                seen.push((
                    end.episode,
                    end.total_steps,
                    end.episode_return,
                    end.length,
                    end.q.sum(),
                ));
                Ok(())
            },
        )
        .expect("trains");
        assert_eq!(plain, observed);
        assert_eq!(plain_sink, observed_sink);
        assert_eq!(seen.len(), 30);
        let episodes: Vec<u64> = seen.iter().map(|e| e.0).collect();
        assert_eq!(episodes, (1..=30).collect::<Vec<u64>>());
        let mut steps = 0u64;
        for (k, e) in seen.iter().enumerate() {
            steps += plain.episode_lengths[k] as u64;
            assert_eq!(
                (e.1, e.2, e.3),
                (steps, plain.episode_returns[k], plain.episode_lengths[k])
            );
        }
        // The last table the observer saw is the one returned.
        assert_eq!(seen.last().map(|e| e.4), Some(plain.q.sum()));
    }

    #[test]
    fn observer_error_stops_training() {
        let config = TabularConfig {
            episodes: 10,
            ..TabularConfig::default()
        };
        let mut calls = 0;
        let result = train_observed(
            &mut line(),
            TabularAlgorithm::Sarsa,
            &config,
            &mut (),
            &mut |end: &EpisodeEnd<'_>| {
                calls += 1;
                if end.episode == 3 {
                    Err(TabularError::InvalidConfig {
                        field: "observer",
                        reason: "stop".into(),
                    })
                } else {
                    Ok(())
                }
            },
        );
        assert!(matches!(
            result,
            Err(TabularError::InvalidConfig {
                field: "observer",
                ..
            })
        ));
        assert_eq!(calls, 3);
    }
}
