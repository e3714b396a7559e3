//! Bit-exactness against Gymnasium 1.4: replays the trajectories recorded by
//! `tests/fixtures/make_classic_control_fixtures.py` (one file per env id under
//! `tests/fixtures/classic_control/`).
//!
//! Each episode is made with `make(id, kwargs)`, started from the recorded state with
//! `set_state` (as the CLI's `rollout --state` does), and stepped with the recorded actions.
//! Every observation must equal Gymnasium's as `f32` bits, every reward as `f64` bits (so `-0.0`
//! is not `0.0`), both flags must match, and where the fixture records Gymnasium's internal
//! state, `state()` must equal it as `f64` bits, at every step. (The observation rounds the
//! state to `f32` and can hide a one-ulp error for many steps in a stable system such as a
//! balanced CartPole; the state cannot.) The first divergence fails the test
//! and names env, episode and step: in a chaotic system (Acrobot) an ulp off at one step is
//! visibly off a few dozen steps later, so only exact arithmetic passes.
//!
//! The start state's observation is checked the way Gymnasium produced it. Gymnasium holds a
//! start state in one of two dtypes, recorded as `start_dtype`: `float64` for every start
//! assigned with `env.unwrapped.state = np.array(...)` and every seeded reset except
//! Acrobot's, and `float32` after Acrobot's seeded reset, whose first observation then goes
//! through NumPy's `float32` `sin`/`cos`. `set_state` always means the former (it is what
//! `rollout --state` does, and a user's numbers are `float64` in Gymnasium too), so a
//! `float64` start is set and observed through `set_state`. A `float32` start is observed
//! through the typed [`Acrobot::set_reset_state`], made for exactly this replay; the episode
//! is then stepped through `make` and `set_state` with the same values, which is exact
//! because the dynamics read the values, not the dtype (the first step's state is `float64`
//! in Gymnasium too). So both start paths are compared bit for bit and none is skipped.
//!
//! Fixture floats are written in shortest round-trip form; serde_json's `float_roundtrip`
//! feature parses them exactly, and `f32` values come back exactly by rounding the parsed `f64`
//! (the generator checks that this reproduces every value).

use std::collections::BTreeMap;
use std::path::PathBuf;

use rewardlab_core::{Env, Space, Value};
use rewardlab_envs::classic_control::Acrobot;
use rewardlab_envs::make;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Fixture {
    env_id: String,
    gymnasium: String,
    episodes: Vec<Episode>,
}

#[derive(Debug, Deserialize)]
struct Episode {
    name: String,
    kwargs: BTreeMap<String, String>,
    start: Vec<f64>,
    /// The NumPy dtype of Gymnasium's start state: `float64`, or `float32` after Acrobot's
    /// seeded reset (see the module docs).
    start_dtype: String,
    reset_obs: Vec<f64>,
    actions: Vec<f64>,
    obs: Vec<Vec<f64>>,
    rewards: Vec<f64>,
    /// Gymnasium's `env.unwrapped.state` after each step (absent for MountainCarContinuous,
    /// whose state is its observation).
    #[serde(default)]
    states: Option<Vec<Vec<f64>>>,
    terminated: Vec<bool>,
    truncated: Vec<bool>,
}

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn load(id: &str) -> Result<Fixture, Box<dyn std::error::Error>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/classic_control")
        .join(format!("{id}.json"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let fixture: Fixture = serde_json::from_str(&text)?;
    assert_eq!(fixture.env_id, id, "{}", path.display());
    assert_eq!(
        fixture.gymnasium, "1.4.0",
        "fixtures must come from Gymnasium 1.4"
    );
    Ok(fixture)
}

/// The observation, which must be a float32 vector, as bits.
fn obs_bits(obs: &Value, context: &str) -> Vec<u32> {
    match obs {
        Value::F32(v) => v.iter().map(|x| x.to_bits()).collect(),
        other => panic!("{context}: observation is not float32: {other}"),
    }
}

/// The recorded observation as bits: each value is the shortest text of an f32, which the
/// parsed f64 rounds back to exactly (see the module docs).
fn recorded_bits(values: &[f64]) -> Vec<u32> {
    values.iter().map(|x| (*x as f32).to_bits()).collect()
}

fn action_value(space: &Space, a: f64, context: &str) -> Value {
    match space {
        Space::Discrete { .. } => {
            assert!(a.fract() == 0.0, "{context}: discrete action {a}");
            Value::Int(a as i64)
        }
        Space::Box(_) => Value::F32(vec![a as f32]),
        other => panic!("{context}: unexpected action space {other}"),
    }
}

/// The observation of a `float32` start state, as after Gymnasium's seeded reset: only
/// Acrobot has one, and only with its default config.
fn float32_reset_obs(
    id: &str,
    ep: &Episode,
    context: &str,
) -> Result<Vec<f32>, Box<dyn std::error::Error>> {
    assert_eq!(
        id, "Acrobot-v1",
        "{context}: only Acrobot resets to float32"
    );
    assert!(ep.kwargs.is_empty(), "{context}: kwargs {:?}", ep.kwargs);
    let start: [f32; 4] = ep
        .start
        .iter()
        .map(|&x| {
            let f = x as f32;
            assert_eq!(f64::from(f), x, "{context}: {x} is not a float32");
            f
        })
        .collect::<Vec<f32>>()
        .try_into()
        .map_err(|v| format!("{context}: start {v:?} is not four numbers"))?;
    let mut acrobot = Acrobot::default();
    Ok(acrobot
        .set_reset_state(start)
        .map_err(|err| format!("{context}: {err}"))?)
}

/// Replays every episode of `id`'s fixture, failing at the first mismatch.
fn replay(id: &str) -> TestResult {
    let fixture = load(id)?;
    assert!(!fixture.episodes.is_empty());
    for (e, ep) in fixture.episodes.iter().enumerate() {
        let kwargs: Vec<(String, String)> = ep.kwargs.clone().into_iter().collect();
        let mut env = make(id, &kwargs)?;
        let space = env.action_space();
        let ctx = |t: &str| {
            format!(
                "{id} episode {e} ({:?}, kwargs {:?}) {t}",
                ep.name, ep.kwargs
            )
        };
        let n = ep.actions.len();
        assert!(
            n > 0
                && ep.obs.len() == n
                && ep.rewards.len() == n
                && ep.terminated.len() == n
                && ep.truncated.len() == n
                && ep.states.as_ref().is_none_or(|s| s.len() == n),
            "{}: ragged episode",
            ctx("")
        );

        env.reset(Some(0));
        let context = ctx("start");
        let obs = env
            .set_state(&ep.start)
            .map_err(|err| format!("{context}: {err}"))?;
        let start_obs = match ep.start_dtype.as_str() {
            "float64" => obs,
            "float32" => Value::F32(float32_reset_obs(id, ep, &context)?),
            other => panic!("{context}: unknown start dtype {other:?}"),
        };
        assert_eq!(
            obs_bits(&start_obs, &context),
            recorded_bits(&ep.reset_obs),
            "{context}: observation of the {} start state {:?}: got {start_obs}, want {:?}",
            ep.start_dtype,
            ep.start,
            ep.reset_obs
        );

        for t in 0..n {
            let context = ctx(&format!("step {t}"));
            let action = action_value(&space, ep.actions[t], &context);
            let step = env
                .step(&action)
                .map_err(|err| format!("{context}: action {action}: {err}"))?;
            assert_eq!(
                obs_bits(&step.obs, &context),
                recorded_bits(&ep.obs[t]),
                "{context}: action {action}: observation got {}, want {:?} (state before: {:?})",
                step.obs,
                ep.obs[t],
                t.checked_sub(1).map(|p| &ep.obs[p])
            );
            assert_eq!(
                step.reward.to_bits(),
                ep.rewards[t].to_bits(),
                "{context}: action {action}: reward got {:?}, want {:?}",
                step.reward,
                ep.rewards[t]
            );
            if let Some(states) = &ep.states {
                let want: Vec<u64> = states[t].iter().map(|x| x.to_bits()).collect();
                let got: Vec<u64> = match env.state() {
                    Some(Value::F64(v)) => v.iter().map(|x| x.to_bits()).collect(),
                    other => panic!("{context}: state() is not F64: {other:?}"),
                };
                assert_eq!(
                    got,
                    want,
                    "{context}: action {action}: state got {:?}, want {:?}",
                    env.state(),
                    states[t]
                );
            }
            assert_eq!(
                (step.terminated, step.truncated),
                (ep.terminated[t], ep.truncated[t]),
                "{context}: action {action}: (terminated, truncated)"
            );
        }
    }
    Ok(())
}

#[test]
fn cartpole_v1_replays_gymnasium_exactly() -> TestResult {
    replay("CartPole-v1")
}

#[test]
fn mountain_car_v0_replays_gymnasium_exactly() -> TestResult {
    replay("MountainCar-v0")
}

#[test]
fn mountain_car_continuous_v0_replays_gymnasium_exactly() -> TestResult {
    replay("MountainCarContinuous-v0")
}

#[test]
fn acrobot_v1_replays_gymnasium_exactly() -> TestResult {
    replay("Acrobot-v1")
}

#[test]
fn pendulum_v1_replays_gymnasium_exactly() -> TestResult {
    replay("Pendulum-v1")
}

/// The fixtures exercise what they claim to: terminations and truncations, out-of-range
/// continuous actions, and for MountainCarContinuous a zero action (whose reward is `+0.0`).
#[test]
fn fixtures_cover_both_episode_ends_and_wide_actions() -> TestResult {
    for id in [
        "CartPole-v1",
        "MountainCar-v0",
        "MountainCarContinuous-v0",
        "Acrobot-v1",
        "Pendulum-v1",
    ] {
        let fixture = load(id)?;
        let ends = |f: fn(&Episode) -> bool| fixture.episodes.iter().filter(|e| f(e)).count();
        let truncated = ends(|e| e.truncated.last() == Some(&true));
        let terminated = ends(|e| e.terminated.last() == Some(&true));
        assert!(truncated >= 2, "{id}: {truncated} truncated episodes");
        if id != "Pendulum-v1" {
            assert!(terminated >= 2, "{id}: {terminated} terminated episodes");
        }
        // Both start paths are exercised where Gymnasium has both (see the module docs).
        let dtypes: std::collections::BTreeSet<&str> = fixture
            .episodes
            .iter()
            .map(|e| e.start_dtype.as_str())
            .collect();
        let want: &[&str] = if id == "Acrobot-v1" {
            &["float32", "float64"]
        } else {
            &["float64"]
        };
        assert_eq!(dtypes.into_iter().collect::<Vec<_>>(), want, "{id}");
        let longest = fixture.episodes.iter().map(|e| e.actions.len()).max();
        assert!(longest >= Some(200), "{id}: longest episode {longest:?}");
        let bound = match id {
            "MountainCarContinuous-v0" => Some(1.0),
            "Pendulum-v1" => Some(2.0),
            _ => None,
        };
        if let Some(bound) = bound {
            let actions = || fixture.episodes.iter().flat_map(|e| e.actions.iter());
            assert!(
                actions().any(|a| *a > bound) && actions().any(|a| *a < -bound),
                "{id}"
            );
            assert!(actions().any(|a| *a == 0.0), "{id}: no zero action");
        }
    }
    Ok(())
}
