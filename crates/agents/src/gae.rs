//! Generalised advantage estimation (Schulman et al. 2016) over a step-major rollout.
//!
//! The rollout comes from a vector env with *same-step* autoreset: when step `t` ends the
//! episode of env `e`, the observation stored for step `t + 1` is already the reset
//! observation of the next episode, so `values[t + 1]` must not be used as the bootstrap for
//! step `t`. Each step therefore picks its own "next value":
//!
//! | flags produced by step `t`     | next value                     | trace continues |
//! |--------------------------------|--------------------------------|-----------------|
//! | terminated (whatever truncated)| `0`                            | no              |
//! | truncated only                 | `final_values[t]` = V(final obs)| no             |
//! | neither                        | `values[t + 1]` / `last_values`| yes             |
//!
//! This differs from CleanRL, which merges the two flags and never bootstraps on truncation;
//! it matches SB3's effect (SB3 folds `γ·V(final obs)` into the reward, then cuts the trace).
//!
//! Arithmetic is `f32` throughout, in the same operation order as CleanRL
//! (`delta = r + γ·next − V`, `A = delta + γλ·c·A'`, `R = A + V`), so results agree with a
//! float32 reference bit for bit on the same inputs.

/// Errors from [`compute_gae`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GaeError {
    /// `n_envs` was zero.
    #[error("n_envs must be at least 1")]
    ZeroEnvs,
    /// The rollout length is not a whole number of steps of `n_envs` envs.
    #[error("rewards has {len} entries, not a multiple of n_envs = {n_envs}")]
    NotStepMajor {
        /// Length of `rewards`.
        len: usize,
        /// Number of envs.
        n_envs: usize,
    },
    /// A buffer's length disagrees with the rollout shape.
    #[error("{buffer} has {got} entries, expected {expected}")]
    LengthMismatch {
        /// Name of the offending buffer.
        buffer: &'static str,
        /// Length implied by `rewards.len()` and `n_envs`.
        expected: usize,
        /// Actual length.
        got: usize,
    },
}

/// Inputs of [`compute_gae`].
///
/// Buffers are step-major: index `t * n_envs + e`, `t in 0..num_steps`.
#[derive(Debug, Clone, Copy)]
pub struct GaeInput<'a> {
    /// Reward produced by step `t`.
    pub rewards: &'a [f32],
    /// `V(obs_t)`, the value of the observation the action of step `t` was chosen from.
    pub values: &'a [f32],
    /// `terminated` produced by step `t`.
    pub terminated: &'a [bool],
    /// `truncated` produced by step `t`.
    pub truncated: &'a [bool],
    /// `V(final obs)` of the episode that ended at step `t`; read only where
    /// `truncated && !terminated`, so other entries may hold anything (NaN included).
    pub final_values: &'a [f32],
    /// `n_envs` entries: `V(obs after the last step)`.
    pub last_values: &'a [f32],
    /// Number of envs interleaved in each step.
    pub n_envs: usize,
    /// Discount factor γ.
    pub gamma: f32,
    /// GAE λ.
    pub lambda: f32,
}

impl GaeInput<'_> {
    /// Checks every buffer against the shape implied by `rewards` and `n_envs`; returns the
    /// number of entries.
    fn validate(&self) -> Result<usize, GaeError> {
        if self.n_envs == 0 {
            return Err(GaeError::ZeroEnvs);
        }
        let len = self.rewards.len();
        if !len.is_multiple_of(self.n_envs) {
            return Err(GaeError::NotStepMajor {
                len,
                n_envs: self.n_envs,
            });
        }
        check_len("values", len, self.values.len())?;
        check_len("terminated", len, self.terminated.len())?;
        check_len("truncated", len, self.truncated.len())?;
        check_len("final_values", len, self.final_values.len())?;
        check_len("last_values", self.n_envs, self.last_values.len())?;
        Ok(len)
    }
}

fn check_len(buffer: &'static str, expected: usize, got: usize) -> Result<(), GaeError> {
    if expected == got {
        Ok(())
    } else {
        Err(GaeError::LengthMismatch {
            buffer,
            expected,
            got,
        })
    }
}

/// Computes GAE advantages and returns (`advantages + values`) into the given buffers, which
/// must have the same length as `input.rewards`.
///
/// See the module docs for how termination and truncation are handled; when both flags are
/// set, termination wins.
pub fn compute_gae(
    input: &GaeInput<'_>,
    advantages: &mut [f32],
    returns: &mut [f32],
) -> Result<(), GaeError> {
    let len = input.validate()?;
    check_len("advantages", len, advantages.len())?;
    check_len("returns", len, returns.len())?;
    let n = input.n_envs;
    let gl = input.gamma * input.lambda;
    for i in (0..len).rev() {
        let (next_value, continues) = if input.terminated[i] {
            (0.0, false)
        } else if input.truncated[i] {
            (input.final_values[i], false)
        } else if i + n < len {
            (input.values[i + n], true)
        } else {
            (input.last_values[i % n], true)
        };
        let delta = input.rewards[i] + input.gamma * next_value - input.values[i];
        // Skipping the term (rather than multiplying it by 0 as CleanRL does) gives the same
        // value for finite inputs and keeps a non-finite advantage of the next episode from
        // leaking across the cut. The last step has no later advantage to add.
        advantages[i] = if continues && i + n < len {
            delta + gl * advantages[i + n]
        } else {
            delta
        };
        returns[i] = advantages[i] + input.values[i];
    }
    Ok(())
}

/// `1 − Var(R − V) / Var(R)` with population variances, computed in `f64`.
///
/// 1 means the values predict the returns perfectly, 0 means no better than a constant, and
/// negative means worse. NaN when `Var(R) = 0`, when the slices are empty, or when their
/// lengths differ.
pub fn explained_variance(values: &[f32], returns: &[f32]) -> f64 {
    if values.len() != returns.len() || returns.is_empty() {
        return f64::NAN;
    }
    let var_returns = population_variance(returns.iter().map(|&r| f64::from(r)));
    if var_returns == 0.0 {
        return f64::NAN;
    }
    let residuals = values
        .iter()
        .zip(returns)
        .map(|(&v, &r)| f64::from(r) - f64::from(v));
    1.0 - population_variance(residuals) / var_returns
}

/// Two-pass population variance (numerically safer than the sum-of-squares form).
fn population_variance(xs: impl Iterator<Item = f64> + Clone) -> f64 {
    let (sum, count) = xs.clone().fold((0.0, 0usize), |(s, c), x| (s + x, c + 1));
    let mean = sum / count as f64;
    xs.map(|x| (x - mean) * (x - mean)).sum::<f64>() / count as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NAN: f32 = f32::NAN;

    #[derive(Debug)]
    struct Rollout {
        rewards: Vec<f32>,
        values: Vec<f32>,
        terminated: Vec<bool>,
        truncated: Vec<bool>,
        final_values: Vec<f32>,
        last_values: Vec<f32>,
        n_envs: usize,
    }

    impl Rollout {
        /// The 1-env, 3-step rollout the hand computations below use: r = [1, 2, 3],
        /// V = [0.5, 1, 1.5], V(last) = 2, V(final obs at step 1) = 4, flags at step 1 only.
        fn single(terminated: bool, truncated: bool) -> Self {
            Self {
                rewards: vec![1.0, 2.0, 3.0],
                values: vec![0.5, 1.0, 1.5],
                terminated: vec![false, terminated, false],
                truncated: vec![false, truncated, false],
                // NaN where the value must not be read.
                final_values: vec![NAN, 4.0, NAN],
                last_values: vec![2.0],
                n_envs: 1,
            }
        }

        fn gae(&self, gamma: f32, lambda: f32) -> Result<(Vec<f32>, Vec<f32>), GaeError> {
            let mut adv = vec![0.0; self.rewards.len()];
            let mut ret = vec![0.0; self.rewards.len()];
            let input = GaeInput {
                rewards: &self.rewards,
                values: &self.values,
                terminated: &self.terminated,
                truncated: &self.truncated,
                final_values: &self.final_values,
                last_values: &self.last_values,
                n_envs: self.n_envs,
                gamma,
                lambda,
            };
            compute_gae(&input, &mut adv, &mut ret)?;
            Ok((adv, ret))
        }
    }

    fn assert_close(got: &[f32], want: &[f32]) {
        assert_eq!(got.len(), want.len());
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(
                (g - w).abs() <= 1e-5 * (1.0 + w.abs()),
                "[{i}]: got {g}, want {w}"
            );
        }
    }

    // γ = 0.9, λ = 0.8, γλ = 0.72 throughout the hand-computed cases.

    #[test]
    fn no_done_hand_computed() -> Result<(), GaeError> {
        // δ2 = 3 + 0.9·2 − 1.5 = 3.3;  A2 = 3.3
        // δ1 = 2 + 0.9·1.5 − 1 = 2.35; A1 = 2.35 + 0.72·3.3 = 4.726
        // δ0 = 1 + 0.9·1 − 0.5 = 1.4;  A0 = 1.4 + 0.72·4.726 = 4.80272
        let (adv, ret) = Rollout::single(false, false).gae(0.9, 0.8)?;
        assert_close(&adv, &[4.80272, 4.726, 3.3]);
        assert_close(&ret, &[5.30272, 5.726, 4.8]);
        Ok(())
    }

    #[test]
    fn terminated_hand_computed() -> Result<(), GaeError> {
        // δ1 = 2 + 0 − 1 = 1, trace cut: A1 = 1; A0 = 1.4 + 0.72·1 = 2.12.
        let (adv, ret) = Rollout::single(true, false).gae(0.9, 0.8)?;
        assert_close(&adv, &[2.12, 1.0, 3.3]);
        assert_close(&ret, &[2.62, 2.0, 4.8]);
        Ok(())
    }

    #[test]
    fn truncated_bootstraps_from_final_value() -> Result<(), GaeError> {
        // δ1 = 2 + 0.9·4 − 1 = 4.6, trace cut: A1 = 4.6; A0 = 1.4 + 0.72·4.6 = 4.712.
        let (adv, ret) = Rollout::single(false, true).gae(0.9, 0.8)?;
        assert_close(&adv, &[4.712, 4.6, 3.3]);
        assert_close(&ret, &[5.212, 5.6, 4.8]);
        Ok(())
    }

    #[test]
    fn both_flags_is_terminated() -> Result<(), GaeError> {
        let (adv, ret) = Rollout::single(true, true).gae(0.9, 0.8)?;
        assert_close(&adv, &[2.12, 1.0, 3.3]);
        assert_close(&ret, &[2.62, 2.0, 4.8]);
        Ok(())
    }

    #[test]
    fn two_envs_interleaved() -> Result<(), GaeError> {
        // Env 0: the no-done rollout above. Env 1: r = [0, 1, 0], V = [1, 1, 1], terminated
        // at step 0, V(last) = 10:
        // δ2 = 0 + 9 − 1 = 8; A2 = 8
        // δ1 = 1 + 0.9 − 1 = 0.9; A1 = 0.9 + 0.72·8 = 6.66
        // δ0 = 0 − 1 = −1 (terminated); A0 = −1
        let r = Rollout {
            rewards: vec![1.0, 0.0, 2.0, 1.0, 3.0, 0.0],
            values: vec![0.5, 1.0, 1.0, 1.0, 1.5, 1.0],
            terminated: vec![false, true, false, false, false, false],
            truncated: vec![false; 6],
            final_values: vec![NAN; 6],
            last_values: vec![2.0, 10.0],
            n_envs: 2,
        };
        let (adv, ret) = r.gae(0.9, 0.8)?;
        assert_close(&adv, &[4.80272, -1.0, 4.726, 6.66, 3.3, 8.0]);
        assert_close(&ret, &[5.30272, 0.0, 5.726, 7.66, 4.8, 9.0]);
        Ok(())
    }

    /// A rollout of 1 env with a termination at step 2 and a truncation at step 5.
    fn long_rollout() -> Rollout {
        Rollout {
            rewards: vec![0.5, -1.0, 2.0, 1.0, 0.25, 3.0, -0.5, 1.5],
            values: vec![1.0, 0.5, -0.5, 2.0, 1.0, 0.0, 0.75, 1.25],
            terminated: vec![false, false, true, false, false, false, false, false],
            truncated: vec![false, false, false, false, false, true, false, false],
            final_values: vec![NAN, NAN, NAN, NAN, NAN, 2.5, NAN, NAN],
            last_values: vec![-2.0],
            n_envs: 1,
        }
    }

    #[test]
    fn lambda_one_is_bootstrapped_monte_carlo_return() -> Result<(), GaeError> {
        let r = long_rollout();
        let gamma = 0.9;
        // Discounted sum of rewards to the end of each episode segment, plus γ^k times the
        // segment's bootstrap value (0 after termination, V(final obs) after truncation,
        // V(last) at the end of the rollout), computed forwards in f64 per start step.
        let bootstrap = |end: usize| -> f64 {
            match end {
                2 => 0.0,
                5 => 2.5,
                _ => -2.0,
            }
        };
        let mut want = Vec::new();
        for start in 0..8 {
            let end = (start..8)
                .find(|&t| r.terminated[t] || r.truncated[t] || t == 7)
                .unwrap_or(7);
            let boot = bootstrap(end);
            let mut g = 0.0f64;
            let mut disc = 1.0f64;
            for t in start..=end {
                g += disc * f64::from(r.rewards[t]);
                disc *= f64::from(gamma);
            }
            want.push((g + disc * boot) as f32);
        }
        let (_, ret) = r.gae(gamma, 1.0)?;
        assert_close(&ret, &want);
        Ok(())
    }

    #[test]
    fn lambda_zero_is_one_step_td() -> Result<(), GaeError> {
        let r = long_rollout();
        // next = V[t+1], except 0 at t = 2 (terminated), 2.5 at t = 5 (truncated), −2 at t = 7.
        let next = [0.5, -0.5, 0.0, 1.0, 0.0, 2.5, 1.25, -2.0];
        let want_ret: Vec<f32> = (0..8).map(|t| r.rewards[t] + 0.9 * next[t]).collect();
        let want_adv: Vec<f32> = (0..8).map(|t| want_ret[t] - r.values[t]).collect();
        let (adv, ret) = r.gae(0.9, 0.0)?;
        assert_close(&adv, &want_adv);
        assert_close(&ret, &want_ret);
        Ok(())
    }

    #[test]
    fn non_finite_next_episode_does_not_leak_across_a_cut() -> Result<(), GaeError> {
        let mut r = Rollout::single(true, false);
        r.rewards[2] = f32::INFINITY;
        let (adv, _) = r.gae(0.9, 0.8)?;
        assert_close(&adv[..2], &[2.12, 1.0]);
        Ok(())
    }

    #[test]
    fn length_errors_name_the_buffer() {
        let mut r = Rollout::single(false, false);
        r.final_values.pop();
        assert_eq!(
            r.gae(0.9, 0.8),
            Err(GaeError::LengthMismatch {
                buffer: "final_values",
                expected: 3,
                got: 2
            })
        );
        let mut r = Rollout::single(false, false);
        r.last_values.push(0.0);
        assert!(matches!(
            r.gae(0.9, 0.8),
            Err(GaeError::LengthMismatch {
                buffer: "last_values",
                ..
            })
        ));
        let mut r = Rollout::single(false, false);
        r.n_envs = 2;
        assert_eq!(
            r.gae(0.9, 0.8),
            Err(GaeError::NotStepMajor { len: 3, n_envs: 2 })
        );
        r.n_envs = 0;
        assert_eq!(r.gae(0.9, 0.8), Err(GaeError::ZeroEnvs));

        let r = Rollout::single(false, false);
        let input = GaeInput {
            rewards: &r.rewards,
            values: &r.values,
            terminated: &r.terminated,
            truncated: &r.truncated,
            final_values: &r.final_values,
            last_values: &r.last_values,
            n_envs: 1,
            gamma: 0.9,
            lambda: 0.8,
        };
        let mut adv = vec![0.0; 3];
        let mut ret = vec![0.0; 4];
        assert!(matches!(
            compute_gae(&input, &mut adv, &mut ret),
            Err(GaeError::LengthMismatch {
                buffer: "returns",
                ..
            })
        ));
    }

    #[test]
    fn explained_variance_hand_computed() {
        // R = [1, 2, 3, 4]: Var = 1.25. V = [1, 2, 3, 5]: R − V = [0, 0, 0, −1], Var = 0.1875.
        let ev = explained_variance(&[1.0, 2.0, 3.0, 5.0], &[1.0, 2.0, 3.0, 4.0]);
        assert!((ev - (1.0 - 0.1875 / 1.25)).abs() < 1e-12, "{ev}");
        assert_eq!(explained_variance(&[1.0, 2.0], &[1.0, 2.0]), 1.0);
        // Constant prediction at the mean explains nothing.
        assert_eq!(explained_variance(&[2.5; 4], &[1.0, 2.0, 3.0, 4.0]), 0.0);
        assert!(explained_variance(&[0.0, 1.0], &[3.0, 3.0]).is_nan());
        assert!(explained_variance(&[], &[]).is_nan());
        assert!(explained_variance(&[1.0], &[1.0, 2.0]).is_nan());
    }

    fn rollout_strategy() -> impl Strategy<Value = (Rollout, f32)> {
        (1usize..4, 1usize..6, 0.0f32..1.0).prop_flat_map(|(n_envs, steps, gamma)| {
            let len = n_envs * steps;
            (
                prop::collection::vec(-10.0f32..10.0, len),
                prop::collection::vec(-10.0f32..10.0, len),
                prop::collection::vec(any::<bool>(), len),
                prop::collection::vec(any::<bool>(), len),
                prop::collection::vec(-10.0f32..10.0, len),
                prop::collection::vec(-10.0f32..10.0, n_envs),
            )
                .prop_map(move |(rewards, values, terminated, truncated, fv, last)| {
                    // Poison the final values that must not be read.
                    let final_values = fv
                        .iter()
                        .zip(terminated.iter().zip(&truncated))
                        .map(|(&v, (&te, &tr))| if tr && !te { v } else { NAN })
                        .collect();
                    let rollout = Rollout {
                        rewards,
                        values,
                        terminated,
                        truncated,
                        final_values,
                        last_values: last,
                        n_envs,
                    };
                    (rollout, gamma)
                })
        })
    }

    proptest! {
        /// With λ = 0 the advantage is exactly the f32 one-step TD error
        /// `r + γ·next·(1 − term) − V` (bit for bit), and the return `A + V` equals
        /// `r + γ·next·(1 − term)` up to the rounding of that one addition.
        #[test]
        fn lambda_zero_matches_td_target_per_element((r, gamma) in rollout_strategy()) {
            let (adv, ret) = r.gae(gamma, 0.0).expect("shapes are consistent");
            let len = r.rewards.len();
            let n = r.n_envs;
            for i in 0..len {
                let next = if r.truncated[i] && !r.terminated[i] {
                    r.final_values[i]
                } else if i + n < len {
                    r.values[i + n]
                } else {
                    r.last_values[i % n]
                };
                // next·(1 − term), written as a select so that a negative `next` cannot
                // turn the product into −0.
                let next_or_zero = if r.terminated[i] { 0.0 } else { next };
                let target = r.rewards[i] + gamma * next_or_zero;
                prop_assert_eq!(adv[i].to_bits(), (target - r.values[i]).to_bits());
                // |target − V| ≤ 40 and |ret| ≤ 20: two roundings stay below 1e-5.
                prop_assert!((ret[i] - target).abs() <= 1e-5,
                    "ret {} target {}", ret[i], target);
            }
        }
    }
}
