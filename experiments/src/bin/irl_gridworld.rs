//! `irl_gridworld`: tabular inverse RL on gridworlds, FrozenLake and a MiniGrid export —
//! MCE IRL, MaxEnt IRL and behaviour cloning, judged against the true reward.
//!
//! ```text
//! cargo run --release -p rewardlab-experiments --bin irl_gridworld -- \
//!     [--env ID[:k=v,...]]... [--expert optimal|boltzmann|mce] [--temperature T] \
//!     [--demos 1,2,5,10,20,50,100] [--seeds 5] [--out DIR]
//! ```
//!
//! For each env (default: `rewardlab/Oscillation-v0`, `rewardlab/CliffWalk-v0`,
//! `rewardlab/FourRooms-v0`, `FrozenLake-v1` (slippery: MCE only, MaxEnt refuses stochastic
//! dynamics) and the `MiniGrid-Empty-5x5-v0` export with layout seed 0) the expert is planned
//! on the true reward (`--expert optimal`: uniform over the optimal actions, the default;
//! `boltzmann`: softmax of Q*/T; `mce`: soft-optimal at T). Then three learners:
//!
//! - `mce`: infinite-horizon MCE IRL, tabular R(s, a), Adam lr 0.1, at most 100 steps (stop
//!   when max |ρ_E − ρ_θ| ≤ 1e-3 or |∇| ≤ 1e-4), soft values to 1e-8 relative;
//! - `maxent`: MaxEnt IRL (Ziebart 2008), tabular R(s), horizon 60, same optimiser,
//!   deterministic envs only;
//! - `bc`: the expert's action frequencies (greedy = most frequent, lowest index on ties);
//!
//! each from the **exact** expert occupancy (infinite data; `n_demos = inf`) and from N
//! sampled demonstrations (`--demos`, default 1, 2, 5, 10, 20, 50, 100; episodes cut at 500
//! steps; seeds 0..5; a seed's sets are prefixes of one sample). γ is the env's own when
//! below 1, else 0.99 (CliffWalk's is 1; the infinite-horizon learner needs γ < 1); toy text
//! and MiniGrid get 0.99. Every fit is judged on the true model: policy match of the learned
//! reward's optimal policy (lowest index among optimal actions) over the non-terminal states
//! the expert reaches with positive probability (the same mask for every N) and over all
//! non-terminal states; the true return of that policy vs the expert's; STARC and EPIC to the
//! true reward (none for bc).
//!
//! Writes `runs/irl_gridworld/`: `metrics.csv` (one row per env, algo, N, seed: `env, algo,
//! n_demos, seed, policy_match_visited, policy_match_all, true_return_learned,
//! true_return_expert, starc, epic, iterations, converged`), per env
//! `{policy_match_visited,policy_match_all,starc,true_return_learned}_<env>.{png,svg}`
//! (x = log10 N, mean and ±std lines over seeds per algo, exact value as a flat reference
//! line), for the grid envs `heat_<env>_{true,mce,maxent}.{png,svg}` (per cell: max_a r̄(s, a),
//! the best expected one-step reward of that reward from the cell, with its optimal policy
//! as arrows; S = start, T = terminal, unreachable cells dark), and `summary.json`:
//! `{"settings", "envs": {"<env>": {"n_states", "gamma", "deterministic",
//! "expert_reached_states", "optimal_return", "exact": {"<algo>": {policy_match_visited,
//! policy_match_all, true_return_learned, true_return_expert, starc, epic, iterations,
//! converged, return_gap_fraction}}, "curves": {"<algo>": {"n_demos", "<metric>_mean",
//! "<metric>_std"}}}}}`.
//!
//! **Measured** (defaults, optimal expert; 41 s wall in release on the shared 2-core box).
//! Exact occupancies, match on visited / all states, true return learned = expert's, STARC:
//!
//! | env | S×A | reached | mce | maxent | bc (visited / all) |
//! |---|---|---|---|---|---|
//! | Oscillation | 42×4 | 19 | 1.000 / 1.000, J 0.9415 = 0.9415, STARC 0.023 | 1.000 / 1.000, 0.036 | 1.000 / 1.000 |
//! | CliffWalk (γ 0.99) | 48×4 | 13 | 1.000 / 0.979, J −12.248 = −12.248, STARC 0.422 | 1.000 / 1.000, 0.414 | 1.000 / 0.468 |
//! | FourRooms | 169×4 | 66 | 1.000 / 1.000, J 0.8262 = 0.8262, STARC 0.091 | 1.000 / 1.000, 0.092 | 1.000 / 0.738 |
//! | FrozenLake-v1 | 16×4 | 11 | 1.000 / 1.000, J 0.5420 = 0.5420, STARC 1.023 | — | 1.000 / 1.000 |
//! | MiniGrid-Empty-5x5 | 33×7 | 5 | 1.000 / 0.812, J 0.9606 = 0.9606, STARC 0.044 | 1.000 / 0.969, 0.069 | 1.000 / 0.531 |
//!
//! The issue's expectations (visited match ≥ 0.95, learned return within 1% of the expert's)
//! hold for MCE on every env, with a return gap of exactly 0; none of the fits meets the
//! occupancy tolerance (an optimal expert is deterministic, which a soft policy only reaches
//! as the reward gaps grow without bound), but 50 steps already give full visited match.
//! EPIC stays 0.4–0.7 throughout: the learned R(s, a) cannot put the goal's reward on s′ as
//! the truth does, which EPIC (shaping removed, not S′-redistribution) counts and STARC not.
//!
//! Curves (mean over 5 seeds at N = 1 / 5 / 20 / 100), visited match:
//!
//! | env | mce | maxent | bc |
//! |---|---|---|---|
//! | Oscillation | 0.84 / 0.99 / 1.00 / 1.00 | 0.99 / 1.00 / 1.00 / 1.00 | 0.37 / 0.80 / 1.00 / 1.00 |
//! | FourRooms | 0.88 / 0.99 / 1.00 / 1.00 | 0.97 / 1.00 / 1.00 / 1.00 | 0.30 / 0.68 / 0.97 / 1.00 |
//! | FrozenLake-v1 | 0.85 / 1.00 / 0.96 / 1.00 | — | 0.89 / 0.95 / 1.00 / 1.00 |
//!
//! and on FourRooms STARC falls 0.147 → 0.110 → 0.094 → 0.090 (mce), 0.196 → 0.137 → 0.109 →
//! 0.091 (maxent); bc matches all states only 0.29 → 0.74 (it knows nothing off the
//! demonstrated paths, while a reward generalises there). CliffWalk and MiniGrid curves are
//! flat: with one optimal path and deterministic dynamics one demonstration *is* the exact
//! occupancy. On FrozenLake the learned policy's true return is the weak spot at small N:
//! mce 0.243 (N = 1), 0.422 (N = 2), 0.542 = expert from N = 5; bc 0.533 at N = 1.
//!
//! With `--expert boltzmann --temperature 0.1` (56 s) the picture changes: on the 0/+1-reward
//! maps the Q* gaps are ~0.01, so that expert is nearly uniform (expert return 0.08 on
//! FourRooms vs J* 0.83). MCE still recovers the goal: exact visited match 1.000 and J = J*
//! on Oscillation, FourRooms, MiniGrid and CliffWalk with STARC 0.008 / 0.018 / 0.004 / 0.42,
//! and at N = 100 it reaches 1.00 visited match with STARC 0.015 / 0.033 / 0.018, while bc
//! matches 0.80 / 0.79 / 0.41 with true return 0.38 / 0 / 0. It fails on FrozenLake (exact
//! match 0.27, return 0.056): a near-uniform Boltzmann walker on slippery ice carries little
//! signal and is not the soft-optimal demonstrator MCE assumes; and MaxEnt's horizon of 60
//! is too short for FourRooms' wandering expert (exact J 0, STARC 1.94).

use std::path::PathBuf;
use std::time::Instant;

use clap::{Parser, ValueEnum};
use rewardlab_experiments::Output;
use rewardlab_experiments::irl_gridworld::{
    EnvChoice, Settings, default_envs, default_irl_config, run,
};
use rewardlab_rewards::irl::Expert;

/// The demonstrator's model.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExpertKind {
    /// Uniform over the optimal actions.
    Optimal,
    /// Softmax of Q*/T.
    Boltzmann,
    /// Soft-optimal at temperature T.
    Mce,
}

/// Tabular IRL (MCE, MaxEnt, BC) from exact and sampled expert demonstrations.
#[derive(Debug, Parser)]
struct Args {
    /// Env as ID or ID:key=value,...; repeat for several (default: Oscillation, CliffWalk,
    /// FourRooms, FrozenLake-v1, MiniGrid-Empty-5x5-v0:seed=0).
    #[arg(long = "env")]
    envs: Vec<String>,
    /// The demonstrator.
    #[arg(long, value_enum, default_value_t = ExpertKind::Optimal)]
    expert: ExpertKind,
    /// Temperature of a boltzmann or mce expert.
    #[arg(long, default_value_t = 0.1)]
    temperature: f64,
    /// Numbers of sampled demonstrations on the curves.
    #[arg(long, value_delimiter = ',', default_value = "1,2,5,10,20,50,100")]
    demos: Vec<usize>,
    /// Seeds of the demonstration samples.
    #[arg(long, default_value_t = 5)]
    seeds: u64,
    /// A sampled demonstration is truncated after this many steps.
    #[arg(long, default_value_t = 500)]
    max_demo_steps: usize,
    /// γ for every env (default: the env's own if below 1, else 0.99).
    #[arg(long)]
    gamma: Option<f64>,
    /// Horizon of MaxEnt IRL.
    #[arg(long, default_value_t = 60)]
    maxent_horizon: usize,
    /// Adam's step size.
    #[arg(long, default_value_t = default_irl_config().learning_rate)]
    learning_rate: f64,
    /// Most gradient steps per fit.
    #[arg(long, default_value_t = default_irl_config().max_iterations)]
    max_iterations: usize,
    /// Output folder.
    #[arg(long, default_value = "runs/irl_gridworld")]
    out: PathBuf,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let start = Instant::now();
    let envs = if args.envs.is_empty() {
        default_envs()
    } else {
        args.envs
            .iter()
            .map(|e| EnvChoice::parse(e))
            .collect::<anyhow::Result<_>>()?
    };
    anyhow::ensure!(
        args.temperature.is_finite() && args.temperature > 0.0,
        "--temperature must be positive, got {}",
        args.temperature
    );
    let expert = match args.expert {
        ExpertKind::Optimal => Expert::Optimal,
        ExpertKind::Boltzmann => Expert::Boltzmann {
            temperature: args.temperature,
        },
        ExpertKind::Mce => Expert::Mce {
            temperature: args.temperature,
        },
    };
    let settings = Settings {
        envs,
        expert,
        demos: args.demos,
        seeds: args.seeds,
        max_demo_steps: args.max_demo_steps,
        gamma: args.gamma,
        maxent_horizon: args.maxent_horizon,
        irl: rewardlab_rewards::irl::IrlConfig {
            learning_rate: args.learning_rate,
            max_iterations: args.max_iterations,
            ..default_irl_config()
        },
        plots: true,
    };
    let out = Output::create(&args.out)?;
    let summary = run(&settings, &out)?;
    for (env, s) in summary["envs"].as_object().into_iter().flatten() {
        for (algo, r) in s["exact"].as_object().into_iter().flatten() {
            println!(
                "{env:<28} {algo:<6} exact: match visited {:.3} all {:.3}, J {:.4} vs expert {:.4}, STARC {}, EPIC {}",
                r["policy_match_visited"].as_f64().unwrap_or(f64::NAN),
                r["policy_match_all"].as_f64().unwrap_or(f64::NAN),
                r["true_return_learned"].as_f64().unwrap_or(f64::NAN),
                r["true_return_expert"].as_f64().unwrap_or(f64::NAN),
                r["starc"],
                r["epic"],
            );
        }
    }
    println!(
        "wrote {} in {:.1} s",
        out.dir().display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
