//! MiniGrid exactness on the Empty envs: replays the trajectories recorded from MiniGrid 3.2 by
//! `tests/fixtures/make_minigrid_empty_fixtures.py` (one file per case under
//! `tests/fixtures/minigrid/`) and demands MiniGrid's observation (image, direction, mission),
//! reward (f64 bits), `terminated`, `truncated` and agent position at every step, and
//! MiniGrid's `pprint_grid` text as `render_ansi` at each start.
//!
//! Fixed-start ids must start where MiniGrid does with no help. The random-start id draws its
//! start from MiniGrid's numpy RNG, which ours does not reproduce, so the recorded start is
//! assigned with the typed [`EmptyEnv::set_agent`] (reached through `erased_inner_mut`) before
//! replaying. The occluded case is Empty-8x8 with `see_through_walls` off (MiniGrid's Empty
//! hard-codes it on; the generator switches it off on the unwrapped env), built through the
//! typed engine, to check the occlusion pass.

use std::path::PathBuf;

use rewardlab_core::{BoxedEnv, Env, Erased, Value};
use rewardlab_envs::make;
use rewardlab_envs::minigrid::{
    self, AnyMiniGrid, BoxedMiniGrid, Empty, EngineConfig, MiniGridEnv,
};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Fixture {
    env_id: String,
    see_through_walls: bool,
    episodes: Vec<Episode>,
}

#[derive(Debug, Deserialize)]
struct Episode {
    start: Start,
    steps: Vec<Record>,
}

#[derive(Debug, Deserialize)]
struct Start {
    agent_pos: [usize; 2],
    agent_dir: u8,
    image: Vec<Vec<[u8; 3]>>,
    direction: i64,
    mission: String,
    pprint: String,
}

#[derive(Debug, Deserialize)]
struct Record {
    action: i64,
    image: Vec<Vec<[u8; 3]>>,
    direction: i64,
    reward: String,
    terminated: bool,
    truncated: bool,
    agent_pos: [usize; 2],
}

fn load(name: &str) -> Fixture {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", "minigrid"]
        .iter()
        .collect::<PathBuf>()
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).expect("fixture file is committed");
    serde_json::from_str(&text).expect("fixture parses")
}

/// MiniGrid's `obs` as our `Value` form: the nested `[x][y][c]` list flattened in C order.
fn expected_obs(image: &[Vec<[u8; 3]>], direction: i64, mission: &str) -> Value {
    Value::Dict(vec![
        (
            "image".to_string(),
            Value::U8(image.iter().flatten().flatten().copied().collect()),
        ),
        ("direction".to_string(), Value::Int(direction)),
        ("mission".to_string(), Value::Text(mission.to_string())),
    ])
}

fn agent_state(pos: [usize; 2], dir: i64) -> Value {
    Value::Dict(vec![
        (
            "agent_pos".to_string(),
            Value::Ints(vec![pos[0] as i64, pos[1] as i64]),
        ),
        ("agent_dir".to_string(), Value::Int(dir)),
    ])
}

/// Replays every episode of `fx` on `env`; `assign_start` moves the agent to the recorded
/// start instead of requiring ours to match.
fn replay(name: &str, fx: &Fixture, env: &mut BoxedEnv, assign_start: bool) {
    assert!(!fx.episodes.is_empty());
    let mut steps = 0;
    for (e, ep) in fx.episodes.iter().enumerate() {
        let (mut obs, _) = env.reset(Some(e as u64));
        let s = &ep.start;
        if assign_start {
            let inner = env
                .erased_inner_mut()
                .and_then(|any| any.downcast_mut::<BoxedMiniGrid>())
                .expect("a MiniGrid env without a time-limit wrapper");
            let typed = inner
                .set_agent((s.agent_pos[0], s.agent_pos[1]), s.agent_dir)
                .expect("the recorded start is a free cell");
            obs = rewardlab_core::SpaceElem::into_value(typed);
        }
        assert_eq!(
            env.state(),
            Some(agent_state(s.agent_pos, i64::from(s.agent_dir))),
            "{name} episode {e}: start"
        );
        assert_eq!(
            obs,
            expected_obs(&s.image, s.direction, &s.mission),
            "{name} episode {e}: start observation"
        );
        assert_eq!(
            env.render_ansi().as_deref(),
            Ok(s.pprint.as_str()),
            "{name} episode {e}: text picture"
        );
        let mission = &s.mission;
        for (t, r) in ep.steps.iter().enumerate() {
            let step = env
                .step(&Value::Int(r.action))
                .unwrap_or_else(|err| panic!("{name} episode {e} step {t}: {err}"));
            let at = format!("{name} episode {e} step {t} (action {})", r.action);
            let reward: f64 = r.reward.parse().expect("reward repr parses");
            assert_eq!(step.reward.to_bits(), reward.to_bits(), "{at}: reward");
            assert_eq!(step.terminated, r.terminated, "{at}: terminated");
            assert_eq!(step.truncated, r.truncated, "{at}: truncated");
            assert_eq!(
                step.obs,
                expected_obs(&r.image, r.direction, mission),
                "{at}: observation"
            );
            assert_eq!(
                env.state(),
                Some(agent_state(r.agent_pos, r.direction)),
                "{at}: agent"
            );
            steps += 1;
        }
    }
    assert!(steps >= 100, "{name}: only {steps} steps replayed");
}

fn replay_registered(name: &str, assign_start: bool) {
    let fx = load(name);
    assert!(fx.see_through_walls, "{name}: Empty sees through walls");
    let mut env = make(&fx.env_id, &[]).expect("registered id");
    replay(name, &fx, &mut env, assign_start);
}

#[test]
fn empty_5x5_matches_minigrid_at_every_step() {
    replay_registered("Empty-5x5", false);
}

#[test]
fn empty_5x5_goal_rewards_match_minigrid_bit_for_bit() {
    // Mostly-forward actions: reaches the goal at step counts (20) where a differently grouped
    // `1 − 0.9·t/max_steps` rounds differently.
    replay_registered("Empty-5x5-forward", false);
}

#[test]
fn empty_6x6_matches_minigrid_at_every_step() {
    replay_registered("Empty-6x6", false);
}

#[test]
fn empty_8x8_matches_minigrid_at_every_step() {
    replay_registered("Empty-8x8", false);
}

#[test]
fn empty_random_6x6_matches_minigrid_from_the_recorded_starts() {
    replay_registered("Empty-Random-6x6", true);
}

#[test]
fn occlusion_matches_minigrid_on_empty_8x8_without_see_through_walls() {
    let fx = load("Empty-8x8-occluded");
    assert!(!fx.see_through_walls);
    let config = EngineConfig {
        width: 8,
        height: 8,
        max_steps: 256,
        see_through_walls: false,
        agent_view_size: 7,
        n_actions: 7,
    };
    let typed = MiniGridEnv::new(
        Empty {
            size: 8,
            random_start: false,
        },
        config,
    )
    .expect("the 8x8 room generates");
    let mut env = Erased::boxed(typed);
    replay("Empty-8x8-occluded", &fx, &mut env, false);
}

#[test]
fn every_empty_id_is_made_with_minigrids_settings() {
    let expected = [
        ("MiniGrid-Empty-5x5-v0", 5, 100),
        ("MiniGrid-Empty-Random-5x5-v0", 5, 100),
        ("MiniGrid-Empty-6x6-v0", 6, 144),
        ("MiniGrid-Empty-Random-6x6-v0", 6, 144),
        ("MiniGrid-Empty-8x8-v0", 8, 256),
        ("MiniGrid-Empty-16x16-v0", 16, 1024),
    ];
    assert_eq!(minigrid::empty::SPECS.len(), expected.len());
    for (id, size, max_steps) in expected {
        let mut env = make(id, &[]).expect("registered id");
        env.reset(Some(3));
        let inner = env
            .erased_inner_mut()
            .and_then(|any| any.downcast_mut::<BoxedMiniGrid>())
            .expect("a MiniGrid env");
        let c = inner.engine_config();
        assert_eq!(
            (c.width, c.height, c.max_steps),
            (size, size, max_steps),
            "{id}"
        );
        assert!(c.see_through_walls, "{id}");
        assert_eq!(inner.mission_text(), "get to the green goal square");
        // Truncation is the env's own: exactly max_steps turns in place truncate.
        for t in 1..=max_steps {
            let step = env.step(&Value::Int(0)).expect("running");
            assert_eq!(step.truncated, t == max_steps, "{id} step {t}");
            assert!(!step.terminated);
        }
    }
    let kw = [("max_steps".to_string(), "3".to_string())];
    let mut env = make("MiniGrid-Empty-8x8-v0", &kw).expect("max_steps kwarg");
    env.reset(None);
    assert!(!env.step(&Value::Int(0)).expect("running").truncated);
    assert!(!env.step(&Value::Int(0)).expect("running").truncated);
    assert!(env.step(&Value::Int(0)).expect("running").truncated);
    let bad = [("agent_view_size".to_string(), "4".to_string())];
    assert!(make("MiniGrid-Empty-8x8-v0", &bad).is_err());
}
