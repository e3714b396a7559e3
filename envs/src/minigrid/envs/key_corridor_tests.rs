//! KeyCorridor: layout invariants over seeds for every registered size, the win rule,
//! determinism.

use rewardlab_core::Env;

use super::*;
use crate::minigrid::AnyMiniGrid;
use crate::minigrid::object::{DoorState, Obj};
use crate::minigrid::room_grid::tests::{flood, solve_and_replay};
use crate::minigrid::unlock_pickup::tests::objects;

const SIZES: [(&str, usize, usize); 6] = [
    ("MiniGrid-KeyCorridorS3R1-v0", 3, 1),
    ("MiniGrid-KeyCorridorS3R2-v0", 3, 2),
    ("MiniGrid-KeyCorridorS3R3-v0", 3, 3),
    ("MiniGrid-KeyCorridorS4R3-v0", 4, 3),
    ("MiniGrid-KeyCorridorS5R3-v0", 5, 3),
    ("MiniGrid-KeyCorridorS6R3-v0", 6, 3),
];

#[test]
fn layouts_follow_minigrid() {
    for (id, rs, rows) in SIZES {
        let mut env = crate::minigrid::make(id, &[]).expect("registered");
        let step = rs - 1;
        for seed in 0..200 {
            env.reset(Some(seed));
            let w = env.world();
            assert_eq!(
                (w.grid.width(), w.grid.height()),
                (3 * step + 1, rows * step + 1)
            );
            assert_eq!(w.max_steps, 30 * rs * rs);
            let objs = objects(&w.grid);
            let locked: Vec<_> = objs
                .iter()
                .filter(|(_, o)| matches!(o, Obj::Door(_, DoorState::Locked)))
                .collect();
            let [(door, door_obj)] = locked[..] else {
                panic!("{id} seed {seed}: one locked door expected, got {locked:?}");
            };
            // On the left wall of a right-column room.
            assert_eq!(door.0, 2 * step, "{id} seed {seed}");
            let room_row = door.1 / step;
            let balls: Vec<_> = objs
                .iter()
                .filter(|(_, o)| matches!(o, Obj::Ball(_)))
                .collect();
            let [(ball, ball_obj)] = balls[..] else {
                panic!("one ball expected: {balls:?}");
            };
            assert!(ball.0 > 2 * step && ball.1 / step == room_row && !ball.1.is_multiple_of(step));
            let keys: Vec<_> = objs
                .iter()
                .filter(|(_, o)| matches!(o, Obj::Key(_)))
                .collect();
            let [(key, key_obj)] = keys[..] else {
                panic!("one key expected: {keys:?}");
            };
            assert!(key.0 < step, "the key is in the left column");
            assert_eq!(key_obj.color(), door_obj.color());
            for (pos, o) in &objs {
                if matches!(o, Obj::Door(_, DoorState::Closed)) {
                    assert!(pos != door);
                }
            }
            // The corridor: no wall between the middle column's rooms.
            for j in 1..rows {
                for x in step + 1..2 * step {
                    assert_eq!(w.grid.get(x, j * step), None, "{id} seed {seed}");
                }
            }
            let (ax, ay) = w.agent_pos;
            // In the middle room's rectangle: MiniGrid, too, may start the agent on a cell of
            // a removed corridor wall.
            let top = (rows / 2) * step;
            assert!(ax > step && ax < 2 * step && (top..=top + step).contains(&ay));
            let front = w.front_pos().expect("inside");
            let ahead = w.grid.get(front.0, front.1);
            assert!(
                ahead.is_none_or(|o| matches!(o, Obj::Wall(_) | Obj::Door(_, DoorState::Closed))),
                "only a door added after the agent may face it: {ahead:?}"
            );
            // connect_all: every free cell is reachable through doors.
            let reach = flood(&w.grid, w.agent_pos);
            assert!(reach.contains(ball) && reach.contains(key));
            assert_eq!(w.task, Task::PickUp(ball_obj.clone()));
            assert_eq!(
                env.mission_text(),
                format!("pick up the {} ball", ball_obj.color().name())
            );
        }
    }
}

#[test]
fn the_small_corridors_are_solved_by_key_door_and_ball() {
    for (rows, seeds) in [(1, 0..3), (2, 0..2)] {
        let layout = KeyCorridor {
            num_rows: rows,
            room_size: 3,
            obj_type: ObjKind::Ball,
        };
        let mut env = layout.env().expect("env");
        for seed in seeds {
            env.reset(Some(seed));
            solve_and_replay(&mut env, 400_000);
            assert!(matches!(env.world().carrying, Some(Obj::Ball(_))));
        }
    }
}

#[test]
fn invalid_sizes_are_refused_and_seeds_repeat() {
    let bad = KeyCorridor {
        room_size: 2,
        ..KeyCorridor::default()
    };
    assert!(
        bad.env()
            .is_err_and(|e| matches!(e, GenError::InvalidConfig(_)))
    );
    let none = KeyCorridor {
        num_rows: 0,
        ..KeyCorridor::default()
    };
    assert!(
        none.env()
            .is_err_and(|e| matches!(e, GenError::InvalidConfig(_)))
    );
    let mut env = KeyCorridor::default().env().expect("env");
    assert_eq!(env.world().max_steps, 1080);
    env.reset(Some(3));
    let first = env.world().clone();
    env.reset(Some(3));
    assert_eq!(*env.world(), first);
}

#[test]
fn the_start_may_be_on_a_removed_corridor_wall_as_in_minigrid() {
    // MiniGrid 3.2, KeyCorridorS4R3, seeds 0..2000: 49.5 % of starts are on the rows of the
    // removed walls (4 of the 8 free cells of the middle room's rectangle).
    let mut env = crate::minigrid::make("MiniGrid-KeyCorridorS4R3-v0", &[]).expect("registered");
    let n = 1000;
    let on_wall_rows = (0..n)
        .filter(|&s| {
            env.reset(Some(s));
            env.world().agent_pos.1.is_multiple_of(3)
        })
        .count();
    let share = on_wall_rows as f64 / n as f64;
    assert!((0.43..0.57).contains(&share), "{share}");
}
