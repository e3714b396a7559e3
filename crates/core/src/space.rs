//! Observation and action spaces with Gymnasium's semantics: `contains`, seeded `sample`,
//! and flattening to a `float32` vector.

use std::fmt;

use rand::Rng;
use rand_distr::{Distribution, Exp1, StandardNormal};

use crate::rng::{EnvRng, rng_from_seed};
use crate::value::Value;

/// Element type of a [`BoxSpace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DType {
    /// `float32`, stored as [`Value::F32`].
    F32,
    /// `float64`, stored as [`Value::F64`].
    F64,
    /// `uint8`, stored as [`Value::U8`].
    U8,
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DType::F32 => "float32",
            DType::F64 => "float64",
            DType::U8 => "uint8",
        })
    }
}

/// A (possibly unbounded) box in ℝⁿ with a shape; bounds are stored per element, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxSpace {
    /// The shape, e.g. `[4]` for CartPole, `[7, 7, 3]` for a MiniGrid image.
    pub shape: Vec<usize>,
    /// Lower bound per element (`-inf` where unbounded).
    pub low: Vec<f64>,
    /// Upper bound per element (`inf` where unbounded).
    pub high: Vec<f64>,
    /// Element type.
    pub dtype: DType,
}

impl BoxSpace {
    /// A box with the same bounds for every element.
    pub fn uniform(shape: &[usize], low: f64, high: f64, dtype: DType) -> Self {
        let n = shape.iter().product();
        Self {
            shape: shape.to_vec(),
            low: vec![low; n],
            high: vec![high; n],
            dtype,
        }
    }

    /// A one-dimensional box with per-element bounds.
    ///
    /// # Panics
    /// When `low` and `high` differ in length: a programming error in an env definition.
    pub fn from_bounds(low: Vec<f64>, high: Vec<f64>, dtype: DType) -> Self {
        assert_eq!(low.len(), high.len(), "box bounds must have one length");
        Self {
            shape: vec![low.len()],
            low,
            high,
            dtype,
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.low.len()
    }

    /// True for a box with no elements.
    pub fn is_empty(&self) -> bool {
        self.low.is_empty()
    }

    fn contains_f64s(&self, xs: impl ExactSizeIterator<Item = f64>) -> bool {
        xs.len() == self.len()
            && xs
                .zip(self.low.iter().zip(&self.high))
                .all(|(x, (lo, hi))| x >= *lo && x <= *hi)
    }

    /// A float32 box compares in float32 against its bounds rounded to float32, as
    /// Gymnasium stores them: `Box(-0.1, 0.1, float32)` contains `0.1f32`.
    fn contains_f32s(&self, xs: &[f32]) -> bool {
        xs.len() == self.len() && xs.iter().enumerate().all(|(i, x)| self.holds_f32(i, *x))
    }

    /// Whether `x` lies within element `i`'s bounds as [`Space::contains`] compares it: in
    /// `f32` against the bounds rounded to `f32` for a `float32` box, in `f64` otherwise.
    pub(crate) fn holds_f32(&self, i: usize, x: f32) -> bool {
        let (lo, hi) = (self.low[i], self.high[i]);
        if self.dtype == DType::F32 {
            x >= lo as f32 && x <= hi as f32
        } else {
            f64::from(x) >= lo && f64::from(x) <= hi
        }
    }

    fn sample_element(&self, i: usize, rng: &mut impl Rng) -> f64 {
        let (lo, hi) = (self.low[i], self.high[i]);
        match (lo.is_finite(), hi.is_finite()) {
            (true, true) if self.dtype == DType::U8 => {
                rng.random_range(lo as i64..=hi as i64) as f64
            }
            (true, true) => lo + (hi - lo) * rng.random::<f64>(),
            (true, false) => lo + Distribution::<f64>::sample(&Exp1, rng),
            (false, true) => hi - Distribution::<f64>::sample(&Exp1, rng),
            (false, false) => StandardNormal.sample(rng),
        }
    }
}

/// An observation or action space.
#[derive(Debug, Clone, PartialEq)]
pub enum Space {
    /// `{start, start+1, …, start+n−1}`.
    Discrete {
        /// Number of elements.
        n: u64,
        /// Smallest element.
        start: i64,
    },
    /// A box of floats or bytes.
    Box(BoxSpace),
    /// A vector of independent discrete values, entry i in `0..nvec[i]`.
    MultiDiscrete {
        /// Number of values of each entry.
        nvec: Vec<i64>,
    },
    /// A vector of `n` bits.
    MultiBinary {
        /// Number of bits.
        n: usize,
    },
    /// A string of at most `max_length` characters (MiniGrid's mission).
    Text {
        /// Longest accepted string, in characters.
        max_length: usize,
    },
    /// Named sub-spaces, in a fixed order (MiniGrid: image, direction, mission).
    Dict(Vec<(String, Space)>),
}

impl Space {
    /// `Discrete(n)` starting at 0.
    pub fn discrete(n: u64) -> Self {
        Space::Discrete { n, start: 0 }
    }

    /// The number of elements of a discrete space starting at 0, as `usize`.
    pub fn discrete_n(&self) -> Option<usize> {
        match self {
            Space::Discrete { n, start: 0 } => usize::try_from(*n).ok(),
            _ => None,
        }
    }

    /// Whether `value` is an element of this space.
    pub fn contains(&self, value: &Value) -> bool {
        match (self, value) {
            (Space::Discrete { n, start }, Value::Int(x)) => {
                *x >= *start && (i128::from(*x) - i128::from(*start)) < i128::from(*n)
            }
            (Space::Box(b), Value::F32(v)) if b.dtype == DType::F32 => b.contains_f32s(v),
            (Space::Box(b), Value::F64(v)) if b.dtype == DType::F64 => {
                b.contains_f64s(v.iter().copied())
            }
            (Space::Box(b), Value::U8(v)) if b.dtype == DType::U8 => {
                b.contains_f64s(v.iter().map(|x| f64::from(*x)))
            }
            (Space::MultiDiscrete { nvec }, Value::Ints(v)) => {
                v.len() == nvec.len() && v.iter().zip(nvec).all(|(x, n)| *x >= 0 && x < n)
            }
            (Space::MultiBinary { n }, Value::Binary(v)) => {
                v.len() == *n && v.iter().all(|b| *b <= 1)
            }
            (Space::Text { max_length }, Value::Text(t)) => t.chars().count() <= *max_length,
            (Space::Dict(spaces), Value::Dict(items)) => {
                spaces.len() == items.len()
                    && spaces
                        .iter()
                        .zip(items)
                        .all(|((ks, s), (kv, v))| ks == kv && s.contains(v))
            }
            _ => false,
        }
    }

    /// A random element, drawn from `rng` as Gymnasium does: uniform for bounded boxes,
    /// shifted exponential for half-bounded, standard normal for unbounded elements.
    pub fn sample(&self, rng: &mut impl Rng) -> Value {
        match self {
            // An empty space has no element to give; `start` is the least-surprising answer.
            Space::Discrete { n, start } => {
                Value::Int(start.saturating_add(rng.random_range(0..(*n).max(1)) as i64))
            }
            Space::Box(b) => {
                let xs = (0..b.len()).map(|i| b.sample_element(i, rng));
                match b.dtype {
                    // Rounding to f32 can step past a bound; clamp to the f32 bounds.
                    DType::F32 => Value::F32(
                        xs.zip(b.low.iter().zip(&b.high))
                            .map(|(x, (lo, hi))| (x as f32).clamp(*lo as f32, *hi as f32))
                            .collect(),
                    ),
                    DType::F64 => Value::F64(xs.collect()),
                    DType::U8 => Value::U8(xs.map(|x| x.clamp(0.0, 255.0) as u8).collect()),
                }
            }
            Space::MultiDiscrete { nvec } => Value::Ints(
                nvec.iter()
                    .map(|n| rng.random_range(0..(*n).max(1)))
                    .collect(),
            ),
            Space::MultiBinary { n } => {
                Value::Binary((0..*n).map(|_| u8::from(rng.random::<bool>())).collect())
            }
            Space::Text { max_length } => {
                let len = rng.random_range(0..=*max_length);
                Value::Text((0..len).map(|_| rng.random_range('a'..='z')).collect())
            }
            Space::Dict(spaces) => Value::Dict(
                spaces
                    .iter()
                    .map(|(k, s)| (k.clone(), s.sample(rng)))
                    .collect(),
            ),
        }
    }

    /// Length of the flattened `float32` vector, or `None` for spaces without one (text).
    pub fn flat_dim(&self) -> Option<usize> {
        match self {
            Space::Discrete { n, .. } => usize::try_from(*n).ok(),
            Space::Box(b) => Some(b.len()),
            Space::MultiDiscrete { nvec } => nvec
                .iter()
                .map(|n| usize::try_from(*n).ok())
                .sum::<Option<usize>>(),
            Space::MultiBinary { n } => Some(*n),
            Space::Text { .. } => None,
            Space::Dict(spaces) => spaces.iter().map(|(_, s)| s.flat_dim()).sum(),
        }
    }

    /// The flattened form of this space: a one-dimensional `float32` box, as Gymnasium's
    /// `flatten_space` (discrete parts become one-hot blocks in `[0, 1]`).
    pub fn flatten_space(&self) -> Option<Space> {
        let (low, high) = self.flat_bounds()?;
        Some(Space::Box(BoxSpace::from_bounds(low, high, DType::F32)))
    }

    fn flat_bounds(&self) -> Option<(Vec<f64>, Vec<f64>)> {
        match self {
            Space::Box(b) => Some((b.low.clone(), b.high.clone())),
            Space::Text { .. } => None,
            Space::Dict(spaces) => {
                let (mut low, mut high) = (Vec::new(), Vec::new());
                for (_, s) in spaces {
                    let (l, h) = s.flat_bounds()?;
                    low.extend(l);
                    high.extend(h);
                }
                Some((low, high))
            }
            _ => {
                let n = self.flat_dim()?;
                Some((vec![0.0; n], vec![1.0; n]))
            }
        }
    }

    /// Flattens an element to `float32`s, appending to `out` (one-hot for discrete parts).
    /// Returns `false`, leaving `out` in an unspecified state, when `value` is not an
    /// element of this space or the space has no flat form.
    pub fn flatten_into(&self, value: &Value, out: &mut Vec<f32>) -> bool {
        // One membership check for the whole value; below it the structure can be trusted.
        self.contains(value) && self.write_flat(value, out)
    }

    /// [`Self::flatten_into`] for a `value` known to be an element of this space: `false`
    /// only where the space has no flat form.
    fn write_flat(&self, value: &Value, out: &mut Vec<f32>) -> bool {
        match (self, value) {
            (Space::Discrete { n, start }, Value::Int(x)) => {
                let at = out.len();
                out.resize(at + *n as usize, 0.0);
                out[at + (*x - *start) as usize] = 1.0;
            }
            (Space::Box(_), Value::F32(v)) => out.extend_from_slice(v),
            (Space::Box(_), Value::F64(v)) => out.extend(v.iter().map(|x| *x as f32)),
            (Space::Box(_), Value::U8(v)) | (Space::MultiBinary { .. }, Value::Binary(v)) => {
                out.extend(v.iter().map(|x| f32::from(*x)));
            }
            (Space::MultiDiscrete { nvec }, Value::Ints(v)) => {
                for (x, n) in v.iter().zip(nvec) {
                    let at = out.len();
                    out.resize(at + *n as usize, 0.0);
                    out[at + *x as usize] = 1.0;
                }
            }
            (Space::Dict(spaces), Value::Dict(items)) => {
                return spaces
                    .iter()
                    .zip(items)
                    .all(|((_, s), (_, v))| s.write_flat(v, out));
            }
            _ => return false,
        }
        true
    }

    /// Flattens an element to a new `float32` vector; `None` when it is not an element of
    /// this space or the space has no flat form.
    pub fn flatten(&self, value: &Value) -> Option<Vec<f32>> {
        let mut out = Vec::with_capacity(self.flat_dim()?);
        self.flatten_into(value, &mut out).then_some(out)
    }
}

impl fmt::Display for Space {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Space::Discrete { n, start: 0 } => write!(f, "Discrete({n})"),
            Space::Discrete { n, start } => write!(f, "Discrete({n}, start={start})"),
            Space::Box(b) => {
                let bound = |xs: &[f64]| match xs.first() {
                    Some(x) if xs.iter().all(|y| y == x) => format!("{x}"),
                    _ => format!("{xs:?}"),
                };
                let shape: Vec<String> = b.shape.iter().map(usize::to_string).collect();
                let trailing = if b.shape.len() == 1 { "," } else { "" };
                write!(
                    f,
                    "Box({}, {}, ({}{trailing}), {})",
                    bound(&b.low),
                    bound(&b.high),
                    shape.join(", "),
                    b.dtype
                )
            }
            Space::MultiDiscrete { nvec } => write!(f, "MultiDiscrete({nvec:?})"),
            Space::MultiBinary { n } => write!(f, "MultiBinary({n})"),
            Space::Text { max_length } => write!(f, "Text({max_length})"),
            Space::Dict(spaces) => {
                f.write_str("Dict(")?;
                for (i, (k, s)) in spaces.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "'{k}': {s}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// A space with its own seeded generator, as `space.seed(s); space.sample()` in Gymnasium.
#[derive(Debug, Clone)]
pub struct SpaceSampler {
    space: Space,
    rng: EnvRng,
}

impl SpaceSampler {
    /// A sampler whose stream is fixed by `seed`.
    pub fn new(space: Space, seed: u64) -> Self {
        Self {
            space,
            rng: rng_from_seed(seed),
        }
    }

    /// The next random element.
    pub fn sample(&mut self) -> Value {
        self.space.sample(&mut self.rng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn spaces() -> Vec<Space> {
        vec![
            Space::discrete(4),
            Space::Discrete { n: 3, start: -1 },
            Space::Box(BoxSpace::from_bounds(
                vec![-0.1, 0.3],
                vec![0.1, 0.7],
                DType::F32,
            )),
            Space::Box(BoxSpace::from_bounds(
                vec![-1.0, 0.0],
                vec![1.0, 5.0],
                DType::F32,
            )),
            Space::Box(BoxSpace::uniform(
                &[3],
                f64::NEG_INFINITY,
                f64::INFINITY,
                DType::F64,
            )),
            Space::Box(BoxSpace::uniform(&[2], 0.0, f64::INFINITY, DType::F64)),
            Space::Box(BoxSpace::uniform(&[2, 2], 0.0, 10.0, DType::U8)),
            Space::MultiDiscrete {
                nvec: vec![2, 3, 4],
            },
            Space::MultiBinary { n: 5 },
            Space::Dict(vec![
                (
                    "image".into(),
                    Space::Box(BoxSpace::uniform(&[7, 7, 3], 0.0, 255.0, DType::U8)),
                ),
                ("direction".into(), Space::discrete(4)),
                ("mission".into(), Space::Text { max_length: 20 }),
            ]),
        ]
    }

    proptest! {
        #[test]
        fn samples_are_members_and_seeded(seed in any::<u64>()) {
            for space in spaces() {
                let mut a = SpaceSampler::new(space.clone(), seed);
                let mut b = SpaceSampler::new(space.clone(), seed);
                for _ in 0..20 {
                    let x = a.sample();
                    prop_assert!(space.contains(&x), "{x} not in {space}");
                    prop_assert_eq!(x, b.sample());
                }
            }
        }

        #[test]
        fn flattening_has_flat_dim_and_stays_in_flat_space(seed in any::<u64>()) {
            for space in spaces() {
                let Some(flat) = space.flatten_space() else { continue };
                let x = SpaceSampler::new(space.clone(), seed).sample();
                let v = space.flatten(&x).ok_or_else(|| TestCaseError::fail("no flat form"))?;
                prop_assert_eq!(Some(v.len()), space.flat_dim());
                prop_assert!(flat.contains(&Value::F32(v)));
            }
        }
    }

    #[test]
    fn contains_rejects_wrong_kind_shape_and_range() {
        let d = Space::Discrete { n: 3, start: -1 };
        assert!(d.contains(&Value::Int(-1)) && d.contains(&Value::Int(1)));
        assert!(!d.contains(&Value::Int(2)) && !d.contains(&Value::Int(-2)));
        assert!(!d.contains(&Value::F32(vec![0.0])));
        let b = Space::Box(BoxSpace::from_bounds(vec![-1.0], vec![1.0], DType::F32));
        assert!(b.contains(&Value::F32(vec![1.0])));
        assert!(!b.contains(&Value::F32(vec![1.5])));
        // Bounds that f32 cannot represent exactly still contain their own f32 rounding.
        let tenth = Space::Box(BoxSpace::from_bounds(
            vec![-0.1, -1.2],
            vec![0.1, 0.6],
            DType::F32,
        ));
        assert!(tenth.contains(&Value::F32(vec![-0.1, 0.6])));
        assert!(tenth.contains(&Value::F32(vec![0.1, -1.2])));
        assert!(!tenth.contains(&Value::F32(vec![0.100_000_01, 0.0])));
        let wide = Space::Discrete {
            n: u64::MAX,
            start: i64::MIN,
        };
        assert!(wide.contains(&Value::Int(i64::MAX - 1)) && wide.contains(&Value::Int(i64::MIN)));
        assert!(!wide.contains(&Value::Int(i64::MAX)));
        assert!(!b.contains(&Value::F32(vec![f32::NAN])));
        assert!(!b.contains(&Value::F32(vec![0.0, 0.0])));
        assert!(!b.contains(&Value::F64(vec![0.0])));
        assert!(!Space::MultiBinary { n: 2 }.contains(&Value::Binary(vec![0, 2])));
        assert!(!Space::MultiDiscrete { nvec: vec![2] }.contains(&Value::Ints(vec![2])));
    }

    #[test]
    fn flatten_one_hot_and_display() {
        let s = Space::Dict(vec![
            ("a".into(), Space::Discrete { n: 3, start: 1 }),
            ("b".into(), Space::MultiDiscrete { nvec: vec![2, 2] }),
        ]);
        let x = Value::Dict(vec![
            ("a".into(), Value::Int(2)),
            ("b".into(), Value::Ints(vec![1, 0])),
        ]);
        assert_eq!(s.flatten(&x), Some(vec![0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0]));
        assert_eq!(s.flatten(&Value::Int(0)), None);
        assert_eq!(Space::discrete(2).to_string(), "Discrete(2)");
        let b = Space::Box(BoxSpace::uniform(
            &[4],
            f64::NEG_INFINITY,
            f64::INFINITY,
            DType::F32,
        ));
        assert_eq!(b.to_string(), "Box(-inf, inf, (4,), float32)");
    }
}
