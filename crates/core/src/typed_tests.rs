use std::error::Error;
use std::sync::Arc;

use super::*;
use crate::env::{BoxedEnv, Erased};
use crate::mdp::{Mdp, MdpBuilder};
use crate::space::{BoxSpace, DType};
use crate::tabular::{EpsilonSchedule, TabularConfig, TabularEnv, q_learning};

type TestResult = Result<(), Box<dyn Error>>;

/// States 0..=3 in a line, terminal 3. Action 1 moves right with probability 0.8 and
/// stays otherwise; action 0 moves left (bumping at 0). −1 per step. Slippery, so the
/// learners' runs depend on the env's RNG and not only the agent's.
fn slippery_chain() -> Arc<Mdp> {
    let mut b = MdpBuilder::new(4, 2);
    for s in 0..3usize {
        b.transition(s, 0, s.saturating_sub(1), 1.0, -1.0);
        b.transition(s, 1, s + 1, 0.8, -1.0);
        b.transition(s, 1, s, 0.2, -1.0);
    }
    b.initial_state(0).terminal(3);
    Arc::new(b.build().expect("the chain is a valid model"))
}

fn boxed_chain() -> BoxedEnv {
    Erased::boxed(TabularEnv::new(slippery_chain()))
}

/// A `Value` env that breaks its own observation space on request: `reset` returns
/// `reset_obs`, `step` and `set_state` return `step_obs`, whatever the space says. Like
/// a continuous-control env that clips, it accepts any int action, in the space or not.
#[derive(Debug)]
struct Scripted {
    obs_space: Space,
    reset_obs: Value,
    step_obs: Value,
    last_action: Option<Value>,
}

impl Scripted {
    fn discrete(reset_obs: Value, step_obs: Value) -> Self {
        Self {
            obs_space: Space::discrete(3),
            reset_obs,
            step_obs,
            last_action: None,
        }
    }
}

impl Env for Scripted {
    type Obs = Value;
    type Act = Value;
    fn observation_space(&self) -> Space {
        self.obs_space.clone()
    }
    fn action_space(&self) -> Space {
        Space::discrete(2)
    }
    fn reset(&mut self, _seed: Option<u64>) -> (Value, Info) {
        (self.reset_obs.clone(), Info::new())
    }
    fn step(&mut self, action: &Value) -> Result<Step<Value>, EnvError> {
        self.last_action = Some(action.clone());
        Ok(Step {
            obs: self.step_obs.clone(),
            reward: 1.5,
            terminated: false,
            truncated: true,
            info: Info::new(),
        })
    }
    fn validate_action(&self, action: &Value) -> Result<(), EnvError> {
        match action {
            Value::Int(_) => Ok(()),
            other => Err(EnvError::invalid_action(other, &self.action_space())),
        }
    }
    fn set_state(&mut self, _state: &[f64]) -> Result<Value, EnvError> {
        Ok(self.step_obs.clone())
    }
}

#[test]
fn q_learning_through_typed_matches_the_typed_env_exactly() -> TestResult {
    let config = TabularConfig {
        episodes: 80,
        alpha: 0.5,
        gamma: 0.9,
        epsilon: EpsilonSchedule::Constant(0.3),
        seed: 11,
        initial_q: 0.0,
    };
    let direct = q_learning(&mut TabularEnv::new(slippery_chain()), &config, &mut ())?;
    let mut typed = Typed::<BoxedEnv, usize, usize>::new(boxed_chain())?;
    let through = q_learning(&mut typed, &config, &mut ())?;
    assert_eq!(through, direct);
    // The comparison means something only if the run depended on both RNGs: slips make
    // episode lengths vary, and learning moved Q away from its initial zeros.
    let shortest = direct.episode_lengths.iter().min().copied();
    let longest = direct.episode_lengths.iter().max().copied();
    assert!(shortest < longest, "{:?}", direct.episode_lengths);
    assert!(direct.q.iter().all(|&q| q <= 0.0) && direct.q[[0, 1]] < -1.0);
    assert_eq!(direct.greedy_policy()[..3], [1, 1, 1]);
    Ok(())
}

#[test]
fn a_space_of_another_type_is_refused_at_construction() {
    let err = Typed::<BoxedEnv, Vec<f32>, usize>::new(boxed_chain())
        .err()
        .expect("Discrete observations are not float32 arrays");
    assert_eq!(err.role, "observation space");
    assert_eq!(err.space, "Discrete(4)");
    // `type_name` spells the path as the compiler likes (`alloc::vec::Vec<f32>` today).
    assert!(err.wanted.ends_with("Vec<f32>"), "{}", err.wanted);
    assert_eq!(err.reason.expected, "a float32 array");
    let sample = SpaceSampler::new(Space::discrete(4), CHECK_SEED).sample();
    assert_eq!(
        err.to_string(),
        format!(
            "the observation space Discrete(4) does not fit the type {}: \
             expected a float32 array, got {sample}",
            err.wanted
        )
    );

    let err = Typed::<BoxedEnv, usize, i64>::new(boxed_chain()).err();
    assert_eq!(err, None, "Discrete(2) actions are ints");
    let err = Typed::<BoxedEnv, usize, Vec<i64>>::new(boxed_chain())
        .err()
        .expect("Discrete actions are not int arrays");
    assert_eq!(
        (err.role, err.space.as_str()),
        ("action space", "Discrete(2)")
    );
    assert!(err.wanted.ends_with("Vec<i64>"), "{}", err.wanted);
}

#[test]
fn box_dtype_decides_the_vector_type() -> TestResult {
    let mut scripted = Scripted::discrete(Value::F32(vec![0.5]), Value::F32(vec![0.25]));
    scripted.obs_space = Space::Box(BoxSpace::from_bounds(vec![0.0], vec![1.0], DType::F32));
    let err = Typed::<Scripted, Vec<f64>, usize>::new(scripted)
        .expect_err("a float32 box is not Vec<f64>");
    assert!(err.wanted.ends_with("Vec<f64>"), "{}", err.wanted);
    let mut scripted = Scripted::discrete(Value::F32(vec![0.5]), Value::F32(vec![0.25]));
    scripted.obs_space = Space::Box(BoxSpace::from_bounds(vec![0.0], vec![1.0], DType::F32));
    let mut env = Typed::<Scripted, Vec<f32>, usize>::new(scripted)?;
    assert_eq!(env.reset(None).0, vec![0.5]);
    let step = env.step(&1)?;
    assert_eq!(
        (step.obs, step.reward, step.terminated, step.truncated),
        (vec![0.25], 1.5, false, true)
    );
    Ok(())
}

#[test]
fn an_observation_of_the_wrong_kind_is_an_invalid_state() -> TestResult {
    let scripted = Scripted::discrete(Value::Int(0), Value::F32(vec![0.5]));
    let mut env = Typed::<Scripted, usize, usize>::new(scripted)?;
    assert_eq!(env.reset(Some(0)).0, 0);
    let Err(EnvError::InvalidState { state, reason }) = env.step(&1) else {
        panic!("a float32 observation of a Discrete env must be refused");
    };
    assert_eq!(state, "[0.5]");
    assert_eq!(
        reason,
        "the wrapped env returned an observation that does not convert to usize: \
         expected a non-negative int, got [0.5]; it left its own observation space \
         Discrete(3)"
    );
    // The action reached the inner env as its Value form.
    assert_eq!(env.inner().last_action, Some(Value::Int(1)));

    let Err(EnvError::InvalidState { state, reason }) = env.set_state(&[2.0]) else {
        panic!("set_state must refuse the same observation");
    };
    assert_eq!(state, "[2.0]");
    assert!(reason.contains("got [0.5]"), "{reason}");

    // A negative int is an int, but no usize: the case the sampled check cannot see.
    env.inner_mut().step_obs = Value::Int(-1);
    let err = env.step(&0).err();
    assert!(
        matches!(&err, Some(EnvError::InvalidState { state, .. }) if state == "-1"),
        "{err:?}"
    );
    Ok(())
}

#[test]
#[should_panic(
    expected = "Typed::reset: the wrapped env returned an observation that does not \
                convert to usize: expected a non-negative int, got \"oops\""
)]
fn reset_panics_on_an_observation_of_the_wrong_kind() {
    let scripted = Scripted::discrete(Value::Text("oops".into()), Value::Int(0));
    let mut env = Typed::<Scripted, usize, usize>::new(scripted).expect("spaces fit usize");
    env.reset(None);
}

#[test]
fn validate_action_is_the_inner_envs() -> TestResult {
    // The scripted env accepts ints outside its Discrete(2) action space, as a clipping
    // env would; the default space check would refuse 7.
    let env =
        Typed::<Scripted, usize, usize>::new(Scripted::discrete(Value::Int(0), Value::Int(1)))?;
    assert_eq!(env.validate_action(&7), Ok(()));
    let env =
        Typed::<Scripted, usize, Vec<i64>>::new(Scripted::discrete(Value::Int(0), Value::Int(1)));
    assert!(env.is_err(), "Discrete actions are not int arrays");

    let env = Typed::<BoxedEnv, usize, usize>::new(boxed_chain())?;
    assert_eq!(env.validate_action(&1), Ok(()));
    assert_eq!(
        env.validate_action(&2),
        Err(EnvError::InvalidAction {
            action: "2".into(),
            space: "Discrete(2)".into(),
        })
    );
    Ok(())
}

#[test]
fn state_and_set_state_are_forwarded() -> TestResult {
    let mut env = Typed::<BoxedEnv, usize, usize>::new(boxed_chain())?;
    assert_eq!(env.state(), None);
    assert_eq!(env.reset(Some(3)).0, 0);
    assert_eq!(env.set_state(&[2.0])?, 2);
    assert_eq!(env.state(), Some(Value::Int(2)));
    assert!(matches!(
        env.set_state(&[4.0]),
        Err(EnvError::InvalidState { .. })
    ));
    let mut inner = env.into_inner();
    assert_eq!(inner.state(), Some(Value::Int(2)));
    assert_eq!(inner.step(&Value::Int(0))?.obs, Value::Int(1));
    Ok(())
}
