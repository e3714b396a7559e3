//! [`Grid`]: a width × height array of cells, indexed `(x, y)` with `x` to the right and `y`
//! downwards, as MiniGrid's.

use super::object::Obj;

/// The world's cells; `None` is an empty cell.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Grid {
    width: usize,
    height: usize,
    cells: Vec<Option<Obj>>,
}

impl Grid {
    /// An empty grid.
    pub fn new(width: usize, height: usize) -> Self {
        Self {
            width,
            height,
            cells: vec![None; width * height],
        }
    }

    /// Number of columns.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Number of rows.
    pub fn height(&self) -> usize {
        self.height
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
        self.index(x, y).and_then(|i| self.cells[i].as_mut())
    }

    /// Puts `obj` at `(x, y)` (`None` empties the cell) and returns what was there. Positions
    /// outside the grid are ignored (and return `None`).
    pub fn set(&mut self, x: usize, y: usize, obj: Option<Obj>) -> Option<Obj> {
        match self.index(x, y) {
            Some(i) => std::mem::replace(&mut self.cells[i], obj),
            None => None,
        }
    }

    /// Takes the object out of `(x, y)`, leaving it empty.
    pub fn take(&mut self, x: usize, y: usize) -> Option<Obj> {
        self.set(x, y, None)
    }

    /// A horizontal line of `obj` from `(x, y)`, `length` cells to the right (clipped to the
    /// grid).
    pub fn horz_wall(&mut self, x: usize, y: usize, length: usize, obj: &Obj) {
        for i in x..x + length {
            self.set(i, y, Some(obj.clone()));
        }
    }

    /// A vertical line of `obj` from `(x, y)`, `length` cells down (clipped to the grid).
    pub fn vert_wall(&mut self, x: usize, y: usize, length: usize, obj: &Obj) {
        for j in y..y + length {
            self.set(x, j, Some(obj.clone()));
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
    fn set_returns_the_previous_object() {
        let mut g = Grid::new(2, 2);
        assert_eq!(g.set(1, 1, Some(Obj::Ball(Color::Red))), None);
        assert_eq!(g.take(1, 1), Some(Obj::Ball(Color::Red)));
        assert_eq!(g.get(1, 1), None);
        assert_eq!(g.set(5, 5, Some(Obj::Goal)), None);
    }
}
