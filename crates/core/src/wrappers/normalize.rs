//! [`NormalizeObservation`] and [`NormalizeReward`]: running-statistics normalisation.
//!
//! Both follow Gymnasium 1.x exactly, quirks included:
//! - observations are normalised with statistics that already include them (the update comes
//!   first), on `reset` as well as on `step`; the outer space is an unbounded `float32` box;
//! - rewards are divided by the running standard deviation of the discounted return
//!   `G ← G·γ·(1 − terminated) + r` (never centred), where `terminated` is the current step's
//!   flag: the terminal step's reward starts a fresh `G`, and neither truncation nor `reset`
//!   clears it.
//!
//! "Exactly" is bit for bit. Gymnasium keeps the observation statistics in the dtype of the
//! wrapper's `float32` observation space and the return statistics in `f64`, so
//! `NormalizeObservation` holds a [`RunningMeanStd<f32>`] and computes the update and
//! `(obs − mean) / sqrt(var + epsilon)` in `f32` with NumPy 2's operation order and scalar
//! promotion (see [`RunningMeanStd`]), while `NormalizeReward` holds a `RunningMeanStd<f64>`.
//! The committed fixture `crates/core/tests/fixtures/normalize_gymnasium.json`, written by
//! Gymnasium itself (`make_normalize_fixtures.py` beside it), pins both: every normalised
//! observation and reward of a 50-event replay must match to the bit. (Gymnasium would
//! promote its statistics to `f64` after the first update if the inner env emitted `float64`
//! observations; our observations are `Vec<f32>`, so that case does not arise.)
//!
//! Statistics updates can be frozen (`set_update_running_mean(false)`) for evaluation, and the
//! statistics are readable and replaceable so that a trained agent's can be carried over.
//!
//! Both sit on every step of a training loop, so neither allocates there: each sample is merged
//! into [`RunningMeanStd`] in place, and observations are normalised inside the inner env's
//! own vector, which is then returned.

use crate::env::{Env, EnvError, Step};
use crate::frame::Frame;
use crate::space::{BoxSpace, DType, Space};
use crate::value::{Info, Value};

use super::{RunningMeanStd, StatFloat, WrapperError, keep_task_reward, require_box};

/// Gymnasium's default `epsilon` under the square root.
const DEFAULT_EPSILON: f64 = 1e-8;

fn check_epsilon(wrapper: &'static str, epsilon: f64) -> Result<(), WrapperError> {
    if epsilon > 0.0 && epsilon.is_finite() {
        Ok(())
    } else {
        Err(WrapperError::InvalidParameter {
            wrapper,
            name: "epsilon",
            value: epsilon.to_string(),
            reason: "must be positive and finite",
        })
    }
}

/// Replaces `current` by `new` statistics handed in from outside, which must track vectors of
/// the same dimension: the per-step updates rely on it (and would panic otherwise).
fn replace_stats<F: StatFloat>(
    current: &mut RunningMeanStd<F>,
    new: RunningMeanStd<F>,
    wrapper: &'static str,
    name: &'static str,
) -> Result<(), WrapperError> {
    let dim = current.dim();
    if new.dim() != dim {
        return Err(WrapperError::InvalidParameter {
            wrapper,
            name,
            value: format!("statistics of dimension {}", new.dim()),
            reason: if dim == 1 {
                "must have dimension 1"
            } else {
                "must have the observation's dimension"
            },
        });
    }
    *current = new;
    Ok(())
}

/// Normalises box observations to running zero mean and unit variance per element.
#[derive(Debug, Clone)]
pub struct NormalizeObservation<E> {
    env: E,
    rms: RunningMeanStd<f32>,
    epsilon: f64,
    update: bool,
    shape: Vec<usize>,
}

impl<E: Env<Obs = Vec<f32>>> NormalizeObservation<E> {
    /// Wraps an env with a box observation space (`epsilon` = 1e-8).
    pub fn new(env: E) -> Result<Self, WrapperError> {
        Self::with_epsilon(env, DEFAULT_EPSILON)
    }

    /// Wraps `env` with another `epsilon` under the square root (added in `f32`, as
    /// Gymnasium adds the Python float to its `float32` variance).
    pub fn with_epsilon(env: E, epsilon: f64) -> Result<Self, WrapperError> {
        check_epsilon("NormalizeObservation", epsilon)?;
        let b = require_box(
            env.observation_space(),
            "NormalizeObservation",
            "observation",
        )?;
        Ok(NormalizeObservation {
            rms: RunningMeanStd::new(b.len()),
            env,
            epsilon,
            update: true,
            shape: b.shape,
        })
    }

    /// The running observation statistics (`f32`, as Gymnasium's).
    pub fn obs_rms(&self) -> &RunningMeanStd<f32> {
        &self.rms
    }

    /// Replaces the statistics (e.g. with a trained agent's); refuses statistics whose
    /// dimension is not the observation's length.
    pub fn set_obs_rms(&mut self, rms: RunningMeanStd<f32>) -> Result<(), WrapperError> {
        replace_stats(&mut self.rms, rms, "NormalizeObservation", "obs_rms")
    }

    /// Whether observations update the statistics.
    pub fn update_running_mean(&self) -> bool {
        self.update
    }

    /// Freezes (`false`) or resumes (`true`) the statistics updates.
    pub fn set_update_running_mean(&mut self, update: bool) {
        self.update = update;
    }

    wrapper_accessors!(env: E);

    /// Normalises `obs` in place (after merging it into the statistics when `update`): the
    /// returned vector is the inner env's, so a step allocates nothing here.
    fn normalize(&mut self, mut obs: Vec<f32>, update: bool) -> Vec<f32> {
        if update {
            self.rms.update_one(&obs);
        }
        self.rms.normalize_in_place(&mut obs, self.epsilon);
        obs
    }
}

impl<E: Env<Obs = Vec<f32>>> Env for NormalizeObservation<E> {
    type Obs = Vec<f32>;
    type Act = E::Act;

    fn observation_space(&self) -> Space {
        Space::Box(BoxSpace::uniform(
            &self.shape,
            f64::NEG_INFINITY,
            f64::INFINITY,
            DType::F32,
        ))
    }

    fn action_space(&self) -> Space {
        self.env.action_space()
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info) {
        let (obs, info) = self.env.reset(seed);
        (self.normalize(obs, self.update), info)
    }

    fn step(&mut self, action: &E::Act) -> Result<Step<Vec<f32>>, EnvError> {
        let step = self.env.step(action)?;
        let update = self.update;
        Ok(step.map_obs(|o| self.normalize(o, update)))
    }

    fn validate_action(&self, action: &E::Act) -> Result<(), EnvError> {
        self.env.validate_action(action)
    }

    fn state(&self) -> Option<Value> {
        self.env.state()
    }

    fn render(&self) -> Result<Frame, EnvError> {
        self.env.render()
    }

    fn render_ansi(&self) -> Result<String, EnvError> {
        self.env.render_ansi()
    }

    /// Normalises the new state's observation without updating the statistics: a state set
    /// from outside is not a sample of the env's own visitation.
    fn set_state(&mut self, state: &[f64]) -> Result<Vec<f32>, EnvError> {
        let obs = self.env.set_state(state)?;
        Ok(self.normalize(obs, false))
    }
}

/// Scales rewards by the running standard deviation of the discounted return.
#[derive(Debug, Clone)]
pub struct NormalizeReward<E> {
    env: E,
    rms: RunningMeanStd<f64>,
    discounted_return: f64,
    gamma: f64,
    epsilon: f64,
    update: bool,
}

impl<E: Env> NormalizeReward<E> {
    /// Wraps `env` with Gymnasium's defaults, `gamma` = 0.99 and `epsilon` = 1e-8.
    pub fn new(env: E) -> Self {
        NormalizeReward {
            env,
            rms: RunningMeanStd::new(1),
            discounted_return: 0.0,
            gamma: 0.99,
            epsilon: DEFAULT_EPSILON,
            update: true,
        }
    }

    /// Wraps `env` with the discount `gamma` ∈ [0, 1] and `epsilon` > 0.
    pub fn with_params(env: E, gamma: f64, epsilon: f64) -> Result<Self, WrapperError> {
        if !(0.0..=1.0).contains(&gamma) {
            return Err(WrapperError::InvalidParameter {
                wrapper: "NormalizeReward",
                name: "gamma",
                value: gamma.to_string(),
                reason: "must lie in [0, 1]",
            });
        }
        check_epsilon("NormalizeReward", epsilon)?;
        Ok(NormalizeReward {
            gamma,
            epsilon,
            ..Self::new(env)
        })
    }

    /// The running statistics of the discounted return (`f64`, as Gymnasium's).
    pub fn return_rms(&self) -> &RunningMeanStd<f64> {
        &self.rms
    }

    /// Replaces the return statistics; refuses statistics whose dimension is not 1.
    pub fn set_return_rms(&mut self, rms: RunningMeanStd<f64>) -> Result<(), WrapperError> {
        replace_stats(&mut self.rms, rms, "NormalizeReward", "return_rms")
    }

    /// The current discounted-return accumulator `G`.
    pub fn discounted_return(&self) -> f64 {
        self.discounted_return
    }

    /// The discount of the accumulator.
    pub fn gamma(&self) -> f64 {
        self.gamma
    }

    /// Whether steps update the statistics.
    pub fn update_running_mean(&self) -> bool {
        self.update
    }

    /// Freezes (`false`) or resumes (`true`) the statistics updates.
    pub fn set_update_running_mean(&mut self, update: bool) {
        self.update = update;
    }

    wrapper_accessors!(env: E);
}

impl<E: Env> Env for NormalizeReward<E> {
    type Obs = E::Obs;
    type Act = E::Act;

    fn observation_space(&self) -> Space {
        self.env.observation_space()
    }

    fn action_space(&self) -> Space {
        self.env.action_space()
    }

    fn reset(&mut self, seed: Option<u64>) -> (E::Obs, Info) {
        self.env.reset(seed)
    }

    fn step(&mut self, action: &E::Act) -> Result<Step<E::Obs>, EnvError> {
        let mut step = self.env.step(action)?;
        let not_terminal = if step.terminated { 0.0 } else { 1.0 };
        self.discounted_return = self.discounted_return * self.gamma * not_terminal + step.reward;
        if self.update {
            self.rms.update_scalar(self.discounted_return);
        }
        keep_task_reward(&mut step.info, step.reward);
        step.reward /= (self.rms.var()[0] + self.epsilon).sqrt();
        Ok(step)
    }

    fn validate_action(&self, action: &E::Act) -> Result<(), EnvError> {
        self.env.validate_action(action)
    }

    fn state(&self) -> Option<Value> {
        self.env.state()
    }

    fn render(&self) -> Result<Frame, EnvError> {
        self.env.render()
    }

    fn render_ansi(&self) -> Result<String, EnvError> {
        self.env.render_ansi()
    }

    fn set_state(&mut self, state: &[f64]) -> Result<E::Obs, EnvError> {
        self.env.set_state(state)
    }
}

#[cfg(test)]
#[path = "normalize_tests.rs"]
mod tests;
