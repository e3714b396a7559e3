//! Tests of the sparse model: validation, outcomes of one successor (kept apart when their
//! rewards differ, merged when equal), the dense view, and planning that cannot tell split
//! outcomes from their pre-merged mean.

use proptest::prelude::*;
use rand::Rng;

use super::*;
use crate::mdp::test_mdps::random_policy;
use crate::mdp::{
    ValueIterationConfig, evaluate_policy, evaluate_policy_iterative, value_iteration,
};
use crate::rng::rng_from_seed;

fn chain() -> MdpBuilder {
    // 0 -a0-> 1 -a0-> 2 (terminal); a1 stays.
    let mut b = MdpBuilder::new(3, 2).gamma(0.9);
    b.transition(0, 0, 1, 1.0, -1.0)
        .transition(1, 0, 2, 1.0, 10.0);
    b.transition(0, 1, 0, 1.0, 0.0)
        .transition(1, 1, 1, 1.0, 0.0);
    b.terminal(2).initial_state(0);
    b
}

#[test]
fn builds_absorbing_terminals_and_expected_rewards() {
    let m = chain().build().expect("valid chain");
    assert_eq!(m.n_entries(), 6);
    assert!(m.is_deterministic());
    let t: Vec<_> = m.successors(2, 1).collect();
    assert_eq!(
        t,
        vec![Transition {
            next: 2,
            prob: 1.0,
            reward: 0.0
        }]
    );
    assert_eq!(m.expected_reward(1, 0), 10.0);
    let (p, r) = m.to_dense().expect("small");
    assert_eq!(p[[0, 0, 1]], 1.0);
    assert_eq!(r[[1, 0, 2]], 10.0);
}

#[test]
fn errors_say_what_and_where() {
    let mut b = chain();
    b.transition(0, 0, 0, -0.1, 0.0);
    assert_eq!(
        b.build().err().map(|e| e.to_string()).as_deref(),
        Some("row (s=0, a=0): probability -0.1 of successor 0 is negative or not finite")
    );
    let mut b = MdpBuilder::new(2, 1);
    b.transition(0, 0, 1, 0.97, 0.0)
        .transition(1, 0, 1, 1.0, 0.0);
    assert_eq!(
        b.build().err().map(|e| e.to_string()).as_deref(),
        Some("row (s=0, a=0) sums to 0.97, not 1")
    );
    let mut b = chain();
    b.transition(0, 0, 7, 1.0, 0.0);
    assert!(matches!(
        b.build(),
        Err(MdpError::UnknownState {
            id: 7,
            n_states: 3,
            ..
        })
    ));
    assert_eq!(chain().gamma(1.5).build().err(), Some(MdpError::Gamma(1.5)));
    let mut b = chain();
    b.transition(2, 0, 0, 1.0, 0.0);
    assert_eq!(
        b.build().err(),
        Some(MdpError::TerminalNotAbsorbing {
            state: 2,
            action: 0
        })
    );
    let mut b = chain();
    b.initial(vec![0.5, 0.4, 0.0]);
    assert!(matches!(b.build(), Err(MdpError::Initial(_))));
}

#[test]
fn duplicate_successors_merge() {
    let mut b = MdpBuilder::new(2, 1);
    b.transition(0, 0, 1, 0.5, 1.0)
        .transition(0, 0, 1, 0.5, 1.0)
        .transition(1, 0, 1, 1.0, 0.0);
    let m = b.build().expect("valid");
    assert_eq!(m.successors(0, 0).len(), 1);
    assert_eq!(m.expected_reward(0, 0), 1.0);
}

#[test]
fn initial_support_lists_positive_states_in_order() {
    let mut b = chain();
    b.initial(vec![0.25, 0.0, 0.75]);
    let m = b.build().expect("valid");
    assert_eq!(m.initial_support(), (&[0u32, 2][..], &[0.25, 0.75][..]));
    let m = chain().build().expect("valid chain");
    assert_eq!(m.initial_support(), (&[0u32][..], &[1.0][..]));
}

#[test]
fn expected_next_value_weights_successors() {
    let mut b = MdpBuilder::new(3, 2);
    b.transition(0, 0, 1, 0.25, 0.0)
        .transition(0, 0, 2, 0.75, 0.0)
        .transition(0, 1, 0, 1.0, 0.0);
    b.terminal(1).terminal(2);
    let m = b.build().expect("valid");
    let v = [1.0, 4.0, 8.0];
    assert_eq!(m.expected_next_value(0, &v), 0.25 * 4.0 + 0.75 * 8.0);
    assert_eq!(m.expected_next_value(1, &v), 1.0);
    // Terminal rows are "stay": row (2, 1) = 2·2 + 1 = 5 reads V(2).
    assert_eq!(m.expected_next_value(5, &v), 8.0);
}

/// (next, prob, reward) of each outcome of (s, a).
fn outcomes(m: &Mdp, s: usize, a: usize) -> Vec<(usize, f64, f64)> {
    m.successors(s, a)
        .map(|t| (t.next, t.prob, t.reward))
        .collect()
}

/// One row (0, 0) with successor 1 reached by a −1 outcome twice and a −100 outcome between
/// them, and successor 0 with reward 5; state 1 is terminal. Probabilities are dyadic so sums
/// are exact.
fn split_row() -> MdpBuilder {
    let mut b = MdpBuilder::new(2, 1);
    b.transition(0, 0, 1, 0.25, -1.0)
        .transition(0, 0, 1, 0.25, -100.0)
        .transition(0, 0, 0, 0.375, 5.0)
        .transition(0, 0, 1, 0.125, -1.0);
    b.terminal(1);
    b
}

#[test]
fn different_rewards_stay_separate_outcomes_and_equal_ones_merge() {
    let m = split_row().build().expect("valid");
    // Sorted by successor; successor 1's outcomes in the order given, the two −1s merged.
    assert_eq!(
        outcomes(&m, 0, 0),
        vec![(0, 0.375, 5.0), (1, 0.375, -1.0), (1, 0.25, -100.0)]
    );
    assert_eq!(m.n_entries(), 4);
    assert!(!m.is_deterministic(), "three outcomes in row (0, 0)");
    assert_eq!(m.expected_reward(0, 0), 0.375 * 5.0 - 0.375 - 25.0);
    assert_eq!(
        m.expected_next_value(0, &[2.0, 8.0]),
        0.375 * 2.0 + 0.625 * 8.0
    );

    // The insertion order decides, not the reward.
    let mut b = MdpBuilder::new(2, 1);
    b.transition(0, 0, 1, 0.5, 7.0)
        .transition(0, 0, 1, 0.5, 3.0)
        .transition(1, 0, 1, 1.0, 0.0);
    let m = b.build().expect("valid");
    assert_eq!(outcomes(&m, 0, 0), vec![(1, 0.5, 7.0), (1, 0.5, 3.0)]);
    assert!(!m.is_deterministic(), "one successor, two outcomes");
    assert_eq!(m.expected_reward(0, 0), 5.0);

    // A zero-probability outcome with another reward is dropped, not an error.
    let mut b = chain();
    b.transition(0, 1, 0, 0.0, 5.0);
    let m = b.build().expect("valid");
    assert_eq!(outcomes(&m, 0, 1), vec![(0, 1.0, 0.0)]);
    assert!(m.is_deterministic());
}

#[test]
fn dense_view_accumulates_probability_and_conditions_the_reward() {
    let m = split_row().build().expect("valid");
    let (p, r) = m.to_dense().expect("small");
    assert_eq!((p[[0, 0, 0]], r[[0, 0, 0]]), (0.375, 5.0));
    assert_eq!(p[[0, 0, 1]], 0.625);
    // E[r | s′ = 1] = (0.375·(−1) + 0.25·(−100)) / 0.625 = −40.6.
    assert!((r[[0, 0, 1]] + 40.6).abs() < 1e-12, "{}", r[[0, 0, 1]]);
    let expected: f64 = (0..2).map(|n| p[[0, 0, n]] * r[[0, 0, n]]).sum();
    assert!((expected - m.expected_reward(0, 0)).abs() < 1e-12);
    assert_eq!((p[[1, 0, 1]], r[[1, 0, 1]]), (1.0, 0.0), "terminal row");
}

#[test]
fn map_rewards_is_per_outcome_and_keeps_shared_rewards_exact() {
    let m = split_row().build().expect("valid");
    let doubled = m.map_rewards(|_, _, _, r| 2.0 * r).expect("finite");
    assert_eq!(
        outcomes(&doubled, 0, 0),
        vec![(0, 0.375, 10.0), (1, 0.375, -2.0), (1, 0.25, -200.0)]
    );
    assert_eq!(doubled.expected_reward(0, 0), 2.0 * m.expected_reward(0, 0));
    // Mapped to one reward, the two outcomes of successor 1 stay two entries, and the dense
    // view keeps −0.1 itself (the quotient Σ p·r / Σ p would round it).
    let flat = m.map_rewards(|_, _, _, _| -0.1).expect("finite");
    assert_eq!(flat.n_entries(), m.n_entries());
    let (_, r) = flat.to_dense().expect("small");
    assert_eq!(r[[0, 0, 1]], -0.1);
}

/// A seeded random model whose rows reach up to three distinct successors through one to
/// three outcomes each, with distinct random rewards, together with the same model where
/// each successor's outcomes are pre-merged into one with their total probability and
/// probability-weighted mean reward. The last state is terminal when there are two or more.
fn split_and_merged(seed: u64, n_states: usize, n_actions: usize, gamma: f64) -> (Mdp, Mdp) {
    let mut rng = rng_from_seed(seed);
    let mut split = MdpBuilder::new(n_states, n_actions).gamma(gamma);
    let mut merged = MdpBuilder::new(n_states, n_actions).gamma(gamma);
    let terminal = (n_states > 1).then_some(n_states - 1);
    for s in 0..n_states {
        if Some(s) == terminal {
            continue;
        }
        for a in 0..n_actions {
            let k = rng.random_range(1..=3.min(n_states));
            let nexts = rand::seq::index::sample(&mut rng, n_states, k);
            let groups: Vec<(usize, Vec<(f64, f64)>)> = nexts
                .into_iter()
                .map(|next| {
                    let m = rng.random_range(1..=3);
                    let outs = (0..m)
                        .map(|_| (rng.random::<f64>() + 0.05, rng.random_range(-1.0..1.0)))
                        .collect();
                    (next, outs)
                })
                .collect();
            let total: f64 = groups
                .iter()
                .flat_map(|(_, o)| o.iter().map(|(w, _)| w))
                .sum();
            for (next, outs) in groups {
                let (mut mass, mut weighted) = (0.0, 0.0);
                for (w, r) in outs {
                    split.transition(s, a, next, w / total, r);
                    mass += w / total;
                    weighted += w / total * r;
                }
                merged.transition(s, a, next, mass, weighted / mass);
            }
        }
    }
    if let Some(t) = terminal {
        split.terminal(t);
        merged.terminal(t);
    }
    (
        split.build().expect("valid by construction"),
        merged.build().expect("valid by construction"),
    )
}

/// Element-wise |a − b| ≤ tol over two arrays of the same shape.
fn close<D: ndarray::Dimension>(
    a: &ndarray::Array<f64, D>,
    b: &ndarray::Array<f64, D>,
    tol: f64,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(a.shape(), b.shape());
    for ((i, x), y) in a.indexed_iter().zip(b) {
        prop_assert!((x - y).abs() <= tol, "at {:?}: {} vs {}", i, x, y);
    }
    Ok(())
}

fn fail(e: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

/// Split and merged iterates differ by round-off only, so the two runs stop on the same sweep
/// or one apart, and then their values differ by about one residual, below the tolerance; it
/// is set well above the round-off floor of values up to 1/(1 − γ) = 20 so sweeps converge.
const TIGHT: ValueIterationConfig = ValueIterationConfig {
    tolerance: 1e-13,
    max_iterations: 100_000,
};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn split_outcomes_plan_like_their_merged_mean(
        seed in 0u64..100_000,
        n_states in 1usize..10,
        n_actions in 1usize..4,
        gamma in 0.0f64..0.95,
    ) {
        let (split, merged) = split_and_merged(seed, n_states, n_actions, gamma);
        prop_assert!(split.n_entries() >= merged.n_entries());
        close(
            &ndarray::Array1::from(split.expected_rewards().to_vec()),
            &ndarray::Array1::from(merged.expected_rewards().to_vec()),
            1e-12,
        )?;
        let (ps, rs) = split.to_dense().map_err(fail)?;
        let (pm, rm) = merged.to_dense().map_err(fail)?;
        close(&ps, &pm, 1e-12)?;
        close(&rs, &rm, 1e-12)?;
        let vs = value_iteration(&split, &TIGHT).map_err(fail)?;
        let vm = value_iteration(&merged, &TIGHT).map_err(fail)?;
        close(&vs.values, &vm.values, 1e-12)?;
        close(&vs.q, &vm.q, 1e-12)?;
    }

    #[test]
    fn split_outcomes_evaluate_like_their_merged_mean(
        seed in 0u64..100_000,
        n_states in 1usize..10,
        n_actions in 1usize..4,
        gamma in 0.0f64..0.95,
    ) {
        let (split, merged) = split_and_merged(seed, n_states, n_actions, gamma);
        let policy = random_policy(seed, n_states, n_actions);
        let exact_split = evaluate_policy(&split, &policy).map_err(fail)?;
        let exact_merged = evaluate_policy(&merged, &policy).map_err(fail)?;
        close(&exact_split, &exact_merged, 1e-12)?;
        let iter_split = evaluate_policy_iterative(&split, &policy, &TIGHT).map_err(fail)?;
        let iter_merged = evaluate_policy_iterative(&merged, &policy, &TIGHT).map_err(fail)?;
        close(&iter_split, &iter_merged, 1e-12)?;
        // The two solvers agree too: the iterative error is at most γ·tol/(1 − γ) < 2e-12.
        close(&exact_split, &iter_split, 1e-11)?;
    }
}
