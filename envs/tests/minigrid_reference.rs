//! Our MiniGrid against MiniGrid 3.2 itself, from the data `tests/fixtures/make_minigrid_reference.py`
//! recorded (MiniGrid is never a dependency; see the script's header to regenerate).
//!
//! - Step for step on the layouts that do not depend on the RNG (DistShift1/2, Empty-16x16 and
//!   Empty-Random-5x5 here; the other Empty ids in `minigrid_empty.rs`): observation (image,
//!   direction, mission), reward (f64 bits), `terminated`, `truncated` and agent position at
//!   every step of seeded random action sequences (`steps-*.json`).
//! - In distribution on the random-layout families: the mean shortest-solution length
//!   ([`solve::shortest_solution`]) over 1000 of our layouts agrees with the mean over 1000 of
//!   MiniGrid's layouts (solved by the same search, summarised in `shortest_solutions.json`)
//!   within 3 standard errors, and so does the share of unsolvable layouts.
//!
//! Every id of the fixtures must be registered: an unknown id fails the test, nothing is
//! skipped.

use std::path::PathBuf;

use rewardlab_core::{Env, Erased, SpaceElem, Value};
use rewardlab_envs::minigrid::{self, AnyMiniGrid, solve};
use rewardlab_envs::registry::{self, MakeError};
use serde::Deserialize;

/// Our layouts per family.
const OUR_SEEDS: u64 = 1000;

/// States one search may visit (far above what the representative ids need).
const MAX_STATES: usize = 2_000_000;

/// Ids that must have a summary row in `shortest_solutions.json` (or a step fixture).
const REQUIRED: &[&str] = &[
    "MiniGrid-Empty-16x16-v0",
    "MiniGrid-Empty-Random-5x5-v0",
    "MiniGrid-Empty-Random-6x6-v0",
    "MiniGrid-FourRooms-v0",
    "MiniGrid-DoorKey-8x8-v0",
];

fn fixture(name: &str) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests",
        "fixtures",
        "minigrid",
        name,
    ]
    .iter()
    .collect();
    std::fs::read_to_string(&path).expect("fixture file is committed")
}

/// Fails the test unless `id` is registered: every family of the fixtures exists, so no
/// comparison may pass by skipping one.
fn assert_registered(id: &str, what: &str) {
    match registry::spec(id) {
        Ok(_) => {}
        Err(MakeError::UnknownId { .. }) => panic!("{what}: {id} is not registered"),
        Err(e) => panic!("{what}: {id}: {e}"),
    }
}

#[derive(Debug, Deserialize)]
struct StepFixture {
    env_id: String,
    assign_start: bool,
    episodes: Vec<Episode>,
}

#[derive(Debug, Deserialize)]
struct Episode {
    start: Start,
    steps: Vec<Record>,
}

/// `[action, image, direction, reward repr, terminated, truncated, x, y]`.
#[derive(Debug, Deserialize)]
struct Record(i64, String, i64, String, bool, bool, usize, usize);

#[derive(Debug, Deserialize)]
struct Start {
    agent_pos: [usize; 2],
    agent_dir: u8,
    image: String,
    direction: i64,
    mission: String,
}

fn expected_obs(image: &str, direction: i64, mission: &str) -> Value {
    Value::Dict(vec![
        (
            "image".to_string(),
            Value::U8(solve::decode_digits(image).expect("digit string")),
        ),
        ("direction".to_string(), Value::Int(direction)),
        ("mission".to_string(), Value::Text(mission.to_string())),
    ])
}

fn agent(pos: (usize, usize), dir: i64) -> Value {
    Value::Dict(vec![
        (
            "agent_pos".to_string(),
            Value::Ints(vec![pos.0 as i64, pos.1 as i64]),
        ),
        ("agent_dir".to_string(), Value::Int(dir)),
    ])
}

/// Replays `steps-<name>.json` on our env of the same id; returns the steps replayed.
fn replay(name: &str) -> usize {
    let fx: StepFixture =
        serde_json::from_str(&fixture(&format!("steps-{name}.json"))).expect("fixture parses");
    assert_registered(&fx.env_id, "the step-exact replay");
    let mut env = Erased::boxed(minigrid::make(&fx.env_id, &[]).expect("registered id"));
    let mut steps = 0;
    for (e, ep) in fx.episodes.iter().enumerate() {
        let (mut obs, _) = env.reset(Some(e as u64));
        let s = &ep.start;
        if fx.assign_start {
            let inner = env
                .erased_inner_mut()
                .and_then(|any| any.downcast_mut::<minigrid::BoxedMiniGrid>())
                .expect("the erased env is the typed MiniGrid env");
            let typed = inner
                .set_agent((s.agent_pos[0], s.agent_pos[1]), s.agent_dir)
                .expect("the recorded start is a free cell");
            obs = typed.into_value();
        }
        let start_pos = (s.agent_pos[0], s.agent_pos[1]);
        assert_eq!(
            env.state(),
            Some(agent(start_pos, i64::from(s.agent_dir))),
            "{name} episode {e}: start"
        );
        assert_eq!(
            obs,
            expected_obs(&s.image, s.direction, &s.mission),
            "{name} episode {e}: start observation"
        );
        for (t, Record(action, image, dir, reward, terminated, truncated, x, y)) in
            ep.steps.iter().enumerate()
        {
            let at = format!("{name} episode {e} step {t} (action {action})");
            let step = env
                .step(&Value::Int(*action))
                .unwrap_or_else(|err| panic!("{at}: {err}"));
            let reward: f64 = reward.parse().expect("reward repr parses");
            assert_eq!(step.reward.to_bits(), reward.to_bits(), "{at}: reward");
            assert_eq!(step.terminated, *terminated, "{at}: terminated");
            assert_eq!(step.truncated, *truncated, "{at}: truncated");
            assert_eq!(
                step.obs,
                expected_obs(image, *dir, &s.mission),
                "{at}: observation"
            );
            assert_eq!(env.state(), Some(agent((*x, *y), *dir)), "{at}: agent");
            steps += 1;
        }
    }
    steps
}

/// Replays `steps-<name>.json` and fails unless enough steps were compared.
fn assert_replays(name: &str) {
    let steps = replay(name);
    assert!(steps >= 150, "{name}: only {steps} steps replayed");
}

#[test]
fn dist_shift_1_matches_minigrid_at_every_step() {
    assert_replays("DistShift1");
}

#[test]
fn dist_shift_2_matches_minigrid_at_every_step() {
    assert_replays("DistShift2");
}

#[test]
fn empty_16x16_matches_minigrid_at_every_step() {
    assert_replays("Empty-16x16");
}

#[test]
fn empty_random_5x5_matches_minigrid_from_the_recorded_starts() {
    assert_replays("Empty-Random-5x5");
}

#[derive(Debug, Deserialize)]
struct Summary {
    rows: Vec<Row>,
}

#[derive(Debug, Deserialize)]
struct Row {
    id: String,
    task: String,
    seeds: usize,
    n: usize,
    unsolved: usize,
    mean: f64,
    sd: f64,
}

/// Shortest-solution lengths of our layouts of `id` for seeds `0..OUR_SEEDS`, on every core.
fn our_lengths(id: &str) -> Vec<Option<usize>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|k| {
                scope.spawn(move || {
                    let mut env = minigrid::make(id, &[]).expect("registered id");
                    let n_actions = env.engine_config().n_actions;
                    (k..OUR_SEEDS)
                        .step_by(threads as usize)
                        .map(|seed| {
                            env.reset(Some(seed));
                            solve::shortest_solution(env.world(), n_actions, MAX_STATES)
                                .unwrap_or_else(|e| panic!("{id} seed {seed}: {e}"))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("solver thread"))
            .collect()
    })
}

#[test]
fn shortest_solution_lengths_match_minigrids_per_family() {
    let summary: Summary =
        serde_json::from_str(&fixture("shortest_solutions.json")).expect("summary parses");
    let mut compared = Vec::new();
    let mut failures = Vec::new();
    for row in &summary.rows {
        assert!(
            row.seeds >= 1000 && row.n + row.unsolved == row.seeds,
            "{row:?}"
        );
        assert_registered(&row.id, "the shortest-solution comparison");
        let theirs = solve::LengthStats {
            n: row.n,
            unsolved: row.unsolved,
            mean: row.mean,
            sd: row.sd,
        };
        let ours = solve::LengthStats::of(&our_lengths(&row.id));
        let (gap, bound) = ours.mean_gap(&theirs);
        // The share of unsolvable layouts, a two-proportion test (pooled), with a floor of
        // one layout for the families where neither side has any.
        let (n1, n2) = ((ours.n + ours.unsolved) as f64, row.seeds as f64);
        let (p1, p2) = (ours.unsolved as f64 / n1, row.unsolved as f64 / n2);
        let pooled = (ours.unsolved + row.unsolved) as f64 / (n1 + n2);
        let p_bound =
            (3.0 * (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt()).max(1.0 / n1.min(n2));
        eprintln!(
            "{:<42} {:<14} ours {:7.3} ± {:.3} (unsolved {:>3})  MiniGrid {:7.3} ± {:.3} \
             (unsolved {:>3})  |diff| {:.3} ≤ {:.3}",
            row.id,
            row.task,
            ours.mean,
            ours.se(),
            ours.unsolved,
            theirs.mean,
            theirs.se(),
            theirs.unsolved,
            gap,
            bound
        );
        if gap > bound || (p1 - p2).abs() > p_bound {
            failures.push(format!(
                "{}: ours mean {:.3} (unsolved {}), MiniGrid's {:.3} (unsolved {}); \
                 |diff| {gap:.3} > {bound:.3} or unsolved shares differ",
                row.id, ours.mean, ours.unsolved, theirs.mean, theirs.unsolved
            ));
        }
        compared.push(row.id.as_str());
    }
    for id in REQUIRED
        .iter()
        .filter(|id| !id.contains("Empty-16") && !id.contains("5x5"))
    {
        assert!(compared.contains(id), "{id} has no summary row");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
