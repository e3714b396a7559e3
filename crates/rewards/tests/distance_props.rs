//! Property tests of the reward distances (issue 7, item 6) on random small MDPs.
//!
//! What each canonicalisation is invariant to, and so what is tested for it:
//!
//! | canon                   | shaping | positive scale | S′-redistribution |
//! |-------------------------|---------|----------------|-------------------|
//! | `val`                   | yes     | yes            | yes               |
//! | `minimal` (l2, w-l2)    | yes     | yes            | yes               |
//! | `val-potential`         | yes     | yes            | **no**            |
//! | `epic`, `dard` (Pearson)| yes     | yes            | not claimed       |
//!
//! `val-potential` keeps R(s,a,s′) entry by entry (C = R − V^π(s) + γV^π(s′)), so moving
//! reward between successors of one (s, a) moves C too although V^π is unchanged; a seeded
//! example shows it. Shaping uses Φ(terminal) = 0, the form that keeps optimal policies in an
//! episodic task.
//!
//! Tolerances: STARC distances of equivalent rewards are norms of round-off, so 1e-9. EPIC and
//! DARD are √((1 − ρ)/2): a correlation that is 1 up to round-off (1 − ρ ≈ 1e-16) gives a
//! distance of about 1e-8, so their zero is checked to 1e-6.
//!
//! Random models: 3–8 states, 2–3 actions, each non-terminal (s, a) with 1–3 distinct
//! successors of random probability, the last state terminal in about half the models,
//! γ ∈ [0.5, 0.95]; rewards uniform in [−1, 1] on every (s, a, s′). Everything is drawn from
//! seeds proptest picks; case counts are capped to keep the file fast in debug builds.

use ndarray::Array3;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use rewardlab_core::mdp::MdpBuilder;
use rewardlab_rewards::RewardsError;
use rewardlab_rewards::distance::{
    Canon, CanonOptions, Dist, DistanceModel, Norm, Reward, dard_distance, epic_distance,
    regret_symmetric, starc_distance,
};

/// The STARC forms under test: `val` and `val-potential` with every norm, `minimal` with the
/// two it is defined for. The flag says whether the form is S′-redistribution invariant.
fn starc_forms() -> Vec<(Canon, Norm, bool)> {
    let mut forms = Vec::new();
    for n in Norm::ALL {
        forms.push((Canon::Val, n, true));
        forms.push((Canon::ValPotential, n, false));
    }
    forms.push((Canon::Minimal, Norm::L2, true));
    forms.push((Canon::Minimal, Norm::WeightedL2, true));
    forms
}

/// (seed, states, actions, has a terminal state, γ).
fn model_params() -> impl Strategy<Value = (u64, usize, usize, bool, f64)> {
    (
        any::<u64>(),
        3usize..=8,
        2usize..=3,
        any::<bool>(),
        0.5f64..=0.95,
    )
}

fn random_model(seed: u64, n: usize, m: usize, terminal: bool, gamma: f64) -> DistanceModel {
    let mut rng = Pcg64::seed_from_u64(seed);
    let live = if terminal { n - 1 } else { n };
    let mut b = MdpBuilder::new(n, m).gamma(gamma);
    for s in 0..live {
        for a in 0..m {
            let k = rng.random_range(1..=3);
            let mut next: Vec<usize> = Vec::with_capacity(k);
            while next.len() < k {
                let s2 = rng.random_range(0..n);
                if !next.contains(&s2) {
                    next.push(s2);
                }
            }
            let weights: Vec<f64> = next.iter().map(|_| rng.random::<f64>() + 0.05).collect();
            let total: f64 = weights.iter().sum();
            for (s2, w) in next.into_iter().zip(weights) {
                b.transition(s, a, s2, w / total, 0.0);
            }
        }
    }
    if terminal {
        b.terminal(n - 1);
    }
    b.initial(vec![1.0 / n as f64; n]);
    let mdp = b.build().expect("a random model is valid by construction");
    DistanceModel::new(&mdp).expect("a small model fits the dense limit")
}

fn random_reward(model: &DistanceModel, seed: u64) -> Reward {
    let mut rng = Pcg64::seed_from_u64(seed);
    let (n, m) = (model.n_states(), model.n_actions());
    model
        .reward(Array3::from_shape_fn((n, m, n), |_| {
            rng.random_range(-1.0..=1.0)
        }))
        .expect("finite by construction")
}

/// A potential in [−5, 5] with Φ(terminal) = 0.
fn random_phi(model: &DistanceModel, seed: u64) -> Vec<f64> {
    let mut rng = Pcg64::seed_from_u64(seed ^ 0x5851_f42d_4c95_7f2d);
    (0..model.n_states())
        .map(|s| {
            if model.mdp().is_terminal(s) {
                0.0
            } else {
                rng.random_range(-5.0..=5.0)
            }
        })
        .collect()
}

/// c·(R + γΦ(s′) − Φ(s)).
fn shaped_scaled(model: &DistanceModel, r: &Reward, phi: &[f64], c: f64) -> Reward {
    let (n, m, gamma) = (model.n_states(), model.n_actions(), model.gamma());
    let t = r.tensor();
    model
        .reward(Array3::from_shape_fn((n, m, n), |(s, a, s2)| {
            c * (t[[s, a, s2]] + gamma * phi[s2] - phi[s])
        }))
        .expect("finite")
}

/// R with reward moved between successors of every (s, a) so that Σ_{s′} τ R is unchanged:
/// arbitrary values where τ = 0, and a zero-mean move between the first two successors.
fn redistributed(model: &DistanceModel, r: &Reward, seed: u64) -> Reward {
    let mut rng = Pcg64::seed_from_u64(seed ^ 0x2545_f491_4f6c_dd1d);
    let (n, m) = (model.n_states(), model.n_actions());
    let mut out = r.tensor().clone();
    for s in 0..n {
        for a in 0..m {
            let support = model.support(s, a);
            for s2 in 0..n {
                if !support.iter().any(|&(x, _)| x == s2) {
                    out[[s, a, s2]] += rng.random_range(-3.0..=3.0);
                }
            }
            if let [(x, px), (y, py), ..] = support {
                let d = rng.random_range(-2.0..=2.0);
                out[[s, a, *x]] += d / px;
                out[[s, a, *y]] -= d / py;
            }
        }
    }
    model.reward(out).expect("finite")
}

fn fail(e: RewardsError) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

fn starc(
    model: &DistanceModel,
    x: &Reward,
    y: &Reward,
    canon: Canon,
    n: Norm,
    dist: Dist,
) -> Result<f64, TestCaseError> {
    starc_distance(model, x, y, canon, n, dist, &CanonOptions::default()).map_err(fail)
}

fn epic(model: &DistanceModel, x: &Reward, y: &Reward) -> Result<f64, TestCaseError> {
    epic_distance(model, x, y, &CanonOptions::default()).map_err(fail)
}

fn dard(model: &DistanceModel, x: &Reward, y: &Reward) -> Result<f64, TestCaseError> {
    dard_distance(model, x, y, &CanonOptions::default()).map_err(fail)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Shaping and positive scaling give STARC distance 0 for every form, and adding
    /// S′-redistribution keeps it 0 for the forms that claim that invariance.
    #[test]
    fn starc_is_zero_between_equivalent_rewards(
        (seed, n, m, terminal, gamma) in model_params(),
        scale in 0.05f64..20.0,
    ) {
        let model = random_model(seed, n, m, terminal, gamma);
        let r = random_reward(&model, seed.wrapping_add(1));
        let phi = random_phi(&model, seed);
        let shaped = shaped_scaled(&model, &r, &phi, scale);
        let full = redistributed(&model, &shaped, seed);
        for (canon, norm, redistribution) in starc_forms() {
            for dist in Dist::ALL {
                let d = starc(&model, &r, &shaped, canon, norm, dist)?;
                prop_assert!(d < 1e-9, "{canon}/{norm}-{dist}, shaped and scaled: {d}");
                if redistribution {
                    let d = starc(&model, &r, &full, canon, norm, dist)?;
                    prop_assert!(d < 1e-9, "{canon}/{norm}-{dist}, redistributed: {d}");
                }
            }
        }
    }

    /// EPIC and DARD are 0 under shaping and positive scaling (to 1e-6: see the module docs).
    #[test]
    fn epic_and_dard_are_zero_under_shaping_and_scaling(
        (seed, n, m, terminal, gamma) in model_params(),
        scale in 0.05f64..20.0,
    ) {
        let model = random_model(seed, n, m, terminal, gamma);
        let r = random_reward(&model, seed.wrapping_add(1));
        let shaped = shaped_scaled(&model, &r, &random_phi(&model, seed), scale);
        let (e, d) = (epic(&model, &r, &shaped)?, dard(&model, &r, &shaped)?);
        prop_assert!(e < 1e-6, "EPIC {e}");
        prop_assert!(d < 1e-6, "DARD {d}");
    }

    /// Every distance is symmetric, STARC satisfies the triangle inequality, and R and −R
    /// are as far apart as possible: 2 for STARC measured in its normalisation norm (and no
    /// pair is further), 1 for EPIC and DARD.
    #[test]
    fn symmetry_triangle_and_opposite_rewards(
        (seed, n, m, terminal, gamma) in model_params(),
    ) {
        let model = random_model(seed, n, m, terminal, gamma);
        let [a, b, c] = [1u64, 2, 3].map(|k| random_reward(&model, seed.wrapping_add(k)));
        let neg = model.reward(-a.tensor()).map_err(fail)?;
        for (canon, norm, _) in starc_forms() {
            for dist in Dist::ALL {
                let d = |x: &Reward, y: &Reward| starc(&model, x, y, canon, norm, dist);
                let (ab, ba, bc, ac) = (d(&a, &b)?, d(&b, &a)?, d(&b, &c)?, d(&a, &c)?);
                prop_assert!((ab - ba).abs() <= 1e-12 * (1.0 + ab), "{canon}/{norm}-{dist}");
                prop_assert!(ac <= ab + bc + 1e-12, "{canon}/{norm}-{dist}: {ac} > {ab} + {bc}");
                if dist.as_norm() == norm {
                    let opposite = d(&a, &neg)?;
                    prop_assert!((opposite - 2.0).abs() < 1e-9, "{canon}/{norm}: {opposite}");
                    prop_assert!(ab <= opposite + 1e-12 && ac <= opposite + 1e-12);
                }
            }
        }
        type Metric = fn(&DistanceModel, &Reward, &Reward) -> Result<f64, TestCaseError>;
        for (name, f) in [("EPIC", epic as Metric), ("DARD", dard as Metric)] {
            let (ab, ba) = (f(&model, &a, &b)?, f(&model, &b, &a)?);
            prop_assert!((ab - ba).abs() < 1e-12, "{name} not symmetric: {ab} vs {ba}");
            prop_assert!(ab <= 1.0 + 1e-12, "{name} {ab}");
            let opposite = f(&model, &a, &neg)?;
            prop_assert!((opposite - 1.0).abs() < 1e-9, "{name}(R, −R) = {opposite}");
        }
    }

    /// A reward close to an equivalent of R (equivalent plus a small random change) that
    /// changes the optimal policy is at a positive distance from R under every metric.
    #[test]
    fn different_optimal_policies_mean_positive_distance(
        (seed, n, m, terminal, gamma) in model_params(),
        noise in 0.05f64..1.0,
    ) {
        let model = random_model(seed, n, m, terminal, gamma);
        let a = random_reward(&model, seed.wrapping_add(1));
        let near = redistributed(&model, &shaped_scaled(&model, &a, &random_phi(&model, seed), 2.0), seed);
        let delta = random_reward(&model, seed.wrapping_add(2));
        let b = model.reward(near.tensor() + &(delta.tensor() * noise)).map_err(fail)?;
        let regret = regret_symmetric(&model, &a, &b).map_err(fail)?;
        prop_assume!(regret > 1e-9, "same optimal policies");
        for (canon, norm, redistribution) in starc_forms() {
            // val-potential would see the redistribution itself; the claim is about the others.
            if !redistribution {
                continue;
            }
            for dist in Dist::ALL {
                let d = starc(&model, &a, &b, canon, norm, dist)?;
                prop_assert!(d > 1e-9, "{canon}/{norm}-{dist}: {d} with regret {regret}");
            }
        }
        // The canonical change is the canonical delta, not round-off: well above EPIC's and
        // DARD's 1e-6 zero.
        prop_assert!(epic(&model, &a, &b)? > 1e-6);
        prop_assert!(dard(&model, &a, &b)? > 1e-6);
    }
}

/// val-potential is not S′-redistribution invariant: a redistributed reward (same Σ τR, same
/// V^π, same optimal policies) is at a positive distance, while `val` sees none.
#[test]
fn val_potential_sees_redistribution() -> Result<(), TestCaseError> {
    let model = random_model(7, 6, 3, true, 0.9);
    let r = random_reward(&model, 8);
    let moved = redistributed(&model, &r, 9);
    let vp = starc(&model, &r, &moved, Canon::ValPotential, Norm::L2, Dist::L2)?;
    let v = starc(&model, &r, &moved, Canon::Val, Norm::L2, Dist::L2)?;
    assert!(vp > 1e-2, "val-potential {vp}");
    assert!(v < 1e-9, "val {v}");
    assert!(regret_symmetric(&model, &r, &moved).map_err(fail)? < 1e-9);
    Ok(())
}
