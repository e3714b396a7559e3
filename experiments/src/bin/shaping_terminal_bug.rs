//! `shaping_terminal_bug`: the same potential with Φ(terminal) = 0 (correct PBRS) and with
//! Φ(terminal) kept (the classic bug), on an episodic gridworld where the bug bites.
//!
//! ```text
//! cargo run --release -p rewardlab-experiments --bin shaping_terminal_bug -- \
//!     [--seeds 20] [--episodes 1000] [--out runs/shaping_terminal_bug]
//! ```
//!
//! **Why Φ(terminal) must be 0.** Over an episode that ends at step T the shaping terms
//! telescope: Σ_t γ^t (γΦ(s_{t+1}) − Φ(s_t)) = γ^T Φ(s_T) − Φ(s_0). With Φ(s_T) := 0 on
//! termination this is −Φ(s_0), the same for every policy, so the optimal policies are the
//! task's. Keeping Φ(s_T) instead pays γ^T Φ(s_T) on top of the task return: a terminal state
//! with a high potential becomes a prize in itself.
//!
//! **The map** (`experiments/maps/terminal_bug.txt`, γ = 0.95, +1 goal, −1 pit, 0 per step):
//!
//! ```text
//! ##########
//! #S.......#     the start is 2 moves above the pit L,
//! #........#
//! #L.......#     which sits right above the wall that hides the goal G;
//! ######...#     the only way to G is round the right side: 14 moves.
//! #G.......#
//! ##########
//! ```
//!
//! **The potential** is a natural heuristic: "closeness to the goal" as the crow flies,
//! Φ(s) = 10·(1 − m(s)/m_max) with m the Manhattan distance to G ignoring walls (m_max = 11),
//! so Φ ≥ 0, Φ(G) = 10 and the pit, 2 cells from G through the wall, gets Φ = 8.18. With the
//! bug, falling in the pit after 2 steps is worth −0.95 + 0.95²·8.18 = 6.44 in shaped
//! return, walking round to the goal 0.95¹³ + 0.95¹⁴·10 = 5.39: the buggy optimum is the
//! pit. The invariance checker (`check_pbrs`) confirms it on the model before any learning:
//! `pbrs` preserved with max |Q*_shaped − (Q* − Φ)| at round-off, `pbrs_keep_terminal` not
//! (the differing states are listed in summary.json).
//!
//! **Learning**: Q-learning exactly as in `shaping_gridworld` (α = 0.5, ε = 0.1, Q₀ = 0,
//! 200-step episodes, seeds 0..20), true return of the greedy policy after every episode.
//! Writes, under `--out`: run folders, `metrics.csv`, `true_return.{png,svg}`,
//! `shaped_return.{png,svg}`, `heat_<variant>.{png,svg}` and `summary.json`
//! (`{"variants": {"<v>": {"preserved", "differing_states", "max_q_error",
//! "episodes_to_goal_mean", "final_true_return_mean", "shaped_optimum_true_return", …}}}`).
//!
//! **Measured** (defaults, J* = 0.513): `pbrs` reaches the optimum on all 20 seeds (first
//! after 91 episodes on average) and ends there; `pbrs_keep_terminal` has learned to jump
//! into the pit on every seed within about 10 episodes and stays at −0.95; `none` ends
//! optimal on 17 seeds (the other 3 on a route 2 steps longer, mean final J = 0.504).

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use rewardlab_experiments::gridworld_common::LearnArgs;
use rewardlab_experiments::gridworld_experiments::{
    run_experiment, terminal_bug_variants, terminal_bug_world,
};

/// PBRS with and without Φ(terminal) = 0.
#[derive(Debug, Parser)]
struct Args {
    /// Seeds, α, ε and episodes.
    #[command(flatten)]
    learn: LearnArgs,
    /// Output folder.
    #[arg(long, default_value = "runs/shaping_terminal_bug")]
    out: PathBuf,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let start = Instant::now();
    let world = terminal_bug_world()?;
    let variants = terminal_bug_variants(&world)?;
    // Confirm the bug on the model before spending time on learning.
    for v in &variants {
        if let Some(check) = &v.check {
            println!(
                "checker: {}: preserved = {}, differing states {:?}, max_q_error = {:?}",
                v.name, check.preserved, check.differing_states, check.max_q_error
            );
        }
    }
    let settings = args.learn.settings();
    let summary = run_experiment("terminal_bug", &world, &variants, &settings, &args.out)?;
    println!("{}", serde_json::to_string_pretty(&summary)?);
    println!(
        "wrote {} in {:.1} s",
        args.out.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
