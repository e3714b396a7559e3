//! The `rewardlab` binary on MiniGrid ids: `play` scripted through stdin, `rollout`'s nested
//! observation (equal to the recorded MiniGrid 3.2 fixture), `render` to PNG and `play
//! --record` to GIF.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

use common::{command, rewardlab, text};
use rewardlab_envs::render::encode::{read_gif, read_png};
use serde_json::Value as Json;

/// Runs `play` with `script` on stdin (not a terminal, so one key name per line).
fn play(args: &[&str], script: &str) -> Output {
    let mut all = vec!["play"];
    all.extend_from_slice(args);
    let mut child = command(&all)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // A binary that refuses its arguments exits before reading: the write may then fail with
    // a broken pipe, which is not what these tests check.
    let _ = child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(script.as_bytes());
    child.wait_with_output().expect("the binary runs")
}

#[test]
fn play_steers_from_a_script_and_prints_position_and_reward() {
    let out = play(
        &["--env", "MiniGrid-Empty-5x5-v0", "--seed", "0"],
        "forward\nforward\nquit\nforward\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("mission: get to the green goal square"),
        "{stdout}"
    );
    // The start: agent at (1, 1) facing right, drawn as `>>` in MiniGrid's pprint.
    assert!(stdout.contains("WG>>    WG"), "{stdout}");
    assert!(
        stdout.contains("step=1 action=forward reward=0.00 pos=[2,1] dir=0"),
        "{stdout}"
    );
    assert!(
        stdout.contains("step=2 action=forward reward=0.00 pos=[3,1] dir=0 terminated=false"),
        "{stdout}"
    );
    // `quit` ends the session: the forward after it is never read.
    assert!(!stdout.contains("step=3"), "{stdout}");
}

#[test]
fn play_restarts_after_reaching_the_goal() {
    // Right along the top row, turn, down to the goal at (3, 3): 5 steps of 100.
    let out = play(
        &["--env", "MiniGrid-Empty-5x5-v0", "--seed", "0"],
        "up\nup\nright\nup\nup\nbogus\nq\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("episode 1 terminated after 5 step(s)"),
        "{stdout}"
    );
    // The status before the automatic reset shows the goal cell.
    assert!(
        stdout.contains("pos=[3,3] dir=1 terminated=true"),
        "{stdout}"
    );
    assert!(stdout.contains("episode=2 step=0"), "{stdout}");
    assert!(stdout.contains("unknown key 'bogus'"), "{stdout}");
}

#[test]
fn play_refuses_an_env_without_minigrid_actions() {
    let out = play(&["--env", "CartPole-v1"], "quit\n");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("cannot play"));
}

#[test]
fn play_records_every_state_of_a_scripted_session_to_a_gif() {
    let dir = tempfile::tempdir().expect("temp dir");
    let gif = dir.path().join("session.gif");
    let gif_arg = gif.to_str().expect("a UTF-8 temp path");
    let out = play(
        &[
            "--env",
            "MiniGrid-Empty-5x5-v0",
            "--seed",
            "0",
            "--record",
            gif_arg,
        ],
        "forward\nright\nbogus\nforward\nquit\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The reset frame and one per step taken (the unknown key takes none).
    assert!(
        text(&out.stdout).contains(&format!("wrote {gif_arg}: 4 frame(s)")),
        "{}",
        text(&out.stdout)
    );
    let frames = read_gif(&gif).expect("a decodable GIF");
    assert_eq!(frames.len(), 4);
    for (frame, _) in &frames {
        assert_eq!((frame.width, frame.height), (5 * 32, 5 * 32));
    }
    // Each step (forward, turn to face down, forward) changed the picture.
    for (i, pair) in frames.windows(2).enumerate() {
        assert!(
            pair[0].0.pixels != pair[1].0.pixels,
            "frames {i} and {}",
            i + 1
        );
    }
}

#[test]
fn play_refuses_to_record_anything_but_a_gif() {
    let dir = tempfile::tempdir().expect("temp dir");
    let png = dir.path().join("session.png");
    let png_arg = png.to_str().expect("a UTF-8 temp path");
    let out = play(
        &["--env", "MiniGrid-Empty-5x5-v0", "--record", png_arg],
        "forward\nquit\n",
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("--record must end in .gif"),
        "{}",
        text(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    assert!(!png.exists());
}

fn rollout(args: &[&str]) -> Output {
    let mut all = vec!["rollout", "--env", "MiniGrid-Empty-5x5-v0"];
    all.extend_from_slice(args);
    rewardlab(&all)
}

fn fixture_start() -> Json {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("envs/tests/fixtures/minigrid/Empty-5x5.json");
    let text = std::fs::read_to_string(&path).expect("the recorded MiniGrid fixture");
    let fixture: Json = serde_json::from_str(&text).expect("fixture JSON");
    fixture["episodes"][0]["start"].clone()
}

#[test]
fn rollout_prints_minigrids_nested_image_direction_and_mission() {
    let out = rollout(&["--seed", "0", "--actions", "2"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<Json> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 2);
    let obs = &lines[0]["obs"];
    let image = obs["image"].as_array().expect("image is a list");
    assert_eq!(image.len(), 7);
    for column in image {
        let column = column.as_array().expect("[x] is a list");
        assert_eq!(column.len(), 7);
        for cell in column {
            assert_eq!(cell.as_array().map(Vec::len), Some(3));
        }
    }
    let start = fixture_start();
    assert_eq!(
        obs["image"], start["image"],
        "MiniGrid's obs['image'].tolist()"
    );
    assert_eq!(obs["direction"], start["direction"]);
    assert_eq!(obs["mission"], start["mission"]);
    assert_eq!(
        lines[0]["state"],
        serde_json::json!({"agent_pos": [1, 1], "agent_dir": 0})
    );
    assert_eq!(lines[1]["state"]["agent_pos"], serde_json::json!([2, 1]));
    assert_eq!(lines[1]["obs"]["image"].as_array().map(Vec::len), Some(7));
}

#[test]
fn rollout_refuses_to_set_a_minigrid_state() {
    let out = rollout(&["--state", "1,1", "--actions", "2"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("this environment's state cannot be set"),
        "{}",
        text(&out.stderr)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn render_writes_a_minigrid_png_at_32_pixels_a_tile() {
    let dir = tempfile::tempdir().expect("temp dir");
    let png = dir.path().join("empty.png");
    let png_arg = png.to_str().expect("a UTF-8 temp path");
    let out = rewardlab(&[
        "render",
        "--env",
        "MiniGrid-Empty-5x5-v0",
        "--steps",
        "0",
        "--out",
        png_arg,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let frame = read_png(&png).expect("a decodable PNG");
    assert_eq!((frame.width, frame.height), (5 * 32, 5 * 32));
    assert_eq!(frame.pixels.len(), 5 * 32 * 5 * 32 * 3);
}
