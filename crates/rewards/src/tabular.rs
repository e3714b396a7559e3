//! Reward transforms on a tabular model: a new [`Mdp`] with the same dynamics and the
//! transformed rewards, for planners and the invariance checker.
//!
//! [`apply`] runs any Markov [`RewardFn`] over every outcome (s, a, s′, r) of the model, with
//! `terminated` set when s′ is terminal — the same code the online wrapper runs, so the two
//! forms cannot disagree. Terminal states stay absorbing with reward 0 (core's rule).

use ndarray::{Array2, ArrayView2};
use rewardlab_core::mdp::Mdp;

use crate::RewardsError;
use crate::potential::TabularPotential;
use crate::shaping::{Pbrs, Progress, RewardFn, RewardFnExt, Task, TerminalPotential, Transition};

/// The model with each outcome's reward replaced by `reward_fn`'s value for it.
///
/// `reward_fn` must be Markov (a function of the step alone): it is never reset and sees
/// `t = 0`. Fails if it returns a non-finite reward.
pub fn apply<R: RewardFn<usize, usize>>(mdp: &Mdp, reward_fn: &mut R) -> Result<Mdp, RewardsError> {
    let terminal = mdp.terminal().to_vec();
    Ok(mdp.map_rewards(|s, a, next, r| {
        reward_fn.reward(&Transition {
            obs: &s,
            action: &a,
            next_obs: &next,
            reward: r,
            terminated: terminal[next],
            truncated: false,
            t: 0,
        })
    })?)
}

/// r + γΦ(s′) − Φ(s) with γ the model's own, Φ(s′) = 0 for terminal s′ under
/// [`TerminalPotential::Zero`].
pub fn pbrs(
    mdp: &Mdp,
    phi: &TabularPotential,
    terminal: TerminalPotential,
) -> Result<Mdp, RewardsError> {
    phi.check_len(mdp)?;
    apply(
        mdp,
        &mut Task.plus(Pbrs::new(phi.clone(), mdp.gamma()).with_terminal(terminal)),
    )
}

/// r + `bonus` for each outcome that reduces `distance` (the naive progress bonus).
pub fn progress(mdp: &Mdp, distance: &[Option<usize>], bonus: f64) -> Result<Mdp, RewardsError> {
    if distance.len() != mdp.n_states() {
        return Err(RewardsError::Length {
            what: "distance table",
            expected: mdp.n_states(),
            got: distance.len(),
        });
    }
    let d = |s: &usize| distance.get(*s).copied().flatten().map(|d| d as f64);
    apply(mdp, &mut Task.plus(Progress::new(d, bonus)))
}

/// The fixed point Q̂ of look-ahead advice with the state–action potential `phi_sa`:
/// Q̂(s, a) = Σ_{s′} P(s′|s,a) [r + γ·max_{a′}(Q̂(s′, a′) + Φ(s′, a′))] − Φ(s, a), with
/// the bracket's second term 0 for terminal s′ — the Q-values a learner converges to when it
/// is paid F = γΦ(s′, a′) − Φ(s, a) and acts greedily on Q̂ + Φ. Iterated to 1e-12.
///
/// Needs γ < 1 (or a model where every policy terminates).
pub fn look_ahead_q(mdp: &Mdp, phi_sa: ArrayView2<'_, f64>) -> Result<Array2<f64>, RewardsError> {
    let (n, m) = (mdp.n_states(), mdp.n_actions());
    if phi_sa.dim() != (n, m) {
        return Err(RewardsError::Invalid {
            name: "state-action potential",
            reason: format!("shape {:?}, expected ({n}, {m})", phi_sa.dim()),
        });
    }
    if let Some(((state, _), &value)) = phi_sa.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(RewardsError::NonFinitePotential { state, value });
    }
    let gamma = mdp.gamma();
    let mut q = Array2::<f64>::zeros((n, m));
    for _ in 0..1_000_000 {
        // The corrected value of every state: max_a′ Q̂ + Φ, 0 for terminal states.
        let best: Vec<f64> = (0..n)
            .map(|s| {
                if mdp.is_terminal(s) {
                    0.0
                } else {
                    (0..m)
                        .map(|a| q[[s, a]] + phi_sa[[s, a]])
                        .fold(f64::NEG_INFINITY, f64::max)
                }
            })
            .collect();
        let mut change: f64 = 0.0;
        for s in (0..n).filter(|&s| !mdp.is_terminal(s)) {
            for a in 0..m {
                let backup: f64 = mdp
                    .successors(s, a)
                    .map(|t| t.prob * (t.reward + gamma * best[t.next]))
                    .sum::<f64>()
                    - phi_sa[[s, a]];
                change = change.max((backup - q[[s, a]]).abs());
                q[[s, a]] = backup;
            }
        }
        if !change.is_finite() {
            break;
        }
        if change < 1e-12 {
            return Ok(q);
        }
    }
    Err(RewardsError::Invalid {
        name: "model",
        reason:
            "look-ahead advice iteration did not converge (γ = 1 with a policy that never ends?)"
                .into(),
    })
}
