//! Pictures of a MiniGrid state: an RGB frame through [`crate::render::grid`] (a simple tile
//! picture in MiniGrid's colours; MiniGrid's own look — agent triangle, highlighted view — is
//! a later step) and MiniGrid's `pprint_grid` text, two characters per cell.

use rewardlab_core::Frame;

use super::grid::Grid;
use super::layout::Pos;
use super::object::{DoorState, Obj};
use crate::render::grid::{self as tiles, Marker, Tile};

/// MiniGrid's black floor.
const FLOOR: [u8; 3] = [0, 0, 0];
/// MiniGrid's lava orange.
const LAVA: [u8; 3] = [255, 128, 0];

/// The tile of one cell.
fn tile(obj: Option<&Obj>) -> Tile {
    let Some(obj) = obj else {
        return Tile::new(FLOOR);
    };
    let color = obj.color().rgb();
    match obj {
        Obj::Wall(_) => Tile::new(color),
        Obj::Floor(_) => Tile::new(color.map(|c| c / 2)),
        Obj::Goal => Tile::new(color),
        Obj::Lava => Tile::new(LAVA),
        Obj::Door(_, DoorState::Open) => {
            Tile::new(FLOOR).with(Marker::Outline { color, size: 1.0 })
        }
        Obj::Door(_, DoorState::Closed) => Tile::new(color)
            .with(Marker::Square {
                color: FLOOR,
                size: 0.8,
            })
            .with(Marker::Circle { color, size: 0.15 }),
        Obj::Door(_, DoorState::Locked) => Tile::new(color).with(Marker::Square {
            // 45% of the door colour, in u16: 255 · 9 overflows a u8.
            color: color.map(|c| (u16::from(c) * 9 / 20) as u8),
            size: 0.8,
        }),
        Obj::Key(_) => Tile::new(FLOOR).with(Marker::Square { color, size: 0.35 }),
        Obj::Ball(_) => Tile::new(FLOOR).with(Marker::Circle { color, size: 0.6 }),
        Obj::Box(..) => Tile::new(FLOOR).with(Marker::Outline { color, size: 0.7 }),
    }
}

/// The RGB picture of `grid` with the agent at `agent`.
pub fn frame(grid: &Grid, agent: Pos) -> Frame {
    tiles::tiles(grid.height(), grid.width(), |row, col| {
        let t = tile(grid.get(col, row));
        if (col, row) == agent {
            t.with(Marker::Agent)
        } else {
            t
        }
    })
}

/// MiniGrid's `pprint_grid`: per cell the object's letter and the colour's initial (`__` an
/// open door, `L`/`D` a locked/closed door), the agent as its direction twice, rows separated
/// by newlines.
pub fn ansi(grid: &Grid, agent: Pos, dir: u8) -> String {
    let mut out = String::new();
    for y in 0..grid.height() {
        if y > 0 {
            out.push('\n');
        }
        for x in 0..grid.width() {
            if (x, y) == agent {
                let arrow = [">>", "VV", "<<", "^^"][usize::from(dir % 4)];
                out.push_str(arrow);
                continue;
            }
            let Some(obj) = grid.get(x, y) else {
                out.push_str("  ");
                continue;
            };
            let letter = match obj {
                Obj::Door(_, DoorState::Open) => {
                    out.push_str("__");
                    continue;
                }
                Obj::Door(_, DoorState::Locked) => 'L',
                Obj::Door(_, DoorState::Closed) => 'D',
                Obj::Wall(_) => 'W',
                Obj::Floor(_) => 'F',
                Obj::Key(_) => 'K',
                Obj::Ball(_) => 'A',
                Obj::Box(..) => 'B',
                Obj::Goal => 'G',
                Obj::Lava => 'V',
            };
            out.push(letter);
            out.extend(
                obj.color()
                    .name()
                    .chars()
                    .next()
                    .map(|c| c.to_ascii_uppercase()),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi_is_minigrids_pprint() {
        let mut g = Grid::new(4, 3);
        g.wall_rect(0, 0, 4, 3);
        g.set(2, 1, Some(Obj::Goal));
        assert_eq!(ansi(&g, (1, 1), 1), "WGWGWGWG\nWGVVGGWG\nWGWGWGWG");
    }

    #[test]
    fn the_frame_shows_the_agent_where_it_is() {
        let mut g = Grid::new(4, 4);
        g.wall_rect(0, 0, 4, 4);
        let a = frame(&g, (1, 1));
        let b = frame(&g, (2, 2));
        assert_eq!((a.width, a.height), (4 * 64, 4 * 64));
        assert_ne!(a.pixels, b.pixels);
    }
}
