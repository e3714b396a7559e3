//! Models shared by the planning tests: a hand-checkable chain, a small grid and seeded random
//! MDPs (stochastic or deterministic, with a terminal state and a random start distribution).

use ndarray::Array2;
use rand::Rng;

use super::{Mdp, MdpBuilder};
use crate::rng::rng_from_seed;

/// 0 -a0-> 1 (r = −1), 1 -a0-> 2 (r = 10, terminal); a1 stays with r = 0. γ = 0.9, start 0.
///
/// Optimal: V(2) = 0, V(1) = 10, V(0) = −1 + 0.9·10 = 8; both states take a0.
pub(crate) fn chain() -> Mdp {
    let mut b = MdpBuilder::new(3, 2).gamma(0.9);
    b.transition(0, 0, 1, 1.0, -1.0)
        .transition(1, 0, 2, 1.0, 10.0)
        .transition(0, 1, 0, 1.0, 0.0)
        .transition(1, 1, 1, 1.0, 0.0)
        .terminal(2)
        .initial_state(0);
    b.build().expect("the chain is a valid model")
}

/// A `w`×`h` open grid, actions up/right/down/left (blocked moves stay put), reward −1 per
/// step, absorbing goal in the last cell, uniform start.
pub(crate) fn grid(w: usize, h: usize, gamma: f64) -> Mdp {
    let mut b = MdpBuilder::new(w * h, 4).gamma(gamma);
    let goal = w * h - 1;
    for y in 0..h {
        for x in 0..w {
            let s = y * w + x;
            if s == goal {
                continue;
            }
            let moves = [
                (x, y.saturating_sub(1)),
                ((x + 1).min(w - 1), y),
                (x, (y + 1).min(h - 1)),
                (x.saturating_sub(1), y),
            ];
            for (a, (nx, ny)) in moves.into_iter().enumerate() {
                b.transition(s, a, ny * w + nx, 1.0, -1.0);
            }
        }
    }
    b.terminal(goal);
    b.build().expect("the grid is a valid model")
}

/// A square `w`×`w` slippery grid: the chosen move (up/right/down/left, blocked moves stay
/// put) happens with probability 1 − 2·`slip`, each perpendicular move with `slip`. Every step
/// pays `reward`; the last cell is an absorbing goal; start in 0. The model is symmetric about
/// the diagonal, so mirror states have equal values and diagonal states tie right/down.
pub(crate) fn slippery_grid(w: usize, slip: f64, gamma: f64, reward: f64) -> Mdp {
    let mut b = MdpBuilder::new(w * w, 4).gamma(gamma);
    let goal = w * w - 1;
    for y in 0..w {
        for x in 0..w {
            let s = y * w + x;
            if s == goal {
                continue;
            }
            let target = |d: usize| {
                let (nx, ny) = match d {
                    0 => (x, y.saturating_sub(1)),
                    1 => ((x + 1).min(w - 1), y),
                    2 => (x, (y + 1).min(w - 1)),
                    _ => (x.saturating_sub(1), y),
                };
                ny * w + nx
            };
            for a in 0..4 {
                for (d, p) in [
                    (a, 1.0 - 2.0 * slip),
                    ((a + 1) % 4, slip),
                    ((a + 3) % 4, slip),
                ] {
                    b.transition(s, a, target(d), p, reward);
                }
            }
        }
    }
    b.terminal(goal).initial_state(0);
    b.build().expect("the slippery grid is a valid model")
}

/// A seeded random model: up to 3 successors per row (1 when `deterministic`), rewards in
/// [−1, 1], the last state terminal (when there are two or more), a random start distribution.
pub(crate) fn random_mdp(
    seed: u64,
    n_states: usize,
    n_actions: usize,
    deterministic: bool,
    gamma: f64,
) -> Mdp {
    let mut rng = rng_from_seed(seed);
    let mut b = MdpBuilder::new(n_states, n_actions).gamma(gamma);
    let terminal = (n_states > 1).then_some(n_states - 1);
    for s in 0..n_states {
        if Some(s) == terminal {
            continue;
        }
        for a in 0..n_actions {
            let k = if deterministic {
                1
            } else {
                rng.random_range(1..=3.min(n_states))
            };
            // Distinct successors, so each (s, a, s′) gets one continuous random reward.
            let nexts = rand::seq::index::sample(&mut rng, n_states, k);
            let weights: Vec<f64> = (0..k).map(|_| rng.random::<f64>() + 0.05).collect();
            let total: f64 = weights.iter().sum();
            for (next, w) in nexts.into_iter().zip(weights) {
                let reward = rng.random_range(-1.0..1.0);
                b.transition(s, a, next, w / total, reward);
            }
        }
    }
    if let Some(t) = terminal {
        b.terminal(t);
    }
    let start: Vec<f64> = (0..n_states).map(|_| rng.random::<f64>() + 0.01).collect();
    let total: f64 = start.iter().sum();
    b.initial(start.into_iter().map(|p| p / total).collect());
    b.build().expect("random models are valid by construction")
}

/// A seeded random stochastic policy; some entries are exactly 0.
pub(crate) fn random_policy(seed: u64, n_states: usize, n_actions: usize) -> Array2<f64> {
    let mut rng = rng_from_seed(seed ^ 0x5eed_0f90_11c7);
    let mut policy = Array2::from_shape_fn((n_states, n_actions), |_| {
        let x: f64 = rng.random();
        if x < 0.2 { 0.0 } else { x }
    });
    for mut row in policy.rows_mut() {
        if row.sum() == 0.0 {
            row[0] = 1.0;
        }
        let total = row.sum();
        row.mapv_inplace(|p| p / total);
    }
    policy
}
