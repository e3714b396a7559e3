use super::*;
use crate::mdp::MdpBuilder;

/// State 0 (start) --a0--> {1: 0.2, 2: 0.5, 3: 0.3}; --a1--> 3 (terminal) with reward 5.
/// States 1 and 2 go back to 0 with rewards 1 and 2.
fn model() -> Arc<Mdp> {
    let mut b = MdpBuilder::new(4, 2).gamma(0.9);
    b.transition(0, 0, 1, 0.2, 1.0)
        .transition(0, 0, 2, 0.5, 2.0)
        .transition(0, 0, 3, 0.3, 3.0)
        .transition(0, 1, 3, 1.0, 5.0);
    for s in [1, 2] {
        for a in 0..2 {
            b.transition(s, a, 0, 1.0, s as f64);
        }
    }
    b.initial_state(0).terminal(3);
    Arc::new(b.build().expect("the test model is valid"))
}

fn rollout(env: &mut TabularEnv, seed: u64) -> Vec<(usize, f64, bool)> {
    let (mut out, _) = (Vec::new(), env.reset(Some(seed)));
    for _ in 0..200 {
        let step = env.step(&0).expect("action 0 is valid");
        out.push((step.obs, step.reward, step.terminated));
        if step.terminated {
            env.reset(None);
        }
    }
    out
}

#[test]
fn same_seed_same_trajectory_and_none_continues() {
    let mut a = TabularEnv::new(model());
    let mut b = TabularEnv::new(model());
    let ta = rollout(&mut a, 7);
    assert_eq!(ta, rollout(&mut b, 7));
    assert_ne!(ta, rollout(&mut b, 8), "another seed, another trajectory");
}

#[test]
fn successor_frequencies_match_the_model() {
    let mut env = TabularEnv::new(model());
    env.reset(Some(3));
    let draws = 20_000;
    let mut counts = [0usize; 4];
    for _ in 0..draws {
        env.set_state(&[0.0]).expect("0 is a state");
        let step = env.step(&0).expect("a valid step");
        counts[step.obs] += 1;
        // R(s, a, s') is the reward of the sampled successor.
        assert_eq!(step.reward, step.obs as f64);
        assert_eq!(step.terminated, step.obs == 3);
        assert!(!step.truncated);
    }
    for (s, want) in [(1, 0.2), (2, 0.5), (3, 0.3)] {
        let got = counts[s] as f64 / draws as f64;
        assert!((got - want).abs() < 0.02, "P(s'={s}) = {got}, model {want}");
    }
    assert_eq!(counts[0], 0);
}

#[test]
fn last_prob_is_the_probability_of_the_sampled_outcome() {
    let mut env = TabularEnv::new(model());
    env.reset(Some(5));
    assert_eq!(
        env.last_prob(),
        1.0,
        "a reset reports 1, as Gymnasium's toy text"
    );
    for _ in 0..50 {
        env.set_state(&[0.0]).expect("0 is a state");
        let step = env.step(&0).expect("a valid step");
        let want = [0.0, 0.2, 0.5, 0.3][step.obs];
        assert_eq!(env.last_prob(), want, "successor {}", step.obs);
    }
    env.set_state(&[0.0]).expect("0 is a state");
    env.step(&1).expect("a valid step");
    assert_eq!(env.last_prob(), 1.0);
}

#[test]
fn outcomes_of_one_successor_pay_their_own_rewards() {
    // From 0: back to 0 paying −100 (0.5) or −1 (0.25), or on to 1 paying −1 (0.25).
    let mut b = MdpBuilder::new(2, 1);
    b.transition(0, 0, 0, 0.5, -100.0)
        .transition(0, 0, 1, 0.25, -1.0)
        .transition(0, 0, 0, 0.25, -1.0);
    b.initial_state(0).terminal(1);
    let mut env = TabularEnv::new(Arc::new(b.build().expect("valid")));
    env.reset(Some(9));
    let draws = 20_000;
    let mut counts = std::collections::BTreeMap::new();
    for _ in 0..draws {
        env.set_state(&[0.0]).expect("0 is a state");
        let step = env.step(&0).expect("a valid step");
        *counts
            .entry((step.obs, step.reward as i64))
            .or_insert(0usize) += 1;
    }
    assert_eq!(counts.len(), 3, "{counts:?}");
    for (outcome, want) in [((0, -100), 0.5), ((0, -1), 0.25), ((1, -1), 0.25)] {
        let got = counts.get(&outcome).copied().unwrap_or(0) as f64 / draws as f64;
        assert!(
            (got - want).abs() < 0.02,
            "P{outcome:?} = {got}, model {want}"
        );
    }
}

#[test]
fn initial_state_is_sampled_from_the_model() {
    let mut b = MdpBuilder::new(3, 1);
    for s in 0..3 {
        b.transition(s, 0, s, 1.0, 0.0);
    }
    b.initial(vec![0.25, 0.0, 0.75]);
    let mut env = TabularEnv::new(Arc::new(b.build().expect("valid")));
    env.reset(Some(1));
    let mut counts = [0usize; 3];
    for _ in 0..4000 {
        counts[env.reset(None).0] += 1;
    }
    assert_eq!(counts[1], 0);
    let frac = counts[2] as f64 / 4000.0;
    assert!((frac - 0.75).abs() < 0.03, "P(s0 = 2) = {frac}");
}

#[test]
fn reset_over_the_support_picks_what_the_dense_walk_picks() {
    // Zeros between, before and after the support: for the same seeds, the state drawn
    // equals the dense cumulative walk over `initial()` with the same uniform.
    let mut b = MdpBuilder::new(6, 1);
    for s in 0..6 {
        b.transition(s, 0, s, 1.0, 0.0);
    }
    b.initial(vec![0.0, 0.3, 0.0, 0.0, 0.7, 0.0]);
    let mdp = Arc::new(b.build().expect("valid"));
    let mut env = TabularEnv::new(mdp.clone());
    let mut seen = [0usize; 6];
    for seed in 0..200u64 {
        let mut rng = crate::rng::rng_from_seed(seed);
        let u: f64 = rng.random();
        let dense = pick_cumulative(mdp.initial().iter().copied(), u);
        let (s, _) = env.reset(Some(seed));
        assert_eq!(s, dense, "seed {seed}");
        seen[s] += 1;
    }
    assert_eq!((seen[0], seen[2], seen[3], seen[5]), (0, 0, 0, 0));
    assert!(seen[1] > 0 && seen[4] > 0);
}

#[test]
fn step_before_reset_and_after_termination_needs_reset() {
    let mut env = TabularEnv::new(model());
    assert_eq!(env.step(&0), Err(EnvError::ResetNeeded));
    assert_eq!(env.state(), None);
    env.reset(Some(0));
    let step = env.step(&1).expect("valid");
    assert!(step.terminated);
    assert_eq!((step.obs, step.reward), (3, 5.0));
    assert_eq!(env.step(&1), Err(EnvError::ResetNeeded));
    assert_eq!(env.state(), Some(Value::Int(3)));
    assert_eq!(env.state_index(), 3);
}

#[test]
fn invalid_action_is_rejected() {
    let mut env = TabularEnv::new(model());
    env.reset(Some(0));
    let err = env.step(&2).expect_err("action 2 is outside Discrete(2)");
    assert_eq!(
        err,
        EnvError::InvalidAction {
            action: "2".into(),
            space: "Discrete(2)".into()
        }
    );
    // The episode goes on after a refused action.
    assert!(env.step(&0).is_ok());
}

#[test]
fn terminal_state_is_absorbing_in_the_model() {
    let env = TabularEnv::new(model());
    for a in 0..2 {
        let row: Vec<_> = env.mdp().successors(3, a).collect();
        assert_eq!(row.len(), 1);
        assert_eq!((row[0].next, row[0].prob, row[0].reward), (3, 1.0, 0.0));
    }
}

#[test]
fn set_state_validates_and_moves() {
    let mut env = TabularEnv::new(model());
    env.reset(Some(0));
    assert_eq!(env.set_state(&[2.0]), Ok(2));
    assert_eq!(env.state(), Some(Value::Int(2)));
    let step = env.step(&0).expect("valid");
    assert_eq!((step.obs, step.reward), (0, 2.0));
    for bad in [
        vec![],
        vec![1.0, 2.0],
        vec![1.5],
        vec![-1.0],
        vec![4.0],
        vec![f64::NAN],
    ] {
        assert!(
            matches!(env.set_state(&bad), Err(EnvError::InvalidState { .. })),
            "{bad:?} must be refused"
        );
    }
}

#[test]
fn step_from_a_set_terminal_state_follows_its_absorbing_row() {
    let mut env = TabularEnv::new(model());
    // Before any reset too: set_state alone starts an episode.
    for reset_first in [false, true] {
        if reset_first {
            env.reset(Some(0));
        }
        assert_eq!(env.set_state(&[3.0]), Ok(3));
        let step = env.step(&1).expect("a set state can be stepped from");
        assert_eq!((step.obs, step.reward), (3, 0.0));
        assert!(step.terminated && !step.truncated);
        assert_eq!(env.state_index(), 3);
        assert_eq!(env.step(&0), Err(EnvError::ResetNeeded));
    }
    // After a terminating step, set_state into a live state resumes without a reset.
    assert_eq!(env.set_state(&[1.0]), Ok(1));
    let step = env.step(&0).expect("valid");
    assert_eq!((step.obs, step.reward, step.terminated), (0, 1.0, false));
}

#[test]
fn pick_cumulative_skips_zero_entries_and_absorbs_rounding() {
    let probs = [0.0, 0.5, 0.0, 0.5, 0.0];
    assert_eq!(pick_cumulative(probs, 0.0), 1);
    assert_eq!(pick_cumulative(probs, 0.49), 1);
    assert_eq!(pick_cumulative(probs, 0.5), 3);
    assert_eq!(pick_cumulative(probs, 1.0), 3);
}
