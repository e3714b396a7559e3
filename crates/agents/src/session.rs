//! What a trainer needs from its caller besides the configuration: the device, where metrics
//! go, where checkpoints live, and who wants progress reports.

use std::fmt;
use std::path::PathBuf;

use burn::tensor::Device;
use rewardlab_core::metrics::MetricSink;

use crate::error::AgentError;
use crate::progress::Progress;
use crate::task::RewardHook;

/// After a resume at `global_step`: a fresh RNG stream and the seed of the env copies' fresh
/// episodes, both determined by the run's seed and the step (so a resumed run is reproducible).
pub(crate) fn resumed_streams(seed: u64, global_step: u64) -> (rand_pcg::Pcg64, u64) {
    use rand::SeedableRng;
    (
        rand_pcg::Pcg64::seed_from_u64(seed ^ global_step.rotate_left(32)),
        seed.wrapping_add(global_step),
    )
}

/// The caller's side of a training run.
pub struct Session<'a> {
    /// The autodiff device to train on (see [`crate::Backend::device`]).
    pub device: Device,
    /// Where metrics go (a run folder's `metrics.csv`, memory in tests, or nowhere).
    pub sink: &'a mut dyn MetricSink,
    /// The run folder that receives checkpoints (none: no checkpoints).
    pub run_dir: Option<PathBuf>,
    /// Continue from the checkpoint in `run_dir` instead of starting afresh.
    pub resume: bool,
    /// End training after the update in which `steps_to_threshold` was reached (benchmarks).
    pub stop_at_threshold: bool,
    /// Called after every update with the current numbers (a progress bar).
    pub on_progress: Option<&'a mut dyn FnMut(&Progress)>,
    /// Computes the rewards the learner trains on from the training copies' transitions
    /// (none: the task reward). Statistics, thresholds and evaluations stay on the task
    /// reward; `charts/episodic_shaped_return` logs the hook's episode sums. The hook's own
    /// state is not checkpointed: a resumed run gets the hook of its new session.
    pub reward_hook: Option<Box<dyn RewardHook>>,
}

impl fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("device", &self.device)
            .field("run_dir", &self.run_dir)
            .field("resume", &self.resume)
            .field("stop_at_threshold", &self.stop_at_threshold)
            .field("reward_hook", &self.reward_hook.is_some())
            .finish_non_exhaustive()
    }
}

impl<'a> Session<'a> {
    /// A session that logs to `sink` and writes no checkpoints.
    pub fn new(device: Device, sink: &'a mut dyn MetricSink) -> Self {
        Session {
            device,
            sink,
            run_dir: None,
            resume: false,
            stop_at_threshold: false,
            on_progress: None,
            reward_hook: None,
        }
    }

    /// The run folder to resume from (an error when the session has none).
    pub(crate) fn resume_dir(&self) -> Result<PathBuf, AgentError> {
        self.run_dir.clone().ok_or_else(|| AgentError::Checkpoint {
            path: "<none>".into(),
            detail: "resuming needs a run folder".into(),
        })
    }

    pub(crate) fn report(&mut self, progress: &Progress) {
        if let Some(f) = self.on_progress.as_deref_mut() {
            f(progress);
        }
    }
}
