//! rewardlab-envs: environments, the registry that makes them by id, and their pictures.
//!
//! - [`classic_control`]: CartPole, MountainCar, MountainCarContinuous, Acrobot and Pendulum,
//!   bit-exact with Gymnasium 1.4 (proven by replaying Gymnasium's recorded trajectories), and
//!   [`classic_control::CartPoleBatch`], CartPole as a struct of arrays.
//! - [`toy_text`]: FrozenLake, CliffWalking and Taxi with Gymnasium's transition tables,
//!   exported as tabular [`rewardlab_core::mdp::Mdp`]s and simulated by sampling them.
//! - [`gridworld`]: gridworlds from ASCII maps (a documented text format, maps shipped in
//!   `envs/maps/` and embedded in the binary), exported and simulated the same way.
//! - [`minigrid`]: a port of MiniGrid 3.2 (engine, egocentric observations, the Empty envs),
//!   checked step for step against recorded MiniGrid trajectories.
//! - [`registry`]: Gymnasium's ids (`CartPole-v1`, `FrozenLake-v1`, …) and ours
//!   (`rewardlab/CliffWalk-v0`, …), [`registry::EnvSpec`]s and [`make`], which checks the
//!   kwargs and applies the registered time limit. Each family owns its rows.
//! - [`vector`]: [`vector::make_vec`], the native CartPole batch or core's generic vector
//!   envs. [`bench`](mod@bench): the throughput measurement behind `rewardlab bench`.
//! - [`tabular_model`]: [`tabular_model::model`], the `Mdp` of any registered tabular env by id
//!   (gridworlds, toy text, MiniGrid layouts), for planners and the reward-shaping checker.
//! - [`render`]: RGB frames in pure Rust (tiny-skia) and PNG/GIF encoding.

pub mod bench;
pub mod classic_control;
pub mod gridworld;
pub mod minigrid;
pub mod registry;
pub mod render;
pub mod tabular_model;
pub mod toy_text;
pub mod vector;

pub use gridworld::{BuiltinMap, Cell, GridMap, GridWorld, MapError};
pub use registry::{EnvSpec, KwargSpec, Kwargs, MakeError, make, make_gridworld, spec, specs};
