//! `rewardlab quickstart`: solve a built-in gridworld with value iteration, print its values
//! and greedy policy as text grids, run the greedy policy once in the simulator, and write a
//! heatmap with policy arrows into a run folder.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use rewardlab_core::Env;
use rewardlab_core::mdp::{Solution, ValueIterationConfig, value_iteration};
use rewardlab_core::runlog::RunLogger;
use rewardlab_core::tabular::Tabular;
use rewardlab_envs::gridworld::{Cell, GridWorld};
use rewardlab_plot::{Arrow, GridHeatmap, plot_grid_heatmap};
use serde::Serialize;

use super::{CliError, EnvArg, kwargs};

/// What the run folder's `config.toml` records.
#[derive(Debug, Serialize)]
struct QuickstartConfig<'a> {
    /// The environment id.
    env: &'a str,
    /// The `--env-arg` kwargs it was made with.
    env_args: Vec<(String, String)>,
    /// Discount of the solved model.
    gamma: f64,
    /// Value iteration settings.
    value_iteration: &'a ValueIterationConfig,
}

/// Runs the subcommand.
pub fn run(id: &str, env_args: &[EnvArg], runs_dir: &Path) -> Result<(), CliError> {
    let mut env = rewardlab_envs::make_gridworld(id, &kwargs(env_args)).map_err(CliError::usage)?;
    let mut out = std::io::stdout().lock();
    let config = ValueIterationConfig::default();
    let world = env.inner();
    // A model that cannot be solved (γ = 1 with reward to collect forever, rewards that
    // overflow) comes from the map and kwargs the user gave: bad input.
    let solution = value_iteration(world.mdp(), &config)
        .map_err(|e| CliError::Usage(format!("cannot solve {id}: {e}")))?;

    writeln!(
        out,
        "{id}: value iteration converged in {} sweeps (γ = {})\n",
        solution.iterations,
        world.mdp().gamma()
    )?;
    writeln!(
        out,
        "Optimal values V*(s):\n{}",
        value_grid(world, &solution)
    )?;
    writeln!(
        out,
        "Greedy policy (ties to the lowest action: up, right, down, left):\n{}",
        policy_grid(world, &solution)
    )?;

    let (episode_return, steps, reached) = greedy_episode(&mut env, &solution)?;
    let start_value = expected_start_value(env.inner(), &solution);
    writeln!(
        out,
        "Greedy episode (seed 0): return {episode_return} in {steps} steps ({}); V* from the start: {start_value:.4}",
        if reached { "terminated" } else { "truncated" }
    )?;

    let world = env.inner();
    let cfg = QuickstartConfig {
        env: id,
        env_args: kwargs(env_args),
        gamma: world.mdp().gamma(),
        value_iteration: &config,
    };
    let logger = RunLogger::create(runs_dir, "quickstart", id, "value_iteration", 0, &cfg)
        .map_err(CliError::runtime)?;
    let heatmap = heatmap(world, &solution, id);
    for ext in ["png", "svg"] {
        plot_grid_heatmap(&heatmap, &logger.dir().join(format!("values.{ext}")))
            .map_err(CliError::runtime)?;
    }
    let summary = serde_json::json!({
        "env": id,
        "sweeps": solution.iterations,
        "start_value": start_value,
        "greedy_episode_return": episode_return,
        "greedy_episode_steps": steps,
    });
    let dir = logger.finish(&summary).map_err(CliError::runtime)?;
    writeln!(out, "\nWrote {}", dir.join("values.png").display())?;
    Ok(())
}

fn value_grid(world: &GridWorld, solution: &Solution) -> String {
    let mut text = String::new();
    for row in 0..world.nrows() {
        for col in 0..world.ncols() {
            let cell = match world.cell(row, col) {
                Some(Cell::Wall) | None => format!("{:>8}", "#"),
                Some(Cell::Cliff) => format!("{:>8}", "X"),
                _ => format!("{:>8.2}", solution.values[row * world.ncols() + col]),
            };
            text.push_str(&cell);
        }
        text.push('\n');
    }
    text
}

fn policy_grid(world: &GridWorld, solution: &Solution) -> String {
    let mut text = String::new();
    for row in 0..world.nrows() {
        for col in 0..world.ncols() {
            let symbol = match world.cell(row, col) {
                Some(Cell::Wall) | None => '#',
                Some(Cell::Goal(_)) => 'G',
                Some(Cell::Lava) => 'L',
                Some(Cell::Cliff) => 'X',
                _ => ['↑', '→', '↓', '←'][solution.policy[row * world.ncols() + col] % 4],
            };
            let _ = write!(text, " {symbol}");
        }
        text.push('\n');
    }
    text
}

/// Follows the greedy policy in the simulator from a seeded reset.
fn greedy_episode<E: Env<Obs = usize, Act = usize>>(
    env: &mut E,
    solution: &Solution,
) -> Result<(f64, usize, bool), CliError> {
    let (mut s, _) = env.reset(Some(0));
    let (mut total, mut steps) = (0.0, 0);
    loop {
        let step = env.step(&solution.policy[s]).map_err(CliError::runtime)?;
        total += step.reward;
        steps += 1;
        s = step.obs;
        if step.done() {
            return Ok((total, steps, step.terminated));
        }
    }
}

fn expected_start_value(world: &GridWorld, solution: &Solution) -> f64 {
    world
        .mdp()
        .initial()
        .iter()
        .zip(solution.values.iter())
        .map(|(p, v)| p * v)
        .sum()
}

fn heatmap(world: &GridWorld, solution: &Solution, id: &str) -> GridHeatmap {
    let (rows, cols) = (world.nrows(), world.ncols());
    let mut values = vec![vec![None; cols]; rows];
    let mut arrows = vec![vec![None; cols]; rows];
    let mut labels = vec![vec![None; cols]; rows];
    for row in 0..rows {
        for col in 0..cols {
            let s = row * cols + col;
            let cell = world.cell(row, col);
            if matches!(cell, Some(Cell::Wall) | None) {
                continue;
            }
            // The agent never rests on a cliff cell (it is sent back to the start), so its
            // value means nothing: draw it dark like a wall, labelled X.
            if !matches!(cell, Some(Cell::Cliff)) {
                values[row][col] = Some(solution.values[s]);
            }
            labels[row][col] = match cell {
                Some(Cell::Start) => Some("S".to_owned()),
                Some(Cell::Goal(_)) => Some("G".to_owned()),
                Some(Cell::Lava) => Some("L".to_owned()),
                Some(Cell::Cliff) => Some("X".to_owned()),
                _ => None,
            };
            if matches!(cell, Some(Cell::Floor | Cell::Start)) {
                arrows[row][col] = Some(
                    [Arrow::Up, Arrow::Right, Arrow::Down, Arrow::Left][solution.policy[s] % 4],
                );
            }
        }
    }
    GridHeatmap {
        values,
        arrows: Some(arrows),
        labels: Some(labels),
        title: format!("{id}: V* and greedy policy"),
    }
}
