//! MiniGrid's wrappers on fixed layouts, with values computed by hand and checked against
//! MiniGrid 3.2's wrappers (`minigrid.wrappers`) on the same states: Empty-5x5 starts the agent
//! at (1, 1) facing right, the goal at (3, 3), walls on the border, and the mission
//! "get to the green goal square".

use rewardlab_core::wrappers::{TASK_REWARD_KEY, WrapperError};
use rewardlab_core::{BoxSpace, DType, Env, EnvError, Erased, Space, SpaceElem, Value};
use rewardlab_envs::minigrid::wrappers::{
    ActionBonus, ByteObs, DictObs, FlatObs, FullyObs, ImgObs, MissionEncodeError, OneHotPartialObs,
    PositionBonus, Reseed, RgbImgObs, RgbImgPartialObs, ViewSize,
};
use rewardlab_envs::minigrid::{self, AnyMiniGrid, BoxedMiniGrid, Empty};

const WALL: [u8; 3] = [2, 5, 0];
const EMPTY: [u8; 3] = [1, 0, 0];
const GOAL: [u8; 3] = [8, 1, 0];
const MISSION: &str = "get to the green goal square";
const LEFT: usize = 0;
const RIGHT: usize = 1;
const FORWARD: usize = 2;

fn empty5() -> BoxedMiniGrid {
    minigrid::make("MiniGrid-Empty-5x5-v0", &[]).expect("a registered id")
}

/// The `[x][y]` cell of a flat `side × side × channels` image.
fn cell(image: &[u8], side: usize, channels: usize, x: usize, y: usize) -> &[u8] {
    let i = (x * side + y) * channels;
    &image[i..i + channels]
}

fn image_shape(space: &Space) -> Vec<usize> {
    match space.clone() {
        Space::Dict(items) => match items.into_iter().find(|(k, _)| k == "image") {
            Some((_, Space::Box(b))) => b.shape,
            other => panic!("no image box: {other:?}"),
        },
        Space::Box(b) => b.shape,
        other => panic!("not an image space: {other}"),
    }
}

#[test]
fn img_obs_is_the_image_alone() {
    let mut env = ImgObs::new(empty5());
    assert_eq!(
        env.observation_space(),
        Space::Box(BoxSpace::uniform(&[7, 7, 3], 0.0, 255.0, DType::U8))
    );
    let (obs, _) = env.reset(Some(0));
    assert_eq!(obs.0.len(), 147);
    // The column left of the agent's line of sight is beyond the top wall: all walls.
    assert!((0..7).all(|y| cell(&obs.0, 7, 3, 0, y) == WALL));
    // Straight ahead: the agent's cell, two empty cells, the east wall.
    let ahead: Vec<&[u8]> = (3..7).rev().map(|y| cell(&obs.0, 7, 3, 3, y)).collect();
    assert_eq!(ahead, [EMPTY, EMPTY, EMPTY, WALL]);
    assert_eq!(cell(&obs.0, 7, 3, 5, 4), GOAL);
    assert!(env.observation_space().contains(&obs.to_value()));
}

#[test]
fn fully_obs_encodes_the_whole_grid_with_the_agent() -> Result<(), EnvError> {
    let mut env = FullyObs::new(empty5());
    assert_eq!(image_shape(&env.observation_space()), [5, 5, 3]);
    let (obs, _) = env.reset(Some(0));
    assert_eq!(obs.direction, 0);
    assert_eq!(&*obs.mission, MISSION);
    assert!(env.observation_space().contains(&obs.to_value()));
    let at = |o: &DictObs, x: usize, y: usize| cell(&o.image, 5, 3, x, y).to_vec();
    for i in 0..5 {
        for (x, y) in [(0, i), (4, i), (i, 0), (i, 4)] {
            assert_eq!(at(&obs, x, y), WALL, "border ({x}, {y})");
        }
    }
    assert_eq!(at(&obs, 1, 1), [10, 0, 0], "agent, red, facing right");
    assert_eq!(at(&obs, 3, 3), GOAL);
    assert_eq!(at(&obs, 2, 2), EMPTY);
    // MiniGrid 3.2's FullyObsWrapper on the same reset, flattened.
    #[rustfmt::skip]
    let minigrid: [u8; 75] = [
        2, 5, 0, 2, 5, 0, 2, 5, 0, 2, 5, 0, 2, 5, 0, 2, 5, 0, 10, 0, 0, 1, 0, 0, 1, 0, 0,
        2, 5, 0, 2, 5, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 2, 5, 0, 2, 5, 0, 1, 0, 0, 1, 0, 0,
        8, 1, 0, 2, 5, 0, 2, 5, 0, 2, 5, 0, 2, 5, 0, 2, 5, 0, 2, 5, 0,
    ];
    assert_eq!(obs.image, minigrid);
    // The agent moves and turns: its cell follows, the old cell is empty again.
    env.step(&FORWARD)?;
    let obs = env.step(&RIGHT)?.obs;
    assert_eq!(at(&obs, 2, 1), [10, 0, 1]);
    assert_eq!(at(&obs, 1, 1), EMPTY);
    assert_eq!(obs.direction, 1);
    Ok(())
}

#[test]
fn one_hot_partial_obs_has_twenty_channels_as_minigrid() {
    let mut env = OneHotPartialObs::new(empty5());
    assert_eq!(image_shape(&env.observation_space()), [7, 7, 20]);
    let (obs, _) = env.reset(Some(0));
    assert_eq!(obs.image.len(), 7 * 7 * 20);
    let ones = |x: usize, y: usize| -> Vec<usize> {
        let bits = cell(&obs.image, 7, 20, x, y);
        (0..20).filter(|i| bits[*i] == 1).collect()
    };
    // Wall grey: type 2, colour 11 + 5, state 17 + 0; empty: 1, 11, 17; goal: 8, 11 + 1, 17
    // (MiniGrid's OneHotPartialObsWrapper gives the same sets on these cells).
    assert_eq!(ones(0, 0), [2, 16, 17]);
    assert_eq!(ones(3, 6), [1, 11, 17]);
    assert_eq!(ones(5, 4), [8, 12, 17]);
    assert!(obs.image.iter().all(|b| *b <= 1));
    assert_eq!(
        obs.image.iter().map(|b| usize::from(*b)).sum::<usize>(),
        49 * 3
    );
    assert_eq!(&*obs.mission, MISSION);
}

#[test]
fn flat_obs_has_minigrid_length_and_mission_codes() -> Result<(), EnvError> {
    let mut env = FlatObs::new(empty5());
    assert_eq!(
        env.observation_space(),
        Space::Box(BoxSpace::uniform(&[2835], 0.0, 255.0, DType::U8))
    );
    let (ByteObs(flat), _) = env.reset(Some(0));
    assert_eq!(flat.len(), 2835);
    let (ByteObs(image), _) = ImgObs::new(empty5()).reset(Some(0));
    assert_eq!(flat[..147], image[..]);
    let code = |row: usize| -> Option<usize> {
        let r = &flat[147 + 28 * row..147 + 28 * (row + 1)];
        r.iter().position(|b| *b == 1)
    };
    // "get to the green goal square", as MiniGrid's FlatObsWrapper codes it.
    let expected = [
        6, 4, 19, 26, 19, 14, 26, 19, 7, 4, 26, 6, 17, 4, 4, 13, 26, 6, 14, 0, 11, 26, 18, 16, 20,
        0, 17, 4,
    ];
    let codes: Vec<Option<usize>> = (0..30).map(code).collect();
    let mut want: Vec<Option<usize>> = expected.iter().map(|c| Some(*c)).collect();
    want.extend([None, None]);
    assert_eq!(codes, want);
    assert_eq!(
        flat[147..].iter().filter(|b| **b == 1).count(),
        MISSION.len()
    );
    // A step keeps the (cached) mission table.
    let ByteObs(next) = env.step(&LEFT)?.obs;
    assert_eq!(next[147..], flat[147..]);
    Ok(())
}

#[test]
fn flat_obs_refuses_a_mission_it_cannot_encode() {
    // Empty's mission is 28 characters: a 27-row table cannot hold it.
    let mut env = FlatObs::with_max_str_len(empty5(), 27).expect("27 rows");
    assert_eq!(image_shape(&env.observation_space()), [147 + 28 * 27]);
    assert!(matches!(
        env.try_reset(Some(0)),
        Err(MissionEncodeError::TooLong {
            len: 28,
            max: 27,
            ..
        })
    ));
    let mut env = FlatObs::with_max_str_len(empty5(), 28).expect("28 rows");
    assert!(env.try_reset(Some(0)).is_ok());
    assert!(FlatObs::with_max_str_len(empty5(), 0).is_err());
}

#[test]
#[should_panic(expected = "max_str_len")]
fn flat_obs_reset_panics_on_an_unencodable_mission() {
    let mut env = FlatObs::with_max_str_len(empty5(), 5).expect("5 rows");
    env.reset(Some(0));
}

#[test]
fn view_size_changes_the_view_and_its_space() {
    let mut env = ViewSize::new(empty5(), 5).expect("odd, at least 3");
    assert_eq!(env.view_size(), 5);
    assert_eq!(image_shape(&env.observation_space()), [5, 5, 3]);
    let (obs, _) = env.reset(Some(0));
    assert_eq!(obs.view_size, 5);
    assert!(env.observation_space().contains(&obs.to_value()));
    // MiniGrid's ViewSizeWrapper(env, 5) on the same reset.
    #[rustfmt::skip]
    let minigrid: [u8; 75] = [
        2, 5, 0, 2, 5, 0, 2, 5, 0, 2, 5, 0, 2, 5, 0, 2, 5, 0, 2, 5, 0, 2, 5, 0, 2, 5, 0,
        2, 5, 0, 2, 5, 0, 2, 5, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 2, 5, 0, 2, 5, 0, 1, 0, 0,
        1, 0, 0, 1, 0, 0, 2, 5, 0, 2, 5, 0, 8, 1, 0, 1, 0, 0, 1, 0, 0,
    ];
    assert_eq!(obs.image, minigrid);
    // The observation wrappers above follow the new size.
    let mut img = ImgObs::new(ViewSize::new(empty5(), 3).expect("3"));
    assert_eq!(image_shape(&img.observation_space()), [3, 3, 3]);
    #[rustfmt::skip]
    let minigrid3: [u8; 27] = [
        2, 5, 0, 2, 5, 0, 2, 5, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0,
    ];
    assert_eq!(img.reset(Some(0)).0.0, minigrid3);
    let flat = FlatObs::new(ViewSize::new(empty5(), 9).expect("9"));
    assert_eq!(
        image_shape(&flat.observation_space()),
        [9 * 9 * 3 + 28 * 96]
    );
    let hot = OneHotPartialObs::new(ViewSize::new(empty5(), 9).expect("9"));
    assert_eq!(image_shape(&hot.observation_space()), [9, 9, 20]);
    for bad in [0, 1, 2, 4, 8] {
        assert!(matches!(
            ViewSize::new(empty5(), bad),
            Err(WrapperError::InvalidParameter {
                name: "agent_view_size",
                ..
            })
        ));
    }
}

#[test]
fn reseed_cycles_through_its_seeds_and_ignores_the_callers() {
    let id = "MiniGrid-DoorKey-8x8-v0";
    let make = || minigrid::make(id, &[]).expect("a registered id");
    let mut plain = make();
    let mut layout = |seed: u64| {
        plain.reset(Some(seed));
        (plain.world().clone(), plain.mission_text().to_string())
    };
    let (a, b, c) = (layout(11), layout(22), layout(33));
    assert!(a != b && b != c, "the seeds give different layouts");
    let mut env = Reseed::new(make(), vec![11, 22, 33], 1).expect("a valid index");
    let mut seen = Vec::new();
    for caller in [None, Some(5), None, Some(11), None] {
        assert_eq!(env.next_seed(), [11, 22, 33][(seen.len() + 1) % 3]);
        env.reset(caller);
        seen.push((env.world().clone(), env.mission_text().to_string()));
    }
    assert_eq!(seen, [b.clone(), c.clone(), a, b, c]);
    assert!(Reseed::new(make(), vec![], 0).is_err());
    assert!(Reseed::new(make(), vec![1, 2], 2).is_err());
}

#[test]
fn action_bonus_counts_position_direction_and_action() -> Result<(), EnvError> {
    let mut env = ActionBonus::new(empty5());
    env.reset(Some(0));
    // Turning left and right from (1, 1) alternates between two keys; forward into the north
    // wall is a third. MiniGrid's ActionBonus gives the same rewards.
    let script = [LEFT, RIGHT, LEFT, RIGHT, LEFT, FORWARD, FORWARD];
    let r2 = 1.0 / 2f64.sqrt();
    let want = [1.0, 1.0, r2, r2, 1.0 / 3f64.sqrt(), 1.0, r2];
    for (a, w) in script.iter().zip(want) {
        let step = env.step(a)?;
        assert_eq!(step.reward, w, "action {a}");
        assert_eq!(step.info.get(TASK_REWARD_KEY), Some(&Value::Float(0.0)));
    }
    assert_eq!(env.count((1, 1), 3, FORWARD), 2);
    // Counts persist across episodes.
    env.reset(Some(0));
    assert_eq!(
        env.step(&LEFT)?.reward,
        0.5,
        "(1, 1), up, left: the 4th time"
    );
    // A refused step counts nothing.
    assert!(env.step(&7).is_err());
    env.clear_counts();
    assert_eq!(env.step(&RIGHT)?.reward, 1.0);
    Ok(())
}

#[test]
fn position_bonus_applies_its_scale() -> Result<(), EnvError> {
    let mut env = PositionBonus::with_scale(empty5(), 0.5).expect("finite");
    env.reset(Some(0));
    let script = [LEFT, RIGHT, LEFT, FORWARD, FORWARD, RIGHT, FORWARD, FORWARD];
    let rewards: Vec<f64> = script
        .iter()
        .map(|a| env.step(a).map(|s| s.reward))
        .collect::<Result<_, _>>()?;
    // Six steps on (1, 1), then (2, 1) and (3, 1) once each; MiniGrid 3.2's
    // PositionBonus(scale=0.5) gives the same rewards.
    let want: Vec<f64> = (1..=6)
        .map(|n| 0.5 / f64::from(n).sqrt())
        .chain([0.5, 0.5])
        .collect();
    assert_eq!(rewards, want);
    // Down twice to the goal at (3, 3): success reward 1 − 0.9·11/100 plus the bonus.
    env.step(&RIGHT)?;
    env.step(&FORWARD)?;
    let last = env.step(&FORWARD)?;
    assert!(last.terminated);
    let task = last.info.get(TASK_REWARD_KEY).and_then(Value::as_f64);
    let task = task.expect("the unshaped reward is kept");
    assert!((task - (1.0 - 0.9 * 11.0 / 100.0)).abs() < 1e-12, "{task}");
    assert_eq!(last.reward, task + 0.5);
    // Across episodes: the 7th visit to (1, 1).
    env.reset(Some(0));
    assert_eq!(env.step(&LEFT)?.reward, 0.5 / 7f64.sqrt());
    assert_eq!(env.count((1, 1)), 7);
    // The default scale is MiniGrid's 1.
    let mut plain = PositionBonus::new(empty5());
    plain.reset(Some(0));
    assert_eq!(plain.step(&LEFT)?.reward, 1.0);
    assert!(PositionBonus::with_scale(empty5(), f64::NAN).is_err());
    Ok(())
}

#[test]
fn pass_through_wrappers_stack_and_erase() -> Result<(), EnvError> {
    let inner = Reseed::new(ViewSize::new(empty5(), 5).expect("5"), vec![0], 0).expect("seeds");
    let stacked = FullyObs::new(PositionBonus::new(ActionBonus::new(inner)));
    let mut erased = Erased::boxed(stacked);
    let (obs, _) = erased.reset(None);
    assert!(erased.observation_space().contains(&obs));
    let step = erased.step(&Value::Int(LEFT as i64))?;
    // Both bonuses, on their first count; the task reward is the innermost one.
    assert_eq!(step.reward, 2.0);
    assert_eq!(step.info.get(TASK_REWARD_KEY), Some(&Value::Float(0.0)));
    assert!(erased.render().is_ok());
    // Typed envs work as well as boxed ones.
    let typed = Empty::env(5, false).expect("a valid size");
    let mut fully = FullyObs::new(typed);
    assert_eq!(fully.reset(Some(0)).0.image.len(), 75);
    Ok(())
}

#[test]
fn rgb_wrappers_render_the_world_and_the_view() -> Result<(), EnvError> {
    let mut full = RgbImgObs::new(empty5());
    assert_eq!(image_shape(&full.observation_space()), [40, 40, 3]);
    let (obs, _) = full.reset(Some(0));
    assert_eq!(obs.image.len(), 40 * 40 * 3);
    assert!(full.observation_space().contains(&obs.to_value()));
    let frame = full.inner().render()?;
    // render() draws the 5 × 5 world at 32 pixels a tile, the observation at 8.
    assert_eq!((frame.width, frame.height), (5 * 32, 5 * 32));
    assert_eq!(frame.pixels.len(), 5 * 32 * 5 * 32 * 3);
    let px = |img: &[u8], width: usize, x: usize, y: usize| {
        let i = (y * width + x) * 3;
        img[i..i + 3].to_vec()
    };
    // The agent's triangle at the centre of its tile (1, 1), lit by the highlight as MiniGrid's
    // (red (255, 0, 0) brightened 30% towards white). MiniGrid 3.2's RGBImgObsWrapper and
    // RGBImgPartialObsWrapper images of this reset were compared byte for byte with ours: equal.
    assert_eq!(px(&obs.image, 40, 12, 12), [255, 76, 76]);
    let (unlit, _) = RgbImgObs::new(empty5())
        .with_highlight(false)
        .reset(Some(0));
    assert_eq!(px(&unlit.image, 40, 12, 12), [255, 0, 0]);
    let mut pov = RgbImgPartialObs::new(empty5());
    assert_eq!(image_shape(&pov.observation_space()), [56, 56, 3]);
    let (obs, _) = pov.reset(Some(0));
    // The agent sits at the bottom middle, tile (3, 6).
    assert_eq!(px(&obs.image, 56, 28, 52), [255, 76, 76]);
    let small = RgbImgPartialObs::with_tile_size(empty5(), 4).expect("4 pixels");
    assert_eq!(small.tile_size(), 4);
    assert_eq!(image_shape(&small.observation_space()), [28, 28, 3]);
    assert!(RgbImgObs::with_tile_size(empty5(), 0).is_err());
    assert_eq!(full.tile_size(), 8);
    Ok(())
}
