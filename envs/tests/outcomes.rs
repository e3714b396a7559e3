//! Outcomes of one action that land on the same cell with different rewards: the model keeps
//! each with its own reward (equal rewards merged), and a step pays one of the map's rewards,
//! never their mean.

mod common;

use std::collections::BTreeMap;

use common::{DOWN, RIGHT, UP, kw, succ, world};
use rewardlab_core::tabular::Tabular;
use rewardlab_core::{Env, Value};
use rewardlab_envs::gridworld::{BuiltinMap, GridWorld};
use rewardlab_envs::registry::{make, make_gridworld};

#[test]
fn slip_into_the_cliff_keeps_both_rewards() {
    let env = GridWorld::new(
        BuiltinMap::CliffWalk
            .load()
            .and_then(|m| {
                let mut p = m.params().clone();
                p.slip = 0.2;
                m.with_params(p)
            })
            .expect("valid"),
    )
    .expect("valid");
    // Up from the start: up 0.8; right slips into the cliff (−100, back to 36) and left
    // bumps the border (−1, stays on 36): successor 36 has two outcomes, cliff first (the
    // order the slip directions are listed in).
    assert_eq!(
        succ(&env, 36, UP),
        vec![(24, 0.8, -1.0), (36, 0.1, -100.0), (36, 0.1, -1.0)]
    );
    assert!((env.mdp().expected_reward(36, UP) - (-0.8 - 10.0 - 0.1)).abs() < 1e-9);
    // The dense view holds the expected reward given the successor.
    let (p, r) = env.mdp().to_dense().expect("48 states");
    assert!((p[[36, UP, 36]] - 0.2).abs() < 1e-12);
    assert!((r[[36, UP, 36]] + 50.5).abs() < 1e-9, "{}", r[[36, UP, 36]]);
}

#[test]
fn equal_rewards_on_one_successor_merge_and_different_ones_do_not() {
    // Up from S: the wall bumps (0.5, step −1, stays), both slips fall off a cliff (0.25
    // each, −100, back to S): the two falls merge, the bump stays apart.
    let env = world("slip = 0.5\nstep_reward = -1\ncliff_reward = -100\n.#.\nXSX\n.G.\n");
    assert_eq!(succ(&env, 4, UP), vec![(4, 0.5, -1.0), (4, 0.5, -100.0)]);
    assert_eq!(env.mdp().expected_reward(4, UP), -50.5);
    // Unequal weights and two starts: down from (1, 1) is the cliff (0.6, split over both
    // starts), left and right slips (0.2 each) land on the starts as plain moves (step −2).
    let env = world("slip = 0.4\nstep_reward = -2\ncliff_reward = -10\n.G.\nS.S\n.X.\n");
    let row = succ(&env, 4, DOWN);
    assert_eq!(row.len(), 4, "{row:?}");
    for (t, (next, prob, reward)) in row.iter().zip([
        (3, 0.3, -10.0),
        (3, 0.2, -2.0),
        (5, 0.3, -10.0),
        (5, 0.2, -2.0),
    ]) {
        assert_eq!((t.0, t.2), (next, reward), "{row:?}");
        assert!((t.1 - prob).abs() < 1e-12, "{row:?}");
    }
    assert!((env.mdp().expected_reward(4, DOWN) + 6.8).abs() < 1e-12);
}

#[test]
fn merged_outcomes_with_equal_rewards_keep_the_reward_exactly() {
    // Up from the corner: the bump (0.8) and the left slip (0.1) both stay put at −0.1. The
    // builder adds their probabilities and keeps −0.1 itself, so sampled rewards compare
    // equal to the map's numbers; the dense view keeps it too.
    let env = world("slip = 0.2\nstep_reward = -0.1\nS.\n.G\n");
    let row = succ(&env, 0, UP);
    assert_eq!(row.len(), 2, "{row:?}");
    assert_eq!((row[0].0, row[0].2), (0, -0.1));
    assert!((row[0].1 - 0.9).abs() < 1e-12);
    let (_, r) = env.mdp().to_dense().expect("4 states");
    assert_eq!(r[[0, UP, 0]], -0.1);
}

/// The CLI example `rollout --env rewardlab/CliffWalk-v0 --env-arg slip=0.5 --seed 0
/// --actions 1`: right from the start pays −100 (fall, back to the start) or −1 (slip up, or
/// slip down into the border), never the −67 a mean over the start's outcomes would pay.
#[test]
fn slippery_cliff_walk_pays_only_the_step_or_the_cliff_reward() {
    let args = kw(&[("slip", "0.5")]);
    let mut env = make("rewardlab/CliffWalk-v0", &args).expect("valid");
    let (obs, _) = env.reset(Some(0));
    assert_eq!(obs, Value::Int(36));
    let step = env.step(&Value::Int(RIGHT as i64)).expect("valid");
    assert!([-1.0, -100.0].contains(&step.reward), "{}", step.reward);

    let mut env = make_gridworld("rewardlab/CliffWalk-v0", &args).expect("valid");
    let model: Vec<(usize, f64, f64)> = succ(env.inner(), 36, RIGHT);
    assert_eq!(
        model,
        vec![(24, 0.25, -1.0), (36, 0.5, -100.0), (36, 0.25, -1.0)]
    );
    let gw = env.inner_mut();
    gw.reset(Some(0));
    let draws = 20_000;
    let mut counts: BTreeMap<(usize, i64), usize> = BTreeMap::new();
    for _ in 0..draws {
        gw.set_state(&[36.0]).expect("the start");
        let step = gw.step(&RIGHT).expect("valid");
        assert!(
            step.reward == -1.0 || step.reward == -100.0,
            "a step paid {}",
            step.reward
        );
        *counts.entry((step.obs, step.reward as i64)).or_default() += 1;
    }
    assert_eq!(counts.len(), model.len(), "{counts:?}");
    for (next, prob, reward) in model {
        let n = counts.get(&(next, reward as i64)).copied().unwrap_or(0);
        let freq = n as f64 / draws as f64;
        assert!(
            (freq - prob).abs() < 0.015,
            "36 -> {next} paying {reward}: frequency {freq}, model {prob}"
        );
    }
}
