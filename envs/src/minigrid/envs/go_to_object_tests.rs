//! GoToObject: MiniGrid's layout rules over many seeds (distinct objects on free interior
//! cells, agent, mission and task), the shared draw helper, the win and loss rules by scripted
//! walks, determinism and the registry rows.

use std::collections::BTreeSet;

use rewardlab_core::Env;
use rewardlab_core::rng::rng_from_seed;

use super::{GoToObject, GoToObjectEnv, ObjType, describe, draw_distinct, mission};
use crate::minigrid::engine::MiniGridEnv;
use crate::minigrid::envs::go_to_door::tests::{act, adjacent4, front, plan, success_reward, walk};
use crate::minigrid::grid::Grid;
use crate::minigrid::layout::{Gen, GenError, Generator, Pos};
use crate::minigrid::object::{Color, Obj};
use crate::minigrid::world::{Action, Task};

const SEEDS: u64 = 200;

/// The objects inside the walls, with their cells, in scan order.
pub(crate) fn objects(grid: &Grid) -> Vec<(Pos, Obj)> {
    let (w, h) = (grid.width(), grid.height());
    (1..h - 1)
        .flat_map(|y| (1..w - 1).map(move |x| (x, y)))
        .filter_map(|(x, y)| grid.get(x, y).map(|o| ((x, y), o.clone())))
        .collect()
}

/// Whether `r` is a refusal of the configuration.
pub(crate) fn refused<T>(r: Result<T, GenError>) -> bool {
    r.is_err_and(|e| matches!(e, GenError::InvalidConfig(_)))
}

/// Asserts that two envs made by `make` lay out the same worlds and missions after
/// `reset(Some(seed))` and after each of five more `reset(None)`.
pub(crate) fn assert_resets_agree<G: Generator>(
    make: impl Fn() -> Result<MiniGridEnv<G>, GenError>,
    seed: u64,
) {
    let mut a = make().expect("valid config");
    let mut b = make().expect("valid config");
    a.reset(Some(seed));
    b.reset(Some(seed));
    for _ in 0..5 {
        assert_eq!(a.world(), b.world());
        assert_eq!(a.mission(), b.mission());
        a.reset(None);
        b.reset(None);
    }
}

/// Asserts the registered object-room rows `(id, size, num_objs)`: a `size` square seeing
/// through walls, truncating at `max_steps(size)`, holding `num_objs` objects.
pub(crate) fn assert_object_rows(rows: &[(&str, usize, usize)], max_steps: fn(usize) -> usize) {
    for &(id, size, n) in rows {
        let env = crate::minigrid::make(id, &[]).expect("registered");
        let c = env.engine_config();
        assert_eq!(
            (c.width, c.max_steps, c.see_through_walls),
            (size, max_steps(size), true),
            "{id}"
        );
        assert_eq!(objects(&env.world().grid).len(), n, "{id}");
    }
}

/// Whether every border cell is a grey wall.
pub(crate) fn walled(grid: &Grid) -> bool {
    let (w, h) = (grid.width(), grid.height());
    (0..w).all(|x| grid.get(x, 0) == Some(&Obj::WALL) && grid.get(x, h - 1) == Some(&Obj::WALL))
        && (0..h)
            .all(|y| grid.get(0, y) == Some(&Obj::WALL) && grid.get(w - 1, y) == Some(&Obj::WALL))
}

fn target(env: &GoToObjectEnv) -> Pos {
    match env.world().task {
        Task::DoneNextTo(p) => p,
        ref t => panic!("GoToObject task is {t:?}"),
    }
}

#[test]
fn layouts_follow_minigrid_rules() {
    for (size, n) in [(6, 2), (8, 2), (5, 4)] {
        let mut env = GoToObject::env(size, n).expect("valid config");
        let (mut kinds, mut colours, mut dirs) =
            (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        for seed in 0..SEEDS {
            env.reset(Some(seed));
            let g = env.grid();
            assert!(walled(g), "seed {seed}");
            let objs = objects(g);
            assert_eq!(objs.len(), n, "seed {seed}");
            for (_, o) in &objs {
                assert!(
                    matches!(o, Obj::Key(_) | Obj::Ball(_) | Obj::Box(_, None)),
                    "{o:?}"
                );
            }
            let distinct: BTreeSet<_> = objs.iter().map(|(_, o)| o.encode()).collect();
            assert_eq!(distinct.len(), n, "(type, colour) pairs are distinct");
            let a = env.agent_pos();
            assert_eq!(g.get(a.0, a.1), None, "the agent starts on a free cell");
            dirs.insert(env.agent_dir());
            let t = target(&env);
            let obj = g.get(t.0, t.1).expect("the target cell holds an object");
            assert_eq!(Some(env.mission().to_string()), mission(obj));
            kinds.insert(obj.type_index());
            colours.insert(obj.color());
        }
        assert_eq!(kinds.len(), 3, "keys, balls and boxes are all targets");
        assert_eq!(colours.len(), 6);
        assert_eq!(dirs.len(), 4);
    }
}

#[test]
fn mission_and_description_texts() {
    assert_eq!(
        mission(&Obj::Box(Color::Grey, None)).as_deref(),
        Some("go to the grey box")
    );
    assert_eq!(describe(&Obj::Key(Color::Red)).as_deref(), Some("red key"));
    assert_eq!(
        describe(&Obj::Ball(Color::Yellow)).as_deref(),
        Some("yellow ball")
    );
    assert_eq!(describe(&Obj::WALL), None);
    assert_eq!(describe(&Obj::Goal), None);
}

#[test]
fn draw_distinct_avoids_taken_pairs() {
    let mut rng = rng_from_seed(5);
    let mut g = Gen::new(5, 5, &mut rng);
    let all: Vec<Obj> = ObjType::ALL
        .iter()
        .flat_map(|t| Color::ALL.map(|c| t.make(c)))
        .collect();
    assert_eq!(all.len(), 18);
    let last = Obj::Ball(Color::Blue);
    let taken: Vec<Obj> = all.iter().filter(|o| **o != last).cloned().collect();
    for _ in 0..10 {
        assert_eq!(
            draw_distinct(&mut g, &ObjType::ALL, &taken),
            Some(last.clone())
        );
    }
    assert_eq!(draw_distinct(&mut g, &ObjType::ALL, &all), None);
    // With two free pairs, both come up.
    let two: Vec<Obj> = taken
        .iter()
        .filter(|o| **o != Obj::Key(Color::Red))
        .cloned()
        .collect();
    let seen: BTreeSet<_> = (0..64)
        .filter_map(|_| draw_distinct(&mut g, &ObjType::ALL, &two))
        .map(|o| o.encode())
        .collect();
    assert_eq!(seen.len(), 2);
}

#[test]
fn done_next_to_the_target_succeeds() {
    let mut env = GoToObject::env(8, 2).expect("valid config");
    let max = GoToObject::default_max_steps(8);
    let mut solved = 0;
    for seed in 0..60 {
        env.reset(Some(seed));
        let t = target(&env);
        let Some(path) = plan(env.world(), |p, _| adjacent4(p, t)) else {
            continue;
        };
        let n = walk(&mut env, &path);
        assert_eq!(
            act(&mut env, Action::Done),
            (success_reward(n + 1, max), true, false)
        );
        solved += 1;
    }
    assert!(solved >= 55, "only {solved} of 60 layouts solved");
}

#[test]
fn done_away_from_the_target_and_toggle_fail() {
    let mut env = GoToObject::env(6, 2).expect("valid config");
    for seed in 0..40 {
        env.reset(Some(seed));
        let t = target(&env);
        let other = objects(env.grid())
            .into_iter()
            .map(|(p, _)| p)
            .find(|&p| p != t)
            .expect("two objects");
        // Next to the other object but not the target.
        if let Some(path) = plan(env.world(), |p, _| adjacent4(p, other) && !adjacent4(p, t)) {
            walk(&mut env, &path);
            assert_eq!(act(&mut env, Action::Done), (0.0, true, false));
            env.reset(Some(seed));
        }
        // Facing the target, toggling ends the episode with 0 even though it is adjacent.
        let path = plan(env.world(), |p, d| front(p, d) == t).expect("reachable");
        walk(&mut env, &path);
        assert_eq!(act(&mut env, Action::Toggle), (0.0, true, false));
    }
}

#[test]
fn pickup_does_not_end_the_episode_and_the_target_stays_its_cell() {
    let mut env = GoToObject::env(6, 2).expect("valid config");
    let mut checked = 0;
    for seed in 0..40 {
        env.reset(Some(seed));
        let t = target(&env);
        let Some(path) = plan(env.world(), |p, d| front(p, d) == t) else {
            continue;
        };
        let n = walk(&mut env, &path);
        assert_eq!(act(&mut env, Action::Pickup), (0.0, false, false));
        assert!(env.carrying().is_some());
        assert_eq!(env.grid().get(t.0, t.1), None);
        // Still adjacent to the (now empty) starting cell: done succeeds, as in MiniGrid.
        assert_eq!(
            act(&mut env, Action::Done),
            (
                success_reward(n + 2, GoToObject::default_max_steps(6)),
                true,
                false
            )
        );
        checked += 1;
    }
    assert!(checked >= 35);
}

#[test]
fn seeded_resets_are_deterministic() {
    let mut a = GoToObject::env(8, 2).expect("valid config");
    let mut b = GoToObject::env(8, 2).expect("valid config");
    for seed in [0, 9, 1234] {
        a.reset(Some(seed));
        b.reset(Some(seed));
        assert_eq!(a.world(), b.world());
        assert_eq!(a.mission(), b.mission());
        for act_i in [2usize, 1, 2, 0, 2, 3] {
            let (sa, sb) = (a.step(&act_i), b.step(&act_i));
            match (sa, sb) {
                (Ok(x), Ok(y)) => {
                    assert_eq!(
                        (x.reward, x.terminated, x.obs.image),
                        (y.reward, y.terminated, y.obs.image)
                    )
                }
                (x, y) => assert_eq!(x.is_err(), y.is_err()),
            }
        }
    }
}

#[test]
fn invalid_configs_are_refused_and_rows_use_minigrids_defaults() {
    assert!(refused(GoToObject::env(6, 0)), "no target to name");
    assert!(refused(GoToObject::env(8, 19)), "only 18 distinct pairs");
    assert!(
        refused(GoToObject::env(3, 1)),
        "one interior cell: no room for the agent"
    );
    assert!(refused(GoToObject::env(3, 0)));
    assert!(GoToObject::env(8, 18).is_ok());
    assert_object_rows(
        &[
            ("MiniGrid-GoToObject-6x6-N2-v0", 6, 2),
            ("MiniGrid-GoToObject-8x8-N2-v0", 8, 2),
        ],
        |s| 5 * s * s,
    );
}
