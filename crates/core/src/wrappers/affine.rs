//! The affine map behind [`super::RescaleAction`], computed as Gymnasium's `rescale_box`.
//!
//! Gymnasium builds the map inner → outer, `outer = gradient · inner + intercept`, with
//! `gradient = (max − min) / (high − low)` and `intercept = gradient · −low + min`, stored in the
//! inner box's dtype, and the wrapper applies its inverse `(a − intercept) / gradient`. For a
//! `float32` box every step rounds to `f32`: the gradient once from a wide division (NumPy
//! divides in `float128` where the platform has it; [`quotient_f32`] rounds the exact quotient
//! correctly, which can differ from a double rounding through x87 extended precision only at
//! ties, about one case in 2⁴⁰), the product `gradient · −low` in `f32`, the sum with the
//! `f64` `min` rounded back to `f32`, and the inverse in `f32`.

use crate::space::{BoxSpace, DType};

/// `d / h` (`h > 0`) rounded once to the nearest `f32`, ties to even.
///
/// `(d / h) as f32` rounds twice (to `f64`, then to `f32`), which goes wrong only when the `f64`
/// quotient is exactly halfway between two `f32` values; then the sign of the exact remainder
/// `d − q·h` (one fused multiply-add) says on which side the true quotient lies.
pub(super) fn quotient_f32(d: f64, h: f64) -> f32 {
    let q = d / h;
    let f = q as f32;
    if !q.is_finite() || f64::from(f) == q {
        return f;
    }
    let other = if f64::from(f) < q {
        f.next_up()
    } else {
        f.next_down()
    };
    if q != (f64::from(f) + f64::from(other)) / 2.0 {
        return f;
    }
    let remainder = (-q).mul_add(h, d);
    if remainder > 0.0 {
        f.max(other)
    } else if remainder < 0.0 {
        f.min(other)
    } else {
        f
    }
}

/// The affine map from the outer onto the inner box, per element: inner = (a − intercept) /
/// gradient, Gymnasium's `backward`.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum AffineMap {
    /// A `float32` inner box: `f32` coefficients and arithmetic.
    F32 {
        gradient: Vec<f32>,
        intercept: Vec<f32>,
    },
    /// Any other dtype: `f64` coefficients and arithmetic, rounded to `f32` at the end.
    F64 {
        gradient: Vec<f64>,
        intercept: Vec<f64>,
    },
}

impl AffineMap {
    pub(super) fn new(inner: &BoxSpace, min_action: &[f64], max_action: &[f64]) -> Self {
        let spans = min_action.iter().zip(max_action);
        let bounds = inner.low.iter().zip(&inner.high);
        if inner.dtype == DType::F32 {
            let (gradient, intercept) = spans
                .zip(bounds)
                .map(|((min, max), (lo, hi))| {
                    let (lo, hi) = (*lo as f32, *hi as f32);
                    let g = quotient_f32(max - min, f64::from(hi) - f64::from(lo));
                    (g, (f64::from(g * -lo) + min) as f32)
                })
                .unzip();
            AffineMap::F32 {
                gradient,
                intercept,
            }
        } else {
            let (gradient, intercept) = spans
                .zip(bounds)
                .map(|((min, max), (lo, hi))| {
                    let g = (max - min) / (hi - lo);
                    (g, g * -lo + min)
                })
                .unzip();
            AffineMap::F64 {
                gradient,
                intercept,
            }
        }
    }

    /// Whether every coefficient is finite and every gradient nonzero: otherwise the map sends
    /// actions to infinities or NaN.
    pub(super) fn is_usable(&self) -> bool {
        match self {
            AffineMap::F32 {
                gradient,
                intercept,
            } => {
                gradient.iter().all(|g| g.is_finite() && *g != 0.0)
                    && intercept.iter().all(|c| c.is_finite())
            }
            AffineMap::F64 {
                gradient,
                intercept,
            } => {
                gradient.iter().all(|g| g.is_finite() && *g != 0.0)
                    && intercept.iter().all(|c| c.is_finite())
            }
        }
    }

    pub(super) fn apply(&self, k: usize, a: f32) -> f32 {
        match self {
            AffineMap::F32 {
                gradient,
                intercept,
            } => (a - intercept[k]) / gradient[k],
            AffineMap::F64 {
                gradient,
                intercept,
            } => ((f64::from(a) - intercept[k]) / gradient[k]) as f32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `d / h` compared exactly with the rational `m·2^e` (`m` an integer below 2^26), using
    /// integer arithmetic: the sign of `d − h·m·2^e`, all positive.
    fn compare_quotient(d: f64, h: f64, m: u128, e: i32) -> std::cmp::Ordering {
        // Both f64 are positive normal numbers: value = mant · 2^(exp − 1075).
        let parts = |x: f64| {
            let b = x.to_bits();
            (
                (b & ((1 << 52) - 1)) as u128 | (1 << 52),
                ((b >> 52) as i32) - 1075,
            )
        };
        let ((md, ed), (mh, eh)) = (parts(d), parts(h));
        // Compare md·2^ed with mh·m·2^(eh + e), shifting to the smaller exponent.
        let (rhs, re) = (mh * m, eh + e);
        let base = ed.min(re);
        let (l, r) = (md << (ed - base), rhs << (re - base));
        l.cmp(&r)
    }

    /// `quotient_f32` rounds the exact quotient once, where `(d / h) as f32` rounds twice: find
    /// quotients whose f64 rounding lands exactly halfway between two f32 values, and check
    /// the direction against exact integer arithmetic.
    #[test]
    fn quotient_rounds_once() {
        use std::cmp::Ordering;
        // The midpoint between 1 and 1 + 2^-23 is (2^24 + 1) · 2^-24.
        let (mid_m, mid_e) = ((1u128 << 24) + 1, -24);
        let midpoint = 1.0 + 2f64.powi(-24);
        let (mut above, mut below) = (0, 0);
        for k in 1..200_000u32 {
            let h = 1.0 + f64::from(k) * 2f64.powi(-33);
            let d = midpoint * h;
            if d / h != midpoint {
                continue;
            }
            let q = quotient_f32(d, h);
            match compare_quotient(d, h, mid_m, mid_e) {
                Ordering::Greater => {
                    above += 1;
                    assert_eq!(q, 1.0f32.next_up(), "{d} / {h}");
                }
                Ordering::Less => {
                    below += 1;
                    assert_eq!(q, 1.0, "{d} / {h}");
                }
                Ordering::Equal => assert_eq!(q, 1.0, "a true tie rounds to even"),
            }
        }
        // Both directions occur, and naive double rounding gets the upper ones wrong.
        assert!(above > 0 && below > 0, "{above} above, {below} below");
        assert_eq!((midpoint as f32), 1.0);
        // Away from ties it is the plain rounding.
        assert_eq!(quotient_f32(0.3, 2.0), 0.15f32);
        assert_eq!(quotient_f32(1.0, 3.0), (1.0f64 / 3.0) as f32);
    }
}
