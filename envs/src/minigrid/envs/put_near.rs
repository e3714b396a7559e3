//! MiniGrid-PutNear: a walled square holding `num_objs` distinct objects (keys, balls,
//! boxes), no two within one cell of each other; the mission names one object to move and
//! another to put it near.
//!
//! - Description: each object's (type, colour) pair is uniform among the pairs not yet used,
//!   and its cell uniform among the free interior cells not in the 8-neighbourhood of an
//!   object already placed.
//! - Actions: the seven; the moves, `pickup` and `drop` matter.
//! - Observations: the 7×7 view; these envs see through walls (MiniGrid's setting).
//! - Rewards: `1 − 0.9·step_count/max_steps` for dropping the carried object on a cell within
//!   one cell (8-neighbourhood) of the target's starting cell, 0 otherwise
//!   ([`Task::PutNear`]).
//! - Start: a uniform free cell, facing a uniform direction.
//! - Episode end: picking up anything but the object to move (0), any `drop` while holding
//!   something, whether or not the front cell takes it (success or 0), or
//!   `max_steps = 5·size` (MiniGrid's default is linear in `size` here, unlike the other
//!   object envs).
//! - Arguments: `size`, `num_objs` (MiniGrid's `numObjs`, 2 to 18).
//!
//! The draws follow MiniGrid's, in order: for each object its (type, colour) then its cell,
//! then the agent's cell and direction, the object to move, and the target among the others.
//! MiniGrid redraws until a pair is new and until the target differs from the moved object;
//! we draw uniformly among the allowed choices, the same laws without loops. The objects'
//! pairs are distinct, so MiniGrid's identity check on the dropped object and our comparison
//! by value agree.

use crate::minigrid::any::BoxedMiniGrid;
use crate::minigrid::engine::MiniGridEnv;
use crate::minigrid::envs::go_to_object::{ObjType, describe, object_room_config, place_distinct};
use crate::minigrid::kwargs::{build_env, minigrid_spec, row_kwargs};
use crate::minigrid::layout::{Gen, GenError, Generator, Pos};
use crate::minigrid::object::Obj;
use crate::minigrid::world::Task;
use crate::registry::{EnvSpec, KwargSpec, Kwargs, MakeError};

/// The PutNear mission: MiniGrid's `"put the {colour} {type} near the {colour} {type}"`.
pub fn mission(moving: &Obj, target: &Obj) -> Option<String> {
    Some(format!(
        "put the {} near the {}",
        describe(moving)?,
        describe(target)?
    ))
}

/// The PutNear layout rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PutNear {
    /// Side of the grid, walls included.
    pub size: usize,
    /// How many objects to place (MiniGrid's `numObjs`), at least 2.
    pub num_objs: usize,
}

/// Whether `p` is within one cell (8-neighbourhood, or the same cell) of one of `placed`.
fn near_any(placed: &[Pos], p: Pos) -> bool {
    placed
        .iter()
        .any(|q| q.0.abs_diff(p.0) <= 1 && q.1.abs_diff(p.1) <= 1)
}

impl Generator for PutNear {
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let (w, h) = (g.grid.width(), g.grid.height());
        g.grid.wall_rect(0, 0, w, h);
        let objs = place_distinct(g, self.num_objs, &ObjType::ALL, near_any)?;
        g.place_agent(None, None, true)?;
        let n = objs.len();
        if n < 2 {
            return Err(GenError::InvalidConfig(format!(
                "num_objs = {}: must be at least 2",
                self.num_objs
            )));
        }
        let move_idx = g.rand_int(0, n);
        // Uniform over the other indices: skip past the moved object's.
        let mut target_idx = g.rand_int(0, n - 1);
        if target_idx >= move_idx {
            target_idx += 1;
        }
        let (moving, _) = objs[move_idx].clone();
        let (target, target_pos) = objs[target_idx].clone();
        g.mission = mission(&moving, &target).ok_or_else(|| {
            GenError::InvalidConfig(format!(
                "objects {moving:?}, {target:?}: only keys, balls and boxes have a name"
            ))
        })?;
        g.task = Task::PutNear {
            moving,
            target: target_pos,
        };
        Ok(())
    }
}

/// The PutNear env: the engine around [`PutNear`].
pub type PutNearEnv = MiniGridEnv<PutNear>;

impl PutNear {
    /// MiniGrid's default `max_steps` for a `size × size` grid: `5·size`.
    pub fn default_max_steps(size: usize) -> usize {
        5 * size
    }

    /// The env with MiniGrid's defaults (`max_steps = 5·size`, view 7, seeing through walls).
    /// Refused unless `2 ≤ num_objs ≤ 18` and the interior is large enough that the objects
    /// always fit apart (each one rules out at most 9 cells) with a cell left for the agent;
    /// MiniGrid would loop forever on some layouts of a tighter grid.
    pub fn env(size: usize, num_objs: usize) -> Result<PutNearEnv, GenError> {
        Self::env_with(size, num_objs, Self::default_max_steps(size), 7)
    }

    /// The env with an explicit `max_steps` and view size.
    pub fn env_with(
        size: usize,
        num_objs: usize,
        max_steps: usize,
        agent_view_size: usize,
    ) -> Result<PutNearEnv, GenError> {
        let config = object_room_config(size, num_objs, (2, 18), max_steps, agent_view_size)?;
        let interior = size.saturating_sub(2).pow(2);
        // Each object bars the 3 × 3 square around it to the later ones, so this many always fit.
        if interior <= 9 * (num_objs - 1) {
            return Err(GenError::InvalidConfig(format!(
                "num_objs = {num_objs}: must be at most {} for size {size}",
                interior.div_ceil(9)
            )));
        }
        MiniGridEnv::new(PutNear { size, num_objs }, config)
    }
}

const KWARGS: &[KwargSpec] = &row_kwargs("5·size");

fn build(kw: &Kwargs<'_>, size: usize, num_objs: usize) -> Result<BoxedMiniGrid, MakeError> {
    build_env(kw, PutNear::default_max_steps(size), |max_steps, view| {
        PutNear::env_with(size, num_objs, max_steps, view)
    })
}

/// The PutNear rows.
pub const SPECS: &[EnvSpec] = &[
    minigrid_spec(
        "MiniGrid-PutNear-6x6-N2-v0",
        "MiniGrid PutNear 6x6, 2 objects: put the named object near the other named one",
        KWARGS,
        |kw| build(kw, 6, 2),
    ),
    minigrid_spec(
        "MiniGrid-PutNear-8x8-N3-v0",
        "MiniGrid PutNear 8x8, 3 objects: put the named object near the other named one",
        KWARGS,
        |kw| build(kw, 8, 3),
    ),
];

#[cfg(test)]
#[path = "put_near_tests.rs"]
mod tests;
