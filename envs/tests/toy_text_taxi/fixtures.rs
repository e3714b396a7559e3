//! Reading the Taxi fixtures, and the helpers the Taxi tests share: outcome rows in one
//! comparable form (Gymnasium's and ours) and the info entries.

use std::collections::BTreeMap;

use rewardlab_core::tabular::Tabular;
use rewardlab_core::{Info, Value};
use rewardlab_envs::toy_text::taxi::{Taxi, TaxiConfig, encode};
use serde_json::Value as Json;

pub const MODELS: &str = include_str!("../fixtures/toy_text/taxi_models.json");
pub const TEXT: &str = include_str!("../fixtures/toy_text/taxi_text.json");

pub fn json(text: &str) -> Json {
    serde_json::from_str(text).expect("the fixture is valid JSON")
}

pub fn uint(v: &Json) -> usize {
    v.as_u64().expect("a non-negative integer") as usize
}

pub fn float(v: &Json) -> f64 {
    v.as_f64().expect("a number")
}

pub fn arr(v: &Json) -> &Vec<Json> {
    v.as_array().expect("an array")
}

/// The fixture's kwargs as `make` takes them.
pub fn kwargs_of(config: &Json) -> Vec<(String, String)> {
    arr(&config["kwargs"])
        .iter()
        .map(|kv| {
            let kv = arr(kv);
            let s = |v: &Json| v.as_str().expect("a string").to_string();
            (s(&kv[0]), s(&kv[1]))
        })
        .collect()
}

/// The typed config the same kwargs describe.
pub fn config_of(kwargs: &[(String, String)]) -> TaxiConfig {
    let mut config = TaxiConfig::default();
    for (k, v) in kwargs {
        match k.as_str() {
            "is_rainy" => config.is_rainy = v == "true",
            "rainy_probability" => config.rainy_probability = v.parse().expect("a number"),
            other => panic!("the fixture uses an unexpected kwarg {other}"),
        }
    }
    config
}

pub fn taxi(config: TaxiConfig) -> Taxi {
    Taxi::new(config).expect("a valid config")
}

pub fn st(taxi_row: usize, taxi_col: usize, pass_loc: usize, dest_idx: usize) -> usize {
    encode(taxi_row, taxi_col, pass_loc, dest_idx).expect("a state in range")
}

/// One Gymnasium outcome after merging: (next, reward) -> (probability, terminated).
pub type Merged = BTreeMap<(usize, i64), (f64, bool)>;

/// Gymnasium's row `P[s][a]` with equal (next, reward) outcomes merged, probabilities summed
/// in Gymnasium's order; the terminated flags of merged entries must agree.
pub fn merged_row(row: &Json, probs: &[f64]) -> Merged {
    let mut out = Merged::new();
    for e in arr(row) {
        let e = arr(e);
        let (p, next, reward, t) = (probs[uint(&e[0])], uint(&e[1]), e[2].as_i64(), uint(&e[3]));
        let key = (next, reward.expect("an integer reward"));
        let entry = out.entry(key).or_insert((0.0, t == 1));
        assert_eq!(entry.1, t == 1, "one outcome with two terminated flags");
        entry.0 += p;
    }
    out.retain(|_, (p, _)| *p > 0.0);
    out
}

/// Our model's row in the same form, terminated meaning "enters a terminal state".
pub fn model_row(env: &Taxi, s: usize, a: usize) -> Merged {
    let mdp = env.mdp();
    mdp.successors(s, a)
        .map(|t| {
            let key = (t.next, t.reward as i64);
            assert_eq!(key.1 as f64, t.reward, "Taxi rewards are integers");
            (key, (t.prob, mdp.is_terminal(t.next)))
        })
        .collect()
}

pub fn assert_rows_equal(ours: &Merged, gym: &Merged, context: &str) {
    let keys = |m: &Merged| m.keys().copied().collect::<Vec<_>>();
    assert_eq!(keys(ours), keys(gym), "{context}: outcomes differ");
    for (key, (p, t)) in ours {
        let (gp, gt) = gym[key];
        assert!((p - gp).abs() < 1e-12, "{context} {key:?}: p {p} vs {gp}");
        assert_eq!(*t, gt, "{context} {key:?}: terminated flag");
    }
}

pub fn info_prob(info: &Info) -> f64 {
    info.get("prob")
        .and_then(Value::as_f64)
        .expect("info has a numeric prob")
}

pub fn info_mask(info: &Info) -> Vec<u8> {
    match info.get("action_mask") {
        Some(Value::Binary(m)) => m.clone(),
        other => panic!("info action_mask is not Binary: {other:?}"),
    }
}

pub fn gym_masks() -> Vec<Vec<u8>> {
    arr(&json(TEXT)["action_masks"])
        .iter()
        .map(|m| {
            m.as_str()
                .expect("a string")
                .bytes()
                .map(|b| b - b'0')
                .collect()
        })
        .collect()
}
