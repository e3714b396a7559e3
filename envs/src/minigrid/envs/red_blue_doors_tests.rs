//! RedBlueDoors: layout invariants over seeds, the door-order rule by scripted toggles,
//! determinism and the registered rows.

use std::collections::BTreeSet;

use rewardlab_core::Env;

use super::{MISSION, RedBlueDoors, RedBlueDoorsEnv};
use crate::minigrid::layout::{GenError, Pos};
use crate::minigrid::object::{Color, DoorState, Obj};
use crate::minigrid::world::{Action, Task};

use crate::minigrid::envs::multi_room::walk_tests as walk;

fn env(size: usize) -> RedBlueDoorsEnv {
    RedBlueDoors { size }.env().expect("valid size")
}

/// The (red, blue) door cells of the current layout, read from the task.
fn doors(e: &RedBlueDoorsEnv) -> (Pos, Pos) {
    match e.world().task {
        Task::OpenInOrder { first, second } => (first, second),
        ref other => panic!("task {other:?}"),
    }
}

/// Walks next to `door` from inside the room and toggles it.
fn toggle_door(
    e: &mut RedBlueDoorsEnv,
    door: Pos,
) -> rewardlab_core::Step<crate::minigrid::MiniGridObs> {
    walk::walk(e, door, true);
    walk::act(e, Action::Toggle)
}

#[test]
fn layouts_follow_minigrid_rules() {
    for size in [6, 8] {
        let mut e = env(size);
        let (left, right) = (size / 2, size / 2 + size - 1);
        let (mut red_rows, mut blue_rows) = (BTreeSet::new(), BTreeSet::new());
        for seed in 0..200 {
            e.reset(Some(seed));
            let g = e.grid();
            assert_eq!((g.width(), g.height()), (2 * size, size));
            let (red, blue) = doors(&e);
            assert_eq!(red.0, left);
            assert_eq!(blue.0, right);
            assert!((1..size - 1).contains(&red.1) && (1..size - 1).contains(&blue.1));
            assert_eq!(
                g.get(red.0, red.1),
                Some(&Obj::Door(Color::Red, DoorState::Closed))
            );
            assert_eq!(
                g.get(blue.0, blue.1),
                Some(&Obj::Door(Color::Blue, DoorState::Closed))
            );
            for y in 0..size {
                for x in 0..2 * size {
                    let border = x == 0 || x == 2 * size - 1 || y == 0 || y == size - 1;
                    let room_wall = (x == left || x == right) && (x, y) != red && (x, y) != blue;
                    let expected = if border || room_wall {
                        Some(&Obj::WALL)
                    } else if (x, y) == red || (x, y) == blue {
                        g.get(x, y)
                    } else {
                        None
                    };
                    assert_eq!(g.get(x, y), expected, "seed {seed} ({x},{y})");
                }
            }
            let (ax, ay) = e.agent_pos();
            assert!(ax > left && ax < right && (1..size - 1).contains(&ay));
            assert_eq!(e.mission(), MISSION);
            red_rows.insert(red.1);
            blue_rows.insert(blue.1);
        }
        assert_eq!(red_rows.len(), size - 2);
        assert_eq!(blue_rows.len(), size - 2);
    }
}

#[test]
fn red_then_blue_succeeds() {
    let mut e = env(8);
    for seed in 0..10 {
        e.reset(Some(seed));
        let (red, blue) = doors(&e);
        let s = toggle_door(&mut e, red);
        assert!(!s.terminated && s.reward == 0.0, "seed {seed}");
        assert!(e.world().is_open(red));
        let s = toggle_door(&mut e, blue);
        let t = e.step_count() as f64;
        assert!(s.terminated && !s.truncated, "seed {seed}");
        assert_eq!(s.reward, 1.0 - 0.9 * t / 1280.0);
    }
}

#[test]
fn blue_first_fails() {
    let mut e = env(6);
    for seed in 0..10 {
        e.reset(Some(seed));
        let (_, blue) = doors(&e);
        let s = toggle_door(&mut e, blue);
        assert!(s.terminated && !s.truncated, "seed {seed}");
        assert_eq!(s.reward, 0.0);
    }
}

#[test]
fn red_opened_then_closed_does_not_count() {
    let mut e = env(8);
    e.reset(Some(4));
    let (red, blue) = doors(&e);
    toggle_door(&mut e, red);
    let s = walk::act(&mut e, Action::Toggle);
    assert!(
        !s.terminated && !e.world().is_open(red),
        "closing the red door is allowed"
    );
    let s = toggle_door(&mut e, blue);
    assert!(s.terminated);
    assert_eq!(s.reward, 0.0);
}

#[test]
fn same_seed_same_layout() {
    let (mut a, mut b) = (env(8), env(8));
    let mut layouts = BTreeSet::new();
    for seed in 0..30 {
        a.reset(Some(seed));
        b.reset(Some(seed));
        assert_eq!(a.world(), b.world());
        layouts.insert((a.agent_pos(), a.agent_dir(), doors(&a)));
    }
    assert!(layouts.len() > 20);
}

#[test]
fn registered_rows_and_small_sizes() {
    for (id, size) in [
        ("MiniGrid-RedBlueDoors-6x6-v0", 6),
        ("MiniGrid-RedBlueDoors-8x8-v0", 8),
    ] {
        let mut e = crate::minigrid::make(id, &[]).expect("registered");
        e.reset(Some(0));
        let w = e.world();
        assert_eq!((w.grid.width(), w.grid.height()), (2 * size, size), "{id}");
        assert_eq!(w.max_steps, 20 * size * size);
        assert!(!e.engine_config().see_through_walls);
    }
    assert!(
        RedBlueDoors { size: 3 }
            .env()
            .is_err_and(|e| matches!(e, GenError::InvalidConfig(_)))
    );
}
