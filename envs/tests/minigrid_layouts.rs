//! FourRooms and DoorKey layouts: seeded determinism, MiniGrid's structural rules over many
//! seeds (walls, gaps, door, key, goal and agent placement, including the ends of every
//! uniform range), reachability of the goal, default `max_steps` truncation, and a scripted
//! DoorKey solve (fetch the key, unlock the door, reach the goal) that checks the success
//! reward.

use std::collections::{BTreeSet, HashSet, VecDeque};

use rewardlab_core::{Env, Value};
use rewardlab_envs::make;
use rewardlab_envs::minigrid::{
    Action, Color, DoorKey, DoorKeyEnv, DoorState, FourRooms, FourRoomsEnv, Generator, Grid,
    MiniGridEnv, Obj, Pos,
};

const SEEDS: u64 = 400;

/// Everything a layout consists of: the grid, the agent's start and direction, the mission.
fn layout<G: Generator>(env: &MiniGridEnv<G>) -> (Grid, Pos, u8, String) {
    (
        env.grid().clone(),
        env.agent_pos(),
        env.agent_dir(),
        env.mission().to_string(),
    )
}

fn cells(grid: &Grid) -> impl Iterator<Item = (Pos, Option<&Obj>)> {
    (0..grid.height()).flat_map(move |y| (0..grid.width()).map(move |x| ((x, y), grid.get(x, y))))
}

fn positions_of(grid: &Grid, pred: impl Fn(&Obj) -> bool) -> Vec<Pos> {
    cells(grid)
        .filter(|(_, o)| o.is_some_and(&pred))
        .map(|(p, _)| p)
        .collect()
}

fn is_wall(grid: &Grid, x: usize, y: usize) -> bool {
    matches!(grid.get(x, y), Some(Obj::Wall(_)))
}

fn border_is_wall(grid: &Grid) -> bool {
    let (w, h) = (grid.width(), grid.height());
    (0..w).all(|x| is_wall(grid, x, 0) && is_wall(grid, x, h - 1))
        && (0..h).all(|y| is_wall(grid, 0, y) && is_wall(grid, w - 1, y))
}

/// The cells reachable from `start` by moving between 4-neighbours that are empty or hold an
/// object the agent can stand on, doors of any state and objects it can pick up (and so clear
/// away) counting as passable.
fn reachable(grid: &Grid, start: Pos) -> HashSet<Pos> {
    let passable = |p: Pos| match grid.get(p.0, p.1) {
        None => true,
        Some(Obj::Door(..)) => true,
        Some(o) => o.can_overlap() || o.can_pickup(),
    };
    let mut seen = HashSet::from([start]);
    let mut queue = VecDeque::from([start]);
    while let Some((x, y)) = queue.pop_front() {
        let next = [
            (x + 1, y),
            (x, y + 1),
            (x.wrapping_sub(1), y),
            (x, y.wrapping_sub(1)),
        ];
        for p in next {
            if p.0 < grid.width() && p.1 < grid.height() && passable(p) && seen.insert(p) {
                queue.push_back(p);
            }
        }
    }
    seen
}

#[test]
fn same_seed_same_layout_and_different_seeds_differ() {
    let mut a = DoorKey::env(8).expect("DoorKey-8x8 builds");
    let mut b = DoorKey::env(8).expect("DoorKey-8x8 builds");
    let mut c: FourRoomsEnv = FourRooms::default().env().expect("FourRooms builds");
    let mut d = FourRooms::default().env().expect("FourRooms builds");
    let (mut door_keys, mut four_rooms) = (HashSet::new(), HashSet::new());
    for seed in 0..20 {
        let (oa, _) = a.reset(Some(seed));
        let (ob, _) = b.reset(Some(seed));
        assert_eq!(oa, ob, "DoorKey seed {seed}: observation");
        assert_eq!(layout(&a), layout(&b), "DoorKey seed {seed}: layout");
        let (oc, _) = c.reset(Some(seed));
        let (od, _) = d.reset(Some(seed));
        assert_eq!(oc, od, "FourRooms seed {seed}: observation");
        assert_eq!(layout(&c), layout(&d), "FourRooms seed {seed}: layout");
        door_keys.insert(layout(&a));
        four_rooms.insert(layout(&c));
    }
    // DoorKey-8x8 has thousands of layouts and FourRooms millions: 20 seeds collide rarely.
    assert!(door_keys.len() >= 15, "{} DoorKey layouts", door_keys.len());
    assert!(
        four_rooms.len() >= 19,
        "{} FourRooms layouts",
        four_rooms.len()
    );
    // Reseeding replays the first layout after others were drawn.
    a.reset(Some(3));
    let first = layout(&a);
    a.reset(None);
    a.reset(Some(3));
    assert_eq!(layout(&a), first);
}

/// Checks one DoorKey layout against MiniGrid's rules; returns (split column, door row).
fn check_door_key(env: &DoorKeyEnv, size: usize, seed: u64) -> (usize, usize) {
    let grid = env.grid();
    let at = format!("DoorKey-{size} seed {seed}");
    assert_eq!((grid.width(), grid.height()), (size, size), "{at}");
    assert!(border_is_wall(grid), "{at}: border");
    assert_eq!(
        env.mission(),
        "use the key to open the door and then get to the goal"
    );
    let doors = positions_of(grid, |o| matches!(o, Obj::Door(..)));
    assert_eq!(doors.len(), 1, "{at}: one door");
    let (split, door_row) = doors[0];
    assert_eq!(
        grid.get(split, door_row),
        Some(&Obj::Door(Color::Yellow, DoorState::Locked)),
        "{at}: the door is yellow and locked"
    );
    assert!((2..size - 2).contains(&split), "{at}: split column {split}");
    assert!(
        (1..size - 2).contains(&door_row),
        "{at}: door row {door_row}"
    );
    for y in (0..size).filter(|&y| y != door_row) {
        assert!(is_wall(grid, split, y), "{at}: splitting wall at y = {y}");
    }
    let inner_walls = positions_of(grid, |o| matches!(o, Obj::Wall(_)))
        .into_iter()
        .filter(|&(x, y)| x != split && x > 0 && y > 0 && x < size - 1 && y < size - 1)
        .count();
    assert_eq!(inner_walls, 0, "{at}: no other walls");
    assert_eq!(
        positions_of(grid, |o| *o == Obj::Goal),
        vec![(size - 2, size - 2)],
        "{at}: goal bottom-right"
    );
    let keys = positions_of(grid, |o| matches!(o, Obj::Key(_)));
    assert_eq!(keys.len(), 1, "{at}: one key");
    let key = keys[0];
    assert_eq!(grid.get(key.0, key.1), Some(&Obj::Key(Color::Yellow)));
    let agent = env.agent_pos();
    assert!(key.0 < split && agent.0 < split, "{at}: key and agent left");
    assert_ne!(key, agent, "{at}: the key is not under the agent");
    assert_eq!(
        grid.get(agent.0, agent.1),
        None,
        "{at}: agent on an empty cell"
    );
    assert!(env.agent_dir() < 4);
    assert_eq!(env.carrying(), None);
    let reach = reachable(grid, agent);
    assert!(reach.contains(&key), "{at}: key reachable");
    assert!(
        reach.contains(&(size - 2, size - 2)),
        "{at}: goal reachable"
    );
    (split, door_row)
}

#[test]
fn door_key_layouts_follow_minigrid_rules() {
    for size in [5, 6, 8, 16] {
        let mut env = DoorKey::env(size).expect("DoorKey builds");
        assert_eq!(env.config().max_steps, 10 * size * size);
        assert!(!env.config().see_through_walls);
        let (mut splits, mut rows, mut dirs) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        for seed in 0..SEEDS {
            env.reset(Some(seed));
            let (split, row) = check_door_key(&env, size, seed);
            splits.insert(split);
            rows.insert(row);
            dirs.insert(env.agent_dir());
        }
        // Every value of MiniGrid's uniform ranges shows up, and none outside them.
        assert_eq!(
            splits,
            (2..size - 2).collect(),
            "DoorKey-{size} split columns"
        );
        assert_eq!(rows, (1..size - 2).collect(), "DoorKey-{size} door rows");
        assert_eq!(dirs, (0..4).collect(), "DoorKey-{size} directions");
    }
}

#[test]
fn four_rooms_layouts_follow_minigrid_rules() {
    let mut env = FourRooms::default().env().expect("FourRooms builds");
    assert_eq!(env.config().max_steps, 100);
    let mut gaps_seen: [BTreeSet<usize>; 4] = Default::default();
    for seed in 0..SEEDS {
        env.reset(Some(seed));
        let grid = env.grid();
        let at = format!("FourRooms seed {seed}");
        assert_eq!((grid.width(), grid.height()), (19, 19));
        assert!(border_is_wall(grid), "{at}: border");
        assert_eq!(env.mission(), "reach the goal");
        for (p, obj) in cells(grid) {
            let on_cross = p.0 == 9 || p.1 == 9;
            let border = p.0 == 0 || p.1 == 0 || p.0 == 18 || p.1 == 18;
            if !on_cross && !border {
                assert!(!matches!(obj, Some(Obj::Wall(_))), "{at}: wall at {p:?}");
            }
        }
        assert!(is_wall(grid, 9, 9), "{at}: the cross's centre");
        // The four arms of the cross: (column or row, span), each with exactly one gap.
        let arms = [
            (1..9).map(|y| (9, y)).collect::<Vec<_>>(),
            (10..18).map(|y| (9, y)).collect(),
            (1..9).map(|x| (x, 9)).collect(),
            (10..18).map(|x| (x, 9)).collect(),
        ];
        for (arm, seen) in arms.iter().zip(gaps_seen.iter_mut()) {
            let gaps: Vec<Pos> = arm
                .iter()
                .copied()
                .filter(|&(x, y)| !is_wall(grid, x, y))
                .collect();
            assert_eq!(gaps.len(), 1, "{at}: one gap in {arm:?}");
            seen.insert(gaps[0].0 + gaps[0].1 - 9);
        }
        let goals = positions_of(grid, |o| *o == Obj::Goal);
        assert_eq!(goals.len(), 1, "{at}: one goal");
        let agent = env.agent_pos();
        assert_ne!(agent, goals[0]);
        assert_eq!(
            grid.get(agent.0, agent.1),
            None,
            "{at}: agent on a free cell"
        );
        let reach = reachable(grid, agent);
        assert!(reach.contains(&goals[0]), "{at}: goal reachable");
        // One connected floor: every free cell is reachable.
        assert_eq!(
            reach.len(),
            cells(grid)
                .filter(|(_, o)| o.is_none_or(|o| o.can_overlap()))
                .count(),
            "{at}: connected"
        );
    }
    // Each gap ranges over all 8 cells strictly inside its room's side.
    let expected: [BTreeSet<usize>; 4] = [
        (1..9).collect(),
        (10..18).collect(),
        (1..9).collect(),
        (10..18).collect(),
    ];
    assert_eq!(gaps_seen, expected);
}

#[test]
fn four_rooms_fixed_start_and_goal() {
    let rule = FourRooms {
        agent_pos: Some((3, 4)),
        goal_pos: Some((15, 14)),
    };
    let mut env = rule.env().expect("fixed FourRooms builds");
    let mut dirs = BTreeSet::new();
    for seed in 0..40 {
        env.reset(Some(seed));
        assert_eq!(env.agent_pos(), (3, 4));
        assert_eq!(env.grid().get(15, 14), Some(&Obj::Goal));
        assert_eq!(positions_of(env.grid(), |o| *o == Obj::Goal).len(), 1);
        dirs.insert(env.agent_dir());
    }
    assert_eq!(dirs.len(), 4, "the start direction stays uniform");
    let outside = FourRooms {
        agent_pos: Some((0, 4)),
        goal_pos: None,
    };
    assert!(outside.env().is_err(), "a start on the border is refused");
}

#[test]
fn registered_ids_truncate_at_minigrid_max_steps() {
    for (id, max_steps) in [
        ("MiniGrid-FourRooms-v0", 100),
        ("MiniGrid-DoorKey-5x5-v0", 250),
        ("MiniGrid-DoorKey-6x6-v0", 360),
        ("MiniGrid-DoorKey-8x8-v0", 640),
        ("MiniGrid-DoorKey-16x16-v0", 2560),
    ] {
        let mut env = make(id, &[]).expect("registered");
        env.reset(Some(0));
        let done = Value::Int(Action::Done as i64);
        for t in 1..=max_steps {
            let step = env.step(&done).expect("running");
            assert!(!step.terminated, "{id} step {t}");
            assert_eq!(step.truncated, t == max_steps, "{id} step {t}");
            assert_eq!(step.reward, 0.0);
        }
    }
    let mut short = make(
        "MiniGrid-DoorKey-5x5-v0",
        &[("max_steps".to_string(), "3".to_string())],
    )
    .expect("max_steps kwarg");
    short.reset(Some(0));
    let done = Value::Int(Action::Done as i64);
    let flags: Vec<bool> = (0..3)
        .map(|_| short.step(&done).expect("running").truncated)
        .collect();
    assert_eq!(flags, [false, false, true]);
    assert!(
        make(
            "MiniGrid-FourRooms-v0",
            &[("agent_view_size".into(), "4".into())]
        )
        .is_err()
    );
}

/// The shortest turn/forward sequence after which the agent faces `target`, moving only
/// through empty cells and open doors.
fn path_to_face(grid: &Grid, start: Pos, dir: u8, target: Pos) -> Vec<Action> {
    let dirs: [(isize, isize); 4] = [(1, 0), (0, 1), (-1, 0), (0, -1)];
    let front = |(x, y): Pos, d: u8| {
        let (dx, dy) = dirs[usize::from(d)];
        (x.wrapping_add_signed(dx), y.wrapping_add_signed(dy))
    };
    let open = |p: Pos| match grid.get(p.0, p.1) {
        None => p.0 < grid.width() && p.1 < grid.height(),
        Some(o) => matches!(o, Obj::Door(_, DoorState::Open)),
    };
    let mut prev = std::collections::HashMap::new();
    let mut queue = VecDeque::from([(start, dir)]);
    prev.insert((start, dir), None);
    while let Some(state @ (pos, d)) = queue.pop_front() {
        if front(pos, d) == target {
            let mut actions = Vec::new();
            let mut cur = state;
            while let Some(Some((before, action))) = prev.get(&cur).copied() {
                actions.push(action);
                cur = before;
            }
            actions.reverse();
            return actions;
        }
        let moves = [
            (Action::Left, (pos, (d + 3) % 4)),
            (Action::Right, (pos, (d + 1) % 4)),
            (Action::Forward, (front(pos, d), d)),
        ];
        for (action, next) in moves {
            if (action != Action::Forward || open(next.0)) && !prev.contains_key(&next) {
                prev.insert(next, Some((state, action)));
                queue.push_back(next);
            }
        }
    }
    panic!("{target:?} cannot be faced from {start:?}");
}

/// Steps `actions`, none of which may end the episode; returns how many were taken.
fn drive(env: &mut DoorKeyEnv, actions: &[Action]) -> usize {
    for &a in actions {
        let step = env.step(&(a as usize)).expect("running");
        assert!(!step.terminated && !step.truncated && step.reward == 0.0);
    }
    actions.len()
}

/// Turns and walks until the agent faces `target`; returns the steps taken.
fn go_face(env: &mut DoorKeyEnv, target: Pos) -> usize {
    let path = path_to_face(env.grid(), env.agent_pos(), env.agent_dir(), target);
    drive(env, &path)
}

#[test]
fn scripted_door_key_solve_earns_the_success_reward() {
    for (size, seed) in [(5, 7), (6, 1), (8, 42), (16, 3)] {
        let mut env = DoorKey::env(size).expect("DoorKey builds");
        env.reset(Some(seed));
        let (split, door_row) = check_door_key(&env, size, seed);
        let key = positions_of(env.grid(), |o| matches!(o, Obj::Key(_)))[0];
        let door = (split, door_row);
        let goal = (size - 2, size - 2);

        let mut steps = go_face(&mut env, door);
        steps += drive(&mut env, &[Action::Toggle]);
        assert_eq!(
            env.grid().get(door.0, door.1),
            Some(&Obj::Door(Color::Yellow, DoorState::Locked)),
            "without the key the door stays locked"
        );
        steps += go_face(&mut env, key);
        steps += drive(&mut env, &[Action::Pickup]);
        assert_eq!(env.carrying(), Some(&Obj::Key(Color::Yellow)));
        assert_eq!(env.grid().get(key.0, key.1), None, "the key left the grid");
        steps += go_face(&mut env, door);
        steps += drive(&mut env, &[Action::Toggle]);
        assert_eq!(
            env.grid().get(door.0, door.1),
            Some(&Obj::Door(Color::Yellow, DoorState::Open))
        );
        steps += go_face(&mut env, goal);
        let last = env.step(&(Action::Forward as usize)).expect("running");
        steps += 1;
        let max_steps = 10 * size * size;
        assert!(last.terminated && !last.truncated, "size {size}: reached");
        assert_eq!(env.agent_pos(), goal);
        assert_eq!(env.step_count(), steps);
        let expected = 1.0 - 0.9 * (steps as f64 / max_steps as f64);
        assert_eq!(last.reward, expected, "size {size} after {steps} steps");
        assert!(last.reward > 0.1 && last.reward < 1.0);
    }
}

#[test]
fn door_key_5x5_hand_counted_reward() {
    // On a 5x5 grid the split is always column 2 and the goal (3, 3): a layout with the door
    // in row 2, the agent at (1, 1) and the key at (1, 3) is solved in 8 steps once the agent
    // faces down, counted by hand, so the reward is checked against a literal.
    let mut env = DoorKey::env(5).expect("DoorKey-5x5 builds");
    let seed = (0..SEEDS)
        .find(|&s| {
            env.reset(Some(s));
            env.grid()
                .get(2, 2)
                .is_some_and(|o| matches!(o, Obj::Door(..)))
                && env.grid().get(1, 3) == Some(&Obj::Key(Color::Yellow))
                && env.agent_pos() == (1, 1)
        })
        .expect("some seed gives this layout");
    env.reset(Some(seed));
    let turn_down = match env.agent_dir() {
        0 => vec![Action::Right],
        1 => vec![],
        2 => vec![Action::Left],
        _ => vec![Action::Left, Action::Left],
    };
    let n_turn = turn_down.len();
    drive(&mut env, &turn_down);
    // Down to (1, 2), pick up the key at (1, 3), face right, unlock, walk (2, 2) → (3, 2),
    // face down, step onto the goal at (3, 3).
    use Action::*;
    drive(
        &mut env,
        &[Forward, Pickup, Left, Toggle, Forward, Forward, Right],
    );
    let last = env.step(&(Forward as usize)).expect("running");
    let steps = n_turn + 8;
    assert!(last.terminated);
    // 1 − 0.9·n/250 for n = 8, 9, 10 steps.
    let expected = [0.9712, 0.9676, 0.964][n_turn];
    assert!(
        (last.reward - expected).abs() < 1e-12,
        "{} after {steps} steps",
        last.reward
    );
}
