//! Policy evaluation: V^π solves V = r_π + γ P_π V.
//!
//! - [`evaluate_policy`] / [`evaluate_actions`] solve (I − γ P_π) V = r_π exactly with a
//!   sparse LU (see [`super::linear`]); terminal states get V = 0. With γ = 1 a policy under
//!   which some state never reaches a terminal state has no finite value, and the error
//!   names such a state.
//! - [`evaluate_policy_iterative`] repeats the synchronous backup from V = 0 until the
//!   sup-norm change is below the tolerance: no factorisation, memory linear in the model,
//!   and it also serves as an independent check of the exact solver.

use ndarray::{Array1, ArrayRef2};

use super::bellman::sup_change;
use super::linear::{PolicyRef, check_terminates, factorize, policy_rewards, solve_in_place};
use super::policy::validate_policy;
use super::{Mdp, PlanError, ValueIterationConfig};

/// V^π of a stochastic policy (an (S, A) table), by an exact sparse solve.
pub fn evaluate_policy(mdp: &Mdp, policy: &ArrayRef2<f64>) -> Result<Array1<f64>, PlanError> {
    validate_policy(policy, mdp.n_states(), mdp.n_actions())?;
    exact(mdp, PolicyRef::Table(policy)).map(Array1::from)
}

/// V^π of a deterministic policy (`actions[s]` in state `s`), by an exact sparse solve.
pub fn evaluate_actions(mdp: &Mdp, actions: &[usize]) -> Result<Array1<f64>, PlanError> {
    check_actions(mdp, actions)?;
    exact(mdp, PolicyRef::Actions(actions)).map(Array1::from)
}

/// V^π of a stochastic policy by iterating the policy's Bellman backup from V = 0.
///
/// Fails with [`PlanError::NotConverged`] when `config.max_iterations` sweeps do not bring the
/// sup-norm change below `config.tolerance` (for γ < 1 the error to V^π is then at most
/// γ·tol/(1 − γ)).
pub fn evaluate_policy_iterative(
    mdp: &Mdp,
    policy: &ArrayRef2<f64>,
    config: &ValueIterationConfig,
) -> Result<Array1<f64>, PlanError> {
    config.validate()?;
    validate_policy(policy, mdp.n_states(), mdp.n_actions())?;
    let policy = PolicyRef::Table(policy);
    let reward = policy_rewards(mdp, policy);
    let (n_actions, gamma) = (mdp.n_actions(), mdp.gamma());
    let mut v = vec![0.0; mdp.n_states()];
    let mut out = vec![0.0; mdp.n_states()];
    let mut residual = f64::INFINITY;
    for iteration in 1..=config.max_iterations {
        residual = 0.0f64;
        for (s, o) in out.iter_mut().enumerate() {
            let mut future = 0.0;
            policy.for_each(s, |a, pa| {
                future += pa * mdp.expected_next_value(s * n_actions + a, &v);
            });
            *o = reward[s] + gamma * future;
            residual = sup_change(residual, (*o - v[s]).abs());
        }
        std::mem::swap(&mut v, &mut out);
        if !residual.is_finite() {
            return Err(PlanError::Diverged {
                iterations: iteration,
            });
        }
        if residual < config.tolerance {
            return Ok(Array1::from(v));
        }
    }
    Err(PlanError::NotConverged {
        iterations: config.max_iterations,
        residual,
        tolerance: config.tolerance,
    })
}

/// Range-checks a deterministic policy against a model.
pub(crate) fn check_actions(mdp: &Mdp, actions: &[usize]) -> Result<(), PlanError> {
    if actions.len() != mdp.n_states() {
        return Err(PlanError::Shape {
            what: "deterministic policy",
            expected: (mdp.n_states(), 1),
            got: (actions.len(), 1),
        });
    }
    match actions.iter().position(|&a| a >= mdp.n_actions()) {
        Some(state) => Err(PlanError::UnknownAction {
            state,
            action: actions[state],
            n_actions: mdp.n_actions(),
        }),
        None => Ok(()),
    }
}

/// Solves (I − γP_π) V = r_π with terminal rows pinned to V = 0.
pub(crate) fn exact(mdp: &Mdp, policy: PolicyRef<'_>) -> Result<Vec<f64>, PlanError> {
    if mdp.gamma() >= 1.0 {
        check_terminates(mdp, policy)?;
    }
    let mut v = policy_rewards(mdp, policy);
    for (s, r) in v.iter_mut().enumerate() {
        if mdp.is_terminal(s) {
            *r = 0.0;
        }
    }
    let lu = factorize(mdp, policy, true)?;
    solve_in_place(&lu, &mut v, false)?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use ndarray::array;
    use proptest::prelude::*;

    use super::super::test_mdps::{chain, grid, random_mdp, random_policy};
    use super::super::{MdpBuilder, uniform_policy};
    use super::*;

    #[test]
    fn chain_values_by_hand() -> Result<(), PlanError> {
        let mdp = chain();
        // Always a0: V(1) = 10, V(0) = −1 + 0.9·10 = 8.
        let v = evaluate_actions(&mdp, &[0, 0, 0])?;
        assert!((v[0] - 8.0).abs() < 1e-12 && (v[1] - 10.0).abs() < 1e-12 && v[2] == 0.0);
        // Uniform: V(1) = ½·10 + ½·0.9·V(1) => V(1) = 5/0.55;
        // V(0) = ½(−1 + 0.9·V(1)) + ½·0.9·V(0) => V(0) = (−1 + 0.9·V(1))/1.1.
        let v = evaluate_policy(&mdp, &uniform_policy(3, 2)?)?;
        let v1 = 5.0 / 0.55;
        let v0 = (-1.0 + 0.9 * v1) / 1.1;
        assert!((v[1] - v1).abs() < 1e-12, "{} vs {v1}", v[1]);
        assert!((v[0] - v0).abs() < 1e-12, "{} vs {v0}", v[0]);
        Ok(())
    }

    #[test]
    fn undiscounted_proper_policy_has_finite_values() -> Result<(), PlanError> {
        // γ = 1 grid, always "right" then "down" along the last column: V = −distance.
        let (w, h) = (4, 3);
        let mdp = grid(w, h, 1.0);
        let actions: Vec<usize> = (0..w * h)
            .map(|s| if s % w == w - 1 { 2 } else { 1 })
            .collect();
        let v = evaluate_actions(&mdp, &actions)?;
        for s in 0..w * h {
            let d = (w - 1 - s % w) + (h - 1 - s / w);
            assert!((v[s] + d as f64).abs() < 1e-12, "state {s}: {}", v[s]);
        }
        Ok(())
    }

    #[test]
    fn undiscounted_looping_policy_is_an_error_naming_the_state() {
        let mdp = grid(3, 3, 1.0);
        // Right everywhere, down in the right column, except that 1 moves down into the
        // centre 4, which moves up back into 1. States 0 (-> 1), 1, 3 (-> 4) and 4 never
        // terminate; 0 is the first.
        let mut actions = vec![1; 9];
        actions[2] = 2;
        actions[5] = 2;
        actions[1] = 2;
        actions[4] = 0;
        let err = evaluate_actions(&mdp, &actions).expect_err("1 <-> 4 loops forever");
        assert_eq!(err, PlanError::NonTerminating { state: 0 });
        actions[0] = 2;
        actions[3] = 2;
        assert_eq!(
            evaluate_actions(&mdp, &actions),
            Err(PlanError::NonTerminating { state: 1 })
        );
        assert!(err.to_string().contains("singular"));
        // A model with no terminal state at all never terminates from state 0.
        let mut b = MdpBuilder::new(2, 1);
        b.transition(0, 0, 1, 1.0, 1.0)
            .transition(1, 0, 0, 1.0, 1.0);
        let mdp = b.build().expect("valid");
        assert_eq!(
            evaluate_actions(&mdp, &[0, 0]),
            Err(PlanError::NonTerminating { state: 0 })
        );
        // With γ < 1 the same loop is fine: V = 1/(1 − γ).
        let v = evaluate_actions(&mdp.with_gamma(0.5).expect("valid γ"), &[0, 0])
            .expect("γ < 1 is never singular");
        assert!((v[0] - 2.0).abs() < 1e-12);
    }

    #[test]
    fn bad_policies_are_rejected() {
        let mdp = chain();
        assert!(matches!(
            evaluate_policy(&mdp, &array![[1.0, 0.0]]),
            Err(PlanError::Shape { what: "policy", .. })
        ));
        assert_eq!(
            evaluate_actions(&mdp, &[0, 2, 0]),
            Err(PlanError::UnknownAction {
                state: 1,
                action: 2,
                n_actions: 2
            })
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn exact_and_iterative_agree(
            seed in 0u64..10_000,
            n_states in 1usize..12,
            n_actions in 1usize..4,
            gamma in 0.0f64..0.95,
        ) {
            let mdp = random_mdp(seed, n_states, n_actions, false, gamma);
            let policy = random_policy(seed, n_states, n_actions);
            let exact = evaluate_policy(&mdp, &policy)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let config = ValueIterationConfig { tolerance: 1e-12, max_iterations: 100_000 };
            let iterative = evaluate_policy_iterative(&mdp, &policy, &config)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            for s in 0..n_states {
                prop_assert!((exact[s] - iterative[s]).abs() < 1e-9,
                    "state {}: exact {} iterative {}", s, exact[s], iterative[s]);
            }
            if n_states > 1 {
                prop_assert_eq!(exact[n_states - 1], 0.0);
            }
        }
    }
}
