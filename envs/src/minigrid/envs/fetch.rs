//! MiniGrid-Fetch: a walled square holding `num_objs` keys and balls of random colours; the
//! mission names a (colour, type), and the agent must pick up an object of that description.
//!
//! - Description: each object's type is uniform in {key, ball} and its colour uniform, drawn
//!   independently, so several objects may share a description (MiniGrid does not redraw);
//!   each takes a uniform free interior cell.
//! - Actions: the seven; the moves and `pickup` matter.
//! - Observations: the 7×7 view; these envs see through walls (MiniGrid's setting).
//! - Rewards: `1 − 0.9·step_count/max_steps` when the agent holds an object of the target's
//!   colour and type, 0 when it holds any other ([`Task::Fetch`]). As MiniGrid compares
//!   (colour, type), picking up any duplicate of the target succeeds.
//! - Start: a uniform free cell, facing a uniform direction.
//! - Episode end: the first pickup (success or 0), or `max_steps = 5·size²`.
//! - Arguments: `size`, `num_objs` (MiniGrid's `numObjs`, at least 1).
//!
//! The mission is drawn among MiniGrid's five phrasings ([`SYNTAX`]), uniformly, e.g.
//! `"go fetch a red key"`. The draws follow MiniGrid's, draw for draw in order: for each
//! object its type, its colour and its cell; the agent's cell and direction; the target
//! object; the phrasing.

use crate::minigrid::any::BoxedMiniGrid;
use crate::minigrid::engine::MiniGridEnv;
use crate::minigrid::envs::go_to_object::{ObjType, describe, object_room_config};
use crate::minigrid::kwargs::{build_env, minigrid_spec, row_kwargs};
use crate::minigrid::layout::{Gen, GenError, Generator};
use crate::minigrid::world::Task;
use crate::registry::{EnvSpec, KwargSpec, Kwargs, MakeError};

/// The object types Fetch draws from, in MiniGrid's order.
pub const TYPES: [ObjType; 2] = [ObjType::Key, ObjType::Ball];

/// MiniGrid's five mission phrasings, in its order; the mission is `"{syntax} {colour}
/// {type}"`.
pub const SYNTAX: [&str; 5] = [
    "get a",
    "go get a",
    "fetch a",
    "go fetch a",
    "you must fetch a",
];

/// The Fetch layout rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fetch {
    /// Side of the grid, walls included.
    pub size: usize,
    /// How many objects to place (MiniGrid's `numObjs`), at least 1.
    pub num_objs: usize,
}

impl Generator for Fetch {
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let (w, h) = (g.grid.width(), g.grid.height());
        g.grid.wall_rect(0, 0, w, h);
        let no_object =
            || GenError::InvalidConfig(format!("num_objs = {}: must be at least 1", self.num_objs));
        let mut objs = Vec::with_capacity(self.num_objs);
        for _ in 0..self.num_objs {
            let kind = g.rand_elem(&TYPES).ok_or_else(no_object)?;
            let obj = kind.make(g.rand_color());
            g.place_obj(Some(obj.clone()), None, None, None)?;
            objs.push(obj);
        }
        g.place_agent(None, None, true)?;
        let target = g.rand_elem(&objs).ok_or_else(no_object)?;
        let syntax = g.rand_elem(&SYNTAX).ok_or_else(no_object)?;
        let desc = describe(&target).ok_or_else(|| {
            GenError::InvalidConfig(format!(
                "object {target:?}: only keys, balls and boxes have a name"
            ))
        })?;
        g.mission = format!("{syntax} {desc}");
        g.task = Task::Fetch(target);
        Ok(())
    }
}

/// The Fetch env: the engine around [`Fetch`].
pub type FetchEnv = MiniGridEnv<Fetch>;

impl Fetch {
    /// MiniGrid's default `max_steps` for a `size × size` grid: `5·size²`.
    pub fn default_max_steps(size: usize) -> usize {
        5 * size * size
    }

    /// The env with MiniGrid's defaults (`max_steps = 5·size²`, view 7, seeing through walls).
    /// Refused unless `num_objs ≥ 1` and the interior has a cell for each object and the
    /// agent.
    pub fn env(size: usize, num_objs: usize) -> Result<FetchEnv, GenError> {
        Self::env_with(size, num_objs, Self::default_max_steps(size), 7)
    }

    /// The env with an explicit `max_steps` and view size.
    pub fn env_with(
        size: usize,
        num_objs: usize,
        max_steps: usize,
        agent_view_size: usize,
    ) -> Result<FetchEnv, GenError> {
        let config =
            object_room_config(size, num_objs, (1, usize::MAX), max_steps, agent_view_size)?;
        MiniGridEnv::new(Fetch { size, num_objs }, config)
    }
}

const KWARGS: &[KwargSpec] = &row_kwargs("5·size²");

fn build(kw: &Kwargs<'_>, size: usize, num_objs: usize) -> Result<BoxedMiniGrid, MakeError> {
    build_env(kw, Fetch::default_max_steps(size), |max_steps, view| {
        Fetch::env_with(size, num_objs, max_steps, view)
    })
}

/// The Fetch rows.
pub const SPECS: &[EnvSpec] = &[
    minigrid_spec(
        "MiniGrid-Fetch-5x5-N2-v0",
        "MiniGrid Fetch 5x5, 2 objects: pick up the object the mission names",
        KWARGS,
        |kw| build(kw, 5, 2),
    ),
    minigrid_spec(
        "MiniGrid-Fetch-6x6-N2-v0",
        "MiniGrid Fetch 6x6, 2 objects: pick up the object the mission names",
        KWARGS,
        |kw| build(kw, 6, 2),
    ),
    minigrid_spec(
        "MiniGrid-Fetch-8x8-N3-v0",
        "MiniGrid Fetch 8x8, 3 objects: pick up the object the mission names",
        KWARGS,
        |kw| build(kw, 8, 3),
    ),
];

#[cfg(test)]
#[path = "fetch_tests.rs"]
mod tests;
