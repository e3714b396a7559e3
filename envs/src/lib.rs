//! Envs.
