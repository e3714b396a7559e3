//! The `Taxi-v4` registry row and its constructor from kwargs.

use super::{Taxi, TaxiConfig};
use crate::registry::{Entry, EnvSpec, KwargSpec, Kwargs, MAX_EPISODE_STEPS, MakeError};

const KWARGS: &[KwargSpec] = &[
    KwargSpec {
        name: "is_rainy",
        default: "false",
        help: "moves that are not blocked go the intended way with rainy_probability, \
               else to one perpendicular side (half the rest each)",
    },
    KwargSpec {
        name: "rainy_probability",
        default: "0.8",
        help: "probability in [0, 1] of moving the intended way when is_rainy",
    },
    KwargSpec {
        name: "fickle_passenger",
        default: "false",
        help: "the passenger may change destination on the first move after the pickup \
               (stepping then differs from the exported model)",
    },
    KwargSpec {
        name: "fickle_probability",
        default: "0.3",
        help: "probability in [0, 1], drawn at reset, that the passenger is fickle",
    },
    MAX_EPISODE_STEPS,
];

/// `Taxi-v4`, registered as in Gymnasium 1.4.
pub(crate) const SPEC: EnvSpec = EnvSpec {
    id: "Taxi-v4",
    description: "Dietterich's taxi on a 5x5 grid: pick a passenger up and drop them at their \
                  destination (+20, -1 per step, -10 for illegal pickup/drop-off)",
    max_episode_steps: Some(200),
    reward_threshold: Some(8.0),
    kwargs: KWARGS,
    entry: Entry::Builder(build),
};

fn build(kw: &Kwargs<'_>) -> Result<rewardlab_core::BoxedEnv, MakeError> {
    let defaults = TaxiConfig::default();
    let probability = "a probability in [0, 1]";
    let config = TaxiConfig {
        is_rainy: kw.flag("is_rainy")?.unwrap_or(defaults.is_rainy),
        rainy_probability: kw
            .parse("rainy_probability", probability)?
            .unwrap_or(defaults.rainy_probability),
        fickle_passenger: kw
            .flag("fickle_passenger")?
            .unwrap_or(defaults.fickle_passenger),
        fickle_probability: kw
            .parse("fickle_probability", probability)?
            .unwrap_or(defaults.fickle_probability),
    };
    let env = Taxi::new(config).map_err(|e| MakeError::InvalidConfig {
        id: kw.spec().id,
        reason: e.to_string(),
    })?;
    kw.finish(env)
}
