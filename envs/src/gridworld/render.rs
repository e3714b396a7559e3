//! The picture of a [`GridWorld`](super::GridWorld): a tile grid
//! ([`crate::render::grid`]) with [`grid::cell_size`] pixels per cell (64 up to 8 cells a
//! side, smaller beyond so the picture stays within 512 px).
//!
//! Tiles: floor light grey, walls dark grey, start cells pale yellow, goals green with a
//! flag, lava orange with a darker core, cliffs brown with a darker ledge; the agent is a red
//! disc over its cell. (The text picture is [`GridWorld::ansi`](super::GridWorld::ansi).)

use rewardlab_core::Frame;

use super::map::{Cell, GridMap};
use crate::render::grid::{self, Marker, Tile, palette};

/// How a cell looks without the agent.
pub(super) fn tile(cell: Cell) -> Tile {
    match cell {
        Cell::Floor => Tile::new(palette::FLOOR),
        Cell::Wall => Tile::new(palette::WALL),
        Cell::Start => Tile::new(palette::START),
        Cell::Goal(_) => Tile::new(palette::GOAL).with(Marker::Goal),
        Cell::Lava => Tile::new(palette::LAVA).with(Marker::Lava),
        Cell::Cliff => Tile::new(palette::CLIFF).with(Marker::Cliff),
    }
}

/// The map with the agent at `agent` (row, col), [`grid::cell_size`] pixels per cell.
pub(super) fn frame(map: &GridMap, agent: (usize, usize)) -> Frame {
    grid::tiles(map.nrows(), map.ncols(), |r, c| {
        let cell = map.cell(r, c).unwrap_or(Cell::Wall);
        let t = tile(cell);
        if (r, c) == agent {
            t.with(Marker::Agent)
        } else {
            t
        }
    })
}

#[cfg(test)]
mod tests {
    use rewardlab_core::{Env, EnvError, Frame};

    use super::super::{BuiltinMap, GridWorld};
    use crate::render::grid::palette;

    fn centre(f: &Frame, cell: u32, r: u32, c: u32) -> [u8; 3] {
        f.pixel(c * cell + cell / 2, r * cell + cell / 2)
            .expect("cell inside the frame")
    }

    #[test]
    fn render_needs_a_reset() {
        let env = GridWorld::builtin(BuiltinMap::CliffWalk).expect("builtin map");
        assert!(matches!(env.render(), Err(EnvError::ResetNeeded)));
        assert!(matches!(env.render_ansi(), Err(EnvError::ResetNeeded)));
    }

    #[test]
    fn cliff_walk_tiles_and_agent_move() -> Result<(), EnvError> {
        let mut env = GridWorld::builtin(BuiltinMap::CliffWalk).expect("builtin map");
        env.reset(Some(0));
        let f = env.render()?;
        // 4 x 12 cells of 512 / 12 = 42 px.
        assert_eq!((f.width, f.height), (12 * 42, 4 * 42));
        assert_eq!(centre(&f, 42, 3, 0), palette::AGENT);
        assert_eq!(f.pixel(3, 3 * 42 + 3), Some(palette::START));
        assert_eq!(centre(&f, 42, 0, 0), palette::FLOOR);
        assert_eq!(f.pixel(5 * 42 + 21, 3 * 42 + 8), Some(palette::CLIFF));
        assert_eq!(f.pixel(11 * 42 + 38, 3 * 42 + 38), Some(palette::GOAL));
        assert_eq!(f.pixel(42, 10), Some(palette::GRID_LINE));

        env.step(&0)?; // up
        let g = env.render()?;
        assert_eq!(centre(&g, 42, 2, 0), palette::AGENT);
        assert_eq!(centre(&g, 42, 3, 0), palette::START);
        Ok(())
    }

    #[test]
    fn walls_and_lava_have_their_colours() -> Result<(), EnvError> {
        let mut env = GridWorld::parse("S#\n.L\n").expect("valid map");
        env.reset(Some(1));
        let f = env.render()?;
        assert_eq!((f.width, f.height), (128, 128));
        assert_eq!(centre(&f, 64, 0, 1), palette::WALL);
        assert_eq!(f.pixel(64 + 4, 64 + 4), Some(palette::LAVA));
        assert_eq!(centre(&f, 64, 0, 0), palette::AGENT);
        Ok(())
    }

    #[test]
    fn ansi_marks_the_agent() -> Result<(), EnvError> {
        let mut env = GridWorld::builtin(BuiltinMap::CliffWalk).expect("builtin map");
        env.reset(Some(0));
        let row = "............\n";
        assert_eq!(env.render_ansi()?, format!("{row}{row}{row}@XXXXXXXXXXG\n"));
        env.step(&0)?;
        assert_eq!(
            env.render_ansi()?,
            format!("{row}{row}@...........\nSXXXXXXXXXXG\n")
        );
        Ok(())
    }
}
