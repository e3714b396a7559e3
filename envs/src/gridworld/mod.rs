//! Gridworlds from ASCII maps.
//!
//! A [`GridWorld`] is built from a text map ([`GridMap`]): the map is turned into a sparse
//! [`rewardlab_core::mdp::Mdp`] once ([`build_mdp`]) and the environment steps by sampling that
//! model through a [`rewardlab_core::tabular::TabularEnv`], so planners and learners see the
//! same dynamics.
//!
//! # Map format
//!
//! ```text
//! ; comment lines start with ';' (leading spaces allowed) and may appear anywhere
//! step_reward = -1        ; header lines `key = value` come before the grid
//! cliff_reward = -100
//! gamma = 1
//! ............
//! SXXXXXXXXXXG
//! ```
//!
//! Header keys (all optional; a key may be given once):
//!
//! | key            | value                        | default |
//! |----------------|------------------------------|---------|
//! | `step_reward`  | reward for entering floor/start cells and for bumping | 0 |
//! | `goal_reward`  | reward for entering a `G` cell | 1 |
//! | `lava_reward`  | reward for entering an `L` cell | −1 |
//! | `cliff_reward` | reward for entering an `X` cell | −100 |
//! | `slip`         | slip probability in [0, 1] | 0 |
//! | `wind`         | one integer per column: upward push | none |
//! | `gamma`        | discount of the exported model, in [0, 1] | 0.99 |
//! | `goal <c>`     | declares character `<c>` a goal paying the value | – |
//!
//! A header line is any line with a `=` before its first `;`; it may end in a `; comment`.
//! Then the grid: every row has the same width;
//! blank lines may follow the grid but not interrupt it. Legend:
//!
//! | char | cell | entering it |
//! |------|------|-------------|
//! | `.`  | floor | pays `step_reward` |
//! | `#`  | wall | impossible: the move is blocked |
//! | `S`  | start (floor) | pays `step_reward`; episodes start uniformly over all `S` |
//! | `G`  | goal | pays `goal_reward`, terminal |
//! | `L`  | lava / pit | pays `lava_reward`, terminal |
//! | `X`  | cliff | pays `cliff_reward`, the agent lands on a (uniform) start cell; not terminal |
//! | `<c>`| declared goal | pays its declared reward, terminal |
//!
//! A map needs at least one `S` and at least one terminal cell (goal or lava).
//!
//! # Dynamics
//!
//! - States are cells, `row · ncols + col`; walls are states too, unreachable, refused by
//!   `set_state`, and terminal in the model (absorbing, reward 0) so that every state can end
//!   an episode, as γ = 1 planners require. Cliff cells are states the agent never rests on
//!   (entering one sends it to a start), so `set_state` refuses them as well. Actions: 0 up,
//!   1 right, 2 down, 3 left (Gymnasium's CliffWalking order).
//! - Rewards depend on the cell the agent ends in, and a special cell's reward replaces
//!   `step_reward` (it is not added to it). Bumping a wall or the border leaves the agent in
//!   place and pays `step_reward`.
//! - Slip `p`: the intended direction with probability 1 − p, each of the two perpendicular
//!   directions with p/2.
//! - Wind (Sutton & Barto's windy gridworld): the column the agent moves *from* pushes it up
//!   `wind[col]` cells (negative: down). The horizontal part of the move happens first; then
//!   the action's row change and the push combine into one vertical displacement, walked cell
//!   by cell and stopped by the first wall or the border. Only the final cell counts: being
//!   blown over a goal, lava or cliff does nothing. On a map without walls this is exactly
//!   S&B's "clip to the grid".
//! - Goal and lava cells are terminal: absorbing with zero reward in the model, and the env
//!   reports `terminated`. Time limits are the registry's `TimeLimit` wrapper's job.
//! - With slip, two outcomes of one action can land on the same state with different rewards
//!   (a bump and a cliff fall both ending on the start). The model keeps them as separate
//!   outcomes of that successor, each with its own probability and reward, so a step pays
//!   one of the rewards above (−1 or −100 on the slippery cliff walk, never a mix of them);
//!   outcomes with the same successor and reward are merged into one.
//!
//! # Built-in maps
//!
//! [`BuiltinMap`] lists the maps in `envs/maps/`, embedded with `include_str!` so they load
//! from any working directory. Each file documents its source and numbers in its comments.

mod env;
mod error;
mod map;
mod model;
mod registry;
mod render;

pub use env::GridWorld;
pub use error::{MapError, MapProblem};
pub use map::{Cell, GridMap, GridParams};
pub use model::{N_ACTIONS, build_mdp, distance_to_goal};
pub use registry::SPECS;
pub(crate) use registry::from_kwargs;

/// The maps shipped in `envs/maps/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BuiltinMap {
    /// Sutton & Barto's cliff walk (Example 6.6): 4×12, −1 per step, −100 cliff.
    CliffWalk,
    /// Sutton & Barto's windy gridworld (Example 6.5): 7×10, wind 0 0 0 1 1 1 2 2 1 0.
    Windy,
    /// Sutton, Precup & Singh's four rooms: 11×11 interior inside walls.
    FourRooms,
    /// A 1×40 corridor with a sparse +1 at the far end.
    Corridor,
    /// A room where a naive progress bonus pays more for oscillating than for the goal.
    Oscillation,
}

impl BuiltinMap {
    /// Every built-in map.
    pub const ALL: [BuiltinMap; 5] = [
        BuiltinMap::CliffWalk,
        BuiltinMap::Windy,
        BuiltinMap::FourRooms,
        BuiltinMap::Corridor,
        BuiltinMap::Oscillation,
    ];

    /// The file stem in `envs/maps/`.
    pub fn name(self) -> &'static str {
        match self {
            BuiltinMap::CliffWalk => "cliff_walk",
            BuiltinMap::Windy => "windy",
            BuiltinMap::FourRooms => "four_rooms",
            BuiltinMap::Corridor => "corridor",
            BuiltinMap::Oscillation => "oscillation",
        }
    }

    /// The map by file stem.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The map text.
    pub fn text(self) -> &'static str {
        match self {
            BuiltinMap::CliffWalk => include_str!("../../maps/cliff_walk.txt"),
            BuiltinMap::Windy => include_str!("../../maps/windy.txt"),
            BuiltinMap::FourRooms => include_str!("../../maps/four_rooms.txt"),
            BuiltinMap::Corridor => include_str!("../../maps/corridor.txt"),
            BuiltinMap::Oscillation => include_str!("../../maps/oscillation.txt"),
        }
    }

    /// The parsed map (errors name the source `builtin <name>`).
    pub fn load(self) -> Result<GridMap, MapError> {
        GridMap::parse(self.text(), &format!("builtin {}", self.name()))
    }
}
