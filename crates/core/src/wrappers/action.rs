//! [`ClipAction`] and [`RescaleAction`]: box-action transformations.
//!
//! As in Gymnasium, `ClipAction` advertises an unbounded box of the inner shape (any finite
//! action is accepted and clipped into the inner bounds), and `RescaleAction` advertises the
//! box `[min_action, max_action]` and maps it affinely onto the inner bounds. Validation runs
//! the inner env's check on the action that would actually be passed on.
//!
//! `RescaleAction` computes the map in `f32` as Gymnasium's `rescale_box` does for a
//! `float32` box (see the private `affine` module). That rounding can land an endpoint of the
//! outer box one or two ulps outside the inner one (Gymnasium maps `0.3` in `[0, 0.3]` onto
//! `[−2, 0.5]` as `0.5000002`), so an action inside the outer box has its image clamped into
//! the inner bounds: every action of the advertised space is valid. Actions outside the outer
//! box are mapped without clamping, so the inner check still refuses them. The fixture
//! `crates/core/tests/fixtures/rescale_action_gymnasium.json` pins the map against Gymnasium.

use crate::env::{Env, EnvError, Step};
use crate::frame::Frame;
use crate::space::{BoxSpace, DType, Space};
use crate::value::{Info, Value};

use super::affine::AffineMap;
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

    fn render(&self) -> Result<Frame, EnvError> {
        self.env.render()
    }

    fn render_ansi(&self) -> Result<String, EnvError> {
        self.env.render_ansi()
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
    map: AffineMap,
}

impl<E: Env<Act = Vec<f32>>> RescaleAction<E> {
    /// Wraps `env` so that its actions range over `[min_action, max_action]` in every element.
    pub fn new(env: E, min_action: f64, max_action: f64) -> Result<Self, WrapperError> {
        let n = require_box(env.action_space(), "RescaleAction", "action")?.len();
        Self::with_bounds(env, vec![min_action; n], vec![max_action; n])
    }

    /// Wraps `env` with per-element bounds; both must be finite with `min < max` element-wise,
    /// and the inner box must be bounded with `low < high` element-wise.
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
        let proper = inner_space
            .low
            .iter()
            .zip(&inner_space.high)
            .all(|(lo, hi)| lo.is_finite() && hi.is_finite() && lo < hi);
        if !proper {
            return Err(WrapperError::UnsupportedSpace {
                wrapper: "RescaleAction",
                which: "action",
                expected: "a bounded box with low < high in every element",
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
        let map = AffineMap::new(&inner_space, &min_action, &max_action);
        if !map.is_usable() {
            return Err(invalid(
                "min_action/max_action",
                format!("{min_action:?} / {max_action:?}"),
                "the map onto the inner box must have finite, nonzero coefficients in its dtype",
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
            map,
        })
    }

    /// The inner action that `action` maps to: Gymnasium's affine map, clamped into the inner
    /// bounds where `action` lies in the outer box (see the module docs).
    pub fn rescale(&self, action: &[f32]) -> Vec<f32> {
        let (o, i) = (&self.outer_space, &self.inner_space);
        action
            .iter()
            .enumerate()
            .map(|(k, a)| {
                let x = self.map.apply(k, *a);
                if !o.holds_f32(k, *a) {
                    return x;
                }
                if i.dtype == DType::F32 {
                    x.clamp(i.low[k] as f32, i.high[k] as f32)
                } else {
                    f64::from(x).clamp(i.low[k], i.high[k]) as f32
                }
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

    fn render(&self) -> Result<Frame, EnvError> {
        self.env.render()
    }

    fn render_ansi(&self) -> Result<String, EnvError> {
        self.env.render_ansi()
    }

    fn set_state(&mut self, state: &[f64]) -> Result<E::Obs, EnvError> {
        self.env.set_state(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::DType;
    use crate::wrappers::test_env::{Boxes, Counter};

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

    /// The reported case: [0, 0.3] onto [-1, 1]. In f64 `0.3f32` mapped to `1.0000001`;
    /// Gymnasium's f32 map gives exactly 1.
    #[test]
    fn rescale_action_accepts_its_own_upper_bound() -> Result<(), EnvError> {
        let mut env = RescaleAction::new(Counter::new(10), 0.0, 0.3).expect("bounded box");
        assert_eq!(env.rescale(&[0.3]), vec![1.0]);
        assert_eq!(env.rescale(&[0.0]), vec![-1.0]);
        env.validate_action(&vec![0.3])?;
        env.reset(Some(0));
        let s = env.step(&vec![0.3])?;
        assert_eq!(received(&s), Some(&Value::F32(vec![1.0])));
        Ok(())
    }

    /// Every action of the advertised box validates, endpoints and their neighbours included,
    /// for inner and outer boxes of many scales and offsets.
    #[test]
    fn every_in_space_action_validates() {
        let inner = [
            (-1.0, 1.0),
            (-2.0, 0.5),
            (-0.1, 0.3),
            (1e-3, 7.7),
            (-1e4, 3.0),
            (0.1, 0.2),
            (-1e-6, 1e-6),
        ];
        let outer = [
            (0.0, 0.3),
            (-1.0, 1.0),
            (0.1, 0.7),
            (-3.3, 1e3),
            (2.5, 2.6),
            (-0.7, -0.1),
            (1e5, 1e5 + 1.0),
            (-1e-3, 0.2),
        ];
        for (lo, hi) in inner {
            for (min, max) in outer {
                let env = RescaleAction::new(Boxes::actions(lo, hi), min, max).expect("valid");
                let (a, b) = (min as f32, max as f32);
                let mut actions = vec![a, b, a.next_up(), b.next_down()];
                actions.extend((0..=1000).map(|i| {
                    let t = f64::from(i) / 1000.0;
                    ((1.0 - t) * f64::from(a) + t * f64::from(b)) as f32
                }));
                for x in actions.into_iter().filter(|x| (a..=b).contains(x)) {
                    let inner_action = env.rescale(&[x]);
                    assert!(
                        env.validate_action(&vec![x]).is_ok(),
                        "[{min}, {max}] onto [{lo}, {hi}]: {x:?} maps to {inner_action:?}"
                    );
                }
            }
        }
    }

    proptest::proptest! {
        /// The same for random boxes and random in-space actions.
        #[test]
        fn random_in_space_actions_validate(
            lo in -1e3f64..1e3,
            width in 1e-3f64..1e3,
            min in -1e3f64..1e3,
            span in 1e-3f64..1e3,
            // The endpoints, where rounding leaves the inner box, a third of the time.
            t in proptest::prop_oneof![proptest::strategy::Just(0.0f64), proptest::strategy::Just(1.0), 0.0f64..=1.0],
        ) {
            let env = RescaleAction::new(Boxes::actions(lo, lo + width), min, min + span)
                .expect("valid");
            let (a, b) = (min as f32, (min + span) as f32);
            let x = (((1.0 - t) * f64::from(a) + t * f64::from(b)) as f32).clamp(a, b);
            proptest::prop_assert!(env.validate_action(&vec![x]).is_ok(), "{:?}", env.rescale(&[x]));
        }
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
        // A degenerate inner element has no inverse map.
        assert!(matches!(
            RescaleAction::new(Boxes::actions(0.5, 0.5), -1.0, 1.0),
            Err(WrapperError::UnsupportedSpace { .. })
        ));
        // A span that underflows float32 next to the inner one gives a zero gradient.
        assert!(matches!(
            RescaleAction::new(Counter::new(10), 0.0, 1e-50),
            Err(WrapperError::InvalidParameter { .. })
        ));
    }
}
