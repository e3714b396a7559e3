//! Run folders on disk: `runs/<experiment>/<env>__<algo>__seed<k>/`.
//!
//! A [`RunLogger`] owns one run folder and writes three files into it:
//!
//! - `config.toml`: the run's configuration, written once at creation so that a crashed run
//!   still says what it was;
//! - `metrics.csv`: every [`MetricSink::record`] call as one row of the long format
//!   `step,episode,metric,value` (the header is written at creation, so even an empty run
//!   has a readable file);
//! - `summary.json`: written by [`RunLogger::finish`], pretty-printed.
//!
//! Runs are never overwritten. The folder name is `<env>__<algo>__seed<k>`; when it is taken,
//! `-2`, `-3`, … is appended. The last path component is made with [`fs::create_dir`] (not
//! `create_dir_all`), which fails atomically on an existing folder, so two processes started
//! with the same name at the same moment still get different folders.
//!
//! Name components are sanitised for the file system: anything outside `[A-Za-z0-9._-]`
//! (such as the `/` in `MiniGrid/Empty-5x5`) becomes `-`, and a leading `.` becomes `-` so a
//! component can be neither hidden nor `..`. The plotting crate groups seeds by stripping the
//! `__seed<k>` (and `-N`) tail, so `__` inside env or algo names is best avoided.
//!
//! `metrics.csv` is buffered; it is flushed by [`RunLogger::flush`], by
//! [`RunLogger::finish`] and when the logger is dropped (errors on drop are ignored, as there
//! is nobody to report them to; call `finish` to see them).

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::metrics::{MetricRecord, MetricSink};

/// Where runs go by default, relative to the working directory.
pub const DEFAULT_RUNS_DIR: &str = "runs";

/// Name of the metrics file inside a run folder.
pub const METRICS_FILE: &str = "metrics.csv";
/// Name of the configuration file inside a run folder.
pub const CONFIG_FILE: &str = "config.toml";
/// Name of the summary file inside a run folder.
pub const SUMMARY_FILE: &str = "summary.json";

/// Header of `metrics.csv`.
pub const METRICS_HEADER: [&str; 4] = ["step", "episode", "metric", "value"];

/// How many `-N` suffixes [`RunLogger::create`] tries before giving up.
const MAX_SUFFIX: u32 = 100_000;

/// Errors from writing or reading run folders; each names the path involved.
#[derive(Debug, thiserror::Error)]
pub enum RunLogError {
    /// A folder could not be created.
    #[error("cannot create run folder {path}: {source}")]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// Every candidate name `<base>`, `<base>-2`, … was taken.
    #[error("no free run folder name under {path} (tried up to suffix -{MAX_SUFFIX})")]
    NoFreeName {
        /// The base path that was tried.
        path: PathBuf,
    },
    /// The configuration could not be serialised as TOML (its top level must be a table).
    #[error("cannot serialise the configuration for {path} as TOML: {source}")]
    Config {
        /// The config file that was to be written.
        path: PathBuf,
        /// The cause.
        source: toml::ser::Error,
    },
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The summary could not be serialised as JSON.
    #[error("cannot serialise the summary for {path}: {source}")]
    Summary {
        /// The summary file.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
    /// `metrics.csv` could not be read or parsed.
    #[error("cannot read metrics from {path}: {source}")]
    ReadMetrics {
        /// The metrics file.
        path: PathBuf,
        /// The cause (I/O or a malformed row).
        source: csv::Error,
    },
    /// [`RunLogger::open_existing`] was given a folder that is not a run folder.
    #[error("{path} is not a run folder: {reason}")]
    NotARun {
        /// The folder or file that was checked.
        path: PathBuf,
        /// What is missing or wrong.
        reason: String,
    },
}

/// Replaces characters that are unsafe in a folder name by `-`.
///
/// Keeps `[A-Za-z0-9._-]`; a leading `.` also becomes `-` (no hidden folders, no `..`), and an
/// empty name becomes `-`.
pub fn sanitize_component(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if out.starts_with('.') {
        out.replace_range(0..1, "-");
    }
    if out.is_empty() {
        out.push('-');
    }
    out
}

/// The run folder name before any `-N` suffix: `<env>__<algo>__seed<k>`, sanitised.
pub fn run_folder_name(env_id: &str, algo: &str, seed: u64) -> String {
    format!(
        "{}__{}__seed{seed}",
        sanitize_component(env_id),
        sanitize_component(algo)
    )
}

/// Writes one run folder; see the module docs for the layout.
#[derive(Debug)]
pub struct RunLogger {
    dir: PathBuf,
    metrics_path: PathBuf,
    writer: csv::Writer<File>,
}

impl RunLogger {
    /// Creates a fresh run folder `runs_dir/<experiment>/<env>__<algo>__seed<seed>[-N]/` and
    /// writes `config.toml` and the header of `metrics.csv` into it.
    ///
    /// `runs_dir` and the experiment folder are created if missing; the run folder itself is
    /// always new (see the module docs). The config must serialise to a TOML table (a struct or
    /// a map), otherwise [`RunLogError::Config`] is returned and the empty folder is left behind.
    pub fn create(
        runs_dir: &Path,
        experiment: &str,
        env_id: &str,
        algo: &str,
        seed: u64,
        config: &impl Serialize,
    ) -> Result<Self, RunLogError> {
        let parent = runs_dir.join(sanitize_component(experiment));
        fs::create_dir_all(&parent).map_err(|source| RunLogError::CreateDir {
            path: parent.clone(),
            source,
        })?;
        let dir = create_unique_dir(&parent, &run_folder_name(env_id, algo, seed))?;

        let config_path = dir.join(CONFIG_FILE);
        let text = toml::to_string_pretty(config).map_err(|source| RunLogError::Config {
            path: config_path.clone(),
            source,
        })?;
        fs::write(&config_path, text).map_err(|source| RunLogError::Write {
            path: config_path,
            source,
        })?;

        let metrics_path = dir.join(METRICS_FILE);
        let write_err = |source: io::Error| RunLogError::Write {
            path: metrics_path.clone(),
            source,
        };
        let file = File::create_new(&metrics_path).map_err(write_err)?;
        let mut writer = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(file);
        writer
            .write_record(METRICS_HEADER)
            .map_err(|e| write_err(e.into()))?;
        writer.flush().map_err(write_err)?;
        Ok(Self {
            dir,
            metrics_path,
            writer,
        })
    }

    /// Reopens an existing run folder to continue it (`--resume`): new metric rows are
    /// appended to its `metrics.csv`, `config.toml` is left alone and `summary.json` is
    /// replaced by the next [`RunLogger::finish`].
    ///
    /// The folder must hold a `metrics.csv` that starts with [`METRICS_HEADER`]. A last row
    /// cut short by a crash (no final newline) is dropped so that appended rows stay
    /// parseable. With `up_to_step`, rows logged after that step are dropped too: a run resumed
    /// from a checkpoint at step `k` logs steps after `k` again, and must not log them twice.
    pub fn open_existing(dir: &Path, up_to_step: Option<u64>) -> Result<Self, RunLogError> {
        let metrics_path = dir.join(METRICS_FILE);
        let not_a_run = |reason: String| RunLogError::NotARun {
            path: metrics_path.clone(),
            reason,
        };
        let text = match fs::read(&metrics_path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(RunLogError::NotARun {
                    path: dir.to_path_buf(),
                    reason: format!("it has no {METRICS_FILE}"),
                });
            }
            Err(source) => {
                return Err(RunLogError::ReadMetrics {
                    path: metrics_path,
                    source: source.into(),
                });
            }
        };
        let header = METRICS_HEADER.join(",");
        let first_line = text.split(|b| *b == b'\n').next().unwrap_or_default();
        if first_line.strip_suffix(b"\r").unwrap_or(first_line) != header.as_bytes() {
            return Err(not_a_run(format!("its first line is not `{header}`")));
        }
        let write_err = |source: io::Error| RunLogError::Write {
            path: metrics_path.clone(),
            source,
        };
        // Keep everything up to the last newline (the header has one, checked above), and
        // stop at the first row past `up_to_step` (rows are in step order).
        let mut keep = text
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(text.len(), |i| i + 1);
        if let Some(limit) = up_to_step {
            let mut start = first_line.len() + 1;
            while start < keep {
                let end = text[start..keep]
                    .iter()
                    .position(|b| *b == b'\n')
                    .map_or(keep, |i| start + i + 1);
                let step = text[start..end]
                    .split(|b| *b == b',')
                    .next()
                    .and_then(|f| std::str::from_utf8(f).ok())
                    .and_then(|f| f.trim().parse::<u64>().ok());
                if step.is_some_and(|s| s > limit) {
                    keep = start;
                    break;
                }
                start = end;
            }
        }
        let file = fs::OpenOptions::new()
            .append(true)
            .open(&metrics_path)
            .map_err(write_err)?;
        if keep < text.len() {
            file.set_len(keep as u64).map_err(write_err)?;
        }
        let writer = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(file);
        Ok(Self {
            dir: dir.to_path_buf(),
            metrics_path,
            writer,
        })
    }

    /// The run folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Pushes buffered metric rows to disk.
    pub fn flush(&mut self) -> Result<(), RunLogError> {
        self.writer.flush().map_err(|source| RunLogError::Write {
            path: self.metrics_path.clone(),
            source,
        })
    }

    /// Flushes `metrics.csv`, writes `summary.json` (pretty-printed) and returns the run folder.
    pub fn finish(mut self, summary: &serde_json::Value) -> Result<PathBuf, RunLogError> {
        self.flush()?;
        let path = self.dir.join(SUMMARY_FILE);
        let mut text =
            serde_json::to_string_pretty(summary).map_err(|source| RunLogError::Summary {
                path: path.clone(),
                source,
            })?;
        text.push('\n');
        fs::write(&path, text).map_err(|source| RunLogError::Write { path, source })?;
        Ok(self.dir.clone())
    }
}

impl MetricSink for RunLogger {
    fn record(&mut self, step: u64, episode: u64, metric: &str, value: f64) -> io::Result<()> {
        // `{}` on f64 prints the shortest string that parses back to the same value, so the
        // file round-trips exactly (NaN and inf included).
        let (step, episode, value) = (step.to_string(), episode.to_string(), value.to_string());
        self.writer
            .write_record([step.as_str(), episode.as_str(), metric, value.as_str()])?;
        Ok(())
    }
}

impl Drop for RunLogger {
    fn drop(&mut self) {
        // Nobody to report to here; `finish` surfaces flush errors.
        let _ = self.writer.flush();
    }
}

/// Creates `parent/base`, or `parent/base-2`, `-3`, … if taken, and returns the new folder.
fn create_unique_dir(parent: &Path, base: &str) -> Result<PathBuf, RunLogError> {
    for n in 1..=MAX_SUFFIX {
        let name = if n == 1 {
            base.to_owned()
        } else {
            format!("{base}-{n}")
        };
        let path = parent.join(name);
        match fs::create_dir(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(source) => return Err(RunLogError::CreateDir { path, source }),
        }
    }
    Err(RunLogError::NoFreeName {
        path: parent.join(base),
    })
}

/// Reads `dir/metrics.csv` back, in file order.
pub fn read_metrics(dir: &Path) -> Result<Vec<MetricRecord>, RunLogError> {
    let path = dir.join(METRICS_FILE);
    let read_err = |source: csv::Error| RunLogError::ReadMetrics {
        path: path.clone(),
        source,
    };
    let mut reader = csv::Reader::from_path(&path).map_err(read_err)?;
    reader
        .deserialize()
        .collect::<Result<Vec<MetricRecord>, _>>()
        .map_err(read_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Serialize)]
    struct Cfg {
        lr: f64,
        steps: u64,
        name: String,
    }

    fn cfg() -> Cfg {
        Cfg {
            lr: 0.5,
            steps: 1000,
            name: "q".into(),
        }
    }

    #[test]
    fn sanitize_replaces_unsafe_characters() {
        assert_eq!(
            sanitize_component("MiniGrid/Empty-5x5"),
            "MiniGrid-Empty-5x5"
        );
        assert_eq!(sanitize_component("a b:c\\d*e"), "a-b-c-d-e");
        assert_eq!(sanitize_component(".."), "-.");
        assert_eq!(sanitize_component(""), "-");
        assert_eq!(sanitize_component("CartPole-v1_x.y"), "CartPole-v1_x.y");
        assert_eq!(
            run_folder_name("A/B", "q learning", 7),
            "A-B__q-learning__seed7"
        );
    }

    #[test]
    fn create_writes_layout() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let logger = RunLogger::create(tmp.path(), "exp1", "MiniGrid/Empty-5x5", "ppo", 3, &cfg())?;
        let expected = tmp
            .path()
            .join("exp1")
            .join("MiniGrid-Empty-5x5__ppo__seed3");
        assert_eq!(logger.dir(), expected);
        let config: toml::Table = toml::from_str(&fs::read_to_string(expected.join(CONFIG_FILE))?)?;
        assert_eq!(config["lr"].as_float(), Some(0.5));
        assert_eq!(config["steps"].as_integer(), Some(1000));
        assert_eq!(config["name"].as_str(), Some("q"));
        // Header is on disk before any record or finish.
        assert_eq!(
            fs::read_to_string(expected.join(METRICS_FILE))?,
            "step,episode,metric,value\n"
        );
        assert!(!expected.join(SUMMARY_FILE).exists());

        let dir = logger.finish(&json!({"final_return": 1.5, "episodes": 4}))?;
        assert_eq!(dir, expected);
        let summary: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(expected.join(SUMMARY_FILE))?)?;
        assert_eq!(summary, json!({"final_return": 1.5, "episodes": 4}));
        Ok(())
    }

    #[test]
    fn rerun_gets_a_suffix_and_never_overwrites() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let make = || RunLogger::create(tmp.path(), "e", "Env", "algo", 0, &cfg());
        let mut first = make()?;
        first.record(1, 0, "m", 1.0)?;
        let first_dir = first.finish(&json!({}))?;
        let second = make()?;
        let third = make()?;
        assert_eq!(
            first_dir.file_name().and_then(|n| n.to_str()),
            Some("Env__algo__seed0")
        );
        assert_eq!(
            second.dir().file_name().and_then(|n| n.to_str()),
            Some("Env__algo__seed0-2")
        );
        assert_eq!(
            third.dir().file_name().and_then(|n| n.to_str()),
            Some("Env__algo__seed0-3")
        );
        // The first run's data is untouched.
        assert_eq!(read_metrics(&first_dir)?.len(), 1);
        assert_eq!(read_metrics(second.dir())?.len(), 0);
        Ok(())
    }

    #[test]
    fn metrics_round_trip_exactly() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let mut logger = RunLogger::create(tmp.path(), "e", "Env", "a", 1, &cfg())?;
        let values = [0.1, -1.0 / 3.0, 1e-300, f64::MAX, f64::INFINITY, 0.0];
        let mut expected = Vec::new();
        for (i, v) in values.iter().enumerate() {
            let metric = if i % 2 == 0 {
                "charts/episodic_return"
            } else {
                "losses/value, \"q\""
            };
            logger.record(i as u64 * 10, i as u64, metric, *v)?;
            expected.push(MetricRecord {
                step: i as u64 * 10,
                episode: i as u64,
                metric: metric.to_owned(),
                value: *v,
            });
        }
        logger.record(99, 9, "nan", f64::NAN)?;
        logger.flush()?;
        let back = read_metrics(logger.dir())?;
        assert_eq!(back[..values.len()], expected[..]);
        assert!(back[values.len()].value.is_nan());
        Ok(())
    }

    #[test]
    fn drop_flushes_metrics() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let dir = {
            let mut logger = RunLogger::create(tmp.path(), "e", "Env", "a", 1, &cfg())?;
            logger.record(5, 1, "m", 2.5)?;
            logger.dir().to_path_buf()
        };
        let back = read_metrics(&dir)?;
        assert_eq!(
            back,
            vec![MetricRecord {
                step: 5,
                episode: 1,
                metric: "m".into(),
                value: 2.5
            }]
        );
        Ok(())
    }

    #[test]
    fn errors_name_the_path() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let missing = tmp.path().join("nope");
        let err = read_metrics(&missing)
            .err()
            .ok_or("reading a missing run must fail")?;
        assert!(matches!(err, RunLogError::ReadMetrics { .. }));
        assert!(err.to_string().contains("nope"), "{err}");

        // A non-table config cannot be TOML.
        let err = RunLogger::create(tmp.path(), "e", "Env", "a", 0, &5_u32)
            .err()
            .ok_or("a bare integer is not a TOML document")?;
        assert!(matches!(err, RunLogError::Config { .. }));
        assert!(err.to_string().contains(CONFIG_FILE), "{err}");

        // runs_dir is a file: the experiment folder cannot be made.
        let file = tmp.path().join("file");
        fs::write(&file, "x")?;
        let err = RunLogger::create(&file, "e", "Env", "a", 0, &cfg())
            .err()
            .ok_or("a file is not a folder")?;
        assert!(matches!(err, RunLogError::CreateDir { .. }));
        assert!(err.to_string().contains("file"), "{err}");
        Ok(())
    }

    #[test]
    fn open_existing_appends_and_drops_a_cut_row() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let mut first = RunLogger::create(tmp.path(), "e", "Env", "a", 0, &cfg())?;
        first.record(1, 1, "m", 1.5)?;
        let dir = first.finish(&json!({"n": 1}))?;
        // A crash in the middle of a row leaves it without its newline.
        let metrics = dir.join(METRICS_FILE);
        let mut text = fs::read_to_string(&metrics)?;
        text.push_str("2,1,m,2.");
        fs::write(&metrics, text)?;

        let mut again = RunLogger::open_existing(&dir, None)?;
        assert_eq!(again.dir(), dir);
        again.record(3, 2, "m", 4.0)?;
        again.finish(&json!({"n": 2}))?;
        let rows: Vec<(u64, f64)> = read_metrics(&dir)?
            .into_iter()
            .map(|r| (r.step, r.value))
            .collect();
        assert_eq!(rows, vec![(1, 1.5), (3, 4.0)]);
        let summary: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(dir.join(SUMMARY_FILE))?)?;
        assert_eq!(summary, json!({"n": 2}), "finish replaces the summary");
        let config: toml::Table = toml::from_str(&fs::read_to_string(dir.join(CONFIG_FILE))?)?;
        assert_eq!(
            config["steps"].as_integer(),
            Some(1000),
            "config is untouched"
        );
        Ok(())
    }

    #[test]
    fn open_existing_refuses_what_is_not_a_run() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let err = RunLogger::open_existing(tmp.path(), None)
            .err()
            .ok_or("an empty folder has no metrics")?;
        assert!(matches!(err, RunLogError::NotARun { .. }), "{err}");
        assert!(err.to_string().contains(METRICS_FILE), "{err}");
        fs::write(tmp.path().join(METRICS_FILE), "a,b\n1,2\n")?;
        let err = RunLogger::open_existing(tmp.path(), None)
            .err()
            .ok_or("a foreign csv is not a metrics file")?;
        assert!(
            err.to_string().contains("step,episode,metric,value"),
            "{err}"
        );
        Ok(())
    }

    #[test]
    fn malformed_metrics_are_an_error() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        fs::write(
            tmp.path().join(METRICS_FILE),
            "step,episode,metric,value\n1,0,m,notanumber\n",
        )?;
        let err = read_metrics(tmp.path())
            .err()
            .ok_or("bad value must fail")?;
        assert!(matches!(err, RunLogError::ReadMetrics { .. }));
        Ok(())
    }

    #[test]
    fn open_existing_drops_rows_after_the_resume_step() -> Result<(), RunLogError> {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut log = RunLogger::create(tmp.path(), "e", "Env", "ppo", 1, &cfg())?;
        for step in [10, 20, 30, 40] {
            log.record(step, 0, "m", step as f64).expect("record");
        }
        let dir = log.finish(&serde_json::json!({}))?;
        let mut again = RunLogger::open_existing(&dir, Some(20))?;
        again.record(30, 0, "m", -1.0).expect("record");
        again.flush()?;
        let rows: Vec<(u64, f64)> = read_metrics(&dir)?
            .iter()
            .map(|r| (r.step, r.value))
            .collect();
        assert_eq!(rows, vec![(10, 10.0), (20, 20.0), (30, -1.0)]);
        Ok(())
    }
}
