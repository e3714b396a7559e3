use ndarray::Array2;
use rewardlab_core::mdp::MdpBuilder;

use super::*;
use crate::potential::{PotentialName, TabularPotential};

/// Two ways from state 0 to the goal 3: the short one (0 → 1 → 3) and the long one
/// (0 → 2 → 2′ … modelled as 0 → 2 → 1 → 3); state 4 is a dead end that pays nothing.
fn two_paths() -> Mdp {
    let mut b = MdpBuilder::new(5, 2).gamma(0.9);
    b.transition(0, 0, 1, 1.0, 0.0);
    b.transition(0, 1, 2, 1.0, 0.0);
    b.transition(1, 0, 3, 1.0, 1.0);
    b.transition(1, 1, 4, 1.0, 0.0);
    b.transition(2, 0, 1, 1.0, 0.0);
    b.transition(2, 1, 1, 1.0, 0.0);
    b.terminal(3);
    b.terminal(4);
    b.initial_state(0);
    b.build().expect("valid")
}

#[test]
fn pbrs_keeps_policies_and_shifts_q_by_the_potential() -> Result<(), RewardsError> {
    let mdp = two_paths();
    for name in PotentialName::ALL {
        let phi = TabularPotential::named(name, &mdp)?;
        let report = check_pbrs(&mdp, &phi, TerminalPotential::Zero)?;
        assert!(report.preserved, "{name:?}: {report:?}");
        assert!(report.max_q_error.is_some_and(|e| e < 1e-9), "{report:?}");
    }
    // Hand check of V*: V(1) = 1, V(0) = V(2) = 0.9.
    let phi = TabularPotential::named(PotentialName::Value, &mdp)?;
    let want = [0.9, 1.0, 0.9, 0.0, 0.0];
    for (got, want) in phi.values().iter().zip(want) {
        assert!((got - want).abs() < 1e-12, "{:?}", phi.values());
    }
    Ok(())
}

#[test]
fn a_terminal_potential_that_is_not_zero_changes_the_policy() -> Result<(), RewardsError> {
    // A large potential on the dead end (4) leaks into the step that enters it.
    let mdp = two_paths();
    let phi = TabularPotential::new(vec![0.0, 0.0, 0.0, 0.0, 10.0])?;
    let ok = check_pbrs(&mdp, &phi, TerminalPotential::Zero)?;
    assert!(ok.preserved);
    let bug = check_pbrs(&mdp, &phi, TerminalPotential::Keep)?;
    assert!(!bug.preserved);
    assert_eq!(bug.differing_states, vec![1]);
    assert_eq!(bug.differences, vec![(1, vec![0], vec![1])]);
    assert!(bug.max_q_error.is_some_and(|e| e > 1.0));
    Ok(())
}

#[test]
fn ties_are_not_differences() -> Result<(), RewardsError> {
    // In state 2 both actions lead to 1: a tie, kept as the set {0, 1}.
    let mdp = two_paths();
    let sol = solve_exact(&mdp)?;
    let sets = optimal_action_sets(sol.q.view(), mdp.terminal());
    assert_eq!(sets, vec![vec![0], vec![0], vec![0, 1], vec![], vec![]]);
    let same = compare_optimal_policies(&mdp, &mdp.clone())?;
    assert!(same.preserved && same.max_q_error.is_none());
    Ok(())
}

#[test]
fn distance_potential_counts_steps_to_the_best_terminal() -> Result<(), RewardsError> {
    let mdp = two_paths();
    assert_eq!(crate::potential::goal_states(&mdp)?, vec![3]);
    let phi = TabularPotential::named(PotentialName::Distance, &mdp)?;
    assert_eq!(phi.values(), &[-2.0, -1.0, -2.0, 0.0, 0.0]);
    Ok(())
}

#[test]
fn look_ahead_advice_converges_to_q_star_minus_phi() -> Result<(), RewardsError> {
    let mdp = two_paths();
    let mut phi = Array2::zeros((5, 2));
    phi[[0, 0]] = 5.0; // advice on the optimal action of state 0
    phi[[1, 1]] = 3.0; // and on the dead end
    let report = check_look_ahead(&mdp, phi.view())?;
    assert!(report.preserved, "{report:?}");
    assert!(report.max_q_error.is_some_and(|e| e < 1e-9));
    // Q̂ = Q* − Φ(s, a): acting greedily on Q̂ alone, without the correction, would take the
    // long path in state 0 (Q̂(0, 0) = 0.9 − 5 < Q̂(0, 1) = 0.81).
    let q_hat = crate::tabular::look_ahead_q(&mdp, phi.view())?;
    assert!((q_hat[[0, 0]] - (0.9 - 5.0)).abs() < 1e-9);
    assert_eq!(rewardlab_core::mdp::argmax_lowest(q_hat.row(0).iter()), 1);
    Ok(())
}
