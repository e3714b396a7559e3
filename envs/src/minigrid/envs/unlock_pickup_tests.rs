//! UnlockPickup: layout invariants over seeds, the win rule, determinism.

use rewardlab_core::Env;

use super::*;
use crate::minigrid::object::{BOX_IDX, DOOR_IDX, DoorState, KEY_IDX, Obj};
use crate::minigrid::room_grid::tests::solve_and_replay;
use crate::minigrid::world::Action;

/// The cells holding objects other than walls, with their objects.
pub(crate) fn objects(grid: &crate::minigrid::Grid) -> Vec<((usize, usize), Obj)> {
    (0..grid.height())
        .flat_map(|y| (0..grid.width()).map(move |x| (x, y)))
        .filter_map(|(x, y)| match grid.get(x, y) {
            Some(Obj::Wall(_)) | None => None,
            Some(o) => Some(((x, y), o.clone())),
        })
        .collect()
}

/// The first of `objs` whose type is `type_idx` (an `object::*_IDX`), with its cell.
pub(crate) fn the(objs: &[((usize, usize), Obj)], type_idx: u8) -> &((usize, usize), Obj) {
    objs.iter()
        .find(|(_, o)| o.type_index() == type_idx)
        .unwrap_or_else(|| panic!("no object of type {type_idx} in {objs:?}"))
}

#[test]
fn layouts_follow_minigrid() {
    let mut env = UnlockPickup::env().expect("env");
    let mut colours = std::collections::HashSet::new();
    for seed in 0..200 {
        env.reset(Some(seed));
        let w = env.world();
        assert_eq!((w.grid.width(), w.grid.height(), w.max_steps), (11, 6, 288));
        let objs = objects(&w.grid);
        assert_eq!(objs.len(), 3, "{objs:?}");
        let [door, key, target] = [DOOR_IDX, KEY_IDX, BOX_IDX].map(|t| the(&objs, t));
        assert_eq!(door.0.0, 5);
        assert_eq!(door.1, Obj::Door(key.1.color(), DoorState::Locked));
        assert!(key.0.0 < 5 && w.agent_pos.0 < 5);
        // The box is in the right room, off the provisional start (8, 3) and its neighbours.
        let (bx, by) = target.0;
        assert!((6..10).contains(&bx) && (1..5).contains(&by));
        assert!(
            bx.abs_diff(8) + by.abs_diff(3) >= 2,
            "box at {:?}",
            target.0
        );
        assert_eq!(target.1, Obj::Box(target.1.color(), None));
        assert_eq!(w.task, Task::PickUp(target.1.clone()));
        assert_eq!(
            env.mission(),
            format!("pick up the {} box", target.1.color().name())
        );
        colours.insert(target.1.color());
    }
    assert_eq!(colours.len(), 6);
}

#[test]
fn picking_up_the_key_is_not_a_win_but_the_box_is() {
    let mut env = UnlockPickup::env().expect("env");
    for seed in [0, 5] {
        env.reset(Some(seed));
        let plan = solve_and_replay(&mut env, 300_000);
        // The key must be picked up, dropped, then the box picked up.
        assert_eq!(plan.iter().filter(|&&a| a == Action::Pickup).count(), 2);
        assert!(plan.contains(&Action::Drop));
        assert!(matches!(env.world().carrying, Some(Obj::Box(..))));
    }
}

#[test]
fn same_seed_same_layout() {
    let mut env = UnlockPickup::env().expect("env");
    env.reset(Some(9));
    let first = env.world().clone();
    env.reset(Some(9));
    assert_eq!(*env.world(), first);
}
