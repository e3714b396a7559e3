//! rewardlab-core: the environment API and the tabular toolbox every other crate builds on.
//!
//! - [`space`], [`value`]: Gymnasium's spaces and a dynamic value type that typed
//!   observations convert to ([`SpaceElem`]).
//! - [`env`](mod@env): the [`Env`] trait (`reset(seed)`, `step(&action) -> Result<Step, EnvError>`),
//!   with `terminated` and `truncated` kept apart.
//! - [`mdp`]: sparse tabular MDPs, planning and occupancy measures.
//!
//! No burn and no drawing here ([`Frame`] is plain bytes): everything in this crate builds and tests in seconds.

pub mod check;
pub mod env;
pub mod frame;
pub mod mdp;
pub mod metrics;
pub mod rng;
pub mod runlog;
pub mod space;
pub mod tabular;
pub mod typed;
pub mod value;
pub mod vector;
pub mod wrappers;

pub use env::{BoxedEnv, Env, EnvError, Erased, Step};
pub use frame::Frame;
pub use space::{BoxSpace, DType, Space, SpaceSampler};
pub use typed::Typed;
pub use value::{Info, SpaceElem, Value, ValueTypeError};
