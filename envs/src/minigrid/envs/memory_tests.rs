//! Memory: layout invariants over seeds, success and failure by scripted walks, `pickup`
//! acting as `toggle`, determinism and the registered rows.

use std::collections::BTreeSet;

use rewardlab_core::Env;

use super::{MISSION, Memory, MemoryEnv};
use crate::minigrid::layout::{GenError, Pos};
use crate::minigrid::object::{Color, Obj};
use crate::minigrid::world::{Action, Task};

use crate::minigrid::envs::multi_room::walk_tests as walk;

/// The registered configurations: (size, random_length).
const CONFIGS: [(usize, bool); 6] = [
    (17, true),
    (13, true),
    (13, false),
    (11, false),
    (9, false),
    (7, false),
];

fn env(size: usize, random_length: bool) -> MemoryEnv {
    Memory {
        size,
        random_length,
    }
    .env()
    .expect("registered configuration")
}

fn cells(e: &MemoryEnv) -> (Pos, Pos) {
    match e.world().task {
        Task::ChooseCell { success, failure } => (success, failure),
        ref other => panic!("task {other:?}"),
    }
}

#[test]
fn layouts_follow_minigrid_rules() {
    for (size, random) in CONFIGS {
        let mut e = env(size, random);
        let mid = size / 2;
        let (mut ends, mut starts, mut cues) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        for seed in 0..200 {
            e.reset(Some(seed));
            let g = e.grid();
            let (success, failure) = cells(&e);
            let end = success.0 - 1;
            assert_eq!(failure.0, success.0);
            assert_eq!(
                BTreeSet::from([success.1, failure.1]),
                BTreeSet::from([mid - 1, mid + 1])
            );
            if !random {
                assert_eq!(end, size - 3);
            }
            assert!((4..size - 2).contains(&end), "seed {seed}: end {end}");
            let wall = Some(&Obj::WALL);
            for i in 0..size {
                for p in [(i, 0), (i, size - 1), (0, i), (size - 1, i), (end + 2, i)] {
                    assert_eq!(g.get(p.0, p.1), wall, "seed {seed} {p:?}");
                }
                assert_eq!(
                    g.get(end, i) == wall,
                    i != mid,
                    "seed {seed}: junction wall"
                );
            }
            for x in 1..=4 {
                assert_eq!((g.get(x, mid - 2), g.get(x, mid + 2)), (wall, wall));
            }
            for x in 4..end {
                assert_eq!((g.get(x, mid - 1), g.get(x, mid + 1)), (wall, wall));
            }
            // The middle row is open from the start room to the junction.
            for x in 1..=end + 1 {
                assert_eq!(g.get(x, mid), None, "seed {seed}: ({x},{mid})");
            }
            let cue = g.get(1, mid - 1).expect("a cue").clone();
            assert!(matches!(
                cue,
                Obj::Key(Color::Green) | Obj::Ball(Color::Green)
            ));
            let matching = (success.0, if success.1 < mid { mid - 2 } else { mid + 2 });
            let other = (failure.0, if failure.1 < mid { mid - 2 } else { mid + 2 });
            assert_eq!(g.get(matching.0, matching.1), Some(&cue), "seed {seed}");
            let odd = g.get(other.0, other.1).expect("the other object");
            assert!(matches!(
                odd,
                Obj::Key(Color::Green) | Obj::Ball(Color::Green)
            ));
            assert_ne!(odd, &cue);
            assert_eq!(g.get(success.0, success.1), None);
            assert_eq!(g.get(failure.0, failure.1), None);
            let (ax, ay) = e.agent_pos();
            assert!(ay == mid && (1..=end).contains(&ax) && e.agent_dir() == 0);
            assert_eq!(e.mission(), MISSION);
            ends.insert(end);
            starts.insert(ax);
            cues.insert((format!("{cue:?}"), success.1 < mid));
        }
        let want_ends = if random { size - 6 } else { 1 };
        assert_eq!(ends.len(), want_ends, "size {size}: hallway lengths");
        assert!(starts.len() >= 4 && cues.len() == 4, "size {size}");
    }
}

#[test]
fn the_matching_side_succeeds_and_the_other_fails() {
    let mut e = env(13, true);
    for seed in 0..20 {
        e.reset(Some(seed));
        let (success, failure) = cells(&e);
        let target = if seed % 2 == 0 { success } else { failure };
        let s = walk::walk(&mut e, target, false).expect("the target is away from the start");
        assert!(s.terminated && !s.truncated, "seed {seed}");
        let t = e.step_count() as f64;
        let want = if seed % 2 == 0 {
            1.0 - 0.9 * t / 845.0
        } else {
            0.0
        };
        assert_eq!(s.reward, want, "seed {seed}");
    }
}

#[test]
fn pickup_does_not_take_the_cue() {
    let mut e = env(9, false);
    e.reset(Some(2));
    let mid = 4;
    walk::walk(&mut e, (1, mid - 1), true);
    let cue = e.grid().get(1, mid - 1).cloned();
    let s = walk::act(&mut e, Action::Pickup);
    assert!(!s.terminated && e.carrying().is_none());
    assert_eq!(e.grid().get(1, mid - 1).cloned(), cue);
}

#[test]
fn same_seed_same_layout() {
    let (mut a, mut b) = (env(17, true), env(17, true));
    let mut layouts = BTreeSet::new();
    for seed in 0..30 {
        a.reset(Some(seed));
        b.reset(Some(seed));
        assert_eq!(a.world(), b.world());
        layouts.insert((a.agent_pos(), cells(&a)));
    }
    assert!(layouts.len() > 20);
}

#[test]
fn registered_rows_and_invalid_sizes() {
    for (id, size) in [
        ("MiniGrid-MemoryS17Random-v0", 17),
        ("MiniGrid-MemoryS13Random-v0", 13),
        ("MiniGrid-MemoryS13-v0", 13),
        ("MiniGrid-MemoryS11-v0", 11),
        ("MiniGrid-MemoryS9-v0", 9),
        ("MiniGrid-MemoryS7-v0", 7),
    ] {
        let mut e = crate::minigrid::make(id, &[]).expect("registered");
        e.reset(Some(0));
        let w = e.world();
        assert_eq!(
            (w.grid.width(), w.max_steps),
            (size, 5 * size * size),
            "{id}"
        );
        assert!(!e.engine_config().see_through_walls);
    }
    for size in [5, 8, 10] {
        assert!(
            Memory {
                size,
                random_length: false
            }
            .env()
            .is_err_and(|e| matches!(e, GenError::InvalidConfig(_)))
        );
    }
}
