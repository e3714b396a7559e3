//! The MiniGrid environments, one per file: each is a [`crate::minigrid::Generator`] (the
//! layout rule, MiniGrid's `_gen_grid`) and its registry rows (`SPECS`).

pub mod blocked_unlock_pickup;
pub mod crossing;
pub mod dist_shift;
pub mod door_key;
pub mod dynamic_obstacles;
pub mod empty;
pub mod fetch;
pub mod four_rooms;
pub mod go_to_door;
pub mod go_to_object;
pub mod key_corridor;
pub mod lava_gap;
pub mod locked_room;
pub mod memory;
pub mod multi_room;
pub mod obstructed_maze;
pub mod put_near;
pub mod red_blue_doors;
pub mod unlock;
pub mod unlock_pickup;
