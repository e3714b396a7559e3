//! `rewardlab shaping check`: does a reward transform keep an env's optimal policies?
//!
//! The env's tabular model ([`rewardlab_envs::tabular_model::model`]) is transformed and both
//! models are solved exactly; the invariance checker ([`rewardlab_rewards::check`]) compares
//! the optimal action *sets* per state, and for potential-based shaping also measures
//! Q*_shaped = Q* − Φ(s).
//!
//! Discount: `--gamma` if given; else the model's own where the env defines one (a gridworld
//! map's `gamma`); else 0.99 (Gymnasium's toy text and MiniGrid define none: their exports
//! get [`rewardlab_envs::tabular_model::DEFAULT_GAMMA`]).
//!
//! Transforms: `pbrs` (F = γΦ(s′) − Φ(s), Φ(terminal) = 0), `pbrs-keep-terminal` (the same
//! with Φ(terminal) kept: the classic bug) and `progress` (+`--bonus` for a step that
//! reduces the steps to the nearest goal: not potential-based). `--potential` is required by
//! the two PBRS forms and unused by `progress`. The named potentials are all 0 on terminal
//! states, so `pbrs-keep-terminal` alone changes nothing; `--offset C` (Φ + C everywhere)
//! makes Φ(terminal) ≠ 0, which `pbrs` ignores and `pbrs-keep-terminal` does not.
//!
//! `--json` prints exactly one line, `{"preserved": bool, "differing_states": [...],
//! "max_q_error": x}` (`x` is `null` for `progress`, which has no such identity). Every
//! failure here is bad input (an unknown id or potential, a bad γ, an env without a tabular
//! model, γ = 1 where planning does not converge): exit 2, nothing on stdout.

use std::io::Write as _;

use rewardlab_core::mdp::Mdp;
use rewardlab_envs::tabular_model::TabularModel;
use rewardlab_rewards::check::{check_pbrs, compare_optimal_policies};
use rewardlab_rewards::potential::{goal_states, steps_to_goal};
use rewardlab_rewards::shaping::TerminalPotential;
use rewardlab_rewards::{InvarianceReport, PotentialName, TabularPotential, tabular};

use super::{CliError, EnvArg, print_line, tabular_model_with_gamma};

/// Most differing states the text report lists one by one.
const LISTED_STATES: usize = 20;

/// The `shaping` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ShapingCmd {
    /// Check whether a reward transform keeps the optimal policies of a tabular env.
    ///
    /// Solves the env's model before and after the transform with exact value iteration and
    /// compares the sets of optimal actions per state (ties are not differences); for PBRS
    /// also checks Q*_shaped = Q* − Φ(s) (max_q_error). γ: --gamma, else the env's own
    /// (gridworld maps), else 0.99 (toy text, MiniGrid).
    Check(CheckArgs),
}

/// Which transform `check` applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TransformArg {
    /// Potential-based shaping with Φ(terminal) = 0 (keeps optimal policies).
    Pbrs,
    /// Potential-based shaping with Φ(terminal) kept (the terminal bug).
    PbrsKeepTerminal,
    /// +bonus for each step that reduces the steps to the goal (not potential-based).
    Progress,
}

/// The command line of `rewardlab shaping check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Registered id of an env with a tabular model (gridworld, toy text, MiniGrid).
    #[arg(long)]
    pub env: String,
    /// Constructor argument key=value (repeatable); MiniGrid ids also take seed=N.
    #[arg(long = "env-arg", value_name = "KEY=VALUE")]
    pub env_args: Vec<EnvArg>,
    /// Potential Φ: value (V*), distance (−steps to the goal) or zero; required by pbrs and
    /// pbrs-keep-terminal, unused by progress.
    #[arg(long)]
    pub potential: Option<String>,
    /// Discount in [0, 1] [default: the env's own, else 0.99].
    #[arg(long)]
    pub gamma: Option<f64>,
    /// The reward transform to check.
    #[arg(long, value_enum, default_value_t = TransformArg::Pbrs)]
    pub transform: TransformArg,
    /// Constant added to Φ of every state, terminal ones included. Changes nothing under
    /// pbrs; under pbrs-keep-terminal it pays γ^T·(Φ(s_T) + C) for ending an episode, which
    /// shows the terminal bug on envs with more than one way to end (FrozenLake's holes).
    /// Unused by progress.
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    pub offset: f64,
    /// Bonus per step towards the goal, for --transform progress.
    #[arg(long, default_value_t = 0.1, allow_hyphen_values = true)]
    pub bonus: f64,
    /// Print one JSON line {"preserved", "differing_states", "max_q_error"}.
    #[arg(long)]
    pub json: bool,
}

/// Runs a `shaping` subcommand.
pub fn run(cmd: &ShapingCmd) -> Result<(), CliError> {
    match cmd {
        ShapingCmd::Check(args) => check(args),
    }
}

/// What was checked, for the text report.
struct Checked {
    model: TabularModel,
    gamma_from: &'static str,
    transform: String,
    report: InvarianceReport,
}

fn check(args: &CheckArgs) -> Result<(), CliError> {
    let checked = evaluate(args)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let line = serde_json::to_string(&checked.report).map_err(CliError::runtime)?;
        print_line(&mut out, &line)?;
    } else {
        for line in text_report(args, &checked) {
            print_line(&mut out, &line)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Builds the model, applies the transform and runs the checker; every error is bad input.
fn evaluate(args: &CheckArgs) -> Result<Checked, CliError> {
    // A name is checked even where the transform does not use it: a typo is still a typo.
    let named = args
        .potential
        .as_deref()
        .map(str::parse::<PotentialName>)
        .transpose()
        .map_err(CliError::usage)?;
    let potential = match (args.transform, named) {
        (TransformArg::Progress, _) => None,
        (_, Some(name)) => Some(name),
        (_, None) => {
            return Err(CliError::usage(format!(
                "--transform {} needs --potential (one of: {})",
                transform_name(args.transform),
                PotentialName::ALL.map(PotentialName::as_str).join(", ")
            )));
        }
    };
    if let Some(g) = args.gamma
        && !(0.0..=1.0).contains(&g)
    {
        return Err(CliError::usage(format!(
            "--gamma must be in [0, 1], got {g}"
        )));
    }
    for (flag, value) in [("--bonus", args.bonus), ("--offset", args.offset)] {
        if !value.is_finite() {
            return Err(CliError::usage(format!(
                "{flag} must be a finite number, got {value}"
            )));
        }
    }
    let (model, gamma_from) = tabular_model_with_gamma(&args.env, &args.env_args, args.gamma)?;
    let mdp = &model.mdp;
    let planning = |e: rewardlab_rewards::RewardsError| {
        CliError::Usage(format!("{} (γ = {}): {e}", args.env, mdp.gamma()))
    };
    let (report, transform) = match potential {
        Some(name) => {
            let terminal = match args.transform {
                TransformArg::PbrsKeepTerminal => TerminalPotential::Keep,
                _ => TerminalPotential::Zero,
            };
            let named = TabularPotential::named(name, mdp).map_err(planning)?;
            let shifted = named.values().iter().map(|v| v + args.offset).collect();
            let phi = TabularPotential::new(shifted).map_err(planning)?;
            let report = check_pbrs(mdp, &phi, terminal).map_err(planning)?;
            let offset = if args.offset == 0.0 {
                String::new()
            } else {
                format!(" + {}", args.offset)
            };
            let rule = match terminal {
                TerminalPotential::Zero => "Φ(terminal) = 0",
                TerminalPotential::Keep => "Φ(terminal) kept",
            };
            (
                report,
                format!("pbrs, potential {}{offset} ({rule})", name.as_str()),
            )
        }
        None => {
            let report = check_progress(mdp, args.bonus).map_err(planning)?;
            (report, format!("progress, bonus {}", args.bonus))
        }
    };
    Ok(Checked {
        gamma_from,
        transform,
        report,
        model,
    })
}

/// The progress bonus over the model's own steps-to-goal, compared with the task.
fn check_progress(
    mdp: &Mdp,
    bonus: f64,
) -> Result<InvarianceReport, rewardlab_rewards::RewardsError> {
    let distance = steps_to_goal(mdp, &goal_states(mdp)?)?;
    let shaped = tabular::progress(mdp, &distance, bonus)?;
    compare_optimal_policies(mdp, &shaped)
}

fn transform_name(t: TransformArg) -> &'static str {
    match t {
        TransformArg::Pbrs => "pbrs",
        TransformArg::PbrsKeepTerminal => "pbrs-keep-terminal",
        TransformArg::Progress => "progress",
    }
}

/// The human-readable report: what was checked, the verdict, the differing states with their
/// optimal action sets before → after, and the Q error.
fn text_report(args: &CheckArgs, c: &Checked) -> Vec<String> {
    let mdp = &c.model.mdp;
    let mut lines = vec![
        format!(
            "env: {} ({} states, {} actions), γ = {} ({})",
            args.env,
            mdp.n_states(),
            mdp.n_actions(),
            mdp.gamma(),
            c.gamma_from
        ),
        format!("transform: {}", c.transform),
    ];
    let r = &c.report;
    if r.preserved {
        lines.push("optimal policy preserved: yes".to_string());
    } else {
        lines.push(format!(
            "optimal policy preserved: no ({} of {} non-terminal states differ; optimal actions before -> after)",
            r.differences.len(),
            mdp.terminal().iter().filter(|t| !**t).count()
        ));
        for (s, before, after) in r.differences.iter().take(LISTED_STATES) {
            let cell = c
                .model
                .grid
                .as_ref()
                .map(|g| format!(" (row {}, col {})", s / g.cols, s % g.cols))
                .unwrap_or_default();
            lines.push(format!(
                "  state {s}{cell}: {} -> {}",
                action_set(before, c.model.grid.is_some()),
                action_set(after, c.model.grid.is_some())
            ));
        }
        if r.differences.len() > LISTED_STATES {
            lines.push(format!(
                "  … and {} more",
                r.differences.len() - LISTED_STATES
            ));
        }
    }
    lines.push(match r.max_q_error {
        Some(e) => format!("max |Q*_shaped - (Q* - Φ)|: {e:.3e}"),
        None => "max Q error: none (not potential-based)".to_string(),
    });
    lines
}

/// `{0, 2}`, or `{up, down}` on a gridworld (actions 0 up, 1 right, 2 down, 3 left).
fn action_set(actions: &[usize], grid: bool) -> String {
    const MOVES: [&str; 4] = ["up", "right", "down", "left"];
    let names: Vec<String> = actions
        .iter()
        .map(|&a| match MOVES.get(a) {
            Some(m) if grid => (*m).to_string(),
            _ => a.to_string(),
        })
        .collect();
    format!("{{{}}}", names.join(", "))
}
