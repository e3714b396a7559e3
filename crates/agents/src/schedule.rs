//! Scalar schedules used by the agents, in `f64` like the Python references.
//!
//! - [`linear`] is CleanRL's `linear_schedule` (DQN's ε): a straight line from `start` to
//!   `end` over `duration`, then held at `end`. It is evaluated as `slope·t + start` in the
//!   same order as CleanRL so the values agree bit for bit.
//! - [`anneal_fraction`] is CleanRL PPO's learning-rate factor, computed before each
//!   iteration's rollout: the first iteration gets the full rate and the last one
//!   `1/num_iterations` of it (never 0).

/// Linear interpolation from `start` (at `t = 0`) to `end` (at `t = duration`), held at `end`
/// afterwards.
///
/// Times before 0 give `start`; a `duration` of 0 (or less) gives `end` at every `t`.
/// Works for rising as well as falling schedules; the value never overshoots `end`.
pub fn linear(start: f64, end: f64, duration: f64, t: f64) -> f64 {
    if duration <= 0.0 || t >= duration {
        return end;
    }
    if t <= 0.0 {
        return start;
    }
    let slope = (end - start) / duration;
    let value = slope * t + start;
    // Rounding near `duration` may step a hair past `end`; clamp like CleanRL's max().
    if end <= start {
        value.max(end)
    } else {
        value.min(end)
    }
}

/// CleanRL's learning-rate annealing factor `1 − (iteration − 1) / num_iterations` for a
/// 1-based `iteration`.
///
/// `iteration = 0` is treated as 1, iterations past `num_iterations + 1` are clamped to 0
/// rather than going negative, and `num_iterations = 0` gives 1 (no annealing).
pub fn anneal_fraction(iteration: u64, num_iterations: u64) -> f64 {
    if num_iterations == 0 {
        return 1.0;
    }
    let done = iteration.saturating_sub(1) as f64;
    (1.0 - done / num_iterations as f64).max(0.0)
}

/// The first multiple of `every` strictly after `step` (`u64::MAX` when `every` is 0: never).
pub fn next_multiple(step: u64, every: u64) -> u64 {
    step.checked_div(every)
        .map_or(u64::MAX, |k| (k + 1).saturating_mul(every))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_hand_computed_epsilon() {
        // CleanRL DQN defaults: ε 1.0 → 0.05 over 0.5 · 500000 = 250000 steps.
        let eps = |t: f64| linear(1.0, 0.05, 250_000.0, t);
        assert_eq!(eps(0.0), 1.0);
        // slope = −0.95 / 250000 = −3.8e-6; at t = 125000: 1 − 0.475 = 0.525.
        assert!((eps(125_000.0) - 0.525).abs() < 1e-12);
        assert!((eps(50_000.0) - 0.81).abs() < 1e-12);
        assert_eq!(eps(250_000.0), 0.05);
        assert_eq!(eps(400_000.0), 0.05);
        // Bit-for-bit the same expression as CleanRL's `slope * t + start`.
        let slope = (0.05 - 1.0) / 250_000.0;
        assert_eq!(eps(12_345.0), slope * 12_345.0 + 1.0);
    }

    #[test]
    fn linear_rising_and_degenerate() {
        // 0 → 2 over 4: 0.5 per unit.
        assert_eq!(linear(0.0, 2.0, 4.0, 1.0), 0.5);
        assert_eq!(linear(0.0, 2.0, 4.0, 3.0), 1.5);
        assert_eq!(linear(0.0, 2.0, 4.0, 9.0), 2.0);
        assert_eq!(linear(0.0, 2.0, 4.0, -1.0), 0.0);
        assert_eq!(linear(1.0, 0.1, 0.0, 0.0), 0.1);
        assert_eq!(linear(1.0, 0.1, 0.0, 5.0), 0.1);
        // Constant schedule.
        assert_eq!(linear(0.3, 0.3, 10.0, 4.0), 0.3);
    }

    #[test]
    fn linear_stays_between_start_and_end() {
        for (start, end) in [(1.0, 0.05), (0.05, 1.0)] {
            let (lo, hi) = if start < end {
                (start, end)
            } else {
                (end, start)
            };
            for i in 0..=1000 {
                let v = linear(start, end, 7.0, f64::from(i) * 0.01);
                assert!((lo..=hi).contains(&v), "{v}");
            }
        }
    }

    #[test]
    fn anneal_fraction_hand_computed() {
        // 4 iterations: 1, 0.75, 0.5, 0.25 — never 0 within the run.
        let got: Vec<f64> = (1..=4).map(|i| anneal_fraction(i, 4)).collect();
        assert_eq!(got, [1.0, 0.75, 0.5, 0.25]);
        // CleanRL CartPole: 500000 // 512 = 976 iterations; the last uses lr/976.
        assert_eq!(anneal_fraction(976, 976), 1.0 - 975.0 / 976.0);
        assert!((anneal_fraction(976, 976) - 1.0 / 976.0).abs() < 1e-15);
        assert_eq!(anneal_fraction(0, 4), 1.0);
        assert_eq!(anneal_fraction(9, 4), 0.0);
        assert_eq!(anneal_fraction(3, 0), 1.0);
    }
}
