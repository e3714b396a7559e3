//! Checkpoints: burn records of the networks and the optimiser plus our own JSON state, written
//! so that a crash never leaves a half-written checkpoint behind.
//!
//! Layout inside a run folder: `checkpoint/` holds `model.bpk` (and `target.bpk` for DQN),
//! `optim.bpk` (Adam's moments and step) and `state.json` ([`TrainState`]: step counters,
//! episode bookkeeping, normaliser statistics and the shape of the networks).
//!
//! Atomicity: a new checkpoint is written in full to `checkpoint.new/`, then the current
//! `checkpoint/` is renamed to `checkpoint.old/`, `checkpoint.new/` to `checkpoint/`, and
//! `checkpoint.old/` removed. Renames are atomic, so at every instant either `checkpoint/` or
//! (between the two renames) `checkpoint.old/` is a complete checkpoint; [`locate`] reads
//! whichever exists. A failed or interrupted write leaves the last good checkpoint in place.
//!
//! A checkpoint that does not fit the run (another env, other layer sizes) is refused with
//! [`AgentError::CheckpointMismatch`] naming the difference: first from `state.json`'s
//! [`NetShape`], then from burn's own shape validation when the records are applied.

use std::fs;
use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::optim::ModuleOptimizer;
use burn::store::RecordError;

use crate::config::Algo;
use crate::error::AgentError;
use crate::nets::Activation;
use crate::normalize::Normalizer;
use crate::progress::Tracker;
use crate::task::{ActionSpec, VecTask};

/// Folder of the current checkpoint inside a run folder.
pub const DIR: &str = "checkpoint";
const NEW: &str = "checkpoint.new";
const OLD: &str = "checkpoint.old";
/// The trained network.
pub const MODEL_FILE: &str = "model.bpk";
/// DQN's target network.
pub const TARGET_FILE: &str = "target.bpk";
/// The optimiser state.
pub const OPTIM_FILE: &str = "optim.bpk";
/// [`TrainState`] as JSON.
pub const STATE_FILE: &str = "state.json";

/// What the networks look like; a checkpoint loads only into networks of the same shape.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NetShape {
    /// The algorithm.
    pub algo: Algo,
    /// Env id the run trained on.
    pub env: String,
    /// Observation width.
    pub obs_dim: usize,
    /// Number of discrete actions, or the continuous action dimension.
    pub action_dim: usize,
    /// Whether actions are continuous.
    pub continuous: bool,
    /// Hidden layer widths.
    pub hidden: Vec<usize>,
    /// Hidden activation.
    pub activation: Activation,
    /// Whether observations are normalised (the statistics are then part of the policy).
    pub normalized_obs: bool,
}

impl NetShape {
    /// The shape of `algo`'s networks for `task`.
    pub fn for_task(
        algo: Algo,
        env: &str,
        task: &VecTask,
        hidden: &[usize],
        activation: Activation,
        normalized_obs: bool,
    ) -> Self {
        let (action_dim, continuous) = match task.action_spec() {
            ActionSpec::Discrete { n } => (*n, false),
            ActionSpec::Continuous { low, .. } => (low.len(), true),
        };
        NetShape {
            algo,
            env: env.to_owned(),
            obs_dim: task.obs_dim(),
            action_dim,
            continuous,
            hidden: hidden.to_vec(),
            activation,
            normalized_obs,
        }
    }

    /// The first difference between two shapes, if any.
    pub fn mismatch(&self, other: &NetShape) -> Option<String> {
        let diff = |what: &str, a: &dyn std::fmt::Debug, b: &dyn std::fmt::Debug| {
            Some(format!("{what}: checkpoint has {a:?}, the run needs {b:?}"))
        };
        if self.algo != other.algo {
            return diff("algorithm", &self.algo, &other.algo);
        }
        if self.env != other.env {
            return diff("env", &self.env, &other.env);
        }
        if self.obs_dim != other.obs_dim {
            return diff("observation width", &self.obs_dim, &other.obs_dim);
        }
        if (self.action_dim, self.continuous) != (other.action_dim, other.continuous) {
            return diff(
                "actions (dim, continuous)",
                &(self.action_dim, self.continuous),
                &(other.action_dim, other.continuous),
            );
        }
        if self.hidden != other.hidden {
            return diff("hidden layers", &self.hidden, &other.hidden);
        }
        if self.activation != other.activation {
            return diff("activation", &self.activation, &other.activation);
        }
        if self.normalized_obs != other.normalized_obs {
            return diff("norm_obs", &self.normalized_obs, &other.normalized_obs);
        }
        None
    }
}

/// Everything besides the burn records that a run needs to continue.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TrainState {
    /// The networks' shape.
    pub shape: NetShape,
    /// Environment steps taken.
    pub global_step: u64,
    /// Updates done (PPO iterations, DQN gradient steps).
    pub updates: u64,
    /// Episode bookkeeping and timing.
    pub tracker: Tracker,
    /// Observation/reward statistics (PPO with normalisation).
    pub normalizer: Option<Normalizer>,
}

/// The checkpoint folder to read in `run_dir`, if there is one (see the module docs).
pub fn locate(run_dir: &Path) -> Option<PathBuf> {
    [DIR, OLD]
        .into_iter()
        .map(|d| run_dir.join(d))
        .find(|d| d.join(STATE_FILE).is_file())
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> AgentError {
    AgentError::Checkpoint {
        path: path.to_owned(),
        detail: e.to_string(),
    }
}

/// Writes a checkpoint: `write_records` puts the burn records into the folder it is given,
/// then `state.json` is added and the folder swapped in atomically.
pub fn save(
    run_dir: &Path,
    state: &TrainState,
    write_records: impl FnOnce(&Path) -> Result<(), AgentError>,
) -> Result<PathBuf, AgentError> {
    let (current, old) = (run_dir.join(DIR), run_dir.join(OLD));
    // An earlier save stopped between its two renames: `old` is then the only good copy.
    if !current.exists() && old.join(STATE_FILE).is_file() {
        fs::rename(&old, &current).map_err(|e| io_err(&old, e))?;
    }
    let new = run_dir.join(NEW);
    if new.exists() {
        fs::remove_dir_all(&new).map_err(|e| io_err(&new, e))?;
    }
    fs::create_dir_all(&new).map_err(|e| io_err(&new, e))?;
    write_records(&new)?;
    let state_path = new.join(STATE_FILE);
    let json = serde_json::to_string_pretty(state).map_err(|e| io_err(&state_path, e))?;
    fs::write(&state_path, json).map_err(|e| io_err(&state_path, e))?;

    if old.exists() {
        fs::remove_dir_all(&old).map_err(|e| io_err(&old, e))?;
    }
    if current.exists() {
        fs::rename(&current, &old).map_err(|e| io_err(&current, e))?;
    }
    fs::rename(&new, &current).map_err(|e| io_err(&new, e))?;
    if old.exists() {
        fs::remove_dir_all(&old).map_err(|e| io_err(&old, e))?;
    }
    Ok(current)
}

/// Reads `state.json` of the checkpoint in `run_dir` and checks it against `expected`.
pub fn load_state(
    run_dir: &Path,
    expected: &NetShape,
) -> Result<(PathBuf, TrainState), AgentError> {
    let dir = locate(run_dir).ok_or_else(|| AgentError::Checkpoint {
        path: run_dir.join(DIR),
        detail: "no checkpoint in this run folder".into(),
    })?;
    let path = dir.join(STATE_FILE);
    let text = fs::read_to_string(&path).map_err(|e| io_err(&path, e))?;
    let state: TrainState = serde_json::from_str(&text).map_err(|e| io_err(&path, e))?;
    if let Some(detail) = state.shape.mismatch(expected) {
        return Err(AgentError::CheckpointMismatch { path, detail });
    }
    Ok((dir, state))
}

/// The step at which the checkpoint in `run_dir` was written (what a resume continues from).
pub fn saved_step(run_dir: &Path) -> Result<u64, AgentError> {
    let dir = locate(run_dir).ok_or_else(|| AgentError::Checkpoint {
        path: run_dir.join(DIR),
        detail: "no checkpoint in this run folder".into(),
    })?;
    let path = dir.join(STATE_FILE);
    let text = fs::read_to_string(&path).map_err(|e| io_err(&path, e))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| io_err(&path, e))?;
    value["global_step"]
        .as_u64()
        .ok_or_else(|| io_err(&path, "no global_step"))
}

/// Saves one module's record.
pub fn save_module<M: Module>(module: &M, path: &Path) -> Result<(), AgentError> {
    module.clone().save_file(path).map_err(|e| io_err(path, e))
}

/// Loads a module's record into `module` (whose shape must match).
pub fn load_module<M: Module>(module: M, path: &Path) -> Result<M, AgentError> {
    module.try_load_file(path).map_err(|e| record_err(path, e))
}

/// Saves the optimiser state.
pub fn save_optim(optim: &ModuleOptimizer, path: &Path) -> Result<(), AgentError> {
    optim.save(path).map_err(|e| io_err(path, e))
}

/// Loads optimiser state into a freshly configured optimiser.
pub fn load_optim(optim: ModuleOptimizer, path: &Path) -> Result<ModuleOptimizer, AgentError> {
    optim.load(path).map_err(|e| record_err(path, e))
}

fn record_err(path: &Path, e: RecordError) -> AgentError {
    match e {
        RecordError::Validation(detail) => AgentError::CheckpointMismatch {
            path: path.to_owned(),
            detail,
        },
        RecordError::Io(detail) => AgentError::Checkpoint {
            path: path.to_owned(),
            detail,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape() -> NetShape {
        NetShape {
            algo: Algo::Ppo,
            env: "CartPole-v1".into(),
            obs_dim: 4,
            action_dim: 2,
            continuous: false,
            hidden: vec![64, 64],
            activation: Activation::Tanh,
            normalized_obs: false,
        }
    }

    fn state(step: u64) -> TrainState {
        TrainState {
            shape: shape(),
            global_step: step,
            updates: 1,
            tracker: Tracker::new(Some(475.0), false),
            normalizer: None,
        }
    }

    #[test]
    fn a_failed_write_keeps_the_last_good_checkpoint() {
        let tmp = tempfile::tempdir().expect("tempdir");
        save(tmp.path(), &state(10), |_| Ok(())).expect("first save");
        let err = save(tmp.path(), &state(20), |_| {
            Err(AgentError::Checkpoint {
                path: "x".into(),
                detail: "disk full".into(),
            })
        })
        .expect_err("the write fails");
        assert!(err.to_string().contains("disk full"));
        let (_, back) = load_state(tmp.path(), &shape()).expect("still there");
        assert_eq!(back.global_step, 10);
        save(tmp.path(), &state(30), |_| Ok(())).expect("a later save succeeds");
        assert_eq!(
            load_state(tmp.path(), &shape()).expect("new").1.global_step,
            30
        );
        assert!(!tmp.path().join(NEW).exists() && !tmp.path().join(OLD).exists());
    }

    #[test]
    fn the_old_folder_is_read_when_a_swap_was_interrupted() {
        let tmp = tempfile::tempdir().expect("tempdir");
        save(tmp.path(), &state(10), |_| Ok(())).expect("save");
        fs::rename(tmp.path().join(DIR), tmp.path().join(OLD)).expect("simulate the crash");
        assert_eq!(locate(tmp.path()), Some(tmp.path().join(OLD)));
        assert_eq!(
            load_state(tmp.path(), &shape()).expect("old").1.global_step,
            10
        );
        // The next save first puts the surviving copy back, so a failure keeps it readable.
        let failed = save(tmp.path(), &state(20), |_| {
            Err(AgentError::Device("interrupted".into()))
        });
        assert!(failed.is_err());
        assert_eq!(locate(tmp.path()), Some(tmp.path().join(DIR)));
        assert_eq!(
            load_state(tmp.path(), &shape())
                .expect("kept")
                .1
                .global_step,
            10
        );
    }

    #[test]
    fn mismatched_shapes_and_missing_checkpoints_are_named() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let err = load_state(tmp.path(), &shape()).expect_err("none yet");
        assert!(err.to_string().contains("no checkpoint"), "{err}");
        save(tmp.path(), &state(1), |_| Ok(())).expect("save");
        let other = NetShape {
            hidden: vec![32],
            ..shape()
        };
        let err = load_state(tmp.path(), &other).expect_err("other layers");
        assert!(err.to_string().contains("hidden layers"), "{err}");
    }
}
