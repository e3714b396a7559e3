//! `rewardlab shaping check`: the JSON contract, the verdicts on the oscillation map, and bad
//! input exiting 2 with nothing on stdout.

mod common;

use common::{rewardlab, text};

/// Runs `shaping check` with `args`, expects success and one JSON line; the parsed line.
fn check_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["shaping", "check"];
    all.extend_from_slice(args);
    all.push("--json");
    let out = rewardlab(&all);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one line: {stdout:?}");
    serde_json::from_str(lines[0]).expect("the line is JSON")
}

/// The JSON object's keys, sorted.
fn keys(v: &serde_json::Value) -> Vec<String> {
    let mut keys: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
    keys.sort();
    keys
}

const OSCILLATION: &str = "rewardlab/Oscillation-v0";

#[test]
fn pbrs_with_the_distance_potential_keeps_the_oscillation_policy() {
    let v = check_json(&["--env", OSCILLATION, "--potential", "distance"]);
    assert_eq!(keys(&v), ["differing_states", "max_q_error", "preserved"]);
    assert_eq!(v["preserved"], true);
    assert_eq!(v["differing_states"], serde_json::json!([]));
    let err = v["max_q_error"].as_f64().expect("a number for PBRS");
    assert!(err < 1e-9, "{err}");
    // The same for the other named potentials, and under an explicit γ.
    for potential in ["value", "zero"] {
        let v = check_json(&["--env", OSCILLATION, "--potential", potential]);
        assert_eq!(v["preserved"], true, "{potential}");
    }
    let v = check_json(&[
        "--env",
        OSCILLATION,
        "--potential",
        "value",
        "--gamma",
        "0.9",
    ]);
    assert_eq!(v["preserved"], true);
    assert!(v["max_q_error"].as_f64().is_some_and(|e| e < 1e-9));
}

#[test]
fn the_progress_bonus_changes_the_oscillation_policy() {
    let v = check_json(&[
        "--env",
        OSCILLATION,
        "--potential",
        "distance",
        "--transform",
        "progress",
    ]);
    assert_eq!(keys(&v), ["differing_states", "max_q_error", "preserved"]);
    assert_eq!(v["preserved"], false);
    assert!(v["max_q_error"].is_null());
    // The goal's two neighbours, (3, 5) = 26 and (4, 4) = 32, step back instead of entering
    // the goal: stepping away and back pays 0.99·0.1/(1 − 0.99²) ≈ 4.97 > 1.1 (see the map).
    assert_eq!(v["differing_states"], serde_json::json!([26, 32]));
    // A bonus too small to beat the goal keeps the policy: 0.01·0.99/0.0199 ≈ 0.50 < 1.01.
    let v = check_json(&[
        "--env",
        OSCILLATION,
        "--transform",
        "progress",
        "--bonus",
        "0.01",
    ]);
    assert_eq!(v["preserved"], true);
}

#[test]
fn a_terminal_potential_only_matters_when_it_is_kept() {
    // Φ = −d + 10 on FrozenLake: the holes and the goal get Φ = 10, which correct shaping
    // ignores and the terminal bug pays as a bonus for ending the episode.
    let base = ["--env", "FrozenLake-v1", "--potential", "distance"];
    let ok = check_json(&[&base[..], &["--offset", "10"]].concat());
    assert_eq!(ok["preserved"], true);
    let bug = check_json(
        &[
            &base[..],
            &["--offset", "10", "--transform", "pbrs-keep-terminal"],
        ]
        .concat(),
    );
    assert_eq!(bug["preserved"], false);
    assert!(bug["max_q_error"].as_f64().is_some_and(|e| e > 1.0));
    // Without the offset every named potential is 0 on terminal states: no difference.
    let same = check_json(&[&base[..], &["--transform", "pbrs-keep-terminal"]].concat());
    assert_eq!(same["preserved"], true);
}

#[test]
fn the_text_report_lists_the_differing_states() {
    let out = rewardlab(&[
        "shaping",
        "check",
        "--env",
        OSCILLATION,
        "--transform",
        "progress",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("γ = 0.99 (the env's own)"), "{stdout}");
    assert!(stdout.contains("optimal policy preserved: no"), "{stdout}");
    assert!(
        stdout.contains("state 26 (row 3, col 5): {down} -> {up, left}"),
        "{stdout}"
    );
    assert!(
        stdout.contains("state 32 (row 4, col 4): {right} -> {up, left}"),
        "{stdout}"
    );
    let out = rewardlab(&[
        "shaping",
        "check",
        "--env",
        "Taxi-v4",
        "--potential",
        "distance",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("γ = 0.99 (the default"), "{stdout}");
    assert!(stdout.contains("optimal policy preserved: yes"), "{stdout}");
}

#[test]
fn bad_input_exits_2_with_a_message_and_no_output() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--env", "Oscilation-v0", "--potential", "zero"],
            "did you mean rewardlab/Oscillation-v0",
        ),
        (
            &["--env", OSCILLATION, "--potential", "dist"],
            "expected one of: value, distance, zero",
        ),
        (
            &[
                "--env",
                OSCILLATION,
                "--potential",
                "zero",
                "--gamma",
                "1.5",
            ],
            "--gamma must be in [0, 1]",
        ),
        (
            &["--env", OSCILLATION, "--potential", "zero", "--gamma", "x"],
            "--gamma",
        ),
        (&["--env", OSCILLATION], "needs --potential"),
        (
            &[
                "--env",
                OSCILLATION,
                "--transform",
                "progress",
                "--potential",
                "dist",
            ],
            "unknown potential",
        ),
        (
            &[
                "--env",
                OSCILLATION,
                "--transform",
                "progress",
                "--bonus",
                "inf",
            ],
            "--bonus must be a finite number",
        ),
        (
            &["--env", "CartPole-v1", "--potential", "zero"],
            "CartPole-v1 has no tabular model",
        ),
        (
            &[
                "--env",
                OSCILLATION,
                "--potential",
                "zero",
                "--env-arg",
                "slip=2",
            ],
            "slip",
        ),
        // γ = 1 with a bonus that pays forever: value iteration never converges.
        (
            &[
                "--env",
                OSCILLATION,
                "--transform",
                "progress",
                "--gamma",
                "1",
            ],
            "did not converge",
        ),
        // γ = 1 with a positive step reward: the task itself has no finite V*.
        (
            &[
                "--env",
                OSCILLATION,
                "--env-arg",
                "step_reward=0.1",
                "--potential",
                "value",
                "--gamma",
                "1",
            ],
            "did not converge",
        ),
    ];
    for (args, want) in cases {
        for json in [false, true] {
            let mut all = vec!["shaping", "check"];
            all.extend_from_slice(args);
            if json {
                all.push("--json");
            }
            let out = rewardlab(&all);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{all:?}: {stderr}");
            assert!(out.stdout.is_empty(), "{all:?}: {}", text(&out.stdout));
            assert!(stderr.contains(want), "{all:?}: {stderr}");
            assert!(!stderr.contains("panicked"), "{all:?}: {stderr}");
        }
    }
}
