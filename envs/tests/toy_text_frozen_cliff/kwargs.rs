//! `make` with FrozenLake's and CliffWalking's kwargs: maps, slipperiness, rewards, time
//! limits, and the errors for what does not parse or does not describe a lake.

use rewardlab_core::{BoxedEnv, Env, Value};
use rewardlab_envs::registry::{MakeError, make};
use rewardlab_envs::toy_text::cliff_walking;
use rewardlab_envs::toy_text::frozen_lake::{self, LakeMap, LakeMapError};

use crate::common::kw;
fn steps_until_done(env: &mut BoxedEnv, action: i64, max: usize) -> (usize, bool, bool) {
    env.reset(Some(0));
    for i in 1..=max {
        let step = env.step(&Value::Int(action)).expect("a valid step");
        if step.done() {
            return (i, step.terminated, step.truncated);
        }
    }
    (max, false, false)
}

#[test]
fn make_applies_kwargs_and_gymnasiums_time_limits() -> Result<(), MakeError> {
    // Left from the start of a non-slippery lake never moves: only the limit ends it.
    let left = frozen_lake::LEFT as i64;
    let mut env = make(
        "FrozenLake-v1",
        &kw(&[("map_name", "8x8"), ("is_slippery", "false")]),
    )?;
    assert_eq!(env.observation_space().discrete_n(), Some(64));
    assert_eq!(steps_until_done(&mut env, left, 1000), (100, false, true));
    let mut env = make("FrozenLake8x8-v1", &kw(&[("is_slippery", "False")]))?;
    assert_eq!(steps_until_done(&mut env, left, 1000), (200, false, true));
    let mut env = make(
        "FrozenLake-v1",
        &kw(&[("is_slippery", "0"), ("max_episode_steps", "7")]),
    )?;
    assert_eq!(env.observation_space().discrete_n(), Some(16));
    assert_eq!(steps_until_done(&mut env, left, 1000), (7, false, true));
    // Right along the top row and down the last column of the 4x4 map reaches the goal.
    let mut env = make("FrozenLake-v1", &kw(&[("is_slippery", "false")]))?;
    env.reset(Some(0));
    let path = [
        frozen_lake::RIGHT,
        frozen_lake::RIGHT,
        frozen_lake::DOWN,
        frozen_lake::DOWN,
        frozen_lake::DOWN,
    ];
    let rewards: Vec<f64> = path
        .iter()
        .map(|a| env.step(&Value::Int(*a as i64)).expect("valid").reward)
        .collect();
    assert_eq!(
        rewards,
        vec![0.0, 0.0, 0.0, 0.0, 0.0],
        "the path passes 2, 6, 10, 14"
    );
    let last = env
        .step(&Value::Int(frozen_lake::RIGHT as i64))
        .expect("valid");
    assert_eq!(
        (last.obs, last.reward, last.terminated),
        (Value::Int(15), 1.0, true)
    );

    // CliffWalking has no registered limit; pushing into the left wall goes on forever.
    let mut env = make("CliffWalking-v1", &[])?;
    assert_eq!(
        steps_until_done(&mut env, cliff_walking::LEFT as i64, 5000),
        (5000, false, false)
    );
    let mut env = make("CliffWalking-v1", &kw(&[("max_episode_steps", "9")]))?;
    assert_eq!(
        steps_until_done(&mut env, cliff_walking::LEFT as i64, 5000),
        (9, false, true)
    );
    // The cliff costs 100 and sends the agent back without ending the episode.
    let mut env = make("CliffWalking-v1", &[])?;
    env.reset(Some(0));
    let step = env
        .step(&Value::Int(cliff_walking::RIGHT as i64))
        .expect("valid");
    assert_eq!(
        (step.obs, step.reward, step.terminated),
        (Value::Int(36), -100.0, false)
    );
    Ok(())
}

#[test]
fn malformed_desc_is_refused_with_the_reason() {
    let cases: [(&str, LakeMapError); 6] = [
        (
            "SFF,FG",
            LakeMapError::Ragged {
                row: 1,
                found: 2,
                expected: 3,
            },
        ),
        ("FFF,FFG", LakeMapError::StartCount { found: 0 }),
        ("SFS,FFG", LakeMapError::StartCount { found: 2 }),
        ("SFF,FFF", LakeMapError::NoGoal),
        (
            "SFX,FFG",
            LakeMapError::BadTile {
                row: 0,
                col: 2,
                found: 'X',
            },
        ),
        ("", LakeMapError::Empty),
    ];
    for (desc, want) in cases {
        assert_eq!(LakeMap::parse_desc(desc), Err(want.clone()), "{desc:?}");
        match make("FrozenLake-v1", &kw(&[("desc", desc)])) {
            Err(MakeError::InvalidConfig { id, reason }) => {
                assert_eq!(id, "FrozenLake-v1");
                assert_eq!(reason, want.to_string(), "{desc:?}");
            }
            other => panic!("{desc:?}: {:?}", other.map(|_| "an env")),
        }
    }
    // A valid custom map works through make, rows from the top.
    let mut env = make(
        "FrozenLake-v1",
        &kw(&[("desc", "[\"SFH\", \"FFG\"]"), ("is_slippery", "false")]),
    )
    .expect("valid");
    assert_eq!(env.observation_space().discrete_n(), Some(6));
    env.reset(Some(1));
    assert_eq!(
        env.render_ansi().expect("reset"),
        "\n\x1b[41mS\x1b[0mFH\nFFG\n"
    );
}

#[test]
fn bad_kwargs_are_refused() {
    let err = |pairs: &[(&str, &str)]| match make("FrozenLake-v1", &kw(pairs)) {
        Err(e) => e,
        Ok(_) => panic!("{pairs:?} was accepted"),
    };
    assert!(matches!(
        err(&[("map_name", "16x16")]),
        MakeError::BadKwarg { .. }
    ));
    assert!(matches!(
        err(&[("reward_schedule", "1,0")]),
        MakeError::KwargLength {
            expected: 3,
            found: 2,
            ..
        }
    ));
    assert!(matches!(
        err(&[("reward_schedule", "a,b,c")]),
        MakeError::BadKwarg { .. }
    ));
    assert!(matches!(
        err(&[("is_slippery", "maybe")]),
        MakeError::BadKwarg { .. }
    ));
    for pairs in [
        &[("success_rate", "1.5")][..],
        &[("desc", "SF,FG"), ("map_name", "4x4")],
        &[("desc", "SF,FG"), ("size", "4")],
        &[("map_name", "8x8"), ("p", "0.9")],
        &[("size", "1")],
        &[("p", "0")],
    ] {
        assert!(
            matches!(err(pairs), MakeError::InvalidConfig { .. }),
            "{pairs:?}: {}",
            err(pairs)
        );
    }
    // Python's tuple syntax is accepted for the reward schedule.
    let mut env = make(
        "FrozenLake-v1",
        &kw(&[
            ("reward_schedule", "(2, -1, 0.5)"),
            ("is_slippery", "false"),
        ]),
    )
    .expect("valid");
    env.reset(Some(0));
    assert_eq!(
        env.step(&Value::Int(frozen_lake::RIGHT as i64))
            .expect("valid")
            .reward,
        0.5
    );
    assert_eq!(
        env.step(&Value::Int(frozen_lake::DOWN as i64))
            .expect("valid")
            .reward,
        -1.0
    );
}
