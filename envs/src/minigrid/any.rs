//! [`AnyMiniGrid`]: any MiniGrid env, typed — the trait wrappers, renderers and solvers read
//! the world through (never the engine's internals), and [`make`], the typed twin of the
//! registry's `make` for MiniGrid ids.

use rewardlab_core::{Env, EnvError};

use super::engine::{EngineConfig, MiniGridEnv};
use super::layout::{GenError, Generator, Pos};
use super::obs::MiniGridObs;
use super::world::World;
use crate::registry::{self, Entry, Kwargs, MakeError};

/// A MiniGrid env of any layout rule, with typed access to its world.
pub trait AnyMiniGrid: Env<Obs = MiniGridObs, Act = usize> + Send {
    /// The world: grid, agent, carried object, step counter and task.
    fn world(&self) -> &World;
    /// The engine settings (size, `max_steps`, view, sight through walls, action count).
    fn engine_config(&self) -> &EngineConfig;
    /// The mission of the current episode.
    fn mission_text(&self) -> &str;
    /// Changes the side of the egocentric view (odd, ≥ 3).
    fn set_view_size(&mut self, size: usize) -> Result<(), GenError>;
    /// Moves the agent ([`MiniGridEnv::set_agent`]).
    fn set_agent(&mut self, pos: Pos, dir: u8) -> Result<MiniGridObs, EnvError>;
    /// Whether the world changes by itself on a step ([`Generator::has_own_step`]).
    fn has_own_step(&self) -> bool;
}

/// A boxed [`AnyMiniGrid`], what [`make`] returns.
pub type BoxedMiniGrid = Box<dyn AnyMiniGrid>;

impl<G: Generator> AnyMiniGrid for MiniGridEnv<G> {
    fn world(&self) -> &World {
        MiniGridEnv::world(self)
    }
    fn engine_config(&self) -> &EngineConfig {
        self.config()
    }
    fn mission_text(&self) -> &str {
        self.mission()
    }
    fn set_view_size(&mut self, size: usize) -> Result<(), GenError> {
        self.set_agent_view_size(size)
    }
    fn set_agent(&mut self, pos: Pos, dir: u8) -> Result<MiniGridObs, EnvError> {
        MiniGridEnv::set_agent(self, pos, dir)
    }
    fn has_own_step(&self) -> bool {
        self.generator().has_own_step()
    }
}

impl<T: AnyMiniGrid + ?Sized> AnyMiniGrid for Box<T> {
    fn world(&self) -> &World {
        (**self).world()
    }
    fn engine_config(&self) -> &EngineConfig {
        (**self).engine_config()
    }
    fn mission_text(&self) -> &str {
        (**self).mission_text()
    }
    fn set_view_size(&mut self, size: usize) -> Result<(), GenError> {
        (**self).set_view_size(size)
    }
    fn set_agent(&mut self, pos: Pos, dir: u8) -> Result<MiniGridObs, EnvError> {
        (**self).set_agent(pos, dir)
    }
    fn has_own_step(&self) -> bool {
        (**self).has_own_step()
    }
}

/// Boxes a built env: the last line of every MiniGrid row's builder.
pub(crate) fn boxed<G: Generator>(
    kw: &Kwargs<'_>,
    env: Result<MiniGridEnv<G>, GenError>,
) -> Result<BoxedMiniGrid, MakeError> {
    env.map(|e| Box::new(e) as BoxedMiniGrid)
        .map_err(|e| MakeError::InvalidConfig {
            id: kw.spec().id,
            reason: e.to_string(),
        })
}

/// Creates the MiniGrid env registered as `id`, typed, for the MiniGrid wrappers. MiniGrid
/// envs truncate themselves at `max_steps`, so the registry's `max_episode_steps` (a
/// [`rewardlab_core::wrappers::TimeLimit`] around the erased env) is refused here.
pub fn make(id: &str, kwargs: &[(String, String)]) -> Result<BoxedMiniGrid, MakeError> {
    let spec = registry::spec(id)?;
    let kw = Kwargs::check(spec, kwargs)?;
    let Entry::MiniGrid(build) = spec.entry else {
        return Err(MakeError::InvalidConfig {
            id: spec.id,
            reason: "not a MiniGrid env".to_string(),
        });
    };
    if kw.raw(registry::MAX_EPISODE_STEPS.name).is_some() {
        return Err(MakeError::InvalidConfig {
            id: spec.id,
            reason: "typed MiniGrid envs truncate at max_steps; max_episode_steps applies \
                     only to the erased env of registry::make"
                .to_string(),
        });
    }
    build(&kw)
}
