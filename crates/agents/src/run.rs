//! From a command line to a trained run: building the [`RunSpec`] from presets, a config file
//! and overrides, then dispatching to the algorithm; and evaluating a finished run.

use std::path::Path;

use rewardlab_core::Frame;

use crate::backend::Backend;
use crate::config::{Algo, ConfigError, RunSpec, layered, parse_overrides, read_table};
use crate::dqn;
use crate::error::AgentError;
use crate::eval::{EvalResult, Policy, run_episodes};
use crate::ppo::{self, EnvChoice};
use crate::presets;
use crate::progress::Summary;
use crate::session::Session;
use crate::task::{ActionSpec, MiniGridEncoding, VecTask};

/// What `rewardlab train` was asked for, before presets are applied.
#[derive(Debug, Clone, Default)]
pub struct TrainRequest {
    /// Registered env id.
    pub env: String,
    /// Env kwargs.
    pub env_args: Vec<(String, String)>,
    /// MiniGrid observation encoding.
    pub minigrid_obs: MiniGridEncoding,
    /// The algorithm (`None` is refused).
    pub algo: Option<Algo>,
    /// `--preset`.
    pub preset: Option<String>,
    /// `--config FILE`: TOML keys of the algorithm config.
    pub config_file: Option<std::path::PathBuf>,
    /// `--set key=value`, applied after the file.
    pub overrides: Vec<String>,
    /// `--seed`.
    pub seed: Option<u64>,
    /// `--total-steps`.
    pub total_steps: Option<u64>,
    /// `--num-envs`.
    pub num_envs: Option<usize>,
    /// `--backend`.
    pub backend: Backend,
}

/// Layers preset, file, overrides and flags into a run specification (validated).
pub fn build_spec(req: &TrainRequest) -> Result<RunSpec, AgentError> {
    let algo = req.algo.ok_or_else(|| ConfigError::Invalid {
        what: "train request".into(),
        detail: "no algorithm given (dqn or ppo)".into(),
    })?;
    // The action space decides between the discrete and continuous CleanRL defaults.
    let probe = VecTask::new(&req.env, &req.env_args, 1, req.minigrid_obs)?;
    let continuous = matches!(probe.action_spec(), ActionSpec::Continuous { .. });
    let file = match &req.config_file {
        Some(path) => read_table(path)?,
        None => toml::Table::new(),
    };
    let mut flags = parse_overrides(&req.overrides)?;
    if let Some(seed) = req.seed {
        flags.insert("seed".into(), toml::Value::Integer(to_i64(seed, "seed")?));
    }
    if let Some(steps) = req.total_steps {
        flags.insert(
            "total_timesteps".into(),
            toml::Value::Integer(to_i64(steps, "total_timesteps")?),
        );
    }
    if let Some(n) = req.num_envs {
        flags.insert(
            "num_envs".into(),
            toml::Value::Integer(to_i64(n as u64, "num_envs")?),
        );
    }
    let layers = [&file, &flags];
    let mut spec = RunSpec {
        env: req.env.clone(),
        env_args: req.env_args.iter().cloned().collect(),
        minigrid_obs: req.minigrid_obs,
        backend: req.backend,
        preset: String::new(),
        algo,
        ppo: None,
        dqn: None,
    };
    match algo {
        Algo::Ppo => {
            let (name, base) = presets::ppo(&req.env, req.preset.as_deref(), continuous)?;
            let cfg = layered(&base, &layers, "ppo config")?;
            cfg.validate()?;
            spec.preset = name;
            spec.ppo = Some(cfg);
        }
        Algo::Dqn => {
            if continuous {
                return Err(ConfigError::Unsupported {
                    algo: "dqn",
                    env: req.env.clone(),
                    reason: "DQN needs discrete actions; use --algo ppo".into(),
                }
                .into());
            }
            let (name, base) = presets::dqn(&req.env, req.preset.as_deref())?;
            let cfg = layered(&base, &layers, "dqn config")?;
            cfg.validate()?;
            spec.preset = name;
            spec.dqn = Some(cfg);
        }
    }
    Ok(spec)
}

fn to_i64(v: u64, key: &'static str) -> Result<i64, ConfigError> {
    i64::try_from(v).map_err(|_| ConfigError::OutOfRange {
        key,
        reason: format!("{v} is too large"),
    })
}

fn missing(algo: &str) -> AgentError {
    ConfigError::Invalid {
        what: "run spec".into(),
        detail: format!("algo = \"{algo}\" but there is no [{algo}] table"),
    }
    .into()
}

/// Trains the run `spec` describes.
pub fn train(spec: &RunSpec, session: Session<'_>) -> Result<Summary, AgentError> {
    let kwargs = spec.env_kwargs();
    let env = EnvChoice {
        id: &spec.env,
        kwargs: &kwargs,
        encoding: spec.minigrid_obs,
    };
    match spec.algo {
        Algo::Ppo => ppo::train(
            env,
            spec.ppo.as_ref().ok_or_else(|| missing("ppo"))?,
            session,
        ),
        Algo::Dqn => dqn::train(
            env,
            spec.dqn.as_ref().ok_or_else(|| missing("dqn"))?,
            session,
        ),
    }
}

/// Plays `episodes` greedy episodes with the policy saved in `run_dir` (seeded with `seed`);
/// with `render`, also returns the frames of the first episode.
pub fn evaluate(
    run_dir: &Path,
    spec: &RunSpec,
    episodes: usize,
    seed: u64,
    render: bool,
) -> Result<(EvalResult, Vec<Frame>), AgentError> {
    let kwargs = spec.env_kwargs();
    let env = EnvChoice {
        id: &spec.env,
        kwargs: &kwargs,
        encoding: spec.minigrid_obs,
    };
    let mut task = if render {
        VecTask::new_renderable(&spec.env, &kwargs, episodes.max(1), spec.minigrid_obs)?
    } else {
        VecTask::new(&spec.env, &kwargs, episodes.max(1), spec.minigrid_obs)?
    };
    let device = spec.backend.device()?;
    let mut policy: Box<dyn Policy> = match spec.algo {
        Algo::Ppo => {
            let cfg = spec.ppo.as_ref().ok_or_else(|| missing("ppo"))?;
            Box::new(ppo::PpoPolicy::load(run_dir, env, cfg, &task, &device)?)
        }
        Algo::Dqn => {
            let cfg = spec.dqn.as_ref().ok_or_else(|| missing("dqn"))?;
            Box::new(dqn::QPolicy::load(run_dir, env, cfg, &task, &device)?)
        }
    };
    let mut frames = Vec::new();
    let result = run_episodes(
        &mut task,
        seed,
        policy.as_mut(),
        true,
        render.then_some(&mut frames),
    )?;
    Ok((result, frames))
}
