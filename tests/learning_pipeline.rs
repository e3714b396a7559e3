//! The whole tabular pipeline across crates: make an env from the registry, train seeded
//! learners that log through `RunLogger`, read the runs back and aggregate and plot them.

use std::path::PathBuf;

use rewardlab::core::mdp::{ValueIterationConfig, value_iteration};
use rewardlab::core::runlog::{RunLogger, read_metrics};
use rewardlab::core::tabular::{EpsilonSchedule, Tabular, TabularConfig, q_learning};
use rewardlab::envs::make_gridworld;
use rewardlab::plot::{CurveOptions, XAxis, aggregate_runs, plot_learning_curves};

const ENV: &str = "rewardlab/CliffWalk-v0";

fn config(seed: u64) -> TabularConfig {
    TabularConfig {
        episodes: 300,
        alpha: 0.5,
        gamma: 1.0,
        epsilon: EpsilonSchedule::Linear {
            start: 1.0,
            end: 0.0,
            decay_episodes: 200,
        },
        seed,
        initial_q: 0.0,
    }
}

#[test]
fn seeded_q_learning_runs_log_read_back_aggregate_and_plot() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut final_returns = Vec::new();
    for seed in 0..3 {
        let mut env = make_gridworld(ENV, &[]).expect("registered");
        let cfg = config(seed);
        let mut logger = RunLogger::create(dir.path(), "pipeline", ENV, "q_learning", seed, &cfg)
            .expect("run folder");
        let run = q_learning(&mut env, &cfg, &mut logger).expect("training runs");
        final_returns.push(*run.episode_returns.last().expect("episodes"));
        let summary = serde_json::json!({ "final_return": run.episode_returns.last() });
        let folder = logger.finish(&summary).expect("summary written");
        assert_eq!(
            folder,
            dir.path().join(format!(
                "pipeline/rewardlab-CliffWalk-v0__q_learning__seed{seed}"
            ))
        );

        // The log holds one return per episode, in order, with the step counter rising.
        let records = read_metrics(&folder).expect("metrics readable");
        let returns: Vec<f64> = records
            .iter()
            .filter(|r| r.metric == "charts/episodic_return")
            .map(|r| r.value)
            .collect();
        assert_eq!(returns, run.episode_returns);
        let steps: Vec<u64> = records.iter().map(|r| r.step).collect();
        assert!(steps.windows(2).all(|w| w[0] <= w[1]));
    }
    // Greedy (ε = 0) in the last 100 episodes: the learned policy walks the optimal path.
    let optimum = {
        let env = make_gridworld(ENV, &[]).expect("registered");
        let solution =
            value_iteration(env.inner().mdp(), &ValueIterationConfig::default()).expect("solves");
        solution.values[36]
    };
    assert_eq!(optimum, -13.0);
    assert_eq!(final_returns, vec![optimum; 3]);

    // Same seed, same learning curve.
    let mut env = make_gridworld(ENV, &[]).expect("registered");
    let again = q_learning(&mut env, &config(1), &mut ()).expect("training runs");
    let first = read_metrics(
        &dir.path()
            .join("pipeline/rewardlab-CliffWalk-v0__q_learning__seed1"),
    )
    .expect("log");
    let logged: Vec<f64> = first
        .iter()
        .filter(|r| r.metric == "charts/episodic_return")
        .map(|r| r.value)
        .collect();
    assert_eq!(again.episode_returns, logged);

    // The three seeds form one curve whose end is the optimum with no spread.
    let runs: Vec<PathBuf> = vec![dir.path().join("pipeline")];
    let opts = CurveOptions {
        x: XAxis::Episodes,
        ..CurveOptions::default()
    };
    let groups = aggregate_runs(&runs, &opts).expect("aggregates");
    assert_eq!(groups.len(), 1);
    let (group, curve) = &groups[0];
    assert_eq!(group.name, "rewardlab-CliffWalk-v0__q_learning");
    assert_eq!(curve.n_runs, 3);
    assert_eq!(curve.mean.last().copied(), Some(optimum));
    assert_eq!(curve.std.last().copied(), Some(0.0));
    let png = dir.path().join("curves.png");
    plot_learning_curves(&runs, &png, &opts).expect("plots");
    assert!(
        std::fs::metadata(&png)
            .map(|m| m.len() > 1000)
            .unwrap_or(false)
    );
}
