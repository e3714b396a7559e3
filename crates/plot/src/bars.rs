//! Bar charts: one labelled bar per value, with optional symmetric error bars.
//!
//! Bars start at zero (negative values hang below it) and each gets its value printed above
//! (or below) it. The image widens with the number of bars and the length of their labels,
//! so labels stay readable side by side instead of overlapping.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::PlotError;
use crate::backend::{DrawResult, FONT, Figure, PALETTE, format_number, format_tick, render};

/// One bar of [`plot_bars`].
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Text under the bar.
    pub label: String,
    /// Height of the bar.
    pub value: f64,
    /// Half-length of the error bar (e.g. a standard deviation), if any; must be >= 0.
    pub error: Option<f64>,
}

/// Draws a bar chart into `out` (`.png` or `.svg`).
///
/// Fails with [`PlotError::InvalidInput`] for no bars, a non-finite value or a negative or
/// non-finite error, and [`PlotError::UnsupportedFormat`] for another extension.
pub fn plot_bars(bars: &[Bar], out: &Path, title: &str, y_label: &str) -> Result<(), PlotError> {
    crate::OutputFormat::from_path(out)?;
    if bars.is_empty() {
        return Err(PlotError::InvalidInput("no bars to plot".into()));
    }
    for b in bars {
        let bad_error = b.error.is_some_and(|e| !(e.is_finite() && e >= 0.0));
        if !b.value.is_finite() || bad_error {
            return Err(PlotError::InvalidInput(format!(
                "bar {:?}: value {} and error {:?} must be finite (error >= 0)",
                b.label, b.value, b.error
            )));
        }
    }
    render(
        out,
        &BarsFigure {
            bars,
            title,
            y_label,
        },
    )
}

struct BarsFigure<'a> {
    bars: &'a [Bar],
    title: &'a str,
    y_label: &'a str,
}

/// Pixels per character of a 14 px label, a safe over-estimate for DejaVu Sans.
const CHAR_PX: u32 = 9;

impl BarsFigure<'_> {
    fn slot_px(&self) -> u32 {
        let longest = self
            .bars
            .iter()
            .map(|b| b.label.chars().count())
            .max()
            .unwrap_or(0) as u32;
        (longest * CHAR_PX + 16).max(70)
    }

    fn y_range(&self) -> (f64, f64) {
        let lo = self
            .bars
            .iter()
            .map(|b| b.value - b.error.unwrap_or(0.0))
            .fold(0.0, f64::min);
        let hi = self
            .bars
            .iter()
            .map(|b| b.value + b.error.unwrap_or(0.0))
            .fold(0.0, f64::max);
        let span = hi - lo;
        if span > 0.0 {
            // Room for the value text above positive bars and below negative ones.
            (
                if lo < 0.0 { lo - 0.12 * span } else { 0.0 },
                if hi > 0.0 { hi + 0.12 * span } else { 0.0 },
            )
        } else {
            (-1.0, 1.0)
        }
    }
}

impl Figure for BarsFigure<'_> {
    fn size(&self) -> (u32, u32) {
        let width = self.bars.len() as u32 * self.slot_px() + 120;
        (width.clamp(640, 4000), 520)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let n = self.bars.len();
        let (y0, y1) = self.y_range();
        let mut chart = ChartBuilder::on(root)
            .caption(self.title, (FONT, 24))
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d((0..n - 1).into_segmented(), y0..y1)?;
        let labels: Vec<&str> = self.bars.iter().map(|b| b.label.as_str()).collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => {
                    labels.get(*i).map(|s| s.to_string()).unwrap_or_default()
                }
                _ => String::new(),
            })
            .y_desc(self.y_label)
            .y_label_formatter(&|v| format_tick(*v, y1 - y0))
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .bold_line_style(BLACK.mix(0.12))
            .light_line_style(BLACK.mix(0.04))
            .draw()?;

        let slot = chart.plotting_area().dim_in_pixel().0 / n.max(1) as u32;
        let gap = slot / 6;
        for (i, bar) in self.bars.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let corners = [
                (SegmentValue::Exact(i), 0.0),
                (SegmentValue::Exact(i + 1), bar.value),
            ];
            let mut rect = Rectangle::new(corners, colour.filled());
            rect.set_margin(0, 0, gap, gap);
            chart.draw_series(std::iter::once(rect))?;
            let e = bar.error.unwrap_or(0.0);
            if bar.error.is_some() {
                // plotters' ErrorBar needs a feature we do not enable; draw whisker and caps.
                let (px, top) = chart.backend_coord(&(SegmentValue::CenterOf(i), bar.value + e));
                let (_, bottom) = chart.backend_coord(&(SegmentValue::CenterOf(i), bar.value - e));
                let cap = (slot / 8).max(3) as i32;
                let style = BLACK.stroke_width(2);
                root.draw(&PathElement::new(vec![(px, top), (px, bottom)], style))?;
                for py in [top, bottom] {
                    root.draw(&PathElement::new(
                        vec![(px - cap, py), (px + cap, py)],
                        style,
                    ))?;
                }
            }
            // Value text just beyond the bar's end (or its error bar), on the outside.
            let (anchor_y, vpos) = if bar.value >= 0.0 {
                (bar.value + e, VPos::Bottom)
            } else {
                (bar.value - e, VPos::Top)
            };
            let style = TextStyle::from((FONT, 13)).pos(Pos::new(HPos::Center, vpos));
            let (px, py) = chart.backend_coord(&(SegmentValue::CenterOf(i), anchor_y));
            let dy = if bar.value >= 0.0 { -4 } else { 4 };
            root.draw(&Text::new(format_number(bar.value), (px, py + dy), style))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn bars() -> Vec<Bar> {
        vec![
            Bar {
                label: "no shaping".into(),
                value: 0.42,
                error: Some(0.05),
            },
            Bar {
                label: "potential".into(),
                value: 0.81,
                error: Some(0.1),
            },
            Bar {
                label: "naive bonus".into(),
                value: -0.3,
                error: None,
            },
        ]
    }

    #[test]
    fn writes_png_and_svg() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let png = tmp.path().join("bars.png");
        let svg = tmp.path().join("bars.svg");
        plot_bars(&bars(), &png, "Final return", "return")?;
        plot_bars(&bars(), &svg, "Final return", "return")?;
        let bytes = fs::read(&png)?;
        assert!(bytes.len() > 1000 && bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        let text = fs::read_to_string(&svg)?;
        assert!(text.contains("<svg"));
        for needle in [
            "Final return",
            "no shaping",
            "potential",
            "naive bonus",
            "0.81",
            "-0.3",
        ] {
            assert!(text.contains(needle), "{needle} missing from the SVG");
        }
        Ok(())
    }

    #[test]
    fn rejects_bad_input() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let out = tmp.path().join("b.png");
        assert!(matches!(
            plot_bars(&[], &out, "t", "y"),
            Err(PlotError::InvalidInput(_))
        ));
        let nan = [Bar {
            label: "x".into(),
            value: f64::NAN,
            error: None,
        }];
        assert!(matches!(
            plot_bars(&nan, &out, "t", "y"),
            Err(PlotError::InvalidInput(_))
        ));
        let neg = [Bar {
            label: "x".into(),
            value: 1.0,
            error: Some(-1.0),
        }];
        assert!(matches!(
            plot_bars(&neg, &out, "t", "y"),
            Err(PlotError::InvalidInput(_))
        ));
        let bad_ext = tmp.path().join("b.gif");
        assert!(matches!(
            plot_bars(&bars(), &bad_ext, "t", "y"),
            Err(PlotError::UnsupportedFormat { .. })
        ));
        assert!(!out.exists() && !bad_ext.exists());
        Ok(())
    }
}
