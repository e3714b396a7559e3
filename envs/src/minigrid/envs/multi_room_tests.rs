//! MultiRoom: layout invariants over seeds, the goal reached by a scripted walk, determinism
//! and the registered rows.

use std::collections::BTreeSet;

use rewardlab_core::Env;

use super::{MISSION, MultiRoom, MultiRoomEnv, Room};
use crate::minigrid::layout::{GenError, Pos};
use crate::minigrid::object::{Color, DoorState, Obj};
use crate::minigrid::world::Task;

use crate::minigrid::envs::multi_room::walk_tests as walk;

/// The registered configurations: (rooms, largest side).
const CONFIGS: [(usize, usize); 4] = [(2, 4), (6, 5), (4, 5), (6, 10)];

fn env(rooms: usize, max_size: usize) -> MultiRoomEnv {
    MultiRoom::new(rooms, rooms, max_size)
        .env()
        .expect("registered configuration")
}

/// Whether `p` is on the border of `room`, and strictly inside one of its walls (no corner).
fn on_border(room: &Room, p: Pos) -> (bool, bool) {
    let ((x0, y0), (sx, sy)) = (room.top, room.size);
    let (x1, y1) = (x0 + sx - 1, y0 + sy - 1);
    let inside = (x0..=x1).contains(&p.0) && (y0..=y1).contains(&p.1);
    let border = inside && (p.0 == x0 || p.0 == x1 || p.1 == y0 || p.1 == y1);
    let corner = (p.0 == x0 || p.0 == x1) && (p.1 == y0 || p.1 == y1);
    (border, border && !corner)
}

fn interior(room: &Room, p: Pos) -> bool {
    let ((x0, y0), (sx, sy)) = (room.top, room.size);
    p.0 > x0 && p.0 < x0 + sx - 1 && p.1 > y0 && p.1 < y0 + sy - 1
}

#[test]
fn layouts_follow_minigrid_rules() {
    for (n, max_size) in CONFIGS {
        let mut e = env(n, max_size);
        let mut colours = BTreeSet::new();
        let mut sides = BTreeSet::new();
        for seed in 0..200 {
            e.reset(Some(seed));
            let rooms = e.generator().rooms().to_vec();
            let world = e.world();
            let grid = &world.grid;
            assert_eq!(rooms.len(), n, "seed {seed}: room count");
            assert_eq!(e.mission(), MISSION);
            assert_eq!(world.task, Task::ReachGoal);
            for (i, room) in rooms.iter().enumerate() {
                let ((x, y), (sx, sy)) = (room.top, room.size);
                for side in [sx, sy] {
                    assert!((4..=max_size).contains(&side), "seed {seed}: side {side}");
                    sides.insert(side);
                }
                assert!(
                    x + sx <= 25 && y + sy < 25,
                    "seed {seed}: room {i} off the grid"
                );
                // The border is wall except the doors into and out of this room.
                for cx in x..x + sx {
                    for cy in y..y + sy {
                        if !on_border(room, (cx, cy)).0 {
                            continue;
                        }
                        let is_door = (i > 0 && room.entry_door == (cx, cy))
                            || rooms.get(i + 1).is_some_and(|r| r.entry_door == (cx, cy));
                        match grid.get(cx, cy) {
                            Some(Obj::Door(..)) => assert!(is_door, "seed {seed}: stray door"),
                            Some(Obj::Wall(Color::Grey)) => assert!(!is_door),
                            other => panic!("seed {seed}: border cell {other:?}"),
                        }
                    }
                }
                if i > 0 {
                    let d = room.entry_door;
                    assert!(on_border(room, d).1 && on_border(&rooms[i - 1], d).1);
                    let Some(Obj::Door(c, DoorState::Closed)) = grid.get(d.0, d.1) else {
                        panic!("seed {seed}: no closed door at {d:?}");
                    };
                    colours.insert(*c);
                    if i > 1 {
                        let p = rooms[i - 1].entry_door;
                        assert_ne!(grid.get(p.0, p.1), grid.get(d.0, d.1), "same colour twice");
                    }
                }
                // Rooms never share interior cells.
                for other in &rooms[..i] {
                    for cx in x + 1..x + sx - 1 {
                        for cy in y + 1..y + sy - 1 {
                            assert!(!interior(other, (cx, cy)), "seed {seed}: overlap");
                        }
                    }
                }
            }
            let doors = (0..25)
                .flat_map(|x| (0..25).map(move |y| (x, y)))
                .filter(|&(x, y)| matches!(grid.get(x, y), Some(Obj::Door(..))))
                .count();
            assert_eq!(doors, n - 1, "seed {seed}: door count");
            let goals: Vec<Pos> = (0..25)
                .flat_map(|x| (0..25).map(move |y| (x, y)))
                .filter(|&(x, y)| grid.get(x, y) == Some(&Obj::Goal))
                .collect();
            assert_eq!(goals.len(), 1);
            assert!(interior(&rooms[n - 1], goals[0]), "seed {seed}: goal room");
            assert!(
                interior(&rooms[0], world.agent_pos),
                "seed {seed}: start room"
            );
            assert!(walk::path(world, world.agent_pos, goals[0]).is_some());
        }
        assert_eq!(colours.len(), 6, "every door colour occurs");
        assert!(sides.contains(&4) && sides.contains(&max_size), "{sides:?}");
    }
}

#[test]
fn walking_to_the_goal_succeeds_with_the_step_reward() {
    // A budget the scripted walk (turns and toggles included) always fits in.
    let mut e = MultiRoom::new(6, 6, 10)
        .env_with(25, 25, 1000, 7)
        .expect("valid configuration");
    for seed in 0..20 {
        e.reset(Some(seed));
        let goal = (0..25)
            .flat_map(|x| (0..25).map(move |y| (x, y)))
            .find(|&(x, y)| e.grid().get(x, y) == Some(&Obj::Goal))
            .expect("a goal");
        let last = walk::walk(&mut e, goal, false).expect("the goal is not the start");
        let t = e.step_count() as f64;
        assert!(last.terminated && !last.truncated, "seed {seed}");
        assert_eq!(last.reward, 1.0 - 0.9 * t / 1000.0);
        assert_eq!(e.agent_pos(), goal);
    }
}

#[test]
fn a_closed_door_blocks_until_toggled() {
    let mut e = env(2, 4);
    e.reset(Some(3));
    let door = e.generator().rooms()[1].entry_door;
    walk::walk(&mut e, door, true);
    let before = e.agent_pos();
    let s = walk::act(&mut e, crate::minigrid::world::Action::Forward);
    assert_eq!(
        (e.agent_pos(), s.reward, s.terminated),
        (before, 0.0, false)
    );
    walk::act(&mut e, crate::minigrid::world::Action::Toggle);
    assert!(e.world().is_open(door));
    walk::act(&mut e, crate::minigrid::world::Action::Forward);
    assert_eq!(e.agent_pos(), door);
}

#[test]
fn same_seed_same_layout() {
    let (mut a, mut b) = (env(6, 10), env(6, 10));
    let mut distinct = BTreeSet::new();
    for seed in 0..20 {
        a.reset(Some(seed));
        b.reset(Some(seed));
        assert_eq!(a.world(), b.world());
        assert_eq!(a.generator().rooms(), b.generator().rooms());
        distinct.insert(format!("{:?}", a.generator().rooms()));
    }
    assert!(distinct.len() > 15, "layouts vary with the seed");
}

#[test]
fn invalid_parameters_are_refused() {
    assert!(
        MultiRoom::new(0, 2, 5)
            .env()
            .is_err_and(|e| matches!(e, GenError::InvalidConfig(_)))
    );
    assert!(
        MultiRoom::new(3, 2, 5)
            .env()
            .is_err_and(|e| matches!(e, GenError::InvalidConfig(_)))
    );
    assert!(
        MultiRoom::new(2, 2, 3)
            .env()
            .is_err_and(|e| matches!(e, GenError::InvalidConfig(_)))
    );
}

#[test]
fn registered_rows_have_minigrid_room_counts_and_step_limits() {
    for (id, doors, max_steps) in [
        ("MiniGrid-MultiRoom-N2-S4-v0", 1, 40),
        ("MiniGrid-MultiRoom-N4-S5-v0", 5, 120),
        ("MiniGrid-MultiRoom-N4-S5-v1", 3, 80),
        ("MiniGrid-MultiRoom-N6-v0", 5, 120),
    ] {
        let mut e = crate::minigrid::make(id, &[]).expect("registered");
        e.reset(Some(1));
        let w = e.world();
        let count = (0..25)
            .flat_map(|x| (0..25).map(move |y| (x, y)))
            .filter(|&(x, y)| matches!(w.grid.get(x, y), Some(Obj::Door(..))))
            .count();
        assert_eq!((count, w.max_steps), (doors, max_steps), "{id}");
        assert!(!e.engine_config().see_through_walls);
    }
}

/// Mean shortest-path length (doors crossable) from the start to the goal and mean total room
/// area over seeds 0..4000, against MiniGrid 3.2's over the same number of seeds, measured
/// with gymnasium.make(id) and the same breadth-first search (mean, standard error):
/// N2-S4 3.993 (0.0159) / 32 (0); N4-S5-v0 21.3038 (0.0333) / 120.3902 (0.1218);
/// N4-S5-v1 13.0488 (0.0285) / 80.2728 (0.1003); N6 34.4372 (0.0826) / 252.3878 (0.659).
/// The bound is 3 standard errors of the difference.
#[test]
fn path_lengths_and_areas_match_minigrids_distribution() {
    let reference = [
        ((2, 4), (3.993, 0.0159), (32.0, 0.0)),
        ((6, 5), (21.3038, 0.0333), (120.3902, 0.1218)),
        ((4, 5), (13.0488, 0.0285), (80.2728, 0.1003)),
        ((6, 10), (34.4372, 0.0826), (252.3878, 0.659)),
    ];
    let n = 4000;
    for ((rooms, max_size), (dist, dist_se), (area, area_se)) in reference {
        let mut e = env(rooms, max_size);
        let (mut dist_sum, mut area_sum) = (0.0, 0.0);
        for seed in 0..n {
            e.reset(Some(seed));
            let goal = (0..25)
                .flat_map(|x| (0..25).map(move |y| (x, y)))
                .find(|&(x, y)| e.grid().get(x, y) == Some(&Obj::Goal))
                .expect("a goal");
            let path = walk::path(e.world(), e.agent_pos(), goal).expect("reachable");
            dist_sum += (path.len() - 1) as f64;
            area_sum += e
                .generator()
                .rooms()
                .iter()
                .map(|r| (r.size.0 * r.size.1) as f64)
                .sum::<f64>();
        }
        let (d, a) = (dist_sum / n as f64, area_sum / n as f64);
        let k = 3.0 * (2.0f64).sqrt();
        assert!(
            (d - dist).abs() <= k * dist_se,
            "N{rooms}-S{max_size}: distance {d} vs {dist}"
        );
        assert!(
            (a - area).abs() <= k * area_se,
            "N{rooms}-S{max_size}: area {a} vs {area}"
        );
    }
}
