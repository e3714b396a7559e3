//! [`DistanceModel`]: the dynamics rewards are compared on, and [`Reward`], a validated
//! R(s, a, s′) tensor on them.

use ndarray::Array3;
use rewardlab_core::mdp::Mdp;

use crate::RewardsError;

/// Dynamics τ(s, a, s′), γ and the initial distribution of an [`Mdp`], with τ dense (for the
/// tensor arithmetic) and its support per (s, a) (for the sums that only need successors).
#[derive(Debug, Clone)]
pub struct DistanceModel {
    mdp: Mdp,
    tau: Array3<f64>,
    /// `support[s * A + a]`: the successors s′ with τ(s, a, s′) > 0 and their probabilities.
    support: Vec<Vec<(usize, f64)>>,
}

/// A reward tensor checked against a [`DistanceModel`]: shape (S, A, S), finite entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Reward(pub(crate) Array3<f64>);

impl Reward {
    /// The tensor.
    pub fn tensor(&self) -> &Array3<f64> {
        &self.0
    }
}

impl DistanceModel {
    /// The dynamics of `mdp` (its rewards are ignored). Fails if the dense τ would be larger
    /// than core's dense limit.
    pub fn new(mdp: &Mdp) -> Result<Self, RewardsError> {
        let (tau, _) = mdp.to_dense()?;
        let (n, m) = (mdp.n_states(), mdp.n_actions());
        let mut support = Vec::with_capacity(n * m);
        for s in 0..n {
            for a in 0..m {
                let mut row: Vec<(usize, f64)> =
                    mdp.successors(s, a).map(|t| (t.next, t.prob)).collect();
                // One entry per successor (outcomes with different rewards share one).
                row.sort_by_key(|&(next, _)| next);
                row.dedup_by(|later, kept| {
                    let same = later.0 == kept.0;
                    if same {
                        kept.1 += later.1;
                    }
                    same
                });
                row.retain(|&(_, p)| p > 0.0);
                support.push(row);
            }
        }
        Ok(Self {
            mdp: mdp.clone(),
            tau,
            support,
        })
    }

    /// Number of states.
    pub fn n_states(&self) -> usize {
        self.mdp.n_states()
    }

    /// Number of actions.
    pub fn n_actions(&self) -> usize {
        self.mdp.n_actions()
    }

    /// The discount.
    pub fn gamma(&self) -> f64 {
        self.mdp.gamma()
    }

    /// The model (dynamics, γ, initial distribution, terminal states).
    pub fn mdp(&self) -> &Mdp {
        &self.mdp
    }

    /// τ(s, a, s′), dense.
    pub fn tau(&self) -> &Array3<f64> {
        &self.tau
    }

    /// The successors of (s, a) with positive probability, ascending.
    pub fn support(&self, s: usize, a: usize) -> &[(usize, f64)] {
        &self.support[s * self.n_actions() + a]
    }

    /// Checks `r`: shape (S, A, S) and finite entries.
    pub fn reward(&self, r: Array3<f64>) -> Result<Reward, RewardsError> {
        let (n, m) = (self.n_states(), self.n_actions());
        if r.dim() != (n, m, n) {
            return Err(RewardsError::Invalid {
                name: "reward",
                reason: format!("shape {:?}, expected ({n}, {m}, {n})", r.dim()),
            });
        }
        if let Some(((s, a, next), v)) = r.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(RewardsError::Invalid {
                name: "reward",
                reason: format!("R[{s}][{a}][{next}] = {v} is not finite"),
            });
        }
        Ok(Reward(r))
    }

    /// The model with R as its rewards (for planning and exact evaluation).
    pub(crate) fn with_reward(&self, r: &Reward) -> Result<Mdp, RewardsError> {
        Ok(self.mdp.map_rewards(|s, a, next, _| r.0[[s, a, next]])?)
    }

    /// r̄(s, a) = Σ_{s′} τ(s, a, s′) R(s, a, s′), indexed `s * A + a`.
    pub(crate) fn expected(&self, r: &Reward) -> Vec<f64> {
        let (n, m) = (self.n_states(), self.n_actions());
        let mut out = Vec::with_capacity(n * m);
        for s in 0..n {
            for a in 0..m {
                out.push(
                    self.support(s, a)
                        .iter()
                        .map(|&(next, p)| p * r.0[[s, a, next]])
                        .sum(),
                );
            }
        }
        out
    }
}
