//! Grid heatmaps: one coloured cell per state, walls, policy arrows, labels and a colour bar.
//!
//! Used for state values, rewards and potentials of grid worlds. Cells are square and laid
//! out row by row from the top left (row 0 is the top row, as in MiniGrid's text rendering).
//! Colours follow matplotlib's viridis (perceptually uniform, readable in grey scale and by
//! most colour-blind readers) from the smallest value (dark purple) to the largest (yellow);
//! walls (`None`) are dark grey. A colour bar with five ticks on the right maps colours back
//! to values. On grids of at most [`MAX_COLS_WITH_VALUES`] columns each cell also prints its
//! value; arrows and labels are drawn in black or white, whichever contrasts with the cell.
//!
//! Everything is placed in pixel coordinates on the root area rather than through a chart:
//! a heatmap has no axes worth drawing, and square cells are easier to guarantee this way.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::PlotError;
use crate::backend::{DrawResult, FONT, Figure, format_tick, render, trim_decimals};

/// Cell values are printed only on grids with at most this many columns.
pub const MAX_COLS_WITH_VALUES: usize = 20;

/// A policy arrow: the action's direction on screen (row 0 at the top).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrow {
    /// Towards row 0.
    Up,
    /// Towards higher columns.
    Right,
    /// Towards higher rows.
    Down,
    /// Towards column 0.
    Left,
}

/// What [`plot_grid_heatmap`] draws.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GridHeatmap {
    /// `rows × cols` values; `None` is a wall, drawn dark.
    pub values: Vec<Vec<Option<f64>>>,
    /// Optional arrow per cell (same shape as `values`); arrows on walls are not drawn.
    pub arrows: Option<Vec<Vec<Option<Arrow>>>>,
    /// Optional short text per cell such as `"S"` or `"G"` (same shape as `values`), drawn in
    /// the cell's top-left corner.
    pub labels: Option<Vec<Vec<Option<String>>>>,
    /// Title above the grid.
    pub title: String,
}

/// Draws a grid heatmap into `out` (`.png` or `.svg`).
///
/// Fails with [`PlotError::InvalidInput`] for an empty or ragged grid, arrows or labels of
/// another shape, or a non-finite value, and [`PlotError::UnsupportedFormat`] for another
/// extension.
pub fn plot_grid_heatmap(grid: &GridHeatmap, out: &Path) -> Result<(), PlotError> {
    crate::OutputFormat::from_path(out)?;
    let (rows, cols) = shape(&grid.values)?;
    if let Some(arrows) = &grid.arrows {
        check_shape(arrows, rows, cols, "arrows")?;
    }
    if let Some(labels) = &grid.labels {
        check_shape(labels, rows, cols, "labels")?;
    }
    let finite = grid.values.iter().flatten().flatten();
    if let Some(v) = finite.clone().find(|v| !v.is_finite()) {
        return Err(PlotError::InvalidInput(format!(
            "heatmap value {v} is not finite"
        )));
    }
    let lo = finite.clone().copied().fold(f64::INFINITY, f64::min);
    let hi = finite.copied().fold(f64::NEG_INFINITY, f64::max);
    // An all-wall grid still draws, with a nominal scale.
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (0.0, 1.0) };
    let cell = (640 / rows.max(cols) as u32).clamp(14, 72);
    render(
        out,
        &HeatmapFigure {
            grid,
            rows,
            cols,
            lo,
            hi,
            cell,
        },
    )
}

fn shape<T>(grid: &[Vec<T>]) -> Result<(usize, usize), PlotError> {
    let cols = grid.first().map_or(0, Vec::len);
    if cols == 0 {
        return Err(PlotError::InvalidInput(
            "heatmap needs at least one row and column".into(),
        ));
    }
    check_shape(grid, grid.len(), cols, "values")?;
    Ok((grid.len(), cols))
}

fn check_shape<T>(grid: &[Vec<T>], rows: usize, cols: usize, what: &str) -> Result<(), PlotError> {
    if grid.len() != rows || grid.iter().any(|r| r.len() != cols) {
        return Err(PlotError::InvalidInput(format!(
            "heatmap {what} must be {rows} rows of {cols} cells each"
        )));
    }
    Ok(())
}

/// Viridis anchors (matplotlib), interpolated linearly.
const VIRIDIS: [(u8, u8, u8); 8] = [
    (68, 1, 84),
    (70, 50, 127),
    (54, 92, 141),
    (39, 127, 143),
    (31, 162, 136),
    (74, 194, 110),
    (160, 219, 57),
    (254, 232, 37),
];

const WALL: RGBColor = RGBColor(45, 45, 45);

/// Viridis at `t` in [0, 1] (clamped).
fn viridis(t: f64) -> RGBColor {
    let pos = t.clamp(0.0, 1.0) * (VIRIDIS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(VIRIDIS.len() - 2);
    let f = pos - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// A cell value in at most about five characters: three significant digits, or scientific
/// notation for very large or very small magnitudes.
fn format_cell(v: f64) -> String {
    let a = v.abs();
    if a >= 1e4 || (a > 0.0 && a < 0.01) {
        format!("{v:.1e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else {
        trim_decimals(v, if a >= 10.0 { 1 } else { 2 })
    }
}

/// Black or white, whichever reads better on `bg`.
fn contrast(bg: RGBColor) -> RGBColor {
    let luma = 0.299 * f64::from(bg.0) + 0.587 * f64::from(bg.1) + 0.114 * f64::from(bg.2);
    if luma > 140.0 { BLACK } else { WHITE }
}

struct HeatmapFigure<'a> {
    grid: &'a GridHeatmap,
    rows: usize,
    cols: usize,
    lo: f64,
    hi: f64,
    cell: u32,
}

const TITLE_H: u32 = 48;
const MARGIN: u32 = 16;
const BAR_W: u32 = 18;
/// Colour bar, its gap to the grid and its tick labels.
const BAR_AREA: u32 = 24 + BAR_W + 80;
const MIN_BAR_H: u32 = 160;

impl HeatmapFigure<'_> {
    fn grid_px(&self) -> (u32, u32) {
        (self.cols as u32 * self.cell, self.rows as u32 * self.cell)
    }

    fn colour_of(&self, v: f64) -> RGBColor {
        if self.hi > self.lo {
            viridis((v - self.lo) / (self.hi - self.lo))
        } else {
            viridis(0.5)
        }
    }

    fn draw_cell<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        (r, c): (usize, usize),
        (x, y): (i32, i32),
    ) -> DrawResult {
        let s = self.cell as i32;
        let value = self.grid.values[r][c];
        let bg = value.map_or(WALL, |v| self.colour_of(v));
        root.draw(&Rectangle::new([(x, y), (x + s, y + s)], bg.filled()))?;
        root.draw(&Rectangle::new(
            [(x, y), (x + s, y + s)],
            WHITE.mix(0.6).stroke_width(1),
        ))?;
        let fg = contrast(bg);
        let show_value = value.is_some() && self.cols <= MAX_COLS_WITH_VALUES;
        let (cx, cy) = (x + s / 2, y + s / 2);

        let arrow = self
            .grid
            .arrows
            .as_ref()
            .and_then(|a| a[r][c])
            .filter(|_| value.is_some());
        if let Some(dir) = arrow {
            // With a value underneath, the arrow moves up and shrinks to leave it room.
            let (len, centre) = if show_value {
                (0.42, (cx, y + s * 2 / 5))
            } else {
                (0.6, (cx, cy))
            };
            draw_arrow(root, dir, centre, f64::from(self.cell) * len, fg)?;
        }
        if let (true, Some(v)) = (show_value, value) {
            let text = format_cell(v);
            // Shrink long numbers so they stay inside the cell.
            let fit = 0.85 * f64::from(self.cell) / (0.62 * text.chars().count().max(1) as f64);
            let size = (f64::from(self.cell) * 0.26).min(fit).max(7.0);
            let vy = if arrow.is_some() { y + s * 4 / 5 } else { cy };
            let style = TextStyle::from((FONT, size))
                .color(&fg)
                .pos(Pos::new(HPos::Center, VPos::Center));
            root.draw(&Text::new(text, (cx, vy), style))?;
        }
        if let Some(label) = self.grid.labels.as_ref().and_then(|l| l[r][c].as_deref()) {
            let size = (f64::from(self.cell) * 0.3).max(8.0);
            let style = TextStyle::from((FONT, size))
                .color(&fg)
                .pos(Pos::new(HPos::Left, VPos::Top));
            root.draw(&Text::new(label.to_owned(), (x + 3, y + 3), style))?;
        }
        Ok(())
    }

    fn draw_colour_bar<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        x: i32,
        y: i32,
        h: i32,
    ) -> DrawResult {
        for py in 0..h {
            // Top is the largest value.
            let t = 1.0 - f64::from(py) / f64::from((h - 1).max(1));
            let colour = if self.hi > self.lo {
                viridis(t)
            } else {
                viridis(0.5)
            };
            root.draw(&Rectangle::new(
                [(x, y + py), (x + BAR_W as i32, y + py + 1)],
                colour.filled(),
            ))?;
        }
        root.draw(&Rectangle::new(
            [(x, y), (x + BAR_W as i32, y + h)],
            BLACK.stroke_width(1),
        ))?;
        let ticks = if self.hi > self.lo { 5 } else { 1 };
        for k in 0..ticks {
            let t = if ticks == 1 {
                0.5
            } else {
                f64::from(k) / f64::from(ticks - 1)
            };
            let value = self.lo + t * (self.hi - self.lo);
            let py = y + ((1.0 - t) * f64::from(h - 1)).round() as i32;
            let right = x + BAR_W as i32;
            root.draw(&PathElement::new(
                vec![(right, py), (right + 5, py)],
                BLACK.stroke_width(1),
            ))?;
            let style = TextStyle::from((FONT, 13)).pos(Pos::new(HPos::Left, VPos::Center));
            root.draw(&Text::new(
                format_tick(value, self.hi - self.lo),
                (right + 8, py),
                style,
            ))?;
        }
        Ok(())
    }
}

/// An arrow of total length `len` centred on `centre`: a shaft and a filled triangular head.
fn draw_arrow<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    dir: Arrow,
    centre: (i32, i32),
    len: f64,
    colour: RGBColor,
) -> DrawResult {
    let (dx, dy) = match dir {
        Arrow::Up => (0.0, -1.0),
        Arrow::Right => (1.0, 0.0),
        Arrow::Down => (0.0, 1.0),
        Arrow::Left => (-1.0, 0.0),
    };
    let (cx, cy) = (f64::from(centre.0), f64::from(centre.1));
    let p = |along: f64, across: f64| {
        // `across` is perpendicular to the arrow direction.
        (
            (cx + dx * along - dy * across).round() as i32,
            (cy + dy * along + dx * across).round() as i32,
        )
    };
    let head = len * 0.4;
    let width = ((len / 10.0).round() as u32).max(1);
    root.draw(&PathElement::new(
        vec![p(-len / 2.0, 0.0), p(len / 2.0 - head, 0.0)],
        colour.stroke_width(width),
    ))?;
    let tip = vec![
        p(len / 2.0, 0.0),
        p(len / 2.0 - head, head * 0.6),
        p(len / 2.0 - head, -head * 0.6),
    ];
    root.draw(&Polygon::new(tip, colour.filled()))?;
    Ok(())
}

impl Figure for HeatmapFigure<'_> {
    fn size(&self) -> (u32, u32) {
        let (w, h) = self.grid_px();
        let width = (MARGIN + w + BAR_AREA + MARGIN).max(360);
        (width, TITLE_H + h.max(MIN_BAR_H) + 2 * MARGIN)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let (width, _) = self.size();
        let (w, h) = self.grid_px();
        let title = TextStyle::from((FONT, 22)).pos(Pos::new(HPos::Center, VPos::Center));
        root.draw(&Text::new(
            self.grid.title.clone(),
            (width as i32 / 2, (TITLE_H / 2 + 4) as i32),
            title,
        ))?;
        // Centre the grid and its colour bar horizontally when the title forces extra width.
        let x0 = ((width - (w + BAR_AREA)) / 2) as i32;
        let y0 = (TITLE_H + MARGIN) as i32;
        for r in 0..self.rows {
            for c in 0..self.cols {
                let at = (
                    x0 + (c as u32 * self.cell) as i32,
                    y0 + (r as u32 * self.cell) as i32,
                );
                self.draw_cell(root, (r, c), at)?;
            }
        }
        let bar_h = h.max(MIN_BAR_H) as i32;
        self.draw_colour_bar(root, x0 + w as i32 + 24, y0, bar_h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::svg_texts;
    use std::fs;

    /// A 4×5 grid with a wall column, arrows towards the goal and S/G labels.
    fn sample() -> GridHeatmap {
        let wall = |r: usize, c: usize| c == 2 && r < 2;
        let values = (0..4)
            .map(|r| {
                (0..5)
                    .map(|c| (!wall(r, c)).then(|| -(((3 - r) + (4 - c)) as f64) * 0.9))
                    .collect()
            })
            .collect();
        let arrows = (0..4)
            .map(|r| {
                (0..5)
                    .map(|c| {
                        Some(if r < 3 {
                            Arrow::Down
                        } else if c < 4 {
                            Arrow::Right
                        } else {
                            Arrow::Up
                        })
                    })
                    .collect()
            })
            .collect();
        let mut labels = vec![vec![None; 5]; 4];
        labels[0][0] = Some("S".to_owned());
        labels[3][4] = Some("G".to_owned());
        GridHeatmap {
            values,
            arrows: Some(arrows),
            labels: Some(labels),
            title: "V* (gamma 0.9)".into(),
        }
    }

    #[test]
    fn cell_values_are_short() {
        assert_eq!(format_cell(-10.388), "-10.4");
        assert_eq!(format_cell(1.2345), "1.23");
        assert_eq!(format_cell(0.5), "0.5");
        assert_eq!(format_cell(0.0), "0");
        assert_eq!(format_cell(123.6), "124");
        assert_eq!(format_cell(12345.0), "1.2e4");
        assert_eq!(format_cell(-0.001), "-1.0e-3");
    }

    #[test]
    fn viridis_ends_and_contrast() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(254, 232, 37));
        assert_eq!(viridis(-3.0), viridis(0.0));
        // Halfway between anchors 3 and 4 (t = 3.5/7).
        assert_eq!(viridis(0.5), RGBColor(35, 145, 140));
        assert_eq!(contrast(viridis(0.0)), WHITE);
        assert_eq!(contrast(viridis(1.0)), BLACK);
    }

    #[test]
    fn writes_png_and_svg() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let png = tmp.path().join("grid.png");
        let svg = tmp.path().join("grid.svg");
        plot_grid_heatmap(&sample(), &png)?;
        plot_grid_heatmap(&sample(), &svg)?;
        let bytes = fs::read(&png)?;
        assert!(bytes.len() > 1000 && bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        let text = fs::read_to_string(&svg)?;
        assert!(text.contains("<svg"));
        let texts = svg_texts(&text);
        // Title, labels, a cell value (-6.3 at S) and the colour bar's max (0 at G).
        for needle in ["V* (gamma 0.9)", "S", "G", "-6.3", "0"] {
            assert!(
                texts.iter().any(|t| t == needle),
                "{needle} missing from {texts:?}"
            );
        }
        // 19 cells with values (one wall column of two), two labels, title, five ticks.
        assert_eq!(texts.len(), 18 + 2 + 1 + 5, "{texts:?}");
        Ok(())
    }

    #[test]
    fn large_grid_omits_values() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let svg = tmp.path().join("big.svg");
        let values = (0..25)
            .map(|r| (0..25).map(|c| Some((r * 25 + c) as f64 + 0.5)).collect())
            .collect();
        plot_grid_heatmap(
            &GridHeatmap {
                values,
                title: "big".into(),
                ..GridHeatmap::default()
            },
            &svg,
        )?;
        let texts = svg_texts(&fs::read_to_string(&svg)?);
        // Only the title and the five colour-bar ticks: no cell values on 25 columns.
        assert_eq!(texts, ["big", "0.5", "156.5", "312.5", "468.5", "624.5"]);
        Ok(())
    }

    #[test]
    fn rejects_bad_shapes() {
        let out = Path::new("unused.png");
        let empty = GridHeatmap::default();
        assert!(matches!(
            plot_grid_heatmap(&empty, out),
            Err(PlotError::InvalidInput(_))
        ));
        let ragged = GridHeatmap {
            values: vec![vec![Some(1.0)], vec![]],
            ..GridHeatmap::default()
        };
        assert!(matches!(
            plot_grid_heatmap(&ragged, out),
            Err(PlotError::InvalidInput(_))
        ));
        let arrows = GridHeatmap {
            arrows: Some(vec![vec![None; 4]; 4]),
            ..sample()
        };
        assert!(matches!(
            plot_grid_heatmap(&arrows, out),
            Err(PlotError::InvalidInput(_))
        ));
        let inf = GridHeatmap {
            values: vec![vec![Some(f64::INFINITY)]],
            ..GridHeatmap::default()
        };
        assert!(matches!(
            plot_grid_heatmap(&inf, out),
            Err(PlotError::InvalidInput(_))
        ));
        let bad_ext = Path::new("x.bmp");
        assert!(matches!(
            plot_grid_heatmap(&sample(), bad_ext),
            Err(PlotError::UnsupportedFormat { .. })
        ));
        assert!(!out.exists());
    }
}
