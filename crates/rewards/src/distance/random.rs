//! Seeded random MDPs and rewards as in the STARC paper's main experiment, and the
//! interpolation between two rewards that experiment sweeps.
//!
//! **Dynamics** ([`random_mdp`], lucyfarnik/starc `RandomEnv`): i.i.d. N(0,1) logits of shape
//! (S, A, S); a logit is kept only if it exceeds a threshold (1 below 50 states, 1.5 below 100,
//! 1.8 above — the reference's rule for keeping the number of successors roughly constant);
//! τ(s, a, ·) is the softmax over the kept logits. The reference sets dropped logits to −20
//! and softmaxes over all of them, so its τ is dense with entries about e^−20/e^(1…4) ≈ 1e-9
//! to 1e-10 relative to a kept one. We make dropped entries **exactly 0**, so τ is truly
//! sparse; returns and distances differ from the reference's by about 1e-9 relative. A row
//! with no logit above the threshold (probability Φ(1)^32 ≈ 0.4 % at 32 states) is uniform
//! over all states, as the reference's softmax of 32 equal logits is. The initial
//! distribution is uniform; there are no terminal states unless [`RandomMdpConfig::episodic`]
//! (then one random state is absorbing, as the reference's `episodic=True`).
//!
//! **Rewards** ([`random_reward`], `random_reward` of the reference with its experiment's
//! arguments): R ~ N(0,1) per (s, a, s′); with probability 0.2 made sparse (every entry not
//! above 3 — 3.5 from 50 states, 3.8 from 100 — set to 0, so a sparse reward is ≥ 0 with a
//! handful of non-zero entries); with probability 0.7 scaled by 10·U(0,1); with probability
//! 0.3 shifted by 10·U(0,1); with probability 0.5 potential-shaped, R + γΦ(s′) − Φ(s) with
//! Φ = N(0,1)^S·10·U(0,1) + U(0,1). Every coin is independent.
//!
//! **Seeding**: each generator takes its own seed; [`mdp_seed`] and [`pair_seed`] derive
//! one per MDP and per (MDP, reward pair) from a base seed, so an experiment run in parallel
//! draws the same numbers whatever the thread count (the reference seeds numpy once before
//! forking workers, which repeats the same MDPs in every worker).
//!
//! [`sparse_random_mdp`] is a cheaper generator for large models (the 1,000-state benchmark):
//! a fixed number of distinct successors per (s, a), drawn uniformly, with softmax-of-N(0,1)
//! weights — the same sparsity as the 32-state experiment (about 5 successors per row)
//! without drawing S² logits per action.

use ndarray::{Array1, Array3};
use rand::Rng;
use rand::seq::index::sample;
use rand_distr::{Distribution, StandardNormal};
use rewardlab_core::mdp::{Mdp, MdpBuilder};
use rewardlab_core::rng::{EnvRng, rng_from_seed};
use serde::{Deserialize, Serialize};

use crate::RewardsError;

/// Settings of [`random_mdp`]; the defaults are the STARC experiment's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RandomMdpConfig {
    /// Number of states S.
    pub n_states: usize,
    /// Number of actions A.
    pub n_actions: usize,
    /// Discount γ.
    pub gamma: f64,
    /// Logits at or below this are dropped; `None` takes the reference's rule
    /// ([`logit_threshold`]).
    pub logit_threshold: Option<f64>,
    /// Make one random state absorbing (a self-loop for every action, zero reward).
    pub episodic: bool,
}

impl Default for RandomMdpConfig {
    fn default() -> Self {
        Self {
            n_states: 32,
            n_actions: 4,
            gamma: 0.95,
            logit_threshold: None,
            episodic: false,
        }
    }
}

/// The reference's logit threshold: 1 below 50 states, 1.5 below 100, 1.8 otherwise.
pub fn logit_threshold(n_states: usize) -> f64 {
    if n_states < 50 {
        1.0
    } else if n_states < 100 {
        1.5
    } else {
        1.8
    }
}

/// The reference's sparsification threshold for rewards: 3 below 50 states, 3.5 below 100,
/// 3.8 otherwise.
pub fn reward_sparsity_threshold(n_states: usize) -> f64 {
    if n_states < 50 {
        3.0
    } else if n_states < 100 {
        3.5
    } else {
        3.8
    }
}

fn check_sizes(n_states: usize, n_actions: usize, gamma: f64) -> Result<(), RewardsError> {
    if n_states == 0 || n_actions == 0 {
        return Err(RewardsError::Invalid {
            name: "random MDP size",
            reason: format!("{n_states} states and {n_actions} actions; both must be positive"),
        });
    }
    if !(gamma.is_finite() && (0.0..=1.0).contains(&gamma)) {
        return Err(RewardsError::Invalid {
            name: "gamma",
            reason: format!("{gamma} is not in [0, 1]"),
        });
    }
    Ok(())
}

/// Softmax of `logits` (shifted by their maximum for stability; the result is the same).
fn softmax(logits: &[f64]) -> Vec<f64> {
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exp: Vec<f64> = logits.iter().map(|l| (l - max).exp()).collect();
    let sum: f64 = exp.iter().sum();
    exp.into_iter().map(|e| e / sum).collect()
}

/// A random MDP as in the STARC experiment (see the module docs); its rewards are 0.
pub fn random_mdp(config: &RandomMdpConfig, seed: u64) -> Result<Mdp, RewardsError> {
    let (n, m, gamma) = (config.n_states, config.n_actions, config.gamma);
    check_sizes(n, m, gamma)?;
    let threshold = config.logit_threshold.unwrap_or_else(|| logit_threshold(n));
    let mut rng = rng_from_seed(seed);
    let mut rows: Vec<Vec<(usize, f64)>> = Vec::with_capacity(n * m);
    let mut kept: Vec<usize> = Vec::with_capacity(n);
    let mut logits: Vec<f64> = Vec::with_capacity(n);
    for _ in 0..n * m {
        kept.clear();
        logits.clear();
        for s2 in 0..n {
            let l: f64 = StandardNormal.sample(&mut rng);
            if l > threshold {
                kept.push(s2);
                logits.push(l);
            }
        }
        rows.push(if kept.is_empty() {
            // All logits dropped: the reference's softmax of equal logits is uniform.
            (0..n).map(|s2| (s2, 1.0 / n as f64)).collect()
        } else {
            kept.iter().copied().zip(softmax(&logits)).collect()
        });
    }
    // Drawn after the dynamics, so that the episodic MDP has the same τ elsewhere.
    let terminal = config.episodic.then(|| rng.random_range(0..n));
    let mut b = MdpBuilder::new(n, m).gamma(gamma);
    for (sa, row) in rows.into_iter().enumerate() {
        let (s, a) = (sa / m, sa % m);
        if Some(s) == terminal {
            continue; // the builder makes it a zero-reward self-loop
        }
        for (s2, p) in row {
            b.transition(s, a, s2, p, 0.0);
        }
    }
    b.initial(vec![1.0 / n as f64; n]);
    if let Some(t) = terminal {
        b.terminal(t);
    }
    Ok(b.build()?)
}

/// A sparse random MDP for large state counts: for every (s, a), `branching` distinct
/// successors drawn uniformly with softmax-of-N(0,1) probabilities; uniform initial
/// distribution, no terminal states, zero rewards.
pub fn sparse_random_mdp(
    n_states: usize,
    n_actions: usize,
    branching: usize,
    gamma: f64,
    seed: u64,
) -> Result<Mdp, RewardsError> {
    check_sizes(n_states, n_actions, gamma)?;
    if branching == 0 || branching > n_states {
        return Err(RewardsError::Invalid {
            name: "branching",
            reason: format!("{branching} successors per (s, a); must be in 1..={n_states}"),
        });
    }
    let mut rng = rng_from_seed(seed);
    let mut b = MdpBuilder::new(n_states, n_actions).gamma(gamma);
    for s in 0..n_states {
        for a in 0..n_actions {
            let mut next = sample(&mut rng, n_states, branching).into_vec();
            next.sort_unstable();
            let logits: Vec<f64> = (0..branching)
                .map(|_| StandardNormal.sample(&mut rng))
                .collect();
            for (s2, p) in next.into_iter().zip(softmax(&logits)) {
                b.transition(s, a, s2, p, 0.0);
            }
        }
    }
    b.initial(vec![1.0 / n_states as f64; n_states]);
    Ok(b.build()?)
}

/// Probabilities of the random transformations in [`random_reward`]; the defaults are the
/// reference's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RandomRewardConfig {
    /// Probability of sparsifying (keeping only entries above [`reward_sparsity_threshold`]).
    pub p_sparse: f64,
    /// Probability of scaling by 10·U(0,1).
    pub p_scale: f64,
    /// Probability of adding the constant 10·U(0,1).
    pub p_shift: f64,
    /// Probability of adding γΦ(s′) − Φ(s) with Φ = N(0,1)^S·10·U(0,1) + U(0,1).
    pub p_shaped: f64,
}

impl Default for RandomRewardConfig {
    fn default() -> Self {
        Self {
            p_sparse: 0.2,
            p_scale: 0.7,
            p_shift: 0.3,
            p_shaped: 0.5,
        }
    }
}

/// A random reward R(s, a, s′) as in the STARC experiment (see the module docs), drawn from
/// `rng`.
pub fn random_reward(
    n_states: usize,
    n_actions: usize,
    gamma: f64,
    config: &RandomRewardConfig,
    rng: &mut EnvRng,
) -> Array3<f64> {
    let n = n_states;
    let mut r =
        Array3::from_shape_simple_fn((n, n_actions, n), || StandardNormal.sample(&mut *rng));
    if rng.random::<f64>() < config.p_sparse {
        let threshold = reward_sparsity_threshold(n);
        r.mapv_inplace(|v| if v > threshold { v } else { 0.0 });
    }
    if rng.random::<f64>() < config.p_scale {
        let scale = 10.0 * rng.random::<f64>();
        r *= scale;
    }
    if rng.random::<f64>() < config.p_shift {
        let shift = 10.0 * rng.random::<f64>();
        r += shift;
    }
    if rng.random::<f64>() < config.p_shaped {
        let scale = 10.0 * rng.random::<f64>();
        let offset = rng.random::<f64>();
        let phi: Array1<f64> = (0..n)
            .map(|_| {
                let z: f64 = StandardNormal.sample(&mut *rng);
                z * scale + offset
            })
            .collect();
        for ((s, _, s2), v) in r.indexed_iter_mut() {
            *v += gamma * phi[s2] - phi[s];
        }
    }
    r
}

/// Two independent rewards for pair `seed` (R1 first), as the experiment draws them.
pub fn random_reward_pair(
    n_states: usize,
    n_actions: usize,
    gamma: f64,
    config: &RandomRewardConfig,
    seed: u64,
) -> (Array3<f64>, Array3<f64>) {
    let mut rng = rng_from_seed(seed);
    let r1 = random_reward(n_states, n_actions, gamma, config, &mut rng);
    let r2 = random_reward(n_states, n_actions, gamma, config, &mut rng);
    (r1, r2)
}

/// R1 + k·(R2 − R1)/steps: step k of `steps` from R1 (k = 0) to R2 (k = steps).
pub fn interpolate(
    r1: &Array3<f64>,
    r2: &Array3<f64>,
    k: usize,
    steps: usize,
) -> Result<Array3<f64>, RewardsError> {
    if steps == 0 {
        return Err(RewardsError::Invalid {
            name: "interpolation steps",
            reason: "must be positive".into(),
        });
    }
    if r1.dim() != r2.dim() {
        return Err(RewardsError::Invalid {
            name: "interpolation",
            reason: format!("shapes {:?} and {:?} differ", r1.dim(), r2.dim()),
        });
    }
    let t = k as f64 / steps as f64;
    Ok(r1 + &((r2 - r1) * t))
}

/// SplitMix64's finaliser: a bijection that scatters nearby inputs.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of MDP `index` of an experiment with base seed `base`.
pub fn mdp_seed(base: u64, index: u64) -> u64 {
    mix(mix(mix(base) ^ 0x6D64_7000) ^ index)
}

/// The seed of reward pair `pair` on MDP `mdp` of an experiment with base seed `base`
/// (a different stream from every [`mdp_seed`]).
pub fn pair_seed(base: u64, mdp: u64, pair: u64) -> u64 {
    mix(mix(mix(mix(base) ^ 0x7061_6972) ^ mdp) ^ pair)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tau_rows(mdp: &Mdp) -> Vec<Vec<(usize, f64)>> {
        let mut rows = Vec::new();
        for s in 0..mdp.n_states() {
            for a in 0..mdp.n_actions() {
                rows.push(mdp.successors(s, a).map(|t| (t.next, t.prob)).collect());
            }
        }
        rows
    }

    #[test]
    fn random_mdp_is_sparse_normalised_and_seeded() -> Result<(), RewardsError> {
        let config = RandomMdpConfig::default();
        let mdp = random_mdp(&config, 7)?;
        assert_eq!((mdp.n_states(), mdp.n_actions()), (32, 4));
        assert_eq!(mdp.gamma(), 0.95);
        assert!(mdp.terminal().iter().all(|t| !t));
        assert!(
            mdp.initial()
                .iter()
                .all(|&p| (p - 1.0 / 32.0).abs() < 1e-15)
        );
        let rows = tau_rows(&mdp);
        let mut kept = 0usize;
        for row in &rows {
            let sum: f64 = row.iter().map(|(_, p)| p).sum();
            assert!((sum - 1.0).abs() < 1e-12, "{sum}");
            assert!(row.iter().all(|&(_, p)| p > 0.0));
            kept += row.len();
        }
        // 32·P(N > 1) ≈ 5.08 successors per row on average (a uniform row counts 32).
        let mean = kept as f64 / rows.len() as f64;
        assert!((3.5..7.0).contains(&mean), "{mean}");
        assert_eq!(tau_rows(&random_mdp(&config, 7)?), rows);
        assert_ne!(tau_rows(&random_mdp(&config, 8)?), rows);
        Ok(())
    }

    #[test]
    fn kept_successors_are_weighted_by_their_logits_and_empty_rows_are_uniform()
    -> Result<(), RewardsError> {
        // A threshold no N(0,1) draw passes: every row falls back to uniform.
        let none = RandomMdpConfig {
            n_states: 5,
            n_actions: 2,
            logit_threshold: Some(50.0),
            ..RandomMdpConfig::default()
        };
        for row in tau_rows(&random_mdp(&none, 1)?) {
            assert_eq!(row.len(), 5);
            assert!(row.iter().all(|&(_, p)| (p - 0.2).abs() < 1e-15));
        }
        // A threshold every draw passes: a dense softmax, not uniform.
        let all = RandomMdpConfig {
            logit_threshold: Some(-50.0),
            ..none
        };
        let rows = tau_rows(&random_mdp(&all, 1)?);
        assert!(rows.iter().all(|r| r.len() == 5));
        assert!(rows.iter().any(|r| (r[0].1 - 0.2).abs() > 1e-3));
        Ok(())
    }

    #[test]
    fn episodic_mdp_has_one_absorbing_state() -> Result<(), RewardsError> {
        let config = RandomMdpConfig {
            episodic: true,
            ..RandomMdpConfig::default()
        };
        let mdp = random_mdp(&config, 3)?;
        assert_eq!(mdp.terminal().iter().filter(|&&t| t).count(), 1);
        assert!(
            random_mdp(
                &RandomMdpConfig {
                    n_states: 0,
                    ..config
                },
                3
            )
            .is_err()
        );
        Ok(())
    }

    #[test]
    fn sparse_random_mdp_has_the_requested_branching() -> Result<(), RewardsError> {
        let mdp = sparse_random_mdp(200, 3, 5, 0.9, 11)?;
        for row in tau_rows(&mdp) {
            assert_eq!(row.len(), 5);
            let sum: f64 = row.iter().map(|(_, p)| p).sum();
            assert!((sum - 1.0).abs() < 1e-12);
        }
        assert!(sparse_random_mdp(4, 2, 5, 0.9, 0).is_err());
        assert!(sparse_random_mdp(4, 2, 0, 0.9, 0).is_err());
        Ok(())
    }

    #[test]
    fn reward_transformations_follow_their_coins() {
        let never = RandomRewardConfig {
            p_sparse: 0.0,
            p_scale: 0.0,
            p_shift: 0.0,
            p_shaped: 0.0,
        };
        let mut rng = rng_from_seed(5);
        let plain = random_reward(32, 4, 0.95, &never, &mut rng);
        let mean = plain.mean().unwrap_or(f64::NAN);
        let var = plain
            .mapv(|v| (v - mean).powi(2))
            .mean()
            .unwrap_or(f64::NAN);
        assert!(mean.abs() < 0.1 && (var - 1.0).abs() < 0.1, "{mean} {var}");

        let sparse_only = RandomRewardConfig {
            p_sparse: 1.0,
            ..never.clone()
        };
        let sparse = random_reward(32, 4, 0.95, &sparse_only, &mut rng);
        assert!(sparse.iter().all(|&v| v == 0.0 || v > 3.0));
        // 4096·P(N > 3) ≈ 5.5 non-zero entries.
        assert!(sparse.iter().filter(|&&v| v != 0.0).count() < 30);

        // A shift alone adds one constant in (0, 10) to every entry of the same N(0,1) draw.
        let shift_only = RandomRewardConfig {
            p_shift: 1.0,
            ..never.clone()
        };
        let (mut a, mut b) = (rng_from_seed(9), rng_from_seed(9));
        let base = random_reward(6, 2, 0.95, &never, &mut a);
        let shifted = random_reward(6, 2, 0.95, &shift_only, &mut b);
        let delta = &shifted - &base;
        let c = delta[[0, 0, 0]];
        assert!(c > 0.0 && c < 10.0);
        assert!(delta.iter().all(|d| (d - c).abs() < 1e-12));

        // Shaping alone adds γΦ(s′) − Φ(s): the differences are constant in a.
        let shaped_only = RandomRewardConfig {
            p_shaped: 1.0,
            ..never
        };
        let (mut a, mut b) = (rng_from_seed(2), rng_from_seed(2));
        let base = random_reward(
            6,
            3,
            0.9,
            &RandomRewardConfig {
                p_shaped: 0.0,
                ..shaped_only.clone()
            },
            &mut a,
        );
        let shaped = random_reward(6, 3, 0.9, &shaped_only, &mut b);
        let delta = &shaped - &base;
        assert!(delta.iter().any(|d| d.abs() > 1e-6));
        for ((s, a, s2), d) in delta.indexed_iter() {
            assert!((d - delta[[s, 0, s2]]).abs() < 1e-12, "{s} {a} {s2}");
        }
        // γΦ(s′) − Φ(s) over the cycle s → s′ → s sums to (γ − 1)(Φ(s) + Φ(s′)).
        let cycle = delta[[0, 0, 1]] + delta[[1, 0, 0]];
        let diag = delta[[0, 0, 0]] + delta[[1, 0, 1]];
        assert!((cycle - diag).abs() < 1e-12);
    }

    #[test]
    fn interpolation_hits_both_ends() -> Result<(), RewardsError> {
        let r1 = Array3::from_shape_fn((2, 1, 2), |(s, _, t)| (s + 2 * t) as f64);
        let r2 = Array3::from_elem((2, 1, 2), 8.0);
        assert_eq!(interpolate(&r1, &r2, 0, 16)?, r1);
        assert_eq!(interpolate(&r1, &r2, 16, 16)?, r2);
        let mid = interpolate(&r1, &r2, 4, 16)?;
        assert_eq!(mid[[1, 0, 1]], 3.0 + 0.25 * 5.0);
        assert!(interpolate(&r1, &r2, 1, 0).is_err());
        assert!(interpolate(&r1, &Array3::zeros((1, 1, 1)), 1, 4).is_err());
        Ok(())
    }

    #[test]
    fn seeds_are_distinct_per_mdp_and_pair() {
        let mut seen = std::collections::BTreeSet::new();
        for m in 0..20 {
            assert!(seen.insert(mdp_seed(42, m)));
            for p in 0..20 {
                assert!(seen.insert(pair_seed(42, m, p)));
            }
        }
        assert_ne!(mdp_seed(42, 0), mdp_seed(43, 0));
        let (a, b) = random_reward_pair(4, 2, 0.9, &RandomRewardConfig::default(), 1);
        assert_ne!(a, b);
        assert_eq!(
            random_reward_pair(4, 2, 0.9, &RandomRewardConfig::default(), 1),
            (a, b)
        );
    }
}
