//! `rewardlab bench`: environment throughput (steps or resets per second).
//!
//! The measurement is [`rewardlab_envs::bench::run`]; this file turns flags into its config and
//! prints the report, either as one JSON line (`--json`, the format
//! `bench/peers/gymnasium_throughput.py` prints for Gymnasium) or as a short table.

use std::io::{self, Write};

use rewardlab_envs::bench::{self, BenchConfig, BenchReport};

use super::{CliError, EnvArg, kwargs, print_line};

/// Runs the benchmark and prints its report. A bad id, kwarg, copy or step count is a usage
/// error (exit 2).
pub fn run(cfg: BenchConfig, json: bool) -> Result<(), CliError> {
    let report = bench::run(&cfg).map_err(|e| {
        if e.is_usage() {
            CliError::usage(e)
        } else {
            CliError::runtime(e)
        }
    })?;
    let mut out = io::stdout().lock();
    if json {
        let line = serde_json::to_string(&report).map_err(CliError::runtime)?;
        print_line(&mut out, &line)?;
    } else {
        print_table(&mut out, &report)?;
    }
    out.flush()?;
    Ok(())
}

/// The config from the command line's values.
pub fn config(
    env: String,
    env_args: &[EnvArg],
    num_envs: usize,
    threads: Option<usize>,
    steps: u64,
    resets: bool,
    seed: u64,
) -> BenchConfig {
    BenchConfig {
        env,
        kwargs: kwargs(env_args),
        num_envs,
        threads: threads.unwrap_or_else(bench::default_threads),
        steps,
        resets,
        seed,
        erased: false,
    }
}

fn print_table(out: &mut impl Write, r: &BenchReport) -> Result<(), CliError> {
    let what = if r.resets { "resets" } else { "steps" };
    let rows = [
        ("env", r.env.clone()),
        ("backend", r.backend.to_string()),
        ("copies", r.num_envs.to_string()),
        ("threads", r.threads.to_string()),
        (what, r.steps.to_string()),
        ("seconds", format!("{:.4}", r.seconds)),
        (
            if r.resets { "resets/s" } else { "steps/s" },
            format!("{:.0}", r.steps_per_sec),
        ),
    ];
    for (key, value) in rows {
        print_line(out, &format!("{key:>9}  {value}"))?;
    }
    Ok(())
}
