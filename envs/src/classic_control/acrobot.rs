//! Acrobot-v1: Sutton's two-link underactuated arm, step for step as Gymnasium 1.4.
//!
//! # Description
//! Two links hang in a chain from a fixed pivot; only the joint between them is actuated. The
//! task is to swing the free end above a line one link length over the pivot.
//!
//! # Actions
//! `usize` in `Discrete(3)`: torque −1, 0 or +1 on the middle joint.
//!
//! # Observations
//! `Vec<f32>` of length 6: `cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2`, where θ1 is the first
//! link's angle from straight down and θ2 the second link's angle relative to the first.
//! Bounds `±1` for the trigonometric entries, `±4π` and `±9π` (as `float32`) for the
//! velocities.
//!
//! # Rewards
//! `−1` for every step that does not reach the goal, `0` for the one that does. The
//! registered reward threshold is −100.
//!
//! # Start
//! `θ1, θ2, θ̇1, θ̇2` uniform in `[-0.1, 0.1)` from the env's own PCG64, rounded to `float32`
//! as Gymnasium stores them (the distribution is Gymnasium's, the numbers are not numpy's).
//!
//! # Episode end
//! Terminated when the tip is above the line: `−cos θ1 − cos(θ2 + θ1) > 1`. Truncated after
//! 500 steps by the registered time limit. Stepping a terminated episode is
//! [`EnvError::ResetNeeded`].
//!
//! # Arguments
//! Gymnasium's `make` takes none; its docs have users set attributes of the unwrapped env
//! instead, which here are the kwargs (and [`AcrobotConfig`] fields) `book_or_nips` (`book`),
//! `torque_noise_max` (`0`, in `[0, 1000]`) and `dt` (`0.2`, in `(0, 10]`). The ranges are
//! ours ([`ACROBOT_DT_RANGE`], [`ACROBOT_TORQUE_NOISE_RANGE`]): Gymnasium takes any float, and
//! `dt = 1e308` gives NaN states; within them, steps from states inside the velocity bounds
//! stay finite (a property test runs the edges).
//!
//! Exactness: one step is Gymnasium's Runge–Kutta step (`acrobot_dynamics.rs`), then both
//! angles wrapped into `[-π, π]` by repeated whole turns and both velocities clipped.
//! Gymnasium keeps the reset state as a `float32` array, and NumPy's `float32` `sin`/`cos`
//! are its own kernel rather than libm's, so the observation of a start state goes through a
//! reimplementation of that kernel (`pymath.rs`); after the first step the state is `float64`
//! and the observation is libm's `float64` `sin`/`cos` rounded to `float32`.
//! [`Env::set_state`] always sets a `float64` state, as `env.unwrapped.state =
//! np.array(state)` does in Gymnasium, whatever the values (`-2.984375` is a `float64` there
//! too). Replaying a recorded Gymnasium reset, whose state was `float32`, is
//! [`Acrobot::set_reset_state`], which takes `f32`s so that the type says which one it is.

use std::f64::consts::PI;

use rand::Rng;
use rewardlab_core::rng::{EnvRng, reseed, rng_from_entropy};
use rewardlab_core::{BoxSpace, BoxedEnv, DType, Env, EnvError, Frame, Info, Space, Step, Value};
use serde::{Deserialize, Serialize};

pub use super::acrobot_dynamics::AcrobotDynamics;
use super::acrobot_dynamics::{bound, rk4, wrap};
use super::common::{ConfigRangeError, Phase, finite_state};
use super::pymath::{np_cos_f32, np_sin_f32};
use crate::registry::{EnvSpec, KwargSpec, Kwargs, MAX_EPISODE_STEPS, MakeError};

/// Velocity bound of the first joint (rad/s).
const MAX_VEL_1: f64 = 4.0 * PI;
/// Velocity bound of the second joint (rad/s).
const MAX_VEL_2: f64 = 9.0 * PI;
/// The torque of each action.
const AVAIL_TORQUE: [f64; 3] = [-1.0, 0.0, 1.0];
/// Half-width of the start distribution of every state variable.
const START_HIGH: f64 = 0.1;

/// The allowed `dt`, in interval notation: positive, at most 10 s (50 times Gymnasium's 0.2).
pub const ACROBOT_DT_RANGE: &str = "(0, 10]";
/// The allowed `torque_noise_max`, in interval notation: up to 1000 times the largest torque.
pub const ACROBOT_TORQUE_NOISE_RANGE: &str = "[0, 1000]";

/// Acrobot's settings; the defaults are Gymnasium's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AcrobotConfig {
    /// Equations of motion: Sutton & Barto's book (default) or the NeurIPS paper.
    pub book_or_nips: AcrobotDynamics,
    /// Half-width of uniform noise added to every torque, in `[0, 1000]` (0: deterministic,
    /// the default).
    pub torque_noise_max: f64,
    /// Integration time step in seconds (one Runge–Kutta step per env step), in `(0, 10]`
    /// (default 0.2).
    pub dt: f64,
}

impl AcrobotConfig {
    /// Checks the documented ranges ([`ACROBOT_DT_RANGE`], [`ACROBOT_TORQUE_NOISE_RANGE`]).
    pub fn validate(&self) -> Result<(), ConfigRangeError> {
        ConfigRangeError::check("dt", self.dt, ACROBOT_DT_RANGE, |dt| dt > 0.0 && dt <= 10.0)?;
        ConfigRangeError::check(
            "torque_noise_max",
            self.torque_noise_max,
            ACROBOT_TORQUE_NOISE_RANGE,
            |n| (0.0..=1000.0).contains(&n),
        )
    }
}

impl Default for AcrobotConfig {
    fn default() -> Self {
        AcrobotConfig {
            book_or_nips: AcrobotDynamics::Book,
            torque_noise_max: 0.0,
            dt: 0.2,
        }
    }
}

/// The Acrobot environment (see the module docs).
#[derive(Debug, Clone)]
pub struct Acrobot {
    config: AcrobotConfig,
    rng: EnvRng,
    /// `[θ1, θ2, θ̇1, θ̇2]`.
    state: [f64; 4],
    /// The state holds `float32` values, as after Gymnasium's reset (see the module docs).
    float32_state: bool,
    phase: Phase,
}

impl Default for Acrobot {
    fn default() -> Self {
        Acrobot::with_checked_config(AcrobotConfig::default())
    }
}

impl Acrobot {
    /// An Acrobot with `config`, seeded from the OS until the first `reset(Some(seed))`; a
    /// setting outside its range (see [`AcrobotConfig::validate`]) is an error.
    pub fn new(config: AcrobotConfig) -> Result<Self, ConfigRangeError> {
        config.validate()?;
        Ok(Acrobot::with_checked_config(config))
    }

    fn with_checked_config(config: AcrobotConfig) -> Self {
        Acrobot {
            config,
            rng: rng_from_entropy(),
            state: [0.0; 4],
            float32_state: false,
            phase: Phase::Fresh,
        }
    }

    /// Starts an episode from a `float32` state `[θ1, θ2, θ̇1, θ̇2]`, as Gymnasium's reset
    /// leaves it: the observation goes through NumPy's `float32` `sin`/`cos` (see the module
    /// docs), so this replays a recorded Gymnasium reset bit for bit. The dynamics are the
    /// same as from [`Env::set_state`] with the same values; only this first observation
    /// differs. Non-finite entries are [`EnvError::InvalidState`] and change nothing.
    pub fn set_reset_state(&mut self, state: [f32; 4]) -> Result<Vec<f32>, EnvError> {
        self.state = finite_state::<4>(&state.map(f64::from))?;
        self.float32_state = true;
        self.phase = Phase::Running;
        Ok(self.observe())
    }

    /// The settings.
    pub fn config(&self) -> &AcrobotConfig {
        &self.config
    }

    /// Whether the tip is above the goal line.
    fn tip_above_line(&self) -> bool {
        let [theta1, theta2, ..] = self.state;
        -theta1.cos() - (theta2 + theta1).cos() > 1.0
    }

    fn observe(&self) -> Vec<f32> {
        let [theta1, theta2, dtheta1, dtheta2] = self.state;
        let (c1, s1, c2, s2) = if self.float32_state {
            let (t1, t2) = (theta1 as f32, theta2 as f32);
            (
                np_cos_f32(t1),
                np_sin_f32(t1),
                np_cos_f32(t2),
                np_sin_f32(t2),
            )
        } else {
            (
                theta1.cos() as f32,
                theta1.sin() as f32,
                theta2.cos() as f32,
                theta2.sin() as f32,
            )
        };
        vec![c1, s1, c2, s2, dtheta1 as f32, dtheta2 as f32]
    }
}

/// Acrobot's observation space: `float32` bounds `[1, 1, 1, 1, 4π, 9π]` and their negatives.
pub fn observation_space() -> Space {
    let high: Vec<f64> = [1.0, 1.0, 1.0, 1.0, MAX_VEL_1, MAX_VEL_2]
        .iter()
        .map(|&h| f64::from(h as f32))
        .collect();
    let low = high.iter().map(|h| -h).collect();
    Space::Box(BoxSpace::from_bounds(low, high, DType::F32))
}

impl Env for Acrobot {
    type Obs = Vec<f32>;
    type Act = usize;

    fn observation_space(&self) -> Space {
        observation_space()
    }

    fn action_space(&self) -> Space {
        Space::discrete(3)
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info) {
        reseed(&mut self.rng, seed);
        for x in &mut self.state {
            let u: f64 = self.rng.random();
            *x = f64::from((-START_HIGH + (START_HIGH - -START_HIGH) * u) as f32);
        }
        self.float32_state = true;
        self.phase = Phase::Running;
        (self.observe(), Info::new())
    }

    fn step(&mut self, action: &usize) -> Result<Step<Vec<f32>>, EnvError> {
        self.phase.ensure_running()?;
        let Some(&base) = AVAIL_TORQUE.get(*action) else {
            return Err(EnvError::invalid_action(action, &self.action_space()));
        };
        let mut torque = base;
        let noise = self.config.torque_noise_max;
        if noise > 0.0 {
            let u: f64 = self.rng.random();
            torque += -noise + (noise - -noise) * u;
        }
        let [theta1, theta2, dtheta1, dtheta2] = self.state;
        let next = rk4(
            &[theta1, theta2, dtheta1, dtheta2, torque],
            self.config.dt,
            self.config.book_or_nips,
        );
        self.state = [
            wrap(next[0], -PI, PI),
            wrap(next[1], -PI, PI),
            bound(next[2], -MAX_VEL_1, MAX_VEL_1),
            bound(next[3], -MAX_VEL_2, MAX_VEL_2),
        ];
        self.float32_state = false;
        let terminated = self.tip_above_line();
        self.phase = Phase::after_step(terminated);
        Ok(Step {
            obs: self.observe(),
            reward: if terminated { 0.0 } else { -1.0 },
            terminated,
            truncated: false,
            info: Info::new(),
        })
    }

    fn validate_action(&self, action: &usize) -> Result<(), EnvError> {
        if *action < AVAIL_TORQUE.len() {
            Ok(())
        } else {
            Err(EnvError::invalid_action(action, &self.action_space()))
        }
    }

    fn state(&self) -> Option<Value> {
        self.phase.state_value(&self.state)
    }

    /// Sets `[θ1, θ2, θ̇1, θ̇2]`: any finite values, as assigning
    /// `env.unwrapped.state = np.array(state)` (a `float64` array) in Gymnasium: angles outside
    /// `[-π, π]` and velocities beyond the bounds are kept until the next step wraps and
    /// clips them. For Gymnasium's `float32` reset state use [`Acrobot::set_reset_state`].
    fn set_state(&mut self, state: &[f64]) -> Result<Vec<f32>, EnvError> {
        self.state = finite_state::<4>(state)?;
        self.float32_state = false;
        self.phase = Phase::Running;
        Ok(self.observe())
    }

    /// The arm as Gymnasium draws it (500×500): the goal line, both links and the joints.
    fn render(&self) -> Result<Frame, EnvError> {
        self.phase.ensure_started()?;
        let [theta1, theta2, ..] = self.state;
        Ok(crate::render::classic::acrobot(theta1, theta2))
    }
}

const BOOK_OR_NIPS: KwargSpec = KwargSpec {
    name: "book_or_nips",
    default: "book",
    help: "equations of motion: `book` (Sutton & Barto) or `nips` (the 1995 paper)",
};

const TORQUE_NOISE_MAX: KwargSpec = KwargSpec {
    name: "torque_noise_max",
    default: "0.0",
    help: "half-width of uniform noise added to each torque, in [0, 1000]",
};

const DT: KwargSpec = KwargSpec {
    name: "dt",
    default: "0.2",
    help: "integration time step in seconds, in (0, 10]",
};

/// Acrobot's registry row.
pub(crate) const SPEC: EnvSpec = EnvSpec {
    id: "Acrobot-v1",
    description: "Swing the tip of a two-link arm, actuated at the elbow, above a line (Sutton 1996)",
    max_episode_steps: Some(500),
    reward_threshold: Some(-100.0),
    kwargs: &[BOOK_OR_NIPS, TORQUE_NOISE_MAX, DT, MAX_EPISODE_STEPS],
    entry: crate::registry::Entry::Builder(build),
};

fn build(kw: &Kwargs<'_>) -> Result<BoxedEnv, MakeError> {
    let mut config = AcrobotConfig::default();
    if let Some(d) = kw.parse::<AcrobotDynamics>(BOOK_OR_NIPS.name, "book or nips")? {
        config.book_or_nips = d;
    }
    if let Some(n) = kw.parse::<f64>(TORQUE_NOISE_MAX.name, "a number")? {
        config.torque_noise_max = n;
    }
    if let Some(dt) = kw.parse::<f64>(DT.name, "a number")? {
        config.dt = dt;
    }
    let env = Acrobot::new(config).map_err(|e| e.into_make_error(SPEC.id))?;
    kw.finish(env)
}

#[cfg(test)]
#[path = "acrobot_tests.rs"]
mod tests;
