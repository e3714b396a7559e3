use rewardlab_core::SpaceElem;

use super::*;
use crate::specs;

fn cfg(env: &str, steps: u64) -> BenchConfig {
    BenchConfig {
        steps,
        ..BenchConfig::new(env)
    }
}

#[test]
fn every_gymnasium_id_runs_typed_by_default_and_erased_on_request() -> Result<(), BenchError> {
    for spec in specs().iter().filter(|s| !s.id.contains('/')) {
        let typed = run(&cfg(spec.id, 300))?;
        assert_eq!(typed.backend, "typed-env", "{}", spec.id);
        assert_eq!((typed.steps, typed.num_envs, typed.threads), (300, 1, 1));
        let erased = run(&BenchConfig {
            erased: true,
            ..cfg(spec.id, 300)
        })?;
        assert_eq!(erased.backend, "env", "{}", spec.id);
        let resets = run(&BenchConfig {
            resets: true,
            ..cfg(spec.id, 10)
        })?;
        assert!(resets.resets && resets.backend == "typed-env");
    }
    Ok(())
}

#[test]
fn kwargs_and_time_limits_reach_the_typed_env() -> Result<(), BenchError> {
    let kwargs = [
        ("map_name".to_string(), "8x8".to_string()),
        ("max_episode_steps".to_string(), "3".to_string()),
    ];
    let report = run(&BenchConfig {
        kwargs: kwargs.to_vec(),
        ..cfg("FrozenLake-v1", 50)
    })?;
    assert_eq!(report.backend, "typed-env");
    // A bad kwarg is make's error, whichever path would have run.
    let bad = [("map_name".to_string(), "9x9".to_string())];
    let err = run(&BenchConfig {
        kwargs: bad.to_vec(),
        ..cfg("FrozenLake-v1", 50)
    });
    assert!(matches!(err, Err(BenchError::Make(_))));
    assert!(err.is_err_and(|e| e.is_usage()));
    Ok(())
}

#[test]
fn default_threads_grow_with_the_copies_up_to_the_cores() {
    assert_eq!(default_threads_for(1), 1);
    assert_eq!(default_threads_for(16), 1);
    assert_eq!(default_threads_for(MIN_COPIES_PER_THREAD), 1);
    let cores = default_threads();
    assert_eq!(default_threads_for(MIN_COPIES_PER_THREAD + 1), cores.min(2));
    assert_eq!(default_threads_for(usize::MAX), cores);
}

#[test]
fn no_steps_and_no_threads_are_usage_errors() {
    assert!(matches!(
        run(&cfg("CartPole-v1", 0)),
        Err(BenchError::NoSteps)
    ));
    let no_threads = BenchConfig {
        threads: 0,
        ..cfg("CartPole-v1", 10)
    };
    assert!(run(&no_threads).is_err_and(|e| e.is_usage()));
}

/// The typed benchmark steps the trajectory the erased one steps: its actions are the
/// space sampler's, drawn from the same stream.
#[test]
fn typed_actions_are_the_samplers_actions() -> Result<(), MakeError> {
    fn same_stream<A: RandomAction + SpaceElem + PartialEq>(id: &str) -> Result<(), MakeError> {
        let space = make(id, &[])?.action_space();
        let mut sampler = SpaceSampler::new(space.clone(), 7);
        let Some((mut action, draw)) = A::sampler(&space) else {
            panic!("{id}: no typed sampler for {space}");
        };
        let mut rng = rng_from_seed(7);
        for _ in 0..1000 {
            action.redraw(&draw, &mut rng);
            assert_eq!(
                Ok(&action),
                A::from_value(sampler.sample()).as_ref(),
                "{id}"
            );
        }
        Ok(())
    }
    same_stream::<usize>("CartPole-v1")?;
    same_stream::<usize>("Taxi-v4")?;
    same_stream::<usize>("Acrobot-v1")?;
    same_stream::<Vec<f32>>("MountainCarContinuous-v0")?;
    same_stream::<Vec<f32>>("Pendulum-v1")?;
    Ok(())
}

#[test]
fn spaces_without_a_typed_draw_are_refused() {
    let unbounded = Space::Box(rewardlab_core::BoxSpace::uniform(
        &[2],
        f64::NEG_INFINITY,
        f64::INFINITY,
        DType::F32,
    ));
    let f64_box = Space::Box(rewardlab_core::BoxSpace::uniform(
        &[2],
        0.0,
        1.0,
        DType::F64,
    ));
    assert!(<Vec<f32>>::sampler(&unbounded).is_none());
    assert!(<Vec<f32>>::sampler(&f64_box).is_none());
    assert!(usize::sampler(&Space::Discrete { n: 3, start: -1 }).is_none());
    assert!(usize::sampler(&Space::Discrete { n: 0, start: 0 }).is_none());
    assert!(usize::sampler(&unbounded).is_none());
}
