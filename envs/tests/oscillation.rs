//! The oscillation map: a naive progress bonus (+b for a step that reduces the walking
//! distance to the goal, nothing for a step away) makes oscillating optimal, so the optimal
//! policy (by `rewardlab_core::mdp::value_iteration`) never reaches the goal; without the
//! bonus it walks straight there. The numbers are the ones documented in
//! `maps/oscillation.txt`.

mod common;

use rewardlab_core::tabular::Tabular;
use rewardlab_envs::gridworld::{BuiltinMap, GridWorld};

/// The bonus documented in the map's comments.
const BONUS: f64 = 0.1;

#[test]
fn naive_progress_bonus_is_hacked_by_oscillation() {
    let env = GridWorld::builtin(BuiltinMap::Oscillation).expect("valid");
    let mdp = env.mdp();
    let start = env.map().starts()[0];
    let d = env.distance_to_goal().to_vec();
    assert_eq!(d[start], Some(7));
    assert_eq!(mdp.gamma(), 0.99);

    // Unshaped: the greedy policy reaches the goal along a shortest path.
    let v = common::solve(mdp);
    let (path, ret) = common::rollout(mdp, &v.policy, start, 1000);
    assert_eq!(path.len() - 1, 7, "a shortest path: {path:?}");
    assert!(mdp.is_terminal(*path.last().expect("non-empty")));
    assert_eq!(ret, 1.0);
    assert!((v.values[start] - 0.99f64.powi(6)).abs() < 1e-9);

    // Shaped with the naive bonus: R + b·[d(s') < d(s)].
    let shaped = mdp
        .map_rewards(|s, _, next, r| {
            let closer = matches!((d[s], d[next]), (Some(a), Some(b)) if b < a);
            r + if closer { BONUS } else { 0.0 }
        })
        .expect("finite rewards");
    let vs = common::solve(&shaped);
    let (path, _) = common::rollout(&shaped, &vs.policy, start, 1000);
    assert_eq!(path.len(), 1001, "the greedy policy never stops");
    assert!(
        path.iter().all(|&s| !shaped.is_terminal(s)),
        "the shaped greedy policy never enters the goal"
    );
    // The documented numbers: the best goal-reaching return is 0.68 + 0.94 ≈ 1.62; the
    // optimum collects the bonus down to the goal's neighbour (6 steps), then steps away and
    // back forever: Σ_{t<6} γ^t b + γ^7 b / (1 − γ²) ≈ 0.59 + 4.68 = 5.27.
    let gamma = 0.99f64;
    let reach: f64 = (0..7).map(|t| gamma.powi(t) * BONUS).sum::<f64>() + gamma.powi(6);
    assert!((reach - 1.62).abs() < 0.01);
    let progress: f64 = (0..6).map(|t| gamma.powi(t) * BONUS).sum();
    let oscillate = progress + gamma.powi(7) * BONUS / (1.0 - gamma * gamma);
    assert!((oscillate - 5.27).abs() < 0.01);
    assert!(
        (vs.values[start] - oscillate).abs() < 1e-9,
        "V_shaped(start) = {}",
        vs.values[start]
    );
    assert!(vs.values[start] > 3.0 * reach);
    // It oscillates between the goal's neighbour and a cell one step farther.
    let tail: Vec<Option<usize>> = path[7..].iter().map(|&s| d[s]).collect();
    assert!(
        tail.chunks(2)
            .all(|c| c[0] == Some(2) && c.get(1).is_none_or(|x| *x == Some(1))),
        "{tail:?}"
    );
}
