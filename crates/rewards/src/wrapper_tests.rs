use std::sync::Arc;

use rewardlab_core::mdp::MdpBuilder;
use rewardlab_core::tabular::TabularEnv;
use rewardlab_core::wrappers::TASK_REWARD_KEY;

use super::*;
use crate::shaping::{Pbrs, RewardFnExt, Task};

/// A 3-state chain 0 → 1 → 2 (terminal, pays 1) with one action.
fn chain() -> TabularEnv {
    let mut b = MdpBuilder::new(3, 1).gamma(0.5);
    b.transition(0, 0, 1, 1.0, 0.0);
    b.transition(1, 0, 2, 1.0, 1.0);
    b.terminal(2);
    b.initial_state(0);
    TabularEnv::new(Arc::new(b.build().expect("valid chain")))
}

#[test]
fn shaped_env_pays_the_shaped_reward_and_keeps_the_task_reward() -> Result<(), EnvError> {
    let phi = |s: &usize| [4.0, 2.0, 100.0][*s];
    let mut env = Shaped::new(chain(), Task.plus(Pbrs::new(phi, 0.5)));
    assert!(matches!(env.step(&0), Err(EnvError::ResetNeeded)));
    env.reset(Some(0));
    // 0 → 1: r = 0, F = 0.5·2 − 4 = −3.
    let s1 = env.step(&0)?;
    assert_eq!(s1.reward, -3.0);
    assert_eq!(s1.info.get(TASK_REWARD_KEY), Some(&Value::Float(0.0)));
    // 1 → 2 terminates: Φ(2) counts as 0, F = −2; r = 1.
    let s2 = env.step(&0)?;
    assert!(s2.terminated);
    assert_eq!(s2.reward, -1.0);
    assert_eq!(s2.info.get(TASK_REWARD_KEY), Some(&Value::Float(1.0)));
    Ok(())
}
