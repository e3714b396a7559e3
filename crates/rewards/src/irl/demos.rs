//! Demonstrations for tabular inverse RL, and the JSON-lines format they are stored in.
//!
//! # File format
//!
//! A demonstrations file is UTF-8 text with **one trajectory per line**, each a JSON object:
//!
//! ```text
//! {"obs": [0, 1, 2, 5], "acts": [1, 1, 3], "terminal": true, "rewards": [0.0, 0.0, 1.0]}
//! {"obs": [0, 3, 3], "acts": [2, 0], "terminal": false}
//! ```
//!
//! | field      | type            | meaning                                                       |
//! |------------|-----------------|---------------------------------------------------------------|
//! | `obs`      | array of ints   | the states s_0, s_1, …, s_T visited, **one longer than `acts`** |
//! | `acts`     | array of ints   | the actions a_0, …, a_{T−1}; a_t was taken in s_t, leading to s_{t+1}; at least one |
//! | `terminal` | bool            | `true`: s_T is a terminal state the episode ended in; `false`: the episode was cut off (truncated) at s_T |
//! | `rewards`  | array of floats | optional; r_0, …, r_{T−1}, the reward paid by each step, same length as `acts`, finite |
//!
//! State and action ids are the tabular model's indices (0-based, below its number of
//! states S and actions A). Field order does not matter; a field not in this table is an
//! error (a typo such as `"action"` would otherwise be silently dropped); lines holding only
//! whitespace are skipped. Every error names the 1-based line of the file it was found on,
//! blank lines counted, so `sed -n Np` shows the offending trajectory.
//!
//! `terminal` is kept apart from "the trajectory ended" for the same reason Gymnasium keeps
//! `terminated` and `truncated` apart: a truncated trajectory says nothing about what
//! follows s_T, while a terminal one ends in an absorbing state. [`Demos::check_against`]
//! verifies the flag, and every step, against a model.
//!
//! # What is computed from demonstrations
//!
//! The empirical discounted occupancy ρ̂(s, a, s′) = (1/N) Σ_i Σ_t γ^t 1[s_t = s, a_t = a,
//! s_{t+1} = s′] ([`Demos::occupancy`]) is the estimate of the expert occupancy ρ_E that IRL
//! matches; as N grows it approaches the exact occupancy of the demonstrator (computed by
//! planning in [`super::expert`]). Steps are only the actions actually taken, so terminal
//! states — where no action is taken — carry no occupancy, the convention of
//! [`super::soft::occupancy`]. A truncated trajectory simply contributes fewer steps, so the
//! estimate matches an occupancy over a horizon no longer than the shortest truncation.

use std::fmt::Write as _;
use std::path::Path;

use ndarray::{Array2, Array3, ArrayRef2};
use rand::Rng;
use rewardlab_core::mdp::{Mdp, PlanError, validate_policy};
use rewardlab_core::rng::rng_from_seed;
use serde::{Deserialize, Serialize};

/// One demonstrated episode, as stored on one line of a demonstrations file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trajectory {
    /// The states s_0 … s_T, one more than the actions.
    pub obs: Vec<usize>,
    /// The actions a_0 … a_{T−1}; a_t is taken in s_t.
    pub acts: Vec<usize>,
    /// Whether s_T is a terminal state the episode ended in (`false`: truncated).
    pub terminal: bool,
    /// The reward of each step, when recorded; one per action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rewards: Option<Vec<f64>>,
}

impl Trajectory {
    /// Number of actions (steps) T.
    pub fn len(&self) -> usize {
        self.acts.len()
    }

    /// Whether the trajectory has no actions (never true of a validated one).
    pub fn is_empty(&self) -> bool {
        self.acts.is_empty()
    }
}

/// Why demonstrations could not be read, built, checked or sampled. Errors about one
/// trajectory name its line: the file line for parsed input, index + 1 otherwise.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DemoError {
    /// No trajectory at all (an empty list, or a file of blank lines).
    #[error("no trajectories: {0}")]
    Empty(String),
    /// A line that is not a valid trajectory object (bad JSON, a missing, mistyped or
    /// unknown field).
    #[error("line {line}, column {column}: not a valid trajectory: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column within the line.
        column: usize,
        /// serde_json's description, without its own position.
        message: String,
    },
    /// `obs` not exactly one longer than `acts`.
    #[error(
        "line {line}: `obs` has {obs} states and `acts` {acts} actions; `obs` must be exactly one longer"
    )]
    Ragged {
        /// 1-based line.
        line: usize,
        /// Length of `obs`.
        obs: usize,
        /// Length of `acts`.
        acts: usize,
    },
    /// A trajectory with a start state and no step.
    #[error("line {line}: the trajectory has no actions (a demonstration needs at least one step)")]
    NoActions {
        /// 1-based line.
        line: usize,
    },
    /// `rewards` not the same length as `acts`.
    #[error("line {line}: `rewards` has {rewards} entries but `acts` has {acts}")]
    RewardsLength {
        /// 1-based line.
        line: usize,
        /// Length of `rewards`.
        rewards: usize,
        /// Length of `acts`.
        acts: usize,
    },
    /// A state id past the model's states.
    #[error("line {line}: obs[{index}] = {id} is not a state id (the model has {n_states} states)")]
    UnknownState {
        /// 1-based line.
        line: usize,
        /// Position in `obs`.
        index: usize,
        /// The id.
        id: usize,
        /// Number of states.
        n_states: usize,
    },
    /// An action id past the model's actions.
    #[error(
        "line {line}: acts[{index}] = {id} is not an action id (the model has {n_actions} actions)"
    )]
    UnknownAction {
        /// 1-based line.
        line: usize,
        /// Position in `acts`.
        index: usize,
        /// The id.
        id: usize,
        /// Number of actions.
        n_actions: usize,
    },
    /// A NaN or infinite reward.
    #[error("line {line}: rewards[{index}] = {value} is not a finite number")]
    NonFiniteReward {
        /// 1-based line.
        line: usize,
        /// Position in `rewards`.
        index: usize,
        /// The value.
        value: f64,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's description.
        message: String,
    },
    /// Demonstrations and model disagree on the number of states or actions.
    #[error(
        "the demonstrations are over {demo_states} states and {demo_actions} actions, the model has {model_states} and {model_actions}"
    )]
    ModelSize {
        /// States the demonstrations were validated against.
        demo_states: usize,
        /// Actions the demonstrations were validated against.
        demo_actions: usize,
        /// States of the model.
        model_states: usize,
        /// Actions of the model.
        model_actions: usize,
    },
    /// A step the model gives probability 0.
    #[error(
        "line {line}, step {step}: the model cannot go from state {state} to {next} with action {action} (probability 0)"
    )]
    Impossible {
        /// 1-based line.
        line: usize,
        /// Step index t.
        step: usize,
        /// s_t.
        state: usize,
        /// a_t.
        action: usize,
        /// s_{t+1}.
        next: usize,
    },
    /// A step taken from a terminal state (the episode should have ended there).
    #[error(
        "line {line}, step {step}: state {state} is terminal in the model, but the trajectory continues from it"
    )]
    LeavesTerminal {
        /// 1-based line.
        line: usize,
        /// Step index t.
        step: usize,
        /// The terminal state s_t.
        state: usize,
    },
    /// `terminal: true` on a trajectory whose last state the model does not end in.
    #[error(
        "line {line}: `terminal` is true but the last state {state} (step {step}) is not terminal in the model"
    )]
    NotTerminal {
        /// 1-based line.
        line: usize,
        /// Index of the last state in `obs`.
        step: usize,
        /// The last state.
        state: usize,
    },
    /// A trajectory starting in a state the model's initial distribution never starts in.
    #[error(
        "line {line}: the trajectory starts in state {state}, where the model never starts an episode (its initial probability is 0)"
    )]
    Start {
        /// 1-based line.
        line: usize,
        /// The first state.
        state: usize,
    },
    /// The policy given to [`Demos::sample`] is not an (S, A) table of distributions.
    #[error("invalid policy: {0}")]
    Policy(PlanError),
    /// The model's initial distribution can start an episode in a terminal state.
    #[error(
        "the initial distribution gives state {state} probability {prob}, but it is terminal: an episode starting there has no actions to demonstrate"
    )]
    TerminalStart {
        /// The terminal state.
        state: usize,
        /// Its initial probability.
        prob: f64,
    },
    /// A parameter out of its range (0 episodes, horizon 0, γ outside (0, 1], …).
    #[error("invalid {name}: {reason}")]
    Invalid {
        /// The parameter.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

/// A validated, non-empty set of trajectories over a tabular model with `n_states` states
/// and `n_actions` actions.
#[derive(Debug, Clone)]
pub struct Demos {
    trajectories: Vec<Trajectory>,
    /// The line each trajectory came from, so later checks name the file line.
    lines: Vec<usize>,
    n_states: usize,
    n_actions: usize,
}

/// Equal when the trajectories and the model sizes are; where they were read from does not
/// matter.
impl PartialEq for Demos {
    fn eq(&self, other: &Self) -> bool {
        self.trajectories == other.trajectories
            && self.n_states == other.n_states
            && self.n_actions == other.n_actions
    }
}

impl Demos {
    /// Validates ids and shapes against `n_states` (S) and `n_actions` (A).
    ///
    /// Errors name trajectory `i` as line `i + 1`: an empty list, `obs` not one longer than
    /// `acts`, a trajectory with no actions, `rewards` of another length than `acts`, a state
    /// id ≥ S, an action id ≥ A, a non-finite reward.
    pub fn new(
        trajectories: Vec<Trajectory>,
        n_states: usize,
        n_actions: usize,
    ) -> Result<Self, DemoError> {
        let lines = (1..=trajectories.len()).collect();
        Self::with_lines(
            trajectories,
            lines,
            n_states,
            n_actions,
            "the list is empty",
        )
    }

    fn with_lines(
        trajectories: Vec<Trajectory>,
        lines: Vec<usize>,
        n_states: usize,
        n_actions: usize,
        empty: &str,
    ) -> Result<Self, DemoError> {
        if trajectories.is_empty() {
            return Err(DemoError::Empty(empty.into()));
        }
        for (t, &line) in trajectories.iter().zip(&lines) {
            validate(t, line, n_states, n_actions)?;
        }
        Ok(Self {
            trajectories,
            lines,
            n_states,
            n_actions,
        })
    }

    /// Parses the JSON-lines format (see the module docs), skipping blank lines; errors name
    /// the file line, blank lines counted.
    pub fn parse_jsonl(text: &str, n_states: usize, n_actions: usize) -> Result<Self, DemoError> {
        let mut trajectories = Vec::new();
        let mut lines = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            if raw.trim().is_empty() {
                continue;
            }
            let line = i + 1;
            let t: Trajectory = serde_json::from_str(raw).map_err(|e| json_error(&e, line))?;
            validate(&t, line, n_states, n_actions)?;
            trajectories.push(t);
            lines.push(line);
        }
        Self::with_lines(
            trajectories,
            lines,
            n_states,
            n_actions,
            "the input has no non-blank line",
        )
    }

    /// Reads and parses a JSON-lines file; a read error names the path, a parse error the line.
    pub fn read_jsonl(path: &Path, n_states: usize, n_actions: usize) -> Result<Self, DemoError> {
        let text = std::fs::read_to_string(path).map_err(|e| io_error(path, &e))?;
        Self::parse_jsonl(&text, n_states, n_actions).map_err(|e| match e {
            DemoError::Empty(_) => {
                DemoError::Empty(format!("{} has no non-blank line", path.display()))
            }
            other => other,
        })
    }

    /// The JSON-lines text: one trajectory per line, each line ending in `\n`, `rewards`
    /// omitted when not recorded. Parsing it back gives the same trajectories.
    pub fn to_jsonl(&self) -> String {
        let mut out = String::new();
        for t in &self.trajectories {
            write_trajectory(&mut out, t);
        }
        out
    }

    /// Writes [`Demos::to_jsonl`] to `path`; an error names the path.
    pub fn write_jsonl(&self, path: &Path) -> Result<(), DemoError> {
        std::fs::write(path, self.to_jsonl()).map_err(|e| io_error(path, &e))
    }

    /// Checks every step against `mdp`: each (s_t, a_t, s_{t+1}) has positive probability,
    /// no step leaves a terminal state (a terminal state may only be the last state), and
    /// `terminal: true` requires the last state to be terminal in the model. Errors name the
    /// line and the step. Rewards are not compared: a demonstrator may have been paid by
    /// another reward than the model's.
    pub fn check_against(&self, mdp: &Mdp) -> Result<(), DemoError> {
        self.check_size(mdp)?;
        for (t, &line) in self.trajectories.iter().zip(&self.lines) {
            // IRL propagates the learner from the model's μ0, so a demonstration that starts
            // elsewhere describes occupancy no learner can match.
            let start = t.obs[0];
            if mdp.initial()[start] <= 0.0 {
                return Err(DemoError::Start { line, state: start });
            }
            for (step, (pair, &action)) in t.obs.windows(2).zip(&t.acts).enumerate() {
                let (state, next) = (pair[0], pair[1]);
                if mdp.is_terminal(state) {
                    return Err(DemoError::LeavesTerminal { line, step, state });
                }
                let prob: f64 = mdp
                    .successors(state, action)
                    .filter(|o| o.next == next)
                    .map(|o| o.prob)
                    .sum();
                if prob <= 0.0 {
                    return Err(DemoError::Impossible {
                        line,
                        step,
                        state,
                        action,
                        next,
                    });
                }
            }
            let step = t.acts.len();
            let last = t.obs[step];
            if t.terminal && !mdp.is_terminal(last) {
                return Err(DemoError::NotTerminal {
                    line,
                    step,
                    state: last,
                });
            }
        }
        Ok(())
    }

    fn check_size(&self, mdp: &Mdp) -> Result<(), DemoError> {
        if (mdp.n_states(), mdp.n_actions()) == (self.n_states, self.n_actions) {
            return Ok(());
        }
        Err(DemoError::ModelSize {
            demo_states: self.n_states,
            demo_actions: self.n_actions,
            model_states: mdp.n_states(),
            model_actions: mdp.n_actions(),
        })
    }

    /// Samples `episodes` trajectories of `policy` (an (S, A) table of distributions) on
    /// `mdp`, each starting from a draw of the initial distribution and ending when a
    /// terminal state is entered (`terminal: true`) or after `horizon` actions (`terminal:
    /// false`). Each step draws one outcome of the model's row for (s, a) by its
    /// probability and records that outcome's reward, so two outcomes reaching the same
    /// successor with different rewards are told apart as the simulator would.
    ///
    /// One generator, `rng_from_seed(seed)`, drives all episodes in turn, so the result is
    /// a function of the seed. Fails on `episodes = 0`, `horizon = 0`, an invalid policy, or
    /// a model whose initial distribution puts mass on a terminal state (such an episode has
    /// no step to demonstrate).
    pub fn sample(
        mdp: &Mdp,
        policy: &ArrayRef2<f64>,
        episodes: usize,
        horizon: usize,
        seed: u64,
    ) -> Result<Self, DemoError> {
        if episodes == 0 {
            return Err(invalid("episodes", "at least one episode is needed"));
        }
        if horizon == 0 {
            return Err(invalid("horizon", "an episode needs at least one step"));
        }
        let (n_states, n_actions) = (mdp.n_states(), mdp.n_actions());
        validate_policy(policy, n_states, n_actions).map_err(DemoError::Policy)?;
        let (starts, start_probs) = mdp.initial_support();
        if let Some((&s, &prob)) = starts
            .iter()
            .zip(start_probs)
            .find(|&(&s, _)| mdp.is_terminal(s as usize))
        {
            return Err(DemoError::TerminalStart {
                state: s as usize,
                prob,
            });
        }

        let (row_start, next, prob, reward) = mdp.csr();
        let mut rng = rng_from_seed(seed);
        let mut trajectories = Vec::with_capacity(episodes);
        for _ in 0..episodes {
            let mut s = starts[pick(start_probs.iter().copied(), &mut rng)] as usize;
            let (mut obs, mut acts, mut rewards) = (vec![s], Vec::new(), Vec::new());
            let mut terminal = false;
            while acts.len() < horizon {
                let a = pick(policy.row(s).iter().copied(), &mut rng);
                let row = row_start[s * n_actions + a]..row_start[s * n_actions + a + 1];
                let k = row.start + pick(prob[row].iter().copied(), &mut rng);
                s = next[k] as usize;
                acts.push(a);
                obs.push(s);
                rewards.push(reward[k]);
                if mdp.is_terminal(s) {
                    terminal = true;
                    break;
                }
            }
            trajectories.push(Trajectory {
                obs,
                acts,
                terminal,
                rewards: Some(rewards),
            });
        }
        Self::new(trajectories, n_states, n_actions)
    }

    /// The trajectories, in order.
    pub fn trajectories(&self) -> &[Trajectory] {
        &self.trajectories
    }

    /// Number of trajectories N.
    pub fn len(&self) -> usize {
        self.trajectories.len()
    }

    /// Always false: demonstrations hold at least one trajectory.
    pub fn is_empty(&self) -> bool {
        self.trajectories.is_empty()
    }

    /// Number of states S the ids were validated against.
    pub fn n_states(&self) -> usize {
        self.n_states
    }

    /// Number of actions A the ids were validated against.
    pub fn n_actions(&self) -> usize {
        self.n_actions
    }

    /// Total number of steps (actions) over all trajectories.
    pub fn n_steps(&self) -> usize {
        self.trajectories.iter().map(Trajectory::len).sum()
    }

    /// The first `n` trajectories (all of them when `n` exceeds N); data-efficiency curves
    /// use prefixes so that a larger set extends a smaller one. Fails on `n = 0`.
    pub fn prefix(&self, n: usize) -> Result<Self, DemoError> {
        if n == 0 {
            return Err(invalid(
                "prefix length",
                "at least one trajectory is needed",
            ));
        }
        let n = n.min(self.len());
        Ok(Self {
            trajectories: self.trajectories[..n].to_vec(),
            lines: self.lines[..n].to_vec(),
            n_states: self.n_states,
            n_actions: self.n_actions,
        })
    }

    /// The empirical discounted occupancy ρ̂(s, a, s′) = (1/N) Σ_i Σ_{t < min(T_i, H)} γ^t
    /// 1[s_t = s, a_t = a, s_{t+1} = s′], dense with shape (S, A, S). `horizon: None` counts
    /// every step. Fails on γ outside (0, 1] or a horizon of 0.
    pub fn occupancy(&self, gamma: f64, horizon: Option<usize>) -> Result<Array3<f64>, DemoError> {
        if !(gamma > 0.0 && gamma <= 1.0) {
            return Err(invalid("gamma", format!("γ = {gamma} is outside (0, 1]")));
        }
        if horizon == Some(0) {
            return Err(invalid("horizon", "an occupancy needs at least one step"));
        }
        let (s_n, a_n) = (self.n_states, self.n_actions);
        let mut rho = Array3::zeros((s_n, a_n, s_n));
        let weight = 1.0 / self.len() as f64;
        for t in &self.trajectories {
            let steps = horizon.map_or(t.len(), |h| h.min(t.len()));
            let mut discount = weight;
            for (pair, &a) in t.obs.windows(2).zip(&t.acts).take(steps) {
                rho[[pair[0], a, pair[1]]] += discount;
                discount *= gamma;
            }
        }
        Ok(rho)
    }

    /// Undiscounted counts of each (s, a) over all steps, shape (S, A); behaviour cloning
    /// normalises their rows.
    pub fn action_counts(&self) -> Array2<f64> {
        let mut counts = Array2::zeros((self.n_states, self.n_actions));
        for t in &self.trajectories {
            for (&s, &a) in t.obs.iter().zip(&t.acts) {
                counts[[s, a]] += 1.0;
            }
        }
        counts
    }

    /// Which states the expert acted in (s_t for t < T), a mask of length S. The last state
    /// of a trajectory is not included unless the expert also acted there.
    pub fn visited(&self) -> Vec<bool> {
        let mut mask = vec![false; self.n_states];
        for t in &self.trajectories {
            for &s in &t.obs[..t.len()] {
                mask[s] = true;
            }
        }
        mask
    }

    /// The mean over trajectories of Σ_t γ^t R(s_t, a_t, s_{t+1}) under `reward` (an (S, A, S)
    /// tensor, e.g. the model's true reward): what the demonstrations earned by the model's
    /// account, whatever (if anything) they recorded. Steps outside the tensor count 0.
    pub fn mean_return_under(&self, reward: &Array3<f64>, gamma: f64) -> f64 {
        let mut total = 0.0;
        for t in &self.trajectories {
            let mut discount = 1.0;
            for (pair, &a) in t.obs.windows(2).zip(&t.acts) {
                total += discount * reward.get([pair[0], a, pair[1]]).copied().unwrap_or(0.0);
                discount *= gamma;
            }
        }
        total / self.len().max(1) as f64
    }

    /// The mean over trajectories of the recorded return Σ_t γ^t r_t (γ = 1: the undiscounted
    /// sum); `None` when any trajectory has no recorded rewards. `gamma` is used as given.
    pub fn mean_return(&self, gamma: f64) -> Option<f64> {
        let mut total = 0.0;
        for t in &self.trajectories {
            let rewards = t.rewards.as_ref()?;
            let mut discount = 1.0;
            for r in rewards {
                total += discount * r;
                discount *= gamma;
            }
        }
        Some(total / self.len() as f64)
    }
}

fn validate(
    t: &Trajectory,
    line: usize,
    n_states: usize,
    n_actions: usize,
) -> Result<(), DemoError> {
    if t.obs.len() != t.acts.len() + 1 {
        return Err(DemoError::Ragged {
            line,
            obs: t.obs.len(),
            acts: t.acts.len(),
        });
    }
    if t.acts.is_empty() {
        return Err(DemoError::NoActions { line });
    }
    if let Some(r) = &t.rewards {
        if r.len() != t.acts.len() {
            return Err(DemoError::RewardsLength {
                line,
                rewards: r.len(),
                acts: t.acts.len(),
            });
        }
        if let Some((index, &value)) = r.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(DemoError::NonFiniteReward { line, index, value });
        }
    }
    if let Some((index, &id)) = t.obs.iter().enumerate().find(|&(_, &s)| s >= n_states) {
        return Err(DemoError::UnknownState {
            line,
            index,
            id,
            n_states,
        });
    }
    if let Some((index, &id)) = t.acts.iter().enumerate().find(|&(_, &a)| a >= n_actions) {
        return Err(DemoError::UnknownAction {
            line,
            index,
            id,
            n_actions,
        });
    }
    Ok(())
}

/// Draws an index by its probability with a cumulative walk. Probabilities that sum to 1
/// only within round-off can leave the draw past the last partial sum; it then goes to the
/// last index of positive probability, never to one of probability 0.
fn pick(probs: impl IntoIterator<Item = f64>, rng: &mut impl Rng) -> usize {
    let u: f64 = rng.random();
    let mut cumulative = 0.0;
    let mut last = 0;
    for (i, p) in probs.into_iter().enumerate() {
        if p <= 0.0 {
            continue;
        }
        cumulative += p;
        if u < cumulative {
            return i;
        }
        last = i;
    }
    last
}

fn invalid(name: &'static str, reason: impl Into<String>) -> DemoError {
    DemoError::Invalid {
        name,
        reason: reason.into(),
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> DemoError {
    DemoError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// serde_json reports positions within the one line it parsed ("at line 1 column 7"); the
/// line it means is the file's, so the position is dropped from the message and the column
/// kept.
fn json_error(e: &serde_json::Error, line: usize) -> DemoError {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    DemoError::Json {
        line,
        column: e.column(),
        message,
    }
}

/// One trajectory as a JSON line, fields in the documented order. Written by hand because
/// it cannot fail: ids are integers and validated rewards are finite, and `{:?}` prints an
/// f64 as the shortest text that parses back to it (always valid JSON: `1.0`, `-0.5`,
/// `1e300`).
fn write_trajectory(out: &mut String, t: &Trajectory) {
    fn list<T>(out: &mut String, items: &[T], f: impl Fn(&mut String, &T)) {
        out.push('[');
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            f(out, x);
        }
        out.push(']');
    }
    // Writing to a String cannot fail, so the fmt::Results are ignored.
    let int = |o: &mut String, x: &usize| {
        let _ = write!(o, "{x}");
    };
    out.push_str("{\"obs\": ");
    list(out, &t.obs, int);
    out.push_str(", \"acts\": ");
    list(out, &t.acts, int);
    let _ = write!(out, ", \"terminal\": {}", t.terminal);
    if let Some(rewards) = &t.rewards {
        out.push_str(", \"rewards\": ");
        list(out, rewards, |o, r| {
            let _ = write!(o, "{r:?}");
        });
    }
    out.push_str("}\n");
}

#[cfg(test)]
#[path = "demos_tests.rs"]
mod tests;
