//! Tabular MDPs: the sparse model, planning, policy evaluation, occupancy measures, and the
//! environment that simulates a model by sampling it.

mod model;

pub use model::{DENSE_LIMIT_BYTES, Mdp, MdpBuilder, MdpError, Transition};
