//! Typed envs: seeded trajectories, the last action, and RGB frames.

use rewardlab_core::{Env, EnvError};
use rewardlab_envs::toy_text::cliff_walking::{self, CliffWalking, CliffWalkingConfig};
use rewardlab_envs::toy_text::frozen_lake::{
    self, FrozenLake, FrozenLakeConfig, LakeSource, MapName,
};

#[test]
fn same_seed_same_trajectory_and_reset_clears_the_last_action() {
    let run = |seed| {
        let mut env = FrozenLake::new(&FrozenLakeConfig::default()).expect("valid");
        env.reset(Some(seed));
        let mut out = Vec::new();
        for i in 0..300 {
            let step = env.step(&(i % 4)).expect("valid");
            out.push((step.obs, step.terminated));
            if step.terminated {
                env.reset(None);
                assert_eq!(env.last_action(), None);
            }
        }
        out
    };
    assert_eq!(run(5), run(5));
    assert_ne!(run(5), run(6));
    let mut cliff = CliffWalking::new(CliffWalkingConfig { is_slippery: true });
    assert_eq!(cliff.render_ansi(), Err(EnvError::ResetNeeded));
    assert_eq!(cliff.reset(Some(0)).0, cliff_walking::START);
    assert!(cliff.is_slippery());
}

#[test]
fn frames_show_the_grid_and_the_agent() {
    use rewardlab_envs::render::grid::palette;
    let centre = |row: u32, col: u32, px: u32| (col * px + px / 2, row * px + px / 2);
    let colour = |frame: &rewardlab_core::Frame, (x, y): (u32, u32)| frame.pixel(x, y);

    let mut lake = FrozenLake::new(&FrozenLakeConfig {
        is_slippery: false,
        ..FrozenLakeConfig::default()
    })
    .expect("valid");
    assert_eq!(lake.render(), Err(EnvError::ResetNeeded));
    lake.reset(Some(0));
    let frame = lake.render().expect("reset");
    assert_eq!(
        (frame.width, frame.height),
        (256, 256),
        "Gymnasium's 4x4 window"
    );
    assert_eq!(frame.pixels.len(), 256 * 256 * 3);
    assert_eq!(colour(&frame, centre(0, 0, 64)), Some(palette::AGENT));
    lake.step(&frozen_lake::RIGHT).expect("valid");
    let moved = lake.render().expect("reset");
    assert_eq!(colour(&moved, centre(0, 1, 64)), Some(palette::AGENT));
    assert_ne!(colour(&moved, centre(0, 0, 64)), Some(palette::AGENT));
    // In a hole the agent is hidden, as in Gymnasium's picture.
    lake.set_state(&[5.0]).expect("a tile");
    let fallen = lake.render().expect("reset");
    assert_eq!(colour(&fallen, centre(1, 1, 64)), Some(palette::HOLE));
    assert!(!fallen.pixels.chunks(3).any(|p| p == palette::AGENT));

    let mut large = FrozenLake::new(&FrozenLakeConfig {
        map: LakeSource::Named(MapName::EightByEight),
        ..FrozenLakeConfig::default()
    })
    .expect("valid");
    large.reset(Some(0));
    let frame = large.render().expect("reset");
    assert_eq!((frame.width, frame.height), (512, 512));

    let mut cliff = CliffWalking::default();
    assert_eq!(cliff.render(), Err(EnvError::ResetNeeded));
    cliff.reset(Some(0));
    let frame = cliff.render().expect("reset");
    assert_eq!(
        (frame.width, frame.height),
        (768, 256),
        "Gymnasium's 12x4 cells of 64 px"
    );
    assert_eq!(colour(&frame, centre(3, 0, 64)), Some(palette::AGENT));
    cliff.step(&cliff_walking::UP).expect("valid");
    let frame = cliff.render().expect("reset");
    assert_eq!(colour(&frame, centre(2, 0, 64)), Some(palette::AGENT));
    assert_ne!(colour(&frame, centre(3, 0, 64)), Some(palette::AGENT));
    // The cliff is drawn, and differs from the floor above it.
    assert_ne!(
        colour(&frame, centre(3, 5, 64)),
        colour(&frame, centre(2, 5, 64))
    );
}
