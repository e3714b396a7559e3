//! Soft (maximum-entropy) value iteration at temperature τ.
//!
//! The hard max of the Bellman backup becomes a log-sum-exp:
//!
//!   Q(s,a) = r̄(s,a) + γ Σ_{s′} P(s′|s,a) V(s′),   V(s) = τ · log Σ_a exp(Q(s,a)/τ),
//!
//! whose fixed point is the value of the entropy-regularised objective
//! E[Σ_t γ^t (r_t + τ H(π(·|s_t)))], with optimal policy π(a|s) = exp((Q(s,a) − V(s))/τ),
//! the Boltzmann policy of Q. This is the backward pass of MaxEnt / MCE inverse RL.
//!
//! Log-sum-exp is computed as m + τ·log Σ_a exp((Q(s,a) − m)/τ) with m = max_a Q(s,a):
//! every exponent is ≤ 0, so nothing overflows however small τ is, and the sum is in [1, A].
//!
//! Terminal states are absorbing with no further choice, so their value stays 0 (the
//! log-sum-exp of A zero rewards would otherwise credit them τ·ln A of entropy per step).
//!
//! Since max ≤ log-sum-exp ≤ max + τ ln|A|, the soft backup exceeds the hard one by at most
//! τ ln|A| per step, so 0 ≤ V_soft − V* ≤ τ ln|A| / (1 − γ) for γ < 1: soft values tend to
//! the optimal values as τ → 0.

use ndarray::{Array1, Array2};

use super::bellman::{fill_q, sup_change};
use super::policy::{boltzmann_policy, check_temperature};
use super::{Mdp, PlanError, ValueIterationConfig};

/// The result of [`soft_value_iteration`].
#[derive(Debug, Clone, PartialEq)]
pub struct SoftSolution {
    /// Soft state values V(s) (0 at terminal states).
    pub values: Array1<f64>,
    /// Soft action values Q(s, a) computed from `values`.
    pub q: Array2<f64>,
    /// The Boltzmann policy π(a|s) ∝ exp(Q(s,a)/τ), shape (S, A).
    pub policy: Array2<f64>,
    /// Sweeps performed.
    pub iterations: usize,
}

/// Soft value iteration from V = 0 until the sup-norm change is below `config.tolerance`.
///
/// Fails when τ is not positive and finite, or with [`PlanError::NotConverged`] when the cap
/// is reached (with γ = 1 the entropy bonus alone keeps growing in any non-terminating state).
pub fn soft_value_iteration(
    mdp: &Mdp,
    temperature: f64,
    config: &ValueIterationConfig,
) -> Result<SoftSolution, PlanError> {
    check_temperature(temperature)?;
    config.validate()?;
    let (n_states, n_actions) = (mdp.n_states(), mdp.n_actions());
    let mut v = vec![0.0; n_states];
    let mut out = vec![0.0; n_states];
    let mut q_row = vec![0.0; n_actions];
    let mut residual = f64::INFINITY;
    for iteration in 1..=config.max_iterations {
        residual = soft_sweep(mdp, temperature, &v, &mut out, &mut q_row);
        std::mem::swap(&mut v, &mut out);
        if !residual.is_finite() {
            return Err(PlanError::Diverged {
                iterations: iteration,
            });
        }
        if residual < config.tolerance {
            let mut q = vec![0.0; n_states * n_actions];
            fill_q(mdp, &v, &mut q);
            let q = Array2::from_shape_vec((n_states, n_actions), q)
                .map_err(|e| PlanError::Solver(e.to_string()))?;
            let policy = boltzmann_policy(&q, temperature)?;
            return Ok(SoftSolution {
                values: Array1::from(v),
                q,
                policy,
                iterations: iteration,
            });
        }
    }
    Err(PlanError::NotConverged {
        iterations: config.max_iterations,
        residual,
        tolerance: config.tolerance,
    })
}

/// One synchronous soft backup; returns the sup-norm change.
fn soft_sweep(mdp: &Mdp, tau: f64, v: &[f64], out: &mut [f64], q_row: &mut [f64]) -> f64 {
    let (n_actions, gamma) = (mdp.n_actions(), mdp.gamma());
    let reward = mdp.expected_rewards();
    let mut residual = 0.0f64;
    for (s, o) in out.iter_mut().enumerate() {
        if mdp.is_terminal(s) {
            *o = 0.0;
            residual = sup_change(residual, v[s].abs());
            continue;
        }
        let mut max = f64::NEG_INFINITY;
        for (a, q) in q_row.iter_mut().enumerate() {
            let sa = s * n_actions + a;
            *q = reward[sa] + gamma * mdp.expected_next_value(sa, v);
            max = max.max(*q);
        }
        let sum: f64 = q_row.iter().map(|&q| ((q - max) / tau).exp()).sum();
        *o = max + tau * sum.ln();
        residual = sup_change(residual, (*o - v[s]).abs());
    }
    residual
}

#[cfg(test)]
mod tests {
    use super::super::MdpBuilder;
    use super::super::policy::validate_policy;
    use super::super::test_mdps::{grid, random_mdp};
    use super::super::value_iteration;
    use super::*;

    fn config() -> ValueIterationConfig {
        ValueIterationConfig {
            tolerance: 1e-12,
            ..Default::default()
        }
    }

    #[test]
    fn one_step_choice_is_a_log_sum_exp() -> Result<(), PlanError> {
        // State 0 picks one of three rewards and ends in the terminal state 1.
        let rewards = [1.0, 2.0, 2.0];
        let mut b = MdpBuilder::new(2, 3).gamma(0.9);
        for (a, r) in rewards.into_iter().enumerate() {
            b.transition(0, a, 1, 1.0, r);
        }
        b.terminal(1);
        let mdp = b.build().expect("valid");
        let tau = 0.5;
        let sol = soft_value_iteration(&mdp, tau, &config())?;
        let expect = tau * rewards.iter().map(|r| (r / tau).exp()).sum::<f64>().ln();
        assert!((sol.values[0] - expect).abs() < 1e-12);
        assert_eq!(sol.values[1], 0.0);
        // π ∝ exp(r/τ): the two reward-2 actions are e² times as likely as the first.
        let p = sol.policy.row(0);
        assert!((p[1] / p[0] - 2.0f64.exp()).abs() < 1e-9 && (p[1] - p[2]).abs() < 1e-15);
        validate_policy(&sol.policy, 2, 3)?;
        // Equal rewards attain the bound exactly: V_soft − V* = τ ln|A|.
        let flat = mdp.map_rewards(|_, _, _, _| 1.0).expect("finite rewards");
        let sol = soft_value_iteration(&flat, tau, &config())?;
        assert!((sol.values[0] - (1.0 + tau * 3.0f64.ln())).abs() < 1e-12);
        Ok(())
    }

    #[test]
    fn soft_values_tend_to_optimal_values_as_temperature_falls() -> Result<(), PlanError> {
        for mdp in [grid(5, 4, 0.9), random_mdp(21, 25, 3, false, 0.9)] {
            let hard = value_iteration(&mdp, &config())?;
            let bound_per_tau = (mdp.n_actions() as f64).ln() / (1.0 - mdp.gamma());
            let mut last_error = f64::INFINITY;
            for tau in [1e-1, 1e-2, 1e-3] {
                let soft = soft_value_iteration(&mdp, tau, &config())?;
                let gap = &soft.values - &hard.values;
                // log-sum-exp ≥ max: soft values never fall below the optimal ones.
                assert!(gap.iter().all(|&g| g > -1e-9), "τ = {tau}: {gap}");
                let error = gap.iter().fold(0.0f64, |m, g| m.max(g.abs()));
                assert!(error <= tau * bound_per_tau + 1e-9, "τ = {tau}: {error}");
                assert!(error < last_error, "τ = {tau}: {error} ≥ {last_error}");
                last_error = error;
            }
            // At small τ the Boltzmann policy concentrates on the greedy action.
            let soft = soft_value_iteration(&mdp, 1e-4, &config())?;
            for (s, &a) in hard.policy.iter().enumerate() {
                let row = hard.q.row(s);
                let clear = row
                    .iter()
                    .enumerate()
                    .all(|(b, &x)| b == a || row[a] - x > 1e-2);
                if clear && !mdp.is_terminal(s) {
                    assert!(soft.policy[[s, a]] > 0.99, "state {s}");
                }
            }
        }
        Ok(())
    }

    #[test]
    fn bad_temperature_and_entropy_loops_are_errors() {
        let mdp = grid(2, 2, 0.9);
        for bad in [0.0, -0.1, f64::NAN] {
            assert!(matches!(
                soft_value_iteration(&mdp, bad, &config()),
                Err(PlanError::Temperature(_))
            ));
        }
        // γ = 1 and no terminal state: the entropy bonus grows by τ ln 2 every sweep.
        let mut b = MdpBuilder::new(1, 2);
        b.transition(0, 0, 0, 1.0, 0.0)
            .transition(0, 1, 0, 1.0, 0.0);
        let mdp = b.build().expect("valid");
        let capped = ValueIterationConfig {
            tolerance: 1e-8,
            max_iterations: 10,
        };
        match soft_value_iteration(&mdp, 1.0, &capped) {
            Err(PlanError::NotConverged { residual, .. }) => {
                assert!((residual - 2.0f64.ln()).abs() < 1e-12)
            }
            other => panic!("expected NotConverged, got {other:?}"),
        }
    }
}
