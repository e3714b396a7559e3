use super::*;
use crate::classic_control::common::kw;
use crate::registry::make;

fn state_of(env: &Pendulum) -> [f64; 2] {
    match env.state() {
        Some(Value::F64(s)) => s.try_into().expect("two entries"),
        other => panic!("unexpected state {other:?}"),
    }
}

fn f64s(bits: [u64; 2]) -> [f64; 2] {
    bits.map(f64::from_bits)
}

#[test]
fn one_step_from_upright_matches_the_hand_computation() -> Result<(), EnvError> {
    // Upright and still, torque 1: cost = 0 + 0 + f32(0.001)·1, θ̇' = (15·sin 0 + 3·1)·0.05,
    // θ' = θ̇'·0.05.
    let mut env = Pendulum::default();
    env.set_state(&[0.0, 0.0])?;
    let step = env.step(&vec![1.0])?;
    assert_eq!(step.reward, -f64::from(0.001_f32));
    let theta_dot = 3.0 * 0.05;
    assert_eq!(state_of(&env), [theta_dot * 0.05, theta_dot]);
    assert_eq!(
        step.obs,
        vec![
            (theta_dot * 0.05).cos() as f32,
            (theta_dot * 0.05).sin() as f32,
            theta_dot as f32
        ]
    );
    assert!(!step.terminated && !step.truncated);
    Ok(())
}

#[test]
fn hanging_down_costs_pi_squared_and_gravity_pulls_it_further() -> Result<(), EnvError> {
    // θ = π normalises to -π: cost π²; sin(π) ≈ 1.2e-16, so the velocity barely changes.
    let mut env = Pendulum::default();
    env.set_state(&[PI, 0.0])?;
    let step = env.step(&vec![0.0])?;
    assert!((step.reward + PI * PI).abs() < 1e-12, "{}", step.reward);
    let [_, theta_dot] = state_of(&env);
    assert!(theta_dot > 0.0 && theta_dot < 1e-15);
    // Tilted off upright, gravity makes it fall further away: θ̇' = 15·sin(0.5)·0.05.
    env.set_state(&[0.5, 0.0])?;
    env.step(&vec![0.0])?;
    let [theta, theta_dot] = state_of(&env);
    assert_eq!(theta_dot, 15.0 * 0.5_f64.sin() * 0.05);
    assert!(theta > 0.5);
    Ok(())
}

#[test]
fn angle_normalize_is_floored() {
    assert_eq!(angle_normalize(0.0), 0.0);
    assert_eq!(angle_normalize(PI), -PI);
    assert_eq!(angle_normalize(-PI), -PI);
    assert!((angle_normalize(1.5 * PI) + 0.5 * PI).abs() < 1e-12);
    assert!((angle_normalize(-1.5 * PI) - 0.5 * PI).abs() < 1e-12);
    assert!((angle_normalize(7.0 * PI + 0.25) - (-PI + 0.25)).abs() < 1e-12);
}

#[test]
fn velocity_is_clipped_to_eight() -> Result<(), EnvError> {
    let mut env = Pendulum::default();
    // 7.99 + (15·sin(π/2) + 3·2)·0.05 = 9.04 > 8.
    env.set_state(&[PI / 2.0, 7.99])?;
    let obs = env.step(&vec![2.0])?.obs;
    assert_eq!(state_of(&env)[1], 8.0);
    assert_eq!(obs[2], 8.0);
    env.set_state(&[-PI / 2.0, -7.99])?;
    env.step(&vec![-2.0])?;
    assert_eq!(state_of(&env)[1], -8.0);
    Ok(())
}

#[test]
fn out_of_range_torques_are_clipped() -> Result<(), EnvError> {
    let run = |u: f32| -> Result<(Step<Vec<f32>>, Option<f32>), EnvError> {
        let mut env = Pendulum::default();
        env.set_state(&[1.0, -0.5])?;
        let step = env.step(&vec![u])?;
        Ok((step, env.last_torque()))
    };
    assert_eq!(run(5.0)?, run(2.0)?);
    assert_eq!(run(f32::NEG_INFINITY)?, run(-2.0)?);
    assert_eq!(run(7.5)?.1, Some(2.0));
    assert_ne!(run(1.0)?.0, run(2.0)?.0);
    Ok(())
}

#[test]
fn malformed_actions_and_unstarted_episodes_are_refused() {
    let mut env = Pendulum::default();
    assert_eq!(env.step(&vec![0.0]), Err(EnvError::ResetNeeded));
    assert_eq!(env.state(), None);
    env.reset(Some(0));
    for bad in [vec![], vec![0.0, 1.0], vec![f32::NAN]] {
        assert!(
            matches!(env.step(&bad), Err(EnvError::InvalidAction { .. })),
            "{bad:?}"
        );
    }
    assert!(env.validate_action(&vec![100.0]).is_ok());
    assert_eq!(env.last_torque(), None);
    assert!(env.step(&vec![0.5]).is_ok());
    assert_eq!(env.last_torque(), Some(0.5));
    env.reset(None);
    assert_eq!(env.last_torque(), None);
}

#[test]
fn set_state_checks_its_input() -> Result<(), EnvError> {
    let mut env = Pendulum::default();
    assert!(matches!(
        env.set_state(&[1.0]),
        Err(EnvError::InvalidState { .. })
    ));
    assert!(matches!(
        env.set_state(&[1.0, f64::INFINITY]),
        Err(EnvError::InvalidState { .. })
    ));
    assert_eq!(env.state(), None);
    let obs = env.set_state(&[0.25, 12.0])?;
    assert_eq!(
        obs,
        vec![0.25_f64.cos() as f32, 0.25_f64.sin() as f32, 12.0]
    );
    assert_eq!(env.state(), Some(Value::F64(vec![0.25, 12.0])));
    Ok(())
}

#[test]
fn reset_is_seeded_and_uniform_over_the_start_box() {
    let mut env = Pendulum::default();
    let (a, _) = env.reset(Some(11));
    let sa = state_of(&env);
    let (b, _) = env.reset(Some(11));
    assert_eq!((&a, sa), (&b, state_of(&env)));
    let (c, _) = env.reset(None);
    assert_ne!(b, c);
    let mut thetas = Vec::new();
    for seed in 0..200 {
        env.reset(Some(seed));
        let [theta, theta_dot] = state_of(&env);
        assert!((-PI..PI).contains(&theta) && (-1.0..1.0).contains(&theta_dot));
        thetas.push(theta);
    }
    // Both halves of the circle are visited.
    assert!(thetas.iter().any(|t| *t < -2.0) && thetas.iter().any(|t| *t > 2.0));
}

#[test]
fn float32_torque_terms_match_gymnasium() -> Result<(), EnvError> {
    // Recorded with Gymnasium 1.4 / NumPy 2.4 (x86-64, glibc), env.state set by hand and the
    // action a float32 array; results printed with float.hex.
    let mut env = Pendulum::default();
    // u = 3.7 clips to 2: the torque cost is f32(0.001)·4 = 0.004000000189989805.
    env.set_state(&[2.5, -0.7])?;
    let step = env.step(&vec![3.7])?;
    assert_eq!(step.reward.to_bits(), 0xc019_3645_a1ce_0419);
    assert_eq!(
        state_of(&env),
        f64s([0x4004_0500_ae5e_968a, 0x3fa9_0367_d8f0_b390])
    );
    // A torque whose powf(u, 2) differs from u·u in float32.
    env.set_state(&[0.3, 0.2])?;
    let step = env.step(&vec![f32::from_bits(0xbfcd_67b6)])?;
    assert_eq!(step.reward.to_bits(), 0xbfb8_b926_29d2_f1a3);
    assert_eq!(
        state_of(&env),
        f64s([0x3fd3_c76b_307e_aea9, 0x3fc7_28bf_93cb_4a80])
    );
    // A velocity whose pow(θ̇, 2) differs from θ̇·θ̇ in float64.
    env.set_state(&[0.0, f64::from_bits(0xc01d_0416_289c_5020)])?;
    let step = env.step(&vec![0.0])?;
    assert_eq!(step.reward.to_bits(), 0xc015_0c53_bf5d_737b);
    Ok(())
}

#[test]
fn fifty_steps_match_gymnasium_bit_for_bit() -> Result<(), EnvError> {
    // Gymnasium 1.4: PendulumEnv(), reset(seed=0), env.state = np.array([2.5, -0.7]), then
    // float32 actions [3.7, -0.4, 1.2, -2.9, 0.05] × 10.
    let mut env = Pendulum::default();
    env.set_state(&[2.5, -0.7])?;
    let mut last = None;
    for _ in 0..10 {
        for u in [3.7, -0.4, 1.2, -2.9, 0.05] {
            last = Some(env.step(&vec![u])?);
        }
    }
    let last = last.expect("fifty steps");
    assert_eq!(
        state_of(&env),
        f64s([0x400e_bb4f_102a_ed3b, 0x3fd7_db61_7a5b_01ba])
    );
    let obs: Vec<u32> = last.obs.iter().map(|x| x.to_bits()).collect();
    assert_eq!(obs, [0xbf43_d253, 0xbf24_e4c5, 0x3ebe_db0c]);
    assert_eq!(last.reward.to_bits(), 0xc018_7e83_442f_0ec7);
    Ok(())
}

#[test]
fn make_applies_the_200_step_limit_and_g() -> Result<(), Box<dyn std::error::Error>> {
    let mut env = make("Pendulum-v1", &[])?;
    env.reset(Some(0));
    let u = Value::F32(vec![0.0]);
    for t in 1..=200 {
        let step = env.step(&u)?;
        assert!(!step.terminated);
        assert_eq!(step.truncated, t == 200, "step {t}");
    }
    let mut moon = make("Pendulum-v1", &kw(&[("g", "1.62")]))?;
    let mut earth = make("Pendulum-v1", &[])?;
    moon.set_state(&[1.0, 0.0])?;
    earth.set_state(&[1.0, 0.0])?;
    let (m, e) = (moon.step(&u)?, earth.step(&u)?);
    assert_eq!(
        m.reward, e.reward,
        "the cost is of the state before the step"
    );
    assert_ne!(m.obs, e.obs);
    assert!(matches!(
        make("Pendulum-v1", &kw(&[("g", "heavy")])),
        Err(MakeError::BadKwarg { .. })
    ));
    assert_eq!(
        crate::registry::spec("Pendulum-v1")?.max_episode_steps,
        Some(200)
    );
    Ok(())
}

#[test]
fn g_outside_its_range_is_refused_naming_the_range() -> Result<(), Box<dyn std::error::Error>> {
    for value in ["nan", "inf", "-1e308", "1e308", "1000000.5", "-1e7"] {
        match make("Pendulum-v1", &kw(&[("g", value)])) {
            Err(MakeError::InvalidConfig { id, reason }) => {
                assert_eq!(id, "Pendulum-v1");
                assert!(reason.contains("[-1e6, 1e6]"), "g={value}: {reason}");
            }
            other => panic!("g={value}: {:?}", other.map(|_| "an env")),
        }
    }
    assert_eq!(
        Pendulum::new(PendulumConfig { g: -1e308 }).map(|_| ()),
        Err(ConfigRangeError {
            name: "g",
            value: -1e308,
            range: PENDULUM_G_RANGE
        })
    );
    // At the edges of the range the fastest swing stays finite (and clipped to ±8 rad/s).
    for g in ["1e6", "-1e6", "0"] {
        let mut env = make("Pendulum-v1", &kw(&[("g", g)]))?;
        env.set_state(&[1.0, 8.0])?;
        for _ in 0..50 {
            let step = env.step(&Value::F32(vec![2.0]))?;
            assert!(step.reward.is_finite(), "g={g}");
            match &step.obs {
                Value::F32(obs) => {
                    assert!(obs.iter().all(|x| x.is_finite()), "g={g}: {obs:?}");
                    assert!(obs[2].abs() <= 8.0, "g={g}: {obs:?}");
                }
                other => panic!("g={g}: {other}"),
            }
        }
    }
    Ok(())
}

#[test]
fn render_draws_the_rod_and_the_torque_arrow() -> Result<(), EnvError> {
    let mut env = Pendulum::default();
    assert_eq!(env.render(), Err(EnvError::ResetNeeded));
    env.set_state(&[0.0, 0.0])?;
    let upright = env.render()?;
    assert_eq!((upright.width, upright.height), (500, 500));
    // Upright, the pixel 0.6 m above the pivot is rod colour; hanging down it is background.
    let probe = (
        250,
        250 - (0.6 * crate::render::classic::PENDULUM_SCALE) as u32,
    );
    assert_eq!(upright.pixel(probe.0, probe.1), Some([204, 77, 77]));
    env.set_state(&[PI, 0.0])?;
    assert_eq!(env.render()?.pixel(probe.0, probe.1), Some([255, 255, 255]));
    // The torque arrow appears once a torque has been applied.
    let before = env.render()?;
    env.step(&vec![2.0])?;
    env.set_state(&[PI, 0.0])?;
    assert_ne!(env.render()?, before);
    Ok(())
}
