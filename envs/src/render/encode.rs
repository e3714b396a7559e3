//! Frames to files: PNG for one picture, animated GIF for an episode.
//!
//! GIF stores 256 colours per frame and delays in hundredths of a second: each frame is
//! quantised with the `gif` crate's NeuQuant (`from_rgb_speed`, speed [`GIF_SPEED`]) and the
//! delay is `round(100 / fps)` centiseconds (30 fps → 3 cs, which viewers play at 33 fps).
//! The GIF loops forever. [`GifWriter`] streams frames to disk so a long episode needs no
//! buffer of frames; [`save_gif`] writes a slice.
//!
//! Every failure is an [`EncodeError`] naming the file; a malformed frame (pixel buffer of
//! the wrong length, or sizes that differ within one GIF) is refused, never a panic.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use rewardlab_core::Frame;

/// The NeuQuant speed for GIF palettes: 1 is best and slowest, 30 fastest; 10 is the
/// `gif` crate's suggestion for good quality at a fair speed.
pub const GIF_SPEED: i32 = 10;

/// The default GIF frame rate.
pub const DEFAULT_FPS: f64 = 30.0;

/// Why a frame could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    /// The file could not be created, written or opened.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The PNG encoder failed.
    #[error("{path}: PNG encoding failed: {source}")]
    Png {
        /// The file.
        path: PathBuf,
        /// The encoder's error.
        source: png::EncodingError,
    },
    /// The GIF encoder failed.
    #[error("{path}: GIF encoding failed: {source}")]
    Gif {
        /// The file.
        path: PathBuf,
        /// The encoder's error.
        source: gif::EncodingError,
    },
    /// The file is not a PNG or GIF we can read.
    #[error("{path}: cannot decode: {reason}")]
    Decode {
        /// The file.
        path: PathBuf,
        /// The decoder's message.
        reason: String,
    },
    /// A frame's pixel buffer does not hold `width · height · 3` bytes, or a side is zero.
    #[error("malformed frame: {width}x{height} needs {expected} bytes, has {len}")]
    BadFrame {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// Bytes it should hold.
        expected: usize,
        /// Bytes it holds.
        len: usize,
    },
    /// GIF sides are 16-bit.
    #[error("a GIF frame is at most 65535 px on a side, got {width}x{height}")]
    TooLarge {
        /// Width.
        width: u32,
        /// Height.
        height: u32,
    },
    /// Frames of one GIF must share a size.
    #[error(
        "GIF frame {index} is {width}x{height}, the first frame is {first_width}x{first_height}"
    )]
    SizeMismatch {
        /// Index of the offending frame.
        index: usize,
        /// Its width.
        width: u32,
        /// Its height.
        height: u32,
        /// The first frame's width.
        first_width: u32,
        /// The first frame's height.
        first_height: u32,
    },
    /// A GIF needs a frame.
    #[error("a GIF needs at least one frame")]
    NoFrames,
    /// The frame rate must be positive and finite.
    #[error("frame rate must be a positive number, got {0}")]
    BadFps(f64),
}

fn check(frame: &Frame) -> Result<(), EncodeError> {
    let expected = frame.width as usize * frame.height as usize * 3;
    if frame.pixels.len() != expected || expected == 0 {
        return Err(EncodeError::BadFrame {
            width: frame.width,
            height: frame.height,
            expected,
            len: frame.pixels.len(),
        });
    }
    Ok(())
}

fn create(path: &Path) -> Result<BufWriter<File>, EncodeError> {
    File::create(path)
        .map(BufWriter::new)
        .map_err(|source| EncodeError::Io {
            path: path.to_owned(),
            source,
        })
}

/// Writes `frame` as an 8-bit RGB PNG at `path`.
pub fn save_png(frame: &Frame, path: impl AsRef<Path>) -> Result<(), EncodeError> {
    let path = path.as_ref();
    check(frame)?;
    let png_err = |source| EncodeError::Png {
        path: path.to_owned(),
        source,
    };
    // Encode in memory so that the one write to disk reports its error (a flush inside
    // the encoder's drop would swallow it).
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, frame.width, frame.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(png_err)?;
    writer.write_image_data(&frame.pixels).map_err(png_err)?;
    writer.finish().map_err(png_err)?;
    std::fs::write(path, &bytes).map_err(|source| EncodeError::Io {
        path: path.to_owned(),
        source,
    })
}

/// GIF frame delay in centiseconds for `fps` frames per second (at least 1).
pub fn gif_delay(fps: f64) -> Result<u16, EncodeError> {
    if !(fps.is_finite() && fps > 0.0) {
        return Err(EncodeError::BadFps(fps));
    }
    Ok((100.0 / fps).round().clamp(1.0, f64::from(u16::MAX)) as u16)
}

/// An animated GIF being written frame by frame; [`GifWriter::finish`] closes it.
pub struct GifWriter {
    encoder: gif::Encoder<BufWriter<File>>,
    path: PathBuf,
    size: (u32, u32),
    delay: u16,
    frames: usize,
}

impl std::fmt::Debug for GifWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GifWriter")
            .field("path", &self.path)
            .field("size", &self.size)
            .field("delay", &self.delay)
            .field("frames", &self.frames)
            .finish_non_exhaustive()
    }
}

impl GifWriter {
    /// Creates `path` for frames of `width × height` shown at `fps` frames per second.
    pub fn create(
        path: impl AsRef<Path>,
        width: u32,
        height: u32,
        fps: f64,
    ) -> Result<Self, EncodeError> {
        let path = path.as_ref().to_owned();
        let delay = gif_delay(fps)?;
        let (Ok(w), Ok(h)) = (u16::try_from(width), u16::try_from(height)) else {
            return Err(EncodeError::TooLarge { width, height });
        };
        let gif_err = |source| EncodeError::Gif {
            path: path.clone(),
            source,
        };
        let mut encoder = gif::Encoder::new(create(&path)?, w, h, &[]).map_err(gif_err)?;
        encoder.set_repeat(gif::Repeat::Infinite).map_err(gif_err)?;
        Ok(GifWriter {
            encoder,
            path,
            size: (width, height),
            delay,
            frames: 0,
        })
    }

    /// Appends one frame; it must have the size given to [`GifWriter::create`].
    pub fn push(&mut self, frame: &Frame) -> Result<(), EncodeError> {
        check(frame)?;
        if (frame.width, frame.height) != self.size {
            return Err(EncodeError::SizeMismatch {
                index: self.frames,
                width: frame.width,
                height: frame.height,
                first_width: self.size.0,
                first_height: self.size.1,
            });
        }
        // The size check above makes these conversions and the buffer length valid, which
        // `from_rgb_speed` requires (it panics otherwise).
        let (w, h) = (self.size.0 as u16, self.size.1 as u16);
        let mut gif_frame = gif::Frame::from_rgb_speed(w, h, &frame.pixels, GIF_SPEED);
        gif_frame.delay = self.delay;
        self.encoder
            .write_frame(&gif_frame)
            .map_err(|source| EncodeError::Gif {
                path: self.path.clone(),
                source,
            })?;
        self.frames += 1;
        Ok(())
    }

    /// Frames written so far.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Writes the trailer and flushes the file.
    pub fn finish(self) -> Result<(), EncodeError> {
        let path = self.path;
        let mut out = self
            .encoder
            .into_inner()
            .map_err(|source| EncodeError::Io {
                path: path.clone(),
                source,
            })?;
        out.flush()
            .map_err(|source| EncodeError::Io { path, source })
    }
}

/// Writes `frames` as a looping GIF at `fps` frames per second.
pub fn save_gif(frames: &[Frame], path: impl AsRef<Path>, fps: f64) -> Result<(), EncodeError> {
    let first = frames.first().ok_or(EncodeError::NoFrames)?;
    let mut writer = GifWriter::create(path, first.width, first.height, fps)?;
    for frame in frames {
        writer.push(frame)?;
    }
    writer.finish()
}

fn open(path: &Path) -> Result<BufReader<File>, EncodeError> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|source| EncodeError::Io {
            path: path.to_owned(),
            source,
        })
}

fn decode_err(path: &Path, e: impl std::fmt::Display) -> EncodeError {
    EncodeError::Decode {
        path: path.to_owned(),
        reason: e.to_string(),
    }
}

/// Reads an 8-bit RGB or RGBA PNG (alpha dropped) back into a [`Frame`].
pub fn read_png(path: impl AsRef<Path>) -> Result<Frame, EncodeError> {
    let path = path.as_ref();
    let decoder = png::Decoder::new(open(path)?);
    let mut reader = decoder.read_info().map_err(|e| decode_err(path, e))?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| decode_err(path, e))?;
    let channels = match (info.color_type, info.bit_depth) {
        (png::ColorType::Rgb, png::BitDepth::Eight) => 3,
        (png::ColorType::Rgba, png::BitDepth::Eight) => 4,
        other => {
            return Err(decode_err(
                path,
                format!("unsupported PNG format {other:?}"),
            ));
        }
    };
    let pixels = buf[..info.buffer_size()]
        .chunks_exact(channels)
        .flat_map(|px| [px[0], px[1], px[2]])
        .collect();
    Ok(Frame {
        width: info.width,
        height: info.height,
        pixels,
    })
}

/// Reads every frame of a GIF, each composed onto the picture so far (as a viewer shows it),
/// as RGB [`Frame`]s of the GIF's logical size, with the delays in centiseconds.
pub fn read_gif(path: impl AsRef<Path>) -> Result<Vec<(Frame, u16)>, EncodeError> {
    let path = path.as_ref();
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options
        .read_info(open(path)?)
        .map_err(|e| decode_err(path, e))?;
    let (w, h) = (usize::from(decoder.width()), usize::from(decoder.height()));
    let mut screen = vec![0u8; w * h * 3];
    let mut frames = Vec::new();
    while let Some(frame) = decoder.read_next_frame().map_err(|e| decode_err(path, e))? {
        let (left, top) = (usize::from(frame.left), usize::from(frame.top));
        let fw = usize::from(frame.width);
        for (i, px) in frame.buffer.chunks_exact(4).enumerate() {
            let (x, y) = (left + i % fw, top + i / fw);
            if px[3] == 0 || x >= w || y >= h {
                continue;
            }
            let o = (y * w + x) * 3;
            screen[o..o + 3].copy_from_slice(&px[..3]);
        }
        let delay = frame.delay;
        frames.push((
            Frame {
                width: w as u32,
                height: h as u32,
                pixels: screen.clone(),
            },
            delay,
        ));
    }
    Ok(frames)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: u32, h: u32, shift: u8) -> Frame {
        let pixels = (0..h)
            .flat_map(|y| (0..w).flat_map(move |x| [(x * 10) as u8, (y * 10) as u8, shift]))
            .collect();
        Frame {
            width: w,
            height: h,
            pixels,
        }
    }

    #[test]
    fn png_round_trip_is_lossless() -> Result<(), EncodeError> {
        let dir = tempfile::tempdir().map_err(|source| EncodeError::Io {
            path: PathBuf::from("tempdir"),
            source,
        })?;
        let path = dir.path().join("f.png");
        let frame = gradient(7, 5, 200);
        save_png(&frame, &path)?;
        assert_eq!(read_png(&path)?, frame);
        Ok(())
    }

    #[test]
    fn gif_keeps_frame_count_delay_and_flat_colours() -> Result<(), EncodeError> {
        let dir = tempfile::tempdir().map_err(|source| EncodeError::Io {
            path: PathBuf::from("tempdir"),
            source,
        })?;
        let path = dir.path().join("a.gif");
        let frames = [
            Frame::filled(6, 4, [255, 0, 0]),
            Frame::filled(6, 4, [0, 0, 255]),
            Frame::filled(6, 4, [0, 255, 0]),
        ];
        save_gif(&frames, &path, 25.0)?;
        let back = read_gif(&path)?;
        assert_eq!(back.len(), 3);
        for ((got, delay), want) in back.iter().zip(&frames) {
            assert_eq!(*delay, 4);
            assert_eq!((got.width, got.height), (6, 4));
            // One colour per frame survives quantisation up to NeuQuant's rounding.
            let px = got.pixel(3, 2).expect("inside");
            let w = want.pixel(3, 2).expect("inside");
            for k in 0..3 {
                assert!(px[k].abs_diff(w[k]) <= 8, "{px:?} vs {w:?}");
            }
        }
        Ok(())
    }

    #[test]
    fn malformed_input_is_refused_not_panicking() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bad = Frame {
            width: 3,
            height: 3,
            pixels: vec![0; 5],
        };
        assert!(matches!(
            save_png(&bad, dir.path().join("x.png")),
            Err(EncodeError::BadFrame {
                expected: 27,
                len: 5,
                ..
            })
        ));
        assert!(matches!(
            save_gif(&[], dir.path().join("x.gif"), 30.0),
            Err(EncodeError::NoFrames)
        ));
        let mixed = [Frame::filled(2, 2, [0; 3]), Frame::filled(3, 2, [0; 3])];
        assert!(matches!(
            save_gif(&mixed, dir.path().join("y.gif"), 30.0),
            Err(EncodeError::SizeMismatch { index: 1, .. })
        ));
        assert!(matches!(gif_delay(0.0), Err(EncodeError::BadFps(_))));
        assert!(matches!(gif_delay(f64::NAN), Err(EncodeError::BadFps(_))));
        assert!(matches!(
            GifWriter::create(dir.path().join("z.gif"), 70_000, 2, 30.0),
            Err(EncodeError::TooLarge { .. })
        ));
        let missing = dir.path().join("no_such_dir").join("f.png");
        assert!(matches!(
            save_png(&Frame::filled(1, 1, [0; 3]), missing),
            Err(EncodeError::Io { .. })
        ));
        assert!(matches!(
            read_png(dir.path().join("nothing.png")),
            Err(EncodeError::Io { .. })
        ));
    }

    #[test]
    fn delays_follow_the_frame_rate() -> Result<(), EncodeError> {
        assert_eq!(gif_delay(30.0)?, 3);
        assert_eq!(gif_delay(50.0)?, 2);
        assert_eq!(gif_delay(4.0)?, 25);
        assert_eq!(gif_delay(1000.0)?, 1);
        Ok(())
    }
}
