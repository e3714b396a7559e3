//! The crate's one error type.

use rewardlab_core::mdp::{MdpError, PlanError};

/// Why a reward transform, potential or invariance check could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RewardsError {
    /// Planning on the original or the transformed model failed.
    #[error("planning failed: {0}")]
    Plan(#[from] PlanError),
    /// The transformed model is invalid (a non-finite reward, …).
    #[error("the transformed model is invalid: {0}")]
    Model(#[from] MdpError),
    /// A per-state table of the wrong length.
    #[error("{what} has {got} entries, but the model has {expected} states")]
    Length {
        /// What was given ("potential", "distance table", …).
        what: &'static str,
        /// The number of states of the model.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// A potential value that is NaN or infinite.
    #[error("potential of state {state} is {value}, not a finite number")]
    NonFinitePotential {
        /// The state.
        state: usize,
        /// The value.
        value: f64,
    },
    /// The model has no goal for a distance-based potential or bonus.
    #[error("the model has no goal state: no transition enters a terminal state")]
    NoGoal,
    /// An unknown potential or transform name.
    #[error("unknown {what} {name:?}; expected one of: {expected}")]
    UnknownName {
        /// "potential" or "transform".
        what: &'static str,
        /// The name given.
        name: String,
        /// The accepted names, comma-separated.
        expected: String,
    },
    /// A parameter out of its range (a negative scale, γ = 0 for look-back advice, …).
    #[error("invalid {name}: {reason}")]
    Invalid {
        /// The parameter.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}
