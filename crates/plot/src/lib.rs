//! rewardlab-plot: learning curves, bar charts and grid heatmaps, as PNG or SVG.
//!
//! - [`plot_learning_curves`]: mean ± one standard deviation across seeds of one metric, read
//!   from run folders written by `rewardlab_core::runlog` (`metrics.csv` in the long format
//!   `step,episode,metric,value`), read back with `rewardlab_core::runlog::read_metrics` so
//!   the writer and the reader share one definition of the format.
//! - [`plot_bars`]: labelled bars with optional error bars (final returns, reward distances…).
//! - [`plot_grid_heatmap`]: a value per grid cell (values, rewards, potentials) with walls,
//!   policy arrows, cell labels and a colour bar.
//! - [`plot_xy`]: lines through (x, y) points as given (trajectories such as true against
//!   proxy return along an optimisation path).
//!
//! The output format follows the file extension: `.png` (bitmap) or `.svg`; anything else is
//! [`PlotError::UnsupportedFormat`]. Text is rendered with DejaVu Sans, embedded in the binary
//! and registered with plotters' `ab_glyph` font table on first use, so nothing depends on
//! fontconfig or the fonts installed on the machine.

mod aggregate;
mod backend;
mod bars;
mod curves;
mod data;
mod error;
mod heatmap;
mod xy;

pub use aggregate::{Aggregate, aggregate};
pub use backend::OutputFormat;
pub use bars::{Bar, plot_bars};
pub use curves::{CurveOptions, XAxis, aggregate_runs, plot_learning_curves};
pub use data::{RunGroup, discover_runs, group_name, group_runs};
pub use error::PlotError;
pub use heatmap::{Arrow, GridHeatmap, plot_grid_heatmap};
pub use xy::{XySeries, plot_xy};
