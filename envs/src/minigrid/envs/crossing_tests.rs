//! Crossing: MiniGrid's river rule over many seeds (river count, positions and single
//! openings, a path always exists), the lava and wall behaviour, a scripted solve, seeded
//! determinism. Also the test helpers the sibling obstacle envs share.

use std::collections::{BTreeSet, HashMap, VecDeque};

use rewardlab_core::Env;

use super::*;
use crate::minigrid::grid::Grid;
use crate::minigrid::layout::Pos;
use crate::minigrid::world::Task;

const SEEDS: u64 = 200;

/// Every registered configuration.
const CONFIGS: [(usize, usize); 4] = [(9, 1), (9, 2), (9, 3), (11, 5)];

/// Whether the grid's outer ring is all walls.
pub(crate) fn border_is_wall(grid: &Grid) -> bool {
    let (w, h) = (grid.width(), grid.height());
    let wall = |x, y| matches!(grid.get(x, y), Some(Obj::Wall(_)));
    (0..w).all(|x| wall(x, 0) && wall(x, h - 1)) && (0..h).all(|y| wall(0, y) && wall(w - 1, y))
}

/// The shortest `left`/`right`/`forward` sequence that walks from `start` facing `dir` onto
/// the goal through empty cells only, if one exists (breadth-first over position and
/// direction).
pub(crate) fn shortest_solution(grid: &Grid, start: Pos, dir: u8) -> Option<Vec<usize>> {
    type State = (Pos, u8);
    let step = |(p, d): State, a: usize| -> Option<State> {
        match a {
            0 => Some((p, (d + 3) % 4)),
            1 => Some((p, (d + 1) % 4)),
            _ => {
                let (dx, dy) = [(1, 0), (0, 1), (-1, 0), (0, -1)][usize::from(d)];
                let x = p.0.checked_add_signed(dx)?;
                let y = p.1.checked_add_signed(dy)?;
                match grid.get(x, y) {
                    None | Some(Obj::Goal) if x < grid.width() && y < grid.height() => {
                        Some(((x, y), d))
                    }
                    _ => None,
                }
            }
        }
    };
    let mut parent: HashMap<State, (State, usize)> = HashMap::new();
    let mut queue = VecDeque::from([(start, dir)]);
    let start_state = (start, dir);
    while let Some(s) = queue.pop_front() {
        if grid.get(s.0.0, s.0.1) == Some(&Obj::Goal) {
            let mut actions = Vec::new();
            let mut cur = s;
            while cur != start_state {
                let (prev, a) = parent[&cur];
                actions.push(a);
                cur = prev;
            }
            actions.reverse();
            return Some(actions);
        }
        for a in 0..3 {
            if let Some(n) = step(s, a)
                && n != start_state
                && !parent.contains_key(&n)
            {
                parent.insert(n, (s, a));
                queue.push_back(n);
            }
        }
    }
    None
}

/// The vertical and horizontal rivers of a layout: the interior lines holding at least
/// `size − 3` obstacles (a river less its opening; a line crossing rivers holds fewer).
fn rivers(grid: &Grid, obstacle: &Obj) -> (Vec<usize>, Vec<usize>) {
    let s = grid.width();
    let count_col = |x: usize| {
        (1..s - 1)
            .filter(|&y| grid.get(x, y) == Some(obstacle))
            .count()
    };
    let count_row = |y: usize| {
        (1..s - 1)
            .filter(|&x| grid.get(x, y) == Some(obstacle))
            .count()
    };
    let v = (1..s - 1).filter(|&x| count_col(x) >= s - 3).collect();
    let h = (1..s - 1).filter(|&y| count_row(y) >= s - 3).collect();
    (v, h)
}

/// Checks one layout against MiniGrid's rule.
fn check_layout(env: &CrossingEnv, rule: &Crossing) {
    let grid = env.grid();
    let s = rule.size;
    assert!(border_is_wall(grid));
    assert_eq!(env.agent_pos(), (1, 1));
    assert_eq!(env.agent_dir(), 0);
    assert_eq!(grid.get(s - 2, s - 2), Some(&Obj::Goal));
    assert_eq!(env.mission(), rule.mission());
    assert_eq!(env.world().task, Task::ReachGoal);
    let (v, h) = rivers(grid, &rule.obstacle);
    assert_eq!(v.len() + h.len(), rule.n_rivers(), "river count");
    for &line in v.iter().chain(&h) {
        assert!(
            line % 2 == 0 && (2..=s - 3).contains(&line),
            "river at {line}"
        );
    }
    // One opening per river: the cell of the river not on a crossing river.
    for &x in &v {
        let open = (1..s - 1).filter(|&y| grid.get(x, y).is_none()).count();
        assert_eq!(open, 1, "vertical river at x = {x}");
    }
    for &y in &h {
        let open = (1..s - 1).filter(|&x| grid.get(x, y).is_none()).count();
        assert_eq!(open, 1, "horizontal river at y = {y}");
    }
    // Nothing else in the room: every obstacle lies on a river.
    let (nv, nh) = (v.len(), h.len());
    let mut n_obstacles = 0;
    for y in 1..s - 1 {
        for x in 1..s - 1 {
            match grid.get(x, y) {
                None | Some(Obj::Goal) => {}
                Some(o) => {
                    assert_eq!(o, &rule.obstacle);
                    assert!(
                        v.contains(&x) || h.contains(&y),
                        "stray obstacle at {x},{y}"
                    );
                    n_obstacles += 1;
                }
            }
        }
    }
    assert_eq!(n_obstacles, (nv + nh) * (s - 2) - nv * nh - (nv + nh));
    assert!(
        shortest_solution(grid, (1, 1), 0).is_some(),
        "no path to the goal"
    );
}

#[test]
fn layouts_follow_minigrid_rule_over_seeds() {
    for (size, n) in CONFIGS {
        for rule in [Crossing::lava(size, n), Crossing::simple(size, n)] {
            let mut env = rule.clone().env().expect("registered config builds");
            for seed in 0..SEEDS {
                env.reset(Some(seed));
                check_layout(&env, &rule);
            }
        }
    }
}

#[test]
fn every_candidate_river_and_opening_is_drawn() {
    let mut env = Crossing::lava(9, 1).env().expect("S9N1 builds");
    let mut seen_rivers = BTreeSet::new();
    let mut seen_openings = BTreeSet::new();
    for seed in 0..SEEDS {
        env.reset(Some(seed));
        let (v, h) = rivers(env.grid(), &Obj::Lava);
        for &x in &v {
            seen_rivers.insert((true, x));
            let y = (1..8).find(|&y| env.grid().get(x, y).is_none());
            seen_openings.insert(y.expect("one opening"));
        }
        for &y in &h {
            seen_rivers.insert((false, y));
        }
    }
    assert_eq!(seen_rivers.len(), 6, "{seen_rivers:?}");
    assert_eq!(seen_openings, (1..8).collect::<BTreeSet<_>>());
}

#[test]
fn too_many_crossings_lay_every_river() {
    let rule = Crossing::simple(9, 10);
    assert_eq!(rule.n_rivers(), 6);
    let mut env = rule.clone().env().expect("builds");
    for seed in 0..20 {
        env.reset(Some(seed));
        check_layout(&env, &rule);
    }
    assert_eq!(Crossing::lava(11, 5).n_rivers(), 5);
    assert_eq!(Crossing::lava(5, 3).n_rivers(), 2);
}

#[test]
fn even_or_tiny_sizes_are_refused() {
    assert!(
        Crossing::lava(8, 1)
            .env()
            .is_err_and(|e| matches!(e, GenError::InvalidConfig(_)))
    );
    assert!(
        Crossing::lava(3, 1)
            .env()
            .is_err_and(|e| matches!(e, GenError::InvalidConfig(_)))
    );
    assert!(Crossing::lava(5, 1).env().is_ok());
}

#[test]
fn missions_follow_the_obstacle() {
    assert_eq!(Crossing::lava(9, 1).mission(), LAVA_MISSION);
    assert_eq!(Crossing::simple(9, 1).mission(), WALL_MISSION);
    let other = Crossing {
        obstacle: Obj::Ball(crate::minigrid::object::Color::Red),
        ..Crossing::lava(9, 1)
    };
    assert_eq!(other.mission(), OTHER_MISSION);
}

#[test]
fn stepping_into_lava_ends_with_zero() {
    let mut env = Crossing::lava(9, 1).env().expect("builds");
    let mut checked = 0;
    for seed in 0..SEEDS {
        env.reset(Some(seed));
        if env.grid().get(2, 1) != Some(&Obj::Lava) {
            continue;
        }
        let step = env.step(&2).expect("forward is valid");
        assert!(step.terminated && !step.truncated);
        assert_eq!(step.reward, 0.0);
        assert_eq!(env.agent_pos(), (2, 1));
        checked += 1;
    }
    assert!(checked > 10, "only {checked} seeds with lava ahead");
}

#[test]
fn walls_block_without_ending() {
    let mut env = Crossing::simple(9, 1).env().expect("builds");
    let mut checked = 0;
    for seed in 0..SEEDS {
        env.reset(Some(seed));
        if env.grid().get(2, 1) != Some(&Obj::WALL) {
            continue;
        }
        let step = env.step(&2).expect("forward is valid");
        assert!(!step.terminated && !step.truncated);
        assert_eq!(step.reward, 0.0);
        assert_eq!(env.agent_pos(), (1, 1));
        checked += 1;
    }
    assert!(checked > 10, "only {checked} seeds with a wall ahead");
}

#[test]
fn scripted_solve_earns_the_step_discounted_reward() {
    for (size, n) in CONFIGS {
        let mut env = Crossing::lava(size, n).env().expect("builds");
        for seed in 0..20 {
            env.reset(Some(seed));
            let plan = shortest_solution(env.grid(), (1, 1), 0).expect("a path exists");
            let max_steps = 4 * size * size;
            for (k, a) in plan.iter().enumerate() {
                let step = env.step(a).expect("valid action");
                let last = k + 1 == plan.len();
                assert_eq!(step.terminated, last);
                if last {
                    let expected = 1.0 - 0.9 * (plan.len() as f64 / max_steps as f64);
                    assert!((step.reward - expected).abs() < 1e-12);
                    assert_eq!(env.agent_pos(), (size - 2, size - 2));
                } else {
                    assert_eq!(step.reward, 0.0);
                }
            }
        }
    }
}

#[test]
fn same_seed_same_layout() {
    let mut a = Crossing::lava(11, 5).env().expect("builds");
    let mut b = Crossing::lava(11, 5).env().expect("builds");
    let mut distinct = BTreeSet::new();
    for seed in 0..30 {
        a.reset(Some(seed));
        b.reset(Some(seed));
        assert_eq!(a.grid(), b.grid());
        distinct.insert(format!("{:?}", a.grid()));
    }
    assert!(distinct.len() > 20, "seeds give {} layouts", distinct.len());
}

#[test]
fn registry_rows_build_with_minigrid_defaults() {
    for spec in SPECS {
        let env = crate::minigrid::make(spec.id, &[]).expect("row builds");
        let config = env.engine_config();
        assert_eq!(
            config.max_steps,
            4 * config.width * config.width,
            "{}",
            spec.id
        );
        assert!(!config.see_through_walls);
        assert_eq!(config.n_actions, 7);
        let lava = spec.id.contains("Lava");
        assert_eq!(env.mission_text() == LAVA_MISSION, lava, "{}", spec.id);
    }
    assert_eq!(SPECS.len(), 8);
}
