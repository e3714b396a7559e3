//! Tiny deterministic envs shared by the wrapper and vector-env tests.
//!
//! [`Counter`] counts steps: observation `[v, -v]`, reward `v` after the increment,
//! `terminated` when `v` reaches `end`. Its start value is drawn from its own RNG, so seeding
//! is observable, and the action it received is echoed in `info["action"]`. Like a tabular env,
//! `set_state` starts (or continues) an episode.

use rand::Rng;

use crate::env::{Env, EnvError, Step};
use crate::rng::{EnvRng, reseed, rng_from_seed};
use crate::space::{BoxSpace, DType, Space};
use crate::value::{Info, Value};

/// A counter with a box observation `[v, -v]` and a box action in `[-1, 1]`.
#[derive(Debug, Clone)]
pub(crate) struct Counter {
    end: i64,
    max_start: i64,
    value: i64,
    rng: EnvRng,
    active: bool,
}

impl Counter {
    /// Starts at 0 on every reset, terminates when the count reaches `end`.
    pub(crate) fn new(end: i64) -> Self {
        Self::random_start(end, 0)
    }

    /// Starts uniformly in `0..=max_start` (drawn from the env's RNG).
    pub(crate) fn random_start(end: i64, max_start: i64) -> Self {
        Counter {
            end,
            max_start,
            value: 0,
            rng: rng_from_seed(0),
            active: false,
        }
    }

    fn obs(&self) -> Vec<f32> {
        vec![self.value as f32, -(self.value as f32)]
    }
}

impl Env for Counter {
    type Obs = Vec<f32>;
    type Act = Vec<f32>;

    fn observation_space(&self) -> Space {
        Space::Box(BoxSpace::from_bounds(
            vec![0.0, -100.0],
            vec![100.0, 0.0],
            DType::F32,
        ))
    }

    fn action_space(&self) -> Space {
        Space::Box(BoxSpace::uniform(&[1], -1.0, 1.0, DType::F32))
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info) {
        reseed(&mut self.rng, seed);
        self.value = self.rng.random_range(0..=self.max_start);
        self.active = true;
        (self.obs(), Info::new())
    }

    fn step(&mut self, action: &Vec<f32>) -> Result<Step<Vec<f32>>, EnvError> {
        self.validate_action(action)?;
        if !self.active {
            return Err(EnvError::ResetNeeded);
        }
        self.value += 1;
        let terminated = self.value >= self.end;
        self.active = !terminated;
        let mut info = Info::new();
        info.insert("action".into(), Value::F32(action.clone()));
        Ok(Step {
            obs: self.obs(),
            reward: self.value as f64,
            terminated,
            truncated: false,
            info,
        })
    }

    fn state(&self) -> Option<Value> {
        Some(Value::Int(self.value))
    }

    fn set_state(&mut self, state: &[f64]) -> Result<Vec<f32>, EnvError> {
        match state {
            [v] if (0.0..=100.0).contains(v) && v.fract() == 0.0 => {
                self.value = *v as i64;
                self.active = true;
                Ok(self.obs())
            }
            _ => Err(EnvError::InvalidState {
                state: format!("{state:?}"),
                reason: "one integer in 0..=100".into(),
            }),
        }
    }
}

/// An env that always shows the same observation `obs` from `space`; steps never end.
#[derive(Debug, Clone)]
pub(crate) struct Fixed {
    pub(crate) space: Space,
    pub(crate) obs: Value,
}

impl Env for Fixed {
    type Obs = Value;
    type Act = i64;

    fn observation_space(&self) -> Space {
        self.space.clone()
    }

    fn action_space(&self) -> Space {
        Space::discrete(2)
    }

    fn reset(&mut self, _seed: Option<u64>) -> (Value, Info) {
        (self.obs.clone(), Info::new())
    }

    fn step(&mut self, _action: &i64) -> Result<Step<Value>, EnvError> {
        Ok(Step {
            obs: self.obs.clone(),
            reward: 0.0,
            terminated: false,
            truncated: false,
            info: Info::new(),
        })
    }
}

/// An env with caller-chosen box spaces: observations are zeros, steps never end, and the
/// action received is echoed in `info["action"]`. Its constructors never look at the bounds,
/// so malformed boxes can be handed to wrappers.
#[derive(Debug, Clone)]
pub(crate) struct Boxes {
    pub(crate) obs: BoxSpace,
    pub(crate) act: BoxSpace,
}

impl Boxes {
    /// Box actions in `[low, high]` (one element, `float32`), observations in `[-1, 1]`.
    pub(crate) fn actions(low: f64, high: f64) -> Self {
        Boxes {
            obs: BoxSpace::uniform(&[1], -1.0, 1.0, DType::F32),
            act: BoxSpace::uniform(&[1], low, high, DType::F32),
        }
    }
}

impl Env for Boxes {
    type Obs = Vec<f32>;
    type Act = Vec<f32>;

    fn observation_space(&self) -> Space {
        Space::Box(self.obs.clone())
    }

    fn action_space(&self) -> Space {
        Space::Box(self.act.clone())
    }

    fn reset(&mut self, _seed: Option<u64>) -> (Vec<f32>, Info) {
        (vec![0.0; self.obs.len()], Info::new())
    }

    fn step(&mut self, action: &Vec<f32>) -> Result<Step<Vec<f32>>, EnvError> {
        self.validate_action(action)?;
        let mut info = Info::new();
        info.insert("action".into(), Value::F32(action.clone()));
        Ok(Step {
            obs: vec![0.0; self.obs.len()],
            reward: 0.0,
            terminated: false,
            truncated: false,
            info,
        })
    }
}
