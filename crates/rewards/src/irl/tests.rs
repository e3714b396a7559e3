//! The IRL module's theorems as tests: exact gradients, recovery up to shaping from an MCE
//! expert, finite horizons tending to the infinite one, and MaxEnt = MCE on deterministic
//! dynamics.

use ndarray::{Array2, Array3};
use rand::Rng as _;
use rewardlab_core::mdp::{Mdp, MdpBuilder};
use rewardlab_core::rng::rng_from_seed;

use super::*;
use crate::RewardsError;

/// A stochastic model with `n` states (the last terminal), 3 actions with two or three
/// successors each, random rewards and a uniform initial distribution over the others.
fn random_model(n: usize, seed: u64, gamma: f64) -> Mdp {
    let m = 3;
    let mut rng = rng_from_seed(seed);
    let mut b = MdpBuilder::new(n, m).gamma(gamma);
    for s in 0..n - 1 {
        for a in 0..m {
            let k = rng.random_range(2..=3);
            let mut weights: Vec<f64> = (0..k).map(|_| rng.random::<f64>() + 0.1).collect();
            let total: f64 = weights.iter().sum();
            weights.iter_mut().for_each(|w| *w /= total);
            let mut used = Vec::new();
            for w in weights {
                let mut next = rng.random_range(0..n);
                while used.contains(&next) {
                    next = (next + 1) % n;
                }
                used.push(next);
                b.transition(s, a, next, w, rng.random::<f64>() * 2.0 - 1.0);
            }
        }
    }
    b.terminal(n - 1);
    let mut init = vec![1.0 / (n - 1) as f64; n];
    init[n - 1] = 0.0;
    b.initial(init);
    b.build().expect("a valid random model")
}

/// A deterministic 1×5 corridor: actions left/right, the right end terminal with reward 1.
fn corridor(gamma: f64) -> Mdp {
    let n = 5;
    let mut b = MdpBuilder::new(n, 2).gamma(gamma);
    for s in 0..n - 1 {
        let left = s.saturating_sub(1);
        let right = s + 1;
        b.transition(s, 0, left, 1.0, 0.0);
        b.transition(s, 1, right, 1.0, if right == n - 1 { 1.0 } else { 0.0 });
    }
    b.terminal(n - 1);
    b.initial_state(0);
    b.build().expect("a valid corridor")
}

fn random_features(domain: Domain, mdp: &Mdp, d: usize, seed: u64) -> Features {
    let mut rng = rng_from_seed(seed);
    let rows = domain.size(mdp.n_states(), mdp.n_actions());
    let matrix = Array2::from_shape_simple_fn((rows, d), || rng.random::<f64>() * 2.0 - 1.0);
    Features::matrix(domain, matrix, mdp.n_states(), mdp.n_actions()).expect("valid features")
}

fn expert_occupancy(mdp: &Mdp, expert: Expert, horizon: Horizon) -> Array3<f64> {
    let pi = expert.policy(mdp).expect("the expert plans");
    occupancy(mdp, &Policy::Stationary(pi), horizon).expect("an occupancy")
}

#[test]
fn gradient_matches_finite_differences() -> Result<(), RewardsError> {
    let mdp = random_model(6, 3, 0.9);
    let expert = expert_occupancy(
        &mdp,
        Expert::Boltzmann { temperature: 0.7 },
        Horizon::Infinite,
    );
    for (domain, horizon) in [
        (Domain::StateAction, Horizon::Infinite),
        (Domain::Transition, Horizon::Finite(7)),
        (Domain::State, Horizon::Finite(4)),
    ] {
        let mut model = LinearReward::new(random_features(domain, &mdp, 4, 9), 6, 3)?;
        let theta = vec![0.3, -0.5, 0.8, 0.1];
        model.set_params(&theta)?;
        let (_, grad) = mce_objective(&mdp, &expert, &model, horizon, 1e-14)?;
        let h = 1e-5;
        for i in 0..theta.len() {
            let mut value_at = |x: f64| -> Result<f64, RewardsError> {
                let mut t = theta.clone();
                t[i] = x;
                model.set_params(&t)?;
                Ok(mce_objective(&mdp, &expert, &model, horizon, 1e-14)?.0)
            };
            let numeric = (value_at(theta[i] + h)? - value_at(theta[i] - h)?) / (2.0 * h);
            assert!(
                (numeric - grad[i]).abs() < 1e-6 * (1.0 + numeric.abs()),
                "{domain:?} {horizon:?} θ[{i}]: finite differences {numeric}, analytic {}",
                grad[i]
            );
        }
    }
    Ok(())
}

#[test]
fn mce_irl_recovers_an_mce_experts_reward_up_to_shaping() -> Result<(), RewardsError> {
    let mdp = random_model(6, 11, 0.9);
    let temperature = 0.5;
    let expert_pi = Expert::Mce { temperature }.policy(&mdp)?;
    let expert = occupancy(
        &mdp,
        &Policy::Stationary(expert_pi.clone()),
        Horizon::Infinite,
    )?;
    let mut model = LinearReward::new(Features::OneHot(Domain::Transition), 6, 3)?;
    let config = IrlConfig {
        learning_rate: 0.05,
        max_iterations: 20_000,
        grad_tol: 1e-8,
        occupancy_tol: 0.0,
        soft_tolerance: 1e-13,
        ..IrlConfig::default()
    };
    let fitted = mce_irl(&mdp, &expert, &mut model, &config)?;
    assert!(
        fitted.converged,
        "gradient norm {:?}",
        fitted.history.last()
    );
    let truth = Truth::new(&mdp, &expert_pi, vec![true; 6])?;
    let (starc, epic) = truth.distances(&fitted.reward)?;
    assert!(starc < 1e-4, "STARC {starc}");
    // EPIC removes shaping but not S′-redistribution, which the demonstrations cannot pin
    // down: the learned R(s, a, ·) moves along τ(·|s, a) while the truth's does not.
    assert!(epic > 0.05, "EPIC {epic}");
    // The learner's soft policy is the expert's.
    let Policy::Stationary(pi) = &fitted.policy else {
        panic!("an infinite horizon gives a stationary policy")
    };
    let gap = (pi - &expert_pi)
        .iter()
        .take(5 * 3)
        .fold(0.0f64, |m, x| m.max(x.abs()));
    assert!(gap < 1e-4, "policy gap {gap}");
    // The same run from a Boltzmann-rational expert (the wrong model of the demonstrator)
    // does not recover the reward exactly: the test above can fail.
    let boltzmann = Expert::Boltzmann { temperature }.policy(&mdp)?;
    let expert_b = occupancy(&mdp, &Policy::Stationary(boltzmann), Horizon::Infinite)?;
    let mut model = LinearReward::new(Features::OneHot(Domain::Transition), 6, 3)?;
    let fitted_b = mce_irl(&mdp, &expert_b, &mut model, &config)?;
    let (starc_b, _) = truth.distances(&fitted_b.reward)?;
    assert!(
        starc_b > 10.0 * starc.max(1e-6),
        "STARC {starc_b} from a Boltzmann expert"
    );
    Ok(())
}

#[test]
fn finite_horizon_tends_to_the_infinite_one() -> Result<(), RewardsError> {
    let mdp = random_model(7, 5, 0.8);
    let model = {
        let mut m = LinearReward::new(random_features(Domain::StateAction, &mdp, 3, 2), 7, 3)?;
        m.set_params(&[1.0, -0.4, 0.6])?;
        m
    };
    let rewarded = mdp.map_rewards(|s, a, n, _| model.reward()[[s, a, n]])?;
    let inf = soft_plan(&rewarded, Horizon::Infinite, None, 1e-14)?;
    let rho_inf = occupancy(&rewarded, &inf.policy, Horizon::Infinite)?;
    let mut previous = f64::INFINITY;
    for h in [5, 20, 80, 160] {
        let fin = soft_plan(&rewarded, Horizon::Finite(h), None, 1e-14)?;
        let rho = occupancy(&rewarded, &fin.policy, Horizon::Finite(h))?;
        let gap = (&rho - &rho_inf).iter().fold(0.0f64, |m, x| m.max(x.abs()));
        let v_gap = fin
            .values
            .iter()
            .zip(&inf.values)
            .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
        assert!(
            gap < previous,
            "H = {h}: occupancy gap {gap} did not shrink"
        );
        previous = gap;
        if h == 160 {
            assert!(gap < 1e-9 && v_gap < 1e-9, "H = 160: gaps {gap}, {v_gap}");
        }
    }
    // Fitted rewards agree too: one expert, both horizons, the same learned class.
    let expert_pi = Expert::Mce { temperature: 1.0 }.policy(&mdp)?;
    let config = IrlConfig {
        learning_rate: 0.05,
        max_iterations: 3000,
        occupancy_tol: 1e-9,
        ..IrlConfig::default()
    };
    let fit_with = |horizon: Horizon, config: &IrlConfig| -> Result<Vec<f64>, RewardsError> {
        let expert = occupancy(&mdp, &Policy::Stationary(expert_pi.clone()), horizon)?;
        let mut m = LinearReward::new(random_features(Domain::StateAction, &mdp, 3, 2), 7, 3)?;
        Ok(mce_irl(&mdp, &expert, &mut m, config)?.params)
    };
    let theta_inf = fit_with(Horizon::Infinite, &config)?;
    let long = IrlConfig {
        horizon: Some(150),
        ..config.clone()
    };
    let theta_fin = fit_with(Horizon::Finite(150), &long)?;
    let gap = theta_inf
        .iter()
        .zip(&theta_fin)
        .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
    assert!(gap < 1e-3, "θ∞ {theta_inf:?} vs θ150 {theta_fin:?}");
    Ok(())
}

#[test]
fn maxent_equals_finite_horizon_mce_on_deterministic_dynamics() -> Result<(), RewardsError> {
    // Ziebart's undiscounted setting; the expert is optimal for γ = 0.9 (with γ = 1 and no
    // step cost, dawdling would be optimal too).
    let mdp = corridor(1.0);
    let pi = Expert::Optimal.policy(&corridor(0.9))?;
    let expert = occupancy(&mdp, &Policy::Stationary(pi), Horizon::Finite(6))?;
    // The optimal expert walks right: one visit to each of states 0..3.
    for s in 0..4 {
        assert!((expert[[s, 1, s + 1]] - 1.0).abs() < 1e-12);
    }
    let config = IrlConfig {
        horizon: Some(6),
        max_iterations: 40,
        occupancy_tol: 0.0,
        grad_tol: 0.0,
        ..IrlConfig::default()
    };
    let mut a = LinearReward::new(Features::OneHot(Domain::State), 5, 2)?;
    let mut b = a.clone();
    let maxent = maxent_irl(&mdp, &expert, &mut a, &config)?;
    let mce = mce_irl(&mdp, &expert, &mut b, &config)?;
    for (x, y) in maxent.history.iter().zip(&mce.history) {
        assert!(
            (x.objective - y.objective).abs() < 1e-10 && (x.grad_norm - y.grad_norm).abs() < 1e-10
        );
    }
    let gap = maxent
        .params
        .iter()
        .zip(&mce.params)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()));
    assert!(gap < 1e-10, "{:?} vs {:?}", maxent.params, mce.params);
    // The learned state reward rises along the expert's path.
    assert!(maxent.params[3] > maxent.params[0], "{:?}", maxent.params);
    // Stochastic dynamics and an infinite horizon are refused with a reason.
    let noisy = random_model(5, 1, 0.9);
    let e = expert_occupancy(&noisy, Expert::Optimal, Horizon::Finite(6));
    let err = maxent_irl(&noisy, &e, &mut a, &config).expect_err("stochastic");
    assert!(err.to_string().contains("deterministic"), "{err}");
    let inf = IrlConfig {
        horizon: None,
        ..config
    };
    let err = maxent_irl(&mdp, &expert, &mut a, &inf).expect_err("infinite");
    assert!(err.to_string().contains("finite horizon"), "{err}");
    Ok(())
}

#[test]
fn experts_and_behaviour_cloning_by_hand() -> Result<(), RewardsError> {
    let mdp = corridor(0.9);
    let optimal = Expert::Optimal.policy(&mdp)?;
    for s in 0..4 {
        assert_eq!(optimal.row(s).to_vec(), vec![0.0, 1.0]);
    }
    // Boltzmann over Q*: at state 3, Q*(right) = 1 and Q*(left) = γ·V*(2) = 0.9² = 0.81.
    let b = Expert::Boltzmann { temperature: 0.5 }.policy(&mdp)?;
    let want = 1.0 / (1.0 + ((0.81 - 1.0) / 0.5f64).exp());
    assert!((b[[3, 1]] - want).abs() < 1e-9, "{}", b[[3, 1]]);
    let counts = ndarray::array![[3.0, 1.0], [0.0, 0.0]];
    let bc = behaviour_cloning(&counts)?;
    assert_eq!(bc, ndarray::array![[0.75, 0.25], [0.5, 0.5]]);
    assert!(behaviour_cloning(&ndarray::array![[-1.0, 0.0]]).is_err());
    Ok(())
}

#[test]
fn truth_reports_policy_match_and_returns() -> Result<(), RewardsError> {
    let mdp = corridor(0.9);
    let expert = Expert::Optimal.policy(&mdp)?;
    let visited = vec![true, true, false, false, false];
    let truth = Truth::new(&mdp, &expert, visited)?;
    // "Always left" matches nowhere; "left in state 0 only" matches 3 of 4 states.
    let (v, all) = truth.policy_match(&[0, 0, 0, 0, 0]);
    assert_eq!((v, all), (0.0, 0.0));
    let (v, all) = truth.policy_match(&[0, 1, 1, 1, 1]);
    assert_eq!((v, all), (0.5, 0.75));
    // The true reward judged against itself: distance 0, full match, the expert's return.
    let report = truth.judge_reward("mce", &truth.reward().clone())?;
    assert_eq!(report.policy_match_all, 1.0);
    assert!(report.starc.is_some_and(|d| d < 1e-9), "{report:?}");
    assert!((report.true_return_learned - 0.9f64.powi(3)).abs() < 1e-12);
    assert!((report.true_return_expert - report.true_return_learned).abs() < 1e-12);
    // A reward that pays for walking left is far from the truth.
    let mut wrong = Array3::zeros((5, 2, 5));
    wrong[[1, 0, 0]] = 1.0;
    let report = truth.judge_reward("mce", &wrong)?;
    assert!(
        report.starc.is_some_and(|d| d > 0.5) && report.policy_match_visited < 1.0,
        "{report:?}"
    );
    Ok(())
}

#[test]
fn learned_rewards_are_zero_where_nothing_is_collected() -> Result<(), RewardsError> {
    // A next-state reward equal to the truth: +1 for arriving at the goal. Its one-hot
    // parameter also lands in the goal's own (terminal) row, which no policy can collect.
    let mdp = corridor(0.9);
    let mut model = LinearReward::new(Features::OneHot(Domain::NextState), 5, 2)?;
    model.set_params(&[0.0, 0.0, 0.0, 0.0, 1.0])?;
    assert_eq!(model.reward()[[4, 0, 4]], 1.0);
    let expert = Expert::Optimal.policy(&mdp)?;
    let truth = Truth::new(&mdp, &expert, vec![true; 5])?;
    let (starc, _) = truth.distances(&model.reward())?;
    assert!(starc < 1e-9, "terminal rows must not count: STARC {starc}");
    // Fits hand back tensors with those rows zeroed.
    let rho = occupancy(&mdp, &Policy::Stationary(expert), Horizon::Infinite)?;
    let config = IrlConfig {
        max_iterations: 5,
        ..IrlConfig::default()
    };
    let fitted = mce_irl(&mdp, &rho, &mut model, &config)?;
    assert!(
        fitted
            .reward
            .index_axis(ndarray::Axis(0), 4)
            .iter()
            .all(|&r| r == 0.0)
    );
    assert!(
        fitted.params[4] > 1.0,
        "the goal parameter itself is learned: {:?}",
        fitted.params
    );
    // A feature matrix of the wrong height is refused, not a panic later.
    let short = Features::Matrix {
        domain: Domain::State,
        matrix: Array2::zeros((3, 2)),
    };
    assert!(LinearReward::new(short, 5, 2).is_err());
    Ok(())
}

#[test]
fn l2_shrinks_the_fit_and_a_seed_fixes_the_start() -> Result<(), RewardsError> {
    let mdp = random_model(6, 4, 0.9);
    let expert = expert_occupancy(&mdp, Expert::Mce { temperature: 0.5 }, Horizon::Infinite);
    let fit = |l2: f64, init_scale: f64, seed: u64| -> Result<IrlResult, RewardsError> {
        let mut model = LinearReward::new(Features::OneHot(Domain::StateAction), 6, 3)?;
        let config = IrlConfig {
            l2,
            init_scale,
            seed,
            learning_rate: 0.05,
            max_iterations: 5000,
            grad_tol: 1e-7,
            occupancy_tol: 0.0,
            ..IrlConfig::default()
        };
        mce_irl(&mdp, &expert, &mut model, &config)
    };
    let norm = |p: &[f64]| p.iter().map(|x| x * x).sum::<f64>().sqrt();
    let plain = fit(0.0, 0.0, 0)?;
    let ridge = fit(0.5, 0.0, 0)?;
    assert!(ridge.converged, "{:?}", ridge.history.last());
    // At the regularised optimum the occupancy gap balances λθ, so the fit is smaller and
    // the learner no longer matches the expert exactly.
    assert!(norm(&ridge.params) < 0.9 * norm(&plain.params));
    let gap = |r: &IrlResult| r.history.last().map_or(f64::NAN, |h| h.occupancy_gap);
    assert!(
        gap(&ridge) > 10.0 * gap(&plain),
        "{} vs {}",
        gap(&ridge),
        gap(&plain)
    );
    // A random start is a function of the seed.
    let a = fit(0.0, 0.3, 7)?;
    let b = fit(0.0, 0.3, 7)?;
    let c = fit(0.0, 0.3, 8)?;
    assert_eq!(a.history[0], b.history[0]);
    assert_ne!(a.history[0], c.history[0]);
    Ok(())
}
