//! `rewardlab render`: the files it writes decode to the frames the env draws, and bad input
//! exits 2 without writing anything.

mod common;

use std::path::Path;
use std::process::Output;

use common::{rewardlab, text};
use rewardlab_core::{Env, Frame, SpaceSampler};
use rewardlab_envs::render::encode::{read_gif, read_png};

/// `rewardlab render ARGS --out OUT`.
fn render(args: &[&str], out: &Path) -> Output {
    let mut all = vec!["render"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", out.to_str().expect("temp paths are UTF-8")]);
    rewardlab(&all)
}

/// The frames `render` should record: reset with `seed`, actions from a sampler seeded
/// with `seed`, at most `steps` steps, stopping at the end of the episode.
fn replay(id: &str, kwargs: &[(String, String)], seed: u64, steps: usize) -> Vec<Frame> {
    let mut env = rewardlab_envs::make(id, kwargs).expect("registered id");
    env.reset(Some(seed));
    let mut sampler = SpaceSampler::new(env.action_space(), seed);
    let mut frames = vec![env.render().expect("renders after reset")];
    for _ in 0..steps {
        let step = env
            .step(&sampler.sample())
            .expect("sampled actions are valid");
        frames.push(env.render().expect("renders after a step"));
        if step.done() {
            break;
        }
    }
    frames
}

#[test]
fn png_is_the_last_frame_of_the_replayed_episode() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("four_rooms.png");
    let run = render(
        &[
            "--env",
            "rewardlab/FourRooms-v0",
            "--seed",
            "3",
            "--steps",
            "25",
        ],
        &out,
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    let frames = replay("rewardlab/FourRooms-v0", &[], 3, 25);
    let written = read_png(&out).expect("a decodable PNG");
    // Frames are compared with `==`: a failing assert_eq! would print megabytes.
    assert!(
        Some(&written) == frames.last(),
        "PNG differs from the replay"
    );
    let moved = frames.iter().filter(|f| *f != &frames[0]).count();
    assert!(moved > 0, "the agent moved in 25 random steps");
    assert!(
        text(&run.stdout).contains("1 frame(s), 25 step(s)"),
        "{}",
        text(&run.stdout)
    );
}

#[test]
fn png_with_zero_steps_is_the_reset_frame() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("cliff.PNG");
    let run = render(&["--env", "rewardlab/CliffWalk-v0", "--steps", "0"], &out);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let frames = replay("rewardlab/CliffWalk-v0", &[], 0, 0);
    let written = read_png(&out).expect("a decodable PNG");
    assert!(
        Some(&written) == frames.first(),
        "PNG differs from the reset frame"
    );
}

#[test]
fn gif_has_one_frame_per_step_plus_the_reset_and_stops_at_the_end() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("corridor.gif");
    // The corridor's time limit (200) ends the episode before 500 random steps.
    let run = render(
        &[
            "--env",
            "rewardlab/Corridor-v0",
            "--steps",
            "500",
            "--fps",
            "20",
        ],
        &out,
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    let frames = replay("rewardlab/Corridor-v0", &[], 0, 500);
    let gif = read_gif(&out).expect("a decodable GIF");
    assert_eq!(gif.len(), frames.len());
    assert!(gif.len() <= 201, "stopped by the time limit: {}", gif.len());
    assert!(
        gif.iter().all(|(_, delay)| *delay == 5),
        "20 fps is 5 cs a frame"
    );
    // The palette is exact for the few flat colours of a grid: frames decode unchanged.
    for (i, ((got, _), want)) in gif.iter().zip(&frames).enumerate() {
        assert_eq!((got.width, got.height), (want.width, want.height));
        let differing = got
            .pixels
            .chunks_exact(3)
            .zip(want.pixels.chunks_exact(3))
            .filter(|(a, b)| a.iter().zip(b.iter()).any(|(x, y)| x.abs_diff(*y) > 12))
            .count();
        assert!(
            differing * 100 < want.pixels.len() / 3,
            "frame {i}: {differing} pixels off"
        );
    }
}

#[test]
fn gif_of_a_classic_control_env_keeps_its_size() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("cartpole.gif");
    let run = render(
        &["--env", "CartPole-v1", "--seed", "1", "--steps", "5"],
        &out,
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    let gif = read_gif(&out).expect("a decodable GIF");
    assert_eq!(gif.len(), 6);
    assert!(
        gif.iter()
            .all(|(f, d)| (f.width, f.height, *d) == (600, 400, 3))
    );
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases: [(&[&str], &str, &str); 4] = [
        (&["--env", "CartPole-v1"], "x.jpg", ".png"),
        (&["--env", "CartPole-v1"], "noext", ".gif"),
        (&["--env", "NoSuchEnv-v0"], "x.png", "NoSuchEnv-v0"),
        (&["--env", "CartPole-v1", "--fps", "0"], "x.gif", "--fps"),
    ];
    for (args, file, needle) in cases {
        let out = dir.path().join(file);
        let run = render(args, &out);
        let err = text(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{args:?} {file}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!out.exists(), "{file} was written");
    }
}

#[test]
fn unwritable_output_exits_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("missing_dir").join("x.png");
    let run = render(&["--env", "CartPole-v1"], &out);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    assert!(text(&run.stderr).contains("missing_dir"));
}
