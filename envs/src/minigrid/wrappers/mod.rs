//! MiniGrid's wrappers (`minigrid/wrappers.py`), over any [`AnyMiniGrid`] env: the typed envs
//! and the [`BoxedMiniGrid`](super::BoxedMiniGrid) of [`minigrid::make`](super::make).
//!
//! Observation wrappers replace the observation and its space:
//!
//! - [`ImgObs`]: the image alone (`ImgObsWrapper`), as [`ByteObs`];
//! - [`FullyObs`]: the whole grid encoded, the agent's cell `[10, 0, dir]`
//!   (`FullyObsWrapper`), as [`DictObs`];
//! - [`OneHotPartialObs`]: the view one-hot encoded, 20 channels (`OneHotPartialObsWrapper`);
//! - [`FlatObs`]: image and one-hot mission in one flat vector (`FlatObsWrapper`);
//! - [`RgbImgObs`], [`RgbImgPartialObs`]: the rendered world / agent's view as pixels
//!   (`RGBImgObsWrapper`, `RGBImgPartialObsWrapper`).
//!
//! Wrappers that keep [`MiniGridObs`] implement [`AnyMiniGrid`] themselves, so they stack with
//! each other and sit under any observation wrapper: [`ViewSize`] (`ViewSizeWrapper`),
//! [`Reseed`] (`ReseedWrapper`), and the count-based exploration bonuses [`ActionBonus`] and
//! [`PositionBonus`].
//!
//! The design follows the core's wrappers ([`rewardlab_core::wrappers`]): one narrow type per
//! wrapper, `inner()` / `inner_mut()` / `into_inner()`, rendering, `state` and `set_state`
//! forwarded (an observation wrapper maps the observation `set_state` returns), and the bonus
//! wrappers keep the unshaped reward under
//! [`TASK_REWARD_KEY`](rewardlab_core::wrappers::TASK_REWARD_KEY) in the step's info.
//! Parameters out of range are a [`WrapperError`](rewardlab_core::wrappers::WrapperError) at
//! construction, where MiniGrid asserts (or fails later).
//!
//! Wrappers read the world through [`AnyMiniGrid`] only (position, direction, grid), never the
//! engine's internals, so they work on any env that implements it.

use std::sync::Arc;

use rewardlab_core::{SpaceElem, Value, ValueTypeError};

use super::AnyMiniGrid;
use super::obs::MiniGridObs;

/// Writes a wrapper's `inner()`, `inner_mut()` and `into_inner()` over its field `env: E`, as
/// the core's wrappers have them. Invoked inside the wrapper's inherent `impl` block.
macro_rules! inner_accessors {
    () => {
        /// The wrapped env.
        pub fn inner(&self) -> &E {
            &self.env
        }

        /// The wrapped env, mutably.
        pub fn inner_mut(&mut self) -> &mut E {
            &mut self.env
        }

        /// Unwraps the env.
        pub fn into_inner(self) -> E {
            self.env
        }
    };
}

/// Implements [`rewardlab_core::Env`] for an observation wrapper `$ty<E>` whose observation is
/// `$out`: everything is forwarded to `self.env` except the observation space
/// (`self.space()`) and the observation, mapped by `self.observe(obs)`.
macro_rules! observation_wrapper_env {
    ($ty:ident, $out:ty) => {
        impl<E: AnyMiniGrid> rewardlab_core::Env for $ty<E> {
            type Obs = $out;
            type Act = usize;

            fn observation_space(&self) -> rewardlab_core::Space {
                self.space()
            }

            fn action_space(&self) -> rewardlab_core::Space {
                self.env.action_space()
            }

            fn reset(&mut self, seed: Option<u64>) -> ($out, rewardlab_core::Info) {
                let (obs, info) = self.env.reset(seed);
                (self.observe(obs), info)
            }

            fn step(
                &mut self,
                action: &usize,
            ) -> Result<rewardlab_core::Step<$out>, rewardlab_core::EnvError> {
                let step = self.env.step(action)?;
                Ok(step.map_obs(|obs| self.observe(obs)))
            }

            fn validate_action(&self, action: &usize) -> Result<(), rewardlab_core::EnvError> {
                self.env.validate_action(action)
            }

            fn state(&self) -> Option<rewardlab_core::Value> {
                self.env.state()
            }

            fn set_state(&mut self, state: &[f64]) -> Result<$out, rewardlab_core::EnvError> {
                let obs = self.env.set_state(state)?;
                Ok(self.observe(obs))
            }

            fn render(&self) -> Result<rewardlab_core::Frame, rewardlab_core::EnvError> {
                self.env.render()
            }

            fn render_ansi(&self) -> Result<String, rewardlab_core::EnvError> {
                self.env.render_ansi()
            }
        }
    };
}

/// Implements [`AnyMiniGrid`] for a wrapper `$ty<E>` that keeps [`MiniGridObs`], by
/// forwarding every accessor to `self.env`.
macro_rules! forward_any_minigrid {
    ($ty:ident) => {
        impl<E: AnyMiniGrid> AnyMiniGrid for $ty<E> {
            fn world(&self) -> &crate::minigrid::World {
                self.env.world()
            }
            fn engine_config(&self) -> &crate::minigrid::EngineConfig {
                self.env.engine_config()
            }
            fn mission_text(&self) -> &str {
                self.env.mission_text()
            }
            fn set_view_size(&mut self, size: usize) -> Result<(), crate::minigrid::GenError> {
                self.env.set_view_size(size)
            }
            fn set_agent(
                &mut self,
                pos: crate::minigrid::Pos,
                dir: u8,
            ) -> Result<MiniGridObs, rewardlab_core::EnvError> {
                self.env.set_agent(pos, dir)
            }
            fn has_own_step(&self) -> bool {
                self.env.has_own_step()
            }
        }
    };
}

/// Implements [`rewardlab_core::Env`] and [`AnyMiniGrid`] for a wrapper `$ty<E>` that keeps
/// [`MiniGridObs`] and changes how the env runs ([`ActionBonus`], [`PositionBonus`],
/// [`ViewSize`], [`Reseed`]): everything is forwarded to `self.env` but `reset` and `step`,
/// which the invocation writes out in braces after the type.
macro_rules! minigrid_wrapper_env {
    ($ty:ident { $($reset_and_step:tt)* }) => {
        impl<E: AnyMiniGrid> rewardlab_core::Env for $ty<E> {
            type Obs = MiniGridObs;
            type Act = usize;

            fn observation_space(&self) -> rewardlab_core::Space {
                self.env.observation_space()
            }

            fn action_space(&self) -> rewardlab_core::Space {
                self.env.action_space()
            }

            $($reset_and_step)*

            fn validate_action(&self, action: &usize) -> Result<(), rewardlab_core::EnvError> {
                self.env.validate_action(action)
            }

            fn state(&self) -> Option<rewardlab_core::Value> {
                self.env.state()
            }

            fn set_state(&mut self, state: &[f64]) -> Result<MiniGridObs, rewardlab_core::EnvError> {
                self.env.set_state(state)
            }

            fn render(&self) -> Result<rewardlab_core::Frame, rewardlab_core::EnvError> {
                self.env.render()
            }

            fn render_ansi(&self) -> Result<String, rewardlab_core::EnvError> {
                self.env.render_ansi()
            }
        }

        forward_any_minigrid!($ty);
    };
}

mod bonus;
mod flat;
mod image;
mod reseed;
mod rgb;

pub use bonus::{ActionBonus, PositionBonus};
pub use flat::{DEFAULT_MAX_STR_LEN, FlatObs, MissionEncodeError, NUM_CHAR_CODES, encode_mission};
pub use image::{FullyObs, ImgObs, ONE_HOT_BITS, OneHotPartialObs};
pub use reseed::{Reseed, ViewSize};
pub use rgb::{DEFAULT_TILE_SIZE, RgbImgObs, RgbImgPartialObs};

/// A `uint8` array observation ([`ImgObs`], [`FlatObs`]): the array's bytes in C order, its
/// shape in the wrapper's observation space. The [`Value`] form is [`Value::U8`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ByteObs(pub Vec<u8>);

impl SpaceElem for ByteObs {
    fn to_value(&self) -> Value {
        Value::U8(self.0.clone())
    }

    fn into_value(self) -> Value {
        Value::U8(self.0)
    }

    fn from_value(value: Value) -> Result<Self, ValueTypeError> {
        match value {
            Value::U8(bytes) => Ok(ByteObs(bytes)),
            other => Err(ValueTypeError {
                expected: "a uint8 array",
                got: other.to_string(),
            }),
        }
    }
}

/// MiniGrid's observation dict with its image replaced ([`FullyObs`], [`OneHotPartialObs`],
/// [`RgbImgObs`], [`RgbImgPartialObs`]): the image's bytes in C order of the wrapper's image
/// shape (its observation space says which), the direction and the mission. The [`Value`]
/// form is that of [`MiniGridObs`]: `{"image": U8, "direction": Int, "mission": Text}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DictObs {
    /// The image, flat in C order.
    pub image: Vec<u8>,
    /// The agent's direction, 0..4.
    pub direction: u8,
    /// The mission string.
    pub mission: Arc<str>,
}

impl DictObs {
    /// The observation `obs` with `image` in place of its own.
    fn replacing(obs: MiniGridObs, image: Vec<u8>) -> Self {
        DictObs {
            image,
            direction: obs.direction,
            mission: obs.mission,
        }
    }
}

impl SpaceElem for DictObs {
    fn to_value(&self) -> Value {
        self.clone().into_value()
    }

    fn into_value(self) -> Value {
        // MiniGridObs's dict, which its view size is no part of.
        MiniGridObs {
            image: self.image,
            view_size: 0,
            direction: self.direction,
            mission: self.mission,
        }
        .into_value()
    }

    fn from_value(value: Value) -> Result<Self, ValueTypeError> {
        let parts = (
            value.get("image"),
            value.get("direction"),
            value.get("mission"),
        );
        if let (Some(Value::U8(image)), Some(Value::Int(d)), Some(Value::Text(mission))) = parts
            && let Some(direction) = u8::try_from(*d).ok().filter(|d| *d < 4)
        {
            return Ok(DictObs {
                image: image.clone(),
                direction,
                mission: Arc::from(mission.as_str()),
            });
        }
        Err(ValueTypeError {
            expected: "a MiniGrid observation dict {image, direction, mission}",
            got: value.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dict_obs_round_trips_and_refuses_other_values() {
        let obs = DictObs {
            image: vec![1, 2, 3],
            direction: 3,
            mission: Arc::from("go"),
        };
        let v = obs.to_value();
        assert!(crate::minigrid::obs::dict_space(&[1, 1, 3]).contains(&v));
        assert_eq!(DictObs::from_value(v), Ok(obs));
        assert!(DictObs::from_value(Value::Int(1)).is_err());
        let bad_dir = Value::Dict(vec![
            ("image".to_string(), Value::U8(vec![])),
            ("direction".to_string(), Value::Int(4)),
            ("mission".to_string(), Value::Text(String::new())),
        ]);
        assert!(DictObs::from_value(bad_dir).is_err());
    }

    #[test]
    fn byte_obs_is_a_u8_array() {
        assert_eq!(ByteObs(vec![7, 8]).to_value(), Value::U8(vec![7, 8]));
        assert_eq!(
            ByteObs::from_value(Value::U8(vec![9])),
            Ok(ByteObs(vec![9]))
        );
        assert!(ByteObs::from_value(Value::Binary(vec![1])).is_err());
    }
}
