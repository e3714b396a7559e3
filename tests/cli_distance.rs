//! `rewardlab distance`: the JSON contract on a hand-checked model, and malformed input
//! exiting 2 with nothing on stdout.

mod common;

use std::path::{Path, PathBuf};

use common::{rewardlab, text};

/// A 3-state model: from 0, action 0 goes to 1 and action 1 to 2; 1 and 2 are terminal.
/// γ = 0.9, start in 0.
const MDP: &str = r#"{
    "transition": [
        [[0, 1, 0], [0, 0, 1]],
        [[0, 1, 0], [0, 1, 0]],
        [[0, 0, 1], [0, 0, 1]]
    ],
    "initial": [1, 0, 0],
    "gamma": 0.9,
    "terminal": [false, true, true]
}"#;

/// Pays 1 for reaching state 1.
const R_LEFT: &str = "[[[0,1,0],[0,0,0]],[[0,0,0],[0,0,0]],[[0,0,0],[0,0,0]]]";
/// Pays 1 for reaching state 2 (the other optimal policy).
const R_RIGHT: &str = r#"{"reward": [[[0,0,0],[0,0,1]],[[0,0,0],[0,0,0]],[[0,0,0],[0,0,0]]]}"#;
/// 3·R_LEFT + γΦ(s′) − Φ(s) with Φ = (0.5, 0, 0), on every entry (terminal rows included, as
/// EPIC compares whole tensors): row 0 gains 0.45·[s′ = 0] − 0.5, rows 1 and 2 gain 0.45·[s′ = 0].
const R_LEFT_SHAPED: &str =
    "[[[-0.05,2.5,-0.5],[-0.05,-0.5,-0.5]],[[0.45,0,0],[0.45,0,0]],[[0.45,0,0],[0.45,0,0]]]";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a fixture");
    path
}

fn distance_json(mdp: &Path, a: &Path, b: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "distance".to_string(),
        "--mdp".into(),
        mdp.display().to_string(),
        "--a".into(),
        a.display().to_string(),
        "--b".into(),
        b.display().to_string(),
        "--json".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = rewardlab(&refs);
    assert!(out.status.success(), "{extra:?}: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one line: {stdout:?}");
    serde_json::from_str(lines[0]).expect("the line is JSON")
}

#[test]
fn distances_and_regret_on_a_two_way_choice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mdp = write(dir.path(), "mdp.json", MDP);
    let left = write(dir.path(), "left.json", R_LEFT);
    let right = write(dir.path(), "right.json", R_RIGHT);
    let shaped = write(dir.path(), "shaped.json", R_LEFT_SHAPED);

    let v = distance_json(&mdp, &left, &right, &[]);
    let mut keys: Vec<&String> = v.as_object().expect("object").keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "canon",
            "dist",
            "distance",
            "metric",
            "norm",
            "regret",
            "regret_sym"
        ]
    );
    assert_eq!(
        (&v["metric"], &v["canon"], &v["norm"], &v["dist"]),
        (&"starc".into(), &"val".into(), &"l2".into(), &"l2".into())
    );
    // Opposite choices: acting for R2 gets nothing under R1, its worst outcome.
    assert_eq!(v["regret"], 1.0);
    assert_eq!(v["regret_sym"], 1.0);
    // val on state 0 (uniform π, V(0) = ½): C(0,0,·) = ½, C(0,1,·) = −½ for R1 and the
    // opposite for R2; the normalised difference has L2 norm 2.
    let d = v["distance"].as_f64().expect("a number");
    assert!((d - 2.0).abs() < 1e-9, "{d}");

    // Shaped and scaled: distance 0 for every metric, no regret.
    for extra in [
        vec![],
        vec![
            "--canon",
            "minimal",
            "--norm",
            "weighted-l2",
            "--dist",
            "linf",
        ],
        vec!["--metric", "epic"],
        vec!["--metric", "dard"],
    ] {
        let v = distance_json(&mdp, &left, &shaped, &extra);
        let d = v["distance"].as_f64().expect("a number");
        assert!(d < 1e-7, "{extra:?}: {d}");
        assert_eq!(v["regret"], 0.0, "{extra:?}");
    }
    let v = distance_json(&mdp, &left, &right, &["--metric", "epic"]);
    assert_eq!(
        (&v["canon"], &v["norm"], &v["dist"]),
        (
            &"epic".into(),
            &serde_json::Value::Null,
            &serde_json::Value::Null
        )
    );
}

#[test]
fn bad_input_exits_2_with_a_message_and_no_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mdp = write(dir.path(), "mdp.json", MDP);
    let left = write(dir.path(), "left.json", R_LEFT);
    let ragged = write(
        dir.path(),
        "ragged.json",
        "[[[0,1],[0,0,0]],[[0,0,0],[0,0,0]],[[0,0,0],[0,0,0]]]",
    );
    let short = write(dir.path(), "short.json", "[[[0,1,0],[0,0,0]]]");
    let garbage = write(dir.path(), "garbage.json", "{not json");
    let bad_rows = write(
        dir.path(),
        "bad_mdp.json",
        r#"{"transition": [[[0.5, 0.4, 0], [0, 0, 1]], [[0,1,0],[0,1,0]], [[0,0,1],[0,0,1]]], "initial": [1,0,0], "gamma": 0.9, "terminal": [false, true, true]}"#,
    );
    let p = |x: &PathBuf| x.display().to_string();
    let cases: Vec<Vec<String>> = vec![
        vec![
            "--mdp".into(),
            p(&mdp),
            "--a".into(),
            p(&left),
            "--b".into(),
            p(&ragged),
        ],
        vec![
            "--mdp".into(),
            p(&mdp),
            "--a".into(),
            p(&short),
            "--b".into(),
            p(&left),
        ],
        vec![
            "--mdp".into(),
            p(&garbage),
            "--a".into(),
            p(&left),
            "--b".into(),
            p(&left),
        ],
        vec![
            "--mdp".into(),
            p(&bad_rows),
            "--a".into(),
            p(&left),
            "--b".into(),
            p(&left),
        ],
        vec![
            "--mdp".into(),
            p(&mdp),
            "--a".into(),
            "missing.json".into(),
            "--b".into(),
            p(&left),
        ],
        vec![
            "--mdp".into(),
            p(&mdp),
            "--a".into(),
            p(&left),
            "--b".into(),
            p(&left),
            "--metric".into(),
            "kl".into(),
        ],
        vec![
            "--mdp".into(),
            p(&mdp),
            "--a".into(),
            p(&left),
            "--b".into(),
            p(&left),
            "--norm".into(),
            "l3".into(),
        ],
        vec![
            "--mdp".into(),
            p(&mdp),
            "--a".into(),
            p(&left),
            "--b".into(),
            p(&left),
            "--canon".into(),
            "minimal".into(),
            "--norm".into(),
            "l1".into(),
        ],
    ];
    for case in cases {
        let mut args = vec!["distance".to_string()];
        args.extend(case.iter().cloned());
        args.push("--json".into());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = rewardlab(&refs);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{case:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{case:?}");
        assert!(text(&out.stderr).starts_with("error: "), "{case:?}");
    }
}
