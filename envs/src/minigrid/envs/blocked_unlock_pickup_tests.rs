//! BlockedUnlockPickup: layout invariants over seeds and the win rule.

use rewardlab_core::Env;

use super::*;
use crate::minigrid::object::{BALL_IDX, BOX_IDX, DOOR_IDX, DoorState, KEY_IDX};
use crate::minigrid::unlock_pickup::tests::{objects, the};
use crate::minigrid::world::Action;

#[test]
fn layouts_follow_minigrid() {
    let mut env = BlockedUnlockPickup::env().expect("env");
    for seed in 0..200 {
        env.reset(Some(seed));
        let w = env.world();
        assert_eq!((w.grid.width(), w.grid.height(), w.max_steps), (11, 6, 576));
        let objs = objects(&w.grid);
        assert_eq!(objs.len(), 4, "{objs:?}");
        let [door, key, ball, target] =
            [DOOR_IDX, KEY_IDX, BALL_IDX, BOX_IDX].map(|t| the(&objs, t));
        assert_eq!(door.1, Obj::Door(key.1.color(), DoorState::Locked));
        assert_eq!(ball.0, (door.0.0 - 1, door.0.1), "the ball blocks the door");
        assert!(key.0.0 < 5 && w.agent_pos.0 < 5);
        assert!(target.0.0 > 5);
        assert_eq!(w.task, Task::PickUp(target.1.clone()));
        assert_eq!(
            env.mission(),
            format!("pick up the {} box", target.1.color().name())
        );
    }
}

#[test]
fn picking_up_the_ball_is_not_a_win_but_the_box_is() {
    let mut env = BlockedUnlockPickup::env().expect("env");
    env.reset(Some(2));
    let mut w = env.world().clone();
    let ball = the(&objects(&w.grid), BALL_IDX).clone();
    // Facing the ball from its left.
    w.agent_pos = (ball.0.0 - 1, ball.0.1);
    w.grid.take(w.agent_pos.0, w.agent_pos.1);
    w.agent_dir = 0;
    let out = w.apply(Action::Pickup);
    assert_eq!((out.reward, out.terminated), (0.0, false));
    assert_eq!(w.carrying, Some(ball.1));
    let target = the(&objects(&w.grid), BOX_IDX).clone();
    // Facing the box from above (its row is at least 1, the cell above is inside the room or
    // the top wall, which we clear for the test).
    w.carrying = None;
    w.agent_pos = (target.0.0, target.0.1 - 1);
    w.grid.take(w.agent_pos.0, w.agent_pos.1);
    w.agent_dir = 1;
    let out = w.apply(Action::Pickup);
    assert!(out.terminated);
    assert!((out.reward - (1.0 - 0.9 * 2.0 / 576.0)).abs() < 1e-12);
}
