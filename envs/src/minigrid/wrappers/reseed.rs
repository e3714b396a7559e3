//! The wrappers that keep MiniGrid's observation and change how the env runs: [`ViewSize`]
//! (the side of the egocentric view) and [`Reseed`] (a fixed cycle of reset seeds). Both
//! implement [`AnyMiniGrid`], so they stack under the observation wrappers.

use rewardlab_core::wrappers::WrapperError;
use rewardlab_core::{EnvError, Info, Step};

use super::AnyMiniGrid;
use crate::minigrid::obs::MiniGridObs;

/// Implements [`Env`] and [`AnyMiniGrid`] for a wrapper `$ty<E>` that forwards everything
/// but `reset`, which it routes through `self.reset_inner(seed)`.
macro_rules! forward_env_with_reset {
    ($ty:ident) => {
        minigrid_wrapper_env!($ty {
            fn reset(&mut self, seed: Option<u64>) -> (MiniGridObs, Info) {
                self.reset_inner(seed)
            }

            fn step(&mut self, action: &usize) -> Result<Step<MiniGridObs>, EnvError> {
                self.env.step(action)
            }
        });
    };
}

/// A view of another size: MiniGrid's `ViewSizeWrapper`. It sets the inner env's view side
/// (through [`AnyMiniGrid::set_view_size`]), so the observation, its space
/// (`image: Box(0, 255, (size, size, 3), uint8)`) and the rendered highlight all follow.
/// MiniGrid computes the wrapped image with the same occlusion rules from the same cells.
#[derive(Debug, Clone)]
pub struct ViewSize<E> {
    env: E,
}

impl<E: AnyMiniGrid> ViewSize<E> {
    /// Wraps `env` with a view of side `agent_view_size` (odd, ≥ 3; MiniGrid's default 7).
    pub fn new(mut env: E, agent_view_size: usize) -> Result<Self, WrapperError> {
        env.set_view_size(agent_view_size)
            .map_err(|_| WrapperError::InvalidParameter {
                wrapper: "ViewSize",
                name: "agent_view_size",
                value: agent_view_size.to_string(),
                reason: "must be odd and at least 3",
            })?;
        Ok(ViewSize { env })
    }

    /// The side of the view.
    pub fn view_size(&self) -> usize {
        self.env.engine_config().agent_view_size
    }

    inner_accessors!();

    fn reset_inner(&mut self, seed: Option<u64>) -> (MiniGridObs, Info) {
        self.env.reset(seed)
    }
}

forward_env_with_reset!(ViewSize);

/// Every reset uses the next seed of a fixed list, cycling: MiniGrid's `ReseedWrapper`, to
/// train on a fixed set of layouts. A seed passed to `reset` is ignored (MiniGrid warns).
#[derive(Debug, Clone)]
pub struct Reseed<E> {
    env: E,
    seeds: Vec<u64>,
    next: usize,
}

impl<E: AnyMiniGrid> Reseed<E> {
    /// Wraps `env`; the first reset uses `seeds[seed_idx]`, the next ones the following seeds,
    /// cycling. MiniGrid's defaults are `seeds = [0]`, `seed_idx = 0`. Fails for an empty list
    /// or an index past its end (where MiniGrid fails at the first reset).
    pub fn new(env: E, seeds: Vec<u64>, seed_idx: usize) -> Result<Self, WrapperError> {
        if seeds.is_empty() {
            return Err(WrapperError::InvalidParameter {
                wrapper: "Reseed",
                name: "seeds",
                value: "[]".to_string(),
                reason: "must hold at least one seed",
            });
        }
        if seed_idx >= seeds.len() {
            return Err(WrapperError::InvalidParameter {
                wrapper: "Reseed",
                name: "seed_idx",
                value: seed_idx.to_string(),
                reason: "must be an index into seeds",
            });
        }
        Ok(Reseed {
            env,
            seeds,
            next: seed_idx,
        })
    }

    /// The seed the next reset will use.
    pub fn next_seed(&self) -> u64 {
        self.seeds[self.next]
    }

    /// The seeds, in cycle order.
    pub fn seeds(&self) -> &[u64] {
        &self.seeds
    }

    inner_accessors!();

    fn reset_inner(&mut self, _ignored: Option<u64>) -> (MiniGridObs, Info) {
        let seed = self.seeds[self.next];
        self.next = (self.next + 1) % self.seeds.len();
        self.env.reset(Some(seed))
    }
}

forward_env_with_reset!(Reseed);
