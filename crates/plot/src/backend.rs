//! Output format, the embedded font and the shared drawing plumbing.
//!
//! Plotters' drawing code is generic over the backend, so each plot is a [`Figure`] whose
//! `draw` is generic, and [`render`] picks [`BitMapBackend`] or [`SVGBackend`] from the
//! output extension. Errors from plotters are generic over the backend's error type; they are
//! flattened into a message ([`DrawFailure`]) and tagged with the output path by `render`.
//!
//! Fonts: the `ab_glyph` feature of plotters looks fonts up in a process-wide table filled by
//! `register_font`. We register the embedded DejaVu Sans as `"sans-serif"` exactly once
//! ([`OnceLock`]); every text style in this crate uses that family. The SVG backend writes
//! text as `<text>` elements (viewers use their own fonts) but still measures text with the
//! registered font for layout.

use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::PlotError;

/// DejaVu Sans (Bitstream Vera license, see `assets/DejaVuSans-LICENSE.txt`).
static DEJAVU_SANS: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// The font family every text style uses.
pub(crate) const FONT: &str = "sans-serif";

/// The image file formats we write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Portable Network Graphics, drawn by plotters' bitmap backend.
    Png,
    /// Scalable Vector Graphics.
    Svg,
}

impl OutputFormat {
    /// The format named by the path's extension (case-insensitive `png` or `svg`).
    pub fn from_path(path: &Path) -> Result<Self, PlotError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("png") => Ok(Self::Png),
            Some("svg") => Ok(Self::Svg),
            _ => Err(PlotError::UnsupportedFormat {
                path: path.to_path_buf(),
            }),
        }
    }
}

/// Registers the embedded font with plotters, once per process.
pub(crate) fn ensure_font() -> Result<(), PlotError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok =
        *REGISTERED.get_or_init(|| register_font(FONT, FontStyle::Normal, DEJAVU_SANS).is_ok());
    if ok { Ok(()) } else { Err(PlotError::Font) }
}

/// A plotters error flattened to its message.
#[derive(Debug)]
pub(crate) struct DrawFailure(pub(crate) String);

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawFailure {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        Self(e.to_string())
    }
}

/// Result of drawing onto a backend.
pub(crate) type DrawResult = Result<(), DrawFailure>;

/// Something that can draw itself onto any plotters backend.
pub(crate) trait Figure {
    /// Pixel size of the image.
    fn size(&self) -> (u32, u32);
    /// Draws onto `root`, which is already filled white.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult;
}

/// Draws `fig` into `out`, as PNG or SVG according to the extension.
pub(crate) fn render(out: &Path, fig: &impl Figure) -> Result<(), PlotError> {
    let format = OutputFormat::from_path(out)?;
    ensure_font()?;
    let result = match format {
        OutputFormat::Png => draw_on(BitMapBackend::new(out, fig.size()).into_drawing_area(), fig),
        OutputFormat::Svg => draw_on(SVGBackend::new(out, fig.size()).into_drawing_area(), fig),
    };
    result.map_err(|DrawFailure(message)| PlotError::Draw {
        path: out.to_path_buf(),
        message,
    })
}

fn draw_on<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, fig: &impl Figure) -> DrawResult {
    root.fill(&WHITE)?;
    fig.draw(&root)?;
    // Without `present` the file is written on drop, which swallows I/O errors.
    root.present()?;
    Ok(())
}

/// The axes every line plot shares: a caption, the x and y ranges, tick labels sized to the
/// ranges, axis descriptions and a light grid.
pub(crate) fn line_chart<'a, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    title: &str,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
    x_label: &str,
    y_label: &str,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>, DrawFailure> {
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 24))
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .x_label_formatter(&|v| format_tick(*v, x1 - x0))
        .y_label_formatter(&|v| format_tick(*v, y1 - y0))
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .bold_line_style(BLACK.mix(0.12))
        .light_line_style(BLACK.mix(0.04))
        .draw()?;
    Ok(chart)
}

/// Draws the legend of the labelled series at `position`.
pub(crate) fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    position: SeriesLabelPosition,
) -> DrawResult {
    chart
        .configure_series_labels()
        .position(position)
        .margin(12)
        .label_font((FONT, 15))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .draw()?;
    Ok(())
}

/// Line colours for successive series (matplotlib's "tab10", which reads well on white).
pub(crate) const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// Short human labels for axis ticks and cell values: `1.5M`, `20k`, `0.25`, `-3`, `1.0e-5`.
pub(crate) fn format_number(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        return "0".to_owned();
    }
    // (threshold, divisor, suffix): `k` only from 10k on, so 2500 stays "2500".
    let scaled = [(1e9, 1e9, "G"), (1e6, 1e6, "M"), (1e4, 1e3, "k")]
        .into_iter()
        .find(|(t, _, _)| a >= *t);
    match scaled {
        Some((_, d, suffix)) if a < 1e12 => format!("{}{suffix}", trim_decimals(v / d, 2)),
        _ if (1e-3..1e12).contains(&a) => trim_decimals(v, 3),
        _ => format!("{v:.1e}"),
    }
}

/// An axis tick: [`format_number`] after rounding to a thousandth of the axis `span`, so
/// float noise such as `-5.6e-17` or a midpoint of `-4.8e-4` on a ±12 axis reads `0`.
pub(crate) fn format_tick(v: f64, span: f64) -> String {
    if !(span.is_finite() && span > 0.0) {
        return format_number(v);
    }
    let step = 10f64.powf(span.log10().floor() - 3.0);
    let rounded = (v / step).round() * step;
    format_number(if rounded == 0.0 { 0.0 } else { rounded })
}

/// `v` with at most `digits` decimals and no trailing zeros.
pub(crate) fn trim_decimals(v: f64, digits: usize) -> String {
    let s = format!("{v:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// The trimmed contents of every `<text>` element of an SVG written by plotters.
#[cfg(test)]
pub(crate) fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|chunk| {
            let body = &chunk[chunk.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_numbers() {
        assert_eq!(format_number(0.0), "0");
        assert_eq!(format_number(1_500_000.0), "1.5M");
        assert_eq!(format_number(20_000.0), "20k");
        assert_eq!(format_number(2_500.0), "2500");
        assert_eq!(format_number(0.25), "0.25");
        assert_eq!(format_number(-3.0), "-3");
        assert_eq!(format_number(1.23456), "1.235");
        assert_eq!(format_number(1e-5), "1.0e-5");
        assert_eq!(format_number(-0.0001), "-1.0e-4");
        assert_eq!(format_number(3e9), "3G");
    }

    #[test]
    fn format_ticks() {
        assert_eq!(format_tick(-5.6e-17, 1.4), "0");
        assert_eq!(format_tick(-4.8e-4, 24.7), "0");
        assert_eq!(format_tick(12.3449, 24.7), "12.34");
        assert_eq!(format_tick(0.00012, 0.001), "1.2e-4");
        assert_eq!(format_tick(3.0, 0.0), "3");
    }

    #[test]
    fn format_from_extension() {
        assert_eq!(
            OutputFormat::from_path(Path::new("a/b.PNG")).ok(),
            Some(OutputFormat::Png)
        );
        assert_eq!(
            OutputFormat::from_path(Path::new("b.svg")).ok(),
            Some(OutputFormat::Svg)
        );
        for bad in ["b.jpg", "b", "png"] {
            assert!(matches!(
                OutputFormat::from_path(Path::new(bad)),
                Err(PlotError::UnsupportedFormat { .. })
            ));
        }
    }

    #[test]
    fn font_registers() {
        assert!(ensure_font().is_ok());
        assert!(ensure_font().is_ok());
    }
}
