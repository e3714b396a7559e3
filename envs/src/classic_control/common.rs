//! What the classic-control envs share: the episode cycle ([`Phase`]), the checks of
//! `set_state`, of a one-number continuous action and of a setting's range
//! ([`ConfigRangeError`]), and a test helper.
//!
//! The physics of each env stays in its own file; only the bookkeeping that is the same
//! everywhere (refusing a step before a reset or after termination, reading the state back,
//! validating user input) lives here, so that the envs cannot drift apart on it.

use rewardlab_core::{EnvError, Space, Value};

use crate::registry::MakeError;

/// Where an env is in its episode cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Never reset: no state yet.
    Fresh,
    /// An episode is running.
    Running,
    /// The last step terminated: reset (or set a state) to go on.
    Ended,
}

impl Phase {
    /// The phase after a step of a running episode: ended if it terminated.
    pub(crate) fn after_step(terminated: bool) -> Self {
        if terminated {
            Phase::Ended
        } else {
            Phase::Running
        }
    }

    /// Stepping needs a running episode: [`EnvError::ResetNeeded`] before the first reset
    /// and after termination.
    pub(crate) fn ensure_running(self) -> Result<(), EnvError> {
        match self {
            Phase::Running => Ok(()),
            Phase::Fresh | Phase::Ended => Err(EnvError::ResetNeeded),
        }
    }

    /// Rendering needs a state: [`EnvError::ResetNeeded`] before the first reset.
    pub(crate) fn ensure_started(self) -> Result<(), EnvError> {
        match self {
            Phase::Fresh => Err(EnvError::ResetNeeded),
            Phase::Running | Phase::Ended => Ok(()),
        }
    }

    /// What [`Env::state`](rewardlab_core::Env::state) returns: the physical state, which
    /// stays readable after termination, and `None` before the first reset.
    pub(crate) fn state_value(self, state: &[f64]) -> Option<Value> {
        (self != Phase::Fresh).then(|| Value::F64(state.to_vec()))
    }
}

/// `state` as an array of `N` finite numbers, or [`EnvError::InvalidState`].
pub(crate) fn finite_state<const N: usize>(state: &[f64]) -> Result<[f64; N], EnvError> {
    let invalid = |reason: String| EnvError::InvalidState {
        state: format!("{state:?}"),
        reason,
    };
    let array: [f64; N] = state
        .try_into()
        .map_err(|_| invalid(format!("expected {N} numbers, got {}", state.len())))?;
    if array.iter().all(|v| v.is_finite()) {
        Ok(array)
    } else {
        Err(invalid("every entry must be finite".to_string()))
    }
}

/// Accepts a continuous action of one number that is not NaN, whatever its range: as in
/// Gymnasium, the dynamics clip it. Anything else is [`EnvError::InvalidAction`] against
/// `space` (built only then: validation runs on every step).
pub(crate) fn validate_scalar_action(
    action: &[f32],
    space: impl FnOnce() -> Space,
) -> Result<(), EnvError> {
    match action {
        [a] if !a.is_nan() => Ok(()),
        _ => Err(EnvError::invalid_action(&action, &space())),
    }
}

/// A setting outside its documented range. The ranges keep every step finite: Gymnasium
/// takes any float, and a huge one (`g = -1e308`, `dt = 1e308`) overflows to NaN states.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("{name} = {} is outside its allowed range {range}", short(*.value))]
pub struct ConfigRangeError {
    /// The setting, by its kwarg name.
    pub name: &'static str,
    /// The value refused.
    pub value: f64,
    /// The allowed range in interval notation, e.g. `(0, 10]`.
    pub range: &'static str,
}

/// `value` as `{}` prints it, but in exponent form where that would be long (`1e308`, not
/// 309 digits).
fn short(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude != 0.0 && !(1e-4..1e6).contains(&magnitude) && value.is_finite() {
        format!("{value:e}")
    } else {
        format!("{value}")
    }
}

impl ConfigRangeError {
    /// `Ok` when `ok(value)` holds (a NaN `value` must fail `ok`), else the error naming
    /// `range`.
    pub(crate) fn check(
        name: &'static str,
        value: f64,
        range: &'static str,
        ok: impl FnOnce(f64) -> bool,
    ) -> Result<(), ConfigRangeError> {
        if ok(value) {
            Ok(())
        } else {
            Err(ConfigRangeError { name, value, range })
        }
    }

    /// The registry's error for this setting of env `id`.
    pub(crate) fn into_make_error(self, id: &'static str) -> MakeError {
        MakeError::InvalidConfig {
            id,
            reason: self.to_string(),
        }
    }
}

/// String kwargs for `make` from literal pairs.
#[cfg(test)]
pub(crate) fn kw(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_gate_stepping_rendering_and_the_state() {
        let state = [1.0, 2.0];
        assert_eq!(Phase::Fresh.ensure_running(), Err(EnvError::ResetNeeded));
        assert_eq!(Phase::Ended.ensure_running(), Err(EnvError::ResetNeeded));
        assert_eq!(Phase::Running.ensure_running(), Ok(()));
        assert_eq!(Phase::Fresh.ensure_started(), Err(EnvError::ResetNeeded));
        assert_eq!(Phase::Ended.ensure_started(), Ok(()));
        assert_eq!(Phase::Fresh.state_value(&state), None);
        assert_eq!(
            Phase::Ended.state_value(&state),
            Some(Value::F64(state.to_vec()))
        );
        assert_eq!(Phase::after_step(true), Phase::Ended);
        assert_eq!(Phase::after_step(false), Phase::Running);
    }

    #[test]
    fn range_errors_name_the_setting_and_the_range_in_short_form() {
        let ok = ConfigRangeError::check("dt", 0.2, "(0, 10]", |v| v > 0.0 && v <= 10.0);
        assert_eq!(ok, Ok(()));
        let nan = ConfigRangeError::check("dt", f64::NAN, "(0, 10]", |v| v > 0.0 && v <= 10.0);
        assert!(nan.is_err());
        let err = ConfigRangeError::check("g", -1e308, "[-1e6, 1e6]", |v| v.abs() <= 1e6)
            .expect_err("out of range");
        assert_eq!(
            err.to_string(),
            "g = -1e308 is outside its allowed range [-1e6, 1e6]"
        );
        let small = ConfigRangeError {
            name: "dt",
            value: -0.5,
            range: "(0, 10]",
        };
        assert_eq!(
            small.to_string(),
            "dt = -0.5 is outside its allowed range (0, 10]"
        );
        assert!(
            matches!(err.into_make_error("Pendulum-v1"), MakeError::InvalidConfig { id, reason }
                if id == "Pendulum-v1" && reason.contains("[-1e6, 1e6]"))
        );
    }

    #[test]
    fn scalar_actions_refuse_nan_and_other_lengths() {
        let space = || Space::discrete(1);
        assert_eq!(validate_scalar_action(&[1e9], space), Ok(()));
        assert_eq!(validate_scalar_action(&[f32::NEG_INFINITY], space), Ok(()));
        for bad in [&[][..], &[f32::NAN], &[0.0, 0.0]] {
            assert!(
                matches!(
                    validate_scalar_action(bad, space),
                    Err(EnvError::InvalidAction { .. })
                ),
                "{bad:?}"
            );
        }
    }
}
