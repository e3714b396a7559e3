//! `rewardlab eval`: reload a neural run's checkpoint and play greedy episodes.
//!
//! The run is rebuilt from its folder alone: `config.toml` (the `RunSpec` that `train` wrote)
//! says which env, network and normalisation, `checkpoint/` holds the weights. The episodes
//! run as one vector env, copy `i` reset with `--seed + i`, actions greedy (argmax for discrete
//! actions, the mean for continuous ones), so a command line always gives the same numbers.
//!
//! With `--render FILE.gif` the first episode is also recorded, through the same GIF encoder as
//! `rewardlab render` (and the same check of the file extension); any other extension is a
//! usage error before anything runs. A folder without `config.toml` or checkpoint is a usage
//! error naming the missing file.

use std::io::Write as _;
use std::path::PathBuf;

use rewardlab_agents::run;
use rewardlab_agents::task::VecTask;
use rewardlab_envs::render::encode::{self, DEFAULT_FPS};

use super::render::{Format, format_of};
use super::train_neural::{BackendArg, agent_error, read_spec, require_checkpoint};
use super::{CliError, print_line};

/// The command line of `rewardlab eval`.
#[derive(Debug, clap::Args)]
pub struct EvalCmd {
    /// Run folder written by `train --algo dqn|ppo`.
    #[arg(long, value_name = "DIR")]
    pub run: PathBuf,
    /// Greedy episodes to play (all at once, one env copy each).
    #[arg(long, default_value_t = 10)]
    pub episodes: usize,
    /// Seed of the resets: episode i starts from reset(seed + i).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Also record the first episode as an animated GIF.
    #[arg(long, value_name = "FILE.gif")]
    pub render: Option<PathBuf>,
    /// Evaluate on this backend instead of the one the run trained on.
    #[arg(long, value_enum)]
    pub backend: Option<BackendArg>,
}

/// Runs the subcommand.
pub fn run(cmd: &EvalCmd) -> Result<(), CliError> {
    if cmd.episodes == 0 {
        return Err(CliError::usage("--episodes must be at least 1"));
    }
    if let Some(out) = &cmd.render
        && format_of(out).ok() != Some(Format::Gif)
    {
        return Err(CliError::Usage(format!(
            "cannot record to '{}': --render must end in .gif",
            out.display()
        )));
    }
    let mut spec = read_spec(&cmd.run)?;
    if let Some(backend) = cmd.backend {
        spec.backend = backend.into();
    }
    spec.backend.device().map_err(agent_error)?;
    require_checkpoint(&cmd.run)?;
    let (result, frames) = run::evaluate(
        &cmd.run,
        &spec,
        cmd.episodes,
        cmd.seed,
        cmd.render.is_some(),
    )
    .map_err(agent_error)?;

    let n = result.returns.len().max(1) as f64;
    let mean = result.mean_return();
    // Population std, as Stable-Baselines3's evaluate_policy reports it.
    let var = result
        .returns
        .iter()
        .map(|r| (r - mean).powi(2))
        .sum::<f64>()
        / n;
    let mean_len = result.lengths.iter().sum::<usize>() as f64 / n;
    let mut out = std::io::stdout().lock();
    print_line(
        &mut out,
        &format!(
            "{} {} ({}): mean return {mean:.2} ± {:.2} over {} episodes (mean length {mean_len:.1})",
            spec.env,
            spec.algo.name(),
            cmd.run.display(),
            var.sqrt(),
            result.returns.len(),
        ),
    )?;
    let task = VecTask::new(&spec.env, &spec.env_kwargs(), 1, spec.minigrid_obs)
        .map_err(|e| agent_error(e.into()))?;
    if task.has_success() {
        print_line(
            &mut out,
            &format!("success rate {:.2}", result.success_rate()),
        )?;
    }
    if let Some(path) = &cmd.render {
        encode::save_gif(&frames, path, DEFAULT_FPS).map_err(CliError::runtime)?;
        print_line(
            &mut out,
            &format!("wrote {}: {} frame(s)", path.display(), frames.len()),
        )?;
    }
    out.flush()?;
    Ok(())
}
