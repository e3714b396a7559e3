//! Helpers shared by the integration tests: string kwargs for `make`, building maps, reading
//! a model's outcomes, optimal planning with the core's value iteration and greedy rollouts
//! on a deterministic model.
// Each test file uses its own subset of these helpers.
#![allow(dead_code)]

use rewardlab_core::mdp::{Mdp, Solution, ValueIterationConfig, value_iteration};
use rewardlab_core::tabular::Tabular;
use rewardlab_envs::gridworld::GridWorld;

/// Action indices of the gridworlds.
pub const UP: usize = 0;
/// Action 1.
pub const RIGHT: usize = 1;
/// Action 2.
pub const DOWN: usize = 2;
/// Action 3.
pub const LEFT: usize = 3;

/// String kwargs as `make` takes them, from literal pairs.
pub fn kw(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A gridworld from map text that must be valid.
pub fn world(text: &str) -> GridWorld {
    GridWorld::parse(text).expect("a valid test map")
}

/// The model's outcomes of (s, a) as (next, prob, reward), in the model's order.
pub fn succ(env: &GridWorld, s: usize, a: usize) -> Vec<(usize, f64, f64)> {
    env.mdp()
        .successors(s, a)
        .map(|t| (t.next, t.prob, t.reward))
        .collect()
}

/// The optimal solution, solved tightly enough for 1e-9 comparisons of values.
pub fn solve(mdp: &Mdp) -> Solution {
    let config = ValueIterationConfig {
        tolerance: 1e-13,
        ..ValueIterationConfig::default()
    };
    value_iteration(mdp, &config).expect("value iteration converges on the test maps")
}

/// Follows `policy` on a deterministic model from `start` for at most `max_steps` steps;
/// returns the visited states (start included) and the undiscounted return.
pub fn rollout(mdp: &Mdp, policy: &[usize], start: usize, max_steps: usize) -> (Vec<usize>, f64) {
    assert!(mdp.is_deterministic(), "rollout follows single successors");
    let (mut s, mut ret, mut path) = (start, 0.0, vec![start]);
    for _ in 0..max_steps {
        if mdp.is_terminal(s) {
            break;
        }
        let t = mdp
            .successors(s, policy[s])
            .next()
            .expect("every row has a successor");
        ret += t.reward;
        s = t.next;
        path.push(s);
    }
    (path, ret)
}
