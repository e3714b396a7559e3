//! The `rewardlab` command line.
//!
//! Exit codes: 0 success, 2 bad input (unknown env id, malformed number, bad `--env-arg`,
//! unreadable map, invalid action, unknown preset or `--set` key, a backend not compiled in, a
//! run folder without checkpoint), 1 a failure while running (e.g. a file that cannot be
//! written, a non-finite loss). Errors print one short message on stderr; no path in here panics.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use cli::{CliError, EnvArg};

/// Reinforcement-learning environments and reward design.
#[derive(Debug, Parser)]
#[command(name = "rewardlab", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the registered environments with their spaces and time limits.
    Envs,
    /// Step an environment through a fixed list of actions and print JSON lines.
    ///
    /// Line 1 is {"obs": O, "state": S}; then one line per action with action, obs, reward,
    /// terminated, truncated and state. Stops after the step that ends the episode.
    Rollout {
        /// Registered environment id, e.g. rewardlab/CliffWalk-v0.
        #[arg(long)]
        env: String,
        /// Constructor argument key=value (repeatable), e.g. --env-arg slip=0.1.
        #[arg(long = "env-arg", value_name = "KEY=VALUE")]
        env_args: Vec<EnvArg>,
        /// Seed for reset.
        #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
        seed: u64,
        /// Overwrite the internal state after reset (comma-separated numbers).
        #[arg(long, allow_hyphen_values = true, value_name = "V,...")]
        state: Option<String>,
        /// Actions, comma-separated; components of a vector action are separated by ':'.
        #[arg(long, allow_hyphen_values = true, value_name = "A,...")]
        actions: String,
    },
    /// Plot a metric from run folders: mean ± std across seeds.
    Plot {
        /// Run folders, or folders of run folders (e.g. runs/<experiment>).
        #[arg(required = true)]
        runs: Vec<PathBuf>,
        /// Output file, .png or .svg.
        #[arg(long)]
        out: PathBuf,
        /// Metric to plot.
        #[arg(long, default_value = "charts/episodic_return")]
        metric: String,
        /// x axis: environment steps or episodes.
        #[arg(long, value_enum, default_value_t = cli::plot::XArg::Steps)]
        x: cli::plot::XArg,
    },
    /// Train an agent: a tabular learner on a discrete env (one run folder per seed), or a
    /// neural one (--algo dqn|ppo: one run folder with a checkpoint; see `eval`).
    Train(Box<cli::train::TrainCmd>),
    /// Reload a dqn or ppo run's checkpoint and play greedy episodes (optionally to a GIF).
    Eval(cli::eval::EvalCmd),
    /// Measure environment throughput: steps (or resets) per second.
    ///
    /// Actions are uniform random from a seeded stream; the time limit and autoreset run
    /// inside the timed loop. More than one copy runs as `make_vec` builds it (CartPole-v1:
    /// the native batch). Compare with bench/peers/gymnasium_throughput.py.
    Bench {
        /// Registered environment id, e.g. CartPole-v1.
        #[arg(long)]
        env: String,
        /// Constructor argument key=value (repeatable).
        #[arg(long = "env-arg", value_name = "KEY=VALUE")]
        env_args: Vec<EnvArg>,
        /// Copies stepped together (1: a single env).
        #[arg(long, default_value_t = 1)]
        num_envs: usize,
        /// Threads for the copies [default: all cores, at most one per 1024 copies].
        #[arg(long)]
        threads: Option<usize>,
        /// Transitions to time, counted over all copies.
        #[arg(long, default_value_t = 1_000_000)]
        steps: u64,
        /// Time reset() instead of step().
        #[arg(long)]
        resets: bool,
        /// Print one JSON line instead of a table.
        #[arg(long)]
        json: bool,
        /// Seed of the envs and of the action stream.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Step the type-erased env (`Value` observations and actions, what `make` returns)
        /// instead of the typed env inside it.
        #[arg(long)]
        erased: bool,
    },
    /// Record an episode of random actions as a PNG (last frame) or an animated GIF.
    ///
    /// Reset with --seed, then uniform random actions from a sampler seeded with --seed,
    /// until --steps steps or the end of the episode. A .png gets the final frame (the reset
    /// frame with --steps 0); a .gif gets every frame, the reset frame first.
    Render {
        /// Registered environment id, e.g. CartPole-v1.
        #[arg(long)]
        env: String,
        /// Constructor argument key=value (repeatable), e.g. --env-arg map_name=8x8.
        #[arg(long = "env-arg", value_name = "KEY=VALUE")]
        env_args: Vec<EnvArg>,
        /// Seed of the reset and of the random actions.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Most steps to record.
        #[arg(long, default_value_t = 200)]
        steps: u64,
        /// Output file: .png or .gif.
        #[arg(long)]
        out: PathBuf,
        /// Frames per second of a GIF.
        #[arg(long, default_value_t = rewardlab_envs::render::encode::DEFAULT_FPS)]
        fps: f64,
    },
    /// Steer a MiniGrid env from the keyboard, as MiniGrid's manual control.
    ///
    /// ←/→ turn, ↑ forward, space toggle, PageUp or Tab pick up, PageDown or Shift+Tab drop,
    /// Enter done, Backspace new episode, Escape or q quit. When stdin is not a terminal, reads
    /// one key name per line (left, right, forward, pickup, drop, toggle, done, reset, quit).
    Play {
        /// Registered MiniGrid id (or any env with 7 or 3 discrete actions and a text
        /// picture), e.g. MiniGrid-DoorKey-8x8-v0.
        #[arg(long)]
        env: String,
        /// Constructor argument key=value (repeatable), e.g. --env-arg agent_view_size=5.
        #[arg(long = "env-arg", value_name = "KEY=VALUE")]
        env_args: Vec<EnvArg>,
        /// Seed of the first reset and of the reset after each episode [default: the
        /// env's own stream continues].
        #[arg(long)]
        seed: Option<u64>,
        /// Also write every state's picture to this GIF.
        #[arg(long, value_name = "OUT.gif")]
        record: Option<PathBuf>,
    },
    /// Reward shaping: check whether a transform keeps an env's optimal policies.
    #[command(subcommand)]
    Shaping(cli::shaping::ShapingCmd),
    /// Distance between two rewards on a tabular model (STARC, EPIC, DARD) and the regret.
    Distance(cli::distance::DistanceArgs),
    /// Inverse RL on a tabular env: learn a reward from demonstrations (MaxEnt, MCE) or clone
    /// the policy (bc), and judge it against the true reward (policy match, returns, STARC).
    Irl(cli::irl::IrlArgs),
    /// Solve a built-in gridworld with value iteration; print values and the greedy policy and
    /// write a heatmap under runs/quickstart/.
    Quickstart {
        /// The gridworld to solve.
        #[arg(long, default_value = "rewardlab/CliffWalk-v0")]
        env: String,
        /// Constructor argument key=value (repeatable), e.g. --env-arg gamma=0.9.
        #[arg(long = "env-arg", value_name = "KEY=VALUE")]
        env_args: Vec<EnvArg>,
        /// Where run folders go.
        #[arg(long, default_value = rewardlab_core::runlog::DEFAULT_RUNS_DIR)]
        runs_dir: PathBuf,
    },
}

fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Envs => cli::envs::list(),
        Command::Rollout {
            env,
            env_args,
            seed,
            state,
            actions,
        } => cli::rollout::run(&env, &env_args, seed, state.as_deref(), &actions),
        Command::Plot {
            runs,
            out,
            metric,
            x,
        } => cli::plot::run(&runs, &out, &metric, x),
        Command::Train(cmd) => cli::train::run(*cmd),
        Command::Eval(cmd) => cli::eval::run(&cmd),
        Command::Bench {
            env,
            env_args,
            num_envs,
            threads,
            steps,
            resets,
            json,
            seed,
            erased,
        } => cli::bench::run(
            cli::bench::config(cli::bench::BenchArgs {
                env,
                env_args,
                num_envs,
                threads,
                steps,
                resets,
                seed,
                erased,
            }),
            json,
        ),
        Command::Render {
            env,
            env_args,
            seed,
            steps,
            out,
            fps,
        } => cli::render::run(&cli::render::RenderArgs {
            env: &env,
            env_args: &env_args,
            seed,
            steps,
            out: &out,
            fps,
        }),
        Command::Play {
            env,
            env_args,
            seed,
            record,
        } => cli::play::run(&cli::play::PlayArgs {
            env: &env,
            env_args: &env_args,
            seed,
            record: record.as_deref(),
        }),
        Command::Quickstart {
            env,
            env_args,
            runs_dir,
        } => cli::quickstart::run(&env, &env_args, &runs_dir),
        Command::Shaping(cmd) => cli::shaping::run(&cmd),
        Command::Distance(args) => cli::distance::run(&args),
        Command::Irl(args) => cli::irl::run(&args),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version on stdout (exit 0) and usage errors on stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(),
    }
}
