//! Tests of MountainCarContinuous: values from Gymnasium 1.4, and the straight-line step
//! against a literal model of numpy 2's promotion rules.

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
    assert_eq!(next32, [0.0018452238f32, -0.023701785]);
    assert_eq!(next64, [0.0018452235f32, -0.023701785]);
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
fn actions_out_of_range_are_clipped_but_nan_and_wrong_lengths_are_refused() -> Result<(), EnvError>
{
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
fn make_applies_the_999_step_limit_and_goal_velocity() -> Result<(), Box<dyn std::error::Error>> {
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

/// numpy 2's scalar arithmetic, literally: every intermediate carries its kind, and each
/// operation promotes as NEP 50 says. The step below is Gymnasium's, line by line, on these
/// values; the straight-line step must agree with it bit for bit.
mod numpy {
    use super::super::{ContinuousMountainCarParams, MAX_ACTION, MIN_ACTION};

    /// A numpy 2 scalar as the step sees it: the value and the kind that decides how it
    /// combines.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub(super) enum Num {
        /// `np.float32`.
        F32(f32),
        /// `np.float64`.
        F64(f64),
        /// A Python `float` (or `int`): weak, it takes the dtype of a numpy operand.
        Py(f64),
    }

    enum Promoted {
        F32(f32, f32),
        F64(f64, f64),
    }

    impl Num {
        fn widen(self) -> f64 {
            match self {
                Num::F32(v) => f64::from(v),
                Num::F64(v) | Num::Py(v) => v,
            }
        }

        /// NEP 50: any `float64` wins; `float32` with a Python float stays `float32` (the
        /// Python float rounded to it); two Python floats stay Python floats (evaluated in
        /// `f64`, tagged back by [`Num::apply`]).
        fn promote(self, other: Num) -> Promoted {
            match (self, other) {
                (Num::F64(_), _) | (_, Num::F64(_)) | (Num::Py(_), Num::Py(_)) => {
                    Promoted::F64(self.widen(), other.widen())
                }
                (Num::F32(a), Num::F32(b)) => Promoted::F32(a, b),
                (Num::F32(a), Num::Py(b)) => Promoted::F32(a, b as f32),
                (Num::Py(a), Num::F32(b)) => Promoted::F32(a as f32, b),
            }
        }

        fn apply(
            self,
            other: Num,
            f32_op: fn(f32, f32) -> f32,
            f64_op: fn(f64, f64) -> f64,
        ) -> Num {
            let both_py = matches!((self, other), (Num::Py(_), Num::Py(_)));
            match self.promote(other) {
                Promoted::F32(a, b) => Num::F32(f32_op(a, b)),
                Promoted::F64(a, b) if both_py => Num::Py(f64_op(a, b)),
                Promoted::F64(a, b) => Num::F64(f64_op(a, b)),
            }
        }

        pub(super) fn add(self, other: Num) -> Num {
            self.apply(other, |a, b| a + b, |a, b| a + b)
        }

        pub(super) fn sub(self, other: Num) -> Num {
            self.apply(other, |a, b| a - b, |a, b| a - b)
        }

        pub(super) fn mul(self, other: Num) -> Num {
            self.apply(other, |a, b| a * b, |a, b| a * b)
        }

        pub(super) fn lt(self, other: Num) -> bool {
            match self.promote(other) {
                Promoted::F32(a, b) => a < b,
                Promoted::F64(a, b) => a < b,
            }
        }

        pub(super) fn gt(self, other: Num) -> bool {
            other.lt(self)
        }

        pub(super) fn ge(self, other: Num) -> bool {
            match self.promote(other) {
                Promoted::F32(a, b) => a >= b,
                Promoted::F64(a, b) => a >= b,
            }
        }

        pub(super) fn eq(self, other: Num) -> bool {
            match self.promote(other) {
                Promoted::F32(a, b) => a == b,
                Promoted::F64(a, b) => a == b,
            }
        }

        /// The value stored into a `float32` array.
        pub(super) fn to_f32(self) -> f32 {
            match self {
                Num::F32(v) => v,
                Num::F64(v) | Num::Py(v) => v as f32,
            }
        }
    }

    /// Gymnasium's `step` on numpy scalars: the next `float32` state and the terminal flag.
    pub(super) fn step(
        p: &ContinuousMountainCarParams,
        state: [Num; 2],
        action: f32,
    ) -> ([f32; 2], bool) {
        let py = Num::Py;
        let [mut position, mut velocity] = state;
        let a = Num::F32(action);
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
        ([position.to_f32(), velocity.to_f32()], terminated)
    }
}

use numpy::Num;
use proptest::prelude::*;

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
    // A clipped velocity is a Python float: against goal_velocity it compares in f64, where
    // the float32 it is stored as would compare in f32 and pass.
    let goal = 0.070_000_000_01;
    assert!(!Num::Py(0.07).ge(Num::Py(goal)) && Num::F32(0.07).ge(Num::Py(goal)));
}

/// Positions and velocities that reach every clip: the walls, the speed limit, the goal.
fn component(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    prop_oneof![
        lo..hi,
        Just(lo),
        Just(hi),
        (lo - 0.1)..(lo + 0.1),
        (hi - 0.1)..(hi + 0.1),
        Just(0.0),
    ]
}

fn action() -> impl Strategy<Value = f32> {
    prop_oneof![
        -1.5f32..1.5,
        Just(1.0f32),
        Just(-1.0f32),
        Just(f32::from_bits(1.0f32.to_bits() + 1)),
        Just(f32::from_bits((-1.0f32).to_bits() + 1)),
        Just(0.0f32),
        Just(-0.0f32),
        Just(f32::INFINITY),
        Just(f32::NEG_INFINITY),
        -100.0f32..100.0,
    ]
}

fn params() -> impl Strategy<Value = ContinuousMountainCarParams> {
    let d = ContinuousMountainCarParams::default();
    (
        prop_oneof![
            Just(d.goal_velocity),
            Just(d.max_speed),
            Just(d.max_speed + 1e-11),
            Just(d.max_speed - 1e-11),
            -0.1f64..0.1
        ],
        prop_oneof![Just(d.goal_position), -1.2f64..0.6],
        prop_oneof![Just(d.power), 0.0f64..0.1],
    )
        .prop_map(
            move |(goal_velocity, goal_position, power)| ContinuousMountainCarParams {
                goal_velocity,
                goal_position,
                power,
                ..d
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// Both cases of the straight-line step equal numpy's rules applied literally.
    #[test]
    fn the_step_follows_numpy_promotion_exactly(
        p in params(),
        x in component(-1.2, 0.6),
        v in component(-0.07, 0.07),
        a in action(),
    ) {
        let (next, reward, terminated) = step_physics(&p, State::F64([x, v]), a);
        let (want, want_terminated) = numpy::step(&p, [Num::F64(x), Num::F64(v)], a);
        prop_assert_eq!(next, want);
        prop_assert_eq!(terminated, want_terminated);
        // Python: `reward = 100.0 if terminated else 0`, then `-= math.pow(a, 2) * 0.1`.
        let base = if want_terminated { 100.0 } else { 0.0 };
        let want_reward = base - f64::from(a).powf(std::hint::black_box(2.0)) * 0.1;
        prop_assert_eq!(reward.to_bits(), want_reward.to_bits());

        let (x32, v32) = (x as f32, v as f32);
        let (next, _, terminated) = step_physics(&p, State::F32([x32, v32]), a);
        let (want, want_terminated) = numpy::step(&p, [Num::F32(x32), Num::F32(v32)], a);
        prop_assert_eq!(next, want);
        prop_assert_eq!(terminated, want_terminated);
    }
}
