//! Deep Q-learning with CleanRL's `dqn.py` semantics, read top to bottom in [`train`]:
//! setup, act (ε-greedy), store, learn, target update, logging, evaluation, checkpoints.
//!
//! The loop, with `global_step` counting the environment steps of all copies together:
//! 1. ε = linear from `start_e` to `end_e` over `exploration_fraction · total_timesteps`
//!    steps, evaluated at the steps taken so far; per copy, with probability ε a uniform
//!    random action, else argmax Q (one batched forward of all copies, one device read).
//! 2. Step all copies; store `(obs, action, reward, next_obs, terminated)` per copy, where
//!    `next_obs` is the episode's real final observation when the step ended it.
//! 3. Once `global_step > learning_starts`, at every crossing of a multiple of
//!    `train_frequency`: `gradient_steps` gradient steps ([`learn`]) on uniform samples (with
//!    replacement); at every crossing of a multiple of `target_network_frequency`:
//!    `θ_target ← τ·θ + (1 − τ)·θ_target` (τ = 1: a hard copy).
//!
//! Where this differs from CleanRL, on purpose:
//! - **Several copies** (SB3-style): `num_envs` copies step together, `global_step` grows by
//!   `num_envs` per step, and a step that crosses several multiples of `train_frequency`
//!   trains once per multiple, so the gradient-step/env-step ratio does not depend on
//!   `num_envs`. `global_step` counts steps *taken* (SB3's `num_timesteps`), one more than
//!   CleanRL's loop index at the same point.
//! - **Truncation bootstraps** from the final observation; only `terminated` stops it.
//! - **Options**: Double DQN, Huber loss, a global gradient-norm clip, several gradient steps
//!   per training round (SB3's `gradient_steps`), Polyak target updates.
//! - **Our own RNG**: weights (PyTorch's default init), exploration and replay sampling come
//!   from one seeded PCG stream, so a seed fixes the run on every backend.
//! - **Resume does not restore the replay buffer** (it is not checkpointed: up to gigabytes of
//!   observations). A resumed run refills it: learning restarts `learning_starts` steps
//!   after the resume step, while ε, the gradient-step counter, the networks, Adam's state
//!   and the episode bookkeeping continue where the checkpoint left them.

mod config;
pub(crate) mod learn;
#[cfg(test)]
mod tests;

pub use config::{DqnConfig, TdLoss};
pub use learn::StepStats;

use std::path::Path;

use burn::module::Module;
use burn::optim::{AdamConfig, ModuleOptimizer};
use burn::tensor::{Device, Tensor, TensorData};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use crate::checkpoint::{self, NetShape, TrainState};
use crate::config::{Algo, ConfigError};
use crate::error::AgentError;
use crate::eval::{Actions, EVAL_SEED_OFFSET, Policy, run_episodes};
use crate::grad::{all_finite, soft_update};
use crate::nets::{Init, Mlp, layer_sizes};
use crate::ppo::EnvChoice;
use crate::progress::{Summary, Tracker, names};
use crate::replay::{ReplayBatch, ReplayBuffer};
use crate::schedule::{linear, next_multiple};
use crate::session::{Session, resumed_streams};
use crate::task::{ActionSpec, VecTask};

/// Log the losses every this many gradient steps (CleanRL logs every 100 steps).
const LOG_EVERY: u64 = 100;
/// Report progress every this many environment steps.
const PROGRESS_EVERY: u64 = 1_000;

/// The shape of the Q-network for `task` (checked against checkpoints).
pub fn net_shape(env: &str, task: &VecTask, cfg: &DqnConfig) -> NetShape {
    NetShape::for_task(Algo::Dqn, env, task, &cfg.hidden, cfg.activation, false)
}

/// ε at `global_step` steps taken (CleanRL's `linear_schedule`).
pub(crate) fn epsilon(cfg: &DqnConfig, global_step: u64) -> f64 {
    let duration = cfg.exploration_fraction * cfg.total_timesteps as f64;
    linear(cfg.start_e, cfg.end_e, duration, global_step as f64)
}

/// Number of multiples of `every` in `(from, to]`.
fn crossings(from: u64, to: u64, every: u64) -> u64 {
    let every = every.max(1);
    to / every - from / every
}

fn discrete_actions(env: &EnvChoice<'_>, task: &VecTask) -> Result<usize, AgentError> {
    match task.action_spec() {
        ActionSpec::Discrete { n } => Ok(*n),
        ActionSpec::Continuous { .. } => Err(ConfigError::Unsupported {
            algo: "dqn",
            env: env.id.to_owned(),
            reason: "DQN needs discrete actions; use --algo ppo".into(),
        }
        .into()),
    }
}

fn q_network(obs_dim: usize, n_actions: usize, cfg: &DqnConfig, device: &Device) -> Mlp {
    let mut rng = Pcg64::seed_from_u64(cfg.seed);
    Mlp::new(
        &layer_sizes(obs_dim, &cfg.hidden, n_actions),
        cfg.activation,
        Init::TorchDefault,
        &mut rng,
        device,
    )
}

fn read(t: Tensor<2>) -> Result<Vec<f32>, AgentError> {
    t.into_data()
        .try_to_vec::<f32>()
        .map_err(|e| AgentError::Device(format!("cannot read Q-values back: {e:?}")))
}

/// Index of the largest value (the first one on ties, like `torch.argmax`).
fn argmax(row: &[f32]) -> usize {
    row.iter()
        .enumerate()
        .fold((0, f32::NEG_INFINITY), |best, (i, &q)| {
            if q > best.1 { (i, q) } else { best }
        })
        .0
}

/// A frozen Q-network (no graph, plain device) that picks ε-greedy actions for a batch.
#[derive(Debug)]
struct QActor {
    q: Mlp,
    obs_dim: usize,
    n_actions: usize,
    device: Device,
}

impl QActor {
    /// A frozen copy of `online`'s current weights.
    fn new(online: &Mlp, obs_dim: usize, n_actions: usize, device: &Device) -> Self {
        QActor {
            q: online.valid(),
            obs_dim,
            n_actions,
            device: device.clone().inner(),
        }
    }

    /// ε-greedy actions for the `obs` rows: per row, a coin with probability `eps` picks a
    /// uniform random action, otherwise argmax Q. The network runs (once, on all rows) only
    /// when some row needs it, so the fully random start of training costs no forward passes.
    fn act(
        &self,
        obs: &[f32],
        eps: f64,
        rng: &mut Pcg64,
        actions: &mut [usize],
    ) -> Result<(), AgentError> {
        let mut any_greedy = false;
        for a in actions.iter_mut() {
            if rng.random::<f64>() < eps {
                *a = rng.random_range(0..self.n_actions);
            } else {
                *a = usize::MAX;
                any_greedy = true;
            }
        }
        if any_greedy {
            let rows = actions.len();
            let x = Tensor::<2>::from_data(
                TensorData::new(obs.to_vec(), [rows, self.obs_dim]),
                &self.device,
            );
            let q_values = read(self.q.forward(x))?;
            for (a, row) in actions
                .iter_mut()
                .zip(q_values.chunks_exact(self.n_actions))
            {
                if *a == usize::MAX {
                    *a = argmax(row);
                }
            }
        }
        Ok(())
    }
}

/// A trained Q-network acting greedily (argmax Q), or ε-greedy with `ε = end_e` when asked
/// for non-greedy actions (CleanRL's evaluation).
#[derive(Debug)]
pub struct QPolicy {
    actor: QActor,
    epsilon: f64,
    rng: Pcg64,
}

impl QPolicy {
    fn new(actor: QActor, cfg: &DqnConfig, seed: u64) -> Self {
        QPolicy {
            actor,
            epsilon: cfg.end_e,
            rng: Pcg64::seed_from_u64(seed),
        }
    }

    /// Loads the Q-network saved in `run_dir`'s checkpoint.
    pub fn load(
        run_dir: &Path,
        env: EnvChoice<'_>,
        cfg: &DqnConfig,
        task: &VecTask,
        device: &Device,
    ) -> Result<Self, AgentError> {
        let n_actions = discrete_actions(&env, task)?;
        let shape = net_shape(env.id, task, cfg);
        let (dir, _) = checkpoint::load_state(run_dir, &shape)?;
        let online = q_network(task.obs_dim(), n_actions, cfg, device);
        let online = checkpoint::load_module(online, &dir.join(checkpoint::MODEL_FILE))?;
        let actor = QActor::new(&online, task.obs_dim(), n_actions, device);
        Ok(QPolicy::new(actor, cfg, cfg.seed))
    }
}

impl Policy for QPolicy {
    fn act(&mut self, obs: &[f32], actions: &mut Actions, greedy: bool) -> Result<(), AgentError> {
        let Actions::Discrete(actions) = actions else {
            return Err(AgentError::Device(
                "a Q-policy needs a discrete action buffer".into(),
            ));
        };
        let eps = if greedy { 0.0 } else { self.epsilon };
        self.actor.act(obs, eps, &mut self.rng, actions)
    }
}

/// Trains DQN on `env` and returns the run's summary.
pub fn train(
    env: EnvChoice<'_>,
    cfg: &DqnConfig,
    mut session: Session<'_>,
) -> Result<Summary, AgentError> {
    // --- Setup -----------------------------------------------------------------------------
    cfg.validate()?;
    let mut task = VecTask::new(env.id, env.kwargs, cfg.num_envs, env.encoding)?;
    // The learner trains on the hook's rewards; the tracker keeps reading task returns.
    task.set_reward_hook(session.reward_hook.take());
    let (n, obs_dim) = (task.num_envs(), task.obs_dim());
    let n_actions = discrete_actions(&env, &task)?;
    let device = session.device.clone();
    let mut online = q_network(obs_dim, n_actions, cfg, &device);
    // A `valid()` copy shares the online network's parameter ids: soft updates match by id.
    let mut target = online.valid();
    let adam = AdamConfig::new().with_epsilon(cfg.adam_eps as f32);
    let mut optim: ModuleOptimizer = adam.init();
    let shape = net_shape(env.id, &task, cfg);
    let threshold = cfg.reward_threshold.or(task.reward_threshold());
    let mut tracker = Tracker::new(threshold, task.has_success());
    let (mut global_step, mut updates) = (0u64, 0u64);
    let mut rng = Pcg64::seed_from_u64(cfg.seed ^ 0xd9e);
    let mut reset_seed = cfg.seed;

    if session.resume {
        let run_dir = session.resume_dir()?;
        let (dir, state) = checkpoint::load_state(&run_dir, &shape)?;
        online = checkpoint::load_module(online, &dir.join(checkpoint::MODEL_FILE))?;
        target = checkpoint::load_module(target, &dir.join(checkpoint::TARGET_FILE))?;
        optim = checkpoint::load_optim(adam.init(), &dir.join(checkpoint::OPTIM_FILE))?;
        global_step = state.global_step;
        updates = state.updates;
        tracker = state.tracker;
        tracker.resume_session(global_step);
        (rng, reset_seed) = resumed_streams(cfg.seed, global_step);
    }
    // The replay buffer starts empty, after a resume too: learning waits for it to refill.
    let learning_starts = global_step.saturating_add(cfg.learning_starts);

    let mut eval_task = VecTask::new(env.id, env.kwargs, cfg.eval_episodes, env.encoding)?;
    let mut next_eval = next_multiple(global_step, cfg.eval_every);
    let mut next_checkpoint = next_multiple(global_step, cfg.checkpoint_every);
    let mut evals_done = global_step.checked_div(cfg.eval_every).unwrap_or(0);

    let mut buffer = ReplayBuffer::new(cfg.buffer_size, obs_dim, 1)?;
    let mut batch = ReplayBatch::new(cfg.batch_size, obs_dim, 1);
    let mut scratch = learn::Scratch::default();
    let mut obs = task.reset(Some(reset_seed))?.to_vec();
    let mut actions = vec![0usize; n];
    let mut actor = QActor::new(&online, obs_dim, n_actions, &device);

    while global_step < cfg.total_timesteps {
        // --- Act -----------------------------------------------------------------------------
        let eps = epsilon(cfg, global_step);
        actor.act(&obs, eps, &mut rng, &mut actions)?;
        let step = task.step_discrete(&actions)?;
        let before = global_step;
        global_step += n as u64;
        for ep in &step.episodes {
            tracker.on_episode(global_step, ep, session.sink)?;
        }

        // --- Store ---------------------------------------------------------------------------
        for (e, &action) in actions.iter().enumerate() {
            let row = e * obs_dim..(e + 1) * obs_dim;
            let ended = step.terminated[e] || step.truncated[e];
            let next_obs = if ended {
                &step.final_obs[row.clone()]
            } else {
                &step.obs[row.clone()]
            };
            buffer.push_discrete(
                &obs[row],
                action,
                step.rewards[e],
                next_obs,
                step.terminated[e],
            )?;
        }
        obs.copy_from_slice(&step.obs);

        // --- Learn ---------------------------------------------------------------------------
        if global_step > learning_starts {
            let rounds = crossings(before, global_step, cfg.train_frequency);
            for _ in 0..rounds * cfg.gradient_steps as u64 {
                updates += 1;
                buffer.sample(&mut rng, &mut batch)?;
                let (next, stats) = learn::gradient_step(
                    online,
                    &target,
                    &mut optim,
                    &batch,
                    &mut scratch,
                    cfg,
                    updates,
                    &device,
                )?;
                online = next;
                if updates % LOG_EVERY == 0 {
                    let episodes = tracker.episodes();
                    for (name, value) in [
                        ("losses/td_loss", f64::from(stats.td_loss)),
                        ("losses/value_loss", f64::from(stats.td_loss)),
                        ("losses/q_values", f64::from(stats.q_values)),
                        ("charts/epsilon", eps),
                        (names::SPS, tracker.sps(global_step)),
                    ] {
                        session.sink.record(global_step, episodes, name, value)?;
                    }
                }
            }
            if rounds > 0 {
                actor = QActor::new(&online, obs_dim, n_actions, &device);
            }
            if crossings(before, global_step, cfg.target_network_frequency) > 0 {
                target = soft_update(&online, target, cfg.tau as f32);
            }
        }

        // --- Evaluate, checkpoint, report ----------------------------------------------------
        let last = global_step >= cfg.total_timesteps;
        let due = global_step >= next_eval || last;
        if (due || global_step >= next_checkpoint) && !all_finite(&online) {
            return Err(AgentError::NonFiniteLoss {
                update: updates,
                term: "parameters after the update",
                value: f32::NAN,
            });
        }
        if due {
            let mut policy = QPolicy::new(
                QActor::new(&online, obs_dim, n_actions, &device),
                cfg,
                cfg.seed ^ 0x5eed,
            );
            let seed = cfg
                .seed
                .wrapping_add(EVAL_SEED_OFFSET)
                .wrapping_add(evals_done * cfg.eval_episodes as u64);
            let result = run_episodes(&mut eval_task, seed, &mut policy, true, None)?;
            evals_done += 1;
            let success = task.has_success().then(|| result.success_rate());
            tracker.on_eval(global_step, result.mean_return(), success, session.sink)?;
            while next_eval <= global_step {
                next_eval = next_eval.saturating_add(cfg.eval_every.max(1));
            }
        }
        if let Some(run_dir) = session.run_dir.clone()
            && (global_step >= next_checkpoint || last)
        {
            let state = TrainState {
                shape: shape.clone(),
                global_step,
                updates,
                tracker: tracker.snapshot(),
                normalizer: None,
            };
            checkpoint::save(&run_dir, &state, |dir| {
                checkpoint::save_module(&online, &dir.join(checkpoint::MODEL_FILE))?;
                checkpoint::save_module(&target, &dir.join(checkpoint::TARGET_FILE))?;
                checkpoint::save_optim(&optim, &dir.join(checkpoint::OPTIM_FILE))
            })?;
            while next_checkpoint <= global_step {
                next_checkpoint = next_checkpoint.saturating_add(cfg.checkpoint_every.max(1));
            }
        }
        if crossings(before, global_step, PROGRESS_EVERY) > 0 || last {
            session.report(&tracker.progress(global_step, cfg.total_timesteps));
        }
    }
    Ok(tracker.summary(global_step))
}
