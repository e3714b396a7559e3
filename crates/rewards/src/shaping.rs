//! Reward terms: the shaping formulas and the non-potential bonuses they are contrasted with.
//!
//! A [`RewardFn`] maps one environment step ([`Transition`]) to a number. Terms compose:
//! [`Task`] is the task reward itself, [`Pbrs`] is the potential-based term F alone, and
//! `Task.plus(Pbrs::new(phi, 0.99))` is the shaped reward r + F. Keeping F separate from r
//! makes sums honest: `Task.plus(a).plus(b)` counts the task reward once, and
//! `.scaled(k)` / `.clipped(lo, hi)` apply to exactly the terms they wrap.
//!
//! Terminal subtlety (Ng et al. 1999; Grześ 2017): in an episodic task the state after a
//! *terminating* step is absorbing, and its potential must be taken as 0, otherwise the last
//! step leaks γΦ(s′) and optimal policies can change. A *truncated* step is not terminal: the
//! episode was cut, the state goes on, and γΦ(s′) stays. [`TerminalPotential::Keep`] exists
//! only to demonstrate the bug.
//!
//! The Markov terms (everything here except [`DynamicPbrs`] and [`LookBackAdvice`], which
//! remember time or the previous step) also have a tabular form on a model: see
//! [`crate::tabular::apply`], which calls the very same `reward` functions.

use serde::{Deserialize, Serialize};

use crate::potential::Potential;

/// One environment step as a reward term sees it.
#[derive(Debug, Clone, Copy)]
pub struct Transition<'a, O, A> {
    /// The observation before the step.
    pub obs: &'a O,
    /// The action taken.
    pub action: &'a A,
    /// The observation after the step (the last one of the episode when it ended).
    pub next_obs: &'a O,
    /// The task reward of the step.
    pub reward: f64,
    /// The step entered a terminal state.
    pub terminated: bool,
    /// The episode was cut (time limit) after this step; not terminal.
    pub truncated: bool,
    /// Steps taken in this episode before this one (0 on the first step).
    pub t: usize,
}

/// The potential-based shaping term F = γ·Φ(s′) − Φ(s), with Φ(s′) = 0 when the step
/// terminates (never merely because it was truncated).
pub fn pbrs_term(gamma: f64, phi: f64, phi_next: f64, terminated: bool) -> f64 {
    let next = if terminated { 0.0 } else { phi_next };
    gamma * next - phi
}

/// What Φ of the state after a terminating step is taken to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TerminalPotential {
    /// Φ(terminal) = 0: the correct form, which keeps optimal policies.
    #[default]
    Zero,
    /// Φ(terminal) = Φ(s′) as if the episode went on: the classic bug, which can change
    /// optimal policies in episodic tasks.
    Keep,
}

impl TerminalPotential {
    /// Whether the step counts as terminating for the potential of its next state.
    fn ends(self, terminated: bool) -> bool {
        terminated && self == Self::Zero
    }
}

/// A reward term: a function of one step, possibly with memory within an episode.
pub trait RewardFn<O, A> {
    /// Called with the first observation of every episode.
    fn reset(&mut self, _obs: &O) {}
    /// The term's value for this step.
    fn reward(&mut self, step: &Transition<'_, O, A>) -> f64;
}

impl<O, A, R: RewardFn<O, A> + ?Sized> RewardFn<O, A> for Box<R> {
    fn reset(&mut self, obs: &O) {
        (**self).reset(obs);
    }
    fn reward(&mut self, step: &Transition<'_, O, A>) -> f64 {
        (**self).reward(step)
    }
}

/// Combinators on the reward terms of this module.
///
/// Not generic over the observation and action types (a term like [`Task`] works for any),
/// so `Task.plus(StepBonus(0.1))` needs no annotation; the result is a [`RewardFn`] wherever
/// both parts are.
pub trait RewardFnExt: Sized {
    /// The sum of this term and `other`.
    fn plus<R>(self, other: R) -> Plus<Self, R> {
        Plus(self, other)
    }
    /// This term times `factor`.
    fn scaled(self, factor: f64) -> Scaled<Self> {
        Scaled {
            inner: self,
            factor,
        }
    }
    /// This term clipped to `[low, high]`.
    fn clipped(self, low: f64, high: f64) -> Clipped<Self> {
        Clipped {
            inner: self,
            low,
            high,
        }
    }
}

macro_rules! combinators {
    ($($ty:ident $(<$($p:ident),*>)?),* $(,)?) => {
        $(impl $(<$($p),*>)? RewardFnExt for $ty $(<$($p),*>)? {})*
    };
}

combinators!(
    Task,
    FromFn<F>,
    Plus<L, R>,
    Scaled<R>,
    Clipped<R>,
    Pbrs<P>,
    DynamicPbrs<F>,
    LookBackAdvice<F>,
    Progress<D>,
    SubgoalBonus<S>,
    StepBonus,
);

impl<O, A> RewardFnExt for Sum<O, A> {}

/// The task reward itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct Task;

impl<O, A> RewardFn<O, A> for Task {
    fn reward(&mut self, step: &Transition<'_, O, A>) -> f64 {
        step.reward
    }
}

/// Any closure of a step, as a term.
#[derive(Clone, Copy)]
pub struct FromFn<F>(pub F);

impl<F> std::fmt::Debug for FromFn<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FromFn(..)")
    }
}

impl<O, A, F: FnMut(&Transition<'_, O, A>) -> f64> RewardFn<O, A> for FromFn<F> {
    fn reward(&mut self, step: &Transition<'_, O, A>) -> f64 {
        (self.0)(step)
    }
}

/// Two terms added.
#[derive(Debug, Clone)]
pub struct Plus<L, R>(pub L, pub R);

impl<O, A, L: RewardFn<O, A>, R: RewardFn<O, A>> RewardFn<O, A> for Plus<L, R> {
    fn reset(&mut self, obs: &O) {
        self.0.reset(obs);
        self.1.reset(obs);
    }
    fn reward(&mut self, step: &Transition<'_, O, A>) -> f64 {
        self.0.reward(step) + self.1.reward(step)
    }
}

/// Any number of terms added (when their count is only known at run time).
pub struct Sum<O, A>(pub Vec<Box<dyn RewardFn<O, A> + Send>>);

impl<O, A> std::fmt::Debug for Sum<O, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sum({} terms)", self.0.len())
    }
}

impl<O, A> RewardFn<O, A> for Sum<O, A> {
    fn reset(&mut self, obs: &O) {
        self.0.iter_mut().for_each(|r| r.reset(obs));
    }
    fn reward(&mut self, step: &Transition<'_, O, A>) -> f64 {
        self.0.iter_mut().map(|r| r.reward(step)).sum()
    }
}

/// A term times a constant.
#[derive(Debug, Clone)]
pub struct Scaled<R> {
    inner: R,
    factor: f64,
}

impl<O, A, R: RewardFn<O, A>> RewardFn<O, A> for Scaled<R> {
    fn reset(&mut self, obs: &O) {
        self.inner.reset(obs);
    }
    fn reward(&mut self, step: &Transition<'_, O, A>) -> f64 {
        self.factor * self.inner.reward(step)
    }
}

/// A term clipped to an interval.
#[derive(Debug, Clone)]
pub struct Clipped<R> {
    inner: R,
    low: f64,
    high: f64,
}

impl<O, A, R: RewardFn<O, A>> RewardFn<O, A> for Clipped<R> {
    fn reset(&mut self, obs: &O) {
        self.inner.reset(obs);
    }
    fn reward(&mut self, step: &Transition<'_, O, A>) -> f64 {
        self.inner.reward(step).clamp(self.low, self.high)
    }
}

/// Potential-based shaping F = γΦ(s′) − Φ(s) (Ng, Harada & Russell 1999).
#[derive(Debug, Clone)]
pub struct Pbrs<P> {
    potential: P,
    gamma: f64,
    terminal: TerminalPotential,
}

impl<P> Pbrs<P> {
    /// The correct form: Φ(terminal) = 0.
    pub fn new(potential: P, gamma: f64) -> Self {
        Self {
            potential,
            gamma,
            terminal: TerminalPotential::Zero,
        }
    }

    /// The same with an explicit terminal rule ([`TerminalPotential::Keep`] is the bug).
    pub fn with_terminal(mut self, terminal: TerminalPotential) -> Self {
        self.terminal = terminal;
        self
    }

    /// The potential.
    pub fn potential(&self) -> &P {
        &self.potential
    }
}

impl<O, A, P: Potential<O>> RewardFn<O, A> for Pbrs<P> {
    fn reward(&mut self, step: &Transition<'_, O, A>) -> f64 {
        pbrs_term(
            self.gamma,
            self.potential.potential(step.obs),
            self.potential.potential(step.next_obs),
            self.terminal.ends(step.terminated),
        )
    }
}

/// Dynamic potential-based shaping F = γΦ(s′, t+1) − Φ(s, t) (Devlin & Kudenko 2012): the
/// potential may change with time (or with anything the closure tracks) and optimal
/// policies are still kept, because the discounted sum of F over an episode telescopes to
/// γ^T Φ(s_T, T) − Φ(s_0, 0) whatever the agent does in between.
pub struct DynamicPbrs<F> {
    potential: F,
    gamma: f64,
}

impl<F> std::fmt::Debug for DynamicPbrs<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynamicPbrs")
            .field("gamma", &self.gamma)
            .finish_non_exhaustive()
    }
}

impl<F> DynamicPbrs<F> {
    /// Shaping with Φ(s, t) = `potential(s, t)` (terminal states count as Φ = 0).
    pub fn new(potential: F, gamma: f64) -> Self {
        Self { potential, gamma }
    }
}

impl<O, A, F: FnMut(&O, usize) -> f64> RewardFn<O, A> for DynamicPbrs<F> {
    fn reward(&mut self, step: &Transition<'_, O, A>) -> f64 {
        let phi = (self.potential)(step.obs, step.t);
        let phi_next = (self.potential)(step.next_obs, step.t + 1);
        pbrs_term(self.gamma, phi, phi_next, step.terminated)
    }
}

/// Look-back advice (Wiewiora et al. 2003): F_t = Φ(s_t, a_t) − γ⁻¹Φ(s_{t−1}, a_{t−1}), with
/// a state–action potential and no previous pair on an episode's first step. The agent acts
/// greedily on its own Q with no correction. On a terminating step Φ(terminal, ·) = 0, so
/// that step pays only −γ⁻¹Φ(s_{t−1}, a_{t−1}) and the discounted sum over a terminated
/// episode is exactly 0, whatever the actions.
pub struct LookBackAdvice<F> {
    potential: F,
    gamma: f64,
    previous: Option<f64>,
}

impl<F> std::fmt::Debug for LookBackAdvice<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LookBackAdvice")
            .field("gamma", &self.gamma)
            .field("previous", &self.previous)
            .finish_non_exhaustive()
    }
}

impl<F> LookBackAdvice<F> {
    /// Advice from Φ(s, a) = `potential(s, a)`; `gamma` must be positive (it divides).
    pub fn new(potential: F, gamma: f64) -> Result<Self, crate::RewardsError> {
        if !(gamma > 0.0 && gamma <= 1.0) {
            return Err(crate::RewardsError::Invalid {
                name: "gamma",
                reason: format!(
                    "look-back advice divides by γ, which must be in (0, 1]; got {gamma}"
                ),
            });
        }
        Ok(Self {
            potential,
            gamma,
            previous: None,
        })
    }
}

impl<O, A, F: FnMut(&O, &A) -> f64> RewardFn<O, A> for LookBackAdvice<F> {
    fn reset(&mut self, _obs: &O) {
        self.previous = None;
    }
    fn reward(&mut self, step: &Transition<'_, O, A>) -> f64 {
        let back = self.previous.map_or(0.0, |p| p / self.gamma);
        if step.terminated {
            // Φ(terminal, ·) = 0: the step that would pay Φ(s_T, a_T) never comes, so the
            // closing −γ⁻¹Φ(s_{T−1}, a_{T−1}) is folded in here (×γ for its one-step delay)
            // and the discounted episode sum telescopes to exactly 0 — otherwise it would end
            // in γ^{T−1}Φ(s_{T−1}, a_{T−1}), a bonus for the last action chosen.
            self.previous = None;
            return -back;
        }
        let phi = (self.potential)(step.obs, step.action);
        // A truncated episode goes on in principle; the next reset forgets the pair anyway.
        self.previous = (!step.truncated).then_some(phi);
        phi - back
    }
}

/// Look-ahead advice (Wiewiora et al. 2003): F = γΦ(s′, a′) − Φ(s, a), where a′ is the action
/// the agent takes next. It is not a [`RewardFn`] because a′ is only known one step later;
/// a learner calls [`LookAheadAdvice::term`] when it has chosen a′, and must choose actions
/// by [`LookAheadAdvice::corrected_action`] (greedy on Q(s, a) + Φ(s, a)): the learned Q is
/// Q* − Φ(s, a), so acting greedily on it alone would follow the advice, not the task.
pub struct LookAheadAdvice<F> {
    potential: F,
    gamma: f64,
}

impl<F> std::fmt::Debug for LookAheadAdvice<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LookAheadAdvice")
            .field("gamma", &self.gamma)
            .finish_non_exhaustive()
    }
}

impl<F: Fn(usize, usize) -> f64> LookAheadAdvice<F> {
    /// Advice from Φ(s, a) = `potential(s, a)` over state and action indices.
    pub fn new(potential: F, gamma: f64) -> Self {
        Self { potential, gamma }
    }

    /// Φ(s, a).
    pub fn potential(&self, state: usize, action: usize) -> f64 {
        (self.potential)(state, action)
    }

    /// F = γΦ(s′, a′) − Φ(s, a), with Φ(s′, ·) = 0 after a terminating step.
    pub fn term(
        &self,
        s: usize,
        a: usize,
        next: usize,
        next_action: usize,
        terminated: bool,
    ) -> f64 {
        pbrs_term(
            self.gamma,
            self.potential(s, a),
            self.potential(next, next_action),
            terminated,
        )
    }

    /// The action-selection correction: argmax_a Q(s, a) + Φ(s, a), lowest index on ties.
    pub fn corrected_action(&self, state: usize, q_row: &[f64]) -> usize {
        let biased: Vec<f64> = q_row
            .iter()
            .enumerate()
            .map(|(a, q)| q + self.potential(state, a))
            .collect();
        rewardlab_core::mdp::argmax_lowest(biased.iter())
    }
}

/// A naive progress bonus: +`bonus` for a step that reduces the distance to the goal, nothing
/// for a step away. Not potential-based (there is no matching penalty), so stepping away and
/// back can pay forever: on the `oscillation` map the optimal policy never enters the goal.
#[derive(Debug, Clone)]
pub struct Progress<D> {
    distance: D,
    bonus: f64,
}

impl<D> Progress<D> {
    /// `distance(obs)` is the distance to the goal, `None` where undefined (walls, pits).
    pub fn new(distance: D, bonus: f64) -> Self {
        Self { distance, bonus }
    }
}

impl<O, A, D: Fn(&O) -> Option<f64>> RewardFn<O, A> for Progress<D> {
    fn reward(&mut self, step: &Transition<'_, O, A>) -> f64 {
        match ((self.distance)(step.obs), (self.distance)(step.next_obs)) {
            (Some(d), Some(d_next)) if d_next < d => self.bonus,
            _ => 0.0,
        }
    }
}

/// A subgoal bonus: +`bonus` for every step that ends in a subgoal. Markov, and not
/// potential-based: an agent can farm it by re-entering the subgoal.
#[derive(Debug, Clone)]
pub struct SubgoalBonus<S> {
    is_subgoal: S,
    bonus: f64,
}

impl<S> SubgoalBonus<S> {
    /// Pays `bonus` whenever `is_subgoal(next_obs)`.
    pub fn new(is_subgoal: S, bonus: f64) -> Self {
        Self { is_subgoal, bonus }
    }
}

impl<O, A, S: Fn(&O) -> bool> RewardFn<O, A> for SubgoalBonus<S> {
    fn reward(&mut self, step: &Transition<'_, O, A>) -> f64 {
        if (self.is_subgoal)(step.next_obs) {
            self.bonus
        } else {
            0.0
        }
    }
}

/// A constant bonus per step. In a continuing task it is potential-based in disguise
/// (Φ = −c/(1 − γ)), but with terminal states it is not: a positive bonus pays for staying
/// alive, a negative one for ending the episode early, whatever the task says.
#[derive(Debug, Clone, Copy)]
pub struct StepBonus(pub f64);

impl<O, A> RewardFn<O, A> for StepBonus {
    fn reward(&mut self, _step: &Transition<'_, O, A>) -> f64 {
        self.0
    }
}

#[cfg(test)]
#[path = "shaping_tests.rs"]
mod tests;
