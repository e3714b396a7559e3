//! Shared machinery of the tabular shaping experiments (`shaping_gridworld`,
//! `shaping_terminal_bug`): Q-learning on a shaped gridworld, scored under the TRUE reward.
//!
//! Each [`Variant`] is a reward term (built fresh for every seed), the tabular model of that
//! same term (for the checker and for "what would the shaped optimum do"), and the checker's
//! verdict. [`run_variants`] trains every (variant, seed) pair in parallel with rayon: each
//! job owns its env, its reward term and its learner RNG (seeded by the seed alone), so the
//! numbers do not depend on the thread count or the order jobs run in.
//!
//! The learner sees the shaped reward through [`Shaped`] around a [`TimeLimit`] (a cut
//! episode is truncated, not terminated, so it bootstraps and keeps Φ(s′)). The curve that
//! matters is not what the learner was paid: after every episode the greedy policy of the
//! table (lowest action index on ties) is evaluated *exactly* on the task model —
//! J(π) = Σ_s initial(s)·V^π(s) by core's sparse solve — and logged as
//! `charts/greedy_true_return`, next to the learner-seen `charts/episodic_shaped_return`.
//! The exact evaluation is only redone when the greedy policy changed.
//!
//! "Episodes to goal" is the first episode after which J(greedy) is within 1% of J*
//! (relative to |J*|); a seed that never gets there makes the variant's mean `null`
//! ([`mean_if_all`]). `episodes_to_stable_goal` is stricter: the first episode from which it
//! stays there to the end.

use std::path::PathBuf;

use anyhow::Context;
use ndarray::Array2;
use rayon::prelude::*;
use rewardlab_core::mdp::{Mdp, argmax_lowest, evaluate_actions};
use rewardlab_core::metrics::MetricSink;
use rewardlab_core::tabular::{
    EpisodeEnd, EpsilonSchedule, TabularAlgorithm, TabularConfig, train_observed,
};
use rewardlab_core::wrappers::TimeLimit;
use rewardlab_envs::{Cell, GridMap, GridWorld};
use rewardlab_plot::{Arrow, CurveOptions, GridHeatmap, XAxis, plot_grid_heatmap};
use rewardlab_rewards::check::solve_exact;
use rewardlab_rewards::{InvarianceReport, RewardFn, Shaped};
use serde::Serialize;
use serde_json::json;

use crate::{Output, mean_if_all, mean_std, median_never_last};

/// Metric: exact true return of the greedy policy after each episode.
pub const GREEDY_TRUE_RETURN: &str = "charts/greedy_true_return";
/// Metric: undiscounted return the learner was paid in each episode.
pub const SHAPED_RETURN: &str = "charts/episodic_shaped_return";
/// Metric: length of each episode.
pub const EPISODE_LENGTH: &str = "charts/episodic_length";
/// "Reached the optimum": within this fraction of |J*|.
pub const OPTIMAL_FRACTION: f64 = 0.01;

/// Learning settings shared by every variant of an experiment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LearnSettings {
    /// Seeds 0..seeds, one run each per variant.
    pub seeds: u64,
    /// Episodes per run.
    pub episodes: u64,
    /// Episodes are truncated after this many steps.
    pub max_episode_steps: usize,
    /// Q-learning step size α.
    pub alpha: f64,
    /// Constant ε of the ε-greedy behaviour policy.
    pub epsilon: f64,
}

/// The command-line flags of the tabular shaping experiments (flattened into each binary's
/// arguments); episodes are always cut at 200 steps, as the issue asks.
#[derive(Debug, Clone, clap::Args)]
pub struct LearnArgs {
    /// Number of seeds per variant.
    #[arg(long, default_value_t = 20)]
    pub seeds: u64,
    /// Q-learning step size α.
    #[arg(long, default_value_t = 0.5)]
    pub alpha: f64,
    /// Exploration rate ε (constant).
    #[arg(long, default_value_t = 0.1)]
    pub epsilon: f64,
    /// Episodes per run.
    #[arg(long, default_value_t = 1000)]
    pub episodes: u64,
}

impl LearnArgs {
    /// The settings these flags ask for.
    pub fn settings(&self) -> LearnSettings {
        LearnSettings {
            seeds: self.seeds,
            episodes: self.episodes,
            max_episode_steps: 200,
            alpha: self.alpha,
            epsilon: self.epsilon,
        }
    }
}

impl LearnSettings {
    /// Q-learning's config for `seed` on a task discounted by `gamma`.
    pub fn tabular(&self, gamma: f64, seed: u64) -> TabularConfig {
        TabularConfig {
            episodes: self.episodes,
            alpha: self.alpha,
            gamma,
            epsilon: EpsilonSchedule::Constant(self.epsilon),
            seed,
            initial_q: 0.0,
        }
    }
}

/// Builds a fresh reward term for one run.
pub type RewardMaker = Box<dyn Fn() -> Box<dyn RewardFn<usize, usize> + Send> + Sync>;

/// What a variant's heatmap colours.
#[derive(Debug, Clone, PartialEq)]
pub enum HeatValues {
    /// Φ, one value per state.
    Potential(Vec<f64>),
    /// max_a Q(s, a) learned by seed 0.
    LearnedMaxQ,
}

/// One reward variant of an experiment.
pub struct Variant {
    /// Name in run folders and summary.json.
    pub name: String,
    /// The online reward term.
    pub make: RewardMaker,
    /// The same term on the task model.
    pub model: Mdp,
    /// The checker's verdict against the task (`None` for the task itself).
    pub check: Option<InvarianceReport>,
    /// What the heatmap shows.
    pub heat: HeatValues,
}

impl std::fmt::Debug for Variant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Variant")
            .field("name", &self.name)
            .field("check", &self.check)
            .finish_non_exhaustive()
    }
}

/// One (variant, seed) run.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedRun {
    /// The seed.
    pub seed: u64,
    /// J(greedy) after each episode.
    pub true_returns: Vec<f64>,
    /// Learner-seen return of each episode.
    pub shaped_returns: Vec<f64>,
    /// The final table.
    pub q: Array2<f64>,
}

/// The greedy policy of a table, lowest action index on ties.
pub fn greedy(q: &Array2<f64>) -> Vec<usize> {
    q.rows()
        .into_iter()
        .map(|row| argmax_lowest(row.iter()))
        .collect()
}

/// J(π) = Σ_s initial(s)·V^π(s) on `task`, exactly.
pub fn true_return(task: &Mdp, policy: &[usize]) -> anyhow::Result<f64> {
    let v = evaluate_actions(task, policy).context("evaluating a greedy policy")?;
    Ok(task
        .initial()
        .iter()
        .zip(v.iter())
        .map(|(p, v)| p * v)
        .sum())
}

/// J* of `task`.
pub fn optimal_return(task: &Mdp) -> anyhow::Result<f64> {
    let v = solve_exact(task)?.values;
    Ok(task.initial().iter().zip(&v).map(|(p, v)| p * v).sum())
}

/// The true return of the optimal policy of `shaped` (lowest index among its optimal
/// actions): what a learner that converged on the shaped reward would score.
pub fn shaped_optimum_true_return(task: &Mdp, shaped: &Mdp) -> anyhow::Result<f64> {
    true_return(task, &greedy(&solve_exact(shaped)?.q))
}

/// The first episode (1-based) after which `curve` is within [`OPTIMAL_FRACTION`] of `j_star`.
pub fn episodes_to_goal(curve: &[f64], j_star: f64) -> Option<u64> {
    let bar = j_star - OPTIMAL_FRACTION * j_star.abs();
    curve.iter().position(|&j| j >= bar).map(|i| i as u64 + 1)
}

/// The first episode (1-based) from which `curve` stays within [`OPTIMAL_FRACTION`] of
/// `j_star` to the end (a transient visit to the optimum does not count).
pub fn episodes_to_stable_goal(curve: &[f64], j_star: f64) -> Option<u64> {
    let bar = j_star - OPTIMAL_FRACTION * j_star.abs();
    let tail = curve.iter().rev().take_while(|&&j| j >= bar).count();
    (tail > 0).then(|| (curve.len() - tail) as u64 + 1)
}

#[derive(Serialize)]
struct RunConfig<'a> {
    map: &'a str,
    variant: &'a str,
    max_episode_steps: usize,
    learner: TabularConfig,
}

/// Trains one (variant, seed) pair, logging to a run folder of `out` when given.
pub fn run_seed(
    world: &GridWorld,
    map: &str,
    variant: &Variant,
    settings: &LearnSettings,
    seed: u64,
    out: Option<&Output>,
) -> anyhow::Result<SeedRun> {
    let task = world.mdp_arc().clone();
    let config = settings.tabular(task.gamma(), seed);
    let mut logger = out
        .map(|o| {
            let run = RunConfig {
                map,
                variant: &variant.name,
                max_episode_steps: settings.max_episode_steps,
                learner: config.clone(),
            };
            o.run_logger(map, &variant.name, seed, &run)
        })
        .transpose()?;
    let mut env = Shaped::new(
        TimeLimit::new(world.clone(), settings.max_episode_steps),
        (variant.make)(),
    );
    let mut true_returns = Vec::new();
    let mut shaped_returns = Vec::new();
    let mut last: Option<(Vec<usize>, f64)> = None;
    let mut observer = |end: &EpisodeEnd<'_>| -> anyhow::Result<()> {
        let policy = greedy(end.q);
        let j = match &last {
            Some((p, j)) if *p == policy => *j,
            _ => {
                let j = true_return(&task, &policy)?;
                last = Some((policy, j));
                j
            }
        };
        true_returns.push(j);
        shaped_returns.push(end.episode_return);
        if let Some(log) = logger.as_mut() {
            let (step, ep) = (end.total_steps, end.episode);
            log.record(step, ep, GREEDY_TRUE_RETURN, j)?;
            log.record(step, ep, SHAPED_RETURN, end.episode_return)?;
            log.record(step, ep, EPISODE_LENGTH, end.length as f64)?;
        }
        Ok(())
    };
    let run = train_observed(
        &mut env,
        TabularAlgorithm::QLearning,
        &config,
        &mut (),
        &mut observer,
    )?;
    if let Some(log) = logger {
        let final_j = true_returns.last().copied().unwrap_or(f64::NAN);
        log.finish(&json!({"final_greedy_true_return": final_j}))?;
    }
    Ok(SeedRun {
        seed,
        true_returns,
        shaped_returns,
        q: run.q,
    })
}

/// Every variant × seed, in parallel; `result[v][k]` is variant `v`, seed `k`.
pub fn run_variants(
    world: &GridWorld,
    map: &str,
    variants: &[Variant],
    settings: &LearnSettings,
    out: Option<&Output>,
) -> anyhow::Result<Vec<Vec<SeedRun>>> {
    let jobs: Vec<(usize, u64)> = (0..variants.len())
        .flat_map(|v| (0..settings.seeds).map(move |s| (v, s)))
        .collect();
    let runs: Vec<SeedRun> = jobs
        .par_iter()
        .map(|&(v, seed)| run_seed(world, map, &variants[v], settings, seed, out))
        .collect::<anyhow::Result<_>>()?;
    let mut grouped: Vec<Vec<SeedRun>> = variants.iter().map(|_| Vec::new()).collect();
    for ((v, _), run) in jobs.into_iter().zip(runs) {
        grouped[v].push(run);
    }
    Ok(grouped)
}

/// A variant's entry of summary.json: learning statistics plus the checker's verdict.
pub fn variant_summary(
    task: &Mdp,
    variant: &Variant,
    runs: &[SeedRun],
    j_star: f64,
) -> anyhow::Result<serde_json::Value> {
    let to_goal: Vec<Option<u64>> = runs
        .iter()
        .map(|r| episodes_to_goal(&r.true_returns, j_star))
        .collect();
    let as_f64: Vec<Option<f64>> = to_goal.iter().map(|e| e.map(|e| e as f64)).collect();
    let stable: Vec<Option<u64>> = runs
        .iter()
        .map(|r| episodes_to_stable_goal(&r.true_returns, j_star))
        .collect();
    let stable_f64: Vec<Option<f64>> = stable.iter().map(|e| e.map(|e| e as f64)).collect();
    let finals: Vec<f64> = runs
        .iter()
        .filter_map(|r| r.true_returns.last().copied())
        .collect();
    let (final_mean, final_std) = mean_std(&finals);
    let reached = to_goal.iter().filter(|e| e.is_some()).count();
    let optimal_at_end = finals
        .iter()
        .filter(|&&j| j >= j_star - OPTIMAL_FRACTION * j_star.abs())
        .count();
    let check = variant.check.as_ref();
    Ok(json!({
        "preserved": check.is_none_or(|c| c.preserved),
        "differing_states": check.map(|c| c.differing_states.clone()),
        "max_q_error": check.and_then(|c| c.max_q_error),
        "episodes_to_goal_mean": mean_if_all(&as_f64),
        "episodes_to_goal_median": median_never_last(&as_f64),
        "episodes_to_goal": to_goal,
        "seeds_reaching_goal": reached,
        "episodes_to_stable_goal_mean": mean_if_all(&stable_f64),
        "episodes_to_stable_goal": stable,
        "final_true_return_mean": final_mean,
        "final_true_return_std": final_std,
        "final_true_return": finals,
        "seeds_optimal_at_end": optimal_at_end,
        "optimal_policy_preserved": check.is_none_or(|c| c.preserved),
        "shaped_optimum_true_return": shaped_optimum_true_return(task, &variant.model)?,
    }))
}

/// Draws the mean ± std curves of `metric` over all run folders of `out` as
/// `<stem>.png` and `<stem>.svg`.
pub fn plot_curves(
    out: &Output,
    stem: &str,
    metric: &str,
    title: &str,
    episodes: u64,
) -> anyhow::Result<()> {
    let opts = CurveOptions {
        metric: metric.into(),
        x: XAxis::Episodes,
        title: Some(title.into()),
        points: usize::try_from(episodes)
            .unwrap_or(usize::MAX)
            .clamp(2, 400),
        x_label: None,
    };
    let runs: Vec<PathBuf> = vec![out.dir().to_path_buf()];
    out.both(stem, |path| {
        rewardlab_plot::plot_learning_curves(&runs, path, &opts)
    })
}

/// Draws `heat_<variant>.{png,svg}`: Φ (or seed 0's learned max Q) per cell, with seed 0's
/// greedy policy as arrows on the cells an episode can pass through.
pub fn plot_heatmap(
    out: &Output,
    world: &GridWorld,
    variant: &Variant,
    seed0: &SeedRun,
) -> anyhow::Result<()> {
    let map = world.map();
    let policy = greedy(&seed0.q);
    let (values, what): (Vec<f64>, &str) = match &variant.heat {
        HeatValues::Potential(phi) => (phi.clone(), "Φ"),
        HeatValues::LearnedMaxQ => (
            seed0
                .q
                .rows()
                .into_iter()
                .map(|r| r.iter().copied().fold(f64::NEG_INFINITY, f64::max))
                .collect(),
            "learned max Q (seed 0)",
        ),
    };
    let heat = GridHeatmap {
        values: per_cell(map, |s, cell| (cell != Cell::Wall).then(|| values[s])),
        arrows: Some(per_cell(map, |s, cell| {
            if cell == Cell::Wall || cell.is_terminal() {
                return None;
            }
            Some(match policy[s] {
                0 => Arrow::Up,
                1 => Arrow::Right,
                2 => Arrow::Down,
                _ => Arrow::Left,
            })
        })),
        labels: Some(per_cell(map, |s, _| {
            let sym = map.symbols()[s];
            matches!(sym, 'S' | 'G' | 'L').then(|| sym.to_string())
        })),
        title: format!("{}: {what}, arrows = greedy policy of seed 0", variant.name),
    };
    out.both(&format!("heat_{}", variant.name), |path| {
        plot_grid_heatmap(&heat, path)
    })
}

/// `f(state, cell)` for every cell, row by row.
fn per_cell<T>(map: &GridMap, f: impl Fn(usize, Cell) -> Option<T>) -> Vec<Vec<Option<T>>> {
    (0..map.nrows())
        .map(|r| {
            (0..map.ncols())
                .map(|c| {
                    let s = map.index(r, c);
                    f(s, map.cells()[s])
                })
                .collect()
        })
        .collect()
}
