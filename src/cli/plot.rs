//! `rewardlab plot`: learning curves from run folders.

use std::path::{Path, PathBuf};

use rewardlab_plot::{CurveOptions, PlotError, XAxis};

use super::{CliError, print_line};

/// The x axis of a learning curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum XArg {
    /// Environment steps.
    Steps,
    /// Finished episodes.
    Episodes,
}

/// Runs the subcommand.
pub fn run(runs: &[PathBuf], out: &Path, metric: &str, x: XArg) -> Result<(), CliError> {
    let x = match x {
        XArg::Steps => XAxis::Steps,
        XArg::Episodes => XAxis::Episodes,
    };
    let opts = CurveOptions {
        metric: metric.to_owned(),
        x,
        ..CurveOptions::default()
    };
    rewardlab_plot::plot_learning_curves(runs, out, &opts).map_err(|e| match e {
        // Drawing failed after the input was accepted: a runtime failure, not bad input.
        PlotError::Font | PlotError::Draw { .. } => CliError::runtime(e),
        _ => CliError::usage(e),
    })?;
    print_line(
        &mut std::io::stdout().lock(),
        &format!("wrote {}", out.display()),
    )
}
