//! [`FlattenObservation`]: any observation to a flat `float32` vector.
//!
//! Uses [`Space::flatten`] and [`Space::flatten_space`] (Gymnasium's `flatten`): boxes are
//! copied, discrete parts become one-hot blocks, dicts are concatenated in key order. Spaces
//! with a text part have no flat form and are refused at construction.
//!
//! `Space::flatten` refuses values outside the space; a physical observation may stray past a
//! box bound by rounding, so the wrapper flattens against a copy of the space with its box
//! bounds removed, which checks only the structure.
//!
//! An observation of the wrong structure (a discrete value where a box belongs, a missing dict
//! key) is the inner env breaking its own observation space. It is never papered over: `step`
//! and `set_state` return [`EnvError::InvalidState`] naming the observation and the space, and
//! `reset`, which has no error to return, panics with the same message.

use crate::env::{Env, EnvError, Step};
use crate::frame::Frame;
use crate::space::{BoxSpace, Space};
use crate::value::{Info, SpaceElem, Value};

use super::WrapperError;

/// Flattens observations to `Vec<f32>`.
#[derive(Debug, Clone)]
pub struct FlattenObservation<E> {
    env: E,
    /// The inner space with every box unbounded: the structure `flatten` checks against.
    structure: Space,
    flat_space: Space,
}

fn unbounded(space: &Space) -> Space {
    match space {
        Space::Box(b) => Space::Box(BoxSpace::uniform(
            &b.shape,
            f64::NEG_INFINITY,
            f64::INFINITY,
            b.dtype,
        )),
        Space::Dict(items) => Space::Dict(
            items
                .iter()
                .map(|(k, s)| (k.clone(), unbounded(s)))
                .collect(),
        ),
        other => other.clone(),
    }
}

impl<E: Env> FlattenObservation<E> {
    /// Wraps `env`; fails for observation spaces without a flat form (text).
    pub fn new(env: E) -> Result<Self, WrapperError> {
        let space = env.observation_space();
        let no_flat = || WrapperError::NoFlatForm {
            space: space.to_string(),
        };
        let flat_space = space.flatten_space().ok_or_else(no_flat)?;
        Ok(FlattenObservation {
            structure: unbounded(&space),
            env,
            flat_space,
        })
    }

    /// Flattens one inner observation, or fails with [`EnvError::InvalidState`] when it does
    /// not have the structure of the inner observation space (an env bug that `check_env`
    /// reports).
    pub fn flatten(&self, obs: &E::Obs) -> Result<Vec<f32>, EnvError> {
        self.flatten_value(&obs.to_value())
    }

    /// [`Self::flatten`] of the dynamic form. The env methods move the inner observation into
    /// its [`Value`] ([`SpaceElem::into_value`]) instead of copying it on every step.
    fn flatten_value(&self, value: &Value) -> Result<Vec<f32>, EnvError> {
        self.structure
            .flatten(value)
            .ok_or_else(|| EnvError::InvalidState {
                state: format!("{value:?}"),
                reason: format!(
                    "FlattenObservation: the inner env returned an observation outside its own \
                     observation space {}",
                    self.structure
                ),
            })
    }

    wrapper_accessors!(env: E);
}

impl<E: Env> Env for FlattenObservation<E> {
    type Obs = Vec<f32>;
    type Act = E::Act;

    fn observation_space(&self) -> Space {
        self.flat_space.clone()
    }

    fn action_space(&self) -> Space {
        self.env.action_space()
    }

    /// # Panics
    /// When the inner env's reset observation does not have the structure of the inner
    /// observation space: the inner env broke its own contract, and `reset` has no error to
    /// return (silently substituting zeros would corrupt the data instead).
    fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info) {
        let (obs, info) = self.env.reset(seed);
        match self.flatten_value(&obs.into_value()) {
            Ok(flat) => (flat, info),
            Err(e) => panic!("{e} (returned by reset)"),
        }
    }

    fn step(&mut self, action: &E::Act) -> Result<Step<Vec<f32>>, EnvError> {
        let step = self.env.step(action)?.map_obs(SpaceElem::into_value);
        let flat = self.flatten_value(&step.obs)?;
        Ok(step.map_obs(|_| flat))
    }

    fn validate_action(&self, action: &E::Act) -> Result<(), EnvError> {
        self.env.validate_action(action)
    }

    fn state(&self) -> Option<Value> {
        self.env.state()
    }

    fn render(&self) -> Result<Frame, EnvError> {
        self.env.render()
    }

    fn render_ansi(&self) -> Result<String, EnvError> {
        self.env.render_ansi()
    }

    fn set_state(&mut self, state: &[f64]) -> Result<Vec<f32>, EnvError> {
        let obs = self.env.set_state(state)?;
        self.flatten_value(&obs.into_value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::DType;
    use crate::wrappers::test_env::{Counter, Fixed};

    #[test]
    fn discrete_and_dict_become_one_hot_blocks() -> Result<(), EnvError> {
        let space = Space::Dict(vec![
            ("a".into(), Space::Discrete { n: 3, start: 1 }),
            (
                "b".into(),
                Space::Box(BoxSpace::uniform(&[2], -1.0, 1.0, DType::F32)),
            ),
        ]);
        let obs = Value::Dict(vec![
            ("a".into(), Value::Int(2)),
            ("b".into(), Value::F32(vec![0.5, -0.5])),
        ]);
        let mut env = FlattenObservation::new(Fixed { space, obs }).expect("flattenable");
        assert_eq!(
            env.observation_space(),
            Space::Box(BoxSpace::from_bounds(
                vec![0.0, 0.0, 0.0, -1.0, -1.0],
                vec![1.0, 1.0, 1.0, 1.0, 1.0],
                DType::F32
            ))
        );
        // Element 2 of {1, 2, 3} is the second slot of the one-hot block.
        assert_eq!(env.reset(Some(0)).0, vec![0.0, 1.0, 0.0, 0.5, -0.5]);
        assert_eq!(env.step(&0)?.obs, vec![0.0, 1.0, 0.0, 0.5, -0.5]);
        Ok(())
    }

    #[test]
    fn box_values_past_their_bounds_still_flatten() -> Result<(), EnvError> {
        let space = Space::Box(BoxSpace::uniform(&[2], 0.0, 1.0, DType::F64));
        let obs = Value::F64(vec![1.5, -2.0]);
        let mut env = FlattenObservation::new(Fixed { space, obs }).expect("flattenable");
        assert_eq!(env.reset(None).0, vec![1.5, -2.0]);
        let mut counter = FlattenObservation::new(Counter::new(5)).expect("flattenable");
        counter.reset(Some(0));
        assert_eq!(counter.set_state(&[3.0])?, vec![3.0, -3.0]);
        Ok(())
    }

    /// A [`Fixed`] env that shows `bad` instead of its observation on every step, while still
    /// claiming its space.
    #[derive(Debug, Clone)]
    struct Liar {
        fixed: Fixed,
        bad: Value,
    }

    impl Env for Liar {
        type Obs = Value;
        type Act = i64;

        fn observation_space(&self) -> Space {
            self.fixed.observation_space()
        }

        fn action_space(&self) -> Space {
            self.fixed.action_space()
        }

        fn reset(&mut self, seed: Option<u64>) -> (Value, Info) {
            self.fixed.reset(seed)
        }

        fn step(&mut self, action: &i64) -> Result<Step<Value>, EnvError> {
            Ok(self.fixed.step(action)?.map_obs(|_| self.bad.clone()))
        }
    }

    fn liar() -> Liar {
        Liar {
            fixed: Fixed {
                space: Space::Box(BoxSpace::uniform(&[2], 0.0, 1.0, DType::F32)),
                obs: Value::F32(vec![0.5, 0.5]),
            },
            // A discrete value where a box of two belongs.
            bad: Value::Int(1),
        }
    }

    #[test]
    fn a_step_observation_of_the_wrong_kind_is_an_error() {
        let mut env = FlattenObservation::new(liar()).expect("flattenable");
        assert_eq!(env.reset(Some(0)).0, vec![0.5, 0.5]);
        let err = env.step(&0).err();
        let Some(EnvError::InvalidState { state, reason }) = &err else {
            panic!("expected InvalidState, got {err:?}");
        };
        assert!(state.contains("Int(1)"), "{state}");
        assert!(
            reason.contains("outside its own observation space"),
            "{reason}"
        );
        // Not zeros, not anything: the step is refused, and the next one too.
        assert!(env.step(&0).is_err());
    }

    #[test]
    #[should_panic(expected = "outside its own observation space")]
    fn a_reset_observation_of_the_wrong_kind_panics() {
        let mut broken = liar();
        broken.fixed.obs = Value::Text("oops".into());
        let mut env = FlattenObservation::new(broken).expect("flattenable");
        env.reset(None);
    }

    #[test]
    fn text_spaces_are_refused() {
        let env = Fixed {
            space: Space::Text { max_length: 4 },
            obs: Value::Text("go".into()),
        };
        assert!(matches!(
            FlattenObservation::new(env),
            Err(WrapperError::NoFlatForm { .. })
        ));
    }
}
