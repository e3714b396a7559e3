use super::*;
use crate::minigrid::object::Color;

fn room(size: usize, agent_pos: Pos, agent_dir: u8) -> World {
    let mut grid = Grid::new(size, size);
    grid.wall_rect(0, 0, size, size);
    World {
        grid,
        agent_pos,
        agent_dir,
        carrying: None,
        step_count: 0,
        max_steps: 100,
        task: Default::default(),
    }
}

fn viewer(world: &World, view_size: usize) -> Viewer<'_> {
    Viewer {
        pos: world.agent_pos,
        dir: world.agent_dir,
        carrying: world.carrying.as_ref(),
        view_size,
        see_through_walls: false,
    }
}

fn brightness(f: &Frame, x: u32, y: u32) -> u32 {
    f.pixel(x, y)
        .map_or(0, |p| p.iter().map(|&c| u32::from(c)).sum())
}

#[test]
fn the_agent_is_a_red_triangle_at_its_tile_centre_pointing_its_way() {
    let w = room(5, (2, 1), 0);
    let f = render_world(&w, None, 32);
    assert_eq!((f.width, f.height), (160, 160));
    // Tile (2, 1) spans x 64..96, y 32..64.
    assert_eq!(f.pixel(80, 48), Some([255, 0, 0]));
    // Facing right, the tip is near the right edge, the back near the left.
    assert_eq!(f.pixel(64 + 24, 48), Some([255, 0, 0]));
    assert_eq!(f.pixel(64 + 26, 32 + 8), Some([0, 0, 0]));
    // Facing down (dir 1) the tip moves to the bottom.
    let down = render_world(&room(5, (2, 1), 1), None, 32);
    assert_eq!(down.pixel(80, 32 + 24), Some([255, 0, 0]));
    assert_eq!(down.pixel(64 + 26, 48), Some([0, 0, 0]));
}

#[test]
fn walls_are_grey_and_empty_cells_black_with_grid_lines() {
    let f = render_world(&room(5, (2, 2), 0), None, 32);
    assert_eq!(f.pixel(16, 16), Some([100, 100, 100]));
    assert_eq!(f.pixel(32 + 16, 32 + 16), Some([0, 0, 0]));
    // The top-left line of an empty tile is grid grey.
    assert_eq!(f.pixel(32, 32 + 16), Some([100, 100, 100]));
}

#[test]
fn the_highlighted_view_is_brighter_than_outside() {
    // Agent in the bottom-left of a 9x9 room facing up: the view covers x 0..=4 (x ≤ 4
    // of the room, minus the walls) and the rows above it; the right of the room is outside.
    let w = room(9, (1, 7), 3);
    let v = viewer(&w, 7);
    let lit = render_world(&w, Some(&v), 32);
    let plain = render_world(&w, None, 32);
    // Empty cell (2, 5): seen.
    let (x, y) = (2 * 32 + 16, 5 * 32 + 16);
    assert!(brightness(&lit, x, y) > brightness(&plain, x, y));
    assert_eq!(
        lit.pixel(x, y),
        Some([76, 76, 76]),
        "black blended 30% to white"
    );
    // Empty cell (6, 5) is outside the 7-wide view: not lit.
    let (x, y) = (6 * 32 + 16, 5 * 32 + 16);
    assert_eq!(lit.pixel(x, y), plain.pixel(x, y));
    assert!(brightness(&lit, 2 * 32 + 16, 5 * 32 + 16) > brightness(&lit, x, y));
}

#[test]
fn the_point_of_view_is_view_by_view_tiles_with_the_agent_facing_up() {
    let mut w = room(9, (4, 7), 0);
    w.carrying = Some(Obj::Ball(Color::Blue));
    let v = viewer(&w, 5);
    let f = render_pov(&w, &v, 16);
    assert_eq!((f.width, f.height), (5 * 16, 5 * 16));
    // The agent's tile is the bottom middle, seen (so lit); its centre is red whatever the
    // direction, and the tip points up.
    assert_eq!(f.pixel(2 * 16 + 8, 4 * 16 + 8), Some([255, 76, 76]));
    assert_eq!(f.pixel(2 * 16 + 8, 4 * 16 + 5), Some([255, 76, 76]));
    assert_eq!(f.pixel(2 * 16 + 3, 4 * 16 + 3), Some([76, 76, 76]));
    // Facing right from (4, 7): two cells ahead the wall x = 8 is out of sight range
    // (view 5 reaches x = 8): the top row is that wall, seen and lit grey.
    let top = f.pixel(2 * 16 + 8, 8).map(|p| p[0]);
    assert_eq!(top, Some(100 + (0.3 * 155.0) as u8));
    let seven = render_pov(&w, &viewer(&w, 7), 32);
    assert_eq!((seven.width, seven.height), (224, 224));
}

#[test]
fn cells_hidden_behind_walls_are_black_in_the_point_of_view() {
    let mut w = room(9, (4, 7), 3);
    w.grid.horz_wall(0, 5, 9, &Obj::WALL);
    w.grid.set(4, 3, Some(Obj::Ball(Color::Green)));
    let f = render_pov(&w, &viewer(&w, 7), 32);
    // View row 4 (world row 5) is the wall, seen; rows above are hidden: the ball is not drawn.
    let ball = (3 * 32 + 16, 2 * 32 + 16);
    assert_eq!(f.pixel(ball.0, ball.1), Some([0, 0, 0]));
    let mut open = room(9, (4, 7), 3);
    open.grid.set(4, 3, Some(Obj::Ball(Color::Green)));
    let g = render_pov(&open, &viewer(&open, 7), 32);
    let p = g.pixel(ball.0, ball.1).expect("inside");
    assert!(p[1] > 200 && p[0] < 100, "the ball is green and lit: {p:?}");
}

#[test]
fn objects_show_their_colours() {
    let mut w = room(6, (1, 1), 0);
    w.grid.set(2, 2, Some(Obj::Goal));
    w.grid.set(3, 2, Some(Obj::Lava));
    w.grid
        .set(2, 3, Some(Obj::Door(Color::Yellow, DoorState::Locked)));
    w.grid.set(3, 3, Some(Obj::Key(Color::Blue)));
    let f = render_world(&w, None, 32);
    assert_eq!(f.pixel(2 * 32 + 16, 2 * 32 + 16), Some([0, 255, 0]));
    assert_eq!(f.pixel(3 * 32 + 5, 2 * 32 + 3), Some([255, 128, 0]));
    // The locked door's inside is 45% of yellow.
    assert_eq!(f.pixel(2 * 32 + 8, 3 * 32 + 8), Some([114, 114, 0]));
    // The key's shaft, x 0.50..0.63, y 0.31..0.88 of the tile.
    assert_eq!(f.pixel(3 * 32 + 18, 3 * 32 + 20), Some([0, 0, 255]));
}

#[test]
fn ansi_is_minigrids_pprint() {
    let mut g = Grid::new(4, 3);
    g.wall_rect(0, 0, 4, 3);
    g.set(2, 1, Some(Obj::Goal));
    assert_eq!(ansi(&g, (1, 1), 1), "WGWGWGWG\nWGVVGGWG\nWGWGWGWG");
}
