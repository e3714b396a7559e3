//! The FrozenLake transition table as an [`Mdp`], outcome for outcome Gymnasium's `P[s][a]`.
//!
//! From a start or frozen tile, a move in direction `d` lands on the neighbouring tile, or
//! stays put at the border. On slippery ice the intended direction succeeds with probability
//! `success_rate` and each perpendicular one happens with `(1 − success_rate) / 2`, listed in
//! Gymnasium's order (`d − 1`, `d`, `d + 1` modulo 4). Entering a tile pays the schedule's
//! reward for its letter (start counts as frozen). Holes and goals are terminal; Gymnasium
//! lists their rows as "stay, reward 0, terminated", which is exactly the absorbing row the
//! [`MdpBuilder`] gives terminal states. Outcomes with equal successor and reward (two
//! slips into the same wall) are merged by the builder.

use rewardlab_core::mdp::{Mdp, MdpBuilder};

use super::map::{LakeMap, Tile};
use super::{DOWN, FrozenLakeError, LEFT, RIGHT, UP};

/// The tile a move from (row, col) in direction `action` lands on (clamped at the border).
pub(super) fn destination(map: &LakeMap, row: usize, col: usize, action: usize) -> usize {
    let (r, c) = match action {
        LEFT => (row, col.saturating_sub(1)),
        DOWN => ((row + 1).min(map.nrow() - 1), col),
        RIGHT => (row, (col + 1).min(map.ncol() - 1)),
        UP => (row.saturating_sub(1), col),
        _ => (row, col),
    };
    r * map.ncol() + c
}

/// The exported model of a lake: γ = 1 (Gymnasium's tasks are undiscounted episodes; use
/// [`Mdp::with_gamma`] for another discount), initial state the start tile, terminal states
/// the holes and goals.
///
/// `reward_schedule` is Gymnasium's `(goal, hole, frozen)`; `success_rate` must lie in
/// [0, 1] and only matters on slippery ice.
pub fn frozen_lake_mdp(
    map: &LakeMap,
    is_slippery: bool,
    success_rate: f64,
    reward_schedule: [f64; 3],
) -> Result<Mdp, FrozenLakeError> {
    if !(0.0..=1.0).contains(&success_rate) {
        return Err(FrozenLakeError::SuccessRate(success_rate));
    }
    if let Some(bad) = reward_schedule.iter().find(|r| !r.is_finite()) {
        return Err(FrozenLakeError::RewardSchedule(*bad));
    }
    let [goal, hole, frozen] = reward_schedule;
    let reward_of = |tile: Tile| match tile {
        Tile::Goal => goal,
        Tile::Hole => hole,
        Tile::Start | Tile::Frozen => frozen,
    };
    // Computed as Gymnasium does, so the probabilities are the same floats.
    let fail_rate = (1.0 - success_rate) / 2.0;
    let mut b = MdpBuilder::new(map.n_states(), 4).gamma(1.0);
    for (s, tile) in map.tiles().iter().enumerate() {
        if tile.is_terminal() {
            b.terminal(s);
            continue;
        }
        let (row, col) = map.position(s);
        for a in 0..4 {
            let mut outcome = |direction: usize, prob: f64| {
                let next = destination(map, row, col, direction);
                b.transition(s, a, next, prob, reward_of(map.tiles()[next]));
            };
            if is_slippery {
                outcome((a + 3) % 4, fail_rate);
                outcome(a, success_rate);
                outcome((a + 1) % 4, fail_rate);
            } else {
                outcome(a, 1.0);
            }
        }
    }
    b.initial_state(map.start());
    Ok(b.build()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toy_text::frozen_lake::MapName;
    use crate::toy_text::shared::outcomes;

    #[test]
    fn slippery_corner_rows_by_hand() {
        let map = LakeMap::named(MapName::FourByFour);
        let mdp = frozen_lake_mdp(&map, true, 1.0 / 3.0, [1.0, 0.0, 0.0]).expect("valid");
        // Left from the corner: up and left both bump into the wall, down reaches state 4.
        let got = outcomes(&mdp, 0, LEFT);
        assert_eq!(got.iter().map(|t| t.0).collect::<Vec<_>>(), vec![0, 4]);
        assert!((got[0].1 - 2.0 / 3.0).abs() < 1e-15 && (got[1].1 - 1.0 / 3.0).abs() < 1e-15);
        // Down from 14 (next to the goal): right slips onto the goal and pays 1.
        let got = outcomes(&mdp, 14, DOWN);
        assert_eq!(
            got.iter().map(|t| (t.0, t.2)).collect::<Vec<_>>(),
            vec![(13, 0.0), (14, 0.0), (15, 1.0)]
        );
        assert!(mdp.is_terminal(5) && mdp.is_terminal(15) && !mdp.is_terminal(0));
        assert_eq!(mdp.initial()[0], 1.0);
    }

    #[test]
    fn success_rate_and_rewards_are_checked() {
        let map = LakeMap::named(MapName::FourByFour);
        let err = frozen_lake_mdp(&map, true, 1.5, [1.0, 0.0, 0.0]).expect_err("refused");
        assert!(matches!(err, FrozenLakeError::SuccessRate(_)), "{err}");
        let err = frozen_lake_mdp(&map, true, 0.5, [f64::NAN, 0.0, 0.0]).expect_err("refused");
        assert!(matches!(err, FrozenLakeError::RewardSchedule(_)), "{err}");
        // A sure step drops the zero-probability slips.
        let sure = frozen_lake_mdp(&map, true, 1.0, [1.0, -1.0, 0.0]).expect("valid");
        assert!(sure.is_deterministic());
        assert_eq!(outcomes(&sure, 4, RIGHT), vec![(5, 1.0, -1.0)]);
    }
}
