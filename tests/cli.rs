//! The `rewardlab` binary: the rollout contract and bad input exiting 2 without a panic.

mod common;

use std::path::Path;

use common::{command, rewardlab_in, text};

fn here() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rollout_lines(args: &[&str]) -> Vec<String> {
    let mut all = vec!["rollout", "--env", "rewardlab/CliffWalk-v0"];
    all.extend_from_slice(args);
    let out = rewardlab_in(&all, here());
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout).lines().map(str::to_owned).collect()
}

#[test]
fn rollout_prints_json_lines_and_stops_at_the_end() {
    let lines = rollout_lines(&["--actions", "0,1,2"]);
    assert_eq!(
        lines,
        [
            r#"{"obs":36,"state":36}"#,
            r#"{"action":0,"obs":24,"reward":-1.0,"terminated":false,"truncated":false,"state":24}"#,
            r#"{"action":1,"obs":25,"reward":-1.0,"terminated":false,"truncated":false,"state":25}"#,
            r#"{"action":2,"obs":36,"reward":-100.0,"terminated":false,"truncated":false,"state":36}"#,
        ]
    );
    // --state overwrites the state after reset; leftover actions after the end are ignored.
    let out = rollout_lines(&["--state", "35", "--actions", "2,2,2"]);
    assert_eq!(
        out,
        [
            r#"{"obs":35,"state":35}"#,
            r#"{"action":2,"obs":47,"reward":-1.0,"terminated":true,"truncated":false,"state":47}"#
        ]
    );
    // From a terminal state, as Gymnasium's toy text: the absorbing step pays 0 and terminates.
    let out = rollout_lines(&["--state=47", "--actions", "0,0"]);
    assert_eq!(
        out,
        [
            r#"{"obs":47,"state":47}"#,
            r#"{"action":0,"obs":47,"reward":0.0,"terminated":true,"truncated":false,"state":47}"#
        ]
    );
}

#[test]
fn rollout_truncates_at_the_registered_or_given_limit() {
    let out = rewardlab_in(
        &[
            "rollout",
            "--env",
            "rewardlab/CliffWalk-v0",
            "--env-arg",
            "max_episode_steps=2",
            "--actions",
            "3,3,3",
        ],
        here(),
    );
    let lines: Vec<String> = text(&out.stdout).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[2].contains(r#""terminated":false,"truncated":true"#),
        "{}",
        lines[2]
    );
    // Without the kwarg, `make`'s registered limit (500 for CliffWalk) applies: bumping
    // into the left border from the start never terminates, so step 500 truncates.
    let actions = vec!["3"; 510].join(",");
    let lines = rollout_lines(&["--actions", &actions]);
    assert_eq!(lines.len(), 1 + 500);
    assert!(
        lines[..500]
            .iter()
            .all(|l| !l.contains(r#""truncated":true"#))
    );
    assert!(
        lines[500].contains(r#""terminated":false,"truncated":true"#),
        "{}",
        lines[500]
    );
}

#[test]
fn same_seed_same_rollout_on_a_slippery_map() {
    let args = [
        "rollout",
        "--env",
        "rewardlab/FourRooms-v0",
        "--env-arg",
        "slip=0.5",
        "--seed",
        "7",
        "--actions",
        "1,1,2,2,1,1,2,2,1,1",
    ];
    let a = rewardlab_in(&args, here());
    let b = rewardlab_in(&args, here());
    assert!(a.status.success(), "{}", text(&a.stderr));
    assert_eq!(text(&a.stdout).lines().count(), 1 + 10);
    assert_eq!(a.stdout, b.stdout);
    // The seed matters: another one gives another slippery trajectory.
    let mut other = args;
    other[6] = "8";
    let c = rewardlab_in(&other, here());
    assert!(c.status.success(), "{}", text(&c.stderr));
    assert_ne!(a.stdout, c.stdout);
}

/// Bad input of every kind: exit status 2, nothing on stdout, a short message, no panic.
#[test]
fn bad_input_exits_2_without_output_or_panic() {
    let map = here().join("envs/maps/missing.txt");
    let map_arg = format!("map={}", map.display());
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "rollout",
                "--env",
                "rewardlab/CliffWalk-v1",
                "--actions",
                "0",
            ],
            "did you mean rewardlab/CliffWalk-v0",
        ),
        (
            vec![
                "rollout",
                "--env",
                "rewardlab/CliffWalk-v0",
                "--actions",
                "0,4",
            ],
            "invalid action 4",
        ),
        (
            vec![
                "rollout",
                "--env",
                "rewardlab/CliffWalk-v0",
                "--actions",
                "0,x",
            ],
            "malformed action 'x'",
        ),
        (
            vec![
                "rollout",
                "--env",
                "rewardlab/CliffWalk-v0",
                "--state=-0.5,1",
                "--actions",
                "0",
            ],
            "invalid state",
        ),
        (
            vec![
                "rollout",
                "--env",
                "rewardlab/CliffWalk-v0",
                "--state",
                "-1",
                "--actions",
                "0",
            ],
            "invalid state",
        ),
        (
            vec![
                "rollout",
                "--env",
                "rewardlab/CliffWalk-v0",
                "--state",
                "1,y",
                "--actions",
                "0",
            ],
            "malformed number 'y'",
        ),
        (
            vec![
                "rollout",
                "--env",
                "rewardlab/CliffWalk-v0",
                "--seed",
                "-3",
                "--actions",
                "0",
            ],
            "--seed",
        ),
        (
            vec![
                "rollout",
                "--env",
                "rewardlab/CliffWalk-v0",
                "--env-arg",
                "slip",
                "--actions",
                "0",
            ],
            "key=value",
        ),
        (
            vec![
                "rollout",
                "--env",
                "rewardlab/CliffWalk-v0",
                "--env-arg",
                "slip=2",
                "--actions",
                "0",
            ],
            "slip",
        ),
        (
            vec![
                "rollout",
                "--env",
                "rewardlab/CliffWalk-v0",
                "--env-arg",
                "wind=1",
                "--actions",
                "0",
            ],
            "wind",
        ),
        (
            vec![
                "rollout",
                "--env",
                "rewardlab/GridWorld-v0",
                "--env-arg",
                &map_arg,
                "--actions",
                "0",
            ],
            "missing.txt",
        ),
        (
            vec![
                "rollout",
                "--env",
                "rewardlab/WindyGridworld-v0",
                "--env-arg",
                "wind=-1 0 0 0 0 0 0 0 0 -9223372036854775808",
                "--actions",
                "1",
            ],
            "wind",
        ),
        (
            vec![
                "quickstart",
                "--env",
                "rewardlab/Corridor-v0",
                "--env-arg",
                "step_reward=1",
                "--env-arg",
                "gamma=1",
            ],
            "cannot solve",
        ),
        (vec!["plot", "no/such/run", "--out", "x.png"], "no/such/run"),
        (vec!["nonsense"], "nonsense"),
    ];
    for (args, needle) in cases {
        let out = rewardlab_in(&args, here());
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            out.stdout.is_empty(),
            "{args:?} printed {}",
            text(&out.stdout)
        );
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("backtrace"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn quickstart_solves_and_writes_a_heatmap_without_overwriting() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = rewardlab_in(&["quickstart"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("return -13 in 13 steps"), "{stdout}");
    let run = dir
        .path()
        .join("runs/quickstart/rewardlab-CliffWalk-v0__value_iteration__seed0");
    for file in [
        "values.png",
        "values.svg",
        "config.toml",
        "summary.json",
        "metrics.csv",
    ] {
        assert!(run.join(file).is_file(), "missing {file}");
    }
    let again = rewardlab_in(&["quickstart"], dir.path());
    assert!(again.status.success());
    assert!(
        dir.path()
            .join("runs/quickstart/rewardlab-CliffWalk-v0__value_iteration__seed0-2/values.png")
            .is_file()
    );
}

#[test]
fn envs_lists_every_registered_id() {
    let out = rewardlab_in(&["envs"], here());
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    for spec in rewardlab::envs::specs() {
        assert!(
            stdout.contains(spec.id),
            "{} missing from\n{stdout}",
            spec.id
        );
    }
    assert!(stdout.contains("Discrete(48)"));
    // Boxes with per-element bounds print shape and dtype, so the table keeps its columns.
    let cartpole = stdout
        .lines()
        .find(|l| l.starts_with("CartPole-v1 "))
        .expect("a CartPole row");
    assert!(cartpole.contains("Box((4,), float32)") && cartpole.contains("Discrete(2)"));
}

#[test]
fn a_malformed_map_names_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let map = dir.path().join("bad.txt");
    std::fs::write(&map, "step_reward = -1\n#####\n#S.G#\n#.Q.#\n#####\n").expect("write map");
    let arg = format!("map={}", map.display());
    let out = rewardlab_in(
        &[
            "rollout",
            "--env",
            "rewardlab/GridWorld-v0",
            "--env-arg",
            &arg,
            "--actions",
            "0",
        ],
        here(),
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty());
    assert!(err.contains("bad.txt:4:3") && err.contains("'Q'"), "{err}");
}

/// A reader that goes away (`rewardlab quickstart | head -1`) ends the program quietly.
#[test]
fn a_closed_stdout_is_not_a_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    for args in [&["quickstart"][..], &["envs"][..]] {
        let mut child = command(args)
            .current_dir(dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the binary starts");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("the binary ends");
        let err = text(&out.stderr);
        assert!(out.status.success(), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// `train` writes one run folder per seed with the learner's metrics, and `plot` draws them:
/// the tour in the README.
#[test]
fn train_then_plot() {
    let dir = tempfile::tempdir().expect("temp dir");
    let train = |args: &[&str]| {
        let mut all = vec![
            "train",
            "--env",
            "rewardlab/CliffWalk-v0",
            "--episodes",
            "60",
            "--seeds",
            "2",
        ];
        all.extend_from_slice(args);
        rewardlab_in(&all, dir.path())
    };
    let out = train(&["--algo", "sarsa", "--alpha", "0.5", "--gamma", "1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for seed in 0..2 {
        let run = dir.path().join(format!(
            "runs/train/rewardlab-CliffWalk-v0__sarsa__seed{seed}"
        ));
        let metrics = std::fs::read_to_string(run.join("metrics.csv")).expect("metrics written");
        let returns = metrics
            .lines()
            .filter(|l| l.contains(",charts/episodic_return,"))
            .count();
        assert_eq!(returns, 60, "one return per episode");
        let summary = std::fs::read_to_string(run.join("summary.json")).expect("summary written");
        assert!(summary.contains("\"episodes\": 60"), "{summary}");
        let config = std::fs::read_to_string(run.join("config.toml")).expect("config written");
        assert!(
            config.contains(&format!("seed = {seed}")) && config.contains("alpha = 0.5"),
            "{config}"
        );
    }
    // Same seed, same learning curve: a second experiment reproduces the first.
    let again = train(&[
        "--algo",
        "sarsa",
        "--alpha",
        "0.5",
        "--gamma",
        "1",
        "--experiment",
        "again",
    ]);
    assert!(again.status.success());
    let metrics = |exp: &str| {
        std::fs::read_to_string(dir.path().join(format!(
            "runs/{exp}/rewardlab-CliffWalk-v0__sarsa__seed1/metrics.csv"
        )))
        .expect("metrics")
    };
    assert_eq!(metrics("train"), metrics("again"));

    let out = rewardlab_in(
        &[
            "plot",
            "runs/train",
            "--out",
            "curves.svg",
            "--x",
            "episodes",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let svg = std::fs::read_to_string(dir.path().join("curves.svg")).expect("plot written");
    assert!(svg.contains("rewardlab-CliffWalk-v0__sarsa (2 seeds)"));

    for (args, needle) in [
        (&["--alpha", "2"][..], "alpha"),
        (&["--algo", "dqn"][..], "dqn"),
    ] {
        let out = train(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(text(&out.stderr).contains(needle), "{}", text(&out.stderr));
    }
}
