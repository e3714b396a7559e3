//! Inverse RL on tabular models: learn a reward from demonstrations of behaviour.
//!
//! The pieces, in the order a run uses them:
//!
//! - [`demos`]: demonstrations as JSON lines (sampled from an expert or read from a file),
//!   and their empirical discounted occupancy ρ_E(s, a, s′);
//! - [`expert`]: the demonstrators (optimal, Boltzmann-rational, MCE soft-optimal) computed
//!   by planning on the true reward, whose *exact* occupancy is the infinite-data limit, and
//!   behaviour cloning, the reward-free baseline;
//! - [`model`]: the reward class — [`Domain`] (R(s), R(s′), R(s, a) or R(s, a, s′)) and a
//!   [`RewardModel`] that gives R_θ and pulls a gradient on R back to θ (linear in
//!   features or tabular here; a network later);
//! - [`soft`]: the backward pass (soft-optimal policy, finite or infinite horizon) and the
//!   forward pass (its occupancy);
//! - [`fit`]: MCE IRL and MaxEnt IRL, one gradient loop with Adam or plain steps;
//! - [`evaluate`]: policy match, true returns, and STARC/EPIC distances to the true reward.
//!
//! A whole run — an optimal expert's exact occupancy on a gridworld, MCE IRL with a tabular
//! R(s, a), and the verdict against the true reward:
//!
//! ```
//! use ndarray::Axis;
//! use rewardlab_rewards::irl::{
//!     self, Domain, Expert, Features, Horizon, IrlConfig, LinearReward, Policy, Truth,
//! };
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let model = rewardlab_envs::tabular_model::model("rewardlab/Oscillation-v0", &[])?;
//! let mdp = &model.mdp;
//! let expert = Expert::Optimal.policy(mdp)?;
//! let rho = irl::occupancy(mdp, &Policy::Stationary(expert.clone()), Horizon::Infinite)?;
//! let (n, m) = (mdp.n_states(), mdp.n_actions());
//! let mut reward = LinearReward::new(Features::OneHot(Domain::StateAction), n, m)?;
//! let config = IrlConfig { learning_rate: 0.1, max_iterations: 50, ..IrlConfig::default() };
//! let fit = irl::mce_irl(mdp, &rho, &mut reward, &config)?;
//! let visited = (0..n).map(|s| rho.index_axis(Axis(0), s).sum() > 0.0).collect();
//! let report = Truth::new(mdp, &expert, visited)?.judge_reward("mce", &fit.reward)?;
//! assert!(report.policy_match_visited >= 0.95);
//! assert!(report.true_return_learned >= 0.99 * report.true_return_expert);
//! # Ok(())
//! # }
//! ```
//!
//! Invariant: a reward is learned and judged as a full (S, A, S) tensor on the model's
//! dynamics, with terminal rows 0 — the same representation the distance module compares,
//! so "the learned reward is the truth up to shaping" is a number, not a picture.

pub mod demos;
pub mod evaluate;
pub mod expert;
pub mod fit;
pub mod model;
pub mod optim;
pub mod soft;

pub use demos::{DemoError, Demos, Trajectory};
pub use evaluate::{IrlReport, Truth, optimal_actions};
pub use expert::{Expert, behaviour_cloning};
pub use fit::{
    IrlConfig, IrlIteration, IrlResult, IrlTask, MultiTaskResult, TaskFit, maxent_irl, mce_irl,
    mce_irl_multitask, mce_objective,
};
pub use model::{Domain, Features, LinearReward, RewardModel, zero_terminal_rows};
pub use optim::{Optimizer, OptimizerKind};
pub use soft::{Horizon, Policy, SoftPlan, occupancy, soft_plan};

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
