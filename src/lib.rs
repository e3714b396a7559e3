//! rewardlab: reinforcement-learning environments and reward design in Rust.
//!
//! This facade re-exports the workspace crates so that a user depends on one crate:
//!
//! - [`core`] (`rewardlab-core`): spaces, the `Env` API, wrappers, vector envs, tabular MDPs,
//!   planning, tabular learners, `check_env` and run logging.
//! - [`envs`] (`rewardlab-envs`): the registry (`make("rewardlab/CliffWalk-v0", &[])`) and
//!   the environments.
//! - [`plot`] (`rewardlab-plot`): learning curves, bar charts and grid heatmaps.
//! - [`agents`] (`rewardlab-agents`): DQN and PPO on burn, checkpoints, evaluation.
//! - [`rewards`] (`rewardlab-rewards`): reward design — potential-based shaping and its
//!   contrasts, the `Shaped` wrapper, and the invariance checker.
//!
//! The `rewardlab` binary (src/main.rs) is the command-line front end over the same crates.
//!
//! ```
//! use rewardlab::core::mdp::{ValueIterationConfig, value_iteration};
//! use rewardlab::core::tabular::Tabular;
//! use rewardlab::core::{Env, Value};
//! use rewardlab::envs::{make, make_gridworld};
//!
//! // As `gymnasium.make`: the registered time limit is applied.
//! let mut env = make("rewardlab/CliffWalk-v0", &[])?;
//! let (obs, _info) = env.reset(Some(0)); // seeded: same seed, same episode
//! assert_eq!(obs, Value::Int(36));
//! let step = env.step(&Value::Int(0))?; // up
//! assert_eq!((step.obs, step.reward, step.terminated, step.truncated), (Value::Int(24), -1.0, false, false));
//!
//! // Tabular envs export the model they sample: plan on it exactly.
//! let grid = make_gridworld("rewardlab/CliffWalk-v0", &[])?;
//! let solution = value_iteration(grid.inner().mdp(), &ValueIterationConfig::default())?;
//! assert_eq!(solution.values[36], -13.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub use rewardlab_agents as agents;
pub use rewardlab_core as core;
pub use rewardlab_envs as envs;
pub use rewardlab_plot as plot;
pub use rewardlab_rewards as rewards;
