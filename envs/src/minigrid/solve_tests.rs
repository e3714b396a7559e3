//! Tests of the shortest-solution search and the layout loader: hand-counted solutions, and
//! the search against a plain breadth-first search over whole cloned worlds.

use std::collections::{HashSet, VecDeque};

use super::*;
use rewardlab_core::Env;

/// A walled `w × h` world with the agent at `(1, 1)` facing right.
fn room(w: usize, h: usize, task: Task) -> World {
    let mut grid = Grid::new(w, h);
    grid.wall_rect(0, 0, w, h);
    World {
        grid,
        agent_pos: (1, 1),
        agent_dir: 0,
        carrying: None,
        step_count: 0,
        max_steps: 100,
        task,
    }
}

/// The obvious search: whole worlds (step counter zeroed) as states.
fn naive(world: &World, n_actions: usize) -> Option<usize> {
    let mut start = world.clone();
    start.step_count = 0;
    let mut seen = HashSet::from([start.clone()]);
    let mut queue = VecDeque::from([(start, 0)]);
    while let Some((w, depth)) = queue.pop_front() {
        for &a in &Action::ALL[..n_actions] {
            let mut next = w.clone();
            let out = next.apply(a);
            next.step_count = 0;
            if out.terminated {
                if out.reward > 0.0 {
                    return Some(depth + 1);
                }
                continue;
            }
            if seen.insert(next.clone()) {
                queue.push_back((next, depth + 1));
            }
        }
    }
    None
}

#[test]
fn empty_room_takes_the_hand_counted_path() {
    let mut w = room(5, 5, Task::ReachGoal);
    w.grid.set(3, 3, Some(Obj::Goal));
    // forward, forward, right, forward, forward.
    assert_eq!(shortest_solution(&w, 7, 1000), Ok(Some(5)));
    w.agent_dir = 2;
    // Facing left: two turns first.
    assert_eq!(shortest_solution(&w, 7, 1000), Ok(Some(6)));
}

#[test]
fn a_key_in_a_box_behind_the_agent_is_fetched_and_used() {
    // 7x4 room: column 3 is a wall with a locked red door at (3, 1); the red key is in a box
    // at (1, 2); the goal at (5, 2).
    let mut w = room(7, 4, Task::ReachGoal);
    w.grid.vert_wall(3, 0, 4, &Obj::WALL);
    w.grid
        .set(3, 1, Some(Obj::Door(Color::Red, DoorState::Locked)));
    let key = Obj::Key(Color::Red);
    w.grid.set(
        1,
        2,
        Some(Obj::Box(Color::Blue, Some(std::boxed::Box::new(key)))),
    );
    w.grid.set(5, 2, Some(Obj::Goal));
    // right (face the box), toggle (the key appears), pickup, left, forward to (2, 1), toggle
    // (unlock), forward ×3 to (5, 1), right, forward onto the goal.
    let expected = 11;
    assert_eq!(shortest_solution(&w, 7, 10_000), Ok(Some(expected)));
    assert_eq!(naive(&w, 7), Some(expected));
    // Without toggle (3 actions) the door never opens.
    assert_eq!(shortest_solution(&w, 3, 10_000), Ok(None));
}

#[test]
fn walled_off_goals_and_lava_only_paths_are_unsolvable() {
    let mut w = room(6, 5, Task::ReachGoal);
    w.grid.vert_wall(3, 0, 5, &Obj::WALL);
    w.grid.set(4, 3, Some(Obj::Goal));
    assert_eq!(shortest_solution(&w, 7, 1000), Ok(None));
    w.grid.set(3, 2, Some(Obj::Lava));
    assert_eq!(
        shortest_solution(&w, 7, 1000),
        Ok(None),
        "lava ends, never wins"
    );
    w.grid.set(3, 2, None);
    assert!(matches!(shortest_solution(&w, 7, 1000), Ok(Some(_))));
}

#[test]
fn the_state_budget_and_the_action_count_are_enforced() {
    let mut w = room(8, 8, Task::ReachGoal);
    w.grid.set(6, 6, Some(Obj::Goal));
    assert_eq!(
        shortest_solution(&w, 7, 5),
        Err(SolveError::TooManyStates { limit: 5 })
    );
    assert_eq!(
        shortest_solution(&w, 0, 5),
        Err(SolveError::BadActionCount(0))
    );
    assert_eq!(
        shortest_solution(&w, 8, 5),
        Err(SolveError::BadActionCount(8))
    );
}

#[test]
fn task_rules_are_searched_exactly() {
    let ball = Obj::Ball(Color::Green);
    let cases = [
        Task::PickUp(ball.clone()),
        Task::Fetch(ball.clone()),
        Task::DoneNextTo((4, 3)),
        Task::PutNear {
            moving: ball.clone(),
            target: (1, 3),
        },
        Task::OpenDoor((5, 2)),
        Task::OpenInOrder {
            first: (5, 2),
            second: (3, 4),
        },
        Task::ChooseCell {
            success: (4, 1),
            failure: (2, 3),
        },
    ];
    for task in cases {
        let mut w = room(7, 5, task.clone());
        w.grid.set(4, 3, Some(ball.clone()));
        w.grid.set(2, 2, Some(Obj::Key(Color::Red)));
        w.grid
            .set(5, 2, Some(Obj::Door(Color::Blue, DoorState::Closed)));
        w.grid
            .set(3, 4, Some(Obj::Door(Color::Red, DoorState::Closed)));
        let fast = shortest_solution(&w, 7, 100_000).expect("small world");
        assert_eq!(fast, naive(&w, 7), "{task:?}");
        assert!(fast.is_some(), "{task:?} is solvable");
    }
}

/// The pruned A* search, the plain breadth-first search and (when `whole`) the whole-world
/// search agree on `w`, and the bound at the start is at most the length; returns the length.
fn agree(w: &World, n_actions: usize, whole: bool, what: &str) -> Option<usize> {
    let fast = shortest_solution(w, n_actions, 4_000_000).expect("within budget");
    let plain = search(w, n_actions, 4_000_000, false).expect("within budget");
    assert_eq!(fast, plain, "{what}: pruned vs plain");
    if whole {
        assert_eq!(fast, naive(w, n_actions), "{what}: pruned vs whole worlds");
    }
    let width = w.grid.width();
    let base: Vec<Code> = (0..width * w.grid.height())
        .map(|i| pack(w.grid.get(i % width, i / width)).expect("packable"))
        .collect();
    let rules = Rules::new(w, &base).expect("searchable");
    let agent = w.agent_pos.1 * width + w.agent_pos.0;
    let carried = pack(w.carrying.as_ref()).expect("packable");
    let h = rules.bound(agent, w.agent_dir, carried, &[]);
    if let Some(len) = fast {
        assert!(h <= len, "{what}: bound {h} above the length {len}");
    }
    fast
}

#[test]
fn pruned_search_matches_the_plain_search_on_every_task_family() {
    // (id, seeds): every Task variant, with doors, keys, boxes and blocking balls.
    let cases = [
        ("MiniGrid-ObstructedMaze-1Dl-v0", 6),
        ("MiniGrid-ObstructedMaze-1Dlh-v0", 6),
        ("MiniGrid-ObstructedMaze-1Dlhb-v0", 6),
        ("MiniGrid-DoorKey-5x5-v0", 6),
        ("MiniGrid-KeyCorridorS3R1-v0", 6),
        ("MiniGrid-Unlock-v0", 4),
        ("MiniGrid-UnlockPickup-v0", 4),
        ("MiniGrid-BlockedUnlockPickup-v0", 4),
        ("MiniGrid-MultiRoom-N2-S4-v0", 6),
        ("MiniGrid-Fetch-5x5-N2-v0", 6),
        ("MiniGrid-PutNear-6x6-N2-v0", 6),
        ("MiniGrid-GoToDoor-5x5-v0", 6),
        ("MiniGrid-GoToObject-6x6-N2-v0", 6),
        ("MiniGrid-RedBlueDoors-6x6-v0", 6),
        ("MiniGrid-MemoryS7-v0", 6),
        ("MiniGrid-LavaGapS5-v0", 6),
        ("MiniGrid-FourRooms-v0", 3),
    ];
    for (id, seeds) in cases {
        let mut env = crate::minigrid::make(id, &[]).expect("registered");
        let n_actions = env.engine_config().n_actions;
        for seed in 0..seeds {
            env.reset(Some(seed));
            agree(env.world(), n_actions, false, &format!("{id} seed {seed}"));
        }
    }
}

#[test]
fn pruned_search_matches_the_plain_search_on_small_locked_rooms() {
    // The smallest LockedRoom: one key, six closed doors, `drop` skipped.
    let mut env = crate::minigrid::envs::locked_room::LockedRoom { size: 13 }
        .env()
        .expect("valid size");
    for seed in 0..4 {
        env.reset(Some(seed));
        let w = env.world();
        let base: Vec<Code> = (0..13 * 13)
            .map(|i| pack(w.grid.get(i % 13, i / 13)).expect("packable"))
            .collect();
        let rules = Rules::new(w, &base).expect("searchable");
        assert!(rules.skips(Action::Drop) && rules.skips(Action::Done));
        let len = agree(w, 7, false, &format!("LockedRoom 13 seed {seed}"));
        assert!(len.is_some(), "LockedRoom is always solvable");
    }
}

#[test]
fn skips_follow_the_task() {
    let key = Obj::Key(Color::Red);
    let rules_of = |task: Task, objs: &[Obj]| {
        let mut w = room(7, 5, task);
        for (k, o) in objs.iter().enumerate() {
            w.grid.set(2 + k, 3, Some(o.clone()));
        }
        let base: Vec<Code> = (0..35)
            .map(|i| pack(w.grid.get(i % 7, i / 7)).expect("packable"))
            .collect();
        Rules::new(&w, &base).expect("searchable")
    };
    let open = pack(Some(&Obj::Door(Color::Red, DoorState::Open))).expect("door");
    let closed = pack(Some(&Obj::Door(Color::Red, DoorState::Closed))).expect("door");
    let one_key = rules_of(Task::ReachGoal, std::slice::from_ref(&key));
    assert!(one_key.skips(Action::Drop) && one_key.skips(Action::Done));
    assert!(one_key.skips_change(8, open, closed));
    assert!(!one_key.skips_change(8, closed, open), "opening is kept");
    let two = rules_of(Task::ReachGoal, &[key.clone(), Obj::Ball(Color::Red)]);
    assert!(
        !two.skips(Action::Drop),
        "two objects: a drop can free the hands"
    );
    let boxed = rules_of(Task::ReachGoal, &[Obj::Box(Color::Red, None)]);
    assert!(!boxed.skips(Action::Drop), "a box can hold a second object");
    let pick = rules_of(Task::PickUp(key.clone()), std::slice::from_ref(&key));
    assert!(!pick.skips(Action::Drop) && pick.skips(Action::Done));
    let unlock = rules_of(Task::OpenDoor((3, 1)), &[]);
    assert!(!unlock.skips_change(3 + 7, open, closed), "the task's door");
    assert!(unlock.skips_change(4 + 7, open, closed));
    let near = rules_of(Task::DoneNextTo((3, 1)), &[]);
    assert!(!near.skips(Action::Done) && !near.skips_change(8, open, closed));
    for task in [
        Task::Fetch(key.clone()),
        Task::ChooseCell {
            success: (1, 2),
            failure: (1, 3),
        },
        Task::OpenInOrder {
            first: (1, 2),
            second: (1, 3),
        },
    ] {
        assert!(!rules_of(task.clone(), &[]).skips(Action::Done), "{task:?}");
    }
}

#[test]
fn doors_the_task_reads_may_be_closed() {
    // Unlock with its door already open: close it, open it again (success on the reopening).
    let mut w = room(7, 5, Task::OpenDoor((2, 1)));
    w.grid
        .set(2, 1, Some(Obj::Door(Color::Blue, DoorState::Open)));
    assert_eq!(agree(&w, 7, true, "open Unlock door"), Some(2));
    // RedBlueDoors with the red door open: closing it is kept but never pays; right (face
    // blue), toggle (blue opens after red: success).
    let mut w = room(
        7,
        5,
        Task::OpenInOrder {
            first: (2, 1),
            second: (1, 2),
        },
    );
    w.grid
        .set(2, 1, Some(Obj::Door(Color::Red, DoorState::Open)));
    w.grid
        .set(1, 2, Some(Obj::Door(Color::Blue, DoorState::Closed)));
    assert_eq!(agree(&w, 7, true, "open red door"), Some(2));
    // With both open, any step wins (MiniGrid judges the doors after each step); with only
    // blue open, any step fails.
    w.grid
        .set(1, 2, Some(Obj::Door(Color::Blue, DoorState::Open)));
    assert_eq!(agree(&w, 7, true, "both doors open"), Some(1));
    w.grid
        .set(2, 1, Some(Obj::Door(Color::Red, DoorState::Closed)));
    assert_eq!(agree(&w, 7, true, "blue door open"), None);
}

#[test]
fn a_target_in_a_carried_box_is_searched_exactly() {
    // The target key is in a box; the bound falls to 0 while the box is carried.
    let mut w = room(7, 5, Task::PickUp(Obj::Key(Color::Red)));
    let key = std::boxed::Box::new(Obj::Key(Color::Red));
    w.grid.set(3, 1, Some(Obj::Box(Color::Green, Some(key))));
    w.grid.set(2, 2, Some(Obj::Ball(Color::Blue)));
    w.grid.set(5, 3, Some(Obj::Goal));
    // forward to (2, 1), toggle (the key shows), pickup.
    assert_eq!(agree(&w, 7, true, "key in a box"), Some(3));
    w.grid.set(3, 1, None);
    w.grid.set(
        1,
        3,
        Some(Obj::Box(
            Color::Green,
            Some(std::boxed::Box::new(Obj::Key(Color::Red))),
        )),
    );
    w.carrying = Some(Obj::Ball(Color::Grey));
    agree(&w, 7, true, "key in a box, hands full");
}

#[test]
fn the_bound_counts_moves_and_turns() {
    // Facing right at (1, 1): the cell (4, 1) straight ahead is 3 moves away, (4, 3) takes a
    // turn more, (1, 4) one turn (down), (0, 1) behind two turns.
    assert_eq!(rules::reach((1, 1), 0, (4, 1)), 3);
    assert_eq!(rules::reach((1, 1), 0, (4, 3)), 6);
    assert_eq!(rules::reach((1, 1), 0, (1, 4)), 4);
    assert_eq!(rules::reach((1, 1), 0, (0, 1)), 3);
    // Facing left, a cell down and to the right needs two turns.
    assert_eq!(rules::reach((1, 1), 2, (2, 2)), 4);
    assert_eq!(rules::turns(3, [false; 4]), 0);
    // The bound is the search's length in an open room.
    let mut w = room(6, 6, Task::ReachGoal);
    w.grid.set(4, 4, Some(Obj::Goal));
    for dir in 0..4 {
        w.agent_dir = dir;
        let len = agree(&w, 3, true, "open room").expect("solvable");
        assert_eq!(len, rules::reach((1, 1), dir, (4, 4)), "dir {dir}");
    }
}

#[test]
fn registered_layouts_agree_with_the_whole_world_search() {
    for id in ["MiniGrid-DoorKey-5x5-v0", "MiniGrid-DoorKey-6x6-v0"] {
        let mut env = crate::minigrid::make(id, &[]).expect("registered");
        for seed in 0..12 {
            env.reset(Some(seed));
            let w = env.world();
            let fast = shortest_solution(w, 7, 1_000_000).expect("within budget");
            assert_eq!(fast, naive(w, 7), "{id} seed {seed}");
            assert!(
                fast.is_some(),
                "{id} seed {seed}: DoorKey is always solvable"
            );
        }
    }
}

fn dump_of(grid: &str, w: usize, h: usize, task: TaskDump) -> LayoutDump {
    LayoutDump {
        id: "test".to_string(),
        seed: 0,
        width: w,
        height: h,
        grid: grid.to_string(),
        boxes: Vec::new(),
        agent_pos: [1, 1],
        agent_dir: 0,
        max_steps: 50,
        n_actions: 7,
        task,
    }
}

#[test]
fn dumps_load_as_the_layout_they_encode() {
    // 3x3: walls around one free cell... as [x][y][c]: x = 0 column first.
    let wall = "250";
    let empty = "100";
    let door = "441"; // yellow closed door
    let boxed = "730"; // purple box
    let grid = [
        wall, wall, wall, wall, empty, boxed, wall, door, wall, //
    ]
    .concat();
    let mut dump = dump_of(&grid, 3, 3, TaskDump::OpenDoor { pos: [2, 1] });
    dump.boxes.push(BoxDump {
        pos: [1, 2],
        contents: Some([5, 0, 0]),
    });
    let w = dump.to_world().expect("valid dump");
    assert_eq!(w.grid.get(0, 0), Some(&Obj::WALL));
    assert_eq!(w.grid.get(1, 1), None);
    assert_eq!(
        w.grid.get(2, 1),
        Some(&Obj::Door(Color::Yellow, DoorState::Closed))
    );
    assert_eq!(
        w.grid.get(1, 2),
        Some(&Obj::Box(
            Color::Purple,
            Some(std::boxed::Box::new(Obj::Key(Color::Red)))
        ))
    );
    assert_eq!(w.task, Task::OpenDoor((2, 1)));
    // Facing the door: one toggle opens it.
    assert_eq!(dump.shortest_solution(1000), Ok(Some(1)));

    let mut bad = dump.clone();
    bad.grid.pop();
    assert!(matches!(bad.to_world(), Err(SolveError::BadDump(_))));
    bad.grid = grid.replace("441", "4!1");
    assert!(matches!(bad.to_world(), Err(SolveError::BadDump(_))));
    bad.grid = grid.replace("441", "443");
    assert!(matches!(bad.to_world(), Err(SolveError::BadDump(_))));
    let mut no_box = dump.clone();
    no_box.boxes[0].pos = [1, 1];
    assert!(matches!(no_box.to_world(), Err(SolveError::BadDump(_))));
    assert_eq!(decode_digits("09az"), Ok(vec![0, 9, 10, 35]));
}

#[test]
fn dumps_round_trip_through_json() {
    let dump = dump_of(
        "250",
        1,
        1,
        TaskDump::PutNear {
            moving: [6, 1, 0],
            target: [0, 0],
        },
    );
    let text = serde_json::to_string(&dump).expect("serialises");
    assert!(text.contains(r#""kind":"put_near""#), "{text}");
    let back: LayoutDump = serde_json::from_str(&text).expect("parses");
    assert_eq!(back, dump);
}

#[test]
fn length_stats_are_the_hand_computed_ones() {
    let s = LengthStats::of(&[Some(2), None, Some(4), Some(6)]);
    assert_eq!((s.n, s.unsolved), (3, 1));
    assert!((s.mean - 4.0).abs() < 1e-12);
    assert!((s.sd - 2.0).abs() < 1e-12, "sample sd of 2, 4, 6");
    assert!((s.se() - 2.0 / 3f64.sqrt()).abs() < 1e-12);
    let t = LengthStats::of(&[Some(5), Some(5), Some(5), Some(5)]);
    let (gap, bound) = s.mean_gap(&t);
    assert!((gap - 1.0).abs() < 1e-12);
    assert!((bound - 3.0 * 2.0 / 3f64.sqrt()).abs() < 1e-12);
}

#[test]
fn packed_cells_round_trip() {
    let mut objs = vec![None, Some(Obj::Goal), Some(Obj::Lava)];
    for c in Color::ALL {
        objs.push(Some(Obj::Wall(c)));
        objs.push(Some(Obj::Floor(c)));
        objs.push(Some(Obj::Key(c)));
        objs.push(Some(Obj::Ball(c)));
        objs.push(Some(Obj::Box(c, None)));
        objs.push(Some(Obj::Box(
            c,
            Some(std::boxed::Box::new(Obj::Key(Color::Grey))),
        )));
        for s in [DoorState::Open, DoorState::Closed, DoorState::Locked] {
            objs.push(Some(Obj::Door(c, s)));
        }
    }
    let mut codes = HashSet::new();
    for o in &objs {
        let code = pack(o.as_ref()).expect("packable");
        assert_eq!(unpack(code), *o);
        assert!(codes.insert(code), "{o:?}: codes are distinct");
    }
    let nested = Obj::Box(
        Color::Red,
        Some(std::boxed::Box::new(Obj::Box(Color::Red, None))),
    );
    assert!(matches!(
        pack(Some(&nested)),
        Err(SolveError::Unsupported(_))
    ));
}
