//! Fetch: MiniGrid's layout rules over many seeds (keys and balls, duplicates allowed, the five
//! mission phrasings), the win and loss rules by scripted pickups (including a duplicate of
//! the target), determinism and the registry rows.

use std::collections::BTreeSet;

use rewardlab_core::Env;

use super::{Fetch, FetchEnv, SYNTAX};
use crate::minigrid::envs::go_to_door::tests::{act, front, plan, success_reward, walk};
use crate::minigrid::envs::go_to_object::describe;
use crate::minigrid::envs::go_to_object::tests::{
    assert_object_rows, assert_resets_agree, objects, refused, walled,
};
use crate::minigrid::layout::Pos;
use crate::minigrid::object::Obj;
use crate::minigrid::world::{Action, Task};

const SEEDS: u64 = 200;

fn target(env: &FetchEnv) -> Obj {
    match &env.world().task {
        Task::Fetch(o) => o.clone(),
        t => panic!("Fetch task is {t:?}"),
    }
}

#[test]
fn layouts_follow_minigrid_rules() {
    for (size, n) in [(5, 2), (6, 2), (8, 3)] {
        let mut env = Fetch::env(size, n).expect("valid config");
        let (mut phrasings, mut kinds, mut colours, mut dirs) = (
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::new(),
        );
        let mut duplicates = 0;
        for seed in 0..SEEDS {
            env.reset(Some(seed));
            let g = env.grid();
            assert!(walled(g));
            let objs = objects(g);
            assert_eq!(objs.len(), n, "seed {seed}");
            for (_, o) in &objs {
                assert!(matches!(o, Obj::Key(_) | Obj::Ball(_)), "{o:?}");
                kinds.insert(o.type_index());
                colours.insert(o.color());
            }
            let distinct: BTreeSet<_> = objs.iter().map(|(_, o)| o.encode()).collect();
            if distinct.len() < n {
                duplicates += 1;
            }
            let a = env.agent_pos();
            assert_eq!(g.get(a.0, a.1), None);
            dirs.insert(env.agent_dir());
            let t = target(&env);
            assert!(
                objs.iter().any(|(_, o)| *o == t),
                "the target is on the grid"
            );
            let desc = describe(&t).expect("a key or a ball");
            let syntax = SYNTAX
                .iter()
                .position(|s| env.mission() == format!("{s} {desc}"))
                .expect("one of MiniGrid's phrasings");
            phrasings.insert(syntax);
        }
        assert_eq!(phrasings.len(), SYNTAX.len(), "size {size}");
        assert_eq!(kinds.len(), 2);
        assert_eq!(colours.len(), 6);
        assert_eq!(dirs.len(), 4);
        // MiniGrid does not redraw duplicates: P(a repeat) is 1/12 with two objects.
        assert!(duplicates > 0, "size {size}: no layout repeated an object");
    }
}

/// Walks to the object at `pos` and picks it up; returns the step's outcome and the number
/// of steps taken, or `None` if the object cannot be reached.
fn fetch(env: &mut FetchEnv, pos: Pos) -> Option<((f64, bool, bool), usize)> {
    let path = plan(env.world(), |p, d| front(p, d) == pos)?;
    let n = walk(env, &path);
    Some((act(env, Action::Pickup), n + 1))
}

#[test]
fn picking_up_any_object_ends_the_episode_rewarded_iff_it_matches() {
    let mut env = Fetch::env(8, 3).expect("valid config");
    let max = Fetch::default_max_steps(8);
    let (mut wins, mut losses) = (0, 0);
    for seed in 0..60 {
        env.reset(Some(seed));
        let t = target(&env);
        for (pos, obj) in objects(env.grid()) {
            env.reset(Some(seed));
            let Some((outcome, steps)) = fetch(&mut env, pos) else {
                continue;
            };
            if obj == t {
                assert_eq!(outcome, (success_reward(steps, max), true, false));
                wins += 1;
            } else {
                assert_eq!(outcome, (0.0, true, false));
                losses += 1;
            }
            assert_eq!(env.carrying(), Some(&obj));
        }
    }
    assert!(wins >= 55 && losses >= 55, "{wins} wins, {losses} losses");
}

#[test]
fn a_duplicate_of_the_target_succeeds_too() {
    let mut env = Fetch::env(8, 3).expect("valid config");
    let mut checked = 0;
    for seed in 0..SEEDS {
        env.reset(Some(seed));
        let t = target(&env);
        let copies: Vec<Pos> = objects(env.grid())
            .into_iter()
            .filter(|(_, o)| *o == t)
            .map(|(p, _)| p)
            .collect();
        if copies.len() < 2 {
            continue;
        }
        for pos in copies {
            env.reset(Some(seed));
            if let Some(((r, term, _), _)) = fetch(&mut env, pos) {
                assert!(term && r > 0.0, "seed {seed}: the copy at {pos:?} counts");
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 2,
        "no layout with a duplicate target was checked"
    );
}

#[test]
fn other_actions_do_not_end_the_episode() {
    let mut env = Fetch::env_with(5, 2, 8, 7).expect("valid config");
    env.reset(Some(2));
    for a in [
        Action::Left,
        Action::Drop,
        Action::Toggle,
        Action::Done,
        Action::Right,
    ] {
        assert_eq!(act(&mut env, a), (0.0, false, false), "{a:?}");
    }
    act(&mut env, Action::Left);
    act(&mut env, Action::Right);
    assert_eq!(act(&mut env, Action::Done), (0.0, false, true));
}

#[test]
fn seeded_resets_are_deterministic() {
    assert_resets_agree(|| Fetch::env(6, 2), 5);
}

#[test]
fn invalid_configs_are_refused_and_rows_use_minigrids_defaults() {
    assert!(refused(Fetch::env(5, 0)), "no target to name");
    assert!(
        refused(Fetch::env(4, 4)),
        "four objects and the agent in 2×2"
    );
    assert!(Fetch::env(4, 3).is_ok());
    assert_object_rows(
        &[
            ("MiniGrid-Fetch-5x5-N2-v0", 5, 2),
            ("MiniGrid-Fetch-6x6-N2-v0", 6, 2),
            ("MiniGrid-Fetch-8x8-N3-v0", 8, 3),
        ],
        |s| 5 * s * s,
    );
}
