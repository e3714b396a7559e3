//! Experts to learn from, computed by planning on the true reward, and behaviour cloning, the
//! baseline that learns a policy without a reward.
//!
//! Three models of a demonstrator, the ones identifiability results are stated for (Skalse
//! et al. 2023):
//!
//! - **optimal**: uniform over the optimal actions of Q* (ties within the checker's
//!   tolerance);
//! - **Boltzmann-rational**: π(a|s) ∝ exp(Q*(s, a)/T), the softmax of the *optimal* Q;
//! - **MCE** (soft-optimal): π(a|s) ∝ exp(Q_soft(s, a)/T) with Q_soft the fixed point of soft
//!   value iteration at temperature T, the policy MCE IRL assumes. From it, a tabular MCE
//!   learner at the same γ recovers the reward up to potential shaping and S′-redistribution.

use ndarray::Array2;
use rewardlab_core::mdp::{Mdp, ValueIterationConfig, boltzmann_policy, soft_value_iteration};

use crate::RewardsError;
use crate::check::{optimal_action_sets, solve_exact};

/// How the demonstrator acts on the true reward.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Expert {
    /// Uniform over the optimal actions.
    Optimal,
    /// Softmax of Q*/T.
    Boltzmann {
        /// T > 0.
        temperature: f64,
    },
    /// Soft-optimal (maximum causal entropy) at temperature T.
    Mce {
        /// T > 0.
        temperature: f64,
    },
}

impl Expert {
    /// The name the CLI and summaries use (`optimal`, `boltzmann`, `mce`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Optimal => "optimal",
            Self::Boltzmann { .. } => "boltzmann",
            Self::Mce { .. } => "mce",
        }
    }

    /// The expert's policy table on `mdp` (its rewards are the truth). Terminal rows are
    /// uniform (never used).
    pub fn policy(self, mdp: &Mdp) -> Result<Array2<f64>, RewardsError> {
        let (n, m) = (mdp.n_states(), mdp.n_actions());
        match self {
            Self::Optimal => {
                let solved = solve_exact(mdp)?;
                let sets = optimal_action_sets(solved.q.view(), mdp.terminal());
                let mut pi = Array2::from_elem((n, m), 1.0 / m as f64);
                for (s, set) in sets.iter().enumerate().filter(|(_, set)| !set.is_empty()) {
                    pi.row_mut(s).fill(0.0);
                    for &a in set {
                        pi[[s, a]] = 1.0 / set.len() as f64;
                    }
                }
                Ok(pi)
            }
            Self::Boltzmann { temperature } => {
                let solved = solve_exact(mdp)?;
                Ok(boltzmann_policy(&solved.q, temperature)?)
            }
            Self::Mce { temperature } => {
                let config = ValueIterationConfig {
                    tolerance: 1e-12,
                    max_iterations: 1_000_000,
                };
                Ok(soft_value_iteration(mdp, temperature, &config)?.policy)
            }
        }
    }
}

/// Behaviour cloning: π(a|s) = the expert's action frequencies in s (`counts`, shape
/// (S, A)), uniform where the expert never acted.
pub fn behaviour_cloning(counts: &Array2<f64>) -> Result<Array2<f64>, RewardsError> {
    if counts.iter().any(|c| !c.is_finite() || *c < 0.0) {
        return Err(RewardsError::Invalid {
            name: "action counts",
            reason: "counts must be finite and non-negative".into(),
        });
    }
    let m = counts.ncols();
    let mut pi = counts.clone();
    for mut row in pi.rows_mut() {
        let total: f64 = row.sum();
        if total > 0.0 {
            row.mapv_inplace(|c| c / total);
        } else {
            row.fill(1.0 / m as f64);
        }
    }
    Ok(pi)
}
