//! [`RunningMeanStd`]: Gymnasium's running mean and variance, merged batch by batch.
//!
//! Each batch is summarised by its mean, (population) variance and size and merged into the
//! running moments with Chan et al.'s parallel update, so the result does not depend on how the
//! data was split into batches. As in Gymnasium the count starts at a small `epsilon` (1e-4)
//! with mean 0 and variance 1: a weak prior that keeps the first normalisations finite.
//!
//! The statistics are kept in an element type `F` ([`StatFloat`]: `f64`, Gymnasium's default
//! and what `NormalizeReward` uses, or `f32`, what `NormalizeObservation` keeps for its
//! `float32` observation space). The arithmetic reproduces NumPy 2's bit for bit for a
//! one-sample update (`update_mean_var_count_from_moments`) and for the normalisation: the
//! mean and variance are arrays of `F`, while the count is a Python float (`f64`) and the
//! batch count a Python int. Under NumPy 2's promotion rules (NEP 50) Python scalars are
//! "weak": `f32 array ⊗ python float` converts the scalar to `f32` and computes in `f32`. So
//! every use of the count (and of `epsilon`) is the `f64` value rounded to `F` at that point
//! ([`StatFloat::from_f64`]), while the count itself accumulates in `f64`; and the operations
//! run in NumPy's order, left to right as the Python expression is written.

use std::fmt::Debug;
use std::ops::{Add, Div, Mul, Sub};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// Element type of [`RunningMeanStd`]: `f32` or `f64` (sealed).
pub trait StatFloat:
    Copy
    + Debug
    + PartialEq
    + Serialize
    + DeserializeOwned
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + sealed::Sealed
{
    /// A Python float (`f64`) as NumPy 2 converts a weak scalar operand to the array's dtype:
    /// rounded to nearest (the identity for `f64`).
    fn from_f64(x: f64) -> Self;

    /// The correctly rounded square root (IEEE 754, as `np.sqrt`).
    fn sqrt(self) -> Self;
}

impl StatFloat for f32 {
    fn from_f64(x: f64) -> Self {
        x as f32
    }

    fn sqrt(self) -> Self {
        f32::sqrt(self)
    }
}

impl StatFloat for f64 {
    fn from_f64(x: f64) -> Self {
        x
    }

    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
}

/// Running per-element mean and variance of vectors of a fixed dimension, in `F`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct RunningMeanStd<F: StatFloat = f64> {
    mean: Vec<F>,
    var: Vec<F>,
    count: f64,
}

impl<F: StatFloat> RunningMeanStd<F> {
    /// Gymnasium's default prior count.
    pub const DEFAULT_EPSILON: f64 = 1e-4;

    /// Statistics of `dim`-vectors with Gymnasium's prior (mean 0, variance 1, count 1e-4).
    /// Where the element type is not inferred, name it: `RunningMeanStd::<f32>::new(4)`.
    pub fn new(dim: usize) -> Self {
        Self::with_epsilon(dim, Self::DEFAULT_EPSILON)
    }

    /// Statistics with mean 0, variance 1 and a prior count of `epsilon`.
    pub fn with_epsilon(dim: usize, epsilon: f64) -> Self {
        RunningMeanStd {
            mean: vec![F::from_f64(0.0); dim],
            var: vec![F::from_f64(1.0); dim],
            count: epsilon,
        }
    }

    /// The dimension of the tracked vectors.
    pub fn dim(&self) -> usize {
        self.mean.len()
    }

    /// Running mean per element.
    pub fn mean(&self) -> &[F] {
        &self.mean
    }

    /// Running (population) variance per element.
    pub fn var(&self) -> &[F] {
        &self.var
    }

    /// Number of samples seen, plus the prior count (a Python float in Gymnasium: `f64`).
    pub fn count(&self) -> f64 {
        self.count
    }

    /// Merges one sample, in place and without allocating: Gymnasium's
    /// `update(np.array([x]))`, bit for bit.
    ///
    /// # Panics
    /// When `x.len()` differs from [`Self::dim`].
    pub fn update_one(&mut self, x: &[F]) {
        self.check_len(x.len());
        let count = self.count;
        // `count + batch_count`: a Python float plus the int 1.
        let total = count + 1.0;
        let (c, t) = (F::from_f64(count), F::from_f64(total));
        for ((m, v), x) in self.mean.iter_mut().zip(&mut self.var).zip(x) {
            // The moments of the one-row batch as `np.mean` / `np.var` compute them: the mean
            // is `x / 1 = x`; the variance `(x − mean)² / 1` is 0, or NaN for an infinite `x`.
            let batch_mean = *x;
            let deviation = *x - batch_mean;
            let batch_var = deviation * deviation;
            let delta = batch_mean - *m;
            // Multiplying by `batch_count` = 1 is exact, so those factors are dropped.
            let m2 = *v * c + batch_var + delta * delta * c / t;
            *m = *m + delta / t;
            *v = m2 / t;
        }
        self.count = total;
    }

    /// [`Self::update_one`] for statistics of dimension 1.
    ///
    /// # Panics
    /// When [`Self::dim`] is not 1.
    pub fn update_scalar(&mut self, x: F) {
        self.update_one(&[x]);
    }

    /// Merges a batch given by its mean, population variance and size (Chan's update, in
    /// Gymnasium's `update_mean_var_count_from_moments` order).
    ///
    /// # Panics
    /// When the moments' length differs from [`Self::dim`].
    pub fn update_from_moments(&mut self, batch_mean: &[F], batch_var: &[F], batch_count: f64) {
        assert!(
            batch_mean.len() == self.dim() && batch_var.len() == self.dim(),
            "RunningMeanStd: moments of the wrong length"
        );
        let total = self.count + batch_count;
        let (c, b, t) = (
            F::from_f64(self.count),
            F::from_f64(batch_count),
            F::from_f64(total),
        );
        for (i, (m, v)) in self.mean.iter_mut().zip(&mut self.var).enumerate() {
            let delta = batch_mean[i] - *m;
            let m2 = *v * c + batch_var[i] * b + delta * delta * c * b / t;
            *m = *m + delta * b / t;
            *v = m2 / t;
        }
        self.count = total;
    }

    /// `(x − mean) / sqrt(var + epsilon)`, element by element, with `epsilon` rounded to `F`
    /// (a weak Python scalar).
    ///
    /// # Panics
    /// When `x.len()` differs from [`Self::dim`].
    pub fn normalize(&self, x: &[F], epsilon: f64) -> Vec<F> {
        let mut out = x.to_vec();
        self.normalize_in_place(&mut out, epsilon);
        out
    }

    /// [`Self::normalize`] written over `x`.
    ///
    /// # Panics
    /// When `x.len()` differs from [`Self::dim`].
    pub fn normalize_in_place(&self, x: &mut [F], epsilon: f64) {
        self.check_len(x.len());
        let eps = F::from_f64(epsilon);
        for (x, (m, v)) in x.iter_mut().zip(self.mean.iter().zip(&self.var)) {
            *x = (*x - *m) / (*v + eps).sqrt();
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

impl RunningMeanStd<f64> {
    /// Merges a batch of samples (one row each). An empty batch changes nothing.
    ///
    /// The batch moments are two-pass sums in row order; NumPy's `np.mean` / `np.var` of a
    /// batch of several rows may round differently in the last bits (only one-row batches,
    /// what the wrappers merge, are exact).
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
        let mut rms = RunningMeanStd::<f64>::new(1);
        rms.update(&[[1.0], [3.0]]);
        let total = 2.0001;
        assert!(close(rms.mean()[0], 2.0 * 2.0 / total));
        let m2 = 1e-4 + 2.0 * 1.0 + 4.0 * 1e-4 * 2.0 / total;
        assert!(close(rms.var()[0], m2 / total));
        assert!(close(rms.count(), total));
        // Without a prior the first batch's moments are taken as they are.
        let mut exact = RunningMeanStd::<f64>::with_epsilon(2, 0.0);
        exact.update(&[[1.0, 10.0], [3.0, 10.0], [5.0, 10.0]]);
        assert!(close(exact.mean()[0], 3.0) && close(exact.mean()[1], 10.0));
        assert!(close(exact.var()[0], 8.0 / 3.0) && close(exact.var()[1], 0.0));
        assert_eq!(exact.normalize(&[3.0, 10.0], 1.0), vec![0.0, 0.0]);
    }

    #[test]
    fn f32_statistics_compute_in_f32_with_the_count_rounded_at_each_use() {
        let mut rms = RunningMeanStd::<f32>::new(2);
        rms.update_one(&[3.0, 1e6]);
        // NumPy: count 1e-4 and count + 1 are Python floats, rounded to f32 where they meet
        // the f32 arrays.
        let (c, t) = (1e-4f64 as f32, (1e-4f64 + 1.0) as f32);
        let mean = |x: f32| x / t;
        let var = |x: f32| (c + x * x * c / t) / t;
        assert_eq!(rms.mean(), &[mean(3.0), mean(1e6)]);
        assert_eq!(rms.var(), &[var(3.0), var(1e6)]);
        assert_eq!(rms.count(), 1e-4 + 1.0);
        // The second update rounds the f64 count 1.0001 + 1 to f32 again.
        rms.update_one(&[-1.0, 0.0]);
        let (c2, t2) = ((1e-4f64 + 1.0) as f32, (1e-4f64 + 1.0 + 1.0) as f32);
        let d = -1.0 - mean(3.0);
        assert_eq!(rms.mean()[0], mean(3.0) + d / t2);
        assert_eq!(rms.var()[0], (var(3.0) * c2 + d * d * c2 / t2) / t2);
        // The normalisation adds epsilon as an f32.
        let want = (5.0 - rms.mean()[0]) / (rms.var()[0] + 1e-8f32).sqrt();
        assert_eq!(rms.normalize(&[5.0, 0.0], 1e-8)[0], want);
        // An infinite sample gives NumPy's NaN batch variance, and so a NaN variance.
        let mut inf = RunningMeanStd::<f32>::new(1);
        inf.update_scalar(f32::INFINITY);
        assert!(inf.var()[0].is_nan() && inf.mean()[0] == f32::INFINITY);
    }

    #[test]
    #[should_panic(expected = "wrong length")]
    fn a_sample_of_the_wrong_length_panics() {
        RunningMeanStd::<f64>::new(2).update_one(&[1.0]);
    }

    /// The bits of the mean, the variance (through `to_bits`, `f64::to_bits` or
    /// `f32::to_bits`) and the count.
    fn bits<F: StatFloat, B>(r: &RunningMeanStd<F>, to_bits: fn(F) -> B) -> (Vec<B>, u64) {
        let v = r
            .mean()
            .iter()
            .chain(r.var())
            .map(|v| to_bits(*v))
            .collect();
        (v, r.count().to_bits())
    }

    fn bits64(r: &RunningMeanStd<f64>) -> (Vec<u64>, u64) {
        bits(r, f64::to_bits)
    }

    fn bits32(r: &RunningMeanStd<f32>) -> (Vec<u32>, u64) {
        bits(r, f32::to_bits)
    }

    proptest! {
        /// The allocation-free single-sample update gives the same bits as a one-row batch
        /// and as Chan's update with the moments (x, 0, 1), in f64 and in f32; the in-place
        /// normalisation the same bits as the allocating one.
        #[test]
        fn single_sample_paths_match_the_batch_path(
            samples in prop::collection::vec(prop::collection::vec(-1e6f32..1e6, 3), 1..20),
            epsilon in prop_oneof![Just(RunningMeanStd::<f64>::DEFAULT_EPSILON), 0.0f64..2.0],
        ) {
            let mut batch = RunningMeanStd::<f64>::with_epsilon(3, epsilon);
            let mut one = batch.clone();
            let mut scalar = RunningMeanStd::<f64>::with_epsilon(1, epsilon);
            let mut scalar_batch = scalar.clone();
            let mut one32 = RunningMeanStd::<f32>::with_epsilon(3, epsilon);
            let mut moments32 = one32.clone();
            for s in &samples {
                let x: Vec<f64> = s.iter().map(|v| f64::from(*v)).collect();
                batch.update(&[&x]);
                one.update_one(&x);
                scalar.update_scalar(x[0]);
                scalar_batch.update(&[[x[0]]]);
                one32.update_one(s);
                moments32.update_from_moments(s, &[0.0; 3], 1.0);
                prop_assert_eq!(bits64(&one), bits64(&batch));
                prop_assert_eq!(bits64(&scalar), bits64(&scalar_batch));
                prop_assert_eq!(bits32(&one32), bits32(&moments32));

                // The formula as written out.
                let want: Vec<f64> = x
                    .iter()
                    .zip(batch.mean().iter().zip(batch.var()))
                    .map(|(x, (m, v))| (x - m) / (v + 1e-8).sqrt())
                    .collect();
                prop_assert_eq!(&batch.normalize(&x, 1e-8), &want);
                let mut in_place = x.clone();
                batch.normalize_in_place(&mut in_place, 1e-8);
                prop_assert_eq!(&in_place, &want);
                let want32: Vec<f32> = s
                    .iter()
                    .zip(one32.mean().iter().zip(one32.var()))
                    .map(|(x, (m, v))| (x - m) / (v + 1e-8f32).sqrt())
                    .collect();
                let mut obs = s.clone();
                one32.normalize_in_place(&mut obs, 1e-8);
                prop_assert_eq!(obs, want32);
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
            let eps = RunningMeanStd::<f64>::DEFAULT_EPSILON;
            let mut rms = RunningMeanStd::<f64>::new(2);
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
