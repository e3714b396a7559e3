//! `rewardlab train --algo dqn|ppo`: neural agents from `rewardlab-agents`, one run folder.
//!
//! The library does the work ([`run::build_spec`] layers preset, `--config` file, `--set`
//! overrides and flags into a validated [`RunSpec`]; [`run::train`] trains and checkpoints);
//! this module owns what is specific to a command line:
//!
//! - **The run folder** (core's [`RunLogger`]): `config.toml` is the `RunSpec`, so `eval` and
//!   `--resume` rebuild exactly the same run from it; `metrics.csv` receives the library's
//!   metrics; the checkpoint goes to `checkpoint/` inside it; `summary.json` is the library's
//!   [`Summary`] plus env, algo, seed, backend and preset, one flat object.
//! - **`--resume RUN_DIR`** reopens that folder: the spec comes from its `config.toml` (only
//!   `--total-steps`, to extend the run, and `--backend` may change it; clap refuses the other
//!   flags but `--stop-at-threshold`), metrics logged after the checkpoint's step are dropped
//!   (the resumed run logs those steps again) and new ones appended, and `summary.json` is
//!   rewritten at the end. A longer `--total-steps` also stretches the schedules that depend
//!   on it (PPO's annealing, DQN's ε decay), as continuing a Stable-Baselines3 run does; the
//!   env copies start fresh episodes, and DQN's replay buffer starts empty.
//! - **The progress bar** goes to stderr through indicatif, which draws nothing when stderr is
//!   not a terminal; the update callback then returns at once, so logs and pipes stay clean.
//!   stdout gets two lines at the end: the summary and the run folder.
//! - **Errors** keep the CLI's convention: what the user can fix (unknown env or preset, bad
//!   `--set` key, a backend not compiled in, a folder without a checkpoint) exits 2; failures
//!   while training (a non-finite loss, a disk error) exit 1 and name the run folder.

use std::fs;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rewardlab_agents::run::{self, TrainRequest};
use rewardlab_agents::task::{MiniGridEncoding, TaskError};
use rewardlab_agents::{
    AgentError, Algo, Backend, Progress, RunSpec, Session, Summary, checkpoint,
};
use rewardlab_core::runlog::{CONFIG_FILE, RunLogger};

use super::train::{AlgoArg, refuse};
use super::{CliError, EnvArg, kwargs};

/// `--backend`: the burn backends (each needs its cargo feature).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BackendArg {
    /// Pure-Rust CPU (cargo feature `flex`, on by default).
    Flex,
    /// GPU through wgpu (cargo feature `wgpu`).
    Wgpu,
}

impl From<BackendArg> for Backend {
    fn from(b: BackendArg) -> Self {
        match b {
            BackendArg::Flex => Backend::Flex,
            BackendArg::Wgpu => Backend::Wgpu,
        }
    }
}

/// `--minigrid-obs`: how MiniGrid observations reach the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MiniGridObsArg {
    /// The 7×7×3 egocentric image.
    Image,
    /// The image and the one-hot mission (MiniGrid's FlatObsWrapper).
    Flat,
}

impl From<MiniGridObsArg> for MiniGridEncoding {
    fn from(o: MiniGridObsArg) -> Self {
        match o {
            MiniGridObsArg::Image => MiniGridEncoding::Image,
            MiniGridObsArg::Flat => MiniGridEncoding::Flat,
        }
    }
}

/// The flags only neural learners take.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Neural learners (dqn, ppo)")]
pub struct NeuralFlags {
    /// Hyperparameter preset [default: the env's tuned preset]; `cleanrl` is CleanRL's defaults.
    #[arg(long)]
    pub preset: Option<String>,
    /// TOML file of algorithm settings, applied over the preset.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// One algorithm setting key=value (repeatable), applied last, e.g. --set learning_rate=3e-4.
    #[arg(long = "set", value_name = "KEY=VALUE", allow_hyphen_values = true)]
    pub set: Vec<String>,
    /// Seed of the envs, the weights and the sampling [default: the preset's].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Environment steps to train for, all copies together; with --resume, the new total.
    #[arg(long)]
    pub total_steps: Option<u64>,
    /// Parallel env copies [default: the preset's].
    #[arg(long)]
    pub num_envs: Option<usize>,
    /// burn backend [default: flex].
    #[arg(long, value_enum)]
    pub backend: Option<BackendArg>,
    /// How MiniGrid observations reach the network [default: image].
    #[arg(long, value_enum)]
    pub minigrid_obs: Option<MiniGridObsArg>,
    /// End training once the mean of the last 100 episodes reaches the env's reward
    /// threshold (for time-to-threshold benchmarks).
    #[arg(long)]
    pub stop_at_threshold: bool,
    /// Continue the run in this folder from its checkpoint; only --total-steps (the new
    /// total), --backend and --stop-at-threshold may come with it.
    #[arg(long, value_name = "RUN_DIR", conflicts_with_all = [
        "env", "env_args", "algo", "runs_dir", "experiment", "preset", "config", "set", "seed",
        "num_envs", "minigrid_obs", "episodes", "seeds", "alpha", "gamma", "epsilon",
        "epsilon_end", "epsilon_decay_episodes",
    ])]
    pub resume: Option<PathBuf>,
}

impl NeuralFlags {
    /// The flags given on the command line, by name.
    pub(super) fn given(&self) -> Vec<&'static str> {
        [
            ("--preset", self.preset.is_some()),
            ("--config", self.config.is_some()),
            ("--set", !self.set.is_empty()),
            ("--seed", self.seed.is_some()),
            ("--total-steps", self.total_steps.is_some()),
            ("--num-envs", self.num_envs.is_some()),
            ("--backend", self.backend.is_some()),
            ("--minigrid-obs", self.minigrid_obs.is_some()),
            ("--stop-at-threshold", self.stop_at_threshold),
            ("--resume", self.resume.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
        .collect()
    }
}

/// A neural `train` invocation.
#[derive(Debug)]
pub(super) struct NeuralArgs {
    /// `--env` (absent with `--resume`).
    pub env: Option<String>,
    /// `--env-arg` pairs.
    pub env_args: Vec<EnvArg>,
    /// `--algo` (absent with `--resume`).
    pub algo: Option<AlgoArg>,
    /// The neural flags.
    pub flags: NeuralFlags,
    /// Where run folders go.
    pub runs_dir: PathBuf,
    /// The experiment folder under `runs_dir`.
    pub experiment: String,
}

/// Trains a new run, or continues one with `--resume`.
pub(super) fn run(args: NeuralArgs) -> Result<(), CliError> {
    if let Some(dir) = &args.flags.resume {
        return resume(dir, &args.flags);
    }
    let algo = match args.algo {
        Some(AlgoArg::Dqn) => Algo::Dqn,
        Some(AlgoArg::Ppo) => Algo::Ppo,
        _ => {
            return Err(CliError::usage(
                "neural training needs --algo dqn or --algo ppo",
            ));
        }
    };
    let env = args
        .env
        .ok_or_else(|| CliError::usage("--env is required"))?;
    let flags = args.flags;
    let backend = flags.backend.map(Backend::from).unwrap_or_default();
    // A backend that is not compiled in fails before anything is built or written.
    backend.device().map_err(agent_error)?;
    let request = TrainRequest {
        env,
        env_args: kwargs(&args.env_args),
        minigrid_obs: flags.minigrid_obs.map(Into::into).unwrap_or_default(),
        algo: Some(algo),
        preset: flags.preset,
        config_file: flags.config,
        overrides: flags.set,
        seed: flags.seed,
        total_steps: flags.total_steps,
        num_envs: flags.num_envs,
        backend,
    };
    let spec = run::build_spec(&request).map_err(agent_error)?;
    let logger = RunLogger::create(
        &args.runs_dir,
        &args.experiment,
        &spec.env,
        spec.algo.name(),
        seed_of(&spec)?,
        &spec,
    )
    .map_err(CliError::runtime)?;
    train_in(&spec, logger, false, flags.stop_at_threshold)
}

/// `--resume RUN_DIR`: the run's own spec, extended to `--total-steps`, appended to its folder.
fn resume(dir: &Path, flags: &NeuralFlags) -> Result<(), CliError> {
    // clap refuses the other flags; this guards against a flag added without its conflict.
    let others: Vec<_> = flags
        .given()
        .into_iter()
        .filter(|f| {
            !matches!(
                *f,
                "--resume" | "--total-steps" | "--backend" | "--stop-at-threshold"
            )
        })
        .collect();
    refuse(
        &others,
        "cannot be used with --resume (the run's config.toml decides them)",
    )?;
    let mut spec = read_spec(dir)?;
    if let Some(backend) = flags.backend {
        spec.backend = backend.into();
    }
    spec.backend.device().map_err(agent_error)?;
    require_checkpoint(dir)?;
    if let Some(total) = flags.total_steps {
        set_total_steps(&mut spec, total)?;
    }
    // Rows logged after the checkpoint are logged again by the resumed run: drop them.
    let from = checkpoint::saved_step(dir).map_err(agent_error)?;
    let logger = RunLogger::open_existing(dir, Some(from)).map_err(CliError::usage)?;
    // config.toml keeps describing the run: a later --resume or eval sees the new total.
    write_spec(dir, &spec)?;
    train_in(&spec, logger, true, flags.stop_at_threshold)
}

/// Trains `spec` into `logger`'s folder, then writes `summary.json` and reports.
fn train_in(
    spec: &RunSpec,
    mut logger: RunLogger,
    resume: bool,
    stop_at_threshold: bool,
) -> Result<(), CliError> {
    let device = spec.backend.device().map_err(agent_error)?;
    let dir = logger.dir().to_path_buf();
    let bar = progress_bar(total_steps_of(spec)?);
    let mut on_progress = |p: &Progress| show(&bar, p);
    let mut session = Session::new(device, &mut logger);
    session.run_dir = Some(dir.clone());
    session.resume = resume;
    session.stop_at_threshold = stop_at_threshold;
    session.on_progress = Some(&mut on_progress);
    let result = run::train(spec, session);
    bar.finish_and_clear();
    let summary = result.map_err(|e| match agent_error(e) {
        CliError::Runtime(msg) => {
            CliError::Runtime(format!("{msg}\nrun folder: {}", dir.display()))
        }
        other => other,
    })?;
    let seed = seed_of(spec)?;
    let record = RunSummary {
        env: &spec.env,
        algo: spec.algo.name(),
        seed,
        backend: spec.backend.name(),
        preset: &spec.preset,
        summary: &summary,
    };
    let json = serde_json::to_value(&record).map_err(CliError::runtime)?;
    let dir = logger.finish(&json).map_err(CliError::runtime)?;
    println!("{}", one_line(&record));
    println!("run folder: {}", dir.display());
    Ok(())
}

/// `summary.json`: who ran, then the library's numbers, in one flat object.
#[derive(Debug, serde::Serialize)]
struct RunSummary<'a> {
    env: &'a str,
    algo: &'static str,
    seed: u64,
    backend: &'static str,
    preset: &'a str,
    #[serde(flatten)]
    summary: &'a Summary,
}

fn one_line(r: &RunSummary<'_>) -> String {
    let s = r.summary;
    let num = |v: Option<f64>| v.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.2}"));
    let threshold = match (
        s.reward_threshold,
        s.steps_to_threshold,
        s.seconds_to_threshold,
    ) {
        (None, ..) => String::new(),
        (Some(t), Some(steps), secs) => {
            format!(", threshold {t} reached at step {steps} ({} s)", num(secs))
        }
        (Some(t), None, _) => format!(", threshold {t} not reached"),
    };
    let success = s
        .success_rate_last100
        .map_or_else(String::new, |r| format!(", success rate (last 100) {r:.2}"));
    format!(
        "{} {} seed {} (preset {}, {}): {} steps in {:.1} s, {} episodes, \
         mean return (last 100) {}{success}, best eval {}{threshold}",
        r.env,
        r.algo,
        r.seed,
        r.preset,
        r.backend,
        s.total_steps,
        s.wall_seconds,
        s.episodes,
        num(s.mean_return_last100),
        num(s.best_eval_mean_return),
    )
}

fn progress_bar(total: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    // The template is a constant; should indicatif ever refuse it, its default bar will do.
    let style = ProgressStyle::with_template(
        "{elapsed_precise} [{bar:25}] {human_pos}/{human_len} steps  {wide_msg}",
    )
    .map(|s| s.progress_chars("=> "))
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

fn show(bar: &ProgressBar, p: &Progress) {
    // Not a terminal: indicatif draws nothing, so skip even the formatting.
    if bar.is_hidden() {
        return;
    }
    bar.set_length(p.total_steps);
    bar.set_position(p.global_step);
    let ret = p
        .mean_return
        .map_or_else(|| "n/a".to_owned(), |r| format!("{r:.1}"));
    bar.set_message(format!(
        "return (last 100) {ret}  {:.0} steps/s  {} episodes",
        p.sps, p.episodes
    ));
}

/// The spec in `dir/config.toml`; a usage error when it is missing or not a neural run's.
pub(super) fn read_spec(dir: &Path) -> Result<RunSpec, CliError> {
    let path = dir.join(CONFIG_FILE);
    let text = fs::read_to_string(&path)
        .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| {
        CliError::Usage(format!(
            "{} is not the config of a dqn or ppo run: {}",
            path.display(),
            e.message()
        ))
    })
}

/// A usage error unless `dir` holds a checkpoint.
pub(super) fn require_checkpoint(dir: &Path) -> Result<(), CliError> {
    match checkpoint::locate(dir) {
        Some(_) => Ok(()),
        None => Err(CliError::Usage(format!(
            "no checkpoint in {} (expected {}/{})",
            dir.display(),
            checkpoint::DIR,
            checkpoint::STATE_FILE
        ))),
    }
}

/// Replaces `dir/config.toml` by `spec`, atomically (write, then rename).
fn write_spec(dir: &Path, spec: &RunSpec) -> Result<(), CliError> {
    let path = dir.join(CONFIG_FILE);
    let tmp = dir.join(format!("{CONFIG_FILE}.new"));
    let text = toml::to_string_pretty(spec).map_err(CliError::runtime)?;
    let fail =
        |e: std::io::Error| CliError::Runtime(format!("cannot write {}: {e}", path.display()));
    fs::write(&tmp, text).map_err(fail)?;
    fs::rename(&tmp, &path).map_err(fail)
}

fn missing_table(spec: &RunSpec) -> CliError {
    CliError::Usage(format!(
        "config.toml says algo = \"{0}\" but has no [{0}] table",
        spec.algo.name()
    ))
}

fn seed_of(spec: &RunSpec) -> Result<u64, CliError> {
    match spec.algo {
        Algo::Ppo => spec.ppo.as_ref().map(|c| c.seed),
        Algo::Dqn => spec.dqn.as_ref().map(|c| c.seed),
    }
    .ok_or_else(|| missing_table(spec))
}

fn total_steps_of(spec: &RunSpec) -> Result<u64, CliError> {
    match spec.algo {
        Algo::Ppo => spec.ppo.as_ref().map(|c| c.total_timesteps),
        Algo::Dqn => spec.dqn.as_ref().map(|c| c.total_timesteps),
    }
    .ok_or_else(|| missing_table(spec))
}

fn set_total_steps(spec: &mut RunSpec, total: u64) -> Result<(), CliError> {
    let checked = match (spec.algo, spec.ppo.as_mut(), spec.dqn.as_mut()) {
        (Algo::Ppo, Some(cfg), _) => {
            cfg.total_timesteps = total;
            cfg.validate()
        }
        (Algo::Dqn, _, Some(cfg)) => {
            cfg.total_timesteps = total;
            cfg.validate()
        }
        _ => return Err(missing_table(spec)),
    };
    checked.map_err(|e| CliError::Usage(format!("--total-steps {total}: {e}")))
}

/// Sorts a library error into the CLI's exit codes: the user's input (2) or the run (1).
pub(super) fn agent_error(e: AgentError) -> CliError {
    let usage = match &e {
        AgentError::BackendNotCompiled { .. }
        | AgentError::UnknownBackend(_)
        | AgentError::Config(_)
        | AgentError::CheckpointMismatch { .. } => true,
        AgentError::Task(t) => matches!(
            t,
            TaskError::Make { .. }
                | TaskError::MakeVec { .. }
                | TaskError::NoEnvs { .. }
                | TaskError::UnsupportedObservation { .. }
                | TaskError::UnsupportedAction { .. }
        ),
        _ => false,
    };
    if usage {
        CliError::usage(e)
    } else {
        CliError::runtime(e)
    }
}
