//! MiniGrid-FourRooms: a 19 × 19 walled square cut into four rooms by a cross of walls, each
//! of the cross's four arms pierced by one gap; the agent and the goal are placed uniformly.
//!
//! - Description: find the goal, which may lie in any of the four rooms (layout rule below).
//! - Actions: the 7 MiniGrid actions; only `left`, `right` and `forward` do anything here.
//! - Observations: the 7 × 7 egocentric view, direction and the mission `"reach the goal"`.
//! - Rewards: `1 − 0.9·step_count/max_steps` on the goal, else 0.
//! - Start: a uniform free cell and direction (or a fixed `agent_pos`).
//! - Episode end: the goal (terminated) or `max_steps` (truncated, 100).
//! - Arguments: `agent_pos`, `goal_pos` (interior cells or `None`), `max_steps`,
//!   `agent_view_size`.
//!
//! The layout rule is MiniGrid's, draw for draw in order: for each room, row by row, the wall
//! to its right gets a gap at a uniform row strictly inside the room's span, and the wall below
//! it a gap at a uniform column strictly inside its span (four gaps in all, since the outer
//! walls are not cut). Then the agent takes a uniform free cell and direction, and the goal a
//! uniform free cell. As MiniGrid's constructor, [`FourRooms`] can fix the agent's start (the
//! cell is cleared, the direction stays uniform) and the goal's cell. `max_steps = 100`; the
//! walls block sight. The mission is MiniGrid's `"reach the goal"`.

use crate::minigrid::engine::{EngineConfig, MiniGridEnv};
use crate::minigrid::kwargs::{build_env, minigrid_spec, row_kwargs};
use crate::minigrid::layout::{Gen, GenError, Generator, Pos};
use crate::minigrid::object::Obj;
use crate::registry::{EnvSpec, KwargSpec};

/// The mission of FourRooms.
pub const MISSION: &str = "reach the goal";

/// Side of the FourRooms grid, walls included (MiniGrid fixes it).
pub const SIZE: usize = 19;

/// MiniGrid's default `max_steps` for FourRooms.
pub const MAX_STEPS_DEFAULT: usize = 100;

/// The FourRooms layout rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FourRooms {
    /// A fixed start cell (MiniGrid's `agent_pos`); `None` draws it.
    pub agent_pos: Option<Pos>,
    /// A fixed goal cell (MiniGrid's `goal_pos`); `None` draws it.
    pub goal_pos: Option<Pos>,
}

impl Generator for FourRooms {
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let (w, h) = (g.grid.width(), g.grid.height());
        g.grid.wall_rect(0, 0, w, h);
        let (room_w, room_h) = (w / 2, h / 2);
        for j in 0..2 {
            for i in 0..2 {
                let (left, top) = (i * room_w, j * room_h);
                let (right, bottom) = (left + room_w, top + room_h);
                if i + 1 < 2 {
                    g.grid.vert_wall(right, top, room_h, &Obj::WALL);
                    let y = g.rand_int(top + 1, bottom);
                    g.grid.take(right, y);
                }
                if j + 1 < 2 {
                    g.grid.horz_wall(left, bottom, room_w, &Obj::WALL);
                    let x = g.rand_int(left + 1, right);
                    g.grid.take(x, bottom);
                }
            }
        }
        match self.agent_pos {
            Some(pos) => {
                g.grid.take(pos.0, pos.1);
                g.agent_pos = Some(pos);
                g.agent_dir = g.rand_int(0, 4) as u8;
            }
            None => {
                g.place_agent(None, None, true)?;
            }
        }
        match self.goal_pos {
            Some((x, y)) => g.put_obj(Obj::Goal, x, y),
            None => {
                g.place_obj(Some(Obj::Goal), None, None, None)?;
            }
        }
        g.mission = MISSION.to_string();
        Ok(())
    }
}

/// The FourRooms env: the engine around [`FourRooms`].
pub type FourRoomsEnv = MiniGridEnv<FourRooms>;

impl FourRooms {
    /// The env with MiniGrid's defaults (`max_steps = 100`, view 7, walls blocking sight).
    pub fn env(self) -> Result<FourRoomsEnv, GenError> {
        self.env_with(MAX_STEPS_DEFAULT, 7)
    }

    /// The env with an explicit `max_steps` and view size. A fixed start or goal outside the
    /// grid's interior is refused.
    pub fn env_with(
        self,
        max_steps: usize,
        agent_view_size: usize,
    ) -> Result<FourRoomsEnv, GenError> {
        let inside = |p: Pos| (1..SIZE - 1).contains(&p.0) && (1..SIZE - 1).contains(&p.1);
        for (name, pos) in [("agent_pos", self.agent_pos), ("goal_pos", self.goal_pos)] {
            if let Some(pos) = pos.filter(|&p| !inside(p)) {
                return Err(GenError::InvalidConfig(format!(
                    "{name} = {pos:?}: x and y must be in 1..{}",
                    SIZE - 1
                )));
            }
        }
        let config = EngineConfig::square(SIZE, max_steps, false, agent_view_size);
        MiniGridEnv::new(self, config)
    }
}

const KWARGS: &[KwargSpec] = &row_kwargs("100");

/// The FourRooms row.
pub const SPECS: &[EnvSpec] = &[minigrid_spec(
    "MiniGrid-FourRooms-v0",
    "MiniGrid FourRooms: four rooms joined by four gaps, random start and goal",
    KWARGS,
    |kw| {
        build_env(kw, MAX_STEPS_DEFAULT, |max_steps, view| {
            FourRooms::default().env_with(max_steps, view)
        })
    },
)];
