//! Howard's policy iteration: evaluate the current deterministic policy exactly, then switch
//! every state to a greedy action at once; stop when no state switches.
//!
//! - Evaluation is the exact sparse solve of [`super::evaluation`], so each step is one LU.
//! - Improvement keeps the current action unless the greedy one (exact ties to the lowest
//!   index) is better by more than [`IMPROVEMENT_MARGIN`]·(1 + |Q_current|). Without the
//!   margin, two actions whose Q values differ only by solver round-off could swap back and
//!   forth forever. The margin is relative because round-off is: with |Q| ~ 1e6 one ulp is
//!   ~1e-10, and an absolute 1e-12 let tied actions of a slippery grid with −1e4 rewards swap
//!   on every step.
//! - Start: with γ < 1, the greedy policy for immediate expected reward. With γ = 1 that
//!   policy may never terminate (its evaluation is singular), so the start is instead a
//!   policy that makes progress towards a terminal state from every state: each state takes
//!   the lowest action that can move it one step closer (in the reachability graph) to the
//!   terminal set, so it reaches the set with probability 1. When no policy can reach a
//!   terminal state from some state, that state is named in [`PlanError::NonTerminating`].
//!   Improvement from a proper policy stays proper under the usual stochastic-shortest-path
//!   assumption (every improper policy has infinite cost from some state); if a model breaks
//!   it, the next evaluation reports the non-terminating state rather than looping.
//!
//! The returned `policy` is the final stable policy: greedy with respect to its own values up
//! to the margin, and the policy whose values `values` are.

use serde::{Deserialize, Serialize};

use super::bellman::fill_q;
use super::evaluation::exact;
use super::linear::PolicyRef;
use super::policy::argmax_lowest;
use super::{Mdp, PlanError, Solution};

/// Relative improvement margin: an action with value `q_new` replaces the current one, of
/// value `q_old`, only when `q_new > q_old + IMPROVEMENT_MARGIN · (1 + |q_old|)`.
pub const IMPROVEMENT_MARGIN: f64 = 1e-12;

/// Whether `candidate` beats `current` by more than the relative margin.
#[inline]
fn improves(candidate: f64, current: f64) -> bool {
    candidate > current + IMPROVEMENT_MARGIN * (1.0 + current.abs())
}

/// Settings of [`policy_iteration`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyIterationConfig {
    /// Give up (with [`PlanError::PolicyIterationNotConverged`]) after this many
    /// evaluate–improve steps.
    pub max_iterations: usize,
}

impl Default for PolicyIterationConfig {
    fn default() -> Self {
        Self {
            max_iterations: 10_000,
        }
    }
}

/// Optimal values, Q and a stable greedy policy by Howard's policy iteration.
///
/// The returned `policy` is the stable policy the iteration stopped at, and `values` are its
/// exact values. Where optimal actions tie (exactly or within [`IMPROVEMENT_MARGIN`]) it keeps
/// whichever it held, so it can differ from [`super::value_iteration`]'s lowest-index
/// tie-break while being just as optimal. (Applying [`super::greedy_policy`] to `q` breaks
/// only exact ties to the lowest index, and the solver's round-off can split ties.)
///
/// `iterations` counts evaluate–improve steps, the last being the one that changed nothing.
/// Fails with [`PlanError::NonTerminating`] when γ = 1 and a policy cannot (or, for a model
/// breaking the shortest-path assumption, stops being able to) reach a terminal state, and
/// with [`PlanError::PolicyIterationNotConverged`] after `config.max_iterations` steps,
/// naming how many states still switched.
pub fn policy_iteration(mdp: &Mdp, config: &PolicyIterationConfig) -> Result<Solution, PlanError> {
    if config.max_iterations == 0 {
        return Err(PlanError::Config(
            "max_iterations must be at least 1".into(),
        ));
    }
    let n_actions = mdp.n_actions();
    let mut q = vec![0.0; mdp.n_states() * n_actions];
    let mut actions = if mdp.gamma() >= 1.0 {
        progress_policy(mdp)?
    } else {
        q.copy_from_slice(mdp.expected_rewards());
        q.chunks_exact(n_actions).map(argmax_lowest).collect()
    };
    let mut switched = 0;
    for iteration in 1..=config.max_iterations {
        let v = exact(mdp, PolicyRef::Actions(&actions))?;
        fill_q(mdp, &v, &mut q);
        switched = 0;
        for (current, row) in actions.iter_mut().zip(q.chunks_exact(n_actions)) {
            let best = argmax_lowest(row);
            if improves(row[best], row[*current]) {
                *current = best;
                switched += 1;
            }
        }
        if switched == 0 {
            let q = ndarray::Array2::from_shape_vec((mdp.n_states(), n_actions), q)
                .map_err(|e| PlanError::Solver(e.to_string()))?;
            return Ok(Solution {
                values: ndarray::Array1::from(v),
                q,
                policy: actions,
                iterations: iteration,
            });
        }
    }
    Err(PlanError::PolicyIterationNotConverged {
        iterations: config.max_iterations,
        switched,
    })
}

/// For each state the lowest action with a successor strictly closer to the terminal set in
/// the reachability graph; fails naming a state from which no terminal state is reachable.
fn progress_policy(mdp: &Mdp) -> Result<Vec<usize>, PlanError> {
    let (n, n_actions) = (mdp.n_states(), mdp.n_actions());
    let (row_start, next, _, _) = mdp.csr();
    let mut actions: Vec<Option<usize>> = (0..n).map(|s| mdp.is_terminal(s).then_some(0)).collect();
    // Breadth-first by rounds: a state joins when one of its actions can reach a state that
    // joined in an earlier round, which gives every joined state a strictly closer successor.
    let mut frontier_open = true;
    while frontier_open {
        frontier_open = false;
        let reached: Vec<bool> = actions.iter().map(Option::is_some).collect();
        for s in 0..n {
            if reached[s] {
                continue;
            }
            let found = (0..n_actions).find(|&a| {
                let sa = s * n_actions + a;
                next[row_start[sa]..row_start[sa + 1]]
                    .iter()
                    .any(|&t| reached[t as usize])
            });
            if found.is_some() {
                actions[s] = found;
                frontier_open = true;
            }
        }
    }
    actions
        .iter()
        .enumerate()
        .map(|(state, a)| a.ok_or(PlanError::NonTerminating { state }))
        .collect()
}

#[cfg(test)]
mod tests {
    use ndarray::array;
    use proptest::prelude::*;

    use super::super::test_mdps::{chain, grid, random_mdp, slippery_grid};
    use super::super::{MdpBuilder, ValueIterationConfig, value_iteration};
    use super::*;

    #[test]
    fn chain_by_hand() -> Result<(), PlanError> {
        let sol = policy_iteration(&chain(), &PolicyIterationConfig::default())?;
        assert!(
            (&sol.values - &array![8.0, 10.0, 0.0])
                .iter()
                .all(|d| d.abs() < 1e-12)
        );
        // Start: greedy on immediate reward takes a1 in 0 (0 > −1); one switch, then stable.
        assert_eq!(sol.policy, vec![0, 0, 0]);
        assert_eq!(sol.iterations, 2);
        Ok(())
    }

    #[test]
    fn undiscounted_grid_starts_from_a_proper_policy() -> Result<(), PlanError> {
        let (w, h) = (5, 4);
        let sol = policy_iteration(&grid(w, h, 1.0), &PolicyIterationConfig::default())?;
        for s in 0..w * h {
            let d = (w - 1 - s % w) + (h - 1 - s / w);
            assert!((sol.values[s] + d as f64).abs() < 1e-9, "state {s}");
        }
        // No terminal state reachable from state 1 (it only loops): named.
        let mut b = MdpBuilder::new(3, 1);
        b.transition(0, 0, 2, 1.0, 0.0)
            .transition(1, 0, 1, 1.0, -1.0);
        b.terminal(2);
        let mdp = b.build().expect("valid");
        assert_eq!(
            policy_iteration(&mdp, &PolicyIterationConfig::default()),
            Err(PlanError::NonTerminating { state: 1 })
        );
        Ok(())
    }

    fn agree(mdp: &Mdp) -> Result<(), TestCaseError> {
        let config = ValueIterationConfig {
            tolerance: 1e-11,
            ..Default::default()
        };
        let vi = value_iteration(mdp, &config).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let pi = policy_iteration(mdp, &PolicyIterationConfig::default())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        for s in 0..mdp.n_states() {
            prop_assert!(
                (vi.values[s] - pi.values[s]).abs() < 1e-6,
                "state {}: VI {} PI {}",
                s,
                vi.values[s],
                pi.values[s]
            );
            // Same greedy action wherever VI's best action is clear of the runner-up.
            let row = vi.q.row(s);
            let best = row[vi.policy[s]];
            let runner_up = row
                .iter()
                .enumerate()
                .filter(|&(a, _)| a != vi.policy[s])
                .map(|(_, &x)| x)
                .fold(f64::NEG_INFINITY, f64::max);
            if best - runner_up > 1e-6 {
                prop_assert_eq!(vi.policy[s], pi.policy[s], "state {}", s);
            }
        }
        Ok(())
    }

    #[test]
    fn vi_and_pi_agree_on_fixed_models() -> Result<(), TestCaseError> {
        agree(&chain())?;
        agree(&grid(6, 4, 0.9))?;
        agree(&random_mdp(11, 30, 4, true, 0.97))?;
        agree(&random_mdp(12, 30, 4, false, 0.97))?;
        // The chain's policy is unambiguous, so equality is checked, not skipped.
        let pi = policy_iteration(&chain(), &PolicyIterationConfig::default())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(pi.policy, vec![0, 0, 0]);
        Ok(())
    }

    #[test]
    fn large_rewards_with_ties_terminate_and_agree_with_vi() -> Result<(), PlanError> {
        // −1e4 per step: |Q| reaches ~1e5–1e6, where one ulp is ~1e-11–1e-10. Mirror-image
        // states of the square slippery grid tie exactly (right/down on the diagonal), but
        // the LU solve gives them values that differ by round-off; with an absolute margin of
        // 1e-12 all three models below cycled until the cap (measured), with the relative
        // margin they stop in under 20 steps.
        for (w, slip, gamma) in [(10, 0.1, 0.99), (10, 0.1, 0.9), (10, 1.0 / 3.0, 1.0)] {
            let mdp = slippery_grid(w, slip, gamma, -1e4);
            let config = PolicyIterationConfig {
                max_iterations: 200,
            };
            let pi = policy_iteration(&mdp, &config)?;
            assert!(pi.iterations < 50, "{} steps", pi.iterations);
            let vi_config = ValueIterationConfig {
                tolerance: 1e-7,
                ..Default::default()
            };
            let vi = value_iteration(&mdp, &vi_config)?;
            let case = format!("w = {w}, slip = {slip}, γ = {gamma}");
            assert!(vi.values[0] < -5e4, "{case}: magnitudes are large");
            for s in 0..w * w {
                let (a, b) = (vi.values[s], pi.values[s]);
                assert!(
                    (a - b).abs() <= 1e-9 * (1.0 + a.abs()),
                    "{case}, state {s}: VI {a} PI {b}"
                );
                // Whichever tied action PI kept, it is optimal for VI's Q.
                let row = vi.q.row(s);
                let best = row[vi.policy[s]];
                assert!(
                    best - row[pi.policy[s]] <= 1e-9 * (1.0 + best.abs()),
                    "{case}, state {s}"
                );
            }
        }
        Ok(())
    }

    #[test]
    fn improvement_margin_is_relative() {
        // One ulp of 1e6 (~1.2e-10) is round-off there, not an improvement...
        let q: f64 = -1e6;
        assert!(!improves(q + 2.0 * q.abs() * f64::EPSILON, q));
        // ...but a clear gap is, and near 0 the margin is about 1e-12.
        assert!(improves(q + 1e-3, q));
        assert!(improves(2e-12, 0.0));
        assert!(!improves(0.5e-12, 0.0));
        assert!(!improves(q, q));
    }

    #[test]
    fn iteration_cap_is_its_own_error() {
        // The chain needs two steps (one switch, then a stable check); one is not enough.
        let config = PolicyIterationConfig { max_iterations: 1 };
        let err = policy_iteration(&chain(), &config).expect_err("one step cannot confirm");
        assert_eq!(
            err,
            PlanError::PolicyIterationNotConverged {
                iterations: 1,
                switched: 1
            }
        );
        assert!(err.to_string().contains("1 states still switched"));
        assert!(matches!(
            policy_iteration(&chain(), &PolicyIterationConfig { max_iterations: 0 }),
            Err(PlanError::Config(_))
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn vi_and_pi_agree_on_random_models(
            seed in 0u64..100_000,
            n_states in 1usize..10,
            n_actions in 1usize..4,
            gamma in 0.0f64..0.95,
            deterministic in any::<bool>(),
        ) {
            agree(&random_mdp(seed, n_states, n_actions, deterministic, gamma))?;
        }
    }
}
