//! Python and NumPy arithmetic, reproduced bit for bit where Gymnasium's envs depend on it.
//!
//! Gymnasium's classic-control envs are plain Python over NumPy scalars, and three of the
//! operations they use do not round like the obvious Rust expression:
//!
//! - `x ** 2` on a Python or NumPy `float64` calls the C library's `pow`, which is not
//!   correctly rounded: glibc's `pow(x, 2.0)` differs from `x * x` on about 0.1% of inputs.
//!   Rust's `powf` also lowers to `pow`, but LLVM folds `pow(x, 2.0)` into `x * x` when it sees
//!   the constant, so [`pow2`] hides the exponent behind [`std::hint::black_box`]. A NumPy
//!   `float32` squared is `powf` in single precision ([`pow2_f32`]), again unlike `x * x`.
//! - `%` on floats is floored (the result takes the divisor's sign), not C's truncated
//!   `fmod`: [`py_mod`].
//! - `np.sin`/`np.cos` on `float32` do not call the C library on x86-64 machines with FMA:
//!   NumPy evaluates them with its own vectorised kernel (Cody–Waite reduction by π/2 and
//!   short minimax polynomials, fused multiply-adds throughout), whose results differ from
//!   the correctly rounded value by up to about 1.5 ulp. [`np_sin_f32`] and [`np_cos_f32`]
//!   are that kernel for one lane, with the same constants, checked against NumPy 2.4 over
//!   every `float32` in `[-0.1, 0.1]` (Acrobot's start range) and 17 million random ones up
//!   to ±3·10⁵. `float64` `np.sin`/`np.cos`
//!   are plain libm calls, which Rust's `f64::sin`/`f64::cos` are too.

use std::hint::black_box;

/// `x ** 2` for a Python float or NumPy `float64`: the C library's `pow(x, 2.0)`.
pub(crate) fn pow2(x: f64) -> f64 {
    // The opaque exponent stops LLVM from rewriting the call into `x * x`.
    x.powf(black_box(2.0))
}

/// `x ** 2` for a NumPy `float32` scalar: the C library's `powf(x, 2.0f)`.
pub(crate) fn pow2_f32(x: f32) -> f32 {
    x.powf(black_box(2.0))
}

/// Python's floored modulo `a % b` for floats: the remainder has the sign of `b` (NumPy's
/// scalar `%` is the same), and an exact zero takes `b`'s sign.
pub(crate) fn py_mod(a: f64, b: f64) -> f64 {
    // `%` on f64 is C's fmod, which is exact; only the sign convention needs fixing.
    let m = a % b;
    if m == 0.0 {
        0.0_f64.copysign(b)
    } else if (m < 0.0) != (b < 0.0) {
        m + b
    } else {
        m
    }
}

// NumPy's float32 sine/cosine kernel (numpy/_core/src/umath/loops_trigonometric), as bits so
// that no decimal rounding can creep in.
const TWO_OVER_PI: u32 = 0x3f22_f983;
// -π/2 split into three parts whose products with a quadrant count are exact.
const PIO2_HI: u32 = 0xbfc9_0fd8;
const PIO2_MED: u32 = 0xb4a8_885a;
const PIO2_LO: u32 = 0xa7c2_34c4;
// 1.5 · 2^23: adding and subtracting it rounds to the nearest integer, ties to even.
const RINT_MAGIC: u32 = 0x4b40_0000;
// Cosine polynomial in x² on [-π/4, π/4]: 1 - x²/2 + c4 x⁴ + c6 x⁶ + c8 x⁸.
const COS_C8: u32 = 0x37cc_730b;
const COS_C6: u32 = 0xbab6_036e;
const COS_C4: u32 = 0x3d2a_aa9e;
// Sine polynomial: x + x³ (s3 + s5 x² + s7 x⁴ + s9 x⁶).
const SIN_S9: u32 = 0x363e_9dde;
const SIN_S7: u32 = 0xb950_35dd;
const SIN_S5: u32 = 0x3c08_88cd;
const SIN_S3: u32 = 0xbe2a_aaab;
// Beyond these magnitudes the reduction loses accuracy and NumPy calls libm instead.
const MAX_COS: u32 = 0x478b_9a08; // 71476.0625
const MAX_SIN: u32 = 0x47e5_5dff; // 117435.992

fn f(bits: u32) -> f32 {
    f32::from_bits(bits)
}

/// The kernel for one lane: `quadrant_offset` is 0 for sine and 1 for cosine
/// (cos x = sin(x + π/2)).
fn np_sincos_f32(x: f32, quadrant_offset: i32) -> f32 {
    // NumPy's C source multiplies and then adds the magic constant, but its compiler fuses the
    // two into one FMA (GCC contracts by default); unfused, the quadrant differs near
    // odd multiples of π/4 beyond |x| ≈ 40.
    let q = x.mul_add(f(TWO_OVER_PI), f(RINT_MAGIC)) - f(RINT_MAGIC);
    let r = q.mul_add(f(PIO2_HI), x);
    let r = q.mul_add(f(PIO2_MED), r);
    let r = q.mul_add(f(PIO2_LO), r);
    let r2 = r * r;
    let cos = f(COS_C8).mul_add(r2, f(COS_C6));
    let cos = cos.mul_add(r2, f(COS_C4));
    let cos = cos.mul_add(r2, -0.5);
    let cos = cos.mul_add(r2, 1.0);
    let sin = f(SIN_S9).mul_add(r2, f(SIN_S7));
    let sin = sin.mul_add(r2, f(SIN_S5));
    let sin = sin.mul_add(r2, f(SIN_S3));
    let sin = sin.mul_add(r2, 0.0);
    let sin = sin.mul_add(r, r);
    // |q| ≤ 2^17 here, so the conversion is exact.
    let k = q as i32 + quadrant_offset;
    let v = if k & 1 == 0 { sin } else { cos };
    // NumPy negates by subtracting from +0, which turns a -0 result into +0.
    if k & 2 == 2 { 0.0 - v } else { v }
}

/// `np.sin` of a NumPy `float32` on x86-64 with FMA (see the module docs).
pub(crate) fn np_sin_f32(x: f32) -> f32 {
    if x.is_nan() {
        f32::NAN
    } else if x.abs() <= f(MAX_SIN) {
        np_sincos_f32(x, 0)
    } else {
        x.sin()
    }
}

/// `np.cos` of a NumPy `float32` on x86-64 with FMA (see the module docs).
pub(crate) fn np_cos_f32(x: f32) -> f32 {
    if x.is_nan() {
        f32::NAN
    } else if x.abs() <= f(MAX_COS) {
        np_sincos_f32(x, 1)
    } else {
        x.cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pow2_is_libm_pow_not_a_product() {
        // Recorded with CPython 3.11 / glibc: `x ** 2` (== math.pow(x, 2)) differs from
        // x * x for these inputs; the bits are the Python results.
        let cases: [(u64, u64); 2] = [
            (0xc01d_0416_289c_5020, 0x404a_4f68_af34_d059),
            (0xc017_19ae_dd6b_6f2a, 0x4040_acff_fb3f_f597),
        ];
        for (x, want) in cases {
            let x = f64::from_bits(x);
            assert_eq!(pow2(x).to_bits(), want, "pow2({x})");
            assert_ne!((x * x).to_bits(), want, "a case where pow and x*x differ");
        }
    }

    #[test]
    fn pow2_f32_is_libm_powf_not_a_product() {
        // NumPy 2.4: `np.float32(x) ** 2` for these float32 inputs (bits), unlike x * x.
        let cases: [(u32, u32); 2] = [(0xbfcd_67b6, 0x4024_cf44), (0xbf90_ab4d, 0x3fa3_8253)];
        for (x, want) in cases {
            let x = f32::from_bits(x);
            assert_eq!(pow2_f32(x).to_bits(), want, "pow2_f32({x})");
            assert_ne!((x * x).to_bits(), want, "a case where powf and x*x differ");
        }
    }

    #[test]
    fn py_mod_is_floored() {
        assert_eq!(py_mod(7.0, 3.0), 1.0);
        assert_eq!(py_mod(-7.0, 3.0), 2.0);
        assert_eq!(py_mod(7.0, -3.0), -2.0);
        assert_eq!(py_mod(-7.0, -3.0), -1.0);
        // An exact zero takes the divisor's sign, as in Python.
        assert!(py_mod(-6.0, 3.0).is_sign_positive());
        assert!(py_mod(6.0, -3.0).is_sign_negative());
        // A tiny negative remainder plus the divisor rounds to the divisor itself, as
        // Python's `-1e-20 % 2.0 == 2.0`.
        assert_eq!(py_mod(-1e-20, 2.0), 2.0);
    }

    #[test]
    fn numpy_float32_trig_matches_recorded_values() {
        // Inputs where NumPy 2.4's float32 kernel is not correctly rounded (found by an
        // exhaustive comparison over [-0.1, 0.1]); expected bits are np.cos / np.sin of
        // the float32 input on an x86-64 machine with FMA.
        let cos_cases: [(u32, u32); 2] = [(0x3c3f_3531, 0x3f7f_fb89), (0x3c55_e147, 0x3f7f_fa6b)];
        for (x, want) in cos_cases {
            let x = f32::from_bits(x);
            assert_eq!(np_cos_f32(x).to_bits(), want, "np.cos({x})");
            assert_ne!(
                ((x as f64).cos() as f32).to_bits(),
                want,
                "a case that matters"
            );
        }
        let sin_cases: [(u32, u32); 1] = [(0x3cbc_1e3a, 0x3cbc_19fe)];
        for (x, want) in sin_cases {
            let x = f32::from_bits(x);
            assert_eq!(np_sin_f32(x).to_bits(), want, "np.sin({x})");
            assert_ne!(
                ((x as f64).sin() as f32).to_bits(),
                want,
                "a case that matters"
            );
            assert_eq!(np_sin_f32(-x).to_bits(), (-f32::from_bits(want)).to_bits());
        }
    }

    #[test]
    fn numpy_float32_trig_is_close_to_libm_everywhere() {
        // Over many quadrants the kernel stays within 2 ulp of the correctly rounded value.
        let mut x = -1000.0_f32;
        while x < 1000.0 {
            for (got, exact) in [
                (np_sin_f32(x), (x as f64).sin() as f32),
                (np_cos_f32(x), (x as f64).cos() as f32),
            ] {
                let ulps = (got.to_bits() as i64 - exact.to_bits() as i64).abs();
                assert!(
                    ulps <= 2 || (got - exact).abs() < 1e-7,
                    "x={x}: {got} vs {exact}"
                );
            }
            x += 0.377;
        }
        // Near an odd multiple of π/4 the quadrant depends on NumPy's fused x·(2/π) + magic.
        assert_eq!(
            np_sin_f32(f32::from_bits(0x422c_c9a0)).to_bits(),
            0xbf35_04ee
        );
        assert_eq!(np_cos_f32(1e6), 1e6_f32.cos());
        assert!(np_sin_f32(f32::NAN).is_nan());
    }
}
