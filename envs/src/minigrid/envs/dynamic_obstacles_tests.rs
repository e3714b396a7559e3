//! Dynamic-Obstacles: the layouts over many seeds, MiniGrid's obstacle cap, the motion rule
//! (one cell at most, uniform over the free cells of the 3 × 3 square, never onto the agent,
//! staying when boxed in), the −1 collision (a ball or a wall ahead), the goal, the 3-action
//! space and seeded determinism.

use std::collections::{BTreeMap, BTreeSet};

use rewardlab_core::rng::rng_from_seed;
use rewardlab_core::{Env, EnvError};

use super::*;
use crate::minigrid::crossing::tests::border_is_wall;
use crate::minigrid::grid::Grid;
use crate::minigrid::world::Task;

const SEEDS: u64 = 200;

/// The registered configurations: size, random start, obstacles.
const CONFIGS: [(usize, bool, usize); 6] = [
    (5, false, 2),
    (5, true, 2),
    (6, false, 3),
    (6, true, 3),
    (8, false, 4),
    (16, false, 8),
];

/// The balls on the grid, sorted.
fn balls(grid: &Grid) -> BTreeSet<Pos> {
    (0..grid.height())
        .flat_map(|y| (0..grid.width()).map(move |x| (x, y)))
        .filter(|&(x, y)| grid.get(x, y) == Some(&OBSTACLE))
        .collect()
}

#[test]
fn layouts_follow_minigrid_rule_over_seeds() {
    for (size, random, n) in CONFIGS {
        let mut env = DynamicObstacles::new(size, random, n)
            .env()
            .expect("builds");
        let mut starts = BTreeSet::new();
        for seed in 0..SEEDS {
            env.reset(Some(seed));
            let grid = env.grid();
            assert!(border_is_wall(grid));
            assert_eq!(grid.get(size - 2, size - 2), Some(&Obj::Goal));
            assert_eq!(env.mission(), MISSION);
            assert_eq!(env.world().task, Task::ReachGoal);
            let pos = env.agent_pos();
            if random {
                assert!(grid.get(pos.0, pos.1).is_none());
                starts.insert((pos, env.agent_dir()));
            } else {
                assert_eq!((pos, env.agent_dir()), ((1, 1), 0));
            }
            let placed = env.generator().obstacles();
            assert_eq!(placed.len(), n);
            assert_eq!(balls(grid), placed.iter().copied().collect());
            assert!(!placed.contains(&pos));
            let interior = (size - 2) * (size - 2);
            let empty = (1..size - 1)
                .flat_map(|y| (1..size - 1).map(move |x| (x, y)))
                .filter(|&(x, y)| grid.get(x, y).is_none())
                .count();
            assert_eq!(
                empty,
                interior - 1 - n,
                "only the goal and the balls fill the room"
            );
        }
        if random {
            // 4 directions × the (size−2)² − 1 cells off the goal.
            assert!(starts.len() > 20, "{} starts", starts.len());
        }
    }
}

#[test]
fn obstacle_count_is_capped_as_minigrid() {
    assert_eq!(capped_obstacles(5, 2), 2);
    assert_eq!(capped_obstacles(5, 3), 3);
    assert_eq!(capped_obstacles(5, 4), 2);
    assert_eq!(capped_obstacles(6, 4), 4);
    assert_eq!(capped_obstacles(6, 5), 3);
    assert_eq!(capped_obstacles(16, 9), 9);
    assert_eq!(capped_obstacles(16, 10), 8);
    assert_eq!(DynamicObstacles::new(7, false, 100).n_obstacles, 3);
}

#[test]
fn three_actions_and_out_of_range_refused() {
    let mut env = DynamicObstacles::new(8, false, 4).env().expect("builds");
    env.reset(Some(0));
    assert_eq!(env.config().n_actions, 3);
    assert!(env.config().see_through_walls);
    assert!(matches!(env.step(&3), Err(EnvError::InvalidAction { .. })));
    assert!(env.step(&0).is_ok());
}

/// A 5 × 5 world with one ball at `ball`, the agent at `agent`, the goal at (3, 3).
fn world_with_ball(ball: Pos, agent: Pos) -> (DynamicObstacles, World) {
    let mut grid = Grid::new(5, 5);
    grid.wall_rect(0, 0, 5, 5);
    grid.set(3, 3, Some(Obj::Goal));
    grid.set(ball.0, ball.1, Some(OBSTACLE));
    let mut rule = DynamicObstacles::new(5, false, 1);
    rule.obstacles = vec![ball];
    let world = World {
        grid,
        agent_pos: agent,
        agent_dir: 0,
        carrying: None,
        step_count: 0,
        max_steps: 100,
        task: Task::ReachGoal,
    };
    (rule, world)
}

#[test]
fn a_ball_moves_uniformly_to_the_free_cells_around_it() {
    let mut rng = rng_from_seed(7);
    let mut counts: BTreeMap<Pos, usize> = BTreeMap::new();
    let draws = 6000;
    for _ in 0..draws {
        let (mut rule, mut world) = world_with_ball((2, 2), (1, 1));
        rule.move_obstacle(0, &mut world, &mut rng);
        let to = rule.obstacles()[0];
        assert_eq!(balls(&world.grid), BTreeSet::from([to]));
        *counts.entry(to).or_default() += 1;
    }
    // The 3 × 3 square around (2, 2) less the ball's own cell, the agent's and the goal's.
    let expected: BTreeSet<Pos> = [(2, 1), (3, 1), (1, 2), (3, 2), (1, 3), (2, 3)].into();
    assert_eq!(counts.keys().copied().collect::<BTreeSet<_>>(), expected);
    for (pos, n) in counts {
        // 1000 expected, binomial sd ≈ 29: a 5-sd band.
        assert!((855..=1145).contains(&n), "{pos:?} drawn {n} times");
    }
}

#[test]
fn a_boxed_in_ball_stays() {
    let (mut rule, mut world) = world_with_ball((1, 1), (3, 2));
    for (x, y) in [(2, 1), (1, 2), (2, 2)] {
        world.grid.set(x, y, Some(Obj::WALL));
    }
    let mut rng = rng_from_seed(0);
    rule.move_obstacle(0, &mut world, &mut rng);
    assert_eq!(rule.obstacles(), &[(1, 1)]);
    assert_eq!(world.grid.get(1, 1), Some(&OBSTACLE));
    // Only the agent's cell free: still boxed in.
    let (mut rule, mut world) = world_with_ball((1, 1), (2, 2));
    for (x, y) in [(2, 1), (1, 2)] {
        world.grid.set(x, y, Some(Obj::WALL));
    }
    rule.move_obstacle(0, &mut world, &mut rng);
    assert_eq!(rule.obstacles(), &[(1, 1)]);
}

#[test]
fn balls_move_one_cell_and_never_onto_the_agent() {
    let mut env = DynamicObstacles::new(6, true, 3).env().expect("builds");
    let mut rng = rng_from_seed(11);
    let mut moves = 0;
    for seed in 0..50 {
        env.reset(Some(seed));
        loop {
            let before = env.generator().obstacles().to_vec();
            let action = rand::Rng::random_range(&mut rng, 0..3usize);
            let step = env.step(&action).expect("valid");
            let after = env.generator().obstacles();
            assert_eq!(after.len(), before.len());
            for (a, b) in before.iter().zip(after) {
                assert!(a.0.abs_diff(b.0) <= 1 && a.1.abs_diff(b.1) <= 1);
                moves += usize::from(a != b);
            }
            assert_eq!(balls(env.grid()), after.iter().copied().collect());
            assert!(!after.contains(&env.agent_pos()));
            if step.terminated || step.truncated {
                assert!(step.reward == -1.0 || step.reward > 0.0 || step.truncated);
                break;
            }
            assert_eq!(step.reward, 0.0);
        }
    }
    assert!(moves > 100, "{moves} moves");
}

#[test]
fn forward_into_a_ball_costs_one() {
    let mut env = DynamicObstacles::new(5, false, 2).env().expect("builds");
    let mut checked = 0;
    for seed in 0..SEEDS {
        env.reset(Some(seed));
        if env.grid().get(2, 1) != Some(&OBSTACLE) {
            continue;
        }
        // Turning with a ball ahead is harmless.
        let turn = env.step(&1).expect("valid");
        assert_eq!((turn.reward, turn.terminated), (0.0, false));
        env.reset(Some(seed));
        let step = env.step(&2).expect("valid");
        assert_eq!(step.reward, COLLISION_REWARD);
        assert!(step.terminated && !step.truncated);
        checked += 1;
    }
    assert!(checked > 20, "only {checked} seeds with a ball ahead");
}

#[test]
fn forward_into_a_wall_costs_one() {
    let mut env = DynamicObstacles::new(8, false, 4).env().expect("builds");
    env.reset(Some(5));
    let turn = env.step(&0).expect("valid");
    assert_eq!((turn.reward, turn.terminated), (0.0, false));
    let step = env.step(&2).expect("valid");
    assert_eq!(step.reward, COLLISION_REWARD);
    assert!(step.terminated);
    assert_eq!(env.agent_pos(), (1, 1));
}

#[test]
fn the_goal_ahead_is_not_a_collision() {
    let mut env = DynamicObstacles::new(5, false, 2).env().expect("builds");
    let mut checked = 0;
    for seed in 0..50 {
        env.reset(Some(seed));
        if env.set_agent((3, 2), 1).is_err() {
            continue; // a ball stands there
        }
        let step = env.step(&2).expect("valid");
        assert!(step.terminated);
        assert!((step.reward - (1.0 - 0.9 / 100.0)).abs() < 1e-12);
        checked += 1;
    }
    assert!(checked > 20);
}

#[test]
fn same_seed_same_trajectory() {
    let run = || {
        let mut env = DynamicObstacles::new(16, false, 8).env().expect("builds");
        env.reset(Some(42));
        let mut trace = Vec::new();
        for k in 0..60 {
            let step = env.step(&[1, 2, 0, 2][k % 4]).expect("valid");
            trace.push((
                env.generator().obstacles().to_vec(),
                step.reward,
                step.obs.image,
            ));
            if step.terminated {
                break;
            }
        }
        trace
    };
    assert_eq!(run(), run());
}

#[test]
fn registry_rows_build_with_minigrid_defaults() {
    for (spec, (size, _, n)) in SPECS.iter().zip(CONFIGS) {
        let mut env = crate::minigrid::make(spec.id, &[]).expect("row builds");
        let config = *env.engine_config();
        assert_eq!((config.width, config.max_steps), (size, 4 * size * size));
        assert_eq!(config.n_actions, 3);
        assert!(config.see_through_walls);
        env.reset(Some(1));
        assert_eq!(balls(&env.world().grid).len(), n, "{}", spec.id);
    }
    assert_eq!(SPECS.len(), 6);
}
