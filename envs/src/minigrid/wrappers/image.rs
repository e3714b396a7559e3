//! The encoded-image observation wrappers: [`ImgObs`] (the view alone), [`FullyObs`] (the
//! whole grid) and [`OneHotPartialObs`] (the view, one-hot).
//!
//! Images are `[x][y][channel]` in C order, as MiniGrid's `obs["image"]`. The view size is
//! read from the inner env on every call, so these wrappers follow a [`super::ViewSize`] (or
//! any `set_view_size`) below them.

use rewardlab_core::{BoxSpace, DType, Space};

use super::{AnyMiniGrid, ByteObs, DictObs};
use crate::minigrid::object::{AGENT_IDX, Color, EMPTY_IDX, Obj};
use crate::minigrid::obs::{MiniGridObs, dict_space};

/// The number of object types (`len(OBJECT_TO_IDX)`: unseen … agent).
const N_TYPES: usize = AGENT_IDX as usize + 1;
/// The number of colours (`len(COLOR_TO_IDX)`).
const N_COLORS: usize = Color::ALL.len();
/// The number of door states (`len(STATE_TO_IDX)`: open, closed, locked).
const N_STATES: usize = 3;
/// Channels per cell of [`OneHotPartialObs`]: types, then colours, then states (20).
pub const ONE_HOT_BITS: usize = N_TYPES + N_COLORS + N_STATES;

/// The side of the inner env's view.
fn view_of<E: AnyMiniGrid>(env: &E) -> usize {
    env.engine_config().agent_view_size
}

/// The image of the observation as the only observation: MiniGrid's `ImgObsWrapper`.
/// Observation space `Box(0, 255, (view, view, 3), uint8)`.
#[derive(Debug, Clone)]
pub struct ImgObs<E> {
    env: E,
}

impl<E: AnyMiniGrid> ImgObs<E> {
    /// Wraps `env`.
    pub fn new(env: E) -> Self {
        ImgObs { env }
    }

    inner_accessors!();

    fn space(&self) -> Space {
        let v = view_of(&self.env);
        Space::Box(BoxSpace::uniform(&[v, v, 3], 0.0, 255.0, DType::U8))
    }

    fn observe(&self, obs: MiniGridObs) -> ByteObs {
        ByteObs(obs.image)
    }
}

observation_wrapper_env!(ImgObs, ByteObs);

/// The fully observable grid: MiniGrid's `FullyObsWrapper`. The image is the whole grid's
/// encoding, `width × height × 3` (`[x][y][channel]`), each cell `(type, colour, state)`
/// (empty cells `(1, 0, 0)`), and the agent's cell `(10, 0, dir)` (agent, red, its
/// direction) whatever it stands on. The carried object does not appear. Direction and
/// mission are kept. Observation space: the dict with `image: Box(0, 255, (width, height, 3),
/// uint8)`.
#[derive(Debug, Clone)]
pub struct FullyObs<E> {
    env: E,
}

impl<E: AnyMiniGrid> FullyObs<E> {
    /// Wraps `env`.
    pub fn new(env: E) -> Self {
        FullyObs { env }
    }

    inner_accessors!();

    /// The encoded grid of the inner env's world as it is now.
    pub fn encode_world(&self) -> Vec<u8> {
        let world = self.env.world();
        let grid = &world.grid;
        let (w, h) = (grid.width(), grid.height());
        let mut image = Vec::with_capacity(w * h * 3);
        for x in 0..w {
            for y in 0..h {
                let code = if (x, y) == world.agent_pos {
                    [AGENT_IDX, Color::Red.index(), world.agent_dir]
                } else {
                    grid.get(x, y).map_or([EMPTY_IDX, 0, 0], Obj::encode)
                };
                image.extend_from_slice(&code);
            }
        }
        image
    }

    fn space(&self) -> Space {
        let c = self.env.engine_config();
        dict_space(&[c.width, c.height, 3])
    }

    fn observe(&self, obs: MiniGridObs) -> DictObs {
        DictObs::replacing(obs, self.encode_world())
    }
}

observation_wrapper_env!(FullyObs, DictObs);

/// The view one-hot encoded: MiniGrid's `OneHotPartialObsWrapper`. Each view cell
/// `(type, colour, state)` becomes [`ONE_HOT_BITS`] = 20 channels with ones at `type`,
/// `11 + colour` and `17 + state` (so an unseen cell has three ones too, at 0, 11 and 17).
/// Direction and mission are kept. Observation space: the dict with `image: Box(0, 255,
/// (view, view, 20), uint8)`.
#[derive(Debug, Clone)]
pub struct OneHotPartialObs<E> {
    env: E,
}

impl<E: AnyMiniGrid> OneHotPartialObs<E> {
    /// Wraps `env`.
    pub fn new(env: E) -> Self {
        OneHotPartialObs { env }
    }

    inner_accessors!();

    fn space(&self) -> Space {
        let v = view_of(&self.env);
        dict_space(&[v, v, ONE_HOT_BITS])
    }

    fn observe(&self, obs: MiniGridObs) -> DictObs {
        let image = one_hot(&obs.image);
        DictObs::replacing(obs, image)
    }
}

observation_wrapper_env!(OneHotPartialObs, DictObs);

/// The one-hot form of an encoded image (cells of three bytes, in order). The engine's images
/// hold valid indices only; a byte out of its table's range (which MiniGrid would reject with
/// an index error) sets no bit rather than a bit of the next table.
fn one_hot(image: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; image.len() / 3 * ONE_HOT_BITS];
    for (cell, bits) in image
        .chunks_exact(3)
        .zip(out.chunks_exact_mut(ONE_HOT_BITS))
    {
        let tables = [
            (0, N_TYPES),
            (N_TYPES, N_COLORS),
            (N_TYPES + N_COLORS, N_STATES),
        ];
        for (&code, (offset, len)) in cell.iter().zip(tables) {
            if usize::from(code) < len {
                bits[offset + usize::from(code)] = 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_hot_sets_type_colour_and_state_bits() {
        // A locked purple door, then an unseen cell.
        let out = one_hot(&[4, 3, 2, 0, 0, 0]);
        assert_eq!(out.len(), 2 * ONE_HOT_BITS);
        let ones = |bits: &[u8]| -> Vec<usize> {
            bits.iter()
                .enumerate()
                .filter(|(_, b)| **b == 1)
                .map(|(i, _)| i)
                .collect()
        };
        assert_eq!(ones(&out[..20]), vec![4, 11 + 3, 17 + 2]);
        assert_eq!(ones(&out[20..]), vec![0, 11, 17]);
        assert!(out.iter().all(|b| *b <= 1));
    }

    #[test]
    fn out_of_range_codes_set_no_bit_of_another_table() {
        let out = one_hot(&[11, 6, 3]);
        assert!(out.iter().all(|b| *b == 0));
    }
}
