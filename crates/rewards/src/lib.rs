//! Reward design on top of rewardlab's environments and tabular models.
//!
//! The crate is split by what a reward transform is used for:
//!
//! - [`shaping`]: the formulas (potential-based shaping F = γΦ(s′) − Φ(s) with Φ(terminal) = 0,
//!   dynamic potentials, look-ahead and look-back advice) as [`shaping::RewardFn`] terms that
//!   compose (`Task.plus(Pbrs::new(..)).scaled(2.0)`), and the non-potential contrasts
//!   (progress, subgoal and step bonuses) that a course shows failing.
//! - [`potential`]: potentials Φ — tabular ones built from a model (`value` = V*, `distance` =
//!   −shortest-path steps to the nearest goal, `zero`) and any closure over observations.
//! - [`wrapper`]: [`wrapper::Shaped`], an env wrapper that pays a [`shaping::RewardFn`]'s
//!   reward and keeps the task reward in `info["task_reward"]`, so curves can always be drawn
//!   under the true reward.
//! - [`tabular`]: the same transforms on core's [`Mdp`](rewardlab_core::mdp::Mdp), producing a
//!   new model a planner can solve, plus the look-ahead advice fixed point.
//! - [`distance`]: reward distances (STARC, EPIC, DARD) and regret on tabular models.
//! - [`check`]: the invariance checker — optimal action *sets* before and after a transform,
//!   the states where they differ, and for PBRS the identity Q*_shaped = Q* − Φ(s).
//!
//! Online and tabular forms share one definition of each term (the functions in
//! [`shaping`]), so an experiment that learns with the wrapper and a checker that plans on
//! the shaped model agree on what "shaped" means.

mod names;

pub mod check;
pub mod distance;
pub mod error;
pub mod goodhart;
pub mod irl;
pub mod potential;
pub mod shaping;
pub mod tabular;
pub mod wrapper;

pub use check::{InvarianceReport, check_pbrs, compare_optimal_policies};
pub use error::RewardsError;
pub use potential::{Potential, PotentialName, TabularPotential};
pub use shaping::{RewardFn, RewardFnExt, Transition};
pub use wrapper::Shaped;
