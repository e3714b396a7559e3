//! Hand-checked autoreset sequences, seeding and Sync == Parallel.
//!
//! `Counter::new(end)` starts at 0, rewards `v` after each increment and terminates when `v`
//! reaches `end`; its observation is `[v, -v]`.

use super::*;
use crate::space::SpaceSampler;
use crate::value::{SpaceElem, Value};
use crate::wrappers::TimeLimit;
use crate::wrappers::test_env::{Counter, Fixed};

fn obs(v: f32) -> Vec<f32> {
    vec![v, -v]
}

fn act() -> Vec<Vec<f32>> {
    vec![vec![0.0], vec![0.0]]
}

/// Asserts a two-env step's observations, rewards and flags at once; `values` are the
/// counters' values `v`, whose observations are `[v, -v]`.
#[track_caller]
fn assert_row(
    s: &VecStep<Vec<f32>>,
    values: [f32; 2],
    rewards: [f64; 2],
    terminated: [bool; 2],
    truncated: [bool; 2],
) {
    let got = (&s.obs, &s.rewards, &s.terminated, &s.truncated);
    let want = (
        &values.map(obs).to_vec(),
        &rewards.to_vec(),
        &terminated.to_vec(),
        &truncated.to_vec(),
    );
    assert_eq!(got, want, "(obs, rewards, terminated, truncated)");
}

/// Resets `v` with seed 0 and steps it twice with zero actions: the second step is where the
/// two-step episodes below end.
fn second_step<V: VectorEnv<Act = Vec<f32>>>(v: &mut V) -> Result<VecStep<V::Obs>, VectorError> {
    v.reset(Some(0));
    v.step(&act())?;
    v.step(&act())
}

#[test]
fn next_step_autoreset_sequence() -> Result<(), VectorError> {
    let mut v = SyncVectorEnv::new(
        vec![Counter::new(2), Counter::new(3)],
        AutoresetMode::NextStep,
    )?;
    assert_eq!(v.reset(Some(0)).0, vec![obs(0.0), obs(0.0)]);
    let s1 = v.step(&act())?;
    assert_row(&s1, [1.0, 1.0], [1.0, 1.0], [false, false], [false, false]);
    let s2 = v.step(&act())?;
    assert_row(&s2, [2.0, 2.0], [2.0, 2.0], [true, false], [false, false]);
    // Env 0 resets on this call: its (out-of-range) action is ignored, reward 0, flags false.
    let s3 = v.step(&[vec![5.0], vec![0.0]])?;
    assert_row(&s3, [0.0, 3.0], [0.0, 3.0], [false, true], [false, false]);
    assert!(s3.infos[0].is_empty(), "env 0 reports its reset info");
    assert_eq!(s3.infos[1].get("action"), Some(&Value::F32(vec![0.0])));
    let s4 = v.step(&act())?;
    assert_row(&s4, [1.0, 0.0], [1.0, 0.0], [false, false], [false, false]);
    let s5 = v.step(&act())?;
    assert_row(&s5, [2.0, 1.0], [2.0, 1.0], [true, false], [false, false]);
    for s in [&s1, &s2, &s3, &s4, &s5] {
        assert_eq!(s.final_obs, vec![None, None]);
        assert_eq!(s.final_info, vec![None, None]);
    }
    Ok(())
}

#[test]
fn same_step_autoreset_sequence() -> Result<(), VectorError> {
    let mut v = SyncVectorEnv::new(
        vec![Counter::new(2), Counter::new(3)],
        AutoresetMode::SameStep,
    )?;
    let s2 = second_step(&mut v)?;
    // Env 0 ended: its reward and flags are the final step's, its obs the reset obs.
    assert_row(&s2, [0.0, 2.0], [2.0, 2.0], [true, false], [false, false]);
    assert_eq!(s2.final_obs, vec![Some(obs(2.0)), None]);
    let fi = s2.final_info[0].as_ref().expect("final info of env 0");
    assert_eq!(fi.get("action"), Some(&Value::F32(vec![0.0])));
    assert!(s2.infos[0].is_empty(), "infos[0] is the reset info");
    assert_eq!(s2.final_info[1], None);
    let s3 = v.step(&act())?;
    assert_row(&s3, [1.0, 0.0], [1.0, 3.0], [false, true], [false, false]);
    assert_eq!(s3.final_obs, vec![None, Some(obs(3.0))]);
    Ok(())
}

fn limited() -> Vec<TimeLimit<Counter>> {
    // Env 0 terminates and truncates on step 2; env 1 is only truncated on step 2.
    vec![
        TimeLimit::new(Counter::new(2), 2),
        TimeLimit::new(Counter::new(100), 2),
    ]
}

#[test]
fn truncation_with_same_step_keeps_the_final_obs() -> Result<(), VectorError> {
    let mut v = SyncVectorEnv::new(limited(), AutoresetMode::SameStep)?;
    let s2 = second_step(&mut v)?;
    assert_row(&s2, [0.0, 0.0], [2.0, 2.0], [true, false], [true, true]);
    assert_eq!(s2.final_obs, vec![Some(obs(2.0)), Some(obs(2.0))]);
    // The TimeLimits were reset (else they would refuse to step).
    let s3 = v.step(&act())?;
    assert_row(&s3, [1.0, 1.0], [1.0, 1.0], [false, false], [false, false]);
    Ok(())
}

#[test]
fn truncation_with_next_step() -> Result<(), VectorError> {
    let mut v = SyncVectorEnv::new(limited(), AutoresetMode::NextStep)?;
    let s2 = second_step(&mut v)?;
    assert_row(&s2, [2.0, 2.0], [2.0, 2.0], [true, false], [true, true]);
    let s3 = v.step(&act())?;
    assert_row(&s3, [0.0, 0.0], [0.0, 0.0], [false, false], [false, false]);
    let s4 = v.step(&act())?;
    assert_eq!(s4.rewards, vec![1.0, 1.0]);
    Ok(())
}

#[test]
fn reset_seeds_env_i_with_seed_plus_i() -> Result<(), VectorError> {
    let make = |_| Counter::random_start(1000, 50);
    let mut v = SyncVectorEnv::from_fn(4, AutoresetMode::NextStep, make)?;
    let (first, _) = v.reset(Some(7));
    let (second, _) = v.reset(None);
    let mut distinct = first.clone();
    distinct.dedup();
    assert!(
        distinct.len() > 1,
        "different seeds give different starts here"
    );
    for i in 0..4 {
        let mut single = Counter::random_start(1000, 50);
        assert_eq!(single.reset(Some(7 + i as u64)).0, first[i]);
        assert_eq!(
            single.reset(None).0,
            second[i],
            "reset(None) continues env {i}'s stream"
        );
    }
    Ok(())
}

fn run<V: VectorEnv<Act = Vec<f32>>>(
    v: &mut V,
    steps: usize,
) -> Result<Vec<VecStep<V::Obs>>, VectorError> {
    let mut sampler = SpaceSampler::new(v.single_action_space(), 3);
    v.reset(Some(11));
    (0..steps)
        .map(|_| {
            let actions: Vec<Vec<f32>> = (0..v.num_envs())
                .map(|_| Vec::<f32>::from_value(sampler.sample()).unwrap_or_default())
                .collect();
            v.step(&actions)
        })
        .collect()
}

#[test]
fn sync_and_parallel_agree() -> Result<(), VectorError> {
    for mode in [AutoresetMode::NextStep, AutoresetMode::SameStep] {
        let make = |i: usize| TimeLimit::new(Counter::random_start(5 + i as i64, 4), 4);
        let mut sync = SyncVectorEnv::from_fn(5, mode, make)?;
        let mut par = ParallelVectorEnv::from_fn(5, mode, make)?;
        let a = run(&mut sync, 30)?;
        let b = run(&mut par, 30)?;
        assert!(
            a.iter().any(|s| (0..5).any(|i| s.done(i))),
            "episodes end in the run"
        );
        assert_eq!(a, b, "{mode:?}");
    }
    Ok(())
}

#[test]
fn errors_are_typed_and_name_the_env() -> Result<(), VectorError> {
    let mut v = ParallelVectorEnv::from_fn(3, AutoresetMode::SameStep, |_| Counter::new(10))?;
    assert_eq!(
        v.step(&act()),
        Err(VectorError::WrongActionCount {
            expected: 3,
            got: 2
        })
    );
    assert!(matches!(
        v.step(&[vec![0.0], vec![0.0], vec![0.0]]),
        Err(VectorError::Env {
            index: 0,
            source: EnvError::ResetNeeded
        })
    ));
    v.reset(Some(0));
    let bad = v.step(&[vec![0.0], vec![9.0], vec![0.0]]);
    assert!(matches!(
        bad,
        Err(VectorError::Env {
            index: 1,
            source: EnvError::InvalidAction { .. }
        })
    ));
    // The rejected call stepped nothing.
    assert_eq!(v.envs()[0].state(), Some(Value::Int(0)));

    assert_eq!(
        SyncVectorEnv::<Counter>::new(vec![], AutoresetMode::NextStep).err(),
        Some(VectorError::NoEnvs)
    );
    let fixed = |n| Fixed {
        space: Space::discrete(n),
        obs: Value::Int(0),
    };
    assert!(matches!(
        SyncVectorEnv::new(vec![fixed(2), fixed(3)], AutoresetMode::NextStep),
        Err(VectorError::SpaceMismatch { index: 1, .. })
    ));
    Ok(())
}

/// Env 1 and env 3 were stepped to their end behind the vector's back, so their next `step`
/// fails; envs 0 and 2 are fine.
fn broken_in_the_middle<S>(v: &mut Vectorized<Counter, S>) -> Result<(), VectorError>
where
    Vectorized<Counter, S>: VectorEnv,
{
    v.reset(Some(0));
    for i in [1, 3] {
        let env = &mut v.envs_mut()[i];
        env.step(&vec![0.0])
            .map_err(|source| VectorError::Env { index: i, source })?;
    }
    Ok(())
}

#[test]
fn an_env_error_steps_every_env_in_both_schedules() -> Result<(), VectorError> {
    // Counter::new(1) ends after one step.
    let make = |_| Counter::new(1);
    let actions = vec![vec![0.0]; 4];
    let mut sync = SyncVectorEnv::from_fn(4, AutoresetMode::NextStep, make)?;
    let mut par = ParallelVectorEnv::from_fn(4, AutoresetMode::NextStep, make)?;
    broken_in_the_middle(&mut sync)?;
    broken_in_the_middle(&mut par)?;
    let (a, b) = (sync.step(&actions), par.step(&actions));
    // The lowest failing index is reported, by both.
    assert_eq!(
        a,
        Err(VectorError::Env {
            index: 1,
            source: EnvError::ResetNeeded
        })
    );
    assert_eq!(a, b);
    // Every env was stepped, also env 2 after env 1 failed: all now sit at 1.
    let states = |envs: &[Counter]| envs.iter().map(Env::state).collect::<Vec<_>>();
    let stepped = vec![Some(Value::Int(1)); 4];
    assert_eq!(states(sync.envs()), stepped);
    assert_eq!(states(par.envs()), stepped);
    // A reset brings both back to a state the caller knows, and they agree again.
    sync.reset(Some(5));
    par.reset(Some(5));
    assert_eq!(sync.step(&actions)?, par.step(&actions)?);
    Ok(())
}
