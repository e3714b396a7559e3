//! `rewardlab irl`: learn a reward from demonstrations on an env's tabular model and judge it
//! against the env's true reward. A contract other programs rely on:
//!
//! - **Model**: [`rewardlab_envs::tabular_model::model`] of `--env` with its `--env-arg`s.
//!   γ: `--gamma` (in (0, 1]) if given; else the env's own (a gridworld map's `gamma`); else
//!   [`rewardlab_envs::tabular_model::DEFAULT_GAMMA`].
//! - **Horizon**: `--horizon H` makes the learner (and the expert occupancy) finite-horizon;
//!   without it both are infinite and discounted, which needs γ < 1. `maxent` is
//!   trajectory-level and always needs `--horizon` (and deterministic dynamics).
//! - **Data**, one of:
//!   - `--demos FILE`: a JSON-lines demonstrations file ([`rewardlab_rewards::irl::demos`]),
//!     checked against the model (ids, every step possible, starts where the model can
//!     start). The expert's policy is unknown, so its return is the demonstrations' mean
//!     discounted return scored by the model's reward (not by any `rewards` the file
//!     records, which may be another reward's); truncated trajectories understate it.
//!     Cannot be combined with `--expert`, `--temperature`,
//!     `--episodes`, `--max-steps` or `--exact`.
//!   - `--expert optimal|boltzmann|mce` (default `optimal`, `--temperature` default 1, unused
//!     by `optimal`): `--episodes` (default 100) episodes sampled with `--seed` (default 0),
//!     each cut at `--max-steps` (default: the horizon, else 500);
//!   - `--expert K --exact`: the expert's exact occupancy, the infinite-data limit (no
//!     sampling: `--episodes` and `--max-steps` are refused).
//! - **Algorithms**: `mce` (default, any dynamics), `maxent` (deterministic dynamics, finite
//!   horizon) and `bc` (behaviour cloning: the expert's action frequencies, or for `--exact`
//!   its occupancy summed over s′; no reward, so `starc` and `epic` are `null`).
//! - **Reward class** (`mce`, `maxent`): `--features onehot` (default; a tabular reward on
//!   `--reward`, default `state-action`), `coords` (a gridworld's (row, col, 1) per state,
//!   `--reward` `state` (default) or `next-state`) or a CSV file with one row of features per
//!   entry of the `--reward` domain (commas or whitespace between values, `#` starts a
//!   comment); without `--reward` the domain follows from the number of rows (S: state, S·A:
//!   state-action, S·A·S: transition). `--optimizer`, `--lr`, `--iterations`, `--l2` default
//!   to [`IrlConfig::default`]. `bc` checks but does not use these flags.
//! - **Output**: `--json` prints exactly one line, the [`IrlReport`]: `{"algo",
//!   "policy_match_visited", "policy_match_all", "true_return_learned", "true_return_expert",
//!   "starc", "epic"}`; otherwise a short human report. `--out DIR` (created) receives
//!   `report.json` (the same, pretty), `reward.json` (`{"reward": R[s][a][s′]}`, the form
//!   `rewardlab distance` reads; not for `bc`), `history.csv` (`iteration, objective,
//!   grad_norm, occupancy_gap`; not for `bc`) and `demos.jsonl` when demonstrations were
//!   sampled.
//!
//! Bad input — an unknown id or name, a number out of range, a bad demonstrations or
//! features file (the message names the line), incompatible flags, planning that does not
//! converge on the true reward — exits 2 with one line on stderr and nothing on stdout. A
//! failure while fitting (a non-finite objective) or writing `--out` exits 1.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use ndarray::{Array2, Array3, Axis};
use rewardlab_core::mdp::Mdp;
use rewardlab_envs::tabular_model::TabularModel;
use rewardlab_rewards::RewardsError;
use rewardlab_rewards::irl::{
    self, Demos, Domain, Expert, Features, Horizon, IrlConfig, IrlReport, IrlResult, LinearReward,
    OptimizerKind, Policy, Truth, behaviour_cloning,
};
use serde_json::json;

use super::{CliError, EnvArg, print_line, tabular_model_with_gamma};

/// Episode cap of sampled demonstrations without `--horizon` or `--max-steps`.
const DEFAULT_MAX_STEPS: usize = 500;

/// The command line of `rewardlab irl`.
#[derive(Debug, clap::Args)]
pub struct IrlArgs {
    /// Registered id of an env with a tabular model (gridworld, toy text, MiniGrid).
    #[arg(long)]
    pub env: String,
    /// Constructor argument key=value (repeatable); MiniGrid ids also take seed=N.
    #[arg(long = "env-arg", value_name = "KEY=VALUE")]
    pub env_args: Vec<EnvArg>,
    /// maxent (deterministic dynamics, needs --horizon), mce or bc (behaviour cloning).
    #[arg(long, default_value = "mce")]
    pub algo: String,
    /// Demonstrations file (JSON lines), instead of sampling an expert.
    #[arg(long, value_name = "FILE")]
    pub demos: Option<PathBuf>,
    /// The demonstrator: optimal, boltzmann or mce [default: optimal].
    #[arg(long)]
    pub expert: Option<String>,
    /// Temperature of a boltzmann or mce expert [default: 1].
    #[arg(long, allow_hyphen_values = true)]
    pub temperature: Option<f64>,
    /// Demonstrations to sample [default: 100].
    #[arg(long)]
    pub episodes: Option<usize>,
    /// Use the expert's exact occupancy (the infinite-data limit) instead of samples.
    #[arg(long)]
    pub exact: bool,
    /// Reward features: onehot, coords (gridworlds) or a CSV file.
    #[arg(long, default_value = "onehot", value_name = "onehot|coords|FILE")]
    pub features: String,
    /// Reward domain: state, next-state, state-action or transition [default: state-action
    /// for onehot, state for coords, from the row count for a file].
    #[arg(long)]
    pub reward: Option<String>,
    /// Finite planning horizon [default: infinite, discounted; needs γ < 1].
    #[arg(long)]
    pub horizon: Option<usize>,
    /// Discount in (0, 1] [default: the env's own, else 0.99].
    #[arg(long, allow_hyphen_values = true)]
    pub gamma: Option<f64>,
    /// Most steps of a sampled demonstration [default: the horizon, else 500].
    #[arg(long)]
    pub max_steps: Option<usize>,
    /// Update rule: adam or sgd [default: adam].
    #[arg(long)]
    pub optimizer: Option<String>,
    /// Learning rate [default: 0.01].
    #[arg(long, allow_hyphen_values = true)]
    pub lr: Option<f64>,
    /// Most gradient steps [default: 1000].
    #[arg(long)]
    pub iterations: Option<usize>,
    /// L2 regularisation of the reward parameters [default: 0].
    #[arg(long, allow_hyphen_values = true)]
    pub l2: Option<f64>,
    /// Seed of the sampled demonstrations.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Folder for report.json, reward.json, history.csv and demos.jsonl.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print one JSON line (the report).
    #[arg(long)]
    pub json: bool,
}

/// The learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Algo {
    MaxEnt,
    Mce,
    Bc,
}

impl Algo {
    const ALL: [Algo; 3] = [Algo::MaxEnt, Algo::Mce, Algo::Bc];

    fn as_str(self) -> &'static str {
        match self {
            Algo::MaxEnt => "maxent",
            Algo::Mce => "mce",
            Algo::Bc => "bc",
        }
    }
}

/// What the learner is given and what the result is judged against.
struct ExpertData {
    /// ρ_E(s, a, s′) over the learner's horizon.
    occupancy: Array3<f64>,
    /// Action counts (S, A) for behaviour cloning.
    counts: Array2<f64>,
    truth: Truth,
    /// One line for the text report.
    source: String,
    /// Demonstrations sampled here (written to `--out`).
    sampled: Option<Demos>,
}

/// What a run produced.
struct Outcome {
    report: IrlReport,
    /// The fit and the reward domain it learned on (`None` for bc).
    fit: Option<(IrlResult, Domain)>,
}

/// Runs `rewardlab irl`.
pub fn run(args: &IrlArgs) -> Result<(), CliError> {
    let algo = parse_algo(&args.algo)?;
    check_flags(args, algo)?;
    let config = config(args)?;
    let (model, gamma_from) = load_model(args)?;
    let mdp = &model.mdp;
    let horizon = config.planning_horizon();
    horizon.validate(mdp.gamma()).map_err(|_| {
        CliError::usage(format!(
            "an infinite horizon needs γ < 1, and {} has γ = {}: pass --horizon H (or --gamma < 1)",
            args.env,
            mdp.gamma()
        ))
    })?;
    config.validate(mdp.gamma()).map_err(CliError::usage)?;
    let features = features(args, &model)?;
    let data = expert_data(args, mdp, horizon)?;
    let outcome = learn(algo, mdp, &data, features, &config)?;
    if let Some(dir) = &args.out {
        write_out(dir, &outcome, data.sampled.as_ref())?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        let line = serde_json::to_string(&outcome.report).map_err(CliError::runtime)?;
        print_line(&mut out, &line)?;
    } else {
        let text = TextReport {
            args,
            mdp,
            gamma_from,
            data: &data,
            outcome: &outcome,
            config: &config,
        };
        for line in text.lines() {
            print_line(&mut out, &line)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn parse_algo(name: &str) -> Result<Algo, CliError> {
    Algo::ALL
        .into_iter()
        .find(|a| a.as_str() == name)
        .ok_or_else(|| {
            CliError::usage(format!(
                "unknown algorithm {name:?}; expected one of: maxent, mce, bc"
            ))
        })
}

fn parse_expert(args: &IrlArgs) -> Result<Expert, CliError> {
    let temperature = args.temperature.unwrap_or(1.0);
    if !(temperature.is_finite() && temperature > 0.0) {
        return Err(CliError::usage(format!(
            "--temperature must be a positive number, got {temperature}"
        )));
    }
    match args.expert.as_deref().unwrap_or("optimal") {
        "optimal" => Ok(Expert::Optimal),
        "boltzmann" => Ok(Expert::Boltzmann { temperature }),
        "mce" => Ok(Expert::Mce { temperature }),
        other => Err(CliError::usage(format!(
            "unknown expert {other:?}; expected one of: optimal, boltzmann, mce"
        ))),
    }
}

/// Flags that contradict each other or the algorithm.
fn check_flags(args: &IrlArgs, algo: Algo) -> Result<(), CliError> {
    let sampling = [
        ("--expert", args.expert.is_some()),
        ("--temperature", args.temperature.is_some()),
        ("--episodes", args.episodes.is_some()),
        ("--max-steps", args.max_steps.is_some()),
        ("--exact", args.exact),
    ];
    if args.demos.is_some()
        && let Some((flag, _)) = sampling.iter().find(|(_, given)| *given)
    {
        return Err(CliError::usage(format!(
            "--demos reads the demonstrations from a file; {flag} describes an expert to sample, drop one of them"
        )));
    }
    if args.exact {
        for (flag, given) in [
            ("--episodes", args.episodes.is_some()),
            ("--max-steps", args.max_steps.is_some()),
        ] {
            if given {
                return Err(CliError::usage(format!(
                    "--exact uses the expert's exact occupancy, nothing is sampled: drop {flag}"
                )));
            }
        }
    }
    if algo == Algo::MaxEnt && args.horizon.is_none() {
        return Err(CliError::usage(
            "--algo maxent is trajectory-level and needs a finite --horizon H",
        ));
    }
    for (flag, value) in [
        ("--horizon", args.horizon),
        ("--episodes", args.episodes),
        ("--max-steps", args.max_steps),
        ("--iterations", args.iterations),
    ] {
        if value == Some(0) {
            return Err(CliError::usage(format!("{flag} must be at least 1")));
        }
    }
    Ok(())
}

/// The fitting settings; ranges are checked by [`IrlConfig::validate`] once γ is known.
fn config(args: &IrlArgs) -> Result<IrlConfig, CliError> {
    let defaults = IrlConfig::default();
    let optimizer = match &args.optimizer {
        Some(name) => name.parse::<OptimizerKind>().map_err(CliError::usage)?,
        None => defaults.optimizer,
    };
    Ok(IrlConfig {
        horizon: args.horizon,
        optimizer,
        learning_rate: args.lr.unwrap_or(defaults.learning_rate),
        max_iterations: args.iterations.unwrap_or(defaults.max_iterations),
        l2: args.l2.unwrap_or(defaults.l2),
        seed: args.seed,
        ..defaults
    })
}

/// The env's model with the γ rule of the module docs, and where γ came from.
fn load_model(args: &IrlArgs) -> Result<(TabularModel, &'static str), CliError> {
    if let Some(g) = args.gamma
        && !(g > 0.0 && g <= 1.0)
    {
        return Err(CliError::usage(format!(
            "--gamma must be in (0, 1], got {g}"
        )));
    }
    tabular_model_with_gamma(&args.env, &args.env_args, args.gamma)
}

/// The reward class of `--features` and `--reward`.
fn features(args: &IrlArgs, model: &TabularModel) -> Result<Features, CliError> {
    let (n, m) = (model.mdp.n_states(), model.mdp.n_actions());
    let domain = args
        .reward
        .as_deref()
        .map(str::parse::<Domain>)
        .transpose()
        .map_err(CliError::usage)?;
    match args.features.as_str() {
        "onehot" => Ok(Features::OneHot(domain.unwrap_or(Domain::StateAction))),
        "coords" => {
            let grid = model.grid.as_ref().ok_or_else(|| {
                CliError::usage(format!(
                    "--features coords needs a gridworld; {} has no grid (use onehot or a features file)",
                    args.env
                ))
            })?;
            let domain = domain.unwrap_or(Domain::State);
            if !matches!(domain, Domain::State | Domain::NextState) {
                return Err(CliError::usage(format!(
                    "--features coords are state features: --reward must be state or next-state, not {domain}"
                )));
            }
            let Features::Matrix { matrix, .. } =
                Features::coords(grid.rows, grid.cols, n).map_err(CliError::usage)?
            else {
                return Err(CliError::runtime("coordinate features are not a matrix"));
            };
            Features::matrix(domain, matrix, n, m).map_err(CliError::usage)
        }
        file => {
            let path = Path::new(file);
            let matrix = read_feature_matrix(path)?;
            let domain = match domain {
                Some(d) => d,
                None => infer_domain(matrix.nrows(), n, m).ok_or_else(|| {
                    CliError::usage(format!(
                        "features file {file}: {} rows match no reward domain: {} (state), {} (state-action) or {} (transition)",
                        matrix.nrows(),
                        Domain::State.size(n, m),
                        Domain::StateAction.size(n, m),
                        Domain::Transition.size(n, m),
                    ))
                })?,
            };
            Features::matrix(domain, matrix, n, m)
                .map_err(|e| CliError::usage(format!("features file {file}: {e}")))
        }
    }
}

/// The domain whose size is `rows`, trying state, state-action, transition in that order.
fn infer_domain(rows: usize, n: usize, m: usize) -> Option<Domain> {
    [Domain::State, Domain::StateAction, Domain::Transition]
        .into_iter()
        .find(|d| d.size(n, m) == rows)
}

/// A CSV of numbers: one row per line, values separated by commas or whitespace, `#` to the
/// end of the line a comment, blank lines skipped; errors name the 1-based line.
fn read_feature_matrix(path: &Path) -> Result<Array2<f64>, CliError> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::usage(format!(
            "--features is onehot, coords or a CSV file; cannot read {shown}: {e}"
        ))
    })?;
    let mut values = Vec::new();
    let (mut rows, mut width) = (0, None);
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = if line.contains(',') {
            line.split(',').map(str::trim).collect()
        } else {
            line.split_whitespace().collect()
        };
        let bad =
            |msg: String| CliError::usage(format!("features file {shown}, line {}: {msg}", i + 1));
        for (j, field) in fields.iter().enumerate() {
            match field.parse::<f64>() {
                Ok(v) if v.is_finite() => values.push(v),
                _ => {
                    return Err(bad(format!(
                        "value {} is {field:?}, not a finite number",
                        j + 1
                    )));
                }
            }
        }
        match width {
            None => width = Some(fields.len()),
            Some(w) if w != fields.len() => {
                return Err(bad(format!(
                    "{} values, but the first row has {w}",
                    fields.len()
                )));
            }
            Some(_) => {}
        }
        rows += 1;
    }
    let width =
        width.ok_or_else(|| CliError::usage(format!("features file {shown} has no rows")))?;
    Array2::from_shape_vec((rows, width), values).map_err(CliError::runtime)
}

/// The expert occupancy, action counts and truth from the chosen data source.
fn expert_data(args: &IrlArgs, mdp: &Mdp, horizon: Horizon) -> Result<ExpertData, CliError> {
    let (n, m, gamma) = (mdp.n_states(), mdp.n_actions(), mdp.gamma());
    let planning = |e: RewardsError| CliError::usage(format!("{} (γ = {gamma}): {e}", args.env));
    if let Some(path) = &args.demos {
        let demos = Demos::read_jsonl(path, n, m).map_err(CliError::usage)?;
        demos.check_against(mdp).map_err(CliError::usage)?;
        let occupancy = demos
            .occupancy(gamma, args.horizon)
            .map_err(CliError::usage)?;
        let visited = demos.visited();
        // The file's own `rewards` may be another reward's; score the steps by the model's.
        let (_, true_reward) = mdp.to_dense().map_err(CliError::usage)?;
        let expert_return = demos.mean_return_under(&true_reward, gamma);
        let which = "their mean discounted return under the model's reward";
        let truth = Truth::with_expert_return(mdp, expert_return, visited).map_err(planning)?;
        return Ok(ExpertData {
            occupancy,
            counts: demos.action_counts(),
            truth,
            source: format!(
                "{}: {} trajectories, {} steps; expert return = {which}",
                path.display(),
                demos.len(),
                demos.n_steps()
            ),
            sampled: None,
        });
    }
    let expert = parse_expert(args)?;
    let pi = expert.policy(mdp).map_err(planning)?;
    let described = match expert {
        Expert::Optimal => "the optimal expert".to_string(),
        Expert::Boltzmann { temperature } | Expert::Mce { temperature } => {
            format!("the {} expert (T = {temperature})", expert.name())
        }
    };
    if args.exact {
        let occupancy =
            irl::occupancy(mdp, &Policy::Stationary(pi.clone()), horizon).map_err(planning)?;
        let counts = occupancy.sum_axis(Axis(2));
        let visited = (0..n)
            .map(|s| !mdp.is_terminal(s) && counts.row(s).sum() > 0.0)
            .collect();
        let truth = Truth::new(mdp, &pi, visited).map_err(planning)?;
        return Ok(ExpertData {
            occupancy,
            counts,
            truth,
            source: format!("exact occupancy of {described} (the infinite-data limit)"),
            sampled: None,
        });
    }
    let episodes = args.episodes.unwrap_or(100);
    let max_steps = args.max_steps.or(args.horizon).unwrap_or(DEFAULT_MAX_STEPS);
    let demos = Demos::sample(mdp, &pi, episodes, max_steps, args.seed).map_err(CliError::usage)?;
    let occupancy = demos
        .occupancy(gamma, args.horizon)
        .map_err(CliError::usage)?;
    let truth = Truth::new(mdp, &pi, demos.visited()).map_err(planning)?;
    Ok(ExpertData {
        occupancy,
        counts: demos.action_counts(),
        truth,
        source: format!(
            "{episodes} episodes ({} steps, at most {max_steps} each) of {described}, seed {}",
            demos.n_steps(),
            args.seed
        ),
        sampled: Some(demos),
    })
}

/// Fits (or clones) and judges.
fn learn(
    algo: Algo,
    mdp: &Mdp,
    data: &ExpertData,
    features: Features,
    config: &IrlConfig,
) -> Result<Outcome, CliError> {
    if algo == Algo::Bc {
        let pi = behaviour_cloning(&data.counts).map_err(CliError::runtime)?;
        let report = data
            .truth
            .judge_policy(algo.as_str(), &pi)
            .map_err(CliError::runtime)?;
        return Ok(Outcome { report, fit: None });
    }
    let domain = features.domain();
    let mut model =
        LinearReward::new(features, mdp.n_states(), mdp.n_actions()).map_err(CliError::usage)?;
    let fitted = match algo {
        Algo::MaxEnt => irl::maxent_irl(mdp, &data.occupancy, &mut model, config),
        _ => irl::mce_irl(mdp, &data.occupancy, &mut model, config),
    };
    let fit = fitted.map_err(|e| match e {
        // Stochastic dynamics are the user's choice of algorithm, not a failure of the fit.
        RewardsError::Invalid {
            name: "dynamics", ..
        } => CliError::usage(e),
        _ => CliError::runtime(format!("fitting failed: {e}")),
    })?;
    let report = data
        .truth
        .judge_reward(algo.as_str(), &fit.reward)
        .map_err(|e| {
            // The judge plans on the learned reward over an infinite horizon; at γ = 1 a reward
            // that pays for going round in circles has no optimal policy.
            let hint = if mdp.gamma() >= 1.0 {
                " (γ = 1: the learned reward may pay forever; try more --iterations or --gamma < 1)"
            } else {
                ""
            };
            CliError::runtime(format!("judging the learned reward failed: {e}{hint}"))
        })?;
    Ok(Outcome {
        report,
        fit: Some((fit, domain)),
    })
}

/// Writes the `--out` folder (module docs); any failure is a runtime error.
fn write_out(dir: &Path, outcome: &Outcome, sampled: Option<&Demos>) -> Result<(), CliError> {
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text)
            .map_err(|e| CliError::runtime(format!("cannot write {}: {e}", path.display())))
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::runtime(format!("cannot create {}: {e}", dir.display())))?;
    let report = serde_json::to_string_pretty(&outcome.report).map_err(CliError::runtime)?;
    write("report.json", &(report + "\n"))?;
    if let Some((fit, _)) = &outcome.fit {
        let nested: Vec<Vec<Vec<f64>>> = fit
            .reward
            .outer_iter()
            .map(|by_action| by_action.outer_iter().map(|row| row.to_vec()).collect())
            .collect();
        write(
            "reward.json",
            &(json!({ "reward": nested }).to_string() + "\n"),
        )?;
        let mut csv = String::from("iteration,objective,grad_norm,occupancy_gap\n");
        for h in &fit.history {
            // Writing to a String cannot fail.
            let _ = writeln!(
                csv,
                "{},{},{},{}",
                h.iteration, h.objective, h.grad_norm, h.occupancy_gap
            );
        }
        write("history.csv", &csv)?;
    }
    if let Some(demos) = sampled {
        write("demos.jsonl", &demos.to_jsonl())?;
    }
    Ok(())
}

/// The human-readable report.
struct TextReport<'a> {
    args: &'a IrlArgs,
    mdp: &'a Mdp,
    gamma_from: &'static str,
    data: &'a ExpertData,
    outcome: &'a Outcome,
    config: &'a IrlConfig,
}

impl TextReport<'_> {
    fn lines(&self) -> Vec<String> {
        let (mdp, r) = (self.mdp, &self.outcome.report);
        let horizon = match self.config.horizon {
            Some(h) => format!("{h} steps"),
            None => "infinite (discounted)".into(),
        };
        let mut lines = vec![
            format!(
                "env:          {} ({} states, {} actions), γ = {} ({})",
                self.args.env,
                mdp.n_states(),
                mdp.n_actions(),
                mdp.gamma(),
                self.gamma_from
            ),
            format!("horizon:      {horizon}"),
            format!("data:         {}", self.data.source),
        ];
        match &self.outcome.fit {
            Some((fit, domain)) => {
                let c = self.config;
                lines.push(format!(
                    "algo:         {} with {}, {} lr {}, l2 {}",
                    r.algo,
                    self.describe_features(*domain, fit.params.len()),
                    c.optimizer,
                    c.learning_rate,
                    c.l2
                ));
                let last = fit.history.last();
                lines.push(format!(
                    "fit:          {} iterations, converged: {} (grad norm {}, occupancy gap {})",
                    fit.history.len(),
                    if fit.converged { "yes" } else { "no" },
                    last.map_or("-".into(), |h| number(h.grad_norm)),
                    last.map_or("-".into(), |h| number(h.occupancy_gap)),
                ));
            }
            None => lines.push(format!(
                "algo:         {} (behaviour cloning: the expert's action frequencies)",
                r.algo
            )),
        }
        lines.push(format!(
            "policy match: {} of the expert's states, {} of all states",
            number(r.policy_match_visited),
            number(r.policy_match_all)
        ));
        lines.push(format!(
            "true return:  learned {}, expert {}",
            number(r.true_return_learned),
            number(r.true_return_expert)
        ));
        match (r.starc, r.epic) {
            (Some(s), Some(e)) => lines.push(format!(
                "distance:     starc {}, epic {} (learned vs true reward)",
                number(s),
                number(e)
            )),
            _ => lines.push("distance:     none (bc learns no reward)".into()),
        }
        lines
    }

    fn describe_features(&self, domain: Domain, n_params: usize) -> String {
        let kind = match self.args.features.as_str() {
            "onehot" => "tabular".to_string(),
            "coords" => "coordinate features".to_string(),
            file => format!("features from {file}"),
        };
        format!("{kind} reward on {domain} ({n_params} parameters)")
    }
}

/// Six significant digits, scientific notation for tiny values.
fn number(x: f64) -> String {
    if x != 0.0 && x.abs() < 1e-4 {
        format!("{x:.2e}")
    } else {
        format!("{x:.6}")
    }
}
