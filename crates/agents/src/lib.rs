//! Neural agents on burn 0.22: DQN and PPO with CleanRL's semantics, on the pure-Rust `flex`
//! CPU backend by default or on `wgpu`.
//!
//! This is the only crate of the workspace that compiles burn. Its design:
//!
//! - **The env side is flat `f32`.** [`task::VecTask`] turns any registered env (classic
//!   control, toy text, MiniGrid) into `n` copies with same-step autoreset and flat observation
//!   rows; CartPole runs on its struct-of-arrays batch without per-step allocation. Learners
//!   never see `Value`s.
//! - **Host for control flow, device for gradients.** Rollouts, replay, GAE, normalisation and
//!   action sampling run on the host with our own seeded RNG; networks run on the device, read
//!   back once per step (acting) or once per minibatch (losses). A seed therefore fixes a run
//!   on every backend, independently of burn's RNG.
//! - **`terminated` and `truncated` stay apart** from the env through the buffers into the
//!   targets: truncation bootstraps from the final observation, termination does not.
//! - **Algorithms read top to bottom** like CleanRL's single files: [`ppo::train`] and
//!   [`dqn::train`] are setup, rollout, targets, update, logging in that order; configs are
//!   serde structs with one documented field each, layered from presets ([`presets`]), TOML
//!   files and `--set key=value` ([`config`]).
//! - **Runs are recoverable.** Checkpoints ([`checkpoint`]) are written atomically with the
//!   optimiser state, the normaliser statistics and the episode bookkeeping, so `--resume`
//!   continues a run and `eval` reproduces the trained policy; a NaN loss stops training with
//!   an error that names the update and the term, before the weights absorb it.

pub mod backend;
pub mod checkpoint;
pub mod config;
pub mod dqn;
pub mod error;
pub mod eval;
pub mod gae;
pub mod grad;
pub mod nets;
pub mod normalize;
pub mod ppo;
pub mod presets;
pub mod progress;
pub mod replay;
pub mod run;
pub mod schedule;
pub mod session;
pub mod task;

pub use backend::Backend;
pub use config::{Algo, ConfigError, RunSpec};
pub use error::AgentError;
pub use progress::{Progress, Summary};
pub use session::Session;
pub use task::RewardHook;
