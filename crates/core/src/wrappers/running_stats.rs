//! [`RunningMeanStd`]: Gymnasium's running mean and variance, merged batch by batch.
//!
//! Each batch is summarised by its mean, (population) variance and size and merged into the
//! running moments with Chan et al.'s parallel update, so the result does not depend on how the
//! data was split into batches. As in Gymnasium the count starts at a small `epsilon` (1e-4)
//! with mean 0 and variance 1: a weak prior that keeps the first normalisations finite.

use serde::{Deserialize, Serialize};

/// Running per-element mean and variance of vectors of a fixed dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunningMeanStd {
    mean: Vec<f64>,
    var: Vec<f64>,
    count: f64,
}

impl RunningMeanStd {
    /// Gymnasium's default prior count.
    pub const DEFAULT_EPSILON: f64 = 1e-4;

    /// Statistics of `dim`-vectors with Gymnasium's prior (mean 0, variance 1, count 1e-4).
    pub fn new(dim: usize) -> Self {
        Self::with_epsilon(dim, Self::DEFAULT_EPSILON)
    }

    /// Statistics with mean 0, variance 1 and a prior count of `epsilon`.
    pub fn with_epsilon(dim: usize, epsilon: f64) -> Self {
        RunningMeanStd {
            mean: vec![0.0; dim],
            var: vec![1.0; dim],
            count: epsilon,
        }
    }

    /// The dimension of the tracked vectors.
    pub fn dim(&self) -> usize {
        self.mean.len()
    }

    /// Running mean per element.
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    /// Running (population) variance per element.
    pub fn var(&self) -> &[f64] {
        &self.var
    }

    /// Number of samples seen, plus the prior count.
    pub fn count(&self) -> f64 {
        self.count
    }

    /// Merges a batch of samples (one row each). An empty batch changes nothing.
    ///
    /// # Panics
    /// When a row's length differs from [`Self::dim`]: the caller promised vectors of one
    /// dimension (an env whose observations leave their space breaks the `Env` contract).
    pub fn update<R: AsRef<[f64]>>(&mut self, batch: &[R]) {
        if batch.is_empty() {
            return;
        }
        let n = batch.len() as f64;
        let dim = self.dim();
        let mut mean = vec![0.0; dim];
        for row in batch {
            let row = row.as_ref();
            assert_eq!(row.len(), dim, "RunningMeanStd: sample of the wrong length");
            for (m, x) in mean.iter_mut().zip(row) {
                *m += x;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n);
        // Two passes over the batch: the variance about the batch mean stays accurate.
        let mut var = vec![0.0; dim];
        for row in batch {
            for ((v, x), m) in var.iter_mut().zip(row.as_ref()).zip(&mean) {
                *v += (x - m) * (x - m);
            }
        }
        var.iter_mut().for_each(|v| *v /= n);
        self.update_from_moments(&mean, &var, n);
    }

    /// Merges one sample, in place and without allocating.
    ///
    /// Equal, bit for bit, to [`Self::update`] with the one-row batch `[x]`: Chan's update
    /// with batch mean `x`, batch variance 0 and batch count 1, with the zero terms dropped.
    ///
    /// # Panics
    /// When `x.len()` differs from [`Self::dim`].
    pub fn update_one(&mut self, x: &[f64]) {
        self.merge_sample(x.iter().copied());
    }

    /// [`Self::update_one`] for an `f32` sample, widened element by element as it is read.
    ///
    /// # Panics
    /// When `x.len()` differs from [`Self::dim`].
    pub fn update_one_f32(&mut self, x: &[f32]) {
        self.merge_sample(x.iter().map(|v| f64::from(*v)));
    }

    /// [`Self::update_one`] for statistics of dimension 1.
    ///
    /// # Panics
    /// When [`Self::dim`] is not 1.
    pub fn update_scalar(&mut self, x: f64) {
        self.merge_sample(std::iter::once(x));
    }

    /// Chan's update with a batch of one sample.
    fn merge_sample(&mut self, x: impl ExactSizeIterator<Item = f64>) {
        self.check_len(x.len());
        // The same operations, in the same order, as `update_from_moments` with
        // `batch_count = 1` and `batch_var = 0`: multiplying by 1 and adding 0 are exact, so
        // dropping them changes no bit.
        let count = self.count;
        let total = count + 1.0;
        for ((m, v), x) in self.mean.iter_mut().zip(&mut self.var).zip(x) {
            let delta = x - *m;
            let m2 = *v * count + delta * delta * count / total;
            *m += delta / total;
            *v = m2 / total;
        }
        self.count = total;
    }

    /// Merges a batch given by its mean, population variance and size (Chan's update).
    ///
    /// # Panics
    /// When the moments' length differs from [`Self::dim`].
    pub fn update_from_moments(&mut self, batch_mean: &[f64], batch_var: &[f64], batch_count: f64) {
        assert!(
            batch_mean.len() == self.dim() && batch_var.len() == self.dim(),
            "RunningMeanStd: moments of the wrong length"
        );
        let total = self.count + batch_count;
        for i in 0..self.dim() {
            let delta = batch_mean[i] - self.mean[i];
            let m2 = self.var[i] * self.count
                + batch_var[i] * batch_count
                + delta * delta * self.count * batch_count / total;
            self.mean[i] += delta * batch_count / total;
            self.var[i] = m2 / total;
        }
        self.count = total;
    }

    /// `(x − mean) / sqrt(var + epsilon)`, element by element.
    ///
    /// # Panics
    /// When `x.len()` differs from [`Self::dim`].
    pub fn normalize(&self, x: &[f64], epsilon: f64) -> Vec<f64> {
        let mut out = x.to_vec();
        self.normalize_in_place(&mut out, epsilon);
        out
    }

    /// [`Self::normalize`] written over `x`.
    ///
    /// # Panics
    /// When `x.len()` differs from [`Self::dim`].
    pub fn normalize_in_place(&self, x: &mut [f64], epsilon: f64) {
        self.check_len(x.len());
        for (x, (m, v)) in x.iter_mut().zip(self.mean.iter().zip(&self.var)) {
            *x = (*x - m) / (v + epsilon).sqrt();
        }
    }

    /// [`Self::normalize`] of an `f32` vector, computed in `f64` and rounded back, written
    /// over `x`.
    ///
    /// # Panics
    /// When `x.len()` differs from [`Self::dim`].
    pub fn normalize_f32_in_place(&self, x: &mut [f32], epsilon: f64) {
        self.check_len(x.len());
        for (x, (m, v)) in x.iter_mut().zip(self.mean.iter().zip(&self.var)) {
            *x = ((f64::from(*x) - m) / (v + epsilon).sqrt()) as f32;
        }
    }

    fn check_len(&self, len: usize) {
        assert_eq!(
            len,
            self.dim(),
            "RunningMeanStd: sample of the wrong length"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
    }

    #[test]
    fn hand_computed_updates() {
        // Prior (mean 0, var 1, count 1e-4) merged with the batch {1, 3}: mean 2, var 1.
        let mut rms = RunningMeanStd::new(1);
        rms.update(&[[1.0], [3.0]]);
        let total = 2.0001;
        assert!(close(rms.mean()[0], 2.0 * 2.0 / total));
        let m2 = 1e-4 + 2.0 * 1.0 + 4.0 * 1e-4 * 2.0 / total;
        assert!(close(rms.var()[0], m2 / total));
        assert!(close(rms.count(), total));
        // Without a prior the first batch's moments are taken as they are.
        let mut exact = RunningMeanStd::with_epsilon(2, 0.0);
        exact.update(&[[1.0, 10.0], [3.0, 10.0], [5.0, 10.0]]);
        assert!(close(exact.mean()[0], 3.0) && close(exact.mean()[1], 10.0));
        assert!(close(exact.var()[0], 8.0 / 3.0) && close(exact.var()[1], 0.0));
        assert_eq!(exact.normalize(&[3.0, 10.0], 1.0), vec![0.0, 0.0]);
    }

    #[test]
    #[should_panic(expected = "wrong length")]
    fn a_sample_of_the_wrong_length_panics() {
        RunningMeanStd::new(2).update_one(&[1.0]);
    }

    proptest! {
        /// The allocation-free single-sample updates give the same bits as a one-row batch,
        /// and the in-place normalisations the same bits as the allocating one.
        #[test]
        fn single_sample_paths_match_the_batch_path(
            samples in prop::collection::vec(prop::collection::vec(-1e3f32..1e3, 3), 1..20),
            epsilon in prop_oneof![Just(RunningMeanStd::DEFAULT_EPSILON), 0.0f64..2.0],
        ) {
            let mut batch = RunningMeanStd::with_epsilon(3, epsilon);
            let mut one = batch.clone();
            let mut one_f32 = batch.clone();
            let mut scalar = RunningMeanStd::with_epsilon(1, epsilon);
            let mut scalar_batch = scalar.clone();
            for s in &samples {
                let x: Vec<f64> = s.iter().map(|v| f64::from(*v)).collect();
                batch.update(&[&x]);
                one.update_one(&x);
                one_f32.update_one_f32(s);
                scalar.update_scalar(x[0]);
                scalar_batch.update(&[[x[0]]]);
                let bits = |r: &RunningMeanStd| {
                    let v: Vec<u64> = r.mean().iter().chain(r.var()).map(|v| v.to_bits()).collect();
                    (v, r.count().to_bits())
                };
                prop_assert_eq!(bits(&one), bits(&batch));
                prop_assert_eq!(bits(&one_f32), bits(&batch));
                prop_assert_eq!(bits(&scalar), bits(&scalar_batch));

                // The formula as written before the in-place versions existed.
                let want: Vec<f64> = x
                    .iter()
                    .zip(batch.mean().iter().zip(batch.var()))
                    .map(|(x, (m, v))| (x - m) / (v + 1e-8).sqrt())
                    .collect();
                prop_assert_eq!(&batch.normalize(&x, 1e-8), &want);
                let mut in_place = x.clone();
                batch.normalize_in_place(&mut in_place, 1e-8);
                prop_assert_eq!(&in_place, &want);
                let mut obs = s.clone();
                batch.normalize_f32_in_place(&mut obs, 1e-8);
                let want_f32: Vec<f32> = want.iter().map(|v| *v as f32).collect();
                prop_assert_eq!(obs, want_f32);
            }
        }

        /// Batch by batch, the running moments equal the two-pass moments of all the data,
        /// merged once with the prior pseudo-batch (mean 0, var 1, weight epsilon).
        #[test]
        fn matches_two_pass_moments(
            batches in prop::collection::vec(
                prop::collection::vec(prop::collection::vec(-100.0f64..100.0, 2), 1..6),
                1..8,
            )
        ) {
            let eps = RunningMeanStd::DEFAULT_EPSILON;
            let mut rms = RunningMeanStd::new(2);
            for b in &batches {
                rms.update(b);
            }
            let all: Vec<&Vec<f64>> = batches.iter().flatten().collect();
            let n = all.len() as f64;
            for d in 0..2 {
                let mean = all.iter().map(|r| r[d]).sum::<f64>() / n;
                let var = all.iter().map(|r| (r[d] - mean).powi(2)).sum::<f64>() / n;
                let total = n + eps;
                let want_mean = n * mean / total;
                let want_var = (eps + n * var + mean * mean * eps * n / total) / total;
                prop_assert!((rms.mean()[d] - want_mean).abs() < 1e-7);
                prop_assert!((rms.var()[d] - want_var).abs() < 1e-6 * (1.0 + want_var));
            }
            prop_assert!((rms.count() - (n + eps)).abs() < 1e-9);
        }
    }
}
