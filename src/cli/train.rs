//! `rewardlab train`: one subcommand, two families of learners.
//!
//! - **Tabular** TD control (`q-learning`, `sarsa`, `expected-sarsa`, the default) on any
//!   registered env with discrete observations and actions: one run folder per seed `0..seeds`,
//!   configured by `--episodes`, `--alpha`, … and ready for `plot`.
//! - **Neural** agents (`dqn`, `ppo`) from `rewardlab-agents`: one run folder, configured by a
//!   preset, a TOML file and `--set key=value` (see [`super::train_neural`]).
//!
//! The two flag sets do not mix: a tabular flag with a neural `--algo` (or the reverse) is a
//! usage error naming the flag, rather than a setting silently ignored. That is why the
//! tabular flags are `Option`s whose defaults are applied here, not by clap: an explicit
//! `--episodes 500` must be told apart from the default.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use rewardlab_core::Typed;
use rewardlab_core::runlog::{DEFAULT_RUNS_DIR, RunLogger};
use rewardlab_core::tabular::{EpsilonSchedule, TabularAlgorithm, TabularConfig, train};

use super::train_neural::{self, NeuralFlags};
use super::{CliError, EnvArg, kwargs};

/// The learners `train` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AlgoArg {
    /// Off-policy TD control (bootstraps from the best next action).
    QLearning,
    /// On-policy TD control (bootstraps from the next action taken).
    Sarsa,
    /// Bootstraps from the ε-greedy expectation over next actions.
    ExpectedSarsa,
    /// Deep Q-network (neural; discrete actions).
    Dqn,
    /// Proximal policy optimisation (neural; discrete or continuous actions).
    Ppo,
}

impl AlgoArg {
    /// The tabular learner, or `None` for a neural one.
    fn tabular(self) -> Option<TabularAlgorithm> {
        match self {
            AlgoArg::QLearning => Some(TabularAlgorithm::QLearning),
            AlgoArg::Sarsa => Some(TabularAlgorithm::Sarsa),
            AlgoArg::ExpectedSarsa => Some(TabularAlgorithm::ExpectedSarsa),
            AlgoArg::Dqn | AlgoArg::Ppo => None,
        }
    }
}

/// The command line of `rewardlab train`.
#[derive(Debug, clap::Args)]
pub struct TrainCmd {
    /// Registered environment id (tabular learners: discrete observations and actions).
    #[arg(long, required_unless_present = "resume")]
    pub env: Option<String>,
    /// Constructor argument key=value (repeatable).
    #[arg(long = "env-arg", value_name = "KEY=VALUE")]
    pub env_args: Vec<EnvArg>,
    /// The learner: tabular (q-learning, sarsa, expected-sarsa) or neural (dqn, ppo)
    /// [default: q-learning].
    #[arg(long, value_enum)]
    pub algo: Option<AlgoArg>,
    /// Tabular settings.
    #[command(flatten)]
    pub tabular: TabularFlags,
    /// Neural settings.
    #[command(flatten)]
    pub neural: NeuralFlags,
    /// Where run folders go [default: runs].
    #[arg(long)]
    pub runs_dir: Option<PathBuf>,
    /// Experiment name: runs go to <runs-dir>/<experiment>/ [default: train].
    #[arg(long)]
    pub experiment: Option<String>,
}

/// The flags only tabular learners take.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Tabular learners (q-learning, sarsa, expected-sarsa)")]
pub struct TabularFlags {
    /// Episodes per run [default: 500].
    #[arg(long)]
    pub episodes: Option<u64>,
    /// Number of runs, with seeds 0, 1, … [default: 3].
    #[arg(long)]
    pub seeds: Option<u64>,
    /// Learning rate α in (0, 1] [default: 0.1].
    #[arg(long)]
    pub alpha: Option<f64>,
    /// Discount γ of the TD target [default: 0.99].
    #[arg(long)]
    pub gamma: Option<f64>,
    /// Exploration rate ε (the start of the decay when --epsilon-end is given) [default: 0.1].
    #[arg(long)]
    pub epsilon: Option<f64>,
    /// Decay ε linearly to this value over --epsilon-decay-episodes episodes.
    #[arg(long, requires = "epsilon_decay_episodes")]
    pub epsilon_end: Option<f64>,
    /// Episodes of the linear ε decay.
    #[arg(long, requires = "epsilon_end")]
    pub epsilon_decay_episodes: Option<u64>,
}

impl TabularFlags {
    /// The flags given on the command line, by name.
    fn given(&self) -> Vec<&'static str> {
        [
            ("--episodes", self.episodes.is_some()),
            ("--seeds", self.seeds.is_some()),
            ("--alpha", self.alpha.is_some()),
            ("--gamma", self.gamma.is_some()),
            ("--epsilon", self.epsilon.is_some()),
            ("--epsilon-end", self.epsilon_end.is_some()),
            (
                "--epsilon-decay-episodes",
                self.epsilon_decay_episodes.is_some(),
            ),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
        .collect()
    }
}

/// A usage error for flags of the other family.
pub(super) fn refuse(flags: &[&str], why: &str) -> Result<(), CliError> {
    match flags {
        [] => Ok(()),
        _ => Err(CliError::Usage(format!("{} {why}", flags.join(", ")))),
    }
}

/// Runs the subcommand.
pub fn run(cmd: TrainCmd) -> Result<(), CliError> {
    let runs_dir = cmd
        .runs_dir
        .unwrap_or_else(|| PathBuf::from(DEFAULT_RUNS_DIR));
    let experiment = cmd.experiment.unwrap_or_else(|| "train".to_owned());
    // `--resume` implies a neural run (clap refuses it together with --algo).
    let algorithm = match cmd.algo.unwrap_or(AlgoArg::QLearning).tabular() {
        Some(algorithm) if cmd.neural.resume.is_none() => algorithm,
        _ => {
            refuse(
                &cmd.tabular.given(),
                "only apply to the tabular learners (q-learning, sarsa, expected-sarsa); \
                 configure dqn and ppo with --preset, --config or --set",
            )?;
            return train_neural::run(train_neural::NeuralArgs {
                env: cmd.env,
                env_args: cmd.env_args,
                algo: cmd.algo,
                flags: cmd.neural,
                runs_dir,
                experiment,
            });
        }
    };
    refuse(
        &cmd.neural.given(),
        "only apply to the neural learners (--algo dqn or ppo)",
    )?;
    let env = cmd
        .env
        .ok_or_else(|| CliError::usage("--env is required"))?;
    let t = &cmd.tabular;
    let decay = t.epsilon_end.zip(t.epsilon_decay_episodes);
    run_tabular(&TrainArgs {
        env: &env,
        env_args: &cmd.env_args,
        algorithm,
        seeds: t.seeds.unwrap_or(3),
        config: config(
            t.episodes.unwrap_or(500),
            t.alpha.unwrap_or(0.1),
            t.gamma.unwrap_or(0.99),
            t.epsilon.unwrap_or(0.1),
            decay,
        ),
        runs_dir: &runs_dir,
        experiment: &experiment,
    })
}

/// What one tabular `train` invocation asks for.
#[derive(Debug)]
struct TrainArgs<'a> {
    /// Registered env id.
    env: &'a str,
    /// Its kwargs.
    env_args: &'a [EnvArg],
    /// The learner.
    algorithm: TabularAlgorithm,
    /// Seeds `0..seeds`, one run each.
    seeds: u64,
    /// Learner settings; `seed` is set per run.
    config: TabularConfig,
    /// Where run folders go.
    runs_dir: &'a Path,
    /// The experiment folder under `runs_dir`.
    experiment: &'a str,
}

/// Trains one tabular run per seed.
fn run_tabular(args: &TrainArgs<'_>) -> Result<(), CliError> {
    let algorithm = args.algorithm;
    let kwargs = kwargs(args.env_args);
    let mut out = std::io::stdout().lock();
    for seed in 0..args.seeds {
        let env = rewardlab_envs::make(args.env, &kwargs).map_err(CliError::usage)?;
        let mut env = Typed::<_, usize, usize>::new(env).map_err(CliError::usage)?;
        let config = TabularConfig {
            seed,
            ..args.config.clone()
        };
        let mut logger = RunLogger::create(
            args.runs_dir,
            args.experiment,
            args.env,
            algorithm.name(),
            seed,
            &config,
        )
        .map_err(CliError::runtime)?;
        let run = train(&mut env, algorithm, &config, &mut logger).map_err(CliError::usage)?;
        let last = &run.episode_returns[run.episode_returns.len().saturating_sub(100)..];
        let mean_last = last.iter().sum::<f64>() / last.len().max(1) as f64;
        let summary = serde_json::json!({
            "env": args.env,
            "algo": algorithm.name(),
            "seed": seed,
            "episodes": run.episode_returns.len(),
            "env_steps": run.episode_lengths.iter().sum::<usize>(),
            "mean_return_last_100": mean_last,
        });
        let dir = logger.finish(&summary).map_err(CliError::runtime)?;
        writeln!(
            out,
            "seed {seed}: mean return of the last {} episodes {mean_last:.3} -> {}",
            last.len(),
            dir.display()
        )?;
    }
    Ok(())
}

/// The learner settings from the command line: constant ε, or a linear decay when
/// `decay = (end, episodes)` is given.
fn config(
    episodes: u64,
    alpha: f64,
    gamma: f64,
    epsilon: f64,
    decay: Option<(f64, u64)>,
) -> TabularConfig {
    let epsilon = match decay {
        Some((end, decay_episodes)) => EpsilonSchedule::Linear {
            start: epsilon,
            end,
            decay_episodes,
        },
        None => EpsilonSchedule::Constant(epsilon),
    };
    TabularConfig {
        episodes,
        alpha,
        gamma,
        epsilon,
        ..TabularConfig::default()
    }
}
