//! MiniGrid-LavaCrossing and MiniGrid-SimpleCrossing: a walled square crossed by full-length
//! "rivers" of lava (or walls), each with one opening, laid out so that a path from the start
//! to the goal always exists.
//!
//! - Description: the agent starts at `(1, 1)` facing right; the goal is at
//!   `(size−2, size−2)`. The candidate rivers are the vertical lines `x = 2, 4, …, size−3`
//!   followed by the horizontal lines `y = 2, 4, …, size−3`; the list is shuffled and the
//!   first `num_crossings` are laid (all of them if there are fewer). The rivers split the
//!   room into a grid of rooms; a path of moves (one "right" per vertical river, one "down"
//!   per horizontal river) is shuffled, and walking it from the top-left room, each move opens
//!   the river it crosses at a uniform cell of the current room's span. MiniGrid's draws, in
//!   its order: one shuffle of the rivers, one of the path, one uniform draw per opening
//!   (shuffles are Fisher–Yates from the back, as NumPy's).
//! - Actions: MiniGrid's 7; only `left`, `right` and `forward` do anything here.
//! - Observations: the 7×7 egocentric view; walls block sight (as MiniGrid registers them).
//! - Rewards: `1 − 0.9·step_count/max_steps` on the goal, 0 otherwise (lava ends with 0).
//! - Start: `(1, 1)`, facing right (no draw).
//! - Episode end: the goal or lava terminates; `max_steps = 4·size²` truncates.
//! - Arguments: `size` (odd, ≥ 5), `num_crossings`, and the obstacle (MiniGrid's
//!   `obstacle_type`): lava gives `"avoid the lava and get to the green goal square"`, a wall
//!   `"find the opening and get to the green goal square"`, anything else `"get to the green
//!   goal square"`.

use crate::minigrid::any::BoxedMiniGrid;
use crate::minigrid::engine::{EngineConfig, MiniGridEnv};
use crate::minigrid::kwargs::{build_env, minigrid_spec, row_kwargs};
use crate::minigrid::layout::{Gen, GenError, Generator};
use crate::minigrid::object::Obj;
use crate::registry::{EnvSpec, KwargSpec, Kwargs, MakeError};

/// The mission with lava rivers.
pub const LAVA_MISSION: &str = "avoid the lava and get to the green goal square";

/// The mission with wall rivers.
pub const WALL_MISSION: &str = "find the opening and get to the green goal square";

/// The mission with any other obstacle.
pub const OTHER_MISSION: &str = "get to the green goal square";

/// The smallest side that leaves room for a river.
pub const MIN_SIZE: usize = 5;

/// The orientation of a river.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum River {
    /// A column of obstacles at this `x`.
    Vertical(usize),
    /// A row of obstacles at this `y`.
    Horizontal(usize),
}

/// The Crossing layout rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crossing {
    /// Side of the square, walls included (odd, ≥ 5).
    pub size: usize,
    /// How many rivers to lay (MiniGrid's `num_crossings`); capped by the candidates.
    pub num_crossings: usize,
    /// What the rivers are made of (lava for LavaCrossing, a wall for SimpleCrossing).
    pub obstacle: Obj,
}

impl Crossing {
    /// The LavaCrossing rule.
    pub fn lava(size: usize, num_crossings: usize) -> Self {
        Crossing {
            size,
            num_crossings,
            obstacle: Obj::Lava,
        }
    }

    /// The SimpleCrossing rule (grey walls).
    pub fn simple(size: usize, num_crossings: usize) -> Self {
        Crossing {
            size,
            num_crossings,
            obstacle: Obj::WALL,
        }
    }

    /// The mission MiniGrid gives this obstacle.
    pub fn mission(&self) -> &'static str {
        match self.obstacle {
            Obj::Lava => LAVA_MISSION,
            Obj::Wall(_) => WALL_MISSION,
            _ => OTHER_MISSION,
        }
    }

    /// How many rivers a layout has: `num_crossings`, capped by the `2·⌊(size−3)/2⌋`
    /// candidates.
    pub fn n_rivers(&self) -> usize {
        self.num_crossings
            .min(2 * (self.size.saturating_sub(3) / 2))
    }

    /// The env with MiniGrid's defaults (`max_steps = 4·size²`, view 7, walls block sight).
    pub fn env(self) -> Result<CrossingEnv, GenError> {
        let max_steps = 4 * self.size * self.size;
        self.env_with(max_steps, 7)
    }

    /// The env with an explicit `max_steps` and view size. An even size or one below 5 is
    /// refused ([`GenError::InvalidConfig`]); MiniGrid asserts an odd size.
    pub fn env_with(
        self,
        max_steps: usize,
        agent_view_size: usize,
    ) -> Result<CrossingEnv, GenError> {
        if self.size < MIN_SIZE || self.size.is_multiple_of(2) {
            return Err(GenError::InvalidConfig(format!(
                "size = {}: must be odd and at least {MIN_SIZE}",
                self.size
            )));
        }
        let config = EngineConfig::square(self.size, max_steps, false, agent_view_size);
        MiniGridEnv::new(self, config)
    }
}

/// Shuffles `items` in place with a Fisher–Yates pass from the back (NumPy's order of draws).
fn shuffle<T>(g: &mut Gen<'_>, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = g.rand_int(0, i + 1);
        items.swap(i, j);
    }
}

impl Generator for Crossing {
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError> {
        let (w, h) = (g.grid.width(), g.grid.height());
        g.grid.wall_rect(0, 0, w, h);
        g.agent_pos = Some((1, 1));
        g.agent_dir = 0;
        g.put_obj(Obj::Goal, w - 2, h - 2);

        // MiniGrid draws vertical positions from the height and horizontal ones from the
        // width (and the opposite for the room limits); the grid is square, so it is moot.
        let mut rivers: Vec<River> = (2..h.saturating_sub(2))
            .step_by(2)
            .map(River::Vertical)
            .chain((2..w.saturating_sub(2)).step_by(2).map(River::Horizontal))
            .collect();
        shuffle(g, &mut rivers);
        rivers.truncate(self.num_crossings);
        let mut rivers_v: Vec<usize> = rivers
            .iter()
            .filter_map(|r| match r {
                River::Vertical(x) => Some(*x),
                River::Horizontal(_) => None,
            })
            .collect();
        let mut rivers_h: Vec<usize> = rivers
            .iter()
            .filter_map(|r| match r {
                River::Horizontal(y) => Some(*y),
                River::Vertical(_) => None,
            })
            .collect();
        rivers_v.sort_unstable();
        rivers_h.sort_unstable();
        for &y in &rivers_h {
            g.grid.horz_wall(1, y, w - 2, &self.obstacle);
        }
        for &x in &rivers_v {
            g.grid.vert_wall(x, 1, h - 2, &self.obstacle);
        }

        // `true` crosses a vertical river (a move right), `false` a horizontal one (down).
        let mut path: Vec<bool> = std::iter::repeat_n(true, rivers_v.len())
            .chain(std::iter::repeat_n(false, rivers_h.len()))
            .collect();
        shuffle(g, &mut path);
        let limits_v: Vec<usize> = std::iter::once(0)
            .chain(rivers_v.iter().copied())
            .chain(std::iter::once(w - 1))
            .collect();
        let limits_h: Vec<usize> = std::iter::once(0)
            .chain(rivers_h.iter().copied())
            .chain(std::iter::once(h - 1))
            .collect();
        let (mut room_i, mut room_j) = (0, 0);
        for right in path {
            let (x, y) = if right {
                let y = g.rand_int(limits_h[room_j] + 1, limits_h[room_j + 1]);
                room_i += 1;
                (limits_v[room_i], y)
            } else {
                let x = g.rand_int(limits_v[room_i] + 1, limits_v[room_i + 1]);
                room_j += 1;
                (x, limits_h[room_j])
            };
            g.grid.take(x, y);
        }
        g.mission = self.mission().to_string();
        Ok(())
    }
}

/// The Crossing env: the engine around [`Crossing`].
pub type CrossingEnv = MiniGridEnv<Crossing>;

const KWARGS: &[KwargSpec] = &row_kwargs("the env's (4·size² for Crossing)");

fn build(kw: &Kwargs<'_>, rule: Crossing) -> Result<BoxedMiniGrid, MakeError> {
    build_env(kw, 4 * rule.size * rule.size, |max_steps, view| {
        rule.env_with(max_steps, view)
    })
}

/// The LavaCrossing and SimpleCrossing rows.
pub const SPECS: &[EnvSpec] = &[
    minigrid_spec(
        "MiniGrid-LavaCrossingS9N1-v0",
        "MiniGrid LavaCrossing 9x9, one lava river with one opening",
        KWARGS,
        |kw| build(kw, Crossing::lava(9, 1)),
    ),
    minigrid_spec(
        "MiniGrid-LavaCrossingS9N2-v0",
        "MiniGrid LavaCrossing 9x9, two lava rivers, one opening each",
        KWARGS,
        |kw| build(kw, Crossing::lava(9, 2)),
    ),
    minigrid_spec(
        "MiniGrid-LavaCrossingS9N3-v0",
        "MiniGrid LavaCrossing 9x9, three lava rivers, one opening each",
        KWARGS,
        |kw| build(kw, Crossing::lava(9, 3)),
    ),
    minigrid_spec(
        "MiniGrid-LavaCrossingS11N5-v0",
        "MiniGrid LavaCrossing 11x11, five lava rivers, one opening each",
        KWARGS,
        |kw| build(kw, Crossing::lava(11, 5)),
    ),
    minigrid_spec(
        "MiniGrid-SimpleCrossingS9N1-v0",
        "MiniGrid SimpleCrossing 9x9, one wall with one opening",
        KWARGS,
        |kw| build(kw, Crossing::simple(9, 1)),
    ),
    minigrid_spec(
        "MiniGrid-SimpleCrossingS9N2-v0",
        "MiniGrid SimpleCrossing 9x9, two walls, one opening each",
        KWARGS,
        |kw| build(kw, Crossing::simple(9, 2)),
    ),
    minigrid_spec(
        "MiniGrid-SimpleCrossingS9N3-v0",
        "MiniGrid SimpleCrossing 9x9, three walls, one opening each",
        KWARGS,
        |kw| build(kw, Crossing::simple(9, 3)),
    ),
    minigrid_spec(
        "MiniGrid-SimpleCrossingS11N5-v0",
        "MiniGrid SimpleCrossing 11x11, five walls, one opening each",
        KWARGS,
        |kw| build(kw, Crossing::simple(11, 5)),
    ),
];

#[cfg(test)]
#[path = "crossing_tests.rs"]
pub(crate) mod tests;
