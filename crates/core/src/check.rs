//! `check_env`: Gymnasium-style conformance checks for any [`Env`].
//!
//! The checks exercise an env only through its public API and compare everything as
//! [`Value`]s, so they run on typed envs and on the registry's boxed ones alike:
//!
//! - [`RESET_DETERMINISM`]: `reset(Some(seed))` twice gives the same observation and info;
//! - [`RESET_OBS_IN_SPACE`]: every reset observation lies in the observation space;
//! - [`SAMPLED_ACTIONS_ACCEPTED`]: actions sampled from the action space are accepted;
//! - [`STEP_DETERMINISM`]: two rollouts from `reset(Some(seed))` with the same seeded action
//!   sequence (a [`SpaceSampler`] on the action space, `reset(None)` after each episode) give
//!   identical observations, rewards and flags;
//! - [`STEP_OBS_IN_SPACE`], [`REWARD_FINITE`]: along that rollout;
//! - [`INVALID_ACTION`]: an action outside the action space is refused with
//!   [`EnvError::InvalidAction`], not accepted and not a panic;
//! - [`RESET_NEEDED`]: after an episode ends, `step` returns [`EnvError::ResetNeeded`];
//! - [`RESET_NEEDED_BEFORE_FIRST`]: `step` before the first `reset` returns
//!   [`EnvError::ResetNeeded`]. This one needs a freshly constructed env: hand `check_env` an
//!   env that was never reset.
//!
//! Every env call runs under `catch_unwind`, so a panicking env fails a check (with the panic
//! message as detail) instead of aborting the whole report. The panic hook still prints the
//! panic to stderr.

use std::fmt;
use std::panic::{self, AssertUnwindSafe};

use serde::{Deserialize, Serialize};

use crate::env::{Env, EnvError, Step};
use crate::space::{DType, Space, SpaceSampler};
use crate::value::{SpaceElem, Value};

/// Name of the reset-determinism check.
pub const RESET_DETERMINISM: &str = "reset_determinism";
/// Name of the check that reset observations lie in the observation space.
pub const RESET_OBS_IN_SPACE: &str = "reset_obs_in_space";
/// Name of the check that sampled actions are accepted by `step`.
pub const SAMPLED_ACTIONS_ACCEPTED: &str = "sampled_actions_accepted";
/// Name of the step-determinism check.
pub const STEP_DETERMINISM: &str = "step_determinism";
/// Name of the check that step observations lie in the observation space.
pub const STEP_OBS_IN_SPACE: &str = "step_obs_in_space";
/// Name of the check that rewards are finite.
pub const REWARD_FINITE: &str = "reward_finite";
/// Name of the check that an invalid action is refused with `InvalidAction`.
pub const INVALID_ACTION: &str = "invalid_action";
/// Name of the check that `step` after the end of an episode returns `ResetNeeded`.
pub const RESET_NEEDED: &str = "reset_needed_after_end";
/// Name of the check that `step` before the first `reset` returns `ResetNeeded`.
pub const RESET_NEEDED_BEFORE_FIRST: &str = "reset_needed_before_first_reset";

/// Settings of [`check_env`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CheckConfig {
    /// Seed of the resets and of the action sampler (Gymnasium's checker uses 123).
    pub seed: u64,
    /// Steps per rollout; the step-determinism check runs two rollouts of this length.
    pub steps: usize,
}

impl Default for CheckConfig {
    fn default() -> Self {
        Self {
            seed: 123,
            steps: 1000,
        }
    }
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckOutcome {
    /// The check's name, one of the constants of this module.
    pub name: String,
    /// Whether the env passed (checks that could not apply count as passed).
    pub passed: bool,
    /// What was found: the first discrepancy on failure, a summary otherwise.
    pub detail: String,
}

/// All outcomes of [`check_env`], in a fixed order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport {
    /// One outcome per check.
    pub checks: Vec<CheckOutcome>,
}

impl CheckReport {
    /// True when every check passed.
    pub fn is_ok(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    /// The failed checks.
    pub fn failures(&self) -> Vec<&CheckOutcome> {
        self.checks.iter().filter(|c| !c.passed).collect()
    }

    /// The outcome of the check called `name`.
    pub fn get(&self, name: &str) -> Option<&CheckOutcome> {
        self.checks.iter().find(|c| c.name == name)
    }

    fn push(&mut self, name: &str, result: Result<String, String>) {
        let (passed, detail) = match result {
            Ok(detail) => (true, detail),
            Err(detail) => (false, detail),
        };
        self.checks.push(CheckOutcome {
            name: name.to_owned(),
            passed,
            detail,
        });
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.checks {
            let mark = if c.passed { "ok  " } else { "FAIL" };
            writeln!(f, "[{mark}] {}: {}", c.name, c.detail)?;
        }
        let failed = self.failures().len();
        write!(f, "{} checks, {failed} failed", self.checks.len())
    }
}

/// Runs every check on `env`, which must never have been reset, and reports each outcome;
/// never panics on a misbehaving env.
pub fn check_env<E: Env + ?Sized>(env: &mut E, config: &CheckConfig) -> CheckReport {
    let mut report = CheckReport::default();
    let space = env.observation_space();
    let seed = config.seed;
    let before_first = step_before_first_reset(env, seed);

    let first = guarded(|| env.reset(Some(seed)));
    let second = guarded(|| env.reset(Some(seed)));
    report.push(
        RESET_DETERMINISM,
        match (&first, &second) {
            (Ok((o1, i1)), Ok((o2, i2))) => {
                let (o1, o2) = (o1.to_value(), o2.to_value());
                if o1 != o2 {
                    Err(format!("reset(Some({seed})) gave {o1}, then {o2}"))
                } else if i1 != i2 {
                    Err(format!("reset(Some({seed})) gave info {i1:?}, then {i2:?}"))
                } else {
                    Ok(format!("reset(Some({seed})) twice gave {o1}"))
                }
            }
            (Err(p), _) | (_, Err(p)) => Err(format!("reset panicked: {p}")),
        },
    );

    let run = rollout(env, config);
    let replay = rollout(env, config);

    let reset_obs = first.iter().map(|(o, _)| o.to_value());
    let reset_obs = reset_obs.chain(run.events.iter().filter_map(|e| match e {
        Event::Reset(o) => Some(o.clone()),
        Event::Step { .. } => None,
    }));
    let mut n_resets = 0;
    let mut outside = None;
    for obs in reset_obs {
        n_resets += 1;
        if outside.is_none() && !space.contains(&obs) {
            outside = Some(obs);
        }
    }
    report.push(
        RESET_OBS_IN_SPACE,
        match outside {
            Some(obs) => Err(format!("reset observation {obs} is not in {space}")),
            None if n_resets == 0 => Err("reset panicked: no observation to check".into()),
            None => Ok(format!("{n_resets} reset observations in {space}")),
        },
    );

    report.push(
        SAMPLED_ACTIONS_ACCEPTED,
        match &run.error {
            Some(e) => Err(e.clone()),
            None => Ok(format!(
                "{} steps with sampled actions, {} episodes ended",
                run.steps, run.episodes_ended
            )),
        },
    );
    report.push(STEP_DETERMINISM, compare(&run, &replay, seed));
    report.push(STEP_OBS_IN_SPACE, step_obs_in_space(&run, &space));
    report.push(REWARD_FINITE, rewards_finite(&run));
    report.push(INVALID_ACTION, invalid_action(env, seed));
    report.push(RESET_NEEDED, reset_needed(env, config));
    report.push(RESET_NEEDED_BEFORE_FIRST, before_first);
    report
}

fn step_before_first_reset<E: Env + ?Sized>(env: &mut E, seed: u64) -> Result<String, String> {
    let sample = SpaceSampler::new(env.action_space(), seed).sample();
    let action = E::Act::from_value(sample).map_err(|e| e.to_string())?;
    expect_reset_needed(guarded(|| env.step(&action)), "before the first reset")
}

/// The verdict on a guarded `step` that must return [`EnvError::ResetNeeded`]; `when` says
/// when it was called.
fn expect_reset_needed<O>(
    result: Result<Result<Step<O>, EnvError>, String>,
    when: &str,
) -> Result<String, String> {
    match result {
        Ok(Err(EnvError::ResetNeeded)) => Ok(format!("step {when} returned ResetNeeded")),
        Ok(Err(e)) => Err(format!("step {when} returned {e} instead of ResetNeeded")),
        Ok(Ok(_)) => Err(format!(
            "step {when} succeeded instead of returning ResetNeeded"
        )),
        Err(p) => Err(format!("step {when} panicked: {p}")),
    }
}

/// Runs `f`, turning a panic into its message.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        if let Some(s) = payload.downcast_ref::<&str>() {
            (*s).to_owned()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "a panic with a non-string payload".to_owned()
        }
    })
}

/// One observed event of a rollout; rewards are kept as bits so that equal NaNs compare equal
/// (finiteness is a check of its own).
#[derive(Debug, Clone, PartialEq)]
enum Event {
    Reset(Value),
    Step {
        obs: Value,
        reward_bits: u64,
        terminated: bool,
        truncated: bool,
    },
}

#[derive(Debug, Default)]
struct Rollout {
    events: Vec<Event>,
    steps: usize,
    episodes_ended: usize,
    /// Why the rollout stopped early.
    error: Option<String>,
}

/// `reset(Some(seed))`, then `steps` steps with seeded sampled actions, `reset(None)` after
/// each episode.
fn rollout<E: Env + ?Sized>(env: &mut E, config: &CheckConfig) -> Rollout {
    let mut out = Rollout::default();
    let mut sampler = SpaceSampler::new(env.action_space(), config.seed);
    match guarded(|| env.reset(Some(config.seed))) {
        Ok((obs, _)) => out.events.push(Event::Reset(obs.to_value())),
        Err(p) => {
            out.error = Some(format!("reset panicked: {p}"));
            return out;
        }
    }
    for i in 0..config.steps {
        let sampled = sampler.sample();
        let action = match E::Act::from_value(sampled.clone()) {
            Ok(a) => a,
            Err(e) => {
                out.error = Some(format!(
                    "the sampled action {sampled} has no typed form in this env: {e}"
                ));
                return out;
            }
        };
        let step = match guarded(|| env.step(&action)) {
            Ok(Ok(step)) => step,
            Ok(Err(e)) => {
                out.error = Some(format!(
                    "step {i} refused the sampled action {sampled}: {e}"
                ));
                return out;
            }
            Err(p) => {
                out.error = Some(format!("step {i} with action {sampled} panicked: {p}"));
                return out;
            }
        };
        out.steps += 1;
        let done = step.done();
        out.events.push(Event::Step {
            obs: step.obs.to_value(),
            reward_bits: step.reward.to_bits(),
            terminated: step.terminated,
            truncated: step.truncated,
        });
        if done {
            out.episodes_ended += 1;
            match guarded(|| env.reset(None)) {
                Ok((obs, _)) => out.events.push(Event::Reset(obs.to_value())),
                Err(p) => {
                    out.error = Some(format!("reset(None) after step {i} panicked: {p}"));
                    return out;
                }
            }
        }
    }
    out
}

fn compare(a: &Rollout, b: &Rollout, seed: u64) -> Result<String, String> {
    if let Some((i, (x, y))) = a
        .events
        .iter()
        .zip(&b.events)
        .enumerate()
        .find(|(_, (x, y))| x != y)
    {
        return Err(format!(
            "two rollouts from reset(Some({seed})) with the same actions differ at event {i}: \
             {x:?} vs {y:?}"
        ));
    }
    if a.events.len() != b.events.len() || a.error != b.error {
        return Err(format!(
            "two rollouts from reset(Some({seed})) ran {} and {} steps ({:?} vs {:?})",
            a.steps, b.steps, a.error, b.error
        ));
    }
    Ok(format!("two rollouts of {} steps are identical", a.steps))
}

fn step_obs_in_space(run: &Rollout, space: &Space) -> Result<String, String> {
    for (i, e) in run.events.iter().enumerate() {
        if let Event::Step { obs, .. } = e
            && !space.contains(obs)
        {
            return Err(format!(
                "step observation {obs} (event {i}) is not in {space}"
            ));
        }
    }
    Ok(format!("{} step observations in {space}", run.steps))
}

fn rewards_finite(run: &Rollout) -> Result<String, String> {
    for (i, e) in run.events.iter().enumerate() {
        if let Event::Step { reward_bits, .. } = e {
            let r = f64::from_bits(*reward_bits);
            if !r.is_finite() {
                return Err(format!("reward {r} at event {i} is not finite"));
            }
        }
    }
    Ok(format!("{} rewards finite", run.steps))
}

/// An element that is not in `space`: one past the end of a discrete space, a box element of
/// the wrong length, a value of the wrong kind otherwise.
fn invalid_action_value(space: &Space) -> Value {
    match space {
        Space::Discrete { n, start } => {
            Value::Int(start.saturating_add(i64::try_from(*n).unwrap_or(i64::MAX)))
        }
        Space::Box(b) => match b.dtype {
            DType::F32 => Value::F32(vec![0.0; b.len() + 1]),
            DType::F64 => Value::F64(vec![0.0; b.len() + 1]),
            DType::U8 => Value::U8(vec![0; b.len() + 1]),
        },
        Space::Text { .. } => Value::Int(0),
        _ => Value::Text("not an action".into()),
    }
}

fn invalid_action<E: Env + ?Sized>(env: &mut E, seed: u64) -> Result<String, String> {
    let space = env.action_space();
    let bad = invalid_action_value(&space);
    let Ok(action) = E::Act::from_value(bad.clone()) else {
        return Ok(format!(
            "not applicable: the env's action type cannot express {bad}, outside {space}"
        ));
    };
    guarded(|| env.reset(Some(seed))).map_err(|p| format!("reset panicked: {p}"))?;
    match guarded(|| env.step(&action)) {
        Ok(Err(EnvError::InvalidAction { .. })) => {
            Ok(format!("{bad} outside {space} refused with InvalidAction"))
        }
        Ok(Err(e)) => Err(format!(
            "{bad} outside {space} refused with another error: {e}"
        )),
        Ok(Ok(_)) => Err(format!("{bad} outside {space} was accepted")),
        Err(p) => Err(format!("{bad} outside {space} made step panic: {p}")),
    }
}

fn reset_needed<E: Env + ?Sized>(env: &mut E, config: &CheckConfig) -> Result<String, String> {
    let mut sampler = SpaceSampler::new(env.action_space(), config.seed);
    guarded(|| env.reset(Some(config.seed))).map_err(|p| format!("reset panicked: {p}"))?;
    let mut typed = || E::Act::from_value(sampler.sample()).map_err(|e| e.to_string());
    for i in 0..config.steps {
        let action = typed()?;
        let step = match guarded(|| env.step(&action)) {
            Ok(Ok(step)) => step,
            // Reported by the sampled-actions check already.
            Ok(Err(e)) => return Ok(format!("not applicable: step {i} failed ({e})")),
            Err(p) => return Ok(format!("not applicable: step {i} panicked ({p})")),
        };
        if step.done() {
            let action = typed()?;
            return expect_reset_needed(
                guarded(|| env.step(&action)),
                &format!("after the episode ended at step {i}"),
            );
        }
    }
    Ok(format!(
        "not applicable: no episode ended within {} steps",
        config.steps
    ))
}

#[cfg(test)]
mod tests;
