//! Classic-control pictures, drawn like Gymnasium 1.4's `render_mode="rgb_array"`.
//!
//! Each function takes the physical state it needs and returns a [`Frame`]. Sizes, geometry
//! and colours follow Gymnasium's pygame drawings (same canvas sizes, world-to-pixel scales,
//! shapes and RGB values); the rasteriser differs (tiny-skia's anti-aliasing instead of
//! pygame's `gfxdraw`), so edges differ by a pixel or so but interiors match. Like
//! Gymnasium, the geometry is written in a y-up world that the [`Canvas`] flips.
//!
//! The environments' `render()` methods call these with their current state.

use std::f64::consts::FRAC_PI_2;

use rewardlab_core::Frame;

use super::canvas::{Canvas, Rgb, rotate};

const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];

/// CartPole's canvas width in pixels.
pub const CARTPOLE_WIDTH: u32 = 600;
/// CartPole's canvas height in pixels.
pub const CARTPOLE_HEIGHT: u32 = 400;
/// CartPole's pole colour.
pub const POLE_COLOR: Rgb = [202, 152, 101];
/// CartPole's axle colour.
pub const AXLE_COLOR: Rgb = [129, 132, 203];
/// Height of the track line and of the cart's centre above the bottom edge, in pixels.
pub const CARTPOLE_TRACK_Y: f64 = 100.0;
/// Pixels per metre in CartPole: the ±2.4 m track spans the width.
pub const CARTPOLE_SCALE: f64 = CARTPOLE_WIDTH as f64 / (2.0 * 2.4);

/// The cart's centre in CartPole's y-up pixel world: `(x · 125 + 300, 100)`.
pub fn cartpole_cart_centre(x: f64) -> (f64, f64) {
    (
        x * CARTPOLE_SCALE + f64::from(CARTPOLE_WIDTH) / 2.0,
        CARTPOLE_TRACK_Y,
    )
}

/// CartPole (600×400): a black 50×30 cart at `x` metres from the centre (125 px per metre), a
/// 10 px wide, 1 m long (125 px) pole tilted `theta` radians clockwise from upright, a blue
/// axle and the black track line. A cart off the track is drawn off the picture, as in
/// Gymnasium.
pub fn cartpole(x: f64, theta: f64) -> Frame {
    let mut c = Canvas::new(CARTPOLE_WIDTH, CARTPOLE_HEIGHT, WHITE).y_up();
    let (cx, cy) = cartpole_cart_centre(x);
    let (half_w, half_h) = (25.0, 15.0);
    shape(
        &mut c,
        &[
            (cx - half_w, cy - half_h),
            (cx - half_w, cy + half_h),
            (cx + half_w, cy + half_h),
            (cx + half_w, cy - half_h),
        ],
        BLACK,
    );
    let pole_width = 10.0;
    let pole_len = CARTPOLE_SCALE * 1.0;
    let axle_y = cy + half_h / 2.0;
    let (l, r, t, b) = (
        -pole_width / 2.0,
        pole_width / 2.0,
        pole_len - pole_width / 2.0,
        -pole_width / 2.0,
    );
    let pole: Vec<_> = [(l, b), (l, t), (r, t), (r, b)]
        .into_iter()
        .map(|p| {
            let (px, py) = rotate(p, -theta);
            (px + cx, py + axle_y)
        })
        .collect();
    shape(&mut c, &pole, POLE_COLOR);
    c.circle(pixel_centre(cx, axle_y), pole_width / 2.0 + 0.5, AXLE_COLOR);
    hline(
        &mut c,
        0.0,
        f64::from(CARTPOLE_WIDTH),
        CARTPOLE_TRACK_Y,
        BLACK,
    );
    c.into_frame()
}

/// pygame's `filled_polygon` + `aapolygon`: the fill covers whole pixels up to the
/// vertices and the anti-aliased outline adds half a pixel all round, so the shape is
/// the polygon grown by half a pixel.
fn shape(c: &mut Canvas, points: &[(f64, f64)], color: Rgb) {
    c.polygon(points, color);
    c.outline(points, 1.0, color);
}

/// pygame's integer-centred circles: `gfxdraw` truncates the centre to a whole pixel.
fn pixel_centre(x: f64, y: f64) -> (f64, f64) {
    (x.trunc(), y.trunc())
}

/// pygame's one-pixel horizontal line through row `y`, across `[x0, x1]`.
fn hline(c: &mut Canvas, x0: f64, x1: f64, y: f64, color: Rgb) {
    c.rect((x0 - 0.5, y - 0.5), (x1 + 0.5, y + 0.5), color);
}

/// MountainCar's canvas width in pixels.
pub const MOUNTAIN_CAR_WIDTH: u32 = 600;
/// MountainCar's canvas height in pixels.
pub const MOUNTAIN_CAR_HEIGHT: u32 = 400;
/// MountainCar's flag colour.
pub const FLAG_COLOR: Rgb = [204, 204, 0];
/// MountainCar's wheel colour.
pub const WHEEL_COLOR: Rgb = [128, 128, 128];
const MC_MIN: f64 = -1.2;
const MC_MAX: f64 = 0.6;
/// Pixels per unit of position in MountainCar: the track [−1.2, 0.6] spans the width.
pub const MOUNTAIN_CAR_SCALE: f64 = MOUNTAIN_CAR_WIDTH as f64 / (MC_MAX - MC_MIN);

/// The hill's height at `position`: `0.45 · sin(3x) + 0.55`.
pub fn hill_height(position: f64) -> f64 {
    (3.0 * position).sin() * 0.45 + 0.55
}

/// The y-up pixel point of the hill at `position`.
pub fn mountain_car_hill_point(position: f64) -> (f64, f64) {
    (
        (position - MC_MIN) * MOUNTAIN_CAR_SCALE,
        hill_height(position) * MOUNTAIN_CAR_SCALE,
    )
}

/// MountainCar (600×400): the black hill curve `0.45 sin(3x) + 0.55` sampled at 100 points, a
/// black 40×20 car 10 px above the curve at `position`, turned by `cos(3 · position)` radians
/// (Gymnasium's slope angle) with two grey wheels, and a pole with a yellow flag at
/// `goal_position` (0.5 for MountainCar-v0, 0.45 for the continuous version).
pub fn mountain_car(position: f64, goal_position: f64) -> Frame {
    let mut c = Canvas::new(MOUNTAIN_CAR_WIDTH, MOUNTAIN_CAR_HEIGHT, WHITE).y_up();
    let hill: Vec<_> = (0..100)
        .map(|i| mountain_car_hill_point(MC_MIN + (MC_MAX - MC_MIN) * f64::from(i) / 99.0))
        .collect();
    c.line(&hill, 1.0, BLACK);

    let clearance = 10.0;
    let (px, py) = mountain_car_hill_point(position);
    let angle = (3.0 * position).cos();
    let place = |p: (f64, f64)| {
        let (x, y) = rotate(p, angle);
        (x + px, y + py + clearance)
    };
    let (l, r, t, b) = (-20.0, 20.0, 20.0, 0.0);
    let body: Vec<_> = [(l, b), (l, t), (r, t), (r, b)]
        .into_iter()
        .map(place)
        .collect();
    shape(&mut c, &body, BLACK);
    for wheel in [(10.0, 0.0), (-10.0, 0.0)] {
        let (wx, wy) = place(wheel);
        c.circle(pixel_centre(wx, wy), 8.5, WHEEL_COLOR);
    }

    let flag_x = ((goal_position - MC_MIN) * MOUNTAIN_CAR_SCALE).trunc();
    let flag_y1 = (hill_height(goal_position) * MOUNTAIN_CAR_SCALE).trunc();
    let flag_y2 = flag_y1 + 50.0;
    c.rect(
        (flag_x - 0.5, flag_y1 - 0.5),
        (flag_x + 0.5, flag_y2 + 0.5),
        BLACK,
    );
    shape(
        &mut c,
        &[
            (flag_x, flag_y2),
            (flag_x, flag_y2 - 10.0),
            (flag_x + 25.0, flag_y2 - 5.0),
        ],
        FLAG_COLOR,
    );
    c.into_frame()
}

/// Acrobot's canvas side in pixels.
pub const ACROBOT_SIZE: u32 = 500;
/// Acrobot's link colour.
pub const LINK_COLOR: Rgb = [0, 204, 204];
/// Acrobot's joint colour.
pub const JOINT_COLOR: Rgb = [204, 204, 0];
/// Pixels per metre in Acrobot: ±2.2 m spans the canvas.
pub const ACROBOT_SCALE: f64 = ACROBOT_SIZE as f64 / (2.0 * 2.2);

/// The y-up pixel positions of Acrobot's pivot, elbow and tip (links of 1 m; angles from
/// hanging straight down, counter-clockwise, the second relative to the first).
pub fn acrobot_points(theta1: f64, theta2: f64) -> [(f64, f64); 3] {
    let o = f64::from(ACROBOT_SIZE) / 2.0;
    let s = ACROBOT_SCALE;
    let elbow = (o + theta1.sin() * s, o - theta1.cos() * s);
    let tip = (
        elbow.0 + (theta1 + theta2).sin() * s,
        elbow.1 - (theta1 + theta2).cos() * s,
    );
    [(o, o), elbow, tip]
}

/// Acrobot (500×500): the black target line 1 m above the pivot, two cyan links 1 m long and
/// 0.2 m wide (113.6 px per metre) and yellow joints at the pivot and the elbow.
pub fn acrobot(theta1: f64, theta2: f64) -> Frame {
    let mut c = Canvas::new(ACROBOT_SIZE, ACROBOT_SIZE, WHITE).y_up();
    let s = ACROBOT_SCALE;
    let o = f64::from(ACROBOT_SIZE) / 2.0;
    hline(&mut c, -2.2 * s + o, 2.2 * s + o, (s + o).trunc(), BLACK);
    let [pivot, elbow, _] = acrobot_points(theta1, theta2);
    let links = [
        (pivot, theta1 - FRAC_PI_2),
        (elbow, theta1 + theta2 - FRAC_PI_2),
    ];
    for ((x, y), th) in links {
        let (l, r, t, b) = (0.0, s, 0.1 * s, -0.1 * s);
        let quad: Vec<_> = [(l, b), (l, t), (r, t), (r, b)]
            .into_iter()
            .map(|p| {
                let (px, py) = rotate(p, th);
                (px + x, py + y)
            })
            .collect();
        shape(&mut c, &quad, LINK_COLOR);
        c.circle(pixel_centre(x, y), (0.1 * s).trunc() + 0.5, JOINT_COLOR);
    }
    c.into_frame()
}

/// Pendulum's canvas side in pixels.
pub const PENDULUM_SIZE: u32 = 500;
/// Pendulum's rod colour.
pub const ROD_COLOR: Rgb = [204, 77, 77];
/// Pixels per metre in Pendulum: ±2.2 m spans the canvas.
pub const PENDULUM_SCALE: f64 = PENDULUM_SIZE as f64 / (2.0 * 2.2);

/// The y-up pixel position of the pendulum's free end (rod of 1 m, `theta` = 0 upright,
/// counter-clockwise positive).
pub fn pendulum_tip(theta: f64) -> (f64, f64) {
    let o = f64::from(PENDULUM_SIZE / 2);
    let (x, y) = rotate((PENDULUM_SCALE, 0.0), theta + FRAC_PI_2);
    (x + o, y + o)
}

/// Pendulum (500×500): a red rod 1 m long and 0.2 m wide with rounded ends, pinned at the
/// centre, `theta` radians counter-clockwise from upright; when `last_torque` is given, a
/// black circular arrow (clockwise for negative torque, counter-clockwise for positive) whose
/// size grows with |torque| (Gymnasium's `clockwise.png`, redrawn as vector strokes); and the
/// black axle on top.
pub fn pendulum(theta: f64, last_torque: Option<f64>) -> Frame {
    let mut c = Canvas::new(PENDULUM_SIZE, PENDULUM_SIZE, WHITE).y_up();
    let s = PENDULUM_SCALE;
    let o = f64::from(PENDULUM_SIZE / 2);
    let rod_width = 0.2 * s;
    let (l, r, t, b) = (0.0, s, rod_width / 2.0, -rod_width / 2.0);
    let rod: Vec<_> = [(l, b), (l, t), (r, t), (r, b)]
        .into_iter()
        .map(|p| {
            let (x, y) = rotate(p, theta + FRAC_PI_2);
            (x + o, y + o)
        })
        .collect();
    shape(&mut c, &rod, ROD_COLOR);
    let end_radius = (rod_width / 2.0).trunc() + 0.5;
    c.circle((o, o), end_radius, ROD_COLOR);
    let (tx, ty) = pendulum_tip(theta);
    c.circle(pixel_centre(tx, ty), end_radius, ROD_COLOR);
    if let Some(u) = last_torque.filter(|u| u.is_finite() && *u != 0.0) {
        torque_arrow(&mut c, (o, o), s * u.abs() / 2.0, u > 0.0);
    }
    c.circle((o, o), (0.05 * s).trunc() + 0.5, BLACK);
    c.into_frame()
}

/// A circular arrow `size` pixels across around `centre`: an arc from twelve o'clock round
/// past nine o'clock with its head at the end, clockwise unless `counter_clockwise`.
fn torque_arrow(c: &mut Canvas, centre: (f64, f64), size: f64, counter_clockwise: bool) {
    let radius = 0.47 * size;
    let width = (0.03 * size).max(1.0);
    // Angles in the y-up world, measured as if clockwise; mirrored in x for the other sense.
    let mirror = if counter_clockwise { -1.0 } else { 1.0 };
    let at = |phi: f64, r: f64| (centre.0 + mirror * r * phi.cos(), centre.1 + r * phi.sin());
    let (start, end) = (FRAC_PI_2, FRAC_PI_2 - 280f64.to_radians());
    let arc: Vec<_> = (0..=48)
        .map(|i| at(start + (end - start) * f64::from(i) / 48.0, radius))
        .collect();
    c.line(&arc, width, BLACK);
    // The head points along the direction of travel (decreasing phi) at the arc's end.
    let head = 0.14 * size;
    let tangent = (mirror * end.sin(), -end.cos());
    let (ex, ey) = at(end, radius);
    let normal = (-tangent.1, tangent.0);
    c.polygon(
        &[
            (ex + tangent.0 * head, ey + tangent.1 * head),
            (
                ex - tangent.0 * head * 0.3 + normal.0 * head * 0.5,
                ey - tangent.1 * head * 0.3 + normal.1 * head * 0.5,
            ),
            (
                ex - tangent.0 * head * 0.3 - normal.0 * head * 0.5,
                ey - tangent.1 * head * 0.3 - normal.1 * head * 0.5,
            ),
        ],
        BLACK,
    );
}
