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
mod tests {
    use super::*;
    use crate::wrappers::TASK_REWARD_KEY;
    use crate::wrappers::test_env::{Counter, Fixed};

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    /// Moments of the prior merged with `xs` (Chan's formula once, as a closed form).
    fn prior_moments(xs: &[f64]) -> (f64, f64) {
        let eps = 1e-4;
        let n = xs.len() as f64;
        let m = xs.iter().sum::<f64>() / n;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n;
        let t = n + eps;
        (n * m / t, (eps + n * v + m * m * eps * n / t) / t)
    }

    #[test]
    fn reward_matches_a_hand_computed_sequence() -> Result<(), EnvError> {
        // gamma 0.5; rewards 1, 2 then termination at 2; then a new episode: reward 1.
        let mut env =
            NormalizeReward::with_params(Counter::new(2), 0.5, 1e-8).expect("valid parameters");
        env.reset(Some(0));
        // G1 = 1: rms of {1}.
        let s1 = env.step(&vec![0.0])?;
        let (_, v1) = prior_moments(&[1.0]);
        assert!(close(s1.reward, 1.0 / (v1 + 1e-8).sqrt()));
        assert_eq!(s1.info.get(TASK_REWARD_KEY), Some(&Value::Float(1.0)));
        // G2 = 1·0.5·(1 − 1) + 2 = 2: this step's own termination drops the old G.
        let s2 = env.step(&vec![0.0])?;
        assert!(s2.terminated);
        let (_, v2) = prior_moments(&[1.0, 2.0]);
        assert!(close(s2.reward, 2.0 / (v2 + 1e-8).sqrt()));
        // Reset keeps G: G3 = 2·0.5 + 1 = 2.
        env.reset(None);
        let s3 = env.step(&vec![0.0])?;
        let (m3, v3) = prior_moments(&[1.0, 2.0, 2.0]);
        assert!(close(env.return_rms().mean()[0], m3));
        assert!(close(s3.reward, 1.0 / (v3 + 1e-8).sqrt()));
        assert!(close(env.discounted_return(), 2.0));
        // Frozen: the statistics stay, the scaling still applies.
        env.set_update_running_mean(false);
        let s4 = env.step(&vec![0.0])?;
        assert!(close(s4.reward, 2.0 / (v3 + 1e-8).sqrt()));
        assert!(close(env.return_rms().count(), 3.0001));
        Ok(())
    }

    #[test]
    fn truncation_does_not_clear_the_return() -> Result<(), EnvError> {
        let mut env = NormalizeReward::with_params(
            crate::wrappers::TimeLimit::new(Counter::new(10), 1),
            0.5,
            1e-8,
        )
        .expect("valid parameters");
        env.reset(Some(0));
        assert!(env.step(&vec![0.0])?.truncated);
        env.reset(None);
        env.step(&vec![0.0])?;
        // 1·0.5 + 1: neither truncation nor reset cleared G.
        assert!(close(env.discounted_return(), 1.5));
        Ok(())
    }

    #[test]
    fn reward_parameters_are_checked() {
        assert!(NormalizeReward::with_params(Counter::new(2), 1.5, 1e-8).is_err());
        assert!(NormalizeReward::with_params(Counter::new(2), 0.9, 0.0).is_err());
    }

    #[test]
    fn observation_stats_after_known_inputs() -> Result<(), EnvError> {
        let mut env = NormalizeObservation::new(Counter::new(10)).expect("box space");
        assert_eq!(
            env.observation_space(),
            Space::Box(BoxSpace::uniform(
                &[2],
                f64::NEG_INFINITY,
                f64::INFINITY,
                DType::F32
            ))
        );
        // Observations [0, 0], [1, -1], [2, -2]: the statistics include the current one.
        let (o0, _) = env.reset(Some(0));
        assert_eq!(o0, vec![0.0, 0.0]);
        env.step(&vec![0.0])?;
        let o2 = env.step(&vec![0.0])?.obs;
        let (m, v) = prior_moments(&[0.0, 1.0, 2.0]);
        let rms = env.obs_rms();
        // f32 statistics: the closed form to f32 accuracy, the output from them to the bit.
        let near = |a: f32, b: f64| (f64::from(a) - b).abs() < 1e-6 * (1.0 + b.abs());
        assert!(near(rms.mean()[0], m) && near(rms.mean()[1], -m));
        assert!(near(rms.var()[0], v) && near(rms.var()[1], v));
        assert!(close(rms.count(), 3.0001));
        let want = (2.0 - rms.mean()[0]) / (rms.var()[0] + 1e-8f32).sqrt();
        assert!(near(want, (2.0 - m) / (v + 1e-8).sqrt()));
        assert_eq!(o2, vec![want, -want]);
        // Frozen statistics, and set_state normalises without updating.
        env.set_update_running_mean(false);
        env.step(&vec![0.0])?;
        let o = env.set_state(&[2.0])?;
        assert_eq!(o, vec![want, -want]);
        assert!(close(env.obs_rms().count(), 3.0001));
        Ok(())
    }

    #[test]
    fn statistics_of_another_dimension_are_refused() -> Result<(), WrapperError> {
        let mut obs = NormalizeObservation::new(Counter::new(10))?;
        assert!(obs.set_obs_rms(RunningMeanStd::new(3)).is_err());
        let mut trained = RunningMeanStd::new(2);
        trained.update_one(&[4.0, -4.0]);
        obs.set_obs_rms(trained.clone())?;
        assert_eq!(obs.obs_rms(), &trained);
        let mut reward = NormalizeReward::new(Counter::new(10));
        assert!(reward.set_return_rms(RunningMeanStd::new(2)).is_err());
        assert!(reward.set_return_rms(RunningMeanStd::new(0)).is_err());
        reward.set_return_rms(RunningMeanStd::new(1))?;
        Ok(())
    }

    #[test]
    fn observation_needs_a_box() {
        let env = Fixed {
            space: Space::discrete(3),
            obs: Value::Int(0),
        };
        let wrapped =
            crate::wrappers::TransformObservation::new(env, |_| vec![0.0f32], Space::discrete(3));
        assert!(matches!(
            NormalizeObservation::new(wrapped),
            Err(WrapperError::UnsupportedSpace { .. })
        ));
    }
}
