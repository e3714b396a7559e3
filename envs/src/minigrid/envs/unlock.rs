//! (being written)

use crate::registry::EnvSpec;

/// The rows of this family.
pub const SPECS: &[EnvSpec] = &[];
