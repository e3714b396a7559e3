//! Synchronous value iteration on a 100×100 open grid, the figure docs/benchmarks.md compares
//! with bench/peers/vi_numpy.py.
//!
//! The model: 10,000 states, actions up/right/down/left (deterministic; a move into the
//! border stays put), reward −1 per step, an absorbing goal with value 0 in the bottom-right
//! corner, γ = 0.99, iterated from V = 0 until the sup-norm change is below 1e-8.
//!
//! Run with `cargo bench -p rewardlab-core --bench value_iteration`.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use rewardlab_core::mdp::{Mdp, MdpBuilder, ValueIterationConfig, value_iteration};

const SIDE: usize = 100;
const GAMMA: f64 = 0.99;

/// The benchmark grid, built through the public builder.
fn grid() -> Mdp {
    let goal = SIDE * SIDE - 1;
    let mut b = MdpBuilder::new(SIDE * SIDE, 4).gamma(GAMMA);
    for y in 0..SIDE {
        for x in 0..SIDE {
            let s = y * SIDE + x;
            if s == goal {
                continue;
            }
            let moves = [
                (x, y.saturating_sub(1)),
                ((x + 1).min(SIDE - 1), y),
                (x, (y + 1).min(SIDE - 1)),
                (x.saturating_sub(1), y),
            ];
            for (a, (nx, ny)) in moves.into_iter().enumerate() {
                b.transition(s, a, ny * SIDE + nx, 1.0, -1.0);
            }
        }
    }
    b.terminal(goal).initial_state(0);
    match b.build() {
        Ok(mdp) => mdp,
        Err(e) => panic!("the benchmark grid is invalid: {e}"),
    }
}

fn bench(c: &mut Criterion) {
    let mdp = grid();
    let config = ValueIterationConfig {
        tolerance: 1e-8,
        max_iterations: 100_000,
    };
    // Sweep count and a best-of-20 wall time, printed next to criterion's estimate so that
    // ms/sweep can be compared with the numpy peer, which prints the same three figures.
    let mut best = f64::INFINITY;
    let mut sweeps = 0;
    for _ in 0..20 {
        let start = Instant::now();
        let sol = match value_iteration(&mdp, &config) {
            Ok(sol) => sol,
            Err(e) => panic!("value iteration failed on the benchmark grid: {e}"),
        };
        best = best.min(start.elapsed().as_secs_f64());
        sweeps = sol.iterations;
        assert_eq!(sol.values[SIDE * SIDE - 1], 0.0, "the goal is absorbing");
    }
    println!(
        "grid {SIDE}x{SIDE}: {sweeps} sweeps, best total {:.3} ms, {:.4} ms/sweep",
        best * 1e3,
        best * 1e3 / sweeps as f64
    );

    let mut group = c.benchmark_group("value_iteration");
    group.sample_size(30);
    group.bench_function("grid100x100_gamma0.99_tol1e-8", |b| {
        b.iter(|| value_iteration(black_box(&mdp), black_box(&config)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
