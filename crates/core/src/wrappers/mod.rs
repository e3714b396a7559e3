//! Environment wrappers with Gymnasium 1.x semantics.
//!
//! A wrapper owns its inner env, implements [`crate::Env`] itself and hands the inner env out
//! through `inner()` / `inner_mut()` (and `into_inner()`), so stacks are plain nested types:
//! `NormalizeReward<TimeLimit<CartPole>>`. One file per wrapper family:
//!
//! - [`TimeLimit`] (truncation) and [`RecordEpisodeStatistics`] (episode return, length, time);
//! - [`TransformObservation`], [`TransformReward`]: caller-supplied closures;
//! - [`NormalizeObservation`], [`NormalizeReward`] over a [`RunningMeanStd`] (in `f32` and
//!   `f64` respectively, reproducing Gymnasium's outputs bit for bit);
//! - [`ClipAction`], [`RescaleAction`] for box actions;
//! - [`FlattenObservation`], [`FrameStack`], [`TimeAwareObservation`].
//!
//! Every wrapper forwards `state()`, `set_state()` and `validate_action()`: an
//! observation-transforming wrapper transforms the observation `set_state` returns, an
//! action-transforming one validates the action it would pass on.
//!
//! Reward-changing wrappers keep the unshaped task reward readable: the first of them (from the
//! inside out) stores the reward it received under [`TASK_REWARD_KEY`] in the step's info, and
//! outer ones leave an existing entry alone, so the innermost original wins.
//!
//! Constructors that depend on the inner env's spaces return [`WrapperError`] instead of
//! panicking when the space does not fit, including a box whose bounds are not intervals (a NaN
//! bound or `low > high`, which Gymnasium's `Box` refuses): later clipping and padding rely on
//! well-formed bounds.
//!
//! `set_state` starts an episode when none is running (before the first reset, or after one
//! ended), as a bare env's does: wrappers with per-episode bookkeeping ([`TimeLimit`],
//! [`RecordEpisodeStatistics`], [`TimeAwareObservation`]) then start theirs afresh, and keep
//! it when the state is set in the middle of an episode.

/// Writes a wrapper's three documented accessors to its inner env, `inner()`, `inner_mut()` and
/// `into_inner()`, over the field `$field` of type `$inner`. Invoked inside the wrapper's
/// inherent `impl` block; defined before the `mod` lines so that every wrapper file sees it.
macro_rules! wrapper_accessors {
    ($field:ident: $inner:ty) => {
        /// The wrapped env.
        pub fn inner(&self) -> &$inner {
            &self.$field
        }

        /// The wrapped env, mutably.
        pub fn inner_mut(&mut self) -> &mut $inner {
            &mut self.$field
        }

        /// Unwraps the env.
        pub fn into_inner(self) -> $inner {
            self.$field
        }
    };
}

mod action;
mod affine;
mod episode_stats;
mod flatten;
mod frame_stack;
mod normalize;
mod running_stats;
mod time_aware;
mod time_limit;
mod transform;

#[cfg(test)]
mod gymnasium_parity;
#[cfg(test)]
pub(crate) mod test_env;

pub use action::{ClipAction, RescaleAction};
pub use episode_stats::RecordEpisodeStatistics;
pub use flatten::FlattenObservation;
pub use frame_stack::{FramePadding, FrameStack};
pub use normalize::{NormalizeObservation, NormalizeReward};
pub use running_stats::{RunningMeanStd, StatFloat};
pub use time_aware::TimeAwareObservation;
pub use time_limit::TimeLimit;
pub use transform::{TransformObservation, TransformReward};

use crate::space::{BoxSpace, Space};
use crate::value::{Info, Value};

/// Info key under which reward-changing wrappers keep the original (task) reward.
pub const TASK_REWARD_KEY: &str = "task_reward";

/// Stores `reward` as the task reward in `info` unless an inner wrapper already stored one.
///
/// Public so that reward-shaping wrappers outside this module follow the same rule.
pub fn keep_task_reward(info: &mut Info, reward: f64) {
    info.entry(TASK_REWARD_KEY.to_string())
        .or_insert(Value::Float(reward));
}

/// Why a wrapper could not be built around an env.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WrapperError {
    /// The wrapper needs another kind of observation or action space.
    #[error("{wrapper} needs {expected} {which} space, got {space}")]
    UnsupportedSpace {
        /// The wrapper's name.
        wrapper: &'static str,
        /// `"observation"` or `"action"`.
        which: &'static str,
        /// What the wrapper accepts, e.g. `"a box"`.
        expected: &'static str,
        /// The space it was given, printed.
        space: String,
    },
    /// The observation space has no flat form (it contains a text space).
    #[error("the observation space {space} has no flat form (text spaces cannot be flattened)")]
    NoFlatForm {
        /// The space, printed.
        space: String,
    },
    /// An element of a box space has a NaN bound or `low > high`.
    #[error("{wrapper}: {which} space element {index} has bounds [{low}, {high}], not an interval")]
    InvalidBounds {
        /// The wrapper's name.
        wrapper: &'static str,
        /// `"observation"` or `"action"`.
        which: &'static str,
        /// The element's flat index.
        index: usize,
        /// Its lower bound.
        low: f64,
        /// Its upper bound.
        high: f64,
    },
    /// A parameter is out of its range.
    #[error("{wrapper}: invalid {name} = {value}: {reason}")]
    InvalidParameter {
        /// The wrapper's name.
        wrapper: &'static str,
        /// The parameter's name.
        name: &'static str,
        /// The value given, printed.
        value: String,
        /// The accepted range.
        reason: &'static str,
    },
}

/// The box inside `space`, or the error naming `wrapper` and `which` space it was. The box must
/// be well formed: one bound pair per element, and each pair an interval (no NaN,
/// `low <= high`, infinite ends allowed), as Gymnasium's `Box` requires.
fn require_box(
    space: Space,
    wrapper: &'static str,
    which: &'static str,
) -> Result<BoxSpace, WrapperError> {
    let b = match space {
        Space::Box(b) => b,
        other => {
            return Err(WrapperError::UnsupportedSpace {
                wrapper,
                which,
                expected: "a box",
                space: other.to_string(),
            });
        }
    };
    let n: usize = b.shape.iter().product();
    if b.low.len() != n || b.high.len() != n {
        return Err(WrapperError::UnsupportedSpace {
            wrapper,
            which,
            expected: "a box with one bound pair per element of its shape",
            space: format!(
                "a box of shape {:?} with {} lower and {} upper bounds",
                b.shape,
                b.low.len(),
                b.high.len()
            ),
        });
    }
    let bad = b
        .low
        .iter()
        .zip(&b.high)
        .position(|(lo, hi)| lo.is_nan() || hi.is_nan() || lo > hi);
    if let Some(index) = bad {
        return Err(WrapperError::InvalidBounds {
            wrapper,
            which,
            index,
            low: b.low[index],
            high: b.high[index],
        });
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::test_env::Boxes;
    use super::*;
    use crate::env::Env;
    use crate::space::DType;

    fn bad_bounds(low: f64, high: f64) -> BoxSpace {
        BoxSpace::from_bounds(vec![0.0, low, -1.0], vec![1.0, high, 1.0], DType::F32)
    }

    fn is_bad_element(err: WrapperError, low: f64, high: f64) -> bool {
        let same = |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan());
        matches!(err, WrapperError::InvalidBounds { index: 1, low: l, high: h, .. }
            if same(l, low) && same(h, high))
    }

    #[test]
    fn malformed_box_bounds_are_refused_by_every_box_wrapper() {
        for (low, high) in [(f64::NAN, 1.0), (0.0, f64::NAN), (2.0, 1.0)] {
            let env = Boxes {
                obs: bad_bounds(low, high),
                act: bad_bounds(low, high),
            };
            let err = ClipAction::new(env.clone()).expect_err("clip needs intervals");
            assert!(is_bad_element(err.clone(), low, high), "{err}");
            assert!(err.to_string().contains("action space element 1"), "{err}");
            let err = RescaleAction::new(env.clone(), 0.0, 1.0).expect_err("rescale too");
            assert!(is_bad_element(err, low, high));
            let err = FrameStack::new(env.clone(), 2, FramePadding::Zero).expect_err("padding");
            assert!(is_bad_element(err.clone(), low, high));
            assert!(
                err.to_string().contains("observation space element 1"),
                "{err}"
            );
            let err = TimeAwareObservation::new(env.clone(), 5, false).expect_err("time");
            assert!(is_bad_element(err, low, high));
            let err = NormalizeObservation::new(env).expect_err("normalise");
            assert!(is_bad_element(err, low, high));
        }
    }

    #[test]
    fn well_formed_boxes_with_infinite_or_equal_ends_are_accepted() {
        let b = BoxSpace::from_bounds(
            vec![f64::NEG_INFINITY, 1.0, 2.0],
            vec![f64::INFINITY, f64::INFINITY, 2.0],
            DType::F32,
        );
        let env = Boxes {
            obs: b.clone(),
            act: b,
        };
        let clip = ClipAction::new(env.clone()).expect("intervals");
        assert_eq!(clip.clip(&[-5.0, 0.0, 7.0]), vec![-5.0, 1.0, 2.0]);
        let mut stack = FrameStack::new(env, 2, FramePadding::Zero).expect("intervals");
        assert_eq!(stack.reset(None).0, vec![0.0, 1.0, 2.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn bounds_that_do_not_match_the_shape_are_refused() {
        let mut act = BoxSpace::uniform(&[2], -1.0, 1.0, DType::F32);
        act.high.pop();
        let env = Boxes {
            obs: BoxSpace::uniform(&[1], -1.0, 1.0, DType::F32),
            act,
        };
        assert!(matches!(
            ClipAction::new(env),
            Err(WrapperError::UnsupportedSpace {
                which: "action",
                ..
            })
        ));
    }
}
