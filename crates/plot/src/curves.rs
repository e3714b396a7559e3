//! Learning curves: mean ± one standard deviation across seeds, one curve per configuration.
//!
//! [`plot_learning_curves`] expands the given paths into run folders
//! ([`crate::discover_runs`]), groups seeds ([`crate::group_runs`]), resamples each seed on a
//! common grid and averages ([`crate::aggregate`]; linear interpolation, see there), then
//! draws each group's band first and its mean line on top, so no band hides another line.
//! The legend reads `<env>__<algo> (n seeds)`.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use rewardlab_core::metrics::MetricRecord;

use crate::aggregate::{Aggregate, aggregate};
use crate::backend::{DrawResult, Figure, PALETTE, legend, line_chart, render};

use crate::data::{discover_runs, group_runs, read_rows, series};
use crate::{PlotError, RunGroup};

/// Which column of `metrics.csv` is the x axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum XAxis {
    /// Environment steps (`step`).
    #[default]
    Steps,
    /// Finished episodes (`episode`).
    Episodes,
}

impl XAxis {
    pub(crate) fn of(self, row: &MetricRecord) -> u64 {
        match self {
            Self::Steps => row.step,
            Self::Episodes => row.episode,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Steps => "environment steps",
            Self::Episodes => "episodes",
        }
    }
}

/// Options of [`plot_learning_curves`].
#[derive(Debug, Clone, PartialEq)]
pub struct CurveOptions {
    /// The metric to plot; default `charts/episodic_return`.
    pub metric: String,
    /// The x axis; default steps.
    pub x: XAxis,
    /// Plot title; default: the metric name.
    pub title: Option<String>,
    /// Number of grid points each run is resampled to; default 100.
    pub points: usize,
    /// Label of the x axis; default: what `x` counts ("environment steps", "episodes"). For
    /// runs that log something else in the step column (an experiment's path index, say).
    pub x_label: Option<String>,
}

impl Default for CurveOptions {
    fn default() -> Self {
        Self {
            metric: "charts/episodic_return".into(),
            x: XAxis::Steps,
            title: None,
            points: 100,
            x_label: None,
        }
    }
}

/// Loads, groups and aggregates runs without drawing: one `(group, curve)` per configuration.
///
/// Errors as for [`plot_learning_curves`].
pub fn aggregate_runs(
    runs: &[PathBuf],
    opts: &CurveOptions,
) -> Result<Vec<(RunGroup, Aggregate)>, PlotError> {
    let found = discover_runs(runs)?;
    group_runs(&found)
        .into_iter()
        .map(|group| {
            let all = group
                .runs
                .iter()
                .map(|run| series(run, &read_rows(run)?, &opts.metric, opts.x))
                .collect::<Result<Vec<_>, _>>()?;
            let agg = aggregate(&all, opts.points)?;
            Ok((group, agg))
        })
        .collect()
}

/// Draws one mean ± std curve per group of seeds into `out` (`.png` or `.svg`).
///
/// Each path is a run folder (holding `metrics.csv`) or a folder of run folders. Fails with
/// [`PlotError::NoRuns`] if none is found, [`PlotError::MetricMissing`] (listing the metrics
/// that exist) if a run never logged `opts.metric`, [`PlotError::UnsupportedFormat`] for
/// another extension.
pub fn plot_learning_curves(
    runs: &[PathBuf],
    out: &Path,
    opts: &CurveOptions,
) -> Result<(), PlotError> {
    crate::OutputFormat::from_path(out)?;
    let curves = aggregate_runs(runs, opts)?;
    let fig = CurvesFigure {
        curves: curves
            .into_iter()
            .map(|(g, agg)| {
                let seeds = if agg.n_runs == 1 { "seed" } else { "seeds" };
                (format!("{} ({} {seeds})", g.name, agg.n_runs), agg)
            })
            .collect(),
        title: opts.title.clone().unwrap_or_else(|| opts.metric.clone()),
        x_label: opts
            .x_label
            .clone()
            .unwrap_or_else(|| opts.x.label().to_string()),
        y_label: opts.metric.clone(),
    };
    render(out, &fig)
}

struct CurvesFigure {
    curves: Vec<(String, Aggregate)>,
    title: String,
    x_label: String,
    y_label: String,
}

impl CurvesFigure {
    fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let aggs = || self.curves.iter().map(|(_, a)| a);
        let x_hi = aggs()
            .filter_map(|a| a.x.last().copied())
            .fold(0.0, f64::max);
        let lo = aggs().flat_map(|a| a.mean.iter().zip(&a.std).map(|(m, s)| m - s));
        let y_lo = lo.fold(f64::INFINITY, f64::min);
        let hi = aggs().flat_map(|a| a.mean.iter().zip(&a.std).map(|(m, s)| m + s));
        let y_hi = hi.fold(f64::NEG_INFINITY, f64::max);
        let x = if x_hi > 0.0 { (0.0, x_hi) } else { (0.0, 1.0) };
        let span = y_hi - y_lo;
        let y = if span > 0.0 {
            (y_lo - 0.05 * span, y_hi + 0.05 * span)
        } else {
            (y_lo - 1.0, y_hi + 1.0)
        };
        (x, y)
    }
}

impl Figure for CurvesFigure {
    fn size(&self) -> (u32, u32) {
        (960, 600)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let (x, y) = self.ranges();
        let mut chart = line_chart(root, &self.title, x, y, &self.x_label, &self.y_label)?;

        for (i, (_, agg)) in self.curves.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let upper = agg
                .x
                .iter()
                .zip(&agg.mean)
                .zip(&agg.std)
                .map(|((x, m), s)| (*x, m + s));
            let lower = agg
                .x
                .iter()
                .zip(&agg.mean)
                .zip(&agg.std)
                .map(|((x, m), s)| (*x, m - s));
            let band: Vec<(f64, f64)> = upper.chain(lower.rev()).collect();
            chart.draw_series(std::iter::once(Polygon::new(
                band,
                colour.mix(0.2).filled(),
            )))?;
        }
        for (i, (label, agg)) in self.curves.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let line = agg.x.iter().copied().zip(agg.mean.iter().copied());
            chart
                .draw_series(LineSeries::new(line, colour.stroke_width(2)))?
                .label(label)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(3))
                });
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// Writes a run folder whose `charts/episodic_return` is `points` (step, value).
    fn write_run(dir: &Path, points: &[(u64, f64)]) -> std::io::Result<()> {
        fs::create_dir_all(dir)?;
        let mut text = String::from("step,episode,metric,value\n");
        for (i, (s, v)) in points.iter().enumerate() {
            text.push_str(&format!("{s},{},charts/episodic_return,{v}\n", i + 1));
            text.push_str(&format!("{s},{},charts/sps,1000\n", i + 1));
        }
        fs::write(dir.join("metrics.csv"), text)
    }

    fn two_groups(root: &Path) -> std::io::Result<PathBuf> {
        let exp = root.join("exp");
        write_run(&exp.join("Grid-v0__q__seed0"), &[(0, 0.0), (100, 10.0)])?;
        write_run(
            &exp.join("Grid-v0__q__seed1"),
            &[(0, 2.0), (50, 2.0), (200, 2.0)],
        )?;
        write_run(&exp.join("Grid-v0__q__seed1-2"), &[(0, 4.0), (100, 4.0)])?;
        write_run(&exp.join("Grid-v0__sarsa__seed0"), &[(10, 1.0), (120, 3.0)])?;
        Ok(exp)
    }

    #[test]
    fn aggregates_groups_from_csv_by_hand() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let exp = two_groups(tmp.path())?;
        let opts = CurveOptions {
            points: 3,
            ..CurveOptions::default()
        };
        let curves = aggregate_runs(&[exp], &opts)?;
        assert_eq!(curves.len(), 2);
        let (q, qa) = &curves[0];
        assert_eq!(q.name, "Grid-v0__q");
        assert_eq!(q.runs.len(), 3);
        // Grid 0, 50, 100. Values: seed0 0, 5, 10; seed1 2, 2, 2; seed1-2 4, 4, 4.
        assert_eq!(qa.x, vec![0.0, 50.0, 100.0]);
        let expect_mean = [2.0, 11.0 / 3.0, 16.0 / 3.0];
        let expect_std = [
            (8.0f64 / 3.0).sqrt(),
            (((5.0f64 - 11.0 / 3.0).powi(2)
                + (2.0f64 - 11.0 / 3.0).powi(2)
                + (4.0f64 - 11.0 / 3.0).powi(2))
                / 3.0)
                .sqrt(),
            (((10.0f64 - 16.0 / 3.0).powi(2)
                + (2.0f64 - 16.0 / 3.0).powi(2)
                + (4.0f64 - 16.0 / 3.0).powi(2))
                / 3.0)
                .sqrt(),
        ];
        for i in 0..3 {
            assert!((qa.mean[i] - expect_mean[i]).abs() < 1e-12, "{:?}", qa.mean);
            assert!((qa.std[i] - expect_std[i]).abs() < 1e-12, "{:?}", qa.std);
        }
        let (s, sa) = &curves[1];
        assert_eq!(s.name, "Grid-v0__sarsa");
        // One run: first value held back to 0, then linear: 1 at 10, 3 at 120.
        assert_eq!(sa.x, vec![0.0, 60.0, 120.0]);
        assert!((sa.mean[1] - (1.0 + 2.0 * 50.0 / 110.0)).abs() < 1e-12);
        assert_eq!(sa.mean[0], 1.0);
        assert_eq!(sa.std, vec![0.0; 3]);

        let by_episode = CurveOptions {
            x: XAxis::Episodes,
            points: 2,
            ..CurveOptions::default()
        };
        let curves = aggregate_runs(&[tmp.path().join("exp/Grid-v0__sarsa__seed0")], &by_episode)?;
        assert_eq!(curves[0].1.x, vec![0.0, 2.0]);
        assert_eq!(curves[0].1.mean, vec![1.0, 3.0]);
        Ok(())
    }

    #[test]
    fn reads_what_the_core_run_logger_writes() -> Result<(), Box<dyn std::error::Error>> {
        use rewardlab_core::metrics::MetricSink;
        use rewardlab_core::runlog::RunLogger;
        use std::collections::BTreeMap;

        let tmp = tempfile::tempdir()?;
        let config = BTreeMap::from([("lr", 0.5)]);
        for (seed, scale) in [(0, 1.0), (1, 3.0)] {
            let mut log = RunLogger::create(tmp.path(), "exp", "Grid-v0", "q", seed, &config)?;
            for (i, step) in [0u64, 10, 20].into_iter().enumerate() {
                log.record(
                    step,
                    i as u64,
                    "charts/episodic_return",
                    scale * step as f64,
                )?;
                log.record(step, i as u64, "losses/td, \"abs\"", -1.0)?;
            }
            log.flush()?;
        }
        let opts = CurveOptions {
            points: 3,
            ..CurveOptions::default()
        };
        let curves = aggregate_runs(&[tmp.path().join("exp")], &opts)?;
        assert_eq!(curves.len(), 1);
        let (group, agg) = &curves[0];
        assert_eq!(group.name, "Grid-v0__q");
        assert_eq!(agg.x, vec![0.0, 10.0, 20.0]);
        // Seeds 0 and 1 log step·1 and step·3: the mean is step·2, the std step·1.
        assert_eq!(agg.mean, vec![0.0, 20.0, 40.0]);
        assert_eq!(agg.std, vec![0.0, 10.0, 20.0]);
        // A quoted metric name with a comma survives the round trip.
        let err = aggregate_runs(
            &[tmp.path().join("exp")],
            &CurveOptions {
                metric: "nope".into(),
                ..opts
            },
        )
        .err();
        let msg = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            msg.contains(r#"available metrics: charts/episodic_return, losses/td, "abs""#),
            "{msg}"
        );
        Ok(())
    }

    #[test]
    fn a_malformed_metrics_file_is_named() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let run = tmp.path().join("Grid-v0__q__seed0");
        fs::create_dir_all(&run)?;
        fs::write(
            run.join("metrics.csv"),
            "step,episode,metric,value\n1,0,charts/episodic_return,not-a-number\n",
        )?;
        let err = aggregate_runs(std::slice::from_ref(&run), &CurveOptions::default()).err();
        assert!(matches!(err, Some(PlotError::ReadMetrics(_))), "{err:?}");
        let msg = err.map(|e| e.to_string()).unwrap_or_default();
        let path = run.join("metrics.csv");
        assert!(
            msg.starts_with("cannot read metrics from")
                && msg.contains(&path.display().to_string()),
            "{msg}"
        );
        Ok(())
    }

    #[test]
    fn writes_png_and_svg_with_legend() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let exp = two_groups(tmp.path())?;
        let png = tmp.path().join("curves.png");
        let svg = tmp.path().join("curves.svg");
        let opts = CurveOptions {
            title: Some("Returns".into()),
            ..CurveOptions::default()
        };
        plot_learning_curves(std::slice::from_ref(&exp), &png, &opts)?;
        plot_learning_curves(&[exp], &svg, &opts)?;
        let bytes = fs::read(&png)?;
        assert!(bytes.len() > 1000 && bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        let text = fs::read_to_string(&svg)?;
        assert!(text.contains("<svg"));
        assert!(text.contains("Grid-v0__q (3 seeds)"), "legend missing");
        assert!(text.contains("Grid-v0__sarsa (1 seed)"), "legend missing");
        assert!(text.contains("Returns"));
        Ok(())
    }

    #[test]
    fn errors() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let exp = two_groups(tmp.path())?;
        let out = tmp.path().join("c.png");
        let opts = CurveOptions {
            metric: "losses/nope".into(),
            ..CurveOptions::default()
        };
        let err = plot_learning_curves(std::slice::from_ref(&exp), &out, &opts).err();
        let msg = err.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(
            matches!(err, Some(PlotError::MetricMissing { .. })),
            "{err:?}"
        );
        assert!(msg.contains("charts/episodic_return, charts/sps"), "{msg}");
        assert!(!out.exists());

        let err = plot_learning_curves(
            std::slice::from_ref(&exp),
            &tmp.path().join("c.pdf"),
            &CurveOptions::default(),
        )
        .err();
        assert!(
            matches!(err, Some(PlotError::UnsupportedFormat { .. })),
            "{err:?}"
        );

        let empty = tmp.path().join("empty");
        fs::create_dir(&empty)?;
        let err = plot_learning_curves(&[empty], &out, &CurveOptions::default()).err();
        assert!(matches!(err, Some(PlotError::NoRuns { .. })), "{err:?}");
        Ok(())
    }
}
