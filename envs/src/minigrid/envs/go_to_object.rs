//! MiniGrid-GoToObject: a walled square holding `num_objs` distinct objects (keys, balls,
//! boxes); the mission names one, and the agent must perform `done` next to it.
//!
//! - Description: each object's (type, colour) pair is uniform among the pairs not yet used,
//!   and its cell uniform among the free interior cells.
//! - Actions: the seven; the moves, `toggle` and `done` matter (`pickup` works as usual but
//!   the target stays the cell the object was placed on, as in MiniGrid).
//! - Observations: the 7×7 view; these envs see through walls (MiniGrid's setting).
//! - Rewards: `1 − 0.9·step_count/max_steps` for `done` while 4-adjacent to the target's
//!   starting cell, 0 otherwise ([`Task::DoneNextTo`]).
//! - Start: a uniform free cell, facing a uniform direction.
//! - Episode end: any `done`, any `toggle` (0), or `max_steps = 5·size²`.
//! - Arguments: `size`, `num_objs` (MiniGrid's `numObjs`, 1 to 18).
//!
//! The draws follow MiniGrid's, in order: for each object its (type, colour) then its cell,
//! then the agent's cell and direction, then the target. MiniGrid redraws a (type, colour)
//! pair until it is new; [`draw_distinct`] draws uniformly among the unused pairs, which is
//! the same law and cannot loop. Since the pairs are distinct, comparing objects by value (as
//! our tasks do) is comparing them by identity.
//!
//! This file also holds what PutNear and Fetch share: [`ObjType`], [`draw_distinct`],
//! [`describe`] and the checked configuration of an object room, `object_room_config`.

use crate::minigrid::any::BoxedMiniGrid;
use crate::minigrid::engine::{EngineConfig, MiniGridEnv};
use crate::minigrid::kwargs::{build_env, minigrid_spec, row_kwargs};
use crate::minigrid::layout::{Gen, GenError, Generator, Pos};
use crate::minigrid::object::{Color, Obj};
use crate::minigrid::world::Task;
use crate::registry::{EnvSpec, KwargSpec, Kwargs, MakeError};

/// A pickable object type, as the object envs draw them: the room grids'
/// [`ObjKind`](crate::minigrid::room_grid::ObjKind) (key, ball, empty box; `ObjType::ALL` in
/// MiniGrid's order).
pub use crate::minigrid::room_grid::ObjKind as ObjType;

/// An object's mission phrase, `"{colour} {type}"` (`"red key"`); `None` for objects no
/// mission names (walls, floors, doors, goal, lava).
pub fn describe(obj: &Obj) -> Option<String> {
    let noun = match obj {
        Obj::Key(_) => "key",
        Obj::Ball(_) => "ball",
        Obj::Box(..) => "box",
        _ => return None,
    };
    Some(format!("{} {noun}", obj.color().name()))
}

/// A uniform (type, colour) pair among those of `types` × [`Color::ALL`] that `taken` does
/// not hold; `None` when all are taken.
pub fn draw_distinct(g: &mut Gen<'_>, types: &[ObjType], taken: &[Obj]) -> Option<Obj> {
    let free: Vec<Obj> = types
        .iter()
        .flat_map(|t| Color::ALL.map(|c| t.make(c)))
        .filter(|o| !taken.contains(o))
        .collect();
    g.rand_elem(&free)
}

/// The GoToObject mission: MiniGrid's `"go to the {colour} {type}"`.
pub fn mission(target: &Obj) -> Option<String> {
    describe(target).map(|d| format!("go to the {d}"))
}

/// The GoToObject layout rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoToObject {
    /// Side of the grid, walls included.
    pub size: usize,
    /// How many objects to place (MiniGrid's `numObjs`), 1 to 18.
    pub num_objs: usize,
}

/// Places `n` objects of distinct (type, colour) from `types`, each on a uniform free cell not
/// rejected by `reject` given the cells already used; returns them with their cells.
pub(crate) fn place_distinct(
    g: &mut Gen<'_>,
    n: usize,
    types: &[ObjType],
    reject: impl Fn(&[Pos], Pos) -> bool,
) -> Result<Vec<(Obj, Pos)>, GenError> {
    let mut placed: Vec<(Obj, Pos)> = Vec::with_capacity(n);
    let no_pair = || {
        GenError::InvalidConfig(format!(
            "num_objs = {n}: must be at most {}, the distinct (type, colour) pairs",
            types.len() * Color::ALL.len()
        ))
    };
    while placed.len() < n {
        let taken: Vec<Obj> = placed.iter().map(|(o, _)| o.clone()).collect();
        let obj = draw_distinct(g, types, &taken).ok_or_else(no_pair)?;
        let used: Vec<Pos> = placed.iter().map(|&(_, p)| p).collect();
        let reject_near = |_: &crate::minigrid::grid::Grid, p: Pos| reject(&used, p);
        let pos = g.place_obj(Some(obj.clone()), None, None, Some(&reject_near))?;
        placed.push((obj, pos));
    }
    Ok(placed)
}

impl Generator for GoToObject {
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let (w, h) = (g.grid.width(), g.grid.height());
        g.grid.wall_rect(0, 0, w, h);
        let objs = place_distinct(g, self.num_objs, &ObjType::ALL, |_, _| false)?;
        g.place_agent(None, None, true)?;
        let (target, pos) = g.rand_elem(&objs).ok_or_else(|| {
            GenError::InvalidConfig(format!("num_objs = {}: must be at least 1", self.num_objs))
        })?;
        g.mission = mission(&target).ok_or_else(|| {
            GenError::InvalidConfig(format!(
                "object {target:?}: only keys, balls and boxes have a name"
            ))
        })?;
        g.task = Task::DoneNextTo(pos);
        Ok(())
    }
}

/// The GoToObject env: the engine around [`GoToObject`].
pub type GoToObjectEnv = MiniGridEnv<GoToObject>;

/// The engine configuration of a `size × size` room holding `num_objs` objects, seeing through
/// walls as MiniGrid's object envs do. Refuses a grid or object count MiniGrid cannot lay out
/// (it would crash with no object and loop forever with more objects than distinct pairs or
/// free cells): `size ≥ 3` and `min ≤ num_objs ≤ max`, capped by the interior cells less one
/// for the agent.
pub(crate) fn object_room_config(
    size: usize,
    num_objs: usize,
    (min, max): (usize, usize),
    max_steps: usize,
    agent_view_size: usize,
) -> Result<EngineConfig, GenError> {
    if size < 3 {
        return Err(GenError::InvalidConfig(format!(
            "size = {size}: must be at least 3"
        )));
    }
    // One interior cell is left for the agent.
    let cells = (size - 2).pow(2) - 1;
    let max = max.min(cells);
    if num_objs < min || num_objs > max {
        return Err(GenError::InvalidConfig(format!(
            "num_objs = {num_objs}: must be in {min}..={max} for size {size}"
        )));
    }
    Ok(EngineConfig::square(size, max_steps, true, agent_view_size))
}

impl GoToObject {
    /// MiniGrid's default `max_steps` for a `size × size` grid: `5·size²`.
    pub fn default_max_steps(size: usize) -> usize {
        5 * size * size
    }

    /// The env with MiniGrid's defaults (`max_steps = 5·size²`, view 7, seeing through walls).
    /// Refused unless `1 ≤ num_objs ≤ 18` and the interior has a cell for each object and the
    /// agent.
    pub fn env(size: usize, num_objs: usize) -> Result<GoToObjectEnv, GenError> {
        Self::env_with(size, num_objs, Self::default_max_steps(size), 7)
    }

    /// The env with an explicit `max_steps` and view size.
    pub fn env_with(
        size: usize,
        num_objs: usize,
        max_steps: usize,
        agent_view_size: usize,
    ) -> Result<GoToObjectEnv, GenError> {
        let config = object_room_config(size, num_objs, (1, 18), max_steps, agent_view_size)?;
        MiniGridEnv::new(GoToObject { size, num_objs }, config)
    }
}

const KWARGS: &[KwargSpec] = &row_kwargs("5·size²");

fn build(kw: &Kwargs<'_>, size: usize, num_objs: usize) -> Result<BoxedMiniGrid, MakeError> {
    build_env(
        kw,
        GoToObject::default_max_steps(size),
        |max_steps, view| GoToObject::env_with(size, num_objs, max_steps, view),
    )
}

/// The GoToObject rows.
pub const SPECS: &[EnvSpec] = &[
    minigrid_spec(
        "MiniGrid-GoToObject-6x6-N2-v0",
        "MiniGrid GoToObject 6x6, 2 objects: perform done next to the object the mission names",
        KWARGS,
        |kw| build(kw, 6, 2),
    ),
    minigrid_spec(
        "MiniGrid-GoToObject-8x8-N2-v0",
        "MiniGrid GoToObject 8x8, 2 objects: perform done next to the object the mission names",
        KWARGS,
        |kw| build(kw, 8, 2),
    ),
];

#[cfg(test)]
#[path = "go_to_object_tests.rs"]
pub(crate) mod tests;
