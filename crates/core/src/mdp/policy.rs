//! Tabular policies: validation and the usual constructors.
//!
//! A stochastic policy is an `Array2<f64>` of shape (S, A) whose row `s` is π(·|s). A
//! deterministic policy is a `Vec<usize>` of one action per state; [`deterministic_policy`]
//! turns it into the one-hot table that evaluation and occupancy functions take.
//!
//! Greedy choices break exact ties to the lowest action index, so that the same Q values
//! always give the same greedy policy (policy iteration instead returns the stable policy it
//! stopped at, see [`super::policy_iteration`]). The Boltzmann (softmax) policy
//! subtracts the row maximum before exponentiating: Q/τ can be ±1e300 for small τ, and
//! `exp` of that would overflow to inf, then inf/inf = NaN.

use ndarray::{Array2, ArrayRef2};

use super::PlanError;

/// How far a policy row sum may be from 1.
pub const POLICY_SUM_TOLERANCE: f64 = 1e-9;

/// Checks that `policy` is an (S, A) table of probability rows.
///
/// Fails on a shape mismatch, a negative or non-finite entry, or a row whose sum is off by
/// more than [`POLICY_SUM_TOLERANCE`], naming the state.
pub fn validate_policy(
    policy: &ArrayRef2<f64>,
    n_states: usize,
    n_actions: usize,
) -> Result<(), PlanError> {
    if policy.dim() != (n_states, n_actions) {
        return Err(PlanError::Shape {
            what: "policy",
            expected: (n_states, n_actions),
            got: policy.dim(),
        });
    }
    for (state, row) in policy.rows().into_iter().enumerate() {
        let mut sum = 0.0;
        for (action, &prob) in row.iter().enumerate() {
            if !prob.is_finite() || prob < 0.0 {
                return Err(PlanError::BadProbability {
                    state,
                    action,
                    prob,
                });
            }
            sum += prob;
        }
        if (sum - 1.0).abs() > POLICY_SUM_TOLERANCE {
            return Err(PlanError::RowSum { state, sum });
        }
    }
    Ok(())
}

/// The one-hot (S, A) table of a deterministic policy, `actions[s]` being the action in `s`.
pub fn deterministic_policy(actions: &[usize], n_actions: usize) -> Result<Array2<f64>, PlanError> {
    let mut policy = Array2::zeros((actions.len(), n_actions));
    for (state, &action) in actions.iter().enumerate() {
        if action >= n_actions {
            return Err(PlanError::UnknownAction {
                state,
                action,
                n_actions,
            });
        }
        policy[[state, action]] = 1.0;
    }
    Ok(policy)
}

/// π(a|s) = 1/A everywhere.
pub fn uniform_policy(n_states: usize, n_actions: usize) -> Result<Array2<f64>, PlanError> {
    if n_actions == 0 {
        return Err(PlanError::NoActions { n_states });
    }
    Ok(Array2::from_elem(
        (n_states, n_actions),
        1.0 / n_actions as f64,
    ))
}

/// The greedy action of every row of `q`, exact ties broken to the lowest action index.
pub fn greedy_policy(q: &ArrayRef2<f64>) -> Result<Vec<usize>, PlanError> {
    check_q(q)?;
    Ok(q.rows()
        .into_iter()
        .map(|row| argmax_lowest(row.iter()))
        .collect())
}

/// The softmax policy π(a|s) ∝ exp(Q(s,a)/τ), computed stably.
///
/// Fails when τ is not positive and finite, or when `q` has no actions or a non-finite entry.
pub fn boltzmann_policy(q: &ArrayRef2<f64>, temperature: f64) -> Result<Array2<f64>, PlanError> {
    check_temperature(temperature)?;
    check_q(q)?;
    let mut policy = Array2::zeros(q.dim());
    for (row, mut out) in q.rows().into_iter().zip(policy.rows_mut()) {
        let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut sum = 0.0;
        for (p, &v) in out.iter_mut().zip(row.iter()) {
            // Every exponent is <= 0 and the maximum's is exactly 0, so 1 <= sum <= A.
            *p = ((v - max) / temperature).exp();
            sum += *p;
        }
        out.mapv_inplace(|p| p / sum);
    }
    Ok(policy)
}

/// The index of the largest value, the lowest such index on exact ties: the one greedy
/// tie-break of the crate, shared by planners, policies and learners.
///
/// Takes anything that iterates `&f64` (a slice, `row.iter()` of an ndarray view). Returns 0
/// for an empty row or one with nothing above −∞; a NaN entry never wins.
#[inline]
pub fn argmax_lowest<'a>(row: impl IntoIterator<Item = &'a f64>) -> usize {
    let mut best = 0;
    let mut best_value = f64::NEG_INFINITY;
    for (a, &v) in row.into_iter().enumerate() {
        // Strictly greater: an equal value later in the row never displaces the earlier one.
        if v > best_value {
            best = a;
            best_value = v;
        }
    }
    best
}

pub(crate) fn check_temperature(temperature: f64) -> Result<(), PlanError> {
    if temperature.is_finite() && temperature > 0.0 {
        Ok(())
    } else {
        Err(PlanError::Temperature(temperature))
    }
}

fn check_q(q: &ArrayRef2<f64>) -> Result<(), PlanError> {
    if q.ncols() == 0 {
        return Err(PlanError::NoActions {
            n_states: q.nrows(),
        });
    }
    if let Some(((state, action), &value)) = q.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(PlanError::NonFinite {
            what: "Q table",
            state,
            action,
            value,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn validate_names_the_state_at_fault() {
        let good = array![[0.25, 0.75], [1.0, 0.0]];
        assert_eq!(validate_policy(&good, 2, 2), Ok(()));
        assert_eq!(
            validate_policy(&good, 3, 2),
            Err(PlanError::Shape {
                what: "policy",
                expected: (3, 2),
                got: (2, 2)
            })
        );
        let negative = array![[0.5, 0.5], [1.5, -0.5]];
        assert_eq!(
            validate_policy(&negative, 2, 2),
            Err(PlanError::BadProbability {
                state: 1,
                action: 1,
                prob: -0.5
            })
        );
        let short = array![[0.5, 0.5], [0.5, 0.4]];
        let err = validate_policy(&short, 2, 2).expect_err("row 1 sums to 0.9");
        assert!(matches!(err, PlanError::RowSum { state: 1, .. }));
        assert_eq!(err.to_string(), "policy row of state 1 sums to 0.9, not 1");
        // Within 1e-9 is accepted; a NaN is not.
        assert!(validate_policy(&array![[0.5, 0.5 + 5e-10]], 1, 2).is_ok());
        assert!(matches!(
            validate_policy(&array![[f64::NAN, 1.0]], 1, 2),
            Err(PlanError::BadProbability {
                state: 0,
                action: 0,
                ..
            })
        ));
    }

    #[test]
    fn constructors_build_valid_tables() -> Result<(), PlanError> {
        let d = deterministic_policy(&[2, 0], 3)?;
        assert_eq!(d, array![[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]);
        assert_eq!(
            deterministic_policy(&[0, 3], 3),
            Err(PlanError::UnknownAction {
                state: 1,
                action: 3,
                n_actions: 3
            })
        );
        let u = uniform_policy(2, 4)?;
        assert_eq!(u, Array2::from_elem((2, 4), 0.25));
        validate_policy(&u, 2, 4)?;
        assert_eq!(
            uniform_policy(2, 0),
            Err(PlanError::NoActions { n_states: 2 })
        );
        Ok(())
    }

    #[test]
    fn greedy_breaks_exact_ties_to_lowest_index() -> Result<(), PlanError> {
        let q = array![[1.0, 3.0, 3.0], [-1.0, -1.0, -2.0], [0.0, 0.0, 1e-300]];
        assert_eq!(greedy_policy(&q)?, vec![1, 0, 2]);
        // A column view is not contiguous; the answer must not depend on layout.
        let qt = q.t().to_owned();
        assert_eq!(greedy_policy(&qt.t())?, vec![1, 0, 2]);
        assert!(matches!(
            greedy_policy(&array![[0.0, f64::NAN]]),
            Err(PlanError::NonFinite {
                state: 0,
                action: 1,
                ..
            })
        ));
        Ok(())
    }

    #[test]
    fn argmax_lowest_prefers_the_first_maximum() {
        assert_eq!(argmax_lowest(&[1.0, 3.0, 3.0]), 1);
        assert_eq!(argmax_lowest(&[-2.0, -1.0, -1.0, -5.0]), 1);
        assert_eq!(argmax_lowest(&[f64::NEG_INFINITY, -1e308]), 1);
        assert_eq!(argmax_lowest(&[f64::NAN, 0.0]), 1);
        assert_eq!(argmax_lowest(&[] as &[f64]), 0);
        let q = array![[0.0, 2.0], [5.0, 5.0]];
        assert_eq!(argmax_lowest(q.row(0).iter()), 1);
        assert_eq!(argmax_lowest(q.row(1).iter()), 0);
    }

    #[test]
    fn boltzmann_is_a_stable_softmax() -> Result<(), PlanError> {
        let q = array![[0.0, (2.0f64).ln()], [1e300, -1e300]];
        let p = boltzmann_policy(&q, 1.0)?;
        assert!((p[[0, 0]] - 1.0 / 3.0).abs() < 1e-15);
        assert!((p[[0, 1]] - 2.0 / 3.0).abs() < 1e-15);
        // Huge Q/τ would overflow a naive softmax to NaN.
        assert_eq!(p.row(1).to_vec(), vec![1.0, 0.0]);
        validate_policy(&p, 2, 2)?;
        // Temperature scales the preference: τ = 0.5 squares the odds ratio 2 to 4.
        let p = boltzmann_policy(&q, 0.5)?;
        assert!((p[[0, 1]] / p[[0, 0]] - 4.0).abs() < 1e-12);
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                boltzmann_policy(&q, bad),
                Err(PlanError::Temperature(_))
            ));
        }
        Ok(())
    }
}
