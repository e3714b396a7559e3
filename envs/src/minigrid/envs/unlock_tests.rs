//! Unlock: layout invariants over seeds, the win rule, truncation, determinism.

use rewardlab_core::Env;

use super::*;
use crate::minigrid::AnyMiniGrid;
use crate::minigrid::object::{DoorState, Obj};
use crate::minigrid::room_grid::tests::solve_and_replay;
use crate::minigrid::world::Action;

#[test]
fn layouts_follow_minigrid() {
    let mut env = Unlock::env().expect("env");
    let mut rows = std::collections::HashSet::new();
    for seed in 0..200 {
        env.reset(Some(seed));
        let w = env.world();
        assert_eq!((w.grid.width(), w.grid.height()), (11, 6));
        assert_eq!(w.max_steps, 288);
        assert_eq!(env.mission(), MISSION);
        let mut doors = Vec::new();
        let mut keys = Vec::new();
        for y in 0..6 {
            for x in 0..11 {
                let border = x == 0 || x == 10 || y == 0 || y == 5;
                match w.grid.get(x, y) {
                    Some(Obj::Wall(_)) => assert!(border || x == 5, "stray wall ({x}, {y})"),
                    Some(Obj::Door(c, s)) => doors.push(((x, y), *c, *s)),
                    Some(Obj::Key(c)) => keys.push(((x, y), *c)),
                    None => assert!(!border && x != 5, "hole in the walls at ({x}, {y})"),
                    other => panic!("unexpected {other:?} at ({x}, {y})"),
                }
            }
        }
        let [(door, colour, state)] = doors[..] else {
            panic!("one door expected: {doors:?}");
        };
        assert_eq!((door.0, state), (5, DoorState::Locked));
        assert!((1..5).contains(&door.1));
        rows.insert(door.1);
        let [(key, key_colour)] = keys[..] else {
            panic!("one key expected: {keys:?}");
        };
        assert_eq!(key_colour, colour);
        assert!((1..5).contains(&key.0) && (1..5).contains(&key.1));
        let (ax, ay) = w.agent_pos;
        assert!((1..5).contains(&ax) && (1..5).contains(&ay));
        let front = w.front_pos().expect("inside");
        assert!(w.grid.get(front.0, front.1).is_none_or(|o| *o == Obj::WALL));
        assert_eq!(w.task, Task::OpenDoor(door));
    }
    assert_eq!(rows.len(), 4);
}

#[test]
fn a_locked_door_does_not_open_without_its_key() {
    let mut env = Unlock::env().expect("env");
    env.reset(Some(4));
    let Task::OpenDoor(door) = env.world().task.clone() else {
        panic!("Unlock's task opens the door");
    };
    env.set_agent((door.0 - 1, door.1), 0)
        .expect("the cell left of the door is free");
    let step = env.step(&5).expect("running");
    assert_eq!((step.reward, step.terminated), (0.0, false));
    assert!(!env.world().is_open(door));
}

#[test]
fn fetching_the_key_and_opening_the_door_wins() {
    let mut env = Unlock::env().expect("env");
    for seed in [0, 1, 2] {
        env.reset(Some(seed));
        let plan = solve_and_replay(&mut env, 200_000);
        assert_eq!(plan.iter().filter(|&&a| a == Action::Pickup).count(), 1);
        assert_eq!(plan.last(), Some(&Action::Toggle));
    }
}

#[test]
fn the_episode_truncates_at_max_steps() {
    let mut env = Unlock::env_with(3, 7).expect("env");
    env.reset(Some(0));
    for n in 1..=3 {
        let step = env.step(&0).expect("running");
        assert!(!step.terminated);
        assert_eq!(step.truncated, n == 3);
    }
}

#[test]
fn same_seed_same_layout_and_the_registry_builds_it() {
    let mut a = Unlock::env().expect("env");
    let mut b = crate::minigrid::make("MiniGrid-Unlock-v0", &[]).expect("registered");
    a.reset(Some(42));
    b.reset(Some(42));
    let first = a.world().clone();
    assert_eq!(b.world().grid, first.grid);
    a.reset(Some(42));
    assert_eq!(*a.world(), first);
    a.reset(Some(43));
    assert_ne!(a.world().grid, first.grid);
}
