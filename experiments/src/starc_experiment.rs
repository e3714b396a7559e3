//! The STARC paper's main experiment (`starc_random_mdps`): how well does each reward
//! distance predict regret?
//!
//! For every random MDP (`distance::random::random_mdp`, 32 × 4, γ = 0.95 by default) and
//! every reward pair (R1, R2) drawn on it (`random_reward_pair`), R1 is interpolated towards
//! R2 in `steps` steps, R_k = R1 + k(R2 − R1)/steps for k = 1..=steps (R1 itself excluded, R2
//! included, as in the reference). Each point records the exact symmetric regret of R1 and
//! R_k (`regret_symmetric`) and the distance d(R1, R_k) under every [`Variant`]: each
//! canonicalisation × normalisation norm × distance norm of STARC (`minimal` only with the
//! L2 norms it is defined for) and the Pearson EPIC and DARD distances. The result is the
//! Pearson correlation of each distance with regret, pooled over all points (the paper's
//! statistic), and, as a secondary statistic, the mean over MDPs of the per-MDP correlation.
//!
//! The distances are computed as `starc_distance` does, but each reward is canonicalised
//! once per canonicalisation and normalised once per norm rather than once per variant
//! (78 STARC variants share 6 canonical forms), and the L1, L2 and L∞ norms of a difference
//! come from one pass over it; the integration test checks the values
//! against `starc_distance`.
//!
//! Regret is `regret_symmetric`'s definition and tie rule, computed with less work: each
//! reward's optimal and worst policies come from policy iteration (exact values, so the same
//! Q and, through `optimal_action_sets`, the same lowest-index policies as the library's
//! value iteration to 1e-12), and R1's policies and returns are computed once per pair
//! instead of once per step. That is 2 policy iterations and 4 exact evaluations per point
//! instead of 6 value iterations and 6 evaluations — about 10× less time for the whole run.
//! The integration test checks every point against `regret_symmetric`.
//!
//! Parallelism: one task per (MDP, pair), each with its own seeds (`mdp_seed`, `pair_seed`),
//! collected in order, and every statistic computed serially afterwards, so the results do
//! not depend on the number of threads.

use anyhow::Context;
use ndarray::Array3;
use rayon::prelude::*;
use rewardlab_core::mdp::{Mdp, PolicyIterationConfig, evaluate_actions, policy_iteration};
use rewardlab_rewards::check::optimal_action_sets;
use rewardlab_rewards::distance::random::{mdp_seed, pair_seed, random_reward_pair};
use rewardlab_rewards::distance::{
    Canon, CanonOptions, Dist, DistanceModel, Norm, RandomMdpConfig, RandomRewardConfig, Reward,
    canonicalise, interpolate, normalise, pearson_distance, random_mdp,
};
use serde::{Deserialize, Serialize};

/// The experiment's size and seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Number of random MDPs.
    pub mdps: usize,
    /// Reward pairs per MDP.
    pub pairs: usize,
    /// Interpolation steps per pair (points k = 1..=steps).
    pub steps: usize,
    /// Base seed; every MDP and pair derives its own from it.
    pub seed: u64,
    /// The random MDPs.
    pub mdp: RandomMdpConfig,
    /// The random rewards.
    pub reward: RandomRewardConfig,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            mdps: 16,
            pairs: 64,
            steps: 16,
            seed: 42,
            mdp: RandomMdpConfig::default(),
            reward: RandomRewardConfig::default(),
        }
    }
}

/// One distance whose correlation with regret is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// STARC: `dist`(s(R1) − s(R_k)) with s = c/`norm`(c), c = `canon`.
    Starc {
        /// The canonicalisation.
        canon: Canon,
        /// The normalisation norm.
        norm: Norm,
        /// The norm of the difference.
        dist: Dist,
    },
    /// The Pearson distance of the EPIC-canonical rewards.
    EpicPearson,
    /// The Pearson distance of the DARD-canonical rewards.
    DardPearson,
}

impl Variant {
    /// Every variant: the STARC ones in the order canon × norm × dist (`Canon::ALL`,
    /// `Norm::ALL`, `Dist::ALL`; `minimal` only with l2 and weighted-l2), then EPIC and DARD.
    pub fn all() -> Vec<Variant> {
        let mut out = Vec::new();
        for canon in Canon::ALL {
            for norm in Norm::ALL {
                if canon == Canon::Minimal && !matches!(norm, Norm::L2 | Norm::WeightedL2) {
                    continue;
                }
                for dist in Dist::ALL {
                    out.push(Variant::Starc { canon, norm, dist });
                }
            }
        }
        out.push(Variant::EpicPearson);
        out.push(Variant::DardPearson);
        out
    }

    /// The summary key: `starc/<canon>/<norm>-<dist>`, `epic` or `dard`.
    pub fn key(self) -> String {
        match self {
            Variant::Starc { canon, norm, dist } => format!("starc/{canon}/{norm}-{dist}"),
            Variant::EpicPearson => "epic".into(),
            Variant::DardPearson => "dard".into(),
        }
    }
}

/// Every point of the experiment, in (MDP, pair, step) order.
#[derive(Debug, Clone, PartialEq)]
pub struct Points {
    /// The variants, in column order.
    pub variants: Vec<Variant>,
    /// The MDP of each point.
    pub mdp: Vec<usize>,
    /// The symmetric regret of each point.
    pub regret: Vec<f64>,
    /// `distances[v][i]`: the distance of variant v at point i.
    pub distances: Vec<Vec<f64>>,
}

/// The canonical forms a reward needs: one per canonicalisation, `minimal` once per L2 norm.
const FORMS: [(Canon, Norm); 6] = [
    (Canon::Val, Norm::L2),
    (Canon::ValPotential, Norm::L2),
    (Canon::Epic, Norm::L2),
    (Canon::Dard, Norm::L2),
    (Canon::Minimal, Norm::L2),
    (Canon::Minimal, Norm::WeightedL2),
];

/// Index in [`FORMS`] of the canonical form a (canon, norm) pair uses.
fn form_index(canon: Canon, n: Norm) -> usize {
    match (canon, n) {
        (Canon::Val, _) => 0,
        (Canon::ValPotential, _) => 1,
        (Canon::Epic, _) => 2,
        (Canon::Dard, _) => 3,
        (Canon::Minimal, Norm::WeightedL2) => 5,
        (Canon::Minimal, _) => 4,
    }
}

/// A reward's canonical forms, normalised under each norm its variants use.
struct Prepared {
    forms: Vec<Array3<f64>>,
    /// `normalised[form][norm index in Norm::ALL]`, filled where some variant needs it.
    normalised: Vec<Vec<Option<Array3<f64>>>>,
}

fn norm_index(n: Norm) -> usize {
    Norm::ALL.iter().position(|&m| m == n).unwrap_or(0)
}

fn prepare(model: &DistanceModel, r: &Reward, variants: &[Variant]) -> anyhow::Result<Prepared> {
    let opts = CanonOptions::default();
    let forms = FORMS
        .iter()
        .map(|&(canon, n)| canonicalise(model, r, canon, n, &opts))
        .collect::<Result<Vec<_>, _>>()?;
    let mut normalised: Vec<Vec<Option<Array3<f64>>>> =
        vec![vec![None; Norm::ALL.len()]; FORMS.len()];
    for v in variants {
        if let Variant::Starc { canon, norm: n, .. } = *v {
            let (f, k) = (form_index(canon, n), norm_index(n));
            if normalised[f][k].is_none() {
                normalised[f][k] = Some(normalise(&forms[f], n, model.tau()));
            }
        }
    }
    Ok(Prepared { forms, normalised })
}

/// ‖x − y‖ in L1, L2 and L∞ (the order of `Dist::ALL`), in one pass without allocating:
/// the same sums, in the same order, as `norm(&(x - y), dist)`.
fn diff_norms(x: &Array3<f64>, y: &Array3<f64>) -> [f64; 3] {
    let (mut l1, mut l2, mut linf) = (0.0f64, 0.0f64, 0.0f64);
    let mut add = |d: f64| {
        l1 += d.abs();
        l2 += d * d;
        linf = linf.max(d.abs());
    };
    match (x.as_slice(), y.as_slice()) {
        (Some(a), Some(b)) => a.iter().zip(b).for_each(|(p, q)| add(p - q)),
        _ => x.iter().zip(y.iter()).for_each(|(p, q)| add(p - q)),
    }
    [l1, l2.sqrt(), linf]
}

fn dist_index(d: Dist) -> usize {
    Dist::ALL.iter().position(|&e| e == d).unwrap_or(0)
}

/// Every variant's distance between two prepared rewards, in `variants` order.
fn distances(a: &Prepared, b: &Prepared, variants: &[Variant]) -> anyhow::Result<Vec<f64>> {
    let mut diffs: Vec<Vec<Option<[f64; 3]>>> = vec![vec![None; Norm::ALL.len()]; FORMS.len()];
    variants
        .iter()
        .map(|&v| {
            Ok(match v {
                Variant::Starc {
                    canon,
                    norm: n,
                    dist,
                } => {
                    let (f, k) = (form_index(canon, n), norm_index(n));
                    let all = match diffs[f][k] {
                        Some(all) => all,
                        None => {
                            let (Some(x), Some(y)) = (&a.normalised[f][k], &b.normalised[f][k])
                            else {
                                anyhow::bail!("{} was not prepared", v.key());
                            };
                            let all = diff_norms(x, y);
                            diffs[f][k] = Some(all);
                            all
                        }
                    };
                    all[dist_index(dist)]
                }
                Variant::EpicPearson => pearson_distance(&a.forms[2], &b.forms[2], None),
                Variant::DardPearson => pearson_distance(&a.forms[3], &b.forms[3], None),
            })
        })
        .collect()
}

/// A reward's model, its lowest-index optimal and worst policies, and their returns.
struct Planned {
    mdp: Mdp,
    best: Vec<usize>,
    j_best: f64,
    j_worst: f64,
}

/// J(π) from the initial distribution, exactly.
fn expected_return(mdp: &Mdp, policy: &[usize]) -> anyhow::Result<f64> {
    Ok(mdp.initial().dot(&evaluate_actions(mdp, policy)?))
}

/// The optimal policy with `regret`'s tie rule: optimal sets from exact Q, lowest index.
fn lowest_optimal(mdp: &Mdp) -> anyhow::Result<Vec<usize>> {
    let solved = policy_iteration(mdp, &PolicyIterationConfig::default())?;
    Ok(optimal_action_sets(solved.q.view(), mdp.terminal())
        .into_iter()
        .map(|set| set.first().copied().unwrap_or(0))
        .collect())
}

fn plan(model: &DistanceModel, r: &Array3<f64>) -> anyhow::Result<Planned> {
    let mdp = model.mdp().map_rewards(|s, a, next, _| r[[s, a, next]])?;
    let negated = model.mdp().map_rewards(|s, a, next, _| -r[[s, a, next]])?;
    let best = lowest_optimal(&mdp)?;
    let worst = lowest_optimal(&negated)?;
    Ok(Planned {
        j_best: expected_return(&mdp, &best)?,
        j_worst: expected_return(&mdp, &worst)?,
        best,
        mdp,
    })
}

/// `regret(truth, proxy)` given the proxy's optimal policy (the library's formula).
fn one_way(truth: &Planned, proxy_policy: &[usize]) -> anyhow::Result<f64> {
    let (j_best, j_worst) = (truth.j_best, truth.j_worst);
    let range = j_best - j_worst;
    if range <= 1e-12 * j_best.abs().max(j_worst.abs()).max(1.0) {
        return Ok(0.0);
    }
    let j_proxy = expected_return(&truth.mdp, proxy_policy)?;
    Ok(((j_best - j_proxy) / range).clamp(0.0, 1.0))
}

/// The regrets and distances of one (MDP, pair): `steps` points.
fn run_pair(
    model: &DistanceModel,
    settings: &Settings,
    variants: &[Variant],
    seed: u64,
) -> anyhow::Result<(Vec<f64>, Vec<Vec<f64>>)> {
    let (n, m) = (model.n_states(), model.n_actions());
    let (a, b) = random_reward_pair(n, m, model.gamma(), &settings.reward, seed);
    let plan1 = plan(model, &a)?;
    let r1 = model.reward(a.clone())?;
    let p1 = prepare(model, &r1, variants)?;
    let mut regrets = Vec::with_capacity(settings.steps);
    let mut rows = Vec::with_capacity(settings.steps);
    for k in 1..=settings.steps {
        let tensor = interpolate(&a, &b, k, settings.steps)?;
        let plan_k = plan(model, &tensor)?;
        regrets.push(0.5 * (one_way(&plan1, &plan_k.best)? + one_way(&plan_k, &plan1.best)?));
        let pk = prepare(model, &model.reward(tensor)?, variants)?;
        rows.push(distances(&p1, &pk, variants)?);
    }
    Ok((regrets, rows))
}

/// Runs the experiment on the current rayon pool.
pub fn run(settings: &Settings) -> anyhow::Result<Points> {
    anyhow::ensure!(
        settings.mdps > 0 && settings.pairs > 0 && settings.steps > 0,
        "--mdps, --pairs and --steps must be positive"
    );
    let variants = Variant::all();
    let models = (0..settings.mdps)
        .into_par_iter()
        .map(|i| {
            let mdp = random_mdp(&settings.mdp, mdp_seed(settings.seed, i as u64))?;
            Ok(DistanceModel::new(&mdp)?)
        })
        .collect::<anyhow::Result<Vec<DistanceModel>>>()?;
    let tasks: Vec<(usize, usize)> = (0..settings.mdps)
        .flat_map(|i| (0..settings.pairs).map(move |j| (i, j)))
        .collect();
    let results = tasks
        .par_iter()
        .map(|&(i, j)| {
            let seed = pair_seed(settings.seed, i as u64, j as u64);
            run_pair(&models[i], settings, &variants, seed)
                .with_context(|| format!("MDP {i}, pair {j}"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut points = Points {
        distances: vec![Vec::with_capacity(tasks.len() * settings.steps); variants.len()],
        variants,
        mdp: Vec::new(),
        regret: Vec::new(),
    };
    for (&(i, _), (regrets, rows)) in tasks.iter().zip(results) {
        for (regret, row) in regrets.into_iter().zip(rows) {
            points.mdp.push(i);
            points.regret.push(regret);
            for (column, d) in points.distances.iter_mut().zip(row) {
                column.push(d);
            }
        }
    }
    Ok(points)
}

/// The Pearson correlation of `x` and `y`; `None` when either has no variance (or fewer than
/// two points), where the correlation is undefined.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 2 {
        return None;
    }
    let mx = x[..n].iter().sum::<f64>() / n as f64;
    let my = y[..n].iter().sum::<f64>() / n as f64;
    let (mut cxy, mut cxx, mut cyy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        cxy += (a - mx) * (b - my);
        cxx += (a - mx) * (a - mx);
        cyy += (b - my) * (b - my);
    }
    (cxx > 0.0 && cyy > 0.0).then(|| (cxy / (cxx.sqrt() * cyy.sqrt())).clamp(-1.0, 1.0))
}

/// One variant's statistics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariantSummary {
    /// Pearson correlation of distance and regret over all points (`None`: undefined).
    pub correlation: Option<f64>,
    /// Mean over MDPs of the per-MDP correlation (MDPs where it is undefined left out).
    pub per_mdp_mean_correlation: Option<f64>,
    /// Mean distance over all points.
    pub mean_distance: f64,
    /// "starc", "epic" or "dard".
    pub metric: &'static str,
    /// The canonicalisation.
    pub canon: &'static str,
    /// The normalisation norm (STARC only).
    pub norm: Option<&'static str>,
    /// The distance norm (STARC only), or "pearson".
    pub dist: &'static str,
}

/// The statistics of every variant, in [`Variant::all`] order.
pub fn summarise(points: &Points, n_mdps: usize) -> Vec<(Variant, VariantSummary)> {
    points
        .variants
        .iter()
        .zip(&points.distances)
        .map(|(&v, d)| {
            let per_mdp: Vec<f64> = (0..n_mdps)
                .filter_map(|i| {
                    let (x, y): (Vec<f64>, Vec<f64>) = points
                        .mdp
                        .iter()
                        .zip(d.iter().zip(&points.regret))
                        .filter(|(m, _)| **m == i)
                        .map(|(_, (a, b))| (*a, *b))
                        .unzip();
                    pearson(&x, &y)
                })
                .collect();
            let (metric, canon, norm, dist) = match v {
                Variant::Starc { canon, norm, dist } => {
                    ("starc", canon.as_str(), Some(norm.as_str()), dist.as_str())
                }
                Variant::EpicPearson => ("epic", "epic", None, "pearson"),
                Variant::DardPearson => ("dard", "dard", None, "pearson"),
            };
            let summary = VariantSummary {
                correlation: pearson(d, &points.regret),
                per_mdp_mean_correlation: (!per_mdp.is_empty())
                    .then(|| per_mdp.iter().sum::<f64>() / per_mdp.len() as f64),
                mean_distance: d.iter().sum::<f64>() / d.len().max(1) as f64,
                metric,
                canon,
                norm,
                dist,
            };
            (v, summary)
        })
        .collect()
}

/// `summary.json`: `{"correlations": {key: ρ}, "variants": {key: {…}}, "n_points",
/// "regret": {"mean", "zero_fraction"}, "settings"}`.
pub fn summary_json(
    settings: &Settings,
    points: &Points,
    stats: &[(Variant, VariantSummary)],
) -> anyhow::Result<serde_json::Value> {
    let mut correlations = serde_json::Map::new();
    let mut variants = serde_json::Map::new();
    for (v, s) in stats {
        correlations.insert(v.key(), serde_json::to_value(s.correlation)?);
        variants.insert(v.key(), serde_json::to_value(s)?);
    }
    let n = points.regret.len();
    let zero = points.regret.iter().filter(|&&r| r == 0.0).count();
    Ok(serde_json::json!({
        "correlations": correlations,
        "variants": variants,
        "n_points": n,
        "regret": {
            "mean": points.regret.iter().sum::<f64>() / n.max(1) as f64,
            "zero_fraction": zero as f64 / n.max(1) as f64,
        },
        "settings": settings,
    }))
}

/// The correlation table as CSV: `key,metric,canon,norm,dist,correlation,per_mdp_mean_correlation,mean_distance`.
pub fn correlations_csv(stats: &[(Variant, VariantSummary)]) -> String {
    let opt = |x: Option<f64>| x.map_or_else(|| "NaN".to_string(), |v| format!("{v:.6}"));
    let mut out = String::from(
        "key,metric,canon,norm,dist,correlation,per_mdp_mean_correlation,mean_distance\n",
    );
    for (v, s) in stats {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{:.6}\n",
            v.key(),
            s.metric,
            s.canon,
            s.norm.unwrap_or(""),
            s.dist,
            opt(s.correlation),
            opt(s.per_mdp_mean_correlation),
            s.mean_distance
        ));
    }
    out
}

/// The keys of the bar chart: each canonicalisation with L2 normalisation and L2 distance,
/// then the Pearson EPIC and DARD.
pub fn main_keys() -> Vec<String> {
    let mut keys: Vec<String> = Canon::ALL
        .iter()
        .map(|&canon| {
            Variant::Starc {
                canon,
                norm: Norm::L2,
                dist: Dist::L2,
            }
            .key()
        })
        .collect();
    keys.push("epic".into());
    keys.push("dard".into());
    keys
}
