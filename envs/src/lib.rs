//! rewardlab-envs: environments and the registry that makes them by id.
//!
//! - [`gridworld`]: gridworlds from ASCII maps (a documented text format, maps shipped in
//!   `envs/maps/` and embedded in the binary), exported as a tabular
//!   [`rewardlab_core::mdp::Mdp`] and simulated by sampling that model.
//! - [`registry`]: Gymnasium-style ids (`rewardlab/CliffWalk-v0`, …), [`registry::EnvSpec`]s
//!   and [`make`], which applies the registered time limit.
//!
//! Classic control, toy text and MiniGrid join as sibling modules, each registering its ids
//! as rows of [`registry::SPECS`].

pub mod bench;
pub mod classic_control;
pub mod gridworld;
pub mod registry;
pub mod render;
pub mod toy_text;
pub mod vector;

pub use gridworld::{BuiltinMap, Cell, GridMap, GridWorld, MapError};
pub use registry::{EnvSpec, KwargSpec, Kwargs, MakeError, make, make_gridworld, spec, specs};
