//! CartPole-v1: Barto, Sutton & Anderson's pole balancing, step for step as Gymnasium 1.4.
//!
//! # Description
//! A pole is hinged on a cart that moves along a frictionless track; a fixed force pushes the
//! cart left or right each step, and the task is to keep the pole upright and the cart on the
//! track.
//!
//! # Actions
//! `usize` in `Discrete(2)`: 0 pushes the cart left (`-force_mag`), 1 pushes it right.
//!
//! # Observations
//! `Vec<f32>` of length 4: cart position, cart velocity, pole angle (radians, 0 = upright),
//! pole angular velocity. The physical state is kept in `f64` and the observation is that
//! state rounded to `f32`, as Gymnasium returns it. Bounds: `±2·x_threshold`, `±∞`,
//! `±2·theta_threshold_radians`, `±∞`.
//!
//! # Rewards
//! `+1` for every step, the terminating one included. With `sutton_barto_reward`, `0` for a
//! step that does not terminate and `-1` for the one that does.
//!
//! # Start
//! All four state variables uniform in `[-0.05, 0.05)`, drawn from the env's own PCG64 (so
//! the distribution is Gymnasium's while the numbers are not numpy's).
//!
//! # Episode end
//! Terminated when `|x| > x_threshold` (2.4) or `|θ| > theta_threshold_radians` (12°, computed
//! as Gymnasium does: `12·2·π/360`). Truncated after 500 steps by the registered time limit.
//! Stepping a terminated episode is [`EnvError::ResetNeeded`] (Gymnasium only warns).
//!
//! # Arguments
//! `sutton_barto_reward` (default `false`) and `kinematics_integrator` (`euler`, the default,
//! or `semi-implicit euler`, which Gymnasium keeps as an attribute rather than an argument).
//! Every constant is a field of [`CartPoleParams`].
//!
//! Exactness: the arithmetic below is Gymnasium's, operation for operation and in the same
//! order (IEEE `f64` is not associative, so grouping matters); `sin`/`cos` are the platform
//! libm's, which numpy also calls for `float64` scalars. The pure functions `step_physics`,
//! `is_terminated`, `reward` and `sample_start` are what [`CartPole`] runs, and the batched
//! CartPole reuses them so the two cannot drift apart.

use std::str::FromStr;

use rand::Rng;
use rewardlab_core::rng::{EnvRng, reseed, rng_from_entropy};
use rewardlab_core::{BoxSpace, BoxedEnv, DType, Env, EnvError, Frame, Info, Space, Step, Value};
use serde::{Deserialize, Serialize};

use super::common::{Phase, finite_state};
use crate::registry::{EnvSpec, KwargSpec, Kwargs, MAX_EPISODE_STEPS, MakeError};

/// How the state advances over one time step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Integrator {
    /// Explicit Euler: positions move with the old velocities (Gymnasium's default).
    #[default]
    #[serde(rename = "euler")]
    Euler,
    /// Semi-implicit Euler: velocities first, then positions with the new velocities.
    #[serde(rename = "semi-implicit euler")]
    SemiImplicitEuler,
}

impl FromStr for Integrator {
    type Err = String;

    /// `euler`, or `semi-implicit euler` (also spelled with `-` or `_` for the space).
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "euler" => Ok(Integrator::Euler),
            "semi-implicit euler" | "semi-implicit-euler" | "semi_implicit_euler" => {
                Ok(Integrator::SemiImplicitEuler)
            }
            other => Err(format!("unknown integrator {other:?}")),
        }
    }
}

/// CartPole's physical constants and options; the defaults are Gymnasium 1.4's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CartPoleParams {
    /// Gravitational acceleration (m/s²).
    pub gravity: f64,
    /// Mass of the cart (kg).
    pub masscart: f64,
    /// Mass of the pole (kg).
    pub masspole: f64,
    /// Half the pole's length (m).
    pub length: f64,
    /// Magnitude of the force each action applies to the cart (N).
    pub force_mag: f64,
    /// Seconds between state updates.
    pub tau: f64,
    /// Integration scheme.
    pub kinematics_integrator: Integrator,
    /// The episode terminates once `|x|` exceeds this (m).
    pub x_threshold: f64,
    /// The episode terminates once `|θ|` exceeds this (radians; 12°).
    pub theta_threshold_radians: f64,
    /// Reward 0 per surviving step and -1 on termination instead of +1 per step.
    pub sutton_barto_reward: bool,
}

impl Default for CartPoleParams {
    fn default() -> Self {
        CartPoleParams {
            gravity: 9.8,
            masscart: 1.0,
            masspole: 0.1,
            length: 0.5,
            force_mag: 10.0,
            tau: 0.02,
            kinematics_integrator: Integrator::Euler,
            x_threshold: 2.4,
            // Gymnasium's expression, evaluated in the same order: 12·2 = 24, then ·π, then /360.
            theta_threshold_radians: 12.0 * 2.0 * std::f64::consts::PI / 360.0,
            sutton_barto_reward: false,
        }
    }
}

/// Lower bound of each start variable.
pub const START_LOW: f64 = -0.05;
/// Upper bound (exclusive) of each start variable.
pub const START_HIGH: f64 = 0.05;

/// One time step from `state` = `[x, ẋ, θ, θ̇]` under `action` (1 pushes right, anything
/// else left, as in Gymnasium).
#[inline]
pub(crate) fn step_physics(params: &CartPoleParams, state: [f64; 4], action: usize) -> [f64; 4] {
    let [x, x_dot, theta, theta_dot] = state;
    let total_mass = params.masspole + params.masscart;
    let polemass_length = params.masspole * params.length;
    let force = if action == 1 {
        params.force_mag
    } else {
        -params.force_mag
    };
    let costheta = theta.cos();
    let sintheta = theta.sin();
    // Grouping mirrors Gymnasium's expressions: ((pml·θ̇²)·sinθ), then + force, then / mass.
    let temp = (force + polemass_length * (theta_dot * theta_dot) * sintheta) / total_mass;
    let thetaacc = (params.gravity * sintheta - costheta * temp)
        / (params.length * (4.0 / 3.0 - params.masspole * (costheta * costheta) / total_mass));
    let xacc = temp - polemass_length * thetaacc * costheta / total_mass;
    let tau = params.tau;
    match params.kinematics_integrator {
        Integrator::Euler => [
            x + tau * x_dot,
            x_dot + tau * xacc,
            theta + tau * theta_dot,
            theta_dot + tau * thetaacc,
        ],
        Integrator::SemiImplicitEuler => {
            let x_dot = x_dot + tau * xacc;
            let theta_dot = theta_dot + tau * thetaacc;
            [x + tau * x_dot, x_dot, theta + tau * theta_dot, theta_dot]
        }
    }
}

/// Whether `state` is terminal: the cart off the track or the pole past the angle limit.
#[inline]
pub(crate) fn is_terminated(params: &CartPoleParams, state: &[f64; 4]) -> bool {
    let [x, _, theta, _] = *state;
    x < -params.x_threshold
        || x > params.x_threshold
        || theta < -params.theta_threshold_radians
        || theta > params.theta_threshold_radians
}

/// The reward of a step that ends in a state with the given terminal flag.
#[inline]
pub(crate) fn reward(params: &CartPoleParams, terminated: bool) -> f64 {
    match (params.sutton_barto_reward, terminated) {
        (false, _) => 1.0,
        (true, false) => 0.0,
        (true, true) => -1.0,
    }
}

/// A start state: each variable uniform in `[START_LOW, START_HIGH)`.
#[inline]
pub(crate) fn sample_start(rng: &mut EnvRng) -> [f64; 4] {
    std::array::from_fn(|_| rng.random_range(START_LOW..START_HIGH))
}

/// The observation of `state`: each variable rounded to `f32`.
#[inline]
pub(crate) fn observe(state: &[f64; 4]) -> Vec<f32> {
    state.iter().map(|v| *v as f32).collect()
}

/// The observation space for `params`: `float32` bounds `±2·x_threshold`, `±∞`,
/// `±2·theta_threshold_radians`, `±∞`.
pub(crate) fn observation_space(params: &CartPoleParams) -> Space {
    let high = [
        params.x_threshold * 2.0,
        f64::INFINITY,
        params.theta_threshold_radians * 2.0,
        f64::INFINITY,
    ];
    Space::Box(BoxSpace {
        shape: vec![4],
        low: high.iter().map(|h| -h).collect(),
        high: high.to_vec(),
        dtype: DType::F32,
    })
}

/// The CartPole environment (see the module docs).
#[derive(Debug, Clone)]
pub struct CartPole {
    params: CartPoleParams,
    state: [f64; 4],
    phase: Phase,
    rng: EnvRng,
}

impl Default for CartPole {
    fn default() -> Self {
        Self::new(CartPoleParams::default())
    }
}

impl CartPole {
    /// A CartPole with the given constants, its RNG seeded from the OS until the first
    /// seeded reset.
    pub fn new(params: CartPoleParams) -> Self {
        CartPole {
            params,
            state: [0.0; 4],
            phase: Phase::Fresh,
            rng: rng_from_entropy(),
        }
    }

    /// The constants in use.
    pub fn params(&self) -> &CartPoleParams {
        &self.params
    }

    /// The physical state `[x, ẋ, θ, θ̇]` (zeros before the first reset).
    pub fn physical_state(&self) -> [f64; 4] {
        self.state
    }
}

impl Env for CartPole {
    type Obs = Vec<f32>;
    type Act = usize;

    fn observation_space(&self) -> Space {
        observation_space(&self.params)
    }

    fn action_space(&self) -> Space {
        Space::Discrete { n: 2, start: 0 }
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info) {
        reseed(&mut self.rng, seed);
        self.state = sample_start(&mut self.rng);
        self.phase = Phase::Running;
        (observe(&self.state), Info::new())
    }

    // Inlined into its caller (the time limit, a benchmark loop) so that the returned `Step`
    // is built where it is used: returned through memory, its copy stalls on the narrow
    // stores that wrote it.
    #[inline(always)]
    fn step(&mut self, action: &usize) -> Result<Step<Vec<f32>>, EnvError> {
        self.phase.ensure_running()?;
        if *action >= 2 {
            return Err(EnvError::invalid_action(action, &self.action_space()));
        }
        self.state = step_physics(&self.params, self.state, *action);
        let terminated = is_terminated(&self.params, &self.state);
        self.phase = Phase::after_step(terminated);
        Ok(Step {
            obs: observe(&self.state),
            reward: reward(&self.params, terminated),
            terminated,
            truncated: false,
            info: Info::new(),
        })
    }

    fn state(&self) -> Option<Value> {
        self.phase.state_value(&self.state)
    }

    /// Sets `[x, ẋ, θ, θ̇]` (any finite values, as assigning `env.unwrapped.state` in
    /// Gymnasium; a terminal state is accepted and the next step decides termination).
    fn set_state(&mut self, state: &[f64]) -> Result<Vec<f32>, EnvError> {
        self.state = finite_state::<4>(state)?;
        self.phase = Phase::Running;
        Ok(observe(&self.state))
    }

    /// Gymnasium's 600×400 picture: the cart at `x`, the pole at `θ`.
    fn render(&self) -> Result<Frame, EnvError> {
        self.phase.ensure_started()?;
        Ok(crate::render::classic::cartpole(
            self.state[0],
            self.state[2],
        ))
    }
}

const SUTTON_BARTO_REWARD: KwargSpec = KwargSpec {
    name: "sutton_barto_reward",
    default: "false",
    help: "reward 0 per step and -1 on termination instead of +1 per step",
};

const KINEMATICS_INTEGRATOR: KwargSpec = KwargSpec {
    name: "kinematics_integrator",
    default: "euler",
    help: "`euler` or `semi-implicit euler`",
};

/// The registry row of `CartPole-v1`.
pub(crate) const SPEC: EnvSpec = EnvSpec {
    id: "CartPole-v1",
    description: "Balance a pole on a cart pushed left or right (Barto, Sutton & Anderson 1983)",
    max_episode_steps: Some(500),
    reward_threshold: Some(475.0),
    kwargs: &[
        SUTTON_BARTO_REWARD,
        KINEMATICS_INTEGRATOR,
        MAX_EPISODE_STEPS,
    ],
    entry: crate::registry::Entry::Builder(build),
};

/// The kwargs [`params_from_kwargs`] reads; `CartPole-v1` takes these and the time limit.
pub(crate) const PARAM_KWARGS: [&str; 2] = [SUTTON_BARTO_REWARD.name, KINEMATICS_INTEGRATOR.name];

/// CartPole's constants from its kwargs: what the registry builder runs, and what
/// [`make_vec`](crate::vector::make_vec) gives its native batch, so that the two agree.
pub(crate) fn params_from_kwargs(kw: &Kwargs<'_>) -> Result<CartPoleParams, MakeError> {
    let mut params = CartPoleParams::default();
    if let Some(flag) = kw.flag(SUTTON_BARTO_REWARD.name)? {
        params.sutton_barto_reward = flag;
    }
    if let Some(integrator) =
        kw.parse::<Integrator>(KINEMATICS_INTEGRATOR.name, "euler or semi-implicit euler")?
    {
        params.kinematics_integrator = integrator;
    }
    Ok(params)
}

fn build(kw: &Kwargs<'_>) -> Result<BoxedEnv, MakeError> {
    kw.finish(CartPole::new(params_from_kwargs(kw)?))
}

#[cfg(test)]
#[path = "cartpole_tests.rs"]
mod tests;
