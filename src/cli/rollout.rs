//! `rewardlab rollout`: a contract other programs (fixture replays, teaching notebooks) rely on.
//!
//! Every action is parsed and validated before anything is printed, so a bad action exits 2
//! with empty stdout. Numbers print in shortest round-trip form: an `f64` as an `f64`, an
//! `f32` so that parsing it back as `f32` gives the same value.
//!
//! Observations print in the shape of their space, as `numpy`'s `tolist()` would: a box of
//! shape `[7, 7, 3]` (a MiniGrid image) is a list of 7 lists of 7 lists of 3 numbers, while a
//! 1-D box (classic control) stays a flat list; dictionaries nest the same way per key. So a
//! MiniGrid line reads `{"image": [[[…]]], "direction": d, "mission": "…"}`, equal to
//! MiniGrid's `obs["image"].tolist()`.

use std::io::{BufWriter, Write};

use rewardlab_core::{BoxedEnv, DType, Env, Space, Value};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::{CliError, EnvArg, kwargs, print_line};

#[derive(Serialize)]
struct Start<'a> {
    obs: Shaped<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<Value>,
}

#[derive(Serialize)]
struct Line<'a> {
    action: &'a Value,
    obs: Shaped<'a>,
    reward: f64,
    terminated: bool,
    truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<Value>,
}

/// Runs the subcommand.
pub fn run(
    id: &str,
    env_args: &[EnvArg],
    seed: u64,
    state: Option<&str>,
    actions: &str,
) -> Result<(), CliError> {
    let mut env: BoxedEnv = rewardlab_envs::make(id, &kwargs(env_args)).map_err(CliError::usage)?;
    let space = env.action_space();
    let obs_space = env.observation_space();
    let actions = parse_actions(actions, &space)?;
    for action in &actions {
        env.validate_action(action).map_err(CliError::usage)?;
    }
    let state = state.map(parse_state).transpose()?;

    let (mut obs, _) = env.reset(Some(seed));
    if let Some(state) = &state {
        obs = env.set_state(state).map_err(CliError::usage)?;
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let first = Start {
        obs: Shaped::new(&obs, &obs_space),
        state: env.state(),
    };
    print_line(&mut out, &json(&first)?)?;
    for action in &actions {
        let step = env.step(action).map_err(CliError::runtime)?;
        let line = Line {
            action,
            obs: Shaped::new(&step.obs, &obs_space),
            reward: step.reward,
            terminated: step.terminated,
            truncated: step.truncated,
            state: env.state(),
        };
        print_line(&mut out, &json(&line)?)?;
        if step.done() {
            break;
        }
    }
    out.flush()?;
    Ok(())
}

/// A value serialised in the shape its space gives it (see the module docs). A value that does
/// not fit its space prints flat, as it is stored.
struct Shaped<'a> {
    value: &'a Value,
    space: Option<&'a Space>,
}

impl<'a> Shaped<'a> {
    fn new(value: &'a Value, space: &'a Space) -> Self {
        Shaped {
            value,
            space: Some(space),
        }
    }
}

impl Serialize for Shaped<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (self.value, self.space) {
            (Value::Dict(items), Some(Space::Dict(spaces))) => {
                let mut map = s.serialize_map(Some(items.len()))?;
                for (key, value) in items {
                    let space = spaces.iter().find(|(k, _)| k == key).map(|(_, sp)| sp);
                    map.serialize_entry(key, &Shaped { value, space })?;
                }
                map.end()
            }
            (value, Some(Space::Box(b))) if b.shape.len() > 1 => {
                let shape = b.shape.as_slice();
                match value {
                    Value::F32(v) => nest(v, shape, s),
                    Value::F64(v) => nest(v, shape, s),
                    Value::U8(v) | Value::Binary(v) => nest(v, shape, s),
                    Value::Ints(v) => nest(v, shape, s),
                    other => other.serialize(s),
                }
            }
            (value, _) => value.serialize(s),
        }
    }
}

/// `data` (C order) as nested lists of `shape`, or flat if the sizes disagree.
fn nest<T: Serialize, S: Serializer>(data: &[T], shape: &[usize], s: S) -> Result<S::Ok, S::Error> {
    if shape.iter().product::<usize>() != data.len() {
        return data.serialize(s);
    }
    Nested { data, shape }.serialize(s)
}

/// One level of [`nest`]: `shape[0]` blocks of `data`, each nested by `shape[1..]`.
struct Nested<'a, T> {
    data: &'a [T],
    shape: &'a [usize],
}

impl<T: Serialize> Serialize for Nested<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Some((&outer, inner)) = self.shape.split_first() else {
            return self.data.serialize(s);
        };
        if inner.is_empty() {
            return self.data.serialize(s);
        }
        let stride = inner.iter().product::<usize>();
        let mut seq = s.serialize_seq(Some(outer))?;
        for i in 0..outer {
            seq.serialize_element(&Nested {
                data: &self.data[i * stride..(i + 1) * stride],
                shape: inner,
            })?;
        }
        seq.end()
    }
}

fn json(value: &impl Serialize) -> Result<String, CliError> {
    serde_json::to_string(value).map_err(CliError::runtime)
}

/// Comma-separated numbers, e.g. `-0.1,0.2`.
fn parse_state(text: &str) -> Result<Vec<f64>, CliError> {
    text.split(',')
        .map(|item| {
            let item = item.trim();
            item.parse::<f64>().map_err(|_| {
                CliError::Usage(format!("malformed number '{item}' in --state '{text}'"))
            })
        })
        .collect()
}

/// Actions separated by ','; the components of one vector action by ':'.
fn parse_actions(text: &str, space: &Space) -> Result<Vec<Value>, CliError> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|item| parse_action(item.trim(), space))
        .collect()
}

fn parse_action(item: &str, space: &Space) -> Result<Value, CliError> {
    let malformed = |what: &str| {
        CliError::Usage(format!(
            "malformed action '{item}': expected {what} for {space}"
        ))
    };
    let parts = || item.split(':').map(str::trim);
    let value = match space {
        Space::Discrete { .. } => Value::Int(item.parse().map_err(|_| malformed("an integer"))?),
        Space::Box(b) => {
            let parsed = match b.dtype {
                DType::F32 => parts()
                    .map(|p| p.parse().ok())
                    .collect::<Option<_>>()
                    .map(Value::F32),
                DType::F64 => parts()
                    .map(|p| p.parse().ok())
                    .collect::<Option<_>>()
                    .map(Value::F64),
                DType::U8 => parts()
                    .map(|p| p.parse().ok())
                    .collect::<Option<_>>()
                    .map(Value::U8),
            };
            parsed.ok_or_else(|| malformed("numbers separated by ':'"))?
        }
        Space::MultiDiscrete { .. } => Value::Ints(
            parts()
                .map(|p| p.parse().ok())
                .collect::<Option<_>>()
                .ok_or_else(|| malformed("integers separated by ':'"))?,
        ),
        Space::MultiBinary { .. } => Value::Binary(
            parts()
                .map(|p| p.parse().ok())
                .collect::<Option<_>>()
                .ok_or_else(|| malformed("bits separated by ':'"))?,
        ),
        Space::Text { .. } | Space::Dict(_) => {
            return Err(CliError::Usage(format!(
                "actions in {space} cannot be given on the command line"
            )));
        }
    };
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rewardlab_core::BoxSpace;

    #[test]
    fn parses_discrete_and_vector_actions() {
        let d = Space::discrete(4);
        assert!(matches!(
            parse_actions("0, 3,-1", &d).as_deref(),
            Ok([Value::Int(0), Value::Int(3), Value::Int(-1)])
        ));
        assert!(matches!(parse_actions("1.5", &d), Err(CliError::Usage(_))));
        let b = Space::Box(BoxSpace::uniform(&[2], -1.0, 1.0, DType::F32));
        let parsed = parse_actions("0.5:-2,1e-3:0", &b).ok();
        assert_eq!(
            parsed,
            Some(vec![
                Value::F32(vec![0.5, -2.0]),
                Value::F32(vec![1e-3, 0.0])
            ])
        );
        assert!(parse_actions("", &d).is_ok_and(|v| v.is_empty()));
    }

    #[test]
    fn boxes_nest_by_their_shape_and_flat_boxes_stay_flat() {
        let image = Space::Box(BoxSpace::uniform(&[2, 1, 3], 0.0, 255.0, DType::U8));
        let space = Space::Dict(vec![
            ("image".to_string(), image),
            ("direction".to_string(), Space::discrete(4)),
        ]);
        let value = Value::Dict(vec![
            ("image".to_string(), Value::U8(vec![1, 2, 3, 4, 5, 6])),
            ("direction".to_string(), Value::Int(2)),
        ]);
        let text = json(&Shaped::new(&value, &space)).ok();
        assert_eq!(
            text.as_deref(),
            Some(r#"{"image":[[[1,2,3]],[[4,5,6]]],"direction":2}"#)
        );
        let flat = Space::Box(BoxSpace::uniform(&[2], -1.0, 1.0, DType::F32));
        let v = Value::F32(vec![0.5, -0.25]);
        assert_eq!(
            json(&Shaped::new(&v, &flat)).ok().as_deref(),
            Some("[0.5,-0.25]")
        );
        // A value that does not fit its shape prints as stored rather than failing.
        let odd = Value::U8(vec![1, 2, 3]);
        let square = Space::Box(BoxSpace::uniform(&[2, 2], 0.0, 9.0, DType::U8));
        assert_eq!(
            json(&Shaped::new(&odd, &square)).ok().as_deref(),
            Some("[1,2,3]")
        );
    }

    #[test]
    fn state_numbers_must_parse() {
        assert_eq!(parse_state("-0.1,2").ok(), Some(vec![-0.1, 2.0]));
        assert!(matches!(parse_state("0.1,x"), Err(CliError::Usage(m)) if m.contains("'x'")));
    }
}
