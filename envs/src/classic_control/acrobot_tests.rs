use super::*;
use crate::classic_control::common::kw;
use crate::registry::make;

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn state_of(env: &Acrobot) -> [f64; 4] {
    match env.state() {
        Some(Value::F64(s)) => s.try_into().expect("four entries"),
        other => panic!("unexpected state {other:?}"),
    }
}

#[test]
fn reset_draws_float32_states_in_the_start_box() {
    let mut env = Acrobot::default();
    for seed in 0..50 {
        let (obs, _) = env.reset(Some(seed));
        let s = state_of(&env);
        for x in s {
            assert!((-0.1..=0.1).contains(&x), "seed {seed}: {s:?}");
            assert_eq!(f64::from(x as f32), x, "stored as float32");
        }
        assert_eq!(obs[4], s[2] as f32);
        assert_eq!(obs[5], s[3] as f32);
        assert!((obs[0] - s[0].cos() as f32).abs() <= 2.0 * f32::EPSILON);
        assert!(env.observation_space().contains(&Value::F32(obs)));
    }
}

#[test]
fn same_seed_same_trajectory_and_none_continues_the_stream() -> Result<(), EnvError> {
    let run = |env: &mut Acrobot, seed: Option<u64>| -> Result<Vec<Vec<f32>>, EnvError> {
        let (first, _) = env.reset(seed);
        let mut out = vec![first];
        for t in 0..40 {
            out.push(env.step(&(t % 3))?.obs);
        }
        Ok(out)
    };
    let mut a = Acrobot::default();
    let mut b = Acrobot::default();
    assert_eq!(run(&mut a, Some(7))?, run(&mut b, Some(7))?);
    let second_a = run(&mut a, None)?;
    assert_eq!(second_a, run(&mut b, None)?);
    assert_ne!(second_a[0], run(&mut b, Some(7))?[0]);
    Ok(())
}

#[test]
fn one_step_from_rest_pushes_the_arm_the_way_of_the_torque() -> Result<(), EnvError> {
    // Hanging still with torque +1 the elbow accelerates at 1/(1.25 - 1.75²/4.5) = 1.756 rad/s²
    // and the shoulder at -1.75/4.5 of that; over 0.2 s the velocities are about a·dt
    // (Gymnasium: θ̇2 = 0.3345, θ̇1 = -0.1287; the accelerations fade as the arm moves).
    let mut env = Acrobot::default();
    env.set_state(&[0.0; 4])?;
    let step = env.step(&2)?;
    let [theta1, theta2, dtheta1, dtheta2] = state_of(&env);
    assert!((dtheta2 - 1.756 * 0.2).abs() < 0.03, "{dtheta2}");
    assert!(
        (dtheta1 + 1.756 * 0.2 * 1.75 / 4.5).abs() < 0.03,
        "{dtheta1}"
    );
    assert!(theta2 > 0.0 && theta1 < 0.0);
    assert_eq!(step.reward, -1.0);
    assert!(!step.terminated && !step.truncated);
    // No torque at rest: nothing moves (the forces are below 1e-15).
    env.set_state(&[0.0; 4])?;
    env.step(&1)?;
    assert!(state_of(&env).iter().all(|x| x.abs() < 1e-15));
    Ok(())
}

#[test]
fn angles_wrap_into_minus_pi_pi() -> Result<(), EnvError> {
    // Just short of π and spinning forward: the step carries θ1 past π, and it comes back
    // one turn lower.
    let mut env = Acrobot::default();
    env.set_state(&[3.1, -3.1, 2.0, -2.0])?;
    env.step(&1)?;
    let [theta1, theta2, ..] = state_of(&env);
    assert!((-PI..0.0).contains(&theta1), "{theta1}");
    assert!(theta2 > 0.0 && theta2 <= PI, "{theta2}");
    Ok(())
}

#[test]
fn velocities_are_clipped_to_their_bounds() -> Result<(), EnvError> {
    let mut env = Acrobot::default();
    // Gymnasium clips these two starts to (4π, -9π) and (-4π, 9π) after one idle step.
    for (start, want) in [
        ([0.0, 0.0, 20.0, -40.0], [4.0 * PI, -9.0 * PI]),
        ([0.0, 0.0, 100.0, -100.0], [-4.0 * PI, 9.0 * PI]),
    ] {
        env.set_state(&start)?;
        let obs = env.step(&1)?.obs;
        let [_, _, dtheta1, dtheta2] = state_of(&env);
        assert_eq!([dtheta1, dtheta2], want, "from {start:?}");
        assert!(env.observation_space().contains(&Value::F32(obs)));
    }
    Ok(())
}

#[test]
fn reaching_the_line_terminates_with_reward_zero() -> Result<(), EnvError> {
    // Both links straight up: the tip is 2 above the pivot, above the line at 1.
    let mut env = Acrobot::default();
    env.set_state(&[PI, 0.0, 0.0, 0.0])?;
    let step = env.step(&1)?;
    assert!(step.terminated && !step.truncated);
    assert_eq!(step.reward, 0.0);
    assert_eq!(env.step(&1), Err(EnvError::ResetNeeded));
    // Straight out sideways the tip is level with the pivot: not terminal.
    env.set_state(&[PI / 2.0, 0.0, 0.0, 0.0])?;
    assert!(!env.step(&1)?.terminated);
    Ok(())
}

#[test]
fn stepping_needs_a_reset_and_a_valid_action() {
    let mut env = Acrobot::default();
    assert_eq!(env.step(&0), Err(EnvError::ResetNeeded));
    assert_eq!(env.state(), None);
    env.reset(Some(0));
    assert!(matches!(env.step(&3), Err(EnvError::InvalidAction { .. })));
    assert!(env.validate_action(&2).is_ok());
    assert!(env.step(&2).is_ok());
}

#[test]
fn set_state_checks_its_input_and_refusals_change_nothing() -> Result<(), EnvError> {
    let mut env = Acrobot::default();
    env.reset(Some(3));
    let before = env.state();
    assert!(matches!(
        env.set_state(&[0.0; 3]),
        Err(EnvError::InvalidState { .. })
    ));
    assert!(matches!(
        env.set_state(&[0.0, f64::NAN, 0.0, 0.0]),
        Err(EnvError::InvalidState { .. })
    ));
    assert_eq!(env.state(), before);
    let obs = env.set_state(&[0.5, -0.25, 1.0, -2.0])?;
    assert_eq!(env.state(), Some(Value::F64(vec![0.5, -0.25, 1.0, -2.0])));
    assert_eq!(obs[4..], [1.0, -2.0]);
    Ok(())
}

#[test]
fn set_state_is_float64_even_for_float32_exact_values() -> Result<(), EnvError> {
    // Gymnasium 1.4 / NumPy 2.4 (x86-64, glibc): after `env.unwrapped.state =
    // np.array([-2.984375, 0, 0, 0])` (float64), `_get_ob()` has these float32 bits; with a
    // float32 array of the same values sin θ1 is 0xbe205417 instead (NumPy's float32 kernel).
    // -2.984375 is exactly a float32, which must not make set_state guess a float32 state.
    let mut env = Acrobot::default();
    let obs = env.set_state(&[-2.984375, 0.0, 0.0, 0.0])?;
    assert_eq!(
        bits(&obs),
        [0xbf7c_d7ba, 0xbe20_5418, 0x3f80_0000, 0, 0, 0],
        "{obs:?}"
    );
    let reset = env.set_reset_state([-2.984375, 0.0, 0.0, 0.0])?;
    assert_eq!(
        bits(&reset),
        [0xbf7c_d7ba, 0xbe20_5417, 0x3f80_0000, 0, 0, 0],
        "{reset:?}"
    );
    Ok(())
}

#[test]
fn reset_states_observe_through_numpys_float32_kernel() -> Result<(), EnvError> {
    // NumPy 2.4 on x86-64: np.cos(np.float32(bits 0x3c3f3531)) has bits 0x3f7ffb89, while
    // float64 cos rounded to float32 gives 0x3f7ffb8a. A reset state is float32 in Gymnasium,
    // so replaying one (set_reset_state) must observe the former; the same value set as a
    // float64 state (set_state) observes the latter, as Gymnasium does.
    let theta = f32::from_bits(0x3c3f_3531);
    let mut env = Acrobot::default();
    let obs = env.set_reset_state([theta, 0.0, 0.0, 0.0])?;
    assert_eq!(obs[0].to_bits(), 0x3f7f_fb89);
    assert_eq!(state_of(&env), [f64::from(theta), 0.0, 0.0, 0.0]);
    let f64_obs = env.set_state(&[f64::from(theta), 0.0, 0.0, 0.0])?;
    assert_eq!(f64_obs[0].to_bits(), 0x3f7f_fb8a);
    // The dynamics do not care which way the state was set: only the first observation does.
    let a = env.step(&2)?;
    env.set_reset_state([theta, 0.0, 0.0, 0.0])?;
    let b = env.step(&2)?;
    assert_eq!(a.obs, b.obs);
    // A reset state stays float32 only until the first step; a reset draws one.
    env.reset(Some(4));
    let s = state_of(&env).map(|x| x as f32);
    assert_eq!(env.set_reset_state(s)?, env.reset(Some(4)).0);
    // Non-finite entries are refused and change nothing.
    let before = env.state();
    assert!(matches!(
        env.set_reset_state([0.0, f32::NAN, 0.0, 0.0]),
        Err(EnvError::InvalidState { .. })
    ));
    assert!(matches!(
        env.set_reset_state([f32::INFINITY, 0.0, 0.0, 0.0]),
        Err(EnvError::InvalidState { .. })
    ));
    assert_eq!(env.state(), before);
    Ok(())
}

#[test]
fn a_hundred_steps_match_gymnasium_bit_for_bit() -> Result<(), EnvError> {
    // Recorded with Gymnasium 1.4 / NumPy 2.4 (x86-64, glibc): AcrobotEnv(), reset(seed=0),
    // env.state = np.array([1.0, -2.0, 3.0, -5.0]), then the actions below; state printed
    // with float.hex and the last observation as float32 bits.
    let mut env = Acrobot::default();
    env.set_state(&[1.0, -2.0, 3.0, -5.0])?;
    let mut last = Vec::new();
    for _ in 0..10 {
        for a in [2, 2, 2, 0, 0, 0, 1, 2, 0, 2] {
            let step = env.step(&a)?;
            assert!(!step.terminated);
            last = step.obs;
        }
    }
    let want: [u64; 4] = [
        0xbfd6_fbff_387f_5348,
        0x3fe1_1f9b_15d5_e6ac,
        0x3ff4_98fd_7017_ef74,
        0x4010_8f97_ad9d_7524,
    ];
    assert_eq!(state_of(&env).map(f64::to_bits), want);
    let want_obs = [
        0x3f6f_aafb,
        0xbeb3_f2a1,
        0x3f5c_36f4,
        0x3f02_8b0a,
        0x3fa4_c7ec,
        0x4084_7cbd,
    ];
    assert_eq!(bits(&last), want_obs);
    Ok(())
}

#[test]
fn make_applies_the_500_step_limit() -> Result<(), Box<dyn std::error::Error>> {
    let mut env = make("Acrobot-v1", &[])?;
    env.reset(Some(0));
    // No torque from a near-still start never reaches the line.
    let still = Value::Int(1);
    for t in 1..=500 {
        let step = env.step(&still)?;
        assert!(!step.terminated);
        assert_eq!(step.truncated, t == 500, "step {t}");
    }
    let spec = crate::registry::spec("Acrobot-v1")?;
    assert_eq!(spec.reward_threshold, Some(-100.0));
    Ok(())
}

#[test]
fn make_parses_and_checks_the_kwargs() -> Result<(), Box<dyn std::error::Error>> {
    let mut nips = make(
        "Acrobot-v1",
        &kw(&[
            ("book_or_nips", "nips"),
            ("dt", "0.1"),
            ("max_episode_steps", "3"),
        ]),
    )?;
    let mut book = make("Acrobot-v1", &[])?;
    nips.set_state(&[0.3, 0.4, 2.0, -1.0])?;
    book.set_state(&[0.3, 0.4, 2.0, -1.0])?;
    assert_ne!(
        nips.step(&Value::Int(2))?.obs,
        book.step(&Value::Int(2))?.obs
    );
    assert!(matches!(
        make("Acrobot-v1", &kw(&[("book_or_nips", "paper")])),
        Err(MakeError::BadKwarg { .. })
    ));
    for (key, value, range) in [
        ("dt", "-0.1", "(0, 10]"),
        ("dt", "0", "(0, 10]"),
        ("dt", "inf", "(0, 10]"),
        ("dt", "NaN", "(0, 10]"),
        ("dt", "10.001", "(0, 10]"),
        ("dt", "1e308", "(0, 10]"),
        ("torque_noise_max", "-1", "[0, 1000]"),
        ("torque_noise_max", "1000.5", "[0, 1000]"),
        ("torque_noise_max", "1e308", "[0, 1000]"),
    ] {
        match make("Acrobot-v1", &kw(&[(key, value)])) {
            Err(MakeError::InvalidConfig { id, reason }) => {
                assert_eq!(id, "Acrobot-v1");
                assert!(
                    reason.contains(key) && reason.contains(range),
                    "{key}={value}: {reason}"
                );
            }
            other => panic!("{key}={value}: {:?}", other.map(|_| "an env")),
        }
    }
    // The typed constructor refuses the same configs.
    let huge_dt = AcrobotConfig {
        dt: 1e308,
        ..AcrobotConfig::default()
    };
    assert_eq!(
        Acrobot::new(huge_dt).map(|_| ()),
        Err(ConfigRangeError {
            name: "dt",
            value: 1e308,
            range: ACROBOT_DT_RANGE
        })
    );
    Ok(())
}

#[test]
fn torque_noise_is_seeded() -> Result<(), EnvError> {
    let config = AcrobotConfig {
        torque_noise_max: 0.5,
        ..AcrobotConfig::default()
    };
    let mut a = Acrobot::new(config).expect("noise 0.5 is in range");
    let mut b = Acrobot::new(config).expect("noise 0.5 is in range");
    let mut quiet = Acrobot::default();
    a.reset(Some(1));
    b.reset(Some(1));
    quiet.reset(Some(1));
    let (sa, sb, sq) = (a.step(&1)?, b.step(&1)?, quiet.step(&1)?);
    assert_eq!(sa.obs, sb.obs);
    assert_ne!(sa.obs, sq.obs);
    Ok(())
}

#[test]
fn render_draws_the_current_arm() -> Result<(), EnvError> {
    let mut env = Acrobot::default();
    assert_eq!(env.render(), Err(EnvError::ResetNeeded));
    env.set_state(&[0.0; 4])?;
    let down = env.render()?;
    assert_eq!((down.width, down.height), (500, 500));
    // Hanging down, the pixel halfway along the first link (0.5 m below the pivot) is link
    // colour; with the arm straight up it is background.
    let probe = (
        250,
        250 + (0.5 * crate::render::classic::ACROBOT_SCALE) as u32,
    );
    assert_eq!(down.pixel(probe.0, probe.1), Some([0, 204, 204]));
    env.set_state(&[PI, 0.0, 0.0, 0.0])?;
    assert_eq!(env.render()?.pixel(probe.0, probe.1), Some([255, 255, 255]));
    Ok(())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// At the edges of the allowed ranges (10 s steps, noise 1000) and from any start within
    /// the velocity bounds, every state and observation stays finite: the ranges are what
    /// keeps Gymnasium's `dt = 1e308` NaN out.
    #[test]
    fn states_stay_finite_within_the_config_ranges(
        dt in proptest::prop_oneof![0.001f64..=10.0, proptest::strategy::Just(10.0)],
        noise in proptest::prop_oneof![0.0f64..=1000.0, proptest::strategy::Just(1000.0)],
        start in proptest::array::uniform4(-1.0f64..=1.0),
        seed: u64,
    ) {
        let config = AcrobotConfig { dt, torque_noise_max: noise, ..AcrobotConfig::default() };
        let mut env = Acrobot::new(config).expect("in range");
        env.reset(Some(seed));
        let [a, b, c, d] = start;
        env.set_state(&[a * PI, b * PI, c * MAX_VEL_1, d * MAX_VEL_2]).expect("finite");
        for t in 0..100usize {
            let step = env.step(&(t % 3)).expect("running");
            proptest::prop_assert!(step.obs.iter().all(|x| x.is_finite()), "{:?}", step.obs);
            proptest::prop_assert!(state_of(&env).iter().all(|x| x.is_finite()));
            if step.terminated {
                break;
            }
        }
    }
}
