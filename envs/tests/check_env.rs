//! Every registered environment passes the Gymnasium-style conformance checks, with its
//! default kwargs and with the variants that change its dynamics, and every check really runs
//! (none is skipped as not applicable).

use rewardlab_core::check::{CheckConfig, check_env};
use rewardlab_envs::registry::Entry;
use rewardlab_envs::{make, specs};

/// Kwarg sets to check besides the defaults, per id (gridworlds get slips below).
fn variants(id: &str) -> &'static [&'static [(&'static str, &'static str)]] {
    match id {
        "CartPole-v1" => &[
            &[("kinematics_integrator", "semi-implicit euler")],
            &[("sutton_barto_reward", "true")],
        ],
        "Pendulum-v1" => &[&[("g", "9.81")]],
        "FrozenLake-v1" => &[
            &[("map_name", "8x8")],
            &[("is_slippery", "false")],
            &[("desc", "SFH,FFF,HFG")],
        ],
        "CliffWalking-v1" => &[&[("is_slippery", "true")]],
        "Taxi-v4" => &[&[("is_rainy", "true")], &[("fickle_passenger", "true")]],
        _ => &[],
    }
}

#[test]
fn every_registered_env_passes_check_env() {
    let four_rooms = concat!(env!("CARGO_MANIFEST_DIR"), "/maps/four_rooms.txt");
    for spec in specs() {
        let mut configs: Vec<Vec<(String, String)>> = vec![Vec::new()];
        if let Entry::GridWorld(builtin) = spec.entry {
            configs = ["0", "0.2"]
                .iter()
                .map(|slip| {
                    let mut kw = vec![("slip".to_owned(), slip.to_string())];
                    if builtin.is_none() {
                        kw.push(("map".into(), four_rooms.into()));
                    }
                    kw
                })
                .collect();
        }
        configs.extend(variants(spec.id).iter().map(|pairs| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        }));
        for kwargs in &configs {
            let mut env = make(spec.id, kwargs).unwrap_or_else(|e| panic!("{}: {e}", spec.id));
            // Without a time limit a random walk may need thousands of steps to end an
            // episode (CliffWalking: ~7k on average); the end-of-episode checks need one.
            // MiniGrid envs truncate themselves (at most 2,560 steps, DoorKey-16x16).
            let steps = match (spec.entry, spec.max_episode_steps) {
                (Entry::MiniGrid(_), _) => 6_000,
                (_, None) => 50_000,
                (_, Some(_)) => 1_000,
            };
            let config = CheckConfig {
                steps,
                ..CheckConfig::default()
            };
            let report = check_env(&mut env, &config);
            assert!(report.is_ok(), "{} {kwargs:?}:\n{report}", spec.id);
            assert_eq!(report.checks.len(), 9, "{report}");
            for check in &report.checks {
                assert!(
                    !check.detail.starts_with("not applicable"),
                    "{} {kwargs:?}: {report}",
                    spec.id
                );
            }
        }
    }
}
