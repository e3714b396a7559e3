//! [`FlatObs`]: the image and a one-hot encoding of the mission in one flat `uint8` vector,
//! MiniGrid's `FlatObsWrapper` (for MLP agents).
//!
//! The vector is the image flattened (C order of `[x][y][channel]`) followed by a
//! `max_str_len × 28` one-hot table of the mission, row `i` for character `i`: the mission is
//! lower-cased, letters `a`–`z` are codes 0–25, the space 26, the comma 27; rows past the
//! mission's end are zero. Length `view·view·3 + 28·max_str_len` (2,835 for a 7 × 7 view and
//! MiniGrid's default `max_str_len = 96`).
//!
//! Strictness: MiniGrid raises for a mission longer than `max_str_len` or with a character
//! outside that alphabet. So do we ([`MissionEncodeError`]), and more strictly: only ASCII
//! letters lower-case into the alphabet (Python's `str.lower` also maps, e.g., the Kelvin sign
//! to `k`). A step whose mission cannot be encoded is an
//! [`EnvError::InvalidState`](rewardlab_core::EnvError::InvalidState); `reset`, which has no
//! error channel, panics with the same message (as MiniGrid's reset raises), and
//! [`FlatObs::try_reset`] returns it as a value. The encoded mission is cached while the
//! mission stays the same, as MiniGrid caches it.

use std::sync::Arc;

use rewardlab_core::wrappers::WrapperError;
use rewardlab_core::{BoxSpace, DType, Env, EnvError, Frame, Info, Space, Step, Value};

use super::{AnyMiniGrid, ByteObs};
use crate::minigrid::obs::MiniGridObs;

/// Characters of the mission alphabet (`numCharCodes`): `a`–`z`, space, comma.
pub const NUM_CHAR_CODES: usize = 28;

/// MiniGrid's default `maxStrLen`.
pub const DEFAULT_MAX_STR_LEN: usize = 96;

/// Why a mission has no one-hot form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MissionEncodeError {
    /// The mission has more characters than the table has rows.
    #[error("mission {mission:?} is {len} characters long, more than max_str_len = {max}")]
    TooLong {
        /// The mission.
        mission: String,
        /// Its length in characters.
        len: usize,
        /// The table's rows.
        max: usize,
    },
    /// A character outside `a`–`z` (any case), space and comma.
    #[error(
        "mission {mission:?} has the character {ch:?} at position {index}, which FlatObs \
         cannot encode (only letters a-z, space and comma)"
    )]
    BadChar {
        /// The mission.
        mission: String,
        /// The character.
        ch: char,
        /// Its position, in characters.
        index: usize,
    },
}

impl From<MissionEncodeError> for EnvError {
    fn from(e: MissionEncodeError) -> Self {
        let mission = match &e {
            MissionEncodeError::TooLong { mission, .. }
            | MissionEncodeError::BadChar { mission, .. } => mission.clone(),
        };
        EnvError::InvalidState {
            state: format!("mission {mission:?}"),
            reason: e.to_string(),
        }
    }
}

/// The `max_str_len × 28` one-hot table of `mission`, flat (row `i` is character `i`).
pub fn encode_mission(mission: &str, max_str_len: usize) -> Result<Vec<u8>, MissionEncodeError> {
    let len = mission.chars().count();
    if len > max_str_len {
        return Err(MissionEncodeError::TooLong {
            mission: mission.to_string(),
            len,
            max: max_str_len,
        });
    }
    let mut table = vec![0u8; max_str_len * NUM_CHAR_CODES];
    for (index, ch) in mission.chars().enumerate() {
        let code = match ch.to_ascii_lowercase() {
            c @ 'a'..='z' => c as usize - 'a' as usize,
            ' ' => 26,
            ',' => 27,
            _ => {
                return Err(MissionEncodeError::BadChar {
                    mission: mission.to_string(),
                    ch,
                    index,
                });
            }
        };
        table[index * NUM_CHAR_CODES + code] = 1;
    }
    Ok(table)
}

/// Image and one-hot mission as one flat `uint8` vector: MiniGrid's `FlatObsWrapper`.
/// Observation space `Box(0, 255, (view·view·3 + 28·max_str_len,), uint8)`.
#[derive(Debug, Clone)]
pub struct FlatObs<E> {
    env: E,
    max_str_len: usize,
    /// The last mission encoded and its table (missions are shared `Arc`s, so equal pointers
    /// skip even the comparison).
    cache: Option<(Arc<str>, Vec<u8>)>,
}

impl<E: AnyMiniGrid> FlatObs<E> {
    /// Wraps `env` with MiniGrid's default `max_str_len` of 96.
    pub fn new(env: E) -> Self {
        FlatObs {
            env,
            max_str_len: DEFAULT_MAX_STR_LEN,
            cache: None,
        }
    }

    /// Wraps `env` with a mission table of `max_str_len ≥ 1` rows.
    pub fn with_max_str_len(env: E, max_str_len: usize) -> Result<Self, WrapperError> {
        if max_str_len == 0 {
            return Err(WrapperError::InvalidParameter {
                wrapper: "FlatObs",
                name: "max_str_len",
                value: "0".to_string(),
                reason: "must be at least 1",
            });
        }
        Ok(FlatObs {
            max_str_len,
            ..FlatObs::new(env)
        })
    }

    /// The rows of the mission table (`maxStrLen`).
    pub fn max_str_len(&self) -> usize {
        self.max_str_len
    }

    inner_accessors!();

    /// [`Env::reset`] with the mission error as a value instead of a panic.
    pub fn try_reset(&mut self, seed: Option<u64>) -> Result<(ByteObs, Info), MissionEncodeError> {
        let (obs, info) = self.env.reset(seed);
        Ok((self.observe(obs)?, info))
    }

    fn observe(&mut self, obs: MiniGridObs) -> Result<ByteObs, MissionEncodeError> {
        let cached = self
            .cache
            .as_ref()
            .is_some_and(|(m, _)| Arc::ptr_eq(m, &obs.mission) || **m == *obs.mission);
        if !cached {
            let table = encode_mission(&obs.mission, self.max_str_len)?;
            self.cache = Some((Arc::clone(&obs.mission), table));
        }
        let table = self.cache.as_ref().map_or(&[][..], |(_, t)| t.as_slice());
        let mut flat = Vec::with_capacity(obs.image.len() + table.len());
        flat.extend_from_slice(&obs.image);
        flat.extend_from_slice(table);
        Ok(ByteObs(flat))
    }
}

impl<E: AnyMiniGrid> Env for FlatObs<E> {
    type Obs = ByteObs;
    type Act = usize;

    fn observation_space(&self) -> Space {
        let v = self.env.engine_config().agent_view_size;
        let n = v * v * 3 + NUM_CHAR_CODES * self.max_str_len;
        Space::Box(BoxSpace::uniform(&[n], 0.0, 255.0, DType::U8))
    }

    fn action_space(&self) -> Space {
        self.env.action_space()
    }

    /// # Panics
    ///
    /// When the new episode's mission cannot be encoded (MiniGrid raises there too); use
    /// [`FlatObs::try_reset`] to get the error as a value.
    fn reset(&mut self, seed: Option<u64>) -> (ByteObs, Info) {
        match self.try_reset(seed) {
            Ok(out) => out,
            Err(e) => panic!("FlatObs: {e}"),
        }
    }

    fn step(&mut self, action: &usize) -> Result<Step<ByteObs>, EnvError> {
        let step = self.env.step(action)?;
        let obs = self.observe(step.obs)?;
        Ok(Step {
            obs,
            reward: step.reward,
            terminated: step.terminated,
            truncated: step.truncated,
            info: step.info,
        })
    }

    fn validate_action(&self, action: &usize) -> Result<(), EnvError> {
        self.env.validate_action(action)
    }

    fn state(&self) -> Option<Value> {
        self.env.state()
    }

    fn set_state(&mut self, state: &[f64]) -> Result<ByteObs, EnvError> {
        let obs = self.env.set_state(state)?;
        Ok(self.observe(obs)?)
    }

    fn render(&self) -> Result<Frame, EnvError> {
        self.env.render()
    }

    fn render_ansi(&self) -> Result<String, EnvError> {
        self.env.render_ansi()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hot(table: &[u8], row: usize) -> Option<usize> {
        let r = &table[row * NUM_CHAR_CODES..(row + 1) * NUM_CHAR_CODES];
        assert!(r.iter().filter(|b| **b == 1).count() <= 1);
        r.iter().position(|b| *b == 1)
    }

    #[test]
    fn letters_space_and_comma_get_their_codes() -> Result<(), MissionEncodeError> {
        let t = encode_mission("Az ,b", 6)?;
        assert_eq!(t.len(), 6 * 28);
        let codes: Vec<_> = (0..6).map(|r| hot(&t, r)).collect();
        assert_eq!(
            codes,
            [Some(0), Some(25), Some(26), Some(27), Some(1), None]
        );
        Ok(())
    }

    #[test]
    fn other_characters_and_long_missions_are_errors() {
        assert_eq!(
            encode_mission("go 2 it", 96),
            Err(MissionEncodeError::BadChar {
                mission: "go 2 it".into(),
                ch: '2',
                index: 3
            })
        );
        // The Kelvin sign lower-cases to 'k' in Python; here it is refused.
        assert!(matches!(
            encode_mission("\u{212A}ey", 96),
            Err(MissionEncodeError::BadChar { index: 0, .. })
        ));
        assert!(matches!(
            encode_mission("abc", 2),
            Err(MissionEncodeError::TooLong { len: 3, max: 2, .. })
        ));
        assert!(encode_mission("ab", 2).is_ok());
        let e: EnvError = MissionEncodeError::TooLong {
            mission: "abc".into(),
            len: 3,
            max: 2,
        }
        .into();
        assert!(matches!(e, EnvError::InvalidState { .. }));
    }
}
