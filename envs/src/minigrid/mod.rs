//! MiniGrid: a Rust port of the MiniGrid 3.2 suite — engine, observation encoding, the
//! environments, wrappers, MiniGrid's look, a tabular export and a solver.
//!
//! The engine owns the episode; an environment is only a layout rule. Each file under
//! [`envs`] is a [`Generator`] (MiniGrid's `_gen_grid`) that draws the grid with [`Gen`]'s
//! placement helpers (and [`room_grid`] for the room-grid envs), places the agent, names the
//! mission and picks a [`Task`] — the env's win/loss rule as data, where MiniGrid overrides
//! `step` in each env. So [`World::apply`] is the one step function, shared by the env, the
//! [`solve`]r and the [`tabular`] export.
//!
//! - [`object`]: world objects ([`Obj`]: wall, floor, door, key, ball, box, goal, lava),
//!   [`Color`], [`DoorState`] and MiniGrid's object/colour/state index tables.
//! - [`grid`]: [`Grid`], cells indexed `(x, y)`, with MiniGrid's wall helpers.
//! - [`world`]: [`World`], the state a step acts on, [`Action`], [`Task`] and [`Outcome`].
//! - [`layout`]: the [`Generator`] hook and [`Gen`], the layout under construction.
//! - [`engine`]: [`MiniGridEnv`], which owns reset/step/truncation/observation around an env's
//!   generator; [`AnyMiniGrid`] is its typed face for wrappers, and [`make`] builds one by id.
//! - [`obs`](mod@obs): the egocentric image with MiniGrid's occlusion, as [`MiniGridObs`];
//!   its [`rewardlab_core::Value`] form is `{"image": U8 (view·view·3, C order of
//!   `obs["image"]`), "direction": Int, "mission": Text}`.
//! - [`envs`]: the environments, one family per file, with MiniGrid's ids and defaults.
//! - [`wrappers`]: MiniGrid's observation and bonus wrappers, over any [`AnyMiniGrid`].
//! - [`render`](mod@render): MiniGrid's tiles (pixel for pixel), the agent's point of view,
//!   and MiniGrid's `pprint_grid` text.
//! - [`solve`]: exact shortest solutions (A* over worlds, with moves skipped only where a
//!   proof per task shows they never shorten a solution).
//! - [`tabular`]: reachable states of a layout as a core [`rewardlab_core::mdp::Mdp`].
//!
//! Checked against MiniGrid 3.2: observations, rewards and flags step for step on the layouts
//! that do not depend on the RNG (`envs/tests/minigrid_empty.rs`, `minigrid_reference.rs`);
//! layout distributions through the mean shortest-solution length per family
//! (`minigrid_reference.rs`). Layout randomness follows MiniGrid's draws with our own RNG.
//!
//! Invariant: an env's win/loss rules live in [`Task`] (or, for a world that moves by itself,
//! in [`Generator::step`]), never in the engine's step.

mod any;
pub mod engine;
#[cfg(test)]
mod engine_tests;
pub mod envs;
mod fx_hash;
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
pub use blocked_unlock_pickup::{BlockedUnlockPickup, BlockedUnlockPickupEnv};
pub use crossing::{Crossing, CrossingEnv};
pub use dist_shift::{DistShift, DistShiftEnv};
pub use door_key::{DoorKey, DoorKeyEnv};
pub use dynamic_obstacles::{DynamicObstacles, DynamicObstaclesEnv};
pub use empty::{Empty, EmptyEnv};
pub use engine::{EngineConfig, MiniGridEnv};
pub use fetch::{Fetch, FetchEnv};
pub use four_rooms::{FourRooms, FourRoomsEnv};
pub use go_to_door::{GoToDoor, GoToDoorEnv};
pub use go_to_object::{GoToObject, GoToObjectEnv};
pub use grid::Grid;
pub use key_corridor::{KeyCorridor, KeyCorridorEnv};
pub use lava_gap::{LavaGap, LavaGapEnv};
pub use layout::{Gen, GenError, Generator, Pos, RejectFn};
pub use locked_room::{LockedRoom, LockedRoomEnv};
pub use memory::{Memory, MemoryEnv};
pub use multi_room::{MultiRoom, MultiRoomEnv};
pub use object::{Color, DoorState, Obj};
pub use obs::MiniGridObs;
pub use obstructed_maze::{ObstructedMaze1Dlhb, ObstructedMaze1DlhbEnv};
pub use put_near::{PutNear, PutNearEnv};
pub use red_blue_doors::{RedBlueDoors, RedBlueDoorsEnv};
pub use unlock::{Unlock, UnlockEnv};
pub use unlock_pickup::{UnlockPickup, UnlockPickupEnv};
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
