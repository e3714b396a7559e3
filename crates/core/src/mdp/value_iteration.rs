//! Synchronous (Jacobi) value iteration: V_{k+1}(s) = max_a Σ_{s′} P (R + γ V_k(s′)).
//!
//! Every sweep reads only V_k, so the result does not depend on state order and the sweep can
//! be split across threads (see [`super::bellman`]). Two buffers are swapped between sweeps;
//! nothing is allocated inside the loop. Iteration starts from V_0 = 0, which keeps terminal
//! states (absorbing, reward 0) at exactly 0 for any γ, and stops after the first sweep whose
//! sup-norm change ‖V_{k+1} − V_k‖_∞ is below the tolerance. For γ < 1 the backup is a
//! γ-contraction, so the returned V is within γ·tol/(1 − γ) of V*.
//!
//! The returned policy is greedy with respect to Q computed from the final V, exact ties
//! broken to the lowest action index.

use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use super::bellman::{fill_q, optimal_sweep};
use super::policy::argmax_lowest;
use super::{Mdp, PlanError};

/// Stopping rule shared by value iteration, soft value iteration and iterative evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ValueIterationConfig {
    /// Stop after the first sweep whose sup-norm change ‖V_{k+1} − V_k‖_∞ is below this.
    pub tolerance: f64,
    /// Give up (with [`PlanError::NotConverged`]) after this many sweeps.
    pub max_iterations: usize,
}

impl Default for ValueIterationConfig {
    fn default() -> Self {
        Self {
            tolerance: 1e-8,
            max_iterations: 100_000,
        }
    }
}

impl ValueIterationConfig {
    /// Fails unless the tolerance is positive and finite and at least one sweep is allowed.
    pub fn validate(&self) -> Result<(), PlanError> {
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err(PlanError::Config(format!(
                "tolerance {} must be positive and finite",
                self.tolerance
            )));
        }
        if self.max_iterations == 0 {
            return Err(PlanError::Config(
                "max_iterations must be at least 1".into(),
            ));
        }
        Ok(())
    }
}

/// The result of a planner.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// State values V(s).
    pub values: Array1<f64>,
    /// Action values Q(s, a) computed from `values`.
    pub q: Array2<f64>,
    /// One greedy action per state. From [`value_iteration`], greedy for `q` with exact ties
    /// broken to the lowest action index; from [`super::policy_iteration`], the stable policy
    /// it stopped at, which is greedy up to [`super::IMPROVEMENT_MARGIN`] and keeps its own
    /// choice among (near-)tied actions, so it may differ from value iteration's policy
    /// wherever optimal actions tie.
    pub policy: Vec<usize>,
    /// Sweeps (value iteration) or improvement steps (policy iteration) performed.
    pub iterations: usize,
}

/// Optimal values, Q and a greedy policy by synchronous value iteration.
///
/// Fails with [`PlanError::NotConverged`] (carrying the last residual) when
/// `config.max_iterations` sweeps do not bring the change below `config.tolerance`, which is
/// what happens with γ = 1 when some state can collect reward forever, and with
/// [`PlanError::Diverged`] when values overflow `f64`.
pub fn value_iteration(mdp: &Mdp, config: &ValueIterationConfig) -> Result<Solution, PlanError> {
    config.validate()?;
    let mut v = vec![0.0; mdp.n_states()];
    let mut next = vec![0.0; mdp.n_states()];
    let mut residual = f64::INFINITY;
    for iteration in 1..=config.max_iterations {
        residual = optimal_sweep(mdp, &v, &mut next);
        std::mem::swap(&mut v, &mut next);
        if !residual.is_finite() {
            return Err(PlanError::Diverged {
                iterations: iteration,
            });
        }
        if residual < config.tolerance {
            return solution_from_values(mdp, v, iteration);
        }
    }
    Err(PlanError::NotConverged {
        iterations: config.max_iterations,
        residual,
        tolerance: config.tolerance,
    })
}

/// Q from `v` and the greedy policy of that Q, packed as a [`Solution`].
pub(crate) fn solution_from_values(
    mdp: &Mdp,
    v: Vec<f64>,
    iterations: usize,
) -> Result<Solution, PlanError> {
    let n_actions = mdp.n_actions();
    let mut q = vec![0.0; mdp.n_states() * n_actions];
    fill_q(mdp, &v, &mut q);
    let policy = q.chunks_exact(n_actions).map(argmax_lowest).collect();
    let q = Array2::from_shape_vec((mdp.n_states(), n_actions), q)
        .map_err(|e| PlanError::Solver(e.to_string()))?;
    Ok(Solution {
        values: Array1::from(v),
        q,
        policy,
        iterations,
    })
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::super::MdpBuilder;
    use super::super::test_mdps::{chain, grid};
    use super::*;

    #[test]
    fn chain_values_by_hand() -> Result<(), PlanError> {
        let sol = value_iteration(&chain(), &ValueIterationConfig::default())?;
        // V(1) = 10, V(0) = −1 + 0.9·10 = 8, exact after two sweeps; the third sees no change.
        assert_eq!(sol.values, array![8.0, 10.0, 0.0]);
        assert_eq!(sol.policy, vec![0, 0, 0]);
        assert_eq!(sol.iterations, 3);
        assert_eq!(sol.q[[0, 1]], 0.9 * 8.0);
        Ok(())
    }

    #[test]
    fn grid_values_are_discounted_distances() -> Result<(), PlanError> {
        // V(s) = −(1 − γ^d)/(1 − γ) with d the Manhattan distance to the goal corner.
        let (w, h, gamma) = (7, 5, 0.99);
        let sol = value_iteration(&grid(w, h, gamma), &ValueIterationConfig::default())?;
        for y in 0..h {
            for x in 0..w {
                let d = ((w - 1 - x) + (h - 1 - y)) as i32;
                let expect = -(1.0 - gamma.powi(d)) / (1.0 - gamma);
                let got = sol.values[y * w + x];
                assert!(
                    (got - expect).abs() < 1e-12,
                    "({x}, {y}): {got} vs {expect}"
                );
            }
        }
        // From (0, 0) right (1) and down (2) tie exactly; the lower index wins.
        assert_eq!(sol.policy[0], 1);
        assert_eq!(sol.q[[0, 1]], sol.q[[0, 2]]);
        // Bottom row can only go right; right column only down.
        assert_eq!(sol.policy[(h - 1) * w], 1);
        assert_eq!(sol.policy[w - 1], 2);
        // Deterministic shortest paths are exact after max-distance sweeps, plus one to see it.
        assert_eq!(sol.iterations, (w - 1) + (h - 1) + 1);
        Ok(())
    }

    #[test]
    fn undiscounted_reward_loop_does_not_converge() {
        let mut b = MdpBuilder::new(1, 1);
        b.transition(0, 0, 0, 1.0, 1.0);
        let mdp = b.build().expect("valid");
        let config = ValueIterationConfig {
            tolerance: 1e-8,
            max_iterations: 50,
        };
        assert_eq!(
            value_iteration(&mdp, &config),
            Err(PlanError::NotConverged {
                iterations: 50,
                residual: 1.0,
                tolerance: 1e-8
            })
        );
    }

    /// Values that overflow to infinity give inf − inf = NaN changes, which `f64::max` would
    /// drop: every sweep-based method must report divergence instead of convergence.
    #[test]
    fn overflowing_values_are_divergence_not_convergence() {
        let mut b = MdpBuilder::new(2, 1).gamma(0.99);
        b.transition(0, 0, 0, 1.0, 1e308)
            .terminal(1)
            .initial_state(0);
        let mdp = b.build().expect("valid");
        let config = ValueIterationConfig::default();
        assert!(matches!(
            value_iteration(&mdp, &config),
            Err(PlanError::Diverged { .. })
        ));
        let policy = crate::mdp::uniform_policy(2, 1).expect("one action");
        assert!(matches!(
            crate::mdp::evaluate_policy_iterative(&mdp, &policy, &config),
            Err(PlanError::Diverged { .. })
        ));
        assert!(matches!(
            crate::mdp::soft_value_iteration(&mdp, 0.5, &config),
            Err(PlanError::Diverged { .. } | PlanError::NotConverged { .. })
        ));
    }

    #[test]
    fn config_is_validated_and_has_serde_defaults() {
        for bad in [0.0, -1.0, f64::NAN] {
            let config = ValueIterationConfig {
                tolerance: bad,
                ..Default::default()
            };
            assert!(matches!(
                value_iteration(&chain(), &config),
                Err(PlanError::Config(_))
            ));
        }
        let zero = ValueIterationConfig {
            max_iterations: 0,
            ..Default::default()
        };
        assert!(matches!(zero.validate(), Err(PlanError::Config(_))));
        let parsed: ValueIterationConfig =
            serde_json::from_str(r#"{"tolerance": 1e-6}"#).expect("partial config parses");
        assert_eq!(parsed.max_iterations, 100_000);
        assert_eq!(parsed.tolerance, 1e-6);
    }
}
