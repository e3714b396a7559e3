//! The three metrics on top of canonicalisation and normalisation.

use super::canon::{Canon, CanonOptions, canonicalise};
use super::model::{DistanceModel, Reward};
use super::norm::{Dist, Norm, norm, normalise, pearson_distance};
use crate::RewardsError;

/// Which metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// STARC: a norm of the difference of normalised canonical rewards.
    Starc,
    /// EPIC: the Pearson distance of EPIC-canonical rewards.
    Epic,
    /// DARD: the Pearson distance of DARD-canonical rewards.
    Dard,
}

crate::names::cli_names!(Metric, "metric", [
    Starc => "starc",
    Epic => "epic",
    Dard => "dard",
]);

impl Metric {
    /// The canonicalisation a metric uses unless told otherwise.
    pub fn default_canon(self) -> Canon {
        match self {
            Self::Starc => Canon::Val,
            Self::Epic => Canon::Epic,
            Self::Dard => Canon::Dard,
        }
    }
}

/// STARC distance: `dist`(s(R1) − s(R2)) with s(R) = c(R)/`norm`(c(R)) and c = `canon`.
pub fn starc_distance(
    model: &DistanceModel,
    r1: &Reward,
    r2: &Reward,
    canon: Canon,
    n: Norm,
    dist: Dist,
    opts: &CanonOptions,
) -> Result<f64, RewardsError> {
    let tau = model.tau();
    let s1 = normalise(&canonicalise(model, r1, canon, n, opts)?, n, tau);
    let s2 = normalise(&canonicalise(model, r2, canon, n, opts)?, n, tau);
    Ok(norm(&(&s1 - &s2), dist.as_norm(), tau))
}

/// EPIC distance: the Pearson distance of the `epic`-canonical rewards over the coverage
/// distribution of `opts` (all (s, a, s′) uniformly by default).
pub fn epic_distance(
    model: &DistanceModel,
    r1: &Reward,
    r2: &Reward,
    opts: &CanonOptions,
) -> Result<f64, RewardsError> {
    pearson_of(model, r1, r2, Canon::Epic, opts)
}

/// DARD distance: the Pearson distance of the `dard`-canonical rewards over the coverage
/// distribution of `opts` (all (s, a, s′) uniformly by default).
pub fn dard_distance(
    model: &DistanceModel,
    r1: &Reward,
    r2: &Reward,
    opts: &CanonOptions,
) -> Result<f64, RewardsError> {
    pearson_of(model, r1, r2, Canon::Dard, opts)
}

/// The Pearson distance of any canonicalisation (EPIC and DARD are two of them).
pub fn pearson_of(
    model: &DistanceModel,
    r1: &Reward,
    r2: &Reward,
    canon: Canon,
    opts: &CanonOptions,
) -> Result<f64, RewardsError> {
    let c1 = canonicalise(model, r1, canon, Norm::L2, opts)?;
    let c2 = canonicalise(model, r2, canon, Norm::L2, opts)?;
    if let Some(w) = &opts.coverage {
        let bad = w.iter().any(|p| !(p.is_finite() && *p >= 0.0));
        if w.dim() != c1.dim() || bad || w.sum() <= 0.0 {
            return Err(RewardsError::Invalid {
                name: "coverage",
                reason: format!(
                    "must be non-negative finite weights of shape {:?} with a positive sum",
                    c1.dim()
                ),
            });
        }
    }
    Ok(pearson_distance(&c1, &c2, opts.coverage.as_ref()))
}
