//! [`ClipAction`] and [`RescaleAction`]: box-action transformations.
//!
//! As in Gymnasium, `ClipAction` advertises an unbounded box of the inner shape (any finite
//! action is accepted and clipped into the inner bounds), and `RescaleAction` advertises the
//! box `[min_action, max_action]` and maps it affinely onto the inner bounds. Validation runs
//! the inner env's check on the action that would actually be passed on.

use crate::env::{Env, EnvError, Step};
use crate::space::{BoxSpace, Space};
use crate::value::{Info, Value};

use super::{WrapperError, require_box};

/// Refuses an action whose length is not the outer box's before it is mapped: both maps pair
/// the action with per-element bounds, which would silently drop (clip) or index past
/// (rescale) elements of a wrong-length action. `outer_space` is only built for the error.
fn check_len(
    action: &[f32],
    len: usize,
    outer_space: impl FnOnce() -> Space,
) -> Result<(), EnvError> {
    if action.len() == len {
        Ok(())
    } else {
        Err(EnvError::invalid_action(&action, &outer_space()))
    }
}

/// Clips box actions into the inner env's bounds.
#[derive(Debug, Clone)]
pub struct ClipAction<E> {
    env: E,
    inner_space: BoxSpace,
}

impl<E: Env<Act = Vec<f32>>> ClipAction<E> {
    /// Wraps an env with a box action space.
    pub fn new(env: E) -> Result<Self, WrapperError> {
        let inner_space = require_box(env.action_space(), "ClipAction", "action")?;
        Ok(ClipAction { env, inner_space })
    }

    /// `action` clipped into the inner bounds.
    pub fn clip(&self, action: &[f32]) -> Vec<f32> {
        action
            .iter()
            .zip(self.inner_space.low.iter().zip(&self.inner_space.high))
            .map(|(a, (lo, hi))| f64::from(*a).clamp(*lo, *hi) as f32)
            .collect()
    }

    fn outer(&self, action: &[f32]) -> Result<Vec<f32>, EnvError> {
        check_len(action, self.inner_space.len(), || self.action_space())?;
        Ok(self.clip(action))
    }

    wrapper_accessors!(env: E);
}

impl<E: Env<Act = Vec<f32>>> Env for ClipAction<E> {
    type Obs = E::Obs;
    type Act = Vec<f32>;

    fn observation_space(&self) -> Space {
        self.env.observation_space()
    }

    fn action_space(&self) -> Space {
        let b = &self.inner_space;
        Space::Box(BoxSpace::uniform(
            &b.shape,
            f64::NEG_INFINITY,
            f64::INFINITY,
            b.dtype,
        ))
    }

    fn reset(&mut self, seed: Option<u64>) -> (E::Obs, Info) {
        self.env.reset(seed)
    }

    fn step(&mut self, action: &Vec<f32>) -> Result<Step<E::Obs>, EnvError> {
        let inner = self.outer(action)?;
        self.env.step(&inner)
    }

    fn validate_action(&self, action: &Vec<f32>) -> Result<(), EnvError> {
        self.env.validate_action(&self.outer(action)?)
    }

    fn state(&self) -> Option<Value> {
        self.env.state()
    }

    fn set_state(&mut self, state: &[f64]) -> Result<E::Obs, EnvError> {
        self.env.set_state(state)
    }
}

/// Rescales box actions from `[min_action, max_action]` onto the inner env's bounds.
#[derive(Debug, Clone)]
pub struct RescaleAction<E> {
    env: E,
    inner_space: BoxSpace,
    outer_space: BoxSpace,
}

impl<E: Env<Act = Vec<f32>>> RescaleAction<E> {
    /// Wraps `env` so that its actions range over `[min_action, max_action]` in every element.
    pub fn new(env: E, min_action: f64, max_action: f64) -> Result<Self, WrapperError> {
        let n = require_box(env.action_space(), "RescaleAction", "action")?.len();
        Self::with_bounds(env, vec![min_action; n], vec![max_action; n])
    }

    /// Wraps `env` with per-element bounds; both must be finite with `min < max` element-wise,
    /// and the inner box must be bounded.
    pub fn with_bounds(
        env: E,
        min_action: Vec<f64>,
        max_action: Vec<f64>,
    ) -> Result<Self, WrapperError> {
        let inner_space = require_box(env.action_space(), "RescaleAction", "action")?;
        let invalid = |name, value: String, reason| WrapperError::InvalidParameter {
            wrapper: "RescaleAction",
            name,
            value,
            reason,
        };
        if !inner_space
            .low
            .iter()
            .chain(&inner_space.high)
            .all(|x| x.is_finite())
        {
            return Err(WrapperError::UnsupportedSpace {
                wrapper: "RescaleAction",
                which: "action",
                expected: "a bounded box",
                space: env.action_space().to_string(),
            });
        }
        if min_action.len() != inner_space.len() || max_action.len() != inner_space.len() {
            return Err(invalid(
                "min_action/max_action",
                format!("{} and {} elements", min_action.len(), max_action.len()),
                "must have one bound per action element",
            ));
        }
        let ordered = min_action
            .iter()
            .zip(&max_action)
            .all(|(lo, hi)| lo.is_finite() && hi.is_finite() && lo < hi);
        if !ordered {
            return Err(invalid(
                "min_action/max_action",
                format!("{min_action:?} / {max_action:?}"),
                "must be finite with min < max element-wise",
            ));
        }
        let outer_space = BoxSpace {
            shape: inner_space.shape.clone(),
            low: min_action,
            high: max_action,
            dtype: inner_space.dtype,
        };
        Ok(RescaleAction {
            env,
            inner_space,
            outer_space,
        })
    }

    /// The inner action that `action` maps to.
    pub fn rescale(&self, action: &[f32]) -> Vec<f32> {
        let (o, i) = (&self.outer_space, &self.inner_space);
        action
            .iter()
            .enumerate()
            .map(|(k, a)| {
                let frac = (f64::from(*a) - o.low[k]) / (o.high[k] - o.low[k]);
                (i.low[k] + (i.high[k] - i.low[k]) * frac) as f32
            })
            .collect()
    }

    fn outer(&self, action: &[f32]) -> Result<Vec<f32>, EnvError> {
        check_len(action, self.outer_space.len(), || self.action_space())?;
        Ok(self.rescale(action))
    }

    wrapper_accessors!(env: E);
}

impl<E: Env<Act = Vec<f32>>> Env for RescaleAction<E> {
    type Obs = E::Obs;
    type Act = Vec<f32>;

    fn observation_space(&self) -> Space {
        self.env.observation_space()
    }

    fn action_space(&self) -> Space {
        Space::Box(self.outer_space.clone())
    }

    fn reset(&mut self, seed: Option<u64>) -> (E::Obs, Info) {
        self.env.reset(seed)
    }

    fn step(&mut self, action: &Vec<f32>) -> Result<Step<E::Obs>, EnvError> {
        let inner = self.outer(action)?;
        self.env.step(&inner)
    }

    fn validate_action(&self, action: &Vec<f32>) -> Result<(), EnvError> {
        self.env.validate_action(&self.outer(action)?)
    }

    fn state(&self) -> Option<Value> {
        self.env.state()
    }

    fn set_state(&mut self, state: &[f64]) -> Result<E::Obs, EnvError> {
        self.env.set_state(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::DType;
    use crate::wrappers::test_env::Counter;

    fn received(step: &Step<Vec<f32>>) -> Option<&Value> {
        step.info.get("action")
    }

    #[test]
    fn clip_action_clips_and_unbounds_the_space() -> Result<(), EnvError> {
        let mut env = ClipAction::new(Counter::new(10)).expect("box actions");
        assert_eq!(
            env.action_space(),
            Space::Box(BoxSpace::uniform(
                &[1],
                f64::NEG_INFINITY,
                f64::INFINITY,
                DType::F32
            ))
        );
        env.reset(Some(0));
        let s = env.step(&vec![5.0])?;
        assert_eq!(received(&s), Some(&Value::F32(vec![1.0])));
        let s = env.step(&vec![-3.5])?;
        assert_eq!(received(&s), Some(&Value::F32(vec![-1.0])));
        let s = env.step(&vec![0.25])?;
        assert_eq!(received(&s), Some(&Value::F32(vec![0.25])));
        assert!(env.validate_action(&vec![100.0]).is_ok());
        assert!(env.validate_action(&vec![0.0, 0.0]).is_err());
        assert!(env.step(&vec![0.0, 0.0]).is_err());
        Ok(())
    }

    #[test]
    fn rescale_action_maps_the_endpoints() -> Result<(), EnvError> {
        // [0, 4] onto the counter's [-1, 1]: 0 -> -1, 4 -> 1, 1 -> -0.5.
        let mut env = RescaleAction::new(Counter::new(10), 0.0, 4.0).expect("bounded box");
        assert_eq!(
            env.action_space(),
            Space::Box(BoxSpace::uniform(&[1], 0.0, 4.0, DType::F32))
        );
        env.reset(Some(0));
        for (outer, inner) in [(0.0, -1.0), (4.0, 1.0), (1.0, -0.5), (2.0, 0.0)] {
            let s = env.step(&vec![outer])?;
            assert_eq!(
                received(&s),
                Some(&Value::F32(vec![inner])),
                "action {outer}"
            );
        }
        assert!(env.validate_action(&vec![3.0]).is_ok());
        // 5 maps to 1.5, outside the counter's box.
        assert!(env.validate_action(&vec![5.0]).is_err());
        Ok(())
    }

    #[test]
    fn rescale_action_rejects_bad_bounds() {
        assert!(matches!(
            RescaleAction::new(Counter::new(10), 1.0, 1.0),
            Err(WrapperError::InvalidParameter { .. })
        ));
        assert!(RescaleAction::with_bounds(Counter::new(10), vec![0.0; 2], vec![1.0; 2]).is_err());
        let unbounded = ClipAction::new(Counter::new(10)).expect("box actions");
        assert!(matches!(
            RescaleAction::new(unbounded, -1.0, 1.0),
            Err(WrapperError::UnsupportedSpace { .. })
        ));
    }
}
