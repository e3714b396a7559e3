//! MountainCarContinuous-v0: the mountain car with a continuous throttle, step for step as
//! Gymnasium 1.4, numpy's mixed `float32`/`float64` arithmetic included.
//!
//! # Description
//! The car of [`super::mountain_car`] with a throttle in `[-1, 1]` instead of three pushes, a
//! flag at `x = 0.45`, and a reward that pays for reaching it and charges for fuel.
//!
//! # Actions
//! `Vec<f32>` of length 1 in the box `[-1, 1]`. Out-of-range actions are accepted and clipped
//! to the box for the dynamics, as Gymnasium does; an action of the wrong length or a NaN is
//! [`EnvError::InvalidAction`].
//!
//! # Observations
//! `Vec<f32>`: position in `[-1.2, 0.6]`, velocity in `[-0.07, 0.07]`.
//!
//! # Rewards
//! `100` on reaching the goal, minus `0.1·a²` every step, where `a` is the action as given,
//! *before* clipping (so an action of 3 costs 0.9, though it pushes like 1).
//!
//! # Start
//! Position uniform in `[-0.6, -0.4)`, velocity 0, drawn from the env's own PCG64.
//!
//! # Episode end
//! Terminated when `position ≥ goal_position` (0.45) and `velocity ≥ goal_velocity` (0).
//! Truncated after 999 steps by the registered time limit. Stepping a terminated episode is
//! [`EnvError::ResetNeeded`].
//!
//! # Arguments
//! `goal_velocity` (default 0), as Gymnasium registers it; every constant is a field of
//! [`ContinuousMountainCarParams`].
//!
//! # Exactness: numpy's scalar types
//! Gymnasium stores the state as a `float32` array after every step, but its reset state (and
//! a state assigned from outside, like our [`Env::set_state`]) is a `float64` array until the
//! first step. The step mixes the action (`float32`), the state (`float32` or `float64`) and
//! Python floats (the constants, and the clipping results ±1, ±`max_speed`, bounds), and under
//! numpy 2's promotion rules (NEP 50) a Python float is *weak*: against a `float32` it is
//! rounded to `float32` and the operation, comparisons included, happens in `float32`;
//! `float32` against `float64` promotes to `float64`. Working those rules through the step
//! leaves two cases, each written out as straight-line code:
//!
//! - **`float64` state** (first step after a reset or `set_state`): everything is `float64`,
//!   except the push `force·power − slope` of an in-range action, which is `float32` (the
//!   action with Python floats) and is widened when added to the velocity.
//! - **`float32` state** (every later step): the slope term is `float64` (`math.cos` returns a
//!   Python float), the push is `float32` for an in-range action and `float64` for a clipped
//!   one (then only Python floats meet), and the velocity and position updates are `float32`.
//!   A value the step clips (velocity to ±`max_speed`, position to a bound, velocity to 0 at
//!   the wall) becomes a Python float, which later comparisons see in `float64`: the type
//!   `Py32` keeps that one distinction.
//!
//! The tests check both cases against a literal model of numpy's rules (every intermediate
//! tagged with its kind) on random states, actions and constants, and the fixtures replay
//! Gymnasium's trajectories. One consequence worth knowing: [`Env::state`] reports the stored
//! `f32` values widened to `f64`, and setting that state back makes it a `float64` state,
//! whose next step can differ in the last bits from the step the env would have taken
//! (Gymnasium behaves the same way).

use rand::Rng;
use rewardlab_core::rng::{EnvRng, reseed, rng_from_entropy};
use rewardlab_core::{BoxSpace, BoxedEnv, DType, Env, EnvError, Frame, Info, Space, Step, Value};
use serde::{Deserialize, Serialize};

use super::common::{Phase, finite_state, validate_scalar_action};
use super::mountain_car::{GOAL_VELOCITY, goal_velocity, observation_space};
use crate::registry::{EnvSpec, Kwargs, MAX_EPISODE_STEPS, MakeError};

/// MountainCarContinuous' constants; the defaults are Gymnasium 1.4's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContinuousMountainCarParams {
    /// Left end of the track (the wall).
    pub min_position: f64,
    /// Right end of the track.
    pub max_position: f64,
    /// Speed limit in either direction.
    pub max_speed: f64,
    /// The flag: the episode can end once the car reaches this position.
    pub goal_position: f64,
    /// ... and moves right at least this fast (Gymnasium's `goal_velocity` argument).
    pub goal_velocity: f64,
    /// Acceleration per unit of throttle.
    pub power: f64,
    /// Strength of the slope's pull.
    pub gravity: f64,
}

impl Default for ContinuousMountainCarParams {
    fn default() -> Self {
        ContinuousMountainCarParams {
            min_position: -1.2,
            max_position: 0.6,
            max_speed: 0.07,
            goal_position: 0.45,
            goal_velocity: 0.0,
            power: 0.0015,
            gravity: 0.0025,
        }
    }
}

/// Smallest throttle the dynamics use.
pub const MIN_ACTION: f64 = -1.0;
/// Largest throttle the dynamics use.
pub const MAX_ACTION: f64 = 1.0;
/// Lower bound of the start position.
pub const START_LOW: f64 = -0.6;
/// Upper bound (exclusive) of the start position.
pub const START_HIGH: f64 = -0.4;

/// The state: `float64` from a reset or `set_state` until the first step, `float32` after.
#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    F64([f64; 2]),
    F32([f32; 2]),
}

impl State {
    fn widened(self) -> [f64; 2] {
        match self {
            State::F64(s) => s,
            State::F32(s) => s.map(f64::from),
        }
    }

    #[inline]
    fn observe(self) -> Vec<f32> {
        match self {
            State::F64([x, v]) => vec![x as f32, v as f32],
            State::F32([x, v]) => vec![x, v],
        }
    }
}

/// A value of the `float32` step: a `float32` result, or a Python float that clipping put in
/// its place. The two compare differently against a Python float (in `f32` after rounding
/// the Python float, or in `f64`), and both enter `float32` arithmetic rounded to `f32`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Py32 {
    F32(f32),
    Py(f64),
}

impl Py32 {
    /// `self < bound` for a Python float `bound`, as numpy compares it.
    #[inline]
    fn lt(self, bound: f64) -> bool {
        match self {
            Py32::F32(v) => v < bound as f32,
            Py32::Py(v) => v < bound,
        }
    }

    /// `self >= bound` for a Python float `bound`, as numpy compares it.
    #[inline]
    fn ge(self, bound: f64) -> bool {
        match self {
            Py32::F32(v) => v >= bound as f32,
            Py32::Py(v) => v >= bound,
        }
    }

    /// `self == bound` for a Python float `bound`, as numpy compares it.
    #[inline]
    fn eq(self, bound: f64) -> bool {
        match self {
            Py32::F32(v) => v == bound as f32,
            Py32::Py(v) => v == bound,
        }
    }

    /// The value as it enters `float32` arithmetic or the stored `float32` state.
    #[inline]
    fn to_f32(self) -> f32 {
        match self {
            Py32::F32(v) => v,
            Py32::Py(v) => v as f32,
        }
    }
}

/// `force·power − slope`: in `f32` for an in-range action (`np.float32` with Python floats),
/// in `f64` for an action clipped to ±1 (Python's `min(max(a, -1), 1)` returns the Python
/// float bound, and then only Python floats meet). A bound replaces the action only when it
/// is strictly beyond it, compared in `f32`.
#[derive(Debug, Clone, Copy)]
enum Push {
    F32(f32),
    F64(f64),
}

/// The push of `action` on a slope term `slope` (see [`Push`]).
#[inline]
fn push(p: &ContinuousMountainCarParams, action: f32, slope: f64) -> Push {
    if action < MIN_ACTION as f32 {
        Push::F64(MIN_ACTION * p.power - slope)
    } else if action > MAX_ACTION as f32 {
        Push::F64(MAX_ACTION * p.power - slope)
    } else {
        Push::F32(action * p.power as f32 - slope as f32)
    }
}

/// One step from a `float64` state: all `f64` but an in-range push (see the module docs).
#[inline]
fn step_f64(p: &ContinuousMountainCarParams, [x, v]: [f64; 2], action: f32) -> ([f32; 2], bool) {
    let slope = p.gravity * (3.0 * x).cos();
    let dv = match push(p, action, slope) {
        Push::F32(d) => f64::from(d),
        Push::F64(d) => d,
    };
    let mut velocity = v + dv;
    if velocity > p.max_speed {
        velocity = p.max_speed;
    }
    if velocity < -p.max_speed {
        velocity = -p.max_speed;
    }
    let mut position = x + velocity;
    if position > p.max_position {
        position = p.max_position;
    }
    if position < p.min_position {
        position = p.min_position;
    }
    if position == p.min_position && velocity < 0.0 {
        velocity = 0.0;
    }
    let terminated = position >= p.goal_position && velocity >= p.goal_velocity;
    ([position as f32, velocity as f32], terminated)
}

/// One step from a `float32` state: `f32` updates, an `f64` slope, and clipped values that
/// become Python floats (see the module docs).
#[inline]
fn step_f32(p: &ContinuousMountainCarParams, [x, v]: [f32; 2], action: f32) -> ([f32; 2], bool) {
    // `3.0 * x` with `x` a float32 is a float32 product; `math.cos` widens it.
    let slope = p.gravity * f64::from(3.0f32 * x).cos();
    let dv = match push(p, action, slope) {
        Push::F32(d) => d,
        Push::F64(d) => d as f32,
    };
    let v = v + dv;
    let mut velocity = Py32::F32(v);
    if v > p.max_speed as f32 {
        velocity = Py32::Py(p.max_speed);
    }
    if velocity.lt(-p.max_speed) {
        velocity = Py32::Py(-p.max_speed);
    }
    let x = x + velocity.to_f32();
    let mut position = Py32::F32(x);
    if x > p.max_position as f32 {
        position = Py32::Py(p.max_position);
    }
    if position.lt(p.min_position) {
        position = Py32::Py(p.min_position);
    }
    if position.eq(p.min_position) && velocity.lt(0.0) {
        velocity = Py32::Py(0.0);
    }
    let terminated = position.ge(p.goal_position) && velocity.ge(p.goal_velocity);
    ([position.to_f32(), velocity.to_f32()], terminated)
}

/// One step: the next (`float32`) state, the reward and the terminal flag.
#[inline]
fn step_physics(
    p: &ContinuousMountainCarParams,
    state: State,
    action: f32,
) -> ([f32; 2], f64, bool) {
    let (next, terminated) = match state {
        State::F64(s) => step_f64(p, s, action),
        State::F32(s) => step_f32(p, s, action),
    };
    // Python: `reward = 0` (or 100.0), then `reward -= math.pow(a, 2) * 0.1`: `0.0 - x`, never
    // `-x`, so that a zero action pays +0.0. `math.pow` is libm's `pow`, which differs from
    // `x * x` on some f64 inputs, but never on a widened f32: its square has at most 48
    // significant bits, so it is exact, and glibc's `pow` returns it exactly (checked for every
    // finite f32; `square_of_a_widened_f32_is_libm_pow` samples that). So `a * a` is exact
    // here, and saves the libm call.
    let base = if terminated { 100.0 } else { 0.0 };
    let a = f64::from(action);
    let reward = base - a * a * 0.1;
    (next, reward, terminated)
}

/// The MountainCarContinuous environment (see the module docs).
#[derive(Debug, Clone)]
pub struct ContinuousMountainCar {
    params: ContinuousMountainCarParams,
    state: State,
    phase: Phase,
    rng: EnvRng,
}

impl Default for ContinuousMountainCar {
    fn default() -> Self {
        Self::new(ContinuousMountainCarParams::default())
    }
}

impl ContinuousMountainCar {
    /// A MountainCarContinuous with the given constants, its RNG seeded from the OS until the
    /// first seeded reset.
    pub fn new(params: ContinuousMountainCarParams) -> Self {
        ContinuousMountainCar {
            params,
            state: State::F64([0.0; 2]),
            phase: Phase::Fresh,
            rng: rng_from_entropy(),
        }
    }

    /// The constants in use.
    pub fn params(&self) -> &ContinuousMountainCarParams {
        &self.params
    }

    /// The physical state `[position, velocity]` (zeros before the first reset).
    pub fn physical_state(&self) -> [f64; 2] {
        self.state.widened()
    }

    /// Whether the state is held in `f32` (after a step) rather than `f64` (after a reset or
    /// `set_state`, until the first step), as in Gymnasium.
    pub fn state_is_f32(&self) -> bool {
        matches!(self.state, State::F32(_))
    }
}

impl Env for ContinuousMountainCar {
    type Obs = Vec<f32>;
    type Act = Vec<f32>;

    fn observation_space(&self) -> Space {
        let p = &self.params;
        observation_space(p.min_position, p.max_position, p.max_speed)
    }

    fn action_space(&self) -> Space {
        Space::Box(BoxSpace::uniform(&[1], MIN_ACTION, MAX_ACTION, DType::F32))
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info) {
        reseed(&mut self.rng, seed);
        self.state = State::F64([self.rng.random_range(START_LOW..START_HIGH), 0.0]);
        self.phase = Phase::Running;
        (self.state.observe(), Info::new())
    }

    /// Accepts any one-element action but NaN: out-of-range throttles are clipped by the
    /// dynamics (and charged unclipped by the reward), as in Gymnasium.
    fn validate_action(&self, action: &Vec<f32>) -> Result<(), EnvError> {
        validate_scalar_action(action, || self.action_space())
    }

    #[inline(always)]
    fn step(&mut self, action: &Vec<f32>) -> Result<Step<Vec<f32>>, EnvError> {
        self.phase.ensure_running()?;
        self.validate_action(action)?;
        let (next, reward, terminated) = step_physics(&self.params, self.state, action[0]);
        self.state = State::F32(next);
        self.phase = Phase::after_step(terminated);
        Ok(Step {
            // From the local, not read back from `self.state`: a wide load of the narrow
            // stores just made stalls (no store-to-load forwarding).
            obs: next.to_vec(),
            reward,
            terminated,
            truncated: false,
            info: Info::new(),
        })
    }

    fn state(&self) -> Option<Value> {
        self.phase.state_value(&self.state.widened())
    }

    /// Sets `[position, velocity]` (any finite values, as assigning `env.unwrapped.state` in
    /// Gymnasium). The state is `f64` until the next step, as a reset state is.
    fn set_state(&mut self, state: &[f64]) -> Result<Vec<f32>, EnvError> {
        self.state = State::F64(finite_state::<2>(state)?);
        self.phase = Phase::Running;
        Ok(self.state.observe())
    }

    /// Gymnasium's 600×400 picture: the car on the hill, the flag at `goal_position`.
    fn render(&self) -> Result<Frame, EnvError> {
        self.phase.ensure_started()?;
        Ok(crate::render::classic::mountain_car(
            self.state.widened()[0],
            self.params.goal_position,
        ))
    }
}

/// The registry row of `MountainCarContinuous-v0`.
pub(crate) const SPEC: EnvSpec = EnvSpec {
    id: "MountainCarContinuous-v0",
    description: "Drive an under-powered car up a hill with a continuous throttle; fuel costs 0.1·a²",
    max_episode_steps: Some(999),
    reward_threshold: Some(90.0),
    kwargs: &[GOAL_VELOCITY, MAX_EPISODE_STEPS],
    entry: crate::registry::Entry::Builder(build),
};

fn build(kw: &Kwargs<'_>) -> Result<BoxedEnv, MakeError> {
    let mut params = ContinuousMountainCarParams::default();
    if let Some(v) = goal_velocity(kw)? {
        params.goal_velocity = v;
    }
    kw.finish(ContinuousMountainCar::new(params))
}

#[cfg(test)]
#[path = "continuous_mountain_car_tests.rs"]
mod tests;
