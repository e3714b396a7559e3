//! Unit tests of the tabular export on hand-built worlds whose state counts, indices and
//! values are counted by hand.

use rewardlab_core::mdp::{MdpError, ValueIterationConfig, value_iteration};

use super::*;
use crate::minigrid::grid::Grid;
use crate::minigrid::object::Color;
use crate::minigrid::world::Task;

/// A walled `width × height` room with `objects` placed, the agent at `(1, 1)` facing right.
fn room(width: usize, height: usize, objects: &[(Pos, Obj)], step_count: usize) -> World {
    let mut grid = Grid::new(width, height);
    grid.wall_rect(0, 0, width, height);
    for (pos, obj) in objects {
        grid.set(pos.0, pos.1, Some(obj.clone()));
    }
    World {
        grid,
        agent_pos: (1, 1),
        agent_dir: 0,
        carrying: None,
        step_count,
        max_steps: 100,
        task: Task::ReachGoal,
    }
}

/// Cells (1,1), (2,1) and the goal at (3,1).
fn corridor() -> World {
    room(5, 3, &[((3, 1), Obj::Goal)], 0)
}

fn export(world: &World, gamma: f64) -> TabularExport {
    let config = ExportConfig {
        gamma,
        ..ExportConfig::default()
    };
    export_world(world, 7, &config).expect("a small room exports")
}

fn agent(pos: Pos, dir: u8) -> StateView {
    StateView::Agent(AgentState {
        pos,
        dir,
        carrying: None,
    })
}

#[test]
fn corridor_has_two_cells_times_four_directions_and_one_success_state() {
    let ex = export(&corridor(), 0.9);
    assert_eq!(ex.n_live(), 8);
    assert_eq!(ex.mdp().n_states(), 9);
    assert_eq!(ex.success_state(), Some(8));
    assert_eq!(ex.failure_state(), None);
    assert!(ex.mdp().is_terminal(8));
    assert!(ex.mdp().is_deterministic());
    assert_eq!(ex.mdp().initial()[0], 1.0);
    // BFS order: the start, then its successors in action order (left, right, forward).
    assert_eq!(ex.decode(0), Some(agent((1, 1), 0)));
    assert_eq!(ex.decode(1), Some(agent((1, 1), 3)));
    assert_eq!(ex.decode(2), Some(agent((1, 1), 1)));
    assert_eq!(ex.decode(3), Some(agent((2, 1), 0)));
    assert_eq!(ex.decode(8), Some(StateView::Success));
    assert_eq!(ex.decode(9), None);
}

#[test]
fn only_the_goal_step_pays_and_no_ops_stay() {
    let ex = export(&corridor(), 0.9);
    let one = |s: usize, a: Action| {
        let t: Vec<_> = ex.mdp().successors(s, a as usize).collect();
        assert_eq!(t.len(), 1);
        (t[0].next, t[0].reward)
    };
    assert_eq!(one(0, Action::Forward), (3, 0.0));
    assert_eq!(one(3, Action::Forward), (8, 1.0));
    for a in [Action::Pickup, Action::Drop, Action::Toggle, Action::Done] {
        assert_eq!(one(0, a), (0, 0.0));
    }
    // Facing the wall, forward stays.
    assert_eq!(one(1, Action::Forward), (1, 0.0));
}

#[test]
fn optimal_values_are_gamma_to_the_steps_before_the_goal() {
    let ex = export(&corridor(), 0.5);
    let sol = value_iteration(ex.mdp(), &ValueIterationConfig::default()).expect("converges");
    // Start: forward, forward (k = 2) → γ^1. Facing left at (1,1): two turns then two moves.
    assert!((sol.values[0] - 0.5).abs() < 1e-9);
    let mut facing_left = room(5, 3, &[((3, 1), Obj::Goal)], 0);
    facing_left.agent_dir = 2;
    let s = ex.index_of(&facing_left).expect("reachable");
    assert!((sol.values[s] - 0.5f64.powi(3)).abs() < 1e-9);
    assert_eq!(sol.policy[0], Action::Forward as usize);
}

#[test]
fn the_step_counter_is_not_part_of_the_state() {
    let late = room(5, 3, &[((3, 1), Obj::Goal)], 40);
    let (a, b) = (export(&corridor(), 0.9), export(&late, 0.9));
    assert_eq!(a.mdp(), b.mdp());
    assert_eq!(a.states(), b.states());
    assert!(b.states().iter().all(|w| w.step_count == 0));
    let later = room(5, 3, &[((3, 1), Obj::Goal)], 99);
    assert_eq!(a.index_of(&later), Some(0));
    // A world of another layout is not found.
    assert_eq!(a.index_of(&room(5, 3, &[], 0)), None);
}

#[test]
fn lava_leads_to_the_failure_state_after_the_success_state() {
    // Interior (1..=3, 1..=2): goal at (3,1), lava at (1,2).
    let w = room(5, 4, &[((3, 1), Obj::Goal), ((1, 2), Obj::Lava)], 0);
    let ex = export(&w, 0.9);
    // Agent cells (1,1), (2,1), (2,2), (3,2), four directions each.
    assert_eq!(ex.n_live(), 16);
    assert_eq!(ex.success_state(), Some(16));
    assert_eq!(ex.failure_state(), Some(17));
    assert_eq!(ex.decode(17), Some(StateView::Failure));
    let mut facing_lava = w.clone();
    facing_lava.agent_dir = 1;
    let s = ex.index_of(&facing_lava).expect("reachable");
    let t: Vec<_> = ex.mdp().successors(s, Action::Forward as usize).collect();
    assert_eq!((t[0].next, t[0].reward), (17, 0.0));
    assert!(ex.mdp().is_terminal(17));
}

#[test]
fn lava_without_a_reachable_goal_has_only_the_failure_state() {
    let w = room(5, 3, &[((2, 1), Obj::Lava), ((3, 1), Obj::Goal)], 0);
    let ex = export(&w, 0.9);
    assert_eq!(ex.n_live(), 4);
    assert_eq!((ex.success_state(), ex.failure_state()), (None, Some(4)));
    assert_eq!(ex.mdp().n_states(), 5);
}

#[test]
fn a_movable_key_multiplies_the_states() {
    // Cells (1,1) and (2,1), the key on (2,1), no goal. Key on (2,1) with the agent on (1,1);
    // key carried with the agent on either cell; key dropped on (1,1) with the agent on (2,1):
    // four situations × 4 directions = 16.
    let w = room(4, 3, &[((2, 1), Obj::Key(Color::Yellow))], 0);
    let ex = export(&w, 0.9);
    assert_eq!(ex.n_live(), 16);
    assert_eq!(ex.mdp().n_states(), 16);
    let carrying = ex
        .states()
        .iter()
        .filter(|w| w.carrying == Some(Obj::Key(Color::Yellow)))
        .count();
    assert_eq!(carrying, 8);
    let t: Vec<_> = ex.mdp().successors(0, Action::Pickup as usize).collect();
    assert_eq!(
        ex.decode(t[0].next),
        Some(StateView::Agent(AgentState {
            pos: (1, 1),
            dir: 0,
            carrying: Some(Obj::Key(Color::Yellow)),
        }))
    );
}

#[test]
fn the_state_cap_is_enforced_and_named() {
    let config = ExportConfig {
        gamma: 0.9,
        max_states: 7,
    };
    let err = export_world(&corridor(), 7, &config).expect_err("8 live states > 7");
    assert!(matches!(err, ExportError::TooManyStates { cap: 7 }));
    assert!(err.to_string().contains("more than 7 reachable states"));
    let exact = ExportConfig {
        max_states: 8,
        ..config
    };
    assert_eq!(
        export_world(&corridor(), 7, &exact)
            .map(|e| e.n_live())
            .ok(),
        Some(8)
    );
}

#[test]
fn bad_action_counts_and_discounts_are_refused() {
    let config = ExportConfig::default();
    for n in [0, 8] {
        let err = export_world(&corridor(), n, &config).expect_err("out of range");
        assert!(matches!(err, ExportError::Actions(m) if m == n));
    }
    let three = export_world(&corridor(), 3, &config).expect("3 actions export");
    assert_eq!(three.mdp().n_actions(), 3);
    assert_eq!(three.actions(), &Action::ALL[..3]);
    let bad = ExportConfig {
        gamma: 1.5,
        ..config
    };
    let err = export_world(&corridor(), 7, &bad).expect_err("γ > 1");
    assert!(matches!(err, ExportError::Mdp(MdpError::Gamma(g)) if g == 1.5));
}

#[test]
fn max_by_cell_takes_the_largest_value_among_directions() {
    let ex = export(&corridor(), 0.9);
    let values: Vec<f64> = (0..ex.mdp().n_states()).map(|s| s as f64).collect();
    let cells = ex.max_by_cell(&values).expect("one value per state");
    assert_eq!(cells.len(), 15);
    let at = |x: usize, y: usize| cells[y * 5 + x];
    let best_at = |pos: Pos| {
        (0..ex.n_live())
            .filter(|&s| ex.states()[s].agent_pos == pos)
            .max()
            .map(|s| s as f64)
    };
    assert_eq!(at(1, 1), best_at((1, 1)));
    assert_eq!(at(2, 1), best_at((2, 1)));
    assert_eq!(at(3, 1), None);
    assert_eq!(at(0, 0), None);
    let err = ex.max_by_cell(&values[1..]).expect_err("one short");
    assert!(matches!(
        err,
        ExportError::ValueLength {
            expected: 9,
            got: 8
        }
    ));
}
