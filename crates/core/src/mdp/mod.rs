//! Tabular MDPs: the sparse model, planning, policy evaluation, occupancy measures, and the
//! environment that simulates a model by sampling it.
//!
//! - model: the sparse CSR [`Mdp`] and its [`MdpBuilder`].
//! - policies: validation, deterministic / uniform / greedy / Boltzmann constructors, and
//!   [`argmax_lowest`], the one lowest-index tie-break every greedy choice uses.
//! - planning: [`q_values`], synchronous [`value_iteration`], Howard [`policy_iteration`],
//!   [`soft_value_iteration`] (max-ent).
//! - evaluation: exact sparse-LU [`evaluate_policy`] and [`evaluate_policy_iterative`].
//! - occupancy: discounted [`state_occupancy`], [`state_action_occupancy`], [`expected_return`].
//!
//! Every fallible function returns [`PlanError`], which names the state at fault.

mod bellman;
mod error;
mod evaluation;
mod linear;
mod model;
mod occupancy;
mod policy;
mod policy_iteration;
mod soft;
#[cfg(test)]
mod test_mdps;
mod value_iteration;

pub use bellman::q_values;
pub use error::PlanError;
pub use evaluation::{evaluate_actions, evaluate_policy, evaluate_policy_iterative};
pub use model::{DENSE_LIMIT_BYTES, Mdp, MdpBuilder, MdpError, Transition};
pub use occupancy::{expected_return, state_action_occupancy, state_occupancy};
pub use policy::{
    POLICY_SUM_TOLERANCE, argmax_lowest, boltzmann_policy, deterministic_policy, greedy_policy,
    uniform_policy, validate_policy,
};
pub use policy_iteration::{IMPROVEMENT_MARGIN, PolicyIterationConfig, policy_iteration};
pub use soft::{SoftSolution, soft_value_iteration};
pub use value_iteration::{Solution, ValueIterationConfig, value_iteration};
