//! MountainCar-v0: Moore's under-powered car in a valley, step for step as Gymnasium 1.4.
//!
//! # Description
//! A car sits between two hills on the curve `sin(3x)`; its engine is too weak to climb the
//! right hill directly, so it must rock back and forth to build momentum and reach the flag at
//! `x = 0.5`.
//!
//! # Actions
//! `usize` in `Discrete(3)`: 0 accelerates left, 1 does nothing, 2 accelerates right.
//!
//! # Observations
//! `Vec<f32>`: position in `[-1.2, 0.6]` and velocity in `[-0.07, 0.07]`: the `f64` state
//! rounded to `f32`, as Gymnasium returns it.
//!
//! # Rewards
//! `-1` for every step.
//!
//! # Start
//! Position uniform in `[-0.6, -0.4)`, velocity 0, drawn from the env's own PCG64.
//!
//! # Episode end
//! Terminated when `position ≥ goal_position` (0.5) and `velocity ≥ goal_velocity` (0).
//! Truncated after 200 steps by the registered time limit. Stepping a terminated episode is
//! [`EnvError::ResetNeeded`].
//!
//! # Arguments
//! `goal_velocity` (default 0), as Gymnasium registers it; every constant is a field of
//! [`MountainCarParams`].
//!
//! Dynamics, per step: `v ← clip(v + ((a − 1)·force + cos(3x)·(−gravity)), ±max_speed)`, then
//! `x ← clip(x + v, [min_position, max_position])`, and a car stopped against the left wall
//! (`x == min_position`, `v < 0`) loses its velocity. Everything is `f64` as in Gymnasium (its
//! state is a tuple of `float64` scalars), with the same grouping of operations.

use rand::Rng;
use rewardlab_core::rng::{EnvRng, reseed, rng_from_entropy};
use rewardlab_core::{BoxSpace, BoxedEnv, DType, Env, EnvError, Frame, Info, Space, Step, Value};
use serde::{Deserialize, Serialize};

use super::common::{Phase, finite_state};
use crate::registry::{EnvSpec, KwargSpec, Kwargs, MAX_EPISODE_STEPS, MakeError};

/// MountainCar's constants; the defaults are Gymnasium 1.4's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MountainCarParams {
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
    /// Acceleration of a push (actions 0 and 2).
    pub force: f64,
    /// Strength of the slope's pull.
    pub gravity: f64,
}

impl Default for MountainCarParams {
    fn default() -> Self {
        MountainCarParams {
            min_position: -1.2,
            max_position: 0.6,
            max_speed: 0.07,
            goal_position: 0.5,
            goal_velocity: 0.0,
            force: 0.001,
            gravity: 0.0025,
        }
    }
}

/// Lower bound of the start position.
pub const START_LOW: f64 = -0.6;
/// Upper bound (exclusive) of the start position.
pub const START_HIGH: f64 = -0.4;

/// The MountainCar environment (see the module docs).
#[derive(Debug, Clone)]
pub struct MountainCar {
    params: MountainCarParams,
    /// `[position, velocity]`.
    state: [f64; 2],
    phase: Phase,
    rng: EnvRng,
}

impl Default for MountainCar {
    fn default() -> Self {
        Self::new(MountainCarParams::default())
    }
}

impl MountainCar {
    /// A MountainCar with the given constants, its RNG seeded from the OS until the first
    /// seeded reset.
    pub fn new(params: MountainCarParams) -> Self {
        MountainCar {
            params,
            state: [0.0; 2],
            phase: Phase::Fresh,
            rng: rng_from_entropy(),
        }
    }

    /// The constants in use.
    pub fn params(&self) -> &MountainCarParams {
        &self.params
    }

    /// The physical state `[position, velocity]` (zeros before the first reset).
    pub fn physical_state(&self) -> [f64; 2] {
        self.state
    }
}

/// One step from `[position, velocity]` under `action` (0, 1 or 2); returns the next state and
/// whether it is terminal.
#[inline]
fn step_physics(p: &MountainCarParams, state: [f64; 2], action: usize) -> ([f64; 2], bool) {
    let [mut position, mut velocity] = state;
    // `(action - 1) * force`: -force, 0.0 or +force exactly.
    let push = (action as f64 - 1.0) * p.force;
    velocity += push + (3.0 * position).cos() * (-p.gravity);
    velocity = velocity.max(-p.max_speed).min(p.max_speed);
    position += velocity;
    position = position.max(p.min_position).min(p.max_position);
    if position == p.min_position && velocity < 0.0 {
        velocity = 0.0;
    }
    let terminated = position >= p.goal_position && velocity >= p.goal_velocity;
    ([position, velocity], terminated)
}

fn observe(state: &[f64; 2]) -> Vec<f32> {
    vec![state[0] as f32, state[1] as f32]
}

/// The `float32` box `[min_position, max_position] × [-max_speed, max_speed]`.
pub(crate) fn observation_space(min_position: f64, max_position: f64, max_speed: f64) -> Space {
    Space::Box(BoxSpace {
        shape: vec![2],
        low: vec![min_position, -max_speed],
        high: vec![max_position, max_speed],
        dtype: DType::F32,
    })
}

impl Env for MountainCar {
    type Obs = Vec<f32>;
    type Act = usize;

    fn observation_space(&self) -> Space {
        let p = &self.params;
        observation_space(p.min_position, p.max_position, p.max_speed)
    }

    fn action_space(&self) -> Space {
        Space::Discrete { n: 3, start: 0 }
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info) {
        reseed(&mut self.rng, seed);
        self.state = [self.rng.random_range(START_LOW..START_HIGH), 0.0];
        self.phase = Phase::Running;
        (observe(&self.state), Info::new())
    }

    fn step(&mut self, action: &usize) -> Result<Step<Vec<f32>>, EnvError> {
        self.phase.ensure_running()?;
        if *action >= 3 {
            return Err(EnvError::invalid_action(action, &self.action_space()));
        }
        let (state, terminated) = step_physics(&self.params, self.state, *action);
        self.state = state;
        self.phase = Phase::after_step(terminated);
        Ok(Step {
            obs: observe(&self.state),
            reward: -1.0,
            terminated,
            truncated: false,
            info: Info::new(),
        })
    }

    fn state(&self) -> Option<Value> {
        self.phase.state_value(&self.state)
    }

    /// Sets `[position, velocity]`: any finite values, as assigning `env.unwrapped.state` in
    /// Gymnasium (the next step clips them).
    fn set_state(&mut self, state: &[f64]) -> Result<Vec<f32>, EnvError> {
        self.state = finite_state::<2>(state)?;
        self.phase = Phase::Running;
        Ok(observe(&self.state))
    }

    /// Gymnasium's 600×400 picture: the car on the hill, the flag at `goal_position`.
    fn render(&self) -> Result<Frame, EnvError> {
        self.phase.ensure_started()?;
        Ok(crate::render::classic::mountain_car(
            self.state[0],
            self.params.goal_position,
        ))
    }
}

/// The `goal_velocity` kwarg, shared with MountainCarContinuous.
pub(crate) const GOAL_VELOCITY: KwargSpec = KwargSpec {
    name: "goal_velocity",
    default: "0",
    help: "the episode ends at the flag only when moving right at least this fast",
};

/// The registry row of `MountainCar-v0`.
pub(crate) const SPEC: EnvSpec = EnvSpec {
    id: "MountainCar-v0",
    description: "Drive an under-powered car up a hill by rocking it (Moore 1990), 3 discrete pushes",
    max_episode_steps: Some(200),
    reward_threshold: Some(-110.0),
    kwargs: &[GOAL_VELOCITY, MAX_EPISODE_STEPS],
    entry: crate::registry::Entry::Builder(build),
};

/// The `goal_velocity` kwarg: a finite number.
pub(crate) fn goal_velocity(kw: &Kwargs<'_>) -> Result<Option<f64>, MakeError> {
    let value = kw.parse::<f64>(GOAL_VELOCITY.name, "a finite number")?;
    match value {
        Some(v) if !v.is_finite() => Err(MakeError::BadKwarg {
            key: GOAL_VELOCITY.name.to_string(),
            value: kw.raw(GOAL_VELOCITY.name).unwrap_or_default().to_string(),
            expected: "a finite number",
        }),
        other => Ok(other),
    }
}

fn build(kw: &Kwargs<'_>) -> Result<BoxedEnv, MakeError> {
    let mut params = MountainCarParams::default();
    if let Some(v) = goal_velocity(kw)? {
        params.goal_velocity = v;
    }
    kw.finish(MountainCar::new(params))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::make;

    /// `(start, action, next state)` as Gymnasium 1.4 computes them (`repr` of
    /// `env.unwrapped.state` after the step).
    const GYMNASIUM: [([f64; 2], usize, [f64; 2]); 5] = [
        (
            [-0.5, 0.0],
            0,
            [-0.5011768430041692, -0.0011768430041692573],
        ),
        (
            [-0.5, 0.0],
            1,
            [-0.5001768430041692, -0.00017684300416925727],
        ),
        (
            [-0.5, 0.0],
            2,
            [-0.49917684300416926, 0.0008231569958307428],
        ),
        // Into the left wall: position clipped, velocity zeroed.
        ([-1.19, -0.05], 0, [-1.2, 0.0]),
        ([0.49, 0.01], 2, [0.5007484356665327, 0.01074843566653267]),
    ];

    #[test]
    fn one_step_matches_gymnasium() -> Result<(), EnvError> {
        let mut env = MountainCar::default();
        for (start, action, want) in GYMNASIUM {
            env.set_state(&start)?;
            let step = env.step(&action)?;
            assert_eq!(
                env.physical_state().map(f64::to_bits),
                want.map(f64::to_bits)
            );
            assert_eq!(step.obs, vec![want[0] as f32, want[1] as f32]);
            assert_eq!(step.reward, -1.0);
            // Only the last case reaches the flag (x ≥ 0.5) moving right.
            assert_eq!(step.terminated, start[0] == 0.49, "{start:?}");
        }
        // The gravity term by hand: from rest at x = -0.5 with no push,
        // v = cos(-1.5)·(-0.0025) and x moves by v.
        let v = (3.0f64 * -0.5).cos() * -0.0025;
        assert_eq!(GYMNASIUM[1].2, [-0.5 + v, v]);
        Ok(())
    }

    #[test]
    fn speed_and_track_are_clipped_and_the_wall_stops_the_car() -> Result<(), EnvError> {
        let mut env = MountainCar::default();
        // On the left slope both the push and the hill accelerate the car rightwards.
        env.set_state(&[-0.8, 0.069])?;
        env.step(&2)?;
        assert_eq!(env.physical_state()[1], 0.07);
        // At the valley's centre line x = 0 the hill pulls left: -0.0025 - 0.001.
        env.set_state(&[0.0, -0.069])?;
        env.step(&0)?;
        assert_eq!(env.physical_state()[1], -0.07);
        // At the right end the position is clipped (and the flag is passed: terminal).
        env.set_state(&[0.59, 0.05])?;
        let step = env.step(&2)?;
        assert_eq!(env.physical_state()[0], 0.6);
        assert!(step.terminated);
        // Against the left wall moving left the velocity is zeroed; moving right it is kept.
        env.set_state(&[-1.2, -0.01])?;
        env.step(&0)?;
        assert_eq!(env.physical_state(), [-1.2, 0.0]);
        Ok(())
    }

    #[test]
    fn goal_velocity_is_part_of_the_goal() -> Result<(), Box<dyn std::error::Error>> {
        let kwargs = [("goal_velocity".to_string(), "0.02".to_string())];
        let mut env = make("MountainCar-v0", &kwargs)?;
        env.set_state(&[0.49, 0.01])?;
        // Past the flag at v ≈ 0.0107 < 0.02: not yet.
        assert!(!env.step(&Value::Int(2))?.terminated);
        let mut env = make("MountainCar-v0", &[])?;
        env.set_state(&[0.49, 0.01])?;
        assert!(env.step(&Value::Int(2))?.terminated);
        for bad in ["fast", "inf", "NaN"] {
            let kwargs = [("goal_velocity".to_string(), bad.to_string())];
            assert!(
                matches!(
                    make("MountainCar-v0", &kwargs),
                    Err(MakeError::BadKwarg { .. })
                ),
                "{bad}"
            );
        }
        Ok(())
    }

    #[test]
    fn make_applies_the_200_step_limit() -> Result<(), Box<dyn std::error::Error>> {
        let spec = crate::registry::spec("MountainCar-v0")?;
        assert_eq!(
            (spec.max_episode_steps, spec.reward_threshold),
            (Some(200), Some(-110.0))
        );
        let mut env = make("MountainCar-v0", &[])?;
        env.reset(Some(1));
        for t in 1..=200 {
            let step = env.step(&Value::Int(1))?;
            assert!(!step.terminated, "idling never reaches the flag");
            assert_eq!(step.truncated, t == 200);
        }
        assert_eq!(env.step(&Value::Int(1)), Err(EnvError::ResetNeeded));
        Ok(())
    }

    #[test]
    fn seeded_starts_repeat_and_lie_in_the_valley() {
        let (mut a, mut b) = (MountainCar::default(), MountainCar::default());
        assert_eq!(a.reset(Some(9)).0, b.reset(Some(9)).0);
        let mut seen = Vec::new();
        for _ in 0..300 {
            let (obs, _) = a.reset(None);
            let [x, v] = a.physical_state();
            assert!((START_LOW..START_HIGH).contains(&x) && v == 0.0);
            assert_eq!(obs, vec![x as f32, 0.0]);
            seen.push(x);
        }
        assert!(seen.iter().any(|x| *x < -0.58) && seen.iter().any(|x| *x > -0.42));
    }

    #[test]
    fn errors_before_reset_after_the_goal_and_for_bad_input() -> Result<(), EnvError> {
        let mut env = MountainCar::default();
        assert_eq!(env.step(&1), Err(EnvError::ResetNeeded));
        assert_eq!(env.state(), None);
        assert_eq!(env.render().err(), Some(EnvError::ResetNeeded));
        env.set_state(&[0.49, 0.01])?;
        assert!(env.step(&2)?.terminated);
        assert_eq!(env.step(&2), Err(EnvError::ResetNeeded));
        env.reset(Some(0));
        assert!(matches!(env.step(&3), Err(EnvError::InvalidAction { .. })));
        for bad in [&[0.0][..], &[0.0, 0.0, 0.0], &[f64::NAN, 0.0]] {
            assert!(matches!(
                env.set_state(bad),
                Err(EnvError::InvalidState { .. })
            ));
        }
        let frame = env.render()?;
        assert_eq!((frame.width, frame.height), (600, 400));
        Ok(())
    }
}
