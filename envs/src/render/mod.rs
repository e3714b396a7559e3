//! Rendering to RGB [`rewardlab_core::Frame`]s, pure Rust.
