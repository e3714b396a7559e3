//! LockedRoom: layout invariants over seeds, the scripted key-door-goal solution, the locked
//! door refusing an agent without its key, determinism and the registered row.

use std::collections::BTreeSet;

use rewardlab_core::Env;

use super::{LockedRoom, LockedRoomEnv, SideRoom, mission};
use crate::minigrid::layout::{GenError, Pos};
use crate::minigrid::object::{Color, DoorState, Obj};
use crate::minigrid::world::{Action, Task};

use crate::minigrid::envs::multi_room::walk_tests as walk;

fn env() -> LockedRoomEnv {
    LockedRoom::default().env().expect("default configuration")
}

fn find(e: &LockedRoomEnv, want: impl Fn(&Obj) -> bool) -> Vec<Pos> {
    (0..19)
        .flat_map(|y| (0..19).map(move |x| (x, y)))
        .filter(|&(x, y)| e.grid().get(x, y).is_some_and(&want))
        .collect()
}

/// The room (index in MiniGrid's order) whose interior holds `p`.
fn room_of(rooms: &[SideRoom; 6], p: Pos) -> Option<usize> {
    rooms.iter().position(|r| r.contains(p))
}

#[test]
fn rooms_are_minigrids_six() {
    let rooms = LockedRoom::default().rooms();
    assert_eq!(LockedRoom::default().hallway_walls(), (7, 11));
    assert_eq!(rooms[0].top, (0, 0));
    assert_eq!(rooms[1].top, (11, 0));
    assert_eq!(rooms[5].top, (11, 12));
    assert!(rooms.iter().all(|r| r.size == (8, 7)));
    let doors: Vec<Pos> = rooms.iter().map(|r| r.door).collect();
    assert_eq!(doors, [(7, 3), (11, 3), (7, 9), (11, 9), (7, 15), (11, 15)]);
}

#[test]
fn layouts_follow_minigrid_rules() {
    let mut e = env();
    let rooms = LockedRoom::default().rooms();
    let (mut locked_rooms, mut key_rooms) = (BTreeSet::new(), BTreeSet::new());
    for seed in 0..200 {
        e.reset(Some(seed));
        let g = e.grid();
        // Outer walls, hallway walls (but the doors) and the room-splitting rows.
        for i in 0..19 {
            for p in [(i, 0), (i, 18), (0, i), (18, i)] {
                assert_eq!(g.get(p.0, p.1), Some(&Obj::WALL), "seed {seed} {p:?}");
            }
            for x in [7, 11] {
                let door = rooms.iter().any(|r| r.door == (x, i));
                assert_eq!(door, matches!(g.get(x, i), Some(Obj::Door(..))));
                assert!(door || g.get(x, i) == Some(&Obj::WALL));
            }
        }
        for y in [6, 12] {
            for x in (0..7).chain(11..19) {
                assert_eq!(g.get(x, y), Some(&Obj::WALL));
            }
        }
        let mut colours = BTreeSet::new();
        let mut locked = None;
        for (i, r) in rooms.iter().enumerate() {
            let Some(Obj::Door(c, state)) = g.get(r.door.0, r.door.1) else {
                panic!("seed {seed}: no door of room {i}");
            };
            colours.insert(*c);
            match state {
                DoorState::Locked => {
                    assert!(locked.is_none(), "one locked door");
                    locked = Some((i, *c));
                }
                DoorState::Closed => {}
                DoorState::Open => panic!("seed {seed}: open door"),
            }
        }
        assert_eq!(colours.len(), 6, "seed {seed}: six door colours");
        let (locked, colour) = locked.expect("a locked door");
        let goals = find(&e, |o| *o == Obj::Goal);
        let keys = find(&e, |o| matches!(o, Obj::Key(_)));
        assert_eq!((goals.len(), keys.len()), (1, 1));
        assert_eq!(
            room_of(&rooms, goals[0]),
            Some(locked),
            "seed {seed}: goal room"
        );
        let key_room = room_of(&rooms, keys[0]).expect("key in a room");
        assert_ne!(key_room, locked);
        assert_eq!(g.get(keys[0].0, keys[0].1), Some(&Obj::Key(colour)));
        let Some(Obj::Door(key_colour, _)) = g.get(rooms[key_room].door.0, rooms[key_room].door.1)
        else {
            panic!("door of the key room");
        };
        assert_eq!(e.mission(), mission(colour, *key_colour));
        let (ax, ay) = e.agent_pos();
        assert!(
            (8..=10).contains(&ax) && (1..=17).contains(&ay),
            "seed {seed}"
        );
        assert_eq!(e.world().task, Task::ReachGoal);
        locked_rooms.insert(locked);
        key_rooms.insert(key_room);
    }
    assert_eq!((locked_rooms.len(), key_rooms.len()), (6, 6));
}

#[test]
fn mission_names_the_colours() {
    assert_eq!(
        mission(Color::Purple, Color::Grey),
        "get the purple key from the grey room, unlock the purple door and go to the goal"
    );
}

#[test]
fn fetching_the_key_and_unlocking_reaches_the_goal() {
    let mut e = LockedRoom::default()
        .env_with(1000, 7)
        .expect("valid configuration");
    for seed in 0..10 {
        e.reset(Some(seed));
        let key = find(&e, |o| matches!(o, Obj::Key(_)))[0];
        let goal = find(&e, |o| *o == Obj::Goal)[0];
        walk::walk(&mut e, key, true);
        walk::act(&mut e, Action::Pickup);
        assert!(matches!(e.carrying(), Some(Obj::Key(_))), "seed {seed}");
        let last = walk::walk(&mut e, goal, false).expect("steps to the goal");
        let t = e.step_count() as f64;
        assert!(last.terminated && !last.truncated, "seed {seed}");
        assert_eq!(last.reward, 1.0 - 0.9 * t / 1000.0);
    }
}

#[test]
fn the_locked_door_needs_its_key() {
    let mut e = env();
    e.reset(Some(5));
    let door = LockedRoom::default()
        .rooms()
        .into_iter()
        .map(|r| r.door)
        .find(|d| {
            matches!(
                e.grid().get(d.0, d.1),
                Some(Obj::Door(_, DoorState::Locked))
            )
        })
        .expect("a locked door");
    walk::walk(&mut e, door, true);
    let s = walk::act(&mut e, Action::Toggle);
    assert!(!s.terminated && s.reward == 0.0);
    assert!(matches!(
        e.grid().get(door.0, door.1),
        Some(Obj::Door(_, DoorState::Locked))
    ));
    walk::act(&mut e, Action::Forward);
    assert_ne!(e.agent_pos(), door);
}

#[test]
fn same_seed_same_layout() {
    let (mut a, mut b) = (env(), env());
    let mut missions = BTreeSet::new();
    for seed in 0..30 {
        a.reset(Some(seed));
        b.reset(Some(seed));
        assert_eq!(a.world(), b.world());
        assert_eq!(a.mission(), b.mission());
        missions.insert(a.mission().to_string());
    }
    // 30 draws among the 30 (locked, key room) colour pairs: about 19 distinct expected.
    assert!(missions.len() > 10, "missions vary with the seed");
}

#[test]
fn registered_row_and_small_sizes() {
    let mut e = crate::minigrid::make("MiniGrid-LockedRoom-v0", &[]).expect("registered");
    e.reset(Some(0));
    assert_eq!(e.world().max_steps, 190);
    assert_eq!(e.world().grid.width(), 19);
    assert!(!e.engine_config().see_through_walls);
    assert!(
        LockedRoom { size: 12 }
            .env()
            .is_err_and(|e| matches!(e, GenError::InvalidConfig(_)))
    );
    let mut small = LockedRoom { size: 13 }.env().expect("smallest size");
    small.reset(Some(0));
    assert_eq!(small.world().max_steps, 130);
}

/// Mean shortest-path lengths (doors crossable) from the start to the goal and to the key over
/// seeds 0..4000, against MiniGrid 3.2's over the same number of seeds: 12.2595 (standard
/// error 0.0708) and 12.3648 (0.0708), measured with gymnasium.make("MiniGrid-LockedRoom-v0")
/// and the same breadth-first search. The bound is 3 standard errors of the difference.
#[test]
fn path_lengths_match_minigrids_distribution() {
    let mut e = env();
    let n = 4000;
    let (mut goal_sum, mut key_sum) = (0.0, 0.0);
    for seed in 0..n {
        e.reset(Some(seed));
        let start = e.agent_pos();
        let goal = find(&e, |o| *o == Obj::Goal)[0];
        let key = find(&e, |o| matches!(o, Obj::Key(_)))[0];
        let len = |to| walk::path(e.world(), start, to).expect("reachable").len() - 1;
        goal_sum += len(goal) as f64;
        key_sum += len(key) as f64;
    }
    let bound = 3.0 * (2.0f64).sqrt() * 0.0708;
    let (goal_mean, key_mean) = (goal_sum / n as f64, key_sum / n as f64);
    assert!((goal_mean - 12.2595).abs() < bound, "goal {goal_mean}");
    assert!((key_mean - 12.3648).abs() < bound, "key {key_mean}");
}
