//! Dynamically typed observations, actions and info entries.
//!
//! Typed environments use plain Rust types (`usize` for a discrete state, `Vec<f32>` for a
//! box observation). [`Value`] is the common currency between them and everything that must
//! handle any environment: the registry's boxed envs, `check_env`, the CLI and `info` maps.
//! [`SpaceElem`] converts between the two.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Serialize, Serializer};

/// One element of a [`crate::Space`], or an entry of an [`Info`] map.
///
/// Box values are stored flat in row-major order; the shape lives in the space.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An element of a `Discrete` space (Gymnasium's `int64`).
    Int(i64),
    /// A `float32` box element.
    F32(Vec<f32>),
    /// A `float64` box element.
    F64(Vec<f64>),
    /// A `uint8` box element (images).
    U8(Vec<u8>),
    /// An element of a `MultiDiscrete` space.
    Ints(Vec<i64>),
    /// An element of a `MultiBinary` space (each entry 0 or 1).
    Binary(Vec<u8>),
    /// An element of a `Text` space (a MiniGrid mission).
    Text(String),
    /// An element of a `Dict` space, keys in the space's order.
    Dict(Vec<(String, Value)>),
    /// A scalar float: info entries only (e.g. an episode return).
    Float(f64),
    /// A flag: info entries only.
    Bool(bool),
}

impl Value {
    /// The scalar as `f64`, for `Int`, `Float` and `Bool` values.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(x) => Some(*x),
            Value::Bool(b) => Some(f64::from(u8::from(*b))),
            _ => None,
        }
    }

    /// A dictionary entry by key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Dict(items) => items.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// JSON form: numbers and lists of numbers. An `f32` serialises in its own shortest
/// round-trip form (parsing it back as `f32` gives the same value), an `f64` in its own.
impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Int(i) => s.serialize_i64(*i),
            Value::F32(v) => v.serialize(s),
            Value::F64(v) => v.serialize(s),
            Value::U8(v) | Value::Binary(v) => v.serialize(s),
            Value::Ints(v) => v.serialize(s),
            Value::Text(t) => s.serialize_str(t),
            Value::Dict(items) => {
                use serde::ser::SerializeMap;
                let mut map = s.serialize_map(Some(items.len()))?;
                for (k, v) in items {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Value::Float(x) => s.serialize_f64(*x),
            Value::Bool(b) => s.serialize_bool(*b),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match serde_json::to_string(self) {
            Ok(text) => f.write_str(&text),
            Err(_) => write!(f, "{self:?}"),
        }
    }
}

/// Side information returned by `reset` and `step`, as Gymnasium's `info` dict.
///
/// A `BTreeMap` allocates nothing while empty, so envs that report nothing pay nothing.
pub type Info = BTreeMap<String, Value>;

/// Why a [`Value`] could not become a typed element.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("expected {expected}, got {got}")]
pub struct ValueTypeError {
    /// What the typed side wanted.
    pub expected: &'static str,
    /// The value that was offered.
    pub got: String,
}

/// A typed observation or action that converts to and from [`Value`].
pub trait SpaceElem: Clone + fmt::Debug + Send + 'static {
    /// The dynamic form.
    fn to_value(&self) -> Value;
    /// The dynamic form, consuming `self`: the adapters between typed and [`Value`] envs
    /// ([`crate::Erased`], [`crate::Typed`]) use it so that observation vectors move instead of
    /// being copied once per step. Vector impls override it; scalars just convert.
    fn into_value(self) -> Value {
        self.to_value()
    }
    /// The typed form; fails when the value has another kind.
    fn from_value(value: Value) -> Result<Self, ValueTypeError>;
    /// The typed form of a borrowed value: what [`crate::Erased`] converts each action with.
    /// The default clones the value and calls [`SpaceElem::from_value`]; scalars override it
    /// to read the number, vectors to copy only their elements.
    fn from_value_ref(value: &Value) -> Result<Self, ValueTypeError> {
        Self::from_value(value.clone())
    }
    /// The typed form borrowed from inside `value`, where it is stored there as is (a vector in
    /// its [`Value`] variant, or a `Value` itself), so that [`crate::Erased`] can step with a
    /// box action without copying it. `None`, the default, where a conversion is needed (then
    /// [`SpaceElem::from_value_ref`] makes one).
    fn borrow_from_value(value: &Value) -> Option<&Self> {
        let _ = value;
        None
    }
}

fn type_error<T>(expected: &'static str, got: &Value) -> Result<T, ValueTypeError> {
    Err(ValueTypeError {
        expected,
        got: got.to_string(),
    })
}

impl SpaceElem for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
    fn into_value(self) -> Value {
        self
    }
    fn from_value(value: Value) -> Result<Self, ValueTypeError> {
        Ok(value)
    }
    fn from_value_ref(value: &Value) -> Result<Self, ValueTypeError> {
        Ok(value.clone())
    }
    fn borrow_from_value(value: &Value) -> Option<&Self> {
        Some(value)
    }
}

impl SpaceElem for usize {
    fn to_value(&self) -> Value {
        Value::Int(*self as i64)
    }
    fn from_value(value: Value) -> Result<Self, ValueTypeError> {
        Self::from_value_ref(&value)
    }
    fn from_value_ref(value: &Value) -> Result<Self, ValueTypeError> {
        match value {
            Value::Int(i) if *i >= 0 => Ok(*i as usize),
            other => type_error("a non-negative int", other),
        }
    }
}

impl SpaceElem for i64 {
    fn to_value(&self) -> Value {
        Value::Int(*self)
    }
    fn from_value(value: Value) -> Result<Self, ValueTypeError> {
        Self::from_value_ref(&value)
    }
    fn from_value_ref(value: &Value) -> Result<Self, ValueTypeError> {
        match value {
            Value::Int(i) => Ok(*i),
            other => type_error("an int", other),
        }
    }
}

impl SpaceElem for Vec<f32> {
    fn to_value(&self) -> Value {
        Value::F32(self.clone())
    }
    fn into_value(self) -> Value {
        Value::F32(self)
    }
    fn from_value(value: Value) -> Result<Self, ValueTypeError> {
        match value {
            Value::F32(v) => Ok(v),
            other => type_error("a float32 array", &other),
        }
    }
    fn from_value_ref(value: &Value) -> Result<Self, ValueTypeError> {
        match value {
            Value::F32(v) => Ok(v.clone()),
            other => type_error("a float32 array", other),
        }
    }
    fn borrow_from_value(value: &Value) -> Option<&Self> {
        match value {
            Value::F32(v) => Some(v),
            _ => None,
        }
    }
}

impl SpaceElem for Vec<f64> {
    fn to_value(&self) -> Value {
        Value::F64(self.clone())
    }
    fn into_value(self) -> Value {
        Value::F64(self)
    }
    fn from_value(value: Value) -> Result<Self, ValueTypeError> {
        match value {
            Value::F64(v) => Ok(v),
            other => type_error("a float64 array", &other),
        }
    }
    fn from_value_ref(value: &Value) -> Result<Self, ValueTypeError> {
        match value {
            Value::F64(v) => Ok(v.clone()),
            other => type_error("a float64 array", other),
        }
    }
    fn borrow_from_value(value: &Value) -> Option<&Self> {
        match value {
            Value::F64(v) => Some(v),
            _ => None,
        }
    }
}

impl SpaceElem for Vec<i64> {
    fn to_value(&self) -> Value {
        Value::Ints(self.clone())
    }
    fn into_value(self) -> Value {
        Value::Ints(self)
    }
    fn from_value(value: Value) -> Result<Self, ValueTypeError> {
        match value {
            Value::Ints(v) => Ok(v),
            other => type_error("an int array", &other),
        }
    }
    fn from_value_ref(value: &Value) -> Result<Self, ValueTypeError> {
        match value {
            Value::Ints(v) => Ok(v.clone()),
            other => type_error("an int array", other),
        }
    }
    fn borrow_from_value(value: &Value) -> Option<&Self> {
        match value {
            Value::Ints(v) => Some(v),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f32_serialises_in_its_own_shortest_form() {
        let v = Value::F32(vec![0.1, -0.03, 1.0]);
        assert_eq!(
            serde_json::to_string(&v).ok().as_deref(),
            Some("[0.1,-0.03,1.0]")
        );
        let back: Vec<f32> = serde_json::from_str("[0.1,-0.03,1.0]").unwrap_or_default();
        assert_eq!(Value::F32(back), v);
    }

    #[test]
    fn typed_round_trip_and_kind_errors() {
        assert_eq!(usize::from_value(7usize.to_value()), Ok(7));
        assert!(usize::from_value(Value::Int(-1)).is_err());
        let err = Vec::<f32>::from_value(Value::Int(3)).err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("expected a float32 array, got 3")
        );
    }

    #[test]
    fn borrowed_conversions_agree_with_from_value() {
        let values = [
            Value::Int(7),
            Value::Int(-1),
            Value::F32(vec![0.5, -1.0]),
            Value::F64(vec![0.25]),
            Value::Ints(vec![3, 4]),
            Value::Text("go".into()),
        ];
        for v in &values {
            assert_eq!(
                usize::from_value_ref(v),
                usize::from_value(v.clone()),
                "{v}"
            );
            assert_eq!(i64::from_value_ref(v), i64::from_value(v.clone()), "{v}");
            assert_eq!(
                Vec::<f32>::from_value_ref(v),
                Vec::<f32>::from_value(v.clone()),
                "{v}"
            );
            assert_eq!(
                Vec::<f64>::from_value_ref(v),
                Vec::<f64>::from_value(v.clone()),
                "{v}"
            );
            assert_eq!(
                Vec::<i64>::from_value_ref(v),
                Vec::<i64>::from_value(v.clone()),
                "{v}"
            );
            assert_eq!(Value::from_value_ref(v).as_ref(), Ok(v));
        }
        for v in &values {
            // A borrow exists exactly where the value holds the type as is, and agrees.
            for (borrowed, owned) in [
                (
                    Vec::<f32>::borrow_from_value(v).cloned().map(Value::F32),
                    Vec::<f32>::from_value_ref(v).ok().map(Value::F32),
                ),
                (
                    Vec::<f64>::borrow_from_value(v).cloned().map(Value::F64),
                    Vec::<f64>::from_value_ref(v).ok().map(Value::F64),
                ),
                (
                    Vec::<i64>::borrow_from_value(v).cloned().map(Value::Ints),
                    Vec::<i64>::from_value_ref(v).ok().map(Value::Ints),
                ),
            ] {
                assert_eq!(borrowed, owned, "{v}");
            }
            assert_eq!(Value::borrow_from_value(v), Some(v));
            assert_eq!(usize::borrow_from_value(v), None, "scalars convert");
        }
        assert_eq!(usize::from_value_ref(&Value::Int(7)), Ok(7));
        assert!(usize::from_value_ref(&Value::Int(-1)).is_err());
        assert_eq!(
            Vec::<f32>::from_value_ref(&Value::F32(vec![0.5])),
            Ok(vec![0.5])
        );
    }

    #[test]
    fn into_value_agrees_with_to_value() {
        assert_eq!(7usize.into_value(), Value::Int(7));
        assert_eq!((-2i64).into_value(), Value::Int(-2));
        assert_eq!(vec![0.5f32, -1.0].into_value(), Value::F32(vec![0.5, -1.0]));
        assert_eq!(vec![0.25f64].into_value(), Value::F64(vec![0.25]));
        assert_eq!(vec![3i64, 4].into_value(), Value::Ints(vec![3, 4]));
        let text = Value::Text("go".into());
        assert_eq!(text.clone().into_value(), text);
    }
}
