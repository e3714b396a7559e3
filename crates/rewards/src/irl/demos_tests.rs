//! Demonstrations: the file format's errors, checks against a model, seeded sampling and
//! the empirical occupancy against hand-computed and exact values.

use ndarray::{Array2, array};
use proptest::prelude::*;
use rewardlab_core::mdp::{Mdp, MdpBuilder, state_action_occupancy};

use super::*;

fn traj(obs: &[usize], acts: &[usize], terminal: bool, rewards: Option<&[f64]>) -> Trajectory {
    Trajectory {
        obs: obs.to_vec(),
        acts: acts.to_vec(),
        terminal,
        rewards: rewards.map(<[f64]>::to_vec),
    }
}

/// A deterministic chain 0 → 1 → 2 → 3 (terminal): action 0 moves right (reward 1 on
/// entering 3, else 0), action 1 stays put (reward −0.5). Starts in 0.
fn chain(gamma: f64) -> Mdp {
    let mut b = MdpBuilder::new(4, 2).gamma(gamma);
    for s in 0..3 {
        b.transition(s, 0, s + 1, 1.0, if s == 2 { 1.0 } else { 0.0 });
        b.transition(s, 1, s, 1.0, -0.5);
    }
    b.terminal(3);
    b.initial_state(0);
    b.build().expect("a valid chain")
}

/// Three non-terminal states and a terminal one, two actions; every step ends the episode
/// with probability 1/2 and otherwise moves among the non-terminal states, so episodes are
/// short. The initial distribution covers the non-terminal states.
fn quick_stochastic(gamma: f64) -> Mdp {
    let mut b = MdpBuilder::new(4, 2).gamma(gamma);
    for s in 0..3 {
        b.transition(s, 0, 3, 0.5, 1.0);
        b.transition(s, 0, (s + 1) % 3, 0.3, 0.0);
        b.transition(s, 0, s, 0.2, 0.0);
        b.transition(s, 1, 3, 0.5, -1.0);
        b.transition(s, 1, (s + 2) % 3, 0.5, 0.5);
    }
    b.terminal(3);
    b.initial(vec![0.5, 0.25, 0.25, 0.0]);
    b.build().expect("a valid stochastic model")
}

fn err_text(r: Result<Demos, DemoError>) -> String {
    match r {
        Ok(d) => panic!("expected an error, parsed {} trajectories", d.len()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn jsonl_round_trip_keeps_trajectories_and_rewards_exactly() {
    let d = Demos::new(
        vec![
            traj(&[0, 1, 2, 3], &[0, 0, 0], true, Some(&[0.1, -1e300, 1e-7])),
            traj(&[2, 2], &[1], false, None),
            traj(
                &[1, 2, 2],
                &[0, 1],
                false,
                Some(&[-0.0, 0.3333333333333333]),
            ),
        ],
        4,
        2,
    )
    .expect("valid demos");
    let text = d.to_jsonl();
    assert_eq!(text.lines().count(), 3);
    assert!(
        !text
            .lines()
            .nth(1)
            .expect("a second line")
            .contains("rewards")
    );
    let back = Demos::parse_jsonl(&text, 4, 2).expect("its own output parses");
    assert_eq!(back, d);
    assert_eq!(
        back.trajectories()[0].rewards.as_deref(),
        Some(&[0.1, -1e300, 1e-7][..])
    );
}

#[test]
fn file_round_trip_and_missing_file_names_the_path() {
    let path = std::env::temp_dir().join(format!("rewardlab-demos-{}.jsonl", std::process::id()));
    let d = Demos::new(vec![traj(&[0, 1], &[0], false, Some(&[2.5]))], 4, 2).expect("valid");
    d.write_jsonl(&path).expect("writable temp dir");
    let back = Demos::read_jsonl(&path, 4, 2);
    std::fs::remove_file(&path).expect("remove the temp file");
    assert_eq!(back.expect("reads back"), d);

    let missing = path.with_file_name("rewardlab-no-such-demos.jsonl");
    let msg = err_text(Demos::read_jsonl(&missing, 4, 2));
    assert!(msg.contains("rewardlab-no-such-demos.jsonl"), "{msg}");
}

#[test]
fn parse_accepts_any_field_order_and_skips_blank_lines() {
    let text = "\n  \n{\"terminal\": false, \"acts\": [1], \"obs\": [2, 2]}\n\n";
    let d = Demos::parse_jsonl(text, 4, 2).expect("valid");
    assert_eq!(d.len(), 1);
    assert_eq!(d.trajectories()[0], traj(&[2, 2], &[1], false, None));
}

/// A good line, a blank line, then the bad line: the error must say "line 3".
fn bad_at_line_3(bad: &str) -> String {
    let text = format!("{{\"obs\": [0, 1], \"acts\": [0], \"terminal\": false}}\n\n{bad}\n");
    err_text(Demos::parse_jsonl(&text, 4, 2))
}

#[test]
fn each_bad_line_is_named_with_blank_lines_counted() {
    let cases = [
        (
            r#"{"obs": [0, 1, 2], "acts": [0], "terminal": false}"#,
            "one longer",
        ),
        (
            r#"{"obs": [0, 4], "acts": [0], "terminal": false}"#,
            "obs[1] = 4 is not a state id",
        ),
        (
            r#"{"obs": [0, 1], "acts": [2], "terminal": false}"#,
            "acts[0] = 2 is not an action id",
        ),
        (
            r#"{"obs": [0, 1], "acts": [0], "terminal": fals}"#,
            "column",
        ),
        (
            r#"{"obs": [0, 1], "acts": [0], "terminal": false, "action": 1}"#,
            "unknown field `action`",
        ),
        (
            r#"{"obs": [0, 1], "acts": [0]}"#,
            "missing field `terminal`",
        ),
        (
            r#"{"obs": [0, -1], "acts": [0], "terminal": false}"#,
            "invalid value",
        ),
        (
            r#"{"obs": [2], "acts": [], "terminal": false}"#,
            "no actions",
        ),
        (
            r#"{"obs": [0, 1, 2], "acts": [0, 0], "terminal": false, "rewards": [1.0]}"#,
            "`rewards` has 1 entries but `acts` has 2",
        ),
    ];
    for (bad, what) in cases {
        let msg = bad_at_line_3(bad);
        assert!(msg.starts_with("line 3"), "{bad}: {msg}");
        assert!(msg.contains(what), "{bad}: {msg}");
        // serde_json's own position ("at line 1 column …") would contradict the file line.
        assert!(!msg.contains("line 1"), "{bad}: {msg}");
    }
}

#[test]
fn empty_input_is_an_error() {
    for text in ["", "\n\n   \n"] {
        let msg = err_text(Demos::parse_jsonl(text, 4, 2));
        assert!(msg.contains("no trajectories"), "{msg}");
    }
    let msg = err_text(Demos::new(Vec::new(), 4, 2));
    assert!(msg.contains("no trajectories"), "{msg}");
}

#[test]
fn new_names_trajectory_index_plus_one() {
    let good = traj(&[0, 1], &[0], false, None);
    let cases = [
        (
            traj(&[0, 1], &[0, 0], false, None),
            "line 2: `obs` has 2 states and `acts` 2",
        ),
        (traj(&[0, 9], &[0], false, None), "line 2: obs[1] = 9"),
        (traj(&[0, 1], &[5], false, None), "line 2: acts[0] = 5"),
        (
            traj(&[0, 1], &[0], false, Some(&[f64::NAN])),
            "line 2: rewards[0] = NaN",
        ),
        (
            traj(&[0, 1], &[0], false, Some(&[f64::INFINITY])),
            "line 2: rewards[0] = inf",
        ),
        (
            traj(&[3], &[], true, None),
            "line 2: the trajectory has no actions",
        ),
    ];
    for (bad, what) in cases {
        let msg = err_text(Demos::new(vec![good.clone(), bad, good.clone()], 4, 2));
        assert!(msg.starts_with(what), "{msg}");
    }
}

#[test]
fn check_against_accepts_a_valid_run_and_names_impossible_steps() {
    let m = chain(0.9);
    let ok = "{\"obs\": [0, 0, 1, 2, 3], \"acts\": [1, 0, 0, 0], \"terminal\": true}\n\
              {\"obs\": [0, 1], \"acts\": [0], \"terminal\": false}\n";
    Demos::parse_jsonl(ok, 4, 2)
        .expect("valid")
        .check_against(&m)
        .expect("every step is possible");

    let check = |text: &str| match Demos::parse_jsonl(text, 4, 2)
        .expect("valid ids")
        .check_against(&m)
    {
        Ok(()) => panic!("expected {text} to fail the model check"),
        Err(e) => e.to_string(),
    };
    // Step 1 jumps 1 → 3 with "right", which only reaches 2.
    let msg = check("\n{\"obs\": [0, 1, 3], \"acts\": [0, 0], \"terminal\": true}\n");
    assert!(
        msg.starts_with("line 2, step 1: the model cannot go from state 1 to 3"),
        "{msg}"
    );
    // The episode continues out of terminal state 3 at step 3.
    let msg = check("{\"obs\": [0, 1, 2, 3, 3], \"acts\": [0, 0, 0, 1], \"terminal\": true}");
    assert!(
        msg.starts_with("line 1, step 3: state 3 is terminal"),
        "{msg}"
    );
    // `terminal: true` but the run stops in 2.
    let msg = check("{\"obs\": [0, 1, 2], \"acts\": [0, 0], \"terminal\": true}");
    assert!(
        msg.starts_with("line 1: `terminal` is true but the last state 2"),
        "{msg}"
    );

    // The chain always starts in 0; a demonstration from 1 cannot be matched by a learner.
    let msg = check("\n{\"obs\": [1, 2], \"acts\": [0], \"terminal\": false}");
    assert!(
        msg.starts_with("line 2: the trajectory starts in state 1"),
        "{msg}"
    );

    let other = Demos::new(vec![traj(&[0, 1], &[0], false, None)], 5, 2).expect("valid");
    assert!(matches!(
        other.check_against(&m),
        Err(DemoError::ModelSize {
            demo_states: 5,
            model_states: 4,
            ..
        })
    ));
}

#[test]
fn sampling_is_seeded_obeys_the_model_and_ends_at_terminal_or_horizon() {
    let m = quick_stochastic(0.9);
    let policy = array![[0.7, 0.3], [0.2, 0.8], [0.5, 0.5], [1.0, 0.0]];
    let a = Demos::sample(&m, &policy, 200, 3, 7).expect("valid sample");
    let b = Demos::sample(&m, &policy, 200, 3, 7).expect("valid sample");
    let c = Demos::sample(&m, &policy, 200, 3, 8).expect("valid sample");
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_eq!((a.len(), a.n_states(), a.n_actions()), (200, 4, 2));
    a.check_against(&m).expect("sampled steps are possible");
    let (mut ended, mut cut) = (0, 0);
    for t in a.trajectories() {
        let last = *t.obs.last().expect("non-empty obs");
        assert_eq!(t.terminal, m.is_terminal(last));
        if t.terminal {
            ended += 1;
        } else {
            assert_eq!(t.len(), 3, "a truncated episode runs to the horizon");
            cut += 1;
        }
        // Rewards are those of the sampled outcome: entering 3 pays ±1, other moves 0 or 0.5.
        let rewards = t.rewards.as_ref().expect("sampling records rewards");
        for ((pair, &act), &r) in t.obs.windows(2).zip(&t.acts).zip(rewards) {
            let expected = match (act, pair[1] == 3) {
                (0, true) => 1.0,
                (1, true) => -1.0,
                (0, false) => 0.0,
                _ => 0.5,
            };
            assert_eq!(r, expected);
        }
    }
    // P(no termination in 3 steps) = 1/8, so both kinds occur in 200 episodes.
    assert!(ended > 0 && cut > 0, "ended {ended}, cut {cut}");
}

#[test]
fn sampling_tells_apart_outcomes_that_share_a_successor() {
    // One step from 0 to terminal 1, paying +1 or −1 with probability 1/2 each.
    let mut b = MdpBuilder::new(2, 1).gamma(0.9);
    b.transition(0, 0, 1, 0.5, 1.0)
        .transition(0, 0, 1, 0.5, -1.0);
    b.terminal(1).initial_state(0);
    let m = b.build().expect("valid");
    let d = Demos::sample(&m, &array![[1.0], [1.0]], 100, 10, 1).expect("valid");
    let rewards: Vec<f64> = d
        .trajectories()
        .iter()
        .map(|t| t.rewards.as_ref().expect("recorded")[0])
        .collect();
    assert!(rewards.contains(&1.0) && rewards.contains(&-1.0));
    assert!(rewards.iter().all(|r| r.abs() == 1.0));
    assert!(
        d.trajectories()
            .iter()
            .all(|t| t.obs == [0, 1] && t.terminal)
    );
}

#[test]
fn sampling_rejects_bad_arguments() {
    let m = chain(0.9);
    let right = array![[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0]];
    let invalid_name = |r: Result<Demos, DemoError>| match r {
        Err(DemoError::Invalid { name, .. }) => name,
        other => panic!("expected an invalid-parameter error, got {other:?}"),
    };
    assert_eq!(
        invalid_name(Demos::sample(&m, &right, 0, 10, 0)),
        "episodes"
    );
    assert_eq!(invalid_name(Demos::sample(&m, &right, 5, 0, 0)), "horizon");
    let short = array![[0.9, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0]];
    assert!(matches!(
        Demos::sample(&m, &short, 5, 10, 0),
        Err(DemoError::Policy(_))
    ));
    let narrow = Array2::from_elem((4, 1), 1.0);
    assert!(matches!(
        Demos::sample(&m, &narrow, 5, 10, 0),
        Err(DemoError::Policy(_))
    ));

    let mut b = MdpBuilder::new(2, 1);
    b.transition(0, 0, 1, 1.0, 0.0)
        .terminal(1)
        .initial(vec![0.75, 0.25]);
    let starts_terminal = b.build().expect("valid");
    let msg = err_text(Demos::sample(
        &starts_terminal,
        &array![[1.0], [1.0]],
        5,
        10,
        0,
    ));
    assert!(msg.contains("state 1 probability 0.25"), "{msg}");
}

#[test]
fn occupancy_on_a_chain_is_the_discounted_step_count() {
    let g = 0.9;
    let d = Demos::new(
        vec![
            traj(&[0, 1, 2, 3], &[0, 0, 0], true, Some(&[0.0, 0.0, 1.0])),
            traj(&[0, 0, 1], &[1, 0], false, Some(&[-0.5, 0.0])),
        ],
        4,
        2,
    )
    .expect("valid");
    d.check_against(&chain(g)).expect("possible");
    let rho = d.occupancy(g, None).expect("valid γ");
    assert_eq!(rho.dim(), (4, 2, 4));
    // First run: (0,0,1) at t=0, (1,0,2) at t=1, (2,0,3) at t=2; second: (0,1,0) at t=0,
    // (0,0,1) at t=1. Each run weighs 1/2.
    let mut expected = ndarray::Array3::<f64>::zeros((4, 2, 4));
    expected[[0, 0, 1]] = 0.5 * (1.0 + g);
    expected[[1, 0, 2]] = 0.5 * g;
    expected[[2, 0, 3]] = 0.5 * g * g;
    expected[[0, 1, 0]] = 0.5;
    for (x, y) in rho.iter().zip(&expected) {
        assert!((x - y).abs() < 1e-15, "{rho:?}");
    }
    // Horizon 1 keeps only t = 0; γ = 1 counts steps.
    let first = d.occupancy(g, Some(1)).expect("valid");
    assert_eq!(first.sum(), 1.0);
    assert_eq!((first[[0, 0, 1]], first[[0, 1, 0]]), (0.5, 0.5));
    assert_eq!(d.occupancy(1.0, None).expect("γ = 1 is allowed").sum(), 2.5);

    for bad in [0.0, -0.1, 1.5, f64::NAN] {
        assert!(matches!(
            d.occupancy(bad, None),
            Err(DemoError::Invalid { name: "gamma", .. })
        ));
    }
    assert!(d.occupancy(g, Some(0)).is_err());
}

#[test]
fn counts_visits_returns_and_prefixes() {
    let d = Demos::new(
        vec![
            traj(&[0, 1, 2, 3], &[0, 0, 0], true, Some(&[0.0, 0.0, 1.0])),
            traj(&[0, 0, 1], &[1, 0], false, Some(&[-0.5, 0.0])),
        ],
        4,
        2,
    )
    .expect("valid");
    assert_eq!(
        d.action_counts(),
        array![[2.0, 1.0], [1.0, 0.0], [1.0, 0.0], [0.0, 0.0]]
    );
    // State 3 is only ever a last state, never acted in.
    assert_eq!(d.visited(), vec![true, true, true, false]);
    assert_eq!(d.n_steps(), 5);
    // Undiscounted: (1 + −0.5)/2; with γ = 0.5: (0.25 + −0.5)/2.
    assert_eq!(d.mean_return(1.0), Some(0.25));
    assert_eq!(d.mean_return(0.5), Some(-0.125));

    let one = d.prefix(1).expect("n = 1");
    assert_eq!(one.trajectories(), &d.trajectories()[..1]);
    assert_eq!(d.prefix(10).expect("clamped"), d);
    assert!(matches!(d.prefix(0), Err(DemoError::Invalid { .. })));

    let unrewarded = Demos::new(
        vec![
            traj(&[0, 1], &[0], false, Some(&[1.0])),
            traj(&[0, 1], &[0], false, None),
        ],
        4,
        2,
    )
    .expect("valid");
    assert_eq!(unrewarded.mean_return(1.0), None);
    assert_eq!(
        unrewarded.prefix(1).expect("n = 1").mean_return(1.0),
        Some(1.0)
    );
}

#[test]
fn check_against_names_file_lines_after_blank_lines() {
    let text = "\n\n{\"obs\": [0, 2], \"acts\": [0], \"terminal\": false}\n";
    let d = Demos::parse_jsonl(text, 4, 2).expect("valid ids");
    let msg = d
        .check_against(&chain(0.9))
        .expect_err("0 → 2 is impossible")
        .to_string();
    assert!(msg.starts_with("line 3, step 0"), "{msg}");
}

#[test]
fn sampled_occupancy_approaches_the_exact_one() {
    let g = 0.9;
    let m = quick_stochastic(g);
    let policy = array![[0.7, 0.3], [0.2, 0.8], [0.5, 0.5], [1.0, 0.0]];
    // Episodes end with probability 1/2 per step, so a horizon of 1000 never truncates.
    let d = Demos::sample(&m, &policy, 40_000, 1000, 3).expect("valid");
    assert!(d.trajectories().iter().all(|t| t.terminal));
    let rho = d.occupancy(g, None).expect("valid γ");
    let d_sa = state_action_occupancy(&m, &policy).expect("γ < 1");
    let (p, _) = m.to_dense().expect("small model");
    let mut worst = 0.0f64;
    // Terminal states carry no demonstrated steps (core counts the absorbing tail there).
    for s in 0..3 {
        for a in 0..2 {
            for s2 in 0..4 {
                let exact = d_sa[[s, a]] * p[[s, a, s2]];
                worst = worst.max((rho[[s, a, s2]] - exact).abs());
            }
        }
    }
    assert!(worst < 0.01, "largest gap {worst}");
    assert_eq!(rho.index_axis(ndarray::Axis(0), 3).sum(), 0.0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any valid set of trajectories survives to_jsonl → parse_jsonl unchanged.
    #[test]
    fn round_trip_is_exact(
        runs in prop::collection::vec(
            (
                prop::collection::vec((0usize..6, 0usize..3, -1e6f64..1e6), 1..8),
                0usize..6,
                any::<bool>(),
                any::<bool>(),
            ),
            1..6,
        )
    ) {
        let trajectories: Vec<Trajectory> = runs
            .iter()
            .map(|(steps, last, terminal, with_rewards)| Trajectory {
                obs: steps.iter().map(|s| s.0).chain([*last]).collect(),
                acts: steps.iter().map(|s| s.1).collect(),
                terminal: *terminal,
                rewards: with_rewards.then(|| steps.iter().map(|s| s.2).collect()),
            })
            .collect();
        let d = Demos::new(trajectories, 6, 3).expect("valid by construction");
        let back = Demos::parse_jsonl(&d.to_jsonl(), 6, 3).expect("own output parses");
        prop_assert_eq!(back, d);
    }
}
