use super::*;
use crate::wrappers::TASK_REWARD_KEY;
use crate::wrappers::test_env::{Counter, Fixed};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Moments of the prior merged with `xs` (Chan's formula once, as a closed form).
fn prior_moments(xs: &[f64]) -> (f64, f64) {
    let eps = 1e-4;
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n;
    let t = n + eps;
    (n * m / t, (eps + n * v + m * m * eps * n / t) / t)
}

#[test]
fn reward_matches_a_hand_computed_sequence() -> Result<(), EnvError> {
    // gamma 0.5; rewards 1, 2 then termination at 2; then a new episode: reward 1.
    let mut env =
        NormalizeReward::with_params(Counter::new(2), 0.5, 1e-8).expect("valid parameters");
    env.reset(Some(0));
    // G1 = 1: rms of {1}.
    let s1 = env.step(&vec![0.0])?;
    let (_, v1) = prior_moments(&[1.0]);
    assert!(close(s1.reward, 1.0 / (v1 + 1e-8).sqrt()));
    assert_eq!(s1.info.get(TASK_REWARD_KEY), Some(&Value::Float(1.0)));
    // G2 = 1·0.5·(1 − 1) + 2 = 2: this step's own termination drops the old G.
    let s2 = env.step(&vec![0.0])?;
    assert!(s2.terminated);
    let (_, v2) = prior_moments(&[1.0, 2.0]);
    assert!(close(s2.reward, 2.0 / (v2 + 1e-8).sqrt()));
    // Reset keeps G: G3 = 2·0.5 + 1 = 2.
    env.reset(None);
    let s3 = env.step(&vec![0.0])?;
    let (m3, v3) = prior_moments(&[1.0, 2.0, 2.0]);
    assert!(close(env.return_rms().mean()[0], m3));
    assert!(close(s3.reward, 1.0 / (v3 + 1e-8).sqrt()));
    assert!(close(env.discounted_return(), 2.0));
    // Frozen: the statistics stay, the scaling still applies.
    env.set_update_running_mean(false);
    let s4 = env.step(&vec![0.0])?;
    assert!(close(s4.reward, 2.0 / (v3 + 1e-8).sqrt()));
    assert!(close(env.return_rms().count(), 3.0001));
    Ok(())
}

#[test]
fn truncation_does_not_clear_the_return() -> Result<(), EnvError> {
    let mut env = NormalizeReward::with_params(
        crate::wrappers::TimeLimit::new(Counter::new(10), 1),
        0.5,
        1e-8,
    )
    .expect("valid parameters");
    env.reset(Some(0));
    assert!(env.step(&vec![0.0])?.truncated);
    env.reset(None);
    env.step(&vec![0.0])?;
    // 1·0.5 + 1: neither truncation nor reset cleared G.
    assert!(close(env.discounted_return(), 1.5));
    Ok(())
}

#[test]
fn reward_parameters_are_checked() {
    assert!(NormalizeReward::with_params(Counter::new(2), 1.5, 1e-8).is_err());
    assert!(NormalizeReward::with_params(Counter::new(2), 0.9, 0.0).is_err());
}

#[test]
fn observation_stats_after_known_inputs() -> Result<(), EnvError> {
    let mut env = NormalizeObservation::new(Counter::new(10)).expect("box space");
    assert_eq!(
        env.observation_space(),
        Space::Box(BoxSpace::uniform(
            &[2],
            f64::NEG_INFINITY,
            f64::INFINITY,
            DType::F32
        ))
    );
    // Observations [0, 0], [1, -1], [2, -2]: the statistics include the current one.
    let (o0, _) = env.reset(Some(0));
    assert_eq!(o0, vec![0.0, 0.0]);
    env.step(&vec![0.0])?;
    let o2 = env.step(&vec![0.0])?.obs;
    let (m, v) = prior_moments(&[0.0, 1.0, 2.0]);
    let rms = env.obs_rms();
    // f32 statistics: the closed form to f32 accuracy, the output from them to the bit.
    let near = |a: f32, b: f64| (f64::from(a) - b).abs() < 1e-6 * (1.0 + b.abs());
    assert!(near(rms.mean()[0], m) && near(rms.mean()[1], -m));
    assert!(near(rms.var()[0], v) && near(rms.var()[1], v));
    assert!(close(rms.count(), 3.0001));
    let want = (2.0 - rms.mean()[0]) / (rms.var()[0] + 1e-8f32).sqrt();
    assert!(near(want, (2.0 - m) / (v + 1e-8).sqrt()));
    assert_eq!(o2, vec![want, -want]);
    // Frozen statistics, and set_state normalises without updating.
    env.set_update_running_mean(false);
    env.step(&vec![0.0])?;
    let o = env.set_state(&[2.0])?;
    assert_eq!(o, vec![want, -want]);
    assert!(close(env.obs_rms().count(), 3.0001));
    Ok(())
}

#[test]
fn statistics_of_another_dimension_are_refused() -> Result<(), WrapperError> {
    let mut obs = NormalizeObservation::new(Counter::new(10))?;
    assert!(obs.set_obs_rms(RunningMeanStd::new(3)).is_err());
    let mut trained = RunningMeanStd::new(2);
    trained.update_one(&[4.0, -4.0]);
    obs.set_obs_rms(trained.clone())?;
    assert_eq!(obs.obs_rms(), &trained);
    let mut reward = NormalizeReward::new(Counter::new(10));
    assert!(reward.set_return_rms(RunningMeanStd::new(2)).is_err());
    assert!(reward.set_return_rms(RunningMeanStd::new(0)).is_err());
    reward.set_return_rms(RunningMeanStd::new(1))?;
    Ok(())
}

#[test]
fn observation_needs_a_box() {
    let env = Fixed {
        space: Space::discrete(3),
        obs: Value::Int(0),
    };
    let wrapped =
        crate::wrappers::TransformObservation::new(env, |_| vec![0.0f32], Space::discrete(3));
    assert!(matches!(
        NormalizeObservation::new(wrapped),
        Err(WrapperError::UnsupportedSpace { .. })
    ));
}
