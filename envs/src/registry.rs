//! The environment registry: Gymnasium-style ids, specs, and `make`.
//!
//! [`SPECS`] is one table; each row names an id, its documentation, its registered time
//! limit and accepted kwargs, and an [`Entry`] saying how to construct it. Adding a gridworld
//! map is one row (plus its [`BuiltinMap`] variant and file); later families add an
//! `Entry` variant and a constructor fn.
//!
//! [`make`] follows `gymnasium.make`: it looks the id up, checks the kwargs, builds the env,
//! and wraps it in [`TimeLimit`] with the registered `max_episode_steps` (the kwarg of that
//! name overrides it). Kwargs arrive as strings, as from a command line; each is parsed
//! where it is used and a value that does not parse is an error naming key and value.

use std::str::FromStr;

use rewardlab_core::wrappers::TimeLimit;
use rewardlab_core::{BoxedEnv, Erased};

use crate::gridworld::{BuiltinMap, GridMap, GridWorld, MapError};

/// One keyword argument an env accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KwargSpec {
    /// The key.
    pub name: &'static str,
    /// The default, in words (`"required"` when there is none).
    pub default: &'static str,
    /// What it does.
    pub help: &'static str,
}

/// How a registry row is constructed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// A [`GridWorld`] on a built-in map, or with `None` on the file the `map` kwarg names.
    GridWorld(Option<BuiltinMap>),
}

/// A registered environment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnvSpec {
    /// The id passed to [`make`], `namespace/Name-vN`.
    pub id: &'static str,
    /// One line on what the env is.
    pub description: &'static str,
    /// The registered time limit `make` applies (`None`: no limit).
    pub max_episode_steps: Option<usize>,
    /// Mean return at which the task counts as solved, if one is defined.
    pub reward_threshold: Option<f64>,
    /// Every kwarg `make` accepts for this id.
    pub kwargs: &'static [KwargSpec],
    /// How to construct it.
    pub entry: Entry,
}

const MAX_EPISODE_STEPS: KwargSpec = KwargSpec {
    name: "max_episode_steps",
    default: "the registered limit",
    help: "truncate episodes after this many steps (a positive integer)",
};

const SLIP: KwargSpec = KwargSpec {
    name: "slip",
    default: "the map's value",
    help: "probability in [0, 1] of moving perpendicular (half each side)",
};

const STEP_REWARD: KwargSpec = KwargSpec {
    name: "step_reward",
    default: "the map's value",
    help: "reward for entering a floor cell or bumping a wall",
};

const GOAL_REWARD: KwargSpec = KwargSpec {
    name: "goal_reward",
    default: "the map's value",
    help: "reward for entering a `G` cell (declared goals keep their own)",
};

const LAVA_REWARD: KwargSpec = KwargSpec {
    name: "lava_reward",
    default: "the map's value",
    help: "reward for entering an `L` cell",
};

const CLIFF_REWARD: KwargSpec = KwargSpec {
    name: "cliff_reward",
    default: "the map's value",
    help: "reward for entering an `X` cell (the agent then restarts)",
};

const WIND: KwargSpec = KwargSpec {
    name: "wind",
    default: "the map's value",
    help: "upward push per column: one integer per map column, separated by spaces or by \
           commas (\"0 0 1 2\" or \"0,0,1,2\"); all zeros for no wind",
};

const GAMMA: KwargSpec = KwargSpec {
    name: "gamma",
    default: "the map's value",
    help: "discount of the exported model, in [0, 1]",
};

/// Kwargs of the gridworlds on built-in maps.
const GRID_KWARGS: &[KwargSpec] = &[
    SLIP,
    STEP_REWARD,
    GOAL_REWARD,
    LAVA_REWARD,
    CLIFF_REWARD,
    WIND,
    GAMMA,
    MAX_EPISODE_STEPS,
];

/// Kwargs of `rewardlab/GridWorld-v0`: a map file plus the gridworld kwargs.
const FILE_GRID_KWARGS: &[KwargSpec] = &[
    KwargSpec {
        name: "map",
        default: "required",
        help: "path to a map file (format: see the gridworld module docs)",
    },
    SLIP,
    STEP_REWARD,
    GOAL_REWARD,
    LAVA_REWARD,
    CLIFF_REWARD,
    WIND,
    GAMMA,
    MAX_EPISODE_STEPS,
];

/// Every registered environment.
pub static SPECS: &[EnvSpec] = &[
    EnvSpec {
        id: "rewardlab/CliffWalk-v0",
        description: "Sutton & Barto's 4x12 cliff walk: -1 per step, -100 and back to start for the cliff",
        max_episode_steps: Some(500),
        reward_threshold: Some(-13.0),
        kwargs: GRID_KWARGS,
        entry: Entry::GridWorld(Some(BuiltinMap::CliffWalk)),
    },
    EnvSpec {
        id: "rewardlab/WindyGridworld-v0",
        description: "Sutton & Barto's 7x10 windy gridworld: -1 per step, upward wind per column",
        max_episode_steps: Some(500),
        reward_threshold: Some(-15.0),
        kwargs: GRID_KWARGS,
        entry: Entry::GridWorld(Some(BuiltinMap::Windy)),
    },
    EnvSpec {
        id: "rewardlab/FourRooms-v0",
        description: "Sutton, Precup & Singh's four rooms (11x11 interior): sparse +1 in the far corner",
        max_episode_steps: Some(200),
        reward_threshold: Some(1.0),
        kwargs: GRID_KWARGS,
        entry: Entry::GridWorld(Some(BuiltinMap::FourRooms)),
    },
    EnvSpec {
        id: "rewardlab/Corridor-v0",
        description: "A 1x40 corridor with a sparse +1 at the far end: an exploration test",
        max_episode_steps: Some(200),
        reward_threshold: Some(1.0),
        kwargs: GRID_KWARGS,
        entry: Entry::GridWorld(Some(BuiltinMap::Corridor)),
    },
    EnvSpec {
        id: "rewardlab/Oscillation-v0",
        description: "A room where a naive progress bonus pays more for oscillating than for the goal",
        max_episode_steps: Some(100),
        reward_threshold: Some(1.0),
        kwargs: GRID_KWARGS,
        entry: Entry::GridWorld(Some(BuiltinMap::Oscillation)),
    },
    EnvSpec {
        id: "rewardlab/GridWorld-v0",
        description: "A gridworld from the map file given as the `map` kwarg",
        max_episode_steps: Some(500),
        reward_threshold: None,
        kwargs: FILE_GRID_KWARGS,
        entry: Entry::GridWorld(None),
    },
];

/// Why `make` failed.
#[derive(Debug, thiserror::Error)]
pub enum MakeError {
    /// No such id.
    #[error("unknown environment id {id:?}{}", did_you_mean(.suggestion))]
    UnknownId {
        /// The id asked for.
        id: String,
        /// The closest registered id, if one is close.
        suggestion: Option<&'static str>,
    },
    /// A kwarg the env does not take.
    #[error("{id} does not take the kwarg {key:?}; it accepts: {accepted}")]
    UnknownKwarg {
        /// The env id.
        id: &'static str,
        /// The key given.
        key: String,
        /// The accepted keys, comma-separated.
        accepted: String,
    },
    /// A kwarg given twice.
    #[error("kwarg {key:?} given twice")]
    DuplicateKwarg {
        /// The key.
        key: String,
    },
    /// A kwarg value that does not parse.
    #[error("kwarg {key} = {value:?}: expected {expected}")]
    BadKwarg {
        /// The key.
        key: String,
        /// The value given.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A list-valued kwarg with the wrong number of entries.
    #[error("kwarg {key} = {value:?}: expected {expected} entries ({per}), found {found}")]
    KwargLength {
        /// The key.
        key: String,
        /// The value given.
        value: String,
        /// What one entry stands for.
        per: &'static str,
        /// Entries needed.
        expected: usize,
        /// Entries given.
        found: usize,
    },
    /// A required kwarg is missing.
    #[error("{id} needs the kwarg {key:?}")]
    MissingKwarg {
        /// The env id.
        id: &'static str,
        /// The key.
        key: &'static str,
    },
    /// The map could not be loaded or a parameter is out of range.
    #[error(transparent)]
    Map(#[from] MapError),
}

fn did_you_mean(suggestion: &Option<&'static str>) -> String {
    suggestion.map_or(String::new(), |s| format!("; did you mean {s}?"))
}

/// Every registered spec.
pub fn specs() -> &'static [EnvSpec] {
    SPECS
}

/// The spec of `id`, or [`MakeError::UnknownId`] with the closest id as a suggestion.
pub fn spec(id: &str) -> Result<&'static EnvSpec, MakeError> {
    SPECS
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| MakeError::UnknownId {
            id: id.to_string(),
            suggestion: suggest(id),
        })
}

/// The registered id most similar to `id` (case-insensitive, with or without the namespace),
/// if any is similar enough to be a likely typo.
fn suggest(id: &str) -> Option<&'static str> {
    let want = id.to_lowercase();
    SPECS
        .iter()
        .map(|s| {
            let full = s.id.to_lowercase();
            let bare = full.rsplit('/').next().unwrap_or(&full).to_string();
            let score = strsim::normalized_damerau_levenshtein(&want, &full)
                .max(strsim::normalized_damerau_levenshtein(&want, &bare));
            // A fragment of a name ("windy", "cliff") is a strong hint on its own.
            let fragment = want.len() >= 4 && bare.contains(want.as_str());
            (if fragment { score.max(0.6) } else { score }, s.id)
        })
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, id)| id)
}

/// Creates the env registered as `id`, with string kwargs, wrapped in its time limit.
pub fn make(id: &str, kwargs: &[(String, String)]) -> Result<BoxedEnv, MakeError> {
    let spec = spec(id)?;
    match spec.entry {
        Entry::GridWorld(_) => {
            let (env, limit) = gridworld(spec, kwargs)?;
            Ok(match limit {
                Some(n) => Erased::boxed(TimeLimit::new(env, n)),
                None => Erased::boxed(env),
            })
        }
    }
}

/// Like [`make`] for a gridworld id, keeping the type: planners reach the model through
/// `env.inner()` (`Tabular::mdp`). An id without a registered limit gets `usize::MAX`.
pub fn make_gridworld(
    id: &str,
    kwargs: &[(String, String)],
) -> Result<TimeLimit<GridWorld>, MakeError> {
    let (env, limit) = gridworld(spec(id)?, kwargs)?;
    Ok(TimeLimit::new(env, limit.unwrap_or(usize::MAX)))
}

/// The one construction path of gridworld ids, shared by [`make`] and [`make_gridworld`]:
/// checks the kwargs, builds the env and returns it with its time limit.
fn gridworld(
    spec: &'static EnvSpec,
    kwargs: &[(String, String)],
) -> Result<(GridWorld, Option<usize>), MakeError> {
    let kw = Kwargs::check(spec, kwargs)?;
    let Entry::GridWorld(builtin) = spec.entry;
    let map = match builtin {
        Some(builtin) => builtin.load()?,
        None => GridMap::from_file(kw.raw("map").ok_or(MakeError::MissingKwarg {
            id: spec.id,
            key: "map",
        })?)?,
    };
    let mut params = map.params().clone();
    let unit = "a number in [0, 1]";
    let number = "a finite number";
    if let Some(v) = kw.parse(SLIP.name, unit)? {
        params.slip = v;
    }
    for (kwarg, field) in [
        (STEP_REWARD, &mut params.step_reward),
        (GOAL_REWARD, &mut params.goal_reward),
        (LAVA_REWARD, &mut params.lava_reward),
        (CLIFF_REWARD, &mut params.cliff_reward),
    ] {
        if let Some(v) = kw.parse(kwarg.name, number)? {
            *field = v;
        }
    }
    if let Some(v) = kw.parse(GAMMA.name, unit)? {
        params.gamma = v;
    }
    if let Some(wind) = kw.wind(map.ncols())? {
        params.wind = wind;
    }
    let env = GridWorld::new(map.with_params(params)?)?;
    Ok((env, kw.limit()?))
}

/// The kwargs of one `make` call, checked against the spec's list.
struct Kwargs<'a> {
    spec: &'static EnvSpec,
    pairs: &'a [(String, String)],
}

impl<'a> Kwargs<'a> {
    fn check(spec: &'static EnvSpec, pairs: &'a [(String, String)]) -> Result<Self, MakeError> {
        for (i, (key, _)) in pairs.iter().enumerate() {
            if !spec.kwargs.iter().any(|k| k.name == key) {
                let names: Vec<&str> = spec.kwargs.iter().map(|k| k.name).collect();
                return Err(MakeError::UnknownKwarg {
                    id: spec.id,
                    key: key.clone(),
                    accepted: names.join(", "),
                });
            }
            if pairs[..i].iter().any(|(k, _)| k == key) {
                return Err(MakeError::DuplicateKwarg { key: key.clone() });
            }
        }
        Ok(Kwargs { spec, pairs })
    }

    fn raw(&self, key: &str) -> Option<&'a str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `key` parsed as `T`; `expected` describes it in the error.
    fn parse<T: FromStr>(&self, key: &str, expected: &'static str) -> Result<Option<T>, MakeError> {
        self.raw(key)
            .map(|v| {
                v.trim().parse::<T>().map_err(|_| MakeError::BadKwarg {
                    key: key.to_string(),
                    value: v.to_string(),
                    expected,
                })
            })
            .transpose()
    }

    /// The `wind` kwarg: `ncols` integers separated by commas or, without commas, by
    /// whitespace.
    fn wind(&self, ncols: usize) -> Result<Option<Vec<i64>>, MakeError> {
        let Some(value) = self.raw(WIND.name) else {
            return Ok(None);
        };
        let bad = || MakeError::BadKwarg {
            key: WIND.name.to_string(),
            value: value.to_string(),
            expected: "integers separated by spaces or by commas",
        };
        let entries: Vec<&str> = if value.contains(',') {
            value.split(',').map(str::trim).collect()
        } else {
            value.split_whitespace().collect()
        };
        if entries.iter().all(|e| e.is_empty()) {
            return Err(bad());
        }
        let wind = entries
            .iter()
            .map(|e| e.parse::<i64>().map_err(|_| bad()))
            .collect::<Result<Vec<_>, _>>()?;
        if wind.len() != ncols {
            return Err(MakeError::KwargLength {
                key: WIND.name.to_string(),
                value: value.to_string(),
                per: "one per map column",
                expected: ncols,
                found: wind.len(),
            });
        }
        Ok(Some(wind))
    }

    /// The time limit: the kwarg if given (a positive integer), else the registered one.
    fn limit(&self) -> Result<Option<usize>, MakeError> {
        let expected = "a positive integer";
        match self.parse::<usize>(MAX_EPISODE_STEPS.name, expected)? {
            Some(0) => Err(MakeError::BadKwarg {
                key: MAX_EPISODE_STEPS.name.to_string(),
                value: "0".to_string(),
                expected,
            }),
            Some(n) => Ok(Some(n)),
            None => Ok(self.spec.max_episode_steps),
        }
    }
}
