//! Unit tests of the engine's action semantics on hand-made layouts (the Empty fixtures only
//! exercise turning and moving).

use std::collections::BTreeSet;

use rewardlab_core::{Env, EnvError};

use super::empty::Empty;
use super::engine::{Action, EngineConfig, MiniGridEnv};
use super::layout::{Gen, GenError, Generator, Pos};
use super::object::{BOX_IDX, Color, DoorState, KEY_IDX, Obj};

/// A walled room with fixed objects and a fixed agent.
#[derive(Debug, Clone)]
struct Fixed {
    objects: Vec<(Pos, Obj)>,
    agent: Pos,
    dir: u8,
}

impl Generator for Fixed {
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let (w, h) = (g.grid.width(), g.grid.height());
        g.grid.wall_rect(0, 0, w, h);
        for (pos, obj) in &self.objects {
            g.put_obj(obj.clone(), pos.0, pos.1);
        }
        g.agent_pos = Some(self.agent);
        g.agent_dir = self.dir;
        g.mission = "test".to_string();
        Ok(())
    }
}

fn env(objects: Vec<(Pos, Obj)>, max_steps: usize) -> MiniGridEnv<Fixed> {
    let config = EngineConfig {
        width: 6,
        height: 6,
        max_steps,
        see_through_walls: false,
        agent_view_size: 7,
        n_actions: 7,
    };
    let mut env = MiniGridEnv::new(
        Fixed {
            objects,
            agent: (1, 1),
            dir: 0,
        },
        config,
    )
    .expect("the layout generates");
    env.reset(Some(0));
    env
}

fn act(env: &mut MiniGridEnv<Fixed>, a: Action) -> (f64, bool, bool) {
    let s = env.step(&(a as usize)).expect("running episode");
    (s.reward, s.terminated, s.truncated)
}

#[test]
fn pickup_and_drop_move_objects_between_grid_and_hands() {
    let mut e = env(
        vec![
            ((2, 1), Obj::Key(Color::Red)),
            ((1, 2), Obj::Ball(Color::Blue)),
        ],
        100,
    );
    act(&mut e, Action::Pickup);
    assert_eq!(e.carrying(), Some(&Obj::Key(Color::Red)));
    assert_eq!(e.grid().get(2, 1), None);
    // The carried key is shown in the agent's view cell.
    assert_eq!(e.gen_obs().cell(3, 6), [KEY_IDX, Color::Red.index(), 0]);
    // Hands full: the ball below stays.
    act(&mut e, Action::Right);
    act(&mut e, Action::Pickup);
    assert_eq!(e.grid().get(1, 2), Some(&Obj::Ball(Color::Blue)));
    // Dropping onto an occupied cell does nothing; onto a free one puts the key there.
    act(&mut e, Action::Drop);
    assert_eq!(e.carrying(), Some(&Obj::Key(Color::Red)));
    act(&mut e, Action::Left);
    act(&mut e, Action::Drop);
    assert_eq!(e.carrying(), None);
    assert_eq!(e.grid().get(2, 1), Some(&Obj::Key(Color::Red)));
    assert_eq!(e.gen_obs().cell(3, 6), [1, 0, 0]);
}

#[test]
fn a_locked_door_opens_only_with_its_key_and_then_toggles() {
    let door = (3, 1);
    let mut e = env(
        vec![
            ((2, 2), Obj::Key(Color::Blue)),
            ((1, 2), Obj::Key(Color::Yellow)),
            (door, Obj::Door(Color::Yellow, DoorState::Locked)),
        ],
        100,
    );
    let state = |e: &MiniGridEnv<Fixed>| match e.grid().get(door.0, door.1) {
        Some(Obj::Door(_, s)) => *s,
        other => panic!("expected the door, found {other:?}"),
    };
    // Pick up the wrong (blue) key from (2, 2): move to (2, 1), face down.
    act(&mut e, Action::Forward);
    act(&mut e, Action::Right);
    act(&mut e, Action::Pickup);
    act(&mut e, Action::Left);
    act(&mut e, Action::Toggle);
    assert_eq!(
        state(&e),
        DoorState::Locked,
        "a blue key does not open a yellow door"
    );
    act(&mut e, Action::Forward);
    assert_eq!(e.agent_pos(), (2, 1), "a locked door blocks");
    // Swap for the yellow key at (1, 2): drop the blue key back at (2, 2), walk round.
    act(&mut e, Action::Right);
    act(&mut e, Action::Drop);
    act(&mut e, Action::Right);
    act(&mut e, Action::Forward);
    act(&mut e, Action::Left);
    act(&mut e, Action::Pickup);
    assert_eq!(e.carrying(), Some(&Obj::Key(Color::Yellow)));
    act(&mut e, Action::Left);
    act(&mut e, Action::Forward);
    act(&mut e, Action::Toggle);
    assert_eq!(state(&e), DoorState::Open);
    act(&mut e, Action::Toggle);
    assert_eq!(
        state(&e),
        DoorState::Closed,
        "an unlocked door toggles shut"
    );
    act(&mut e, Action::Forward);
    assert_eq!(e.agent_pos(), (2, 1));
    act(&mut e, Action::Toggle);
    act(&mut e, Action::Forward);
    assert_eq!(e.agent_pos(), door, "an open door is passable");
}

#[test]
fn toggling_a_box_reveals_its_contents() {
    let boxed = Obj::Box(Color::Purple, Some(Box::new(Obj::Ball(Color::Green))));
    let mut e = env(
        vec![((2, 1), boxed), ((1, 2), Obj::Box(Color::Red, None))],
        100,
    );
    assert_eq!(e.gen_obs().cell(3, 5)[0], BOX_IDX);
    act(&mut e, Action::Toggle);
    assert_eq!(e.grid().get(2, 1), Some(&Obj::Ball(Color::Green)));
    act(&mut e, Action::Right);
    act(&mut e, Action::Toggle);
    assert_eq!(e.grid().get(1, 2), None, "an empty box vanishes");
}

#[test]
fn lava_terminates_with_zero_and_the_goal_with_the_step_discounted_reward() {
    let mut e = env(vec![((2, 1), Obj::Lava)], 100);
    assert_eq!(act(&mut e, Action::Forward), (0.0, true, false));
    assert_eq!(e.agent_pos(), (2, 1), "the agent steps onto the lava");
    assert_eq!(e.step(&0), Err(EnvError::ResetNeeded));

    // Goal reached on step 7 of 100: MiniGrid's 1 - 0.9 * (7 / 100), which rounds to
    // 0.9369999999999999 (not 0.937, the value of 1 - 0.9 * 7 / 100).
    let mut e = env(vec![((2, 1), Obj::Goal)], 100);
    for _ in 0..6 {
        act(&mut e, Action::Done);
    }
    assert_eq!(
        act(&mut e, Action::Forward),
        (0.9369999999999999, true, false)
    );

    // Reaching the goal on the last allowed step sets both flags.
    let mut e = env(vec![((2, 1), Obj::Goal)], 3);
    act(&mut e, Action::Left);
    act(&mut e, Action::Right);
    assert_eq!(act(&mut e, Action::Forward), (1.0 - 0.9, true, true));
}

#[test]
fn steps_outside_an_episode_or_the_action_space_are_refused() {
    let config = EngineConfig {
        width: 5,
        height: 5,
        max_steps: 10,
        see_through_walls: true,
        agent_view_size: 7,
        n_actions: 7,
    };
    let fixed = Fixed {
        objects: vec![],
        agent: (1, 1),
        dir: 0,
    };
    let mut e = MiniGridEnv::new(fixed, config).expect("generates");
    assert_eq!(e.step(&0), Err(EnvError::ResetNeeded));
    assert!(e.set_agent((1, 1), 0).is_err());
    e.reset(None);
    assert!(matches!(e.step(&7), Err(EnvError::InvalidAction { .. })));
    assert!(matches!(
        e.set_agent((0, 0), 0),
        Err(EnvError::InvalidState { .. })
    ));
    assert!(matches!(
        e.set_agent((2, 2), 4),
        Err(EnvError::InvalidState { .. })
    ));
    assert_eq!(e.set_agent((2, 3), 3).map(|o| o.direction), Ok(3));
    assert_eq!((e.agent_pos(), e.agent_dir()), ((2, 3), 3));
}

#[test]
fn random_starts_are_seeded_and_cover_every_free_cell_and_direction() {
    let mut e = Empty::env(5, true).expect("5x5 generates");
    let mut seen = BTreeSet::new();
    for seed in 0..400 {
        e.reset(Some(seed));
        let start = (e.agent_pos(), e.agent_dir());
        e.reset(Some(seed));
        assert_eq!((e.agent_pos(), e.agent_dir()), start, "seed {seed}");
        assert_ne!(start.0, (3, 3), "never on the goal");
        seen.insert(start);
    }
    // 8 free cells (the 3x3 interior less the goal) times 4 directions.
    assert_eq!(seen.len(), 32);
}

#[test]
fn placement_fails_cleanly_without_a_free_cell() {
    assert!(Empty::env(3, true).is_err());
    #[derive(Debug)]
    struct Crowded;
    impl Generator for Crowded {
        fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
            g.grid.wall_rect(0, 0, 3, 3);
            g.put_obj(Obj::Goal, 1, 1);
            g.place_agent(None, None, true).map(|_| ())
        }
    }
    let config = EngineConfig {
        width: 3,
        height: 3,
        max_steps: 10,
        see_through_walls: true,
        agent_view_size: 7,
        n_actions: 7,
    };
    assert!(matches!(
        MiniGridEnv::new(Crowded, config),
        Err(GenError::NoFreeCell { .. })
    ));
    assert_eq!(
        Empty::env_with(5, false, 100, 6).map(|_| ()),
        Err(GenError::BadViewSize(6))
    );
}
