//! The fickle passenger: Gymnasium's rule in `step`, outside the exported model.

use rewardlab_core::Env;
use rewardlab_core::tabular::Tabular;
use rewardlab_envs::toy_text::taxi::{
    EAST, IN_TAXI, NORTH, PICKUP, SOUTH, Taxi, TaxiConfig, TaxiState, WEST, decode,
};

use crate::fixtures::{gym_masks, info_mask, info_prob, st, taxi};

fn fickle(p: f64) -> Taxi {
    taxi(TaxiConfig {
        fickle_passenger: true,
        fickle_probability: p,
        ..TaxiConfig::default()
    })
}

fn dest(s: usize) -> usize {
    decode(s).expect("in range").dest_idx
}

#[test]
fn fickle_passenger_changes_destination_with_its_probability_uniformly_once() {
    let mut env = fickle(0.3);
    let episodes = 6000;
    let mut changed = 0;
    let mut new_dest = [[0usize; 4]; 4];
    for seed in 0..episodes {
        env.reset(Some(seed as u64));
        let d0 = seed % 4;
        // Passenger aboard at (2, 2): every move changes the square.
        env.set_state(&[st(2, 2, IN_TAXI, d0) as f64])
            .expect("a valid state");
        let step = env.step(&EAST).expect("valid");
        let d1 = dest(step.obs);
        let TaxiState {
            taxi_row, taxi_col, ..
        } = decode(step.obs).expect("in range");
        assert_eq!((taxi_row, taxi_col), (2, 3));
        // The step's reward, flags and prob are the model's.
        assert_eq!(
            (step.reward, step.terminated, info_prob(&step.info)),
            (-1.0, false, 1.0)
        );
        assert_eq!(info_mask(&step.info), gym_masks()[step.obs]);
        if d1 != d0 {
            changed += 1;
            new_dest[d0][d1] += 1;
            // The new state is not a successor the model knows: stepping leaves the model.
            let from = st(2, 2, IN_TAXI, d0);
            assert!(env.mdp().successors(from, EAST).all(|t| t.next != step.obs));
        }
        // At most once per episode.
        for a in [WEST, SOUTH, NORTH] {
            let step = env.step(&a).expect("valid");
            assert_eq!(dest(step.obs), d1);
        }
    }
    let rate = changed as f64 / episodes as f64;
    // Binomial sd ≈ 0.006: 0.03 is five of them.
    assert!((rate - 0.3).abs() < 0.03, "changed in {rate} of episodes");
    for (d0, row) in new_dest.iter().enumerate() {
        assert_eq!(row[d0], 0);
        let total: usize = row.iter().sum();
        for (d1, &n) in row.iter().enumerate().filter(|&(d1, _)| d1 != d0) {
            let share = n as f64 / total as f64;
            assert!((share - 1.0 / 3.0).abs() < 0.08, "{d0} -> {d1}: {share}");
        }
    }
}

#[test]
fn fickleness_waits_for_a_move_with_the_passenger_aboard() {
    let mut env = fickle(1.0);
    for seed in 0..20 {
        env.reset(Some(seed));
        // Passenger waiting on Red: moving does not trigger, and the flag stays pending.
        env.set_state(&[st(2, 2, 0, 1) as f64]).expect("valid");
        assert_eq!(dest(env.step(&EAST).expect("valid").obs), 1);
        // Aboard at the top edge: a blocked move and a failed pickup change nothing.
        env.set_state(&[st(0, 2, IN_TAXI, 1) as f64])
            .expect("valid");
        assert_eq!(dest(env.step(&NORTH).expect("valid").obs), 1);
        assert_eq!(dest(env.step(&PICKUP).expect("valid").obs), 1);
        // The first real move with the passenger aboard changes it (probability 1 here).
        assert_ne!(dest(env.step(&SOUTH).expect("valid").obs), 1);
    }
    let mut never = fickle(0.0);
    never.reset(Some(1));
    never
        .set_state(&[st(2, 2, IN_TAXI, 1) as f64])
        .expect("valid");
    assert_eq!(dest(never.step(&EAST).expect("valid").obs), 1);
}

#[test]
fn fickleness_does_not_change_the_start_state_stream() {
    let mut plain = taxi(TaxiConfig::default());
    let mut fick = fickle(0.3);
    for seed in 0..200 {
        assert_eq!(plain.reset(Some(seed)).0, fick.reset(Some(seed)).0);
    }
}
