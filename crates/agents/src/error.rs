//! The one error type of the agents crate; every variant names what went wrong and where.

use std::path::PathBuf;

use crate::config::ConfigError;
use crate::gae::GaeError;
use crate::replay::ReplayError;
use crate::task::TaskError;

/// Why training, evaluation or a checkpoint operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// `--backend` named a backend whose cargo feature is not in this build.
    #[error(
        "backend `{backend}` is not compiled into this binary: rebuild with `--features {feature}`"
    )]
    BackendNotCompiled {
        /// The backend asked for.
        backend: &'static str,
        /// The cargo feature that compiles it.
        feature: &'static str,
    },
    /// A backend name that is not one of `flex`, `wgpu`.
    #[error("unknown backend `{0}` (known: flex, wgpu)")]
    UnknownBackend(String),
    /// A bad configuration, preset, override or algorithm/env combination.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The environment refused something.
    #[error(transparent)]
    Task(#[from] TaskError),
    /// Inconsistent rollout buffers (a bug, reported rather than hidden).
    #[error(transparent)]
    Gae(#[from] GaeError),
    /// The replay buffer refused a transition or a sample.
    #[error(transparent)]
    Replay(#[from] ReplayError),
    /// A loss term became NaN or infinite; the last good checkpoint is left in place.
    #[error(
        "non-finite loss at update {update}: {term} = {value}; training stopped \
         (the last good checkpoint is kept)"
    )]
    NonFiniteLoss {
        /// The update (PPO iteration or DQN gradient step) counted from 1.
        update: u64,
        /// The loss term, e.g. `losses/value_loss`.
        term: &'static str,
        /// Its value.
        value: f32,
    },
    /// A checkpoint could not be written or read.
    #[error("checkpoint {path}: {detail}")]
    Checkpoint {
        /// The file.
        path: PathBuf,
        /// What failed.
        detail: String,
    },
    /// A checkpoint was made for a different configuration (network sizes, obs/action dims).
    #[error("checkpoint {path} does not match the configuration: {detail}")]
    CheckpointMismatch {
        /// The file.
        path: PathBuf,
        /// The first mismatch found.
        detail: String,
    },
    /// Reading a result back from the device failed.
    #[error("device error: {0}")]
    Device(String),
    /// Writing metrics failed.
    #[error("cannot write metrics: {0}")]
    Metrics(#[from] std::io::Error),
}
