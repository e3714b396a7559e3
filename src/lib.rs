pub use rewardlab_core as core;
