//! Every registered id draws itself: `render()` is [`EnvError::ResetNeeded`] before the first
//! reset and afterwards an RGB frame of `width · height · 3` bytes that is a picture (more
//! than one colour) and follows the episode (it changes as random actions move the state);
//! `render_ansi()` is the text picture of the toy-text and gridworld ids after a reset and
//! [`EnvError::RenderNotSupported`] for classic control, as in Gymnasium.
//!
//! The family of an id comes from the table that registers it, and every id must be in
//! exactly one table, so a new family fails here until its rendering is decided.

use rewardlab_core::space::SpaceSampler;
use rewardlab_core::{BoxedEnv, EnvError, Frame};
use rewardlab_envs::registry::Entry;
use rewardlab_envs::{EnvSpec, classic_control, gridworld, make, minigrid, specs, toy_text};

/// Random steps (resetting after an episode ends) within which a frame must change.
const STEPS_TO_CHANGE: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    ClassicControl,
    ToyText,
    GridWorld,
    MiniGrid,
}

/// The family whose table registers `id`; exactly one must.
fn family(id: &str) -> Family {
    let tables = [
        (Family::ClassicControl, classic_control::SPECS),
        (Family::ToyText, toy_text::SPECS),
        (Family::GridWorld, gridworld::SPECS),
        (Family::MiniGrid, minigrid::SPECS),
    ];
    let owners: Vec<Family> = tables
        .iter()
        .filter(|(_, table)| table.iter().any(|s| s.id == id))
        .map(|(f, _)| *f)
        .collect();
    match owners.as_slice() {
        [one] => *one,
        other => panic!("{id} is registered by {other:?}, expected exactly one family"),
    }
}

/// The env with its default kwargs (a map file for the gridworld that needs one).
fn make_default(spec: &EnvSpec) -> BoxedEnv {
    let mut kwargs = Vec::new();
    if let Entry::GridWorld(None) = spec.entry {
        let map = concat!(env!("CARGO_MANIFEST_DIR"), "/maps/four_rooms.txt");
        kwargs.push(("map".to_string(), map.to_string()));
    }
    make(spec.id, &kwargs).unwrap_or_else(|e| panic!("{}: {e}", spec.id))
}

/// Checks the frame's size and that it holds more than one colour.
fn check_frame(id: &str, frame: &Frame, when: &str) {
    assert!(frame.width > 0 && frame.height > 0, "{id} {when}: empty");
    assert_eq!(
        frame.pixels.len(),
        frame.width as usize * frame.height as usize * 3,
        "{id} {when}: {}x{} frame",
        frame.width,
        frame.height
    );
    let first = &frame.pixels[..3];
    assert!(
        frame.pixels.chunks_exact(3).any(|p| p != first),
        "{id} {when}: the whole frame is {first:?}"
    );
}

#[test]
fn every_registered_env_renders_frames_that_follow_the_episode() {
    let mut seen = [false; 4];
    for spec in specs() {
        let id = spec.id;
        let family = family(id);
        seen[family as usize] = true;
        let mut env = make_default(spec);
        assert_eq!(env.render(), Err(EnvError::ResetNeeded), "{id}");

        env.reset(Some(0));
        let first = env.render().unwrap_or_else(|e| panic!("{id}: {e}"));
        check_frame(id, &first, "after reset");

        // Random actions from a seeded sampler until the picture changes.
        let mut actions = SpaceSampler::new(env.action_space(), 1);
        let changed_after = (1..=STEPS_TO_CHANGE).find(|t| {
            let step = env
                .step(&actions.sample())
                .unwrap_or_else(|e| panic!("{id} step {t}: {e}"));
            if step.terminated || step.truncated {
                env.reset(None);
            }
            let frame = env
                .render()
                .unwrap_or_else(|e| panic!("{id} step {t}: {e}"));
            check_frame(id, &frame, &format!("step {t}"));
            assert_eq!(
                (frame.width, frame.height),
                (first.width, first.height),
                "{id} step {t}: the size is the env's, not the state's"
            );
            frame != first
        });
        assert!(
            changed_after.is_some(),
            "{id} ({family:?}): the frame did not change in {STEPS_TO_CHANGE} random steps"
        );
    }
    assert_eq!(seen, [true; 4], "every family has a registered id");
}

#[test]
fn ansi_text_exactly_for_toy_text_gridworlds_and_minigrid() {
    for spec in specs() {
        let id = spec.id;
        let mut env = make_default(spec);
        match family(id) {
            Family::ClassicControl => {
                env.reset(Some(0));
                assert_eq!(
                    env.render_ansi(),
                    Err(EnvError::RenderNotSupported { mode: "ansi" }),
                    "{id}"
                );
            }
            Family::ToyText | Family::GridWorld | Family::MiniGrid => {
                assert_eq!(env.render_ansi(), Err(EnvError::ResetNeeded), "{id}");
                env.reset(Some(0));
                let text = env.render_ansi().unwrap_or_else(|e| panic!("{id}: {e}"));
                // The board's rows (a corridor has one), each ending in a newline.
                assert!(!text.trim().is_empty(), "{id}: {text:?}");
                // MiniGrid's `pprint_grid` ends its last row without a newline; ours matches it.
                let family = family(id);
                assert_eq!(
                    text.ends_with('\n'),
                    family != Family::MiniGrid,
                    "{id}: {text:?}"
                );
            }
        }
    }
}
