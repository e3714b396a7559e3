//! Count-based exploration bonuses: [`ActionBonus`] (MiniGrid's `ActionBonus`) and
//! [`PositionBonus`] (MiniGrid's `PositionBonus`, formerly `StateBonus`).
//!
//! After each successful inner step the wrapper counts a key read from the world *after* the
//! step and adds `scale / sqrt(count)` to the reward: 1, 1/√2, 1/√3, … for a key seen again
//! and again. Counts live as long as the wrapper, across episodes, as MiniGrid's do (reset does
//! not clear them; [`ActionBonus::clear_counts`] does). The unshaped reward stays readable
//! under [`TASK_REWARD_KEY`](rewardlab_core::wrappers::TASK_REWARD_KEY) in the info. A refused
//! step (invalid action, no running episode) counts nothing.
//!
//! MiniGrid's `PositionBonus` takes a `scale` argument that some of its releases ignore; ours
//! always applies it, and its default of 1 gives MiniGrid's bonus.

use std::collections::HashMap;

use rewardlab_core::wrappers::{WrapperError, keep_task_reward};
use rewardlab_core::{EnvError, Info, Step};

use super::AnyMiniGrid;
use crate::minigrid::Pos;
use crate::minigrid::obs::MiniGridObs;

/// Implements [`Env`] (everything forwarded but `step`, which adds `self.bonus(action)`) and
/// [`AnyMiniGrid`] for a bonus wrapper `$ty<E>`.
macro_rules! bonus_env {
    ($ty:ident) => {
        minigrid_wrapper_env!($ty {
            fn reset(&mut self, seed: Option<u64>) -> (MiniGridObs, Info) {
                self.env.reset(seed)
            }

            fn step(&mut self, action: &usize) -> Result<Step<MiniGridObs>, EnvError> {
                let mut step = self.env.step(action)?;
                keep_task_reward(&mut step.info, step.reward);
                step.reward += self.bonus(*action);
                Ok(step)
            }
        });
    };
}

/// Adds 1 to the count of `key` and returns `1 / sqrt(count)`.
fn count_bonus<K: std::hash::Hash + Eq>(counts: &mut HashMap<K, u64>, key: K) -> f64 {
    let n = counts.entry(key).or_insert(0);
    *n += 1;
    1.0 / (*n as f64).sqrt()
}

/// Rewards rarely taken actions: `reward += 1 / sqrt(n)`, `n` the number of steps so far
/// (this one included) that ended with the agent at the same position and direction after
/// taking the same action, MiniGrid's `ActionBonus`.
#[derive(Debug, Clone)]
pub struct ActionBonus<E> {
    env: E,
    counts: HashMap<(Pos, u8, usize), u64>,
}

impl<E: AnyMiniGrid> ActionBonus<E> {
    /// Wraps `env` with no counts.
    pub fn new(env: E) -> Self {
        ActionBonus {
            env,
            counts: HashMap::new(),
        }
    }

    /// How often `(pos, dir, action)` has been counted.
    pub fn count(&self, pos: Pos, dir: u8, action: usize) -> u64 {
        self.counts.get(&(pos, dir, action)).copied().unwrap_or(0)
    }

    /// Forgets every count.
    pub fn clear_counts(&mut self) {
        self.counts.clear();
    }

    inner_accessors!();

    fn bonus(&mut self, action: usize) -> f64 {
        let world = self.env.world();
        let key = (world.agent_pos, world.agent_dir, action);
        count_bonus(&mut self.counts, key)
    }
}

bonus_env!(ActionBonus);

/// Rewards rarely visited cells: `reward += scale / sqrt(n)`, `n` the number of steps so far
/// (this one included) that ended with the agent on the same cell, MiniGrid's
/// `PositionBonus`.
#[derive(Debug, Clone)]
pub struct PositionBonus<E> {
    env: E,
    scale: f64,
    counts: HashMap<Pos, u64>,
}

impl<E: AnyMiniGrid> PositionBonus<E> {
    /// Wraps `env` with MiniGrid's default scale of 1.
    pub fn new(env: E) -> Self {
        PositionBonus {
            env,
            scale: 1.0,
            counts: HashMap::new(),
        }
    }

    /// Wraps `env` with the bonus multiplied by `scale` (finite; 0 turns the bonus off, a
    /// negative scale makes it a penalty).
    pub fn with_scale(env: E, scale: f64) -> Result<Self, WrapperError> {
        if !scale.is_finite() {
            return Err(WrapperError::InvalidParameter {
                wrapper: "PositionBonus",
                name: "scale",
                value: scale.to_string(),
                reason: "must be finite",
            });
        }
        Ok(PositionBonus {
            scale,
            ..PositionBonus::new(env)
        })
    }

    /// The multiplier of the bonus.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// How often `pos` has been counted.
    pub fn count(&self, pos: Pos) -> u64 {
        self.counts.get(&pos).copied().unwrap_or(0)
    }

    /// Forgets every count.
    pub fn clear_counts(&mut self) {
        self.counts.clear();
    }

    inner_accessors!();

    fn bonus(&mut self, _action: usize) -> f64 {
        let pos = self.env.world().agent_pos;
        self.scale * count_bonus(&mut self.counts, pos)
    }
}

bonus_env!(PositionBonus);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bonus_decays_as_one_over_the_square_root_of_the_count() {
        let mut counts = HashMap::new();
        let got: Vec<f64> = (0..4).map(|_| count_bonus(&mut counts, 'a')).collect();
        assert_eq!(got, [1.0, 1.0 / 2f64.sqrt(), 1.0 / 3f64.sqrt(), 0.5]);
        assert_eq!(count_bonus(&mut counts, 'b'), 1.0);
        assert_eq!(counts[&'a'], 4);
    }
}
