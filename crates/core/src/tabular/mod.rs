//! Tabular reinforcement learning: the environment that simulates an [`crate::mdp::Mdp`]
//! and the TD control learners that run on any discrete environment.
//!
//! - [`TabularEnv`] samples its own model (held in an `Arc`), and [`Tabular`] exposes that
//!   model to planners, so model and simulator cannot drift.
//! - [`q_learning`], [`sarsa`] and [`expected_sarsa`] (or [`train`] with a
//!   [`TabularAlgorithm`]) learn a Q-table from any `Env<Obs = usize, Act = usize>` with
//!   `Discrete` spaces starting at 0, configured by a [`TabularConfig`].

mod config;
mod env;
#[cfg(test)]
mod learner_tests;
mod learners;

pub use config::{EpsilonSchedule, TabularAlgorithm, TabularConfig};
pub use env::{Tabular, TabularEnv};
pub use learners::{
    EpisodeEnd, TabularError, TabularRun, expected_sarsa, q_learning, sarsa, train, train_observed,
};
