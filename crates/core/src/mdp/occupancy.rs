//! Discounted occupancy measures of a policy (γ < 1).
//!
//! The state occupancy d(s) = Σ_t γ^t P(s_t = s | s_0 ~ μ0, π) satisfies
//! d = μ0 + γ P_πᵀ d, i.e. (I − γ P_π)ᵀ d = μ0, solved with the same sparse LU as policy
//! evaluation (transposed solve, see [`super::linear`]). Here the terminal rows keep their
//! true absorbing dynamics, so time spent in a terminal state after the episode ends counts:
//! Σ_s d(s) = Σ_t γ^t = 1/(1 − γ) exactly. Terminal states pay reward 0, so that mass does
//! not change J.
//!
//! The state–action occupancy is d(s, a) = d(s) π(a|s), and the expected discounted return
//! J(π) = Σ_s μ0(s) V^π(s) = Σ_{s,a} d(s, a) r̄(s, a) (the second form is what inverse RL and
//! reward-distance code use; the tests check the two agree).
//!
//! With γ = 1 the sums diverge, so every function here refuses it.

use ndarray::{Array1, Array2, ArrayRef2};

use super::evaluation::evaluate_policy;
use super::linear::{PolicyRef, factorize, solve_in_place};
use super::policy::validate_policy;
use super::{Mdp, PlanError};

/// d(s) = Σ_t γ^t P(s_t = s) from the model's initial distribution under `policy`.
pub fn state_occupancy(mdp: &Mdp, policy: &ArrayRef2<f64>) -> Result<Array1<f64>, PlanError> {
    check_discounted(mdp)?;
    validate_policy(policy, mdp.n_states(), mdp.n_actions())?;
    let lu = factorize(mdp, PolicyRef::Table(policy), false)?;
    let mut d = mdp.initial().to_vec();
    solve_in_place(&lu, &mut d, true)?;
    // The exact solution is non-negative; clip solver round-off so callers can take logs.
    d.iter_mut().for_each(|x| *x = x.max(0.0));
    Ok(Array1::from(d))
}

/// d(s, a) = d(s) π(a|s), shape (S, A).
pub fn state_action_occupancy(
    mdp: &Mdp,
    policy: &ArrayRef2<f64>,
) -> Result<Array2<f64>, PlanError> {
    let d = state_occupancy(mdp, policy)?;
    let mut out = policy.to_owned();
    for (mut row, &ds) in out.rows_mut().into_iter().zip(d.iter()) {
        row.mapv_inplace(|p| p * ds);
    }
    Ok(out)
}

/// J(π) = Σ_s μ0(s) V^π(s), the expected discounted return from the initial distribution.
pub fn expected_return(mdp: &Mdp, policy: &ArrayRef2<f64>) -> Result<f64, PlanError> {
    check_discounted(mdp)?;
    let v = evaluate_policy(mdp, policy)?;
    Ok(mdp.initial().dot(&v))
}

fn check_discounted(mdp: &Mdp) -> Result<(), PlanError> {
    if mdp.gamma() < 1.0 {
        Ok(())
    } else {
        Err(PlanError::InfiniteOccupancy { gamma: mdp.gamma() })
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;
    use proptest::prelude::*;

    use super::super::test_mdps::{chain, random_mdp, random_policy};
    use super::super::{deterministic_policy, uniform_policy};
    use super::*;

    #[test]
    fn chain_occupancy_by_hand() -> Result<(), PlanError> {
        // Always a0 from state 0: t=0 in 0, t=1 in 1, then the terminal 2 forever.
        let mdp = chain();
        let pi = deterministic_policy(&[0, 0, 0], 2)?;
        let d = state_occupancy(&mdp, &pi)?;
        let expect = [1.0, 0.9, 0.81 / 0.1];
        for s in 0..3 {
            assert!((d[s] - expect[s]).abs() < 1e-12, "state {s}: {}", d[s]);
        }
        let dsa = state_action_occupancy(&mdp, &pi)?;
        assert_eq!(dsa.column(1).sum(), 0.0);
        // J = −1 + 0.9·10 = 8 both ways.
        assert!((expected_return(&mdp, &pi)? - 8.0).abs() < 1e-12);
        Ok(())
    }

    #[test]
    fn undiscounted_occupancy_is_refused() {
        let mdp = chain().with_gamma(1.0).expect("valid γ");
        let pi = array![[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]];
        let err = state_occupancy(&mdp, &pi).expect_err("γ = 1");
        assert_eq!(err, PlanError::InfiniteOccupancy { gamma: 1.0 });
        assert!(err.to_string().contains("infinite"));
        assert!(state_action_occupancy(&mdp, &pi).is_err());
        assert!(expected_return(&mdp, &pi).is_err());
    }

    #[test]
    fn uniform_policy_mass_splits_evenly() -> Result<(), PlanError> {
        let mdp = random_mdp(5, 6, 3, false, 0.8);
        let dsa = state_action_occupancy(&mdp, &uniform_policy(6, 3)?)?;
        for row in dsa.rows() {
            assert!((row[0] - row[1]).abs() < 1e-15 && (row[1] - row[2]).abs() < 1e-15);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn occupancy_sums_and_return_identity(
            seed in 0u64..100_000,
            n_states in 1usize..12,
            n_actions in 1usize..4,
            gamma in 0.0f64..0.98,
            deterministic in any::<bool>(),
        ) {
            let mdp = random_mdp(seed, n_states, n_actions, deterministic, gamma);
            let policy = random_policy(seed, n_states, n_actions);
            let fail = |e: PlanError| TestCaseError::fail(e.to_string());
            let d = state_occupancy(&mdp, &policy).map_err(fail)?;
            let total = d.sum();
            let expect = 1.0 / (1.0 - gamma);
            prop_assert!((total - expect).abs() < 1e-9 * expect, "Σd = {} vs {}", total, expect);
            prop_assert!(d.iter().all(|&x| x >= 0.0));
            let dsa = state_action_occupancy(&mdp, &policy).map_err(fail)?;
            let j_occ: f64 = dsa
                .indexed_iter()
                .map(|((s, a), &x)| x * mdp.expected_reward(s, a))
                .sum();
            let j = expected_return(&mdp, &policy).map_err(fail)?;
            prop_assert!((j - j_occ).abs() < 1e-9, "J = {} vs Σ d r = {}", j, j_occ);
        }
    }
}
