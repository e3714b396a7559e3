//! `rewardlab train`: tabular TD control (Q-learning, SARSA, Expected SARSA) on any registered
//! env with discrete observations and actions, one run folder per seed, ready for `plot`.

use std::io::Write as _;
use std::path::Path;

use rewardlab_core::Typed;
use rewardlab_core::runlog::RunLogger;
use rewardlab_core::tabular::{EpsilonSchedule, TabularAlgorithm, TabularConfig, train};

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
}

impl From<AlgoArg> for TabularAlgorithm {
    fn from(a: AlgoArg) -> Self {
        match a {
            AlgoArg::QLearning => TabularAlgorithm::QLearning,
            AlgoArg::Sarsa => TabularAlgorithm::Sarsa,
            AlgoArg::ExpectedSarsa => TabularAlgorithm::ExpectedSarsa,
        }
    }
}

/// What one `train` invocation asks for.
#[derive(Debug)]
pub struct TrainArgs<'a> {
    /// Registered env id.
    pub env: &'a str,
    /// Its kwargs.
    pub env_args: &'a [EnvArg],
    /// The learner.
    pub algo: AlgoArg,
    /// Seeds `0..seeds`, one run each.
    pub seeds: u64,
    /// Learner settings; `seed` is set per run.
    pub config: TabularConfig,
    /// Where run folders go.
    pub runs_dir: &'a Path,
    /// The experiment folder under `runs_dir`.
    pub experiment: &'a str,
}

/// Runs the subcommand.
pub fn run(args: &TrainArgs<'_>) -> Result<(), CliError> {
    let algorithm = TabularAlgorithm::from(args.algo);
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
/// `epsilon_decay_episodes` is given.
pub fn config(
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
