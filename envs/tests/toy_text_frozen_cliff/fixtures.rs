//! The Gymnasium fixtures of FrozenLake and CliffWalking, as written by
//! `fixtures/make_toy_text_fixtures_frozen_cliff.py`.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/toy_text/");

fn load<T: for<'de> Deserialize<'de>>(file: &str) -> T {
    let path = format!("{DIR}{file}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// One outcome of a row: successor and reward (compared exactly).
#[derive(Clone, Copy)]
pub struct Outcome {
    /// The successor state.
    pub next: usize,
    /// The reward paid.
    pub reward: f64,
}

impl Outcome {
    pub fn new(next: usize, reward: f64) -> Self {
        Outcome { next, reward }
    }
}

impl fmt::Debug for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(s'={}, r={})", self.next, self.reward)
    }
}

impl PartialEq for Outcome {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Outcome {}

impl PartialOrd for Outcome {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Outcome {
    fn cmp(&self, other: &Self) -> Ordering {
        self.next
            .cmp(&other.next)
            .then(self.reward.total_cmp(&other.reward))
    }
}

/// `frozen_cliff_models.json`.
#[derive(Debug, Deserialize)]
pub struct ModelFixtures {
    pub gymnasium: String,
    pub configs: Vec<ModelFixture>,
}

impl ModelFixtures {
    pub fn load() -> Self {
        let fixtures: Self = load("frozen_cliff_models.json");
        assert!(
            fixtures.gymnasium.starts_with("1.4"),
            "{}",
            fixtures.gymnasium
        );
        fixtures
    }
}

/// One entry of Gymnasium's `P[s][a]`: `(prob, next, reward, terminated)`.
pub type Entry = (f64, usize, f64, bool);

/// One configuration's table: `p[s][a]` lists Gymnasium's `(prob, next, reward,
/// terminated)` entries in its order, unmerged.
#[derive(Debug, Deserialize)]
pub struct ModelFixture {
    pub name: String,
    pub id: String,
    kwargs: Vec<(String, String)>,
    pub max_episode_steps: Option<usize>,
    pub reward_threshold: Option<f64>,
    pub n_states: usize,
    pub n_actions: usize,
    pub isd: Vec<f64>,
    #[serde(rename = "P")]
    pub p: Vec<Vec<Vec<Entry>>>,
}

impl ModelFixture {
    /// The kwargs for `make`.
    pub fn kwargs(&self) -> Vec<(String, String)> {
        self.kwargs.clone()
    }

    /// The value of one kwarg.
    pub fn kwarg(&self, key: &str) -> Option<&str> {
        self.kwargs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Row (s, a) with equal outcomes merged and impossible ones dropped: `P(s', r | s, a)`.
    pub fn merged(&self, s: usize, a: usize) -> BTreeMap<Outcome, f64> {
        let mut row = BTreeMap::new();
        for &(p, next, reward, _) in &self.p[s][a] {
            if p > 0.0 {
                *row.entry(Outcome::new(next, reward)).or_insert(0.0) += p;
            }
        }
        row
    }
}

/// `frozen_cliff_ansi.json`.
#[derive(Debug, Deserialize)]
pub struct AnsiFixtures {
    pub gymnasium: String,
    pub configs: Vec<AnsiConfig>,
}

impl AnsiFixtures {
    pub fn load() -> Self {
        let fixtures: Self = load("frozen_cliff_ansi.json");
        assert!(
            fixtures.gymnasium.starts_with("1.4"),
            "{}",
            fixtures.gymnasium
        );
        fixtures
    }
}

/// Text renderings of one configuration.
#[derive(Debug, Deserialize)]
pub struct AnsiConfig {
    pub name: String,
    pub id: String,
    pub kwargs: Vec<(String, String)>,
    pub frames: Vec<AnsiFrame>,
}

/// One rendering: after `reset(seed=0)` (no state, no action) or after one step of `action`
/// from `set_state`, with what that step returned.
#[derive(Debug, Deserialize)]
pub struct AnsiFrame {
    pub set_state: Option<usize>,
    pub action: Option<usize>,
    pub obs: usize,
    #[serde(default)]
    pub reward: Option<f64>,
    #[serde(default)]
    pub terminated: Option<bool>,
    #[serde(default)]
    pub truncated: Option<bool>,
    #[serde(default)]
    pub prob: Option<f64>,
    pub ansi: String,
}
