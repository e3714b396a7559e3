//! Classic control: Gymnasium 1.4's CartPole, MountainCar, MountainCarContinuous, Acrobot and
//! Pendulum, reproduced bit for bit.
//!
//! Each env lives in its own file with a Gymnasium-style doc header and registers itself with
//! one row of [`SPECS`]. Exactness is proven by replaying trajectories recorded from Gymnasium
//! (`envs/tests/fixtures/`).

pub mod acrobot;
mod acrobot_dynamics;
pub mod cartpole;
mod cartpole_batch;
mod common;
pub mod continuous_mountain_car;
pub mod mountain_car;
pub mod pendulum;
mod pymath;

pub use acrobot::{
    ACROBOT_DT_RANGE, ACROBOT_TORQUE_NOISE_RANGE, Acrobot, AcrobotConfig, AcrobotDynamics,
};
pub use cartpole::{CartPole, CartPoleParams, Integrator};
pub use cartpole_batch::{
    BatchError, BatchStep, CARTPOLE_V1_MAX_EPISODE_STEPS, CartPoleBatch, MAX_ENVS,
};
pub(crate) use cartpole_batch::{check_counts, thread_pool};
pub use common::ConfigRangeError;
pub use continuous_mountain_car::{ContinuousMountainCar, ContinuousMountainCarParams};
pub use mountain_car::{MountainCar, MountainCarParams};
pub use pendulum::{PENDULUM_G_RANGE, Pendulum, PendulumConfig};

use crate::registry::EnvSpec;

/// The classic-control rows of the registry.
pub static SPECS: &[EnvSpec] = &[
    cartpole::SPEC,
    mountain_car::SPEC,
    continuous_mountain_car::SPEC,
    acrobot::SPEC,
    pendulum::SPEC,
];
