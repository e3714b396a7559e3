//! Potentials Φ: tabular ones built from a model, and any closure over observations.
//!
//! The named tabular potentials are the ones a course compares:
//!
//! - `value`: Φ = V*, the optimal values of the task (from planning). Shaping with it makes
//!   every optimal action worth 0 and every other negative in the shaped Q* — the best
//!   possible potential, and a cheat outside a lesson, since it needs the solution.
//! - `distance`: Φ(s) = −d(s), minus the number of steps from s to the nearest goal along
//!   transitions of positive probability (an optimistic distance under slip). Goals are
//!   found from the model by [`goal_states`]. Non-terminal states that cannot reach a goal get
//!   −(max d + 1): worse than any state that can.
//! - `zero`: Φ = 0, the control (shaping with it changes nothing).

use std::collections::VecDeque;

use rewardlab_core::mdp::Mdp;

use crate::RewardsError;

/// A potential over observations of type `O`.
pub trait Potential<O> {
    /// Φ(obs).
    fn potential(&self, obs: &O) -> f64;
}

impl<O, F: Fn(&O) -> f64> Potential<O> for F {
    fn potential(&self, obs: &O) -> f64 {
        self(obs)
    }
}

/// One potential value per state of a tabular model.
#[derive(Debug, Clone, PartialEq)]
pub struct TabularPotential {
    values: Vec<f64>,
}

impl TabularPotential {
    /// Φ(s) = `values[s]`; every value must be finite.
    pub fn new(values: Vec<f64>) -> Result<Self, RewardsError> {
        if let Some((state, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(RewardsError::NonFinitePotential { state, value });
        }
        Ok(Self { values })
    }

    /// The potential named `name` for `mdp` (see the module docs).
    pub fn named(name: PotentialName, mdp: &Mdp) -> Result<Self, RewardsError> {
        match name {
            PotentialName::Value => value_potential(mdp),
            PotentialName::Distance => distance_potential(mdp, &goal_states(mdp)?),
            PotentialName::Zero => Ok(Self {
                values: vec![0.0; mdp.n_states()],
            }),
        }
    }

    /// The values, one per state.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The same potential times `factor`.
    pub fn scaled(&self, factor: f64) -> Result<Self, RewardsError> {
        Self::new(self.values.iter().map(|v| v * factor).collect())
    }

    /// Checks that the potential has one value per state of `mdp`.
    pub fn check_len(&self, mdp: &Mdp) -> Result<(), RewardsError> {
        if self.values.len() == mdp.n_states() {
            Ok(())
        } else {
            Err(RewardsError::Length {
                what: "potential",
                expected: mdp.n_states(),
                got: self.values.len(),
            })
        }
    }
}

impl Potential<usize> for TabularPotential {
    /// Φ(s); a state outside the table has potential 0.
    fn potential(&self, obs: &usize) -> f64 {
        self.values.get(*obs).copied().unwrap_or(0.0)
    }
}

/// The named tabular potentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PotentialName {
    /// Φ = V*.
    Value,
    /// Φ = −(steps to the nearest goal).
    Distance,
    /// Φ = 0.
    Zero,
}

crate::names::cli_names!(PotentialName, "potential", [
    Value => "value",
    Distance => "distance",
    Zero => "zero",
]);

/// Φ = V*, the task's optimal state values.
pub fn value_potential(mdp: &Mdp) -> Result<TabularPotential, RewardsError> {
    let solved = crate::check::solve_exact(mdp)?;
    TabularPotential::new(solved.values)
}

/// The goals of a model: the terminal states entered with the highest reward among all
/// transitions that enter a terminal state (the goal of a gridworld or FrozenLake, not its
/// lava or holes). Fails with [`RewardsError::NoGoal`] when no transition enters one.
pub fn goal_states(mdp: &Mdp) -> Result<Vec<usize>, RewardsError> {
    let mut best: Option<f64> = None;
    let mut entered: Vec<(usize, f64)> = Vec::new();
    for s in (0..mdp.n_states()).filter(|&s| !mdp.is_terminal(s)) {
        for a in 0..mdp.n_actions() {
            for t in mdp.successors(s, a) {
                if t.prob > 0.0 && mdp.is_terminal(t.next) {
                    entered.push((t.next, t.reward));
                    best = Some(best.map_or(t.reward, |b: f64| b.max(t.reward)));
                }
            }
        }
    }
    let best = best.ok_or(RewardsError::NoGoal)?;
    let mut goals: Vec<usize> = entered
        .into_iter()
        .filter(|&(_, r)| r == best)
        .map(|(s, _)| s)
        .collect();
    goals.sort_unstable();
    goals.dedup();
    Ok(goals)
}

/// Steps from each state to the nearest of `goals` along transitions of positive
/// probability (breadth-first search on the reversed graph); `None` where no goal is
/// reachable.
pub fn steps_to_goal(mdp: &Mdp, goals: &[usize]) -> Result<Vec<Option<usize>>, RewardsError> {
    let n = mdp.n_states();
    if let Some(&bad) = goals.iter().find(|&&g| g >= n) {
        return Err(RewardsError::Invalid {
            name: "goals",
            reason: format!("state {bad} does not exist (the model has {n} states)"),
        });
    }
    let mut predecessors: Vec<Vec<usize>> = vec![Vec::new(); n];
    for s in (0..n).filter(|&s| !mdp.is_terminal(s)) {
        for a in 0..mdp.n_actions() {
            for t in mdp.successors(s, a) {
                if t.prob > 0.0 {
                    predecessors[t.next].push(s);
                }
            }
        }
    }
    let mut dist = vec![None; n];
    let mut queue = VecDeque::new();
    for &g in goals {
        dist[g] = Some(0);
        queue.push_back(g);
    }
    while let Some(s) = queue.pop_front() {
        let d = dist[s].map_or(0, |d: usize| d + 1);
        for &p in &predecessors[s] {
            if dist[p].is_none() {
                dist[p] = Some(d);
                queue.push_back(p);
            }
        }
    }
    Ok(dist)
}

/// Φ(s) = −d(s) with d from [`steps_to_goal`]; non-terminal states that cannot reach a goal
/// get −(max d + 1), terminal ones 0.
pub fn distance_potential(mdp: &Mdp, goals: &[usize]) -> Result<TabularPotential, RewardsError> {
    let dist = steps_to_goal(mdp, goals)?;
    let worst = dist.iter().flatten().max().copied().unwrap_or(0) + 1;
    let values = dist
        .iter()
        .enumerate()
        .map(|(s, d)| match d {
            Some(d) => -(*d as f64),
            None if mdp.is_terminal(s) => 0.0,
            None => -(worst as f64),
        })
        .collect();
    TabularPotential::new(values)
}
