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

/// The command line's values.
pub struct BenchArgs {
    /// Registered id.
    pub env: String,
    /// `--env-arg` pairs.
    pub env_args: Vec<EnvArg>,
    /// Copies.
    pub num_envs: usize,
    /// Threads; `None`: all cores, as many as the copies keep busy
    /// ([`bench::default_threads_for`]).
    pub threads: Option<usize>,
    /// Transitions (or resets) over all copies.
    pub steps: u64,
    /// Time resets instead of steps.
    pub resets: bool,
    /// Seed of the envs and the actions.
    pub seed: u64,
    /// Step the type-erased env `make` returns instead of the typed env inside it.
    pub erased: bool,
}

/// The config from the command line's values.
pub fn config(args: BenchArgs) -> BenchConfig {
    BenchConfig {
        kwargs: kwargs(&args.env_args),
        env: args.env,
        num_envs: args.num_envs,
        threads: args
            .threads
            .unwrap_or_else(|| bench::default_threads_for(args.num_envs)),
        steps: args.steps,
        resets: args.resets,
        seed: args.seed,
        erased: args.erased,
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
