//! Environment throughput under criterion: the figures `rewardlab bench` prints, with
//! confidence intervals (docs/benchmarks.md, "Environment throughput").
//!
//! - `typed_env/<id>`: every Gymnasium id in the registry, measured by
//!   [`rewardlab_envs::bench::run`] exactly as `rewardlab bench --env <id>` measures it: the
//!   typed env inside the made one (its time limit included), typed random actions, a reset
//!   whenever an episode ends.
//! - `erased_env/<id>`: the same through the made env's type-erased `Value` interface
//!   ([`BenchConfig::erased`]), to show what the erasure costs.
//! - `cartpole_batch/<threads>`: the native batch of 4096 copies through its raw interface.
//!
//! Run with `cargo bench -p rewardlab-envs --bench throughput`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::RngCore;
use rewardlab_core::rng::rng_from_seed;
use rewardlab_core::vector::AutoresetMode;
use rewardlab_envs::bench::{self, BenchConfig};
use rewardlab_envs::classic_control::{CartPoleBatch, CartPoleParams};
use rewardlab_envs::specs;

/// Steps per measured iteration of the single-env benches.
const STEPS: u64 = 1000;
/// Copies of the batch bench.
const COPIES: usize = 4096;

/// `iters` iterations of `STEPS` steps, timed by the benchmark library code.
fn timed(cfg: &BenchConfig, iters: u64) -> Duration {
    let cfg = BenchConfig {
        steps: iters.max(1) * STEPS,
        ..cfg.clone()
    };
    match bench::run(&cfg) {
        Ok(report) => Duration::from_secs_f64(report.seconds),
        Err(e) => panic!("{} does not run: {e}", cfg.env),
    }
}

fn single_env(c: &mut Criterion, group_name: &str, erased: bool) {
    let mut group = c.benchmark_group(group_name);
    group.throughput(Throughput::Elements(STEPS));
    // Gymnasium's ids are bare; ours carry the `rewardlab/` namespace.
    for spec in specs().iter().filter(|s| !s.id.contains('/')) {
        let cfg = BenchConfig {
            erased,
            ..BenchConfig::new(spec.id)
        };
        group.bench_function(spec.id, |b| b.iter_custom(|iters| timed(&cfg, iters)));
    }
    group.finish();
}

fn typed_env(c: &mut Criterion) {
    single_env(c, "typed_env", false);
}

fn erased_env(c: &mut Criterion) {
    single_env(c, "erased_env", true);
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

criterion_group!(benches, typed_env, erased_env, cartpole_batch);
criterion_main!(benches);
