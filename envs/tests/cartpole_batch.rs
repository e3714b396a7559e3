//! The native CartPole batch is the vector env of made CartPoles, bit for bit: same seeds and
//! actions give identical observations, rewards, flags and final observations in both
//! autoreset modes and with any thread count; and `make_vec` hands it out for CartPole only.

mod common;

use common::kw;
use rand::{Rng, RngCore};
use rewardlab_core::rng::rng_from_seed;
use rewardlab_core::vector::{AutoresetMode, SyncVectorEnv, VecStep, VectorEnv, VectorError};
use rewardlab_core::wrappers::TimeLimit;
use rewardlab_core::{Env, EnvError, Value};
use rewardlab_envs::classic_control::{
    BatchError, CARTPOLE_V1_MAX_EPISODE_STEPS, CartPole, CartPoleBatch, CartPoleParams, Integrator,
    MAX_ENVS,
};
use rewardlab_envs::make;
use rewardlab_envs::vector::{MakeVecError, VecOptions, make_vec};

const MODES: [AutoresetMode; 2] = [AutoresetMode::NextStep, AutoresetMode::SameStep];

/// The reference: `n` CartPoles in core's generic vector env, each with a time limit.
fn reference(
    params: CartPoleParams,
    n: usize,
    limit: usize,
    mode: AutoresetMode,
) -> SyncVectorEnv<TimeLimit<CartPole>> {
    SyncVectorEnv::from_fn(n, mode, |_| TimeLimit::new(CartPole::new(params), limit))
        .expect("at least one env")
}

/// A step with every float replaced by its bits, so that equality means bit-identical.
type Bits = (
    Vec<Vec<u32>>,
    Vec<u64>,
    Vec<bool>,
    Vec<bool>,
    Vec<Option<Vec<u32>>>,
    usize,
    usize,
);

fn bits(s: &VecStep<Vec<f32>>) -> Bits {
    let obs_bits = |o: &Vec<f32>| o.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    (
        s.obs.iter().map(obs_bits).collect(),
        s.rewards.iter().map(|r| r.to_bits()).collect(),
        s.terminated.clone(),
        s.truncated.clone(),
        s.final_obs
            .iter()
            .map(|f| f.as_ref().map(obs_bits))
            .collect(),
        s.infos.iter().filter(|i| i.is_empty()).count(),
        s.final_info.iter().filter(|i| i.is_some()).count(),
    )
}

/// Counts of what a run went through, to prove the comparison covered it.
#[derive(Debug, Default)]
struct Seen {
    terminated: usize,
    truncated: usize,
    final_obs: usize,
}

/// Steps `batch` and `reference` side by side with the same random actions, with a reseeding
/// and an unseeded reset midway, asserting bit-identical results at every step.
fn run_side_by_side(
    batch: &mut impl VectorEnv<Obs = Vec<f32>, Act = usize>,
    reference: &mut impl VectorEnv<Obs = Vec<f32>, Act = usize>,
    seed: u64,
    steps: usize,
) -> Seen {
    let n = batch.num_envs();
    let mut rng = rng_from_seed(seed ^ 0x5eed);
    let mut seen = Seen::default();
    assert_eq!(batch.reset(Some(seed)), reference.reset(Some(seed)));
    for t in 0..steps {
        if t == steps / 3 {
            assert_eq!(batch.reset(None), reference.reset(None), "unseeded reset");
        }
        if t == 2 * steps / 3 {
            let reseed = Some(seed.wrapping_mul(31) + 7);
            assert_eq!(batch.reset(reseed), reference.reset(reseed), "reseeded");
        }
        let actions: Vec<usize> = (0..n).map(|_| rng.random_range(0..2)).collect();
        let got = batch.step(&actions).expect("valid actions");
        let want = reference.step(&actions).expect("valid actions");
        assert_eq!(bits(&got), bits(&want), "step {t}");
        seen.terminated += got.terminated.iter().filter(|f| **f).count();
        seen.truncated += got.truncated.iter().filter(|f| **f).count();
        seen.final_obs += got.final_obs.iter().filter(|f| f.is_some()).count();
    }
    seen
}

#[test]
fn batch_is_bit_identical_to_vectorized_time_limit_cartpole() {
    // Five copies split unevenly over two threads; a limit of 40 hits truncation often while
    // random actions still terminate many episodes first.
    let (n, limit) = (5, 40);
    for mode in MODES {
        for threads in [1, 2] {
            let params = CartPoleParams::default();
            let mut batch =
                CartPoleBatch::new(params, n, limit, mode, threads).expect("valid batch");
            assert_eq!(batch.threads(), threads);
            let mut want = reference(params, n, limit, mode);
            let seen = run_side_by_side(&mut batch, &mut want, 11, 600);
            let what = format!("{mode:?}, {threads} threads: {seen:?}");
            assert!(seen.terminated > 20 && seen.truncated > 5, "{what}");
            match mode {
                AutoresetMode::SameStep => assert!(seen.final_obs > 25, "{what}"),
                AutoresetMode::NextStep => assert_eq!(seen.final_obs, 0, "{what}"),
            }
        }
    }
}

#[test]
fn batch_matches_with_other_constants_and_the_registered_limit() {
    let params = CartPoleParams {
        kinematics_integrator: Integrator::SemiImplicitEuler,
        sutton_barto_reward: true,
        force_mag: 3.0,
        ..CartPoleParams::default()
    };
    for mode in MODES {
        let limit = CARTPOLE_V1_MAX_EPISODE_STEPS;
        let mut batch = CartPoleBatch::new(params, 3, limit, mode, 2).expect("valid batch");
        let mut want = reference(params, 3, limit, mode);
        let seen = run_side_by_side(&mut batch, &mut want, 4, 400);
        assert!(seen.terminated > 5, "{mode:?}: {seen:?}");
    }
}

#[test]
fn raw_interface_agrees_with_the_vector_env_interface() {
    for mode in MODES {
        let params = CartPoleParams::default();
        let mut raw = CartPoleBatch::new(params, 7, 25, mode, 2).expect("valid batch");
        let mut api = CartPoleBatch::new(params, 7, 25, mode, 1).expect("valid batch");
        let mut out = raw.buffers();
        raw.reset_into(Some(3), &mut out);
        let (obs, _) = api.reset(Some(3));
        assert_eq!(out.obs, obs.concat());
        let mut rng = rng_from_seed(9);
        for t in 0..200 {
            let bits = rng.next_u64();
            let actions: Vec<u8> = (0..7).map(|j| ((bits >> j) & 1) as u8).collect();
            raw.step_into(&actions, &mut out).expect("valid actions");
            let wide: Vec<usize> = actions.iter().map(|a| usize::from(*a)).collect();
            let step = api.step(&wide).expect("valid actions");
            assert_eq!(out.obs, step.obs.concat(), "{mode:?} step {t}");
            let rewards: Vec<f64> = out.rewards.iter().map(|r| f64::from(*r)).collect();
            assert_eq!(rewards, step.rewards);
            assert_eq!(out.terminated, step.terminated);
            assert_eq!(out.truncated, step.truncated);
            for (i, fo) in step.final_obs.iter().enumerate() {
                if let Some(fo) = fo {
                    assert_eq!(&out.final_obs[4 * i..4 * i + 4], &fo[..]);
                }
            }
            // The per-copy bookkeeping is readable: the time limit's count never passes 25.
            for i in 0..7 {
                assert!(raw.elapsed_steps(i).expect("copy exists") <= 25);
                assert!(raw.physical_state(i).is_some());
            }
        }
        assert_eq!(raw.physical_state(7), None);
    }
}

#[test]
fn errors_are_those_of_core_vector_envs() {
    for mode in MODES {
        let params = CartPoleParams::default();
        let mut batch = CartPoleBatch::new(params, 3, 1, mode, 1).expect("valid batch");
        let mut want = reference(params, 3, 1, mode);
        // Before any reset.
        assert_eq!(batch.step(&[0, 1, 0]), want.step(&[0, 1, 0]));
        assert!(matches!(
            batch.step(&[0, 1, 0]),
            Err(VectorError::Env {
                index: 0,
                source: EnvError::ResetNeeded
            })
        ));
        batch.reset(Some(0));
        want.reset(Some(0));
        for bad in [&[0, 1][..], &[0, 1, 0, 1]] {
            assert_eq!(batch.step(bad), want.step(bad));
            assert!(matches!(
                batch.step(bad),
                Err(VectorError::WrongActionCount { expected: 3, .. })
            ));
        }
        let bad = [0, 2, 7];
        let got = batch.step(&bad);
        assert_eq!(got, want.step(&bad));
        assert!(
            matches!(got, Err(VectorError::Env { index: 1, .. })),
            "{got:?}"
        );
        // A refused step moved nothing; with a limit of 1 every copy is now truncated.
        let step = batch.step(&[1, 1, 1]).expect("valid");
        assert_eq!(step, want.step(&[1, 1, 1]).expect("valid"));
        assert!(step.truncated.iter().all(|t| *t));
        // Next-step mode resets every copy now and ignores the actions, valid or not.
        let after = batch.step(&[5, 9, 0]);
        assert_eq!(after, want.step(&[5, 9, 0]));
        assert_eq!(after.is_ok(), mode == AutoresetMode::NextStep, "{mode:?}");
    }
}

#[test]
fn construction_refuses_no_copies_and_no_threads_and_caps_threads() {
    let p = CartPoleParams::default();
    let mode = AutoresetMode::NextStep;
    assert_eq!(
        CartPoleBatch::new(p, 0, 500, mode, 1).err(),
        Some(BatchError::NoEnvs)
    );
    assert_eq!(
        CartPoleBatch::new(p, 4, 500, mode, 0).err(),
        Some(BatchError::NoThreads)
    );
    // Refused before allocating: a typo of a few zeros must not abort the process.
    assert_eq!(
        CartPoleBatch::new(p, 100_000_000_000, 500, mode, 1).err(),
        Some(BatchError::TooManyEnvs {
            num_envs: 100_000_000_000,
            max: MAX_ENVS
        })
    );
    assert_eq!(
        make_vec("MountainCar-v0", &[], VecOptions::new(MAX_ENVS + 1))
            .err()
            .map(|e| e.to_string()),
        Some(format!(
            "{} envs is more than the limit of {MAX_ENVS} copies in one vector env",
            MAX_ENVS + 1
        ))
    );
    let batch = CartPoleBatch::new(p, 2, 500, mode, 8).expect("valid batch");
    assert_eq!(batch.threads(), 2);
    let v1 = CartPoleBatch::v1(3).expect("valid batch");
    assert_eq!(v1.max_episode_steps(), 500);
    assert_eq!(v1.num_envs(), 3);
    assert_eq!(v1.autoreset_mode(), AutoresetMode::NextStep);
    assert_eq!(
        v1.single_observation_space(),
        CartPole::default().observation_space()
    );
}

#[test]
fn make_vec_batches_cartpole_and_vectorizes_the_rest() -> Result<(), MakeVecError> {
    let opts = |num_envs, threads| VecOptions {
        threads,
        ..VecOptions::new(num_envs)
    };
    let mut cartpole = make_vec("CartPole-v1", &[], opts(4, 2))?;
    assert_eq!(cartpole.backend(), "cartpole-batch");
    assert_eq!(cartpole.threads(), 2);
    assert!(cartpole.cartpole_batch_mut().is_some());
    assert_eq!(make_vec("CartPole-v1", &[], opts(1, 2))?.backend(), "sync");
    let mut other = make_vec("MountainCar-v0", &[], opts(3, 1))?;
    assert_eq!(other.backend(), "sync");
    assert!(other.cartpole_batch_mut().is_none());
    let parallel = make_vec("MountainCar-v0", &[], opts(3, 2))?;
    assert_eq!((parallel.backend(), parallel.threads()), ("parallel", 2));

    assert!(matches!(
        make_vec("CartPole-v1", &[], opts(0, 1)),
        Err(MakeVecError::Batch(BatchError::NoEnvs))
    ));
    assert!(matches!(
        make_vec("MountainCar-v0", &[], opts(2, 0)),
        Err(MakeVecError::Batch(BatchError::NoThreads))
    ));
    assert!(matches!(
        make_vec("CartPole-v2", &[], opts(2, 1)),
        Err(MakeVecError::Make(_))
    ));
    let bad = kw(&[("kinematics_integrator", "rk4")]);
    assert!(matches!(
        make_vec("CartPole-v1", &bad, opts(2, 1)),
        Err(MakeVecError::Make(_))
    ));
    let unknown = kw(&[("gravity", "3")]);
    assert!(matches!(
        make_vec("CartPole-v1", &unknown, opts(2, 1)),
        Err(MakeVecError::Make(_))
    ));
    Ok(())
}

/// `make_vec`'s CartPole batch (Value interface, kwargs translated) against a vector of
/// `make`'s CartPoles with the same kwargs.
#[test]
fn make_vec_cartpole_equals_a_vector_of_made_cartpoles() -> Result<(), MakeVecError> {
    let kwargs = kw(&[
        ("sutton_barto_reward", "True"),
        ("kinematics_integrator", "semi-implicit euler"),
        ("max_episode_steps", "30"),
    ]);
    for mode in MODES {
        let opts = VecOptions {
            autoreset_mode: mode,
            threads: 2,
            ..VecOptions::new(4)
        };
        let mut batch = make_vec("CartPole-v1", &kwargs, opts)?;
        assert_eq!(batch.backend(), "cartpole-batch");
        let envs = (0..4)
            .map(|_| make("CartPole-v1", &kwargs))
            .collect::<Result<Vec<_>, _>>()?;
        let mut want = SyncVectorEnv::new(envs, mode)?;
        assert_eq!(batch.single_action_space(), want.single_action_space());
        assert_eq!(
            batch.single_observation_space(),
            want.single_observation_space()
        );
        assert_eq!(batch.reset(Some(8)), want.reset(Some(8)));
        let mut rng = rng_from_seed(1);
        let (mut truncated, mut terminated) = (0, 0);
        for t in 0..300 {
            let actions: Vec<Value> = (0..4).map(|_| Value::Int(rng.random_range(0..2))).collect();
            let got = batch.step(&actions)?;
            assert_eq!(got, want.step(&actions)?, "{mode:?} step {t}");
            truncated += got.truncated.iter().filter(|f| **f).count();
            terminated += got.terminated.iter().filter(|f| **f).count();
            // Sutton–Barto rewards: 0 per step, -1 on termination, 0 on a next-step reset.
            for (r, term) in got.rewards.iter().zip(&got.terminated) {
                assert_eq!(*r, if *term { -1.0 } else { 0.0 });
            }
        }
        assert!(truncated > 0 && terminated > 0, "{truncated} {terminated}");
        // Actions of the wrong type are refused as a made env refuses them.
        let bad = [
            Value::Int(0),
            Value::Float(0.5),
            Value::Int(1),
            Value::Int(0),
        ];
        assert_eq!(batch.step(&bad), want.step(&bad));
        assert!(batch.step(&bad).is_err());
    }
    Ok(())
}
