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
//! `float32` against `float64` promotes to `float64`. Rather than hand-derive every case, the
//! step below runs on `Num`, which carries each intermediate's numpy kind and applies those
//! rules, so the code reads as the dynamics and is exact by construction. One consequence worth
//! knowing: [`Env::state`] reports the stored `f32` values widened to `f64`, and setting that
//! state back makes it a `float64` state, whose next step can differ in the last bits from the
//! step the env would have taken (Gymnasium behaves the same way).

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

/// A numpy 2 scalar as the step sees it: the value and the kind that decides how it combines.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Num {
    /// `np.float32`.
    F32(f32),
    /// `np.float64`.
    F64(f64),
    /// A Python `float` (or `int`): weak, it takes the dtype of a numpy operand.
    Py(f64),
}

/// How a binary operation on two [`Num`]s is evaluated.
enum Promoted {
    F32(f32, f32),
    F64(f64, f64),
    Py(f64, f64),
}

impl Num {
    fn widen(self) -> f64 {
        match self {
            Num::F32(v) => f64::from(v),
            Num::F64(v) | Num::Py(v) => v,
        }
    }

    /// NEP 50: any `float64` wins; `float32` with a Python float stays `float32` (the
    /// Python float rounded to it); two Python floats stay Python floats.
    fn promote(self, other: Num) -> Promoted {
        match (self, other) {
            (Num::F64(_), _) | (_, Num::F64(_)) => Promoted::F64(self.widen(), other.widen()),
            (Num::F32(a), Num::F32(b)) => Promoted::F32(a, b),
            (Num::F32(a), Num::Py(b)) => Promoted::F32(a, b as f32),
            (Num::Py(a), Num::F32(b)) => Promoted::F32(a as f32, b),
            (Num::Py(a), Num::Py(b)) => Promoted::Py(a, b),
        }
    }

    fn apply(self, other: Num, f32_op: fn(f32, f32) -> f32, f64_op: fn(f64, f64) -> f64) -> Num {
        match self.promote(other) {
            Promoted::F32(a, b) => Num::F32(f32_op(a, b)),
            Promoted::F64(a, b) => Num::F64(f64_op(a, b)),
            Promoted::Py(a, b) => Num::Py(f64_op(a, b)),
        }
    }

    fn add(self, other: Num) -> Num {
        self.apply(other, |a, b| a + b, |a, b| a + b)
    }

    fn sub(self, other: Num) -> Num {
        self.apply(other, |a, b| a - b, |a, b| a - b)
    }

    fn mul(self, other: Num) -> Num {
        self.apply(other, |a, b| a * b, |a, b| a * b)
    }

    /// `self < other`, compared in the promoted type.
    fn lt(self, other: Num) -> bool {
        match self.promote(other) {
            Promoted::F32(a, b) => a < b,
            Promoted::F64(a, b) | Promoted::Py(a, b) => a < b,
        }
    }

    /// `self > other`, compared in the promoted type.
    fn gt(self, other: Num) -> bool {
        other.lt(self)
    }

    /// `self >= other`, compared in the promoted type.
    fn ge(self, other: Num) -> bool {
        match self.promote(other) {
            Promoted::F32(a, b) => a >= b,
            Promoted::F64(a, b) | Promoted::Py(a, b) => a >= b,
        }
    }

    /// `self == other`, compared in the promoted type.
    fn eq(self, other: Num) -> bool {
        match self.promote(other) {
            Promoted::F32(a, b) => a == b,
            Promoted::F64(a, b) | Promoted::Py(a, b) => a == b,
        }
    }

    /// The value stored into a `float32` array.
    fn to_f32(self) -> f32 {
        match self {
            Num::F32(v) => v,
            Num::F64(v) | Num::Py(v) => v as f32,
        }
    }
}

/// The state: `float64` from a reset or `set_state` until the first step, `float32` after.
#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    F64([f64; 2]),
    F32([f32; 2]),
}

impl State {
    fn nums(self) -> [Num; 2] {
        match self {
            State::F64(s) => s.map(Num::F64),
            State::F32(s) => s.map(Num::F32),
        }
    }

    fn widened(self) -> [f64; 2] {
        self.nums().map(Num::widen)
    }

    fn observe(self) -> Vec<f32> {
        self.nums().map(Num::to_f32).to_vec()
    }
}

/// One step: the next state, the reward and the terminal flag.
fn step_physics(p: &ContinuousMountainCarParams, state: State, action: f32) -> (State, f64, bool) {
    let py = Num::Py;
    let [mut position, mut velocity] = state.nums();
    let a = Num::F32(action);
    // Python's min(max(a, lo), hi): the action itself unless a bound is strictly beyond it.
    let mut force = a;
    if a.lt(py(MIN_ACTION)) {
        force = py(MIN_ACTION);
    }
    if force.gt(py(MAX_ACTION)) {
        force = py(MAX_ACTION);
    }
    let slope = py(p.gravity * py(3.0).mul(position).widen().cos());
    velocity = velocity.add(force.mul(py(p.power)).sub(slope));
    if velocity.gt(py(p.max_speed)) {
        velocity = py(p.max_speed);
    }
    if velocity.lt(py(-p.max_speed)) {
        velocity = py(-p.max_speed);
    }
    position = position.add(velocity);
    if position.gt(py(p.max_position)) {
        position = py(p.max_position);
    }
    if position.lt(py(p.min_position)) {
        position = py(p.min_position);
    }
    if position.eq(py(p.min_position)) && velocity.lt(py(0.0)) {
        velocity = py(0.0);
    }
    let terminated = position.ge(py(p.goal_position)) && velocity.ge(py(p.goal_velocity));
    // Python: `reward = 0` (or 100.0), then `reward -= math.pow(a, 2) * 0.1`: `0.0 - x`, never
    // `-x`, so that a zero action pays +0.0. `math.pow` is libm's `pow`, which differs from
    // `x * x` on some f64 inputs, but never on a widened f32: its square has at most 48
    // significant bits, so it is exact, and glibc's `pow` returns it exactly (checked for every
    // finite f32; `square_of_a_widened_f32_is_libm_pow` samples that). So `a * a` is exact
    // here, and saves the libm call.
    let base = if terminated { 100.0 } else { 0.0 };
    let a = f64::from(action);
    let reward = base - a * a * 0.1;
    let next = State::F32([position.to_f32(), velocity.to_f32()]);
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

    fn step(&mut self, action: &Vec<f32>) -> Result<Step<Vec<f32>>, EnvError> {
        self.phase.ensure_running()?;
        self.validate_action(action)?;
        let (state, reward, terminated) = step_physics(&self.params, self.state, action[0]);
        self.state = state;
        self.phase = Phase::after_step(terminated);
        Ok(Step {
            obs: self.state.observe(),
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
mod tests {
    use super::*;
    use crate::registry::make;

    fn bits(s: [f64; 2]) -> [u64; 2] {
        s.map(f64::to_bits)
    }

    /// From `[-0.5, 0.0]` (an f64 state, as after a reset) Gymnasium 1.4 goes through these
    /// states and rewards for throttles 0.5, 3.0 (clipped to 1, charged 0.9), 0.0 and -1.0.
    #[test]
    fn steps_match_gymnasium_across_the_f64_to_f32_switch() -> Result<(), EnvError> {
        let mut env = ContinuousMountainCar::default();
        env.set_state(&[-0.5, 0.0])?;
        assert!(!env.state_is_f32());
        let cases: [(f32, [f64; 2], f64); 4] = [
            (0.5, [-0.49942684173583984, 0.0005731569835916162], -0.025),
            (3.0, [-0.4975348114967346, 0.0018920262809842825], -0.9),
            (0.0, [-0.49583807587623596, 0.001696745865046978], 0.0),
            (-1.0, [-0.49584928154945374, -1.1218711733818054e-05], -0.1),
        ];
        for (action, state, reward) in cases {
            let step = env.step(&vec![action])?;
            assert!(env.state_is_f32());
            assert_eq!(bits(env.physical_state()), bits(state), "action {action}");
            assert_eq!(step.reward.to_bits(), reward.to_bits(), "action {action}");
            assert_eq!(step.obs, vec![state[0] as f32, state[1] as f32]);
        }
        Ok(())
    }

    #[test]
    fn zero_throttle_pays_positive_zero_and_the_goal_pays_100() -> Result<(), EnvError> {
        let mut env = ContinuousMountainCar::default();
        env.set_state(&[-0.5, 0.0])?;
        assert_eq!(env.step(&vec![0.0])?.reward.to_bits(), 0.0f64.to_bits());
        env.set_state(&[0.44, 0.02])?;
        let step = env.step(&vec![1.0])?;
        assert!(step.terminated);
        assert_eq!(step.reward, 99.9);
        assert_eq!(
            bits(env.physical_state()),
            bits([0.4608795642852783, 0.020879561081528664])
        );
        assert_eq!(env.step(&vec![0.0]), Err(EnvError::ResetNeeded));
        Ok(())
    }

    /// The same values step differently as a float32 state (after a step) and as a float64
    /// state (after `set_state`), exactly as in Gymnasium: `3·x` and the velocity update round
    /// to f32 in the first case. Values from Gymnasium 1.4.
    #[test]
    fn a_float32_state_steps_in_float32() {
        let p = ContinuousMountainCarParams::default();
        let s = [0.025547008961439133f64, -0.021959124132990837];
        let as_f32 = State::F32(s.map(|v| v as f32));
        let (next32, _, _) = step_physics(&p, as_f32, 0.5);
        let (next64, _, _) = step_physics(&p, State::F64(s), 0.5);
        assert_eq!(next32.observe(), vec![0.0018452238f32, -0.023701785]);
        assert_eq!(next64.observe(), vec![0.0018452235f32, -0.023701785]);
    }

    /// Python's `math.pow(a, 2)` for an f32 action is libm's `pow` on the widened value; it
    /// equals `a * a` because that square is exact. An exhaustive run over all finite f32
    /// found no exception with glibc; this samples every 4099th bit pattern.
    #[test]
    fn square_of_a_widened_f32_is_libm_pow() {
        let mut checked = 0;
        for bits in (0..=u32::MAX).step_by(4099) {
            let x = f64::from(f32::from_bits(bits));
            if x.is_finite() {
                let libm = x.powf(std::hint::black_box(2.0));
                assert_eq!(libm.to_bits(), (x * x).to_bits(), "{x:e}");
                checked += 1;
            }
        }
        assert!(checked > 1_000_000);
    }

    #[test]
    fn numpy_promotion_rules() {
        let x = 0.1f32;
        // float32 with a Python float: float32 arithmetic, the Python float rounded first.
        assert_eq!(Num::F32(x).add(Num::Py(0.2)), Num::F32(x + 0.2f32));
        // float32 with float64: float64.
        assert_eq!(Num::F32(x).add(Num::F64(0.2)), Num::F64(f64::from(x) + 0.2));
        assert_eq!(Num::Py(0.1).mul(Num::Py(3.0)), Num::Py(0.1 * 3.0));
        // Comparisons too: np.float32(0.07) > 0.07 is False, though 0.07f32 > 0.07 in f64.
        let v = Num::F32(0.07);
        assert!(f64::from(0.07f32) > 0.07);
        assert!(!v.gt(Num::Py(0.07)) && v.eq(Num::Py(0.07)) && v.ge(Num::Py(0.07)));
        assert!(Num::F64(f64::from(0.07f32)).gt(Num::Py(0.07)));
    }

    #[test]
    fn actions_out_of_range_are_clipped_but_nan_and_wrong_lengths_are_refused()
    -> Result<(), EnvError> {
        let mut a = ContinuousMountainCar::default();
        let mut b = ContinuousMountainCar::default();
        a.set_state(&[-0.5, 0.0])?;
        b.set_state(&[-0.5, 0.0])?;
        let big = a.step(&vec![7.5])?;
        let one = b.step(&vec![1.0])?;
        assert_eq!(big.obs, one.obs, "7.5 pushes like 1");
        assert_eq!(
            big.reward,
            0.0 - 7.5f64 * 7.5 * 0.1,
            "but is charged unclipped"
        );
        assert_eq!(one.reward, -0.1);
        assert!(a.step(&vec![f32::NEG_INFINITY]).is_ok());
        for bad in [vec![], vec![0.0, 0.0], vec![f32::NAN]] {
            assert!(matches!(
                a.validate_action(&bad),
                Err(EnvError::InvalidAction { .. })
            ));
            assert!(matches!(a.step(&bad), Err(EnvError::InvalidAction { .. })));
        }
        assert!(a.action_space().contains(&Value::F32(vec![1.0])));
        Ok(())
    }

    #[test]
    fn make_applies_the_999_step_limit_and_goal_velocity() -> Result<(), Box<dyn std::error::Error>>
    {
        let spec = crate::registry::spec("MountainCarContinuous-v0")?;
        assert_eq!(
            (spec.max_episode_steps, spec.reward_threshold),
            (Some(999), Some(90.0))
        );
        let mut env = make("MountainCarContinuous-v0", &[])?;
        env.reset(Some(2));
        for t in 1..=999 {
            let step = env.step(&Value::F32(vec![0.0]))?;
            assert!(!step.terminated);
            assert_eq!(step.truncated, t == 999);
        }
        let kwargs = [("goal_velocity".to_string(), "0.05".to_string())];
        let mut env = make("MountainCarContinuous-v0", &kwargs)?;
        env.set_state(&[0.44, 0.02])?;
        assert!(!env.step(&Value::F32(vec![1.0]))?.terminated);
        Ok(())
    }

    #[test]
    fn seeding_state_and_set_state() -> Result<(), EnvError> {
        let (mut a, mut b) = (
            ContinuousMountainCar::default(),
            ContinuousMountainCar::default(),
        );
        assert_eq!(a.state(), None);
        assert_eq!(a.step(&vec![0.0]), Err(EnvError::ResetNeeded));
        assert_eq!(a.reset(Some(5)).0, b.reset(Some(5)).0);
        let [x, v] = a.physical_state();
        assert!((START_LOW..START_HIGH).contains(&x) && v == 0.0);
        for t in 0..50 {
            let action = vec![(t as f32 * 0.37).sin() * 2.0];
            assert_eq!(a.step(&action), b.step(&action));
        }
        // state() reports the f32 state widened; setting it back makes it an f64 state.
        let Some(Value::F64(state)) = a.state() else {
            panic!("state() is F64");
        };
        assert!(state.iter().all(|s| f64::from(*s as f32) == *s));
        a.set_state(&state)?;
        assert!(!a.state_is_f32());
        for bad in [&[0.0][..], &[f64::INFINITY, 0.0]] {
            assert!(matches!(
                a.set_state(bad),
                Err(EnvError::InvalidState { .. })
            ));
        }
        assert_eq!(a.render()?.width, 600);
        Ok(())
    }
}
