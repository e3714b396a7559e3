//! Known optimal values of the Sutton & Barto maps, by value iteration on the exported model.

mod common;

use rewardlab_core::tabular::Tabular;
use rewardlab_envs::gridworld::{BuiltinMap, GridWorld};

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
