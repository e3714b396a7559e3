//! Reward distances: STARC, EPIC and DARD on tabular models, and the regret they predict.
//!
//! A reward here is a dense tensor R(s, a, s′) (`Array3`, states × actions × states) over the
//! dynamics τ of a [`DistanceModel`]. Every metric has the same three steps:
//!
//! 1. **Canonicalise** ([`canonicalise`], [`Canon`]): map R to a representative of its class
//!    of rewards with the same optimal policies under *every* γ-discounted objective on τ —
//!    potential shaping and, for the STARC forms, redistribution of reward over s′ that keeps
//!    Σ_{s′} τ(s,a,s′) R(s,a,s′). `epic` and `dard` remove shaping with fixed distributions;
//!    `val` and `val-potential` subtract V^π of a fixed policy (uniform by default);
//!    `minimal` is the smallest member of the class in (τ-weighted) L2, found exactly by a
//!    sparse least-squares projection.
//! 2. **Normalise** ([`normalise`], [`Norm`]): s(R) = c(R)/n(c(R)), with 0 staying 0.
//! 3. **Compare**: STARC takes a norm ([`Dist`]) of s(R1) − s(R2); EPIC and DARD take the
//!    Pearson distance √((1 − ρ)/2) of the canonical rewards over a coverage distribution.
//!
//! [`regret`] is what the distances are meant to predict: how much true return (under R1) the
//! optimal policy of R2 gives up, normalised by R1's range of returns.
//!
//! Terminal states are absorbing with zero reward (core's `Mdp` makes them so): values V^π
//! and returns J are computed with rewards after termination never collected, whatever a
//! tensor holds in a terminal row. The tensors themselves are compared entry by entry as
//! given, so no formula needs a special case (shape an episodic reward with Φ(terminal) = 0,
//! as lesson 1 explains).

mod canon;
mod metric;
mod model;
mod norm;
pub mod random;
mod regret;
pub mod sample;

pub use canon::{Canon, CanonOptions, canonicalise};
pub use metric::{Metric, dard_distance, epic_distance, pearson_of, starc_distance};
pub use model::{DistanceModel, Reward};
pub use norm::{Dist, Norm, norm, normalise, pearson_distance};
pub use random::{
    RandomMdpConfig, RandomRewardConfig, interpolate, random_mdp, random_reward, sparse_random_mdp,
};
pub use regret::{regret, regret_symmetric};
pub use sample::{
    Coverage, SampleConfig, SampleError, sample_dard_distance, sample_dard_distance_on,
    sample_epic_distance, sample_epic_distance_on,
};

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
