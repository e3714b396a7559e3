//! `rewardlab irl`: the `--json` contract on a small gridworld, the data sources (exact,
//! sampled, a file), `--out`, and bad input exiting 2 with one line on stderr and nothing on
//! stdout.

mod common;

use std::path::{Path, PathBuf};

use common::{rewardlab, text};
use serde_json::Value;

/// 6×7 cells with a 4×5 room inside: deterministic, γ = 0.99, +1 for the goal 7 moves from
/// the start; an exact MCE fit takes a fraction of a second even unoptimised.
const ENV: &str = "rewardlab/Oscillation-v0";
const N_STATES: usize = 42;
const N_ACTIONS: usize = 4;

const KEYS: [&str; 7] = [
    "algo",
    "epic",
    "policy_match_all",
    "policy_match_visited",
    "starc",
    "true_return_expert",
    "true_return_learned",
];

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a fixture");
    path
}

/// Runs `irl --env ENV <extra> --json`, expects success and exactly one JSON line.
fn irl_json(extra: &[&str]) -> Value {
    let mut args = vec!["irl", "--env", ENV];
    args.extend_from_slice(extra);
    args.push("--json");
    let out = rewardlab(&args);
    assert!(out.status.success(), "{extra:?}: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one line: {stdout:?}");
    serde_json::from_str(lines[0]).expect("the line is JSON")
}

fn number(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is a number: {v}"))
}

/// Runs `irl <args>` and expects exit 2, nothing on stdout and one `error:` line on stderr,
/// which it returns.
fn usage_error(args: &[&str]) -> String {
    let mut all = vec!["irl"];
    all.extend_from_slice(args);
    let out = rewardlab(&all);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?}: {}", text(&out.stdout));
    assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    stderr
}

#[test]
fn exact_mce_recovers_the_experts_policy() {
    let v = irl_json(&["--exact", "--iterations", "20"]);
    let mut keys: Vec<&String> = v.as_object().expect("an object").keys().collect();
    keys.sort();
    assert_eq!(keys, KEYS);
    assert_eq!(v["algo"], "mce");
    let visited = number(&v, "policy_match_visited");
    let all = number(&v, "policy_match_all");
    assert!(visited >= 0.95, "{v}");
    assert!((0.0..=1.0).contains(&all), "{v}");
    // The optimal expert walks 7 moves to the goal: 0.99⁶.
    let expert = number(&v, "true_return_expert");
    assert!((expert - 0.99f64.powi(6)).abs() < 1e-9, "{v}");
    let learned = number(&v, "true_return_learned");
    assert!((learned - expert).abs() <= 0.01 * expert.abs(), "{v}");
    assert!(
        number(&v, "starc") >= 0.0 && number(&v, "epic") >= 0.0,
        "{v}"
    );

    // Before any step the learned reward is 0: its greedy policy (action 0, up, everywhere)
    // never reaches the goal, so the match above is the fit's doing.
    let untrained = irl_json(&["--exact", "--iterations", "1"]);
    assert!(
        number(&untrained, "policy_match_visited") < 0.95,
        "{untrained}"
    );
    assert_eq!(
        number(&untrained, "true_return_learned"),
        0.0,
        "{untrained}"
    );
}

#[test]
fn maxent_with_a_horizon_and_coordinate_features_runs() {
    let v = irl_json(&["--algo", "maxent", "--horizon", "15", "--iterations", "30"]);
    assert_eq!(v["algo"], "maxent");
    assert!(number(&v, "policy_match_visited") >= 0.95, "{v}");
    let v = irl_json(&["--features", "coords", "--exact", "--iterations", "30"]);
    assert!(v["starc"].is_number(), "{v}");
}

#[test]
fn behaviour_cloning_of_sampled_demos_has_no_reward_distances() {
    let v = irl_json(&["--algo", "bc", "--episodes", "20"]);
    assert_eq!(v["algo"], "bc");
    assert!(v["starc"].is_null() && v["epic"].is_null(), "{v}");
    // An optimal expert only takes optimal actions, so the most frequent one is optimal in
    // every state it visits.
    assert_eq!(number(&v, "policy_match_visited"), 1.0, "{v}");
    assert!(number(&v, "policy_match_all") <= 1.0, "{v}");
}

#[test]
fn out_writes_the_report_reward_history_and_demos() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("run");
    let out_arg = out.display().to_string();
    let v = irl_json(&["--episodes", "5", "--iterations", "12", "--out", &out_arg]);

    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("report.json")).expect("report.json"),
    )
    .expect("report.json is JSON");
    assert_eq!(report, v);

    let reward: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("reward.json")).expect("reward.json"),
    )
    .expect("reward.json is JSON");
    let r = reward["reward"].as_array().expect("{\"reward\": R}");
    assert_eq!(r.len(), N_STATES);
    for row in r {
        let row = row.as_array().expect("R[s]");
        assert_eq!(row.len(), N_ACTIONS);
        for values in row {
            let values = values.as_array().expect("R[s][a]");
            assert_eq!(values.len(), N_STATES);
            assert!(values.iter().all(Value::is_number));
        }
    }

    let history = std::fs::read_to_string(out.join("history.csv")).expect("history.csv");
    let mut lines = history.lines();
    assert_eq!(
        lines.next(),
        Some("iteration,objective,grad_norm,occupancy_gap")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(!rows.is_empty() && rows.len() <= 12, "{history}");
    assert!(rows[0].starts_with("0,"), "{history}");

    let demos = std::fs::read_to_string(out.join("demos.jsonl")).expect("demos.jsonl");
    assert_eq!(demos.lines().count(), 5);

    // bc writes no reward and no history.
    let bc = dir.path().join("bc");
    let bc_arg = bc.display().to_string();
    irl_json(&["--algo", "bc", "--exact", "--out", &bc_arg]);
    assert!(bc.join("report.json").is_file());
    assert!(!bc.join("reward.json").exists() && !bc.join("history.csv").exists());
    assert!(!bc.join("demos.jsonl").exists());
}

#[test]
fn a_demos_file_reproduces_the_sampled_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("run");
    let out_arg = out.display().to_string();
    let sampled = irl_json(&["--algo", "bc", "--episodes", "8", "--out", &out_arg]);
    let demos = out.join("demos.jsonl");
    let demos_arg = demos.display().to_string();
    // Recorded rewards: the expert's return is their mean, which for an optimal expert on
    // deterministic dynamics is its exact return.
    let read = irl_json(&["--algo", "bc", "--demos", &demos_arg]);
    for key in KEYS {
        match (&sampled[key], &read[key]) {
            (Value::Number(a), Value::Number(b)) => {
                let (a, b) = (a.as_f64().expect("a"), b.as_f64().expect("b"));
                assert!((a - b).abs() < 1e-9, "{key}: {sampled} vs {read}");
            }
            (a, b) => assert_eq!(a, b, "{key}"),
        }
    }

    // Without (or with wrong) recorded rewards the expert's return is the same: the steps
    // are scored by the model's reward.
    let stripped: String = std::fs::read_to_string(&demos)
        .expect("demos")
        .lines()
        .map(|line| {
            let mut t: Value = serde_json::from_str(line).expect("a trajectory");
            t.as_object_mut().expect("an object").remove("rewards");
            format!("{t}\n")
        })
        .collect();
    let bare = write(dir.path(), "bare.jsonl", &stripped);
    let out = rewardlab(&[
        "irl",
        "--env",
        ENV,
        "--algo",
        "bc",
        "--demos",
        &bare.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.contains("under the model's reward"), "{report}");
    assert!(report.contains("8 trajectories"), "{report}");
    let bare_json = irl_json(&["--algo", "bc", "--demos", &bare.display().to_string()]);
    assert_eq!(bare_json["true_return_expert"], read["true_return_expert"]);
}

#[test]
fn a_features_file_infers_its_domain_from_the_row_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    // One row per state: (row, col, 1), in both separators, with comments and a blank line.
    let mut csv = String::from("# row, col, bias\n\n");
    for s in 0..N_STATES {
        let sep = if s % 2 == 0 { ", " } else { " " };
        csv.push_str(&format!("{}{sep}{}{sep}1 # state {s}\n", s / 7, s % 7));
    }
    let file = write(dir.path(), "features.csv", &csv);
    let file_arg = file.display().to_string();
    let out = rewardlab(&[
        "irl",
        "--env",
        ENV,
        "--features",
        &file_arg,
        "--exact",
        "--iterations",
        "5",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.contains("on state (3 parameters)"), "{report}");

    let bad = write(dir.path(), "bad.csv", "0, 0, 1\n# note\n0, x, 1\n");
    let err = usage_error(&["--env", ENV, "--features", &bad.display().to_string()]);
    assert!(err.contains("line 3"), "{err}");
    let short = write(dir.path(), "short.csv", "1\n2\n3\n");
    let err = usage_error(&["--env", ENV, "--features", &short.display().to_string()]);
    assert!(
        err.contains("42") && err.contains("168") && err.contains("7056"),
        "{err}"
    );
}

#[test]
fn bad_demos_files_name_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    // States 8 → 9 is one step right (action 1) from the start.
    let ragged = write(
        dir.path(),
        "ragged.jsonl",
        "{\"obs\": [8, 9], \"acts\": [1], \"terminal\": false}\n\
         {\"obs\": [8, 9], \"acts\": [1, 1], \"terminal\": false}\n",
    );
    let err = usage_error(&["--env", ENV, "--demos", &ragged.display().to_string()]);
    assert!(err.contains("line 2"), "{err}");

    let unknown = write(
        dir.path(),
        "unknown.jsonl",
        "{\"obs\": [8, 99], \"acts\": [1], \"terminal\": false}\n",
    );
    let err = usage_error(&["--env", ENV, "--demos", &unknown.display().to_string()]);
    assert!(err.contains("line 1") && err.contains("99"), "{err}");

    let impossible = write(
        dir.path(),
        "impossible.jsonl",
        "\n{\"obs\": [8, 10], \"acts\": [1], \"terminal\": false}\n",
    );
    let err = usage_error(&["--env", ENV, "--demos", &impossible.display().to_string()]);
    assert!(err.contains("line 2"), "{err}");

    let empty = write(dir.path(), "empty.jsonl", "\n\n");
    usage_error(&["--env", ENV, "--demos", &empty.display().to_string()]);
    usage_error(&["--env", ENV, "--demos", "no-such-file.jsonl"]);
}

#[test]
fn bad_flags_exit_2_with_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demos = write(
        dir.path(),
        "demos.jsonl",
        "{\"obs\": [8, 9], \"acts\": [1], \"terminal\": false}\n",
    );
    let demos = demos.display().to_string();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--env", ENV, "--demos", &demos, "--expert", "optimal"],
            "--expert",
        ),
        (vec!["--env", ENV, "--demos", &demos, "--exact"], "--exact"),
        (
            vec!["--env", ENV, "--demos", &demos, "--episodes", "3"],
            "--episodes",
        ),
        (
            vec!["--env", ENV, "--exact", "--episodes", "3"],
            "--episodes",
        ),
        (vec!["--env", ENV, "--algo", "maxent"], "--horizon"),
        (vec!["--env", ENV, "--algo", "airl"], "airl"),
        (vec!["--env", ENV, "--expert", "human"], "human"),
        (vec!["--env", ENV, "--reward", "action"], "action"),
        (vec!["--env", ENV, "--optimizer", "lbfgs"], "lbfgs"),
        (
            vec![
                "--env",
                ENV,
                "--features",
                "coords",
                "--reward",
                "transition",
            ],
            "coords",
        ),
        (
            vec!["--env", "FrozenLake-v1", "--features", "coords"],
            "grid",
        ),
        (
            vec![
                "--env",
                "FrozenLake-v1",
                "--algo",
                "maxent",
                "--horizon",
                "10",
            ],
            "deterministic",
        ),
        (vec!["--env", "rewardlab/CliffWalk-v0"], "--horizon"),
        (vec!["--env", ENV, "--gamma", "0"], "--gamma"),
        (vec!["--env", ENV, "--gamma", "1.5"], "--gamma"),
        (vec!["--env", ENV, "--lr", "-1"], "learning rate"),
        (
            vec!["--env", ENV, "--temperature", "0", "--expert", "boltzmann"],
            "--temperature",
        ),
        (vec!["--env", ENV, "--horizon", "0"], "--horizon"),
        (vec!["--env", "NoSuchEnv-v0"], "NoSuchEnv-v0"),
        (vec!["--env", "CartPole-v1"], "tabular"),
        (vec!["--env", ENV, "--env-arg", "slip=2"], "slip"),
    ];
    for (args, needle) in cases {
        let err = usage_error(&args);
        assert!(err.contains(needle), "{args:?}: {err} lacks {needle:?}");
    }
}

#[test]
fn a_diverging_fit_is_a_runtime_error() {
    let out = rewardlab(&[
        "irl",
        "--env",
        ENV,
        "--exact",
        "--optimizer",
        "sgd",
        "--lr",
        "1e300",
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(stderr.contains("non-finite"), "{stderr}");
}
