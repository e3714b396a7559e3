//! FrozenLake-v1 and CliffWalking-v1 against Gymnasium 1.4: the exported models equal
//! Gymnasium's `P` tables and initial distributions, stepping draws from exactly those
//! outcomes with their frequencies, the ansi text matches character for character, and the
//! registry applies Gymnasium's kwargs and time limits.
//!
//! Fixtures come from `fixtures/make_toy_text_fixtures_frozen_cliff.py` (Gymnasium in a
//! virtual environment, never a dependency).

mod common;
#[path = "toy_text_frozen_cliff/episodes_and_frames.rs"]
mod episodes_and_frames;
#[path = "toy_text_frozen_cliff/fixtures.rs"]
mod fixtures;
#[path = "toy_text_frozen_cliff/kwargs.rs"]
mod kwargs;
#[path = "toy_text_frozen_cliff/random_maps.rs"]
mod random_maps;

use std::collections::BTreeMap;

use fixtures::{AnsiFixtures, ModelFixture, ModelFixtures, Outcome};
use rewardlab_core::mdp::Mdp;
use rewardlab_core::tabular::Tabular;
use rewardlab_core::{BoxedEnv, Env, EnvError, Erased, Value};
use rewardlab_envs::registry::{Kwargs, MakeError, make, spec};
use rewardlab_envs::toy_text::cliff_walking::{self, CliffWalking, CliffWalkingConfig};
use rewardlab_envs::toy_text::frozen_lake::{
    self, FrozenLake, FrozenLakeConfig, LakeSource, MapName, split_desc,
};

/// The typed env a model fixture describes, built from configs (not from kwargs), so the
/// typed API is checked against Gymnasium independently of the registry.
fn typed_model(fixture: &ModelFixture) -> Mdp {
    let lake = |config: FrozenLakeConfig| {
        FrozenLake::new(&config)
            .expect("fixture configs are valid")
            .mdp()
            .clone()
    };
    let cliff = |is_slippery| {
        CliffWalking::new(CliffWalkingConfig { is_slippery })
            .mdp()
            .clone()
    };
    let slippery = FrozenLakeConfig::default();
    let plain = FrozenLakeConfig {
        is_slippery: false,
        ..FrozenLakeConfig::default()
    };
    let large = LakeSource::Named(MapName::EightByEight);
    match fixture.name.as_str() {
        "frozen_4x4_slippery" => lake(slippery),
        "frozen_4x4" => lake(plain),
        "frozen_8x8_slippery" => lake(FrozenLakeConfig {
            map: large,
            ..slippery
        }),
        "frozen_8x8" => lake(FrozenLakeConfig {
            map: large,
            ..plain
        }),
        "frozen_custom_slippery" => lake(FrozenLakeConfig {
            map: LakeSource::Desc(split_desc(fixture.kwarg("desc").expect("a desc"))),
            ..slippery
        }),
        "frozen_4x4_success_rewards" => lake(FrozenLakeConfig {
            success_rate: 0.75,
            reward_schedule: [5.0, -1.0, -0.1],
            ..slippery
        }),
        "cliff" => cliff(false),
        "cliff_slippery" | "cliff_slippery_id" => cliff(true),
        other => panic!("no typed config for fixture {other}: add one"),
    }
}

/// States whose Gymnasium row we knowingly replace by the absorbing row of a terminal state:
/// CliffWalking's goal, whose Gymnasium row moves on like any cell's although no episode
/// ever steps from it.
fn replaced_rows(fixture: &ModelFixture) -> &'static [usize] {
    if fixture.id.starts_with("CliffWalking") {
        &[cliff_walking::GOAL]
    } else {
        &[]
    }
}

/// The merged outcomes of a model row, keyed like [`ModelFixture::merged`].
fn model_row(mdp: &Mdp, s: usize, a: usize) -> BTreeMap<Outcome, f64> {
    let mut row = BTreeMap::new();
    for t in mdp.successors(s, a) {
        *row.entry(Outcome::new(t.next, t.reward)).or_insert(0.0) += t.prob;
    }
    row
}

fn assert_same_distribution(got: &BTreeMap<Outcome, f64>, want: &BTreeMap<Outcome, f64>, at: &str) {
    let keys = |m: &BTreeMap<Outcome, f64>| m.keys().copied().collect::<Vec<_>>();
    assert_eq!(keys(got), keys(want), "{at}: outcomes differ");
    for (outcome, p) in want {
        assert!(
            (got[outcome] - p).abs() < 1e-12,
            "{at} {outcome:?}: {} vs {p}",
            got[outcome]
        );
    }
}

#[test]
fn exported_models_equal_gymnasiums_tables() {
    let fixtures = ModelFixtures::load();
    assert!(fixtures.configs.len() >= 9);
    for fixture in &fixtures.configs {
        let mdp = typed_model(fixture);
        let name = &fixture.name;
        assert_eq!(
            (mdp.n_states(), mdp.n_actions()),
            (fixture.n_states, fixture.n_actions)
        );
        assert_eq!(
            mdp.initial().to_vec(),
            fixture.isd,
            "{name}: initial distribution"
        );
        let replaced = replaced_rows(fixture);
        for s in 0..fixture.n_states {
            for a in 0..fixture.n_actions {
                let at = format!("{name} (s={s}, a={a})");
                if replaced.contains(&s) {
                    assert!(mdp.is_terminal(s), "{at}");
                    assert_eq!(
                        model_row(&mdp, s, a),
                        BTreeMap::from([(Outcome::new(s, 0.0), 1.0)])
                    );
                    continue;
                }
                assert_same_distribution(&model_row(&mdp, s, a), &fixture.merged(s, a), &at);
                // Gymnasium's flag says whether the outcome ends the episode; ours is whether
                // the successor is terminal.
                for entry in &fixture.p[s][a] {
                    assert_eq!(
                        entry.3,
                        mdp.is_terminal(entry.1),
                        "{at}: terminated of {entry:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn registry_kwargs_give_gymnasiums_limits_and_thresholds() -> Result<(), MakeError> {
    for fixture in &ModelFixtures::load().configs {
        let spec = spec(&fixture.id)?;
        let kwargs = fixture.kwargs();
        assert_eq!(
            Kwargs::check(spec, &kwargs)?.limit()?,
            fixture.max_episode_steps,
            "{}",
            fixture.name
        );
        assert_eq!(
            spec.reward_threshold, fixture.reward_threshold,
            "{}",
            fixture.name
        );
        let env = make(&fixture.id, &kwargs)?;
        assert_eq!(env.observation_space().discrete_n(), Some(fixture.n_states));
    }
    Ok(())
}

/// Steps `env` `draws` times from every (s, a) placed with `set_state` and checks each step
/// against `expected(s, a)`: every outcome drawn is one of the row's, with its exact reward,
/// its `terminated` flag and `info["prob"]`; frequencies are within 4.5 standard deviations
/// (plus 0.002) of the probabilities; every outcome of probability ≥ 0.05 is drawn.
fn check_sampling(
    env: &mut BoxedEnv,
    n_states: usize,
    draws: usize,
    expected: impl Fn(usize, usize) -> BTreeMap<Outcome, (f64, bool)>,
    name: &str,
) {
    env.reset(Some(17));
    for s in 0..n_states {
        for a in 0..4 {
            let want = expected(s, a);
            let n = if want.len() == 1 { 20 } else { draws };
            let mut counts: BTreeMap<Outcome, usize> = BTreeMap::new();
            for _ in 0..n {
                env.set_state(&[s as f64]).expect("every tile can be set");
                let step = env.step(&Value::Int(a as i64)).expect("a valid step");
                let Value::Int(next) = step.obs else {
                    panic!("{name}: observation {:?}", step.obs)
                };
                let outcome = Outcome::new(next as usize, step.reward);
                let Some(&(p, terminated)) = want.get(&outcome) else {
                    panic!("{name} (s={s}, a={a}): drew {outcome:?}, not in {want:?}")
                };
                assert_eq!(
                    step.terminated, terminated,
                    "{name} (s={s}, a={a}) {outcome:?}"
                );
                assert!(!step.truncated);
                let Some(Value::Float(prob)) = step.info.get("prob") else {
                    panic!("{name}: info {:?}", step.info)
                };
                assert!(
                    (prob - p).abs() < 1e-12,
                    "{name} (s={s}, a={a}): prob {prob} vs {p}"
                );
                *counts.entry(outcome).or_insert(0) += 1;
            }
            for (outcome, &(p, _)) in &want {
                let freq = counts.get(outcome).copied().unwrap_or(0) as f64 / n as f64;
                let bound = 4.5 * (p * (1.0 - p) / n as f64).sqrt() + 0.002;
                assert!(
                    (freq - p).abs() <= bound,
                    "{name} (s={s}, a={a}) {outcome:?}: {freq} vs {p}"
                );
                if p >= 0.05 {
                    assert!(freq > 0.0, "{name} (s={s}, a={a}): {outcome:?} never drawn");
                }
            }
        }
    }
}

#[test]
fn stepping_draws_gymnasiums_outcomes_with_their_frequencies() -> Result<(), MakeError> {
    for fixture in &ModelFixtures::load().configs {
        // A limit no test reaches: set_state continues a running episode's step count.
        let mut kwargs = fixture.kwargs();
        kwargs.push(("max_episode_steps".into(), "1000000000".into()));
        let mut env = make(&fixture.id, &kwargs)?;
        let replaced = replaced_rows(fixture);
        let expected = |s: usize, a: usize| {
            if replaced.contains(&s) {
                // The terminal goal: stay, reward 0, terminated.
                return BTreeMap::from([(Outcome::new(s, 0.0), (1.0, true))]);
            }
            let flags: BTreeMap<Outcome, bool> = fixture.p[s][a]
                .iter()
                .map(|e| (Outcome::new(e.1, e.2), e.3))
                .collect();
            fixture
                .merged(s, a)
                .into_iter()
                .map(|(o, p)| (o, (p, flags[&o])))
                .collect()
        };
        check_sampling(&mut env, fixture.n_states, 4000, expected, &fixture.name);
    }
    Ok(())
}

#[test]
fn stepping_a_random_lake_samples_its_own_model() {
    let config = FrozenLakeConfig {
        map: LakeSource::Random(frozen_lake::RandomMap {
            size: 6,
            p: 0.7,
            seed: 11,
        }),
        success_rate: 0.6,
        reward_schedule: [2.0, -1.0, -0.05],
        ..FrozenLakeConfig::default()
    };
    let lake = FrozenLake::new(&config).expect("valid");
    let mdp = lake.mdp().clone();
    let mut env: BoxedEnv = Erased::boxed(lake);
    let expected = |s: usize, a: usize| {
        mdp.successors(s, a)
            .map(|t| {
                (
                    Outcome::new(t.next, t.reward),
                    (t.prob, mdp.is_terminal(t.next)),
                )
            })
            .collect()
    };
    check_sampling(&mut env, 36, 3000, expected, "random 6x6");
}

#[test]
fn ansi_text_equals_gymnasiums() -> Result<(), MakeError> {
    let fixtures = AnsiFixtures::load();
    assert_eq!(fixtures.configs.len(), 4);
    for config in &fixtures.configs {
        let mut env = make(&config.id, &config.kwargs)?;
        assert_eq!(
            env.render_ansi(),
            Err(EnvError::ResetNeeded),
            "{}",
            config.name
        );
        for (i, frame) in config.frames.iter().enumerate() {
            let at = format!("{} frame {i}", config.name);
            let obs = match (frame.set_state, frame.action) {
                (Some(s), Some(a)) => {
                    env.reset(Some(0));
                    env.set_state(&[s as f64]).expect("a valid state");
                    let step = env.step(&Value::Int(a as i64)).expect("a valid step");
                    assert_eq!(Some(step.reward), frame.reward, "{at}");
                    assert_eq!(Some(step.terminated), frame.terminated, "{at}");
                    assert_eq!(Some(step.truncated), frame.truncated, "{at}");
                    assert_eq!(
                        step.info.get("prob"),
                        frame.prob.map(Value::Float).as_ref(),
                        "{at}"
                    );
                    step.obs
                }
                _ => {
                    let (obs, info) = env.reset(Some(0));
                    assert_eq!(info.get("prob"), Some(&Value::Float(1.0)), "{at}");
                    obs
                }
            };
            assert_eq!(obs, Value::Int(frame.obs as i64), "{at}");
            assert_eq!(env.render_ansi().expect("reset"), frame.ansi, "{at}");
        }
    }
    Ok(())
}
