//! Norms over all (s, a, s′) entries, normalisation, and the Pearson distance.

use ndarray::{Array3, Zip};

/// A norm of a reward tensor over all (s, a, s′) entries, summed without averaging (as the
/// STARC reference code does). The weighted forms weight each entry by τ(s, a, s′), so
/// transitions that cannot happen do not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Norm {
    /// Σ |x|.
    L1,
    /// (Σ x²)^½.
    L2,
    /// max |x|.
    Linf,
    /// Σ τ·|x|.
    WeightedL1,
    /// (Σ τ·x²)^½.
    WeightedL2,
    /// max τ·|x| (the STARC reference code's convention, not the limit of the weighted Lp).
    WeightedLinf,
}

crate::names::cli_names!(Norm, "norm", [
    L1 => "l1",
    L2 => "l2",
    Linf => "linf",
    WeightedL1 => "weighted-l1",
    WeightedL2 => "weighted-l2",
    WeightedLinf => "weighted-linf",
]);

/// The norm STARC takes of the difference of two normalised rewards (unweighted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dist {
    /// Σ |x|.
    L1,
    /// (Σ x²)^½.
    L2,
    /// max |x|.
    Linf,
}

crate::names::cli_names!(Dist, "distance norm", [
    L1 => "l1",
    L2 => "l2",
    Linf => "linf",
]);

impl Dist {
    /// The same norm as a [`Norm`].
    pub fn as_norm(self) -> Norm {
        match self {
            Self::L1 => Norm::L1,
            Self::L2 => Norm::L2,
            Self::Linf => Norm::Linf,
        }
    }
}

/// `norm` of `x`, with τ for the weighted forms.
pub fn norm(x: &Array3<f64>, norm: Norm, tau: &Array3<f64>) -> f64 {
    match norm {
        Norm::L1 => x.iter().map(|v| v.abs()).sum(),
        Norm::L2 => x.iter().map(|v| v * v).sum::<f64>().sqrt(),
        Norm::Linf => x.iter().fold(0.0, |m, v| m.max(v.abs())),
        Norm::WeightedL1 => Zip::from(x)
            .and(tau)
            .fold(0.0, |acc, v, p| acc + p * v.abs()),
        Norm::WeightedL2 => Zip::from(x)
            .and(tau)
            .fold(0.0, |acc, v, p| acc + p * v * v)
            .sqrt(),
        Norm::WeightedLinf => Zip::from(x)
            .and(tau)
            .fold(0.0, |m: f64, v, p| m.max(p * v.abs())),
    }
}

/// s(x) = x / n(x); a tensor of norm 0 stays 0 (it has no direction).
pub fn normalise(x: &Array3<f64>, n: Norm, tau: &Array3<f64>) -> Array3<f64> {
    let size = norm(x, n, tau);
    if size > 0.0 {
        x / size
    } else {
        Array3::zeros(x.dim())
    }
}

/// √((1 − ρ)/2) with ρ the Pearson correlation of `x` and `y` under `weights` (uniform over all
/// entries when `None`): 0 for perfectly correlated, 1 for perfectly anti-correlated.
///
/// A tensor without variance (a constant — after canonicalisation, a reward equivalent to 0)
/// has no direction: the distance is 0 if both are constant and 1/√2 (ρ = 0) if only one is.
pub fn pearson_distance(x: &Array3<f64>, y: &Array3<f64>, weights: Option<&Array3<f64>>) -> f64 {
    if weights.is_none()
        && let (Some(xs), Some(ys)) = (x.as_slice(), y.as_slice())
    {
        return pearson_distance_slices(xs, ys);
    }
    let (mut sw, mut sx, mut sy) = (0.0, 0.0, 0.0);
    let weight = |i: (usize, usize, usize)| weights.map_or(1.0, |w| w[i]);
    for ((i, &a), &b) in x.indexed_iter().zip(y.iter()) {
        let w = weight(i);
        sw += w;
        sx += w * a;
        sy += w * b;
    }
    if sw <= 0.0 {
        return 0.0;
    }
    let (mx, my) = (sx / sw, sy / sw);
    let (mut cxy, mut cxx, mut cyy) = (0.0, 0.0, 0.0);
    for ((i, &a), &b) in x.indexed_iter().zip(y.iter()) {
        let w = weight(i);
        cxy += w * (a - mx) * (b - my);
        cxx += w * (a - mx) * (a - mx);
        cyy += w * (b - my) * (b - my);
    }
    distance_from_moments(sw, mx, my, cxx, cyy, cxy)
}

/// [`pearson_distance`] of two equally weighted slices (the common, contiguous case).
fn pearson_distance_slices(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    if n == 0 {
        return 0.0;
    }
    let sw = n as f64;
    let mx = x[..n].iter().sum::<f64>() / sw;
    let my = y[..n].iter().sum::<f64>() / sw;
    let (mut cxy, mut cxx, mut cyy) = (0.0, 0.0, 0.0);
    for (a, b) in x[..n].iter().zip(&y[..n]) {
        let (da, db) = (a - mx, b - my);
        cxy += da * db;
        cxx += da * da;
        cyy += db * db;
    }
    distance_from_moments(sw, mx, my, cxx, cyy, cxy)
}

/// √((1 − ρ)/2) from the weighted moments, with the constant-tensor conventions.
fn distance_from_moments(sw: f64, mx: f64, my: f64, cxx: f64, cyy: f64, cxy: f64) -> f64 {
    // Relative to the scale of the data, a variance this small is round-off of a constant.
    let tiny = |c: f64, m: f64| c <= 1e-24 * sw * (1.0 + m * m);
    let rho = match (tiny(cxx, mx), tiny(cyy, my)) {
        (true, true) => 1.0,
        (true, false) | (false, true) => 0.0,
        (false, false) => (cxy / (cxx.sqrt() * cyy.sqrt())).clamp(-1.0, 1.0),
    };
    ((1.0 - rho) / 2.0).max(0.0).sqrt()
}
