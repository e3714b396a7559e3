//! [`TaskError`]: why a [`VecTask`](super::VecTask) could not be built, stepped or rendered.
//! Every variant names the env id.

use rewardlab_core::EnvError;
use rewardlab_core::vector::VectorError;
use rewardlab_envs::minigrid::wrappers::MissionEncodeError;
use rewardlab_envs::registry::MakeError;
use rewardlab_envs::vector::MakeVecError;

/// Why a [`VecTask`](super::VecTask) could not be built, stepped or rendered.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    /// The id or its kwargs were refused.
    #[error("cannot make {id}: {source}")]
    Make {
        /// The env id.
        id: String,
        /// The registry's error.
        #[source]
        source: Box<MakeError>,
    },
    /// The vector env could not be built.
    #[error("cannot make a vector env of {id}: {source}")]
    MakeVec {
        /// The env id.
        id: String,
        /// The vector env's error.
        #[source]
        source: Box<MakeVecError>,
    },
    /// A task needs at least one copy.
    #[error("{id}: a task needs at least one env copy")]
    NoEnvs {
        /// The env id.
        id: String,
    },
    /// The observation space has no flat form the agents take.
    #[error("{id}: observation space {space} is not supported (only Box and Discrete)")]
    UnsupportedObservation {
        /// The env id.
        id: String,
        /// The space, printed.
        space: String,
    },
    /// The action space is neither `Discrete` nor a float `Box`.
    #[error("{id}: action space {space} is not supported (only Discrete and float Box)")]
    UnsupportedAction {
        /// The env id.
        id: String,
        /// The space, printed.
        space: String,
    },
    /// `step_discrete` on a continuous task or `step_continuous` on a discrete one.
    #[error("{id} has {actual} actions; {called} was called")]
    WrongActionKind {
        /// The env id.
        id: String,
        /// The kind of the env's actions.
        actual: &'static str,
        /// The step function called.
        called: &'static str,
    },
    /// Another number of action values than the task takes.
    #[error("{id}: expected {expected} action values, got {got}")]
    WrongActionCount {
        /// The env id.
        id: String,
        /// Values needed (`n_envs · act_dim`).
        expected: usize,
        /// Values given.
        got: usize,
    },
    /// A discrete action outside `0..n`.
    #[error("{id}: action {action} for env {env} is out of range 0..{n}")]
    ActionOutOfRange {
        /// The env id.
        id: String,
        /// The copy.
        env: usize,
        /// The action.
        action: usize,
        /// Number of actions.
        n: usize,
    },
    /// A continuous action value that is NaN.
    #[error("{id}: action value {index} (env {env}) is NaN")]
    NanAction {
        /// The env id.
        id: String,
        /// The copy.
        env: usize,
        /// Index of the value in the flat action slice.
        index: usize,
    },
    /// A step before the first reset, or after a step the envs failed.
    #[error("{id}: call reset before stepping (first step, or after an env error)")]
    ResetNeeded {
        /// The env id.
        id: String,
    },
    /// An env refused a step; the task must be reset before the next one.
    #[error("{id}: {source}")]
    Env {
        /// The env id.
        id: String,
        /// The vector env's error (names the copy).
        #[source]
        source: VectorError,
    },
    /// An observation that is not an element of the observation space.
    #[error("{id}: env {env} returned an observation outside {space}")]
    BadObservation {
        /// The env id.
        id: String,
        /// The copy.
        env: usize,
        /// The observation space, printed.
        space: String,
    },
    /// The MiniGrid mission has no `FlatObs` encoding.
    #[error("{id}: {source}")]
    Mission {
        /// The env id.
        id: String,
        /// The encoder's error.
        #[source]
        source: MissionEncodeError,
    },
    /// No copy of that index.
    #[error("{id}: no env {index} in a task of {n}")]
    NoSuchEnv {
        /// The env id.
        id: String,
        /// The index asked for.
        index: usize,
        /// Number of copies.
        n: usize,
    },
    /// The CartPole batch path cannot render; build with [`VecTask::new_renderable`](super::VecTask::new_renderable).
    #[error("{id}: the CartPole batch cannot render; use VecTask::new_renderable")]
    BatchNotRenderable {
        /// The env id.
        id: String,
    },
    /// The env cannot render (or failed to).
    #[error("{id}: cannot render env {env}: {source}")]
    Render {
        /// The env id.
        id: String,
        /// The copy.
        env: usize,
        /// The env's error.
        #[source]
        source: EnvError,
    },
}
