//! Proximal policy optimisation with CleanRL's semantics (`ppo.py` for discrete actions,
//! `ppo_continuous_action.py` for continuous ones), read top to bottom in [`train`]:
//! setup, rollout, advantages, update, logging.
//!
//! Where this differs from CleanRL, on purpose:
//! - **Truncation bootstraps.** CleanRL folds `truncated` into `done` and bootstraps neither.
//!   Here a truncated step bootstraps from V(final observation) — the observation the episode
//!   ended in, which same-step autoreset keeps in `final_obs` — while a terminated step
//!   bootstraps from 0; both cut the GAE trace ([`crate::gae`]).
//! - **Normalisation statistics are shared and saved.** Observation and reward statistics are
//!   one set for all copies (SB3's `VecNormalize`) and live in the checkpoint, so `eval` and
//!   `--resume` see the statistics the policy was trained with.
//! - **Our own RNG.** Weights, minibatch shuffles and action samples come from one seeded
//!   PCG stream, so a seed fixes the run on every backend.
//! - **Optional ε annealing** (`anneal_clip`, rl-zoo's `lin_0.2`).

mod config;
pub mod policy;
pub mod rollout;
mod update;

pub use config::PpoConfig;
pub use update::UpdateStats;

use burn::module::Module;
use burn::optim::{AdamConfig, ModuleOptimizer};
use burn::tensor::{Device, Tensor, TensorData};
use rand::SeedableRng;
use rand_pcg::Pcg64;

use crate::checkpoint::{self, NetShape, TrainState};
use crate::config::Algo;
use crate::error::AgentError;
use crate::eval::{Actions, EVAL_SEED_OFFSET, EvalResult, Policy, run_episodes};
use crate::gae::explained_variance;
use crate::grad::all_finite;
use crate::normalize::Normalizer;
use crate::progress::{Summary, Tracker, names};
use crate::schedule::{anneal_fraction, next_multiple};
use crate::session::{Session, resumed_streams};
use crate::task::{ActionSpec, MiniGridEncoding, VecTask};
use policy::{ActorCritic, sample_continuous, sample_discrete};
use rollout::Rollout;

/// The env a run trains on.
#[derive(Debug, Clone, Copy)]
pub struct EnvChoice<'a> {
    /// Registered id.
    pub id: &'a str,
    /// Its kwargs.
    pub kwargs: &'a [(String, String)],
    /// MiniGrid observation encoding.
    pub encoding: MiniGridEncoding,
}

/// The shape of the PPO networks for `task` (checked against checkpoints).
pub fn net_shape(env: &str, task: &VecTask, cfg: &PpoConfig) -> NetShape {
    NetShape::for_task(
        Algo::Ppo,
        env,
        task,
        &cfg.hidden,
        cfg.activation,
        cfg.norm_obs,
    )
}

/// A trained PPO policy with its frozen normalisation, for evaluation.
#[derive(Debug)]
pub struct PpoPolicy {
    agent: ActorCritic,
    normalizer: Normalizer,
    spec: ActionSpec,
    obs_dim: usize,
    log_std: Vec<f32>,
    rng: Pcg64,
    device: Device,
    scratch: Vec<f32>,
    logits: Vec<f32>,
    logps: Vec<f32>,
}

impl PpoPolicy {
    fn new(
        agent: &ActorCritic,
        normalizer: &Normalizer,
        spec: &ActionSpec,
        obs_dim: usize,
        seed: u64,
        device: &Device,
    ) -> Result<Self, AgentError> {
        let agent = agent.valid();
        let log_std = agent.log_std_host()?;
        Ok(PpoPolicy {
            agent,
            normalizer: normalizer.clone(),
            spec: spec.clone(),
            obs_dim,
            log_std,
            rng: Pcg64::seed_from_u64(seed),
            device: device.clone().inner(),
            scratch: Vec::new(),
            logits: Vec::new(),
            logps: Vec::new(),
        })
    }

    /// Loads the policy saved in `run_dir`'s checkpoint.
    pub fn load(
        run_dir: &std::path::Path,
        env: EnvChoice<'_>,
        cfg: &PpoConfig,
        task: &VecTask,
        device: &Device,
    ) -> Result<Self, AgentError> {
        let shape = net_shape(env.id, task, cfg);
        let (dir, state) = checkpoint::load_state(run_dir, &shape)?;
        let mut rng = Pcg64::seed_from_u64(cfg.seed);
        let agent = ActorCritic::new(
            task.obs_dim(),
            task.action_spec(),
            &cfg.hidden,
            cfg.activation,
            cfg.log_std_init,
            &mut rng,
            device,
        );
        let agent = checkpoint::load_module(agent, &dir.join(checkpoint::MODEL_FILE))?;
        let normalizer = state.normalizer.unwrap_or_else(|| {
            Normalizer::new(
                task.obs_dim(),
                1,
                false,
                false,
                cfg.clip_obs,
                cfg.clip_reward,
                cfg.gamma,
            )
        });
        PpoPolicy::new(
            &agent,
            &normalizer,
            task.action_spec(),
            task.obs_dim(),
            cfg.seed,
            device,
        )
    }
}

impl Policy for PpoPolicy {
    fn act(&mut self, obs: &[f32], actions: &mut Actions, greedy: bool) -> Result<(), AgentError> {
        let rows = obs.len() / self.obs_dim.max(1);
        self.scratch.clear();
        self.scratch.extend_from_slice(obs);
        self.normalizer.normalize_obs(&mut self.scratch);
        let x = Tensor::<2>::from_data(
            TensorData::new(self.scratch.clone(), [rows, self.obs_dim]),
            &self.device,
        );
        self.logits = read(self.agent.actor_out(x))?;
        self.logps.resize(rows, 0.0);
        match (actions, &self.spec) {
            (Actions::Discrete(a), ActionSpec::Discrete { n }) => {
                sample_discrete(&self.logits, *n, &mut self.rng, greedy, a, &mut self.logps)
            }
            (Actions::Continuous(a), ActionSpec::Continuous { .. }) => sample_continuous(
                &self.logits,
                &self.log_std,
                &mut self.rng,
                greedy,
                a,
                &mut self.logps,
            ),
            _ => return Err(AgentError::Device("action buffer of the wrong kind".into())),
        }
        Ok(())
    }
}

fn read<const D: usize>(t: Tensor<D>) -> Result<Vec<f32>, AgentError> {
    t.into_data()
        .try_to_vec::<f32>()
        .map_err(|e| AgentError::Device(format!("cannot read a tensor back: {e:?}")))
}

/// Trains PPO on `env` and returns the run's summary.
pub fn train(
    env: EnvChoice<'_>,
    cfg: &PpoConfig,
    mut session: Session<'_>,
) -> Result<Summary, AgentError> {
    // --- Setup -----------------------------------------------------------------------------
    cfg.validate()?;
    let mut task = VecTask::new(env.id, env.kwargs, cfg.num_envs, env.encoding)?;
    // The learner trains on the hook's rewards; the tracker keeps reading task returns.
    task.set_reward_hook(session.reward_hook.take());
    let (n, obs_dim) = (task.num_envs(), task.obs_dim());
    let spec = task.action_spec().clone();
    let (continuous, action_dim) = match &spec {
        ActionSpec::Discrete { .. } => (false, 1),
        ActionSpec::Continuous { low, .. } => (true, low.len()),
    };
    let head = match &spec {
        ActionSpec::Discrete { n } => *n,
        ActionSpec::Continuous { low, .. } => low.len(),
    };
    let device = session.device.clone();
    let plain = device.clone().inner();
    let mut rng = Pcg64::seed_from_u64(cfg.seed);
    let mut agent = ActorCritic::new(
        obs_dim,
        &spec,
        &cfg.hidden,
        cfg.activation,
        cfg.log_std_init,
        &mut rng,
        &device,
    );
    let adam = AdamConfig::new().with_epsilon(cfg.adam_eps as f32);
    let mut optim: ModuleOptimizer = adam.init();
    let shape = net_shape(env.id, &task, cfg);
    let mut normalizer = Normalizer::new(
        obs_dim,
        n,
        cfg.norm_obs,
        cfg.norm_reward,
        cfg.clip_obs,
        cfg.clip_reward,
        cfg.gamma,
    );
    let threshold = cfg.reward_threshold.or(task.reward_threshold());
    let mut tracker = Tracker::new(threshold, task.has_success());
    let (mut global_step, mut iteration) = (0u64, 0u64);
    let mut reset_seed = cfg.seed;

    if session.resume {
        let run_dir = session.resume_dir()?;
        let (dir, state) = checkpoint::load_state(&run_dir, &shape)?;
        agent = checkpoint::load_module(agent, &dir.join(checkpoint::MODEL_FILE))?;
        optim = checkpoint::load_optim(adam.init(), &dir.join(checkpoint::OPTIM_FILE))?;
        global_step = state.global_step;
        iteration = state.updates;
        tracker = state.tracker;
        tracker.resume_session(global_step);
        if let Some(mut saved) = state.normalizer {
            // The env copies restart from fresh episodes: their return accumulators restart.
            saved.reset_returns();
            normalizer = saved;
        }
        (rng, reset_seed) = resumed_streams(cfg.seed, global_step);
    }

    let num_iterations = cfg.num_iterations();
    let mut eval_task = VecTask::new(env.id, env.kwargs, cfg.eval_episodes, env.encoding)?;
    let mut next_eval = next_multiple(global_step, cfg.eval_every);
    let mut next_checkpoint = next_multiple(global_step, cfg.checkpoint_every);
    let mut evals_done = global_step.checked_div(cfg.eval_every).unwrap_or(0);

    let mut rollout = Rollout::new(cfg.num_steps, n, obs_dim, action_dim, continuous);
    let mut next_obs = task.reset(Some(reset_seed))?.to_vec();
    normalizer.observe(&mut next_obs);
    let mut step_actions = vec![0usize; n];
    let mut step_logps = vec![0f32; n];
    let mut cont_actions = vec![0f32; if continuous { n * action_dim } else { 0 }];
    let mut final_rows: Vec<f32> = Vec::with_capacity(n * obs_dim);
    let mut final_envs: Vec<usize> = Vec::with_capacity(n);
    let mut logits: Vec<f32> = Vec::with_capacity(n * head);

    while iteration < num_iterations {
        iteration += 1;
        let frac = anneal_fraction(iteration, num_iterations);
        let lr = if cfg.anneal_lr {
            frac * cfg.learning_rate
        } else {
            cfg.learning_rate
        };
        let clip = if cfg.anneal_clip {
            frac * cfg.clip_coef
        } else {
            cfg.clip_coef
        };

        // --- Rollout -------------------------------------------------------------------------
        let frozen = agent.valid();
        let log_std = frozen.log_std_host()?;
        for t in 0..cfg.num_steps {
            global_step += n as u64;
            let base = t * n;
            rollout.obs[base * obs_dim..(base + n) * obs_dim].copy_from_slice(&next_obs);
            let x = Tensor::<2>::from_data(TensorData::new(next_obs.clone(), [n, obs_dim]), &plain);
            let act_out = read(frozen.act_and_value(x))?;
            if let Some(v) = act_out.iter().find(|v| !v.is_finite()) {
                return Err(AgentError::NonFiniteLoss {
                    update: iteration,
                    term: "policy/value output during the rollout",
                    value: *v,
                });
            }
            // Split the policy head from the value column.
            logits.clear();
            for (e, row) in act_out.chunks_exact(head + 1).enumerate() {
                logits.extend_from_slice(&row[..head]);
                rollout.values[base + e] = row[head];
            }
            let step = if continuous {
                sample_continuous(
                    &logits,
                    &log_std,
                    &mut rng,
                    false,
                    &mut cont_actions,
                    &mut step_logps,
                );
                rollout.actions_continuous[base * action_dim..(base + n) * action_dim]
                    .copy_from_slice(&cont_actions);
                task.step_continuous(&cont_actions)?
            } else {
                sample_discrete(
                    &logits,
                    head,
                    &mut rng,
                    false,
                    &mut step_actions,
                    &mut step_logps,
                );
                rollout.actions_discrete[base..base + n].copy_from_slice(&step_actions);
                task.step_discrete(&step_actions)?
            };
            rollout.logp[base..base + n].copy_from_slice(&step_logps);
            for ep in &step.episodes {
                tracker.on_episode(global_step, ep, session.sink)?;
            }
            let rewards = &mut rollout.rewards[base..base + n];
            rewards.copy_from_slice(&step.rewards);
            normalizer.scale_rewards(rewards, &step.terminated);
            rollout.terminated[base..base + n].copy_from_slice(&step.terminated);
            rollout.truncated[base..base + n].copy_from_slice(&step.truncated);
            rollout.final_values[base..base + n].fill(0.0);
            final_rows.clear();
            final_envs.clear();
            for e in 0..n {
                if step.truncated[e] && !step.terminated[e] {
                    final_envs.push(e);
                    final_rows.extend_from_slice(&step.final_obs[e * obs_dim..(e + 1) * obs_dim]);
                }
            }
            next_obs.copy_from_slice(&step.obs);
            normalizer.observe(&mut next_obs);
            if !final_envs.is_empty() {
                normalizer.normalize_obs(&mut final_rows);
                let x = Tensor::<2>::from_data(
                    TensorData::new(final_rows.clone(), [final_envs.len(), obs_dim]),
                    &plain,
                );
                let v = read(frozen.value(x))?;
                for (e, v) in final_envs.iter().zip(v) {
                    rollout.final_values[base + e] = v;
                }
            }
        }

        // --- Advantages ----------------------------------------------------------------------
        let x = Tensor::<2>::from_data(TensorData::new(next_obs.clone(), [n, obs_dim]), &plain);
        let last_values = read(frozen.value(x))?;
        rollout.finish(&last_values, cfg.gamma, cfg.gae_lambda)?;

        // --- Update --------------------------------------------------------------------------
        let (updated, stats) = update::update(
            agent, &mut optim, &rollout, cfg, lr, clip, iteration, &mut rng, &device,
        )?;
        agent = updated;

        // --- Logging -------------------------------------------------------------------------
        let ev = explained_variance(&rollout.values, &rollout.returns);
        let episodes = tracker.episodes();
        let sink = &mut *session.sink;
        for (name, value) in [
            (names::LEARNING_RATE, lr),
            ("losses/value_loss", f64::from(stats.value_loss)),
            ("losses/policy_loss", f64::from(stats.policy_loss)),
            ("losses/entropy", f64::from(stats.entropy)),
            ("losses/old_approx_kl", f64::from(stats.old_approx_kl)),
            ("losses/approx_kl", f64::from(stats.approx_kl)),
            ("losses/clipfrac", f64::from(stats.clipfrac)),
            ("losses/explained_variance", ev),
            (names::SPS, tracker.sps(global_step)),
        ] {
            sink.record(global_step, episodes, name, value)?;
        }

        let last = iteration == num_iterations;
        if !all_finite(&agent) {
            return Err(AgentError::NonFiniteLoss {
                update: iteration,
                term: "parameters after the update",
                value: f32::NAN,
            });
        }
        if global_step >= next_eval || last {
            let mut policy = PpoPolicy::new(
                &agent,
                &normalizer,
                &spec,
                obs_dim,
                cfg.seed ^ 0x5eed,
                &device,
            )?;
            let seed = cfg
                .seed
                .wrapping_add(EVAL_SEED_OFFSET)
                .wrapping_add(evals_done * cfg.eval_episodes as u64);
            let result: EvalResult = run_episodes(&mut eval_task, seed, &mut policy, true, None)?;
            evals_done += 1;
            let success = task.has_success().then(|| result.success_rate());
            tracker.on_eval(global_step, result.mean_return(), success, session.sink)?;
            next_eval = next_multiple(global_step, cfg.eval_every);
        }
        if let Some(run_dir) = session.run_dir.clone()
            && (global_step >= next_checkpoint || last)
        {
            let state = TrainState {
                shape: shape.clone(),
                global_step,
                updates: iteration,
                tracker: tracker.snapshot(),
                normalizer: (cfg.norm_obs || cfg.norm_reward).then(|| normalizer.clone()),
            };
            checkpoint::save(&run_dir, &state, |dir| {
                checkpoint::save_module(&agent, &dir.join(checkpoint::MODEL_FILE))?;
                checkpoint::save_optim(&optim, &dir.join(checkpoint::OPTIM_FILE))
            })?;
            next_checkpoint = next_multiple(global_step, cfg.checkpoint_every);
        }
        session.report(&tracker.progress(global_step, cfg.total_timesteps));
        if session.stop_at_threshold && tracker.threshold_reached() {
            break;
        }
    }
    Ok(tracker.summary(global_step))
}
