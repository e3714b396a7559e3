//! The registry's erased envs, typed again with `Typed`, drive the typed learners: Q-learning
//! on `make("rewardlab/CliffWalk-v0")` learns a greedy policy that walks the optimal path.

use rewardlab_core::mdp::{ValueIterationConfig, value_iteration};
use rewardlab_core::tabular::{EpsilonSchedule, Tabular, TabularConfig, q_learning};
use rewardlab_core::{BoxedEnv, Env, Typed};
use rewardlab_envs::{make, make_gridworld};

const CLIFF: &str = "rewardlab/CliffWalk-v0";

fn typed_cliff() -> Typed<BoxedEnv, usize, usize> {
    let env = make(CLIFF, &[]).expect("the cliff walk is registered");
    Typed::new(env).expect("the cliff walk has Discrete observations and actions")
}

#[test]
fn q_learning_on_the_made_cliff_walk_learns_the_optimal_path() {
    let config = TabularConfig {
        episodes: 300,
        alpha: 0.5,
        gamma: 1.0,
        epsilon: EpsilonSchedule::Constant(0.1),
        seed: 5,
        initial_q: 0.0,
    };
    let run = q_learning(&mut typed_cliff(), &config, &mut ()).expect("training runs");
    let policy = run.greedy_policy();

    // The optimum, from value iteration on the same map's model.
    let grid = make_gridworld(CLIFF, &[]).expect("the cliff walk is a gridworld");
    let vi = ValueIterationConfig {
        tolerance: 1e-12,
        ..ValueIterationConfig::default()
    };
    let optimal = value_iteration(grid.inner().mdp(), &vi).expect("value iteration converges");

    // Follow the greedy policy in a fresh env from the start state.
    let mut env = typed_cliff();
    let (mut s, _) = env.reset(Some(0));
    assert_eq!(s, 36, "the cliff walk starts bottom left");
    let (mut ret, mut reached) = (0.0, false);
    for _ in 0..100 {
        let step = env.step(&policy[s]).expect("greedy actions are valid");
        ret += step.reward;
        s = step.obs;
        if step.terminated {
            reached = true;
            break;
        }
    }
    assert!(reached, "the greedy policy never reached the goal");
    assert_eq!(s, 47, "the goal is bottom right");
    assert_eq!(ret, -13.0);
    assert!(
        (optimal.values[36] - ret).abs() < 1e-9,
        "{}",
        optimal.values[36]
    );
}

#[test]
fn the_made_cliff_walk_refuses_box_observations() {
    let env = make(CLIFF, &[]).expect("the cliff walk is registered");
    let err = Typed::<_, Vec<f32>, usize>::new(env)
        .err()
        .expect("Discrete(48) observations are not float32 arrays");
    let message = err.to_string();
    assert!(
        message.starts_with("the observation space Discrete(48) does not fit the type"),
        "{message}"
    );
    assert!(message.contains("expected a float32 array"), "{message}");
}
