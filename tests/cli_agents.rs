//! `rewardlab train --algo dqn|ppo` and `rewardlab eval`: the run folder, `--resume`, the GIF,
//! and the errors a user can make, each naming its cause.

mod common;

use std::path::{Path, PathBuf};

use common::{rewardlab_in, text};

/// Runs the binary in `dir`, asserting success; returns stdout.
fn ok(args: &[&str], dir: &Path) -> String {
    let out = rewardlab_in(args, dir);
    assert!(
        out.status.success(),
        "{args:?}: {}\n{}",
        text(&out.stderr),
        text(&out.stdout)
    );
    // Not a terminal: the progress bar must not show up anywhere.
    let stderr = text(&out.stderr);
    assert!(
        !stderr.contains("steps/s"),
        "progress bar on a pipe: {stderr}"
    );
    text(&out.stdout)
}

/// Runs the binary in `dir`, asserting exit code 2 and that stderr contains every `needle`.
fn usage_error(args: &[&str], dir: &Path, needles: &[&str]) {
    let out = rewardlab_in(args, dir);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{args:?}: `{needle}` not in {stderr}"
        );
    }
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
}

/// `(step, metric)` of every row of `metrics.csv`.
fn metric_rows(run: &Path) -> Vec<(u64, String)> {
    let text = std::fs::read_to_string(run.join("metrics.csv")).expect("metrics.csv");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("step,episode,metric,value"));
    lines
        .map(|l| {
            let mut cols = l.split(',');
            let step = cols.next().and_then(|s| s.parse().ok()).expect("a step");
            let metric = cols.nth(1).expect("a metric").to_owned();
            (step, metric)
        })
        .collect()
}

fn summary(run: &Path) -> serde_json::Map<String, serde_json::Value> {
    let text = std::fs::read_to_string(run.join("summary.json")).expect("summary.json");
    match serde_json::from_str(&text).expect("JSON") {
        serde_json::Value::Object(map) => map,
        other => panic!("summary.json is not an object: {other}"),
    }
}

const PPO_CARTPOLE: &[&str] = &[
    "train",
    "--env",
    "CartPole-v1",
    "--algo",
    "ppo",
    "--total-steps",
    "2048",
    "--seed",
    "3",
    "--set",
    "eval_every=0",
    "--set",
    "eval_episodes=2",
    "--runs-dir",
    "out",
    "--experiment",
    "t",
];

/// One short PPO run carries the whole tour: train, eval, GIF, resume.
#[test]
fn ppo_cartpole_trains_evaluates_renders_and_resumes() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    let stdout = ok(PPO_CARTPOLE, dir);
    let run: PathBuf = dir.join("out/t/CartPole-v1__ppo__seed3");
    assert!(
        stdout.contains("2048 steps") && stdout.contains("out/t/CartPole-v1__ppo__seed3"),
        "{stdout}"
    );

    // config.toml is the run spec, the seed and the step budget from the flags.
    let config: toml::Table = std::fs::read_to_string(run.join("config.toml"))
        .expect("config.toml")
        .parse()
        .expect("TOML");
    assert_eq!(config["env"].as_str(), Some("CartPole-v1"));
    assert_eq!(config["algo"].as_str(), Some("ppo"));
    assert_eq!(config["backend"].as_str(), Some("flex"));
    assert_eq!(config["ppo"]["seed"].as_integer(), Some(3));
    assert_eq!(config["ppo"]["total_timesteps"].as_integer(), Some(2048));
    assert_eq!(config["ppo"]["eval_every"].as_integer(), Some(0));

    let rows = metric_rows(&run);
    for metric in [
        "charts/episodic_return",
        "losses/value_loss",
        "losses/policy_loss",
    ] {
        assert!(rows.iter().any(|(_, m)| m == metric), "no {metric} row");
    }
    let last_step = rows.iter().map(|(s, _)| *s).max().expect("rows");
    assert!(last_step <= 2048, "{last_step}");
    assert!(run.join("checkpoint/model.bpk").is_file(), "checkpoint");

    let s = summary(&run);
    for key in [
        "total_steps",
        "wall_seconds",
        "mean_return_last100",
        "best_eval_mean_return",
        "steps_to_threshold",
        "seconds_to_threshold",
    ] {
        assert!(s.contains_key(key), "summary lacks {key}: {s:?}");
    }
    assert_eq!(s["total_steps"], 2048);
    assert_eq!(s["env"], "CartPole-v1");
    assert_eq!(s["algo"], "ppo");
    assert_eq!(s["seed"], 3);
    assert_eq!(s["backend"], "flex");
    assert!(s["preset"].is_string());
    // 2048 steps hold at most ~100 short episodes, far from a last-100 mean of 475.
    assert!(s["steps_to_threshold"].is_null() && s["seconds_to_threshold"].is_null());
    // eval_every=0: one greedy evaluation at the end.
    assert!(s["best_eval_mean_return"].is_number(), "{s:?}");

    // eval reloads the checkpoint; the same seed gives the same numbers.
    let run_arg = run.to_str().expect("UTF-8 path");
    let eval = ok(&["eval", "--run", run_arg, "--episodes", "2"], dir);
    assert!(
        eval.contains("mean return") && eval.contains("over 2 episodes"),
        "{eval}"
    );
    assert_eq!(
        eval,
        ok(&["eval", "--run", run_arg, "--episodes", "2"], dir)
    );

    let eval = ok(
        &[
            "eval",
            "--run",
            run_arg,
            "--episodes",
            "1",
            "--render",
            "ep.gif",
        ],
        dir,
    );
    assert!(eval.contains("ep.gif"), "{eval}");
    let gif = std::fs::read(dir.join("ep.gif")).expect("GIF written");
    assert!(gif.starts_with(b"GIF89a"), "not a GIF");

    // --resume extends the same folder: earlier rows kept, later steps appended.
    ok(
        &["train", "--resume", run_arg, "--total-steps", "4096"],
        dir,
    );
    let resumed = metric_rows(&run);
    assert_eq!(resumed[..rows.len()], rows[..], "earlier rows are kept");
    let new_rows = &resumed[rows.len()..];
    assert!(
        new_rows
            .iter()
            .any(|(s, m)| *s > 2048 && m == "losses/value_loss")
    );
    assert!(
        new_rows.iter().all(|(s, _)| *s > 2048 && *s <= 4096),
        "{new_rows:?}"
    );
    assert_eq!(summary(&run)["total_steps"], 4096);
    let config = std::fs::read_to_string(run.join("config.toml")).expect("config.toml");
    assert!(config.contains("total_timesteps = 4096"), "{config}");
    assert!(
        !dir.join("out/t/CartPole-v1__ppo__seed3-2").exists(),
        "no new folder"
    );
}

#[cfg(not(feature = "wgpu"))]
#[test]
fn wgpu_without_its_feature_names_the_feature() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut args = PPO_CARTPOLE.to_vec();
    args.extend(["--backend", "wgpu"]);
    usage_error(&args, tmp.path(), &["wgpu", "--features wgpu"]);
    assert!(!tmp.path().join("out").exists(), "nothing written");
}

#[test]
fn bad_configuration_is_a_usage_error_naming_it() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    let with = |extra: &[&'static str]| {
        let mut args = PPO_CARTPOLE.to_vec();
        args.extend_from_slice(extra);
        args
    };
    usage_error(&with(&["--set", "no_such_key=1"]), dir, &["no_such_key"]);
    usage_error(&with(&["--set", "noequals"]), dir, &["noequals"]);
    usage_error(&with(&["--preset", "nope"]), dir, &["nope", "preset"]);
    usage_error(&with(&["--config", "missing.toml"]), dir, &["missing.toml"]);
    usage_error(
        &["train", "--env", "NoSuchEnv-v9", "--algo", "ppo"],
        dir,
        &["NoSuchEnv-v9"],
    );
    usage_error(
        &["train", "--env", "Pendulum-v1", "--algo", "dqn"],
        dir,
        &["discrete"],
    );
    assert!(!dir.join("out").exists(), "no run folder for a refused run");
}

#[test]
fn tabular_and_neural_flags_do_not_mix() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    usage_error(
        &[
            "train",
            "--env",
            "CartPole-v1",
            "--algo",
            "ppo",
            "--episodes",
            "5",
        ],
        dir,
        &["--episodes", "tabular"],
    );
    usage_error(
        &[
            "train",
            "--env",
            "rewardlab/CliffWalk-v0",
            "--algo",
            "sarsa",
            "--set",
            "gamma=1",
            "--total-steps",
            "9",
        ],
        dir,
        &["--set, --total-steps", "neural"],
    );
}

#[test]
fn resume_and_eval_refuse_what_they_cannot_use() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    // Flags that would change the run are refused with --resume.
    usage_error(
        &["train", "--resume", "somewhere", "--env", "CartPole-v1"],
        dir,
        &["--resume", "--env"],
    );
    usage_error(
        &["train", "--resume", "somewhere", "--set", "gamma=0.9"],
        dir,
        &["--resume", "--set"],
    );
    // A folder that is not a run, and a run without a checkpoint.
    usage_error(&["train", "--resume", "somewhere"], dir, &["config.toml"]);
    usage_error(&["eval", "--run", "somewhere"], dir, &["config.toml"]);
    let run = dir.join("run");
    std::fs::create_dir(&run).expect("mkdir");
    std::fs::write(
        run.join("config.toml"),
        "env = \"CartPole-v1\"\npreset = \"cleanrl\"\nalgo = \"ppo\"\n[ppo]\nseed = 1\n",
    )
    .expect("write");
    usage_error(&["eval", "--run", "run"], dir, &["no checkpoint", "run"]);
    usage_error(&["train", "--resume", "run"], dir, &["no checkpoint"]);
    // The GIF path is checked before anything runs.
    usage_error(
        &["eval", "--run", "run", "--render", "ep.png"],
        dir,
        &["ep.png", ".gif"],
    );
}
