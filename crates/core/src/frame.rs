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

    /// The colour at column `x`, row `y` (row 0 at the top); `None` outside the frame.
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 3]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = (y as usize * self.width as usize + x as usize) * 3;
        Some([self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]])
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
}
