//! Shared plumbing of the experiment binaries (`src/bin/<name>.rs`, one per result).
//!
//! Every experiment writes one folder, `runs/<name>/` by default:
//!
//! - one run folder per (variant, seed) made by core's
//!   [`RunLogger`](rewardlab_core::runlog::RunLogger) (`config.toml`, `metrics.csv`), named
//!   `<env>__<variant>__seed<k>`, so `rewardlab plot` and the plot crate group seeds by
//!   variant as they do for any training run;
//! - `metrics.csv` at the top: every run's rows in one long table with `variant` and `seed`
//!   columns, for pandas or a spreadsheet;
//! - plots as PNG and SVG side by side ([`Output::both`]);
//! - `summary.json`, `{"variants": {"<variant>": {…}}, …}`.
//!
//! [`Output::create`] clears what an earlier run of the same experiment wrote there (run
//! folders, metrics, plots, summary) and nothing else, so a rerun never mixes old seeds
//! into new curves.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context;
use rewardlab_core::runlog::{RunLogger, read_metrics, sanitize_component};
use serde::Serialize;

pub mod gridworld_common;
pub mod gridworld_experiments;
pub mod irl_gridworld;
pub mod irl_multitask;
pub mod irl_transfer;
pub mod starc_experiment;

/// Name of the summary file.
pub const SUMMARY_FILE: &str = "summary.json";
/// Name of the combined metrics table.
pub const METRICS_FILE: &str = "metrics.csv";

/// One experiment's output folder.
#[derive(Debug)]
pub struct Output {
    dir: PathBuf,
    runs: Mutex<Vec<RunRecord>>,
}

#[derive(Debug, Clone)]
struct RunRecord {
    dir: PathBuf,
    variant: String,
    seed: u64,
}

impl Output {
    /// Creates `dir` (and its parents), removing the files an earlier run wrote into it.
    ///
    /// The folder's own name must be one core's run logger keeps as it is (letters, digits,
    /// `.`, `_`, `-`, not starting with `.`), so that run folders land inside it.
    pub fn create(dir: impl Into<PathBuf>) -> anyhow::Result<Self> {
        let dir = dir.into();
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .with_context(|| format!("the output folder {} needs a name", dir.display()))?;
        anyhow::ensure!(
            sanitize_component(name) == name,
            "the output folder's name {name:?} must use only letters, digits, '.', '_' and '-' \
             (and not start with '.'); try {:?}",
            sanitize_component(name)
        );
        fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        for entry in fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let ours = if path.is_dir() {
                is_run_folder_name(name) && path.join("metrics.csv").is_file()
            } else {
                name == SUMMARY_FILE
                    || name == METRICS_FILE
                    || name.ends_with(".png")
                    || name.ends_with(".svg")
            };
            if ours && path.is_dir() {
                fs::remove_dir_all(&path)
                    .with_context(|| format!("removing {}", path.display()))?;
            } else if ours {
                fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
            }
        }
        Ok(Self {
            dir,
            runs: Mutex::new(Vec::new()),
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `dir/<file>`.
    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    /// A new run folder `<env>__<variant>__seed<seed>` with `config` as its `config.toml`.
    pub fn run_logger(
        &self,
        env: &str,
        variant: &str,
        seed: u64,
        config: &impl Serialize,
    ) -> anyhow::Result<RunLogger> {
        let parent = self.dir.parent().unwrap_or(Path::new("."));
        let name = self
            .dir
            .file_name()
            .and_then(|n| n.to_str())
            .context("the output folder needs a name")?;
        let logger = RunLogger::create(parent, name, env, variant, seed, config)?;
        self.runs
            .lock()
            .map_err(|_| anyhow::anyhow!("a run panicked while registering its folder"))?
            .push(RunRecord {
                dir: logger.dir().to_path_buf(),
                variant: variant.to_string(),
                seed,
            });
        Ok(logger)
    }

    /// Calls `draw` with `dir/<stem>.png` and then `dir/<stem>.svg`.
    pub fn both<E>(
        &self,
        stem: &str,
        mut draw: impl FnMut(&Path) -> Result<(), E>,
    ) -> anyhow::Result<()>
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        for ext in ["png", "svg"] {
            let path = self.dir.join(format!("{stem}.{ext}"));
            draw(&path).with_context(|| format!("drawing {}", path.display()))?;
        }
        Ok(())
    }

    /// Writes `summary.json` (pretty-printed) and the combined `metrics.csv` of every run
    /// folder made through [`Output::run_logger`] (finish the loggers first).
    pub fn finish(&self, summary: &serde_json::Value) -> anyhow::Result<PathBuf> {
        let mut runs = self
            .runs
            .lock()
            .map_err(|_| anyhow::anyhow!("a run panicked while registering its folder"))?
            .clone();
        runs.sort_by(|a, b| (&a.variant, a.seed).cmp(&(&b.variant, b.seed)));
        let mut csv = String::from("variant,seed,step,episode,metric,value\n");
        for run in &runs {
            for row in read_metrics(&run.dir)? {
                csv.push_str(&format!(
                    "{},{},{},{},{},{}\n",
                    run.variant, run.seed, row.step, row.episode, row.metric, row.value
                ));
            }
        }
        let metrics = self.path(METRICS_FILE);
        fs::write(&metrics, csv).with_context(|| format!("writing {}", metrics.display()))?;
        let path = self.path(SUMMARY_FILE);
        let text = serde_json::to_string_pretty(summary)?;
        fs::write(&path, text + "\n").with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }
}

/// Whether `name` looks like a run folder, `<env>__<variant>__seed<k>` with an optional `-N`
/// suffix: the only folders [`Output::create`] removes.
fn is_run_folder_name(name: &str) -> bool {
    let Some((_, seed)) = name.rsplit_once("__seed") else {
        return false;
    };
    let digits = seed.split_once('-').map_or(seed, |(k, _)| k);
    name.matches("__").count() >= 2
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Mean and (population) standard deviation; `(NaN, NaN)` for no values.
pub fn mean_std(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// The mean of the values that exist, or `None` when any is missing — "never reached" must
/// not be averaged away.
pub fn mean_if_all(values: &[Option<f64>]) -> Option<f64> {
    let all: Option<Vec<f64>> = values.iter().copied().collect();
    all.filter(|v| !v.is_empty())
        .map(|v| v.iter().sum::<f64>() / v.len() as f64)
}

/// The median, counting a missing value ("never") as larger than every number: `None` only
/// when at least half of the values are missing (or there are none). Robust where a mean is
/// dragged by one slow seed.
pub fn median_never_last(values: &[Option<f64>]) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().map(|v| v.unwrap_or(f64::INFINITY)).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    median.is_finite().then_some(median)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_by_hand() {
        assert_eq!(mean_std(&[1.0, 3.0]), (2.0, 1.0));
        assert!(mean_std(&[]).0.is_nan());
        assert_eq!(mean_if_all(&[Some(1.0), Some(2.0)]), Some(1.5));
        assert_eq!(mean_if_all(&[Some(1.0), None]), None);
        assert_eq!(mean_if_all(&[]), None);
        assert_eq!(median_never_last(&[Some(3.0), None, Some(1.0)]), Some(3.0));
        assert_eq!(median_never_last(&[Some(3.0), Some(1.0)]), Some(2.0));
        assert_eq!(median_never_last(&[Some(3.0), None]), None);
        assert_eq!(median_never_last(&[]), None);
        assert!(is_run_folder_name("four_rooms__none__seed12"));
        assert!(is_run_folder_name("Env__ppo__seed3-2"));
        assert!(!is_run_folder_name("shaping_terminal_bug"));
        assert!(!is_run_folder_name("a__seed3"));
    }

    #[test]
    fn output_collects_runs_and_clears_only_its_own_files() -> anyhow::Result<()> {
        let tmp = tempfile::tempdir()?;
        let dir = tmp.path().join("exp");
        let out = Output::create(&dir)?;
        let mut log = out.run_logger("Env", "none", 3, &serde_json::json!({"a": 1}))?;
        rewardlab_core::metrics::MetricSink::record(&mut log, 10, 1, "charts/x", 2.5)?;
        log.finish(&serde_json::json!({}))?;
        fs::write(dir.join("notes.txt"), "keep me")?;
        // Another experiment's folder inside this one survives a rerun.
        fs::create_dir(dir.join("other_experiment"))?;
        fs::write(dir.join("other_experiment").join(METRICS_FILE), "x")?;
        out.finish(&serde_json::json!({"variants": {}}))?;
        let csv = fs::read_to_string(dir.join(METRICS_FILE))?;
        assert_eq!(
            csv,
            "variant,seed,step,episode,metric,value\nnone,3,10,1,charts/x,2.5\n"
        );
        Output::create(&dir)?;
        let left: Vec<String> = fs::read_dir(&dir)?
            .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<Result<_, _>>()?;
        let mut left = left;
        left.sort();
        assert_eq!(
            left,
            vec!["notes.txt".to_string(), "other_experiment".to_string()]
        );
        assert!(Output::create(tmp.path().join(".hidden")).is_err());
        assert!(Output::create(tmp.path().join("my run")).is_err());
        Ok(())
    }
}
