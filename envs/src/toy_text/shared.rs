//! What the tabular envs share around their inner [`TabularEnv`](rewardlab_core::tabular::TabularEnv):
//! Gymnasium's toy-text `{"prob": p}` info, and the forwards of the parts of
//! [`Tabular`](rewardlab_core::tabular::Tabular) and [`Env`](rewardlab_core::Env) that an env
//! takes unchanged from it.
//!
//! FrozenLake, CliffWalking, Taxi and the gridworld are each a `TabularEnv` plus what
//! rendering or Gymnasium's extras need. The forwards are one-liners that would otherwise be
//! written four times; the macros generate only those, so every env still spells out its own
//! `reset`, `step`, `set_state` and rendering, which is where they differ.

use rewardlab_core::tabular::{Tabular, TabularEnv};
use rewardlab_core::{Env, EnvError, Info, Step, Value};

/// Gymnasium's toy-text info: `{"prob": prob}`, the probability of the outcome drawn (1 after
/// a reset).
#[inline]
pub(crate) fn prob_info(prob: f64) -> Info {
    let mut info = Info::new();
    info.insert("prob".to_string(), Value::Float(prob));
    info
}

/// A step of an inner tabular env with `info` in place of its empty map.
///
/// Taken apart field by field and rebuilt, and inlined into the env's `step` (itself inlined
/// into its caller): a `Step` returned through memory and then copied whole is read with wide
/// loads that stall on the narrow stores that wrote it (no store-to-load forwarding), the
/// hottest instructions of these steps under `perf`.
#[inline(always)]
pub(crate) fn with_info(
    inner: Result<Step<usize>, EnvError>,
    info: impl FnOnce() -> Info,
) -> Result<Step<usize>, EnvError> {
    let Step {
        obs,
        reward,
        terminated,
        truncated,
        ..
    } = inner?;
    Ok(Step {
        obs,
        reward,
        terminated,
        truncated,
        info: info(),
    })
}

/// The current state index of `env`, `None` before the first reset (when
/// [`Tabular::state_index`] means nothing yet).
pub(crate) fn current_state(env: &TabularEnv) -> Option<usize> {
    env.state().map(|_| env.state_index())
}

/// `impl Tabular for $ty`, forwarding to the `TabularEnv` in the field `$field`.
macro_rules! impl_tabular {
    ($ty:ty, $field:ident) => {
        impl ::rewardlab_core::tabular::Tabular for $ty {
            fn mdp(&self) -> &::rewardlab_core::mdp::Mdp {
                ::rewardlab_core::tabular::Tabular::mdp(&self.$field)
            }

            fn state_index(&self) -> usize {
                ::rewardlab_core::tabular::Tabular::state_index(&self.$field)
            }
        }
    };
}
pub(crate) use impl_tabular;

/// Inside `impl Env for …` with `Obs = Act = usize`: the observation and action spaces,
/// `validate_action` and `state`, forwarded to the `TabularEnv` in the field `$field`.
macro_rules! forward_tabular_env {
    ($field:ident) => {
        fn observation_space(&self) -> ::rewardlab_core::Space {
            ::rewardlab_core::Env::observation_space(&self.$field)
        }

        fn action_space(&self) -> ::rewardlab_core::Space {
            ::rewardlab_core::Env::action_space(&self.$field)
        }

        fn validate_action(&self, action: &usize) -> Result<(), ::rewardlab_core::EnvError> {
            ::rewardlab_core::Env::validate_action(&self.$field, action)
        }

        fn state(&self) -> Option<::rewardlab_core::Value> {
            ::rewardlab_core::Env::state(&self.$field)
        }
    };
}
pub(crate) use forward_tabular_env;

/// The model's outcomes of (s, a) as (next, prob, reward), in the model's order.
#[cfg(test)]
pub(crate) fn outcomes(
    mdp: &rewardlab_core::mdp::Mdp,
    s: usize,
    a: usize,
) -> Vec<(usize, f64, f64)> {
    mdp.successors(s, a)
        .map(|t| (t.next, t.prob, t.reward))
        .collect()
}
