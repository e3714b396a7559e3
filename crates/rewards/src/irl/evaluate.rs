//! How good is a learned reward? The numbers of the CLI's `--json` line and the experiments.
//!
//! - **Policy match**: in how many states is the greedy action of the learned reward's
//!   optimal policy (exact planning, lowest index among optimal actions) one of the true
//!   reward's optimal actions — over the states the expert acts in, and over all
//!   non-terminal states. Behaviour cloning has no reward; its greedy action is the most
//!   frequent one (lowest index on ties).
//! - **True return**: the exact discounted return under the *true* reward of that greedy
//!   policy, from the model's initial distribution, next to the expert's own.
//! - **Distances**: STARC (value-adjusted levelling under the uniform policy, L2 normalised,
//!   L2 distance) and EPIC between the learned and the true reward on the true dynamics.
//!   STARC is 0 for a reward that differs from the truth by shaping and S′-redistribution,
//!   the ambiguity MCE demonstrations leave; EPIC removes shaping only, so it also measures
//!   how the reward is spread over s′. EPIC's coverage is τ(s′|s, a) over uniform (s, a):
//!   transitions the dynamics cannot produce carry no evidence and are left out.
//!
//! The judged policy is always the *infinite-horizon* optimal policy of the learned reward
//! under the model's γ, also for a finite-horizon fit (it is what an agent planning with the
//! reward would do). With γ = 1 a partly fitted reward that pays around a loop has no optimal
//! policy, and judging fails with the planner's error rather than inventing one.

use ndarray::{Array2, Array3};
use rewardlab_core::mdp::{Mdp, argmax_lowest, evaluate_actions, evaluate_policy};
use serde::Serialize;

use super::model::zero_terminal_rows;
use crate::RewardsError;
use crate::check::{self, optimal_action_sets, solve_exact};
use crate::distance::{
    Canon, CanonOptions, Dist, DistanceModel, Norm, epic_distance, starc_distance,
};

/// The report of one learned reward (or cloned policy).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IrlReport {
    /// `maxent`, `mce` or `bc`.
    pub algo: String,
    /// Fraction of expert-visited non-terminal states where the learned greedy action is
    /// optimal for the true reward.
    pub policy_match_visited: f64,
    /// The same over all non-terminal states.
    pub policy_match_all: f64,
    /// True discounted return of the learned greedy policy.
    pub true_return_learned: f64,
    /// True discounted return of the expert's policy.
    pub true_return_expert: f64,
    /// STARC distance between the learned and the true reward (`None` for `bc`).
    pub starc: Option<f64>,
    /// EPIC distance between the learned and the true reward (`None` for `bc`).
    pub epic: Option<f64>,
}

/// The truth a learned reward is judged against: a model with the true rewards, its optimal
/// action sets and the expert.
#[derive(Debug, Clone)]
pub struct Truth {
    mdp: Mdp,
    optimal_sets: Vec<Vec<usize>>,
    expert_return: f64,
    visited: Vec<bool>,
    distance_model: DistanceModel,
    reward: Array3<f64>,
}

impl Truth {
    /// `mdp` carries the true reward and γ; `expert` is the demonstrator's policy (S × A);
    /// `visited` marks the states the expert acted in.
    pub fn new(mdp: &Mdp, expert: &Array2<f64>, visited: Vec<bool>) -> Result<Self, RewardsError> {
        // Policy evaluation, not `expected_return`: it also takes γ = 1 when the expert ends
        // its episodes, the undiscounted tasks finite-horizon IRL is run on.
        let values = evaluate_policy(mdp, expert)?;
        Self::with_expert_return(mdp, mdp.initial().dot(&values), visited)
    }

    /// As [`Truth::new`] when the expert's policy is unknown (demonstrations from a file):
    /// `expert_return` is whatever stands for it (their mean discounted return, or J*).
    pub fn with_expert_return(
        mdp: &Mdp,
        expert_return: f64,
        visited: Vec<bool>,
    ) -> Result<Self, RewardsError> {
        if visited.len() != mdp.n_states() {
            return Err(RewardsError::Length {
                what: "visited-state mask",
                expected: mdp.n_states(),
                got: visited.len(),
            });
        }
        let solved = solve_exact(mdp)?;
        let optimal_sets = optimal_action_sets(solved.q.view(), mdp.terminal());
        let distance_model = DistanceModel::new(mdp)?;
        let (_, reward) = mdp.to_dense()?;
        Ok(Self {
            mdp: mdp.clone(),
            optimal_sets,
            expert_return,
            visited,
            distance_model,
            reward,
        })
    }

    /// The true reward tensor R(s, a, s′).
    pub fn reward(&self) -> &Array3<f64> {
        &self.reward
    }

    /// J* of the true reward from the initial distribution.
    pub fn optimal_return(&self) -> Result<f64, RewardsError> {
        // The stored sets, not a second solve: lowest index among optimal actions, as in
        // `check::optimal_actions`.
        let actions: Vec<usize> = self
            .optimal_sets
            .iter()
            .map(|set| set.first().copied().unwrap_or(0))
            .collect();
        self.true_return(&actions)
    }

    /// The optimal action sets of the true reward.
    pub fn optimal_sets(&self) -> &[Vec<usize>] {
        &self.optimal_sets
    }

    /// The report for a learned reward.
    pub fn judge_reward(
        &self,
        algo: &str,
        learned: &Array3<f64>,
    ) -> Result<IrlReport, RewardsError> {
        let actions = optimal_actions(&self.mdp, learned)?;
        let (starc, epic) = self.distances(learned)?;
        self.report(algo, &actions, Some(starc), Some(epic))
    }

    /// The report for a policy without a reward (behaviour cloning).
    pub fn judge_policy(
        &self,
        algo: &str,
        policy: &Array2<f64>,
    ) -> Result<IrlReport, RewardsError> {
        let actions: Vec<usize> = policy
            .rows()
            .into_iter()
            .map(|r| argmax_lowest(r.iter()))
            .collect();
        self.report(algo, &actions, None, None)
    }

    /// (STARC, EPIC) between `learned` and the true reward; `learned`'s terminal rows are
    /// taken as 0 (never collected), as the truth's are.
    pub fn distances(&self, learned: &Array3<f64>) -> Result<(f64, f64), RewardsError> {
        let model = &self.distance_model;
        let mut learned = learned.clone();
        zero_terminal_rows(&mut learned, self.mdp.terminal());
        let learned = model.reward(learned)?;
        let truth = model.reward(self.reward.clone())?;
        let opts = CanonOptions {
            coverage: Some(model.tau().clone()),
            ..CanonOptions::default()
        };
        let starc = starc_distance(
            model,
            &learned,
            &truth,
            Canon::Val,
            Norm::L2,
            Dist::L2,
            &opts,
        )?;
        let epic = epic_distance(model, &learned, &truth, &opts)?;
        Ok((starc, epic))
    }

    /// Fractions of (visited, all) non-terminal states where `actions[s]` is optimal (a
    /// missing entry counts as a miss); 1 over an empty set.
    pub fn policy_match(&self, actions: &[usize]) -> (f64, f64) {
        let fraction = |mask: &dyn Fn(usize) -> bool| {
            let states: Vec<usize> = (0..self.mdp.n_states())
                .filter(|&s| !self.mdp.is_terminal(s) && mask(s))
                .collect();
            if states.is_empty() {
                return 1.0;
            }
            let hits = states
                .iter()
                .filter(|&&s| {
                    actions
                        .get(s)
                        .is_some_and(|a| self.optimal_sets[s].contains(a))
                })
                .count();
            hits as f64 / states.len() as f64
        };
        (fraction(&|s| self.visited[s]), fraction(&|_| true))
    }

    /// True discounted return of a deterministic policy.
    pub fn true_return(&self, actions: &[usize]) -> Result<f64, RewardsError> {
        let v = evaluate_actions(&self.mdp, actions)?;
        Ok(self.mdp.initial().dot(&v))
    }

    fn report(
        &self,
        algo: &str,
        actions: &[usize],
        starc: Option<f64>,
        epic: Option<f64>,
    ) -> Result<IrlReport, RewardsError> {
        let (policy_match_visited, policy_match_all) = self.policy_match(actions);
        Ok(IrlReport {
            algo: algo.to_string(),
            policy_match_visited,
            policy_match_all,
            true_return_learned: self.true_return(actions)?,
            true_return_expert: self.expert_return,
            starc,
            epic,
        })
    }
}

/// The optimal policy of `reward` on `mdp`'s dynamics, lowest index among optimal actions.
pub fn optimal_actions(mdp: &Mdp, reward: &Array3<f64>) -> Result<Vec<usize>, RewardsError> {
    let (n, m) = (mdp.n_states(), mdp.n_actions());
    if reward.dim() != (n, m, n) {
        return Err(RewardsError::Invalid {
            name: "reward",
            reason: format!("shape {:?}, expected ({n}, {m}, {n})", reward.dim()),
        });
    }
    check::optimal_actions(&mdp.map_rewards(|s, a, next, _| reward[[s, a, next]])?)
}
