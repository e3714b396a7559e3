//! Toy text: Gymnasium 1.4's FrozenLake, CliffWalking and Taxi, with the same transition
//! tables, each exported as a tabular [`rewardlab_core::mdp::Mdp`] and simulated by sampling it.

use crate::registry::EnvSpec;

/// The toy-text rows of the registry.
pub static SPECS: &[EnvSpec] = &[];
