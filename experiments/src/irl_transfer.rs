//! The library side of `irl_transfer` (the binary parses flags and prints; the reasoning is
//! in its docs): members of the set of rewards that MCE demonstrations identify, built by
//! hand and learned by MCE IRL, fitted on (τ1, γ1) and judged on changed dynamics and γ.
//!
//! Every candidate is a full tensor R(s, a, s′) in the truth's units (a learned reward is
//! multiplied by the expert's temperature T: MCE IRL at temperature 1 learns R/T), defined on
//! *every* (s, a, s′), not only on τ1's support: a new setting may use transitions τ1 never
//! makes, and what a candidate pays there is part of what it is. Terminal rows are 0.
//!
//! The settings share the state space (the same grid) and differ in the slip probability, in
//! a wind column, or in γ; each is a core `Mdp` with a uniform initial distribution over the
//! walkable non-terminal cells (the full coverage the identifiability results assume).

use anyhow::Context;
use ndarray::{Array2, Array3};
use rayon::prelude::*;
use rewardlab_core::mdp::{Mdp, MdpBuilder};
use rewardlab_core::metrics::MetricSink;
use rewardlab_envs::gridworld::{build_mdp, distance_to_goal};
use rewardlab_envs::{Cell, GridMap};
use rewardlab_plot::{Bar, plot_bars};
use rewardlab_rewards::irl::{
    Domain, Expert, Features, Horizon, IrlConfig, LinearReward, Policy, RewardModel, Truth,
    mce_irl, mce_objective, occupancy, optimal_actions, soft_plan,
};
use serde::Serialize;
use serde_json::json;

use crate::{Output, mean_std};

/// The map of `irl_transfer` (documented in the file).
pub const TRANSFER_MAP: &str = include_str!("../maps/irl_transfer.txt");

/// What the experiment varies (flags of the binary).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransferConfig {
    /// Temperature T of the MCE expert on (τ1, γ1).
    pub temperature: f64,
    /// γ of the `gamma` setting.
    pub gamma2: f64,
    /// Slip probability of the `slip` setting.
    pub slip2: f64,
    /// Upward push in the goal's column in the `wind` setting.
    pub wind: i64,
    /// k of the potential Φ(s) = −k·(steps from s to the goal) of the shaped members.
    pub phi_scale: f64,
    /// IRL runs 0..seeds, each from its own random initial θ.
    pub seeds: u64,
    /// MCE IRL settings; `seed` is replaced by each run's seed.
    pub irl: IrlConfig,
}

/// One setting a reward is judged in.
#[derive(Debug, Clone)]
pub struct Setting {
    /// `same`, `slip`, `wind` or `gamma`.
    pub name: String,
    /// What changed, in words.
    pub change: String,
    /// Dynamics, γ, true rewards and the uniform initial distribution.
    pub mdp: Mdp,
}

/// How a candidate reward fits the demonstrations on (τ1, γ1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fit {
    /// The MCE dual L(R/T) (the log-likelihood of the expert's occupancy, up to a constant).
    pub objective: f64,
    /// max over states of the total variation between R/T's soft-optimal policy and the
    /// expert's.
    pub policy_tv: f64,
}

/// How a candidate does in one setting.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Judged {
    /// STARC distance to the truth on the setting's dynamics and γ.
    pub starc: f64,
    /// EPIC distance to the truth there.
    pub epic: f64,
    /// True return of the candidate's optimal policy.
    pub true_return: f64,
    /// `true_return` / J*.
    pub return_ratio: f64,
    /// (J* − J) / (J* − J_worst), in [0, 1].
    pub regret: f64,
    /// Fraction of states where the candidate's greedy action is optimal for the truth.
    pub policy_match: f64,
}

/// One candidate: its fit on (τ1, γ1) and its judgement per setting, for each seed (one
/// entry for the hand-built members, which do not depend on the seed).
#[derive(Debug, Clone, Serialize)]
pub struct CandidateResult {
    /// Name in summary.json and on the bars.
    pub name: String,
    /// How it was made.
    pub description: String,
    /// Per seed.
    pub fits: Vec<Fit>,
    /// `judged[k][i]`: seed k, setting i.
    pub judged: Vec<Vec<Judged>>,
}

/// Everything the experiment measured.
#[derive(Debug, Clone, Serialize)]
pub struct TransferResult {
    /// Setting names, in the order of `judged`.
    pub settings: Vec<String>,
    /// J* per setting.
    pub optimal_returns: Vec<f64>,
    /// L(truth/T): the largest objective any reward reaches.
    pub truth_objective: f64,
    /// The candidates.
    pub candidates: Vec<CandidateResult>,
}

impl TransferResult {
    /// The candidate called `name`.
    pub fn candidate(&self, name: &str) -> Option<&CandidateResult> {
        self.candidates.iter().find(|c| c.name == name)
    }

    /// The index of setting `name`.
    pub fn setting(&self, name: &str) -> Option<usize> {
        self.settings.iter().position(|s| s == name)
    }
}

/// `mdp` with the same transitions and terminal states, starting uniformly on every
/// non-terminal state.
pub fn with_uniform_start(mdp: &Mdp) -> anyhow::Result<Mdp> {
    let (n, m) = (mdp.n_states(), mdp.n_actions());
    let live: Vec<usize> = (0..n).filter(|&s| !mdp.is_terminal(s)).collect();
    anyhow::ensure!(!live.is_empty(), "every state is terminal");
    let mut b = MdpBuilder::new(n, m).gamma(mdp.gamma());
    let mut initial = vec![0.0; n];
    for (s, start) in initial.iter_mut().enumerate() {
        if mdp.is_terminal(s) {
            b.terminal(s);
            continue;
        }
        *start = 1.0 / live.len() as f64;
        for a in 0..m {
            for t in mdp.successors(s, a) {
                b.transition(s, a, t.next, t.prob, t.reward);
            }
        }
    }
    b.initial(initial);
    Ok(b.build()?)
}

/// The four settings: `same` (τ1, γ1), `slip`, `wind` (τ2 variants) and `gamma` (τ1, γ2).
pub fn settings(map: &GridMap, config: &TransferConfig) -> anyhow::Result<Vec<Setting>> {
    let base = map.params().clone();
    let model = |params| -> anyhow::Result<Mdp> {
        let changed = map.clone().with_params(params)?;
        with_uniform_start(&build_mdp(&changed)?)
    };
    let goal_col = (0..map.cells().len())
        .find(|&s| matches!(map.cells()[s], Cell::Goal(_)))
        .map(|s| map.position(s).1)
        .context("the map has no goal")?;
    let mut wind = vec![0; map.ncols()];
    wind[goal_col] = config.wind;
    let same = model(base.clone())?;
    let gamma = same.clone().with_gamma(config.gamma2)?;
    Ok(vec![
        Setting {
            name: "same".into(),
            change: format!("τ1 (slip {}), γ1 = {}", base.slip, base.gamma),
            mdp: same,
        },
        Setting {
            name: "slip".into(),
            change: format!("slip {} → {}", base.slip, config.slip2),
            mdp: model(rewardlab_envs::gridworld::GridParams {
                slip: config.slip2,
                ..base.clone()
            })?,
        },
        Setting {
            name: "wind".into(),
            change: format!("wind {} up in the goal's column {goal_col}", config.wind),
            mdp: model(rewardlab_envs::gridworld::GridParams {
                wind,
                ..base.clone()
            })?,
        },
        Setting {
            name: "gamma".into(),
            change: format!("γ {} → {}", base.gamma, config.gamma2),
            mdp: gamma,
        },
    ])
}

/// The true reward as a function of (s, a, s′) everywhere: what entering s′ pays on `map`
/// (0 from terminal states).
pub fn true_reward(map: &GridMap, mdp: &Mdp) -> Array3<f64> {
    let p = map.params();
    let pays: Vec<f64> = map
        .cells()
        .iter()
        .map(|c| match c {
            Cell::Goal(r) => *r,
            Cell::Lava => p.lava_reward,
            Cell::Cliff => p.cliff_reward,
            Cell::Wall => 0.0,
            Cell::Floor | Cell::Start => p.step_reward,
        })
        .collect();
    let n = mdp.n_states();
    Array3::from_shape_fn((n, mdp.n_actions(), n), |(s, _, next)| {
        if mdp.is_terminal(s) { 0.0 } else { pays[next] }
    })
}

/// Φ(s) = −k·(steps from s to the goal), 0 on terminal states and cells that cannot reach it.
pub fn distance_potential(map: &GridMap, mdp: &Mdp, k: f64) -> Vec<f64> {
    distance_to_goal(map)
        .iter()
        .enumerate()
        .map(|(s, d)| match d {
            Some(d) if !mdp.is_terminal(s) => -k * *d as f64,
            _ => 0.0,
        })
        .collect()
}

/// γΦ(s′) − Φ(s) on every (s, a, s′), 0 from terminal states.
pub fn shaping(mdp: &Mdp, phi: &[f64]) -> Array3<f64> {
    let (n, m, gamma) = (mdp.n_states(), mdp.n_actions(), mdp.gamma());
    Array3::from_shape_fn((n, m, n), |(s, _, next)| {
        if mdp.is_terminal(s) {
            0.0
        } else {
            gamma * phi[next] - phi[s]
        }
    })
}

/// R̄(s, a) = Σ_{s′} τ(s′|s, a) R(s, a, s′), paid whatever s′ is: an S′-redistribution of R
/// on `mdp`'s dynamics.
pub fn redistribute(mdp: &Mdp, reward: &Array3<f64>) -> Array3<f64> {
    let (n, m) = (mdp.n_states(), mdp.n_actions());
    let mut out = Array3::zeros((n, m, n));
    for s in (0..n).filter(|&s| !mdp.is_terminal(s)) {
        for a in 0..m {
            let mean: f64 = mdp
                .successors(s, a)
                .map(|t| t.prob * reward[[s, a, t.next]])
                .sum();
            for next in 0..n {
                out[[s, a, next]] = mean;
            }
        }
    }
    out
}

/// The objective and policy fit of `reward` (truth units) to the expert on `mdp`.
fn fit_of(
    mdp: &Mdp,
    expert_occ: &Array3<f64>,
    expert_pi: &Array2<f64>,
    reward: &Array3<f64>,
    temperature: f64,
) -> anyhow::Result<Fit> {
    let (n, m) = (mdp.n_states(), mdp.n_actions());
    let scaled = reward / temperature;
    let mut model = LinearReward::new(Features::OneHot(Domain::Transition), n, m)?;
    let flat: Vec<f64> = scaled.iter().copied().collect();
    model.set_params(&flat)?;
    let (objective, _) = mce_objective(mdp, expert_occ, &model, Horizon::Infinite, 1e-12)?;
    let with = mdp.map_rewards(|s, a, next, _| scaled[[s, a, next]])?;
    let plan = soft_plan(&with, Horizon::Infinite, None, 1e-12)?;
    let Policy::Stationary(pi) = plan.policy else {
        anyhow::bail!("an infinite-horizon plan gave a per-step policy");
    };
    let policy_tv = (0..n)
        .filter(|&s| !mdp.is_terminal(s))
        .map(|s| {
            0.5 * (0..m)
                .map(|a| (pi[[s, a]] - expert_pi[[s, a]]).abs())
                .sum::<f64>()
        })
        .fold(0.0, f64::max);
    Ok(Fit {
        objective,
        policy_tv,
    })
}

/// The truth of one setting, with what judging against it needs.
struct Judge {
    truth: Truth,
    optimal: f64,
    worst: f64,
}

impl Judge {
    fn new(setting: &Setting, temperature: f64) -> anyhow::Result<Self> {
        let mdp = &setting.mdp;
        let expert = Expert::Mce { temperature }.policy(mdp)?;
        let visited = (0..mdp.n_states()).map(|s| !mdp.is_terminal(s)).collect();
        let truth = Truth::new(mdp, &expert, visited)?;
        let optimal = truth.optimal_return()?;
        let worst = truth.true_return(&optimal_actions(mdp, &-truth.reward())?)?;
        Ok(Self {
            truth,
            optimal,
            worst,
        })
    }

    fn judge(&self, reward: &Array3<f64>) -> anyhow::Result<Judged> {
        let report = self.truth.judge_reward("candidate", reward)?;
        let j = report.true_return_learned;
        let range = self.optimal - self.worst;
        Ok(Judged {
            starc: report.starc.context("a reward report has STARC")?,
            epic: report.epic.context("a reward report has EPIC")?,
            true_return: j,
            return_ratio: j / self.optimal,
            regret: if range > 1e-12 {
                ((self.optimal - j) / range).clamp(0.0, 1.0)
            } else {
                0.0
            },
            policy_match: report.policy_match_all,
        })
    }
}

/// One MCE IRL run: (reward in truth units, fit history).
fn learn(
    mdp: &Mdp,
    expert_occ: &Array3<f64>,
    domain: Domain,
    config: &TransferConfig,
    seed: u64,
) -> anyhow::Result<(Array3<f64>, Vec<rewardlab_rewards::irl::IrlIteration>, bool)> {
    let mut model = LinearReward::new(Features::OneHot(domain), mdp.n_states(), mdp.n_actions())?;
    let irl = IrlConfig {
        seed,
        ..config.irl.clone()
    };
    let result = mce_irl(mdp, expert_occ, &mut model, &irl)?;
    // `mce_irl` hands back terminal rows already zeroed.
    let reward = result.reward * config.temperature;
    Ok((reward, result.history, result.converged))
}

/// Runs the experiment on `map_text` into `out_dir`: run folders (fit histories and
/// judgements per learned candidate and seed), `metrics.csv`, `starc_<setting>.{png,svg}`,
/// `return_<setting>.{png,svg}` and `summary.json`.
pub fn run_transfer(
    map_text: &str,
    config: &TransferConfig,
    out_dir: &std::path::Path,
) -> anyhow::Result<TransferResult> {
    anyhow::ensure!(config.seeds > 0, "need at least one seed");
    let map = GridMap::parse(map_text, "irl_transfer map")?;
    let settings = settings(&map, config)?;
    let tau1 = &settings[0].mdp;
    let t = config.temperature;
    let expert_pi = Expert::Mce { temperature: t }.policy(tau1)?;
    let expert_occ = occupancy(
        tau1,
        &Policy::Stationary(expert_pi.clone()),
        Horizon::Infinite,
    )?;
    let truth = true_reward(&map, tau1);
    let phi = distance_potential(&map, tau1, config.phi_scale);
    let shape = shaping(tau1, &phi);
    let judges: Vec<Judge> = settings
        .iter()
        .map(|s| Judge::new(s, t))
        .collect::<anyhow::Result<_>>()?;
    let out = Output::create(out_dir)?;

    let judge_all = |reward: &Array3<f64>| -> anyhow::Result<Vec<Judged>> {
        judges.iter().map(|j| j.judge(reward)).collect()
    };
    let hand_built = [
        (
            "truth",
            "the true reward: +1 entering G, −1 entering lava".to_string(),
            truth.clone(),
        ),
        (
            "truth_shaped",
            format!(
                "truth + γ1Φ(s′) − Φ(s), Φ = −{}·steps to G",
                config.phi_scale
            ),
            &truth + &shape,
        ),
        (
            "truth_sa",
            "truth averaged over s′ under τ1: R̄(s, a) = E_τ1 R(s, a, S′)".to_string(),
            redistribute(tau1, &truth),
        ),
    ];
    let mut candidates = Vec::new();
    for (name, description, reward) in hand_built {
        let fit = fit_of(tau1, &expert_occ, &expert_pi, &reward, t)?;
        let judged = judge_all(&reward)?;
        let mut log = out.run_logger("irl_transfer", name, 0, &json!({"candidate": name}))?;
        log_judged(&mut log, &settings, &judged)?;
        log.finish(&json!({"fit": fit}))?;
        candidates.push(CandidateResult {
            name: name.into(),
            description,
            fits: vec![fit],
            judged: vec![judged],
        });
    }

    // The learned members: both domains × seeds in parallel, each with its shaped twin.
    let jobs: Vec<(Domain, u64)> = [Domain::Transition, Domain::StateAction]
        .into_iter()
        .flat_map(|d| (0..config.seeds).map(move |k| (d, k)))
        .collect();
    let learned: Vec<(Array3<f64>, Vec<_>, bool)> = jobs
        .par_iter()
        .map(|&(d, k)| learn(tau1, &expert_occ, d, config, k))
        .collect::<anyhow::Result<_>>()?;
    let names = [
        ("learned_sas", "MCE IRL, tabular R(s, a, s′)"),
        ("learned_sa", "MCE IRL, tabular R(s, a)"),
    ];
    let mut shaped_twin = CandidateResult {
        name: "learned_sas_shaped".into(),
        description: "learned_sas + γ1Φ(s′) − Φ(s), the same Φ".into(),
        fits: Vec::new(),
        judged: Vec::new(),
    };
    for (i, (name, description)) in names.into_iter().enumerate() {
        let mut cand = CandidateResult {
            name: name.into(),
            description: description.into(),
            fits: Vec::new(),
            judged: Vec::new(),
        };
        for (k, (reward, history, converged)) in learned
            .iter()
            .skip(i * config.seeds as usize)
            .take(config.seeds as usize)
            .enumerate()
        {
            let seed = k as u64;
            let fit = fit_of(tau1, &expert_occ, &expert_pi, reward, t)?;
            let judged = judge_all(reward)?;
            let run_config = run_config(
                name,
                &IrlConfig {
                    seed,
                    ..config.irl.clone()
                },
            )?;
            let mut log = out.run_logger("irl_transfer", name, seed, &run_config)?;
            for it in history {
                let step = it.iteration as u64;
                log.record(step, 0, "irl/objective", it.objective)?;
                log.record(step, 0, "irl/grad_norm", it.grad_norm)?;
                log.record(step, 0, "irl/occupancy_gap", it.occupancy_gap)?;
            }
            log_judged(&mut log, &settings, &judged)?;
            log.finish(&json!({"fit": fit, "converged": converged, "iterations": history.len()}))?;
            cand.fits.push(fit);
            cand.judged.push(judged);
            if name == "learned_sas" {
                let twin = reward + &shape;
                shaped_twin
                    .fits
                    .push(fit_of(tau1, &expert_occ, &expert_pi, &twin, t)?);
                shaped_twin.judged.push(judge_all(&twin)?);
            }
        }
        candidates.push(cand);
    }
    candidates.push(shaped_twin);

    let truth_objective = candidates[0].fits[0].objective;
    let result = TransferResult {
        settings: settings.iter().map(|s| s.name.clone()).collect(),
        optimal_returns: judges.iter().map(|j| j.optimal).collect(),
        truth_objective,
        candidates,
    };
    plot(&out, &result)?;
    out.finish(&summary(&result, &settings, config))?;
    Ok(result)
}

/// A run folder's config: the candidate and the IRL settings (TOML has no null: an
/// infinite horizon is written as "infinite").
fn run_config(name: &str, irl: &IrlConfig) -> anyhow::Result<serde_json::Value> {
    let mut value = serde_json::to_value(irl)?;
    if let Some(map) = value.as_object_mut() {
        map.insert(
            "horizon".into(),
            irl.horizon.map_or(json!("infinite"), |h| json!(h)),
        );
    }
    Ok(json!({"candidate": name, "irl": value}))
}

fn log_judged(
    log: &mut impl MetricSink,
    settings: &[Setting],
    judged: &[Judged],
) -> anyhow::Result<()> {
    for (setting, j) in settings.iter().zip(judged) {
        let name = &setting.name;
        log.record(0, 0, &format!("eval/{name}/starc"), j.starc)?;
        log.record(0, 0, &format!("eval/{name}/epic"), j.epic)?;
        log.record(0, 0, &format!("eval/{name}/true_return"), j.true_return)?;
        log.record(0, 0, &format!("eval/{name}/return_ratio"), j.return_ratio)?;
        log.record(0, 0, &format!("eval/{name}/regret"), j.regret)?;
    }
    Ok(())
}

/// Mean and std over seeds of one number of a candidate in setting `i`.
fn stat(c: &CandidateResult, i: usize, f: impl Fn(&Judged) -> f64) -> (f64, f64) {
    let values: Vec<f64> = c.judged.iter().map(|j| f(&j[i])).collect();
    mean_std(&values)
}

fn plot(out: &Output, result: &TransferResult) -> anyhow::Result<()> {
    // One chart per setting: six labelled bars read at a glance, where one chart of all
    // 24 (setting, candidate) bars was too wide to read.
    for (i, setting) in result.settings.iter().enumerate() {
        let bars = |f: &dyn Fn(&Judged) -> f64| -> Vec<Bar> {
            result
                .candidates
                .iter()
                .map(|c| {
                    let (mean, std) = stat(c, i, f);
                    Bar {
                        label: c.name.clone(),
                        value: mean,
                        error: (c.judged.len() > 1).then_some(std),
                    }
                })
                .collect()
        };
        let starc = bars(&|j| j.starc);
        out.both(&format!("starc_{setting}"), |p| {
            plot_bars(
                &starc,
                p,
                &format!("{setting}: STARC distance to the truth (this setting's τ and γ)"),
                "STARC",
            )
        })?;
        let ratio = bars(&|j| j.return_ratio);
        out.both(&format!("return_{setting}"), |p| {
            plot_bars(
                &ratio,
                p,
                &format!("{setting}: true return of each reward's optimal policy / J*"),
                "J / J*",
            )
        })?;
    }
    Ok(())
}

fn summary(
    result: &TransferResult,
    settings: &[Setting],
    config: &TransferConfig,
) -> serde_json::Value {
    let mut variants = serde_json::Map::new();
    for c in &result.candidates {
        let objectives: Vec<f64> = c.fits.iter().map(|f| f.objective).collect();
        let tvs: Vec<f64> = c.fits.iter().map(|f| f.policy_tv).collect();
        let mut per_setting = serde_json::Map::new();
        for (i, s) in result.settings.iter().enumerate() {
            let entry = |f: &dyn Fn(&Judged) -> f64| {
                let (mean, std) = stat(c, i, f);
                json!({"mean": mean, "std": std})
            };
            per_setting.insert(
                s.clone(),
                json!({
                    "starc": entry(&|j| j.starc),
                    "epic": entry(&|j| j.epic),
                    "true_return": entry(&|j| j.true_return),
                    "return_ratio": entry(&|j| j.return_ratio),
                    "regret": entry(&|j| j.regret),
                    "policy_match": entry(&|j| j.policy_match),
                }),
            );
        }
        variants.insert(
            c.name.clone(),
            json!({
                "description": c.description,
                "objective_gap_to_truth": mean_std(
                    &objectives.iter().map(|o| result.truth_objective - o).collect::<Vec<_>>()
                ).0,
                "policy_tv_max": tvs.iter().copied().fold(0.0, f64::max),
                "settings": per_setting,
            }),
        );
    }
    let settings_json: Vec<_> = settings
        .iter()
        .zip(&result.optimal_returns)
        .map(|(s, j)| json!({"name": s.name, "change": s.change, "gamma": s.mdp.gamma(), "optimal_return": j}))
        .collect();
    json!({
        "config": config,
        "truth_objective": result.truth_objective,
        "settings": settings_json,
        "variants": variants,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shaped_member_fits_equally_but_fails_under_a_new_gamma() -> anyhow::Result<()> {
        let tmp = tempfile::tempdir()?;
        let config = TransferConfig {
            temperature: 0.25,
            gamma2: 0.99,
            slip2: 0.3,
            wind: 1,
            phi_scale: 1.0,
            seeds: 1,
            irl: IrlConfig {
                max_iterations: 20,
                learning_rate: 0.05,
                ..IrlConfig::default()
            },
        };
        let result = run_transfer(TRANSFER_MAP, &config, &tmp.path().join("irl_transfer"))?;
        let get = |name: &str| result.candidate(name).context("a candidate");
        let (same, wind, gamma) = (
            result.setting("same").context("same")?,
            result.setting("wind").context("wind")?,
            result.setting("gamma").context("gamma")?,
        );
        let truth = get("truth")?;
        let shaped = get("truth_shaped")?;
        let redistributed = get("truth_sa")?;
        // Members of the identified set: the same MCE objective and soft policy on (τ1, γ1).
        for member in [shaped, redistributed] {
            assert!((member.fits[0].objective - truth.fits[0].objective).abs() < 1e-8);
            assert!(member.fits[0].policy_tv < 1e-8);
            assert!(member.judged[0][same].starc < 1e-6);
            assert!((member.judged[0][same].return_ratio - 1.0).abs() < 1e-9);
        }
        // Shaping survives new dynamics but not a new γ; redistribution the other way round.
        assert!(shaped.judged[0][wind].starc < 1e-6);
        assert!(shaped.judged[0][gamma].starc > 0.1);
        assert!(shaped.judged[0][gamma].return_ratio < 0.5);
        assert!(redistributed.judged[0][gamma].starc < 1e-6);
        assert!(redistributed.judged[0][wind].starc > 0.1);
        assert!(redistributed.judged[0][wind].return_ratio < 0.5);
        // Shaping a learned reward leaves its fit unchanged.
        let learned = get("learned_sas")?;
        let twin = get("learned_sas_shaped")?;
        assert!((learned.fits[0].objective - twin.fits[0].objective).abs() < 1e-8);
        assert!(
            tmp.path()
                .join("irl_transfer")
                .join("starc_gamma.png")
                .is_file()
        );
        Ok(())
    }
}
