//! Helpers shared by the tests of the `rewardlab` binary: running it and reading its output.
// Each test file uses its own subset of these helpers.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// The binary with `args`, backtraces on so that a panic shows where.
pub fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rewardlab"));
    command.args(args).env("RUST_BACKTRACE", "1");
    command
}

/// Runs the binary with `args` in the test's working directory and waits for it.
pub fn rewardlab(args: &[&str]) -> Output {
    command(args).output().expect("the binary runs")
}

/// Runs the binary with `args` in the directory `dir` and waits for it.
pub fn rewardlab_in(args: &[&str], dir: &Path) -> Output {
    command(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

/// Output bytes as text (lossy: a test then fails on the content, not on decoding).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
