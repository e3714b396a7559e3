//! The invariance checker: does a reward transform keep the optimal policies?
//!
//! Both models are solved exactly ([`solve_exact`]: policy iteration, whose values are an
//! exact linear solve, falling back to value iteration to 1e-12 plus an exact evaluation of
//! its greedy policy; then one Bellman backup for Q), and
//! compared by their *sets* of optimal actions per non-terminal state — actions within
//! [`TIE_TOLERANCE`] of the best — so two optimal actions that tie are not a difference.
//! For potential-based shaping the checker also measures the theorem itself,
//! Q*_shaped(s, a) = Q*(s, a) − Φ(s), as the largest absolute error over non-terminal states.

use ndarray::{Array2, ArrayView2};
use rewardlab_core::mdp::{
    Mdp, PolicyIterationConfig, ValueIterationConfig, evaluate_actions, greedy_policy,
    policy_iteration, q_values, value_iteration,
};
use serde::Serialize;

use crate::RewardsError;
use crate::potential::TabularPotential;
use crate::shaping::TerminalPotential;
use crate::tabular;

/// Actions whose Q is within this (relative to max(1, |max Q|)) of the best are optimal.
pub const TIE_TOLERANCE: f64 = 1e-9;

/// What [`compare_optimal_policies`] and [`check_pbrs`] found; serialises to the CLI's JSON
/// contract `{"preserved", "differing_states", "max_q_error"}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvarianceReport {
    /// Every non-terminal state has the same set of optimal actions before and after. This is
    /// the verdict on the policies only: a kept terminal potential can break the identity
    /// below (`max_q_error` far above 1e-9) without flipping any action.
    pub preserved: bool,
    /// The states whose optimal action sets differ, ascending.
    pub differing_states: Vec<usize>,
    /// For PBRS: max |Q*_shaped(s, a) − (Q*(s, a) − Φ(s))| over non-terminal states;
    /// `None` for transforms without such an identity.
    pub max_q_error: Option<f64>,
    /// Optimal action sets of the differing states: `(state, before, after)`.
    #[serde(skip)]
    pub differences: Vec<(usize, Vec<usize>, Vec<usize>)>,
}

/// An optimal policy of `mdp`: in each state the lowest-index action of its optimal set
/// (0 in terminal states). The one tie-break regret, IRL judging and the experiments share.
pub fn optimal_actions(mdp: &Mdp) -> Result<Vec<usize>, RewardsError> {
    let solved = solve_exact(mdp)?;
    Ok(optimal_action_sets(solved.q.view(), mdp.terminal())
        .into_iter()
        .map(|set| set.first().copied().unwrap_or(0))
        .collect())
}

/// Optimal values and action values of a model, exact up to round-off.
#[derive(Debug, Clone, PartialEq)]
pub struct ExactSolution {
    /// V*(s).
    pub values: Vec<f64>,
    /// Q*(s, a).
    pub q: Array2<f64>,
}

/// Solves `mdp` (see the module docs). Fails when value iteration does not converge, e.g.
/// with γ = 1 and a reward that can be collected forever.
pub fn solve_exact(mdp: &Mdp) -> Result<ExactSolution, RewardsError> {
    // Policy iteration ends on an optimal policy with exact values (one linear solve per
    // step), usually in a handful of steps. With γ = 1 its first policy may never terminate;
    // value iteration handles that case.
    if let Ok(pi) = policy_iteration(mdp, &PolicyIterationConfig::default()) {
        let q = q_values(mdp, &pi.values)?;
        return Ok(ExactSolution {
            values: pi.values.to_vec(),
            q,
        });
    }
    let config = ValueIterationConfig {
        tolerance: 1e-12,
        max_iterations: 1_000_000,
    };
    let vi = value_iteration(mdp, &config)?;
    let policy = greedy_policy(&vi.q)?;
    // The exact values of the greedy policy remove VI's residual; with γ = 1 a greedy policy
    // of a converged VI can still be improper in corner cases, so VI's values are the fallback.
    let values = evaluate_actions(mdp, &policy).unwrap_or(vi.values);
    let q = q_values(mdp, &values)?;
    Ok(ExactSolution {
        values: values.to_vec(),
        q,
    })
}

/// The optimal action set of every state (empty for terminal states).
pub fn optimal_action_sets(q: ArrayView2<'_, f64>, terminal: &[bool]) -> Vec<Vec<usize>> {
    let scales: Vec<f64> = q
        .rows()
        .into_iter()
        .map(|row| row_scale(row.iter()))
        .collect();
    action_sets(q, terminal, &scales)
}

/// max(1, |max_a Q(s, a)|): what the tie tolerance is relative to.
fn row_scale<'a>(row: impl Iterator<Item = &'a f64>) -> f64 {
    row.copied()
        .fold(f64::NEG_INFINITY, f64::max)
        .abs()
        .max(1.0)
}

/// Optimal action sets with the tolerance of state s taken relative to `scales[s]`.
fn action_sets(q: ArrayView2<'_, f64>, terminal: &[bool], scales: &[f64]) -> Vec<Vec<usize>> {
    q.rows()
        .into_iter()
        .enumerate()
        .map(|(s, row)| {
            if terminal.get(s).copied().unwrap_or(false) {
                return Vec::new();
            }
            let best = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let tol = TIE_TOLERANCE * scales.get(s).copied().unwrap_or(1.0);
            (0..row.len()).filter(|&a| row[a] >= best - tol).collect()
        })
        .collect()
}

/// Compares the optimal action sets of two models over the same states and actions.
pub fn compare_optimal_policies(
    original: &Mdp,
    transformed: &Mdp,
) -> Result<InvarianceReport, RewardsError> {
    let shape = |m: &Mdp| (m.n_states(), m.n_actions());
    if shape(original) != shape(transformed) {
        return Err(RewardsError::Invalid {
            name: "models",
            reason: format!(
                "the transformed model has (states, actions) {:?}, the original {:?}",
                shape(transformed),
                shape(original)
            ),
        });
    }
    let before = solve_exact(original)?;
    let after = solve_exact(transformed)?;
    Ok(compare_q(original, before.q.view(), after.q.view(), None))
}

fn compare_q(
    mdp: &Mdp,
    before: ArrayView2<'_, f64>,
    after: ArrayView2<'_, f64>,
    max_q_error: Option<f64>,
) -> InvarianceReport {
    // One tolerance per state for both tables, so that shifting a row by −Φ(s) cannot move
    // a near-tie across the line in one table only.
    let scales: Vec<f64> = before
        .rows()
        .into_iter()
        .zip(after.rows())
        .map(|(b, a)| row_scale(b.iter()).max(row_scale(a.iter())))
        .collect();
    let sets_before = action_sets(before, mdp.terminal(), &scales);
    let sets_after = action_sets(after, mdp.terminal(), &scales);
    let differences: Vec<(usize, Vec<usize>, Vec<usize>)> = sets_before
        .into_iter()
        .zip(sets_after)
        .enumerate()
        .filter(|(_, (b, a))| b != a)
        .map(|(s, (b, a))| (s, b, a))
        .collect();
    InvarianceReport {
        preserved: differences.is_empty(),
        differing_states: differences.iter().map(|d| d.0).collect(),
        max_q_error,
        differences,
    }
}

/// Shapes `mdp` with `phi` under `terminal` and checks both the optimal action sets and
/// the identity Q*_shaped = Q* − Φ(s).
pub fn check_pbrs(
    mdp: &Mdp,
    phi: &TabularPotential,
    terminal: TerminalPotential,
) -> Result<InvarianceReport, RewardsError> {
    let shaped = tabular::pbrs(mdp, phi, terminal)?;
    let before = solve_exact(mdp)?;
    let after = solve_exact(&shaped)?;
    let mut error: f64 = 0.0;
    for s in (0..mdp.n_states()).filter(|&s| !mdp.is_terminal(s)) {
        for a in 0..mdp.n_actions() {
            let want = before.q[[s, a]] - phi.values()[s];
            error = error.max((after.q[[s, a]] - want).abs());
        }
    }
    Ok(compare_q(mdp, before.q.view(), after.q.view(), Some(error)))
}

/// Checks look-ahead advice with the state–action potential `phi_sa` (S × A): the advice's
/// fixed point Q̂ (from [`tabular::look_ahead_q`]) must satisfy Q̂ = Q* − Φ(s, a), and the
/// corrected greedy policy (on Q̂ + Φ) must have Q*'s optimal action sets.
pub fn check_look_ahead(
    mdp: &Mdp,
    phi_sa: ArrayView2<'_, f64>,
) -> Result<InvarianceReport, RewardsError> {
    let before = solve_exact(mdp)?;
    let q_hat = tabular::look_ahead_q(mdp, phi_sa)?;
    let corrected = &q_hat + &phi_sa;
    let mut error: f64 = 0.0;
    for s in (0..mdp.n_states()).filter(|&s| !mdp.is_terminal(s)) {
        for a in 0..mdp.n_actions() {
            error = error.max((corrected[[s, a]] - before.q[[s, a]]).abs());
        }
    }
    Ok(compare_q(
        mdp,
        before.q.view(),
        corrected.view(),
        Some(error),
    ))
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
