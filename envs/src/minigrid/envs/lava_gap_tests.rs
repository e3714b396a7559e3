//! LavaGap: the strip and its gap over many seeds (every column and row of MiniGrid's ranges
//! drawn, nothing else), the missions, the lava and goal endings by scripted actions, seeded
//! determinism.

use std::collections::BTreeSet;

use rewardlab_core::Env;

use super::*;
use crate::minigrid::crossing::tests::{border_is_wall, shortest_solution};
use crate::minigrid::world::Task;

const SEEDS: u64 = 200;

#[test]
fn layouts_follow_minigrid_rule_over_seeds() {
    for size in [5, 6, 7] {
        let mut env = LavaGap::new(size).env().expect("registered size builds");
        let (mut columns, mut rows) = (BTreeSet::new(), BTreeSet::new());
        for seed in 0..SEEDS {
            env.reset(Some(seed));
            let grid = env.grid();
            let (gx, gy) = env.generator().gap_pos();
            assert!(border_is_wall(grid));
            assert_eq!((env.agent_pos(), env.agent_dir()), ((1, 1), 0));
            assert_eq!(grid.get(size - 2, size - 2), Some(&Obj::Goal));
            assert_eq!(env.mission(), LAVA_MISSION);
            assert_eq!(env.world().task, Task::ReachGoal);
            assert!((2..size - 2).contains(&gx) && (1..size - 1).contains(&gy));
            for y in 1..size - 1 {
                for x in 1..size - 1 {
                    let expected = if (x, y) == (size - 2, size - 2) {
                        Some(&Obj::Goal)
                    } else if x == gx && y != gy {
                        Some(&Obj::Lava)
                    } else {
                        None
                    };
                    assert_eq!(grid.get(x, y), expected, "cell {x},{y} seed {seed}");
                }
            }
            assert!(shortest_solution(grid, (1, 1), 0).is_some());
            columns.insert(gx);
            rows.insert(gy);
        }
        assert_eq!(
            columns,
            (2..size - 2).collect::<BTreeSet<_>>(),
            "size {size}"
        );
        assert_eq!(rows, (1..size - 1).collect::<BTreeSet<_>>(), "size {size}");
    }
}

#[test]
fn a_wall_strip_changes_the_mission() {
    let mut env = LavaGap::with_obstacle(6, Obj::WALL).env().expect("builds");
    env.reset(Some(3));
    assert_eq!(env.mission(), OPENING_MISSION);
    let (gx, gy) = env.generator().gap_pos();
    let other_row = if gy == 1 { 2 } else { 1 };
    assert_eq!(env.grid().get(gx, other_row), Some(&Obj::WALL));
}

#[test]
fn sizes_below_five_are_refused() {
    assert!(
        LavaGap::new(4)
            .env()
            .is_err_and(|e| matches!(e, GenError::InvalidConfig(_)))
    );
}

#[test]
fn lava_ends_with_zero_and_the_gap_leads_to_the_goal() {
    let mut env = LavaGap::new(5).env().expect("builds");
    let mut lava_checked = 0;
    for seed in 0..SEEDS {
        env.reset(Some(seed));
        // S5: the strip is always at x = 2; (2, 1) is lava unless the gap is there.
        if env.grid().get(2, 1) == Some(&Obj::Lava) {
            let step = env.step(&2).expect("forward");
            assert!(step.terminated && !step.truncated);
            assert_eq!(step.reward, 0.0);
            lava_checked += 1;
            env.reset(Some(seed));
        }
        let plan = shortest_solution(env.grid(), (1, 1), 0).expect("path");
        let mut last = None;
        for a in &plan {
            last = Some(env.step(a).expect("valid"));
        }
        let last = last.expect("a non-empty plan");
        assert!(last.terminated);
        let expected = 1.0 - 0.9 * plan.len() as f64 / 100.0;
        assert!((last.reward - expected).abs() < 1e-12);
    }
    assert!(lava_checked > 50);
}

#[test]
fn same_seed_same_layout() {
    let mut a = LavaGap::new(7).env().expect("builds");
    let mut b = LavaGap::new(7).env().expect("builds");
    for seed in 0..20 {
        a.reset(Some(seed));
        b.reset(Some(seed));
        assert_eq!(a.grid(), b.grid());
    }
}

#[test]
fn registry_rows_build_with_minigrid_defaults() {
    for (spec, size) in SPECS.iter().zip([5, 6, 7]) {
        let env = crate::minigrid::make(spec.id, &[]).expect("row builds");
        let config = env.engine_config();
        assert_eq!((config.width, config.height), (size, size));
        assert_eq!(config.max_steps, 4 * size * size);
        assert!(!config.see_through_walls);
    }
}
