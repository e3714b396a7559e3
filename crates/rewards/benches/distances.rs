//! Every reward-distance step on two random models, the figures docs/benchmarks.md ("Reward
//! distances") reports:
//!
//! - `32x4`: the STARC experiment's MDP (`random_mdp` defaults: 32 states, 4 actions,
//!   γ = 0.95, about 5 successors per (s, a)) with two rewards from `random_reward`;
//! - `1000x4`: `sparse_random_mdp` with 1,000 states, 4 actions, 5 successors per (s, a),
//!   γ = 0.95 — the same sparsity per row, with rewards drawn the same way (dense tensors of
//!   4M entries, since every metric works on R(s, a, s′)).
//!
//! Measured per model: each canonicalisation of one reward, STARC (VAL, L2 normalisation,
//! L2 distance; both rewards canonicalised), EPIC and DARD (Pearson), regret and symmetric
//! regret (exact planning). The 1,000-state group uses criterion's smallest sample size so
//! the whole bench stays around two minutes.
//!
//! Run with `cargo bench -p rewardlab-rewards --bench distances`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{
    BenchmarkGroup, Criterion, criterion_group, criterion_main, measurement::WallTime,
};
use rewardlab_core::mdp::Mdp;
use rewardlab_rewards::distance::random::random_reward_pair;
use rewardlab_rewards::distance::{
    Canon, CanonOptions, Dist, DistanceModel, Norm, RandomMdpConfig, RandomRewardConfig, Reward,
    canonicalise, dard_distance, epic_distance, random_mdp, regret, regret_symmetric,
    sparse_random_mdp, starc_distance,
};

/// The model and a reward pair drawn on it; panics (in a bench, the only sensible reaction)
/// if the generators reject their own output.
fn setup(mdp: Mdp, seed: u64) -> (DistanceModel, Reward, Reward) {
    let model = match DistanceModel::new(&mdp) {
        Ok(m) => m,
        Err(e) => panic!("bench model: {e}"),
    };
    let (n, m) = (model.n_states(), model.n_actions());
    let (a, b) = random_reward_pair(n, m, model.gamma(), &RandomRewardConfig::default(), seed);
    match (model.reward(a), model.reward(b)) {
        (Ok(a), Ok(b)) => (model, a, b),
        (Err(e), _) | (_, Err(e)) => panic!("bench rewards: {e}"),
    }
}

fn run_group(
    group: &mut BenchmarkGroup<'_, WallTime>,
    model: &DistanceModel,
    a: &Reward,
    b: &Reward,
) {
    let opts = CanonOptions::default();
    let forms = [
        ("canon/val", Canon::Val, Norm::L2),
        ("canon/val-potential", Canon::ValPotential, Norm::L2),
        ("canon/epic", Canon::Epic, Norm::L2),
        ("canon/dard", Canon::Dard, Norm::L2),
        ("canon/minimal-l2", Canon::Minimal, Norm::L2),
        (
            "canon/minimal-weighted-l2",
            Canon::Minimal,
            Norm::WeightedL2,
        ),
    ];
    for (name, canon, norm) in forms {
        group.bench_function(name, |bench| {
            bench.iter(|| canonicalise(black_box(model), black_box(a), canon, norm, &opts))
        });
    }
    group.bench_function("starc/val/l2-l2", |bench| {
        bench.iter(|| {
            starc_distance(
                black_box(model),
                black_box(a),
                black_box(b),
                Canon::Val,
                Norm::L2,
                Dist::L2,
                &opts,
            )
        })
    });
    group.bench_function("epic", |bench| {
        bench.iter(|| epic_distance(black_box(model), black_box(a), black_box(b), &opts))
    });
    group.bench_function("dard", |bench| {
        bench.iter(|| dard_distance(black_box(model), black_box(a), black_box(b), &opts))
    });
    group.bench_function("regret", |bench| {
        bench.iter(|| regret(black_box(model), black_box(a), black_box(b)))
    });
    group.bench_function("regret_symmetric", |bench| {
        bench.iter(|| regret_symmetric(black_box(model), black_box(a), black_box(b)))
    });
}

fn bench(c: &mut Criterion) {
    let small = match random_mdp(&RandomMdpConfig::default(), 42) {
        Ok(m) => m,
        Err(e) => panic!("32-state MDP: {e}"),
    };
    let (model, a, b) = setup(small, 1);
    let mut group = c.benchmark_group("32x4");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    run_group(&mut group, &model, &a, &b);
    group.finish();

    let large = match sparse_random_mdp(1000, 4, 5, 0.95, 42) {
        Ok(m) => m,
        Err(e) => panic!("1000-state MDP: {e}"),
    };
    let (model, a, b) = setup(large, 1);
    let mut group = c.benchmark_group("1000x4");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    run_group(&mut group, &model, &a, &b);
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
