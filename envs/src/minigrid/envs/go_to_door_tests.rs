//! GoToDoor: MiniGrid's layout rules over many seeds (room size, door cells and colours, agent
//! inside the room, mission and task), the win and loss rules by scripted walks, truncation,
//! determinism and the registry rows. Also the walking planner the other object-env tests use.

use std::collections::{BTreeSet, HashMap, VecDeque};

use rewardlab_core::Env;

use super::{GoToDoor, GoToDoorEnv, mission};
use crate::minigrid::engine::MiniGridEnv;
use crate::minigrid::layout::{GenError, Generator, Pos};
use crate::minigrid::object::{Color, DoorState, Obj};
use crate::minigrid::obs::DIR_TO_VEC;
use crate::minigrid::world::{Action, Task, World};

const SEEDS: u64 = 200;

/// The shortest turn/forward sequence from the agent's pose to a pose `(pos, dir)` that
/// satisfies `goal`, stepping only on empty or overlappable cells.
pub(crate) fn plan(world: &World, goal: impl Fn(Pos, u8) -> bool) -> Option<Vec<Action>> {
    let start = (world.agent_pos, world.agent_dir);
    let mut came: HashMap<(Pos, u8), ((Pos, u8), Action)> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    let mut seen = BTreeSet::from([start]);
    while let Some((pos, dir)) = queue.pop_front() {
        if goal(pos, dir) {
            let mut actions = Vec::new();
            let mut at = (pos, dir);
            while let Some(&(prev, a)) = came.get(&at) {
                actions.push(a);
                at = prev;
            }
            actions.reverse();
            return Some(actions);
        }
        let (dx, dy) = DIR_TO_VEC[usize::from(dir)];
        let ahead = (
            pos.0.checked_add_signed(dx as isize),
            pos.1.checked_add_signed(dy as isize),
        );
        let mut next = vec![
            ((pos, (dir + 3) % 4), Action::Left),
            ((pos, (dir + 1) % 4), Action::Right),
        ];
        if let (Some(x), Some(y)) = ahead
            && x < world.grid.width()
            && y < world.grid.height()
            && world.grid.get(x, y).is_none_or(Obj::can_overlap)
        {
            next.push((((x, y), dir), Action::Forward));
        }
        for (state, a) in next {
            if seen.insert(state) {
                came.insert(state, ((pos, dir), a));
                queue.push_back(state);
            }
        }
    }
    None
}

/// The cell in front of a pose (may be outside the grid only for poses the planner never
/// reaches, since the grid is walled).
pub(crate) fn front(pos: Pos, dir: u8) -> Pos {
    let (dx, dy) = DIR_TO_VEC[usize::from(dir)];
    (
        pos.0.wrapping_add_signed(dx as isize),
        pos.1.wrapping_add_signed(dy as isize),
    )
}

/// Takes `actions`, asserting that none ends the episode, and returns how many were taken.
pub(crate) fn walk<G: Generator>(env: &mut MiniGridEnv<G>, actions: &[Action]) -> usize {
    for &a in actions {
        let s = env.step(&(a as usize)).expect("running episode");
        assert!(
            !s.terminated && !s.truncated && s.reward == 0.0,
            "{a:?} ended the walk"
        );
    }
    actions.len()
}

/// One step: `(reward, terminated, truncated)`.
pub(crate) fn act<G: Generator>(env: &mut MiniGridEnv<G>, a: Action) -> (f64, bool, bool) {
    let s = env.step(&(a as usize)).expect("running episode");
    (s.reward, s.terminated, s.truncated)
}

/// MiniGrid's success reward after `steps` steps.
pub(crate) fn success_reward(steps: usize, max_steps: usize) -> f64 {
    1.0 - 0.9 * (steps as f64 / max_steps as f64)
}

pub(crate) fn adjacent4(a: Pos, b: Pos) -> bool {
    a.0.abs_diff(b.0) + a.1.abs_diff(b.1) == 1
}

fn target(env: &GoToDoorEnv) -> Pos {
    match env.world().task {
        Task::DoneNextTo(p) => p,
        ref t => panic!("GoToDoor task is {t:?}"),
    }
}

/// The doors of the layout, with their cells.
fn doors(env: &GoToDoorEnv) -> Vec<(Pos, Color, DoorState)> {
    let g = env.grid();
    (0..g.height())
        .flat_map(|y| (0..g.width()).map(move |x| (x, y)))
        .filter_map(|(x, y)| match g.get(x, y) {
            Some(Obj::Door(c, s)) => Some(((x, y), *c, *s)),
            _ => None,
        })
        .collect()
}

#[test]
fn layouts_follow_minigrid_rules() {
    for size in [5, 6, 8] {
        let mut env = GoToDoor::env(size).expect("valid size");
        let (mut widths, mut heights, mut sides, mut dirs) = (
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::new(),
        );
        let mut top_columns = BTreeSet::new();
        for seed in 0..SEEDS {
            env.reset(Some(seed));
            let g = env.grid();
            // The room's sides: how far the walls run along the top row and left column.
            let w = (0..size).take_while(|&x| g.get(x, 0).is_some()).count();
            let h = (0..size).take_while(|&y| g.get(0, y).is_some()).count();
            assert!(
                (5..=size).contains(&w) && (5..=size).contains(&h),
                "{w}×{h}"
            );
            widths.insert(w);
            heights.insert(h);
            for y in 0..size {
                for x in 0..size {
                    let cell = g.get(x, y);
                    let on_border =
                        x < w && y < h && (x == 0 || y == 0 || x == w - 1 || y == h - 1);
                    if on_border {
                        assert!(matches!(cell, Some(Obj::Wall(Color::Grey) | Obj::Door(..))));
                    } else {
                        assert_eq!(cell, None, "({x}, {y}) off the room's walls is empty");
                    }
                }
            }
            let ds = doors(&env);
            assert_eq!(ds.len(), 4, "seed {seed}");
            let colours: BTreeSet<Color> = ds.iter().map(|d| d.1).collect();
            assert_eq!(colours.len(), 4, "door colours are distinct");
            assert!(ds.iter().all(|d| d.2 == DoorState::Closed));
            for &((x, y), _, _) in &ds {
                let ok = ((y == 0 || y == h - 1) && (2..w - 2).contains(&x))
                    || ((x == 0 || x == w - 1) && (2..h - 2).contains(&y));
                assert!(ok, "door at ({x}, {y}) in a {w}×{h} room");
            }
            for side in [
                ds.iter().filter(|d| d.0.1 == 0).count(),
                ds.iter().filter(|d| d.0.1 == h - 1).count(),
                ds.iter().filter(|d| d.0.0 == 0).count(),
                ds.iter().filter(|d| d.0.0 == w - 1).count(),
            ] {
                assert_eq!(side, 1, "one door per wall");
            }
            let top = ds.iter().find(|d| d.0.1 == 0).expect("a top door");
            top_columns.insert((w, top.0.0));
            let (ax, ay) = env.agent_pos();
            assert!((1..w - 1).contains(&ax) && (1..h - 1).contains(&ay));
            dirs.insert(env.agent_dir());
            let t = target(&env);
            let (_, colour, _) = ds.iter().find(|d| d.0 == t).expect("the target is a door");
            assert_eq!(env.mission(), mission(*colour));
            sides.insert(if t.1 == 0 {
                0
            } else if t.1 == h - 1 {
                1
            } else if t.0 == 0 {
                2
            } else {
                3
            });
        }
        assert_eq!(widths, (5..=size).collect(), "size {size}");
        assert_eq!(heights, (5..=size).collect(), "size {size}");
        assert_eq!(sides.len(), 4);
        assert_eq!(dirs.len(), 4);
        if size == 8 {
            // Both ends of the top door's range in the widest room.
            assert!(top_columns.contains(&(8, 2)) && top_columns.contains(&(8, 5)));
        }
    }
}

#[test]
fn mission_text_is_minigrids() {
    assert_eq!(mission(Color::Purple), "go to the purple door");
}

#[test]
fn done_next_to_the_target_succeeds() {
    for size in [5, 8] {
        let mut env = GoToDoor::env(size).expect("valid size");
        let max = GoToDoor::default_max_steps(size);
        for seed in 0..40 {
            env.reset(Some(seed));
            let t = target(&env);
            let path = plan(env.world(), |p, _| adjacent4(p, t)).expect("the target is reachable");
            let n = walk(&mut env, &path);
            let (r, term, trunc) = act(&mut env, Action::Done);
            assert!(term && !trunc);
            assert_eq!(r, success_reward(n + 1, max));
        }
    }
}

#[test]
fn done_next_to_another_door_or_nowhere_fails() {
    let mut env = GoToDoor::env(6).expect("valid size");
    for seed in 0..40 {
        env.reset(Some(seed));
        let t = target(&env);
        let other = doors(&env)
            .into_iter()
            .map(|d| d.0)
            .find(|&p| p != t)
            .expect("four doors");
        let path = plan(env.world(), |p, _| adjacent4(p, other)).expect("reachable");
        walk(&mut env, &path);
        assert!(!adjacent4(env.agent_pos(), t));
        assert_eq!(act(&mut env, Action::Done), (0.0, true, false));

        env.reset(Some(seed));
        // The centre-most cells touch no door unless the room is 5 wide or high.
        let far = plan(env.world(), |p, _| {
            doors(&env).iter().all(|d| !adjacent4(p, d.0))
        })
        .expect("a cell away from the doors");
        walk(&mut env, &far);
        assert_eq!(act(&mut env, Action::Done), (0.0, true, false));
    }
}

#[test]
fn toggle_ends_the_episode_with_zero_after_opening_the_door() {
    let mut env = GoToDoor::env(5).expect("valid size");
    for seed in 0..20 {
        env.reset(Some(seed));
        let t = target(&env);
        let path = plan(env.world(), |p, d| front(p, d) == t).expect("reachable");
        walk(&mut env, &path);
        assert_eq!(act(&mut env, Action::Toggle), (0.0, true, false));
        assert!(
            env.world().is_open(t),
            "the base step opened it, as MiniGrid"
        );
    }
}

#[test]
fn other_actions_run_until_max_steps() {
    let mut env = GoToDoor::env_with(5, 6, 7).expect("valid size");
    env.reset(Some(3));
    for a in [
        Action::Left,
        Action::Pickup,
        Action::Drop,
        Action::Right,
        Action::Forward,
    ] {
        let (r, term, trunc) = act(&mut env, a);
        assert!(r == 0.0 && !term && !trunc, "{a:?}");
    }
    assert_eq!(act(&mut env, Action::Left), (0.0, false, true));
}

#[test]
fn seeded_resets_are_deterministic() {
    let snapshot = |env: &GoToDoorEnv| {
        (
            env.grid().clone(),
            env.agent_pos(),
            env.agent_dir(),
            env.mission().to_string(),
            env.world().task.clone(),
        )
    };
    let mut a = GoToDoor::env(8).expect("valid size");
    let mut b = GoToDoor::env(8).expect("valid size");
    a.reset(Some(11));
    b.reset(Some(11));
    assert_eq!(snapshot(&a), snapshot(&b));
    let next: Vec<_> = (0..5)
        .map(|_| {
            a.reset(None);
            b.reset(None);
            assert_eq!(snapshot(&a), snapshot(&b));
            snapshot(&a)
        })
        .collect();
    assert!(
        next.windows(2).any(|w| w[0] != w[1]),
        "reset(None) draws new layouts"
    );
}

#[test]
fn registry_rows_use_minigrids_defaults() {
    for (id, size) in [
        ("MiniGrid-GoToDoor-5x5-v0", 5),
        ("MiniGrid-GoToDoor-6x6-v0", 6),
        ("MiniGrid-GoToDoor-8x8-v0", 8),
    ] {
        let env = crate::minigrid::make(id, &[]).expect("registered");
        let c = env.engine_config();
        assert_eq!(
            (c.width, c.height, c.max_steps),
            (size, size, 4 * size * size)
        );
        assert!(c.see_through_walls);
        assert_eq!(c.n_actions, 7);
    }
    assert_eq!(super::SPECS.len(), 3);
    assert!(
        GoToDoor::env(4).is_err_and(|e| matches!(e, GenError::InvalidConfig(_))),
        "MiniGrid asserts size ≥ 5"
    );
}
