//! MiniGrid: a Rust port of the MiniGrid 3.2 suite's engine, observation encoding and envs.
//!
//! - [`object`]: world objects ([`Obj`]: wall, floor, door, key, ball, box, goal, lava),
//!   [`Color`], [`DoorState`] and MiniGrid's object/colour/state index tables.
//! - [`grid`]: [`Grid`], cells indexed `(x, y)`, with MiniGrid's wall helpers.
//! - [`world`]: [`World`], the state a step acts on, and [`Task`], the env-specific win/loss
//!   rules as data.
//! - [`engine`]: [`MiniGridEnv`], which owns reset/step/rewards/truncation around an env's
//!   [`Generator`].
//! - [`layout`]: the [`Generator`] hook (MiniGrid's `_gen_grid`) and [`Gen`], the layout
//!   under construction with the placement helpers.
//! - [`obs`](mod@obs): the egocentric image with MiniGrid's occlusion, as [`MiniGridObs`];
//!   its [`rewardlab_core::Value`] form is `{"image": U8 (view·view·3, C order of
//!   `obs["image"]`), "direction": Int, "mission": Text}`.
//! - [`empty`]: the Empty envs; [`four_rooms`]: FourRooms; [`door_key`]: the DoorKey envs.
//! - [`render`](mod@render): a tile picture and MiniGrid's `pprint_grid` text.
//!
//! Observations, rewards and flags equal MiniGrid's step for step on the layouts that do not
//! depend on the RNG (checked in `envs/tests/minigrid_empty.rs` against recorded fixtures).
//! Layout randomness follows MiniGrid's distributions with our own RNG.
//!
//! The rows of [`SPECS`] join the registry like every family's: `rewardlab_envs::make`.
//!
//! This is the first slice of the port (issue 4): the engine, the observation, and the Empty,
//! FourRooms and DoorKey envs. The other envs, the wrappers, MiniGrid's look, `play`, the
//! tabular export and the speed work are still to come.

mod any;
pub mod engine;
#[cfg(test)]
mod engine_tests;
pub mod envs;
pub mod grid;
mod kwargs;
pub mod layout;
pub mod object;
pub mod obs;
pub mod render;
pub mod room_grid;
pub mod solve;
pub mod tabular;
pub mod world;
pub mod wrappers;

pub use any::{AnyMiniGrid, BoxedMiniGrid, make};
pub use door_key::{DoorKey, DoorKeyEnv};
pub use empty::{Empty, EmptyEnv};
pub use engine::{EngineConfig, MiniGridEnv};
pub use four_rooms::{FourRooms, FourRoomsEnv};
pub use grid::Grid;
pub use layout::{Gen, GenError, Generator, Pos, RejectFn};
pub use object::{Color, DoorState, Obj};
pub use obs::MiniGridObs;
pub use world::{Action, Outcome, Task, World};

pub use envs::{
    blocked_unlock_pickup, crossing, dist_shift, door_key, dynamic_obstacles, empty, fetch,
    four_rooms, go_to_door, go_to_object, key_corridor, lava_gap, locked_room, memory, multi_room,
    obstructed_maze, put_near, red_blue_doors, unlock, unlock_pickup,
};

use crate::registry::EnvSpec;

/// Each env file's rows, in listing order.
const FAMILIES: &[&[EnvSpec]] = &[
    empty::SPECS,
    four_rooms::SPECS,
    door_key::SPECS,
    multi_room::SPECS,
    key_corridor::SPECS,
    lava_gap::SPECS,
    crossing::SPECS,
    unlock::SPECS,
    unlock_pickup::SPECS,
    blocked_unlock_pickup::SPECS,
    dist_shift::SPECS,
    dynamic_obstacles::SPECS,
    go_to_door::SPECS,
    go_to_object::SPECS,
    put_near::SPECS,
    fetch::SPECS,
    red_blue_doors::SPECS,
    locked_room::SPECS,
    memory::SPECS,
    obstructed_maze::SPECS,
];

/// How many rows [`FAMILIES`] hold.
const N_SPECS: usize = {
    let mut n = 0;
    let mut f = 0;
    while f < FAMILIES.len() {
        n += FAMILIES[f].len();
        f += 1;
    }
    n
};

/// The rows of [`FAMILIES`] in one array, joined at compile time so that [`SPECS`] stays a
/// plain static slice.
static ALL_SPECS: [EnvSpec; N_SPECS] = {
    let mut out = [FAMILIES[0][0]; N_SPECS];
    let (mut k, mut f) = (0, 0);
    while f < FAMILIES.len() {
        let mut i = 0;
        while i < FAMILIES[f].len() {
            out[k] = FAMILIES[f][i];
            k += 1;
            i += 1;
        }
        f += 1;
    }
    out
};

/// Every MiniGrid row.
pub static SPECS: &[EnvSpec] = &ALL_SPECS;
