//! The one error type of this crate; every variant that concerns a file names it.

use std::path::PathBuf;

use rewardlab_core::runlog::RunLogError;

/// What can go wrong when loading runs or drawing a plot.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The output path's extension is neither `.png` nor `.svg`.
    #[error("unsupported output format for {path}: use a .png or .svg extension")]
    UnsupportedFormat {
        /// The requested output path.
        path: PathBuf,
    },
    /// A path given as a run or a folder of runs could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// None of the given paths is a run folder or holds run folders.
    #[error("no run folder (a folder with metrics.csv) found in: {}", join_paths(.paths))]
    NoRuns {
        /// The paths that were searched.
        paths: Vec<PathBuf>,
    },
    /// A `metrics.csv` could not be read or parsed (by
    /// [`rewardlab_core::runlog::read_metrics`], whose error names the file).
    #[error(transparent)]
    ReadMetrics(RunLogError),
    /// A run has no finite value of the requested metric.
    #[error("metric {metric:?} not found in {run}; available metrics: {}", available.join(", "))]
    MetricMissing {
        /// The requested metric.
        metric: String,
        /// The run folder.
        run: PathBuf,
        /// The metrics the run does have, sorted.
        available: Vec<String>,
    },
    /// The data handed in cannot be plotted (empty, ragged, non-finite, bad option…).
    #[error("invalid plot input: {0}")]
    InvalidInput(String),
    /// The embedded font could not be registered with plotters.
    #[error("the embedded DejaVu Sans font could not be loaded")]
    Font,
    /// Drawing or writing the output failed.
    #[error("cannot draw {path}: {message}")]
    Draw {
        /// The output file.
        path: PathBuf,
        /// What the backend reported.
        message: String,
    },
}

fn join_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
