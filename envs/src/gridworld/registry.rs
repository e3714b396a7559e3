//! The gridworld rows of the registry and their constructor from kwargs.

use super::{BuiltinMap, GridMap, GridWorld};
use crate::registry::{Entry, EnvSpec, KwargSpec, Kwargs, MAX_EPISODE_STEPS, MakeError};

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

/// The gridworld rows.
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

/// The one construction path of gridworld ids, shared by `make` and `make_gridworld`: the
/// map (built in, or the file the `map` kwarg names) with the kwargs' overrides.
pub(crate) fn from_kwargs(
    builtin: Option<BuiltinMap>,
    kw: &Kwargs<'_>,
) -> Result<GridWorld, MakeError> {
    let map = match builtin {
        Some(builtin) => builtin.load()?,
        None => GridMap::from_file(kw.raw("map").ok_or(MakeError::MissingKwarg {
            id: kw.spec().id,
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
    if let Some(wind) = wind(kw, map.ncols())? {
        params.wind = wind;
    }
    Ok(GridWorld::new(map.with_params(params)?)?)
}

/// The `wind` kwarg: `ncols` integers separated by commas or, without commas, by whitespace.
fn wind(kw: &Kwargs<'_>, ncols: usize) -> Result<Option<Vec<i64>>, MakeError> {
    let Some(value) = kw.raw(WIND.name) else {
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
