//! Rendering to RGB [`rewardlab_core::Frame`]s, pure Rust (tiny-skia for anti-aliased shapes,
//! the `png` and `gif` crates for files; no SDL or system libraries).
//!
//! Environments implement [`rewardlab_core::Env::render`] by calling one function here with
//! their state, so every picture of a family looks alike:
//!
//! - [`classic`]: Gymnasium's classic-control pictures — [`classic::cartpole`]`(x, theta)`,
//!   [`classic::mountain_car`]`(position, goal_position)`, [`classic::acrobot`]`(theta1,
//!   theta2)`, [`classic::pendulum`]`(theta, last_torque)` — same sizes, geometry and colours.
//! - [`grid`]: tile grids for FrozenLake, CliffWalking, Taxi and the gridworlds. Describe
//!   each cell as a [`grid::Tile`] (fill colour from [`grid::palette`], [`grid::Marker`]s such
//!   as the agent, a goal flag, a hole, lava, a cliff, coloured squares/circles/outlines for
//!   Taxi's locations, and wall segments on [`grid::Side`]s for Taxi's inner walls) and call
//!   [`grid::tiles`]`(nrows, ncols, |row, col| tile)`:
//!
//!   ```
//!   use rewardlab_envs::render::grid::{self, Marker, Side, Tile, palette};
//!   let frame = grid::tiles(2, 3, |r, c| match (r, c) {
//!       (0, 0) => Tile::new(palette::FLOOR).with(Marker::Agent),
//!       (1, 2) => Tile::new(palette::GOAL).with(Marker::Goal),
//!       (0, 1) => Tile::new(palette::FLOOR).with_wall(Side::East),
//!       _ => Tile::new(palette::FLOOR),
//!   });
//!   assert_eq!((frame.width, frame.height), (3 * 64, 2 * 64));
//!   ```
//! - [`encode`]: [`encode::save_png`], [`encode::save_gif`] / [`encode::GifWriter`] (frame
//!   delay from a frame rate), and readers used by tests.
//! - [`canvas`]: the small drawing surface the others use, for a picture that fits neither.

pub mod canvas;
pub mod classic;
pub mod encode;
pub mod grid;

pub use canvas::{Canvas, Rgb};
pub use encode::{EncodeError, GifWriter, save_gif, save_png};
pub use grid::{Marker, Side, Tile};

#[cfg(test)]
mod tests;
