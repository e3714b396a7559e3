//! [`generate_random_map`]: seeded random FrozenLake maps with Gymnasium's algorithm.
//!
//! As in Gymnasium's `generate_random_map`: draw a `size`×`size` board whose tiles are frozen
//! with probability `p` and holes otherwise, put the start in the top-left corner and the goal
//! in the bottom-right one, and draw again until the goal can be reached from the start
//! without stepping into a hole. The draws come from our seeded RNG (PCG64, one uniform `f64`
//! per tile in row-major order), so a seed gives the same map on every platform but not the
//! map NumPy gives for that seed.
//!
//! Gymnasium loops until it finds a valid board, forever when `p` is too small for `size`;
//! here the search stops after [`RANDOM_MAP_ATTEMPTS`] boards with an error, and `size` < 2
//! (where the goal would overwrite the start), `size` > [`MAX_LAKE_SIDE`] (a 1024x1024 lake
//! already has a million states) and `p` outside (0, 1] are refused up front.

use rand::Rng;
use rewardlab_core::rng::rng_from_seed;
use serde::{Deserialize, Serialize};

use super::map::{LakeMap, LakeMapError, MAX_LAKE_SIDE, Tile};

/// Boards [`generate_random_map`] draws before giving up.
pub const RANDOM_MAP_ATTEMPTS: usize = 10_000;

/// The parameters of a random map, with Gymnasium's defaults (an 8x8 map, 80% frozen).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RandomMap {
    /// Side of the square map, from 2 to [`MAX_LAKE_SIDE`].
    pub size: usize,
    /// Probability that a tile other than start and goal is frozen, in (0, 1].
    pub p: f64,
    /// Seed of the generator: one seed, one map.
    pub seed: u64,
}

impl Default for RandomMap {
    fn default() -> Self {
        RandomMap {
            size: 8,
            p: 0.8,
            seed: 0,
        }
    }
}

impl RandomMap {
    /// The map these parameters generate.
    pub fn generate(&self) -> Result<LakeMap, LakeMapError> {
        generate_random_map(self.size, self.p, self.seed)
    }
}

/// A random `size`×`size` map, each tile frozen with probability `p`, start top-left, goal
/// bottom-right, with a path between them; the same `seed` gives the same map. `size` must
/// lie in `2..=`[`MAX_LAKE_SIDE`] and `p` in (0, 1].
pub fn generate_random_map(size: usize, p: f64, seed: u64) -> Result<LakeMap, LakeMapError> {
    if size < 2 {
        return Err(LakeMapError::SizeTooSmall(size));
    }
    // The bound keeps the model's size sane; `checked_mul` keeps a raised bound from ever
    // wrapping `size²` into a small board.
    let n = match size.checked_mul(size) {
        Some(n) if size <= MAX_LAKE_SIDE => n,
        _ => return Err(LakeMapError::SizeTooLarge(size)),
    };
    // `!(p > 0)` also refuses NaN.
    if !(p > 0.0 && p <= 1.0) {
        return Err(LakeMapError::FrozenProbability(p));
    }
    let mut rng = rng_from_seed(seed);
    for _ in 0..RANDOM_MAP_ATTEMPTS {
        let mut tiles: Vec<Tile> = (0..n)
            .map(|_| {
                if rng.random::<f64>() < p {
                    Tile::Frozen
                } else {
                    Tile::Hole
                }
            })
            .collect();
        tiles[0] = Tile::Start;
        tiles[n - 1] = Tile::Goal;
        let map = LakeMap::from_valid_tiles(size, tiles);
        if map.has_path_to_goal() {
            return Ok(map);
        }
    }
    Err(LakeMapError::NoValidMap {
        size,
        p,
        attempts: RANDOM_MAP_ATTEMPTS,
    })
}
