//! Regret: how much return under R1 the optimal policy of R2 gives up.
//!
//! regret(R1, R2) = (J1(π1*) − J1(π2*)) / (J1(π1*) − J1(π1_worst)), with J the expected
//! discounted return from the model's initial distribution, computed exactly; π* greedy on
//! the exact Q* with ties (within the checker's tolerance) to the lowest action index, and
//! π_worst the same for −R1. 0 when R1 cannot tell policies apart (denominator 0).

use rewardlab_core::mdp::evaluate_actions;

use super::model::{DistanceModel, Reward};
use crate::RewardsError;
use crate::check::optimal_actions;

/// The optimal policy of `r` on the model, lowest index among optimal actions.
fn optimal_policy(model: &DistanceModel, r: &Reward) -> Result<Vec<usize>, RewardsError> {
    optimal_actions(&model.with_reward(r)?)
}

/// J(π) under `r` from the initial distribution.
fn expected_return(
    model: &DistanceModel,
    r: &Reward,
    policy: &[usize],
) -> Result<f64, RewardsError> {
    let mdp = model.with_reward(r)?;
    let v = evaluate_actions(&mdp, policy)?;
    Ok(mdp.initial().dot(&v))
}

/// Normalised regret of acting optimally for `r2` when `r1` is the truth, in [0, 1].
pub fn regret(model: &DistanceModel, r1: &Reward, r2: &Reward) -> Result<f64, RewardsError> {
    let best = optimal_policy(model, r1)?;
    let worst = optimal_policy(model, &Reward(-&r1.0))?;
    let proxy = optimal_policy(model, r2)?;
    let j_best = expected_return(model, r1, &best)?;
    let j_worst = expected_return(model, r1, &worst)?;
    let j_proxy = expected_return(model, r1, &proxy)?;
    let range = j_best - j_worst;
    // Relative to the returns' size, a range this small is round-off of "all equal".
    if range <= 1e-12 * j_best.abs().max(j_worst.abs()).max(1.0) {
        return Ok(0.0);
    }
    Ok(((j_best - j_proxy) / range).clamp(0.0, 1.0))
}

/// The mean of both directions, as in the STARC paper.
pub fn regret_symmetric(
    model: &DistanceModel,
    r1: &Reward,
    r2: &Reward,
) -> Result<f64, RewardsError> {
    Ok(0.5 * (regret(model, r1, r2)? + regret(model, r2, r1)?))
}
