//! Pixel observations: [`RgbImgObs`] (the whole grid as MiniGrid renders it,
//! `RGBImgObsWrapper`) and [`RgbImgPartialObs`] (the agent's point of view,
//! `RGBImgPartialObsWrapper`), drawn by [`render_world`] / [`render_pov`] from the inner env's
//! world. The image is `height_px × width_px × 3` (rows from the top), the layout of MiniGrid's
//! `obs["image"]`; direction and mission are kept. Tiles are 8 pixels by default, as
//! MiniGrid's wrappers have them.

use rewardlab_core::Space;
use rewardlab_core::wrappers::WrapperError;

use super::{AnyMiniGrid, DictObs};
use crate::minigrid::obs::{MiniGridObs, Viewer, dict_space};
use crate::minigrid::render::{render_pov, render_world};

/// The tile size of MiniGrid's pixel wrappers, in pixels.
pub const DEFAULT_TILE_SIZE: u32 = 8;

/// `tile_size` if it is at least 1.
fn check_tile_size(wrapper: &'static str, tile_size: u32) -> Result<u32, WrapperError> {
    if tile_size == 0 {
        return Err(WrapperError::InvalidParameter {
            wrapper,
            name: "tile_size",
            value: "0".to_string(),
            reason: "must be at least 1",
        });
    }
    Ok(tile_size)
}

/// The whole grid rendered as the observation's image: MiniGrid's `RGBImgObsWrapper`. The
/// agent's field of view is highlighted (MiniGrid's `highlight=True` default) unless turned off
/// with [`RgbImgObs::with_highlight`]. Observation space: the dict with `image: Box(0, 255,
/// (height·tile, width·tile, 3), uint8)`.
#[derive(Debug, Clone)]
pub struct RgbImgObs<E> {
    env: E,
    tile_size: u32,
    highlight: bool,
}

impl<E: AnyMiniGrid> RgbImgObs<E> {
    /// Wraps `env` with 8-pixel tiles and the view highlighted.
    pub fn new(env: E) -> Self {
        RgbImgObs {
            env,
            tile_size: DEFAULT_TILE_SIZE,
            highlight: true,
        }
    }

    /// Wraps `env` with tiles of `tile_size ≥ 1` pixels.
    pub fn with_tile_size(env: E, tile_size: u32) -> Result<Self, WrapperError> {
        Ok(RgbImgObs {
            tile_size: check_tile_size("RgbImgObs", tile_size)?,
            ..RgbImgObs::new(env)
        })
    }

    /// The same wrapper with the highlight of the agent's view on or off.
    pub fn with_highlight(self, highlight: bool) -> Self {
        RgbImgObs { highlight, ..self }
    }

    /// Pixels per tile side.
    pub fn tile_size(&self) -> u32 {
        self.tile_size
    }

    inner_accessors!();

    fn space(&self) -> Space {
        let c = self.env.engine_config();
        let ts = self.tile_size as usize;
        dict_space(&[c.height * ts, c.width * ts, 3])
    }

    fn observe(&self, obs: MiniGridObs) -> DictObs {
        let world = self.env.world();
        let viewer = Viewer::of(world, self.env.engine_config());
        let lit = self.highlight.then_some(&viewer);
        DictObs::replacing(obs, render_world(world, lit, self.tile_size).pixels)
    }
}

observation_wrapper_env!(RgbImgObs, DictObs);

/// The agent's point of view rendered as the observation's image: MiniGrid's
/// `RGBImgPartialObsWrapper` (agent at the bottom middle facing up, unseen cells black).
/// Observation space: the dict with `image: Box(0, 255, (view·tile, view·tile, 3), uint8)`.
#[derive(Debug, Clone)]
pub struct RgbImgPartialObs<E> {
    env: E,
    tile_size: u32,
}

impl<E: AnyMiniGrid> RgbImgPartialObs<E> {
    /// Wraps `env` with 8-pixel tiles.
    pub fn new(env: E) -> Self {
        RgbImgPartialObs {
            env,
            tile_size: DEFAULT_TILE_SIZE,
        }
    }

    /// Wraps `env` with tiles of `tile_size ≥ 1` pixels.
    pub fn with_tile_size(env: E, tile_size: u32) -> Result<Self, WrapperError> {
        Ok(RgbImgPartialObs {
            tile_size: check_tile_size("RgbImgPartialObs", tile_size)?,
            env,
        })
    }

    /// Pixels per tile side.
    pub fn tile_size(&self) -> u32 {
        self.tile_size
    }

    inner_accessors!();

    fn space(&self) -> Space {
        let side = self.env.engine_config().agent_view_size * self.tile_size as usize;
        dict_space(&[side, side, 3])
    }

    fn observe(&self, obs: MiniGridObs) -> DictObs {
        let world = self.env.world();
        let viewer = Viewer::of(world, self.env.engine_config());
        DictObs::replacing(obs, render_pov(world, &viewer, self.tile_size).pixels)
    }
}

observation_wrapper_env!(RgbImgPartialObs, DictObs);
