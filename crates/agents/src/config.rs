//! Configuration plumbing shared by the algorithms: TOML files, `--set key=value` overrides and
//! the run specification written to a run folder.
//!
//! Every algorithm config is a flat serde struct with `deny_unknown_fields`. Layering works on
//! TOML tables: the preset is serialised to a table, a config file's keys replace the preset's,
//! then each `--set key=value` replaces one key, and the merged table is deserialised once. So a
//! misspelt key fails with serde's "unknown field `x`, expected one of …" and a wrong type names
//! the field; nothing is silently ignored. Override values are TOML literals (`0.5`, `true`,
//! `[64, 64]`, `"relu"`); a bare word that is not a TOML literal is taken as a string, so
//! `--set activation=relu` works, and an integer given for a float field is widened.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::backend::Backend;
use crate::dqn::DqnConfig;
use crate::ppo::PpoConfig;
use crate::task::MiniGridEncoding;

/// A configuration that could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A `--set` argument without `=`.
    #[error("override `{0}` is not of the form key=value")]
    MalformedOverride(String),
    /// The merged keys do not form a valid configuration (unknown key, wrong type).
    #[error("invalid {what}: {detail}")]
    Invalid {
        /// Which configuration (`ppo config`, `dqn config`, …).
        what: String,
        /// serde's message, naming the field.
        detail: String,
    },
    /// A value out of its range (checked after parsing).
    #[error("invalid value for `{key}`: {reason}")]
    OutOfRange {
        /// The field.
        key: &'static str,
        /// What is required.
        reason: String,
    },
    /// A config file that could not be read or is not TOML.
    #[error("cannot read config file {path}: {detail}")]
    File {
        /// The file.
        path: PathBuf,
        /// The cause.
        detail: String,
    },
    /// `--preset` named no preset.
    #[error("unknown preset `{name}` for {algo} (known: {known})")]
    UnknownPreset {
        /// The algorithm.
        algo: &'static str,
        /// The name asked for.
        name: String,
        /// The names that exist.
        known: String,
    },
    /// The algorithm cannot drive this env (DQN on continuous actions).
    #[error("{algo} cannot train on {env}: {reason}")]
    Unsupported {
        /// The algorithm.
        algo: &'static str,
        /// The env id.
        env: String,
        /// Why.
        reason: String,
    },
}

/// Reads a TOML file into a table.
pub fn read_table(path: &Path) -> Result<toml::Table, ConfigError> {
    let file_err = |detail: String| ConfigError::File {
        path: path.to_owned(),
        detail,
    };
    let text = std::fs::read_to_string(path).map_err(|e| file_err(e.to_string()))?;
    text.parse::<toml::Table>()
        .map_err(|e| file_err(e.to_string()))
}

/// Parses `key=value` arguments into a table of TOML values (see the module docs).
pub fn parse_overrides(args: &[String]) -> Result<toml::Table, ConfigError> {
    let mut table = toml::Table::new();
    for arg in args {
        let (key, raw) = arg
            .split_once('=')
            .ok_or_else(|| ConfigError::MalformedOverride(arg.clone()))?;
        let key = key.trim();
        if key.is_empty() {
            return Err(ConfigError::MalformedOverride(arg.clone()));
        }
        table.insert(key.to_owned(), parse_literal(raw.trim()));
    }
    Ok(table)
}

/// A TOML literal, or the raw text as a string when it is not one.
fn parse_literal(raw: &str) -> toml::Value {
    format!("v = {raw}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_owned()))
}

/// `base` with the keys of each layer replacing its own, in order, deserialised back.
///
/// `what` names the configuration in errors. Integers given where `base` has a float are
/// widened, so `--set learning_rate=1` means 1.0.
pub fn layered<T: Serialize + DeserializeOwned>(
    base: &T,
    layers: &[&toml::Table],
    what: &str,
) -> Result<T, ConfigError> {
    let invalid = |detail: String| ConfigError::Invalid {
        what: what.to_owned(),
        detail,
    };
    let mut table = toml::Table::try_from(base).map_err(|e| invalid(e.to_string()))?;
    for layer in layers {
        for (key, value) in layer.iter() {
            let value = match (table.get(key), value) {
                (Some(toml::Value::Float(_)), toml::Value::Integer(i)) => {
                    toml::Value::Float(*i as f64)
                }
                _ => value.clone(),
            };
            table.insert(key.clone(), value);
        }
    }
    let base_table = toml::Table::try_from(base).map_err(|e| invalid(e.to_string()))?;
    toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| invalid(name_the_key(&base_table, layers, e.message())))
}

/// serde's type errors do not say which key they are about: find the first layered key whose
/// TOML type differs from the preset's value and name it.
fn name_the_key(base: &toml::Table, layers: &[&toml::Table], message: &str) -> String {
    for layer in layers {
        for (key, value) in layer.iter() {
            if let Some(old) = base.get(key) {
                let widened = matches!(
                    (old, value),
                    (toml::Value::Float(_), toml::Value::Integer(_))
                );
                if old.type_str() != value.type_str() && !widened {
                    return format!(
                        "`{key}` must be a {}, not {value}: {message}",
                        old.type_str()
                    );
                }
            }
        }
    }
    message.to_owned()
}

/// Which algorithm a run trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Algo {
    /// Deep Q-network (`dqn`).
    Dqn,
    /// Proximal policy optimisation (`ppo`).
    Ppo,
}

impl Algo {
    /// The name used on the command line and in run folders.
    pub fn name(self) -> &'static str {
        match self {
            Algo::Dqn => "dqn",
            Algo::Ppo => "ppo",
        }
    }
}

/// Everything that defines a training run: written to the run folder as `config.toml` and read
/// back by `eval` and `--resume`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSpec {
    /// Registered env id.
    pub env: String,
    /// Env kwargs (`--env-arg key=value`).
    #[serde(default)]
    pub env_args: BTreeMap<String, String>,
    /// How MiniGrid observations reach the network (ignored for other envs).
    #[serde(default)]
    pub minigrid_obs: MiniGridEncoding,
    /// The burn backend.
    #[serde(default)]
    pub backend: Backend,
    /// The preset the algorithm config started from.
    pub preset: String,
    /// The algorithm.
    pub algo: Algo,
    /// PPO settings (when `algo = "ppo"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ppo: Option<PpoConfig>,
    /// DQN settings (when `algo = "dqn"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dqn: Option<DqnConfig>,
}

impl RunSpec {
    /// The env kwargs as the registry takes them.
    pub fn env_kwargs(&self) -> Vec<(String, String)> {
        self.env_args
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Demo {
        lr: f64,
        steps: u64,
        hidden: Vec<usize>,
        name: String,
        kl: Option<f64>,
    }

    fn demo() -> Demo {
        Demo {
            lr: 0.1,
            steps: 10,
            hidden: vec![64, 64],
            name: "tanh".into(),
            kl: None,
        }
    }

    #[test]
    fn overrides_replace_keys_with_typed_values() {
        let set = parse_overrides(&[
            "lr=1".into(),
            "steps = 20".into(),
            "hidden=[8, 4]".into(),
            "name=relu".into(),
            "kl=0.02".into(),
        ])
        .expect("well-formed");
        let out = layered(&demo(), &[&set], "demo").expect("valid");
        assert_eq!(
            out,
            Demo {
                lr: 1.0,
                steps: 20,
                hidden: vec![8, 4],
                name: "relu".into(),
                kl: Some(0.02),
            }
        );
    }

    #[test]
    fn later_layers_win() {
        let file: toml::Table = "steps = 5\nlr = 0.5".parse().expect("toml");
        let set = parse_overrides(&["steps=7".into()]).expect("ok");
        let out = layered(&demo(), &[&file, &set], "demo").expect("valid");
        assert_eq!((out.steps, out.lr), (7, 0.5));
    }

    #[test]
    fn unknown_keys_bad_types_and_malformed_args_are_named() {
        let set = parse_overrides(&["lrr=0.1".into()]).expect("parses");
        let err = layered(&demo(), &[&set], "demo").expect_err("unknown key");
        assert!(err.to_string().contains("lrr"), "{err}");
        let set = parse_overrides(&["steps=many".into()]).expect("parses");
        let err = layered(&demo(), &[&set], "demo").expect_err("wrong type");
        assert!(err.to_string().contains("steps"), "{err}");
        let err = parse_overrides(&["steps".into()]).expect_err("no =");
        assert!(err.to_string().contains("key=value"), "{err}");
    }
}
