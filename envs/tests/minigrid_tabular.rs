//! The tabular export on the layouts: hand-counted state counts and optimal values on
//! the Empty rooms, and on every layout the greedy policy of value iteration, replayed in the
//! real env, reaches the goal in the number of steps the model's optimal value implies.

use rewardlab_core::Env;
use rewardlab_core::mdp::{ValueIterationConfig, value_iteration};
use rewardlab_envs::minigrid::tabular::{
    DEFAULT_MAX_STATES, ExportConfig, ExportError, StateView, TabularExport, export_env, export_id,
    export_world,
};
use rewardlab_envs::minigrid::{self, DynamicObstacles, Empty, EngineConfig, MiniGridEnv};

const GAMMA: f64 = 0.9;

/// Shortest successful path `k` from the model: V*(start) = γ^(k−1).
fn shortest_from_values(v0: f64) -> usize {
    (v0.ln() / GAMMA.ln()).round() as usize + 1
}

/// Exports `id` at `seed`, solves it, replays the greedy policy in the env reset with the same
/// seed, and checks success with a positive reward after exactly the model's shortest path.
/// Returns the export and k.
fn solve_and_replay(id: &str, seed: u64) -> (TabularExport, usize) {
    let ex = export_id(id, seed, GAMMA).expect("small layout exports");
    let sol = value_iteration(ex.mdp(), &ValueIterationConfig::default()).expect("converges");
    assert!(
        sol.values[0] > 0.0,
        "{id} seed {seed}: goal unreachable in the model"
    );
    let k = shortest_from_values(sol.values[0]);
    assert!(
        (sol.values[0] - GAMMA.powi(k as i32 - 1)).abs() < 1e-6,
        "V*(start) is a power of γ"
    );

    let mut env = minigrid::make(id, &[]).expect("registered");
    env.reset(Some(seed));
    assert_eq!(ex.index_of(env.world()), Some(0), "the start is state 0");
    for t in 1..=k {
        let s = ex
            .index_of(env.world())
            .expect("the env stays inside the exported states");
        let step = env.step(&sol.policy[s]).expect("episode running");
        if t < k {
            assert!(
                !step.terminated && step.reward == 0.0,
                "{id}: early end at {t}"
            );
        } else {
            assert!(step.terminated, "{id}: no success after {k} steps");
            assert!(step.reward > 0.0, "{id}: success pays");
            assert!(!step.truncated);
        }
    }
    (ex, k)
}

/// Every agent cell of an Empty room but the goal, in all four directions, plus the success
/// state: 4·((size−2)² − 1) + 1.
fn check_empty(size: usize, hand_k: usize) {
    let id = format!("MiniGrid-Empty-{size}x{size}-v0");
    let (ex, k) = solve_and_replay(&id, 0);
    let cells = (size - 2) * (size - 2) - 1;
    assert_eq!(ex.n_live(), 4 * cells);
    assert_eq!(ex.mdp().n_states(), 4 * cells + 1);
    assert_eq!(ex.success_state(), Some(4 * cells));
    assert_eq!(ex.failure_state(), None);
    assert_eq!(ex.mdp().n_actions(), 7);
    assert!(ex.mdp().is_deterministic());
    // Start (1,1) facing right, goal (size−2, size−2): size−3 moves right, one turn, size−3
    // moves down.
    assert_eq!(k, hand_k);
    for x in 1..size - 1 {
        for y in 1..size - 1 {
            let n = (0..ex.n_live())
                .filter(|&s| matches!(ex.decode(s), Some(StateView::Agent(a)) if a.pos == (x, y)))
                .count();
            let expected = if (x, y) == (size - 2, size - 2) { 0 } else { 4 };
            assert_eq!(n, expected, "states with the agent at ({x}, {y})");
        }
    }
}

#[test]
fn empty_5x5_has_33_states_and_a_5_step_optimum() {
    // 8 free cells × 4 directions + success; path: F F R F F.
    check_empty(5, 5);
}

#[test]
fn empty_6x6_has_61_states_and_a_7_step_optimum() {
    check_empty(6, 7);
}

#[test]
fn empty_8x8_has_141_states_and_an_11_step_optimum() {
    check_empty(8, 11);
}

#[test]
fn four_rooms_greedy_policy_reaches_the_goal() {
    for seed in [0, 1, 2] {
        let (ex, _) = solve_and_replay("MiniGrid-FourRooms-v0", seed);
        // The rooms are connected and hold nothing but the goal: every empty cell (the
        // start's included) in four directions.
        let grid = &ex.states()[0].grid;
        let empty = (0..grid.width())
            .flat_map(|x| (0..grid.height()).map(move |y| (x, y)))
            .filter(|&(x, y)| grid.get(x, y).is_none())
            .count();
        assert_eq!(ex.n_live(), 4 * empty);
        assert_eq!(ex.mdp().n_states(), 4 * empty + 1);
    }
}

#[test]
fn door_key_5x5_greedy_policy_reaches_the_goal() {
    for seed in [0, 1, 2, 3] {
        let (ex, k) = solve_and_replay("MiniGrid-DoorKey-5x5-v0", seed);
        // Pick up the key, unlock (toggle) and walk through: at least 2 + 3 steps, and some
        // states carry the key.
        assert!(k >= 5);
        let carrying = (0..ex.n_live())
            .filter(|&s| matches!(ex.decode(s), Some(StateView::Agent(a)) if a.carrying.is_some()))
            .count();
        assert!(carrying > 0);
    }
}

#[test]
fn door_key_16x16_exceeds_the_default_cap() {
    let err = export_id("MiniGrid-DoorKey-16x16-v0", 0, GAMMA).expect_err("too many states");
    assert!(matches!(err, ExportError::TooManyStates { cap } if cap == DEFAULT_MAX_STATES));
    assert!(err.to_string().contains(&DEFAULT_MAX_STATES.to_string()));
}

#[test]
fn dynamic_obstacles_is_refused() {
    let err = export_id("MiniGrid-Dynamic-Obstacles-5x5-v0", 0, GAMMA).expect_err("own step");
    assert!(matches!(err, ExportError::OwnStep { .. }));
    assert!(
        err.to_string()
            .contains("MiniGrid-Dynamic-Obstacles-5x5-v0"),
        "{err}"
    );
    // The refusal asks the generator, not the action count: Dynamic-Obstacles typed is refused,
    // a 3-action Empty (default step) is exported.
    let mut moving = DynamicObstacles::new(5, false, 2).env().expect("valid");
    moving.reset(Some(0));
    let err = export_env(&moving, &ExportConfig::default()).expect_err("moving obstacles");
    assert!(matches!(err, ExportError::OwnStep { .. }));
    let config = EngineConfig::square(5, 100, true, 7).with_actions(3);
    let mut env = MiniGridEnv::new(
        Empty {
            size: 5,
            random_start: false,
        },
        config,
    )
    .expect("valid");
    env.reset(Some(0));
    let ex = export_env(&env, &ExportConfig::default()).expect("default step");
    assert_eq!((ex.mdp().n_states(), ex.mdp().n_actions()), (33, 3));
    let ex = export_world(env.world(), 3, &ExportConfig::default()).expect("trusted");
    assert_eq!((ex.mdp().n_states(), ex.mdp().n_actions()), (33, 3));
}

#[test]
fn unknown_ids_are_make_errors() {
    let err = export_id("MiniGrid-Nope-v0", 0, GAMMA).expect_err("unknown");
    assert!(matches!(err, ExportError::Make(_)));
}
