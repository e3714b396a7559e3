//! Hand-checked transitions of every map feature, and the env's samples against its model.
//! Outcomes that share a successor (slip into a cliff) are in `outcomes.rs`.

mod common;

use common::{DOWN, LEFT, RIGHT, UP, succ, world};
use rewardlab_core::tabular::Tabular;
use rewardlab_core::{Env, EnvError, Space};
use rewardlab_envs::gridworld::{BuiltinMap, Cell, GridWorld};

/// Puts the agent on `s` (after a reset) and takes `a`.
fn step_from(env: &mut GridWorld, s: usize, a: usize) -> rewardlab_core::Step<usize> {
    env.reset(Some(0));
    env.set_state(&[s as f64]).expect("a valid state");
    env.step(&a).expect("a valid step")
}

#[test]
fn walls_and_border_block_and_pay_the_step_reward() {
    // 0 1 2 3 / 4 5 6 7
    let mut env = world("step_reward = -1\nS.#G\n....\n");
    assert_eq!(
        succ(&env, 1, RIGHT),
        vec![(1, 1.0, -1.0)],
        "wall to the right"
    );
    assert_eq!(succ(&env, 0, UP), vec![(0, 1.0, -1.0)], "top border");
    assert_eq!(succ(&env, 0, LEFT), vec![(0, 1.0, -1.0)], "left border");
    assert_eq!(succ(&env, 4, DOWN), vec![(4, 1.0, -1.0)], "bottom border");
    assert_eq!(succ(&env, 0, DOWN), vec![(4, 1.0, -1.0)]);
    let step = step_from(&mut env, 1, RIGHT);
    assert_eq!((step.obs, step.reward, step.terminated), (1, -1.0, false));
    // Walls are unreachable, terminal (absorbing, reward 0) and refused by set_state.
    assert!(env.mdp().is_terminal(2));
    assert_eq!(succ(&env, 2, LEFT), vec![(2, 1.0, 0.0)]);
    match env.set_state(&[2.0]) {
        Err(EnvError::InvalidState { reason, .. }) => assert_eq!(reason, "cell (0, 2) is a wall"),
        other => panic!("a wall must be refused, got {other:?}"),
    }
}

#[test]
fn set_state_refuses_cliffs() {
    let mut env = GridWorld::builtin(BuiltinMap::CliffWalk).expect("valid");
    env.reset(Some(0));
    env.set_state(&[24.0]).expect("floor above the cliff");
    // 37 is (3, 1), the first cliff cell: the agent is never left standing on it.
    match env.set_state(&[37.0]) {
        Err(EnvError::InvalidState { reason, .. }) => {
            assert!(reason.starts_with("cell (3, 1) is a cliff"), "{reason}");
            assert!(reason.contains("back to a start"), "{reason}");
        }
        other => panic!("a cliff must be refused, got {other:?}"),
    }
    assert_eq!(
        env.state_index(),
        24,
        "a refused state leaves the agent where it was"
    );
    assert!(
        !env.mdp().is_terminal(37),
        "cliffs stay non-terminal in the model"
    );
}

#[test]
fn goal_and_lava_are_terminal_absorbing_and_pay_instead_of_the_step_reward() {
    let mut env = world("step_reward = -1\ngoal_reward = 5\nlava_reward = -9\nL.SG\n");
    let step = step_from(&mut env, 2, RIGHT);
    assert_eq!((step.obs, step.reward, step.terminated), (3, 5.0, true));
    assert!(!step.truncated);
    assert_eq!(env.step(&LEFT), Err(EnvError::ResetNeeded));
    let step = step_from(&mut env, 1, LEFT);
    assert_eq!((step.obs, step.reward, step.terminated), (0, -9.0, true));
    for s in [0, 3] {
        assert!(env.mdp().is_terminal(s));
        for a in 0..4 {
            assert_eq!(succ(&env, s, a), vec![(s, 1.0, 0.0)]);
        }
    }
}

#[test]
fn declared_goals_pay_their_own_reward() {
    let env = world("goal a = 0.25\ngoal_reward = 3\na.S.G\n");
    assert_eq!(succ(&env, 1, LEFT), vec![(0, 1.0, 0.25)]);
    assert_eq!(succ(&env, 3, RIGHT), vec![(4, 1.0, 3.0)]);
}

#[test]
fn cliff_sends_back_to_the_start_without_ending() {
    let mut env = GridWorld::builtin(BuiltinMap::CliffWalk).expect("valid");
    assert_eq!(succ(&env, 36, RIGHT), vec![(36, 1.0, -100.0)]);
    assert_eq!(succ(&env, 25, DOWN), vec![(36, 1.0, -100.0)]);
    assert_eq!(succ(&env, 24, DOWN), vec![(36, 1.0, -1.0)]);
    assert_eq!(
        succ(&env, 35, DOWN),
        vec![(47, 1.0, -1.0)],
        "the goal pays -1"
    );
    let step = step_from(&mut env, 30, DOWN);
    assert_eq!(
        (step.obs, step.reward, step.terminated),
        (36, -100.0, false)
    );
    // Several starts: the fall lands on each with equal probability.
    let env = world("cliff_reward = -5\nS.S\n.X.\n..G\n");
    assert_eq!(succ(&env, 3, RIGHT), vec![(0, 0.5, -5.0), (2, 0.5, -5.0)]);
    assert_eq!(
        env.mdp().initial().to_vec(),
        vec![0.5, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    );
}

#[test]
fn wind_pushes_up_from_the_column_moved_from() {
    let env = GridWorld::builtin(BuiltinMap::Windy).expect("valid");
    let at = |r: usize, c: usize| r * 10 + c;
    // From column 6 (wind 2) moving right into column 7: two rows up, past the goal row.
    assert_eq!(succ(&env, at(3, 6), RIGHT), vec![(at(1, 7), 1.0, -1.0)]);
    // From column 8 (wind 1) moving left into column 7: one row up, not two.
    assert_eq!(succ(&env, at(3, 8), LEFT), vec![(at(2, 7), 1.0, -1.0)]);
    // From column 2 (no wind) into column 3 (wind 1): no push on this move.
    assert_eq!(succ(&env, at(3, 2), RIGHT), vec![(at(3, 3), 1.0, -1.0)]);
    // Clipped at the top border.
    assert_eq!(succ(&env, at(0, 4), UP), vec![(at(0, 4), 1.0, -1.0)]);
    assert_eq!(succ(&env, at(1, 6), UP), vec![(at(0, 6), 1.0, -1.0)]);
    // Down against wind 1 stays, even on the bottom row (S&B clip the combined move).
    assert_eq!(succ(&env, at(2, 4), DOWN), vec![(at(2, 4), 1.0, -1.0)]);
    assert_eq!(succ(&env, at(6, 4), DOWN), vec![(at(6, 4), 1.0, -1.0)]);
    // Down against wind 2 goes up one.
    assert_eq!(succ(&env, at(5, 7), DOWN), vec![(at(4, 7), 1.0, -1.0)]);
    // The goal is entered only by landing on it: blown over from below, landed on from
    // (4, 8), where the move left and column 8's push of one end exactly on it.
    assert_eq!(succ(&env, at(4, 7), UP), vec![(at(1, 7), 1.0, -1.0)]);
    assert_eq!(succ(&env, at(4, 8), LEFT), vec![(at(3, 7), 1.0, -1.0)]);
    assert!(env.mdp().is_terminal(at(3, 7)));
}

#[test]
fn wind_is_stopped_by_walls() {
    // Wind 3 in column 1, a wall at its top.
    let env = world("wind = 0 3 0\n.#.\n...\n...\nS.G\n");
    // From (3,1) going right onto the goal (3,2): column 1's wind pushes 3 up, over the goal.
    assert_eq!(succ(&env, 10, RIGHT), vec![(2, 1.0, 0.0)]);
    // From (3,1) going up: 1 + 3 = 4 rows up, stopped below the wall at (0,1).
    assert_eq!(succ(&env, 10, UP), vec![(4, 1.0, 0.0)]);
    // From (3,0) (no wind) right into (3,1): no push.
    assert_eq!(succ(&env, 9, RIGHT), vec![(10, 1.0, 0.0)]);
}

#[test]
fn slip_splits_between_intended_and_perpendicular_moves() {
    let env = world("slip = 0.2\nstep_reward = -1\n...\n.S.\n..G\n");
    // From the centre (4): up with 0.8, right and left with 0.1 each.
    assert_eq!(
        succ(&env, 4, UP),
        vec![(1, 0.8, -1.0), (3, 0.1, -1.0), (5, 0.1, -1.0)]
    );
    // From corner 0 going up: the bump and the left slip both stay put (merged).
    let row = succ(&env, 0, UP);
    assert_eq!(row.len(), 2);
    assert_eq!(row[0].0, 0);
    assert!((row[0].1 - 0.9).abs() < 1e-12);
    assert_eq!(row[1], (1, 0.1, -1.0));
    // Right from (2,1): intended goal with 0.8, slips up to the centre or down (bump).
    assert_eq!(
        succ(&env, 7, RIGHT),
        vec![(4, 0.1, -1.0), (7, 0.1, -1.0), (8, 0.8, 1.0)]
    );
}

#[test]
fn samples_match_the_exported_model() {
    // Every feature at once: slip, wind, a wall, lava, a cliff below the start and a goal.
    // Down from the start falls off the cliff back onto it (−20) while the left slip bumps the
    // border there (−1): one successor, two outcomes, told apart by their rewards.
    let mut env = world(
        "slip = 0.3\nstep_reward = -1\nlava_reward = -7\ncliff_reward = -20\n\
         wind = 0 1 0 0\nS..L\nX#..\n...G\n",
    );
    env.reset(Some(11));
    let draws = 3000;
    let mut split_rows = 0;
    for s in 0..12 {
        // Terminal cells, the wall and the cliff: no state the agent can be put on to step.
        if env.mdp().is_terminal(s) || matches!(env.map().cells()[s], Cell::Wall | Cell::Cliff) {
            continue;
        }
        for a in 0..4 {
            let model = succ(&env, s, a);
            if model.windows(2).any(|w| w[0].0 == w[1].0) {
                split_rows += 1;
            }
            let mut counts = vec![0usize; model.len()];
            for _ in 0..draws {
                env.set_state(&[s as f64]).expect("a floor or start state");
                let step = env.step(&a).expect("valid");
                // The builder merges equal rewards, so (s′, r) names one outcome.
                let i = model
                    .iter()
                    .position(|t| (t.0, t.2) == (step.obs, step.reward))
                    .unwrap_or_else(|| {
                        panic!(
                            "({s},{a}) -> {} paying {}: not an outcome of the model",
                            step.obs, step.reward
                        )
                    });
                counts[i] += 1;
                assert_eq!(step.terminated, env.mdp().is_terminal(step.obs));
            }
            for (t, n) in model.iter().zip(&counts) {
                let freq = *n as f64 / draws as f64;
                assert!(
                    (freq - t.1).abs() < 0.04,
                    "({s},{a}) -> {} paying {}: frequency {freq}, model {}",
                    t.0,
                    t.2,
                    t.1
                );
            }
        }
    }
    assert!(
        split_rows > 0,
        "the map must exercise a successor with two rewards"
    );
}

#[test]
fn spaces_seeding_and_starts() {
    let mut env = world("S.S\n..G\n");
    assert_eq!(env.observation_space(), Space::discrete(6));
    assert_eq!(env.action_space(), Space::discrete(4));
    assert!(matches!(env.step(&0), Err(EnvError::ResetNeeded)));
    let mut starts = [0usize; 6];
    env.reset(Some(5));
    for _ in 0..2000 {
        starts[env.reset(None).0] += 1;
    }
    assert!(matches!(env.step(&4), Err(EnvError::InvalidAction { .. })));
    assert_eq!(starts[0] + starts[2], 2000);
    assert!((starts[0] as f64 / 2000.0 - 0.5).abs() < 0.05);

    let mut slippery = world("slip = 0.5\nS...\n....\n...G\n");
    let mut run = |seed| {
        let (mut obs, _) = slippery.reset(Some(seed));
        let mut path = vec![obs];
        for t in 0..30 {
            let step = slippery.step(&(t % 4)).expect("valid");
            obs = step.obs;
            path.push(obs);
            if step.terminated {
                break;
            }
        }
        path
    };
    let a = run(3);
    assert_eq!(a, run(3), "same seed, same trajectory");
    assert_ne!(a, run(4), "another seed, another trajectory");
}

#[test]
fn accessors_distances_and_render() {
    let mut env = world("#####\n#S.L#\n#.#.#\n#..G#\n#####\n");
    assert_eq!((env.nrows(), env.ncols()), (5, 5));
    let d = env.distance_to_goal();
    assert_eq!(d[18], Some(0), "the goal");
    assert_eq!(d[13], Some(1));
    assert_eq!(
        d[6],
        Some(4),
        "the start walks around the wall, not through the lava"
    );
    assert_eq!(d[8], None, "lava");
    assert_eq!(d[0], None, "wall");
    assert_eq!(env.agent_position(), None);
    assert_eq!(env.ansi(), "#####\n#S.L#\n#.#.#\n#..G#\n#####\n");
    env.reset(Some(0));
    env.set_state(&[16.0]).expect("floor");
    assert_eq!(env.agent_position(), Some((3, 1)));
    assert_eq!(env.state_index(), 16);
    assert_eq!(env.ansi(), "#####\n#S.L#\n#.#.#\n#@.G#\n#####\n");
}
