//! Layout generation: the [`Generator`] hook an env implements (MiniGrid's `_gen_grid`) and
//! [`Gen`], the layout under construction with MiniGrid's placement helpers, drawing from the
//! env's own seeded RNG.
//!
//! Placement differs from MiniGrid in the draws, not the distribution: MiniGrid rejection-
//! samples uniform positions in a rectangle until one is acceptable; [`Gen::place_obj`] draws
//! uniformly among the acceptable cells, which is the same law, always terminates, and reports
//! [`GenError::NoFreeCell`] where MiniGrid would loop forever.

use rand::Rng;
use rand::distr::uniform::{UniformInt, UniformSampler};
use rewardlab_core::rng::EnvRng;

use std::ops::Range;

use super::grid::{Grid, view_code};
use super::object::{Color, Obj};
use super::world::{Action, Outcome, Task, World};

/// A cell position `(x, y)`.
pub type Pos = (usize, usize);

/// A placement filter: `true` rejects the position (MiniGrid's `reject_fn`).
pub type RejectFn<'a> = &'a dyn Fn(&Grid, Pos) -> bool;

/// Why a layout could not be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenError {
    /// No acceptable cell in the placement rectangle.
    #[error("no free cell to place an object in the {size:?} rectangle at {top:?}")]
    NoFreeCell {
        /// Top-left corner of the rectangle.
        top: Pos,
        /// Its size.
        size: Pos,
    },
    /// The generator did not place the agent.
    #[error("the layout has no agent")]
    NoAgent,
    /// The agent starts on a cell it cannot stand on.
    #[error("the agent starts on a blocking cell at {0:?}")]
    BlockedStart(Pos),
    /// The view size is not an odd number of at least 3.
    #[error("agent_view_size {0} must be odd and at least 3")]
    BadViewSize(usize),
    /// An env parameter out of its range (the message names it and the range).
    #[error("invalid MiniGrid parameter: {0}")]
    InvalidConfig(String),
}

/// An env's layout rule: MiniGrid's `_gen_grid`.
pub trait Generator: std::fmt::Debug + Send + 'static {
    /// Fills `g.grid` (empty, of the env's size), places the agent, sets the mission and, if
    /// the env has its own win/loss rule, `g.task`.
    fn gen_grid(&mut self, g: &mut Gen<'_>) -> Result<(), GenError>;

    /// Whether [`Generator::step`] does more than [`World::apply`] (a world that changes by
    /// itself): such an env cannot be searched or exported as a deterministic model.
    fn has_own_step(&self) -> bool {
        false
    }

    /// One step of the world. The default is [`World::apply`]; an env whose world changes by
    /// itself (moving obstacles) wraps it, drawing from the env's RNG, and says so in
    /// [`Generator::has_own_step`].
    fn step(&mut self, world: &mut World, rng: &mut EnvRng, action: Action) -> Outcome {
        let _ = rng;
        world.apply(action)
    }
}

/// The layout being generated, with MiniGrid's placement helpers and the env's RNG.
#[derive(Debug)]
pub struct Gen<'a> {
    /// The grid, empty at the start.
    pub grid: Grid,
    /// The agent's start, once placed.
    pub agent_pos: Option<Pos>,
    /// The agent's start direction, 0..4.
    pub agent_dir: u8,
    /// The mission string.
    pub mission: String,
    /// The win/loss rule ([`Task::ReachGoal`] unless the env sets another).
    pub task: Task,
    rng: &'a mut EnvRng,
}

impl<'a> Gen<'a> {
    /// A fresh layout: an empty `width × height` grid, no agent, no mission.
    // The engine reuses its buffers (`reusing`); tests build layouts from scratch.
    #[cfg(test)]
    pub(super) fn new(width: usize, height: usize, rng: &'a mut EnvRng) -> Self {
        Self::reusing(Grid::new(width, height), String::new(), width, height, rng)
    }

    /// A fresh layout as [`Gen::new`] makes, in the allocations of a previous one: `grid` is
    /// emptied and resized, `mission` cleared (a reset then allocates neither).
    pub(super) fn reusing(
        mut grid: Grid,
        mut mission: String,
        width: usize,
        height: usize,
        rng: &'a mut EnvRng,
    ) -> Self {
        grid.reset(width, height);
        mission.clear();
        Gen {
            grid,
            agent_pos: None,
            agent_dir: 0,
            mission,
            task: Task::ReachGoal,
            rng,
        }
    }

    /// A uniform integer in `low..high` (MiniGrid's `_rand_int`); `low` if the range is empty.
    #[inline]
    pub fn rand_int(&mut self, low: usize, high: usize) -> usize {
        if high <= low {
            low
        } else if let (Ok(lo), Ok(hi)) = (u32::try_from(low), u32::try_from(high)) {
            // What `random_range(low..high)` on `usize` does for bounds that fit in `u32`
            // (the same draw), without its `u64` branch: small enough to inline, which
            // matters to layouts that draw hundreds of times per reset (MultiRoom).
            UniformInt::<u32>::sample_single(lo, hi, self.rng).map_or(low, |v| v as usize)
        } else {
            self.rng.random_range(low..high)
        }
    }

    /// A fair coin.
    pub fn rand_bool(&mut self) -> bool {
        self.rng.random::<bool>()
    }

    /// A uniform colour.
    pub fn rand_color(&mut self) -> Color {
        Color::ALL[self.rand_int(0, Color::ALL.len())]
    }

    /// A uniform element of `items` (MiniGrid's `_rand_elem`); `None` if empty.
    pub fn rand_elem<T: Clone>(&mut self, items: &[T]) -> Option<T> {
        if items.is_empty() {
            return None;
        }
        let i = self.rand_int(0, items.len());
        Some(items[i].clone())
    }

    /// `k` distinct elements of `items` drawn uniformly without replacement, in draw order
    /// (MiniGrid's `_rand_subset`); all of them, shuffled, if `k ≥ items.len()`.
    pub fn rand_subset<T: Clone>(&mut self, items: &[T], k: usize) -> Vec<T> {
        let mut pool = items.to_vec();
        let mut out = Vec::with_capacity(k.min(pool.len()));
        while out.len() < k && !pool.is_empty() {
            let i = self.rand_int(0, pool.len());
            out.push(pool.swap_remove(i));
        }
        out
    }

    /// A uniform position with `x` in `x_low..x_high` and `y` in `y_low..y_high` (MiniGrid's
    /// `_rand_pos`).
    pub fn rand_pos(&mut self, x_low: usize, x_high: usize, y_low: usize, y_high: usize) -> Pos {
        let x = self.rand_int(x_low, x_high);
        let y = self.rand_int(y_low, y_high);
        (x, y)
    }

    /// The env's RNG, for draws the helpers above do not cover (shuffles).
    pub fn rng(&mut self) -> &mut EnvRng {
        self.rng
    }

    /// Puts `obj` at `(x, y)` (MiniGrid's `put_obj`).
    pub fn put_obj(&mut self, obj: Obj, x: usize, y: usize) {
        self.grid.set(x, y, Some(obj));
    }

    /// Places `obj` (or nothing, to reserve a position) on a uniform empty cell of the
    /// rectangle `top`, `size` (the whole grid by default), not under the agent and not
    /// rejected by `reject`; returns the position.
    pub fn place_obj(
        &mut self,
        obj: Option<Obj>,
        top: Option<Pos>,
        size: Option<Pos>,
        reject: Option<RejectFn<'_>>,
    ) -> Result<Pos, GenError> {
        let top = top.unwrap_or((0, 0));
        let size = size.unwrap_or((self.grid.width(), self.grid.height()));
        let x_end = (top.0 + size.0).min(self.grid.width());
        let y_end = (top.1 + size.1).min(self.grid.height());
        if reject.is_none() && top.0 < x_end && top.1 < y_end {
            let pos = self.draw_free_cell(top.0..x_end, top.1..y_end);
            let pos = pos.ok_or(GenError::NoFreeCell { top, size })?;
            if let Some(obj) = obj {
                self.grid.set(pos.0, pos.1, Some(obj));
            }
            return Ok(pos);
        }
        // Counted, then walked again to the drawn one: no list of free cells is allocated.
        let agent = self.agent_pos;
        let ok = |grid: &Grid, p: Pos| {
            grid.get(p.0, p.1).is_none() && agent != Some(p) && reject.is_none_or(|r| !r(grid, p))
        };
        let cells = || (top.1..y_end).flat_map(move |y| (top.0..x_end).map(move |x| (x, y)));
        let count = cells().filter(|&p| ok(&self.grid, p)).count();
        if count == 0 {
            return Err(GenError::NoFreeCell { top, size });
        }
        let k = self.rand_int(0, count);
        let pos = cells()
            .filter(|&p| ok(&self.grid, p))
            .nth(k)
            .ok_or(GenError::NoFreeCell { top, size })?;
        if let Some(obj) = obj {
            self.grid.set(pos.0, pos.1, Some(obj));
        }
        Ok(pos)
    }

    /// [`Gen::place_obj`] without a filter: a uniform empty cell of the (non-empty)
    /// rectangle, not under the agent, drawn with one `rand_int` over their count, as there.
    /// The empty cells are counted a row at a time from the grid's cell codes (a comparison
    /// the compiler vectorises), and only the row of the drawn one is walked.
    fn draw_free_cell(&mut self, xs: Range<usize>, ys: Range<usize>) -> Option<Pos> {
        let width = self.grid.width();
        let empty = view_code(None);
        let agent = self.agent_pos;
        // The agent's cell is left out where it is empty and inside the rectangle.
        let row_count = |grid: &Grid, y: usize| {
            let free = grid.row_codes(y, xs.start, xs.end).iter();
            let under_agent = agent.is_some_and(|(ax, ay)| {
                ay == y && xs.contains(&ax) && grid.empty_cells()(y * width + ax)
            });
            free.filter(|&&c| c == empty).count() - usize::from(under_agent)
        };
        let count: usize = ys.clone().map(|y| row_count(&self.grid, y)).sum();
        if count == 0 {
            return None;
        }
        let mut k = self.rand_int(0, count);
        let grid = &self.grid;
        for y in ys {
            let n = row_count(grid, y);
            if k >= n {
                k -= n;
                continue;
            }
            let is_empty = grid.empty_cells();
            return xs
                .clone()
                .filter(|&x| is_empty(y * width + x) && agent != Some((x, y)))
                .nth(k)
                .map(|x| (x, y));
        }
        None
    }

    /// Places the agent on a uniform empty cell of the rectangle, facing a uniform direction
    /// when `rand_dir` (MiniGrid's `place_agent`).
    pub fn place_agent(
        &mut self,
        top: Option<Pos>,
        size: Option<Pos>,
        rand_dir: bool,
    ) -> Result<Pos, GenError> {
        self.agent_pos = None;
        let pos = self.place_obj(None, top, size, None)?;
        self.agent_pos = Some(pos);
        if rand_dir {
            self.agent_dir = self.rand_int(0, 4) as u8;
        }
        Ok(pos)
    }
}
