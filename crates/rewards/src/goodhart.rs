//! Goodhart's law on tabular models: occupancy geometry, optimisation paths, drops and the
//! angle-based early stopping rule of Karwowski et al., "Goodhart's Law in Reinforcement
//! Learning" (ICLR 2024).
//!
//! # Geometry
//!
//! A policy π has the discounted state–action occupancy η(s,a) = Σ_t γ^t P(s_t=s, a_t=a) (core's
//! `state_action_occupancy`, flattened here to index `s·A + a`), and its return under a reward
//! R is linear in it: J_R(π) = ⟨η, r̄⟩ with r̄(s,a) = Σ_{s′} τ(s,a,s′) R(s,a,s′). Every
//! occupancy satisfies the Bellman flow constraints A η = μ with
//! A[s′,(s,a)] = δ(s,s′) − γ τ(s,a,s′), so the occupancies of all policies lie in one affine
//! set whose direction space is null(A). Only the part of r̄ in null(A) ranks policies:
//! [`FlowProjector`] applies the orthogonal projector P v = v − Aᵀ (AAᵀ)⁻¹ A v. It never forms
//! the (SA)² matrix: A is kept as sparse columns and AAᵀ (S × S, symmetric positive definite
//! because A has full row rank for γ < 1) is Cholesky-factored once per model.
//!
//! Potential shaping adds γ Σ_{s′} τ Φ(s′) − Φ(s) = −(AᵀΦ)(s,a) to r̄, which lies in row(A),
//! so P removes it. The *projected angle* between two rewards ([`FlowProjector::angle`]) is
//! the angle between P r̄0 and P r̄1 — the paper's arg(R0, R1). It is 0 for a shaped or
//! positively scaled copy and π for the negation. (P r̄ is the τ-weighted-L2 `minimal`
//! canonicalisation of [`crate::distance`] written per (s,a).)
//!
//! # Optimisation pressure
//!
//! [`boltzmann_path`] sweeps the max-ent (soft value iteration) policy of a proxy reward over
//! an increasing grid of inverse temperatures β; optionally the hard optimal policy closes
//! the path as β = ∞. Occupancies are exact (sparse LU), so the true and proxy returns along
//! the path ([`OptimisationPath::returns`]) carry no Monte-Carlo noise.
//!
//! # Drop
//!
//! [`GoodhartDrop`] measures how far the true return falls from its best point on the path
//! to the path's end. The paper calls this the Normalised Drop Height; the normaliser could
//! not be checked against the paper text (only its abstract was reachable), so both forms are
//! offered and named for what they divide by: [`GoodhartDrop::normalised`] divides by the
//! true reward's range of returns J0(π0*) − J0(π0_worst) (scale-free, in [0, 1]), and
//! [`GoodhartDrop::relative_to_gain`] by the path's own gain peak − start.
//!
//! # Early stopping
//!
//! [`early_stop`] implements the pessimistic rule: given θ ≥ arg(R0, R1), take the path
//! steps d_k = η_{k+1} − η_k (already in null(A)) while the angle φ_k between d_k and P r̄1
//! stays ≤ π/2 − θ, and stop at η_k before the first step that exceeds it. Until then every
//! reward within angle θ of the proxy — the true one included — satisfies ⟨d_k, r̄⟩ ≥ 0
//! (the spherical triangle inequality gives angle(d_k, P r̄0) ≤ φ_k + θ ≤ π/2), so the true
//! return never decreases up to the stop. The price is that it may stop long before the peak.

use ndarray::ArrayRef2;
use rewardlab_core::mdp::{
    Mdp, ValueIterationConfig, deterministic_policy, soft_value_iteration, state_action_occupancy,
    value_iteration,
};

use crate::RewardsError;

/// Relative size below which a projected reward or a path step counts as zero: round-off of
/// the sparse solves is about 1e-13 of ‖η‖ = 1/(1 − γ), far below this.
pub const ZERO_TOLERANCE: f64 = 1e-10;

/// The orthogonal projector onto null(A), the direction space of the occupancy polytope.
#[derive(Debug, Clone)]
pub struct FlowProjector {
    n_states: usize,
    n_actions: usize,
    /// Column (s, a) of A as (row s′, value) pairs, one entry per distinct row.
    columns: Vec<Vec<(usize, f64)>>,
    /// Lower Cholesky factor L of AAᵀ = L Lᵀ, row-major S × S.
    chol: Vec<f64>,
}

impl FlowProjector {
    /// Builds A from `mdp`'s dynamics and γ (its rewards are ignored) and factors AAᵀ.
    ///
    /// Fails for γ ≥ 1 (occupancies are infinite and AAᵀ can be singular).
    pub fn new(mdp: &Mdp) -> Result<Self, RewardsError> {
        let gamma = mdp.gamma();
        if gamma >= 1.0 {
            return Err(RewardsError::Invalid {
                name: "gamma",
                reason: format!("occupancy geometry needs γ < 1, got {gamma}"),
            });
        }
        let (n, m) = (mdp.n_states(), mdp.n_actions());
        let mut columns = Vec::with_capacity(n * m);
        for s in 0..n {
            for a in 0..m {
                let mut col = vec![(s, 1.0)];
                for t in mdp.successors(s, a) {
                    let v = -gamma * t.prob;
                    match col.iter_mut().find(|(row, _)| *row == t.next) {
                        Some((_, x)) => *x += v,
                        None => col.push((t.next, v)),
                    }
                }
                columns.push(col);
            }
        }
        let mut gram = vec![0.0; n * n];
        for col in &columns {
            for &(i, x) in col {
                for &(j, y) in col {
                    gram[i * n + j] += x * y;
                }
            }
        }
        let chol = cholesky(gram, n)?;
        Ok(Self {
            n_states: n,
            n_actions: m,
            columns,
            chol,
        })
    }

    /// Length of the vectors it acts on, S·A.
    pub fn dim(&self) -> usize {
        self.n_states * self.n_actions
    }

    /// A v: the flow of a state–action vector into each state (A η = μ for an occupancy).
    pub fn flow(&self, v: &[f64]) -> Result<Vec<f64>, RewardsError> {
        self.check_len(v, "vector")?;
        let mut out = vec![0.0; self.n_states];
        for (col, &x) in self.columns.iter().zip(v) {
            for &(row, a) in col {
                out[row] += a * x;
            }
        }
        Ok(out)
    }

    /// P v = v − Aᵀ (AAᵀ)⁻¹ A v, the component of `v` in null(A).
    pub fn project(&self, v: &[f64]) -> Result<Vec<f64>, RewardsError> {
        let mut w = self.flow(v)?;
        self.solve(&mut w);
        Ok(self
            .columns
            .iter()
            .zip(v)
            .map(|(col, &x)| x - col.iter().map(|&(row, a)| a * w[row]).sum::<f64>())
            .collect())
    }

    /// The projected angle arg(R0, R1) ∈ [0, π] between two state–action rewards r̄0, r̄1;
    /// `None` when either projects to (numerically) zero, i.e. ranks all policies equally.
    pub fn angle(&self, r0: &[f64], r1: &[f64]) -> Result<Option<f64>, RewardsError> {
        let (p0, p1) = (self.project(r0)?, self.project(r1)?);
        if is_zero(&p0, r0) || is_zero(&p1, r1) {
            return Ok(None);
        }
        Ok(angle_between(&p0, &p1))
    }

    fn solve(&self, b: &mut [f64]) {
        let (n, l) = (self.n_states, &self.chol);
        for i in 0..n {
            let s: f64 = (0..i).map(|k| l[i * n + k] * b[k]).sum();
            b[i] = (b[i] - s) / l[i * n + i];
        }
        for i in (0..n).rev() {
            let s: f64 = (i + 1..n).map(|k| l[k * n + i] * b[k]).sum();
            b[i] = (b[i] - s) / l[i * n + i];
        }
    }

    fn check_len(&self, v: &[f64], what: &'static str) -> Result<(), RewardsError> {
        if v.len() == self.dim() {
            Ok(())
        } else {
            Err(RewardsError::Invalid {
                name: "state-action vector",
                reason: format!(
                    "{what} has {} entries, expected S·A = {}",
                    v.len(),
                    self.dim()
                ),
            })
        }
    }
}

/// Dense Cholesky of a symmetric positive definite row-major n × n matrix.
fn cholesky(mut a: Vec<f64>, n: usize) -> Result<Vec<f64>, RewardsError> {
    for j in 0..n {
        let d = a[j * n + j] - (0..j).map(|k| a[j * n + k].powi(2)).sum::<f64>();
        if !(d > 0.0 && d.is_finite()) {
            return Err(RewardsError::Invalid {
                name: "flow constraints",
                reason: format!("AAᵀ is not positive definite at state {j} (pivot {d})"),
            });
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let s: f64 = (0..j).map(|k| a[i * n + k] * a[j * n + k]).sum();
            a[i * n + j] = (a[i * n + j] - s) / d;
        }
        for k in j + 1..n {
            a[j * n + k] = 0.0;
        }
    }
    Ok(a)
}

fn l2(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// Whether `p` (a projection of `v`) is zero relative to `v`.
fn is_zero(p: &[f64], v: &[f64]) -> bool {
    l2(p) <= ZERO_TOLERANCE * l2(v).max(f64::MIN_POSITIVE)
}

/// The angle ∈ [0, π] between two vectors; `None` if either is zero or they differ in length.
///
/// Computed as 2·atan2(‖û − v̂‖, ‖û + v̂‖), which stays accurate near 0 and π where
/// arccos of the cosine loses half its digits.
pub fn angle_between(u: &[f64], v: &[f64]) -> Option<f64> {
    let (nu, nv) = (l2(u), l2(v));
    if u.len() != v.len() || nu == 0.0 || nv == 0.0 {
        return None;
    }
    let (mut diff, mut sum) = (0.0, 0.0);
    for (x, y) in u.iter().zip(v) {
        let (a, b) = (x / nu, y / nv);
        diff += (a - b) * (a - b);
        sum += (a + b) * (a + b);
    }
    Some(2.0 * diff.sqrt().atan2(sum.sqrt()))
}

/// The state–action reward r̄(s,a) of a model (its expected rewards), indexed `s·A + a`.
pub fn state_action_reward(mdp: &Mdp) -> Vec<f64> {
    mdp.expected_rewards().to_vec()
}

/// The same dynamics paying the state–action reward `r[s·A + a]` on every outcome of (s, a)
/// (terminal states keep paying 0, as core's models require).
pub fn with_state_action_reward(mdp: &Mdp, r: &[f64]) -> Result<Mdp, RewardsError> {
    let m = mdp.n_actions();
    if r.len() != mdp.n_states() * m {
        return Err(RewardsError::Invalid {
            name: "state-action reward",
            reason: format!("{} entries, expected S·A = {}", r.len(), mdp.n_states() * m),
        });
    }
    Ok(mdp.map_rewards(|s, a, _, _| r[s * m + a])?)
}

/// η(s,a) of `policy` (shape S × A) from the model's initial distribution, flattened to
/// `s·A + a`; it sums to 1/(1 − γ).
pub fn occupancy(mdp: &Mdp, policy: &ArrayRef2<f64>) -> Result<Vec<f64>, RewardsError> {
    Ok(state_action_occupancy(mdp, policy)?
        .iter()
        .copied()
        .collect())
}

/// ⟨η, r̄⟩: the discounted return of the policy with occupancy η under reward r̄.
pub fn occupancy_return(eta: &[f64], r: &[f64]) -> f64 {
    eta.iter().zip(r).map(|(x, y)| x * y).sum()
}

/// A sequence of policies of increasing optimisation pressure on a proxy, by occupancy.
#[derive(Debug, Clone, PartialEq)]
pub struct OptimisationPath {
    /// Inverse temperature of each point (`f64::INFINITY` for the hard optimum).
    pub betas: Vec<f64>,
    /// η of each point, indexed `s·A + a`.
    pub occupancies: Vec<Vec<f64>>,
}

impl OptimisationPath {
    /// Number of points.
    pub fn len(&self) -> usize {
        self.occupancies.len()
    }

    /// Whether the path has no points.
    pub fn is_empty(&self) -> bool {
        self.occupancies.is_empty()
    }

    /// J_R at every point, for a state–action reward r̄.
    pub fn returns(&self, r: &[f64]) -> Vec<f64> {
        self.occupancies
            .iter()
            .map(|eta| occupancy_return(eta, r))
            .collect()
    }
}

/// `n` log-spaced values from `lo` to `hi` inclusive (`lo` alone when `n` = 1).
pub fn log_grid(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let (a, b) = (lo.ln(), hi.ln());
    (0..n)
        .map(|i| {
            if n == 1 {
                lo
            } else {
                (a + (b - a) * i as f64 / (n - 1) as f64).exp()
            }
        })
        .collect()
}

/// The max-ent path of `proxy` (a model whose rewards are the proxy's): for each inverse
/// temperature β in `betas` (positive, finite, strictly increasing) the Boltzmann policy of
/// soft value iteration at temperature 1/β, and then, if `append_optimal`, the hard optimal
/// policy (value iteration, greedy with lowest-index ties) as β = ∞.
pub fn boltzmann_path(
    proxy: &Mdp,
    betas: &[f64],
    append_optimal: bool,
    config: &ValueIterationConfig,
) -> Result<OptimisationPath, RewardsError> {
    if let Some(bad) = betas.iter().find(|b| !(b.is_finite() && **b > 0.0)) {
        return Err(RewardsError::Invalid {
            name: "beta",
            reason: format!("inverse temperatures must be positive and finite, got {bad}"),
        });
    }
    if betas.windows(2).any(|w| w[1] <= w[0]) {
        return Err(RewardsError::Invalid {
            name: "beta",
            reason: "inverse temperatures must be strictly increasing".into(),
        });
    }
    let mut out = OptimisationPath {
        betas: Vec::with_capacity(betas.len() + 1),
        occupancies: Vec::with_capacity(betas.len() + 1),
    };
    for &beta in betas {
        let sol = soft_value_iteration(proxy, 1.0 / beta, config)?;
        out.betas.push(beta);
        out.occupancies.push(occupancy(proxy, &sol.policy)?);
    }
    if append_optimal {
        let sol = value_iteration(proxy, config)?;
        let policy = deterministic_policy(&sol.policy, proxy.n_actions())?;
        out.betas.push(f64::INFINITY);
        out.occupancies.push(occupancy(proxy, &policy)?);
    }
    Ok(out)
}

/// How far the true return falls from its best point on a path to the path's end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GoodhartDrop {
    /// True return at the first point.
    pub start: f64,
    /// Best true return on the path.
    pub peak: f64,
    /// Index of the (first) best point.
    pub peak_index: usize,
    /// True return at the last point.
    pub end: f64,
    /// peak − end, ≥ 0.
    pub drop: f64,
}

impl GoodhartDrop {
    /// The drop of a sequence of true returns; `None` when it is empty.
    pub fn of(returns: &[f64]) -> Option<Self> {
        let (&start, &end) = (returns.first()?, returns.last()?);
        let (mut peak_index, mut peak) = (0, start);
        for (i, &j) in returns.iter().enumerate() {
            if j > peak {
                (peak_index, peak) = (i, j);
            }
        }
        Some(Self {
            start,
            peak,
            peak_index,
            end,
            drop: peak - end,
        })
    }

    /// drop / range, with range the true reward's J0(π0*) − J0(π0_worst); 0 when range ≤ 0.
    pub fn normalised(&self, range: f64) -> f64 {
        if range > 0.0 { self.drop / range } else { 0.0 }
    }

    /// drop / (peak − start); `None` when the path never rose above its start.
    pub fn relative_to_gain(&self) -> Option<f64> {
        let gain = self.peak - self.start;
        (gain > 0.0).then(|| self.drop / gain)
    }
}

/// J0(π0*) − J0(π0_worst) for a model whose rewards are the true ones: the optimal return
/// minus the return of the optimal policy of the negated reward.
pub fn return_range(truth: &Mdp, config: &ValueIterationConfig) -> Result<f64, RewardsError> {
    let best = value_iteration(truth, config)?;
    let worst_model = truth.map_rewards(|_, _, _, r| -r)?;
    let worst = value_iteration(&worst_model, config)?;
    Ok(truth.initial().dot(&best.values) + truth.initial().dot(&worst.values))
}

/// Where [`early_stop`] halts and why.
#[derive(Debug, Clone, PartialEq)]
pub struct EarlyStop {
    /// Index of the point it stops at (the last point when no step is refused).
    pub index: usize,
    /// φ_k = angle(d_k, P r̄1) of every step k → k + 1; `None` for a step that does not move.
    pub step_angles: Vec<Option<f64>>,
    /// The threshold π/2 − θ.
    pub threshold: f64,
}

/// The pessimistic stopping rule: stop at η_k before the first step d_k = η_{k+1} − η_k whose
/// angle with P r̄1 exceeds π/2 − θ, where `theta` bounds the angle between the proxy r̄1 and
/// the true reward. Steps shorter than [`ZERO_TOLERANCE`]·‖η‖ count as not moving.
pub fn early_stop(
    path: &OptimisationPath,
    projector: &FlowProjector,
    proxy: &[f64],
    theta: f64,
) -> Result<EarlyStop, RewardsError> {
    if !(0.0..=std::f64::consts::PI).contains(&theta) {
        return Err(RewardsError::Invalid {
            name: "theta",
            reason: format!("the angle bound must lie in [0, π], got {theta}"),
        });
    }
    let direction = projector.project(proxy)?;
    let threshold = std::f64::consts::FRAC_PI_2 - theta;
    let mut step_angles = Vec::with_capacity(path.len().saturating_sub(1));
    let mut index = None;
    for (k, w) in path.occupancies.windows(2).enumerate() {
        let d: Vec<f64> = w[1].iter().zip(&w[0]).map(|(b, a)| b - a).collect();
        let phi = if is_zero(&d, &w[0]) {
            None
        } else {
            angle_between(&d, &direction)
        };
        if index.is_none() && phi.is_some_and(|p| p > threshold) {
            index = Some(k);
        }
        step_angles.push(phi);
    }
    Ok(EarlyStop {
        index: index.unwrap_or(path.len().saturating_sub(1)),
        step_angles,
        threshold,
    })
}

#[cfg(test)]
mod tests {
    use std::f64::consts::{FRAC_PI_2, PI};

    use proptest::prelude::*;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64;
    use rewardlab_core::mdp::{MdpBuilder, uniform_policy};

    use super::*;

    fn config() -> ValueIterationConfig {
        ValueIterationConfig {
            tolerance: 1e-12,
            ..Default::default()
        }
    }

    /// One state whose `rewards.len()` actions all loop back to it.
    fn bandit(rewards: &[f64], gamma: f64) -> Mdp {
        let mut b = MdpBuilder::new(1, rewards.len()).gamma(gamma);
        for (a, &r) in rewards.iter().enumerate() {
            b.transition(0, a, 0, 1.0, r);
        }
        b.initial_state(0);
        b.build().expect("valid bandit")
    }

    /// Random dense-ish dynamics with an optional terminal state, N(0,1) rewards.
    fn random_mdp(seed: u64, n: usize, m: usize, gamma: f64, terminal: bool) -> Mdp {
        let mut rng = Pcg64::seed_from_u64(seed);
        let mut b = MdpBuilder::new(n, m).gamma(gamma);
        for s in 0..n {
            if terminal && s == n - 1 {
                continue;
            }
            for a in 0..m {
                let next: Vec<usize> = (0..3).map(|_| rng.random_range(0..n)).collect();
                let w: Vec<f64> = (0..3).map(|_| rng.random::<f64>() + 0.1).collect();
                let total: f64 = w.iter().sum();
                for (s2, p) in next.into_iter().zip(w) {
                    b.transition(s, a, s2, p / total, rng.random::<f64>() * 2.0 - 1.0);
                }
            }
        }
        if terminal {
            b.terminal(n - 1);
        }
        b.initial(vec![1.0 / n as f64; n]);
        b.build().expect("valid random MDP")
    }

    fn random_vec(seed: u64, n: usize) -> Vec<f64> {
        let mut rng = Pcg64::seed_from_u64(seed);
        (0..n).map(|_| rng.random::<f64>() * 2.0 - 1.0).collect()
    }

    #[test]
    fn bandit_projection_is_centring_and_angles_by_hand() -> Result<(), RewardsError> {
        // One looping state: A = (1 − γ)(1, 1, 1), null(A) = {Σ v = 0}, so P v = v − mean(v).
        let proj = FlowProjector::new(&bandit(&[0.0; 3], 0.5))?;
        let p = proj.project(&[3.0, 0.0, 0.0])?;
        for (x, e) in p.iter().zip([2.0, -1.0, -1.0]) {
            assert!((x - e).abs() < 1e-12, "{p:?}");
        }
        // Centred e0 and e1 have cosine (−1/3)/(2/3) = −1/2: angle 2π/3.
        let a = proj
            .angle(&[1.0, 0.0, 0.0], &[0.0, 1.0, 0.0])?
            .expect("non-zero");
        assert!((a - 2.0 * PI / 3.0).abs() < 1e-12, "{a}");
        // A constant reward is shaping by a constant potential: every policy is equal.
        assert_eq!(proj.angle(&[1.0, 0.0, 0.0], &[5.0, 5.0, 5.0])?, None);
        Ok(())
    }

    #[test]
    fn projector_is_idempotent_and_kills_shaping() -> Result<(), RewardsError> {
        let mdp = random_mdp(3, 7, 3, 0.9, true);
        let proj = FlowProjector::new(&mdp)?;
        let r = state_action_reward(&mdp);
        let p = proj.project(&r)?;
        let pp = proj.project(&p)?;
        assert!(p.iter().zip(&pp).all(|(a, b)| (a - b).abs() < 1e-12));
        assert!(
            proj.flow(&p)?.iter().all(|x| x.abs() < 1e-12),
            "P v ∈ null(A)"
        );
        // Shaping with Φ adds γ Σ τ Φ(s′) − Φ(s) (Φ(terminal) = 0 keeps the model valid).
        let mut phi = random_vec(4, 7);
        phi[6] = 0.0;
        let shaped_mdp = mdp.map_rewards(|s, _, s2, r| r + 0.9 * phi[s2] - phi[s])?;
        let shaped = state_action_reward(&shaped_mdp);
        let a = proj.angle(&r, &shaped)?.expect("non-zero");
        assert!(a < 1e-7, "angle(R, R + shaping) = {a}");
        let scaled: Vec<f64> = shaped.iter().map(|x| 3.0 * x).collect();
        assert!(proj.angle(&r, &scaled)?.expect("non-zero") < 1e-7);
        let neg: Vec<f64> = r.iter().map(|x| -x).collect();
        let a = proj.angle(&r, &neg)?.expect("non-zero");
        assert!((a - PI).abs() < 1e-7, "angle(R, −R) = {a}");
        Ok(())
    }

    #[test]
    fn occupancy_meets_the_flow_constraints() -> Result<(), RewardsError> {
        let mdp = random_mdp(5, 6, 2, 0.8, true);
        let proj = FlowProjector::new(&mdp)?;
        let eta = occupancy(&mdp, &uniform_policy(6, 2)?)?;
        assert!(
            (eta.iter().sum::<f64>() - 5.0).abs() < 1e-10,
            "Σ η = 1/(1 − γ)"
        );
        let flow = proj.flow(&eta)?;
        for (f, mu) in flow.iter().zip(mdp.initial()) {
            assert!((f - mu).abs() < 1e-12, "A η = μ: {flow:?}");
        }
        assert!(proj.flow(&[1.0]).is_err());
        Ok(())
    }

    #[test]
    fn bad_inputs_are_refused() -> Result<(), RewardsError> {
        let mdp = bandit(&[1.0, 0.0], 0.9);
        assert!(FlowProjector::new(&mdp.clone().with_gamma(1.0)?).is_err());
        assert!(boltzmann_path(&mdp, &[1.0, 1.0], false, &config()).is_err());
        assert!(boltzmann_path(&mdp, &[0.0], false, &config()).is_err());
        assert!(with_state_action_reward(&mdp, &[1.0]).is_err());
        let path = boltzmann_path(&mdp, &[1.0], true, &config())?;
        let proj = FlowProjector::new(&mdp)?;
        assert!(early_stop(&path, &proj, &[1.0, 0.0], -0.1).is_err());
        Ok(())
    }

    #[test]
    fn drop_by_hand() {
        let d = GoodhartDrop::of(&[0.0, 1.0, 3.0, 2.0, 2.5]).expect("non-empty");
        assert_eq!(
            (d.start, d.peak, d.peak_index, d.end, d.drop),
            (0.0, 3.0, 2, 2.5, 0.5)
        );
        assert_eq!(d.normalised(2.0), 0.25);
        assert_eq!(d.relative_to_gain(), Some(0.5 / 3.0));
        let falling = GoodhartDrop::of(&[1.0, 0.5]).expect("non-empty");
        assert_eq!((falling.peak_index, falling.drop), (0, 0.5));
        assert_eq!(falling.relative_to_gain(), None);
        assert_eq!(falling.normalised(0.0), 0.0);
        assert_eq!(GoodhartDrop::of(&[]), None);
    }

    #[test]
    fn bandit_path_goodharts_and_early_stopping_avoids_it() -> Result<(), RewardsError> {
        // Proxy prefers action 1, truth prefers action 0; both dislike action 2. Along the
        // proxy's path mass first leaves action 2 (true return rises), then moves from 0 to 1
        // (it falls): uniform 0.5, peak about 0.69 (a mix of actions 0 and 1), end 0.5 (all
        // × 1/(1 − γ) = 10).
        let (truth, proxy_r) = ([1.0, 0.5, 0.0], [0.9, 1.0, 0.0]);
        let proxy = bandit(&proxy_r, 0.9);
        let path = boltzmann_path(&proxy, &log_grid(0.01, 1000.0, 61), true, &config())?;
        let j0 = path.returns(&truth);
        let j1 = path.returns(&proxy_r);
        assert!(
            (j0[0] - 5.0).abs() < 0.05 && (j0[j0.len() - 1] - 5.0).abs() < 1e-9,
            "{j0:?}"
        );
        assert!(
            j1.windows(2).all(|w| w[1] >= w[0] - 1e-9),
            "proxy return rises"
        );
        let drop = GoodhartDrop::of(&j0).expect("non-empty");
        assert!(drop.drop > 1.5 && drop.peak > 6.5, "{drop:?}");
        assert!((return_range(&bandit(&truth, 0.9), &config())? - 10.0).abs() < 1e-9);

        let proj = FlowProjector::new(&proxy)?;
        let theta = proj.angle(&truth, &proxy_r)?.expect("non-zero");
        let stop = early_stop(&path, &proj, &proxy_r, theta)?;
        assert!(
            stop.index + 1 < path.len(),
            "stops before the end: {stop:?}"
        );
        assert!(j0[..=stop.index].windows(2).all(|w| w[1] >= w[0] - 1e-9));
        assert!(j0[stop.index] > j0[0] && j0[stop.index] <= drop.peak);
        // With θ = 0 (proxy assumed exact) it only refuses steps that lower the proxy.
        let free = early_stop(&path, &proj, &proxy_r, 0.0)?;
        assert_eq!(free.index, path.len() - 1);
        assert!(free.step_angles.iter().flatten().all(|&p| p <= FRAC_PI_2));
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// The guarantee: with θ ≥ arg(R0, R1), the true return never falls before the stop.
        #[test]
        fn true_return_never_falls_before_the_stop(seed in 0u64..10_000, terminal: bool) {
            let fail = |e: RewardsError| TestCaseError::fail(e.to_string());
            let mdp = random_mdp(seed, 6, 3, 0.9, terminal);
            let truth = state_action_reward(&mdp);
            let noise = random_vec(seed + 1, 18);
            let proxy_r: Vec<f64> = truth.iter().zip(&noise).enumerate()
                .map(|(i, (t, z))| if mdp.is_terminal(i / 3) { 0.0 } else { t + z })
                .collect();
            let proxy = with_state_action_reward(&mdp, &proxy_r).map_err(fail)?;
            let path = boltzmann_path(&proxy, &log_grid(0.05, 500.0, 41), true, &config())
                .map_err(fail)?;
            let proj = FlowProjector::new(&mdp).map_err(fail)?;
            let theta = proj.angle(&truth, &proxy_r).map_err(fail)?;
            prop_assume!(theta.is_some());
            let theta = theta.unwrap_or_default();
            let stop = early_stop(&path, &proj, &proxy_r, theta).map_err(fail)?;
            let j0 = path.returns(&truth);
            for k in 0..stop.index {
                prop_assert!(j0[k + 1] >= j0[k] - 1e-9, "step {}: {} → {}", k, j0[k], j0[k + 1]);
            }
            let total: f64 = path.occupancies[0].iter().sum();
            prop_assert!((total - 10.0).abs() < 1e-9);
        }
    }
}
