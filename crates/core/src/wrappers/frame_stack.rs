//! [`FrameStack`]: the last `k` observations side by side (Gymnasium's
//! `FrameStackObservation`).
//!
//! The stacked observation is the concatenation of the last `k` box observations, oldest
//! first, with space shape `[k, ...inner shape]` and the inner bounds repeated. After `reset`
//! the `k − 1` older slots hold padding: the reset observation itself ([`FramePadding::Reset`],
//! Gymnasium's default) or zeros moved into the bounds ([`FramePadding::Zero`], Gymnasium's
//! `create_zero_array`). `set_state` restarts the stack in the same way, since the older
//! frames belong to another state.

use std::collections::VecDeque;

use crate::env::{Env, EnvError, Step};
use crate::frame::Frame;
use crate::space::{BoxSpace, Space};
use crate::value::{Info, Value};

use super::{WrapperError, require_box};

/// What fills the older slots of the stack after a reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FramePadding {
    /// Repeat the reset observation (Gymnasium's `"reset"`).
    #[default]
    Reset,
    /// Zeros, clipped into the observation bounds (Gymnasium's `"zero"`).
    Zero,
}

/// Stacks the last `k` box observations.
#[derive(Debug, Clone)]
pub struct FrameStack<E> {
    env: E,
    k: usize,
    padding: FramePadding,
    inner_space: BoxSpace,
    frames: VecDeque<Vec<f32>>,
}

impl<E: Env<Obs = Vec<f32>>> FrameStack<E> {
    /// Stacks `k ≥ 1` frames of an env with a box observation space.
    pub fn new(env: E, k: usize, padding: FramePadding) -> Result<Self, WrapperError> {
        if k == 0 {
            return Err(WrapperError::InvalidParameter {
                wrapper: "FrameStack",
                name: "k",
                value: "0".into(),
                reason: "must be at least 1",
            });
        }
        let inner_space = require_box(env.observation_space(), "FrameStack", "observation")?;
        Ok(FrameStack {
            env,
            k,
            padding,
            inner_space,
            frames: VecDeque::with_capacity(k),
        })
    }

    /// Number of stacked frames.
    pub fn stack_size(&self) -> usize {
        self.k
    }

    /// The padding used after a reset.
    pub fn padding(&self) -> FramePadding {
        self.padding
    }

    wrapper_accessors!(env: E);

    fn restart(&mut self, obs: Vec<f32>) -> Vec<f32> {
        let pad = match self.padding {
            FramePadding::Reset => obs.clone(),
            FramePadding::Zero => self
                .inner_space
                .low
                .iter()
                .zip(&self.inner_space.high)
                .map(|(lo, hi)| 0.0f64.clamp(*lo, *hi) as f32)
                .collect(),
        };
        self.frames.clear();
        self.frames.extend(std::iter::repeat_n(pad, self.k - 1));
        self.push(obs)
    }

    fn push(&mut self, obs: Vec<f32>) -> Vec<f32> {
        if self.frames.len() == self.k {
            self.frames.pop_front();
        }
        self.frames.push_back(obs);
        self.frames.iter().flatten().copied().collect()
    }
}

impl<E: Env<Obs = Vec<f32>>> Env for FrameStack<E> {
    type Obs = Vec<f32>;
    type Act = E::Act;

    fn observation_space(&self) -> Space {
        let b = &self.inner_space;
        let mut shape = vec![self.k];
        shape.extend(&b.shape);
        Space::Box(BoxSpace {
            shape,
            low: b.low.repeat(self.k),
            high: b.high.repeat(self.k),
            dtype: b.dtype,
        })
    }

    fn action_space(&self) -> Space {
        self.env.action_space()
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info) {
        let (obs, info) = self.env.reset(seed);
        (self.restart(obs), info)
    }

    fn step(&mut self, action: &E::Act) -> Result<Step<Vec<f32>>, EnvError> {
        let step = self.env.step(action)?;
        Ok(step.map_obs(|o| self.push(o)))
    }

    fn validate_action(&self, action: &E::Act) -> Result<(), EnvError> {
        self.env.validate_action(action)
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

    fn set_state(&mut self, state: &[f64]) -> Result<Vec<f32>, EnvError> {
        let obs = self.env.set_state(state)?;
        Ok(self.restart(obs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::DType;
    use crate::wrappers::test_env::Counter;

    #[test]
    fn reset_padding_then_oldest_first() -> Result<(), EnvError> {
        let mut env = FrameStack::new(Counter::random_start(20, 5), 3, FramePadding::Reset)
            .expect("box observations");
        let (o, _) = env.reset(Some(1));
        let v = o[0];
        assert_eq!(o, vec![v, -v, v, -v, v, -v]);
        let o = env.step(&vec![0.0])?.obs;
        assert_eq!(o, vec![v, -v, v, -v, v + 1.0, -v - 1.0]);
        env.step(&vec![0.0])?;
        let o = env.step(&vec![0.0])?.obs;
        assert_eq!(
            o,
            vec![v + 1.0, -v - 1.0, v + 2.0, -v - 2.0, v + 3.0, -v - 3.0]
        );
        Ok(())
    }

    #[test]
    fn zero_padding_and_space() -> Result<(), EnvError> {
        let mut env =
            FrameStack::new(Counter::new(20), 2, FramePadding::Zero).expect("box observations");
        assert_eq!(
            env.observation_space(),
            Space::Box(BoxSpace {
                shape: vec![2, 2],
                low: vec![0.0, -100.0, 0.0, -100.0],
                high: vec![100.0, 0.0, 100.0, 0.0],
                dtype: DType::F32,
            })
        );
        env.reset(Some(0));
        env.step(&vec![0.0])?;
        // set_state restarts the stack: zeros, then the new frame.
        assert_eq!(env.set_state(&[4.0])?, vec![0.0, 0.0, 4.0, -4.0]);
        assert_eq!(env.step(&vec![0.0])?.obs, vec![4.0, -4.0, 5.0, -5.0]);
        assert!(FrameStack::new(Counter::new(2), 0, FramePadding::Zero).is_err());
        Ok(())
    }
}
