//! The tabular shaping experiments on a tiny budget: summary shape, the checker's verdicts,
//! the files written, and results that do not depend on the thread count.

use rewardlab_experiments::gridworld_common::{
    LearnSettings, episodes_to_goal, episodes_to_stable_goal, run_variants,
};
use rewardlab_experiments::gridworld_experiments::{
    CLOSENESS_SCALE, builtin_world, closeness_potential, gridworld_variants, run_experiment,
    terminal_bug_variants, terminal_bug_world,
};

fn tiny() -> LearnSettings {
    LearnSettings {
        seeds: 2,
        episodes: 25,
        max_episode_steps: 200,
        alpha: 0.5,
        epsilon: 0.1,
    }
}

fn variant<'a>(summary: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    &summary["variants"][name]
}

#[test]
fn oscillation_summary_has_the_contract_and_the_checker_verdicts() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let world = builtin_world("oscillation")?;
    let variants = gridworld_variants(&world)?;
    // A plain folder name: Output's run folders go to parent/<sanitised name>, and a temp
    // dir's leading '.' would be sanitised away.
    let dir = tmp.path().join("oscillation");
    let summary = run_experiment("oscillation", &world, &variants, &tiny(), &dir)?;

    assert_eq!(summary["map"], "oscillation");
    // J* = γ^6 (7 moves, +1 on the last).
    let j_star = summary["optimal_return"].as_f64().expect("a number");
    assert!((j_star - 0.99f64.powi(6)).abs() < 1e-9, "{j_star}");
    let names: Vec<&String> = summary["variants"]
        .as_object()
        .expect("an object")
        .keys()
        .collect();
    assert_eq!(names, ["none", "pbrs_distance", "pbrs_value", "progress"]);
    for name in ["none", "pbrs_distance", "pbrs_value", "progress"] {
        let v = variant(&summary, name);
        assert_eq!(v["episodes_to_goal"].as_array().map(Vec::len), Some(2));
        assert!(v["final_true_return_mean"].is_f64(), "{name}: {v}");
        // The mean is over seeds, and null as soon as one seed never got there.
        let per_seed: Option<Vec<f64>> = v["episodes_to_goal"]
            .as_array()
            .expect("an array")
            .iter()
            .map(serde_json::Value::as_f64)
            .collect();
        match per_seed {
            Some(e) => {
                let mean = e.iter().sum::<f64>() / e.len() as f64;
                assert_eq!(
                    v["episodes_to_goal_mean"].as_f64(),
                    Some(mean),
                    "{name}: {v}"
                );
            }
            None => assert!(v["episodes_to_goal_mean"].is_null(), "{name}: {v}"),
        }
    }
    for name in ["none", "pbrs_distance", "pbrs_value"] {
        assert_eq!(variant(&summary, name)["optimal_policy_preserved"], true);
        // The optimum of a preserving reward is the task's optimum.
        let shaped = variant(&summary, name)["shaped_optimum_true_return"]
            .as_f64()
            .expect("a number");
        assert!((shaped - j_star).abs() < 1e-9, "{name}: {shaped}");
    }
    for name in ["pbrs_distance", "pbrs_value"] {
        let err = variant(&summary, name)["max_q_error"]
            .as_f64()
            .expect("a number");
        assert!(err < 1e-9, "{name}: {err}");
    }
    let progress = variant(&summary, "progress");
    assert_eq!(progress["optimal_policy_preserved"], false);
    assert!(
        !progress["differing_states"]
            .as_array()
            .expect("a list")
            .is_empty()
    );
    // Its optimum oscillates forever: true return 0.
    assert_eq!(progress["shaped_optimum_true_return"].as_f64(), Some(0.0));

    for file in [
        "summary.json",
        "metrics.csv",
        "true_return.png",
        "true_return.svg",
        "shaped_return.svg",
        "heat_pbrs_value.png",
        "heat_progress.svg",
        "oscillation__pbrs_distance__seed1/metrics.csv",
    ] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }
    let metrics = std::fs::read_to_string(dir.join("metrics.csv"))?;
    assert!(metrics.contains("charts/greedy_true_return"));
    assert!(metrics.contains("charts/episodic_shaped_return"));
    Ok(())
}

#[test]
fn terminal_bug_is_caught_by_the_checker_and_learned_by_q_learning() -> anyhow::Result<()> {
    let world = terminal_bug_world()?;
    let variants = terminal_bug_variants(&world)?;
    let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["none", "pbrs", "pbrs_keep_terminal"]);
    let correct = variants[1].check.as_ref().expect("checked");
    assert!(correct.preserved);
    assert!(correct.max_q_error.is_some_and(|e| e < 1e-9));
    let buggy = variants[2].check.as_ref().expect("checked");
    assert!(!buggy.preserved);
    // The start (row 1, col 1 of a 10-wide map) is among the states whose choice changes.
    assert!(buggy.differing_states.contains(&11), "{buggy:?}");

    let tmp = tempfile::tempdir()?;
    let settings = LearnSettings {
        episodes: 40,
        ..tiny()
    };
    let dir = tmp.path().join("terminal_bug");
    let summary = run_experiment("terminal_bug", &world, &variants, &settings, &dir)?;
    let keep = variant(&summary, "pbrs_keep_terminal");
    assert_eq!(keep["preserved"], false);
    // The buggy optimum falls into the pit after 2 steps: −γ.
    assert!((keep["shaped_optimum_true_return"].as_f64().expect("n") + 0.95).abs() < 1e-9);
    // Within 40 episodes every seed has learned to jump: the pit is 2 steps away.
    assert!(
        (keep["final_true_return_mean"].as_f64().expect("n") + 0.95).abs() < 1e-9,
        "{keep}"
    );
    assert_eq!(variant(&summary, "pbrs")["preserved"], true);
    Ok(())
}

#[test]
fn closeness_potential_by_hand() -> anyhow::Result<()> {
    let world = terminal_bug_world()?;
    let phi = closeness_potential(&world, CLOSENESS_SCALE)?;
    let at = |r: usize, c: usize| phi.values()[r * 10 + c];
    // m_max = 11 (the top-right corner (1, 8) to G (5, 1)).
    assert!((at(5, 1) - 10.0).abs() < 1e-12); // G
    assert!((at(3, 1) - 10.0 * 9.0 / 11.0).abs() < 1e-12); // the pit, m = 2
    assert!((at(1, 1) - 10.0 * 7.0 / 11.0).abs() < 1e-12); // S, m = 4
    assert!(at(1, 8).abs() < 1e-12);
    assert_eq!(at(0, 0), 0.0); // wall
    Ok(())
}

#[test]
fn episodes_to_goal_by_hand() {
    let curve = [0.0, 0.5, 0.995, 0.2, 0.99, 1.0];
    assert_eq!(episodes_to_goal(&curve, 1.0), Some(3));
    assert_eq!(episodes_to_stable_goal(&curve, 1.0), Some(5));
    assert_eq!(episodes_to_goal(&[0.0, 0.5], 1.0), None);
    assert_eq!(episodes_to_stable_goal(&[1.0, 0.5], 1.0), None);
    // A negative optimum: within 1% of |J*| below it.
    assert_eq!(episodes_to_goal(&[-2.0, -1.01], -1.0), Some(2));
}

#[test]
fn results_do_not_depend_on_the_thread_count() -> anyhow::Result<()> {
    let world = builtin_world("oscillation")?;
    let variants = gridworld_variants(&world)?;
    let settings = LearnSettings {
        episodes: 10,
        ..tiny()
    };
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(anyhow::Error::from)
            .and_then(|pool| {
                pool.install(|| run_variants(&world, "oscillation", &variants, &settings, None))
            })
    };
    assert_eq!(run(1)?, run(3)?);
    Ok(())
}
