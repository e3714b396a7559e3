//! Observation and reward normalisation over a whole vector env, saved with checkpoints.
//!
//! One set of statistics is shared by all copies, as Stable-Baselines3's `VecNormalize` (and
//! rl-zoo's `normalize: true`) keeps it; CleanRL's per-copy Gymnasium wrappers keep one per
//! copy. The arithmetic is Gymnasium's: [`RunningMeanStd`] from core (count starting at 1e-4,
//! Chan's parallel update), observations normalised as `(x − μ)/√(σ² + 1e-8)` *after* the
//! statistics have seen them, then clipped; rewards divided by the standard deviation of the
//! discounted return `G ← γ·G·(1 − terminated) + r` (no mean subtracted), then clipped. As in
//! Gymnasium, only termination resets the return accumulator, on the terminating step itself.
//!
//! The statistics are part of the policy: evaluation and `eval` use them frozen
//! ([`Normalizer::normalize_obs`] without an update), and they travel in the checkpoint.

use rewardlab_core::wrappers::RunningMeanStd;

const EPS: f64 = 1e-8;

/// The running statistics and their settings.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Normalizer {
    obs: Option<RunningMeanStd>,
    ret: Option<RunningMeanStd>,
    clip_obs: f64,
    clip_reward: f64,
    gamma: f64,
    /// Per-copy discounted return accumulators.
    returns: Vec<f64>,
    #[serde(skip)]
    scratch_mean: Vec<f64>,
    #[serde(skip)]
    scratch_var: Vec<f64>,
}

impl Normalizer {
    /// Statistics for `n_envs` copies of `obs_dim` observations; either part may be off.
    pub fn new(
        obs_dim: usize,
        n_envs: usize,
        norm_obs: bool,
        norm_reward: bool,
        clip_obs: f64,
        clip_reward: f64,
        gamma: f64,
    ) -> Self {
        Normalizer {
            obs: norm_obs.then(|| RunningMeanStd::new(obs_dim)),
            ret: norm_reward.then(|| RunningMeanStd::new(1)),
            clip_obs,
            clip_reward,
            gamma,
            returns: vec![0.0; n_envs],
            scratch_mean: vec![0.0; obs_dim],
            scratch_var: vec![0.0; obs_dim],
        }
    }

    /// Whether observations are normalised.
    pub fn normalizes_obs(&self) -> bool {
        self.obs.is_some()
    }

    /// Updates the observation statistics with a batch of rows, then normalises the rows in
    /// place. Without observation normalisation this does nothing.
    pub fn observe(&mut self, rows: &mut [f32]) {
        let Some(stats) = self.obs.as_mut() else {
            return;
        };
        let dim = stats.dim();
        if dim == 0 || rows.is_empty() {
            return;
        }
        let n = rows.len() / dim;
        self.scratch_mean.resize(dim, 0.0);
        self.scratch_var.resize(dim, 0.0);
        self.scratch_mean.fill(0.0);
        self.scratch_var.fill(0.0);
        for row in rows.chunks_exact(dim) {
            for (m, x) in self.scratch_mean.iter_mut().zip(row) {
                *m += *x as f64;
            }
        }
        for m in &mut self.scratch_mean {
            *m /= n as f64;
        }
        for row in rows.chunks_exact(dim) {
            for ((v, m), x) in self.scratch_var.iter_mut().zip(&self.scratch_mean).zip(row) {
                let d = *x as f64 - m;
                *v += d * d;
            }
        }
        for v in &mut self.scratch_var {
            *v /= n as f64;
        }
        stats.update_from_moments(&self.scratch_mean, &self.scratch_var, n as f64);
        self.normalize_obs(rows);
    }

    /// Normalises rows with the current statistics, leaving them unchanged.
    pub fn normalize_obs(&self, rows: &mut [f32]) {
        let Some(stats) = self.obs.as_ref() else {
            return;
        };
        let dim = stats.dim();
        if dim == 0 {
            return;
        }
        let clip = self.clip_obs;
        for row in rows.chunks_exact_mut(dim) {
            for ((x, m), v) in row.iter_mut().zip(stats.mean()).zip(stats.var()) {
                let z = (*x as f64 - m) / (v + EPS).sqrt();
                *x = z.clamp(-clip, clip) as f32;
            }
        }
    }

    /// Scales this step's rewards in place (one per copy) after updating the return statistics.
    pub fn scale_rewards(&mut self, rewards: &mut [f32], terminated: &[bool]) {
        let Some(stats) = self.ret.as_mut() else {
            return;
        };
        let n = rewards.len();
        for ((g, r), term) in self.returns.iter_mut().zip(rewards.iter()).zip(terminated) {
            let keep = if *term { 0.0 } else { 1.0 };
            *g = *g * self.gamma * keep + *r as f64;
        }
        let mean = self.returns.iter().sum::<f64>() / n as f64;
        let var = self.returns.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / n as f64;
        stats.update_from_moments(&[mean], &[var], n as f64);
        let std = (stats.var()[0] + EPS).sqrt();
        let clip = self.clip_reward;
        for r in rewards.iter_mut() {
            *r = (*r as f64 / std).clamp(-clip, clip) as f32;
        }
    }

    /// Forgets the per-copy return accumulators (the statistics stay): after the envs were
    /// reset from outside, as on resume.
    pub fn reset_returns(&mut self) {
        self.returns.fill(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observations_are_normalised_after_the_update_and_clipped() {
        let mut n = Normalizer::new(1, 2, true, false, 10.0, 10.0, 0.99);
        let mut rows = [1.0f32, 3.0];
        n.observe(&mut rows);
        // Batch mean 2, var 1, count 2 on top of (0, 1, 1e-4):
        let c = 1e-4;
        let t = c + 2.0;
        let mean = 2.0 * 2.0 / t;
        let var = (c + 2.0 + 4.0 * c * 2.0 / t) / t;
        let want = |x: f64| ((x - mean) / (var + 1e-8).sqrt()) as f32;
        assert!((rows[0] - want(1.0)).abs() < 1e-6 && (rows[1] - want(3.0)).abs() < 1e-6);
        let mut far = [1e9f32];
        n.normalize_obs(&mut far);
        assert_eq!(far, [10.0]);
    }

    #[test]
    fn rewards_divide_by_the_return_std_and_termination_resets_the_return() {
        let mut n = Normalizer::new(1, 1, false, true, 10.0, 10.0, 0.5);
        let mut r = [2.0f32];
        n.scale_rewards(&mut r, &[true]);
        // G = 2; stats (0,1,1e-4) + batch (2, 0, 1): var = (1e-4 + 4·1e-4/(1+1e-4)) / (1+1e-4).
        let c = 1e-4;
        let var: f64 = (c + 4.0 * c / (1.0 + c)) / (1.0 + c);
        assert!((r[0] as f64 - (2.0 / (var + 1e-8).sqrt()).min(10.0)).abs() < 1e-4);
        assert_eq!(n.returns, vec![2.0]);
        // Gymnasium clears G on the terminating step itself (G = G·γ·(1 − terminated) + r),
        // so the next step still discounts that terminal reward: G = 2·0.5 + 1.
        let mut r = [1.0f32];
        n.scale_rewards(&mut r, &[false]);
        assert_eq!(n.returns, vec![2.0]);
        let mut r = [1.0f32];
        n.scale_rewards(&mut r, &[true]);
        assert_eq!(
            n.returns,
            vec![1.0],
            "terminated: G restarts from this reward"
        );
    }

    #[test]
    fn disabled_parts_leave_values_alone() {
        let mut n = Normalizer::new(2, 1, false, false, 10.0, 10.0, 0.9);
        let mut rows = [5.0f32, -7.0];
        n.observe(&mut rows);
        let mut r = [3.0f32];
        n.scale_rewards(&mut r, &[false]);
        assert_eq!((rows, r), ([5.0, -7.0], [3.0]));
        assert!(!n.normalizes_obs());
    }
}
