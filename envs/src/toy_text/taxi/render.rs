//! Taxi's RGB picture, drawn with the shared tile grid ([`crate::render::grid`]).
//!
//! Gymnasium blits pixel art (a 536×456 window with a house, sprites facing the last move);
//! we draw the same information as tiles, 64 px each (320×320): the floor, the four pads in
//! their colours (R, G, Y, B), the inner walls on cell edges, the destination as a magenta
//! outline, the taxi as a square (yellow when empty, green with the passenger aboard, as the
//! ansi text highlights it) inside a dark rim, so that it stands out on every pad (the empty
//! cab's yellow is close to the Y pad's), and a waiting passenger as a dark disc, drawn over
//! the taxi when both share a square.

use rewardlab_core::Frame;

use super::model::{IN_TAXI, LOCS, N_COLS, N_ROWS, TaxiState, open_east};
use crate::render::Rgb;
use crate::render::grid::{self, Marker, Side, Tile, palette};

/// The destination outline.
pub const DESTINATION_COLOR: Rgb = [190, 0, 190];
/// The cab with the passenger aboard.
pub const TAXI_FULL_COLOR: Rgb = [40, 170, 60];
/// A waiting passenger.
pub const PASSENGER_COLOR: Rgb = [20, 20, 20];
/// The rim around the cab, whatever its colour.
pub const TAXI_RIM_COLOR: Rgb = palette::INK;
/// Side of the cab's rim, as a fraction of the cell.
const TAXI_RIM: f64 = 0.7;
/// Side of the cab inside its rim, as a fraction of the cell (a rim of about 4 px at 64 px).
const TAXI_BODY: f64 = 0.56;

/// The picture of `s` (fields in range).
pub(super) fn frame(s: TaxiState) -> Frame {
    grid::tiles(N_ROWS, N_COLS, |row, col| {
        let here = (row, col);
        let pad = LOCS.iter().position(|&p| p == here);
        let mut tile = Tile::new(pad.map_or(palette::FLOOR, |i| palette::TAXI_LOCATIONS[i]));
        if col + 1 < N_COLS && !open_east(row, col) {
            tile = tile.with_wall(Side::East);
        }
        if LOCS[s.dest_idx] == here {
            tile = tile.with(Marker::Outline {
                color: DESTINATION_COLOR,
                size: 0.92,
            });
        }
        if (s.taxi_row, s.taxi_col) == here {
            let color = if s.pass_loc == IN_TAXI {
                TAXI_FULL_COLOR
            } else {
                palette::TAXI
            };
            tile = tile
                .with(Marker::Square {
                    color: TAXI_RIM_COLOR,
                    size: TAXI_RIM,
                })
                .with(Marker::Square {
                    color,
                    size: TAXI_BODY,
                });
        }
        if s.pass_loc < IN_TAXI && LOCS[s.pass_loc] == here {
            tile = tile.with(Marker::Circle {
                color: PASSENGER_COLOR,
                size: 0.3,
            });
        }
        tile
    })
}
