//! Canonicalisations: one representative of a reward's equivalence class.
//!
//! Formulas (REFERENCES.md, "Reward distances"), for R on dynamics τ with discount γ:
//!
//! - `epic` (Gleave et al. 2021), with m(x) = E_{A∼D_A, S′∼D_S} R(x, A, S′):
//!   C(s,a,s′) = R(s,a,s′) + γ m(s′) − m(s) − γ E_{S∼D_S} m(S).
//! - `dard` (Wulfe et al. 2022), with Φ(x) = E_{A∼D_A, S′∼τ(x,A)} R(x, A, S′):
//!   C(s,a,s′) = R(s,a,s′) + γΦ(s′) − Φ(s) − γ E_{A∼D_A} Σ_{S′,S″} τ(s,A,S′) τ(s′,A,S″) R(S′,A,S″).
//! - `val` (STARC, value-adjusted levelling), with V^π exact under R:
//!   C(s,a,s′) = Σ_{S′} τ(s,a,S′) [R(s,a,S′) − V^π(s) + γ V^π(S′)], constant in s′.
//! - `val-potential`: R(s,a,s′) − V^π(s) + γ V^π(s′) (no expectation over s′).
//! - `minimal`: the member of R's class (potential shaping + S′-redistribution) with the
//!   smallest L2 or τ-weighted L2 norm. The class is an affine subspace, so this is an
//!   orthogonal projection. In the weighted norm the redistribution part leaves the
//!   expectation r̄(s,a) = Σ τ R, and shaping is removed by the least-squares potential
//!   Φ* = argmin Σ_{s,a} (r̄(s,a) + Φ(s) − γ(τΦ)(s,a))²; C = r̄ + Φ*(s) − γ(τΦ*)(s,a) for
//!   every s′ (constant in s′, like `val`: off τ's support an entry weighs nothing). In plain L2 the same holds with each (s,a) weighted by 1/‖τ(s,a,·)‖²
//!   and C spread over s′ in proportion to τ(s,a,s′) (see [`minimal`]). Solved exactly by a
//!   sparse LU of the normal equations, not by gradient descent as the reference code does.

use faer::linalg::solvers::Solve;
use faer::sparse::{SparseColMat, Triplet};
use faer::{ColMut, Mat};
use ndarray::{Array1, Array2, Array3};
use rewardlab_core::mdp::{evaluate_policy, uniform_policy};

use super::model::{DistanceModel, Reward};
use super::norm::Norm;
use crate::RewardsError;

/// Up to this many states the least squares of `minimal` is solved densely.
const DENSE_MAX_STATES: usize = 128;

/// A canonicalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Canon {
    /// EPIC's, with coverage distributions D_S and D_A.
    Epic,
    /// DARD's, with D_A and the dynamics.
    Dard,
    /// Value-adjusted levelling.
    Val,
    /// Value-adjusted levelling without the expectation over s′.
    ValPotential,
    /// The smallest member of the class in (weighted) L2.
    Minimal,
}

crate::names::cli_names!(Canon, "canonicalisation", [
    Val => "val",
    ValPotential => "val-potential",
    Epic => "epic",
    Dard => "dard",
    Minimal => "minimal",
]);

/// The choices a canonicalisation depends on; the defaults are uniform.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CanonOptions {
    /// D_S of `epic` (uniform when `None`).
    pub state_dist: Option<Array1<f64>>,
    /// D_A of `epic` and `dard` (uniform when `None`).
    pub action_dist: Option<Array1<f64>>,
    /// π of `val` and `val-potential`, an (S, A) table (uniform when `None`).
    pub policy: Option<Array2<f64>>,
    /// The coverage distribution of (s, a, s′) over which EPIC's and DARD's Pearson distance
    /// is taken, as (S, A, S) non-negative weights (normalised there; uniform over all
    /// triples when `None`). Canonicalisation itself does not use it.
    pub coverage: Option<Array3<f64>>,
}

/// C(R) under `canon`. `norm` picks the metric of `minimal` (L2 or weighted L2; other norms
/// are an error for it) and is ignored by the others.
pub fn canonicalise(
    model: &DistanceModel,
    r: &Reward,
    canon: Canon,
    norm: Norm,
    opts: &CanonOptions,
) -> Result<Array3<f64>, RewardsError> {
    match canon {
        Canon::Epic => epic(model, r, opts),
        Canon::Dard => dard(model, r, opts),
        Canon::Val | Canon::ValPotential => val(model, r, opts, canon == Canon::Val),
        Canon::Minimal => minimal(model, r, norm),
    }
}

fn distribution(
    given: Option<&Array1<f64>>,
    n: usize,
    name: &'static str,
) -> Result<Array1<f64>, RewardsError> {
    let Some(d) = given else {
        return Ok(Array1::from_elem(n, 1.0 / n as f64));
    };
    let sum: f64 = d.sum();
    if d.len() != n || d.iter().any(|p| !(p.is_finite() && *p >= 0.0)) || (sum - 1.0).abs() > 1e-9 {
        return Err(RewardsError::Invalid {
            name,
            reason: format!("must be {n} non-negative probabilities summing to 1, got {d}"),
        });
    }
    Ok(d.clone())
}

fn epic(
    model: &DistanceModel,
    r: &Reward,
    opts: &CanonOptions,
) -> Result<Array3<f64>, RewardsError> {
    let (n, m, gamma) = (model.n_states(), model.n_actions(), model.gamma());
    let d_s = distribution(opts.state_dist.as_ref(), n, "state distribution D_S")?;
    let d_a = distribution(opts.action_dist.as_ref(), m, "action distribution D_A")?;
    let mean: Vec<f64> = (0..n)
        .map(|x| {
            (0..m)
                .map(|a| d_a[a] * (0..n).map(|s2| d_s[s2] * r.0[[x, a, s2]]).sum::<f64>())
                .sum()
        })
        .collect();
    let offset: f64 = gamma * (0..n).map(|s| d_s[s] * mean[s]).sum::<f64>();
    Ok(Array3::from_shape_fn((n, m, n), |(s, a, s2)| {
        r.0[[s, a, s2]] + gamma * mean[s2] - mean[s] - offset
    }))
}

fn dard(
    model: &DistanceModel,
    r: &Reward,
    opts: &CanonOptions,
) -> Result<Array3<f64>, RewardsError> {
    let (n, m, gamma) = (model.n_states(), model.n_actions(), model.gamma());
    let d_a = distribution(opts.action_dist.as_ref(), m, "action distribution D_A")?;
    let expected = model.expected(r);
    let phi: Vec<f64> = (0..n)
        .map(|x| (0..m).map(|a| d_a[a] * expected[x * m + a]).sum())
        .collect();
    // g[a][(s′, S′)] = Σ_{S″} τ(s′, a, S″) R(S′, a, S″), then
    // T(s, s′) = Σ_a D_A(a) Σ_{S′} τ(s, a, S′) g[a][(s′, S′)] — sparse in τ's support.
    let mut t = Array2::<f64>::zeros((n, n));
    for a in 0..m {
        if d_a[a] == 0.0 {
            continue;
        }
        let mut g = Array2::<f64>::zeros((n, n)); // g[(s′, S′)]
        for s2 in 0..n {
            for &(s3, p) in model.support(s2, a) {
                for big in 0..n {
                    g[[s2, big]] += p * r.0[[big, a, s3]];
                }
            }
        }
        for s in 0..n {
            for &(big, p) in model.support(s, a) {
                let w = d_a[a] * p;
                for s2 in 0..n {
                    t[[s, s2]] += w * g[[s2, big]];
                }
            }
        }
    }
    Ok(Array3::from_shape_fn((n, m, n), |(s, a, s2)| {
        r.0[[s, a, s2]] + gamma * phi[s2] - phi[s] - gamma * t[[s, s2]]
    }))
}

fn val(
    model: &DistanceModel,
    r: &Reward,
    opts: &CanonOptions,
    expectation: bool,
) -> Result<Array3<f64>, RewardsError> {
    let (n, m, gamma) = (model.n_states(), model.n_actions(), model.gamma());
    let policy = match &opts.policy {
        Some(p) => p.clone(),
        None => uniform_policy(n, m)?,
    };
    let v = evaluate_policy(&model.with_reward(r)?, &policy)?;
    if !expectation {
        return Ok(Array3::from_shape_fn((n, m, n), |(s, a, s2)| {
            r.0[[s, a, s2]] - v[s] + gamma * v[s2]
        }));
    }
    let expected = model.expected(r);
    let mut out = Array3::<f64>::zeros((n, m, n));
    for s in 0..n {
        for a in 0..m {
            let next_v: f64 = model.support(s, a).iter().map(|&(s2, p)| p * v[s2]).sum();
            let c = expected[s * m + a] - v[s] + gamma * next_v;
            for s2 in 0..n {
                out[[s, a, s2]] = c;
            }
        }
    }
    Ok(out)
}

/// The minimal canonicalisation (see the module docs for the derivation).
///
/// Write X(s,a,·) = α(s,a)·τ(s,a,·) for the part of a reward orthogonal to S′-redistribution.
/// - Weighted L2: ‖X‖² = Σ α², R's part is α = r̄, a potential's part is γ(τΦ) − Φ(s), so the
///   residual of the least squares with unit weights is C, constant on τ's support.
/// - Plain L2: ‖X‖² = Σ α²·w with w = ‖τ(s,a,·)‖², R's part is α = r̄/w, a potential's part is
///   (γ(τΦ) − Φ(s))/w: least squares with weights 1/w, and C = (residual/w)·τ(s,a,s′).
fn minimal(model: &DistanceModel, r: &Reward, norm: Norm) -> Result<Array3<f64>, RewardsError> {
    let weighted = match norm {
        Norm::WeightedL2 => true,
        Norm::L2 => false,
        other => {
            return Err(RewardsError::Invalid {
                name: "norm",
                reason: format!(
                    "the minimal canonicalisation is defined for l2 and weighted-l2, not {other}"
                ),
            });
        }
    };
    let (n, m, gamma) = (model.n_states(), model.n_actions(), model.gamma());
    if gamma >= 1.0 {
        // Constant potentials are then in the null space of the least squares: every
        // constant shift is as small as every other, and the projection is not unique.
        return Err(RewardsError::Invalid {
            name: "gamma",
            reason: "the minimal canonicalisation needs γ < 1".into(),
        });
    }
    let expected = model.expected(r);
    let weight = |s: usize, a: usize| {
        if weighted {
            1.0
        } else {
            1.0 / model.support(s, a).iter().map(|&(_, p)| p * p).sum::<f64>()
        }
    };
    // Rows of A: e_s − γ τ(s,a,·) (so that A Φ = Φ(s) − γ(τΦ)(s,a)); minimise
    // Σ w (r̄ + AΦ)², i.e. solve (Aᵀ W A) Φ = −Aᵀ W r̄. Each row's outer product is summed
    // into per-row maps, so memory stays at the normal matrix's non-zeros.
    let mut normal: Vec<std::collections::BTreeMap<usize, f64>> = vec![Default::default(); n];
    let mut rhs = vec![0.0; n];
    let mut row: Vec<(usize, f64)> = Vec::new();
    for s in 0..n {
        for a in 0..m {
            row.clear();
            row.push((s, 1.0));
            row.extend(model.support(s, a).iter().map(|&(s2, p)| (s2, -gamma * p)));
            row.sort_by_key(|&(c, _)| c);
            row.dedup_by(|later, kept| {
                let same = later.0 == kept.0;
                if same {
                    kept.1 += later.1;
                }
                same
            });
            let w = weight(s, a);
            for &(i, vi) in &row {
                rhs[i] -= w * vi * expected[s * m + a];
                for &(j, vj) in &row {
                    *normal[i].entry(j).or_insert(0.0) += w * vi * vj;
                }
            }
        }
    }
    let triplets: Vec<Triplet<usize, usize, f64>> = normal
        .into_iter()
        .enumerate()
        .flat_map(|(i, entries)| entries.into_iter().map(move |(j, v)| Triplet::new(i, j, v)))
        .collect();
    let solver_error = |what: &str, e: String| RewardsError::Invalid {
        name: "minimal canonicalisation",
        reason: format!("{what}: {e}"),
    };
    if n <= DENSE_MAX_STATES {
        // Small systems: a dense LU is cheaper than the sparse one's ordering and analysis.
        let mut dense = Mat::<f64>::zeros(n, n);
        for t in &triplets {
            dense[(t.row, t.col)] += t.val;
        }
        dense
            .as_ref()
            .partial_piv_lu()
            .solve_in_place(ColMut::from_slice_mut(&mut rhs));
    } else {
        let matrix = SparseColMat::<usize, f64>::try_new_from_triplets(n, n, &triplets)
            .map_err(|e| solver_error("building the normal equations", format!("{e:?}")))?;
        let lu = matrix
            .sp_lu()
            .map_err(|e| solver_error("factorising the normal equations", format!("{e:?}")))?;
        lu.solve_in_place(ColMut::from_slice_mut(&mut rhs));
    }
    let phi = rhs;
    if let Some((state, &value)) = phi.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(RewardsError::NonFinitePotential { state, value });
    }
    let mut out = Array3::<f64>::zeros((n, m, n));
    for s in 0..n {
        for a in 0..m {
            let support = model.support(s, a);
            let next: f64 = support.iter().map(|&(s2, p)| p * phi[s2]).sum();
            let residual = expected[s * m + a] + phi[s] - gamma * next;
            if weighted {
                // Off τ's support an entry weighs nothing; constant in s′ like `val`.
                for s2 in 0..n {
                    out[[s, a, s2]] = residual;
                }
            } else {
                let w = weight(s, a);
                for &(s2, p) in support {
                    out[[s, a, s2]] = residual * w * p;
                }
            }
        }
    }
    Ok(out)
}
