//! `Taxi-v4` in the registry: id, time limit, threshold and kwargs as in Gymnasium.

use std::collections::BTreeMap;

use rewardlab_core::Value;
use rewardlab_envs::toy_text::taxi::{self, EAST, IN_TAXI, PICKUP, SOUTH, TaxiConfig};
use rewardlab_envs::{MakeError, make, spec};

use crate::common::kw;
use crate::fixtures::{MODELS, arr, float, json, kwargs_of, merged_row, st, uint};

#[test]
fn registered_as_gymnasium_with_time_limit_and_threshold() {
    let s = spec("Taxi-v4").expect("registered");
    assert_eq!(s.max_episode_steps, Some(200));
    assert_eq!(s.reward_threshold, Some(8.0));
    let names: Vec<&str> = s.kwargs.iter().map(|k| k.name).collect();
    assert_eq!(
        names,
        [
            "is_rainy",
            "rainy_probability",
            "fickle_passenger",
            "fickle_probability",
            "max_episode_steps"
        ]
    );
    let fixture = json(MODELS);
    for config in arr(&fixture["configs"]) {
        assert_eq!(uint(&config["max_episode_steps"]), 200);
        assert_eq!(float(&config["reward_threshold"]), 8.0);
    }
}

#[test]
fn make_truncates_at_200_steps() -> Result<(), MakeError> {
    for pairs in [
        vec![],
        vec![("is_rainy", "true")],
        vec![("fickle_passenger", "True")],
    ] {
        let mut env = make("Taxi-v4", &kw(&pairs))?;
        env.reset(Some(0));
        // A taxi that only tries an illegal pickup never delivers.
        let fail = Value::Int(PICKUP as i64);
        for t in 1..=200 {
            let step = env.step(&fail).expect("a valid action");
            assert_eq!(step.reward, -10.0);
            assert!(!step.terminated);
            assert_eq!(step.truncated, t == 200, "{pairs:?} step {t}");
        }
    }
    let mut short = make("Taxi-v4", &kw(&[("max_episode_steps", "5")]))?;
    short.reset(Some(0));
    let truncated: Vec<bool> = (0..5)
        .map(|_| short.step(&Value::Int(4)).expect("valid").truncated)
        .collect();
    assert_eq!(truncated, [false, false, false, false, true]);
    Ok(())
}

#[test]
fn make_with_fixture_kwargs_samples_gymnasiums_rows() -> Result<(), MakeError> {
    let fixture = json(MODELS);
    for config in arr(&fixture["configs"]) {
        let kwargs = kwargs_of(config);
        let probs: Vec<f64> = arr(&config["probs"]).iter().map(float).collect();
        let states: Vec<usize> = arr(&config["states"]).iter().map(uint).collect();
        // Passenger aboard at (2, 2), heading for Red: every move has three outcomes.
        let s = st(2, 2, IN_TAXI, 0);
        let i = states.iter().position(|&x| x == s).expect("recorded");
        let mut env = make("Taxi-v4", &kwargs)?;
        env.reset(Some(9));
        for a in [SOUTH, EAST] {
            let gym = merged_row(&arr(&config["P"])[i][a], &probs);
            let draws = 4000;
            let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
            for _ in 0..draws {
                env.set_state(&[s as f64]).expect("valid");
                let step = env.step(&Value::Int(a as i64)).expect("valid");
                let Value::Int(obs) = step.obs else {
                    panic!("a discrete observation");
                };
                *counts.entry(obs as usize).or_default() += 1;
            }
            for ((next, _), (p, _)) in &gym {
                let got = counts.get(next).copied().unwrap_or(0) as f64 / draws as f64;
                assert!(
                    (got - p).abs() < 0.03,
                    "{kwargs:?} ({s}, {a}) -> {next}: {got} vs {p}"
                );
            }
            assert_eq!(counts.len(), gym.len(), "{kwargs:?}: no other successor");
        }
    }
    Ok(())
}

#[test]
fn make_refuses_bad_kwargs() {
    let invalid = |pairs: &[(&str, &str)]| make("Taxi-v4", &kw(pairs)).err();
    for pairs in [
        [("rainy_probability", "1.5")],
        [("fickle_probability", "-0.1")],
        [("rainy_probability", "NaN")],
    ] {
        assert!(
            matches!(
                invalid(&pairs),
                Some(MakeError::InvalidConfig { id: "Taxi-v4", .. })
            ),
            "{pairs:?}"
        );
    }
    for pairs in [[("is_rainy", "maybe")], [("rainy_probability", "high")]] {
        assert!(
            matches!(invalid(&pairs), Some(MakeError::BadKwarg { .. })),
            "{pairs:?}"
        );
    }
    assert!(matches!(
        invalid(&[("render_mode", "ansi")]),
        Some(MakeError::UnknownKwarg { .. })
    ));
    let err = taxi::Taxi::new(TaxiConfig {
        rainy_probability: 2.0,
        ..TaxiConfig::default()
    })
    .expect_err("2 is not a probability");
    assert_eq!(
        err.to_string(),
        "rainy_probability = 2 is not a probability in [0, 1]"
    );
}
