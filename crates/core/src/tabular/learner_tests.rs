//! Behavioural tests of the tabular learners: convergence to Q*, optimal greedy policies,
//! seeding, bootstrapping on truncation only, metrics and typed errors.

use std::sync::Arc;

use ndarray::Array2;

use super::*;
use crate::env::{Env, EnvError, Step};
use crate::mdp::{Mdp, MdpBuilder, ValueIterationConfig, argmax_lowest, value_iteration};
use crate::metrics::MemorySink;
use crate::space::{BoxSpace, DType, Space};
use crate::value::Info;
use crate::wrappers::TimeLimit;

/// Q* from the library's value iteration on `mdp` discounted by `gamma`.
fn q_star(mdp: &Mdp, gamma: f64) -> Array2<f64> {
    let mdp = mdp.clone().with_gamma(gamma).expect("γ is in [0, 1]");
    let config = ValueIterationConfig {
        tolerance: 1e-12,
        ..Default::default()
    };
    value_iteration(&mdp, &config)
        .expect("value iteration converges on a discounted model")
        .q
}

/// States 0..=4 in a line from 0; action 0 left (bumps at 0), action 1 right; each step pays
/// −1, entering the terminal state 4 pays +10.
fn chain() -> Arc<Mdp> {
    let mut b = MdpBuilder::new(5, 2);
    for s in 0..4usize {
        let reward = |next: usize| if next == 4 { 10.0 } else { -1.0 };
        let left = s.saturating_sub(1);
        b.transition(s, 0, left, 1.0, reward(left));
        b.transition(s, 1, s + 1, 1.0, reward(s + 1));
    }
    b.initial_state(0).terminal(4);
    Arc::new(b.build().expect("the chain is valid"))
}

/// A 2×4 cliff walk: bottom row start 0, cliff 1 and 2, goal 3 (terminal); top row 4..=7.
/// Actions up, right, down, left; −1 per step, −100 and back to the start for the cliff.
fn cliff() -> Arc<Mdp> {
    let mut b = MdpBuilder::new(8, 4);
    let cell = |row: usize, col: usize| if row == 0 { col } else { 4 + col };
    for s in [0usize, 4, 5, 6, 7] {
        let (row, col): (usize, usize) = if s < 4 { (0, s) } else { (1, s - 4) };
        let moves = [
            (1, col),
            (row, (col + 1).min(3)),
            (0, col),
            (row, col.saturating_sub(1)),
        ];
        for (a, (r, c)) in moves.into_iter().enumerate() {
            let next = cell(r, c);
            match next {
                1 | 2 => b.transition(s, a, 0, 1.0, -100.0),
                _ => b.transition(s, a, next, 1.0, -1.0),
            };
        }
    }
    // The cliff cells are never occupied; give them a harmless row so the model is complete.
    for s in [1, 2] {
        for a in 0..4 {
            b.transition(s, a, 0, 1.0, -1.0);
        }
    }
    b.initial_state(0).terminal(3);
    Arc::new(b.build().expect("the cliff is valid"))
}

#[test]
fn q_learning_reaches_q_star_under_uniform_exploration() {
    let mdp = chain();
    let gamma = 0.9;
    let mut env = TabularEnv::new(mdp.clone());
    let config = TabularConfig {
        episodes: 2000,
        alpha: 0.1,
        gamma,
        epsilon: EpsilonSchedule::Constant(1.0),
        seed: 11,
        initial_q: 0.0,
    };
    let run = q_learning(&mut env, &config, &mut ()).expect("training runs");
    let want = q_star(&mdp, gamma);
    // Q*(3, right) = 10 and Q*(0, left) = −1 + 0.9·Q*(0, right), by hand.
    assert!((want[[3, 1]] - 10.0).abs() < 1e-9);
    assert!((want[[0, 0]] - (-1.0 + 0.9 * want[[0, 1]])).abs() < 1e-9);
    let err = (&run.q - &want)
        .iter()
        .fold(0.0f64, |m, d: &f64| m.max(d.abs()));
    assert!(err < 1e-3, "max |Q − Q*| = {err}\n{}\n{want}", run.q);
}

fn assert_optimal_on_cliff(run: &TabularRun, mdp: &Mdp, gamma: f64) {
    let want = q_star(mdp, gamma);
    // Up from the start, right along the top, down into the goal: unique argmaxes.
    for (s, a) in [(0, 0), (4, 1), (5, 1), (6, 1), (7, 2)] {
        assert_eq!(argmax_lowest(want.row(s).iter()), a, "Q* greedy at {s}");
        assert_eq!(
            argmax_lowest(run.q.row(s).iter()),
            a,
            "learned greedy at {s}: {}",
            run.q
        );
    }
    assert_eq!(run.episode_lengths.last(), Some(&5));
}

fn cliff_config() -> TabularConfig {
    TabularConfig {
        episodes: 600,
        alpha: 0.5,
        gamma: 0.95,
        epsilon: EpsilonSchedule::Linear {
            start: 1.0,
            end: 0.0,
            decay_episodes: 400,
        },
        seed: 5,
        initial_q: 0.0,
    }
}

#[test]
fn sarsa_finds_the_optimal_policy_on_the_cliff() {
    let mdp = cliff();
    let config = cliff_config();
    let run = sarsa(&mut TabularEnv::new(mdp.clone()), &config, &mut ()).expect("runs");
    assert_optimal_on_cliff(&run, &mdp, config.gamma);
}

#[test]
fn expected_sarsa_finds_the_optimal_policy_on_the_cliff() {
    let mdp = cliff();
    let config = cliff_config();
    let run = expected_sarsa(&mut TabularEnv::new(mdp.clone()), &config, &mut ()).expect("runs");
    assert_optimal_on_cliff(&run, &mdp, config.gamma);
    assert_eq!(run.greedy_policy()[0], 0);
}

#[test]
fn same_seed_same_run_other_seed_other_run() {
    let mdp = cliff();
    let config = TabularConfig {
        episodes: 50,
        ..cliff_config()
    };
    for algorithm in [
        TabularAlgorithm::QLearning,
        TabularAlgorithm::Sarsa,
        TabularAlgorithm::ExpectedSarsa,
    ] {
        let go = |seed| {
            let mut env = TabularEnv::new(mdp.clone());
            let config = TabularConfig {
                seed,
                ..config.clone()
            };
            train(&mut env, algorithm, &config, &mut ()).expect("runs")
        };
        let (a, b, c) = (go(1), go(1), go(2));
        assert_eq!(a, b, "{algorithm:?}");
        assert_ne!(a.episode_returns, c.episode_returns, "{algorithm:?}");
    }
}

/// One state, one action paying 1. Truncated after one step by `TimeLimit` it bootstraps
/// Q = 1 + γQ → 1/(1 − γ) = 2; terminated it learns Q = 1.
#[test]
fn truncation_bootstraps_and_termination_does_not() {
    let gamma = 0.5;
    let mut looping = MdpBuilder::new(2, 1);
    looping
        .transition(0, 0, 0, 1.0, 1.0)
        .transition(1, 0, 1, 1.0, 0.0);
    looping.initial_state(0);
    let mut ending = MdpBuilder::new(2, 1);
    ending.transition(0, 0, 1, 1.0, 1.0);
    ending.initial_state(0).terminal(1);
    let config = TabularConfig {
        episodes: 200,
        alpha: 0.5,
        gamma,
        epsilon: EpsilonSchedule::Constant(0.0),
        ..TabularConfig::default()
    };
    for algorithm in [
        TabularAlgorithm::QLearning,
        TabularAlgorithm::Sarsa,
        TabularAlgorithm::ExpectedSarsa,
    ] {
        let looping = Arc::new(looping.build().expect("valid"));
        let mut truncated = TimeLimit::new(TabularEnv::new(looping), 1);
        let run = train(&mut truncated, algorithm, &config, &mut ()).expect("runs");
        assert_eq!(run.episode_lengths, vec![1; 200]);
        assert!(
            (run.q[[0, 0]] - 2.0).abs() < 1e-9,
            "{algorithm:?}: {}",
            run.q
        );

        let mut terminated = TabularEnv::new(Arc::new(ending.build().expect("valid")));
        let run = train(&mut terminated, algorithm, &config, &mut ()).expect("runs");
        assert!(
            (run.q[[0, 0]] - 1.0).abs() < 1e-9,
            "{algorithm:?}: {}",
            run.q
        );
    }
}

#[test]
fn metrics_are_recorded_per_episode() {
    let mut env = TabularEnv::new(chain());
    let mut sink = MemorySink::default();
    let config = TabularConfig {
        episodes: 10,
        epsilon: EpsilonSchedule::Linear {
            start: 1.0,
            end: 0.1,
            decay_episodes: 9,
        },
        ..TabularConfig::default()
    };
    let run = q_learning(&mut env, &config, &mut sink).expect("runs");
    assert_eq!(sink.values("charts/episodic_return"), run.episode_returns);
    let lengths: Vec<f64> = run.episode_lengths.iter().map(|l| *l as f64).collect();
    assert_eq!(sink.values("charts/episodic_length"), lengths);
    let eps = sink.values("charts/epsilon");
    assert_eq!(eps.len(), 10);
    assert!((eps[0] - 1.0).abs() < 1e-12 && (eps[9] - 0.1).abs() < 1e-12);
    // Steps are cumulative env steps, episodes count finished episodes.
    let returns: Vec<_> = sink
        .records
        .iter()
        .filter(|r| r.metric == "charts/episodic_return")
        .collect();
    let mut total = 0;
    for (i, (r, len)) in returns.iter().zip(&run.episode_lengths).enumerate() {
        total += *len as u64;
        assert_eq!((r.step, r.episode), (total, i as u64 + 1));
    }
    // In the chain every return is 10 minus one per step before the last.
    for (ret, len) in run.episode_returns.iter().zip(&run.episode_lengths) {
        assert_eq!(*ret, 10.0 - (*len as f64 - 1.0));
    }
}

/// An env whose spaces are chosen by the test; it is never stepped.
#[derive(Debug)]
struct Spaces(Space, Space);

impl Env for Spaces {
    type Obs = usize;
    type Act = usize;
    fn observation_space(&self) -> Space {
        self.0.clone()
    }
    fn action_space(&self) -> Space {
        self.1.clone()
    }
    fn reset(&mut self, _: Option<u64>) -> (usize, Info) {
        (0, Info::new())
    }
    fn step(&mut self, _: &usize) -> Result<Step<usize>, EnvError> {
        Err(EnvError::ResetNeeded)
    }
}

#[test]
fn unsupported_spaces_and_configs_are_typed_errors() {
    let boxed = Space::Box(BoxSpace::uniform(&[2], 0.0, 1.0, DType::F32));
    let shifted = Space::Discrete { n: 3, start: 1 };
    let cases = [
        (Spaces(boxed, Space::discrete(2)), "observation space"),
        (Spaces(Space::discrete(2), shifted), "action space"),
    ];
    for (mut env, role) in cases {
        let err = q_learning(&mut env, &TabularConfig::default(), &mut ()).expect_err("refused");
        assert!(
            matches!(&err, TabularError::UnsupportedSpace { role: r, .. } if *r == role),
            "{err}"
        );
        assert!(err.to_string().contains("Box(") || err.to_string().contains("start=1"));
    }
    let config = TabularConfig {
        gamma: 1.5,
        ..TabularConfig::default()
    };
    let err = sarsa(&mut TabularEnv::new(chain()), &config, &mut ()).expect_err("refused");
    assert!(matches!(
        err,
        TabularError::InvalidConfig { field: "gamma", .. }
    ));
}

#[test]
fn env_errors_are_passed_on() {
    // `Spaces` refuses every step with ResetNeeded.
    let mut env = Spaces(Space::discrete(1), Space::discrete(1));
    let err = q_learning(&mut env, &TabularConfig::default(), &mut ()).expect_err("refused");
    assert!(matches!(err, TabularError::Env(EnvError::ResetNeeded)));
}
