use super::*;

fn step<'a>(
    s: &'a usize,
    a: &'a usize,
    next: &'a usize,
    r: f64,
    terminated: bool,
) -> Transition<'a, usize, usize> {
    Transition {
        obs: s,
        action: a,
        next_obs: next,
        reward: r,
        terminated,
        truncated: false,
        t: 0,
    }
}

#[test]
fn pbrs_term_zeroes_the_terminal_potential_only_on_termination() {
    // γΦ(s′) − Φ(s) = 0.9·5 − 2 = 2.5.
    assert!((pbrs_term(0.9, 2.0, 5.0, false) - 2.5).abs() < 1e-12);
    // Terminated: Φ(s′) counts as 0.
    assert_eq!(pbrs_term(0.9, 2.0, 5.0, true), -2.0);
    // Truncated steps are not terminal: the wrapper passes terminated = false.
    let phi = |s: &usize| *s as f64;
    let mut f = Pbrs::new(phi, 0.9);
    let (s, a, n) = (2, 0, 5);
    let mut cut = step(&s, &a, &n, 0.0, false);
    cut.truncated = true;
    assert!((RewardFn::<usize, usize>::reward(&mut f, &cut) - 2.5).abs() < 1e-12);
    let end = step(&s, &a, &n, 0.0, true);
    assert_eq!(RewardFn::<usize, usize>::reward(&mut f, &end), -2.0);
    // The bug keeps Φ(s′).
    let mut bug = Pbrs::new(phi, 0.9).with_terminal(TerminalPotential::Keep);
    assert!((RewardFn::<usize, usize>::reward(&mut bug, &end) - 2.5).abs() < 1e-12);
}

#[test]
fn terms_compose_without_counting_the_task_reward_twice() {
    let (s, a, n) = (3, 1, 2);
    let t = step(&s, &a, &n, 1.0, false);
    let distance = |s: &usize| Some(*s as f64);
    // r + progress bonus (2 < 3) + step bonus = 1 + 0.5 − 0.1.
    let mut r = Task
        .plus(Progress::new(distance, 0.5))
        .plus(StepBonus(-0.1));
    assert!((r.reward(&t) - 1.4).abs() < 1e-12);
    let mut scaled = Task.plus(StepBonus(1.0)).scaled(3.0).clipped(-1.0, 5.0);
    assert_eq!(scaled.reward(&t), 5.0);
    let mut sum: Sum<usize, usize> = Sum(vec![Box::new(Task), Box::new(StepBonus(2.0))]);
    assert_eq!(sum.reward(&t), 3.0);
    // Moving away pays no progress bonus (and no penalty).
    let back = step(&n, &a, &s, 0.0, false);
    assert_eq!(Progress::new(distance, 0.5).reward(&back), 0.0);
    let mut sub = SubgoalBonus::new(|s: &usize| *s == 2, 0.25);
    assert_eq!(sub.reward(&t), 0.25);
    assert_eq!(sub.reward(&back), 0.0);
    let mut closure = FromFn(|t: &Transition<'_, usize, usize>| t.reward * 10.0);
    assert_eq!(closure.reward(&t), 10.0);
}

/// The discounted sum of a (dynamic) potential-based term over an episode telescopes to
/// γ^T Φ(s_T, T)·(1 − terminated) − Φ(s_0, 0), whatever the path: why it cannot change which
/// policy is optimal.
#[test]
fn dynamic_shaping_telescopes_along_any_path() {
    let gamma = 0.9;
    let phi = |s: &usize, t: usize| (*s as f64) * 0.5 + t as f64;
    for path in [vec![0usize, 3, 1, 4], vec![0, 2, 2, 2, 4], vec![0, 4]] {
        for terminated in [false, true] {
            let mut f = DynamicPbrs::new(phi, gamma);
            let mut total = 0.0;
            let last = path.len() - 2;
            for (t, w) in path.windows(2).enumerate() {
                let mut tr = step(&w[0], &0usize, &w[1], 0.0, terminated && t == last);
                tr.t = t;
                total += gamma.powi(t as i32) * RewardFn::<usize, usize>::reward(&mut f, &tr);
            }
            let steps = path.len() - 1;
            let end = if terminated {
                0.0
            } else {
                gamma.powi(steps as i32) * phi(&path[steps], steps)
            };
            let want = end - phi(&path[0], 0);
            assert!((total - want).abs() < 1e-12, "{path:?}: {total} vs {want}");
        }
    }
}

#[test]
fn look_back_advice_telescopes_to_zero_on_termination_and_forgets_the_last_episode() {
    let gamma = 0.5;
    let phi = |s: &usize, a: &usize| (*s * 10 + *a) as f64;
    let mut f = LookBackAdvice::new(phi, gamma).expect("γ > 0");
    // Episode (s, a): (1, 0) → (2, 1) → (3, last), then terminal.
    for last in [0usize, 1, 2] {
        let pairs = [(1usize, 0usize, 2usize), (2, 1, 3), (3, last, 9)];
        let mut got = Vec::new();
        RewardFn::<usize, usize>::reset(&mut f, &1);
        for (i, (s, a, n)) in pairs.iter().enumerate() {
            got.push(f.reward(&step(s, a, n, 0.0, i == 2)));
        }
        // F_0 = Φ(1,0) = 10; F_1 = Φ(2,1) − Φ(1,0)/γ = 21 − 20 = 1; the terminating step pays
        // only −Φ(2,1)/γ = −42, whatever its action.
        assert_eq!(got, vec![10.0, 1.0, -42.0], "last action {last}");
        let discounted: f64 = got
            .iter()
            .enumerate()
            .map(|(t, r)| gamma.powi(t as i32) * r)
            .sum();
        assert!(discounted.abs() < 1e-12, "{discounted}");
    }
    // A truncated step pays Φ(s, a) − γ⁻¹Φ(prev) like any other, and the next episode
    // starts without a previous pair.
    RewardFn::<usize, usize>::reset(&mut f, &1);
    let mut cut = step(&1, &0, &2, 0.0, false);
    cut.truncated = true;
    assert_eq!(f.reward(&cut), 10.0);
    RewardFn::<usize, usize>::reset(&mut f, &1);
    assert_eq!(f.reward(&step(&1, &0, &2, 0.0, false)), 10.0);
    assert!(LookBackAdvice::new(phi, 0.0).is_err());
}

#[test]
fn look_ahead_advice_terms_and_the_corrected_action() {
    let phi = |s: usize, a: usize| if a == 1 { s as f64 } else { 0.0 };
    let advice = LookAheadAdvice::new(phi, 0.9);
    // γΦ(4, 1) − Φ(2, 1) = 3.6 − 2.
    assert!((advice.term(2, 1, 4, 1, false) - 1.6).abs() < 1e-12);
    assert_eq!(advice.term(2, 1, 4, 1, true), -2.0);
    // Q alone prefers action 0; Q + Φ prefers action 1 in state 3.
    assert_eq!(advice.corrected_action(3, &[1.0, -1.5]), 1);
    assert_eq!(advice.corrected_action(0, &[1.0, -1.5]), 0);
}
