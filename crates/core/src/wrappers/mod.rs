//! Environment wrappers with Gymnasium 1.x semantics.
//!
//! A wrapper owns its inner env, implements [`crate::Env`] itself and hands the inner env out
//! through `inner()` / `inner_mut()` (and `into_inner()`), so stacks are plain nested types:
//! `NormalizeReward<TimeLimit<CartPole>>`. One file per wrapper family:
//!
//! - [`TimeLimit`] (truncation) and [`RecordEpisodeStatistics`] (episode return, length, time);
//! - [`TransformObservation`], [`TransformReward`]: caller-supplied closures;
//! - [`NormalizeObservation`], [`NormalizeReward`] over a [`RunningMeanStd`];
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
//! panicking when the space does not fit.

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
mod episode_stats;
mod flatten;
mod frame_stack;
mod normalize;
mod running_stats;
mod time_aware;
mod time_limit;
mod transform;

#[cfg(test)]
pub(crate) mod test_env;

pub use action::{ClipAction, RescaleAction};
pub use episode_stats::RecordEpisodeStatistics;
pub use flatten::FlattenObservation;
pub use frame_stack::{FramePadding, FrameStack};
pub use normalize::{NormalizeObservation, NormalizeReward};
pub use running_stats::RunningMeanStd;
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

/// The box inside `space`, or the error naming `wrapper` and `which` space it was.
fn require_box(
    space: Space,
    wrapper: &'static str,
    which: &'static str,
) -> Result<BoxSpace, WrapperError> {
    match space {
        Space::Box(b) => Ok(b),
        other => Err(WrapperError::UnsupportedSpace {
            wrapper,
            which,
            expected: "a box",
            space: other.to_string(),
        }),
    }
}
