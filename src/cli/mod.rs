//! Subcommands of the `rewardlab` binary and the error type that maps to exit codes.

pub mod bench;
pub mod distance;
pub mod envs;
pub mod eval;
pub mod irl;
pub mod play;
pub mod plot;
pub mod quickstart;
pub mod render;
pub mod rollout;
pub mod shaping;
pub mod train;
pub mod train_neural;

use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;
use std::str::FromStr;

/// A failure of a subcommand, classified by whose fault it is.
#[derive(Debug)]
pub enum CliError {
    /// Bad input: exit code 2.
    Usage(String),
    /// A failure while running: exit code 1.
    Runtime(String),
    /// Our reader went away (`| head`): stop quietly with success.
    BrokenPipe,
}

impl CliError {
    /// Bad input described by `e`.
    pub fn usage(e: impl fmt::Display) -> Self {
        CliError::Usage(e.to_string())
    }

    /// A runtime failure described by `e`.
    pub fn runtime(e: impl fmt::Display) -> Self {
        CliError::Runtime(e.to_string())
    }

    /// Prints the message and returns the exit code.
    pub fn report(self) -> ExitCode {
        match self {
            CliError::Usage(msg) => {
                eprintln!("error: {msg}");
                ExitCode::from(2)
            }
            CliError::Runtime(msg) => {
                eprintln!("error: {msg}");
                ExitCode::from(1)
            }
            CliError::BrokenPipe => ExitCode::SUCCESS,
        }
    }
}

impl From<io::Error> for CliError {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            CliError::BrokenPipe
        } else {
            CliError::runtime(e)
        }
    }
}

/// Writes one line to stdout, turning a closed pipe into [`CliError::BrokenPipe`].
pub fn print_line(out: &mut impl Write, line: &str) -> Result<(), CliError> {
    out.write_all(line.as_bytes())?;
    out.write_all(b"\n")?;
    Ok(())
}

/// One `--env-arg key=value`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvArg {
    /// The keyword.
    pub key: String,
    /// Its value, as text; the environment parses it.
    pub value: String,
}

impl FromStr for EnvArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok(EnvArg {
                key: k.trim().to_owned(),
                value: v.trim().to_owned(),
            }),
            _ => Err(format!("expected key=value, got '{s}'")),
        }
    }
}

/// The `--env-arg` list in the registry's form.
pub fn kwargs(args: &[EnvArg]) -> Vec<(String, String)> {
    args.iter()
        .map(|a| (a.key.clone(), a.value.clone()))
        .collect()
}

/// The tabular model of `env` with the reward commands' γ rule: `gamma` if given, else the
/// env's own (gridworld maps), else the default for envs that define none. Returns the model
/// and where γ came from, for the text reports. Every failure is bad input.
pub fn tabular_model_with_gamma(
    env: &str,
    env_args: &[EnvArg],
    gamma: Option<f64>,
) -> Result<(rewardlab_envs::tabular_model::TabularModel, &'static str), CliError> {
    use rewardlab_envs::tabular_model::{self, GammaSource};
    let mut model = tabular_model::model(env, &kwargs(env_args)).map_err(CliError::usage)?;
    let gamma_from = match (gamma, model.gamma_source) {
        (Some(g), _) => {
            model.mdp = model.mdp.with_gamma(g).map_err(CliError::usage)?;
            "--gamma"
        }
        (None, GammaSource::Env) => "the env's own",
        (None, GammaSource::Default) => "the default: the env defines none",
    };
    Ok((model, gamma_from))
}
