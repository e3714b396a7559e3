//! The linear system of a fixed policy, A = I − γ P_π, factorised once: by faer's sparse LU,
//! or densely for models of at most [`DENSE_MAX_STATES`] states.
//!
//! Policy evaluation solves A V = r_π and the occupancy measure solves Aᵀ d = μ0, so both
//! share [`factorize`]; the LU solves the transposed system without refactorising.
//!
//! P_π(s, s′) = Σ_a π(a|s) P(s′|s,a) has at most Σ_a |succ(s,a)| entries per row, so A is as
//! sparse as the model. Duplicate (s, s′) entries, from different actions or from several
//! outcomes of one action that reach the same s′ with different rewards, are summed here
//! rather than relying on the triplet constructor's handling of repeats.
//!
//! Terminal rows: for evaluation they are replaced by the identity row with right-hand side 0,
//! which pins V(terminal) = 0 even when γ = 1 (the true row, 1 − γ = 0, would be singular).
//! For occupancy the true absorbing row is kept: time spent in a terminal state counts.
//!
//! With γ = 1 the system is singular exactly when some state cannot reach a terminal state
//! under π (a finite chain that can reach the absorbing set from everywhere reaches it with
//! probability 1, and then I − P restricted to the transient states is invertible). That is a
//! graph property, so [`check_terminates`] finds it by a reverse search from the terminal
//! states and names a state that never terminates, instead of handing back NaNs.

use faer::linalg::solvers::{PartialPivLu, Solve};
use faer::sparse::linalg::solvers::Lu;
use faer::sparse::{SparseColMat, Triplet};
use faer::{ColMut, Mat};
use ndarray::ArrayRef2;

use super::{Mdp, PlanError};

/// A policy as the solvers see it: one action per state, or a validated (S, A) table.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PolicyRef<'a> {
    /// `actions[s]` is taken with probability 1 (already range-checked).
    Actions(&'a [usize]),
    /// π(a|s) (already validated).
    Table(&'a ArrayRef2<f64>),
}

impl PolicyRef<'_> {
    /// Calls `f(a, π(a|s))` for every action with positive probability.
    pub(crate) fn for_each(&self, s: usize, mut f: impl FnMut(usize, f64)) {
        match self {
            PolicyRef::Actions(actions) => f(actions[s], 1.0),
            PolicyRef::Table(table) => {
                for (a, &p) in table.row(s).iter().enumerate() {
                    if p > 0.0 {
                        f(a, p);
                    }
                }
            }
        }
    }
}

/// r_π(s) = Σ_a π(a|s) r̄(s, a).
pub(crate) fn policy_rewards(mdp: &Mdp, policy: PolicyRef<'_>) -> Vec<f64> {
    let n_actions = mdp.n_actions();
    let reward = mdp.expected_rewards();
    (0..mdp.n_states())
        .map(|s| {
            let mut r = 0.0;
            policy.for_each(s, |a, p| r += p * reward[s * n_actions + a]);
            r
        })
        .collect()
}

/// Fails with [`PlanError::NonTerminating`] when some state cannot reach a terminal state
/// under `policy`.
pub(crate) fn check_terminates(mdp: &Mdp, policy: PolicyRef<'_>) -> Result<(), PlanError> {
    let n = mdp.n_states();
    let n_actions = mdp.n_actions();
    let (row_start, next, _, _) = mdp.csr();
    // Predecessor lists of the policy's transition graph.
    let mut preds: Vec<Vec<u32>> = vec![Vec::new(); n];
    for s in 0..n {
        if mdp.is_terminal(s) {
            continue;
        }
        policy.for_each(s, |a, _| {
            let sa = s * n_actions + a;
            for &t in &next[row_start[sa]..row_start[sa + 1]] {
                preds[t as usize].push(s as u32);
            }
        });
    }
    let mut reaches: Vec<bool> = mdp.terminal().to_vec();
    let mut stack: Vec<usize> = (0..n).filter(|&s| reaches[s]).collect();
    while let Some(t) = stack.pop() {
        for &s in &preds[t] {
            let s = s as usize;
            if !reaches[s] {
                reaches[s] = true;
                stack.push(s);
            }
        }
    }
    match reaches.iter().position(|&r| !r) {
        Some(state) => Err(PlanError::NonTerminating { state }),
        None => Ok(()),
    }
}

/// LU of I − γ P_π; terminal rows become identity rows when `pin_terminals`.
pub(crate) fn factorize(
    mdp: &Mdp,
    policy: PolicyRef<'_>,
    pin_terminals: bool,
) -> Result<Factor, PlanError> {
    let n = mdp.n_states();
    let n_actions = mdp.n_actions();
    let gamma = mdp.gamma();
    let (row_start, next, prob, _) = mdp.csr();
    let mut triplets = Vec::with_capacity(mdp.n_entries() + n);
    let mut row: Vec<(usize, f64)> = Vec::new();
    for s in 0..n {
        row.clear();
        row.push((s, 1.0));
        if !(pin_terminals && mdp.is_terminal(s)) {
            policy.for_each(s, |a, pa| {
                let sa = s * n_actions + a;
                for i in row_start[sa]..row_start[sa + 1] {
                    row.push((next[i] as usize, -gamma * pa * prob[i]));
                }
            });
        }
        row.sort_by_key(|&(col, _)| col);
        let mut merged: Option<(usize, f64)> = None;
        for &(col, val) in row.iter() {
            match merged {
                Some((c, ref mut v)) if c == col => *v += val,
                _ => {
                    if let Some((c, v)) = merged {
                        triplets.push(Triplet::new(s, c, v));
                    }
                    merged = Some((col, val));
                }
            }
        }
        if let Some((c, v)) = merged {
            triplets.push(Triplet::new(s, c, v));
        }
    }
    if n <= DENSE_MAX_STATES {
        let mut dense = Mat::<f64>::zeros(n, n);
        for t in &triplets {
            dense[(t.row, t.col)] += t.val;
        }
        return Ok(Factor::Dense(dense.as_ref().partial_piv_lu()));
    }
    let matrix = SparseColMat::<usize, f64>::try_new_from_triplets(n, n, &triplets)
        .map_err(|e| PlanError::Solver(format!("building I − γP_π: {e:?}")))?;
    matrix
        .sp_lu()
        .map(Factor::Sparse)
        .map_err(|e| PlanError::Solver(format!("LU of I − γP_π: {e:?}")))
}

/// Up to this many states the system is factorised densely: for small models a dense LU
/// with partial pivoting is cheaper than the sparse LU's fill-reducing ordering and symbolic
/// analysis (at 32 states those took most of an exact evaluation, measured by the reward
/// distance experiment's profile).
pub(crate) const DENSE_MAX_STATES: usize = 128;

/// A factorised I − γP_π: dense for small models, sparse otherwise.
#[derive(Debug)]
pub(crate) enum Factor {
    /// Dense LU with partial pivoting.
    Dense(PartialPivLu<f64>),
    /// faer's sparse LU.
    Sparse(Lu<usize, f64>),
}

/// Solves A x = b (or Aᵀ x = b when `transpose`) in place; fails on a non-finite result,
/// which is what a numerically singular A produces.
pub(crate) fn solve_in_place(lu: &Factor, b: &mut [f64], transpose: bool) -> Result<(), PlanError> {
    let rhs = ColMut::from_slice_mut(b);
    match (lu, transpose) {
        (Factor::Dense(lu), true) => lu.solve_transpose_in_place(rhs),
        (Factor::Dense(lu), false) => lu.solve_in_place(rhs),
        (Factor::Sparse(lu), true) => lu.solve_transpose_in_place(rhs),
        (Factor::Sparse(lu), false) => lu.solve_in_place(rhs),
    }
    match b.iter().position(|x| !x.is_finite()) {
        Some(state) => Err(PlanError::Solver(format!(
            "the solution is not finite at state {state}: I − γP_π is numerically singular"
        ))),
        None => Ok(()),
    }
}
