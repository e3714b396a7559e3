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
mod tests {
    use super::*;
    use crate::mdp::MdpBuilder;

    /// State 0 (start) --a0--> {1: 0.2, 2: 0.5, 3: 0.3}; --a1--> 3 (terminal) with reward 5.
    /// States 1 and 2 go back to 0 with rewards 1 and 2.
    fn model() -> Arc<Mdp> {
        let mut b = MdpBuilder::new(4, 2).gamma(0.9);
        b.transition(0, 0, 1, 0.2, 1.0)
            .transition(0, 0, 2, 0.5, 2.0)
            .transition(0, 0, 3, 0.3, 3.0)
            .transition(0, 1, 3, 1.0, 5.0);
        for s in [1, 2] {
            for a in 0..2 {
                b.transition(s, a, 0, 1.0, s as f64);
            }
        }
        b.initial_state(0).terminal(3);
        Arc::new(b.build().expect("the test model is valid"))
    }

    fn rollout(env: &mut TabularEnv, seed: u64) -> Vec<(usize, f64, bool)> {
        let (mut out, _) = (Vec::new(), env.reset(Some(seed)));
        for _ in 0..200 {
            let step = env.step(&0).expect("action 0 is valid");
            out.push((step.obs, step.reward, step.terminated));
            if step.terminated {
                env.reset(None);
            }
        }
        out
    }

    #[test]
    fn same_seed_same_trajectory_and_none_continues() {
        let mut a = TabularEnv::new(model());
        let mut b = TabularEnv::new(model());
        let ta = rollout(&mut a, 7);
        assert_eq!(ta, rollout(&mut b, 7));
        assert_ne!(ta, rollout(&mut b, 8), "another seed, another trajectory");
    }

    #[test]
    fn successor_frequencies_match_the_model() {
        let mut env = TabularEnv::new(model());
        env.reset(Some(3));
        let draws = 20_000;
        let mut counts = [0usize; 4];
        for _ in 0..draws {
            env.set_state(&[0.0]).expect("0 is a state");
            let step = env.step(&0).expect("a valid step");
            counts[step.obs] += 1;
            // R(s, a, s') is the reward of the sampled successor.
            assert_eq!(step.reward, step.obs as f64);
            assert_eq!(step.terminated, step.obs == 3);
            assert!(!step.truncated);
        }
        for (s, want) in [(1, 0.2), (2, 0.5), (3, 0.3)] {
            let got = counts[s] as f64 / draws as f64;
            assert!((got - want).abs() < 0.02, "P(s'={s}) = {got}, model {want}");
        }
        assert_eq!(counts[0], 0);
    }

    #[test]
    fn last_prob_is_the_probability_of_the_sampled_outcome() {
        let mut env = TabularEnv::new(model());
        env.reset(Some(5));
        assert_eq!(
            env.last_prob(),
            1.0,
            "a reset reports 1, as Gymnasium's toy text"
        );
        for _ in 0..50 {
            env.set_state(&[0.0]).expect("0 is a state");
            let step = env.step(&0).expect("a valid step");
            let want = [0.0, 0.2, 0.5, 0.3][step.obs];
            assert_eq!(env.last_prob(), want, "successor {}", step.obs);
        }
        env.set_state(&[0.0]).expect("0 is a state");
        env.step(&1).expect("a valid step");
        assert_eq!(env.last_prob(), 1.0);
    }

    #[test]
    fn outcomes_of_one_successor_pay_their_own_rewards() {
        // From 0: back to 0 paying −100 (0.5) or −1 (0.25), or on to 1 paying −1 (0.25).
        let mut b = MdpBuilder::new(2, 1);
        b.transition(0, 0, 0, 0.5, -100.0)
            .transition(0, 0, 1, 0.25, -1.0)
            .transition(0, 0, 0, 0.25, -1.0);
        b.initial_state(0).terminal(1);
        let mut env = TabularEnv::new(Arc::new(b.build().expect("valid")));
        env.reset(Some(9));
        let draws = 20_000;
        let mut counts = std::collections::BTreeMap::new();
        for _ in 0..draws {
            env.set_state(&[0.0]).expect("0 is a state");
            let step = env.step(&0).expect("a valid step");
            *counts
                .entry((step.obs, step.reward as i64))
                .or_insert(0usize) += 1;
        }
        assert_eq!(counts.len(), 3, "{counts:?}");
        for (outcome, want) in [((0, -100), 0.5), ((0, -1), 0.25), ((1, -1), 0.25)] {
            let got = counts.get(&outcome).copied().unwrap_or(0) as f64 / draws as f64;
            assert!(
                (got - want).abs() < 0.02,
                "P{outcome:?} = {got}, model {want}"
            );
        }
    }

    #[test]
    fn initial_state_is_sampled_from_the_model() {
        let mut b = MdpBuilder::new(3, 1);
        for s in 0..3 {
            b.transition(s, 0, s, 1.0, 0.0);
        }
        b.initial(vec![0.25, 0.0, 0.75]);
        let mut env = TabularEnv::new(Arc::new(b.build().expect("valid")));
        env.reset(Some(1));
        let mut counts = [0usize; 3];
        for _ in 0..4000 {
            counts[env.reset(None).0] += 1;
        }
        assert_eq!(counts[1], 0);
        let frac = counts[2] as f64 / 4000.0;
        assert!((frac - 0.75).abs() < 0.03, "P(s0 = 2) = {frac}");
    }

    #[test]
    fn reset_over_the_support_picks_what_the_dense_walk_picks() {
        // Zeros between, before and after the support: for the same seeds, the state drawn
        // equals the dense cumulative walk over `initial()` with the same uniform.
        let mut b = MdpBuilder::new(6, 1);
        for s in 0..6 {
            b.transition(s, 0, s, 1.0, 0.0);
        }
        b.initial(vec![0.0, 0.3, 0.0, 0.0, 0.7, 0.0]);
        let mdp = Arc::new(b.build().expect("valid"));
        let mut env = TabularEnv::new(mdp.clone());
        let mut seen = [0usize; 6];
        for seed in 0..200u64 {
            let mut rng = crate::rng::rng_from_seed(seed);
            let u: f64 = rng.random();
            let dense = pick_cumulative(mdp.initial().iter().copied(), u);
            let (s, _) = env.reset(Some(seed));
            assert_eq!(s, dense, "seed {seed}");
            seen[s] += 1;
        }
        assert_eq!((seen[0], seen[2], seen[3], seen[5]), (0, 0, 0, 0));
        assert!(seen[1] > 0 && seen[4] > 0);
    }

    #[test]
    fn step_before_reset_and_after_termination_needs_reset() {
        let mut env = TabularEnv::new(model());
        assert_eq!(env.step(&0), Err(EnvError::ResetNeeded));
        assert_eq!(env.state(), None);
        env.reset(Some(0));
        let step = env.step(&1).expect("valid");
        assert!(step.terminated);
        assert_eq!((step.obs, step.reward), (3, 5.0));
        assert_eq!(env.step(&1), Err(EnvError::ResetNeeded));
        assert_eq!(env.state(), Some(Value::Int(3)));
        assert_eq!(env.state_index(), 3);
    }

    #[test]
    fn invalid_action_is_rejected() {
        let mut env = TabularEnv::new(model());
        env.reset(Some(0));
        let err = env.step(&2).expect_err("action 2 is outside Discrete(2)");
        assert_eq!(
            err,
            EnvError::InvalidAction {
                action: "2".into(),
                space: "Discrete(2)".into()
            }
        );
        // The episode goes on after a refused action.
        assert!(env.step(&0).is_ok());
    }

    #[test]
    fn terminal_state_is_absorbing_in_the_model() {
        let env = TabularEnv::new(model());
        for a in 0..2 {
            let row: Vec<_> = env.mdp().successors(3, a).collect();
            assert_eq!(row.len(), 1);
            assert_eq!((row[0].next, row[0].prob, row[0].reward), (3, 1.0, 0.0));
        }
    }

    #[test]
    fn set_state_validates_and_moves() {
        let mut env = TabularEnv::new(model());
        env.reset(Some(0));
        assert_eq!(env.set_state(&[2.0]), Ok(2));
        assert_eq!(env.state(), Some(Value::Int(2)));
        let step = env.step(&0).expect("valid");
        assert_eq!((step.obs, step.reward), (0, 2.0));
        for bad in [
            vec![],
            vec![1.0, 2.0],
            vec![1.5],
            vec![-1.0],
            vec![4.0],
            vec![f64::NAN],
        ] {
            assert!(
                matches!(env.set_state(&bad), Err(EnvError::InvalidState { .. })),
                "{bad:?} must be refused"
            );
        }
    }

    #[test]
    fn step_from_a_set_terminal_state_follows_its_absorbing_row() {
        let mut env = TabularEnv::new(model());
        // Before any reset too: set_state alone starts an episode.
        for reset_first in [false, true] {
            if reset_first {
                env.reset(Some(0));
            }
            assert_eq!(env.set_state(&[3.0]), Ok(3));
            let step = env.step(&1).expect("a set state can be stepped from");
            assert_eq!((step.obs, step.reward), (3, 0.0));
            assert!(step.terminated && !step.truncated);
            assert_eq!(env.state_index(), 3);
            assert_eq!(env.step(&0), Err(EnvError::ResetNeeded));
        }
        // After a terminating step, set_state into a live state resumes without a reset.
        assert_eq!(env.set_state(&[1.0]), Ok(1));
        let step = env.step(&0).expect("valid");
        assert_eq!((step.obs, step.reward, step.terminated), (0, 1.0, false));
    }

    #[test]
    fn pick_cumulative_skips_zero_entries_and_absorbs_rounding() {
        let probs = [0.0, 0.5, 0.0, 0.5, 0.0];
        assert_eq!(pick_cumulative(probs, 0.0), 1);
        assert_eq!(pick_cumulative(probs, 0.49), 1);
        assert_eq!(pick_cumulative(probs, 0.5), 3);
        assert_eq!(pick_cumulative(probs, 1.0), 3);
    }
}
