//! [`Frame`]: an RGB picture of an environment, Gymnasium's `render_mode="rgb_array"`.
//!
//! The type is plain bytes so that this crate stays free of image and drawing libraries:
//! environments draw into it (rewardlab-envs rasterises with pure-Rust crates) and the CLI
//! encodes it to PNG or GIF.

/// An 8-bit RGB image, row-major, three bytes per pixel, top row first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width · height · 3` bytes: R, G, B of each pixel, rows from the top.
    pub pixels: Vec<u8>,
}

impl Frame {
    /// A frame of one colour.
    pub fn filled(width: u32, height: u32, rgb: [u8; 3]) -> Self {
        let n = width as usize * height as usize;
        Frame {
            width,
            height,
            pixels: rgb.iter().copied().cycle().take(n * 3).collect(),
        }
    }

    /// The colour at column `x`, row `y` (row 0 at the top); `None` outside the frame, and
    /// also where `pixels` is shorter than `width · height · 3` (the fields are public, so a
    /// malformed frame can exist; reading it must not panic).
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 3]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = (y as usize)
            .checked_mul(self.width as usize)?
            .checked_add(x as usize)?
            .checked_mul(3)?;
        self.pixels.get(i..i.checked_add(3)?)?.try_into().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filled_frame_has_one_colour_and_bounds() {
        let f = Frame::filled(3, 2, [1, 2, 3]);
        assert_eq!(f.pixels.len(), 18);
        assert_eq!(f.pixel(2, 1), Some([1, 2, 3]));
        assert_eq!(f.pixel(3, 0), None);
        assert_eq!(f.pixel(0, 2), None);
    }

    #[test]
    fn malformed_frames_read_as_missing_pixels_not_panics() {
        // Claims 3x2 but holds one and a half pixels: the first pixel reads, the cut one and
        // everything after are None.
        let short = Frame {
            width: 3,
            height: 2,
            pixels: vec![9, 8, 7, 6, 5],
        };
        assert_eq!(short.pixel(0, 0), Some([9, 8, 7]));
        assert_eq!(short.pixel(1, 0), None);
        assert_eq!(short.pixel(2, 1), None);
        let empty = Frame {
            width: u32::MAX,
            height: u32::MAX,
            pixels: Vec::new(),
        };
        assert_eq!(empty.pixel(u32::MAX - 1, u32::MAX - 1), None);
        assert_eq!(empty.pixel(0, 0), None);
    }
}
