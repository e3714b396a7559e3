//! FrozenLake-v1, with Gymnasium 1.4's transition table, exported as a tabular
//! [`Mdp`](rewardlab_core::mdp::Mdp).
//!
//! # Description
//!
//! Cross a frozen lake from the start tile `S` to a goal `G` without falling into a hole `H`.
//! On slippery ice (the default) a move may go sideways. The map is one of Gymnasium's two
//! built-in lakes (`4x4`, `8x8`), a custom one (`desc`), or a seeded random one
//! ([`generate_random_map`]).
//!
//! # Actions
//!
//! `Discrete(4)`: [`LEFT`] = 0, [`DOWN`] = 1, [`RIGHT`] = 2, [`UP`] = 3. A move into the
//! border leaves the agent where it is.
//!
//! # Observations
//!
//! `Discrete(nrow · ncol)`: the agent's tile `row · ncol + col` (the 4x4 goal is 15).
//!
//! # Rewards
//!
//! Entering a tile pays `reward_schedule = (goal, hole, frozen)` for its letter, `(1, 0, 0)`
//! by default; the start tile counts as frozen.
//!
//! # Start
//!
//! On the start tile (state 0 on the built-in and random maps).
//!
//! # Episode end
//!
//! Terminated on entering a hole or a goal. Truncated by the registered time limit: 100
//! steps for `FrozenLake-v1` (whatever the map, as Gymnasium's `make("FrozenLake-v1",
//! map_name="8x8")`) and 200 for `FrozenLake8x8-v1`.
//!
//! # Arguments
//!
//! [`FrozenLakeConfig`], or these kwargs of `make`:
//!
//! - `map_name`: `4x4` or `8x8` (default: the id's map); `None` asks for a random map, as in
//!   Gymnasium.
//! - `desc`: a custom map, rows separated by commas (`desc=SFFF,FHFH,FFFH,HFFG`); rectangular,
//!   exactly one `S`, at least one `G`, letters `SFHG` only, at most [`MAX_LAKE_SIDE`] (1024)
//!   rows and columns.
//! - `is_slippery` (default `true`), `success_rate` (default 1/3): on slippery ice the
//!   intended move happens with probability `success_rate` and each perpendicular one with
//!   `(1 − success_rate) / 2`.
//! - `reward_schedule` (default `1,0,0`): goal, hole and frozen rewards.
//! - `size` (default 8, from 2 to [`MAX_LAKE_SIDE`] = 1024), `p` (default 0.8),
//!   `map_seed` (default 0): a random map from [`generate_random_map`]; giving any of them
//!   asks for one, and they cannot be combined with `desc` or a named map.
//!
//! # Differences from Gymnasium
//!
//! - Equal outcomes of a row (two slips into the same wall) are merged, so `info["prob"]` is
//!   the probability of the outcome drawn, `P(s', r | s, a)`, where Gymnasium reports the
//!   probability of one list entry; the transition probabilities themselves are identical.
//! - The RNG is ours (PCG64 through [`rewardlab_core::rng`]): a seed gives different
//!   trajectories and random maps than in Gymnasium, with the same distribution.
//! - Maps are validated: exactly one start (Gymnasium starts uniformly among several `S`
//!   tiles and produces NaN probabilities without one) and at least one goal.
//! - A random map has a seed, given or default (`map_seed = 0`), so that one config always
//!   gives one map; Gymnasium's `map_name=None` draws from OS entropy. Gymnasium clamps
//!   `p > 1` to 1 and searches forever when `p` is too small; here both are errors (see
//!   [`generate_random_map`]).
//! - Lakes are at most 1024x1024 ([`MAX_LAKE_SIDE`]); Gymnasium has no bound.

mod env;
mod map;
mod model;
mod random_map;
mod registry;

use rewardlab_core::mdp::MdpError;
use serde::{Deserialize, Serialize};

pub use env::FrozenLake;
pub use map::{LakeMap, LakeMapError, MAX_LAKE_SIDE, MapName, Tile, split_desc};
pub use model::frozen_lake_mdp;
pub use random_map::{RANDOM_MAP_ATTEMPTS, RandomMap, generate_random_map};
pub use registry::{FROZEN_LAKE_8X8_V1, FROZEN_LAKE_V1};

/// Action 0: move left.
pub const LEFT: usize = 0;
/// Action 1: move down.
pub const DOWN: usize = 1;
/// Action 2: move right.
pub const RIGHT: usize = 2;
/// Action 3: move up.
pub const UP: usize = 3;

/// Where the lake comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LakeSource {
    /// A built-in map (Gymnasium's `map_name`).
    Named(MapName),
    /// A custom map, one string of tile letters per row (Gymnasium's `desc`).
    Desc(Vec<String>),
    /// A seeded random map (Gymnasium's `generate_random_map`).
    Random(RandomMap),
}

impl LakeSource {
    /// The map: looked up, parsed or generated.
    pub fn resolve(&self) -> Result<LakeMap, LakeMapError> {
        match self {
            LakeSource::Named(name) => Ok(LakeMap::named(*name)),
            LakeSource::Desc(rows) => LakeMap::from_rows(rows),
            LakeSource::Random(random) => random.generate(),
        }
    }
}

/// FrozenLake's arguments, with Gymnasium 1.4's defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FrozenLakeConfig {
    /// The lake (Gymnasium's `map_name` / `desc`, or a random map); default the 4x4 map.
    pub map: LakeSource,
    /// Whether moves may slip sideways (default true).
    pub is_slippery: bool,
    /// Probability that a slippery move goes where intended, in [0, 1] (default 1/3).
    pub success_rate: f64,
    /// Rewards for entering a goal, a hole, and a frozen or start tile (default (1, 0, 0)).
    pub reward_schedule: [f64; 3],
}

impl Default for FrozenLakeConfig {
    fn default() -> Self {
        FrozenLakeConfig {
            map: LakeSource::Named(MapName::FourByFour),
            is_slippery: true,
            success_rate: 1.0 / 3.0,
            reward_schedule: [1.0, 0.0, 0.0],
        }
    }
}

/// Why a FrozenLake could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FrozenLakeError {
    /// The map is malformed, or no random map could be generated.
    #[error(transparent)]
    Map(#[from] LakeMapError),
    /// `success_rate` outside [0, 1].
    #[error("success_rate = {0} is not a probability in [0, 1]")]
    SuccessRate(f64),
    /// A reward that is not finite.
    #[error("reward_schedule entry {0} is not finite")]
    RewardSchedule(f64),
    /// The model failed validation (a map too large for the model's state ids).
    #[error("the FrozenLake model is invalid: {0}")]
    Model(#[from] MdpError),
}
