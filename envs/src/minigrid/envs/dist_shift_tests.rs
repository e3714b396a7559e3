//! DistShift: the exact fixed layouts of both ids, the lava and goal endings by scripted
//! actions, the random-start option, the registry rows.

use rewardlab_core::Env;

use super::*;
use crate::minigrid::crossing::tests::{border_is_wall, shortest_solution};
use crate::minigrid::world::Task;

/// MiniGrid's `pprint_grid`-like picture of a layout: `W` wall, `L` lava, `G` goal, `.` empty.
fn picture(env: &DistShiftEnv) -> Vec<String> {
    let grid = env.grid();
    (0..grid.height())
        .map(|y| {
            (0..grid.width())
                .map(|x| match grid.get(x, y) {
                    None => '.',
                    Some(Obj::Wall(_)) => 'W',
                    Some(Obj::Lava) => 'L',
                    Some(Obj::Goal) => 'G',
                    Some(_) => '?',
                })
                .collect()
        })
        .collect()
}

#[test]
fn layouts_are_minigrids_exactly() {
    let one = [
        "WWWWWWWWW",
        "W..LLL.GW",
        "W..LLL..W",
        "W.......W",
        "W.......W",
        "W.......W",
        "WWWWWWWWW",
    ];
    let two = [
        "WWWWWWWWW",
        "W..LLL.GW",
        "W.......W",
        "W.......W",
        "W.......W",
        "W..LLL..W",
        "WWWWWWWWW",
    ];
    for (row, expected) in [(2, one), (5, two)] {
        let mut env = DistShift::new(row).env().expect("builds");
        for seed in [0, 1, 99] {
            env.reset(Some(seed));
            assert_eq!(picture(&env), expected, "strip2_row {row}");
            assert!(border_is_wall(env.grid()));
            assert_eq!((env.agent_pos(), env.agent_dir()), ((1, 1), 0));
            assert_eq!(env.mission(), MISSION);
            assert_eq!(env.world().task, Task::ReachGoal);
        }
    }
}

#[test]
fn lava_ends_with_zero() {
    let mut env = DistShift::new(2).env().expect("builds");
    env.reset(Some(0));
    let first = env.step(&2).expect("forward");
    assert_eq!((first.reward, first.terminated), (0.0, false));
    let into_lava = env.step(&2).expect("forward");
    assert!(into_lava.terminated && !into_lava.truncated);
    assert_eq!(into_lava.reward, 0.0);
    assert_eq!(env.agent_pos(), (3, 1));
}

#[test]
fn the_detour_reaches_the_goal() {
    for row in [2, 5] {
        let mut env = DistShift::new(row).env().expect("builds");
        env.reset(Some(0));
        let plan = shortest_solution(env.grid(), (1, 1), 0).expect("path");
        // DistShift1 goes under both strips (row 3), DistShift2 between them (row 2).
        let expected_len = if row == 2 { 13 } else { 11 };
        assert_eq!(plan.len(), expected_len, "strip2_row {row}");
        for (k, a) in plan.iter().enumerate() {
            let step = env.step(a).expect("valid");
            let last = k + 1 == plan.len();
            assert_eq!(step.terminated, last);
            let reward = if last {
                1.0 - 0.9 * expected_len as f64 / 252.0
            } else {
                0.0
            };
            assert!((step.reward - reward).abs() < 1e-12);
        }
        assert_eq!(env.agent_pos(), (7, 1));
    }
}

#[test]
fn random_start_draws_free_cells_and_directions() {
    let rule = DistShift {
        agent_start_pos: None,
        ..DistShift::new(2)
    };
    let mut env = rule.env().expect("builds");
    let mut dirs = std::collections::BTreeSet::new();
    for seed in 0..100 {
        env.reset(Some(seed));
        let (x, y) = env.agent_pos();
        assert!(env.grid().get(x, y).is_none());
        dirs.insert(env.agent_dir());
    }
    assert_eq!(dirs.len(), 4);
}

#[test]
fn bad_parameters_are_refused() {
    assert!(
        DistShift::new(0)
            .env()
            .is_err_and(|e| matches!(e, GenError::InvalidConfig(_)))
    );
    assert!(
        DistShift::new(6)
            .env()
            .is_err_and(|e| matches!(e, GenError::InvalidConfig(_)))
    );
    let wall_start = DistShift {
        agent_start_pos: Some((0, 1)),
        ..DistShift::new(2)
    };
    assert!(
        wall_start
            .env()
            .is_err_and(|e| matches!(e, GenError::InvalidConfig(_)))
    );
    let bad_dir = DistShift {
        agent_start_dir: 4,
        ..DistShift::new(2)
    };
    assert!(
        bad_dir
            .env()
            .is_err_and(|e| matches!(e, GenError::InvalidConfig(_)))
    );
}

#[test]
fn registry_rows_build_with_minigrid_defaults() {
    for spec in SPECS {
        let env = crate::minigrid::make(spec.id, &[]).expect("row builds");
        let config = env.engine_config();
        assert_eq!((config.width, config.height), (9, 7));
        assert_eq!(config.max_steps, 252);
        assert!(config.see_through_walls);
        assert_eq!(config.n_actions, 7);
    }
    assert_eq!(SPECS.len(), 2);
}
