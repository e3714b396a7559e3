//! The portable seeded generator every environment owns.
//!
//! PCG64 gives the same stream on every platform and rand version pin; `rand`, `rand_pcg`
//! and `rand_distr` are pinned exactly in the workspace so that a seed keeps its meaning.

use rand::SeedableRng;

/// The generator type owned by environments, samplers and learners.
pub type EnvRng = rand_pcg::Pcg64;

/// A generator whose stream is fixed by `seed`.
pub fn rng_from_seed(seed: u64) -> EnvRng {
    EnvRng::seed_from_u64(seed)
}

/// A generator seeded from the operating system, as Gymnasium does on a first `reset(None)`.
pub fn rng_from_entropy() -> EnvRng {
    EnvRng::from_os_rng()
}

/// Restarts `rng` from `seed` on `Some(seed)`; keeps its stream on `None`. Every env calls
/// this first thing in `reset`, which gives Gymnasium's seeding semantics.
pub fn reseed(rng: &mut EnvRng, seed: Option<u64>) {
    if let Some(s) = seed {
        *rng = rng_from_seed(s);
    }
}
