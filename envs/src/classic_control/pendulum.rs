//! Pendulum-v1: the inverted-pendulum swing-up, step for step as Gymnasium 1.4.
//!
//! # Description
//! A frictionless pendulum hangs from a pivot; a bounded torque at the pivot must swing it up
//! and hold it upright. The torque alone cannot lift it from hanging, so it must pump energy.
//!
//! # Actions
//! `Vec<f32>` of length 1: the torque, in `Box(-2, 2, (1,), float32)`. As in Gymnasium any
//! finite or infinite value is accepted and clipped to `[-2, 2]`; a wrong length or a NaN is
//! [`EnvError::InvalidAction`].
//!
//! # Observations
//! `Vec<f32>` of length 3: `cos θ, sin θ, θ̇` with θ the angle from upright (counter-clockwise
//! positive). Bounds `±1, ±1, ±8`.
//!
//! # Rewards
//! `−(θ̃² + 0.1 θ̇² + 0.001 u²)`, where θ̃ is θ normalised into `[-π, π)` and `u` the clipped
//! torque, all before the step; so between about −16.27 and 0.
//!
//! # Start
//! θ uniform in `[-π, π)` and θ̇ in `[-1, 1)`, from the env's own PCG64 (the distribution is
//! Gymnasium's, the numbers are not numpy's).
//!
//! # Episode end
//! Never terminates; truncated after 200 steps by the registered time limit.
//!
//! # Arguments
//! `g` (default `10.0`): the gravitational acceleration, Gymnasium's only constructor
//! argument ([`PendulumConfig`]), in `[-1e6, 1e6]` ([`PENDULUM_G_RANGE`]; ours: Gymnasium
//! takes any float, and `g = -1e308` overflows to NaN states).
//!
//! Exactness: the state is `float64`, but the action is a NumPy `float32` array, and NumPy 2
//! keeps `float32` when a Python float meets a `float32` scalar. So Gymnasium computes the
//! torque's terms in single precision: `u` is clipped in `f32`, `0.001 · u**2` is
//! `f32(0.001) · powf(u, 2)` and the torque's acceleration `3.0 · u` is an `f32` product, each
//! widened to `f64` only when added to a `float64` term. `θ̃**2` and `θ̇**2` are `float64` libm
//! `pow` (`pymath.rs`), and θ̃ uses Python's floored `%`.

use std::f64::consts::PI;

use rand::Rng;
use rewardlab_core::rng::{EnvRng, reseed, rng_from_entropy};
use rewardlab_core::{BoxSpace, BoxedEnv, DType, Env, EnvError, Frame, Info, Space, Step, Value};
use serde::{Deserialize, Serialize};

use super::common::{ConfigRangeError, finite_state, validate_scalar_action};
use super::pymath::{pow2, pow2_f32, py_mod};
use crate::registry::{EnvSpec, KwargSpec, Kwargs, MAX_EPISODE_STEPS, MakeError};

/// Velocity bound (rad/s).
const MAX_SPEED: f64 = 8.0;
/// Torque bound, in the action's precision.
const MAX_TORQUE: f32 = 2.0;
/// Time step (s).
const DT: f64 = 0.05;
/// Mass (kg).
const MASS: f64 = 1.0;
/// Length (m).
const LENGTH: f64 = 1.0;
/// Half-widths of the start distribution of θ and θ̇.
const START_HIGH: [f64; 2] = [PI, 1.0];

/// The allowed `g`, in interval notation: any sign (Gymnasium's default is 10), small enough
/// that `3g/2` and the velocity update stay finite.
pub const PENDULUM_G_RANGE: &str = "[-1e6, 1e6]";

/// Pendulum's settings; the default is Gymnasium's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PendulumConfig {
    /// Gravitational acceleration (m/s²), in `[-1e6, 1e6]` (default 10).
    pub g: f64,
}

impl PendulumConfig {
    /// Checks the documented range of `g` ([`PENDULUM_G_RANGE`]).
    pub fn validate(&self) -> Result<(), ConfigRangeError> {
        ConfigRangeError::check("g", self.g, PENDULUM_G_RANGE, |g| (-1e6..=1e6).contains(&g))
    }
}

impl Default for PendulumConfig {
    fn default() -> Self {
        PendulumConfig { g: 10.0 }
    }
}

/// The Pendulum environment (see the module docs).
#[derive(Debug, Clone)]
pub struct Pendulum {
    config: PendulumConfig,
    rng: EnvRng,
    /// `[θ, θ̇]`; `None` before the first reset.
    state: Option<[f64; 2]>,
    /// The last clipped torque (Gymnasium's `last_u`, drawn by `render`); `None` after reset.
    last_u: Option<f32>,
}

impl Default for Pendulum {
    fn default() -> Self {
        Pendulum::with_checked_config(PendulumConfig::default())
    }
}

/// `θ` mapped into `[-π, π)` as Gymnasium's `angle_normalize`: `((θ + π) % 2π) − π` with
/// Python's floored `%`.
pub fn angle_normalize(theta: f64) -> f64 {
    py_mod(theta + PI, 2.0 * PI) - PI
}

impl Pendulum {
    /// A Pendulum with `config`, seeded from the OS until the first `reset(Some(seed))`; a
    /// `g` outside its range (see [`PendulumConfig::validate`]) is an error.
    pub fn new(config: PendulumConfig) -> Result<Self, ConfigRangeError> {
        config.validate()?;
        Ok(Pendulum::with_checked_config(config))
    }

    fn with_checked_config(config: PendulumConfig) -> Self {
        Pendulum {
            config,
            rng: rng_from_entropy(),
            state: None,
            last_u: None,
        }
    }

    /// The settings.
    pub fn config(&self) -> &PendulumConfig {
        &self.config
    }

    /// The last clipped torque applied, `None` right after a reset.
    pub fn last_torque(&self) -> Option<f32> {
        self.last_u
    }
}

fn observe([theta, theta_dot]: [f64; 2]) -> Vec<f32> {
    vec![theta.cos() as f32, theta.sin() as f32, theta_dot as f32]
}

/// Pendulum's observation space: `float32` bounds `[1, 1, 8]` and their negatives.
pub fn observation_space() -> Space {
    Space::Box(BoxSpace::from_bounds(
        vec![-1.0, -1.0, -MAX_SPEED],
        vec![1.0, 1.0, MAX_SPEED],
        DType::F32,
    ))
}

impl Env for Pendulum {
    type Obs = Vec<f32>;
    type Act = Vec<f32>;

    fn observation_space(&self) -> Space {
        observation_space()
    }

    fn action_space(&self) -> Space {
        let high = f64::from(MAX_TORQUE);
        Space::Box(BoxSpace::uniform(&[1], -high, high, DType::F32))
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info) {
        reseed(&mut self.rng, seed);
        let state = START_HIGH.map(|high| {
            let u: f64 = self.rng.random();
            -high + (high - -high) * u
        });
        self.state = Some(state);
        self.last_u = None;
        (observe(state), Info::new())
    }

    fn step(&mut self, action: &Vec<f32>) -> Result<Step<Vec<f32>>, EnvError> {
        let Some([theta, theta_dot]) = self.state else {
            return Err(EnvError::ResetNeeded);
        };
        self.validate_action(action)?;
        let g = self.config.g;
        let u = action[0].clamp(-MAX_TORQUE, MAX_TORQUE);
        self.last_u = Some(u);
        // `0.001 * u**2` and `3.0 / (m * l**2) * u` are float32 in NumPy 2: the Python float
        // is rounded to float32 first, then multiplied in single precision.
        let torque_cost = f64::from(0.001_f64 as f32 * pow2_f32(u));
        let costs = pow2(angle_normalize(theta)) + 0.1 * pow2(theta_dot) + torque_cost;
        let torque_accel = f64::from((3.0 / (MASS * pow2(LENGTH))) as f32 * u);
        let new_theta_dot =
            theta_dot + (3.0 * g / (2.0 * LENGTH) * theta.sin() + torque_accel) * DT;
        let new_theta_dot = new_theta_dot.clamp(-MAX_SPEED, MAX_SPEED);
        let new_theta = theta + new_theta_dot * DT;
        let state = [new_theta, new_theta_dot];
        self.state = Some(state);
        Ok(Step {
            obs: observe(state),
            reward: -costs,
            terminated: false,
            truncated: false,
            info: Info::new(),
        })
    }

    /// Any single non-NaN torque: out-of-range values are clipped, as Gymnasium does.
    fn validate_action(&self, action: &Vec<f32>) -> Result<(), EnvError> {
        validate_scalar_action(action, || self.action_space())
    }

    fn state(&self) -> Option<Value> {
        self.state.map(|s| Value::F64(s.to_vec()))
    }

    /// Sets `[θ, θ̇]`: any finite values, as assigning `env.unwrapped.state` in Gymnasium
    /// (a velocity beyond ±8 is clipped by the next step). The last torque, which is not
    /// part of Gymnasium's state, is kept.
    fn set_state(&mut self, state: &[f64]) -> Result<Vec<f32>, EnvError> {
        let state = finite_state::<2>(state)?;
        self.state = Some(state);
        Ok(observe(state))
    }

    /// The pendulum as Gymnasium draws it (500×500), with the arrow of the last torque.
    fn render(&self) -> Result<Frame, EnvError> {
        let [theta, _] = self.state.ok_or(EnvError::ResetNeeded)?;
        Ok(crate::render::classic::pendulum(
            theta,
            self.last_u.map(f64::from),
        ))
    }
}

const G: KwargSpec = KwargSpec {
    name: "g",
    default: "10.0",
    help: "gravitational acceleration in m/s², in [-1e6, 1e6]",
};

/// Pendulum's registry row.
pub(crate) const SPEC: EnvSpec = EnvSpec {
    id: "Pendulum-v1",
    description: "Swing a torque-limited pendulum upright and hold it there",
    max_episode_steps: Some(200),
    reward_threshold: None,
    kwargs: &[G, MAX_EPISODE_STEPS],
    entry: crate::registry::Entry::Builder(build),
};

fn build(kw: &Kwargs<'_>) -> Result<BoxedEnv, MakeError> {
    let mut config = PendulumConfig::default();
    if let Some(g) = kw.parse::<f64>(G.name, "a number")? {
        config.g = g;
    }
    let env = Pendulum::new(config).map_err(|e| e.into_make_error(SPEC.id))?;
    kw.finish(env)
}

#[cfg(test)]
#[path = "pendulum_tests.rs"]
mod tests;
