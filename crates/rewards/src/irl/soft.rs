//! The two passes every MaxEnt-family IRL step makes on the current reward.
//!
//! - **Backward** ([`soft_plan`]): the maximum-causal-entropy policy of a reward, π(a|s) =
//!   exp(Q(s, a) − V(s)) with Q(s, a) = r̄(s, a) + γ Σ P(s′|s, a) V(s′) and V(s) =
//!   log Σ_a exp Q(s, a) (temperature 1: a learned reward absorbs any temperature). With a
//!   finite horizon H the values are time-indexed from V_H = 0, so the policy is too; with an
//!   infinite horizon (γ < 1) it is the stationary fixed point, found by soft value iteration
//!   started from the previous step's values (an IRL step changes the reward a little, so a
//!   warm start saves most sweeps).
//! - **Forward** ([`occupancy`]): the discounted occupancy ρ(s, a, s′) = Σ_t γ^t P(s_t = s,
//!   a_t = a, s_{t+1} = s′) of a policy from the model's initial distribution, by propagating
//!   state distributions for H steps or, infinitely, by the linear solve of core's
//!   [`state_occupancy`].
//!
//! Terminal states are absorbing, pay nothing and offer no choice: V = 0 there and their rows
//! of ρ are 0 (time spent after the end of an episode is not behaviour to match).
//!
//! Why these two: the MCE dual objective L(R) = Σ ρ_E·R − Σ_s μ0(s) V_0(s) has gradient
//! ∂L/∂R = ρ_E − ρ_π, the expert's occupancy minus the soft-optimal policy's, exactly (the
//! derivative of the soft value with respect to the reward is the occupancy).

use ndarray::{Array2, Array3, ArrayView2};
use rewardlab_core::mdp::{Mdp, state_occupancy};

use crate::RewardsError;

/// How far ahead the soft-optimal agent plans and whose steps count in an occupancy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Horizon {
    /// H decisions (t = 0 … H − 1), then nothing; γ may be 1.
    Finite(usize),
    /// Discounted forever; needs γ < 1.
    Infinite,
}

impl Horizon {
    /// Fails on H = 0, or on an infinite horizon with γ ≥ 1.
    pub fn validate(self, gamma: f64) -> Result<(), RewardsError> {
        match self {
            Self::Finite(0) => Err(RewardsError::Invalid {
                name: "horizon",
                reason: "a finite horizon needs at least one step".into(),
            }),
            Self::Infinite if gamma >= 1.0 => Err(RewardsError::Invalid {
                name: "horizon",
                reason: format!(
                    "an infinite horizon needs γ < 1 (γ = {gamma}); give a finite horizon"
                ),
            }),
            _ => Ok(()),
        }
    }
}

/// A policy table, either one for every step or one per step t = 0 … H − 1.
#[derive(Debug, Clone, PartialEq)]
pub enum Policy {
    /// π(a|s), shape (S, A), at every step.
    Stationary(Array2<f64>),
    /// π_t(a|s) for t = 0 … H − 1.
    PerStep(Vec<Array2<f64>>),
}

impl Policy {
    /// The table used at step t (the last one past the end of a per-step policy).
    pub fn at(&self, t: usize) -> ArrayView2<'_, f64> {
        match self {
            Self::Stationary(p) => p.view(),
            Self::PerStep(steps) => steps[t.min(steps.len().saturating_sub(1))].view(),
        }
    }
}

/// The soft-optimal policy of a reward and its values at t = 0.
#[derive(Debug, Clone, PartialEq)]
pub struct SoftPlan {
    /// π (per step for a finite horizon).
    pub policy: Policy,
    /// V_0(s), 0 at terminal states.
    pub values: Vec<f64>,
}

impl SoftPlan {
    /// log Z = Σ_s μ0(s) V_0(s), the log-partition term of the MCE dual.
    pub fn log_partition(&self, mdp: &Mdp) -> f64 {
        mdp.initial()
            .iter()
            .zip(&self.values)
            .map(|(p, v)| p * v)
            .sum()
    }
}

/// Sweeps an infinite-horizon soft value iteration may take.
const MAX_SWEEPS: usize = 1_000_000;

/// The soft-optimal policy of `mdp`'s rewards (see the module docs). `warm` seeds the values
/// of an infinite-horizon solve; `tolerance` is its stopping change in the sup norm.
pub fn soft_plan(
    mdp: &Mdp,
    horizon: Horizon,
    warm: Option<&[f64]>,
    tolerance: f64,
) -> Result<SoftPlan, RewardsError> {
    horizon.validate(mdp.gamma())?;
    let (n, m) = (mdp.n_states(), mdp.n_actions());
    let uniform = || Array2::from_elem((n, m), 1.0 / m as f64);
    match horizon {
        Horizon::Finite(h) => {
            let mut v = vec![0.0; n];
            let mut next_v = vec![0.0; n];
            let mut steps = Vec::with_capacity(h);
            for _ in 0..h {
                let mut pi = uniform();
                soft_backup(mdp, &next_v, &mut v, Some(&mut pi));
                std::mem::swap(&mut v, &mut next_v);
                steps.push(pi);
            }
            steps.reverse();
            Ok(SoftPlan {
                policy: Policy::PerStep(steps),
                values: next_v,
            })
        }
        Horizon::Infinite => {
            let mut v = match warm {
                Some(w) if w.len() == n && w.iter().all(|x| x.is_finite()) => w.to_vec(),
                _ => vec![0.0; n],
            };
            let mut out = vec![0.0; n];
            for _ in 0..MAX_SWEEPS {
                // Values only while sweeping; the policy once, from the converged values.
                soft_backup(mdp, &v, &mut out, None);
                let change = out
                    .iter()
                    .zip(&v)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f64::max);
                if !change.is_finite() {
                    return Err(RewardsError::Invalid {
                        name: "reward",
                        reason: "soft value iteration diverged".into(),
                    });
                }
                std::mem::swap(&mut v, &mut out);
                let scale = v.iter().fold(1.0f64, |m, x| m.max(x.abs()));
                if change <= tolerance * scale {
                    let mut pi = uniform();
                    soft_backup(mdp, &v, &mut out, Some(&mut pi));
                    return Ok(SoftPlan {
                        policy: Policy::Stationary(pi),
                        values: v,
                    });
                }
            }
            Err(RewardsError::Invalid {
                name: "reward",
                reason: format!("soft value iteration did not converge in {MAX_SWEEPS} sweeps"),
            })
        }
    }
}

/// One soft Bellman backup from V′ into `v`, and into `pi` (rows of non-terminal states)
/// the Boltzmann policy of Q when asked. Terminal states keep V = 0.
fn soft_backup(mdp: &Mdp, next_v: &[f64], v: &mut [f64], mut pi: Option<&mut Array2<f64>>) {
    let (m, gamma) = (mdp.n_actions(), mdp.gamma());
    let reward = mdp.expected_rewards();
    let mut q = vec![0.0; m];
    for (s, vs) in v.iter_mut().enumerate() {
        if mdp.is_terminal(s) {
            *vs = 0.0;
            continue;
        }
        for (a, qa) in q.iter_mut().enumerate() {
            let sa = s * m + a;
            *qa = reward[sa] + gamma * mdp.expected_next_value(sa, next_v);
        }
        let row = pi.as_mut().and_then(|p| p.row_mut(s).into_slice());
        *vs = log_sum_exp(&q, row);
    }
}

/// log Σ_a exp(q_a), computed from the maximum so no exponent is positive; fills `policy`
/// (when given, same length) with the softmax exp(q_a − log Σ exp q).
pub(super) fn log_sum_exp(q: &[f64], policy: Option<&mut [f64]>) -> f64 {
    let max = q.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let total = max + q.iter().map(|&x| (x - max).exp()).sum::<f64>().ln();
    if let Some(p) = policy {
        for (p, &x) in p.iter_mut().zip(q) {
            *p = (x - total).exp();
        }
    }
    total
}

/// ρ(s, a, s′) of `policy` on `mdp` from its initial distribution (see the module docs).
pub fn occupancy(
    mdp: &Mdp,
    policy: &Policy,
    horizon: Horizon,
) -> Result<Array3<f64>, RewardsError> {
    horizon.validate(mdp.gamma())?;
    let (n, m, gamma) = (mdp.n_states(), mdp.n_actions(), mdp.gamma());
    let tables: Vec<&Array2<f64>> = match policy {
        Policy::Stationary(p) => vec![p],
        Policy::PerStep(steps) => steps.iter().collect(),
    };
    if tables.is_empty() || tables.iter().any(|p| p.dim() != (n, m)) {
        return Err(RewardsError::Invalid {
            name: "policy",
            reason: format!("every table must have shape ({n}, {m}), and there must be one"),
        });
    }
    let mut rho = Array3::zeros((n, m, n));
    // Adds weight·d(s)π(a|s)P(s′|s,a) to ρ and, when asked, d(s)π(a|s)P(s′|s,a) to the next
    // step's state distribution: one pass over the successors for both.
    let spread = |d: &[f64],
                  pi: ArrayView2<'_, f64>,
                  weight: f64,
                  rho: &mut Array3<f64>,
                  mut next: Option<&mut [f64]>| {
        for (s, &ds) in d.iter().enumerate() {
            if ds == 0.0 || mdp.is_terminal(s) {
                continue;
            }
            for a in 0..m {
                let w = ds * pi[[s, a]];
                if w == 0.0 {
                    continue;
                }
                for t in mdp.successors(s, a) {
                    rho[[s, a, t.next]] += weight * w * t.prob;
                    if let Some(next) = next.as_deref_mut() {
                        next[t.next] += w * t.prob;
                    }
                }
            }
        }
    };
    match horizon {
        Horizon::Finite(h) => {
            let mut d = mdp.initial().to_vec();
            let mut next = vec![0.0; n];
            let mut discount = 1.0;
            for t in 0..h {
                next.fill(0.0);
                spread(&d, policy.at(t), discount, &mut rho, Some(&mut next));
                std::mem::swap(&mut d, &mut next);
                discount *= gamma;
            }
        }
        Horizon::Infinite => {
            let Policy::Stationary(pi) = policy else {
                return Err(RewardsError::Invalid {
                    name: "policy",
                    reason: "an infinite-horizon occupancy needs a stationary policy".into(),
                });
            };
            let d = state_occupancy(mdp, pi)?.to_vec();
            spread(&d, pi.view(), 1.0, &mut rho, None);
        }
    }
    Ok(rho)
}
