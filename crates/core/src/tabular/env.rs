//! [`TabularEnv`]: an environment that simulates a tabular [`Mdp`] by sampling it.
//!
//! The env holds its model in an `Arc<Mdp>` and draws every initial state and successor from
//! it, so planning on [`Tabular::mdp`] and learning from [`TabularEnv::step`] always see the
//! same dynamics: model and simulator cannot drift apart. Gridworlds and toy-text envs wrap a
//! `TabularEnv` and implement [`Tabular`] by delegation.
//!
//! Sampling uses one uniform `f64` per draw and walks the cumulative probabilities of the CSR
//! row, so one seed gives one trajectory on every platform; initial states are drawn the same
//! way from the model's sparse initial support, so a reset costs O(support), not O(S).
//! Episodes end with `terminated` when a step enters a terminal state, or steps from one
//! placed by `set_state` (its absorbing row: stay, reward 0); `truncated` is always false here
//! because time limits are the `TimeLimit` wrapper's job.

use std::sync::Arc;

use rand::Rng;

use crate::env::{Env, EnvError, Step};
use crate::mdp::Mdp;
use crate::rng::{EnvRng, reseed, rng_from_entropy};
use crate::space::Space;
use crate::value::{Info, Value};

/// An environment backed by a tabular model.
pub trait Tabular {
    /// The model the environment samples.
    fn mdp(&self) -> &Mdp;
    /// The index of the current state in `0..mdp().n_states()`.
    fn state_index(&self) -> usize;
}

/// Simulates an [`Mdp`]: observations and actions are state and action indices.
#[derive(Debug, Clone)]
pub struct TabularEnv {
    mdp: Arc<Mdp>,
    rng: EnvRng,
    /// `None` until the first reset (or `set_state`).
    state: Option<usize>,
    /// True before the first reset and after a step enters a terminal state.
    needs_reset: bool,
    /// Probability of the outcome the last step sampled (1 after a reset).
    last_prob: f64,
}

impl TabularEnv {
    /// An env that samples `mdp`. Its RNG is seeded from the OS until `reset(Some(seed))`,
    /// as Gymnasium does for an env first reset without a seed.
    pub fn new(mdp: Arc<Mdp>) -> Self {
        Self {
            mdp,
            rng: rng_from_entropy(),
            state: None,
            needs_reset: true,
            last_prob: 1.0,
        }
    }

    /// The model.
    pub fn mdp(&self) -> &Mdp {
        &self.mdp
    }

    /// The shared handle to the model, for planners or wrappers that keep it.
    pub fn mdp_arc(&self) -> &Arc<Mdp> {
        &self.mdp
    }

    /// The probability of the outcome the last step sampled, `P(s', r | s, a)` with equal
    /// outcomes merged (1 after a reset or `set_state`): Gymnasium's toy-text `info["prob"]`.
    pub fn last_prob(&self) -> f64 {
        self.last_prob
    }

    fn sample_successor(&mut self, s: usize, a: usize) -> (usize, f64) {
        let (row_start, next, prob, reward) = self.mdp.csr();
        let row = s * self.mdp.n_actions() + a;
        let range = row_start[row]..row_start[row + 1];
        let u: f64 = self.rng.random();
        let i = pick_cumulative(prob[range.clone()].iter().copied(), u) + range.start;
        self.last_prob = prob[i];
        (next[i] as usize, reward[i])
    }
}

/// The index `i` with `cum(i-1) <= u < cum(i)`; when rounding leaves `u` past the total,
/// the last entry with positive probability. `probs` is a validated row (sums to 1, not empty).
fn pick_cumulative(probs: impl IntoIterator<Item = f64>, u: f64) -> usize {
    let mut cum = 0.0;
    let mut last_positive = 0;
    for (i, p) in probs.into_iter().enumerate() {
        if p > 0.0 {
            cum += p;
            last_positive = i;
            if u < cum {
                return i;
            }
        }
    }
    last_positive
}

impl Tabular for TabularEnv {
    fn mdp(&self) -> &Mdp {
        &self.mdp
    }

    /// The current state; 0 before the first reset.
    fn state_index(&self) -> usize {
        self.state.unwrap_or(0)
    }
}

impl Env for TabularEnv {
    type Obs = usize;
    type Act = usize;

    fn observation_space(&self) -> Space {
        Space::discrete(self.mdp.n_states() as u64)
    }

    fn action_space(&self) -> Space {
        Space::discrete(self.mdp.n_actions() as u64)
    }

    fn reset(&mut self, seed: Option<u64>) -> (usize, Info) {
        reseed(&mut self.rng, seed);
        let u: f64 = self.rng.random();
        // Walk the sparse support: the same state as a walk over all S entries (zeros never
        // match), in O(support) instead of O(S).
        let (states, probs) = self.mdp.initial_support();
        let s = states[pick_cumulative(probs.iter().copied(), u)] as usize;
        self.state = Some(s);
        self.needs_reset = false;
        self.last_prob = 1.0;
        (s, Info::new())
    }

    fn step(&mut self, action: &usize) -> Result<Step<usize>, EnvError> {
        let s = match self.state {
            Some(s) if !self.needs_reset => s,
            _ => return Err(EnvError::ResetNeeded),
        };
        self.validate_action(action)?;
        let (next, reward) = self.sample_successor(s, *action);
        let terminated = self.mdp.is_terminal(next);
        self.state = Some(next);
        self.needs_reset = terminated;
        Ok(Step {
            obs: next,
            reward,
            terminated,
            truncated: false,
            info: Info::new(),
        })
    }

    fn validate_action(&self, action: &usize) -> Result<(), EnvError> {
        // Compare indices directly: building `Value`s here would allocate on every step.
        if *action < self.mdp.n_actions() {
            Ok(())
        } else {
            Err(EnvError::InvalidAction {
                action: action.to_string(),
                space: self.action_space().to_string(),
            })
        }
    }

    fn state(&self) -> Option<Value> {
        self.state.map(|s| Value::Int(s as i64))
    }

    /// Moves to state `state[0]`, which must be an integer in `0..S`, and starts (or
    /// continues) an episode there, terminal or not. As in Gymnasium's toy-text envs after
    /// `env.unwrapped.s = t`, a step from a terminal state follows its absorbing row: it
    /// stays, pays 0 and reports `terminated`, after which a reset is needed.
    fn set_state(&mut self, state: &[f64]) -> Result<usize, EnvError> {
        let n = self.mdp.n_states();
        let invalid = |reason: String| EnvError::InvalidState {
            state: format!("{state:?}"),
            reason,
        };
        let x = match state {
            [x] => *x,
            _ => {
                return Err(invalid(format!(
                    "a tabular state is one value, got {}",
                    state.len()
                )));
            }
        };
        if !x.is_finite() || x.fract() != 0.0 {
            return Err(invalid(format!("{x} is not an integer")));
        }
        if x < 0.0 || x >= n as f64 {
            return Err(invalid(format!("{x} is outside 0..{n}")));
        }
        let s = x as usize;
        self.state = Some(s);
        self.needs_reset = false;
        self.last_prob = 1.0;
        Ok(s)
    }
}

#[cfg(test)]
#[path = "env_tests.rs"]
mod tests;
