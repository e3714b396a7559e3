//! `rewardlab distance`: STARC, EPIC or DARD distance between two rewards on one tabular
//! model, with the regret it predicts. A contract other programs rely on:
//!
//! - `--mdp MDP.json`: `{"transition": P[s][a][s′], "initial": [...], "gamma": g}` with an
//!   optional `"terminal": [bool, ...]`. Rows of terminal states are absorbing with reward 0
//!   whatever the file gives for them.
//! - `--a R1.json`, `--b R2.json`: a nested array `R[s][a][s′]`, or `{"reward": R}`.
//! - Defaults: `--metric starc`; `--canon` val for starc, epic for epic, dard for dard;
//!   `--norm l2`; `--dist l2`. EPIC and DARD are Pearson distances of canonical rewards, so
//!   `--norm` and `--dist` do not apply to them (`null` in the JSON).
//! - `--json` prints one line `{"metric", "canon", "norm", "dist", "distance", "regret",
//!   "regret_sym"}`; `regret` is R1's (`--a`) normalised regret of R2's optimal policy, and
//!   `regret_sym` the mean of both directions.
//!
//! A malformed file, mismatched shapes or an unknown name is bad input: a short message on
//! stderr, exit 2, nothing on stdout.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use ndarray::Array3;
use rewardlab_core::mdp::{Mdp, MdpBuilder};
use rewardlab_rewards::distance::{
    Canon, CanonOptions, Dist, DistanceModel, Metric, Norm, Reward, pearson_of, regret,
    regret_symmetric, starc_distance,
};
use serde::Deserialize;
use serde_json::json;

use super::{CliError, print_line};

/// The command line of `rewardlab distance`.
#[derive(Debug, clap::Args)]
pub struct DistanceArgs {
    /// The model: {"transition": P[s][a][s′], "initial": [...], "gamma": g, "terminal"?: [bool]}.
    #[arg(long)]
    pub mdp: PathBuf,
    /// The first reward (R1, the "true" one for regret): R[s][a][s′] or {"reward": R}.
    #[arg(long)]
    pub a: PathBuf,
    /// The second reward (R2).
    #[arg(long)]
    pub b: PathBuf,
    /// starc, epic or dard.
    #[arg(long, default_value = "starc")]
    pub metric: String,
    /// val, val-potential, epic, dard or minimal [default: val for starc, epic for epic,
    /// dard for dard].
    #[arg(long)]
    pub canon: Option<String>,
    /// Normalisation norm of STARC: l1, l2, linf, weighted-l1, weighted-l2, weighted-linf.
    #[arg(long, default_value = "l2")]
    pub norm: String,
    /// Norm of the difference of normalised rewards (STARC): l1, l2 or linf.
    #[arg(long, default_value = "l2")]
    pub dist: String,
    /// Print one JSON line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MdpFile {
    transition: Vec<Vec<Vec<f64>>>,
    initial: Vec<f64>,
    gamma: f64,
    #[serde(default)]
    terminal: Option<Vec<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RewardFile {
    Bare(Vec<Vec<Vec<f64>>>),
    Wrapped { reward: Vec<Vec<Vec<f64>>> },
}

/// Runs `rewardlab distance`.
pub fn run(args: &DistanceArgs) -> Result<(), CliError> {
    let metric: Metric = args.metric.parse().map_err(CliError::usage)?;
    let canon: Canon = match &args.canon {
        Some(c) => c.parse().map_err(CliError::usage)?,
        None => metric.default_canon(),
    };
    let norm: Norm = args.norm.parse().map_err(CliError::usage)?;
    let dist: Dist = args.dist.parse().map_err(CliError::usage)?;
    let model = DistanceModel::new(&read_mdp(&args.mdp)?).map_err(CliError::usage)?;
    let r1 = read_reward(&args.a, &model)?;
    let r2 = read_reward(&args.b, &model)?;
    let opts = CanonOptions::default();
    let distance = match metric {
        Metric::Starc => starc_distance(&model, &r1, &r2, canon, norm, dist, &opts),
        Metric::Epic | Metric::Dard => pearson_of(&model, &r1, &r2, canon, &opts),
    }
    .map_err(CliError::usage)?;
    let regret_one = regret(&model, &r1, &r2).map_err(CliError::usage)?;
    let regret_both = regret_symmetric(&model, &r1, &r2).map_err(CliError::usage)?;
    let (norm_out, dist_out) = match metric {
        Metric::Starc => (json!(norm.as_str()), json!(dist.as_str())),
        Metric::Epic | Metric::Dard => (json!(null), json!(null)),
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let line = json!({
            "metric": metric.as_str(),
            "canon": canon.as_str(),
            "norm": norm_out,
            "dist": dist_out,
            "distance": distance,
            "regret": regret_one,
            "regret_sym": regret_both,
        });
        print_line(&mut out, &line.to_string())?;
    } else {
        let form = match metric {
            Metric::Starc => {
                format!("starc ({canon} canonicalisation, {norm} normalisation, {dist} distance)")
            }
            Metric::Epic | Metric::Dard => {
                format!("{metric} (Pearson distance of {canon}-canonical rewards)")
            }
        };
        print_line(&mut out, &format!("metric:     {form}"))?;
        print_line(&mut out, &format!("distance:   {}", number(distance)))?;
        print_line(
            &mut out,
            &format!(
                "regret:     {} (R1's return lost by acting optimally for R2)",
                number(regret_one)
            ),
        )?;
        print_line(
            &mut out,
            &format!(
                "regret_sym: {} (mean of both directions)",
                number(regret_both)
            ),
        )?;
    }
    out.flush()?;
    Ok(())
}

/// Six significant digits, in scientific notation for tiny values (round-off of 0 reads as
/// 1.4e-16, not as a row of zeros).
fn number(x: f64) -> String {
    if x != 0.0 && x.abs() < 1e-4 {
        format!("{x:.2e}")
    } else {
        format!("{x:.6}")
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> Result<T, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("cannot read {what} {}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| CliError::usage(format!("{what} {} is malformed: {e}", path.display())))
}

fn read_mdp(path: &Path) -> Result<Mdp, CliError> {
    let file: MdpFile = read_json(path, "MDP file")?;
    let bad = |msg: String| CliError::usage(format!("MDP file {}: {msg}", path.display()));
    let n = file.transition.len();
    let m = file.transition.first().map_or(0, Vec::len);
    if n == 0 || m == 0 {
        return Err(bad(
            "\"transition\" must have at least one state and one action".into(),
        ));
    }
    let terminal = file.terminal.unwrap_or_else(|| vec![false; n]);
    if terminal.len() != n {
        return Err(bad(format!(
            "\"terminal\" has {} entries for {n} states",
            terminal.len()
        )));
    }
    let mut b = MdpBuilder::new(n, m).gamma(file.gamma);
    for (s, row) in file.transition.iter().enumerate() {
        if row.len() != m {
            return Err(bad(format!(
                "transition[{s}] has {} actions, transition[0] has {m}",
                row.len()
            )));
        }
        for (a, probs) in row.iter().enumerate() {
            if probs.len() != n {
                return Err(bad(format!(
                    "transition[{s}][{a}] has {} entries for {n} states",
                    probs.len()
                )));
            }
            if terminal[s] {
                continue;
            }
            for (next, &p) in probs.iter().enumerate() {
                if p != 0.0 {
                    b.transition(s, a, next, p, 0.0);
                }
            }
        }
        if terminal[s] {
            b.terminal(s);
        }
    }
    b.initial(file.initial);
    b.build().map_err(|e| bad(e.to_string()))
}

fn read_reward(path: &Path, model: &DistanceModel) -> Result<Reward, CliError> {
    let nested = match read_json::<RewardFile>(path, "reward file")? {
        RewardFile::Bare(r) | RewardFile::Wrapped { reward: r } => r,
    };
    let (n, m) = (model.n_states(), model.n_actions());
    let bad = |msg: String| CliError::usage(format!("reward file {}: {msg}", path.display()));
    if nested.len() != n {
        return Err(bad(format!("{} states, the MDP has {n}", nested.len())));
    }
    let mut r = Array3::zeros((n, m, n));
    for (s, row) in nested.iter().enumerate() {
        if row.len() != m {
            return Err(bad(format!(
                "R[{s}] has {} actions, the MDP has {m}",
                row.len()
            )));
        }
        for (a, values) in row.iter().enumerate() {
            if values.len() != n {
                return Err(bad(format!(
                    "R[{s}][{a}] has {} entries, the MDP has {n} states",
                    values.len()
                )));
            }
            for (next, &v) in values.iter().enumerate() {
                r[[s, a, next]] = v;
            }
        }
    }
    model.reward(r).map_err(|e| bad(e.to_string()))
}
