//! The sparse tabular model: for each (s, a) its *outcomes*, each a successor s′ with its
//! probability and the reward that outcome pays.
//!
//! Rows are stored compressed (CSR): the outcomes of row `s·A + a` are the entries
//! `row_start[s·A + a] .. row_start[s·A + a + 1]` of `next`, `prob` and `reward`. A dense
//! 10,000-state model would need 3.2 GB per array; this one needs a few bytes per outcome.
//!
//! One successor may carry several outcomes with different rewards: a slippery step that
//! falls off a cliff back to the start (−100) and one that bumps the border there (−1) both
//! end on the start, and Gymnasium's toy-text tables `P[s][a]` can list one s′ twice. Keeping
//! them apart is what lets a simulator pay the rewards the task actually pays; a single
//! R(s, a, s′) could only hold their mean, a reward no step ever pays. Outcomes with the same
//! successor *and* the same reward are indistinguishable, so the builder merges them. Planning
//! needs only P(s′|s,a) and the expected reward E[r | s, a], both sums over outcomes, so every
//! planner is unaffected; the dense view (see [`Mdp::to_dense`]) holds R(s, a, s′) =
//! E[r | s, a, s′].
//!
//! Invariant: terminal states are absorbing with zero reward (every action leads back with
//! probability 1 and reward 0), so values, occupancies and returns need no special cases.

use ndarray::{Array1, Array3};

/// Largest dense view [`Mdp::to_dense`] builds, in bytes per array.
pub const DENSE_LIMIT_BYTES: usize = 1 << 30;

/// Tolerance on probability sums.
const SUM_TOLERANCE: f64 = 1e-9;

/// Why a model was rejected; each variant says what and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MdpError {
    /// γ outside [0, 1].
    #[error("discount γ = {0} is outside [0, 1]")]
    Gamma(f64),
    /// A model needs at least one state and one action.
    #[error(
        "an MDP needs at least one state and one action (got {n_states} states, {n_actions} actions)"
    )]
    Empty {
        /// Number of states asked for.
        n_states: usize,
        /// Number of actions asked for.
        n_actions: usize,
    },
    /// A state id past the end.
    #[error("unknown state id {id} in {context} (the MDP has {n_states} states)")]
    UnknownState {
        /// The offending id.
        id: usize,
        /// Number of states.
        n_states: usize,
        /// Where it appeared.
        context: String,
    },
    /// An action id past the end.
    #[error("unknown action id {id} in {context} (the MDP has {n_actions} actions)")]
    UnknownAction {
        /// The offending id.
        id: usize,
        /// Number of actions.
        n_actions: usize,
        /// Where it appeared.
        context: String,
    },
    /// A negative or non-finite probability.
    #[error(
        "row (s={state}, a={action}): probability {prob} of successor {next} is negative or not finite"
    )]
    BadProbability {
        /// Source state.
        state: usize,
        /// Action.
        action: usize,
        /// Successor.
        next: usize,
        /// The probability.
        prob: f64,
    },
    /// A non-finite reward.
    #[error("row (s={state}, a={action}): reward {reward} for successor {next} is not finite")]
    BadReward {
        /// Source state.
        state: usize,
        /// Action.
        action: usize,
        /// Successor.
        next: usize,
        /// The reward.
        reward: f64,
    },
    /// A transition row whose probabilities do not sum to 1.
    #[error("row (s={state}, a={action}) sums to {sum}, not 1")]
    RowSum {
        /// Source state.
        state: usize,
        /// Action.
        action: usize,
        /// The sum found.
        sum: f64,
    },
    /// A terminal state given a transition other than "stay, reward 0".
    #[error(
        "terminal state {state} must be absorbing with zero reward, but action {action} leaves it or pays"
    )]
    TerminalNotAbsorbing {
        /// The terminal state.
        state: usize,
        /// The offending action.
        action: usize,
    },
    /// The initial distribution is not a distribution.
    #[error("the initial distribution {0}")]
    Initial(String),
    /// A dense view would be too large.
    #[error(
        "a dense view of {n_states}x{n_actions}x{n_states} needs {bytes} bytes per array (limit {limit})"
    )]
    TooLargeForDense {
        /// Number of states.
        n_states: usize,
        /// Number of actions.
        n_actions: usize,
        /// Bytes one array would need.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
}

/// One outcome of a state–action pair: where it leads, how likely it is, what it pays.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transition {
    /// The successor state s′.
    pub next: usize,
    /// The probability of this outcome; P(s′ | s, a) when s′ has no other outcome in the row.
    pub prob: f64,
    /// The reward this outcome pays.
    pub reward: f64,
}

/// A finite MDP with sparse transitions. Build one with [`MdpBuilder`].
#[derive(Debug, Clone, PartialEq)]
pub struct Mdp {
    n_states: usize,
    n_actions: usize,
    row_start: Vec<usize>,
    next: Vec<u32>,
    prob: Vec<f64>,
    reward: Vec<f64>,
    expected_reward: Vec<f64>,
    initial: Array1<f64>,
    /// States with positive initial probability, in state order, and those probabilities.
    initial_states: Vec<u32>,
    initial_probs: Vec<f64>,
    terminal: Vec<bool>,
    gamma: f64,
    deterministic: bool,
}

impl Mdp {
    /// Number of states.
    pub fn n_states(&self) -> usize {
        self.n_states
    }

    /// Number of actions (the same in every state).
    pub fn n_actions(&self) -> usize {
        self.n_actions
    }

    /// The discount factor γ.
    pub fn gamma(&self) -> f64 {
        self.gamma
    }

    /// The same model with another discount; fails outside [0, 1].
    pub fn with_gamma(mut self, gamma: f64) -> Result<Self, MdpError> {
        check_gamma(gamma)?;
        self.gamma = gamma;
        Ok(self)
    }

    /// The initial-state distribution.
    pub fn initial(&self) -> &Array1<f64> {
        &self.initial
    }

    /// The sparse support of the initial distribution: the states with positive probability,
    /// in increasing order, and their probabilities. Sampling from it costs O(support), not
    /// O(S), and a cumulative walk over it picks the same state as one over [`Mdp::initial`]
    /// (zero entries never match).
    pub fn initial_support(&self) -> (&[u32], &[f64]) {
        (&self.initial_states, &self.initial_probs)
    }

    /// Which states are terminal (absorbing, zero reward).
    pub fn terminal(&self) -> &[bool] {
        &self.terminal
    }

    /// Whether `s` is terminal.
    pub fn is_terminal(&self, s: usize) -> bool {
        self.terminal[s]
    }

    /// Whether every (s, a) has exactly one outcome (so one successor and one reward).
    pub fn is_deterministic(&self) -> bool {
        self.deterministic
    }

    fn row(&self, s: usize, a: usize) -> std::ops::Range<usize> {
        let r = s * self.n_actions + a;
        self.row_start[r]..self.row_start[r + 1]
    }

    /// The outcomes of (s, a): successor, probability and reward, sorted by successor.
    ///
    /// A successor appears more than once when outcomes reaching it pay different rewards
    /// (those keep the order they were given to the builder); outcomes with the same
    /// successor and reward are merged. The probabilities sum to 1 over the outcomes, so
    /// P(s′|s,a) is the sum over the outcomes reaching s′.
    ///
    /// # Panics
    /// When `s` or `a` is out of range.
    pub fn successors(&self, s: usize, a: usize) -> impl ExactSizeIterator<Item = Transition> + '_ {
        self.row(s, a).map(move |i| Transition {
            next: self.next[i] as usize,
            prob: self.prob[i],
            reward: self.reward[i],
        })
    }

    /// The raw CSR arrays `(row_start, next, prob, reward)`, row `s·A + a`, for hot loops:
    /// one entry per outcome, so `next` may repeat within a row (see [`Mdp::successors`]).
    pub fn csr(&self) -> (&[usize], &[u32], &[f64], &[f64]) {
        (&self.row_start, &self.next, &self.prob, &self.reward)
    }

    /// Σ_{s′} P(s′|s,a) V(s′) over row `sa = s·A + a` (the indexing of
    /// [`Mdp::expected_rewards`]): the expectation every Bellman backup needs. Summed over
    /// outcomes, which is the same thing when a successor has several.
    ///
    /// # Panics
    /// When `sa` is out of range or `v` is shorter than the number of states.
    #[inline]
    pub fn expected_next_value(&self, sa: usize, v: &[f64]) -> f64 {
        let row = self.row_start[sa]..self.row_start[sa + 1];
        self.next[row.clone()]
            .iter()
            .zip(&self.prob[row])
            .map(|(&n, &p)| p * v[n as usize])
            .sum()
    }

    /// E[r | s, a] = Σ p·r over the outcomes of (s, a), indexed `s·A + a`.
    pub fn expected_rewards(&self) -> &[f64] {
        &self.expected_reward
    }

    /// E[R | s, a].
    pub fn expected_reward(&self, s: usize, a: usize) -> f64 {
        self.expected_reward[s * self.n_actions + a]
    }

    /// Number of stored outcomes (at least one per (s, a)).
    pub fn n_entries(&self) -> usize {
        self.next.len()
    }

    /// Dense `(P, R)` arrays of shape (S, A, S); refuses past [`DENSE_LIMIT_BYTES`].
    ///
    /// `P[s, a, s′]` is the total probability of the outcomes reaching s′ and `R[s, a, s′]`
    /// the expected reward given s′, Σ p·r / Σ p over them (0 where P is 0), so that
    /// Σ_{s′} P·R is still E[r | s, a]. A successor with one outcome, or with outcomes that
    /// all pay the same reward, keeps that reward exactly rather than the rounded quotient.
    pub fn to_dense(&self) -> Result<(Array3<f64>, Array3<f64>), MdpError> {
        let cells = self
            .n_states
            .saturating_mul(self.n_actions)
            .saturating_mul(self.n_states);
        let bytes = cells.saturating_mul(std::mem::size_of::<f64>());
        if bytes > DENSE_LIMIT_BYTES {
            return Err(MdpError::TooLargeForDense {
                n_states: self.n_states,
                n_actions: self.n_actions,
                bytes,
                limit: DENSE_LIMIT_BYTES,
            });
        }
        let shape = (self.n_states, self.n_actions, self.n_states);
        let (mut p, mut r) = (Array3::zeros(shape), Array3::zeros(shape));
        for s in 0..self.n_states {
            for a in 0..self.n_actions {
                let row = self.row(s, a);
                // Rows are sorted by successor, so the outcomes of one s′ are adjacent.
                let mut i = row.start;
                while i < row.end {
                    let next = self.next[i];
                    let j = (i..row.end)
                        .find(|&j| self.next[j] != next)
                        .unwrap_or(row.end);
                    let (mass, reward) = given_successor(&self.prob[i..j], &self.reward[i..j]);
                    p[[s, a, next as usize]] = mass;
                    r[[s, a, next as usize]] = reward;
                    i = j;
                }
            }
        }
        Ok((p, r))
    }

    /// The same dynamics with each outcome's reward replaced by `f(s, a, s′, old reward)`;
    /// terminal states stay absorbing with reward 0 whatever `f` says. Outcomes keep their
    /// structure: two outcomes of one successor that `f` maps to the same reward stay two
    /// entries (so [`Mdp::n_entries`] and [`Mdp::is_deterministic`] do not change).
    pub fn map_rewards(
        &self,
        mut f: impl FnMut(usize, usize, usize, f64) -> f64,
    ) -> Result<Self, MdpError> {
        let mut out = self.clone();
        for s in 0..self.n_states {
            for a in 0..self.n_actions {
                let mut expected = 0.0;
                for i in self.row(s, a) {
                    let next = self.next[i] as usize;
                    let r = if self.terminal[s] {
                        0.0
                    } else {
                        f(s, a, next, self.reward[i])
                    };
                    if !r.is_finite() {
                        return Err(MdpError::BadReward {
                            state: s,
                            action: a,
                            next,
                            reward: r,
                        });
                    }
                    out.reward[i] = r;
                    expected += self.prob[i] * r;
                }
                out.expected_reward[s * self.n_actions + a] = expected;
            }
        }
        Ok(out)
    }
}

/// The total probability of one successor's outcomes and the expected reward given it; a
/// shared reward is returned as is, since Σ p·r / Σ p may differ from it in the last bit.
fn given_successor(probs: &[f64], rewards: &[f64]) -> (f64, f64) {
    let mass: f64 = probs.iter().sum();
    let first = rewards.first().copied().unwrap_or(0.0);
    if rewards.iter().all(|&r| r == first) || mass <= 0.0 {
        return (mass, first);
    }
    let weighted: f64 = probs.iter().zip(rewards).map(|(p, r)| p * r).sum();
    (mass, weighted / mass)
}

fn check_gamma(gamma: f64) -> Result<(), MdpError> {
    if (0.0..=1.0).contains(&gamma) {
        Ok(())
    } else {
        Err(MdpError::Gamma(gamma))
    }
}

/// Collects transitions, then validates them into an [`Mdp`].
#[derive(Debug, Clone)]
pub struct MdpBuilder {
    n_states: usize,
    n_actions: usize,
    gamma: f64,
    rows: Vec<Vec<Transition>>,
    initial: Option<Vec<f64>>,
    terminal: Vec<bool>,
    bad_id: Option<MdpError>,
}

impl MdpBuilder {
    /// An empty model with γ = 1 and a uniform initial distribution until told otherwise.
    pub fn new(n_states: usize, n_actions: usize) -> Self {
        Self {
            n_states,
            n_actions,
            gamma: 1.0,
            rows: vec![Vec::new(); n_states * n_actions],
            initial: None,
            terminal: vec![false; n_states],
            bad_id: None,
        }
    }

    /// Sets the discount.
    pub fn gamma(mut self, gamma: f64) -> Self {
        self.gamma = gamma;
        self
    }

    fn check_state(&mut self, id: usize, context: impl FnOnce() -> String) -> bool {
        if id < self.n_states {
            return true;
        }
        self.bad_id.get_or_insert_with(|| MdpError::UnknownState {
            id,
            n_states: self.n_states,
            context: context(),
        });
        false
    }

    /// Adds an outcome of (s, a): `next` with probability `prob`, paying `reward`.
    ///
    /// An outcome with the same successor and the same reward as an earlier one adds its
    /// probability to it; with a different reward it stays a separate outcome (as in
    /// Gymnasium's `P[s][a]` lists). See [`Mdp::successors`] for the resulting order.
    pub fn transition(
        &mut self,
        s: usize,
        a: usize,
        next: usize,
        prob: f64,
        reward: f64,
    ) -> &mut Self {
        let ok_s = self.check_state(s, || format!("transition ({s}, {a}) -> {next}"));
        let ok_next = self.check_state(next, || format!("transition ({s}, {a}) -> {next}"));
        if a >= self.n_actions {
            self.bad_id.get_or_insert_with(|| MdpError::UnknownAction {
                id: a,
                n_actions: self.n_actions,
                context: format!("transition ({s}, {a}) -> {next}"),
            });
        }
        if ok_s && ok_next && a < self.n_actions {
            self.rows[s * self.n_actions + a].push(Transition { next, prob, reward });
        }
        self
    }

    /// Sets the initial distribution (one probability per state).
    pub fn initial(&mut self, dist: Vec<f64>) -> &mut Self {
        self.initial = Some(dist);
        self
    }

    /// Starts every episode in `s`.
    pub fn initial_state(&mut self, s: usize) -> &mut Self {
        if self.check_state(s, || "the initial state".into()) {
            let mut dist = vec![0.0; self.n_states];
            dist[s] = 1.0;
            self.initial = Some(dist);
        }
        self
    }

    /// Marks `s` terminal; its rows become "stay with reward 0" unless given explicitly.
    pub fn terminal(&mut self, s: usize) -> &mut Self {
        if self.check_state(s, || "the terminal set".into()) {
            self.terminal[s] = true;
        }
        self
    }

    /// Validates and compresses the model.
    pub fn build(&self) -> Result<Mdp, MdpError> {
        let (n_states, n_actions) = (self.n_states, self.n_actions);
        if n_states == 0 || n_actions == 0 {
            return Err(MdpError::Empty {
                n_states,
                n_actions,
            });
        }
        if let Some(e) = &self.bad_id {
            return Err(e.clone());
        }
        if n_states > u32::MAX as usize {
            return Err(MdpError::UnknownState {
                id: n_states,
                n_states: u32::MAX as usize,
                context: "the state count".into(),
            });
        }
        check_gamma(self.gamma)?;
        let initial = self.validated_initial()?;
        let (initial_states, initial_probs) = initial
            .iter()
            .enumerate()
            .filter(|&(_, &p)| p > 0.0)
            .map(|(s, &p)| (s as u32, p))
            .unzip();

        let mut row_start = Vec::with_capacity(n_states * n_actions + 1);
        let (mut next, mut prob, mut reward) = (Vec::new(), Vec::new(), Vec::new());
        let mut expected_reward = Vec::with_capacity(n_states * n_actions);
        let mut deterministic = true;
        row_start.push(0);
        for s in 0..n_states {
            for a in 0..n_actions {
                let row = self.outcome_row(s, a)?;
                let sum: f64 = row.iter().map(|t| t.prob).sum();
                if (sum - 1.0).abs() > SUM_TOLERANCE {
                    return Err(MdpError::RowSum {
                        state: s,
                        action: a,
                        sum,
                    });
                }
                deterministic &= row.len() == 1;
                expected_reward.push(row.iter().map(|t| t.prob * t.reward).sum());
                for t in row {
                    next.push(t.next as u32);
                    prob.push(t.prob);
                    reward.push(t.reward);
                }
                row_start.push(next.len());
            }
        }
        Ok(Mdp {
            n_states,
            n_actions,
            row_start,
            next,
            prob,
            reward,
            expected_reward,
            initial,
            initial_states,
            initial_probs,
            terminal: self.terminal.clone(),
            gamma: self.gamma,
            deterministic,
        })
    }

    fn validated_initial(&self) -> Result<Array1<f64>, MdpError> {
        let dist = match &self.initial {
            Some(d) => d.clone(),
            None => vec![1.0 / self.n_states as f64; self.n_states],
        };
        if dist.len() != self.n_states {
            return Err(MdpError::Initial(format!(
                "has {} entries for {} states",
                dist.len(),
                self.n_states
            )));
        }
        if let Some((s, p)) = dist
            .iter()
            .enumerate()
            .find(|(_, p)| !p.is_finite() || **p < 0.0)
        {
            return Err(MdpError::Initial(format!(
                "gives state {s} the invalid probability {p}"
            )));
        }
        let sum: f64 = dist.iter().sum();
        if (sum - 1.0).abs() > SUM_TOLERANCE {
            return Err(MdpError::Initial(format!("sums to {sum}, not 1")));
        }
        Ok(Array1::from(dist))
    }

    /// Row (s, a) checked entry by entry, sorted by successor (a stable sort: one
    /// successor's outcomes keep the order given), with outcomes that share successor and
    /// reward merged and outcomes of probability 0 dropped.
    fn outcome_row(&self, s: usize, a: usize) -> Result<Vec<Transition>, MdpError> {
        let given = &self.rows[s * self.n_actions + a];
        if self.terminal[s] {
            let absorbing = given.iter().all(|t| t.next == s && t.reward == 0.0);
            if !absorbing {
                return Err(MdpError::TerminalNotAbsorbing {
                    state: s,
                    action: a,
                });
            }
            return Ok(vec![Transition {
                next: s,
                prob: 1.0,
                reward: 0.0,
            }]);
        }
        for t in given {
            if !t.prob.is_finite() || t.prob < 0.0 {
                return Err(MdpError::BadProbability {
                    state: s,
                    action: a,
                    next: t.next,
                    prob: t.prob,
                });
            }
            if !t.reward.is_finite() {
                return Err(MdpError::BadReward {
                    state: s,
                    action: a,
                    next: t.next,
                    reward: t.reward,
                });
            }
        }
        let mut sorted = given.clone();
        sorted.sort_by_key(|t| t.next);
        let mut row: Vec<Transition> = Vec::with_capacity(sorted.len());
        // `row[run..]` holds the outcomes of the successor being merged.
        let mut run = 0;
        for t in sorted {
            if row.last().is_some_and(|u| u.next != t.next) {
                run = row.len();
            }
            match row[run..].iter_mut().find(|u| u.reward == t.reward) {
                Some(u) => u.prob += t.prob,
                None => row.push(t),
            }
        }
        row.retain(|t| t.prob > 0.0);
        Ok(row)
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
