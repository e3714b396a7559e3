//! Known optimal values of the built-in maps, by value iteration on the exported model, and
//! the γ = 1 planners (policy iteration, exact evaluation) on them.

mod common;

use rewardlab_core::mdp::{
    PolicyIterationConfig, ValueIterationConfig, deterministic_policy, evaluate_policy,
    policy_iteration, soft_value_iteration,
};
use rewardlab_core::tabular::Tabular;
use rewardlab_envs::gridworld::{BuiltinMap, Cell, GridWorld};
use rewardlab_envs::registry::make_gridworld;

#[test]
fn cliff_walk_optimal_return_is_minus_13() {
    let env = GridWorld::builtin(BuiltinMap::CliffWalk).expect("valid");
    let mdp = env.mdp();
    assert_eq!(mdp.gamma(), 1.0);
    let v = common::solve(mdp);
    assert!(
        (v.values[36] + 13.0).abs() < 1e-9,
        "V(start) = {}",
        v.values[36]
    );
    let (path, ret) = common::rollout(mdp, &v.policy, 36, 100);
    assert_eq!(ret, -13.0);
    assert_eq!(path.len(), 14, "13 steps: up, 11 right, down");
    assert_eq!(path.last(), Some(&47));
}

#[test]
fn windy_gridworld_optimal_episode_is_15_steps() {
    let env = GridWorld::builtin(BuiltinMap::Windy).expect("valid");
    let mdp = env.mdp();
    let v = common::solve(mdp);
    assert!(
        (v.values[30] + 15.0).abs() < 1e-9,
        "V(start) = {}",
        v.values[30]
    );
    let (path, ret) = common::rollout(mdp, &v.policy, 30, 100);
    assert_eq!((path.len() - 1, ret), (15, -15.0));
    assert_eq!(path.last(), Some(&37));
}

#[test]
fn corridor_and_four_rooms_values_are_discounted_shortest_paths() {
    for (map, start, shortest) in [
        (BuiltinMap::Corridor, 0, 39),
        (BuiltinMap::FourRooms, 14, 20),
    ] {
        let env = GridWorld::builtin(map).expect("valid");
        let v = common::solve(env.mdp());
        let want = 0.99f64.powi(shortest - 1);
        assert!(
            (v.values[start] - want).abs() < 1e-9,
            "{map:?}: V = {}, want {want}",
            v.values[start]
        );
        assert_eq!(env.distance_to_goal()[start], Some(shortest as usize));
    }
}

#[test]
fn four_rooms_with_gamma_one_solves_by_policy_iteration_and_exact_evaluation() {
    let env = make_gridworld(
        "rewardlab/FourRooms-v0",
        &[("gamma".to_string(), "1".to_string())],
    )
    .expect("valid");
    let (mdp, map) = (env.inner().mdp(), env.inner().map());
    assert_eq!(mdp.gamma(), 1.0);
    // Walls are terminal: as non-terminal self-loops they had no finite γ = 1 value.
    for (s, cell) in map.cells().iter().enumerate() {
        assert_eq!(
            mdp.is_terminal(s),
            matches!(cell, Cell::Wall | Cell::Goal(_)),
            "state {s} ({cell:?})"
        );
    }
    let pi = policy_iteration(mdp, &PolicyIterationConfig::default())
        .expect("policy iteration succeeds with terminal walls");
    let vi = common::solve(mdp);
    let optimal = deterministic_policy(&pi.policy, mdp.n_actions()).expect("a valid policy");
    let evaluated = evaluate_policy(mdp, &optimal).expect("the optimal policy terminates");
    for s in 0..mdp.n_states() {
        // Nothing per step and +1 at the goal, undiscounted: every free cell is worth 1.
        let want = if mdp.is_terminal(s) { 0.0 } else { 1.0 };
        for (name, v) in [
            ("PI", pi.values[s]),
            ("VI", vi.values[s]),
            ("eval", evaluated[s]),
        ] {
            assert!((v - want).abs() < 1e-9, "{name}: V({s}) = {v}, want {want}");
        }
    }
}

#[test]
fn soft_values_of_walls_are_zero() {
    // A non-terminal wall would collect τ·ln 4 of entropy per step: τ ln 4 / (1 − γ) in all.
    let env = GridWorld::builtin(BuiltinMap::FourRooms).expect("valid");
    let soft = soft_value_iteration(env.mdp(), 0.1, &ValueIterationConfig::default())
        .expect("converges with γ = 0.99");
    assert_eq!(soft.values[0], 0.0, "the corner wall");
    let start = 14;
    assert!(soft.values[start] > 0.0);
}
