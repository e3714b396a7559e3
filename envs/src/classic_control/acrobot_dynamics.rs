//! Acrobot's equations of motion and integrator, operation for operation as Gymnasium 1.4
//! evaluates them.
//!
//! The arm is chaotic, so a one-ulp difference anywhere grows into a different trajectory
//! within a few dozen steps. Everything here therefore follows Gymnasium's evaluation
//! exactly: `float64` throughout, Python's left-to-right association in every sum and
//! product, `x ** 2` as the C library's `pow` ([`pow2`]), no fused multiply-adds (Rust never
//! contracts `a * b + c` on its own), and one classical Runge–Kutta step over `[0, dt]` whose
//! final combination is `y0 + dt/6 · (((k1 + 2 k2) + 2 k3) + k4)`.

use std::f64::consts::PI;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::pymath::pow2;

/// Mass of each link (kg).
const LINK_MASS_1: f64 = 1.0;
const LINK_MASS_2: f64 = 1.0;
/// Length of the first link (m); only its length enters the dynamics.
const LINK_LENGTH_1: f64 = 1.0;
/// Position of each link's centre of mass along the link (m).
const LINK_COM_POS_1: f64 = 0.5;
const LINK_COM_POS_2: f64 = 0.5;
/// Moment of inertia of either link.
const LINK_MOI: f64 = 1.0;
/// Gravity (m/s²).
const GRAVITY: f64 = 9.8;

/// Which published equations of motion drive the arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AcrobotDynamics {
    /// Sutton & Barto's book, Gymnasium's default and the equations the published
    /// experiments used.
    #[default]
    Book,
    /// The NeurIPS 1995 paper, which lacks the `θ̇1² sin θ2` term in the second
    /// joint's acceleration.
    Nips,
}

impl FromStr for AcrobotDynamics {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "book" => Ok(AcrobotDynamics::Book),
            "nips" => Ok(AcrobotDynamics::Nips),
            other => Err(format!("unknown dynamics {other:?}: expected book or nips")),
        }
    }
}

/// The time derivative of `[theta1, theta2, dtheta1, dtheta2, torque]` (the torque is held
/// constant over the step, so its derivative is 0).
pub(crate) fn derivatives(s: &[f64; 5], dynamics: AcrobotDynamics) -> [f64; 5] {
    let (m1, m2, l1) = (LINK_MASS_1, LINK_MASS_2, LINK_LENGTH_1);
    let (lc1, lc2, i1, i2, g) = (LINK_COM_POS_1, LINK_COM_POS_2, LINK_MOI, LINK_MOI, GRAVITY);
    let [theta1, theta2, dtheta1, dtheta2, a] = *s;
    // Each line keeps Gymnasium's association order; see the module docs.
    let d1 = m1 * pow2(lc1) + m2 * (pow2(l1) + pow2(lc2) + 2.0 * l1 * lc2 * theta2.cos()) + i1 + i2;
    let d2 = m2 * (pow2(lc2) + l1 * lc2 * theta2.cos()) + i2;
    let phi2 = m2 * lc2 * g * (theta1 + theta2 - PI / 2.0).cos();
    let phi1 = -m2 * l1 * lc2 * pow2(dtheta2) * theta2.sin()
        - 2.0 * m2 * l1 * lc2 * dtheta2 * dtheta1 * theta2.sin()
        + (m1 * lc1 + m2 * l1) * g * (theta1 - PI / 2.0).cos()
        + phi2;
    let denominator = m2 * pow2(lc2) + i2 - pow2(d2) / d1;
    let ddtheta2 = match dynamics {
        AcrobotDynamics::Nips => (a + d2 / d1 * phi1 - phi2) / denominator,
        AcrobotDynamics::Book => {
            (a + d2 / d1 * phi1 - m2 * l1 * lc2 * pow2(dtheta1) * theta2.sin() - phi2) / denominator
        }
    };
    let ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
    [dtheta1, dtheta2, ddtheta1, ddtheta2, 0.0]
}

/// `y + h · k`, element by element.
fn euler(y: &[f64; 5], h: f64, k: &[f64; 5]) -> [f64; 5] {
    std::array::from_fn(|i| y[i] + h * k[i])
}

/// One classical fourth-order Runge–Kutta step of length `dt` from `y0` (state and torque);
/// returns the four state entries.
pub(crate) fn rk4(y0: &[f64; 5], dt: f64, dynamics: AcrobotDynamics) -> [f64; 4] {
    let dt2 = dt / 2.0;
    let k1 = derivatives(y0, dynamics);
    let k2 = derivatives(&euler(y0, dt2, &k1), dynamics);
    let k3 = derivatives(&euler(y0, dt2, &k2), dynamics);
    let k4 = derivatives(&euler(y0, dt, &k3), dynamics);
    let sixth = dt / 6.0;
    std::array::from_fn(|i| y0[i] + sixth * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]))
}

/// Beyond this many turns outside `[lo, hi]`, [`wrap`] stops subtracting one turn at a time
/// (Gymnasium would loop for hours; exactness is moot there).
const MAX_WRAP_TURNS: f64 = 1e6;

/// Gymnasium's `wrap`: adds or subtracts whole turns `hi - lo`, one at a time (each
/// subtraction rounds, so this is not a modulo), until `lo <= x <= hi`. NaN stays NaN; an
/// infinite `x` gives NaN.
pub(crate) fn wrap(x: f64, lo: f64, hi: f64) -> f64 {
    let turn = hi - lo;
    let mut x = x;
    if x - hi > MAX_WRAP_TURNS * turn || lo - x > MAX_WRAP_TURNS * turn || x.is_infinite() {
        x = lo + (x - lo).rem_euclid(turn);
    }
    while x > hi {
        x -= turn;
    }
    while x < lo {
        x += turn;
    }
    x
}

/// Gymnasium's `bound`: Python's `min(max(x, lo), hi)`, which keeps a NaN `x`.
pub(crate) fn bound(x: f64, lo: f64, hi: f64) -> f64 {
    let x = if lo > x { lo } else { x };
    if hi < x { hi } else { x }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hanging_still_arm_has_zero_acceleration() {
        // theta = 0 is straight down: phi1 = 1.5·9.8·cos(-π/2) + 4.9·cos(-π/2), both ≈ 0 up
        // to cos(-π/2) = 6.1e-17, so the accelerations are tiny and the velocities exact.
        let d = derivatives(&[0.0, 0.0, 0.0, 0.0, 0.0], AcrobotDynamics::Book);
        assert_eq!(d[0], 0.0);
        assert_eq!(d[1], 0.0);
        assert!(d[2].abs() < 1e-15 && d[3].abs() < 1e-15, "{d:?}");
        assert_eq!(d[4], 0.0);
    }

    #[test]
    fn torque_accelerates_the_second_joint_by_hand_computed_amount() {
        // At rest hanging down with torque 1: d1 = 0.25 + (1.25 + 1) + 2 = 4.5,
        // d2 = (0.25 + 0.5) + 1 = 1.75, phi ≈ 0, so
        // ddtheta2 = 1 / (1.25 - 1.75²/4.5) = 1 / (0.56944…) = 1.7560975…,
        // ddtheta1 = -1.75·ddtheta2 / 4.5 = -0.6829268….
        let d = derivatives(&[0.0, 0.0, 0.0, 0.0, 1.0], AcrobotDynamics::Book);
        assert!(
            (d[3] - 1.0 / (1.25 - 1.75 * 1.75 / 4.5)).abs() < 1e-12,
            "{d:?}"
        );
        assert!((d[2] + 1.75 * d[3] / 4.5).abs() < 1e-12, "{d:?}");
        assert!((d[3] - 1.756_097_560_975_6).abs() < 1e-12);
    }

    #[test]
    fn book_and_nips_differ_only_through_the_first_velocity() {
        let still = [0.3, -0.7, 0.0, 1.1, -1.0];
        assert_eq!(
            derivatives(&still, AcrobotDynamics::Book),
            derivatives(&still, AcrobotDynamics::Nips)
        );
        let moving = [0.3, -0.7, 2.0, 1.1, -1.0];
        assert_ne!(
            derivatives(&moving, AcrobotDynamics::Book)[3],
            derivatives(&moving, AcrobotDynamics::Nips)[3]
        );
    }

    #[test]
    fn rk4_keeps_a_still_hanging_arm_still() {
        // Hanging straight down the forces vanish (up to 1e-16), so nothing moves.
        let next = rk4(&[0.0, 0.0, 0.0, 0.0, 0.0], 0.2, AcrobotDynamics::Book);
        assert!(next.iter().all(|x| x.abs() < 1e-15), "{next:?}");
    }

    #[test]
    fn rk4_matches_gymnasium_on_a_recorded_step() {
        // Gymnasium 1.4: rk4(AcrobotEnv()._dsdt, [0.05, -0.03, 0.2, -0.1, 1.0], [0, 0.2]),
        // printed with float.hex.
        let y0 = [0.05, -0.03, 0.2, -0.1, 1.0];
        let got = rk4(&y0, 0.2, AcrobotDynamics::Book);
        let want = [
            f64::from_bits(0x3fb1_7e38_4ca2_0ee1),
            f64::from_bits(0xbf78_c855_6054_8f9c),
            f64::from_bits(0xbf93_ce8a_ed91_2ba8),
            f64::from_bits(0x3fd5_9b84_b064_7ddc),
        ];
        assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{got:?}");
    }

    #[test]
    fn wrap_subtracts_whole_turns_one_at_a_time() {
        assert_eq!(wrap(0.5, -PI, PI), 0.5);
        assert_eq!(wrap(PI, -PI, PI), PI);
        assert_eq!(wrap(-PI, -PI, PI), -PI);
        assert_eq!(wrap(PI + 0.5, -PI, PI), PI + 0.5 - 2.0 * PI);
        assert_eq!(wrap(-PI - 0.5, -PI, PI), -PI - 0.5 + 2.0 * PI);
        // Three turns: three roundings, as Gymnasium's loop.
        let x = 7.0 * PI - 0.1;
        assert_eq!(wrap(x, -PI, PI), x - 2.0 * PI - 2.0 * PI - 2.0 * PI);
        let far = wrap(1e300, -PI, PI);
        assert!((-PI..=PI).contains(&far), "{far}");
        assert!(wrap(f64::INFINITY, -PI, PI).is_nan());
        assert!(wrap(f64::NAN, -PI, PI).is_nan());
    }

    #[test]
    fn bound_clips_and_keeps_nan() {
        assert_eq!(bound(5.0, -1.0, 1.0), 1.0);
        assert_eq!(bound(-5.0, -1.0, 1.0), -1.0);
        assert_eq!(bound(0.25, -1.0, 1.0), 0.25);
        assert!(bound(f64::NAN, -1.0, 1.0).is_nan());
    }

    #[test]
    fn dynamics_parse_from_their_gymnasium_names() {
        assert_eq!("book".parse(), Ok(AcrobotDynamics::Book));
        assert_eq!("nips".parse(), Ok(AcrobotDynamics::Nips));
        assert!("paper".parse::<AcrobotDynamics>().is_err());
    }
}
