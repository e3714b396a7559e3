//! The registry: every id makes, time limits, kwargs, and the errors for bad requests.

mod common;

use std::io::Write;

use common::kw;

use rewardlab_core::tabular::Tabular;
use rewardlab_core::{Env, Space, SpaceSampler, Value};
use rewardlab_envs::registry::{Entry, MakeError, make, make_gridworld, spec, specs};

/// A small map file for `rewardlab/GridWorld-v0`.
fn map_file() -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().expect("a temp file");
    f.write_all(b"; tiny\nstep_reward = -1\nS.G\n")
        .expect("writable");
    f
}

#[test]
fn every_gridworld_id_makes_with_discrete_spaces_and_steps() {
    let file = map_file();
    let path = file.path().display().to_string();
    let grids = specs()
        .iter()
        .filter(|s| matches!(s.entry, Entry::GridWorld(_)));
    for spec in grids {
        let args = if spec.id == "rewardlab/GridWorld-v0" {
            kw(&[("map", &path)])
        } else {
            Vec::new()
        };
        let mut env = make(spec.id, &args).unwrap_or_else(|e| panic!("{}: {e}", spec.id));
        assert!(matches!(
            env.observation_space(),
            Space::Discrete { start: 0, .. }
        ));
        assert_eq!(env.action_space(), Space::discrete(4), "{}", spec.id);
        let (obs, _) = env.reset(Some(0));
        assert!(env.observation_space().contains(&obs));
        let step = env.step(&Value::Int(1)).expect("a valid action");
        assert!(env.observation_space().contains(&step.obs));
        assert!(spec.id.starts_with("rewardlab/"));
    }
}

#[test]
fn every_id_makes_documents_itself_and_steps_a_sampled_action() {
    let file = map_file();
    let path = file.path().display().to_string();
    let mut seen = std::collections::BTreeSet::new();
    for spec in specs() {
        assert!(seen.insert(spec.id), "{} registered twice", spec.id);
        assert!(!spec.description.is_empty(), "{}", spec.id);
        assert!(
            spec.kwargs.iter().any(|k| k.name == "max_episode_steps"),
            "{} lists max_episode_steps",
            spec.id
        );
        let args = if spec.id == "rewardlab/GridWorld-v0" {
            kw(&[("map", &path)])
        } else {
            Vec::new()
        };
        let mut env = make(spec.id, &args).unwrap_or_else(|e| panic!("{}: {e}", spec.id));
        let (obs, _) = env.reset(Some(0));
        assert!(env.observation_space().contains(&obs), "{}", spec.id);
        let mut sampler = SpaceSampler::new(env.action_space(), 0);
        let step = env
            .step(&sampler.sample())
            .expect("a sampled action is valid");
        assert!(env.observation_space().contains(&step.obs), "{}", spec.id);
    }
}

#[test]
fn registered_time_limit_applies_and_the_kwarg_overrides_it() {
    let env = make_gridworld("rewardlab/Corridor-v0", &[]).expect("valid");
    assert_eq!(
        Some(env.max_episode_steps()),
        spec("rewardlab/Corridor-v0")
            .expect("registered")
            .max_episode_steps
    );
    let mut env = make("rewardlab/Corridor-v0", &kw(&[("max_episode_steps", "3")])).expect("valid");
    env.reset(Some(1));
    let left = Value::Int(3);
    for _ in 0..2 {
        assert!(!env.step(&left).expect("valid").truncated);
    }
    let step = env.step(&left).expect("valid");
    assert!(step.truncated && !step.terminated);
}

#[test]
fn kwargs_override_the_map() {
    let env = make_gridworld(
        "rewardlab/CliffWalk-v0",
        &kw(&[("slip", "0.2"), ("step_reward", "-2"), ("gamma", "0.9")]),
    )
    .expect("valid");
    let mdp = env.inner().mdp();
    assert_eq!(mdp.gamma(), 0.9);
    assert!(!mdp.is_deterministic());
    let row: Vec<_> = mdp
        .successors(12, 0)
        .map(|t| (t.next, t.prob, t.reward))
        .collect();
    assert_eq!(row, vec![(0, 0.8, -2.0), (12, 0.1, -2.0), (13, 0.1, -2.0)]);

    let file = map_file();
    let env = make_gridworld(
        "rewardlab/GridWorld-v0",
        &kw(&[("map", &file.path().display().to_string())]),
    )
    .expect("valid");
    assert_eq!(env.inner().ansi(), "S.G\n");
    assert_eq!(env.inner().mdp().expected_reward(0, 1), -1.0);
}

#[test]
fn reward_and_wind_kwargs_override_the_map() {
    // CliffWalk's header: goal_reward = -1, cliff_reward = -100, no wind.
    let env = make_gridworld(
        "rewardlab/CliffWalk-v0",
        &kw(&[("goal_reward", "10"), ("cliff_reward", "-7.5")]),
    )
    .expect("valid");
    let mdp = env.inner().mdp();
    assert_eq!(mdp.expected_reward(35, 2), 10.0, "down onto the goal");
    assert_eq!(mdp.expected_reward(36, 1), -7.5, "right into the cliff");
    assert_eq!(mdp.expected_reward(24, 1), -1.0, "step_reward untouched");

    let file = tempfile::NamedTempFile::new().expect("a temp file");
    std::fs::write(file.path(), "lava_reward = -3\nwind = 0 0 0\n...\nS.L\n").expect("writable");
    let path = file.path().display().to_string();
    let env = make_gridworld(
        "rewardlab/GridWorld-v0",
        &kw(&[("map", &path), ("lava_reward", "-0.5")]),
    )
    .expect("valid");
    assert_eq!(
        env.inner().mdp().expected_reward(4, 1),
        -0.5,
        "right onto the lava"
    );

    // Wind, with spaces or commas: column 1 pushes up 1, so right from (1, 0) to (1, 1)
    // carries no push, but up from (1, 1) goes two rows and stops at the border.
    for wind in ["0 1 0", "0,1,0", " 0 , 1 ,0 "] {
        let env = make_gridworld(
            "rewardlab/GridWorld-v0",
            &kw(&[("map", &path), ("wind", wind)]),
        )
        .unwrap_or_else(|e| panic!("{wind:?}: {e}"));
        let inner = env.inner();
        assert_eq!(inner.map().params().wind, vec![0, 1, 0], "{wind:?}");
        let next: Vec<usize> = inner.mdp().successors(3, 1).map(|t| t.next).collect();
        assert_eq!(next, vec![4], "{wind:?}");
        let next: Vec<usize> = inner.mdp().successors(4, 0).map(|t| t.next).collect();
        assert_eq!(
            next,
            vec![1],
            "up from (1, 1) with wind 1: clipped at the top"
        );
        let next: Vec<usize> = inner.mdp().successors(4, 2).map(|t| t.next).collect();
        assert_eq!(next, vec![4], "down from (1, 1) against wind 1: stays");
    }
    // Windy's wind removed: down from (3, 5) (wind 1) now moves down.
    let calm = make_gridworld(
        "rewardlab/WindyGridworld-v0",
        &kw(&[("wind", "0 0 0 0 0 0 0 0 0 0")]),
    )
    .expect("valid");
    let next: Vec<usize> = calm
        .inner()
        .mdp()
        .successors(35, 2)
        .map(|t| t.next)
        .collect();
    assert_eq!(next, vec![45]);
}

#[test]
fn bad_reward_and_wind_kwargs_name_key_and_value() {
    let id = "rewardlab/WindyGridworld-v0";
    for key in ["goal_reward", "lava_reward", "cliff_reward"] {
        let err = make(id, &kw(&[(key, "high")])).err().expect("not a number");
        assert_eq!(
            err.to_string(),
            format!("kwarg {key} = \"high\": expected a finite number")
        );
        let err = make(id, &kw(&[(key, "inf")])).err().expect("not finite");
        assert_eq!(
            err.to_string(),
            format!("gridworld parameter {key} = inf: must be finite")
        );
    }
    for bad in ["0 1 x", "1.5", "", " , ", "0,,1"] {
        let err = make(id, &kw(&[("wind", bad)])).err().expect("not integers");
        assert_eq!(
            err.to_string(),
            format!("kwarg wind = {bad:?}: expected integers separated by spaces or by commas"),
        );
    }
    let err = make(id, &kw(&[("wind", "0 0 1")]))
        .err()
        .expect("too short");
    assert!(matches!(
        err,
        MakeError::KwargLength {
            expected: 10,
            found: 3,
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "kwarg wind = \"0 0 1\": expected 10 entries (one per map column), found 3"
    );
}

#[test]
fn unknown_ids_suggest_the_closest() {
    let err = make("rewardlab/FourRoom-v0", &[])
        .err()
        .expect("unknown id");
    assert_eq!(
        err.to_string(),
        "unknown environment id \"rewardlab/FourRoom-v0\"; did you mean rewardlab/FourRooms-v0?"
    );
    for (typo, want) in [
        ("rewardlab/cliffwalk-v0", "rewardlab/CliffWalk-v0"),
        ("WindyGridWorld-v0", "rewardlab/WindyGridworld-v0"),
        ("rewardlab/Corridor-v1", "rewardlab/Corridor-v0"),
        ("Windy", "rewardlab/WindyGridworld-v0"),
        ("oscillation", "rewardlab/Oscillation-v0"),
        ("CartPole-v0", "CartPole-v1"),
        ("frozenlake-v1", "FrozenLake-v1"),
        ("Taxi-v3", "Taxi-v4"),
        ("CliffWalking-v0", "CliffWalking-v1"),
        ("Acrobot", "Acrobot-v1"),
    ] {
        assert!(
            matches!(spec(typo), Err(MakeError::UnknownId { suggestion: Some(s), .. }) if s == want),
            "{typo}"
        );
    }
    let err = spec("HalfCheetah-v5").expect_err("not registered");
    assert!(matches!(
        err,
        MakeError::UnknownId {
            suggestion: None,
            ..
        }
    ));
    assert_eq!(err.to_string(), "unknown environment id \"HalfCheetah-v5\"");
}

#[test]
fn bad_kwargs_are_named() {
    let err = make("rewardlab/FourRooms-v0", &kw(&[("slippery", "0.1")]))
        .err()
        .expect("unknown kwarg");
    assert_eq!(
        err.to_string(),
        "rewardlab/FourRooms-v0 does not take the kwarg \"slippery\"; it accepts: \
         slip, step_reward, goal_reward, lava_reward, cliff_reward, wind, gamma, max_episode_steps"
    );
    let err = make("rewardlab/FourRooms-v0", &kw(&[("slip", "lots")]))
        .err()
        .expect("bad value");
    assert_eq!(
        err.to_string(),
        "kwarg slip = \"lots\": expected a number in [0, 1]"
    );
    assert!(matches!(
        make("rewardlab/FourRooms-v0", &kw(&[("max_episode_steps", "0")])),
        Err(MakeError::BadKwarg { .. })
    ));
    assert!(matches!(
        make(
            "rewardlab/FourRooms-v0",
            &kw(&[("gamma", "0.5"), ("gamma", "0.6")])
        ),
        Err(MakeError::DuplicateKwarg { .. })
    ));
    let err = make("rewardlab/FourRooms-v0", &kw(&[("slip", "1.5")]))
        .err()
        .expect("out of range");
    assert_eq!(
        err.to_string(),
        "gridworld parameter slip = 1.5: must lie in [0, 1]"
    );
    assert!(matches!(
        make("rewardlab/GridWorld-v0", &[]),
        Err(MakeError::MissingKwarg { key: "map", .. })
    ));
}

#[test]
fn map_errors_pass_through() {
    let err = make(
        "rewardlab/GridWorld-v0",
        &kw(&[("map", "/no/such/map.txt")]),
    )
    .err()
    .expect("unreadable");
    assert!(err.to_string().contains("/no/such/map.txt"), "{err}");
    let mut f = tempfile::NamedTempFile::new().expect("a temp file");
    f.write_all(b"S.\n.?G\n").expect("writable");
    let err = make(
        "rewardlab/GridWorld-v0",
        &kw(&[("map", &f.path().display().to_string())]),
    )
    .err()
    .expect("malformed");
    assert!(
        err.to_string().contains(":2:2: unknown map character '?'"),
        "{err}"
    );
}
