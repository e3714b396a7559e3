//! PutNear: MiniGrid's layout rules over many seeds (distinct objects kept apart, mission and
//! task naming two different objects), the win and loss rules by scripted walks (drop near the
//! target, drop far, drop into a wall, wrong pickup), truncation at `5·size`, determinism and
//! the registry rows.

use std::collections::BTreeSet;

use rewardlab_core::Env;

use super::{PutNear, PutNearEnv, mission};
use crate::minigrid::envs::go_to_door::tests::{act, front, plan, success_reward, walk};
use crate::minigrid::envs::go_to_object::tests::{
    assert_object_rows, assert_resets_agree, objects, refused, walled,
};
use crate::minigrid::layout::Pos;
use crate::minigrid::object::{Color, Obj};
use crate::minigrid::world::{Action, Task};

const SEEDS: u64 = 200;

fn task(env: &PutNearEnv) -> (Obj, Pos) {
    match &env.world().task {
        Task::PutNear { moving, target } => (moving.clone(), *target),
        t => panic!("PutNear task is {t:?}"),
    }
}

fn within1(a: Pos, b: Pos) -> bool {
    a.0.abs_diff(b.0) <= 1 && a.1.abs_diff(b.1) <= 1
}

/// Where the object to move lies.
fn moving_pos(env: &PutNearEnv) -> Pos {
    let (moving, _) = task(env);
    objects(env.grid())
        .into_iter()
        .find(|(_, o)| *o == moving)
        .map(|(p, _)| p)
        .expect("the object to move is on the grid")
}

#[test]
fn layouts_follow_minigrid_rules() {
    for (size, n) in [(6, 2), (8, 3)] {
        let mut env = PutNear::env(size, n).expect("valid config");
        let (mut pairs, mut dirs) = (BTreeSet::new(), BTreeSet::new());
        for seed in 0..SEEDS {
            env.reset(Some(seed));
            let g = env.grid();
            assert!(walled(g));
            let objs = objects(g);
            assert_eq!(objs.len(), n, "seed {seed}");
            let distinct: BTreeSet<_> = objs.iter().map(|(_, o)| o.encode()).collect();
            assert_eq!(distinct.len(), n);
            for (i, (p, o)) in objs.iter().enumerate() {
                assert!(matches!(o, Obj::Key(_) | Obj::Ball(_) | Obj::Box(_, None)));
                for (q, _) in &objs[i + 1..] {
                    assert!(
                        !within1(*p, *q),
                        "objects at {p:?} and {q:?} touch (seed {seed})"
                    );
                }
            }
            let a = env.agent_pos();
            assert_eq!(g.get(a.0, a.1), None);
            dirs.insert(env.agent_dir());
            let (moving, t) = task(&env);
            let target = g.get(t.0, t.1).expect("the target cell holds an object");
            assert_ne!(*target, moving);
            assert!(objs.iter().any(|(_, o)| *o == moving));
            assert_eq!(Some(env.mission().to_string()), mission(&moving, target));
            let index = |p: Pos| objs.iter().position(|(q, _)| *q == p);
            pairs.insert((index(moving_pos(&env)), index(t)));
        }
        // Every ordered pair of distinct objects is drawn (by placement order).
        assert_eq!(pairs.len(), n * (n - 1), "size {size}");
        assert_eq!(dirs.len(), 4);
    }
}

#[test]
fn mission_text_is_minigrids() {
    assert_eq!(
        mission(&Obj::Ball(Color::Green), &Obj::Box(Color::Red, None)).as_deref(),
        Some("put the green ball near the red box")
    );
}

#[test]
fn dropping_the_object_near_the_target_succeeds() {
    for (size, n) in [(6, 2), (8, 3)] {
        let mut env = PutNear::env(size, n).expect("valid config");
        let max = PutNear::default_max_steps(size);
        let mut solved = 0;
        for seed in 0..60 {
            env.reset(Some(seed));
            let (_, t) = task(&env);
            let m = moving_pos(&env);
            let Some(to_obj) = plan(env.world(), |p, d| front(p, d) == m) else {
                continue;
            };
            let mut steps = walk(&mut env, &to_obj);
            assert_eq!(act(&mut env, Action::Pickup), (0.0, false, false));
            steps += 1;
            let world = env.world();
            let Some(to_target) = plan(world, |p, d| {
                let f = front(p, d);
                within1(f, t) && world.grid.get(f.0, f.1).is_none()
            }) else {
                continue;
            };
            steps += walk(&mut env, &to_target);
            if steps + 1 > max {
                continue;
            }
            let (r, term, _) = act(&mut env, Action::Drop);
            assert!(term);
            assert_eq!(r, success_reward(steps + 1, max), "seed {seed}");
            assert_eq!(env.carrying(), None);
            solved += 1;
        }
        assert!(
            solved >= 40,
            "only {solved} of 60 layouts solved (size {size})"
        );
    }
}

#[test]
fn dropping_far_away_or_into_a_wall_fails() {
    let mut env = PutNear::env(8, 3).expect("valid config");
    let mut far_checked = 0;
    for seed in 0..40 {
        env.reset(Some(seed));
        let (moving, t) = task(&env);
        let m = moving_pos(&env);
        let to_obj = plan(env.world(), |p, d| front(p, d) == m).expect("reachable");
        walk(&mut env, &to_obj);
        act(&mut env, Action::Pickup);
        // A drop into a wall ends the episode with 0 and the object stays in the hands.
        let world = env.world().clone();
        let to_wall = plan(&world, |p, d| {
            let f = front(p, d);
            world.grid.get(f.0, f.1) == Some(&Obj::WALL)
        })
        .expect("a wall is reachable");
        let mut probe = env.world().clone();
        walk(&mut env, &to_wall);
        assert_eq!(act(&mut env, Action::Drop), (0.0, true, false));
        assert_eq!(env.carrying(), Some(&moving));
        // A drop on a free cell away from the target ends with 0 too (checked on the world).
        if let Some(to_far) = plan(&probe, |p, d| {
            let f = front(p, d);
            !within1(f, t) && probe.grid.get(f.0, f.1).is_none()
        }) {
            for a in to_far {
                probe.apply(a);
            }
            let out = probe.apply(Action::Drop);
            assert!(out.terminated && out.reward == 0.0);
            assert_eq!(probe.carrying, None, "the object landed");
            far_checked += 1;
        }
    }
    assert!(far_checked >= 30);
}

#[test]
fn picking_up_the_wrong_object_fails_and_empty_drops_do_nothing() {
    let mut env = PutNear::env(6, 2).expect("valid config");
    for seed in 0..40 {
        env.reset(Some(seed));
        assert_eq!(
            act(&mut env, Action::Drop),
            (0.0, false, false),
            "empty hands"
        );
        let (_, t) = task(&env);
        let path = plan(env.world(), |p, d| front(p, d) == t).expect("reachable");
        walk(&mut env, &path);
        assert_eq!(act(&mut env, Action::Pickup), (0.0, true, false));
    }
}

#[test]
fn episodes_truncate_at_five_times_size() {
    let mut env = PutNear::env(6, 2).expect("valid config");
    env.reset(Some(1));
    for _ in 0..29 {
        assert_eq!(act(&mut env, Action::Left), (0.0, false, false));
    }
    assert_eq!(act(&mut env, Action::Left), (0.0, false, true));
}

#[test]
fn seeded_resets_are_deterministic() {
    assert_resets_agree(|| PutNear::env(8, 3), 77);
}

#[test]
fn invalid_configs_are_refused_and_rows_use_minigrids_defaults() {
    assert!(
        refused(PutNear::env(6, 1)),
        "no second object to put it near"
    );
    assert!(
        refused(PutNear::env(5, 2)),
        "an object in the centre of a 3×3 interior leaves no cell apart"
    );
    assert!(PutNear::env(6, 2).is_ok());
    assert!(
        refused(PutNear::env(5, 3)),
        "three objects may not fit apart in 3×3"
    );
    assert!(refused(PutNear::env(8, 19)));
    assert_object_rows(
        &[
            ("MiniGrid-PutNear-6x6-N2-v0", 6, 2),
            ("MiniGrid-PutNear-8x8-N3-v0", 8, 3),
        ],
        |s| 5 * s,
    );
}
