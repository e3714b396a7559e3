//! `shaping_mountaincar`: PPO (or DQN) on MountainCar-v0 with and without a potential-based
//! shaping reward, several seeds, curves of the TRUE (task) return.
//!
//! ```text
//! cargo run --release -p rewardlab-experiments --bin shaping_mountaincar -- \
//!     [--seeds 5] [--total-steps 300000] [--algo ppo|dqn] [--out runs/shaping_mountaincar] \
//!     [--variants none,pbrs_energy,pbrs_height] [--energy-scale 30000] [--height-scale 10] \
//!     [--set key=value]...
//! ```
//!
//! MountainCar pays −1 per step until the car reaches x ≥ 0.5, and truncates at 200 steps. A
//! policy that never reaches the goal sees the same return (−200) whatever it does, so there
//! is nothing to learn from: with CleanRL's `ppo.py` settings the unshaped variant stays at
//! −200. Potential-based shaping (Ng et al. 1999) adds F = γΦ(s′) − Φ(s) (Φ(s′) = 0 on
//! termination, not on truncation) and keeps the optimal policies, while paying for progress
//! at every step.
//!
//! **The energy potential.** The simulated dynamics are v′ = v + (a − 1)·0.001 − g·cos(3x),
//! x′ = x + v′ with g = 0.0025. The force term −g·cos(3x) is −dU/dx for U(x) = (g/3)·sin(3x),
//! so E(s) = ½v² + (g/3)·sin(3x) is the mechanical energy these dynamics conserve when the
//! engine is off (up to the Euler step and the walls), and pushing changes it by about
//! 0.001·(a − 1)·v: E rewards exactly "push along the velocity", the swing that solves the
//! task. (The rendering's height 0.45·sin(3x) + 0.55 has another factor than g/3; with it,
//! coasting downhill would change the "energy" and be paid for.) We use
//! Φ_energy(s) = k·(E(s) − E_max), E_max = ½·0.07² + g/3 the largest energy in the
//! observation box, so Φ ≤ 0 and the terminating step (Φ(s′) := 0) pays the car for reaching
//! the goal instead of taking its potential away.
//!
//! **The scale k = 3·10⁴.** One push changes E by at most 0.001·0.07 = 7·10⁻⁵, i.e. about
//! 2 per step at k = 3·10⁴, the size of the −1 step reward; from rest at the valley floor to
//! the goal is ΔE ≈ 1.7·10⁻³, ≈ 50 in shaped return against the task's −200..−100. Measured
//! with PPO (last-100 task return, seeds 1 and 2): k = 10³ (0.07 per step) still −200 after
//! 200k steps; k = 10⁴: −145 / −134 after 300k; k = 3·10⁴: −118 / −127 after 300k and
//! −120 / −121 after 1M; k = 10⁵ learned like 10⁴ (200k steps).
//!
//! **The height potential** (`pbrs_height`, for contrast): Φ_height(s) = k_h·(h(x) − 1) with
//! the rendering's height h(x) = 0.45·sin(3x) + 0.55 ∈ [0.1, 1] and k_h = 10. It pays for
//! climbing but charges for the descent that builds speed, so it helps less.
//!
//! **Settings.** PPO is CleanRL's `ppo.py` (`PpoConfig::default()`) with observation
//! normalisation on for every variant: MountainCar's velocity lives in ±0.07, and without
//! normalisation even the shaped variant stayed at −200 (seeds 1–2, 300k steps). Reward
//! normalisation stays off: with it the unshaped variant also learned (seeds 1–2, 500k steps,
//! last-100 mean ≈ −136), which is a different lesson. DQN is CleanRL's `dqn.py`
//! (`DqnConfig::default()`, raw observations); at 300k steps, seeds 1–2, its last-100 task
//! return was −198.6 / −200 unshaped and −144.6 / −138.0 with the energy potential.
//!
//! The learner trains on task + F through a [`RewardHook`]; every statistic —
//! `charts/episodic_return`, the last-100 means, steps to the threshold, the final greedy
//! evaluation — is on the task reward. Writes, under `--out`: one run folder per
//! (variant, seed), the combined `metrics.csv`, `true_return.{png,svg}` (mean ± std over
//! seeds of the training episodes' task return against env steps), `shaped_return.{png,svg}`
//! (what the shaped learners were paid) and `summary.json`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use rayon::prelude::*;
use rewardlab_agents::config::{layered, parse_overrides};
use rewardlab_agents::dqn::{self, DqnConfig};
use rewardlab_agents::ppo::{self, EnvChoice, PpoConfig};
use rewardlab_agents::progress::names;
use rewardlab_agents::task::MiniGridEncoding;
use rewardlab_agents::{Backend, RewardHook, Session, Summary};
use rewardlab_core::metrics::MetricSink;
use rewardlab_experiments::{Output, mean_if_all, mean_std};
use rewardlab_plot::{CurveOptions, plot_learning_curves};
use rewardlab_rewards::shaping::pbrs_term;
use serde::Serialize;
use serde_json::json;

const ENV: &str = "MountainCar-v0";
/// Gymnasium's MountainCar gravity.
const GRAVITY: f64 = 0.0025;
/// Gymnasium's MountainCar speed bound.
const MAX_SPEED: f64 = 0.07;
/// Gymnasium's `reward_threshold` for MountainCar-v0.
const THRESHOLD: f64 = -110.0;
/// The return of an episode that never reaches the goal.
const NEVER: f64 = -200.0;

/// Command-line options.
#[derive(Debug, Parser)]
#[command(about = "PPO/DQN on MountainCar-v0 with and without an energy potential")]
struct Args {
    /// Number of seeds (1..=N) per variant.
    #[arg(long, default_value_t = 5)]
    seeds: u64,
    /// Environment steps per run.
    #[arg(long, default_value_t = 300_000)]
    total_steps: u64,
    /// The learner.
    #[arg(long, value_enum, default_value_t = AlgoArg::Ppo)]
    algo: AlgoArg,
    /// Output folder.
    #[arg(long, default_value = "runs/shaping_mountaincar")]
    out: PathBuf,
    /// Variants to run, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [Variant::None, Variant::PbrsEnergy, Variant::PbrsHeight])]
    variants: Vec<Variant>,
    /// k of Φ_energy = k·(E − E_max).
    #[arg(long, default_value_t = 3.0e4)]
    energy_scale: f64,
    /// k_h of Φ_height = k_h·(h(x) − 1).
    #[arg(long, default_value_t = 10.0)]
    height_scale: f64,
    /// Greedy episodes of the final evaluation.
    #[arg(long, default_value_t = 100)]
    eval_episodes: usize,
    /// `key=value` overrides of the algorithm config (as `rewardlab train --set`), applied to
    /// every variant.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    overrides: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
enum AlgoArg {
    Ppo,
    Dqn,
}

/// A reward the learner is trained on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
enum Variant {
    /// The task reward alone.
    None,
    /// Task + PBRS with the mechanical-energy potential.
    PbrsEnergy,
    /// Task + PBRS with the height potential.
    PbrsHeight,
}

impl Variant {
    fn name(self) -> &'static str {
        match self {
            Variant::None => "none",
            Variant::PbrsEnergy => "pbrs_energy",
            Variant::PbrsHeight => "pbrs_height",
        }
    }
}

/// E(s) = ½v² + (g/3)·sin(3x): the energy the simulated dynamics conserve (module docs).
fn energy(obs: &[f32]) -> f64 {
    let (x, v) = (f64::from(obs[0]), f64::from(obs[1]));
    0.5 * v * v + GRAVITY / 3.0 * (3.0 * x).sin()
}

/// The largest energy in the observation box.
const fn max_energy() -> f64 {
    0.5 * MAX_SPEED * MAX_SPEED + GRAVITY / 3.0
}

/// The rendering's height of the track at `obs[0]`, in [0.1, 1].
fn height(obs: &[f32]) -> f64 {
    0.45 * (3.0 * f64::from(obs[0])).sin() + 0.55
}

/// A potential over raw observations, Φ ≤ 0.
#[derive(Debug, Clone, Copy)]
enum Potential {
    Energy { scale: f64 },
    Height { scale: f64 },
}

impl Potential {
    fn of(self, obs: &[f32]) -> f64 {
        match self {
            Potential::Energy { scale } => scale * (energy(obs) - max_energy()),
            Potential::Height { scale } => scale * (height(obs) - 1.0),
        }
    }

    fn formula(self) -> String {
        match self {
            Potential::Energy { scale } => {
                format!(
                    "{scale}·(0.5·v² + (0.0025/3)·sin(3x) − E_max), E_max = {:e}",
                    max_energy()
                )
            }
            Potential::Height { scale } => format!("{scale}·(0.45·sin(3x) + 0.55 − 1)"),
        }
    }
}

/// The potential a variant shapes with (none for `none`).
fn potential_of(variant: Variant, args: &Args) -> Option<Potential> {
    match variant {
        Variant::None => None,
        Variant::PbrsEnergy => Some(Potential::Energy {
            scale: args.energy_scale,
        }),
        Variant::PbrsHeight => Some(Potential::Height {
            scale: args.height_scale,
        }),
    }
}

/// Task reward + γΦ(s′) − Φ(s), Φ(s′) = 0 on termination only.
#[derive(Debug)]
struct PbrsHook {
    gamma: f64,
    potential: Potential,
}

impl RewardHook for PbrsHook {
    fn reward(
        &mut self,
        _env: usize,
        obs: &[f32],
        next_obs: &[f32],
        task_reward: f64,
        terminated: bool,
        _truncated: bool,
    ) -> f64 {
        let (phi, phi_next) = (self.potential.of(obs), self.potential.of(next_obs));
        task_reward + pbrs_term(self.gamma, phi, phi_next, terminated)
    }
}

/// What a run folder's `config.toml` records.
#[derive(Debug, Serialize)]
struct RunConfig {
    env: &'static str,
    variant: Variant,
    algo: AlgoArg,
    seed: u64,
    potential: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ppo: Option<PpoConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dqn: Option<DqnConfig>,
}

/// Passes every record on and keeps the training episodes' task returns.
struct Tee<'a> {
    inner: &'a mut dyn MetricSink,
    returns: Vec<(u64, f64)>,
}

impl MetricSink for Tee<'_> {
    fn record(&mut self, step: u64, episode: u64, metric: &str, value: f64) -> std::io::Result<()> {
        if metric == names::EPISODIC_RETURN {
            self.returns.push((step, value));
        }
        self.inner.record(step, episode, metric, value)
    }
}

/// The numbers of one (variant, seed) run.
#[derive(Debug, Clone, Serialize)]
struct RunResult {
    seed: u64,
    /// Mean task return of the last 100 training episodes.
    last100_true_return: f64,
    /// Mean task return of the final greedy evaluation.
    greedy_return: Option<f64>,
    /// First step at which the last-100 mean reached −110.
    steps_to_threshold: Option<u64>,
    /// First step at which an episode reached the goal (return > −200).
    steps_to_first_goal: Option<u64>,
    episodes: u64,
    wall_seconds: f64,
    #[serde(skip)]
    dir: PathBuf,
}

fn train_one(out: &Output, args: &Args, variant: Variant, seed: u64) -> anyhow::Result<RunResult> {
    let env = EnvChoice {
        id: ENV,
        kwargs: &[],
        encoding: MiniGridEncoding::Image,
    };
    let overrides = parse_overrides(&args.overrides)?;
    let (ppo_cfg, dqn_cfg, gamma) = match args.algo {
        AlgoArg::Ppo => {
            let base = PpoConfig {
                seed,
                total_timesteps: args.total_steps,
                norm_obs: true,
                eval_every: 0,
                eval_episodes: args.eval_episodes,
                reward_threshold: Some(THRESHOLD),
                ..PpoConfig::default()
            };
            // The seed is the run's, whatever the overrides say.
            let cfg = PpoConfig {
                seed,
                ..layered(&base, &[&overrides], "ppo config")?
            };
            cfg.validate()?;
            let gamma = cfg.gamma;
            (Some(cfg), None, gamma)
        }
        AlgoArg::Dqn => {
            let base = DqnConfig {
                seed,
                total_timesteps: args.total_steps,
                eval_every: 0,
                eval_episodes: args.eval_episodes,
                reward_threshold: Some(THRESHOLD),
                ..DqnConfig::default()
            };
            // The seed is the run's, whatever the overrides say.
            let cfg = DqnConfig {
                seed,
                ..layered(&base, &[&overrides], "dqn config")?
            };
            cfg.validate()?;
            let gamma = cfg.gamma;
            (None, Some(cfg), gamma)
        }
    };
    let potential = potential_of(variant, args);
    let config = RunConfig {
        env: ENV,
        variant,
        algo: args.algo,
        seed,
        potential: potential.map(Potential::formula),
        ppo: ppo_cfg.clone(),
        dqn: dqn_cfg.clone(),
    };
    let mut logger = out.run_logger(ENV, variant.name(), seed, &config)?;
    let dir = logger.dir().to_path_buf();
    let mut tee = Tee {
        inner: &mut logger,
        returns: Vec::new(),
    };
    let mut session = Session::new(Backend::Flex.device()?, &mut tee);
    session.reward_hook =
        potential.map(|potential| Box::new(PbrsHook { gamma, potential }) as Box<dyn RewardHook>);
    let summary: Summary = match (&ppo_cfg, &dqn_cfg) {
        (Some(cfg), _) => ppo::train(env, cfg, session)?,
        (None, Some(cfg)) => dqn::train(env, cfg, session)?,
        (None, None) => bail!("no algorithm configured"),
    };
    let steps_to_first_goal = tee
        .returns
        .iter()
        .find(|(_, r)| *r > NEVER)
        .map(|(step, _)| *step);
    let result = RunResult {
        seed,
        last100_true_return: summary.mean_return_last100.unwrap_or(f64::NAN),
        greedy_return: summary.last_eval_mean_return,
        steps_to_threshold: summary.steps_to_threshold,
        steps_to_first_goal,
        episodes: summary.episodes,
        wall_seconds: summary.wall_seconds,
        dir,
    };
    logger.finish(&json!({"variant": variant.name(), "result": &result, "summary": summary}))?;
    eprintln!(
        "{:>11} seed {seed}: last-100 true return {:.1}, greedy {:?}, {:.0}s",
        variant.name(),
        result.last100_true_return,
        result.greedy_return,
        result.wall_seconds
    );
    Ok(result)
}

/// The per-variant block of `summary.json`.
fn variant_summary(runs: &[RunResult], potential: Option<String>) -> serde_json::Value {
    let last100: Vec<f64> = runs.iter().map(|r| r.last100_true_return).collect();
    let (mean, std) = mean_std(&last100);
    let greedy: Vec<Option<f64>> = runs.iter().map(|r| r.greedy_return).collect();
    let seeds_where = |f: &dyn Fn(&RunResult) -> bool| -> Vec<u64> {
        runs.iter().filter(|r| f(r)).map(|r| r.seed).collect()
    };
    let per_seed =
        |f: &dyn Fn(&RunResult) -> Option<u64>| -> serde_json::Map<String, serde_json::Value> {
            runs.iter()
                .map(|r| (r.seed.to_string(), json!(f(r))))
                .collect()
        };
    json!({
        "potential": potential,
        "final_true_return_mean": mean,
        "final_true_return_std": std,
        "final_greedy_return_mean": mean_if_all(&greedy),
        "solved_seeds_above_minus_200": seeds_where(&|r| r.last100_true_return > NEVER),
        "solved_seeds_at_threshold": seeds_where(&|r| r.last100_true_return >= THRESHOLD),
        "greedy_solved_seeds_at_threshold":
            seeds_where(&|r| r.greedy_return.is_some_and(|g| g >= THRESHOLD)),
        "steps_to_threshold": per_seed(&|r| r.steps_to_threshold),
        "steps_to_first_goal": per_seed(&|r| r.steps_to_first_goal),
        "runs": runs,
    })
}

fn plot(
    out: &Output,
    dirs: &[PathBuf],
    stem: &str,
    metric: &str,
    title: String,
) -> anyhow::Result<()> {
    if dirs.is_empty() {
        return Ok(());
    }
    let opts = CurveOptions {
        metric: metric.into(),
        title: Some(title),
        ..CurveOptions::default()
    };
    out.both(stem, |path: &Path| plot_learning_curves(dirs, path, &opts))
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.seeds == 0 || args.variants.is_empty() {
        bail!("need at least one seed and one variant");
    }
    let started = Instant::now();
    let out = Output::create(&args.out)?;
    let jobs: Vec<(Variant, u64)> = args
        .variants
        .iter()
        .flat_map(|v| (1..=args.seeds).map(move |s| (*v, s)))
        .collect();
    let results = jobs
        .par_iter()
        .map(|&(variant, seed)| {
            train_one(&out, &args, variant, seed)
                .with_context(|| format!("variant {} seed {seed}", variant.name()))
                .map(|r| (variant, r))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;

    let algo = match args.algo {
        AlgoArg::Ppo => "PPO",
        AlgoArg::Dqn => "DQN",
    };
    let all_dirs: Vec<PathBuf> = results.iter().map(|(_, r)| r.dir.clone()).collect();
    let shaped_dirs: Vec<PathBuf> = results
        .iter()
        .filter(|(v, _)| *v != Variant::None)
        .map(|(_, r)| r.dir.clone())
        .collect();
    plot(
        &out,
        &all_dirs,
        "true_return",
        names::EPISODIC_RETURN,
        format!("{ENV}, {algo}: true (task) return of training episodes"),
    )?;
    plot(
        &out,
        &shaped_dirs,
        "shaped_return",
        names::EPISODIC_SHAPED_RETURN,
        format!("{ENV}, {algo}: shaped return the learner was paid"),
    )?;

    let mut variants = serde_json::Map::new();
    for &variant in &args.variants {
        let runs: Vec<RunResult> = results
            .iter()
            .filter(|(v, _)| *v == variant)
            .map(|(_, r)| r.clone())
            .collect();
        let potential = potential_of(variant, &args).map(Potential::formula);
        variants.insert(variant.name().into(), variant_summary(&runs, potential));
    }
    let summary = json!({
        "experiment": "shaping_mountaincar",
        "env": ENV,
        "algo": args.algo,
        "total_steps": args.total_steps,
        "overrides": args.overrides,
        "energy_scale": args.energy_scale,
        "height_scale": args.height_scale,
        "seeds": (1..=args.seeds).collect::<Vec<_>>(),
        "reward_threshold": THRESHOLD,
        "statistic": "final_true_return_* = over seeds of the mean task return of the last 100 training episodes; greedy = final greedy evaluation",
        "wall_seconds": started.elapsed().as_secs_f64(),
        "variants": variants,
    });
    let path = out.finish(&summary)?;
    println!("{}", serde_json::to_string_pretty(&summary["variants"])?);
    eprintln!(
        "wrote {} ({:.0}s)",
        path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rewardlab_agents::task::VecTask;

    #[test]
    fn potentials_by_hand() {
        let energy = Potential::Energy { scale: 1.0e4 };
        // At the top of the hump with full speed the energy is E_max: Φ = 0.
        let top = [(std::f64::consts::PI / 6.0) as f32, MAX_SPEED as f32];
        assert!(energy.of(&top).abs() < 1e-3, "{}", energy.of(&top));
        // Rest at the valley floor x = −π/6: Φ = −k·(g/3 + ½·0.07² + g/3) = −41.1667.
        let floor = [(-std::f64::consts::PI / 6.0) as f32, 0.0];
        assert!(
            (energy.of(&floor) + 41.1667).abs() < 1e-3,
            "{}",
            energy.of(&floor)
        );
        // Height: h = 0.1 at the floor, so Φ = 10·(0.1 − 1) = −9.
        let height = Potential::Height { scale: 10.0 };
        assert!((height.of(&floor) + 9.0).abs() < 1e-5);
    }

    #[test]
    fn hook_drops_the_next_potential_only_on_termination() {
        let mut hook = PbrsHook {
            gamma: 0.99,
            potential: Potential::Height { scale: 10.0 },
        };
        let floor = [(-std::f64::consts::PI / 6.0) as f32, 0.0];
        let goal = [0.5f32, 0.01];
        let phi_goal = 10.0 * (0.45 * 1.5f64.sin() + 0.55 - 1.0);
        let on_end = hook.reward(0, &floor, &goal, -1.0, true, false);
        assert!((on_end - (-1.0 + 9.0)).abs() < 1e-9, "terminated: {on_end}");
        let cut = hook.reward(0, &floor, &goal, -1.0, false, true);
        assert!(
            (cut - (-1.0 + 0.99 * phi_goal + 9.0)).abs() < 1e-6,
            "truncated: {cut}"
        );
    }

    /// Coasting (action 1) keeps E nearly constant; pushing along the velocity raises it by
    /// far more: the potential pays for the engine's work, not for the track.
    #[test]
    fn coasting_conserves_energy_and_pushing_along_v_adds_it() -> anyhow::Result<()> {
        let mut task = VecTask::new(ENV, &[], 1, MiniGridEncoding::Image)?;
        let mut obs = task.reset(Some(3))?.to_vec();
        let (mut drift, mut gained) = (0.0f64, 0.0f64);
        for _ in 0..100 {
            let s = task.step_discrete(&[1])?;
            drift = drift.max((energy(&s.obs) - energy(&obs)).abs());
            obs.copy_from_slice(&s.obs);
        }
        let e0 = energy(&obs);
        for _ in 0..40 {
            let push = if obs[1] >= 0.0 { 2 } else { 0 };
            let s = task.step_discrete(&[push])?;
            assert!(!s.terminated[0], "40 pushes cannot reach the goal");
            obs.copy_from_slice(&s.obs);
        }
        gained += energy(&obs) - e0;
        assert!(drift < 2e-6, "coasting changed E by {drift} in one step");
        assert!(
            gained > 100.0 * drift,
            "pushing gained {gained}, drift {drift}"
        );
        Ok(())
    }
}
