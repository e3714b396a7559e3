//! Toy text: Gymnasium 1.4's FrozenLake, CliffWalking and Taxi, with the same transition
//! tables, each exported as a tabular [`rewardlab_core::mdp::Mdp`] and simulated by sampling it.

pub mod cliff_walking;
pub mod frozen_lake;
pub(crate) mod shared;
pub mod taxi;

pub use cliff_walking::{CliffWalking, CliffWalkingConfig};
pub use frozen_lake::{FrozenLake, FrozenLakeConfig};
pub use taxi::{Taxi, TaxiConfig};

use crate::registry::EnvSpec;

/// The toy-text rows of the registry.
pub static SPECS: &[EnvSpec] = &[
    frozen_lake::FROZEN_LAKE_V1,
    frozen_lake::FROZEN_LAKE_8X8_V1,
    cliff_walking::CLIFF_WALKING_V1,
    cliff_walking::CLIFF_WALKING_SLIPPERY_V1,
    taxi::SPEC,
];
