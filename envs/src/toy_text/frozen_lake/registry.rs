//! FrozenLake's registry rows, `FrozenLake-v1` and `FrozenLake8x8-v1` as Gymnasium registers
//! them, and their construction from string kwargs.

use rewardlab_core::BoxedEnv;

use super::{FrozenLake, FrozenLakeConfig, LakeSource, MapName, RandomMap, split_desc};
use crate::registry::{Entry, EnvSpec, KwargSpec, Kwargs, MAX_EPISODE_STEPS, MakeError};

const DESC: KwargSpec = KwargSpec {
    name: "desc",
    default: "none (use map_name)",
    help: "a custom map, rows of S/F/H/G separated by commas (SFFF,FHFH,FFFH,HFFG): \
           rectangular, exactly one S, at least one G, at most 1024 rows and columns",
};

const IS_SLIPPERY: KwargSpec = KwargSpec {
    name: "is_slippery",
    default: "true",
    help: "whether moves may slip to either side (true/false)",
};

const SUCCESS_RATE: KwargSpec = KwargSpec {
    name: "success_rate",
    default: "1/3",
    help: "probability in [0, 1] that a slippery move goes where intended; each side gets half the rest",
};

const REWARD_SCHEDULE: KwargSpec = KwargSpec {
    name: "reward_schedule",
    default: "1,0,0",
    help: "rewards for entering a goal, a hole and a frozen tile, as goal,hole,frozen",
};

const SIZE: KwargSpec = KwargSpec {
    name: "size",
    default: "8 (random maps only)",
    help: "side of a random map, from 2 to 1024; asks for a random map",
};

const P: KwargSpec = KwargSpec {
    name: "p",
    default: "0.8 (random maps only)",
    help: "probability in (0, 1] that a tile of a random map is frozen; asks for a random map",
};

const MAP_SEED: KwargSpec = KwargSpec {
    name: "map_seed",
    default: "0 (random maps only)",
    help: "seed of the random map generator; asks for a random map",
};

const fn map_name(default: &'static str) -> KwargSpec {
    KwargSpec {
        name: "map_name",
        default,
        help: "a built-in map, 4x4 or 8x8; None for a random map (see size, p, map_seed)",
    }
}

/// The kwargs of both ids, which differ only in `map_name`'s default.
const fn kwargs(default_map: &'static str) -> [KwargSpec; 9] {
    [
        map_name(default_map),
        DESC,
        IS_SLIPPERY,
        SUCCESS_RATE,
        REWARD_SCHEDULE,
        SIZE,
        P,
        MAP_SEED,
        MAX_EPISODE_STEPS,
    ]
}

const KWARGS_4X4: &[KwargSpec] = &kwargs("4x4");

const KWARGS_8X8: &[KwargSpec] = &kwargs("8x8");

/// `FrozenLake-v1`: the 4x4 lake by default, a 100-step limit whatever the map (as in
/// Gymnasium, where `map_name="8x8"` keeps this id's limit).
pub const FROZEN_LAKE_V1: EnvSpec = EnvSpec {
    id: "FrozenLake-v1",
    description: "Gymnasium's FrozenLake: cross slippery ice from S to G without falling into a hole",
    max_episode_steps: Some(100),
    reward_threshold: Some(0.70),
    kwargs: KWARGS_4X4,
    entry: Entry::Builder(build_4x4),
};

/// `FrozenLake8x8-v1`: the 8x8 lake by default, a 200-step limit.
pub const FROZEN_LAKE_8X8_V1: EnvSpec = EnvSpec {
    id: "FrozenLake8x8-v1",
    description: "Gymnasium's FrozenLake on the 8x8 map, with a 200-step limit",
    max_episode_steps: Some(200),
    reward_threshold: Some(0.85),
    kwargs: KWARGS_8X8,
    entry: Entry::Builder(build_8x8),
};

fn build_4x4(kw: &Kwargs<'_>) -> Result<BoxedEnv, MakeError> {
    build(kw, MapName::FourByFour)
}

fn build_8x8(kw: &Kwargs<'_>) -> Result<BoxedEnv, MakeError> {
    build(kw, MapName::EightByEight)
}

fn build(kw: &Kwargs<'_>, default_map: MapName) -> Result<BoxedEnv, MakeError> {
    let config = config_from_kwargs(kw, default_map)?;
    let env = FrozenLake::new(&config).map_err(|e| MakeError::InvalidConfig {
        id: kw.spec().id,
        reason: e.to_string(),
    })?;
    kw.finish(env)
}

fn config_from_kwargs(
    kw: &Kwargs<'_>,
    default_map: MapName,
) -> Result<FrozenLakeConfig, MakeError> {
    let invalid = |reason: &str| MakeError::InvalidConfig {
        id: kw.spec().id,
        reason: reason.to_string(),
    };
    let mut config = FrozenLakeConfig::default();
    if let Some(v) = kw.flag(IS_SLIPPERY.name)? {
        config.is_slippery = v;
    }
    if let Some(v) = kw.parse(SUCCESS_RATE.name, "a number in [0, 1]")? {
        config.success_rate = v;
    }
    if let Some(v) = reward_schedule(kw)? {
        config.reward_schedule = v;
    }

    let random = RandomMap::default();
    let size = kw.parse(SIZE.name, "an integer from 2 to 1024")?;
    let p = kw.parse(P.name, "a number in (0, 1]")?;
    let seed = kw.parse(MAP_SEED.name, "a non-negative integer")?;
    let wants_random = size.is_some() || p.is_some() || seed.is_some();
    let random = RandomMap {
        size: size.unwrap_or(random.size),
        p: p.unwrap_or(random.p),
        seed: seed.unwrap_or(random.seed),
    };
    // `Some(None)`: Gymnasium's `map_name=None`, a random map.
    let name: Option<Option<MapName>> = kw
        .raw("map_name")
        .map(|v| match v.trim() {
            "None" | "none" => Ok(None),
            other => other.parse().map(Some).map_err(|_| MakeError::BadKwarg {
                key: "map_name".to_string(),
                value: v.to_string(),
                expected: "4x4, 8x8 or None",
            }),
        })
        .transpose()?;
    config.map = match (kw.raw(DESC.name), name) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                "desc and map_name both choose the map: give one of them",
            ));
        }
        (Some(_), None) if wants_random => {
            return Err(invalid(
                "size, p and map_seed ask for a random map and cannot be combined with desc",
            ));
        }
        (Some(desc), None) => LakeSource::Desc(split_desc(desc)),
        (None, Some(Some(_))) if wants_random => {
            return Err(invalid(
                "size, p and map_seed ask for a random map and cannot be combined with a \
                 named map (use map_name=None or leave map_name out)",
            ));
        }
        (None, Some(Some(name))) => LakeSource::Named(name),
        (None, Some(None)) => LakeSource::Random(random),
        (None, None) if wants_random => LakeSource::Random(random),
        (None, None) => LakeSource::Named(default_map),
    };
    Ok(config)
}

/// `reward_schedule`: three numbers separated by commas, optionally in parentheses or
/// brackets as Python prints a tuple or list.
fn reward_schedule(kw: &Kwargs<'_>) -> Result<Option<[f64; 3]>, MakeError> {
    let Some(value) = kw.raw(REWARD_SCHEDULE.name) else {
        return Ok(None);
    };
    let bad = || MakeError::BadKwarg {
        key: REWARD_SCHEDULE.name.to_string(),
        value: value.to_string(),
        expected: "three numbers goal,hole,frozen",
    };
    let trimmed = value.trim();
    let inner = [('(', ')'), ('[', ']')]
        .iter()
        .find_map(|(open, close)| {
            trimmed
                .strip_prefix(*open)
                .and_then(|s| s.strip_suffix(*close))
        })
        .unwrap_or(trimmed);
    let numbers = inner
        .split(',')
        .map(|x| x.trim().parse::<f64>().map_err(|_| bad()))
        .collect::<Result<Vec<f64>, _>>()?;
    <[f64; 3]>::try_from(numbers.as_slice())
        .map(Some)
        .map_err(|_| MakeError::KwargLength {
            key: REWARD_SCHEDULE.name.to_string(),
            value: value.to_string(),
            per: "goal, hole, frozen",
            expected: 3,
            found: numbers.len(),
        })
}
