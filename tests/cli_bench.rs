//! `rewardlab bench`: the JSON line's contract, step counting over copies, the backends it
//! reports, and bad input exiting 2. Timings are never asserted.

mod common;

use std::process::Output;

use common::text;

/// `rewardlab bench` with `args`.
fn bench(args: &[&str]) -> Output {
    let mut all = vec!["bench"];
    all.extend_from_slice(args);
    common::rewardlab(&all)
}

/// The one line `bench --json` prints, as text.
fn json_line(args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.push("--json");
    let out = bench(&all);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one line: {stdout}");
    lines[0].to_string()
}

/// A JSON object line, parsed (keys sorted: the order is checked on the text).
fn parse(line: &str) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::from_str(line).expect("valid JSON") {
        serde_json::Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// The one JSON line of `bench --json`, parsed.
fn report(args: &[&str]) -> serde_json::Map<String, serde_json::Value> {
    parse(&json_line(args))
}

fn int(map: &serde_json::Map<String, serde_json::Value>, key: &str) -> u64 {
    map.get(key)
        .and_then(serde_json::Value::as_u64)
        .unwrap_or_else(|| panic!("{key} is not an integer in {map:?}"))
}

/// The six keys, in the order the issue gives them.
const KEYS: [&str; 6] = [
    "env",
    "num_envs",
    "threads",
    "steps",
    "seconds",
    "steps_per_sec",
];

#[test]
fn json_line_has_exactly_the_six_keys_in_order() {
    let line = json_line(&["--env", "CartPole-v1", "--steps", "2000"]);
    // The order is the text's: find each key where it opens a member ("key":), which is
    // unambiguous because no key is a suffix of another in that form and the only string
    // value is an env id.
    let positions: Vec<usize> = KEYS
        .iter()
        .map(|key| {
            let member = format!("\"{key}\":");
            assert_eq!(line.matches(&member).count(), 1, "{key} once in {line}");
            line.find(&member).expect("counted above")
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "keys out of order {KEYS:?} in {line}"
    );
    assert!(line.starts_with("{\"env\":"), "{line}");

    let map = parse(&line);
    let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
    let mut want = KEYS;
    keys.sort_unstable();
    want.sort_unstable();
    assert_eq!(keys, want, "exactly these keys");
    assert_eq!(map["env"], "CartPole-v1");
    assert_eq!(int(&map, "num_envs"), 1);
    assert_eq!(int(&map, "threads"), 1, "one env runs on one thread");
    assert_eq!(int(&map, "steps"), 2000);
    // Format, not speed: both are JSON numbers (a zero duration would make the rate
    // infinite, which JSON cannot hold), non-negative and finite, and consistent.
    let seconds = map["seconds"].as_f64().expect("seconds is a number");
    let rate = map["steps_per_sec"]
        .as_f64()
        .expect("steps_per_sec is a number");
    assert!(seconds.is_finite() && seconds >= 0.0, "{seconds}");
    assert!(rate.is_finite() && rate > 0.0, "{rate}");
    assert!(
        (rate * seconds - 2000.0).abs() < 1e-6 * 2000.0,
        "{rate} × {seconds}"
    );
}

#[test]
fn steps_count_transitions_over_all_copies() {
    // 1000 over 8 copies: 125 vector steps.
    let map = report(&[
        "--env",
        "CartPole-v1",
        "--num-envs",
        "8",
        "--threads",
        "2",
        "--steps",
        "1000",
    ]);
    assert_eq!(
        (
            int(&map, "num_envs"),
            int(&map, "threads"),
            int(&map, "steps")
        ),
        (8, 2, 1000)
    );
    // 10 over 3 copies rounds up to 4 vector steps, 12 transitions.
    let map = report(&[
        "--env",
        "MountainCar-v0",
        "--num-envs",
        "3",
        "--threads",
        "1",
        "--steps",
        "10",
    ]);
    assert_eq!(int(&map, "steps"), 12);
    assert_eq!(int(&map, "threads"), 1);
}

#[test]
fn resets_kwargs_and_the_table() {
    let map = report(&[
        "--env",
        "FrozenLake-v1",
        "--env-arg",
        "map_name=8x8",
        "--resets",
        "--steps",
        "50",
        "--seed",
        "3",
    ]);
    assert_eq!(int(&map, "steps"), 50);
    let out = bench(&[
        "--env",
        "CartPole-v1",
        "--num-envs",
        "4",
        "--threads",
        "1",
        "--steps",
        "400",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    for want in ["CartPole-v1", "cartpole-batch", "steps/s", "400"] {
        assert!(table.contains(want), "{want} missing from:\n{table}");
    }
    assert!(!table.contains('{'), "no JSON without --json:\n{table}");
}

#[test]
fn bad_input_exits_2_with_a_message() {
    for args in [
        &["--env", "NoSuchEnv-v9"][..],
        &["--env", "CartPole-v1", "--num-envs", "0"],
        &["--env", "CartPole-v1", "--steps", "0"],
        &["--env", "CartPole-v1", "--threads", "0"],
        &["--env", "CartPole-v1", "--num-envs", "2", "--threads", "0"],
        &["--env", "CartPole-v1", "--env-arg", "gravity=1"],
        &[
            "--env",
            "CartPole-v1",
            "--env-arg",
            "sutton_barto_reward=maybe",
        ],
        &["--env", "CartPole-v1", "--steps", "-5"],
    ] {
        let out = bench(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let stderr = text(&out.stderr);
        assert!(stderr.contains("error"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// The `backend` row of the table `bench` prints without `--json`.
fn backend(args: &[&str]) -> String {
    let out = bench(args);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    let table = text(&out.stdout);
    table
        .lines()
        .find_map(
            |line| match line.split_whitespace().collect::<Vec<_>>()[..] {
                ["backend", value] => Some(value.to_string()),
                _ => None,
            },
        )
        .unwrap_or_else(|| panic!("no backend row in:\n{table}"))
}

#[test]
fn erased_flag_picks_the_value_interface() {
    let typed = backend(&["--env", "Pendulum-v1", "--steps", "300"]);
    let erased = backend(&["--env", "Pendulum-v1", "--steps", "300", "--erased"]);
    assert_eq!((typed.as_str(), erased.as_str()), ("typed-env", "env"));
}

#[test]
fn default_threads_are_one_per_1024_copies_up_to_the_cores() {
    let cores = std::thread::available_parallelism().map_or(1, usize::from) as u64;
    let few = report(&["--env", "CartPole-v1", "--num-envs", "8", "--steps", "80"]);
    assert_eq!(int(&few, "threads"), 1, "8 copies stay on one thread");
    let many = report(&[
        "--env",
        "CartPole-v1",
        "--num-envs",
        "2048",
        "--steps",
        "2048",
    ]);
    assert_eq!(
        int(&many, "threads"),
        cores.min(2),
        "2048 copies: two threads"
    );
}
