//! Environment throughput under criterion: the figures `rewardlab bench` prints, with
//! confidence intervals (docs/benchmarks.md, "Environment throughput").
//!
//! - `single_env/<id>`: every Gymnasium id in the registry, made with `make` (type-erased, with
//!   its time limit), stepped with sampled actions and reset when an episode ends: as a user
//!   steps one env.
//! - `cartpole_typed`: `TimeLimit<CartPole>` without erasure, to show what the `Value`
//!   boxing costs.
//! - `cartpole_batch/<threads>`: the native batch of 4096 copies through its raw interface.
//!
//! Run with `cargo bench -p rewardlab-envs --bench throughput`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::{Rng, RngCore};
use rewardlab_core::rng::rng_from_seed;
use rewardlab_core::vector::AutoresetMode;
use rewardlab_core::wrappers::TimeLimit;
use rewardlab_core::{Env, SpaceSampler};
use rewardlab_envs::classic_control::{CartPole, CartPoleBatch, CartPoleParams};
use rewardlab_envs::{make, specs};

/// Steps per measured iteration of the single-env benches.
const STEPS: u64 = 1000;
/// Copies of the batch bench.
const COPIES: usize = 4096;

fn single_env(c: &mut Criterion) {
    let mut group = c.benchmark_group("single_env");
    group.throughput(Throughput::Elements(STEPS));
    // Gymnasium's ids are bare; ours carry the `rewardlab/` namespace.
    for spec in specs().iter().filter(|s| !s.id.contains('/')) {
        let mut env = match make(spec.id, &[]) {
            Ok(env) => env,
            Err(e) => panic!("{} does not make: {e}", spec.id),
        };
        let mut actions = SpaceSampler::new(env.action_space(), 0);
        env.reset(Some(0));
        group.bench_function(spec.id, |b| {
            b.iter(|| {
                for _ in 0..STEPS {
                    match env.step(&actions.sample()) {
                        Ok(step) if step.terminated || step.truncated => {
                            black_box(env.reset(None));
                        }
                        Ok(step) => {
                            black_box(step);
                        }
                        Err(e) => panic!("{} refused a sampled action: {e}", spec.id),
                    }
                }
            })
        });
    }
    group.finish();
}

fn cartpole_typed(c: &mut Criterion) {
    let mut group = c.benchmark_group("cartpole_typed");
    group.throughput(Throughput::Elements(STEPS));
    let mut env = TimeLimit::new(CartPole::default(), 500);
    let mut rng = rng_from_seed(0);
    env.reset(Some(0));
    group.bench_function("CartPole-v1", |b| {
        b.iter(|| {
            for _ in 0..STEPS {
                match env.step(&rng.random_range(0..2usize)) {
                    Ok(step) if step.terminated || step.truncated => {
                        black_box(env.reset(None));
                    }
                    Ok(step) => {
                        black_box(step);
                    }
                    Err(e) => panic!("CartPole refused a valid action: {e}"),
                }
            }
        })
    });
    group.finish();
}

fn cartpole_batch(c: &mut Criterion) {
    let mut group = c.benchmark_group("cartpole_batch");
    group.throughput(Throughput::Elements(COPIES as u64));
    for threads in [1, 2] {
        let params = CartPoleParams::default();
        let mode = AutoresetMode::NextStep;
        let mut batch = match CartPoleBatch::new(params, COPIES, 500, mode, threads) {
            Ok(batch) => batch,
            Err(e) => panic!("the batch does not build: {e}"),
        };
        let mut out = batch.buffers();
        let mut actions = vec![0u8; COPIES];
        let mut rng = rng_from_seed(0);
        batch.reset_into(Some(0), &mut out);
        group.bench_function(format!("{COPIES}x{threads}threads"), |b| {
            b.iter(|| {
                for chunk in actions.chunks_mut(64) {
                    let bits = rng.next_u64();
                    for (j, a) in chunk.iter_mut().enumerate() {
                        *a = ((bits >> j) & 1) as u8;
                    }
                }
                if let Err(e) = batch.step_into(&actions, &mut out) {
                    panic!("the batch refused valid actions: {e}");
                }
                black_box(&out);
            })
        });
    }
    group.finish();
}

criterion_group!(benches, single_env, cartpole_typed, cartpole_batch);
criterion_main!(benches);
