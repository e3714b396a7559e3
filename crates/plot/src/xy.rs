//! Lines through (x, y) points: one trajectory per series, e.g. true against proxy return
//! along an optimisation path. Unlike [`crate::plot_learning_curves`] nothing is averaged
//! or resampled: each series is drawn as given, in its order.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::PlotError;
use crate::backend::{DrawResult, Figure, PALETTE, legend, line_chart, render};

/// One line of [`plot_xy`].
#[derive(Debug, Clone, PartialEq)]
pub struct XySeries {
    /// Legend entry; series with an empty label are drawn without one (and thinner), so many
    /// individual trajectories can share one labelled colour.
    pub label: String,
    /// Index into the palette.
    pub colour: usize,
    /// The points, joined in order.
    pub points: Vec<(f64, f64)>,
}

/// Draws `series` into `out` (`.png` or `.svg`) with the given title and axis labels.
///
/// Fails with [`PlotError::InvalidInput`] for no points at all or a non-finite coordinate,
/// and [`PlotError::UnsupportedFormat`] for another extension.
pub fn plot_xy(
    series: &[XySeries],
    out: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
) -> Result<(), PlotError> {
    crate::OutputFormat::from_path(out)?;
    let all = || series.iter().flat_map(|s| s.points.iter());
    if all().next().is_none() {
        return Err(PlotError::InvalidInput("no points to plot".into()));
    }
    if let Some((x, y)) = all().find(|(x, y)| !(x.is_finite() && y.is_finite())) {
        return Err(PlotError::InvalidInput(format!(
            "point ({x}, {y}) is not finite"
        )));
    }
    let range = |f: fn(&(f64, f64)) -> f64| {
        let lo = all().map(f).fold(f64::INFINITY, f64::min);
        let hi = all().map(f).fold(f64::NEG_INFINITY, f64::max);
        let pad = if hi > lo { 0.05 * (hi - lo) } else { 1.0 };
        (lo - pad, hi + pad)
    };
    render(
        out,
        &XyFigure {
            series,
            x: range(|p| p.0),
            y: range(|p| p.1),
            title,
            x_label,
            y_label,
        },
    )
}

struct XyFigure<'a> {
    series: &'a [XySeries],
    x: (f64, f64),
    y: (f64, f64),
    title: &'a str,
    x_label: &'a str,
    y_label: &'a str,
}

impl Figure for XyFigure<'_> {
    fn size(&self) -> (u32, u32) {
        (960, 640)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let mut chart = line_chart(root, self.title, self.x, self.y, self.x_label, self.y_label)?;
        let mut labelled = false;
        for s in self.series {
            let colour = PALETTE[s.colour % PALETTE.len()];
            let (width, alpha) = if s.label.is_empty() {
                (1, 0.45)
            } else {
                (2, 1.0)
            };
            let line = LineSeries::new(
                s.points.iter().copied(),
                colour.mix(alpha).stroke_width(width),
            );
            let drawn = chart.draw_series(line)?;
            if !s.label.is_empty() {
                labelled = true;
                drawn.label(s.label.as_str()).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(3))
                });
            }
        }
        if labelled {
            legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_png_and_svg_and_refuses_bad_input() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let series = vec![
            XySeries {
                label: "trajectory-one".into(),
                colour: 0,
                points: vec![(0.0, 0.0), (0.5, 0.8), (1.0, 0.6)],
            },
            XySeries {
                label: String::new(),
                colour: 0,
                points: vec![(0.0, 0.1), (1.0, 0.9)],
            },
        ];
        let svg = tmp.path().join("xy.svg");
        plot_xy(&series, &svg, "True vs proxy", "proxy", "true")?;
        let text = std::fs::read_to_string(&svg)?;
        assert!(text.contains("True vs proxy") && text.contains("trajectory-one"));
        plot_xy(&series, &tmp.path().join("xy.png"), "t", "x", "y")?;
        assert!(plot_xy(&[], &svg, "t", "x", "y").is_err());
        let nan = vec![XySeries {
            label: "n".into(),
            colour: 1,
            points: vec![(f64::NAN, 0.0)],
        }];
        assert!(plot_xy(&nan, &svg, "t", "x", "y").is_err());
        assert!(plot_xy(&series, &tmp.path().join("xy.jpg"), "t", "x", "y").is_err());
        Ok(())
    }
}
