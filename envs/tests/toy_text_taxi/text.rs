//! The action mask, the reset info, the ansi text and the RGB picture.

use rewardlab_core::{Env, EnvError};
use rewardlab_envs::make;
use rewardlab_envs::toy_text::taxi::{
    IN_TAXI, N_STATES, PICKUP, TaxiConfig, action_mask, ansi_text, decode,
};

use crate::fixtures::{TEXT, arr, float, gym_masks, info_mask, info_prob, json, st, taxi, uint};
use rewardlab_core::tabular::Tabular;

#[test]
fn action_mask_equals_gymnasiums_for_every_state() {
    for (s, want) in gym_masks().iter().enumerate() {
        let mask = action_mask(s).expect("a state in range");
        assert_eq!(&mask.to_vec(), want, "state {s} = {:?}", decode(s));
    }
    assert_eq!(action_mask(N_STATES), None);
}

#[test]
fn reset_info_has_prob_one_and_the_mask_of_the_start() {
    let fixture = json(TEXT);
    // Gymnasium's recorded resets: its start states get its masks and ansi texts here too.
    for r in arr(&fixture["resets"]) {
        let obs = uint(&r["obs"]);
        let mask: Vec<u8> = r["action_mask"]
            .as_str()
            .expect("a string")
            .bytes()
            .map(|b| b - b'0')
            .collect();
        assert_eq!(float(&r["prob"]), 1.0);
        assert_eq!(action_mask(obs).map(|m| m.to_vec()), Some(mask));
        assert_eq!(ansi_text(obs, None).as_deref(), r["ansi"].as_str());
    }
    let mut env = taxi(TaxiConfig::default());
    for seed in 0..50 {
        let (obs, info) = env.reset(Some(seed));
        let d = decode(obs).expect("in range");
        assert!(d.pass_loc < IN_TAXI && d.pass_loc != d.dest_idx, "{d:?}");
        assert_eq!(info_prob(&info), 1.0);
        assert_eq!(info_mask(&info), gym_masks()[obs]);
        assert_eq!(
            env.render_ansi(),
            Ok(ansi_text(obs, None).expect("in range"))
        );
    }
}

#[test]
fn ansi_text_equals_gymnasiums() {
    let fixture = json(TEXT);
    let frames = arr(&fixture["frames"]);
    assert_eq!(frames.len(), 160);
    let mut env = taxi(TaxiConfig::default());
    let mut through_steps = 0;
    for f in frames {
        let s = uint(&f["state"]);
        let last = f["last_action"].as_u64().map(|a| a as usize);
        let want = f["ansi"].as_str().expect("a string");
        assert_eq!(
            ansi_text(s, last).as_deref(),
            Some(want),
            "state {s}, last {last:?}"
        );

        // Through the env: a reset clears the last action; a step sets it.
        env.reset(Some(0));
        match last {
            None => {
                env.set_state(&[s as f64]).expect("a valid state");
            }
            Some(a) => {
                // A live state from which `a` leads to `s` in the dry (deterministic) model.
                let Some(from) = (0..N_STATES).find(|&p| {
                    !env.mdp().is_terminal(p) && env.mdp().successors(p, a).any(|t| t.next == s)
                }) else {
                    continue;
                };
                env.set_state(&[from as f64]).expect("a valid state");
                let step = env.step(&a).expect("a live state steps");
                assert_eq!(step.obs, s);
                through_steps += 1;
            }
        }
        assert_eq!(
            env.render_ansi().as_deref(),
            Ok(want),
            "env at {s}, last {last:?}"
        );
    }
    assert!(
        through_steps >= 80,
        "only {through_steps} frames reached by a step"
    );
}

#[test]
fn render_and_step_before_reset_need_a_reset() {
    let mut env = taxi(TaxiConfig::default());
    assert_eq!(env.render_ansi(), Err(EnvError::ResetNeeded));
    assert_eq!(env.step(&0), Err(EnvError::ResetNeeded));
    assert_eq!(env.taxi_state(), None);
}

/// The colour at the centre of grid square (row, col) offset by (dx, dy) pixels.
fn px(frame: &rewardlab_core::Frame, (row, col): (usize, usize), (dx, dy): (i32, i32)) -> [u8; 3] {
    let x = (col as i32 * 64 + 32 + dx) as u32;
    let y = (row as i32 * 64 + 32 + dy) as u32;
    frame.pixel(x, y).expect("inside the frame")
}

#[test]
fn rgb_picture_shows_pads_walls_taxi_passenger_and_destination() {
    use rewardlab_envs::render::grid::palette;
    use rewardlab_envs::toy_text::taxi::{DESTINATION_COLOR, PASSENGER_COLOR, TAXI_FULL_COLOR};
    let mut env = taxi(TaxiConfig::default());
    assert_eq!(env.render(), Err(EnvError::ResetNeeded));
    env.reset(Some(0));
    // Taxi at (2, 2), passenger waiting on Yellow, destination Blue.
    env.set_state(&[st(2, 2, 2, 3) as f64]).expect("valid");
    let f = env.render().expect("a picture after reset");
    assert_eq!(
        (f.width, f.height, f.pixels.len()),
        (320, 320, 320 * 320 * 3)
    );
    assert_eq!(px(&f, (2, 2), (0, 0)), palette::TAXI);
    assert_eq!(px(&f, (4, 0), (0, 0)), PASSENGER_COLOR);
    assert_eq!(px(&f, (4, 0), (20, 20)), palette::TAXI_LOCATIONS[2]);
    // Blue pad with the destination outline near its edge.
    assert_eq!(px(&f, (4, 3), (0, 0)), palette::TAXI_LOCATIONS[3]);
    assert_eq!(px(&f, (4, 3), (-27, 0)), DESTINATION_COLOR);
    assert_eq!(px(&f, (0, 0), (0, 0)), palette::TAXI_LOCATIONS[0]);
    assert_eq!(px(&f, (0, 4), (0, 0)), palette::TAXI_LOCATIONS[1]);
    assert_eq!(px(&f, (1, 1), (0, 0)), palette::FLOOR);
    // The wall between (0, 1) and (0, 2) sits on their shared edge; (2, 1)|(2, 2) is open.
    assert_eq!(px(&f, (0, 1), (32, 0)), palette::EDGE_WALL);
    assert_ne!(px(&f, (2, 1), (32, 0)), palette::EDGE_WALL);

    // Pick the passenger up on Yellow: the taxi turns green and the disc is gone.
    env.set_state(&[st(4, 0, 2, 3) as f64]).expect("valid");
    assert_eq!(
        px(&env.render().expect("a picture"), (4, 0), (0, 0)),
        PASSENGER_COLOR
    );
    env.step(&PICKUP).expect("valid");
    let f = env.render().expect("a picture");
    assert_eq!(px(&f, (4, 0), (0, 0)), TAXI_FULL_COLOR);
    assert_eq!(px(&f, (4, 0), (15, 0)), TAXI_FULL_COLOR);

    // Through the registry too.
    let mut boxed = make("Taxi-v4", &[]).expect("registered");
    boxed.reset(Some(1));
    assert_eq!(boxed.render().map(|f| (f.width, f.height)), Ok((320, 320)));
}

/// Sum of the channel differences of two colours.
fn contrast(a: [u8; 3], b: [u8; 3]) -> u32 {
    a.iter().zip(b).map(|(x, y)| u32::from(x.abs_diff(y))).sum()
}

#[test]
fn the_cab_stands_out_on_every_pad() {
    use rewardlab_envs::render::grid::palette;
    use rewardlab_envs::toy_text::taxi::{TAXI_FULL_COLOR, TAXI_RIM_COLOR};
    // The empty cab's yellow is close to the Y pad's: the rim is what separates them.
    assert!(contrast(palette::TAXI, palette::TAXI_LOCATIONS[2]) < 100);
    assert!(contrast(TAXI_RIM_COLOR, palette::TAXI) > 200);
    for pad in palette::TAXI_LOCATIONS.into_iter().chain([palette::FLOOR]) {
        assert!(contrast(TAXI_RIM_COLOR, pad) > 200, "{pad:?}");
    }
    // Empty on Yellow (passenger on Red, destination Green): from the centre outwards the
    // cab's yellow, the rim, then the pad.
    let mut env = taxi(TaxiConfig::default());
    env.reset(Some(0));
    env.set_state(&[st(4, 0, 0, 1) as f64]).expect("valid");
    let f = env.render().expect("a picture");
    assert_eq!(px(&f, (4, 0), (0, 0)), palette::TAXI);
    assert_eq!(px(&f, (4, 0), (15, 0)), palette::TAXI);
    for offset in [(20, 0), (-20, 0), (0, 20), (0, -20)] {
        assert_eq!(px(&f, (4, 0), offset), TAXI_RIM_COLOR, "{offset:?}");
    }
    assert_eq!(px(&f, (4, 0), (26, 0)), palette::TAXI_LOCATIONS[2]);
    // Full on Green: the rim again.
    env.set_state(&[st(0, 4, IN_TAXI, 2) as f64])
        .expect("valid");
    let f = env.render().expect("a picture");
    assert_eq!(px(&f, (0, 4), (0, 0)), TAXI_FULL_COLOR);
    assert_eq!(px(&f, (0, 4), (20, 0)), TAXI_RIM_COLOR);
    assert_eq!(px(&f, (0, 4), (26, 0)), palette::TAXI_LOCATIONS[1]);
}
