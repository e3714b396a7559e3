//! Tests of [`RoomGrid`] on hand-checked layouts, and [`solve`], the breadth-first solver the
//! env tests replay.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashSet, VecDeque};
use std::hash::{Hash, Hasher};

use rewardlab_core::rng::{EnvRng, rng_from_seed};

use super::*;
use crate::minigrid::grid::Grid;
use crate::minigrid::object::DoorState;
use crate::minigrid::obs::DIR_TO_VEC;
use crate::minigrid::world::{Action, World};

/// The shortest action sequence that ends `world`'s episode with a positive reward, found by
/// breadth-first search over at most `max_states` worlds (step counter ignored); `None` if
/// there is none within the cap.
pub(crate) fn solve(world: &World, max_states: usize) -> Option<Vec<Action>> {
    let fingerprint = |w: &World| {
        let mut key = w.clone();
        key.step_count = 0;
        let mut h = DefaultHasher::new();
        key.hash(&mut h);
        h.finish()
    };
    let mut nodes: Vec<(World, usize, Option<Action>)> = vec![(world.clone(), 0, None)];
    let mut seen = HashSet::from([fingerprint(world)]);
    let mut queue = VecDeque::from([0usize]);
    let path_to = |nodes: &[(World, usize, Option<Action>)], mut i: usize| {
        let mut path = Vec::new();
        while let Some(a) = nodes[i].2 {
            path.push(a);
            i = nodes[i].1;
        }
        path.reverse();
        path
    };
    while let Some(i) = queue.pop_front() {
        for a in Action::ALL {
            let mut next = nodes[i].0.clone();
            let out = next.apply(a);
            if out.terminated {
                if out.reward > 0.0 {
                    let mut path = path_to(&nodes, i);
                    path.push(a);
                    return Some(path);
                }
                continue;
            }
            if nodes.len() < max_states && seen.insert(fingerprint(&next)) {
                nodes.push((next, i, Some(a)));
                queue.push_back(nodes.len() - 1);
            }
        }
    }
    None
}

/// Cells reachable from `start` through every cell but walls (doors and objects count as
/// passable): the connectivity a layout promises.
pub(crate) fn flood(grid: &Grid, start: Pos) -> HashSet<Pos> {
    let mut seen = HashSet::from([start]);
    let mut stack = vec![start];
    while let Some((x, y)) = stack.pop() {
        for (nx, ny) in [
            (x + 1, y),
            (x.wrapping_sub(1), y),
            (x, y + 1),
            (x, y.wrapping_sub(1)),
        ] {
            if nx < grid.width()
                && ny < grid.height()
                && !matches!(grid.get(nx, ny), Some(Obj::Wall(_)))
                && seen.insert((nx, ny))
            {
                stack.push((nx, ny));
            }
        }
    }
    seen
}

fn with_gen<T>(
    seed: u64,
    room_size: usize,
    rows: usize,
    cols: usize,
    f: impl FnOnce(&mut Gen<'_>, RoomGrid) -> T,
) -> T {
    let mut rng: EnvRng = rng_from_seed(seed);
    let (w, h) = RoomGrid::grid_size(room_size, rows, cols);
    let mut g = Gen::new(w, h, &mut rng);
    let rooms = RoomGrid::new(&mut g, room_size, rows, cols).expect("valid room grid");
    f(&mut g, rooms)
}

#[test]
fn grid_size_and_checks_follow_minigrid() {
    assert_eq!(RoomGrid::grid_size(6, 1, 2), (11, 6));
    assert_eq!(RoomGrid::grid_size(3, 3, 3), (7, 7));
    assert!(RoomGrid::check(3, 1, 1).is_ok());
    assert!(RoomGrid::check(2, 1, 1).is_err_and(|e| matches!(e, GenError::InvalidConfig(_))));
    assert!(RoomGrid::check(3, 0, 1).is_err_and(|e| matches!(e, GenError::InvalidConfig(_))));
    assert!(RoomGrid::check(3, 1, 0).is_err_and(|e| matches!(e, GenError::InvalidConfig(_))));
    let mut rng = rng_from_seed(0);
    let mut g = Gen::new(10, 6, &mut rng);
    assert!(
        RoomGrid::new(&mut g, 6, 1, 2).is_err_and(|e| matches!(e, GenError::InvalidConfig(_))),
        "grid of the wrong size"
    );
}

#[test]
fn new_draws_shared_walls_door_cells_and_the_provisional_start() {
    for seed in 0..200 {
        with_gen(seed, 5, 3, 3, |g, rooms| {
            for y in 0..13usize {
                for x in 0..13usize {
                    let wall = x.is_multiple_of(4) || y.is_multiple_of(4);
                    let expect = wall.then_some(&Obj::WALL);
                    assert_eq!(g.grid.get(x, y), expect, "cell ({x}, {y})");
                }
            }
            for j in 0..3 {
                for i in 0..3 {
                    let room = rooms.room(i, j).expect("room exists");
                    assert_eq!(room.top, (4 * i, 4 * j));
                    assert_eq!(room.links, [None; 4]);
                    match room.door_pos[0] {
                        Some((x, y)) => {
                            assert_eq!(x, 4 * i + 4);
                            assert!((4 * j + 1..4 * j + 4).contains(&y));
                            let right = rooms.room(i + 1, j).expect("right neighbour");
                            assert_eq!(right.door_pos[2], Some((x, y)));
                        }
                        None => assert_eq!(i, 2),
                    }
                    match room.door_pos[1] {
                        Some((x, y)) => {
                            assert_eq!(y, 4 * j + 4);
                            assert!((4 * i + 1..4 * i + 4).contains(&x));
                            let below = rooms.room(i, j + 1).expect("lower neighbour");
                            assert_eq!(below.door_pos[3], Some((x, y)));
                        }
                        None => assert_eq!(j, 2),
                    }
                    assert_eq!(room.neighbors[2].is_some(), i > 0);
                    assert_eq!(room.neighbors[3].is_some(), j > 0);
                }
            }
            assert_eq!(g.agent_pos, Some((6, 6)));
            assert_eq!(g.agent_dir, 0);
        });
    }
}

#[test]
fn door_rows_cover_the_whole_wall() {
    let mut rows = HashSet::new();
    for seed in 0..200 {
        with_gen(seed, 6, 1, 2, |_, rooms| {
            let room = rooms.room(0, 0).expect("room");
            rows.insert(room.door_pos[0].expect("right door cell").1);
        });
    }
    assert_eq!(rows, HashSet::from([1, 2, 3, 4]));
}

#[test]
fn room_from_pos_maps_shared_walls_right_and_down() {
    with_gen(0, 5, 3, 3, |_, rooms| {
        assert_eq!(rooms.room_from_pos(0, 0), Some((0, 0)));
        assert_eq!(rooms.room_from_pos(3, 3), Some((0, 0)));
        assert_eq!(rooms.room_from_pos(4, 4), Some((1, 1)));
        assert_eq!(rooms.room_from_pos(11, 5), Some((2, 1)));
        assert_eq!(rooms.room_from_pos(12, 12), None);
        assert!(rooms.room(3, 0).is_none());
    });
}

#[test]
fn add_door_records_the_link_on_both_sides() {
    with_gen(3, 6, 1, 2, |g, mut rooms| {
        let (color, pos) = rooms
            .add_door(g, 0, 0, Some(0), Some(Color::Red), Some(true))
            .expect("door on a shared wall");
        assert_eq!(color, Color::Red);
        assert_eq!(pos.0, 5);
        assert_eq!(
            g.grid.get(pos.0, pos.1),
            Some(&Obj::Door(Color::Red, DoorState::Locked))
        );
        let link = Some(Link::Door {
            color: Color::Red,
            locked: true,
        });
        assert_eq!(rooms.room(0, 0).expect("left").links[0], link);
        assert_eq!(rooms.room(1, 0).expect("right").links[2], link);
        assert!(rooms.room(0, 0).expect("left").locked);
        assert!(!rooms.room(1, 0).expect("right").locked);
        assert!(
            rooms
                .add_door(g, 1, 0, Some(2), None, None)
                .is_err_and(|e| matches!(e, GenError::InvalidConfig(_))),
            "second door"
        );
        assert!(
            rooms
                .add_door(g, 0, 0, None, None, None)
                .is_err_and(|e| matches!(e, GenError::InvalidConfig(_))),
            "no wall left"
        );
        assert!(
            rooms
                .add_door(g, 0, 0, Some(2), None, None)
                .is_err_and(|e| matches!(e, GenError::InvalidConfig(_))),
            "outer wall"
        );
    });
}

#[test]
fn add_door_draws_only_walls_with_a_neighbour_and_unlocked_doors_close() {
    let mut locked = [0usize; 2];
    for seed in 0..200 {
        with_gen(seed, 6, 1, 2, |g, mut rooms| {
            let (_, pos) = rooms
                .add_door(g, 1, 0, None, None, None)
                .expect("left wall");
            assert_eq!(pos.0, 5);
            match g.grid.get(pos.0, pos.1) {
                Some(Obj::Door(_, DoorState::Locked)) => locked[1] += 1,
                Some(Obj::Door(_, DoorState::Closed)) => locked[0] += 1,
                other => panic!("not a new door: {other:?}"),
            }
        });
    }
    assert!(locked[0] > 60 && locked[1] > 60, "a fair coin: {locked:?}");
}

#[test]
fn remove_wall_opens_the_wall_between_the_corners() {
    with_gen(1, 5, 2, 1, |g, mut rooms| {
        rooms.remove_wall(g, 0, 1, 3).expect("shared wall");
        for x in 1..4 {
            assert_eq!(g.grid.get(x, 4), None);
        }
        assert_eq!(g.grid.get(0, 4), Some(&Obj::WALL));
        assert_eq!(g.grid.get(4, 4), Some(&Obj::WALL));
        assert_eq!(
            rooms.room(0, 1).expect("lower").links[3],
            Some(Link::Opening)
        );
        assert_eq!(
            rooms.room(0, 0).expect("upper").links[1],
            Some(Link::Opening)
        );
        assert!(
            rooms
                .add_door(g, 0, 0, Some(1), None, None)
                .is_err_and(|e| matches!(e, GenError::InvalidConfig(_)))
        );
        assert!(
            rooms
                .remove_wall(g, 0, 0, 1)
                .is_err_and(|e| matches!(e, GenError::InvalidConfig(_))),
            "already open"
        );
        assert!(
            rooms
                .remove_wall(g, 0, 0, 0)
                .is_err_and(|e| matches!(e, GenError::InvalidConfig(_))),
            "outer wall"
        );
    });
}

#[test]
fn place_in_room_keeps_off_the_agent_and_its_neighbours() {
    // One room of 5: a 3 × 3 interior around the provisional start (2, 2), so only the four
    // corners are at Manhattan distance 2 or more.
    with_gen(9, 5, 1, 1, |g, mut rooms| {
        let mut cells = HashSet::new();
        for c in 0..4 {
            let pos = rooms
                .place_in_room(g, 0, 0, Obj::Ball(Color::ALL[c]))
                .expect("a corner is free");
            cells.insert(pos);
        }
        assert_eq!(cells, HashSet::from([(1, 1), (3, 1), (1, 3), (3, 3)]));
        assert!(
            rooms
                .place_in_room(g, 0, 0, Obj::Key(Color::Red))
                .is_err_and(|e| matches!(e, GenError::NoFreeCell { .. }))
        );
        assert_eq!(rooms.room(0, 0).expect("room").objs.len(), 4);
    });
}

#[test]
fn place_agent_never_faces_an_object_or_door() {
    // Rooms of 3 have one interior cell; with the door at (2, 1) the agent at (1, 1) may face
    // down, left or up (walls) but not right (the door).
    let mut dirs = HashSet::new();
    for seed in 0..200 {
        with_gen(seed, 3, 1, 2, |g, mut rooms| {
            rooms.add_door(g, 0, 0, Some(0), None, None).expect("door");
            let pos = rooms
                .place_agent(g, Some(0), Some(0), true)
                .expect("one cell");
            assert_eq!(pos, (1, 1));
            assert_eq!(g.agent_pos, Some((1, 1)));
            dirs.insert(g.agent_dir);
        });
    }
    assert_eq!(dirs, HashSet::from([1, 2, 3]));
    with_gen(0, 3, 1, 2, |g, mut rooms| {
        rooms.add_door(g, 0, 0, Some(0), None, None).expect("door");
        g.agent_dir = 0;
        assert!(
            rooms
                .place_agent(g, Some(0), Some(0), false)
                .is_err_and(|e| matches!(e, GenError::NoFreeCell { .. })),
            "facing right, the only cell faces the door"
        );
    });
}

#[test]
fn place_agent_in_a_furnished_room_faces_empty_cells_or_walls() {
    for seed in 0..200 {
        with_gen(seed, 6, 2, 2, |g, mut rooms| {
            rooms
                .add_distractors(g, Some(0), Some(1), 6, true)
                .expect("space");
            rooms
                .add_door(g, 0, 1, None, None, None)
                .expect("a wall is free");
            let (x, y) = rooms.place_agent(g, Some(0), Some(1), true).expect("space");
            assert!((1..5).contains(&x) && (6..10).contains(&y));
            let (dx, dy) = DIR_TO_VEC[usize::from(g.agent_dir)];
            let front = (x as i64 + dx, y as i64 + dy);
            let ahead = g.grid.get_signed(front.0, front.1);
            assert!(ahead.is_none_or(|o| matches!(o, Obj::Wall(_))), "{ahead:?}");
        });
    }
}

#[test]
fn connect_all_joins_every_room_without_touching_locked_ones() {
    for seed in 0..100 {
        with_gen(seed, 4, 3, 3, |g, mut rooms| {
            rooms
                .add_door(g, 2, 1, Some(2), Some(Color::Red), Some(true))
                .expect("door");
            let added = rooms
                .connect_all(g, &Color::ALL, 5000)
                .expect("connectable");
            let start = g.agent_pos.expect("provisional start");
            assert!(rooms.reachable((1, 1)).iter().all(|&r| r));
            let cells = flood(&g.grid, start);
            for y in 0..10 {
                for x in 0..10 {
                    if g.grid.get(x, y).is_none() {
                        assert!(cells.contains(&(x, y)), "seed {seed}: ({x}, {y}) cut off");
                    }
                }
            }
            for pos in &added {
                assert!(matches!(
                    g.grid.get(pos.0, pos.1),
                    Some(Obj::Door(_, DoorState::Closed))
                ));
            }
            let locked_room = rooms.room(2, 1).expect("room");
            let doors = locked_room.links.iter().filter(|l| l.is_some()).count();
            assert_eq!(doors, 1, "seed {seed}: the locked room gets no other door");
        });
    }
}

#[test]
fn add_distractors_keeps_kinds_and_colours_unique() {
    with_gen(5, 6, 2, 2, |g, mut rooms| {
        rooms
            .add_object(g, 0, 0, Some(ObjKind::Key), Some(Color::Red))
            .expect("space");
        let added = rooms
            .add_distractors(g, None, None, 17, true)
            .expect("space");
        assert_eq!(added.len(), 17);
        let mut pairs: HashSet<(u8, Color)> = added
            .iter()
            .map(|(o, _)| (o.type_index(), o.color()))
            .collect();
        pairs.insert((Obj::Key(Color::Red).type_index(), Color::Red));
        assert_eq!(pairs.len(), 18, "every (kind, colour) exactly once");
        for (obj, pos) in &added {
            assert_eq!(g.grid.get(pos.0, pos.1), Some(obj));
        }
        assert!(
            rooms
                .add_distractors(g, None, None, 1, true)
                .is_err_and(|e| matches!(e, GenError::InvalidConfig(_))),
            "none left"
        );
        assert_eq!(
            rooms
                .add_distractors(g, Some(1), Some(1), 2, false)
                .map(|v| v.len()),
            Ok(2)
        );
    });
}

#[test]
fn same_seed_same_rooms() {
    let build = |seed| {
        with_gen(seed, 5, 3, 3, |g, mut rooms| {
            rooms
                .add_distractors(g, None, None, 4, true)
                .expect("space");
            rooms.place_agent(g, None, None, true).expect("space");
            rooms
                .connect_all(g, &Color::ALL, 5000)
                .expect("connectable");
            (g.grid.clone(), g.agent_pos, g.agent_dir, rooms)
        })
    };
    assert_eq!(build(11), build(11));
    assert_ne!(build(11).0, build(12).0);
}

/// Solves `env`'s current episode with [`solve`] and replays the actions through `step`:
/// every step but the last gives 0 and ends nothing; the last terminates (without
/// truncation) with `1 − 0.9·n/max_steps`. Returns the actions.
pub(crate) fn solve_and_replay<G: crate::minigrid::layout::Generator>(
    env: &mut crate::minigrid::engine::MiniGridEnv<G>,
    max_states: usize,
) -> Vec<Action> {
    use rewardlab_core::Env;
    let plan = solve(env.world(), max_states).expect("the layout is solvable");
    let max_steps = env.world().max_steps as f64;
    for (n, a) in plan.iter().enumerate() {
        let index = Action::ALL.iter().position(|b| b == a).expect("an action");
        let step = env.step(&index).expect("episode running");
        if n + 1 < plan.len() {
            assert_eq!(
                (step.reward, step.terminated),
                (0.0, false),
                "step {n}: {a:?}"
            );
        } else {
            let expect = 1.0 - 0.9 * (plan.len() as f64) / max_steps;
            assert!(
                (step.reward - expect).abs() < 1e-12,
                "{} vs {expect}",
                step.reward
            );
            assert!(step.terminated && !step.truncated);
        }
    }
    plan
}
