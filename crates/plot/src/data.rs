//! Finding run folders, grouping seeds and reading `metrics.csv`.
//!
//! A run folder is any folder holding a `metrics.csv` in the long format
//! `step,episode,metric,value` (as written by `rewardlab_core::runlog::RunLogger`). Paths
//! handed to [`discover_runs`] may be run folders, a `metrics.csv` file, or folders whose
//! direct children are run folders (`runs/<experiment>`).
//!
//! Seeds of one configuration are grouped by folder name with the `__seed<k>` tail (and a
//! rerun's `-N` suffix) removed, so `CartPole-v1__ppo__seed3-2` belongs to
//! `CartPole-v1__ppo`. When the same name occurs under two different parent folders (two
//! experiments compared side by side), the groups stay apart and their labels are prefixed by
//! the parent folder's name.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rewardlab_core::metrics::MetricRecord;
use rewardlab_core::runlog::{METRICS_FILE, read_metrics};

use crate::PlotError;
use crate::curves::XAxis;

/// Run folders that belong to one curve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunGroup {
    /// Legend label: the folder name without its seed tail, maybe prefixed by its parent.
    pub name: String,
    /// The run folders, in discovery order.
    pub runs: Vec<PathBuf>,
}

/// Expands `paths` into run folders (see the module docs), without duplicates.
///
/// Children of a folder are visited in name order. Fails with [`PlotError::Io`] for a path
/// that cannot be read and [`PlotError::NoRuns`] when nothing was found.
pub fn discover_runs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, PlotError> {
    let mut runs: Vec<PathBuf> = Vec::new();
    let mut push = |p: PathBuf| {
        if !runs.contains(&p) {
            runs.push(p);
        }
    };
    for path in paths {
        let io_err = |source| PlotError::Io {
            path: path.clone(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io_err)?;
        if meta.is_file() {
            if path.file_name().is_some_and(|n| n == METRICS_FILE) {
                push(path.parent().map(Path::to_path_buf).unwrap_or_default());
            }
        } else if is_run(path) {
            push(path.clone());
        } else {
            let mut children = Vec::new();
            for entry in std::fs::read_dir(path).map_err(io_err)? {
                let child = entry.map_err(io_err)?.path();
                if is_run(&child) {
                    children.push(child);
                }
            }
            children.sort();
            children.into_iter().for_each(&mut push);
        }
    }
    if runs.is_empty() {
        return Err(PlotError::NoRuns {
            paths: paths.to_vec(),
        });
    }
    Ok(runs)
}

fn is_run(dir: &Path) -> bool {
    dir.join(METRICS_FILE).is_file()
}

/// A run folder name without its `__seed<k>` tail and the rerun suffix `-N`.
///
/// Names that do not end in `__seed<digits>` or `__seed<digits>-<digits>` are returned whole.
pub fn group_name(folder: &str) -> &str {
    let Some(at) = folder.rfind("__seed") else {
        return folder;
    };
    let tail = &folder[at + "__seed".len()..];
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let ok = match tail.split_once('-') {
        Some((seed, rerun)) => all_digits(seed) && all_digits(rerun),
        None => all_digits(tail),
    };
    if ok { &folder[..at] } else { folder }
}

/// Groups run folders into curves (see the module docs), in order of first appearance.
pub fn group_runs(runs: &[PathBuf]) -> Vec<RunGroup> {
    // (parent, group name, runs)
    let mut groups: Vec<(PathBuf, String, Vec<PathBuf>)> = Vec::new();
    for run in runs {
        let folder = run
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = group_name(&folder).to_owned();
        let parent = run.parent().map(Path::to_path_buf).unwrap_or_default();
        match groups
            .iter_mut()
            .find(|(p, n, _)| *p == parent && *n == name)
        {
            Some((_, _, members)) => members.push(run.clone()),
            None => groups.push((parent, name, vec![run.clone()])),
        }
    }
    let ambiguous = |name: &str| groups.iter().filter(|(_, n, _)| n == name).count() > 1;
    let labels: Vec<String> = groups
        .iter()
        .map(|(parent, name, _)| {
            if ambiguous(name) {
                let p = parent.file_name().map(|n| n.to_string_lossy().into_owned());
                format!(
                    "{}/{name}",
                    p.unwrap_or_else(|| parent.display().to_string())
                )
            } else {
                name.clone()
            }
        })
        .collect();
    groups
        .into_iter()
        .zip(labels)
        .map(|((_, _, runs), name)| RunGroup { name, runs })
        .collect()
}

/// Reads `run/metrics.csv` with the core crate's reader (the one that matches its writer).
pub(crate) fn read_rows(run: &Path) -> Result<Vec<MetricRecord>, PlotError> {
    read_metrics(run).map_err(PlotError::ReadMetrics)
}

/// The `(x, value)` points of one metric, sorted by x.
///
/// Non-finite values are skipped (a diverged run would otherwise blank the plot); several
/// values at the same x (two episodes ending on one vector step) are averaged so that x is
/// strictly increasing.
pub(crate) fn series(
    run: &Path,
    rows: &[MetricRecord],
    metric: &str,
    x: XAxis,
) -> Result<Vec<(f64, f64)>, PlotError> {
    let mut points: Vec<(f64, f64)> = rows
        .iter()
        .filter(|r| r.metric == metric && r.value.is_finite())
        .map(|r| (x.of(r) as f64, r.value))
        .collect();
    if points.is_empty() {
        let available: BTreeSet<&str> = rows.iter().map(|r| r.metric.as_str()).collect();
        return Err(PlotError::MetricMissing {
            metric: metric.to_owned(),
            run: run.to_path_buf(),
            available: available.into_iter().map(str::to_owned).collect(),
        });
    }
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut merged: Vec<(f64, f64, usize)> = Vec::with_capacity(points.len());
    for (x, v) in points {
        match merged.last_mut() {
            Some((lx, sum, n)) if *lx == x => {
                *sum += v;
                *n += 1;
            }
            _ => merged.push((x, v, 1)),
        }
    }
    Ok(merged
        .into_iter()
        .map(|(x, sum, n)| (x, sum / n as f64))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(step: u64, episode: u64, metric: &str, value: f64) -> MetricRecord {
        MetricRecord {
            step,
            episode,
            metric: metric.to_owned(),
            value,
        }
    }

    #[test]
    fn group_name_strips_seed_and_rerun_suffix() {
        assert_eq!(group_name("CartPole-v1__ppo__seed3"), "CartPole-v1__ppo");
        assert_eq!(group_name("CartPole-v1__ppo__seed3-2"), "CartPole-v1__ppo");
        assert_eq!(group_name("A-B__q__seed12-10"), "A-B__q");
        assert_eq!(group_name("plain"), "plain");
        assert_eq!(group_name("x__seedling"), "x__seedling");
        assert_eq!(group_name("x__seed"), "x__seed");
        assert_eq!(group_name("x__seed1-"), "x__seed1-");
    }

    #[test]
    fn groups_by_name_and_parent() {
        let p = |s: &str| PathBuf::from(s);
        let runs = [
            p("r/e1/Env__a__seed0"),
            p("r/e1/Env__b__seed0"),
            p("r/e1/Env__a__seed1-2"),
            p("r/e2/Env__b__seed5"),
        ];
        let groups = group_runs(&runs);
        assert_eq!(
            groups,
            vec![
                RunGroup {
                    name: "Env__a".into(),
                    runs: vec![runs[0].clone(), runs[2].clone()]
                },
                RunGroup {
                    name: "e1/Env__b".into(),
                    runs: vec![runs[1].clone()]
                },
                RunGroup {
                    name: "e2/Env__b".into(),
                    runs: vec![runs[3].clone()]
                },
            ]
        );
    }

    #[test]
    fn series_sorts_merges_and_skips_non_finite() -> Result<(), PlotError> {
        let rows = [
            row(20, 2, "m", 4.0),
            row(10, 1, "m", 1.0),
            row(20, 3, "m", 6.0),
            row(30, 4, "m", f64::NAN),
            row(5, 0, "other", 9.0),
        ];
        let s = series(Path::new("run"), &rows, "m", XAxis::Steps)?;
        assert_eq!(s, vec![(10.0, 1.0), (20.0, 5.0)]);
        let s = series(Path::new("run"), &rows, "m", XAxis::Episodes)?;
        assert_eq!(s, vec![(1.0, 1.0), (2.0, 4.0), (3.0, 6.0)]);
        Ok(())
    }

    #[test]
    fn missing_metric_lists_available() {
        let rows = [
            row(1, 0, "b", 1.0),
            row(1, 0, "a", 1.0),
            row(2, 0, "a", 1.0),
        ];
        let err = series(Path::new("some/run"), &rows, "zzz", XAxis::Steps).err();
        let Some(PlotError::MetricMissing { available, .. }) = &err else {
            panic!("expected MetricMissing, got {err:?}")
        };
        assert_eq!(available, &["a", "b"]);
        let msg = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            msg.contains("zzz") && msg.contains("a, b") && msg.contains("some/run"),
            "{msg}"
        );
    }

    #[test]
    fn discovers_runs_in_folders() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let exp = tmp.path().join("exp");
        for name in ["E__a__seed1", "E__a__seed0", "notes"] {
            std::fs::create_dir_all(exp.join(name))?;
        }
        for name in ["E__a__seed1", "E__a__seed0"] {
            std::fs::write(
                exp.join(name).join(METRICS_FILE),
                "step,episode,metric,value\n",
            )?;
        }
        let single = exp.join("E__a__seed1");
        let found = discover_runs(&[exp.clone(), single.clone(), single.join(METRICS_FILE)])?;
        assert_eq!(found, vec![exp.join("E__a__seed0"), single]);

        let err = discover_runs(&[exp.join("notes")]).err();
        assert!(matches!(err, Some(PlotError::NoRuns { .. })), "{err:?}");
        let err = discover_runs(&[tmp.path().join("missing")]).err();
        assert!(matches!(err, Some(PlotError::Io { .. })), "{err:?}");
        Ok(())
    }
}
