//! [`Grid`]: a width × height array of cells, indexed `(x, y)` with `x` to the right and `y`
//! downwards, as MiniGrid's.
//!
//! Beside the objects the grid keeps each cell's observation code (type, colour, state and
//! whether it blocks sight, packed in a `u32`), updated by every write. Building the 7 × 7
//! observation at each step then reads 49 integers instead of matching 49 objects, whose
//! unpredictable kinds cost more than the rest of the step. [`Grid::get_mut`] hands out the
//! object itself, so it marks that cell's code stale; the codes are used only when none is
//! ([`Grid::view_codes`]), and [`Grid::refresh_codes`] re-encodes the stale cells.

use std::hash::{Hash, Hasher};

use super::object::{EMPTY_IDX, Obj};

/// The packed observation code of a cell: bytes 0–2 the `(type, colour, state)` triple, bit
/// 24 set when the cell blocks sight.
pub(crate) fn view_code(cell: Option<&Obj>) -> u32 {
    match cell {
        Some(obj) => {
            let [t, c, s] = obj.encode();
            u32::from_le_bytes([t, c, s, u8::from(!obj.see_behind())])
        }
        None => u32::from(EMPTY_IDX),
    }
}

/// Which codes may be out of date after [`Grid::get_mut`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stale {
    /// Every code is current.
    None,
    /// The code of this cell index.
    One(usize),
    /// Any code.
    All,
}

/// The world's cells; `None` is an empty cell.
#[derive(Clone)]
pub struct Grid {
    width: usize,
    height: usize,
    cells: Vec<Option<Obj>>,
    /// `view_code` of each cell, derived from `cells` (not part of equality or hashing).
    codes: Vec<u32>,
    stale: Stale,
    /// Every cell index filled since the last reset (possibly repeated), so a reset empties
    /// those instead of the whole grid; `None` once the list would outgrow the grid (the
    /// next reset then empties every cell).
    filled: Option<Vec<usize>>,
}

impl std::fmt::Debug for Grid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grid")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("cells", &self.cells)
            .finish()
    }
}

impl PartialEq for Grid {
    fn eq(&self, other: &Self) -> bool {
        self.width == other.width && self.height == other.height && self.cells == other.cells
    }
}

impl Eq for Grid {}

impl Hash for Grid {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.width.hash(state);
        self.height.hash(state);
        self.cells.hash(state);
    }
}

impl Grid {
    /// An empty grid.
    pub fn new(width: usize, height: usize) -> Self {
        Self {
            width,
            height,
            cells: vec![None; width * height],
            codes: vec![view_code(None); width * height],
            stale: Stale::None,
            filled: Some(Vec::new()),
        }
    }

    /// Notes that cell `i` became non-empty.
    #[inline]
    fn note_filled(&mut self, i: usize) {
        if let Some(list) = &mut self.filled {
            if list.len() < self.cells.len() {
                list.push(i);
            } else {
                self.filled = None;
            }
        }
    }

    /// Resizes to `width × height` and empties every cell, keeping the allocations (a reset
    /// reuses the previous episode's grid instead of allocating a new one).
    pub fn reset(&mut self, width: usize, height: usize) {
        let empty = view_code(None);
        match self.filled.take() {
            // A layout fills a fraction of its grid (MultiRoom: about 110 of 625 cells):
            // only those are emptied.
            Some(mut list) if self.cells.len() == width * height => {
                for &i in &list {
                    self.cells[i] = None;
                    self.codes[i] = empty;
                }
                list.clear();
                self.filled = Some(list);
            }
            list => {
                self.cells.clear();
                self.cells.resize(width * height, None);
                self.codes.clear();
                self.codes.resize(width * height, empty);
                self.filled = Some(list.unwrap_or_default());
                if let Some(list) = &mut self.filled {
                    list.clear();
                }
            }
        }
        self.width = width;
        self.height = height;
        self.stale = Stale::None;
    }

    /// The observation code of every cell, row-major as [`Grid::cells`], or `None` while a
    /// cell lent out by [`Grid::get_mut`] has not been re-encoded ([`Grid::refresh_codes`]).
    pub(crate) fn view_codes(&self) -> Option<&[u32]> {
        (self.stale == Stale::None).then_some(&self.codes[..])
    }

    /// Whether each cell is empty, row-major as [`Grid::cells`]: exact even while some codes
    /// are stale, since [`Grid::get_mut`] cannot empty or fill a cell.
    pub(crate) fn empty_cells(&self) -> impl Fn(usize) -> bool + '_ {
        let empty = view_code(None);
        move |i| self.codes[i] == empty
    }

    /// The codes of row `y` from column `x0` to `x1` (exclusive; `x0 ≤ x1 ≤ width`), for
    /// counting empty cells a row at a time (see [`Grid::empty_cells`]).
    pub(crate) fn row_codes(&self, y: usize, x0: usize, x1: usize) -> &[u32] {
        &self.codes[y * self.width + x0..y * self.width + x1]
    }

    /// Re-encodes the cells [`Grid::get_mut`] lent out, so [`Grid::view_codes`] answers.
    pub(crate) fn refresh_codes(&mut self) {
        match self.stale {
            Stale::None => {}
            Stale::One(i) => self.codes[i] = view_code(self.cells[i].as_ref()),
            Stale::All => {
                for (code, cell) in self.codes.iter_mut().zip(&self.cells) {
                    *code = view_code(cell.as_ref());
                }
            }
        }
        self.stale = Stale::None;
    }

    /// Number of columns.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Number of rows.
    pub fn height(&self) -> usize {
        self.height
    }

    /// The cells in row-major order: `(x, y)` is at `y·width + x`.
    pub fn cells(&self) -> &[Option<Obj>] {
        &self.cells
    }

    fn index(&self, x: usize, y: usize) -> Option<usize> {
        (x < self.width && y < self.height).then_some(y * self.width + x)
    }

    /// The object at `(x, y)`; `None` for an empty cell or a position outside the grid.
    pub fn get(&self, x: usize, y: usize) -> Option<&Obj> {
        self.index(x, y).and_then(|i| self.cells[i].as_ref())
    }

    /// The object at a signed position; positions outside the grid read as `None`.
    pub fn get_signed(&self, x: i64, y: i64) -> Option<&Obj> {
        let (x, y) = (usize::try_from(x).ok()?, usize::try_from(y).ok()?);
        self.get(x, y)
    }

    /// A mutable reference to the object at `(x, y)`, if any.
    pub fn get_mut(&mut self, x: usize, y: usize) -> Option<&mut Obj> {
        let i = self.index(x, y)?;
        let cell = self.cells[i].as_mut()?;
        self.stale = match self.stale {
            Stale::None => Stale::One(i),
            Stale::One(j) if j == i => Stale::One(i),
            _ => Stale::All,
        };
        Some(cell)
    }

    /// Puts `obj` at `(x, y)` (`None` empties the cell) and returns what was there. Positions
    /// outside the grid are ignored (and return `None`).
    pub fn set(&mut self, x: usize, y: usize, obj: Option<Obj>) -> Option<Obj> {
        let i = self.index(x, y)?;
        if obj.is_some() && self.cells[i].is_none() {
            self.note_filled(i);
        }
        self.codes[i] = view_code(obj.as_ref());
        std::mem::replace(&mut self.cells[i], obj)
    }

    /// Takes the object out of `(x, y)`, leaving it empty.
    pub fn take(&mut self, x: usize, y: usize) -> Option<Obj> {
        self.set(x, y, None)
    }

    /// A horizontal line of `obj` from `(x, y)`, `length` cells to the right (clipped to the
    /// grid).
    pub fn horz_wall(&mut self, x: usize, y: usize, length: usize, obj: &Obj) {
        if y < self.height && x < self.width {
            let count = length.min(self.width - x);
            self.paint(y * self.width + x, 1, count, obj);
        }
    }

    /// A vertical line of `obj` from `(x, y)`, `length` cells down (clipped to the grid).
    pub fn vert_wall(&mut self, x: usize, y: usize, length: usize, obj: &Obj) {
        if y < self.height && x < self.width {
            let count = length.min(self.height - y);
            self.paint(y * self.width + x, self.width, count, obj);
        }
    }

    /// Puts `obj` in `count` cells from index `from`, `stride` apart (all inside the grid).
    /// Layouts draw hundreds of wall cells per reset: for a wall the loop stores a constant
    /// instead of cloning (a match per cell, since an object may hold a box).
    fn paint(&mut self, from: usize, stride: usize, count: usize, obj: &Obj) {
        match *obj {
            Obj::Wall(colour) => self.paint_with(from, stride, count, obj, || Obj::Wall(colour)),
            _ => self.paint_with(from, stride, count, obj, || obj.clone()),
        }
    }

    /// [`Grid::paint`] with the objects made by `make`, in one pass that also notes the cells
    /// it fills.
    #[inline(always)]
    fn paint_with(
        &mut self,
        from: usize,
        stride: usize,
        count: usize,
        obj: &Obj,
        make: impl Fn() -> Obj,
    ) {
        let code = view_code(Some(obj));
        let limit = self.cells.len();
        let Grid {
            cells,
            codes,
            filled,
            ..
        } = self;
        // Every painted cell is noted, filled before or not: testing would be a branch
        // that lines crossing earlier walls mispredict, and a repeat costs the reset little.
        match filled {
            Some(list) if list.len() + count <= limit => {
                list.extend((0..count).map(|k| from + k * stride));
            }
            _ => *filled = None,
        }
        for k in 0..count {
            let i = from + k * stride;
            cells[i] = Some(make());
            codes[i] = code;
        }
    }

    /// The outline of the `w` × `h` rectangle with top-left corner `(x, y)`, in walls.
    pub fn wall_rect(&mut self, x: usize, y: usize, w: usize, h: usize) {
        if w == 0 || h == 0 {
            return;
        }
        self.horz_wall(x, y, w, &Obj::WALL);
        self.horz_wall(x, y + h - 1, w, &Obj::WALL);
        self.vert_wall(x, y, h, &Obj::WALL);
        self.vert_wall(x + w - 1, y, h, &Obj::WALL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minigrid::object::Color;

    #[test]
    fn wall_rect_draws_only_the_outline() {
        let mut g = Grid::new(4, 3);
        g.wall_rect(0, 0, 4, 3);
        let walls: usize = (0..3)
            .flat_map(|y| (0..4).map(move |x| (x, y)))
            .filter(|&(x, y)| g.get(x, y) == Some(&Obj::WALL))
            .count();
        assert_eq!(walls, 10);
        assert_eq!(g.get(1, 1), None);
        assert_eq!(g.get(2, 1), None);
        assert_eq!(g.get(4, 0), None, "outside the grid reads empty");
        assert_eq!(g.get_signed(-1, 0), None);
    }

    #[test]
    fn reset_empties_every_cell_and_keeps_codes_in_step() {
        let mut g = Grid::new(10, 7);
        g.wall_rect(0, 0, 10, 7);
        g.set(
            3,
            3,
            Some(Obj::Box(Color::Red, Some(Box::new(Obj::Key(Color::Blue))))),
        );
        g.set(9, 6, Some(Obj::Goal));
        g.reset(10, 7);
        assert_eq!(g, Grid::new(10, 7));
        assert_eq!(g.view_codes(), Grid::new(10, 7).view_codes());
        // More painting than the grid has cells: the list of filled cells gives up, and the
        // reset empties everything.
        for _ in 0..10 {
            g.wall_rect(0, 0, 10, 7);
        }
        g.set(5, 5, Some(Obj::Ball(Color::Green)));
        g.reset(10, 7);
        assert_eq!(g, Grid::new(10, 7));
        assert_eq!(g.view_codes(), Grid::new(10, 7).view_codes());
        // A ball taken and dropped elsewhere: both cells were noted, the second one counts.
        g.set(1, 1, Some(Obj::Ball(Color::Red)));
        let ball = g.take(1, 1);
        g.set(2, 2, ball);
        g.reset(10, 7);
        assert_eq!(g, Grid::new(10, 7));
        g.vert_wall(2, 1, 20, &Obj::Lava);
        g.reset(4, 4);
        assert_eq!(g, Grid::new(4, 4));
        assert_eq!(g.view_codes(), Grid::new(4, 4).view_codes());
    }

    #[test]
    fn lines_are_clipped_and_coded() {
        let mut g = Grid::new(5, 4);
        g.horz_wall(3, 1, 10, &Obj::WALL);
        g.vert_wall(1, 2, 10, &Obj::Lava);
        g.horz_wall(0, 9, 3, &Obj::WALL);
        let filled: Vec<(usize, usize)> = (0..4)
            .flat_map(|y| (0..5).map(move |x| (x, y)))
            .filter(|&(x, y)| g.get(x, y).is_some())
            .collect();
        assert_eq!(filled, vec![(3, 1), (4, 1), (1, 2), (1, 3)]);
        let codes = g.view_codes().expect("no cell lent out");
        for (i, cell) in g.cells().iter().enumerate() {
            assert_eq!(codes[i], view_code(cell.as_ref()), "cell {i}");
        }
    }

    #[test]
    fn set_returns_the_previous_object() {
        let mut g = Grid::new(2, 2);
        assert_eq!(g.set(1, 1, Some(Obj::Ball(Color::Red))), None);
        assert_eq!(g.take(1, 1), Some(Obj::Ball(Color::Red)));
        assert_eq!(g.get(1, 1), None);
        assert_eq!(g.set(5, 5, Some(Obj::Goal)), None);
    }
}
