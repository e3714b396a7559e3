//! The `irl_gridworld` experiment: tabular inverse RL (MCE IRL, MaxEnt IRL, behaviour
//! cloning) on small gridworlds, FrozenLake and a MiniGrid export, judged against the true
//! reward.
//!
//! For every env the expert (optimal, Boltzmann-rational or MCE soft-optimal on the true
//! reward) is computed by planning. Each algorithm then learns from either
//!
//! - the **exact** expert occupancy (the infinite-data limit), or
//! - the empirical occupancy of N sampled demonstrations, N from a list, for several seeds;
//!   the sets of one seed are prefixes of one sample, so a larger N extends a smaller one.
//!
//! Algorithms: `mce` (infinite-horizon MCE IRL, tabular R(s, a)), `maxent` (Ziebart's
//! trajectory-level MaxEnt IRL, tabular R(s), finite horizon, deterministic envs only) and
//! `bc` (empirical action frequencies, no reward). Every fit is judged by
//! [`Truth`]: policy match over the states the expert reaches (with positive probability,
//! from the exact occupancy — the same mask for every N, so the curves are comparable) and
//! over all non-terminal states, the true return of the learned reward's optimal policy, and
//! STARC/EPIC distances to the true reward.
//!
//! Jobs (env × algo × N × seed) run in parallel with rayon; each is a pure function of its
//! inputs, so results do not depend on the thread count.

use std::fmt::Write as _;
use std::fs;

use anyhow::Context;
use ndarray::Array3;
use rayon::prelude::*;
use rewardlab_core::mdp::Mdp;
use rewardlab_envs::tabular_model::{self, GammaSource};
use rewardlab_plot::{Arrow, GridHeatmap, XySeries, plot_grid_heatmap, plot_xy};
use rewardlab_rewards::irl::{
    Demos, Domain, Expert, Features, Horizon, IrlConfig, IrlReport, LinearReward, Policy, Truth,
    behaviour_cloning, maxent_irl, mce_irl, occupancy, optimal_actions,
};
use serde::Serialize;
use serde_json::{Value, json};

use crate::{METRICS_FILE, Output, mean_std};

/// One env of the experiment: a registered id and its kwargs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnvChoice {
    /// Registered id.
    pub id: String,
    /// String kwargs, as `rewardlab make` takes them.
    pub kwargs: Vec<(String, String)>,
}

impl EnvChoice {
    /// Parses `ID` or `ID:key=value,key=value`.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let (id, rest) = text.split_once(':').unwrap_or((text, ""));
        let kwargs = rest
            .split(',')
            .filter(|kv| !kv.trim().is_empty())
            .map(|kv| {
                kv.split_once('=')
                    .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                    .with_context(|| format!("env kwarg {kv:?} in {text:?} is not key=value"))
            })
            .collect::<anyhow::Result<_>>()?;
        anyhow::ensure!(!id.trim().is_empty(), "an empty env id in {text:?}");
        Ok(Self {
            id: id.trim().to_string(),
            kwargs,
        })
    }

    /// A short name for files and the summary: the id without `rewardlab/`, then
    /// `_key-value` per kwarg, with anything but letters, digits, `.`, `_` and `-` dropped.
    pub fn label(&self) -> String {
        let mut label = self.id.trim_start_matches("rewardlab/").to_string();
        for (k, v) in &self.kwargs {
            let _ = write!(label, "_{k}-{v}");
        }
        label
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            .collect()
    }
}

/// The default envs: two gridworlds, FrozenLake (stochastic) and a MiniGrid export.
pub fn default_envs() -> Vec<EnvChoice> {
    [
        "rewardlab/Oscillation-v0",
        "rewardlab/CliffWalk-v0",
        "rewardlab/FourRooms-v0",
        "FrozenLake-v1",
        "MiniGrid-Empty-5x5-v0:seed=0",
    ]
    .iter()
    .filter_map(|t| EnvChoice::parse(t).ok())
    .collect()
}

/// Everything one run of the experiment needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    /// The envs.
    pub envs: Vec<EnvChoice>,
    /// The demonstrator.
    #[serde(serialize_with = "expert_json")]
    pub expert: Expert,
    /// Numbers of sampled demonstrations on the data-efficiency curves.
    pub demos: Vec<usize>,
    /// Seeds 0..seeds of the demonstration samples.
    pub seeds: u64,
    /// A sampled demonstration is cut (truncated) after this many steps.
    pub max_demo_steps: usize,
    /// γ for every env; `None`: the env's own when below 1, else 0.99 (the infinite-horizon
    /// MCE learner needs γ < 1).
    pub gamma: Option<f64>,
    /// Horizon H of MaxEnt IRL (its expert occupancy counts the first H steps).
    pub maxent_horizon: usize,
    /// MCE IRL's settings (MaxEnt uses the same with `horizon = maxent_horizon`).
    pub irl: IrlConfig,
    /// Whether to draw the heatmaps and curves.
    pub plots: bool,
}

fn expert_json<S: serde::Serializer>(e: &Expert, s: S) -> Result<S::Ok, S::Error> {
    expert_value(*e).serialize(s)
}

fn expert_value(e: Expert) -> Value {
    match e {
        Expert::Optimal => json!({"kind": "optimal"}),
        Expert::Boltzmann { temperature } | Expert::Mce { temperature } => {
            json!({"kind": e.name(), "temperature": temperature})
        }
    }
}

/// The IRL settings the defaults use: Adam at 0.1 (a tabular reward has to move by several
/// units to make a soft policy near-deterministic, as an optimal expert is), at most 100
/// steps (exact occupancies reach full policy match on every default env within 50),
/// stopping once the occupancy mismatch is below 1e-3, values to 1e-8.
pub fn default_irl_config() -> IrlConfig {
    IrlConfig {
        learning_rate: 0.1,
        max_iterations: 100,
        grad_tol: 1e-4,
        occupancy_tol: 1e-3,
        soft_tolerance: 1e-8,
        ..IrlConfig::default()
    }
}

/// Which learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Algo {
    /// MCE IRL, tabular R(s, a), infinite horizon.
    Mce,
    /// MaxEnt IRL, tabular R(s), finite horizon.
    Maxent,
    /// Behaviour cloning.
    Bc,
}

impl Algo {
    /// Its name in files and the summary.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mce => "mce",
            Self::Maxent => "maxent",
            Self::Bc => "bc",
        }
    }
}

/// An env, prepared: model, expert, truth.
struct Prepared {
    choice: EnvChoice,
    label: String,
    mdp: Mdp,
    truth: Truth,
    /// Non-terminal states the expert reaches with positive probability.
    reached: Vec<bool>,
    exact_inf: Array3<f64>,
    exact_fin: Array3<f64>,
    /// Demonstrations per seed (the largest N; smaller sets are prefixes).
    samples: Vec<Demos>,
    algos: Vec<Algo>,
    /// (rows, cols, action → arrow) when the states are the cells of a grid.
    grid: Option<GridLayout>,
}

/// (rows, cols, action → arrow) of an env whose states are the cells of a grid.
type GridLayout = (usize, usize, fn(usize) -> Option<Arrow>);

/// One fit's numbers: a row of metrics.csv.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Env label.
    pub env: String,
    /// Algorithm.
    pub algo: Algo,
    /// Number of demonstrations; `None` for the exact occupancy.
    pub n: Option<usize>,
    /// Seed of the sample (0 for exact).
    pub seed: u64,
    /// What the judge said.
    pub report: IrlReport,
    /// Gradient steps taken (0 for bc).
    pub iterations: usize,
    /// Whether a stopping test was met (true for bc).
    pub converged: bool,
    /// The learned reward (exact fits only, for the heatmaps).
    #[serde(skip)]
    pub reward: Option<Array3<f64>>,
}

fn prepare(choice: &EnvChoice, settings: &Settings) -> anyhow::Result<Prepared> {
    let model = tabular_model::model(&choice.id, &choice.kwargs)
        .with_context(|| format!("the tabular model of {}", choice.id))?;
    let own = model.mdp.gamma();
    let gamma = match settings.gamma {
        Some(g) => g,
        None if model.gamma_source == GammaSource::Env && own < 1.0 => own,
        None => tabular_model::DEFAULT_GAMMA,
    };
    let mdp = model.mdp.with_gamma(gamma)?;
    let expert = settings.expert.policy(&mdp)?;
    let stationary = Policy::Stationary(expert.clone());
    let exact_inf = occupancy(&mdp, &stationary, Horizon::Infinite)?;
    let exact_fin = occupancy(&mdp, &stationary, Horizon::Finite(settings.maxent_horizon))?;
    let reached: Vec<bool> = (0..mdp.n_states())
        .map(|s| !mdp.is_terminal(s) && exact_inf.index_axis(ndarray::Axis(0), s).sum() > 1e-12)
        .collect();
    let truth = Truth::new(&mdp, &expert, reached.clone())?;
    let most = settings.demos.iter().copied().max().unwrap_or(0);
    let samples = if most > 0 {
        (0..settings.seeds)
            .map(|seed| Demos::sample(&mdp, &expert, most, settings.max_demo_steps, seed))
            .collect::<Result<_, _>>()?
    } else {
        Vec::new()
    };
    let mut algos = vec![Algo::Mce];
    if mdp.is_deterministic() {
        algos.push(Algo::Maxent);
    }
    algos.push(Algo::Bc);
    let grid = grid_layout(choice, model.grid.as_ref(), mdp.n_states());
    Ok(Prepared {
        label: choice.label(),
        choice: choice.clone(),
        mdp,
        truth,
        reached,
        exact_inf,
        exact_fin,
        samples,
        algos,
        grid,
    })
}

/// Gridworlds (0 up, 1 right, 2 down, 3 left) and FrozenLake (0 left, 1 down, 2 right,
/// 3 up) number their states row by row; MiniGrid exports do not (position × direction).
fn grid_layout(
    choice: &EnvChoice,
    grid: Option<&tabular_model::GridInfo>,
    n_states: usize,
) -> Option<GridLayout> {
    fn gridworld(a: usize) -> Option<Arrow> {
        [Arrow::Up, Arrow::Right, Arrow::Down, Arrow::Left]
            .get(a)
            .copied()
    }
    fn toy_text(a: usize) -> Option<Arrow> {
        [Arrow::Left, Arrow::Down, Arrow::Right, Arrow::Up]
            .get(a)
            .copied()
    }
    if let Some(g) = grid {
        return Some((g.rows, g.cols, gridworld as fn(usize) -> Option<Arrow>));
    }
    if choice.id.starts_with("FrozenLake") {
        let side = (n_states as f64).sqrt().round() as usize;
        if side * side == n_states {
            return Some((side, side, toy_text as fn(usize) -> Option<Arrow>));
        }
    }
    None
}

fn fit(
    env: &Prepared,
    algo: Algo,
    n: Option<usize>,
    seed: u64,
    settings: &Settings,
) -> anyhow::Result<Row> {
    let (s_n, a_n) = (env.mdp.n_states(), env.mdp.n_actions());
    let demos = match n {
        Some(n) => Some(
            env.samples
                .get(seed as usize)
                .context("no sample for this seed")?
                .prefix(n)?,
        ),
        None => None,
    };
    let gamma = env.mdp.gamma();
    let h = settings.maxent_horizon;
    let (report, iterations, converged, reward) = match algo {
        Algo::Bc => {
            let counts = match &demos {
                Some(d) => d.action_counts(),
                // The exact occupancy's state-action marginal: the expert's own policy on
                // the states it reaches.
                None => env.exact_inf.sum_axis(ndarray::Axis(2)),
            };
            let pi = behaviour_cloning(&counts)?;
            (env.truth.judge_policy("bc", &pi)?, 0, true, None)
        }
        Algo::Mce | Algo::Maxent => {
            let (expert, domain, config) = if algo == Algo::Mce {
                let rho = match &demos {
                    Some(d) => d.occupancy(gamma, None)?,
                    None => env.exact_inf.clone(),
                };
                (rho, Domain::StateAction, settings.irl.clone())
            } else {
                let rho = match &demos {
                    Some(d) => d.occupancy(gamma, Some(h))?,
                    None => env.exact_fin.clone(),
                };
                let config = IrlConfig {
                    horizon: Some(h),
                    ..settings.irl.clone()
                };
                (rho, Domain::State, config)
            };
            let mut model = LinearReward::new(Features::OneHot(domain), s_n, a_n)?;
            let result = if algo == Algo::Mce {
                mce_irl(&env.mdp, &expert, &mut model, &config)
            } else {
                maxent_irl(&env.mdp, &expert, &mut model, &config)
            }
            .with_context(|| {
                format!("{} on {} (N = {n:?}, seed {seed})", algo.name(), env.label)
            })?;
            let report = env.truth.judge_reward(algo.name(), &result.reward)?;
            (
                report,
                result.history.len(),
                result.converged,
                n.is_none().then_some(result.reward),
            )
        }
    };
    Ok(Row {
        env: env.label.clone(),
        algo,
        n,
        seed,
        report,
        iterations,
        converged,
        reward,
    })
}

/// Runs the experiment into `out`; returns the summary (also written to `summary.json`).
pub fn run(settings: &Settings, out: &Output) -> anyhow::Result<Value> {
    anyhow::ensure!(!settings.envs.is_empty(), "no env to run");
    anyhow::ensure!(
        settings.demos.iter().all(|&n| n > 0),
        "every number of demonstrations must be at least 1"
    );
    let envs: Vec<Prepared> = settings
        .envs
        .par_iter()
        .map(|c| prepare(c, settings))
        .collect::<anyhow::Result<_>>()?;
    let mut jobs: Vec<(usize, Algo, Option<usize>, u64)> = Vec::new();
    for (e, env) in envs.iter().enumerate() {
        for &algo in &env.algos {
            jobs.push((e, algo, None, 0));
            for &n in &settings.demos {
                for seed in 0..settings.seeds {
                    jobs.push((e, algo, Some(n), seed));
                }
            }
        }
    }
    let rows: Vec<Row> = jobs
        .par_iter()
        .map(|&(e, algo, n, seed)| fit(&envs[e], algo, n, seed, settings))
        .collect::<anyhow::Result<_>>()?;

    let mut per_env = serde_json::Map::new();
    for env in &envs {
        let mine: Vec<&Row> = rows.iter().filter(|r| r.env == env.label).collect();
        per_env.insert(env.label.clone(), env_summary(env, &mine, settings)?);
        if settings.plots {
            plot_env(out, env, &mine, settings)?;
        }
    }
    let summary = json!({
        "experiment": "irl_gridworld",
        "settings": settings,
        "envs": per_env,
    });
    out.finish(&summary)?;
    // The long table of Output::finish is for run folders; this experiment has none, so its
    // metrics.csv is the wide one-row-per-fit table instead.
    let csv = metrics_csv(&rows);
    let path = out.path(METRICS_FILE);
    fs::write(&path, csv).with_context(|| format!("writing {}", path.display()))?;
    Ok(summary)
}

fn metrics_csv(rows: &[Row]) -> String {
    let mut csv = String::from(
        "env,algo,n_demos,seed,policy_match_visited,policy_match_all,true_return_learned,\
         true_return_expert,starc,epic,iterations,converged\n",
    );
    let opt = |x: Option<f64>| x.map_or(String::new(), |x| x.to_string());
    for r in rows {
        let _ = writeln!(
            csv,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            r.env,
            r.algo.name(),
            r.n.map_or("inf".to_string(), |n| n.to_string()),
            r.seed,
            r.report.policy_match_visited,
            r.report.policy_match_all,
            r.report.true_return_learned,
            r.report.true_return_expert,
            opt(r.report.starc),
            opt(r.report.epic),
            r.iterations,
            r.converged
        );
    }
    csv
}

/// Mean and std over seeds of `metric` for (algo, n), `None` if any value is missing.
fn curve(
    rows: &[&Row],
    algo: Algo,
    n: usize,
    metric: fn(&IrlReport) -> Option<f64>,
) -> Option<(f64, f64)> {
    let values: Option<Vec<f64>> = rows
        .iter()
        .filter(|r| r.algo == algo && r.n == Some(n))
        .map(|r| metric(&r.report))
        .collect();
    values.filter(|v| !v.is_empty()).map(|v| mean_std(&v))
}

/// The metrics on the curves: (name, getter, axis label).
type Metric = (&'static str, fn(&IrlReport) -> Option<f64>, &'static str);

const METRICS: [Metric; 4] = [
    (
        "policy_match_visited",
        |r| Some(r.policy_match_visited),
        "policy match, expert-visited states",
    ),
    (
        "policy_match_all",
        |r| Some(r.policy_match_all),
        "policy match, all states",
    ),
    ("starc", |r| r.starc, "STARC distance to the true reward"),
    (
        "true_return_learned",
        |r| Some(r.true_return_learned),
        "true return of the learned policy",
    ),
];

fn env_summary(env: &Prepared, rows: &[&Row], settings: &Settings) -> anyhow::Result<Value> {
    let mut exact = serde_json::Map::new();
    let mut curves = serde_json::Map::new();
    for &algo in &env.algos {
        if let Some(r) = rows.iter().find(|r| r.algo == algo && r.n.is_none()) {
            let mut v = serde_json::to_value(&r.report)?;
            if let Some(obj) = v.as_object_mut() {
                obj.insert("iterations".into(), json!(r.iterations));
                obj.insert("converged".into(), json!(r.converged));
                let gap = (r.report.true_return_expert - r.report.true_return_learned)
                    / r.report.true_return_expert.abs().max(1e-12);
                obj.insert("return_gap_fraction".into(), json!(gap));
            }
            exact.insert(algo.name().into(), v);
        }
        let mut c = serde_json::Map::new();
        c.insert("n_demos".into(), json!(settings.demos));
        for (name, get, _) in METRICS {
            let stats: Vec<Option<(f64, f64)>> = settings
                .demos
                .iter()
                .map(|&n| curve(rows, algo, n, get))
                .collect();
            c.insert(
                format!("{name}_mean"),
                json!(stats.iter().map(|s| s.map(|s| s.0)).collect::<Vec<_>>()),
            );
            c.insert(
                format!("{name}_std"),
                json!(stats.iter().map(|s| s.map(|s| s.1)).collect::<Vec<_>>()),
            );
        }
        curves.insert(algo.name().into(), Value::Object(c));
    }
    let demo_steps: Vec<f64> = env
        .samples
        .iter()
        .map(|d| d.n_steps() as f64 / d.len() as f64)
        .collect();
    Ok(json!({
        "id": env.choice.id,
        "kwargs": env.choice.kwargs,
        "n_states": env.mdp.n_states(),
        "n_actions": env.mdp.n_actions(),
        "gamma": env.mdp.gamma(),
        "deterministic": env.mdp.is_deterministic(),
        "expert_reached_states": env.reached.iter().filter(|&&r| r).count(),
        "optimal_return": env.truth.optimal_return()?,
        "mean_demo_length": mean_std(&demo_steps).0,
        "exact": exact,
        "curves": curves,
    }))
}

fn plot_env(
    out: &Output,
    env: &Prepared,
    rows: &[&Row],
    settings: &Settings,
) -> anyhow::Result<()> {
    if !settings.demos.is_empty() {
        for (name, get, y_label) in METRICS {
            let mut series = Vec::new();
            for (k, &algo) in env.algos.iter().enumerate() {
                let colour = match algo {
                    Algo::Mce => 0,
                    Algo::Bc => 1,
                    Algo::Maxent => 2,
                };
                let stats: Vec<(f64, (f64, f64))> = settings
                    .demos
                    .iter()
                    .filter_map(|&n| curve(rows, algo, n, get).map(|s| ((n as f64).log10(), s)))
                    .collect();
                if stats.is_empty() {
                    continue;
                }
                series.push(XySeries {
                    label: algo.name().into(),
                    colour,
                    points: stats.iter().map(|(x, (m, _))| (*x, *m)).collect(),
                });
                for sign in [-1.0, 1.0] {
                    series.push(XySeries {
                        label: String::new(),
                        colour,
                        points: stats.iter().map(|(x, (m, s))| (*x, m + sign * s)).collect(),
                    });
                }
                if let Some(exact) = rows
                    .iter()
                    .find(|r| r.algo == algo && r.n.is_none())
                    .and_then(|r| get(&r.report))
                {
                    let (lo, hi) = (stats[0].0, stats[stats.len() - 1].0);
                    series.push(XySeries {
                        label: format!("{} exact", algo.name()),
                        colour: 3 + k,
                        points: vec![(lo, exact), (hi, exact)],
                    });
                }
            }
            if series.is_empty() {
                continue;
            }
            let title = format!(
                "{}: {name} ({} expert, {} seeds)",
                env.label,
                settings.expert.name(),
                settings.seeds
            );
            out.both(&format!("{name}_{}", env.label), |path| {
                plot_xy(&series, path, &title, "log10 N (demonstrations)", y_label)
            })?;
        }
    }
    if let Some((rows_n, cols, arrow)) = env.grid {
        let exact_mce = rows
            .iter()
            .find(|r| r.algo == Algo::Mce && r.n.is_none())
            .and_then(|r| r.reward.clone());
        let mut panels = vec![("true", env.truth.reward().clone())];
        if let Some(r) = exact_mce {
            panels.push(("mce", r));
        }
        if let Some(r) = rows
            .iter()
            .find(|r| r.algo == Algo::Maxent && r.n.is_none())
            .and_then(|r| r.reward.clone())
        {
            panels.push(("maxent", r));
        }
        let reachable = reachable_states(&env.mdp);
        for (name, reward) in panels {
            let best = best_expected_reward(&env.mdp, &reward);
            let actions = optimal_actions(&env.mdp, &reward)?;
            let cell = |r: usize, c: usize| r * cols + c;
            let grid_of = |f: &dyn Fn(usize) -> Option<f64>| -> Vec<Vec<Option<f64>>> {
                (0..rows_n)
                    .map(|r| (0..cols).map(|c| f(cell(r, c))).collect())
                    .collect()
            };
            let values = grid_of(&|s| (s < best.len() && reachable[s]).then(|| best[s]));
            let arrows: Vec<Vec<Option<Arrow>>> = (0..rows_n)
                .map(|r| {
                    (0..cols)
                        .map(|c| {
                            let s = cell(r, c);
                            (s < actions.len() && reachable[s] && !env.mdp.is_terminal(s))
                                .then(|| arrow(actions[s]))
                                .flatten()
                        })
                        .collect()
                })
                .collect();
            let initial = env.mdp.initial();
            let labels: Vec<Vec<Option<String>>> = (0..rows_n)
                .map(|r| {
                    (0..cols)
                        .map(|c| {
                            let s = cell(r, c);
                            if s >= env.mdp.n_states() {
                                None
                            } else if initial[s] > 0.0 {
                                Some("S".to_string())
                            } else if env.mdp.is_terminal(s) && reachable[s] {
                                Some("T".to_string())
                            } else {
                                env.reached[s].then(|| "·".to_string())
                            }
                        })
                        .collect()
                })
                .collect();
            let heat = GridHeatmap {
                values,
                arrows: Some(arrows),
                labels: Some(labels),
                title: format!(
                    "{}: {name} reward, max_a r̄(s,a), arrows: its optimal policy",
                    env.label
                ),
            };
            out.both(&format!("heat_{}_{name}", env.label), |path| {
                plot_grid_heatmap(&heat, path)
            })?;
        }
    }
    Ok(())
}

/// max_a r̄(s, a) with r̄(s, a) = Σ_s′ P(s′|s, a) R(s, a, s′); 0 at terminal states.
fn best_expected_reward(mdp: &Mdp, reward: &Array3<f64>) -> Vec<f64> {
    (0..mdp.n_states())
        .map(|s| {
            if mdp.is_terminal(s) {
                return 0.0;
            }
            (0..mdp.n_actions())
                .map(|a| {
                    mdp.successors(s, a)
                        .map(|t| t.prob * reward[[s, a, t.next]])
                        .sum::<f64>()
                })
                .fold(f64::NEG_INFINITY, f64::max)
        })
        .collect()
}

/// States some policy can reach from the initial distribution (walls and cliff cells of a
/// gridworld are states nothing enters: drawn dark).
fn reachable_states(mdp: &Mdp) -> Vec<bool> {
    let mut seen = vec![false; mdp.n_states()];
    let mut stack: Vec<usize> = (0..mdp.n_states())
        .filter(|&s| mdp.initial()[s] > 0.0)
        .collect();
    for &s in &stack {
        seen[s] = true;
    }
    while let Some(s) = stack.pop() {
        if mdp.is_terminal(s) {
            continue;
        }
        for a in 0..mdp.n_actions() {
            for t in mdp.successors(s, a) {
                if t.prob > 0.0 && !seen[t.next] {
                    seen[t.next] = true;
                    stack.push(t.next);
                }
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_run_writes_a_summary_and_exact_mce_imitates() -> anyhow::Result<()> {
        let tmp = tempfile::tempdir()?;
        let out = Output::create(tmp.path().join("irl"))?;
        let settings = Settings {
            envs: vec![EnvChoice::parse("rewardlab/Oscillation-v0")?],
            expert: Expert::Optimal,
            demos: vec![1, 3],
            seeds: 2,
            max_demo_steps: 100,
            gamma: None,
            maxent_horizon: 20,
            irl: default_irl_config(),
            plots: true,
        };
        let summary = run(&settings, &out)?;
        let env = &summary["envs"]["Oscillation-v0"];
        for algo in ["mce", "maxent", "bc"] {
            let exact = &env["exact"][algo];
            for key in [
                "policy_match_visited",
                "policy_match_all",
                "true_return_learned",
            ] {
                assert!(exact[key].is_number(), "{algo}.{key}: {exact}");
            }
            assert_eq!(
                env["curves"][algo]["policy_match_visited_mean"]
                    .as_array()
                    .map(Vec::len),
                Some(2)
            );
        }
        let mce = &env["exact"]["mce"];
        let matched = mce["policy_match_visited"].as_f64().unwrap_or(0.0);
        assert!(
            matched >= 0.95,
            "exact MCE matches {matched} of the visited states"
        );
        assert!(
            mce["return_gap_fraction"]
                .as_f64()
                .is_some_and(|g| g.abs() < 0.01),
            "{mce}"
        );
        // Behaviour cloning has no reward to measure.
        assert!(env["exact"]["bc"]["starc"].is_null());
        let csv = fs::read_to_string(out.path(METRICS_FILE))?;
        // Header + 3 algos × (1 exact + 2 N × 2 seeds).
        assert_eq!(csv.lines().count(), 1 + 3 * 5);
        assert!(out.path("heat_Oscillation-v0_mce.png").is_file());
        assert!(out.path("starc_Oscillation-v0.svg").is_file());
        Ok(())
    }

    #[test]
    fn env_choices_parse_and_label() -> anyhow::Result<()> {
        let c = EnvChoice::parse("MiniGrid-Empty-5x5-v0:seed=3, size = 5")?;
        assert_eq!(c.id, "MiniGrid-Empty-5x5-v0");
        assert_eq!(
            c.kwargs,
            vec![("seed".into(), "3".into()), ("size".into(), "5".into())]
        );
        assert_eq!(c.label(), "MiniGrid-Empty-5x5-v0_seed-3_size-5");
        assert_eq!(
            EnvChoice::parse("rewardlab/FourRooms-v0")?.label(),
            "FourRooms-v0"
        );
        assert!(EnvChoice::parse("X:seed").is_err());
        Ok(())
    }
}
