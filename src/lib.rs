//! rewardlab: reinforcement-learning environments and reward design in Rust.
//!
//! This facade re-exports the workspace crates so that a user depends on one crate:
//!
//! - [`core`] (`rewardlab-core`): spaces, the `Env` API, wrappers, vector envs, tabular MDPs,
//!   planning, tabular learners, `check_env` and run logging.
//! - [`envs`] (`rewardlab-envs`): the registry (`make("rewardlab/CliffWalk-v0", &[])`) and
//!   the environments.
//! - [`plot`] (`rewardlab-plot`): learning curves, bar charts and grid heatmaps.
//!
//! The `rewardlab` binary (src/main.rs) is the command-line front end over the same crates.

pub use rewardlab_core as core;
pub use rewardlab_envs as envs;
pub use rewardlab_plot as plot;
