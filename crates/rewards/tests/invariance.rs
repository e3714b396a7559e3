//! Property tests of the shaping theorems on random small MDPs.
//!
//! - Potential-based shaping with Φ(terminal) = 0 keeps every optimal action set and shifts
//!   Q* by exactly Φ(s) (Ng, Harada & Russell 1999), whatever Φ and the model.
//! - Look-ahead advice with a random Φ(s, a), corrected at action selection, keeps them too
//!   (Wiewiora et al. 2003).
//! - Keeping Φ(terminal) ≠ 0 in an episodic task *can* change them, and so can bonuses that
//!   are not potential-based (step, subgoal, progress). "Can" is shown by finding instances:
//!   a deterministic search over seeded random models must find one, and a hand-built model
//!   shows each by numbers.
//!
//! Random models: 3–8 states of which the last 1–2 are terminal, 2–3 actions, each
//! non-terminal (s, a) with 1–3 distinct successors of random probability and a reward in
//! [−1, 1] per outcome, γ ∈ [0.5, 0.95]. A model is drawn from a seed (Pcg64), so proptest
//! picks seeds and sizes; case counts are capped to keep the file fast.

use ndarray::Array2;
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use rewardlab_core::mdp::{Mdp, MdpBuilder};
use rewardlab_rewards::check::{check_look_ahead, check_pbrs, compare_optimal_policies};
use rewardlab_rewards::potential::{goal_states, steps_to_goal};
use rewardlab_rewards::shaping::{StepBonus, SubgoalBonus, Task, TerminalPotential};
use rewardlab_rewards::{RewardFnExt, RewardsError, TabularPotential, tabular};

/// A random episodic model (see the module docs).
fn random_mdp(seed: u64, n: usize, m: usize, terminals: usize, gamma: f64) -> Mdp {
    let mut rng = Pcg64::seed_from_u64(seed);
    let first_terminal = n - terminals;
    let mut b = MdpBuilder::new(n, m).gamma(gamma);
    for s in 0..first_terminal {
        for a in 0..m {
            let k = rng.random_range(1..=3.min(n));
            let mut next: Vec<usize> = Vec::with_capacity(k);
            while next.len() < k {
                let s2 = rng.random_range(0..n);
                if !next.contains(&s2) {
                    next.push(s2);
                }
            }
            let weights: Vec<f64> = next.iter().map(|_| rng.random::<f64>() + 0.05).collect();
            let total: f64 = weights.iter().sum();
            for (s2, w) in next.into_iter().zip(weights) {
                b.transition(s, a, s2, w / total, rng.random_range(-1.0..=1.0));
            }
        }
    }
    for s in first_terminal..n {
        b.terminal(s);
    }
    b.initial_state(0);
    b.build().expect("a random model is valid by construction")
}

/// One potential value per state in [−5, 5].
fn random_phi(seed: u64, n: usize) -> Vec<f64> {
    let mut rng = Pcg64::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15);
    (0..n).map(|_| rng.random_range(-5.0..=5.0)).collect()
}

/// The sizes and discount proptest draws: (seed, states, actions, terminal states, γ).
fn model_params() -> impl Strategy<Value = (u64, usize, usize, usize, f64)> {
    (
        any::<u64>(),
        3usize..=8,
        2usize..=3,
        1usize..=2,
        0.5f64..=0.95,
    )
}

/// The same sizes from a plain seed, for the deterministic searches.
fn params_of(seed: u64) -> (usize, usize, usize, f64) {
    let mut rng = Pcg64::seed_from_u64(seed.wrapping_mul(31).wrapping_add(7));
    (
        rng.random_range(3..=8),
        rng.random_range(2..=3),
        rng.random_range(1..=2),
        rng.random_range(0.5..=0.95),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn pbrs_keeps_optimal_action_sets_and_shifts_q_by_phi(
        (seed, n, m, terminals, gamma) in model_params(),
    ) {
        let mdp = random_mdp(seed, n, m, terminals, gamma);
        let phi = TabularPotential::new(random_phi(seed, n)).expect("finite");
        let report = check_pbrs(&mdp, &phi, TerminalPotential::Zero).expect("solvable");
        prop_assert!(report.preserved, "{report:?}");
        prop_assert!(report.differing_states.is_empty());
        let err = report.max_q_error.expect("PBRS measures the identity");
        prop_assert!(err < 1e-9, "max Q error {err}");
    }

    #[test]
    fn keeping_a_terminal_potential_of_zero_changes_nothing(
        (seed, n, m, terminals, gamma) in model_params(),
    ) {
        // The Keep rule differs from Zero only through Φ(terminal): with Φ = 0 there, the
        // buggy form is the correct one.
        let mdp = random_mdp(seed, n, m, terminals, gamma);
        let mut values = random_phi(seed, n);
        for (s, v) in values.iter_mut().enumerate() {
            if mdp.is_terminal(s) {
                *v = 0.0;
            }
        }
        let phi = TabularPotential::new(values).expect("finite");
        let report = check_pbrs(&mdp, &phi, TerminalPotential::Keep).expect("solvable");
        prop_assert!(report.preserved, "{report:?}");
        prop_assert!(report.max_q_error.is_some_and(|e| e < 1e-9), "{report:?}");
    }

    #[test]
    fn look_ahead_advice_with_correction_keeps_optimal_action_sets(
        (seed, n, m, terminals, gamma) in model_params(),
    ) {
        let mdp = random_mdp(seed, n, m, terminals, gamma);
        let mut rng = Pcg64::seed_from_u64(seed ^ 0x5555);
        let phi_sa = Array2::from_shape_fn((n, m), |_| rng.random_range(-5.0..=5.0));
        let report = check_look_ahead(&mdp, phi_sa.view()).expect("converges for γ < 1");
        prop_assert!(report.preserved, "{report:?}");
        let err = report.max_q_error.expect("look-ahead measures Q̂ + Φ = Q*");
        prop_assert!(err < 1e-9, "max Q error {err}");
    }
}

/// The first of `tries` seeded models on which `changes` reports a changed policy.
fn find_instance(
    tries: u64,
    mut changes: impl FnMut(&Mdp, u64) -> Result<bool, RewardsError>,
) -> Option<u64> {
    (0..tries).find(|&seed| {
        let (n, m, terminals, gamma) = params_of(seed);
        let mdp = random_mdp(seed, n, m, terminals, gamma);
        changes(&mdp, seed).expect("random models are solvable")
    })
}

#[test]
fn a_kept_terminal_potential_changes_some_random_policy() -> Result<(), RewardsError> {
    let found = find_instance(200, |mdp, seed| {
        // Large potentials on terminal states, random elsewhere.
        let mut values = random_phi(seed, mdp.n_states());
        for (s, v) in values.iter_mut().enumerate() {
            if mdp.is_terminal(s) {
                *v *= 4.0;
            }
        }
        let phi = TabularPotential::new(values)?;
        let bug = check_pbrs(mdp, &phi, TerminalPotential::Keep)?;
        // On the same instance the correct rule keeps the policy.
        let ok = check_pbrs(mdp, &phi, TerminalPotential::Zero)?;
        assert!(ok.preserved, "seed {seed}: {ok:?}");
        Ok(!bug.preserved)
    });
    assert!(found.is_some(), "no instance among 200 seeded models");
    Ok(())
}

#[test]
fn a_kept_terminal_potential_changes_a_hand_built_policy() -> Result<(), RewardsError> {
    // State 0: action 0 enters the goal 1 (+1), action 1 a dead end 2 (0). γ = 0.9.
    // Keep with Φ(2) = 10 pays 0.9·10 = 9 > 1 for the dead end; Zero pays 0 for it.
    let mut b = MdpBuilder::new(3, 2).gamma(0.9);
    b.transition(0, 0, 1, 1.0, 1.0);
    b.transition(0, 1, 2, 1.0, 0.0);
    b.terminal(1).terminal(2).initial_state(0);
    let mdp = b.build()?;
    let phi = TabularPotential::new(vec![0.0, 0.0, 10.0])?;
    assert!(check_pbrs(&mdp, &phi, TerminalPotential::Zero)?.preserved);
    let bug = check_pbrs(&mdp, &phi, TerminalPotential::Keep)?;
    assert_eq!(bug.differences, vec![(0, vec![0], vec![1])]);
    // Q*(0, 1) = 0 under the task; Keep makes it 9, so the identity misses by 9.
    assert!(bug.max_q_error.is_some_and(|e| (e - 9.0).abs() < 1e-9));
    Ok(())
}

#[test]
fn non_potential_bonuses_change_some_random_policy() -> Result<(), RewardsError> {
    // Each bonus on its own must change the optimal action sets of some seeded model.
    let step = find_instance(200, |mdp, _| {
        let shaped = tabular::apply(mdp, &mut Task.plus(StepBonus(1.0)))?;
        Ok(!compare_optimal_policies(mdp, &shaped)?.preserved)
    });
    assert!(step.is_some(), "step bonus: no instance among 200 models");
    let subgoal = find_instance(200, |mdp, seed| {
        let subgoal = (seed as usize) % (mdp.n_states() - 1);
        let bonus = SubgoalBonus::new(move |s: &usize| *s == subgoal, 1.0);
        let shaped = tabular::apply(mdp, &mut Task.plus(bonus))?;
        Ok(!compare_optimal_policies(mdp, &shaped)?.preserved)
    });
    assert!(
        subgoal.is_some(),
        "subgoal bonus: no instance among 200 models"
    );
    let progress = find_instance(200, |mdp, _| {
        let Ok(goals) = goal_states(mdp) else {
            return Ok(false);
        };
        let distance = steps_to_goal(mdp, &goals)?;
        let shaped = tabular::progress(mdp, &distance, 0.5)?;
        Ok(!compare_optimal_policies(mdp, &shaped)?.preserved)
    });
    assert!(
        progress.is_some(),
        "progress bonus: no instance among 200 models"
    );
    Ok(())
}

#[test]
fn non_potential_bonuses_change_a_hand_built_policy() -> Result<(), RewardsError> {
    // State 0: action 0 enters the goal 2 (+1); action 1 goes to 1, whose action 0 returns
    // to 0 and action 1 enters the goal. γ = 0.9. Under the task 0 → goal is optimal.
    let mut b = MdpBuilder::new(3, 2).gamma(0.9);
    b.transition(0, 0, 2, 1.0, 1.0);
    b.transition(0, 1, 1, 1.0, 0.0);
    b.transition(1, 0, 0, 1.0, 0.0);
    b.transition(1, 1, 2, 1.0, 1.0);
    b.terminal(2).initial_state(0);
    let mdp = b.build()?;
    // A step bonus of 1 pays 1/(1 − 0.9) = 10 for never ending, more than 1 + 1 = 2.
    let shaped = tabular::apply(&mdp, &mut Task.plus(StepBonus(1.0)))?;
    let report = compare_optimal_policies(&mdp, &shaped)?;
    assert_eq!(
        report.differences,
        vec![(0, vec![0], vec![1]), (1, vec![1], vec![0])]
    );
    // A subgoal bonus of 1 on state 1: cycling 0 → 1 → 0 is worth V(0) = 1/(1 − 0.81) ≈ 5.3
    // from state 0 and V(1) = 0.9·5.3 ≈ 4.7 from state 1, more than the goal's 1 from either.
    let bonus = SubgoalBonus::new(|s: &usize| *s == 1, 1.0);
    let shaped = tabular::apply(&mdp, &mut Task.plus(bonus))?;
    let report = compare_optimal_policies(&mdp, &shaped)?;
    assert_eq!(report.differing_states, vec![0, 1]);

    // Progress on a chain 0 – 1 – goal 2 (d = 2, 1, 0): state 0 can stay (action 0) or step
    // to 1 (action 1); state 1 can step back to 0 (action 0) or enter the goal (action 1, +1).
    // With b = 1, stepping back and forth pays b every second step: V(1) = 0.9·(1 + 0.9·V(1))
    // = 0.9/0.19 ≈ 4.7, more than 1 + b = 2 for entering the goal.
    let mut b = MdpBuilder::new(3, 2).gamma(0.9);
    b.transition(0, 0, 0, 1.0, 0.0);
    b.transition(0, 1, 1, 1.0, 0.0);
    b.transition(1, 0, 0, 1.0, 0.0);
    b.transition(1, 1, 2, 1.0, 1.0);
    b.terminal(2).initial_state(0);
    let chain = b.build()?;
    let distance = steps_to_goal(&chain, &goal_states(&chain)?)?;
    assert_eq!(distance, vec![Some(2), Some(1), Some(0)]);
    let shaped = tabular::progress(&chain, &distance, 1.0)?;
    let report = compare_optimal_policies(&chain, &shaped)?;
    assert_eq!(report.differences, vec![(1, vec![1], vec![0])]);
    // The potential-based version of the same bonus, Φ = −d, keeps the policy.
    let phi = TabularPotential::new(distance.iter().map(|d| -(d.unwrap_or(0) as f64)).collect())?;
    assert!(check_pbrs(&chain, &phi, TerminalPotential::Zero)?.preserved);
    Ok(())
}
