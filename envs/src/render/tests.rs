//! Pixel-level checks of the pictures: where a shape must be, it is; where it must not, the
//! background shows.

use std::f64::consts::{FRAC_PI_2, PI};

use rewardlab_core::Frame;

use super::canvas::Rgb;
use super::classic::{self, ACROBOT_SCALE, PENDULUM_SCALE};
use super::grid::{self, Marker, Side, Tile, palette};

const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];

/// The colour at the point `(x, y)` of the y-up pygame world (integer coordinates at pixel
/// centres) of `frame`: the pixel containing it.
fn at_up(frame: &Frame, (x, y): (f64, f64)) -> Rgb {
    let row = f64::from(frame.height) - 0.5 - y;
    frame
        .pixel((x + 0.5).floor() as u32, row.floor() as u32)
        .expect("point inside the frame")
}

#[test]
fn cartpole_cart_follows_x_and_pole_follows_theta() {
    let f = classic::cartpole(0.0, 0.0);
    assert_eq!(
        (f.width, f.height, f.pixels.len()),
        (600, 400, 600 * 400 * 3)
    );
    // Cart body (below the track line, which is row 299).
    assert_eq!(f.pixel(300, 310), Some(BLACK));
    assert_eq!(f.pixel(420, 310), Some(WHITE));
    // Upright pole above the axle, axle at (300, 107.5) in y-up.
    assert_eq!(at_up(&f, (300.0, 180.0)), classic::POLE_COLOR);
    assert_eq!(at_up(&f, (300.5, 107.5)), classic::AXLE_COLOR);
    assert_eq!(f.pixel(10, 299), Some(BLACK), "track line");
    assert_eq!(f.pixel(10, 297), Some(WHITE));

    let moved = classic::cartpole(1.0, 0.0);
    assert_eq!(moved.pixel(300, 310), Some(WHITE), "cart left x = 0");
    assert_eq!(moved.pixel(425, 310), Some(BLACK), "cart at 300 + 125");
    assert_eq!(at_up(&moved, (425.0, 180.0)), classic::POLE_COLOR);

    // theta > 0 tilts the pole clockwise (to the right), as in Gymnasium.
    let tilted = classic::cartpole(0.0, 0.5);
    let along = (300.0 + 80.0 * 0.5f64.sin(), 107.5 + 80.0 * 0.5f64.cos());
    assert_eq!(at_up(&tilted, along), classic::POLE_COLOR);
    assert_eq!(at_up(&tilted, (300.0, 180.0)), WHITE);
}

#[test]
fn mountain_car_sits_on_the_hill_with_a_flag_at_the_goal() {
    let f = classic::mountain_car(-0.5, 0.5);
    assert_eq!((f.width, f.height), (600, 400));
    let body = |p: f64| {
        let (x, y) = classic::mountain_car_hill_point(p);
        // Centre of the car body: 10 px clearance plus half its 20 px height, along the
        // normal tilted by cos(3p).
        let a = (3.0 * p).cos();
        (x - 20.0 * a.sin(), y + 10.0 + 10.0 * a.cos())
    };
    assert_eq!(at_up(&f, body(-0.5)), BLACK);
    assert_eq!(at_up(&f, body(-1.0)), WHITE);
    let g = classic::mountain_car(-1.0, 0.5);
    assert_eq!(at_up(&g, body(-1.0)), BLACK);
    assert_eq!(at_up(&g, body(-0.5)), WHITE);
    // Wheels: grey discs at ±10 px along the tilted axle.
    let (x, y) = classic::mountain_car_hill_point(-0.5);
    let a = (3.0f64 * -0.5).cos();
    assert_eq!(
        at_up(&f, (x + 10.0 * a.cos(), y + 10.0 + 10.0 * a.sin())),
        classic::WHEEL_COLOR
    );
    // The flag at the goal: pennant 5 px below the pole top, pole above the hill.
    let fx = ((0.5f64 + 1.2) * classic::MOUNTAIN_CAR_SCALE).trunc();
    let fy = (classic::hill_height(0.5) * classic::MOUNTAIN_CAR_SCALE).trunc();
    assert_eq!(at_up(&f, (fx + 6.0, fy + 45.0)), classic::FLAG_COLOR);
    assert_eq!(at_up(&f, (fx, fy + 20.0)), BLACK);
    assert_eq!(
        at_up(&f, (fx + 2.0, fy + 20.0)),
        WHITE,
        "the pole is one pixel wide"
    );
    let h = classic::mountain_car(-0.5, 0.45);
    assert_eq!(
        at_up(&h, (fx + 6.0, fy + 45.0)),
        WHITE,
        "flag moves with the goal"
    );
    // The hill curve: a dark pixel within a pixel of the curve where the car is not.
    let (cx, cy) = classic::mountain_car_hill_point(0.0);
    let darkest = (-1..=1)
        .map(|d| at_up(&f, (cx, cy + f64::from(d)))[0])
        .min()
        .expect("three pixels");
    assert!(darkest < 100, "hill line at x = 0: {darkest}");
    assert_eq!(at_up(&f, (cx, cy + 30.0)), WHITE);
}

#[test]
fn acrobot_links_follow_the_angles() {
    let f = classic::acrobot(0.0, 0.0);
    assert_eq!((f.width, f.height), (500, 500));
    // Hanging straight down: both links below the pivot.
    assert_eq!(
        at_up(&f, (250.0, 250.0 - 0.5 * ACROBOT_SCALE)),
        classic::LINK_COLOR
    );
    assert_eq!(
        at_up(&f, (250.0, 250.0 - 1.5 * ACROBOT_SCALE)),
        classic::LINK_COLOR
    );
    assert_eq!(at_up(&f, (250.0, 250.0 + 0.5 * ACROBOT_SCALE)), WHITE);
    assert_eq!(at_up(&f, (250.5, 250.5)), classic::JOINT_COLOR);
    // Target line 1 m above the pivot, across the picture.
    let line_row = 500 - 1 - (250.0 + ACROBOT_SCALE).trunc() as u32;
    assert_eq!(f.pixel(5, line_row), Some(BLACK));
    assert_eq!(f.pixel(5, line_row + 2), Some(WHITE));

    // Swung up by pi/2 with the elbow bent back by pi/2: first link points right, second
    // down from the elbow.
    let g = classic::acrobot(FRAC_PI_2, -FRAC_PI_2);
    let [_, elbow, tip] = classic::acrobot_points(FRAC_PI_2, -FRAC_PI_2);
    assert!((elbow.0 - (250.0 + ACROBOT_SCALE)).abs() < 1e-9);
    assert!((tip.1 - (250.0 - ACROBOT_SCALE)).abs() < 1e-9);
    assert_eq!(
        at_up(&g, (250.0 + 0.5 * ACROBOT_SCALE, 250.0)),
        classic::LINK_COLOR
    );
    assert_eq!(
        at_up(&g, (elbow.0, 250.0 - 0.6 * ACROBOT_SCALE)),
        classic::LINK_COLOR
    );
    assert_eq!(at_up(&g, (250.0, 250.0 - 0.5 * ACROBOT_SCALE)), WHITE);
    assert_eq!(
        at_up(&g, (elbow.0.trunc() + 0.5, elbow.1.trunc() + 0.5)),
        classic::JOINT_COLOR
    );
}

#[test]
fn pendulum_rod_points_at_theta() {
    let r = 0.6 * PENDULUM_SCALE;
    let up = classic::pendulum(0.0, None);
    assert_eq!((up.width, up.height), (500, 500));
    assert_eq!(at_up(&up, (250.0, 250.0 + r)), classic::ROD_COLOR);
    assert_eq!(at_up(&up, (250.0, 250.0 - r)), WHITE);
    assert_eq!(at_up(&up, (250.5, 250.5)), BLACK, "axle");
    // Counter-clockwise positive: pi/2 points left, pi hangs down.
    let left = classic::pendulum(FRAC_PI_2, None);
    assert_eq!(at_up(&left, (250.0 - r, 250.0)), classic::ROD_COLOR);
    assert_eq!(at_up(&left, (250.0, 250.0 + r)), WHITE);
    let down = classic::pendulum(PI, None);
    assert_eq!(at_up(&down, (250.0, 250.0 - r)), classic::ROD_COLOR);
    let diag = classic::pendulum(-PI / 4.0, None);
    let d = r / 2f64.sqrt();
    assert_eq!(at_up(&diag, (250.0 + d, 250.0 + d)), classic::ROD_COLOR);
    let tip = classic::pendulum_tip(-PI / 4.0);
    assert!((tip.0 - (250.0 + PENDULUM_SCALE / 2f64.sqrt())).abs() < 1e-9);
}

#[test]
fn pendulum_torque_arrow_appears_and_scales_with_torque() {
    // The arc passes through three o'clock at radius 0.47 · size, size = scale · |u| / 2.
    let radius = |u: f64| 0.47 * PENDULUM_SCALE * u / 2.0;
    let arrow = classic::pendulum(0.0, Some(-2.0));
    assert_eq!(at_up(&arrow, (250.0 + radius(2.0), 250.0)), BLACK);
    assert_eq!(
        at_up(&classic::pendulum(0.0, None), (250.0 + radius(2.0), 250.0)),
        WHITE
    );
    let small = classic::pendulum(0.0, Some(1.0));
    assert_eq!(at_up(&small, (250.0 + radius(2.0), 250.0)), WHITE);
    assert_eq!(
        at_up(&small, (250.0 - radius(1.0), 250.0 - 0.5)),
        BLACK,
        "mirrored arc at nine"
    );
    assert_eq!(
        at_up(
            &classic::pendulum(0.0, Some(0.0)),
            (250.0 + radius(2.0), 250.0)
        ),
        WHITE
    );
}

#[test]
fn grid_tiles_have_their_colours_at_cell_centres() {
    let f = grid::tiles(2, 3, |r, c| match (r, c) {
        (0, 0) => Tile::new(palette::FLOOR).with(Marker::Agent),
        (0, 2) => Tile::new(palette::WALL),
        (1, 0) => Tile::new(palette::ICE).with(Marker::Hole),
        (1, 1) => Tile::new(palette::FLOOR).with(Marker::Square {
            color: palette::TAXI_LOCATIONS[3],
            size: 0.5,
        }),
        (1, 2) => Tile::new(palette::GRASS).with(Marker::Cliff),
        _ => Tile::new(palette::FLOOR).with_wall(Side::East),
    });
    assert_eq!((f.width, f.height), (192, 128));
    let centre = |r: u32, c: u32| f.pixel(c * 64 + 32, r * 64 + 32).expect("inside");
    assert_eq!(centre(0, 0), palette::AGENT);
    assert_eq!(
        f.pixel(4, 4),
        Some(palette::FLOOR),
        "agent leaves the corners"
    );
    assert_eq!(centre(0, 2), palette::WALL);
    assert_eq!(centre(1, 0), palette::HOLE);
    assert_eq!(f.pixel(3, 64 + 3), Some(palette::ICE));
    assert_eq!(centre(1, 1), palette::TAXI_LOCATIONS[3]);
    assert_eq!(
        f.pixel(64 + 6, 64 + 6),
        Some(palette::FLOOR),
        "square is half the cell"
    );
    assert_eq!(f.pixel(128 + 32, 64 + 10), Some(palette::CLIFF));
    assert_eq!(f.pixel(128 + 32, 64 + 60), Some(palette::CLIFF_SHADE));
    // The wall on (0, 1)'s east edge covers the boundary column; grid lines elsewhere.
    assert_eq!(f.pixel(128, 32), Some(palette::INK));
    assert_eq!(f.pixel(64, 32), Some(palette::GRID_LINE));
    assert_eq!(
        f.pixel(128, 64 + 32),
        Some(palette::GRID_LINE),
        "only row 0 has the wall"
    );
}

#[test]
fn goal_and_outline_markers_draw_off_centre() {
    let f = grid::tiles_with_cell(1, 2, 40, |_, c| {
        if c == 0 {
            Tile::new(palette::GOAL).with(Marker::Goal)
        } else {
            Tile::new(palette::FLOOR).with(Marker::Outline {
                color: [0, 0, 255],
                size: 0.8,
            })
        }
    });
    assert_eq!((f.width, f.height), (80, 40));
    // Pole at 0.3 of the cell, pennant to its right near the top.
    assert_eq!(f.pixel(12, 30), Some(palette::INK));
    assert_eq!(f.pixel(16, 12), Some(palette::FLAG));
    assert_eq!(f.pixel(34, 34), Some(palette::GOAL));
    // Outline: the ring is blue, its inside floor.
    assert_eq!(f.pixel(40 + 5, 20), Some([0, 0, 255]));
    assert_eq!(f.pixel(40 + 20, 20), Some(palette::FLOOR));
}

#[test]
fn cell_size_follows_gymnasiums_toy_text_rule() {
    assert_eq!(grid::cell_size(4, 4), 64);
    assert_eq!(grid::cell_size(8, 8), 64);
    assert_eq!(grid::cell_size(16, 16), 32);
    assert_eq!(grid::cell_size(4, 12), 42);
    assert_eq!(grid::cell_size(1, 1000), 8);
    let empty = grid::tiles(0, 3, |_, _| Tile::new(palette::FLOOR));
    assert_eq!((empty.width, empty.height, empty.pixels.len()), (192, 0, 0));
    let huge = grid::tiles_with_cell(1, usize::MAX, 8, |_, _| Tile::new(palette::FLOOR));
    assert_eq!((huge.width, huge.height), (0, 0));
}

#[test]
fn non_finite_states_draw_without_panicking() {
    let bad = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300];
    for v in bad {
        for f in [
            classic::cartpole(v, v),
            classic::mountain_car(v, v),
            classic::acrobot(v, v),
            classic::pendulum(v, Some(v)),
        ] {
            assert_eq!(f.pixels.len(), (f.width * f.height * 3) as usize);
        }
    }
    // The background is still there.
    assert_eq!(classic::cartpole(f64::NAN, 0.0).pixel(5, 5), Some(WHITE));
}
