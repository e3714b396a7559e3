use super::*;
use crate::registry::make;

use crate::classic_control::common::kw;

const START: [f64; 4] = [0.01, -0.02, 0.03, 0.04];

/// Next states from `START` as Gymnasium 1.4 computes them (`env.unwrapped.state = START`,
/// `step(a)`), printed with `repr`.
#[test]
fn one_step_matches_gymnasium_for_both_integrators() {
    let euler = CartPoleParams::default();
    let semi = CartPoleParams {
        kinematics_integrator: Integrator::SemiImplicitEuler,
        ..euler
    };
    let cases: [(&CartPoleParams, usize, [f64; 4]); 4] = [
        (
            &euler,
            0,
            [
                0.009600000000000001,
                -0.21553901710278936,
                0.030799999999999998,
                0.34199522377603914,
            ],
        ),
        (
            &euler,
            1,
            [
                0.009600000000000001,
                0.17467919574755525,
                0.030799999999999998,
                -0.2430687179600081,
            ],
        ),
        (
            &semi,
            0,
            [
                0.005689219657944213,
                -0.21553901710278936,
                0.03683990447552078,
                0.34199522377603914,
            ],
        ),
        (
            &semi,
            1,
            [
                0.013493583914951104,
                0.17467919574755525,
                0.025138625640799838,
                -0.2430687179600081,
            ],
        ),
    ];
    for (params, action, want) in cases {
        let got = step_physics(params, START, action);
        assert_eq!(
            got.map(f64::to_bits),
            want.map(f64::to_bits),
            "{params:?} {action}"
        );
    }
    // Explicit Euler moves the position with the old velocity: x + τ·ẋ.
    assert_eq!(step_physics(&euler, START, 1)[0], 0.01 + 0.02 * -0.02);
}

#[test]
fn observation_is_the_state_rounded_to_f32() -> Result<(), EnvError> {
    let mut env = CartPole::default();
    let obs = env.set_state(&START)?;
    assert_eq!(obs, vec![0.01f32, -0.02, 0.03, 0.04]);
    let step = env.step(&0)?;
    let state = env.physical_state();
    assert_eq!(step.obs, state.map(|v| v as f32).to_vec());
    assert_eq!(env.state(), Some(Value::F64(state.to_vec())));
    Ok(())
}

#[test]
fn termination_bounds_are_strict() {
    let p = CartPoleParams::default();
    let theta = p.theta_threshold_radians;
    assert_eq!(theta, 0.20943951023931953);
    for (state, terminal) in [
        ([2.4, 0.0, 0.0, 0.0], false),
        ([-2.4, 0.0, 0.0, 0.0], false),
        ([2.4f64.next_up(), 0.0, 0.0, 0.0], true),
        ([(-2.4f64).next_down(), 0.0, 0.0, 0.0], true),
        ([0.0, 0.0, theta, 0.0], false),
        ([0.0, 0.0, -theta, 0.0], false),
        ([0.0, 0.0, theta.next_up(), 0.0], true),
        ([0.0, 0.0, (-theta).next_down(), 0.0], true),
        // Velocities never terminate.
        ([0.0, 1e9, 0.0, -1e9], false),
    ] {
        assert_eq!(is_terminated(&p, &state), terminal, "{state:?}");
    }
}

#[test]
fn terminal_step_pays_and_then_needs_reset() -> Result<(), EnvError> {
    let mut env = CartPole::default();
    env.set_state(&[2.39, 5.0, 0.0, 0.0])?;
    let step = env.step(&1)?;
    assert!(step.terminated && !step.truncated);
    assert_eq!(step.reward, 1.0);
    assert_eq!(env.step(&1), Err(EnvError::ResetNeeded));
    // The state stays readable after the end, and a set state resumes.
    assert!(env.state().is_some());
    env.set_state(&[0.0; 4])?;
    assert!(!env.step(&1)?.terminated);
    Ok(())
}

#[test]
fn sutton_barto_reward_is_zero_then_minus_one() -> Result<(), EnvError> {
    let params = CartPoleParams {
        sutton_barto_reward: true,
        ..CartPoleParams::default()
    };
    let mut env = CartPole::new(params);
    env.set_state(&[2.3, 0.0, 0.0, 0.0])?;
    assert_eq!(env.step(&1)?.reward, 0.0);
    env.set_state(&[2.39, 5.0, 0.0, 0.0])?;
    let last = env.step(&1)?;
    assert!(last.terminated);
    assert_eq!(last.reward, -1.0);
    Ok(())
}

#[test]
fn errors_before_reset_bad_actions_and_bad_states() {
    let mut env = CartPole::default();
    assert_eq!(env.step(&0), Err(EnvError::ResetNeeded));
    assert_eq!(env.state(), None);
    assert_eq!(env.render().err(), Some(EnvError::ResetNeeded));
    env.reset(Some(0));
    let frame = env.render().expect("a reset env renders");
    assert_eq!((frame.width, frame.height), (600, 400));
    assert!(matches!(env.step(&2), Err(EnvError::InvalidAction { .. })));
    assert!(matches!(
        env.validate_action(&2),
        Err(EnvError::InvalidAction { .. })
    ));
    let before = env.physical_state();
    for bad in [
        &[0.0; 3][..],
        &[0.0; 5],
        &[0.0, f64::NAN, 0.0, 0.0],
        &[f64::INFINITY, 0.0, 0.0, 0.0],
    ] {
        assert!(
            matches!(env.set_state(bad), Err(EnvError::InvalidState { .. })),
            "{bad:?}"
        );
    }
    assert_eq!(
        env.physical_state(),
        before,
        "a refused state changes nothing"
    );
}

#[test]
fn seeded_resets_repeat_and_unseeded_resets_continue() {
    let mut a = CartPole::default();
    let mut b = CartPole::default();
    let (first, _) = a.reset(Some(42));
    assert_eq!(b.reset(Some(42)).0, first);
    let (second, _) = a.reset(None);
    assert_ne!(second, first);
    assert_eq!(b.reset(None).0, second);
    for _ in 0..200 {
        let state = {
            a.reset(None);
            a.physical_state()
        };
        assert!(
            state.iter().all(|v| (START_LOW..START_HIGH).contains(v)),
            "{state:?}"
        );
    }
    // Same seed, same actions: the same trajectory.
    a.reset(Some(3));
    b.reset(Some(3));
    for t in 0..20 {
        let (x, y) = (a.step(&(t % 2)), b.step(&(t % 2)));
        assert_eq!(x, y);
    }
}

#[test]
fn make_applies_the_time_limit_and_kwargs() -> Result<(), Box<dyn std::error::Error>> {
    let spec = crate::registry::spec("CartPole-v1")?;
    assert_eq!(spec.max_episode_steps, Some(500));
    assert_eq!(spec.reward_threshold, Some(475.0));
    let mut env = make("CartPole-v1", &[])?;
    env.reset(Some(0));
    for t in 1..=500 {
        // Re-centre each step so that only the time limit can end the episode.
        env.set_state(&[0.0; 4])?;
        let step = env.step(&Value::Int(1))?;
        assert!(!step.terminated);
        assert_eq!(step.truncated, t == 500, "step {t}");
    }
    assert_eq!(env.step(&Value::Int(1)), Err(EnvError::ResetNeeded));

    let mut env = make(
        "CartPole-v1",
        &kw(&[
            ("sutton_barto_reward", "True"),
            ("kinematics_integrator", "semi-implicit euler"),
        ]),
    )?;
    env.set_state(&START)?;
    let step = env.step(&Value::Int(1))?;
    assert_eq!(step.reward, 0.0);
    let want = [
        0.013493583914951104,
        0.17467919574755525,
        0.025138625640799838,
        -0.2430687179600081,
    ];
    assert_eq!(env.state(), Some(Value::F64(want.to_vec())));

    let err = make("CartPole-v1", &kw(&[("kinematics_integrator", "rk4")]));
    assert!(matches!(err, Err(MakeError::BadKwarg { .. })));
    let err = make("CartPole-v1", &kw(&[("sutton_barto_reward", "maybe")]));
    assert!(matches!(err, Err(MakeError::BadKwarg { .. })));
    Ok(())
}

#[test]
fn params_round_trip_through_serde_with_gymnasium_defaults() -> Result<(), serde_json::Error> {
    let params: CartPoleParams =
        serde_json::from_str(r#"{"kinematics_integrator": "semi-implicit euler"}"#)?;
    assert_eq!(params.kinematics_integrator, Integrator::SemiImplicitEuler);
    assert_eq!(params.tau, 0.02);
    assert_eq!(params.gravity, 9.8);
    let text = serde_json::to_string(&CartPoleParams::default())?;
    assert_eq!(
        serde_json::from_str::<CartPoleParams>(&text)?,
        CartPoleParams::default()
    );
    Ok(())
}

#[test]
fn observation_space_has_gymnasium_bounds() {
    let Space::Box(b) = CartPole::default().observation_space() else {
        panic!("CartPole observes a box");
    };
    assert_eq!(b.dtype, DType::F32);
    assert_eq!(b.high[0], 4.8);
    assert_eq!(b.high[1], f64::INFINITY);
    assert_eq!(b.high[2] as f32, 0.41887903f32);
    assert_eq!(b.low[2], -b.high[2]);
}
